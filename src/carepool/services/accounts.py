"""Local accounts: create people with roles, sign in with throttling, demo accounts.

Passwords are hashed with Argon2id (``argon2-cffi``). Sign-in is refused, even with the right password,
while an account or an address has too many recent failures: that stops guessing without telling the
guesser whether the last try was right. The storage is reached at run time, like the plan store
(``carepool.services.backend``), and spoken to through the ``AccountStore`` protocol below.
"""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from carepool.problems import InputRejected, NotFound, Problem
from carepool.services.clock import now
from carepool.services.errors import Busy
from carepool.services.events import Kind, record
from carepool.services.permissions import Assignment, Role, scope_problem
from carepool.services.ports import Database, Store
from carepool.services.units import ATTEMPTS

T = TypeVar("T")

ACCOUNTS_MODULE = "carepool.store.account_repository"
MAX_ACCOUNT_FAILURES = 5  # per account within the window
MAX_ADDRESS_FAILURES = 20  # per IP address within the window
WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 12

STRONG = PasswordHasher()  # argon2id, the library's recommended parameters
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only: same code, cheap hashes


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    password_hash: str
    active: bool
    session_epoch: int


class AccountStore(Protocol):
    audit: Store  # the event chain, in the same transaction

    def user_by_name(self, username: str) -> UserRecord | None: ...
    def user(self, user_id: int) -> UserRecord | None: ...
    def users(self) -> list[UserRecord]: ...
    def add_user(self, username: str, display_name: str, password_hash: str, at: datetime) -> int: ...
    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...
    def bump_session_epoch(self, user_id: int) -> None: ...
    def assignments(self, user_id: int) -> list[Assignment]: ...
    def add_assignment(self, user_id: int, assignment: Assignment) -> None: ...
    def remove_assignment(self, user_id: int, assignment: Assignment) -> bool: ...
    def set_active(self, user_id: int, active: bool) -> None: ...
    def add_attempt(self, username: str, ip: str, success: bool, at: datetime) -> None: ...
    def failures(self, since: datetime, *, username: str | None = None, ip: str | None = None) -> int: ...


class AccountsDatabase(Protocol):
    def transaction(self) -> AbstractContextManager[AccountStore]: ...


def accounts_of(db: Database) -> AccountsDatabase:
    """The account repositories over the same database as the plans."""
    store = importlib.import_module(ACCOUNTS_MODULE)
    return cast(AccountsDatabase, store.open_accounts(db))


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: the signed-in person and their role assignments."""

    user_id: int
    username: str
    display_name: str
    assignments: tuple[Assignment, ...] = field(default_factory=tuple)
    session_epoch: int = 0

    @property
    def actor(self) -> str:
        """How the audit trail names this person."""
        return f"{self.display_name} <{self.username}>"


class SignInRefused(Exception):
    """Wrong name or password, a disabled account, or too many recent failures. One message for all
    but the lock-out, so a guesser learns nothing about which accounts exist."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def _principal(store: AccountStore, user: UserRecord) -> Principal:
    return Principal(
        user.id, user.username, user.display_name, tuple(store.assignments(user.id)), user.session_epoch
    )


def principal(db: AccountsDatabase, user_id: int, session_epoch: int) -> Principal | None:
    """The person a session cookie names, if the account is active and the cookie was not revoked."""
    with db.transaction() as store:
        user = store.user(user_id)
        if user is None or not user.active or user.session_epoch != session_epoch:
            return None
        return _principal(store, user)


def sign_out_everywhere(db: AccountsDatabase, user_id: int) -> None:
    """Revoke every session of this person (signed cookies cannot be recalled, so they are outdated)."""
    with db.transaction() as store:
        store.bump_session_epoch(user_id)


def authenticate(
    db: AccountsDatabase, username: str, password: str, ip: str, hasher: PasswordHasher = STRONG
) -> Principal:
    name = username.strip().lower()[:80]
    at = now()
    refusal: SignInRefused | None = None
    # The attempt is recorded in its own committed unit of work, then the refusal is raised: raising
    # inside the transaction would roll the record of the failure back and nothing would ever lock.
    with db.transaction() as store:
        since = at - WINDOW
        if (
            store.failures(since, username=name) >= MAX_ACCOUNT_FAILURES
            or store.failures(since, ip=ip) >= MAX_ADDRESS_FAILURES
        ):
            store.add_attempt(name, ip, False, at)
            minutes = int(WINDOW.total_seconds() // 60)
            refusal = SignInRefused(f"Too many failed attempts. Try again in {minutes} minutes.", locked=True)
            who = None
        else:
            who = _check_password(store, name, password, hasher)
            store.add_attempt(name, ip, who is not None, at)
            if who is None:
                refusal = SignInRefused("Enter a correct username and password.")
    if refusal is not None or who is None:
        raise refusal or SignInRefused("Enter a correct username and password.")
    return who


def _check_password(
    store: AccountStore, name: str, password: str, hasher: PasswordHasher
) -> Principal | None:
    user = store.user_by_name(name)
    if user is None or not user.active:
        hasher.hash(password)  # the same work either way: timing does not reveal unknown names
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        store.set_password_hash(user.id, hasher.hash(password))
    return _principal(store, user)


def _validate(username: str, password: str, assignments: Sequence[Assignment]) -> list[Problem]:
    problems = []
    if not username or len(username) > 80 or not all(c.isalnum() or c in "-_." for c in username):
        problems.append(
            Problem("reference", "username", "use 1 to 80 letters, digits, dots, hyphens or underscores")
        )
    if len(password) < MIN_PASSWORD:
        problems.append(Problem("reference", "password", f"use at least {MIN_PASSWORD} characters"))
    for i, a in enumerate(assignments):
        why = scope_problem(a)
        if why:
            problems.append(Problem("reference", f"roles[{i}]", why))
    return problems


def role_record(a: Assignment) -> dict[str, str | None]:
    """An assignment as the audit trail keeps it."""
    return {
        "role": a.role.value,
        "region": a.region,
        "area_code": a.area_code,
        "organisation": a.organisation,
        "describe": a.describe(),
    }


def _audit(store: AccountStore, kind: Kind, actor: str, username: str, **details: Any) -> None:
    record(
        store.audit, kind, actor=actor, plan_id=None, version=None, payload={"username": username, **details}
    )


def _writing(db: AccountsDatabase, work: Callable[[AccountStore], T]) -> T:
    """One unit of work that appends to the chain, run again if another writer took the tail first."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with db.transaction() as store:
                store.audit.last_event_hash()  # pin the tail before reading anything else
                return work(store)
        except Busy:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def create_user(
    db: AccountsDatabase,
    username: str,
    display_name: str,
    password: str,
    assignments: Iterable[Assignment],
    hasher: PasswordHasher = STRONG,
    actor: str = "carepool",
) -> Principal:
    name = username.strip().lower()
    roles = list(assignments)
    problems = _validate(name, password, roles)
    password_hash = hasher.hash(password) if not problems else ""

    def work(store: AccountStore) -> Principal:
        found = list(problems)
        if store.user_by_name(name) is not None:
            found.append(Problem("reference", "username", f"{name} is already taken"))
        if found:
            raise InputRejected(found)
        shown = display_name.strip() or name
        user_id = store.add_user(name, shown, password_hash, now())
        for a in roles:
            store.add_assignment(user_id, a)
        _audit(
            store,
            Kind.ACCOUNT_CREATED,
            actor,
            name,
            display_name=shown,
            roles=[role_record(a) for a in roles],
        )
        user = store.user(user_id)
        assert user is not None
        return _principal(store, user)

    return _writing(db, work)


def _require_user(store: AccountStore, username: str) -> UserRecord:
    user = store.user_by_name(username.strip().lower())
    if user is None:
        raise NotFound(f"there is no account {username!r}")
    return user


def user_named(db: AccountsDatabase, username: str) -> tuple[Principal, bool]:
    """The person and whether their account is active."""
    with db.transaction() as store:
        user = _require_user(store, username)
        return _principal(store, user), user.active


def grant_role(db: AccountsDatabase, username: str, assignment: Assignment, *, actor: str) -> Principal:
    why = scope_problem(assignment)
    if why:
        raise InputRejected([Problem("reference", "role", why)])

    def work(store: AccountStore) -> Principal:
        user = _require_user(store, username)
        if assignment in store.assignments(user.id):
            raise InputRejected([Problem("reference", "role", f"{user.username} already has this role")])
        store.add_assignment(user.id, assignment)
        _audit(store, Kind.ROLE_GRANTED, actor, user.username, role=role_record(assignment))
        return _principal(store, user)

    return _writing(db, work)


def revoke_role(db: AccountsDatabase, username: str, assignment: Assignment, *, actor: str) -> Principal:
    def work(store: AccountStore) -> Principal:
        user = _require_user(store, username)
        if not store.remove_assignment(user.id, assignment):
            raise InputRejected([Problem("reference", "role", f"{user.username} does not have this role")])
        store.bump_session_epoch(user.id)  # pages already open must not keep the old powers
        _audit(store, Kind.ROLE_REVOKED, actor, user.username, role=role_record(assignment))
        return _principal(store, user)

    return _writing(db, work)


def set_account_active(db: AccountsDatabase, username: str, active: bool, *, actor: str) -> None:
    """Disable (every session ends at once) or enable an account. Nobody can disable themselves."""

    def work(store: AccountStore) -> None:
        user = _require_user(store, username)
        if not active and actor_is(actor, user.username):
            raise InputRejected([Problem("reference", "active", "you cannot disable your own account")])
        if user.active == active:
            return
        store.set_active(user.id, active)
        store.bump_session_epoch(user.id)
        _audit(store, Kind.ACCOUNT_ENABLED if active else Kind.ACCOUNT_DISABLED, actor, user.username)

    _writing(db, work)


def reset_password(
    db: AccountsDatabase, username: str, password: str, *, actor: str, hasher: PasswordHasher = STRONG
) -> None:
    """A new password set by an admin; the person's existing sessions end."""
    if len(password) < MIN_PASSWORD:
        raise InputRejected([Problem("reference", "password", f"use at least {MIN_PASSWORD} characters")])
    password_hash = hasher.hash(password)

    def work(store: AccountStore) -> None:
        user = _require_user(store, username)
        store.set_password_hash(user.id, password_hash)
        store.bump_session_epoch(user.id)
        _audit(store, Kind.PASSWORD_RESET, actor, user.username)  # never the password or its hash

    _writing(db, work)


def actor_is(actor: str, username: str) -> bool:
    """Whether an audit actor (``Name <username>``) names this account."""
    return actor.endswith(f"<{username}>")


def list_users(db: AccountsDatabase) -> list[Principal]:
    with db.transaction() as store:
        return [_principal(store, u) for u in store.users()]


def has_users(db: AccountsDatabase) -> bool:
    with db.transaction() as store:
        return bool(store.users())


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    password: str
    roles: str


@dataclass(frozen=True, slots=True)
class DemoArea:
    area_code: str
    region: str
    slug: str
    partner: str  # one partner organisation that signs


def demo_assignments(areas: Sequence[DemoArea]) -> list[tuple[str, str, list[Assignment]]]:
    """One account per role; the area roles are given for the first area (the second tests isolation)."""
    first = areas[0]
    people: list[tuple[str, str, list[Assignment]]] = [
        ("admin", "National Admin", [Assignment(Role.NATIONAL_ADMIN)]),
        ("assurer", "Regional Assurer", [Assignment(Role.REGIONAL_ASSURER, region=first.region)]),
        ("national-viewer", "National Viewer", [Assignment(Role.VIEWER)]),
    ]
    for area in areas:
        people += [
            (
                f"{area.slug}-editor",
                f"{area.slug.title()} Editor",
                [Assignment(Role.AREA_EDITOR, area_code=area.area_code)],
            ),
            (
                f"{area.slug}-signatory",
                f"{area.slug.title()} Signatory",
                [Assignment(Role.PARTNER_SIGNATORY, area_code=area.area_code, organisation=area.partner)],
            ),
            (
                f"{area.slug}-chair",
                f"{area.slug.title()} HWB Chair",
                [Assignment(Role.HWB_CHAIR, area_code=area.area_code)],
            ),
            (
                f"{area.slug}-viewer",
                f"{area.slug.title()} Viewer",
                [Assignment(Role.VIEWER, area_code=area.area_code)],
            ),
        ]
    return people


def create_demo_accounts(
    db: AccountsDatabase, areas: Sequence[DemoArea], hasher: PasswordHasher = STRONG
) -> list[DemoAccount]:
    """Demo accounts with random passwords (stored hashed; returned once so ``serve`` can print them)."""
    made = []
    for username, display, roles in demo_assignments(areas):
        password = secrets.token_urlsafe(12)
        create_user(db, username, display, password, roles, hasher)
        made.append(DemoAccount(username, password, "; ".join(a.describe() for a in roles)))
    return made
