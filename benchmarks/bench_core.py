"""Core benchmark of schemagen: generated writers/readers against plain pyarrow.

Usage (from the repository root, after ``python -m schemagen compile schemas/ -q``)::

    python benchmarks/bench_core.py                 # 300k records, best of 3
    python benchmarks/bench_core.py --quick         # small smoke run (seconds)
    python benchmarks/bench_core.py --write-md      # also rewrite BENCHMARKS.md
    python benchmarks/bench_core.py --profile       # cProfile the schemagen side of FAILs

Cases (300k records by default, same records for every contender, data
generation never timed, best of ``--repeat`` runs with ``time.perf_counter``):

* write: ``schemagen.write`` vs (a) a dict per record + ``pa.Table.from_pylist``
  + ``pq.write_table`` and (b) hand-written column-wise pyarrow code
  (list comprehensions + ``pa.array`` with explicit types + ``Table.from_arrays``
  / ``StructArray.from_arrays``), snappy everywhere;
* typed read: ``list(schemagen.read(...))`` vs ``pq.read_table().to_pylist()``
  + ``Record(**d)`` (nested records built too);
* projection: 2 columns as typed records vs all columns as typed records;
* memory: 2M vs 0.5M FlatSale streamed one by one through ``ParquetWriter``,
  peak RSS of a fresh subprocess each;
* reference rows (no target): fastavro writing / reading the same records.

The first run checks correctness: each file read back equals what was
written, and schemagen's files hold exactly the table the hand-written
pyarrow code produces.  Benchmarks are not tests: this is not run by pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import platform
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import schemagen  # noqa: E402
from schemagen.runtime import native  # noqa: E402

try:
    from generated.example.sales import (  # noqa: E402
        FlatSale,
        MarketingInfo,
        Transaction,
        TransInfo,
        UserInfo,
    )
except ImportError as exc:  # pragma: no cover - environment problem
    sys.exit(f"cannot import generated.example.sales ({exc}); "
             "run `python -m schemagen compile schemas/ -q` in the repository root first")

try:
    import fastavro  # noqa: E402
except ImportError:  # pragma: no cover - optional reference
    fastavro = None

SEED = 20240607
SMALL_BLOCK = {"block_size": 32 * 1024 * 1024}  # memory reference run: smaller row groups

# ============================================================================ data

DEVICES = ["IOS5", "IOS6", "IOS7", "AOS4.2", "AOS4.4", "AOS5.1", "Windows8", "Linux", "MacOS"]
STATES = ["al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in",
          "ia", "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv",
          "nh", "nj", "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn",
          "tx", "ut", "vt", "va", "wa", "wv", "wi", "wy"]
KEYWORDS = ["hi", "hello", "sad", "happy", "wait", "buy", "shopping", "sale", "discount",
            "free", "shipping", "gift", "winter", "summer", "new", "deal", "coupon", "cheap",
            "premium", "fast", "like", "love", "want", "need", "black", "friday", "cyber",
            "monday", "holiday", "clearance"]
DAY0 = dt.date(2020, 1, 1).toordinal()
N_DAYS = 4 * 365  # four years of sale days


def flat_records(n: int, seed: int = SEED) -> Iterator[FlatSale]:
    """Deterministic, realistic FlatSale records (a generator: nothing is kept)."""
    rnd = random.Random(seed)
    rint, rrand, choice, sample = rnd.randrange, rnd.random, rnd.choice, rnd.sample
    fromord = dt.date.fromordinal
    for i in range(n):
        yield FlatSale(
            trans_id=1_000_000 + i,
            day=fromord(DAY0 + rint(N_DAYS)),
            amount=round(rrand() * 500.0 + 1.0, 2),
            cust_id=rint(1, 100_000),
            device=choice(DEVICES),
            state=choice(STATES),
            keywords=sample(KEYWORDS, rint(6)),
            purch_flag=rrand() < 0.4,
        )


def transaction_records(n: int, seed: int = SEED + 1) -> Iterator[Transaction]:
    rnd = random.Random(seed)
    rint, rrand, choice, sample = rnd.randrange, rnd.random, rnd.choice, rnd.sample
    fromord = dt.date.fromordinal
    Time = dt.time
    for i in range(n):
        ms = rint(86_400_000)  # time-millis: whole milliseconds
        yield Transaction(
            trans_id=1_000_000 + i,
            date=fromord(DAY0 + rint(N_DAYS)),
            time=Time(ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000 * 1000),
            amount=round(rrand() * 500.0 + 1.0, 2),
            user_info=UserInfo(cust_id=rint(1, 100_000), device=choice(DEVICES),
                               state=choice(STATES)),
            marketing_info=MarketingInfo(camp_id=rint(1, 200), keywords=sample(KEYWORDS, rint(6))),
            trans_info=TransInfo(prod_id=[rint(1, 50_000) for _ in range(rint(6))],
                                 purch_flag=rrand() < 0.4),
        )


# ============================================================================ plain pyarrow

FLAT_SCHEMA = pa.schema([
    pa.field("trans_id", pa.int64(), nullable=False),
    pa.field("day", pa.date32(), nullable=False),
    pa.field("amount", pa.float64(), nullable=False),
    pa.field("cust_id", pa.int64(), nullable=False),
    pa.field("device", pa.string(), nullable=False),
    pa.field("state", pa.string(), nullable=False),
    pa.field("keywords", pa.list_(pa.field("element", pa.string(), nullable=False)),
             nullable=False),
    pa.field("purch_flag", pa.bool_(), nullable=False),
])
USER_T = pa.struct([
    pa.field("cust_id", pa.int64(), nullable=False),
    pa.field("device", pa.string(), nullable=False),
    pa.field("state", pa.string(), nullable=False),
])
MARKETING_T = pa.struct([
    pa.field("camp_id", pa.int64(), nullable=False),
    pa.field("keywords", pa.list_(pa.field("element", pa.string(), nullable=False)),
             nullable=False),
])
TRANS_T = pa.struct([
    pa.field("prod_id", pa.list_(pa.field("element", pa.int64(), nullable=False)),
             nullable=False),
    pa.field("purch_flag", pa.bool_(), nullable=False),
])
TX_SCHEMA = pa.schema([
    pa.field("trans_id", pa.int64(), nullable=False),
    pa.field("date", pa.date32(), nullable=False),
    pa.field("time", pa.time32("ms"), nullable=False),
    pa.field("amount", pa.float64(), nullable=False),
    pa.field("user_info", USER_T, nullable=False),
    pa.field("marketing_info", MARKETING_T, nullable=False),
    pa.field("trans_info", TRANS_T, nullable=False),
])


def flat_dicts(records: list[FlatSale]) -> list[dict[str, Any]]:
    return [
        {"trans_id": r.trans_id, "day": r.day, "amount": r.amount, "cust_id": r.cust_id,
         "device": r.device, "state": r.state, "keywords": r.keywords,
         "purch_flag": r.purch_flag}
        for r in records
    ]


def tx_dicts(records: list[Transaction]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        u, m, t = r.user_info, r.marketing_info, r.trans_info
        out.append({
            "trans_id": r.trans_id, "date": r.date, "time": r.time, "amount": r.amount,
            "user_info": {"cust_id": u.cust_id, "device": u.device, "state": u.state},
            "marketing_info": {"camp_id": m.camp_id, "keywords": m.keywords},
            "trans_info": {"prod_id": t.prod_id, "purch_flag": t.purch_flag},
        })
    return out


def pylist_write_flat(records: list[FlatSale], path: Path) -> None:
    table = pa.Table.from_pylist(flat_dicts(records), schema=FLAT_SCHEMA)
    pq.write_table(table, path, compression="snappy")


def pylist_write_tx(records: list[Transaction], path: Path) -> None:
    table = pa.Table.from_pylist(tx_dicts(records), schema=TX_SCHEMA)
    pq.write_table(table, path, compression="snappy")


def columns_write_flat(records: list[FlatSale], path: Path) -> None:
    s = FLAT_SCHEMA
    table = pa.Table.from_arrays([
        pa.array([r.trans_id for r in records], type=pa.int64()),
        pa.array([r.day for r in records], type=pa.date32()),
        pa.array([r.amount for r in records], type=pa.float64()),
        pa.array([r.cust_id for r in records], type=pa.int64()),
        pa.array([r.device for r in records], type=pa.string()),
        pa.array([r.state for r in records], type=pa.string()),
        pa.array([r.keywords for r in records], type=s.field("keywords").type),
        pa.array([r.purch_flag for r in records], type=pa.bool_()),
    ], schema=s)
    pq.write_table(table, path, compression="snappy")


def columns_write_tx(records: list[Transaction], path: Path) -> None:
    users = [r.user_info for r in records]
    mkts = [r.marketing_info for r in records]
    infos = [r.trans_info for r in records]
    table = pa.Table.from_arrays([
        pa.array([r.trans_id for r in records], type=pa.int64()),
        pa.array([r.date for r in records], type=pa.date32()),
        pa.array([r.time for r in records], type=pa.time32("ms")),
        pa.array([r.amount for r in records], type=pa.float64()),
        pa.StructArray.from_arrays([
            pa.array([u.cust_id for u in users], type=pa.int64()),
            pa.array([u.device for u in users], type=pa.string()),
            pa.array([u.state for u in users], type=pa.string()),
        ], fields=list(USER_T)),
        pa.StructArray.from_arrays([
            pa.array([m.camp_id for m in mkts], type=pa.int64()),
            pa.array([m.keywords for m in mkts], type=MARKETING_T.field("keywords").type),
        ], fields=list(MARKETING_T)),
        pa.StructArray.from_arrays([
            pa.array([t.prod_id for t in infos], type=TRANS_T.field("prod_id").type),
            pa.array([t.purch_flag for t in infos], type=pa.bool_()),
        ], fields=list(TRANS_T)),
    ], schema=TX_SCHEMA)
    pq.write_table(table, path, compression="snappy")


def extract_flat(records: list[FlatSale]) -> list[list[Any]]:
    """Only the attribute reads of ``columns_write_flat`` (the floor of any record writer)."""
    return [[r.trans_id for r in records], [r.day for r in records],
            [r.amount for r in records], [r.cust_id for r in records],
            [r.device for r in records], [r.state for r in records],
            [r.keywords for r in records], [r.purch_flag for r in records]]


def extract_tx(records: list[Transaction]) -> list[list[Any]]:
    """Only the attribute reads of ``columns_write_tx``."""
    users = [r.user_info for r in records]
    mkts = [r.marketing_info for r in records]
    infos = [r.trans_info for r in records]
    return [[r.trans_id for r in records], [r.date for r in records],
            [r.time for r in records], [r.amount for r in records],
            [u.cust_id for u in users], [u.device for u in users], [u.state for u in users],
            [m.camp_id for m in mkts], [m.keywords for m in mkts],
            [t.prod_id for t in infos], [t.purch_flag for t in infos]]


def pylist_read_flat(path: Path) -> list[FlatSale]:
    return [FlatSale(**d) for d in pq.read_table(path).to_pylist()]


def pylist_read_tx(path: Path) -> list[Transaction]:
    out = []
    append = out.append
    for d in pq.read_table(path).to_pylist():
        d["user_info"] = UserInfo(**d["user_info"])
        d["marketing_info"] = MarketingInfo(**d["marketing_info"])
        d["trans_info"] = TransInfo(**d["trans_info"])
        append(Transaction(**d))
    return out


# ============================================================================ fastavro (reference)


def _avro_schema(cls: type) -> Any:
    meta = cls.arrow_schema().metadata  # the generated schema carries its Avro schema
    return fastavro.parse_schema(json.loads(meta[b"parquet.avro.schema"]))


def fastavro_write(dicts_of: Callable[[list[Any]], list[dict[str, Any]]], schema: Any,
                   records: list[Any], path: Path) -> None:
    with open(path, "wb") as fo:
        fastavro.writer(fo, schema, dicts_of(records), codec="null")


def fastavro_read_flat(path: Path) -> list[FlatSale]:
    with open(path, "rb") as fo:
        return [FlatSale(**d) for d in fastavro.reader(fo)]


def fastavro_read_tx(path: Path) -> list[Transaction]:
    out = []
    append = out.append
    with open(path, "rb") as fo:
        for d in fastavro.reader(fo):
            d["user_info"] = UserInfo(**d["user_info"])
            d["marketing_info"] = MarketingInfo(**d["marketing_info"])
            d["trans_info"] = TransInfo(**d["trans_info"])
            append(Transaction(**d))
    return out


# ============================================================================ schemagen


def sg_write(records: list[Any], path: Path) -> None:
    schemagen.write(records, path, compression="snappy")


def sg_read(cls: type, path: Path, columns: list[str] | None = None) -> list[Any]:
    return list(schemagen.read(cls, path, columns=columns))


# ============================================================================ timing


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall time of ``repeat`` calls; the result is dropped outside the timed part."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        t1 = time.perf_counter()
        del result
        best = min(best, t1 - t0)
    return best


@dataclass
class Row:
    case: str
    sg: float | None  # schemagen seconds (or MiB for memory)
    base: float | None
    ratio: float | None
    target: str  # e.g. "base/sg >= 5"
    ok: bool | None  # None: reference row, no target
    unit: str = "s"
    note: str = ""
    profile: Callable[[], Any] | None = None  # the schemagen side, for --profile

    @property
    def verdict(self) -> str:
        return "info" if self.ok is None else ("PASS" if self.ok else "FAIL")


def speedup_row(case: str, sg: float, base: float, minimum: float | None,
                profile: Callable[[], Any] | None = None, note: str = "") -> Row:
    ratio = base / sg
    target = f"base/sg >= {minimum:g}" if minimum is not None else "reference"
    ok = None if minimum is None else ratio >= minimum
    return Row(case, sg, base, ratio, target, ok, note=note, profile=profile)


def slowdown_row(case: str, sg: float, base: float, maximum: float,
                 profile: Callable[[], Any] | None = None, note: str = "") -> Row:
    ratio = sg / base
    return Row(case, sg, base, ratio, f"sg/base <= {maximum:g}", ratio <= maximum,
               note=note, profile=profile)


# ============================================================================ correctness


def check(cond: bool, what: str) -> None:
    if not cond:
        raise SystemExit(f"CORRECTNESS FAILURE: {what}")


def verify(spec: Spec, records: list[Any], d: Path) -> None:
    """Everything timed below produces the right data (checked once, not timed)."""
    name, cls, projection = spec.name, spec.cls, spec.projection
    sg_path, cw_path, pl_path = d / f"{name}_sg.parquet", d / f"{name}_cw.parquet", \
        d / f"{name}_pl.parquet"
    sg_write(records, sg_path)
    spec.columns_write(records, cw_path)
    spec.pylist_write(records, pl_path)
    sg_table = pq.read_table(sg_path)
    check(sg_table.schema.remove_metadata().equals(cls.arrow_schema().remove_metadata()),
          f"{name}: schemagen file schema")
    for other in (cw_path, pl_path):
        check(sg_table.equals(pq.read_table(other)), f"{name}: schemagen file != {other.name}")
    back = sg_read(cls, sg_path)
    check(back == records, f"{name}: schemagen typed read-back != written records")
    check(spec.pylist_read(sg_path) == records, f"{name}: baseline typed read != written records")
    # projection: selected fields equal, everything else not read (no value at all)
    proj = sg_read(cls, sg_path, projection)
    check(len(proj) == len(records), f"{name}: projected row count")
    for got, want in zip(proj, records):
        for f in [x.name for x in fields(cls)]:
            children = [p.split(".", 1)[1] for p in projection if p.startswith(f + ".")]
            if f in projection:
                check(getattr(got, f) == getattr(want, f), f"{name}: projected {f}")
            elif children:  # nested projection: selected children set, the others unread
                g = getattr(got, f)
                for c in [x.name for x in fields(type(g))]:
                    if c in children:
                        check(getattr(g, c) == getattr(getattr(want, f), c),
                              f"{name}: projected {f}.{c}")
                    else:
                        check(not hasattr(g, c), f"{name}: unselected {f}.{c} has a value")
            else:
                check(not hasattr(got, f), f"{name}: unselected {f} has a value")
    av = d / f"{name}.avro"
    if fastavro is not None:
        fastavro_write(spec.dicts_of, _avro_schema(cls), records, av)
        check(spec.fastavro_read(av) == records, f"{name}: fastavro read-back")
    for p in (cw_path, pl_path, av):
        p.unlink(missing_ok=True)


# ============================================================================ memory


def mem_child(n: int, path: Path, mode: str, options: dict[str, Any]) -> None:
    """Run in a fresh interpreter: stream ``n`` FlatSale records, print peak RSS (JSON)."""
    gc.collect()
    before = _peak_kib()
    t0 = time.perf_counter()
    with schemagen.ParquetWriter(FlatSale, path, compression="snappy", **options) as w:
        if mode == "write":
            write = w.write
            for rec in flat_records(n):
                write(rec)
        else:
            w.write_many(flat_records(n))
    elapsed = time.perf_counter() - t0
    meta = pq.ParquetFile(path).metadata
    print(json.dumps({"n": n, "rows": meta.num_rows, "row_groups": meta.num_row_groups,
                      "peak_kib": _peak_kib(), "start_kib": before, "seconds": elapsed,
                      "options": options}))


def _peak_kib() -> int:
    """Peak resident set size of this process so far (VmHWM; ru_maxrss as fallback)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_memory(n: int, d: Path, options: dict[str, Any] | None = None,
                   mode: str = "write") -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--mem-child", str(n),
         "--mem-path", str(d / f"mem_{n}.parquet"), "--mem-mode", mode,
         "--mem-options", json.dumps(options or {})],
        check=True, capture_output=True, text=True,
    )
    res: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    check(res["rows"] == n, f"memory run wrote {res['rows']} rows, expected {n}")
    (d / f"mem_{n}.parquet").unlink()
    return res


# ============================================================================ profiling


def profile_case(row: Row, top: int = 15) -> str:
    assert row.profile is not None
    row.profile()  # warm-up: the first call pays for page faults and memory-pool growth
    gc.collect()
    prof = cProfile.Profile()
    prof.enable()
    result = row.profile()
    prof.disable()
    del result
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    text = buf.getvalue()
    # drop pstats' preamble up to the header line
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if "ncalls" in ln), 0)
    total = next((ln.strip() for ln in lines if "function calls" in ln), "")
    return "\n".join([total, *lines[start:]]).rstrip()


# ============================================================================ report


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    return f"{v:.1f} MiB" if unit == "MiB" else f"{v:.3f}"


def table(rows: list[Row]) -> str:
    out = ["| case | schemagen (s) | baseline (s) | ratio | target | result |",
           "| --- | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        out.append(f"| {r.case} | {fmt(r.sg, r.unit)} | {fmt(r.base, r.unit)} | {ratio} "
                   f"| {r.target} | {r.verdict} |")
    return "\n".join(out)


def machine_info(load_at_start: tuple[float, float, float]) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "schemagen", "generated"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        rev += " (+ uncommitted changes in schemagen/ or generated/)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        rev = "unknown"
    import numpy

    info = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "CPU": f"{cpu}, {os.cpu_count()} logical CPUs",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "pyarrow": pa.__version__,
        "numpy": numpy.__version__,
        "fastavro": fastavro.__version__ if fastavro is not None else "not installed",
        "schemagen": f"{schemagen.__version__}, git {rev}",
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in load_at_start)
        + " (anything near the CPU count means another process shared the CPUs)",
    }
    return info


def context_table(context: list[dict[str, Any]]) -> str:
    out = ["| write, seconds | dicts+from_pylist | pyarrow columns | schemagen "
           "| pq.write_table alone | attribute reads alone | best possible base/sg "
           "| pyarrow columns' own base/sg |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for c in context:
        floor = c["write_table"] + c["extract"]
        out.append(f"| {c['name']} | {c['pylist']:.3f} | {c['columns']:.3f} | {c['sg']:.3f} "
                   f"| {c['write_table']:.3f} | {c['extract']:.3f} | {c['pylist'] / floor:.2f} "
                   f"| {c['pylist'] / c['columns']:.2f} |")
    return "\n".join(out)


def memory_table(mem: list[dict[str, Any]]) -> str:
    out = ["| FlatSale records | writer options | row groups | peak RSS | RSS after imports "
           "| seconds |",
           "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for v in mem:
        opts = ", ".join(f"{k}={val}" for k, val in v["options"].items()) or "defaults"
        out.append(f"| {v['n']:,} | {opts} | {v['row_groups']} | {v['peak_kib'] / 1024:.1f} MiB "
                   f"| {v['start_kib'] / 1024:.1f} MiB | {v['seconds']:.1f} |")
    return "\n".join(out)


def markdown_report(rows: list[Row], context: list[dict[str, Any]], mem: list[dict[str, Any]],
                    profiles: dict[str, str], args: argparse.Namespace, info: dict[str, str],
                    wall: float) -> str:
    fails = [r for r in rows if r.ok is False]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python benchmarks/bench_core.py --write-md` "
        f"({args.records:,} records, best of {args.repeat}, full run took {wall:.0f} s). "
        "See `benchmarks/README.md` for what each case measures.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        "## Results",
        "",
        "`sg` = schemagen, `base` = the baseline column. Ratios: `base/sg` is a speedup "
        "(higher is better), `sg/base` a relative time (lower is better), `full/proj` "
        "the speedup of a 2-column typed read over the all-column typed read, "
        "`2M/0.5M` the growth of peak RSS.",
        "",
        table(rows),
        "",
        "Baselines: *dicts+from_pylist* = a dict per record + `pa.Table.from_pylist(schema=)` + "
        "`pq.write_table`; *pyarrow columns* = hand-written list comprehensions + `pa.array(type=)` "
        "+ `Table.from_arrays` / `StructArray.from_arrays` + `pq.write_table`; "
        "*to_pylist+Record(**d)* = `pq.read_table().to_pylist()` + `Record(**d)` with nested "
        "records built too; fastavro rows are references (a dict per record, codec `null`: "
        "no snappy codec installed).",
        "",
        "### Write: where the floor is",
        "",
        "`pq.write_table alone` writes the already-built Arrow table (Arrow -> snappy "
        "Parquet); `attribute reads alone` runs only the list comprehensions of the "
        "hand-written column code (every leaf value read out of the records, nothing "
        "converted). Every records -> Parquet writer in Python does both, so "
        "`dicts+from_pylist / (write_table + attribute reads)` is the highest `base/sg` "
        "reachable even if the Python -> Arrow conversion cost nothing.",
        "",
        context_table(context),
        "",
        "### Memory",
        "",
        "FlatSale records from a generator, written one at a time with "
        "`ParquetWriter.write`, a fresh subprocess per run; peak RSS is the process's VmHWM "
        "(imports included). The `block_size=32 MiB` runs are a reference showing the effect "
        "of the row-group size.",
        "",
        memory_table(mem),
        "",
    ]
    if fails:
        lines += ["## Failing targets", ""]
        for r in fails:
            lines.append(f"- **{r.case}**: {r.target}, measured {r.ratio:.2f}. {r.note}".rstrip())
        lines.append("")
    if profiles:
        lines += ["## Profiles of the failing cases (schemagen side, cProfile, by tottime)", ""]
        for case, text in profiles.items():
            lines += [f"### {case}", "", "```", text, "```", ""]
    return "\n".join(lines)


@dataclass
class Spec:
    """One record type and its hand-written contenders."""

    name: str
    cls: type
    generate: Callable[[int], Iterator[Any]]
    pylist_write: Callable[[list[Any], Path], None]
    columns_write: Callable[[list[Any], Path], None]
    pylist_read: Callable[[Path], list[Any]]
    projection: list[str]
    dicts_of: Callable[[list[Any]], list[dict[str, Any]]]
    fastavro_read: Callable[[Path], list[Any]]
    extract: Callable[[list[Any]], list[list[Any]]]
    read_target: float  # typed read vs to_pylist+Record(**d), base/sg (issue 14)


def time_record_type(spec: Spec, recs: list[Any], work: Path,
                     repeat: int) -> tuple[list[Row], dict[str, Any]]:
    name, cls = spec.name, spec.cls
    p_sg, p_base = work / f"{name}_sg.parquet", work / f"{name}_base.parquet"
    rows: list[Row] = []

    w_sg = partial(sg_write, recs, p_sg)
    t_sg_w = best_of(w_sg, repeat)
    t_pl_w = best_of(partial(spec.pylist_write, recs, p_base), repeat)
    t_cw_w = best_of(partial(spec.columns_write, recs, p_base), repeat)
    rows.append(speedup_row(f"{name} write vs dicts+from_pylist", t_sg_w, t_pl_w, 5,
                            profile=w_sg))
    rows.append(slowdown_row(f"{name} write vs pyarrow columns", t_sg_w, t_cw_w, 0.6,
                             profile=w_sg))
    with native.using(False):
        t_pure_w = best_of(w_sg, repeat)
    rows.append(speedup_row(f"{name} write, native column builders vs pure Python "
                            f"({'active' if native.active() else 'not built'})",
                            t_sg_w, t_pure_w, None))
    # context for the write targets: writing the finished Arrow table (Arrow -> Parquet)
    # plus reading every leaf value out of the records (the list comprehensions alone)
    # is work every records -> Parquet writer does; it bounds the reachable speedup
    built = pq.read_table(p_sg).combine_chunks()
    t_wt = best_of(partial(pq.write_table, built, p_base, compression="snappy"), repeat)
    del built
    t_ex = best_of(partial(spec.extract, recs), repeat)
    floor = t_wt + t_ex
    context = {"name": name, "pylist": t_pl_w, "columns": t_cw_w, "sg": t_sg_w,
               "write_table": t_wt, "extract": t_ex}
    rows[0].note = (f"Ceiling: {t_pl_w / floor:.2f} even if the Python -> Arrow conversion "
                    f"itself were free (pq.write_table {t_wt:.3f} s + reading the attributes "
                    f"{t_ex:.3f} s); the hand-written pyarrow column code reaches "
                    f"{t_pl_w / t_cw_w:.2f}.")

    # every read below reads the same file: the one schemagen wrote
    r_sg = partial(sg_read, cls, p_sg)
    r_proj = partial(sg_read, cls, p_sg, spec.projection)
    t_sg_r = best_of(r_sg, repeat)
    t_pl_r = best_of(partial(spec.pylist_read, p_sg), repeat)
    rows.append(speedup_row(f"{name} typed read vs to_pylist+Record(**d)", t_sg_r, t_pl_r,
                            spec.read_target, profile=r_sg))
    with native.using(False):
        t_pure_r = best_of(r_sg, repeat)
    rows.append(speedup_row(f"{name} typed read, native reader vs pure Python "
                            f"({'active' if native.active() else 'not built'})",
                            t_sg_r, t_pure_r, None))
    t_proj = best_of(r_proj, repeat)
    row = speedup_row(f"{name} projection {spec.projection} vs all columns (both schemagen)",
                      t_proj, t_sg_r, 2.5, profile=r_proj)
    row.target = "full/proj >= 2.5"
    rows.append(row)

    if fastavro is not None:
        schema = _avro_schema(cls)
        p_av = work / f"{name}.avro"
        t_av_w = best_of(partial(fastavro_write, spec.dicts_of, schema, recs, p_av), repeat)
        t_av_r = best_of(partial(spec.fastavro_read, p_av), repeat)
        rows.append(speedup_row(f"{name} write vs fastavro (dicts, codec null)",
                                t_sg_w, t_av_w, None))
        rows.append(speedup_row(f"{name} typed read vs fastavro + Record(**d)",
                                t_sg_r, t_av_r, None))
        p_av.unlink()
    p_base.unlink()
    return rows, context


# ============================================================================ main


def run(args: argparse.Namespace) -> int:
    t_start = time.perf_counter()
    load = os.getloadavg()
    if load[0] > 0.5:
        print(f"warning: load average {load[0]:.2f} at start: another process is using the "
              "CPUs, timings will be noisy", flush=True)
    n, repeat = args.records, args.repeat
    work = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="schemagen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    context: list[dict[str, Any]] = []
    try:
        specs = [
            Spec("FlatSale", FlatSale, flat_records, pylist_write_flat, columns_write_flat,
                 pylist_read_flat, ["trans_id", "amount"], flat_dicts, fastavro_read_flat,
                 extract_flat, 10),
            Spec("Transaction", Transaction, transaction_records, pylist_write_tx,
                 columns_write_tx, pylist_read_tx, ["trans_id", "user_info.cust_id"],
                 tx_dicts, fastavro_read_tx, extract_tx, 12),
        ]
        for spec in specs:
            print(f"{spec.name}: generating {n:,} records (not timed) ...", flush=True)
            records = list(spec.generate(n))
            # The input records are the harness's, not the measured code's: move them
            # out of the cyclic GC's reach so collections triggered while timing do not
            # rescan them (that made repeat timings vary by 2x).  Objects created by
            # the measured code are still collected as usual.
            gc.collect()
            gc.freeze()
            print(f"{spec.name}: verifying correctness ...", flush=True)
            verify(spec, records, work)
            print(f"{spec.name}: timing ...", flush=True)
            spec_rows, spec_context = time_record_type(spec, records, work, repeat)
            rows += spec_rows
            context.append(spec_context)
            del records  # (still referenced by the profiled calls when --profile is used)

        gc.collect()
        small, big = args.mem_records
        print(f"memory: streaming {small:,} and {big:,} FlatSale records "
              "(fresh subprocess each) ...", flush=True)
        mem: list[dict[str, Any]] = []
        for options, label in ((None, "defaults"), (SMALL_BLOCK, "block_size=32 MiB")):
            m_s, m_b = measure_memory(small, work, options), measure_memory(big, work, options)
            mem += [m_s, m_b]
            peak_s, peak_b = m_s["peak_kib"] / 1024, m_b["peak_kib"] / 1024
            ratio = peak_b / peak_s
            row = Row(f"FlatSale ParquetWriter.write peak RSS, {_short(big)} (sg) vs "
                      f"{_short(small)} (base), {label}", peak_b, peak_s, ratio,
                      f"{_short(big)}/{_short(small)} <= 1.5", ratio <= 1.5, unit="MiB")
            if options:  # reference: the same with smaller row groups
                row.target, row.ok = "reference", None
            rows.append(row)

        print()
        print(table(rows))
        print()
        print(context_table(context))
        print()
        print(memory_table(mem))
        fails = [r for r in rows if r.ok is False]
        profiles: dict[str, str] = {}
        if args.profile and fails:
            done: dict[int, str] = {}  # several rows can share one schemagen side
            for r in fails:
                if r.profile is None:
                    continue
                if id(r.profile) in done:
                    profiles[r.case] = f"same schemagen call as {done[id(r.profile)]!r} above"
                    continue
                print(f"\nprofiling: {r.case}", flush=True)
                profiles[r.case] = profile_case(r)
                done[id(r.profile)] = r.case
                print(profiles[r.case])
        wall = time.perf_counter() - t_start
        print(f"\n{len(fails)} FAIL(s); {wall:.0f} s in all", flush=True)
        if args.write_md:
            md = markdown_report(rows, context, mem, profiles, args, machine_info(load), wall)
            target = ROOT / "BENCHMARKS.md"
            old = target.read_text() if target.exists() else ""
            (ROOT / "BENCHMARKS.md").write_text(md.rstrip("\n") + "\n" + _other_sections(old))
            print(f"wrote {ROOT / 'BENCHMARKS.md'}")
        return 1 if fails and args.strict else 0
    finally:
        if not args.out:
            shutil.rmtree(work, ignore_errors=True)


def _short(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 100_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


CORE_SECTIONS = ("Machine", "Results", "Failing targets", "Profiles of the failing cases")


def _other_sections(text: str) -> str:
    """The ``## `` sections other benchmark scripts wrote (kept as they are)."""
    out: list[str] = []
    keep = False
    for line in text.splitlines():
        if line.startswith("## "):
            keep = not line[3:].startswith(CORE_SECTIONS)
        if keep:
            out.append(line)
    return ("\n" + "\n".join(out).rstrip("\n") + "\n") if out else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=300_000,
                    help="records per timed case (default 300000)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 20k records, best of 2, 50k/200k for memory")
    ap.add_argument("--memory-records", dest="mem_records", type=int, nargs=2,
                    default=[500_000, 2_000_000], metavar=("SMALL", "BIG"),
                    help="record counts of the two memory runs (default 500000 2000000)")
    ap.add_argument("--write-md", action="store_true", help="rewrite BENCHMARKS.md")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile the schemagen side of each failing case")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    ap.add_argument("--out", help="keep the files in this folder (default: a temp folder)")
    ap.add_argument("--mem-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--mem-path", help=argparse.SUPPRESS)
    ap.add_argument("--mem-mode", default="write", help=argparse.SUPPRESS)
    ap.add_argument("--mem-options", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.mem_child is not None:
        mem_child(args.mem_child, Path(args.mem_path), args.mem_mode,
                  json.loads(args.mem_options))
        return 0
    if args.quick:
        args.records, args.repeat = 20_000, 2
        if args.mem_records == [500_000, 2_000_000]:
            args.mem_records = [50_000, 200_000]
    if args.records < 1 or args.repeat < 1:
        ap.error("--records and --repeat must be positive")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
