"""Assurance: the assurer's list of plans in their region, the decision form (category, notes per key
line of enquiry, conditions with due dates) and clearing conditions. Areas see the outcome on the
plan overview. Who may assure is ``Action.ASSURE_PLAN`` in ``carepool.services.permissions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from carepool.problems import InputRejected, Problem
from carepool.services.assurance import (
    KLOES,
    ConditionInput,
    assurance_view,
    clear_condition,
    may_assure,
    record_assurance,
)
from carepool.services.errors import Conflict
from carepool.services.permissions import Action
from carepool.services.portfolio import visible
from carepool.services.status import category_label
from carepool.web.security import me, requires
from carepool.web.state import state

bp = Blueprint("assurance", __name__)

ASSURE = Action.ASSURE_PLAN  # the rule lives in services.permissions, like every other
CONDITION_ROWS = 3  # blank rows offered on the form; empty rows are ignored

Errors = list[dict[str, str]]


@bp.route("/assurance")
@requires(ASSURE)
def index() -> str:
    roles = me().assignments
    mine = [e.summary for e in visible(state().db, lambda scope: may_assure(roles, scope))]
    return render_template("assurance/index.html", title="Assurance", plans=mine)


@dataclass
class ConditionRow:
    text: str = ""
    day: str = ""
    month: str = ""
    year: str = ""

    @property
    def blank(self) -> bool:
        return not (self.text.strip() or self.day.strip() or self.month.strip() or self.year.strip())


def _rows_from_form() -> list[ConditionRow]:
    f = request.form
    return [
        ConditionRow(
            f.get(f"condition-{i}-text", ""),
            f.get(f"condition-{i}-day", ""),
            f.get(f"condition-{i}-month", ""),
            f.get(f"condition-{i}-year", ""),
        )
        for i in range(1, CONDITION_ROWS + 1)
    ]


def _due(row: ConditionRow) -> date | None:
    try:
        return date(int(row.year), int(row.month), int(row.day))
    except ValueError:
        return None


def _href(location: str, rows: list[int]) -> str:
    """The form field a service problem is about (``rows`` maps the service's 1-based index to a row)."""
    if location == "category":
        return "#category"
    if location.startswith("notes."):
        return f"#kloe-{location.removeprefix('notes.')}"
    if location == "notes":
        return f"#kloe-{next(iter(KLOES))}"
    if location.startswith("conditions["):
        index = int(location.split("[", 1)[1].split("]", 1)[0])
        row = rows[index - 1] if 0 < index <= len(rows) else 1
        return f"#condition-{row}-day" if location.endswith(".due") else f"#condition-{row}-text"
    if location == "conditions":
        return "#condition-1-text"
    return ""


def _messages(problems: list[Problem], rows: list[int]) -> Errors:
    out = []
    for p in problems:
        text = p.message[0].upper() + p.message[1:]
        if p.location == "category" and p.found == "(none)":
            text = "Select an assurance category"
        out.append({"text": text, "href": _href(p.location, rows)})
    return out


def _page(plan_id: str, errors: Errors, form: dict[str, object], code: int = 200) -> tuple[str, int]:
    view = assurance_view(state().db, plan_id)
    page = render_template(
        "assurance/record.html",
        title=f"Assurance – {view.title}",
        view=view,
        kloes=KLOES,
        label=category_label,
        errors=errors,
        form=form,
        can_assure=may_assure(me().assignments, view.scope),
    )
    return page, code


@bp.route("/plans/<plan_id>/assurance", methods=["GET", "POST"])
@requires(ASSURE)
def record(plan_id: str) -> Response | tuple[str, int]:
    blank_rows = [ConditionRow() for _ in range(CONDITION_ROWS)]
    if request.method == "GET":
        return _page(plan_id, [], {"category": "", "notes": {}, "rows": blank_rows})
    category = request.form.get("category", "").strip()
    notes = {k: request.form.get(f"kloe-{k}", "") for k in KLOES}
    rows = _rows_from_form()
    form: dict[str, object] = {"category": category, "notes": notes, "rows": rows}
    errors: Errors = []
    conditions: list[ConditionInput] = []
    used: list[int] = []
    for i, row in enumerate(rows, start=1):
        if row.blank:
            continue
        due = _due(row)
        if not row.text.strip():
            errors.append({"text": f"Describe condition {i}", "href": f"#condition-{i}-text"})
        if due is None:
            errors.append({"text": f"Enter a real due date for condition {i}", "href": f"#condition-{i}-day"})
        elif row.text.strip():
            conditions.append(ConditionInput(row.text, due))
            used.append(i)
    if not category:
        errors.insert(0, {"text": "Select an assurance category", "href": "#category"})
    if errors:
        return _page(plan_id, errors, form, 409)
    try:
        record_assurance(
            state().db,
            plan_id,
            category=category,
            notes=notes,
            conditions=conditions,
            actor=me().actor,
            by=me().assignments,
            expected=request.form.get("sha256") or None,
        )
    except (Conflict, InputRejected) as refused:
        return _page(plan_id, _messages(refused.problems, used), form, 409)
    flash(f"Assurance recorded: {category_label(category)}.")
    return redirect(url_for("assurance.record", plan_id=plan_id))


@bp.route("/plans/<plan_id>/assurance/conditions/<int:number>/clear", methods=["POST"])
@requires(ASSURE)
def clear(plan_id: str, number: int) -> Response | tuple[str, int]:
    try:
        clear_condition(
            state().db,
            plan_id,
            number,
            actor=me().actor,
            by=me().assignments,
            note=request.form.get("note", ""),
        )
    except (Conflict, InputRejected) as refused:
        errors = [{"text": p.message[0].upper() + p.message[1:], "href": ""} for p in refused.problems]
        blank = [ConditionRow() for _ in range(CONDITION_ROWS)]
        return _page(plan_id, errors, {"category": "", "notes": {}, "rows": blank}, 409)
    flash(f"Condition {number} marked as cleared.")
    return redirect(url_for("assurance.record", plan_id=plan_id))
