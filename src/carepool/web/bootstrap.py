"""First run: on an empty database, load the demo plans and make one demo account per role."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher

from carepool.services.accounts import (
    STRONG,
    DemoAccount,
    DemoArea,
    accounts_of,
    create_demo_accounts,
    has_users,
)
from carepool.services.demo import load_demo
from carepool.services.permissions import HWB
from carepool.services.plans import list_plans, stored_plan
from carepool.services.portfolio import region_of
from carepool.services.ports import Database


@dataclass(frozen=True, slots=True)
class Bootstrapped:
    loaded_demo: bool
    accounts: list[DemoAccount]


def demo_areas(db: Database) -> list[DemoArea]:
    """The areas of the stored plans, each with one partner organisation that signs."""
    areas: dict[str, DemoArea] = {}
    for summary in sorted(list_plans(db), key=lambda p: p.id):
        _, plan = stored_plan(db, summary.id)
        code = plan.area.ons_code
        # Prefer an NHS partner over the council whose code is also the area's, so the roles read clearly.
        orgs = [s.signs_for for s in plan.signatories if s.signs_for != HWB]
        partner = next((o for o in orgs if o != code), orgs[0] if orgs else "")
        if code not in areas and partner:
            slug = "".join(ch for ch in plan.area.name.lower() if ch.isalnum())
            areas[code] = DemoArea(code, region_of(code, plan.area.region), slug, partner)
    return list(areas.values())


def bootstrap(db: Database, hasher: PasswordHasher = STRONG) -> Bootstrapped:
    """Demo plans when there are no plans and no accounts; demo accounts when there are no accounts."""
    accounts = accounts_of(db)
    if has_users(accounts):
        return Bootstrapped(False, [])
    loaded = False
    if not list_plans(db):
        load_demo(db, actor="carepool serve (demo data)")
        loaded = True
    return Bootstrapped(loaded, create_demo_accounts(accounts, demo_areas(db), hasher))
