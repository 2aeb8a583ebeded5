"""``schemagen inspect`` at the edges (issue 15 items 6-7): a footer whose ``created_by``
is not UTF-8, row values too large to show, and the guard child's memory limit."""

from __future__ import annotations

import json
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
