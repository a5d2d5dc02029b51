"""Performance-for-payment checks: pot, ambition, ring-fence (mechanisms in carepool.finance.performance)."""

from __future__ import annotations
