"""Payment for performance under both designs.

July 2014 design (``mechanism = "nel_reduction"``; rules.md 4.2, 4.4 example B):
- planned reduction per quarter = baseline − planned admissions; the pot for a quarter is that reduction ×
  the pack's unit cost (a quarter planned to rise carries no pot); the area's pot is the sum of its quarters;
- ring-fence for NHS out-of-hospital services = the area's share of the national fund − pot;
- release per quarter = pot × clamp(actual reduction / planned reduction, 0, cap); retained = pot − release.

2013 design (``mechanism = "tranches"``; rules.md 4.1): the area's share of each tranche is its fund share
split in proportion to the national tranche amounts; a tranche is released by the criteria judged met and
the pack's tranche rule (1 = all or nothing; 0 = in proportion to the criteria met).

Rounding rules: pots and releases are rounded half-up to the penny; retained is the pot minus the release
(by difference, so release + retained = pot always). Ambition is a percentage rounded half-up to 0.01.
Tranche shares are split by largest remainder on the penny, so they sum exactly to the fund share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from carepool.model.plan import Plan, QuarterCount
from carepool.money import PENNY, ZERO, apportion, round_to, total
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem

ONE = Decimal(1)
HUNDRED = Decimal(100)
PCT_UNIT = Decimal("0.01")


# --- July 2014 design: the pot ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuarterPot:
    quarter: str
    baseline: Decimal
    planned: Decimal
    planned_reduction: Decimal
    pot: Decimal


@dataclass(frozen=True, slots=True)
class PotDesign:
    quarters: tuple[QuarterPot, ...]
    unit_cost: Decimal
    baseline: Decimal
    planned: Decimal
    planned_reduction: Decimal
    ambition_pct: Decimal | None  # None when the baseline is zero
    pot: Decimal
    fund_share: Decimal | None
    ring_fence: Decimal | None  # fund share − pot; negative means the pot exceeds the share

    def quarter(self, quarter: str) -> QuarterPot | None:
        return next((q for q in self.quarters if q.quarter == quarter), None)


def ambition_pct(baseline: Decimal, reduction: Decimal) -> Decimal | None:
    """Planned reduction as a percentage of the baseline, to 0.01%."""
    if baseline <= 0:
        return None
    return (reduction * HUNDRED / baseline).quantize(PCT_UNIT, rounding=ROUND_HALF_UP)


def design_pot(
    baseline: Mapping[str, Decimal],
    planned: Mapping[str, Decimal],
    unit_cost: Decimal,
    quarters: Sequence[str],
    fund_share: Decimal | None = None,
) -> PotDesign:
    """The pot from quarterly baseline and planned admissions (both keyed by quarter, all ``quarters``)."""
    rows = []
    for q in quarters:
        reduction = baseline[q] - planned[q]
        pot = round_to(max(reduction, ZERO) * unit_cost, PENNY)
        rows.append(QuarterPot(q, baseline[q], planned[q], reduction, pot))
    base = total([r.baseline for r in rows])
    plan_total = total([r.planned for r in rows])
    reduction = base - plan_total
    pot = total([r.pot for r in rows])
    return PotDesign(
        quarters=tuple(rows),
        unit_cost=unit_cost,
        baseline=base,
        planned=plan_total,
        planned_reduction=reduction,
        ambition_pct=ambition_pct(base, reduction),
        pot=pot,
        fund_share=fund_share,
        ring_fence=None if fund_share is None else fund_share - pot,
    )


def _counts(rows: Sequence[QuarterCount], field: str, quarters: Sequence[str]) -> dict[str, Decimal]:
    got: dict[str, Decimal] = {}
    problems = []
    for i, row in enumerate(rows):
        if row.quarter in got:
            problems.append(
                Problem("policy", f"performance.{field}[{i}].quarter", "quarter given twice", row.quarter)
            )
        got[row.quarter] = row.admissions
    missing = [q for q in quarters if q not in got]
    if missing:
        problems.append(
            Problem(
                "policy",
                f"performance.{field}",
                f"admissions needed for every payment quarter; missing {', '.join(missing)}",
                ", ".join(sorted(got)) or "none",
                ", ".join(quarters),
            )
        )
    if problems:
        raise InputRejected(problems)
    return got


def _nel_parameters(pack: PolicyPack) -> tuple[Decimal, Decimal, list[str]]:
    perf = pack.performance
    if perf.mechanism != "nel_reduction" or perf.unit_cost is None or perf.quarter_cap_pct is None:
        raise InputRejected(
            [
                Problem(
                    "policy",
                    "policy",
                    f"{pack.id} has no payment for reducing emergency admissions",
                    perf.mechanism,
                    "nel_reduction",
                )
            ]
        )
    return perf.unit_cost.value, perf.quarter_cap_pct.value / HUNDRED, list(perf.quarters)


def plan_pot(plan: Plan, pack: PolicyPack) -> PotDesign:
    """The pot and ring-fence of a plan under a ``nel_reduction`` pack. Raises InputRejected if a quarter
    is missing or the pack has no such mechanism."""
    unit_cost, _, quarters = _nel_parameters(pack)
    perf = plan.performance
    baseline = _counts(perf.baseline, "baseline", quarters)
    planned = _counts(perf.planned, "planned", quarters)
    return design_pot(baseline, planned, unit_cost, quarters, perf.fund_share)


# --- July 2014 design: quarterly release -------------------------------------------------------------


def release(
    pot: Decimal, planned_reduction: Decimal, actual_reduction: Decimal, cap: Decimal = ONE
) -> Decimal:
    """``pot × clamp(actual / planned, 0, cap)`` to the penny; nothing is released when nothing was planned."""
    if planned_reduction <= 0 or pot <= 0:
        return ZERO
    achieved = min(max(actual_reduction / planned_reduction, ZERO), cap)
    return round_to(pot * achieved, PENNY)


@dataclass(frozen=True, slots=True)
class QuarterRelease:
    quarter: str
    pot: Decimal
    planned_reduction: Decimal
    actual_reduction: Decimal | None  # None: the quarter has not been reported yet
    achievement_pct: Decimal | None  # actual / planned × 100 before the clamp, to 0.01%
    released: Decimal
    retained: Decimal
    released_to_date: Decimal
    retained_to_date: Decimal

    @property
    def assessed(self) -> bool:
        return self.actual_reduction is not None


@dataclass(frozen=True, slots=True)
class ReleaseSchedule:
    design: PotDesign
    cap: Decimal  # as a fraction: 1 = 100%
    quarters: tuple[QuarterRelease, ...]

    @property
    def released(self) -> Decimal:
        return total([q.released for q in self.quarters])

    @property
    def retained(self) -> Decimal:
        return total([q.retained for q in self.quarters])

    @property
    def pending(self) -> Decimal:
        """Pot of the quarters not yet assessed."""
        return total([q.pot for q in self.quarters if not q.assessed])


def schedule_release(
    design: PotDesign, actuals: Mapping[str, Decimal], cap: Decimal = ONE
) -> ReleaseSchedule:
    """Release per quarter from actual admissions (keyed by quarter; quarters absent are not yet assessed)."""
    rows = []
    released_to_date = retained_to_date = ZERO
    for q in design.quarters:
        actual_reduction: Decimal | None = None
        pct: Decimal | None = None
        paid = kept = ZERO
        if q.quarter in actuals:
            reduction = q.baseline - actuals[q.quarter]
            actual_reduction = reduction
            paid = release(q.pot, q.planned_reduction, reduction, cap)
            kept = q.pot - paid
            if q.planned_reduction > 0:
                pct = (reduction * HUNDRED / q.planned_reduction).quantize(PCT_UNIT, rounding=ROUND_HALF_UP)
        released_to_date += paid
        retained_to_date += kept
        rows.append(
            QuarterRelease(
                quarter=q.quarter,
                pot=q.pot,
                planned_reduction=q.planned_reduction,
                actual_reduction=actual_reduction,
                achievement_pct=pct,
                released=paid,
                retained=kept,
                released_to_date=released_to_date,
                retained_to_date=retained_to_date,
            )
        )
    return ReleaseSchedule(design, cap, tuple(rows))


def plan_release(plan: Plan, pack: PolicyPack) -> ReleaseSchedule:
    """The quarterly release for a plan from ``performance.actuals`` under its ``nel_reduction`` pack."""
    _, cap, quarters = _nel_parameters(pack)
    design = plan_pot(plan, pack)
    actuals: dict[str, Decimal] = {}
    problems = []
    for i, row in enumerate(plan.performance.actuals):
        where = f"performance.actuals[{i}].quarter"
        if row.quarter not in quarters:
            problems.append(
                Problem(
                    "policy", where, "not a payment quarter of this policy", row.quarter, ", ".join(quarters)
                )
            )
        elif row.quarter in actuals:
            problems.append(Problem("policy", where, "quarter given twice", row.quarter))
        actuals[row.quarter] = row.admissions
    if problems:
        raise InputRejected(problems)
    return schedule_release(design, actuals, cap)


# --- 2013 design: tranches ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrancheRelease:
    tranche: str
    due: str
    national_amount: Decimal
    area_amount: Decimal
    criteria: tuple[str, ...]
    met: tuple[str, ...]
    released: Decimal
    withheld: Decimal


def tranche_shares(fund_share: Decimal, pack: PolicyPack) -> dict[str, Decimal]:
    """The area's share of each tranche: fund share × tranche / national fund, summing to the fund share.

    If the tranches do not add up to the national fund, the rest is a share that is not paid for
    performance and is left out of the result.
    """
    perf = pack.performance
    amounts = [t.national_amount.value for t in perf.tranches]
    fund = perf.national_fund.value if perf.national_fund is not None else total(amounts)
    rest = fund - total(amounts)
    weights = amounts + ([rest] if rest > 0 else [])
    parts = apportion(fund_share, weights, PENNY)
    return {t.id: parts[i] for i, t in enumerate(perf.tranches)}


def tranche_release(
    fund_share: Decimal, criteria_met: Mapping[str, Sequence[str]], pack: PolicyPack
) -> list[TrancheRelease]:
    """Release per tranche. Rule 1: all criteria met releases the whole tranche, else nothing. Rule 0:
    released = share × criteria met / criteria (to the penny). Criteria not assessed by a tranche are ignored."""
    perf = pack.performance
    if perf.mechanism != "tranches" or perf.tranche_rule is None:
        raise InputRejected(
            [
                Problem(
                    "policy", "policy", f"{pack.id} has no performance tranches", perf.mechanism, "tranches"
                )
            ]
        )
    all_or_nothing = perf.tranche_rule.value == ONE
    shares = tranche_shares(fund_share, pack)
    result = []
    for t in perf.tranches:
        share = shares[t.id]
        met = tuple(c for c in t.criteria if c in set(criteria_met.get(t.id, ())))
        if all_or_nothing:
            paid = share if len(met) == len(t.criteria) else ZERO
        else:
            paid = round_to(share * len(met) / len(t.criteria), PENNY)
        result.append(
            TrancheRelease(
                tranche=t.id,
                due=t.due,
                national_amount=t.national_amount.value,
                area_amount=share,
                criteria=tuple(t.criteria),
                met=met,
                released=paid,
                withheld=share - paid,
            )
        )
    return result


def plan_tranche_release(plan: Plan, pack: PolicyPack) -> list[TrancheRelease]:
    """Tranche release for a plan from ``performance.fund_share`` and ``performance.criteria_met``."""
    fund_share = plan.performance.fund_share
    if fund_share is None:
        raise InputRejected(
            [
                Problem(
                    "policy",
                    "performance.fund_share",
                    "the area's share of the national performance fund is needed",
                    expected="an amount in pounds",
                )
            ]
        )
    if fund_share < 0:
        raise InputRejected(
            [Problem("policy", "performance.fund_share", "a fund share cannot be negative", str(fund_share))]
        )
    return tranche_release(fund_share, plan.performance.criteria_met, pack)
