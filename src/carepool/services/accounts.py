"""Local accounts: create people with roles, sign in with throttling, demo accounts.

Passwords are hashed with Argon2id (``argon2-cffi``). Sign-in is refused, even with the right password,
while an account or an address has too many recent failures: that stops guessing without telling the
guesser whether the last try was right. The storage is reached at run time, like the plan store
(``carepool.services.backend``), and spoken to through the ``AccountStore`` protocol below.
"""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from carepool.problems import InputRejected, Problem
from carepool.services.clock import now
from carepool.services.permissions import Assignment, Role, scope_problem
from carepool.services.ports import Database

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
    def user_by_name(self, username: str) -> UserRecord | None: ...
    def user(self, user_id: int) -> UserRecord | None: ...
    def users(self) -> list[UserRecord]: ...
    def add_user(self, username: str, display_name: str, password_hash: str, at: datetime) -> int: ...
    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...
    def bump_session_epoch(self, user_id: int) -> None: ...
    def assignments(self, user_id: int) -> list[Assignment]: ...
    def add_assignment(self, user_id: int, assignment: Assignment) -> None: ...
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


def create_user(
    db: AccountsDatabase,
    username: str,
    display_name: str,
    password: str,
    assignments: Iterable[Assignment],
    hasher: PasswordHasher = STRONG,
) -> Principal:
    name = username.strip().lower()
    roles = list(assignments)
    problems = _validate(name, password, roles)
    with db.transaction() as store:
        if store.user_by_name(name) is not None:
            problems.append(Problem("reference", "username", f"{name} is already taken"))
        if problems:
            raise InputRejected(problems)
        user_id = store.add_user(name, display_name.strip() or name, hasher.hash(password), now())
        for a in roles:
            store.add_assignment(user_id, a)
        user = store.user(user_id)
        assert user is not None
        return _principal(store, user)


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
