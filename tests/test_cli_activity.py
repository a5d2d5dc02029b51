"""`carepool activity ...` end to end: generate → link → validate → metrics → apply to a stored plan."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from carepool.activity.actuals import apply_actuals
from carepool.activity.definitions import MetricResult
from carepool.activity.generator import AreaSize, generate
from carepool.monitoring.returns import read_return
from conftest import CliRunner
from factories import small_plan

BRACKENFORD = "demo-brackenford-2015-16"


def _linked(cli: CliRunner, tmp_path: Path) -> list[str]:
    files = generate(
        tmp_path / "raw", [AreaSize("E06900001", 312400), AreaSize("E10900001", 786300)], 6000, seed=5
    )
    key = tmp_path / "key"
    key.write_bytes(b"a-linkage-key-of-32-bytes-length")
    out = tmp_path / "linked"
    result = cli(
        "activity",
        "link",
        files.spells,
        files.social_care,
        files.population,
        out,
        "--key-file",
        key,
        "--json",
    )
    assert result.code == 0, result.err
    linked = result.json()
    assert "nhs_number" not in (out / "spells_linked.parquet").read_bytes().decode("latin-1")
    return [linked["spells"], linked["social_care"], linked["population"]]


def test_generate_validate_metrics_json(cli: CliRunner, tmp_path: Path) -> None:
    made = cli("activity", "generate", tmp_path / "g", "--spells", "3000", "--areas", "3", "--json")
    assert made.code == 0 and made.json()["synthetic"] is True
    linked = _linked(cli, tmp_path)
    quality = cli("activity", "validate", *linked, "--json").json()
    assert quality["spells"]["rows"] > 6000
    metrics = cli("activity", "metrics", *linked, "--area", "E06900001", "--json").json()
    assert {m["metric"] for m in metrics} == {
        "nel_admissions",
        "dtoc",
        "residential_admissions",
        "reablement",
    }
    assert all(m["area"] == "E06900001" for m in metrics)


def test_apply_records_actuals_as_a_new_draft(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("demo").code == 0
    linked = _linked(cli, tmp_path)
    applied = cli("activity", "apply", BRACKENFORD, *linked, "--json")
    assert applied.code == 0, applied.err
    assert applied.json()["version"] == 2
    exported = cli("plan", "export", BRACKENFORD, "--out", tmp_path / "p.json", "--json")
    assert exported.code == 0
    plan_text = (tmp_path / "p.json").read_text(encoding="utf-8")
    assert '"2015-16 Q1"' in plan_text
    again = cli("activity", "apply", BRACKENFORD, *linked, "--json")
    assert again.json()["result"] == "unchanged"


def test_bad_inputs_are_refused_without_a_trace(cli: CliRunner, tmp_path: Path) -> None:
    short_key = tmp_path / "k"
    short_key.write_bytes(b"short")
    missing = tmp_path / "nope.parquet"
    result = cli("activity", "link", missing, missing, missing, tmp_path / "o", "--key-file", short_key)
    assert result.code == 2 and "too short" in result.err
    result = cli("activity", "metrics", missing, missing, missing, "--json")
    assert result.code == 2 and "file not found" in result.out


def test_apply_actuals_replaces_computed_periods_and_fills_payment_quarters() -> None:
    plan = small_plan()
    area = plan.area.ons_code
    quarter = plan.performance.planned[0].quarter
    results = [
        MetricResult("nel_admissions", area, quarter, 4321, 0, Decimal("4321")),
        MetricResult("dtoc", area, "2015-16 Q1", 50, 100000, Decimal("50.0")),
        MetricResult("nel_admissions", "E99999999", quarter, 1, 0, Decimal("1")),  # another area: ignored
    ]
    updated = apply_actuals(plan, results)
    nel = {a.quarter: a.admissions for a in updated.performance.actuals}
    assert nel[quarter] == Decimal("4321")
    dtoc = next(m for m in updated.metrics if m.metric == "dtoc")
    assert {a.period: a.value for a in dtoc.actuals}["2015-16 Q1"] == Decimal("50.0")
    assert apply_actuals(updated, results) == updated


def test_fill_return_puts_computed_metrics_in_the_quarterly_return(cli: CliRunner, tmp_path: Path) -> None:
    linked = _linked(cli, tmp_path)
    blank = tmp_path / "q1.json"
    blank.write_text(
        '{"format": "carepool-return/1", "plan": "demo-brackenford-2015-16", "quarter": "2015-16 Q1",'
        ' "metrics": [{"metric": "local", "period": "2015-16 Q1", "value": "7"}]}',
        encoding="utf-8",
    )
    out = tmp_path / "filled.json"
    result = cli("activity", "fill-return", blank, *linked, "--area", "E06900001", "--out", out, "--json")
    assert result.code == 0, result.err
    filled = read_return(out)
    periods = {m.period for m in filled.metrics if m.metric == "nel_admissions"}
    assert periods == {"2014-15 Q2", "2014-15 Q3", "2014-15 Q4", "2015-16 Q1"}
    assert any(m.metric == "local" and m.value == Decimal("7") for m in filled.metrics)
