"""Scheme checks: commissioner, provider, area of spend, commissioner split, scheme type, funding."""

from __future__ import annotations

from collections.abc import Iterator

from carepool.model.plan import Scheme
from carepool.money import ZERO, fmt_pounds, total
from carepool.rules.base import CheckContext, Draft, Severity, check


def _name(scheme: Scheme) -> str:
    return f"Scheme {scheme.ref} '{scheme.name}'"


@check(
    "SCH-001",
    "Every scheme has commissioner, provider and area of spend",
    Severity.ERROR,
    "expenditure plan: commissioner, provider, area of spend",
)
def scheme_has_essentials(ctx: CheckContext) -> Iterator[Draft]:
    """Each scheme names its commissioner(s), its provider and an area of spend from the pack's list.

    Before: S2 with provider "" and area_of_spend "social" → SCH-001 at ``schemes[1].provider`` and at
    ``schemes[1].area_of_spend`` (expected one of social_care, community_health, ...).
    After: provider "E06000901", area_of_spend "social_care" → no finding.
    """
    areas = ctx.pack.areas_of_spend
    for i, s in enumerate(ctx.plan.schemes):
        if not s.commissioners:
            yield Draft(
                f"{_name(s)} has no commissioner; name the commissioning partner(s) with their % split.",
                f"schemes[{i}].commissioners",
                found="none",
                expected="at least one commissioner",
            )
        if not s.provider:
            yield Draft(
                f"{_name(s)} has no provider; enter the provider's organisation code or name.",
                f"schemes[{i}].provider",
                found="blank",
                expected="a provider",
            )
        if s.area_of_spend not in areas:
            found = repr(s.area_of_spend) if s.area_of_spend else "blank"
            yield Draft(
                f"{_name(s)} area of spend is {found}; choose one of {', '.join(areas)}.",
                f"schemes[{i}].area_of_spend",
                found=found,
                expected=", ".join(areas),
            )


@check(
    "SCH-002",
    "Commissioner split sums to 100%",
    Severity.ERROR,
    "joint commissioning % split",
)
def commissioner_split(ctx: CheckContext) -> Iterator[Draft]:
    """A scheme's commissioner percentages add up to exactly 100.

    Before: S2 commissioned 60% by the council and 30% by the CCG → SCH-002 at ``schemes[1].commissioners``
    (found 90%, expected 100%).
    After: 60% + 40% → no finding.
    """
    for i, s in enumerate(ctx.plan.schemes):
        if not s.commissioners:
            continue  # SCH-001 reports the missing commissioner
        pct = sum((c.pct for c in s.commissioners), ZERO)
        if pct != 100:
            parts = " + ".join(f"{c.partner} {c.pct}%" for c in s.commissioners)
            yield Draft(
                f"{_name(s)} commissioner split {parts} adds up to {pct}%, not 100%; correct the percentages.",
                f"schemes[{i}].commissioners",
                found=f"{pct}%",
                expected="100%",
            )


@check("SCH-003", "Scheme type from the pack list", Severity.WARNING, "expenditure plan scheme types")
def scheme_type_known(ctx: CheckContext) -> Iterator[Draft]:
    """A scheme's type is one of the pack's scheme types, so returns and benchmarks can group it.

    Before: S1 type "rapid response" → SCH-003 warning at ``schemes[0].type``.
    After: type "intermediate_care" → no finding.
    """
    types = ctx.pack.scheme_types
    for i, s in enumerate(ctx.plan.schemes):
        if s.type not in types:
            found = repr(s.type) if s.type else "blank"
            yield Draft(
                f"{_name(s)} type is {found}, not a scheme type of this policy; choose one of {', '.join(types)}.",
                f"schemes[{i}].type",
                found=found,
                expected=", ".join(types),
            )


@check("SCH-004", "Scheme has funding", Severity.WARNING, "every scheme is funded from the pool")
def scheme_funded(ctx: CheckContext) -> Iterator[Draft]:
    """A scheme with no money in any year is either unfinished or should be removed.

    Before: S4 with no funding lines (or only £0.00 lines) → SCH-004 warning at ``schemes[3].funding``.
    After: S4 funded £50,000 from a pool → no finding.
    """
    for i, s in enumerate(ctx.plan.schemes):
        if not any(f.amount for f in s.funding):
            money = total([f.amount for f in s.funding])
            yield Draft(
                f"{_name(s)} has no funding in any year ({fmt_pounds(money)}); add its funding by source and "
                "year, or remove the scheme.",
                f"schemes[{i}].funding",
                found=fmt_pounds(money),
                expected="funding in at least one year",
            )
