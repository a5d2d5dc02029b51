"""ORM tables. Only the store layer imports this module (an import-linter contract enforces it)."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
