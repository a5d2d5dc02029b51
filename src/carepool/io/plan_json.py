"""The plan exchange format: read with staged validation, write canonical or pretty JSON.

Stages stop early on the wrong file: size and encoding → JSON syntax → format marker → schema (types,
required fields) → policy pack known → references inside the plan resolve. Each problem names the field
path, what was found and what was expected.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from carepool.model.plan import FORMAT, Plan
from carepool.policy.loader import PackError, load_pack
from carepool.problems import InputRejected, Problem

MAX_BYTES = 20 * 1024 * 1024


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = err["msg"].removeprefix("Value error, ")
        found = "" if err["type"] == "missing" else _short(err.get("input"))
        problems.append(Problem("schema", _path(loc), message, found=found))
    return problems


def parse_plan_bytes(raw: bytes, origin: str = "plan") -> Plan:
    """Parse and fully validate a plan document. Raises InputRejected listing every problem found."""
    if len(raw) > MAX_BYTES:
        raise InputRejected(
            [Problem("file", origin, "file is too large", f"{len(raw)} bytes", f"≤ {MAX_BYTES}")]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputRejected(
            [Problem("file", origin, "not a UTF-8 text file (is it a spreadsheet?)")]
        ) from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputRejected(
            [Problem("format", f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")]
        ) from None
    return parse_plan_data(data)


def parse_plan_data(data: Any) -> Plan:
    if not isinstance(data, dict):
        raise InputRejected([Problem("format", "", "a plan file holds one JSON object", _short(type(data)))])
    if data.get("format") != FORMAT:
        raise InputRejected(
            [
                Problem(
                    "format", "format", "this is not a carepool plan file", _short(data.get("format")), FORMAT
                )
            ]
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise InputRejected(problems_from_validation(exc)) from None
    problems = reference_problems(plan)
    if problems:
        raise InputRejected(problems)
    return plan


def read_plan(path: Path) -> Plan:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputRejected([Problem("file", str(path), f"cannot read the file: {exc.strerror}")]) from None
    return parse_plan_bytes(raw, str(path))


def reference_problems(plan: Plan) -> list[Problem]:
    """Every code a plan uses must resolve inside it or in its policy pack."""
    problems: list[Problem] = []

    def bad(location: str, message: str, found: str, expected: str) -> None:
        problems.append(Problem("reference", location, message, found, expected))

    try:
        pack = load_pack(plan.policy)
    except PackError as exc:
        return [Problem("reference", "policy", str(exc), plan.policy)]
    orgs = {o.code for o in plan.organisations}
    partners = {p.org for p in plan.partners}
    pools = {p.id for p in plan.pools}
    streams = {s.code for s in pack.funding_streams}
    years = set(plan.years)

    def unique(items: list[str], where: str, what: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item in seen:
                bad(f"{where}[{i}]", f"{what} is used twice", item, f"a unique {what}")
            seen.add(item)

    unique([o.code for o in plan.organisations], "organisations", "organisation code")
    unique([p.org for p in plan.partners], "partners", "partner")
    unique([p.id for p in plan.pools], "pools", "pool id")
    unique([c.id for c in plan.contributions], "contributions", "contribution id")
    unique([s.ref for s in plan.schemes], "schemes", "scheme reference")
    unique([r.id for r in plan.risks], "risks", "risk id")
    unique([m.id for m in plan.milestones], "milestones", "milestone id")
    for year in plan.years:
        if year not in pack.years:
            bad("years", f"year {year} is not covered by policy {pack.id}", year, ", ".join(pack.years))
    for i, p in enumerate(plan.partners):
        if p.org not in orgs:
            bad(
                f"partners[{i}].org",
                "partner is not in the organisations list",
                p.org,
                "an organisation code",
            )
    for i, pool in enumerate(plan.pools):
        if pool.host not in partners:
            bad(f"pools[{i}].host", "pool host is not a partner", pool.host, "a partner code")
    for i, m in enumerate(plan.minimums):
        if m.partner not in partners:
            bad(f"minimums[{i}].partner", "unknown partner", m.partner, "a partner code")
        if m.stream not in streams:
            bad(f"minimums[{i}].stream", "unknown funding stream", m.stream, ", ".join(sorted(streams)))
        if m.year not in years:
            bad(f"minimums[{i}].year", "year is not one of the plan's years", m.year, ", ".join(plan.years))
    for i, c in enumerate(plan.contributions):
        loc = f"contributions[{i}]"
        if c.partner not in partners:
            bad(f"{loc}.partner", "unknown partner", c.partner, "a partner code")
        if c.pool not in pools:
            bad(f"{loc}.pool", "unknown pool", c.pool, "a pool id")
        if c.stream not in streams:
            bad(f"{loc}.stream", "unknown funding stream", c.stream, ", ".join(sorted(streams)))
        if c.year not in years:
            bad(f"{loc}.year", "year is not one of the plan's years", c.year, ", ".join(plan.years))
    for i, s in enumerate(plan.schemes):
        for j, share in enumerate(s.commissioners):
            if share.partner not in partners:
                bad(
                    f"schemes[{i}].commissioners[{j}].partner",
                    "unknown partner",
                    share.partner,
                    "a partner code",
                )
        for j, f in enumerate(s.funding):
            loc = f"schemes[{i}].funding[{j}]"
            if f.pool not in pools:
                bad(f"{loc}.pool", "unknown pool", f.pool, "a pool id")
            if f.partner not in partners:
                bad(f"{loc}.partner", "unknown partner", f.partner, "a partner code")
            if f.stream not in streams:
                bad(f"{loc}.stream", "unknown funding stream", f.stream, ", ".join(sorted(streams)))
            if f.year not in years:
                bad(f"{loc}.year", "year is not one of the plan's years", f.year, ", ".join(plan.years))
    metric_ids = {m.id for m in pack.metrics}
    for i, metric in enumerate(plan.metrics):
        if metric.metric not in metric_ids:
            bad(f"metrics[{i}].metric", "unknown metric", metric.metric, ", ".join(sorted(metric_ids)))
    condition_ids = set(pack.condition_ids())
    for i, statement in enumerate(plan.conditions):
        if statement.condition not in condition_ids:
            bad(
                f"conditions[{i}].condition",
                "unknown national condition",
                statement.condition,
                ", ".join(sorted(condition_ids)),
            )
    sections = {s.id for s in pack.narrative_sections}
    for key in plan.narrative:
        if key not in sections:
            bad(f"narrative.{key}", "unknown narrative section", key, ", ".join(sorted(sections)) or "none")
    if plan.s75.host is not None and plan.s75.host not in partners:
        bad("s75.host", "s75 host is not a partner", plan.s75.host, "a partner code")
    if plan.s75.risk_share is not None:
        for code in plan.s75.risk_share.splits:
            if code not in partners:
                bad(f"s75.risk_share.splits.{code}", "unknown partner", code, "a partner code")
    for i, sig in enumerate(plan.signatories):
        if sig.signs_for != "hwb" and sig.signs_for not in partners:
            bad(
                f"signatories[{i}].signs_for",
                "signs for an unknown partner",
                sig.signs_for,
                "a partner code or 'hwb'",
            )
    return problems
