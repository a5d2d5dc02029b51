"""Field-by-field differences between two plan documents, as field paths the checks also use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MISSING = "(absent)"


@dataclass(frozen=True, slots=True)
class Change:
    path: str  # e.g. schemes[2].funding[0].amount
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new}


def differences(old: Any, new: Any, limit: int = 500) -> list[Change]:
    """Leaf-level changes (at most ``limit``). Lists of different length are compared as a whole."""
    found: list[Change] = []
    _walk(old, new, "", found, limit)
    return found


def changed_paths(old: Any, new: Any, limit: int = 12) -> list[str]:
    return [c.path for c in differences(old, new, limit)]


def _walk(old: Any, new: Any, path: str, found: list[Change], limit: int) -> None:
    if len(found) >= limit:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            child = f"{path}.{key}" if path else str(key)
            _walk(old.get(key, MISSING), new.get(key, MISSING), child, found, limit)
            if len(found) >= limit:
                return
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _walk(a, b, f"{path}[{i}]", found, limit)
    elif old != new:
        found.append(Change(path or "(whole document)", old, new))
