"""Hive-partitioned datasets (``partition_by``: ``key=value`` folders) queried through the
DDL schemagen emits (issue 12, Deliver 2): the partition columns come from the dataset's
own footer (``schemagen.partition_by``), and DuckDB, Spark (stock and Hive-enabled) and
Polars return the written values with the keys' own types -- bool and uint64 keys are not
VARCHAR, a null key (``__HIVE_DEFAULT_PARTITION__``) is NULL, an escaped ``/`` is ``/``.

Before this, DuckDB's view read ``'dir/*.parquet'`` and found no file, and the Spark/Hive
tables had no partition columns."""

from __future__ import annotations

import datetime
import decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from sg_spark import spark_sql

import schemagen
from schemagen.sql import ddl

SCHEMA = """-- dialect: duckdb
CREATE TABLE part.ev (
  k_b BOOLEAN NOT NULL,
  k_u UBIGINT NOT NULL,
  k_s VARCHAR,
  k_d DATE NOT NULL,
  k_e ENUM('red', 'blue') NOT NULL,
  v BIGINT NOT NULL,
  lts TIMESTAMP
);
"""
KEYS = ["k_b", "k_u", "k_s", "k_d", "k_e"]
COLUMNS = ["v", "lts", *KEYS]


@pytest.fixture(scope="module")
def mod(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("part") / "ev.sql"
    path.write_text(SCHEMA)
    return schemagen.load(path)


def _rows(m: Any) -> list[Any]:
    colours = list(m.EvKE)
    keys = ["s/0", "a=b", None, "plain"]
    return [m.Ev(k_b=i % 2 == 0, k_u=2**64 - 1 - i % 2, k_s=keys[i], k_d=datetime.date(2024, 1, 1 + i),
                 k_e=colours[i % 2], v=i, lts=datetime.datetime(2024, 3, 10, 2, 30, i))
            for i in range(4)]


def _expected(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [(r.v, r.lts, r.k_b, r.k_u, r.k_s, r.k_d, r.k_e.value) for r in rows]


@pytest.fixture(scope="module")
def dataset(mod: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    folder = tmp_path_factory.mktemp("part_ds") / "ev"
    rows = _rows(mod)
    schemagen.write(rows, folder, partition_by=KEYS, engine="spark")
    return folder, rows


def _ddl(mod: Any, dialect: str, folder: Path, table: str = "ev") -> str:
    return ddl.emit(mod.Ev.__schemagen__.ir[1], "part.ev", dialect, location=str(folder),
                    table=table)


def test_the_footer_names_the_partition_columns(dataset: tuple[Path, list[Any]]) -> None:
    folder, _ = dataset
    files = sorted(folder.rglob("*.parquet"))
    assert len(files) == 4 and "k_s=s%2F0" in str(files[-1].parent.parent.parent)
    for f in files:
        assert pq.read_schema(f).metadata[b"schemagen.partition_by"] == \
            b'["k_b", "k_u", "k_s", "k_d", "k_e"]'
    assert ddl.dataset_partitioning(str(folder)) == (tuple(KEYS), files[0])


def test_duckdb_view_reads_the_keys_with_their_types(
        mod: Any, dataset: tuple[Path, list[Any]]) -> None:
    folder, rows = dataset
    text = _ddl(mod, "duckdb", folder)
    assert "/**/*.parquet" in text and "hive_partitioning = true" in text
    con = duckdb.connect()
    con.execute(text)
    types = {r[0]: r[1] for r in con.execute("DESCRIBE ev").fetchall()}
    assert [types[k] for k in KEYS] == ["BOOLEAN", "UBIGINT", "VARCHAR", "DATE",
                                        "ENUM('red', 'blue')"]
    got = con.execute(f"SELECT {', '.join(COLUMNS)} FROM ev ORDER BY v").fetchall()
    assert got == _expected(rows)
    # the keys filter like columns (partition pruning)
    assert con.execute("SELECT v FROM ev WHERE k_b AND k_u = 18446744073709551615 "
                       "ORDER BY v").fetchall() == [(0,), (2,)]


def test_polars_reads_the_partitioned_dataset(dataset: tuple[Path, list[Any]]) -> None:
    folder, rows = dataset
    frame = pl.read_parquet(folder / "**" / "*.parquet", hive_partitioning=True,
                            hive_schema={"k_b": pl.Boolean, "k_u": pl.UInt64, "k_s": pl.String,
                                         "k_d": pl.Date, "k_e": pl.String}).sort("v")
    got = [tuple(r[c] for c in COLUMNS) for r in frame.iter_rows(named=True)]
    assert got == _expected(rows)


def _spark_expected(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [(v, lts, b, decimal.Decimal(u), s, d, e) for v, lts, b, u, s, d, e in _expected(rows)]


def _spark_rows(session: Any, table: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in session.sql(f"SELECT {', '.join(COLUMNS)} FROM {table} "
                                          "ORDER BY v").collect()]


@pytest.mark.spark
def test_spark_datasource_table_over_the_partitioned_dataset(
        spark: Any, mod: Any, dataset: tuple[Path, list[Any]]) -> None:
    folder, rows = dataset
    text = _ddl(mod, "spark", folder, "ev_part")
    assert "PARTITIONED BY (`k_b`, `k_u`, `k_s`, `k_d`, `k_e`)" in text
    assert text.rstrip().endswith("ALTER TABLE `ev_part` RECOVER PARTITIONS;")
    spark_sql(spark, text)
    try:
        assert _spark_rows(spark, "ev_part") == _spark_expected(rows)
        assert len(spark.sql("SHOW PARTITIONS ev_part").collect()) == 4
    finally:
        spark.sql("DROP TABLE IF EXISTS ev_part")


@pytest.mark.spark
def test_hive_table_over_the_partitioned_dataset(
        hive_spark: Any, mod: Any, dataset: tuple[Path, list[Any]]) -> None:
    """The hive dialect's ``CREATE EXTERNAL TABLE ... PARTITIONED BY`` + ``MSCK REPAIR
    TABLE`` in a Hive-enabled session (before: "Column in converted table has different
    data type with source Hive table's" for the keys Spark put in the data schema), and
    the spark dialect's datasource table in the same session."""
    folder, rows = dataset
    text = _ddl(mod, "hive", folder, "ev_hive")
    assert "PARTITIONED BY (\n  `k_b` BOOLEAN," in text and "MSCK REPAIR TABLE `ev_hive`;" in text
    spark_sql(hive_spark, text)
    spark_sql(hive_spark, _ddl(mod, "spark", folder, "ev_ds"))
    try:
        assert _spark_rows(hive_spark, "ev_hive") == _spark_expected(rows)
        assert _spark_rows(hive_spark, "ev_ds") == _spark_expected(rows)
        assert len(hive_spark.sql("SHOW PARTITIONS ev_hive").collect()) == 4
        # local timestamps keep their wall clock in another session time zone through the
        # spark dialect's TIMESTAMP_NTZ; a Hive TIMESTAMP column is an instant to Spark
        # (the hive dialect's note says so)
        hive_spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
        shown = hive_spark.sql("SELECT CAST(lts AS STRING) FROM ev_ds WHERE v = 0").collect()
        assert shown[0][0] == "2024-03-10 02:30:00"
        assert "in Spark use --dialect spark (TIMESTAMP_NTZ)" in text
    finally:
        hive_spark.sql("DROP TABLE IF EXISTS ev_hive")
        hive_spark.sql("DROP TABLE IF EXISTS ev_ds")
