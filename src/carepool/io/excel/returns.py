"""The quarterly return: export pre-filled from a plan for a quarter, read back with the same guarantees.

A return carries spend to date per scheme, metric actuals, the status of each national condition and a
narrative. It names the plan version it reports on (``plan_sha256``), so the services layer can refuse a
return made against a plan version that was since replaced. Pre-filled cells (scheme refs, the year's
planned spend, metric periods, conditions) are grey and locked; the reader reads them back too, so
export → import is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import Field

from carepool.io.excel.config import RETURN_TEMPLATE_V1, TemplateConfig
from carepool.io.excel.mapping import Built, Cells, SourceTable
from carepool.io.excel.messages import DUPLICATE
from carepool.io.excel.reader import WorkbookReader, open_workbook, read_file_bytes
from carepool.io.excel.writer import workbook_bytes
from carepool.model.canonical import content_hash
from carepool.model.plan import ConditionStatus, Plan, Record
from carepool.model.types import Code, Money, Period, Quantity, Quarter, Text
from carepool.monitoring import returns as monitoring
from carepool.problems import InputRejected, Problem

RETURN_FORMAT = "carepool-return/1"


class SchemeSpend(Record):
    scheme: Code
    name: str = ""
    planned: Money
    spent_to_date: Money | None = None


class MetricActual(Record):
    metric: Code = Field(description="metric id from the policy pack")
    name: str = ""
    period: Period
    value: Quantity | None = None


class ConditionReturn(Record):
    condition: Code
    status: ConditionStatus
    comment: Text = ""


class QuarterlyReturn(Record):
    format: Literal["carepool-return/1"] = "carepool-return/1"
    plan: Code
    plan_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    policy: str
    area: Code
    quarter: Quarter
    spend: list[SchemeSpend] = Field(default_factory=list)
    metrics: list[MetricActual] = Field(default_factory=list)
    conditions: list[ConditionReturn] = Field(default_factory=list)
    narrative: Text = ""


def return_for_quarter(plan: Plan, quarter: str) -> QuarterlyReturn:
    """A blank return for ``quarter`` of a plan: planned spend, the metric periods due, the conditions."""
    year = quarter.split(" ")[0]
    spend = [
        SchemeSpend(
            scheme=s.ref,
            name=s.name,
            planned=sum((f.amount for f in s.funding if f.year == year), Decimal(0)),
        )
        for s in plan.schemes
    ]
    due = {year, quarter}
    metrics = [
        MetricActual(
            metric=m.metric,
            name=m.name,
            period=v.period,
            value=next((a.value for a in m.actuals if a.period == v.period), None),
        )
        for m in plan.metrics
        for v in m.plan
        if v.period in due
    ]
    conditions = [ConditionReturn(condition=c.condition, status=c.status) for c in plan.conditions]
    return QuarterlyReturn(
        plan=plan.id,
        plan_sha256=content_hash(plan),
        policy=plan.policy,
        area=plan.area.ons_code,
        quarter=quarter,
        spend=spend,
        metrics=metrics,
        conditions=conditions,
    )


_FIELDS = {
    "PlanId": "plan",
    "PlanSha256": "plan_sha256",
    "PolicyPack": "policy",
    "AreaCode": "area",
    "Quarter": "quarter",
    "Narrative": "narrative",
}
_TABLES = {"Spend": "spend", "MetricActuals": "metrics", "ConditionStatus": "conditions"}


def return_workbook_bytes(ret: QuarterlyReturn) -> bytes:
    data = ret.model_dump(mode="python")
    fields = {name: data[key] for name, key in _FIELDS.items()}
    tables = {name: list(data[key]) for name, key in _TABLES.items()}
    return workbook_bytes(Cells(fields, tables), RETURN_TEMPLATE_V1, ret.policy)


def write_return_workbook(ret: QuarterlyReturn, path: Path) -> None:
    data = return_workbook_bytes(ret)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InputRejected([Problem("file", str(path), f"cannot write the file: {exc.strerror}")]) from None


def _built(fields: dict[str, Any], field_cells: dict[str, str], tables: dict[str, SourceTable]) -> Built:
    out = Built({"format": RETURN_FORMAT})
    for name, key in _FIELDS.items():
        out.where[key] = field_cells[name]
        if fields.get(name) is not None:
            out.data[key] = fields[name]
    for name, key in _TABLES.items():
        out.data[key] = out.listed(key, tables[name])
    seen: set[str] = set()
    spend = tables["Spend"]
    for i, record in enumerate(spend.records):
        ref = record.get("scheme")
        if ref in seen:
            out.problems.append(
                Problem("cell", spend.cell(i, "scheme"), DUPLICATE, repr(ref), "one row per scheme")
            )
        seen.add(str(ref))
    return out


def read_return_with(reader: WorkbookReader, config: TemplateConfig) -> QuarterlyReturn:
    return _read_located(reader, config).ret


_PATH_PART: Final = re.compile(r"\.[^.\[]+|\[\d+\]")
# The monitoring return names two fields differently from the template's columns.
_RENAMED: Final = {".spend_to_date": ".spent_to_date", ".note": ".comment"}


@dataclass(frozen=True, slots=True)
class LocatedReturn:
    """A return read from a workbook, with the cell each of its values came from."""

    ret: QuarterlyReturn
    built: Built  # knows the cell of every template model path ("spend[2].spent_to_date" → "Sheet!D12")

    def cell_of(self, path: str) -> str:
        """The cell behind a path of the monitoring return made from it (``to_monitoring_return``), or
        the nearest enclosing row or field; the path itself when nothing matches."""
        parts = [_RENAMED.get(part, part) for part in _PATH_PART.findall("." + path)] if path else []
        while parts:
            found = self.built.cell("".join(parts).lstrip("."))
            if found is not None:
                return found
            parts.pop()
        return path


def _read_located(reader: WorkbookReader, config: TemplateConfig) -> LocatedReturn:
    cells = reader.read_cells(config)
    built = _built(cells.fields, cells.field_cells, cells.tables)
    return LocatedReturn(reader.validated(QuarterlyReturn, built), built)


def read_return_located(raw: bytes, origin: str = "workbook") -> LocatedReturn:
    """``read_return_workbook`` keeping every value's cell, so later checks can still name ``Sheet!D12``."""
    reader, config = open_workbook(raw, origin)
    try:
        if config.template_id != RETURN_TEMPLATE_V1.template_id:
            raise reader.wrong_template(config, RETURN_TEMPLATE_V1)
        return _read_located(reader, config)
    finally:
        reader.close()


def to_monitoring_return(ret: QuarterlyReturn) -> monitoring.QuarterlyReturn:
    """The template's return as the monitoring exchange format, row for row (so paths keep their
    indexes): spend to date per scheme, metric actuals, condition status with its comment as the note.
    The template has no forecast outturn, so an in-year settlement is not forecast from it."""
    return monitoring.QuarterlyReturn(
        plan=ret.plan,
        quarter=ret.quarter,
        spend=[
            monitoring.SchemeSpend(scheme=s.scheme, spend_to_date=s.spent_to_date)
            for s in ret.spend
            if s.spent_to_date is not None
        ],
        metrics=[
            monitoring.MetricActual(metric=m.metric, period=m.period, value=m.value)
            for m in ret.metrics
            if m.value is not None
        ],
        conditions=[
            monitoring.ConditionUpdate(condition=c.condition, status=c.status, note=c.comment)
            for c in ret.conditions
        ],
        narrative=ret.narrative,
    )


def read_return_workbook(raw: bytes, origin: str = "workbook") -> QuarterlyReturn:
    """Read a quarterly return; InputRejected lists every problem of the first failing stage."""
    return read_return_located(raw, origin).ret


def read_return_file(path: Path) -> QuarterlyReturn:
    return read_return_workbook(read_file_bytes(path), path.name)


def read_any_file(path: Path) -> Plan | QuarterlyReturn:
    """A filled planning template or quarterly return, whichever its TemplateId cell says it is."""
    reader, config = open_workbook(read_file_bytes(path), path.name)
    try:
        if config.template_id == RETURN_TEMPLATE_V1.template_id:
            return read_return_with(reader, config)
        return reader.read_plan(config)
    finally:
        reader.close()
