"""Area reference data: the 152 Health and Wellbeing Board areas of 2013–15, their districts, and the
two synthetic demo areas.

Read from CSV files shipped inside the package (``carepool/data``, origin and licence in its
``SOURCES.md``). Codes changed after 2013–15 are handled by explicit rules: a one-to-one renaming maps to
the area it replaced; a merger or split is refused with a message naming the areas the fund used.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from carepool.model.plan import Area, AreaType
from carepool.problems import NotFound

# How the source lists spell an authority type → the plan model's area type.
_TYPES: Final = {
    "unitary authority": AreaType.UNITARY,
    "unitary authority (isles of scilly, sui generis)": AreaType.UNITARY,
    "county council": AreaType.COUNTY,
    "metropolitan district": AreaType.METROPOLITAN,
    "london borough": AreaType.LONDON,
    "city of london (sui generis)": AreaType.LONDON,
}

RENAMED: Final[dict[str, tuple[str, str]]] = {
    "E08000037": ("E08000020", "Gateshead's code after the 2013 boundary change"),
    "E06000057": ("E06000048", "Northumberland's code after the 2013 boundary change"),
    # Later unitary councils on exactly the old county's boundary (not in the shared SOURCES.md).
    "E06000060": ("E10000002", "Buckinghamshire Council, unitary from April 2020 on the county's boundary"),
    "E06000065": ("E10000023", "North Yorkshire Council, unitary from April 2023 on the county's boundary"),
    "E06000066": ("E10000027", "Somerset Council, unitary from April 2023 on the county's boundary"),
}
"""Later code → (2013–15 code, why): a one-to-one renaming, so the look-up maps it."""

REPLACED: Final[dict[str, str]] = {
    "E06000058": (
        "E06000058 is Bournemouth, Christchurch and Poole, created in April 2019. For 2013–15 use "
        "Bournemouth (E06000028) or Poole (E06000029); Christchurch was then a district of Dorset "
        "(E10000009)."
    ),
    "E06000059": (
        "E06000059 is the Dorset unitary council created in April 2019. For 2013–15 use the county "
        "Dorset (E10000009), which then included Christchurch."
    ),
    "E06000061": (
        "E06000061 is North Northamptonshire, created in April 2021. For 2013–15 it was part of "
        "Northamptonshire (E10000021)."
    ),
    "E06000063": (
        "E06000063 is Cumberland, created in April 2023. For 2013–15 it was part of Cumbria (E10000006)."
    ),
    "E06000064": (
        "E06000064 is Westmorland and Furness, created in April 2023. For 2013–15 it was part of Cumbria "
        "(E10000006)."
    ),
    "E06000062": (
        "E06000062 is West Northamptonshire, created in April 2021. For 2013–15 it was part of "
        "Northamptonshire (E10000021)."
    ),
}
"""Post-2019 codes that do not map one-to-one onto a 2013–15 area: refused with an explanation."""


class AreaNotFound(NotFound):
    """An area code that is unknown, or that belongs to a later geography than the fund used."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class AreaInfo:
    """One Health and Wellbeing Board area (an upper-tier council)."""

    ons_code: str
    name: str
    type: AreaType
    region_code: str
    region: str
    population: int
    synthetic: bool = False

    def to_area(self) -> Area:
        return Area(
            ons_code=self.ons_code,
            name=self.name,
            type=self.type,
            region=self.region,
            population=self.population,
        )


@dataclass(frozen=True, slots=True)
class District:
    """A district or borough council inside a two-tier county (a housing authority: it receives DFG)."""

    ons_code: str
    name: str
    county_code: str
    population: int
    synthetic: bool = False


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("carepool") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _area(row: dict[str, str], synthetic: bool) -> AreaInfo:
    kind = row["type"].strip().lower()
    if kind not in _TYPES:
        raise ValueError(f"area {row['ons_code']}: unknown authority type {row['type']!r}")
    return AreaInfo(
        ons_code=row["ons_code"],
        name=row["name"],
        type=_TYPES[kind],
        region_code=row["region_code"],
        region=row["region"],
        population=int(row["population"]),
        synthetic=synthetic,
    )


@cache
def _real_areas() -> tuple[AreaInfo, ...]:
    return tuple(_area(r, synthetic=False) for r in _rows("areas.csv"))


@cache
def demo_areas() -> tuple[AreaInfo, ...]:
    """The two fictional demo areas (synthetic codes E06900001 and E10900001)."""
    return tuple(_area(r, synthetic=True) for r in _rows("demo_areas.csv"))


@cache
def _districts() -> tuple[District, ...]:
    real = [
        District(r["ons_code"], r["name"], r["county_ons_code"], int(r["population"]))
        for r in _rows("districts.csv")
    ]
    demo = [
        District(r["ons_code"], r["name"], r["county_ons_code"], int(r["population"]), synthetic=True)
        for r in _rows("demo_districts.csv")
    ]
    return tuple(real + demo)


@cache
def _index() -> dict[str, AreaInfo]:
    return {a.ons_code: a for a in (*_real_areas(), *demo_areas())}


def all_areas(include_demo: bool = False) -> list[AreaInfo]:
    """The 152 real areas of 2013–15 in file order; with ``include_demo`` the two synthetic ones too."""
    areas = list(_real_areas())
    if include_demo:
        areas.extend(demo_areas())
    return areas


def lookup_area(code: str) -> AreaInfo:
    """Find an area by ONS code (real or demo). Maps one-to-one renamings; refuses later geographies.

    Raises ``AreaNotFound`` with a message a person can act on.
    """
    key = code.strip().upper()
    index = _index()
    if key in index:
        return index[key]
    if key in RENAMED:
        return index[RENAMED[key][0]]
    if key in REPLACED:
        raise AreaNotFound(key, REPLACED[key])
    if any(d.ons_code == key for d in _districts()):
        district = next(d for d in _districts() if d.ons_code == key)
        county = index[district.county_code]
        raise AreaNotFound(
            key,
            f"{key} is {district.name}, a district council; its Health and Wellbeing Board area is "
            f"{county.name} ({county.ons_code}).",
        )
    raise AreaNotFound(
        key,
        f"no Health and Wellbeing Board area with code {code!r} in the 2013–15 geography "
        "(expected a code such as E06000001, E08000025, E09000001 or E10000028)",
    )


def districts_of(county_code: str) -> list[District]:
    """The district councils of a two-tier county, in file order.

    A unitary, metropolitan or London area has none (its council is the housing authority) and gets an
    empty list. The shipped file covers five real counties and the synthetic demo county; any other county
    also gets an empty list — use ``has_district_data`` to tell the two cases apart.
    """
    area = lookup_area(county_code)
    return [d for d in _districts() if d.county_code == area.ons_code]


def has_district_data(county_code: str) -> bool:
    """Whether the shipped data lists the districts of this area (false for single-tier areas)."""
    return bool(districts_of(county_code))
