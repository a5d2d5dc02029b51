"""The demo plans and the synthetic national set: complete, clean, exact, deterministic."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from carepool.demo import build_demo_plans
from carepool.demo.builder import MoneyTable
from carepool.demo.national import FAULTS, generate_national, plan_fault
from carepool.io.plan_json import parse_plan_data
from carepool.model import Level, OrgKind, Plan, RiskShareMethod, RiskShareStep, canonical_json
from carepool.policy import load_pack
from carepool.reference import districts_of
from carepool.rules import Severity, run_checks

ROOT = Path(__file__).resolve().parents[1]
PACK = load_pack("bcf-2015-16")
FAULT_CODES = {"transcription": "FIN-005", "missed_minimum": "FIN-001", "unbalanced_pool": "FIN-002"}


@pytest.fixture(scope="module")
def demo() -> dict[str, Plan]:
    city, county = build_demo_plans()
    return {"city": city, "county": county}


@pytest.fixture(scope="module")
def national() -> list[Plan]:
    return generate_national()


def _errors(plan: Plan) -> list[str]:
    return [
        f"{f.code} {f.location}: {f.message}" for f in run_checks(plan, PACK) if f.severity is Severity.ERROR
    ]


def test_demo_plans_round_trip_through_the_exchange_format(demo: dict[str, Plan]) -> None:
    for plan in demo.values():
        again = parse_plan_data(json.loads(json.dumps(plan.model_dump(mode="json"))))
        assert again == plan
        assert canonical_json(again) == canonical_json(plan)
        assert "SYNTHETIC" in plan.title


def test_demo_plans_have_no_check_errors(demo: dict[str, Plan]) -> None:
    for plan in demo.values():
        assert _errors(plan) == []


def test_demo_plans_are_complete(demo: dict[str, Plan]) -> None:
    for plan in demo.values():
        assert {c.condition for c in plan.conditions} == set(PACK.condition_ids())
        assert set(plan.narrative) == {s.id for s in PACK.narrative_sections}
        assert all(len(text) > 300 for text in plan.narrative.values())
        signers = {s.signs_for for s in plan.signatories}
        assert signers == {p.org for p in plan.partners} | {"hwb"}
        assert [q.quarter for q in plan.performance.planned] == PACK.performance.quarters
        assert {m.metric for m in plan.metrics} == {m.id for m in PACK.metrics}
        assert any(m.actuals for m in plan.metrics)
        s75 = plan.s75.model_dump()
        assert all(s75[item] for item in PACK.s75_items)
        minimum_streams = {s.code for s in PACK.funding_streams if s.minimum_required}
        assert {m.stream for m in plan.minimums if m.year == "2015-16"} == minimum_streams


def test_stated_pot_is_planned_reduction_times_unit_cost(demo: dict[str, Plan]) -> None:
    unit_cost = PACK.performance.unit_cost.value if PACK.performance.unit_cost else Decimal(0)
    for plan in demo.values():
        perf = plan.performance
        reduction = sum(b.admissions for b in perf.baseline) - sum(p.admissions for p in perf.planned)
        assert perf.stated_pot == reduction * unit_cost
    assert demo["city"].performance.stated_pot == Decimal("1585360")  # 1,064 × £1,490
    assert demo["county"].performance.justification  # 3.0% < 3.5%, so the board's case is recorded


def test_performance_fund_schemes_hold_the_stated_pot(demo: dict[str, Plan]) -> None:
    for plan, refs in ((demo["city"], {"BR06"}), (demo["county"], {"WN04", "WS04"})):
        held = sum((f.amount for s in plan.schemes if s.ref in refs for f in s.funding), Decimal(0))
        assert held == plan.performance.stated_pot
        assert sum(s.planned_savings.get("2015-16", Decimal(0)) for s in plan.schemes) == held


def test_funding_table_text_is_checked_line_by_line() -> None:
    table = MoneyTable()
    table.add_table(
        """
        id | partner | stream | pool | year | amount | spent on | reference
        # a comment line
        C1 | Z9Z | ccg_minimum | P1 | 2015-16 | 1,000 | A=400 B=rest | line one
        """
    )
    assert [f.amount for ref in ("A", "B") for f in table.funding[ref]] == [Decimal(400), Decimal(600)]
    with pytest.raises(ValueError, match="line 2: expected 8 columns"):
        table.add_table("header\nC2 | Z9Z | ccg_minimum | P1 | 2015-16 | 1,000 | A=rest")
    with pytest.raises(ValueError, match=r"schemes take 1200\.00 of a contribution of 1000\.00"):
        table.add_table("header\nC3 | Z9Z | ccg_minimum | P1 | 2015-16 | 1,000 | A=1,200 | over-spent")


def test_city_is_a_unitary_with_one_ccg_and_a_project_plan(demo: dict[str, Plan]) -> None:
    city = demo["city"]
    kinds = [city.org_kind(p.org) for p in city.partners]
    assert kinds == [OrgKind.UPPER_TIER_COUNCIL, OrgKind.CCG]
    total = sum((c.amount for c in city.contributions if c.year == "2015-16"), Decimal(0))
    assert Decimal(20_000_000) <= total <= Decimal(25_000_000)
    titles = " | ".join(m.title.lower() for m in city.milestones)
    for step in (
        "scope review",
        "options appraisal",
        "financial modelling",
        "gap analysis",
        "risk and mitigation",
        "heads of terms",
        "draft 1",
        "draft 2",
        "final plan",
        "sign-off",
        "submission",
    ):
        assert step in titles
    assert {r.impact for r in city.risks} == {Level.HIGH, Level.MEDIUM, Level.LOW}
    assert sum(1 for s in city.schemes if s.new_or_existing == "existing" and s.kpis and s.outcomes) >= 5


def test_county_names_its_districts_and_passes_the_dfg_to_them(demo: dict[str, Plan]) -> None:
    county = demo["county"]
    districts = {d.ons_code for d in districts_of(county.area.ons_code)}
    assert len(districts) == 5
    assert {o.code for o in county.organisations if o.kind is OrgKind.DISTRICT_COUNCIL} == districts
    dfg_in = sum((c.amount for c in county.contributions if c.stream == "dfg"), Decimal(0))
    to_district: dict[str, Decimal] = defaultdict(Decimal)
    for scheme in county.schemes:
        for line in scheme.funding:
            if line.stream == "dfg":
                assert scheme.provider in districts
                to_district[scheme.provider] += line.amount
    assert set(to_district) == districts
    assert sum(to_district.values()) == dfg_in == Decimal(3_049_000)


def test_county_partners_pools_and_risk_share(demo: dict[str, Plan]) -> None:
    county = demo["county"]
    ccgs = [p for p in county.partners if county.org_kind(p.org) is OrgKind.CCG]
    assert len(ccgs) == 3
    assert [p.share_pct for p in ccgs if p.share_pct < 100] == [Decimal(35)]
    pools = {p.id: p for p in county.pools}
    assert pools["WS-FN"].host != pools["WS-FS"].host
    assert pools["WS-EQ"].existing and pools["WS-LD"].existing
    assert {"mental health", "learning disability"} <= {p.topic for p in pools.values()}
    rule = county.s75.risk_share
    assert rule is not None and rule.method is RiskShareMethod.ORDERED
    assert rule.order == [
        RiskShareStep.OFFSET_UNDERSPENDS,
        RiskShareStep.RISK_POOL,
        RiskShareStep.CUT_UNCOMMITTED,
        RiskShareStep.OUTSIDE_POOL,
    ]
    assert "50/50" in rule.description
    total = sum((c.amount for c in county.contributions if c.year == "2015-16"), Decimal(0))
    assert Decimal(40_000_000) <= total <= Decimal(100_000_000)


def test_national_set_minimums_sum_exactly_to_the_national_totals(national: list[Plan]) -> None:
    assert len(national) == 152
    assert len({p.area.ons_code for p in national}) == 152
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for plan in national:
        for m in plan.minimums:
            sums[m.stream] += m.amount
    for stream in PACK.funding_streams:
        if stream.national_amount is not None:
            assert sums[stream.code] == stream.national_amount.value, stream.code
    fund = PACK.performance.national_fund
    assert fund is not None
    assert sum((p.performance.fund_share or Decimal(0) for p in national), Decimal(0)) == fund.value
    assert all("SYNTHETIC" in p.title for p in national)


def test_national_set_is_deterministic_for_a_seed(national: list[Plan]) -> None:
    again = generate_national(areas=152, seed=0)
    assert [canonical_json(p) for p in again] == [canonical_json(p) for p in national]
    other = generate_national(areas=152, seed=1)
    assert [canonical_json(p) for p in other] != [canonical_json(p) for p in national]


def test_national_set_mostly_passes_and_faults_are_the_seeded_ones(national: list[Plan]) -> None:
    faulty = [p for p in national if plan_fault(p)]
    assert 12 <= len(faulty) <= 18  # ~10%
    assert {plan_fault(p) for p in faulty} == set(FAULTS)
    for plan in national:
        errors = _errors(plan)
        fault = plan_fault(plan)
        if fault is None:
            assert errors == [], plan.id
        else:
            assert errors and all(e.startswith(FAULT_CODES[fault]) for e in errors), (plan.id, errors)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_are_clean_except_their_faults(seed: int) -> None:
    plans = generate_national(areas=40, seed=seed)
    assert sum(1 for p in plans if plan_fault(p)) == 4
    for plan in plans:
        codes = {e.split()[0] for e in _errors(plan)}
        fault = plan_fault(plan)
        assert codes == (set() if fault is None else {FAULT_CODES[fault]}), plan.id


def test_national_set_sizes_are_realistic(national: list[Plan]) -> None:
    for plan in national:
        assert 1 <= sum(1 for p in plan.partners if plan.org_kind(p.org) is OrgKind.CCG) <= 3
        assert 1 <= len(plan.pools) <= 3
        assert 5 <= len(plan.schemes) <= 25
    staffs = next(p for p in national if p.area.ons_code == "E10000028")
    assert {o.name for o in staffs.organisations if o.kind is OrgKind.DISTRICT_COUNCIL} >= {
        "Cannock Chase Council",
        "Tamworth Council",
    }


def test_scaled_set_has_derived_codes_and_still_exact_totals() -> None:
    plans = generate_national(areas=6, seed=3, scale=3)
    assert len(plans) == 18
    codes = [p.area.ons_code for p in plans]
    assert len(set(codes)) == 18
    assert codes[6] == "E06001001"
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for plan in plans:
        for m in plan.minimums:
            sums[m.stream] += m.amount
    assert sums["ccg_minimum"] == Decimal(1_900_000_000)
    with pytest.raises(ValueError, match="areas must be between 1 and 152"):
        generate_national(areas=153)


def test_benchmark_quick_run_smoke(tmp_path: Path) -> None:
    """The benchmark command runs end to end at a tiny size; times are reported, never asserted."""
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--areas",
            "3",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "10× cost ratio" in out.stdout
    results = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert results["check_national"]["plans"] == 3
    assert results["check_national_10x"]["plans"] == 30
    assert results["allocation"]["sums_exact"] is True


def test_the_ten_times_national_set_builds_with_no_negative_money() -> None:
    plans = generate_national(scale=10)
    assert len(plans) == 1520
    assert all(c.amount >= 0 for p in plans for c in p.contributions)
