"""Apply a quarterly return to a plan: the quarter's performance release, the year's cumulative position,
and the settlement of over- and underspends (at year end, or forecast in year).

Mechanisms are reused, never restated: release and retained come from
``finance.performance.plan_release`` on the plan with the return's admissions recorded; the settlement is
``finance.risk_share.settle`` with its steps (offset, risk pool, cut, outside the pool).

Spend profile: a plan holds annual budgets only, so the budget to date is the straight-line profile
``budget × quarters elapsed / 4``, rounded half-up to the penny (documented assumption; a scheme with a
seasonal profile will show a variance that is not an exception — see the exception thresholds).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from carepool.finance.performance import QuarterRelease, ReleaseSchedule, plan_release
from carepool.finance.risk_share import Settlement, settle
from carepool.model.plan import ConditionStatement, MetricPlan, MetricValue, Plan, QuarterCount
from carepool.modelling.quarters import season
from carepool.money import PENNY, ZERO, round_to, total
from carepool.monitoring.returns import QuarterlyReturn, return_problems
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem

QUARTERS_IN_YEAR = Decimal(4)
SettlementBasis = Literal["year_end", "forecast"]


@dataclass(frozen=True, slots=True)
class SchemeProgress:
    scheme: str
    name: str
    budget: Decimal  # the year's funding rows
    profile_to_date: Decimal  # straight-line budget to the end of the quarter
    spend_to_date: Decimal | None  # None: not reported in this return
    forecast_outturn: Decimal | None

    @property
    def variance_to_date(self) -> Decimal | None:
        return None if self.spend_to_date is None else self.spend_to_date - self.profile_to_date


@dataclass(frozen=True, slots=True)
class CycleResult:
    plan_id: str
    quarter: str
    year: str
    schemes: tuple[SchemeProgress, ...]
    release: ReleaseSchedule | None  # None: the policy pays no in-year performance money
    assessed_now: tuple[str, ...]  # payment quarters whose admissions this return reported
    performance_note: str
    settlement: Settlement | None
    settlement_basis: SettlementBasis | None
    settlement_note: str
    plan: Plan  # the plan with the return recorded (actuals, metric values, condition status)

    @property
    def quarters_now(self) -> tuple[QuarterRelease, ...]:
        if self.release is None:
            return ()
        return tuple(q for q in self.release.quarters if q.quarter in self.assessed_now)

    @property
    def released_now(self) -> Decimal:
        return total([q.released for q in self.quarters_now])

    @property
    def retained_now(self) -> Decimal:
        return total([q.retained for q in self.quarters_now])

    @property
    def budget(self) -> Decimal:
        return total([s.budget for s in self.schemes])

    @property
    def profile_to_date(self) -> Decimal:
        return total([s.profile_to_date for s in self.schemes])

    @property
    def spend_to_date(self) -> Decimal:
        return total([s.spend_to_date or ZERO for s in self.schemes])


def scheme_budget(plan: Plan, ref: str, year: str) -> Decimal:
    scheme = next(s for s in plan.schemes if s.ref == ref)
    return total([f.amount for f in scheme.funding if f.year == year])


def record_return(plan: Plan, pack: PolicyPack, ret: QuarterlyReturn) -> Plan:
    """A copy of the plan with the return's figures recorded (a later figure for a period replaces one)."""
    problems = return_problems(plan, pack, ret)
    if problems:
        raise InputRejected(problems)
    updated = plan.model_copy(deep=True)
    payment_quarters = set(pack.performance.quarters)
    nel = pack.performance.metric
    for actual in ret.metrics:
        metric = next((m for m in updated.metrics if m.metric == actual.metric), None)
        if metric is None:
            metric = MetricPlan(metric=actual.metric)
            updated.metrics.append(metric)
        value = MetricValue(period=actual.period, value=actual.value)
        metric.actuals = [v for v in metric.actuals if v.period != actual.period] + [value]
        if actual.metric == nel and actual.period in payment_quarters:
            perf = updated.performance
            row = QuarterCount(quarter=actual.period, admissions=actual.value)
            perf.actuals = [a for a in perf.actuals if a.quarter != actual.period] + [row]
    for update in ret.conditions:
        statement = next((c for c in updated.conditions if c.condition == update.condition), None)
        note = update.note or f"status reported in the {ret.quarter} return"
        if statement is None:
            updated.conditions.append(
                ConditionStatement(condition=update.condition, status=update.status, statement=note)
            )
        else:
            statement.status = update.status
    return updated


def _progress(plan: Plan, ret: QuarterlyReturn) -> tuple[SchemeProgress, ...]:
    elapsed = Decimal(season(ret.quarter))
    reported = ret.spend_by_scheme()
    rows = []
    for scheme in plan.schemes:
        budget = scheme_budget(plan, scheme.ref, ret.year)
        row = reported.get(scheme.ref)
        if budget == ZERO and row is None:
            continue  # not funded this year and nothing reported
        rows.append(
            SchemeProgress(
                scheme=scheme.ref,
                name=scheme.name,
                budget=budget,
                profile_to_date=round_to(budget * elapsed / QUARTERS_IN_YEAR, PENNY),
                spend_to_date=None if row is None else row.spend_to_date,
                forecast_outturn=None if row is None else row.forecast_outturn,
            )
        )
    return tuple(rows)


def _settlement(
    plan: Plan, ret: QuarterlyReturn, schemes: tuple[SchemeProgress, ...]
) -> tuple[Settlement | None, SettlementBasis | None, str]:
    year_end = season(ret.quarter) == 4
    if year_end:
        missing = [s.scheme for s in schemes if s.spend_to_date is None and s.budget != ZERO]
        if missing:
            raise InputRejected(
                [
                    Problem(
                        "schema",
                        "spend",
                        "the year-end return needs spend for every scheme funded in the year",
                        f"missing {', '.join(missing)}",
                        "one spend row per scheme",
                    )
                ]
            )
        actual = {s.scheme: s.spend_to_date for s in schemes if s.spend_to_date is not None}
        basis: SettlementBasis = "year_end"
    else:
        forecasts = {s.scheme: s.forecast_outturn for s in schemes}
        if not schemes or any(v is None for v in forecasts.values()):
            return None, None, "no settlement before year end without a forecast outturn for every scheme"
        actual = {k: v for k, v in forecasts.items() if v is not None}
        basis = "forecast"
    if plan.s75.risk_share is None:
        return None, None, "the plan has no risk-share rule (s75.risk_share), so nothing can be settled"
    result = settle(plan, ret.year, actual)
    note = "year-end outturn" if basis == "year_end" else "forecast outturn: what would happen at year end"
    return result, basis, note


def apply_return(plan: Plan, pack: PolicyPack, ret: QuarterlyReturn) -> CycleResult:
    """Record the return and compute the quarter's position. Raises InputRejected naming the field."""
    updated = record_return(plan, pack, ret)
    release: ReleaseSchedule | None = None
    assessed: tuple[str, ...] = ()
    note = ""
    if pack.performance.mechanism == "nel_reduction":
        release = plan_release(updated, pack)
        nel = pack.performance.metric
        assessed = tuple(
            q
            for q in pack.performance.quarters
            if any(m.metric == nel and m.period == q for m in ret.metrics)
        )
        if not assessed:
            note = "no admissions for a payment quarter in this return: nothing newly assessed"
    else:
        note = f"{pack.id} pays no quarterly performance money ({pack.performance.mechanism})"
    schemes = _progress(updated, ret)
    settlement, basis, settle_note = _settlement(updated, ret, schemes)
    return CycleResult(
        plan_id=plan.id,
        quarter=ret.quarter,
        year=ret.year,
        schemes=schemes,
        release=release,
        assessed_now=assessed,
        performance_note=note,
        settlement=settlement,
        settlement_basis=basis,
        settlement_note=settle_note,
        plan=updated,
    )
