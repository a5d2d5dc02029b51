"""The published JSON Schema describes what carepool writes; `policy show` shows each parameter's source."""

from __future__ import annotations

import json

import jsonschema
from typer.testing import CliRunner

from carepool.cli import app
from carepool.demo import build_demo_plans
from carepool.model import plan_to_data
from factories import small_plan, two_tier_plan


def _schema() -> dict[str, object]:
    result = CliRunner().invoke(app, ["schema", "plan"])
    assert result.exit_code == 0
    schema: dict[str, object] = json.loads(result.stdout)
    return schema


def test_every_exported_plan_is_valid_against_the_published_schema() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for plan in [small_plan(), two_tier_plan(), *build_demo_plans()]:
        errors = list(validator.iter_errors(plan_to_data(plan)))
        assert errors == [], (plan.id, errors[:3])


def test_the_schema_refuses_what_the_importer_refuses() -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    data = plan_to_data(small_plan())
    data["contributions"][0]["amount"] = "12.345"
    assert list(validator.iter_errors(data))
    data = plan_to_data(small_plan())
    data["partners"][0]["share_pct"] = "150"
    assert list(validator.iter_errors(data))


def test_policy_show_lists_parameters_with_confidence_and_source() -> None:
    result = CliRunner().invoke(app, ["policy", "show", "bcf-2015-16"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    line = next(row for row in result.stdout.splitlines() if "cost per non-elective admission" in row)
    assert "1,490" in line and "unconfirmed" in line and "england.nhs.uk" in line


def test_negative_huge_and_mistyped_amounts_are_refused_with_the_field_path() -> None:
    import pytest

    from carepool.io.plan_json import parse_plan_bytes
    from carepool.problems import InputRejected

    for bad in ('"-500000.00"', "1e30", "1e400", '"1,23"', "100000000000000000000000000000"):
        data = plan_to_data(small_plan())
        data["contributions"][0]["amount"] = "PLACEHOLDER"
        raw = json.dumps(data).replace('"PLACEHOLDER"', bad).encode()
        with pytest.raises(InputRejected) as refused:
            parse_plan_bytes(raw)
        assert [p.location for p in refused.value.problems] == ["contributions[0].amount"], bad
