"""Quarterly returns: pre-filled from a plan for a quarter, read back exactly, refused when incomplete."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from carepool.cli_templates import returns_app
from carepool.io.bulk import import_folder
from carepool.io.excel import (
    QuarterlyReturn,
    plan_workbook_bytes,
    read_plan_workbook,
    read_return_workbook,
    return_for_quarter,
    return_workbook_bytes,
)
from carepool.io.excel import messages as msg
from carepool.model.canonical import content_hash, pretty_json
from carepool.model.plan import ConditionStatus
from carepool.problems import InputRejected
from factories import small_plan, two_tier_plan


def filled(ret: QuarterlyReturn, spent: list[Decimal] | None = None) -> QuarterlyReturn:
    data = ret.model_dump(mode="python")
    for i, row in enumerate(data["spend"]):
        row["spent_to_date"] = spent[i % len(spent)] if spent else row["planned"] / 2
    for row in data["metrics"]:
        row["value"] = Decimal("101.5")
    data["conditions"][0]["status"] = ConditionStatus.IN_PROGRESS
    data["conditions"][0]["comment"] = "Data sharing agreement awaits the CCG's sign-off."
    data["narrative"] = "Spend is on plan; admissions fell 2% against a 3.5% ambition."
    return QuarterlyReturn.model_validate(data)


def test_a_blank_return_is_pre_filled_from_the_plan() -> None:
    plan = small_plan()
    ret = return_for_quarter(plan, "2015-16 Q2")
    assert [(s.scheme, s.planned) for s in ret.spend] == [
        ("S1", Decimal("8000000.00")),
        ("S2", Decimal("3100000.00")),
        ("S3", Decimal("950000.00")),
    ]
    assert ret.plan_sha256 == content_hash(plan)
    assert {m.period for m in ret.metrics} == {"2015-16", "2015-16 Q2"}


def test_a_filled_return_round_trips_exactly() -> None:
    for plan in (small_plan(), two_tier_plan()):
        ret = filled(return_for_quarter(plan, "2015-16 Q1"))
        assert read_return_workbook(return_workbook_bytes(ret)) == ret


def test_an_unfilled_return_is_refused_naming_the_cells() -> None:
    raw = return_workbook_bytes(return_for_quarter(small_plan(), "2015-16 Q2"))
    with pytest.raises(InputRejected) as caught:
        read_return_workbook(raw)
    where = {p.location: p.message for p in caught.value.problems}
    assert where["Income and expenditure!D5 to D7"] == msg.REQUIRED
    assert where["Metrics!D5 to D10"] == msg.REQUIRED
    assert where["Cover!B11"] == msg.REQUIRED


def test_return_money_is_limited_to_the_reporting_template_range() -> None:
    ret = filled(return_for_quarter(small_plan(), "2015-16 Q1"), [Decimal("100000000.01")])
    with pytest.raises(InputRejected) as caught:
        read_return_workbook(return_workbook_bytes(ret))
    assert {p.message for p in caught.value.problems} == {msg.OUT_OF_RANGE}


def test_plan_and_return_readers_refuse_each_others_templates() -> None:
    with pytest.raises(InputRejected) as caught:
        read_plan_workbook(return_workbook_bytes(filled(return_for_quarter(small_plan(), "2015-16 Q1"))))
    [p] = caught.value.problems
    assert p.location == "Cover!B4" and p.found == "carepool-return"
    assert "quarterly return, not a better care fund planning template" in p.message
    with pytest.raises(InputRejected) as caught:
        read_return_workbook(plan_workbook_bytes(small_plan()))
    assert caught.value.problems[0].expected == "carepool-return"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.decimals(min_value=0, max_value=Decimal("100000000"), places=2), min_size=1, max_size=4))
def test_returns_round_trip_for_any_spend(spent: list[Decimal]) -> None:
    ret = filled(return_for_quarter(two_tier_plan(), "2015-16 Q3"), spent)
    assert read_return_workbook(return_workbook_bytes(ret)) == ret


def test_bulk_import_reads_plans_and_returns_alike(tmp_path: Path) -> None:
    (tmp_path / "plan.xlsx").write_bytes(plan_workbook_bytes(small_plan()))
    ret = filled(return_for_quarter(small_plan(), "2015-16 Q1"))
    (tmp_path / "return.xlsx").write_bytes(return_workbook_bytes(ret))
    seen: list[str] = []
    report = import_folder(tmp_path, accept=lambda doc, _: seen.append(type(doc).__name__))
    assert [(o.kind, o.plan_id, o.quarter) for o in report.outcomes] == [
        ("plan", "riverton-2015-16", ""),
        ("return", "riverton-2015-16", "2015-16 Q1"),
    ]
    assert seen == ["Plan", "QuarterlyReturn"]


def test_cli_returns_export(tmp_path: Path) -> None:
    plan_file, out = tmp_path / "plan.json", tmp_path / "q2.xlsx"
    plan_file.write_text(pretty_json(small_plan()), encoding="utf-8")
    result = CliRunner().invoke(
        returns_app, ["export", str(plan_file), "--quarter", "2015-16 Q2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with pytest.raises(InputRejected):  # exported blank: the finance officer fills it in
        read_return_workbook(out.read_bytes())
    bad = CliRunner().invoke(returns_app, ["export", str(plan_file), "--quarter", "Q2", "--out", str(out)])
    assert bad.exit_code == 2
