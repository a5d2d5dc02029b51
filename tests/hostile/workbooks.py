"""Malformed and hostile workbooks, built from a good exported template.

``edited(fn)`` changes a workbook through openpyxl (what a person does in Excel, roughly); ``rezipped``
rewrites raw parts of the zip (what a broken or malicious tool does).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from carepool.io.excel import plan_workbook_bytes
from factories import small_plan


@cache
def good() -> bytes:
    return plan_workbook_bytes(small_plan())


def edited(change: Callable[[Workbook], None], raw: bytes | None = None) -> bytes:
    wb = load_workbook(io.BytesIO(raw or good()))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parts(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {name: z.read(name) for name in z.namelist()}


def sheet_part(raw: bytes, sheet: str) -> str:
    """The zip path of a sheet, e.g. xl/worksheets/sheet9.xml (openpyxl numbers sheets in order)."""
    wb = load_workbook(io.BytesIO(raw), read_only=True)
    return f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"


def rezipped(raw: bytes, changes: dict[str, Callable[[bytes], bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts(raw).items():
            z.writestr(name, changes[name](data) if name in changes else data)
    return out.getvalue()


def with_zip_bomb(raw: bytes, megabytes: int = 200) -> bytes:
    """An extra part that inflates to ``megabytes`` of zeros from a few hundred kilobytes."""
    out = io.BytesIO(raw)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/bomb.bin", b"\0" * (megabytes * 1024 * 1024))
    return out.getvalue()


def with_lying_size(raw: bytes, member: str) -> bytes:
    """A part whose central directory declares a tenth of its real size (and the CRC of that prefix)."""
    data = parts(raw)[member]
    short = len(data) // 10
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts(raw).items():
            z.writestr(name, content)
    blob = bytearray(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(blob))) as z:
        info = z.getinfo(member)
    # Patch the central directory entry: CRC and uncompressed size (offsets 16 and 24 from its signature).
    at = blob.rfind(b"PK\x01\x02", 0, blob.rfind(member.encode()))
    blob[at + 16 : at + 20] = zlib.crc32(data[:short]).to_bytes(4, "little")
    blob[at + 24 : at + 28] = short.to_bytes(4, "little")
    assert info.file_size == len(data)
    return bytes(blob)


def truncated(raw: bytes) -> bytes:
    return raw[: len(raw) * 2 // 3]


CSV_RENAMED = (
    b"Contribution id,Partner,Funding stream,Pool,Year,Amount\nC1,99X,ccg_minimum,BCF,2014-15,4000000\n"
)
XLS_RENAMED = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"Workbook" + b"\0" * 1000


# --- minimal workbooks around hand-written sheet XML -----------------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
Read = list[list[Any]] | str  # rows of cells, or why the reader refused


def minimal_workbook(sheets: Sequence[bytes]) -> bytes:
    """A minimal .xlsx holding these sheets' XML as they are, named S1, S2, ..."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        listed = "".join(
            f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{listed}</sheets></workbook>",
        )
        related = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{related}'
            "</Relationships>",
        )
        for i, xml in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return out.getvalue()


def worksheet(cells: str | bytes) -> bytes:
    """A worksheet part around ``cells`` (x: a second prefix for the main namespace)."""
    body = cells.encode() if isinstance(cells, str) else cells
    return f'<worksheet xmlns="{NS}" xmlns:x="{NS}">'.encode() + body + b"</worksheet>"


def calamine_read(data: bytes, names: Sequence[str]) -> list[Read]:
    """Each sheet as python-calamine reads it, or "unreadable: ..." where it refuses."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out: list[Read] = []
    for name in names:
        try:
            out.append(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
        except BaseException as exc:  # a Rust panic too: the reading failed
            out.append(f"unreadable: {type(exc).__name__}")
    return out
