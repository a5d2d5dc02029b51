"""A plan's status, derived from its events (never stored): draft, submitted, signed by …, fully signed,
assured.

Only the latest version counts. Signatures and assurance decisions bind to the hash of the version
signed or assured, so a new draft leaves them behind: they stay in the timeline but no longer apply,
and the next submitted version needs its own signatures and its own assurance round.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from carepool.services.chain import stamp
from carepool.services.events import Kind
from carepool.services.records import EventRecord

VERSION_EVENTS = {Kind.CREATED.value, Kind.DRAFT_SAVED.value}


@dataclass(frozen=True, slots=True)
class Signature:
    organisation: str
    name: str
    role: str
    at: datetime
    version: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "name": self.name,
            "role": self.role,
            "at": stamp(self.at),
            "version": self.version,
            "sha256": self.sha256,
        }


def category_label(category: str) -> str:
    """``approved_subject_to_conditions`` → "approved subject to conditions"."""
    return category.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Condition:
    number: int  # 1-based, within its decision
    text: str
    due: date
    cleared_at: datetime | None = None
    cleared_by: str | None = None
    note: str = ""

    @property
    def open(self) -> bool:
        return self.cleared_at is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text,
            "due": self.due.isoformat(),
            "open": self.open,
            "cleared_at": stamp(self.cleared_at) if self.cleared_at else None,
            "cleared_by": self.cleared_by,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Assurance:
    """The assurance decision on one submitted version (one round), with its conditions as they stand."""

    category: str
    notes: dict[str, str]  # line of enquiry id → the assurer's notes
    conditions: list[Condition]
    actor: str
    at: datetime
    version: int
    sha256: str

    @property
    def open_conditions(self) -> list[Condition]:
        return [c for c in self.conditions if c.open]

    @property
    def label(self) -> str:
        text = f"assured: {category_label(self.category)}"
        if self.conditions:
            n = len(self.open_conditions)
            text += f" ({n} open)" if n else " (all conditions cleared)"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "label": self.label,
            "notes": self.notes,
            "conditions": [c.to_dict() for c in self.conditions],
            "open_conditions": len(self.open_conditions),
            "actor": self.actor,
            "at": stamp(self.at),
            "version": self.version,
            "sha256": self.sha256,
        }


def _assurance_of(ev: EventRecord, payload: dict[str, Any], version: int, sha: str) -> Assurance:
    conditions = [
        Condition(int(c["number"]), str(c["text"]), date.fromisoformat(str(c["due"])))
        for c in payload.get("conditions", [])
    ]
    notes = {str(k): str(v) for k, v in dict(payload.get("notes", {})).items()}
    return Assurance(str(payload.get("category", "")), notes, conditions, ev.actor, ev.at, version, sha)


def _cleared(assurance: Assurance, ev: EventRecord, payload: dict[str, Any]) -> Assurance:
    number = int(payload.get("condition", 0))
    conditions = [
        Condition(c.number, c.text, c.due, ev.at, ev.actor, str(payload.get("note", "")))
        if c.number == number and c.open
        else c
        for c in assurance.conditions
    ]
    return Assurance(
        assurance.category,
        assurance.notes,
        conditions,
        assurance.actor,
        assurance.at,
        assurance.version,
        assurance.sha256,
    )


@dataclass(frozen=True, slots=True)
class PlanStatus:
    state: str  # none | draft | submitted | signed | fully_signed | assured
    label: str
    version: int | None
    sha256: str | None
    signatures: list[Signature] = field(default_factory=list)
    awaiting: list[str] = field(default_factory=list)  # signatory organisations yet to sign
    assurance: Assurance | None = None  # the decision on this (submitted) version, if made

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "label": self.label,
            "version": self.version,
            "sha256": self.sha256,
            "signatures": [s.to_dict() for s in self.signatures],
            "awaiting": self.awaiting,
            "assurance": self.assurance.to_dict() if self.assurance else None,
        }


def derive_status(events: Sequence[EventRecord], required: Sequence[str]) -> PlanStatus:
    """Fold a plan's events (oldest first) into its status; ``required`` lists who must sign."""
    version: int | None = None
    sha: str | None = None
    submitted = False
    signatures: dict[str, Signature] = {}
    assurance: Assurance | None = None
    for ev in events:
        payload: dict[str, Any] = json.loads(ev.payload)
        current = version is not None and ev.version == version and payload.get("sha256") == sha
        if ev.kind in VERSION_EVENTS and ev.version is not None:
            version, sha, submitted, signatures = ev.version, payload.get("sha256"), False, {}
            assurance = None
        elif ev.kind == Kind.ASSURED.value and submitted and current and version is not None:
            assurance = _assurance_of(ev, payload, version, str(sha))
        elif ev.kind == Kind.CONDITION_CLEARED.value and assurance is not None and current:
            assurance = _cleared(assurance, ev, payload)
        elif ev.kind == Kind.SUBMITTED.value and ev.version == version and payload.get("sha256") == sha:
            submitted = True
        elif (
            ev.kind == Kind.SIGNED.value
            and submitted
            and version is not None
            and ev.version == version
            and payload.get("sha256") == sha
        ):
            org = str(payload.get("organisation", ""))
            signatures[org] = Signature(
                org, str(payload.get("name", "")), str(payload.get("role", "")), ev.at, version, str(sha)
            )
    if version is None:
        return PlanStatus("none", "no versions", None, None)
    if not submitted:
        return PlanStatus("draft", "draft", version, sha)
    signed = list(signatures.values())
    awaiting = [org for org in dict.fromkeys(required) if org not in signatures]
    if assurance is not None:
        return PlanStatus("assured", assurance.label, version, sha, signed, awaiting, assurance)
    if not signed:
        return PlanStatus("submitted", "submitted", version, sha, signed, awaiting)
    if not awaiting:
        return PlanStatus("fully_signed", "fully signed", version, sha, signed, awaiting)
    label = (
        "signed by " + ", ".join(s.organisation for s in signed) + f" ({len(signed)} of {len(set(required))})"
    )
    return PlanStatus("signed", label, version, sha, signed, awaiting)


def history_of(events: Sequence[EventRecord]) -> list[Assurance]:
    """Every assurance decision in a plan's events (oldest first), each as it stood when its round ended
    (a new version) or as it stands now."""
    ends = [i for i, ev in enumerate(events) if ev.kind in VERSION_EVENTS and i] + [len(events)]
    found = (derive_status(events[:end], []).assurance for end in ends)
    return [a for a in found if a is not None]
