"""The figures of a board report, taken from the finance engine and the checks — never recomputed here.

Everything is exact Decimal money as the engine returns it; the only arithmetic here is grouping engine
rows for display (spend by area of spend and by partner are sums of ``cross_subsidy`` rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from carepool.finance.cross_subsidy import SchemeShares, cross_subsidy
from carepool.finance.flows import FlowGraph, build_flows
from carepool.finance.minimums import MinimumPosition, minimum_position
from carepool.finance.performance import ReleaseSchedule, TrancheRelease, plan_release, plan_tranche_release
from carepool.model.plan import MetricValue, Milestone, Plan, Risk
from carepool.modelling.montecarlo import SimulationResult
from carepool.money import ZERO
from carepool.monitoring.position import YearPosition
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected
from carepool.rules.base import Finding, Severity, run_checks


@dataclass(frozen=True, slots=True)
class Version:
    """Which stored version the report is of (absent for a plan read from a file)."""

    number: int
    status: str
    sha256: str


@dataclass(frozen=True, slots=True)
class MetricSeries:
    metric: str
    name: str
    direction: str
    baseline: MetricValue | None
    plan: tuple[MetricValue, ...]
    actuals: tuple[MetricValue, ...]


@dataclass(frozen=True, slots=True)
class ConditionRow:
    condition: str
    title: str
    status: str
    statement: str


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """A stored quarterly return counted in the position (its latest revision)."""

    quarter: str
    revision: int
    received: date
    actor: str
    plan_version: int


@dataclass(frozen=True, slots=True)
class Monitoring:
    """The year's position from the stored quarterly returns, for the board paper's monitoring section."""

    year: str
    plan_version: int  # the version the position was computed on
    returns: tuple[ReturnLine, ...]
    position: YearPosition
    outlook: SimulationResult | None
    outlook_note: str


@dataclass(frozen=True, slots=True)
class ReportData:
    plan: Plan
    pack: PolicyPack
    version: Version | None
    findings: tuple[Finding, ...]
    minimums: tuple[MinimumPosition, ...]
    flows: FlowGraph
    pooled_by_year: tuple[tuple[str, Decimal], ...]
    pooled_by_pool: tuple[tuple[str, Decimal], ...]  # pool name, money in (all years)
    schemes: tuple[SchemeShares, ...]
    spend_by_area: tuple[tuple[str, Decimal], ...]
    spend_by_partner: tuple[tuple[str, Decimal], ...]
    metrics: tuple[MetricSeries, ...]
    release: ReleaseSchedule | None
    tranches: tuple[TrancheRelease, ...]
    performance_note: str
    risks: tuple[Risk, ...]
    milestones: tuple[Milestone, ...]
    conditions: tuple[ConditionRow, ...]
    monitoring: Monitoring | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def total_pooled(self) -> Decimal:
        return self.flows.total()

    @property
    def shortfalls(self) -> tuple[MinimumPosition, ...]:
        return tuple(m for m in self.minimums if not m.met)

    def org_name(self, code: str) -> str:
        org = self.plan.organisation(code)
        return org.name if org else code

    def stream_name(self, code: str) -> str:
        return next((s.name for s in self.pack.funding_streams if s.code == code), code)


def _grouped(pairs: list[tuple[str, Decimal]]) -> tuple[tuple[str, Decimal], ...]:
    sums: dict[str, Decimal] = {}
    for key, amount in pairs:
        sums[key] = sums.get(key, ZERO) + amount
    return tuple(sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])))


def _performance(
    plan: Plan, pack: PolicyPack
) -> tuple[ReleaseSchedule | None, tuple[TrancheRelease, ...], str]:
    mechanism = pack.performance.mechanism
    try:
        if mechanism == "nel_reduction":
            return plan_release(plan, pack), (), ""
        if mechanism == "tranches":
            return None, tuple(plan_tranche_release(plan, pack)), ""
    except InputRejected as exc:
        return None, (), "; ".join(p.message for p in exc.problems)
    return None, (), "This policy has no payment for performance."


def build_report_data(
    plan: Plan, pack: PolicyPack, version: Version | None = None, monitoring: Monitoring | None = None
) -> ReportData:
    """Everything the board paper shows, from the engine's own functions (and, when quarterly returns are
    stored, the year's monitoring position the services computed from them)."""
    flows = build_flows(plan, None, pack)
    pooled_by_year = tuple((y, build_flows(plan, y, pack).total()) for y in plan.years)
    pooled_by_pool = _grouped(
        [(n.label, e.amount) for n in flows.nodes if n.kind == "pool" for e in flows.edges_to(n.id)]
    )
    schemes = tuple(cross_subsidy(plan))
    area_of = {s.ref: s.area_of_spend or "not stated" for s in plan.schemes}
    org_names = {o.code: o.name for o in plan.organisations}
    spend_by_area = _grouped([(area_of[s.scheme], s.total) for s in schemes])
    spend_by_partner = _grouped(
        [(org_names.get(p.partner, p.partner), p.amount) for s in schemes for p in s.partners]
    )
    pack_metrics = {m.id: m for m in pack.metrics}
    metrics = tuple(
        MetricSeries(
            metric=m.metric,
            name=m.name or (pack_metrics[m.metric].name if m.metric in pack_metrics else m.metric),
            direction=pack_metrics[m.metric].direction if m.metric in pack_metrics else "not_set",
            baseline=m.baseline,
            plan=tuple(m.plan),
            actuals=tuple(m.actuals),
        )
        for m in plan.metrics
    )
    release, tranches, note = _performance(plan, pack)
    titles = {c.id: c.title for c in pack.national_conditions}
    conditions = tuple(
        ConditionRow(c.condition, titles.get(c.condition, c.condition), c.status.value, c.statement)
        for c in plan.conditions
    )
    return ReportData(
        plan=plan,
        pack=pack,
        version=version,
        findings=tuple(run_checks(plan, pack)),
        minimums=tuple(minimum_position(plan, pack)),
        flows=flows,
        pooled_by_year=pooled_by_year,
        pooled_by_pool=pooled_by_pool,
        schemes=schemes,
        spend_by_area=spend_by_area,
        spend_by_partner=spend_by_partner,
        metrics=metrics,
        release=release,
        tranches=tranches,
        performance_note=note,
        risks=tuple(sorted(plan.risks, key=lambda r: (-r.score, r.id))),
        milestones=tuple(sorted(plan.milestones, key=lambda m: (m.deadline, m.id))),
        conditions=conditions,
        monitoring=monitoring,
    )
