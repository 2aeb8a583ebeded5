"""Datasets on an object store: write/read through ``s3://`` on a real S3-compatible
server (moto, on 127.0.0.1, started by the ``s3`` fixture of ``sg_s3.py``), with
pyarrow's and fsspec's (s3fs) file systems, and the commit protocol of
``runtime/objectstore.py``: whole files only, writer-id claims, manifests."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pytest
from sg_s3 import S3

import schemagen
from generated.example.sales import FlatSale
from schemagen.errors import ReadError, RecordError, UsageError
from schemagen.runtime.location import ObjectPath, locate
from schemagen.runtime.objectstore import MANIFEST, WRITER_ID_RANDOM, ObjectStorage
from schemagen.runtime.reader import read_batches
from schemagen.runtime.storage import FileName, LocalStorage

ROOT = Path(schemagen.__file__).resolve().parents[1]


def sales(n: int, start: int = 0) -> list[FlatSale]:
    states = ["ca", "ny", "wa"]
    return [FlatSale(trans_id=i, day=datetime.date(2024, 1, 1 + i % 28), amount=i * 1.5,
                     cust_id=i % 7, device="mobile" if i % 2 else "web",
                     state=states[i % 3], keywords=[f"k{i}"] * (i % 3), purch_flag=i % 5 == 0)
            for i in range(start, start + n)]


def ids(path: Any, **kw: Any) -> list[int]:
    return sorted(r.trans_id for r in schemagen.read(FlatSale, path, **kw))


def parquet_keys(s3: S3, prefix: str = "") -> list[str]:
    return [k for k in s3.keys(prefix) if k.endswith(".parquet")]


# --------------------------------------------------------------------------- round trips


def test_uri_round_trip_with_aws_endpoint_url(s3: S3) -> None:
    """A bare ``s3://`` URI: pyarrow builds its file system from AWS_ENDPOINT_URL and the
    key variables (set by the fixture); nothing else is given."""
    rows = sales(300)
    first = schemagen.write(rows, s3.url("sales/"), partition_by=["state"])
    assert isinstance(first, ObjectPath)
    assert str(first).startswith(f"s3://{s3.bucket}/sales/state=ca/0_")
    keys = parquet_keys(s3)
    assert [k.split("/")[1] for k in keys] == ["state=ca", "state=ny", "state=wa"]
    assert all(FileName.parse(k.rsplit("/", 1)[1]) is not None for k in keys)
    assert ids(s3.url("sales/")) == list(range(300))
    table = schemagen.read_arrow(FlatSale, s3.url("sales"), columns=["trans_id", "state"],
                                 filter=[("state", "=", "ny")])
    assert table.column_names == ["trans_id", "state"]
    assert sorted(table.column("trans_id").to_pylist()) == list(range(1, 300, 3))
    batches = list(read_batches(FlatSale, s3.url("sales/"), batch_size=40))
    assert max(len(b) for b in batches) == 40 and sum(map(len, batches)) == 300
    note = json.loads(s3.client.get_object(Bucket=s3.bucket, Key="sales/_SUCCESS")["Body"]
                      .read())
    assert sorted(note["files"]) == [k.removeprefix("sales/") for k in keys]
    assert note["rows"] == 300 and note["mode"] == "append"


def test_single_file_round_trip_with_a_pyarrow_file_system(s3: S3) -> None:
    fs = s3.pyarrow_fs()
    with schemagen.ParquetWriter(FlatSale, f"{s3.bucket}/one.parquet", filesystem=fs) as w:
        w.write_many(sales(50))
    assert str(w.path) == f"s3://{s3.bucket}/one.parquet"
    assert s3.keys() == ["one.parquet"]  # no temporary object left
    assert ids(f"{s3.bucket}/one.parquet", filesystem=fs) == list(range(50))
    assert ids(s3.url("one.parquet"), filesystem=fs) == list(range(50))
    # the file is a plain Parquet file: pyarrow reads it on its own
    assert pa.parquet.read_table(f"{s3.bucket}/one.parquet", filesystem=fs).num_rows == 50
    # replacing it is one atomic PUT of the whole new file
    schemagen.write(sales(5, 1000), s3.url("one.parquet"), filesystem=fs)
    assert ids(s3.url("one.parquet")) == list(range(1000, 1005))


def test_round_trip_with_an_fsspec_file_system(s3: S3) -> None:
    fs = s3.fsspec_fs()
    with schemagen.DatasetWriter(FlatSale, s3.url("ds"), filesystem=fs,
                                 partition_by="state") as w:
        w.write_many(sales(90))
    assert all(str(p).startswith(f"s3://{s3.bucket}/ds/state=") for p in w.files)
    assert ids(s3.url("ds"), filesystem=fs) == list(range(90))
    assert ids(f"{s3.bucket}/ds", filesystem=fs) == list(range(90))
    # what fsspec wrote, pyarrow reads, and the other way round
    assert ids(s3.url("ds"), filesystem=s3.pyarrow_fs()) == list(range(90))
    schemagen.write(sales(10, 500), s3.url("ds"), partition_by="state", mode="overwrite",
                    filesystem=s3.pyarrow_fs())
    assert ids(s3.url("ds"), filesystem=fs) == list(range(500, 510))


def test_local_paths_and_file_uris_keep_the_local_storage(tmp_path: Path) -> None:
    for given in (tmp_path / "a", f"file://{tmp_path}/a", str(tmp_path / "a")):
        loc = locate(given, who="t")
        assert isinstance(loc.storage, LocalStorage) and loc.path == tmp_path / "a"
    loc = locate(str(tmp_path / "b"), pafs.LocalFileSystem(), who="t")
    assert isinstance(loc.storage, LocalStorage) and loc.path == tmp_path / "b"
    schemagen.write(sales(7), f"file://{tmp_path}/ds/")
    assert ids(tmp_path / "ds") == list(range(7))
    assert sorted(os.listdir(tmp_path / "ds")) == ["0_0_0.parquet", "_SUCCESS"]


@pytest.mark.parametrize(("path", "fs", "message"), [
    ("s3://", None, "names no bucket or folder"),
    ("file://otherhost/x", None, "a file:// URI names a local path"),
    ("file:///tmp/x", "s3", "is a local path, but filesystem= is s3"),
    ("s3://b/x", 42, "filesystem= must be a pyarrow.fs.FileSystem or an fsspec file system, "
                     "got int 42"),
    ("nosuchscheme://b/x", None, "cannot open nosuchscheme://b/x"),
])
def test_bad_locations_are_usage_errors(s3: S3, path: str, fs: Any, message: str) -> None:
    filesystem = s3.pyarrow_fs() if fs == "s3" else fs
    with pytest.raises(UsageError, match="^schemagen.write: .*" + message.replace("(", r"\(")
                       .replace(")", r"\)").replace(".", r"\.")):
        schemagen.write(sales(1), path, filesystem=filesystem)


def test_missing_folder_and_wrong_kinds(s3: S3) -> None:
    with pytest.raises(UsageError, match=rf"^s3://{s3.bucket}/nothing: no such file or dir"):
        list(schemagen.read(FlatSale, s3.url("nothing/")))
    schemagen.write(sales(3), s3.url("f.parquet"))
    with pytest.raises(UsageError, match=rf"s3://{s3.bucket}/f.parquet exists and is not a "
                                         "folder; a dataset is a folder"):
        schemagen.DatasetWriter(FlatSale, s3.url("f.parquet/"))
    schemagen.write(sales(3), s3.url("d/"))
    with pytest.raises(UsageError, match=rf"s3://{s3.bucket}/d is a directory"):
        schemagen.ParquetWriter(FlatSale, s3.url("d"))
    with pytest.raises(UsageError, match=r"already holds data \(1 Parquet file"):
        schemagen.write(sales(3), s3.url("d/"), mode="error")
    with pytest.raises(UsageError, match="this write partitions by"):
        schemagen.write(sales(3), s3.url("d/"), partition_by=["state"])


# --------------------------------------------------------------------------- whole files


def test_pyarrow_s3_streams_complete_their_upload_even_when_the_write_fails(s3: S3) -> None:
    """Why schemagen never streams to a final key: pyarrow's S3 output stream has no abort,
    and closing it (a ``with`` block left by an exception) completes the upload."""
    fs = s3.pyarrow_fs()
    with fs.open_output_stream(f"{s3.bucket}/probe") as probe:
        assert not hasattr(probe, "abort")
    with pytest.raises(RuntimeError), fs.open_output_stream(f"{s3.bucket}/partial") as out:
        out.write(b"half of a file")
        raise RuntimeError("the writer failed here")
    assert s3.client.get_object(Bucket=s3.bucket, Key="partial")["Body"].read() == \
        b"half of a file"


def test_a_failed_write_leaves_no_object(s3: S3) -> None:
    bad = FlatSale(trans_id=1, day=datetime.date(2024, 1, 1), amount=1.0, cust_id=1,
                   device="web", state="ca", keywords=[], purch_flag=False)
    bad.trans_id = "not a number"  # type: ignore[assignment]
    with pytest.raises(RecordError, match="trans_id"):
        schemagen.write([*sales(100), bad], s3.url("one.parquet"), batch_size=10)
    with pytest.raises(RecordError, match="trans_id"):
        schemagen.write([*sales(30), bad], s3.url("ds/"), batch_size=10, block_size=600)
    with pytest.raises(RuntimeError), schemagen.DatasetWriter(
            FlatSale, s3.url("ds2/"), block_size=600, batch_size=10) as w:
        w.write_many(sales(30))
        assert w.files  # files were committed (rolled) ...
        raise RuntimeError("stop")
    assert parquet_keys(s3) == []  # ... and removed again: all or nothing
    assert [k for k in s3.keys() if k.endswith(".tmp")] == []
    assert s3.uploads() == []


_KILLED = """
import sys, datetime, random
import schemagen
from generated.example.sales import FlatSale
rows = [FlatSale(trans_id=i, day=datetime.date(2024, 1, 1), amount=random.random(),
                 cust_id=i, device="x" * 200 + str(random.random()), state="ca",
                 keywords=[str(random.random())] * 20, purch_flag=False)
        for i in range(4000)]
w = schemagen.ParquetWriter(FlatSale, sys.argv[1], row_group_size=4000, compression="none")
n = 0
while True:
    w.write_many(rows)
    n += 1
    if n == 6:
        print("uploading", flush=True)
"""


def test_a_writer_killed_mid_upload_leaves_no_final_file(s3: S3, tmp_path: Path) -> None:
    script = tmp_path / "killed.py"
    script.write_text(textwrap.dedent(_KILLED))
    env = {**os.environ, **s3.env, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), s3.url("big.parquet")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "uploading\n", proc.stderr.read() if proc.stderr else ""
        deadline = time.monotonic() + 60
        while not s3.uploads() and time.monotonic() < deadline:
            time.sleep(0.05)
        uploads = s3.uploads()
        assert len(uploads) == 1 and uploads[0].startswith(".big.parquet.")  # mid-upload
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert "big.parquet" not in s3.keys()
    assert all(k.startswith(".big.parquet.") for k in s3.keys())  # hidden, if anything
    with pytest.raises(UsageError, match="no such file or directory"):
        list(schemagen.read(FlatSale, s3.url("big.parquet")))


# --------------------------------------------------------------------------- claims


def test_writer_ids_are_minors_that_sort_in_write_order(s3: S3) -> None:
    for start in range(0, 50, 10):
        schemagen.write(sales(10, start), s3.url("ds/"))
    names = [FileName.parse(k.rsplit("/", 1)[1]) for k in parquet_keys(s3)]
    assert all(n is not None and n.major == 0 and n.index == 0 for n in names)
    minors = [n.minor for n in names if n is not None]
    assert len(set(minors)) == 5
    stamps = [m // WRITER_ID_RANDOM / 1000 for m in minors]
    assert all(abs(t - time.time()) < 600 for t in stamps)  # milliseconds since 1970
    # the reader's order is the write order
    got = [r.trans_id for r in schemagen.read(FlatSale, s3.url("ds/"))]
    assert got == list(range(50))


@pytest.mark.parametrize("manifest", [False, True])
def test_concurrent_appends_lose_nothing(s3: S3, manifest: bool) -> None:
    if manifest:
        schemagen.write(sales(10, 10_000), s3.url("ds/"), partition_by="state",
                        mode="overwrite")
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def append(k: int) -> None:
        try:
            with schemagen.DatasetWriter(FlatSale, s3.url("ds/"), partition_by="state",
                                         filesystem=s3.pyarrow_fs(), block_size=3000) as w:
                barrier.wait(30)
                for chunk in range(0, 200, 50):
                    w.write_many(sales(50, k * 1000 + chunk))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    expected = [k * 1000 + i for k in range(4) for i in range(200)]
    assert ids(s3.url("ds/")) == sorted(expected + (list(range(10_000, 10_010))
                                                    if manifest else []))
    minors = {FileName.parse(k.rsplit("/", 1)[1]).minor for k in parquet_keys(s3)}  # type: ignore[union-attr]
    assert len(minors) == 4 + manifest


# --------------------------------------------------------------------------- generations


def test_overwrite_switches_in_one_step_and_deletes_the_old_generation_after(s3: S3) -> None:
    schemagen.write(sales(30), s3.url("ds/"), partition_by="state")
    old = parquet_keys(s3)
    w = schemagen.DatasetWriter(FlatSale, s3.url("ds/"), partition_by="state",
                                mode="overwrite", block_size=500, batch_size=10)
    w.write_many(sales(60, 100))
    w.write_many(sales(60, 160))
    assert len(w._committed) >= 3  # new files are there, under their final names ...
    assert ids(s3.url("ds/")) == list(range(30))  # ... and invisible: the old dataset
    assert set(old) < set(parquet_keys(s3))
    w.close()
    assert ids(s3.url("ds/")) == list(range(100, 220))
    assert not set(old) & set(parquet_keys(s3))  # deleted after the switch
    manifest = json.loads(s3.client.get_object(Bucket=s3.bucket, Key=f"ds/{MANIFEST}")
                          ["Body"].read())
    assert sorted(manifest["files"]) == sorted(k.removeprefix("ds/") for k in parquet_keys(s3))
    assert manifest["protocol"] == "schemagen-manifest/1" and manifest["replaces"]


def test_an_aborted_overwrite_leaves_the_old_dataset(s3: S3) -> None:
    schemagen.write(sales(30), s3.url("ds/"))
    before = parquet_keys(s3)
    with pytest.raises(RuntimeError), schemagen.DatasetWriter(
            FlatSale, s3.url("ds/"), mode="overwrite", block_size=300, batch_size=10) as w:
        w.write_many(sales(100, 100))
        raise RuntimeError("stop")
    assert parquet_keys(s3) == before
    assert ids(s3.url("ds/")) == list(range(30))


def test_readers_read_exactly_what_the_manifest_lists(s3: S3) -> None:
    schemagen.write(sales(20), s3.url("ds/"), mode="overwrite")
    schemagen.write(sales(5, 50), s3.url("ds/"))  # an append: its record lists its file
    # a file put there by hand (or by a writer still running) is not part of the dataset
    schemagen.write(sales(3, 900), s3.url("ds/9_9_9.parquet"))
    assert ids(s3.url("ds/")) == [*range(20), *range(50, 55)]
    storage = ObjectStorage(s3.pyarrow_fs())
    files, generation = storage.dataset_files(ObjectPath(f"{s3.bucket}/ds"))
    assert generation is not None and len(files) == 2


@pytest.mark.parametrize(("body", "message"), [
    (b"{not json", "not the JSON schemagen writes"),
    (b'{"generation": "g"}', "not a schemagen manifest"),
    (b'{"generation": "g", "files": ["../other/0_0_0.parquet"]}', "lists '../other/0_0_0"),
    (b'{"generation": "g", "files": ["/etc/passwd"]}', "lists '/etc/passwd'"),
])
def test_a_bad_manifest_is_a_read_error_naming_it(s3: S3, body: bytes, message: str) -> None:
    schemagen.write(sales(3), s3.url("ds/"))
    s3.client.put_object(Bucket=s3.bucket, Key=f"ds/{MANIFEST}", Body=body)
    with pytest.raises(ReadError, match=rf"^s3://{s3.bucket}/ds/_schemagen/manifest.json: "
                                        f".*{message}"):
        list(schemagen.read(FlatSale, s3.url("ds/")))


def test_an_append_overtaken_by_an_overwrite_removes_its_files_and_says_so(s3: S3) -> None:
    schemagen.write(sales(10), s3.url("ds/"))
    w = schemagen.DatasetWriter(FlatSale, s3.url("ds/"), block_size=300, batch_size=10)
    w.write_many(sales(100, 100))
    schemagen.write(sales(5, 500), s3.url("ds/"), mode="overwrite")
    with pytest.raises(UsageError, match=r"was overwritten \(mode='overwrite'\) while this "
                                         r"append was running; its \d+ file\(s\) were removed"):
        w.close()
    assert ids(s3.url("ds/")) == list(range(500, 505))
    assert len(parquet_keys(s3)) == 1


def test_a_reader_during_overwrites_sees_old_or_new_never_a_mix(s3: S3) -> None:
    generations = [list(range(0, 120)), list(range(1000, 1090))]
    schemagen.write(sales(120), s3.url("ds/"), partition_by="state", mode="overwrite")
    stop = threading.Event()
    seen: list[list[int]] = []
    replaced: list[str] = []
    problems: list[BaseException] = []

    def reader() -> None:
        fs = s3.pyarrow_fs()
        while not stop.is_set():
            try:
                seen.append(ids(s3.url("ds/"), filesystem=fs))
            except ReadError as exc:
                if "was replaced" not in str(exc):
                    problems.append(exc)
                replaced.append(str(exc))
            except BaseException as exc:  # noqa: BLE001
                problems.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    try:
        for k in range(6):
            start, n = (1000, 90) if k % 2 == 0 else (0, 120)
            schemagen.write(sales(n, start), s3.url("ds/"), partition_by="state",
                            mode="overwrite", block_size=800, filesystem=s3.pyarrow_fs())
    finally:
        stop.set()
        t.join(60)
    assert problems == []
    assert seen and all(got in generations for got in seen)
    assert len(seen) > len(replaced)
