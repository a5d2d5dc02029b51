"""Area reference data: the 152 areas of 2013–15, districts, demo areas, and code rules."""

from __future__ import annotations

from collections import Counter

import pytest

from carepool.model import AreaType
from carepool.problems import NotFound
from carepool.reference import AreaNotFound, all_areas, districts_of, has_district_data, lookup_area


def test_the_152_areas_with_their_types_and_population() -> None:
    areas = all_areas()
    assert len(areas) == 152
    assert len({a.ons_code for a in areas}) == 152
    counts = Counter(a.type for a in areas)
    assert counts[AreaType.COUNTY] == 27
    assert counts[AreaType.METROPOLITAN] == 36
    assert counts[AreaType.LONDON] == 33  # incl. City of London
    assert counts[AreaType.UNITARY] == 56  # incl. Isles of Scilly
    assert sum(a.population for a in areas) == 56_728_948
    assert not any(a.synthetic for a in areas)


def test_demo_areas_are_marked_synthetic_and_cannot_collide_with_real_codes() -> None:
    everything = all_areas(include_demo=True)
    demo = [a for a in everything if a.synthetic]
    assert {a.ons_code for a in demo} == {"E06900001", "E10900001"}
    assert all(a.ons_code[3] == "9" for a in demo)
    assert all(a.ons_code[3] == "0" for a in all_areas())
    assert lookup_area("e10900001").name == "Wealdshire"


def test_lookup_known_code_gives_the_plan_area() -> None:
    staffs = lookup_area(" E10000028 ")
    assert staffs.name == "Staffordshire"
    assert staffs.type is AreaType.COUNTY
    area = staffs.to_area()
    assert area.ons_code == "E10000028"
    assert area.population == staffs.population
    assert lookup_area("E06000004").region == "North East"  # Stockton-on-Tees, corrected region


def test_renamed_codes_map_to_the_area_they_replaced() -> None:
    assert lookup_area("E08000037").ons_code == "E08000020"  # Gateshead
    assert lookup_area("E06000057").ons_code == "E06000048"  # Northumberland


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("E06000058", ("Bournemouth (E06000028)", "Poole (E06000029)", "E10000009")),
        ("E06000061", ("Northamptonshire (E10000021)",)),
        ("E06000062", ("Northamptonshire (E10000021)",)),
        ("E06000059", ("E10000009",)),
    ],
)
def test_post_2019_codes_are_refused_with_the_areas_the_fund_used(code: str, names: tuple[str, ...]) -> None:
    with pytest.raises(AreaNotFound) as info:
        lookup_area(code)
    assert info.value.code == code
    for name in names:
        assert name in str(info.value)


def test_unknown_code_and_district_code_have_clear_messages() -> None:
    with pytest.raises(NotFound, match="no Health and Wellbeing Board area with code 'E06999999'"):
        lookup_area("E06999999")
    with pytest.raises(AreaNotFound, match=r"Cannock Chase, a district council.*Staffordshire \(E10000028\)"):
        lookup_area("E07000192")


def test_districts_of_a_county_sum_to_its_population() -> None:
    for county in ("E10000028", "E10000031", "E10000034", "E10000008", "E10000013"):
        districts = districts_of(county)
        assert districts
        assert abs(sum(d.population for d in districts) - lookup_area(county).population) <= 1
    assert [d.name for d in districts_of("E10000031")][:2] == ["North Warwickshire", "Nuneaton and Bedworth"]


def test_districts_of_single_tier_and_demo_areas() -> None:
    assert districts_of("E06000001") == []
    assert not has_district_data("E10000002")  # a county whose districts are not shipped
    demo = districts_of("E10900001")
    assert len(demo) == 5
    assert all(d.synthetic for d in demo)
    assert sum(d.population for d in demo) == lookup_area("E10900001").population
    with pytest.raises(AreaNotFound):
        districts_of("E06000058")


def test_later_unitary_on_the_county_boundary_maps_and_a_split_is_refused() -> None:
    assert lookup_area("E06000060").name == "Buckinghamshire"
    assert lookup_area("E06000066").ons_code == "E10000027"
    with pytest.raises(AreaNotFound, match=r"Cumbria \(E10000006\)"):
        lookup_area("E06000063")
