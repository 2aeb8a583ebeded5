"""Convert benchmark: Drill-shaped JSON Lines -> Parquet, schemagen vs pyarrow vs DuckDB.

Usage (from the repository root)::

    python benchmarks/bench_convert.py              # 1M rows, best of 3
    python benchmarks/bench_convert.py --quick      # 100k rows, best of 1
    python benchmarks/bench_convert.py --write-md   # also update the "Convert" section
                                                    # of BENCHMARKS.md (only that section)

The input is generated once and cached in the temp folder
(``$TMPDIR/schemagen-bench-convert/drill_<n>.jsonl``): rows shaped like Drill's
sample transactions (``examples/drill/transactions.json``: ``date`` and ``time``
as ISO strings, ``purch_flag`` as the strings ``"true"``/``"false"``, nested
``user_info``/``marketing_info``/``trans_info`` with lists).  Each case runs in
a fresh subprocess (so its peak RSS, VmHWM, is its own), snappy:

* schemagen: ``schemagen.convert.convert(Transaction, [input], out.parquet)``
  in process (the schema compile, ``schemagen.load`` in memory, is timed
  separately): every value cast to the record's types (dates, times of day,
  booleans from strings, int ranges), rejects checked, streamed in 8 MiB chunks;
* pyarrow: ``pyarrow.json.read_json`` + ``pq.write_table`` (types as inferred:
  date/time/purch_flag stay strings; the whole file in memory);
* DuckDB: ``COPY (SELECT * FROM read_json('input')) TO 'out.parquet' (FORMAT parquet)``
  (types as DuckDB infers them).

Target (issue 6): schemagen within 2x of DuckDB (duckdb seconds / schemagen
seconds >= 0.5).  Not run by pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET = 0.5  # duckdb / schemagen
CASES = ("schemagen", "pyarrow", "duckdb")


def generate(n: int) -> Path:
    folder = Path(tempfile.gettempdir()) / "schemagen-bench-convert"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"drill_{n}.jsonl"
    if path.is_file():
        return path
    rng = random.Random(42)
    devices = ["IOS5", "AOS4.2", "IOS6", "IOS7", "WEARABLE2", "WEB"]
    states = ["ca", "ny", "tx", "mt", "wa", "fl", "mi", "la", "nj", "ct"]
    words = ["go", "to", "thing", "watch", "made", "laughing", "might", "pay", "in",
             "your", "hold", "pronounce", "tree", "instead", "games", "sigh", "it's"]
    start = dt.date(2013, 1, 1)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for i in range(n):
            row = {
                "trans_id": i,
                "date": (start + dt.timedelta(days=rng.randrange(365))).isoformat(),
                "time": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:"
                        f"{rng.randrange(60):02d}",
                "amount": round(rng.uniform(1, 500), 2),
                "user_info": {"cust_id": rng.randrange(1, 100_000),
                              "device": rng.choice(devices), "state": rng.choice(states)},
                "marketing_info": {"camp_id": rng.randrange(1, 20),
                                   "keywords": rng.sample(words, rng.randrange(0, 6))},
                "trans_info": {"prod_id": [rng.randrange(1, 500)
                                           for _ in range(rng.randrange(0, 5))],
                               "purch_flag": "true" if rng.random() < 0.3 else "false"},
            }
            f.write(json.dumps(row, separators=(",", ":")) + "\n")
    os.replace(tmp, path)
    return path


def run_case(case: str, src: Path, out: Path) -> dict[str, float]:
    """Runs inside the subprocess."""
    extra: dict[str, float] = {}
    if case == "schemagen":
        import schemagen
        from schemagen.convert import convert

        t0 = time.perf_counter()
        cls = schemagen.load(REPO / "schemas" / "avro" / "sales.avsc").Transaction
        extra["compile"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        res = convert(cls, [src], out, compression="snappy")
        seconds = time.perf_counter() - t0
        assert res.rejected == 0, res.first_rejects
        extra["rows"] = res.rows
        extra["per_row"] = res.rows_per_row_path
    elif case == "pyarrow":
        import pyarrow.json as pj
        import pyarrow.parquet as pq

        t0 = time.perf_counter()
        table = pj.read_json(src)
        pq.write_table(table, out, compression="snappy")
        seconds = time.perf_counter() - t0
        extra["rows"] = table.num_rows
    else:
        import duckdb

        con = duckdb.connect()
        t0 = time.perf_counter()
        con.execute(f"COPY (SELECT * FROM read_json('{src}')) TO '{out}' "
                    "(FORMAT parquet, COMPRESSION snappy)")
        seconds = time.perf_counter() - t0
        extra["rows"] = con.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]
    return {"seconds": seconds, "rss": _peak_bytes(), **extra}


def _peak_bytes() -> int:
    """Peak RSS of this process: VmHWM (its own address space). ``ru_maxrss`` survives
    exec, so it could report the parent's size (the benchmark that generated the data)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def measure(case: str, src: Path, tmp: Path) -> dict[str, float]:
    out = tmp / f"{case}.parquet"
    proc = subprocess.run([sys.executable, __file__, "--case", case, "--input", str(src),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{case} failed:\n{proc.stderr}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["size"] = out.stat().st_size
    out.unlink()
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--write-md", action="store_true")
    ap.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, Path(args.input), Path(args.out))))
        return 0
    if args.quick:
        args.rows, args.repeat = 100_000, 1
    src = generate(args.rows)
    best: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp_s:
        for _ in range(args.repeat):
            for case in CASES:
                r = measure(case, src, Path(tmp_s))
                if case not in best or r["seconds"] < best[case]["seconds"]:
                    best[case] = r
    sg, pa_, dd = best["schemagen"], best["pyarrow"], best["duckdb"]
    assert sg["rows"] == pa_["rows"] == dd["rows"] == args.rows, best
    ratio = dd["seconds"] / sg["seconds"]
    status = "PASS" if ratio >= TARGET else "FAIL"
    mb = src.stat().st_size / 1e6
    names = {
        "schemagen": "schemagen convert (casts + rejects, streamed)",
        "pyarrow": "pyarrow.json.read_json + pq.write_table (no casts)",
        "duckdb": "DuckDB COPY (SELECT * FROM read_json(...)) TO parquet",
    }
    table = ["| case | seconds | rows/s | MB/s | peak RSS (MiB) | output (MB) | "
             "seconds vs schemagen |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for case in CASES:
        r = best[case]
        table.append(f"| {names[case]} | {r['seconds']:.2f} | {args.rows / r['seconds']:,.0f} "
                     f"| {mb / r['seconds']:.0f} | {r['rss'] / 2**20:.0f} | "
                     f"{r['size'] / 1e6:.1f} | {r['seconds'] / sg['seconds']:.2f}x |")
    table.append(f"| **ratio DuckDB / schemagen seconds** (target >= {TARGET:g}, i.e. within "
                 f"2x) | **{ratio:.2f}** | {status} | | | | |")
    print("\n".join(table))
    print(f"input {mb:.0f} MB, {args.rows:,} rows; schemagen compile {sg['compile']:.2f} s "
          f"(not included); rows through the per-row path: {sg['per_row']:.0f}")
    if args.write_md:
        write_md(table, args.rows, mb, args.repeat, sg)
    return 0


def write_md(table: list[str], n: int, mb: float, repeat: int, sg: dict[str, float]) -> None:
    from mdsection import replace_section  # benchmarks/ (the script's folder)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    section = "\n".join([
        "## Convert",
        "",
        f"Generated by `python benchmarks/bench_convert.py --write-md` "
        f"({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, "
        f"{os.cpu_count()} logical CPUs, Python {platform.python_version()}, load average "
        f"{load}). {n:,} Drill-shaped JSON Lines rows ({mb:.0f} MB: ISO date/time strings, "
        f"`\"true\"`/`\"false\"` flags, nested records and lists) to one snappy Parquet file, "
        f"best of {repeat}, each case in a fresh process (peak RSS = its VmHWM). "
        f"schemagen casts every value to `example.sales.Transaction` (date32, time32[ms], "
        f"bool, int64 range checks) and checks for rejects; the schema compile "
        f"({sg['compile']:.2f} s) is not included.",
        "",
        *table,
        "",
    ])
    replace_section('Convert', section)


if __name__ == "__main__":
    raise SystemExit(main())
