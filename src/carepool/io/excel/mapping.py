"""The plan as template cells and back: single fields by defined name, tables as rows of column keys.

Nested parts of a plan become child tables keyed by their parent's reference (scheme funding by scheme
ref, tasks by milestone id, trajectories by a metric ref). Row order is list order, so the round trip is
exact. Going back, every plan path is remembered with the cell it came from, so a schema or reference
problem found later still names ``Sheet!D12``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from carepool.io.excel import messages as msg
from carepool.model.plan import Plan
from carepool.problems import Problem

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Cells:
    """A plan laid out as the template holds it."""

    fields: dict[str, Any]
    tables: dict[str, list[Row]]


@dataclass(slots=True)
class SourceRow:
    values: Row  # column key → parsed value, None when blank
    row: int  # the sheet row it was read from
    columns: Mapping[str, str]  # column key → "Sheet!D" (shared by every row of the table)

    def cell(self, key: str) -> str:
        """``Sheet!D12``: where the value of ``key`` was read (worked out only when a problem needs it)."""
        return f"{self.columns[key]}{self.row}"

    @property
    def first(self) -> str:
        return self.cell(next(iter(self.columns)))


@dataclass(slots=True)
class Built:
    data: dict[str, Any]
    where: dict[str, str] = field(default_factory=dict)  # plan path → cell
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, tuple[SourceRow, frozenset[str]]] = field(default_factory=dict)
    """Plan path of an object read from one row → the row, and its columns that are not the object's."""

    def cell(self, path: str) -> str | None:
        """The cell a plan path was read from, if it was read from one."""
        found = self.where.get(path)
        if found is not None:
            return found
        if path in self.rows:
            return self.rows[path][0].first
        parent, _, key = path.rpartition(".")
        if parent in self.rows:
            row, skipped = self.rows[parent]
            if key in row.columns and key not in skipped:
                return row.cell(key)
        return None


SIMPLE_LISTS = {
    "Organisations": "organisations",
    "Partners": "partners",
    "Minimums": "minimums",
    "Pools": "pools",
    "Contributions": "contributions",
    "Conditions": "conditions",
    "Risks": "risks",
    "Signatories": "signatories",
    "StatedTotals": "stated_totals",
}

_PLAN_FIELDS = {
    "PolicyPack": "policy",
    "PlanId": "id",
    "PlanTitle": "title",
    "PlanYears": "years",
    "AreaCode": "area.ons_code",
    "AreaName": "area.name",
    "AreaType": "area.type",
    "AreaRegion": "area.region",
    "AreaPopulation": "area.population",
    "AmbitionPct": "performance.ambition_pct",
    "AmbitionJustification": "performance.justification",
    "FundShare": "performance.fund_share",
    "StatedPot": "performance.stated_pot",
    "AverageLengthOfStay": "performance.average_length_of_stay_days",
    "S75Aims": "s75.aims_and_outcomes",
    "S75Contributions": "s75.contributions_and_variation",
    "S75Functions": "s75.functions",
    "S75People": "s75.people_and_services",
    "S75Resources": "s75.resources_provided",
    "S75Duration": "s75.duration_review_termination",
    "S75Management": "s75.management_and_monitoring",
    "S75Host": "s75.host",
    "S75PoolManager": "s75.pool_manager",
    "S75Stage": "s75.approval_stage",
}
_SCHEME = frozenset({"scheme"})
_METRIC = frozenset({"ref", "baseline_period", "baseline_value"})
_VALUE = frozenset({"metric", "series"})
_SERIES = frozenset({"series"})
_MILESTONE = frozenset({"milestone"})
_RISK_SHARE_FIELDS = {
    "RiskShareMethod": "method",
    "RiskPool": "risk_pool",
    "RiskShareDescription": "description",
}


# --- plan → cells ----------------------------------------------------------------------------------


def _dig(data: Mapping[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def plan_to_cells(plan: Plan) -> Cells:
    data = plan.model_dump(mode="python")
    fields: dict[str, Any] = {name: _dig(data, path) for name, path in _PLAN_FIELDS.items()}
    fields["PlanYears"] = ", ".join(plan.years)
    fields["AreaType"] = plan.area.type.value
    share = plan.s75.risk_share
    for name, key in _RISK_SHARE_FIELDS.items():
        fields[name] = None if share is None else getattr(share, key)
    if share is not None:
        fields["RiskShareMethod"] = share.method.value
    tables: dict[str, list[Row]] = {name: list(data[key]) for name, key in SIMPLE_LISTS.items()}
    tables["Schemes"] = [{k: v for k, v in s.items()} for s in data["schemes"]]
    tables["SchemeFunding"] = [{"scheme": s.ref, **f.model_dump()} for s in plan.schemes for f in s.funding]
    tables["SchemeCommissioners"] = [
        {"scheme": s.ref, **c.model_dump()} for s in plan.schemes for c in s.commissioners
    ]
    tables["SchemeSavings"] = [
        {
            "scheme": s.ref,
            "year": year,
            "planned_savings": s.planned_savings.get(year),
            "uncommitted": s.uncommitted.get(year),
        }
        for s in plan.schemes
        for year in dict.fromkeys([*s.planned_savings, *s.uncommitted])
    ]
    tables["SchemeOutcomes"] = [{"scheme": s.ref, "outcome": o} for s in plan.schemes for o in s.outcomes]
    tables["SchemeKpis"] = [{"scheme": s.ref, **k.model_dump()} for s in plan.schemes for k in s.kpis]
    tables["Metrics"] = []
    tables["MetricValues"] = []
    for i, m in enumerate(plan.metrics):
        ref = f"M{i + 1}"
        tables["Metrics"].append(
            {
                "ref": ref,
                "metric": m.metric,
                "name": m.name,
                "baseline_period": m.baseline.period if m.baseline else None,
                "baseline_value": m.baseline.value if m.baseline else None,
            }
        )
        for series, values in (("plan", m.plan), ("actual", m.actuals)):
            tables["MetricValues"] += [
                {"metric": ref, "series": series, "period": v.period, "value": v.value} for v in values
            ]
    perf = plan.performance
    tables["PerformanceQuarters"] = [
        {"series": series, "quarter": q.quarter, "admissions": q.admissions}
        for series, counts in (
            ("baseline", perf.baseline),
            ("planned", perf.planned),
            ("actual", perf.actuals),
        )
        for q in counts
    ]
    tables["CriteriaMet"] = []
    for tranche, criteria in perf.criteria_met.items():
        met: list[str | None] = list(criteria) or [None]  # a row with no criterion keeps an empty tranche
        tables["CriteriaMet"] += [{"tranche": tranche, "criterion": c} for c in met]
    tables["Milestones"] = [{k: v for k, v in m.items() if k != "tasks"} for m in data["milestones"]]
    tables["Tasks"] = [
        {"milestone": m.id, **t.model_dump(mode="python")} for m in plan.milestones for t in m.tasks
    ]
    tables["RiskShareSplits"] = (
        [{"partner": p, "pct": pct} for p, pct in share.splits.items()] if share else []
    )
    tables["RiskShareSteps"] = [{"step": step.value} for step in share.order] if share else []
    tables["Narrative"] = [{"section": k, "text": v} for k, v in plan.narrative.items()]
    return Cells(fields, tables)


# --- cells → plan data -----------------------------------------------------------------------------


def _set(target: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    if value is not None:
        target[last] = value


class _Builder:
    def __init__(self) -> None:
        self.out = Built({})

    def item(self, path: str, row: SourceRow, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The row as a plan object at ``path``, remembering the row so each field's cell can be named."""
        values = row.values
        self.out.rows[path] = (row, skip)
        if skip:
            return {k: v for k, v in values.items() if v is not None and k not in skip}
        if None in values.values():
            return {k: v for k, v in values.items() if v is not None}
        return values  # the row's own dict: each row becomes one object, once

    def problem(self, row: SourceRow, key: str, message: str, found: str, expected: str) -> None:
        self.out.problems.append(Problem("cell", row.cell(key), message, found, expected))

    def parent(self, index: Mapping[str, int], row: SourceRow, key: str, table: str) -> int | None:
        ref = row.values.get(key)
        if ref is None:
            return None  # already reported as a blank required cell
        if ref not in index:
            self.problem(row, key, msg.UNKNOWN_KEY, repr(ref), f"a reference from the {table} sheet")
            return None
        return index[ref]


def _index(items: list[dict[str, Any]], key: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(items):
        index.setdefault(str(item.get(key)), i)
    return index


def cells_to_data(
    fields: dict[str, Any], field_cells: dict[str, str], tables: dict[str, list[SourceRow]]
) -> Built:
    b = _Builder()
    data = b.out.data
    data["format"] = "carepool-plan/1"
    for name, path in _PLAN_FIELDS.items():
        _set(data, path, fields.get(name))
        b.out.where[path] = field_cells[name]
    b.out.where["area"] = field_cells["AreaCode"]
    b.out.where["performance"] = field_cells["AmbitionPct"]
    b.out.where["s75"] = field_cells["S75Aims"]
    for i in range(len(fields.get("PlanYears") or [])):
        b.out.where[f"years[{i}]"] = field_cells["PlanYears"]

    for table, key in SIMPLE_LISTS.items():
        data[key] = [b.item(f"{key}[{i}]", row) for i, row in enumerate(tables[table])]

    schemes = [b.item(f"schemes[{i}]", row) for i, row in enumerate(tables["Schemes"])]
    data["schemes"] = schemes
    by_ref = _index(schemes, "ref")
    for table, child, skip in (
        ("SchemeFunding", "funding", _SCHEME),
        ("SchemeCommissioners", "commissioners", _SCHEME),
        ("SchemeKpis", "kpis", _SCHEME),
    ):
        for row in tables[table]:
            at = b.parent(by_ref, row, "scheme", "Schemes")
            if at is not None:
                items = schemes[at].setdefault(child, [])
                items.append(b.item(f"schemes[{at}].{child}[{len(items)}]", row, skip))
    for row in tables["SchemeOutcomes"]:
        at = b.parent(by_ref, row, "scheme", "Schemes")
        if at is not None and row.values["outcome"] is not None:
            outcomes = schemes[at].setdefault("outcomes", [])
            b.out.where[f"schemes[{at}].outcomes[{len(outcomes)}]"] = row.cell("outcome")
            outcomes.append(row.values["outcome"])
    for row in tables["SchemeSavings"]:
        at = b.parent(by_ref, row, "scheme", "Schemes")
        year = row.values["year"]
        if at is None or year is None:
            continue
        for key in ("planned_savings", "uncommitted"):
            amount: Decimal | None = row.values[key]
            by_year = schemes[at].setdefault(key, {})
            if amount is None:
                continue
            if year in by_year:
                b.problem(row, "year", msg.DUPLICATE, repr(year), "one row per scheme and year")
            by_year[year] = amount
            b.out.where[f"schemes[{at}].{key}.{year}"] = row.cell(key)

    _metrics(b, tables)
    _performance(b, tables)
    _milestones(b, tables)
    _risk_share(b, fields, field_cells, tables)
    narrative: dict[str, str] = {}
    for row in tables["Narrative"]:
        section = row.values["section"]
        if section is None:
            continue
        if section in narrative:
            b.problem(row, "section", msg.DUPLICATE, repr(section), "one row per section")
        narrative[section] = row.values["text"] or ""
        b.out.where[f"narrative.{section}"] = row.cell("section")
    data["narrative"] = narrative
    return b.out


def _metrics(b: _Builder, tables: dict[str, list[SourceRow]]) -> None:
    metrics: list[dict[str, Any]] = []
    for i, row in enumerate(tables["Metrics"]):
        item = b.item(f"metrics[{i}]", row, skip=_METRIC)
        period, value = row.values["baseline_period"], row.values["baseline_value"]
        if period is not None or value is not None:
            item["baseline"] = {k: v for k, v in (("period", period), ("value", value)) if v is not None}
            b.out.where[f"metrics[{i}].baseline"] = row.cell("baseline_period")
            b.out.where[f"metrics[{i}].baseline.period"] = row.cell("baseline_period")
            b.out.where[f"metrics[{i}].baseline.value"] = row.cell("baseline_value")
        metrics.append(item)
    refs: dict[str, int] = {}
    for i, row in enumerate(tables["Metrics"]):
        ref = row.values["ref"]
        if ref in refs:
            b.problem(row, "ref", msg.DUPLICATE, repr(ref), "a unique metric ref")
        refs.setdefault(str(ref), i)
    for row in tables["MetricValues"]:
        at = b.parent(refs, row, "metric", "Metrics")
        series = {"plan": "plan", "actual": "actuals"}.get(str(row.values["series"]))
        if at is None or row.values["series"] is None:
            continue
        if series is None:
            b.problem(row, "series", "expected plan or actual", repr(row.values["series"]), "plan or actual")
            continue
        values = metrics[at].setdefault(series, [])
        values.append(b.item(f"metrics[{at}].{series}[{len(values)}]", row, skip=_VALUE))
    b.out.data["metrics"] = metrics


def _performance(b: _Builder, tables: dict[str, list[SourceRow]]) -> None:
    perf = b.out.data.setdefault("performance", {})
    names = {"baseline": "baseline", "planned": "planned", "actual": "actuals"}
    for row in tables["PerformanceQuarters"]:
        raw = row.values["series"]
        if raw is None:
            continue
        series = names.get(str(raw))
        if series is None:
            b.problem(row, "series", "expected baseline, planned or actual", repr(raw), ", ".join(names))
            continue
        counts = perf.setdefault(series, [])
        counts.append(b.item(f"performance.{series}[{len(counts)}]", row, skip=_SERIES))
    criteria: dict[str, list[str]] = {}
    for row in tables["CriteriaMet"]:
        tranche = row.values["tranche"]
        if tranche is None:
            continue
        met = criteria.setdefault(str(tranche), [])
        b.out.where[f"performance.criteria_met.{tranche}"] = row.cell("tranche")
        if row.values["criterion"] is not None:
            b.out.where[f"performance.criteria_met.{tranche}[{len(met)}]"] = row.cell("criterion")
            met.append(row.values["criterion"])
    perf["criteria_met"] = criteria


def _milestones(b: _Builder, tables: dict[str, list[SourceRow]]) -> None:
    milestones = [b.item(f"milestones[{i}]", row) for i, row in enumerate(tables["Milestones"])]
    by_id = _index(milestones, "id")
    for row in tables["Tasks"]:
        at = b.parent(by_id, row, "milestone", "Milestones")
        if at is not None:
            tasks = milestones[at].setdefault("tasks", [])
            tasks.append(b.item(f"milestones[{at}].tasks[{len(tasks)}]", row, skip=_MILESTONE))
    b.out.data["milestones"] = milestones


def _risk_share(
    b: _Builder, fields: dict[str, Any], field_cells: dict[str, str], tables: dict[str, list[SourceRow]]
) -> None:
    method = fields.get("RiskShareMethod")
    given = [name for name in ("RiskPool", "RiskShareDescription") if fields.get(name) is not None]
    rows = tables["RiskShareSplits"] + tables["RiskShareSteps"]
    if method is None:
        if given or rows:
            where = field_cells[given[0]] if given else rows[0].first
            b.out.problems.append(
                Problem(
                    "cell",
                    where,
                    msg.SPLITS_WITHOUT_METHOD,
                    "",
                    f"a method in {field_cells['RiskShareMethod']}",
                )
            )
        return
    share: dict[str, Any] = {}
    for name, key in _RISK_SHARE_FIELDS.items():
        _set(share, key, fields.get(name))
        b.out.where[f"s75.risk_share.{key}"] = field_cells[name]
    b.out.where["s75.risk_share"] = field_cells["RiskShareMethod"]
    splits: dict[str, Any] = {}
    for row in tables["RiskShareSplits"]:
        partner = row.values["partner"]
        if partner is None:
            continue
        if partner in splits:
            b.problem(row, "partner", msg.DUPLICATE, repr(partner), "one row per partner")
        splits[partner] = row.values["pct"]
        b.out.where[f"s75.risk_share.splits.{partner}"] = row.cell("pct")
    share["splits"] = splits
    order: list[Any] = []
    for row in tables["RiskShareSteps"]:
        b.out.where[f"s75.risk_share.order[{len(order)}]"] = row.cell("step")
        order.append(row.values["step"])
    share["order"] = order
    b.out.data.setdefault("s75", {})["risk_share"] = share
