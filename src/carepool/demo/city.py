"""Demo area (a): Brackenford, a fictional unitary city with one CCG — SYNTHETIC.

Mirrors the city project in ``shared/domain/overview.md`` §3.2: a project brief with milestones, a risk
register, a funding table per national stream with the money flow, and existing community services kept
funded with KPIs and outcome measures. Sized like a real city of ~310,000 people (a ~£22.7m fund).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from carepool.demo.builder import MONEY_FLOW, MoneyTable, gbp, nel_admissions_metric, scheme
from carepool.demo.text import CITY_CONDITIONS, CITY_NARRATIVE, CITY_S75
from carepool.model import (
    Area,
    AreaType,
    ConditionStatement,
    ConditionStatus,
    HeadsOfTerms,
    Level,
    MetricPlan,
    MetricValue,
    Milestone,
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
    Signatory,
    StatedTotal,
    Task,
)
from carepool.policy.schema import PolicyPack

COUNCIL = "E06900001"
CCG = "Z2A"
ACUTE, MENTAL_HEALTH, COMMUNITY, GP_FED, CARERS, VCS = "ZR1", "ZR2", "ZR3", "ZP1", "ZV1", "ZV2"
CH, SC = "BRK-CH", "BRK-SC"
Y1, Y2 = "2014-15", "2015-16"


# The funding table: each national stream and local addition, who pays it into which pool, and the
# schemes it pays for. Partners: E06900001 Brackenford City Council, Z2A NHS Brackenford CCG.
# 2014/15 is the preparatory year (the s256 transfer, held in the shadow social care pool).
FUNDING = """
id        | partner   | stream               | pool   | year    | amount    | spent on                                                        | reference
BRK-14-01 | Z2A       | social_care_transfer | BRK-SC | 2014-15 | 5,904,107 | BR07=rest BR08=610,000 BR14=290,000                             | 2014/15 NHS to social care transfer (s256), NHS England area team to council
BRK-14-02 | E06900001 | council_additional   | BRK-SC | 2014-15 | 1,380,000 | BR08=500,000 BR12=rest                                          | Council base budget 2014/15: reablement and community alarms
BRK-14-03 | Z2A       | ccg_additional       | BRK-CH | 2014-15 |   450,000 | BR03=rest                                                       | CCG non-recurrent 2% transformation money 2014/15: rapid response pilot
BRK-15-01 | Z2A       | ccg_minimum          | BRK-CH | 2015-16 | 7,535,360 | BR01=2,460,000 BR02=1,310,000 BR03=1,120,000 BR04=640,000 BR05=420,000 BR06=rest | CCG allocation 2015/16, BCF minimum: out-of-hospital share (CCG-hosted pool)
BRK-15-02 | Z2A       | ccg_minimum          | BRK-SC | 2015-16 | 2,950,952 | BR13=743,000 BR14=512,000 BR07=rest                             | CCG allocation 2015/16, BCF minimum: Care Act and social care share (council-hosted pool)
BRK-15-03 | Z2A       | social_care_transfer | BRK-SC | 2015-16 | 5,936,418 | BR15=640,000 BR12=380,000 BR07=rest                             | Former s256 transfer, now in CCG baseline: Department of Health to NHS England to CCG
BRK-15-04 | Z2A       | carers_breaks        | BRK-SC | 2015-16 |   702,550 | BR09=rest                                                       | Carers' breaks money in CCG baseline 2015/16
BRK-15-05 | Z2A       | reablement           | BRK-SC | 2015-16 | 1,621,240 | BR08=rest                                                       | Reablement money in CCG baseline 2015/16
BRK-15-06 | E06900001 | dfg                  | BRK-SC | 2015-16 | 1,188,000 | BR10=rest                                                       | Disabled Facilities Grant 2015/16: DCLG to council (the city is its own housing authority)
BRK-15-07 | E06900001 | social_care_capital  | BRK-SC | 2015-16 |   736,214 | BR11=rest                                                       | Adult social care capital grant 2015/16: Department of Health to council
BRK-15-08 | E06900001 | council_additional   | BRK-SC | 2015-16 | 1,450,000 | BR08=520,000 BR12=rest                                          | Council base budget 2015/16: reablement and community alarms brought into the pool
BRK-15-09 | Z2A       | ccg_additional       | BRK-CH | 2015-16 |   620,000 | BR02=rest                                                       | CCG additional contribution 2015/16: ten step-up beds
"""


def _money(pack: PolicyPack) -> MoneyTable:
    t = MoneyTable()
    t.add_table(FUNDING, capital_streams={s.code for s in pack.funding_streams if s.capital})
    return t


def _schemes(t: MoneyTable) -> list[Scheme]:
    ccg_only = [(CCG, "100")]
    council_only = [(COUNCIL, "100")]
    return [
        scheme(
            t,
            "BR01",
            "Integrated neighbourhood teams (four localities)",
            "integrated_care_teams",
            "community_health",
            ccg_only,
            COMMUNITY,
            True,
            "District nursing, community matrons, therapists and social workers in four locality teams "
            "aligned to GP practice clusters; case management for the 2% of adults most at risk of "
            "admission. The existing service specification continues, with a new risk-stratification "
            "schedule.",
            [
                "People with long-term conditions manage them at home for longer",
                "Fewer emergency admissions of people on a locality caseload",
            ],
            [
                ("Patients on active case management", "at least 5,400 (2% of adults) by March 2016"),
                ("Emergency admissions of case-managed patients", "15% fewer than 2013/14"),
                ("Care plans shared with the GP within 5 working days", "95%"),
            ],
            {Y2: gbp("620000")},
        ),
        scheme(
            t,
            "BR02",
            "Intermediate care: step-up and step-down beds and home-based rehabilitation",
            "intermediate_care",
            "community_health",
            ccg_only,
            COMMUNITY,
            True,
            "Thirty-two intermediate care beds at Larkhill Court plus ten new step-up beds from 2015/16, "
            "and the home-based rehabilitation team. Existing contract varied to add the step-up beds.",
            [
                "People return home after a crisis rather than being admitted",
                "Shorter stays in acute beds for older people",
            ],
            [
                ("Bed occupancy", "90%"),
                ("People discharged to their usual place of residence", "at least 75%"),
                ("Average length of stay", "21 days or fewer"),
            ],
            {Y2: gbp("540000")},
        ),
        scheme(
            t,
            "BR03",
            "Rapid response and admission avoidance, seven days a week",
            "seven_day_services",
            "community_health",
            ccg_only,
            COMMUNITY,
            False,
            "Nurse-led rapid response within two hours, 8am to 10pm every day, taking referrals from GPs, "
            "ambulance crews and the emergency department; piloted in 2014/15, commissioned from 2015/16.",
            ["Crises managed at home", "Fewer weekend admissions"],
            [
                ("Referrals seen within 2 hours", "90%"),
                ("Patients not admitted within 7 days of rapid response", "80%"),
            ],
            {Y2: gbp("425360")},
        ),
        scheme(
            t,
            "BR04",
            "Mental health crisis and older people's liaison",
            "integrated_care_teams",
            "mental_health",
            ccg_only,
            MENTAL_HEALTH,
            True,
            "Twenty-four hour crisis resolution and home treatment, and the older people's mental health "
            "liaison team in the acute hospital (existing service, specification continued).",
            ["People in mental health crisis supported outside hospital"],
            [
                ("Liaison assessments within 1 hour of referral from the emergency department", "90%"),
                ("Readmissions within 30 days", "under 8%"),
            ],
        ),
        scheme(
            t,
            "BR05",
            "Primary care in-reach to care homes",
            "integrated_care_teams",
            "primary_care",
            ccg_only,
            GP_FED,
            False,
            "A named GP and weekly ward round for each of the city's 46 care homes, with anticipatory "
            "care plans and medicines reviews.",
            ["Care home residents cared for in the home where clinically right"],
            [
                ("Care home residents with an anticipatory care plan", "95%"),
                ("Emergency admissions from care homes", "10% fewer than 2013/14"),
            ],
        ),
        scheme(
            t,
            "BR06",
            "Performance fund held against the emergency admissions reduction",
            "contingency",
            "acute",
            ccg_only,
            ACUTE,
            False,
            "The value of the planned reduction in non-elective admissions (1,064 × £1,490), held back "
            "by the CCG. Released to the pool quarterly in proportion to the reduction achieved; what is "
            "not earned pays the acute trust for the admissions that were not avoided.",
            ["Financial risk of missing the admissions ambition covered"],
            [("Quarterly reduction in non-elective admissions", "273, 259, 259, 273")],
        ),
        scheme(
            t,
            "BR07",
            "Protecting adult social care: community care packages at current eligibility",
            "personalised_care",
            "social_care",
            council_only,
            COUNCIL,
            True,
            "Maintains home care, day opportunities and direct payments for people with substantial "
            "needs, which would otherwise be reduced under the council's savings plan. This is the "
            "city's local definition of protecting social care services (condition 2).",
            [
                "Eligibility for adult social care kept at its 2013/14 level",
                "People supported to live independently at home",
            ],
            [
                ("People receiving community-based long-term support", "at least 3,150"),
                ("Service users who say services make them feel safe (ASCOF 4B)", "at least 82%"),
            ],
        ),
        scheme(
            t,
            "BR08",
            "Reablement service",
            "reablement",
            "social_care",
            [(COUNCIL, "60"), (CCG, "40")],
            COUNCIL,
            True,
            "The council's in-house reablement service: up to six weeks of free support after a hospital "
            "stay or a crisis, with therapists from the community trust. Capacity rises from 1,350 to "
            "1,650 starts a year.",
            ["People regain independence after illness or a hospital stay"],
            [
                ("Reablement starts", "1,650 in 2015/16"),
                ("Still at home 91 days after discharge (ASCOF 2B)", "85.5%"),
                ("No ongoing service after reablement", "60%"),
            ],
        ),
        scheme(
            t,
            "BR09",
            "Carers' support and breaks",
            "carers",
            "social_care",
            council_only,
            CARERS,
            True,
            "Carers' assessments, emergency carer cards, short breaks and the carers' centre contract, "
            "extended to meet the Care Act duties to carers from April 2015.",
            ["Carers able to continue caring and look after their own health"],
            [
                ("Carers' assessments completed", "1,900 in 2015/16"),
                ("Carers receiving a break", "1,100"),
            ],
        ),
        scheme(
            t,
            "BR10",
            "Disabled Facilities Grants and home adaptations",
            "home_adaptations",
            "other",
            council_only,
            COUNCIL,
            True,
            "Mandatory Disabled Facilities Grants (the city is the housing authority) and the "
            "home-improvement agency's fast-track minor adaptations.",
            ["People live safely in their own homes"],
            [
                ("Grants completed", "240 in 2015/16"),
                ("Average time from assessment to completion", "under 22 weeks"),
            ],
        ),
        scheme(
            t,
            "BR11",
            "Shared care record on the NHS number",
            "data_sharing",
            "other",
            council_only,
            COUNCIL,
            False,
            "Capital for the social care system upgrade that records and matches the NHS number, and the "
            "city's shared care record viewer for GPs, the hospital and social workers (condition 4).",
            ["Professionals see one up-to-date record"],
            [
                ("Social care records holding a verified NHS number", "95% by March 2016"),
                ("Organisations live on the shared care record", "5 of 5"),
            ],
        ),
        scheme(
            t,
            "BR12",
            "Telecare and community alarms",
            "assistive_technology",
            "social_care",
            council_only,
            COUNCIL,
            True,
            "Community alarms, falls sensors and the 24-hour response service.",
            ["Falls responded to without an ambulance where safe"],
            [("People with telecare", "4,800"), ("Falls responses within 45 minutes", "95%")],
        ),
        scheme(
            t,
            "BR13",
            "Care Act implementation",
            "care_act",
            "social_care",
            council_only,
            COUNCIL,
            False,
            "New duties from April 2015: assessments for carers and self-funders, information and "
            "advice, deferred payments and safeguarding boards.",
            ["The council meets its new Care Act duties from April 2015"],
            [("Assessment requests completed within 28 days", "85%")],
        ),
        scheme(
            t,
            "BR14",
            "Seven-day hospital social work and discharge team",
            "seven_day_services",
            "social_care",
            council_only,
            COUNCIL,
            False,
            "Social workers and brokerage at the acute hospital at weekends and bank holidays, so "
            "discharges are not held until Monday (condition 3).",
            ["Discharges at weekends as at other days"],
            [
                ("Share of social-care-supported discharges at weekends", "at least 22%"),
                ("Delayed days attributable to social care", "20% fewer than 2013/14"),
            ],
        ),
        scheme(
            t,
            "BR15",
            "Prevention and community navigation",
            "prevention",
            "social_care",
            council_only,
            VCS,
            False,
            "Community navigators linking isolated older people with local groups, befriending and "
            "falls-prevention classes, commissioned from the voluntary sector.",
            ["Fewer older people lonely or at risk of falls"],
            [("People supported by navigators", "1,200 a year"), ("Falls classes completed", "600")],
        ),
    ]


NEL_HISTORY: tuple[tuple[str, int], ...] = (
    ("2011-12 Q4", 8620),
    ("2012-13 Q1", 7960),
    ("2012-13 Q2", 8146),
    ("2012-13 Q3", 8467),
    ("2012-13 Q4", 8069),
    ("2013-14 Q1", 7841),
    ("2013-14 Q2", 7663),
    ("2013-14 Q3", 8241),
)
"""Quarterly non-elective admissions before the baseline year (SYNTHETIC): falling about 4% a year since
the integrated discharge team began in 2012. With the baseline rows they give the twelve quarters of
history the probability model needs (``carepool monitor simulate``)."""


def _metrics(pack: PolicyPack, perf: PerformancePlan) -> list[MetricPlan]:
    q = pack.performance.quarters

    def mv(period: str, value: str) -> MetricValue:
        return MetricValue(period=period, value=Decimal(value))

    return [
        nel_admissions_metric(perf, NEL_HISTORY, Y1),
        MetricPlan(
            metric="residential_admissions",
            baseline=mv("2013-14", "668.4"),
            plan=[mv(Y1, "646.0"), mv(Y2, "622.0")],
            actuals=[mv(Y1, "651.2")],
        ),
        MetricPlan(
            metric="reablement",
            baseline=mv("2013-14", "82.1"),
            plan=[mv(Y1, "84.0"), mv(Y2, "85.5")],
            actuals=[mv(Y1, "83.6")],
        ),
        MetricPlan(
            metric="dtoc",
            baseline=mv("2013-14 Q4", "861.3"),
            plan=[mv(q[0], "840.0"), mv(q[1], "820.0"), mv(q[2], "800.0"), mv(q[3], "780.0")],
            actuals=[mv("2014-15 Q1", "874.5"), mv("2014-15 Q2", "852.0"), mv(q[0], "829.4")],
        ),
        MetricPlan(
            metric="experience",
            name="People who say their health and social care services are joined up (local survey)",
            baseline=mv("2013-14", "61"),
            plan=[mv(Y1, "64"), mv(Y2, "68")],
            actuals=[mv(Y1, "63")],
        ),
        MetricPlan(
            metric="local",
            name="Emergency admissions for falls injuries, people aged 65+, per 100,000 (PHOF 2.24i)",
            baseline=mv("2013-14", "2310"),
            plan=[mv(Y1, "2250"), mv(Y2, "2190")],
        ),
    ]


def _performance(pack: PolicyPack) -> PerformancePlan:
    q = pack.performance.quarters
    baseline = [7800, 7400, 7400, 7800]
    # 3.5% of each quarter's baseline, the pack's expected minimum, in whole admissions.
    planned = [7527, 7141, 7141, 7527]
    actuals = [7593, 7162]
    unit_cost = pack.performance.unit_cost.value if pack.performance.unit_cost else Decimal(0)
    reduction = sum(baseline) - sum(planned)
    return PerformancePlan(
        baseline=[QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, baseline, strict=True)],
        planned=[QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, planned, strict=True)],
        actuals=[QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, actuals, strict=False)],
        ambition_pct=Decimal("3.5"),
        fund_share=gbp("5519112"),
        stated_pot=gbp(str(Decimal(reduction) * unit_cost)),
        average_length_of_stay_days=Decimal("5.8"),
    )


def _milestones() -> list[Milestone]:
    def m(
        mid: str, title: str, owner: str, deadline: date, tasks: list[tuple[str, str, date]] | None = None
    ) -> Milestone:
        return Milestone(
            id=mid,
            title=title,
            owner=owner,
            deadline=deadline,
            status="done",
            tasks=[Task(title=t, owner=o, deadline=d, status="done") for t, o, d in tasks or []],
        )

    pm = "BCF Programme Manager"
    finance = "Chief Finance Officer, NHS Brackenford CCG"
    return [
        m(
            "M01",
            "Scope review: services in and out of the fund",
            pm,
            date(2014, 1, 17),
            [
                (
                    "Map existing s256 and joint-commissioned budgets",
                    "Head of Joint Commissioning",
                    date(2014, 1, 10),
                ),
                ("Agree scope with the Integrated Commissioning Board", pm, date(2014, 1, 17)),
            ],
        ),
        m(
            "M02",
            "Options appraisal for the service delivery vehicle (lead commissioning, pooled fund, alliance)",
            "Strategic Director of People, Brackenford City Council",
            date(2014, 1, 31),
        ),
        m(
            "M03",
            "Financial modelling: acute tariff impact and admission-avoidance savings",
            finance,
            date(2014, 2, 7),
            [
                ("Model tariff loss to the acute trust at 3.5% fewer admissions", finance, date(2014, 2, 3)),
                ("Bed days freed and their value", "Head of Contracting, CCG", date(2014, 2, 7)),
            ],
        ),
        m(
            "M04",
            "Performance measures and gap analysis",
            "Head of Performance and Intelligence",
            date(2014, 2, 7),
        ),
        m("M05", "Risk and mitigation strategy", pm, date(2014, 2, 10)),
        m(
            "M06",
            "Heads of terms and governance for the pooled fund",
            "Head of Legal Services, Brackenford City Council",
            date(2014, 2, 12),
        ),
        m("M07", "Draft 1 of the plan to NHS England area team", pm, date(2014, 2, 14)),
        m("M08", "Draft 2 of the plan", pm, date(2014, 3, 21)),
        m("M09", "Final plan, revised to the July 2014 guidance", pm, date(2014, 9, 5)),
        m(
            "M10",
            "Health and Wellbeing Board sign-off",
            "Chair of the Health and Wellbeing Board",
            date(2014, 9, 16),
        ),
        m("M11", "Submission to NHS England", pm, date(2014, 9, 19)),
    ]


def _risks() -> list[Risk]:
    def r(rid: str, text: str, impact: Level, prob: Level, mitigation: str, owner: str) -> Risk:
        return Risk(
            id=rid, description=text, impact=impact, probability=prob, mitigation=mitigation, owner=owner
        )

    H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW
    return [
        r(
            "R01",
            "Emergency admissions do not fall by 3.5%, so the performance fund is not released and the "
            "CCG pays for the extra activity.",
            H,
            M,
            "Monthly admissions tracking by locality; the 50/50 risk share in the s75 agreement; schemes "
            "BR01–BR03 reviewed each quarter and resources moved to what works.",
            "Chief Finance Officer, NHS Brackenford CCG",
        ),
        r(
            "R02",
            "Loss of tariff income destabilises Brackenford Teaching Hospitals.",
            H,
            M,
            "Reduction agreed in the trust's 2015/16 contract; bed closures phased with the reductions; "
            "the trust sits on the programme board.",
            "Director of Commissioning, NHS Brackenford CCG",
        ),
        r(
            "R03",
            "Care Act demand from carers and self-funders exceeds the money set aside.",
            M,
            H,
            "Demand model refreshed quarterly; contingency within BR13; early warning to the board.",
            "Assistant Director, Adult Social Care",
        ),
        r(
            "R04",
            "Community workforce cannot be recruited for seven-day rapid response.",
            M,
            M,
            "Joint recruitment campaign with the community provider; rotational posts with the acute "
            "trust; agency cover capped.",
            "Chief Executive, Brackenford Community Healthcare",
        ),
        r(
            "R05",
            "Information governance delays the shared care record.",
            M,
            L,
            "Data sharing agreement signed by the Caldicott guardians; fair processing notice published.",
            "Head of Information Governance, City Council",
        ),
        r(
            "R06",
            "Savings to the council from the fund are counted twice, in its budget and in the pool.",
            L,
            L,
            "One funding table reconciled monthly by both finance teams; stated totals checked against "
            "the pool ledger.",
            "Section 151 Officer, Brackenford City Council",
        ),
    ]


def build_city(pack: PolicyPack) -> Plan:
    """The Brackenford plan: council + one CCG, two pools hosted by different partners."""
    t = _money(pack)
    minimum_streams = {s.code for s in pack.funding_streams if s.minimum_required}
    perf = _performance(pack)
    stated: list[StatedTotal] = [
        StatedTotal(label="Total pooled budget 2014/15", of="contributions", year=Y1, amount=t.total(Y1)),
        StatedTotal(label="Total pooled budget 2015/16", of="contributions", year=Y2, amount=t.total(Y2)),
        StatedTotal(
            label="Minimum fund 2015/16",
            of="minimums",
            year=Y2,
            amount=sum((m.amount for m in t.minimums(minimum_streams) if m.year == Y2), Decimal(0)),
        ),
    ]
    for stream in pack.funding_streams:
        if not stream.minimum_required:
            continue
        code = stream.code
        stated.append(
            StatedTotal(
                label=f"Funding table 2015/16: {stream.name} ({MONEY_FLOW.get(code, 'to the pool')})",
                of="stream",
                key=code,
                year=Y2,
                amount=t.total(Y2, stream=code),
            )
        )
    for pool in (CH, SC):
        stated.append(
            StatedTotal(
                label=f"Pool {pool} 2015/16", of="pool", key=pool, year=Y2, amount=t.total(Y2, pool=pool)
            )
        )
    return Plan(
        id="demo-brackenford-2015-16",
        title="Brackenford Better Care Fund plan 2014/15–2015/16 (fictional demo area, SYNTHETIC data)",
        policy=pack.id,
        area=Area(
            ons_code=COUNCIL,
            name="Brackenford",
            type=AreaType.UNITARY,
            region="West Midlands",
            population=312400,
        ),
        years=[Y1, Y2],
        organisations=[
            Organisation(code=COUNCIL, name="Brackenford City Council", kind=OrgKind.UPPER_TIER_COUNCIL),
            Organisation(code=CCG, name="NHS Brackenford CCG", kind=OrgKind.CCG),
            Organisation(code=ACUTE, name="Brackenford Teaching Hospitals NHS Trust", kind=OrgKind.PROVIDER),
            Organisation(
                code=MENTAL_HEALTH,
                name="Brackenford and Tame Valley Mental Health NHS Foundation Trust",
                kind=OrgKind.PROVIDER,
            ),
            Organisation(code=COMMUNITY, name="Brackenford Community Healthcare CIC", kind=OrgKind.PROVIDER),
            Organisation(code=GP_FED, name="Brackenford GP Federation", kind=OrgKind.PROVIDER),
            Organisation(code=CARERS, name="Brackenford Carers Centre", kind=OrgKind.PROVIDER),
            Organisation(code=VCS, name="Brackenford Neighbourhood Care Trust", kind=OrgKind.PROVIDER),
            Organisation(code="DH", name="Department of Health", kind=OrgKind.NATIONAL_BODY),
            Organisation(
                code="DCLG",
                name="Department for Communities and Local Government",
                kind=OrgKind.NATIONAL_BODY,
            ),
            Organisation(
                code="NHSE-AT", name="NHS England West Midlands area team", kind=OrgKind.NATIONAL_BODY
            ),
        ],
        partners=[Partner(org=COUNCIL, share_pct=Decimal(100)), Partner(org=CCG, share_pct=Decimal(100))],
        minimums=t.minimums(minimum_streams),
        pools=[
            Pool(
                id=CH,
                name="Community health and integrated care pool",
                topic="out-of-hospital and integrated care",
                footprint="whole city",
                host=CCG,
                pool_manager="Head of Integrated Commissioning, NHS Brackenford CCG",
            ),
            Pool(
                id=SC,
                name="Adult social care and independence pool",
                topic="adult social care, carers, reablement, housing adaptations",
                footprint="whole city",
                host=COUNCIL,
                pool_manager="Assistant Director, Adult Social Care Commissioning, Brackenford City Council",
            ),
        ],
        contributions=t.contributions,
        schemes=_schemes(t),
        metrics=_metrics(pack, perf),
        performance=perf,
        conditions=[
            ConditionStatement(condition=cid, status=ConditionStatus.MET, statement=text)
            for cid, text in CITY_CONDITIONS.items()
        ],
        risks=_risks(),
        milestones=_milestones(),
        s75=HeadsOfTerms(
            **CITY_S75,
            host=COUNCIL,
            pool_manager="Assistant Director, Adult Social Care Commissioning, Brackenford City Council",
            risk_share=RiskShareRule(
                method=RiskShareMethod.FIXED_SPLIT,
                splits={COUNCIL: Decimal(50), CCG: Decimal(50)},
                description=(
                    "Overspends and any shortfall in the performance fund are shared 50/50 between the "
                    "council and the CCG after the Integrated Commissioning Board has tried recovery "
                    "within the pool; underspends stay in the pool for joint schemes."
                ),
            ),
            approval_stage="signed",
        ),
        signatories=[
            Signatory(signs_for=COUNCIL, name="Dr Helen Okafor", position="Strategic Director of People"),
            Signatory(
                signs_for=CCG, name="Martin Sayle", position="Accountable Officer, NHS Brackenford CCG"
            ),
            Signatory(
                signs_for="hwb",
                name="Cllr Priya Varma",
                position="Chair, Brackenford Health and Wellbeing Board",
            ),
        ],
        narrative=dict(CITY_NARRATIVE),
        stated_totals=stated,
    )
