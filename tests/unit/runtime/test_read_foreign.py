"""Regressions from code review, reading files other tools wrote: nulls in required
fields, dictionary-encoded columns, null-typed columns, dates beyond year 9999."""

from __future__ import annotations

import datetime
import decimal
import re
import struct
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import record_schema

import schemagen


def names_path(msg: str, path: str) -> bool:
    """``path`` occurs in ``msg`` as a whole column path (not as part of a longer one)."""
    return re.search(rf"(?<![\w.\[]){re.escape(path)}(?![\w.\[{{])", msg) is not None


# --------------------------------------------------------------------------- 2. required nulls

REQ_SCHEMA = record_schema("rv.req", [
    {"name": "count", "type": "long"},
    {"name": "label", "type": "string"},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "counts", "type": {"type": "map", "values": "long"}},
    {"name": "point", "type": {"type": "record", "name": "Pt",
                               "fields": [{"name": "xval", "type": "long"}]}},
    {"name": "maybe", "type": ["null", {"type": "record", "name": "Box",
                                        "fields": [{"name": "inner", "type": "long"}]}],
     "default": None},
], name="Req")

PT = pa.struct([("xval", pa.int64())])
BOX = pa.struct([("inner", pa.int64())])
COUNTS = pa.map_(pa.string(), pa.int64())


def foreign_table(**over: Any) -> pa.Table:
    """Two rows as plain pyarrow (not schemagen) would write them."""
    cols: dict[str, Any] = {
        "count": pa.array([1, 2], pa.int64()),
        "label": pa.array(["x", "y"]),
        "tags": pa.array([["q"], []], pa.list_(pa.string())),
        "counts": pa.array([[("k", 1)], []], COUNTS),
        "point": pa.array([{"xval": 1}, {"xval": 2}], PT),
        "maybe": pa.array([{"inner": 3}, {"inner": 4}], BOX),
    }
    cols.update(over)
    return pa.table(cols)


@pytest.fixture
def req(compile_schemas: Any) -> Any:
    return compile_schemas({"req.avsc": REQ_SCHEMA}).module("rv.req")


NULL_IN_REQUIRED = [
    pytest.param({"count": pa.array([1, None], pa.int64())}, "count", id="top-level-long"),
    pytest.param({"label": pa.array(["x", None])}, "label", id="top-level-string"),
    pytest.param({"tags": pa.array([["q"], None], pa.list_(pa.string()))}, "tags",
                 id="top-level-list"),
    pytest.param({"tags": pa.array([["q", None], []], pa.list_(pa.string()))}, "tags[]",
                 id="null-item-in-list"),
    pytest.param({"counts": pa.array([[("k", 1)], [("j", None)]], COUNTS)}, "counts{}",
                 id="null-map-value"),
    pytest.param({"point": pa.StructArray.from_arrays([pa.array([1, None], pa.int64())],
                                                      names=["xval"])},
                 "point.xval", id="child-of-non-null-record"),
    pytest.param({"point": pa.array([{"xval": 1}, None], PT)}, "point", id="required-record"),
]


@pytest.mark.parametrize(("override", "path"), NULL_IN_REQUIRED)
def test_foreign_null_in_required_field_is_read_error(req: Any, tmp_path: Path,
                                                      override: dict[str, Any], path: str) -> None:
    table = foreign_table(**override)
    file = tmp_path / "foreign_nulls.parquet"
    pq.write_table(table, file)
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(req.Req, file))
    msg = str(ei.value)
    assert file.name in msg, msg
    assert names_path(msg, path), msg


def test_foreign_null_child_under_null_parent_reads(req: Any, tmp_path: Path) -> None:
    maybe = pa.StructArray.from_arrays([pa.array([None, 4], pa.int64())], names=["inner"],
                                       mask=pa.array([True, False]))
    file = tmp_path / "null_parent.parquet"
    pq.write_table(foreign_table(maybe=maybe), file)
    assert pq.read_table(file).column("maybe").to_pylist() == [None, {"inner": 4}]
    back = list(schemagen.read(req.Req, file))
    assert back == [
        req.Req(count=1, label="x", tags=["q"], counts={"k": 1}, point=req.Pt(xval=1), maybe=None),
        req.Req(count=2, label="y", tags=[], counts={}, point=req.Pt(xval=2),
                maybe=req.Box(inner=4)),
    ]


# --------------------------------------------------------------------------- 8. dictionary input


@pytest.fixture
def fixeds(compile_schemas: Any) -> Any:
    return compile_schemas({"fx.avsc": record_schema("rv.fx", [
        {"name": "f", "type": {"type": "fixed", "name": "F4", "size": 4}},
        {"name": "w", "type": {"type": "fixed", "name": "W", "size": 12, "logicalType": "duration"}},
        {"name": "u", "type": {"type": "string", "logicalType": "uuid"}}])}).module("rv.fx")


def test_dictionary_binary_into_fixed(fixeds: Any, tmp_path: Path) -> None:
    u1, u2 = uuid.UUID(int=1), uuid.UUID(int=2)
    w1 = struct.pack("<III", 1, 2, 3)
    table = pa.table({
        "f": pa.array([b"abcd", b"wxyz", b"abcd"]).dictionary_encode(),
        "w": pa.array([w1] * 3).dictionary_encode(),
        "u": pa.array([u1.bytes, u2.bytes, u1.bytes], pa.binary(16)),
    })
    file = tmp_path / "dict.parquet"
    pq.write_table(table, file, use_dictionary=True)
    types = pq.read_schema(file).types
    assert pa.types.is_dictionary(types[0]) and pa.types.is_dictionary(types[1])  # under test
    back = list(schemagen.read(fixeds.R, file))
    interval = schemagen.Interval(1, 2, 3)
    assert back == [fixeds.R(f=b"abcd", w=interval, u=u1), fixeds.R(f=b"wxyz", w=interval, u=u2),
                    fixeds.R(f=b"abcd", w=interval, u=u1)]


def test_dictionary_encoded_fixed_width_into_fixed(fixeds: Any, tmp_path: Path) -> None:
    u1 = uuid.UUID(int=7)
    w1 = struct.pack("<III", 4, 5, 6)
    table = pa.table({
        "f": pa.array([b"abcd", b"wxyz"], pa.binary(4)).dictionary_encode(),
        "w": pa.array([w1, w1], pa.binary(12)).dictionary_encode(),
        "u": pa.array([u1.bytes, u1.bytes], pa.binary(16)).dictionary_encode(),
    })
    file = tmp_path / "dict_fixed.parquet"
    pq.write_table(table, file, use_dictionary=True)
    md = pq.ParquetFile(file).metadata.row_group(0)
    assert all(md.column(i).has_dictionary_page for i in range(3))
    back = list(schemagen.read(fixeds.R, file))
    interval = schemagen.Interval(4, 5, 6)
    assert back == [fixeds.R(f=b"abcd", w=interval, u=u1), fixeds.R(f=b"wxyz", w=interval, u=u1)]


DICT_COLUMNS = [
    pytest.param("long", pa.array([5, 6, 5], pa.int64()), [5, 6, 5], id="long"),
    pytest.param("double", pa.array([0.5, 1.5, 0.5]), [0.5, 1.5, 0.5], id="double"),
    pytest.param({"type": "int", "logicalType": "date"},
                 pa.array([datetime.date(2020, 1, 2), datetime.date(2021, 3, 4),
                           datetime.date(2020, 1, 2)]),
                 [datetime.date(2020, 1, 2), datetime.date(2021, 3, 4), datetime.date(2020, 1, 2)],
                 id="date"),
    pytest.param({"type": "long", "logicalType": "time-micros"},
                 pa.array([datetime.time(1, 2, 3, 4), datetime.time(5, 6), datetime.time(1, 2, 3, 4)],
                          pa.time64("us")),
                 [datetime.time(1, 2, 3, 4), datetime.time(5, 6), datetime.time(1, 2, 3, 4)],
                 id="time"),
    pytest.param({"type": "long", "logicalType": "timestamp-micros"},
                 pa.array([1, 2, 1], pa.timestamp("us", tz="UTC")),
                 [datetime.datetime(1970, 1, 1, 0, 0, 0, us, tzinfo=datetime.UTC)
                  for us in (1, 2, 1)], id="timestamp"),
    pytest.param({"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
                 pa.array([decimal.Decimal("1.50"), decimal.Decimal("2.25"),
                           decimal.Decimal("1.50")], pa.decimal128(9, 2)),
                 [decimal.Decimal("1.50"), decimal.Decimal("2.25"), decimal.Decimal("1.50")],
                 id="decimal"),
    pytest.param("bytes", pa.array([b"a", b"b", b"a"]), [b"a", b"b", b"a"], id="bytes"),
    pytest.param("string", pa.array(["a", "b", "a"]), ["a", "b", "a"], id="string"),
]


@pytest.mark.parametrize(("avro_type", "arr", "values"), DICT_COLUMNS)
def test_dictionary_encoded_columns_read(compile_schemas: Any, tmp_path: Path, avro_type: Any,
                                         arr: pa.Array, values: list[Any]) -> None:
    m = compile_schemas({"d.avsc": record_schema("rv.dict", [{"name": "v", "type": avro_type}])}
                        ).module("rv.dict")
    file = tmp_path / "dict_col.parquet"
    # dictionary-typed in memory, as a reader of another tool's file may hand it over
    table = pa.table({"v": arr.dictionary_encode()})
    back = m.R.__schemagen__.from_batch(table.to_batches()[0])
    assert [r.v for r in back] == values
    pq.write_table(table, file, use_dictionary=True)
    assert [r.v for r in schemagen.read(m.R, file)] == values


# --------------------------------------------------------------------------- 12. null-typed columns


@pytest.fixture
def nulls(compile_schemas: Any) -> Any:
    return compile_schemas({"n.avsc": record_schema("rv.nulls", [
        {"name": "n", "type": "null"}, {"name": "i", "type": "int"}])}).module("rv.nulls")


def test_null_field_from_all_null_int32_column(nulls: Any, tmp_path: Path) -> None:
    file = tmp_path / "int32_nulls.parquet"
    pq.write_table(pa.table({"n": pa.array([None, None], pa.int32()),
                             "i": pa.array([1, 2], pa.int32())}), file)
    assert pq.read_schema(file).field("n").type == pa.int32()
    assert list(schemagen.read(nulls.R, file)) == [nulls.R(n=None, i=1), nulls.R(n=None, i=2)]


def test_null_field_holding_a_value_is_read_error(nulls: Any, tmp_path: Path) -> None:
    file = tmp_path / "int32_value.parquet"
    pq.write_table(pa.table({"n": pa.array([None, 5], pa.int32()),
                             "i": pa.array([1, 2], pa.int32())}), file)
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(nulls.R, file))
    assert file.name in str(ei.value)


# --------------------------------------------------------------------------- dates beyond year 9999


@pytest.mark.parametrize(
    ("field_type", "arrow"),
    [
        ({"type": "int", "logicalType": "date"},
         pa.array([20_000_000], pa.int32()).cast(pa.date32())),
        ({"type": "long", "logicalType": "local-timestamp-micros"},
         pa.array([253_402_300_800_000_000], pa.timestamp("us"))),
    ],
    ids=["date", "timestamp"],
)
def test_dates_beyond_python_range_are_read_errors(compile_schemas: Any, tmp_path: Path,
                                                    field_type: dict[str, Any],
                                                    arrow: Any) -> None:
    """numpy's tolist() would silently give an int for these; schemagen refuses."""
    pkg = compile_schemas({"d.avsc": record_schema("dr", [{"name": "d", "type": field_type}])})
    rec = pkg.module("dr").R
    path = tmp_path / "foreign.parquet"
    pq.write_table(pa.table({"d": arrow}), path)
    with pytest.raises(schemagen.ReadError, match="years 1..9999") as info:
        list(schemagen.read(rec, path))
    assert "foreign.parquet" in str(info.value)


# --------------------------------------------------------------------------- footer text


def test_a_column_name_that_is_not_utf8_is_a_read_error(compile_schemas: Any,
                                                        tmp_path: Path) -> None:
    # found by tests/e2e/test_fuzz_parquet.py: pyarrow decodes the footer's column names
    # as UTF-8 and raised UnicodeDecodeError out of schemagen.read (a traceback)
    pkg = compile_schemas(record_schema("nu.names", [{"name": "zqxname", "type": "long"}],
                                        name="Nm"))
    cls = pkg.module("nu.names").Nm
    path = tmp_path / "names.parquet"
    schemagen.write([cls(zqxname=1)], path)
    data = path.read_bytes()
    n = struct.unpack("<I", data[-8:-4])[0]
    start = len(data) - 8 - n
    footer = data[start:-8].replace(b"zqxname", b"\xed\xa0\x80zqxn")
    assert footer != data[start:-8]
    path.write_bytes(data[:start] + footer + data[-8:])
    with pytest.raises(schemagen.ReadError, match=r"names\.parquet: not a readable Parquet "
                       r"file \(its footer holds text that is not UTF-8: b'\\xed\\xa0"):
        list(schemagen.read(cls, path))
    with pytest.raises(schemagen.ReadError, match="not UTF-8"):
        schemagen.read_arrow(cls, path)
