"""The Alembic migration builds exactly the schema the ORM describes, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from carepool.services.ports import Database
from carepool.store.db import downgrade, make_engine, open_database, upgrade
from carepool.store.tables import Base


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_migrated_schema_matches_the_orm(engine: Engine) -> None:
    assert schema_differences(engine) == []
    assert set(inspect(engine).get_table_names()) >= {
        "plans",
        "plan_versions",
        "events",
        "uploads",
        "alembic_version",
    }


def test_open_database_twice_is_harmless(database_url: str, db: Database) -> None:
    again = open_database(database_url)
    with again.transaction() as store:
        assert store.counts() == {"plans": 0, "plan_versions": 0, "events": 0, "uploads": 0}
    again.dispose()


def test_downgrade_then_upgrade_rebuilds_the_same_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert not {"plans", "events"} & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()
