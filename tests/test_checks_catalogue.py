"""The check catalogue as a whole: clean factories, robustness on odd data, and the balance property."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.model.plan import Area, AreaType, Plan, Scheme
from carepool.rules.base import REGISTRY, Severity
from factories import findings, small_plan, two_tier_plan

MINE = [
    *(f"FIN-00{n}" for n in range(1, 9)),
    *("SCH-001", "SCH-002", "SCH-003", "SCH-004"),
    *("CON-001", "CON-002", "S75-001", "S75-002", "S75-003", "RSK-001", "RSK-002"),
    *("GOV-001", "NAR-001", "MET-001", "MIL-001"),
]


def test_every_code_is_registered_with_a_docstring_example() -> None:
    findings(small_plan())  # loads the catalogue
    for code in MINE:
        assert code in REGISTRY, code
        assert "Before:" in REGISTRY[code].doc and "After:" in REGISTRY[code].doc, code


def test_factories_produce_no_findings_at_all() -> None:
    assert findings(small_plan()) == []
    assert findings(two_tier_plan()) == []
    assert findings(small_plan(), today=date(2099, 1, 1)) == []


def test_checks_do_not_crash_on_an_empty_plan() -> None:
    plan = Plan(
        id="empty",
        title="Empty",
        policy="bcf-2015-16",
        area=Area(ons_code="E10000999", name="Nowhere", type=AreaType.COUNTY),
        years=["2015-16"],
        schemes=[Scheme(ref="S1", name="Odd", funding=[])],
    )
    found = findings(plan, *MINE)
    codes = {f.code for f in found}
    assert {"CON-001", "S75-001", "NAR-001", "MET-001", "GOV-001", "SCH-001", "SCH-004"} <= codes
    assert not codes & {"FIN-001", "FIN-002", "FIN-003", "FIN-004", "FIN-005", "FIN-006"}


def test_zero_amounts_do_not_crash() -> None:
    plan = small_plan()
    for c in plan.contributions:
        c.amount = Decimal("0")
    for s in plan.schemes:
        for f in s.funding:
            f.amount = Decimal("0")
    codes = {f.code for f in findings(plan, *MINE)}
    assert {"FIN-001", "FIN-005", "SCH-004"} <= codes
    assert "FIN-002" not in codes and "FIN-003" not in codes


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=len(small_plan().contributions) - 1),
    pence=st.integers(min_value=-(10**11), max_value=10**11).filter(lambda n: n != 0),
)
def test_any_change_to_one_contribution_unbalances_its_pool(index: int, pence: int) -> None:
    plan = small_plan()
    c = plan.contributions[index]
    c.amount += Decimal(pence) / 100
    pool_index = next(i for i, p in enumerate(plan.pools) if p.id == c.pool)
    found = findings(plan, "FIN-002")
    assert [(f.severity, f.location) for f in found] == [(Severity.ERROR, f"pools[{pool_index}]")]
    assert c.year in found[0].message
