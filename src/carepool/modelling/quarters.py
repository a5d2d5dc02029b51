"""Financial-year quarter labels ("2015-16 Q1" = April to June 2015) as consecutive integers."""

from __future__ import annotations

import re

from carepool.problems import InputRejected, Problem

_QUARTER = re.compile(r"^(\d{4})-(\d{2}) Q([1-4])$")


def is_quarter(label: str) -> bool:
    m = _QUARTER.match(label)
    return m is not None and (int(m.group(1)) + 1) % 100 == int(m.group(2))


def quarter_index(label: str) -> int:
    """Consecutive quarters get consecutive integers: 2015-16 Q4 + 1 = 2016-17 Q1."""
    m = _QUARTER.match(label)
    if m is None or not is_quarter(label):
        raise InputRejected(
            [Problem("format", "quarter", "not a financial-year quarter", label, "2015-16 Q1")]
        )
    return int(m.group(1)) * 4 + int(m.group(3)) - 1


def quarter_label(index: int) -> str:
    year, q = divmod(index, 4)
    return f"{year}-{(year + 1) % 100:02d} Q{q + 1}"


def season(label: str) -> int:
    """1..4: the quarter of the financial year (Q1 = April to June)."""
    return quarter_index(label) % 4 + 1


def year_of(label: str) -> str:
    """The financial year a quarter belongs to: "2015-16 Q3" → "2015-16"."""
    return label.split(" ")[0]


def shift(label: str, quarters: int) -> str:
    return quarter_label(quarter_index(label) + quarters)
