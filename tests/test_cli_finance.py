"""`carepool demo` and the finance commands over stored plans: JSON parses, money stays exact text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from carepool.demo import build_demo_plans
from carepool.demo.returns import build_demo_returns
from conftest import CliRunner, row_counts

DEMO_IDS = [p.id for p in build_demo_plans()]
DEMO_RETURNS = len(build_demo_returns(build_demo_plans()))


@pytest.fixture
def demo(cli: CliRunner) -> list[str]:
    result = cli("demo", "--json")
    assert result.code == 0, result.err
    return [p["plan"] for p in result.json()["plans"]]


def test_demo_loads_through_the_import_path_once(cli: CliRunner, engine: Engine, demo: list[str]) -> None:
    assert demo == DEMO_IDS
    before = row_counts(engine)
    assert before["plans"] == before["plan_versions"] == len(DEMO_IDS)
    assert before["uploads"] == len(DEMO_IDS) + DEMO_RETURNS == 4  # the demo's returns arrive as files too
    again = cli("demo", "--json").json()
    assert {p["result"] for p in again["plans"]} == {"already_loaded"}
    assert row_counts(engine) == before
    human = cli("demo")
    assert "carepool plan list" in human.out and DEMO_IDS[0] in human.out


def test_demo_plans_check_without_errors(cli: CliRunner, demo: list[str]) -> None:
    result = cli("check-all", "--json")
    assert result.code == 0
    assert [p["plan"] for p in result.json()["plans"]] == sorted(DEMO_IDS)


@pytest.mark.parametrize("command", ["minimums", "flows", "cross-subsidy", "payments", "savings"])
def test_finance_commands_json_and_tables(cli: CliRunner, demo: list[str], command: str) -> None:
    for plan_id in demo:
        result = cli("finance", command, plan_id, "--json")
        assert result.code == 0, result.out + result.err
        data = result.json()
        assert (data["plan"], data["version"]) == (plan_id, 1)
        human = cli("finance", command, plan_id)
        assert human.code == 0 and plan_id in human.out


def test_flows_reconcile_and_carry_exact_money(cli: CliRunner, demo: list[str]) -> None:
    data = cli("finance", "flows", demo[0], "--year", "2015-16", "--json").json()
    assert data["reconciles"] is True
    assert Decimal(data["total"]) == sum(Decimal(v) for v in data["layer_totals"].values()) / 4
    assert all(isinstance(e["amount"], str) for e in data["edges"])


def test_risk_share_with_an_overspend(cli: CliRunner, demo: list[str]) -> None:
    plan_id = demo[0]
    shares = cli("finance", "cross-subsidy", plan_id, "--year", "2015-16", "--json").json()
    scheme = shares["schemes"][0]
    over = Decimal(scheme["total"]) + Decimal("1000.00")
    result = cli(
        "finance",
        "risk-share",
        plan_id,
        "--year",
        "2015-16",
        "--actual",
        f"{scheme['scheme']}={over}",
        "--json",
    )
    assert result.code == 0, result.out
    data = result.json()
    assert data["reconciles"] is True
    assert scheme["scheme"] not in data["assumed_on_budget"]
    assert Decimal(data["actual"]) - Decimal(data["budget"]) == Decimal("1000.00")


@pytest.mark.parametrize(
    "args",
    [
        ("finance", "risk-share", "{plan}", "--year", "2015-16", "--actual", "NOPE=1"),
        ("finance", "risk-share", "{plan}", "--year", "2015-16", "--actual", "S1=0.001"),
        ("finance", "risk-share", "{plan}", "--year", "2015-16", "--actual", "no equals sign"),
        ("finance", "risk-share", "{plan}", "--year", "1999-00"),
        ("finance", "flows", "{plan}", "--year", "1999-00"),
        ("finance", "minimums", "no-such-plan"),
    ],
)
def test_finance_bad_input_exits_2(cli: CliRunner, demo: list[str], args: tuple[str, ...]) -> None:
    result = cli(*(a.format(plan=demo[0]) for a in args), "--json")
    assert result.code == 2
    assert result.json()["ok"] is False
