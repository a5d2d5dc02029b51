"""Import a folder of filled templates: every file gets an outcome, one bad file never stops the others.

Each workbook — a planning template or a quarterly return, as its TemplateId cell says — is read
all-or-nothing (``carepool.io.excel``); what was read is handed to ``accept(document, path)``: the
services layer wires this to its import use case, which may itself refuse the document by raising
InputRejected. The outcome of every file (imported, or rejected with its problems) is returned
and, if asked, written as a CSV summary.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from carepool.io.excel import QuarterlyReturn, read_any_file
from carepool.model.canonical import content_hash
from carepool.model.plan import Plan
from carepool.problems import InputRejected, Problem

Document = Plan | QuarterlyReturn
Accept = Callable[[Document, Path], None]
WORKBOOK_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xls"})  # .xls is listed so it gets a clear refusal
CSV_COLUMNS: Final = (
    "file",
    "outcome",
    "kind",
    "plan",
    "quarter",
    "sha256",
    "problems",
    "reasons",
    "seconds",
)


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    outcome: Literal["imported", "rejected"]
    kind: Literal["plan", "return", ""] = ""
    plan_id: str = ""
    quarter: str = ""
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    def reasons(self, limit: int | None = None) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        text = " | ".join(str(p) for p in shown)
        more = len(self.problems) - len(shown)
        return f"{text} | and {more} more" if more > 0 else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "outcome": self.outcome,
            "kind": self.kind,
            "plan": self.plan_id,
            "quarter": self.quarter,
            "sha256": self.sha256,
            "problems": [p.to_dict() for p in self.problems],
            "seconds": round(self.seconds, 4),
        }


@dataclass(slots=True)
class BulkReport:
    folder: str
    outcomes: list[Outcome]
    summary_csv: Path | None = None

    @property
    def imported(self) -> int:
        return sum(o.outcome == "imported" for o in self.outcomes)

    @property
    def rejected(self) -> int:
        return sum(o.outcome == "rejected" for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.rejected == 0,
            "folder": self.folder,
            "imported": self.imported,
            "rejected": self.rejected,
            "summary_csv": None if self.summary_csv is None else str(self.summary_csv),
            "files": [o.to_dict() for o in self.outcomes],
        }


def workbooks_in(folder: Path) -> list[Path]:
    """The workbooks of a folder (not its sub-folders), in name order; Excel's ``~$`` lock files skipped."""
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise InputRejected(
            [Problem("file", str(folder), f"cannot read the folder: {exc.strerror}")]
        ) from None
    return sorted(
        (p for p in entries if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~$", "."))),
        key=lambda p: p.name,
    )


def import_one(path: Path, accept: Accept | None) -> Outcome:
    started = time.perf_counter()
    try:
        document = read_any_file(path)
        if accept is not None:
            accept(document, path)
    except InputRejected as exc:
        return Outcome(path.name, "rejected", problems=exc.problems, seconds=time.perf_counter() - started)
    except Exception as exc:  # one file's failure (a bug, a store error) must never stop the folder
        problem = Problem("file", path.name, "the file could not be imported", f"{type(exc).__name__}: {exc}")
        return Outcome(path.name, "rejected", problems=[problem], seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    if isinstance(document, QuarterlyReturn):
        digest = hashlib.sha256(document.model_dump_json().encode()).hexdigest()
        return Outcome(
            path.name, "imported", "return", document.plan, document.quarter, digest, seconds=seconds
        )
    return Outcome(path.name, "imported", "plan", document.id, "", content_hash(document), seconds=seconds)


def write_summary(outcomes: list[Outcome], path: Path) -> None:
    """The per-file outcome as CSV, written whole or not at all (a temporary file, then renamed)."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            for o in outcomes:
                reasons = o.reasons()
                writer.writerow(
                    [
                        o.file,
                        o.outcome,
                        o.kind,
                        o.plan_id,
                        o.quarter,
                        o.sha256,
                        len(o.problems),
                        reasons,
                        f"{o.seconds:.4f}",
                    ]
                )
        os.replace(partial, path)
    except OSError as exc:
        raise InputRejected(
            [Problem("file", str(path), f"cannot write the summary: {exc.strerror}")]
        ) from None


def import_folder(
    folder: Path,
    accept: Accept | None = None,
    summary_csv: Path | None = None,
    progress: bool = False,
) -> BulkReport:
    """Read every workbook in ``folder``; the default ``accept`` stores nothing (only the summary is written)."""
    files = workbooks_in(folder)
    outcomes: list[Outcome] = []
    console = Console(stderr=True, width=None if sys.stderr.isatty() else 120)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not progress,
    ) as bar:
        task = bar.add_task("Importing workbooks", total=len(files))
        for path in files:
            outcomes.append(import_one(path, accept))
            bar.advance(task)
    if summary_csv is not None:
        write_summary(outcomes, summary_csv)
    return BulkReport(str(folder), outcomes, summary_csv)
