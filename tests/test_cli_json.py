"""Every command that reports takes --json, and its output parses. A new command without an entry
here fails ``test_every_json_command_is_covered``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer

from carepool.cli import app
from carepool.model import pretty_json
from conftest import CliRunner
from factories import small_plan

PLAN = small_plan().id

# command path → arguments (after the path) that make it succeed once the plan is stored and submitted
CASES: dict[str, tuple[str, ...]] = {
    "policy list": (),
    "policy show": ("bcf-2015-16",),
    "plan import": ("{file}",),
    "plan export": (PLAN, "--out", "{out}"),
    "plan list": (),
    "plan show": (PLAN,),
    "plan versions": (PLAN,),
    "plan diff": (PLAN, "1", "1"),
    "plan submit": (PLAN,),
    "plan sign": (PLAN, "--name", "Chair", "--role", "Chair", "--for", "hwb"),
    "plan timeline": (PLAN,),
    "upload list": (),
    "upload show": ("1",),
    "audit verify": (),
    "check": (PLAN,),
    "check-all": (),
    "demo": (),
    "finance minimums": (PLAN,),
    "finance allocate": ("--pack", "bcf-2015-16"),
    "finance flows": (PLAN,),
    "finance cross-subsidy": (PLAN,),
    "finance payments": (PLAN,),
    "finance risk-share": (PLAN, "--year", "2015-16"),
    "finance savings": (PLAN,),
    "report": (PLAN, "--format", "html", "--out", "{out}"),
    "monitor record": (PLAN, "{ret}"),
    "monitor position": (PLAN,),
    "returns import": ("{folder}",),
}
ORDER = ["plan import", "plan submit"]  # these change state the others rely on


# Groups mounted from other modules (cli_activity, cli_assurance, cli_monitoring, cli_templates) have their
# own tests for the commands that work on files; their commands on the database are covered here.
MOUNTED = {"activity", "assure", "monitor", "template", "returns"}
ON_THE_DATABASE = {"monitor record", "monitor position", "returns import"}


def json_commands() -> list[str]:
    found: list[str] = []

    def walk(command: Any, path: list[str]) -> None:
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if not path and name in MOUNTED:
                for child, cmd in sorted(getattr(sub, "commands", {}).items()):
                    if f"{name} {child}" in ON_THE_DATABASE:
                        walk(cmd, [name, child])
                continue
            walk(sub, [*path, name])
        if any("--json" in getattr(p, "opts", []) for p in getattr(command, "params", [])):
            found.append(" ".join(path))

    walk(typer.main.get_command(app), [])
    return sorted(found)


def test_every_json_command_is_covered() -> None:
    assert json_commands() == sorted(CASES)


def test_every_json_output_parses(cli: CliRunner, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(pretty_json(small_plan()), encoding="utf-8")
    return_file = tmp_path / "return.json"
    return_file.write_text(json.dumps({"format": "carepool-return/1", "plan": PLAN, "quarter": "2015-16 Q1"}))
    (tmp_path / "empty").mkdir()
    names = ORDER + [n for n in CASES if n not in ORDER]
    for name in names:
        paths = {
            "file": plan_file,
            "out": tmp_path / "out.json",
            "ret": return_file,
            "folder": tmp_path / "empty",
        }
        args = [a.format(**paths) for a in CASES[name]]
        result = cli(*name.split(), *args, "--json")
        assert result.code == 0, (name, result.out, result.err)
        assert json.loads(result.out) is not None, name


NO_ARGUMENTS = {"policy list", "plan list", "upload list", "audit verify", "check-all", "demo"}


@pytest.mark.parametrize("name", sorted(set(CASES) - NO_ARGUMENTS))
def test_json_errors_parse_too(cli: CliRunner, name: str) -> None:
    result = cli(*name.split(), "no-such-thing", "--json")
    assert result.code == 2, (name, result.out, result.err)
    if result.out:  # usage errors (a missing required option) are printed by the parser, not as JSON
        assert json.loads(result.out)["ok"] is False
