"""Chart data: plain data with a table beside each chart, money as text with pence."""

from __future__ import annotations

import json

from carepool.modelling.charts import fan_chart, release_distribution
from carepool.modelling.montecarlo import FAN_PERCENTILES, simulate_plan
from carepool.policy.loader import load_pack
from test_modelling_montecarlo import history_plan

PACK = load_pack("bcf-2015-16")


def test_fan_chart_has_history_plan_and_bands() -> None:
    result = simulate_plan(history_plan(2, noise=0.02), PACK, 3000, seed=2)
    chart = fan_chart(result).to_dict()
    series = chart["series"]
    assert len(series["history"]) == 11 and len(series["plan"]) == len(series["bands"]) == 4
    for band in series["bands"]:
        values = [band[f"p{p}"] for p in FAN_PERCENTILES]
        assert values == sorted(values)
    assert len(chart["table"]["rows"]) == 15
    assert chart["table"]["columns"][:4] == ["quarter", "history", "baseline", "planned"]
    json.dumps(chart)  # plain data


def test_release_distribution_bins_cover_the_pot() -> None:
    result = simulate_plan(history_plan(2, noise=0.02), PACK, 3000, seed=2)
    chart = release_distribution(result).to_dict()
    bins = chart["series"]["bins"]
    assert sum(b["years"] for b in bins) == 3000
    assert bins[0]["lower"] == "0.00" and bins[-1]["upper"] == chart["series"]["pot"]
    assert all(isinstance(b["lower"], str) for b in bins)
    assert len(chart["table"]["rows"]) == len(bins)
