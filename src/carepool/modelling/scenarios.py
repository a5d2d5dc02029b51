"""Named what-if scenarios over a plan: change the ambition, unit cost, scheme mix or contributions and see
the pot, expected release, ring-fence, savings, bed days freed and each partner's exposure, side by side.

Exchange format ``carepool-scenarios/1``::

    {"format": "carepool-scenarios/1", "year": "2015-16",
     "scenarios": [{"name": "Lower ambition", "ambition_pct": "2", "achievement_pct": "60"},
                   {"name": "Dearer admissions", "unit_cost": "1613.21"},
                   {"name": "More reablement", "scheme_funding": {"S1": "7500000", "S2": "3600000"}},
                   {"name": "Council adds", "contributions": {"E06000901": "1200000"}}]}

A scenario is applied to a copy of the plan (and of its pack, for the unit cost) and every figure is then
computed by the existing rules: ``finance.performance`` (pot, ring-fence, release), ``finance.savings``
(savings, bed days) and ``finance.risk_share.settle`` (exposure). Definitions:
- ``ambition_pct`` sets every payment quarter's plan to baseline × (1 − ambition), exactly;
- ``achievement_pct`` (default 100) is the share of each quarter's planned reduction expected to be
  achieved: expected release = the release rule at that achievement; savings are for that achievement;
- ``scheme_funding`` / ``contributions`` set a scheme's funding / a partner's contributions in the year;
  the new total is spread over the existing rows in proportion to them (largest remainder on the penny);
- a partner's exposure = its contributions in the year + its share of the expected unearned performance
  money, settled as an overspend of the schemes (in proportion to their budgets) under the plan's s75
  risk-share rule — the pool loses the money held back, and the rule says who makes it good.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from carepool.finance.performance import PotDesign, schedule_release
from carepool.finance.risk_share import Settlement, settle
from carepool.finance.savings import savings_from_admissions
from carepool.model.plan import Plan, QuarterCount
from carepool.model.types import Code, Money, Percent, Text, Year
from carepool.modelling.montecarlo import plan_schedule
from carepool.money import PENNY, ZERO, apportion, fmt_pounds, total
from carepool.policy.schema import Parameter, PolicyPack
from carepool.problems import InputRejected, Problem

HUNDRED = Decimal(100)
BASE_NAME = "As planned"


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)
    description: Text = ""
    ambition_pct: Percent | None = None
    unit_cost: Money | None = Field(default=None, gt=0)
    achievement_pct: Percent = Decimal(100)
    fund_share: Money | None = None
    scheme_funding: dict[Code, Money] = {}
    contributions: dict[Code, Money] = {}


class ScenarioSet(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    format: Literal["carepool-scenarios/1"] = "carepool-scenarios/1"
    plan: Code | None = Field(default=None, description="the plan these scenarios are for (checked if given)")
    year: Year | None = Field(default=None, description="default: the performance year of the policy pack")
    scenarios: list[Scenario] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Exposure:
    partner: str
    contribution: Decimal
    shortfall_share: Decimal  # what the risk share asks of it if the expected unearned money is lost

    @property
    def total(self) -> Decimal:
        return self.contribution + self.shortfall_share


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    name: str
    description: str
    year: str
    design: PotDesign
    achievement_pct: Decimal
    expected_released: Decimal
    expected_retained: Decimal
    saving: Decimal
    bed_days_freed: Decimal | None
    pool_total: Decimal
    schemes_total: Decimal
    exposure: tuple[Exposure, ...]
    shortfall: Settlement | None
    note: str


def _rescale(rows_amounts: list[Decimal], new_total: Decimal) -> list[Decimal]:
    weights = rows_amounts if total(rows_amounts) > 0 else [Decimal(1)] * len(rows_amounts)
    return apportion(new_total, weights, PENNY)


def apply_scenario(
    plan: Plan, pack: PolicyPack, sc: Scenario, year: str, where: str
) -> tuple[Plan, PolicyPack]:
    """Copies of the plan and pack with the scenario's changes. ``where`` names it in problems."""
    problems: list[Problem] = []
    new = plan.model_copy(deep=True)
    if sc.ambition_pct is not None:
        keep = (HUNDRED - sc.ambition_pct) / HUNDRED
        new.performance.planned = [
            QuarterCount(quarter=b.quarter, admissions=b.admissions * keep) for b in new.performance.baseline
        ]
        new.performance.ambition_pct = sc.ambition_pct
    if sc.fund_share is not None:
        new.performance.fund_share = sc.fund_share
    for ref, amount in sc.scheme_funding.items():
        scheme = next((s for s in new.schemes if s.ref == ref), None)
        rows = [f for f in scheme.funding if f.year == year] if scheme else []
        if not rows:
            problems.append(
                Problem(
                    "reference",
                    f"{where}.scheme_funding.{ref}",
                    f"no scheme funded in {year} with this reference",
                    ref,
                )
            )
            continue
        for row, part in zip(rows, _rescale([r.amount for r in rows], amount), strict=True):
            row.amount = part
    for partner, amount in sc.contributions.items():
        given = [c for c in new.contributions if c.partner == partner and c.year == year]
        if not given:
            problems.append(
                Problem(
                    "reference",
                    f"{where}.contributions.{partner}",
                    f"the partner contributes nothing in {year}",
                    partner,
                )
            )
            continue
        for given_row, part in zip(given, _rescale([r.amount for r in given], amount), strict=True):
            given_row.amount = part
    if problems:
        raise InputRejected(problems)
    if sc.unit_cost is not None and pack.performance.unit_cost is not None:
        cost = Parameter(
            value=sc.unit_cost, unit=pack.performance.unit_cost.unit, source=f"scenario: {sc.name}"
        )
        pack = pack.model_copy(
            update={"performance": pack.performance.model_copy(update={"unit_cost": cost})}
        )
    return new, pack


def shortfall_settlement(plan: Plan, year: str, amount: Decimal) -> tuple[Settlement | None, str]:
    """Settle the expected unearned money as an overspend of the year's schemes, by the s75 rule."""
    if amount <= 0:
        return None, "no performance money expected to be lost"
    if plan.s75.risk_share is None:
        return None, "the plan has no risk-share rule, so the shortfall falls on no one by agreement"
    budgets = {s.ref: total([f.amount for f in s.funding if f.year == year]) for s in plan.schemes}
    funded = {k: v for k, v in budgets.items() if v > 0}
    if not funded:
        return None, f"no scheme is funded in {year}"
    parts = apportion(amount, list(funded.values()), PENNY)
    actual = {ref: budget + part for (ref, budget), part in zip(funded.items(), parts, strict=True)}
    return settle(plan, year, actual), "expected unearned money settled as an overspend"


def run_scenario(
    plan: Plan, pack: PolicyPack, sc: Scenario, year: str, where: str = "scenario"
) -> ScenarioResult:
    new, new_pack = apply_scenario(plan, pack, sc, year, where)
    schedule = plan_schedule(new, new_pack)
    design = schedule.design
    achieved = sc.achievement_pct / HUNDRED
    actuals = {q.quarter: q.baseline - max(q.planned_reduction, ZERO) * achieved for q in design.quarters}
    expected = schedule_release(design, actuals, schedule.cap)
    avoided = max(design.planned_reduction, ZERO) * achieved
    saving = savings_from_admissions(avoided, design.unit_cost, new.performance.average_length_of_stay_days)
    contributions: dict[str, Decimal] = {}
    for c in new.contributions:
        if c.year == year:
            contributions[c.partner] = contributions.get(c.partner, ZERO) + c.amount
    settlement, note = shortfall_settlement(new, year, expected.retained)
    shares = settlement.by_partner() if settlement else {}
    partners = sorted(set(contributions) | set(shares))
    exposure = tuple(Exposure(p, contributions.get(p, ZERO), shares.get(p, ZERO)) for p in partners)
    return ScenarioResult(
        name=sc.name,
        description=sc.description,
        year=year,
        design=design,
        achievement_pct=sc.achievement_pct,
        expected_released=expected.released,
        expected_retained=expected.retained,
        saving=saving.saving,
        bed_days_freed=saving.bed_days_freed,
        pool_total=total(list(contributions.values())),
        schemes_total=total([f.amount for s in new.schemes for f in s.funding if f.year == year]),
        exposure=exposure,
        shortfall=settlement,
        note=note if saving.bed_days_freed is not None else f"{note}; {saving.note}",
    )


def run_scenarios(plan: Plan, pack: PolicyPack, scenario_set: ScenarioSet) -> list[ScenarioResult]:
    """The plan as it stands ("As planned"), then each scenario in order."""
    if scenario_set.plan is not None and scenario_set.plan != plan.id:
        raise InputRejected(
            [Problem("reference", "plan", "the scenarios are for another plan", scenario_set.plan, plan.id)]
        )
    year = scenario_set.year or pack.years[-1]
    if year not in plan.years:
        raise InputRejected(
            [Problem("reference", "year", "not one of the plan's years", year, ", ".join(plan.years))]
        )
    names = [BASE_NAME] + [s.name for s in scenario_set.scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputRejected(
            [Problem("schema", "scenarios", "scenario names must be unique", ", ".join(dupes))]
        )
    base = run_scenario(plan, pack, Scenario(name=BASE_NAME), year)
    rest = [
        run_scenario(plan, pack, s, year, f"scenarios[{i}]") for i, s in enumerate(scenario_set.scenarios)
    ]
    return [base, *rest]


# --- side by side ----------------------------------------------------------------------------------


def _opt(amount: Decimal | None, fmt: str = "money") -> str:
    if amount is None:
        return "—"
    return fmt_pounds(amount) if fmt == "money" else f"{amount.normalize():,f}"


def comparison_table(results: list[ScenarioResult]) -> tuple[list[str], list[list[str]]]:
    """Columns (measure, then one per scenario) and rows, as text for people."""
    columns = ["measure", *(r.name for r in results)]

    def row(label: str, values: list[str]) -> list[str]:
        return [label, *values]

    rows = [
        row(
            "Ambition (%)",
            [str(r.design.ambition_pct) if r.design.ambition_pct is not None else "—" for r in results],
        ),
        row("Planned reduction (admissions)", [_opt(r.design.planned_reduction, "count") for r in results]),
        row("Unit cost", [fmt_pounds(r.design.unit_cost) for r in results]),
        row("Performance pot", [fmt_pounds(r.design.pot) for r in results]),
        row("Out-of-hospital ring-fence", [_opt(r.design.ring_fence) for r in results]),
        row("Expected achievement (%)", [f"{r.achievement_pct.normalize():f}" for r in results]),
        row("Expected release", [fmt_pounds(r.expected_released) for r in results]),
        row("Expected retained (unearned)", [fmt_pounds(r.expected_retained) for r in results]),
        row("Savings", [fmt_pounds(r.saving) for r in results]),
        row("Bed days freed", [_opt(r.bed_days_freed, "count") for r in results]),
        row("Pool contributions", [fmt_pounds(r.pool_total) for r in results]),
    ]
    partners = sorted({e.partner for r in results for e in r.exposure})
    for p in partners:
        cells = []
        for r in results:
            e = next((x for x in r.exposure if x.partner == p), None)
            cells.append("—" if e is None else fmt_pounds(e.total))
        rows.append(row(f"Exposure: {p}", cells))
    return columns, rows


def result_dict(r: ScenarioResult) -> dict[str, object]:
    def m(x: Decimal | None) -> str | None:
        return None if x is None else f"{x:.2f}"

    return {
        "name": r.name,
        "description": r.description,
        "year": r.year,
        "ambition_pct": None if r.design.ambition_pct is None else str(r.design.ambition_pct),
        "planned_reduction": f"{r.design.planned_reduction.normalize():f}",
        "unit_cost": m(r.design.unit_cost),
        "pot": m(r.design.pot),
        "ring_fence": m(r.design.ring_fence),
        "achievement_pct": str(r.achievement_pct),
        "expected_released": m(r.expected_released),
        "expected_retained": m(r.expected_retained),
        "saving": m(r.saving),
        "bed_days_freed": None if r.bed_days_freed is None else str(r.bed_days_freed),
        "pool_total": m(r.pool_total),
        "schemes_total": m(r.schemes_total),
        "exposure": [
            {
                "partner": e.partner,
                "contribution": m(e.contribution),
                "shortfall_share": m(e.shortfall_share),
                "total": m(e.total),
            }
            for e in r.exposure
        ],
        "shortfall_steps": []
        if r.shortfall is None
        else [
            {"step": s.step, "amount": m(s.amount), "partner": s.partner, "scheme": s.scheme, "note": s.note}
            for s in r.shortfall.steps
        ],
        "shortfall_uncovered": None if r.shortfall is None else m(r.shortfall.uncovered),
        "note": r.note,
    }
