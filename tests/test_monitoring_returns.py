"""The quarterly return: exchange format, field-named errors, and references into the plan."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from carepool.monitoring.returns import QuarterlyReturn, parse_return_data, read_return, return_problems
from carepool.policy.loader import load_pack
from carepool.problems import InputRejected
from factories import small_plan


def good() -> dict[str, Any]:
    return {
        "format": "carepool-return/1",
        "plan": "riverton-2015-16",
        "quarter": "2015-16 Q1",
        "spend": [{"scheme": "S1", "spend_to_date": "2000000.00", "forecast_outturn": "8000000"}],
        "metrics": [{"metric": "nel_admissions", "period": "2014-15 Q4", "value": "4895"}],
        "conditions": [{"condition": "NC2", "status": "in_progress"}],
        "narrative": "On track.",
    }


def locations(exc: pytest.ExceptionInfo[InputRejected]) -> list[str]:
    return [p.location for p in exc.value.problems]


def test_a_good_return_reads_with_exact_money() -> None:
    ret = parse_return_data(good())
    assert ret.spend[0].spend_to_date == Decimal("2000000.00")
    assert ret.spend[0].forecast_outturn == Decimal("8000000.00")
    assert ret.year == "2015-16"
    assert ret.metrics[0].value == Decimal("4895")


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["spend"][0].update(extra=1), "spend[0].extra"),
        (lambda d: d["spend"][0].update(spend_to_date=12.5), "spend[0].spend_to_date"),
        (lambda d: d["spend"][0].update(spend_to_date="1.005"), "spend[0].spend_to_date"),
        (lambda d: d.update(quarter="2015-16 Q5"), "quarter"),
        (lambda d: d["metrics"][0].update(value="-3"), "metrics[0].value"),
        (lambda d: d["conditions"][0].update(status="nearly"), "conditions[0].status"),
        (lambda d: d.pop("plan"), "plan"),
    ],
)
def test_schema_errors_name_the_field(change: Any, where: str) -> None:
    data = good()
    change(data)
    with pytest.raises(InputRejected) as exc:
        parse_return_data(data)
    assert where in locations(exc)


def test_wrong_format_and_bad_json_stop_early(tmp_path: Path) -> None:
    with pytest.raises(InputRejected) as exc:
        parse_return_data({**good(), "format": "carepool-plan/1"})
    assert locations(exc) == ["format"]
    path = tmp_path / "r.json"
    path.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(InputRejected) as exc:
        read_return(path)
    assert exc.value.problems[0].location.startswith("line 1")
    with pytest.raises(InputRejected):
        read_return(tmp_path / "missing.json")


def test_a_file_reads_decimals_not_floats(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(good()), encoding="utf-8")
    assert read_return(path) == QuarterlyReturn.model_validate(good())


def test_references_must_resolve_in_the_plan() -> None:
    plan = small_plan()
    pack = load_pack(plan.policy)
    data = good()
    data["plan"] = "elsewhere"
    data["quarter"] = "2016-17 Q1"
    data["spend"].append({"scheme": "S9", "spend_to_date": "1"})
    data["spend"].append({"scheme": "S1", "spend_to_date": "1"})
    data["metrics"].append({"metric": "happiness", "period": "2015-16", "value": "1"})
    data["conditions"].append({"condition": "nope", "status": "met"})
    found = {p.location for p in return_problems(plan, pack, parse_return_data(data))}
    assert found == {
        "plan",
        "quarter",
        "spend[1].scheme",
        "spend[2].scheme",
        "metrics[1].metric",
        "conditions[1].condition",
    }
    assert return_problems(plan, pack, parse_return_data(good())) == []
