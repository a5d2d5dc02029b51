"""Money checks: minimums, pool balance, sources, double counting, stated totals, DFG, capital, payers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from carepool.finance.minimums import minimum_position
from carepool.finance.reconciliation import reconcile_pools
from carepool.model.plan import AreaType, Contribution, Plan, StatedTotal
from carepool.money import ZERO, fmt_pounds, total
from carepool.rules.base import CheckContext, Draft, Severity, check

# (pool, partner, stream, year): one source of money that schemes draw on
SourceKey = tuple[str, str, str, str]


def org_label(plan: Plan, code: str) -> str:
    """'NHS Riverton CCG (99X)', or just the code when the organisation is not listed."""
    org = plan.organisation(code)
    return f"{org.name} ({code})" if org else code


def kind_text(kind: str) -> str:
    """'upper_tier_council' → 'upper tier council'; 'ccg' → 'CCG'."""
    return kind.upper() if kind in ("ccg", "icb") else kind.replace("_", " ")


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def stream_label(ctx: CheckContext, code: str) -> str:
    stream = ctx.pack.stream(code)
    return f"{stream.name} ({code})" if stream else code


def pool_label(plan: Plan, pool_id: str) -> str:
    pool = plan.pool(pool_id)
    return f"'{pool.name}' ({pool_id})" if pool else f"'{pool_id}'"


@check("FIN-001", "Minimum met per partner, stream and year", Severity.ERROR, "local minimum contributions")
def minimums_met(ctx: CheckContext) -> Iterator[Draft]:
    """Each stated minimum is met by that partner's contributions of that stream and year to pooled funds.

    Before: minimum CCG 99X ccg_minimum 2015-16 £8,000,000; contributions £7,500,000 pooled + £500,000 to an
    aligned budget → FIN-001 at ``minimums[1]`` (short £500,000; the aligned £500,000 does not count).
    After: the £500,000 moved into the pooled fund → no finding.
    """
    plan = ctx.plan
    first_row: dict[tuple[str, str, str], int] = {}
    for i, m in enumerate(plan.minimums):
        first_row.setdefault((m.partner, m.stream, m.year), i)
    for position in minimum_position(plan, ctx.pack):
        if not position.has_minimum or position.met:
            continue
        counted = position.minimum - position.shortfall
        outside = position.aligned if ctx.pack.minimum_requires_pooled else ZERO
        outside += position.unplaced
        note = f"; {fmt_pounds(outside)} paid into aligned budgets does not count" if outside else ""
        yield Draft(
            message=(
                f"{org_label(plan, position.partner)}, {stream_label(ctx, position.stream)} {position.year}: "
                f"pooled contributions total {fmt_pounds(counted)} but the minimum is "
                f"{fmt_pounds(position.minimum)} (short by {fmt_pounds(position.shortfall)}){note}. "
                "Add the shortfall to a pooled fund or correct the contribution."
            ),
            location=f"minimums[{first_row[(position.partner, position.stream, position.year)]}]",
            found=fmt_pounds(counted),
            expected=f"≥ {fmt_pounds(position.minimum)}",
        )


@check("FIN-009", "One minimum per partner, stream and year", Severity.ERROR, "local minimum contributions")
def minimums_unique(ctx: CheckContext) -> Iterator[Draft]:
    """A partner has one minimum per stream and year; a second row is a copying slip, not an addition.

    Before: two rows for CCG 99X dfg 2015-16 (£1,188,000 each) → FIN-009 at ``minimums[4]``.
    After: the duplicate row removed → no finding.
    """
    seen: dict[tuple[str, str, str], int] = {}
    for i, m in enumerate(ctx.plan.minimums):
        key = (m.partner, m.stream, m.year)
        if key in seen:
            yield Draft(
                message=(
                    f"{org_label(ctx.plan, m.partner)}, {stream_label(ctx, m.stream)} {m.year} has a second "
                    f"minimum ({fmt_pounds(m.amount)}) besides minimums[{seen[key]}]; keep one row per "
                    "partner, stream and year."
                ),
                location=f"minimums[{i}]",
                found="2 rows",
                expected="1 row",
            )
        else:
            seen[key] = i


@check(
    "FIN-002",
    "Money in equals money out per pool and year",
    Severity.ERROR,
    "s75 pooled fund; plan reconciles",
)
def pool_balances(ctx: CheckContext) -> Iterator[Draft]:
    """Every pound contributed to a pool in a year is assigned to a scheme in that pool and year.

    Before: pool BCF 2014-15 receives £7,900,000.01 but its schemes spend £7,900,000.00 → FIN-002 at
    ``pools[0]`` (found £7,900,000.00, expected £7,900,000.01).
    After: the penny assigned to a scheme, or the contribution corrected → no finding.
    """
    index = {pool.id: i for i, pool in enumerate(ctx.plan.pools)}
    for balance in reconcile_pools(ctx.plan):
        if balance.balanced or not balance.declared:
            continue  # undeclared pool ids are refused when the plan is read
        pool = ctx.plan.pools[index[balance.pool]]
        yield Draft(
            message=(
                f"Pool '{pool.name}' {balance.year}: contributions total {fmt_pounds(balance.money_in)} but "
                f"schemes spend {fmt_pounds(balance.money_out)}; assign the difference to a scheme or correct "
                "a line."
            ),
            location=f"pools[{index[balance.pool]}]",
            found=fmt_pounds(balance.money_out),
            expected=fmt_pounds(balance.money_in),
        )


def _contributed_by_source(plan: Plan) -> dict[SourceKey, Decimal]:
    out: dict[SourceKey, Decimal] = defaultdict(lambda: ZERO)
    for c in plan.contributions:
        out[(c.pool, c.partner, c.stream, c.year)] += c.amount
    return out


def _source_text(plan: Plan, key: SourceKey) -> str:
    pool, partner, stream, year = key
    return f"the {stream} money of {org_label(plan, partner)} in pool {pool_label(plan, pool)} for {year}"


@check(
    "FIN-003",
    "No scheme spends more of a source than was contributed",
    Severity.ERROR,
    "schemes are funded only from contributions",
)
def sources_not_overspent(ctx: CheckContext) -> Iterator[Draft]:
    """Scheme funding from a source (pool, partner, stream, year) never exceeds what was contributed to it.

    Before: CCG 99X put £3,100,000 of social_care_transfer into pool BCF for 2015-16, and schemes S2 and S4
    draw £3,100,000 + £50,000 → FIN-003 at ``schemes[3].funding[0]`` (over by £50,000).
    Before: S5 is funded from carers_breaks, which nobody contributed → FIN-003 at that funding line.
    After: S4 drawn from a source with money left → no finding.
    """
    plan = ctx.plan
    contributed = _contributed_by_source(plan)
    drawn: dict[SourceKey, Decimal] = defaultdict(lambda: ZERO)
    reported: set[SourceKey] = set()
    for i, scheme in enumerate(plan.schemes):
        for j, f in enumerate(scheme.funding):
            key = (f.pool, f.partner, f.stream, f.year)
            drawn[key] += f.amount
            if key in reported or f.amount == 0:
                continue
            if key not in contributed:
                reported.add(key)
                yield Draft(
                    message=(
                        f"{_users(plan, key)} funded from {_source_text(plan, key)} (here "
                        f"{fmt_pounds(f.amount)}), but nobody contributed that source. Add the contribution or "
                        "fund the scheme from a source that was contributed."
                    ),
                    location=f"schemes[{i}].funding[{j}]",
                    found=fmt_pounds(f.amount),
                    expected=fmt_pounds(ZERO),
                )
            elif drawn[key] > contributed[key]:
                reported.add(key)
                yield _overspend(plan, key, contributed[key], f"schemes[{i}].funding[{j}]")


def _users(plan: Plan, key: SourceKey) -> str:
    """'Scheme S2 is' / 'Schemes S2, S4 are': the schemes drawing on a source."""
    refs = [
        s.ref for s in plan.schemes if any((f.pool, f.partner, f.stream, f.year) == key for f in s.funding)
    ]
    return f"Scheme {refs[0]} is" if len(refs) == 1 else f"Schemes {', '.join(refs)} are"


def _overspend(plan: Plan, key: SourceKey, contributed: Decimal, location: str) -> Draft:
    spent = total(
        [f.amount for s in plan.schemes for f in s.funding if (f.pool, f.partner, f.stream, f.year) == key]
    )
    return Draft(
        message=(
            f"{_users(plan, key)} spending {fmt_pounds(spent)} of {_source_text(plan, key)} but only "
            f"{fmt_pounds(contributed)} was contributed (over by {fmt_pounds(spent - contributed)}). "
            "Reduce the scheme funding or increase the contribution."
        ),
        location=location,
        found=fmt_pounds(spent),
        expected=f"≤ {fmt_pounds(contributed)}",
    )


def _double_count(plan: Plan, first: int, second: int, *, warn: bool) -> Draft:
    a, b = plan.contributions[first], plan.contributions[second]
    what = f"reference '{a.reference}'" if a.reference and a.reference == b.reference else "no reference"
    advice = (
        "if these are different allocations, give each its reference; otherwise remove one."
        if warn
        else "the same allocation cannot be pooled twice: remove one or correct its reference."
    )
    return Draft(
        message=(
            f"Contribution {b.id} ({org_label(plan, b.partner)}, {b.stream}, {b.year}, {fmt_pounds(b.amount)}, "
            f"{what}) in pool {pool_label(plan, b.pool)} looks like contribution {a.id} "
            f"(contributions[{first}]) in pool {pool_label(plan, a.pool)}"
            f"{' — possible double count' if warn else ''}; {advice}"
        ),
        location=f"contributions[{second}]",
        found=f"{fmt_pounds(b.amount)} in {b.pool} and {fmt_pounds(a.amount)} in {a.pool}",
        expected="each allocation counted in one pool",
        severity=Severity.WARNING if warn else None,
    )


def _same_reference(a: Contribution, b: Contribution) -> bool:
    return bool(a.reference) and a.reference == b.reference


def _same_unreferenced_amount(a: Contribution, b: Contribution) -> bool:
    # Different non-empty references name different allocations; zero rows are not money counted twice.
    distinct_refs = bool(a.reference) and bool(b.reference) and a.reference != b.reference
    return a.amount == b.amount and a.amount != 0 and not distinct_refs


@check(
    "FIN-004",
    "The same contribution is not counted in two pools",
    Severity.ERROR,
    "no double counting of allocations",
)
def no_double_counting(ctx: CheckContext) -> Iterator[Draft]:
    """A partner's allocation (same stream, year and reference) appears in one pool only.

    Before: C3 and C9, both CCG 99X ccg_minimum 2015-16 reference 'CCG alloc 15/16', in pools NORTH and
    SOUTH → FIN-004 error at ``contributions[8]``. Same partner/stream/year/amount with no reference in
    two pools → FIN-004 warning "possible double count".
    After: C9 given its own reference (a different allocation line) → no finding.
    """
    plan = ctx.plan
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(plan.contributions):
        groups[(c.partner, c.stream, c.year)].append(i)
    for indexes in groups.values():
        for pos, second in enumerate(indexes):
            b = plan.contributions[second]
            earlier = [i for i in indexes[:pos] if plan.contributions[i].pool != b.pool]
            same_ref = [i for i in earlier if _same_reference(plan.contributions[i], b)]
            if same_ref:
                yield _double_count(plan, same_ref[0], second, warn=False)
                continue
            similar = [i for i in earlier if _same_unreferenced_amount(plan.contributions[i], b)]
            if similar:
                yield _double_count(plan, similar[0], second, warn=True)


def _rows_for(plan: Plan, st: StatedTotal) -> tuple[list[Decimal], str]:
    """The amounts a stated total should add up, and a description of them.

    ``key`` names the pool, partner, stream or scheme; it is ignored for "contributions" (all of the year)
    and optional for "minimums" (all, or those of one partner or one stream).
    """
    in_year = [c for c in plan.contributions if c.year == st.year]
    if st.of == "contributions":
        return [c.amount for c in in_year], "all contributions"
    if st.of == "pool":
        return [c.amount for c in in_year if c.pool == st.key], f"contributions to pool '{st.key}'"
    if st.of == "partner":
        return [c.amount for c in in_year if c.partner == st.key], f"contributions from '{st.key}'"
    if st.of == "stream":
        return [c.amount for c in in_year if c.stream == st.key], f"contributions of stream '{st.key}'"
    if st.of == "scheme":
        rows = [f.amount for s in plan.schemes if s.ref == st.key for f in s.funding if f.year == st.year]
        return rows, f"funding of scheme '{st.key}'"
    # minimums: all of them, or those of one partner or one stream
    mins = [m for m in plan.minimums if m.year == st.year and st.key in ("", m.partner, m.stream)]
    return [m.amount for m in mins], f"minimums{f' for {st.key!r}' if st.key else ''}"


@check("FIN-005", "Stated totals equal the sum of their rows", Severity.ERROR, "tables reconcile")
def stated_totals_add_up(ctx: CheckContext) -> Iterator[Draft]:
    """A total typed into the plan (from a board paper) equals the sum of the rows it totals.

    Before: stated_totals[0] "Total pooled budget 2015-16" = £12,500,000; contributions add up to
    £12,050,000 → FIN-005 at ``stated_totals[0].amount`` (difference £450,000: a transposed figure?).
    After: the total corrected to £12,050,000 → no finding.
    """
    for i, st in enumerate(ctx.plan.stated_totals):
        rows, what = _rows_for(ctx.plan, st)
        summed = total(rows)
        if summed == st.amount:
            continue
        none_note = " (no rows match: is the key right?)" if not rows else ""
        yield Draft(
            message=(
                f"Stated total '{st.label}' {st.year} is {fmt_pounds(st.amount)} but the {plural(len(rows), 'row')} of "
                f"{what}{none_note} add up to {fmt_pounds(summed)} (difference "
                f"{fmt_pounds(st.amount - summed)}). Check the figure typed from the paper, or the rows."
            ),
            location=f"stated_totals[{i}].amount",
            found=fmt_pounds(st.amount),
            expected=fmt_pounds(summed),
        )


def _provider_kind(plan: Plan, provider: str) -> str | None:
    wanted = provider.strip().casefold()
    for org in plan.organisations:
        if wanted in (org.code.casefold(), org.name.casefold()):
            return org.kind.value
    return None


@check(
    "FIN-006",
    "DFG passed to the housing authorities in two-tier areas",
    Severity.ERROR,
    "DFG passed to district councils (stream must_pass_to)",
)
def dfg_passed_on(ctx: CheckContext) -> Iterator[Draft]:
    """In a county, each year's DFG contributed is spent by schemes whose provider is a district council.

    Before: county E10000901 pools £1,200,000 of dfg for 2015-16; scheme T2 (provider the county) spends it
    → FIN-006 at ``schemes[1].provider`` (£0 passed to district councils, £1,200,000 expected).
    After: T2 and T3 provided by the two district councils, £700,000 + £500,000 → no finding.
    """
    plan = ctx.plan
    if plan.area.type is not AreaType.COUNTY:
        return
    for stream in ctx.pack.funding_streams:
        if stream.must_pass_to is None:
            continue
        for year in plan.years:
            draft = _pass_on_shortfall(plan, stream.code, stream.name, stream.must_pass_to, year)
            if draft is not None:
                yield draft


def _pass_on_shortfall(plan: Plan, code: str, name: str, kind: str, year: str) -> Draft | None:
    contributed = [(i, c) for i, c in enumerate(plan.contributions) if c.stream == code and c.year == year]
    money_in = total([c.amount for _, c in contributed])
    passed = ZERO
    elsewhere: list[tuple[int, str]] = []  # (scheme index, ref) of stream money kept from `kind`
    for i, s in enumerate(plan.schemes):
        amount = total([f.amount for f in s.funding if f.stream == code and f.year == year])
        if _provider_kind(plan, s.provider) == kind:
            passed += amount
        elif amount:
            elsewhere.append((i, s.ref))
    if passed >= money_in or not contributed:
        return None
    kinds = kind_text(kind) + "s"
    if elsewhere:
        location = f"schemes[{elsewhere[0][0]}].provider"
        refs = ", ".join(ref for _, ref in elsewhere)
        who = f"scheme {refs} spends" if len(elsewhere) == 1 else f"schemes {refs} spend"
        hint = f"{who} it with other providers; "
    else:
        location = f"contributions[{contributed[0][0]}]"
        hint = "no scheme passes it on; "
    return Draft(
        message=(
            f"{name} ({code}) {year}: {fmt_pounds(money_in)} contributed but only {fmt_pounds(passed)} is "
            f"passed to {kinds} (short by {fmt_pounds(money_in - passed)}); {hint}in a two-tier area it must "
            f"go to the housing authorities: fund schemes provided by the {kinds}."
        ),
        location=location,
        found=fmt_pounds(passed),
        expected=f"≥ {fmt_pounds(money_in)}",
    )


@check("FIN-007", "Capital streams contributed as capital", Severity.WARNING, "capital/revenue per stream")
def capital_matches_stream(ctx: CheckContext) -> Iterator[Draft]:
    """A contribution's capital flag agrees with its stream (DFG and the social care capital grant are capital).

    Before: C5 dfg 2015-16 £950,000 with capital = false → FIN-007 warning at ``contributions[4].capital``.
    After: capital = true → no finding.
    """
    for i, c in enumerate(ctx.plan.contributions):
        stream = ctx.pack.stream(c.stream)
        if stream is None or stream.capital == c.capital:
            continue
        is_kind, should = ("revenue", "capital") if stream.capital else ("capital", "revenue")
        yield Draft(
            message=(
                f"Contribution {c.id} ({c.stream} {c.year}, {fmt_pounds(c.amount)}) is entered as {is_kind} "
                f"but {stream.name} is {should} money; correct the capital flag or the stream."
            ),
            location=f"contributions[{i}].capital",
            found=is_kind,
            expected=should,
        )


@check("FIN-008", "Contributions come from the stream's payers", Severity.ERROR, "stream payer_kinds")
def payer_matches_stream(ctx: CheckContext) -> Iterator[Draft]:
    """Only an organisation of one of the stream's payer kinds contributes it (the CCG pays ccg_minimum).

    Before: C2 ccg_minimum 2015-16 from council E06000901 → FIN-008 at ``contributions[1].partner``.
    After: the partner corrected to CCG 99X → no finding.
    """
    plan = ctx.plan
    for i, c in enumerate(plan.contributions):
        stream = ctx.pack.stream(c.stream)
        kind = plan.org_kind(c.partner)
        if stream is None or kind is None or kind.value in stream.payer_kinds:
            continue
        yield Draft(
            message=(
                f"Contribution {c.id} ({fmt_pounds(c.amount)}, {c.year}) of {stream.name} ({c.stream}) comes "
                f"from {org_label(plan, c.partner)}, a {kind_text(kind.value)}; only "
                f"{' or '.join(kind_text(k) for k in stream.payer_kinds)} partners pay it. Correct the partner "
                "or the stream."
            ),
            location=f"contributions[{i}].partner",
            found=kind.value,
            expected=", ".join(stream.payer_kinds),
        )
