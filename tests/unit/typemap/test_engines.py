"""Engine profiles (writer option ``engine=``): the physical layout per profile, the footer
record of it, lossless or refused narrowing, and reads back into the IR's own types."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import GenPackage, build_package, purge, write_schema_files

import schemagen
from schemagen.errors import InputError, UsageError
from schemagen.typemap import engines

AVSC = """{"type": "record", "name": "Ev", "namespace": "eng", "fields": [
  {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
  {"name": "t", "type": {"type": "int", "logicalType": "time-millis"}},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
  {"name": "local", "type": ["null", {"type": "long", "logicalType": "local-timestamp-nanos"}]},
  {"name": "kind", "type": "string"},
  {"name": "tags", "type": {"type": "array", "items": {"type": "long", "logicalType": "time-micros"}}}
]}"""
UTC = datetime.UTC


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    root = tmp_path_factory.mktemp("engines")
    p = build_package(write_schema_files(root / "s", {"ev.avsc": AVSC}), root / "out")
    yield p
    purge(p)


def rows(pkg: GenPackage) -> list[Any]:
    Ev = pkg.module("eng").Ev
    return [Ev(id_=uuid.UUID(int=i), t=datetime.time(1, 2, 3, 4000), kind="k",
               at=datetime.datetime(2024, 1, 1, 0, 0, i, 5, tzinfo=UTC),
               local=None if i % 2 else datetime.datetime(2024, 1, 1, 12, 0, 0, 7),
               tags=[datetime.time(0, 0, 0, i)]) for i in range(10)]


@pytest.mark.parametrize("engine", engines.ENGINES)
def test_every_profile_reads_back_into_the_same_records(
        pkg: GenPackage, tmp_path: Path, engine: str) -> None:
    data = rows(pkg)
    schemagen.write(data, tmp_path / "e.parquet", engine=engine)
    Ev = pkg.module("eng").Ev
    assert list(schemagen.read(Ev, tmp_path / "e.parquet")) == data
    assert schemagen.read_arrow(Ev, tmp_path / "e.parquet").schema.equals(Ev.arrow_schema())
    meta = pq.ParquetFile(tmp_path / "e.parquet").schema_arrow.metadata
    assert meta.get(b"schemagen.engine") == (None if engine == "any" else engine.encode())


def test_spark_layout_keeps_field_metadata_and_changes_only_refused_types(pkg: GenPackage) -> None:
    schema = pkg.module("eng").Ev.arrow_schema()
    file_schema = engines.profile("spark").file_schema(schema)
    types = {f.name: f.type for f in file_schema}
    assert types["id"] == pa.binary(16)
    assert types["t"] == pa.int32()
    assert types["at"] == pa.timestamp("us", tz="UTC")
    assert types["local"] == pa.timestamp("us")
    assert types["tags"].value_type == pa.int64()
    assert types["kind"] == pa.string()
    assert [f.metadata for f in file_schema] == [f.metadata for f in schema]
    assert engines.profile("any").file_schema(schema) is schema


def test_drill_changes_only_nanosecond_timestamps(pkg: GenPackage) -> None:
    schema = pkg.module("eng").Ev.arrow_schema()
    file_schema = engines.profile("drill").file_schema(schema)
    changed = {f.name for f, g in zip(schema, file_schema, strict=True) if not f.type.equals(g.type)}
    assert changed == {"at", "local"}


def test_any_profile_files_are_byte_identical_to_the_default(pkg: GenPackage, tmp_path: Path) -> None:
    data = rows(pkg)
    schemagen.write(data, tmp_path / "a.parquet")
    schemagen.write(data, tmp_path / "b.parquet", engine="any")
    assert pq.read_metadata(tmp_path / "a.parquet").schema == pq.read_metadata(
        tmp_path / "b.parquet").schema
    assert pq.read_table(tmp_path / "a.parquet").equals(pq.read_table(tmp_path / "b.parquet"))


def test_nanosecond_digits_are_refused_unless_truncation_is_allowed(
        pkg: GenPackage, tmp_path: Path) -> None:
    Ev = pkg.module("eng").Ev
    table = pa.Table.from_batches([Ev.__schemagen__.to_batch(rows(pkg), Ev.arrow_schema())])
    at = table.column("at").cast(pa.int64())
    table = table.set_column(2, table.schema.field("at"),
                             pa.compute.add(at, 1).cast(pa.timestamp("ns", tz="UTC")))
    with pytest.raises(InputError, match=r"field at: engine='spark' writes it as "
                                         r"timestamp\[us, tz=UTC\].*allow_truncation=True"):
        with schemagen.ParquetWriter(Ev, tmp_path / "x.parquet", engine="spark") as w:
            w.write_arrow(table)
    assert not (tmp_path / "x.parquet").exists()
    with schemagen.ParquetWriter(Ev, tmp_path / "y.parquet", engine="spark",
                                 allow_truncation=True) as w:
        w.write_arrow(table)
    back = schemagen.read_arrow(Ev, tmp_path / "y.parquet")
    assert back.column("at").cast(pa.int64()).to_pylist() == [
        v // 1000 * 1000 for v in pa.compute.add(at, 1).to_pylist()]


def test_a_dataset_takes_a_profile(pkg: GenPackage, tmp_path: Path) -> None:
    data = rows(pkg)
    schemagen.write(data, tmp_path / "ds", engine="spark", partition_by=["kind"])
    (f,) = (tmp_path / "ds").rglob("*.parquet")
    assert pq.ParquetFile(f).schema_arrow.field("id").type == pa.binary(16)
    assert list(schemagen.read(pkg.module("eng").Ev, tmp_path / "ds")) == data


@pytest.mark.parametrize("bad", ["spark3", "", None, 1])
def test_unknown_engines_and_bad_flags_are_usage_errors(
        pkg: GenPackage, tmp_path: Path, bad: Any) -> None:
    with pytest.raises(UsageError, match="unknown engine .*expected one of any, spark, hive"):
        schemagen.write(rows(pkg), tmp_path / "e.parquet", engine=bad)
    with pytest.raises(UsageError, match="allow_truncation must be True or False"):
        schemagen.write(rows(pkg), tmp_path / "e.parquet", allow_truncation="yes")
