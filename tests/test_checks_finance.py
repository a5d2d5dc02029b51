"""Money checks FIN-001..FIN-008: each fires on one broken thing and stays quiet on the clean plans."""

from __future__ import annotations

from decimal import Decimal

from carepool.model.plan import Contribution, Plan, Pool, Scheme, SchemeFunding, StatedTotal
from carepool.policy.loader import load_pack
from carepool.rules.base import Finding, Severity
from factories import CCG, COUNCIL, COUNTY, findings, small_plan, two_tier_plan


def only(plan: Plan, code: str) -> list[Finding]:
    return findings(plan, code)


def one(plan: Plan, code: str) -> Finding:
    found = only(plan, code)
    assert len(found) == 1, found
    return found[0]


def contribution_index(plan: Plan, stream: str, year: str) -> int:
    return next(i for i, c in enumerate(plan.contributions) if (c.stream, c.year) == (stream, year))


def test_clean_plans_pass_every_money_check() -> None:
    codes = [f"FIN-00{n}" for n in range(1, 9)]
    assert findings(small_plan(), *codes) == []
    assert findings(two_tier_plan(), *codes) == []


# --- FIN-001 ---------------------------------------------------------------------------------------


def test_fin001_aligned_money_does_not_count_towards_the_minimum() -> None:
    plan = small_plan()
    plan.pools.append(Pool(id="ALN", name="Aligned budget", host=COUNCIL, arrangement="aligned"))
    i = contribution_index(plan, "ccg_minimum", "2015-16")
    plan.contributions[i].amount = Decimal("7500000.00")
    plan.contributions.append(
        Contribution(
            id="C99", partner=CCG, stream="ccg_minimum", pool="ALN", year="2015-16", amount="500000.00"
        )
    )
    f = one(plan, "FIN-001")
    m = next(j for j, m in enumerate(plan.minimums) if (m.stream, m.year) == ("ccg_minimum", "2015-16"))
    assert (f.severity, f.location) == (Severity.ERROR, f"minimums[{m}]")
    assert "short by £500,000.00" in f.message
    assert "£500,000.00 paid into aligned budgets does not count" in f.message
    assert (f.found, f.expected) == ("£7,500,000.00", "≥ £8,000,000.00")
    # a pack that does not require pooling counts the aligned money
    relaxed = load_pack("bcf-2015-16").model_copy(update={"minimum_requires_pooled": False})
    assert findings(plan, "FIN-001", pack=relaxed) == []


def test_fin001_missing_contribution() -> None:
    plan = small_plan()
    del plan.contributions[contribution_index(plan, "dfg", "2014-15")]
    f = one(plan, "FIN-001")
    assert (
        "Disabled Facilities Grant (dfg) 2014-15" in f.message
        and "£0.00" in f.message
        and "£900,000.00" in f.message
    )


# --- FIN-002 ---------------------------------------------------------------------------------------


def test_fin002_pool_out_of_balance() -> None:
    plan = small_plan()
    plan.contributions[0].amount += Decimal("0.01")
    f = one(plan, "FIN-002")
    assert (f.severity, f.location) == (Severity.ERROR, "pools[0]")
    assert "2014-15" in f.message and "£7,900,000.01" in f.message and "£7,900,000.00" in f.message


# --- FIN-003 ---------------------------------------------------------------------------------------


def _extra_scheme(stream: str, amount: str, partner: str = CCG) -> Scheme:
    return Scheme(
        ref="S4",
        name="Carers support",
        type="carers",
        area_of_spend="social_care",
        commissioners=[{"partner": COUNCIL, "pct": "100"}],
        provider=COUNCIL,
        funding=[SchemeFunding(pool="BCF", partner=partner, stream=stream, year="2015-16", amount=amount)],
    )


def test_fin003_source_overspent() -> None:
    plan = small_plan()
    plan.schemes.append(_extra_scheme("social_care_transfer", "50000"))
    f = one(plan, "FIN-003")
    assert (f.severity, f.location) == (Severity.ERROR, "schemes[3].funding[0]")
    assert "Schemes S2, S4 are spending £3,150,000.00" in f.message
    assert "over by £50,000.00" in f.message and "social_care_transfer" in f.message
    assert f.expected == "≤ £3,100,000.00"


def test_fin003_source_nobody_contributed() -> None:
    plan = small_plan()
    plan.schemes.append(_extra_scheme("carers_breaks", "20000"))
    f = one(plan, "FIN-003")
    assert f.location == "schemes[3].funding[0]"
    assert "nobody contributed" in f.message and "£20,000.00" in f.message


def test_fin003_zero_line_from_unknown_source_is_quiet() -> None:
    plan = small_plan()
    plan.schemes.append(_extra_scheme("carers_breaks", "0"))
    assert only(plan, "FIN-003") == []


# --- FIN-004 ---------------------------------------------------------------------------------------


def _second_pool_copy(plan: Plan, index: int, reference: str) -> Plan:
    plan.pools.append(Pool(id="B2", name="Second pool", host=COUNCIL, pool_manager="x"))
    copy = plan.contributions[index].model_copy(update={"id": "DUP", "pool": "B2", "reference": reference})
    plan.contributions.append(copy)
    return plan


def test_fin004_same_reference_in_two_pools_is_an_error() -> None:
    plan = small_plan()
    ref = plan.contributions[0].reference
    f = one(_second_pool_copy(plan, 0, ref), "FIN-004")
    assert (f.severity, f.location) == (Severity.ERROR, "contributions[6]")
    assert "DUP" in f.message and "C1" in f.message and ref in f.message and "£4,000,000.00" in f.message


def test_fin004_same_amount_without_reference_is_a_warning() -> None:
    plan = small_plan()
    plan.contributions[0].reference = ""
    f = one(_second_pool_copy(plan, 0, ""), "FIN-004")
    assert (f.severity, f.location) == (Severity.WARNING, "contributions[6]")
    assert "possible double count" in f.message


def test_fin004_same_amount_one_side_without_reference_is_a_warning() -> None:
    plan = _second_pool_copy(small_plan(), 0, "")
    f = one(plan, "FIN-004")
    assert (f.severity, f.location) == (Severity.WARNING, "contributions[6]")


def test_fin004_different_references_are_different_allocations() -> None:
    plan = _second_pool_copy(small_plan(), 0, "a second allocation line")
    assert only(plan, "FIN-004") == []


# --- FIN-005 ---------------------------------------------------------------------------------------


def test_fin005_stated_total_differs_from_rows() -> None:
    plan = small_plan()
    plan.stated_totals[1].amount = Decimal("12500000")
    f = one(plan, "FIN-005")
    assert (f.severity, f.location) == (Severity.ERROR, "stated_totals[1].amount")
    assert "£12,500,000.00" in f.message and "£12,050,000.00" in f.message
    assert "difference £450,000.00" in f.message
    assert (f.found, f.expected) == ("£12,500,000.00", "£12,050,000.00")


def test_fin005_each_kind_of_total() -> None:
    plan = small_plan()
    plan.stated_totals = [
        StatedTotal(label="pool", of="pool", key="BCF", year="2014-15", amount="7900000"),
        StatedTotal(label="stream", of="stream", key="dfg", year="2015-16", amount="950000"),
        StatedTotal(label="ccg mins", of="minimums", key=CCG, year="2014-15", amount="7000000"),
        StatedTotal(label="typo", of="scheme", key="S9", year="2015-16", amount="1"),
    ]
    f = one(plan, "FIN-005")
    assert f.location == "stated_totals[3].amount" and "no rows match" in f.message


# --- FIN-006 ---------------------------------------------------------------------------------------


def test_fin006_dfg_kept_by_the_county() -> None:
    plan = two_tier_plan()
    plan.schemes[1].provider = COUNTY  # T2, the north district's DFG
    findings_ = only(plan, "FIN-006")
    assert [f.location for f in findings_] == ["schemes[1].provider", "schemes[1].provider"]
    f = next(f for f in findings_ if "2015-16" in f.message)
    assert f.severity is Severity.ERROR
    assert "£1,200,000.00 contributed" in f.message and "only £500,000.00" in f.message
    assert "short by £700,000.00" in f.message and "district councils" in f.message and "T2" in f.message


def test_fin006_no_scheme_passes_dfg_on() -> None:
    plan = two_tier_plan()
    plan.schemes = [s for s in plan.schemes if s.ref not in ("T2", "T3")]
    f = next(f for f in only(plan, "FIN-006") if "2014-15" in f.message)
    assert f.location == f"contributions[{contribution_index(plan, 'dfg', '2014-15')}]"
    assert "no scheme passes it on" in f.message


def test_fin006_does_not_apply_to_unitary_areas() -> None:
    plan = small_plan()  # DFG spent by the unitary council itself
    assert only(plan, "FIN-006") == []


# --- FIN-007 / FIN-008 -----------------------------------------------------------------------------


def test_fin007_capital_stream_entered_as_revenue() -> None:
    plan = small_plan()
    i = contribution_index(plan, "dfg", "2015-16")
    plan.contributions[i].capital = False
    f = one(plan, "FIN-007")
    assert (f.severity, f.location) == (Severity.WARNING, f"contributions[{i}].capital")
    assert "revenue" in f.message and "capital" in f.message and "£950,000.00" in f.message


def test_fin007_revenue_stream_entered_as_capital() -> None:
    plan = small_plan()
    plan.contributions[0].capital = True
    assert one(plan, "FIN-007").location == "contributions[0].capital"


def test_fin008_stream_paid_by_the_wrong_kind_of_partner() -> None:
    plan = small_plan()
    i = contribution_index(plan, "ccg_minimum", "2015-16")
    plan.contributions[i].partner = COUNCIL
    f = one(plan, "FIN-008")
    assert (f.severity, f.location) == (Severity.ERROR, f"contributions[{i}].partner")
    assert "upper tier council" in f.message and "only CCG partners" in f.message
    assert "£8,000,000.00" in f.message


def test_fin009_a_duplicated_minimum_row_is_an_error_and_fin001_counts_both() -> None:
    plan = small_plan()
    duplicated = plan.minimums[0]
    plan = plan.model_copy(update={"minimums": [*plan.minimums, duplicated]})
    dupes = findings(plan, "FIN-009")
    assert [(f.code, f.severity, f.location) for f in dupes] == [
        ("FIN-009", Severity.ERROR, f"minimums[{len(plan.minimums) - 1}]")
    ]
    assert "minimums[0]" in dupes[0].message
    short = findings(plan, "FIN-001")
    assert [f.location for f in short] == ["minimums[0]"]
    assert f"short by £{duplicated.amount:,.2f}" in short[0].message
