"""Failures the services report to the faces (besides ``InputRejected`` and ``NotFound``)."""

from __future__ import annotations

from collections.abc import Sequence

from carepool.problems import InputRejected, Problem


class Conflict(Exception):
    """The data moved on since the caller read it (optimistic check), or the state forbids the change.

    Nothing was written. The problems say what changed and what to do.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Busy(Conflict):
    """Another writer committed first (same next version number, same tail of the event chain, or a
    locked SQLite file). The services retry the whole unit of work before giving up with this."""


class ImportRejected(InputRejected):
    """An import refused as a whole; only the uploaded file and an ``import_rejected`` event were kept."""

    def __init__(self, problems: Sequence[Problem], upload_id: int | None) -> None:
        super().__init__(problems)
        self.upload_id = upload_id


class Unavailable(Exception):
    """The database cannot be opened (bad URL, server down, no permission)."""
