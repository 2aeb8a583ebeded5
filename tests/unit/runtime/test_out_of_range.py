"""Issue 15 item 16: values a file holds that the reader's column cannot (INT96 timestamps
pyarrow wraps, dates and times Python cannot hold) name file, row, field and value, keep
the rows before them, and ``out_of_range="null"|"clamp"`` reads them anyway; never a
wrapped (made-up) value, and the same result on the native and the pure-Python path.

On the old main, reading ``int96_from_spark.parquet`` raised at the first batch with
neither row nor field ("timestamp[us] values outside the years 1..9999"), and
``read_arrow`` returned row 5 wrapped into year -225829.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import CORPUS, REPO, record_schema

import schemagen
from schemagen.runtime import native

SPARK = CORPUS / "parquet" / "int96_from_spark.parquet"
needs_corpus = pytest.mark.skipif(not SPARK.is_file(), reason=f"shared corpus not found: {SPARK}")
WRAPPED = -7188624036226874385  # what pyarrow alone returns for row 5 (coerced to us)
I64_MAX = (1 << 63) - 1
TS_US = {"type": "long", "logicalType": "local-timestamp-micros"}
UTC_US = {"type": "long", "logicalType": "timestamp-micros"}


def opt(t: Any) -> Any:
    return ["null", t]


SPARK_SCHEMA = record_schema("oor.spark", [{"name": "a", "type": opt(TS_US), "default": None}],
                             name="Spark")
SPARK_REQUIRED = record_schema("oor.sparkreq", [{"name": "a", "type": TS_US}], name="Spark")
SPARK_ROWS = [datetime.datetime(2024, 1, 1, 20, 34, 56, 123456),
              datetime.datetime(2024, 1, 1, 1, 0), datetime.datetime(9999, 12, 31, 3, 0),
              datetime.datetime(2024, 12, 30, 23, 0), None]


@pytest.fixture(params=["native", "pure"])
def path_kind(request: pytest.FixtureRequest) -> Any:
    """Each test runs on the native reader and on the generated pure-Python reader."""
    if request.param == "native" and not native.active():
        pytest.skip("the C extension is not built")
    with native.using(request.param == "native"):
        yield request.param


@pytest.fixture
def spark(compile_schemas: Any) -> Any:
    return compile_schemas({"spark.avsc": SPARK_SCHEMA}).module("oor.spark").Spark


def collect(it: Any) -> tuple[list[Any], schemagen.ReadError | None]:
    """The items an iterator gives before it raises, and the ReadError it raised."""
    got: list[Any] = []
    try:
        for x in it:
            got.append(x)
    except schemagen.ReadError as exc:
        return got, exc
    return got, None


# --------------------------------------------------------------------------- the corpus file


@needs_corpus
def test_spark_int96_error_names_field_row_value_after_the_valid_rows(spark: Any,
                                                                     path_kind: str) -> None:
    got, err = collect(schemagen.read(spark, SPARK))
    assert [r.a for r in got] == SPARK_ROWS  # the rows before it are not lost
    assert err is not None
    assert (err.file, err.row, err.path) == (str(SPARK), 5, "a")
    msg = str(err)
    assert msg.startswith(f"{SPARK}: row 5: field a: INT96 timestamp +11465252-07-22T14:32:44")
    assert f"{WRAPPED} us" in msg and "-225829-07-28" in msg  # the raw, wrapped reading
    assert "outside the range of timestamp[us]" in msg and "out_of_range='null'" in msg


@needs_corpus
def test_spark_int96_read_batches_yields_the_rows_before(spark: Any, path_kind: str) -> None:
    got, err = collect(schemagen.read_batches(spark, SPARK, batch_size=4))
    assert [[r.a for r in b] for b in got] == [SPARK_ROWS[:4], SPARK_ROWS[4:]]
    assert err is not None and err.row == 5


@needs_corpus
@pytest.mark.parametrize(("how", "last"), [
    ("null", None), ("clamp", datetime.datetime(9999, 12, 31, 23, 59, 59, 999999))])
def test_spark_int96_null_and_clamp(spark: Any, path_kind: str, how: str, last: Any) -> None:
    assert [r.a for r in schemagen.read(spark, SPARK, out_of_range=how)] == [*SPARK_ROWS, last]


@needs_corpus
def test_read_arrow_never_returns_the_wrapped_value(spark: Any) -> None:
    assert pq.read_table(SPARK, coerce_int96_timestamp_unit="us").column("a").cast(
        pa.int64())[5].as_py() == WRAPPED  # what a plain read gives: made-up data
    with pytest.raises(schemagen.ReadError, match=r"row 5: field a: INT96 timestamp") as ei:
        schemagen.read_arrow(spark, SPARK)
    assert ei.value.row == 5
    ints = [schemagen.read_arrow(spark, SPARK, out_of_range=how).column("a").cast(pa.int64())
            .to_pylist() for how in ("null", "clamp")]
    assert ints[0][5] is None and ints[1][5] == I64_MAX  # timestamp[us]'s own range
    assert ints[0][:5] == ints[1][:5] == [1704141296123456, 1704070800000000,
                                          253402225200000000, 1735599600000000, None]


def test_null_for_a_required_field_is_an_error_saying_so(compile_schemas: Any,
                                                        tmp_path: Path) -> None:
    cls = compile_schemas({"s.avsc": SPARK_REQUIRED}).module("oor.sparkreq").Spark
    f = tmp_path / "f.parquet"
    pq.write_table(pa.table({"a": pa.array([0, SENTINEL], pa.timestamp("us"))}), f,
                   use_deprecated_int96_timestamps=True, use_dictionary=False,
                   compression="none", store_schema=False)
    f.write_bytes(f.read_bytes().replace(int96_raw(SENTINEL), struct.pack("<qI", 0, 2**31)))
    with pytest.raises(schemagen.ReadError, match="row 1: field a: INT96 .* out_of_range='null' "
                                                  "cannot apply: the field is required"):
        schemagen.read_arrow(cls, f, out_of_range="null")
    got, err = collect(schemagen.read(cls, f, out_of_range="null"))
    assert [r.a for r in got] == [datetime.datetime(1970, 1, 1)] and err is not None
    assert [r.a for r in schemagen.read(cls, f, out_of_range="clamp")][1] == \
        datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)


@needs_corpus
def test_pure_path_in_a_subprocess_gives_the_same_rows_and_error(tmp_path: Path) -> None:
    """SCHEMAGEN_PURE=1 (the user's switch) against the default (native) path."""
    schema = tmp_path / "spark.avsc"
    schema.write_text(SPARK_SCHEMA, encoding="utf-8")
    script = (
        "import json, schemagen\n"
        "from schemagen.runtime import native\n"
        f"cls = schemagen.load({str(schema)!r}).Spark\n"
        "out = {'active': native.active(), 'rows': [], 'err': None}\n"
        "try:\n"
        f"    for r in schemagen.read(cls, {str(SPARK)!r}, batch_size=3):\n"
        "        out['rows'].append(None if r.a is None else r.a.isoformat())\n"
        "except schemagen.ReadError as e:\n"
        "    out['err'] = str(e)\n"
        f"out['clamp'] = [str(r.a) for r in schemagen.read(cls, {str(SPARK)!r}, "
        "out_of_range='clamp')]\n"
        "print(json.dumps(out))\n")

    def run(pure: bool) -> dict[str, Any]:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        env.pop("SCHEMAGEN_PURE", None)
        if pure:
            env["SCHEMAGEN_PURE"] = "1"
        res = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, timeout=120, check=True)
        return json.loads(res.stdout)  # type: ignore[no-any-return]

    pure, fast = run(True), run(False)
    assert pure["active"] is False and fast["active"] is native.active()
    assert pure["rows"] == fast["rows"] == [None if v is None else v.isoformat()
                                            for v in SPARK_ROWS]
    assert pure["err"] == fast["err"] and "row 5: field a: INT96" in pure["err"]
    assert pure["clamp"] == fast["clamp"]


# --------------------------------------------------------------------------- synthetic INT96


SENTINEL = 1_234_567_890_123_456  # us: 2009-02-13T23:31:30.123456, patched afterwards
INT96_SCHEMA = record_schema("oor.i96", [
    {"name": "a", "type": opt(TS_US), "default": None},
    {"name": "s", "type": opt({"type": "record", "name": "S",
                               "fields": [{"name": "ts", "type": opt(TS_US), "default": None}]}),
     "default": None},
    {"name": "lst", "type": opt({"type": "array", "items": opt(TS_US)}), "default": None},
])


def int96_raw(us: int) -> bytes:
    """The 12 bytes of an INT96 timestamp: nanoseconds of the day, then the Julian day."""
    days, rest = divmod(us, 86_400_000_000)
    return struct.pack("<qI", rest * 1000, days + 2_440_588)


def int96_file(path: Path, column: str, raw: bytes | None) -> list[Any]:
    """Three rows in INT96 (a plain, a struct and a list column); the sentinel value of
    ``column`` replaced by the INT96 bytes ``raw``.  Returns the rows as written."""
    ts = pa.timestamp("us")
    a = [0, SENTINEL if column == "a" else 1, None]
    s = [{"ts": 0}, {"ts": SENTINEL if column == "s" else 2}, {"ts": 5}]
    lists = [[0], [], [1, SENTINEL if column == "lst" else 3]]
    table = pa.table({"a": pa.array(a, pa.int64()).cast(ts),
                      "s": pa.array(s, pa.struct([("ts", pa.int64())])).cast(
                          pa.struct([("ts", ts)])),
                      "lst": pa.array(lists, pa.list_(pa.int64())).cast(pa.list_(ts))})
    pq.write_table(table, path, use_deprecated_int96_timestamps=True, use_dictionary=False,
                   compression="none", store_schema=False)
    if raw is not None:
        data = path.read_bytes()
        assert data.count(int96_raw(SENTINEL)) == 1
        path.write_bytes(data.replace(int96_raw(SENTINEL), raw))
    assert pq.ParquetFile(path).schema.column(0).physical_type == "INT96"
    return table.to_pylist()


@pytest.fixture
def i96(compile_schemas: Any) -> Any:
    return compile_schemas({"i96.avsc": INT96_SCHEMA}).module("oor.i96").R


def plain(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"a": r.a, "s": None if r.s is None else {"ts": r.s.ts}, "lst": r.lst} for r in rows]


@pytest.mark.parametrize("when", [
    datetime.datetime(3000, 1, 1, 12, 0, 0, 7), datetime.datetime(1500, 6, 30, 0, 0, 0, 1),
    datetime.datetime(9999, 12, 31, 23, 59, 59, 999999), datetime.datetime(1, 1, 1)],
    ids=["3000", "1500", "max", "min"])
def test_int96_beyond_the_ns_range_reads_exactly(i96: Any, tmp_path: Path, path_kind: str,
                                                 when: datetime.datetime) -> None:
    """pyarrow's default (ns) wraps these; schemagen reads them in us, exactly."""
    us = (when - datetime.datetime(1970, 1, 1)) // datetime.timedelta(microseconds=1)
    f = tmp_path / "f.parquet"
    rows = int96_file(f, "a", int96_raw(us))
    rows[1]["a"] = when
    assert pq.read_table(f).column("a")[1].value != us * 1000  # ns: wrapped
    assert plain(list(schemagen.read(i96, f))) == rows
    assert schemagen.read_arrow(i96, f).column("a").cast(pa.int64())[1].as_py() == us


BEYOND = [  # raw INT96 values beyond 64-bit microseconds, and how the message shows them
    pytest.param(struct.pack("<qI", 3_600_000_000_000, 0xF000_0000), "+11019557-", id="day"),
    pytest.param(struct.pack("<qI", 0, 110_000_000), "+296457-", id="just-beyond"),
]


@pytest.mark.parametrize(("column", "path", "row"), [("a", "a", 1), ("s", "s.ts", 1),
                                                     ("lst", "lst[]", 2)])
@pytest.mark.parametrize(("raw", "shown"), BEYOND)
def test_int96_beyond_us_is_refused_where_it_is(i96: Any, tmp_path: Path, path_kind: str,
                                                column: str, path: str, row: int, raw: bytes,
                                                shown: str) -> None:
    f = tmp_path / "f.parquet"
    rows = int96_file(f, column, raw)
    got, err = collect(schemagen.read(i96, f, batch_size=10))
    assert plain(got) == rows[:row]
    assert err is not None and (err.row, err.path) == (row, path)
    assert f"row {row}: field {path}: INT96 timestamp {shown}" in str(err)
    with pytest.raises(schemagen.ReadError,
                       match=re.escape(f"row {row}: field {path}: INT96")):
        schemagen.read_arrow(i96, f)
    table = schemagen.read_arrow(i96, f, out_of_range="null")
    nulled = [dict(r) for r in rows]
    if column == "a":
        nulled[1]["a"] = None
    elif column == "s":
        nulled[1]["s"]["ts"] = None
    else:
        nulled[2]["lst"][1] = None
    assert table.to_pylist() == nulled
    clamped = [plain(list(schemagen.read(i96, f, out_of_range="clamp")))]
    top = datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)
    value = {"a": clamped[0][1]["a"], "s": clamped[0][1]["s"]["ts"],
             "lst": clamped[0][2]["lst"][1]}[column]
    assert value == top


# --------------------------------------------------------------------------- typed reads

TYPED = record_schema("oor.typed", [
    {"name": "id", "type": "long"},
    {"name": "ts", "type": opt(UTC_US), "default": None},
    {"name": "d", "type": {"type": "int", "logicalType": "date"}},
    {"name": "t", "type": opt({"type": "long", "logicalType": "time-micros"}), "default": None},
    {"name": "tl", "type": {"type": "array",
                            "items": {"type": "long", "logicalType": "local-timestamp-millis"}},
     "default": []},
])
BIG_US = (datetime.date(9999, 12, 31).toordinal() - datetime.date(1970, 1, 1).toordinal()
          + 1) * 86_400_000_000  # 10000-01-01T00:00


def typed_file(path: Path, **bad: Any) -> None:
    cols: dict[str, Any] = {"id": [0, 1, 2, 3], "ts": [0, 1, None, 3], "d": [0, 1, 2, 3],
                            "t": [0, 1, None, 3], "tl": [[0], [1, 2], [], [3]]}
    cols.update(bad)
    pq.write_table(pa.table({
        "id": pa.array(cols["id"], pa.int64()),
        "ts": pa.array(cols["ts"], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        "d": pa.array(cols["d"], pa.int32()).cast(pa.date32()),
        "t": pa.array(cols["t"], pa.int64()).cast(pa.time64("us")),
        "tl": pa.array(cols["tl"], pa.list_(pa.int64())).cast(pa.list_(pa.timestamp("ms"))),
    }), path)


@pytest.fixture
def typed(compile_schemas: Any) -> Any:
    return compile_schemas({"t.avsc": TYPED}).module("oor.typed").R


MAX_UTC = datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)
CASES = [  # (column values, field path, row, shown value, clamped value or None: required)
    pytest.param({"ts": [0, BIG_US, None, 3]}, "ts", 1, "+10000-01-01T00:00:00.000000",
                 MAX_UTC, id="timestamp-above"),
    pytest.param({"ts": [0, 1, None, -3 * BIG_US]}, "ts", 3, "-22120-01-02T00:00:00.000000",
                 datetime.datetime(1, 1, 1, tzinfo=datetime.UTC), id="timestamp-below"),
    pytest.param({"d": [0, 1, 3_000_000, 3]}, "d", 2, "+10183-", datetime.date(9999, 12, 31),
                 id="date"),
    pytest.param({"t": [0, 90_000_000_000, None, 3]}, "t", 1, "90,000,000,000 us after midnight",
                 datetime.time(23, 59, 59, 999999), id="time-of-day"),
    pytest.param({"tl": [[0], [1, BIG_US // 1000], [], [3]]}, "tl[]", 1,
                 "+10000-01-01T00:00:00.000", datetime.datetime(9999, 12, 31, 23, 59, 59, 999000),
                 id="list-item"),
]


def field_value(r: Any, path: str) -> Any:
    return r.tl[-1] if path == "tl[]" else getattr(r, path)


@pytest.mark.parametrize(("bad", "path", "row", "shown", "clamped"), CASES)
def test_typed_read_of_values_python_cannot_hold(typed: Any, tmp_path: Path, path_kind: str,
                                                 bad: dict[str, Any], path: str, row: int,
                                                 shown: str, clamped: Any) -> None:
    f = tmp_path / "f.parquet"
    typed_file(f, **bad)
    got, err = collect(schemagen.read(typed, f))
    assert [r.id_ for r in got] == list(range(row))  # the rows before it
    assert err is not None and (err.row, err.path) == (row, path)
    assert str(err).startswith(f"{f}: row {row}: field {path}: {shown}")
    assert "out_of_range=" in str(err)
    assert schemagen.read_arrow(typed, f).num_rows == 4  # Arrow holds them: kept
    rows = list(schemagen.read(typed, f, out_of_range="clamp"))
    assert field_value(rows[row], path) == clamped
    required = path in ("d", "tl[]")
    got, err = collect(schemagen.read(typed, f, out_of_range="null"))
    if required:
        assert err is not None and err.row == row and "the field is required" in str(err)
        assert len(got) == row
    else:
        assert err is None and field_value(got[row], path) is None
        assert [r.id_ for r in got] == [0, 1, 2, 3]


def test_the_earliest_row_is_named_whatever_the_column_order(typed: Any, tmp_path: Path,
                                                             path_kind: str) -> None:
    f = tmp_path / "f.parquet"
    typed_file(f, ts=[0, 1, None, BIG_US], d=[0, 3_000_000, 2, 3])
    got, err = collect(schemagen.read(typed, f))
    assert len(got) == 1 and err is not None and (err.row, err.path) == (1, "d")


def test_both_paths_give_the_same_records_and_errors(typed: Any, tmp_path: Path) -> None:
    f = tmp_path / "f.parquet"
    typed_file(f, ts=[0, BIG_US, None, 3], t=[0, 1, None, 90_000_000_000])
    out = {}
    for on in (True, False):
        with native.using(on):
            out[on] = (collect(schemagen.read(typed, f))[1].args,
                       list(schemagen.read(typed, f, out_of_range="clamp")),
                       list(schemagen.read(typed, f, out_of_range="null")))
    assert out[True] == out[False]


@pytest.mark.parametrize("bad", ["raise", None, "NULL", 1])
def test_unknown_policy_is_a_usage_error(typed: Any, tmp_path: Path, bad: Any) -> None:
    f = tmp_path / "f.parquet"
    typed_file(f)
    for fn in (schemagen.read, schemagen.read_arrow, schemagen.read_batches):
        with pytest.raises(schemagen.UsageError, match="out_of_range must be one of 'error', "
                                                       "'null', 'clamp'"):
            list(fn(typed, f, out_of_range=bad))


def test_dask_read_takes_the_policy(typed: Any, tmp_path: Path) -> None:
    pytest.importorskip("dask")
    import schemagen.dask as sgd

    folder = tmp_path / "ds"
    folder.mkdir()
    typed_file(folder / "0.parquet", ts=[0, BIG_US, None, 3])
    with pytest.raises(schemagen.ReadError, match="row 1: field ts"):
        sgd.read(typed, folder).compute(scheduler="sync")
    rows = sgd.read(typed, folder, out_of_range="null").compute(scheduler="sync")
    assert [r.ts for r in rows][1] is None
    with pytest.raises(schemagen.UsageError):
        sgd.read_dataframe(typed, folder, out_of_range="wrap")


# --------------------------------------------------------------------------- finer units

NANOS = record_schema("oor.nanos", [
    {"name": "at", "type": opt({"type": "long", "logicalType": "local-timestamp-nanos"}),
     "default": None},
    {"name": "req", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
], name="N")


def test_a_finer_unit_than_the_files_is_out_of_range_beyond_64_bits(
        compile_schemas: Any, tmp_path: Path, path_kind: str) -> None:
    """A foreign file's seconds (stored as ms) read as ns: year 33658 does not fit.  On the
    old main this was an OverflowError traceback while printing the value."""
    cls = compile_schemas({"n.avsc": NANOS}).module("oor.nanos").N
    f = tmp_path / "f.parquet"
    pq.write_table(pa.table({"at": pa.array([0, 10**12, 5], pa.timestamp("s")),
                             "req": pa.array([1, 2, 3], pa.timestamp("s"))}), f)
    got, err = collect(schemagen.read(cls, f))
    assert [r.req for r in got] == [datetime.datetime(1970, 1, 1, 0, 0, 1)]
    assert err is not None and (err.row, err.path) == (1, "at")
    assert str(err).startswith(f"{f}: row 1: field at: +33658-09-27T01:46:40.000 "
                               "(timestamp[ms] value 1000000000000000) is outside the range "
                               "of timestamp[ns]")
    with pytest.raises(schemagen.ReadError, match="row 1: field at: "):
        schemagen.read_arrow(cls, f)
    assert [r.at for r in schemagen.read(cls, f, out_of_range="null")][1] is None
    top = schemagen.read_arrow(cls, f, out_of_range="clamp").column("at")
    assert top.cast(pa.int64()).to_pylist() == [0, 9_223_372_036_854_000_000, 5 * 10**9]
    pq.write_table(pa.table({"at": pa.array([1, 2], pa.timestamp("s")),
                             "req": pa.array([1, -(10**12)], pa.timestamp("s"))}), f)
    with pytest.raises(schemagen.ReadError, match="row 1: field req: .*the field is required"):
        schemagen.read_arrow(cls, f, out_of_range="null")
    low = schemagen.read_arrow(cls, f, out_of_range="clamp").column("req")
    assert low.cast(pa.int64()).to_pylist() == [10**9, -9_223_372_036_854_000_000]
