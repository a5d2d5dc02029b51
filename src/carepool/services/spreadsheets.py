"""A stored plan as an Excel planning template, and a filled template back into that plan.

Export writes the same workbook as ``carepool template export`` for the latest or a given version.
Import is for one stored plan (the one whose page the file was uploaded on), in the stages of
``carepool.io.excel`` (file → template → structure → cells → plan) and then: is this workbook that
plan, in that area and policy year; then a new draft on top of the version the person was shown
(``based_on``: a plan that moved on since is a ``Conflict`` naming what changed). All or nothing, as
for plan imports (``carepool.services.imports``): the file is kept as it came whatever happens, with
its problems if it was refused; a version is written only when every stage passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.io.excel import plan_workbook_bytes, read_plan_workbook
from carepool.io.excel.package import open_package, parse_reference
from carepool.io.excel.reader import address
from carepool.model import Plan
from carepool.problems import InputRejected, Problem
from carepool.services.clock import now
from carepool.services.errors import ImportRejected
from carepool.services.events import actor_name
from carepool.services.imports import FILENAME_MAX, ImportResult, import_parsed, keep_rejected, unexpected
from carepool.services.plans import plan_header, stored_plan
from carepool.services.ports import Database

SUFFIX = ".xlsx"
# The plan fields that say whose plan a workbook is, and the defined name of the cell each is read from.
IDENTITY_CELLS = {"id": "PlanId", "area.ons_code": "AreaCode", "policy": "PolicyPack"}


@dataclass(frozen=True, slots=True)
class TemplateFile:
    plan_id: str
    version: int
    sha256: str
    content: bytes


def export_template(db: Database, plan_id: str, version: int | None = None) -> TemplateFile:
    """A stored version (default the latest) as an .xlsx planning template. Raises NotFound, or
    InputRejected if a text of the plan cannot be stored in a workbook."""
    stored, plan = stored_plan(db, plan_id, version)
    return TemplateFile(plan_id, stored.number, stored.sha256, plan_workbook_bytes(plan))


def _cell_of(raw: bytes, origin: str, name: str) -> str:
    """``Cover!C7``: where a template holds a field, from its defined name (the name if it cannot say)."""
    try:
        area = parse_reference(open_package(raw, origin).names.get(name, ""))
    except InputRejected:
        area = None
    return address(area.sheet, area.row1, area.col1) if area else f"the {name} cell"


def _identity_problems(db: Database, plan_id: str, plan: Plan, raw: bytes, origin: str) -> list[Problem]:
    """Stage "is this yours": the workbook must be this plan, of this plan's area and policy year."""
    header = plan_header(db, plan_id)
    found = {"id": plan.id, "area.ons_code": plan.area.ons_code, "policy": plan.policy}
    expected = {"id": plan_id, "area.ons_code": header.area_code, "policy": header.policy}
    messages = {
        "id": "this template is for another plan; download this plan's template and copy your figures into it",
        "area.ons_code": "this template is for another area; this plan belongs to "
        f"{header.area_name} ({header.area_code})",
        "policy": f"this template is for another policy year; this plan is a {header.policy} plan",
    }
    return [
        Problem("reference", _cell_of(raw, origin, IDENTITY_CELLS[key]), messages[key], found[key], want)
        for key, want in expected.items()
        if found[key] != want
    ]


def import_template(
    db: Database, raw: bytes, filename: str, *, plan_id: str, based_on: int | str, actor: str
) -> ImportResult:
    """Read a filled planning template into a new draft of ``plan_id`` built on ``based_on``.

    Raises ImportRejected (the file kept with its problems; nothing else written) or Conflict (the plan
    moved on since ``based_on``; the file kept). ``saved.result`` is "unchanged" when the workbook
    holds exactly the ``based_on`` version."""
    received = now()
    filename, actor = filename[-FILENAME_MAX:] or "(no name)", actor_name(actor)
    try:
        if not filename.lower().endswith(SUFFIX):
            suffix = filename.rsplit(".", 1)[-1] if "." in filename else "no extension"
            raise InputRejected(
                [
                    Problem(
                        "file",
                        filename,
                        "upload the planning template as an Excel workbook (.xlsx)",
                        suffix,
                        SUFFIX,
                    )
                ]
            )
        plan = read_plan_workbook(raw, filename)
        problems = _identity_problems(db, plan_id, plan, raw, filename)
        if problems:
            raise InputRejected(problems)
    except InputRejected as exc:
        upload_id = keep_rejected(db, raw, filename, actor, received, exc.problems, plan_id)
        raise ImportRejected(exc.problems, upload_id) from None
    except Exception as exc:  # a reader failure nobody foresaw: keep the file so it can be reproduced
        keep_rejected(db, raw, filename, actor, received, [unexpected(filename, exc)], plan_id)
        raise
    return import_parsed(db, plan, raw, filename, actor, received, based_on)
