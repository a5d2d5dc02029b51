"""A neutral shape for computed reports: JSON data for scripts, titled tables for people.

The services fill it; each face renders it (the CLI with Rich, later the web app with GOV.UK tables).
Money stays Decimal until it is written out, as text: JSON never carries a float amount.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from carepool.money import fmt_pounds


@dataclass(frozen=True, slots=True)
class TableData:
    title: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True, slots=True)
class Report:
    kind: str
    plan_id: str
    version: int
    sha256: str
    data: dict[str, Any]
    tables: list[TableData] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.kind,
            "plan": self.plan_id,
            "version": self.version,
            "sha256": self.sha256,
            **self.data,
            "notes": self.notes,
        }


def plain(value: Any) -> Any:
    """Dataclasses, enums, tuples and Decimals as JSON-ready values (Decimal → exact text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def money(amount: Decimal | None) -> str:
    return "—" if amount is None else fmt_pounds(amount)


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"
