"""Hostile and malformed workbooks: each is refused with a message naming the place, and nothing is produced."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from python_calamine import CalamineWorkbook

from carepool.io.excel import messages as msg
from carepool.io.excel import plan_workbook_bytes, read_plan_workbook
from carepool.io.excel.package import MAX_SHEET_CELLS, open_package, sheet_extent
from carepool.io.excel.sheetscan import scan_sheets
from carepool.io.excel.workbookpart import REL_NS
from carepool.model.canonical import content_hash
from carepool.problems import InputRejected, Problem
from factories import small_plan
from hostile.workbooks import (
    CSV_RENAMED,
    XLS_RENAMED,
    edited,
    good,
    parts,
    rezipped,
    sheet_part,
    truncated,
    with_lying_size,
    with_zip_bomb,
)


def refused(raw: bytes) -> list[Problem]:
    with pytest.raises(InputRejected) as caught:
        read_plan_workbook(raw, "upload.xlsx")
    assert caught.value.problems, "a refusal always says why"
    return caught.value.problems


def only(problems: list[Problem], location: str) -> Problem:
    hits = [p for p in problems if p.location == location]
    assert hits, f"no problem at {location}: {[str(p) for p in problems]}"
    return hits[0]


def set_cell(sheet: str, cell: str, value: Any) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        wb[sheet][cell] = value

    return change


# --- stage 1: the file ----------------------------------------------------------------------------


def test_csv_renamed_to_xlsx() -> None:
    [p] = refused(CSV_RENAMED)
    assert p.stage == "file" and "CSV" in p.message


def test_xls_renamed_to_xlsx() -> None:
    [p] = refused(XLS_RENAMED)
    assert p.stage == "file" and ".xls" in p.message and "save it as" in p.message


def test_truncated_zip() -> None:
    [p] = refused(truncated(good()))
    assert p.stage == "file" and "damaged or incomplete" in p.message


def test_empty_and_random_files() -> None:
    assert "empty" in refused(b"")[0].message
    assert refused(b"\x00\x01\x02 not a workbook")[0].message == msg.NOT_XLSX


def test_zip_bomb_is_refused_before_inflating() -> None:
    [p] = refused(with_zip_bomb(good(), megabytes=100))
    assert p.stage == "file" and "bomb" in p.message and "xl/media/bomb.bin" in p.location


def test_highly_compressed_part_is_refused() -> None:
    [p] = refused(with_zip_bomb(good(), megabytes=20))
    assert p.message == msg.RATIO_TOO_HIGH and "to 1" in p.found


def test_part_that_inflates_past_its_declared_size() -> None:
    raw = with_lying_size(good(), sheet_part(good(), "Contributions"))
    [p] = refused(raw)
    assert p.stage == "file" and p.message in (msg.PART_TOO_LARGE, msg.BROKEN_ZIP)


def test_very_large_sheet_is_refused_before_reading() -> None:
    """One cell at XFD1048576 would make the dense reader allocate 17 billion cells (and abort)."""
    [p] = refused(edited(set_cell("Contributions", "XFD1048576", 1)))
    assert p.location == "Contributions" and p.message == msg.SHEET_TOO_LARGE


def test_sheet_with_unaddressed_cells_is_bounded_too() -> None:
    part = sheet_part(good(), "Contributions")
    rows = b"<row/>" * 160_000 + b"<row>" + b"<c><v>1</v></c>" * 40 + b"</row>"  # under the ratio floor
    raw = rezipped(good(), {part: lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")})
    [p] = refused(raw)
    assert p.message == msg.SHEET_TOO_LARGE


def test_table_with_too_many_rows() -> None:
    def change(wb: Workbook) -> None:
        ws = wb["Contributions"]
        for row in range(5, 5 + 5002):
            ws.cell(row, 1, f"C{row}")
        wb.defined_names["Contributions"] = DefinedName(
            "Contributions", attr_text="Contributions!$A$5:$H$5010"
        )

    problems = refused(edited(change))
    assert any(p.message == msg.TOO_MANY_ROWS and p.location.startswith("Contributions!A5") for p in problems)


# --- stage 2: which template ----------------------------------------------------------------------


def test_not_a_template() -> None:
    wb = Workbook()
    wb.worksheets[0]["A1"] = "Budget"
    [p] = refused(edited(lambda _: None, _bytes(wb)))
    assert p.stage == "template" and "not a carepool template" in p.message


def test_older_template_version() -> None:
    [p] = refused(edited(set_cell("Cover", "B5", 0)))
    assert p.stage == "template" and p.location == "Cover!B5"
    assert "version 0" in p.message and "download the current one (version 1)" in p.message


def test_unknown_template_id() -> None:
    [p] = refused(edited(set_cell("Cover", "B4", "someone-elses-template")))
    assert p.location == "Cover!B4" and p.message == msg.UNKNOWN_TEMPLATE


# --- stage 3: structure ---------------------------------------------------------------------------


def test_missing_sheet() -> None:
    problems = refused(edited(lambda wb: wb.remove(wb["Contributions"])))
    p = only(problems, "defined name Contributions")
    assert p.message == msg.SHEET_MISSING and p.found == "Contributions"


def test_sheet_renamed_outside_excel() -> None:
    problems = refused(edited(lambda wb: setattr(wb["Risks"], "title", "Risk log")))
    assert only(problems, "defined name Risks").message == msg.SHEET_MISSING


def test_sheet_renamed_in_excel_still_reads() -> None:
    """Excel updates defined names when a sheet is renamed: the reader follows the names, not positions."""

    def rename(wb: Workbook) -> None:
        wb["Risks"].title = "Risk log"
        ref = wb.defined_names["Risks"].attr_text
        wb.defined_names["Risks"] = DefinedName("Risks", attr_text=ref.replace("'Risks'", "'Risk log'"))

    plan = read_plan_workbook(edited(rename))
    assert content_hash(plan) == content_hash(small_plan())


def test_rows_inserted_inside_a_table_still_read() -> None:
    def insert(wb: Workbook) -> None:
        ws = wb["Contributions"]
        ws.insert_rows(7, 3)  # openpyxl does not move names as Excel does, so move the name by hand
        wb.defined_names["Contributions"] = DefinedName(
            "Contributions", attr_text="'Contributions'!$A$5:$H$29"
        )

    plan = read_plan_workbook(edited(insert))
    assert content_hash(plan) == content_hash(small_plan())


def test_deleted_defined_name() -> None:
    def drop(wb: Workbook) -> None:
        del wb.defined_names["Contributions"]

    p = only(refused(edited(drop)), "defined name Contributions")
    assert p.message == msg.NAME_MISSING


def test_changed_heading() -> None:
    p = only(refused(edited(set_cell("Contributions", "F4", "Amount"))), "Contributions!F4")
    assert p.message == msg.WRONG_HEADER and p.found == "'Amount'" and p.expected == "'Amount (£)'"


# --- stage 4: cells -------------------------------------------------------------------------------


def test_text_in_a_money_cell() -> None:
    p = only(refused(edited(set_cell("Contributions", "F5", "four million"))), "Contributions!F5")
    assert p.message == msg.EXPECT_NUMBER and "four million" in p.found


def test_formatted_number_text_is_not_coerced() -> None:
    p = only(refused(edited(set_cell("Contributions", "F5", "1,000"))), "Contributions!F5")
    assert p.message == msg.EXPECT_NUMBER


@pytest.mark.parametrize(
    ("value", "message"),
    [(-5, msg.OUT_OF_RANGE), (1e15, msg.OUT_OF_RANGE), (1234.567, msg.EXPECT_PENCE)],
)
def test_negative_absurd_and_fractional_pence(value: float, message: str) -> None:
    p = only(refused(edited(set_cell("Contributions", "F6", value))), "Contributions!F6")
    assert p.message == message and p.stage == "cell"


def test_formula_without_a_saved_value() -> None:
    p = only(refused(edited(set_cell("Contributions", "F5", "=1+1"))), "Contributions!F5")
    assert p.message == msg.FORMULA_NO_VALUE


def test_merged_input_cells() -> None:
    p = only(refused(edited(lambda wb: wb["Contributions"].merge_cells("B5:C5"))), "Contributions!B5 to C5")
    assert p.message == msg.MERGED


def test_identical_problems_are_merged_into_a_range() -> None:
    def blank(wb: Workbook) -> None:
        for row in range(5, 11):
            wb["Contributions"].cell(row, 2).value = None

    p = only(refused(edited(blank)), "Contributions!B5 to B10")
    assert p.message == msg.REQUIRED and p.found == "a blank cell"


def test_yes_no_and_date_cells() -> None:
    def change(wb: Workbook) -> None:
        wb["Contributions"]["G5"] = "maybe"
        wb["Milestones"]["D5"] = "next spring"

    problems = refused(edited(change))
    assert only(problems, "Contributions!G5").message == msg.EXPECT_YESNO
    assert only(problems, "Milestones!D5").message == msg.EXPECT_DATE


# --- stage 5: the plan ----------------------------------------------------------------------------


def test_reference_problems_name_the_cell() -> None:
    p = only(refused(edited(set_cell("Contributions", "D5", "NOPE"))), "Contributions!D5")
    assert p.stage == "reference" and p.message == "unknown pool" and p.found == "NOPE"


def test_schema_problems_name_the_cell() -> None:
    p = only(refused(edited(set_cell("Risks", "C5", "Severe"))), "Risks!C5")
    assert p.stage == "schema" and "Severe" in p.found


def test_child_row_with_an_unknown_parent() -> None:
    p = only(refused(edited(set_cell("Expenditure plan", "A5", "S99"))), "Expenditure plan!A5")
    assert p.message == msg.UNKNOWN_KEY


def test_every_problem_is_reported_at_once() -> None:
    def many(wb: Workbook) -> None:
        wb["Contributions"]["F5"] = "lots"
        wb["Pools"]["H5"] = "perhaps"
        wb["Risks"]["A6"] = None

    problems = refused(edited(many))
    assert {"Contributions!F5", "Pools!H5", "Risks!A6"} <= {p.location for p in problems}


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="XFD1048576"><v>1</v></c>',
        b'<c\nr="XFD1048576"><v>1</v></c>',
        b'<c s="1" r="XFD1048576"><v>1</v></c>',
        # The reader (calamine) also takes these, each placing the cell at XFD1048576:
        b'<c r="xfd1048576"><v>1</v></c>',  # letters in either case
        b"<c r='XFD1048576'><v>1</v></c>",  # either quote
        b'<c r = "XFD1048576"><v>1</v></c>',  # spaces around "="
        b'<c s=">" r="XFD1048576"><v>1</v></c>',  # ">" inside an earlier value
        b'<c r="A2" r="XFD1048576"><v>1</v></c>',  # two addresses: the last one counts
        b'<c r="A2" s="1"r="XFD1048576"><v>1</v></c>',  # no space before the second
        b'<c r="A2" s="<row"r="XFD1048576"><v>1</v></c>',  # ... hidden behind what looks like a row
    ],
)
def testsheet_extent_sees_every_way_of_writing_an_address(cell: bytes) -> None:
    xml = (
        b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>' + cell + b"</row></sheetData></worksheet>"
    )
    assert sheet_extent(xml) == 1048576 * 16384
    prefixed = xml.replace(b"<", b"<x:").replace(b"<x:/", b"</x:")
    assert sheet_extent(prefixed) >= 1048576 * 16384


def test_prefixed_cells_without_an_address_are_counted() -> None:
    """A prefixed cell (<x:c>) is a cell to the reader too; without an address it follows the last one."""
    rows = b'<row r="99999">' + b"<x:c><x:v>1</x:v></x:c>" * 100 + b"</row>"
    xml = b'<worksheet xmlns:x="urn:x"><sheetData>' + rows + b"</sheetData></worksheet>"
    assert sheet_extent(xml) >= 99999 * 100


def test_an_address_that_cannot_be_read_is_not_taken_for_a_small_one() -> None:
    xml = b'<worksheet><sheetData><row r="1"><c r="A&#49;"><v>1</v></c></row></sheetData></worksheet>'
    assert sheet_extent(xml) > MAX_SHEET_CELLS


def test_a_far_cell_in_lower_case_is_refused_before_reading() -> None:
    part = sheet_part(good(), "Contributions")
    cell = b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>'
    raw = rezipped(good(), {part: lambda xml: xml.replace(b"</sheetData>", cell + b"</sheetData>")})
    [p] = refused(raw)
    assert p.location == "Contributions" and p.message == msg.SHEET_TOO_LARGE


def test_every_sheet_of_an_exported_template_takes_the_fast_path() -> None:
    """What Excel, LibreOffice and openpyxl write is vouched for in one vectorised pass."""
    package = open_package(good(), "upload.xlsx")
    assert all(scan.plain for scan in scan_sheets([package.sheet_xml(name) for name in package.sheet_names]))


def test_one_pass_over_many_sheets_says_what_a_pass_over_each_says() -> None:
    sheets = [
        b'<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>',
        b'<worksheet><!-- a comment --><sheetData><row r="1"><c r="B2" t="e"><v>#N/A</v></c></row>'
        b'</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>',
        b"<worksheet><sheetData><row r=\"1\"><c r='A1'/></row></sheetData></worksheet>",
        b'<worksheet><sheetData><row r="1"><c r="A100000"/></row></sheetData></worksheet><c',
    ]
    together = scan_sheets(sheets)
    assert together == [scan_sheets([sheet])[0] for sheet in sheets]
    assert [s.plain for s in together] == [True, True, False, False]
    assert [s.declaration for s in together] == [False, True, False, False]
    assert [s.error_type for s in together] == [False, True, False, False]
    assert [s.merges for s in together] == [False, True, False, False]
    assert together[0].formulas == (sheets[0].index(b"<f>"),)


def test_excel_error_cells_are_named_not_read_as_blank() -> None:
    """calamine shows an error cell (#N/A) as blank; the importer must say what it really holds."""
    part = sheet_part(good(), "Contributions")
    raw = rezipped(
        good(),
        {part: lambda xml: re.sub(rb'(<c r="F5" s="\d+") t="n"><v>[^<]*</v>', rb'\1 t="e"><v>#N/A</v>', xml)},
    )
    problems = refused(raw)
    p = only(problems, "Contributions!F5")
    assert p.message == msg.ERROR_VALUE


def test_text_that_looks_like_an_error_or_a_formula_is_still_text() -> None:
    plan = small_plan()
    plan.contributions[0].reference = "#N/A"
    plan.contributions[1].reference = "=SUM(A1:A9)"
    back = read_plan_workbook(plan_workbook_bytes(plan))
    assert [c.reference for c in back.contributions[:2]] == ["#N/A", "=SUM(A1:A9)"]


def test_table_moved_to_the_top_of_its_sheet_has_no_heading_row() -> None:
    def move(wb: Workbook) -> None:
        wb.defined_names["Pools"] = DefinedName("Pools", attr_text="'Pools'!$A$1:$I$20")

    p = only(refused(edited(move)), "Pools!A1 to I20")
    assert p.message == msg.WRONG_HEADER and p.found == "no heading row"


def test_pattern_messages_are_said_plainly() -> None:
    def change(wb: Workbook) -> None:
        wb["Contributions"]["A5"] = "C 1"
        wb["Contributions"]["E6"] = "2015/16"

    problems = refused(edited(change))
    code, year = only(problems, "Contributions!A5"), only(problems, "Contributions!E6")
    assert (code.message, code.found) == ("not a valid code", "'C 1'")
    assert (year.message, year.expected) == ("not a financial year", "a year such as 2015-16")


def test_two_parts_with_one_name_are_refused() -> None:
    """Zip readers disagree on which of two same-named parts is "the" part: checked one, read the other."""
    part = sheet_part(good(), "Contributions")
    out = io.BytesIO(good())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, which is the point
        with zipfile.ZipFile(out, "a") as z:
            z.writestr(part, b"<worksheet/>")
    [p] = refused(out.getvalue())
    assert p.stage == "file" and p.message == msg.BROKEN_ZIP and part in p.location


def reader_zip(raw: bytes) -> bytes:
    """What the cell reader is given for this upload, every sheet checked."""
    package = open_package(raw, "upload.xlsx")
    package.check_sheets(package.sheet_names)
    return package.reader_zip(package.sheet_names)


def test_the_cell_reader_gets_the_checked_sheets_uncompressed() -> None:
    package = open_package(good(), "upload.xlsx")
    package.check_sheets(["Cover", "Contributions", "Milestones"])
    stored = package.reader_zip(package.checked())
    with zipfile.ZipFile(io.BytesIO(stored)) as z:
        assert z.testzip() is None
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
        for i, name in enumerate(package.sheet_names, start=1):
            given = z.read(f"xl/worksheets/sheet{i}.xml")
            if name in package.checked():  # its sheetData as checked, less the trailing rows of empty cells
                xml = package.sheet_xml(name)
                cells = xml[xml.index(b"<sheetData") : xml.index(b"</sheetData>") + len(b"</sheetData>")]
                tail = re.compile(rb"(?:<row [^<>]*>(?:<c [^<>]*/>)*</row>)+(?=</sheetData>$)")
                assert given == tail.sub(b"", cells)
                assert tail.search(cells) or name == "Cover"  # every table sheet has rows left for input
            else:  # nothing to read
                assert b"<sheetData/>" in given and b"<c" not in given
    book = CalamineWorkbook.from_filelike(io.BytesIO(stored))
    assert book.sheet_names == package.sheet_names
    original = CalamineWorkbook.from_filelike(io.BytesIO(good()))
    for name in ("Cover", "Contributions", "Milestones"):
        assert book.get_sheet_by_name(name).to_python() == original.get_sheet_by_name(name).to_python()
    with pytest.raises(ValueError, match="not been checked"):
        package.reader_zip(["Schemes"])


def _with_workbook_part(change: Callable[[str], str], extra: dict[str, bytes]) -> bytes:
    """good() with its workbook part edited and extra parts added (as a broken or doctored tool might)."""
    raw = rezipped(good(), {"xl/workbook.xml": lambda xml: change(xml.decode()).encode()})
    out = io.BytesIO(raw)
    with zipfile.ZipFile(out, "a") as z:
        for name, data in extra.items():
            z.writestr(name, data)
    return out.getvalue()


def _decoy(original: bytes) -> bytes:
    """The Contributions sheet with a different first amount: whichever reader sees it, shows it."""
    return re.sub(rb'(<c r="F5" s="\d+" t="n"><v>)[^<]*', rb"\g<1>123", original, count=1)


def test_two_sheets_with_one_name_are_refused() -> None:
    """The checks and the reader could each take a different one of the two."""

    def twice(xml: str) -> str:
        first = re.search(r'<sheet name="Contributions"[^>]*/>', xml)
        assert first is not None
        return xml.replace(first.group(), first.group().replace('sheetId="', 'sheetId="9') + first.group())

    [p] = refused(_with_workbook_part(twice, {}))
    assert p.message == msg.BROKEN_ZIP and "Contributions" in p.location


def test_part_names_that_differ_only_in_case_are_refused() -> None:
    part = sheet_part(good(), "Contributions")
    raw = _with_workbook_part(lambda xml: xml, {part.upper(): _decoy(parts(good())[part])})
    [p] = refused(raw)
    assert p.message == msg.BROKEN_ZIP


def test_the_reader_reads_the_sheet_that_was_checked_whatever_the_workbook_part_says() -> None:
    """The sheet's id given twice under two prefixes: one bound to the relationships namespace (what the
    checks follow), the other spelt ``r:`` but bound elsewhere (what the reader would have followed)."""
    part = sheet_part(good(), "Contributions")
    decoy = "xl/worksheets/decoy.xml"
    relationship = (
        '<Relationship Id="rIdDecoy" Target="/xl/worksheets/decoy.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" />'
    )

    def doctored(xml: str) -> str:
        sheet = re.search(r'<sheet name="Contributions"[^>]*r:id="(rId\d+)"[^>]*/>', xml)
        assert sheet is not None
        rebound = sheet.group().replace(
            f'r:id="{sheet.group(1)}"',
            f'xmlns:r="urn:elsewhere" xmlns:o="{REL_NS[1:-1]}" o:id="{sheet.group(1)}" r:id="rIdDecoy"',
        )
        return xml.replace(sheet.group(), rebound)

    raw = rezipped(
        good(),
        {
            "xl/workbook.xml": lambda xml: doctored(xml.decode()).encode(),
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b"</Relationships>", relationship.encode() + b"</Relationships>"
            ),
        },
    )
    out = io.BytesIO(raw)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr(decoy, _decoy(parts(good())[part]))
    assert content_hash(read_plan_workbook(out.getvalue())) == content_hash(read_plan_workbook(good()))


def test_a_1904_workbook_keeps_its_dates() -> None:
    raw = _with_workbook_part(lambda xml: xml.replace("<workbookPr />", '<workbookPr date1904="1" />'), {})
    direct = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_name("Milestones").to_python()
    stored = reader_zip(raw)
    ours = CalamineWorkbook.from_filelike(io.BytesIO(stored)).get_sheet_by_name("Milestones").to_python()
    assert ours == direct
    assert (
        ours[4][3]
        != CalamineWorkbook.from_filelike(io.BytesIO(good()))
        .get_sheet_by_name("Milestones")
        .to_python()[4][3]
    )


def test_shared_strings_reach_the_reader() -> None:
    """Excel keeps most text in xl/sharedStrings.xml (carepool's own files write it in the cells)."""
    wb = Workbook()
    wb.active["A1"], wb.active["B2"] = "hello", 3
    out = io.BytesIO()
    wb.save(out)
    files = parts(out.getvalue())
    files["xl/worksheets/sheet1.xml"] = re.sub(
        rb'<c r="A1"([^>]*) t="inlineStr"><is><t>hello</t></is></c>',
        rb'<c r="A1"\1 t="s"><v>0</v></c>',
        files["xl/worksheets/sheet1.xml"],
    )
    files["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>hello</t></si></sst>'
    )
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    stored = reader_zip(raw.getvalue())
    assert CalamineWorkbook.from_filelike(io.BytesIO(stored)).get_sheet_by_index(0).to_python() == [
        ["hello", ""],
        ["", 3.0],
    ]


def test_a_damaged_part_nothing_reads_is_never_inflated() -> None:
    """Only what a reader needs is inflated (with the caps): a broken theme cannot hurt, and is left alone;
    a broken sheet the template reads is refused."""
    theme = "xl/theme/theme1.xml"
    assert theme in parts(good())

    def damaged(name: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for part, data in parts(good()).items():
                z.writestr(part, data)
        blob = bytearray(out.getvalue())
        with zipfile.ZipFile(io.BytesIO(bytes(blob))) as z:
            info = z.getinfo(name)
        at = info.header_offset + 30 + len(name.encode()) + len(info.extra) + info.compress_size // 2
        blob[at] ^= 0xFF  # a flipped byte in the compressed data
        return bytes(blob)

    assert content_hash(read_plan_workbook(damaged(theme))) == content_hash(read_plan_workbook(good()))
    [p] = refused(damaged(sheet_part(good(), "Contributions")))
    assert (p.stage == "file" and "Contributions" not in p.location) or p.message == msg.BROKEN_ZIP


@pytest.mark.parametrize(
    "cell",
    [
        "Expenditure plan!E10",  # the third scheme's second funding line: table row 6, list item 2
        "Trajectories!C16",  # the sixth metric's plan value: table row 12, list item 1
        "Performance quarters!B12",  # the fourth planned quarter: table row 8, list item 4
    ],
)
def test_schema_problems_in_child_rows_name_their_own_cell(cell: str) -> None:
    sheet, _, address = cell.partition("!")
    p = only(refused(edited(set_cell(sheet, address, "not a period"))), cell)
    assert p.stage == "schema" and "not a period" in p.found
