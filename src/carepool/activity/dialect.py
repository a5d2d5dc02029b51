"""The few SQL expressions that differ between DuckDB and Spark SQL; everything else is shared."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str

    def ten_digits(self, col: str) -> str:
        if self.name == "spark":
            return f"({col} RLIKE '^[0-9]{{10}}$')"
        return f"regexp_full_match({col}, '[0-9]{{10}}')"

    def hmac_sha256_hex(self, col: str, inner_hex: str, outer_hex: str) -> str:
        if self.name == "spark":
            inner = f"sha2(concat(unhex('{inner_hex}'), encode({col}, 'UTF-8')), 256)"
            return f"sha2(concat(unhex('{outer_hex}'), unhex({inner})), 256)"
        inner = f"sha256(unhex('{inner_hex}') || encode({col}))"
        return f"sha256(unhex('{outer_hex}') || unhex({inner}))"

    def days_between(self, start: str, end: str) -> str:
        if self.name == "spark":
            return f"datediff({end}, {start})"
        return f"datediff('day', {start}, {end})"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def financial_quarter(col: str) -> str:
    """'2015-16 Q1' for a date: April–June is Q1 of the year that starts in April (same in both engines)."""
    start = f"(CASE WHEN EXTRACT(MONTH FROM {col}) >= 4 THEN EXTRACT(YEAR FROM {col}) ELSE EXTRACT(YEAR FROM {col}) - 1 END)"
    quarter = f"(CAST(FLOOR(((EXTRACT(MONTH FROM {col}) + 8) % 12) / 3) AS INT) + 1)"
    return (
        f"concat(CAST(CAST({start} AS INT) AS STRING), '-', lpad(CAST(CAST(({start} + 1) % 100 AS INT) AS STRING), 2, '0'),"
        f" ' Q', CAST({quarter} AS STRING))"
    )


def valid_nhs_number(dialect: Dialect, col: str) -> str:
    """Modulus 11 in SQL: weights 10..2 over the first nine digits; 11 → 0, 10 → invalid."""
    weighted = " + ".join(f"CAST(substr({col}, {i + 1}, 1) AS INT) * {10 - i}" for i in range(9))
    check = f"(11 - ({weighted}) % 11)"
    last = f"CAST(substr({col}, 10, 1) AS INT)"
    return (
        f"(CASE WHEN {col} IS NULL OR NOT {dialect.ten_digits(col)} THEN FALSE"
        f" WHEN {check} = 11 THEN {last} = 0 WHEN {check} = 10 THEN FALSE ELSE {check} = {last} END)"
    )
