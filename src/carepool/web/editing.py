"""Editing a plan's sections: add, change and remove items of a list section, change the fields of a
single-object section (the s75 heads of terms), and check every answer before submitting.

One generic mechanism (``carepool.web.forms``) makes each form from the pydantic model of the section's
items. A save is staged: the form is read field by field (type and format), then the whole plan is
validated (pydantic, then the importer's reference rules, then unique ids), each error put back on the
field it names; only a clean form reaches ``services.workflow.save_draft``, which stores a new draft
version and records it in the audit trail. Any error saves nothing (400).

The form carries the version it was read from (``based_on``); the services refuse the save if another
version was saved since, naming what changed (409), so a second concurrent save never overwrites the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, get_args, get_origin, get_type_hints

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from carepool.io.plan_json import reference_problems
from carepool.model import Plan
from carepool.policy import load_pack
from carepool.problems import InputRejected, NotFound, Problem
from carepool.services.checks import check_stored
from carepool.services.errors import Conflict
from carepool.services.permissions import Action
from carepool.services.plans import VersionSummary, show_plan, stored_plan
from carepool.services.workflow import save_draft
from carepool.web import forms
from carepool.web.forms import Loc, Options, Reading, Spec, parse_amount
from carepool.web.plans import abilities
from carepool.web.sections import EDITABLE, SECTIONS, Editable, item_title, money, section_state
from carepool.web.security import me, requires
from carepool.web.state import state

bp = Blueprint("editing", __name__)

__all__ = ["bp", "parse_amount"]

LISTS = [s for s in SECTIONS if EDITABLE[s].is_list]
SINGLES = [s for s in SECTIONS if not EDITABLE[s].is_list]
LIST_PATTERN = "any(" + ", ".join(LISTS) + ")"
SINGLE_PATTERN = "any(" + ", ".join(SINGLES) + ")"


def item_model(section: str) -> type[BaseModel]:
    """The model of one item of a section (``Pool`` for ``pools``), read from the plan model."""
    annotation = get_type_hints(Plan)[section]
    model = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    assert isinstance(model, type) and issubclass(model, BaseModel), section
    return model


def web_wording(message: str) -> str:
    """The services' wording ends with what to do at the command line; say what to do here instead."""
    text = message.split(" Nothing was written")[0].rstrip(".")
    if "was saved by" in text:
        return (
            f"Someone saved this plan while you were editing it: {text}. Nothing you entered was saved. "
            "Open the page again to see the latest version, then make your change."
        )
    return text[:1].upper() + text[1:]


# --- one item's form --------------------------------------------------------------------------------------


@dataclass
class ItemForm:
    """The form for one item of a section (``index`` None: a new item, or a single-object section)."""

    edit: Editable
    plan: Plan
    version: VersionSummary
    index: int | None
    adding: bool = False

    @classmethod
    def open(
        cls, section: str, plan: Plan, version: VersionSummary, index: int | None, adding: bool = False
    ) -> ItemForm:
        form = cls(EDITABLE[section], plan, version, index, adding)
        if form.edit.is_list and not adding and (index is None or not 0 <= index < len(form.items)):
            abort(404)
        return form

    @property
    def section(self) -> str:
        return self.edit.section

    @property
    def fields(self) -> tuple[Spec, ...]:
        return forms.specs(item_model(self.section))

    @property
    def document(self) -> dict[str, Any]:
        data: dict[str, Any] = self.plan.model_dump(mode="json")
        return data

    @property
    def items(self) -> list[Any]:
        value = getattr(self.plan, self.section)
        return list(value) if isinstance(value, list) else []

    @cached_property
    def stored(self) -> dict[str, Any] | None:
        """The item as stored (JSON form), or None for a new one."""
        if self.adding:
            return None
        value = self.document[self.section]
        return dict(value[self.index]) if self.index is not None else dict(value)

    @property
    def at(self) -> Loc:
        if not self.edit.is_list:
            return (self.section,)
        return (self.section, len(self.items) if self.adding or self.index is None else self.index)

    @cached_property
    def options(self) -> Options:
        return Options.of(self.plan, load_pack(self.plan.policy), SECTIONS)

    @property
    def name(self) -> str:
        """``pool BRK-CH``"""
        stored = self.stored
        key = str(stored.get(self.edit.key or "", "")) if stored else ""
        return f"{self.edit.singular} {key}".strip()

    def heading(self) -> str:
        if self.adding:
            return f"Add a {self.edit.singular}"
        if not self.edit.is_list:
            return f"Change the {self.edit.singular}"
        return f"Change {self.name}"

    def back(self) -> str:
        anchor = f"{self.section}-{self.index}" if self.index is not None else self.section
        return url_for("plans.section", plan_id=self.plan.id, section=self.section, _anchor=anchor)

    def page(self, values: dict[str, str], errors: dict[str, str], summary: list[dict[str, str]]) -> str:
        widgets = forms.widgets(self.fields, values, errors, self.options, self.stored)
        return render_template(
            "edit_item.html",
            title=f"{self.heading()} – {self.plan.title}",
            heading=self.heading(),
            plan=self.plan,
            version=self.version.number,
            widgets=widgets,
            wide=any(w.kind == "table" for w in widgets),
            back=self.back(),
            section_name=SECTIONS[self.section],
            errors=summary,
        )

    def edited(self, item: dict[str, Any]) -> dict[str, Any]:
        data = self.document
        if not self.edit.is_list:
            data[self.section] = item
        elif self.adding:
            data[self.section].append(item)
        else:
            data[self.section][self.index] = item
        return data


def _summary(errors: dict[str, str], reading: Reading) -> list[dict[str, str]]:
    return [{"text": text, "href": f"#{reading.focus(fid)}"} for fid, text in errors.items()]


def _loc(location: str) -> Loc:
    """``schemes[1].funding[0].pool`` → ``("schemes", 1, "funding", 0, "pool")``."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", location):
        out.append(int(index) if index else name)
    return tuple(out)


def describe(plan: Plan, location: str) -> str:
    """``contributions[3].pool`` → ``contribution BRK-14-01`` (what a person would call the item)."""
    loc = _loc(location)
    if len(loc) >= 2 and isinstance(loc[0], str) and loc[0] in EDITABLE and isinstance(loc[1], int):
        edit = EDITABLE[loc[0]]
        items = getattr(plan, loc[0])
        if loc[1] < len(items):
            return f"{edit.singular} {getattr(items[loc[1]], edit.key or '', '')}".strip()
    return location


def new_problems(before: Plan, after: Plan) -> list[Problem]:
    """Reference problems (the importer's rules) the change brings; ones the plan already had are not the
    editor's doing and do not block."""
    old = {(p.message, p.found) for p in reference_problems(before)}
    return [p for p in reference_problems(after) if (p.message, p.found) not in old]


def _validate(form: ItemForm, reading: Reading) -> tuple[Plan | None, dict[str, str]]:
    """Stage 2: the model, then references and unique ids, as errors on the fields they name."""
    fields = form.fields
    key_spec = next((s for s in fields if s.name == form.edit.key), fields[0])
    fallback = key_spec.name
    try:
        edited = Plan.model_validate(form.edited(reading.data))
    except ValidationError as exc:
        return None, forms.model_errors(exc, form.at, reading, fallback)
    errors: dict[str, str] = {}
    if form.edit.key:
        new_key = str(reading.data.get(form.edit.key, ""))
        old_key = str((form.stored or {}).get(form.edit.key, ""))
        others = [
            str(getattr(item, form.edit.key))
            for i, item in enumerate(form.items)
            if form.adding or i != form.index
        ]
        if new_key in others and (form.adding or new_key != old_key):
            errors[fallback] = (
                f"{forms.upper_first(form.edit.singular)} {new_key} is already in this plan: "
                f"{'choose' if key_spec.kind == 'choice' else 'enter'} another {forms.lower_first(key_spec.label)}"
            )
            return None, errors
    for problem in new_problems(form.plan, edited):
        loc = _loc(problem.location)
        inside = loc[: len(form.at)] == form.at
        target = forms._nearest(reading.targets, loc[len(form.at) :]) if inside else None
        if target is not None:
            errors.setdefault(
                target.id,
                target.say(forms.upper_first(f"{target.the}: {problem.message} {problem.found}".strip())),
            )
        else:
            errors.setdefault(
                fallback,
                f"{forms.upper_first(describe(edited, problem.location))} refers to {problem.found}, which this "
                f"change takes out of the plan ({problem.message}): change that first",
            )
    return (None, errors) if errors else (edited, {})


def _based_on(plan_id: str) -> tuple[VersionSummary, Plan]:
    text = request.form.get("based_on", "")
    if not text.isdigit():
        abort(400)
    try:
        return stored_plan(state().db, plan_id, int(text))
    except NotFound:
        abort(400)


def _save(form: ItemForm, edited: Plan, done: str) -> Response | tuple[str, int]:
    """Stage 3: a new draft through the services; refused (409) if the plan moved on since it was read."""
    try:
        saved = save_draft(state().db, edited, based_on=form.version.number, actor=me().actor)
    except (Conflict, InputRejected) as refused:
        summary = [{"text": web_wording(p.message), "href": ""} for p in refused.problems]
        return form.page(dict(request.form), {}, summary), 409
    if saved.result == "unchanged":
        flash(f"Nothing changed: {form.name or form.edit.singular} was already as you left it.")
    else:
        flash(f"Saved as version {saved.number}: {done}.")
    return redirect(form.back())


def _edit(
    plan_id: str, section: str, index: int | None, adding: bool = False, partial: bool = False
) -> Response | str | tuple[str, int]:
    """``partial``: fields the form does not send keep their stored values (the first editing page's
    address, whose form sent only the amount)."""
    if request.method == "GET":
        version, plan = stored_plan(state().db, plan_id)
        form = ItemForm.open(section, plan, version, index, adding)
        return form.page(forms.initial(form.fields, form.stored, form.options), {}, [])
    version, plan = _based_on(plan_id)
    form = ItemForm.open(section, plan, version, index, adding)
    values = dict(request.form)
    if partial:
        values = {**forms.initial(form.fields, form.stored, form.options), **values}
    reading = forms.read(form.fields, values, form.options, form.stored)
    if reading.errors:
        return form.page(values, reading.errors, reading.summary()), 400
    edited, errors = _validate(form, reading)
    if edited is None:
        return form.page(values, errors, _summary(errors, reading)), 400
    if adding:
        form.index = len(form.items)
        key = str(reading.data.get(form.edit.key or "", ""))
        return _save(form, edited, f"{form.edit.singular} {key} added")
    after = ItemForm(form.edit, edited, version, form.index)
    return _save(form, edited, f"{after.name or form.edit.singular} changed")


@bp.route(f"/plans/<plan_id>/sections/<{LIST_PATTERN}:section>/add", methods=["GET", "POST"])
@requires(Action.EDIT_PLAN)
def add(plan_id: str, section: str) -> Response | str | tuple[str, int]:
    return _edit(plan_id, section, None, adding=True)


@bp.route(f"/plans/<plan_id>/sections/<{LIST_PATTERN}:section>/<int:index>/change", methods=["GET", "POST"])
@requires(Action.EDIT_PLAN)
def change(plan_id: str, section: str, index: int) -> Response | str | tuple[str, int]:
    return _edit(plan_id, section, index)


@bp.route(f"/plans/<plan_id>/sections/<{SINGLE_PATTERN}:section>/change", methods=["GET", "POST"])
@requires(Action.EDIT_PLAN)
def change_single(plan_id: str, section: str) -> Response | str | tuple[str, int]:
    return _edit(plan_id, section, None)


@bp.route(f"/plans/<plan_id>/sections/<{LIST_PATTERN}:section>/<int:index>/remove", methods=["GET", "POST"])
@requires(Action.EDIT_PLAN)
def remove(plan_id: str, section: str, index: int) -> Response | str | tuple[str, int]:
    """A confirmation page, then the item removed as a new draft. Refused while other parts of the plan
    refer to it (the rule the importer applies), naming them."""
    if request.method == "GET":
        version, plan = stored_plan(state().db, plan_id)
    else:
        version, plan = _based_on(plan_id)
    form = ItemForm.open(section, plan, version, index)
    data = form.document
    del data[section][index]
    edited = Plan.model_validate(data)
    blockers = list(dict.fromkeys(_blocker(plan, p.location) for p in new_problems(plan, edited)))
    if request.method == "POST" and not blockers:
        return _save_removal(form, edited)
    page = render_template(
        "remove_item.html",
        title=f"Remove {form.name} – {plan.title}",
        form=form,
        item=form.stored or {},
        title_text=item_title(form.stored or {}) or form.name,
        blockers=blockers,
        errors=[
            {"text": f"You cannot remove {form.name} while {b} refers to it", "href": ""} for b in blockers
        ]
        if request.method == "POST"
        else [],
    )
    return (page, 400) if request.method == "POST" else page


def _blocker(plan: Plan, location: str) -> str:
    """``schemes[1].funding[0].pool`` → ``Scheme BR02 (funding)``: the item, and which of its fields."""
    loc = _loc(location)
    field = str(loc[2]) if len(loc) > 2 else str(loc[-1])
    return f"{forms.upper_first(describe(plan, location))} ({forms.lower_first(forms.LABELS.get(field, forms.words(field)))})"


def _save_removal(form: ItemForm, edited: Plan) -> Response | tuple[str, int]:
    name = form.name
    try:
        saved = save_draft(state().db, edited, based_on=form.version.number, actor=me().actor)
    except (Conflict, InputRejected) as refused:
        page = render_template(
            "remove_item.html",
            title=f"Remove {name} – {form.plan.title}",
            form=form,
            item=form.stored or {},
            title_text=item_title(form.stored or {}) or name,
            blockers=[],
            errors=[{"text": web_wording(p.message), "href": ""} for p in refused.problems],
        )
        return page, 409
    flash(f"Saved as version {saved.number}: {name} removed.")
    return redirect(
        url_for("plans.section", plan_id=form.plan.id, section=form.section, _anchor=form.section)
    )


@bp.route("/plans/<plan_id>/contributions/<item_id>", methods=["GET", "POST"])
@requires(Action.EDIT_PLAN)
def contribution(plan_id: str, item_id: str) -> Response | str | tuple[str, int]:
    """The first editing page's address (a contribution by id): GET opens the generic change page; a POST
    (from a page opened before it existed) changes only the fields it sends, in the version it was read from."""
    if request.method == "GET":
        _, plan = stored_plan(state().db, plan_id)
    else:
        _, plan = _based_on(plan_id)
    index = next((i for i, c in enumerate(plan.contributions) if c.id == item_id), None)
    if index is None:
        abort(404)
    if request.method == "POST":
        return _edit(plan_id, "contributions", index, partial=True)
    return redirect(url_for("editing.change", plan_id=plan_id, section="contributions", index=index))


# --- check your answers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    key: str
    value: str
    href: str  # its Change link ("" when the viewer may not edit)
    hidden: str  # the Change link's visually hidden text


@dataclass(frozen=True, slots=True)
class AnswerSection:
    key: str
    name: str
    state: str  # complete | errors | warnings
    answers: list[Answer]
    add_href: str


def _brief(fields: tuple[Spec, ...], item: dict[str, Any], skip: set[str]) -> str:
    """A line that says what an item is: its first few short answers."""
    parts = []
    for spec in fields:
        value = item.get(spec.name)
        if spec.name in skip or value in (None, "", [], {}) or spec.kind in ("mapping", "steps"):
            continue
        parts.append(f"{spec.label}: {_answer(spec, value)}")
        if len(parts) == 5:
            break
    return "; ".join(parts) or "Not given"


def _answer(spec: Spec, value: Any, limit: int = 100) -> str:
    if value in (None, "", [], {}):
        return "Not given"
    if spec.kind == "money":
        return money(str(value))
    if spec.kind == "boolean":
        return "Yes" if value else "No"
    if spec.kind == "choice" and spec.choices:
        return dict(spec.choices).get(str(value), str(value))
    if spec.kind == "percent":
        return f"{value}%"
    if spec.kind == "rows" and isinstance(value, list):
        return f"{len(value)} {'row' if len(value) == 1 else 'rows'}"
    if spec.kind == "lines" and isinstance(value, list):
        text = "; ".join(str(v) for v in value)
    elif spec.kind == "group" and isinstance(value, dict):
        text = _brief(spec.children, value, set())
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@bp.route("/plans/<plan_id>/check-answers")
@requires(Action.VIEW_PLAN)
def check_answers(plan_id: str) -> str:
    """Every section summarised with Change links, the checklist's counts, and Submit only when nothing
    blocks it (the submit route still refuses on errors)."""
    db = state().db
    detail = show_plan(db, plan_id)
    _, plan = stored_plan(db, plan_id, detail.summary.version)
    report = check_stored(db, plan_id)
    can = abilities(plan_id)
    document = plan.model_dump(mode="json")
    sections = []
    for section, name in SECTIONS.items():
        edit = EDITABLE[section]
        fields = forms.specs(item_model(section))
        answers = []
        if edit.is_list:
            for i, item in enumerate(document[section]):
                key = str(item.get(edit.key or "", "")) or str(i + 1)
                href = (
                    url_for("editing.change", plan_id=plan_id, section=section, index=i)
                    if can["edit"]
                    else ""
                )
                answers.append(
                    Answer(key, _brief(fields, item, {edit.key or ""}), href, f"{edit.singular} {key}")
                )
            add = url_for("editing.add", plan_id=plan_id, section=section) if can["edit"] else ""
        else:
            item = document[section]
            for spec in fields:
                href = (
                    url_for(
                        "editing.change_single",
                        plan_id=plan_id,
                        section=section,
                        _anchor=forms.focus_of(spec, spec.name),
                    )
                    if can["edit"]
                    else ""
                )
                answers.append(
                    Answer(
                        spec.label, _answer(spec, item.get(spec.name)), href, forms.lower_first(spec.label)
                    )
                )
            add = ""
        sections.append(AnswerSection(section, name, section_state(section, report.findings), answers, add))
    return render_template(
        "check_answers.html",
        title=f"Check your answers – {detail.summary.title}",
        plan=detail,
        report=report,
        sections=sections,
        can=can,
    )
