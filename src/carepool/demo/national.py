"""A seeded SYNTHETIC national set of 2015/16 plans, for benchmarks and scale tests.

Built from the real 152 areas of 2013–15 (names, codes, regions, populations from ``carepool/data``);
everything else — partners, pools, schemes, metrics, risks — is invented and every plan title says so.

Money: each national stream of the pack is shared out to the areas by largest remainder
(``carepool.finance.minimums.local_minimums``) on population × a seeded need factor, so the local minimums
of every stream sum exactly to the pack's national amount; the area's share of the £1bn performance fund
is shared out on the same weights as the CCG minimum. Within an area, CCG streams are split between its
1–3 CCGs by largest remainder, and each contribution is spent in full on the schemes of its pool.

Faults: a seeded ~10% of plans carry one realistic fault — a transcription error in a stated total
(FIN-005), a CCG contribution short of its minimum (FIN-001) or a pool whose contributions are not all
assigned to schemes (FIN-002). ``plan_fault(plan)`` says which.

``scale`` > 1 adds synthetic copies of the areas with derived codes (the 4th–6th characters of the ONS
code become the copy number, e.g. E06001001), so 10× the areas is 1,520 plans; the national totals are
still shared out exactly over all of them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from carepool.demo.builder import MoneyTable
from carepool.finance.minimums import local_minimums
from carepool.model import (
    CommissionerShare,
    ConditionStatement,
    ConditionStatus,
    Contribution,
    HeadsOfTerms,
    Kpi,
    Level,
    MetricPlan,
    MetricValue,
    Milestone,
    Minimum,
    Organisation,
    OrgKind,
    Partner,
    PerformancePlan,
    Plan,
    Pool,
    QuarterCount,
    Risk,
    RiskShareMethod,
    RiskShareRule,
    RiskShareStep,
    Scheme,
    Signatory,
    StatedTotal,
)
from carepool.model.plan import AreaType
from carepool.money import POUND, ZERO, apportion
from carepool.policy import load_pack
from carepool.policy.schema import PolicyPack
from carepool.reference import AreaInfo, all_areas, districts_of

POLICY: Final = "bcf-2015-16"
YEAR: Final = "2015-16"
FAULT_RATE: Final = 0.10
FAULTS: Final = ("transcription", "missed_minimum", "unbalanced_pool")
CCG_STREAMS: Final = ("ccg_minimum", "social_care_transfer", "carers_breaks", "reablement")
SEASON: Final = (0.255, 0.245, 0.243, 0.257)  # share of a year's emergency admissions per payment quarter
NEL_PER_HEAD: Final = 0.0975  # ~5.53m general and acute non-elective admissions / ~56.7m people

# (name, scheme type, area of spend) — CCG-commissioned out-of-hospital schemes
HEALTH_MENU: Final = (
    ("Integrated community teams", "integrated_care_teams", "community_health"),
    ("Rapid response, seven days", "seven_day_services", "community_health"),
    ("Intermediate care beds", "intermediate_care", "community_health"),
    ("Mental health crisis and liaison", "integrated_care_teams", "mental_health"),
    ("Primary care in-reach to care homes", "integrated_care_teams", "primary_care"),
    ("Community falls service", "prevention", "community_health"),
    ("End of life care at home", "integrated_care_teams", "community_health"),
    ("Dementia support", "prevention", "mental_health"),
    ("Continuing care in the community", "personalised_care", "continuing_care"),
    ("Extended GP access for frail patients", "seven_day_services", "primary_care"),
    ("Community matrons and case management", "integrated_care_teams", "community_health"),
)
# council-commissioned social care schemes
CARE_MENU: Final = (
    ("Care Act implementation", "care_act", "social_care"),
    ("Seven-day hospital social work", "seven_day_services", "social_care"),
    ("Telecare and community alarms", "assistive_technology", "social_care"),
    ("Prevention and community navigation", "prevention", "social_care"),
    ("Home from hospital support", "reablement", "social_care"),
    ("Shared care record on the NHS number", "data_sharing", "other"),
    ("Personal budgets and direct payments", "personalised_care", "social_care"),
    ("Carers' breaks", "carers", "social_care"),
    ("Extra care housing support", "other", "social_care"),
)
# (risk, mitigation, owner)
RISK_MENU: Final = (
    (
        "Emergency admissions do not fall and the performance fund is not earned.",
        "Monthly admissions tracking by practice; schemes rebalanced at the half-year review.",
        "Chief Finance Officer, CCG",
    ),
    (
        "Loss of tariff income destabilises the acute trust.",
        "Reduction agreed in the trust's contract; bed reductions phased with achieved reductions.",
        "Director of Commissioning, CCG",
    ),
    (
        "Care Act demand exceeds the money set aside.",
        "Demand model refreshed quarterly; early warning to the board; contingency held.",
        "Director of Adult Social Services",
    ),
    (
        "Community workforce cannot be recruited for seven-day services.",
        "Joint recruitment with providers; rotational posts; agency cover capped.",
        "Chief Executive, community provider",
    ),
    (
        "Information governance delays data sharing on the NHS number.",
        "Data sharing agreement signed by the Caldicott guardians; fair processing notice published.",
        "Caldicott Guardian",
    ),
    (
        "The same money is counted in two pools.",
        "One funding table reconciled monthly by both finance teams.",
        "Section 151 Officer",
    ),
    (
        "Providers do not engage with new models of care.",
        "Provider forum meets monthly; providers sit on the programme board.",
        "BCF Programme Manager",
    ),
)
CONDITION_TEXT: Final = {
    "NC1": "Agreed by the council and the CCG(s) and signed off by the Health and Wellbeing Board.",
    "NC2": "Social care services are protected at current eligibility; the NHS contribution to social care is "
    "set out scheme by scheme.",
    "NC3": "Discharge teams and rapid response work seven days a week from April 2015.",
    "NC4": "The NHS number is the primary identifier in health and social care records.",
    "NC5": "A joint assessment and an accountable lead professional for everyone with an integrated package.",
    "NC6": "The acute trust has agreed the effect on its activity and income.",
}
FIRST_NAMES: Final = ("Alex", "Sam", "Jo", "Chris", "Pat", "Morgan", "Jamie", "Robin", "Kim", "Lee")
SURNAMES: Final = (
    "Ashworth",
    "Bell",
    "Carter",
    "Dhillon",
    "Evans",
    "Fraser",
    "Grant",
    "Hussain",
    "Ito",
    "Jones",
)
COMPASS: Final = ("North", "South", "East", "West", "Mid", "Central", "Upper", "Lower")


@dataclass(frozen=True, slots=True)
class SynthArea:
    index: int
    info: AreaInfo
    copy: int  # 0 = the real area; n ≥ 1 = the n-th synthetic copy


def plan_fault(plan: Plan) -> str | None:
    """The fault a generated plan was seeded with (from its id), or None for a clean plan."""
    for fault in FAULTS:
        if plan.id.endswith(f"-fault-{fault}"):
            return fault
    return None


def synthetic_areas(areas: int = 152, scale: int = 1, seed: int = 0) -> list[SynthArea]:
    """The first ``areas`` real areas, plus ``scale - 1`` synthetic copies of each with derived codes."""
    base = all_areas()
    if not 1 <= areas <= len(base):
        raise ValueError(f"areas must be between 1 and {len(base)}, found {areas}")
    if not 1 <= scale <= 999:
        raise ValueError(f"scale must be between 1 and 999, found {scale}")
    rng = random.Random(f"areas-{seed}")
    out: list[SynthArea] = []
    for copy in range(scale):
        for info in base[:areas]:
            if copy:
                code = f"{info.ons_code[:3]}{copy:03d}{info.ons_code[6:]}"
                population = max(2000, round(info.population * rng.uniform(0.8, 1.2)))
                info = AreaInfo(
                    ons_code=code,
                    name=f"{info.name} {copy + 1}",
                    type=info.type,
                    region_code=info.region_code,
                    region=info.region,
                    population=population,
                    synthetic=True,
                )
            out.append(SynthArea(len(out), info, copy))
    return out


def area_weights(areas: Sequence[SynthArea], seed: int = 0) -> dict[str, dict[str, Decimal]]:
    """Stream → area code → weight: population × a seeded need factor (NHS and social care differ)."""
    rng = random.Random(f"weights-{seed}")
    nhs: dict[str, Decimal] = {}
    care: dict[str, Decimal] = {}
    for a in areas:
        # Ratios become exact Decimals here; money is only ever computed from these by apportionment.
        nhs[a.info.ons_code] = Decimal(a.info.population) * Decimal(str(round(rng.uniform(0.85, 1.15), 4)))
        care[a.info.ons_code] = Decimal(a.info.population) * Decimal(str(round(rng.uniform(0.8, 1.2), 4)))
    return {
        "*": nhs,
        "dfg": care,
        "social_care_capital": care,
        "social_care_transfer": care,
    }


def national_minimums(
    pack: PolicyPack, areas: Sequence[SynthArea], seed: int = 0
) -> tuple[dict[str, dict[str, Decimal]], dict[str, Decimal]]:
    """(area → stream → local minimum, area → share of the performance fund), each summing exactly."""
    weights = area_weights(areas, seed)
    per_area: dict[str, dict[str, Decimal]] = {a.info.ons_code: {} for a in areas}
    for row in local_minimums(pack, weights):
        per_area[row.area][row.stream] = row.amount
    fund = pack.performance.national_fund
    shares: dict[str, Decimal] = {}
    if fund is not None:
        codes = sorted(weights["*"])
        parts = apportion(fund.value, [weights["*"][c] for c in codes], POUND)
        shares = dict(zip(codes, parts, strict=True))
    return per_area, shares


def generate_national(areas: int = 152, seed: int = 0, scale: int = 1) -> list[Plan]:
    """A seeded synthetic national set of complete ``bcf-2015-16`` plans (see the module docstring)."""
    pack = load_pack(POLICY)
    synth = synthetic_areas(areas, scale, seed)
    minimums, fund_shares = national_minimums(pack, synth, seed)
    rng = random.Random(f"faults-{seed}")
    n_faults = round(len(synth) * FAULT_RATE)
    faulty = rng.sample(range(len(synth)), n_faults)
    faults = {index: FAULTS[i % len(FAULTS)] for i, index in enumerate(sorted(faulty))}
    return [
        _AreaPlan(
            pack,
            a,
            minimums[a.info.ons_code],
            fund_shares.get(a.info.ons_code, ZERO),
            seed,
            faults.get(a.index),
        ).build()
        for a in synth
    ]


def _split(total: Decimal, weights: Sequence[float]) -> list[Decimal]:
    """Whole pounds in proportion to seeded ratios, summing exactly to ``total``."""
    return apportion(total, [Decimal(str(round(w, 6))) for w in weights], POUND)


class _AreaPlan:
    """Builds one synthetic plan; one instance per area keeps the many small decisions readable."""

    def __init__(
        self,
        pack: PolicyPack,
        area: SynthArea,
        minimums: dict[str, Decimal],
        fund_share: Decimal,
        seed: int,
        fault: str | None,
    ) -> None:
        self.pack = pack
        self.area = area
        self.info = area.info
        self.mins = minimums
        self.fund_share = fund_share
        self.fault = fault
        self.rng = random.Random(f"plan-{seed}-{area.info.ons_code}")
        self.council = area.info.ons_code
        self.table = MoneyTable()
        self.orgs: list[Organisation] = []
        self.partners: list[Partner] = []
        self.schemes: list[Scheme] = []
        self.meta: dict[str, tuple[str, str, str, list[tuple[str, Decimal]], str]] = {}

    # --- organisations and partners --------------------------------------------------------------

    def _organisations(self) -> None:
        rng, info = self.rng, self.info
        council_word = " County Council" if info.type is AreaType.COUNTY else " Council"
        self.orgs.append(
            Organisation(
                code=self.council, name=f"{info.name}{council_word}", kind=OrgKind.UPPER_TIER_COUNCIL
            )
        )
        self.partners.append(Partner(org=self.council, share_pct=Decimal(100)))
        n_ccg = rng.choice((2, 2, 3, 3)) if info.type is AreaType.COUNTY else rng.choice((1, 1, 1, 2))
        prefix = f"X{self.area.index:05d}"
        names = (
            [f"NHS {info.name} CCG"]
            if n_ccg == 1
            else [f"NHS {COMPASS[i]} {info.name} CCG" for i in range(n_ccg)]
        )
        spanning = n_ccg > 1 and rng.random() < 0.3
        self.ccgs = [f"{prefix}C{i + 1}" for i in range(n_ccg)]
        for i, (code, name) in enumerate(zip(self.ccgs, names, strict=True)):
            share = Decimal(100)
            if spanning and i == n_ccg - 1:
                name = f"NHS {COMPASS[i]} {info.name} and Borders CCG"
                share = Decimal(rng.randrange(20, 65, 5))
            self.orgs.append(Organisation(code=code, name=name, kind=OrgKind.CCG))
            self.partners.append(Partner(org=code, share_pct=share))
        self.ccg_weights = [rng.uniform(0.3, 1.0) for _ in self.ccgs]
        self.districts: list[tuple[str, str, int]] = []
        if info.type is AreaType.COUNTY:
            real = districts_of(info.ons_code) if self.area.copy == 0 else []
            if real:
                self.districts = [(d.ons_code, d.name, d.population) for d in real]
            else:
                n = rng.randint(4, 8)
                pops = _split(Decimal(info.population), [rng.uniform(0.6, 1.4) for _ in range(n)])
                self.districts = [
                    (f"E079{self.area.index:04d}{j + 1}", f"{COMPASS[j]} {info.name}", int(pops[j]))
                    for j in range(n)
                ]
            for code, name, _ in self.districts:
                self.orgs.append(
                    Organisation(code=code, name=f"{name} Council", kind=OrgKind.DISTRICT_COUNCIL)
                )
                self.partners.append(Partner(org=code, share_pct=Decimal(100)))
        self.acute, self.community, self.voluntary = f"{prefix}A", f"{prefix}T", f"{prefix}V"
        self.orgs += [
            Organisation(code=self.acute, name=f"{info.name} Hospitals NHS Trust", kind=OrgKind.PROVIDER),
            Organisation(
                code=self.community, name=f"{info.name} Community Health Services", kind=OrgKind.PROVIDER
            ),
            Organisation(code=self.voluntary, name=f"{info.name} Voluntary Action", kind=OrgKind.PROVIDER),
        ]

    # --- pools and schemes -----------------------------------------------------------------------

    def _pools(self) -> list[Pool]:
        n = self.rng.choice((1, 2, 2, 3, 3))
        name = self.info.name
        if n == 1:
            self.health_pool = self.care_pool = self.capital_pool = "P1"
            return [
                Pool(
                    id="P1",
                    name=f"{name} Better Care Fund pool",
                    topic="all BCF services",
                    footprint="whole area",
                    host=self.council,
                    pool_manager="Head of Integrated Commissioning",
                )
            ]
        pools = [
            Pool(
                id="P1",
                name="Integrated out-of-hospital care",
                topic="community health",
                footprint="whole area",
                host=self.ccgs[0],
                pool_manager="Head of Commissioning, lead CCG",
            ),
            Pool(
                id="P2",
                name="Adult social care and independence",
                topic="social care",
                footprint="whole area",
                host=self.council,
                pool_manager="Assistant Director, Adult Social Care",
            ),
        ]
        self.health_pool, self.care_pool, self.capital_pool = "P1", "P2", "P2"
        if n == 3:
            pools.append(
                Pool(
                    id="P3",
                    name="Community equipment and adaptations (existing s75)",
                    topic="equipment",
                    footprint="whole area",
                    host=self.council,
                    pool_manager="Equipment Service Manager",
                    existing=True,
                )
            )
            self.capital_pool = "P3"
        return pools

    def _plan_schemes(self) -> None:
        rng = self.rng
        county = bool(self.districts)
        core = 5 + (len(self.districts) if county else 0)
        target = max(core, rng.randint(5, 25))
        extra = target - core
        n_health = rng.randint(0, extra) if extra else 0
        health = [HEALTH_MENU[0], *rng.sample(HEALTH_MENU[1:], min(n_health, len(HEALTH_MENU) - 1))]
        care = rng.sample(CARE_MENU, min(extra - (len(health) - 1), len(CARE_MENU)))
        ccg_split = [(c, p) for c, p in zip(self.ccgs, _split(Decimal(100), self.ccg_weights), strict=True)]
        council = [(self.council, Decimal(100))]
        self.health_refs: list[str] = []
        self.care_refs: list[str] = []
        for i, (name, kind, spend) in enumerate(health):
            ref = f"H{i + 1:02d}"
            self.meta[ref] = (name, kind, spend, ccg_split, self.community)
            self.health_refs.append(ref)
        self.meta["PF"] = (
            "Performance fund held against the emergency admissions reduction",
            "contingency",
            "acute",
            ccg_split,
            self.acute,
        )
        self.meta["S01"] = (
            "Protecting adult social care services",
            "personalised_care",
            "social_care",
            council,
            self.council,
        )
        self.meta["S02"] = (
            "Reablement and carers' support",
            "reablement",
            "social_care",
            council,
            self.council,
        )
        self.care_refs = ["S01"]
        for i, (name, kind, spend) in enumerate(care):
            ref = f"S{i + 3:02d}"
            provider = self.voluntary if kind in ("prevention", "carers") else self.council
            self.meta[ref] = (name, kind, spend, council, provider)
            self.care_refs.append(ref)
        if county:
            self.meta["K01"] = (
                "Social care capital programme",
                "capital",
                "social_care",
                council,
                self.council,
            )
            for j, (code, name, _) in enumerate(self.districts):
                self.meta[f"D{j + 1:02d}"] = (
                    f"Disabled Facilities Grants: {name}",
                    "home_adaptations",
                    "other",
                    [(code, Decimal(100))],
                    code,
                )
        else:
            self.meta["K01"] = (
                "Home adaptations (DFG) and social care capital",
                "home_adaptations",
                "other",
                council,
                self.council,
            )

    # --- money -----------------------------------------------------------------------------------

    def _spend(self, refs: Sequence[str], amount: Decimal) -> dict[str, Decimal]:
        parts = _split(amount, [self.rng.uniform(0.5, 1.5) for _ in refs])
        return dict(zip(refs, parts, strict=True))

    def _money(self, pot: Decimal) -> None:
        rng, t = self.rng, self.table
        ccg_parts = {s: _split(self.mins[s], self.ccg_weights) for s in CCG_STREAMS}
        pot_parts = _split(pot, self.ccg_weights)
        health_frac = rng.uniform(0.58, 0.70)
        short_ccg = rng.randrange(len(self.ccgs)) if self.fault == "missed_minimum" else -1
        for i, ccg in enumerate(self.ccgs):
            minimum = ccg_parts["ccg_minimum"][i]
            # at 10x scale an area's minimum shrinks but its admissions pot does not: never split below zero
            pot_part = min(pot_parts[i], minimum)
            to_health = (minimum * Decimal(str(round(health_frac, 4)))).quantize(POUND)
            to_health = max(ZERO, min(to_health, minimum - pot_part))
            in_health = to_health + pot_part
            to_care = minimum - in_health
            if self.health_pool == self.care_pool:
                spend = self._spend(self.health_refs, to_health)
                spend["PF"] = pot_part
                for ref, amount in self._spend(self.care_refs, to_care).items():
                    spend[ref] = spend.get(ref, ZERO) + amount
                t.add(
                    f"{ccg}-MIN",
                    ccg,
                    "ccg_minimum",
                    self.health_pool,
                    YEAR,
                    minimum,
                    spend,
                    reference=f"CCG allocation 2015/16, BCF minimum ({ccg})",
                )
            else:
                spend = self._spend(self.health_refs, to_health)
                spend["PF"] = pot_part
                t.add(
                    f"{ccg}-MIN-H",
                    ccg,
                    "ccg_minimum",
                    self.health_pool,
                    YEAR,
                    in_health,
                    spend,
                    reference=f"CCG allocation 2015/16, BCF minimum: out-of-hospital share ({ccg})",
                )
                t.add(
                    f"{ccg}-MIN-C",
                    ccg,
                    "ccg_minimum",
                    self.care_pool,
                    YEAR,
                    to_care,
                    self._spend(self.care_refs, to_care),
                    reference=f"CCG allocation 2015/16, BCF minimum: social care share ({ccg})",
                )
            transfer = ccg_parts["social_care_transfer"][i]
            if i == short_ccg:
                # The fault: the CCG pooled less than its minimum (a figure from last year's allocation).
                transfer -= (transfer * Decimal(str(round(rng.uniform(0.02, 0.06), 4)))).quantize(POUND)
            t.add(
                f"{ccg}-SCT",
                ccg,
                "social_care_transfer",
                self.care_pool,
                YEAR,
                transfer,
                self._spend(self.care_refs, transfer),
                reference=f"Social care transfer 2015/16 ({ccg})",
            )
            carers = ccg_parts["carers_breaks"][i]
            carers_ref = next((r for r in self.care_refs if self.meta[r][1] == "carers"), "S02")
            t.add(
                f"{ccg}-CAR",
                ccg,
                "carers_breaks",
                self.care_pool,
                YEAR,
                carers,
                {carers_ref: carers},
                reference=f"Carers' breaks 2015/16 ({ccg})",
            )
            reable = ccg_parts["reablement"][i]
            t.add(
                f"{ccg}-REA",
                ccg,
                "reablement",
                self.care_pool,
                YEAR,
                reable,
                {"S02": reable},
                reference=f"Reablement 2015/16 ({ccg})",
            )
        dfg = self.mins["dfg"]
        if self.districts:
            parts = _split(dfg, [float(p) for _, _, p in self.districts])
            spend = {f"D{j + 1:02d}": parts[j] for j in range(len(self.districts))}
        else:
            spend = {"K01": dfg}
        t.add(
            "LA-DFG",
            self.council,
            "dfg",
            self.capital_pool,
            YEAR,
            dfg,
            spend,
            capital=True,
            reference="Disabled Facilities Grant 2015/16",
        )
        cap = self.mins["social_care_capital"]
        t.add(
            "LA-CAP",
            self.council,
            "social_care_capital",
            self.capital_pool,
            YEAR,
            cap,
            {"K01": cap},
            capital=True,
            reference="Adult social care capital grant 2015/16",
        )
        if rng.random() < 0.6:
            extra = Decimal(self.info.population * rng.randint(2, 9))
            t.add(
                "LA-ADD",
                self.council,
                "council_additional",
                self.care_pool,
                YEAR,
                extra,
                self._spend(["S01", "S02"], extra),
                reference="Council additional contribution 2015/16",
            )
        if rng.random() < 0.4:
            extra = Decimal(self.info.population * rng.randint(1, 5))
            t.add(
                "CCG-ADD",
                self.ccgs[0],
                "ccg_additional",
                self.health_pool,
                YEAR,
                extra,
                self._spend(self.health_refs, extra),
                reference="CCG additional contribution 2015/16",
            )
        if self.fault == "unbalanced_pool":
            # The fault: money paid into a pool that no scheme has been given yet.
            late = Decimal(rng.randrange(50_000, 400_000, 1_000))
            t.contributions.append(
                Contribution(
                    id="LA-LATE",
                    partner=self.council,
                    stream="council_additional",
                    pool=self.care_pool,
                    year=YEAR,
                    amount=late,
                    reference="Late council contribution, not yet assigned",
                )
            )

    def _build_schemes(self) -> list[Scheme]:
        schemes = []
        for ref, (name, kind, spend, commissioners, provider) in self.meta.items():
            funding = self.table.funding.get(ref, [])
            if not funding:
                continue
            schemes.append(
                Scheme(
                    ref=ref,
                    name=name,
                    type=kind,
                    area_of_spend=spend,
                    commissioners=[CommissionerShare(partner=p, pct=pct) for p, pct in commissioners],
                    provider=provider,
                    new_or_existing="existing" if self.rng.random() < 0.6 else "new",
                    description=f"{name} in {self.info.name} (synthetic).",
                    outcomes=["People supported at home", "Fewer avoidable emergency admissions"],
                    kpis=[Kpi(name="People supported", target=str(self.rng.randint(200, 5000)))],
                    funding=list(funding),
                )
            )
        return schemes

    # --- performance and metrics -----------------------------------------------------------------

    def _performance(self) -> tuple[PerformancePlan, Decimal]:
        rng = self.rng
        q = self.pack.performance.quarters
        year_total = self.info.population * NEL_PER_HEAD * rng.uniform(0.9, 1.1)
        baseline = [max(4, round(year_total * s)) for s in SEASON]
        low = rng.random() < 0.3
        ambition = rng.uniform(1.0, 3.4) if low else 3.5
        # Round each quarter's reduction up so a 3.5% ambition is never 3.49% after rounding.
        reductions = [-(-round(b * ambition * 100) // 10000) for b in baseline]
        planned = [b - r for b, r in zip(baseline, reductions, strict=True)]
        unit_cost = self.pack.performance.unit_cost.value if self.pack.performance.unit_cost else ZERO
        reduction = Decimal(sum(reductions))
        pct = (reduction * 100 / Decimal(sum(baseline))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        min_pct = self.pack.performance.min_ambition_pct
        justification = ""
        if min_pct is not None and pct < min_pct.value:
            justification = (
                f"The Health and Wellbeing Board agreed {pct}% because admissions in {self.info.name} already "
                "fell in 2013/14 and demographic growth adds about 2% a year (synthetic)."
            )
        actual_q = rng.randint(0, 2)
        actuals = [
            b - round(r * rng.uniform(0.2, 1.2))
            for b, r in zip(baseline[:actual_q], reductions, strict=False)
        ]
        perf = PerformancePlan(
            baseline=[
                QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, baseline, strict=True)
            ],
            planned=[
                QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, planned, strict=True)
            ],
            actuals=[
                QuarterCount(quarter=qq, admissions=Decimal(n)) for qq, n in zip(q, actuals, strict=False)
            ],
            ambition_pct=pct,
            justification=justification,
            fund_share=self.fund_share,
            stated_pot=reduction * unit_cost,
        )
        return perf, reduction * unit_cost

    def _metrics(self, perf: PerformancePlan) -> list[MetricPlan]:
        rng = self.rng

        def mv(period: str, value: float) -> MetricValue:
            return MetricValue(period=period, value=Decimal(str(round(value, 1))))

        def yearly(metric: str, base: float, step: float, name: str = "") -> MetricPlan:
            return MetricPlan(
                metric=metric,
                name=name,
                baseline=mv("2013-14", base),
                plan=[mv("2014-15", base + step), mv(YEAR, base + 2 * step)],
                actuals=[mv("2014-15", base + step * rng.uniform(0.3, 1.3))],
            )

        q = self.pack.performance.quarters
        dtoc = rng.uniform(500, 1300)
        return [
            MetricPlan(
                metric="nel_admissions",
                baseline=MetricValue(
                    period="2014-15", value=sum((c.admissions for c in perf.baseline), ZERO)
                ),
                plan=[MetricValue(period=c.quarter, value=c.admissions) for c in perf.planned],
                actuals=[MetricValue(period=c.quarter, value=c.admissions) for c in perf.actuals],
            ),
            yearly("residential_admissions", rng.uniform(450, 850), -rng.uniform(5, 25)),
            yearly("reablement", rng.uniform(75, 88), rng.uniform(0.3, 1.5)),
            MetricPlan(
                metric="dtoc",
                baseline=mv("2013-14 Q4", dtoc),
                plan=[mv(qq, dtoc * (1 - 0.015 * (i + 1))) for i, qq in enumerate(q)],
            ),
            yearly(
                "experience", rng.uniform(40, 70), rng.uniform(0.5, 2.5), "Local survey: care is joined up"
            ),
            yearly("local", rng.uniform(1700, 2600), -rng.uniform(10, 60), "Falls injuries 65+ per 100,000"),
        ]

    # --- governance --------------------------------------------------------------------------------

    def _risks(self) -> list[Risk]:
        levels = (Level.LOW, Level.MEDIUM, Level.HIGH)
        picks = self.rng.sample(RISK_MENU, self.rng.randint(3, 6))
        return [
            Risk(
                id=f"R{i + 1:02d}",
                description=text,
                impact=self.rng.choice(levels),
                probability=self.rng.choice(levels),
                mitigation=mitigation,
                owner=owner,
            )
            for i, (text, mitigation, owner) in enumerate(picks)
        ]

    def _risk_share(self) -> RiskShareRule:
        rng = self.rng
        choice = rng.random()
        if choice < 0.4:
            return RiskShareRule(
                method=RiskShareMethod.PROPORTIONAL,
                description="Over- and underspends shared in proportion to contributions.",
            )
        if choice < 0.75:
            ccg_pcts = _split(Decimal(50), self.ccg_weights)
            splits = {self.council: Decimal(50), **dict(zip(self.ccgs, ccg_pcts, strict=True))}
            return RiskShareRule(
                method=RiskShareMethod.FIXED_SPLIT,
                splits=splits,
                description="Overspends shared 50/50 between the council and the CCGs.",
            )
        return RiskShareRule(
            method=RiskShareMethod.ORDERED,
            order=[
                RiskShareStep.OFFSET_UNDERSPENDS,
                RiskShareStep.CUT_UNCOMMITTED,
                RiskShareStep.OUTSIDE_POOL,
            ],
            description="Offset underspends, cut uncommitted allocations, then outside the pool in proportion "
            "to contributions.",
        )

    def _narrative(self, perf: PerformancePlan, total: Decimal) -> dict[str, str]:
        info = self.info
        ccgs = ", ".join(o.name for o in self.orgs if o.kind is OrgKind.CCG)
        districts = f" and the {len(self.districts)} district councils" if self.districts else ""
        baseline = sum((c.admissions for c in perf.baseline), ZERO)
        return {
            "vision_and_schemes": (
                f"SYNTHETIC. {info.name} ({info.population:,} people) pools £{total:,.0f} in 2015/16 across "
                f"{len(self.schemes)} schemes, so that people are cared for at home unless they need a hospital."
            ),
            "case_for_change": (
                f"SYNTHETIC. {baseline:,} emergency admissions in the baseline year, rising faster than the "
                f"population of {info.region}; social care budgets under pressure."
            ),
            "plan_of_action": (
                "SYNTHETIC. Heads of terms agreed in 2014, s75 agreement signed by 31 March 2015, pools live from "
                "April 2015, schemes reviewed each quarter by the programme board."
            ),
            "risks_and_contingency": (
                f"SYNTHETIC. A performance fund of £{perf.stated_pot or ZERO:,.0f} is held against the "
                "admissions ambition; overspends follow the risk-share rule in the s75 agreement."
            ),
            "alignment": f"SYNTHETIC. Aligned with the Health and Wellbeing Strategy and the plans of {ccgs}.",
            "engagement": (
                f"SYNTHETIC. Healthwatch, providers, the voluntary sector{districts} were engaged on the draft."
            ),
            "acute_implications": (
                f"SYNTHETIC. {info.name} Hospitals NHS Trust has agreed a {perf.ambition_pct}% reduction in "
                "emergency admissions in its 2015/16 contract."
            ),
        }

    def _signatories(self) -> list[Signatory]:
        roles = {
            OrgKind.UPPER_TIER_COUNCIL: "Director of Adult Social Services",
            OrgKind.CCG: "Accountable Officer",
            OrgKind.DISTRICT_COUNCIL: "Chief Executive",
        }
        out = []
        for partner in self.partners:
            org = next(o for o in self.orgs if o.code == partner.org)
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
            out.append(Signatory(signs_for=org.code, name=name, position=f"{roles[org.kind]}, {org.name}"))
        chair = f"Cllr {self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
        out.append(
            Signatory(
                signs_for="hwb", name=chair, position=f"Chair, {self.info.name} Health and Wellbeing Board"
            )
        )
        return out

    def build(self) -> Plan:
        info, rng = self.info, self.rng
        self._organisations()
        pools = self._pools()
        self._plan_schemes()
        perf, pot = self._performance()
        self._money(pot)
        self.schemes = self._build_schemes()
        minimum_streams = [s.code for s in self.pack.funding_streams if s.minimum_required]
        mins = []
        for stream in minimum_streams:
            if stream in CCG_STREAMS:
                for ccg, amount in zip(self.ccgs, _split(self.mins[stream], self.ccg_weights), strict=True):
                    mins.append((ccg, stream, amount))
            else:
                mins.append((self.council, stream, self.mins[stream]))
        total = self.table.total(YEAR)
        stated = [
            StatedTotal(label="Total pooled budget 2015/16", of="contributions", year=YEAR, amount=total),
            StatedTotal(
                label="Minimum fund 2015/16",
                of="minimums",
                year=YEAR,
                amount=sum((a for _, _, a in mins), ZERO),
            ),
        ]
        if self.fault == "transcription":
            stated[0] = stated[0].model_copy(update={"amount": _transpose(total, rng)})
        signatories = self._signatories()
        suffix = f"-fault-{self.fault}" if self.fault else ""
        return Plan(
            id=f"synthetic-{info.ons_code}-2015-16{suffix}",
            title=f"{info.name} Better Care Fund plan 2015/16 (SYNTHETIC national test set)",
            policy=self.pack.id,
            area=info.to_area(),
            years=[YEAR],
            organisations=self.orgs,
            partners=self.partners,
            minimums=[Minimum(partner=p, stream=s, year=YEAR, amount=a) for p, s, a in mins],
            pools=pools,
            contributions=self.table.contributions,
            schemes=self.schemes,
            metrics=self._metrics(perf),
            performance=perf,
            conditions=[
                ConditionStatement(
                    condition=cid,
                    status=ConditionStatus.IN_PROGRESS
                    if cid == "NC4" and rng.random() < 0.1
                    else ConditionStatus.MET,
                    statement=f"SYNTHETIC. {CONDITION_TEXT.get(cid, cid)}",
                )
                for cid in self.pack.condition_ids()
            ],
            risks=self._risks(),
            milestones=[
                Milestone(
                    id="M01",
                    title="Plan signed off by the Health and Wellbeing Board",
                    owner="HWB Chair",
                    deadline=date(2014, 9, 16),
                    status="done",
                ),
                Milestone(
                    id="M02",
                    title="Section 75 agreement signed",
                    owner="Head of Legal Services",
                    deadline=date(2015, 3, 31),
                    status="done",
                ),
            ],
            s75=HeadsOfTerms(
                aims_and_outcomes="Integrated care; fewer emergency admissions; social care protected.",
                contributions_and_variation="Per the funding schedule; revised annually.",
                functions="CCG community health functions; council adult social care functions.",
                people_and_services="Adults resident in the area who use the schemes.",
                resources_provided="Staff and contract management from each partner.",
                duration_review_termination="1 April 2015 to 31 March 2016; six months' notice.",
                management_and_monitoring="Quarterly reports to the Health and Wellbeing Board.",
                host=self.council,
                pool_manager="Head of Integrated Commissioning",
                risk_share=self._risk_share(),
                approval_stage="signed",
            ),
            signatories=signatories,
            narrative=self._narrative(perf, total),
            stated_totals=stated,
        )


def _transpose(amount: Decimal, rng: random.Random) -> Decimal:
    """Swap two adjacent different digits of the pounds — the classic slip when typing from a paper."""
    digits = list(str(int(amount)))
    spots = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1]]
    if not spots:
        return amount * 10  # nothing to swap: an extra zero typed instead
    i = rng.choice(spots)
    digits[i], digits[i + 1] = digits[i + 1], digits[i]
    return Decimal("".join(digits))
