"""Changing ids in URLs: another area's plan is "not found" for pages, forms and the API alike."""

from __future__ import annotations

import pytest

from .helpers import OTHER, PLAN, Site, csrf_token, sign_in

OTHER_PAGES = [
    f"/plans/{OTHER}",
    f"/plans/{OTHER}/sections/contributions",
    f"/plans/{OTHER}/checklist",
    f"/plans/{OTHER}/versions",
    f"/plans/{OTHER}/submit",
    f"/plans/{OTHER}/sign",
    f"/plans/{OTHER}/contributions/WS-14-01",
    f"/plans/{OTHER}/sections/pools/0/change",
    f"/plans/{OTHER}/sections/pools/add",
    f"/plans/{OTHER}/sections/pools/0/remove",
    f"/plans/{OTHER}/sections/s75/change",
    f"/plans/{OTHER}/check-answers",
    f"/plans/{OTHER}/assurance",
    f"/plans/{OTHER}/audit",
    f"/plans/{OTHER}/versions/1/diff/1",
    f"/plans/{OTHER}/monitoring",
    f"/plans/{OTHER}/monitoring/template",
    f"/api/v1/plans/{OTHER}",
    f"/api/v1/plans/{OTHER}/checks",
    f"/api/v1/plans/{OTHER}/assurance",
    f"/api/v1/plans/{OTHER}/versions/1",
    f"/plans/{OTHER}/template.xlsx",
    f"/plans/{OTHER}/plan.json",
    f"/plans/{OTHER}/upload",
]


@pytest.mark.parametrize("role", ["editor", "signatory", "chair", "viewer", "assurer"])
def test_another_areas_plan_is_not_found(site: Site, role: str) -> None:
    client = sign_in(site, role)
    for url in OTHER_PAGES:
        assert client.get(url).status_code == 404, url
    token = csrf_token(client)
    for url in (
        f"/plans/{OTHER}/submit",
        f"/plans/{OTHER}/sign",
        f"/plans/{OTHER}/contributions/WS-14-01",
        f"/plans/{OTHER}/sections/contributions/0/change",
        f"/plans/{OTHER}/sections/risks/add",
        f"/plans/{OTHER}/sections/risks/0/remove",
        f"/plans/{OTHER}/sections/s75/change",
        f"/plans/{OTHER}/assurance",
        f"/plans/{OTHER}/assurance/conditions/1/clear",
        f"/plans/{OTHER}/monitoring/returns",
    ):
        response = client.post(
            url, data={"csrf_token": token, "based_on": "1", "amount": "1", "organisation": "hwb"}
        )
        assert response.status_code == 404, url
    for url in (
        f"/api/v1/plans/{OTHER}/versions",
        f"/api/v1/plans/{OTHER}/submit",
        f"/api/v1/plans/{OTHER}/sign",
        f"/api/v1/plans/{OTHER}/assurance",
        f"/api/v1/plans/{OTHER}/assurance/conditions/1/clear",
    ):
        body = {"based_on": 1, "version": 1, "role": "r", "organisation": "hwb", "category": "approved"}
        response = client.post(url, json=body, headers={"X-CSRFToken": token})
        assert response.status_code == 404 and response.get_json()["error"] == "not_found", url
    listed = client.get("/api/v1/plans").get_json()["plans"]
    assert [p["id"] for p in listed] == [PLAN]
    assert OTHER not in client.get("/plans").get_data(as_text=True)


def test_the_other_areas_people_cannot_see_ours(site: Site) -> None:
    client = sign_in(site, "wealdshire-editor")
    assert client.get(f"/plans/{PLAN}").status_code == 404
    assert client.get(f"/plans/{OTHER}").status_code == 200


def test_national_roles_see_both(site: Site) -> None:
    for role in ("admin", "national-viewer"):
        ids = {p["id"] for p in sign_in(site, role).get("/api/v1/plans").get_json()["plans"]}
        assert ids == {PLAN, OTHER}


def test_unknown_plan_is_not_found(site: Site) -> None:
    client = sign_in(site, "admin")
    assert client.get("/plans/no-such-plan").status_code == 404
    assert client.get("/api/v1/plans/no-such-plan").get_json()["error"] == "not_found"


def test_a_signatory_cannot_sign_for_another_organisation(site: Site) -> None:
    editor = sign_in(site, "editor")
    assert editor.post(f"/plans/{PLAN}/submit", data={"csrf_token": csrf_token(editor)}).status_code == 302
    client = sign_in(site, "signatory")
    token = csrf_token(client)
    response = client.post(
        f"/plans/{PLAN}/sign", data={"csrf_token": token, "organisation": "hwb", "name": "X", "role": "Y"}
    )
    assert response.status_code == 403
