"""What the app holds for its lifetime: the database handles and the password hasher."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from flask import current_app

from carepool.services.accounts import AccountsDatabase
from carepool.services.ports import Database


@dataclass(frozen=True, slots=True)
class State:
    db: Database
    accounts: AccountsDatabase
    hasher: PasswordHasher


def state() -> State:
    found: State = current_app.extensions["carepool"]
    return found
