"""Excel planning templates: write a plan as a workbook, read a filled workbook back (all or nothing)."""

from carepool.io.excel.reader import read_plan_file, read_plan_workbook
from carepool.io.excel.returns import (
    QuarterlyReturn,
    read_any_file,
    read_return_file,
    read_return_workbook,
    return_for_quarter,
    return_workbook_bytes,
    write_return_workbook,
)
from carepool.io.excel.writer import plan_workbook_bytes, write_plan_workbook

__all__ = [
    "QuarterlyReturn",
    "plan_workbook_bytes",
    "read_any_file",
    "read_plan_file",
    "read_plan_workbook",
    "read_return_file",
    "read_return_workbook",
    "return_for_quarter",
    "return_workbook_bytes",
    "write_plan_workbook",
    "write_return_workbook",
]
