"""Running a unit of work: one transaction, retried when another writer committed first.

Every change appends to the event chain, and the chain's tail is read first, before anything else: it
is the optimistic lock for every write. If any other writer commits in between, this unit's first
append reuses a previous hash that is already taken, the store raises ``Busy``, and the whole unit runs
again from fresh reads, so its checks then see what the other writer saved and refuse properly
(``Conflict``) or go ahead on top of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from carepool.services.errors import Busy
from carepool.services.ports import Database, Store

T = TypeVar("T")
ATTEMPTS = 4


def write(db: Database, work: Callable[[Store], T], attempts: int = ATTEMPTS) -> T:
    for attempt in range(1, attempts + 1):
        try:
            with db.transaction() as store:
                store.last_event_hash()  # pin the tail before reading anything else
                return work(store)
        except Busy:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")
