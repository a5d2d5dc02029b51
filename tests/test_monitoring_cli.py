"""`carepool monitor ...` through Typer's test runner on the sub-app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from carepool.cli_monitoring import monitoring_app
from carepool.model.plan import Plan
from carepool.problems import InputRejected
from factories import small_plan
from test_modelling_montecarlo import history_plan

runner = CliRunner()


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def plan_file(tmp_path: Path, plan: Plan | None = None) -> Path:
    return write(tmp_path / "plan.json", (plan or small_plan()).model_dump(mode="json"))


def return_file(tmp_path: Path, **fields: Any) -> Path:
    data = {"format": "carepool-return/1", "plan": "riverton-2015-16", "quarter": "2015-16 Q1", **fields}
    return write(tmp_path / "return.json", data)


def run(*args: str) -> Any:
    result = runner.invoke(monitoring_app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def test_apply_return_json_and_text(tmp_path: Path) -> None:
    metrics = [{"metric": "nel_admissions", "period": "2014-15 Q4", "value": "4895"}]
    ret = return_file(tmp_path, metrics=metrics, spend=[{"scheme": "S1", "spend_to_date": "2000000"}])
    data = json.loads(run("apply-return", str(plan_file(tmp_path)), str(ret), "--json"))
    assert data["performance"]["released_now"] == "156450.00"
    assert data["performance"]["retained_now"] == "104300.00"
    assert data["position"]["schemes"][0]["profile_to_date"] == "2000000.00"
    text = run("apply-return", str(plan_file(tmp_path)), str(ret))
    assert "£156,450.00" in text and "Settlement" in text


def test_year_end_text_shows_each_step(tmp_path: Path) -> None:
    spend = [
        {"scheme": "S1", "spend_to_date": "8100000"},
        {"scheme": "S2", "spend_to_date": "3100000"},
        {"scheme": "S3", "spend_to_date": "950000"},
    ]
    ret = return_file(tmp_path, quarter="2015-16 Q4", spend=spend)
    text = run("apply-return", str(plan_file(tmp_path)), str(ret))
    assert "1. share overspend by" in text and "£50,000.00" in text


def test_exceptions_markdown_and_json(tmp_path: Path) -> None:
    ret = return_file(tmp_path, spend=[{"scheme": "S1", "spend_to_date": "2500000"}])
    text = run("exceptions", str(plan_file(tmp_path)), str(ret))
    assert text.startswith("# Exception report") and "**RED** scheme S1" in text
    data = json.loads(run("exceptions", str(plan_file(tmp_path)), str(ret), "--json", "--spend-red", "30"))
    assert next(h for h in data["headlines"] if h["key"] == "S1")["status"] == "amber"
    by_area = json.loads(run("exceptions", str(plan_file(tmp_path)), str(ret), "--json", "--by", "area"))
    assert {h["key"] for h in by_area["headlines"] if h["section"] == "programme area"} == {
        "community_health",
        "social_care",
    }
    with pytest.raises(InputRejected):
        run("exceptions", str(plan_file(tmp_path)), str(ret), "--by", "pool")


def test_scenarios(tmp_path: Path) -> None:
    sc = write(
        tmp_path / "sc.json",
        {"format": "carepool-scenarios/1", "scenarios": [{"name": "Low", "ambition_pct": "2"}]},
    )
    data = json.loads(run("scenarios", str(plan_file(tmp_path)), str(sc), "--json"))
    assert [s["pot"] for s in data["scenarios"]] == ["1043000.00", "596000.00"]
    assert data["table"]["columns"] == ["measure", "As planned", "Low"]
    assert "£596,000.00" in run("scenarios", str(plan_file(tmp_path)), str(sc))


def test_simulate(tmp_path: Path) -> None:
    path = plan_file(tmp_path, history_plan(4, noise=0.02))
    args = ("simulate", str(path), "--years", "2000", "--seed", "3", "--confidence", "90")
    data = json.loads(run(*args, "--json"))
    assert data["runs"] == 2000 and data["seed"] == 3
    assert 0 <= data["probability_year"] <= 1
    assert data["charts"]["fan"]["kind"] == "fan"
    assert data["contingency_settlement"] is None or data["contingency_settlement"]["reconciles"]
    assert json.loads(run(*args, "--json")) == data  # reproducible
    assert "Probability of meeting the ambition" in run(*args)


def test_errors_are_input_rejected_with_the_field(tmp_path: Path) -> None:
    with pytest.raises(InputRejected) as exc:
        run("simulate", str(plan_file(tmp_path)), "--years", "100")
    assert exc.value.problems[0].location == "performance.baseline"
    bad = return_file(tmp_path, spend=[{"scheme": "S1", "spend_to_date": "1.005"}])
    with pytest.raises(InputRejected) as exc:
        run("apply-return", str(plan_file(tmp_path)), str(bad))
    assert exc.value.problems[0].location == "spend[0].spend_to_date"
    with pytest.raises(InputRejected) as exc:
        run("scenarios", str(plan_file(tmp_path)), str(write(tmp_path / "x.json", {"format": "nope"})))
    assert exc.value.problems[0].location == "format"
    with pytest.raises(InputRejected):
        run("exceptions", str(plan_file(tmp_path)), str(tmp_path / "missing.json"))


def test_earlier_returns_build_the_year_and_the_plan_can_be_saved(tmp_path: Path) -> None:
    q1 = write(
        tmp_path / "q1.json",
        {
            "format": "carepool-return/1",
            "plan": "riverton-2015-16",
            "quarter": "2015-16 Q1",
            "metrics": [{"metric": "nel_admissions", "period": "2014-15 Q4", "value": "4895"}],
        },
    )
    q2 = write(
        tmp_path / "q2.json",
        {
            "format": "carepool-return/1",
            "plan": "riverton-2015-16",
            "quarter": "2015-16 Q2",
            "metrics": [{"metric": "nel_admissions", "period": "2015-16 Q1", "value": "4800"}],
        },
    )
    saved = tmp_path / "after.json"
    args = (
        "apply-return",
        str(plan_file(tmp_path)),
        str(q2),
        "--earlier",
        str(q1),
        "--save-plan",
        str(saved),
    )
    data = json.loads(run(*args, "--json"))
    schedule = data["performance"]["schedule"]
    assert (schedule["released"], schedule["retained"]) == ("417200.00", "104300.00")
    assert data["performance"]["released_now"] == "260750.00"
    recorded = json.loads(saved.read_text(encoding="utf-8"))["performance"]["actuals"]
    assert [a["quarter"] for a in recorded] == ["2014-15 Q4", "2015-16 Q1"]
