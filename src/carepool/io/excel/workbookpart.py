"""What a workbook's own part and its relationships say: its sheets (name → part), defined names and date
system.

Every upload of one template version carries the same relationships part and a workbook part that differs
only in the text of its defined names (a table's range grows with its rows). So what the part says is kept,
keyed by its bytes less those texts, when it is written as carepool writes it: every defined name exactly
``<definedName name="…">…</definedName>`` in plain ASCII, no comment, CDATA section or processing
instruction anywhere (then every "<" opens a tag, so each such match is an element, and removing its text
changes nothing else). The parse of that key must then find exactly those elements, in the main
namespace, with no other attribute — else, or when nothing is kept, the whole part is parsed as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final
from xml.etree import ElementTree

from carepool.io.excel import messages as msg
from carepool.problems import InputRejected, Problem

MAIN_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_DEFINED_NAME: Final = f"{MAIN_NS}definedName"
# Printable ASCII only, so the bytes are the text an XML parser reports (no entity, no normalisation).
_PLAIN_NAME: Final = re.compile(
    r'<definedName name="([\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x7e]*)">'
    r"([\t\n\x20-\x25\x27-\x3b\x3d\x3f-\x5c\x5e-\x7e]*)</definedName>"
)
_NOT_A_TAG: Final = re.compile(r"<[!?]")  # a comment, CDATA section, declaration or processing instruction


@dataclass(frozen=True, slots=True)
class Listing:
    sheets: tuple[tuple[str, str], ...]  # sheet name → its part, in workbook order
    names: Mapping[str, str]  # global defined name → its reference text
    date1904: bool


@dataclass(frozen=True, slots=True)
class _Kept:
    listing: Listing  # its sheets and date system (the same as the whole part's)
    plain_names: bool  # the key's defined names are exactly the plain ones, in order


_KEPT: dict[tuple[tuple[str, ...], tuple[str, ...], bytes], _Kept] = {}


def workbook_listing(workbook_part: bytes, rels_part: bytes, origin: str) -> Listing:
    """Read the workbook part and its relationships (InputRejected, stage "file", if they cannot be)."""
    try:
        text = workbook_part.decode("utf-8")
    except UnicodeDecodeError:
        return _parsed(workbook_part, rels_part, origin)
    if not _tags_only(text):
        return _parsed(workbook_part, rels_part, origin)
    pieces = _PLAIN_NAME.split(text)  # between, name, reference, between, name, reference, ..., between
    between, names, references = pieces[0::3], pieces[1::3], pieces[2::3]
    key = (tuple(between), tuple(names), rels_part)
    kept = _KEPT.get(key)
    if kept is None:
        tags = [f'<definedName name="{name}"></definedName>' for name in names]
        key_part = "".join(
            piece for pair in zip(between, [*tags, ""], strict=True) for piece in pair
        ).encode()
        try:
            listing = _parsed(key_part, rels_part, origin)
        except InputRejected:
            return _parsed(workbook_part, rels_part, origin)
        kept = _Kept(listing, _only_plain_names(key_part, len(names)))
        if len(_KEPT) < 64 and len(key_part) + len(rels_part) < 256 * 1024:
            _KEPT[key] = kept
    if not kept.plain_names:
        return _parsed(workbook_part, rels_part, origin)
    defined = {name: reference.strip() for name, reference in zip(names, references, strict=True)}
    return Listing(kept.listing.sheets, MappingProxyType(defined), kept.listing.date1904)


def _tags_only(text: str) -> bool:
    """Whether every "<" in the part opens or closes an element (after an XML declaration, if any)."""
    start = 0
    if text.startswith("<?", 1 if text.startswith("\ufeff") else 0):
        end = text.find("?>")
        if end < 0 or "<" in text[text.find("<") + 1 : end]:
            return False
        start = end + 2
    return _NOT_A_TAG.search(text, start) is None


def _only_plain_names(key_part: bytes, count: int) -> bool:
    """Whether the key's elements named definedName (in any namespace) are ``count`` elements in the main
    namespace, each with only a name attribute and no text: then they are the plain ones, in order."""
    found = [
        element
        for element in ElementTree.fromstring(key_part).iter()
        if isinstance(element.tag, str) and element.tag.rpartition("}")[2] == "definedName"
    ]
    return len(found) == count and all(
        e.tag == _DEFINED_NAME and list(e.attrib) == ["name"] and not e.text and not len(e) for e in found
    )


def _xml(data: bytes, where: str) -> ElementTree.Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputRejected([Problem("file", where, msg.DTD_FOUND)])
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise InputRejected([Problem("file", where, msg.BROKEN_ZIP)]) from None


def _parsed(workbook_part: bytes, rels_part: bytes, origin: str) -> Listing:
    workbook = _xml(workbook_part, f"{origin} (xl/workbook.xml)")
    rels = _xml(rels_part, f"{origin} (xl/_rels/workbook.xml.rels)")
    targets = {rel.get("Id", ""): rel.get("Target", "") for rel in rels.iter(f"{PKG_REL_NS}Relationship")}
    sheets: dict[str, str] = {}
    for sheet in workbook.iter(f"{MAIN_NS}sheet"):
        name = sheet.get("name", "")
        if name in sheets:
            where = f"{origin} (sheet {name})"
            raise InputRejected([Problem("file", where, msg.BROKEN_ZIP, "two sheets with this name")])
        target = targets.get(sheet.get(f"{REL_NS}id", ""), "")
        sheets[name] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    names = {
        dn.get("name", ""): (dn.text or "").strip()
        for dn in workbook.iter(_DEFINED_NAME)
        if dn.get("localSheetId") is None
    }
    settings = workbook.find(f"{MAIN_NS}workbookPr")
    date1904 = settings is not None and settings.get("date1904") in ("1", "true")
    return Listing(tuple(sheets.items()), MappingProxyType(names), date1904)
