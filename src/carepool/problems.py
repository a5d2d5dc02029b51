"""Problems with input that a person must fix: where, what was found, what was expected.

Raised by every importer and service as ``InputRejected``; the faces print them, never a stack trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    stage: str  # file | format | schema | reference | policy | permission | conflict
    location: str  # field path, or sheet!cell
    message: str
    found: str = ""
    expected: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "stage": self.stage,
            "location": self.location,
            "message": self.message,
            "found": self.found,
            "expected": self.expected,
        }

    def __str__(self) -> str:
        parts = [f"{self.location}: {self.message}" if self.location else self.message]
        if self.found:
            parts.append(f"found {self.found}")
        if self.expected:
            parts.append(f"expected {self.expected}")
        return "; ".join(parts)


class InputRejected(Exception):
    """Input that was refused as a whole; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFound(Exception):
    """A plan, version or area that does not exist."""
