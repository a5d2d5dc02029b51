"""Check reports of stored versions are computed once per version hash (and day), never served stale."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carepool.model import Plan, pretty_json
from carepool.policy import PolicyPack
from carepool.rules import Finding
from carepool.rules import base as rules_base
from carepool.services import checks, imports, workflow
from carepool.services.ports import Database
from factories import small_plan


def test_a_stored_version_is_checked_once_and_a_new_version_afresh(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = small_plan()
    imports.import_plan_bytes(db, pretty_json(plan).encode(), "plan.json", "tester")
    calls: list[str] = []

    def counting(plan_arg: Plan, pack: PolicyPack) -> list[Finding]:
        calls.append(plan_arg.id)
        return rules_base.run_checks(plan_arg, pack)

    monkeypatch.setattr(checks, "run_checks", counting)
    checks._FINDINGS.clear()
    first = checks.check_stored(db, plan.id)
    second = checks.check_stored(db, plan.id)
    assert first.ok and second.ok and first.sha256 == second.sha256
    assert calls == [plan.id]

    broken = plan.model_copy(deep=True)
    broken.contributions[0].amount += Decimal("1.00")
    workflow.save_draft(db, broken, based_on=1, actor="tester")
    third = checks.check_stored(db, plan.id)
    assert third.version == 2 and third.sha256 != first.sha256
    assert "FIN-002" in {f.code for f in third.findings}
    assert calls == [plan.id, plan.id]
