"""Issue 12, Done when: with ``engine="spark"``, a plain ``spark.read.parquet(folder)`` (no
declared schema) reads a dataset of every root record of ``schemas/`` -- Avro, Thrift,
protobuf and SQL -- and every column's values equal what pyarrow reads from the same files.
The records are drawn by hypothesis from each record's IR (sg_helpers.Strategies), a few
per record, generated once before Spark runs; Spark reads one folder per record."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sg_helpers import SCHEMAS, GenPackage, Strategies, build_package, purge
from sg_spark import arrow_plain, plain

import schemagen
from schemagen import ir
from schemagen.errors import RecordError, SchemaWarning


def _roots(types: dict[str, ir.Named]) -> list[str]:
    """The records no other record holds (the nested ones are read inside them)."""
    used: set[str] = set()
    for t in types.values():
        if isinstance(t, ir.Record):
            for f in t.fields:
                used |= {x.name for x in _refs(f.type)}
    return sorted(n for n, t in types.items() if isinstance(t, ir.Record) and n not in used)


def _refs(t: ir.Type) -> list[ir.RecordRef]:
    from schemagen.sql.ddl import walk_types

    return [x for x in walk_types(t, {}) if isinstance(x, ir.RecordRef)]


def _draw(strategy: st.SearchStrategy[Any]) -> list[Any]:
    """A few records from ``strategy`` (the largest of a short generate-only run)."""
    drawn: list[list[Any]] = []

    @settings(max_examples=4, database=None, deadline=None, phases=[Phase.generate],
              derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(strategy, min_size=2, max_size=4))
    def collect(rows: list[Any]) -> None:
        drawn.append(rows)

    collect()
    return max(drawn, key=len)


def _write_valid(strategy: st.SearchStrategy[Any], folder: Path) -> None:
    """Drawn records written with engine='spark'; the ones the writer refuses (the
    strategies know no oneof rule: two members set) are left out."""
    for _ in range(5):
        rows = _draw(strategy)
        while rows:
            try:
                schemagen.write(rows, folder, engine="spark")
                return
            except RecordError as exc:
                bad = {p.index for p in exc.problems}
                rows = [r for i, r in enumerate(rows) if i not in bad]
    raise AssertionError(f"no valid records drawn for {folder.name}")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[str, Path]]]:
    root = tmp_path_factory.mktemp("spark_schemas")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        pkg: GenPackage = build_package([SCHEMAS], root / "out")
    classes = pkg.records()
    types: dict[str, ir.Named] = {}
    for cls in classes.values():
        types.update(cls.__schemagen__.ir[1])
    strategies = Strategies(pkg, types)
    out = []
    for name in _roots(types):
        if not types[name].fields:  # type: ignore[union-attr]
            continue  # no column: Parquet cannot store it (refused, tested elsewhere)
        folder = root / name
        _write_valid(strategies.record(name), folder)
        out.append((name, folder))
    yield out
    purge(pkg)


def _comparable(v: Any) -> Any:
    if isinstance(v, tuple):
        return tuple(_comparable(x) for x in v)
    if isinstance(v, dict):
        return {k: _comparable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_comparable(x) for x in v]
    if hasattr(v, "as_tuple") and v.as_tuple().exponent == 0:  # DECIMAL(20, 0) of a uint64
        return int(v)
    if isinstance(v, datetime.timedelta):  # Parquet has no duration: Spark reads the count
        return v // datetime.timedelta(microseconds=1)  # (schemas/ durations are us)
    return v


@pytest.mark.spark
def test_spark_reads_every_schema_of_the_repo(spark: Any,
                                              datasets: list[tuple[str, Path]]) -> None:
    assert len(datasets) >= 12
    problems = []
    for name, folder in datasets:
        table = pq.read_table(folder)
        try:
            frame = spark.read.parquet(str(folder))
            rows = [r.asDict(recursive=True) for r in frame.collect()]
        except Exception as exc:  # noqa: BLE001 - every record is reported below
            problems.append(f"{name}: {str(exc).splitlines()[0]}")
            continue
        expected = {c: [_comparable(arrow_plain(v, table.column(c).type))
                        for v in table.column(c).to_pylist()] for c in table.column_names}
        # the same row order on both sides: by the whole row's text
        order = sorted(range(table.num_rows),
                       key=lambda i: repr([expected[c][i] for c in table.column_names]))
        rows.sort(key=lambda r: repr([_comparable(plain(r[c])) for c in table.column_names]))
        for column in table.column_names:
            want = [expected[column][i] for i in order]
            have = [_comparable(plain(r[column])) for r in rows]
            if have != want:
                problems.append(f"{name}.{column}: Spark {have!r} != pyarrow {want!r}")
    assert problems == [], "\n".join(problems)
