"""The written parts of the two demo plans (fictional areas, SYNTHETIC): narrative sections, condition
statements and section 75 heads of terms, written as a real area would write them in September 2014.
"""

from __future__ import annotations

from typing import Final

# --- Brackenford (unitary city) -------------------------------------------------------------------

CITY_NARRATIVE: Final[dict[str, str]] = {
    "vision_and_schemes": (
        "By 2019 people in Brackenford will tell their story once, to one team, and get care at home "
        "unless they need a hospital. The Better Care Fund is the first step: £22.7m in 2015/16 pooled "
        "in two section 75 funds, one hosted by the CCG for community health and integrated care, one by "
        "the council for adult social care and independence.\n\n"
        "Fifteen schemes deliver the vision. Integrated neighbourhood teams in four localities (BR01), "
        "intermediate care (BR02) and a seven-day rapid response service (BR03) keep people out of "
        "hospital; mental health liaison (BR04) and GP in-reach to care homes (BR05) target the groups "
        "with the highest admission rates. Social care is protected at current eligibility (BR07), "
        "reablement grows by 300 starts a year (BR08), carers get assessments and breaks (BR09), and "
        "the Disabled Facilities Grant, telecare and the shared care record (BR10–BR12) help people stay "
        "safely at home. Eight of the fifteen schemes continue existing services, whose specifications, "
        "KPIs and outcome measures carry over into the pooled fund."
    ),
    "case_for_change": (
        "Emergency admissions of Brackenford residents rose 4.1% a year over the last three years, "
        "faster than the population. One in five acute beds is occupied by someone over 75 who could be "
        "cared for elsewhere, and delayed transfers run at 861 days per 100,000 adults a quarter, above "
        "the West Midlands average. The council must save £38m by 2017/18 while demand for adult social "
        "care rises 3% a year and the Care Act brings new duties to carers and self-funders.\n\n"
        "Our joint strategic needs assessment shows the gap is widest in the two eastern localities, "
        "where life expectancy is nine years lower and long-term conditions start a decade earlier. "
        "Continuing to commission separately would mean rationing social care and paying for avoidable "
        "admissions; pooling lets us move money to the services that prevent them."
    ),
    "plan_of_action": (
        "The programme runs under the Integrated Commissioning Board, reporting to the Health and "
        "Wellbeing Board. 2014/15 is the preparatory year: the s256 transfer funds reablement growth and "
        "a seven-day discharge pilot, the rapid response service is piloted from October 2014, and the "
        "section 75 agreement is signed by 31 March 2015. From April 2015 both pools go live, the "
        "step-up beds open in June 2015 and the shared care record reaches all five partners by "
        "December 2015.\n\n"
        "Each scheme has a lead, a specification and a quarterly dashboard. The programme manager "
        "reports by exception; the board reallocates money between schemes at the half-year review "
        "using the same tool that produced this plan."
    ),
    "risks_and_contingency": (
        "The main financial risk is that admissions do not fall. The CCG holds back £1,585,360, the value "
        "of the planned reduction of 1,064 admissions at £1,490 each; it is released each quarter in "
        "proportion to the reduction achieved, and what is not earned pays the hospital for the "
        "admissions that were not avoided. Any further overspend in either pool is shared 50/50 between "
        "the council and the CCG after recovery action within the pool. The risk register is reviewed "
        "monthly by the programme board and quarterly by the Health and Wellbeing Board."
    ),
    "alignment": (
        "The plan delivers the Health and Wellbeing Strategy priorities on older people and long-term "
        "conditions, sits inside the CCG's five-year strategic plan and two-year operational plan (the "
        "3.5% admissions reduction is the same in both), and matches the council's medium-term financial "
        "strategy and its market position statement for home care. The acute trust's bed plan and the "
        "mental health trust's crisis strategy were aligned through the System Resilience Group."
    ),
    "engagement": (
        "Healthwatch Brackenford ran six listening events and an online survey (612 responses) between "
        "November 2013 and March 2014; people asked most for one assessment and one named worker, which "
        "shaped the neighbourhood teams. The Carers' Forum co-designed BR09. Providers, including the "
        "voluntary sector alliance and the care home association, met monthly through the provider "
        "forum; each NHS provider has commented in writing on the plan."
    ),
    "acute_implications": (
        "Brackenford Teaching Hospitals NHS Trust has agreed the planned reduction of 1,064 non-elective "
        "admissions (3.5%) in its 2015/16 contract, equivalent to about £1.6m of tariff income and 6,200 "
        "bed days at an average stay of 5.8 days. The trust will close one medical ward in stages once "
        "two quarters of reductions are sustained. Its chief executive's commentary is attached to the "
        "submission, and the trust is a member of the programme board."
    ),
}

CITY_CONDITIONS: Final[dict[str, str]] = {
    "NC1": (
        "Agreed by the Integrated Commissioning Board (council and CCG) on 2 September 2014 and signed "
        "off by the Health and Wellbeing Board on 16 September 2014; the CCG governing body and the "
        "council cabinet approved the section 75 agreement."
    ),
    "NC2": (
        "Social care services are protected by keeping eligibility at its 2013/14 level: £6.6m of the "
        "NHS contribution funds community care packages (BR07), and the council's own reablement and "
        "telecare budgets stay in the pool."
    ),
    "NC3": (
        "Rapid response and hospital social work run seven days a week from April 2015; the acute trust "
        "and community provider have matching weekend discharge plans, agreed through the System "
        "Resilience Group."
    ),
    "NC4": (
        "The NHS number is the primary identifier in health and social care; 91% of social care records "
        "carried a verified NHS number in August 2014 and 95% will by March 2016. Data sharing "
        "agreements are signed and the shared care record (BR11) goes live in 2015."
    ),
    "NC5": (
        "Everyone on a neighbourhood team caseload has a single assessment and care plan, and a named "
        "accountable professional: their GP for medical care and a care coordinator for the package."
    ),
    "NC6": (
        "The acute trust has agreed the effect on its activity and income; its commentary is attached to "
        "the plan and the reduction is in its 2015/16 contract."
    ),
}

CITY_S75: Final[dict[str, str]] = {
    "aims_and_outcomes": (
        "To integrate health and social care for adults in Brackenford, reduce emergency admissions by "
        "3.5% in 2015/16, reduce delayed transfers, and protect adult social care services."
    ),
    "contributions_and_variation": (
        "Each partner's contribution for 2015/16 is set out in Schedule 2 (the funding table); "
        "contributions are revised annually by the Integrated Commissioning Board and may be varied "
        "in year only by written agreement of both partners."
    ),
    "functions": (
        "The CCG's functions of arranging community health, intermediate care and mental health "
        "services; the council's adult social care, carers and housing adaptation functions."
    ),
    "people_and_services": (
        "Adults resident in, or registered with a GP practice in, Brackenford who use the schemes in "
        "Schedule 1."
    ),
    "resources_provided": (
        "The council provides the reablement, telecare and hospital social work staff; the CCG provides "
        "contract management for NHS providers; each partner provides finance and performance support."
    ),
    "duration_review_termination": (
        "From 1 April 2015 to 31 March 2016, extendable by agreement; reviewed at six months; either "
        "partner may end it on six months' notice at a year end, with assets and liabilities split in "
        "proportion to contributions."
    ),
    "management_and_monitoring": (
        "Each pool has a pool manager appointed by its host; quarterly reports to the Integrated "
        "Commissioning Board and an annual return; the host arranges audit of its pool's accounts."
    ),
}

# --- Wealdshire (two-tier county) -----------------------------------------------------------------

COUNTY_NARRATIVE: Final[dict[str, str]] = {
    "vision_and_schemes": (
        "Wealdshire's vision is a county where older and disabled people live independently in their "
        "own homes, with health and care organised around them rather than around our organisations. "
        "The Better Care Fund brings £82.1m into five section 75 pools in 2015/16, against a minimum "
        "of £52.5m: frailty and older "
        "people's pools for the north and south CCG footprints, hosted by NHS North Wealdshire CCG and "
        "by the County Council respectively; a system-wide mental health pool with north and south "
        "delivery, hosted by NHS South Wealdshire CCG; and two existing pools brought into the fund, "
        "learning disability and the integrated community equipment service, both hosted by the County "
        "Council.\n\n"
        "Schemes focus on frailty: integrated locality teams, rapid response, community hospitals used "
        "for step-up care, and reablement. The Disabled Facilities Grant is passed in full to the five "
        "district and borough councils, who remain the housing authorities, and is planned alongside "
        "the equipment service and the home-improvement agency as our technology and home enablers."
    ),
    "case_for_change": (
        "Wealdshire has one of the fastest-ageing populations in the South East: the number of people "
        "over 85 grows 4% a year and 22% of residents will be over 65 by 2020. Emergency admissions of "
        "over-75s rose 11% in three years, and delayed transfers at the two acute trusts are among the "
        "highest in the region. In the south, Saltmarsh Coast has the county's highest deprivation and "
        "highest rate of falls admissions. The County Council faces £96m of savings by 2018/19. The "
        "three CCGs and the council agree that only joint commissioning around frail older people, "
        "across both acute trusts' catchments, can stop the rise in admissions."
    ),
    "plan_of_action": (
        "Approvals follow three stages: approval in principle by each partner (done, March 2014), heads "
        "of terms for each pool (done, September 2014), and signed section 75 agreements before April "
        "2015. The frailty pools go live in April 2015; the mental health pool follows in July 2015 once "
        "the north and south delivery specifications are agreed. The existing learning disability and "
        "equipment agreements are varied to join the fund from April 2015.\n\n"
        "The Wealdshire Integration Board (partnership board with delegated powers) runs the programme "
        "through a light report on each of its priority areas, with issues escalated by exception. Each "
        "partner's contribution to each pool and scheme is published every quarter so that no partner "
        "cross-subsidises another unknowingly."
    ),
    "risks_and_contingency": (
        "The three CCGs hold back £3,441,900, the value of 2,310 fewer emergency admissions at £1,490, "
        "released quarterly in proportion to the reduction achieved. Any overspend in a pool is met in "
        "this order: first from underspends in any other BCF pool, then from the £1.2m risk pool "
        "funded by the CCGs, then by cutting uncommitted scheme allocations, and finally from outside "
        "the pool in the partners' shares in the s75 agreement. The partners considered a simple 50/50 "
        "split between the County Council and the CCGs as an alternative; it was rejected because the "
        "CCGs contribute two and a half times what the council does, but it remains the fallback if the "
        "ordered rule cannot be agreed for a later year. The risk register is reviewed monthly."
    ),
    "alignment": (
        "The plan carries out the Joint Health and Wellbeing Strategy's priorities on ageing well and "
        "mental health, and matches the CCGs' operational plans: the north and south admission "
        "ambitions are within two percentage points of the operational plan targets. It is aligned "
        "with the County Council's Adult Social Care Strategy, the districts' housing strategies (DFG), "
        "the police and crime plan on mental health crisis care, and the public health commissioning "
        "intentions for drugs and alcohol. Saltmarsh and Westbay CCG's plan is consistent with the "
        "neighbouring Westbay Better Care Fund plan, which covers the rest of its population."
    ),
    "engagement": (
        "Healthwatch Wealdshire led 14 community events across the five districts; the district "
        "councils, the two acute trusts, the community and mental health trusts, the care providers' "
        "association and the voluntary sector infrastructure bodies took part in a provider summit and "
        "commented on the draft. Each district council's cabinet member for housing agreed the DFG "
        "arrangements. People with learning disabilities co-produced the learning disability section "
        "through the Partnership Board."
    ),
    "acute_implications": (
        "Wealdshire Hospitals NHS Foundation Trust (north) and South Weald and Saltmarsh Hospitals NHS "
        "Trust (south) have agreed the 3.0% reduction in their 2015/16 contracts: about 1,390 fewer "
        "admissions in the north and 920 in the south, worth £3.4m of tariff income. Both trusts will "
        "reduce escalation beds first. About 30% of Saltmarsh and Westbay CCG's acute activity flows to a "
        "hospital outside the county; its share of the reduction is attributed by registered population. "
        "Both trusts' commentaries are attached to the submission."
    ),
}

COUNTY_CONDITIONS: Final[dict[str, str]] = {
    "NC1": (
        "Agreed by the three CCG governing bodies and the County Council cabinet in September 2014, "
        "endorsed by the five district councils, and signed off by the Health and Wellbeing Board on "
        "17 September 2014."
    ),
    "NC2": (
        "Social care services are protected: £27.0m of the NHS contribution in 2015/16 funds care "
        "packages, reablement, carers' support, Care Act duties and learning disability support, so that "
        "eligibility stays at substantial and the council's savings programme does not reduce frontline "
        "services for older and disabled people."
    ),
    "NC3": (
        "Both acute trusts, the community trust and county social care will discharge seven days a week "
        "from April 2015; locality rapid response teams work 8am to 10pm every day."
    ),
    "NC4": (
        "The NHS number is used as the primary identifier in all partners' systems; the county social "
        "care system is matched nightly against the national spine, and data sharing agreements between "
        "all partners were signed in July 2014."
    ),
    "NC5": (
        "A joint assessment and single care plan for everyone on a locality team caseload, with a named "
        "accountable lead professional; the same approach applies in the learning disability pool."
    ),
    "NC6": (
        "Both acute trusts have agreed the reductions and their effect on income and beds; the "
        "commentaries are attached. The out-of-county hospital used by Saltmarsh residents was consulted "
        "through Saltmarsh and Westbay CCG."
    ),
}

COUNTY_S75: Final[dict[str, str]] = {
    "aims_and_outcomes": (
        "To commission integrated health and social care for frail older people, people with mental "
        "health needs and people with learning disabilities in Wealdshire, reduce emergency admissions "
        "by 3.0% in 2015/16, reduce delayed transfers and protect adult social care."
    ),
    "contributions_and_variation": (
        "Contributions to each of the five pools are set out per partner in Schedule 2 and revised "
        "annually; a CCG that spans the county boundary contributes its stated share only. In-year "
        "variation needs the written agreement of every partner contributing to the pool."
    ),
    "functions": (
        "The CCGs' community health, intermediate care, mental health and learning disability "
        "commissioning functions; the County Council's adult social care, carers and equipment "
        "functions; the district councils' housing adaptations functions (Disabled Facilities Grant)."
    ),
    "people_and_services": (
        "Adults resident in Wealdshire or registered with a Wealdshire GP practice who use the services "
        "in Schedule 1; children's equipment is included in the equipment pool."
    ),
    "resources_provided": (
        "The County Council provides the equipment service and social care staff; the CCGs provide "
        "contract management of NHS providers; district councils administer the grants; each host "
        "provides finance, audit and performance support for its pool."
    ),
    "duration_review_termination": (
        "A framework agreement from 1 April 2015 for three years with annual schedules; reviewed each "
        "year; a partner may withdraw from a pool on twelve months' notice at a year end, with assets and "
        "liabilities split in proportion to contributions."
    ),
    "management_and_monitoring": (
        "Each pool's host appoints a pool manager, who reports quarterly to the Wealdshire Integration "
        "Board and makes an annual return; each host arranges audit of its pool; the board may delegate "
        "decisions within a pool to a joint commissioning group for that footprint."
    ),
}
