"""Each page type renders with GOV.UK Frontend, and the checklist links each finding to its field."""

from __future__ import annotations

import pytest

from carepool.web.sections import SECTIONS

from .helpers import OTHER, PLAN, Site, sign_in


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_section_page_renders(site: Site, section: str) -> None:
    page = sign_in(site, "viewer").get(f"/plans/{PLAN}/sections/{section}").get_data(as_text=True)
    assert f">{SECTIONS[section]}</h1>" in page
    assert "govuk-frontend.min.css" in page


def test_overview_is_a_task_list_of_sections(site: Site) -> None:
    page = sign_in(site, "editor").get(f"/plans/{PLAN}").get_data(as_text=True)
    assert "govuk-task-list" in page
    for key in SECTIONS:
        assert f"/plans/{PLAN}/sections/{key}" in page
    assert "Submit this version" in page and "Sign this version" not in page


def test_checklist_links_findings_to_fields(site: Site) -> None:
    page = sign_in(site, "admin").get(f"/plans/{OTHER}/checklist").get_data(as_text=True)
    assert "govuk-tag--orange" in page  # the county plan has a warning
    assert f'href="/plans/{OTHER}/' in page


def test_versions_page_shows_the_full_hash(site: Site) -> None:
    client = sign_in(site, "viewer")
    sha = client.get(f"/api/v1/plans/{PLAN}").get_json()["sha256"]
    page = client.get(f"/plans/{PLAN}/versions").get_data(as_text=True)
    assert sha in page and "plan created as version 1" in page


def test_pages_send_security_headers(site: Site) -> None:
    response = site.app.test_client().get("/sign-in")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
