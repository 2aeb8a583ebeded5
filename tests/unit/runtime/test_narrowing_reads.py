"""Every narrowing read checks the range (issue 15 item 12).

* Plain files: a column read into a narrower type (uint64 into an Avro ``long``, uint32
  into an ``int``, int64 into an int32...) is refused by the resolution plan before any
  value is read, naming the field and both types.  This was already so on the old main
  (the issue's uint64-into-``long`` read was not reproducible); the tests pin it, values
  above the reader's range included, and show that widenings and fitting reads still work.
* Files written with an engine profile (``engine="spark"``...): the reader casts each
  column from its physical type back to the writer IR's Arrow type (``reader._restore``).
  That cast was the one narrowing without names: a footer whose IR says ``long`` over a
  uint64 column gave pyarrow's "Integer value ... not in range" naming neither field nor
  row, and an INT32 time of day outside ``[0, 24h)`` (which Arrow's cast does not check)
  became a ``ValueError: hour must be in 0..23`` traceback.  Now a ReadError names the
  file, row, field path, value and the expected range (``restored_column``).
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import schemagen
from schemagen import ir
from schemagen.codegen.loader import load_ir
from schemagen.errors import ReadError
from schemagen.runtime.reader import restored_column

UTC = datetime.UTC


def _record(*fields: ir.Field, name: str = "nr.R") -> Any:
    rec = ir.Record(name, fields)
    return load_ir(ir.Schema({name: rec}, {name: "nr.avsc"}), uuid.uuid4().hex).record_class(name)


def _avro_record(tmp_path: Path, avro_type: str) -> Any:
    """A record compiled from an Avro schema with one field ``v`` of ``avro_type``."""
    f = tmp_path / "r.avsc"
    f.write_text('{"type": "record", "name": "R", "namespace": "nr", "fields": '
                 f'[{{"name": "v", "type": "{avro_type}"}}]}}')
    return schemagen.load(f).R


def _read_both(cls: Any, path: Path) -> list[Any]:
    """``read`` and ``read_arrow`` agree (both raise the same way or both read)."""
    try:
        rows = list(schemagen.read(cls, path))
    except ReadError as exc:
        with pytest.raises(ReadError) as again:
            schemagen.read_arrow(cls, path)
        assert str(again.value) == str(exc)
        raise
    assert schemagen.read_arrow(cls, path).column("v").to_pylist() == [r.v for r in rows]
    return rows


# --------------------------------------------------------------------------- plain files


def test_uint64_above_int64_into_an_avro_long_is_refused(tmp_path: Path) -> None:
    """The issue's case: uint64 values above 2**63 - 1 read into an Avro ``long``."""
    path = tmp_path / "u64.parquet"
    pq.write_table(pa.table({"v": pa.array([1, 2**63 + 5, 2**64 - 1], pa.uint64())}), path)
    cls = _avro_record(tmp_path, "long")
    with pytest.raises(ReadError) as info:
        _read_both(cls, path)
    msg = str(info.value)
    assert str(path) in msg and "- v: uint64 cannot be read as int64 (narrowing)" in msg


@pytest.mark.parametrize(("arr", "t", "why"), [
    (pa.array([1, 2**31 + 5], pa.uint32()), ir.Int(32), "uint32 cannot be read as int32"),
    (pa.array([1, 2**31 + 5], pa.int64()), ir.Int(32), "int64 cannot be read as int32"),
    (pa.array([1, 40_000], pa.int32()), ir.Int(16), "int32 cannot be read as int16"),
    (pa.array([1, 300], pa.uint16()), ir.Int(8), "uint16 cannot be read as int8"),
    (pa.array([1, 2**40], pa.uint64()), ir.Int(32), "uint64 cannot be read as int32"),
    (pa.array([1, 2**40], pa.uint64()), ir.Int(32, False), "uint64 cannot be read as uint32"),
    (pa.array([1, -5], pa.int64()), ir.Int(64, False), "int64 cannot be read as uint64 "
     "(signed values do not fit"),
    (pa.array([1, -5], pa.int8()), ir.Int(64, False), "int8 cannot be read as uint64 "
     "(signed values do not fit"),
    (pa.array([1.0, 1e300]), ir.Float(32), "double cannot be read as float (narrowing)"),
])
def test_every_integer_and_float_narrowing_is_refused(arr: Any, t: ir.Type, why: str,
                                                      tmp_path: Path) -> None:
    """Refused by type, whatever the values (a file may hold any value of its type): the
    message names the field and both types."""
    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({"v": arr}), path)
    with pytest.raises(ReadError) as info:
        _read_both(_record(ir.Field("v", t)), path)
    assert f"- v: {why}" in str(info.value)


def test_decimal_narrowing_is_refused_and_time_units_check_each_value(tmp_path: Path) -> None:
    import decimal

    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"v": pa.array([decimal.Decimal("123456789.00")],
                                           pa.decimal128(12, 2))}), path)
    with pytest.raises(ReadError, match=r"- v: decimal\(12, 2\) cannot be read as decimal"):
        _read_both(_record(ir.Field("v", ir.Decimal(5, 2))), path)
    # ns -> us: exact values read, a sub-microsecond one names its row and value
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"v": pa.array([1000, 2001], pa.timestamp("ns", "UTC"))}), path)
    with pytest.raises(ReadError) as info:
        _read_both(_record(ir.Field("v", ir.Timestamp("us", True))), path)
    assert "field 'v': row 1:" in str(info.value) and "2001" in str(info.value)


@pytest.mark.parametrize(("arr", "avro", "want"), [
    (pa.array([0, 2**32 - 1], pa.uint32()), "long", [0, 2**32 - 1]),
    (pa.array([-(2**31), 2**31 - 1], pa.int32()), "long", [-(2**31), 2**31 - 1]),
    (pa.array([0, 255], pa.uint8()), "int", [0, 255]),
    (pa.array([-(2**15), 7], pa.int16()), "int", [-(2**15), 7]),
])
def test_widenings_read_every_value(arr: Any, avro: str, want: list[int],
                                    tmp_path: Path) -> None:
    path = tmp_path / "w.parquet"
    pq.write_table(pa.table({"v": arr}), path)
    assert [r.v for r in _read_both(_avro_record(tmp_path, avro), path)] == want


# --------------------------------------------------------------------------- engine profiles


def _profiled(cls: Any, rows: list[Any], table: pa.Table, path: Path,
              engine: str = "spark") -> Path:
    """``table`` written with the footer (IR, profile) of a file schemagen wrote of ``rows``
    with ``engine``: a file another tool wrote claiming to be that record."""
    genuine = path.with_suffix(".genuine.parquet")
    schemagen.write(rows, genuine, engine=engine)
    meta = pq.read_schema(genuine).metadata
    assert meta[b"schemagen.engine"] == engine.encode()
    pq.write_table(table.replace_schema_metadata(meta), path)
    return path


def _refused(cls: Any, path: Path) -> ReadError:
    with pytest.raises(ReadError) as info:
        _read_both(cls, path)
    return info.value


def test_a_profiled_long_over_uint64_names_file_row_field_value_and_range(
        tmp_path: Path) -> None:
    """The footer's IR says ``long``, the column is uint64 (another writer): the restoring
    cast was pyarrow's bare "Integer value 9223372036854775813 not in range"."""
    cls = _avro_record(tmp_path, "long")
    path = _profiled(cls, [cls(v=1)], pa.table({"v": pa.array([1, 7, 2**63 + 5],
                                                              pa.uint64())}),
                     tmp_path / "u64.parquet")
    err = _refused(cls, path)
    assert (err.file, err.row, err.path, err.value) == (str(path), 2, "v", 2**63 + 5)
    assert str(err) == (f"{path}: row 2: field v: cannot be read as int64 (an integer from "
                        f"-9223372036854775808 to 9223372036854775807) (got {2**63 + 5})")


@pytest.mark.parametrize(("t", "arr", "row", "value", "expected"), [
    (ir.Int(32), pa.array([1, 2**40], pa.int64()), 1, 2**40,
     "int32 (an integer from -2147483648 to 2147483647)"),
    (ir.Int(16), pa.array([-(2**15) - 1], pa.int32()), 0, -(2**15) - 1,
     "int16 (an integer from -32768 to 32767)"),
    (ir.Int(32, False), pa.array([0, -1], pa.int64()), 1, -1,
     "uint32 (an integer from 0 to 4294967295)"),
    # a time of day outside [0, 24h): Arrow's cast takes any integer
    (ir.Time("ms"), pa.array([5, None, 10**9], pa.int32()), 2, 10**9,
     "time32[ms] (a time of day: 0 to 86399999 ms)"),
    (ir.Time("us"), pa.array([-1], pa.int64()), 0, -1,
     "time64[us] (a time of day: 0 to 86399999999 us)"),
    # a microsecond timestamp beyond the nanosecond range (years 1677-2262)
    (ir.Timestamp("ns", True),
     pa.array([datetime.datetime(2000, 1, 1), datetime.datetime(3000, 1, 1)],
              pa.timestamp("us", "UTC")), 1, datetime.datetime(3000, 1, 1, tzinfo=UTC),
     "timestamp[ns, tz=UTC]"),
])
def test_every_restoring_cast_checks_the_range(t: ir.Type, arr: Any, row: int, value: Any,
                                               expected: str, tmp_path: Path) -> None:
    cls = _record(ir.Field("v", ir.Nullable(t)))
    path = _profiled(cls, [cls(v=None)], pa.table({"v": arr}), tmp_path / "p.parquet")
    err = _refused(cls, path)
    assert (err.row, err.path, err.value) == (row, "v", value), str(err)
    assert f"cannot be read as {expected}" in str(err) and str(path) in str(err)


def test_nested_values_name_their_path_and_row(tmp_path: Path) -> None:
    inner = ir.Record("nr.In", (ir.Field("t", ir.Time("ms")),))
    rec = ir.Record("nr.Out", (
        ir.Field("pt", ir.RecordRef("nr.In")),
        ir.Field("items", ir.List(ir.Int(32))),
        ir.Field("tags", ir.Map(ir.String(), ir.Time("ms"))),
    ))
    types = {"nr.In": inner, "nr.Out": rec}
    loaded = load_ir(ir.Schema(types, {k: "x" for k in types}), uuid.uuid4().hex)
    cls, In = loaded.record_class("nr.Out"), loaded.record_class("nr.In")  # noqa: N806
    good = cls(pt=In(t=datetime.time(1)), items=[1], tags={"a": datetime.time(2)})
    pt = pa.struct([pa.field("t", pa.int32(), nullable=False)])
    items = pa.list_(pa.field("element", pa.int64(), nullable=False))
    tags = pa.map_(pa.string(), pa.field("value", pa.int32(), nullable=False))

    def table(pts: list[int], its: list[list[int]], tgs: list[list[tuple[str, int]]]) -> Any:
        return pa.table({"pt": pa.array([{"t": x} for x in pts], pt),
                         "items": pa.array(its, items), "tags": pa.array(tgs, tags)})

    cases = [
        (table([1, 2, 90_000_000], [[1], [], [2]], [[], [], []]), 2, "pt.t", 90_000_000),
        (table([1, 2, 3], [[1, 2], [], [3, 2**35]], [[], [], []]), 2, "items[]", 2**35),
        (table([1, 2, 3], [[], [], []], [[("a", 1)], [("b", -7), ("c", 2)], []]), 1,
         "tags{}", -7),
    ]
    for i, (t, row, where, value) in enumerate(cases):
        path = _profiled(cls, [good], t, tmp_path / f"n{i}.parquet")
        err = _refused(cls, path)
        assert (err.row, err.path, err.value) == (row, where, value), str(err)
    # the same shapes with values that fit read back
    path = _profiled(cls, [good], table([3_600_000], [[1, 2]], [[("a", 7_200_000)]]),
                     tmp_path / "ok.parquet")
    assert list(schemagen.read(cls, path)) == [
        cls(pt=In(t=datetime.time(1)), items=[1, 2], tags={"a": datetime.time(2)})]


def test_genuine_profiled_files_still_read_back(tmp_path: Path) -> None:
    cls = _record(ir.Field("u", ir.Uuid()), ir.Field("t", ir.Time("ms")),
                  ir.Field("tu", ir.Time("us")), ir.Field("ts", ir.Timestamp("ns", True)),
                  ir.Field("n", ir.Int(64)))
    rows = [cls(u=uuid.UUID(int=i), t=datetime.time(23, 59, 59, 999000),
                tu=datetime.time(0, 0, 0, 1), ts=datetime.datetime(2262, 1, 1, tzinfo=UTC),
                n=-(2**63) + i) for i in range(3)]
    for engine in ("spark", "hive", "drill"):
        path = tmp_path / f"{engine}.parquet"
        schemagen.write(rows, path, engine=engine)
        assert list(schemagen.read(cls, path)) == rows
        assert schemagen.read_arrow(cls, path).num_rows == 3


def test_restored_column_alone() -> None:
    """The check on its own: the same array and type pairs, every value fitting or not."""
    ok = pa.array([0, 86_399_999], pa.int32())
    assert restored_column(ok, pa.time32("ms"), "t").to_pylist() == [
        datetime.time(0), datetime.time(23, 59, 59, 999000)]
    same = pa.array([1], pa.int64())
    assert restored_column(same, pa.int64(), "n") is same
    with pytest.raises(ReadError) as info:
        restored_column(pa.array([None, 86_400_000], pa.int32()), pa.time32("ms"), "t",
                        "f.parquet", 10)
    assert str(info.value) == ("f.parquet: row 11: field t: cannot be read as time32[ms] "
                               "(a time of day: 0 to 86399999 ms) (got 86400000)")
