"""Bulk import of a folder of templates, and the template/returns CLI commands."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carepool.cli_templates import template_app
from carepool.io.bulk import Document, import_folder
from carepool.io.excel import plan_workbook_bytes
from carepool.model.canonical import content_hash, pretty_json
from carepool.model.plan import Plan
from carepool.problems import InputRejected, Problem
from conftest import CliRunner as CliRunnerFixture
from factories import small_plan, two_tier_plan
from hostile.workbooks import CSV_RENAMED, XLS_RENAMED, good, truncated


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a-riverton.xlsx").write_bytes(good())
    (tmp_path / "b-shireshire.xlsx").write_bytes(plan_workbook_bytes(two_tier_plan()))
    (tmp_path / "c-renamed-csv.xlsx").write_bytes(CSV_RENAMED)
    (tmp_path / "d-cut-short.xlsx").write_bytes(truncated(good()))
    (tmp_path / "e-old-format.xls").write_bytes(XLS_RENAMED)
    (tmp_path / "~$a-riverton.xlsx").write_bytes(b"lock")  # Excel's lock file: not a workbook
    (tmp_path / "notes.txt").write_text("not a workbook")
    return tmp_path


def test_every_file_gets_an_outcome_and_bad_files_do_not_stop_the_rest(folder: Path) -> None:
    accepted: list[tuple[str, str]] = []

    def accept(doc: Document, path: Path) -> None:
        assert isinstance(doc, Plan)
        accepted.append((doc.id, path.name))

    report = import_folder(folder, accept=accept)
    outcomes = {o.file: o for o in report.outcomes}
    assert list(outcomes) == [
        "a-riverton.xlsx",
        "b-shireshire.xlsx",
        "c-renamed-csv.xlsx",
        "d-cut-short.xlsx",
        "e-old-format.xls",
    ]
    assert (report.imported, report.rejected) == (2, 3)
    assert accepted == [("riverton-2015-16", "a-riverton.xlsx"), ("shireshire-2015-16", "b-shireshire.xlsx")]
    assert outcomes["a-riverton.xlsx"].sha256 == content_hash(small_plan())
    assert "CSV" in outcomes["c-renamed-csv.xlsx"].reasons()
    assert "damaged or incomplete" in outcomes["d-cut-short.xlsx"].reasons()
    assert ".xls" in outcomes["e-old-format.xls"].reasons()


def test_summary_csv(folder: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.csv"
    import_folder(folder, summary_csv=summary)
    with summary.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["outcome"] for r in rows] == ["imported", "imported", "rejected", "rejected", "rejected"]
    assert rows[0]["plan"] == "riverton-2015-16" and rows[0]["problems"] == "0"
    assert rows[2]["problems"] == "1" and "CSV" in rows[2]["reasons"]


def test_a_refusing_or_failing_store_rejects_only_that_file(folder: Path) -> None:
    def accept(plan: Document, path: Path) -> None:
        assert isinstance(plan, Plan)
        if plan.id.startswith("riverton"):
            raise InputRejected([Problem("conflict", plan.id, "a newer version was saved")])
        raise RuntimeError("database went away")

    report = import_folder(folder, accept=accept)
    first, second = report.outcomes[:2]
    assert first.outcome == "rejected" and "a newer version was saved" in first.reasons()
    assert second.outcome == "rejected" and "RuntimeError: database went away" in second.reasons()
    assert report.imported == 0 and len(report.outcomes) == 5


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputRejected):
        import_folder(tmp_path / "nowhere")


# --- the CLI ---------------------------------------------------------------------------------------


def test_cli_export_then_import_round_trips(tmp_path: Path) -> None:
    runner = CliRunner()
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(pretty_json(small_plan()), encoding="utf-8")
    xlsx, back = tmp_path / "plan.xlsx", tmp_path / "back.json"
    result = runner.invoke(template_app, ["export", str(plan_file), "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(template_app, ["import", str(xlsx), "--out", str(back), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sha256"] == content_hash(small_plan())
    assert back.read_text(encoding="utf-8") == plan_file.read_text(encoding="utf-8")


def test_cli_import_of_a_bad_file_writes_nothing(tmp_path: Path) -> None:
    bad, out = tmp_path / "bad.xlsx", tmp_path / "out.json"
    bad.write_bytes(CSV_RENAMED)
    result = CliRunner().invoke(template_app, ["import", str(bad), "--out", str(out), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"][0]["stage"] == "file"
    assert not out.exists()


def test_cli_returns_import(folder: Path, tmp_path: Path, cli: CliRunnerFixture) -> None:
    summary = tmp_path / "summary.csv"
    result = cli("returns", "import", folder, "--summary", summary, "--json")
    assert result.code == 1  # some files were rejected
    data = result.json()
    assert (data["imported"], data["rejected"]) == (2, 3)
    assert summary.exists()
    listed = cli("upload", "list", "--json").json()  # every file kept as received, the plans imported
    assert sorted(u["filename"] for u in listed) == sorted(f["file"] for f in data["files"])
    assert {u["plan"] for u in listed if u["outcome"] == "accepted"} == {
        "riverton-2015-16",
        "shireshire-2015-16",
    }
