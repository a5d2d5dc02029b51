"""The board's exception report: RAG by documented thresholds, only exceptions escalated, two renderings."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from carepool.monitoring.cycle import apply_return
from carepool.monitoring.exceptions import (
    ExceptionReport,
    Status,
    Thresholds,
    exception_report,
    to_json,
    to_markdown,
)
from carepool.monitoring.returns import parse_return_data
from carepool.policy.loader import load_pack
from carepool.problems import InputRejected
from factories import small_plan

PACK = load_pack("bcf-2015-16")


def report(thresholds: Thresholds | None = None, **fields: Any) -> ExceptionReport:
    plan = small_plan()
    ret = parse_return_data(
        {
            "format": "carepool-return/1",
            "plan": plan.id,
            "quarter": "2015-16 Q2",
            "narrative": "Steady.",
            **fields,
        }
    )
    cycle = apply_return(plan, PACK, ret)
    return exception_report(cycle.plan, PACK, ret, cycle, thresholds)


def status(rep: ExceptionReport, key: str) -> Status:
    return next(h.status for h in rep.headlines if h.key == key)


def test_spend_against_the_straight_line_profile() -> None:
    # Q2: profiles S1 £4,000,000, S2 £1,550,000, S3 £475,000.
    rep = report(
        spend=[
            {"scheme": "S1", "spend_to_date": "4000000"},
            {"scheme": "S2", "spend_to_date": "1658500"},  # 7% over → amber
            {"scheme": "S3", "spend_to_date": "418000"},  # 12% under → red
        ]
    )
    assert [status(rep, k) for k in ("S1", "S2", "S3")] == [Status.GREEN, Status.AMBER, Status.RED]
    assert [h.key for h in rep.exceptions] == ["S3", "S2"]  # red first
    assert rep.overall is Status.RED


def test_a_forecast_off_budget_is_an_exception_even_on_profile() -> None:
    rep = report(spend=[{"scheme": "S1", "spend_to_date": "4000000", "forecast_outturn": "9000000"}])
    assert status(rep, "S1") is Status.RED
    assert status(rep, "S2") is Status.AMBER  # funded, not reported


def test_metrics_against_trajectory_in_their_direction() -> None:
    rep = report(
        metrics=[
            {"metric": "dtoc", "period": "2015-16 Q1", "value": "300"},  # on plan
            {"metric": "dtoc", "period": "2015-16 Q2", "value": "305"},  # 3.4% worse → amber
            {"metric": "nel_admissions", "period": "2015-16 Q1", "value": "5100"},  # 5.7% worse → red
            {"metric": "experience", "period": "2016-17", "value": "70"},  # no plan value → not rated
        ]
    )
    assert status(rep, "dtoc 2015-16 Q1") is Status.GREEN
    assert status(rep, "dtoc 2015-16 Q2") is Status.AMBER
    assert status(rep, "nel_admissions 2015-16 Q1") is Status.RED
    assert status(rep, "experience 2016-17") is Status.NOT_RATED
    assert status(rep, "2015-16 Q1") is Status.RED  # the payment quarter: admissions rose, 0% achieved


def test_performance_and_conditions() -> None:
    rep = report(
        metrics=[{"metric": "nel_admissions", "period": "2014-15 Q4", "value": "4895"}],
        conditions=[
            {"condition": "NC1", "status": "met"},
            {"condition": "NC2", "status": "in_progress"},
            {"condition": "NC3", "status": "not_met", "note": "Data sharing agreement unsigned."},
        ],
    )
    assert status(rep, "2014-15 Q4") is Status.AMBER  # 60% achieved
    assert [status(rep, c) for c in ("NC1", "NC2", "NC3")] == [Status.GREEN, Status.AMBER, Status.RED]
    perf = next(h for h in rep.headlines if h.key == "2014-15 Q4")
    assert "£156,450.00 released" in perf.message


def test_thresholds_are_parameters() -> None:
    spend = [{"scheme": "S2", "spend_to_date": "1658500"}]
    assert status(report(spend=spend), "S2") is Status.AMBER
    loose = Thresholds(spend_amber_pct=Decimal(8), spend_red_pct=Decimal(20))
    assert status(report(loose, spend=spend), "S2") is Status.GREEN


def test_markdown_and_json() -> None:
    rep = report(
        spend=[{"scheme": "S1", "spend_to_date": "4000000"}, {"scheme": "S3", "spend_to_date": "418000"}],
        conditions=[{"condition": "NC1", "status": "met"}],
    )
    text = to_markdown(rep)
    assert text.startswith("# Exception report: Riverton Better Care Fund plan 2014-16, 2015-16 Q2")
    board = text.split("## Exceptions for the board")[1].split("##")[0]
    assert "S3" in board and "S1 Community" not in board
    assert "Steady." in text and "## Thresholds" in text
    data = json.loads(to_json(rep))
    assert data["overall"] == "red"
    assert [e["key"] for e in data["exceptions"]] == ["S3", "S2"]
    assert data["thresholds"]["spend_red_pct"] == "10"


def test_all_green_says_so() -> None:
    rep = report(
        spend=[
            {"scheme": "S1", "spend_to_date": "4000000"},
            {"scheme": "S2", "spend_to_date": "1550000"},
            {"scheme": "S3", "spend_to_date": "475000"},
        ]
    )
    assert rep.exceptions == [] and rep.overall is Status.GREEN
    assert "None: every rated item is green." in to_markdown(rep)


def test_inconsistent_thresholds_are_refused() -> None:
    bad = Thresholds(spend_amber_pct=Decimal(20), spend_red_pct=Decimal(10), release_red_pct=Decimal(101))
    assert [p.location for p in bad.problems()] == [
        "thresholds.spend_amber_pct",
        "thresholds.release_red_pct",
    ]
    with pytest.raises(InputRejected):
        report(bad)


def test_headlines_by_programme_area() -> None:
    plan = small_plan()
    ret = parse_return_data(
        {
            "format": "carepool-return/1",
            "plan": plan.id,
            "quarter": "2015-16 Q2",
            "spend": [
                {"scheme": "S1", "spend_to_date": "4000000"},
                {"scheme": "S2", "spend_to_date": "1550000"},
                {"scheme": "S3", "spend_to_date": "570000"},  # 20% over on its own
            ],
        }
    )
    cycle = apply_return(plan, PACK, ret)
    rep = exception_report(cycle.plan, PACK, ret, cycle, by="area")
    areas = {h.key: h for h in rep.headlines if h.section == "programme area"}
    assert set(areas) == {"community_health", "social_care"}
    # Social care: S2 + S3 profile £2,025,000, spend £2,120,000 → 4.7% over → green.
    assert (
        areas["social_care"].status is Status.GREEN and areas["social_care"].title == "social_care (S2, S3)"
    )
    assert status(report(spend=ret.model_dump(mode="json")["spend"]), "S3") is Status.RED
