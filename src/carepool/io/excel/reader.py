"""Read a filled planning template back into a plan, in stages that stop early on the wrong file.

1. file — size, type, zip safety (``package.py``);
2. template — the TemplateId and TemplateVersion cells name a template version carepool knows;
3. structure — every defined name of that version's config resolves, headings are unchanged;
4. cells — each input cell holds the kind of value its column expects (no merged input cells, no
   formula without a saved value, numbers in range, pounds and pence);
5. plan — the plan model's rules, then every reference resolves (``reference_problems``).

Every problem names ``Sheet!Cell``, what was found and what was expected; identical problems in
consecutive rows of a column are merged ("Contributions!F12 to F20"). All or nothing: a plan, or
InputRejected with every problem of the first stage that had any.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import Any, Final, TypeVar

from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from carepool.io.excel import messages as msg
from carepool.io.excel.cells import (
    TEXT_KINDS,
    WHITE_SPACE,
    CellError,
    CellValue,
    all_text,
    is_blank,
    parse,
    parse_column,
)
from carepool.io.excel.config import (
    CURRENT,
    PLAN_TEMPLATE_V1,
    TEMPLATE_ID_NAME,
    TEMPLATE_VERSION_NAME,
    TEMPLATES,
    FieldSpec,
    Kind,
    TableSpec,
    TemplateConfig,
)
from carepool.io.excel.grid import Grid, Sheet
from carepool.io.excel.mapping import Built, SourceTable, cells_to_data
from carepool.io.excel.package import (
    MAX_FILE_BYTES,
    Area,
    Package,
    column_number,
    open_package,
    parse_reference,
)
from carepool.io.plan_json import problems_from_validation, reference_problems
from carepool.model.plan import Plan
from carepool.problems import InputRejected, Problem

M = TypeVar("M", bound=BaseModel)
_TEMPLATE_NAMES: Final = frozenset(
    {TEMPLATE_ID_NAME, TEMPLATE_VERSION_NAME}
    | {f.name for config in TEMPLATES.values() for f in config.fields()}
    | {t.name for config in TEMPLATES.values() for t in config.tables}
)
STAGES: Final = ("file", "template", "structure", "cell", "schema", "reference")
_ADDRESS: Final = re.compile(r"^(.*)!([A-Z]{1,3})([0-9]+)$")
_PATH_PART: Final = re.compile(r"\.[^.\[]+|\[\d+\]")
_TEXT: Final = Kind.TEXT  # a module name: Kind.TEXT is slow to look up
_CELL: Final = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def address(sheet: str, row: int, col: int) -> str:
    return f"{sheet}!{get_column_letter(col)}{row}"


def _area_text(area: Area) -> str:
    first = f"{get_column_letter(area.col1)}{area.row1}"
    last = f"{get_column_letter(area.col2)}{area.row2}"
    return msg.range_text(area.sheet, first, last)


def _overlaps(a: Area, b: Area) -> bool:
    return a.row1 <= b.row2 and b.row1 <= a.row2 and a.col1 <= b.col2 and b.col1 <= a.col2


# --- merging and sorting problems ------------------------------------------------------------------


def _consecutive(rows: list[int]) -> list[tuple[int, int]]:
    """[12, 13, 14, 20] → [(12, 14), (20, 20)]."""
    spans: list[tuple[int, int]] = []
    for row in rows:
        if spans and spans[-1][1] == row - 1:
            spans[-1] = (spans[-1][0], row)
        else:
            spans.append((row, row))
    return spans


def merge_problems(problems: Iterable[Problem], sheet_order: list[str]) -> list[Problem]:
    """De-duplicate, merge identical problems in consecutive rows of one column, sort by place."""
    keyed: list[tuple[tuple[Any, ...], Problem]] = []
    runs: dict[tuple[str, ...], list[int]] = {}
    for p in dict.fromkeys(problems):
        m = _ADDRESS.match(p.location)
        if m is None:
            keyed.append(((STAGES.index(p.stage) if p.stage in STAGES else 9, -1, 0, "", p.location), p))
            continue
        sheet, col = m.group(1), m.group(2)
        runs.setdefault((p.stage, sheet, col, p.message, p.found, p.expected), []).append(int(m.group(3)))
    for (stage, sheet, col, message, found, expected), rows in runs.items():
        for start, end in _consecutive(sorted(set(rows))):
            where = msg.range_text(sheet, f"{col}{start}", f"{col}{end}")
            order = sheet_order.index(sheet) if sheet in sheet_order else len(sheet_order)
            key = (STAGES.index(stage) if stage in STAGES else 9, order, start, f"{len(col):02d}{col}", where)
            keyed.append((key, Problem(stage, where, message, found, expected)))
    return [p for _, p in sorted(keyed, key=lambda kp: kp[0])]


_HEADERS: dict[int, tuple[TableSpec, list[CellValue]]] = {}


def _headers(spec: TableSpec) -> list[CellValue]:
    """A table's headings as a row reads (kept per spec, keyed by id: a spec hashes slowly)."""
    known = _HEADERS.get(id(spec))
    if known is None or known[0] is not spec:
        known = (spec, [c.header for c in spec.columns])
        if len(_HEADERS) < 1024:
            _HEADERS[id(spec)] = known
    return known[1]


def _filled(keys: list[str], values: tuple[Any, ...]) -> dict[str, Any]:
    """A record without its blank cells."""
    return {key: value for key, value in zip(keys, values, strict=True) if value is not None}


def _blank_line(line: list[CellValue]) -> bool:
    """Whether a table row holds nothing (its first cell is checked first: most rows start with text)."""
    head = line[0] if line else ""
    if type(head) is str and head.strip(WHITE_SPACE):
        return False
    return line.count("") == len(line) or all(is_blank(v) for v in line)


_Column = tuple[int, str, Kind, bool]  # offset in the table, key, kind, required


@dataclass(frozen=True, slots=True)
class _Layout:
    """A table's columns as ``read_table`` walks them."""

    columns: dict[str, str]  # key → "Sheet!D"
    keys: list[str]
    every: list[_Column]
    typed: list[_Column]  # the columns that are not text or code
    text: list[int]  # offsets of the text and code columns


_LAYOUTS: dict[tuple[int, str, int], tuple[TableSpec, _Layout]] = {}


def _layout(spec: TableSpec, sheet: str, col1: int) -> _Layout:
    """A table's layout: a few dozen per template version, whatever the input, so kept per table spec and
    place (a spec hashes slowly, so it is keyed by id)."""
    key = (id(spec), sheet, col1)
    known = _LAYOUTS.get(key)
    if known is not None and known[0] is spec:
        return known[1]
    every = [(i, c.key, c.kind, c.required) for i, c in enumerate(spec.columns)]
    layout = _Layout(
        columns={c.key: f"{sheet}!{get_column_letter(col1 + i)}" for i, c in enumerate(spec.columns)},
        keys=[c.key for c in spec.columns],
        every=every,
        typed=[column for column in every if column[2] not in TEXT_KINDS],
        text=[i for i, _, kind, _ in every if kind in TEXT_KINDS],
    )
    if len(_LAYOUTS) < 1024:  # sheets can be renamed, so bound it all the same
        _LAYOUTS[key] = (spec, layout)
    return layout


@dataclass(frozen=True, slots=True)
class ReadCells:
    fields: dict[str, Any]
    field_cells: dict[str, str]
    tables: dict[str, SourceTable]


# --- the reader ------------------------------------------------------------------------------------


class WorkbookReader:
    def __init__(self, package: Package, origin: str) -> None:
        self.package = package
        self.origin = origin
        self.grid = Grid(package, origin)
        self.problems: list[Problem] = []
        self._unread: dict[str, list[tuple[int, int, str]]] = {}

    def fail_if_any(self) -> None:
        if self.problems:
            raise InputRejected(merge_problems(self.problems, self.package.sheet_names))

    def add(self, stage: str, where: str, message: str, found: str = "", expected: str = "") -> None:
        self.problems.append(Problem(stage, where, message, found, expected))

    def area(self, name: str, stage: str = "structure") -> Area | None:
        ref = self.package.names.get(name)
        if ref is None:
            self.add(stage, f"defined name {name}", msg.NAME_MISSING, "", name)
            return None
        area = parse_reference(ref)
        if area is None:
            self.add(stage, f"defined name {name}", msg.NAME_BROKEN, ref, "a range such as Sheet!$A$5:$H$30")
            return None
        if area.sheet not in self.grid.names:
            self.add(stage, f"defined name {name}", msg.SHEET_MISSING, area.sheet, "a sheet of the template")
            return None
        return area

    def sheet(self, area: Area) -> Sheet:
        return self.grid.sheet(area.sheet)

    def _template_sheets(self) -> list[str]:
        """The sheets that a defined name of some template points into: what reading it will load."""
        found: dict[str, None] = {}
        for name, ref in self.package.names.items():
            area = parse_reference(ref) if name in _TEMPLATE_NAMES else None
            if area is not None and area.sheet in self.grid.names:
                found[area.sheet] = None
        return list(found)

    # stage 2
    def identify(self) -> TemplateConfig:
        id_area = self.area(TEMPLATE_ID_NAME, "template")
        version_area = self.area(TEMPLATE_VERSION_NAME, "template")
        if id_area is None or version_area is None:
            raise InputRejected([Problem("template", self.origin, msg.NOT_A_TEMPLATE)])
        self.package.check_sheets(self._template_sheets())  # one pass for all, before the first is read
        template_id = self.sheet(id_area).value(id_area.row1, id_area.col1)
        version = parse(self.sheet(version_area).value(version_area.row1, version_area.col1), Kind.INTEGER)
        id_cell = address(id_area.sheet, id_area.row1, id_area.col1)
        version_cell = address(version_area.sheet, version_area.row1, version_area.col1)
        if not isinstance(template_id, str) or template_id.strip() not in CURRENT:
            known = ", ".join(sorted(CURRENT))
            raise InputRejected(
                [Problem("template", id_cell, msg.UNKNOWN_TEMPLATE, repr(template_id), known)]
            )
        current = CURRENT[template_id.strip()]
        config = TEMPLATES.get((current.template_id, version)) if isinstance(version, int) else None
        if config is None:
            found = version.found if isinstance(version, CellError) else str(version)
            message = msg.old_version(current.template_id, found, current.version)
            raise InputRejected(
                [Problem("template", version_cell, message, found, f"version {current.version}")]
            )
        return config

    # stage 3
    def structure(self, config: TemplateConfig) -> tuple[dict[str, Area], dict[str, Area]]:
        fields: dict[str, Area] = {}
        for f in config.fields():
            area = self.area(f.name)
            if area is not None:
                fields[f.name] = area
        tables: dict[str, Area] = {}
        found_tables = [(spec, self.area(spec.name)) for spec in config.tables]
        # Every sheet the template reads, checked in one pass before the first is loaded.
        places = [*fields.values(), *(area for _, area in found_tables if area is not None)]
        self.package.check_sheets(area.sheet for area in places)
        for spec, area in found_tables:
            if area is None:
                continue
            if area.col2 - area.col1 + 1 != len(spec.columns):
                where = _area_text(area)
                self.add(
                    "structure",
                    where,
                    msg.WRONG_COLUMNS,
                    f"{area.col2 - area.col1 + 1} columns",
                    f"{len(spec.columns)} columns: " + ", ".join(c.header for c in spec.columns),
                )
                continue
            if area.row1 < 2:
                headings = ", ".join(c.header for c in spec.columns)
                self.add("structure", _area_text(area), msg.WRONG_HEADER, "no heading row", headings)
                continue
            sheet = self.sheet(area)
            heading = (
                sheet.rows[area.row1 - 2][area.col1 - 1 : area.col2]
                if area.row1 - 2 < len(sheet.rows)
                else []
            )
            if heading == _headers(spec):
                tables[spec.name] = area  # as written (the check below says the same, cell by cell)
                continue
            for i, column in enumerate(spec.columns):
                found = sheet.value(area.row1 - 1, area.col1 + i)
                if not isinstance(found, str) or found.strip() != column.header:
                    self.add(
                        "structure",
                        address(area.sheet, area.row1 - 1, area.col1 + i),
                        msg.WRONG_HEADER,
                        repr(found),
                        repr(column.header),
                    )
            tables[spec.name] = area
        self.fail_if_any()
        return fields, tables

    # stage 4
    def value(self, where: str, raw: CellValue | None, kind: Kind, required: bool, no_value: str) -> Any:
        if no_value:
            found = "a formula" if no_value == msg.FORMULA_NO_VALUE else "an error value"
            self.add("cell", where, no_value, found, "a value")
            return None
        value = parse(raw, kind)
        if isinstance(value, CellError):
            self.add("cell", where, value.message, value.found, value.expected)
            return None
        if value is None and required:
            self.add("cell", where, msg.REQUIRED, "a blank cell", "a value")
        return value

    def merged(self, sheet: Sheet, area: Area) -> bool:
        hits = [m for m in sheet.merged if _overlaps(m, area)]
        for m in hits:
            self.add("cell", _area_text(m), msg.MERGED, "merged cells", "one value per cell")
        return bool(hits)

    def read_fields(
        self, specs: Iterable[FieldSpec], areas: dict[str, Area]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        cells: dict[str, str] = {}
        for f in specs:
            area = areas[f.name]
            sheet = self.sheet(area)
            letter = get_column_letter(area.col1)
            cells[f.name] = where = f"{area.sheet}!{letter}{area.row1}"
            if sheet.merged and self.merged(
                sheet, Area(area.sheet, area.row1, area.col1, area.row1, area.col1)
            ):
                continue
            no_value = self.package.check_sheet(area.sheet).no_value.get(f"{letter}{area.row1}", "")
            raw = sheet.value(area.row1, area.col1)
            if no_value or f.kind is not _TEXT or type(raw) is not str or not raw.strip(WHITE_SPACE):
                values[f.name] = self.value(where, raw, f.kind, f.required, no_value)
            else:
                values[f.name] = raw  # most fields: text as it is (what ``value`` would say)
        return values, cells

    def read_table(self, spec: TableSpec, area: Area, max_rows: int) -> SourceTable:
        sheet = self.sheet(area)
        if sheet.merged and self.merged(sheet, area):
            return SourceTable([], [], {})
        width = len(spec.columns)
        first = area.col1 - 1
        layout = _layout(spec, area.sheet, area.col1)
        columns = layout.columns
        unread = self._unread_by_row(area)
        body = sheet.rows[area.row1 - 1 : area.row2]
        if not body:
            return SourceTable([], [], {})
        lines = [cells[first : first + width] for cells in body]
        by_column: list[Sequence[Any]] = list(zip(*lines, strict=False))
        numbers: list[int]
        if len(lines) <= max_rows and 0 < len(by_column) == width and all_text(by_column[0]):
            numbers = list(range(area.row1, area.row1 + len(lines)))  # every row starts with text: none blank
        else:
            numbers, lines = self._rows_holding_anything(area, width, lines, unread, max_rows)
            if not lines:
                return SourceTable([], [], {})
            by_column = list(zip(*lines, strict=False))  # every line is ``width`` long
        # Most text and code cells are text as it is: when all of them are (one check for the table),
        # only the other columns are typed. Column by column: each column's cells typed in one pass; a
        # cell's address is worked out only when it has a problem to report.
        text_as_is = (
            not unread
            and bool(layout.text)
            and all_text(list(chain.from_iterable(by_column[i] for i in layout.text)))
        )
        for i, key, kind, required in layout.typed if text_as_is else layout.every:
            cells = by_column[i]
            values = parse_column(cells, kind)
            if (required and None in values) or CellError in map(type, values) or unread:
                values = [
                    self.value(f"{columns[key]}{row}", raw, kind, required, unread.get(row, {}).get(i, ""))
                    if value is None or type(value) is CellError or row in unread
                    else value
                    for row, raw, value in zip(numbers, cells, values, strict=True)
                ]
            by_column[i] = values
        keys = layout.keys
        records: list[dict[str, Any]]
        if any(None in values for values in by_column):
            records = [
                dict(zip(keys, values, strict=False)) if None not in values else _filled(keys, values)
                for values in zip(*by_column, strict=False)  # every column: one value per line
            ]
        else:  # every cell filled (most tables): a record a line, made in C
            records = list(map(dict, map(zip, repeat(keys), zip(*by_column, strict=False))))
        return SourceTable(records, numbers, columns)

    def _rows_holding_anything(
        self,
        area: Area,
        width: int,
        lines: list[list[CellValue]],
        unread: dict[int, dict[int, str]],
        max_rows: int,
    ) -> tuple[list[int], list[list[CellValue]]]:
        """The lines that hold anything (blank rows left for input are skipped), each ``width`` long, with
        their sheet rows; at most ``max_rows`` of them (more is a problem)."""
        read = [
            (row, line)
            for row, line in enumerate(lines, area.row1)
            if (type(head := line[0] if line else "") is str and head.strip(WHITE_SPACE))  # most rows
            or not _blank_line(line)
            or row in unread
        ]
        if len(read) > max_rows:
            where = _area_text(area)
            self.add(
                "structure", where, msg.TOO_MANY_ROWS, f"more than {max_rows:,} rows", f"at most {max_rows:,}"
            )
            read = read[:max_rows]
        numbers = [row for row, _ in read]
        return numbers, [
            line if len(line) == width else line + [""] * (width - len(line)) for _, line in read
        ]

    def _unread_by_row(self, area: Area) -> dict[int, dict[int, str]]:
        """The area's cells whose value cannot be read: row → column offset in the area → why."""
        found: dict[int, dict[int, str]] = {}
        if not self.package.check_sheet(area.sheet).no_value:
            return found  # most sheets: every cell can be read
        for row, col, why in self._unread_cells(area.sheet):
            if area.row1 <= row <= area.row2 and area.col1 <= col <= area.col2:
                found.setdefault(row, {})[col - area.col1] = why
        return found

    def _unread_cells(self, sheet: str) -> list[tuple[int, int, str]]:
        """A sheet's cells whose value cannot be read, as (row, column, why); worked out once a sheet."""
        known = self._unread.get(sheet)
        if known is None:
            known = []
            for ref, why in self.package.check_sheet(sheet).no_value.items():
                m = _CELL.match(ref)
                if m is not None:
                    known.append((int(m.group(2)), column_number(m.group(1)), why))
            self._unread[sheet] = known
        return known

    # stage 5
    def locate(self, built: Built, path: str) -> str:
        """The cell a plan path came from: the path itself, else its nearest parent read from a cell."""
        parts = _PATH_PART.findall("." + path) if path else []
        while parts:
            where = built.cell("".join(parts).lstrip("."))
            if where is not None:
                return where
            parts.pop()
        return path

    def read_cells(self, config: TemplateConfig) -> ReadCells:
        """Stages 3 and 4 for any template: every field and table row, typed, with its cell."""
        field_areas, table_areas = self.structure(config)
        fields, field_cells = self.read_fields(config.fields(), field_areas)
        tables = {
            spec.name: self.read_table(spec, table_areas[spec.name], config.max_rows)
            for spec in config.tables
        }
        return ReadCells(fields, field_cells, tables)

    def validated(self, model: type[M], built: Built) -> M:
        """Stage 5: the model's own rules, each problem placed at the cell its value came from."""
        self.problems += built.problems
        reported = {p.location for p in self.problems}
        try:
            document = model.model_validate(built.data)
        except ValidationError as exc:
            for p in problems_from_validation(exc):
                where = self.locate(built, p.location)
                if where not in reported:
                    message, expected = msg.friendly(p.message, p.expected)
                    self.add("schema", where, message, p.found, expected)
            self.fail_if_any()
            raise InputRejected(problems_from_validation(exc)) from None
        self.fail_if_any()
        return document

    def read_plan(self, config: TemplateConfig) -> Plan:
        if config.template_id != PLAN_TEMPLATE_V1.template_id:
            raise self.wrong_template(config, PLAN_TEMPLATE_V1)
        cells = self.read_cells(config)
        built = cells_to_data(cells.fields, cells.field_cells, cells.tables)
        plan = self.validated(Plan, built)
        for p in reference_problems(plan):
            self.add(p.stage, self.locate(built, p.location), p.message, p.found, p.expected)
        self.fail_if_any()
        return plan

    def wrong_template(self, config: TemplateConfig, expected: TemplateConfig) -> InputRejected:
        area = self.area(TEMPLATE_ID_NAME, "template")
        where = address(area.sheet, area.row1, area.col1) if area else self.origin
        message = msg.wrong_template(config.title.lower(), expected.title.lower())
        return InputRejected([Problem("template", where, message, config.template_id, expected.template_id)])

    def close(self) -> None:
        self.grid.close()


def open_workbook(raw: bytes, origin: str) -> tuple[WorkbookReader, TemplateConfig]:
    """Stages 1 and 2: a safe workbook, and the template version it says it is."""
    reader = WorkbookReader(open_package(raw, origin), origin)
    try:
        return reader, reader.identify()
    except BaseException:
        reader.close()
        raise


def read_plan_workbook(raw: bytes, origin: str = "workbook") -> Plan:
    """Read a planning template; InputRejected lists every problem of the first failing stage."""
    reader, config = open_workbook(raw, origin)
    try:
        return reader.read_plan(config)
    finally:
        reader.close()


def read_file_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputRejected(
                [
                    Problem(
                        "file",
                        str(path),
                        msg.TOO_LARGE,
                        f"{size:,} bytes",
                        f"at most {MAX_FILE_BYTES:,} bytes",
                    )
                ]
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputRejected([Problem("file", str(path), f"cannot read the file: {exc.strerror}")]) from None


def read_plan_file(path: Path) -> Plan:
    return read_plan_workbook(read_file_bytes(path), path.name)
