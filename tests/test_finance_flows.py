"""Funding-flow graph, pool reconciliation and the cross-subsidy matrix."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.finance.cross_subsidy import cross_subsidy, matrix, shares_of
from carepool.finance.flows import NO_PROVIDER, build_flows
from carepool.finance.reconciliation import plan_reconciles, reconcile_pools, unbalanced
from carepool.model.plan import CommissionerShare, Contribution, Plan, Pool, Scheme, SchemeFunding
from carepool.money import total
from carepool.policy import load_pack
from factories import CCG, COUNCIL, COUNTY, COUNTY_CCG, small_plan, two_tier_plan

BCF = load_pack("bcf-2015-16")


def test_small_plan_flows_carry_the_same_total_on_every_layer() -> None:
    graph = build_flows(small_plan(), "2015-16", BCF)
    assert graph.reconciles()
    assert set(graph.layer_totals().values()) == {Decimal("12050000.00")}
    stream = graph.node("stream:ccg_minimum")
    assert stream is not None and stream.label.startswith("NHS contribution")
    assert [(e.target, e.amount) for e in graph.edges_from("scheme:S1")] == [
        ("provider:RX9", Decimal("8000000.00"))
    ]
    both_years = build_flows(small_plan())
    assert both_years.total() == Decimal("19950000.00")


def test_two_pools_trace_to_district_providers() -> None:
    graph = build_flows(two_tier_plan(), "2015-16")
    assert graph.reconciles()
    into_main = {e.source: e.amount for e in graph.edges_to("pool:MAIN")}
    assert into_main == {
        f"partner:{COUNTY_CCG}": Decimal("5200000.00"),
        f"partner:{COUNTY}": Decimal("1450000.00"),
    }
    assert {e.target for e in graph.edges_from("pool:MAIN")} == {"scheme:T1", "scheme:T2", "scheme:T3"}


def test_unassigned_money_shows_as_an_unallocated_node() -> None:
    plan = small_plan()
    plan.contributions.append(
        Contribution(
            id="X", partner=CCG, stream="ccg_additional", pool="BCF", year="2015-16", amount=Decimal("250")
        )
    )
    plan.schemes[1].provider = ""
    graph = build_flows(plan, "2015-16")
    assert graph.reconciles()
    assert [
        (e.target, e.amount) for e in graph.edges_from("pool:BCF") if e.target.startswith("unallocated")
    ] == [("unallocated:BCF", Decimal("250.00"))]
    assert graph.node(f"provider:{NO_PROVIDER}") is not None
    assert not plan_reconciles(plan)
    assert [(b.pool, b.year, b.difference) for b in unbalanced(plan)] == [
        ("BCF", "2015-16", Decimal("250.00"))
    ]


def test_overcommitted_pool_does_not_reconcile() -> None:
    plan = small_plan()
    plan.schemes[0].funding[1].amount += Decimal("0.01")
    graph = build_flows(plan, "2015-16")
    assert not graph.reconciles()
    assert graph.overcommitted == (("BCF", Decimal("0.01")),)
    balance = next(b for b in reconcile_pools(plan) if b.year == "2015-16")
    assert balance.difference == Decimal("-0.01") and not balance.balanced


def test_undeclared_pool_is_reported() -> None:
    plan = small_plan()
    plan.contributions[0].pool = "TYPO"
    rows = {(b.pool, b.year): b for b in reconcile_pools(plan)}
    assert not rows[("TYPO", "2014-15")].declared
    assert rows[("TYPO", "2014-15")].money_in == Decimal("4000000.00")
    assert rows[("BCF", "2014-15")].difference == Decimal("-4000000.00")


amounts = st.integers(min_value=0, max_value=10**9).map(lambda p: Decimal(p) / 100)
rows = st.lists(
    st.tuples(
        st.sampled_from([CCG, COUNCIL]),
        st.sampled_from(["BCF", "P2"]),
        st.sampled_from(["S1", "S2"]),
        amounts,
    ),
    min_size=1,
    max_size=8,
)


def random_plan(funding: list[tuple[str, str, str, Decimal]], extra_in: Decimal) -> Plan:
    schemes = [
        Scheme(
            ref=ref,
            name=ref,
            provider=f"PROV{ref}",
            funding=[
                SchemeFunding(pool=pool, partner=partner, stream="ccg_minimum", year="2015-16", amount=a)
                for partner, pool, r, a in funding
                if r == ref
            ],
        )
        for ref in ("S1", "S2")
    ]
    contributions = [
        Contribution(id=f"C{i}", partner=partner, stream="ccg_minimum", pool=pool, year="2015-16", amount=a)
        for i, (partner, pool, _, a) in enumerate(funding)
    ]
    contributions.append(
        Contribution(
            id="EXTRA", partner=CCG, stream="ccg_additional", pool="P2", year="2015-16", amount=extra_in
        )
    )
    base = small_plan()
    return small_plan(
        pools=[*base.pools, Pool(id="P2", name="Second pool", host=CCG)],
        contributions=contributions,
        schemes=schemes,
    )


@settings(max_examples=40, deadline=None)
@given(rows, amounts)
def test_flows_reconcile_whenever_nothing_is_overcommitted(
    funding: list[tuple[str, str, str, Decimal]], extra_in: Decimal
) -> None:
    plan = random_plan(funding, extra_in)
    graph = build_flows(plan, "2015-16")
    assert graph.reconciles()
    assert graph.total() == total([a for *_, a in funding]) + extra_in
    in_out = reconcile_pools(plan)
    assert total([b.difference for b in in_out]) == extra_in


# --- cross-subsidy -----------------------------------------------------------------------------------


def test_cross_subsidy_of_a_jointly_funded_scheme() -> None:
    plan = small_plan()
    plan.schemes[1].funding.append(
        SchemeFunding(
            pool="BCF",
            partner=COUNCIL,
            stream="council_additional",
            year="2015-16",
            amount=Decimal("1000000"),
        )
    )
    row = next(r for r in cross_subsidy(plan, "2015-16") if r.scheme == "S2")
    shares = {p.partner: p for p in row.partners}
    assert row.total == Decimal("4100000.00")
    assert shares[CCG].pct == Decimal("75.61")  # 3,100,000 / 4,100,000 = 75.6097…
    assert shares[COUNCIL].pct == Decimal("24.39")
    assert shares[CCG].commissioner_pct == Decimal("40")
    assert shares[CCG].pays_more_than_it_commissions
    assert not shares[COUNCIL].pays_more_than_it_commissions
    columns, table = matrix(plan, "2015-16")
    assert columns == sorted([CCG, COUNCIL])
    assert dict(table)["S2"] == [Decimal("3100000.00"), Decimal("1000000.00")]


def test_a_scheme_without_money_has_no_shares() -> None:
    plan = small_plan(
        schemes=[
            Scheme(ref="E", name="Empty", commissioners=[CommissionerShare(partner=CCG, pct=Decimal(100))])
        ]
    )
    (row,) = cross_subsidy(plan)
    assert row.total == 0 and row.partners[0].pct is None
    assert shares_of({"A": Decimal(-1), "B": Decimal(2)}) is None


@given(
    st.dictionaries(st.text(min_size=1, max_size=4), amounts, min_size=1, max_size=12).filter(
        lambda d: sum(d.values()) > 0
    )
)
def test_cross_subsidy_shares_sum_to_exactly_100(by_partner: dict[str, Decimal]) -> None:
    shares = shares_of(by_partner)
    assert shares is not None
    assert total(list(shares.values())) == Decimal(100)
    assert all(s == s.quantize(Decimal("0.01")) and s >= 0 for s in shares.values())


def test_a_funder_that_does_not_commission_is_flagged() -> None:
    plan = small_plan()
    scheme = next(s for s in plan.schemes if any(f.partner == CCG for f in s.funding))
    scheme.commissioners = [CommissionerShare(partner=COUNCIL, pct=Decimal(100))]
    shares = {p.partner: p for p in next(s for s in cross_subsidy(plan) if s.scheme == scheme.ref).partners}
    assert shares[CCG].commissioner_pct == Decimal(0)
    assert shares[CCG].pays_more_than_it_commissions
