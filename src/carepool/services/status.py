"""A plan's status, derived from its events (never stored): draft, submitted, signed by …, fully signed.

Only the latest version counts. Signatures bind to the hash of the version signed, so a new draft
leaves earlier signatures behind: they stay in the timeline but no longer apply.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
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


@dataclass(frozen=True, slots=True)
class PlanStatus:
    state: str  # none | draft | submitted | signed | fully_signed
    label: str
    version: int | None
    sha256: str | None
    signatures: list[Signature] = field(default_factory=list)
    awaiting: list[str] = field(default_factory=list)  # signatory organisations yet to sign

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "label": self.label,
            "version": self.version,
            "sha256": self.sha256,
            "signatures": [s.to_dict() for s in self.signatures],
            "awaiting": self.awaiting,
        }


def derive_status(events: Sequence[EventRecord], required: Sequence[str]) -> PlanStatus:
    """Fold a plan's events (oldest first) into its status; ``required`` lists who must sign."""
    version: int | None = None
    sha: str | None = None
    submitted = False
    signatures: dict[str, Signature] = {}
    for ev in events:
        payload: dict[str, Any] = json.loads(ev.payload)
        if ev.kind in VERSION_EVENTS and ev.version is not None:
            version, sha, submitted, signatures = ev.version, payload.get("sha256"), False, {}
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
    if not signed:
        return PlanStatus("submitted", "submitted", version, sha, signed, awaiting)
    if not awaiting:
        return PlanStatus("fully_signed", "fully signed", version, sha, signed, awaiting)
    label = (
        "signed by " + ", ".join(s.organisation for s in signed) + f" ({len(signed)} of {len(set(required))})"
    )
    return PlanStatus("signed", label, version, sha, signed, awaiting)
