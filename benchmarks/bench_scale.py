"""Scale-out benchmark (issue 13): Dask distributed convert and write, and object stores.

Usage (from the repository root)::

    python benchmarks/bench_scale.py              # 2M rows / records
    python benchmarks/bench_scale.py --quick      # 200k
    python benchmarks/bench_scale.py --write-md   # also update the "Scale-out" section of
                                                  # BENCHMARKS.md (only that section)

Cases, all measured in this one run:

* **convert**: 2M Drill-shaped JSON Lines rows (the input of bench_convert.py) to a dataset
  folder with ``schemagen convert`` on the command line, each in a fresh process, end to end
  (schema compile and, for ``--workers``, the LocalCluster's start and stop included):
  single-process, ``--workers 1``, ``--workers 2``.  The "convert s" column is the time the
  command itself reports (without the cluster's start).  Target: single / workers 2 >= 1.7.
* **dask write**: 2M ``FlatSale`` rows as a dask dataframe (8 partitions, persisted on a
  LocalCluster of 2 processes first, so both sides start from the same data in the
  workers): ``schemagen.dask.write`` vs ``dask.dataframe.to_parquet`` (pyarrow engine, snappy).
  Target: at least as fast (to_parquet / schemagen >= 1).  ``schemagen.dask.write`` of a bag
  of records (persisted) is reported too.
* **object store**: ``schemagen.write`` and ``schemagen.read_arrow`` of 500k records on a
  local disk vs on a moto S3 server on 127.0.0.1 (in this process), reported only.

Not run by pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

SALES = str(REPO / "schemas" / "avro" / "sales.avsc")
CONVERT_TARGET = 1.7
_SUMMARY = re.compile(r"([\d,]+) rows written, ([\d,]+) rejected.*?([\d.]+) s\s*$", re.S)


def _cli_convert(src: Path, out: Path, extra: list[str]) -> tuple[float, float, int]:
    """(wall seconds, the command's own seconds, rows) of one ``schemagen convert``."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get(
        "PYTHONPATH", "")])}
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "schemagen", "convert", str(src), "--schema",
                           SALES, "--record", "example.sales.Transaction", "--out", str(out),
                           *extra], capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"convert {extra} failed ({proc.returncode}):\n{proc.stderr}")
    m = _SUMMARY.search(proc.stderr.strip().splitlines()[-1])
    assert m is not None, proc.stderr
    return wall, float(m.group(3)), int(m.group(1).replace(",", ""))


def bench_convert(n: int, tmp: Path) -> list[list[str]]:
    from bench_convert import generate

    src = generate(n)
    cases = [("single process", []), ("--workers 1", ["--workers", "1"]),
             ("--workers 2", ["--workers", "2"])]
    got = {name: _cli_convert(src, tmp / "conv", extra) for name, extra in cases}
    rows = {r for _, _, r in got.values()}
    assert rows == {n}, got
    single, w1, w2 = (got[c][0] for c, _ in cases)
    out = [[f"convert {n:,} rows: {name}", f"{w:.2f}", f"{own:.2f}", "", ""]
           for name, (w, own, _) in got.items()]
    out.append(["convert: single process / --workers 2 (wall)", "", "", f"{single / w2:.2f}",
                f">= {CONVERT_TARGET}: {'PASS' if single / w2 >= CONVERT_TARGET else 'FAIL'}"])
    out.append(["convert: --workers 1 / --workers 2 (wall)", "", "", f"{w1 / w2:.2f}", "info"])
    out.append(["convert: single process / --workers 2 (the commands' own seconds)", "", "",
                f"{got[cases[0][0]][1] / got[cases[2][0]][1]:.2f}", "info"])
    return out


def _flat_table(n: int) -> Any:
    import numpy as np
    import pyarrow as pa

    from generated.example.sales import FlatSale

    rng = np.random.default_rng(7)
    kw = pa.array([["k", "w"][: i % 3] for i in range(1000)], pa.list_(pa.string()))
    cols = {
        "trans_id": pa.array(np.arange(n, dtype=np.int64)),
        "day": pa.array(np.datetime64("2024-01-01") + rng.integers(0, 365, n).astype(
            "timedelta64[D]")),
        "amount": pa.array(rng.uniform(1, 500, n).round(2)),
        "cust_id": pa.array(rng.integers(1, 100_000, n)),
        "device": pa.array(np.array(["web", "ios", "aos"])[rng.integers(0, 3, n)]),
        "state": pa.array(np.array(["ca", "ny", "tx", "wa"])[rng.integers(0, 4, n)]),
        "keywords": pa.concat_arrays([kw] * (n // 1000)),
        "purch_flag": pa.array(rng.random(n) < 0.3),
    }
    return pa.Table.from_pydict(cols).cast(FlatSale.arrow_schema())


def _records(table: Any) -> list[Any]:
    import schemagen
    from generated.example.sales import FlatSale

    info = schemagen.runtime.record.info_of(FlatSale)
    return [r for b in table.to_batches() for r in info.from_batch(b)]


def _best(fn: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def bench_dask_write(n: int, tmp: Path, repeat: int) -> list[list[str]]:
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster, wait

    import schemagen.dask as sgd
    from generated.example.sales import FlatSale

    table = _flat_table(n)
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=":0") as cluster, Client(cluster):
        ddf = dd.from_pandas(frame, npartitions=8).persist()
        parts = [t for t in _split(table, 8)]
        bag = db.from_sequence(range(8), npartitions=8).map_partitions(
            lambda ks: [r for k in ks for r in _records(parts[k])]).persist()
        wait([ddf, bag])  # persist() returns at once: no timing may share the CPUs with it

        def ours() -> None:
            sgd.write(ddf, FlatSale, tmp / "sg", mode="overwrite")

        def theirs() -> None:
            shutil.rmtree(tmp / "dd", ignore_errors=True)
            ddf.to_parquet(tmp / "dd", engine="pyarrow", compression="snappy",
                           write_index=False)

        def bag_write() -> None:
            sgd.write(bag, FlatSale, tmp / "sgbag", mode="overwrite")

        sg, base, sgbag = _best(ours, repeat), _best(theirs, repeat), _best(bag_write, repeat)
    ratio = base / sg
    return [
        [f"schemagen.dask.write of {n:,} FlatSale rows (dask dataframe)", f"{sg:.2f}", "", "",
         ""],
        ["dask.dataframe.to_parquet of the same frame", f"{base:.2f}", "", "", ""],
        ["dask write: to_parquet / schemagen.dask.write", "", "", f"{ratio:.2f}",
         f">= 1: {'PASS' if ratio >= 1 else 'FAIL'}"],
        [f"schemagen.dask.write of {n:,} records (a persisted dask.bag)", f"{sgbag:.2f}", "",
         f"{base / sgbag:.2f}", "info (to_parquet / this)"],
    ]


def _split(table: Any, k: int) -> list[Any]:
    step = -(-table.num_rows // k)
    return [table.slice(i * step, step) for i in range(k)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_s3(n: int, tmp: Path, repeat: int) -> list[list[str]]:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer
    from pyarrow import fs as pafs

    import schemagen
    from generated.example.sales import FlatSale

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    records = _records(_flat_table(n))
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=url, aws_access_key_id="k", aws_secret_access_key="k",
                     region_name="us-east-1").create_bucket(Bucket="bench")
        s3 = pafs.S3FileSystem(endpoint_override=url, scheme="http", access_key="k",
                               secret_key="k", region="us-east-1")
        w_local = _best(lambda: schemagen.write(records, tmp / "local", mode="overwrite"),
                        repeat)
        w_s3 = _best(lambda: schemagen.write(records, "s3://bench/ds/", mode="overwrite",
                                             filesystem=s3), repeat)
        r_local = _best(lambda: schemagen.read_arrow(FlatSale, tmp / "local"), repeat)
        r_s3 = _best(lambda: schemagen.read_arrow(FlatSale, "s3://bench/ds/", filesystem=s3),
                     repeat)
    finally:
        server.stop()
    return [
        [f"schemagen.write of {n:,} records: local disk", f"{w_local:.2f}", "", "", ""],
        [f"schemagen.write of {n:,} records: S3 (moto, 127.0.0.1)", f"{w_s3:.2f}", "",
         f"{w_s3 / w_local:.2f}", "info (S3 / local)"],
        [f"schemagen.read_arrow of {n:,} rows: local disk", f"{r_local:.2f}", "", "", ""],
        [f"schemagen.read_arrow of {n:,} rows: S3 (moto, 127.0.0.1)", f"{r_s3:.2f}", "",
         f"{r_s3 / r_local:.2f}", "info (S3 / local)"],
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--write-md", action="store_true")
    ap.add_argument("--only", choices=("convert", "dask", "s3"))
    args = ap.parse_args()
    n = 200_000 if args.quick else args.rows
    load = os.getloadavg()
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="schemagen-bench-scale-") as t:
        tmp = Path(t)
        if args.only in (None, "convert"):
            rows += bench_convert(n, tmp)
        if args.only in (None, "dask"):
            rows += bench_dask_write(n, tmp, args.repeat)
        if args.only in (None, "s3"):
            rows += bench_s3(min(n, 500_000), tmp, args.repeat)
    table = ["| case | seconds (wall) | convert s (own) | ratio | target / result |",
             "| --- | ---: | ---: | ---: | --- |", *("| " + " | ".join(r) + " |" for r in rows)]
    print("\n".join(table))
    if args.write_md:
        write_md(table, load)
    return 0


def write_md(table: list[str], load: tuple[float, float, float]) -> None:
    from mdsection import replace_section  # benchmarks/ (the script's folder)

    section = "\n".join([
        "## Scale-out (Dask, object stores)",
        "",
        f"Generated by `python benchmarks/bench_scale.py --write-md` "
        f"({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, "
        f"{os.cpu_count()} logical CPUs, Python {platform.python_version()}, load average at "
        f"start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}: anything near the CPU count "
        "means other processes shared the CPUs). See the script's docstring for the cases.",
        "",
        *table,
        "",
    ])
    replace_section('Scale-out (Dask, object stores)', section)


if __name__ == "__main__":
    raise SystemExit(main())
