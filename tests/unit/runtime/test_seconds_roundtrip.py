"""Seconds-precision SQL columns round-trip through schemagen itself (issue 12 item 4):
Parquet stores TIMESTAMP(0)/TIMESTAMP_S and TIME(0) in milliseconds, and the reader takes
them back as seconds (the writer's IR says s), every value checked exact."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import GenPackage, build_package, purge, write_schema_files

import schemagen

DUCK = """-- dialect: duckdb
CREATE TABLE secs.d (ts TIMESTAMP_S NOT NULL, tz TIMESTAMPTZ, ms TIMESTAMP_MS);
"""
TRINO = """-- dialect: trino
CREATE TABLE secs.t (ts TIMESTAMP(0) NOT NULL, t TIME(0));
"""


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    root = tmp_path_factory.mktemp("secs")
    p = build_package(write_schema_files(root / "s", {"d.sql": DUCK, "t.sql": TRINO}),
                      root / "out")
    yield p
    purge(p)


def test_duckdb_timestamp_s_round_trips(pkg: GenPackage, tmp_path: Path) -> None:
    D = pkg.records()["secs.D"]
    rows = [D(ts=datetime.datetime(2024, 1, 2, 3, 4, 5), tz=None, ms=None),
            D(ts=datetime.datetime(1969, 12, 31, 23, 59, 59), tz=None,
              ms=datetime.datetime(2000, 1, 1, 0, 0, 0, 123000))]
    schemagen.write(rows, tmp_path / "d.parquet")
    assert pq.read_schema(tmp_path / "d.parquet").field("ts").type == pa.timestamp("ms")
    assert list(schemagen.read(D, tmp_path / "d.parquet")) == rows


def test_trino_timestamp_0_and_time_0_round_trip(pkg: GenPackage, tmp_path: Path) -> None:
    T = pkg.records()["secs.T"]
    rows = [T(ts=datetime.datetime(2024, 1, 2, 3, 4, 5), t=datetime.time(23, 59, 59)),
            T(ts=datetime.datetime(2024, 1, 2), t=None)]
    schemagen.write(rows, tmp_path / "t.parquet")
    assert list(schemagen.read(T, tmp_path / "t.parquet")) == rows


def test_a_foreign_ms_value_with_milliseconds_is_still_refused(
        pkg: GenPackage, tmp_path: Path) -> None:
    T = pkg.records()["secs.T"]
    pq.write_table(pa.table({"ts": pa.array([1500], pa.timestamp("ms")),
                             "t": pa.array([None], pa.time32("ms"))}), tmp_path / "f.parquet")
    with pytest.raises(schemagen.ReadError):
        list(schemagen.read(T, tmp_path / "f.parquet"))
