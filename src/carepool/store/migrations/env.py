"""Alembic environment. Run programmatically by ``carepool.store.db.upgrade`` with a live connection;
no alembic.ini is needed at run time (one is shipped for developers who want the alembic command)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from carepool.store.accounts import Base  # the accounts module adds its tables to the same Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///carepool.db")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
