"""Worksheet XML looked at before python-calamine reads it: a vectorised pass over all the sheets a
template needs, and an exact count for any sheet that pass cannot vouch for.

What the reader does (python-calamine, quick-xml underneath): in ``sheetData`` every element whose local
name is ``c`` (any prefix) is a cell, placed by its ``r`` attribute — letters in either case, value in
either quote, spaces allowed around ``=``, the *last* ``r`` if there are two — or, without one, just after
the previous cell of the row; a ``row`` element's ``r`` sets the row of such unaddressed cells. It then
allocates rows × columns for the sheet, so one cell at XFD1048576 (17 billion cells) aborts the process.

``scan_sheets`` vouches for a sheet ("plain") only when every cell tag is written exactly as Excel,
LibreOffice and openpyxl write it — ``<c r="A1"`` with the address first, one capital letter, at most five
digits — and the sheet has no other ``r`` attribute and no prefixed ``c``, ``row`` or ``f`` tag. A plain
sheet cannot reach past Z99999. Anything else goes to ``counted_extent``, which reads every cell and row
tag (any prefix, quotes respected) and bounds the area from their addresses the way the reader places
them; an address it cannot read counts as unbounded. Both over-approximate: text that merely looks like
markup (in a comment, say) can only make a sheet look larger.

The same pass says which sheets need a closer look for a document type declaration, Excel error cells,
merged cells and formula cells, so those searches run only where something is there to find.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

FAST_BOUND: Final = 99_999 * 26  # the largest area a plain sheet can span (A1:Z99999)
UNBOUNDED: Final = 2**63 - 1  # an address the reader might place anywhere

_PAD: Final = bytes(16)  # between and around the sheets: every look-ahead below stays inside it

Bytes = npt.NDArray[np.uint8]
Positions = npt.NDArray[np.intp]


def _table(chars: bytes) -> npt.NDArray[np.bool_]:
    table = np.zeros(256, dtype=np.bool_)
    table[np.frombuffer(chars, dtype=np.uint8)] = True
    return table


_UPPER: Final = _table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGIT: Final = _table(b"0123456789")
_SPACE: Final = _table(b" \t\n\r\x0b\x0c")
_NAME: Final = _table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-:")
_NAME[0x80:] = True  # bytes that can continue an XML name; any other byte ends one


def _after(a: Bytes, at: Positions, length: int) -> Positions:
    """The positions whose name, ``length`` bytes after the position's "<" or ":", ends there."""
    return at[~_NAME[a[at + 1 + length]]]


class _Text:
    """The joined XML, with the eight bytes from any offset readable as one little-endian integer, so a
    test of up to eight bytes at many places is a few array operations."""

    def __init__(self, buffer: bytes) -> None:
        self.a: Bytes = np.frombuffer(buffer, dtype=np.uint8)
        self.words: npt.NDArray[np.uint64] = np.ndarray(
            (len(buffer) - 7,), dtype="<u8", buffer=buffer, strides=(1,)
        )

    def starts(self, at: Positions, text: bytes) -> npt.NDArray[np.bool_]:
        """For each position, whether ``text`` (at most eight bytes) starts there."""
        mask = (1 << (8 * len(text))) - 1
        found: npt.NDArray[np.bool_] = (self.words[at] & np.uint64(mask)) == np.uint64(
            int.from_bytes(text, "little")
        )
        return found


_HIGH: Final = np.uint64(0x8080808080808080)
_LOW7: Final = np.uint64(0x7F7F7F7F7F7F7F7F)
_TENS: Final = np.uint64(0x0A0A0A0A0A0A0A0A)
_ZEROS: Final = np.uint64(0x3030303030303030)
_QUOTES: Final = np.uint64(0x2222222222222222)
_ONE: Final = np.uint64(1)
_SECOND_TO_SIXTH: Final = np.uint64(0x0000808080808000)  # the high bits of bytes 1 to 5


def _digits_then_quote(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """For eight bytes each: one to five ASCII digits, then a double quote (bit tricks, byte-wise)."""
    t = words ^ _ZEROS  # a digit becomes 0-9
    not_digit = (((t | _HIGH) - _TENS) | t) & _HIGH  # high bit of each byte that is not 0-9
    v = words ^ _QUOTES  # a quote becomes 0
    quote = ~(((v & _LOW7) + _LOW7) | v) & _HIGH  # high bit of each byte that is a quote
    first = not_digit & (~not_digit + _ONE)  # the first byte that is not a digit
    found: npt.NDArray[np.bool_] = ((first & quote) != 0) & ((first & _SECOND_TO_SIXTH) != 0)
    return found


@dataclass(frozen=True, slots=True)
class Scan:
    """What one pass learnt about a sheet's XML."""

    plain: bool  # the sheet cannot reach past Z99999 (see the module docstring)
    declaration: bool  # a "<!" somewhere: a document type declaration, comment or CDATA to look at
    error_type: bool  # a t="e" somewhere: maybe an Excel error cell
    merges: bool  # a (possibly prefixed) mergeCell element
    formulas: tuple[int, ...]  # offsets of unprefixed <f tags (formula cells), when plain


def scan_sheets(parts: Sequence[bytes]) -> list[Scan]:
    """One vectorised pass over several sheets' XML (joined, so the fixed cost is paid once)."""
    if not parts:
        return []
    text = _Text(_PAD + _PAD.join(parts) + _PAD)
    a = text.a
    sizes = np.array([len(p) + len(_PAD) for p in parts], dtype=np.intp)
    starts = np.concatenate((np.array([len(_PAD)], dtype=np.intp), len(_PAD) + np.cumsum(sizes)[:-1]))
    count = len(parts)

    def sheet_of(at: Positions) -> Positions:
        return np.searchsorted(starts, at, side="right") - 1

    def flagged(*found: Positions) -> npt.NDArray[np.bool_]:
        flags = np.zeros(count, dtype=np.bool_)
        for at in found:
            if len(at):
                flags[sheet_of(at)] = True
        return flags

    lt = np.flatnonzero(a == ord("<"))
    n1 = a[lt + 1]

    # Cell tags: "<c" and then anything that ends the name. Plain ones are exactly <c r="A1"...
    cells = _after(a, lt[n1 == ord("c")], 1)
    plain_cell = (
        text.starts(cells, b'<c r="') & _UPPER[a[cells + 6]] & _digits_then_quote(text.words[cells + 7])
    )
    row_at = lt[n1 == ord("r")]
    rows = row_at[text.starts(row_at, b'<row r="')]

    # Every r attribute: an "r" that no name character precedes, then "=" (or spaces and "=").
    eq = np.flatnonzero(a == ord("="))
    before = a[eq - 1]
    r_eq = eq[before == ord("r")]
    r_attrs = r_eq[~_NAME[a[r_eq - 2]]] - 1
    spaced = np.array([e for e in eq[_SPACE[before]].tolist() if _spaced_r(a, e)], dtype=np.intp)
    own = np.concatenate(
        (cells[plain_cell] + 3, rows + 5)
    )  # the r of a plain cell or row tag: all in r_attrs
    if len(r_attrs) == len(own):
        stray = np.zeros(count, dtype=np.bool_)
    else:
        stray = np.bincount(sheet_of(r_attrs), minlength=count) != np.bincount(sheet_of(own), minlength=count)

    colon = np.flatnonzero(a == ord(":"))
    c1 = a[colon + 1]
    prefixed = (
        _after(a, colon[c1 == ord("c")], 1),
        _after(a, colon[c1 == ord("f")], 1),
        _after(a, colon[text.starts(colon, b":row")], 3),
    )
    not_plain = flagged(cells[~plain_cell], spaced, *prefixed) | stray
    declaration = flagged(lt[n1 == ord("!")])
    t_eq = eq[before == ord("t")]
    errors = flagged(t_eq[text.starts(t_eq, b'="e"')])
    m_lt, m_colon = lt[n1 == ord("m")], colon[c1 == ord("m")]
    merges = flagged(m_lt[text.starts(m_lt, b"<merge")], m_colon[text.starts(m_colon, b":merge")])
    formulas: list[list[int]] = [[] for _ in parts]
    starts_of = starts.tolist()
    at_f = _after(a, lt[n1 == ord("f")], 1)
    for sheet, at in zip(sheet_of(at_f).tolist(), at_f.tolist(), strict=True):
        formulas[sheet].append(at - starts_of[sheet])
    return [
        Scan(
            plain=not bool(not_plain[i]),
            declaration=bool(declaration[i]),
            error_type=bool(errors[i]),
            merges=bool(merges[i]),
            formulas=tuple(formulas[i]),
        )
        for i in range(count)
    ]


def _spaced_r(a: Bytes, eq: int) -> bool:
    """Whether the "=" at ``eq``, after spaces, belongs to an attribute named r (or cannot be told)."""
    at = eq - 1
    while at > 0 and _SPACE[a[at]]:
        at -= 1
    return at <= 0 or (a[at] == ord("r") and not _NAME[a[at - 1]])


# --- the exact count -------------------------------------------------------------------------------

# A cell or row start tag with any one prefix, up to its closing ">" (quoted values may hold ">").
_TAG = re.compile(rb"""<(?:[^\s/>:!?<]*:)?(c|row)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_R_ATTR = re.compile(rb"""(?<![^\s"'])r\s*=\s*(?:"([^"]*)"|'([^']*)')?""")
_ADDRESS = re.compile(rb"([A-Za-z]{0,7})([0-9]{1,10})")


def _address(value: bytes | None) -> tuple[int, int] | None:
    """(row, column) as the reader would place them; None if it might place them anywhere."""
    m = _ADDRESS.fullmatch(value) if value is not None else None
    if m is None:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ch - 64
    return int(m.group(2)), col


def counted_extent(data: bytes) -> int:
    """An upper bound on rows × columns of the area the reader allocates, from every cell and row tag."""
    max_row = max_col = max_row_tag = 0
    unaddressed_cells = unaddressed_rows = 0
    for m in _TAG.finditer(data):
        is_cell = m.group(1) == b"c"
        values = [r.group(1) if r.group(1) is not None else r.group(2) for r in _R_ATTR.finditer(m.group(2))]
        if not values:
            if is_cell:
                unaddressed_cells += 1
            else:
                unaddressed_rows += 1
            continue
        for value in values:
            place = _address(value)
            if place is None:
                return UNBOUNDED
            row, col = place
            if is_cell:
                max_row, max_col = max(max_row, row), max(max_col, col)
            else:
                max_row_tag = max(max_row_tag, row)
    if unaddressed_cells:  # they sit on the current row: at most one past the rows counted so far
        max_row = max(max_row, max_row_tag + unaddressed_rows + 1)
    return max_row * (max_col + unaddressed_cells)
