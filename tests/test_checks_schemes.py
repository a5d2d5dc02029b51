"""Scheme checks SCH-001..SCH-004."""

from __future__ import annotations

from decimal import Decimal

from carepool.model.plan import CommissionerShare, Plan
from carepool.rules.base import Finding, Severity
from factories import findings, small_plan, two_tier_plan


def only(plan: Plan, code: str) -> list[Finding]:
    return findings(plan, code)


def test_clean_plans_pass_every_scheme_check() -> None:
    codes = ["SCH-001", "SCH-002", "SCH-003", "SCH-004"]
    assert findings(small_plan(), *codes) == []
    assert findings(two_tier_plan(), *codes) == []


def test_sch001_missing_provider_commissioner_and_unknown_area_of_spend() -> None:
    plan = small_plan()
    plan.schemes[1].provider = ""
    plan.schemes[1].area_of_spend = "social"
    plan.schemes[2].commissioners = []
    found = {f.location: f for f in only(plan, "SCH-001")}
    assert set(found) == {"schemes[1].provider", "schemes[1].area_of_spend", "schemes[2].commissioners"}
    assert all(f.severity is Severity.ERROR for f in found.values())
    assert (
        "S2" in found["schemes[1].provider"].message and "no provider" in found["schemes[1].provider"].message
    )
    area = found["schemes[1].area_of_spend"]
    assert "'social'" in area.message and "social_care" in area.expected
    assert "no commissioner" in found["schemes[2].commissioners"].message


def test_sch002_commissioner_split_not_100() -> None:
    plan = small_plan()
    plan.schemes[1].commissioners[1].pct = Decimal("30")
    [f] = only(plan, "SCH-002")
    assert (f.severity, f.location) == (Severity.ERROR, "schemes[1].commissioners")
    assert "90%" in f.message and "not 100%" in f.message and (f.found, f.expected) == ("90%", "100%")


def test_sch002_exact_decimal_split_passes_and_a_hair_over_fails() -> None:
    plan = small_plan()
    plan.schemes[1].commissioners = [
        CommissionerShare(partner=c.partner, pct=p)
        for c, p in zip(plan.schemes[1].commissioners, ("33.33", "66.67"), strict=True)
    ]
    assert only(plan, "SCH-002") == []
    plan.schemes[1].commissioners[1].pct = Decimal("66.68")
    assert only(plan, "SCH-002")[0].found == "100.01%"


def test_sch003_unknown_scheme_type_is_a_warning() -> None:
    plan = small_plan()
    plan.schemes[0].type = "rapid response"
    [f] = only(plan, "SCH-003")
    assert (f.severity, f.location) == (Severity.WARNING, "schemes[0].type")
    assert "'rapid response'" in f.message and "intermediate_care" in f.message


def test_sch004_scheme_with_no_funding_is_a_warning() -> None:
    plan = small_plan()
    for line in plan.schemes[2].funding:
        line.amount = Decimal("0")
    [f] = only(plan, "SCH-004")
    assert (f.severity, f.location) == (Severity.WARNING, "schemes[2].funding")
    assert "S3" in f.message and "no funding in any year" in f.message and "£0.00" in f.message
    plan.schemes[2].funding = []
    assert [f.location for f in only(plan, "SCH-004")] == ["schemes[2].funding"]
