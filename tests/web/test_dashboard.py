"""The dashboard shows only what the person may see; the CSV has the same rows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from carepool.services import workflow

from .helpers import OTHER, PLAN, Site, sign_in


def _csv_plans(text: str) -> list[str]:
    return [row["plan"] for row in csv.DictReader(io.StringIO(text))]


def test_national_sees_every_area_and_an_area_sees_its_own(site: Site) -> None:
    national = sign_in(site, "national-viewer")
    page = national.get("/dashboard").get_data(as_text=True)
    assert "Brackenford" in page and "Wealdshire" in page
    assert sorted(_csv_plans(national.get("/dashboard.csv").get_data(as_text=True))) == sorted([PLAN, OTHER])
    assessor = sign_in(site, "assurer")  # West Midlands: Brackenford only
    assert _csv_plans(assessor.get("/dashboard.csv").get_data(as_text=True)) == [PLAN]
    editor = sign_in(site, "editor")
    assert "Wealdshire" not in editor.get("/dashboard").get_data(as_text=True)


def test_the_dashboard_shows_money_ambition_and_charts_with_their_figures(site: Site) -> None:
    national = sign_in(site, "national-viewer")
    page = national.get("/dashboard").get_data(as_text=True)
    for chart in ("status", "pooled", "at-risk", "ambition", "assurance"):
        assert f'id="figure-{chart}"' in page and f'id="{chart}-table"' in page, chart
    assert page.count('role="img"') == 5
    rows = list(csv.DictReader(io.StringIO(national.get("/dashboard.csv").get_data(as_text=True))))
    pooled = sum((Decimal(r["pooled"]) for r in rows), Decimal(0))
    assert pooled > 0 and f"£{pooled:,.2f}" in page  # the page's total is the CSV's rows added up
    for row in rows:
        assert Decimal(row["minimum"]) >= 0 and Decimal(row["at_risk"]) >= 0
        assert f"£{Decimal(row['pooled']):,.2f}" in page


def test_an_area_sees_only_its_own_money(site: Site) -> None:
    editor = sign_in(site, "editor")
    rows = list(csv.DictReader(io.StringIO(editor.get("/dashboard.csv").get_data(as_text=True))))
    page = editor.get("/dashboard").get_data(as_text=True)
    assert [r["plan"] for r in rows] == [PLAN]
    assert f"£{Decimal(rows[0]['pooled']):,.2f} against minimums" in page


def test_kept_page_bodies_follow_every_change_and_every_viewer(site: Site) -> None:
    """The overview's body is kept per state and per what the person may do: never shown stale."""
    editor, viewer = sign_in(site, "editor"), sign_in(site, "viewer")
    assert "Submit this version" in editor.get(f"/plans/{PLAN}").get_data(as_text=True)
    assert "Submit this version" not in viewer.get(f"/plans/{PLAN}").get_data(as_text=True)
    workflow.submit(site.app.extensions["carepool"].db, PLAN, actor="someone else")  # behind the pages' back
    for client in (editor, viewer):
        page = client.get(f"/plans/{PLAN}").get_data(as_text=True)
        assert "Awaiting signature" in page and "Not yet submitted" not in page
    assert "submitted" in viewer.get("/dashboard.csv").get_data(as_text=True)
