"""DatasetWriter (issue 6, part 1): {major}_{minor}_{index}.parquet naming and
claims, rolling at block_size, modes, _SUCCESS, Hive partitioning read back by
pyarrow.dataset and DuckDB, concurrent writer processes, a writer killed
mid-file, write_arrow.  See docs/datasets.md."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_helpers import GenPackage, build_package, purge, write_schema_files

import schemagen
from schemagen.runtime.dataset import HIVE_NULL, escape_partition_value

SALE = """
{"type": "record", "name": "Sale", "namespace": "dsw", "fields": [
  {"name": "num", "type": "long"},
  {"name": "country", "type": ["null", "string"], "default": null},
  {"name": "year", "type": "int"},
  {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
  {"name": "day", "type": {"type": "int", "logicalType": "date"}},
  {"name": "flag", "type": "boolean"},
  {"name": "amount", "type": "double"},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
  {"name": "point", "type": {"type": "record", "name": "Point", "fields": [
     {"name": "x", "type": "int"}, {"name": "label", "type": ["null", "string"]}]}},
  {"name": "maybe_point", "type": ["null", "Point"], "default": null},
  {"name": "tags", "type": {"type": "array", "items": "string"}},
  {"name": "attrs", "type": {"type": "map", "values": "long"}}
]}
"""

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    src = write_schema_files(tmp_path_factory.mktemp("dsw_src"), {"sale.avsc": SALE})
    p = build_package(src, tmp_path_factory.mktemp("dsw_pkg"))
    yield p
    purge(p)


@pytest.fixture(scope="module")
def m(pkg: GenPackage) -> Any:
    return pkg.module("dsw")


def sale(m: Any, i: int, **kw: Any) -> Any:
    d: dict[str, Any] = dict(
        num=i, country=["DE", "FR", None][i % 3], year=2020 + i % 2,
        color=[m.Color.RED, m.Color.GREEN][i % 2], day=datetime.date(2024, 1, 1 + i % 4),
        flag=i % 5 == 0, amount=i / 4,
        at=datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
        + datetime.timedelta(seconds=i),
        point=m.Point(x=i, label=None if i % 2 else f"p{i}"),
        maybe_point=None if i % 3 else m.Point(x=-i, label="m"),
        tags=[f"t{i}"] * (i % 3), attrs={"k": i} if i % 2 else {},
    )
    d.update(kw)
    return m.Sale(**d)


def visible(folder: Path) -> list[str]:
    """Every non-hidden file below ``folder`` (relative, sorted)."""
    out = []
    for p in folder.rglob("*"):
        rel = p.relative_to(folder)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            out.append(rel.as_posix())
    return sorted(out)


def everything(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {rel: (folder / rel).read_bytes() for rel in everything(folder)}


def ids(m: Any, path: Path) -> list[int]:
    return sorted(r.num for r in schemagen.read(m.Sale, path))


def hive_ids(folder: Path) -> list[int]:
    """Ids of a partitioned dataset, read by pyarrow.dataset."""
    return sorted(ds.dataset(folder, partitioning="hive").to_table(columns=["num"])["num"]
                  .to_pylist())


def index_order(files: list[Path]) -> list[Path]:
    return sorted(files, key=lambda p: int(p.stem.rsplit("_", 1)[1]))


# --------------------------------------------------------------------------- naming, claims


def test_first_writer_writes_0_0_0_and_index_grows(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    with schemagen.DatasetWriter(m.Sale, folder) as w:
        w.write_many([sale(m, i) for i in range(3)])
        assert (w.major, w.minor) == (0, 0)
        assert w.files == [] and w.rows == 3  # nothing committed before close
        assert visible(folder) == []
    assert w.files == [folder / "0_0_0.parquet"]
    assert visible(folder) == ["0_0_0.parquet", "_SUCCESS"]
    assert schemagen.write([sale(m, 3)], folder) == folder / "0_0_1.parquet"
    with schemagen.DatasetWriter(m.Sale, folder, major=7) as w7:
        w7.write(sale(m, 4))
    assert w7.files == [folder / "7_0_0.parquet"]
    with schemagen.DatasetWriter(m.Sale, folder, major=7, minor=0) as again:
        again.write(sale(m, 5))
    assert again.files == [folder / "7_0_1.parquet"]  # explicit pair: index continues
    assert ids(m, folder) == [0, 1, 2, 3, 4, 5]
    # hidden claim files are gone once the writers are done
    assert everything(folder) == visible(folder)


def test_live_writers_get_distinct_pairs(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    a = schemagen.DatasetWriter(m.Sale, folder)
    b = schemagen.DatasetWriter(m.Sale, folder)
    c = schemagen.DatasetWriter(m.Sale, folder, major=3)
    assert [(w.major, w.minor) for w in (a, b, c)] == [(0, 0), (0, 1), (3, 0)]
    with pytest.raises(schemagen.UsageError, match=r"another writer is writing 0_1_\*\.parquet"):
        schemagen.DatasetWriter(m.Sale, folder, major=0, minor=1)
    for n, w in enumerate((a, b, c)):
        w.write(sale(m, n))
    b.close()
    a.close()
    c.close()
    assert visible(folder) == ["0_0_0.parquet", "0_1_0.parquet", "3_0_0.parquet", "_SUCCESS"]
    d = schemagen.DatasetWriter(m.Sale, folder)  # 0_0 is free again
    d.write(sale(m, 9))
    assert d.close() == [folder / "0_0_1.parquet"]
    assert ids(m, folder) == [0, 1, 2, 9]


@pytest.mark.parametrize("kw, message", [
    ({"major": -1}, "major must be a non-negative integer, got -1"),
    ({"minor": True}, "minor must be a non-negative integer, got True"),
    ({"major": "1"}, "major must be a non-negative integer, got '1'"),
    ({"mode": "replace"}, "mode must be one of 'append', 'overwrite', 'error', got 'replace'"),
    ({"max_open_files": 0}, "max_open_files must be a positive integer, got 0"),
    ({"block_size": 0}, "block_size must be a positive integer, got 0"),
    ({"block_size": None}, "block_size=None needs row_group_size"),
    ({"compresion": "zstd"}, "unknown writer option"),
])
def test_bad_arguments(m: Any, tmp_path: Path, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(schemagen.UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        schemagen.DatasetWriter(m.Sale, tmp_path / "ds", **kw)
    assert not (tmp_path / "ds").exists() or everything(tmp_path / "ds") == []


def test_overwrite_needs_a_folder_name(m: Any, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, 1)], folder)
    before = snapshot(folder)
    monkeypatch.chdir(folder)
    for name in (".", "..", "./"):
        with pytest.raises(schemagen.UsageError, match="give the dataset folder by its name"):
            schemagen.write([sale(m, 2)], name, mode="overwrite")
    assert snapshot(folder) == before and sorted(os.listdir(tmp_path)) == ["ds"]


def test_path_that_is_a_file_or_not_a_record(m: Any, tmp_path: Path) -> None:
    f = tmp_path / "plain"
    f.write_text("x")
    with pytest.raises(schemagen.UsageError, match="exists and is not a folder"):
        schemagen.DatasetWriter(m.Sale, f)
    with pytest.raises(schemagen.UsageError, match="not a schemagen-generated record class"):
        schemagen.DatasetWriter(dict, tmp_path / "ds")
    with pytest.raises(schemagen.UsageError, match="dataset option"):
        schemagen.write([sale(m, 1)], tmp_path / "one.parquet", partition_by=["year"])


def test_success_marker(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, i) for i in range(4)], folder, partition_by=["year"])
    note = json.loads((folder / "_SUCCESS").read_text())
    assert note["files"] == ["year=2020/0_0_0.parquet", "year=2021/0_0_0.parquet"]
    assert note["rows"] == 4 and note["partition_by"] == ["year"] and note["mode"] == "append"
    assert note["record"] == "dsw.Sale" and (note["major"], note["minor"]) == (0, 0)
    # the next write replaces it; a failed write leaves it alone
    schemagen.write([sale(m, 5)], folder, partition_by=["year"])
    note2 = json.loads((folder / "_SUCCESS").read_text())
    assert note2["files"] == ["year=2021/0_0_1.parquet"] and note2["rows"] == 1
    with pytest.raises(schemagen.RecordError):
        schemagen.write([sale(m, 6), sale(m, 7, year="x")], folder, partition_by=["year"])
    assert json.loads((folder / "_SUCCESS").read_text()) == note2
    # zero rows: no data file, a marker saying so
    with schemagen.DatasetWriter(m.Sale, tmp_path / "empty") as w:
        pass
    assert w.files == [] and visible(tmp_path / "empty") == ["_SUCCESS"]
    assert json.loads((tmp_path / "empty" / "_SUCCESS").read_text())["rows"] == 0


# --------------------------------------------------------------------------- rolling, options


def test_rolls_files_at_block_size(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    recs = [sale(m, i) for i in range(3000)]
    block = 64 * 1024
    with schemagen.DatasetWriter(m.Sale, folder, block_size=block, batch_size=700) as w:
        w.write_many(recs)
    files = index_order(w.files)
    assert [f.name for f in files] == [f"0_0_{i}.parquet" for i in range(len(files))]
    total = schemagen.read_arrow(m.Sale, folder).nbytes
    assert len(files) >= total // block  # rolled as the Arrow bytes grew
    sizes = [pq.read_table(f).nbytes for f in files]
    assert all(s <= block * 1.1 for s in sizes[:-1]) and min(sizes[:-1]) >= block * 0.5
    # each file is complete, and the files in index order hold the rows in order
    got = [r for f in files for r in schemagen.read(m.Sale, f)]
    assert got == recs
    # a file normally holds one row group (block = row group = file, as in Drill)
    assert {pq.ParquetFile(f).metadata.num_row_groups for f in files} == {1}


def test_block_size_none_needs_row_groups(m: Any, tmp_path: Path) -> None:
    """block_size=None: no rolling, but row groups still bounded (row_group_size rows);
    without row_group_size either, everything would be buffered until close()."""
    folder = tmp_path / "ds"
    with schemagen.DatasetWriter(m.Sale, folder, block_size=None, row_group_size=100,
                                 batch_size=50) as w:
        for i in range(450):
            w.write(sale(m, i))
            assert w.buffered_bytes < 200 * 64  # never more than a row group's worth
    assert [f.name for f in w.files] == ["0_0_0.parquet"]
    md = pq.ParquetFile(w.files[0]).metadata
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == [100] * 4 + [50]
    with pytest.raises(schemagen.UsageError, match="block_size=None needs row_group_size"):
        schemagen.ParquetWriter(m.Sale, tmp_path / "one.parquet", block_size=None)
    assert not (tmp_path / "one.parquet").exists()


def test_writer_options_pass_through(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    recs = [sale(m, i % 7) for i in range(500)]
    schemagen.write(recs, folder, compression="zstd", compression_level=5,
                    row_group_size=200, use_dictionary=False, page_size=1024)
    md = pq.ParquetFile(folder / "0_0_0.parquet").metadata
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == [200, 200, 100]
    col = md.row_group(0).column(0)
    assert col.compression == "ZSTD" and not col.has_dictionary_page
    assert ids(m, folder) == sorted(r.num for r in recs)


def test_partitions_roll_independently(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    recs = [sale(m, i) for i in range(2000)]
    with schemagen.DatasetWriter(m.Sale, folder, partition_by="year", block_size=16_000) as w:
        w.write_many(recs)
    by_part: dict[str, list[Path]] = {}
    for f in w.files:
        by_part.setdefault(f.parent.name, []).append(f)
    assert sorted(by_part) == ["year=2020", "year=2021"]
    for part, files in by_part.items():
        assert len(files) >= 3
        assert [f.name for f in index_order(files)] == [f"0_0_{i}.parquet"
                                                         for i in range(len(files))]
        year = int(part.split("=")[1])
        got = [r["num"] for f in index_order(files) for r in pq.read_table(f).to_pylist()]
        assert got == [r.num for r in recs if r.year == year]  # order kept within a partition


def test_max_open_files_commits_least_recent(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    with schemagen.DatasetWriter(m.Sale, folder, partition_by=["num"], max_open_files=2,
                                 batch_size=4) as w:
        w.write_many([sale(m, i % 6) for i in range(24)])
    # each batch of 4 rows touches 4 partitions: with 2 open files, files keep rolling
    assert len(w.files) > 6
    assert sorted(r["num"] for r in ds.dataset(folder, partitioning="hive").to_table()
                  .to_pylist()) == sorted(i % 6 for i in range(24))


def test_memory_stays_bounded_with_many_partitions(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    block = 16 * 1024
    recs = [sale(m, i) for i in range(4000)]
    table = schemagen.read_arrow(m.Sale, schemagen.write(recs, tmp_path / "src.parquet"))
    table = table.set_column(2, table.schema.field(2), pa.array([i % 40 for i in range(4000)],
                                                                pa.int32()))
    with schemagen.DatasetWriter(m.Sale, folder, partition_by=["year"], block_size=block) as w:
        for b in table.to_batches(max_chunksize=100):
            w.write_arrow(b)
            assert w.buffered_bytes <= 4 * block  # 40 partitions, each below one block
    # files cut early hold several row groups; every row is there
    assert any(pq.ParquetFile(f).metadata.num_row_groups > 1 for f in w.files)
    assert hive_ids(folder) == list(range(4000))


# --------------------------------------------------------------------------- modes


def test_mode_error(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, 1)], folder, mode="error")  # missing folder: fine
    (tmp_path / "empty").mkdir()
    schemagen.write([sale(m, 1)], tmp_path / "empty", mode="error")  # empty folder: fine
    before = snapshot(folder)
    with pytest.raises(schemagen.UsageError,
                       match=r"already holds data \(1 Parquet file\(s\), e\.g\. 0_0_0\.parquet\)"):
        schemagen.DatasetWriter(m.Sale, folder, mode="error")
    assert snapshot(folder) == before
    nested = tmp_path / "nested"
    schemagen.write([sale(m, 1)], nested, partition_by=["year"])
    with pytest.raises(schemagen.UsageError, match="year=2021/0_0_0.parquet"):
        schemagen.write([sale(m, 2)], nested, mode="error")


def test_mode_overwrite_replaces_when_done(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, i) for i in range(5)], folder, partition_by=["country"])
    w = schemagen.DatasetWriter(m.Sale, folder, mode="overwrite", block_size=4096)
    w.write_many([sale(m, i) for i in range(100, 400)])
    w._convert()  # force the buffered records through: files roll in the staging folder
    assert hive_ids(folder) == [0, 1, 2, 3, 4]  # the old data is what readers see
    files = w.close()
    assert len(files) > 1 and all(f.parent == folder for f in files)
    assert ids(m, folder) == list(range(100, 400))
    assert visible(folder) == sorted([f.name for f in files] + ["_SUCCESS"])
    assert sorted(os.listdir(tmp_path)) == ["ds"]  # no staging or old folder left
    assert json.loads((folder / "_SUCCESS").read_text())["mode"] == "overwrite"
    # overwrite of a folder that does not exist yet
    fresh = schemagen.write([sale(m, 1)], tmp_path / "new", mode="overwrite")
    assert fresh == tmp_path / "new" / "0_0_0.parquet"


def test_overwrite_without_atomic_swap(m: Any, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Where renameat2/renamex_np is missing: two renames, same result."""
    import schemagen.runtime.storage as storage

    monkeypatch.setattr(storage, "_native_exchange", lambda a, b: False)
    folder = tmp_path / "ds"
    schemagen.write([sale(m, i) for i in range(3)], folder)
    schemagen.write([sale(m, 10)], folder, mode="overwrite")
    assert ids(m, folder) == [10] and sorted(os.listdir(tmp_path)) == ["ds"]


@pytest.mark.parametrize("atomic", [True, False])
def test_overwrite_through_a_symlinked_folder(m: Any, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              atomic: bool) -> None:
    """current -> v1: the link stays a link and v1 gets the new data (the link was
    swapped for a real folder, v1 kept the old data and a staging folder was left)."""
    import schemagen.runtime.storage as storage

    if not atomic:
        monkeypatch.setattr(storage, "_native_exchange", lambda a, b: False)
    real = tmp_path / "data" / "v1"
    schemagen.write([sale(m, i) for i in range(3)], real)
    link = tmp_path / "current"
    link.symlink_to(real, target_is_directory=True)
    files = schemagen.DatasetWriter(m.Sale, link, mode="overwrite")
    files.write(sale(m, 10))
    assert files.close() == [link / "0_0_0.parquet"]
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert ids(m, real) == [10] and ids(m, link) == [10]
    assert sorted(os.listdir(tmp_path)) == ["current", "data"]
    assert sorted(os.listdir(tmp_path / "data")) == ["v1"]  # no staging or old folder
    # a dangling link: the folder it names is made
    dangling = tmp_path / "later"
    dangling.symlink_to(tmp_path / "data" / "v2", target_is_directory=True)
    schemagen.write([sale(m, 7)], dangling, mode="overwrite")
    assert dangling.is_symlink() and ids(m, tmp_path / "data" / "v2") == [7]


def test_stale_staging_folders_are_removed(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, 1)], folder)
    dead_old = tmp_path / ".ds.schemagen-overwrite-aaaa"  # no claim file, an hour old
    dead_old.mkdir()
    (dead_old / "0_0_0.parquet").write_bytes(b"x")
    os.utime(dead_old, (time.time() - 7200, time.time() - 7200))
    young = tmp_path / ".ds.schemagen-overwrite-bbbb"  # just created: maybe a live writer
    young.mkdir()
    other = tmp_path / ".other.schemagen-overwrite-cccc"  # another dataset's: not ours
    other.mkdir()
    os.utime(other, (time.time() - 7200, time.time() - 7200))
    live = schemagen.DatasetWriter(m.Sale, folder, mode="overwrite")  # holds its claim
    live.write(sale(m, 2))
    schemagen.write([sale(m, 3)], folder, mode="overwrite")
    left = sorted(os.listdir(tmp_path))
    assert ".ds.schemagen-overwrite-aaaa" not in left
    assert {".ds.schemagen-overwrite-bbbb", ".other.schemagen-overwrite-cccc"} <= set(left)
    assert ids(m, folder) == [3]
    live.close()  # the live one was left alone and completes
    assert ids(m, folder) == [2]


@pytest.mark.parametrize("how", ["record", "exception", "arrow"])
def test_failing_overwrite_keeps_old_data(m: Any, tmp_path: Path, how: str) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, i) for i in range(5)], folder, partition_by=["year"])
    before = snapshot(folder)
    with pytest.raises((schemagen.RecordError, RuntimeError)):
        with schemagen.DatasetWriter(m.Sale, folder, mode="overwrite", block_size=2048,
                                     batch_size=50) as w:
            w.write_many([sale(m, i) for i in range(300)])  # files roll in staging
            assert w.files
            if how == "record":
                w.write_many([sale(m, 300, amount="lots")] * 50)
            elif how == "arrow":
                bad = m.Sale.arrow_schema().empty_table()
                w.write_arrow(pa.table({n: pa.nulls(1, t.type) for n, t in
                                        zip(bad.schema.names, bad.schema)}, schema=bad.schema))
            else:
                raise RuntimeError("boom")
    assert snapshot(folder) == before
    assert sorted(os.listdir(tmp_path)) == ["ds"]
    assert hive_ids(folder) == [0, 1, 2, 3, 4]


def test_failing_append_removes_its_rolled_files(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, 1)], folder, partition_by=["color"])
    before = snapshot(folder)
    recs = [sale(m, i) for i in range(500)] + [sale(m, 500, point=None)]
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write(recs, folder, block_size=4096, batch_size=100, partition_by=["color"])
    assert ei.value.index == 500 and ei.value.path == "point"
    assert snapshot(folder) == before  # rolled files and partition folders removed
    w = schemagen.DatasetWriter(m.Sale, folder, partition_by=["color"])
    w.write(sale(m, 2))
    w.abort()
    with pytest.raises(schemagen.UsageError, match="is closed"):
        w.write(sale(m, 3))
    assert snapshot(folder) == before


# --------------------------------------------------------------------------- partitioning


def test_append_keeps_the_partition_layout(m: Any, tmp_path: Path) -> None:
    # a folder mixing layouts is refused by DuckDB ("Hive partition mismatch") and pyarrow
    folder = tmp_path / "ds"
    schemagen.write([sale(m, 1)], folder, partition_by=["color"])
    before = snapshot(folder)
    for other in ([], ["year"], ["color", "year"]):
        with pytest.raises(schemagen.UsageError, match=r"already holds data partitioned by "
                           r"\['color'\].*one layout"):
            schemagen.write([sale(m, 2)], folder, partition_by=other)
    assert snapshot(folder) == before
    schemagen.write([sale(m, 3)], folder, partition_by=["color"])  # the same layout: fine
    schemagen.write([sale(m, 4)], folder, partition_by=["color"], mode="overwrite")
    flat = tmp_path / "flat"
    schemagen.write([sale(m, 1)], flat)
    with pytest.raises(schemagen.UsageError, match="already holds data not partitioned"):
        schemagen.write([sale(m, 2)], flat, partition_by=["color"])


def test_partitioning_read_by_pyarrow_and_duckdb(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    recs = [sale(m, i) for i in range(60)]
    keys = ["country", "year", "color", "day", "flag"]
    schemagen.write(recs, folder, partition_by=keys)
    files = [f for f in visible(folder) if f.endswith(".parquet")]
    assert "country=DE/year=2020/color=RED/day=2024-01-01/flag=true/0_0_0.parquet" in files
    assert any(f.startswith(f"country={HIVE_NULL}/") for f in files)
    # the partition columns are not inside the files; the footer names them
    one = pq.ParquetFile(folder / files[0])
    assert not set(keys) & set(one.schema_arrow.names)
    assert json.loads(one.schema_arrow.metadata[b"schemagen.partition_by"]) == keys
    assert b"schemagen.schema" in one.schema_arrow.metadata
    # pyarrow with the record's own types
    t = ds.dataset(folder, partitioning=schemagen.partitioning(m.Sale, keys)).to_table()
    want = m.Sale.arrow_schema()
    for k in keys:
        assert t.schema.field(k).type == want.field(k).type
    rows = sorted(t.to_pylist(), key=lambda r: r["num"])
    assert [(r["num"], r["country"], r["year"], r["color"], r["day"], r["flag"]) for r in rows] == [
        (r.num, r.country, r.year, r.color.value if hasattr(r.color, "value") else r.color,
         r.day, r.flag) for r in recs]
    assert [r["point"] for r in rows] == [{"x": r.point.x, "label": r.point.label} for r in recs]
    # pyarrow with inferred hive types
    inferred = ds.dataset(folder, partitioning="hive").to_table()
    assert inferred.schema.field("year").type == pa.int32()
    assert sorted(zip(inferred["num"].to_pylist(), inferred["country"].to_pylist())) == [
        (r.num, r.country) for r in recs]
    # DuckDB with hive partitioning
    got = duckdb.sql(
        f"SELECT num, country, year, color, day, flag, amount FROM read_parquet("
        f"'{folder}/**/*.parquet', hive_partitioning=true) ORDER BY num").fetchall()
    # DuckDB casts integers and dates found in folder names, not booleans
    assert got == [(r.num, r.country, r.year, ["RED", "GREEN"][r.num % 2], r.day,
                    str(r.flag).lower(), r.amount) for r in recs]
    types = {row[0]: row[1] for row in duckdb.sql(
        f"DESCRIBE SELECT * FROM read_parquet('{folder}/**/*.parquet', "
        "hive_partitioning=true)").fetchall()}
    assert types["year"] == "BIGINT" and types["day"] == "DATE" and types["country"] == "VARCHAR"
    assert types["flag"] == "VARCHAR"
    # and schemagen.read gives the typed records back (partition fields from the folders)
    assert sorted(schemagen.read(m.Sale, folder), key=lambda r: r.num) == recs


HOSTILE = ["../escape", "a/b", "/abs", "..", ".", "=", "x=y", "%41", "100%", "back\\slash",
           "new\nline", "tab\t", "nul\x00", "colon:", "q?#*", "[br]{c}^", "'\"", "Ünïcødé 東京",
           " spaced ", "_under", ".hidden", "~home", "C:\\win"]


def test_hostile_partition_values(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    recs = [sale(m, i, country=v) for i, v in enumerate(HOSTILE)]
    schemagen.write(recs, folder, partition_by=["country"])
    assert sorted(os.listdir(tmp_path)) == ["ds"]  # nothing outside the folder
    for rel in everything(folder):
        parts = rel.split("/")
        if rel == "_SUCCESS":
            continue
        assert len(parts) == 2 and parts[0].startswith("country=")
        assert "/" not in parts[0] and "\\" not in parts[0] and "\x00" not in parts[0]
    t = ds.dataset(folder, partitioning=schemagen.partitioning(m.Sale, ["country"])).to_table()
    assert sorted(zip(t["num"].to_pylist(), t["country"].to_pylist())) == list(enumerate(HOSTILE))
    got = duckdb.sql(f"SELECT num, country FROM read_parquet('{folder}/**/*.parquet', "
                     "hive_partitioning=true) ORDER BY num").fetchall()
    assert [g[1] for g in got] == HOSTILE
    assert sorted(schemagen.read(m.Sale, folder), key=lambda r: r.num) == recs


@pytest.mark.parametrize("value, expected", [
    ("", "a non-empty value"),
    (HIVE_NULL, "a value other than __HIVE_DEFAULT_PARTITION__"),
    ("x" * 250, "fits 255 bytes once escaped"),
    ("/" * 90, "fits 255 bytes once escaped"),
])
def test_refused_partition_values(m: Any, tmp_path: Path, value: str, expected: str) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, 0)], folder, partition_by=["country"])
    before = snapshot(folder)
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write([sale(m, 1), sale(m, 2, country=value)], folder,
                        partition_by=["country"])
    assert ei.value.index == 1 and ei.value.path == "country" and ei.value.value == value
    assert expected in str(ei.value)
    assert snapshot(folder) == before


@pytest.mark.parametrize("field, message", [
    ("amount", "field 'amount' of dsw.Sale is float"),
    ("at", "is timestamp"),
    ("point", "is RecordRef dsw.Point"),
    ("maybe_point", "is optional RecordRef dsw.Point"),
    ("tags", "is list"),
    ("attrs", "is map"),
    ("nope", "dsw.Sale has no field 'nope'"),
])
def test_refused_partition_fields(m: Any, tmp_path: Path, field: str, message: str) -> None:
    with pytest.raises(schemagen.UsageError, match=message):
        schemagen.DatasetWriter(m.Sale, tmp_path / "ds", partition_by=[field])
    with pytest.raises(schemagen.UsageError, match="given twice"):
        schemagen.DatasetWriter(m.Sale, tmp_path / "ds", partition_by=["year", "year"])
    assert not (tmp_path / "ds").exists()


def test_partition_by_none_and_non_lists(m: Any, tmp_path: Path) -> None:
    # None means no partitioning (was a TypeError traceback); a set/number a UsageError
    assert schemagen.write([sale(m, 0)], tmp_path / "a", partition_by=None).name == "0_0_0.parquet"
    for bad in ({"country"}, 3):
        with pytest.raises(schemagen.UsageError, match="partition_by takes a list of field names"):
            schemagen.DatasetWriter(m.Sale, tmp_path / "b", partition_by=bad)
    assert not (tmp_path / "b").exists()
    assert schemagen.partitioning(m.Sale, None).schema.names == []


def test_refused_partition_field_names(compile_schemas: Any, tmp_path: Path) -> None:
    mod = compile_schemas({
        "u.avsc": """{"type": "record", "name": "U", "namespace": "dsu", "fields": [
            {"name": "_hidden", "type": "string"}, {"name": "v", "type": "long"}]}""",
        "w.avsc": """{"type": "record", "name": "W", "namespace": "dsu", "fields": [
            {"name": "a", "type": "string"}, {"name": "b", "type": "long"}]}"""}).module("dsu")
    with pytest.raises(schemagen.UsageError, match="'_hidden' cannot be a Hive folder key"):
        schemagen.DatasetWriter(mod.U, tmp_path / "ds", partition_by=["_hidden"])
    with pytest.raises(schemagen.UsageError, match="the files would hold no columns"):
        schemagen.DatasetWriter(mod.W, tmp_path / "ds", partition_by=["b", "a"])
    assert not (tmp_path / "ds").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=1, max_size=30).filter(lambda v: v != HIVE_NULL),
                min_size=1, max_size=4))
def test_any_partition_text_round_trips(m: Any, values: list[str]) -> None:
    recs = [sale(m, i, country=v) for i, v in enumerate(values)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ds"
        schemagen.write(recs, folder, partition_by=["country"])
        assert sorted(os.listdir(tmp)) == ["ds"]
        assert all(len(Path(f).parts) == 2 for f in visible(folder) if f != "_SUCCESS")
        t = ds.dataset(folder, partitioning=schemagen.partitioning(m.Sale, ["country"])).to_table()
        assert sorted(zip(t["num"].to_pylist(), t["country"].to_pylist())) == list(
            enumerate(values))
        got = duckdb.sql(f"SELECT num, country FROM read_parquet('{folder}/**/*.parquet', "
                         "hive_partitioning=true, hive_types={'country': VARCHAR}) "
                         "ORDER BY num").fetchall()
        assert got == list(enumerate(values))


@given(st.text(max_size=40))
def test_escaping_never_leaves_the_folder(value: str) -> None:
    seg = escape_partition_value(value)
    assert "/" not in seg and "\\" not in seg and "\x00" not in seg and "=" not in seg
    assert all(ord(c) >= 0x20 and c != "\x7f" for c in seg)
    assert unquote(seg) == value  # what pyarrow and DuckDB decode


# --------------------------------------------------------------------------- write_arrow


def test_write_arrow_matches_records(m: Any, tmp_path: Path) -> None:
    recs = [sale(m, i) for i in range(50)]
    table = schemagen.read_arrow(m.Sale, schemagen.write(recs, tmp_path / "src.parquet"))
    folder = tmp_path / "ds"
    with schemagen.DatasetWriter(m.Sale, folder, partition_by=["country"]) as w:
        w.write(recs[0])
        w.write_arrow(table.slice(1, 20))  # a Table
        for b in table.slice(21).to_batches(max_chunksize=7):  # RecordBatches
            w.write_arrow(b)
    assert w.rows == 50
    t = ds.dataset(folder, partitioning=schemagen.partitioning(m.Sale, ["country"])).to_table()
    assert sorted(t.select(table.schema.names).to_pylist(), key=lambda r: r["num"]) == \
        table.to_pylist()
    # ParquetWriter.write_arrow: one file, records and Arrow in order
    path = tmp_path / "one.parquet"
    with schemagen.ParquetWriter(m.Sale, path) as pw:
        pw.write_arrow(table.slice(0, 10))
        pw.write(recs[10])
        pw.write_arrow(table.slice(11).to_batches()[0])
    assert list(schemagen.read(m.Sale, path)) == recs


def _renamed(schema: pa.Schema, i: int, name: str) -> pa.Schema:
    return schema.set(i, schema.field(i).with_name(name))


@pytest.mark.parametrize("change, message", [
    ("rename", "column 2 is named 'yr', expected 'year'"),
    ("int32_to_int64", "column 'num': got int32 not null, expected int64 not null"),
    ("nested", "column 'point.x': got int64 not null, expected int32 not null"),
    ("extra", "extra column(s) 'more'"),
    ("missing", "missing column(s) 'attrs'"),
    ("binary", "column 'country': got large_binary, expected string"),
    ("type", "takes a pyarrow.Table or pyarrow.RecordBatch, got list"),
])
def test_write_arrow_wrong_schema(m: Any, tmp_path: Path, change: str, message: str) -> None:
    table = schemagen.read_arrow(m.Sale, schemagen.write([sale(m, i) for i in range(3)],
                                                          tmp_path / "src.parquet"))
    s = table.schema
    data: Any
    if change == "rename":
        data = table.rename_columns(["yr" if n == "year" else n for n in s.names])
    elif change == "int32_to_int64":
        data = table.set_column(0, pa.field("num", pa.int32(), nullable=False),
                                table["num"].cast(pa.int32()))
    elif change == "nullable":
        data = table.cast(s.set(0, s.field(0).with_nullable(True)))
    elif change == "nested":
        pt = s.field("point").type
        new = pa.struct([pa.field("x", pa.int64(), nullable=False), pt.field(1)])
        data = table.cast(s.set(s.get_field_index("point"), s.field("point").with_type(new)))
    elif change == "list_item":
        data = table.cast(s.set(s.get_field_index("tags"),
                                s.field("tags").with_type(pa.list_(pa.string()))))
    elif change == "extra":
        data = table.append_column("more", pa.array([1, 2, 3]))
    elif change == "missing":
        data = table.drop_columns(["attrs"])
    elif change == "binary":  # bytes are not text, in any representation
        i = s.get_field_index("country")
        data = table.set_column(i, pa.field("country", pa.large_binary()),
                                table["country"].cast(pa.large_binary()))
    else:
        data = table.to_pylist()
    folder = tmp_path / "ds"
    with schemagen.DatasetWriter(m.Sale, folder) as w:
        with pytest.raises(schemagen.UsageError) as ei:
            w.write_arrow(data)
        assert message in str(ei.value) and "dsw.Sale.arrow_schema()" in str(ei.value) \
            or change == "type"
        w.write(sale(m, 7))  # a layout mistake does not end the write
    assert ids(m, folder) == [7]
    with schemagen.ParquetWriter(m.Sale, tmp_path / "x.parquet") as pw:
        with pytest.raises(schemagen.UsageError, match=message.replace("(", r"\(")
                           .replace(")", r"\)").replace(".", r"\.")):
            pw.write_arrow(data)


def test_write_arrow_takes_plain_pyarrow_layouts(m: Any, tmp_path: Path) -> None:
    # pa.table(...) data is nullable everywhere and names list items "item": only the
    # values decide (a null where the record requires a value is a RecordError)
    recs = [sale(m, i) for i in range(3)]
    table = schemagen.read_arrow(m.Sale, schemagen.write(recs, tmp_path / "src.parquet"))
    loose = table.cast(pa.schema([pa.field(f.name, _loosen(f.type)) for f in table.schema]))
    assert loose.schema.field("num").nullable
    assert loose.schema.field("tags").type.value_field.name == "item"
    out = tmp_path / "loose.parquet"
    with schemagen.ParquetWriter(m.Sale, out) as pw:
        pw.write_arrow(loose)
    assert list(schemagen.read(m.Sale, out)) == recs
    assert pq.read_schema(out).field("num").nullable is False
    nums = loose.column("num").to_pylist()
    bad = loose.set_column(loose.schema.get_field_index("num"), loose.schema.field("num"),
                           pa.array(nums[:2] + [None], pa.int64()))
    pw = schemagen.ParquetWriter(m.Sale, tmp_path / "bad.parquet")
    with pytest.raises(schemagen.RecordError, match="record 2: field num"):
        pw.write_arrow(bad)
    pw.abort()
    assert not (tmp_path / "bad.parquet").exists()
    # nested: the record's nullability decides, not the data's
    i = loose.schema.get_field_index("point")
    points = loose.column("point").to_pylist()
    points[1] = {**points[1], "x": None}
    nested = loose.set_column(i, loose.schema.field(i),
                              pa.array(points, loose.schema.field(i).type))
    pw = schemagen.ParquetWriter(m.Sale, tmp_path / "bad2.parquet")
    with pytest.raises(schemagen.RecordError, match=r"record 1: field point\.x"):
        pw.write_arrow(nested)
    pw.abort()
    j = loose.schema.get_field_index("maybe_point")
    maybe = [None, {**points[0]}, None]  # absent parents: their children are never read
    ok = loose.set_column(j, loose.schema.field(j), pa.array(maybe, loose.schema.field(j).type))
    with schemagen.ParquetWriter(m.Sale, tmp_path / "ok.parquet") as pw:
        pw.write_arrow(ok)
    assert [r.maybe_point for r in schemagen.read(m.Sale, tmp_path / "ok.parquet")] == [
        None, recs[0].point, None]


def test_write_arrow_converts_other_representations(m: Any, tmp_path: Path) -> None:
    # large / view strings (Polars, pandas), dictionary-encoded columns (categoricals,
    # read_dictionary) and large lists hold the same values: converted, nested too (were
    # a UsageError "got large_string, expected string"); nulls still checked
    recs = [sale(m, i) for i in range(6)]
    table = schemagen.read_arrow(m.Sale, schemagen.write(recs, tmp_path / "src.parquet"))

    def other(t: pa.DataType) -> pa.DataType:
        if pa.types.is_string(t):
            return pa.large_string()
        if pa.types.is_struct(t):
            return pa.struct([pa.field(f.name, other(f.type)) for f in t])
        if pa.types.is_map(t):
            return pa.map_(other(t.key_type), t.item_type)
        if pa.types.is_list(t):
            return pa.large_list(other(t.value_type))
        return t

    big = table.cast(pa.schema([pa.field(f.name, other(f.type)) for f in table.schema]))
    assert big.schema.field("tags").type == pa.large_list(pa.large_string())
    i = big.schema.get_field_index("color")
    big = big.set_column(i, "color", big["color"].cast(pa.string()).dictionary_encode())
    j = big.schema.get_field_index("country")
    big = big.set_column(j, "country", big["country"].cast(pa.string_view()))
    out = tmp_path / "big.parquet"
    with schemagen.ParquetWriter(m.Sale, out) as pw:
        pw.write_arrow(big)
    assert list(schemagen.read(m.Sale, out)) == recs
    assert pq.read_schema(out).equals(pq.read_schema(tmp_path / "src.parquet"))
    with schemagen.DatasetWriter(m.Sale, tmp_path / "ds", partition_by=["color"]) as w:
        w.write_arrow(big.to_batches()[0])
    assert sorted(schemagen.read(m.Sale, tmp_path / "ds"), key=lambda r: r.num) == recs
    labels = big["point"].to_pylist()
    labels[2] = {"x": None, "label": "z"}
    k = big.schema.get_field_index("point")
    bad = big.set_column(k, big.schema.field(k), pa.array(labels, big.schema.field(k).type))
    pw = schemagen.ParquetWriter(m.Sale, tmp_path / "bad.parquet")
    with pytest.raises(schemagen.RecordError, match=r"record 2: field point\.x"):
        pw.write_arrow(bad)
    pw.abort()


def _loosen(t: pa.DataType) -> pa.DataType:
    """The same type with every child nullable and list items named "item"."""
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _loosen(f.type)) for f in t])
    if pa.types.is_map(t):
        return pa.map_(_loosen(t.key_type), _loosen(t.item_type))
    if pa.types.is_list(t):
        return pa.list_(_loosen(t.value_type))
    return t


def test_write_arrow_nulls_in_required_columns(m: Any, tmp_path: Path) -> None:
    table = schemagen.read_arrow(m.Sale, schemagen.write([sale(m, i) for i in range(4)],
                                                          tmp_path / "src.parquet"))
    s = table.schema

    def with_column(name: str, arr: Any) -> Any:
        i = s.get_field_index(name)
        return pa.Table.from_arrays([arr if j == i else table.column(j)
                                     for j in range(len(s))], schema=s)

    def offsets(*o: int) -> Any:
        return pa.array(o, pa.int32()).buffers()[1]

    # pyarrow's own constructors refuse nulls in non-nullable fields; from_buffers
    # does not check, as data from other libraries (or bugs) may not be either
    mask = pa.array([False, True, False, True]).buffers()[1]  # validity: rows 1 and 3
    cases = {
        "num": (pa.Array.from_buffers(pa.int64(), 4, pa.array([1, 2, None, 4],
                                                                pa.int64()).buffers()), 2, "num"),
        "point.x": (pa.Array.from_buffers(s.field("point").type, 4, [None], children=[
            pa.array([1, None, 3, 4], pa.int32()), pa.array([None] * 4, pa.string())]),
            1, "point.x"),
        "tags[]": (pa.Array.from_buffers(s.field("tags").type, 4, [None, offsets(0, 0, 1, 1, 3)],
                                         children=[pa.array(["a", "b", None])]), 3, "tags[]"),
        "attrs{value}": (pa.Array.from_buffers(
            s.field("attrs").type, 4, [None, offsets(0, 0, 1, 1, 1)], children=[
                pa.Array.from_buffers(pa.struct([s.field("attrs").type.key_field,
                                                 s.field("attrs").type.item_field]), 1, [None],
                                      children=[
                    pa.array(["k"]), pa.array([None], pa.int64())])]), 1, "attrs{value}"),
        "maybe_point.x": (pa.Array.from_buffers(s.field("maybe_point").type, 4, [mask], children=[
            pa.array([None, 1, None, None], pa.int32()), pa.array(["a"] * 4)]), 3,
            "maybe_point.x"),
    }
    # a required child under a null parent is fine (Parquet never reads it)
    ok = pa.Array.from_buffers(s.field("maybe_point").type, 4, [mask], children=[
        pa.array([None, 1, None, 2], pa.int32()), pa.array(["a"] * 4)])
    with schemagen.DatasetWriter(m.Sale, tmp_path / "ok") as w:
        w.write_arrow(with_column("maybe_point", ok))
    assert [r.maybe_point for r in schemagen.read(m.Sale, tmp_path / "ok")] == [
        None, m.Point(x=1, label="a"), None, m.Point(x=2, label="a")]
    for name, (arr, row, path) in cases.items():
        folder = tmp_path / name.replace("[]", "_l").replace("{value}", "_m")
        with pytest.raises(schemagen.RecordError) as ei:
            with schemagen.DatasetWriter(m.Sale, folder) as w:
                w.write_arrow(table.slice(0, 2))  # earlier rows count in the index
                w.write_arrow(with_column(name.split(".")[0].split("[")[0].split("{")[0], arr))
        assert ei.value.index == 2 + row and ei.value.path == path, name
        assert visible(folder) == []


# --------------------------------------------------------------------------- processes

CHILD = """
import os, sys, time, datetime, importlib
sys.path.insert(0, {root!r})
import pyarrow as pa
import schemagen
m = importlib.import_module({module!r})
FOLDER = os.environ["FOLDER"]
START = int(os.environ["START"])

def sale(i):
    return m.Sale(num=i, country="DE", year=2020, color=m.Color.RED,
                  day=datetime.date(2024, 1, 1), flag=True, amount=1.5,
                  at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
                  point=m.Point(x=i, label=None), maybe_point=None, tags=["x"] * (i % 4),
                  attrs={{}})
"""


def _child(pkg: GenPackage, body: str, folder: Path, start: int = 0) -> subprocess.Popen[str]:
    """A Python process running CHILD + ``body`` (FOLDER and START in its environment)."""
    code = CHILD.format(root=str(pkg.root), module=f"{pkg.name}.dsw") + textwrap.dedent(body)
    env = dict(os.environ, PYTHONPATH=str(REPO), FOLDER=str(folder), START=str(start))
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_line(proc: subprocess.Popen[str], expected: str) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != expected:
        proc.kill()
        _, err = proc.communicate(timeout=30)
        raise AssertionError(f"child said {line!r}, expected {expected!r}: {err}")


def test_two_processes_write_one_dataset(pkg: GenPackage, m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    body = """
    with schemagen.DatasetWriter(m.Sale, FOLDER, block_size=8192, batch_size=50) as w:
        print("claimed", flush=True)
        sys.stdin.readline()  # both writers hold their claim: go
        for i in range(START, START + 1500):
            w.write(sale(i))
    print(w.major, w.minor, len(w.files), flush=True)
    """
    procs = [_child(pkg, body, folder, start) for start in (0, 10_000)]
    for p in procs:
        _wait_line(p, "claimed")
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        reports.append(out.split())
    pairs = sorted((int(r[0]), int(r[1])) for r in reports)
    assert pairs == [(0, 0), (0, 1)]
    assert all(int(r[2]) > 1 for r in reports)  # both rolled several files
    want = list(range(1500)) + list(range(10_000, 11_500))
    assert ids(m, folder) == want
    names = [f for f in visible(folder) if f.endswith(".parquet")]
    assert {n.rsplit("_", 1)[0] for n in names} == {"0_0", "0_1"}
    assert sum(pq.ParquetFile(folder / n).metadata.num_rows for n in names) == 3000
    assert duckdb.sql(f"SELECT count(*), count(DISTINCT num) FROM "
                      f"read_parquet('{folder}/*.parquet')").fetchall() == [(3000, 3000)]


def test_writer_killed_mid_file(pkg: GenPackage, m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, i) for i in range(5)], folder)  # an earlier, complete write
    before = snapshot(folder)
    body = """
    w = schemagen.DatasetWriter(m.Sale, FOLDER, block_size=16384, row_group_size=100,
                                batch_size=100)
    for i in range(1000, 3000):
        w.write(sale(i))
    w._convert()
    i = 3000
    while not [n for n in os.listdir(FOLDER) if n.endswith(".tmp")]:
        w.write(sale(i))  # until the current file has a row group on disk
        w._convert()
        i += 1
    open_tmp = [n for n in os.listdir(FOLDER) if n.endswith(".tmp")]
    print("ready", len(w.files), len(open_tmp), flush=True)
    time.sleep(120)
    """
    p = _child(pkg, body, folder)
    assert p.stdout is not None
    line = p.stdout.readline().split()
    assert line[:1] == ["ready"], p.stderr.read() if p.stderr else ""
    committed, partial = int(line[1]), int(line[2])
    assert committed >= 2 and partial == 1  # files rolled, one half-written
    tmp_files = [n for n in os.listdir(folder) if n.endswith(".tmp")]
    assert tmp_files and all(n.startswith(".0_0_") for n in tmp_files)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    # earlier files intact, no partial file under a final name, every visible file complete
    for rel, data in before.items():
        if rel != "_SUCCESS":
            assert (folder / rel).read_bytes() == data
    assert (folder / "_SUCCESS").read_bytes() == before["_SUCCESS"]
    names = [n for n in visible(folder) if n.endswith(".parquet")]
    assert len(names) == 1 + committed
    got: list[int] = []
    for n in names:
        got += pq.read_table(folder / n)["num"].to_pylist()  # pyarrow reads each one
    assert sorted(got) == list(range(5)) + list(range(1000, 1000 + len(got) - 5))
    assert ds.dataset(folder).count_rows() == len(got)
    # the dead writer's claim is free: the next writer takes 0_0 and clears its temp file
    with schemagen.DatasetWriter(m.Sale, folder) as w:
        assert (w.major, w.minor) == (0, 0)
        w.write(sale(m, 9999))
    assert w.files == [folder / f"0_0_{committed + 1}.parquet"]
    assert not [n for n in os.listdir(folder) if n.endswith(".tmp") or n.endswith(".lock")]


def test_overwrite_killed_keeps_old_dataset(pkg: GenPackage, m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([sale(m, i) for i in range(5)], folder)
    before = snapshot(folder)
    body = """
    w = schemagen.DatasetWriter(m.Sale, FOLDER, mode="overwrite", block_size=8192)
    for i in range(1000, 3000):
        w.write(sale(i))
    w._convert()
    print("ready", len(w.files), flush=True)
    time.sleep(120)
    """
    p = _child(pkg, body, folder)
    assert p.stdout is not None
    line = p.stdout.readline().split()
    assert line[:1] == ["ready"] and int(line[1]) > 1
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    assert snapshot(folder) == before
    assert ids(m, folder) == [0, 1, 2, 3, 4]
    staging = [n for n in os.listdir(tmp_path) if n != "ds"]
    assert len(staging) == 1 and staging[0].startswith(".ds.schemagen-overwrite-")
    # the next overwrite removes the dead one's staging folder (its claim is free)
    schemagen.write([sale(m, 7)], folder, mode="overwrite")
    assert sorted(os.listdir(tmp_path)) == ["ds"] and ids(m, folder) == [7]


def test_threads_share_a_dataset(m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run(n: int) -> None:
        try:
            with schemagen.DatasetWriter(m.Sale, folder, partition_by=["year"],
                                         block_size=4096, batch_size=20) as w:
                barrier.wait(30)
                for i in range(n * 1000, n * 1000 + 200):
                    w.write(sale(m, i))
                    if i % 50 == 0:
                        time.sleep(0.001)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert hive_ids(folder) == sorted(i for n in range(4)
                                      for i in range(n * 1000, n * 1000 + 200))
    prefixes = {Path(f).name.rsplit("_", 1)[0] for f in visible(folder) if f.endswith(".parquet")}
    assert prefixes == {"0_0", "0_1", "0_2", "0_3"}


def test_folders_synced_before_success(m: Any, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """_SUCCESS is written only after every folder holding a new name was fsynced
    (partition folders, then their parents up to the dataset folder)."""
    from schemagen.runtime import storage

    events: list[str] = []
    folder = tmp_path / "ds"
    real_sync, real_write = storage._fsync_dir, storage.LocalStorage.write_atomic
    monkeypatch.setattr(storage, "_fsync_dir", lambda f: events.append(
        "sync " + Path(f).relative_to(tmp_path).as_posix()) or real_sync(f))
    monkeypatch.setattr(storage.LocalStorage, "write_atomic", lambda self, p, d: events.append(
        "write " + p.name) or real_write(self, p, d))
    schemagen.write([sale(m, i) for i in range(4)], folder, partition_by=["year"])
    assert events[-1] == "write _SUCCESS"
    assert sorted(events[:-1]) == ["sync ds", "sync ds/year=2020", "sync ds/year=2021"]
    assert events[-2] == "sync ds"


# --------------------------------------------------------------------------- a bare Arrow schema


def test_bare_schema_writes_arrow_data(tmp_path: Path) -> None:
    """DatasetWriter(pyarrow.Schema, ...): Arrow data only, partitions by Arrow types."""
    schema = pa.schema([pa.field("id", pa.int64()), pa.field("country", pa.string())])
    table = pa.table({"id": [1, 2, 3], "country": ["DE", None, "DE"]}, schema=schema)
    folder = tmp_path / "ds"
    with schemagen.DatasetWriter(schema, folder, partition_by=["country"]) as w:
        w.write_arrow(table)
        with pytest.raises(schemagen.UsageError, match="bare pyarrow.Schema: use write_arrow"):
            w.write({"id": 4})
    assert sorted(f.relative_to(folder).as_posix() for f in w.files) == [
        "country=DE/0_0_0.parquet", f"country={HIVE_NULL}/0_0_0.parquet"]
    got = ds.dataset(folder, partitioning="hive").to_table().sort_by("id")
    assert got["id"].to_pylist() == [1, 2, 3]
    note = json.loads((folder / "_SUCCESS").read_text())
    assert "record" not in note and note["partition_by"] == ["country"] and note["rows"] == 3
    with pytest.raises(schemagen.UsageError, match=r"Arrow data does not match the writer's "
                                                   r"schema: column 1 is named 'x'"):
        schemagen.DatasetWriter(schema, tmp_path / "other").write_arrow(
            pa.table({"id": [1], "x": ["a"]}))
    with pytest.raises(schemagen.UsageError, match=r"field 'v' of the schema is optional double"):
        schemagen.DatasetWriter(pa.schema([("v", pa.float64()), ("w", pa.int8())]),
                                tmp_path / "other", partition_by=["v"])


def test_one_file_per_write_and_folder_wide_index(tmp_path: Path) -> None:
    """roll=False and index_scope='folder' (the syncer's needs): one file however big,
    named after the highest index of any pair; success_note adds facts."""
    schema = pa.schema([pa.field("id", pa.int64())])
    folder = tmp_path / "ds"
    folder.mkdir()
    pq.write_table(pa.table({"id": [0]}), folder / "3_3_6.parquet")
    big = pa.table({"id": list(range(5000))}, schema=schema)
    with schemagen.DatasetWriter(schema, folder, roll=False, index_scope="folder",
                                 block_size=4096, success_note={"table": "t"}) as w:
        w.write_arrow(big)
    assert w.files == [folder / "0_0_7.parquet"]
    md = pq.ParquetFile(w.files[0]).metadata
    assert md.num_rows == 5000 and md.num_row_groups > 1  # block_size bounds row groups only
    assert json.loads((folder / "_SUCCESS").read_text())["table"] == "t"
    for bad, match in ((dict(roll="no"), "roll must be True or False"),
                       (dict(index_scope="all"), "index_scope must be one of"),
                       (dict(success_note={"rows": 1}), "success_note must be a mapping")):
        with pytest.raises(schemagen.UsageError, match=match):
            schemagen.DatasetWriter(schema, folder, **bad)  # type: ignore[arg-type]
