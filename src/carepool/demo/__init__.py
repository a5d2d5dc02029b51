"""Demo plans (a unitary city and a two-tier county) and the synthetic national set.

Everything here is SYNTHETIC: fictional areas and invented figures sized like real ones.
"""

from __future__ import annotations

from carepool.demo.city import build_city
from carepool.demo.county import build_county
from carepool.model import Plan
from carepool.policy import load_pack

DEMO_POLICY = "bcf-2015-16"


def build_demo_plans() -> list[Plan]:
    """The two complete demo plans: Brackenford (unitary city) and Wealdshire (two-tier county)."""
    pack = load_pack(DEMO_POLICY)
    return [build_city(pack), build_county(pack)]


__all__ = ["DEMO_POLICY", "build_demo_plans"]
