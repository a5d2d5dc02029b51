"""Records → metrics: generator, quality report, definitions, DuckDB vs Spark, plan actuals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carepool.activity.definitions import make_value
from carepool.activity.engines import DuckDBEngine, SparkEngine
from carepool.activity.generator import AreaSize, GeneratedFiles, generate
from carepool.activity.pipeline import LinkedFiles, compute_metrics, link, quality_report

KEY = b"a-linkage-key-of-32-bytes-length"
AREAS = [AreaSize("E06000001", 93458), AreaSize("E10000028", 870000)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GeneratedFiles:
    out = tmp_path_factory.mktemp("activity")
    return generate(out, AREAS, spells=20000, seed=7)


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", AREAS, spells=2000, seed=1)
    b = generate(tmp_path / "b", AREAS, spells=2000, seed=1)
    c = generate(tmp_path / "c", AREAS, spells=2000, seed=2)
    assert pq.read_table(a.spells).equals(pq.read_table(b.spells))
    assert not pq.read_table(a.spells).equals(pq.read_table(c.spells))


def test_quality_report_counts_every_kind_of_dirt(generated: GeneratedFiles, tmp_path: Path) -> None:
    files = generated
    engine = DuckDBEngine()
    linked = link(engine, files.spells, files.social_care, files.population, KEY, tmp_path)
    report = quality_report(engine, linked).as_dict()
    spells = report["spells"]
    assert isinstance(spells, dict)
    assert spells["rows"] == files.spell_rows
    assert 0 < spells["rows"] - spells["valid_nhs_number"] < spells["rows"] * 0.01
    assert spells["duplicate_rows"] > 0
    assert set(spells["rejected"]) == {"discharge_before_admission", "missing_or_unknown_area"}
    linkage = report["linkage"]
    assert isinstance(linkage, dict)
    assert 0 < linkage["unlinked"] < linkage["reablement_starts_65_plus"]


def _tiny_files(tmp_path: Path) -> LinkedFiles:
    """Hand-made records whose metrics can be worked out on paper."""
    d = date
    spells = pa.table(
        {
            "person_key": ["p1", "p2", "p3", "p3", None, "p5"],
            "spell_id": [1, 2, 3, 3, 4, 5],
            "age": [70, 40, 80, 80, 30, 90],
            "sex": ["F", "M", "F", "F", "M", "F"],
            "area_code": ["A", "A", "A", "A", None, "A"],
            "admission_method": ["emergency", "elective", "emergency", "emergency", "emergency", "emergency"],
            "admission_date": [
                d(2015, 4, 2),
                d(2015, 5, 1),
                d(2015, 7, 1),
                d(2015, 7, 1),
                d(2015, 4, 3),
                d(2015, 6, 9),
            ],
            "discharge_date": [
                d(2015, 4, 9),
                d(2015, 5, 3),
                d(2015, 7, 20),
                d(2015, 7, 20),
                d(2015, 4, 4),
                d(2015, 6, 1),
            ],
            "delay_days": [3, 0, 5, 5, 2, 0],
            "delay_agency": ["NHS", None, "both", "both", "NHS", None],
        }
    )
    care = pa.table(
        {
            "person_key": ["p1", "p3", "p9", "p3"],
            "event_id": [1, 2, 3, 4],
            "age": [70, 80, 85, 80],
            "area_code": ["A", "A", "A", "A"],
            "event_type": ["reablement_start", "reablement_start", "reablement_start", "permanent_admission"],
            "event_date": [d(2015, 4, 10), d(2015, 7, 22), d(2015, 7, 1), d(2015, 10, 5)],
            "setting": [None, None, None, "nursing"],
            "outcome_91": ["at_home", "died", "at_home", None],
        }
    )
    population = pa.table(
        {"area_code": ["A", "A", "A"], "age_band": ["0-17", "18-64", "65+"], "population": [2000, 6000, 2000]}
    )
    files = LinkedFiles(tmp_path / "s.parquet", tmp_path / "c.parquet", tmp_path / "p.parquet")
    pq.write_table(spells, files.spells)
    pq.write_table(care, files.social_care)
    pq.write_table(population, files.population)
    return files


def test_metrics_worked_by_hand(tmp_path: Path) -> None:
    results = {(r.metric, r.period): r for r in compute_metrics(DuckDBEngine(), _tiny_files(tmp_path))}
    # emergency spells in area A: spell 1 (Q1); spell 3 once despite its duplicate (Q2); spell 5 is rejected
    # (discharged before admitted); spell 4 has no area.
    assert results[("nel_admissions", "2015-16 Q1")].value == 1
    assert results[("nel_admissions", "2015-16 Q1")].per_100000 == Decimal("10.0")  # 1 over 10,000 people
    assert results[("nel_admissions", "2015-16 Q2")].value == 1
    # delayed days 18+: 3 in Q1 over 8,000 adults → 37.5 per 100,000; 5 in Q2 → 62.5
    assert results[("dtoc", "2015-16 Q1")].value == Decimal("37.5")
    assert results[("dtoc", "2015-16 Q2")].value == Decimal("62.5")
    # one permanent admission 65+ in Q3 over 2,000 → 50.0 per 100,000
    assert results[("residential_admissions", "2015-16 Q3")].value == Decimal("50.0")
    # reablement: p1 linked (at home), p3 linked (died); p9 has no discharge → not linked
    assert results[("reablement", "2015-16 Q1")].numerator == 1
    assert results[("reablement", "2015-16 Q1")].denominator == 1
    assert results[("reablement", "2015-16 Q2")].value == Decimal("0.0")


def test_rates_round_half_up_to_one_place() -> None:
    assert make_value("per_100000", 1, 800) == Decimal("125.0")
    assert make_value("percent", 1, 3) == Decimal("33.3")
    assert make_value("percent", 2, 3) == Decimal("66.7")
    assert make_value("percent", 1, 0) == Decimal("0")
    assert make_value("count", 7, 0) == Decimal("7")


def test_duckdb_and_spark_give_identical_results(generated: GeneratedFiles, tmp_path: Path) -> None:
    files = generated
    duck = DuckDBEngine()
    linked_duck = link(duck, files.spells, files.social_care, files.population, KEY, tmp_path / "duck")
    expected_metrics = compute_metrics(duck, linked_duck)
    expected_quality = quality_report(duck, linked_duck)
    spark = SparkEngine()
    try:
        linked_spark = link(spark, files.spells, files.social_care, files.population, KEY, tmp_path / "spark")
        assert compute_metrics(spark, linked_spark) == expected_metrics
        assert quality_report(spark, linked_spark) == expected_quality
        assert compute_metrics(spark, _tiny_files(tmp_path)) == compute_metrics(duck, _tiny_files(tmp_path))
    finally:
        spark.close()
    assert len(expected_metrics) > 50


def test_csv_inputs_give_the_same_metrics_as_parquet(tmp_path: Path) -> None:
    import pyarrow.csv as pacsv

    parquet = _tiny_files(tmp_path)
    csv = LinkedFiles(tmp_path / "s.csv", tmp_path / "c.csv", tmp_path / "p.csv")
    for source, target in zip(
        (parquet.spells, parquet.social_care, parquet.population),
        (csv.spells, csv.social_care, csv.population),
        strict=True,
    ):
        pacsv.write_csv(pq.read_table(source), target)
    assert compute_metrics(DuckDBEngine(), csv) == compute_metrics(DuckDBEngine(), parquet)
