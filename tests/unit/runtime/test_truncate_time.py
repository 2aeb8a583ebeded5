"""Issue 15 item 21 (first bullet): ``truncate_time=True`` floors time and timestamp values
to their column's unit (toward the past, before 1970 too) instead of refusing the digits
the unit cannot hold; the strict default stays, its error naming the field and the value.
``write``, ``ParquetWriter`` and ``DatasetWriter`` take it, on the native and the
pure-Python path alike (the generated converters read it from a context variable).

On the old main ``truncate_time`` was an unknown writer option (UsageError), and
``datetime.now(UTC)`` could not be written to a ``timestamp-millis`` field at all."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_helpers import record_schema

import schemagen
from schemagen.runtime import native

UTC = datetime.UTC


def logical(base: str, name: str) -> dict[str, str]:
    return {"type": base, "logicalType": name}


SCHEMA = record_schema("trt", [
    {"name": "ms", "type": logical("long", "timestamp-millis")},
    {"name": "local_ms", "type": ["null", logical("long", "local-timestamp-millis")],
     "default": None},
    {"name": "us", "type": logical("long", "timestamp-micros")},
    {"name": "tod_ms", "type": logical("int", "time-millis")},
    {"name": "tod_us", "type": logical("long", "time-micros")},
    {"name": "many", "type": {"type": "array", "items": logical("long", "timestamp-millis")},
     "default": []},
], name="T")
SQL_SECONDS = """-- dialect: duckdb
CREATE TABLE trs.secs (at TIMESTAMP_S NOT NULL, at_ns TIMESTAMP_NS, t TIME NOT NULL);
"""


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from sg_helpers import build_package, purge, write_schema_files

    root = tmp_path_factory.mktemp("trunc")
    p = build_package(write_schema_files(root / "s", {"t.avsc": SCHEMA, "s.sql": SQL_SECONDS}),
                      root / "out")
    yield p
    purge(p)


@pytest.fixture(params=["native", "pure"])
def path_kind(request: pytest.FixtureRequest) -> Any:
    if request.param == "native" and not native.active():
        pytest.skip("the C extension is not built")
    with native.using(request.param == "native"):
        yield request.param


def floor_ms(v: Any) -> Any:
    return v.replace(microsecond=v.microsecond // 1000 * 1000)


def floor_s(v: Any) -> Any:
    return v.replace(microsecond=0)


instants = st.datetimes(min_value=datetime.datetime(1, 1, 1),
                        max_value=datetime.datetime(9999, 12, 31, 23, 59, 59, 999999))
aware = instants.map(lambda d: d.replace(tzinfo=UTC))


def record(pkg: Any, at: datetime.datetime, local: datetime.datetime | None,
           tod: datetime.time, many: list[datetime.datetime]) -> Any:
    cls = pkg.module("trt").T
    return cls(ms=at, local_ms=local, us=at, tod_ms=tod, tod_us=tod, many=many)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(at=aware, local=st.none() | instants, tod=st.times(),
       many=st.lists(aware, max_size=3))
def test_truncated_values_read_back_floored(pkg: Any, tmp_path: Path, path_kind: str,
                                            at: datetime.datetime, local: Any,
                                            tod: datetime.time, many: list[Any]) -> None:
    rec = record(pkg, at, local, tod, many)
    f = tmp_path / f"{path_kind}.parquet"
    schemagen.write([rec], f, truncate_time=True)
    [back] = schemagen.read(type(rec), f)
    assert back.ms == floor_ms(at) and back.us == at  # us: nothing to drop
    assert back.local_ms == (None if local is None else floor_ms(local))
    assert back.tod_ms == floor_ms(tod) and back.tod_us == tod
    assert back.many == [floor_ms(m) for m in many]
    if floor_ms(at) != at:  # the strict default refuses it, naming the field and value
        with pytest.raises(schemagen.RecordError) as ei:
            schemagen.write([rec], tmp_path / "strict.parquet")
        first = ei.value.problems[0]
        assert (first.path, first.value) == ("ms", at)
        assert "datetime.datetime with ms precision" in str(ei.value)
        assert "truncate_time=True" in str(ei.value)
        assert not (tmp_path / "strict.parquet").exists()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(at=instants, t=st.times())
def test_both_paths_give_identical_arrays(pkg: Any, at: datetime.datetime,
                                          t: datetime.time) -> None:
    """Seconds, nanoseconds and time of day: the native batch equals the pure one."""
    from schemagen.runtime.columns import TRUNCATE_TIME

    cls = pkg.module("trs").Secs
    rows = [cls(at=at, at_ns=at if 1678 <= at.year <= 2261 else None, t=t)]
    info = cls.__schemagen__
    schema = info.arrow_schema()
    token = TRUNCATE_TIME.set(True)
    try:
        pure = info.to_batch.__wrapped__(rows, schema)
        if native.active():
            plan = native.plan_for(cls, *info.ir)
            assert plan is not None
            built = plan.build(rows, schema)
            assert built is not None, "the native path bailed on a value to truncate"
            assert built.equals(pure)
    finally:
        TRUNCATE_TIME.reset(token)
    got = pure.to_pylist()[0]
    assert got["at"] == floor_s(at)
    assert got["t"] == t  # TIME is microseconds: nothing to drop
    if rows[0].at_ns is not None:
        assert got["at_ns"] == at


@pytest.mark.parametrize(("value", "want"), [
    # before 1970 "floor" is toward the past, never toward 1970
    (datetime.datetime(1969, 12, 31, 23, 59, 59, 999500, tzinfo=UTC),
     datetime.datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
    (datetime.datetime(1, 1, 1, 0, 0, 0, 999, tzinfo=UTC), datetime.datetime(1, 1, 1, tzinfo=UTC)),
    (datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
     datetime.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
    (datetime.datetime(2024, 5, 6, 1, 2, 3, 456789,
                       tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
     datetime.datetime(2024, 5, 6, 6, 2, 3, 456000, tzinfo=UTC)),
])
def test_floor_is_toward_the_past(pkg: Any, tmp_path: Path, path_kind: str,
                                  value: datetime.datetime, want: datetime.datetime) -> None:
    rec = record(pkg, value, None, datetime.time(), [value])
    f = tmp_path / "f.parquet"
    schemagen.write([rec], f, truncate_time=True)
    table = pq.read_table(f)
    assert table.column("ms").to_pylist() == [want]
    assert table.column("many").to_pylist() == [[want]]


def test_now_in_a_millis_field_with_every_writer(pkg: Any, tmp_path: Path) -> None:
    now = datetime.datetime.now(UTC).replace(microsecond=123456)
    rec = record(pkg, now, None, datetime.time(1, 2, 3, 456789), [])
    cls = type(rec)
    with schemagen.ParquetWriter(cls, tmp_path / "a.parquet", truncate_time=True) as w:
        w.write(rec)
    with schemagen.DatasetWriter(cls, tmp_path / "ds", truncate_time=True) as dw:
        dw.write(rec)
    schemagen.write([rec], tmp_path / "ds2", truncate_time=True)
    for path in (tmp_path / "a.parquet", tmp_path / "ds", tmp_path / "ds2"):
        [back] = schemagen.read(cls, path)
        assert back.ms == floor_ms(now) and back.tod_ms == datetime.time(1, 2, 3, 456000)
    with pytest.raises(schemagen.RecordError, match="field tod_ms"):
        with schemagen.DatasetWriter(cls, tmp_path / "strict") as dw:
            dw.write(record(pkg, floor_ms(now), None, datetime.time(0, 0, 0, 1), []))


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_truncate_time_must_be_a_bool(pkg: Any, tmp_path: Path, bad: Any) -> None:
    rec = record(pkg, datetime.datetime(2024, 1, 1, tzinfo=UTC), None, datetime.time(), [])
    with pytest.raises(schemagen.UsageError, match="truncate_time must be True or False"):
        schemagen.write([rec], tmp_path / "f.parquet", truncate_time=bad)
    assert not (tmp_path / "f.parquet").exists()


def test_the_setting_does_not_leak_to_other_writers(pkg: Any, tmp_path: Path) -> None:
    from schemagen.runtime.columns import TRUNCATE_TIME

    at = datetime.datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
    rec = record(pkg, at, None, datetime.time(), [])
    schemagen.write([rec], tmp_path / "t.parquet", truncate_time=True)
    assert TRUNCATE_TIME.get() is False
    with pytest.raises(schemagen.RecordError):
        schemagen.write([rec], tmp_path / "s.parquet")
