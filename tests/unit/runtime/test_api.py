"""The public runtime API: write/ParquetWriter options, atomic commits,
projection and filters (see DESIGN.md "Public contract")."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from sg_helpers import GenPackage

import schemagen

# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def sales(repo_pkg: GenPackage) -> Any:
    return repo_pkg.module("example.sales")


def tx(sales: Any, i: int, **kw: Any) -> Any:
    d = dict(
        trans_id=i, date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
        time=datetime.time(12, i % 60, 0, 1000 * (i % 1000)), amount=i * 1.25,
        user_info=sales.UserInfo(cust_id=1000 + i, device=f"dev{i % 3}", state="CA" if i % 2 else "NY"),
        marketing_info=sales.MarketingInfo(camp_id=i % 5, keywords=[f"k{i}", "all"]),
        trans_info=sales.TransInfo(prod_id=list(range(i % 4)), purch_flag=bool(i % 2)),
    )
    d.update(kw)
    return sales.Transaction(**d)


def flat(sales: Any, i: int) -> Any:
    return sales.FlatSale(trans_id=i, day=datetime.date(2021, 1, 1), amount=float(i),
                          cust_id=i * 7, device=f"device-{i}", state="state", keywords=["a", str(i)],
                          purch_flag=i % 2 == 0)


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def row_groups(path: Path) -> list[int]:
    md = pq.ParquetFile(path).metadata
    return [md.row_group(i).num_rows for i in range(md.num_row_groups)]


# --------------------------------------------------------------------------- write targets


def test_write_single_file(sales: Any, tmp_path: Path) -> None:
    recs = [tx(sales, i) for i in range(5)]
    target = tmp_path / "sub" / "one.parquet"
    out = schemagen.write(recs, target)
    assert Path(out) == target
    assert listing(target.parent) == ["one.parquet"]
    assert list(schemagen.read(sales.Transaction, target)) == recs
    # writing again replaces the file
    schemagen.write(recs[:2], target)
    assert list(schemagen.read(sales.Transaction, target)) == recs[:2]
    assert listing(target.parent) == ["one.parquet"]


def test_write_folder_adds_files(sales: Any, tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    first = schemagen.write([tx(sales, 0), tx(sales, 1)], folder)
    assert Path(first).parent == folder and Path(first).name == "0_0_0.parquet"
    second = schemagen.write([tx(sales, 2)], folder)
    assert Path(second).name == "0_0_1.parquet"
    assert listing(folder) == ["0_0_0.parquet", "0_0_1.parquet", "_SUCCESS"]
    assert [r.trans_id for r in schemagen.read(sales.Transaction, folder)] == [0, 1, 2]
    # numbering continues after the highest file present
    (folder / "0_0_0.parquet").rename(folder / "0_0_7.parquet")
    assert Path(schemagen.write([tx(sales, 3)], folder)).name == "0_0_8.parquet"
    assert sorted(r.trans_id for r in schemagen.read(sales.Transaction, folder)) == [0, 1, 2, 3]
    assert schemagen.read_arrow(sales.Transaction, folder).num_rows == 4


def test_write_needs_a_record(tmp_path: Path) -> None:
    with pytest.raises(schemagen.UsageError):
        schemagen.write([], tmp_path / "x.parquet")
    assert listing(tmp_path) == []


def test_write_rejects_non_generated_objects(tmp_path: Path) -> None:
    with pytest.raises(schemagen.UsageError):
        schemagen.write([{"trans_id": 1}], tmp_path / "x.parquet")
    with pytest.raises(schemagen.UsageError):
        schemagen.ParquetWriter(dict, tmp_path / "y.parquet")
    assert listing(tmp_path) == []


def test_write_rejects_non_iterables_and_arrow(sales: Any, tmp_path: Path) -> None:
    """Clear UsageErrors (never a TypeError traceback) for what is not records."""
    table = pa.Table.from_batches([sales.Transaction.__schemagen__.to_batch(
        [tx(sales, 1)], sales.Transaction.arrow_schema())])
    for given, words in ((table, "got a Table; write Arrow data with ParquetWriter"),
                         (table.to_batches()[0], "got a RecordBatch"),
                         (None, "iterable of generated records, got NoneType"),
                         (5, "got int"), (tx(sales, 1), "got Transaction"),
                         ({"trans_id": 1}, "got dict")):
        for target in (tmp_path / "x.parquet", tmp_path / "ds"):
            with pytest.raises(schemagen.UsageError, match=words):
                schemagen.write(given, target)
    assert listing(tmp_path) == []


def test_parquet_writer_write_and_write_many(sales: Any, tmp_path: Path) -> None:
    recs = [tx(sales, i) for i in range(10)]
    path = tmp_path / "w.parquet"
    with schemagen.ParquetWriter(sales.Transaction, path) as w:
        w.write(recs[0])
        w.write_many(recs[1:6])
        w.write_many(iter(recs[6:9]))
        w.write(recs[9])
        assert w.rows == 10
    assert list(schemagen.read(sales.Transaction, path)) == recs
    assert pq.ParquetFile(path).metadata.num_rows == 10


def test_parquet_writer_empty_file(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    with schemagen.ParquetWriter(sales.Transaction, path):
        pass
    assert list(schemagen.read(sales.Transaction, path)) == []
    assert pq.read_schema(path).equals(sales.Transaction.arrow_schema(), check_metadata=False)


def test_parquet_writer_rejects_directory(sales: Any, tmp_path: Path) -> None:
    with pytest.raises(schemagen.UsageError):
        schemagen.ParquetWriter(sales.Transaction, tmp_path)


def test_write_through_a_symlinked_file_name(sales: Any, tmp_path: Path) -> None:
    # latest.parquet -> runs/a.parquet: the link stays and runs/a.parquet is replaced (the
    # link was replaced by a real file, and the file it named kept the old rows)
    target = tmp_path / "runs" / "a.parquet"
    schemagen.write([tx(sales, 1)], target)
    link = tmp_path / "latest.parquet"
    link.symlink_to(target)
    assert schemagen.write([tx(sales, 2), tx(sales, 3)], link) == link
    assert link.is_symlink()
    assert [r.trans_id for r in schemagen.read(sales.Transaction, target)] == [2, 3]
    assert sorted(os.listdir(tmp_path / "runs")) == ["a.parquet"]  # no temporary left
    dangling = tmp_path / "next.parquet"
    dangling.symlink_to(tmp_path / "later" / "b.parquet")
    schemagen.write([tx(sales, 4)], dangling)
    assert dangling.is_symlink()
    assert [r.trans_id for r in schemagen.read(sales.Transaction, dangling)] == [4]


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("compression", "codec"),
    [("none", "UNCOMPRESSED"), ("snappy", "SNAPPY"), ("gzip", "GZIP"), ("zstd", "ZSTD"),
     ("lz4", ("LZ4", "LZ4_RAW")), ("brotli", "BROTLI"), ("ZSTD", "ZSTD")],
)
def test_compression(sales: Any, tmp_path: Path, compression: str, codec: Any) -> None:
    recs = [tx(sales, i) for i in range(50)]
    path = schemagen.write(recs, tmp_path / "c.parquet", compression=compression)
    md = pq.ParquetFile(path).metadata
    codecs = {md.row_group(0).column(i).compression for i in range(md.num_columns)}
    assert codecs == ({codec} if isinstance(codec, str) else codecs & set(codec))
    assert len(codecs) == 1
    assert list(schemagen.read(sales.Transaction, path)) == recs


def test_default_compression_is_snappy(sales: Any, tmp_path: Path) -> None:
    path = schemagen.write([tx(sales, 1)], tmp_path / "c.parquet")
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "SNAPPY"


@pytest.mark.parametrize(("compression", "level"), [("zstd", 1), ("zstd", 19), ("gzip", 9),
                                                    ("brotli", 11)])
def test_compression_level(sales: Any, tmp_path: Path, compression: str, level: int) -> None:
    recs = [flat(sales, i) for i in range(2000)]
    path = schemagen.write(recs, tmp_path / "c.parquet", compression=compression,
                           compression_level=level)
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == compression.upper()
    assert list(schemagen.read(sales.FlatSale, path)) == recs


def test_compression_level_changes_output(sales: Any, tmp_path: Path) -> None:
    recs = [flat(sales, i) for i in range(5000)]
    low = schemagen.write(recs, tmp_path / "lo.parquet", compression="gzip", compression_level=1,
                          use_dictionary=False)
    high = schemagen.write(recs, tmp_path / "hi.parquet", compression="gzip", compression_level=9,
                           use_dictionary=False)
    assert low.read_bytes() != high.read_bytes()


@pytest.mark.parametrize(
    "options",
    [
        {"compression": "lzo"},
        {"compression": "bogus"},
        {"compression": "none", "compression_level": 3},
        {"compression": "snappy", "compression_level": 3},
        {"row_group_size": 0},
        {"row_group_size": -10},
        {"row_group_size": "10"},
        {"block_size": 0},
        {"block_size": 1.5},
        {"block_size": None},
        {"page_size": -1},
        {"batch_size": 0},
    ],
)
def test_bad_options_raise_usage_error(sales: Any, tmp_path: Path, options: dict[str, Any]) -> None:
    with pytest.raises(schemagen.UsageError):
        schemagen.write([tx(sales, 1)], tmp_path / "x.parquet", **options)
    with pytest.raises(schemagen.UsageError):
        schemagen.ParquetWriter(sales.Transaction, tmp_path / "y.parquet", **options)
    assert listing(tmp_path) == []


def test_unknown_option_raises_usage_error(sales: Any, tmp_path: Path) -> None:
    with pytest.raises(schemagen.UsageError, match="compresion"):
        schemagen.write([tx(sales, 1)], tmp_path / "x.parquet", compresion="zstd")


def test_bad_compression_level_raises_usage_error(sales: Any, tmp_path: Path) -> None:
    with pytest.raises(schemagen.UsageError):
        schemagen.write([tx(sales, 1)], tmp_path / "x.parquet", compression="gzip",
                        compression_level=100)


def test_bad_compression_level_leaves_nothing(sales: Any, tmp_path: Path) -> None:
    with pytest.raises(schemagen.UsageError):
        schemagen.write([tx(sales, 1)], tmp_path / "x.parquet", compression="gzip",
                        compression_level=100)
    assert listing(tmp_path) == []


def test_row_group_size_rows(sales: Any, tmp_path: Path) -> None:
    recs = [tx(sales, i) for i in range(35)]
    path = schemagen.write(recs, tmp_path / "r.parquet", row_group_size=10)
    assert row_groups(path) == [10, 10, 10, 5]
    assert list(schemagen.read(sales.Transaction, path)) == recs


def test_row_group_size_with_small_batches(sales: Any, tmp_path: Path) -> None:
    recs = [tx(sales, i) for i in range(35)]
    path = tmp_path / "r.parquet"
    with schemagen.ParquetWriter(sales.Transaction, path, row_group_size=10, batch_size=7) as w:
        for r in recs:
            w.write(r)
    assert row_groups(path) == [10, 10, 10, 5]
    assert list(schemagen.read(sales.Transaction, path)) == recs


def test_block_size_bytes_with_small_batches(sales: Any, tmp_path: Path) -> None:
    recs = [flat(sales, i) for i in range(20_000)]
    block = 64 * 1024
    path = schemagen.write(recs, tmp_path / "b.parquet", block_size=block, batch_size=500)
    groups = row_groups(path)
    assert sum(groups) == 20_000
    arrow_bytes = schemagen.read_arrow(sales.FlatSale, path).nbytes
    assert len(groups) >= arrow_bytes // (2 * block)
    assert list(schemagen.read(sales.FlatSale, path)) == recs


def test_block_size_bytes_default_batches(sales: Any, tmp_path: Path) -> None:
    recs = [flat(sales, i) for i in range(20_000)]
    block = 64 * 1024
    path = schemagen.write(recs, tmp_path / "b.parquet", block_size=block)
    arrow_bytes = schemagen.read_arrow(sales.FlatSale, path).nbytes
    assert len(row_groups(path)) >= arrow_bytes // (2 * block)


def test_page_size(sales: Any, tmp_path: Path) -> None:
    recs = [flat(sales, i) for i in range(20_000)]
    big = schemagen.write(recs, tmp_path / "big.parquet", use_dictionary=False)
    small = schemagen.write(recs, tmp_path / "small.parquet", use_dictionary=False, page_size=1024)
    size_big = pq.ParquetFile(big).metadata.row_group(0).column(0).total_uncompressed_size
    size_small = pq.ParquetFile(small).metadata.row_group(0).column(0).total_uncompressed_size
    # more pages -> more page headers for the same values
    assert size_small > size_big + 500
    assert list(schemagen.read(sales.FlatSale, small)) == recs


def test_dictionary_switch(sales: Any, tmp_path: Path) -> None:
    recs = [flat(sales, i % 10) for i in range(1000)]
    on = schemagen.write(recs, tmp_path / "on.parquet")
    off = schemagen.write(recs, tmp_path / "off.parquet", use_dictionary=False)
    md_on, md_off = pq.ParquetFile(on).metadata, pq.ParquetFile(off).metadata
    dev = [md_on.schema.column(i).name for i in range(md_on.num_columns)].index("device")
    assert md_on.row_group(0).column(dev).has_dictionary_page
    for i in range(md_off.num_columns):
        col = md_off.row_group(0).column(i)
        assert not col.has_dictionary_page
        assert not {"PLAIN_DICTIONARY", "RLE_DICTIONARY"} & set(col.encodings)
    assert list(schemagen.read(sales.FlatSale, off)) == recs


# --------------------------------------------------------------------------- atomic commits


def test_final_file_appears_only_on_close(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "atomic.parquet"
    w = schemagen.ParquetWriter(sales.Transaction, path, row_group_size=2, batch_size=2)
    w.write_many([tx(sales, i) for i in range(7)])  # several row groups already flushed
    assert not path.exists()
    # a dataset reader does not see the file being written
    assert list(schemagen.read(sales.Transaction, tmp_path)) == []
    assert w.close() == path
    assert path.exists()
    assert listing(tmp_path) == ["atomic.parquet"]
    assert [r.trans_id for r in schemagen.read(sales.Transaction, path)] == list(range(7))


def test_exception_inside_with_leaves_nothing(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "never.parquet"
    with pytest.raises(RuntimeError, match="boom"):
        with schemagen.ParquetWriter(sales.Transaction, path, row_group_size=1, batch_size=1) as w:
            w.write_many([tx(sales, i) for i in range(5)])
            raise RuntimeError("boom")
    assert listing(tmp_path) == []


def test_exception_keeps_previous_file(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "keep.parquet"
    schemagen.write([tx(sales, 1)], path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with schemagen.ParquetWriter(sales.Transaction, path) as w:
            w.write(tx(sales, 2))
            raise RuntimeError("boom")
    assert path.read_bytes() == before
    assert listing(tmp_path) == ["keep.parquet"]


@pytest.mark.parametrize("batch_size", [1, 3, 65536])
def test_invalid_record_in_the_middle_writes_nothing(sales: Any, tmp_path: Path,
                                                     batch_size: int) -> None:
    recs = [tx(sales, i) for i in range(10)]
    recs[6] = tx(sales, 6, amount="lots")
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write(recs, tmp_path / "x.parquet", batch_size=batch_size, row_group_size=2)
    assert ei.value.index == 6
    assert listing(tmp_path) == []


def test_invalid_record_keeps_dataset_intact(sales: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([tx(sales, 0)], folder)
    before = {p: (folder / p).read_bytes() for p in listing(folder)}
    with pytest.raises(schemagen.RecordError):
        schemagen.write([tx(sales, 1), tx(sales, 2, trans_id=None)], folder)
    assert {p: (folder / p).read_bytes() for p in listing(folder)} == before
    assert [r.trans_id for r in schemagen.read(sales.Transaction, folder)] == [0]


def test_invalid_record_via_writer_aborts(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "w.parquet"
    with pytest.raises(schemagen.RecordError):
        with schemagen.ParquetWriter(sales.Transaction, path, batch_size=2) as w:
            w.write(tx(sales, 0))
            w.write(tx(sales, 1, date="yesterday"))
    assert listing(tmp_path) == []


# --------------------------------------------------------------------------- projection


@pytest.fixture
def sales_file(sales: Any, tmp_path: Path) -> Path:
    return schemagen.write([tx(sales, i) for i in range(100)], tmp_path / "s.parquet",
                           row_group_size=10)


def test_projection_typed(sales: Any, sales_file: Path) -> None:
    got = list(schemagen.read(sales.Transaction, sales_file,
                              columns=["trans_id", "user_info.cust_id"]))
    assert len(got) == 100
    r = got[3]
    assert r.trans_id == 3 and r.user_info.cust_id == 1003
    assert isinstance(r, sales.Transaction) and isinstance(r.user_info, sales.UserInfo)
    assert schemagen.fields_read(r) == ("trans_id", "user_info")
    assert schemagen.fields_read(r.user_info) == ("cust_id",)
    for unread in ("date", "time", "amount", "marketing_info", "trans_info"):
        assert not hasattr(r, unread)
    assert not hasattr(r.user_info, "device") and not hasattr(r.user_info, "state")


def test_projection_reads_only_projected_columns(sales: Any, sales_file: Path) -> None:
    t = schemagen.read_arrow(sales.Transaction, sales_file, columns=["trans_id", "user_info.cust_id"])
    assert t.schema.names == ["trans_id", "user_info"]
    assert t.schema.field("user_info").type == pa.struct(
        [pa.field("cust_id", pa.int64(), nullable=False)])
    assert t.column("trans_id").to_pylist() == list(range(100))


def test_projection_py_names_and_lists(repo_pkg: GenPackage, tmp_path: Path) -> None:
    f = repo_pkg.module("example.features")
    g = repo_pkg.module("example.geometry")
    path = tmp_path / "s.parquet"
    shapes = [g.Shape(name=f"s{i}", corners=[f.Point(x=float(i), y=-1.0)] * i) for i in range(4)]
    schemagen.write(shapes, path)
    got = list(schemagen.read(g.Shape, path, columns=["corners.x"]))
    assert [schemagen.fields_read(s) for s in got] == [("corners",)] * 4
    assert [[(c.x, schemagen.fields_read(c)) for c in s.corners] for s in got][2] == \
        [(2.0, ("x",))] * 2
    with pytest.raises(schemagen.NotReadError, match=r"corners\.y"):
        got[2].corners[0].y  # noqa: B018
    t = schemagen.read_arrow(g.Shape, path, columns=["corners.x"])
    assert t.schema.names == ["corners"]


def test_projection_unknown_columns(sales: Any, sales_file: Path) -> None:
    with pytest.raises(schemagen.UsageError, match="nope"):
        list(schemagen.read(sales.Transaction, sales_file, columns=["nope"]))
    with pytest.raises(schemagen.UsageError, match="zipcode"):
        schemagen.read_arrow(sales.Transaction, sales_file, columns=["user_info.zipcode"])
    with pytest.raises(schemagen.UsageError, match="trans_id"):
        schemagen.read_arrow(sales.Transaction, sales_file, columns=["trans_id.x"])


def test_projection_defaults(compile_schemas: Any, tmp_path: Path) -> None:
    pkg = compile_schemas({"o.avsc": """
    {"type": "record", "name": "Order", "namespace": "proj", "fields": [
      {"name": "id", "type": "long"},
      {"name": "tags", "type": {"type": "array", "items": "string"}, "default": ["new"]},
      {"name": "qty", "type": "int", "default": 1},
      {"name": "note", "type": ["null", "string"], "default": null},
      {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item",
        "fields": [{"name": "sku", "type": "string"}, {"name": "n", "type": "int", "default": 5}]}}},
      {"name": "by_sku", "type": {"type": "map", "values": "Item"}}
    ]}"""})
    m = pkg.module("proj")
    orders = [m.Order(id_=i, tags=["t", str(i)], qty=i, note="n", items=[m.Item(sku="a", n=i)],
                      by_sku={"a": m.Item(sku="a", n=i)}) for i in range(3)]
    path = schemagen.write(orders, tmp_path / "o.parquet")
    got = list(schemagen.read(m.Order, path, columns=["id", "items.sku"]))
    assert [o.id_ for o in got] == [0, 1, 2]
    # (issue 15 item 14) fields with defaults are not read, not filled with the default
    assert all(schemagen.fields_read(o) == ("id_", "items") for o in got)
    for name in ("qty", "tags", "note", "by_sku"):
        with pytest.raises(schemagen.NotReadError, match=f"Order.{name} was not read"):
            getattr(got[0], name)
    assert [(i.sku, schemagen.fields_read(i)) for i in got[1].items] == [("a", ("sku",))]
    with pytest.raises(schemagen.NotReadError, match="Item.n was not read.*'items.n'"):
        got[1].items[0].n  # noqa: B018


def test_projection_through_map(compile_schemas: Any, tmp_path: Path) -> None:
    pkg = compile_schemas({"o.avsc": """
    {"type": "record", "name": "Order", "namespace": "projm", "fields": [
      {"name": "by_sku", "type": {"type": "map", "values": {"type": "record", "name": "Item",
        "fields": [{"name": "sku", "type": "string"}, {"name": "n", "type": "int"}]}}}
    ]}"""})
    m = pkg.module("projm")
    path = schemagen.write([m.Order(by_sku={"a": m.Item(sku="a", n=1)})], tmp_path / "o.parquet")
    got = list(schemagen.read(m.Order, path, columns=["by_sku.n"]))
    assert schemagen.fields_read(got[0]) == ("by_sku",)  # every field of Order: complete
    item = got[0].by_sku["a"]
    assert (item.n, schemagen.fields_read(item)) == (1, ("n",))
    assert got != [m.Order(by_sku={"a": m.Item(sku="", n=1)})]
    with pytest.raises(schemagen.NotReadError, match="'by_sku.sku'"):
        item.sku  # noqa: B018


# --------------------------------------------------------------------------- filters


def test_filter_tuples(sales: Any, sales_file: Path) -> None:
    T = sales.Transaction
    assert [r.trans_id for r in schemagen.read(T, sales_file, filter=[("trans_id", ">=", 97)])] == [97, 98, 99]
    assert [r.trans_id for r in schemagen.read(
        T, sales_file, filter=[("trans_id", ">", 10), ("trans_id", "<", 13)])] == [11, 12]
    assert [r.trans_id for r in schemagen.read(
        T, sales_file, filter=[[("trans_id", "<", 2)], [("trans_id", "==", 50)]])] == [0, 1, 50]
    assert [r.trans_id for r in schemagen.read(
        T, sales_file, filter=[("trans_id", "in", [5, 55, 500])])] == [5, 55]
    assert len(list(schemagen.read(T, sales_file, filter=[("trans_id", "not in", [5])]))) == 99
    got = list(schemagen.read(T, sales_file, filter=[("trans_id", "=", 42)]))
    assert got == [tx(sales, 42)]


def test_filter_nested_tuple_and_expression(sales: Any, sales_file: Path) -> None:
    T = sales.Transaction
    by_tuple = [r.trans_id for r in schemagen.read(T, sales_file,
                                                   filter=[("user_info.cust_id", "<", 1003)])]
    by_expr = [r.trans_id for r in schemagen.read(T, sales_file,
                                                  filter=ds.field("user_info", "cust_id") < 1003)]
    assert by_tuple == by_expr == [0, 1, 2]
    expr = (ds.field("amount") > 100) & (ds.field("user_info", "state") == "NY")
    got = schemagen.read_arrow(T, sales_file, filter=expr)
    assert got.column("trans_id").to_pylist() == [i for i in range(100) if i * 1.25 > 100 and i % 2 == 0]


def test_filter_with_projection(sales: Any, sales_file: Path) -> None:
    T = sales.Transaction
    got = list(schemagen.read(T, sales_file, columns=["amount"], filter=[("trans_id", "<", 3)]))
    assert [r.amount for r in got] == [0.0, 1.25, 2.5]
    got = list(schemagen.read(T, sales_file, columns=["trans_id"],
                              filter=ds.field("user_info", "cust_id") >= 1098))
    assert [r.trans_id for r in got] == [98, 99]


def test_read_arrow_gives_exactly_the_selection(sales: Any, sales_file: Path) -> None:
    """read_arrow(columns=...) has the same schema whether rows match or not: the
    selected fields in the record's order, without the columns read only for a filter."""
    T = sales.Transaction
    for flt in ([("user_info.state", "=", "NY"), ("trans_id", "<", 4)],
                ds.field("user_info", "state") == "NY"):
        hit = schemagen.read_arrow(T, sales_file, columns=["user_info.cust_id", "amount"],
                                   filter=flt)
        miss = schemagen.read_arrow(T, sales_file, columns=["user_info.cust_id", "amount"],
                                    filter=[("trans_id", "<", -1)])
        assert miss.num_rows == 0 and hit.schema.equals(miss.schema, check_metadata=True)
        assert hit.schema.names == ["amount", "user_info"]
        assert hit.to_pylist()[:2] == [{"amount": 0.0, "user_info": {"cust_id": 1000}},
                                       {"amount": 2.5, "user_info": {"cust_id": 1002}}]
    whole = schemagen.read_arrow(T, sales_file, columns=["user_info"],
                                 filter=[("user_info.cust_id", "=", 1001)])
    assert whole.to_pylist() == [{"user_info": {"cust_id": 1001, "device": "dev1",
                                                "state": "CA"}}]


def test_filter_prunes_row_groups(sales: Any, sales_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    orig = pq.ParquetFile.read_row_group

    def spy(self: Any, i: int, *a: Any, **kw: Any) -> Any:
        seen.append(i)
        return orig(self, i, *a, **kw)

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", spy)
    assert pq.ParquetFile(sales_file).metadata.num_row_groups == 10
    T = sales.Transaction
    got = [r.trans_id for r in schemagen.read(T, sales_file, filter=[("trans_id", ">=", 95)])]
    assert got == [95, 96, 97, 98, 99]
    assert seen == [9]
    seen.clear()
    got = [r.trans_id for r in schemagen.read(
        T, sales_file, filter=(ds.field("trans_id") >= 23) & (ds.field("trans_id") < 31))]
    assert got == list(range(23, 31))
    assert seen == [2, 3]
    seen.clear()
    assert list(schemagen.read(T, sales_file, filter=[("trans_id", ">", 1000)])) == []
    assert seen == []


def test_filter_on_dataset_folder(sales: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    for start in (0, 10, 20):
        schemagen.write([tx(sales, i) for i in range(start, start + 10)], folder)
    got = sorted(r.trans_id for r in schemagen.read(sales.Transaction, folder,
                                                    filter=[("trans_id", "in", [3, 13, 23, 33])]))
    assert got == [3, 13, 23]


def test_filter_bad_terms(sales: Any, sales_file: Path) -> None:
    T = sales.Transaction
    with pytest.raises(schemagen.UsageError):
        list(schemagen.read(T, sales_file, filter=[("trans_id", "~", 1)]))
    with pytest.raises(schemagen.UsageError):
        list(schemagen.read(T, sales_file, filter=[("trans_id", ">")]))
    with pytest.raises(schemagen.UsageError):
        list(schemagen.read(T, sales_file, filter="trans_id > 1"))


def test_filter_unknown_column_names_it(sales: Any, sales_file: Path) -> None:
    with pytest.raises(schemagen.SchemagenError, match="nope"):
        list(schemagen.read(sales.Transaction, sales_file, filter=[("nope", "=", 1)]))


def test_filter_unknown_column_is_usage_error(sales: Any, sales_file: Path) -> None:
    with pytest.raises(schemagen.UsageError, match="nope"):
        list(schemagen.read(sales.Transaction, sales_file, filter=[("nope", "=", 1)]))


def test_read_missing_path(sales: Any, tmp_path: Path) -> None:
    with pytest.raises(schemagen.UsageError):
        list(schemagen.read(sales.Transaction, tmp_path / "nothing.parquet"))


@pytest.mark.parametrize("path", [None, 3, b"x.parquet", "", " "])
def test_path_of_another_type_or_empty(sales: Any, path: Any, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # were TypeError tracebacks from pathlib; "" (pathlib: the current folder, mostly an
    # unset variable) silently wrote a dataset into the working folder
    monkeypatch.chdir(tmp_path)
    match = "path must be a|path is empty"
    with pytest.raises(schemagen.UsageError, match=match):
        list(schemagen.read(sales.Transaction, path))
    with pytest.raises(schemagen.UsageError, match=match):
        schemagen.read_arrow(sales.Transaction, [path])
    with pytest.raises(schemagen.UsageError, match=match):
        schemagen.write([tx(sales, 1)], path)
    with pytest.raises(schemagen.UsageError, match=match):
        schemagen.DatasetWriter(sales.Transaction, path)
    with pytest.raises(schemagen.UsageError, match=match):
        schemagen.ParquetWriter(sales.Transaction, path)
    assert os.listdir(tmp_path) == []


def test_read_batches_across_files_and_batch_size(sales: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    schemagen.write([tx(sales, i) for i in range(5)], folder)
    schemagen.write([tx(sales, i) for i in range(5, 12)], folder)
    got = list(schemagen.read(sales.Transaction, folder, batch_size=3))
    assert [r.trans_id for r in got] == list(range(12))
    assert got == [tx(sales, i) for i in range(12)]


# --------------------------------------------------------------------------- writer lifecycle


def test_write_after_close_is_refused(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "w.parquet"
    w = schemagen.ParquetWriter(sales.Transaction, path)
    w.write(tx(sales, 0))
    w.close()
    with pytest.raises(schemagen.UsageError):
        w.write(tx(sales, 1))
    with pytest.raises(schemagen.UsageError):
        w.write_many([tx(sales, 2)])


def test_close_is_idempotent(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "w.parquet"
    w = schemagen.ParquetWriter(sales.Transaction, path)
    w.write(tx(sales, 0))
    assert w.close() == path
    before = path.read_bytes()
    assert w.close() == path
    assert path.read_bytes() == before


def test_concurrent_folder_writes_keep_both_files(sales: Any, tmp_path: Path) -> None:
    import threading

    folder = tmp_path / "ds"
    started, go = threading.Event(), threading.Event()

    def slow() -> Any:
        yield tx(sales, 1)
        started.set()
        go.wait(30)
        yield tx(sales, 2)

    errors: list[BaseException] = []

    def run() -> None:
        try:
            schemagen.write(slow(), folder)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    try:
        assert started.wait(30)
        schemagen.write([tx(sales, 100)], folder)
    finally:
        go.set()
        t.join(30)
    assert errors == []
    assert sorted(r.trans_id for r in schemagen.read(sales.Transaction, folder)) == [1, 2, 100]


def test_python_and_wire_names_in_projection(compile_schemas: Any, tmp_path: Path) -> None:
    m = compile_schemas({"k.avsc": """
      {"type": "record", "name": "K", "namespace": "kwn", "fields": [
        {"name": "class", "type": "string"}, {"name": "id", "type": "long"}]}"""}).module("kwn")
    path = schemagen.write([m.K(class_="a", id_=1), m.K(class_="b", id_=2)], tmp_path / "k.parquet")
    for cols in (["class"], ["class_"]):
        got = list(schemagen.read(m.K, path, columns=cols))
        assert [(k.class_, schemagen.fields_read(k)) for k in got] == [("a", ("class_",)),
                                                                       ("b", ("class_",))]
    assert [k.id_ for k in schemagen.read(m.K, path, filter=[("class", "=", "b")])] == [2]


def test_python_names_in_filters(compile_schemas: Any, tmp_path: Path) -> None:
    m = compile_schemas({"k.avsc": """
      {"type": "record", "name": "K", "namespace": "kwf", "fields": [
        {"name": "class", "type": "string"}, {"name": "id", "type": "long"}]}"""}).module("kwf")
    path = schemagen.write([m.K(class_="a", id_=1), m.K(class_="b", id_=2)], tmp_path / "k.parquet")
    assert [k.id_ for k in schemagen.read(m.K, path, filter=[("class_", "=", "b")])] == [2]
