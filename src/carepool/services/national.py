"""The national and regional view: every plan a person may see, with status, checks and headline money,
rolled up by status, region, ambition and assurance category, and drawn as charts with their data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from hashlib import sha256
from typing import Any

from carepool.money import total
from carepool.reports.charts import BLUE, GREEN, GREY, ORANGE, Chart, Series, bar_chart
from carepool.services.checks import report_of
from carepool.services.facts import Headline
from carepool.services.permissions import PlanScope
from carepool.services.portfolio import Entry, read
from carepool.services.ports import Database
from carepool.services.status import category_label
from carepool.services.summaries import PlanSummary

NOT_ASSURED = "not yet assured"
# Bands for the planned reduction in emergency admissions (% of baseline); upper bounds exclusive.
AMBITION_BANDS: tuple[tuple[str, Decimal | None], ...] = (
    ("a rise (below 0%)", Decimal(0)),
    ("0% to under 1%", Decimal(1)),
    ("1% to under 2%", Decimal(2)),
    ("2% to under 3.5%", Decimal("3.5")),
    ("3.5% to under 5%", Decimal(5)),
    ("5% or more", None),
)
NO_AMBITION = "no ambition set"


@dataclass(frozen=True, slots=True)
class Line:
    plan: PlanSummary
    region: str
    errors: int
    warnings: int
    headline: Headline

    @property
    def category_code(self) -> str:
        """The pack's code (``approved_subject_to_conditions``); empty until assured."""
        a = self.plan.status.assurance
        return a.category if a else ""

    @property
    def category(self) -> str:
        return category_label(self.category_code) if self.category_code else NOT_ASSURED

    @property
    def open_conditions(self) -> int | None:
        a = self.plan.status.assurance
        return len(a.open_conditions) if a else None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.plan.to_dict(),
            "region": self.region,
            "errors": self.errors,
            "warnings": self.warnings,
            "assurance_category": self.category_code,
            "open_conditions": self.open_conditions,
            **self.headline.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class RegionTotals:
    region: str
    plans: int
    pooled: Decimal
    minimum: Decimal
    shortfall: Decimal
    at_risk: Decimal
    released: Decimal


@dataclass(frozen=True)
class Dashboard:
    key: str  # names this exact state: every plan's events, who may see which plans, and today's date
    lines: list[Line]
    by_status: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_ambition: list[tuple[str, int]]
    regions: list[RegionTotals]

    @property
    def pooled(self) -> Decimal:
        return total([r.pooled for r in self.regions])

    @property
    def minimum(self) -> Decimal:
        return total([r.minimum for r in self.regions])

    @property
    def at_risk(self) -> Decimal:
        return total([r.at_risk for r in self.regions])

    @cached_property
    def charts(self) -> list[Chart]:
        names = [r.region for r in self.regions]
        return [
            bar_chart(
                "status",
                "Plans by status",
                "Number of plans at each stage, from draft to assured.",
                [label for label, _ in self.by_status],
                [Series("Plans", BLUE, tuple(Decimal(n) for _, n in self.by_status))],
                "Status",
                money=False,
            ),
            bar_chart(
                "pooled",
                "Pooled money against minimums, by region",
                "For each region, the money pooled in its plans beside the minimum they must pool.",
                names,
                [
                    Series("Pooled", GREEN, tuple(r.pooled for r in self.regions)),
                    Series("Minimum", GREY, tuple(r.minimum for r in self.regions)),
                ],
                "Region",
            ),
            bar_chart(
                "at-risk",
                "Performance money at risk and released, by region",
                "For each region, money paid only for results, and how much has been released so far.",
                names,
                [
                    Series("At risk", ORANGE, tuple(r.at_risk for r in self.regions)),
                    Series("Released", GREEN, tuple(r.released for r in self.regions)),
                ],
                "Region",
            ),
            bar_chart(
                "ambition",
                "Planned reduction in emergency admissions",
                "Number of plans in each band of planned reduction, as a percentage of baseline admissions.",
                [label for label, _ in self.by_ambition],
                [Series("Plans", BLUE, tuple(Decimal(n) for _, n in self.by_ambition))],
                "Reduction",
                money=False,
            ),
            bar_chart(
                "assurance",
                "Assurance categories",
                "Number of plans in each assurance category, including those not yet assured.",
                [label for label, _ in self.by_category],
                [Series("Plans", BLUE, tuple(Decimal(n) for _, n in self.by_category))],
                "Category",
                money=False,
            ),
        ]


def ambition_band(pct: Decimal | None) -> str:
    if pct is None:
        return NO_AMBITION
    for label, upper in AMBITION_BANDS:
        if upper is None or pct < upper:
            return label
    return AMBITION_BANDS[-1][0]  # unreachable: the last band has no upper bound


def _line(entry: Entry) -> Line:
    counts = report_of(entry.version).counts()
    return Line(entry.summary, entry.scope.region, counts["error"], counts["warning"], entry.facts.headline)


def _regions(lines: list[Line]) -> list[RegionTotals]:
    grouped: dict[str, list[Line]] = {}
    for line in lines:
        grouped.setdefault(line.region, []).append(line)
    return [
        RegionTotals(
            region,
            len(group),
            total([g.headline.pooled for g in group]),
            total([g.headline.minimum for g in group]),
            total([g.headline.shortfall for g in group]),
            total([g.headline.at_risk for g in group]),
            total([g.headline.released for g in group]),
        )
        for region, group in sorted(grouped.items())
    ]


STATUS_ORDER = ("draft", "submitted", "signed", "fully_signed", "assured", "none")


# A dashboard is a pure function of its key, so it is built once per key (bounded; cleared whole when full).
_BOARDS: dict[str, Dashboard] = {}
_BOARDS_LIMIT = 256


def dashboard(db: Database, may_see: Callable[[PlanScope], bool]) -> Dashboard:
    """Every plan ``may_see`` admits, in area name order, with its roll-ups."""
    tail, entries = read(db)
    mine = [entry for entry in entries if may_see(entry.scope)]
    names = "\n".join(e.summary.id for e in mine)
    key = sha256(f"{db.url}\n{tail}\n{date.today().isoformat()}\n{names}".encode()).hexdigest()
    found = _BOARDS.get(key)
    if found is None:
        found = _build(key, mine)
        if len(_BOARDS) >= _BOARDS_LIMIT:
            _BOARDS.clear()
        _BOARDS[key] = found
    return found


def _build(key: str, entries: list[Entry]) -> Dashboard:
    lines = [_line(entry) for entry in entries]
    lines.sort(key=lambda line: (line.plan.area_name, line.plan.id))
    states = Counter(line.plan.status.state for line in lines)
    labels = {line.plan.status.state: line.plan.status.state.replace("_", " ") for line in lines}
    by_status = [(labels[s], states[s]) for s in STATUS_ORDER if states[s]]
    categories = Counter(line.category for line in lines)
    by_category = sorted(categories.items(), key=lambda kv: (kv[0] == NOT_ASSURED, kv[0]))
    bands = Counter(ambition_band(line.headline.ambition_pct) for line in lines)
    by_ambition = [(label, bands[label]) for label, _ in AMBITION_BANDS if bands[label]]
    if bands[NO_AMBITION]:
        by_ambition.append((NO_AMBITION, bands[NO_AMBITION]))
    return Dashboard(key, lines, by_status, by_category, by_ambition, _regions(lines))


def warm(db: Database) -> int:
    """Read every plan and run its checks once, so the first pages after a start are as quick as the rest.
    Returns how many plans it read."""
    return len(dashboard(db, lambda scope: True).lines)
