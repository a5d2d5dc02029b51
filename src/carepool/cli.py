"""carepool: plan, run and assure pooled health and social care budgets (the Better Care Fund).

Every reporting command takes --json. Exit codes: 0 done / no errors; 1 refused by the rules (check
errors, submission blocked, a conflicting change, a broken audit chain); 2 unusable input (unreadable
file, unknown plan, bad option, database unavailable); 3 an unexpected failure (reported, never a trace).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from carepool.cli_activity import activity_app
from carepool.cli_assurance import assurance_app
from carepool.cli_context import Session, default_actor, session_of
from carepool.cli_monitoring import monitoring_app
from carepool.cli_reports import report
from carepool.cli_templates import returns_app, template_app
from carepool.cli_web import serve
from carepool.model import Plan
from carepool.money import fmt_pounds
from carepool.policy import PackError, PolicyPack, list_packs, load_pack
from carepool.policy.schema import Parameter
from carepool.problems import InputRejected, NotFound, Problem
from carepool.rules import Finding
from carepool.services import allocation, audit, checks, demo, finance, imports, plans, uploads, workflow
from carepool.services.errors import Conflict, ImportRejected, Unavailable
from carepool.services.reports import Report

HELP = "\n\n".join(" ".join(part.split()) for part in (__doc__ or "").split("\n\n"))  # rewrap for --help
app = typer.Typer(no_args_is_help=True, add_completion=False, help=HELP, pretty_exceptions_enable=False)
policy_app = typer.Typer(no_args_is_help=True, help="Policy packs (one per policy year).")
schema_app = typer.Typer(no_args_is_help=True, help="Published JSON Schemas.")
plan_app = typer.Typer(no_args_is_help=True, help="Stored plans: import, export, versions, submit, sign.")
audit_app = typer.Typer(no_args_is_help=True, help="The append-only audit trail.")
upload_app = typer.Typer(no_args_is_help=True, help="Every file received, kept as it came, with its report.")
finance_app = typer.Typer(no_args_is_help=True, help="Finance over a stored plan version (exact money).")
app.add_typer(policy_app, name="policy")
app.add_typer(schema_app, name="schema")
app.add_typer(plan_app, name="plan")
app.add_typer(audit_app, name="audit")
app.add_typer(upload_app, name="upload")
app.add_typer(finance_app, name="finance")
# Faces written alongside this one, each in its own module; mounted here so there is one `carepool`.
app.add_typer(activity_app, name="activity")
app.add_typer(assurance_app, name="assure")
app.command("serve")(serve)
app.command("report")(report)
app.add_typer(monitoring_app, name="monitor")
app.add_typer(template_app, name="template")
app.add_typer(returns_app, name="returns")

# Piped output is read by people in files and logs, not squeezed into 80 columns.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

JsonOpt = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]
PlanId = Annotated[str, typer.Argument(help="plan id, as shown by `carepool plan list`")]
VersionOpt = Annotated[int | None, typer.Option("--version", min=1, help="version number (default: latest)")]


@app.callback()
def global_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="database URL (default: $CAREPOOL_DATABASE_URL, else sqlite:///carepool.db)"
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--as", help="who is acting, for the audit trail (default: $CAREPOOL_ACTOR or login)"),
    ] = None,
) -> None:
    session = Session(db, actor or default_actor())
    ctx.obj = session
    ctx.call_on_close(session.close)


# --- output helpers ----------------------------------------------------------------------------------


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    t = Table(title=Text(title))
    for i, name in enumerate(columns):
        cells = [str(row[i]) for row in rows if row[i] is not None]
        short = all(len(c) <= 20 for c in cells)  # ids, money, dates: keep on one line, copyable
        t.add_column(name, no_wrap=i == 0 or short)
    for row in rows:
        t.add_row(*(Text("" if v is None else str(v)) for v in row))  # Text: data is never markup
    return t


def report_problems(
    problems: list[Problem], as_json: bool, title: str, extra: dict[str, Any] | None = None
) -> None:
    if as_json:
        emit_json({"ok": False, **(extra or {}), "problems": [p.to_dict() for p in problems]})
        return
    rows = [(p.location or "—", p.message, p.found, p.expected) for p in problems]
    err.print(table(title, ("where", "problem", "found", "expected"), rows))


def print_findings(title: str, findings: list[Finding]) -> None:
    if not findings:
        out.print("[green]No findings: the plan passes every check.[/green]")
        return
    rows = [(f.severity.value, f.code, f.location, f.message) for f in findings]
    out.print(table(title, ("severity", "code", "where", "message"), rows))


# --- policy and schema ------------------------------------------------------------------------------


@policy_app.command("list")
def policy_list(as_json: JsonOpt = False) -> None:
    """List the policy packs shipped with carepool."""
    packs = [load_pack(pid) for pid in list_packs()]
    if as_json:
        emit_json([{"id": p.id, "title": p.title, "years": p.years, "published": p.published} for p in packs])
        return
    out.print(
        table(
            "Policy packs",
            ("id", "title", "years", "published"),
            [(p.id, p.title, ", ".join(p.years), p.published) for p in packs],
        )
    )


@policy_app.command("show")
def policy_show(pack_id: str, as_json: JsonOpt = False) -> None:
    """Show one policy pack: streams, conditions, metrics, performance rules, with sources."""
    pack = load_pack(pack_id)
    if as_json:
        emit_json(pack.model_dump(mode="json"))
        return
    out.print(f"[bold]{escape(pack.title)}[/bold] ({pack.id}) — {escape(pack.summary)}")
    streams = Table("stream", "name", "national amount", "confidence", title="Funding streams")
    for s in pack.funding_streams:
        amount = f"£{s.national_amount.value:,.0f}" if s.national_amount else "—"
        streams.add_row(s.code, s.name, amount, s.national_amount.confidence if s.national_amount else "")
    out.print(streams)
    out.print(
        table("National conditions", ("id", "condition"), [(c.id, c.title) for c in pack.national_conditions])
    )
    metrics = [(m.id, m.name, m.direction, "yes" if m.pays else "") for m in pack.metrics]
    out.print(table("Metrics", ("id", "metric", "direction", "pays"), metrics))
    out.print(f"Performance mechanism: [bold]{pack.performance.mechanism}[/bold]")
    out.print(
        table("Parameters", ("parameter", "value", "unit", "confidence", "source"), pack_parameters(pack))
    )


def pack_parameters(pack: PolicyPack) -> list[tuple[str, str, str, str, str]]:
    """Every single-number parameter of a pack, with its unit, confidence and source."""
    perf = pack.performance
    named: list[tuple[str, Parameter | None]] = [
        ("HWB areas", pack.hwb_count),
        ("national performance fund", perf.national_fund),
        ("cost per non-elective admission", perf.unit_cost),
        ("minimum ambition", perf.min_ambition_pct),
        ("quarterly release cap", perf.quarter_cap_pct),
        ("target alignment tolerance", perf.realign_tolerance_pp),
        ("tranche rule (1 = all or nothing)", perf.tranche_rule),
        ("social care maintenance uplift", pack.asc_maintenance_uplift_pct),
    ]
    named += [(f"tranche {t.id} ({t.due})", t.national_amount) for t in perf.tranches]
    return [
        (label, f"{p.value:,}", p.unit, p.confidence.value, p.source + (f" — {p.note}" if p.note else ""))
        for label, p in named
        if p is not None
    ]


@schema_app.command("plan")
def schema_plan() -> None:
    """Print the JSON Schema of the plan exchange format."""
    emit_json(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://carepool.example/schemas/carepool-plan-1.json",
            **Plan.model_json_schema(),
        }
    )


# --- plans -------------------------------------------------------------------------------------------


@plan_app.command("import")
def plan_import(
    ctx: typer.Context,
    file: Path,
    based_on: Annotated[
        str | None,
        typer.Option(
            "--based-on", help="number or hash of the version you edited; refused if another was saved since"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a plan file. All or nothing: a refused file is kept, with its problems, and nothing else changes."""
    s = session_of(ctx)
    result = imports.import_plan_file(s.db(), file, s.actor, based_on)
    if as_json:
        emit_json(result.to_dict())
        return
    saved = result.saved
    verb = {
        "created": "created",
        "new_version": "saved as a new draft",
        "unchanged": "unchanged (same content)",
    }
    out.print(
        f"Plan [bold]{saved.plan_id}[/bold] version {saved.number}: {verb[saved.result]}. sha256 {saved.sha256}"
    )
    d = result.to_dict()
    out.print(
        f"Checks at import: {d['errors']} error(s), {d['warnings']} warning(s). File kept as upload {result.upload_id}."
    )
    out.print(f"Next: carepool plan show {saved.plan_id}   ·   carepool check {saved.plan_id}")


@plan_app.command("export")
def plan_export(
    ctx: typer.Context,
    plan_id: PlanId,
    version: VersionOpt = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="write to this file instead of stdout")
    ] = None,
    canonical: Annotated[
        bool, typer.Option("--canonical", help="the exact canonical text whose SHA-256 is the version hash")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Export a plan version as the exchange JSON (pretty by default)."""
    exported = plans.export_plan(session_of(ctx).db(), plan_id, version, canonical)
    if out_file is None:
        sys.stdout.write(exported.text)
        return
    try:
        out_file.write_bytes(exported.text.encode("utf-8"))
    except OSError as exc:
        raise InputRejected(
            [Problem("file", str(out_file), f"cannot write the file: {exc.strerror}")]
        ) from None
    if as_json:
        emit_json({**exported.to_dict(), "out": str(out_file)})
    else:
        err.print(
            f"Wrote {plan_id} version {exported.version} to {escape(str(out_file))} (sha256 {exported.sha256})"
        )


@plan_app.command("list")
def plan_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List stored plans with their status and latest hash."""
    rows = plans.list_plans(session_of(ctx).db())
    if as_json:
        emit_json([r.to_dict() for r in rows])
        return
    if not rows:
        out.print("No plans stored yet. Try `carepool demo` or `carepool plan import FILE`.")
        return
    data = [(r.id, r.area_name, r.policy, r.version, r.status.label, r.sha256[:12]) for r in rows]
    out.print(table("Plans", ("plan", "area", "policy", "version", "status", "sha256"), data))


@plan_app.command("show")
def plan_show(ctx: typer.Context, plan_id: PlanId, as_json: JsonOpt = False) -> None:
    """Show one plan: status, signatures, headline figures and versions."""
    detail = plans.show_plan(session_of(ctx).db(), plan_id)
    if as_json:
        emit_json(detail.to_dict())
        return
    s = detail.summary
    out.print(
        f"[bold]{escape(s.title)}[/bold] ({s.id}) — {escape(s.area_name)} {s.area_code}, policy {s.policy}"
    )
    out.print(f"Status: [bold]{s.status.label}[/bold] — version {s.version}, sha256 {s.sha256}")
    f = detail.figures
    out.print(
        f"{f['partners']} partners · {f['pools']} pools · {f['schemes']} schemes · {f['risks']} risks · {f['milestones']} milestones"
    )
    out.print(
        table(
            "Contributions",
            ("year", "total"),
            [(y, fmt_pounds(Decimal(v))) for y, v in f["contributions_by_year"].items()],
        )
    )
    signed = {sig.organisation: sig for sig in s.status.signatures}
    rows = []
    for sig in detail.signatories:
        got = signed.get(sig["signs_for"])
        rows.append((sig["signs_for"], sig["name"], sig["position"], f"signed by {got.name}" if got else "—"))
    out.print(table(f"Signatories (version {s.version})", ("for", "name", "position", "signature"), rows))
    print_versions(s.id, detail.versions)


def print_versions(plan_id: str, versions: list[plans.VersionSummary]) -> None:
    rows = [
        (
            v.number,
            v.status,
            v.sha256[:12],
            v.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            v.created_by,
            v.based_on,
        )
        for v in versions
    ]
    out.print(
        table(
            f"Versions of {plan_id}", ("version", "status", "sha256", "saved (UTC)", "by", "based on"), rows
        )
    )


@plan_app.command("versions")
def plan_versions(ctx: typer.Context, plan_id: PlanId, as_json: JsonOpt = False) -> None:
    """List every version of a plan (none is ever overwritten)."""
    versions = plans.list_versions(session_of(ctx).db(), plan_id)
    if as_json:
        emit_json([v.to_dict() for v in versions])
        return
    print_versions(plan_id, versions)


@plan_app.command("submit")
def plan_submit(
    ctx: typer.Context,
    plan_id: PlanId,
    expected: Annotated[
        str | None, typer.Option("--expect", help="number or hash you reviewed; refused if the plan moved on")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Submit (freeze) the latest version. Refused, exit 1, while the checks report errors."""
    s = session_of(ctx)
    result = workflow.submit(s.db(), plan_id, actor=s.actor, expected=expected)
    if as_json:
        emit_json(result.to_dict())
    elif result.submitted:
        out.print(
            f"Submitted {plan_id} version {result.version} (sha256 {result.sha256}). It can no longer change."
        )
    else:
        print_findings(f"Not submitted: {plan_id} version {result.version} has errors", result.findings)
    raise typer.Exit(0 if result.submitted else 1)


@plan_app.command("sign")
def plan_sign(
    ctx: typer.Context,
    plan_id: PlanId,
    name: Annotated[str, typer.Option("--name", help="the signatory's name")],
    role: Annotated[str, typer.Option("--role", help="the signatory's role, e.g. Chief Executive")],
    organisation: Annotated[
        str, typer.Option("--for", help="the organisation signed for: a partner code or 'hwb'")
    ],
    expected: Annotated[
        str | None,
        typer.Option("--expect", help="hash (or number) of the version you read; refused if different"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Sign the submitted version for one organisation. The signature binds to that version's hash."""
    s = session_of(ctx)
    status = workflow.sign(
        s.db(), plan_id, name=name, role=role, organisation=organisation, actor=s.actor, expected=expected
    )
    if as_json:
        emit_json({"ok": True, "plan": plan_id, **status.to_dict()})
        return
    out.print(
        f"Signed {plan_id} version {status.version} (sha256 {status.sha256}) for {escape(organisation)}."
    )
    out.print(
        f"Status: [bold]{status.label}[/bold]"
        + (f"; awaiting {', '.join(status.awaiting)}" if status.awaiting else "")
    )


@plan_app.command("timeline")
def plan_timeline(ctx: typer.Context, plan_id: PlanId, as_json: JsonOpt = False) -> None:
    """Who did what to a plan, and when (from the append-only event trail)."""
    entries = audit.timeline(session_of(ctx).db(), plan_id)
    if as_json:
        emit_json([e.to_dict() for e in entries])
        return
    rows = [(e.id, e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.kind, e.summary) for e in entries]
    out.print(table(f"Timeline of {plan_id} (UTC)", ("#", "when", "who", "event", "what"), rows))


@plan_app.command("diff")
def plan_diff(
    ctx: typer.Context,
    plan_id: PlanId,
    old: Annotated[int, typer.Argument(min=1, help="the earlier version number")],
    new: Annotated[
        int | None, typer.Argument(min=1, help="the later version number (default: latest)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed between two versions, field by field."""
    diff = plans.diff_versions(session_of(ctx).db(), plan_id, old, new)
    if as_json:
        emit_json(diff.to_dict())
        return
    title = f"{plan_id}: version {diff.old.number} → {diff.new.number} ({len(diff.changes)} change(s))"
    out.print(table(title, ("field", "was", "now"), [(c.path, c.old, c.new) for c in diff.changes]))


@upload_app.command("list")
def upload_list(
    ctx: typer.Context,
    plan_id: Annotated[str | None, typer.Option("--plan", help="only uploads for this plan id")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List every file received, accepted or refused."""
    items = uploads.list_uploads(session_of(ctx).db(), plan_id)
    if as_json:
        emit_json([u.to_dict() for u in items])
        return
    rows = [
        (
            u.id,
            u.received_at.strftime("%Y-%m-%d %H:%M:%S"),
            u.actor,
            u.filename,
            u.outcome,
            u.plan_id,
            u.version,
            u.problems,
        )
        for u in items
    ]
    out.print(
        table(
            "Uploads (UTC)", ("#", "received", "by", "file", "outcome", "plan", "version", "problems"), rows
        )
    )


@upload_app.command("show")
def upload_show(
    ctx: typer.Context,
    upload_id: Annotated[int, typer.Argument(help="upload number, from `carepool upload list`")],
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="write the file exactly as it was received")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show an upload's validation report; --out gives back the original bytes to reproduce a problem."""
    summary, content = uploads.get_upload(session_of(ctx).db(), upload_id)
    if out_file is not None:
        try:
            out_file.write_bytes(content)
        except OSError as exc:
            raise InputRejected(
                [Problem("file", str(out_file), f"cannot write the file: {exc.strerror}")]
            ) from None
    if as_json:
        emit_json({**summary.to_dict(with_report=True), "out": None if out_file is None else str(out_file)})
        return
    out.print(
        f"Upload {summary.id}: {escape(summary.filename)} ({summary.size} bytes, sha256 {summary.sha256[:12]}) "
        f"from {escape(summary.actor)} — {summary.outcome}"
    )
    problems = summary.report.get("problems", [])
    if problems:
        rows = [(p["location"] or "—", p["message"], p["found"], p["expected"]) for p in problems]
        out.print(table("Problems found", ("where", "problem", "found", "expected"), rows))
    findings = summary.report.get("findings", [])
    if findings:
        rows = [(f["severity"], f["code"], f["location"], f["message"]) for f in findings]
        out.print(table("Check findings at import", ("severity", "code", "where", "message"), rows))
    if out_file is not None:
        err.print(f"Wrote the original file to {escape(str(out_file))}")


# --- audit and checks ---------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    anchor: Annotated[
        list[str] | None,
        typer.Option("--anchor", help="a last hash printed by an earlier run and kept elsewhere (repeat)"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute the event hash chain and cross-check uploads and versions. Exit 1 if anything was altered.

    Keep the printed last hash somewhere else (a board paper, a ticket): passing it back as --anchor
    proves the history up to it was not rewritten and re-hashed since.
    """
    report = audit.verify_audit_chain(session_of(ctx).db(), anchor or [])
    if as_json:
        emit_json(report.to_dict())
    elif report.ok:
        out.print(
            f"[green]Audit trail intact[/green]: {report.events} events, {report.uploads} uploads, "
            f"{report.versions} versions, {report.returns} quarterly returns. Last hash {report.last_hash}"
        )
    else:
        out.print(table("The audit trail does not verify", ("problem",), [(p,) for p in report.problems]))
    raise typer.Exit(0 if report.ok else 1)


def looks_like_path(target: str) -> bool:
    return Path(target).exists() or target.lower().endswith(".json")


@app.command("check")
def check(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(metavar="FILE|PLAN_ID", help="a plan file, or the id of a stored plan")
    ],
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a plan file or a stored plan. Exit 0 = no errors, 1 = errors, 2 = unreadable or unknown.

    An existing path, or a name ending in .json, is read as a file; anything else is a stored plan id.
    """
    if looks_like_path(target):
        report = checks.check_file(Path(target))
    else:
        try:
            report = checks.check_stored(session_of(ctx).db(), target, version)
        except NotFound:
            raise NotFound(f"{target!r} is neither a file nor the id of a stored plan") from None
    if as_json:
        emit_json(report.to_dict())
    else:
        where = f"version {report.version}" if report.version else report.source
        print_findings(f"Checks for {report.title} ({where})", report.findings)
    raise typer.Exit(0 if report.ok else 1)


@app.command("check-all")
def check_all(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the latest version of every stored plan. Exit 1 if any plan has errors."""
    count, reports = checks.check_all(session_of(ctx).db())
    done: list[checks.CheckReport] = []
    columns = (TextColumn("checking plans"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("check", total=count)
        for report in reports:
            done.append(report)
            progress.advance(task)
    ok = all(r.ok for r in done)
    if as_json:
        emit_json({"ok": ok, "plans": [r.to_dict() for r in done]})
    else:
        rows = [
            (r.plan_id, r.version, r.counts()["error"], r.counts()["warning"], "ok" if r.ok else "errors")
            for r in done
        ]
        out.print(
            table(
                f"Checks for {count} stored plan(s)",
                ("plan", "version", "errors", "warnings", "result"),
                rows,
            )
        )
    raise typer.Exit(0 if ok else 1)


# --- demo and finance --------------------------------------------------------------------------------


@app.command("demo")
def demo_load(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Load the two demo areas (fictional, synthetic figures) into the database. Safe to run again."""
    s = session_of(ctx)
    loaded = demo.load_demo(s.db(), s.actor)
    if as_json:
        emit_json({"ok": True, "database": s.db().url, "plans": [item.to_dict() for item in loaded]})
        return
    rows = [(item.plan_id, item.title, item.version, item.result.replace("_", " ")) for item in loaded]
    out.print(table(f"Demo plans in {s.db().url}", ("plan", "title", "version", "result"), rows))
    first = loaded[0].plan_id if loaded else "PLAN_ID"
    out.print(
        "Look at them with:\n"
        "  carepool plan list\n"
        f"  carepool plan show {first}\n"
        f"  carepool check {first}\n"
        f"  carepool finance flows {first}\n"
        "  carepool check-all\n"
        "  carepool monitor position demo-brackenford-2015-16"
    )


def print_report(report: Report, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_dict())
        return
    if report.sha256:  # reports on a stored plan version name it; pack-level reports have none
        out.print(f"[bold]{report.plan_id}[/bold] version {report.version} (sha256 {report.sha256[:12]})")
    for t in report.tables:
        out.print(table(t.title, t.columns, t.rows))
    for note in report.notes:
        out.print(Text(note))


YearOpt = Annotated[
    str | None, typer.Option("--year", help="financial year, e.g. 2015-16 (default: all years)")
]


@finance_app.command("minimums")
def finance_minimums(
    ctx: typer.Context,
    plan_id: PlanId,
    version: VersionOpt = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against", help="published minimums CSV (area, partner, stream, year, amount) to compare"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Each partner's minimum per stream and year against what it pooled (or against a published table)."""
    db = session_of(ctx).db()
    if against is not None:
        print_report(allocation.against_published(db, plan_id, against, version), as_json)
        return
    print_report(finance.minimums(db, plan_id, version), as_json)


@finance_app.command("allocate")
def finance_allocate(
    pack: Annotated[str, typer.Option("--pack", help="policy pack id, e.g. bcf-2015-16")],
    shares: Annotated[
        Path | None,
        typer.Option("--shares", help="CSV of area weights (area, weight[, stream]); default population"),
    ] = None,
    out_csv: Annotated[Path | None, typer.Option("--out", help="write the local minimums as CSV")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Share each national stream among areas by largest remainder; shares sum exactly to the national total."""
    print_report(allocation.allocate(pack, shares, out_csv), as_json)


@finance_app.command("flows")
def finance_flows(
    ctx: typer.Context,
    plan_id: PlanId,
    version: VersionOpt = None,
    year: YearOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The funding-flow graph: stream → partner → pool → scheme → provider."""
    print_report(finance.flows(session_of(ctx).db(), plan_id, version, year), as_json)


@finance_app.command("cross-subsidy")
def finance_cross_subsidy(
    ctx: typer.Context,
    plan_id: PlanId,
    version: VersionOpt = None,
    year: YearOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Each partner's share of each scheme, against its commissioning share."""
    print_report(finance.cross_subsidy(session_of(ctx).db(), plan_id, version, year), as_json)


@finance_app.command("payments")
def finance_payments(
    ctx: typer.Context, plan_id: PlanId, version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Payment for performance under the plan's policy pack: pot, release, retained, ring-fence."""
    print_report(finance.payments(session_of(ctx).db(), plan_id, version), as_json)


@finance_app.command("risk-share")
def finance_risk_share(
    ctx: typer.Context,
    plan_id: PlanId,
    year: Annotated[str, typer.Option("--year", help="the financial year to settle, e.g. 2015-16")],
    actual: Annotated[
        list[str] | None,
        typer.Option("--actual", help="SCHEME_REF=AMOUNT outturn (repeat); schemes not given are on budget"),
    ] = None,
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Year-end settlement of over- and underspends under the plan's s75 risk-share rule."""
    actuals = finance.parse_actuals(actual or [])
    print_report(finance.risk_share(session_of(ctx).db(), plan_id, year, actuals, version), as_json)


@finance_app.command("savings")
def finance_savings(
    ctx: typer.Context, plan_id: PlanId, version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Savings from the planned fall in emergency admissions, and bed days freed."""
    print_report(finance.savings(session_of(ctx).db(), plan_id, version), as_json)


# --- entry point --------------------------------------------------------------------------------------


Handler = Callable[[Exception, bool], int]


def _conflict(exc: Exception, as_json: bool) -> int:
    assert isinstance(exc, Conflict)
    report_problems(exc.problems, as_json, "Refused; nothing was written")
    return 1


def _rejected(exc: Exception, as_json: bool) -> int:
    assert isinstance(exc, InputRejected)
    extra: dict[str, Any] = {}
    title = "The input was refused; nothing was written"
    if isinstance(exc, ImportRejected) and exc.upload_id is not None:
        extra = {"upload": exc.upload_id}
        title = f"The file was refused (kept as upload {exc.upload_id} with this report); nothing else was written"
    report_problems(exc.problems, as_json, title, extra)
    return 2


def _reference(exc: Exception, as_json: bool) -> int:
    report_problems([Problem("reference", "", str(exc))], as_json, "Cannot do that")
    return 2


HANDLERS: list[tuple[type[Exception], Handler]] = [
    (Conflict, _conflict),
    (InputRejected, _rejected),
    (PackError, _reference),
    (NotFound, _reference),
    (Unavailable, _reference),
]


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; known failures become messages, never a stack trace."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    try:
        app(args=args, prog_name="carepool")  # standalone: usage errors print and exit 2 inside
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except Exception as exc:  # the last line of defence: a message, never a trace
        for kind, handler in HANDLERS:
            if isinstance(exc, kind):
                return handler(exc, as_json)
        err.print(f"[red]carepool failed unexpectedly:[/red] {type(exc).__name__}: {escape(str(exc))}")
        return 3
    return 0


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":  # `python -m carepool.cli`, e.g. against a source tree on PYTHONPATH
    main()
