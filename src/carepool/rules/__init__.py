"""Checks: each a small function with a stable code, severity, message, location and pack rule."""

from carepool.rules.base import (
    REGISTRY,
    CheckContext,
    Draft,
    Finding,
    Severity,
    check,
    has_errors,
    run_checks,
)

__all__ = ["REGISTRY", "CheckContext", "Draft", "Finding", "Severity", "check", "has_errors", "run_checks"]
