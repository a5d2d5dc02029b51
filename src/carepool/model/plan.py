"""The plan document: everything an area agrees about its pooled budgets for a policy year.

A plan is one aggregate. Its canonical JSON (see ``canonical.py``) is what gets versioned, hashed,
signed and exchanged; the JSON Schema published by ``carepool schema plan`` is generated from here.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from carepool.model.types import Code, Money, Percent, Period, Quantity, Quarter, Text, Year, empty

FORMAT: Final = "carepool-plan/1"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrgKind(StrEnum):
    UPPER_TIER_COUNCIL = "upper_tier_council"
    DISTRICT_COUNCIL = "district_council"
    CCG = "ccg"
    ICB = "icb"
    PROVIDER = "provider"
    NATIONAL_BODY = "national_body"


class AreaType(StrEnum):
    UNITARY = "unitary authority"
    COUNTY = "county"
    METROPOLITAN = "metropolitan district"
    LONDON = "london borough"


class Level(StrEnum):
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"


LEVEL_SCORE = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


class Area(Record):
    ons_code: Code = Field(description="ONS code of the Health and Wellbeing Board area, e.g. E10000028")
    name: str
    type: AreaType
    region: str = ""
    population: int | None = Field(default=None, ge=0)


class Organisation(Record):
    code: Code = Field(description="ONS or ODS code, e.g. E07000192 or 05D")
    name: str
    kind: OrgKind


class Partner(Record):
    org: Code = Field(description="code of an organisation in `organisations`")
    share_pct: Percent = Field(
        default=..., description="share of this organisation that belongs to the area (a CCG spanning areas)"
    )


class Pool(Record):
    id: Code
    name: str
    topic: str = ""
    footprint: str = Field(default="", description="e.g. whole area, north, south, a CCG footprint")
    host: Code = Field(description="partner org code that hosts the pool")
    pool_manager: str = ""
    arrangement: Literal["pooled", "aligned"] = "pooled"
    ring_fenced: bool = True
    existing: bool = Field(default=False, description="an existing s75 pool brought into the fund")


class Contribution(Record):
    id: Code
    partner: Code
    stream: Code = Field(description="funding stream code from the policy pack")
    pool: Code
    year: Year
    amount: Money
    capital: bool = False
    reference: str = Field(default="", description="allocation or grant line this money comes from")


class CommissionerShare(Record):
    partner: Code
    pct: Percent


class SchemeFunding(Record):
    pool: Code
    partner: Code
    stream: Code
    year: Year
    amount: Money


class Kpi(Record):
    name: str
    target: str = ""


class Scheme(Record):
    ref: Code
    name: str
    type: str = ""
    area_of_spend: str = ""
    commissioners: list[CommissionerShare] = empty(list)
    provider: str = Field(default="", description="organisation code or name of the provider")
    new_or_existing: Literal["new", "existing"] = "new"
    description: Text = ""
    outcomes: list[str] = empty(list)
    kpis: list[Kpi] = empty(list)
    funding: list[SchemeFunding] = empty(list)
    planned_savings: dict[Year, Money] = empty(dict)
    uncommitted: dict[Year, Money] = empty(
        dict, description="part of the funding not yet committed (can be cut under a risk-share order)"
    )


class MetricValue(Record):
    period: Period
    value: Quantity


class MetricPlan(Record):
    metric: Code = Field(description="metric id from the policy pack")
    name: str = Field(default="", description="name of a local metric")
    baseline: MetricValue | None = None
    plan: list[MetricValue] = empty(list)
    actuals: list[MetricValue] = empty(list)


class QuarterCount(Record):
    quarter: Quarter
    admissions: Quantity


class PerformancePlan(Record):
    """Non-elective admissions ambition and the area's share of the performance money."""

    baseline: list[QuarterCount] = empty(list, description="admissions in the same quarters one year earlier")
    planned: list[QuarterCount] = empty(list, description="planned admissions per payment quarter")
    actuals: list[QuarterCount] = empty(list)
    ambition_pct: Percent | None = None
    justification: Text = ""
    fund_share: Money | None = Field(
        default=None, description="the area's share of the national performance fund"
    )
    stated_pot: Money | None = None
    criteria_met: dict[str, list[str]] = empty(
        dict, description="tranche id → condition/metric ids judged met (2013 design)"
    )
    average_length_of_stay_days: Quantity | None = None


class ConditionStatus(StrEnum):
    MET = "met"
    IN_PROGRESS = "in_progress"
    NOT_MET = "not_met"


class ConditionStatement(Record):
    condition: Code
    status: ConditionStatus
    statement: Text


class Risk(Record):
    id: Code
    description: Text
    impact: Level
    probability: Level
    mitigation: Text = ""
    owner: str = ""
    status: Literal["open", "closed"] = "open"

    @property
    def score(self) -> int:
        return LEVEL_SCORE[self.impact] * LEVEL_SCORE[self.probability]


class Task(Record):
    title: str
    owner: str = ""
    deadline: date | None = None
    status: Literal["not_started", "in_progress", "done"] = "not_started"


class Milestone(Record):
    id: Code
    title: str
    owner: str = ""
    deadline: date
    status: Literal["not_started", "in_progress", "done", "late"] = "not_started"
    tasks: list[Task] = empty(list)


class RiskShareMethod(StrEnum):
    PROPORTIONAL = "proportional"
    FIXED_SPLIT = "fixed_split"
    ORDERED = "ordered"
    NONE = "none"


class RiskShareStep(StrEnum):
    OFFSET_UNDERSPENDS = "offset_underspends"
    RISK_POOL = "risk_pool"
    CUT_UNCOMMITTED = "cut_uncommitted"
    OUTSIDE_POOL = "outside_pool"


class RiskShareRule(Record):
    method: RiskShareMethod
    splits: dict[Code, Percent] = empty(dict, description="partner → % (fixed split, or outside-pool split)")
    order: list[RiskShareStep] = empty(list)
    risk_pool: Money | None = None
    description: Text = ""


class HeadsOfTerms(Record):
    """Section 75 pooled-fund agreement: the regulation 7 items plus host, pool manager and risk share."""

    aims_and_outcomes: Text = ""
    contributions_and_variation: Text = ""
    functions: Text = ""
    people_and_services: Text = ""
    resources_provided: Text = ""
    duration_review_termination: Text = ""
    management_and_monitoring: Text = ""
    host: Code | None = None
    pool_manager: str = ""
    risk_share: RiskShareRule | None = None
    approval_stage: Literal["none", "in_principle", "heads_of_terms", "signed"] = "none"


class Signatory(Record):
    signs_for: str = Field(description="partner org code, or 'hwb' for the Health and Wellbeing Board")
    name: str
    position: str


class StatedTotal(Record):
    """A total typed into the plan (e.g. from a board paper), checked against the sum of its rows."""

    label: str
    of: Literal["contributions", "pool", "partner", "stream", "scheme", "minimums"]
    key: str = Field(default="", description="pool id, partner code, stream code or scheme ref")
    year: Year
    amount: Money


class Minimum(Record):
    partner: Code
    stream: Code
    year: Year
    amount: Money


class Plan(Record):
    format: Literal["carepool-plan/1"] = "carepool-plan/1"
    id: Code
    title: str
    policy: str = Field(description="policy pack id, e.g. bcf-2015-16")
    area: Area
    years: list[Year] = Field(min_length=1)
    organisations: list[Organisation] = empty(list)
    partners: list[Partner] = empty(list)
    minimums: list[Minimum] = empty(list)
    pools: list[Pool] = empty(list)
    contributions: list[Contribution] = empty(list)
    schemes: list[Scheme] = empty(list)
    metrics: list[MetricPlan] = empty(list)
    performance: PerformancePlan = PerformancePlan()
    conditions: list[ConditionStatement] = empty(list)
    risks: list[Risk] = empty(list)
    milestones: list[Milestone] = empty(list)
    s75: HeadsOfTerms = HeadsOfTerms()
    signatories: list[Signatory] = empty(list)
    narrative: dict[str, Text] = empty(dict)
    stated_totals: list[StatedTotal] = empty(list)

    def organisation(self, code: str) -> Organisation | None:
        return next((o for o in self.organisations if o.code == code), None)

    def org_kind(self, code: str) -> OrgKind | None:
        org = self.organisation(code)
        return org.kind if org else None

    def pool(self, pool_id: str) -> Pool | None:
        return next((p for p in self.pools if p.id == pool_id), None)
