"""``schemagen sql --dialect spark`` DDL runs in a stock SparkSession (no Hive support)
over files written with ``engine="spark"``, and SELECT returns the written values,
uuid, interval and nanosecond timestamps included (declared as the stored form)."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import GenPackage, build_package, purge, write_schema_files
from sg_spark import spark_sql

import schemagen
from schemagen.sql import ddl

pytestmark = pytest.mark.spark
UTC = datetime.UTC
AVSC = json.dumps({"type": "record", "name": "Ev", "namespace": "sddl", "doc": "it's events",
                   "fields": [
    {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "t", "type": {"type": "int", "logicalType": "time-millis"}},
    {"name": "at", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
    {"name": "lat", "type": ["null", {"type": "long", "logicalType": "local-timestamp-nanos"}]},
    {"name": "w", "type": {"type": "fixed", "name": "W", "size": 12, "logicalType": "duration"}},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "who", "type": {"type": "record", "name": "Who", "fields": [
        {"name": "name", "type": "string"}, {"name": "seen", "type": {
            "type": "long", "logicalType": "timestamp-micros"}}]}}]})


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    root = tmp_path_factory.mktemp("sddl")
    p = build_package(write_schema_files(root / "s", {"ev.avsc": AVSC}), root / "out")
    yield p
    purge(p)


def _rows(m: Any) -> list[Any]:
    return [m.Ev(id_=uuid.UUID(int=i + 1), t=datetime.time(1, 2, 3, 4000),
                 at=datetime.datetime(2024, 3, 10, 2, 30, i, 5, tzinfo=UTC),
                 lat=None if i % 2 else datetime.datetime(2024, 3, 10, 2, 30),
                 w=schemagen.Interval(1, 2, 3), tags=["a"] * i,
                 who=m.Who(name=f"n{i}", seen=datetime.datetime(2000, 1, 1, tzinfo=UTC)))
            for i in range(3)]


def test_spark_ddl_runs_and_selects_the_written_values(
        spark: Any, pkg: GenPackage, tmp_path: Path) -> None:
    m = pkg.module("sddl")
    rows = _rows(m)
    folder = tmp_path / "ev"
    schemagen.write(rows, folder, engine="spark")
    types = m.Ev.__schemagen__.ir[1]
    text = ddl.emit(types, "sddl.Ev", "spark", location=str(folder), table="sddl_ev")
    assert "USING PARQUET" in text and "EXTERNAL" not in text
    spark.sql(text.rstrip().removesuffix(";"))
    got = sorted((r.asDict(recursive=True) for r in spark.table("sddl_ev").collect()),
                 key=lambda r: r["who"]["name"])
    assert [bytes(r["id"]) for r in got] == [r.id_.bytes for r in rows]
    assert [r["t"] for r in got] == [3723004] * 3  # milliseconds of the day
    assert [r["at"] for r in got] == [r.at.replace(tzinfo=None) for r in rows]  # session UTC
    assert [r["lat"] for r in got] == [r.lat for r in rows]
    assert [bytes(r["w"]) for r in got] == [(1).to_bytes(4, "little") + (2).to_bytes(4, "little")
                                            + (3).to_bytes(4, "little")] * 3
    assert [r["tags"] for r in got] == [r.tags for r in rows]
    assert [r["who"]["name"] for r in got] == ["n0", "n1", "n2"]
    described = {r.col_name: r.data_type for r in spark.sql("DESCRIBE TABLE sddl_ev").collect()}
    assert (described["id"], described["at"], described["lat"]) == (
        "binary", "timestamp", "timestamp_ntz")
    spark.sql("DROP TABLE sddl_ev")


def test_the_repo_transaction_ddl_runs_in_spark(spark: Any, tmp_path: Path) -> None:
    from generated.example.sales import MarketingInfo, Transaction, TransInfo, UserInfo

    rows = [Transaction(trans_id=i, date=datetime.date(2024, 5, 1), time=datetime.time(1, 2),
                        amount=1.5 * i, user_info=UserInfo(cust_id=i, device="web", state="ca"),
                        marketing_info=MarketingInfo(camp_id=3, keywords=["k"]),
                        trans_info=TransInfo(prod_id=[i], purch_flag=True)) for i in range(4)]
    folder = tmp_path / "tx"
    schemagen.write(rows, folder, engine="spark")
    text = ddl.emit(Transaction.__schemagen__.ir[1], "example.sales.Transaction", "spark",
                    location=str(folder), table="tx")
    spark.sql(text.rstrip().removesuffix(";"))
    got = spark.sql("SELECT trans_id, user_info.cust_id AS c FROM tx ORDER BY trans_id").collect()
    assert [(r.trans_id, r.c) for r in got] == [(i, i) for i in range(4)]
    spark.sql("DROP TABLE tx")


@pytest.mark.spark
def test_hive_ddl_runs_in_a_hive_enabled_session(
        hive_spark: Any, pkg: GenPackage, tmp_path: Path) -> None:
    """``--dialect hive`` over engine='hive' files: uuid, interval and ns timestamps are
    declared as the stored BINARY/TIMESTAMP with a note (they were refused: "Hive has no
    UUID type"), times of day as the stored integer; SELECT returns the written values."""
    m = pkg.module("sddl")
    rows = _rows(m)
    folder = tmp_path / "evh"
    schemagen.write(rows, folder, engine="hive")
    text = ddl.emit(m.Ev.__schemagen__.ir[1], "sddl.Ev", "hive", location=str(folder),
                    table="sddl_evh")
    assert "CREATE EXTERNAL TABLE" in text and "-- id: uuids are 16 bytes" in text
    spark_sql(hive_spark, text)
    try:
        got = sorted((r.asDict(recursive=True) for r in hive_spark.table("sddl_evh").collect()),
                     key=lambda r: r["who"]["name"])
        assert [bytes(r["id"]) for r in got] == [r.id_.bytes for r in rows]
        assert [r["t"] for r in got] == [3723004] * 3
        assert [r["at"] for r in got] == [r.at.replace(tzinfo=None) for r in rows]
        assert [bytes(r["w"]) for r in got] == [bytes([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0])] * 3
        assert [(r["tags"], r["who"]["name"]) for r in got] == [
            (r.tags, r.who.name) for r in rows]
        described = {r.col_name: r.data_type
                     for r in hive_spark.sql("DESCRIBE TABLE sddl_evh").collect()}
        assert (described["id"], described["t"], described["at"], described["w"]) == (
            "binary", "int", "timestamp", "binary")
    finally:
        hive_spark.sql("DROP TABLE IF EXISTS sddl_evh")
