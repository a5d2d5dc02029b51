"""Performance-for-payment checks: pot, ambition, ring-fence (mechanisms in carepool.finance.performance).

All four apply only to packs whose performance mechanism is ``nel_reduction`` (the July 2014 design); for
other packs they find nothing.

Example (bcf-2015-16, unit cost £1,490): baseline 5,000 a quarter, plan 4,825 a quarter → planned reduction
700, ambition 3.50%, pot £1,043,000. A plan stating a pot of £1,000,000 gets P4P-001 at
``performance.stated_pot``; one with ambition 3.0% and no justification gets P4P-002 as an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from carepool.finance.performance import PotDesign, plan_pot
from carepool.model.plan import QuarterCount
from carepool.money import ZERO, fmt_pounds, round_to
from carepool.problems import InputRejected
from carepool.rules.base import CheckContext, Draft, Severity, check

HUNDRED = Decimal(100)
PCT_UNIT = Decimal("0.01")


def _applies(ctx: CheckContext) -> bool:
    return ctx.pack.performance.mechanism == "nel_reduction"


def _design(ctx: CheckContext) -> PotDesign | None:
    """The pot design from the quarterly plan, or None when quarters are missing (P4P-004 says so)."""
    if "performance.design" not in ctx.cache:
        try:
            ctx.cache["performance.design"] = plan_pot(ctx.plan, ctx.pack)
        except InputRejected:
            ctx.cache["performance.design"] = None
    design: PotDesign | None = ctx.cache["performance.design"]
    return design


def _pct(value: Decimal) -> str:
    return f"{value.quantize(PCT_UNIT)}%"


def _count(value: Decimal) -> str:
    """Admissions as people read them: 700, 1,234.5 (no trailing zeros)."""
    return f"{value.normalize():,f}"


@check(
    "P4P-001",
    "Stated pot and ambition match the quarterly plan",
    Severity.ERROR,
    "P4P pot = planned reduction in non-elective admissions × national unit cost (July 2014 guidance)",
)
def pot_consistent(ctx: CheckContext) -> Iterator[Draft]:
    """A stated pot or ambition that differs from the quarterly baseline and plan × the pack's unit cost."""
    if not _applies(ctx):
        return
    design = _design(ctx)
    if design is None:
        return
    perf = ctx.plan.performance
    if perf.stated_pot is not None and perf.stated_pot != design.pot:
        yield Draft(
            message=(
                f"The stated performance pot is {fmt_pounds(perf.stated_pot)}, but the quarterly plan gives a "
                f"planned reduction of {_count(design.planned_reduction)} admissions × "
                f"{fmt_pounds(design.unit_cost)} = {fmt_pounds(design.pot)}. Correct the pot or the "
                "quarterly baseline/plan."
            ),
            location="performance.stated_pot",
            found=fmt_pounds(perf.stated_pot),
            expected=fmt_pounds(design.pot),
        )
    if perf.ambition_pct is not None and design.ambition_pct is not None:
        stated = round_to(perf.ambition_pct, PCT_UNIT)
        if stated != design.ambition_pct:
            yield Draft(
                message=(
                    f"The stated ambition is {_pct(perf.ambition_pct)}, but the quarterly plan reduces "
                    f"{_count(design.baseline)} baseline admissions by {_count(design.planned_reduction)}, "
                    f"which is {_pct(design.ambition_pct)}. Correct the ambition or the quarterly plan."
                ),
                location="performance.ambition_pct",
                found=_pct(perf.ambition_pct),
                expected=_pct(design.ambition_pct),
            )


@check(
    "P4P-002",
    "Ambition at least the expected minimum, or justified",
    Severity.ERROR,
    "Expected minimum reduction in emergency admissions unless the HWB makes a credible case (July 2014)",
)
def ambition_at_least_minimum(ctx: CheckContext) -> Iterator[Draft]:
    """An ambition below the pack minimum needs a recorded justification (then it is only noted)."""
    minimum = ctx.pack.performance.min_ambition_pct
    if not _applies(ctx) or minimum is None:
        return
    design = _design(ctx)
    perf = ctx.plan.performance
    ambition = design.ambition_pct if design is not None else perf.ambition_pct
    if ambition is None or ambition >= minimum.value:
        return
    if perf.justification.strip():
        yield Draft(
            message=(
                f"Ambition {_pct(ambition)} is below the expected minimum of {_pct(minimum.value)}; the "
                "recorded justification will be reviewed at assurance."
            ),
            location="performance.justification",
            found=_pct(ambition),
            expected=f"≥ {_pct(minimum.value)} or a justification",
            severity=Severity.INFO,
        )
    else:
        yield Draft(
            message=(
                f"Ambition {_pct(ambition)} is below the expected minimum reduction of "
                f"{_pct(minimum.value)}. Raise the ambition or record the Health and Wellbeing Board's case "
                "for a lower one in performance.justification."
            ),
            location="performance.ambition_pct" if design is None else "performance.planned",
            found=_pct(ambition),
            expected=f"≥ {_pct(minimum.value)}",
        )


def _ring_fenced_funding(ctx: CheckContext, year: str) -> Decimal:
    """Funding in the year of schemes in the ring-fence areas of spend, times the share commissioned by
    partners of the ring-fence kinds (a joint scheme counts by its commissioner split)."""
    perf = ctx.pack.performance
    areas = set(perf.ring_fence_areas_of_spend)
    kinds = set(perf.ring_fence_commissioner_kinds)
    covered = ZERO
    for scheme in ctx.plan.schemes:
        if scheme.area_of_spend not in areas:
            continue
        share = sum(
            (
                c.pct
                for c in scheme.commissioners
                if (k := ctx.plan.org_kind(c.partner)) is not None and k in kinds
            ),
            ZERO,
        )
        if share == ZERO:
            continue
        funding = sum((f.amount for f in scheme.funding if f.year == year), ZERO)
        covered += funding * min(share, HUNDRED) / HUNDRED
    return covered


@check(
    "P4P-003",
    "NHS out-of-hospital ring-fence covered",
    Severity.ERROR,
    "Area's share of the £1bn not in the pot is spent on NHS-commissioned out-of-hospital services (July 2014)",
)
def ring_fence_covered(ctx: CheckContext) -> Iterator[Draft]:
    """NHS-commissioned schemes in the ring-fence areas of spend must carry at least fund share − pot."""
    if not _applies(ctx):
        return
    perf = ctx.plan.performance
    # The performance fund is money of the pack's final year (2015-16 for bcf-2015-16).
    year = ctx.pack.years[-1]
    if year not in ctx.plan.years:
        return
    if perf.fund_share is None:
        yield Draft(
            message=(
                "The area's share of the national performance fund is not entered, so the NHS out-of-hospital "
                "ring-fence cannot be checked. Enter it in performance.fund_share."
            ),
            location="performance.fund_share",
            expected="an amount in pounds",
        )
        return
    design = _design(ctx)
    pot = design.pot if design is not None else perf.stated_pot
    if pot is None:
        return
    required = perf.fund_share - pot
    if required < 0:
        # The pot is held back out of the area's share, so it cannot be larger than the share.
        yield Draft(
            message=(
                f"The performance pot {fmt_pounds(pot)} is larger than the area's share of the national fund "
                f"{fmt_pounds(perf.fund_share)}. Check the fund share or the admissions plan."
            ),
            location="performance.fund_share",
            found=fmt_pounds(perf.fund_share),
            expected=f"≥ {fmt_pounds(pot)}",
        )
        return
    covered = _ring_fenced_funding(ctx, year)
    if covered < required:
        areas = ", ".join(ctx.pack.performance.ring_fence_areas_of_spend)
        kinds = ", ".join(ctx.pack.performance.ring_fence_commissioner_kinds)
        yield Draft(
            message=(
                f"{year}: the NHS out-of-hospital ring-fence is {fmt_pounds(perf.fund_share)} fund share − "
                f"{fmt_pounds(pot)} pot = {fmt_pounds(required)}, but schemes commissioned by {kinds} in "
                f"{areas} carry {fmt_pounds(round_to(covered, Decimal('0.01')))}, "
                f"{fmt_pounds(round_to(required - covered, Decimal('0.01')))} short. Fund such schemes or "
                "correct their area of spend or commissioner."
            ),
            location="schemes",
            found=fmt_pounds(round_to(covered, Decimal("0.01"))),
            expected=f"≥ {fmt_pounds(required)}",
        )


def _quarters(
    rows: list[QuarterCount], field: str, expected: list[str], severity: Severity
) -> Iterator[Draft]:
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.quarter not in expected:
            yield Draft(
                message=(
                    f"{row.quarter} is not a payment quarter of this policy; use {', '.join(expected)}."
                ),
                location=f"performance.{field}[{i}].quarter",
                found=row.quarter,
                expected=", ".join(expected),
                severity=severity,
            )
        elif row.quarter in seen:
            yield Draft(
                message=f"{row.quarter} is entered twice; keep one row per quarter.",
                location=f"performance.{field}[{i}].quarter",
                found=row.quarter,
                expected="one row per quarter",
                severity=severity,
            )
        seen.add(row.quarter)
    if field == "actuals":
        return
    missing = [q for q in expected if q not in seen]
    if missing:
        what = (
            "baseline admissions (same quarter a year earlier)"
            if field == "baseline"
            else "planned admissions"
        )
        yield Draft(
            message=f"Enter {what} for {', '.join(missing)}.",
            location=f"performance.{field}",
            found=", ".join(q for q in expected if q in seen) or "none",
            expected=", ".join(expected),
            severity=severity,
        )


@check(
    "P4P-004",
    "Baseline and planned admissions for every payment quarter",
    Severity.ERROR,
    "Quarterly payment points for non-elective admissions (July 2014)",
)
def quarters_match(ctx: CheckContext) -> Iterator[Draft]:
    """Baseline and plan have exactly the pack's quarters; actuals name only those quarters."""
    if not _applies(ctx):
        return
    expected = list(ctx.pack.performance.quarters)
    perf = ctx.plan.performance
    yield from _quarters(perf.baseline, "baseline", expected, Severity.ERROR)
    yield from _quarters(perf.planned, "planned", expected, Severity.ERROR)
    yield from _quarters(perf.actuals, "actuals", expected, Severity.WARNING)
