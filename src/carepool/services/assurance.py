"""Assurance: a regional assurer (for plans in their region) or a national admin records a decision on
a submitted version, bound to its hash, then clears its conditions one by one.

A decision is an ``assured`` event: a category from the plan's policy pack (``assurance_categories``),
notes per key line of enquiry, and conditions to clear, each with a due date. Each condition met is a
``condition_cleared`` event. Nothing is updated in place: the status (``carepool.services.status``)
folds these events. A new draft leaves the decision behind (it stays in the timeline); the next
submitted version starts a new round and needs its own decision.

Who may assure is decided from the roles of the one authorisation module
(``carepool.services.permissions``): the national admin for every plan, a regional assurer for the
plans of their region (the same scope in which ``VIEW_PLAN`` lets them see the plan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from carepool.model import Plan
from carepool.policy import load_pack
from carepool.problems import InputRejected, NotFound, Problem
from carepool.reference import lookup_area
from carepool.services.clock import now
from carepool.services.documents import load_document, require_plan, require_version, short
from carepool.services.errors import Conflict
from carepool.services.events import Kind, record
from carepool.services.facts import facts_of
from carepool.services.permissions import Action, Assignment, PlanScope, allowed
from carepool.services.ports import Database, Store
from carepool.services.records import VersionRecord
from carepool.services.status import (
    Assurance,
    PlanStatus,
    category_label,
    derive_status,
    history_of,
)
from carepool.services.units import write

# Key lines of enquiry: the 2014 NCAR KLOE themes, from ../shared/domain/rules.md §6.3 (marked
# UNCONFIRMED there, so kept as a short fixed list here rather than in the policy packs).
KLOES: dict[str, str] = {
    "vision_and_schemes": "Vision and schemes",
    "case_for_change": "Case for change",
    "plan_of_action": "Plan of action",
    "risks_and_contingency": "Risks and contingency",
    "alignment": "Alignment",
    "national_conditions": "National conditions",
    "engagement": "Engagement (including provider commentary)",
    "finance": "Finance",
    "metrics_and_ambition": "Metrics and ambition",
}
WITH_CONDITIONS = "approved_subject_to_conditions"
NOTE_MAX = 5000
CONDITION_MAX = 1000


def may_assure(assignments: Iterable[Assignment], plan: PlanScope | None = None) -> bool:
    """May this person record assurance on this plan (or, with no plan, on any plan at all)? The rule
    itself is ``permissions.allowed`` with ``Action.ASSURE_PLAN``, like every other permission."""
    return allowed(assignments, Action.ASSURE_PLAN, plan)


def scope_of(plan: Plan) -> PlanScope:
    """Where a plan sits; the region comes from the reference data, the plan's own text is a fallback."""
    try:
        region = lookup_area(plan.area.ons_code).region
    except NotFound:
        region = plan.area.region
    return PlanScope(plan.area.ons_code, region)


@dataclass(frozen=True, slots=True)
class ConditionInput:
    text: str
    due: date


def categories_of(plan: Plan) -> list[str]:
    return list(load_pack(plan.policy).assurance_categories)


def _refuse_outsider(by: Sequence[Assignment] | None, plan: Plan) -> None:
    if by is not None and not may_assure(by, scope_of(plan)):
        raise Conflict(
            [
                Problem(
                    "permission",
                    "assurance",
                    "only a national admin, or a regional assurer for this plan's region, may record assurance",
                    scope_of(plan).region,
                )
            ]
        )


def _submitted(store: Store, plan_id: str, expected: int | str | None) -> VersionRecord:
    latest = require_version(store, plan_id)
    if latest.status != "submitted":
        raise Conflict(
            [
                Problem(
                    "conflict",
                    "status",
                    f"version {latest.number} is a draft; assurance is recorded on a submitted version",
                    "draft",
                    "submitted",
                )
            ]
        )
    if expected is not None and str(expected) not in (str(latest.number), latest.sha256):
        raise Conflict(
            [
                Problem(
                    "conflict",
                    "version",
                    f"the plan moved on: the latest version is {latest.number} ({short(latest.sha256)})",
                    str(expected),
                    f"v{latest.number} {short(latest.sha256)}",
                )
            ]
        )
    return latest


def _validate(
    plan: Plan, category: str, notes: Mapping[str, str], conditions: Sequence[ConditionInput], today: date
) -> tuple[dict[str, str], list[Problem]]:
    problems: list[Problem] = []
    allowed_categories = categories_of(plan)
    if category not in allowed_categories:
        problems.append(
            Problem(
                "reference",
                "category",
                "choose an assurance category of the plan's policy pack",
                category or "(none)",
                ", ".join(allowed_categories),
            )
        )
    kept: dict[str, str] = {}
    for kloe, text in notes.items():
        if kloe not in KLOES:
            problems.append(
                Problem("reference", f"notes.{kloe}", "not a key line of enquiry", kloe, ", ".join(KLOES))
            )
        elif len(text.strip()) > NOTE_MAX:
            problems.append(Problem("reference", f"notes.{kloe}", f"notes are at most {NOTE_MAX} characters"))
        elif text.strip():
            kept[kloe] = text.strip()
    if not kept:
        problems.append(Problem("reference", "notes", "write notes for at least one key line of enquiry"))
    for i, c in enumerate(conditions, start=1):
        if not c.text.strip():
            problems.append(Problem("reference", f"conditions[{i}].text", "describe the condition"))
        elif len(c.text.strip()) > CONDITION_MAX:
            problems.append(
                Problem(
                    "reference",
                    f"conditions[{i}].text",
                    f"a condition is at most {CONDITION_MAX} characters",
                )
            )
        if c.due < today:
            problems.append(
                Problem(
                    "reference",
                    f"conditions[{i}].due",
                    "the due date must be today or later",
                    c.due.isoformat(),
                    f"{today.isoformat()} or later",
                )
            )
    if category == WITH_CONDITIONS and not conditions:
        problems.append(
            Problem("reference", "conditions", f"{category_label(category)} needs at least one condition")
        )
    if conditions and category in allowed_categories and category != WITH_CONDITIONS:
        problems.append(
            Problem(
                "reference",
                "conditions",
                f"conditions apply only to {category_label(WITH_CONDITIONS)}",
                category_label(category),
            )
        )
    return kept, problems


def record_assurance(
    db: Database,
    plan_id: str,
    *,
    category: str,
    notes: Mapping[str, str],
    conditions: Sequence[ConditionInput] = (),
    actor: str,
    by: Sequence[Assignment] | None,
    expected: int | str | None = None,
) -> PlanStatus:
    """Record the decision on the latest, submitted version. ``by`` is the acting person's roles (the
    web face passes them); None is the local operator of the database (the CLI), as for signing.
    Refused (nothing written) on bad input, a draft, a plan that moved on, or a decision already made."""

    def work(store: Store) -> PlanStatus:
        latest = _submitted(store, plan_id, expected)
        plan = load_document(latest.document)
        _refuse_outsider(by, plan)
        kept, problems = _validate(plan, category, notes, conditions, now().date())
        if problems:
            raise InputRejected(problems)
        required = facts_of(latest).signs_for
        status = derive_status(store.events(plan_id), required)
        if status.assurance is not None:
            raise Conflict(
                [
                    Problem(
                        "conflict",
                        "assurance",
                        f"version {latest.number} was already assured ({status.assurance.label}, by "
                        f"{status.assurance.actor}); a new round starts when the area resubmits",
                    )
                ]
            )
        record(
            store,
            Kind.ASSURED,
            actor=actor,
            plan_id=plan_id,
            version=latest.number,
            payload={
                "sha256": latest.sha256,
                "category": category,
                "notes": kept,
                "conditions": [
                    {"number": i, "text": c.text.strip(), "due": c.due.isoformat()}
                    for i, c in enumerate(conditions, start=1)
                ],
            },
        )
        return derive_status(store.events(plan_id), required)

    return write(db, work)


def clear_condition(
    db: Database,
    plan_id: str,
    number: int,
    *,
    actor: str,
    by: Sequence[Assignment] | None,
    note: str = "",
) -> PlanStatus:
    """Record that condition ``number`` of the current decision has been met."""

    def work(store: Store) -> PlanStatus:
        latest = require_version(store, plan_id)
        plan = load_document(latest.document)
        _refuse_outsider(by, plan)
        required = facts_of(latest).signs_for
        assurance = derive_status(store.events(plan_id), required).assurance
        if assurance is None:
            raise Conflict(
                [
                    Problem(
                        "conflict",
                        "assurance",
                        f"version {latest.number} has no assurance decision with conditions to clear",
                    )
                ]
            )
        condition = next((c for c in assurance.conditions if c.number == number), None)
        if condition is None:
            raise InputRejected(
                [
                    Problem(
                        "reference",
                        "condition",
                        f"there is no condition {number}",
                        str(number),
                        f"1 to {len(assurance.conditions)}" if assurance.conditions else "no conditions",
                    )
                ]
            )
        if not condition.open:
            raise Conflict(
                [
                    Problem(
                        "conflict",
                        "condition",
                        f"condition {number} was already cleared by {condition.cleared_by}",
                    )
                ]
            )
        record(
            store,
            Kind.CONDITION_CLEARED,
            actor=actor,
            plan_id=plan_id,
            version=latest.number,
            payload={"sha256": latest.sha256, "condition": number, "note": note.strip()[:NOTE_MAX]},
        )
        return derive_status(store.events(plan_id), required)

    return write(db, work)


@dataclass(frozen=True, slots=True)
class AssuranceView:
    """What the assurance pages and commands show for one plan."""

    plan_id: str
    title: str
    area_name: str
    scope: PlanScope
    categories: list[str]
    status: PlanStatus
    history: list[Assurance]  # every decision ever recorded on this plan, oldest first

    @property
    def current(self) -> Assurance | None:
        return self.status.assurance


def assurance_view(db: Database, plan_id: str) -> AssuranceView:
    with db.transaction() as store:
        latest = require_version(store, plan_id)
        header = store.plan(plan_id)
        events = store.events(plan_id)
    plan = load_document(latest.document)
    status = derive_status(events, facts_of(latest).signs_for)
    history = history_of(events)
    title = header.title if header else plan_id
    area = header.area_name if header else plan.area.name
    return AssuranceView(plan_id, title, area, scope_of(plan), categories_of(plan), status, history)


def assurance_history(db: Database, plan_id: str) -> list[Assurance]:
    """Every decision ever recorded on the plan, oldest first (cheap: the plan's events only)."""
    with db.transaction() as store:
        require_plan(store, plan_id)
        events = store.events(plan_id)
    return history_of(events)
