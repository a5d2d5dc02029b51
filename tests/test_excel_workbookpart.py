"""The workbook part: what is kept between uploads (keyed by the part less its defined names' texts) says
exactly what parsing the whole part says, on carepool's own parts and on mutated and hostile ones."""

from __future__ import annotations

import zipfile
from io import BytesIO

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carepool.io.excel import workbookpart
from carepool.io.excel.workbookpart import MAIN_NS, Listing, _parsed, workbook_listing
from carepool.problems import InputRejected
from hostile.workbooks import good

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAIN = MAIN_NS[1:-1]
RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="t" Target="worksheets/sheet1.xml"/></Relationships>'
)
OPEN = (
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)
SHEETS = '<sheets><sheet name="Cover" sheetId="1" r:id="rId1"/></sheets>'

# Defined names as carepool writes them, and the ways an upload may differ (each must take the long way
# or read the same): other attributes, entities, CDATA, comments and processing instructions hiding a
# plain-looking name, another namespace, a prefix bound to the main one, odd characters, nesting.
NAMES = [
    "<definedName name=\"A\">'Cover'!$B$2</definedName>",
    '<definedName name="B">Cover!$A$5:$H$30</definedName>',
    '<definedName name="A">Cover!$C$3</definedName>',
    '<definedName name="C"> Cover!$A$1 </definedName>',
    '<definedName name="D"></definedName>',
    '<definedName name="E"/>',
    '<definedName name="F" localSheetId="0">Cover!$A$1</definedName>',
    '<definedName localSheetId="0" name="G">Cover!$A$1</definedName>',
    '<definedName name="H" hidden="1">Cover!$A$1</definedName>',
    '<definedName  name="I">Cover!$A$1</definedName>',
    '<definedName name="J">Cover!$A$1&amp;</definedName>',
    '<definedName name="K"><![CDATA[Cover!$A$9]]></definedName>',
    '<!--<definedName name="A">Cover!$Z$9</definedName>-->',
    '<?pi <definedName name="A">Cover!$Z$8</definedName> ?>',
    '<x:definedName xmlns:x="urn:other" name="A">Cover!$Z$7</x:definedName>',
    f'<m:definedName xmlns:m="{MAIN}" name="A">Cover!$Z$6</m:definedName>',
    '<definedName xmlns="urn:other" name="A">Cover!$Z$5</definedName>',
    '<definedName name="L">Cover!$A$1\r\n</definedName>',
    '<definedName name="M">Caf\u00e9!$A$1</definedName>',
    '<definedName name="N">Cover!$A$1]]&gt;</definedName>',
    '<definedName name="O">\tCover!$A$1\n</definedName>',
    '<definedName name="A&amp;B">Cover!$A$1</definedName>',
    '<definedName name="P"><b>Cover!$A$1</b></definedName>',
    '<definedName name="Q">Cover!$A$1<!-- x --></definedName>',
    '<definedName name="R">Cover!\x01$A$1</definedName>',
    '<definedName name="S">Cover!$A$1</definedName><definedName name="S">Cover!$B$1</definedName>',
    '<definedName name="T">Cover!$A$1</definedNames>',
    "<broken",
]
WRAPPERS = [
    "<definedNames>{}</definedNames>",
    "<definedNames>{}</definedNames><definedNames>{}</definedNames>",
    '<extLst><definedNames xmlns="urn:other">{}</definedNames></extLst><definedNames>{}</definedNames>',
    "<!-- a comment --><definedNames>{}</definedNames>",
    '<extLst><definedNames xmlns="urn:other"><definedName name="Z">Cover!$Z$1</definedName></definedNames>'
    "</extLst><definedNames>{}</definedNames>",
]
PROLOGS = ["", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', "\ufeff", "<?x <y?>"]


def listing_or_problem(part: bytes) -> Listing | list[str]:
    try:
        return workbook_listing(part, RELS, "upload.xlsx")
    except InputRejected as exc:
        return [p.message for p in exc.problems]


def parsed_or_problem(part: bytes) -> Listing | list[str]:
    try:
        return _parsed(part, RELS, "upload.xlsx")
    except InputRejected as exc:
        return [p.message for p in exc.problems]


def part(prolog: str, wrapper: str, names: list[str], settings: str = "<workbookPr/>") -> bytes:
    middle = "".join(names)
    body = wrapper.format(*([middle] * wrapper.count("{}")))
    return f"{prolog}{OPEN}{settings}{SHEETS}{body}</workbook>".encode()


@SETTINGS
@given(
    st.sampled_from(PROLOGS),
    st.sampled_from(WRAPPERS),
    st.lists(st.sampled_from(NAMES), max_size=6),
    st.sampled_from(["<workbookPr/>", '<workbookPr date1904="1"/>', ""]),
)
@example("", WRAPPERS[0], [NAMES[12], '<definedName name="A"/>'], "")
@example("", WRAPPERS[0], [NAMES[13], '<definedName name="A"/>'], "")
@example("", WRAPPERS[0], [NAMES[0], NAMES[15]], "")
@example("", WRAPPERS[4], [NAMES[0]], "")
def test_what_is_kept_reads_as_the_whole_part(
    prolog: str, wrapper: str, names: list[str], settings: str
) -> None:
    workbookpart._KEPT.clear()
    upload = part(prolog, wrapper, names, settings)
    expected = parsed_or_problem(upload)
    assert listing_or_problem(upload) == expected  # nothing kept yet
    assert listing_or_problem(upload) == expected  # kept
    # Another upload of the same shape, with other texts, reads its own texts (not the kept ones).
    other = upload.replace(b"$A$1", b"$D$4").replace(b"$B$2", b"$E$5")
    workbookpart._KEPT.clear()
    listing_or_problem(upload)
    assert listing_or_problem(other) == parsed_or_problem(other)


def test_carepool_parts_are_kept_and_read_their_own_names() -> None:
    workbookpart._KEPT.clear()
    archive = zipfile.ZipFile(BytesIO(good()))
    upload = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    first = workbook_listing(upload, rels, "upload.xlsx")
    assert first == _parsed(upload, rels, "upload.xlsx")
    assert len(workbookpart._KEPT) == 1 and next(iter(workbookpart._KEPT.values())).plain_names
    moved = upload.replace(b"$A$5:", b"$A$6:")
    assert moved != upload
    second = workbook_listing(moved, rels, "upload.xlsx")
    assert len(workbookpart._KEPT) == 1  # the same key: nothing parsed
    assert second == _parsed(moved, rels, "upload.xlsx") and second != first
