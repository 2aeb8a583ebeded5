"""Property tests: random valid records survive a Parquet round trip, read back
both by schemagen (equal objects) and by pyarrow (the documented Arrow layout)."""

from __future__ import annotations

import math
import uuid
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_helpers import (
    GenPackage,
    Strategies,
    build_package,
    ir_of,
    purge,
    record_arrow_expected,
    write_schema_files,
)
from sg_schemas import PROPS

import schemagen

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])



@pytest.fixture(scope="module")
def props_pkg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("props")
    pkg = build_package(write_schema_files(root / "s", {"props.avsc": PROPS}), root / "out")
    yield pkg
    purge(pkg)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props_files")


def _strategy(pkg: GenPackage, cls: type) -> st.SearchStrategy[list[Any]]:
    rec, types = ir_of(cls)
    return st.lists(Strategies(pkg, types).record(rec.name), min_size=1, max_size=6)


def _check_round_trip(cls: type, rows: list[Any], folder: Path, **options: Any) -> Path:
    path = folder / f"{uuid.uuid4().hex}.parquet"
    schemagen.write(rows, path, **options)
    back = list(schemagen.read(cls, path))
    assert back == rows
    got = pq.read_table(path).to_pylist()
    assert len(got) == len(rows)
    for g, r in zip(got, rows):
        assert g == record_arrow_expected(r)
    return path


@pytest.mark.parametrize("record", ["FlatSale", "Transaction"])
@SETTINGS
@given(data=st.data())
def test_sales_records_round_trip(repo_pkg: GenPackage, scratch: Path, record: str,
                                  data: st.DataObject) -> None:
    cls = getattr(repo_pkg.module("example.sales"), record)
    rows = data.draw(_strategy(repo_pkg, cls))
    path = _check_round_trip(cls, rows, scratch)
    path.unlink()


@SETTINGS
@given(data=st.data())
def test_nested_nullable_union_records_round_trip(props_pkg: GenPackage, scratch: Path,
                                                  data: st.DataObject) -> None:
    cls = props_pkg.module("props").Props
    rows = data.draw(_strategy(props_pkg, cls))
    path = _check_round_trip(cls, rows, scratch)
    path.unlink()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data(), row_group_size=st.integers(1, 7), batch_size=st.integers(1, 9))
def test_row_groups_and_batches_do_not_change_data(props_pkg: GenPackage, scratch: Path,
                                                   data: st.DataObject, row_group_size: int,
                                                   batch_size: int) -> None:
    cls = props_pkg.module("props").Props
    rows = data.draw(_strategy(props_pkg, cls))
    path = _check_round_trip(cls, rows, scratch, row_group_size=row_group_size,
                             batch_size=batch_size)
    md = pq.ParquetFile(path).metadata
    assert md.num_row_groups == math.ceil(len(rows) / row_group_size)
    path.unlink()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_projection_of_random_columns(props_pkg: GenPackage, scratch: Path,
                                      data: st.DataObject) -> None:
    cls = props_pkg.module("props").Props
    rec, _ = ir_of(cls)
    rows = data.draw(_strategy(props_pkg, cls))
    wanted = data.draw(st.lists(st.sampled_from([f.name for f in rec.fields]), min_size=1,
                                max_size=5, unique=True))
    path = scratch / f"{uuid.uuid4().hex}.parquet"
    schemagen.write(rows, path)
    back = list(schemagen.read(cls, path, columns=wanted))
    table = schemagen.read_arrow(cls, path, columns=wanted)
    assert sorted(table.schema.names) == sorted(wanted)
    for got, want in zip(back, rows):
        assert set(schemagen.fields_read(got)) == {f.py_name for f in rec.fields
                                                   if f.name in wanted}
        for f in rec.fields:
            if f.name in wanted:
                assert getattr(got, f.py_name) == getattr(want, f.py_name), f.name
            else:  # not read: no value at all (issue 15 item 14)
                with pytest.raises(schemagen.NotReadError):
                    getattr(got, f.py_name)
    path.unlink()


@SETTINGS
@given(data=st.data())
def test_repo_everything_round_trip(repo_pkg: GenPackage, scratch: Path, data: st.DataObject) -> None:
    cls = repo_pkg.module("example.features").Everything
    rows = data.draw(_strategy(repo_pkg, cls))
    path = _check_round_trip(cls, rows, scratch)
    path.unlink()

