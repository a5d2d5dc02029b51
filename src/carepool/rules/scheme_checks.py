"""Scheme checks: commissioner, provider, area of spend, commissioner split."""

from __future__ import annotations
