"""Round trips through real Parquet files for every IR type reachable from Avro.

Each file is read back three ways: with ``schemagen.read`` (equal objects),
with pyarrow (Arrow types and values) and with DuckDB (SQL types and values);
the footer metadata and the Parquet physical/logical layout are checked too.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
import struct
import uuid
from pathlib import Path
from typing import Any

import avro.schema
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import (
    GenPackage,
    build_package,
    ir_of,
    purge,
    record_arrow_expected,
    write_schema_files,
)
from sg_schemas import ALL_TYPES

import schemagen
from schemagen import ir

UTC = datetime.UTC
PLUS2 = datetime.timezone(datetime.timedelta(hours=2))



@pytest.fixture(scope="module")
def alltypes(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("alltypes")
    srcs = write_schema_files(root / "schemas", {"all.avsc": ALL_TYPES})
    pkg = build_package(srcs, root / "out")
    yield pkg
    purge(pkg)


def make_rows(pkg: GenPackage) -> list[Any]:
    m = pkg.module("rt.all")
    AllTypes, Inner, Leaf, Deep, Suit = m.AllTypes, m.Inner, m.Leaf, m.Deep, m.Suit
    leaf = Leaf(v=0.25)
    full = AllTypes(
        b=True, i=-(2**31), lg=2**63 - 1, f=1.5, d=-2.25e300, s="héllo \u2603 \"q\"",
        by=b"\x00\xff\x10", n=None, suit=Suit.HEARTS, fx=b"abcd",
        strs=["x", "", "z"], longs=[1, -2, 3], counts={"a": 1, "b": -(2**63)},
        inner=Inner(a=7, note="n", leaf=leaf),
        opt_s="o", s_opt="so", opt_inner=Inner(a=8, note=None, leaf=Leaf(v=-1.0)),
        u=Inner(a=9, note="u", leaf=leaf), opt_u=42,
        dec9=decimal.Decimal("-1234567.89"), dec18=decimal.Decimal("12345678901234.5678"),
        dec30=decimal.Decimal("1234567890123456789012345.12345"),
        decfx=decimal.Decimal("-1234567890123456789012345678.0123456789"),
        decfx8=decimal.Decimal("123456.789"),
        id_=uuid.UUID("12345678-1234-5678-1234-567812345678"), day=datetime.date(2024, 2, 29),
        t_ms=datetime.time(23, 59, 59, 999000), t_us=datetime.time(0, 0, 0, 1),
        ts_ms=datetime.datetime(2021, 3, 4, 5, 6, 7, 8000, tzinfo=UTC),
        ts_us=datetime.datetime(1950, 3, 4, 5, 6, 7, 8, tzinfo=UTC),
        ts_ns=datetime.datetime(2262, 4, 11, 23, 47, 16, 854775, tzinfo=UTC),
        lts_ms=datetime.datetime(2021, 3, 4, 5, 6, 7, 8000),
        lts_us=datetime.datetime(1, 1, 1, 0, 0, 0, 1),
        lts_ns=datetime.datetime(1677, 9, 21, 0, 12, 44, 1),
        wait=schemagen.Interval(1, 2, 3),
        opt_items=[1, None, 3], opt_values={"k": "v", "none": None},
        recs=[Inner(a=1, note=None, leaf=leaf), Inner(a=2, note="two", leaf=leaf)],
        rec_map={"r": Inner(a=3, note=None, leaf=leaf), "gone": None},
        grid=[["a", "b"], [], ["c"]], opt_list=[5, 6], opt_map={"m": 1},
        opt_suit=Suit.CLUBS, opt_day=datetime.date(1, 1, 1),
        opt_ts=datetime.datetime(2000, 1, 1, 12, tzinfo=PLUS2),
        opt_dec=decimal.Decimal("-999999999.999"), opt_id=uuid.UUID(int=0),
        deep=Deep(inner=Inner(a=4, note=None, leaf=leaf), tags=[None, "t", None],
                  lists=[None, [], [None, Leaf(v=2.0)]]),
    )
    nulls = AllTypes(
        b=False, i=2**31 - 1, lg=-(2**63), f=-0.0, d=0.0, s="", by=b"", n=None,
        suit=Suit.SPADES, fx=b"\x00\x00\x00\x00", strs=[], longs=[], counts={},
        inner=Inner(a=0, note=None, leaf=Leaf(v=0.0)), opt_s=None, s_opt=None, opt_inner=None,
        u="text member", opt_u=None, dec9=decimal.Decimal("0.01"), dec18=decimal.Decimal(0),
        dec30=decimal.Decimal("-0.00001"), decfx=decimal.Decimal("0E-10"),
        decfx8=decimal.Decimal("-0.001"), id_=uuid.UUID(int=2**128 - 1),
        day=datetime.date(9999, 12, 31), t_ms=datetime.time(0), t_us=datetime.time(23, 59, 59, 999999),
        ts_ms=datetime.datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),
        ts_us=datetime.datetime(1970, 1, 1, tzinfo=UTC),
        ts_ns=datetime.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        lts_ms=datetime.datetime(1969, 12, 31, 23, 59, 59, 999000),
        lts_us=datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
        lts_ns=datetime.datetime(2262, 4, 11, 23, 47, 16, 854775),
        wait=schemagen.Interval(0, 0, 2**32 - 1),
        opt_items=[None], opt_values={"x": None}, recs=[], rec_map={"only": None},
        grid=[[]], opt_list=None, opt_map=None, opt_suit=None, opt_day=None, opt_ts=None,
        opt_dec=None, opt_id=None, deep=None,
    )
    empty = AllTypes(
        b=True, i=0, lg=0, f=3.4028234663852886e38, d=float("inf"), s="\x00 nul", by=b"\x00",
        n=None, suit=Suit.DIAMONDS, fx=b"\xff\xff\xff\xff", strs=["only"], longs=[0],
        counts={"": 0}, inner=Inner(a=-1, note="", leaf=Leaf(v=float("-inf"))),
        opt_s="", s_opt="", opt_inner=Inner(a=1, note="", leaf=Leaf(v=1e-300)),
        u=-5, opt_u="str", dec9=decimal.Decimal("9999999.99"),
        dec18=decimal.Decimal("-99999999999999.9999"),
        dec30=decimal.Decimal("9" * 25 + ".99999"), decfx=decimal.Decimal("9" * 28 + "." + "9" * 10),
        decfx8=decimal.Decimal("999999.999"), id_=uuid.UUID(int=1),
        day=datetime.date(1970, 1, 1), t_ms=datetime.time(12), t_us=datetime.time(12),
        ts_ms=datetime.datetime(2000, 1, 1, 1, tzinfo=PLUS2),
        ts_us=datetime.datetime(9999, 12, 30, tzinfo=UTC),
        ts_ns=datetime.datetime(2000, 1, 1, tzinfo=UTC),
        lts_ms=datetime.datetime(2000, 1, 1), lts_us=datetime.datetime(2000, 1, 1),
        lts_ns=datetime.datetime(2000, 1, 1), wait=schemagen.Interval(2**32 - 1, 0, 0),
        opt_items=[], opt_values={}, recs=[Inner(a=5, note="r", leaf=Leaf(v=5.0))],
        rec_map={}, grid=[], opt_list=[], opt_map={}, opt_suit=Suit.SPADES,
        opt_day=datetime.date(2000, 1, 1), opt_ts=datetime.datetime(2000, 1, 1, tzinfo=UTC),
        opt_dec=decimal.Decimal("0.000"), opt_id=uuid.UUID(int=5),
        deep=Deep(inner=None, tags=[], lists=[]),
    )
    return [full, nulls, empty]


@pytest.fixture(scope="module")
def written(alltypes: GenPackage, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    rows = make_rows(alltypes)
    path = schemagen.write(rows, tmp_path_factory.mktemp("rt") / "all.parquet")
    return path, rows


# --------------------------------------------------------------------------- schemagen


def test_schemagen_read_back_equal(written: tuple[Path, list[Any]], alltypes: GenPackage) -> None:
    path, rows = written
    back = list(schemagen.read(alltypes.module("rt.all").AllTypes, path))
    assert len(back) == len(rows)
    for got, want in zip(back, rows):
        for name in want.__dataclass_fields__:
            assert getattr(got, name) == getattr(want, name), name
        assert got == want


def test_read_back_types(written: tuple[Path, list[Any]], alltypes: GenPackage) -> None:
    """Values come back as the annotated Python types, not just equal ones."""
    path, _ = written
    m = alltypes.module("rt.all")
    full = next(iter(schemagen.read(m.AllTypes, path)))
    assert type(full.suit) is m.Suit
    assert type(full.inner) is m.Inner and type(full.inner.leaf) is m.Leaf
    assert type(full.u) is m.Inner
    assert isinstance(full.dec9, decimal.Decimal) and isinstance(full.decfx, decimal.Decimal)
    assert isinstance(full.id_, uuid.UUID)
    assert type(full.day) is datetime.date
    assert isinstance(full.t_ms, datetime.time)
    assert isinstance(full.wait, schemagen.Interval)
    for name in ("ts_ms", "ts_us", "ts_ns"):
        v = getattr(full, name)
        assert v.tzinfo is not None and v.utcoffset() == datetime.timedelta(0), name
    for name in ("lts_ms", "lts_us", "lts_ns"):
        assert getattr(full, name).tzinfo is None, name
    assert full.opt_ts == datetime.datetime(2000, 1, 1, 10, tzinfo=UTC)
    assert full.deep.lists[2][1] == m.Leaf(v=2.0)


def test_read_arrow_matches_file(written: tuple[Path, list[Any]], alltypes: GenPackage) -> None:
    path, _ = written
    cls = alltypes.module("rt.all").AllTypes
    table = schemagen.read_arrow(cls, path)
    assert table.equals(pq.read_table(path))
    assert table.schema.equals(cls.arrow_schema(), check_metadata=False)


# --------------------------------------------------------------------------- pyarrow

ARROW_TYPES = {
    "b": pa.bool_(), "i": pa.int32(), "lg": pa.int64(), "f": pa.float32(), "d": pa.float64(),
    "s": pa.string(), "by": pa.binary(), "n": pa.null(), "suit": pa.string(),
    "fx": pa.binary(4), "strs": pa.list_(pa.field("element", pa.string(), nullable=False)),
    "counts": pa.map_(pa.string(), pa.field("value", pa.int64(), nullable=False)),
    "dec9": pa.decimal128(9, 2), "dec18": pa.decimal128(18, 4), "dec30": pa.decimal128(30, 5),
    "decfx": pa.decimal128(38, 10), "decfx8": pa.decimal128(9, 3), "id": pa.uuid(),
    "day": pa.date32(), "t_ms": pa.time32("ms"), "t_us": pa.time64("us"),
    "ts_ms": pa.timestamp("ms", tz="UTC"), "ts_us": pa.timestamp("us", tz="UTC"),
    "ts_ns": pa.timestamp("ns", tz="UTC"), "lts_ms": pa.timestamp("ms"),
    "lts_us": pa.timestamp("us"), "lts_ns": pa.timestamp("ns"), "wait": pa.binary(12),
    "opt_items": pa.list_(pa.field("element", pa.int64())),
    "opt_values": pa.map_(pa.string(), pa.field("value", pa.string())),
    "u": pa.struct([pa.field("member0", pa.int32()), pa.field("member1", pa.string()),
                    pa.field("member2", pa.struct([
                        pa.field("a", pa.int32(), nullable=False), pa.field("note", pa.string()),
                        pa.field("leaf", pa.struct([pa.field("v", pa.float64(), nullable=False)]),
                                 nullable=False)]))]),
    "opt_u": pa.struct([pa.field("member0", pa.int64()), pa.field("member1", pa.string())]),
    "opt_ts": pa.timestamp("us", tz="UTC"),
}
REQUIRED = {"b", "i", "lg", "f", "d", "s", "by", "suit", "fx", "strs", "counts", "inner", "u",
            "dec9", "dec18", "dec30", "decfx", "id", "day", "t_ms", "ts_ms", "lts_ns", "wait",
            "recs", "grid"}
OPTIONAL = {"n", "opt_s", "s_opt", "opt_inner", "opt_u", "opt_list", "opt_map", "opt_suit",
            "opt_day", "opt_ts", "opt_dec", "opt_id", "deep"}


def test_pyarrow_types(written: tuple[Path, list[Any]]) -> None:
    path, _ = written
    schema = pq.read_table(path).schema
    for name, want in ARROW_TYPES.items():
        assert schema.field(name).type == want, name
    for name in REQUIRED:
        assert not schema.field(name).nullable, name
    for name in OPTIONAL:
        assert schema.field(name).nullable, name


def test_pyarrow_values(written: tuple[Path, list[Any]]) -> None:
    path, rows = written
    got = pq.read_table(path).to_pylist()
    for g, r in zip(got, rows):
        want = record_arrow_expected(r)
        assert set(g) == set(want)
        for k in want:
            assert g[k] == want[k], k


def test_pyarrow_spot_values(written: tuple[Path, list[Any]]) -> None:
    """A few values spelled out by hand (independent of the expectation helper)."""
    path, _ = written
    t = pq.read_table(path)
    rows = t.to_pylist()
    assert rows[0]["u"] == {"member0": None, "member1": None,
                            "member2": {"a": 9, "note": "u", "leaf": {"v": 0.25}}}
    assert rows[1]["u"] == {"member0": None, "member1": "text member", "member2": None}
    assert rows[2]["u"] == {"member0": -5, "member1": None, "member2": None}
    assert [r["opt_u"] for r in rows] == [{"member0": 42, "member1": None}, None,
                                          {"member0": None, "member1": "str"}]
    assert rows[0]["counts"] == [("a", 1), ("b", -(2**63))]
    assert rows[0]["suit"] == "HEARTS"
    assert rows[0]["wait"] == struct.pack("<III", 1, 2, 3)
    assert rows[1]["deep"] is None and rows[2]["deep"] == {"inner": None, "tags": [], "lists": []}
    assert rows[0]["rec_map"][1] == ("gone", None)
    assert t.column("ts_ns").cast(pa.int64()).to_pylist()[0] == 9223372036854775000
    assert t.column("opt_ts").cast(pa.int64()).to_pylist()[0] == 946720800000000


# --------------------------------------------------------------------------- DuckDB

DUCK_TYPES = {
    "b": "BOOLEAN", "i": "INTEGER", "lg": "BIGINT", "f": "FLOAT", "d": "DOUBLE", "s": "VARCHAR",
    "by": "BLOB", "suit": "VARCHAR", "fx": "BLOB", "strs": "VARCHAR[]", "longs": "BIGINT[]",
    "counts": "MAP(VARCHAR, BIGINT)",
    "inner": "STRUCT(a INTEGER, note VARCHAR, leaf STRUCT(v DOUBLE))",
    "u": "STRUCT(member0 INTEGER, member1 VARCHAR, member2 STRUCT(a INTEGER, note VARCHAR, "
         "leaf STRUCT(v DOUBLE)))",
    "opt_u": "STRUCT(member0 BIGINT, member1 VARCHAR)",
    "dec9": "DECIMAL(9,2)", "dec18": "DECIMAL(18,4)", "dec30": "DECIMAL(30,5)",
    "decfx": "DECIMAL(38,10)", "decfx8": "DECIMAL(9,3)", "id": "UUID", "day": "DATE",
    "t_ms": "TIME", "t_us": "TIME", "ts_ms": "TIMESTAMP WITH TIME ZONE",
    "ts_us": "TIMESTAMP WITH TIME ZONE", "lts_ms": "TIMESTAMP", "lts_us": "TIMESTAMP",
    "opt_items": "BIGINT[]", "opt_values": "MAP(VARCHAR, VARCHAR)",
    "recs": "STRUCT(a INTEGER, note VARCHAR, leaf STRUCT(v DOUBLE))[]",
    "rec_map": "MAP(VARCHAR, STRUCT(a INTEGER, note VARCHAR, leaf STRUCT(v DOUBLE)))",
    "grid": "VARCHAR[][]", "opt_list": "BIGINT[]", "opt_map": "MAP(VARCHAR, BIGINT)",
    "opt_suit": "VARCHAR", "opt_day": "DATE", "opt_ts": "TIMESTAMP WITH TIME ZONE",
    "opt_dec": "DECIMAL(12,3)", "opt_id": "UUID",
}


@pytest.fixture
def duck() -> Any:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    yield con
    con.close()


def test_duckdb_types(written: tuple[Path, list[Any]], duck: Any) -> None:
    path, _ = written
    desc = {r[0]: r[1] for r in duck.execute(
        "DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()}
    for name, want in DUCK_TYPES.items():
        assert desc[name] == want, name
    # nanosecond timestamps keep their unit and their UTC-ness
    assert desc["ts_ns"] in ("TIMESTAMPTZ_NS", "TIMESTAMP WITH TIME ZONE")
    assert desc["lts_ns"] in ("TIMESTAMP_NS", "TIMESTAMP")


def test_duckdb_values(written: tuple[Path, list[Any]], duck: Any) -> None:
    path, rows = written
    cols = ["b", "i", "lg", "f", "d", "s", "by", "suit", "fx", "strs", "longs", "counts", "inner",
            "opt_s", "dec9", "dec18", "dec30", "decfx", "decfx8", "id", "day", "t_ms", "t_us",
            "lts_ms", "lts_us", "opt_items", "opt_values", "grid", "opt_list", "opt_map",
            "opt_suit", "opt_day", "opt_dec", "opt_id"]
    got = duck.execute(
        "SELECT " + ", ".join(f'"{c}"' for c in cols) + ", epoch_ms(ts_ms), epoch_us(ts_us), "
        "CAST(ts_us AS VARCHAR), epoch_us(opt_ts), rec_map['r'], u.member1 "
        "FROM read_parquet(?)", [str(path)]
    ).fetchall()
    for g, r in zip(got, rows):
        want = record_arrow_expected(r)
        for k, v in zip(cols, g):
            w = want[k]
            if isinstance(w, list) and w and isinstance(w[0], tuple):  # maps -> dicts
                w = dict(w)
            if k in ("opt_map", "counts", "opt_values") and w == []:
                w = {}
            assert v == w, k
        ts_ms, ts_us, ts_text, opt_ts, rec_r, u1 = g[len(cols):]
        assert ts_ms == round(r.ts_ms.timestamp() * 1000)
        assert ts_us == (r.ts_us - datetime.datetime(1970, 1, 1, tzinfo=UTC)) // datetime.timedelta(microseconds=1)
        assert ts_text.endswith("+00")
        assert opt_ts == (None if r.opt_ts is None else (
            r.opt_ts - datetime.datetime(1970, 1, 1, tzinfo=UTC)) // datetime.timedelta(microseconds=1))
        assert rec_r == (None if "r" not in r.rec_map else
                         {"a": r.rec_map["r"].a, "note": r.rec_map["r"].note,
                          "leaf": {"v": r.rec_map["r"].leaf.v}})
        assert u1 == (r.u if isinstance(r.u, str) else None)


def test_duckdb_sql_over_records(written: tuple[Path, list[Any]], duck: Any) -> None:
    """Typed SQL works on what schemagen wrote (dates, decimals, nested fields, lists)."""
    path, _ = written
    got = duck.execute(
        "SELECT day + INTERVAL 1 DAY, dec9 * 2, \"inner\".leaf.v, len(strs), strs[1], "
        "counts['a'], id::VARCHAR FROM read_parquet(?) ORDER BY i", [str(path)]
    ).fetchall()
    assert got[0][1] == decimal.Decimal("-2469135.78")
    assert got[0][2] == 0.25 and got[0][3] == 3 and got[0][4] == "x" and got[0][5] == 1
    assert got[0][6] == "12345678-1234-5678-1234-567812345678"
    assert got[0][0] == datetime.datetime(2024, 3, 1)


# --------------------------------------------------------------------------- footer


def test_footer_metadata(written: tuple[Path, list[Any]], alltypes: GenPackage) -> None:
    path, _ = written
    meta = pq.ParquetFile(path).metadata.metadata
    assert meta is not None
    keys = {k.decode() for k in meta}
    assert {"schemagen.schema", "parquet.avro.schema", "writer.model.name"} <= keys
    # schemagen.schema is the IR of the record and everything it reaches
    root, types = ir.schema_from_json(meta[b"schemagen.schema"].decode())
    assert root == "rt.all.AllTypes"
    assert {"rt.all.Inner", "rt.all.Leaf", "rt.all.Deep", "rt.all.Suit"} <= set(types)
    rec, want_types = ir_of(alltypes.module("rt.all").AllTypes)
    assert types[root] == rec
    # parquet.avro.schema is a valid Avro schema for parquet-java's AvroParquetReader
    avro_schema = avro.schema.parse(meta[b"parquet.avro.schema"].decode())
    assert avro_schema.type == "record"
    assert avro_schema.fullname == "rt.all.AllTypes"
    assert [f.name for f in avro_schema.fields] == [f.name for f in rec.fields]
    assert avro_schema.doc == "Every Avro type."
    original = json.loads(ALL_TYPES)
    assert avro.schema.parse(json.dumps(original)) == avro_schema
    model = meta[b"writer.model.name"].decode()
    assert model in ("avro", "schemagen")


def test_footer_for_each_record_of_repo(repo_pkg: GenPackage) -> None:
    """Every record's Arrow schema carries the self-describing footer keys."""
    for name, cls in repo_pkg.records().items():
        md = cls.arrow_schema().metadata  # type: ignore[attr-defined]
        assert md is not None, name
        root, types = ir.schema_from_json(md[b"schemagen.schema"].decode())
        assert root == name
        assert md[b"writer.model.name"]
        if md[b"writer.model.name"] != b"avro":
            continue  # e.g. Thrift records: see test_thrift_roundtrip.py
        parsed = avro.schema.parse(md[b"parquet.avro.schema"].decode())
        assert parsed.fullname == name


# --------------------------------------------------------------------------- layout


def _columns(path: Path) -> dict[str, Any]:
    s = pq.ParquetFile(path).schema
    return {s.column(i).path: s.column(i) for i in range(len(s))}


def _logical(col: Any) -> dict[str, Any]:
    return json.loads(col.logical_type.to_json())  # type: ignore[no-any-return]


def test_parquet_list_and_map_layout(written: tuple[Path, list[Any]]) -> None:
    path, _ = written
    cols = _columns(path)
    text = str(pq.ParquetFile(path).schema)
    # 3-level lists: <name> (List) / repeated group list / element
    for name in ("strs", "longs", "opt_items", "recs", "opt_list"):
        assert re.search(rf"group field_id=-?\d+ {name} \(List\) \{{\s*repeated group "
                         rf"field_id=-?\d+ list \{{", text), name
    assert "strs.list.element" in cols and "longs.list.element" in cols
    assert "grid.list.element.list.element" in cols
    assert "recs.list.element.leaf.v" in cols
    assert "deep.lists.list.element.list.element.v" in cols
    # required vs optional list items
    assert re.search(r"required binary field_id=-?\d+ element \(String\)", text)
    assert re.search(r"optional int64 field_id=-?\d+ element;", text)
    # maps: key_value / key / value with a required key
    for name in ("counts", "opt_values", "rec_map", "opt_map"):
        assert re.search(rf"group field_id=-?\d+ {name} \(Map\) \{{\s*repeated group "
                         rf"field_id=-?\d+ key_value \{{\s*required binary field_id=-?\d+ key "
                         rf"\(String\);", text), name
        assert f"{name}.key_value.key" in cols
    assert "counts.key_value.value" in cols and "rec_map.key_value.value.a" in cols
    assert cols["counts.key_value.value"].max_definition_level == 1  # required value
    assert cols["opt_values.key_value.value"].max_definition_level == 2  # optional value
    assert cols["opt_map.key_value.key"].max_definition_level == 2  # optional map, required key
    # non-null union: required group of optional member0..N; nullable one: optional group
    assert re.search(r"required group field_id=-?\d+ u \{\s*optional int32 field_id=-?\d+ member0;"
                     r"\s*optional binary field_id=-?\d+ member1 \(String\);"
                     r"\s*optional group field_id=-?\d+ member2 \{", text)
    assert re.search(r"optional group field_id=-?\d+ opt_u \{\s*optional int64 field_id=-?\d+ "
                     r"member0;", text)


@pytest.mark.parametrize(
    ("name", "physical", "precision", "scale"),
    [("dec9", "INT32", 9, 2), ("decfx8", "INT32", 9, 3), ("dec18", "INT64", 18, 4),
     ("opt_dec", "INT64", 12, 3), ("dec30", "FIXED_LEN_BYTE_ARRAY", 30, 5),
     ("decfx", "FIXED_LEN_BYTE_ARRAY", 38, 10)],
)
def test_parquet_decimal_layout(written: tuple[Path, list[Any]], name: str, physical: str,
                                precision: int, scale: int) -> None:
    path, _ = written
    col = _columns(path)[name]
    assert col.physical_type == physical
    lt = _logical(col)
    assert lt["Type"] == "Decimal"
    assert (lt["precision"], lt["scale"]) == (precision, scale)


@pytest.mark.parametrize(
    ("name", "utc", "unit"),
    [("ts_ms", True, "milliseconds"), ("ts_us", True, "microseconds"),
     ("ts_ns", True, "nanoseconds"), ("lts_ms", False, "milliseconds"),
     ("lts_us", False, "microseconds"), ("lts_ns", False, "nanoseconds"),
     ("opt_ts", True, "microseconds")],
)
def test_parquet_timestamp_layout(written: tuple[Path, list[Any]], name: str, utc: bool,
                                  unit: str) -> None:
    path, _ = written
    col = _columns(path)[name]
    assert col.physical_type == "INT64"
    lt = _logical(col)
    assert lt["Type"] == "Timestamp"
    assert lt["isAdjustedToUTC"] is utc
    assert lt["timeUnit"] == unit


def test_parquet_other_logical_types(written: tuple[Path, list[Any]]) -> None:
    path, _ = written
    cols = _columns(path)
    t_ms, t_us = _logical(cols["t_ms"]), _logical(cols["t_us"])
    assert cols["t_ms"].physical_type == "INT32"
    assert (t_ms["Type"], t_ms["timeUnit"]) == ("Time", "milliseconds")
    assert cols["t_us"].physical_type == "INT64"
    assert (t_us["Type"], t_us["timeUnit"]) == ("Time", "microseconds")
    assert _logical(cols["day"])["Type"] == "Date"
    assert cols["day"].physical_type == "INT32"
    assert cols["id"].physical_type == "FIXED_LEN_BYTE_ARRAY"
    assert _logical(cols["id"])["Type"] == "UUID"
    assert cols["fx"].physical_type == "FIXED_LEN_BYTE_ARRAY" and cols["fx"].length == 4
    assert cols["wait"].physical_type == "FIXED_LEN_BYTE_ARRAY" and cols["wait"].length == 12
    assert _logical(cols["s"])["Type"] == "String"
    assert _logical(cols["suit"])["Type"] in ("String", "Enum")
    assert cols["by"].physical_type == "BYTE_ARRAY"
    assert cols["i"].physical_type == "INT32" and cols["lg"].physical_type == "INT64"
    assert cols["f"].physical_type == "FLOAT" and cols["d"].physical_type == "DOUBLE"
    assert cols["b"].physical_type == "BOOLEAN"
    # required fields are REQUIRED in Parquet (definition level 0 at the top)
    assert cols["i"].max_definition_level == 0
    assert cols["opt_s"].max_definition_level == 1
    assert cols["inner.note"].max_definition_level == 1
    assert cols["opt_inner.note"].max_definition_level == 2


def test_repo_everything_roundtrip(repo_pkg: GenPackage, tmp_path: Path) -> None:
    """The project's own feature schema (mutually referencing namespaces) round-trips."""
    f = repo_pkg.module("example.features")
    g = repo_pkg.module("example.geometry")
    e = f.Everything(
        digest=b"0123456789abcdef", price=decimal.Decimal("1.25"),
        big_price=decimal.Decimal("-12345678901234567890.0123456789"),
        mid_price=decimal.Decimal("3.0001"), id_=uuid.UUID(int=7),
        tod_ms=datetime.time(1, 2, 3, 4000), tod_us=datetime.time(1, 2, 3, 4567),
        at_ms=datetime.datetime(2020, 1, 2, 3, 4, 5, 6000, tzinfo=UTC),
        at_us=datetime.datetime(2020, 1, 2, 3, 4, 5, 6789, tzinfo=UTC),
        at_ns=datetime.datetime(2020, 1, 2, 3, 4, 5, 6789, tzinfo=UTC),
        local_ms=datetime.datetime(2020, 1, 2, 3, 4, 5, 6000),
        local_us=datetime.datetime(2020, 1, 2, 3, 4, 5, 6789),
        local_ns=datetime.datetime(2020, 1, 2, 3, 4, 5, 6789),
        wait=schemagen.Interval(1, 2, 3), named_points={"a": f.Point(x=1.0, y=2.0), "b": None},
        matrix=[[1, None], [], [3]],
        shape=g.Shape(name="sq", corners=[f.Point(x=0.0, y=0.0)], fill=f.Color.RED),
        date=datetime.date(2001, 1, 1), choice=f.Point(x=5.0, y=6.0), maybe_choice=2.5,
    )
    path = schemagen.write([e], tmp_path / "e.parquet")
    assert list(schemagen.read(f.Everything, path)) == [e]
    assert list(schemagen.read(g.Shape, schemagen.write([e.shape], tmp_path / "s.parquet"))) == [e.shape]
    assert pq.read_table(path).to_pylist()[0]["shape"] == {
        "name": "sq", "corners": [{"x": 0.0, "y": 0.0}], "fill": "RED"}


def test_file_rewritten_by_duckdb_reads_back(written: tuple[Path, list[Any]], alltypes: GenPackage,
                                             duck: Any, tmp_path: Path) -> None:
    """Interop the other way: DuckDB copies the file; schemagen reads DuckDB's output."""
    path, rows = written
    copy = tmp_path / "duck.parquet"
    duck.execute(f"COPY (SELECT * FROM read_parquet('{path}')) TO '{copy}' (FORMAT parquet)")
    back = list(schemagen.read(alltypes.module("rt.all").AllTypes, copy))
    for got, want in zip(back, rows):
        for name in want.__dataclass_fields__:
            assert getattr(got, name) == getattr(want, name), name
    assert len(back) == len(rows)


# --------------------------------------------------------------------------- required under a null parent

UNDER_NULL: list[Any] = [
    pytest.param({"type": "string", "logicalType": "uuid"}, lambda m: uuid.UUID(int=3), id="uuid"),
    pytest.param({"type": "int", "logicalType": "date"}, lambda m: datetime.date(2020, 2, 2), id="date"),
    pytest.param({"type": "bytes", "logicalType": "decimal", "precision": 30, "scale": 3},
                 lambda m: decimal.Decimal("-1.5"), id="decimal30"),
    pytest.param({"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 3},
                 lambda m: decimal.Decimal("1.5"), id="decimal5"),
    pytest.param({"type": "long", "logicalType": "timestamp-micros"},
                 lambda m: datetime.datetime(2020, 1, 1, tzinfo=UTC), id="timestamp"),
    pytest.param({"type": "long", "logicalType": "local-timestamp-nanos"},
                 lambda m: datetime.datetime(2020, 1, 1), id="local-timestamp-nanos"),
    pytest.param({"type": "int", "logicalType": "time-millis"}, lambda m: datetime.time(1), id="time"),
    pytest.param({"type": "fixed", "name": "W", "size": 12, "logicalType": "duration"},
                 lambda m: schemagen.Interval(1, 2, 3), id="duration"),
    pytest.param({"type": "fixed", "name": "F5", "size": 5}, lambda m: b"abcde", id="fixed"),
    pytest.param({"type": "enum", "name": "E", "symbols": ["X", "Y"], "default": "X"},
                 lambda m: m.E.Y, id="enum-with-default"),
    pytest.param({"type": "enum", "name": "E", "symbols": ["X", "Y"]}, lambda m: m.E.Y,
                 id="enum-without-default"),
    pytest.param({"type": "map", "values": "long"}, lambda m: {"a": 1}, id="map"),
    pytest.param({"type": "array", "items": "string"}, lambda m: ["s"], id="array-string"),
    pytest.param({"type": "array", "items": {"type": "string", "logicalType": "uuid"}},
                 lambda m: [uuid.UUID(int=4)], id="array-uuid"),
    pytest.param({"type": "map", "values": {"type": "string", "logicalType": "uuid"}},
                 lambda m: {"k": uuid.UUID(int=5)}, id="map-uuid"),
    pytest.param(["int", "string"], lambda m: "s", id="union"),
    pytest.param("float", lambda m: 1.5, id="float"),
    pytest.param("boolean", lambda m: True, id="boolean"),
    pytest.param("bytes", lambda m: b"x", id="bytes"),
    pytest.param({"type": "record", "name": "Deeper", "fields": [{"name": "z", "type": "long"}]},
                 lambda m: m.Deeper(z=1), id="record"),
]


@pytest.mark.parametrize(("avro_type", "value"), UNDER_NULL)
def test_required_field_under_null_parent(compile_schemas: Any, tmp_path: Path, avro_type: Any,
                                          value: Any) -> None:
    pkg = compile_schemas({"n.avsc": json.dumps({
        "type": "record", "name": "Outer", "namespace": "undernull", "fields": [
            {"name": "o", "type": ["null", {"type": "record", "name": "In", "fields": [
                {"name": "f", "type": avro_type}]}]},
            {"name": "lst", "type": {"type": "array", "items": ["null", "In"]}}]})})
    m = pkg.module("undernull")
    inner = m.In(f=value(m))
    rows = [m.Outer(o=None, lst=[None, inner]), m.Outer(o=inner, lst=[]), m.Outer(o=None, lst=[None])]
    path = schemagen.write(rows, tmp_path / "data" / "n.parquet")
    assert list(schemagen.read(m.Outer, path)) == rows
    assert pq.read_table(path).column("o").to_pylist()[0] is None
