"""Fuzzing the template importer: whatever the bytes, it returns a plan or raises InputRejected."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carepool.io.excel import read_plan_workbook
from carepool.problems import InputRejected
from hostile.workbooks import good, parts, rezipped

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(raw: bytes) -> None:
    try:
        read_plan_workbook(raw, "fuzz.xlsx")
    except InputRejected as exc:
        assert exc.problems


@SETTINGS
@given(st.data())
def test_mutated_bytes_are_refused_cleanly(data: st.DataObject) -> None:
    raw = bytearray(good())
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        at = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        raw[at] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.none() | st.integers(min_value=0, max_value=len(raw)))
    read_or_refuse(bytes(raw[:cut]))


@SETTINGS
@given(st.data())
def test_mutated_parts_are_refused_cleanly(data: st.DataObject) -> None:
    """Mutate the XML inside a well-formed zip, so the damage reaches the XML and cell readers."""
    names = sorted(parts(good()))
    name = data.draw(st.sampled_from(names))
    original = parts(good())[name]
    xml = bytearray(original)
    for _ in range(data.draw(st.integers(min_value=1, max_value=6))):
        at = data.draw(st.integers(min_value=0, max_value=max(len(xml) - 1, 0)))
        chunk = data.draw(st.sampled_from([b"<", b">", b'"', b"9", b"A", b"\x00", b"&", b"</c>", b"r=", b""]))
        xml[at : at + data.draw(st.integers(min_value=0, max_value=3))] = chunk
    read_or_refuse(rezipped(good(), {name: lambda _: bytes(xml)}))
