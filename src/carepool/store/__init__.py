"""Storage: SQLAlchemy tables, Alembic migrations, repositories. Only this layer sees the ORM."""
