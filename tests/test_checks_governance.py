"""Governance checks: CON, S75, RSK, GOV, NAR, MET, MIL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from carepool.model.plan import (
    ConditionStatus,
    Level,
    Plan,
    Pool,
    RiskShareMethod,
    RiskShareRule,
    RiskShareStep,
)
from carepool.policy.loader import load_pack
from carepool.rules.base import Finding, Severity
from factories import CCG, COUNCIL, findings, small_plan, two_tier_plan

GOVERNANCE = [
    "CON-001",
    "CON-002",
    "S75-001",
    "S75-002",
    "S75-003",
    "RSK-001",
    "RSK-002",
    "GOV-001",
    "NAR-001",
    "MET-001",
    "MIL-001",
]


def only(plan: Plan, code: str) -> list[Finding]:
    return findings(plan, code)


def one(plan: Plan, code: str) -> Finding:
    found = only(plan, code)
    assert len(found) == 1, found
    return found[0]


def test_clean_plans_pass_every_governance_check() -> None:
    assert findings(small_plan(), *GOVERNANCE) == []
    assert findings(two_tier_plan(), *GOVERNANCE, today=date(2030, 1, 1)) == []


# --- conditions ------------------------------------------------------------------------------------


def test_con001_condition_without_statement() -> None:
    plan = small_plan()
    plan.conditions = [c for c in plan.conditions if c.condition != "NC6"]
    f = one(plan, "CON-001")
    assert (f.severity, f.location) == (Severity.ERROR, "conditions")
    assert "NC6" in f.message and "Impact on acute providers agreed" in f.message


def test_con001_blank_statement() -> None:
    plan = small_plan()
    plan.conditions[2].statement = ""
    f = one(plan, "CON-001")
    assert f.location == "conditions[2].statement" and "NC3" in f.message and "empty" in f.message


def test_con001_condition_stated_twice() -> None:
    plan = small_plan()
    plan.conditions.append(plan.conditions[1].model_copy())
    f = one(plan, "CON-001")
    assert (f.location, f.severity) == ("conditions[6]", Severity.ERROR)
    assert "NC2" in f.message and "conditions[1]" in f.message


def test_con002_not_met_is_a_warning_in_progress_is_info() -> None:
    plan = small_plan()
    plan.conditions[3].status = ConditionStatus.NOT_MET
    plan.conditions[4].status = ConditionStatus.IN_PROGRESS
    found = {f.location: f for f in only(plan, "CON-002")}
    assert found["conditions[3].status"].severity is Severity.WARNING
    assert (
        "NC4" in found["conditions[3].status"].message and "not met" in found["conditions[3].status"].message
    )
    assert found["conditions[4].status"].severity is Severity.INFO
    assert "in progress" in found["conditions[4].status"].message


# --- section 75 ------------------------------------------------------------------------------------


def test_s75001_missing_items() -> None:
    plan = small_plan()
    plan.s75.functions = ""
    plan.s75.risk_share = None
    plan.s75.host = None
    plan.s75.pool_manager = ""
    found = {f.location: f for f in only(plan, "S75-001")}
    assert set(found) == {"s75.functions", "s75.risk_share", "s75.host", "s75.pool_manager"}
    assert all(f.severity is Severity.ERROR for f in found.values())
    assert "'functions' is missing" in found["s75.functions"].message
    assert "no risk-share rule" in found["s75.risk_share"].message


def test_s75001_host_not_a_partner() -> None:
    plan = small_plan()
    plan.s75.host = "RX9"  # the community trust: an organisation, not a partner
    f = one(plan, "S75-001")
    assert f.location == "s75.host" and "not a partner" in f.message


def test_s75002_fixed_split_not_100() -> None:
    plan = small_plan()
    plan.s75.risk_share = RiskShareRule(
        method=RiskShareMethod.FIXED_SPLIT, splits={COUNCIL: Decimal("50"), CCG: Decimal("40")}
    )
    f = one(plan, "S75-002")
    assert (f.severity, f.location) == (Severity.ERROR, "s75.risk_share.splits")
    assert "90%" in f.message and f.expected == "100%"


def test_s75002_ordered_rule_needs_steps_and_a_risk_pool() -> None:
    plan = small_plan()
    plan.s75.risk_share = RiskShareRule(method=RiskShareMethod.ORDERED)
    assert one(plan, "S75-002").location == "s75.risk_share.order"
    plan.s75.risk_share = RiskShareRule(
        method=RiskShareMethod.ORDERED, order=[RiskShareStep.OFFSET_UNDERSPENDS, RiskShareStep.RISK_POOL]
    )
    f = one(plan, "S75-002")
    assert f.location == "s75.risk_share.risk_pool" and "risk pool" in f.message and f.found == "none"
    plan.s75.risk_share.risk_pool = Decimal("250000")
    assert only(plan, "S75-002") == []


def test_s75003_pooled_fund_without_pool_manager() -> None:
    plan = small_plan()
    plan.pools.append(Pool(id="B2", name="Equipment pool", host=CCG))
    plan.pools.append(Pool(id="B3", name="Aligned budget", host=CCG, arrangement="aligned"))
    f = one(plan, "S75-003")
    assert (f.severity, f.location) == (Severity.ERROR, "pools[1].pool_manager")
    assert "Equipment pool" in f.message and "pool manager" in f.message


# --- risks -----------------------------------------------------------------------------------------


def test_rsk001_risk_without_owner_is_a_warning_under_this_pack() -> None:
    plan = small_plan()
    plan.risks[1].owner = ""
    plan.risks[1].mitigation = ""
    found = {f.location: f for f in only(plan, "RSK-001")}
    assert set(found) == {"risks[1].owner", "risks[1].mitigation"}
    assert all(f.severity is Severity.WARNING for f in found.values())  # the pack downgrades RSK-001
    assert "R2" in found["risks[1].owner"].message
    strict = load_pack("bcf-2015-16").model_copy(update={"checks": {}})
    assert {f.severity for f in findings(plan, "RSK-001", pack=strict)} == {Severity.ERROR}


def test_rsk001_closed_risks_are_not_chased() -> None:
    plan = small_plan()
    plan.risks[1].owner = ""
    plan.risks[1].status = "closed"
    assert only(plan, "RSK-001") == []


def test_rsk002_high_open_risk_without_mitigation_is_an_error() -> None:
    plan = small_plan()
    plan.risks[0].mitigation = ""  # High impact x Medium probability = 6
    f = one(plan, "RSK-002")
    assert (f.severity, f.location) == (Severity.ERROR, "risks[0].mitigation")
    assert "R1" in f.message and "scores 6" in f.message
    assert only(plan, "RSK-001") == []  # not reported twice
    plan.risks[0].impact = Level.MEDIUM  # score 4: only the RSK-001 warning
    assert only(plan, "RSK-002") == []
    assert one(plan, "RSK-001").location == "risks[0].mitigation"


# --- sign-off, narrative, metrics, milestones ------------------------------------------------------


def test_gov001_missing_signatories() -> None:
    plan = small_plan()
    plan.signatories = [s for s in plan.signatories if s.signs_for == COUNCIL]
    found = only(plan, "GOV-001")
    assert {f.location for f in found} == {"signatories"}
    assert {f.severity for f in found} == {Severity.WARNING}
    assert [f.expected for f in found] == [f"a signatory for {CCG}", "a signatory for hwb"]
    assert "NHS Riverton CCG (99X)" in found[0].message


def test_nar001_missing_and_blank_sections() -> None:
    plan = small_plan()
    del plan.narrative["acute_implications"]
    plan.narrative["engagement"] = "  "
    found = {f.location: f for f in only(plan, "NAR-001")}
    assert set(found) == {"narrative.acute_implications", "narrative.engagement"}
    assert "Implications for acute providers" in found["narrative.acute_implications"].message
    assert found["narrative.engagement"].severity is Severity.ERROR


def test_met001_metric_without_plan_values() -> None:
    plan = small_plan()
    i = next(i for i, m in enumerate(plan.metrics) if m.metric == "dtoc")
    plan.metrics[i].plan = []
    f = one(plan, "MET-001")
    assert (f.severity, f.location) == (Severity.ERROR, f"metrics[{i}].plan")
    assert "dtoc" in f.message and "no plan" in f.message


def test_met001_missing_baseline_and_missing_metric() -> None:
    plan = small_plan()
    i = next(i for i, m in enumerate(plan.metrics) if m.metric == "reablement")
    plan.metrics[i].baseline = None
    plan.metrics = [m for m in plan.metrics if m.metric not in ("residential_admissions", "local")]
    found = {f.location: f for f in only(plan, "MET-001")}
    assert set(found) == {f"metrics[{i - 1}].baseline", "metrics"}  # the local metric is optional
    assert "residential_admissions" in found["metrics"].message


def test_met001_experience_metric_is_a_warning() -> None:
    plan = small_plan()
    plan.metrics = [m for m in plan.metrics if m.metric != "experience"]
    f = one(plan, "MET-001")
    assert (f.severity, f.location) == (Severity.WARNING, "metrics")


def test_met001_paying_metric_planned_in_the_performance_section() -> None:
    plan = small_plan()
    plan.metrics = [m for m in plan.metrics if m.metric != "nel_admissions"]
    assert only(plan, "MET-001") == []
    plan.performance.planned = []
    assert one(plan, "MET-001").location == "metrics"


def test_mil001_overdue_milestone() -> None:
    plan = small_plan()
    plan.milestones[0].status = "in_progress"  # due 2015-03-31
    [f] = findings(plan, "MIL-001", today=date(2015, 4, 10))
    assert (f.severity, f.location) == (Severity.WARNING, "milestones[0].status")
    assert "M1" in f.message and "2015-03-31" in f.message and "10 days ago" in f.message
    assert findings(plan, "MIL-001", today=date(2015, 3, 31)) == []
    plan.milestones[0].status = "done"
    assert findings(plan, "MIL-001", today=date(2015, 4, 10)) == []
