"""The native column builders (``schemagen.runtime.native``) against the generated
pure-Python ones: the same Arrow arrays for every value the native path takes, and the
pure-Python path (so the same errors, word for word) for every value it does not."""

from __future__ import annotations

import datetime
import gc
import os
import subprocess
import sys
import threading
import uuid
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
CREATE TABLE nat.kinds (
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


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    root = tmp_path_factory.mktemp("native")
    p = build_package(write_schema_files(root / "schemas", {"kinds.sql": SQL}), root / "out")
    yield p
    purge(p)


def kinds(pkg: GenPackage) -> Any:
    return pkg.records()["nat.Kinds"]


def both(cls: Any, records: list[Any]) -> tuple[Any, Any]:
    """(native path's outcome, pure-Python path's outcome): a batch or the exception."""
    info = cls.__schemagen__
    schema = info.arrow_schema()
    out = []
    for fn in (info.to_batch, info.to_batch.__wrapped__):
        try:
            out.append(fn(records, schema))
        except Exception as exc:  # noqa: BLE001 - compared below
            out.append(exc)
    return out[0], out[1]


def assert_same(a: Any, b: Any) -> None:
    if isinstance(b, Exception):
        assert type(a) is type(b) and str(a) == str(b)
    else:
        assert not isinstance(a, Exception), a
        assert a.schema.equals(b.schema, check_metadata=True)
        assert a.equals(b), (a.to_pylist(), b.to_pylist())


def test_the_record_has_a_native_plan(pkg: GenPackage) -> None:
    cls = kinds(pkg)
    root, types = cls.__schemagen__.ir
    plan = native.plan_for(cls, root, types)
    assert plan is not None


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_same_arrays_as_the_pure_python_path(pkg: GenPackage, data: st.DataObject) -> None:
    cls = kinds(pkg)
    _, types = cls.__schemagen__.ir
    rows = data.draw(st.lists(Strategies(pkg, types).record("nat.Kinds"), min_size=1,
                              max_size=6))
    info = cls.__schemagen__
    plan = native.plan_for(cls, *info.ir)
    assert plan is not None
    built = plan.build(rows, info.arrow_schema())
    assert built is not None, "the native path bailed on valid values"
    assert_same(built, info.to_batch.__wrapped__(rows, info.arrow_schema()))
    # Parquet takes it (no null in a non-nullable column, even under a null record)
    pq.write_table(pa.Table.from_batches([built]), pa.BufferOutputStream())


def _good(pkg: GenPackage, **kw: Any) -> Any:
    cls = kinds(pkg)
    base: dict[str, Any] = dict(
        i8=1, i16=None, i32=3, i64=None, u8=None, u16=5, u32=None, u64=2**64 - 1, f32=None,
        f64=1.5, ok=None, name="n", raw=None, day=None, t=datetime.time(1, 2, 3),
        ts=None, ts_ms=None, ts_ns=None, ts_s=None, tz=None, ints=None, names=[],
        grid=None, addr=None, addrs=None)
    base.update(kw)
    return cls(**base)


UTC = datetime.UTC
BAD: dict[str, Any] = {
    "bool for an int": dict(i32=True),
    "float for an int": dict(i32=1.0),
    "int out of range": dict(i8=128),
    "negative unsigned": dict(u16=-1),
    "uint64 overflow": dict(u64=2**64),
    "int for a float": dict(f64=3),
    "float32 overflow": dict(f32=1e39),
    "int for a bool": dict(ok=1),
    "bytes for a str": dict(name=b"x"),
    "str for bytes": dict(raw="x"),
    "lone surrogate": dict(name="\ud800"),
    "datetime for a date": dict(day=datetime.datetime(2020, 1, 1)),
    "aware time": dict(t=datetime.time(1, tzinfo=UTC)),
    "aware local timestamp": dict(ts=datetime.datetime(2020, 1, 1, tzinfo=UTC)),
    "naive UTC timestamp": dict(tz=datetime.datetime(2020, 1, 1)),
    "sub-millisecond digits": dict(ts_ms=datetime.datetime(2020, 1, 1, 0, 0, 0, 1)),
    "sub-second digits": dict(ts_s=datetime.datetime(2020, 1, 1, 0, 0, 0, 1000)),
    "beyond ns range": dict(ts_ns=datetime.datetime(2300, 1, 1)),
    "None in required": dict(name=None),
    "tuple for a list": dict(names=("a",)),
    "None in a list of required": dict(names=[None]),
    "wrong item type": dict(ints=[1, "2"]),
    "dict for a record": dict(addr={"city": "x"}),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_values_the_native_path_does_not_take_behave_as_in_python(
        pkg: GenPackage, case: str) -> None:
    rows = [_good(pkg), _good(pkg, **BAD[case]), _good(pkg)]
    a, b = both(kinds(pkg), rows)
    assert_same(a, b)


SUB_UNIT = {  # values truncate_time=True floors (issue 15 item 21)
    "sub-millisecond digits": dict(ts_ms=datetime.datetime(2020, 1, 1, 0, 0, 0, 1)),
    "sub-second digits": dict(ts_s=datetime.datetime(2020, 1, 1, 0, 0, 0, 1000)),
    "before 1970": dict(ts_ms=datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),
                        ts_s=datetime.datetime(1969, 12, 31, 23, 59, 59, 1)),
}


@pytest.mark.parametrize("case", sorted(SUB_UNIT))
def test_truncate_time_gives_the_same_arrays_on_both_paths(pkg: GenPackage, case: str) -> None:
    from schemagen.runtime.columns import TRUNCATE_TIME

    rows = [_good(pkg), _good(pkg, **SUB_UNIT[case])]
    token = TRUNCATE_TIME.set(True)
    try:
        a, b = both(kinds(pkg), rows)
    finally:
        TRUNCATE_TIME.reset(token)
    assert not isinstance(a, Exception) and a is not None
    assert_same(a, b)
    strict = both(kinds(pkg), rows)  # without it: the same error on both paths
    assert isinstance(strict[1], Exception)
    assert_same(*strict)


def test_writes_read_back_equal_through_the_native_path(tmp_path: Path) -> None:
    from generated.example.sales import MarketingInfo, Transaction, TransInfo, UserInfo

    rows = [Transaction(trans_id=i, date=datetime.date(2024, 5, 1 + i % 30),
                        time=datetime.time(1, 2, 3, 4000), amount=1.0 + i,
                        user_info=UserInfo(cust_id=i, device="web", state="ca"),
                        marketing_info=MarketingInfo(camp_id=3, keywords=["a", "b"][: i % 3]),
                        trans_info=TransInfo(prod_id=[i, i + 1], purch_flag=bool(i % 2)))
            for i in range(1000)]
    info = Transaction.__schemagen__
    assert native.plan_for(Transaction, *info.ir) is not None
    schemagen.write(rows, tmp_path / "t.parquet")
    assert list(schemagen.read(Transaction, tmp_path / "t.parquet")) == rows


def test_references_stay_balanced_over_a_thousand_conversions(pkg: GenPackage) -> None:
    name = "".join(["refcounted ", "name"])
    items = ["a", "b"]
    rows = [_good(pkg, name=name, names=items) for _ in range(100)]
    info = kinds(pkg).__schemagen__
    schema = info.arrow_schema()
    info.to_batch(rows, schema)
    gc.collect()
    before = (sys.getrefcount(name), sys.getrefcount(items), sys.getrefcount(rows[0]))
    for _ in range(1000):
        info.to_batch(rows, schema)
    gc.collect()
    assert (sys.getrefcount(name), sys.getrefcount(items), sys.getrefcount(rows[0])) == before


class _Meddling(datetime.tzinfo):
    """A time zone whose utcoffset changes the records being converted (it runs Python
    code in the middle of a native conversion)."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def utcoffset(self, dt: datetime.datetime | None) -> datetime.timedelta:
        for r in self.rows:
            r.name = "x" * 50
            r.names = ["changed"]
            r.addrs = None
        self.rows.clear()
        return datetime.timedelta(hours=1)

    def tzname(self, dt: datetime.datetime | None) -> str:
        return "meddling"

    def dst(self, dt: datetime.datetime | None) -> datetime.timedelta:
        return datetime.timedelta(0)


def test_records_changed_during_a_conversion_do_not_crash(pkg: GenPackage) -> None:
    rows: list[Any] = []
    tz = _Meddling(rows)
    rows.extend(_good(pkg, tz=datetime.datetime(2020, 1, 1, tzinfo=tz), names=["a"] * 3)
                for _ in range(50))
    info = kinds(pkg).__schemagen__
    batch = info.to_batch(list(rows), info.arrow_schema())  # a snapshot list: converted
    assert batch.num_rows == 50


def test_records_changed_by_another_thread_do_not_crash(pkg: GenPackage) -> None:
    rows = [_good(pkg, names=["a"] * 20, ints=list(range(20))) for _ in range(2000)]
    info = kinds(pkg).__schemagen__
    schema = info.arrow_schema()
    stop = threading.Event()

    def meddle() -> None:
        while not stop.is_set():
            for r in rows[::7]:
                r.names = ["b"] * 20
                r.ints = None
                r.name = "m"

    t = threading.Thread(target=meddle)
    t.start()
    try:
        for _ in range(50):
            batch = info.to_batch(rows, schema)
            assert batch.num_rows == 2000
    finally:
        stop.set()
        t.join()


def test_schemagen_pure_turns_the_extension_off() -> None:
    code = "from schemagen.runtime import native; print(native.active(), native.status())"
    env = {**os.environ, "SCHEMAGEN_PURE": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("False pure-Python column builders (SCHEMAGEN_PURE=1 is set)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("True native column builders")


# ---------------------------------------------------------------- fixed (issue 14: write plans)

FIXED_AVRO = """{"type": "record", "name": "Fx", "namespace": "nat", "fields": [
  {"name": "n", "type": "long"},
  {"name": "f4", "type": {"type": "fixed", "name": "F4", "size": 4}},
  {"name": "f16", "type": ["null", {"type": "fixed", "name": "F16", "size": 16}]},
  {"name": "fl", "type": {"type": "array", "items": {"type": "fixed", "name": "F2", "size": 2}}},
  {"name": "u", "type": {"type": "string", "logicalType": "uuid"}},
  {"name": "uo", "type": ["null", {"type": "string", "logicalType": "uuid"}]},
  {"name": "ul", "type": {"type": "array", "items": {"type": "string", "logicalType": "uuid"}}},
  {"name": "inner", "type": ["null", {"type": "record", "name": "In", "fields": [
      {"name": "g", "type": "F4"}, {"name": "h", "type": ["null", "F2"]}]}]}
]}"""


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    root = tmp_path_factory.mktemp("native_fixed")
    p = build_package(write_schema_files(root / "schemas", {"fx.avsc": FIXED_AVRO}), root / "out")
    yield p
    purge(p)


U1 = uuid.UUID("12345678-9abc-def0-1122-334455667788")


def _fx(pkg: GenPackage, **kw: Any) -> Any:
    recs = pkg.records()
    base: dict[str, Any] = dict(n=1, f4=b"abcd", f16=None, fl=[b"ab", b"cd"], u=U1, uo=None,
                                ul=[U1, uuid.UUID(int=0)],
                                inner=recs["nat.In"](g=b"wxyz", h=None))
    base.update(kw)
    return recs["nat.Fx"](**base)


def test_a_record_with_fixed_fields_has_a_native_write_plan(fx: GenPackage) -> None:
    """Guards issue 14 (fixed, uuid): before, ir.Fixed or ir.Uuid anywhere in a record
    meant no plan."""
    cls = fx.records()["nat.Fx"]
    plan = native.plan_for(cls, *cls.__schemagen__.ir)
    assert plan is not None
    top = uuid.UUID(int=2**128 - 1)
    rows = [_fx(fx), _fx(fx, f16=bytes(range(16)), inner=None, fl=[], uo=top, ul=[])]
    built = plan.build(rows, cls.__schemagen__.arrow_schema())
    assert built is not None, "the native path bailed on valid fixed values"
    assert built.schema.field("f4").type == pa.binary(4)
    assert built.column("f16").to_pylist() == [None, bytes(range(16))]
    assert built.column("inner").to_pylist() == [{"g": b"wxyz", "h": None}, None]
    assert built.column("uo").to_pylist() == [None, top]
    assert built.column("ul").to_pylist() == [[U1, uuid.UUID(int=0)], []]
    assert_same(built, cls.__schemagen__.to_batch.__wrapped__(
        rows, cls.__schemagen__.arrow_schema()))


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fixed_same_arrays_as_the_pure_python_path(fx: GenPackage, data: st.DataObject) -> None:
    cls = fx.records()["nat.Fx"]
    info = cls.__schemagen__
    _, types = info.ir
    rows = data.draw(st.lists(Strategies(fx, types).record("nat.Fx"), min_size=1, max_size=6))
    plan = native.plan_for(cls, *info.ir)
    assert plan is not None
    built = plan.build(rows, info.arrow_schema())
    assert built is not None, "the native path bailed on valid values"
    assert_same(built, info.to_batch.__wrapped__(rows, info.arrow_schema()))
    pq.write_table(pa.Table.from_batches([built]), pa.BufferOutputStream())


class _Bytes(bytes):
    pass


class _Uuid(uuid.UUID):
    pass


FIXED_BAD: dict[str, Any] = {
    "too short": dict(f4=b"abc"),
    "too long": dict(f4=b"abcde"),
    "empty": dict(f16=b""),
    "str for fixed": dict(f4="abcd"),
    "bytearray for fixed": dict(f4=bytearray(b"abcd")),
    "bytes subclass": dict(f4=_Bytes(b"abcd")),
    "None in required fixed": dict(f4=None),
    "wrong length list item": dict(fl=[b"ab", b"c"]),
    "None list item": dict(fl=[None]),
    "str for a uuid": dict(u=str(U1)),
    "bytes for a uuid": dict(u=U1.bytes),
    "uuid subclass": dict(u=_Uuid(int=5)),
    "None in required uuid": dict(u=None),
    "int for a uuid": dict(uo=7),
    "None uuid list item": dict(ul=[U1, None]),
}


@pytest.mark.parametrize("case", sorted(FIXED_BAD))
def test_fixed_values_the_native_path_does_not_take_behave_as_in_python(
        fx: GenPackage, case: str) -> None:
    rows = [_fx(fx), _fx(fx, **FIXED_BAD[case]), _fx(fx)]
    cls = fx.records()["nat.Fx"]
    plan = native.plan_for(cls, *cls.__schemagen__.ir)
    assert plan is not None
    assert plan.build(rows, cls.__schemagen__.arrow_schema()) is None, "the native path took it"
    a, b = both(cls, rows)
    assert_same(a, b)


def test_fixed_nested_bad_length_bails(fx: GenPackage) -> None:
    In = fx.records()["nat.In"]
    rows = [_fx(fx, inner=In(g=b"wxyz", h=b"toolong"))]
    a, b = both(fx.records()["nat.Fx"], rows)
    assert_same(a, b)


def test_fixed_references_stay_balanced_over_a_thousand_conversions(fx: GenPackage) -> None:
    value = bytes([1, 2, 3, 4])
    u = uuid.UUID(int=2**100 + 12345)
    rows = [_fx(fx, f4=value, u=u, ul=[u]) for _ in range(100)]
    info = fx.records()["nat.Fx"].__schemagen__
    schema = info.arrow_schema()
    info.to_batch(rows, schema)
    gc.collect()
    before = (sys.getrefcount(value), sys.getrefcount(u), sys.getrefcount(u.int),
              sys.getrefcount(rows[0]))
    for _ in range(1000):
        info.to_batch(rows, schema)
    gc.collect()
    assert (sys.getrefcount(value), sys.getrefcount(u), sys.getrefcount(u.int),
            sys.getrefcount(rows[0])) == before


def test_fixed_writes_read_back_equal_through_the_native_path(fx: GenPackage,
                                                              tmp_path: Path) -> None:
    cls = fx.records()["nat.Fx"]
    rows = [_fx(fx, n=i, f16=None if i % 2 else bytes(16)) for i in range(50)]
    schemagen.write(rows, tmp_path / "f.parquet")
    assert pq.read_table(tmp_path / "f.parquet").schema.field("f4").type == pa.binary(4)
    assert list(schemagen.read(cls, tmp_path / "f.parquet")) == rows
