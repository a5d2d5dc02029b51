"""Seeded synthetic record-level data: hospital spells, social care events, population by age band.

Everything is synthetic and labelled so. Sizes run from thousands to tens of millions of spells (NumPy,
vectorised, written straight to Parquet). Realistic dirt is injected at known rates so the data-quality
report has something true to find: invalid NHS numbers, missing areas, duplicate spells, discharge before
admission, and social care records without a usable NHS number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from carepool.activity.nhs_number import WEIGHTS

PERIOD_START = date(2013, 4, 1)
PERIOD_END = date(2016, 3, 31)
# England's 65+ share was about 18% in 2019 (ONS); the other bands are a stated synthetic assumption.
AGE_BAND_SHARES = {"0-17": 0.21, "18-64": 0.61, "65+": 0.18}
DIRT_RATES = {
    "invalid_nhs_number": 0.003,
    "missing_area": 0.005,
    "duplicate_spell": 0.005,
    "discharge_before_admission": 0.002,
    "social_care_no_nhs_number": 0.03,
}


@dataclass(frozen=True)
class AreaSize:
    code: str
    population: int


@dataclass(frozen=True)
class GeneratedFiles:
    spells: Path
    social_care: Path
    population: Path
    spell_rows: int
    social_care_rows: int


IntArray = npt.NDArray[np.int64]


def _nhs_numbers(rng: np.random.Generator, count: int) -> npt.NDArray[np.str_]:
    """Valid 10-digit NHS numbers: redraw the ninth digit until the Modulus 11 check digit exists."""
    digits = rng.integers(0, 10, size=(count, 9))
    digits[:, 0] = rng.integers(4, 10, size=count)  # real numbers start 4-9 in England
    weights = np.array(WEIGHTS)
    for _ in range(20):
        check = 11 - (digits @ weights) % 11
        bad = check == 10
        if not bad.any():
            break
        digits[bad, 8] = rng.integers(0, 10, size=int(bad.sum()))
    check = 11 - (digits @ weights) % 11
    check = np.where(check == 11, 0, check)
    still_bad = check == 10
    digits[still_bad, 8] = (digits[still_bad, 8] + 1) % 10
    check = 11 - (digits @ weights) % 11
    check = np.where(check == 11, 0, check)
    full = np.concatenate([digits, check[:, None]], axis=1)
    as_int = full @ (10 ** np.arange(9, -1, -1, dtype=np.int64))
    return np.char.zfill(as_int.astype(str), 10)


def _blank_as_null(values: npt.NDArray[np.str_]) -> pa.Array:
    array = pa.array(values, type=pa.string())
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


def _seasonal_day_weights(days: int) -> npt.NDArray[np.float64]:
    day_of_year = (np.arange(days) + PERIOD_START.timetuple().tm_yday) % 365
    winter = 1.0 + 0.15 * np.cos(2 * np.pi * (day_of_year - 15) / 365)  # peak in mid-January
    trend = 1.0 + 0.03 * np.arange(days) / 365  # admissions rising about 3% a year
    weights = winter * trend
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def generate(
    out_dir: Path,
    areas: Sequence[AreaSize],
    spells: int,
    seed: int = 0,
) -> GeneratedFiles:
    """Write spells.parquet, social_care.parquet and population.parquet into ``out_dir``."""
    if spells < 1 or not areas:
        raise ValueError("need at least one spell and one area")
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    codes = np.array([a.code for a in areas])
    populations = np.array([a.population for a in areas], dtype=np.float64)

    # People: a person has several spells over three years.
    people = max(100, spells // 2)
    person_area = rng.choice(len(areas), size=people, p=populations / populations.sum())
    person_age = np.clip(rng.normal(58, 24, size=people).round(), 0, 104).astype(np.int64)
    person_sex = rng.choice(np.array(["F", "M"]), size=people)
    person_nhs = _nhs_numbers(rng, people)

    days = (PERIOD_END - PERIOD_START).days + 1
    who = rng.integers(0, people, size=spells)
    admitted = rng.choice(days, size=spells, p=_seasonal_day_weights(days)).astype(np.int64)
    stay = rng.geometric(0.2, size=spells).astype(np.int64) - 1
    emergency = rng.random(spells) < 0.58
    age = person_age[who]
    delayed = (rng.random(spells) < 0.05) & (age >= 18)
    delay_days = np.where(delayed, rng.integers(1, 15, size=spells), 0)
    agency = np.where(
        delayed, rng.choice(np.array(["NHS", "social_care", "both"]), size=spells, p=[0.6, 0.3, 0.1]), ""
    )
    nhs = person_nhs[who].copy()
    area = codes[person_area[who]].astype(object)

    bad_nhs = np.flatnonzero(rng.random(spells) < DIRT_RATES["invalid_nhs_number"])
    # any other final digit fails Modulus 11, because the check digit is unique
    nhs[bad_nhs] = [n[:9] + str((int(n[9]) + 1) % 10) for n in nhs[bad_nhs]]
    missing_area = rng.random(spells) < DIRT_RATES["missing_area"]
    area[missing_area] = None
    reversed_dates = rng.random(spells) < DIRT_RATES["discharge_before_admission"]
    discharged = np.where(reversed_dates, admitted - 1 - stay, admitted + stay)

    spell_id = np.arange(1, spells + 1, dtype=np.int64)
    duplicates = np.flatnonzero(rng.random(spells) < DIRT_RATES["duplicate_spell"])
    order = np.concatenate([np.arange(spells), duplicates])

    epoch = np.datetime64(PERIOD_START.isoformat(), "D")
    spell_table = pa.table(
        {
            "spell_id": spell_id[order],
            "nhs_number": nhs[order],
            "age": age[order],
            "sex": person_sex[who][order],
            "area_code": pa.array(area[order], type=pa.string()),
            "admission_method": np.where(emergency, "emergency", "elective")[order],
            "admission_date": (epoch + admitted[order]).astype("datetime64[D]"),
            "discharge_date": (epoch + discharged[order]).astype("datetime64[D]"),
            "delay_days": delay_days[order],
            "delay_agency": _blank_as_null(agency[order]),
        }
    )

    # Social care: reablement after some emergency discharges of people 65+, and permanent admissions.
    eligible = np.flatnonzero(emergency & (age >= 65) & ~reversed_dates)
    reabled = eligible[rng.random(eligible.size) < 0.08]
    starts = discharged[reabled] + rng.integers(0, 4, size=reabled.size)
    outcome = rng.choice(
        np.array(["at_home", "in_hospital", "care_home", "died"]),
        size=reabled.size,
        p=[0.82, 0.06, 0.05, 0.07],
    )
    old_people = np.flatnonzero(person_age >= 65)
    admissions = max(1, spells // 60)
    placed = rng.choice(old_people, size=admissions) if old_people.size else np.zeros(0, dtype=np.int64)
    placed_day = rng.integers(0, days, size=placed.size)
    setting = rng.choice(np.array(["residential", "nursing"]), size=placed.size, p=[0.6, 0.4])

    care_nhs = np.concatenate([nhs[reabled], person_nhs[placed]]).astype(object)
    care_nhs[rng.random(care_nhs.size) < DIRT_RATES["social_care_no_nhs_number"]] = None
    care_rows = reabled.size + placed.size
    care_table = pa.table(
        {
            "event_id": np.arange(1, care_rows + 1, dtype=np.int64),
            "nhs_number": pa.array(care_nhs, type=pa.string()),
            "age": np.concatenate([age[reabled], person_age[placed]]),
            "area_code": np.concatenate([codes[person_area[who[reabled]]], codes[person_area[placed]]]),
            "event_type": np.concatenate(
                [np.full(reabled.size, "reablement_start"), np.full(placed.size, "permanent_admission")]
            ),
            "event_date": (epoch + np.concatenate([starts, placed_day])).astype("datetime64[D]"),
            "setting": pa.array(
                np.concatenate([np.full(reabled.size, None, dtype=object), setting.astype(object)]),
                type=pa.string(),
            ),
            "outcome_91": pa.array(
                np.concatenate([outcome.astype(object), np.full(placed.size, None, dtype=object)]),
                type=pa.string(),
            ),
        }
    )

    bands = list(AGE_BAND_SHARES)
    pop_rows = [(a.code, band, round(a.population * AGE_BAND_SHARES[band])) for a in areas for band in bands]
    population_table = pa.table(
        {
            "area_code": [r[0] for r in pop_rows],
            "age_band": [r[1] for r in pop_rows],
            "population": pa.array([r[2] for r in pop_rows], type=pa.int64()),
        }
    )

    files = GeneratedFiles(
        spells=out_dir / "spells.parquet",
        social_care=out_dir / "social_care.parquet",
        population=out_dir / "population.parquet",
        spell_rows=spell_table.num_rows,
        social_care_rows=care_table.num_rows,
    )
    pq.write_table(spell_table, files.spells, row_group_size=1_000_000)
    pq.write_table(care_table, files.social_care)
    pq.write_table(population_table, files.population)
    return files
