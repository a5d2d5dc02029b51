"""Bad input never produces a stack trace: a message naming the problem, and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carepool.model import pretty_json
from conftest import CliRunner, row_counts
from factories import small_plan

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


def bad_files(tmp_path: Path) -> dict[str, Path]:
    good = pretty_json(small_plan())
    files = {
        "malformed.json": b'{"format": "carepool-plan/1", ',
        "picture.json": PNG,
        "wrong-types.json": good.replace('"years": [', '"years": 7, "x": [', 1).encode(),
        "not-a-plan.json": b"[1, 2, 3]",
    }
    out = {}
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
        out[name] = tmp_path / name
    out["missing.json"] = tmp_path / "missing.json"
    return out


@pytest.mark.parametrize(
    "name", ["malformed.json", "picture.json", "wrong-types.json", "not-a-plan.json", "missing.json"]
)
@pytest.mark.parametrize("as_json", [True, False])
def test_check_bad_file_exits_2(cli: CliRunner, tmp_path: Path, name: str, as_json: bool) -> None:
    result = cli("check", bad_files(tmp_path)[name], *(["--json"] if as_json else []))
    assert result.code == 2
    if as_json:
        data = result.json()
        assert data["ok"] is False and data["problems"]
    else:
        assert "refused" in result.err


@pytest.mark.parametrize("name", ["malformed.json", "picture.json", "wrong-types.json", "not-a-plan.json"])
def test_import_bad_file_exits_2_and_keeps_only_the_file(
    cli: CliRunner, engine: Engine, tmp_path: Path, name: str
) -> None:
    result = cli("plan", "import", bad_files(tmp_path)[name], "--json")
    assert result.code == 2
    assert result.json()["upload"] == 1
    assert row_counts(engine) == {"events": 1, "uploads": 1, "plan_versions": 0, "plans": 0}
    assert "kept as upload 2" in cli("plan", "import", bad_files(tmp_path)[name]).err


def test_import_missing_file_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("plan", "import", tmp_path / "missing.json", "--json")
    assert result.code == 2 and "cannot read" in result.json()["problems"][0]["message"]


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "show", "no-such-plan"),
        ("plan", "export", "no-such-plan"),
        ("plan", "versions", "no-such-plan"),
        ("plan", "timeline", "no-such-plan"),
        ("plan", "submit", "no-such-plan"),
        ("plan", "sign", "no-such-plan", "--name", "A", "--role", "B", "--for", "hwb"),
        ("check", "no-such-plan"),
    ],
)
def test_unknown_plan_id_exits_2(cli: CliRunner, args: tuple[str, ...]) -> None:
    result = cli(*args, "--json")
    assert result.code == 2
    assert "no-such-plan" in result.json()["problems"][0]["message"]
    assert cli(*args).code == 2


def test_unknown_version_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(pretty_json(small_plan()), encoding="utf-8")
    cli("plan", "import", path)
    assert cli("plan", "export", small_plan().id, "--version", "9").code == 2


@pytest.mark.parametrize(
    "args", [("plan", "frobnicate"), ("plan", "export"), ("plan", "export", "x", "--version", "zero")]
)
def test_usage_errors_exit_2(cli: CliRunner, args: tuple[str, ...]) -> None:
    assert cli(*args).code == 2


def test_unreachable_database_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from carepool.cli import run

    code = run(["--db", f"sqlite:///{tmp_path}/no/such/dir/x.db", "plan", "list", "--json"])
    captured = capsys.readouterr()
    assert code == 2 and "cannot open the database" in captured.out and "Traceback" not in captured.err


def test_real_process_never_prints_a_traceback(tmp_path: Path) -> None:
    files = bad_files(tmp_path)
    for args in (
        ["check", str(files["picture.json"])],
        ["--db", f"sqlite:///{tmp_path}/t.db", "plan", "import", str(files["missing.json"])],
    ):
        proc = subprocess.run(
            [sys.executable, "-c", "from carepool.cli import main; main()", *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert proc.returncode == 2
        assert "Traceback" not in proc.stdout + proc.stderr
