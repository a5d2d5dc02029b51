"""What-if scenarios for a plan: named sets compared side by side with the plan as it stands (ambition,
unit cost, expected achievement, fund share), partners' exposure drawn beside its table; an area's
editors save sets, everyone who may see the plan may compare them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from carepool.problems import InputRejected
from carepool.reports.charts import BLUE, GREEN, ORANGE, PURPLE, Chart, Series, bar_chart
from carepool.services.permissions import Action
from carepool.services.scenarios import Comparison, compare, parse_scenarios, save_scenarios, saved_scenarios
from carepool.web.forms import parse_amount
from carepool.web.plans import abilities
from carepool.web.security import me, plan_entry, requires
from carepool.web.state import state

bp = Blueprint("scenarios", __name__)

ROWS = 3  # scenario rows offered on the form; blank rows are ignored
PERCENT_FIELDS = {"ambition_pct": "Ambition", "achievement_pct": "Expected achievement"}
MONEY_FIELDS = {"unit_cost": "Unit cost", "fund_share": "Fund share"}
COLOURS = (BLUE, GREEN, ORANGE, PURPLE)
Errors = list[dict[str, str]]


def exposure_chart(comparison: Comparison) -> Chart:
    """Each partner's total exposure (contribution plus share of unearned money), one bar per scenario."""
    results = comparison.results
    partners = sorted({e.partner for r in results for e in r.exposure})

    def exposure(r: Any, partner: str) -> Decimal:
        return next((e.total for e in r.exposure if e.partner == partner), Decimal(0))

    return bar_chart(
        "scenario-exposure",
        "Partners' exposure by scenario",
        "For each partner, its contribution plus the share of unearned performance money the risk share "
        "gives it, in each scenario.",
        partners,
        [
            Series(r.name, COLOURS[i % len(COLOURS)], tuple(exposure(r, p) for p in partners))
            for i, r in enumerate(results)
        ],
        "Partner",
    )


def _blank_rows() -> list[dict[str, str]]:
    return [{k: "" for k in ("name", "description", *PERCENT_FIELDS, *MONEY_FIELDS)} for _ in range(ROWS)]


def _read_form() -> tuple[str, list[dict[str, str]], dict[str, Any], Errors]:
    """The form as typed, the scenarios file it makes, and the field-level errors (stage 1)."""
    title = request.form.get("title", "").strip()
    rows, scenarios, errors = [], [], []
    for i in range(1, ROWS + 1):
        row = {k: request.form.get(f"scenario-{i}-{k}", "").strip() for k in _blank_rows()[0]}
        rows.append(row)
        if not any(row.values()):
            continue
        item: dict[str, Any] = {"name": row["name"], "description": row["description"]}
        for key, label in PERCENT_FIELDS.items():
            if row[key]:
                try:
                    item[key] = str(Decimal(row[key].rstrip("%").strip()))
                except InvalidOperation:
                    errors.append(
                        {
                            "text": f"Scenario {i}: enter the {label.lower()} as a percentage, like 3.5",
                            "href": f"#scenario-{i}-{key}",
                        }
                    )
        for key, label in MONEY_FIELDS.items():
            if row[key]:
                amount, problem = parse_amount(row[key], label)
                if problem:
                    errors.append(
                        {
                            "text": f"Scenario {i}: {problem[:1].lower()}{problem[1:]}",
                            "href": f"#scenario-{i}-{key}",
                        }
                    )
                else:
                    item[key] = f"{amount:.2f}"
        scenarios.append(item)
    if not scenarios and not errors:
        errors.append({"text": "Describe at least one scenario: give it a name", "href": "#scenario-1-name"})
    return title, rows, {"format": "carepool-scenarios/1", "scenarios": scenarios}, errors


def _href(location: str) -> str:
    """``scenarios[0].ambition_pct`` → ``#scenario-1-ambition_pct``; the title and the rest go to the top."""
    if location.startswith("scenarios["):
        index, _, rest = location.removeprefix("scenarios[").partition("]")
        key = rest.lstrip(".") or "name"
        if index.isdigit():
            return f"#scenario-{int(index) + 1}-{key.split('.')[0]}"
    return "#title"


def _page(plan_id: str, title: str, rows: list[dict[str, str]], errors: Errors) -> tuple[str, int] | str:
    entry = plan_entry(plan_id)
    sets = saved_scenarios(state().db, plan_id)
    chosen_id = request.args.get("set", "")
    chosen = next((s for s in sets if str(s.event_id) == chosen_id), sets[0] if sets else None)
    comparison = compare(state().db, plan_id, chosen.scenarios) if chosen else None
    page = render_template(
        "scenarios.html",
        title=f"Scenarios – {entry.summary.title}",
        plan=entry,
        sets=sets,
        chosen=chosen,
        comparison=comparison,
        chart=exposure_chart(comparison) if comparison else None,
        can=abilities(plan_id),
        form_title=title,
        rows=rows,
        errors=errors,
        percent_fields=PERCENT_FIELDS,
        money_fields=MONEY_FIELDS,
    )
    return (page, 400) if errors else page


@bp.route("/plans/<plan_id>/scenarios")
@requires(Action.VIEW_PLAN)
def show(plan_id: str) -> tuple[str, int] | str:
    return _page(plan_id, "", _blank_rows(), [])


@bp.route("/plans/<plan_id>/scenarios", methods=["POST"])
@requires(Action.EDIT_PLAN)
def save(plan_id: str) -> Response | tuple[str, int] | str:
    title, rows, data, errors = _read_form()
    if not title:
        errors.insert(0, {"text": "Give this set of scenarios a name", "href": "#title"})
    if not errors:
        try:
            event_id = save_scenarios(state().db, plan_id, title, parse_scenarios(data), actor=me().actor)
        except InputRejected as refused:
            errors = [
                {
                    "text": p.message if p.location in ("", "title") else f"{p.location}: {p.message}",
                    "href": _href(p.location),
                }
                for p in refused.problems
            ]
        else:
            flash(f"Saved the scenarios '{title}'.")
            return redirect(url_for("scenarios.show", plan_id=plan_id, set=event_id))
    return _page(plan_id, title, rows, errors)
