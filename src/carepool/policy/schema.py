"""The schema every policy pack is validated against on load.

A pack holds the parameters of one policy year; code holds the mechanisms. Every number carries its
confidence and source, as in ``../shared/domain/rules.md``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Confidence(StrEnum):
    STATED = "stated"
    DERIVED = "derived"
    UNCONFIRMED = "unconfirmed"
    CONFLICT = "conflict"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(Strict):
    """One number of policy, with where it came from."""

    value: Decimal
    unit: str
    confidence: Confidence = Confidence.STATED
    source: str
    note: str = ""


class FundingStream(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    payer_kinds: list[str] = Field(min_length=1, description="organisation kinds that contribute it")
    legal_route: str
    capital: bool = False
    national_amount: Parameter | None = None
    minimum_required: bool = True
    must_pass_to: str | None = Field(
        default=None, description="organisation kind that must receive it in two-tier areas (DFG)"
    )
    rounding: Literal["penny", "pound", "thousand"] = "pound"


class NationalCondition(Strict):
    id: str
    title: str
    text: str
    kind: Literal["condition", "principle"] = "condition"
    evidence: Literal["assurance_statement", "narrative", "data_check"] = "narrative"
    confidence: Confidence = Confidence.STATED
    source: str


class Metric(Strict):
    id: str
    name: str
    numerator: str = ""
    denominator: str = ""
    scale: Literal["count", "per_100000", "percent", "days"] = "count"
    population: str = "all ages"
    period: Literal["quarter", "month", "year"] = "year"
    direction: Literal["lower_is_better", "higher_is_better", "not_set"]
    local: bool = False
    pays: bool = False
    confidence: Confidence = Confidence.STATED
    source: str


class Tranche(Strict):
    """A fixed performance payment point (the 2013 scheme)."""

    id: str
    due: str
    national_amount: Parameter
    criteria: list[str] = Field(min_length=1, description="condition or metric ids assessed")


class Performance(Strict):
    mechanism: Literal["none", "tranches", "nel_reduction"]
    national_fund: Parameter | None = None
    # tranches (2013 design)
    tranches: list[Tranche] = []
    tranche_rule: Parameter | None = Field(
        default=None, description="1 = all-or-nothing per tranche; 0 = proportional to criteria met"
    )
    # nel_reduction (July 2014 design)
    metric: str | None = None
    unit_cost: Parameter | None = None
    min_ambition_pct: Parameter | None = None
    quarter_cap_pct: Parameter | None = None
    quarters: list[str] = []
    realign_tolerance_pp: Parameter | None = None
    ring_fence_areas_of_spend: list[str] = []
    ring_fence_commissioner_kinds: list[str] = []
    unearned_destination: str = ""

    @model_validator(mode="after")
    def _mechanism_has_its_parameters(self) -> Performance:
        if self.mechanism == "nel_reduction":
            missing = [
                name
                for name in ("metric", "unit_cost", "min_ambition_pct", "quarter_cap_pct", "national_fund")
                if getattr(self, name) is None
            ]
            if missing or len(self.quarters) != 4:
                raise ValueError(f"nel_reduction needs {missing or ''} and exactly four quarters")
        if self.mechanism == "tranches" and (not self.tranches or self.tranche_rule is None):
            raise ValueError("tranches needs tranches and a tranche_rule")
        return self


class NarrativeSection(Strict):
    id: str
    title: str
    required: bool = True


class CheckSetting(Strict):
    severity: Literal["error", "warning", "info", "off"]
    reason: str = ""


class PolicyPack(Strict):
    id: str = Field(pattern=r"^[a-z]+-\d{4}-\d{2}$")
    title: str
    summary: str
    years: list[str] = Field(min_length=1)
    published: str
    supersedes: str | None = None
    hwb_count: Parameter
    funding_streams: list[FundingStream] = Field(min_length=1)
    national_conditions: list[NationalCondition] = Field(min_length=1)
    metrics: list[Metric] = Field(min_length=1)
    performance: Performance
    minimum_requires_pooled: bool = True
    asc_maintenance_uplift_pct: Parameter | None = None
    areas_of_spend: list[str] = Field(min_length=1)
    scheme_types: list[str] = Field(min_length=1)
    assurance_categories: list[str] = Field(min_length=1)
    narrative_sections: list[NarrativeSection] = []
    s75_items: list[str] = Field(min_length=1)
    checks: dict[str, CheckSetting] = {}
    sources: list[str] = []

    @field_validator("years")
    @classmethod
    def _years_are_financial_years(cls, years: list[str]) -> list[str]:
        for year in years:
            start, _, end = year.partition("-")
            if not (
                start.isdigit() and end.isdigit() and len(start) == 4 and int(end) == (int(start) + 1) % 100
            ):
                raise ValueError(f"{year!r} is not a financial year like 2015-16")
        return years

    @model_validator(mode="after")
    def _references_resolve(self) -> PolicyPack:
        codes = [s.code for s in self.funding_streams]
        for label, ids in (
            ("funding stream", codes),
            ("national condition", [c.id for c in self.national_conditions]),
            ("metric", [m.id for m in self.metrics]),
        ):
            dupes = {i for i in ids if ids.count(i) > 1}
            if dupes:
                raise ValueError(f"duplicate {label} ids: {sorted(dupes)}")
        known = {c.id for c in self.national_conditions} | {m.id for m in self.metrics}
        for tranche in self.performance.tranches:
            unknown = set(tranche.criteria) - known
            if unknown:
                raise ValueError(f"tranche {tranche.id} names unknown criteria {sorted(unknown)}")
        if self.performance.metric and self.performance.metric not in {m.id for m in self.metrics}:
            raise ValueError(f"performance metric {self.performance.metric!r} is not in metrics")
        for area in self.performance.ring_fence_areas_of_spend:
            if area not in self.areas_of_spend:
                raise ValueError(f"ring-fence area of spend {area!r} is not in areas_of_spend")
        return self

    def stream(self, code: str) -> FundingStream | None:
        return next((s for s in self.funding_streams if s.code == code), None)

    def condition_ids(self) -> list[str]:
        return [c.id for c in self.national_conditions]
