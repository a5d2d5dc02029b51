"""Savings from activity change: avoided emergency admissions and the hospital bed days they free.

- saving = admissions avoided × unit cost (the pack's cost per non-elective admission, or one given);
- bed days freed = admissions avoided × average length of stay, only when the plan states the average
  length of stay (``performance.average_length_of_stay_days``). There is no invented default: without it
  bed days are reported as not computable, with the reason.

Rounding rules: savings are rounded half-up to the penny; bed days to 0.1 day (half-up); an implied unit
cost (saving ÷ admissions) to the penny.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from carepool.finance.performance import plan_pot
from carepool.model.plan import Plan
from carepool.money import PENNY, ZERO, round_to, total
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem

TENTH = Decimal("0.1")
NO_LENGTH_OF_STAY = (
    "bed days are not computable: the plan does not state an average length of stay "
    "(performance.average_length_of_stay_days)"
)


@dataclass(frozen=True, slots=True)
class SavingsEstimate:
    admissions_avoided: Decimal
    unit_cost: Decimal
    saving: Decimal
    average_length_of_stay_days: Decimal | None
    bed_days_freed: Decimal | None
    note: str = ""


def savings_from_admissions(
    admissions_avoided: Decimal, unit_cost: Decimal, average_length_of_stay_days: Decimal | None = None
) -> SavingsEstimate:
    """Money and bed days from a number of avoided admissions."""
    saving = round_to(admissions_avoided * unit_cost, PENNY)
    if average_length_of_stay_days is None:
        return SavingsEstimate(admissions_avoided, unit_cost, saving, None, None, NO_LENGTH_OF_STAY)
    days = (admissions_avoided * average_length_of_stay_days).quantize(TENTH, rounding=ROUND_HALF_UP)
    return SavingsEstimate(admissions_avoided, unit_cost, saving, average_length_of_stay_days, days)


def implied_unit_cost(saving: Decimal, admissions: Decimal) -> Decimal:
    """Saving per admission, to the penny (e.g. the NAO's £171m for 106,000 admissions ≈ £1,613.21)."""
    if admissions <= 0:
        raise ValueError("admissions must be positive")
    return round_to(saving / admissions, PENNY)


def plan_savings(plan: Plan, pack: PolicyPack) -> SavingsEstimate:
    """Savings from the plan's planned reduction in emergency admissions at the pack's unit cost."""
    unit_cost = pack.performance.unit_cost
    if unit_cost is None:
        raise InputRejected(
            [
                Problem(
                    "policy",
                    "policy",
                    f"{pack.id} sets no cost per emergency admission",
                    expected="unit_cost",
                )
            ]
        )
    design = plan_pot(plan, pack)
    avoided = max(design.planned_reduction, ZERO)
    return savings_from_admissions(avoided, unit_cost.value, plan.performance.average_length_of_stay_days)


def stated_scheme_savings(plan: Plan, year: str) -> Decimal:
    """The planned savings schemes state for a year (exact sum), to compare with the admissions saving."""
    return total([s.planned_savings.get(year, ZERO) for s in plan.schemes])
