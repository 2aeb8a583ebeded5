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
from schemagen import ir
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


@pytest.mark.spark
def test_spark_ddl_over_every_sql_feature(spark: Any, tmp_path: Path) -> None:
    """The repo's SqlFeatures record (every scalar type the SQL front end has: int8/16,
    unsigned ints, decimal(38), time(us/ns), timestamp(ms/us/ns, local and UTC), interval,
    uuid, json, enum, nested lists, maps and structs) written with engine='spark': the
    spark dialect's table has the types it declares and SELECT returns what pyarrow reads
    from the same files."""
    import decimal

    import pyarrow.parquet as pq
    from sg_spark import arrow_plain, plain

    from generated.example.sql import SqlFeatures, SqlFeaturesPoint, SqlFeaturesSuit
    from schemagen.sql import registry as sqlmap

    full = SqlFeatures(
        id_=1, tiny=-128, small=-32768, count=2**31 - 1, big=-(2**63), u8=255, u16=65535,
        u32=2**32 - 1, u64=2**64 - 1, ratio=0.5, score=-1.25, flag=True, name="n", note="x",
        payload=b"\x00\xff", price=decimal.Decimal("-9999999.99"),
        total=decimal.Decimal("12345678901234.5678"),
        huge=decimal.Decimal("1234567890123456789012345678.0123456789"),
        day=datetime.date(1, 1, 1), at_time=datetime.time(23, 59, 59, 999999),
        at_ns=datetime.time(0, 0, 0, 1), created=datetime.datetime(2024, 3, 10, 2, 30, tzinfo=UTC),
        local_ms=datetime.datetime(2024, 3, 10, 2, 30, 0, 123000),
        local_us=datetime.datetime(1900, 1, 1, 0, 0, 0, 1),
        local_ns=datetime.datetime(2200, 1, 1), wait=schemagen.Interval(1, 2, 3),
        uid=uuid.UUID(int=5), attrs={"a": [1, None]}, suit=SqlFeaturesSuit.clubs,
        tags=["a", None], matrix=[[1, None], None], scores={"k": None},
        point=SqlFeaturesPoint(x=1.0, y=-2.0), path=[], owner=None, by_key={})
    empty = SqlFeatures(id_=2, tiny=0, count=0, score=0.0, flag=False, name="",
                        price=decimal.Decimal("0.00"),
                        created=datetime.datetime(1970, 1, 1, tzinfo=UTC), tags=[],
                        small=None, total=None, day=None, at_time=None, local_ms=None,
                        wait=None, uid=None, suit=None, payload=None)
    folder = tmp_path / "features"
    schemagen.write([full, empty], folder, engine="spark")
    types = SqlFeatures.__schemagen__.ir[1]
    spark_sql(spark, ddl.emit(types, "sql_features", "spark", location=str(folder),
                              table="features"))
    try:
        frame = spark.table("features").orderBy("id")
        got = [r.asDict(recursive=True) for r in frame.collect()]
        described = dict(frame.dtypes)
    finally:
        spark.sql("DROP TABLE IF EXISTS features")
    spark_d = sqlmap.dialect("spark")
    table = pq.read_table(folder)
    root = types[SqlFeatures.__schemagen__.ir[0]]
    assert isinstance(root, ir.Record)
    for f in root.fields:
        declared = spark_d.file_column_type(f.type, types).lower()
        assert described[f.name].replace(" ", "") == declared.replace(" ", ""), f.name
        col = table.column(f.name)
        want = [arrow_plain(v, col.type) for v in col.to_pylist()]
        have = [plain(r[f.name]) for r in got]
        if f.name == "u64":  # UINT_64 is DECIMAL(20, 0) in Spark
            have = [None if v is None else int(v) for v in have]
        assert have == want, f.name
