"""The plan's sections as pages: which parts of the document each shows, and links from a field path
(as the checks report it, e.g. ``contributions[3].amount``) to the row that shows that field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import url_for

from carepool.rules import Finding

SECTIONS: dict[str, str] = {
    "partners": "Partners",
    "pools": "Pools",
    "contributions": "Contributions",
    "schemes": "Schemes",
    "metrics": "Metrics and trajectories",
    "conditions": "Condition statements",
    "risks": "Risks",
    "milestones": "Milestones",
    "s75": "Section 75 heads of terms",
    "signatories": "Signatories",
}
SECTION_PATTERN = "any(" + ", ".join(SECTIONS) + ")"
MONEY_FIELDS = {"amount", "stated_pot", "fund_share", "risk_pool"}


@dataclass(frozen=True, slots=True)
class Editable:
    """How a section is edited: a list of items (each found by ``key``, e.g. a pool's ``id``), or one
    object whose fields are changed (``key`` None)."""

    section: str
    singular: str  # "pool", "condition statement"
    key: str | None

    @property
    def is_list(self) -> bool:
        return self.key is not None


EDITABLE: dict[str, Editable] = {
    section: Editable(section, singular, key)
    for section, singular, key in (
        ("partners", "partner", "org"),
        ("pools", "pool", "id"),
        ("contributions", "contribution", "id"),
        ("schemes", "scheme", "ref"),
        ("metrics", "metric", "metric"),
        ("conditions", "condition statement", "condition"),
        ("risks", "risk", "id"),
        ("milestones", "milestone", "id"),
        ("s75", "section 75 heads of terms", None),
        ("signatories", "signatory", "signs_for"),
    )
}

_HEAD = re.compile(r"^([A-Za-z_0-9]+)(?:\[(\d+)\])?(?:\.([A-Za-z_0-9]+))?")


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    value: Any  # text, or a list of text for nested values
    anchor: str


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    anchor: str
    rows: list[Row]
    item_id: str | None
    index: int | None = None  # position in a list section


def label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def money(text: str) -> str:
    try:
        amount = Decimal(text)
    except (InvalidOperation, TypeError):
        return text
    return f"£{amount:,.2f}"


def show(key: str, value: Any) -> Any:
    if value is None or value == "" or value == [] or value == {}:
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key in MONEY_FIELDS and isinstance(value, str):
        return money(value)
    if isinstance(value, list):
        return [_brief(v) for v in value]
    if isinstance(value, dict):
        return [f"{label(k)}: {_brief(v)}" for k, v in value.items()]
    return str(value)


def _brief(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{label(k)}: {money(v) if k in MONEY_FIELDS else v}" for k, v in value.items())
    return str(value)


def _card(section: str, index: int | None, item: Any) -> Card:
    anchor = f"{section}-{index}" if index is not None else section
    if not isinstance(item, dict):
        return Card(
            f"{SECTIONS[section]} {index}",
            anchor,
            [Row("value", "Value", show("", item), anchor)],
            None,
            index,
        )
    ident = item.get("id")
    rows = [Row(k, label(k), show(k, v), f"{anchor}-{k}") for k, v in item.items()]
    return Card(
        item_title(item) or anchor, anchor, rows, str(ident) if isinstance(ident, str) else None, index
    )


def item_title(item: dict[str, Any]) -> str:
    """What a summary card (or a Change link's hidden text) calls an item."""
    title = str(item.get("name") or item.get("title") or item.get("id") or item.get("org") or "")
    return title or str(item.get("condition") or item.get("signs_for") or item.get("metric") or "")


def cards(section: str, document: dict[str, Any]) -> list[Card]:
    value = document.get(section)
    if isinstance(value, list):
        return [_card(section, i, item) for i, item in enumerate(value)]
    if value is None:
        return []
    return [_card(section, None, value)]


def field_link(plan_id: str, location: str) -> str:
    """The page and row for a field path; the plan overview when no section page shows it."""
    match = _HEAD.match(location)
    if not match or match.group(1) not in SECTIONS:
        return url_for("plans.overview", plan_id=plan_id)
    section, index, key = match.groups()
    anchor = section if index is None else f"{section}-{index}"
    if key and (index is not None or section == "s75"):
        anchor = f"{anchor}-{key}"
    return url_for("plans.section", plan_id=plan_id, section=section, _anchor=anchor)


def section_state(section: str, findings: list[Finding]) -> str:
    """complete | errors | warnings, from the checks whose field path is in this section."""
    mine = [f for f in findings if f.location.split("[")[0].split(".")[0] == section]
    if any(f.severity.value == "error" for f in mine):
        return "errors"
    if any(f.severity.value == "warning" for f in mine):
        return "warnings"
    return "complete"
