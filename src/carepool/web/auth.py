"""Signing in and out."""

from __future__ import annotations

import secrets

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from carepool.services.accounts import SignInRefused, authenticate, sign_out_everywhere
from carepool.web.security import current, public
from carepool.web.state import state

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative URL (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("plans.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> Response | tuple[str, int] | str:
    if request.method == "GET":
        return render_template(
            "sign_in.html", title="Sign in", username="", next=request.args.get("next", "")
        )
    username = request.form.get("username", "")
    target = request.form.get("next", "")
    try:
        who = authenticate(
            state().accounts,
            username,
            request.form.get("password", ""),
            request.remote_addr or "unknown",
            state().hasher,
        )
    except SignInRefused as refused:
        errors = [{"text": str(refused), "href": "#username"}]
        page = render_template("sign_in.html", title="Sign in", errors=errors, username=username, next=target)
        return page, 429 if refused.locked else 200
    # A fresh session on every sign-in: whatever the browser held before (its CSRF token, any planted
    # value) is dropped, so a session prepared by someone else cannot become a signed-in one.
    session.clear()
    session["user_id"] = who.user_id
    session["epoch"] = who.session_epoch
    session["nonce"] = secrets.token_hex(16)
    session.permanent = True
    return redirect(safe_next(target))


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> Response:
    who = current()
    if who is not None:
        sign_out_everywhere(state().accounts, who.user_id)
    session.clear()
    return redirect(url_for("auth.sign_in"))
