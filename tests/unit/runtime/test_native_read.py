"""The native reader (``_columns.read``) against the generated pure-Python one: the same
records for every batch the native path takes (whole, sliced, projected), and the
pure-Python path (so the same errors, word for word) for every batch it does not."""

from __future__ import annotations

import datetime
import gc
import json
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_helpers import GenPackage, Strategies, build_package, purge, write_schema_files

import schemagen
from schemagen.runtime import native

pytestmark = pytest.mark.skipif(not native.active(), reason=native.status())

SQL = """-- dialect: duckdb
CREATE TABLE natr.kinds (
  i8 TINYINT NOT NULL, i16 SMALLINT, i32 INTEGER NOT NULL, i64 BIGINT,
  u8 UTINYINT, u16 USMALLINT NOT NULL, u32 UINTEGER, u64 UBIGINT NOT NULL,
  f32 FLOAT, f64 DOUBLE NOT NULL, ok BOOLEAN, name VARCHAR NOT NULL, raw BLOB,
  day DATE, t TIME NOT NULL, ts TIMESTAMP, ts_ms TIMESTAMP_MS, ts_ns TIMESTAMP_NS,
  ts_s TIMESTAMP_S, tz TIMESTAMPTZ,
  ints INTEGER[], names VARCHAR[] NOT NULL, grid BIGINT[][],
  addr STRUCT(city VARCHAR, zip INTEGER, tags VARCHAR[]),
  addrs STRUCT(city VARCHAR, at TIMESTAMPTZ)[]
);
"""

# defaults of every kind the reader fills for a field the batch lacks
AVRO = {
    "type": "record", "name": "Person", "namespace": "natr",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "nick", "type": "string", "default": "anon"},
        {"name": "score", "type": "double", "default": 1.5},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": ["a", "b"]},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "born", "type": {"type": "int", "logicalType": "date"}},
        {"name": "home", "type": {
            "type": "record", "name": "Home", "fields": [
                {"name": "city", "type": "string"},
                {"name": "floor", "type": "int", "default": 0},
                {"name": "rooms", "type": {"type": "array", "items": "int"}, "default": []},
            ]}},
        {"name": "past", "type": {"type": "array", "items": "Home"}},
        {"name": "old", "type": ["null", "Home"], "default": None},
    ],
}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    root = tmp_path_factory.mktemp("native_read")
    files = {"kinds.sql": SQL, "person.avsc": json.dumps(AVRO)}
    p = build_package(write_schema_files(root / "schemas", files), root / "out")
    yield p
    purge(p)


def outcome(fn: Any, batch: Any) -> Any:
    try:
        return fn(batch)
    except Exception as exc:  # noqa: BLE001 - compared below
        return exc


def assert_same_outcome(cls: Any, batch: Any) -> Any:
    """The native and the pure-Python reader give equal records, or the same error."""
    info = cls.__schemagen__
    a, b = outcome(info.from_batch, batch), outcome(info.from_batch.__wrapped__, batch)
    if isinstance(b, Exception):
        assert type(a) is type(b) and str(a) == str(b), (a, b)
    else:
        assert not isinstance(a, Exception), a
        assert a == b
        assert [type(r) for r in a] == [type(r) for r in b]
    return a


def native_read(cls: Any, batch: Any) -> list[Any] | None:
    """The native reader's own outcome (None: it leaves the batch to the pure path)."""
    info = cls.__schemagen__
    plan = native.read_plan_for(cls, *info.ir, info.arrow_schema(), batch.schema)
    assert plan is not None, "no native read plan"
    return plan.read(batch)


def rows_of(pkg: GenPackage, name: str, data: st.DataObject, max_size: int = 6) -> list[Any]:
    cls = pkg.records()[name]
    _, types = cls.__schemagen__.ir
    return data.draw(st.lists(Strategies(pkg, types).record(name), min_size=1,
                              max_size=max_size))


def batch_of(cls: Any, rows: list[Any]) -> Any:
    info = cls.__schemagen__
    return info.to_batch.__wrapped__(rows, info.arrow_schema())


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_same_records_as_the_pure_python_reader(pkg: GenPackage, data: st.DataObject) -> None:
    cls = pkg.record("natr.Kinds")
    rows = rows_of(pkg, "natr.Kinds", data)
    batch = batch_of(cls, rows)
    got = native_read(cls, batch)
    assert got is not None, "the native reader bailed on a batch the writer made"
    assert got == cls.__schemagen__.from_batch.__wrapped__(batch) == rows


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_sliced_batches_read_as_in_python(pkg: GenPackage, data: st.DataObject) -> None:
    cls = pkg.record("natr.Kinds")
    rows = rows_of(pkg, "natr.Kinds", data, 8)
    start = data.draw(st.integers(0, len(rows) - 1))
    stop = data.draw(st.integers(start + 1, len(rows)))
    batch = batch_of(cls, rows).slice(start, stop - start)
    got = native_read(cls, batch)
    assert got is not None
    assert got == cls.__schemagen__.from_batch.__wrapped__(batch) == rows[start:stop]


PERSON_COLUMNS = ["id", "nick", "score", "tags", "note", "born", "home", "past", "old"]


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_projected_batches_get_the_defaults_of_the_pure_python_reader(
        pkg: GenPackage, data: st.DataObject) -> None:
    cls = pkg.record("natr.Person")
    rows = rows_of(pkg, "natr.Person", data)
    batch = batch_of(cls, rows)
    keep = data.draw(st.lists(st.sampled_from(PERSON_COLUMNS), unique=True))
    home_keep = data.draw(st.lists(st.sampled_from(["city", "floor", "rooms"]), unique=True))
    arrays, fields = [], []
    for name in keep:
        arr = batch.column(name)
        if name == "home" and home_keep:  # a nested projection: some fields of the record
            arr = pa.StructArray.from_arrays([arr.field(n) for n in home_keep], home_keep)
        arrays.append(arr)
        fields.append(pa.field(name, arr.type))
    projected = pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields)) if arrays \
        else pa.RecordBatch.from_pydict({"zz": [0] * len(rows)})
    got = native_read(cls, projected)
    assert got is not None
    pure = cls.__schemagen__.from_batch.__wrapped__(projected)
    assert got == pure
    # mutable defaults are fresh objects per record, as in the pure reader
    if "tags" not in keep and len(got) > 1:
        assert got[0].tags == ["a", "b"] and got[0].tags is not got[1].tags


def test_defaults_are_those_the_pure_reader_sets(pkg: GenPackage) -> None:
    cls = pkg.record("natr.Person")
    batch = pa.RecordBatch.from_pydict({"id": pa.array([7, 8], pa.int64())})
    got = assert_same_outcome(cls, batch)
    assert native_read(cls, batch) == got
    assert [(r.id_, r.nick, r.score, r.tags, r.note, r.born, r.old) for r in got] == [
        (7, "anon", 1.5, ["a", "b"], None, None, None),
        (8, "anon", 1.5, ["a", "b"], None, None, None)]


def _kinds_batch(pkg: GenPackage, n: int = 3) -> Any:
    cls = pkg.record("natr.Kinds")
    good = dict(
        i8=1, i16=None, i32=3, i64=None, u8=None, u16=5, u32=None, u64=2**64 - 1, f32=None,
        f64=1.5, ok=None, name="n", raw=None, day=datetime.date(2020, 1, 2),
        t=datetime.time(1, 2, 3), ts=None, ts_ms=None, ts_ns=None, ts_s=None, tz=None,
        ints=[1, None], names=["x"], grid=[[1], []], addr=None, addrs=None)
    return batch_of(cls, [cls(**good) for _ in range(n)])


def _replace(batch: Any, name: str, arr: Any) -> Any:
    i = batch.schema.get_field_index(name)
    return batch.set_column(i, pa.field(name, arr.type, batch.schema.field(i).nullable), arr)


def _invalid_utf8() -> Any:
    return pa.Array.from_buffers(pa.string(), 3, [None, pa.py_buffer(
        b"\0\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0"), pa.py_buffer(b"ab\xff")])


def _null_list_with_items() -> Any:
    # row 1 is null but its offsets still span a value (the pure reader converts it)
    return pa.ListArray.from_buffers(pa.list_(pa.int32()), 3, [
        pa.py_buffer(bytes([0b101])), pa.py_buffer(b"\0\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0")],
        children=[pa.array([1, 2, 3], pa.int32())])


# batches other writers can produce: each read exactly as the pure-Python reader reads it
FOREIGN: dict[str, Any] = {
    "null in a required int": ("i8", pa.array([1, None, 3], pa.int8())),
    "null in a required str": ("name", pa.array(["a", None, "c"])),
    "date beyond year 9999": ("day", pa.array([0, 3_000_000, 1], pa.date32())),
    "date before year 1": ("day", pa.array([0, -800_000, 1], pa.date32())),
    "time beyond a day": ("t", pa.array([0, 86_400_000_000, 1], pa.time64("us"))),
    "negative time": ("t", pa.array([0, -1, 1], pa.time64("us"))),
    "sub-microsecond ns": ("ts_ns", pa.array([0, 1_500, 1], pa.timestamp("ns"))),
    "timestamp beyond 9999": ("ts", pa.array([0, 2**62, 1], pa.timestamp("us"))),
    "seconds overflowing us": ("ts_s", pa.array([0, 2**62, 1], pa.timestamp("s"))),
    "invalid UTF-8": ("name", _invalid_utf8()),
    "dictionary-encoded strings": ("name", pa.array(["a", "b", "a"]).dictionary_encode()),
    "other int width": ("i8", pa.array([1, 2, 3], pa.int64())),
    "naive for UTC": ("tz", pa.array([0, 1, 2], pa.timestamp("us"))),
    "null list spanning values": ("ints", _null_list_with_items()),
    "null in a required list": ("names", pa.array([["a"], None, []], pa.list_(pa.string()))),
    "large strings": ("name", pa.array(["a", "b", "c"], pa.large_string())),
}


@pytest.mark.parametrize("case", sorted(FOREIGN))
def test_foreign_batches_read_as_in_python(pkg: GenPackage, case: str) -> None:
    name, arr = FOREIGN[case]
    batch = _replace(_kinds_batch(pkg), name, arr)
    assert_same_outcome(pkg.record("natr.Kinds"), batch)


def test_bad_values_fall_back_and_fail_with_the_pure_readers_message(pkg: GenPackage) -> None:
    cls = pkg.record("natr.Kinds")
    batch = _replace(_kinds_batch(pkg), "i8", pa.array([1, None, 3], pa.int8()))
    assert native_read(cls, batch) is None  # the native reader leaves it to Python
    with pytest.raises(schemagen.ReadError,
                       match=r"^column 'i8' holds 1 null value\(s\) but the field is required$"):
        cls.__schemagen__.from_batch(batch)


def test_null_records_and_required_fields_below_them(pkg: GenPackage) -> None:
    cls = pkg.record("natr.Person")
    home = pa.struct([pa.field("city", pa.string(), nullable=False),
                      pa.field("floor", pa.int32(), nullable=False),
                      pa.field("rooms", pa.list_(pa.field("element", pa.int32(), False)),
                               nullable=False)])
    # a null record may hold nulls in its required fields; a valid one may not
    under_null = pa.StructArray.from_arrays(
        [pa.array(["x", None]), pa.array([1, None], pa.int32()),
         pa.array([[1], []], home.field("rooms").type)], fields=list(home),
        mask=pa.array([False, True]))
    bad = pa.StructArray.from_arrays(
        [pa.array(["x", None]), pa.array([1, 2], pa.int32()),
         pa.array([[1], []], home.field("rooms").type)], fields=list(home))
    for old, expect_native in ((under_null, True), (bad, False)):
        batch = pa.RecordBatch.from_arrays([pa.array([1, 2], pa.int64()), old],
                                           names=["id", "old"])
        got = assert_same_outcome(cls, batch)
        assert (native_read(cls, batch) is not None) is expect_native
        if expect_native:
            assert got[1].old is None and got[0].old.city == "x"


def test_files_read_back_through_the_native_reader(tmp_path: Path) -> None:
    from generated.example.sales import MarketingInfo, Transaction, TransInfo, UserInfo

    rows = [Transaction(trans_id=i, date=datetime.date(2024, 5, 1 + i % 30),
                        time=datetime.time(1, 2, 3, 4000), amount=1.0 + i,
                        user_info=UserInfo(cust_id=i, device="web", state="ca"),
                        marketing_info=MarketingInfo(camp_id=3, keywords=["a", "b"][: i % 3]),
                        trans_info=TransInfo(prod_id=[i, i + 1], purch_flag=bool(i % 2)))
            for i in range(5000)]
    path = tmp_path / "t.parquet"
    schemagen.write(rows, path)
    batch = pq.read_table(path).to_batches()[0]
    assert native_read(Transaction, batch) is not None
    assert list(schemagen.read(Transaction, path, batch_size=700)) == rows
    with native.using(False):
        assert list(schemagen.read(Transaction, path, batch_size=700)) == rows
    proj = list(schemagen.read(Transaction, path, columns=["trans_id", "user_info.cust_id"]))
    with native.using(False):
        assert proj == list(schemagen.read(Transaction, path,
                                           columns=["trans_id", "user_info.cust_id"]))


def test_a_thousand_reads_of_one_batch_keep_memory_flat(pkg: GenPackage) -> None:
    cls = pkg.record("natr.Person")
    home = cls.__schemagen__.arrow_schema().field("home").type
    batch = pa.RecordBatch.from_arrays(
        [pa.array(range(200), pa.int64()), pa.array([f"n{i}" for i in range(200)]),
         pa.StructArray.from_arrays([pa.array(["c"] * 200), pa.array(range(200), pa.int32()),
                                     pa.array([[1, 2]] * 200, home.field("rooms").type)],
                                    fields=list(home))],
        names=["id", "nick", "home"])
    bad = _replace(batch, "id", pa.array([None] + list(range(199)), pa.int64()))
    info = cls.__schemagen__
    default = cls.__dataclass_fields__["score"].default
    for b in (batch, bad):  # a plan per layout, made before counting
        outcome(info.from_batch, b)
    gc.collect()
    refs = (sys.getrefcount(cls), sys.getrefcount(default))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(1000):
            assert len(info.from_batch(batch)) == 200
            assert native_read(cls, bad) is None
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert (sys.getrefcount(cls), sys.getrefcount(default)) == refs
    assert grown < 64 * 1024, f"{grown} bytes kept after 1,000 reads"


def test_repeated_and_distinct_values_in_long_columns(pkg: GenPackage) -> None:
    """Columns long enough for the reader's value cache to be judged: repeating strs and
    dates (shared), distinct ones (the cache turned off), non-ASCII and long strs (never
    cached), each equal to the pure reader's."""
    cls = pkg.record("natr.Person")
    n = 20_000
    texts = {
        "repeating": [f"s{i % 7}" for i in range(n)],
        "distinct": [f"d{i}" for i in range(n)],
        "colliding": [f"{i % 3000}" for i in range(n)],  # more than the cache's entries
        "non-ASCII": [f"é{i % 5}" for i in range(n)],
        "long": [("x" * 40) + str(i % 3) for i in range(n)],
    }
    home = cls.__schemagen__.arrow_schema().field("home").type
    for case, words in texts.items():
        batch = pa.RecordBatch.from_arrays(
            [pa.array(range(n), pa.int64()), pa.array(words),
             pa.array([i % 4000 - 2000 for i in range(n)], pa.date32()),
             pa.StructArray.from_arrays(
                 [pa.array(words[::-1]), pa.array([0] * n, pa.int32()),
                  pa.array([[i % 3] for i in range(n)], home.field("rooms").type)], fields=list(home))],
            names=["id", "nick", "born", "home"])
        got = native_read(cls, batch)
        assert got is not None, case
        assert got == cls.__schemagen__.from_batch.__wrapped__(batch), case
        assert [r.nick for r in got] == words and [r.home.city for r in got] == words[::-1]
        assert got[1].born == datetime.date(1970, 1, 1) + datetime.timedelta(days=-1999)
    # equal immutable values of a column may be one object (they are immutable)
    got = native_read(cls, pa.RecordBatch.from_arrays(
        [pa.array([1, 2], pa.int64()), pa.array(["same", "same"])], names=["id", "nick"]))
    assert got is not None and got[0].nick == got[1].nick == "same"
