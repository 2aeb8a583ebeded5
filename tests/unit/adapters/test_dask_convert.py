"""``schemagen convert --workers/--scheduler`` (``schemagen.dask.convert``): inputs cut into
line-aligned byte ranges (Avro at its sync markers), one task per range on a real
LocalCluster, compared with the single-process convert: the same rows, the same footer,
the same rejects file (input order, the input's own line numbers)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import fastavro
import pyarrow.parquet as pq
import pytest
from distributed import Client
from sg_helpers import REPO
from sg_s3 import S3

import schemagen
import schemagen.dask as sgd
from generated.example.sales import Transaction
from schemagen import convert as cv
from schemagen.cli.main import main
from schemagen.codegen.loader import load_schemas

SALES = str(REPO / "schemas" / "avro" / "sales.avsc")
DRILL = (REPO / "examples" / "drill" / "transactions.json").read_text().splitlines()


def _jsonl(path: Path, n: int) -> Path:
    """Drill transactions with every kind of bad line among them (by line number)."""
    lines = []
    for i in range(n):
        row = json.loads(DRILL[i % len(DRILL)])
        row["trans_id"] = i
        text = json.dumps(row)
        if i % 97 == 5:
            text = text.replace(f'"trans_id": {i}', '"trans_id": "x"')  # wrong type
        elif i % 131 == 7:
            text = text[:-3]  # broken JSON
        elif i % 151 == 9:
            text = "\ufeff" + text  # a byte order mark inside the file
        elif i % 173 == 11:
            text = ""  # an empty line
        elif i % 89 == 13:
            text += "\r"  # CRLF
        lines.append(text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _same(tmp_path: Path, inputs: list[Path], cls: type = Transaction, **kw: Any) -> Any:
    """The distributed convert equals the single-process one (rows, footer, rejects)."""
    split = kw.pop("split_bytes", 20_000)
    one = cv.convert(cls, inputs, tmp_path / "one", rejects=tmp_path / "one.rej", **kw)
    dist = sgd.convert(cls, inputs, tmp_path / "dist", rejects=tmp_path / "dist.rej",
                       split_bytes=split, **kw)
    assert (dist.rows, dist.rejected) == (one.rows, one.rejected)
    assert schemagen.read_arrow(cls, tmp_path / "dist").equals(
        schemagen.read_arrow(cls, tmp_path / "one"))
    assert (tmp_path / "dist.rej").read_bytes() == (tmp_path / "one.rej").read_bytes()
    meta = {pq.read_metadata(f).metadata[b"schemagen.schema"] for f in [*dist.files, *one.files]}
    assert len(meta) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # staging removed
    return one, dist


def test_json_lines_in_many_ranges_equal_the_single_process_convert(
        client: Client, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", 2000)
    one, dist = _same(tmp_path, [src, _jsonl(tmp_path / "b.jsonl", 500)])
    assert one.rejected > 40 and len(dist.files) > 10  # many ranges, rejects in all
    lines = [json.loads(x)["line"] for x in (tmp_path / "dist.rej").read_text().splitlines()]
    assert lines[:3] == [6, 8, 10] and max(lines) > 1900  # the input's own lines


def test_progress_counts_every_input_byte_once(client: Client, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", 1000)
    seen: list[int] = []
    sgd.convert(Transaction, [src], tmp_path / "d", split_bytes=30_000, progress=seen.append)
    assert len(seen) > 3 and sum(seen) == src.stat().st_size


def test_csv_cut_inside_a_quoted_line_break_is_converted_as_one_range(
        client: Client, tmp_path: Path) -> None:
    cls = _row_class(tmp_path)
    body = ["id,note"]
    for i in range(2000):
        body.append(f'{i},"two\nlines {i}"' if i % 2 == 0 else
                    (f"{i},plain {i}" if i % 77 else f"x{i},bad id"))
    src = tmp_path / "in.csv"
    src.write_text("\n".join(body) + "\n")
    one, dist = _same(tmp_path, [src], cls=cls, split_bytes=2_000)
    bad = len([i for i in range(2000) if i % 2 and i % 77 == 0])
    assert (one.rows, one.rejected) == (2000 - bad, bad)
    assert len(dist.files) == 1  # a cut fell inside quotes: the file was done as one range


def _row_class(tmp_path: Path) -> type:
    (tmp_path / "row.avsc").write_text(json.dumps({
        "type": "record", "name": "Row", "namespace": "c", "fields": [
            {"name": "id", "type": "long"}, {"name": "note", "type": "string"}]}))
    return load_schemas([tmp_path / "row.avsc"]).record_class("Row")  # in memory only


def test_csv_without_quoted_line_breaks_is_cut_in_many_ranges(
        client: Client, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,note\n" + "".join(f"{i if i % 61 else 'x'},n{i}\n" for i in range(1500)))
    one, dist = _same(tmp_path, [src], cls=_row_class(tmp_path), split_bytes=2_000)
    assert one.rejected == 25 and len(dist.files) > 5


def test_avro_containers_are_cut_at_their_sync_markers(client: Client, tmp_path: Path) -> None:
    schema = fastavro.parse_schema({"type": "record", "name": "Row", "fields": [
        {"name": "id", "type": "long"}, {"name": "note", "type": "string"}]})
    (tmp_path / "row.avsc").write_text(json.dumps({
        "type": "record", "name": "Row", "fields": [
            {"name": "id", "type": "int"}, {"name": "note", "type": "string"}]}))
    cls = load_schemas([tmp_path / "row.avsc"]).record_class("Row")
    src = tmp_path / "in.avro"
    with open(src, "wb") as f:  # ids beyond int's range are rejected, by record number
        fastavro.writer(f, schema, ({"id": i if i % 50 else 2**40 + i, "note": f"n{i}"}
                                    for i in range(5000)), sync_interval=2_000)
    one, dist = _same(tmp_path, [src], cls=cls, split_bytes=3_000)
    assert one.rejected == 100 and len(dist.files) > 5


def test_json_arrays_and_empty_files_are_one_range_each(client: Client, tmp_path: Path) -> None:
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps([json.loads(DRILL[i % 5]) for i in range(300)]))
    empty = tmp_path / "e.jsonl"
    empty.write_text("")
    one, dist = _same(tmp_path, [arr, empty, _jsonl(tmp_path / "c.jsonl", 200)])
    assert one.rows > 400


def _arm(marker: str) -> None:
    """On a worker: the next convert task kills its worker process (once, by the marker)."""
    import schemagen.convert.pipeline as pl

    real = pl.__dict__.setdefault("_real_convert", pl.convert)

    def dying(*args: Any, **kwargs: Any) -> Any:
        if not os.path.exists(marker):
            Path(marker).write_text("died")
            os._exit(1)
        return real(*args, **kwargs)

    pl.convert = dying  # type: ignore[assignment]


def _disarm() -> None:
    import schemagen.convert.pipeline as pl

    pl.convert = pl.__dict__.get("_real_convert", pl.convert)  # type: ignore[assignment]


def test_a_worker_killed_during_a_convert_leaves_no_duplicate(
        client: Client, tmp_path: Path) -> None:
    marker = str(tmp_path / "died")
    client.run(_arm, marker)
    try:
        _same(tmp_path, [_jsonl(tmp_path / "in.jsonl", 1500)])
    finally:
        client.run(_disarm)
    assert Path(marker).exists()  # a worker really died


def test_convert_into_s3_equals_the_local_convert(client: Client, s3: S3, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", 1200)
    one = cv.convert(Transaction, [src], tmp_path / "one", rejects=tmp_path / "one.rej")
    dist = sgd.convert(Transaction, [src], s3.url("conv/"), rejects=tmp_path / "dist.rej",
                       split_bytes=30_000, partition_by=[])
    assert (dist.rows, dist.rejected) == (one.rows, one.rejected)
    assert schemagen.read_arrow(Transaction, s3.url("conv/")).equals(
        schemagen.read_arrow(Transaction, tmp_path / "one"))
    assert (tmp_path / "dist.rej").read_bytes() == (tmp_path / "one.rej").read_bytes()
    assert [k for k in s3.keys() if "/_schemagen/dask-" in k] == []


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get(
        "PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "schemagen", "convert", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=240)


def test_cli_workers_1_equals_the_single_process_cli(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", 1000)
    common = [str(src), "--schema", SALES, "--record", "example.sales.Transaction", "-q"]
    one = _cli(*common, "--out", "one", "--rejects", "one.rej", cwd=tmp_path)
    dist = _cli(*common, "--out", "dist", "--rejects", "dist.rej", "--workers", "1",
                "--split-size", "40000", cwd=tmp_path)
    assert (one.returncode, dist.returncode) == (1, 1), dist.stderr  # rows were rejected
    assert "Traceback" not in dist.stderr
    assert (tmp_path / "dist.rej").read_bytes() == (tmp_path / "one.rej").read_bytes()
    assert schemagen.read_arrow(Transaction, tmp_path / "dist").equals(
        schemagen.read_arrow(Transaction, tmp_path / "one"))
    assert len(list((tmp_path / "dist").glob("*.parquet"))) > 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("extra, message", [
    (["--workers", "0"], "--workers must be at least 1"),
    (["--split-size", "100"], "--split-size applies with --workers or --scheduler"),
    (["--workers", "2", "--split-size", "0"], "--split-size must be a positive"),
    (["--workers", "2", "--out", "x.parquet"], "write a dataset folder"),
    (["--scheduler", "tcp://127.0.0.1:{port}"], "cannot reach it"),
])
def test_cli_refuses_bad_distributed_options(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             extra: list[str], message: str) -> None:
    src = _jsonl(tmp_path / "in.jsonl", 10)
    extra = [e.format(port=_free_port()) for e in extra]
    out = [] if "--out" in extra else ["--out", str(tmp_path / "ds")]
    code = main(["convert", str(src), "--schema", SALES, "--record", "Transaction", "-q",
                 *out, *extra])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "ds").exists() and not (tmp_path / "x.parquet").exists()
