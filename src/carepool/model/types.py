"""Field types shared by the plan model: exact money, percentages, periods, identifiers."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from carepool.money import to_money


def _money_in(value: Any) -> Any:
    amount = to_money(value)
    if amount < 0:
        raise ValueError(f"amounts in a plan cannot be negative, found {amount}")
    return amount


def _pct_in(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError(f"expected an exact percentage (text or whole number), found the float {value!r}")
    if isinstance(value, str):
        return value.strip().rstrip("%").strip()
    return value


def _pct_range(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"a percentage must be between 0 and 100, found {value}")
    return value


def _count_in(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError(f"expected a whole or exact number, found the float {value!r}")
    if isinstance(value, str):
        return value.replace(",", "").strip()
    return value


def empty(factory: Callable[[], list[Any] | dict[Any, Any]], description: str | None = None) -> Any:
    """An empty list or dict as a field's default, made afresh for each record (pydantic deep-copies a
    literal ``[]`` or ``{}`` default on every validation) and still shown as the default in the schema."""
    return Field(default_factory=factory, json_schema_extra={"default": factory()}, description=description)


MONEY_PATTERN = r"^\d+\.\d{2}$"

Money = Annotated[
    Decimal,
    BeforeValidator(_money_in),
    PlainSerializer(lambda d: f"{d:.2f}", return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "description": 'pounds and pence as carepool writes them, e.g. "1234.50" (the importer also '
            "accepts what people type: 1234.5, 1,234.50, £1,234.50)",
        }
    ),
]
"""Exact, non-negative pounds with pence. JSON carries it as a string so no reader turns it into a float."""

Percent = Annotated[
    Decimal,
    BeforeValidator(_pct_in),
    AfterValidator(_pct_range),
    PlainSerializer(lambda d: str(d), return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": r"^(100(\.0+)?|\d{1,2}(\.\d+)?)$", "description": "0 to 100"}
    ),
]

Quantity = Annotated[
    Decimal,
    BeforeValidator(_count_in),
    PlainSerializer(lambda d: str(d), return_type=str, when_used="json"),
    Field(ge=0),
]
"""A non-negative activity count or rate (admissions, days, per-100,000 rates)."""

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$")]
"""A stable identifier inside a plan (partner code, pool id, scheme reference)."""

Year = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="financial year, e.g. 2015-16")]
Quarter = Annotated[str, Field(pattern=r"^\d{4}-\d{2} Q[1-4]$", description="e.g. 2015-16 Q1")]
Period = Annotated[
    str, Field(pattern=r"^\d{4}-\d{2}( Q[1-4]| M\d{2})?$", description="year, quarter or month")
]
Text = Annotated[str, Field(max_length=20000)]
