"""Editing one section end to end: a contribution's amount, saved as a new draft through the services.

The form carries the version it was read from (``based_on``); the services refuse the save if another
version was saved since, naming what changed, so a second concurrent save never overwrites the first.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from pydantic import ValidationError
from werkzeug.wrappers import Response

from carepool.model import Plan
from carepool.money import MoneyError, to_money
from carepool.problems import InputRejected, NotFound
from carepool.services.errors import Conflict
from carepool.services.permissions import Action
from carepool.services.plans import stored_plan
from carepool.services.workflow import save_draft
from carepool.web.sections import money
from carepool.web.security import me, requires
from carepool.web.state import state

bp = Blueprint("editing", __name__)


def parse_amount(text: str) -> tuple[Decimal | None, str | None]:
    """What people type (``£1,234.50``, ``1234.5``) → exact pounds, or the message to show."""
    if not text.strip():
        return None, "Enter the amount in pounds"
    if re.search(r"\.\d{3,}\s*$", text):
        return None, "The amount must be in pounds and pence, with no more than 2 decimal places"
    try:
        amount = to_money(text)
    except MoneyError:
        return None, "Enter the amount in pounds and pence, like £1,234.50"
    if amount < 0:
        return None, "The amount must be £0 or more"
    return amount, None


def web_wording(message: str) -> str:
    """The services' wording ends with what to do at the command line; say what to do here instead."""
    text = message.split(" Nothing was written")[0].rstrip(".")
    if "was saved by" in text:
        return (
            f"Someone saved this plan while you were editing it: {text}. Nothing you entered was saved. "
            "Open the contribution again to see the latest amount, then make your change."
        )
    return text[:1].upper() + text[1:]


def _index_of(plan: Plan, item_id: str) -> int:
    for i, c in enumerate(plan.contributions):
        if c.id == item_id:
            return i
    abort(404)


def _page(plan: Plan, index: int, version: int, value: str, errors: list[dict[str, str]]) -> str:
    c = plan.contributions[index]
    return render_template(
        "edit_contribution.html",
        title=f"Change contribution {c.id}",
        plan=plan,
        c=c,
        current=money(str(c.amount)),
        version=version,
        value=value,
        errors=errors,
    )


@bp.route("/plans/<plan_id>/contributions/<item_id>", methods=["GET", "POST"])
@requires(Action.EDIT_PLAN)
def contribution(plan_id: str, item_id: str) -> Response | str | tuple[str, int]:
    db = state().db
    if request.method == "GET":
        version, plan = stored_plan(db, plan_id)
        index = _index_of(plan, item_id)
        return _page(plan, index, version.number, str(plan.contributions[index].amount), [])
    based_on_text = request.form.get("based_on", "")
    if not based_on_text.isdigit():
        abort(400)
    try:
        version, plan = stored_plan(db, plan_id, int(based_on_text))
    except NotFound:
        abort(400)
    index = _index_of(plan, item_id)
    value = request.form.get("amount", "")
    amount, problem = parse_amount(value)
    if amount is None:
        return _page(plan, index, version.number, value, [{"text": problem or "", "href": "#amount"}]), 400
    data: dict[str, Any] = plan.model_dump(mode="json")
    data["contributions"][index]["amount"] = f"{amount:.2f}"
    try:
        edited = Plan.model_validate(data)
        saved = save_draft(db, edited, based_on=version.number, actor=me().actor)
    except ValidationError as exc:
        text = "; ".join(str(e["msg"]) for e in exc.errors())
        return _page(plan, index, version.number, value, [{"text": text, "href": "#amount"}]), 400
    except (Conflict, InputRejected) as refused:
        errors = [{"text": web_wording(p.message), "href": "#amount"} for p in refused.problems]
        return _page(plan, index, version.number, value, errors), 409
    if saved.result == "unchanged":
        flash(f"Nothing changed: contribution {item_id} was already {money(f'{amount:.2f}')}.")
    else:
        flash(f"Saved as version {saved.number}: contribution {item_id} is now {money(f'{amount:.2f}')}.")
    return redirect(
        url_for("plans.section", plan_id=plan_id, section="contributions", _anchor=f"contributions-{index}")
    )
