"""``schemagen convert --out s3://...`` and ``schemagen inspect s3://...`` against the S3
server of ``sg_s3.py`` (moto on 127.0.0.1): the CLI in a real subprocess, pointed at the
server by AWS_ENDPOINT_URL, and ``convert(..., filesystem=)`` with s3fs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sg_convert import DRILL, SALES
from sg_helpers import REPO
from sg_s3 import S3

import schemagen
from schemagen import convert as cv
from schemagen.cli.main import main


def _cli(s3: S3, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **s3.env, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "schemagen", *argv], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_cli_convert_to_s3_and_inspect_it(s3: S3, sales: Any, tmp_path: Path) -> None:
    done = _cli(s3, "convert", str(DRILL), "--schema", SALES, "--record", "Transaction",
                "--out", s3.url("tx/"), "--partition-by", "trans_id")
    assert done.returncode == 0, done.stderr
    assert f"5 rows written, 0 rejected, 5 files in {s3.url('tx/')}" in done.stderr
    keys = [k for k in s3.keys("tx/") if k.endswith(".parquet")]
    assert [k.split("/")[1] for k in keys] == [f"trans_id={i}" for i in range(5)]
    local = cv.convert(sales.Transaction, [DRILL], tmp_path / "tx")
    want = schemagen.read_arrow(sales.Transaction, tmp_path / "tx").sort_by("trans_id")
    got = schemagen.read_arrow(sales.Transaction, s3.url("tx/")).sort_by("trans_id")
    assert got.equals(want) and local.rows == 5
    report = _cli(s3, "inspect", s3.url("tx/"), "--json", "--rows", "2")
    assert report.returncode == 0, report.stderr
    rep = json.loads(report.stdout)
    assert rep["path"] == s3.url("tx") and rep["kind"] == "folder"
    assert rep["summary"]["files"] == 5 and rep["summary"]["num_rows"] == 5
    assert sorted(f["file"] for f in rep["files"]) == [f"s3://{s3.bucket}/{k}" for k in keys]
    assert rep["schemas"][0]["files"][0].startswith(f"s3://{s3.bucket}/tx/trans_id=")
    assert "schemagen-inspect-" not in report.stdout  # the local copy is never named
    one = json.loads(_cli(s3, "inspect", f"s3://{s3.bucket}/{keys[0]}", "--json").stdout)
    assert one["kind"] == "file" and one["summary"]["num_rows"] == 1


def test_convert_with_an_fsspec_file_system(s3: S3, sales: Any) -> None:
    res = cv.convert(sales.Transaction, [DRILL], s3.url("one.parquet"),
                     filesystem=s3.fsspec_fs())
    assert [str(f) for f in res.files] == [s3.url("one.parquet")]
    assert [r.trans_id for r in schemagen.read(sales.Transaction, s3.url("one.parquet"))] \
        == [0, 1, 2, 3, 4]
    assert s3.keys() == ["one.parquet"]


@pytest.mark.parametrize(("out", "message"), [
    ("s3://", "convert --out: s3:// names no bucket or folder"),
    ("file://elsewhere/x", "a file:// URI names a local path"),
])
def test_bad_out_uris_exit_2(s3: S3, capsys: Any, out: str, message: str) -> None:
    code = main(["convert", str(DRILL), "--schema", SALES, "--record", "Transaction",
                 "--out", out, "-q"])
    assert code == 2
    assert message in capsys.readouterr().err


def test_mode_error_and_missing_paths_on_s3(s3: S3, sales: Any, capsys: Any) -> None:
    cv.convert(sales.Transaction, [DRILL], s3.url("one.parquet"))
    assert main(["convert", str(DRILL), "--schema", SALES, "--record", "Transaction",
                 "--out", s3.url("one.parquet"), "--mode", "error", "-q"]) == 2
    assert f"{s3.url('one.parquet')} exists (mode 'error')" in capsys.readouterr().err
    assert main(["inspect", s3.url("nothing/")]) == 2
    assert f"{s3.url('nothing')}: no such file or directory" in capsys.readouterr().err
