"""Storage: SQLAlchemy tables, Alembic migrations, repositories. Only this layer sees the ORM.

- ``tables``: the ORM mapping (plans, plan_versions, events, uploads).
- ``guards``: append-only and immutability rules enforced on ORM writes.
- ``repository``: ``SqlStore``, the only code that touches ORM objects; plain records in and out.
- ``db``: ``open_database(url)``: engine, sessions, and ``alembic upgrade head`` run in process.
- ``migrations/``: Alembic environment and versions (``0001`` also installs the database triggers).

The services reach this package at run time through ``carepool.services.backend`` and speak to it
through the protocols in ``carepool.services.ports``.
"""
