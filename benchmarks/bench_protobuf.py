"""Protobuf benchmark: writing protobuf messages to Parquet through schemagen's message path.

Usage (from the repository root)::

    python benchmarks/bench_protobuf.py              # 300k messages, best of 3
    python benchmarks/bench_protobuf.py --quick      # 20k messages, best of 1
    python benchmarks/bench_protobuf.py --write-md   # also update the "Protobuf" section
                                                     # of BENCHMARKS.md (only that section)

The Drill sample transaction (``schemas/proto/sales.proto``, proto3 with a
``google.protobuf.Timestamp``) is compiled twice with the same bundled protoc:
``--python_out`` for the ``_pb2`` message classes and ``schemagen compile`` for
the records, both into a temporary folder.  The same messages (built before
timing) are written:

* schemagen: ``schemagen.write_messages(Transaction, messages, path)``;
* baseline: ``json_format.MessageToDict(m, preserving_proto_field_name=True)``
  per message + ``pa.Table.from_pylist`` + ``pq.write_table`` (the timestamp
  stays the RFC 3339 string MessageToDict makes, i.e. the baseline does less work);

snappy for both.  Target (issue 4): baseline / schemagen >= 3.  The first run
checks that schemagen's file reads back equal to the messages.  Not run by pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import schemagen  # noqa: E402
from schemagen.codegen import compiler  # noqa: E402
from schemagen.frontends.protobuf import bundled_include  # noqa: E402

TARGET = 3.0


def build(tmp: Path) -> tuple[Any, Any]:
    proto = REPO / "schemas" / "proto" / "sales.proto"
    pb_out = tmp / "pb"
    pb_out.mkdir()
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{proto.parent}",
                    f"-I{bundled_include()}", f"--python_out={pb_out}", str(proto)], check=True)
    rendered = compiler.render([proto], tmp / "sgbench")
    compiler.write(rendered, tmp / "sgbench")
    sys.path[:0] = [str(pb_out), str(tmp)]
    importlib.invalidate_caches()
    pb2 = importlib.import_module("sales_pb2")
    rec = importlib.import_module("sgbench.example.proto.sales")
    return pb2, rec


def messages(pb2: Any, n: int) -> list[Any]:
    rnd = random.Random(7)
    states = ["ca", "ny", "tx", "wa", "or"]
    devices = ["IOS5", "AOS4.2", "IOS6", "AOS4.3"]
    words = ["hi", "fast", "sale", "buy", "deal", "none"]
    base = int(dt.datetime(2013, 7, 26, tzinfo=dt.UTC).timestamp())
    out = []
    for i in range(n):
        m = pb2.Transaction(
            trans_id=i, amount=round(rnd.uniform(1, 500), 2),
            user_info=pb2.UserInfo(cust_id=rnd.randrange(10**6), device=rnd.choice(devices),
                                   state=rnd.choice(states)),
            marketing_info=pb2.MarketingInfo(camp_id=rnd.randrange(100),
                                             keywords=rnd.sample(words, rnd.randrange(4))),
            trans_info=pb2.TransInfo(prod_id=[rnd.randrange(1000) for _ in range(rnd.randrange(5))],
                                     purch_flag=rnd.random() < 0.5),
        )
        m.sold_at.seconds = base + rnd.randrange(10**7)
        m.sold_at.nanos = rnd.randrange(1000) * 1000
        out.append(m)
    return out


def run_schemagen(rec: Any, msgs: list[Any], path: Path) -> None:
    schemagen.write_messages(rec.Transaction, msgs, path, compression="snappy")


def run_baseline(msgs: list[Any], path: Path) -> None:
    from google.protobuf import json_format

    rows = [json_format.MessageToDict(m, preserving_proto_field_name=True) for m in msgs]
    pq.write_table(pa.Table.from_pylist(rows), path, compression="snappy")


def best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--write-md", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.messages, args.repeat = 20_000, 1
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        pb2, rec = build(tmp)
        msgs = messages(pb2, args.messages)
        sg_path, base_path = tmp / "sg.parquet", tmp / "base.parquet"
        # correctness first
        run_schemagen(rec, msgs, sg_path)
        back = list(schemagen.read(rec.Transaction, sg_path))
        assert len(back) == len(msgs)
        for m, r in zip(msgs[:2000], back[:2000]):
            assert schemagen.to_message(r, pb2.Transaction) == m
        t_sg = best(lambda: run_schemagen(rec, msgs, sg_path), args.repeat)
        t_base = best(lambda: run_baseline(msgs, base_path), args.repeat)
        t_conv = best(lambda: schemagen.from_messages(rec.Transaction, msgs), args.repeat)
    ratio = t_base / t_sg
    status = "PASS" if ratio >= TARGET else "FAIL"
    n = args.messages
    rows = [
        ("schemagen.write_messages (messages -> records -> Parquet)", t_sg),
        ("schemagen.from_messages alone (messages -> records, timed separately)", t_conv),
        ("MessageToDict per message + pa.Table.from_pylist + pq.write_table", t_base),
    ]
    table = ["| case | seconds | messages/s |", "| --- | ---: | ---: |"]
    table += [f"| {name} | {t:.3f} | {n / t:,.0f} |" for name, t in rows]
    table.append(f"| **ratio baseline / schemagen** (target >= {TARGET:g}) | "
                 f"**{ratio:.2f}** | {status} |")
    print("\n".join(table))
    if args.write_md:
        write_md(table, n, args.repeat)
    return 0


def write_md(table: list[str], n: int, repeat: int) -> None:
    from mdsection import replace_section  # benchmarks/ (the script's folder)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    section = "\n".join([
        "## Protobuf",
        "",
        f"Generated by `python benchmarks/bench_protobuf.py --write-md` "
        f"({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, "
        f"{os.cpu_count()} logical CPUs, Python {platform.python_version()}, load average "
        f"{load}). {n:,} Drill transactions as proto3 messages (`schemas/proto/sales.proto`, "
        f"with a `google.protobuf.Timestamp`), best of {repeat}, snappy.",
        "",
        *table,
        "",
    ])
    replace_section('Protobuf', section)


if __name__ == "__main__":
    raise SystemExit(main())
