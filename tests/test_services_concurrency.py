"""Two writers at the same moment: one wins, the other is refused or retried; nothing is overwritten.

Each test holds both threads at a barrier after they have read and before either writes, so the race
really happens, on SQLite (one writer lock) and on PostgreSQL (unique keys on version numbers and on
the event chain's previous hash).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from carepool.model import pretty_json
from carepool.services import audit, imports, plans, workflow
from carepool.services.errors import Conflict
from carepool.services.ports import Database
from factories import small_plan

PLAN_ID = small_plan().id


def gate_first_call(
    fn: Callable[..., Any], barrier: threading.Barrier, before: bool = False
) -> Callable[..., Any]:
    """Wrap ``fn`` so each thread's first call meets the other thread at ``barrier``: after ``fn`` ran
    (it only read), or ``before`` it runs (it writes: waiting while holding SQLite's lock would hang)."""
    seen = threading.local()

    def gated(*args: Any, **kwargs: Any) -> Any:
        first = not getattr(seen, "done", False)
        seen.done = True
        if first and before:
            barrier.wait(timeout=20)
        result = fn(*args, **kwargs)
        if first and not before:
            barrier.wait(timeout=20)
        return result

    return gated


def race(*jobs: Callable[[], object]) -> list[object]:
    """Run the jobs in threads; return each one's result or the exception it raised."""
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # collected for the test to inspect
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_edits_of_the_same_version_one_wins_one_is_refused(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    imports.import_plan_bytes(db, pretty_json(small_plan()).encode(), "a.json", "alice")
    monkeypatch.setattr(
        workflow, "require_version", gate_first_call(workflow.require_version, threading.Barrier(2))
    )
    results = race(
        lambda: workflow.save_draft(db, small_plan(title="Alice's edit"), based_on=1, actor="alice"),
        lambda: workflow.save_draft(db, small_plan(title="Bob's edit"), based_on=1, actor="bob"),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1, results
    assert "version 2 was saved by" in conflicts[0].problems[0].message
    assert [v.number for v in plans.list_versions(db, PLAN_ID)] == [1, 2]
    assert audit.verify_audit_chain(db).ok


def test_two_imports_of_different_plans_both_succeed(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        imports, "save_version", gate_first_call(imports.save_version, threading.Barrier(2), before=True)
    )
    first, second = small_plan(), small_plan(id="riverton-copy-2015-16")
    results = race(
        lambda: imports.import_plan_bytes(db, pretty_json(first).encode(), "a.json", "alice"),
        lambda: imports.import_plan_bytes(db, pretty_json(second).encode(), "b.json", "bob"),
    )
    assert all(isinstance(r, imports.ImportResult) for r in results), results
    assert sorted(p.id for p in plans.list_plans(db)) == sorted([first.id, second.id])
    assert audit.verify_audit_chain(db).ok


def test_two_signatures_for_the_same_organisation_only_one_counts(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    imports.import_plan_bytes(db, pretty_json(small_plan()).encode(), "a.json", "alice")
    workflow.submit(db, PLAN_ID, actor="alice")
    monkeypatch.setattr(
        workflow, "derive_status", gate_first_call(workflow.derive_status, threading.Barrier(2))
    )
    results = race(
        lambda: workflow.sign(db, PLAN_ID, name="Chair A", role="Chair", organisation="hwb", actor="a"),
        lambda: workflow.sign(db, PLAN_ID, name="Chair B", role="Chair", organisation="hwb", actor="b"),
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    signed = [e for e in audit.timeline(db, PLAN_ID) if e.kind == "signed"]
    assert len(signed) == 1
    assert audit.verify_audit_chain(db).ok
