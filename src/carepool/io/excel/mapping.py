"""The plan as template cells and back: single fields by defined name, tables as rows of column keys.

Nested parts of a plan become child tables keyed by their parent's reference (scheme funding by scheme
ref, tasks by milestone id, trajectories by a metric ref). Row order is list order, so the round trip is
exact. Going back, every plan path is remembered with the cell it came from, so a schema or reference
problem found later still names ``Sheet!D12``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
class SourceTable:
    """A template table as read: one record per row that holds anything, and where each value was read."""

    records: list[Row]  # column key → parsed value; blank cells left out
    numbers: list[int]  # the sheet row each record was read from
    columns: Mapping[str, str]  # column key → "Sheet!D"

    def cell(self, index: int, key: str) -> str:
        """``Sheet!D12``: where record ``index`` read ``key`` (worked out only when a problem needs it)."""
        return f"{self.columns[key]}{self.numbers[index]}"

    def first(self, index: int) -> str:
        return self.cell(index, next(iter(self.columns)))


_NOTHING: frozenset[str] = frozenset()


@dataclass(slots=True)
class Built:
    data: dict[str, Any]
    where: dict[str, str] = field(default_factory=dict)  # plan path → cell
    problems: list[Problem] = field(default_factory=list)
    lists: dict[str, tuple[SourceTable, Sequence[int], frozenset[str]]] = field(default_factory=dict)
    """Plan path of a list read from table rows → the table, the record behind each item in turn, and the
    table's columns that are not the items' (one entry a list, not one an item: most are never asked)."""

    def listed(self, path: str, table: SourceTable) -> list[Row]:
        """The table's records as the plan's list at ``path``: each record becomes one plan object."""
        self.lists[path] = (table, range(len(table.records)), _NOTHING)
        return table.records

    def cell(self, path: str) -> str | None:
        """The cell a plan path was read from, if it was read from one."""
        found = self.where.get(path)
        if found is not None:
            return found
        item = self._item(path)
        if item is not None:
            table, index, _ = item
            return table.first(index)
        parent, _, key = path.rpartition(".")
        item = self._item(parent)
        if item is not None:
            table, index, skipped = item
            if key in table.columns and key not in skipped:
                return table.cell(index, key)
        return None

    def _item(self, path: str) -> tuple[SourceTable, int, frozenset[str]] | None:
        """For ``list[i]``, a path of an item read from a row: its table, its record, the skipped columns."""
        head, _, tail = path.rpartition("[")
        number = tail[:-1]
        if not tail.endswith("]") or not (number.isascii() and number.isdecimal()):
            return None
        listed = self.lists.get(head)
        if listed is None:
            return None
        table, indices, skipped = listed
        at = int(number)
        return (table, indices[at], skipped) if at < len(indices) else None


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

    def children(
        self,
        parents: list[dict[str, Any]],
        path: str,
        name: str,
        groups: dict[int, list[int]],
        table: SourceTable,
        skip: frozenset[str],
    ) -> None:
        """Each parent's list ``name``: the records ``groups`` gives it, less the ``skip`` columns."""
        for at, indices in groups.items():
            parents[at][name] = [_without(table.records[i], skip) for i in indices]
            self.out.lists[f"{path}[{at}].{name}"] = (table, indices, skip)

    def problem(
        self, table: SourceTable, index: int, key: str, message: str, found: str, expected: str
    ) -> None:
        self.out.problems.append(Problem("cell", table.cell(index, key), message, found, expected))

    def by_parent(
        self, index: Mapping[str, int], table: SourceTable, key: str, parent_table: str
    ) -> dict[int, list[int]]:
        """The table's records grouped by the parent their ``key`` names; an unknown parent is a problem."""
        groups: dict[int, list[int]] = {}
        for i, record in enumerate(table.records):
            ref = record.get(key)
            if ref is None:
                continue  # already reported as a blank required cell
            at = index.get(ref)
            if at is None:
                self.problem(
                    table, i, key, msg.UNKNOWN_KEY, repr(ref), f"a reference from the {parent_table} sheet"
                )
                continue
            groups.setdefault(at, []).append(i)
        return groups


def _without(record: dict[str, Any], skip: frozenset[str]) -> dict[str, Any]:
    item = record.copy()
    for key in skip:
        item.pop(key, None)
    return item


def _index(items: list[dict[str, Any]], key: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(items):
        index.setdefault(str(item.get(key)), i)
    return index


def cells_to_data(
    fields: dict[str, Any], field_cells: dict[str, str], tables: dict[str, SourceTable]
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
        data[key] = b.out.listed(key, tables[table])

    schemes = b.out.listed("schemes", tables["Schemes"])
    data["schemes"] = schemes
    by_ref = _index(schemes, "ref")
    for table, child in (
        ("SchemeFunding", "funding"),
        ("SchemeCommissioners", "commissioners"),
        ("SchemeKpis", "kpis"),
    ):
        rows = tables[table]
        b.children(schemes, "schemes", child, b.by_parent(by_ref, rows, "scheme", "Schemes"), rows, _SCHEME)
    rows = tables["SchemeOutcomes"]
    for at, indices in b.by_parent(by_ref, rows, "scheme", "Schemes").items():
        for i in indices:
            outcome = rows.records[i].get("outcome")
            if outcome is not None:
                outcomes = schemes[at].setdefault("outcomes", [])
                b.out.where[f"schemes[{at}].outcomes[{len(outcomes)}]"] = rows.cell(i, "outcome")
                outcomes.append(outcome)
    rows = tables["SchemeSavings"]
    for at, indices in b.by_parent(by_ref, rows, "scheme", "Schemes").items():
        for i in indices:
            record = rows.records[i]
            year = record.get("year")
            if year is None:
                continue
            for key in ("planned_savings", "uncommitted"):
                amount: Decimal | None = record.get(key)
                by_year = schemes[at].setdefault(key, {})
                if amount is None:
                    continue
                if year in by_year:
                    b.problem(rows, i, "year", msg.DUPLICATE, repr(year), "one row per scheme and year")
                by_year[year] = amount
                b.out.where[f"schemes[{at}].{key}.{year}"] = rows.cell(i, key)

    _metrics(b, tables)
    _performance(b, tables)
    _milestones(b, tables)
    _risk_share(b, fields, field_cells, tables)
    narrative: dict[str, str] = {}
    rows = tables["Narrative"]
    for i, record in enumerate(rows.records):
        section = record.get("section")
        if section is None:
            continue
        if section in narrative:
            b.problem(rows, i, "section", msg.DUPLICATE, repr(section), "one row per section")
        narrative[section] = record.get("text") or ""
        b.out.where[f"narrative.{section}"] = rows.cell(i, "section")
    data["narrative"] = narrative
    return b.out


def _metrics(b: _Builder, tables: dict[str, SourceTable]) -> None:
    rows = tables["Metrics"]
    metrics: list[dict[str, Any]] = []
    for i, record in enumerate(rows.records):
        item = _without(record, _METRIC)
        period, value = record.get("baseline_period"), record.get("baseline_value")
        if period is not None or value is not None:
            item["baseline"] = {k: v for k, v in (("period", period), ("value", value)) if v is not None}
            b.out.where[f"metrics[{i}].baseline"] = rows.cell(i, "baseline_period")
            b.out.where[f"metrics[{i}].baseline.period"] = rows.cell(i, "baseline_period")
            b.out.where[f"metrics[{i}].baseline.value"] = rows.cell(i, "baseline_value")
        metrics.append(item)
    b.out.lists["metrics"] = (rows, range(len(metrics)), _METRIC)
    refs: dict[str, int] = {}
    for i, record in enumerate(rows.records):
        ref = record.get("ref")
        if ref in refs:
            b.problem(rows, i, "ref", msg.DUPLICATE, repr(ref), "a unique metric ref")
        refs.setdefault(str(ref), i)
    values = tables["MetricValues"]
    by_series: dict[str, dict[int, list[int]]] = {"plan": {}, "actuals": {}}
    for at, indices in b.by_parent(refs, values, "metric", "Metrics").items():
        for i in indices:
            raw = values.records[i].get("series")
            if raw is None:
                continue
            series = {"plan": "plan", "actual": "actuals"}.get(str(raw))
            if series is None:
                b.problem(values, i, "series", "expected plan or actual", repr(raw), "plan or actual")
                continue
            by_series[series].setdefault(at, []).append(i)
    for series, groups in by_series.items():
        b.children(metrics, "metrics", series, groups, values, _VALUE)
    b.out.data["metrics"] = metrics


def _performance(b: _Builder, tables: dict[str, SourceTable]) -> None:
    perf = b.out.data.setdefault("performance", {})
    names = {"baseline": "baseline", "planned": "planned", "actual": "actuals"}
    rows = tables["PerformanceQuarters"]
    by_series: dict[str, list[int]] = {}
    for i, record in enumerate(rows.records):
        raw = record.get("series")
        if raw is None:
            continue
        series = names.get(str(raw))
        if series is None:
            b.problem(rows, i, "series", "expected baseline, planned or actual", repr(raw), ", ".join(names))
            continue
        by_series.setdefault(series, []).append(i)
    for series, indices in by_series.items():
        perf[series] = [_without(rows.records[i], _SERIES) for i in indices]
        b.out.lists[f"performance.{series}"] = (rows, indices, _SERIES)
    criteria: dict[str, list[str]] = {}
    rows = tables["CriteriaMet"]
    for i, record in enumerate(rows.records):
        tranche = record.get("tranche")
        if tranche is None:
            continue
        met = criteria.setdefault(str(tranche), [])
        b.out.where[f"performance.criteria_met.{tranche}"] = rows.cell(i, "tranche")
        criterion = record.get("criterion")
        if criterion is not None:
            b.out.where[f"performance.criteria_met.{tranche}[{len(met)}]"] = rows.cell(i, "criterion")
            met.append(criterion)
    perf["criteria_met"] = criteria


def _milestones(b: _Builder, tables: dict[str, SourceTable]) -> None:
    milestones = b.out.listed("milestones", tables["Milestones"])
    by_id = _index(milestones, "id")
    tasks = tables["Tasks"]
    b.children(
        milestones,
        "milestones",
        "tasks",
        b.by_parent(by_id, tasks, "milestone", "Milestones"),
        tasks,
        _MILESTONE,
    )
    b.out.data["milestones"] = milestones


def _risk_share(
    b: _Builder, fields: dict[str, Any], field_cells: dict[str, str], tables: dict[str, SourceTable]
) -> None:
    method = fields.get("RiskShareMethod")
    given = [name for name in ("RiskPool", "RiskShareDescription") if fields.get(name) is not None]
    splits_table, steps_table = tables["RiskShareSplits"], tables["RiskShareSteps"]
    if method is None:
        if given or splits_table.records or steps_table.records:
            if given:
                where = field_cells[given[0]]
            else:
                where = (splits_table if splits_table.records else steps_table).first(0)
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
    for i, record in enumerate(splits_table.records):
        partner = record.get("partner")
        if partner is None:
            continue
        if partner in splits:
            b.problem(splits_table, i, "partner", msg.DUPLICATE, repr(partner), "one row per partner")
        splits[partner] = record.get("pct")
        b.out.where[f"s75.risk_share.splits.{partner}"] = splits_table.cell(i, "pct")
    share["splits"] = splits
    order: list[Any] = []
    for i, record in enumerate(steps_table.records):
        b.out.where[f"s75.risk_share.order[{len(order)}]"] = steps_table.cell(i, "step")
        order.append(record.get("step"))
    share["order"] = order
    b.out.data.setdefault("s75", {})["risk_share"] = share
