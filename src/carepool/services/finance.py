"""Finance over a stored plan version: minimums, flows, cross-subsidy, payments, risk share, savings.

Each function loads the version, calls the pure ``carepool.finance`` engine and returns a ``Report``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from carepool.finance.cross_subsidy import cross_subsidy as scheme_shares
from carepool.finance.flows import build_flows
from carepool.finance.minimums import minimum_position
from carepool.finance.performance import plan_release, plan_tranche_release
from carepool.finance.risk_share import settle
from carepool.finance.savings import plan_savings, stated_scheme_savings
from carepool.model import Plan
from carepool.money import MoneyError, to_money
from carepool.policy import load_pack
from carepool.problems import InputRejected, Problem
from carepool.services.plans import stored_plan
from carepool.services.ports import Database
from carepool.services.reports import Report, TableData, money, pct, plain


def _load(db: Database, plan_id: str, version: int | None) -> tuple[int, str, Plan]:
    v, plan = stored_plan(db, plan_id, version)
    return v.number, v.sha256, plan


def _year(plan: Plan, year: str | None) -> str | None:
    if year is not None and year not in plan.years:
        raise InputRejected(
            [Problem("reference", "--year", "not one of the plan's years", year, ", ".join(plan.years))]
        )
    return year


def minimums(db: Database, plan_id: str, version: int | None = None) -> Report:
    number, sha, plan = _load(db, plan_id, version)
    rows = minimum_position(plan, load_pack(plan.policy))
    table = TableData(
        "Minimum contributions against what was pooled",
        ("partner", "stream", "year", "minimum", "pooled", "aligned", "shortfall", "met"),
        [
            (
                r.partner,
                r.stream,
                r.year,
                money(r.minimum),
                money(r.pooled),
                money(r.aligned),
                money(r.shortfall),
                "yes" if r.met else "NO",
            )
            for r in rows
        ],
    )
    data = {"all_met": all(r.met for r in rows), "positions": [{**plain(r), "met": r.met} for r in rows]}
    return Report("minimums", plan_id, number, sha, data, [table])


def flows(db: Database, plan_id: str, version: int | None = None, year: str | None = None) -> Report:
    number, sha, plan = _load(db, plan_id, version)
    graph = build_flows(plan, _year(plan, year), load_pack(plan.policy))
    labels = {n.id: n.label for n in graph.nodes}
    layers = graph.layer_totals()
    data = {
        "year": graph.year,
        "reconciles": graph.reconciles(),
        "total": str(graph.total()),
        "layer_totals": plain(layers),
        "nodes": plain(graph.nodes),
        "edges": plain(graph.edges),
        "overcommitted": [{"pool": p, "amount": str(a)} for p, a in graph.overcommitted],
    }
    tables = [
        TableData(
            "Money carried across each layer", ("layer", "amount"), [(k, money(v)) for k, v in layers.items()]
        ),
        TableData(
            f"Funding flows ({graph.year or 'all years'})",
            ("from", "to", "amount"),
            [
                (labels.get(e.source, e.source), labels.get(e.target, e.target), money(e.amount))
                for e in graph.edges
            ],
        ),
    ]
    notes = [] if graph.reconciles() else ["The flows do not reconcile: layers carry different totals."]
    return Report("flows", plan_id, number, sha, data, tables, notes)


def cross_subsidy(db: Database, plan_id: str, version: int | None = None, year: str | None = None) -> Report:
    number, sha, plan = _load(db, plan_id, version)
    schemes = scheme_shares(plan, _year(plan, year))
    rows = [
        (
            s.scheme,
            s.name,
            p.partner,
            money(p.amount),
            pct(p.pct),
            pct(p.commissioner_pct),
            "yes" if p.pays_more_than_it_commissions else "",
        )
        for s in schemes
        for p in s.partners
    ]
    table = TableData(
        f"Each partner's share of each scheme ({year or 'all years'})",
        ("scheme", "name", "partner", "funds", "share", "commissions", "cross-subsidises"),
        rows,
    )
    data = {
        "year": year,
        "schemes": [
            {
                **plain(s),
                "partners": [
                    {**plain(p), "pays_more_than_it_commissions": p.pays_more_than_it_commissions}
                    for p in s.partners
                ],
            }
            for s in schemes
        ],
    }
    return Report("cross_subsidy", plan_id, number, sha, data, [table])


def payments(db: Database, plan_id: str, version: int | None = None) -> Report:
    number, sha, plan = _load(db, plan_id, version)
    pack = load_pack(plan.policy)
    mechanism = pack.performance.mechanism
    if mechanism == "nel_reduction":
        schedule = plan_release(plan, pack)
        d = schedule.design
        table = TableData(
            "Performance payments by quarter",
            ("quarter", "pot", "planned reduction", "actual reduction", "achieved", "released", "retained"),
            [
                (
                    q.quarter,
                    money(q.pot),
                    str(q.planned_reduction),
                    "—" if q.actual_reduction is None else str(q.actual_reduction),
                    pct(q.achievement_pct),
                    money(q.released) if q.assessed else "pending",
                    money(q.retained) if q.assessed else "pending",
                )
                for q in schedule.quarters
            ],
        )
        data = {
            "mechanism": mechanism,
            "pot": str(d.pot),
            "fund_share": None if d.fund_share is None else str(d.fund_share),
            "ring_fence": None if d.ring_fence is None else str(d.ring_fence),
            "ambition_pct": None if d.ambition_pct is None else str(d.ambition_pct),
            "released": str(schedule.released),
            "retained": str(schedule.retained),
            "pending": str(schedule.pending),
            "schedule": plain(schedule),
        }
        notes = [
            f"Pot {money(d.pot)}; ring-fenced for NHS out-of-hospital services {money(d.ring_fence)}.",
            f"Released so far {money(schedule.released)}; retained for acute activity {money(schedule.retained)};"
            f" not yet assessed {money(schedule.pending)}.",
        ]
        return Report("payments", plan_id, number, sha, data, [table], notes)
    if mechanism == "tranches":
        tranches = plan_tranche_release(plan, pack)
        table = TableData(
            "Performance payments by tranche",
            ("tranche", "due", "area amount", "criteria met", "released", "withheld"),
            [
                (
                    t.tranche,
                    t.due,
                    money(t.area_amount),
                    f"{len(t.met)} of {len(t.criteria)}",
                    money(t.released),
                    money(t.withheld),
                )
                for t in tranches
            ],
        )
        return Report(
            "payments", plan_id, number, sha, {"mechanism": mechanism, "tranches": plain(tranches)}, [table]
        )
    return Report(
        "payments",
        plan_id,
        number,
        sha,
        {"mechanism": mechanism},
        [],
        [f"{pack.id} has no payment-for-performance element."],
    )


def parse_actuals(items: list[str]) -> dict[str, Decimal]:
    """``REF=AMOUNT`` pairs from the command line, as exact money."""
    actual: dict[str, Decimal] = {}
    problems = []
    for item in items:
        ref, sep, amount = item.partition("=")
        try:
            if not sep or not ref.strip():
                raise MoneyError("expected SCHEME_REF=AMOUNT")
            actual[ref.strip()] = to_money(amount)
        except MoneyError as exc:
            problems.append(Problem("reference", f"--actual {item}", str(exc), item, "SCHEME_REF=1234.56"))
    if problems:
        raise InputRejected(problems)
    return actual


def risk_share(
    db: Database, plan_id: str, year: str, actual: Mapping[str, Decimal], version: int | None = None
) -> Report:
    """Settle the year under the plan's s75 rule. Schemes without an actual are taken as on budget."""
    number, sha, plan = _load(db, plan_id, version)
    _year(plan, year)
    budgets = {s.ref: sum((f.amount for f in s.funding if f.year == year), Decimal(0)) for s in plan.schemes}
    assumed = sorted(ref for ref in budgets if ref not in actual)
    settlement = settle(plan, year, {**budgets, **actual})
    steps = TableData(
        f"Risk-share settlement {year} ({settlement.method.value})",
        ("step", "partner", "scheme", "amount", "note"),
        [(s.step, s.partner or "", s.scheme or "", money(s.amount), s.note) for s in settlement.steps],
    )
    outturns = TableData(
        "Outturn by scheme",
        ("scheme", "budget", "actual", "variance"),
        [(o.scheme, money(o.budget), money(o.actual), money(o.variance)) for o in settlement.outturns],
    )
    data = {
        "year": year,
        "reconciles": settlement.reconciles(),
        "budget": str(settlement.budget),
        "actual": str(settlement.actual),
        "by_partner": plain(settlement.by_partner()),
        "assumed_on_budget": assumed,
        "settlement": plain(settlement),
    }
    notes = [f"Taken as on budget (no --actual given): {', '.join(assumed)}"] if assumed else []
    return Report("risk_share", plan_id, number, sha, data, [outturns, steps], notes)


def savings(db: Database, plan_id: str, version: int | None = None) -> Report:
    number, sha, plan = _load(db, plan_id, version)
    estimate = plan_savings(plan, load_pack(plan.policy))
    stated = {y: stated_scheme_savings(plan, y) for y in plan.years}
    table = TableData(
        "Savings from avoided emergency admissions",
        ("admissions avoided", "unit cost", "saving", "bed days freed"),
        [
            (
                str(estimate.admissions_avoided),
                money(estimate.unit_cost),
                money(estimate.saving),
                "—" if estimate.bed_days_freed is None else str(estimate.bed_days_freed),
            )
        ],
    )
    stated_table = TableData(
        "Savings the schemes state", ("year", "stated"), [(y, money(a)) for y, a in stated.items()]
    )
    data = {"estimate": plain(estimate), "stated_scheme_savings": plain(stated)}
    return Report(
        "savings", plan_id, number, sha, data, [table, stated_table], [estimate.note] if estimate.note else []
    )
