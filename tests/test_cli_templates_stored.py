"""``carepool template export PLAN`` takes a stored plan id as well as a plan JSON file."""

from __future__ import annotations

from pathlib import Path

from carepool.io.excel import read_plan_file
from carepool.model import content_hash, pretty_json
from conftest import CliRunner
from factories import small_plan


def test_export_a_stored_plan_by_id_matches_the_file(cli: CliRunner, tmp_path: Path) -> None:
    plan = small_plan()
    source = tmp_path / "plan.json"
    source.write_text(pretty_json(plan), encoding="utf-8")
    assert cli("plan", "import", source, "--json").code == 0
    stored = cli("template", "export", plan.id, "--out", tmp_path / "stored.xlsx", "--json")
    assert stored.code == 0, stored.err
    assert stored.json()["sha256"] == content_hash(plan)
    from_file = cli("template", "export", source, "--out", tmp_path / "file.xlsx", "--json")
    assert from_file.code == 0, from_file.err
    assert content_hash(read_plan_file(tmp_path / "stored.xlsx")) == content_hash(plan)
    again = cli("template", "export", plan.id, "--version", "1", "--out", tmp_path / "v1.xlsx", "--json")
    assert again.code == 0 and again.json()["plan"] == plan.id


def test_unknown_plan_id_or_missing_file_is_refused_and_nothing_written(
    cli: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "never.xlsx"
    unknown = cli("template", "export", "no-such-plan", "--out", out)
    assert unknown.code == 2
    assert "neither a file nor the id of a stored plan" in unknown.err
    missing = cli("template", "export", tmp_path / "missing.json", "--out", out)
    assert missing.code == 2
    assert not out.exists()
