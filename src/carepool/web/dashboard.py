"""The dashboard: every plan the person may see (all of them nationally, a region for an assurer) with
status and checklist counts, as a table and as CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from flask import Blueprint, Response, render_template

from carepool.services.checks import check_stored
from carepool.services.permissions import Action, PlanScope, allowed
from carepool.services.plans import PlanSummary, list_plans
from carepool.web.security import me, region_of, requires
from carepool.web.state import state

bp = Blueprint("dashboard", __name__)


@dataclass(frozen=True, slots=True)
class Line:
    plan: PlanSummary
    region: str
    errors: int
    warnings: int


def lines() -> list[Line]:
    who = me()
    out = []
    for p in sorted(list_plans(state().db), key=lambda s: (s.area_name, s.id)):
        region = region_of(p.area_code, "")
        if allowed(who.assignments, Action.VIEW_PLAN, PlanScope(p.area_code, region)):
            counts = check_stored(state().db, p.id).counts()
            out.append(Line(p, region, counts["error"], counts["warning"]))
    return out


@bp.route("/dashboard")
@requires(Action.SIGNED_IN)
def show() -> str:
    found = lines()
    states = Counter(line.plan.status.label for line in found)
    return render_template("dashboard.html", title="Dashboard", lines=found, states=sorted(states.items()))


@bp.route("/dashboard.csv")
@requires(Action.SIGNED_IN)
def download() -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "plan",
            "area_code",
            "area",
            "region",
            "policy",
            "version",
            "sha256",
            "status",
            "errors",
            "warnings",
            "assurance_category",
            "open_conditions",
        ]
    )
    for line in lines():
        p = line.plan
        writer.writerow(
            [
                p.id,
                p.area_code,
                p.area_name,
                line.region,
                p.policy,
                p.version,
                p.sha256,
                p.status.label,
                line.errors,
                line.warnings,
                p.status.assurance.category if p.status.assurance else "",
                len(p.status.assurance.open_conditions) if p.status.assurance else "",
            ]
        )
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=carepool-dashboard.csv"},
    )
