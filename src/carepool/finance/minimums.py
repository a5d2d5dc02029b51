"""Local minimums: national stream amounts shared out to areas, per-area tables read from CSV, and each
partner's position against its minimums.

Rounding rules:
- ``local_minimums``: largest remainder on the stream's ``rounding`` unit (penny, pound or £000 from the
  pack), so each stream's local shares sum *exactly* to its national amount. Ties go to the area whose code
  sorts first, so the result never depends on the order of the input rows.
- CSV amounts are exact pounds and pence (``to_money``); more than two decimal places is refused.
- ``minimum_position``: exact sums of the plan's rows; no rounding.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from carepool.model.plan import Area, Minimum, Plan
from carepool.money import ROUNDING_UNITS, ZERO, MoneyError, apportion_by_key, to_money
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$")
_YEAR = re.compile(r"^\d{4}-\d{2}$")
MAX_CSV_BYTES = 10 * 1024 * 1024
MAX_WEIGHT_DIGITS = 15  # populations and formula shares; larger is a typing slip


@dataclass(frozen=True, slots=True)
class LocalMinimum:
    area: str
    stream: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class MinimumRow:
    """One row of a per-(area, partner, stream, year) minimums table."""

    area: str
    partner: str
    stream: str
    year: str
    amount: Decimal

    def to_minimum(self) -> Minimum:
        return Minimum(partner=self.partner, stream=self.stream, year=self.year, amount=self.amount)


@dataclass(frozen=True, slots=True)
class MinimumPosition:
    """A partner's minimum for one stream and year against what it put in.

    ``pooled`` counts contributions to pooled arrangements, ``aligned`` to aligned ones, ``unplaced`` to
    pool ids the plan does not declare (shown so nothing is lost). ``shortfall`` is measured against pooled
    money when the pack requires the minimum to be pooled, otherwise against pooled + aligned.
    """

    partner: str
    stream: str
    year: str
    minimum: Decimal
    pooled: Decimal
    aligned: Decimal
    unplaced: Decimal
    shortfall: Decimal
    has_minimum: bool

    @property
    def met(self) -> bool:
        return self.shortfall == ZERO


# --- national → local -------------------------------------------------------------------------------


def allocate(national: Decimal, weights: Mapping[str, Decimal], unit: Decimal) -> dict[str, Decimal]:
    """Share ``national`` among areas in proportion to ``weights``; the parts sum exactly to ``national``."""
    return apportion_by_key(national, weights, unit)


def population_weights(areas: Iterable[Area]) -> dict[str, Decimal]:
    """Area code → population, for sharing a stream by head count. Areas without a population are refused."""
    weights: dict[str, Decimal] = {}
    missing: list[Problem] = []
    for area in areas:
        if area.population is None:
            missing.append(
                Problem("schema", f"area {area.ons_code}", "population needed to share by population")
            )
        else:
            weights[area.ons_code] = Decimal(area.population)
    if missing:
        raise InputRejected(missing)
    return weights


def local_minimums(
    pack: PolicyPack, weights: Mapping[str, Mapping[str, Decimal]], streams: Iterable[str] | None = None
) -> list[LocalMinimum]:
    """Local minimums for every pack stream with a national amount (or the named ``streams``).

    ``weights`` is stream code → area code → weight (population, formula share…); a stream missing from
    ``weights`` uses the ``"*"`` entry if there is one. Raises ``ValueError`` for a stream with no weights
    or a national amount that is not a multiple of the stream's rounding unit.
    """
    wanted = set(streams) if streams is not None else None
    result: list[LocalMinimum] = []
    for stream in pack.funding_streams:
        if stream.national_amount is None or (wanted is not None and stream.code not in wanted):
            continue
        stream_weights = weights.get(stream.code, weights.get("*"))
        if stream_weights is None:
            raise ValueError(f"no area weights for stream {stream.code!r}")
        unit = ROUNDING_UNITS[stream.rounding]
        for area, amount in allocate(stream.national_amount.value, stream_weights, unit).items():
            result.append(LocalMinimum(area, stream.code, amount))
    return result


# --- CSV input ---------------------------------------------------------------------------------------


def _read_text(source: str | Path | bytes, origin: str) -> str:
    if isinstance(source, Path):
        try:
            raw = source.read_bytes()
        except OSError as exc:
            raise InputRejected([Problem("file", origin, f"cannot read the file: {exc.strerror}")]) from None
    elif isinstance(source, bytes):
        raw = source
    else:
        return source.removeprefix("\ufeff")
    if len(raw) > MAX_CSV_BYTES:
        raise InputRejected([Problem("file", origin, "file is too large", f"{len(raw)} bytes")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputRejected(
            [Problem("file", origin, "not a UTF-8 CSV file (save the sheet as CSV UTF-8)")]
        ) from None


def _rows(text: str, origin: str, required: Sequence[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (spreadsheet row number, cells) of each non-blank row; row 1 is the header."""
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputRejected([Problem("format", origin, f"not a readable CSV file: {exc}")]) from None
    table = [(i + 1, row) for i, row in enumerate(records) if any(cell.strip() for cell in row)]
    if not table:
        raise InputRejected([Problem("format", origin, "the file is empty", expected=", ".join(required))])
    header_row, header_cells = table[0]
    header = [h.strip().lower() for h in header_cells]
    missing = [c for c in required if c not in header]
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    where = f"{origin} row {header_row}"
    problems = [
        Problem("format", where, f"missing column '{c}'", ", ".join(header), ", ".join(required))
        for c in missing
    ]
    problems += [Problem("format", where, f"column '{h}' appears twice") for h in duplicated]
    if problems:
        raise InputRejected(problems)
    if len(table) == 1:
        raise InputRejected([Problem("format", origin, "the file has a header but no rows")])
    return header, table[1:]


def _cell(row: list[str], header: list[str], column: str) -> str:
    index = header.index(column)
    return row[index].strip() if index < len(row) else ""


def _where(origin: str, row_number: int, column: str) -> str:
    return f"{origin} row {row_number}, column {column}"


def _code(value: str, where: str, what: str, problems: list[Problem]) -> None:
    if not value:
        problems.append(Problem("schema", where, f"{what} is empty", expected=f"a {what}"))
    elif len(value) > 64 or not _CODE.match(value):
        problems.append(
            Problem("schema", where, f"not a valid {what}", repr(value), "letters, digits, _ . - /")
        )


def _stream(value: str, where: str, pack: PolicyPack | None, problems: list[Problem]) -> None:
    _code(value, where, "stream code", problems)
    if value and pack is not None and pack.stream(value) is None:
        known = ", ".join(s.code for s in pack.funding_streams)
        problems.append(Problem("reference", where, f"unknown funding stream for {pack.id}", value, known))


def read_shares_csv(
    source: str | Path | bytes, pack: PolicyPack, origin: str = "shares.csv"
) -> dict[str, dict[str, Decimal]]:
    """Read area weights: columns ``area, weight`` and optionally ``stream``.

    Without a ``stream`` column the weights apply to every pack stream with a national amount. Returns
    stream code → area code → weight, ready for ``local_minimums``. All-or-nothing: any bad row rejects the
    file with every problem listed.
    """
    text = _read_text(source, origin)
    header, rows = _rows(text, origin, ["area", "weight"])
    by_stream = "stream" in header
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    parsed: list[tuple[str, str, Decimal]] = []
    for number, row in rows:
        area = _cell(row, header, "area")
        _code(area, _where(origin, number, "area"), "area code", problems)
        stream = _cell(row, header, "stream") if by_stream else "*"
        if by_stream:
            _stream(stream, _where(origin, number, "stream"), pack, problems)
        raw = _cell(row, header, "weight").replace(",", "")
        where = _where(origin, number, "weight")
        try:
            weight = Decimal(raw)
        except InvalidOperation:
            problems.append(Problem("schema", where, "not a number", repr(raw), "a number ≥ 0, e.g. 123456"))
            continue
        if not weight.is_finite() or weight < 0 or weight.adjusted() > MAX_WEIGHT_DIGITS:
            problems.append(
                Problem("schema", where, "weight must be a number ≥ 0", repr(raw), "≥ 0 and below 10^15")
            )
            continue
        key = (stream, area)
        if key in seen:
            problems.append(
                Problem(
                    "schema", _where(origin, number, "area"), "area repeated", area, f"once (row {seen[key]})"
                )
            )
            continue
        seen[key] = number
        parsed.append((stream, area, weight))
    result: dict[str, dict[str, Decimal]] = {}
    for stream, area, weight in parsed:
        result.setdefault(stream, {})[area] = weight
    for stream, areas in result.items():
        if sum(areas.values(), ZERO) <= 0:
            label = "every stream" if stream == "*" else f"stream {stream}"
            problems.append(Problem("schema", f"{origin} column weight", f"weights for {label} are all zero"))
    if problems:
        raise InputRejected(problems)
    if "*" in result:
        weights = result.pop("*")
        for s in pack.funding_streams:
            if s.national_amount is not None:
                result[s.code] = dict(weights)
    return result


def read_minimums_csv(
    source: str | Path | bytes, pack: PolicyPack, origin: str = "minimums.csv"
) -> list[MinimumRow]:
    """Read published minimums: columns ``area, partner, stream, year, amount`` (one row per key).

    Streams must be in the pack and years in the pack's years; amounts are pounds and pence ≥ 0.
    All-or-nothing: any bad row rejects the file with every problem listed.
    """
    text = _read_text(source, origin)
    header, rows = _rows(text, origin, ["area", "partner", "stream", "year", "amount"])
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    result: list[MinimumRow] = []
    for number, row in rows:
        before = len(problems)
        area, partner, stream, year, raw = (
            _cell(row, header, c) for c in ("area", "partner", "stream", "year", "amount")
        )
        _code(area, _where(origin, number, "area"), "area code", problems)
        _code(partner, _where(origin, number, "partner"), "partner code", problems)
        _stream(stream, _where(origin, number, "stream"), pack, problems)
        if not _YEAR.match(year) or year not in pack.years:
            problems.append(
                Problem(
                    "schema",
                    _where(origin, number, "year"),
                    "not a year of this policy",
                    repr(year),
                    ", ".join(pack.years),
                )
            )
        amount = ZERO
        try:
            amount = to_money(raw)
        except MoneyError as exc:
            problems.append(
                Problem("schema", _where(origin, number, "amount"), str(exc), repr(raw), "e.g. 1234.50")
            )
        else:
            if amount < 0:
                problems.append(
                    Problem(
                        "schema", _where(origin, number, "amount"), "a minimum cannot be negative", raw, "≥ 0"
                    )
                )
        key = (area, partner, stream, year)
        if len(problems) == before and key in seen:
            problems.append(
                Problem(
                    "schema",
                    _where(origin, number, "partner"),
                    f"minimum for {partner} / {stream} / {year} in {area} given twice",
                    expected=f"once (row {seen[key]})",
                )
            )
        seen.setdefault(key, number)
        if len(problems) == before:
            result.append(MinimumRow(area, partner, stream, year, amount))
    if problems:
        raise InputRejected(problems)
    return result


def minimums_for_area(rows: Iterable[MinimumRow], area: str) -> list[Minimum]:
    """The rows of one area as plan ``minimums``."""
    return [r.to_minimum() for r in rows if r.area == area]


# --- position against minimums -----------------------------------------------------------------------


def minimum_position(plan: Plan, pack: PolicyPack) -> list[MinimumPosition]:
    """Per (partner, stream, year): minimum, money pooled, money aligned, shortfall.

    Every key with a minimum or a contribution appears; duplicate minimum rows add up (check FIN-009
    reports them). Sorted by partner, stream, year.
    """
    arrangement = {p.id: p.arrangement for p in plan.pools}
    minimum: dict[tuple[str, str, str], Decimal] = {}
    for m in plan.minimums:
        key = (m.partner, m.stream, m.year)
        minimum[key] = minimum.get(key, ZERO) + m.amount
    put_in: dict[tuple[str, str, str], dict[str, Decimal]] = {}
    for c in plan.contributions:
        bucket = put_in.setdefault((c.partner, c.stream, c.year), {})
        kind = arrangement.get(c.pool, "unplaced")
        bucket[kind] = bucket.get(kind, ZERO) + c.amount
    result: list[MinimumPosition] = []
    for key in sorted(set(minimum) | set(put_in)):
        amounts = put_in.get(key, {})
        pooled = amounts.get("pooled", ZERO)
        aligned = amounts.get("aligned", ZERO)
        counted = pooled if pack.minimum_requires_pooled else pooled + aligned
        needed = minimum.get(key, ZERO)
        result.append(
            MinimumPosition(
                partner=key[0],
                stream=key[1],
                year=key[2],
                minimum=needed,
                pooled=pooled,
                aligned=aligned,
                unplaced=amounts.get("unplaced", ZERO),
                shortfall=max(ZERO, needed - counted),
                has_minimum=key in minimum,
            )
        )
    return result


# --- the plan against a published table ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MinimumDifference:
    """A (partner, stream, year) where the plan's minimum is not the published one (None = no row)."""

    partner: str
    stream: str
    year: str
    in_plan: Decimal | None
    published: Decimal | None


def compare_published(plan: Plan, published: Iterable[MinimumRow]) -> list[MinimumDifference]:
    """Every key where the plan's minimums differ from the published table for the plan's area."""
    mine: dict[tuple[str, str, str], Decimal] = {}
    for m in plan.minimums:
        key = (m.partner, m.stream, m.year)
        mine[key] = mine.get(key, ZERO) + m.amount
    theirs = {(r.partner, r.stream, r.year): r.amount for r in published if r.area == plan.area.ons_code}
    return [
        MinimumDifference(*key, mine.get(key), theirs.get(key))
        for key in sorted(set(mine) | set(theirs))
        if mine.get(key) != theirs.get(key)
    ]
