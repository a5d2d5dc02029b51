"""The exported workbook is a template in the national manner: names, inputs, locks, lists, checklist."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from carepool.io.excel import plan_workbook_bytes
from carepool.io.excel.config import CHECKLIST_SHEET, LISTS_SHEET, PLAN_TEMPLATE_V1
from carepool.io.excel.writer import INPUT_FILL, PREFILLED_FILL
from factories import small_plan


@pytest.fixture(scope="module")
def wb() -> Workbook:
    return load_workbook(io.BytesIO(plan_workbook_bytes(small_plan())))


def test_cover_first_then_checklist_and_lists_hidden(wb: Workbook) -> None:
    assert wb.sheetnames[:2] == ["Cover", CHECKLIST_SHEET]
    assert wb.sheetnames[-1] == LISTS_SHEET and wb[LISTS_SHEET].sheet_state == "hidden"
    assert "Complete Template" in str(wb["Cover"]["A3"].value)


def test_every_table_and_field_has_a_defined_name(wb: Workbook) -> None:
    names = set(wb.defined_names)
    assert {t.name for t in PLAN_TEMPLATE_V1.tables} <= names
    assert {f.name for f in PLAN_TEMPLATE_V1.fields()} <= names
    assert wb.defined_names["TemplateVersion"].attr_text == "'Cover'!$B$5"
    assert wb["Cover"]["B5"].value == 1


def test_inputs_are_yellow_and_unlocked_prefilled_grey_and_locked(wb: Workbook) -> None:
    contributions = wb["Contributions"]
    assert contributions.protection.sheet and not contributions.protection.insertRows
    cell = contributions["F5"]
    assert cell.fill.fgColor.rgb.endswith(INPUT_FILL.fgColor.rgb[-6:]) and not cell.protection.locked
    assert contributions["F4"].protection.locked  # the heading
    version = wb["Cover"]["B5"]
    assert version.fill.fgColor.rgb.endswith(PREFILLED_FILL.fgColor.rgb[-6:]) and version.protection.locked


def test_lists_and_number_ranges_are_validated(wb: Workbook) -> None:
    rules = {str(dv.sqref): dv for dv in wb["Contributions"].data_validations.dataValidation}
    assert rules["B5:B25"].formula1 == "='Partners'!$A$5:$A$21"  # partners: a live list
    assert rules["C5:C25"].formula1 == "=List_streams"  # streams from the policy pack
    assert (rules["F5:F25"].type, rules["F5:F25"].formula2) == ("decimal", "1000000000")
    assert rules["G5:G25"].formula1 == '"Yes,No"'
    risks = {str(dv.sqref): dv for dv in wb["Risks"].data_validations.dataValidation}
    assert risks["C5:C21"].formula1 == '"Low,Medium,High"'


def test_checklist_links_to_each_required_cell_with_a_red_green_checker(wb: Workbook) -> None:
    ws = wb[CHECKLIST_SHEET]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert rows[1][:3] == ("Cover", "Plan id", "Cover!B7")
    assert rows[1][3] == '=IF(LEN(\'Cover\'!$B$7)>0,"Yes","No")'
    assert ws["C6"].hyperlink.location == "'Cover'!B7"
    formats = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert {tuple(r.formula) for r in formats} == {('"No"',), ('"Yes"',)}
    assert "Sheet completed" in str(wb["Contributions"]["A3"].value)
