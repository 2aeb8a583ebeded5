"""Reading dataset folders (issue 6, part 2): many files of several record versions,
Hive partition folders, projection, filters pushed to row-group statistics,
batches of bounded size."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import schemagen
from schemagen.runtime.reader import dataset_files, read_batches


def rec(ns: str, fields: list[dict[str, Any]]) -> str:
    return json.dumps({"type": "record", "name": "Sale", "namespace": ns, "fields": fields})


COUNTRY = {"type": "enum", "name": "Country", "symbols": ["DE", "FR", "US"]}
V1 = [{"name": "id", "type": "int"}, {"name": "amount", "type": "float"}]
V2 = [{"name": "id", "type": "long"}, {"name": "amount", "type": "double"},
      {"name": "note", "type": ["null", "string"], "default": None}]
V3 = [{"name": "id", "type": "long"}, {"name": "total", "type": "double", "aliases": ["amount"]},
      {"name": "note", "type": ["null", "string"], "default": None},
      {"name": "qty", "type": "int", "default": 1}]


@pytest.fixture
def versions(compile_schemas: Any) -> tuple[Any, Any, Any]:
    return tuple(compile_schemas({f"s{i}.avsc": rec(f"dsr.v{i}", v)}).module(f"dsr.v{i}").Sale
                 for i, v in enumerate((V1, V2, V3), start=1))  # type: ignore[return-value]


def test_folder_mixing_three_versions(versions: tuple[Any, Any, Any], tmp_path: Path) -> None:
    v1, v2, v3 = versions
    folder = tmp_path / "sales"
    schemagen.write([v1(id_=i, amount=float(i)) for i in range(3)], folder)
    schemagen.write([v2(id_=i, amount=i + 0.5, note=f"n{i}") for i in range(3, 5)], folder)
    schemagen.write([v3(id_=5, total=9.0, note=None, qty=4)], folder)
    (folder / ".tmp-half.parquet").write_bytes(b"PAR1garbage")  # hidden: skipped
    (folder / "_SUCCESS").write_text("{}")
    got = sorted(schemagen.read(v3, folder), key=lambda r: r.id_)
    assert got == [v3(id_=0, total=0.0, note=None, qty=1), v3(id_=1, total=1.0, note=None, qty=1),
                   v3(id_=2, total=2.0, note=None, qty=1), v3(id_=3, total=3.5, note="n3", qty=1),
                   v3(id_=4, total=4.5, note="n4", qty=1), v3(id_=5, total=9.0, note=None, qty=4)]
    table = schemagen.read_arrow(v3, folder)
    assert table.schema.equals(v3.arrow_schema())
    assert sorted(table.column("total").to_pylist()) == [0.0, 1.0, 2.0, 3.5, 4.5, 9.0]
    # filters and projections in the reader's names, across all three versions
    hits = schemagen.read_arrow(v3, folder, columns=["id"], filter=[("total", ">", 3.0)])
    assert sorted(hits.column("id").to_pylist()) == [3, 4, 5]
    assert sorted(r.id_ for r in schemagen.read(v3, folder, filter=ds.field("qty") == 4)) == [5]
    # the oldest reader cannot read the newer files (int64 ids): one error, every field
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(v1, folder))
    msg = str(ei.value)
    assert "id: int64 cannot be read as int32" in msg and "amount: double cannot be read" in msg


def test_read_batches_bounded(versions: tuple[Any, Any, Any], tmp_path: Path) -> None:
    _, v2, _ = versions
    folder = tmp_path / "b"
    schemagen.write([v2(id_=i, amount=0.0) for i in range(25)], folder, row_group_size=10)
    schemagen.write([v2(id_=i, amount=0.0) for i in range(25, 30)], folder)
    sizes = [len(b) for b in read_batches(v2, folder, batch_size=7)]
    assert all(s <= 7 for s in sizes) and sum(sizes) == 30
    got = [r.id_ for b in read_batches(v2, folder, batch_size=4, filter=[("id", ">=", 23)])
           for r in b]
    assert got == list(range(23, 30))
    with pytest.raises(schemagen.UsageError):
        next(read_batches(v2, folder, batch_size=0))


PART = [{"name": "id", "type": "long"}, {"name": "country", "type": ["null", COUNTRY]},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "shop", "type": "string"}, {"name": "vip", "type": "boolean"}]


@pytest.fixture
def part(compile_schemas: Any) -> Any:
    return compile_schemas({"p.avsc": rec("dsr.part", PART)}).module("dsr.part")


def test_hive_partitions_come_back_typed(part: Any, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "p"
    day = datetime.date(2024, 5, 6)
    rows = [part.Sale(id_=i, country=[part.Country.DE, part.Country.FR, None][i % 3], day=day,
                      shop=["a/b", "x=y%", "plain"][i % 3], vip=i % 2 == 0) for i in range(9)]
    with schemagen.DatasetWriter(part.Sale, folder,
                                 partition_by=["country", "day", "shop", "vip"]) as w:
        w.write_many(rows)
    files = [f for f, _ in dataset_files(folder)]
    assert files and all("country" not in pq.read_schema(f).names for f in files)
    assert any("__HIVE_DEFAULT_PARTITION__" in str(f) for f in files)
    assert sorted(schemagen.read(part.Sale, folder), key=lambda r: r.id_) == rows
    table = schemagen.read_arrow(part.Sale, folder)
    assert table.schema.equals(part.Sale.arrow_schema())
    assert sorted(table.to_pylist(), key=lambda r: r["id"])[1]["shop"] == "x=y%"
    # filters on partition columns (exact after resolution), and with projection
    de = schemagen.read_arrow(part.Sale, folder, columns=["id"], filter=[("country", "=", "DE")])
    assert sorted(de.column("id").to_pylist()) == [0, 3, 6]
    got = [r.id_ for r in schemagen.read(part.Sale, folder, filter=[("shop", "=", "a/b")])]
    assert sorted(got) == [0, 3, 6]
    nulls = schemagen.read_arrow(part.Sale, folder, filter=ds.field("country").is_null())
    assert sorted(nulls.column("id").to_pylist()) == [2, 5, 8]
    # one partition folder, or one file in it, still gives the folder's values
    fr = next(f for f in files if "country=FR" in str(f))
    one = list(schemagen.read(part.Sale, fr))
    assert one and all(r.country is part.Country.FR and r.day == day for r in one)
    sub = fr.parent
    while "country=FR" in str(sub.parent):
        sub = sub.parent
    assert {r.country for r in schemagen.read(part.Sale, sub)} == {part.Country.FR}
    # files in other partitions are not even opened
    import schemagen.runtime.reader as reader

    opened: list[Path] = []
    orig = reader._open
    monkeypatch.setattr(reader, "_open", lambda f, *a: opened.append(f) or orig(f, *a))
    assert sorted(r.id_ for r in schemagen.read(part.Sale, folder, filter=[
        ("country", "in", ["FR"]), ("id", "<", 5)])) == [1, 4]
    assert opened and all("country=FR" in str(f) for f in opened)
    monkeypatch.undo()
    # DuckDB agrees on the same folder
    con = duckdb.connect()
    n = con.execute(f"select count(*) from read_parquet('{folder}/**/*.parquet', "
                    "hive_partitioning=true) where country = 'DE'").fetchone()
    assert n == (3,)


def test_bad_partition_value_is_read_error(part: Any, tmp_path: Path) -> None:
    folder = tmp_path / "bad" / "day=not-a-date" / "country=DE" / "shop=s" / "vip=true"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"id": pa.array([1], pa.int64())}), folder / "0_0_0.parquet")
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(part.Sale, tmp_path / "bad"))
    msg = str(ei.value)
    assert "day=not-a-date" in msg and "'day'" in msg and "0_0_0.parquet" in msg


def test_hive_null_in_required_partition_field(part: Any, tmp_path: Path) -> None:
    folder = tmp_path / "n" / "day=2024-01-01" / "country=DE" / "shop=__HIVE_DEFAULT_PARTITION__" \
        / "vip=false"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"id": pa.array([1], pa.int64())}), folder / "0_0_0.parquet")
    with pytest.raises(schemagen.ReadError, match="'shop' is required"):
        list(schemagen.read(part.Sale, tmp_path / "n"))


def test_partition_folder_of_unknown_field_is_ignored(part: Any, tmp_path: Path) -> None:
    folder = tmp_path / "u" / "region=eu"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"id": pa.array([1], pa.int64()),
                             "country": ["FR"], "day": [datetime.date(2024, 1, 1)],
                             "shop": ["s"], "vip": [True]}), folder / "f.parquet")
    assert [r.country for r in schemagen.read(part.Sale, tmp_path / "u")] == [part.Country.FR]


def test_missing_required_column_in_one_file_names_that_file(versions: tuple[Any, Any, Any],
                                                            tmp_path: Path) -> None:
    _, v2, _ = versions
    folder = tmp_path / "m"
    schemagen.write([v2(id_=1, amount=1.0)], folder)
    pq.write_table(pa.table({"id": pa.array([2], pa.int64())}), folder / "0_9_0.parquet")
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(v2, folder))
    assert "0_9_0.parquet" in str(ei.value) and "amount: missing" in str(ei.value)


def test_overwrite_while_reading_never_mixes_versions(versions: tuple[Any, Any, Any],
                                                      tmp_path: Path) -> None:
    """An overwrite completing while a folder is read: a ReadError, not old and new rows
    silently mixed (the new dataset reuses the old file names)."""
    _, v2, _ = versions
    folder = tmp_path / "ow"
    for i in range(3):
        schemagen.write([v2(id_=i, amount=0.0, note="old")], folder)
    it = schemagen.read(v2, folder, batch_size=1)
    assert next(it).note == "old"
    schemagen.write([v2(id_=i, amount=1.0, note="new") for i in range(3)], folder,
                    mode="overwrite", block_size=1)
    assert sorted(p.name for p in folder.glob("*.parquet")) == [
        "0_0_0.parquet", "0_0_1.parquet", "0_0_2.parquet"]
    with pytest.raises(schemagen.ReadError, match="replaced .*while it was being read"):
        list(it)
    # a fresh read sees the new dataset only
    assert [r.note for r in schemagen.read(v2, folder)] == ["new"] * 3


def test_overwrite_between_open_and_pruning(versions: tuple[Any, Any, Any], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Row-group pruning opens the file name a second time: statistics of a file an
    overwrite put under that name must not pick the row groups of the one being read."""
    from schemagen.runtime import reader

    _, v2, _ = versions
    folder = tmp_path / "ow"
    schemagen.write([v2(id_=i, amount=0.0, note="old") for i in range(4)], folder,
                    row_group_size=2)

    class Swapping:
        def __getattr__(self, name: str) -> Any:
            return getattr(ds, name)

        def dataset(self, *a: Any, **kw: Any) -> Any:
            monkeypatch.setattr(reader, "ds", ds)
            schemagen.write([v2(id_=i, amount=0.0, note="new") for i in (9, 9, 0, 1)],
                            folder, mode="overwrite", row_group_size=2)
            return ds.dataset(*a, **kw)

    monkeypatch.setattr(reader, "ds", Swapping())
    with pytest.raises(schemagen.ReadError, match="replaced .*while it was being read"):
        list(schemagen.read(v2, folder, filter=[("id", ">=", 2)]))


def test_filter_values_are_checked_against_field_types(part: Any, tmp_path: Path,
                                                       compile_schemas: Any) -> None:
    """A filter value of the wrong type is a UsageError naming the term and the field's
    type, before any file is read (partition columns included), never a raw Arrow error."""
    folder = tmp_path / "p"
    day = datetime.date(2024, 5, 6)
    schemagen.write([part.Sale(id_=1, country=None, day=day, shop="s", vip=True)], folder,
                    partition_by=["day"])
    one = schemagen.write([part.Sale(id_=1, country=None, day=day, shop="s", vip=True)],
                          tmp_path / "one.parquet")
    for target in (folder, one, tmp_path / "empty"):
        target.mkdir(exist_ok=True) if target.name == "empty" else None
        with pytest.raises(schemagen.UsageError,
                           match=r"\('day', '=', '2024-05-06'\): field 'day' is date32"):
            schemagen.read_arrow(part.Sale, target, filter=[("day", "=", "2024-05-06")])
        with pytest.raises(schemagen.UsageError, match=r"field 'id' is int64, and 'x' \(str\)"):
            list(schemagen.read(part.Sale, target, filter=[[("id", ">", 0)], [("id", ">", "x")]]))
        with pytest.raises(schemagen.UsageError, match="No match for FieldRef.Name.nope."):
            schemagen.read_arrow(part.Sale, target, filter=ds.field("nope") > 1)
        with pytest.raises(schemagen.UsageError, match="must evaluate to bool"):
            schemagen.read_arrow(part.Sale, target, filter=ds.field("id") + 1)
    assert schemagen.read_arrow(part.Sale, folder, filter=[("day", "=", day)]).num_rows == 1
    # some Arrow kernels check their arguments only when there are rows: still up front
    ts = compile_schemas({"t.avsc": rec("dsr.ts", [
        {"name": "t", "type": {"type": "long", "logicalType": "timestamp-micros"}}])})
    sale = ts.module("dsr.ts").Sale
    utc = datetime.UTC
    tfile = schemagen.write([sale(t=datetime.datetime(2024, 1, 1, tzinfo=utc))],
                            tmp_path / "t.parquet")
    with pytest.raises(schemagen.UsageError, match="timestamp with timezone to timestamp "
                                                   "without timezone"):
        schemagen.read_arrow(sale, tfile, filter=[("t", ">", datetime.datetime(2023, 1, 1))])
    assert schemagen.read_arrow(sale, tfile, filter=[
        ("t", ">", datetime.datetime(2023, 1, 1, tzinfo=utc))]).num_rows == 1
    assert schemagen.read_arrow(part.Sale, one, columns="shop").column_names == ["shop"]


def test_partition_fields_match_like_columns(compile_schemas: Any, tmp_path: Path) -> None:
    """Folder keys are matched to reader fields as columns are: by field id (Thrift,
    protobuf: the folder column carries the reader field's id), by alias: never a
    silent None for a renamed partition field."""
    th1 = compile_schemas({"a.thrift": "namespace py dsr.th1\nstruct R { 1: required i64 id,"
                           " 2: optional string country, 3: required string city }"})
    th2 = compile_schemas({"a.thrift": "namespace py dsr.th2\nstruct R { 1: required i64 id,"
                           " 2: optional string nation, 3: required string town }"})
    r1, r2 = th1.record("dsr.th1.R"), th2.record("dsr.th2.R")
    folder = tmp_path / "th"
    schemagen.write([r1(id_=1, country="DE", city="B"), r1(id_=2, country=None, city="P")],
                    folder, partition_by=["country", "city"])
    assert sorted(schemagen.read(r1, folder), key=lambda r: r.id_) == [
        r1(id_=1, country="DE", city="B"), r1(id_=2, country=None, city="P")]
    assert schemagen.read_arrow(r1, folder, filter=[("city", "=", "P")]).column(
        "id").to_pylist() == [2]
    # renamed fields, same ids: the folders country=/city= give nation/town
    assert sorted(schemagen.read(r2, folder), key=lambda r: r.id_) == [
        r2(id_=1, nation="DE", town="B"), r2(id_=2, nation=None, town="P")]
    assert schemagen.read_arrow(r2, folder, filter=[("town", "=", "B")],
                                columns=["nation"]).to_pylist() == [{"nation": "DE"}]
    # Avro: a field renamed with an alias
    old = rec("dsr.al1", [{"name": "id", "type": "long"},
                          {"name": "country", "type": ["null", "string"]}])
    new = rec("dsr.al2", [{"name": "id", "type": "long"},
                          {"name": "nation", "type": "string", "aliases": ["country"]}])
    a1 = compile_schemas({"o.avsc": old}).module("dsr.al1").Sale
    a2 = compile_schemas({"n.avsc": new}).module("dsr.al2").Sale
    avro = tmp_path / "avro"
    schemagen.write([a1(id_=1, country="DE"), a1(id_=2, country="FR")], avro,
                    partition_by=["country"])
    assert sorted(schemagen.read(a2, avro), key=lambda r: r.id_) == [
        a2(id_=1, nation="DE"), a2(id_=2, nation="FR")]
    assert schemagen.read_arrow(a2, avro, filter=[("nation", "=", "FR")]).column(
        "id").to_pylist() == [2]


def test_folders_named_like_parquet_files(versions: tuple[Any, Any, Any], tmp_path: Path) -> None:
    """``out.parquet/`` folders (Spark's convention) hold files; they are not files."""
    _, v2, _ = versions
    schemagen.write([v2(id_=1, amount=0.0)], tmp_path / "out.parquet" / "part-0.parquet")
    schemagen.write([v2(id_=2, amount=0.0)], tmp_path / "other.parquet")
    assert sorted(r.id_ for r in schemagen.read(v2, tmp_path)) == [1, 2]
    assert [f.name for f, _ in dataset_files(tmp_path)] == ["other.parquet", "part-0.parquet"]
    with pytest.raises(schemagen.UsageError, match=r"\(2 Parquet file\(s\)"):
        schemagen.DatasetWriter(v2, tmp_path, mode="error")


def test_integer_filter_values_on_decimal_fields(compile_schemas: Any, tmp_path: Path) -> None:
    """Arrow cannot compare a decimal column with an int: ints become Decimals (also in
    lists for in / not in), on the file's own narrower decimal column too."""
    import decimal

    def dec(p: int, s: int) -> dict[str, Any]:
        return {"type": "bytes", "logicalType": "decimal", "precision": p, "scale": s}

    old = compile_schemas({"o.avsc": rec("dsr.dec1", [{"name": "d", "type": dec(5, 2)}])})
    new = compile_schemas({"n.avsc": rec("dsr.dec2", [{"name": "d", "type": dec(10, 3)}])})
    o, n = old.module("dsr.dec1").Sale, new.module("dsr.dec2").Sale
    values = [decimal.Decimal(v) for v in ("0.50", "1.00", "1.01", "5.00")]
    path = schemagen.write([o(d=v) for v in values], tmp_path / "d.parquet", row_group_size=1)
    for cls in (o, n):
        assert [r.d for r in schemagen.read(cls, path, filter=[("d", ">", 1)])] == values[2:]
        assert [r.d for r in schemagen.read(cls, path, filter=[("d", "in", [1, 5])])] == [
            values[1], values[3]]
        assert schemagen.read_arrow(cls, path, filter=[("d", "not in", {1})]).num_rows == 3


def test_one_plan_per_file_schema(versions: tuple[Any, Any, Any], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Files sharing a schema (partition folders included) share a resolution plan."""
    from schemagen.runtime import reader

    v1, v2, v3 = versions
    folder = tmp_path / "many"
    for i in range(4):
        schemagen.write([v2(id_=i, amount=0.0, note=f"p{i % 2}")], folder,
                        partition_by=["note"])
    schemagen.write([v1(id_=9, amount=1.0)], folder / "note=x")
    calls: list[Path] = []
    real = reader.file_plan
    monkeypatch.setattr(reader, "file_plan",
                        lambda info, f, s, *rest: calls.append(f) or real(info, f, s, *rest))
    got = sorted((r.id_, r.note) for r in schemagen.read(v3, folder))
    assert got == [(0, "p0"), (1, "p1"), (2, "p0"), (3, "p1"), (9, "x")]
    assert len(calls) == 2  # one per schema (v1's file, v2's files), not one per file


def test_folder_key_matched_by_id_before_name(compile_schemas: Any, tmp_path: Path) -> None:
    """A folder key whose name is now another field (ids renumbered): the footer's field id
    decides, also when the name-matched field could not hold the folder's value."""
    th1 = compile_schemas({"a.thrift": "namespace py dsr.th5\nstruct R { 1: required i64 id,"
                           " 2: optional string country }"})
    th2 = compile_schemas({"a.thrift": "namespace py dsr.th6\nstruct R { 1: required i64 id,"
                           " 2: optional string nation, 5: optional i64 country }"})
    r1, r2 = th1.record("dsr.th5.R"), th2.record("dsr.th6.R")
    folder = tmp_path / "th"
    schemagen.write([r1(id_=1, country="DE"), r1(id_=2, country="FR")], folder,
                    partition_by=["country"])
    assert sorted(schemagen.read(r2, folder, filter=[("nation", "=", "DE")]),
                  key=lambda r: r.id_) == [r2(id_=1, nation="DE", country=None)]
    assert schemagen.read_arrow(r2, folder, filter=[("id", ">", 0)]).column(
        "nation").to_pylist() == ["DE", "FR"]


def test_folder_pruning_is_one_arrow_filter_for_all_folders(
        part: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many partition folders: the folder values of all files are filtered at once (not
    an Arrow expression per file), only matching files are opened; OR of conjuncts,
    conjuncts the folders cannot decide, and files at different depths all work."""
    from schemagen.runtime import reader

    folder = tmp_path / "many"
    day = datetime.date(2024, 5, 6)
    rows = [part.Sale(id_=i, country=None, day=day, shop=f"s{i % 60}", vip=i % 2 == 0)
            for i in range(120)]
    schemagen.write(rows, folder, partition_by=["shop"])
    # a deeper level (a writer refuses to mix layouts in one folder: made by hand)
    schemagen.write(rows[:2], tmp_path / "deep", partition_by=["vip"])
    for sub in (tmp_path / "deep").iterdir():
        if sub.name.startswith("vip="):
            shutil.move(str(sub), str(folder / "shop=s0" / sub.name))
    opened: list[Path] = []
    terms: list[Any] = []
    real_open, real_term = reader._open, reader._term
    monkeypatch.setattr(reader, "_open", lambda f, *a: opened.append(f) or real_open(f, *a))
    monkeypatch.setattr(reader, "_term", lambda *a: terms.append(a) or real_term(*a))
    got = schemagen.read_arrow(part.Sale, folder, filter=[
        [("shop", "=", "s7")], [("shop", "in", ["s8", "s0"]), ("vip", "=", True)]])
    assert sorted(got.column("id").to_pylist()) == [0, 0, 7, 8, 60, 67, 68]
    assert {f.parent.name for f in opened} == {"shop=s7", "shop=s8", "shop=s0", "vip=true"}
    assert len(terms) < 12  # per conjunct and key set, not per file (61 folders)
    opened.clear()
    everything = schemagen.read_arrow(part.Sale, folder, filter=[
        [("shop", "=", "s7")], [("id", ">", 118)]])  # the 2nd conjunct: folders cannot decide
    assert sorted(everything.column("id").to_pylist()) == [7, 67, 119]
    assert len(opened) == 62


def test_filters_on_nulls(part: Any, tmp_path: Path) -> None:
    """= / != None never match (null semantics): a UsageError saying what to write
    instead; ('f', 'in', [None]) selects the nulls, on partition folders too."""
    folder = tmp_path / "p"
    day = datetime.date(2024, 5, 6)
    rows = [part.Sale(id_=i, country=[part.Country.DE, None][i % 2], day=day,
                      shop=f"s{i}", vip=True) for i in range(4)]
    schemagen.write(rows, folder, partition_by=["country"])
    one = schemagen.write(rows, tmp_path / "one.parquet")
    for target in (folder, one):
        def ids(flt: Any, target: Path = target) -> list[int]:
            return sorted(schemagen.read_arrow(part.Sale, target, filter=flt)
                          .column("id").to_pylist())

        assert ids([("country", "in", [None])]) == [1, 3]
        assert ids([("country", "not in", [None])]) == [0, 2]
        assert ids([("country", "in", ["DE", None])]) == [0, 1, 2, 3]
        for op in ("=", "!="):
            with pytest.raises(schemagen.UsageError, match=r"comparison with None is never "
                                                           r"true.*'in', \[None\]"):
                ids([("country", op, None)])


def test_filter_shapes_and_empty_value_sets(part: Any, tmp_path: Path) -> None:
    """A bare (column, op, value) tuple, a term written as a list and a non-string
    column are UsageErrors (were TypeError/AttributeError tracebacks); 'in' [] matches
    nothing and 'not in' [] everything, on every field type and on partition folders
    (an empty list on a string field was refused as a value set of type null)."""
    folder = tmp_path / "p"
    day = datetime.date(2024, 5, 6)
    rows = [part.Sale(id_=i, country=[part.Country.DE, None][i % 2], day=day,
                      shop=f"s{i}", vip=True) for i in range(4)]
    schemagen.write(rows, folder, partition_by=["country"])
    one = schemagen.write(rows, tmp_path / "one.parquet")
    for target in (folder, one):
        with pytest.raises(schemagen.UsageError,
                           match=r"put a single term in a list: \[\('id', '>', 1\)\]"):
            list(schemagen.read(part.Sale, target, filter=("id", ">", 1)))
        with pytest.raises(schemagen.UsageError, match="must be a .column, op, value. tuple"):
            schemagen.read_arrow(part.Sale, target, filter=[["id", ">", 1]])
        with pytest.raises(schemagen.UsageError, match="field paths are strings.*got None"):
            schemagen.read_arrow(part.Sale, target, columns=[None])
        with pytest.raises(schemagen.UsageError, match="field paths are strings"):
            list(schemagen.read(part.Sale, target, columns=["id", 3]))
        # values Arrow cannot hold (were OverflowError / ArrowInvalid tracebacks)
        for flt in ([("id", ">", 2**70)], [("id", "in", [1, -2**70])], [("shop", "=", object())]):
            with pytest.raises(schemagen.UsageError, match=r"filter term .*cannot be used in a "
                                                           r"filter on '(id|shop)'"):
                list(schemagen.read(part.Sale, target, filter=flt))
        for col in ("id", "country", "shop", "day"):
            got = schemagen.read_arrow(part.Sale, target, filter=[(col, "in", [])])
            assert got.num_rows == 0 and got.schema.equals(part.Sale.arrow_schema())
            assert schemagen.read_arrow(part.Sale, target,
                                        filter=[(col, "not in", [])]).num_rows == 4


def test_files_are_read_in_the_order_they_were_rolled(versions: tuple[Any, Any, Any],
                                                     tmp_path: Path) -> None:
    # folders were read in plain string order: 0_0_10.parquet came before 0_0_2.parquet,
    # so a dataset of more than 10 files (or 10 appends) read back out of order
    _, v2, _ = versions
    folder = tmp_path / "roll"
    with schemagen.DatasetWriter(v2, folder, block_size=1) as w:
        w.write_many(v2(id_=i, amount=0.0) for i in range(12))
    names = [f.name for f, _ in dataset_files(folder)]
    assert names[:3] == ["0_0_0.parquet", "0_0_1.parquet", "0_0_2.parquet"]
    assert names[-1] == "0_0_11.parquet" and len(names) == 12
    assert [r.id_ for r in schemagen.read(v2, folder)] == list(range(12))
    assert schemagen.read_arrow(v2, folder).column("id").to_pylist() == list(range(12))
    # partition folders too: n=9 before n=10
    for n in (10, 9, 100):
        schemagen.write([v2(id_=n, amount=0.0)], tmp_path / "p" / f"n={n}")
    assert [r.id_ for r in schemagen.read(v2, tmp_path / "p")] == [9, 10, 100]


def test_folder_pruning_never_skips_symbols_that_read_as_the_default(
        compile_schemas: Any, tmp_path: Path) -> None:
    # a folder c=US read by an enum without US (default XX) gives rows with c=XX: a
    # filter c = XX pruned that folder by its raw value "US" and lost them silently
    c3 = {"type": "enum", "name": "C", "symbols": ["DE", "FR", "US"]}
    c2 = {"type": "enum", "name": "C", "symbols": ["DE", "FR", "XX"], "default": "XX"}
    fields = [{"name": "id", "type": "int"}]
    w = compile_schemas({"w.avsc": rec("dsr.enw", [*fields, {"name": "c", "type": c3}])}
                        ).module("dsr.enw")
    r = compile_schemas({"r.avsc": rec("dsr.enr", [*fields, {"name": "c", "type": c2}])}
                        ).module("dsr.enr")
    rows = [w.Sale(id_=i, c=[w.C.DE, w.C.FR, w.C.US][i % 3]) for i in range(6)]
    folder = tmp_path / "p"
    schemagen.write(rows, folder, partition_by=["c"])
    one = schemagen.write(rows, tmp_path / "one.parquet")
    for target in (folder, one):
        got = schemagen.read_arrow(r.Sale, target, filter=[("c", "=", "XX")])
        assert sorted(got.column("id").to_pylist()) == [2, 5]
        got = schemagen.read_arrow(r.Sale, target, filter=[("c", "in", ["XX", "DE"])])
        assert sorted(got.column("id").to_pylist()) == [0, 2, 3, 5]
        assert sorted(x.id_ for x in schemagen.read(r.Sale, target,
                                                    filter=[("c", "=", "DE")])) == [0, 3]


def test_duckdb_written_partitioned_dataset(compile_schemas: Any, tmp_path: Path) -> None:
    """A dataset DuckDB wrote itself (its own types: every column optional, its own decimal
    width, timestamps in us, PARTITION_BY folders with its escaping and null folder) reads
    as the record, with filters on partition and data columns."""
    import decimal

    m = compile_schemas({"d.avsc": rec("dsr.duck", [
        {"name": "id", "type": "long"},
        {"name": "s", "type": ["null", "string"]},
        {"name": "d", "type": ["null", {"type": "int", "logicalType": "date"}]},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
                                    "precision": 12, "scale": 2}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "tags", "type": {"type": "array", "items": "string"}}])}).module("dsr.duck")
    out = tmp_path / "dd"
    duckdb.sql(f"""COPY (SELECT 1::BIGINT id, 'a/b' s, DATE '2024-01-02' d, 12.5::DECIMAL(9,2) amount,
        TIMESTAMPTZ '2024-01-02 03:04:05.678+00' "at", ['x'] tags
      UNION ALL SELECT 2, NULL, NULL, 1.25, TIMESTAMPTZ '2024-01-03 00:00:00+00', []
      UNION ALL SELECT 3, 'x y=%', DATE '2024-01-03', 0, TIMESTAMPTZ '2024-01-04 00:00:00+00', ['y', 'z'])
      TO '{out}' (FORMAT parquet, PARTITION_BY (s, d))""")
    utc = datetime.UTC
    got = sorted(schemagen.read(m.Sale, out), key=lambda r: r.id_)
    assert got == [
        m.Sale(id_=1, s="a/b", d=datetime.date(2024, 1, 2), amount=decimal.Decimal("12.50"),
               at=datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=utc), tags=["x"]),
        m.Sale(id_=2, s=None, d=None, amount=decimal.Decimal("1.25"),
               at=datetime.datetime(2024, 1, 3, tzinfo=utc), tags=[]),
        m.Sale(id_=3, s="x y=%", d=datetime.date(2024, 1, 3), amount=decimal.Decimal("0.00"),
               at=datetime.datetime(2024, 1, 4, tzinfo=utc), tags=["y", "z"])]
    hits = schemagen.read_arrow(m.Sale, out, columns=["id"], filter=[
        [("s", "=", "x y=%")], [("s", "in", [None]), ("amount", ">", 1)]])
    assert sorted(hits.column("id").to_pylist()) == [2, 3]
    table = schemagen.read_arrow(m.Sale, out)
    assert table.schema.equals(m.Sale.arrow_schema()) and table.num_rows == 3
