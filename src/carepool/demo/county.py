"""Demo area (b): Wealdshire, a fictional two-tier county — SYNTHETIC.

Mirrors the county system in ``shared/domain/overview.md`` §3.1: a county council, five district councils
that receive the Disabled Facilities Grant, three CCGs (one spanning into a neighbouring area with a
stated share), north and south frailty pools hosted by different partners, system-wide mental health and
learning disability pools, an existing community-equipment s75 pool brought in, and an ordered risk-share
rule. Sized like a real county of ~790,000 people (a £52.5m minimum, £82.1m pooled in 2015/16).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from carepool.demo.builder import MONEY_FLOW, MoneyTable, gbp, nel_admissions_metric, scheme
from carepool.demo.text import COUNTY_CONDITIONS, COUNTY_NARRATIVE, COUNTY_S75
from carepool.model import (
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
    RiskShareStep,
    Scheme,
    Signatory,
    StatedTotal,
    Task,
)
from carepool.policy.schema import PolicyPack
from carepool.reference import districts_of, lookup_area

COUNTY = "E10900001"
NORTH, SOUTH, SPAN = "Z1A", "Z1B", "Z1C"
SPAN_SHARE = Decimal(35)  # Saltmarsh and Westbay CCG: 35% of its registered population lives in Wealdshire
ACUTE_N, ACUTE_S, COMMUNITY, MHLD, CARERS, HIA = "ZR5", "ZR6", "ZR7", "ZR8", "ZV5", "ZV6"
FN, FS, MH, LD, EQ = "WS-FN", "WS-FS", "WS-MH", "WS-LD", "WS-EQ"
Y1, Y2 = "2014-15", "2015-16"

# Planned reduction in non-elective admissions per CCG (north, south, spanning CCG's county share);
# the performance fund schemes WN04 and WS04 hold these × £1,490 (2,071,100; 1,132,400 + 238,400).
REDUCTION = {NORTH: 1390, SOUTH: 760, SPAN: 160}

# The funding table. Partners: E10900001 Wealdshire County Council; E07900001–5 the district councils;
# Z1A NHS North Wealdshire CCG, Z1B NHS South Wealdshire CCG, Z1C NHS Saltmarsh and Westbay CCG (35% in
# the county). Pools: WS-FN/WS-FS frailty north/south, WS-MH mental health, WS-LD learning disability,
# WS-EQ community equipment and home adaptations. The DFG is passed in full to the five districts.
FUNDING = """
id        | partner   | stream               | pool  | year    | amount     | spent on                                                        | reference
# 2014/15: the s256 transfer into the frailty pools, and the two existing s75 pools
WS-14-01  | Z1A       | social_care_transfer | WS-FN | 2014-15 |  9,096,310 | WN05=rest WN07=300,000                                          | 2014/15 NHS to social care transfer (s256), north share
WS-14-02  | Z1B       | social_care_transfer | WS-FS | 2014-15 |  5,140,270 | WS05=rest WS07=200,000                                          | 2014/15 NHS to social care transfer (s256), south share
WS-14-03  | Z1C       | social_care_transfer | WS-FS | 2014-15 |    922,087 | WS05=rest                                                       | 2014/15 NHS to social care transfer (s256), Saltmarsh share
WS-14-04  | E10900001 | council_additional   | WS-LD | 2014-15 | 13,950,000 | LD01=rest                                                       | Existing learning disability s75 agreement 2014/15: council contribution
WS-14-05  | E10900001 | council_additional   | WS-EQ | 2014-15 |  3,310,000 | EQ01=rest                                                       | Existing community equipment s75 agreement 2014/15: council contribution
# 2015/16: frailty north (CCG-hosted)
WS-15-01  | Z1A       | ccg_minimum          | WS-FN | 2015-16 | 13,412,406 | WN01=3,900,000 WN02=1,450,000 WN03=2,300,000 WN04=2,071,100 WN06=980,000 WN05=rest | CCG allocation 2015/16, BCF minimum: north frailty pool
WS-15-02  | Z1A       | social_care_transfer | WS-FN | 2015-16 |  7,151,220 | WN07=450,000 WN05=rest                                          | Former s256 transfer in CCG baseline: north frailty pool
WS-15-03  | Z1A       | carers_breaks        | WS-FN | 2015-16 |  1,081,500 | WN08=rest                                                       | Carers' breaks, north
WS-15-04  | Z1A       | reablement           | WS-FN | 2015-16 |  2,495,100 | WN09=rest                                                       | Reablement, north
# frailty south (council-hosted): South Wealdshire CCG and the spanning CCG's county share
WS-15-05  | Z1B       | ccg_minimum          | WS-FS | 2015-16 |  7,234,118 | WS01=2,100,000 WS02=820,000 WS03=1,350,000 WS04=1,132,400 WS06=560,000 WS05=rest | CCG allocation 2015/16, BCF minimum: south frailty pool (South Wealdshire CCG)
WS-15-06  | Z1C       | ccg_minimum          | WS-FS | 2015-16 |  1,302,770 | WS01=410,000 WS02=160,000 WS03=260,000 WS04=238,400 WS05=rest   | CCG allocation 2015/16, BCF minimum: south frailty pool (Saltmarsh and Westbay CCG, 35% county share)
WS-15-07  | Z1B       | social_care_transfer | WS-FS | 2015-16 |  4,071,305 | WS07=300,000 WS05=rest                                          | Former s256 transfer in CCG baseline: south frailty pool (South Wealdshire CCG)
WS-15-08  | Z1C       | social_care_transfer | WS-FS | 2015-16 |    727,655 | WS05=rest                                                       | Former s256 transfer in CCG baseline: south frailty pool (Saltmarsh share)
WS-15-09  | Z1B       | carers_breaks        | WS-FS | 2015-16 |    611,200 | WS08=rest                                                       | Carers' breaks, south
WS-15-10  | Z1C       | carers_breaks        | WS-FS | 2015-16 |    109,660 | WS08=rest                                                       | Carers' breaks, Saltmarsh
WS-15-11  | Z1B       | reablement           | WS-FS | 2015-16 |  1,410,150 | WS09=rest                                                       | Reablement, south
WS-15-12  | Z1C       | reablement           | WS-FS | 2015-16 |    252,930 | WS09=rest                                                       | Reablement, Saltmarsh
WS-15-13  | E10900001 | council_additional   | WS-FS | 2015-16 |    900,000 | WS09=rest                                                       | Council reablement base budget, south
WS-15-RP1 | Z1A       | ccg_additional       | WS-FS | 2015-16 |    660,000 | RP01=rest                                                       | Contribution to the BCF risk pool
WS-15-RP2 | Z1B       | ccg_additional       | WS-FS | 2015-16 |    420,000 | RP01=rest                                                       | Contribution to the BCF risk pool
WS-15-RP3 | Z1C       | ccg_additional       | WS-FS | 2015-16 |    120,000 | RP01=rest                                                       | Contribution to the BCF risk pool
# mental health: county-wide strategy, north and south delivery (hosted by South Wealdshire CCG)
WS-15-14  | Z1A       | ccg_minimum          | WS-MH | 2015-16 |  2,400,000 | MH01=1,320,000 MH02=480,000 MH03=rest                           | CCG allocation 2015/16, BCF minimum: mental health pool (north)
WS-15-15  | Z1B       | ccg_minimum          | WS-MH | 2015-16 |  1,700,000 | MH01=840,000 MH02=330,000 MH03=rest                             | CCG allocation 2015/16, BCF minimum: mental health pool (south)
WS-15-16  | Z1C       | ccg_minimum          | WS-MH | 2015-16 |    300,000 | MH01=160,000 MH02=60,000 MH03=rest                              | CCG allocation 2015/16, BCF minimum: mental health pool (Saltmarsh)
# learning disability: county-wide, the existing s75 pool brought in (council-hosted)
WS-15-17  | Z1A       | social_care_transfer | WS-LD | 2015-16 |  2,000,000 | LD01=rest                                                       | Former s256 transfer in CCG baseline: learning disability pool (north)
WS-15-18  | Z1B       | social_care_transfer | WS-LD | 2015-16 |  1,100,000 | LD01=rest                                                       | Former s256 transfer in CCG baseline: learning disability pool (south)
WS-15-19  | Z1C       | social_care_transfer | WS-LD | 2015-16 |    200,000 | LD01=rest                                                       | Former s256 transfer in CCG baseline: learning disability pool (Saltmarsh)
WS-15-20  | E10900001 | council_additional   | WS-LD | 2015-16 | 14,200,000 | LD01=rest                                                       | Existing learning disability s75 agreement: council contribution
WS-15-LD1 | Z1A       | ccg_additional       | WS-LD | 2015-16 |  4,100,000 | LD02=rest                                                       | Existing learning disability s75 agreement: CCG contribution
WS-15-LD2 | Z1B       | ccg_additional       | WS-LD | 2015-16 |  2,600,000 | LD02=rest                                                       | Existing learning disability s75 agreement: CCG contribution
WS-15-LD3 | Z1C       | ccg_additional       | WS-LD | 2015-16 |    450,000 | LD02=rest                                                       | Existing learning disability s75 agreement: CCG contribution
# community equipment and home adaptations: the existing s75 pool brought in (council-hosted)
WS-15-21  | E10900001 | dfg                  | WS-EQ | 2015-16 |  3,049,000 | DF01=611,000 DF02=512,000 DF03=702,000 DF04=583,000 DF05=641,000 | Disabled Facilities Grant 2015/16, passed in full to the district councils
WS-15-22  | E07900005 | council_additional   | WS-EQ | 2015-16 |    120,000 | DF05=rest                                                       | Saltmarsh Coast District Council housing budget: adaptations top-up (revenue)
WS-15-23  | E10900001 | social_care_capital  | WS-EQ | 2015-16 |  1,852,316 | EQ02=1,100,000 EQ03=rest                                        | Adult social care capital grant 2015/16
WS-15-24  | E10900001 | council_additional   | WS-EQ | 2015-16 |  3,380,000 | EQ01=rest                                                       | Existing community equipment s75 agreement: council contribution
WS-15-EQ1 | Z1A       | ccg_additional       | WS-EQ | 2015-16 |  1,560,000 | EQ01=rest                                                       | Existing community equipment s75 agreement: CCG contribution
WS-15-EQ2 | Z1B       | ccg_additional       | WS-EQ | 2015-16 |    980,000 | EQ01=rest                                                       | Existing community equipment s75 agreement: CCG contribution
WS-15-EQ3 | Z1C       | ccg_additional       | WS-EQ | 2015-16 |    190,000 | EQ01=rest                                                       | Existing community equipment s75 agreement: CCG contribution
"""


def _money(pack: PolicyPack) -> MoneyTable:
    t = MoneyTable()
    t.add_table(FUNDING, capital_streams={s.code for s in pack.funding_streams if s.capital})
    return t


def _schemes(t: MoneyTable) -> list[Scheme]:
    north = [(NORTH, "100")]
    south = [(SOUTH, "85"), (SPAN, "15")]
    county = [(COUNTY, "100")]
    system = [(NORTH, "55"), (SOUTH, "38"), (SPAN, "7")]
    y2 = Y2
    schemes = [
        scheme(
            t,
            "WN01",
            "Integrated locality teams, north (Ashdown Vale, Kestrel Downs, Hollinbury)",
            "integrated_care_teams",
            "community_health",
            north,
            COMMUNITY,
            True,
            "Community nursing, therapy and social work teams around 31 practices, with risk "
            "stratification and case management of frail older people.",
            ["Frail older people supported at home", "Fewer emergency admissions of over-75s"],
            [
                ("People on case management", "4,700"),
                ("Emergency admissions of case-managed patients", "-12%"),
            ],
            {y2: gbp("820000")},
        ),
        scheme(
            t,
            "WN02",
            "Rapid response, north, seven days",
            "seven_day_services",
            "community_health",
            north,
            COMMUNITY,
            False,
            "Two-hour crisis response 8am–10pm every day, with night sitting from the home care provider.",
            ["Crises managed at home"],
            [("Seen within 2 hours", "90%"), ("Not admitted within 7 days", "80%")],
            {y2: gbp("690000")},
        ),
        scheme(
            t,
            "WN03",
            "Community hospital step-up beds, north",
            "intermediate_care",
            "community_health",
            north,
            COMMUNITY,
            True,
            "Forty beds at Ashdown and Kestrel community hospitals, re-designated so that GPs can admit for "
            "step-up care rather than sending patients to the acute hospital.",
            ["Step-up care closer to home"],
            [("Step-up admissions as a share of all admissions", "at least 30%"), ("Occupancy", "90%")],
            {y2: gbp("561100")},
            {y2: gbp("250000")},
        ),
        scheme(
            t,
            "WN04",
            "Performance fund, north (held against the admissions reduction)",
            "contingency",
            "acute",
            north,
            ACUTE_N,
            False,
            "1,390 fewer non-elective admissions × £1,490, held by NHS North Wealdshire CCG and released "
            "quarterly in proportion to the reduction achieved.",
            ["Risk of missing the ambition covered"],
            [("Quarterly reduction achieved against plan", "100%")],
        ),
        scheme(
            t,
            "WN05",
            "Protecting social care, north: home care and community support",
            "personalised_care",
            "social_care",
            county,
            COUNTY,
            True,
            "Keeps eligibility at substantial and funds the growth in home care hours for older people in "
            "the north (condition 2).",
            ["Eligibility maintained", "People supported at home"],
            [("Home care hours a week, north", "at least 21,500")],
        ),
        scheme(
            t,
            "WN06",
            "Care Act implementation, north",
            "care_act",
            "social_care",
            county,
            COUNTY,
            False,
            "Assessments for carers and self-funders, deferred payments and advice in the north.",
            ["Care Act duties met"],
            [("Assessments within 28 days", "85%")],
        ),
        scheme(
            t,
            "WN07",
            "Seven-day hospital social work, Wealdshire Hospitals",
            "seven_day_services",
            "social_care",
            county,
            COUNTY,
            False,
            "Weekend social work and brokerage at the north acute site (condition 3).",
            ["Discharges at weekends as at other days"],
            [("Weekend share of supported discharges", "22%")],
        ),
        scheme(
            t,
            "WN08",
            "Carers' support, north",
            "carers",
            "social_care",
            county,
            CARERS,
            True,
            "Carers' assessments, breaks and the carers' network contract in the north.",
            ["Carers supported to keep caring"],
            [("Carers receiving a break", "1,500")],
        ),
        scheme(
            t,
            "WN09",
            "Reablement, north",
            "reablement",
            "social_care",
            [(COUNTY, "70"), (NORTH, "30")],
            COUNTY,
            True,
            "Council reablement teams with community trust therapists.",
            ["Independence regained after a crisis"],
            [("Still at home after 91 days", "86%")],
        ),
        scheme(
            t,
            "WS01",
            "Integrated locality teams, south (Fernmouth, Saltmarsh Coast)",
            "integrated_care_teams",
            "community_health",
            south,
            COMMUNITY,
            True,
            "As WN01 for the southern footprint, including the Saltmarsh practices of the spanning CCG.",
            ["Frail older people supported at home"],
            [("People on case management", "2,900")],
            {y2: gbp("520000")},
        ),
        scheme(
            t,
            "WS02",
            "Rapid response, south, seven days",
            "seven_day_services",
            "community_health",
            south,
            COMMUNITY,
            False,
            "Two-hour crisis response, extended to the coastal towns.",
            ["Crises managed at home"],
            [("Seen within 2 hours", "90%")],
            {y2: gbp("410000")},
        ),
        scheme(
            t,
            "WS03",
            "Community hospital step-up beds, south",
            "intermediate_care",
            "community_health",
            south,
            COMMUNITY,
            True,
            "Twenty-four step-up beds at Fernmouth community hospital.",
            ["Step-up care closer to home"],
            [("Occupancy", "90%")],
            {y2: gbp("440800")},
            {y2: gbp("180000")},
        ),
        scheme(
            t,
            "WS04",
            "Performance fund, south (held against the admissions reduction)",
            "contingency",
            "acute",
            [(SOUTH, "83"), (SPAN, "17")],
            ACUTE_S,
            False,
            "920 fewer non-elective admissions × £1,490 (760 South Wealdshire CCG, 160 Saltmarsh and "
            "Westbay CCG), released quarterly in proportion to the reduction achieved.",
            ["Risk of missing the ambition covered"],
            [("Quarterly reduction achieved against plan", "100%")],
        ),
        scheme(
            t,
            "WS05",
            "Protecting social care, south: home care and community support",
            "personalised_care",
            "social_care",
            county,
            COUNTY,
            True,
            "Keeps eligibility at substantial in the south, where need is highest (condition 2).",
            ["Eligibility maintained"],
            [("Home care hours a week, south", "at least 14,000")],
        ),
        scheme(
            t,
            "WS06",
            "Care Act implementation, south",
            "care_act",
            "social_care",
            county,
            COUNTY,
            False,
            "New Care Act duties in the south.",
            ["Care Act duties met"],
            [("Assessments within 28 days", "85%")],
        ),
        scheme(
            t,
            "WS07",
            "Seven-day hospital social work, South Weald and Saltmarsh Hospitals",
            "seven_day_services",
            "social_care",
            county,
            COUNTY,
            False,
            "Weekend social work at the south acute site and in-reach to the out-of-county hospital.",
            ["Discharges at weekends as at other days"],
            [("Weekend share of supported discharges", "22%")],
        ),
        scheme(
            t,
            "WS08",
            "Carers' support, south",
            "carers",
            "social_care",
            county,
            CARERS,
            True,
            "Carers' assessments and breaks in the south.",
            ["Carers supported to keep caring"],
            [("Carers receiving a break", "900")],
        ),
        scheme(
            t,
            "WS09",
            "Reablement, south",
            "reablement",
            "social_care",
            [(COUNTY, "70"), (SOUTH, "25"), (SPAN, "5")],
            COUNTY,
            True,
            "Council reablement teams with community trust therapists.",
            ["Independence regained after a crisis"],
            [("Still at home after 91 days", "85%")],
        ),
        scheme(
            t,
            "RP01",
            "BCF risk pool",
            "contingency",
            "other",
            [(NORTH, "55"), (SOUTH, "35"), (SPAN, "10")],
            COUNTY,
            False,
            "Contingency held by the County Council as host of the south pool, drawn only under the "
            "risk-share order in the s75 agreement (second step, after offsetting underspends).",
            ["Overspends met without cutting frontline services"],
            [("Draws approved by the Integration Board", "all")],
        ),
        scheme(
            t,
            "MH01",
            "Crisis resolution and home treatment, north and south teams",
            "integrated_care_teams",
            "mental_health",
            system,
            MHLD,
            True,
            "One county-wide crisis service strategy, delivered by a north and a south team, 24 hours a day.",
            ["People in crisis supported outside hospital"],
            [("Gatekeeping of admissions", "95%"), ("Response within 4 hours", "90%")],
        ),
        scheme(
            t,
            "MH02",
            "Older people's mental health liaison in both acute trusts",
            "integrated_care_teams",
            "mental_health",
            system,
            MHLD,
            False,
            "Liaison psychiatry for older people on medical wards and in emergency departments.",
            ["Shorter stays for people with dementia"],
            [("Assessed within 24 hours of referral", "90%")],
            None,
            {y2: gbp("120000")},
        ),
        scheme(
            t,
            "MH03",
            "Dementia advisers and memory support",
            "prevention",
            "mental_health",
            system,
            MHLD,
            True,
            "Post-diagnosis support and dementia advisers in each district.",
            ["People with dementia and their carers supported after diagnosis"],
            [("Diagnosis rate", "67%")],
        ),
        scheme(
            t,
            "LD01",
            "Learning disability social care: supported living and short breaks",
            "personalised_care",
            "social_care",
            county,
            COUNTY,
            True,
            "Existing pooled learning disability budget for social care, brought into the fund unchanged.",
            ["People with learning disabilities live in their own homes"],
            [("Adults with a learning disability in settled accommodation (ASCOF 1G)", "78%")],
        ),
        scheme(
            t,
            "LD02",
            "Learning disability health: continuing care and community nursing",
            "integrated_care_teams",
            "continuing_care",
            system,
            MHLD,
            True,
            "NHS continuing healthcare for adults with learning disabilities and the community learning "
            "disability teams.",
            ["Health needs of people with learning disabilities met in the community"],
            [("Annual health checks completed", "65%")],
        ),
        scheme(
            t,
            "EQ01",
            "Integrated community equipment service",
            "assistive_technology",
            "other",
            [(COUNTY, "48"), (NORTH, "29"), (SOUTH, "19"), (SPAN, "4")],
            COUNTY,
            True,
            "The county-wide equipment service under the existing s75 agreement: delivery within 7 days, "
            "urgent within 24 hours, and recycling.",
            ["Timely equipment for discharge and independence"],
            [("Standard deliveries within 7 days", "95%"), ("Recycling rate", "80%")],
        ),
        scheme(
            t,
            "EQ02",
            "Telecare and equipment capital",
            "capital",
            "social_care",
            county,
            COUNTY,
            False,
            "Capital for telecare kits and equipment stock.",
            ["More people with telecare"],
            [("People with telecare", "9,000")],
        ),
        scheme(
            t,
            "EQ03",
            "Social care system on the NHS number",
            "data_sharing",
            "other",
            county,
            COUNTY,
            False,
            "Capital for the county's case management system to hold and match the NHS number (condition 4).",
            ["One record across health and care"],
            [("Records with a verified NHS number", "95%")],
        ),
    ]
    for i, district in enumerate(districts_of(COUNTY)):
        schemes.append(
            scheme(
                t,
                f"DF0{i + 1}",
                f"Disabled Facilities Grants: {district.name}",
                "home_adaptations",
                "other",
                [(district.ons_code, "100")],
                district.ons_code,
                True,
                f"Mandatory DFGs administered by {district.name} as housing authority, with the "
                "home-improvement agency for minor adaptations.",
                ["Disabled people live safely at home"],
                [("Grants completed", "within 20 weeks of approval")],
            )
        )
    return schemes


def _performance(pack: PolicyPack) -> PerformancePlan:
    q = pack.performance.quarters
    baseline = [19600, 18800, 18600, 20000]
    planned = [19012, 18236, 18042, 19400]  # 3.0% of each quarter
    actuals = [19105, 18410]
    unit_cost = pack.performance.unit_cost.value if pack.performance.unit_cost else Decimal(0)
    return PerformancePlan(
        baseline=[QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, baseline, strict=True)],
        planned=[QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, planned, strict=True)],
        actuals=[QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, actuals, strict=False)],
        ambition_pct=Decimal("3.0"),
        justification=(
            "The Health and Wellbeing Board agreed 3.0% rather than 3.5% on 17 September 2014. Wealdshire's "
            "over-85 population grows 4% a year, so the demographic trend alone would add about 2.1% to "
            "admissions in 2015/16; a 3.0% reduction against the baseline is therefore a 5.1% reduction "
            "against the expected trend. The CCGs' operational plans assume 2.5–3.0%, and a higher "
            "ambition would leave more of the NHS out-of-hospital money at risk in the first year of the "
            "new locality teams. The ambition will be reviewed for 2016/17."
        ),
        fund_share=gbp("13868049"),
        stated_pot=gbp(str(Decimal(sum(REDUCTION.values())) * unit_cost)),
        average_length_of_stay_days=Decimal("6.4"),
    )


NEL_HISTORY: tuple[tuple[str, int], ...] = (
    ("2011-12 Q4", 20966),
    ("2012-13 Q1", 20598),
    ("2012-13 Q2", 19977),
    ("2012-13 Q3", 21827),
    ("2012-13 Q4", 20629),
    ("2013-14 Q1", 19278),
    ("2013-14 Q2", 19460),
    ("2013-14 Q3", 20592),
)
"""Quarterly non-elective admissions before the baseline year (SYNTHETIC): falling about 4% a year as the
locality teams took on frail older people. With the baseline rows they give the twelve quarters of
history the probability model needs (``carepool monitor simulate``)."""


def _metrics(pack: PolicyPack, perf: PerformancePlan) -> list[MetricPlan]:
    q = pack.performance.quarters

    def mv(period: str, value: str) -> MetricValue:
        return MetricValue(period=period, value=Decimal(value))

    return [
        nel_admissions_metric(perf, NEL_HISTORY, Y1),
        MetricPlan(
            metric="residential_admissions",
            baseline=mv("2013-14", "702.9"),
            plan=[mv(Y1, "690.0"), mv(Y2, "671.0")],
            actuals=[mv(Y1, "694.8")],
        ),
        MetricPlan(
            metric="reablement",
            baseline=mv("2013-14", "83.4"),
            plan=[mv(Y1, "84.5"), mv(Y2, "86.0")],
            actuals=[mv(Y1, "84.1")],
        ),
        MetricPlan(
            metric="dtoc",
            baseline=mv("2013-14 Q4", "1012.6"),
            plan=[mv(q[0], "985.0"), mv(q[1], "950.0"), mv(q[2], "915.0"), mv(q[3], "880.0")],
            actuals=[mv("2014-15 Q1", "1034.2"), mv("2014-15 Q2", "998.7"), mv(q[0], "990.1")],
        ),
        MetricPlan(
            metric="experience",
            name="Service users who say they have as much social contact as they would like (ASCOF 1I)",
            baseline=mv("2013-14", "44.1"),
            plan=[mv(Y1, "45.0"), mv(Y2, "46.5")],
        ),
        MetricPlan(
            metric="local",
            name="Injuries due to falls in people aged 65 and over, per 100,000 (PHOF 2.24i)",
            baseline=mv("2013-14", "2095"),
            plan=[mv(Y1, "2060"), mv(Y2, "2010")],
            actuals=[mv(Y1, "2071")],
        ),
    ]


def _milestones() -> list[Milestone]:
    board = "Director of Integrated Commissioning, Wealdshire"

    def m(
        mid: str, title: str, owner: str, deadline: date, status: Literal["done", "late"] = "done"
    ) -> Milestone:
        return Milestone(id=mid, title=title, owner=owner, deadline=deadline, status=status)

    return [
        m(
            "M01",
            "Scope agreed: national minimum plus the existing equipment and LD pools",
            board,
            date(2014, 1, 24),
        ),
        m(
            "M02",
            "Map existing budgets and pressures, incl. DFG spend by district",
            "Chief Finance Officers",
            date(2014, 2, 7),
        ),
        m("M03", "Approval in principle by every partner", board, date(2014, 3, 28)),
        m("M04", "Revised plan to the July 2014 guidance; HWB sign-off", board, date(2014, 9, 17)),
        m("M05", "Heads of terms for the five pools agreed", "County Solicitor", date(2014, 9, 30)),
        Milestone(
            id="M06",
            title="Section 75 framework and frailty pool schedules signed",
            owner="County Solicitor",
            deadline=date(2015, 3, 31),
            status="done",
            tasks=[
                Task(
                    title="North pool schedule (CCG-hosted)",
                    owner="NHS North Wealdshire CCG",
                    deadline=date(2015, 3, 20),
                    status="done",
                ),
                Task(
                    title="South pool schedule (council-hosted)",
                    owner="County Council",
                    deadline=date(2015, 3, 20),
                    status="done",
                ),
                Task(
                    title="Equipment and LD agreements varied into the fund",
                    owner="County Council",
                    deadline=date(2015, 3, 31),
                    status="done",
                ),
            ],
        ),
        # Realistic slippage: the mental health delivery specifications took longer to agree north and south.
        m("M07", "Mental health pool schedule signed", "NHS South Wealdshire CCG", date(2015, 6, 30), "late"),
    ]


def _risks() -> list[Risk]:
    H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW
    rows = [
        (
            "R01",
            "Emergency admissions keep rising with the ageing population and the performance fund is not earned.",
            H,
            H,
            "Ordered risk share with a £1.2m risk pool; monthly tracking by CCG footprint; quarterly rebalancing of schemes.",
            "Chief Finance Officer, NHS North Wealdshire CCG",
        ),
        (
            "R02",
            "The three CCGs and the council cannot agree whether decisions are taken county-wide or per CCG footprint.",
            M,
            M,
            "Partnership board with delegated powers; footprint joint commissioning groups for the frailty pools.",
            "Chair, Wealdshire Integration Board",
        ),
        (
            "R03",
            "Activity of Saltmarsh residents at the out-of-county hospital is not attributed to Wealdshire correctly.",
            M,
            M,
            "Attribution by registered population agreed with Westbay; monthly activity file from the neighbouring CCG.",
            "Head of Contracting, NHS Saltmarsh and Westbay CCG",
        ),
        (
            "R04",
            "District DFG spend falls behind allocations and the grant is returned.",
            M,
            L,
            "Quarterly DFG returns by district to the board; the home-improvement agency takes overflow cases.",
            "Housing leads, district councils",
        ),
        (
            "R05",
            "Equipment demand rises faster than the pooled budget of the existing s75 agreement.",
            M,
            M,
            "Recycling target, prescriber training, overspend handled under the risk-share order.",
            "Pool manager, community equipment",
        ),
        (
            "R06",
            "Acute trusts' income falls faster than they can take out beds.",
            H,
            M,
            "Reductions phased in contracts; escalation beds closed first; trusts on the Integration Board.",
            "Directors of Commissioning, CCGs",
        ),
        (
            "R07",
            "The same money claimed in two pools or in two plans (the spanning CCG).",
            L,
            L,
            "One funding table per partner reconciled to every pool; stated totals checked each quarter.",
            "Chief Finance Officers",
        ),
    ]
    return [
        Risk(id=rid, description=d, impact=i, probability=p, mitigation=mit, owner=own)
        for rid, d, i, p, mit, own in rows
    ]


def build_county(pack: PolicyPack) -> Plan:
    """The Wealdshire plan: county, five districts, three CCGs (one spanning), five pools."""
    area = lookup_area(COUNTY)
    districts = districts_of(COUNTY)
    t = _money(pack)
    minimum_streams = {s.code for s in pack.funding_streams if s.minimum_required}
    perf = _performance(pack)
    minimums = t.minimums(minimum_streams)
    stated = [
        StatedTotal(label="Total pooled budget 2014/15", of="contributions", year=Y1, amount=t.total(Y1)),
        StatedTotal(label="Total pooled budget 2015/16", of="contributions", year=Y2, amount=t.total(Y2)),
        StatedTotal(
            label="Minimum fund 2015/16",
            of="minimums",
            year=Y2,
            amount=sum((m.amount for m in minimums if m.year == Y2), Decimal(0)),
        ),
        *[
            StatedTotal(
                label=f"Funding table 2015/16: {s.name} ({MONEY_FLOW.get(s.code, 'to the pool')})",
                of="stream",
                key=s.code,
                year=Y2,
                amount=t.total(Y2, stream=s.code),
            )
            for s in pack.funding_streams
            if s.minimum_required
        ],
        *[
            StatedTotal(label=f"Pool {p} 2015/16", of="pool", key=p, year=Y2, amount=t.total(Y2, pool=p))
            for p in (FN, FS, MH, LD, EQ)
        ],
    ]
    orgs = [
        Organisation(code=COUNTY, name="Wealdshire County Council", kind=OrgKind.UPPER_TIER_COUNCIL),
        *[
            Organisation(code=d.ons_code, name=f"{d.name} District Council", kind=OrgKind.DISTRICT_COUNCIL)
            for d in districts
        ],
        Organisation(code=NORTH, name="NHS North Wealdshire CCG", kind=OrgKind.CCG),
        Organisation(code=SOUTH, name="NHS South Wealdshire CCG", kind=OrgKind.CCG),
        Organisation(code=SPAN, name="NHS Saltmarsh and Westbay CCG", kind=OrgKind.CCG),
        Organisation(code=ACUTE_N, name="Wealdshire Hospitals NHS Foundation Trust", kind=OrgKind.PROVIDER),
        Organisation(
            code=ACUTE_S, name="South Weald and Saltmarsh Hospitals NHS Trust", kind=OrgKind.PROVIDER
        ),
        Organisation(code=COMMUNITY, name="Wealdshire Community Health NHS Trust", kind=OrgKind.PROVIDER),
        Organisation(code=MHLD, name="Wealdshire Partnership NHS Foundation Trust", kind=OrgKind.PROVIDER),
        Organisation(code=CARERS, name="Wealdshire Carers Network", kind=OrgKind.PROVIDER),
        Organisation(
            code=HIA, name="Wealdshire Care and Repair (home-improvement agency)", kind=OrgKind.PROVIDER
        ),
    ]
    partners = [
        Partner(org=COUNTY, share_pct=Decimal(100)),
        *[Partner(org=d.ons_code, share_pct=Decimal(100)) for d in districts],
        Partner(org=NORTH, share_pct=Decimal(100)),
        Partner(org=SOUTH, share_pct=Decimal(100)),
        Partner(org=SPAN, share_pct=SPAN_SHARE),
    ]
    pools = [
        Pool(
            id=FN,
            name="Frailty and older people, north",
            topic="frailty and older people",
            footprint="north: NHS North Wealdshire CCG (Ashdown Vale, Kestrel Downs, Hollinbury)",
            host=NORTH,
            pool_manager="Head of Integrated Commissioning (North), NHS North Wealdshire CCG",
        ),
        Pool(
            id=FS,
            name="Frailty and older people, south",
            topic="frailty and older people",
            footprint="south: South Wealdshire CCG and the Wealdshire part of Saltmarsh and Westbay CCG (Fernmouth, Saltmarsh Coast)",
            host=COUNTY,
            pool_manager="Head of Commissioning for Older People, Wealdshire County Council",
        ),
        Pool(
            id=MH,
            name="Mental health",
            topic="mental health",
            footprint="county-wide strategy, north and south delivery",
            host=SOUTH,
            pool_manager="Head of Mental Health Commissioning, NHS South Wealdshire CCG",
        ),
        Pool(
            id=LD,
            name="Learning disability",
            topic="learning disability",
            footprint="county-wide",
            host=COUNTY,
            pool_manager="Head of Learning Disability Commissioning, Wealdshire County Council",
            existing=True,
        ),
        Pool(
            id=EQ,
            name="Community equipment and home adaptations",
            topic="technology enablers, equipment and home improvement",
            footprint="county-wide",
            host=COUNTY,
            pool_manager="Integrated Community Equipment Service Manager, Wealdshire County Council",
            existing=True,
        ),
    ]
    signatories = [
        Signatory(
            signs_for=COUNTY,
            name="Sarah Whitlock",
            position="Director of Adult Social Care, Wealdshire County Council",
        ),
        *[
            Signatory(signs_for=d.ons_code, name=name, position=f"Chief Executive, {d.name} District Council")
            for d, name in zip(
                districts,
                ["Andrew Pell", "Fiona Marsh", "Kevin Adeyemi", "Ruth Calloway", "Simon Trevelyan"],
                strict=True,
            )
        ],
        Signatory(
            signs_for=NORTH, name="Dr James Hartley", position="Accountable Officer, NHS North Wealdshire CCG"
        ),
        Signatory(
            signs_for=SOUTH, name="Lorna Beckett", position="Accountable Officer, NHS South Wealdshire CCG"
        ),
        Signatory(
            signs_for=SPAN,
            name="Dr Imran Qureshi",
            position="Accountable Officer, NHS Saltmarsh and Westbay CCG",
        ),
        Signatory(
            signs_for="hwb",
            name="Cllr David Arkwright",
            position="Chair, Wealdshire Health and Wellbeing Board",
        ),
    ]
    return Plan(
        id="demo-wealdshire-2015-16",
        title="Wealdshire Better Care Fund plan 2014/15–2015/16 (fictional demo area, SYNTHETIC data)",
        policy=pack.id,
        area=area.to_area(),
        years=[Y1, Y2],
        organisations=orgs,
        partners=partners,
        minimums=minimums,
        pools=pools,
        contributions=t.contributions,
        schemes=_schemes(t),
        metrics=_metrics(pack, perf),
        performance=perf,
        conditions=[
            ConditionStatement(condition=cid, status=ConditionStatus.MET, statement=text)
            for cid, text in COUNTY_CONDITIONS.items()
        ],
        risks=_risks(),
        milestones=_milestones(),
        s75=HeadsOfTerms(
            **COUNTY_S75,
            host=COUNTY,
            pool_manager="Head of Commissioning for Older People, Wealdshire County Council (framework lead)",
            risk_share=RiskShareRule(
                method=RiskShareMethod.ORDERED,
                order=[
                    RiskShareStep.OFFSET_UNDERSPENDS,
                    RiskShareStep.RISK_POOL,
                    RiskShareStep.CUT_UNCOMMITTED,
                    RiskShareStep.OUTSIDE_POOL,
                ],
                risk_pool=gbp("1200000"),
                splits={
                    COUNTY: Decimal("28.5"),
                    NORTH: Decimal("42.5"),
                    SOUTH: Decimal("24.5"),
                    SPAN: Decimal("4.5"),
                },
                description=(
                    "An overspend in any pool is met (1) from underspends in the other BCF pools, (2) from "
                    "the £1.2m risk pool, (3) by cutting allocations not yet committed, and (4) from "
                    "outside the pool, shared in proportion to 2015/16 contributions (County Council 28.5%, "
                    "North Wealdshire CCG 42.5%, South Wealdshire CCG 24.5%, Saltmarsh and Westbay CCG 4.5%). "
                    "Underspends stay in the pool or fund new joint schemes, as the Integration Board "
                    "decides. Alternative considered: a fixed 50/50 split between the County Council and "
                    "the CCGs together, kept as the fallback if the ordered rule cannot be agreed for a "
                    "later year. District councils carry no share: the DFG passes through in full."
                ),
            ),
            approval_stage="signed",
        ),
        signatories=signatories,
        narrative=dict(COUNTY_NARRATIVE),
        stated_totals=stated,
    )
