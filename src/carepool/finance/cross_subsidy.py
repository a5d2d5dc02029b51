"""The "no hidden cross-subsidy" matrix: how much of each scheme each partner pays for.

For each scheme (one year or all years) every partner's money from the scheme's funding rows and its share
of the scheme, beside the partner's commissioning share where the scheme states one — a partner paying a
larger share than it commissions is subsidising the others.

Rounding rule: money is exact (sums of rows). Shares are percentages on 0.01% by largest remainder over the
partners of a scheme, so each scheme's shares sum to exactly 100.00; ties go to the partner code that sorts
first. A scheme with no money, or with a partner's net amount below zero, has no shares (``pct`` is None).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from carepool.model.plan import Plan
from carepool.money import ZERO, apportion_by_key, total

HUNDRED = Decimal(100)
SHARE_UNIT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PartnerShare:
    partner: str
    amount: Decimal
    pct: Decimal | None
    commissioner_pct: Decimal | None  # the partner's stated commissioning share of the scheme

    @property
    def pays_more_than_it_commissions(self) -> bool:
        return self.pct is not None and self.commissioner_pct is not None and self.pct > self.commissioner_pct


@dataclass(frozen=True, slots=True)
class SchemeShares:
    scheme: str
    name: str
    total: Decimal
    partners: tuple[PartnerShare, ...]


def shares_of(amounts: dict[str, Decimal]) -> dict[str, Decimal] | None:
    """Percent shares on 0.01% summing to exactly 100, or None when there is nothing to share."""
    if not amounts or any(a < 0 for a in amounts.values()) or total(list(amounts.values())) <= 0:
        return None
    return apportion_by_key(HUNDRED, amounts, SHARE_UNIT)


def cross_subsidy(plan: Plan, year: str | None = None) -> list[SchemeShares]:
    """Each scheme's funding by partner, with shares, in plan order."""
    result: list[SchemeShares] = []
    for scheme in plan.schemes:
        amounts: dict[str, Decimal] = {}
        for f in scheme.funding:
            if year is None or f.year == year:
                amounts[f.partner] = amounts.get(f.partner, ZERO) + f.amount
        commissioning: dict[str, Decimal] = {}
        for c in scheme.commissioners:
            commissioning[c.partner] = commissioning.get(c.partner, ZERO) + c.pct
        for partner in commissioning:
            amounts.setdefault(partner, ZERO)
        shares = shares_of(amounts)
        partners = tuple(
            PartnerShare(
                partner=p,
                amount=amounts[p],
                pct=None if shares is None else shares[p],
                # a partner that funds a commissioned scheme but is not among its commissioners commissions 0%
                commissioner_pct=commissioning.get(p, ZERO) if commissioning else None,
            )
            for p in sorted(amounts)
        )
        result.append(SchemeShares(scheme.ref, scheme.name, total(list(amounts.values())), partners))
    return result


def matrix(plan: Plan, year: str | None = None) -> tuple[list[str], list[tuple[str, list[Decimal]]]]:
    """The same as a table: partner columns, and per scheme a row of amounts (zero where none)."""
    rows = cross_subsidy(plan, year)
    columns = sorted({p.partner for r in rows for p in r.partners})
    table = []
    for r in rows:
        by_partner = {p.partner: p.amount for p in r.partners}
        table.append((r.scheme, [by_partner.get(c, ZERO) for c in columns]))
    return columns, table
