"""Every stored plan at once (plan list, dashboard, assurer's list), kept in memory and refreshed by plan.

The event chain is append-only and every change to a plan (a version, a submission, a signature, an
assurance decision) appends an event, so a plan whose latest event hash is unchanged has an unchanged
summary. A request first reads the chain's tail (one small query): when nothing was appended anywhere,
the last portfolio is still true; otherwise only the plans whose latest event changed are read again.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from carepool.problems import NotFound
from carepool.reference import lookup_area
from carepool.services.facts import PlanFacts, Signatory, facts_of
from carepool.services.permissions import PlanScope
from carepool.services.ports import Database
from carepool.services.records import EventRecord, VersionRecord
from carepool.services.status import Assurance, history_of
from carepool.services.summaries import PlanSummary, summary_of


@dataclass(frozen=True, slots=True)
class Entry:
    summary: PlanSummary
    version: VersionRecord  # the latest, with its document
    head: str  # the plan's latest event hash when this entry was read
    history: tuple[Assurance, ...]  # every assurance decision, oldest first

    @property
    def facts(self) -> PlanFacts:
        return facts_of(self.version)

    @property
    def signatories(self) -> tuple[Signatory, ...]:
        return self.facts.signatories

    @property
    def scope(self) -> PlanScope:
        """Whose plan this is, for the permission rules."""
        return PlanScope(self.summary.area_code, region_of(self.summary.area_code, self.facts.region))


def region_of(area_code: str, fallback: str) -> str:
    """Regions come from the reference data (one spelling everywhere); a plan's own text is a fallback."""
    try:
        return lookup_area(area_code).region
    except NotFound:
        return fallback


@dataclass(slots=True)
class _Cache:
    tail: str | None = None
    entries: dict[str, Entry] | None = None


_CACHES: weakref.WeakKeyDictionary[Database, _Cache] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _cache_of(db: Database) -> _Cache:
    with _LOCK:
        found = _CACHES.get(db)
        if found is None:
            found = _CACHES[db] = _Cache()
        return found


def visible(db: Database, may_see: Callable[[PlanScope], bool]) -> list[Entry]:
    """The stored plans a person may see (``may_see`` applies their permission rule)."""
    return [entry for entry in portfolio(db) if may_see(entry.scope)]


def portfolio(db: Database) -> list[Entry]:
    """Every stored plan's latest summary, in plan id order."""
    return read(db)[1]


def read(db: Database) -> tuple[str | None, list[Entry]]:
    """The chain's tail (which names this state of every plan) and every plan's summary."""
    tail, entries = _refresh(db)
    return tail, list(entries.values())


def entry_of(db: Database, plan_id: str) -> Entry:
    """One plan's latest summary (as current as the database; cheap when nothing changed)."""
    found = _refresh(db)[1].get(plan_id)
    if found is None:
        raise NotFound(f"there is no stored plan with id {plan_id!r} (see `carepool plan list`)")
    return found


def _refresh(db: Database) -> tuple[str | None, dict[str, Entry]]:
    cache = _cache_of(db)
    with db.transaction() as store:
        tail = store.last_event_hash()
        known = cache.entries
        if known is not None and tail == cache.tail:
            return tail, known
        headers = store.plans()
        heads = store.event_heads()
        stale = [
            h.id for h in headers if known is None or h.id not in known or known[h.id].head != heads.get(h.id)
        ]
        versions = store.latest_versions(stale) if stale else {}
        events = store.events_for(stale) if stale else []
    by_plan: dict[str, list[EventRecord]] = {plan_id: [] for plan_id in stale}
    for ev in events:
        if ev.plan_id in by_plan:
            by_plan[ev.plan_id].append(ev)
    fresh: dict[str, Entry] = {}
    for h in headers:
        if h.id in by_plan:
            v = versions[h.id]
            events_of_plan = by_plan[h.id]
            summary = summary_of(h, v, events_of_plan, facts_of(v).signs_for)
            fresh[h.id] = Entry(summary, v, heads.get(h.id, ""), tuple(history_of(events_of_plan)))
        elif known is not None:
            fresh[h.id] = known[h.id]
    with _LOCK:
        cache.tail, cache.entries = tail, fresh
    return tail, fresh
