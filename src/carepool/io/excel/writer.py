"""Write a plan as a planning template in the national manner (openpyxl).

Yellow cells are inputs (unlocked); grey cells are pre-filled (locked; sheets are protected without a
password, and rows may still be inserted inside a table). Every table and input cell has an Excel defined
name from the config. The Checklist sheet lists each required item with a link to its cell and a checker
that shows a red "No" until it is complete and a green "Yes" after; the Cover title flips from
"Incomplete Template" to "Complete Template" when every check is "Yes".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from io import BytesIO
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from carepool.io.excel import messages as msg
from carepool.io.excel.cells import escape_text, exact_number, storable
from carepool.io.excel.config import (
    CHECKLIST_SHEET,
    LISTS_SHEET,
    MONEY_KINDS,
    NUMBER_LIMITS,
    PLAN_TEMPLATE_V1,
    TEMPLATE_ID_NAME,
    TEMPLATE_VERSION_NAME,
    Choices,
    Kind,
    TableSpec,
    TemplateConfig,
)
from carepool.io.excel.mapping import Cells, plan_to_cells
from carepool.model.plan import Plan
from carepool.policy.loader import PackError, load_pack
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem

INPUT_FILL: Final = PatternFill("solid", fgColor="FFFF99")
PREFILLED_FILL: Final = PatternFill("solid", fgColor="D9D9D9")
HEADER_FILL: Final = PatternFill("solid", fgColor="BDD7EE")
RED_FILL: Final = PatternFill("solid", fgColor="FFC7CE")
GREEN_FILL: Final = PatternFill("solid", fgColor="C6EFCE")
UNLOCKED: Final = Protection(locked=False)
BOLD: Final = Font(bold=True)
TITLE: Final = Font(bold=True, size=14)
HEADER_ROW: Final = 4
FIRST_ROW: Final = 5
MAX_CELL_TEXT: Final = 32767
NUMBER_FORMATS: Final = {
    Kind.MONEY: "#,##0.00",
    Kind.TOTAL: "#,##0.00",
    Kind.DATE: "dd/mm/yyyy",
    Kind.INTEGER: "0",
}
CHECK_COLUMN: Final = "D"


class _Writer:
    def __init__(self, config: TemplateConfig, pack: PolicyPack | None) -> None:
        self.config = config
        self.pack = pack
        self.wb = Workbook()
        self.problems: list[Problem] = []
        self.bodies: dict[str, tuple[str, int, int]] = {}  # table → (sheet, first row, last row)
        self.field_cells: dict[str, tuple[str, str]] = {}  # field → (sheet, cell)
        self.checks: list[tuple[str, str, str, str]] = []  # sheet, item, link target, formula
        self.lists: dict[str, list[str]] = {}  # the policy year's drop-down lists, on a hidden sheet
        if pack is not None:
            lists = {
                "streams": [s.code for s in pack.funding_streams],
                "years": list(pack.years),
                "areas_of_spend": list(pack.areas_of_spend),
                "scheme_types": list(pack.scheme_types),
                "conditions": pack.condition_ids(),
                "metrics": [m.id for m in pack.metrics],
                "sections": [s.id for s in pack.narrative_sections],
            }
            self.lists = {k: v for k, v in lists.items() if v}

    # --- cells -------------------------------------------------------------------------------------

    def put(self, ws: Worksheet, cell: str, value: Any, kind: Kind, where: str) -> None:
        target = ws[cell]
        if value is None or value == "":
            return
        if isinstance(value, Enum):
            value = value.value
        if isinstance(value, bool):
            target.value = "Yes" if value else "No"
        elif isinstance(value, str):
            if not storable(value):
                self.problems.append(Problem("write", where, msg.TEXT_NOT_STORABLE, repr(value[:60])))
                return
            text = escape_text(value)
            if len(text) > MAX_CELL_TEXT:
                self.problems.append(
                    Problem("write", where, msg.VALUE_NOT_STORABLE, f"{len(text):,} characters", "≤ 32,767")
                )
                return
            target.value = text
            target.data_type = "s"  # never a formula, whatever the text starts with
        elif isinstance(value, Decimal):
            target.value = value if kind in MONEY_KINDS else exact_number(value)
        elif isinstance(value, date | int):
            target.value = value
        elif isinstance(value, list):
            target.value = ", ".join(str(v) for v in value)
        else:
            target.value = str(value)

    def style_input(self, ws: Worksheet, cell: str, kind: Kind, locked: bool = False) -> None:
        target = ws[cell]
        target.fill = PREFILLED_FILL if locked else INPUT_FILL
        if not locked:
            target.protection = UNLOCKED
        if kind in NUMBER_FORMATS:
            target.number_format = NUMBER_FORMATS[kind]
        if kind is Kind.TEXT:
            target.alignment = Alignment(wrap_text=True, vertical="top")

    # --- validation --------------------------------------------------------------------------------

    def list_source(self, choices: Choices) -> str | None:
        if choices.values:
            return '"' + ",".join(choices.values) + '"'
        if choices.table:
            sheet, first, last = self.bodies[choices.table]
            return f"={msg.quoted(sheet)}!$A${first}:$A${last}"
        return f"=List_{choices.pack}" if choices.pack in self.lists else None

    def validate(self, ws: Worksheet, ref: str, kind: Kind, choices: Choices | None) -> None:
        if choices is not None:
            source = self.list_source(choices)
            if source is None:
                return
            dv = DataValidation(type="list", formula1=source, allow_blank=True)
            dv.error, dv.errorTitle = "Choose a value from the list.", "Not in the list"
        elif kind in NUMBER_LIMITS:
            low, high = NUMBER_LIMITS[kind]
            dv = DataValidation(
                type="whole" if kind is Kind.INTEGER else "decimal",
                operator="between",
                formula1=str(low),
                formula2=str(high),
                allow_blank=True,
            )
            dv.error, dv.errorTitle = f"Enter a number from {low:,} to {high:,}.", "Number out of range"
        elif kind is Kind.DATE:
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            dv.error, dv.errorTitle = "Enter a date such as 31/03/2015.", "Not a date"
        else:
            return
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(ref)

    # --- sheets ------------------------------------------------------------------------------------

    def heading(self, ws: Worksheet, title: str, guidance: str) -> None:
        ws["A1"] = title
        ws["A1"].font = TITLE
        ws["A2"] = guidance
        ws["A2"].alignment = Alignment(wrap_text=False)
        ws.protection.sheet = True
        ws.protection.insertRows = False
        ws.protection.deleteRows = False
        ws.protection.formatColumns = False
        ws.protection.formatRows = False

    def name(self, name: str, sheet: str, ref: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{msg.quoted(sheet)}!{ref}")

    def lists_sheet(self) -> None:
        ws = self.wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        ws.protection.sheet = True
        for col, (key, values) in enumerate(self.lists.items(), start=1):
            letter = get_column_letter(col)
            ws.cell(1, col, key).font = BOLD
            for row, value in enumerate(values, start=2):
                ws.cell(row, col).value = value
                ws.cell(row, col).data_type = "s"
            self.name(f"List_{key}", LISTS_SHEET, f"${letter}$2:${letter}${len(values) + 1}")

    def field_sheets(self, fields: dict[str, Any]) -> None:
        for spec in self.config.field_sheets:
            ws = self.wb.create_sheet(spec.sheet)
            self.heading(ws, spec.title, spec.guidance)
            ws.column_dimensions["A"].width = 48
            ws.column_dimensions["B"].width = 60
            for offset, f in enumerate(spec.fields):
                row = HEADER_ROW + offset
                ws.cell(row, 1, f.label).font = BOLD
                cell = f"B{row}"
                self.put(ws, cell, fields.get(f.name), f.kind, f.name)
                self.style_input(ws, cell, f.kind, f.locked)
                if not f.locked:
                    self.validate(ws, cell, f.kind, f.choices)
                self.name(f.name, spec.sheet, f"$B${row}")
                self.field_cells[f.name] = (spec.sheet, cell)
                if f.required:
                    ref = f"{msg.quoted(spec.sheet)}!${cell[0]}${cell[1:]}"
                    self.checks.append((spec.sheet, f.label, cell, f'=IF(LEN({ref})>0,"Yes","No")'))

    def table_layout(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Decide every table's rows first: drop-downs may point at another table's first column."""
        for spec in self.config.tables:
            last = FIRST_ROW + len(tables.get(spec.name, [])) + self.config.spare_rows - 1
            self.bodies[spec.name] = (spec.sheet, FIRST_ROW, last)

    def table_sheet(self, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
        ws = self.wb.create_sheet(spec.sheet)
        self.heading(ws, spec.title, spec.guidance)
        _, first, last = self.bodies[spec.name]
        for col, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(col)
            header = ws.cell(HEADER_ROW, col, column.header)
            header.font, header.fill = BOLD, HEADER_FILL
            header.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[letter].width = column.width
            for r in range(first, last + 1):
                self.style_input(ws, f"{letter}{r}", column.kind, column.locked)
            if not column.locked:
                self.validate(ws, f"{letter}{first}:{letter}{last}", column.kind, column.choices)
        for i, row in enumerate(rows):
            for col, column in enumerate(spec.columns, start=1):
                cell = f"{get_column_letter(col)}{first + i}"
                self.put(ws, cell, row.get(column.key), column.kind, f"{spec.sheet}!{cell}")
        last_letter = get_column_letter(len(spec.columns))
        self.name(spec.name, spec.sheet, f"$A${first}:${last_letter}${last}")
        ws.freeze_panes = f"A{first}"
        self.table_checks(spec, first, last)

    def table_checks(self, spec: TableSpec, first: int, last: int) -> None:
        sheet = msg.quoted(spec.sheet)
        key = f"{sheet}!$A${first}:$A${last}"
        if spec.required:
            self.checks.append(
                (
                    spec.sheet,
                    f"{spec.title}: at least one row",
                    f"A{first}",
                    f'=IF(COUNTA({key})>0,"Yes","No")',
                )
            )
        for col, column in enumerate(spec.columns[1:], start=2):
            if not column.required:
                continue
            letter = get_column_letter(col)
            ref = f"{sheet}!${letter}${first}:${letter}${last}"
            self.checks.append(
                (
                    spec.sheet,
                    f"{spec.title}: every row has '{column.header}'",
                    f"{letter}{first}",
                    f'=IF(COUNTIFS({key},"<>",{ref},"")=0,"Yes","No")',
                )
            )

    def checklist(self) -> None:
        ws = self.wb[CHECKLIST_SHEET]
        self.heading(ws, "Checklist", "Every check must show a green Yes before the template is submitted.")
        for col, (header, width) in enumerate(
            (("Sheet", 24), ("What is checked", 60), ("Cell", 14), ("Complete?", 12)), start=1
        ):
            cell = ws.cell(HEADER_ROW, col, header)
            cell.font, cell.fill = BOLD, HEADER_FILL
            ws.column_dimensions[get_column_letter(col)].width = width
        for i, (sheet, item, target, formula) in enumerate(self.checks):
            row = FIRST_ROW + i
            ws.cell(row, 1, sheet)
            ws.cell(row, 2, item)
            link = ws.cell(row, 3, f"{sheet}!{target}")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{msg.quoted(sheet)}!{target}")
            link.font = Font(color="0563C1", underline="single")
            ws.cell(row, 4).value = formula
        last = FIRST_ROW + max(len(self.checks), 1) - 1
        checks = f"{CHECK_COLUMN}{FIRST_ROW}:{CHECK_COLUMN}{last}"
        for word, fill, colour in (("No", RED_FILL, "9C0006"), ("Yes", GREEN_FILL, "006100")):
            style = DifferentialStyle(fill=fill, font=Font(color=colour))
            rule = Rule(type="cellIs", operator="equal", formula=[f'"{word}"'], dxf=style)
            ws.conditional_formatting.add(checks, rule)
        ws["A3"] = (
            f'=COUNTIF(${CHECK_COLUMN}${FIRST_ROW}:${CHECK_COLUMN}${last},"Yes")&" of {len(self.checks)} checks complete"'
        )
        cover = self.wb[self.config.field_sheets[0].sheet]
        summary = f"{msg.quoted(CHECKLIST_SHEET)}!${CHECK_COLUMN}${FIRST_ROW}:${CHECK_COLUMN}${last}"
        cover["A3"] = f'=IF(COUNTIF({summary},"No")=0,"Complete Template","Incomplete Template")'
        cover["A3"].font = BOLD
        names = f"{msg.quoted(CHECKLIST_SHEET)}!$A${FIRST_ROW}:$A${last}"
        for sheet in dict.fromkeys(check[0] for check in self.checks):
            if sheet == cover.title:
                continue
            status = self.wb[sheet]["A3"]
            name = '"' + sheet.replace('"', '""') + '"'
            status.value = (
                f'=IF(COUNTIFS({names},{name},{summary},"No")=0,"Sheet completed","Sheet incomplete")'
            )
            status.font = BOLD

    def build(self, cells: Cells) -> bytes:
        fields = {
            **cells.fields,
            TEMPLATE_ID_NAME: self.config.template_id,
            TEMPLATE_VERSION_NAME: self.config.version,
        }
        self.wb.remove(self.wb.worksheets[0])
        self.table_layout(cells.tables)
        # Cover first, then the checklist, then the rest, as in the national templates.
        self.field_sheets(fields)
        self.wb.create_sheet(CHECKLIST_SHEET, 1)
        for spec in self.config.tables:
            self.table_sheet(spec, cells.tables.get(spec.name, []))
        self.checklist()
        self.lists_sheet()
        self.wb.active = 0
        self.wb.calculation.fullCalcOnLoad = True
        if self.problems:
            raise InputRejected(self.problems)
        out = BytesIO()
        self.wb.save(out)
        return out.getvalue()


def plan_workbook_bytes(plan: Plan, config: TemplateConfig = PLAN_TEMPLATE_V1) -> bytes:
    """The plan as an .xlsx planning template. Raises InputRejected if a text cannot be stored."""
    try:
        pack: PolicyPack | None = load_pack(plan.policy)
    except PackError:
        pack = None  # still exportable; the drop-downs of pack lists are left out
    return _Writer(config, pack).build(plan_to_cells(plan))


def workbook_bytes(cells: Cells, config: TemplateConfig, policy: str) -> bytes:
    """Any template's workbook from its cells; ``policy`` names the pack whose lists fill the drop-downs."""
    try:
        pack: PolicyPack | None = load_pack(policy)
    except PackError:
        pack = None
    return _Writer(config, pack).build(cells)


def write_plan_workbook(plan: Plan, path: Path, config: TemplateConfig = PLAN_TEMPLATE_V1) -> None:
    data = plan_workbook_bytes(plan, config)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InputRejected([Problem("file", str(path), f"cannot write the file: {exc.strerror}")]) from None
