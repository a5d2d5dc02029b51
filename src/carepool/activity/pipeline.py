"""validate → link → metrics over files, on any engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from carepool.activity.definitions import (
    POPULATION_SQL,
    MetricResult,
    all_metrics_sql,
    assemble,
    cleaning_views,
)
from carepool.activity.engines import Engine
from carepool.activity.nhs_number import hmac_pads

SPELL_COLUMNS = "spell_id, age, sex, area_code, admission_method, admission_date, discharge_date, delay_days, delay_agency"
CARE_COLUMNS = "event_id, age, area_code, event_type, event_date, setting, outcome_91"


@dataclass(frozen=True)
class LinkedFiles:
    spells: Path
    social_care: Path
    population: Path


def link(
    engine: Engine, spells: Path, social_care: Path, population: Path, key: bytes, out_dir: Path
) -> LinkedFiles:
    """Replace NHS numbers by keyed pseudonyms (null where the number fails Modulus 11); write new files.

    Each data owner can run this on its own file with the shared key; only pseudonymised files travel.
    """
    from carepool.activity.dialect import valid_nhs_number

    inner, outer = hmac_pads(key)
    d = engine.dialect
    out_dir.mkdir(parents=True, exist_ok=True)
    engine.register("raw_spells", spells)
    engine.register("raw_social_care", social_care)
    key_expr = f"CASE WHEN {valid_nhs_number(d, 'nhs_number')} THEN {d.hmac_sha256_hex('nhs_number', inner, outer)} END"
    linked = LinkedFiles(
        out_dir / "spells_linked.parquet", out_dir / "social_care_linked.parquet", population
    )
    engine.write_parquet(f"SELECT {key_expr} AS person_key, {SPELL_COLUMNS} FROM raw_spells", linked.spells)
    engine.write_parquet(
        f"SELECT {key_expr} AS person_key, {CARE_COLUMNS} FROM raw_social_care", linked.social_care
    )
    return linked


def prepare(engine: Engine, files: LinkedFiles) -> None:
    engine.register("spells", files.spells)
    engine.register("social_care", files.social_care)
    engine.register("population", files.population)
    for sql in cleaning_views(engine.dialect):
        engine.execute(sql)


def compute_metrics(engine: Engine, files: LinkedFiles) -> list[MetricResult]:
    prepare(engine, files)
    rows = [
        (str(m), str(a), str(p), int(n or 0), int(r or 0)) for m, a, p, n, r in engine.rows(all_metrics_sql())
    ]
    population = [(str(a), str(b), int(c)) for a, b, c in engine.rows(POPULATION_SQL)]
    return assemble(rows, population)


@dataclass(frozen=True)
class QualityReport:
    spell_rows: int
    spells_valid_nhs_number: int
    spells_rejected: dict[str, int] = field(default_factory=dict)
    duplicate_spell_rows: int = 0
    social_care_rows: int = 0
    social_care_with_key: int = 0
    social_care_rejected: dict[str, int] = field(default_factory=dict)
    reablement_starts: int = 0
    reablement_linked: int = 0

    def share(self, part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f}%" if whole else "n/a"

    def as_dict(self) -> dict[str, object]:
        return {
            "spells": {
                "rows": self.spell_rows,
                "valid_nhs_number": self.spells_valid_nhs_number,
                "valid_share": self.share(self.spells_valid_nhs_number, self.spell_rows),
                "duplicate_rows": self.duplicate_spell_rows,
                "rejected": self.spells_rejected,
            },
            "social_care": {
                "rows": self.social_care_rows,
                "with_pseudonym": self.social_care_with_key,
                "rejected": self.social_care_rejected,
            },
            "linkage": {
                "reablement_starts_65_plus": self.reablement_starts,
                "linked_to_a_discharge": self.reablement_linked,
                "linked_share": self.share(self.reablement_linked, self.reablement_starts),
                "unlinked": self.reablement_starts - self.reablement_linked,
            },
        }


def quality_report(engine: Engine, files: LinkedFiles) -> QualityReport:
    """Counts every rejected or unlinked record by reason: bad rows are reported, never silently dropped."""
    prepare(engine, files)

    def one(sql: str) -> int:
        return int(engine.rows(sql)[0][0] or 0)

    def reasons(view: str) -> dict[str, int]:
        rows = engine.rows(
            f"SELECT reject_reason, COUNT(*) FROM {view} WHERE reject_reason IS NOT NULL GROUP BY 1 ORDER BY 1"
        )
        return {str(r): int(c) for r, c in rows}

    return QualityReport(
        spell_rows=one("SELECT COUNT(*) FROM spells"),
        spells_valid_nhs_number=one("SELECT COUNT(*) FROM spells WHERE person_key IS NOT NULL"),
        spells_rejected=reasons("spells_checked"),
        duplicate_spell_rows=one("SELECT COALESCE(SUM(copies - 1), 0) FROM spell_copies"),
        social_care_rows=one("SELECT COUNT(*) FROM social_care"),
        social_care_with_key=one("SELECT COUNT(*) FROM social_care WHERE person_key IS NOT NULL"),
        social_care_rejected=reasons("social_care_checked"),
        reablement_starts=one(
            "SELECT COUNT(*) FROM clean_social_care WHERE event_type = 'reablement_start' AND age >= 65"
        ),
        reablement_linked=one("SELECT COUNT(*) FROM reablement_linked"),
    )
