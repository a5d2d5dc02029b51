"""Who is signed in, and the permission every view declares.

``requires(action)`` is the only way a view gets a permission. For views with a ``plan_id`` in the URL
it resolves the plan's scope first: a plan the person may not see is "not found" (404), never
"forbidden", so ids cannot be probed; a plan they may see but not act on is 403.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from carepool.problems import NotFound
from carepool.services.accounts import Principal, principal
from carepool.services.permissions import Action, Assignment, PlanScope, allowed
from carepool.services.portfolio import Entry, entry_of
from carepool.web.jsonerrors import error_response
from carepool.web.state import state

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Rule:
    """A permission decided by a service's own rule over the roles of the authorisation module (e.g.
    ``carepool.services.assurance.may_assure``), for work the ``Action`` list does not name."""

    value: str
    decide: Callable[[Sequence[Assignment], PlanScope | None], bool]


@dataclass(frozen=True, slots=True)
class Permission:
    """``action`` None means public (no sign-in)."""

    action: Action | Rule | None

    @property
    def label(self) -> str:
        return self.action.value if self.action else "public"


PUBLIC = Permission(None)


# Every view function's declared permission, keyed by the function Flask dispatches to.
_DECLARED: dict[Callable[..., Any], Permission] = {}


def declared(fn: Callable[..., Any], permission: Permission) -> None:
    _DECLARED[fn] = permission


def permission_of(fn: Callable[..., Any]) -> Permission | None:
    return _DECLARED.get(fn)


def load_principal() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)
    g.principal = None
    user_id, epoch = session.get("user_id"), session.get("epoch")
    if isinstance(user_id, int) and isinstance(epoch, int):
        g.principal = principal(state().accounts, user_id, epoch)
        if g.principal is None:
            session.clear()  # the account was removed or disabled


def current() -> Principal | None:
    found: Principal | None = g.get("principal")
    return found


def me() -> Principal:
    """The signed-in person (only called inside views guarded by ``requires``)."""
    found = current()
    if found is None:
        abort(401)
    return found


def is_api() -> bool:
    return request.path.startswith("/api/")


def _unauthenticated() -> Response:
    if is_api():
        return error_response(
            401, "Sign in first (POST /sign-in); the session cookie authenticates API calls."
        )
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def plan_scope(plan_id: str) -> PlanScope:
    """Whose plan this is, from the portfolio (one small query when nothing changed). The entry is kept
    for the rest of the request, so a page reads one consistent state of the plan."""
    try:
        entry = entry_of(state().db, plan_id)
    except NotFound:
        abort(404)
    g.plan_entry = entry
    return entry.scope


def plan_entry(plan_id: str) -> Entry:
    """The plan's portfolio entry as this request first read it."""
    found: Entry | None = g.get("plan_entry")
    return found if found is not None and found.summary.id == plan_id else entry_of(state().db, plan_id)


def permits(action: Action | Rule, assignments: Sequence[Assignment], scope: PlanScope | None) -> bool:
    if isinstance(action, Rule):
        return action.decide(assignments, scope)
    return allowed(assignments, action, scope)


def requires(action: Action | Rule) -> Callable[[F], F]:
    def decorate(fn: F) -> F:
        @wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            who = current()
            if who is None:
                return _unauthenticated()
            scope = None
            if "plan_id" in kwargs:
                scope = plan_scope(str(kwargs["plan_id"]))
                if not allowed(who.assignments, Action.VIEW_PLAN, scope):
                    abort(404)  # another area's plan does not exist, as far as this person knows
                g.plan_scope = scope
            if not permits(action, who.assignments, scope):
                abort(403)
            return fn(*args, **kwargs)

        declared(guarded, Permission(action))
        return cast(F, guarded)

    return decorate


def public(fn: F) -> F:
    declared(fn, PUBLIC)
    return fn
