"""Cells python-calamine shows as blank although they are not: a formula with no saved value, and an Excel
error value (#N/A, #DIV/0!, ...). The importer names these cells instead of reading them as blank.

Two ways to find them. In a plain sheet (``Scan.plain``: every cell tag written ``<c r="A1"``), each formula
tag the scan found is read with a strict pattern from its cell's start tag: the cell, the formula, then a
saved value or the cell's end, each tag up to its ">". A cell written any other way, and any sheet that is
not plain, is read by tokenising the whole sheet as the reader does (quotes, comments, CDATA and
processing instructions respected; a cell without an address placed after the one before).

What "no saved value" means is what the reader does: a formula cell without a ``v`` element, or with only
an empty ``<v/>``, reads as blank. ``<v></v>`` is a saved empty text (a formula that gives ""), read as blank
like any blank cell.

Limit (said in the tests too): the strict pattern reads bytes, so a file built to deceive it (a cell's
start tag hidden inside another tag's quoted attribute, just before a formula) can still have a formula
cell read as blank, unnamed. That is no more than leaving the cell blank: Excel, LibreOffice and openpyxl
never write such markup, and what the file really holds is never read as something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from carepool.io.excel.sheetscan import Scan, cell_place

_NAME: Final = rb"[^\s/>:!?<=]"
_PREFIX: Final = rb"(?:" + _NAME + rb"*:)?"

# At a formula tag of a simple, plain sheet: its cell's start tag, the formula, then a value or the end.
_FORMULA_CELL: Final = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*(?<!/)>\s*'  # the cell (not self-closing)
    rb"<f(?:[\s/>])"
)
_AFTER_FORMULA: Final = re.compile(
    rb"<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*"  # the formula, with or without its text
    rb"(?:(<" + _PREFIX + rb"v(?:>|\s[^>]*(?<!/)>))"  # a saved value
    rb"|(?:<" + _PREFIX + rb"v\s*/>\s*)?</c>)"  # no value: the cell ends
)
_CELL_START: Final = re.compile(rb"<" + _PREFIX + rb"c\s([^>]*)>")
_ERROR_TYPE: Final = re.compile(
    rb"""(?<![^\s"'])t\s*=\s*(?:"e"|'e')"""
)  # the reader needs no space after a quote
_R_ADDRESS: Final = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')

# Every piece of markup, as the reader tokenises it.
_MARKUP: Final = re.compile(
    rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)"
    rb"|<(/?)" + _PREFIX + rb"(" + _NAME + rb"*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)(?:>|\Z)",
    re.S,
)
_ATTRIBUTE: Final = re.compile(rb"""(?<![^\s"'])(""" + _NAME + rb"""+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def unreadable_cells(data: bytes, scan: Scan) -> tuple[set[str], set[str]]:
    """(formula cells without a saved value, error cells) of one sheet's XML, e.g. ({"B7"}, set())."""
    if scan.plain:
        formulas = _formulas_at(data, scan.formulas)
        if formulas is not None:
            return formulas, _error_cells(data) if scan.error_type else set()
    return exact_unreadable_cells(data)


def _formulas_at(data: bytes, tags: Iterable[int]) -> set[str] | None:
    """Formula cells without a value, from the formula tags' offsets; None if one is written unusually."""
    found: set[str] = set()
    for at in tags:
        start = data.rfind(b"<c", 0, at)
        cell = _FORMULA_CELL.match(data, start) if start != -1 else None
        if cell is None or cell.end() - 3 != at:  # the formula is not the first thing in its cell
            return None
        after = _AFTER_FORMULA.match(data, at)
        if after is None:
            return None
        if after.group(1) is None:
            found.add(cell.group(1).decode())
    return found


def _error_cells(data: bytes) -> set[str]:
    """Cells of a plain sheet whose type is e (an Excel error)."""
    found: set[str] = set()
    for attrs in _CELL_START.findall(data):
        if _ERROR_TYPE.search(attrs):
            ref = _R_ADDRESS.search(attrs)
            if ref is not None:
                found.add(ref.group(1).decode())
    return found


def _attributes(text: bytes) -> dict[bytes, bytes]:
    """A tag's attributes (the last of a name wins, as the reader takes it)."""
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(text)
    }


def exact_unreadable_cells(data: bytes) -> tuple[set[str], set[str]]:
    """The same, from every piece of markup in the sheet, read the way the reader reads it."""
    formulas: set[str] = set()
    errors: set[str] = set()
    row = col = 0
    cell: str | None = None  # the open cell element, if any
    has_formula = has_value = False
    for m in _MARKUP.finditer(data):
        closing, name, rest = m.groups()
        if name is None:  # a comment, CDATA or processing instruction
            continue
        if closing:
            if name == b"c" and cell is not None:
                if has_formula and not has_value:
                    formulas.add(cell)
                cell = None
            continue
        empty = rest.rstrip().endswith(b"/")
        if name == b"row":
            r = _attributes(rest).get(b"r")
            row, col = (int(r) if r is not None and r.isdigit() else row + 1), 0
        elif name == b"c":
            attributes = _attributes(rest)
            place = cell_place(attributes.get(b"r"), row, col)
            if place is None:  # an address the reader cannot place: the size check refuses the sheet
                cell = None
                continue
            row, col = place
            ref = f"{_letters(col)}{row}"
            if attributes.get(b"t") == b"e":
                errors.add(ref)
            cell, has_formula, has_value = (None if empty else ref), False, False
        elif cell is not None:
            if name == b"f":
                has_formula = True
            elif name == b"v" and not empty:
                has_value = True
    return formulas, errors


def _letters(col: int) -> str:
    text = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        text = chr(65 + rest) + text
    return text
