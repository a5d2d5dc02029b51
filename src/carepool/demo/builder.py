"""Small helpers for writing plans as data: a money table that keeps every pound traceable.

A plan is written the way a finance lead keeps the funding table: each contribution (partner × stream ×
pool × year) lists the schemes it pays for. One scheme per contribution may take "the rest", so the
contribution is always spent exactly — money in equals money out per pool and year by construction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from carepool.model import CommissionerShare, Contribution, Kpi, Minimum, Scheme, SchemeFunding
from carepool.model.plan import MetricPlan, MetricValue, PerformancePlan
from carepool.money import ZERO, to_money

MONEY_FLOW = {
    "ccg_minimum": "NHS England allocation → CCG → pool",
    "social_care_transfer": "Department of Health → NHS England → CCG → pool (s256 via the area team until 2014/15)",
    "carers_breaks": "in the CCG baseline → pool",
    "reablement": "in the CCG baseline → pool",
    "dfg": "DCLG → council → pool",
    "social_care_capital": "Department of Health → council → pool",
}
"""How each national stream reaches the pool, for the funding table's labels."""

REST = "rest"
"""Marks the one scheme that takes what is left of a contribution."""


def gbp(text: str | int) -> Decimal:
    """Exact pounds from text such as ``"1,234,567"`` or ``"1234.50"``."""
    return to_money(text)


@dataclass
class MoneyTable:
    """Contributions and the scheme funding lines they pay for."""

    contributions: list[Contribution] = field(default_factory=list)
    funding: dict[str, list[SchemeFunding]] = field(default_factory=lambda: defaultdict(list))

    def add(
        self,
        cid: str,
        partner: str,
        stream: str,
        pool: str,
        year: str,
        amount: Decimal | str,
        spend: Mapping[str, Decimal | str],
        capital: bool = False,
        reference: str = "",
    ) -> None:
        """Record a contribution and spend it on schemes (one of them may be ``REST``)."""
        money = amount if isinstance(amount, Decimal) else gbp(amount)
        explicit = {ref: gbp(v) if isinstance(v, str) and v != REST else v for ref, v in spend.items()}
        rest_refs = [ref for ref, v in explicit.items() if v == REST]
        if len(rest_refs) > 1:
            raise ValueError(f"{cid}: only one scheme may take the rest")
        spent = sum((v for v in explicit.values() if isinstance(v, Decimal)), ZERO)
        if spent > money or (not rest_refs and spent != money):
            raise ValueError(f"{cid}: schemes take {spent} of a contribution of {money}")
        self.contributions.append(
            Contribution(
                id=cid,
                partner=partner,
                stream=stream,
                pool=pool,
                year=year,
                amount=money,
                capital=capital,
                reference=reference,
            )
        )
        for ref, value in explicit.items():
            line = money - spent if value == REST else value
            if not isinstance(line, Decimal):
                raise TypeError(f"{cid}: amount for {ref} is not money")
            self.funding[ref].append(
                SchemeFunding(pool=pool, partner=partner, stream=stream, year=year, amount=line)
            )

    def add_table(self, text: str, capital_streams: Collection[str] = ()) -> None:
        """Add contributions from a funding table written as text, one contribution a line:

        ``id | partner | stream | pool | year | amount | spent on | reference``, where *spent on* lists
        ``SCHEME=amount`` items and at most one ``SCHEME=rest``. The first line is the header; blank lines
        and lines starting with ``#`` are skipped. Amounts may carry thousands commas.
        """
        lines = [
            line for line in text.strip().splitlines() if line.strip() and not line.lstrip().startswith("#")
        ]
        for number, line in enumerate(lines[1:], start=2):
            cells = [cell.strip() for cell in line.split("|")]
            if len(cells) != 8:
                raise ValueError(f"funding table line {number}: expected 8 columns, found {len(cells)}")
            cid, partner, stream, pool, year, amount, spent_on, reference = cells
            spend: dict[str, Decimal | str] = {}
            for item in spent_on.split():
                ref, _, value = item.partition("=")
                spend[ref] = REST if value == REST else gbp(value)
            self.add(
                cid,
                partner,
                stream,
                pool,
                year,
                gbp(amount),
                spend,
                capital=stream in capital_streams,
                reference=reference,
            )

    def minimums(self, streams: set[str]) -> list[Minimum]:
        """Each partner's minimum per stream and year, where the area pools exactly its minimum."""
        sums: dict[tuple[str, str, str], Decimal] = defaultdict(lambda: ZERO)
        for c in self.contributions:
            if c.stream in streams:
                sums[(c.partner, c.stream, c.year)] += c.amount
        return [
            Minimum(partner=p, stream=s, year=y, amount=amount) for (p, s, y), amount in sorted(sums.items())
        ]

    def total(self, year: str, pool: str | None = None, stream: str | None = None) -> Decimal:
        return sum(
            (
                c.amount
                for c in self.contributions
                if c.year == year and pool in (None, c.pool) and stream in (None, c.stream)
            ),
            ZERO,
        )

    def scheme_total(self, ref: str, year: str) -> Decimal:
        return sum((f.amount for f in self.funding.get(ref, []) if f.year == year), ZERO)


def scheme(
    t: MoneyTable,
    ref: str,
    name: str,
    kind: str,
    spend: str,
    commissioners: list[tuple[str, str]],
    provider: str,
    existing: bool,
    description: str,
    outcomes: list[str],
    kpis: list[tuple[str, str]],
    savings: dict[str, Decimal] | None = None,
    uncommitted: dict[str, Decimal] | None = None,
) -> Scheme:
    """A scheme whose funding lines come from the money table."""
    return Scheme(
        ref=ref,
        name=name,
        type=kind,
        area_of_spend=spend,
        commissioners=[CommissionerShare(partner=p, pct=Decimal(pct)) for p, pct in commissioners],
        provider=provider,
        new_or_existing="existing" if existing else "new",
        description=description,
        outcomes=outcomes,
        kpis=[Kpi(name=n, target=target) for n, target in kpis],
        funding=list(t.funding[ref]),
        planned_savings=savings or {},
        uncommitted=uncommitted or {},
    )


def nel_admissions_metric(
    perf: PerformancePlan, history: Collection[tuple[str, int]], year: str
) -> MetricPlan:
    """The emergency admissions metric of a demo plan: the baseline year's total, the planned quarters,
    and as actuals the quarters before the baseline (``history``) followed by the performance actuals."""

    def mv(period: str, value: str) -> MetricValue:
        return MetricValue(period=period, value=Decimal(value))

    return MetricPlan(
        metric="nel_admissions",
        baseline=mv(year, str(sum(c.admissions for c in perf.baseline))),
        plan=[mv(c.quarter, str(c.admissions)) for c in perf.planned],
        actuals=[
            *(mv(q, str(n)) for q, n in history),
            *(mv(c.quarter, str(c.admissions)) for c in perf.actuals),
        ],
    )
