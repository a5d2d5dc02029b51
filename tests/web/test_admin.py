"""National admins add people with a scoped role; the new person signs in and sees only their area."""

from __future__ import annotations

from typing import Any

from carepool.services.accounts import user_named
from carepool.services.audit import account_timeline, verify_audit_chain

from .helpers import OTHER, PLAN, Site, csrf_token, sign_in

NEW = "/admin/users/new"


def test_admin_adds_an_area_viewer_who_then_sees_only_that_area(site: Site) -> None:
    admin = sign_in(site, "admin")
    data = {
        "csrf_token": csrf_token(admin, NEW),
        "username": "weald-reader",
        "display_name": "Weald Reader",
        "password": "a long enough password",
        "role": "viewer",
        "area_code": "E10900001",
    }
    assert admin.post(NEW, data=data).status_code == 302
    assert "weald-reader" in admin.get("/admin/users").get_data(as_text=True)
    reader = sign_in(
        Site(site.app, site.url, {**site.passwords, "weald-reader": data["password"]}), "weald-reader"
    )
    assert reader.get(f"/plans/{OTHER}").status_code == 200
    assert reader.get(f"/plans/{PLAN}").status_code == 404
    assert reader.get("/admin/users").status_code == 403


def test_bad_accounts_get_an_error_summary(site: Site) -> None:
    admin = sign_in(site, "admin")
    data = {
        "csrf_token": csrf_token(admin, NEW),
        "username": "x y",
        "password": "short",
        "role": "area_editor",
    }
    response = admin.post(NEW, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for anchor in ("#username", "#password", "#role"):
        assert f'href="{anchor}"' in page
    assert "short" not in page.split('id="password"')[1][:200]  # the password is not echoed back


PERSON = "/admin/users/brackenford-viewer"


def _accounts_log(site: Site) -> list[dict[str, Any]]:
    db = site.app.extensions["carepool"].db
    return [e.to_dict() for e in account_timeline(db)]


def test_every_account_change_is_in_the_hash_chain_with_who_and_what(site: Site) -> None:
    admin = sign_in(site, "admin")
    token = csrf_token(admin, PERSON)
    role = {"role": "viewer", "region": "", "area_code": "E10900001", "organisation": ""}
    assert admin.post(f"{PERSON}/roles", data={"csrf_token": token, **role}).status_code == 302
    assert "viewer (E10900001)" in admin.get(PERSON).get_data(as_text=True)
    assert admin.post(f"{PERSON}/roles/remove", data={"csrf_token": token, **role}).status_code == 302
    new_password = "another long password"
    assert (
        admin.post(f"{PERSON}/password", data={"csrf_token": token, "password": new_password}).status_code
        == 302
    )
    assert admin.post(f"{PERSON}/active", data={"csrf_token": token, "active": "no"}).status_code == 302
    assert admin.post(f"{PERSON}/active", data={"csrf_token": token, "active": "yes"}).status_code == 302
    mine = [e for e in _accounts_log(site) if e["detail"]["username"] == "brackenford-viewer"]
    kinds = [e["kind"] for e in mine]
    assert kinds == [
        "account_created",
        "role_granted",
        "role_revoked",
        "password_reset",
        "account_disabled",
        "account_enabled",
    ]
    assert all(e["actor"] == "National Admin <admin>" for e in mine[1:])
    assert new_password not in str(mine) and "argon2" not in str(mine)  # never the secret or its hash
    report = verify_audit_chain(site.app.extensions["carepool"].db)
    assert report.ok
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "Chain verified" in page and "no longer has the role viewer (E10900001)" in page


def test_a_disabled_person_is_signed_out_at_once_and_cannot_sign_in(site: Site) -> None:
    viewer = sign_in(site, "viewer")
    assert viewer.get(f"/plans/{PLAN}").status_code == 200
    admin = sign_in(site, "admin")
    token = csrf_token(admin, PERSON)
    assert admin.post(f"{PERSON}/active", data={"csrf_token": token, "active": "no"}).status_code == 302
    assert viewer.get(f"/plans/{PLAN}").status_code == 302  # back to sign in
    again = site.app.test_client()
    refused = again.post(
        "/sign-in",
        data={
            "csrf_token": csrf_token(again),
            "username": "brackenford-viewer",
            "password": site.passwords["brackenford-viewer"],
        },
    )
    assert refused.status_code == 400 or "/sign-in" in (refused.headers.get("Location") or "/sign-in")


def test_removing_a_role_takes_the_power_away_from_open_sessions(site: Site) -> None:
    editor = sign_in(site, "editor")
    admin = sign_in(site, "admin")
    token = csrf_token(admin, "/admin/users/brackenford-editor")
    [role] = [
        {"role": "area_editor", "region": "", "area_code": code, "organisation": ""}
        for code in [_area_of(site, "brackenford-editor")]
    ]
    response = admin.post("/admin/users/brackenford-editor/roles/remove", data={"csrf_token": token, **role})
    assert response.status_code == 302
    assert editor.get(f"/plans/{PLAN}").status_code == 302  # signed out: must sign in again


def test_refusals_on_the_person_page_name_the_field_and_change_nothing(site: Site) -> None:
    admin = sign_in(site, "admin")
    token = csrf_token(admin, PERSON)
    before = len(_accounts_log(site))
    short = admin.post(f"{PERSON}/password", data={"csrf_token": token, "password": "short"})
    assert short.status_code == 400 and 'href="#password"' in short.get_data(as_text=True)
    unscoped = admin.post(f"{PERSON}/roles", data={"csrf_token": token, "role": "area_editor"})
    assert unscoped.status_code == 400 and 'href="#role"' in unscoped.get_data(as_text=True)
    myself = admin.post("/admin/users/admin/active", data={"csrf_token": token, "active": "no"})
    assert myself.status_code == 400 and "cannot disable your own account" in myself.get_data(as_text=True)
    assert admin.get("/admin/users/nobody-at-all").status_code == 404
    assert len(_accounts_log(site)) == before


def _area_of(site: Site, username: str) -> str:
    db = site.app.extensions["carepool"].accounts
    person, _ = user_named(db, username)
    code = person.assignments[0].area_code
    assert code is not None
    return code
