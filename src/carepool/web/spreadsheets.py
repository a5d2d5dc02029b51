"""Files of a plan on its pages: download it as an Excel planning template or as the JSON exchange file
(anyone who may see the plan; the latest version or ``?version=N``), and upload a filled template
(area editors of the plan's area).

An upload is read in the stages of ``carepool.services.spreadsheets``; it is saved as a new draft on
top of the version the upload page showed (``based_on``), so a version saved by someone else in the
meantime refuses it, naming what changed. Refused or not, the file is kept as it came. Problems are
listed in the GOV.UK error summary and in a table: sheet, cell, what was found, what was expected.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from carepool.problems import InputRejected, NotFound, Problem
from carepool.services.errors import Conflict, ImportRejected
from carepool.services.permissions import Action
from carepool.services.plans import export_plan
from carepool.services.portfolio import entry_of
from carepool.services.spreadsheets import export_template, import_template
from carepool.web.security import me, requires
from carepool.web.state import state

bp = Blueprint("spreadsheets", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_MAX = 20  # problems listed in the error summary; the table below lists every one


def _version_arg() -> int | None:
    text = request.args.get("version", "")
    if not text:
        return None
    if not text.isdigit():
        abort(404)
    return int(text)


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _file_stem(plan_id: str, version: int) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", plan_id) + f"-v{version}"


@bp.route("/plans/<plan_id>/template.xlsx")
@requires(Action.VIEW_PLAN)
def template(plan_id: str) -> Response | tuple[str, int]:
    """The same workbook ``carepool template export`` writes."""
    try:
        made = export_template(state().db, plan_id, _version_arg())
    except NotFound:
        abort(404)
    except InputRejected as refused:
        message = "This version cannot be written as a template: " + "; ".join(
            str(p) for p in refused.problems
        )
        page = render_template("error.html", title="The template could not be made", message=message)
        return page, 409
    return _download(made.content, XLSX, _file_stem(plan_id, made.version) + ".xlsx")


@bp.route("/plans/<plan_id>/plan.json")
@requires(Action.VIEW_PLAN)
def plan_json(plan_id: str) -> Response:
    """The plan exchange file, as ``carepool plan export`` writes it."""
    try:
        exported = export_plan(state().db, plan_id, _version_arg())
    except NotFound:
        abort(404)
    return _download(
        exported.text.encode("utf-8"), "application/json", _file_stem(plan_id, exported.version) + ".json"
    )


def _place(location: str) -> tuple[str, str]:
    """``Contributions!F12 to F20`` → (``Contributions``, ``F12 to F20``); other places have no cell."""
    if "!" in location:
        sheet, cell = location.rsplit("!", 1)
        return sheet.strip("'"), cell
    return "", ""


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _summary(problems: list[Problem]) -> list[dict[str, str]]:
    """The error summary: each problem with its place, linked to the file field (the one to fix)."""
    out = []
    for p in problems[:SUMMARY_MAX]:
        sheet, cell = _place(p.location)
        where = f"{sheet} sheet, cell {cell}" if sheet else p.location
        out.append(
            {"text": f"{where}: {_sentence(p.message)}" if where else _sentence(p.message), "href": "#file"}
        )
    if len(problems) > SUMMARY_MAX:
        out.append(
            {
                "text": f"And {len(problems) - SUMMARY_MAX} more: see the table of problems",
                "href": "#problems",
            }
        )
    return out


def _conflict_problems(refused: Conflict) -> list[Problem]:
    """The services' wording ends with what to do at the command line; say what to do here instead."""
    out = []
    for p in refused.problems:
        text = p.message.split(" Nothing was written")[0].rstrip(".")
        message = (
            f"Someone saved this plan since you downloaded your template: {text}. Nothing from your upload "
            "was saved: download the latest template, copy your changes into it and upload it again"
        )
        out.append(Problem(p.stage, "", message, p.found, p.expected))
    return out


def _page(
    plan_id: str, problems: list[Problem], status: int = 200, errors: list[dict[str, str]] | None = None
) -> tuple[str, int]:
    summary = entry_of(state().db, plan_id).summary
    rows = [(*_place(p.location), p) for p in problems]
    page = render_template(
        "spreadsheets/upload.html",
        title=f"Upload a filled template – {summary.title}",
        s=summary,
        errors=errors if errors is not None else _summary(problems),
        rows=rows,
    )
    return page, status


@bp.route("/plans/<plan_id>/upload", methods=["GET", "POST"])
@requires(Action.EDIT_PLAN)
def upload(plan_id: str) -> Response | tuple[str, int]:
    if request.method == "GET":
        return _page(plan_id, [])
    based_on = request.form.get("based_on", "")
    if not based_on.isdigit():
        abort(400)
    file = request.files.get("file")
    if file is None or not file.filename:
        return _page(
            plan_id, [], 400, [{"text": "Select a filled planning template (.xlsx)", "href": "#file"}]
        )
    raw = file.read()
    try:
        result = import_template(
            state().db, raw, file.filename, plan_id=plan_id, based_on=int(based_on), actor=me().actor
        )
    except ImportRejected as refused:
        return _page(plan_id, refused.problems, 400)
    except Conflict as refused:
        return _page(plan_id, _conflict_problems(refused), 409)
    saved = result.saved
    if saved.result == "unchanged":
        flash(
            f"Nothing changed: {file.filename} holds the same plan as version {saved.number}, so no version was saved."
        )
        return redirect(url_for("plans.overview", plan_id=plan_id))
    counts = result.to_dict()
    flash(
        f"{file.filename} was saved as version {saved.number}, a draft. Its checks find {counts['errors']} "
        f"error{'' if counts['errors'] == 1 else 's'} and {counts['warnings']} warning{'' if counts['warnings'] == 1 else 's'}."
    )
    return redirect(url_for("versions.diff", plan_id=plan_id, a=int(based_on), b=saved.number))
