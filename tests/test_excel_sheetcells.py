"""The cells python-calamine would show as blank although they are not (a formula with no saved value, an
Excel error value) are named, however the sheet's markup is written. The oracle is python-calamine itself.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carepool.io.excel import messages as msg
from carepool.io.excel.reader import read_plan_workbook
from carepool.io.excel.sheetcells import exact_unreadable_cells, unreadable_cells
from carepool.io.excel.sheetscan import scan_sheets
from carepool.problems import InputRejected
from hostile.workbooks import calamine_read, good, minimal_workbook, rezipped, sheet_part, worksheet

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


CELL_PIECES = [
    '<c r="{ref}"><f>1+1</f><v>2</v></c>',
    '<c r="{ref}"><f>1+1</f></c>',
    '<c r="{ref}"><f>1+1</f><v/></c>',
    '<c r="{ref}"><f>1+1</f><v /></c>',
    '<c r="{ref}" t="str"><f>""</f><v></v></c>',
    '<c r="{ref}"><f t="shared" si="0"/><v>4</v></c>',
    '<c r="{ref}"><f>1</f><v xml:space="preserve">7</v></c>',
    '<c r="{ref}"><f>1</f><x:v>8</x:v></c>',
    '<c r="{ref}"><f a="&lt;v&gt;">1+1</f></c>',
    '<c r="{ref}"><f a="<v>">1+1</f></c>',
    "<c r=\"{ref}\"><f a='<v>'>1+1</f></c>",
    '<c r="{ref}"><f>1+1</f><!-- <v>3</v> --></c>',
    '<c r="{ref}"><f>1+1</f><?pi <v>3</v> ?></c>',
    '<c r="{ref}"><f>1+1</f></x:c>',
    '<c r="{ref}"><v>5</v></c>',
    '<c r="{ref}" s="1"/>',
    '<c r="{ref}" t="e"><v>#N/A</v></c>',
    '<c r="{ref}" t = "e"><v>#N/A</v></c>',
    "<c r=\"{ref}\" t='e'><v>#REF!</v></c>",
    '<c r="{ref}" xt="x"><v>6</v></c>',
    '<c r="{ref}"t="e"><v>#N/A</v></c>',
    '<c t="e"r="{ref}"><v>#N/A</v></c>',
    '<c r="{ref}" t="n"><f>A1</f>\n<v>9</v></c>',
    '<c r="{ref}"><f>IF(A1&gt;0,"a&lt;b","")</f><v>1</v></c>',
]


@SETTINGS
@given(st.lists(st.sampled_from(CELL_PIECES), min_size=1, max_size=6), st.booleans())
@example(['<c r="{ref}"><f a="<v>">1+1</f></c>'], False)
def test_cells_read_as_blank_are_named_as_the_reader_reads_them(cells: list[str], declared: bool) -> None:
    refs = [f"{'ABCDEF'[i]}1" for i in range(len(cells))]
    body = "".join(c.format(ref=ref) for c, ref in zip(cells, refs, strict=True))
    xml = worksheet(f'<sheetData><row r="1">{body}</row></sheetData>')
    if declared:
        xml = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml
    scan = scan_sheets([xml])[0]
    formulas, errors = unreadable_cells(xml, scan)
    exact = exact_unreadable_cells(xml)
    assert (formulas, errors) == exact  # the fast reading, where it applies, says what the full one says
    read = calamine_read(minimal_workbook([xml]), ["S1"])[0]
    if isinstance(read, str):
        return  # the reader refuses the sheet: nothing is read as blank
    values = dict(zip(refs, read[0] if read else [], strict=False))
    for ref in formulas | errors:
        assert values.get(ref, "") == "", ref  # named only where the reader would show a blank
    kinds = dict(zip(refs, cells, strict=True))
    assert {ref for ref, cell in kinds.items() if re.search(r"""\bt\s*=\s*["']e["']""", cell)} == errors
    saved_empty = {ref for ref, cell in kinds.items() if "<v></v>" in cell}  # a formula that gives ""
    assert {
        ref for ref, cell in kinds.items() if "<f" in cell and values.get(ref, "") == ""
    } - saved_empty <= formulas


def refused_at(raw: bytes, where: str) -> str:
    try:
        read_plan_workbook(raw)
    except InputRejected as exc:
        return next(p.message for p in exc.problems if p.location == where)
    raise AssertionError("the workbook was read")


def test_a_formula_whose_quoted_attribute_holds_a_value_tag_is_named() -> None:
    """Found in review: ``<f a="<v>">`` looked like a formula with its saved value to a byte search."""
    part = sheet_part(good(), "Contributions")
    raw = rezipped(
        good(),
        {
            part: lambda xml: re.sub(
                rb'(<c r="F5" s="\d+") t="n"><v>[^<]*</v>', rb'\1><f a="<v>">1+1</f>', xml
            )
        },
    )
    assert refused_at(raw, "Contributions!F5") == msg.FORMULA_NO_VALUE


def test_a_sheet_in_another_encoding_is_refused() -> None:
    part = sheet_part(good(), "Contributions")
    declared = rezipped(good(), {part: lambda xml: b'<?xml version="1.0" encoding="ISO-2022-JP"?>' + xml})
    utf16 = rezipped(good(), {part: lambda xml: b"\xff\xfe" + xml.decode().encode("utf-16-le")})
    for raw in (declared, utf16):
        try:
            read_plan_workbook(raw)
        except InputRejected as exc:
            assert [p.message for p in exc.problems] == [msg.NOT_UTF8]
        else:
            raise AssertionError("read")
    # As Excel writes it: a byte order mark and a declaration that says UTF-8.
    excel = rezipped(
        good(), {part: lambda xml: b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\r\n' + xml}
    )
    assert read_plan_workbook(excel) == read_plan_workbook(good())


# Found in review: formula and error cells the reader shows as blank, each written so that an earlier
# version did not name it. (sheetData body, the formula cells and the error cells that must be named)
REVIEWED = [
    ('<row r="1"><c r="A1"><f>2+3</f><v>5</v><v/></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><v>5</v><f>2+3</f></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><f>2+3</f><v>5</v><is/></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><f>1</f><v>&#53;</v></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><f>1</f><v><!--x-->5</v></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><f>1</f><v><?x?>5</v></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><f>1</f><v><![CDATA[5]]></v></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1" t="inlineStr"><f>2+3</f><v>5</v></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><f>2+3<v>5</v></f></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"t="e"><v>#N/A</v></c></row>', set(), {"A1"}),
    ('<row r="1"><c r="A1"t=\'e\'><v>#N/A</v></c></row>', set(), {"A1"}),
    ('<row r="1"><c r="A1" x=">" t="e"><v>#N/A</v></c></row>', set(), {"A1"}),
    ('<row r="1"><c r="A1"><?x <c r="B1" ?><f>2+3</f></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><!-- <c r="B1" --><f>2+3</f></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1" x=\'<c r="B1" y=\'><f>1+1</f></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="A1"><v>1</v></c></row><c><f>2+3</f></c>', {"A2"}, set()),
    ('<c><f>2+3</f></c><row r="1"><c r="B1"><v>1</v></c></row>', {"A1"}, set()),
    ('<row r="1"><c r="B5"><v>1</v></c><c><f>2+3</f></c></row>', {"C1"}, set()),
    ('<row r="A3"><c><f>2+3</f></c></row>', {"A3"}, set()),
    ('<row r="3" r="5"><c><f>2+3</f></c></row>', {"A3"}, set()),
    ('<row r="1"><c s="1"r="C1"><f>1</f></c></row>', {"C1"}, set()),
    ('<row r="1"><c r="A1"><f>1</f></a/b:c><v>5</v></row>', {"A1"}, set()),
]


@pytest.mark.parametrize(("cells", "formulas", "errors"), REVIEWED)
def test_cells_the_reader_shows_as_blank_are_named_however_written(
    cells: str, formulas: set[str], errors: set[str]
) -> None:
    xml = worksheet(f"<sheetData>{cells}</sheetData>")
    read = calamine_read(minimal_workbook([xml]), ["S1"])[0]
    assert not isinstance(read, str)
    for ref in formulas | errors:  # the reader shows them as blank (or not at all)
        row, col = int(ref[1:]), ord(ref[0]) - 64
        assert row > len(read) or col > len(read[row - 1]) or read[row - 1][col - 1] == ""
    assert unreadable_cells(xml, scan_sheets([xml])[0]) == (formulas, errors)
    assert exact_unreadable_cells(xml) == (formulas, errors)


def test_an_address_without_letters_does_not_stop_the_reading() -> None:
    """Found by the fuzz test in CI: r="5" places a cell in column 0, which openpyxl cannot name."""
    xml = worksheet('<sheetData><row r="1"><c r="5"><f>1</f></c></row></sheetData>')
    assert exact_unreadable_cells(xml) == ({"5"}, set())
