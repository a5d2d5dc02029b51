"""The first stage of reading a workbook: is this a safe, whole .xlsx file, before any parser sees it.

Checks, in order: size; the zip signature (naming .xls and CSV files renamed to .xlsx); that the zip
opens, that no two parts share a name (even in different case), and that no part declares more than the
limits (zip bombs); then, for every part anything reads, that it does not expand beyond what it declares
(inflated ourselves, with a cap, and its CRC checked); that no sheet's cells span an area so large that a
dense reader would exhaust memory (python-calamine allocates rows × columns, and one cell at XFD1048576
aborts the process). Sheets are inflated and checked when first needed; parts nothing reads (themes,
document properties, pictures, sheets a template never reads) are never inflated at all. On the way it
collects what python-calamine does not expose: sheet parts, defined names, and cells whose formula has no
saved value.

python-calamine is then handed what it needs, as an uncompressed zip (``stored_zip``), never the uploaded
file: the sheets exactly as checked here, under names chosen here and listed in a workbook part written
here, with the upload's styles and shared strings. So it parses the bytes that were checked — no zip
reader, workbook part or relationship it resolves differently can point it at another sheet — and
nothing is inflated twice.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, cast

from zlib_ng import zlib_ng as zlib  # the zlib API, 1.7× faster inflate and a vectorised CRC-32

from carepool.io.excel import messages as msg
from carepool.io.excel.sheetcells import unreadable_cells
from carepool.io.excel.sheetscan import FAST_BOUND, UNBOUNDED, Scan, counted_extent, scan_sheets
from carepool.io.excel.workbookpart import MAIN_NS, PKG_REL_NS, REL_NS, workbook_listing
from carepool.io.excel.zipdirectory import Part, zip_parts
from carepool.problems import InputRejected, Problem

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
MAX_PARTS: Final = 2000
MAX_PART_BYTES: Final = 64 * 1024 * 1024
MAX_TOTAL_BYTES: Final = 160 * 1024 * 1024
MAX_RATIO: Final = 250  # only for parts over RATIO_FLOOR; small XML parts compress very well
RATIO_FLOOR: Final = 1024 * 1024
MAX_SHEET_CELLS: Final = 4_000_000  # rows × columns of a sheet's used area

OLE_SIGNATURE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE: Final = b"PK\x03\x04"
_WORKSHEET_TYPE: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CENTRAL_HEADER = struct.Struct("<4s6H3L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_DOS_DATE: Final = 0x21  # 1 January 1980, the earliest a zip can say
_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"'
)
_REF: Final = re.compile(
    r"^(?:'((?:[^']|'')+)'|([^!'\s]+))!\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$"
)


_ZLIB_ERROR: Final = cast("type[Exception]", zlib.error)  # its stub calls it an instance, not a class
Buffer = bytes | memoryview  # what a zip part may be given as


@dataclass(frozen=True, slots=True)
class Area:
    """A rectangle of cells, 1-based and inclusive."""

    sheet: str
    row1: int
    col1: int
    row2: int
    col2: int


_REFERENCES: dict[str, Area | None] = {}


def parse_reference(text: str) -> Area | None:
    """``'Sheet name'!$A$5:$H$30`` (a defined name's reference) as an Area; None if it is not one."""
    if text in _REFERENCES:  # every workbook of a template version names the same ranges
        return _REFERENCES[text]
    area = _parse_reference(text)
    if len(_REFERENCES) < 4096 and len(text) < 300:  # bounded, whatever the uploads say
        _REFERENCES[text] = area
    return area


def _parse_reference(text: str) -> Area | None:
    match = _REF.match(text.strip())
    if match is None:
        return None
    quoted, bare, c1, r1, c2, r2 = match.groups()
    sheet = quoted.replace("''", "'") if quoted is not None else bare
    col1, row1 = column_number(c1), int(r1)
    col2, row2 = (column_number(c2), int(r2)) if c2 and r2 else (col1, row1)
    return Area(sheet, min(row1, row2), min(col1, col2), max(row1, row2), max(col1, col2))


@dataclass(frozen=True, slots=True)
class SheetFacts:
    no_value: dict[str, str]  # cell → why its value cannot be read (calamine shows these as blank)
    merged: list[Area]
    cells_part: tuple[int, int] | None  # where the sheet's only sheetData element lies, if plainly so
    empty_tail: int | None  # where, in it, its trailing run of empty rows begins (Scan)


@dataclass(slots=True)
class Package:
    """What stage one learnt about a workbook that passed it; sheets are checked when first needed."""

    raw: bytes  # the upload: sheets are inflated from it when first needed
    origin: str
    sheet_names: list[str]
    names: dict[str, str]  # global defined name → its reference text
    sheet_infos: dict[str, Part]  # sheet → its part
    date1904: bool  # the workbook counts dates from 1904 (its workbookPr says so)
    kept: dict[str, tuple[bytes, int]]  # styles and shared strings (with their CRC), for the cell reader
    _inflated: dict[str, bytes] = field(default_factory=dict)
    _checked: dict[str, SheetFacts] = field(default_factory=dict)

    def sheet_xml(self, name: str) -> bytes:
        """A sheet's XML, inflated (with the caps and checks of ``_inflate``) when first asked for."""
        if name not in self._inflated:
            self._inflated[name] = _inflate(self.raw, self.sheet_infos[name], self.origin)
        return self._inflated[name]

    def checked(self) -> list[str]:
        return list(self._checked)

    def reader_zip(self, sheets: Collection[str]) -> bytes:
        """What the cell reader is given: an uncompressed zip listing every sheet, with the checked XML of
        ``sheets`` (each must have been checked) and an empty sheet for the others, under part names and
        in a workbook part written here — so it can only ever read XML that was checked."""
        for name in sheets:
            if name not in self._checked:
                raise ValueError(f"sheet {name} has not been checked")
        given = {
            name: _reader_sheet(self._inflated[name], self._checked[name]) if name in sheets else _EMPTY
            for name in self.sheet_names
        }
        return stored_zip(_reader_parts(given, self.date1904, self.kept))

    def merged(self, name: str) -> list[Area]:
        return self.check_sheet(name).merged

    def check_sheet(self, name: str) -> SheetFacts:
        """Refuse a sheet too large to read densely; say which cells are merged or lack a saved value.

        Call before any reader loads the sheet.
        """
        if name not in self._checked:
            self.check_sheets([name])
        return self._checked[name]

    def check_sheets(self, names: Iterable[str]) -> None:
        """``check_sheet`` for several sheets at once: one scan of all their XML (much cheaper than one each)."""
        todo = [name for name in dict.fromkeys(names) if name not in self._checked]
        for name in todo:
            if name not in self.sheet_infos:
                raise _reject(f"{self.origin} (sheet {name})", msg.MISSING_PART, "", name)
        xml = [self.sheet_xml(name) for name in todo]
        for name, data, scan in zip(todo, xml, scan_sheets(xml), strict=True):
            self._checked[name] = self._facts(name, data, scan)

    def _facts(self, name: str, data: bytes, scan: Scan) -> SheetFacts:
        if scan.declaration and (b"<!DOCTYPE" in data or b"<!ENTITY" in data):
            raise _reject(f"{self.origin} (sheet {name})", msg.DTD_FOUND)
        if not _utf8(data):  # the checks here search bytes: another encoding could hide what they look for
            raise _reject(f"{self.origin} (sheet {name})", msg.NOT_UTF8, "", "UTF-8, as Excel saves it")
        extent = FAST_BOUND if scan.plain else counted_extent(data)
        if extent > MAX_SHEET_CELLS:
            found = f"{extent:,} cells" if extent != UNBOUNDED else "a cell address that cannot be read"
            raise _reject(name, msg.SHEET_TOO_LARGE, found, f"at most {MAX_SHEET_CELLS:,}")
        merged = [
            Area(name, int(r1), column_number(c1), int(r2 or r1), column_number(c2 or c1))
            for c1, r1, c2, r2 in (_MERGE.findall(data) if scan.merges else [])
        ]
        if scan.plain and not scan.formulas and not scan.error_type:
            return SheetFacts({}, merged, scan.cells_part, scan.empty_tail)  # nothing to look for
        formulas, errors = unreadable_cells(data, scan)
        no_value = dict.fromkeys(errors, msg.ERROR_VALUE)
        no_value.update(dict.fromkeys(formulas, msg.FORMULA_NO_VALUE))
        return SheetFacts(no_value, merged, scan.cells_part, scan.empty_tail)


def column_number(letters: bytes | str) -> int:
    text = letters.decode() if isinstance(letters, bytes) else letters
    number = 0
    for ch in text:
        number = number * 26 + (ord(ch) - 64)
    return number


def _reject(location: str, message: str, found: str = "", expected: str = "") -> InputRejected:
    return InputRejected([Problem("file", location, message, found, expected)])


def _sniff(raw: bytes, origin: str) -> None:
    if not raw:
        raise _reject(origin, msg.EMPTY_FILE)
    if len(raw) > MAX_FILE_BYTES:
        raise _reject(origin, msg.TOO_LARGE, f"{len(raw):,} bytes", f"at most {MAX_FILE_BYTES:,} bytes")
    if raw.startswith(ZIP_SIGNATURE):
        return
    if raw.startswith(OLE_SIGNATURE):
        raise _reject(origin, msg.NOT_XLSX_XLS, "an Excel 97-2003 (.xls) file", "an .xlsx workbook")
    head = raw[:4096]
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            texty = exc.start > len(head) - 4  # only a character cut at the 4 KB boundary
        else:
            texty = True
        if texty:
            raise _reject(origin, msg.NOT_XLSX_TEXT, "text", "an .xlsx workbook")
    raise _reject(origin, msg.NOT_XLSX, repr(raw[:8]), "an .xlsx workbook (a zip file starting PK)")


def _inflate(raw: bytes, info: Part, origin: str) -> bytes:
    """Inflate one part from the raw bytes, refusing any that expands past its declared size."""
    start = info.header_offset
    header = raw[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != ZIP_SIGNATURE:
        raise _reject(f"{origin} ({info.filename})", msg.BROKEN_ZIP)
    fields = _LOCAL_HEADER.unpack(header)
    data_start = start + _LOCAL_HEADER.size + fields[9] + fields[10]
    packed = memoryview(raw)[data_start : data_start + info.compress_size]
    if len(packed) != info.compress_size:
        raise _reject(f"{origin} ({info.filename})", msg.BROKEN_ZIP)
    if info.compress_type == zipfile.ZIP_STORED:
        data = bytes(packed)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(packed, info.file_size + 1)
        except _ZLIB_ERROR:
            raise _reject(f"{origin} ({info.filename})", msg.BROKEN_ZIP) from None
        if len(data) > info.file_size or inflater.unconsumed_tail:
            where = f"{origin} ({info.filename})"
            raise _reject(where, msg.PART_TOO_LARGE, "more than it declares", f"{info.file_size:,} bytes")
    else:
        where = f"{origin} ({info.filename})"
        raise _reject(where, msg.NOT_XLSX, f"compression method {info.compress_type}", "deflate")
    if len(data) != info.file_size or zlib.crc32(data) != info.crc:
        raise _reject(f"{origin} ({info.filename})", msg.BROKEN_ZIP)
    return data


def stored_zip(parts: Mapping[str, tuple[Buffer, int]]) -> bytes:
    """Parts (name → data and its CRC-32, already verified) as a zip without compression."""
    chunks: list[Buffer] = []
    directory: list[bytes] = []
    offset = 0
    for name, (data, crc) in parts.items():
        if name.isascii():
            encoded, flags = name.encode("ascii"), 0
        else:
            encoded, flags = name.encode("utf-8"), 0x800  # bit 11: the name is UTF-8
        size = len(data)
        local = _LOCAL_HEADER.pack(
            ZIP_SIGNATURE, 20, flags, 0, 0, _DOS_DATE, crc, size, size, len(encoded), 0
        )
        chunks += (local, encoded, data)
        directory.append(
            _CENTRAL_HEADER.pack(
                b"PK\x01\x02",
                20,
                20,
                flags,
                0,
                0,
                _DOS_DATE,
                crc,
                size,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
        offset += len(local) + len(encoded) + size
    listing = b"".join(directory)
    end = _END_RECORD.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), len(listing), offset, 0)
    return b"".join([*chunks, listing, end])


def _check_sizes(infos: list[Part], origin: str) -> None:
    if len(infos) > MAX_PARTS:
        raise _reject(origin, msg.TOO_MANY_PARTS, f"{len(infos):,} parts", f"at most {MAX_PARTS:,}")
    total = 0
    for info in infos:
        where = f"{origin} ({info.filename})"
        if info.file_size > MAX_PART_BYTES:
            raise _reject(where, msg.PART_TOO_LARGE, f"{info.file_size:,} bytes", f"≤ {MAX_PART_BYTES:,}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _reject(where, msg.RATIO_TOO_HIGH, f"{ratio:,} to 1", f"at most {MAX_RATIO} to 1")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise _reject(origin, msg.TOTAL_TOO_LARGE, f"{total:,} bytes", f"at most {MAX_TOTAL_BYTES:,} bytes")


def sheet_extent(data: bytes) -> int:
    """An upper bound on rows × columns of the area a dense reader would allocate for this sheet."""
    return FAST_BOUND if scan_sheets([data])[0].plain else counted_extent(data)


_DECLARED_ENCODING: Final = re.compile(rb"""(?:\xef\xbb\xbf)?<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")


def _utf8(data: bytes) -> bool:
    """Whether the sheet's XML is UTF-8 (or ASCII), as Excel writes it: no UTF-16, no other encoding declared."""
    if b"\x00" in data or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    declared = _DECLARED_ENCODING.match(data)
    return declared is None or declared.group(1).lower() in (b"utf-8", b"utf8", b"us-ascii", b"ascii")


def open_package(raw: bytes, origin: str) -> Package:
    """Stage one. Raises InputRejected (stage "file") on the first thing that makes the file unsafe."""
    _sniff(raw, origin)
    try:
        infos = zip_parts(raw)
    except Exception:  # zipfile raises many kinds on damaged input; all mean the same to a person
        raise _reject(origin, msg.BROKEN_ZIP) from None
    _check_sizes(infos, origin)
    seen: dict[str, str] = {}
    for info in infos:
        folded = info.filename.lower()
        if folded in seen:  # readers look names up exactly or ignoring case, and may take either one
            raise _reject(f"{origin} ({info.filename})", msg.BROKEN_ZIP, "two parts with this name")
        seen[folded] = info.filename
    files = {info.filename: info for info in infos if not info.is_dir()}
    for needed in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if needed not in files:
            raise _reject(origin, msg.MISSING_PART, "", needed)
    # Inflated now: what says where the sheets are, and what the cell reader opens by a fixed name
    # (found as it finds them, ignoring case). Sheets are inflated when a reader needs them; parts that
    # nothing reads (themes, document properties, pictures, sheets a template never reads) are not.
    kept: dict[str, tuple[bytes, int]] = {}
    for fixed in _READER_FIXED_PARTS:
        part_info = files.get(seen.get(fixed.lower(), ""))
        if part_info is not None:
            kept[fixed] = (_inflate(raw, part_info, origin), part_info.crc)
    listing = workbook_listing(
        _inflate(raw, files["xl/workbook.xml"], origin),
        _inflate(raw, files["xl/_rels/workbook.xml.rels"], origin),
        origin,
    )
    sheet_infos: dict[str, Part] = {}
    for name, part in listing.sheets:
        if part not in files:
            raise _reject(f"{origin} (sheet {name})", msg.MISSING_PART, "", part)
        sheet_infos[name] = files[part]
    return Package(raw, origin, list(sheet_infos), dict(listing.names), sheet_infos, listing.date1904, kept)


_READER_FIXED_PARTS: Final = ("[Content_Types].xml", "xl/styles.xml", "xl/sharedStrings.xml")
_EMPTY_SHEET: Final = f'<worksheet xmlns="{MAIN_NS[1:-1]}"><sheetData/></worksheet>'.encode()
_EMPTY: Final = (_EMPTY_SHEET, zlib.crc32(_EMPTY_SHEET))


def _reader_sheet(data: bytes, facts: SheetFacts) -> tuple[Buffer, int]:
    """A checked sheet's XML as the cell reader needs it, with its CRC: only the sheetData element when
    there is plainly one (the reader reads cells there and nowhere else, and stops at its end), less the
    trailing run of empty rows in it (nothing there can hold a value; see ``sheetscan``), so there is
    less to copy and parse; the whole XML otherwise."""
    if facts.cells_part is None:
        return data, zlib.crc32(data)
    start, end = facts.cells_part
    view = memoryview(data)
    if facts.empty_tail is None:
        part: Buffer = view[start:end]
    else:  # up to the empty rows, then the closing tag
        part = b"".join((view[start : facts.empty_tail], view[end - len(b"</sheetData>") : end]))
    return part, zlib.crc32(part)


_PACKAGE_RELS: Final = (
    f'<Relationships xmlns="{PKG_REL_NS[1:-1]}"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
).encode()
_ATTR_ESCAPES: Final = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


def _reader_parts(
    sheets: dict[str, tuple[Buffer, int]], date1904: bool, kept: dict[str, tuple[bytes, int]]
) -> dict[str, tuple[Buffer, int]]:
    """What the cell reader is given: the sheets as read here, each under a name of our choosing, listed
    in a workbook and relationships part written here — so it finds exactly the sheet XML that was
    checked, whatever the upload's workbook part says (prefixes, duplicate names, odd targets)."""
    out: dict[str, tuple[Buffer, int]] = dict(kept)
    for i, data_crc in enumerate(sheets.values(), start=1):
        out[f"xl/worksheets/sheet{i}.xml"] = data_crc
    out.update(_workbook_parts(tuple(sheets), date1904))
    return out


_WORKBOOK_PARTS: dict[tuple[tuple[str, ...], bool], dict[str, tuple[bytes, int]]] = {}


def _workbook_parts(names: tuple[str, ...], date1904: bool) -> dict[str, tuple[bytes, int]]:
    """The workbook part and relationships listing these sheets (the same for every upload of a template
    version, so kept: a bounded handful)."""
    known = _WORKBOOK_PARTS.get((names, date1904))
    if known is not None:
        return known
    listed: list[str] = []
    related: list[str] = []
    for i, name in enumerate(names, start=1):
        listed.append(f'<sheet name="{name.translate(_ATTR_ESCAPES)}" sheetId="{i}" r:id="rId{i}"/>')
        related.append(
            f'<Relationship Id="rId{i}" Type="{_WORKSHEET_TYPE}" Target="/xl/worksheets/sheet{i}.xml"/>'
        )
    settings = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    workbook = (
        f'<workbook xmlns="{MAIN_NS[1:-1]}" xmlns:r="{REL_NS[1:-1]}">{settings}'
        f"<sheets>{''.join(listed)}</sheets></workbook>"
    ).encode()
    relationships = f'<Relationships xmlns="{PKG_REL_NS[1:-1]}">{"".join(related)}</Relationships>'.encode()
    out = {
        "xl/workbook.xml": (workbook, zlib.crc32(workbook)),
        "xl/_rels/workbook.xml.rels": (relationships, zlib.crc32(relationships)),
        "_rels/.rels": (_PACKAGE_RELS, zlib.crc32(_PACKAGE_RELS)),
    }
    if len(_WORKBOOK_PARTS) < 64 and sum(map(len, names)) < 4096:
        _WORKBOOK_PARTS[(names, date1904)] = out
    return out
