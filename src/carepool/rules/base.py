"""The check mechanism: findings, severities, and the registry of checks.

A check is one small function ``(CheckContext) -> Iterable[Finding]`` registered with a stable code.
Its default severity can be changed by the policy pack (``[checks.CODE] severity = ...``), so a new rule
can arrive as a warning first and become blocking in a later year.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from carepool.model.plan import Plan
from carepool.policy.schema import PolicyPack


class Severity(StrEnum):
    ERROR = "error"  # blocks sign-off
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: str  # field path in the plan document, e.g. "contributions[3].amount"
    rule: str  # the pack rule or national requirement enforced
    found: str = ""
    expected: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location,
            "rule": self.rule,
            "found": self.found,
            "expected": self.expected,
        }


@dataclass
class CheckContext:
    """What a check sees: the plan, its pack, and lazily computed shared indexes."""

    plan: Plan
    pack: PolicyPack
    cache: dict[str, Any] = field(default_factory=dict)


CheckFn = Callable[[CheckContext], Iterable["Draft"]]


@dataclass(frozen=True, slots=True)
class Draft:
    """What a check function yields; the registry adds code, severity and rule."""

    message: str
    location: str
    found: str = ""
    expected: str = ""
    severity: Severity | None = None  # override the check's default for this one finding


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    title: str
    severity: Severity
    rule: str
    fn: CheckFn
    doc: str


REGISTRY: dict[str, Check] = {}


def check(code: str, title: str, severity: Severity, rule: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check under a stable code."""

    def register(fn: CheckFn) -> CheckFn:
        if code in REGISTRY:
            raise ValueError(f"check code {code} registered twice")
        REGISTRY[code] = Check(code, title, severity, rule, fn, (fn.__doc__ or "").strip())
        return fn

    return register


def effective_severity(chk: Check, pack: PolicyPack) -> Severity | None:
    setting = pack.checks.get(chk.code)
    if setting is None:
        return chk.severity
    if setting.severity == "off":
        return None
    return Severity(setting.severity)


def run_checks(plan: Plan, pack: PolicyPack, codes: Iterable[str] | None = None) -> list[Finding]:
    """Run every registered check (or the named ones) and return findings, errors first."""
    importlib.import_module("carepool.rules.catalogue")  # importing registers the checks

    ctx = CheckContext(plan, pack)
    wanted = set(codes) if codes is not None else None
    findings: list[Finding] = []
    for chk in REGISTRY.values():
        if wanted is not None and chk.code not in wanted:
            continue
        severity = effective_severity(chk, pack)
        if severity is None:
            continue
        for draft in chk.fn(ctx):
            findings.append(
                Finding(
                    code=chk.code,
                    severity=draft.severity or severity,
                    message=draft.message,
                    location=draft.location,
                    rule=chk.rule,
                    found=draft.found,
                    expected=draft.expected,
                )
            )
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.code, f.location))
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def iter_errors(findings: Iterable[Finding]) -> Iterator[Finding]:
    return (f for f in findings if f.severity is Severity.ERROR)
