"""Template round trip: export → import gives the very same plan (equal content hash), and export is stable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from carepool.io.excel import plan_workbook_bytes, read_plan_workbook
from carepool.io.excel.cells import escape_text, exact_number
from carepool.model.canonical import canonical_json, content_hash
from carepool.model.plan import Plan
from factories import small_plan, two_tier_plan


def round_trip(plan: Plan) -> Plan:
    return read_plan_workbook(plan_workbook_bytes(plan))


def test_small_plan_round_trips_exactly() -> None:
    plan = small_plan()
    back = round_trip(plan)
    assert canonical_json(back) == canonical_json(plan)
    assert content_hash(round_trip(back)) == content_hash(plan)


def test_two_tier_plan_round_trips_exactly() -> None:
    plan = two_tier_plan()
    assert content_hash(round_trip(plan)) == content_hash(plan)


def test_optional_parts_round_trip() -> None:
    """Empty lists, no risk share, unusual decimals, empty tranches and actuals all come back as they were."""
    data = small_plan().model_dump(mode="python")
    data["s75"]["risk_share"] = None
    data["performance"]["criteria_met"] = {"T1": ["NC1", "nel_admissions"], "T2": []}
    data["performance"]["actuals"] = [{"quarter": "2014-15 Q4", "admissions": Decimal("4900.000")}]
    data["performance"]["ambition_pct"] = Decimal("3.50")
    data["metrics"][0]["actuals"] = [{"period": "2015-16 Q1", "value": Decimal("1E+3")}]
    data["metrics"][1]["baseline"] = None
    data["schemes"][0]["uncommitted"] = {"2014-15": Decimal("12.34")}
    data["schemes"][1]["planned_savings"] = {"2015-16": Decimal("0.01")}
    data["area"]["population"] = None
    data["signatories"] = []
    data["stated_totals"] = []
    plan = Plan.model_validate(data)
    assert canonical_json(round_trip(plan)) == canonical_json(plan)


def test_ordered_risk_share_round_trips() -> None:
    data = two_tier_plan().model_dump(mode="python")
    data["s75"]["risk_share"] = {
        "method": "ordered",
        "order": ["offset_underspends", "risk_pool", "outside_pool"],
        "risk_pool": Decimal("250000.00"),
        "splits": {"E10000901": Decimal("70"), "98Y": Decimal("30")},
        "description": "Underspends first, then the risk pool, then 70:30 outside the pool.",
    }
    plan = Plan.model_validate(data)
    assert content_hash(round_trip(plan)) == content_hash(plan)


def test_quantities_keep_their_written_precision() -> None:
    for text in ("4825", "4825.0", "4825.000", "650.5", "0.1234567890123456789", "1E+3", "0"):
        value = Decimal(text)
        written = exact_number(value)
        assert str(Decimal(written) if isinstance(written, str) else written) == text


def test_text_escapes_what_a_workbook_cannot_hold() -> None:
    assert escape_text("a\rb") == "a_x000D_b"
    assert escape_text("_x0041_") == "_x005F_x0041_"
    assert escape_text("tab\tand\nnewline") == "tab\tand\nnewline"


# --- property tests over perturbed plans ----------------------------------------------------------

SURROGATES: tuple[Literal["Cs"]] = ("Cs",)  # a lone surrogate cannot be UTF-8 (nor a plan's JSON)
ODD_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=SURROGATES, blacklist_characters="\ufffe\uffff", max_codepoint=0x1F9FF
    ),
    min_size=1,
    max_size=40,
)
AMOUNT = st.decimals(min_value=0, max_value=Decimal("1000000000"), places=2, allow_nan=False)
QUANTITY = st.decimals(min_value=0, max_value=Decimal("100000000"), places=3, allow_nan=False)
CODE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,10}", fullmatch=True)


@st.composite
def perturbed_plans(draw: st.DrawFn) -> Plan:
    data: dict[str, Any] = draw(st.sampled_from([small_plan, two_tier_plan]))().model_dump(mode="python")
    for c in data["contributions"]:
        c["amount"] = draw(AMOUNT)
        c["reference"] = draw(ODD_TEXT | st.just(""))
    template = data["contributions"][0]
    extra = draw(st.integers(min_value=0, max_value=40))
    data["contributions"] += [
        {**template, "id": f"X{i}", "amount": draw(AMOUNT), "capital": draw(st.booleans())}
        for i in range(extra)
    ]
    for s in data["schemes"]:
        s["name"] = draw(ODD_TEXT)
        s["description"] = draw(ODD_TEXT | st.just(""))
        s["outcomes"] = draw(st.lists(ODD_TEXT, max_size=3))
        for f in s["funding"]:
            f["amount"] = draw(AMOUNT)
    for org in data["organisations"]:
        org["name"] = draw(ODD_TEXT)
    for risk in data["risks"]:
        risk["description"] = draw(ODD_TEXT)
        risk["mitigation"] = draw(ODD_TEXT | st.just(""))
    for m in data["metrics"]:
        for v in m["plan"]:
            v["value"] = draw(QUANTITY)
    data["milestones"][0]["deadline"] = draw(
        st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))
    )
    data["narrative"] = {k: draw(ODD_TEXT | st.just("")) for k in data["narrative"]}
    old_pool = data["pools"][0]["id"]
    data["pools"][0]["id"] = pool = draw(CODE)
    for row in data["contributions"] + [f for s in data["schemes"] for f in s["funding"]]:
        if row["pool"] == old_pool:
            row["pool"] = pool
    plan = Plan.model_validate(data)
    # The template requires names and descriptions (the JSON model allows them blank).
    assume(all(o.name for o in plan.organisations) and all(s.name for s in plan.schemes))
    assume(all(r.description for r in plan.risks) and all(all(s.outcomes) for s in plan.schemes))
    return plan


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(perturbed_plans())
def test_perturbed_plans_round_trip_exactly(plan: Plan) -> None:
    back = round_trip(plan)
    assert canonical_json(back) == canonical_json(plan)
