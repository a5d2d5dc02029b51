"""The repositories return plain records; races on version numbers or the event chain become Conflicts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carepool.model import pretty_json
from carepool.services import imports
from carepool.services.chain import GENESIS, chain_event
from carepool.services.errors import Conflict
from carepool.services.ports import Database
from carepool.services.records import PlanHeader, VersionRecord
from factories import small_plan

NOW = datetime(2015, 4, 1, 9, 30, 0, 123456, tzinfo=UTC)


def test_records_round_trip_with_utc_times(db: Database) -> None:
    with db.transaction() as store:
        store.add_plan(PlanHeader("p1", "E06000901", "Riverton", "bcf-2015-16", "A plan", NOW))
        store.add_version(VersionRecord("p1", 1, "draft", "{}", "0" * 64, NOW, "alice", None))
        store.append_event(
            chain_event(None, plan_id="p1", version=1, kind="created", actor="alice", at=NOW, payload={})
        )
    with db.transaction() as store:
        assert store.plan("p1") == PlanHeader("p1", "E06000901", "Riverton", "bcf-2015-16", "A plan", NOW)
        version = store.version("p1")
        assert version is not None and version.created_at == NOW
        (event,) = store.events("p1")
        assert (event.at, event.prev_hash) == (NOW, GENESIS)
        assert store.latest_versions()["p1"].number == 1


def test_a_second_writer_of_the_same_version_number_gets_a_conflict(db: Database) -> None:
    imports.import_plan_bytes(db, pretty_json(small_plan()).encode(), "a.json", "alice")
    with pytest.raises(Conflict), db.transaction() as store:
        store.add_version(VersionRecord(small_plan().id, 1, "draft", "{}", "0" * 64, NOW, "bob", None))


def test_a_forked_event_chain_cannot_be_committed(db: Database) -> None:
    with db.transaction() as store:
        store.append_event(
            chain_event(None, plan_id=None, version=None, kind="created", actor="a", at=NOW, payload={})
        )
    with pytest.raises(Conflict), db.transaction() as store:
        # A writer that read the tail before the first commit appends on the same previous hash.
        store.append_event(
            chain_event(None, plan_id=None, version=None, kind="signed", actor="b", at=NOW, payload={})
        )
    with db.transaction() as store:
        assert len(store.events()) == 1
