"""Running the checks on a plan file or on stored plans."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from carepool.io.plan_json import read_plan
from carepool.model import Plan, content_hash
from carepool.policy import load_pack
from carepool.problems import InputRejected, Problem
from carepool.rules import Finding, has_errors, run_checks
from carepool.services.documents import load_document, require_version
from carepool.services.ports import Database
from carepool.services.records import VersionRecord


@dataclass(frozen=True, slots=True)
class CheckReport:
    plan_id: str
    title: str
    source: str  # a file path, or "stored"
    version: int | None
    sha256: str
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity.value == s for f in self.findings) for s in ("error", "warning", "info")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "title": self.title,
            "source": self.source,
            "version": self.version,
            "sha256": self.sha256,
            "ok": self.ok,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
        }


def _report(plan: Plan, source: str, version: int | None) -> CheckReport:
    return CheckReport(
        plan.id, plan.title, source, version, content_hash(plan), run_checks(plan, load_pack(plan.policy))
    )


def check_file(path: Path) -> CheckReport:
    try:
        plan = read_plan(path)
    except RecursionError:
        raise InputRejected(
            [Problem("format", str(path), "the JSON is nested too deeply to be a plan file")]
        ) from None
    return _report(plan, str(path), None)


# A stored version never changes and packs ship with the code, so its findings depend only on its hash and
# on today's date (MIL-001 looks for late milestones). Bounded; cleared whole when full.
_FINDINGS: dict[tuple[str, date], tuple[str, tuple[Finding, ...]]] = {}
_FINDINGS_LIMIT = 4096


def report_of(version: VersionRecord) -> CheckReport:
    """The checks on a stored version (cached: see above)."""
    key = (version.sha256, date.today())
    cached = _FINDINGS.get(key)
    if cached is None:
        plan = load_document(version.document)
        cached = (plan.title, tuple(run_checks(plan, load_pack(plan.policy))))
        if len(_FINDINGS) >= _FINDINGS_LIMIT:
            _FINDINGS.clear()
        _FINDINGS[key] = cached
    title, findings = cached
    return CheckReport(version.plan_id, title, "stored", version.number, version.sha256, list(findings))


def check_stored(db: Database, plan_id: str, version: int | None = None) -> CheckReport:
    with db.transaction() as store:
        record = require_version(store, plan_id, version)
    return report_of(record)


def check_all(db: Database) -> tuple[int, Iterator[CheckReport]]:
    """How many stored plans there are, and their reports one by one (for a progress bar)."""
    with db.transaction() as store:
        latest = sorted(store.latest_versions().values(), key=lambda v: v.plan_id)

    def reports() -> Iterator[CheckReport]:
        for v in latest:
            yield report_of(v)

    return len(latest), reports()
