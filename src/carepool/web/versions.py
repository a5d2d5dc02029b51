"""A plan's versions with their hashes, the field-by-field diff between two versions, and its audit
trail (the timeline of events, with the hash chain verified)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template

from carepool.problems import NotFound
from carepool.services.assurance import KLOES
from carepool.services.audit import TimelineEntry, timeline, verify_audit_chain
from carepool.services.events import Kind
from carepool.services.permissions import Action
from carepool.services.plans import diff_versions, list_versions, show_plan
from carepool.services.status import category_label
from carepool.web.security import requires
from carepool.web.state import state

bp = Blueprint("versions", __name__)


@bp.route("/plans/<plan_id>/versions")
@requires(Action.VIEW_PLAN)
def index(plan_id: str) -> str:
    detail = show_plan(state().db, plan_id)
    return render_template(
        "versions.html",
        title=f"Versions – {detail.summary.title}",
        plan=detail,
        versions=list(reversed(list_versions(state().db, plan_id))),
        events=[(e, describe(e)) for e in reversed(timeline(state().db, plan_id))],
    )


@bp.route("/plans/<plan_id>/versions/<int:a>/diff/<int:b>")
@requires(Action.VIEW_PLAN)
def diff(plan_id: str, a: int, b: int) -> str:
    try:
        found = diff_versions(state().db, plan_id, a, b)
    except NotFound:
        abort(404)
    detail = show_plan(state().db, plan_id)
    return render_template(
        "diff.html",
        title=f"Changes from version {a} to version {b} – {detail.summary.title}",
        plan=detail,
        diff=found,
        shown=shown,
    )


def shown(value: Any) -> str:
    """A changed value as people read it (money and text as stored, structures compactly)."""
    if isinstance(value, dict | list):
        text = repr(value)
        return text if len(text) <= 300 else text[:297] + "…"
    return str(value)


def describe(entry: TimelineEntry) -> str:
    """The timeline's own summary, with the assurance events spelled out."""
    d = entry.detail
    if entry.kind == Kind.ASSURED:
        conditions = d.get("conditions", [])
        lines = ", ".join(KLOES.get(str(k), str(k)) for k in d.get("notes", {}))
        text = f"version {entry.version} assured: {category_label(str(d.get('category', '')))}"
        if conditions:
            text += f" with {len(conditions)} condition{'' if len(conditions) == 1 else 's'}"
        return text + (f"; notes on {lines}" if lines else "")
    if entry.kind == Kind.CONDITION_CLEARED:
        note = f": {d.get('note')}" if d.get("note") else ""
        return f"condition {d.get('condition')} of the assurance on version {entry.version} cleared{note}"
    return entry.summary


@bp.route("/plans/<plan_id>/audit")
@requires(Action.VIEW_PLAN)
def audit(plan_id: str) -> str:
    detail = show_plan(state().db, plan_id)
    entries = timeline(state().db, plan_id)
    report = verify_audit_chain(state().db)
    ours = (*(f"event {e.id} " for e in entries), f"plan {plan_id} ")
    mine = [p for p in report.problems if p.startswith(ours)]
    return render_template(
        "audit.html",
        title=f"Audit trail – {detail.summary.title}",
        plan=detail,
        entries=[(e, describe(e)) for e in reversed(entries)],
        chain_ok=report.ok,
        problems=mine,
        elsewhere=len(report.problems) - len(mine),
        last_hash=report.last_hash,
        total=report.events,
    )
