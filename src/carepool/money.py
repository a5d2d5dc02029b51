"""Exact money: Decimal pounds and pence, the rounding rules, and largest-remainder apportionment.

Rules (one per kind of output; see README "Money"):
- Stored amounts are pounds with at most two decimal places (pence). More places is an input error.
- ``round_to(amount, unit)`` rounds half-up to a unit: ``PENNY`` for payments, ``POUND`` for templates,
  ``THOUSAND`` for board tables (£000).
- ``apportion(total, weights, unit)`` splits a total into shares that sum *exactly* to the total
  (largest remainder, ties broken by position so the result is stable for a given order and independent
  of how the rows were sorted when keys are used).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TypeVar

PENNY = Decimal("0.01")
POUND = Decimal("1")
THOUSAND = Decimal("1000")
ZERO = Decimal("0")

ROUNDING_UNITS: dict[str, Decimal] = {"penny": PENNY, "pound": POUND, "thousand": THOUSAND}

K = TypeVar("K")


class MoneyError(ValueError):
    """A value that cannot be money (a float, too many decimal places, not a number)."""


# What people type: 1234.5, 1,234.50, £1,234.50, -5, (12.00). Commas only as thousands separators, so a
# mistyped "1,23" is refused rather than read as 123; ASCII digits only.
_MONEY_TEXT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", re.ASCII)
MAX_AMOUNT = Decimal("1000000000000")  # £1 trillion: far above any fund, far below Decimal's limits


def to_money(value: object) -> Decimal:
    """Parse a value into exact pounds. Accepts Decimal, int and text such as ``"£1,234.50"``.

    Floats are refused (they cannot hold pence exactly), as are more than two decimal places, text that is
    not an amount, and magnitudes beyond ``MAX_AMOUNT``. Every refusal is a ``MoneyError``.
    """
    if isinstance(value, bool):
        raise MoneyError("expected an amount of money, found true/false")
    if isinstance(value, float):
        raise MoneyError(f"expected an exact amount (text or whole number), found the float {value!r}")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        amount = _parse_text(value)
    else:
        raise MoneyError(f"expected an amount of money, found {type(value).__name__}")
    if not amount.is_finite():
        raise MoneyError(f"expected a finite amount, found {_show(value)}")
    if not -MAX_AMOUNT <= amount <= MAX_AMOUNT:
        raise MoneyError(f"{_show(value)} is not a plausible amount (the limit is {fmt_pounds(MAX_AMOUNT)})")
    pence = amount.quantize(PENNY)  # exact unless there were digits below a penny, whatever the rounding
    if pence != amount:
        raise MoneyError(f"amounts are pounds and pence (at most 2 decimal places), found {_show(value)}")
    return pence


def _show(value: object) -> str:
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _parse_text(value: str) -> Decimal:
    text = value.strip()
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1].strip()
    if text.startswith("-£"):
        text = "-" + text[2:]
    text = text.removeprefix("£").strip()
    if not _MONEY_TEXT.match(text):
        raise MoneyError(f"expected an amount in pounds such as 1234.50 or £1,234.50, found {_show(value)}")
    amount = Decimal(text.replace(",", ""))
    return -amount if negative else amount


def round_to(amount: Decimal, unit: Decimal) -> Decimal:
    """Round half-up to a multiple of ``unit`` (PENNY, POUND or THOUSAND)."""
    if unit == THOUSAND:
        return (amount / THOUSAND).quantize(POUND, rounding=ROUND_HALF_UP) * THOUSAND
    return amount.quantize(unit, rounding=ROUND_HALF_UP)


def fmt_pounds(amount: Decimal) -> str:
    """Format for people: ``£1,234.50``; negatives as ``-£5.00``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def apportion(total: Decimal, weights: Sequence[Decimal], unit: Decimal = PENNY) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so the parts sum exactly to ``total``.

    Largest-remainder method on multiples of ``unit``: each part gets the floor of its exact share, then
    the leftover units go one each to the parts with the largest remainders (earlier position wins a tie).
    ``total`` must itself be a multiple of ``unit``; weights must be non-negative with a positive sum.
    """
    if not weights:
        raise ValueError("cannot apportion over no weights")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights, ZERO)
    if weight_sum <= 0:
        raise ValueError("weights must have a positive sum")
    units_total = total / unit
    if units_total != units_total.to_integral_value():
        raise ValueError(f"total {total} is not a multiple of {unit}")
    negative = units_total < 0
    whole = int(abs(units_total))
    exact = [Decimal(whole) * w / weight_sum for w in weights]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    leftover = whole - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    sign = -1 if negative else 1
    return [Decimal(sign * f) * unit for f in floors]


def apportion_by_key(total: Decimal, weights: Mapping[K, Decimal], unit: Decimal = PENNY) -> dict[K, Decimal]:
    """``apportion`` over a mapping; ties are broken by the sorted key, so row order never matters."""
    keys = sorted(weights, key=str)
    parts = apportion(total, [weights[k] for k in keys], unit)
    return dict(zip(keys, parts, strict=True))


def total(amounts: Sequence[Decimal] | list[Decimal]) -> Decimal:
    """Sum of amounts, exact (``sum`` would start from the int 0)."""
    return sum(amounts, ZERO)
