"""Year-end settlement of over- and underspends under the s75 risk-share rule.

Budget per scheme = its funding rows in the year; variance = actual (or forecast outturn) − budget.
Methods (``RiskShareRule.method``):
- ``proportional``: the net variance is shared by the partners in proportion to their contributions in
  the year (an underspend comes back to them the same way; steps are then negative).
- ``fixed_split``: the net variance is shared by ``splits`` (partner → %, which must sum to 100).
- ``ordered`` (rules.md 5, standard call-off clause): the gross overspend is met, in ``order``, by
  (1) offsetting underspends on other schemes, (2) drawing the risk pool, (3) cutting uncommitted scheme
  allocations, (4) partners paying from outside the pool by ``splits`` or, without splits, in proportion to
  contributions. Underspends not used to offset stay in the pool (``underspend_retained``).
- ``none``: no sharing; each overspending scheme's overspend falls on the partners funding that scheme,
  in proportion to their funding of it.

Uncommitted money forecast to go unspent is counted once, as an underspend: the amount that can be cut
from a scheme is ``min(actual, uncommitted − underspend)`` (never below zero).

Rounding rule: actuals are pounds and pence; every split is largest remainder on the penny, so the steps
plus ``uncovered`` sum exactly to the amount being settled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from carepool.model.plan import Plan, RiskShareMethod, RiskShareRule, RiskShareStep
from carepool.money import PENNY, ZERO, apportion, apportion_by_key, fmt_pounds, total
from carepool.problems import InputRejected, Problem

StepKind = Literal[
    "offset_underspends",
    "risk_pool",
    "cut_uncommitted",
    "outside_pool",
    "share_overspend",
    "share_underspend",
    "own_pressure",
]
DEFAULT_ORDER = (
    RiskShareStep.OFFSET_UNDERSPENDS,
    RiskShareStep.RISK_POOL,
    RiskShareStep.CUT_UNCOMMITTED,
    RiskShareStep.OUTSIDE_POOL,
)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class SchemeOutturn:
    scheme: str
    budget: Decimal
    actual: Decimal
    uncommitted: Decimal

    @property
    def variance(self) -> Decimal:
        return self.actual - self.budget

    @property
    def overspend(self) -> Decimal:
        return max(self.variance, ZERO)

    @property
    def underspend(self) -> Decimal:
        return max(-self.variance, ZERO)


@dataclass(frozen=True, slots=True)
class SettlementStep:
    step: StepKind
    amount: Decimal
    partner: str | None = None  # who pays (or gets back)
    scheme: str | None = None  # whose underspend was offset or allocation cut
    note: str = ""


@dataclass(frozen=True, slots=True)
class Settlement:
    year: str
    method: RiskShareMethod
    outturns: tuple[SchemeOutturn, ...]
    to_settle: Decimal  # gross overspend (ordered, none) or net variance (proportional, fixed split)
    steps: tuple[SettlementStep, ...]
    uncovered: Decimal  # what no step could meet (e.g. ``outside_pool`` left out of the order)
    underspend_retained: Decimal

    @property
    def budget(self) -> Decimal:
        return total([o.budget for o in self.outturns])

    @property
    def actual(self) -> Decimal:
        return total([o.actual for o in self.outturns])

    @property
    def overspend(self) -> Decimal:
        return total([o.overspend for o in self.outturns])

    @property
    def underspend(self) -> Decimal:
        return total([o.underspend for o in self.outturns])

    def reconciles(self) -> bool:
        return total([s.amount for s in self.steps]) + self.uncovered == self.to_settle

    def by_partner(self) -> dict[str, Decimal]:
        """What each partner pays (negative: gets back) in the steps that name a partner."""
        result: dict[str, Decimal] = {}
        for s in self.steps:
            if s.partner is not None:
                result[s.partner] = result.get(s.partner, ZERO) + s.amount
        return result


def outturns(plan: Plan, year: str, actual: Mapping[str, Decimal]) -> list[SchemeOutturn]:
    """Budget, actual and uncommitted per scheme. Every scheme funded in the year needs an actual."""
    problems: list[Problem] = []
    refs = {s.ref for s in plan.schemes}
    for ref in sorted(set(actual) - refs):
        problems.append(Problem("reference", f"actual[{ref}]", "no scheme with this reference", ref))
    result: list[SchemeOutturn] = []
    for i, scheme in enumerate(plan.schemes):
        budget = total([f.amount for f in scheme.funding if f.year == year])
        spent = actual.get(scheme.ref)
        if spent is None:
            if budget != ZERO:
                problems.append(
                    Problem(
                        "schema",
                        f"actual[{scheme.ref}]",
                        f"actual spend needed for scheme {scheme.ref} (budget {fmt_pounds(budget)} in {year})",
                        expected=f"schemes[{i}] outturn in pounds",
                    )
                )
            continue
        if not spent.is_finite() or spent < 0 or spent != spent.quantize(PENNY):
            problems.append(
                Problem("schema", f"actual[{scheme.ref}]", "spend must be pounds and pence ≥ 0", str(spent))
            )
            continue
        uncommitted = scheme.uncommitted.get(year, ZERO)
        result.append(SchemeOutturn(scheme.ref, budget, spent, uncommitted))
    if problems:
        raise InputRejected(problems)
    return result


def _contribution_weights(plan: Plan, year: str) -> dict[str, Decimal]:
    weights: dict[str, Decimal] = {}
    for c in plan.contributions:
        if c.year == year and c.amount > 0:
            weights[c.partner] = weights.get(c.partner, ZERO) + c.amount
    return weights


def _split_weights(rule: RiskShareRule) -> dict[str, Decimal]:
    splits = {k: Decimal(v) for k, v in rule.splits.items()}
    if not splits or total(list(splits.values())) != HUNDRED:
        raise InputRejected(
            [
                Problem(
                    "policy",
                    "s75.risk_share.splits",
                    "the risk-share splits must add up to 100%",
                    f"{total(list(splits.values()))}%",
                    "100%",
                )
            ]
        )
    return splits


def _share(
    amount: Decimal, weights: Mapping[str, Decimal], step: StepKind, note: str
) -> list[SettlementStep]:
    if amount == ZERO:
        return []
    parts = apportion_by_key(amount, weights, PENNY)
    return [SettlementStep(step, parts[p], partner=p, note=note) for p in sorted(parts) if parts[p] != ZERO]


def _by_scheme(
    amount: Decimal, available: list[tuple[str, Decimal]], step: StepKind, note: str
) -> list[SettlementStep]:
    available = [(ref, a) for ref, a in available if a > 0]
    if amount == ZERO or not available:
        return []
    parts = apportion(amount, [a for _, a in available], PENNY)
    return [
        SettlementStep(step, part, scheme=ref, note=note)
        for (ref, _), part in zip(available, parts, strict=True)
        if part
    ]


def _ordered(
    plan: Plan, year: str, rule: RiskShareRule, rows: list[SchemeOutturn]
) -> tuple[list[SettlementStep], Decimal, Decimal]:
    remaining = total([o.overspend for o in rows])
    underspend_left = total([o.underspend for o in rows])
    steps: list[SettlementStep] = []
    for kind in rule.order or DEFAULT_ORDER:
        if remaining == ZERO:
            break
        taken: list[SettlementStep] = []
        if kind is RiskShareStep.OFFSET_UNDERSPENDS:
            amount = min(remaining, underspend_left)
            taken = _by_scheme(
                amount,
                [(o.scheme, o.underspend) for o in rows],
                "offset_underspends",
                "underspend used to offset",
            )
            underspend_left -= amount
        elif kind is RiskShareStep.RISK_POOL:
            amount = min(remaining, max(rule.risk_pool or ZERO, ZERO))
            if amount:
                taken = [SettlementStep("risk_pool", amount, note="drawn from the risk pool")]
        elif kind is RiskShareStep.CUT_UNCOMMITTED:
            cuttable = [(o.scheme, min(o.actual, max(o.uncommitted - o.underspend, ZERO))) for o in rows]
            amount = min(remaining, total([a for _, a in cuttable]))
            taken = _by_scheme(amount, cuttable, "cut_uncommitted", "uncommitted allocation cut")
        elif kind is RiskShareStep.OUTSIDE_POOL:
            weights = _split_weights(rule) if rule.splits else _contribution_weights(plan, year)
            if weights:
                taken = _share(remaining, weights, "outside_pool", "paid from outside the pool")
        steps += taken
        remaining -= total([s.amount for s in taken])
    return steps, remaining, underspend_left


def _own_pressure(plan: Plan, year: str, rows: list[SchemeOutturn]) -> tuple[list[SettlementStep], Decimal]:
    schemes = {s.ref: s for s in plan.schemes}
    steps: list[SettlementStep] = []
    uncovered = ZERO
    for o in rows:
        if o.overspend == ZERO:
            continue
        funders: dict[str, Decimal] = {}
        for f in schemes[o.scheme].funding:
            if f.year == year and f.amount > 0:
                funders[f.partner] = funders.get(f.partner, ZERO) + f.amount
        if not funders:
            uncovered += o.overspend
            continue
        for part in _share(o.overspend, funders, "own_pressure", "overspend stays with the scheme's funders"):
            steps.append(SettlementStep(part.step, part.amount, part.partner, o.scheme, part.note))
    return steps, uncovered


def settle(
    plan: Plan, year: str, actual: Mapping[str, Decimal], rule: RiskShareRule | None = None
) -> Settlement:
    """Settle the year's variances under ``rule`` (default: the plan's ``s75.risk_share``)."""
    rule = rule or plan.s75.risk_share
    if rule is None:
        raise InputRejected(
            [
                Problem(
                    "policy",
                    "s75.risk_share",
                    "the plan has no risk-share rule",
                    expected="a risk-share method",
                )
            ]
        )
    rows = outturns(plan, year, actual)
    net = total([o.variance for o in rows])
    overspend = total([o.overspend for o in rows])
    underspend = total([o.underspend for o in rows])
    uncovered = ZERO
    retained = underspend
    if rule.method is RiskShareMethod.ORDERED:
        to_settle = overspend
        steps, uncovered, retained = _ordered(plan, year, rule, rows)
    elif rule.method is RiskShareMethod.NONE:
        to_settle = overspend
        steps, uncovered = _own_pressure(plan, year, rows)
    else:
        to_settle = net
        retained = ZERO
        if rule.method is RiskShareMethod.FIXED_SPLIT:
            weights = _split_weights(rule)
        else:
            weights = _contribution_weights(plan, year)
            if not weights and net != ZERO:
                raise InputRejected(
                    [
                        Problem(
                            "policy", "contributions", f"no contributions in {year} to share the variance by"
                        )
                    ]
                )
        kind: StepKind = "share_overspend" if net > 0 else "share_underspend"
        steps = _share(net, weights, kind, "share of the net variance") if weights else []
    return Settlement(
        year=year,
        method=rule.method,
        outturns=tuple(rows),
        to_settle=to_settle,
        steps=tuple(steps),
        uncovered=uncovered,
        underspend_retained=retained,
    )
