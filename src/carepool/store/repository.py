"""The repositories: the only code that touches ORM objects. They take and return plain records."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from carepool.problems import Problem
from carepool.services.errors import Busy
from carepool.services.records import (
    ChainedEvent,
    EventRecord,
    NewReturn,
    NewUpload,
    PlanHeader,
    ReturnRecord,
    UploadRecord,
    VersionRecord,
)
from carepool.store.tables import (
    Base,
    EventRow,
    PlanRow,
    PlanVersionRow,
    QuarterlyReturnRow,
    UploadRow,
)


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _header(row: PlanRow) -> PlanHeader:
    return PlanHeader(row.id, row.area_code, row.area_name, row.policy, row.title, utc(row.created_at))


def _version(row: PlanVersionRow) -> VersionRecord:
    return VersionRecord(
        plan_id=row.plan_id,
        number=row.number,
        status=row.status,
        document=row.document,
        sha256=row.sha256,
        created_at=utc(row.created_at),
        created_by=row.created_by,
        based_on=row.based_on,
    )


def _event(row: EventRow) -> EventRecord:
    return EventRecord(
        plan_id=row.plan_id,
        version=row.version,
        kind=row.kind,
        actor=row.actor,
        at=utc(row.at),
        payload=row.payload,
        prev_hash=row.prev_hash,
        hash=row.hash,
        id=row.id,
    )


def _upload(row: UploadRow) -> UploadRecord:
    return UploadRecord(
        filename=row.filename,
        content=row.content,
        sha256=row.sha256,
        received_at=utc(row.received_at),
        actor=row.actor,
        outcome=row.outcome,
        plan_id=row.plan_id,
        version=row.version,
        report=row.report,
        id=row.id,
        size=row.size,
    )


def _return(row: QuarterlyReturnRow) -> ReturnRecord:
    return ReturnRecord(
        plan_id=row.plan_id,
        quarter=row.quarter,
        revision=row.revision,
        plan_version=row.plan_version,
        plan_sha256=row.plan_sha256,
        document=row.document,
        sha256=row.sha256,
        received_at=utc(row.received_at),
        actor=row.actor,
        upload_id=row.upload_id,
        id=row.id,
    )


class SqlStore:
    """Implements ``carepool.services.ports.Store`` over one SQLAlchemy session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._tail: str | None = None
        self._tail_read = False

    # plans
    def plan(self, plan_id: str) -> PlanHeader | None:
        row = self.session.get(PlanRow, plan_id)
        return _header(row) if row else None

    def plans(self) -> list[PlanHeader]:
        return [_header(r) for r in self.session.scalars(select(PlanRow).order_by(PlanRow.id))]

    def add_plan(self, header: PlanHeader) -> None:
        self.session.add(
            PlanRow(
                id=header.id,
                area_code=header.area_code,
                area_name=header.area_name,
                policy=header.policy,
                title=header.title,
                created_at=header.created_at,
            )
        )
        self.session.flush()

    def update_plan_header(self, header: PlanHeader) -> None:
        row = self.session.get_one(PlanRow, header.id)
        row.area_name = header.area_name
        row.title = header.title
        self.session.flush()

    # versions
    def version(self, plan_id: str, number: int | None = None) -> VersionRecord | None:
        query = select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id)
        if number is None:
            query = query.order_by(PlanVersionRow.number.desc()).limit(1)
        else:
            query = query.where(PlanVersionRow.number == number)
        row = self.session.scalars(query).first()
        return _version(row) if row else None

    def versions(self, plan_id: str) -> list[VersionRecord]:
        query = (
            select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id).order_by(PlanVersionRow.number)
        )
        return [_version(r) for r in self.session.scalars(query)]

    def latest_versions(self, plan_ids: Collection[str] | None = None) -> dict[str, VersionRecord]:
        newest_query = select(PlanVersionRow.plan_id, func.max(PlanVersionRow.number).label("number"))
        if plan_ids is not None:
            newest_query = newest_query.where(PlanVersionRow.plan_id.in_(list(plan_ids)))
        newest = newest_query.group_by(PlanVersionRow.plan_id).subquery()
        query = select(PlanVersionRow).join(
            newest,
            (PlanVersionRow.plan_id == newest.c.plan_id) & (PlanVersionRow.number == newest.c.number),
        )
        return {r.plan_id: _version(r) for r in self.session.scalars(query)}

    def all_versions(self) -> list[VersionRecord]:
        query = select(PlanVersionRow).order_by(PlanVersionRow.plan_id, PlanVersionRow.number)
        return [_version(r) for r in self.session.scalars(query)]

    def add_version(self, version: VersionRecord) -> None:
        self.session.add(
            PlanVersionRow(
                plan_id=version.plan_id,
                number=version.number,
                status=version.status,
                document=version.document,
                sha256=version.sha256,
                created_at=version.created_at,
                created_by=version.created_by,
                based_on=version.based_on,
            )
        )
        self.session.flush()

    def mark_submitted(self, plan_id: str, number: int) -> None:
        """The one change a version may undergo. Conditional, so a second submitter finds nothing to do;
        a plain table UPDATE, so the ORM guard against bulk writes stays in force for everything else."""
        versions = Base.metadata.tables["plan_versions"]
        result = self.session.connection().execute(
            update(versions)
            .where(versions.c.plan_id == plan_id, versions.c.number == number, versions.c.status == "draft")
            .values(status="submitted")
        )
        if result.rowcount != 1:
            raise Busy(
                [Problem("conflict", "status", f"version {number} was submitted by someone else just now")]
            )

    # uploads
    def add_upload(self, upload: NewUpload) -> int:
        row = UploadRow(
            filename=upload.filename,
            content=upload.content,
            size=len(upload.content),
            sha256=upload.sha256,
            received_at=upload.received_at,
            actor=upload.actor,
            outcome=upload.outcome,
            plan_id=upload.plan_id,
            version=upload.version,
            report=upload.report,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def upload(self, upload_id: int) -> UploadRecord | None:
        row = self.session.get(UploadRow, upload_id)
        return _upload(row) if row else None

    def uploads(self, plan_id: str | None = None) -> list[UploadRecord]:
        query = select(UploadRow).order_by(UploadRow.id)
        if plan_id is not None:
            query = query.where(UploadRow.plan_id == plan_id)
        return [_upload(r) for r in self.session.scalars(query)]

    # quarterly returns
    def add_return(self, ret: NewReturn) -> int:
        row = QuarterlyReturnRow(
            plan_id=ret.plan_id,
            quarter=ret.quarter,
            revision=ret.revision,
            plan_version=ret.plan_version,
            plan_sha256=ret.plan_sha256,
            document=ret.document,
            sha256=ret.sha256,
            received_at=ret.received_at,
            actor=ret.actor,
            upload_id=ret.upload_id,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def returns(self, plan_id: str | None = None) -> list[ReturnRecord]:
        query = select(QuarterlyReturnRow).order_by(QuarterlyReturnRow.id)
        if plan_id is not None:
            query = query.where(QuarterlyReturnRow.plan_id == plan_id)
        return [_return(r) for r in self.session.scalars(query)]

    # events
    def last_event_hash(self) -> str | None:
        """The chain's tail as this transaction first saw it, then as it appended. Deliberately not
        re-read: if another writer appended meanwhile, our append reuses its previous hash and the
        unique key on ``prev_hash`` refuses it, so decisions made on stale reads never commit."""
        if not self._tail_read:
            query = select(EventRow.hash).order_by(EventRow.id.desc()).limit(1)
            self._tail = self.session.scalars(query).first()
            self._tail_read = True
        return self._tail

    def append_event(self, event: ChainedEvent) -> int:
        row = EventRow(
            plan_id=event.plan_id,
            version=event.version,
            kind=event.kind,
            actor=event.actor,
            at=event.at,
            payload=event.payload,
            prev_hash=event.prev_hash,
            hash=event.hash,
        )
        self.session.add(row)
        self.session.flush()
        self._tail, self._tail_read = event.hash, True
        return row.id

    def events(self, plan_id: str | None = None) -> list[EventRecord]:
        query = select(EventRow).order_by(EventRow.id)
        if plan_id is not None:
            query = query.where(EventRow.plan_id == plan_id)
        return [_event(r) for r in self.session.scalars(query)]

    def events_for(self, plan_ids: Collection[str]) -> list[EventRecord]:
        query = select(EventRow).where(EventRow.plan_id.in_(list(plan_ids))).order_by(EventRow.id)
        return [_event(r) for r in self.session.scalars(query)]

    def event_heads(self) -> dict[str, str]:
        """Each plan's latest event hash: it commits to everything that ever happened to the plan."""
        newest = select(func.max(EventRow.id)).where(EventRow.plan_id.is_not(None)).group_by(EventRow.plan_id)
        query = select(EventRow.plan_id, EventRow.hash).where(EventRow.id.in_(newest))
        return {str(plan_id): str(digest) for plan_id, digest in self.session.execute(query)}

    def counts(self) -> dict[str, int]:
        tables = {"plans": PlanRow, "plan_versions": PlanVersionRow, "events": EventRow, "uploads": UploadRow}
        return {
            name: self.session.scalar(select(func.count()).select_from(cls)) or 0
            for name, cls in tables.items()
        }
