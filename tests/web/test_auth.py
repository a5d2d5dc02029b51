"""Sign-in: strong hashes, throttling, CSRF, cookie flags, a fresh session on sign-in, revocation."""

from __future__ import annotations

from flask.testing import FlaskClient

from carepool.problems import InputRejected
from carepool.services.accounts import MAX_ACCOUNT_FAILURES, accounts_of, create_user
from carepool.services.permissions import Assignment, Role

from .helpers import PLAN, Site, csrf_token, sign_in


def _attempt(site: Site, username: str, password: str) -> int:
    client = site.app.test_client()
    data = {"csrf_token": csrf_token(client), "username": username, "password": password}
    return client.post("/sign-in", data=data).status_code


def test_wrong_password_shows_an_error_summary(site: Site) -> None:
    client = site.app.test_client()
    page = client.post(
        "/sign-in", data={"csrf_token": csrf_token(client), "username": "admin", "password": "wrong"}
    ).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#username"' in page
    assert "Enter a correct username and password" in page


def test_an_account_locks_after_repeated_failures(site: Site) -> None:
    for _ in range(MAX_ACCOUNT_FAILURES):
        assert _attempt(site, "brackenford-viewer", "wrong") == 200
    # Now even the right password is refused, and the page says why.
    assert _attempt(site, "brackenford-viewer", site.passwords["brackenford-viewer"]) == 429
    # Other accounts are not affected.
    assert _attempt(site, "brackenford-chair", site.passwords["brackenford-chair"]) == 302


def test_passwords_are_stored_as_argon2_hashes(site: Site) -> None:
    accounts = accounts_of(site.app.extensions["carepool"].db)
    with accounts.transaction() as store:
        user = store.user_by_name("admin")
    assert user is not None and user.password_hash.startswith("$argon2id$")
    assert site.passwords["admin"] not in user.password_hash


def test_weak_passwords_and_bad_scopes_are_refused(site: Site) -> None:
    accounts = accounts_of(site.app.extensions["carepool"].db)
    try:
        create_user(accounts, "new-person", "New", "short", [Assignment(Role.AREA_EDITOR)])
    except InputRejected as refused:
        where = {p.location for p in refused.problems}
    else:
        raise AssertionError("a short password and an editor without an area were accepted")
    assert where == {"password", "roles[0]"}


def test_forms_without_a_csrf_token_are_refused(site: Site) -> None:
    client = sign_in(site, "editor")
    response = client.post(f"/plans/{PLAN}/submit", data={})
    assert response.status_code == 400
    assert client.get("/api/v1/plans").get_json()["plans"][0]["state"] == "draft"  # nothing happened
    anonymous = site.app.test_client()
    data = {"username": "admin", "password": site.passwords["admin"]}
    assert anonymous.post("/sign-in", data=data).status_code == 400


def test_session_cookie_flags(site: Site) -> None:
    client = site.app.test_client()
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": "admin", "password": site.passwords["admin"]},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    site.app.config["SESSION_COOKIE_SECURE"] = True
    client = site.app.test_client()
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": "admin", "password": site.passwords["admin"]},
    )
    assert "Secure" in response.headers["Set-Cookie"]


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie("carepool_session")
    return "" if found is None else found.value


def test_signing_in_starts_a_fresh_session_and_signing_out_revokes_it(site: Site) -> None:
    client = site.app.test_client()
    token = csrf_token(client)
    before = _cookie(client)
    data = {"csrf_token": token, "username": "editor", "password": ""}
    data.update(username="brackenford-editor", password=site.passwords["brackenford-editor"])
    assert client.post("/sign-in", data=data).status_code == 302
    after = _cookie(client)
    assert before and after and before != after
    # Someone who planted or copied the cookie from before sign-in is not signed in.
    planted = site.app.test_client()
    planted.set_cookie("carepool_session", before)
    assert planted.get("/plans").status_code == 302
    # A copy of the signed-in cookie works until the person signs out, then never again.
    copied = site.app.test_client()
    copied.set_cookie("carepool_session", after)
    assert copied.get("/plans").status_code == 200
    assert client.post("/sign-out", data={"csrf_token": csrf_token(client, "/plans")}).status_code == 302
    assert copied.get("/plans").status_code == 302
    assert client.get("/plans").status_code == 302


def test_next_is_only_a_local_path(site: Site) -> None:
    client = site.app.test_client()
    data = {"csrf_token": csrf_token(client), "username": "admin", "password": site.passwords["admin"]}
    response = client.post("/sign-in", data={**data, "next": "//evil.example/"})
    assert response.headers["Location"] == "/plans"
