"""Charts as SVG text, each returned with the data table it shows.

Every chart is accessible on its own (``role="img"``, ``<title>``, ``<desc>``) and is always printed
beside its table, so nobody needs to read a number off a bar. Money stays Decimal in the tables; floats
are used only for geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from carepool.finance.flows import FlowGraph
from carepool.model.plan import LEVEL_SCORE, Level, MetricValue, Risk
from carepool.money import fmt_pounds

BLUE = "#1d70b8"
DARK = "#0b0c0c"
GREY = "#505a5f"
LIGHT = "#f3f2f1"
GREEN = "#00703c"
RED = "#d4351c"
ORANGE = "#f47738"
PURPLE = "#4c2c92"
TURQUOISE = "#28a197"
FONT = "font-family=\"'Helvetica Neue', Arial, 'Liberation Sans', sans-serif\""
KIND_COLOUR = {
    "stream": PURPLE,
    "partner": BLUE,
    "pool": TURQUOISE,
    "scheme": GREEN,
    "unallocated": GREY,
}


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    svg: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    colour: str
    values: tuple[Decimal, ...]


def short_money(amount: Decimal) -> str:
    """A compact label for a chart (the table beside it has the exact amount)."""
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    if a >= 1_000_000:
        return f"{sign}£{a / 1_000_000:,.1f}m"
    if a >= 1_000:
        return f"{sign}£{a / 1_000:,.0f}k"
    return f"{sign}£{a:,.0f}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, desc: str, width: float, height: float, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" {FONT}>',
            f'<title id="{chart_id}-t">{escape(title)}</title>',
            f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _text(
    x: float, y: float, text: str, size: int = 11, anchor: str = "start", fill: str = DARK, bold: bool = False
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>'
        f"{escape(text)}</text>"
    )


# --- bar charts -------------------------------------------------------------------------------------------


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: list[str],
    series: list[Series],
    label_header: str,
    money: bool = True,
) -> Chart:
    """Horizontal bars, one group per label, one bar per series (negative values draw as zero)."""
    fmt = fmt_pounds if money else (lambda v: f"{v:,}")
    short = short_money if money else (lambda v: f"{v:,}")
    label_w, bar_w, value_w = 150.0, 190.0, 52.0
    bar_h, gap = 16.0, 8.0
    group_h = bar_h * len(series) + gap
    legend_h = 22.0 if len(series) > 1 else 0.0
    height = legend_h + group_h * max(1, len(labels)) + 6
    peak = max((v for s in series for v in s.values), default=Decimal(0))
    scale = bar_w / float(peak) if peak > 0 else 0.0
    body: list[str] = []
    if legend_h:
        x = 4.0
        for s in series:
            body.append(f'<rect x="{x:.1f}" y="4" width="12" height="12" fill="{s.colour}"/>')
            body.append(_text(x + 16, 14, s.name, 11))
            x += 24 + 7 * len(s.name)
    for i, label in enumerate(labels):
        top = legend_h + i * group_h
        body.append(_text(label_w - 8, top + bar_h * len(series) / 2 + 4, _clip(label, 24), 11, "end"))
        for j, s in enumerate(series):
            value = s.values[i]
            w = max(0.0, float(value) * scale)
            y = top + j * bar_h
            body.append(
                f'<rect x="{label_w:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 2:.1f}" fill="{s.colour}"/>'
            )
            body.append(_text(label_w + w + 4, y + bar_h - 4, short(value), 10))
    body.append(
        f'<line x1="{label_w}" y1="{legend_h}" x2="{label_w}" y2="{height - 4:.1f}" stroke="{GREY}"/>'
    )
    svg = _svg(chart_id, title, desc, label_w + bar_w + value_w, height, body)
    headers = (label_header, *(s.name for s in series))
    rows = tuple((label, *(fmt(s.values[i]) for s in series)) for i, label in enumerate(labels))
    return Chart(chart_id, title, svg, headers, rows)


# --- risk heat map --------------------------------------------------------------------------------------

LEVELS = (Level.LOW, Level.MEDIUM, Level.HIGH)


def _heat(score: int) -> str:
    if score >= 6:
        return RED
    if score >= 3:
        return ORANGE
    return GREEN


def risk_heat_map(chart_id: str, risks: list[Risk]) -> Chart:
    """Open risks in a 3 × 3 grid: impact up the side, probability along the bottom."""
    open_risks = [r for r in risks if r.status == "open"]
    cell, left, top = 120.0, 90.0, 10.0
    body: list[str] = []
    for row, impact in enumerate(reversed(LEVELS)):
        y = top + row * cell
        body.append(_text(left - 8, y + cell / 2 + 4, impact.value, 11, "end"))
        for col, probability in enumerate(LEVELS):
            x = left + col * cell
            score = LEVEL_SCORE[impact] * LEVEL_SCORE[probability]
            here = [r.id for r in open_risks if r.impact is impact and r.probability is probability]
            opacity = 0.85 if here else 0.18
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell - 4:.1f}" height="{cell - 4:.1f}" '
                f'fill="{_heat(score)}" fill-opacity="{opacity}"/>'
            )
            colour = "#ffffff" if here else DARK
            body.append(_text(x + cell / 2 - 2, y + 26, str(len(here)), 22, "middle", colour))
            for k, rid in enumerate(here[:4]):
                body.append(_text(x + cell / 2 - 2, y + 48 + k * 14, _clip(rid, 16), 10, "middle", colour))
            if len(here) > 4:
                body.append(_text(x + cell / 2 - 2, y + 104, f"+{len(here) - 4} more", 10, "middle"))
        body.append(
            _text(left + row * cell + cell / 2 - 2, top + 3 * cell + 16, LEVELS[row].value, 11, "middle")
        )
    body.append(_text(left + 1.5 * cell, top + 3 * cell + 34, "Probability", 12, "middle", bold=True))
    body.append(
        f'<text x="18" y="{top + 1.5 * cell:.1f}" font-size="12" font-weight="bold" text-anchor="middle" '
        f'fill="{DARK}" transform="rotate(-90 18 {top + 1.5 * cell:.1f})">Impact</text>'
    )
    desc = (
        f"{len(open_risks)} open risks placed by impact and probability; "
        f"{sum(1 for r in open_risks if r.score >= 6)} in the red cells (score 6 or more)."
    )
    svg = _svg(
        chart_id, "Risks by impact and probability", desc, left + 3 * cell + 4, top + 3 * cell + 44, body
    )
    headers = ("Risk", "Description", "Impact", "Probability", "Score", "Owner", "Status")
    rows = tuple(
        (r.id, r.description, r.impact.value, r.probability.value, str(r.score), r.owner, r.status)
        for r in risks
    )
    return Chart(chart_id, "Risks by impact and probability", svg, headers, rows)


# --- metric trajectory ----------------------------------------------------------------------------------


def trajectory_chart(
    chart_id: str,
    title: str,
    baseline: MetricValue | None,
    plan: list[MetricValue],
    actuals: list[MetricValue],
) -> Chart:
    """Baseline (a dashed level), planned trajectory and actuals over the periods they name."""
    periods = sorted({v.period for v in [*([baseline] if baseline else []), *plan, *actuals]})
    planned = {v.period: v.value for v in plan}
    actual = {v.period: v.value for v in actuals}
    # A baseline over a different length of period (a year against quarters) is not on the same scale:
    # it is named in the legend and the table but not drawn as a level.
    drawn = baseline if baseline is not None and _grain(baseline.period) == _grain_of(plan, actuals) else None
    values = [v.value for v in [*([drawn] if drawn else []), *plan, *actuals]]
    width, height, left, right, top, bottom = 520.0, 230.0, 60.0, 20.0, 30.0, 40.0
    body: list[str] = []
    if values:
        low, high = float(min(values)), float(max(values))
        pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
        low, high = max(0.0, low - pad) if low >= 0 else low - pad, high + pad
        step = (width - left - right) / max(1, len(periods) - 1) if len(periods) > 1 else 0.0

        def xy(period: str, value: Decimal) -> tuple[float, float]:
            x = left + (periods.index(period) * step if len(periods) > 1 else (width - left - right) / 2)
            y = top + (high - float(value)) / (high - low) * (height - top - bottom)
            return x, y

        for k in range(5):
            v = low + (high - low) * k / 4
            y = top + (high - v) / (high - low) * (height - top - bottom)
            body.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dddddd"/>'
            )
            body.append(_text(left - 6, y + 4, f"{v:,.0f}" if high - low > 20 else f"{v:,.1f}", 10, "end"))
        every = _every(len(periods), width - left - right)  # long quarterly histories: no overlapping labels
        for i, p in enumerate(periods):
            if (len(periods) - 1 - i) % every == 0:  # counted back from the latest
                x, _ = xy(p, Decimal(0))
                body.append(_text(x, height - bottom + 16, p, 10, "middle"))
        if drawn is not None:
            _, y = xy(periods[0], drawn.value)
            body.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GREY}" '
                f'stroke-width="2" stroke-dasharray="6 4"/>'
            )
        for points, colour, dash in ((planned, BLUE, ' stroke-dasharray="2 0"'), (actual, ORANGE, "")):
            coords = [xy(p, points[p]) for p in periods if p in points]
            if len(coords) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
                body.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
                )
            for x, y in coords:
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
    baseline_name = "Baseline"
    if baseline is not None and drawn is None:
        baseline_name = f"Baseline {baseline.period}: {baseline.value:,} (not drawn)"
    legend = ((BLUE, "Plan"), (ORANGE, "Actual"), (GREY, baseline_name))
    for i, (colour, name) in enumerate(legend):
        x = left + i * 70
        body.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 16, 18, name, 10))
    desc = f"{title}: baseline {baseline.value if baseline else 'not set'}, " + (
        f"{len(plan)} planned and {len(actuals)} actual values."
    )
    svg = _svg(chart_id, title, desc, width, height, body)
    rows = tuple(
        (
            p,
            str(baseline.value) if baseline is not None and baseline.period == p else "",
            str(planned[p]) if p in planned else "",
            str(actual[p]) if p in actual else "",
        )
        for p in periods
    )
    return Chart(chart_id, title, svg, ("Period", "Baseline", "Plan", "Actual"), rows)


def _grain(period: str) -> str:
    return "quarter" if "Q" in period.upper() else "month" if "M" in period.upper() else "year"


def _grain_of(plan: list[MetricValue], actuals: list[MetricValue]) -> str | None:
    grains = {_grain(v.period) for v in [*plan, *actuals]}
    return grains.pop() if len(grains) == 1 else None


# --- funding flow -----------------------------------------------------------------------------------------

COLUMNS = (("stream",), ("partner",), ("pool",), ("scheme", "unallocated"))
COLUMN_TITLES = ("Funding streams", "Partners", "Pools", "Schemes")
LAYER_NAMES = ("Stream → partner", "Partner → pool", "Pool → scheme")


def flow_diagram(chart_id: str, graph: FlowGraph) -> Chart:
    """Streams → partners → pools → schemes: boxes sized by the money through them, bands by each edge."""
    kinds = {n.id: n.kind for n in graph.nodes}
    through: dict[str, Decimal] = {}
    for e in graph.edges:
        if kinds[e.target] == "provider":
            continue
        through[e.target] = through.get(e.target, Decimal(0)) + e.amount
        if kinds[e.source] == "stream":
            through[e.source] = through.get(e.source, Decimal(0)) + e.amount
    columns = [
        sorted(
            (n for n in graph.nodes if n.kind in kinds_ and n.id in through),
            key=lambda n: (n.kind == "unallocated", -through[n.id], n.id),
        )
        for kinds_ in COLUMNS
    ]
    total = graph.total()
    gap, min_h, box_w, col_w, top = 5.0, 13.0, 12.0, 240.0, 34.0
    tallest = max(len(c) for c in columns) if columns else 1
    usable = max(360.0, tallest * (min_h + gap) + 80)
    scale = (usable - gap * tallest) / float(total) if total > 0 else 0.0
    place: dict[str, tuple[float, float, float]] = {}  # node id → x, y, height
    for c, nodes in enumerate(columns):
        y = top
        for n in nodes:
            h = max(min_h, float(through[n.id]) * scale)
            place[n.id] = (c * col_w, y, h)
            y += h + gap
    height = max((y + h for _, y, h in place.values()), default=top) + 12
    body: list[str] = []
    for c, name in enumerate(COLUMN_TITLES):
        body.append(_text(c * col_w, 16, name, 12, "start", bold=True))
    out_used: dict[str, float] = {}
    in_used: dict[str, float] = {}
    for e in sorted(graph.edges, key=lambda e: (place.get(e.source, (0, 0, 0))[1], e.target)):
        if e.source not in place or e.target not in place:
            continue
        sx, sy, _ = place[e.source]
        tx, ty, _ = place[e.target]
        w = max(1.0, float(e.amount) * scale)
        y0 = sy + out_used.get(e.source, 0.0)
        y1 = ty + in_used.get(e.target, 0.0)
        out_used[e.source] = out_used.get(e.source, 0.0) + w
        in_used[e.target] = in_used.get(e.target, 0.0) + w
        x0, x1 = sx + box_w, tx
        mid = (x0 + x1) / 2
        body.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f} '
            f'L{x1:.1f},{y1 + w:.1f} C{mid:.1f},{y1 + w:.1f} {mid:.1f},{y0 + w:.1f} {x0:.1f},{y0 + w:.1f} Z" '
            f'fill="{KIND_COLOUR[kinds[e.source]]}" fill-opacity="0.22"/>'
        )
    for nodes in columns:
        for n in nodes:
            x, y, h = place[n.id]
            body.append(
                f'<rect class="node" x="{x:.1f}" y="{y:.1f}" width="{box_w}" height="{h:.1f}" '
                f'fill="{KIND_COLOUR[n.kind]}"/>'
            )
            label = f"{_clip(n.label, 27)} · {short_money(through[n.id])}"
            ty = y + min(h, 20) / 2 + 4
            body.append(
                f'<rect x="{x + box_w + 2:.1f}" y="{ty - 10:.1f}" width="{len(label) * 5.4 + 4:.1f}" '
                f'height="13" fill="#ffffff" fill-opacity="0.8"/>'
            )
            body.append(_text(x + box_w + 4, ty, label, 11))
    desc = (
        f"{fmt_pounds(total)} flows from {len(columns[0])} funding streams through {len(columns[1])} partners "
        f"into {len(columns[2])} pools and on to {len(columns[3])} schemes."
    )
    svg = _svg(chart_id, "Funding flow", desc, 4 * col_w + 30, height, body)
    labels = {n.id: n.label for n in graph.nodes}
    rows = tuple(
        (LAYER_NAMES[_column(kinds[e.source])], labels[e.source], labels[e.target], fmt_pounds(e.amount))
        for e in sorted(graph.edges, key=lambda e: _column(kinds[e.source]))  # stable: engine order within
        if kinds[e.target] != "provider"
    )
    return Chart(chart_id, "Funding flow", svg, ("Step", "From", "To", "Amount"), rows)


def _column(kind: str) -> int:
    return next(i for i, kinds in enumerate(COLUMNS) if kind in kinds)


# --- admissions fan chart ---------------------------------------------------------------------------------


def _every(count: int, room: float, label_width: float = 58.0) -> int:
    """Label every n-th point so quarter labels never overlap."""
    return max(1, int(-(-count * label_width // room))) if count else 1


def fan_chart(
    chart_id: str,
    title: str,
    history: list[tuple[str, Decimal]],
    bands: list[tuple[str, dict[int, float]]],
    planned: dict[str, Decimal],
    actual: dict[str, Decimal],
) -> Chart:
    """Quarterly history, then for each modelled quarter the simulated range (outer and inner bands, the
    median dashed), the plan and the actuals reported. Bands come as percentile → count, the outer pair
    and inner pair being the lowest two and highest two percentiles given."""
    periods = [q for q, _ in history] + [q for q, _ in bands if q not in dict(history)]
    percentiles = sorted(bands[0][1]) if bands else []
    values = [float(v) for _, v in history] + [float(v) for v in (*planned.values(), *actual.values())]
    values += [v for _, b in bands for v in b.values()]
    width, height, left, right, top, bottom = 560.0, 250.0, 62.0, 40.0, 30.0, 44.0
    body: list[str] = []
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = max(0.0, low - pad), high + pad
    step = (width - left - right) / max(1, len(periods) - 1)

    def x_of(period: str) -> float:
        return left + periods.index(period) * step

    def y_of(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    for k in range(5):
        v = low + (high - low) * k / 4
        body.append(
            f'<line x1="{left}" y1="{y_of(v):.1f}" x2="{width - right}" y2="{y_of(v):.1f}" stroke="#dddddd"/>'
        )
        body.append(_text(left - 6, y_of(v) + 4, f"{v:,.0f}", 10, "end"))
    every = _every(len(periods), width - left - right)
    for i, p in enumerate(periods):
        if (len(periods) - 1 - i) % every == 0:  # counted back from the latest
            body.append(_text(x_of(p), height - bottom + 16, p, 10, "middle"))
    if len(percentiles) >= 2 and bands:
        pairs = [(percentiles[0], percentiles[-1], 0.18)]
        if len(percentiles) >= 4:
            pairs.append((percentiles[1], percentiles[-2], 0.32))
        for lo, hi, opacity in pairs:
            upper = [f"{x_of(q):.1f},{y_of(b[hi]):.1f}" for q, b in bands]
            lower = [f"{x_of(q):.1f},{y_of(b[lo]):.1f}" for q, b in reversed(bands)]
            body.append(
                f'<polygon points="{" ".join(upper + lower)}" fill="{BLUE}" fill-opacity="{opacity}"/>'
            )
        mid = percentiles[len(percentiles) // 2]
        path = " ".join(f"{x_of(q):.1f},{y_of(b[mid]):.1f}" for q, b in bands)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    if history:
        path = " ".join(f"{x_of(q):.1f},{y_of(float(v)):.1f}" for q, v in history)
        body.append(f'<polyline points="{path}" fill="none" stroke="{DARK}" stroke-width="2"/>')
    for points, colour in ((planned, PURPLE), (actual, ORANGE)):
        for q in periods:
            if q in points:
                body.append(
                    f'<circle cx="{x_of(q):.1f}" cy="{y_of(float(points[q])):.1f}" r="4" fill="{colour}"/>'
                )
    legend = [(DARK, "History", 1.0), (PURPLE, "Plan", 1.0), (ORANGE, "Actual", 1.0)]
    if bands:
        legend.append((BLUE, f"Simulated p{percentiles[0]}–p{percentiles[-1]}", 0.35))
    x = left
    for colour, name, opacity in legend:
        body.append(
            f'<rect x="{x:.1f}" y="8" width="12" height="12" fill="{colour}" fill-opacity="{opacity}"/>'
        )
        body.append(_text(x + 16, 18, name, 10))
        x += 24 + 6 * len(name)
    desc = (
        f"{title}: {len(history)} quarters of history"
        + (f", {history[0][0]} to {history[-1][0]}" if history else "")
        + f"; for {len(bands)} quarters the simulated range, {len(planned)} planned and {len(actual)} actual values."
    )
    svg = _svg(chart_id, title, desc, width, height, body)
    by_quarter = dict(bands)
    history_of = dict(history)
    headers = ("Quarter", "History", "Plan", "Actual", *(f"p{p}" for p in percentiles))
    rows = tuple(
        (
            q,
            f"{history_of[q]:,}" if q in history_of else "",
            f"{planned[q]:,}" if q in planned else "",
            f"{actual[q]:,}" if q in actual else "",
            *((f"{by_quarter[q][p]:,.0f}" if q in by_quarter else "") for p in percentiles),
        )
        for q in periods
    )
    return Chart(chart_id, title, svg, headers, rows)
