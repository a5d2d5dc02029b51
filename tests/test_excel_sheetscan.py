"""The vectorised sheet scan against a slow, plain-Python statement of the same rules, on mutated sheets."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carepool.io.excel import messages as msg
from carepool.io.excel import sheetscan
from carepool.io.excel.package import open_package
from carepool.io.excel.sheetscan import FAST_BOUND, UNBOUNDED, Scan, counted_extent, scan_sheets
from carepool.problems import InputRejected
from hostile.workbooks import calamine_read, good, minimal_workbook, worksheet

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAME = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-:") | set(range(0x80, 0x100))
PIECES = [
    b"<", b">", b'"', b"'", b"=", b" ", b"\t", b"\n", b":", b"!", b"9", b"Z", b"z", b"AA", b"000000",
    b"<c ", b"<c>", b"<c/>", b"<x:c ", b":c>", b":f>", b":row ", b" r=", b"r =", b'"r=', b"<row>",
    b'<row r="', b'<c r="B', b'<c r="A1"', b"<f>", b"</c>", b"<!--", b't="e"', b"<mergeCell ", b"\x00",
    b"<sheetData>", b"</sheetData>", b":sheetData", b" = ", b"t='e'", b'xt="e"', b"=\n",
    b"</row>", b"/>", b'<row r="9">', b'<c r="A9"/>', b"<v>1</v>", b"<c/>", b"<is>",
]  # fmt: skip


def sheets() -> list[bytes]:
    package = open_package(good(), "upload.xlsx")
    return [package.sheet_xml(name) for name in package.sheet_names]


def ends_name(data: bytes, at: int) -> bool:
    return at >= len(data) or data[at] not in NAME


def reference(data: bytes) -> Scan:
    """The rules of ``scan_sheets``, one position at a time."""
    plain = True
    own: set[int] = set()
    for m in re.finditer(rb"<c", data):
        if ends_name(data, m.end()):
            if re.match(rb'<c r="[A-Z][0-9]{1,5}"', data[m.start() :]):
                own.add(m.start() + 3)
            else:
                plain = False
    own |= {m.start() + 5 for m in re.finditer(rb'<row r="', data)}
    for m in re.finditer(rb"=", data):
        at = m.start() - 1
        while at >= 0 and data[at] in b" \t\n\r\x0b\x0c":
            at -= 1
        if at >= 0 and data[at] == ord("r") and (at == 0 or data[at - 1] not in NAME) and at not in own:
            plain = False
    for m in re.finditer(rb":(c|f|row)", data):
        if ends_name(data, m.end()):
            plain = False
    formulas = tuple(m.start() for m in re.finditer(rb"<f", data) if ends_name(data, m.end()))
    opens = [m.start() for m in re.finditer(rb"<sheetData", data) if ends_name(data, m.end())]
    closes = [m.start() for m in re.finditer(rb"</sheetData>", data)]
    one = len(opens) == len(closes) == 1 and opens[0] < closes[0]
    plainly = one and b":sheetDa" not in data and b"<!" not in data
    cells_part = (opens[0], closes[0] + len(b"</sheetData>")) if plainly else None
    return Scan(
        plain=plain,
        declaration=b"<!" in data,
        error_type=re.search(rb"""t=(?:"e"|'e'|[ \t\n\r\x0b\x0c])|[ \t\n\r\x0b\x0c]=""", data) is not None,
        merges=b"<merge" in data or b":merge" in data,
        formulas=formulas,
        cells_part=cells_part,
        empty_tail=empty_tail(data, closes[0]) if cells_part else None,
    )


def empty_tail(data: bytes, close: int) -> int | None:
    """Walking back from ``</sheetData>`` over "<"s that start <row r=", </row> or an empty cell (a cell tag
    with /> right before the next "<"): the first <row r=" after the last other "<"."""
    tags = [m.start() for m in re.finditer(rb"<", data)]
    at = tags.index(close)
    start = None
    while at > 0:
        at -= 1
        here = tags[at]
        if data.startswith(b'<row r="', here):
            start = here
        elif data.startswith(b"</row>", here) or (
            data.startswith(b"<c", here)
            and ends_name(data, here + 2)
            and data[tags[at + 1] - 2 : tags[at + 1]] == b"/>"
        ):
            pass
        else:
            break
    return start


@SETTINGS
@given(st.data())
def test_the_scan_says_what_the_rules_say(data: st.DataObject) -> None:
    parts = sheets()
    batch: list[bytes] = []
    for _ in range(data.draw(st.integers(1, 3))):
        xml = bytearray(data.draw(st.sampled_from(parts)))
        for _ in range(data.draw(st.integers(0, 8))):
            at = data.draw(st.integers(0, len(xml) - 1))
            xml[at : at + data.draw(st.integers(0, 3))] = data.draw(st.sampled_from(PIECES))
        batch.append(bytes(xml))
    scans = scan_sheets(batch)
    assert scans == [reference(xml) for xml in batch]
    for xml, scan in zip(batch, scans, strict=True):
        if scan.plain:  # the count, which reads addresses, finds nothing beyond the fast bound either
            assert counted_extent(xml) <= FAST_BOUND or counted_extent(xml) == UNBOUNDED


def test_the_exported_sheets_are_plain_and_say_where_their_formulas_are() -> None:
    for xml, scan in zip(sheets(), scan_sheets(sheets()), strict=True):
        assert scan == reference(xml)
        assert scan.plain and not scan.declaration


EXTENT_PIECES = [
    '<row r="3">', "<row>", "</row>", "<row/>", '<row r="2"/>', "<x></row>", '<a/b:row r="2">', "</a/b:row>",
    "<c>", "</c>", "<c/>", '<c r="B2">', '<a/b:c r="C3">', "</a/b:c>", '<p:q:c r="Z9">', '<c r="D1"/>',
    "<v>1</v>", '<!-- <c r="Z99"> -->', "<c x='>' r=\"E2\">", '<?p <c r="Z50"> ?>', '<c r="F1" r="A7">',
]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(EXTENT_PIECES), max_size=24))
@example(['<row r="2">', "</row>", "<x></row>", "<x></row>", "<c>", "<v>1</v>", "</c>"])
@example(['<a/b:c r="C3">', "<v>1</v>", "</a/b:c>"])
def test_the_count_bounds_the_area_the_reader_allocates(pieces: list[str]) -> None:
    """Found in review: an end of a row closing another element (``<x></row>``) moved the reader on a row
    uncounted, and ``a/b:c`` names a cell; a small sheet could make it allocate billions of cells."""
    xml = worksheet("<sheetData>" + "".join(pieces) + "</sheetData>")
    rows = calamine_read(minimal_workbook([xml]), ["S1"])[0]
    if not isinstance(rows, str):
        assert counted_extent(xml) >= len(rows) * max((len(row) for row in rows), default=0)


def test_ends_of_rows_that_close_other_elements_cannot_grow_a_sheet_unseen() -> None:
    moved_on = "<x></row>" * 2000
    xml = worksheet(
        f'<sheetData><row r="1"><c r="XFD1"><v>1</v></c></row>{moved_on}<c><v>2</v></c></sheetData>'
    )
    with pytest.raises(InputRejected) as refused:
        open_package(minimal_workbook([xml]), "t.xlsx").check_sheets(["S1"])
    assert [p.message for p in refused.value.problems] == [msg.SHEET_TOO_LARGE]


def test_a_scan_reads_nothing_left_by_a_larger_scan_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    parts = sheets()[:3]
    fresh = [reference(xml) for xml in parts]
    left_over = b'<c r="A1" t="e"><f>1</f></c><!--<mergeCell r=:c ' * 4000  # markup everywhere after them
    scan_sheets([left_over, left_over])
    assert scan_sheets(parts) == fresh
    assert scan_sheets([parts[0][:-1]]) == [reference(parts[0][:-1])]  # ends one byte short of before
    monkeypatch.setattr(sheetscan, "_SCRATCH_KEPT", 64)  # larger than kept: memory of its own
    assert scan_sheets(parts) == fresh
