"""What Spark and Polars read from the files schemagen writes today (engine profile "any",
the spec-exact layout), for every IR type reachable from Avro (``sg_schemas.ALL_TYPES``).

Each top-level column is copied, with its exact Parquet annotation (checked), into a file
of its own, because Spark refuses a whole file for one column it cannot convert.  Spark
reads it without a declared schema; its values must equal pyarrow's.  The cells Spark
refuses today are strict xfails naming the reason: the engine profiles of issue 12
("the engines, for real") turn them into passes, and a strict xfail that starts passing
fails the suite, so this table cannot silently go stale."""

from __future__ import annotations

import datetime
import decimal
import uuid
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest
from sg_helpers import build_package, purge, write_schema_files
from sg_schemas import ALL_TYPES
from sg_spark import arrow_plain as _arrow_plain
from sg_spark import plain as _plain

import schemagen

UTC = datetime.UTC

# Spark 4.3 in its default configuration, without a declared schema:
# "[PARQUET_TYPE_ILLEGAL] <annotation>" for these columns (and TIME behind a flag)
SPARK_REFUSES = {
    "id": "FIXED_LEN_BYTE_ARRAY (UUID)",
    "opt_id": "FIXED_LEN_BYTE_ARRAY (UUID)",
    "t_ms": "INT32 (TIME(MILLIS,false))",
    # Spark 4.x reads TIME only with spark.sql.timeType.enabled: [UNSUPPORTED_TIME_TYPE]
    "t_us": "TIME needs spark.sql.timeType.enabled",
    "ts_ns": "INT64 (TIMESTAMP(NANOS,true))",
    "lts_ns": "INT64 (TIMESTAMP(NANOS,false))",
}


def _rows(m: Any) -> list[Any]:
    """Three records: ordinary values, boundary values and nulls/empties."""
    A, Inner, Leaf, Deep, Suit = m.AllTypes, m.Inner, m.Leaf, m.Deep, m.Suit
    leaf = Leaf(v=0.25)
    common: dict[str, Any] = dict(
        n=None, fx=b"abcd", inner=Inner(a=7, note="n", leaf=leaf), s_opt="so",
        dec9=decimal.Decimal("-1234567.89"), dec18=decimal.Decimal("12345678901234.5678"),
        dec30=decimal.Decimal("1234567890123456789012345.12345"),
        decfx=decimal.Decimal("-1234567890123456789012345678.0123456789"),
        decfx8=decimal.Decimal("123456.789"), wait=schemagen.Interval(1, 2, 3),
    )
    full = A(
        b=True, i=-(2**31), lg=2**63 - 1, f=1.5, d=-2.25e300, s="héllo \u2603", by=b"\x00\xff",
        suit=Suit.HEARTS, strs=["x", "", "z"], longs=[1, -2, 3], counts={"a": 1},
        opt_s="o", opt_inner=Inner(a=8, note=None, leaf=Leaf(v=-1.0)),
        u=Inner(a=9, note="u", leaf=leaf), opt_u=42,
        id_=uuid.UUID("12345678-1234-5678-1234-567812345678"), day=datetime.date(2024, 2, 29),
        t_ms=datetime.time(23, 59, 59, 999000), t_us=datetime.time(0, 0, 0, 1),
        ts_ms=datetime.datetime(2021, 3, 4, 5, 6, 7, 8000, tzinfo=UTC),
        ts_us=datetime.datetime(1950, 3, 4, 5, 6, 7, 8, tzinfo=UTC),
        ts_ns=datetime.datetime(2200, 4, 11, 23, 47, 16, 854775, tzinfo=UTC),
        lts_ms=datetime.datetime(2021, 3, 4, 5, 6, 7, 8000),
        lts_us=datetime.datetime(1900, 1, 1, 0, 0, 0, 1),
        lts_ns=datetime.datetime(1700, 9, 21, 0, 12, 44, 1),
        opt_items=[1, None, 3], opt_values={"k": "v", "none": None},
        recs=[Inner(a=1, note=None, leaf=leaf)], rec_map={"r": Inner(a=3, note=None, leaf=leaf)},
        grid=[["a", "b"], [], ["c"]], opt_list=[5, 6], opt_map={"m": 1},
        opt_suit=Suit.CLUBS, opt_day=datetime.date(1, 1, 1),
        opt_ts=datetime.datetime(2000, 1, 1, 12, tzinfo=UTC),
        opt_dec=decimal.Decimal("-999999999.999"), opt_id=uuid.UUID(int=0),
        deep=Deep(inner=Inner(a=4, note=None, leaf=leaf), tags=[None, "t"],
                  lists=[None, [], [None, Leaf(v=2.0)]]),
        **common,
    )
    edge = A(
        b=False, i=2**31 - 1, lg=-(2**63), f=-0.0, d=0.0, s="", by=b"", suit=Suit.SPADES,
        strs=[], longs=[], counts={}, opt_s=None, opt_inner=None, u="text", opt_u=None,
        id_=uuid.UUID(int=2**128 - 1), day=datetime.date(9999, 12, 31),
        t_ms=datetime.time(0), t_us=datetime.time(23, 59, 59, 999999),
        ts_ms=datetime.datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),
        ts_us=datetime.datetime(1970, 1, 1, tzinfo=UTC),
        ts_ns=datetime.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        lts_ms=datetime.datetime(1969, 12, 31, 23, 59, 59, 999000),
        lts_us=datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
        lts_ns=datetime.datetime(2000, 1, 1),
        opt_items=[None], opt_values={"x": None}, recs=[], rec_map={"only": None},
        grid=[[]], opt_list=None, opt_map=None, opt_suit=None, opt_day=None, opt_ts=None,
        opt_dec=None, opt_id=None, deep=None, **common,
    )
    return [full, edge]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("engines")
    pkg = build_package(write_schema_files(root / "schemas", {"all.avsc": ALL_TYPES}),
                        root / "out")
    path = root / "all.parquet"
    schemagen.write(_rows(pkg.module("rt.all")), path)
    yield path
    purge(pkg)


def _column_file(path: Path, column: str) -> Path:
    """``column`` alone in a file of its own, with the same Parquet annotation."""
    out = path.parent / "cols" / f"{column}.parquet"
    if not out.exists():
        out.parent.mkdir(exist_ok=True)
        pq.write_table(pq.read_table(path, columns=[column]), out)
    original = pq.ParquetFile(path).schema_arrow.field(column)
    copied = pq.ParquetFile(out).schema_arrow.field(column)
    assert copied.type == original.type
    return out


def _expected(path: Path, column: str) -> list[Any]:
    col = pq.read_table(path, columns=[column]).column(0)
    return [_arrow_plain(v, col.type) for v in col.to_pylist()]


COLUMNS = [f["name"] for f in __import__("json").loads(ALL_TYPES)["fields"]]


@pytest.mark.spark
@pytest.mark.parametrize("column", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=f"Spark: {SPARK_REFUSES[c]}"))
    if c in SPARK_REFUSES else c for c in COLUMNS])
def test_spark_reads_each_column_without_a_declared_schema(
        spark: Any, written: Path, column: str) -> None:
    file = _column_file(written, column)
    got = [_plain(r[column]) for r in
           (row.asDict(recursive=True) for row in spark.read.parquet(str(file)).collect())]
    assert got == _expected(written, column)


def test_polars_reads_every_column(written: Path) -> None:
    frame = pl.read_parquet(written)
    assert frame.columns == COLUMNS
    for column in COLUMNS:
        got = [_plain(v) for v in frame.get_column(column).to_list()]
        assert got == _expected(written, column), column


@pytest.fixture(scope="module")
def written_spark(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("engines_spark")
    pkg = build_package(write_schema_files(root / "schemas", {"all.avsc": ALL_TYPES}),
                        root / "out")
    rows = _rows(pkg.module("rt.all"))
    path = root / "spark.parquet"
    schemagen.write(rows, path, engine="spark")
    yield path, rows, pkg.module("rt.all").AllTypes
    purge(pkg)


def _annotations(path: Path) -> dict[str, str]:
    """Leaf column path -> its Parquet logical type, as written."""
    schema = pq.ParquetFile(path).schema
    return {schema.column(i).path: str(schema.column(i).logical_type)
            for i in range(len(schema))}


def test_spark_profile_leaves_out_what_spark_refuses(written_spark: Any) -> None:
    path, _, _ = written_spark
    notes = _annotations(path)
    assert notes["id"] == "None" and notes["opt_id"] == "None"          # no UUID
    assert notes["t_ms"] == "None" and notes["t_us"] == "None"          # no TIME
    assert notes["ts_ns"].startswith("Timestamp(isAdjustedToUTC=true, timeUnit=microseconds")
    assert notes["lts_ns"].startswith("Timestamp(isAdjustedToUTC=false, timeUnit=microseconds")
    meta = pq.ParquetFile(path).schema_arrow.metadata
    assert meta[b"schemagen.engine"] == b"spark"


@pytest.mark.spark
def test_spark_reads_the_whole_spark_profile_file_without_a_declared_schema(
        spark: Any, written_spark: Any) -> None:
    path, _, _ = written_spark
    frame = spark.read.parquet(str(path))
    assert frame.columns == COLUMNS
    got = [row.asDict(recursive=True) for row in frame.collect()]
    for column in COLUMNS:
        assert [_plain(r[column]) for r in got] == _expected(path, column), column
    types = dict(frame.dtypes)
    assert (types["id"], types["t_ms"], types["t_us"]) == ("binary", "int", "bigint")
    assert (types["ts_ns"], types["lts_ns"]) == ("timestamp", "timestamp_ntz")


def test_schemagen_reads_the_spark_profile_back_into_the_same_records(
        written_spark: Any) -> None:
    path, rows, cls = written_spark
    assert list(schemagen.read(cls, path)) == rows
    table = schemagen.read_arrow(cls, path)
    assert table.schema.equals(cls.arrow_schema())
    assert list(schemagen.read(cls, path, columns=["id", "inner.a", "t_ms"],
                               filter=[("t_ms", "=", rows[0].t_ms)])) != []


def test_polars_reads_the_spark_profile_file(written_spark: Any) -> None:
    path, _, _ = written_spark
    frame = pl.read_parquet(path)
    for column in COLUMNS:
        assert [_plain(v) for v in frame.get_column(column).to_list()] == \
            _expected(path, column), column


@pytest.mark.spark
def test_spark_reads_time_as_the_registrys_time_type_with_time_type_enabled(
        spark: Any, written: Path) -> None:
    """Spark 4.x has a TIME(p) type behind ``spark.sql.timeType.enabled``: the registry's
    Spark type of time(us) is the type Spark gives the spec-exact TIME(MICROS) column."""
    from schemagen import ir
    from schemagen.sql import registry as sqlmap

    file = _column_file(written, "t_us")
    spark.conf.set("spark.sql.timeType.enabled", "true")
    try:
        frame = spark.read.parquet(str(file))
        assert frame.dtypes == [("t_us", sqlmap.ir_to_sql(ir.Time("us"), "spark").lower())]
        assert [r.t_us for r in frame.collect()] == _expected(written, "t_us")
    finally:
        spark.conf.unset("spark.sql.timeType.enabled")
