"""Local minimums: national → local shares that sum exactly, CSV tables read all-or-nothing, positions."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.finance.minimums import (
    allocate,
    local_minimums,
    minimum_position,
    minimums_for_area,
    population_weights,
    read_minimums_csv,
    read_shares_csv,
)
from carepool.model.plan import Area, AreaType, Contribution, Pool
from carepool.money import POUND, THOUSAND, total
from carepool.policy import load_pack
from carepool.problems import InputRejected
from factories import CCG, COUNCIL, small_plan

BCF = load_pack("bcf-2015-16")
BCF25 = load_pack("bcf-2025-26")

weights = st.dictionaries(
    st.from_regex(r"E0[6-9]\d{6}", fullmatch=True),
    st.integers(min_value=0, max_value=2_000_000).map(Decimal),
    min_size=1,
    max_size=40,
).filter(lambda w: sum(w.values()) > 0)


@given(weights, st.integers(min_value=0, max_value=10**7).map(lambda n: Decimal(n) * 1000))
def test_allocation_sums_exactly_and_is_order_independent(w: dict[str, Decimal], national: Decimal) -> None:
    shares = allocate(national, w, POUND)
    assert total(list(shares.values())) == national
    assert all(s == s.to_integral_value() and s >= 0 for s in shares.values())
    keys = list(w)
    random.Random(len(keys)).shuffle(keys)
    assert allocate(national, {k: w[k] for k in keys}, POUND) == shares


@given(weights)
def test_each_share_is_within_one_unit_of_its_exact_share(w: dict[str, Decimal]) -> None:
    national = Decimal(5_614_000_000)
    shares = allocate(national, w, THOUSAND)
    whole = sum(w.values())
    for area, share in shares.items():
        assert abs(share - national * w[area] / whole) < THOUSAND


def test_every_stream_of_a_pack_sums_to_its_national_amount() -> None:
    population = {"E06000001": Decimal(93000), "E06000002": Decimal(140000), "E10000003": Decimal(651000)}
    rows = local_minimums(BCF25, {"*": population})
    for stream in BCF25.funding_streams:
        if stream.national_amount is not None:
            assert total([r.amount for r in rows if r.stream == stream.code]) == stream.national_amount.value
    assert {r.stream for r in rows} == {"nhs_minimum", "dfg", "la_better_care_grant"}


def test_population_weights_from_areas() -> None:
    areas = [
        Area(ons_code="E06000001", name="Hartlepool", type=AreaType.UNITARY, population=93000),
        Area(ons_code="E06000002", name="Middlesbrough", type=AreaType.UNITARY, population=140000),
    ]
    weights = population_weights(areas)
    assert weights == {"E06000001": Decimal(93000), "E06000002": Decimal(140000)}
    with pytest.raises(InputRejected, match="population needed"):
        population_weights([Area(ons_code="E06000003", name="Redcar", type=AreaType.UNITARY)])


def test_per_stream_weights_and_a_named_stream() -> None:
    rows = local_minimums(BCF25, {"dfg": {"A1": Decimal(1), "A2": Decimal(3)}}, streams=["dfg"])
    assert {(r.area, r.amount) for r in rows} == {("A1", Decimal(177750000)), ("A2", Decimal(533250000))}
    with pytest.raises(ValueError, match="no area weights for stream 'nhs_minimum'"):
        local_minimums(BCF25, {"dfg": {"A1": Decimal(1)}})


# --- CSV ---------------------------------------------------------------------------------------------


def test_read_shares_csv_for_every_stream(tmp_path: Path) -> None:
    path = tmp_path / "shares.csv"
    path.write_bytes(
        '\ufeffArea,Weight,name\nE06000001,93000,Hartlepool\nE06000002,"140,000",Middlesbrough\n'.encode()
    )
    shares = read_shares_csv(path, BCF25)
    assert set(shares) == {"nhs_minimum", "dfg", "la_better_care_grant"}
    assert shares["dfg"] == {"E06000001": Decimal(93000), "E06000002": Decimal(140000)}


def test_read_shares_csv_per_stream() -> None:
    text = "area,stream,weight\nA1,dfg,1\nA2,dfg,3\nA1,nhs_minimum,2\n"
    assert read_shares_csv(text, BCF25) == {
        "dfg": {"A1": Decimal(1), "A2": Decimal(3)},
        "nhs_minimum": {"A1": Decimal(2)},
    }


def test_shares_csv_rejected_with_every_problem_named() -> None:
    text = "area,stream,weight\nA1,dfg,1\nA1,dfg,2\n,dfg,x\nA3,ibcf,-4\n"
    with pytest.raises(InputRejected) as caught:
        read_shares_csv(text, BCF25)
    found = {(p.location, p.message) for p in caught.value.problems}
    assert ("shares.csv row 3, column area", "area repeated") in found
    assert ("shares.csv row 4, column area", "area code is empty") in found
    assert ("shares.csv row 4, column weight", "not a number") in found
    assert ("shares.csv row 5, column stream", "unknown funding stream for bcf-2025-26") in found
    assert ("shares.csv row 5, column weight", "weight must be a number ≥ 0") in found


def test_shares_csv_header_problems() -> None:
    with pytest.raises(InputRejected) as caught:
        read_shares_csv("area,population\nA1,5\n", BCF25)
    problem = caught.value.problems[0]
    assert problem.location == "shares.csv row 1"
    assert problem.message == "missing column 'weight'"
    assert problem.found == "area, population"
    with pytest.raises(InputRejected, match="empty"):
        read_shares_csv("", BCF25)
    with pytest.raises(InputRejected, match="all zero"):
        read_shares_csv("area,weight\nA1,0\n", BCF25)


MINIMUMS = """area,partner,stream,year,amount
E06000901,99X,ccg_minimum,2015-16,"£8,000,000.00"
E06000901,E06000901,dfg,2015-16,950000
E06000902,98Y,ccg_minimum,2015-16,5501000
"""


def test_read_minimums_csv_and_select_an_area() -> None:
    rows = read_minimums_csv(MINIMUMS, BCF)
    assert len(rows) == 3
    mins = minimums_for_area(rows, "E06000901")
    assert [(m.partner, m.stream, m.amount) for m in mins] == [
        ("99X", "ccg_minimum", Decimal("8000000.00")),
        ("E06000901", "dfg", Decimal("950000.00")),
    ]


def test_minimums_csv_all_or_nothing() -> None:
    bad = (
        MINIMUMS
        + "E06000901,99X,ccg_minimum,2015-16,1\nE06000903,99X,ccg_minimum,2016-17,12.345\nE06000904,9 9,dfg,2015-16,-5\n"
    )
    with pytest.raises(InputRejected) as caught:
        read_minimums_csv(bad, BCF)
    by_location = {p.location: p for p in caught.value.problems}
    assert "given twice" in by_location["minimums.csv row 5, column partner"].message
    assert by_location["minimums.csv row 6, column year"].found == "'2016-17'"
    assert by_location["minimums.csv row 6, column year"].expected == "2014-15, 2015-16"
    assert "2 decimal places" in by_location["minimums.csv row 6, column amount"].message
    assert by_location["minimums.csv row 7, column partner"].message == "not a valid partner code"
    assert by_location["minimums.csv row 7, column amount"].message == "a minimum cannot be negative"


def test_minimums_csv_unreadable_bytes() -> None:
    with pytest.raises(InputRejected, match="not a UTF-8 CSV"):
        read_minimums_csv(b"\xff\xfe\x00a", BCF)


@settings(max_examples=60)
@given(st.text(max_size=200))
def test_csv_readers_only_ever_reject_cleanly(text: str) -> None:
    for reader in (read_shares_csv, read_minimums_csv):
        try:
            reader(text, BCF)
        except InputRejected as exc:
            assert exc.problems


# --- position ----------------------------------------------------------------------------------------


def test_position_of_the_clean_plan_has_no_shortfall() -> None:
    rows = minimum_position(small_plan(), BCF)
    assert len(rows) == 6
    assert all(r.met and r.has_minimum for r in rows)


def test_aligned_money_does_not_count_when_the_minimum_must_be_pooled() -> None:
    plan = small_plan()
    plan.pools.append(Pool(id="AL", name="Aligned budget", host=COUNCIL, arrangement="aligned"))
    c = next(c for c in plan.contributions if c.stream == "ccg_minimum" and c.year == "2015-16")
    c.amount = Decimal("7000000.00")
    plan.contributions.append(
        Contribution(
            id="X1", partner=CCG, stream="ccg_minimum", pool="AL", year="2015-16", amount=Decimal("1000000")
        )
    )
    plan.contributions.append(
        Contribution(
            id="X2", partner=CCG, stream="ccg_additional", pool="NOPOOL", year="2015-16", amount=Decimal("5")
        )
    )
    rows = {(r.partner, r.stream, r.year): r for r in minimum_position(plan, BCF)}
    row = rows[(CCG, "ccg_minimum", "2015-16")]
    assert (row.minimum, row.pooled, row.aligned, row.shortfall) == (
        Decimal("8000000.00"),
        Decimal("7000000.00"),
        Decimal("1000000.00"),
        Decimal("1000000.00"),
    )
    extra = rows[(CCG, "ccg_additional", "2015-16")]
    assert not extra.has_minimum and extra.unplaced == Decimal("5.00") and extra.met
    lenient = BCF.model_copy(update={"minimum_requires_pooled": False})
    relaxed = {(r.partner, r.stream, r.year): r for r in minimum_position(plan, lenient)}
    assert relaxed[(CCG, "ccg_minimum", "2015-16")].shortfall == 0


def test_row_numbers_count_blank_lines_like_a_spreadsheet() -> None:
    with pytest.raises(InputRejected) as caught:
        read_shares_csv("area,weight\nA1,1\n\n,,\nA2,lots\n", BCF25)
    assert [p.location for p in caught.value.problems] == ["shares.csv row 5, column weight"]
