"""The metric definitions and cleaning rules, written once, compiled for DuckDB or Spark SQL.

Engines return integer numerators and denominators only; rates are made in Python with Decimal
(``MetricResult.value``: per 100,000 and percentages to one decimal place, half-up), so two engines
cannot disagree through floating point. Definitions follow ``rules.md`` §3.1:

- ``nel_admissions``: emergency (non-elective) spells by quarter of admission, count (and per 100,000).
- ``dtoc``: delayed days of patients aged 18+ by quarter of discharge, per 100,000 aged 18+.
- ``residential_admissions``: permanent residential/nursing admissions aged 65+, per 100,000 aged 65+.
- ``reablement``: people 65+ starting reablement within 7 days of a hospital discharge (linked on the
  pseudonym) who are at home 91 days later, % of those linked; by quarter of discharge. ASCOF 2B(1)
  reports only October–December discharges; all quarters are computed so trends can be seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from carepool.activity.dialect import Dialect, financial_quarter

REABLEMENT_WINDOW_DAYS = 7
POPULATION_BANDS = {"all": ("0-17", "18-64", "65+"), "18+": ("18-64", "65+"), "65+": ("65+",)}


@dataclass(frozen=True)
class MetricDefinition:
    id: str  # the policy pack's metric id
    source: str  # view the metric counts from
    date_column: str
    numerator: str  # SQL aggregate
    where: str
    population: str  # key of POPULATION_BANDS
    scale: str  # count | per_100000 | percent
    denominator: str = ""  # SQL aggregate when the denominator is records, not population


METRICS: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        id="nel_admissions",
        source="clean_spells",
        date_column="admission_date",
        numerator="COUNT(*)",
        where="admission_method = 'emergency'",
        population="all",
        scale="count",
    ),
    MetricDefinition(
        id="dtoc",
        source="clean_spells",
        date_column="discharge_date",
        numerator="SUM(delay_days)",
        where="age >= 18 AND delay_days > 0",
        population="18+",
        scale="per_100000",
    ),
    MetricDefinition(
        id="residential_admissions",
        source="clean_social_care",
        date_column="event_date",
        numerator="COUNT(*)",
        where="event_type = 'permanent_admission' AND age >= 65",
        population="65+",
        scale="per_100000",
    ),
    MetricDefinition(
        id="reablement",
        source="reablement_linked",
        date_column="discharge_date",
        numerator="SUM(CASE WHEN outcome_91 = 'at_home' THEN 1 ELSE 0 END)",
        denominator="COUNT(*)",
        where="TRUE",
        population="",
        scale="percent",
    ),
)


def cleaning_views(dialect: Dialect) -> list[str]:
    """Views over the linked inputs ``spells``, ``social_care`` and ``population``.

    Rejected rows are kept with their reason in ``*_checked`` so the quality report counts them; nothing
    is dropped silently.
    """
    return [
        """CREATE OR REPLACE TEMPORARY VIEW known_areas AS SELECT DISTINCT area_code FROM population""",
        """CREATE OR REPLACE TEMPORARY VIEW spells_checked AS
        SELECT s.*,
          CASE
            WHEN s.area_code IS NULL OR k.area_code IS NULL THEN 'missing_or_unknown_area'
            WHEN s.admission_date IS NULL OR s.discharge_date IS NULL THEN 'missing_date'
            WHEN s.discharge_date < s.admission_date THEN 'discharge_before_admission'
            WHEN s.age IS NULL OR s.age < 0 OR s.age > 120 THEN 'impossible_age'
            ELSE NULL
          END AS reject_reason
        FROM spells s LEFT JOIN known_areas k ON s.area_code = k.area_code""",
        # a spell submitted twice counts once: keep the lowest-numbered copy of each spell_id
        """CREATE OR REPLACE TEMPORARY VIEW spell_copies AS
        SELECT spell_id, COUNT(*) AS copies FROM spells GROUP BY spell_id""",
        """CREATE OR REPLACE TEMPORARY VIEW clean_spells AS
        SELECT spell_id, MIN(person_key) AS person_key, MIN(age) AS age, MIN(area_code) AS area_code,
               MIN(admission_method) AS admission_method, MIN(admission_date) AS admission_date,
               MIN(discharge_date) AS discharge_date, MIN(delay_days) AS delay_days
        FROM spells_checked WHERE reject_reason IS NULL GROUP BY spell_id""",
        """CREATE OR REPLACE TEMPORARY VIEW social_care_checked AS
        SELECT c.*,
          CASE
            WHEN c.area_code IS NULL OR k.area_code IS NULL THEN 'missing_or_unknown_area'
            WHEN c.event_date IS NULL THEN 'missing_date'
            WHEN c.event_type NOT IN ('reablement_start', 'permanent_admission') THEN 'unknown_event_type'
            ELSE NULL
          END AS reject_reason
        FROM social_care c LEFT JOIN known_areas k ON c.area_code = k.area_code""",
        """CREATE OR REPLACE TEMPORARY VIEW clean_social_care AS
        SELECT * FROM social_care_checked WHERE reject_reason IS NULL""",
        f"""CREATE OR REPLACE TEMPORARY VIEW reablement_linked AS
        SELECT r.event_id, MIN(r.area_code) AS area_code, MIN(r.outcome_91) AS outcome_91,
               MAX(s.discharge_date) AS discharge_date
        FROM clean_social_care r
        JOIN clean_spells s
          ON r.person_key = s.person_key
         AND {dialect.days_between("s.discharge_date", "r.event_date")} BETWEEN 0 AND {REABLEMENT_WINDOW_DAYS}
        WHERE r.event_type = 'reablement_start' AND r.age >= 65 AND r.person_key IS NOT NULL
        GROUP BY r.event_id""",
    ]


def metric_sql(metric: MetricDefinition) -> str:
    denominator = metric.denominator or "0"
    return (
        f"SELECT '{metric.id}' AS metric, area_code, {financial_quarter(metric.date_column)} AS period,"
        f" CAST({metric.numerator} AS BIGINT) AS numerator, CAST({denominator} AS BIGINT) AS records"
        f" FROM {metric.source} WHERE {metric.where} GROUP BY 1, 2, 3"
    )


def all_metrics_sql() -> str:
    return " UNION ALL ".join(metric_sql(m) for m in METRICS) + " ORDER BY 1, 2, 3"


POPULATION_SQL = "SELECT area_code, age_band, CAST(SUM(population) AS BIGINT) FROM population GROUP BY 1, 2"


@dataclass(frozen=True, order=True)
class MetricResult:
    metric: str
    area_code: str
    period: str
    numerator: int
    denominator: int
    value: Decimal
    per_100000: Decimal | None = None  # for counts over a population (e.g. admissions per 100,000)


ONE_DP = Decimal("0.1")


def make_value(scale: str, numerator: int, denominator: int) -> Decimal:
    if scale == "count":
        return Decimal(numerator)
    if denominator <= 0:
        return Decimal(0)
    factor = Decimal(100000) if scale == "per_100000" else Decimal(100)
    return (Decimal(numerator) * factor / Decimal(denominator)).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def assemble(
    rows: list[tuple[str, str, str, int, int]], population: list[tuple[str, str, int]]
) -> list[MetricResult]:
    by_id = {m.id: m for m in METRICS}
    band_pop: dict[tuple[str, str], int] = {}
    for area, band, count in population:
        band_pop[(area, band)] = band_pop.get((area, band), 0) + int(count)
    results = []
    for metric_id, area, period, numerator, records in rows:
        metric = by_id[metric_id]
        if metric.population:
            denominator = sum(band_pop.get((area, b), 0) for b in POPULATION_BANDS[metric.population])
        else:
            denominator = int(records)
        numerator = int(numerator or 0)
        rate = make_value("per_100000", numerator, denominator) if metric.scale == "count" else None
        value = make_value(metric.scale, numerator, denominator)
        results.append(MetricResult(metric_id, area, period, numerator, denominator, value, rate))
    return sorted(results)
