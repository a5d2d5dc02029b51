"""The one authorisation module: may this person do this action on this plan (or at all)?

Roles are rows scoped to a region, an area or an organisation in an area (``Assignment``). Every face
asks ``allowed``; nothing else decides. Rules, in short:

- national admin: sees every plan and manages accounts; does not edit or sign (separation of duties).
- regional assurer: sees every plan in the region.
- area editor: sees, edits and submits the area's plans.
- partner signatory: sees the area's plans and signs for one organisation.
- HWB chair: sees the area's plans and signs for the Health and Wellbeing Board (``hwb``).
- viewer: sees the area's plans, or every plan when given no area (a national viewer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

HWB = "hwb"  # the signatory code the plan model uses for the Health and Wellbeing Board


class Role(StrEnum):
    NATIONAL_ADMIN = "national_admin"
    REGIONAL_ASSURER = "regional_assurer"
    AREA_EDITOR = "area_editor"
    PARTNER_SIGNATORY = "partner_signatory"
    HWB_CHAIR = "hwb_chair"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("hwb", "HWB")


class Action(StrEnum):
    SIGNED_IN = "signed_in"  # any account: e.g. the plan list, filtered by VIEW_PLAN
    VIEW_PLAN = "view_plan"
    EDIT_PLAN = "edit_plan"
    SUBMIT_PLAN = "submit_plan"
    SIGN_PLAN = "sign_plan"
    MANAGE_USERS = "manage_users"
    ASSURE_PLAN = "assure_plan"  # record an assurance decision; with no plan: may assure some plan


ASSURERS = frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_ASSURER})


@dataclass(frozen=True, slots=True)
class Assignment:
    role: Role
    region: str | None = None
    area_code: str | None = None
    organisation: str | None = None

    def describe(self) -> str:
        scope = self.organisation or self.area_code or self.region or "national"
        if self.role is Role.PARTNER_SIGNATORY:
            scope = f"{self.organisation} in {self.area_code}"
        return f"{self.role.label} ({scope})"


@dataclass(frozen=True, slots=True)
class PlanScope:
    """Where a plan sits: its area and that area's region."""

    area_code: str
    region: str


def scope_problem(a: Assignment) -> str | None:
    """Why an assignment's scope is wrong for its role (the database has the same check), or None."""
    needs = {
        Role.NATIONAL_ADMIN: (False, False, False),
        Role.REGIONAL_ASSURER: (True, False, False),
        Role.AREA_EDITOR: (False, True, False),
        Role.HWB_CHAIR: (False, True, False),
        Role.PARTNER_SIGNATORY: (False, True, True),
    }
    if a.role is Role.VIEWER:
        return (
            None if a.region is None and a.organisation is None else "a viewer is scoped to an area or none"
        )
    want = needs[a.role]
    have = (a.region is not None, a.area_code is not None, a.organisation is not None)
    if want != have:
        names = [n for n, w in zip(("region", "area", "organisation"), want, strict=True) if w]
        return f"a {a.role.label} needs exactly: {', '.join(names) or 'no scope'}"
    return None


def _sees(a: Assignment, plan: PlanScope) -> bool:
    match a.role:
        case Role.NATIONAL_ADMIN:
            return True
        case Role.REGIONAL_ASSURER:
            return a.region == plan.region
        case Role.VIEWER:
            return a.area_code is None or a.area_code == plan.area_code
        case _:
            return a.area_code == plan.area_code


def signs_for(assignments: Iterable[Assignment], plan: PlanScope) -> list[str]:
    """The signatory codes (organisation codes, or ``hwb``) this person may sign for on this plan."""
    out: list[str] = []
    for a in assignments:
        if a.area_code != plan.area_code:
            continue
        if a.role is Role.PARTNER_SIGNATORY and a.organisation:
            out.append(a.organisation)
        elif a.role is Role.HWB_CHAIR:
            out.append(HWB)
    return list(dict.fromkeys(out))


def allowed(
    assignments: Iterable[Assignment],
    action: Action,
    plan: PlanScope | None = None,
    organisation: str | None = None,
) -> bool:
    """The single decision. Plan actions need ``plan``; signing may name the ``organisation`` signed for."""
    roles = list(assignments)
    if action is Action.SIGNED_IN:
        return True
    if action is Action.MANAGE_USERS:
        return any(a.role is Role.NATIONAL_ADMIN for a in roles)
    if action is Action.ASSURE_PLAN:
        assurers = [a for a in roles if a.role in ASSURERS]
        return bool(assurers) if plan is None else any(_sees(a, plan) for a in assurers)
    if plan is None:
        return False
    if action is Action.VIEW_PLAN:
        return any(_sees(a, plan) for a in roles)
    if action in (Action.EDIT_PLAN, Action.SUBMIT_PLAN):
        return any(a.role is Role.AREA_EDITOR and a.area_code == plan.area_code for a in roles)
    if action is Action.SIGN_PLAN:
        mine = signs_for(roles, plan)
        return bool(mine) if organisation is None else organisation in mine
    return False
