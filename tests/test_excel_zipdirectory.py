"""The zip directory read straight from the bytes says what ``zipfile`` says, or leaves the zip to it."""

from __future__ import annotations

import struct
import warnings
import zipfile
from io import BytesIO

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carepool.io.excel.zipdirectory import Part, plain_directory, zip_parts
from hostile.workbooks import good

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GOOD = good()


def by_zipfile(raw: bytes) -> list[Part] | None:
    try:
        infos = zipfile.ZipFile(BytesIO(raw)).infolist()
    except Exception:
        return None
    return [
        Part(i.filename, i.header_offset, i.compress_size, i.file_size, i.CRC, i.compress_type) for i in infos
    ]


def small_zip(names: list[str], comment: bytes = b"", zip64: bool = False, extra: bool = False) -> bytes:
    out = BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # a duplicate name is what some tests want
        for name in names:
            info = zipfile.ZipInfo(name)
            if extra:
                info.extra = struct.pack("<HH4s", 0xCAFE, 4, b"abcd")
            with archive.open(info, "w", force_zip64=zip64) as part:
                part.write(name.encode() * 3)
        archive.comment = comment
    return out.getvalue()


def test_an_exported_template_is_read_directly_as_zipfile_reads_it() -> None:
    direct = plain_directory(GOOD)
    assert direct is not None and len(direct) > 20
    assert direct == by_zipfile(GOOD)


def test_other_zips_are_left_to_zipfile() -> None:
    for raw in (
        small_zip(["a.xml"], comment=b"hello"),
        small_zip(["a.xml"], zip64=True),
        small_zip(["a.xml"], extra=True),
        GOOD[:-1],
        b"PK\x05\x06" + bytes(18),
    ):
        assert plain_directory(raw) is None or plain_directory(raw) == by_zipfile(raw)
        expected = by_zipfile(raw)
        if expected is not None:
            assert zip_parts(raw) == expected


@SETTINGS
@given(
    st.lists(st.sampled_from(["a.xml", "xl/b.xml", "x\x00y.xml", "caf\u00e9.xml", "d/", "A.XML"]), max_size=4)
)
def test_names_read_as_zipfile_reads_them(names: list[str]) -> None:
    raw = small_zip(names)
    assert zip_parts(raw) == by_zipfile(raw)


@SETTINGS
@given(st.data())
def test_damaged_directories_read_as_zipfile_reads_them_or_not_at_all(data: st.DataObject) -> None:
    """Bytes changed anywhere in the central directory and end record, bytes put before the zip, or the
    zip cut short: where the direct reading answers it answers as zipfile does."""
    raw = bytearray(data.draw(st.sampled_from([GOOD, small_zip(["a.xml", "b/c.xml"])])))
    directory_start = struct.unpack_from("<L", raw, len(raw) - 6)[0]
    for _ in range(data.draw(st.integers(0, 4))):
        at = data.draw(st.integers(directory_start, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    raw = bytearray(data.draw(st.sampled_from([b"", b"junk", bytes(100)]))) + raw
    cut = data.draw(st.integers(0, 30))
    upload = bytes(raw[: len(raw) - cut] if cut < 25 else raw)
    direct = plain_directory(upload)
    if direct is not None:
        assert direct == by_zipfile(upload)
    expected = by_zipfile(upload)
    if expected is None:
        try:
            zip_parts(upload)
        except Exception:
            return
        raise AssertionError("zipfile refused it; the direct reading must not accept it")
    assert zip_parts(upload) == expected
