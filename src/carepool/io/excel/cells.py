"""One cell's value, both ways: plan values → what is written; what python-calamine reads → plan values.

Numbers: calamine returns every numeric cell as a float. Money goes through ``repr`` (the shortest
decimal that gives the same float, exact for pounds and pence below 10^13) and must then have at most two
decimal places. Quantities and percentages keep their written precision: where a Decimal would not come
back from a float with the same digits (e.g. ``4825.000``), the writer stores it as text and the reader
accepts a strictly decimal text — so a round trip is exact without accepting "1,000"-style text.

Text: an .xlsx file cannot hold some characters (controls, a bare carriage return is read back as a line
feed), so they are written in Excel's own ``_xHHHH_`` escape, which calamine decodes; a literal
``_xHHHH_`` in the text is escaped as ``_x005F_xHHHH_`` for the same reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from itertools import repeat
from typing import Final, cast

from carepool.io.excel import messages as msg
from carepool.io.excel.config import MONEY_KINDS, NUMBER_LIMITS, Kind
from carepool.money import PENNY

CellValue = int | float | str | bool | time | date | datetime | timedelta
Parsed = str | Decimal | int | bool | date | list[str] | None

_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]")
_NOT_STORABLE = re.compile(r"[\ufffe\uffff\ud800-\udfff]")
_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?([Ee][+-]?[0-9]+)?$")  # as str(Decimal) writes it
_WHOLE_TEXT = re.compile(r"^[0-9]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FINITE: Final = float("inf")
_INTEGER_LIMITS: Final = NUMBER_LIMITS[Kind.INTEGER]
_FLOAT_LIMITS: Final = {kind: (float(low), float(high)) for kind, (low, high) in NUMBER_LIMITS.items()}


@dataclass(frozen=True, slots=True)
class CellError:
    """Why a cell could not be read: a message from ``messages`` and what was expected."""

    message: str
    found: str
    expected: str = ""


# --- writing ---------------------------------------------------------------------------------------


def storable(text: str) -> bool:
    return _NOT_STORABLE.search(text) is None


def escape_text(text: str) -> str:
    text = _ESCAPED.sub(r"_x005F_\1", text)
    return _NEEDS_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def number_from_float(value: float) -> Decimal:
    if value.is_integer() and abs(value) < 2**53:
        return Decimal(int(value))
    return Decimal(repr(value))


def exact_number(value: Decimal) -> Decimal | str:
    """The value to write for a quantity or percentage: a number when it reads back digit for digit."""
    try:
        back = number_from_float(float(value))
    except (OverflowError, ValueError):
        return str(value)
    return value if str(back) == str(value) else str(value)


# --- reading ---------------------------------------------------------------------------------------


def _shown(value: CellValue) -> str:
    shown = number_from_float(value) if isinstance(value, float) and value == value else value
    text = shown if isinstance(shown, str) else str(shown)
    return repr(text if len(text) <= 60 else text[:57] + "...")


# Unicode White_Space, what the plan model trims from text. Python's str.isspace() also counts the
# controls \x1c-\x1f, which the model keeps: using it would turn such a text into a blank cell.
WHITE_SPACE: Final = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def is_blank(value: CellValue | None) -> bool:
    return value is None or (isinstance(value, str) and value.strip(WHITE_SPACE) == "")


def _decimal(value: CellValue, kind: Kind) -> Decimal | CellError:
    if type(value) is float and value.is_integer():  # a whole number in range
        low_float, high_float = _FLOAT_LIMITS[kind]
        if low_float <= value <= high_float:  # exact: the limits are whole numbers below 2**53
            whole = Decimal(int(value))
            return whole.quantize(PENNY) if kind in MONEY_KINDS else whole
    if type(value) is float and -_FINITE < value < _FINITE:  # a finite number (no NaN)
        number = number_from_float(value)
    elif isinstance(value, bool) or not isinstance(value, int | float | str):
        return CellError(msg.EXPECT_NUMBER, _shown(value), "a number")
    elif isinstance(value, str):
        text = value.strip()
        if kind in MONEY_KINDS or not _DECIMAL_TEXT.match(text):
            return CellError(msg.EXPECT_NUMBER, _shown(value), "a number")
        number = Decimal(text)
    elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return CellError(msg.EXPECT_NUMBER, _shown(value), "a number")
    else:
        number = number_from_float(float(value)) if isinstance(value, float) else Decimal(value)
    low, high = NUMBER_LIMITS[kind]
    if not low <= number <= high:
        return CellError(msg.OUT_OF_RANGE, _shown(value), f"from {low:,} to {high:,}")
    if kind in MONEY_KINDS:
        try:
            pence = number.quantize(PENNY)
        except InvalidOperation:
            return CellError(msg.EXPECT_PENCE, _shown(value), "e.g. 1234.50")
        if pence != number:
            return CellError(msg.EXPECT_PENCE, _shown(value), "e.g. 1234.50")
        return pence
    return number


def _text(value: CellValue, kind: Kind) -> str | CellError:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return CellError(msg.EXPECT_TEXT, _shown(value), "text")
    return str(number_from_float(float(value)))  # a code typed as a number, e.g. 99 for CCG "99"


def _date(value: CellValue, kind: Kind) -> date | CellError:
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date()
    elif isinstance(value, date):
        return value
    elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    return CellError(msg.EXPECT_DATE, _shown(value), "a date such as 31/03/2015")


def _integer(value: CellValue, kind: Kind) -> int | CellError:
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _WHOLE_TEXT.match(value.strip()):
        number = int(value.strip())
    else:
        return CellError(msg.EXPECT_WHOLE, _shown(value), "a whole number")
    low, high = _INTEGER_LIMITS
    if not low <= number <= high:
        return CellError(msg.OUT_OF_RANGE, _shown(value), f"from {low:,} to {high:,}")
    return number


def _yes_no(value: CellValue, kind: Kind) -> bool | CellError:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower() == "yes"
    return CellError(msg.EXPECT_YESNO, _shown(value), "Yes or No")


def _years(value: CellValue, kind: Kind) -> list[str] | CellError:
    if isinstance(value, str):
        years = [part.strip() for part in value.split(",")]
        if all(years):
            return years
    return CellError(msg.EXPECT_YEARS, _shown(value), "e.g. 2014-15, 2015-16")


# Kinds by set and dict, never ``Kind.X`` in a per-cell path: reading a member off an enum class is slow
# (about 75 ns on Python 3.11, more than parsing a whole number). Every reader takes the kind, for one call.
TEXT_KINDS: Final = frozenset({Kind.TEXT, Kind.CODE})
_DECIMAL_KINDS: Final = MONEY_KINDS | {Kind.PERCENT, Kind.QUANTITY}
_BY_KIND: Final[dict[Kind, Callable[[CellValue, Kind], Parsed | CellError]]] = {
    Kind.TEXT: _text,
    Kind.CODE: _text,
    **dict.fromkeys(_DECIMAL_KINDS, _decimal),
    Kind.INTEGER: _integer,
    Kind.DATE: _date,
    Kind.YESNO: _yes_no,
    Kind.YEARS: _years,
}


def parse(value: CellValue | None, kind: Kind) -> Parsed | CellError:
    """The plan value of one non-formula cell; None for a blank cell."""
    if isinstance(value, str):
        if not value.strip(WHITE_SPACE):
            return None
        if kind in TEXT_KINDS:  # most cells: a fast path
            return value
    elif value is None:
        return None
    return _BY_KIND[kind](value, kind)


def all_text(cells: Sequence[CellValue]) -> bool:
    """Whether every cell is text with something in it: what ``parse`` gives back as it is for a text
    or code column (checked in C, a call for all the cells)."""
    return set(map(type, cells)) <= _STR and all(
        map(str.strip, cast(Sequence[str], cells), repeat(WHITE_SPACE))
    )


_STR: Final = frozenset({str})


def parse_column(cells: Iterable[CellValue | None], kind: Kind) -> list[Parsed | CellError]:
    """``parse`` for every cell of a column, the kind looked up once: text as it is, numbers in range,
    and Yes or No as Excel's list offers them, are most cells."""
    if kind in TEXT_KINDS:
        return [v if type(v) is str and v.strip(WHITE_SPACE) else parse(v, kind) for v in cells]
    if kind in _DECIMAL_KINDS:  # as ``_decimal`` reads a number in range
        low, high = _FLOAT_LIMITS[kind]
        if kind in MONEY_KINDS:
            return [
                Decimal(int(v)).quantize(PENNY)
                if type(v) is float and v.is_integer() and low <= v <= high
                else parse(v, kind)
                for v in cells
            ]
        return [
            (Decimal(int(v)) if v.is_integer() else Decimal(repr(v)))
            if type(v) is float and low <= v <= high  # NaN is never in range
            else parse(v, kind)
            for v in cells
        ]
    if kind in _YES_NO_KINDS:
        return [_YES_NO[v] if type(v) is str and v in _YES_NO else parse(v, kind) for v in cells]
    return [parse(v, kind) for v in cells]


_YES_NO_KINDS: Final = frozenset({Kind.YESNO})
_YES_NO: Final = {"Yes": True, "No": False}  # what the template's list writes
