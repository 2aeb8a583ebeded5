"""``schemagen.convert.sources.inputs``: streams as inputs (issue 15 item 15: ``-``,
``/dev/stdin`` and named pipes used to give "no such input file").  A stream is read
once, forward only: the chunked fast path, line numbers, rejects and progress are the
same as for the same bytes in a regular file."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_convert import FLAT, read_rejects

from schemagen import convert as cv
from schemagen.errors import UsageError


def _row(i: int) -> dict[str, Any]:
    return {"i": i, "x": i / 4, "b": i % 3 == 0, "d": "2013-07-26", "s": f"s{i}",
            "e": "AB"[i % 2], "in": {"k": i * 7}}


def _jsonl() -> bytes:
    """Rows over many 1 KiB chunks: a byte order mark first (stripped), a line longer
    than a chunk, a rejected row, a blank line and no line end at the end."""
    rows = [json.dumps(_row(i)) for i in range(400)]
    rows[40] = json.dumps(dict(_row(40), s="w" * 3000))
    rows[57] = rows[57].replace('"i": 57', '"i": "x"')
    rows[100] = ""
    return b"\xef\xbb\xbf" + "\n".join(rows).encode()


def _csv() -> bytes:
    lines = ["i,x,b,d,s,e,in.k"]
    lines += [f"{i},{i / 4},{str(i % 3 == 0).lower()},2013-07-26,s{i},{'AB'[i % 2]},{i * 7}"
              for i in range(500)]
    lines[78] = lines[78].replace("2013-07-26", "2013-7-26")
    lines[41] = lines[41].replace(",s40,", "," + "w" * 3000 + ",")
    return ("\n".join(lines) + "\n").encode()


def _json_array() -> bytes:
    return ("[\n" + ",\n".join(json.dumps(_row(i)) for i in range(300)) + "\n]\n").encode()


def _avro() -> bytes:
    fastavro = pytest.importorskip("fastavro")
    import datetime as dt

    schema = fastavro.parse_schema(json.loads(FLAT))
    rows = [dict(_row(i), d=dt.date(2013, 7, 26), t=None) for i in range(3000)]
    buf = io.BytesIO()
    fastavro.writer(buf, schema, rows, sync_interval=4000, codec="deflate")
    return buf.getvalue()


INPUTS = {"jsonl": _jsonl, "csv": _csv, "json": _json_array, "avro": _avro}


def _convert(flat: Any, src: Any, tmp: Path, name: str, fmt: str | None) -> Any:
    out, rej = tmp / f"{name}.parquet", tmp / f"{name}.rej.jsonl"
    read: list[int] = []
    res = cv.convert(flat, [src], out, rejects=rej, chunk_bytes=1024,
                     input_format=fmt, progress=read.append)
    rejects = [(r["line"], r["path"], r["reason"]) for r in read_rejects(rej)]
    return res.rows, pq.read_table(out).to_pylist(), rejects, sum(read)


class _Writer(threading.Thread):
    """Writes ``data`` into the named pipe ``path`` in small, uneven pieces (so reads
    come back short), then closes it."""

    def __init__(self, path: Path, data: bytes) -> None:
        super().__init__(daemon=True)
        self.path, self.data = path, data
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with open(self.path, "wb", buffering=0) as f:
                for i, start in enumerate(range(0, len(self.data), 700)):
                    f.write(self.data[start: start + 700 + 37 * (i % 5)][: 700])
        except BrokenPipeError:  # the reader stopped early (tests that expect it say so)
            pass
        except BaseException as exc:  # noqa: BLE001
            self.error = exc


def _fifo(tmp: Path, name: str, data: bytes) -> Iterator[Path]:
    path = tmp / name
    os.mkfifo(path)
    writer = _Writer(path, data)
    writer.start()
    yield path
    writer.join(30)
    assert not writer.is_alive() and writer.error is None


@pytest.mark.parametrize("fmt", list(INPUTS))
def test_named_pipe_converts_like_the_same_bytes_in_a_file(flat: Any, tmp_path: Path,
                                                          fmt: str) -> None:
    data = INPUTS[fmt]()
    plain = tmp_path / f"in.{fmt}"
    plain.write_bytes(data)
    want = _convert(flat, plain, tmp_path, "file", None)
    assert want[0] > 100 and want[3] == len(data)
    if fmt in ("jsonl", "csv"):
        assert [r[:2] for r in want[2]] == [(58, "i")] if fmt == "jsonl" else [(79, "d")]
    for path in _fifo(tmp_path, f"pipe.{fmt}", data):  # by the pipe's extension
        assert _convert(flat, path, tmp_path, "pipe", None) == want
    for path in _fifo(tmp_path, "pipe2", data):  # no extension: --input-format
        assert _convert(flat, path, tmp_path, "pipe2", fmt) == want


def _cli(argv: list[str], data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    schema = cwd.parent / "flat.avsc"
    schema.write_text(FLAT)
    return subprocess.run([sys.executable, "-m", "schemagen", "convert", *argv, "--schema",
                           str(schema), "--record", "f.Flat", "-q"], input=data, cwd=cwd,
                          capture_output=True, timeout=120, check=False)


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
@pytest.mark.parametrize("fmt", list(INPUTS))
def test_standard_input_through_a_pipe(tmp_path: Path, name: str, fmt: str) -> None:
    data = INPUTS[fmt]()
    (tmp_path / f"in.{fmt}").write_bytes(data)
    want = _cli([f"in.{fmt}", "--out", "file.parquet", "--rejects", "file.rej"], b"", tmp_path)
    # stdin has no extension: Avro, a JSON array and JSON Lines are told by their first
    # bytes; CSV needs --input-format
    extra = ["--input-format", "csv"] if fmt == "csv" else []
    got = _cli([name, "--out", "pipe.parquet", "--rejects", "pipe.rej", *extra], data,
               tmp_path)
    assert (got.returncode, got.stderr) == (want.returncode, b"")
    assert want.returncode == (0 if fmt in ("json", "avro") else 1)
    assert pq.read_table(tmp_path / "pipe.parquet") == pq.read_table(tmp_path / "file.parquet")
    file_rejects = read_rejects(tmp_path / "file.rej")
    stdin_name = "<stdin>" if name == "-" else name
    assert read_rejects(tmp_path / "pipe.rej") == [dict(r, file=stdin_name)
                                                   for r in file_rejects]


def test_csv_on_standard_input_needs_the_format(tmp_path: Path) -> None:
    got = _cli(["-", "--out", "o.parquet"], _csv(), tmp_path)
    assert got.returncode == 2
    assert got.stderr.decode() == (
        "schemagen: error: <stdin>: looks like text that is not JSON (it starts "
        "'i,x,b,d,s,e,in.k'), not JSON Lines; for CSV give --input-format csv\n")
    assert sorted(os.listdir(tmp_path)) == []


def test_parquet_through_a_pipe_is_exit_2_and_nothing_is_written(tmp_path: Path) -> None:
    buf = io.BytesIO()
    pq.write_table(pa.table({"i": [1]}), buf)
    got = _cli(["-", "--out", "o", "--rejects", "r.jsonl"], buf.getvalue(), tmp_path)
    assert got.returncode == 2
    assert got.stderr.decode().startswith(
        "schemagen: error: <stdin>: looks like a Parquet file, not JSON Lines")
    assert sorted(os.listdir(tmp_path)) == []


def test_a_stream_given_twice_is_a_usage_error(flat: Any, tmp_path: Path) -> None:
    got = _cli(["-", "-", "--out", "o.parquet"], b'{"i": 1}\n', tmp_path)
    assert got.returncode == 2
    assert got.stderr.decode() == ("schemagen: error: <stdin> is given twice; a stream can "
                                   "be read only once\n")
    os.mkfifo(tmp_path / "p")
    with pytest.raises(UsageError, match="is given twice"):  # nothing opened: no writer needed
        cv.convert(flat, [tmp_path / "p", tmp_path / "p"], tmp_path / "o.parquet")


def test_missing_input_and_folder_still_name_the_problem(flat: Any, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such input file"):
        cv.convert(flat, [tmp_path / "nope"], tmp_path / "o.parquet")
    with pytest.raises(UsageError, match="is a folder; give the input files"):
        cv.convert(flat, [tmp_path], tmp_path / "o.parquet")


def test_many_inputs_do_not_each_hold_their_first_bytes(flat: Any, tmp_path: Path) -> None:
    # the format check reads each file's first 64 KiB before anything is converted; a
    # regular file lets them go after the check (300 inputs held 19 MiB of them)
    import tracemalloc

    line = json.dumps(dict(_row(1), s="x" * 70_000)).encode() + b"\n"
    files = []
    for i in range(300):
        files.append(tmp_path / f"in{i}.jsonl")
        files[-1].write_bytes(line)
    tracemalloc.start()
    try:
        res = cv.convert(flat, files, tmp_path / "o.parquet")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert res.rows == 300
    assert peak < 16 * 1024 * 1024, peak  # 9 MB now; 29 MB when each held its 64 KiB
