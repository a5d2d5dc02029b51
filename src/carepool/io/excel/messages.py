"""Every sentence the template importer says, in one place (so wording is reviewed, and changed, once)."""

from __future__ import annotations

from typing import Final

# --- stage "file": is this a workbook we can safely open at all ---------------------------------------
TOO_LARGE: Final = "the file is too large for a planning template"
EMPTY_FILE: Final = "the file is empty"
NOT_XLSX_XLS: Final = (
    "this is an old-style Excel .xls file; save it as an Excel Workbook (.xlsx) and try again"
)
NOT_XLSX_TEXT: Final = "this is a text (CSV) file, not an Excel workbook; use the .xlsx template"
NOT_XLSX: Final = "this is not an Excel .xlsx workbook"
BROKEN_ZIP: Final = "the workbook is damaged or incomplete (was the download or upload cut short?)"
TOO_MANY_PARTS: Final = "the workbook has too many parts to be a planning template"
PART_TOO_LARGE: Final = "a part of the workbook expands to more than a template can hold (a zip bomb?)"
RATIO_TOO_HIGH: Final = "a part of the workbook is compressed suspiciously well (a zip bomb?)"
TOTAL_TOO_LARGE: Final = "the workbook expands to more than a template can hold"
MISSING_PART: Final = "the workbook is missing a part every Excel file has"
DTD_FOUND: Final = "the workbook contains a document type declaration, which Excel never writes"
SHEET_TOO_LARGE: Final = "this sheet is far larger than a template sheet can be"
UNREADABLE: Final = "the workbook cannot be read"
NOT_UTF8: Final = (
    "this sheet is not saved as UTF-8 text, as Excel saves it; open the file in Excel and save it"
)

# --- stage "template": which template and version is this -------------------------------------------
NOT_A_TEMPLATE: Final = "this workbook is not a carepool template (it has no TemplateId cell); download the template from carepool"
UNKNOWN_TEMPLATE: Final = "this is not a template carepool reads"


def wrong_template(found: str, expected: str) -> str:
    """E.g. "this is a Better Care Fund quarterly return, not a Better Care Fund planning template"."""
    return f"this is a {found}, not a {expected}; use the command or page for that kind of file"


def old_version(template_id: str, found: str, current: int) -> str:
    return (
        f"this is the {template_id} template version {found}; download the current one (version {current}) "
        "and copy your figures into it"
    )


NAME_MISSING: Final = "a table or cell the template needs is missing (its defined name was deleted)"
NAME_BROKEN: Final = "a table or cell the template needs points nowhere (its rows or sheet were deleted)"
SHEET_MISSING: Final = "a sheet the template needs is missing (was it renamed or deleted outside Excel?)"
WRONG_COLUMNS: Final = "the table's columns were added, removed or moved"
WRONG_HEADER: Final = "the column heading was changed"
TOO_MANY_ROWS: Final = "the table has more rows than a template may hold"

# --- stage "cell": what is in each input cell ------------------------------------------------------
REQUIRED: Final = "a value is required"
EXPECT_NUMBER: Final = "expected a number"
EXPECT_WHOLE: Final = "expected a whole number"
EXPECT_PENCE: Final = "amounts are pounds and pence (at most 2 decimal places)"
OUT_OF_RANGE: Final = "the number is outside the allowed range"
EXPECT_DATE: Final = "expected a date"
EXPECT_YESNO: Final = "expected Yes or No"
EXPECT_TEXT: Final = "expected text"
EXPECT_YEARS: Final = "expected financial years separated by commas"
FORMULA_NO_VALUE: Final = "the cell holds a formula with no saved value; open the file in Excel and save it"
MERGED: Final = "input cells must not be merged"
ERROR_VALUE: Final = "the cell shows an Excel error"
DUPLICATE: Final = "this row repeats a key used above"
UNKNOWN_KEY: Final = "no row with this reference on its own sheet"
SPLITS_WITHOUT_METHOD: Final = "risk share rows are given but no risk share method is chosen"

# The plan model's pattern messages, in words a finance officer can act on.
_PATTERNS: Final = {
    r"'^[A-Za-z0-9][A-Za-z0-9_.\-/]*$'": (
        "not a valid code",
        "letters and digits (and . _ - /), starting with a letter or digit, no spaces",
    ),
    r"'^\d{4}-\d{2}$'": ("not a financial year", "a year such as 2015-16"),
    r"'^\d{4}-\d{2} Q[1-4]$'": ("not a quarter", "a quarter such as 2015-16 Q1"),
    r"'^\d{4}-\d{2}( Q[1-4]| M\d{2})?$'": ("not a period", "2015-16, 2015-16 Q1 or 2015-16 M01"),
}


def friendly(message: str, expected: str) -> tuple[str, str]:
    """Model messages such as "String should match pattern '^\\d{4}-\\d{2}$'" said plainly."""
    for pattern, wording in _PATTERNS.items():
        if message.endswith(pattern):
            return wording
    return message, expected


# --- stage "write": plans the template cannot hold ---------------------------------------------------
TEXT_NOT_STORABLE: Final = "the text holds a character an Excel file cannot store"
VALUE_NOT_STORABLE: Final = "the value is outside what the template allows"


def range_text(sheet: str, first: str, last: str) -> str:
    """``Contributions!D12 to D20`` — how merged cell ranges are named to people."""
    return f"{sheet}!{first}" if first == last else f"{sheet}!{first} to {last}"


def quoted(sheet: str) -> str:
    """A sheet name as Excel formulas need it."""
    return "'" + sheet.replace("'", "''") + "'"
