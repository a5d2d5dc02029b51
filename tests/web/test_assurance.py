"""Assurance in the browser's terms: the assurer's list, the decision form with its error summary,
conditions cleared, the outcome on the area's overview, and a new round after a resubmission. Also the
version diff page and the audit page."""

from __future__ import annotations

import csv
import io
from datetime import date

from carepool.services.plans import show_plan
from carepool.store.db import SqlDatabase
from conftest import tamper

from .helpers import CONTRIBUTION, OTHER, PLAN, Site, csrf_token, sign_in

ASSURANCE = f"/plans/{PLAN}/assurance"
NEXT_YEAR = str(date.today().year + 1)


def submit(site: Site) -> str:
    editor = sign_in(site, "editor")
    url = f"/plans/{PLAN}/submit"
    assert editor.post(url, data={"csrf_token": csrf_token(editor, url)}).status_code == 302
    return show_plan(site.app.extensions["carepool"].db, PLAN).summary.sha256


def decision(token: str, sha: str, **extra: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "sha256": sha,
        "category": "approved_subject_to_conditions",
        "kloe-finance": "Pooled totals reconcile with the minimum.",
        "condition-1-text": "Sign the section 75 agreement",
        "condition-1-day": "9",
        "condition-1-month": "1",
        "condition-1-year": NEXT_YEAR,
        "condition-2-text": "Confirm the seven-day services plan",
        "condition-2-day": "31",
        "condition-2-month": "3",
        "condition-2-year": NEXT_YEAR,
        **extra,
    }


def test_the_assurer_lists_plans_in_their_region_only(site: Site) -> None:
    page = sign_in(site, "assurer").get("/assurance").get_data(as_text=True)
    assert PLAN in page and OTHER not in page
    assert 'href="/assurance"' in page  # in the navigation
    admin = sign_in(site, "admin").get("/assurance").get_data(as_text=True)
    assert PLAN in admin and OTHER in admin


def test_a_draft_offers_no_form(site: Site) -> None:
    page = sign_in(site, "assurer").get(ASSURANCE).get_data(as_text=True)
    assert "is a draft" in page and 'name="category"' not in page


def test_record_a_decision_with_errors_first_then_clear_conditions(site: Site) -> None:
    sha = submit(site)
    assurer = sign_in(site, "assurer")
    page = assurer.get(ASSURANCE).get_data(as_text=True)
    assert sha in page and 'id="category"' in page and 'id="kloe-finance"' in page
    token = csrf_token(assurer, ASSURANCE)

    missing = assurer.post(ASSURANCE, data={"csrf_token": token, "sha256": sha})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 409
    assert 'href="#category"' in text and "govuk-error-summary" in text

    bad_date = assurer.post(
        ASSURANCE, data=decision(token, sha, **{"condition-2-day": "31", "condition-2-month": "2"})
    )
    assert bad_date.status_code == 409
    assert 'href="#condition-2-day"' in bad_date.get_data(as_text=True)

    no_notes = assurer.post(ASSURANCE, data=decision(token, sha, **{"kloe-finance": ""}))
    assert no_notes.status_code == 409 and 'href="#kloe-' in no_notes.get_data(as_text=True)

    stale = assurer.post(ASSURANCE, data=decision(token, "0" * 64))
    assert stale.status_code == 409 and "moved on" in stale.get_data(as_text=True)

    done = assurer.post(ASSURANCE, data=decision(token, sha))
    assert done.status_code == 302
    status = show_plan(site.app.extensions["carepool"].db, PLAN).summary.status
    assert status.label == "assured: approved subject to conditions (2 open)"

    overview = sign_in(site, "viewer").get(f"/plans/{PLAN}").get_data(as_text=True)
    assert "Sign the section 75 agreement" in overview and "2 open" in overview
    assert "Mark as cleared" not in overview

    cleared = assurer.post(f"{ASSURANCE}/conditions/1/clear", data={"csrf_token": token})
    assert cleared.status_code == 302
    again = assurer.post(f"{ASSURANCE}/conditions/1/clear", data={"csrf_token": token})
    assert again.status_code == 409 and "already cleared" in again.get_data(as_text=True)
    assert "(1 open)" in show_plan(site.app.extensions["carepool"].db, PLAN).summary.status.label

    audit = sign_in(site, "editor").get(f"/plans/{PLAN}/audit").get_data(as_text=True)
    assert "Chain verified" in audit
    assert "assured: approved subject to conditions with 2 conditions" in audit
    assert "condition 1 of the assurance on version 1 cleared" in audit


def test_a_form_without_the_csrf_token_is_refused(site: Site) -> None:
    sha = submit(site)
    response = sign_in(site, "assurer").post(ASSURANCE, data=decision("", sha))
    assert response.status_code == 400
    assert show_plan(site.app.extensions["carepool"].db, PLAN).summary.status.assurance is None


def test_a_resubmission_needs_its_own_assurance_and_the_diff_shows_the_change(site: Site) -> None:
    sha = submit(site)
    assurer = sign_in(site, "assurer")
    token = csrf_token(assurer, ASSURANCE)
    assert assurer.post(ASSURANCE, data=decision(token, sha)).status_code == 302

    editor = sign_in(site, "editor")
    edit = f"/plans/{PLAN}/contributions/{CONTRIBUTION}"
    data = {"csrf_token": csrf_token(editor, edit), "based_on": "1", "amount": "£7,000,000.00"}
    assert editor.post(edit, data=data).status_code == 302
    overview = editor.get(f"/plans/{PLAN}").get_data(as_text=True)
    assert "Version 1 was assured as approved subject to conditions" in overview
    assert "needs its own assurance" in overview
    assert "is a draft" in assurer.get(ASSURANCE).get_data(as_text=True)

    diff = editor.get(f"/plans/{PLAN}/versions/1/diff/2")
    text = diff.get_data(as_text=True)
    assert diff.status_code == 200 and "1 field changed" in text and "7000000" in text
    assert "Compare with version 1" in editor.get(f"/plans/{PLAN}/versions").get_data(as_text=True)
    assert editor.get(f"/plans/{PLAN}/versions/1/diff/9").status_code == 404


def test_the_audit_page_says_when_the_chain_does_not_verify(site: Site) -> None:
    sha = submit(site)
    assurer = sign_in(site, "assurer")
    assert assurer.post(ASSURANCE, data=decision(csrf_token(assurer, ASSURANCE), sha)).status_code == 302
    db = site.app.extensions["carepool"].db
    assert isinstance(db, SqlDatabase)
    tamper(db.engine, "UPDATE events SET actor = 'mallory' WHERE kind = 'assured'")
    page = sign_in(site, "viewer").get(f"/plans/{PLAN}/audit").get_data(as_text=True)
    assert "Chain verified" not in page and "does not verify" in page
    assert "(assured): its content does not match its hash" in page


def test_the_api_gives_the_outcome(site: Site) -> None:
    sha = submit(site)
    assurer = sign_in(site, "assurer")
    assert assurer.post(ASSURANCE, data=decision(csrf_token(assurer, ASSURANCE), sha)).status_code == 302
    got = sign_in(site, "viewer").get(f"/api/v1/plans/{PLAN}/assurance").get_json()
    assert got["state"] == "assured" and got["current"]["sha256"] == sha
    assert [c["text"] for c in got["current"]["conditions"]] == [
        "Sign the section 75 agreement",
        "Confirm the seven-day services plan",
    ]
    assert got["categories"][0] == "approved" and "finance" in got["lines_of_enquiry"]
    listed = sign_in(site, "viewer").get("/api/v1/plans").get_json()["plans"]
    assert listed[0]["state"] == "assured"


def test_the_dashboard_shows_assurance_categories(site: Site) -> None:
    sha = submit(site)
    assurer = sign_in(site, "assurer")
    assert assurer.post(ASSURANCE, data=decision(csrf_token(assurer, ASSURANCE), sha)).status_code == 302
    national = sign_in(site, "national-viewer")
    assert "(2 open conditions)" in national.get("/dashboard").get_data(as_text=True)
    rows = {
        r["plan"]: r
        for r in csv.DictReader(io.StringIO(national.get("/dashboard.csv").get_data(as_text=True)))
    }
    assert (rows[PLAN]["assurance_category"], rows[PLAN]["open_conditions"]) == (
        "approved_subject_to_conditions",
        "2",
    )
    assert rows[OTHER]["assurance_category"] == ""
