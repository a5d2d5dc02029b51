"""The table reader (typed column by column) against a plain statement of its rules, cell by cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.io.excel import messages as msg
from carepool.io.excel.cells import CellError, CellValue, is_blank, parse, parse_column
from carepool.io.excel.config import Column, Kind, TableSpec
from carepool.io.excel.grid import Grid, Sheet
from carepool.io.excel.package import Area, Package
from carepool.io.excel.reader import WorkbookReader
from carepool.problems import Problem

LETTERS = "ABCDEFGH"
VALUES: st.SearchStrategy[CellValue] = st.one_of(
    st.just(""),
    st.sampled_from(
        [" ", "\u00a0", "\x1c", "x", " y ", "2015-16", "Yes", "No", "no", " Yes", "12.50", "1,234", "#N/A"]
    ),
    st.text(max_size=4),
    st.integers(-5, 10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, 1.25, 12.345, 1e9, -0.0, 0.1 + 0.2, 5e-324, 1e22, 2.0**53 + 2]),
    st.sampled_from([99.99999999999999, 100.00000000000001, 1e9 - 0.5, 1e9 + 2e-7]),  # at the limits
    st.booleans(),
    st.just(datetime(2015, 3, 31)),
)


@dataclass
class _Facts:
    no_value: dict[str, str]


class _Package:
    def __init__(self, no_value: dict[str, str]) -> None:
        self.facts = _Facts(no_value)
        self.sheet_names = ["T"]

    def check_sheet(self, name: str) -> _Facts:
        return self.facts


class _Grid:
    def __init__(self, sheet: Sheet) -> None:
        self.the_sheet = sheet

    def sheet(self, name: str) -> Sheet:
        return self.the_sheet


def reader_on(rows: list[list[CellValue]], no_value: dict[str, str]) -> WorkbookReader:
    """A reader on one sheet of cells as calamine gives them (no workbook needed)."""
    reader = WorkbookReader.__new__(WorkbookReader)
    reader.package = cast(Package, _Package(no_value))
    reader.origin = "test"
    reader.grid = cast(Grid, _Grid(Sheet(rows, [])))
    reader.problems = []
    reader._unread = {}
    return reader


def reference(
    spec: TableSpec, area: Area, rows: list[list[CellValue]], no_value: dict[str, str], max_rows: int
) -> tuple[list[tuple[int, dict[str, Any]]], set[tuple[str, str]]]:
    """Row by row, cell by cell: what the table reader must say."""
    out: list[tuple[int, dict[str, Any]]] = []
    problems: set[tuple[str, str]] = set()
    width = len(spec.columns)
    for row in range(area.row1, min(area.row2, len(rows)) + 1):
        line = (rows[row - 1][area.col1 - 1 : area.col1 - 1 + width] + [""] * width)[:width]
        cells = [f"{LETTERS[area.col1 - 1 + i]}{row}" for i in range(width)]
        lost = {i: no_value[cell] for i, cell in enumerate(cells) if cell in no_value}
        if not lost and all(is_blank(v) for v in line):
            continue
        if len(out) == max_rows:
            problems.add(("the table", msg.TOO_MANY_ROWS))
            break
        values: dict[str, Any] = {}
        for i, column in enumerate(spec.columns):
            where = f"T!{LETTERS[area.col1 - 1 + i]}{row}"
            if i in lost:
                problems.add((where, lost[i]))
                values[column.key] = None
                continue
            value = parse(line[i], column.kind)
            if isinstance(value, CellError):
                problems.add((where, value.message))
                value = None
            elif value is None and column.required:
                problems.add((where, msg.REQUIRED))
            values[column.key] = value
        out.append((row, values))
    return out, problems


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_table_reader_says_what_a_cell_by_cell_reading_says(data: st.DataObject) -> None:
    kinds = data.draw(st.lists(st.sampled_from(list(Kind)), min_size=1, max_size=4))
    required = data.draw(st.lists(st.booleans(), min_size=len(kinds), max_size=len(kinds)))
    columns = tuple(
        Column(f"k{i}", f"Heading {i}", kind, req)
        for i, (kind, req) in enumerate(zip(kinds, required, strict=True))
    )
    spec = TableSpec("T", "T", "title", "guidance", columns)
    col1 = data.draw(st.integers(1, 3))
    row1 = data.draw(st.integers(1, 3))
    area = Area("T", row1, col1, row1 + data.draw(st.integers(0, 8)), col1 + len(columns) - 1)
    cell = st.one_of(st.just(""), st.just(""), VALUES)  # many blank cells, as a template has
    rows = data.draw(
        st.lists(st.lists(cell, max_size=len(LETTERS)), max_size=12)
    )  # ragged, as a sheet may be
    inside = [
        f"{LETTERS[c - 1]}{r}"
        for c in range(area.col1, area.col2 + 1)
        for r in range(area.row1, area.row2 + 1)
    ]
    why = st.sampled_from([msg.FORMULA_NO_VALUE, msg.ERROR_VALUE])
    no_value = data.draw(st.dictionaries(st.sampled_from([*inside, "A1", "H12"]), why, max_size=3))
    max_rows = data.draw(st.integers(1, 6))

    reader = reader_on(rows, no_value)
    got = reader.read_table(spec, area, max_rows)
    expected_rows, expected_problems = reference(spec, area, rows, no_value, max_rows)
    blanks_left_out = [
        (row, {k: v for k, v in values.items() if v is not None}) for row, values in expected_rows
    ]
    assert list(zip(got.numbers, got.records, strict=True)) == blanks_left_out
    said = {
        (p.location if p.message != msg.TOO_MANY_ROWS else "the table", p.message) for p in reader.problems
    }
    assert said == expected_problems
    for index, row in enumerate(got.numbers):  # each value's cell is named where it was read
        for i, column in enumerate(columns):
            assert got.cell(index, column.key) == f"T!{LETTERS[col1 - 1 + i]}{row}"


def test_a_blank_required_cell_and_a_formula_without_value_are_both_named() -> None:
    spec = TableSpec(
        "T", "T", "t", "g", (Column("a", "A", Kind.TEXT, True), Column("b", "B", Kind.MONEY, True))
    )
    rows: list[list[CellValue]] = [["A"], ["x", 5.0], ["", 7.0], ["y", ""]]
    reader = reader_on(rows, {"B4": msg.FORMULA_NO_VALUE})
    got = reader.read_table(spec, Area("T", 2, 1, 9, 2), 100)
    assert got.numbers == [2, 3, 4]
    assert {(p.location, p.message) for p in reader.problems} == {
        ("T!A3", msg.REQUIRED),
        ("T!B4", msg.FORMULA_NO_VALUE),
    }
    assert all(isinstance(p, Problem) for p in reader.problems)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(Kind)), st.lists(st.one_of(st.none(), VALUES), max_size=6))
def test_a_column_is_typed_as_each_of_its_cells(kind: Kind, cells: list[CellValue | None]) -> None:
    # repr, not ==: Decimal("5") == Decimal("5.00"), and money must keep its pence
    assert [repr(v) for v in parse_column(cells, kind)] == [repr(parse(v, kind)) for v in cells]


EDGES: list[CellValue | None] = [
    None, "", " ", "Yes", "No", "yes", " No ", "x", True, False, 0.0, -0.0, 0.5, 0.1 + 0.2, 1.0, 100.0,
    99.99999999999999, 100.00000000000001, 1e9, 1e9 - 0.5, 1e9 + 2e-7, 1e22, -1.0, float("nan"),
    float("inf"), 5e-324, 7, "12.50", datetime(2015, 3, 31),
]  # fmt: skip


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_types_the_edge_cells_as_parse_does(kind: Kind) -> None:
    assert [repr(v) for v in parse_column(EDGES, kind)] == [repr(parse(v, kind)) for v in EDGES]


def test_a_text_cell_that_cannot_be_read_is_named_even_when_every_text_cell_holds_text() -> None:
    spec = TableSpec(
        "T", "T", "t", "g", (Column("a", "A", Kind.TEXT, True), Column("b", "B", Kind.CODE, False))
    )
    rows: list[list[CellValue]] = [["A", "B"], ["x", "y"], ["z", "#N/A"]]
    reader = reader_on(rows, {"B3": msg.ERROR_VALUE})
    got = reader.read_table(spec, Area("T", 2, 1, 9, 2), 100)
    assert got.records == [{"a": "x", "b": "y"}, {"a": "z"}]
    assert [(p.location, p.message) for p in reader.problems] == [("T!B3", msg.ERROR_VALUE)]
