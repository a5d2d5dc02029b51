"""The dashboard: every plan the person may see (all of them nationally, a region for an assurer) with
status, checks, pooled money against minimums, ambition, performance money and assurance — as a table,
as charts with their data tables, and as CSV."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template

from carepool.services.national import Dashboard, dashboard
from carepool.services.permissions import Action, allowed
from carepool.web.fragments import body
from carepool.web.security import me, requires
from carepool.web.state import state

bp = Blueprint("dashboard", __name__)

CSV_COLUMNS = (
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
    "pooled",
    "minimum",
    "shortfall",
    "ambition_pct",
    "at_risk",
    "released",
    "retained",
    "assurance_category",
    "open_conditions",
)


def mine() -> Dashboard:
    roles = me().assignments
    return dashboard(state().db, lambda scope: allowed(roles, Action.VIEW_PLAN, scope))


@bp.route("/dashboard")
@requires(Action.SIGNED_IN)
def show() -> str:
    board = mine()  # its key names every plan's state, who may see which, and today's date
    return render_template(
        "dashboard.html", title="Dashboard", body=body(board.key, "dashboard_body.html", board=board)
    )


@bp.route("/dashboard.csv")
@requires(Action.SIGNED_IN)
def download() -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for line in mine().lines:
        p, h = line.plan, line.headline
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
                h.pooled,
                h.minimum,
                h.shortfall,
                "" if h.ambition_pct is None else h.ambition_pct,
                h.at_risk,
                h.released,
                h.retained,
                line.category_code,
                "" if line.open_conditions is None else line.open_conditions,
            ]
        )
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=carepool-dashboard.csv"},
    )
