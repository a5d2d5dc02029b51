"""`carepool monitor record|position`, `returns export` of a stored plan and the demo's monitoring data,
through the whole CLI against the test database."""

from __future__ import annotations

import json
from pathlib import Path

from carepool.model import pretty_json
from conftest import CliRunner
from factories import small_plan
from test_services_returns import filled_workbook

PLAN = small_plan().id
DEMO = "demo-brackenford-2015-16"


def stored_plan(cli: CliRunner, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(pretty_json(small_plan()), encoding="utf-8")
    assert cli("plan", "import", plan_file).code == 0


def write_return(path: Path, quarter: str = "2015-16 Q1", s1: str = "2000000") -> Path:
    data = {
        "format": "carepool-return/1",
        "plan": PLAN,
        "quarter": quarter,
        "spend": [
            {"scheme": "S1", "spend_to_date": s1},
            {"scheme": "S2", "spend_to_date": "750000"},
            {"scheme": "S3", "spend_to_date": "240000"},
        ],
        "metrics": [{"metric": "nel_admissions", "period": "2014-15 Q4", "value": "4895"}],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_record_then_position(cli: CliRunner, tmp_path: Path) -> None:
    stored_plan(cli, tmp_path)
    first = cli("--as", "finance-lead", "monitor", "record", PLAN, write_return(tmp_path / "q1.json"))
    assert first.code == 0, first.err
    assert "Recorded the 2015-16 Q1 return for riverton-2015-16 as revision 1" in first.out
    assert "released £156,450.00" in first.out
    again = cli("monitor", "record", PLAN, write_return(tmp_path / "q1b.json", s1="2050000"), "--json")
    assert again.code == 0 and again.json()["revision"] == 2 and again.json()["result"] == "recorded"
    text = cli("monitor", "position", PLAN)
    assert text.code == 0, text.err
    for words in (
        "position for 2015-16 from 1 return(s)",
        "£156,450.00",
        "Spend against plan",
        "£2,050,000.00",
    ):
        assert words in text.out, words
    data = cli("monitor", "position", PLAN, "--year", "2015-16", "--json").json()
    assert [(r["quarter"], r["revision"]) for r in data["returns"]] == [("2015-16 Q1", 2)]
    assert data["position"]["schemes"][0]["spend_to_date"] == "2050000.00"
    assert data["performance"]["retained"] == "104300.00"


def test_a_refused_return_exits_2_naming_the_kept_upload(cli: CliRunner, tmp_path: Path) -> None:
    stored_plan(cli, tmp_path)
    bad = write_return(tmp_path / "q9.json", quarter="2019-20 Q1")
    result = cli("monitor", "record", PLAN, bad, "--json")
    assert result.code == 2
    data = result.json()
    assert data["ok"] is False and data["upload"] == 2
    assert data["problems"][0]["location"] == "quarter"
    text = cli("monitor", "record", PLAN, bad)
    assert text.code == 2 and "kept as upload 3" in text.err
    assert cli("monitor", "position", PLAN, "--json").json()["returns"] == []
    assert "No quarterly returns stored" in cli("monitor", "position", PLAN).out


def test_a_return_for_another_plan_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    stored_plan(cli, tmp_path)
    result = cli("monitor", "record", "some-other-plan", write_return(tmp_path / "q1.json"), "--json")
    assert result.code == 2 and "another plan" in result.json()["problems"][0]["message"]


def test_the_template_of_a_stored_plan_then_the_filled_workbook(cli: CliRunner, tmp_path: Path) -> None:
    stored_plan(cli, tmp_path)
    blank = tmp_path / "blank.xlsx"
    exported = cli("returns", "export", PLAN, "--quarter", "2015-16 Q1", "--out", blank, "--json")
    assert exported.code == 0, exported.err
    assert blank.read_bytes()[:2] == b"PK"
    refused = cli("monitor", "record", PLAN, blank, "--json")
    assert refused.code == 2 and "Cover!B11" in {p["location"] for p in refused.json()["problems"]}
    filled = tmp_path / "q1.xlsx"
    filled.write_bytes(filled_workbook(small_plan(), "2015-16 Q1"))
    result = cli("monitor", "record", PLAN, filled, "--json")
    assert result.code == 0, result.out
    assert result.json()["plan_version"] == 1


def test_the_demo_has_returns_and_enough_history_to_simulate(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("demo").code == 0
    assert cli("demo").code == 0  # a second load stores nothing new
    data = cli("monitor", "position", DEMO, "--json").json()
    assert [(r["quarter"], r["revision"]) for r in data["returns"]] == [("2015-16 Q1", 1), ("2015-16 Q2", 1)]
    assert data["settlement"]["basis"] == "forecast"
    audit = cli("audit", "verify", "--json").json()
    assert audit["ok"] and audit["returns"] == 2
    for plan_id in (DEMO, "demo-wealdshire-2015-16"):
        plan_file = tmp_path / f"{plan_id}.json"
        assert cli("plan", "export", plan_id, "--out", plan_file).code == 0
        result = cli("monitor", "simulate", plan_file, "--years", "2000", "--json")
        assert result.code == 0, result.err
        assert len(result.json()["charts"]["fan"]["series"]["history"]) == 12
