"""python-calamine behind one small typed door: open a workbook, read a sheet's cells and merged ranges.

Anything calamine raises on a damaged file — including a Rust panic, which Python sees as a
BaseException — becomes InputRejected, so the importer never fails with anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import TypeVar

from python_calamine import CalamineWorkbook

from carepool.io.excel import messages as msg
from carepool.io.excel.cells import CellValue
from carepool.io.excel.package import Area, Package
from carepool.problems import InputRejected, Problem

T = TypeVar("T")


def guarded(what: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # calamine errors and Rust panics alike mean a damaged file
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputRejected([Problem("file", what, msg.UNREADABLE, detail)]) from None


@dataclass(slots=True)
class Sheet:
    rows: list[list[CellValue]]
    merged: list[Area]  # from the sheet's XML (calamine's merged_cell_ranges re-reads every sheet)

    def value(self, row: int, col: int) -> CellValue | None:
        if row < 1 or col < 1:
            return None
        if row - 1 < len(self.rows):
            cells = self.rows[row - 1]
            if col - 1 < len(cells):
                return cells[col - 1]
        return None


class Grid:
    """Sheets read on first use, each once. The cell reader is opened at the first read, on the sheets
    checked by then (the reader checks all a template needs before its first read), and opened again
    should a sheet checked later be wanted."""

    def __init__(self, package: Package, origin: str) -> None:
        self.package = package
        self.origin = origin
        self.names = set(package.sheet_names)
        self.book: CalamineWorkbook | None = None
        self._given: frozenset[str] = frozenset()
        self._sheets: dict[str, Sheet] = {}

    def sheet(self, name: str) -> Sheet:
        if name not in self._sheets:
            merged = self.package.merged(name)  # the safety check a sheet must pass before it is read
            if name not in self._given:
                self._open()
            rows = guarded(f"{self.origin} (sheet {name})", lambda: self._load(name))
            self._sheets[name] = Sheet(rows, merged)
        return self._sheets[name]

    def _open(self) -> None:
        self.close()
        self._given = frozenset(self.package.checked())
        data = self.package.reader_zip(self._given)
        self.book = guarded(self.origin, lambda: CalamineWorkbook.from_filelike(BytesIO(data)))

    def _load(self, name: str) -> list[list[CellValue]]:
        assert self.book is not None
        return self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def close(self) -> None:
        if self.book is not None:
            book, self.book = self.book, None
            guarded(self.origin, book.close)
