"""Every shipped pack loads and validates; the schema refuses broken packs."""

from decimal import Decimal

import pytest

from carepool.policy import PackError, list_packs, load_pack
from carepool.policy.loader import parse_pack


def test_every_pack_loads() -> None:
    assert list_packs(), "no policy packs shipped"
    for pack_id in list_packs():
        pack = load_pack(pack_id)
        assert pack.id == pack_id
        for stream in pack.funding_streams:
            if stream.national_amount is not None:
                assert stream.national_amount.source.startswith("http")


def test_bcf_2015_16_performance_parameters() -> None:
    perf = load_pack("bcf-2015-16").performance
    assert perf.mechanism == "nel_reduction"
    assert perf.unit_cost is not None and perf.unit_cost.value == Decimal("1490")
    assert perf.unit_cost.confidence == "unconfirmed"
    assert perf.min_ambition_pct is not None and perf.min_ambition_pct.value == Decimal("3.5")
    assert len(load_pack("bcf-2015-16").national_conditions) == 6


def test_unknown_pack_is_a_clear_error() -> None:
    with pytest.raises(PackError, match="no policy pack 'bcf-1999-00'"):
        load_pack("bcf-1999-00")


def test_schema_refuses_a_broken_pack() -> None:
    with pytest.raises(PackError, match="years"):
        parse_pack(
            'id = "bcf-2015-16"\ntitle = "x"\nsummary = "x"\nyears = ["2015-17"]\npublished = "x"\n', "t"
        )
    with pytest.raises(PackError, match="not valid TOML"):
        parse_pack("id = ", "t")
