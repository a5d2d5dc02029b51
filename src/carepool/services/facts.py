"""What listings and overviews show about a stored version, computed once per version.

A stored version never changes and packs ship with the code, so everything here depends only on the
version's hash: pages and the dashboard read these instead of parsing the document on every request.
The headline money comes from the finance engine's own functions (never recomputed here).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from carepool.finance.flows import build_flows
from carepool.finance.minimums import minimum_position
from carepool.finance.performance import plan_release, plan_tranche_release
from carepool.model import Plan
from carepool.money import ZERO, total
from carepool.policy import load_pack
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected
from carepool.services.documents import load_document
from carepool.services.records import VersionRecord


@dataclass(frozen=True, slots=True)
class Signatory:
    signs_for: str
    name: str
    position: str


@dataclass(frozen=True, slots=True)
class Headline:
    """A plan's money at a glance: pooled against minimums, ambition and performance money."""

    pooled: Decimal  # every year, pooled and aligned contributions the flow graph places
    minimum: Decimal  # the plan's minimum rows, every partner, stream and year
    shortfall: Decimal  # sum of the shortfalls against those minimums
    ambition_pct: Decimal | None  # planned reduction in emergency admissions, % of baseline
    at_risk: Decimal  # money paid only for performance (the pot, or the tranches' share)
    released: Decimal
    retained: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "pooled": str(self.pooled),
            "minimum": str(self.minimum),
            "shortfall": str(self.shortfall),
            "ambition_pct": None if self.ambition_pct is None else str(self.ambition_pct),
            "at_risk": str(self.at_risk),
            "released": str(self.released),
            "retained": str(self.retained),
        }


@dataclass(frozen=True, slots=True)
class PlanFacts:
    title: str
    region: str  # as the plan states it; the reference data's spelling is preferred where known
    signatories: tuple[Signatory, ...]
    figures: dict[str, Any]
    headline: Headline

    @property
    def signs_for(self) -> list[str]:
        return [s.signs_for for s in self.signatories]


def _performance(plan: Plan, pack: PolicyPack) -> tuple[Decimal | None, Decimal, Decimal, Decimal]:
    """Ambition, money at risk, released, retained — zero where the plan cannot yet say."""
    try:
        if pack.performance.mechanism == "nel_reduction":
            schedule = plan_release(plan, pack)
            return schedule.design.ambition_pct, schedule.design.pot, schedule.released, schedule.retained
        if pack.performance.mechanism == "tranches":
            rows = plan_tranche_release(plan, pack)
            return (
                None,
                total([r.area_amount for r in rows]),
                total([r.released for r in rows]),
                total([r.withheld for r in rows]),
            )
    except InputRejected:
        pass  # the checks report why; the dashboard shows nothing at risk rather than a guess
    return None, ZERO, ZERO, ZERO


def headline_of(plan: Plan, pack: PolicyPack) -> Headline:
    minimums = minimum_position(plan, pack)
    ambition, at_risk, released, retained = _performance(plan, pack)
    return Headline(
        pooled=build_flows(plan, None, pack).total(),
        minimum=total([m.minimum for m in minimums]),
        shortfall=total([m.shortfall for m in minimums]),
        ambition_pct=ambition,
        at_risk=at_risk,
        released=released,
        retained=retained,
    )


def facts_from_plan(plan: Plan) -> PlanFacts:
    per_year = {
        year: str(total([c.amount for c in plan.contributions if c.year == year])) for year in plan.years
    }
    figures = {
        "years": plan.years,
        "partners": len(plan.partners),
        "pools": len(plan.pools),
        "schemes": len(plan.schemes),
        "contributions_by_year": per_year,
        "risks": len(plan.risks),
        "milestones": len(plan.milestones),
    }
    signatories = tuple(Signatory(s.signs_for, s.name, s.position) for s in plan.signatories)
    return PlanFacts(
        plan.title, plan.area.region, signatories, figures, headline_of(plan, load_pack(plan.policy))
    )


# Bounded; cleared whole when full (a national service holds a few hundred live versions).
_FACTS: dict[str, PlanFacts] = {}
_FACTS_LIMIT = 4096


def facts_of(version: VersionRecord) -> PlanFacts:
    found = _FACTS.get(version.sha256)
    if found is None:
        found = facts_from_plan(load_document(version.document))
        if len(_FACTS) >= _FACTS_LIMIT:
            _FACTS.clear()
        _FACTS[version.sha256] = found
    return found
