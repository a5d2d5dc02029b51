"""Submit (refused while errors remain, with the errors linked to their fields) and sign (bound to the
version's hash; each signatory for their own organisation)."""

from __future__ import annotations

from carepool.services.plans import show_plan

from .helpers import CONTRIBUTION, PLAN, Site, csrf_token, sign_in

SUBMIT = f"/plans/{PLAN}/submit"
SIGN = f"/plans/{PLAN}/sign"


def test_submit_is_refused_while_errors_remain(site: Site) -> None:
    editor = sign_in(site, "editor")
    edit = f"/plans/{PLAN}/contributions/{CONTRIBUTION}"
    token = csrf_token(editor, edit)
    assert editor.post(edit, data={"csrf_token": token, "based_on": "1", "amount": "0"}).status_code == 302
    checklist = editor.get(f"/plans/{PLAN}/checklist").get_data(as_text=True)
    assert "Not ready" in checklist and "govuk-tag--red" in checklist
    response = editor.post(SUBMIT, data={"csrf_token": csrf_token(editor, SUBMIT)})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "There is a problem" in page and f"/plans/{PLAN}/sections/" in page
    assert show_plan(site.app.extensions["carepool"].db, PLAN).summary.status.state == "draft"


def test_submit_then_each_signatory_signs_the_hash(site: Site) -> None:
    db = site.app.extensions["carepool"].db
    editor = sign_in(site, "editor")
    sha = show_plan(db, PLAN).summary.sha256
    assert (
        editor.post(SUBMIT, data={"csrf_token": csrf_token(editor, SUBMIT), "sha256": sha}).status_code == 302
    )
    assert show_plan(db, PLAN).summary.status.state == "submitted"

    for role, org in (("signatory", "Z2A"), ("chair", "hwb")):
        client = sign_in(site, role)
        page = client.get(SIGN).get_data(as_text=True)
        assert sha in page
        data = {"csrf_token": csrf_token(client, SIGN), "sha256": sha, "organisation": org}
        missing = client.post(SIGN, data={**data, "name": "", "role": ""})
        assert missing.status_code == 409 and 'href="#name"' in missing.get_data(as_text=True)
        signed = client.post(SIGN, data={**data, "name": f"A {role}", "role": "Signs for " + org})
        assert signed.status_code == 302
    overview = sign_in(site, "viewer").get(f"/plans/{PLAN}").get_data(as_text=True)
    assert "Signed by A signatory" in overview and "Signed by A chair" in overview
    status = show_plan(db, PLAN).summary.status
    assert {s.organisation for s in status.signatures} == {"Z2A", "hwb"}
    assert all(s.sha256 == sha for s in status.signatures)


def test_a_signature_for_a_stale_hash_is_refused(site: Site) -> None:
    editor = sign_in(site, "editor")
    assert editor.post(SUBMIT, data={"csrf_token": csrf_token(editor, SUBMIT)}).status_code == 302
    chair = sign_in(site, "chair")
    data = {"csrf_token": csrf_token(chair, SIGN), "organisation": "hwb", "name": "C", "role": "Chair"}
    response = chair.post(SIGN, data={**data, "sha256": "0" * 64})
    assert response.status_code == 409
    assert show_plan(site.app.extensions["carepool"].db, PLAN).summary.status.signatures == []
