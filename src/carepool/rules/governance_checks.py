"""Governance checks: conditions, s75 heads of terms, risks, milestones, signatories, narrative, metrics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from carepool.model.plan import ConditionStatus, MetricPlan, OrgKind, Plan, RiskShareMethod, RiskShareStep
from carepool.money import ZERO, fmt_pounds
from carepool.policy.schema import Metric
from carepool.rules.base import CheckContext, Draft, Severity, check
from carepool.rules.finance_checks import org_label

SIGNING_KINDS = (OrgKind.UPPER_TIER_COUNCIL, OrgKind.DISTRICT_COUNCIL, OrgKind.CCG, OrgKind.ICB)
HIGH_RISK_SCORE = 6  # High x Medium or worse on the 3 x 3 grid
# The 2014 experience metric was "nationally to be developed" (areas chose an interim local measure), so a
# gap there is a warning. Not taken from `confidence`: packs mark many sound metrics unconfirmed as to source.
ADVISORY_METRICS = frozenset({"experience"})


# --- national conditions ---------------------------------------------------------------------------


@check("CON-001", "Every national condition has a statement", Severity.ERROR, "national conditions")
def conditions_stated(ctx: CheckContext) -> Iterator[Draft]:
    """Each national condition of the pack has one statement with text saying how the plan meets it.

    Before: conditions list NC1..NC5 only → CON-001 at ``conditions`` ("NC6 Impact on acute providers
    agreed" has no statement); NC3 with statement "" → CON-001 at ``conditions[2].statement``; NC2 stated
    twice → CON-001 at the second one.
    After: six statements, each with text → no finding.
    """
    stated: dict[str, int] = {}
    for i, s in enumerate(ctx.plan.conditions):
        if s.condition in stated:
            yield Draft(
                f"Condition {s.condition} has a second statement (the first is conditions[{stated[s.condition]}]); "
                "merge them into one.",
                f"conditions[{i}]",
                found="two statements",
                expected="one statement per condition",
            )
        stated.setdefault(s.condition, i)
    for cond in ctx.pack.national_conditions:
        at = stated.get(cond.id)
        if at is None:
            yield Draft(
                f"National {cond.kind} {cond.id} '{cond.title}' has no statement; add one saying whether and "
                "how the plan meets it.",
                "conditions",
                found="no statement",
                expected=f"a statement for {cond.id}",
            )
        elif not ctx.plan.conditions[at].statement:
            yield Draft(
                f"The statement for {cond.id} '{cond.title}' is empty; say how the plan meets the condition.",
                f"conditions[{at}].statement",
                found="blank",
                expected="text",
            )


@check("CON-002", "National conditions met", Severity.WARNING, "national conditions")
def conditions_met(ctx: CheckContext) -> Iterator[Draft]:
    """A condition stated as not met is a warning for assurers; one in progress is information.

    Before: NC4 status "not_met" → CON-002 warning at ``conditions[3].status``; "in_progress" → info.
    After: status "met" → no finding.
    """
    titles = {c.id: c.title for c in ctx.pack.national_conditions}
    for i, s in enumerate(ctx.plan.conditions):
        if s.status is ConditionStatus.MET:
            continue
        not_met = s.status is ConditionStatus.NOT_MET
        yield Draft(
            f"Condition {s.condition} '{titles.get(s.condition, s.condition)}' is stated as "
            f"{'not met' if not_met else 'in progress'}; the plan should say what will be done and by when.",
            f"conditions[{i}].status",
            found=s.status.value,
            expected=ConditionStatus.MET.value,
            severity=None if not_met else Severity.INFO,
        )


# --- section 75 ------------------------------------------------------------------------------------


def _s75_item_missing(plan: Plan, item: str) -> str | None:
    """Why a heads-of-terms item is missing, or None when it is present."""
    hot = plan.s75
    if item == "host":
        if hot.host is None:
            return "no host partner is named"
        partners = {p.org for p in plan.partners}
        return None if hot.host in partners else f"host {hot.host} is not a partner"
    if item == "risk_share":
        return None if hot.risk_share is not None else "no risk-share rule is set"
    value = getattr(hot, item, None)
    if not isinstance(value, str):
        return f"the plan has no heads-of-terms item '{item}'"
    return None if value else "the text is blank"


@check("S75-001", "Section 75 heads of terms complete", Severity.ERROR, "s75 reg 7 items (pack s75_items)")
def s75_items_present(ctx: CheckContext) -> Iterator[Draft]:
    """Every heads-of-terms item the pack lists (the regulation 7 items, host, pool manager, risk share) is there.

    Before: s75.functions "" and s75.risk_share missing → S75-001 at ``s75.functions`` and ``s75.risk_share``.
    After: functions described and a 50/50 fixed split → no finding.
    """
    for item in ctx.pack.s75_items:
        why = _s75_item_missing(ctx.plan, item)
        if why is not None:
            label = item.replace("_", " ")
            yield Draft(
                f"Section 75 heads of terms: '{label}' is missing ({why}); complete it before sign-off.",
                f"s75.{item}",
                found=why,
                expected=label,
            )


@check("S75-002", "Risk-share rule is well formed", Severity.ERROR, "s75 risk share")
def risk_share_valid(ctx: CheckContext) -> Iterator[Draft]:
    """A fixed split sums to 100%; an ordered rule has steps, and a risk pool amount if it draws one.

    Before: fixed_split {E06000901: 50, 99X: 40} → S75-002 at ``s75.risk_share.splits`` (90%, not 100%);
    ordered [offset_underspends, risk_pool] with no risk_pool → S75-002 at ``s75.risk_share.risk_pool``.
    After: 50/50, or risk_pool £250,000 → no finding.
    """
    rule = ctx.plan.s75.risk_share
    if rule is None:
        return
    pct = sum(rule.splits.values(), ZERO)
    if (rule.method is RiskShareMethod.FIXED_SPLIT or rule.splits) and pct != 100:
        yield Draft(
            f"Risk-share split {', '.join(f'{k} {v}%' for k, v in rule.splits.items()) or '(none)'} adds up to "
            f"{pct}%, not 100%; correct the partners' percentages.",
            "s75.risk_share.splits",
            found=f"{pct}%",
            expected="100%",
        )
    if rule.method is RiskShareMethod.ORDERED and not rule.order:
        yield Draft(
            "Ordered risk share has no steps; list them (e.g. offset underspends, risk pool, cut uncommitted, "
            "outside the pool).",
            "s75.risk_share.order",
            found="no steps",
            expected="at least one step",
        )
    uses_pool = rule.method is RiskShareMethod.ORDERED and RiskShareStep.RISK_POOL in rule.order
    if uses_pool and (rule.risk_pool is None or rule.risk_pool <= 0):
        found = "none" if rule.risk_pool is None else fmt_pounds(rule.risk_pool)
        yield Draft(
            f"Ordered risk share draws on a risk pool but the risk pool amount is {found}; enter the amount set "
            "aside, or remove the risk_pool step.",
            "s75.risk_share.risk_pool",
            found=found,
            expected="an amount above £0.00",
        )


@check(
    "S75-003", "Each pooled fund has a host and a pool manager", Severity.ERROR, "s75 host and pool manager"
)
def pools_governed(ctx: CheckContext) -> Iterator[Draft]:
    """A pooled (not aligned) fund is hosted by a partner and has a named pool manager.

    Before: pools[1] pooled with pool_manager "" → S75-003 at ``pools[1].pool_manager``.
    After: pool_manager "Deputy Chief Finance Officer" (or the pool marked aligned) → no finding.
    """
    partners = {p.org for p in ctx.plan.partners}
    for i, pool in enumerate(ctx.plan.pools):
        if pool.arrangement != "pooled":
            continue
        if pool.host not in partners:
            yield Draft(
                f"Pool '{pool.name}' is hosted by {pool.host}, which is not a partner; the host must be a "
                "partner that keeps the pool's accounts.",
                f"pools[{i}].host",
                found=pool.host,
                expected="a partner code",
            )
        if not pool.pool_manager:
            yield Draft(
                f"Pool '{pool.name}' has no pool manager; name the host's officer who manages the fund.",
                f"pools[{i}].pool_manager",
                found="blank",
                expected="a named pool manager",
            )


# --- risks -----------------------------------------------------------------------------------------


def _needs_mitigation_error(score: int, status: str, mitigation: str) -> bool:
    return status == "open" and score >= HIGH_RISK_SCORE and not mitigation


@check("RSK-001", "Risks have an owner and a mitigation", Severity.ERROR, "risk log")
def risks_owned(ctx: CheckContext) -> Iterator[Draft]:
    """Each open risk has an owner and a mitigation (a missing mitigation on a high risk is RSK-002 instead).

    Before: risks[1] with owner "" → RSK-001 at ``risks[1].owner``.
    After: owner "Director of Adult Social Care" → no finding.
    """
    for i, r in enumerate(ctx.plan.risks):
        if r.status != "open":
            continue
        if not r.owner:
            yield Draft(
                f"Risk {r.id} has no owner; name the person who manages it.",
                f"risks[{i}].owner",
                found="blank",
                expected="an owner",
            )
        if not r.mitigation and not _needs_mitigation_error(r.score, r.status, r.mitigation):
            yield Draft(
                f"Risk {r.id} (score {r.score}) has no mitigation; say what will reduce it.",
                f"risks[{i}].mitigation",
                found="blank",
                expected="a mitigation",
            )


@check("RSK-002", "High risks are mitigated", Severity.ERROR, "risk log; risks and contingency")
def high_risks_mitigated(ctx: CheckContext) -> Iterator[Draft]:
    """An open risk scoring 6 or more (High x Medium or worse) must have a mitigation, whatever the pack says.

    Before: R1 High impact, Medium probability (score 6), mitigation "" → RSK-002 error at
    ``risks[0].mitigation``.
    After: a mitigation entered (or the risk closed) → no finding.
    """
    for i, r in enumerate(ctx.plan.risks):
        if _needs_mitigation_error(r.score, r.status, r.mitigation):
            yield Draft(
                f"Risk {r.id} is open and scores {r.score} ({r.impact.value} impact x {r.probability.value} "
                f"probability) but has no mitigation; a risk scoring {HIGH_RISK_SCORE} or more needs one.",
                f"risks[{i}].mitigation",
                found="blank",
                expected="a mitigation",
            )


# --- sign-off, narrative, metrics, milestones ------------------------------------------------------


@check("GOV-001", "Signatories named", Severity.WARNING, "authorisation and sign-off")
def signatories_named(ctx: CheckContext) -> Iterator[Draft]:
    """Each council and CCG partner, and the Health and Wellbeing Board chair, has a named signatory.

    Before: signatories for E06000901 and hwb only → GOV-001 warning at ``signatories`` (CCG 99X missing).
    After: a signatory for 99X added → no finding.
    """
    plan = ctx.plan
    named = {s.signs_for for s in plan.signatories if s.name}
    for p in plan.partners:
        if plan.org_kind(p.org) in SIGNING_KINDS and p.org not in named:
            yield Draft(
                f"No signatory is named for partner {org_label(plan, p.org)}; add who signs for it.",
                "signatories",
                found="none",
                expected=f"a signatory for {p.org}",
            )
    if "hwb" not in named:
        yield Draft(
            "No signatory is named for the Health and Wellbeing Board; add the chair (signs_for 'hwb').",
            "signatories",
            found="none",
            expected="a signatory for hwb",
        )


@check("NAR-001", "Required narrative sections written", Severity.ERROR, "plan narrative (pack sections)")
def narrative_complete(ctx: CheckContext) -> Iterator[Draft]:
    """Every narrative section the pack requires is present and not empty.

    Before: narrative without "acute_implications" → NAR-001 at ``narrative.acute_implications``.
    After: the section written → no finding.
    """
    for section in ctx.pack.narrative_sections:
        if section.required and not ctx.plan.narrative.get(section.id, "").strip():
            yield Draft(
                f"Narrative section '{section.title}' is missing or empty; write it before submission.",
                f"narrative.{section.id}",
                found="blank",
                expected="text",
            )


def _metric_gap(ctx: CheckContext, metric: Metric) -> tuple[str, str] | None:
    """(location, what is missing) for a pack metric, or None when the plan has it."""
    perf = ctx.plan.performance
    if metric.id == ctx.pack.performance.metric and perf.baseline and perf.planned:
        return None  # the paying metric is planned in the performance section
    entries: list[tuple[int, MetricPlan]] = [
        (i, m) for i, m in enumerate(ctx.plan.metrics) if m.metric == metric.id
    ]
    if not entries:
        return "metrics", "no entry"
    if any(m.baseline is not None and m.plan for _, m in entries):
        return None
    i, m = entries[0]
    return (
        (f"metrics[{i}].baseline", "no baseline") if m.baseline is None else (f"metrics[{i}].plan", "no plan")
    )


@check("MET-001", "National metrics have a baseline and a plan", Severity.ERROR, "national metrics")
def metrics_planned(ctx: CheckContext) -> Iterator[Draft]:
    """Each national (non-local) metric has a baseline and at least one planned value.

    The patient/service-user experience metric is a warning only (see ADVISORY_METRICS).
    Before: "dtoc" entry with no plan values → MET-001 at ``metrics[3].plan``.
    After: plan values for 2015-16 Q1 and Q2 → no finding.
    """
    for metric in ctx.pack.metrics:
        if metric.local:
            continue
        gap = _metric_gap(ctx, metric)
        if gap is None:
            continue
        location, missing = gap
        unsettled = metric.id in ADVISORY_METRICS
        yield Draft(
            f"Metric '{metric.name}' ({metric.id}) has {missing}; enter a baseline and at least one planned "
            "value.",
            location,
            found=missing,
            expected="a baseline and planned values",
            severity=Severity.WARNING if unsettled else None,
        )


def _today(ctx: CheckContext) -> date:
    today = ctx.cache.get("today")
    return today if isinstance(today, date) else date.today()


@check("MIL-001", "Milestones not overdue", Severity.WARNING, "plan of action: milestones")
def milestones_on_time(ctx: CheckContext) -> Iterator[Draft]:
    """A milestone whose deadline has passed and is not done is reported (today can be injected for tests).

    Before: M1 deadline 2015-03-31, status "in_progress", today 2015-04-10 → MIL-001 at
    ``milestones[0].status`` (10 days overdue).
    After: status "done", or a new deadline agreed → no finding.
    """
    today = _today(ctx)
    for i, m in enumerate(ctx.plan.milestones):
        if m.status == "done" or m.deadline >= today:
            continue
        days = (today - m.deadline).days
        yield Draft(
            f"Milestone {m.id} '{m.title}' was due {m.deadline.isoformat()} ({days} days ago) and is "
            f"{m.status.replace('_', ' ')}; mark it done or agree a new deadline"
            f"{f' with {m.owner}' if m.owner else ''}.",
            f"milestones[{i}].status",
            found=m.status,
            expected=f"done by {m.deadline.isoformat()}",
        )
