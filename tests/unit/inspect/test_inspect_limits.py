"""``schemagen inspect`` at the edges (issue 15 items 6-7): a footer whose ``created_by``
is not UTF-8, row values too large to show, and the guard child's memory limit."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schemagen.cli import main as cli
from schemagen.inspect import guard


def _with_created_by(path: Path, raw: bytes) -> Path:
    """A pyarrow file whose footer's ``created_by`` starts with ``raw`` (same length)."""
    pq.write_table(pa.table({"a": [1, 2, 3]}), path)
    data = path.read_bytes()
    at = data.rfind(b"parquet-cpp-arrow")
    path.write_bytes(data[:at] + raw + data[at + len(raw):])
    return path


def test_created_by_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # pyarrow's FileMetaData.created_by raises UnicodeDecodeError: a traceback before
    f = _with_created_by(tmp_path / "w.parquet", b"\xff\xfe")
    with pytest.raises(UnicodeDecodeError):
        _ = pq.ParquetFile(f).metadata.created_by
    assert guard.footer_created_by(f) == b"\xff\xferquet-cpp-arrow version " + \
        pa.__version__.encode()
    assert cli.main(["inspect", str(f), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"][0]["created_by"] == "\\xff\\xferquet-cpp-arrow version " + \
        pa.__version__
    assert cli.main(["inspect", str(f)]) == 0
    out = capsys.readouterr().out
    assert f"  created by: \\xff\\xferquet-cpp-arrow version {pa.__version__}; " in out


def test_footer_created_by_of_other_writers_and_broken_footers(tmp_path: Path) -> None:
    f = tmp_path / "p.parquet"
    pq.write_table(pa.table({"a": pa.array([[1], None], pa.list_(pa.int8())),
                             "m": pa.array([[("k", 1.5)], []], pa.map_(pa.string(),
                                                                        pa.float64()))}), f,
                   write_statistics=True)
    assert guard.footer_created_by(f) == pq.ParquetFile(f).metadata.created_by.encode()
    data = f.read_bytes()
    for broken in (data[:-8][:-40] + data[-8:], b"PAR1" + b"\x00" * 4 + b"PAR1"):
        (tmp_path / "b.parquet").write_bytes(broken)
        assert guard.footer_created_by(tmp_path / "b.parquet") is None


# --------------------------------------------------------------------------- item 7

ZEROS = 200 * 1024 * 1024


@pytest.fixture(scope="module")
def zeros(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~7 KB file whose single value is 200 MiB of zeros (zstd), as in the issue."""
    path = tmp_path_factory.mktemp("zeros") / "zeros.parquet"
    data = pa.py_buffer(bytes(ZEROS))
    offsets = pa.py_buffer(struct.pack("<2i", 0, ZEROS))
    blob = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, data])
    pq.write_table(pa.table({"key": pa.array([7], pa.int64()), "blob": blob}), path,
                   compression="zstd", compression_level=1, write_statistics=False,
                   use_dictionary=False)
    assert path.stat().st_size < 16_000
    return path


def _timed_inspect(*args: str) -> tuple[int, str, str, float, int]:
    """``schemagen inspect ARGS`` in a fresh process: (exit, stdout, stderr, seconds, peak
    RSS in bytes of that process and its guard child)."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.monotonic()\n"
               "r = subprocess.run([sys.executable, '-m', 'schemagen', *sys.argv[1:]],"
               " capture_output=True)\n"
               "t = time.monotonic() - t\n"
               "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
               "sys.stderr.buffer.write(r.stderr)\n"
               "sys.stdout.buffer.write(r.stdout)\n"
               "print(f'\\n@@ {r.returncode} {t} {rss}')\n")
    proc = subprocess.run([sys.executable, "-c", wrapper, "inspect", *args],
                          capture_output=True, text=True, timeout=300)
    out, _, tail = proc.stdout.rpartition("\n@@ ")
    code, secs, rss = tail.split()
    return int(code), out, proc.stderr, float(secs), int(rss)


def test_inspect_rows_of_a_200_mib_value_is_bounded(zeros: Path) -> None:
    # inspect --rows 1 took 13-37 s and 4.4 GB of RSS and wrote 1.26 GB to stdout: the
    # value was read, turned into a Python bytes object, a 400 MB hex string and JSON
    code, out, err, secs, rss = _timed_inspect(str(zeros), "--rows", "1")
    assert code == 0, err
    assert len(out) < 4000
    # the footer's size of the chunk: the value and its page header
    assert re.search(r'0: \{"key": 7, "blob": "<not read: 209,715,2\d\d bytes uncompressed in '
                     r"1 row, over inspect's limit of 1,048,576 bytes per shown row>\"\}", out)
    assert rss < 1536 * 1024 * 1024  # the guard decodes the page once: ~0.7 GB
    assert secs < 30  # a few seconds (plus the interpreter and pyarrow starting twice)
    code, out, err, secs, rss = _timed_inspect(str(zeros), "--rows", "1", "--json")
    assert code == 0, err
    (row,) = json.loads(out)["files"][0]["rows"]
    assert row["key"] == 7 and row["blob"].startswith("<not read: 209,715,2")


def test_the_guard_child_memory_limit_is_a_clean_error(zeros: Path) -> None:
    # the guard child had no memory bound: a file whose pages decompress to gigabytes
    # could exhaust the machine; over --memory-limit it is exit 2 naming file and limit
    code, out, err, secs, rss = _timed_inspect(str(zeros), "--memory-limit", "600")
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith(f"schemagen: error: {zeros}: reading the file needs more memory "
                          "than the guard process's limit of 600 MiB (pyarrow: ")
    assert err.rstrip().endswith("raise the limit with --memory-limit MIB (0: none)")
    assert rss < 1024 * 1024 * 1024
    assert cli.main(["inspect", str(zeros), "--memory-limit", "-1"]) == 2


def test_row_values_are_cut_with_their_length(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    # rows showed every value whole (statistics were already cut in the text report)
    f = tmp_path / "long.parquet"
    pq.write_table(pa.table({"text": ["é" * 5000], "raw": pa.array([b"\xff" * 300]),
                             "items": [list(range(500))], "short": ["ok"]}), f)
    assert cli.main(["inspect", str(f), "--rows", "1", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["files"][0]["rows"]
    assert row["text"] == "é" * 200 + "...(truncated: 5,000 characters)"
    assert row["raw"] == "0x" + "ff" * 100 + "...(truncated: 300 bytes)"
    assert row["items"] == [*range(100), "...(truncated: 500 items)"]
    assert row["short"] == "ok"
    assert cli.main(["inspect", str(f), "--rows", "1"]) == 0
    out = capsys.readouterr().out
    assert "é" * 201 not in out and "...(truncated: 5,000 characters)" in out


def test_rows_bound_holds_when_leaves_cannot_be_matched_to_fields(
        zeros: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a schema whose Arrow fields do not map onto the Parquet leaves (counted differently)
    # used to be read whole; now the row groups' total decides, for every field at once
    from schemagen.inspect import report

    monkeypatch.setattr(report, "_leaves", lambda t: 2)
    (row,) = report.inspect(zeros, rows=1, verify_data=False)["files"][0]["rows"]
    assert set(row) == {"key", "blob"}
    assert all(v.startswith("<not read: 209,715,") for v in row.values())
