"""Money in against money out, per pool and year.

Money in is the pool's contributions in the year; money out is the scheme funding drawn from the pool in
the year. Pools that rows name but the plan does not declare are listed too (``declared`` is False), so a
mistyped pool id cannot hide money.

Rounding rule: none; exact sums of plan rows in pounds and pence.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from carepool.model.plan import Plan
from carepool.money import ZERO


@dataclass(frozen=True, slots=True)
class PoolBalance:
    pool: str
    year: str
    money_in: Decimal
    money_out: Decimal
    declared: bool

    @property
    def difference(self) -> Decimal:
        """Positive: money not yet assigned to a scheme; negative: schemes spend more than was put in."""
        return self.money_in - self.money_out

    @property
    def balanced(self) -> bool:
        return self.difference == ZERO


def reconcile_pools(plan: Plan) -> list[PoolBalance]:
    """One row per pool (declared pools first, in plan order) and plan year, plus any other year named."""
    money_in: dict[tuple[str, str], Decimal] = {}
    money_out: dict[tuple[str, str], Decimal] = {}
    for c in plan.contributions:
        money_in[(c.pool, c.year)] = money_in.get((c.pool, c.year), ZERO) + c.amount
    for scheme in plan.schemes:
        for f in scheme.funding:
            money_out[(f.pool, f.year)] = money_out.get((f.pool, f.year), ZERO) + f.amount
    declared = [p.id for p in plan.pools]
    named = sorted({pool for pool, _ in money_in} | {pool for pool, _ in money_out})
    pools = declared + [p for p in named if p not in declared]
    years = list(plan.years) + sorted({y for _, y in money_in | money_out} - set(plan.years))
    result: list[PoolBalance] = []
    for pool in pools:
        for year in years:
            key = (pool, year)
            if year not in plan.years and key not in money_in and key not in money_out:
                continue
            result.append(
                PoolBalance(
                    pool=pool,
                    year=year,
                    money_in=money_in.get(key, ZERO),
                    money_out=money_out.get(key, ZERO),
                    declared=pool in declared,
                )
            )
    return result


def unbalanced(plan: Plan) -> list[PoolBalance]:
    return [b for b in reconcile_pools(plan) if not b.balanced]


def plan_reconciles(plan: Plan) -> bool:
    """Money in equals money out for every pool and year."""
    return not unbalanced(plan)
