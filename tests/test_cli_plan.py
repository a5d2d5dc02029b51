"""The plan commands end to end: every --json output parses, exit codes follow the documented rules."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from carepool.model import Plan, content_hash, pretty_json
from conftest import CliRunner
from factories import small_plan

PLAN_ID = small_plan().id


def write(path: Path, plan: Plan) -> Path:
    path.write_text(pretty_json(plan), encoding="utf-8")
    return path


@pytest.fixture
def imported(cli: CliRunner, tmp_path: Path) -> Path:
    path = write(tmp_path / "riverton.json", small_plan())
    result = cli("plan", "import", path, "--json")
    assert result.code == 0, result.err
    assert result.json()["result"] == "created"
    return path


def test_import_reports_version_hash_and_upload(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("plan", "import", write(tmp_path / "p.json", small_plan()), "--json")
    data = result.json()
    assert (result.code, data["version"], data["sha256"], data["upload"]) == (
        0,
        1,
        content_hash(small_plan()),
        1,
    )
    text = cli("plan", "import", tmp_path / "p.json")
    assert text.code == 0 and "unchanged" in text.out


def test_list_show_versions_timeline_json(cli: CliRunner, imported: Path) -> None:
    listing = cli("plan", "list", "--json").json()
    assert [(p["id"], p["status"], p["version"]) for p in listing] == [(PLAN_ID, "draft", 1)]
    shown = cli("plan", "show", PLAN_ID, "--json").json()
    assert shown["figures"]["contributions_by_year"] == {"2014-15": "7900000.00", "2015-16": "12050000.00"}
    assert [v["version"] for v in cli("plan", "versions", PLAN_ID, "--json").json()] == [1]
    assert [e["kind"] for e in cli("plan", "timeline", PLAN_ID, "--json").json()] == ["created", "imported"]


def test_human_output_is_tables(cli: CliRunner, imported: Path) -> None:
    for args in (
        ("plan", "list"),
        ("plan", "show", PLAN_ID),
        ("plan", "versions", PLAN_ID),
        ("plan", "timeline", PLAN_ID),
    ):
        result = cli(*args)
        assert result.code == 0
        assert "Riverton" in result.out or "riverton" in result.out


def test_export_round_trip_is_byte_identical(cli: CliRunner, imported: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    meta = cli("plan", "export", PLAN_ID, "--out", first, "--json").json()
    assert meta["sha256"] == content_hash(small_plan())
    assert cli("plan", "import", first, "--json").json()["result"] == "unchanged"
    again = cli("plan", "export", PLAN_ID)
    assert again.out.encode() == first.read_bytes()


def test_canonical_export_hashes_to_the_version_hash(cli: CliRunner, imported: Path) -> None:
    result = cli("plan", "export", PLAN_ID, "--canonical", "--version", "1")
    assert hashlib.sha256(result.out.encode()).hexdigest() == content_hash(small_plan())


def test_submit_sign_status_and_audit(cli: CliRunner, imported: Path) -> None:
    submitted = cli("plan", "submit", PLAN_ID, "--json")
    assert submitted.code == 0 and submitted.json()["submitted"] is True
    assert cli("plan", "submit", PLAN_ID, "--json").code == 1  # already submitted: a conflict
    for org in ("E06000901", "99X", "hwb"):
        signed = cli(
            "--as",
            "clerk",
            "plan",
            "sign",
            PLAN_ID,
            "--name",
            f"Person {org}",
            "--role",
            "CE",
            "--for",
            org,
            "--json",
        )
        assert signed.code == 0, signed.out
    assert signed.json()["state"] == "fully_signed"
    assert cli("plan", "list", "--json").json()[0]["status"] == "fully signed"
    timeline = cli("plan", "timeline", PLAN_ID, "--json").json()
    assert timeline[-1]["actor"] == "clerk"
    verified = cli("audit", "verify", "--json")
    assert verified.code == 0 and verified.json()["ok"] is True
    assert "intact" in cli("audit", "verify").out


def test_submit_blocked_by_errors_exits_1_with_findings(cli: CliRunner, tmp_path: Path) -> None:
    broken = small_plan()
    broken.contributions[0].amount += 1
    cli("plan", "import", write(tmp_path / "b.json", broken))
    result = cli("plan", "submit", PLAN_ID, "--json")
    assert result.code == 1
    assert result.json()["submitted"] is False
    assert any(f["severity"] == "error" for f in result.json()["findings"])
    assert "Not submitted" in cli("plan", "submit", PLAN_ID).out


def test_sign_for_an_unknown_organisation_exits_2(cli: CliRunner, imported: Path) -> None:
    cli("plan", "submit", PLAN_ID)
    result = cli("plan", "sign", PLAN_ID, "--name", "Eve", "--role", "x", "--for", "[evil]", "--json")
    assert result.code == 2 and result.json()["ok"] is False
    assert cli("plan", "sign", PLAN_ID, "--name", "Eve", "--role", "x", "--for", "[evil]").code == 2


def test_stale_based_on_exits_1(cli: CliRunner, imported: Path, tmp_path: Path) -> None:
    cli("plan", "import", write(tmp_path / "v2.json", small_plan(title="v2")))
    result = cli(
        "plan", "import", write(tmp_path / "v3.json", small_plan(title="v3")), "--based-on", "1", "--json"
    )
    assert result.code == 1
    assert result.json()["problems"][0]["stage"] == "conflict"


def test_check_stored_plan_and_check_all(cli: CliRunner, imported: Path) -> None:
    checked = cli("check", PLAN_ID, "--json")
    assert checked.code == 0 and checked.json()["version"] == 1
    everything = cli("check-all", "--json")
    assert everything.code == 0 and [p["plan"] for p in everything.json()["plans"]] == [PLAN_ID]
    assert cli("check-all").code == 0


def test_check_file_exit_codes(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("check", write(tmp_path / "ok.json", small_plan()), "--json").code == 0
    broken = small_plan()
    broken.contributions[0].amount += 1
    result = cli("check", write(tmp_path / "bad.json", broken), "--json")
    assert result.code == 1 and result.json()["ok"] is False


def test_empty_database_lists_nothing(cli: CliRunner) -> None:
    assert cli("plan", "list", "--json").json() == []
    assert "No plans" in cli("plan", "list").out
    assert cli("check-all", "--json").json() == {"ok": True, "plans": []}


def test_schema_and_policy_commands(cli: CliRunner) -> None:
    assert cli("schema", "plan").json()["title"] == "Plan"
    assert any(p["id"] == "bcf-2015-16" for p in cli("policy", "list", "--json").json())


def test_diff_names_each_changed_field(cli: CliRunner, imported: Path, tmp_path: Path) -> None:
    cli("plan", "import", write(tmp_path / "v2.json", small_plan(title="Second title")))
    diff = cli("plan", "diff", PLAN_ID, "1", "--json").json()
    assert diff["changes"] == [
        {"path": "title", "old": small_plan().title, "new": "Second title"},
    ]
    assert "Second title" in cli("plan", "diff", PLAN_ID, "1", "2").out


def test_uploads_are_listed_and_given_back_byte_for_byte(
    cli: CliRunner, imported: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"format": "carepool-plan/1", "id": "riverton-2015-16"}\xff')
    assert cli("plan", "import", bad).code == 2
    listed = cli("upload", "list", "--json").json()
    assert [(u["id"], u["outcome"]) for u in listed] == [(1, "accepted"), (2, "rejected")]
    assert [u["id"] for u in cli("upload", "list", "--plan", PLAN_ID, "--json").json()] == [1]
    back = tmp_path / "back.json"
    shown = cli("upload", "show", "2", "--out", back, "--json").json()
    assert back.read_bytes() == bad.read_bytes()
    assert shown["report"]["outcome"] == "rejected" and shown["problems"] >= 1
    assert "Problems found" in cli("upload", "show", "2").out
    assert cli("upload", "show", "99", "--json").code == 2


def test_database_url_comes_from_option_then_environment_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from carepool.cli import run
    from carepool.services.backend import DEFAULT_URL, resolve_url

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAREPOOL_DATABASE_URL", raising=False)
    assert resolve_url(None) == DEFAULT_URL == "sqlite:///carepool.db"
    assert run(["plan", "list", "--json"]) == 0
    assert (tmp_path / "carepool.db").exists()  # the default: a file in the current directory

    monkeypatch.setenv("CAREPOOL_DATABASE_URL", f"sqlite:///{tmp_path / 'from-env.db'}")
    assert run(["plan", "list", "--json"]) == 0
    assert (tmp_path / "from-env.db").exists()
    assert resolve_url("sqlite:///explicit.db") == "sqlite:///explicit.db"
    capsys.readouterr()


def test_audit_verify_with_anchors(cli: CliRunner, imported: Path) -> None:
    last = cli("audit", "verify", "--json").json()["last_hash"]
    assert cli("audit", "verify", "--anchor", last, "--json").code == 0
    refused = cli("audit", "verify", "--anchor", "0" * 63 + "1", "--json")
    assert refused.code == 1 and refused.json()["ok"] is False
    assert "does not verify" in cli("audit", "verify", "--anchor", "f" * 64).out
