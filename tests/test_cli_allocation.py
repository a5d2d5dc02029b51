"""`carepool finance allocate` and `finance minimums --against`: national → local, and plan vs published."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from carepool.model import pretty_json
from carepool.policy import load_pack
from conftest import CliRunner
from factories import small_plan


def test_allocate_by_population_sums_exactly_and_writes_csv(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "minimums.csv"
    result = cli("finance", "allocate", "--pack", "bcf-2015-16", "--out", out, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["areas"] == 152
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for stream in load_pack("bcf-2015-16").funding_streams:
        if stream.national_amount is not None:
            shares = [Decimal(r["amount"]) for r in rows if r["stream"] == stream.code]
            assert len(shares) == 152
            assert sum(shares) == stream.national_amount.value


def test_allocate_from_a_shares_csv_and_a_bad_one(cli: CliRunner, tmp_path: Path) -> None:
    shares = tmp_path / "shares.csv"
    shares.write_text("area,weight\nE06000001,1\nE06000002,3\n", encoding="utf-8")
    data = cli("finance", "allocate", "--pack", "bcf-2015-16", "--shares", shares, "--json").json()
    dfg = {r["area"]: Decimal(r["amount"]) for r in data["minimums"] if r["stream"] == "dfg"}
    assert dfg == {"E06000001": Decimal("55000000.00"), "E06000002": Decimal("165000000.00")}
    shares.write_text("area,weight\nE06000001,lots\n", encoding="utf-8")
    bad = cli("finance", "allocate", "--pack", "bcf-2015-16", "--shares", shares, "--json")
    assert bad.code == 2
    assert "row 2" in bad.out or "shares.csv:2" in bad.out


def test_minimums_against_a_published_table(cli: CliRunner, tmp_path: Path) -> None:
    plan = small_plan()
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(pretty_json(plan), encoding="utf-8")
    assert cli("plan", "import", plan_file).code == 0
    published = tmp_path / "published.csv"
    lines = ["area,partner,stream,year,amount"]
    lines += [f"{plan.area.ons_code},{m.partner},{m.stream},{m.year},{m.amount}" for m in plan.minimums]
    published.write_text("\n".join(lines) + "\n", encoding="utf-8")
    same = cli("finance", "minimums", plan.id, "--against", published, "--json").json()
    assert same["matches"] is True and same["differences"] == []
    first = plan.minimums[0]
    lines[1] = f"{plan.area.ons_code},{first.partner},{first.stream},{first.year},{first.amount + 1}"
    published.write_text("\n".join(lines) + "\n", encoding="utf-8")
    differ = cli("finance", "minimums", plan.id, "--against", published, "--json").json()
    assert differ["matches"] is False
    assert differ["differences"] == [
        {
            "partner": first.partner,
            "stream": first.stream,
            "year": first.year,
            "in_plan": f"{first.amount:.2f}",
            "published": f"{first.amount + 1:.2f}",
        }
    ]
