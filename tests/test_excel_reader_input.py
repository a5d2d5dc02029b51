"""What the cell reader is given reads as the sheet reads: the importer hands python-calamine each sheet's
sheetData less its trailing run of empty rows (``sheetscan``), and that must never change a value read,
however the markup before or inside those rows is written. The oracle is python-calamine itself, given
the whole sheetData element instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from carepool.io.excel.package import open_package
from carepool.problems import InputRejected
from hostile.workbooks import Read, calamine_read, good, minimal_workbook, worksheet

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def trimmed(rows: Read) -> Read:
    """Rows without the trailing blank ones (rows of empty cells cut from the end change only that)."""
    if isinstance(rows, str):
        return rows
    out = [list(row) for row in rows]
    while out and all(v == "" for v in out[-1]):
        out.pop()
    width = max((i + 1 for row in out for i, v in enumerate(row) if v != ""), default=0)
    return [row[:width] + [""] * (width - len(row[:width])) for row in out]


def cut_and_uncut(sheets: Sequence[bytes]) -> tuple[list[Read], list[Read], bool] | None:
    """What calamine reads from what the importer gives it, and from the same with nothing cut (each
    sheet's whole sheetData element); and whether anything was cut. None if the upload is refused."""
    raw = minimal_workbook(sheets)
    names = [f"S{i}" for i in range(1, len(sheets) + 1)]
    try:
        package = open_package(raw, "t.xlsx")
        package.check_sheets(names)
    except InputRejected:
        return None
    given_ = calamine_read(package.reader_zip(names), names)
    cut = False
    for name in names:
        facts = package.check_sheet(name)
        if facts.empty_tail is not None:
            cut = True
            package._checked[name] = dataclasses.replace(facts, empty_tail=None)
    return given_, calamine_read(package.reader_zip(names), names), cut


def same_values(found: tuple[list[Read], list[Read], bool]) -> None:
    """Where both can be read, they read the same (but for trailing blank rows). Where only one can, the
    markup is broken: a quote opened before the cut rows and closed in them, or markup the reader refuses
    inside them. The file is then refused, or its values before the cut are read as the whole sheetData
    reads them up to there (the bytes and the reader's state are the same), and nothing after held one."""
    given_, uncut, cut = found
    event("rows cut" if cut else "nothing cut")
    if isinstance(uncut[0], str) or isinstance(given_[0], str):
        event(f"readable: cut {not isinstance(given_[0], str)}, whole {not isinstance(uncut[0], str)}")
        return
    assert [trimmed(r) for r in given_] == [trimmed(r) for r in uncut]


# The sheets an independent review built against an earlier version of the cut: markup the reader skips
# (a processing instruction, a quoted attribute value holding < or >) made rows look empty that were not.
REVIEW_ATTACKS = [
    '<sheetData><row><?p ><row r="1"><c r="A1" x="?>"/></row><row r="2"><c r="B2"><v>7</v></c>?></row></sheetData>',
    '<sheetData><row r="1"><c r="A1" x=\'/></row><row r="7"><c r="Z7" z="\'>"><v>5</v></c></row></sheetData>',
    '<sheetData><row r="1"><c r="A1" x=\'/></row><row r="2"><c r="B2"><v>5</v></c><c r="C2" y="\'/>"/></row>'
    "</sheetData>",
    '<sheetData><row r="1"><c r="A1" x=\'/></row><row r="2"><c r="B2" y="\'><v>5</v></c>"/></row></sheetData>',
    '<sheetData><row r="1"><c r="A1" z="</row>" y="><row r="/></row><row r="2"><c r="B2"><v>5</v></c></row>'
    "</sheetData>",
    '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"/></row><row r="3"><c r="A3"><v>3</v>'
    "</c></row></sheetData>",
    '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><!-- <row r="2"><c r="A2"/></row> --><row r="3"><c r="A3">'
    "<v>3</v></c></row></sheetData>",
    # A processing instruction that ends inside a row tag: cut out, the next rows would vanish into it.
    '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><?p a><row r="2" ?><c r="A2" s="1"/></row><row r="3">'
    '<c r="A3"><v>3</v></c></row><?q ?></sheetData>',
]


@pytest.mark.parametrize("cells", REVIEW_ATTACKS)
def test_hostile_markup_before_or_in_the_empty_rows_changes_no_value(cells: str) -> None:
    found = cut_and_uncut([worksheet(cells)])
    assert found is not None
    given_, uncut, _ = found
    assert [trimmed(r) for r in given_] == [trimmed(r) for r in uncut]


def test_a_value_begun_in_the_cut_rows_never_completes() -> None:
    """Found in review: ``<c;:v>`` is a cell tag to the scan and a v to the reader. The cell it is in never
    ends (no end tag named c can follow in the run), so the whole sheetData cannot be read; without the run,
    what comes before it reads as it would."""
    cells = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="str">/><c;:v>hi/></row></sheetData>'
    found = cut_and_uncut([worksheet(cells)])
    assert found is not None
    given_, uncut, cut = found
    assert cut and given_ == [[[1.0]]] and isinstance(uncut[0], str)


def test_the_empty_rows_at_the_end_are_cut_and_no_others() -> None:
    blank = '<row r="{n}"><c r="A{n}" s="1"/><c r="B{n}" s="1"/></row>'
    cells = (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        + blank.format(n=2)
        + '<row r="3"><c r="A3"><v>3</v></c></row>'
        + blank.format(n=4)
        + blank.format(n=5)
        + "</sheetData>"
    )
    package = open_package(minimal_workbook([worksheet(cells)]), "t.xlsx")
    facts = package.check_sheet("S1")
    assert facts.cells_part is not None and facts.empty_tail is not None
    xml = package.sheet_xml("S1")
    assert xml[facts.empty_tail :].startswith(b'<row r="4">')  # row 2 stays: a value follows it
    found = cut_and_uncut([worksheet(cells)])
    assert found is not None and found[2]
    assert found[0] == [[[1.0], [""], [3.0]]]


JUNK = [
    '/></row><row r="7"><c r="Z7" z="',
    "><v>5</v></c>",
    "</row>",
    "<v>9</v>",
    "?>",
    "-->",
    ">",
    "<",
    "",
    "a b",
]


@st.composite
def sheet_data(draw: st.DrawFn) -> bytes:
    """A sheetData of rows with empty cells, values, and markup the reader skips or that hides other markup."""

    def junk() -> str:
        return "".join(draw(st.lists(st.sampled_from(JUNK), max_size=3)))

    def extra() -> str:
        kind = draw(st.sampled_from(["", "", "", "pi", "comment", "dq", "sq"]))
        text = junk()
        return {
            "": "",
            "pi": f"<?p {text} ?>",
            "comment": f"<!-- {text} -->",
            "dq": f' x="{text.replace(chr(34), "")}"',
            "sq": f" x='{text.replace(chr(39), '')}'",
        }[kind]

    rows: list[str] = []
    for row in range(1, draw(st.integers(1, 6)) + 1):
        cells: list[str] = []
        for col in "ABC"[: draw(st.integers(0, 3))]:
            attributes = extra() if draw(st.booleans()) else ""
            attributes = attributes if attributes.startswith(" ") else ""
            if draw(st.booleans()):
                cells.append(f'<c r="{col}{row}" s="1"{attributes}/>')
            else:
                cells.append(f'<c r="{col}{row}"{attributes}><v>{row}{col}</v></c>')
            between = extra()
            cells.append("" if between.startswith(" ") else between)
        row_attributes = extra()
        row_attributes = row_attributes if row_attributes.startswith(" ") else ""
        rows.append(f'<row r="{row}"{row_attributes}>{"".join(cells)}</row>')
    return ("<sheetData>" + "".join(rows) + "</sheetData>").encode()


@SETTINGS
@given(sheet_data())
@example(REVIEW_ATTACKS[1].encode())
def test_rows_cut_from_built_sheets_change_no_value(cells: bytes) -> None:
    found = cut_and_uncut([worksheet(cells)])
    if found is None:
        event("refused")  # e.g. a cell address the reader could place anywhere
        return
    same_values(found)


@SETTINGS
@given(st.data())
def test_rows_cut_from_mutated_template_sheets_change_no_value(data: st.DataObject) -> None:
    package = open_package(good(), "upload.xlsx")
    exported = [package.sheet_xml(name) for name in package.sheet_names]
    pieces = [
        b"<", b">", b'"', b"'", b" ", b"/>", b"</row>", b'<row r="9">', b'<c r="A9"/>', b'<c r="B9" s="1"/>',
        b"<?p ", b"?>", b"<!-- ", b" -->", b' x="<v>"', b" x='>'", b"\"'\"", b"<v>1</v>", b"<f>1</f>",
        b'<row r="30"><c r="A30" s="1"/></row>', b"</c>", b"<c>", b"\n", b"<is><t>x</t></is>", b"<x:v>2</x:v>",
    ]  # fmt: skip
    xml = bytearray(data.draw(st.sampled_from(exported)))
    first, last = xml.find(b"<sheetData"), xml.find(b"</sheetData>")
    for _ in range(data.draw(st.integers(0, 4))):
        at = data.draw(st.integers(first, last))
        xml[at : at + data.draw(st.integers(0, 3))] = data.draw(st.sampled_from(pieces))
    found = cut_and_uncut([bytes(xml)])
    if found is not None:
        same_values(found)
