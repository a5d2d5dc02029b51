"""The JSON API's writes end to end: save a draft (optimistic, all or nothing), submit, sign, record
assurance and clear a condition; CSRF on every POST; refusals in one JSON shape with nothing written."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from carepool.services.audit import timeline
from carepool.services.plans import list_versions, show_plan, stored_plan

from .apihelpers import api_token, conforms, post_json, refused, written
from .helpers import CONTRIBUTION, PLAN, Site, sign_in

SAVE = f"/api/v1/plans/{PLAN}/versions"
SUBMIT = f"/api/v1/plans/{PLAN}/submit"
SIGN = f"/api/v1/plans/{PLAN}/sign"
ASSURE = f"/api/v1/plans/{PLAN}/assurance"
DUE = (date.today() + timedelta(days=90)).isoformat()


def _db(site: Site) -> Any:
    return site.app.extensions["carepool"].db


def _latest(client: FlaskClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/api/v1/plans/{PLAN}").get_json()
    return found


def _with_amount(doc: dict[str, Any], amount: str) -> dict[str, Any]:
    edited = json.loads(json.dumps(doc))
    assert edited["contributions"][0]["id"] == CONTRIBUTION
    edited["contributions"][0]["amount"] = amount
    return edited


def _kinds(site: Site) -> list[str]:
    return [e.kind for e in timeline(_db(site), PLAN)]


# --- saving a draft -----------------------------------------------------------------------------------


def test_save_a_new_draft_end_to_end(site: Site) -> None:
    client = sign_in(site, "editor")
    latest = _latest(client)
    before = _kinds(site)
    response = post_json(
        client, SAVE, {"based_on": 1, "document": _with_amount(latest["document"], "1234.50")}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    conforms(body, "Saved")
    assert body["version"] == 2 and body["based_on"] == 1 and body["result"] == "new_version"
    assert body["changes"] == [{"path": "contributions[0].amount", "old": "5904107.00", "new": "1234.50"}]
    assert body["checks"]["counts"]["error"] >= 0
    assert response.headers["Location"] == f"/api/v1/plans/{PLAN}/versions/2"
    again = client.get(response.headers["Location"]).get_json()
    conforms(again, "PlanVersion")
    assert again["version"] == 2 and again["sha256"] == body["sha256"]
    assert again["document"]["contributions"][0]["amount"] == "1234.50"
    version, plan = stored_plan(_db(site), PLAN)
    assert (
        version.number == 2 and version.based_on == 1 and version.created_by.endswith("<brackenford-editor>")
    )
    assert str(plan.contributions[0].amount) == "1234.50"
    assert _kinds(site) == [*before, "draft_saved"]
    # A version is addressable by its sha256 too.
    by_hash = post_json(
        client, SAVE, {"based_on": body["sha256"], "document": _with_amount(again["document"], "1.00")}
    )
    assert by_hash.status_code == 201 and by_hash.get_json()["version"] == 3


def test_saving_the_same_document_changes_nothing(site: Site) -> None:
    client = sign_in(site, "editor")
    response = post_json(client, SAVE, {"based_on": 1, "document": _latest(client)["document"]})
    assert response.status_code == 200
    body = response.get_json()
    conforms(body, "Saved")
    assert body["result"] == "unchanged" and body["version"] == 1 and body["changes"] == []
    assert written(site, PLAN)[0] == 1


def test_the_second_of_two_concurrent_saves_is_refused_naming_what_changed(site: Site) -> None:
    first, second = sign_in(site, "editor"), sign_in(site, "editor")
    doc = _latest(first)["document"]
    assert post_json(first, SAVE, {"based_on": 1, "document": _with_amount(doc, "100.00")}).status_code == 201
    before = written(site, PLAN)
    edited = json.loads(json.dumps(doc))
    edited["title"] = "Another title"
    [problem] = refused(post_json(second, SAVE, {"based_on": 1, "document": edited}), 409, "conflict")
    assert problem["location"] == "based_on" and problem["stage"] == "conflict"
    assert "you edited version 1, but version 2 was saved by" in problem["message"]
    assert "contributions[0].amount" in problem["message"]
    assert problem["found"].startswith("v1 ") and problem["expected"].startswith("v2 ")
    assert written(site, PLAN) == before
    assert str(stored_plan(_db(site), PLAN)[1].contributions[0].amount) == "100.00"


def test_a_document_that_breaks_the_plan_format_is_refused_field_by_field(site: Site) -> None:
    client = sign_in(site, "editor")
    doc = _latest(client)["document"]
    before = written(site, PLAN)
    bad = _with_amount(doc, "twelve pounds")
    bad["schemes"][0]["name"] = 42
    problems = refused(post_json(client, SAVE, {"based_on": 1, "document": bad}), 422, "invalid")
    places = {p["location"] for p in problems}
    assert "document.contributions[0].amount" in places and "document.schemes[0].name" in places
    amount = next(p for p in problems if p["location"] == "document.contributions[0].amount")
    assert "twelve pounds" in amount["found"]

    wrong_ref = json.loads(json.dumps(doc))
    wrong_ref["contributions"][0]["pool"] = "NO-SUCH-POOL"
    [p] = refused(post_json(client, SAVE, {"based_on": 1, "document": wrong_ref}), 422, "invalid")
    assert p["location"] == "document.contributions[0].pool" and p["found"] == "NO-SUCH-POOL"

    other_id = {**doc, "id": "demo-wealdshire-2015-16"}
    [p] = refused(post_json(client, SAVE, {"based_on": 1, "document": other_id}), 422, "invalid")
    assert p["location"] == "document.id" and p["expected"] == PLAN

    other_area = json.loads(json.dumps(doc))
    other_area["area"]["ons_code"] = "E06000999"
    problems = refused(post_json(client, SAVE, {"based_on": 1, "document": other_area}), 422, "invalid")
    assert "document.area.ons_code" in {p["location"] for p in problems}

    [p] = refused(post_json(client, SAVE, {"based_on": 9, "document": doc}), 422, "invalid")
    assert p["location"] == "based_on" and p["found"] == "9"
    assert written(site, PLAN) == before


def _raw(client: FlaskClient, url: str, data: bytes | str, content_type: str = "application/json") -> Any:
    return client.post(url, data=data, content_type=content_type, headers={"X-CSRFToken": api_token(client)})


def test_unreadable_bodies_get_a_clear_400_and_nothing_is_written(site: Site) -> None:
    client = sign_in(site, "editor")
    doc = _latest(client)["document"]
    before = written(site, PLAN)

    [p] = refused(
        _raw(client, SAVE, "based_on=1", "application/x-www-form-urlencoded"), 415, "unsupported_media_type"
    )
    assert p["location"] == "Content-Type" and p["expected"] == "application/json"
    [p] = refused(_raw(client, SAVE, '{"based_on": 1,'), 400, "bad_request")
    assert p["location"].startswith("line 1 column") and "not valid JSON" in p["message"]
    [p] = refused(_raw(client, SAVE, b"\xff\xfe{}"), 400, "bad_request")
    assert "UTF-8" in p["message"]
    refused(_raw(client, SAVE, ""), 400, "bad_request")
    refused(_raw(client, SAVE, '{"based_on": NaN, "document": {}}'), 400, "bad_request")
    refused(_raw(client, SAVE, "[" * 100_000 + "]" * 100_000), 400, "bad_request")
    [p] = refused(post_json(client, SAVE, [1, 2]), 400, "bad_request")
    assert p["found"] == "a list" and p["expected"] == "an object"

    problems = refused(
        post_json(client, SAVE, {"plan": PLAN, "version": 1, "document": doc}), 400, "bad_request"
    )
    assert {p["location"] for p in problems} == {"plan", "version"}
    assert all(p["message"] == "unknown field" for p in problems)

    problems = refused(post_json(client, SAVE, {"based_on": "latest", "document": [doc]}), 400, "bad_request")
    by_place = {p["location"]: p for p in problems}
    assert by_place["based_on"]["found"] == "the text 'latest'"
    assert by_place["based_on"]["expected"] == "a version number (e.g. 3) or that version's full sha256"
    assert by_place["document"]["found"] == "a list"
    for based_on in (True, 0, -1, 1.5, "abc123", None):
        [p] = refused(post_json(client, SAVE, {"based_on": based_on, "document": doc}), 400, "bad_request")
        assert p["location"] == "based_on", based_on
    problems = refused(post_json(client, SAVE, {}), 400, "bad_request")
    assert {(p["location"], p["found"]) for p in problems} == {
        ("based_on", "nothing"),
        ("document", "nothing"),
    }

    big = {"based_on": 1, "document": {**doc, "narrative": {"x": "y" * (2 * 1024 * 1024)}}}
    refused(post_json(client, SAVE, big), 413, "too_large")
    assert written(site, PLAN) == before


def test_money_sent_as_a_json_number_keeps_its_pence(site: Site) -> None:
    client = sign_in(site, "editor")
    doc = _latest(client)["document"]
    text = json.dumps({"based_on": 1, "document": doc}).replace('"5904107.00"', "1234567.10", 1)
    response = _raw(client, SAVE, text)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["changes"] == [
        {"path": "contributions[0].amount", "old": "5904107.00", "new": "1234567.10"}
    ]


# --- CSRF -------------------------------------------------------------------------------------------


def test_every_post_needs_the_sessions_csrf_token_in_the_header(site: Site) -> None:
    client = sign_in(site, "editor")
    doc = _latest(client)["document"]
    body = {"based_on": 1, "document": _with_amount(doc, "1.00")}
    before = written(site, PLAN)
    [p] = refused(post_json(client, SAVE, body, token=None), 400, "csrf_failed")
    assert p["location"] == "X-CSRFToken" and "missing" in p["message"]
    refused(post_json(client, SAVE, body, token="not-a-token"), 400, "csrf_failed")
    someone_else = api_token(sign_in(site, "editor"))  # a real token, of another session
    refused(post_json(client, SAVE, body, token=someone_else), 400, "csrf_failed")
    for url in (SUBMIT, SIGN, ASSURE, f"{ASSURE}/conditions/1/clear"):
        refused(post_json(client, url, {"version": 1}, token=None), 400, "csrf_failed")
    assert written(site, PLAN) == before
    # Reads need no token; the right one lets the write through.
    assert client.get(f"/api/v1/plans/{PLAN}").status_code == 200
    assert post_json(client, SAVE, body).status_code == 201


def test_signing_in_starts_a_new_token(site: Site) -> None:
    client = site.app.test_client()
    before = api_token(client)  # signed with a time stamp: compare what it admits, not its text
    client.post(
        "/sign-in",
        data={
            "csrf_token": before,
            "username": "brackenford-editor",
            "password": site.passwords["brackenford-editor"],
        },
    )
    after = api_token(client)
    refused(post_json(client, SUBMIT, {"version": 1}, token=before), 400, "csrf_failed")
    response = post_json(client, SUBMIT, {"version": 1}, token=after)
    assert response.get_json().get("error") != "csrf_failed"  # the new token is the one that works


# --- submit, sign, assure, clear ---------------------------------------------------------------------


def test_submit_sign_assure_and_clear_end_to_end(site: Site) -> None:
    db = _db(site)
    sha = show_plan(db, PLAN).summary.sha256
    start = _kinds(site)

    editor = sign_in(site, "editor")
    response = post_json(editor, SUBMIT, {"version": sha})
    assert response.status_code == 200, response.get_json()
    conforms(response.get_json(), "Submitted")
    assert response.get_json()["submitted"] is True
    assert show_plan(db, PLAN).summary.status.state == "submitted"

    signatory = sign_in(site, "signatory")
    response = post_json(
        signatory, SIGN, {"version": sha, "role": "Director of Finance"}
    )  # signs for Z2A only
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    conforms(body, "Signed")
    assert body["organisation"] == "Z2A"
    [signature] = body["status"]["signatures"]
    assert signature["sha256"] == sha and signature["role"] == "Director of Finance"
    assert signature["name"]  # the account's name, when none is given

    chair = sign_in(site, "chair")
    body = {"version": 1, "organisation": "hwb", "name": "A Chair", "role": "Chair of the HWB"}
    assert post_json(chair, SIGN, body).status_code == 200

    assurer = sign_in(site, "assurer")
    categories = assurer.get(ASSURE).get_json()["categories"]
    assert "approved_subject_to_conditions" in categories
    decision = {
        "version": sha,
        "category": "approved_subject_to_conditions",
        "notes": {"finance": "Pooled totals reconcile."},
        "conditions": [
            {"text": "Sign the section 75 agreement", "due": DUE},
            {"text": "Publish the plan", "due": DUE},
        ],
    }
    response = post_json(assurer, ASSURE, decision)
    assert response.status_code == 200, response.get_json()
    conforms(response.get_json(), "StatusResult")
    assurance = response.get_json()["status"]["assurance"]
    assert assurance["category"] == "approved_subject_to_conditions" and assurance["open_conditions"] == 2
    refused(post_json(assurer, ASSURE, decision), 409, "conflict")  # one decision per version

    response = post_json(assurer, f"{ASSURE}/conditions/1/clear", {"note": "Signed on 1 May"})
    assert response.status_code == 200
    conforms(response.get_json(), "Cleared")
    assert response.get_json()["status"]["assurance"]["open_conditions"] == 1
    [p] = refused(post_json(assurer, f"{ASSURE}/conditions/1/clear", {}), 409, "conflict")
    assert "already cleared" in p["message"]
    [p] = refused(post_json(assurer, f"{ASSURE}/conditions/7/clear", {}), 422, "invalid")
    assert p["location"] == "condition" and p["expected"] == "1 to 2"
    assert _kinds(site) == [*start, "submitted", "signed", "signed", "assured", "condition_cleared"]
    assert written(site, PLAN)[0] == 1  # none of this makes a version


def test_submit_is_refused_while_the_checks_report_errors(site: Site) -> None:
    editor = sign_in(site, "editor")
    doc = _latest(editor)["document"]
    saved = post_json(editor, SAVE, {"based_on": 1, "document": _with_amount(doc, "0.00")}).get_json()
    assert saved["checks"]["ok"] is False
    before = written(site, PLAN)
    problems = refused(post_json(editor, SUBMIT, {"version": 2}), 409, "checks_failed")
    assert all(p["stage"] == "check" for p in problems)
    fin001 = next(p for p in problems if p["message"].startswith("FIN-001: "))  # led by the check's code
    assert fin001["location"].startswith("minimums[") and fin001["found"] == "£0.00"
    [p] = refused(post_json(editor, SUBMIT, {"version": 1}), 409, "conflict")  # not the latest
    assert p["location"] == "version"
    assert written(site, PLAN) == before
    assert show_plan(_db(site), PLAN).summary.status.state == "draft"


def test_sign_refusals(site: Site) -> None:
    chair = sign_in(site, "chair")
    body = {"version": 1, "organisation": "hwb", "role": "Chair"}
    [p] = refused(post_json(chair, SIGN, body), 409, "conflict")  # still a draft
    assert "submit it before anyone signs" in p["message"]
    assert post_json(sign_in(site, "editor"), SUBMIT, {"version": 1}).status_code == 200
    before = written(site, PLAN)
    [p] = refused(post_json(chair, SIGN, {**body, "organisation": "Z2A"}), 403, "forbidden")
    assert p["location"] == "organisation" and p["expected"] == "hwb"
    [p] = refused(post_json(chair, SIGN, {**body, "version": "0" * 64}), 422, "invalid")
    assert p["location"] == "version" and p["found"] == "0" * 64
    [p] = refused(post_json(chair, SIGN, {"version": 1, "organisation": "hwb"}), 400, "bad_request")
    assert p["location"] == "role"
    [p] = refused(post_json(chair, SIGN, {**body, "role": "   "}), 422, "invalid")
    assert p["location"] == "role"
    refused(post_json(chair, SIGN, {**body, "name": "x" * 201}), 400, "bad_request")
    assert written(site, PLAN) == before
    assert post_json(chair, SIGN, body).status_code == 200
    [p] = refused(post_json(chair, SIGN, body), 409, "conflict")
    assert "already signed" in p["message"]


def test_assurance_refusals_name_the_field(site: Site) -> None:
    assurer = sign_in(site, "assurer")
    good = {"version": 1, "category": "approved", "notes": {"finance": "Fine."}}
    [p] = refused(post_json(assurer, ASSURE, good), 409, "conflict")  # a draft is not assured
    assert p["location"] == "status"
    assert post_json(sign_in(site, "editor"), SUBMIT, {"version": 1}).status_code == 200
    before = written(site, PLAN)

    problems = refused(
        post_json(assurer, ASSURE, {**good, "category": "splendid", "notes": {"nonsense": "x"}}),
        422,
        "invalid",
    )
    assert {p["location"] for p in problems} >= {"category", "notes.nonsense"}
    past = {"text": "Late", "due": "2001-01-01"}
    problems = refused(
        post_json(
            assurer, ASSURE, {**good, "category": "approved_subject_to_conditions", "conditions": [past]}
        ),
        422,
        "invalid",
    )
    assert [p["location"] for p in problems] == ["conditions[0].due"]  # counted from 0, as in the body
    problems = refused(
        post_json(
            assurer,
            ASSURE,
            {**good, "notes": {"finance": 3}, "conditions": [{"text": 1, "due": "31/03/2016"}, "x"]},
        ),
        400,
        "bad_request",
    )
    assert {p["location"] for p in problems} == {
        "notes.finance",
        "conditions[0].text",
        "conditions[0].due",
        "conditions[1]",
    }
    refused(
        post_json(assurer, ASSURE, {**good, "conditions": [{"text": "t", "due": DUE, "owner": "x"}]}),
        400,
        "bad_request",
    )
    refused(post_json(assurer, ASSURE, {**good, "version": 2}), 409, "conflict")
    assert written(site, PLAN) == before


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (SAVE, {"based_on": 1, "document": {}}),
        (SUBMIT, {"version": 1}),
        (SIGN, {"version": 1, "role": "r"}),
        (ASSURE, {"version": 1, "category": "approved", "notes": {"finance": "x"}}),
        (f"{ASSURE}/conditions/1/clear", {}),
    ],
)
def test_a_viewer_may_not_write(site: Site, url: str, body: dict[str, Any]) -> None:
    client = sign_in(site, "viewer")
    before = written(site, PLAN)
    refused(post_json(client, url, body), 403, "forbidden")
    assert written(site, PLAN) == before
    anonymous = site.app.test_client()
    refused(post_json(anonymous, url, body), 401, "unauthorised")


def test_server_errors_are_json_without_a_trace(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    import carepool.web.api as api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api, "submit_version", broken)
    site.app.config["PROPAGATE_EXCEPTIONS"] = False
    response = post_json(sign_in(site, "editor"), SUBMIT, {"version": 1})
    refused(response, 500, "server_error")
    assert "secret" not in response.get_data(as_text=True) and "Traceback" not in response.get_data(
        as_text=True
    )
    assert [v.number for v in list_versions(_db(site), PLAN)] == [1]
