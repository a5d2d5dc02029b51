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

It also finds where a sheetData element's trailing run of empty rows begins: the rows a template leaves
for input, at the end of each table. From there to ``</sheetData>`` every "<" starts ``<row r="``,
``</row>`` or a cell tag (``<c`` and a byte that ends a name) with ``/>`` right before the next "<". The
reader is given the sheetData without that run. Why no value changes (an independent review read
calamine's cell loop, and fuzzed it: 1.6 million random and 5.4 million exhaustive runs, no difference):
the reader keeps a cell's value only when the cell's end tag (local name c) arrives; in the run the only
such end tags are those of self-closing cell tags, whose start tag the reader meets first, and a cell
start inside an open cell is refused. So a value begun in the run never completes: where the whole
sheetData can be read, the run gave it nothing but empty cells, and the reading without the run reads the
same values; where it cannot, the reading without the run reads what came before it, as the whole would
have up to there. (``<c;:v>`` is a cell tag here and a ``v`` to the reader: it can start a value in the
run, never finish one.)
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
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


Words = npt.NDArray[np.uint64]


def _word(text: bytes) -> np.uint64:
    return np.uint64(int.from_bytes(text, "little"))


def _mask(length: int) -> np.uint64:
    return np.uint64((1 << (8 * length)) - 1)


_HIGH: Final = np.uint64(0x8080808080808080)
_LOW7: Final = np.uint64(0x7F7F7F7F7F7F7F7F)
_TENS: Final = np.uint64(0x0A0A0A0A0A0A0A0A)
_ZEROS: Final = np.uint64(0x3030303030303030)
_QUOTES: Final = np.uint64(0x2222222222222222)
_ONE: Final = np.uint64(1)
_SECOND_TO_SIXTH: Final = np.uint64(0x0000808080808000)  # the high bits of bytes 1 to 5
_ROW: Final = _word(b'<row r="')


def _digits_then_quote(words: Words) -> npt.NDArray[np.bool_]:
    """For eight bytes each: one to five ASCII digits, then a double quote (bit tricks, byte-wise)."""
    t = words ^ _ZEROS  # a digit becomes 0-9
    not_digit = (((t | _HIGH) - _TENS) | t) & _HIGH  # high bit of each byte that is not 0-9
    v = words ^ _QUOTES  # a quote becomes 0
    quote = ~(((v & _LOW7) + _LOW7) | v) & _HIGH  # high bit of each byte that is a quote
    first = not_digit & (~not_digit + _ONE)  # the first byte that is not a digit
    found: npt.NDArray[np.bool_] = ((first & quote) != 0) & ((first & _SECOND_TO_SIXTH) != 0)
    return found


def _starts(words: Words, text: bytes) -> npt.NDArray[np.bool_]:
    """For each word, whether its first bytes are ``text`` (at most eight bytes)."""
    found: npt.NDArray[np.bool_] = (words & _mask(len(text))) == _word(text)
    return found


@dataclass(slots=True)  # not frozen: made 27 times an upload, and a frozen one is slower to make
class Scan:
    """What one pass learnt about a sheet's XML."""

    plain: bool  # the sheet cannot reach past Z99999 (see the module docstring)
    declaration: bool  # a "<!" somewhere: a document type declaration, comment or CDATA to look at
    error_type: bool  # t="e", t='e', t= and a space, or a space and "=": maybe an Excel error cell
    merges: bool  # a (possibly prefixed) mergeCell element
    formulas: tuple[int, ...]  # offsets of unprefixed <f tags (formula cells), when plain
    cells_part: tuple[int, int] | None = None  # where its one sheetData element lies, if plainly so
    empty_tail: int | None = None  # where, in it, its trailing run of empty rows begins (if it has one)


class _Scratch(threading.local):
    """Memory a thread's scans reuse: the sheets joined, and a flag a byte. Allocated afresh each scan,
    these (the largest arrays of a scan) made the allocator hand memory back and fault it in again for
    about one upload in ten, a third slower."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.flags: npt.NDArray[np.bool_] = np.empty(0, dtype=np.bool_)


_SCRATCH: Final = _Scratch()
_SCRATCH_KEPT: Final = 4 << 20  # bytes of XML: larger uploads (rare) get memory of their own, not kept


def _scratch(size: int) -> tuple[bytearray, npt.NDArray[np.bool_]]:
    if size > _SCRATCH_KEPT:
        return bytearray(size), np.empty(size, dtype=np.bool_)
    kept = _SCRATCH
    if len(kept.buffer) < size:
        kept.buffer = bytearray(min(max(size, 2 * len(kept.buffer)), _SCRATCH_KEPT))
        kept.flags = np.empty(len(kept.buffer), dtype=np.bool_)
    return kept.buffer, kept.flags


def scan_sheets(parts: Sequence[bytes]) -> list[Scan]:
    """One vectorised pass over several sheets' XML (joined, so the fixed cost is paid once).

    Few array operations, each over all the sheets: at every "<", "=" and ":" the eight bytes from
    there are read as one integer, and tags and attributes are told apart by integer comparisons.
    What is found (rare, except formula cells) is then given to its sheet in plain Python.
    """
    if not parts:
        return []
    size = sum(map(len, parts)) + len(_PAD) * (len(parts) + 1)
    buffer, flags = _scratch(size)
    starts: list[int] = []
    at = len(_PAD)
    buffer[:at] = _PAD
    for part in parts:  # one copy of each, between pads
        starts.append(at)
        buffer[at : at + len(part)] = part
        at += len(part)
        buffer[at : at + len(_PAD)] = _PAD
        at += len(_PAD)
    a: Bytes = np.frombuffer(buffer, dtype=np.uint8, count=size)
    words: Words = np.ndarray((size - 7,), dtype="<u8", buffer=buffer, strides=(1,))
    flags = flags[:size]

    def sheets(found: Positions) -> set[int]:
        return {bisect_right(starts, p) - 1 for p in found.tolist()}

    def sheets_list(
        found: Positions, more: Words | None = None, text: bytes = b"", at: int = 0
    ) -> list[list[int]]:
        """Each sheet's offsets of the positions found (and, given ``more``, followed by ``text`` ``at`` on)."""
        if more is not None:
            found = found[_starts(more[found + at], text)]
        out: list[list[int]] = [[] for _ in parts]
        for p in found.tolist():
            sheet = bisect_right(starts, p) - 1
            out[sheet].append(p - starts[sheet])
        return out

    lt = np.flatnonzero(np.equal(a, ord("<"), out=flags))
    eq = np.flatnonzero(np.equal(a, ord("="), out=flags))
    colon = np.flatnonzero(np.equal(a, ord(":"), out=flags))
    w = words[lt]  # "<" and the seven bytes after it
    tag = w & _mask(2)

    # Cell tags: "<c" and then anything that ends the name. Plain ones are exactly <c r="A1"...
    c_tags = tag == _word(b"<c")
    maybe = lt[c_tags]
    ends = ~_NAME[a[maybe + 2]]
    cells = maybe[ends]
    plain_cell = (
        _starts(w[c_tags][ends], b'<c r="') & _UPPER[a[cells + 6]] & _digits_then_quote(words[cells + 7])
    )
    row_tags = w == _ROW
    rows = lt[row_tags]

    # Every r attribute: an "r" that no name character precedes, then "=" (or spaces and "=").
    before = a[eq - 1]
    r_eq = eq[before == ord("r")]
    r_attrs = r_eq[~_NAME[a[r_eq - 2]]] - 1
    spaced_eq = eq[_SPACE[before]]
    spaced = [e for e in spaced_eq.tolist() if _spaced_r(a, e)]
    stray: set[int] = set()
    if len(r_attrs) != int(np.count_nonzero(plain_cell)) + len(rows):  # then see which sheets have them
        own = {p + 3 for p in cells[plain_cell].tolist()} | {p + 5 for p in rows.tolist()}
        stray = {bisect_right(starts, p) - 1 for p in r_attrs.tolist() if p not in own}

    c = words[colon]  # ":" and the seven bytes after it
    pair = c & _mask(2)
    maybe = colon[(pair == _word(b":c")) | (pair == _word(b":f"))]
    prefixed = maybe[~_NAME[a[maybe + 2]]]
    maybe = colon[_starts(c, b":row")]
    prefixed_rows = maybe[~_NAME[a[maybe + 4]]]
    not_plain = (
        sheets(cells[~plain_cell])
        | sheets(np.array(spaced, dtype=np.intp))
        | sheets(prefixed)
        | sheets(prefixed_rows)
        | stray
    )
    declaration = sheets(lt[tag == _word(b"<!")])
    # Error cells: t="e" or t='e', t= with a space after it, any "=" with a space before it (t = "e").
    t_eq = eq[before == ord("t")]
    after = words[t_eq]
    then = _SPACE[(after >> np.uint64(8)) & np.uint64(0xFF)]
    errors = sheets(t_eq[_starts(after, b'="e"') | _starts(after, b"='e'") | then]) | sheets(spaced_eq)
    merges = sheets(lt[_starts(w, b"<merge")]) | sheets(colon[_starts(c, b":merge")])
    # The sheetData element, when it is the only one: <sheetData ...> ... </sheetData>, unprefixed.
    maybe = lt[_starts(w, b"<sheetDa")]
    opens = sheets_list(maybe[_starts(words[maybe + 8], b"ta") & ~_NAME[a[maybe + 10]]])
    closes = sheets_list(lt[_starts(w, b"</sheetD")], words, b"ata>", 8)
    elsewhere = sheets(colon[_starts(c, b":sheetDa")]) | declaration
    formulas: list[list[int]] = [[] for _ in parts]
    maybe = lt[tag == _word(b"<f")]
    for p in maybe[~_NAME[a[maybe + 2]]].tolist():
        sheet = bisect_right(starts, p) - 1
        formulas[sheet].append(p - starts[sheet])
    plainly = [
        len(opens[i]) == len(closes[i]) == 1 and opens[i][0] < closes[i][0] and i not in elsewhere
        for i in range(len(parts))
    ]
    tails = _empty_tails(
        a,
        lt,
        w,
        row_tags,
        np.flatnonzero(c_tags)[ends],
        [starts[i] + closes[i][0] for i in range(len(parts)) if plainly[i]],
    )
    each_tail = iter(tails)
    scans: list[Scan] = []
    for i in range(len(parts)):
        scan = Scan(
            plain=i not in not_plain,
            declaration=i in declaration,
            error_type=i in errors,
            merges=i in merges,
            formulas=tuple(formulas[i]),
        )
        if plainly[i]:
            tail = next(each_tail)
            scan.cells_part = (opens[i][0], closes[i][0] + len(b"</sheetData>"))
            scan.empty_tail = tail - starts[i] if tail is not None else None
        scans.append(scan)
    return scans


_ROW_CLOSE: Final = b"</row>"


def _empty_tails(
    a: Bytes,
    lt: Positions,
    w: Words,
    row_tags: npt.NDArray[np.bool_],
    cell_tags: Positions,
    closes: list[int],
) -> list[int | None]:
    """For each ``</sheetData>`` at ``closes``, where the run of empty rows that ends there begins (None if
    none does): the first ``<row r="`` after the last "<" before it that is not ``<row r="``, ``</row>``
    or an empty cell (a cell tag with ``/>`` right before the next "<"). See the module docstring.

    ``lt``: every "<" (``w``: the eight bytes from each); ``row_tags``, ``cell_tags``: which of them are
    ``<row r="`` tags, and the indices into ``lt`` of the cell tags.
    """
    if not closes:
        return []
    fits = row_tags | _starts(w, _ROW_CLOSE)
    following = lt[np.minimum(cell_tags + 1, len(lt) - 1)]  # the next "<" after each cell tag
    fits[cell_tags[(a[following - 1] == ord(">")) & (a[following - 2] == ord("/"))]] = True
    misfits = np.flatnonzero(~fits)  # each </sheetData> is one
    row_opens = np.flatnonzero(row_tags)
    at_close = np.searchsorted(lt, closes)
    after_misfit = misfits[np.searchsorted(misfits, at_close) - 1] + 1  # the sheetData open tag misfits too
    first_row = np.searchsorted(row_opens, after_misfit)
    tails: list[int | None] = []
    for row, close in zip(first_row.tolist(), at_close.tolist(), strict=True):
        tails.append(int(lt[row_opens[row]]) if row < len(row_opens) and row_opens[row] < close else None)
    return tails


def _spaced_r(a: Bytes, eq: int) -> bool:
    """Whether the "=" at ``eq``, after spaces, belongs to an attribute named r (or cannot be told)."""
    at = eq - 1
    while at > 0 and _SPACE[a[at]]:
        at -= 1
    return at <= 0 or (a[at] == ord("r") and not _NAME[a[at - 1]])


# --- the exact count -------------------------------------------------------------------------------

# Every piece of markup, as the reader tokenises it: comments, CDATA and processing instructions end at
# their own terminators; any other tag at the first ">" outside quotes (its name included).
MARKUP: Final = re.compile(
    rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)|<((?:[^>\"']|\"[^\"]*\"|'[^']*')*)(?:>|\Z)",
    re.S,
)
_R_ATTR = re.compile(rb"""(?<![^\s"'])r\s*=\s*(?:"([^"]*)"|'([^']*)')?""")
_ADDRESS = re.compile(rb"([A-Za-z]{0,7})([0-9]{1,10})")


def address_of(value: bytes | None) -> tuple[int, int] | None:
    """(row, column) as the reader would place them; None if it might place them anywhere."""
    m = _ADDRESS.fullmatch(value) if value is not None else None
    if m is None:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ch - 64
    return int(m.group(2)), col


def tag_parts(content: bytes) -> tuple[bool, bool, bytes, bytes]:
    """What lies between a tag's "<" and ">", as the reader reads it: (an end tag, self-closing, the local
    part of its name, the rest). The name runs to the first white space (a "/" just before ">" closes the
    tag), and its local part follows the first ":" (so ``a/b:c`` names a cell and ``p:q:c`` does not)."""
    closing = content.startswith(b"/")
    body = content[1:] if closing else content
    empty = not closing and body.endswith(b"/")
    parts = (body[:-1] if empty else body).split(None, 1)
    name = parts[0] if parts else b""
    return closing, empty, name.split(b":", 1)[-1], parts[1] if len(parts) > 1 else b""


def counted_extent(data: bytes) -> int:
    """An upper bound on rows × columns of the area the reader allocates, from every cell and row tag.

    The reader places a cell without an address on the current row, just after the cell before; a row's
    r sets the current row and every end of a row (``</row>``, ``<row/>``, whatever prefix) moves it on.
    """
    max_row = max_col = max_row_tag = 0
    unaddressed_cells = row_ends = 0
    for m in MARKUP.finditer(data):
        content = m.group(1)
        if content is None or not content or content[:1] in (b"!", b"?"):
            continue
        closing, empty, local, rest = tag_parts(content)
        if local == b"row":
            row_ends += 1 if closing or empty else 0
            if closing:
                continue
        elif local != b"c" or closing:
            continue
        is_cell = local == b"c"
        values = [r.group(1) if r.group(1) is not None else r.group(2) for r in _R_ATTR.finditer(rest)]
        if not values:
            unaddressed_cells += is_cell
            continue
        for value in values:
            place = address_of(value)
            if place is None:
                return UNBOUNDED
            row, col = place
            if is_cell:
                max_row, max_col = max(max_row, row), max(max_col, col)
            else:
                max_row_tag = max(max_row_tag, row)
    if unaddressed_cells:  # on the current row: at most the last row set, moved on by every row's end
        max_row = max(max_row, max_row_tag + row_ends + 1)
    return max_row * (max_col + unaddressed_cells)
