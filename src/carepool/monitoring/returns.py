"""The quarterly return: what an area reports each quarter about its pooled budget.

Exchange format ``carepool-return/1`` (JSON; money as strings such as ``"1234.50"``)::

    {"format": "carepool-return/1", "plan": "riverton-2015-16", "quarter": "2015-16 Q1",
     "spend": [{"scheme": "S1", "spend_to_date": "1950000.00", "forecast_outturn": "8000000.00"}],
     "metrics": [{"metric": "nel_admissions", "period": "2014-15 Q4", "value": "4900"}],
     "conditions": [{"condition": "protect_social_care", "status": "met"}],
     "narrative": "On track."}

``spend_to_date`` is cumulative within the financial year of ``quarter``. Admissions for a payment
quarter are reported as the ``nel_admissions`` metric with that quarter as the period (a return may
report an earlier quarter's figure: the first payment in May 2015 was assessed on 2014-15 Q4).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from carepool.io.plan_json import problems_from_validation
from carepool.model.plan import ConditionStatus, Plan
from carepool.model.types import Code, Money, Period, Quantity, Quarter, Text
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem

FORMAT: Final = "carepool-return/1"
MAX_BYTES = 5 * 1024 * 1024


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SchemeSpend(Record):
    scheme: Code = Field(description="scheme reference in the plan")
    spend_to_date: Money = Field(description="cumulative spend in the financial year")
    forecast_outturn: Money | None = Field(default=None, description="forecast spend for the whole year")


class MetricActual(Record):
    metric: Code = Field(description="metric id from the policy pack")
    period: Period
    value: Quantity


class ConditionUpdate(Record):
    condition: Code
    status: ConditionStatus
    note: Text = ""


class QuarterlyReturn(Record):
    format: Literal["carepool-return/1"] = "carepool-return/1"
    plan: Code = Field(description="id of the plan reported on")
    quarter: Quarter
    spend: list[SchemeSpend] = []
    metrics: list[MetricActual] = []
    conditions: list[ConditionUpdate] = []
    narrative: Text = ""

    @property
    def year(self) -> str:
        return self.quarter.split(" ")[0]

    def spend_by_scheme(self) -> dict[str, SchemeSpend]:
        return {s.scheme: s for s in self.spend}


def parse_return_data(data: Any) -> QuarterlyReturn:
    if not isinstance(data, dict):
        raise InputRejected(
            [Problem("format", "", "a return file holds one JSON object", type(data).__name__)]
        )
    if data.get("format") != FORMAT:
        raise InputRejected(
            [
                Problem(
                    "format",
                    "format",
                    "this is not a carepool quarterly return",
                    repr(data.get("format")),
                    FORMAT,
                )
            ]
        )
    try:
        return QuarterlyReturn.model_validate(data)
    except ValidationError as exc:
        raise InputRejected(problems_from_validation(exc)) from None


def read_return(path: Path) -> QuarterlyReturn:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputRejected([Problem("file", str(path), f"cannot read the file: {exc.strerror}")]) from None
    return parse_return_bytes(raw, str(path))


def parse_return_bytes(raw: bytes, origin: str) -> QuarterlyReturn:
    """A return file's bytes as received (``origin`` names the file in messages)."""
    if len(raw) > MAX_BYTES:
        raise InputRejected([Problem("file", origin, "file is too large", f"{len(raw)} bytes")])
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise InputRejected([Problem("file", origin, "not a UTF-8 text file")]) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise InputRejected([Problem("format", where, f"not valid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise InputRejected([Problem("format", origin, "the JSON is nested too deeply")]) from None
    return parse_return_data(data)


def canonical_return(ret: QuarterlyReturn) -> str:
    """Sorted keys, no insignificant white space, money as strings: equal returns, equal text."""
    return json.dumps(ret.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load_canonical_return(text: str) -> QuarterlyReturn:
    """A stored return was validated on the way in, so only the model is rebuilt."""
    return QuarterlyReturn.model_validate(json.loads(text, parse_float=Decimal))


def return_problems(plan: Plan, pack: PolicyPack, ret: QuarterlyReturn) -> list[Problem]:
    """Everything in the return must refer to this plan: its id, years, schemes, metrics, conditions."""
    problems: list[Problem] = []

    def bad(location: str, message: str, found: str, expected: str = "") -> None:
        problems.append(Problem("reference", location, message, found, expected))

    if ret.plan != plan.id:
        bad("plan", "the return is for another plan", ret.plan, plan.id)
    if ret.year not in plan.years:
        bad("quarter", "the quarter is not in one of the plan's years", ret.quarter, ", ".join(plan.years))
    refs = {s.ref for s in plan.schemes}
    seen: set[str] = set()
    for i, row in enumerate(ret.spend):
        if row.scheme not in refs:
            bad(f"spend[{i}].scheme", "no scheme with this reference", row.scheme, ", ".join(sorted(refs)))
        elif row.scheme in seen:
            bad(f"spend[{i}].scheme", "scheme reported twice", row.scheme, "one row per scheme")
        seen.add(row.scheme)
    metric_ids = {m.id for m in pack.metrics}
    got: set[tuple[str, str]] = set()
    for i, m in enumerate(ret.metrics):
        if m.metric not in metric_ids:
            bad(f"metrics[{i}].metric", "unknown metric", m.metric, ", ".join(sorted(metric_ids)))
        elif (m.metric, m.period) in got:
            bad(f"metrics[{i}].period", "metric reported twice for this period", m.period)
        got.add((m.metric, m.period))
    conditions = set(pack.condition_ids())
    for i, c in enumerate(ret.conditions):
        if c.condition not in conditions:
            bad(
                f"conditions[{i}].condition",
                "unknown national condition",
                c.condition,
                ", ".join(sorted(conditions)),
            )
    return problems
