"""The generic section forms without a web server: field types → inputs, reading what people type, and
pydantic's errors put back on the fields they name."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from carepool.demo import build_demo_plans
from carepool.model.plan import MetricPlan, Milestone, Plan, Pool, Scheme
from carepool.policy import load_pack
from carepool.web import forms
from carepool.web.editing import item_model
from carepool.web.sections import SECTIONS


@pytest.fixture(scope="module")
def plan() -> Plan:
    return build_demo_plans()[0]


@pytest.fixture(scope="module")
def options(plan: Plan) -> forms.Options:
    return forms.Options.of(plan, load_pack(plan.policy), SECTIONS)


def test_every_section_has_an_input_for_every_field() -> None:
    kinds = set()
    for section in SECTIONS:
        fields = forms.specs(item_model(section))
        assert [f.name for f in fields] == list(item_model(section).model_fields), section
        kinds |= {f.kind for f in fields} | {c.kind for f in fields for c in f.children}
    assert kinds >= {
        "text", "textarea", "money", "percent", "number", "date", "choice", "boolean",
        "lines", "rows", "mapping", "steps", "group",
    }  # fmt: skip


def test_a_field_type_without_an_input_is_a_loud_error() -> None:
    class Odd(BaseModel):
        shape: complex

    with pytest.raises(TypeError, match="no input for field 'shape'"):
        forms.specs(Odd)


def test_references_offer_the_plans_ids_and_keep_one_it_already_holds(
    plan: Plan, options: forms.Options
) -> None:
    pool = next(s for s in forms.specs(item_model("contributions")) if s.name == "pool")
    assert [k for k, _ in options.choices(pool)] == [p.id for p in plan.pools]
    broken = plan.model_copy(deep=True)
    broken.contributions[0].pool = "GONE"
    held = forms.Options.of(broken, options.pack, SECTIONS)
    assert ("GONE", "GONE (not in this plan)") in held.choices(pool)


def _read(model: type[BaseModel], values: dict[str, str], options: forms.Options) -> forms.Reading:
    return forms.read(forms.specs(model), values, options)


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "focus"),
    [
        ("", "", "", "Enter the deadline", "deadline-day"),
        ("1", "", "2016", "The deadline must include a month", "deadline-month"),
        ("", "", "2016", "The deadline must include a day and month", "deadline-day"),
        ("30", "2", "2016", "The deadline must be a real date", "deadline-day"),
        ("1", "two", "2016", "The deadline must be a real date", "deadline-day"),
        ("1", "2", "16", "The year of the deadline must include 4 numbers", "deadline-day"),
    ],
)
def test_dates_read_as_gov_uk_says(
    options: forms.Options, day: str, month: str, year: str, message: str, focus: str
) -> None:
    values = {"id": "M9", "title": "T", "deadline-day": day, "deadline-month": month, "deadline-year": year}
    reading = _read(Milestone, values, options)
    assert reading.errors == {"deadline": message}
    assert reading.summary() == [{"text": message, "href": f"#{focus}"}]


def test_a_good_date_and_a_blank_row_are_read(options: forms.Options) -> None:
    values = {
        "id": "M9",
        "title": "T",
        "deadline-day": "07",
        "deadline-month": "3",
        "deadline-year": "2016",
        "tasks-count": "2",
        "tasks-1-title": "Second",
    }
    reading = _read(Milestone, values, options)
    assert reading.errors == {}
    assert reading.data["deadline"] == date(2016, 3, 7).isoformat()
    assert reading.data["tasks"] == [{"title": "Second", "deadline": None}]
    assert Milestone.model_validate(reading.data).tasks[0].title == "Second"


def test_the_row_count_cannot_be_used_to_make_the_server_loop(options: forms.Options) -> None:
    reading = _read(Milestone, {"tasks-count": "99999999999"}, options)
    assert reading.data["tasks"] == []


def test_what_people_type_is_read_exactly(options: forms.Options) -> None:
    values = {
        "ref": "X1",
        "name": "N",
        "commissioners-count": "1",
        "commissioners-0-partner": "Z2A",
        "commissioners-0-pct": "12.5%",
        "planned_savings-1": "£1,000",
        "outcomes": "one\r\n\r\n two \r\n",
        "new_or_existing": "existing",
    }
    reading = _read(Scheme, values, options)
    assert reading.errors == {}
    scheme = Scheme.model_validate(reading.data)
    assert str(scheme.commissioners[0].pct) == "12.5"
    assert scheme.planned_savings == {"2015-16": scheme.planned_savings["2015-16"]}
    assert str(scheme.planned_savings["2015-16"]) == "1000.00"
    assert scheme.outcomes == ["one", "two"]
    assert scheme.type == "" and scheme.funding == []  # left empty: the model's default


def test_pydantic_errors_go_back_to_the_field_they_name(options: forms.Options) -> None:
    values = {"metric": "nel_admissions", "baseline-period": "2015", "baseline-value": "1",
              "plan-count": "3", "plan-2-period": "Q1", "plan-2-value": "5"}  # fmt: skip
    reading = _read(MetricPlan, values, options)
    assert reading.errors == {}
    with pytest.raises(ValidationError) as raised:
        MetricPlan.model_validate(reading.data)
    errors = forms.model_errors(raised.value, (), reading, "metric")
    assert errors == {
        "baseline-period": "Baseline: the period must be a year, quarter or month, like 2015-16, 2015-16 Q1 "
        "or 2015-16 M04",
        "plan-2-period": "Planned values row 3: the period must be a year, quarter or month, like 2015-16, "
        "2015-16 Q1 or 2015-16 M04",
    }


def test_the_form_shows_what_is_stored(plan: Plan, options: forms.Options) -> None:
    data: dict[str, Any] = plan.pools[0].model_dump(mode="json")
    values = forms.initial(forms.specs(Pool), data, options)
    assert values["ring_fenced"] == "yes" and values["arrangement"] == "pooled"
    widgets = {w.id: w for w in forms.widgets(forms.specs(Pool), values, {"name": "Enter the name"}, options)}
    assert widgets["name"].params["errorMessage"] == {"text": "Enter the name"}
    assert widgets["host"].kind == "radios"  # two partners: radios, not a select
    assert [i["value"] for i in widgets["host"].params["items"] if i["checked"]] == [plan.pools[0].host]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the amount in pounds"),
        ("ten", "Enter the amount in pounds and pence, like £1,234.50"),
        ("1.234", "The amount must be in pounds and pence, with no more than 2 decimal places"),
        ("-1", "The amount must be £0 or more"),
        ("1,23", "Enter the amount in pounds and pence, like £1,234.50"),
    ],
)
def test_money_messages(typed: str, message: str) -> None:
    assert forms.parse_amount(typed) == (None, message)


def test_money_as_typed() -> None:
    assert str(forms.parse_amount("£1,234.5")[0]) == "1234.50"
