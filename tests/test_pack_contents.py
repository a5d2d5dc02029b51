"""Key figures of each shipped policy pack, as rules.md states or derives them."""

from decimal import Decimal

import pytest

from carepool.money import total
from carepool.policy import load_pack
from carepool.policy.schema import Confidence, Parameter, PolicyPack

RULES_SOURCES_PREFIX = ("http://", "https://")


def _parameters(pack: PolicyPack) -> list[tuple[str, Parameter]]:
    found: list[tuple[str, Parameter]] = [("hwb_count", pack.hwb_count)]
    for stream in pack.funding_streams:
        if stream.national_amount is not None:
            found.append((f"funding_streams.{stream.code}", stream.national_amount))
    perf = pack.performance
    for name in (
        "national_fund",
        "tranche_rule",
        "unit_cost",
        "min_ambition_pct",
        "quarter_cap_pct",
        "realign_tolerance_pp",
    ):
        value = getattr(perf, name)
        if value is not None:
            found.append((f"performance.{name}", value))
    found.extend((f"performance.tranches.{t.id}", t.national_amount) for t in perf.tranches)
    if pack.asc_maintenance_uplift_pct is not None:
        found.append(("asc_maintenance_uplift_pct", pack.asc_maintenance_uplift_pct))
    return found


@pytest.mark.parametrize("pack_id", ["itf-2015-16", "bcf-2015-16", "bcf-2025-26"])
def test_every_number_has_unit_and_source(pack_id: str) -> None:
    pack = load_pack(pack_id)
    for where, param in _parameters(pack):
        assert param.unit, where
        assert param.source.startswith(RULES_SOURCES_PREFIX), where
    for item in [*pack.national_conditions, *pack.metrics]:
        assert item.source.startswith(RULES_SOURCES_PREFIX), item.id


def _national(pack: PolicyPack, code: str) -> Decimal:
    stream = pack.stream(code)
    assert stream is not None and stream.national_amount is not None
    return stream.national_amount.value


def test_itf_streams_as_announced_in_2013() -> None:
    pack = load_pack("itf-2015-16")
    assert _national(pack, "ccg_minimum") == Decimal("1900000000")
    assert _national(pack, "social_care_transfer") == Decimal("1100000000")
    assert _national(pack, "carers_breaks") == Decimal("130000000")
    assert _national(pack, "reablement") == Decimal("300000000")
    assert _national(pack, "dfg") + _national(pack, "social_care_capital") == Decimal("353641000")
    existing = total([_national(pack, c) for c in ("social_care_transfer", "carers_breaks", "reablement")])
    capital = _national(pack, "dfg") + _national(pack, "social_care_capital")
    # rules.md 1.1 [DERIVED]: £1.9bn new + ≈£1.884bn existing ≈ £3.8bn.
    assert abs(_national(pack, "ccg_minimum") + existing + capital - Decimal("3800000000")) < Decimal(
        "20000000"
    )


def test_itf_conditions_are_four_plus_two_principles() -> None:
    pack = load_pack("itf-2015-16")
    kinds = [c.kind for c in pack.national_conditions]
    assert kinds.count("condition") == 4
    assert kinds.count("principle") == 2


def test_itf_metrics_five_national_plus_local_with_original_emergency_measure() -> None:
    pack = load_pack("itf-2015-16")
    assert len([m for m in pack.metrics if not m.local]) == 5
    assert len([m for m in pack.metrics if m.local]) == 1
    ids = {m.id for m in pack.metrics}
    assert "avoidable_emergency_admissions" in ids
    assert "nel_admissions" not in ids


def test_itf_tranches_sum_to_the_one_billion_fund() -> None:
    perf = load_pack("itf-2015-16").performance
    assert perf.mechanism == "tranches"
    assert perf.national_fund is not None
    assert perf.national_fund.value == Decimal("1000000000")
    amounts = {t.id: t.national_amount.value for t in perf.tranches}
    assert total(list(amounts.values())) == perf.national_fund.value
    april = [t for t in perf.tranches if t.due == "2015-04"]
    october = [t for t in perf.tranches if t.due == "2015-10"]
    assert [t.national_amount.value for t in april] == [Decimal("250000000")] * 2
    assert [t.national_amount.value for t in october] == [Decimal("500000000")]
    # October assesses all five national metrics plus the local one.
    assert set(october[0].criteria) == {m.id for m in load_pack("itf-2015-16").metrics}


def test_itf_tranche_rule_is_all_or_nothing_and_unconfirmed() -> None:
    rule = load_pack("itf-2015-16").performance.tranche_rule
    assert rule is not None
    assert rule.value == Decimal("1")
    assert rule.confidence is Confidence.UNCONFIRMED
    assert "not found" in rule.note


def test_bcf_2025_26_streams_sum_to_the_derived_total() -> None:
    pack = load_pack("bcf-2025-26")
    assert _national(pack, "nhs_minimum") == Decimal("5614000000")
    assert _national(pack, "dfg") == Decimal("711000000")
    assert _national(pack, "la_better_care_grant") == Decimal("2640000000")
    minimum = total(
        [s.national_amount.value for s in pack.funding_streams if s.national_amount and s.minimum_required]
    )
    assert minimum == Decimal("8965000000")  # rules.md 10.1 [DERIVED], before the £50m DFG top-up
    dfg = pack.stream("dfg")
    assert dfg is not None and dfg.national_amount is not None and "50m" in dfg.national_amount.note


def test_bcf_2025_26_shape() -> None:
    pack = load_pack("bcf-2025-26")
    assert pack.years == ["2025-26"]
    assert pack.performance.mechanism == "none"
    nhs = pack.stream("nhs_minimum")
    assert nhs is not None and nhs.payer_kinds == ["icb"]
    assert pack.asc_maintenance_uplift_pct is not None
    assert pack.asc_maintenance_uplift_pct.value == Decimal("3.9")
    assert len(pack.national_conditions) == 4
    assert all(c.evidence == "assurance_statement" for c in pack.national_conditions)
    assert len(pack.metrics) == 3


def test_unconfirmed_facts_are_tagged_unconfirmed() -> None:
    itf = load_pack("itf-2015-16")
    bcf25 = load_pack("bcf-2025-26")
    bcf15 = load_pack("bcf-2015-16")
    assert bcf15.performance.unit_cost is not None
    assert bcf15.performance.unit_cost.confidence is Confidence.UNCONFIRMED
    nc4 = next(c for c in bcf25.national_conditions if c.id == "NC4")
    assert nc4.confidence is Confidence.UNCONFIRMED
    assert {c.id for c in bcf25.national_conditions if c.confidence is Confidence.STATED} == {
        "NC1",
        "NC2",
        "NC3",
    }
    assert all(m.confidence is Confidence.UNCONFIRMED for m in bcf25.metrics)
    experience = next(m for m in itf.metrics if m.id == "experience")
    assert experience.confidence is Confidence.UNCONFIRMED
    dfg = itf.stream("dfg")
    assert dfg is not None and dfg.national_amount is not None
    assert dfg.national_amount.confidence is Confidence.DERIVED
