"""Managing accounts (national admins): the people and their roles, adding a person, changing a person's
roles, disabling or enabling an account, resetting a password, and the audit trail of all of it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from carepool.problems import InputRejected, NotFound
from carepool.services.accounts import (
    create_user,
    grant_role,
    list_users,
    reset_password,
    revoke_role,
    set_account_active,
    user_named,
)
from carepool.services.audit import account_timeline, verify_audit_chain
from carepool.services.permissions import Action, Assignment, Role
from carepool.web.security import me, requires
from carepool.web.state import state

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Where each service problem's location is shown on the form.
FIELDS = {"username": "#username", "password": "#password", "roles[0]": "#role", "role": "#role"}
ROLE_KEYS = ("role", "region", "area_code", "organisation")
Errors = list[dict[str, str]]


@bp.route("/users")
@requires(Action.MANAGE_USERS)
def users() -> str:
    return render_template("admin/users.html", title="People and roles", people=list_users(state().accounts))


def _assignment(form: dict[str, str]) -> Assignment | None:
    try:
        role = Role(form.get("role", ""))
    except ValueError:
        return None
    return Assignment(
        role,
        region=form.get("region") or None,
        area_code=form.get("area_code") or None,
        organisation=form.get("organisation") or None,
    )


def _errors(refused: InputRejected) -> Errors:
    return [
        {
            "text": f"{p.location.replace('roles[0]', 'Role').replace('role', 'Role').capitalize()}: {p.message}",
            "href": FIELDS.get(p.location, ""),
        }
        for p in refused.problems
    ]


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Action.MANAGE_USERS)
def new_user() -> Response | str | tuple[str, int]:
    keys = ("username", "display_name", "password", *ROLE_KEYS)
    form = {k: request.form.get(k, "").strip() if k != "password" else request.form.get(k, "") for k in keys}
    errors: Errors = []
    if request.method == "POST":
        assignment = _assignment(form)
        if assignment is None:
            errors.append({"text": "Select a role", "href": "#role"})
        else:
            try:
                made = create_user(
                    state().accounts,
                    form["username"],
                    form["display_name"],
                    form["password"],
                    [assignment],
                    state().hasher,
                    actor=me().actor,
                )
            except InputRejected as refused:
                errors = _errors(refused)
            else:
                flash(f"Added {made.username} as {assignment.describe()}.")
                return redirect(url_for("admin.users"))
    form["password"] = ""  # never sent back to the browser
    page = render_template(
        "admin/new_user.html", title="Add a person", form=form, roles=list(Role), errors=errors
    )
    return (page, 400) if errors else page


def _person_page(username: str, errors: Errors, form: dict[str, str]) -> tuple[str, int] | str:
    try:
        person, active = user_named(state().accounts, username)
    except NotFound:
        abort(404)
    page = render_template(
        "admin/person.html",
        title=f"{person.display_name} ({person.username})",
        person=person,
        active=active,
        roles=list(Role),
        errors=errors,
        form=form,
        is_me=person.user_id == me().user_id,
    )
    return (page, 400) if errors else page


@bp.route("/users/<username>")
@requires(Action.MANAGE_USERS)
def person(username: str) -> tuple[str, int] | str:
    return _person_page(username, [], {k: "" for k in ROLE_KEYS})


def _change(username: str, work: str) -> Response | tuple[str, int] | str:
    """Run one change from the person page; on a refusal show the page again with the error summary."""
    form = {k: request.form.get(k, "").strip() for k in ROLE_KEYS}
    accounts, actor = state().accounts, me().actor
    try:
        if work in ("grant", "revoke"):
            assignment = _assignment(form)
            if assignment is None:
                return _person_page(username, [{"text": "Select a role", "href": "#role"}], form)
            if work == "grant":
                grant_role(accounts, username, assignment, actor=actor)
                flash(f"{username} now has the role {assignment.describe()}.")
            else:
                revoke_role(accounts, username, assignment, actor=actor)
                flash(f"{username} no longer has the role {assignment.describe()}; their sessions ended.")
        elif work in ("disable", "enable"):
            set_account_active(accounts, username, work == "enable", actor=actor)
            flash(f"The account {username} is {work}d.")
        elif work == "password":
            reset_password(
                accounts, username, request.form.get("password", ""), actor=actor, hasher=state().hasher
            )
            flash(
                f"The password of {username} was reset and their sessions ended. Give them the new one securely."
            )
    except NotFound:
        abort(404)
    except InputRejected as refused:
        return _person_page(username, _errors(refused), form)
    return redirect(url_for("admin.person", username=username))


@bp.route("/users/<username>/roles", methods=["POST"])
@requires(Action.MANAGE_USERS)
def grant(username: str) -> Response | tuple[str, int] | str:
    return _change(username, "grant")


@bp.route("/users/<username>/roles/remove", methods=["POST"])
@requires(Action.MANAGE_USERS)
def revoke(username: str) -> Response | tuple[str, int] | str:
    return _change(username, "revoke")


@bp.route("/users/<username>/active", methods=["POST"])
@requires(Action.MANAGE_USERS)
def active(username: str) -> Response | tuple[str, int] | str:
    wanted = request.form.get("active", "")
    if wanted not in ("yes", "no"):
        abort(400)
    return _change(username, "enable" if wanted == "yes" else "disable")


@bp.route("/users/<username>/password", methods=["POST"])
@requires(Action.MANAGE_USERS)
def password(username: str) -> Response | tuple[str, int] | str:
    return _change(username, "password")


@bp.route("/audit")
@requires(Action.MANAGE_USERS)
def audit() -> str:
    report = verify_audit_chain(state().db)
    entries = list(reversed(account_timeline(state().db)))
    return render_template("admin/audit.html", title="Accounts audit trail", entries=entries, report=report)
