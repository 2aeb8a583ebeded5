"""The syncer's directory on an object store (a moto S3 server on 127.0.0.1): every dump is
one object published whole, overwrite switches the table in one step (a manifest), and the
table checks (compatible columns, typed tables) read footers from the store."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from sg_s3 import S3

import schemagen
from generated.example.sales import FlatSale
from schemagen.adapters.syncer import ParquetSyncer, connect
from schemagen.errors import SyncerError


def sales(n: int, start: int = 0) -> list[FlatSale]:
    return [FlatSale(trans_id=i, day=datetime.date(2024, 1, 1 + i % 28), amount=i * 1.5,
                     cust_id=i % 7, device="web", state="ca", keywords=[f"k{i}"],
                     purch_flag=False) for i in range(start, start + n)]


def test_dumps_on_s3_load_back_in_dump_order(s3: S3) -> None:
    sync = ParquetSyncer(s3.url("tables/"), compression="snappy")
    assert sync.tables() == []
    files = [sync.dump("events", [{"id": i, "name": f"n{i}"} for i in range(k * 10, k * 10 + 10)])
             for k in range(12)]  # more than 10 dumps: dump order is not name order
    assert all(str(f).startswith(f"s3://{s3.bucket}/tables/events/") for f in files)
    assert sync.tables() == ["events"]
    assert [r["id"] for r in sync.load("events")] == list(range(120))
    assert sync.files("events") == files
    assert not [k for k in s3.keys() if "/." in k or k.endswith(".tmp")]  # nothing partial
    with pytest.raises(SyncerError, match="does not exist"):
        sync.files("nope")


def test_an_incompatible_dump_is_refused_from_the_footers_on_s3(s3: S3) -> None:
    sync = ParquetSyncer(s3.url("t/"), filesystem=s3.pyarrow_fs())
    sync.dump("x", [{"id": 1, "v": "a"}])
    before = s3.keys("t/")
    with pytest.raises(SyncerError, match="'v'"):
        sync.dump("x", [{"id": 2, "v": [1, 2]}])
    assert s3.keys("t/") == before  # nothing written


def test_overwrite_on_s3_replaces_the_table_in_one_step(s3: S3) -> None:
    sync = ParquetSyncer(s3.url("t/"), filesystem=s3.fsspec_fs())
    sync.dump("x", [{"id": i} for i in range(5)])
    sync.dump("x", [{"id": 5}])
    sync.dump("x", [{"id": 100}, {"id": 101}], mode="overwrite")
    assert [r["id"] for r in sync.load("x")] == [100, 101]
    sync.dump("x", [{"id": 102}])
    assert [r["id"] for r in sync.load("x")] == [100, 101, 102]
    sync.dump("x", [], mode="overwrite")
    assert sync.load("x") == []


def test_typed_tables_on_s3(s3: S3) -> None:
    sync = connect(f"parquet://?directory={s3.url('typed/')}")
    assert str(sync.directory) == f"s3://{s3.bucket}/typed"
    sync.dump_records("sales", sales(30))
    # a dict dump into a typed table takes the record's types (read from the S3 footer)
    sync.dump("sales", [{"trans_id": 30, "day": datetime.date(2024, 2, 1), "amount": 2.0,
                         "cust_id": 1, "device": "web", "state": "ny", "keywords": [],
                         "purch_flag": True}])
    got = sync.load_records(FlatSale, "sales")
    assert [r.trans_id for r in got] == list(range(31)) and got[-1].state == "ny"
    assert schemagen.read_arrow(FlatSale, s3.url("typed/sales/")).num_rows == 31
    with pytest.raises(SyncerError, match="cust_id"):
        sync.dump("sales", [{"trans_id": 31, "day": datetime.date(2024, 2, 1), "amount": 2.0,
                             "cust_id": "many", "device": "web", "state": "ny",
                             "keywords": [], "purch_flag": True}])


def test_a_local_directory_keeps_its_checks(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(SyncerError, match="exists and is not a folder"):
        ParquetSyncer(tmp_path / "f")
    with pytest.raises(SyncerError, match="file:// URI names a local path"):
        ParquetSyncer("file://otherhost/x")
    assert ParquetSyncer(f"file://{tmp_path}/d").directory == tmp_path / "d"
