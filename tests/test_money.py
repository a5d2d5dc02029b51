"""Money rules: parsing, rounding, largest-remainder apportionment."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.money import (
    MAX_AMOUNT,
    PENNY,
    POUND,
    THOUSAND,
    MoneyError,
    apportion,
    apportion_by_key,
    fmt_pounds,
    round_to,
    to_money,
)

weights = st.lists(st.decimals(min_value=0, max_value=10**9, places=2), min_size=1, max_size=60).filter(
    lambda ws: sum(ws) > 0
)
pounds = st.integers(min_value=-(10**12), max_value=10**12).map(Decimal)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,234.50", "1234.50"),
        ("1234.5", "1234.50"),
        (" 7 ", "7.00"),
        ("(12.00)", "-12.00"),
        ("0.10", "0.10"),
    ],
)
def test_to_money_accepts_what_people_type(text: str, expected: str) -> None:
    assert to_money(text) == Decimal(expected)


@pytest.mark.parametrize(
    "bad",
    [
        0.1,
        "12.345",
        "abc",
        "NaN",
        "Infinity",
        True,
        None,
        [1],
        "1,23",
        "12,34,5",
        "1 2 3",
        "1_000",
        "٣",
        "1e30",
        Decimal("1e30"),
        Decimal("1e400"),
        10**29,
        "£",
        "",
        "--5",
        "1.2.3",
    ],
)
def test_to_money_refuses_inexact_or_non_money(bad: object) -> None:
    with pytest.raises(MoneyError):
        to_money(bad)


def test_round_to_units() -> None:
    assert round_to(Decimal("1234.505"), PENNY) == Decimal("1234.51")
    assert round_to(Decimal("1234.50"), POUND) == Decimal("1235")
    assert round_to(Decimal("1499.99"), THOUSAND) == Decimal("1000")
    assert round_to(Decimal("1500.00"), THOUSAND) == Decimal("2000")


def test_fmt_pounds() -> None:
    assert fmt_pounds(Decimal("1043000")) == "£1,043,000.00"
    assert fmt_pounds(Decimal("-5")) == "-£5.00"


@given(pounds, weights)
def test_apportion_sums_exactly_to_the_total(total: Decimal, ws: list[Decimal]) -> None:
    parts = apportion(total, ws, POUND)
    assert sum(parts) == total
    assert len(parts) == len(ws)
    assert all(p == p.to_integral_value() for p in parts)


@given(pounds, weights)
def test_apportion_is_within_one_unit_of_the_exact_share(total: Decimal, ws: list[Decimal]) -> None:
    parts = apportion(total, ws, POUND)
    weight_sum = sum(ws)
    for part, w in zip(parts, ws, strict=True):
        assert abs(part - total * w / weight_sum) < 1


@given(st.integers(min_value=0, max_value=10**11).map(lambda p: Decimal(p) / 100), weights)
def test_apportion_in_pence(total: Decimal, ws: list[Decimal]) -> None:
    assert sum(apportion(total, ws, PENNY)) == total


@given(
    pounds,
    st.dictionaries(st.text(min_size=1, max_size=6), st.integers(1, 10**6).map(Decimal), min_size=1),
    st.data(),
)
def test_apportion_by_key_ignores_row_order(
    total: Decimal, ws: dict[str, Decimal], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(list(ws.items())))
    assert apportion_by_key(total, dict(shuffled), POUND) == apportion_by_key(total, ws, POUND)


def test_apportion_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        apportion(Decimal("10"), [])
    with pytest.raises(ValueError):
        apportion(Decimal("10"), [Decimal("0"), Decimal("0")])
    with pytest.raises(ValueError):
        apportion(Decimal("10.5"), [Decimal("1")], POUND)


amounts = st.integers(min_value=-(10**14), max_value=10**14).map(lambda p: Decimal(p) / 100)


@given(amounts)
def test_to_money_reads_back_every_way_it_is_written(amount: Decimal) -> None:
    sign = "-" if amount < 0 else ""
    for text in (f"{amount}", f"{amount:,.2f}", f"{sign}£{abs(amount):,.2f}", f"  {amount:.2f}  "):
        assert to_money(text) == amount, text
    if amount < 0:
        assert to_money(f"({abs(amount):,.2f})") == amount


@given(st.one_of(st.text(max_size=30), st.decimals(allow_nan=True), st.integers(), st.floats()))
def test_to_money_only_ever_raises_money_error(value: object) -> None:
    try:
        result = to_money(value)
    except MoneyError:
        return
    assert result == result.quantize(PENNY) and abs(result) <= MAX_AMOUNT
