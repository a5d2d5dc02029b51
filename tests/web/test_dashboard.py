"""The dashboard shows only what the person may see; the CSV has the same rows."""

from __future__ import annotations

import csv
import io

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
