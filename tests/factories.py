"""Small, complete, valid plans for tests: ``small_plan()`` (a unitary area) and ``two_tier_plan()`` (a county).

Both pass every check of the ``bcf-2015-16`` pack with no errors and no warnings. Tests change one thing
and assert the one finding that change causes, e.g.::

    plan = small_plan(risks=[])                       # replace a whole top-level field
    plan = small_plan()
    plan.contributions[0].amount += Decimal("0.01")   # or mutate the returned (fresh) plan

Import with ``from factories import small_plan`` (pytest puts ``tests/`` on the path).

The figures (all exact):

- Unitary "Riverton": council ``E06000901`` and CCG ``99X`` (100% in the area), one pooled s75 pool
  ``BCF`` hosted by the council.
- 2014-15: CCG minimum £4,000,000; social care transfer £3,000,000; DFG £900,000 (capital). Total £7,900,000.
- 2015-16: CCG minimum £8,000,000; social care transfer £3,100,000; DFG £950,000 (capital). Total £12,050,000.
- Performance (pack quarters ``2014-15 Q4`` .. ``2015-16 Q3``): baseline 5,000 a quarter, plan 4,825
  (3.5% fewer), so the planned reduction is 700 admissions and the pot is 700 × £1,490 = £1,043,000.
  Fund share £2,000,000, so the ring-fence remainder is £957,000; the CCG-commissioned community health
  scheme spends £4,000,000 / £8,000,000.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from carepool.model.plan import (
    Area,
    AreaType,
    CommissionerShare,
    ConditionStatement,
    ConditionStatus,
    Contribution,
    HeadsOfTerms,
    Kpi,
    Level,
    MetricPlan,
    MetricValue,
    Milestone,
    Minimum,
    Organisation,
    OrgKind,
    Partner,
    PerformancePlan,
    Plan,
    Pool,
    QuarterCount,
    Risk,
    RiskShareMethod,
    RiskShareRule,
    Scheme,
    SchemeFunding,
    Signatory,
    StatedTotal,
    Task,
)
from carepool.policy.loader import load_pack
from carepool.policy.schema import PolicyPack
from carepool.rules.base import REGISTRY, CheckContext, Finding, effective_severity, run_checks

PACK_ID = "bcf-2015-16"
YEARS = ["2014-15", "2015-16"]

COUNCIL = "E06000901"
CCG = "99X"
COMMUNITY_TRUST = "RX9"

COUNTY = "E10000901"
DISTRICT_NORTH = "E07000901"
DISTRICT_SOUTH = "E07000902"
COUNTY_CCG = "98Y"

BASELINE_PER_QUARTER = Decimal("5000")
AMBITION_PCT = Decimal("3.5")
UNIT_COST = Decimal("1490")


# --- pieces shared by both plans -------------------------------------------------------------------


def _conditions() -> list[ConditionStatement]:
    pack = load_pack(PACK_ID)
    return [
        ConditionStatement(
            condition=c.id,
            status=ConditionStatus.MET,
            statement=f"{c.title}: met; evidence is set out in the narrative and agreed by all partners.",
        )
        for c in pack.national_conditions
    ]


def _narrative() -> dict[str, str]:
    pack = load_pack(PACK_ID)
    return {s.id: f"{s.title}: agreed text for the board paper." for s in pack.narrative_sections}


def _performance(fund_share: Decimal) -> PerformancePlan:
    """Baseline 5,000 a quarter, 3.5% ambition, pot = planned reduction × £1,490."""
    quarters = load_pack(PACK_ID).performance.quarters
    planned = BASELINE_PER_QUARTER * (100 - AMBITION_PCT) / 100  # 4,825 exactly
    reduction = (BASELINE_PER_QUARTER - planned) * len(quarters)
    return PerformancePlan(
        baseline=[QuarterCount(quarter=q, admissions=BASELINE_PER_QUARTER) for q in quarters],
        planned=[QuarterCount(quarter=q, admissions=planned) for q in quarters],
        ambition_pct=AMBITION_PCT,
        justification="Ambition meets the national expectation of a 3.5% reduction.",
        fund_share=fund_share,
        stated_pot=reduction * UNIT_COST,
        average_length_of_stay_days=Decimal("5.5"),
    )


def _metrics() -> list[MetricPlan]:
    def values(*pairs: tuple[str, str]) -> list[MetricValue]:
        return [MetricValue(period=p, value=Decimal(v)) for p, v in pairs]

    quarters = load_pack(PACK_ID).performance.quarters
    return [
        MetricPlan(
            metric="nel_admissions",
            baseline=MetricValue(period="2013-14", value=Decimal("20000")),
            plan=[MetricValue(period=q, value=Decimal("4825")) for q in quarters],
        ),
        MetricPlan(
            metric="residential_admissions",
            baseline=MetricValue(period="2013-14", value=Decimal("650.5")),
            plan=values(("2014-15", "640"), ("2015-16", "620")),
        ),
        MetricPlan(
            metric="reablement",
            baseline=MetricValue(period="2013-14", value=Decimal("81.2")),
            plan=values(("2014-15", "82"), ("2015-16", "83.5")),
        ),
        MetricPlan(
            metric="dtoc",
            baseline=MetricValue(period="2013-14 Q4", value=Decimal("310")),
            plan=values(("2015-16 Q1", "300"), ("2015-16 Q2", "295")),
        ),
        MetricPlan(
            metric="experience",
            baseline=MetricValue(period="2013-14", value=Decimal("64")),
            plan=values(("2015-16", "66")),
        ),
        MetricPlan(
            metric="local",
            name="Falls-related admissions 65+ per 100,000",
            baseline=MetricValue(period="2013-14", value=Decimal("2100")),
            plan=values(("2015-16", "2000")),
        ),
    ]


def _risks(council: str, ccg: str) -> list[Risk]:
    return [
        Risk(
            id="R1",
            description="Emergency admissions do not fall as planned, so performance money is withheld.",
            impact=Level.HIGH,
            probability=Level.MEDIUM,
            mitigation="Monthly admissions tracking at the BCF executive group; contingency in the risk share.",
            owner=f"Director of Commissioning, {ccg}",
        ),
        Risk(
            id="R2",
            description="Care Act duties raise demand for social care assessments.",
            impact=Level.MEDIUM,
            probability=Level.MEDIUM,
            mitigation="Care Act implementation funding held in the pool; quarterly demand review.",
            owner=f"Director of Adult Social Care, {council}",
        ),
    ]


def _milestones() -> list[Milestone]:
    # Done, so the plan is clean whatever today's date (MIL-001 flags overdue milestones not done).
    return [
        Milestone(
            id="M1",
            title="Section 75 agreement signed",
            owner="Head of Integrated Commissioning",
            deadline=date(2015, 3, 31),
            status="done",
            tasks=[Task(title="Heads of terms to both boards", deadline=date(2015, 1, 31), status="done")],
        ),
        Milestone(
            id="M2",
            title="Seven-day discharge team live",
            owner="Community services lead",
            deadline=date(2015, 6, 30),
            status="done",
        ),
    ]


def _s75(host: str, splits: dict[str, Decimal]) -> HeadsOfTerms:
    return HeadsOfTerms(
        aims_and_outcomes="Fewer emergency admissions and more people supported at home.",
        contributions_and_variation="Contributions as in the finance schedule; varied by agreement of the board.",
        functions="Adult social care and community health functions listed in schedule 1.",
        people_and_services="Adults with long-term conditions and older people at risk of admission.",
        resources_provided="Staff of both partners working in integrated teams; council premises.",
        duration_review_termination="1 April 2015 to 31 March 2016; annual review; six months' notice.",
        management_and_monitoring="Quarterly pool reports and an annual return to both partners.",
        host=host,
        pool_manager="Head of Integrated Commissioning",
        risk_share=RiskShareRule(
            method=RiskShareMethod.FIXED_SPLIT,
            splits=splits,
            description="Overspends and underspends shared equally.",
        ),
        approval_stage="heads_of_terms",
    )


def _signatories(partner_codes: list[str]) -> list[Signatory]:
    people = [
        Signatory(signs_for=code, name=f"Signatory {i + 1}", position="Chief Executive")
        for i, code in enumerate(partner_codes)
    ]
    return [
        *people,
        Signatory(signs_for="hwb", name="Cllr A. Chair", position="Chair, Health and Wellbeing Board"),
    ]


def _funding(pool: str, partner: str, stream: str, amounts: dict[str, str]) -> list[SchemeFunding]:
    return [
        SchemeFunding(pool=pool, partner=partner, stream=stream, year=y, amount=Decimal(a))
        for y, a in amounts.items()
    ]


# --- the unitary plan ------------------------------------------------------------------------------


def _small_plan_fields() -> dict[str, Any]:
    money = {
        # (partner, stream, capital): {year: amount}
        (CCG, "ccg_minimum", False): {"2014-15": "4000000.00", "2015-16": "8000000.00"},
        (CCG, "social_care_transfer", False): {"2014-15": "3000000.00", "2015-16": "3100000.00"},
        (COUNCIL, "dfg", True): {"2014-15": "900000.00", "2015-16": "950000.00"},
    }
    contributions = [
        Contribution(
            id=f"C{i + 1}",
            partner=partner,
            stream=stream,
            pool="BCF",
            year=year,
            amount=Decimal(amount),
            capital=capital,
            reference=f"{stream} allocation {year}",
        )
        for i, ((partner, stream, capital), year, amount) in enumerate(
            (key, y, a) for key, by_year in money.items() for y, a in by_year.items()
        )
    ]
    minimums = [
        Minimum(partner=partner, stream=stream, year=year, amount=Decimal(amount))
        for (partner, stream, _), by_year in money.items()
        for year, amount in by_year.items()
    ]
    schemes = [
        Scheme(
            ref="S1",
            name="Community rapid response and admission avoidance",
            type="intermediate_care",
            area_of_spend="community_health",
            commissioners=[CommissionerShare(partner=CCG, pct=Decimal("100"))],
            provider=COMMUNITY_TRUST,
            new_or_existing="new",
            description="Two-hour crisis response and step-up beds.",
            outcomes=["Fewer emergency admissions of people 65+"],
            kpis=[Kpi(name="Admissions avoided", target="700 a year")],
            funding=_funding("BCF", CCG, "ccg_minimum", money[(CCG, "ccg_minimum", False)]),
            planned_savings={"2015-16": Decimal("1043000.00")},
        ),
        Scheme(
            ref="S2",
            name="Protecting adult social care and reablement",
            type="reablement",
            area_of_spend="social_care",
            commissioners=[
                CommissionerShare(partner=COUNCIL, pct=Decimal("60")),
                CommissionerShare(partner=CCG, pct=Decimal("40")),
            ],
            provider=COUNCIL,
            new_or_existing="existing",
            description="Reablement and home care that keeps people out of hospital.",
            funding=_funding("BCF", CCG, "social_care_transfer", money[(CCG, "social_care_transfer", False)]),
        ),
        Scheme(
            ref="S3",
            name="Disabled facilities adaptations",
            type="home_adaptations",
            area_of_spend="social_care",
            commissioners=[CommissionerShare(partner=COUNCIL, pct=Decimal("100"))],
            provider=COUNCIL,
            new_or_existing="existing",
            funding=_funding("BCF", COUNCIL, "dfg", money[(COUNCIL, "dfg", True)]),
        ),
    ]
    return {
        "id": "riverton-2015-16",
        "title": "Riverton Better Care Fund plan 2014-16",
        "policy": PACK_ID,
        "area": Area(
            ons_code=COUNCIL, name="Riverton", type=AreaType.UNITARY, region="North", population=250000
        ),
        "years": list(YEARS),
        "organisations": [
            Organisation(code=COUNCIL, name="Riverton City Council", kind=OrgKind.UPPER_TIER_COUNCIL),
            Organisation(code=CCG, name="NHS Riverton CCG", kind=OrgKind.CCG),
            Organisation(
                code=COMMUNITY_TRUST, name="Riverton Community Health NHS Trust", kind=OrgKind.PROVIDER
            ),
        ],
        "partners": [
            Partner(org=COUNCIL, share_pct=Decimal("100")),
            Partner(org=CCG, share_pct=Decimal("100")),
        ],
        "minimums": minimums,
        "pools": [
            Pool(
                id="BCF",
                name="Riverton Better Care Fund pool",
                topic="whole fund",
                footprint="whole area",
                host=COUNCIL,
                pool_manager="Head of Integrated Commissioning",
            )
        ],
        "contributions": contributions,
        "schemes": schemes,
        "metrics": _metrics(),
        "performance": _performance(Decimal("2000000.00")),
        "conditions": _conditions(),
        "risks": _risks(COUNCIL, CCG),
        "milestones": _milestones(),
        "s75": _s75(COUNCIL, {COUNCIL: Decimal("50"), CCG: Decimal("50")}),
        "signatories": _signatories([COUNCIL, CCG]),
        "narrative": _narrative(),
        "stated_totals": [
            StatedTotal(
                label="Total pooled budget 2014-15", of="contributions", year="2014-15", amount="7900000"
            ),
            StatedTotal(
                label="Total pooled budget 2015-16", of="contributions", year="2015-16", amount="12050000"
            ),
            StatedTotal(
                label="CCG contribution 2015-16", of="partner", key=CCG, year="2015-16", amount="11100000"
            ),
            StatedTotal(label="Scheme S1 2015-16", of="scheme", key="S1", year="2015-16", amount="8000000"),
            StatedTotal(label="Minimums 2015-16", of="minimums", year="2015-16", amount="12050000"),
        ],
    }


def small_plan(**overrides: Any) -> Plan:
    """A complete, clean unitary plan; keyword arguments replace whole top-level fields of the plan."""
    fields = _small_plan_fields()
    unknown = set(overrides) - set(Plan.model_fields)
    if unknown:
        raise TypeError(f"small_plan() got unknown plan fields: {sorted(unknown)}")
    fields.update(overrides)
    return Plan.model_validate(fields)


# --- the two-tier plan -----------------------------------------------------------------------------


def two_tier_plan(**overrides: Any) -> Plan:
    """A clean county plan: county council, one CCG, two district councils receiving the DFG.

    Two pools: ``MAIN`` (hosted by the county) and ``NHS`` (hosted by the CCG, for community health).
    DFG: 2014-15 £1,000,000 → north £600,000 + south £400,000; 2015-16 £1,200,000 → £700,000 + £500,000.
    """
    c = {
        # (id, partner, stream, pool, year, amount, capital)
        ("K1", COUNTY_CCG, "social_care_transfer", "MAIN", "2014-15", "5000000.00", False),
        ("K2", COUNTY_CCG, "social_care_transfer", "MAIN", "2015-16", "5200000.00", False),
        ("K3", COUNTY, "dfg", "MAIN", "2014-15", "1000000.00", True),
        ("K4", COUNTY, "dfg", "MAIN", "2015-16", "1200000.00", True),
        ("K5", COUNTY_CCG, "ccg_minimum", "NHS", "2014-15", "6000000.00", False),
        ("K6", COUNTY_CCG, "ccg_minimum", "NHS", "2015-16", "12000000.00", False),
        ("K7", COUNTY, "council_additional", "MAIN", "2015-16", "250000.00", False),
    }
    contributions = [
        Contribution(
            id=i,
            partner=partner,
            stream=stream,
            pool=pool,
            year=year,
            amount=Decimal(amount),
            capital=capital,
            reference=f"{stream} {year}",
        )
        for i, partner, stream, pool, year, amount, capital in sorted(c)
    ]
    minimums = [
        Minimum(partner=k.partner, stream=k.stream, year=k.year, amount=k.amount)
        for k in contributions
        if k.stream != "council_additional"
    ]

    def county_only() -> list[CommissionerShare]:  # fresh objects, so a test can change one scheme
        return [CommissionerShare(partner=COUNTY, pct=Decimal("100"))]

    schemes = [
        Scheme(
            ref="T1",
            name="Social care protection",
            type="reablement",
            area_of_spend="social_care",
            commissioners=county_only(),
            provider=COUNTY,
            new_or_existing="existing",
            funding=[
                *_funding(
                    "MAIN", COUNTY_CCG, "social_care_transfer", {"2014-15": "5000000", "2015-16": "5200000"}
                ),
                *_funding("MAIN", COUNTY, "council_additional", {"2015-16": "250000"}),
            ],
        ),
        Scheme(
            ref="T2",
            name="Disabled facilities grant: north district",
            type="home_adaptations",
            area_of_spend="social_care",
            commissioners=county_only(),
            provider=DISTRICT_NORTH,
            new_or_existing="existing",
            funding=_funding("MAIN", COUNTY, "dfg", {"2014-15": "600000", "2015-16": "700000"}),
        ),
        Scheme(
            ref="T3",
            name="Disabled facilities grant: south district",
            type="home_adaptations",
            area_of_spend="social_care",
            commissioners=county_only(),
            provider=DISTRICT_SOUTH,
            new_or_existing="existing",
            funding=_funding("MAIN", COUNTY, "dfg", {"2014-15": "400000", "2015-16": "500000"}),
        ),
        Scheme(
            ref="T4",
            name="Integrated community teams",
            type="integrated_care_teams",
            area_of_spend="community_health",
            commissioners=[CommissionerShare(partner=COUNTY_CCG, pct=Decimal("100"))],
            provider=COMMUNITY_TRUST,
            new_or_existing="new",
            funding=_funding("NHS", COUNTY_CCG, "ccg_minimum", {"2014-15": "6000000", "2015-16": "12000000"}),
        ),
    ]
    fields: dict[str, Any] = {
        "id": "shireshire-2015-16",
        "title": "Shireshire Better Care Fund plan 2014-16",
        "policy": PACK_ID,
        "area": Area(ons_code=COUNTY, name="Shireshire", type=AreaType.COUNTY, region="Midlands"),
        "years": list(YEARS),
        "organisations": [
            Organisation(code=COUNTY, name="Shireshire County Council", kind=OrgKind.UPPER_TIER_COUNCIL),
            Organisation(
                code=DISTRICT_NORTH, name="North Shire District Council", kind=OrgKind.DISTRICT_COUNCIL
            ),
            Organisation(
                code=DISTRICT_SOUTH, name="South Shire District Council", kind=OrgKind.DISTRICT_COUNCIL
            ),
            Organisation(code=COUNTY_CCG, name="NHS Shireshire CCG", kind=OrgKind.CCG),
            Organisation(
                code=COMMUNITY_TRUST, name="Shire Community Health NHS Trust", kind=OrgKind.PROVIDER
            ),
        ],
        "partners": [
            Partner(org=COUNTY, share_pct=Decimal("100")),
            Partner(org=COUNTY_CCG, share_pct=Decimal("100")),
        ],
        "minimums": minimums,
        "pools": [
            Pool(
                id="MAIN",
                name="Social care and housing pool",
                host=COUNTY,
                pool_manager="Head of Commissioning",
            ),
            Pool(
                id="NHS",
                name="Community health pool",
                host=COUNTY_CCG,
                pool_manager="Deputy Chief Finance Officer",
            ),
        ],
        "contributions": contributions,
        "schemes": schemes,
        "metrics": _metrics(),
        "performance": _performance(Decimal("3000000.00")),
        "conditions": _conditions(),
        "risks": _risks(COUNTY, COUNTY_CCG),
        "milestones": _milestones(),
        "s75": _s75(COUNTY, {COUNTY: Decimal("50"), COUNTY_CCG: Decimal("50")}),
        "signatories": _signatories([COUNTY, COUNTY_CCG]),
        "narrative": _narrative(),
        "stated_totals": [
            StatedTotal(label="DFG 2015-16", of="stream", key="dfg", year="2015-16", amount="1200000"),
            StatedTotal(label="Main pool 2015-16", of="pool", key="MAIN", year="2015-16", amount="6650000"),
        ],
    }
    unknown = set(overrides) - set(Plan.model_fields)
    if unknown:
        raise TypeError(f"two_tier_plan() got unknown plan fields: {sorted(unknown)}")
    fields.update(overrides)
    return Plan.model_validate(fields)


# --- running checks in tests -----------------------------------------------------------------------


def findings(
    plan: Plan, *codes: str, pack: PolicyPack | None = None, today: date | None = None
) -> list[Finding]:
    """Run the named checks (all when none are named) on a plan; ``today`` is passed to date-aware checks."""
    pack = pack or load_pack(plan.policy)
    if today is None:
        return run_checks(plan, pack, codes or None)
    run_checks(plan, pack, [])  # loads the catalogue
    ctx = CheckContext(plan, pack, cache={"today": today})
    out: list[Finding] = []
    for chk in REGISTRY.values():
        severity = effective_severity(chk, pack)
        if severity is None or (codes and chk.code not in codes):
            continue
        for d in chk.fn(ctx):
            out.append(
                Finding(
                    chk.code, d.severity or severity, d.message, d.location, chk.rule, d.found, d.expected
                )
            )
    return out
