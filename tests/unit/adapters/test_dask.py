"""``schemagen.dask``: reading datasets on a real Dask LocalCluster (worker processes on
127.0.0.1, started and stopped here), compared with the single-machine reader."""

from __future__ import annotations

import datetime
import json
import os
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from distributed import Client
from sg_s3 import S3

import schemagen
import schemagen.dask as sgd
from generated.example.sales import FlatSale, MarketingInfo, Transaction, TransInfo, UserInfo
from schemagen.errors import SchemagenError, UsageError
from schemagen.runtime.reader import files_to_read


def sales(n: int) -> list[FlatSale]:
    states = ["ca", "ny", "wa"]
    return [FlatSale(trans_id=i, day=datetime.date(2024, 1, 1 + i % 28), amount=i * 1.5,
                     cust_id=i % 7, device="mobile" if i % 2 else "web",
                     state=states[i % 3], keywords=[f"k{i}"] * (i % 3), purch_flag=i % 5 == 0)
            for i in range(n)]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dask") / "sales"
    rows = sales(3000)
    for chunk in (rows[:1000], rows[1000:2000], rows[2000:]):  # three appends: 9 files
        schemagen.write(chunk, root, partition_by=["state"], mode="append")
    return root


def test_bag_has_one_partition_per_file_and_the_reader_s_records(
        client: Client, dataset: Path) -> None:
    files = files_to_read(FlatSale, dataset)
    assert len(files) == 9
    bag = sgd.read(FlatSale, dataset)
    assert bag.npartitions == 9
    got = bag.compute()
    assert got == list(schemagen.read(FlatSale, dataset))
    assert sorted(r.trans_id for r in got) == list(range(3000))


def test_partition_folders_ruled_out_by_the_filter_are_pruned_on_the_client(
        client: Client, dataset: Path) -> None:
    flt = [("state", "=", "ny"), ("amount", ">=", 3000.0)]
    files = files_to_read(FlatSale, dataset, flt)
    assert len(files) == 3 and all(f.parent.name == "state=ny" for f in files)
    bag = sgd.read(FlatSale, dataset, filter=flt)
    assert bag.npartitions == 3
    got = bag.compute()
    assert got == list(schemagen.read(FlatSale, dataset, filter=flt))
    assert got and all(r.state == "ny" and r.amount >= 3000.0 for r in got)


def test_projection_fills_nothing_it_did_not_read(client: Client, dataset: Path) -> None:
    got = sgd.read(FlatSale, dataset, columns=["trans_id", "state"]).compute()
    assert got == list(schemagen.read(FlatSale, dataset, columns=["trans_id", "state"]))
    # partial records (issue 15 item 14) come back from the workers still partial
    assert got and all(schemagen.fields_read(r) == ("trans_id", "state") for r in got)
    assert all(isinstance(r, FlatSale) and not hasattr(r, "amount") for r in got)
    with pytest.raises(schemagen.NotReadError, match="FlatSale.amount was not read"):
        got[0].amount  # noqa: B018


def test_dataframe_has_the_record_s_names_and_arrow_dtypes(
        client: Client, dataset: Path) -> None:
    df = sgd.read_dataframe(FlatSale, dataset, columns=["trans_id", "keywords", "state"],
                            filter=[("purch_flag", "=", True)])
    assert list(df.columns) == ["trans_id", "state", "keywords"]  # the record's order
    assert all(isinstance(t, pd.ArrowDtype) for t in df.dtypes)
    assert df.dtypes["trans_id"].pyarrow_dtype == pa.int64()
    assert df.dtypes["keywords"].pyarrow_dtype == pa.list_(pa.field("element", pa.string(),
                                                                    nullable=False))
    frame = df.compute()
    expected = schemagen.read_arrow(FlatSale, dataset, columns=["trans_id", "keywords", "state"],
                                    filter=[("purch_flag", "=", True)])
    assert frame["trans_id"].tolist() == expected.column("trans_id").to_pylist()
    assert [list(x) for x in frame["keywords"]] == expected.column("keywords").to_pylist()
    assert len(frame) == 600


def test_nested_records_are_struct_columns(client: Client, tmp_path: Path) -> None:
    rows = [Transaction(trans_id=i, date=datetime.date(2024, 5, 1), time=datetime.time(1, 2, 3),
                        amount=1.0 + i,
                        user_info=UserInfo(cust_id=i, device="web", state="ca"),
                        marketing_info=MarketingInfo(camp_id=3, keywords=["a", "b"][: i % 3]),
                        trans_info=TransInfo(prod_id=[i, i + 1], purch_flag=bool(i % 2)))
            for i in range(50)]
    schemagen.write(rows, tmp_path / "t")
    assert sgd.read(Transaction, tmp_path / "t").compute() == rows
    df = sgd.read_dataframe(Transaction, tmp_path / "t", columns=["trans_id", "user_info.cust_id"])
    frame = df.compute()
    assert frame["user_info"].tolist() == [{"cust_id": i} for i in range(50)]


def test_a_filter_of_the_wrong_type_fails_on_the_client_before_any_task(
        dataset: Path) -> None:
    with pytest.raises(SchemagenError, match="trans_id"):
        sgd.read(FlatSale, dataset, filter=[("trans_id", "=", "seven")])
    with pytest.raises(SchemagenError, match="nope"):
        sgd.read_dataframe(FlatSale, dataset, columns=["nope"])


def test_an_empty_folder_is_an_empty_bag_and_frame(client: Client, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert sgd.read(FlatSale, tmp_path / "empty").compute() == []
    frame: Any = sgd.read_dataframe(FlatSale, tmp_path / "empty").compute()
    assert len(frame) == 0 and list(frame.columns) == FlatSale.arrow_schema().names


# ----------------------------------------------------------------------------- write


def test_write_commits_one_file_per_partition_with_its_rows(
        client: Client, tmp_path: Path) -> None:
    import dask.bag as db

    rows = sales(1000)
    bag = db.from_sequence(rows, npartitions=4)
    out = sgd.write(bag, FlatSale, tmp_path / "ds")
    assert [n for _, n in out] == [250, 250, 250, 250]
    assert sorted(f.name for f, _ in out) == sorted(f.name for f in files_to_read(FlatSale,
                                                                                   tmp_path / "ds"))
    assert sorted(r.trans_id for r in schemagen.read(FlatSale, tmp_path / "ds")) == list(range(1000))
    success = json.loads((tmp_path / "ds" / "_SUCCESS").read_text())
    assert success["rows"] == 1000 and len(success["files"]) == 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # staging removed
    # a second write appends, never clobbering
    more = sgd.write(db.from_sequence(sales(10), npartitions=2), FlatSale, tmp_path / "ds")
    assert len(files_to_read(FlatSale, tmp_path / "ds")) == 6 and sum(n for _, n in more) == 10


def test_write_partitioned_and_overwrite(client: Client, tmp_path: Path) -> None:
    import dask.bag as db

    sgd.write(db.from_sequence(sales(300), npartitions=3), FlatSale, tmp_path / "ds",
              partition_by=["state"])
    assert {f.parent.name for f in files_to_read(FlatSale, tmp_path / "ds")} == {
        "state=ca", "state=ny", "state=wa"}
    out = sgd.write(db.from_sequence(sales(30), npartitions=2), FlatSale, tmp_path / "ds",
                    partition_by=["state"], mode="overwrite")
    assert sum(n for _, n in out) == 30
    assert len(list(schemagen.read(FlatSale, tmp_path / "ds"))) == 30
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_write_a_dask_dataframe(client: Client, tmp_path: Path) -> None:
    import dask.dataframe as dd

    table = schemagen.read_arrow(FlatSale, _one_file(tmp_path))
    ddf = dd.from_pandas(table.to_pandas(types_mapper=pd.ArrowDtype), npartitions=3)
    out = sgd.write(ddf, FlatSale, tmp_path / "df")
    assert sum(n for _, n in out) == table.num_rows
    assert schemagen.read_arrow(FlatSale, tmp_path / "df").sort_by("trans_id").equals(
        table.sort_by("trans_id"))


def _one_file(tmp_path: Path) -> Path:
    path = tmp_path / "src.parquet"
    schemagen.write(sales(120), path)
    return path


class _Boom(Exception):
    pass


def _fail_on_partition_two(records: list[FlatSale]) -> list[FlatSale]:
    if records and records[0].trans_id == 200:
        raise _Boom("partition 2 fails")
    return records


def test_a_failing_task_commits_nothing(client: Client, tmp_path: Path) -> None:
    import dask.bag as db

    bag = db.from_sequence(sales(400), npartitions=4).map_partitions(_fail_on_partition_two)
    with pytest.raises(_Boom):
        sgd.write(bag, FlatSale, tmp_path / "ds")
    assert not (tmp_path / "ds").exists() or not files_to_read(FlatSale, tmp_path / "ds")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _die_once(records: list[FlatSale], marker: str) -> list[FlatSale]:
    """Kill the worker process the first time partition 1 is written (after its files are
    half written would be no different: its attempt folder is never committed)."""
    if records and records[0].trans_id == 100 and not os.path.exists(marker):
        Path(marker).write_text("died")
        os._exit(1)
    return records


def test_a_task_retried_after_its_worker_died_leaves_no_duplicate(
        client: Client, tmp_path: Path) -> None:
    import dask.bag as db

    marker = str(tmp_path / "died")
    bag = db.from_sequence(sales(400), npartitions=4).map_partitions(_die_once, marker)
    out = sgd.write(bag, FlatSale, tmp_path / "ds")
    assert Path(marker).exists()  # a worker really died
    assert sum(n for _, n in out) == 400
    got = sorted(r.trans_id for r in schemagen.read(FlatSale, tmp_path / "ds"))
    assert got == list(range(400))


def test_write_refuses_bad_arguments_before_any_task(tmp_path: Path) -> None:
    import dask.bag as db

    bag = db.from_sequence(sales(10), npartitions=2)
    with pytest.raises(UsageError, match="unknown mode"):
        sgd.write(bag, FlatSale, tmp_path / "x", mode="replace")
    with pytest.raises(UsageError, match="unknown writer option"):
        sgd.write(bag, FlatSale, tmp_path / "x", compresion="zstd")
    with pytest.raises(UsageError, match="dask.bag of records or a dask dataframe"):
        sgd.write(sales(3), FlatSale, tmp_path / "x")
    with pytest.raises(SchemagenError, match="nope"):
        sgd.write(bag, FlatSale, tmp_path / "x", partition_by=["nope"])
    sgd.write(bag, FlatSale, tmp_path / "y")
    with pytest.raises(UsageError, match="already holds a dataset"):
        sgd.write(bag, FlatSale, tmp_path / "y", mode="error")
    assert not (tmp_path / "x").exists()


# ----------------------------------------------------------------------------- object stores


def _ids_s3(url: str, fs: Any = None) -> list[int]:
    return sorted(r.trans_id for r in schemagen.read(FlatSale, url, filesystem=fs))


def test_write_and_read_through_s3(client: Client, s3: S3) -> None:
    import dask.bag as db

    rows = sales(600)
    out = sgd.write(db.from_sequence(rows, npartitions=3), FlatSale, s3.url("ds/"),
                    partition_by=["state"])
    assert sum(n for _, n in out) == 600 and len(out) == 9
    assert all(str(f).startswith(f"s3://{s3.bucket}/ds/state=") for f, _ in out)
    # what one process writes: the same rows, the same schema and footer keys
    schemagen.write(rows, s3.url("one/"), partition_by=["state"])
    dist = schemagen.read_arrow(FlatSale, s3.url("ds/")).sort_by("trans_id")
    single = schemagen.read_arrow(FlatSale, s3.url("one/")).sort_by("trans_id")
    assert dist.equals(single)
    fs = s3.pyarrow_fs()
    meta = [pa.parquet.read_metadata(str(f).removeprefix("s3://"), filesystem=fs).metadata
            for f, _ in out]
    assert {m[b"schemagen.schema"] for m in meta} == {
        pa.parquet.read_metadata(k, filesystem=fs).metadata[b"schemagen.schema"]
        for k in (f"{s3.bucket}/{key}" for key in s3.keys("one/") if key.endswith(".parquet"))}
    assert [k for k in s3.keys() if "/_schemagen/dask-" in k] == []  # staging removed
    bag = sgd.read(FlatSale, s3.url("ds/"), filter=[("state", "=", "ny")])
    assert bag.npartitions == 3
    assert sorted(r.trans_id for r in bag.compute()) == list(range(1, 600, 3))
    frame = sgd.read_dataframe(FlatSale, s3.url("ds/"), columns=["trans_id"],
                               filesystem=s3.fsspec_fs()).compute()
    assert sorted(frame["trans_id"].tolist()) == list(range(600))


def test_overwrite_on_s3_switches_generations(client: Client, s3: S3) -> None:
    import dask.bag as db

    sgd.write(db.from_sequence(sales(100), npartitions=2), FlatSale, s3.url("ds/"))
    old = [k for k in s3.keys("ds/") if k.endswith(".parquet")]
    sgd.write(db.from_sequence(sales(1000 + 30)[1000:], npartitions=3), FlatSale, s3.url("ds/"),
              mode="overwrite", filesystem=s3.pyarrow_fs())
    assert _ids_s3(s3.url("ds/")) == list(range(1000, 1030))
    assert not set(old) & set(s3.keys("ds/"))
    with pytest.raises(UsageError, match="already holds a dataset"):
        sgd.write(db.from_sequence(sales(3), npartitions=1), FlatSale, s3.url("ds/"),
                  mode="error")


def test_a_worker_killed_during_an_s3_write_leaves_no_duplicate(
        client: Client, s3: S3, tmp_path: Path) -> None:
    import dask.bag as db

    marker = str(tmp_path / "died")
    bag = db.from_sequence(sales(400), npartitions=4).map_partitions(_die_once, marker)
    out = sgd.write(bag, FlatSale, s3.url("ds/"))
    assert Path(marker).exists()
    assert sum(n for _, n in out) == 400
    assert _ids_s3(s3.url("ds/")) == list(range(400))
    assert len([k for k in s3.keys("ds/") if k.endswith(".parquet")]) == 4


def test_two_distributed_appends_to_one_s3_dataset_lose_nothing(
        client: Client, s3: S3) -> None:
    import dask.bag as db

    sgd.write(db.from_sequence(sales(5000 + 10)[5000:], npartitions=1), FlatSale, s3.url("ds/"),
              mode="overwrite")  # a manifest dataset: appends are records
    errors: list[BaseException] = []

    def append(start: int) -> None:
        try:
            sgd.write(db.from_sequence(sales(start + 200)[start:], npartitions=4), FlatSale,
                      s3.url("ds/"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(k * 1000,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert _ids_s3(s3.url("ds/")) == sorted([*range(200), *range(1000, 1200),
                                              *range(5000, 5010)])
