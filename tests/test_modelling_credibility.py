"""P4P-101: the ambition judged against the area's own admissions history."""

from __future__ import annotations

from decimal import Decimal

import carepool.rules.credibility_checks as credibility_checks
from carepool.policy.loader import load_pack
from carepool.rules.base import REGISTRY, CheckContext, Severity
from factories import findings, small_plan
from test_modelling_montecarlo import history_plan

PACK = load_pack("bcf-2015-16")


def test_registered_as_a_warning_with_an_example() -> None:
    chk = REGISTRY["P4P-101"]
    assert chk.severity is Severity.WARNING
    assert "Before:" in chk.doc and "After:" in chk.doc


def test_rising_admissions_make_a_cut_incredible() -> None:
    found = findings(history_plan(6, noise=0.01), "P4P-101")
    assert len(found) == 1
    f = found[0]
    assert (f.severity, f.location, f.expected) == (
        Severity.WARNING,
        "performance.planned",
        "≥ 20% probability",
    )
    assert "11 quarters, 2012-13 Q1 to 2014-15 Q3" in f.message
    assert f.found == "under 0.1%" and "reduction is under 0.1% likely to be met" in f.message


def test_a_modest_rise_is_reported_with_its_probability() -> None:
    (f,) = findings(history_plan(2, noise=0.03), "P4P-101")
    assert 0 < float(f.found.rstrip("%")) < 20


def test_a_falling_trend_supports_the_ambition() -> None:
    assert findings(history_plan(-8, noise=0.01), "P4P-101") == []


def test_not_enough_history_means_no_finding() -> None:
    assert findings(small_plan(), "P4P-101") == []


def test_the_threshold_is_a_parameter() -> None:
    ctx = CheckContext(history_plan(6, noise=0.01), PACK)
    assert list(credibility_checks.credibility(ctx, threshold_pct=Decimal(0))) == []
    assert len(list(credibility_checks.credibility(ctx, threshold_pct=Decimal(20)))) == 1


def test_the_same_plan_always_gets_the_same_finding() -> None:
    plan = history_plan(3, noise=0.03)
    assert findings(plan, "P4P-101") == findings(plan, "P4P-101")
