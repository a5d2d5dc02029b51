"""National admins add people with a scoped role; the new person signs in and sees only their area."""

from __future__ import annotations

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
