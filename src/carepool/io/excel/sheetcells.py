"""Cells python-calamine shows as blank although they are not: a formula with no saved value, and an Excel
error value (#N/A, #DIV/0!, ...). The importer names these cells instead of reading them as blank.

Two ways to find them. In a plain sheet (``Scan.plain``: every cell tag written ``<c r="A1"``), each formula
tag the scan found is matched from its cell's start tag against the one form Excel, LibreOffice and
openpyxl write: the cell (attributes ``name="value"``), the formula, then ``<v>`` and plain text, or the
cell's end. Anything else, and any sheet that is not plain, is read by tokenising the whole sheet as the
reader does (``sheetscan.MARKUP`` and ``tag_parts``: quotes, comments, CDATA, processing instructions,
names and their local parts) and following its cell loop:

- a cell goes where its r says, or, without one, just after the cell before; a row's first r sets the row
  (a cell's r does not), and every end of a row moves it on;
- what is inside a formula element is its text: a ``v`` there is no value;
- the last child decides: an ``f``, an empty ``<v/>`` or ``<is/>`` after a value leaves the cell blank;
- a ``v`` counts only if it holds plain text, written first and without character references (the reader
  keeps only the first piece of text, so ``<v>&#53;</v>`` reads as blank), and not in an inline-string cell.

``<v></v>`` is a saved empty text (a formula that gives ""), read as blank like any blank cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from carepool.io.excel.sheetscan import MARKUP, Scan, address_of, tag_parts

_NAME: Final = rb"[^\s/>:!?<=]"
_PREFIX: Final = rb"(?:" + _NAME + rb"*:)?"
_ATTRIBUTES: Final = rb'(?:\s+[\w:.-]+="[^"<>&]*")*\s*'  # name="value", as Excel writes them

# At a formula tag of a plain sheet: its cell's start tag, then the formula and a value or the cell's end.
_FORMULA_CELL: Final = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"' + _ATTRIBUTES + rb">\s*<f[\s/>]")
_AFTER_FORMULA: Final = re.compile(
    rb"<f" + _ATTRIBUTES + rb"(?:/>|>[^<]*</f>)\s*"  # the formula, with or without its text
    rb"(?:<v>([^<&]+)</v>\s*</c>"  # a saved value, plain text
    rb"|(?:<v\s*/>\s*)?</c>)"  # no value: the cell ends
)
_CELL_START: Final = re.compile(rb"<" + _PREFIX + rb"""c\s((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ERROR_TYPE: Final = re.compile(rb"""(?<![^\s"'])t\s*=\s*(?:"e"|'e')""")  # no space needed after a quote
_R_ADDRESS: Final = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_ATTRIBUTE: Final = re.compile(rb"""(?<![^\s"'])(""" + _NAME + rb"""+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def unreadable_cells(data: bytes, scan: Scan) -> tuple[set[str], set[str]]:
    """(formula cells without a saved value, error cells) of one sheet's XML, e.g. ({"B7"}, set())."""
    if scan.plain:
        formulas = _formulas_at(data, scan.formulas)
        if formulas is not None:
            return formulas, _error_cells(data) if scan.error_type else set()
    return exact_unreadable_cells(data)


def _formulas_at(data: bytes, tags: Iterable[int]) -> set[str] | None:
    """Formula cells without a value, from the formula tags' offsets; None if one is written otherwise."""
    found: set[str] = set()
    for at in tags:
        start = data.rfind(b"<c", 0, at)
        cell = _FORMULA_CELL.match(data, start) if start != -1 else None
        if cell is None or cell.end() - 3 != at or b"inlineStr" in cell.group(0):
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


def _attributes(text: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (m.group(1), m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTRIBUTE.finditer(text)
    ]


def exact_unreadable_cells(data: bytes) -> tuple[set[str], set[str]]:
    """The same, from every piece of markup in the sheet, following the reader's cell loop (see above)."""
    formulas: set[str] = set()
    errors: set[str] = set()
    row, col = 1, 0  # the reader's current row, and the column of the last cell placed on it
    cell: str | None = None  # the open cell element, if any
    inline = has_formula = has_value = in_formula = False
    text_from: int | None = None  # where an open v element's text starts
    for m in MARKUP.finditer(data):
        content = m.group(1)
        if content is None or content[:1] in (b"!", b"?"):  # a comment, CDATA or processing instruction
            text_from = None  # inside a v, the text is no longer plain
            continue
        closing, empty, local, rest = tag_parts(content)
        if local == b"row":
            if not closing:
                first_r = next((value for name, value in _attributes(rest) if name == b"r"), None)
                place = address_of(first_r) if first_r is not None else None
                if place is not None:
                    row = place[0]
            if closing or empty:
                row, col = row + 1, 0
            continue
        if closing:
            if local == b"f":
                in_formula = False
            elif local == b"v" and text_from is not None and not in_formula:
                text = data[text_from : m.start()]
                has_value = bool(text) and b"&" not in text and not inline
                text_from = None
            elif local == b"c" and cell is not None:
                if has_formula and not has_value:
                    formulas.add(cell)
                cell = None
            continue
        if local == b"c":
            attributes = dict(_attributes(rest))  # the last r of a cell wins
            place = address_of(attributes[b"r"]) if b"r" in attributes else (row, col + 1)
            if place is None:  # an address the reader cannot place: the size check refuses the sheet
                cell = None
                continue
            col = place[1]
            ref = f"{_letters(place[1])}{place[0]}"
            if attributes.get(b"t") == b"e":
                errors.add(ref)
            inline = attributes.get(b"t") == b"inlineStr"
            cell, has_formula, has_value, in_formula = (None if empty else ref), False, False, False
        elif cell is not None and not in_formula:  # what is inside a formula is its text, not a value
            if local == b"f":
                has_formula, has_value, in_formula = True, False, not empty
            elif local == b"v":
                has_value, text_from = False, (None if empty else m.end())
            elif local == b"is":
                has_value = not empty
    return formulas, errors


def _letters(col: int) -> str:
    """Column letters for any column the reader may place a cell in, 0 included ("": an address with no
    letters); openpyxl's get_column_letter refuses 0 and anything past XFD."""
    text = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        text = chr(65 + rest) + text
    return text
