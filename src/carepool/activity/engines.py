"""Two engines behind one small interface: DuckDB embedded (default) and Apache Spark (national scale)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from carepool.activity.dialect import DUCKDB, SPARK, Dialect


class Engine(Protocol):
    dialect: Dialect

    def register(self, name: str, path: Path) -> None: ...

    def execute(self, sql: str) -> None: ...

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def write_parquet(self, sql: str, path: Path) -> None: ...

    def close(self) -> None: ...


def _reader(path: Path) -> str:
    return "read_parquet" if path.suffix == ".parquet" else "read_csv_auto"


class DuckDBEngine:
    dialect = DUCKDB

    def __init__(self, threads: int | None = None) -> None:
        import duckdb

        self.con = duckdb.connect()
        # its own progress bar would print into stdout and corrupt --json output
        self.con.execute("SET enable_progress_bar = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")

    def register(self, name: str, path: Path) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {_reader(path)}('{path}')")

    def execute(self, sql: str) -> None:
        self.con.execute(sql.replace("CREATE OR REPLACE TEMPORARY VIEW", "CREATE OR REPLACE TEMP VIEW"))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.sql(sql).fetchall()

    def write_parquet(self, sql: str, path: Path) -> None:
        self.con.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")

    def close(self) -> None:
        self.con.close()


class SparkEngine:
    """Spark in local mode for tests; on a platform, pass the platform's session."""

    dialect = SPARK

    def __init__(self, session: Any = None) -> None:
        if session is None:
            from pyspark.sql import SparkSession

            session = (
                SparkSession.builder.master("local[2]")
                .appName("carepool-activity")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate()
            )
            session.sparkContext.setLogLevel("ERROR")
        self.spark = session

    def register(self, name: str, path: Path) -> None:
        reader = self.spark.read
        frame = (
            reader.parquet(str(path))
            if path.suffix == ".parquet"
            else reader.csv(str(path), header=True, inferSchema=True)
        )
        frame.createOrReplaceTempView(name)

    def execute(self, sql: str) -> None:
        self.spark.sql(sql)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(sql).collect()]

    def write_parquet(self, sql: str, path: Path) -> None:
        self.spark.sql(sql).coalesce(1).write.mode("overwrite").parquet(str(path))

    def close(self) -> None:
        self.spark.stop()


def make_engine(name: str) -> Engine:
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine()
    raise ValueError(f"unknown engine {name!r}: use duckdb or spark")
