"""P4P-001..P4P-004: each fires on one broken thing, passes on the clean plan, and is quiet for packs
without the July 2014 mechanism."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carepool.model.plan import CommissionerShare, Plan, QuarterCount
from carepool.policy import load_pack
from carepool.rules.base import REGISTRY, Finding, Severity
from factories import CCG, COUNCIL, findings, small_plan

CODES = ("P4P-001", "P4P-002", "P4P-003", "P4P-004")


def one(plan: Plan, code: str) -> Finding:
    found = findings(plan, code)
    assert len(found) == 1, found
    return found[0]


def lower_ambition(plan: Plan, planned: str = "4900") -> Plan:
    """Plan 4,900 a quarter: reduction 400, ambition 2.00%, pot £596,000 (stated values updated to match)."""
    for row in plan.performance.planned:
        row.admissions = Decimal(planned)
    plan.performance.ambition_pct = Decimal("2")
    plan.performance.stated_pot = Decimal("596000")
    plan.performance.justification = ""
    return plan


def test_checks_are_registered_with_stable_codes() -> None:
    findings(small_plan(), "P4P-001")  # loads the catalogue
    assert all(code in REGISTRY for code in CODES)


def test_clean_plan_passes_every_performance_check() -> None:
    assert findings(small_plan(), *CODES) == []


@pytest.mark.parametrize("pack_id", ["itf-2015-16", "bcf-2025-26"])
def test_checks_are_quiet_where_the_mechanism_does_not_apply(pack_id: str) -> None:
    plan = lower_ambition(small_plan())
    plan.performance.baseline = []
    plan.performance.stated_pot = Decimal(1)
    assert findings(plan, *CODES, pack=load_pack(pack_id)) == []


def test_p4p_001_stated_pot_differs() -> None:
    plan = small_plan()
    plan.performance.stated_pot = Decimal("1000000")
    finding = one(plan, "P4P-001")
    assert finding.severity is Severity.ERROR
    assert finding.location == "performance.stated_pot"
    assert finding.found == "£1,000,000.00"
    assert finding.expected == "£1,043,000.00"
    assert "700 admissions × £1,490.00 = £1,043,000.00" in finding.message


def test_p4p_001_stated_ambition_differs() -> None:
    plan = small_plan()
    plan.performance.ambition_pct = Decimal("3.6")
    finding = one(plan, "P4P-001")
    assert finding.location == "performance.ambition_pct"
    assert (finding.found, finding.expected) == ("3.60%", "3.50%")


def test_p4p_002_low_ambition_without_justification_is_an_error() -> None:
    finding = one(lower_ambition(small_plan()), "P4P-002")
    assert finding.severity is Severity.ERROR
    assert finding.location == "performance.planned"
    assert finding.found == "2.00%"
    assert "performance.justification" in finding.message


def test_p4p_002_low_ambition_with_justification_is_noted() -> None:
    plan = lower_ambition(small_plan())
    plan.performance.justification = "Admissions already fell 6% in 2013-14 (as Sunderland argued)."
    finding = one(plan, "P4P-002")
    assert finding.severity is Severity.INFO
    assert finding.location == "performance.justification"


def test_p4p_002_uses_the_stated_ambition_when_quarters_are_missing() -> None:
    plan = small_plan()
    plan.performance.planned = []
    plan.performance.ambition_pct = Decimal("3.0")
    plan.performance.justification = ""
    finding = one(plan, "P4P-002")
    assert finding.location == "performance.ambition_pct"


def test_p4p_003_ring_fence_not_covered() -> None:
    plan = small_plan()
    plan.performance.fund_share = Decimal("9100000")  # ring-fence = 9,100,000 − 1,043,000 = 8,057,000
    finding = one(plan, "P4P-003")
    assert finding.severity is Severity.ERROR
    assert finding.found == "£8,000,000.00"
    assert finding.expected == "≥ £8,057,000.00"
    assert "£57,000.00 short" in finding.message


def test_p4p_003_joint_schemes_count_by_commissioner_split() -> None:
    plan = small_plan()
    plan.performance.fund_share = Decimal("9100000")
    s2 = plan.schemes[1]  # £3,100,000 in 2015-16; council 60% / CCG 40%
    s2.area_of_spend = "community_health"
    assert findings(plan, "P4P-003") == []  # 8,000,000 + 40% × 3,100,000 = 9,240,000 ≥ 8,057,000
    s2.commissioners = [CommissionerShare(partner=COUNCIL, pct=Decimal(100))]
    assert len(findings(plan, "P4P-003")) == 1
    s2.commissioners = [CommissionerShare(partner=CCG, pct=Decimal(100))]
    plan.schemes[0].area_of_spend = "acute"  # acute spend is not out-of-hospital
    assert len(findings(plan, "P4P-003")) == 1


def test_p4p_003_pot_larger_than_the_fund_share() -> None:
    plan = small_plan()
    plan.performance.fund_share = Decimal("1000000")
    finding = one(plan, "P4P-003")
    assert finding.location == "performance.fund_share"
    assert finding.expected == "≥ £1,043,000.00"


def test_p4p_003_missing_fund_share_blocks_sign_off() -> None:
    plan = small_plan()
    plan.performance.fund_share = None
    finding = one(plan, "P4P-003")
    assert finding.severity is Severity.ERROR
    assert finding.location == "performance.fund_share"


def test_p4p_003_a_joint_scheme_counts_only_the_nhs_commissioner_share() -> None:
    plan = small_plan()
    scheme = next(s for s in plan.schemes if s.area_of_spend == "community_health")
    council = next(p.org for p in plan.partners if plan.org_kind(p.org) == "upper_tier_council")
    ccg = next(p.org for p in plan.partners if plan.org_kind(p.org) == "ccg")
    year_money = sum(f.amount for f in scheme.funding if f.year == "2015-16")
    required = plan.performance.fund_share - Decimal("1043000")  # fund share − pot
    # the CCG commissions just under the share that would cover the ring-fence
    ccg_pct = (required * 100 / year_money).quantize(Decimal("0.01")) - Decimal("0.01")
    scheme.commissioners = [
        CommissionerShare(partner=ccg, pct=ccg_pct),
        CommissionerShare(partner=council, pct=Decimal(100) - ccg_pct),
    ]
    finding = one(plan, "P4P-003")
    assert finding.location == "schemes"
    scheme.commissioners = [
        CommissionerShare(partner=ccg, pct=ccg_pct + Decimal("0.02")),
        CommissionerShare(partner=council, pct=Decimal(100) - ccg_pct - Decimal("0.02")),
    ]
    assert findings(plan, "P4P-003") == []


def test_p4p_004_missing_extra_and_repeated_quarters() -> None:
    plan = small_plan()
    plan.performance.baseline = plan.performance.baseline[:3]
    plan.performance.planned.append(QuarterCount(quarter="2015-16 Q4", admissions=Decimal(1)))
    plan.performance.planned.append(QuarterCount(quarter="2015-16 Q1", admissions=Decimal(1)))
    plan.performance.actuals = [QuarterCount(quarter="2013-14 Q1", admissions=Decimal(1))]
    found = {f.location: f for f in findings(plan, "P4P-004")}
    assert set(found) == {
        "performance.baseline",
        "performance.planned[4].quarter",
        "performance.planned[5].quarter",
        "performance.actuals[0].quarter",
    }
    assert "2015-16 Q3" in found["performance.baseline"].message
    assert found["performance.planned[5].quarter"].message.endswith(
        "entered twice; keep one row per quarter."
    )
    assert found["performance.actuals[0].quarter"].severity is Severity.WARNING
    assert found["performance.baseline"].severity is Severity.ERROR
    # The pot cannot be computed, so P4P-001 stays quiet instead of guessing.
    assert findings(plan, "P4P-001") == []


def test_p4p_004_no_quarterly_plan_at_all() -> None:
    plan = small_plan()
    plan.performance.baseline = []
    plan.performance.planned = []
    found = findings(plan, "P4P-004")
    assert [f.location for f in found] == ["performance.baseline", "performance.planned"]
    assert found[0].found == "none"
