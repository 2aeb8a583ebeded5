"""Regressions from code review, writing and reading options: the fail-stop writer,
float32 range, enum members in unions, option validation (filters, batch size, writer
flags)."""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import record_schema

import schemagen

# --------------------------------------------------------------------------- 5. fail-stop writer


@pytest.fixture
def longs(compile_schemas: Any) -> Any:
    return compile_schemas({"l.avsc": record_schema("rv.longs", [{"name": "i", "type": "long"}])}
                           ).module("rv.longs")


@pytest.mark.parametrize("how", ["write", "write_many"])
def test_writer_stops_after_record_error(longs: Any, tmp_path: Path, how: str) -> None:
    R = longs.R
    folder = tmp_path / "data"
    path = folder / "x.parquet"
    w = schemagen.ParquetWriter(R, path, batch_size=2, row_group_size=2)
    for i in range(4):
        w.write(R(i=i))
    assert [n for n in os.listdir(folder) if n.endswith(".tmp")], "a row group is on disk"
    with pytest.raises(schemagen.RecordError):
        if how == "write":
            w.write(R(i=10))
            w.write(R(i="bad"))
        else:
            w.write_many([R(i=10), R(i="bad")])
    with pytest.raises(schemagen.UsageError):
        w.write(R(i=100))
    with pytest.raises(schemagen.UsageError):
        w.write_many([R(i=101)])
    with pytest.raises(schemagen.UsageError):
        w.close()
    assert os.listdir(folder) == []
    with pytest.raises(schemagen.UsageError):
        w.close()
    assert not path.exists()
    assert os.listdir(folder) == []


# --------------------------------------------------------------------------- 7. float32 range

FLT_MAX = 3.4028234663852886e38


def as_float32(v: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", v))[0])


@pytest.fixture
def floats(compile_schemas: Any) -> Any:
    return compile_schemas({"f.avsc": record_schema("rv.f32", [
        {"name": "f", "type": "float"},
        {"name": "lf", "type": {"type": "array", "items": "float"}}])}).module("rv.f32")


@pytest.mark.parametrize("big", [1e39, -1e39])
def test_float32_overflow_is_record_error(floats: Any, tmp_path: Path, big: float) -> None:
    out = tmp_path / "data" / "f.parquet"
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write([floats.R(f=1.0, lf=[]), floats.R(f=big, lf=[])], out)
    assert (ei.value.index, ei.value.path, ei.value.value) == (1, "f", big)
    assert "f" in str(ei.value) and repr(big) in str(ei.value)
    assert not out.exists()

    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write([floats.R(f=1.0, lf=[1.0, big])], out)
    assert (ei.value.index, ei.value.path, ei.value.value) == (0, "lf[1]", big)
    assert "lf[1]" in str(ei.value) and repr(big) in str(ei.value)
    assert not out.exists()


def test_float32_range_edges_round_trip(floats: Any, tmp_path: Path) -> None:
    inf = float("inf")
    rows = [floats.R(f=3.0e38, lf=[3.0e38, -3.0e38]),
            floats.R(f=inf, lf=[inf, -inf, FLT_MAX, -FLT_MAX]),
            floats.R(f=-inf, lf=[])]
    path = schemagen.write(rows, tmp_path / "f.parquet")
    back = list(schemagen.read(floats.R, path))
    assert [(r.f, r.lf) for r in back] == [
        (as_float32(3.0e38), [as_float32(3.0e38), as_float32(-3.0e38)]),
        (inf, [inf, -inf, FLT_MAX, -FLT_MAX]),
        (-inf, []),
    ]
    assert as_float32(3.0e38) != inf


# --------------------------------------------------------------------------- 9. enums in unions


@pytest.fixture
def enum_unions(compile_schemas: Any) -> Any:
    return compile_schemas({"eu.avsc": record_schema("rv.eu", [
        {"name": "ne", "type": ["null", {"type": "enum", "name": "E", "symbols": ["A", "B"]}, "int"]},
        {"name": "se", "type": ["string", "E"]}])}).module("rv.eu")


def test_plain_symbol_written_to_enum_member_of_union(enum_unions: Any, tmp_path: Path) -> None:
    m = enum_unions
    path = schemagen.write([m.R(ne="A", se="x"), m.R(ne=7, se="y"), m.R(ne=None, se="z")],
                           tmp_path / "eu.parquet")
    back = list(schemagen.read(m.R, path))
    assert back[0].ne is m.E.A
    assert back[1].ne == 7 and type(back[1].ne) is int
    assert back[2].ne is None


def test_enum_member_after_string_in_union(enum_unions: Any, tmp_path: Path) -> None:
    m = enum_unions
    path = schemagen.write([m.R(ne=None, se=m.E.B), m.R(ne=None, se="plain")],
                           tmp_path / "eu.parquet")
    back = list(schemagen.read(m.R, path))
    assert type(back[0].se) is m.E and back[0].se is m.E.B
    assert type(back[1].se) is str and back[1].se == "plain"


# --------------------------------------------------------------------------- 8. options


@pytest.fixture
def longs_file(longs: Any, tmp_path: Path) -> Path:
    return schemagen.write([longs.R(i=i) for i in range(10)], tmp_path / "longs.parquet")


@pytest.mark.parametrize("op", ["in", "not in"])
def test_filter_in_needs_a_collection(longs: Any, longs_file: Path, op: str) -> None:
    with pytest.raises(schemagen.UsageError, match=op):
        list(schemagen.read(longs.R, longs_file, filter=[("i", op, 5)]))
    # a list is fine
    got = [r.i for r in schemagen.read(longs.R, longs_file, filter=[("i", op, [5])])]
    assert got == ([5] if op == "in" else [0, 1, 2, 3, 4, 6, 7, 8, 9])


@pytest.mark.parametrize("batch_size", [0, -1, True, 1.5])
def test_read_batch_size_must_be_positive(longs: Any, longs_file: Path, batch_size: Any) -> None:
    with pytest.raises(schemagen.UsageError, match="batch_size"):
        list(schemagen.read(longs.R, longs_file, batch_size=batch_size))


@pytest.mark.parametrize("options", [
    pytest.param({"use_dictionary": 5}, id="use_dictionary=5"),
    pytest.param({"write_statistics": "yes"}, id="write_statistics=yes"),
])
def test_bad_writer_flags_raise_usage_error(longs: Any, tmp_path: Path,
                                            options: dict[str, Any]) -> None:
    name = next(iter(options))
    out = tmp_path / "data" / "x.parquet"
    with pytest.raises(schemagen.UsageError, match=name):
        schemagen.write([longs.R(i=1)], out, **options)
    with pytest.raises(schemagen.UsageError, match=name):
        schemagen.ParquetWriter(longs.R, out, **options)
    assert not out.exists()
