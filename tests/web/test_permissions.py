"""The one authorisation module, role × action × scope, and the database constraint behind role scopes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from carepool.services.accounts import accounts_of
from carepool.services.backend import connect
from carepool.services.permissions import HWB, Action, Assignment, PlanScope, Role, allowed, signs_for

OURS = PlanScope("E06900001", "West Midlands")
NEIGHBOUR = PlanScope("E06900099", "West Midlands")  # same region, another area
FAR = PlanScope("E10900001", "South East")

PEOPLE = {
    "admin": Assignment(Role.NATIONAL_ADMIN),
    "assurer": Assignment(Role.REGIONAL_ASSURER, region="West Midlands"),
    "editor": Assignment(Role.AREA_EDITOR, area_code="E06900001"),
    "signatory": Assignment(Role.PARTNER_SIGNATORY, area_code="E06900001", organisation="Z2A"),
    "chair": Assignment(Role.HWB_CHAIR, area_code="E06900001"),
    "viewer": Assignment(Role.VIEWER, area_code="E06900001"),
    "national-viewer": Assignment(Role.VIEWER),
}

# (action, scope) → who is allowed
TABLE: list[tuple[Action, PlanScope | None, set[str]]] = [
    (Action.VIEW_PLAN, OURS, set(PEOPLE)),
    (Action.VIEW_PLAN, NEIGHBOUR, {"admin", "assurer", "national-viewer"}),
    (Action.VIEW_PLAN, FAR, {"admin", "national-viewer"}),
    (Action.EDIT_PLAN, OURS, {"editor"}),
    (Action.EDIT_PLAN, NEIGHBOUR, set()),
    (Action.SUBMIT_PLAN, OURS, {"editor"}),
    (Action.SIGN_PLAN, OURS, {"signatory", "chair"}),
    (Action.SIGN_PLAN, FAR, set()),
    (Action.MANAGE_USERS, None, {"admin"}),
    (Action.VIEW_PLAN, None, set()),  # a plan action without a plan is refused
    (Action.SIGNED_IN, None, set(PEOPLE)),
    (Action.ASSURE_PLAN, OURS, {"admin", "assurer"}),
    (Action.ASSURE_PLAN, NEIGHBOUR, {"admin", "assurer"}),
    (Action.ASSURE_PLAN, FAR, {"admin"}),  # another region's assurer may not
    (Action.ASSURE_PLAN, None, {"admin", "assurer"}),  # may assure some plan: sees the assurance list
]


def test_every_action_is_in_the_table() -> None:
    assert {action for action, _, _ in TABLE} == set(Action)


@pytest.mark.parametrize(("action", "scope", "who"), TABLE)
def test_role_action_scope_table(action: Action, scope: PlanScope | None, who: set[str]) -> None:
    assert {name for name, a in PEOPLE.items() if allowed([a], action, scope)} == who


def test_signatories_sign_only_for_their_own_organisation() -> None:
    assert signs_for([PEOPLE["signatory"]], OURS) == ["Z2A"]
    assert signs_for([PEOPLE["chair"]], OURS) == [HWB]
    assert allowed([PEOPLE["signatory"]], Action.SIGN_PLAN, OURS, organisation="Z2A")
    assert not allowed([PEOPLE["signatory"]], Action.SIGN_PLAN, OURS, organisation=HWB)
    assert signs_for([PEOPLE["chair"]], NEIGHBOUR) == []


def test_the_database_refuses_a_role_without_its_scope(web_database_url: str) -> None:
    db = connect(web_database_url)
    accounts = accounts_of(db)
    try:
        with accounts.transaction() as store:
            user_id = store.add_user("someone", "Someone", "x", at=datetime.now(UTC))
        with pytest.raises(IntegrityError), accounts.transaction() as store:
            store.add_assignment(user_id, Assignment(Role.AREA_EDITOR))  # an editor of no area
        with pytest.raises(IntegrityError), accounts.transaction() as store:
            store.add_assignment(user_id, Assignment(Role.NATIONAL_ADMIN, area_code="E06900001"))
    finally:
        db.dispose()
