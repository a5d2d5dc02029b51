"""Governance checks: conditions, s75 heads of terms, risks, milestones, signatories, narrative, metrics."""

from __future__ import annotations
