"""Managing accounts (national admins): the list of people and their roles, and adding a person."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from carepool.problems import InputRejected
from carepool.services.accounts import create_user, list_users
from carepool.services.permissions import Action, Assignment, Role
from carepool.web.security import requires
from carepool.web.state import state

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Where each service problem's location is shown on the form.
FIELDS = {"username": "#username", "password": "#password", "roles[0]": "#role"}


@bp.route("/users")
@requires(Action.MANAGE_USERS)
def users() -> str:
    return render_template("admin/users.html", title="People and roles", people=list_users(state().accounts))


def _assignment(form: dict[str, str]) -> Assignment | None:
    try:
        role = Role(form["role"])
    except ValueError:
        return None
    return Assignment(
        role,
        region=form["region"] or None,
        area_code=form["area_code"] or None,
        organisation=form["organisation"] or None,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Action.MANAGE_USERS)
def new_user() -> Response | str | tuple[str, int]:
    keys = ("username", "display_name", "password", "role", "region", "area_code", "organisation")
    form = {k: request.form.get(k, "").strip() if k != "password" else request.form.get(k, "") for k in keys}
    errors: list[dict[str, str]] = []
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
                )
            except InputRejected as refused:
                errors = [
                    {
                        "text": f"{p.location.replace('roles[0]', 'Role')}: {p.message}",
                        "href": FIELDS.get(p.location, ""),
                    }
                    for p in refused.problems
                ]
            else:
                flash(f"Added {made.username} as {assignment.describe()}.")
                return redirect(url_for("admin.users"))
    form["password"] = ""  # never sent back to the browser
    page = render_template(
        "admin/new_user.html", title="Add a person", form=form, roles=list(Role), errors=errors
    )
    return (page, 400) if errors else page
