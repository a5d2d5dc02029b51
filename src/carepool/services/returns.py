"""Quarterly returns in the database: record one (all or nothing), list them, and the year's position.

A return arrives as the Excel return template (``.xlsx``) or as ``carepool-return/1`` JSON. Recording
keeps the file whatever happens (``uploads``, as plan imports do). A refused file leaves only that upload
and an ``import_rejected`` event; an accepted one leaves the upload, the return (canonical JSON and its
hash, bound to the plan version it was made against) as the next revision of its quarter, and a
``return_recorded`` event in the hash chain. The latest revision of each quarter counts.

Which plan version: the template names the version's hash (``PlanSha256``), which must be a stored
version of the plan; a JSON return names none and is recorded against the latest version. The year's
position is built from the latest revision of each quarter, applied to the plan version the latest
quarter's return was made against (``monitoring.position``). A return is refused if that position
cannot be built with it (for example a year-end return without spend for every funded scheme), so
what is stored can always be shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from carepool.io.bulk import BulkReport, Document, import_folder
from carepool.io.excel.returns import QuarterlyReturn as TemplateReturn
from carepool.io.excel.returns import (
    read_return_located,
    return_for_quarter,
    return_workbook_bytes,
    to_monitoring_return,
)
from carepool.model import Plan
from carepool.modelling.montecarlo import SimulationResult, simulate_plan
from carepool.modelling.quarters import quarter_index
from carepool.monitoring.position import YearPosition, year_position
from carepool.monitoring.returns import (
    QuarterlyReturn,
    canonical_return,
    load_canonical_return,
    parse_return_bytes,
    return_problems,
)
from carepool.policy import PackError, PolicyPack, load_pack
from carepool.problems import InputRejected, Problem
from carepool.reports.data import Monitoring, ReturnLine
from carepool.services.chain import stamp
from carepool.services.clock import now
from carepool.services.documents import (
    load_document,
    require_plan,
    require_version,
    sha256_bytes,
    sha256_text,
)
from carepool.services.errors import Conflict, ImportRejected
from carepool.services.events import Kind, actor_name, record
from carepool.services.imports import FILENAME_MAX, import_parsed, keep_rejected, unexpected
from carepool.services.ports import Database, Store
from carepool.services.records import NewReturn, NewUpload, ReturnRecord, VersionRecord
from carepool.services.units import write

JSON_SUFFIXES = (".json",)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
OUTLOOK_YEARS = 4000  # simulated years for the admissions outlook on pages and reports (seed 0)


def _identity(path: str) -> str:
    return path


@dataclass(frozen=True, slots=True)
class ParsedReturn:
    """A return as read from its file, with how to name the place of a problem in that file."""

    ret: QuarterlyReturn
    plan_sha256: str | None  # the plan version the template was made from (JSON returns name none)
    template: TemplateReturn | None
    cell_of: Callable[[str], str] = _identity


def parse_return_upload(raw: bytes, filename: str) -> ParsedReturn:
    """Read a return file by its extension: the workbook template, or the JSON exchange format."""
    suffix = Path(filename).suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        located = read_return_located(raw, filename)
        return ParsedReturn(
            to_monitoring_return(located.ret), located.ret.plan_sha256, located.ret, located.cell_of
        )
    if suffix in JSON_SUFFIXES:
        return ParsedReturn(parse_return_bytes(raw, filename), None, None)
    raise InputRejected(
        [
            Problem(
                "file",
                filename,
                "a quarterly return is the Excel return template or a carepool-return/1 JSON file",
                suffix or "no file extension",
                ".xlsx or .json",
            )
        ]
    )


@dataclass(frozen=True, slots=True)
class StoredReturn:
    plan_id: str
    quarter: str
    revision: int
    plan_version: int
    plan_sha256: str
    sha256: str
    received_at: datetime
    actor: str
    upload_id: int | None
    document: QuarterlyReturn

    @classmethod
    def of(cls, r: ReturnRecord) -> StoredReturn:
        return cls(
            r.plan_id,
            r.quarter,
            r.revision,
            r.plan_version,
            r.plan_sha256,
            r.sha256,
            r.received_at,
            r.actor,
            r.upload_id,
            load_canonical_return(r.document),
        )

    @property
    def year(self) -> str:
        return self.document.year

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "quarter": self.quarter,
            "revision": self.revision,
            "plan_version": self.plan_version,
            "plan_sha256": self.plan_sha256,
            "sha256": self.sha256,
            "received_at": stamp(self.received_at),
            "actor": self.actor,
            "upload": self.upload_id,
        }


def _sorted(records: Iterable[ReturnRecord]) -> list[ReturnRecord]:
    return sorted(records, key=lambda r: (quarter_index(r.quarter), r.revision))


def _latest(records: Iterable[ReturnRecord]) -> list[ReturnRecord]:
    """The latest revision of each quarter, in quarter order."""
    newest: dict[str, ReturnRecord] = {}
    for r in _sorted(records):
        newest[r.quarter] = r
    return list(newest.values())


def list_returns(db: Database, plan_id: str) -> list[StoredReturn]:
    """Every revision received, by quarter then revision."""
    with db.transaction() as store:
        require_plan(store, plan_id)
        records = store.returns(plan_id)
    return [StoredReturn.of(r) for r in _sorted(records)]


def latest_returns(db: Database, plan_id: str, year: str | None = None) -> list[StoredReturn]:
    """The revision that counts for each quarter (optionally of one financial year), in quarter order."""
    with db.transaction() as store:
        require_plan(store, plan_id)
        records = store.returns(plan_id)
    return [StoredReturn.of(r) for r in _latest(records) if year is None or r.quarter.startswith(year + " ")]


@dataclass(frozen=True, slots=True)
class MonitoringPosition:
    """The stored position of a year: the returns that count and what the cycle makes of them."""

    plan_id: str
    year: str
    years: tuple[str, ...]  # every year with a stored return, oldest first
    plan_version: int  # the version the position is computed on (the latest quarter's return's)
    plan_sha256: str
    returns: tuple[StoredReturn, ...]
    position: YearPosition
    pack: PolicyPack

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "plan": self.plan_id,
            "year": self.year,
            "years": list(self.years),
            "plan_version": self.plan_version,
            "plan_sha256": self.plan_sha256,
            "returns": [r.to_dict() for r in self.returns],
            **{k: v for k, v in self.position.to_dict().items() if k not in ("plan", "year")},
        }


def _years(records: Iterable[ReturnRecord]) -> tuple[str, ...]:
    return tuple(sorted({r.quarter.split(" ")[0] for r in records}))


def _pack(plan: Plan) -> PolicyPack:
    try:
        return load_pack(plan.policy)
    except PackError as exc:
        raise InputRejected([Problem("reference", "policy", str(exc), plan.policy)]) from None


def _position_of(
    store: Store, plan_id: str, counted: list[tuple[ReturnRecord | NewReturn, QuarterlyReturn]]
) -> tuple[VersionRecord, YearPosition, PolicyPack]:
    """The position of one year's counted returns, on the plan version of the latest quarter's return."""
    newest = max(counted, key=lambda pair: quarter_index(pair[0].quarter))[0]
    version = require_version(store, plan_id, newest.plan_version)
    plan = load_document(version.document)
    pack = _pack(plan)
    return version, year_position(plan, pack, [doc for _, doc in counted]), pack


def stored_position(db: Database, plan_id: str, year: str | None = None) -> MonitoringPosition | None:
    """The year's cumulative position from the stored returns (default: the year of the latest quarter
    received); None when no return of that year is stored."""
    with db.transaction() as store:
        require_plan(store, plan_id)
        records = store.returns(plan_id)
        years = _years(records)
        if not records:
            return None
        chosen = year or max(records, key=lambda r: quarter_index(r.quarter)).quarter.split(" ")[0]
        latest = [r for r in _latest(records) if r.quarter.startswith(chosen + " ")]
        if not latest:
            return None
        stored = [StoredReturn.of(r) for r in latest]
        version, position, pack = _position_of(
            store, plan_id, [(r, s.document) for r, s in zip(latest, stored, strict=True)]
        )
    return MonitoringPosition(
        plan_id, chosen, years, version.number, version.sha256, tuple(stored), position, pack
    )


def admissions_outlook(
    mp: MonitoringPosition, runs: int = OUTLOOK_YEARS
) -> tuple[SimulationResult | None, str]:
    """The Monte Carlo outlook for the year's admissions on the plan as the returns left it, or why there
    is none (too little history, no payment for performance in this policy)."""
    if mp.pack.performance.mechanism != "nel_reduction":
        return None, f"{mp.pack.id} pays no quarterly performance money, so there is no admissions outlook."
    try:
        return simulate_plan(mp.position.plan, mp.pack, runs, seed=0), ""
    except InputRejected as exc:
        return None, "No admissions outlook: " + "; ".join(str(p) for p in exc.problems)


def report_monitoring(db: Database, plan_id: str, year: str | None = None) -> Monitoring | None:
    """The board paper's monitoring section: the stored position and its outlook (None: no returns)."""
    found = stored_position(db, plan_id, year)
    if found is None:
        return None
    outlook, note = admissions_outlook(found)
    lines = tuple(
        ReturnLine(r.quarter, r.revision, r.received_at.date(), r.actor, r.plan_version)
        for r in found.returns
    )
    return Monitoring(found.year, found.plan_version, lines, found.position, outlook, note)


# --- recording ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recorded:
    stored: StoredReturn
    result: Literal["recorded", "unchanged"]
    upload_id: int
    position: YearPosition

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "result": self.result,
            **self.stored.to_dict(),
            "upload": self.upload_id,
            "position": self.position.to_dict(),
        }


def record_return_file(db: Database, path: Path, actor: str, plan_id: str | None = None) -> Recorded:
    try:
        raw = path.read_bytes()
    except OSError as exc:  # nothing arrived, so there is nothing to keep
        raise InputRejected([Problem("file", str(path), f"cannot read the file: {exc.strerror}")]) from None
    return record_return_bytes(db, raw, path.name, actor, plan_id)


def record_return_bytes(
    db: Database, raw: bytes, filename: str, actor: str, plan_id: str | None = None
) -> Recorded:
    """Record a return file. ``plan_id``: the plan the sender means (the web page, the CLI argument); a
    return for any other plan is refused. Raises ImportRejected (the file kept, nothing else written)."""
    received = now()
    filename, actor = filename[-FILENAME_MAX:] or "(no name)", actor_name(actor)
    try:
        parsed = parse_return_upload(raw, filename)
    except InputRejected as exc:
        upload_id = keep_rejected(db, raw, filename, actor, received, exc.problems, plan_id)
        raise ImportRejected(exc.problems, upload_id) from None
    except Exception as exc:
        keep_rejected(db, raw, filename, actor, received, [unexpected(filename, exc)], plan_id)
        raise
    return record_parsed(db, parsed, raw, filename, actor, received, plan_id)


def _refuse(problems: list[Problem], parsed: ParsedReturn) -> InputRejected:
    """Problems placed where the sender can find them: the template's cell for a workbook."""
    prefix = f"{parsed.ret.quarter} return: "
    placed = []
    for p in problems:
        where = p.location
        if where.startswith(prefix):
            where = parsed.cell_of(where.removeprefix(prefix))
        elif " return: " not in where:  # another quarter's stored return is named as it is
            where = parsed.cell_of(where)
        placed.append(Problem(p.stage, where, p.message, p.found, p.expected))
    return InputRejected(placed)


def _plan_version(store: Store, parsed: ParsedReturn, plan_id: str | None) -> VersionRecord:
    ret = parsed.ret
    if plan_id is not None and ret.plan != plan_id:
        raise _refuse(
            [
                Problem(
                    "reference", "plan", f"this return is for another plan, not {plan_id}", ret.plan, plan_id
                )
            ],
            parsed,
        )
    if store.plan(ret.plan) is None:
        raise _refuse(
            [
                Problem(
                    "reference", "plan", "there is no stored plan with this id", ret.plan, "a stored plan id"
                )
            ],
            parsed,
        )
    if parsed.plan_sha256 is None:
        latest = store.version(ret.plan)
        assert latest is not None  # a stored plan always has a version
        return latest
    found = next((v for v in store.versions(ret.plan) if v.sha256 == parsed.plan_sha256), None)
    if found is None:
        raise _refuse(
            [
                Problem(
                    "reference",
                    "plan_sha256",
                    "the template was made from a plan version that is not stored: download the return "
                    "template again from the plan's monitoring page (or `carepool returns export`)",
                    parsed.plan_sha256[:12],
                    "the hash of a stored version of " + ret.plan,
                )
            ],
            parsed,
        )
    return found


def _template_problems(template: TemplateReturn | None, plan: Plan) -> list[Problem]:
    """The template's locked identity cells must still say what the plan says."""
    if template is None:
        return []
    problems = []
    if template.policy != plan.policy:
        problems.append(
            Problem(
                "reference", "policy", "the policy pack differs from the plan's", template.policy, plan.policy
            )
        )
    if template.area != plan.area.ons_code:
        problems.append(
            Problem(
                "reference", "area", "the area differs from the plan's", template.area, plan.area.ons_code
            )
        )
    return problems


def record_parsed(
    db: Database,
    parsed: ParsedReturn,
    raw: bytes,
    filename: str,
    actor: str,
    received: datetime,
    plan_id: str | None = None,
) -> Recorded:
    ret = parsed.ret
    document = canonical_return(ret)
    sha = sha256_text(document)

    def work(store: Store) -> Recorded:
        version = _plan_version(store, parsed, plan_id)
        plan = load_document(version.document)
        pack = _pack(plan)
        problems = _template_problems(parsed.template, plan) + return_problems(plan, pack, ret)
        if problems:
            raise _refuse(problems, parsed)
        records = store.returns(ret.plan)
        previous = max(
            (r for r in records if r.quarter == ret.quarter), key=lambda r: r.revision, default=None
        )
        unchanged = (
            previous is not None and previous.sha256 == sha and previous.plan_version == version.number
        )
        revision = 1 if previous is None else previous.revision + (0 if unchanged else 1)
        new = NewReturn(
            ret.plan,
            ret.quarter,
            revision,
            version.number,
            version.sha256,
            document,
            sha,
            received,
            actor,
            None,
        )
        others = [
            r for r in _latest(records) if r.quarter.startswith(ret.year + " ") and r.quarter != ret.quarter
        ]
        counted: list[tuple[ReturnRecord | NewReturn, QuarterlyReturn]] = [
            *((r, load_canonical_return(r.document)) for r in others),
            (new, ret),
        ]
        try:
            _, position, _ = _position_of(store, ret.plan, counted)
        except InputRejected as exc:
            raise _refuse(exc.problems, parsed) from None
        result: Literal["recorded", "unchanged"] = "unchanged" if unchanged else "recorded"
        report = {
            "outcome": "accepted",
            "problems": [],
            "kind": "quarterly_return",
            "quarter": ret.quarter,
            "revision": revision,
            "result": result,
        }
        upload = NewUpload(
            filename,
            raw,
            sha256_bytes(raw),
            received,
            actor,
            "accepted",
            ret.plan,
            version.number,
            json.dumps(report, sort_keys=True, ensure_ascii=False),
        )
        upload_id = store.add_upload(upload)
        if not unchanged:
            store.add_return(replace(new, upload_id=upload_id))
        record(
            store,
            Kind.RETURN_RECORDED,
            actor=actor,
            plan_id=ret.plan,
            version=version.number,
            at=received,
            payload={
                "quarter": ret.quarter,
                "revision": revision,
                "sha256": sha,
                "plan_sha256": version.sha256,
                "result": result,
                "upload_id": upload_id,
                "filename": filename,
                "file_sha256": upload.sha256,
            },
        )
        stored = StoredReturn(
            ret.plan,
            ret.quarter,
            revision,
            version.number,
            version.sha256,
            sha,
            received,
            actor,
            upload_id,
            ret,
        )
        return Recorded(stored, result, upload_id, position)

    guess = plan_id or ret.plan
    try:
        return write(db, work)
    except InputRejected as exc:
        upload_id = keep_rejected(db, raw, filename, actor, received, exc.problems, guess)
        raise ImportRejected(exc.problems, upload_id) from None
    except Conflict as exc:
        keep_rejected(db, raw, filename, actor, received, exc.problems, guess)
        raise
    except Exception as exc:
        keep_rejected(db, raw, filename, actor, received, [unexpected(filename, exc)], guess)
        raise


# --- the pre-filled template ----------------------------------------------------------------------------


def return_template(db: Database, plan_id: str, quarter: str) -> tuple[str, bytes]:
    """The return workbook for a quarter, pre-filled from the plan's latest version (file name, bytes)."""
    with db.transaction() as store:
        version = require_version(store, plan_id)
    plan = load_document(version.document)
    year = quarter.split(" ")[0]
    if year not in plan.years:
        raise InputRejected(
            [
                Problem(
                    "reference",
                    "quarter",
                    "the quarter is not in one of the plan's years",
                    quarter,
                    ", ".join(plan.years),
                )
            ]
        )
    try:
        workbook = return_workbook_bytes(return_for_quarter(plan, quarter))
    except ValueError as exc:  # pydantic refuses a malformed quarter label
        raise InputRejected(
            [Problem("format", "quarter", "not a quarter", quarter, "e.g. 2015-16 Q2")]
        ) from exc
    return f"{plan_id}-{quarter.replace(' ', '-')}-return.xlsx", workbook


def plan_quarters(db: Database, plan_id: str) -> list[str]:
    """Every quarter of the plan's years, for choosing a return to download."""
    with db.transaction() as store:
        version = require_version(store, plan_id)
    years = load_document(version.document).years
    return [f"{y} Q{q}" for y in years for q in range(1, 5)]


# --- a folder of workbooks ------------------------------------------------------------------------------


def import_folder_to_store(
    db: Database, folder: Path, actor: str, summary_csv: Path | None = None, progress: bool = False
) -> BulkReport:
    """Every workbook of a folder stored through its own use case (returns: ``record_return_bytes``;
    planning templates: the plan import), every file kept as received, one bad file never stopping or
    touching the others. The summary table and CSV are those of ``io.bulk``."""
    actor = actor_name(actor)
    handled: set[str] = set()

    def accept(document: Document, path: Path) -> None:
        raw = path.read_bytes()
        handled.add(path.name)
        if isinstance(document, Plan):
            import_parsed(db, document, raw, path.name, actor, now())
        else:
            record_return_bytes(db, raw, path.name, actor)

    report = import_folder(folder, accept=accept, summary_csv=summary_csv, progress=progress)
    for outcome in report.outcomes:
        if outcome.outcome == "rejected" and outcome.file not in handled:
            _keep_unread(db, folder / outcome.file, actor, outcome.problems)
    return report


def _keep_unread(db: Database, path: Path, actor: str, problems: list[Problem]) -> None:
    """A file refused before anyone knew what it was: kept too, so support can see what arrived."""
    try:
        raw = path.read_bytes()
    except OSError:
        return  # vanished or unreadable: there are no bytes to keep, and its outcome says why
    keep_rejected(db, raw, path.name[-FILENAME_MAX:], actor, now(), problems, None)


__all__ = [
    "MonitoringPosition",
    "ParsedReturn",
    "Recorded",
    "StoredReturn",
    "admissions_outlook",
    "import_folder_to_store",
    "latest_returns",
    "list_returns",
    "parse_return_upload",
    "plan_quarters",
    "record_parsed",
    "record_return_bytes",
    "record_return_file",
    "report_monitoring",
    "return_template",
    "stored_position",
]
