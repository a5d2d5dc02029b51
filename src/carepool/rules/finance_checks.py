"""Money checks: minimums, pool balance, sources, double counting, stated totals."""

from __future__ import annotations

from collections.abc import Iterator

from carepool.money import fmt_pounds, total
from carepool.rules.base import CheckContext, Draft, Severity, check


@check(
    "FIN-002",
    "Money in equals money out per pool and year",
    Severity.ERROR,
    "s75 pooled fund; plan reconciles",
)
def pool_balances(ctx: CheckContext) -> Iterator[Draft]:
    """Every pound contributed to a pool in a year is assigned to a scheme in that pool and year."""
    plan = ctx.plan
    for p_index, pool in enumerate(plan.pools):
        for year in plan.years:
            money_in = total([c.amount for c in plan.contributions if c.pool == pool.id and c.year == year])
            money_out = total(
                [f.amount for s in plan.schemes for f in s.funding if f.pool == pool.id and f.year == year]
            )
            if money_in != money_out:
                yield Draft(
                    message=(
                        f"Pool '{pool.name}' {year}: contributions total {fmt_pounds(money_in)} but schemes "
                        f"spend {fmt_pounds(money_out)}; assign the difference to a scheme or correct a line."
                    ),
                    location=f"pools[{p_index}]",
                    found=fmt_pounds(money_out),
                    expected=fmt_pounds(money_in),
                )
