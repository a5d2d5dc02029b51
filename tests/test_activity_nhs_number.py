"""NHS number validation (Modulus 11) and keyed pseudonyms."""

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.activity.dialect import DUCKDB, valid_nhs_number
from carepool.activity.engines import DuckDBEngine
from carepool.activity.nhs_number import check_digit, hmac_pads, is_valid, normalise, pseudonym

KEY = b"a-linkage-key-of-32-bytes-length"


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_valid_numbers(number: str) -> None:
    assert is_valid(number)


@pytest.mark.parametrize("number", ["9434765918", "943476591", "94347659190", "94347659A9", "", "0000000001"])
def test_invalid_numbers(number: str) -> None:
    assert not is_valid(number)


def test_check_digit_ten_means_no_valid_number() -> None:
    # 1,2,3,... weighted sum 10*1+9*2+...: find nine digits whose remainder gives check 10
    nine = next(f"{n:09d}" for n in range(10**8, 10**8 + 1000) if check_digit(f"{n:09d}") is None)
    assert all(not is_valid(nine + str(d)) for d in range(10))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_or_none(nine: str) -> None:
    valid = [d for d in range(10) if is_valid(nine + str(d))]
    expected = check_digit(nine)
    assert valid == ([] if expected is None else [expected])


def test_sql_modulus_11_agrees_with_python() -> None:
    # every possible check digit for a spread of first-nine-digit prefixes, in one query
    numbers = [
        f"{prefix:09d}{d}" for prefix in range(400_000_000, 1_000_000_000, 6_000_007) for d in range(10)
    ]
    numbers += ["943476591", "94347659A9", "12345678901"]
    engine = DuckDBEngine()
    values = ", ".join(f"({n!r})" for n in numbers)
    rows = engine.rows(f"SELECT n, {valid_nhs_number(DUCKDB, 'n')} FROM (VALUES {values}) AS t(n)")
    engine.close()
    assert len(rows) == len(numbers)
    assert {n: bool(v) for n, v in rows} == {n: is_valid(n) for n in numbers}
    assert any(v for _, v in rows) and not all(v for _, v in rows)


def test_pseudonym_is_hmac_sha256_under_the_key() -> None:
    expected = hmac.new(KEY, b"9434765919", hashlib.sha256).hexdigest()
    assert pseudonym("943 476 5919", KEY) == expected
    assert pseudonym("9434765919", KEY + b"x") != expected


def test_sql_hmac_matches_python() -> None:
    inner, outer = hmac_pads(KEY)
    engine = DuckDBEngine()
    got = engine.rows(f"SELECT {DUCKDB.hmac_sha256_hex(repr('9434765919'), inner, outer)}")[0][0]
    engine.close()
    assert got == pseudonym("9434765919", KEY)


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonym("9434765919", b"short")


def test_normalise() -> None:
    assert normalise(" 943 476-5919 ") == "9434765919"
