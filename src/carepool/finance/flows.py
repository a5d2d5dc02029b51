"""The funding-flow graph: national stream → contributing partner → pool → scheme → provider.

Contributions feed the top two layers (stream → partner → pool); scheme funding rows feed the bottom two
(pool → scheme → provider). Money in a pool that no scheme uses goes to an explicit ``unallocated`` node
for that pool, so nothing disappears; money schemes take from a pool beyond what was contributed shows in
``overcommitted`` and makes ``reconciles()`` false.

Rounding rule: none. Every edge is an exact sum of plan rows (pounds and pence); zero edges are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from carepool.model.plan import Plan
from carepool.money import ZERO
from carepool.policy.schema import PolicyPack

NodeKind = Literal["stream", "partner", "pool", "scheme", "provider", "unallocated"]
LAYERS: tuple[str, ...] = ("stream→partner", "partner→pool", "pool→scheme", "scheme→provider")
NO_PROVIDER = "(provider not named)"


@dataclass(frozen=True, slots=True)
class Node:
    kind: NodeKind
    id: str  # "kind:key", unique in the graph
    label: str


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FlowGraph:
    year: str | None  # None = all years of the plan
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    overcommitted: tuple[tuple[str, Decimal], ...]  # (pool id, amount schemes take beyond contributions)

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def edges_from(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.source == node_id]

    def edges_to(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.target == node_id]

    def layer_totals(self) -> dict[str, Decimal]:
        """Money carried across each layer. Unallocated pool money counts in the last layer too."""
        kinds = {n.id: n.kind for n in self.nodes}
        sums = dict.fromkeys(LAYERS, ZERO)
        for e in self.edges:
            source, target = kinds[e.source], kinds[e.target]
            if source == "stream":
                sums["stream→partner"] += e.amount
            elif source == "partner":
                sums["partner→pool"] += e.amount
            elif source == "pool":
                sums["pool→scheme"] += e.amount
                if target == "unallocated":
                    sums["scheme→provider"] += e.amount
            elif source == "scheme":
                sums["scheme→provider"] += e.amount
        return sums

    def reconciles(self) -> bool:
        """True when every layer carries the same total and no pool is overcommitted."""
        return len(set(self.layer_totals().values())) == 1 and not self.overcommitted

    def total(self) -> Decimal:
        return self.layer_totals()["stream→partner"]


def _add(sums: dict[tuple[str, str], Decimal], key: tuple[str, str], amount: Decimal) -> None:
    sums[key] = sums.get(key, ZERO) + amount


def _edges(sums: dict[tuple[str, str], Decimal]) -> Iterable[Edge]:
    for (source, target), amount in sorted(sums.items()):
        if amount != ZERO:
            yield Edge(source, target, amount)


def build_flows(plan: Plan, year: str | None = None, pack: PolicyPack | None = None) -> FlowGraph:
    """The flow graph for one year, or for all the plan's years when ``year`` is None.

    With ``pack``, stream nodes are labelled with the stream names; otherwise with their codes.
    """

    def in_year(y: str) -> bool:
        return year is None or y == year

    org_names = {o.code: o.name for o in plan.organisations}
    pool_names = {p.id: p.name for p in plan.pools}
    stream_names = {s.code: s.name for s in pack.funding_streams} if pack is not None else {}
    nodes: dict[str, Node] = {}

    def node(kind: NodeKind, key: str, label: str) -> str:
        node_id = f"{kind}:{key}"
        nodes.setdefault(node_id, Node(kind, node_id, label))
        return node_id

    upper: dict[tuple[str, str], Decimal] = {}
    lower: dict[tuple[str, str], Decimal] = {}
    pool_in: dict[str, Decimal] = {}
    pool_out: dict[str, Decimal] = {}
    for c in plan.contributions:
        if not in_year(c.year):
            continue
        stream = node("stream", c.stream, stream_names.get(c.stream, c.stream))
        partner = node("partner", c.partner, org_names.get(c.partner, c.partner))
        pool = node("pool", c.pool, pool_names.get(c.pool, c.pool))
        _add(upper, (stream, partner), c.amount)
        _add(upper, (partner, pool), c.amount)
        pool_in[c.pool] = pool_in.get(c.pool, ZERO) + c.amount
    for scheme in plan.schemes:
        scheme_id = node("scheme", scheme.ref, scheme.name)
        provider_key = scheme.provider or NO_PROVIDER
        scheme_total = ZERO
        for f in scheme.funding:
            if not in_year(f.year):
                continue
            pool = node("pool", f.pool, pool_names.get(f.pool, f.pool))
            _add(lower, (pool, scheme_id), f.amount)
            pool_out[f.pool] = pool_out.get(f.pool, ZERO) + f.amount
            scheme_total += f.amount
        if scheme_total != ZERO:
            provider = node("provider", provider_key, org_names.get(provider_key, provider_key))
            _add(lower, (scheme_id, provider), scheme_total)
    overcommitted: list[tuple[str, Decimal]] = []
    for pool_id in sorted(set(pool_in) | set(pool_out)):
        left = pool_in.get(pool_id, ZERO) - pool_out.get(pool_id, ZERO)
        if left > 0:
            target = node("unallocated", pool_id, f"Not yet assigned to a scheme ({pool_id})")
            _add(lower, (f"pool:{pool_id}", target), left)
        elif left < 0:
            overcommitted.append((pool_id, -left))
    edges = (*_edges(upper), *_edges(lower))
    used = {e.source for e in edges} | {e.target for e in edges}
    return FlowGraph(
        year=year,
        nodes=tuple(n for n in sorted(nodes.values(), key=lambda n: n.id) if n.id in used),
        edges=edges,
        overcommitted=tuple(overcommitted),
    )
