"""Import a plan exchange file: keep the file whatever happens; all or nothing for everything else.

A refused file leaves exactly two rows: the upload (bytes as they came, with the problems found) and an
``import_rejected`` event. An accepted file leaves the upload (with the check findings at import), the
new version if the content changed, and the events that say so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from carepool.io.plan_json import parse_plan_bytes
from carepool.model import Plan
from carepool.policy import load_pack
from carepool.problems import InputRejected, Problem
from carepool.rules import Finding, has_errors, run_checks
from carepool.services.clock import now
from carepool.services.documents import sha256_bytes
from carepool.services.errors import Conflict, ImportRejected
from carepool.services.events import Kind, actor_name, record
from carepool.services.ports import Database, Store
from carepool.services.records import NewUpload
from carepool.services.units import write
from carepool.services.versioning import Saved, save_version

PLAN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")


@dataclass(frozen=True, slots=True)
class ImportResult:
    saved: Saved
    upload_id: int
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            **self.saved.to_dict(),
            "upload": self.upload_id,
            "errors": sum(f.severity.value == "error" for f in self.findings),
            "warnings": sum(f.severity.value == "warning" for f in self.findings),
            "submittable": not has_errors(self.findings),
        }


def import_plan_file(db: Database, path: Path, actor: str, based_on: int | str | None = None) -> ImportResult:
    try:
        raw = path.read_bytes()
    except OSError as exc:  # nothing arrived, so there is nothing to keep
        raise InputRejected([Problem("file", str(path), f"cannot read the file: {exc.strerror}")]) from None
    return import_plan_bytes(db, raw, path.name, actor, based_on)


FILENAME_MAX = 500  # the column width in the store


def import_plan_bytes(
    db: Database, raw: bytes, filename: str, actor: str, based_on: int | str | None = None
) -> ImportResult:
    received = now()
    filename, actor = filename[-FILENAME_MAX:] or "(no name)", actor_name(actor)
    try:
        plan = parse_plan_bytes(raw, filename)
    except InputRejected as exc:
        upload_id = keep_rejected(db, raw, filename, actor, received, exc.problems, guess_plan_id(raw))
        raise ImportRejected(exc.problems, upload_id) from None
    except RecursionError:
        problems = [Problem("format", filename, "the JSON is nested too deeply to be a plan file")]
        upload_id = keep_rejected(db, raw, filename, actor, received, problems, None)
        raise ImportRejected(problems, upload_id) from None
    except Exception as exc:
        keep_rejected(db, raw, filename, actor, received, [unexpected(filename, exc)], None)
        raise
    return import_parsed(db, plan, raw, filename, actor, received, based_on)


def import_parsed(
    db: Database,
    plan: Plan,
    raw: bytes,
    filename: str,
    actor: str,
    received: datetime,
    based_on: int | str | None = None,
) -> ImportResult:
    try:
        findings = run_checks(plan, load_pack(plan.policy))
        report = {"outcome": "accepted", "problems": [], "findings": [f.to_dict() for f in findings]}

        def work(store: Store) -> tuple[Saved, int]:
            saved = save_version(
                store, plan, actor=actor, at=received, based_on=based_on, source={"source": "import"}
            )
            upload = NewUpload(
                filename,
                raw,
                sha256_bytes(raw),
                received,
                actor,
                "accepted",
                plan.id,
                saved.number,
                _json(report),
            )
            upload_id = store.add_upload(upload)
            record(
                store,
                Kind.IMPORTED,
                actor=actor,
                plan_id=plan.id,
                version=saved.number,
                at=received,
                payload={
                    "upload_id": upload_id,
                    "filename": filename,
                    "file_sha256": upload.sha256,
                    "result": saved.result,
                },
            )
            return saved, upload_id

        saved, upload_id = write(db, work)
    except ImportRejected:
        raise
    except InputRejected as exc:
        upload_id = keep_rejected(db, raw, filename, actor, received, exc.problems, plan.id)
        raise ImportRejected(exc.problems, upload_id) from None
    except Conflict as exc:
        keep_rejected(db, raw, filename, actor, received, exc.problems, plan.id)
        raise
    except Exception as exc:
        keep_rejected(db, raw, filename, actor, received, [unexpected(filename, exc)], plan.id)
        raise
    return ImportResult(saved, upload_id, findings)


def keep_rejected(
    db: Database,
    raw: bytes,
    filename: str,
    actor: str,
    received: datetime,
    problems: list[Problem],
    plan_id: str | None,
) -> int:
    """Keep a refused file with its report, so a support officer can reproduce the problem."""
    report = {"outcome": "rejected", "problems": [p.to_dict() for p in problems]}
    upload = NewUpload(
        filename, raw, sha256_bytes(raw), received, actor, "rejected", plan_id, None, _json(report)
    )

    def work(store: Store) -> int:
        upload_id = store.add_upload(upload)
        record(
            store,
            Kind.IMPORT_REJECTED,
            actor=actor,
            plan_id=plan_id,
            version=None,
            at=received,
            payload={
                "upload_id": upload_id,
                "filename": filename,
                "file_sha256": upload.sha256,
                "problems": len(problems),
                "first_problem": str(problems[0]) if problems else "",
            },
        )
        return upload_id

    return write(db, work)


def unexpected(filename: str, exc: Exception) -> Problem:
    return Problem("file", filename, f"the import failed unexpectedly: {type(exc).__name__}: {exc}")


def guess_plan_id(raw: bytes) -> str | None:
    """The plan id of a refused file when it can be read, so the refusal shows in that plan's timeline."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    plan_id = data.get("id") if isinstance(data, dict) else None
    return plan_id if isinstance(plan_id, str) and PLAN_ID.match(plan_id) else None


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)
