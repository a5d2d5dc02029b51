"""Importing plans: exact round trips, all-or-nothing refusals that keep the file, idempotent repeats."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from carepool.model import Plan, canonical_json, content_hash, pretty_json
from carepool.problems import InputRejected, NotFound
from carepool.services import imports, plans
from carepool.services.errors import ImportRejected
from carepool.services.ports import Database
from conftest import row_counts
from factories import small_plan

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


def plan_bytes(plan: Plan | None = None) -> bytes:
    return pretty_json(plan or small_plan()).encode("utf-8")


def edited(text: bytes, change: dict[str, object]) -> bytes:
    data = json.loads(text)
    data.update(change)
    return json.dumps(data, indent=2).encode()


def test_first_import_creates_version_one_with_the_content_hash(db: Database, engine: Engine) -> None:
    plan = small_plan()
    result = imports.import_plan_bytes(db, plan_bytes(plan), "riverton.json", "alice")
    assert (result.saved.result, result.saved.number) == ("created", 1)
    assert result.saved.sha256 == content_hash(plan)
    assert row_counts(engine) == {"events": 2, "uploads": 1, "plan_versions": 1, "plans": 1}
    assert result.to_dict()["submittable"] is True


def test_export_import_export_is_byte_identical(db: Database) -> None:
    plan_id = imports.import_plan_bytes(db, plan_bytes(), "a.json", "alice").saved.plan_id
    first = plans.export_plan(db, plan_id)
    again = imports.import_plan_bytes(db, first.text.encode(), "exported.json", "alice")
    second = plans.export_plan(db, plan_id)
    assert again.saved.result == "unchanged"
    assert second.text == first.text
    assert second.sha256 == first.sha256 == again.saved.sha256


def test_exported_file_imports_into_another_database_with_the_same_hash(db: Database, tmp_path: Path) -> None:
    from carepool.store.db import open_database

    plan_id = imports.import_plan_bytes(db, plan_bytes(), "a.json", "alice").saved.plan_id
    first = plans.export_plan(db, plan_id)
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        imports.import_plan_bytes(other, first.text.encode(), "a.json", "bob")
        assert plans.export_plan(other, plan_id).text == first.text
    finally:
        other.dispose()


def test_canonical_export_is_the_hashed_text(db: Database) -> None:
    plan = small_plan()
    imports.import_plan_bytes(db, plan_bytes(plan), "a.json", "alice")
    exported = plans.export_plan(db, plan.id, canonical=True)
    assert exported.text == canonical_json(plan)
    assert hashlib.sha256(exported.text.encode()).hexdigest() == exported.sha256


def test_repeat_import_is_idempotent(db: Database, engine: Engine) -> None:
    imports.import_plan_bytes(db, plan_bytes(), "a.json", "alice")
    result = imports.import_plan_bytes(db, plan_bytes(), "a.json", "alice")
    assert result.saved.result == "unchanged"
    counts = row_counts(engine)
    assert (counts["plans"], counts["plan_versions"]) == (1, 1)
    assert counts["uploads"] == 2  # every file received is kept, even an identical one


def test_changed_import_makes_a_new_draft_and_keeps_the_old(db: Database) -> None:
    plan = small_plan()
    imports.import_plan_bytes(db, plan_bytes(plan), "a.json", "alice")
    changed = small_plan(title="Riverton plan, revised")
    result = imports.import_plan_bytes(db, plan_bytes(changed), "b.json", "bob")
    assert (result.saved.result, result.saved.number) == ("new_version", 2)
    versions = plans.list_versions(db, plan.id)
    assert [(v.number, v.based_on, v.created_by) for v in versions] == [(1, None, "alice"), (2, 1, "bob")]
    assert plans.export_plan(db, plan.id, version=1).sha256 == content_hash(plan)
    assert plans.list_plans(db)[0].title == "Riverton plan, revised"


BAD_FILES = {
    "malformed JSON": b'{"format": "carepool-plan/1", "id": ',
    "a PNG renamed .json": PNG,
    "not a plan": b'{"hello": "world"}',
    "wrong types": edited(plan_bytes(), {"years": "2015-16", "partners": 7}),
    "a sub-penny amount": plan_bytes().replace(b'"amount": "4000000.00"', b'"amount": 4000000.505', 1),
    "an unknown reference": edited(plan_bytes(), {"policy": "bcf-1999-00"}),
    "an empty file": b"",
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("raw", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_import_writes_only_the_kept_file_and_its_event(db: Database, engine: Engine, raw: bytes) -> None:
    with pytest.raises(ImportRejected) as refused:
        imports.import_plan_bytes(db, raw, "bad.json", "alice")
    assert refused.value.problems
    assert row_counts(engine) == {"events": 1, "uploads": 1, "plan_versions": 0, "plans": 0}
    with db.transaction() as store:
        upload = store.upload(refused.value.upload_id or 0)
        assert upload is not None
        assert (upload.content, upload.outcome, upload.size) == (raw, "rejected", len(raw))
        assert json.loads(upload.report)["problems"]
        assert [e.kind for e in store.events()] == ["import_rejected"]


def test_sub_penny_amount_is_refused_with_the_field_path(db: Database) -> None:
    with pytest.raises(ImportRejected) as refused:
        imports.import_plan_bytes(db, BAD_FILES["a sub-penny amount"], "bad.json", "alice")
    assert [p.location for p in refused.value.problems] == ["minimums[0].amount"]


def test_refused_reimport_leaves_the_stored_plan_alone(db: Database, engine: Engine) -> None:
    plan = small_plan()
    imports.import_plan_bytes(db, plan_bytes(plan), "a.json", "alice")
    before = row_counts(engine)
    other_area = plan.area.model_copy(update={"ons_code": "E06000999"})
    with pytest.raises(ImportRejected) as refused:
        imports.import_plan_bytes(db, plan_bytes(small_plan(area=other_area)), "b.json", "alice")
    assert refused.value.problems[0].location == "area.ons_code"
    after = row_counts(engine)
    assert after == {**before, "uploads": before["uploads"] + 1, "events": before["events"] + 1}
    assert plans.export_plan(db, plan.id).sha256 == content_hash(plan)


def test_rejected_file_is_in_the_plan_timeline_when_its_id_is_readable(db: Database) -> None:
    from carepool.services import audit

    plan = small_plan()
    imports.import_plan_bytes(db, plan_bytes(plan), "a.json", "alice")
    bad = edited(plan_bytes(plan), {"partners": "none"})
    with pytest.raises(ImportRejected):
        imports.import_plan_bytes(db, bad, "b.json", "alice")
    assert [e.kind for e in audit.timeline(db, plan.id)][-1] == "import_rejected"


def test_import_of_a_missing_file_writes_nothing(db: Database, engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputRejected):
        imports.import_plan_file(db, tmp_path / "nope.json", "alice")
    assert sum(row_counts(engine).values()) == 0


def test_unknown_plan_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        plans.export_plan(db, "no-such-plan")
    with pytest.raises(NotFound):
        plans.show_plan(db, "no-such-plan")


def test_money_survives_storage_exactly(db: Database) -> None:
    plan = small_plan()
    plan.contributions[0].amount = Decimal("4000000.01")
    plan.schemes[0].funding[0].amount += Decimal("0.01")
    imports.import_plan_bytes(db, plan_bytes(plan), "a.json", "alice")
    _, stored = plans.stored_plan(db, plan.id)
    assert stored.contributions[0].amount == Decimal("4000000.01")
    assert stored == plan


# --- fuzzing: whatever arrives, the import either succeeds or refuses cleanly --------------------------

GOOD = json.loads(plan_bytes())
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(GOOD)), value=json_values)
def test_any_field_replaced_with_any_value_imports_or_refuses_cleanly(
    db: Database, engine: Engine, key: str, value: object
) -> None:
    raw = json.dumps({**GOOD, key: value}).encode()
    before = row_counts(engine)
    try:
        imports.import_plan_bytes(db, raw, "fuzz.json", "fuzzer")
    except ImportRejected as refused:
        assert refused.problems and refused.upload_id is not None
        after = row_counts(engine)
        assert after == {**before, "uploads": before["uploads"] + 1, "events": before["events"] + 1}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_are_refused_and_kept(db: Database, engine: Engine, raw: bytes) -> None:
    before = row_counts(engine)
    with pytest.raises(ImportRejected):
        imports.import_plan_bytes(db, raw, "noise.json", "fuzzer")
    assert row_counts(engine)["uploads"] == before["uploads"] + 1
    assert row_counts(engine)["plan_versions"] == 0


def test_long_names_and_titles_are_stored_whole(db: Database) -> None:
    plan = small_plan(title="T" * 3000)
    plan.area.name = "N" * 1000
    result = imports.import_plan_bytes(db, plan_bytes(plan), "x" * 900 + ".json", "a" * 400)
    assert plans.list_plans(db)[0].title == "T" * 3000
    with db.transaction() as store:
        upload = store.upload(result.upload_id)
        assert upload is not None and upload.filename.endswith(".json") and len(upload.actor) == 200
