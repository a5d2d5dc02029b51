"""Declarative template configs: one per template version (sheets, defined names, columns, types, lists).

The writer lays a workbook out from a config and the reader finds every table through its Excel
*defined name* (never fixed coordinates), so a person may insert rows inside a table or rename a sheet in
Excel and the file still reads. A new template version is a new ``TemplateConfig`` registered in
``TEMPLATES``, not a new code path. Lists that depend on the policy year (streams, conditions, metrics,
areas of spend, scheme types) come from the plan's policy pack when the workbook is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"
    MONEY = "money"  # pounds and pence, 0 to MONEY_MAX
    TOTAL = "total"  # money that sums many lines (a stated total), 0 to TOTAL_MAX
    RETURN_MONEY = "return_money"  # money in a quarterly return, 0 to RETURN_MONEY_MAX
    PERCENT = "percent"  # 0 to 100
    QUANTITY = "quantity"  # a non-negative count or rate
    INTEGER = "integer"
    DATE = "date"
    YESNO = "yesno"
    YEARS = "years"  # financial years separated by commas, e.g. "2014-15, 2015-16"


MONEY_MAX: Final = Decimal("1000000000")  # the national templates' limit on a numeric input
TOTAL_MAX: Final = Decimal("100000000000")  # a total may exceed one line's limit; not the whole country's
RETURN_MONEY_MAX: Final = Decimal("100000000")  # the quarterly reporting templates' numeric limit
QUANTITY_MAX: Final = Decimal("1000000000")
NUMBER_LIMITS: Final = {
    Kind.MONEY: (Decimal(0), MONEY_MAX),
    Kind.TOTAL: (Decimal(0), TOTAL_MAX),
    Kind.RETURN_MONEY: (Decimal(0), RETURN_MONEY_MAX),
    Kind.PERCENT: (Decimal(0), Decimal(100)),
    Kind.QUANTITY: (Decimal(0), QUANTITY_MAX),
    Kind.INTEGER: (Decimal(0), QUANTITY_MAX),
}

MONEY_KINDS: Final = frozenset({Kind.MONEY, Kind.TOTAL, Kind.RETURN_MONEY})


@dataclass(frozen=True, slots=True)
class Choices:
    """Values offered in a drop-down: fixed ``values``, a pack list (``pack``) or a column of a table."""

    values: tuple[str, ...] = ()
    pack: str = ""  # streams | years | areas_of_spend | scheme_types | conditions | metrics | sections
    table: str = ""  # defined name of a table whose first column lists the allowed codes


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: Choices | None = None
    width: int = 16
    locked: bool = False  # pre-filled by carepool (grey), read back as it was written


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str  # the Excel defined name of the table body
    sheet: str
    title: str
    guidance: str
    columns: tuple[Column, ...]
    required: bool = False  # the checklist asks for at least one row


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str  # the Excel defined name of the single input cell
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: Choices | None = None
    locked: bool = False  # pre-filled by carepool, not an input


@dataclass(frozen=True, slots=True)
class FieldSheet:
    sheet: str
    title: str
    guidance: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True, slots=True)
class TemplateConfig:
    template_id: str
    version: int
    title: str
    field_sheets: tuple[FieldSheet, ...]
    tables: tuple[TableSpec, ...]
    spare_rows: int = 15  # blank input rows below the data, inside the named range
    max_rows: int = 5000  # per table; more is refused as a very large sheet

    def table(self, name: str) -> TableSpec:
        return next(t for t in self.tables if t.name == name)

    def fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for s in self.field_sheets for f in s.fields)


# The names that identify a template; they keep their meaning in every version.
TEMPLATE_ID_NAME: Final = "TemplateId"
TEMPLATE_VERSION_NAME: Final = "TemplateVersion"
LISTS_SHEET: Final = "Lists"
CHECKLIST_SHEET: Final = "Checklist"

YES_NO: Final = Choices(values=("Yes", "No"))
LEVELS: Final = Choices(values=("Low", "Medium", "High"))
STREAMS: Final = Choices(pack="streams")
YEARS: Final = Choices(pack="years")
PARTNERS: Final = Choices(table="Partners")
ORGS: Final = Choices(table="Organisations")
POOLS: Final = Choices(table="Pools")
SCHEMES: Final = Choices(table="Schemes")


def _c(
    key: str,
    header: str,
    kind: Kind = Kind.TEXT,
    *,
    req: bool = False,
    ch: Choices | None = None,
    w: int = 16,
    locked: bool = False,
) -> Column:
    return Column(key, header, kind, req, ch, w, locked)


PLAN_TEMPLATE_V1: Final = TemplateConfig(
    template_id="carepool-plan",
    version=1,
    title="Better Care Fund planning template",
    field_sheets=(
        FieldSheet(
            "Cover",
            "Better Care Fund planning template",
            "Yellow cells are inputs; grey cells are filled in by carepool. The Checklist sheet shows what "
            "is still missing.",
            (
                FieldSpec(TEMPLATE_ID_NAME, "Template", locked=True),
                FieldSpec(TEMPLATE_VERSION_NAME, "Template version", Kind.INTEGER, locked=True),
                FieldSpec("PolicyPack", "Policy pack", Kind.CODE, required=True, locked=True),
                FieldSpec("PlanId", "Plan id", Kind.CODE, required=True),
                FieldSpec("PlanTitle", "Plan title", required=True),
                FieldSpec("PlanYears", "Financial years (e.g. 2014-15, 2015-16)", Kind.YEARS, required=True),
                FieldSpec("AreaCode", "Health and Wellbeing Board ONS code", Kind.CODE, required=True),
                FieldSpec("AreaName", "Health and Wellbeing Board area", required=True),
                FieldSpec(
                    "AreaType",
                    "Type of area",
                    required=True,
                    choices=Choices(
                        values=("unitary authority", "county", "metropolitan district", "london borough")
                    ),
                ),
                FieldSpec("AreaRegion", "Region"),
                FieldSpec("AreaPopulation", "Population", Kind.INTEGER),
            ),
        ),
        FieldSheet(
            "Performance",
            "Payment for performance",
            "The non-elective admissions ambition and the area's share of the performance fund. Quarterly "
            "figures are on the 'Performance quarters' sheet.",
            (
                FieldSpec("AmbitionPct", "Ambition: reduction in admissions (%)", Kind.PERCENT),
                FieldSpec("AmbitionJustification", "Justification of the ambition"),
                FieldSpec("FundShare", "Share of the national performance fund (£)", Kind.MONEY),
                FieldSpec("StatedPot", "Performance pot stated in the plan (£)", Kind.MONEY),
                FieldSpec("AverageLengthOfStay", "Average length of stay (days)", Kind.QUANTITY),
            ),
        ),
        FieldSheet(
            "Heads of terms",
            "Section 75 pooled-fund agreement: heads of terms",
            "The regulation 7 items, the host and pool manager, and the risk share.",
            (
                FieldSpec("S75Aims", "Aims and outcomes"),
                FieldSpec("S75Contributions", "Contributions and how they may be varied"),
                FieldSpec("S75Functions", "Functions"),
                FieldSpec("S75People", "People and services"),
                FieldSpec("S75Resources", "Staff, goods, services or accommodation provided"),
                FieldSpec("S75Duration", "Duration, review and termination"),
                FieldSpec("S75Management", "Management and monitoring"),
                FieldSpec("S75Host", "Host partner", Kind.CODE, choices=PARTNERS),
                FieldSpec("S75PoolManager", "Pool manager"),
                FieldSpec(
                    "S75Stage",
                    "Approval stage",
                    choices=Choices(values=("none", "in_principle", "heads_of_terms", "signed")),
                ),
                FieldSpec(
                    "RiskShareMethod",
                    "Risk share method (blank: no risk share agreed)",
                    choices=Choices(values=("proportional", "fixed_split", "ordered", "none")),
                ),
                FieldSpec("RiskPool", "Risk pool (£)", Kind.MONEY),
                FieldSpec("RiskShareDescription", "Risk share description"),
            ),
        ),
    ),
    tables=(
        TableSpec(
            "Organisations",
            "Organisations",
            "Organisations",
            "Every organisation the plan names: councils, CCGs, providers.",
            (
                _c("code", "Code (ONS or ODS)", Kind.CODE, req=True),
                _c("name", "Name", req=True, w=40),
                _c(
                    "kind",
                    "Kind",
                    req=True,
                    ch=Choices(
                        values=(
                            "upper_tier_council",
                            "district_council",
                            "ccg",
                            "icb",
                            "provider",
                            "national_body",
                        )
                    ),
                    w=22,
                ),
            ),
            required=True,
        ),
        TableSpec(
            "Partners",
            "Partners",
            "Partners",
            "Organisations that are partners to the pooled budget, and the share of each in the area.",
            (
                _c("org", "Organisation code", Kind.CODE, req=True, ch=ORGS),
                _c("share_pct", "Share in the area (%)", Kind.PERCENT, req=True),
            ),
            required=True,
        ),
        TableSpec(
            "Minimums",
            "Funding sources",
            "Funding sources: minimum contributions",
            "The minimum each partner must put into the fund, per funding stream and year.",
            (
                _c("partner", "Partner", Kind.CODE, req=True, ch=PARTNERS),
                _c("stream", "Funding stream", Kind.CODE, req=True, ch=STREAMS, w=24),
                _c("year", "Year", req=True, ch=YEARS),
                _c("amount", "Minimum (£)", Kind.MONEY, req=True),
            ),
        ),
        TableSpec(
            "Pools",
            "Pools",
            "Pools",
            "Each pooled (or aligned) budget and its host.",
            (
                _c("id", "Pool id", Kind.CODE, req=True),
                _c("name", "Name", req=True, w=36),
                _c("topic", "Topic"),
                _c("footprint", "Footprint"),
                _c("host", "Host partner", Kind.CODE, req=True, ch=PARTNERS),
                _c("pool_manager", "Pool manager", w=28),
                _c("arrangement", "Arrangement", req=True, ch=Choices(values=("pooled", "aligned"))),
                _c("ring_fenced", "Ring-fenced", Kind.YESNO, req=True, ch=YES_NO),
                _c("existing", "Existing s75 pool", Kind.YESNO, req=True, ch=YES_NO),
            ),
            required=True,
        ),
        TableSpec(
            "Contributions",
            "Contributions",
            "Contributions to the pools",
            "What each partner puts into each pool, per funding stream and year.",
            (
                _c("id", "Contribution id", Kind.CODE, req=True),
                _c("partner", "Partner", Kind.CODE, req=True, ch=PARTNERS),
                _c("stream", "Funding stream", Kind.CODE, req=True, ch=STREAMS, w=24),
                _c("pool", "Pool", Kind.CODE, req=True, ch=POOLS),
                _c("year", "Year", req=True, ch=YEARS),
                _c("amount", "Amount (£)", Kind.MONEY, req=True),
                _c("capital", "Capital", Kind.YESNO, req=True, ch=YES_NO),
                _c("reference", "Allocation or grant line", w=32),
            ),
            required=True,
        ),
        TableSpec(
            "Schemes",
            "Schemes",
            "Schemes",
            "Each scheme the fund pays for. Its money is on 'Expenditure plan'.",
            (
                _c("ref", "Scheme ref", Kind.CODE, req=True),
                _c("name", "Scheme name", req=True, w=40),
                _c("type", "Scheme type", ch=Choices(pack="scheme_types"), w=22),
                _c("area_of_spend", "Area of spend", ch=Choices(pack="areas_of_spend"), w=20),
                _c("provider", "Provider"),
                _c("new_or_existing", "New or existing", req=True, ch=Choices(values=("new", "existing"))),
                _c("description", "Description", w=48),
            ),
            required=True,
        ),
        TableSpec(
            "SchemeFunding",
            "Expenditure plan",
            "Expenditure plan",
            "One row per scheme, pool, partner, funding stream and year.",
            (
                _c("scheme", "Scheme ref", Kind.CODE, req=True, ch=SCHEMES),
                _c("pool", "Pool", Kind.CODE, req=True, ch=POOLS),
                _c("partner", "Partner", Kind.CODE, req=True, ch=PARTNERS),
                _c("stream", "Funding stream", Kind.CODE, req=True, ch=STREAMS, w=24),
                _c("year", "Year", req=True, ch=YEARS),
                _c("amount", "Amount (£)", Kind.MONEY, req=True),
            ),
            required=True,
        ),
        TableSpec(
            "SchemeCommissioners",
            "Scheme commissioners",
            "Scheme commissioners",
            "Who commissions each scheme; a jointly commissioned scheme has one row per partner.",
            (
                _c("scheme", "Scheme ref", Kind.CODE, req=True, ch=SCHEMES),
                _c("partner", "Partner", Kind.CODE, req=True, ch=PARTNERS),
                _c("pct", "Share (%)", Kind.PERCENT, req=True),
            ),
        ),
        TableSpec(
            "SchemeSavings",
            "Scheme savings",
            "Planned savings and uncommitted funding",
            "Per scheme and year: planned savings, and funding not yet committed.",
            (
                _c("scheme", "Scheme ref", Kind.CODE, req=True, ch=SCHEMES),
                _c("year", "Year", req=True, ch=YEARS),
                _c("planned_savings", "Planned savings (£)", Kind.MONEY),
                _c("uncommitted", "Uncommitted (£)", Kind.MONEY),
            ),
        ),
        TableSpec(
            "SchemeOutcomes",
            "Scheme outcomes",
            "Scheme outcomes",
            "The outcomes each scheme is expected to bring.",
            (
                _c("scheme", "Scheme ref", Kind.CODE, req=True, ch=SCHEMES),
                _c("outcome", "Outcome", req=True, w=60),
            ),
        ),
        TableSpec(
            "SchemeKpis",
            "Scheme KPIs",
            "Scheme key performance indicators",
            "Indicators and targets per scheme.",
            (
                _c("scheme", "Scheme ref", Kind.CODE, req=True, ch=SCHEMES),
                _c("name", "Indicator", req=True, w=40),
                _c("target", "Target", w=24),
            ),
        ),
        TableSpec(
            "Metrics",
            "Metrics",
            "Metrics",
            "Each metric with its baseline. Give every row a ref; its trajectory is on 'Trajectories'.",
            (
                _c("ref", "Metric ref", Kind.CODE, req=True),
                _c("metric", "Metric", Kind.CODE, req=True, ch=Choices(pack="metrics"), w=24),
                _c("name", "Name (local metric)", w=40),
                _c("baseline_period", "Baseline period"),
                _c("baseline_value", "Baseline value", Kind.QUANTITY),
            ),
            required=True,
        ),
        TableSpec(
            "MetricValues",
            "Trajectories",
            "Metric trajectories",
            "Planned and actual values per metric ref and period (year, 2015-16 Q1 or 2015-16 M01).",
            (
                _c("metric", "Metric ref", Kind.CODE, req=True, ch=Choices(table="Metrics")),
                _c("series", "Plan or actual", req=True, ch=Choices(values=("plan", "actual"))),
                _c("period", "Period", req=True),
                _c("value", "Value", Kind.QUANTITY, req=True),
            ),
        ),
        TableSpec(
            "PerformanceQuarters",
            "Performance quarters",
            "Non-elective admissions by quarter",
            "Baseline, planned and actual admissions per payment quarter (e.g. 2015-16 Q1).",
            (
                _c(
                    "series",
                    "Series",
                    req=True,
                    ch=Choices(values=("baseline", "planned", "actual")),
                ),
                _c("quarter", "Quarter", req=True),
                _c("admissions", "Admissions", Kind.QUANTITY, req=True),
            ),
        ),
        TableSpec(
            "CriteriaMet",
            "P4P criteria",
            "Performance criteria judged met",
            "Per tranche, the conditions and metrics judged met (2013 design). A blank criterion records a "
            "tranche with none met.",
            (
                _c("tranche", "Tranche", req=True),
                _c("criterion", "Condition or metric judged met"),
            ),
        ),
        TableSpec(
            "Conditions",
            "Conditions",
            "National conditions",
            "A statement on each national condition.",
            (
                _c("condition", "Condition", Kind.CODE, req=True, ch=Choices(pack="conditions")),
                _c("status", "Status", req=True, ch=Choices(values=("met", "in_progress", "not_met"))),
                _c("statement", "Statement", req=True, w=80),
            ),
            required=True,
        ),
        TableSpec(
            "Risks",
            "Risks",
            "Risk log",
            "Each risk with its impact, probability and mitigation.",
            (
                _c("id", "Risk id", Kind.CODE, req=True),
                _c("description", "Description", req=True, w=60),
                _c("impact", "Impact", req=True, ch=LEVELS),
                _c("probability", "Probability", req=True, ch=LEVELS),
                _c("mitigation", "Mitigation", w=60),
                _c("owner", "Owner", w=28),
                _c("status", "Status", req=True, ch=Choices(values=("open", "closed"))),
            ),
            required=True,
        ),
        TableSpec(
            "Milestones",
            "Milestones",
            "Milestones",
            "Delivery milestones; their tasks are on 'Tasks'.",
            (
                _c("id", "Milestone id", Kind.CODE, req=True),
                _c("title", "Title", req=True, w=48),
                _c("owner", "Owner", w=28),
                _c("deadline", "Deadline", Kind.DATE, req=True),
                _c(
                    "status",
                    "Status",
                    req=True,
                    ch=Choices(values=("not_started", "in_progress", "done", "late")),
                ),
            ),
        ),
        TableSpec(
            "Tasks",
            "Tasks",
            "Milestone tasks",
            "Tasks under each milestone.",
            (
                _c("milestone", "Milestone id", Kind.CODE, req=True, ch=Choices(table="Milestones")),
                _c("title", "Task", req=True, w=48),
                _c("owner", "Owner", w=28),
                _c("deadline", "Deadline", Kind.DATE),
                _c("status", "Status", req=True, ch=Choices(values=("not_started", "in_progress", "done"))),
            ),
        ),
        TableSpec(
            "RiskShareSplits",
            "Risk share splits",
            "Risk share: split between partners",
            "Per partner, its percentage of a fixed split (or of overspends outside the pool).",
            (
                _c("partner", "Partner", Kind.CODE, req=True, ch=PARTNERS),
                _c("pct", "Share (%)", Kind.PERCENT, req=True),
            ),
        ),
        TableSpec(
            "RiskShareSteps",
            "Risk share steps",
            "Risk share: order of steps",
            "For an ordered risk share, the steps in the order they apply.",
            (
                _c(
                    "step",
                    "Step",
                    req=True,
                    ch=Choices(values=("offset_underspends", "risk_pool", "cut_uncommitted", "outside_pool")),
                    w=24,
                ),
            ),
        ),
        TableSpec(
            "Signatories",
            "Sign-off",
            "Authorisation and sign-off",
            "Who signs for each partner, and for the Health and Wellbeing Board ('hwb').",
            (
                _c("signs_for", "Signs for (partner code or hwb)", Kind.CODE, req=True),
                _c("name", "Name", req=True, w=28),
                _c("position", "Position", req=True, w=36),
            ),
        ),
        TableSpec(
            "Narrative",
            "Narrative",
            "Narrative",
            "The plan's narrative, one row per section.",
            (
                _c("section", "Section", Kind.CODE, req=True, ch=Choices(pack="sections"), w=24),
                _c("text", "Text", w=100),
            ),
        ),
        TableSpec(
            "StatedTotals",
            "Stated totals",
            "Totals stated in the plan",
            "Totals typed into the plan (e.g. from a board paper); carepool checks them against the rows.",
            (
                _c("label", "Label", req=True, w=36),
                _c(
                    "of",
                    "Total of",
                    req=True,
                    ch=Choices(values=("contributions", "pool", "partner", "stream", "scheme", "minimums")),
                ),
                _c("key", "Pool, partner, stream or scheme"),
                _c("year", "Year", req=True, ch=YEARS),
                _c("amount", "Amount (£)", Kind.TOTAL, req=True),
            ),
        ),
    ),
)

RETURN_TEMPLATE_V1: Final = TemplateConfig(
    template_id="carepool-return",
    version=1,
    title="Better Care Fund quarterly return",
    field_sheets=(
        FieldSheet(
            "Cover",
            "Better Care Fund quarterly return",
            "Yellow cells are inputs; grey cells are filled in by carepool from the signed plan. Numbers are "
            "limited to 0-100,000,000.",
            (
                FieldSpec(TEMPLATE_ID_NAME, "Template", locked=True),
                FieldSpec(TEMPLATE_VERSION_NAME, "Template version", Kind.INTEGER, locked=True),
                FieldSpec("PlanId", "Plan id", Kind.CODE, required=True, locked=True),
                FieldSpec("PlanSha256", "Plan version (sha256)", Kind.CODE, required=True, locked=True),
                FieldSpec("PolicyPack", "Policy pack", Kind.CODE, required=True, locked=True),
                FieldSpec(
                    "AreaCode", "Health and Wellbeing Board ONS code", Kind.CODE, required=True, locked=True
                ),
                FieldSpec("Quarter", "Quarter", required=True, locked=True),
                FieldSpec("Narrative", "Narrative: progress, risks and issues this quarter", required=True),
            ),
        ),
    ),
    tables=(
        TableSpec(
            "Spend",
            "Income and expenditure",
            "Income and expenditure",
            "Per scheme, the year's planned spend (from the plan) and the spend to date at the quarter's end.",
            (
                _c("scheme", "Scheme ref", Kind.CODE, req=True, locked=True),
                _c("name", "Scheme name", w=40, locked=True),
                _c("planned", "Planned for the year (£)", Kind.TOTAL, req=True, locked=True),
                _c("spent_to_date", "Spent to date (£)", Kind.RETURN_MONEY, req=True),
            ),
            required=True,
        ),
        TableSpec(
            "MetricActuals",
            "Metrics",
            "Metric actuals",
            "The actual value of each planned metric for the periods this return covers.",
            (
                _c("metric", "Metric", Kind.CODE, req=True, locked=True, w=24),
                _c("name", "Name (local metric)", w=40, locked=True),
                _c("period", "Period", req=True, locked=True),
                _c("value", "Actual", Kind.QUANTITY, req=True),
            ),
        ),
        TableSpec(
            "ConditionStatus",
            "National conditions",
            "National conditions",
            "Whether each national condition is met at the end of the quarter.",
            (
                _c("condition", "Condition", Kind.CODE, req=True, locked=True),
                _c("status", "Status", req=True, ch=Choices(values=("met", "in_progress", "not_met"))),
                _c("comment", "Comment", w=80),
            ),
            required=True,
        ),
    ),
)

TEMPLATES: Final = {(t.template_id, t.version): t for t in (PLAN_TEMPLATE_V1, RETURN_TEMPLATE_V1)}
CURRENT: Final = {t.template_id: t for t in (PLAN_TEMPLATE_V1, RETURN_TEMPLATE_V1)}
