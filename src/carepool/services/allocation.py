"""National streams → local minimums, and a plan's minimums against a published table."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from carepool.finance.minimums import (
    compare_published,
    local_minimums,
    population_weights,
    read_minimums_csv,
    read_shares_csv,
)
from carepool.money import total
from carepool.policy import load_pack
from carepool.reference import all_areas
from carepool.services.plans import stored_plan
from carepool.services.ports import Database
from carepool.services.reports import Report, TableData, money


def allocate(pack_id: str, shares_csv: Path | None = None, out_csv: Path | None = None) -> Report:
    """Share every national stream of a pack among areas by largest remainder (populations by default)."""
    pack = load_pack(pack_id)
    if shares_csv is not None:
        weights = read_shares_csv(shares_csv, pack, shares_csv.name)
        basis = f"weights from {shares_csv.name}"
    else:
        weights = {"*": population_weights(a.to_area() for a in all_areas())}
        basis = "population of England's 152 Health and Wellbeing Board areas (ONS, OGL)"
    rows = local_minimums(pack, weights)
    if out_csv is not None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["area", "stream", "amount"])
        writer.writerows([r.area, r.stream, f"{r.amount:.2f}"] for r in rows)
        out_csv.write_text(buffer.getvalue(), encoding="utf-8")
    summary = []
    for stream in pack.funding_streams:
        parts = [r.amount for r in rows if r.stream == stream.code]
        if stream.national_amount is None or not parts:
            continue
        national: Decimal = stream.national_amount.value
        summary.append(
            (
                stream.code,
                money(national),
                str(len(parts)),
                money(total(parts)),
                "yes" if total(parts) == national else "NO",
            )
        )
    return Report(
        "allocation",
        pack.id,
        0,
        "",
        {
            "pack": pack.id,
            "basis": basis,
            "areas": len({r.area for r in rows}),
            "minimums": [{"area": r.area, "stream": r.stream, "amount": f"{r.amount:.2f}"} for r in rows],
        },
        [
            TableData(
                "National streams shared among areas",
                ("stream", "national", "areas", "sum of shares", "exact"),
                summary,
            )
        ],
        [f"Shared by largest remainder on {basis}; each stream rounds to its pack unit."]
        + ([f"Written to {out_csv}."] if out_csv is not None else []),
    )


def against_published(db: Database, plan_id: str, published_csv: Path, version: int | None = None) -> Report:
    """Where the stored plan's minimums differ from a published per-area table (a CSV)."""
    summary, plan = stored_plan(db, plan_id, version)
    pack = load_pack(plan.policy)
    differences = compare_published(plan, read_minimums_csv(published_csv, pack, published_csv.name))

    def shown(amount: Decimal | None) -> str:
        return "no row" if amount is None else money(amount)

    rows = [(d.partner, d.stream, d.year, shown(d.in_plan), shown(d.published)) for d in differences]
    notes = (
        [f"The plan's minimums match {published_csv.name} for area {plan.area.ons_code}."]
        if not differences
        else [
            f"{len(differences)} minimum(s) differ from {published_csv.name}: correct the plan's minimums table."
        ]
    )
    return Report(
        "minimums-against-published",
        plan_id,
        summary.number,
        summary.sha256,
        {
            "area": plan.area.ons_code,
            "published": published_csv.name,
            "matches": not differences,
            "differences": [
                {
                    "partner": d.partner,
                    "stream": d.stream,
                    "year": d.year,
                    "in_plan": None if d.in_plan is None else f"{d.in_plan:.2f}",
                    "published": None if d.published is None else f"{d.published:.2f}",
                }
                for d in differences
            ],
        },
        [
            TableData(
                "Minimums that differ from the published table",
                ("partner", "stream", "year", "in plan", "published"),
                rows,
            )
        ],
        notes,
    )
