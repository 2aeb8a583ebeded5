"""Compile-speed benchmark of the Thrift front end: 200 files of 20 structs each.

Usage (from the repository root)::

    python benchmarks/bench_thrift_compile.py             # best of 3, prints a table
    python benchmarks/bench_thrift_compile.py --repeat 1 --files 50
    python benchmarks/bench_thrift_compile.py --write-md  # also append the table to BENCHMARKS.md

The script writes ``--files`` generated ``.thrift`` files into a temporary
folder (file ``f000.thrift`` holds shared types that every other file
``include``s; each file has its own ``namespace py``), then times
``schemagen compile <folder> -o <out> -q`` in a fresh subprocess (so imports and
the one-time grammar build are included, as a user would see them) and, in
process, the phases: parsing (``frontends.load``) and rendering (codegen, with
its compile check of every module).  Writing the files is part of the CLI time.

Each struct has 9 fields covering the usual shapes: a required i64, an
optional string, a double with a default, ``list<string>``, ``map<string,
i32>``, an enum, an optional struct from the same file, a ``set<i64>`` and a
struct from the included file; every file also has an enum, a typedef, a
union and two constants.  Target (issue 3): the whole compile under 5 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_S = 5.0


def make_files(folder: Path, files: int, structs: int) -> int:
    """Write the benchmark IDL; returns the number of lines written."""
    folder.mkdir(parents=True, exist_ok=True)
    lines_total = 0
    common = [
        "namespace py bench.common",
        "",
        "/** Who changed a record, and when. */",
        "struct Audit {",
        "  1: required string user",
        "  2: required i64 at_ms",
        "  3: optional string reason",
        "}",
        "",
        "enum Region { NORTH = 1, SOUTH, EAST, WEST }",
        "",
        "const i32 VERSION = 3",
    ]
    (folder / "f000.thrift").write_text("\n".join(common) + "\n", encoding="utf-8")
    lines_total += len(common)
    for n in range(1, files):
        out = [
            f"namespace py bench.f{n:03d}",
            'include "f000.thrift"',
            "",
            "typedef i64 Id",
            "",
            "/** Status of a record. */",
            "enum Status { ACTIVE = 1, PAUSED = 2, CLOSED = 3 }",
            "",
            "struct Address {",
            "  1: required string street",
            "  2: optional string city",
            "  3: f000.Region region = f000.Region.NORTH",
            "}",
            "",
            "union Contact { 1: string email; 2: string phone; 3: Address post }",
            "",
        ]
        for s in range(structs - 2):
            out += [
                f"/** Struct {s} of file {n}. */",
                f"struct S{s} {{",
                "  1: required Id id",
                "  2: optional string name (doc.hint = \"display name\")",
                "  3: double amount = 0.0",
                "  4: list<string> tags",
                "  5: map<string, i32> counts",
                "  6: Status status = Status.ACTIVE",
                "  7: optional Address address",
                "  8: set<i64> refs",
                "  9: optional f000.Audit audit",
                "}",
                "",
            ]
        out += [
            "const list<string> DEFAULT_TAGS = [\"a\", \"b\"]",
            "const Address HOME = {\"street\": \"Main St 1\", \"region\": f000.Region.EAST}",
        ]
        (folder / f"f{n:03d}.thrift").write_text("\n".join(out) + "\n", encoding="utf-8")
        lines_total += len(out)
    return lines_total


def time_cli(src: Path, out: Path) -> float:
    """Seconds of one ``schemagen compile`` in a fresh process (nothing is cached
    between runs: the parser tables are built by every process)."""
    cmd = [sys.executable, "-m", "schemagen", "compile", str(src), "-o", str(out), "-q"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if res.returncode != 0:
        raise SystemExit(f"schemagen compile failed ({res.returncode}):\n{res.stderr}")
    return elapsed


def time_phases(src: Path, out: Path) -> tuple[float, float, int, int]:
    """(parse seconds, render seconds, modules, bytes of generated code), in process."""
    import warnings

    from schemagen import frontends
    from schemagen.codegen import compiler
    from schemagen.codegen.render import Compiler

    files = sorted(frontends.find_schema_files([src]))
    frontends.load(files[:1])  # parser tables built outside the timing
    with warnings.catch_warnings(), compiler._gc_paused():  # as `schemagen compile` does
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        schema = frontends.load(files)
        t1 = time.perf_counter()
        rendered = Compiler(schema, out.name).render()
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(rendered), sum(len(v) for v in rendered.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--structs", type=int, default=20, help="structs (and unions) per file")
    ap.add_argument("--repeat", type=int, default=3, help="best of N CLI runs")
    ap.add_argument("--write-md", action="store_true", help="append the result to BENCHMARKS.md")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sg_thrift_bench_") as tmp:
        src = Path(tmp) / "schemas"
        lines = make_files(src, args.files, args.structs)
        cli = min(time_cli(src, Path(tmp) / f"out{i}") for i in range(args.repeat))
        parse_s, render_s, modules, size = time_phases(src, Path(tmp) / "gen_phases")

    records = (args.files - 1) * args.structs + 1  # structs and unions, plus Audit
    result = "PASS" if cli < TARGET_S else "FAIL"
    rows = [
        ("files / IDL lines", f"{args.files} / {lines:,}"),
        ("records (structs + unions) / enums", f"{records:,} / {args.files * 1:,}"),
        ("generated modules / bytes", f"{modules:,} / {size:,}"),
        ("parse (frontends.load, in process)", f"{parse_s:.2f} s"),
        ("render (codegen + compile check, in process)", f"{render_s:.2f} s"),
        (f"`schemagen compile` CLI, best of {args.repeat} (a fresh process each, files written)",
         f"{cli:.2f} s"),
        ("target", f"< {TARGET_S:.0f} s: **{result}**"),
    ]
    table = "\n".join(["| measure | value |", "| --- | ---: |",
                       *(f"| {k} | {v} |" for k, v in rows)])
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, "
               f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
               f"load average {load}")
    print(table)
    print(f"\nmachine: {machine}")
    if args.write_md:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        section = (
            "\n## Thrift compile speed\n\n"
            f"Generated by `python benchmarks/bench_thrift_compile.py --write-md` ({stamp}; "
            f"{machine}). {args.files} generated `.thrift` files of {args.structs} structs "
            "each (see the script's docstring for their shape), compiled with "
            "`schemagen compile DIR -o OUT -q`.\n\n" + table + "\n"
        )
        md = ROOT / "BENCHMARKS.md"
        text = md.read_text(encoding="utf-8") if md.exists() else "# Benchmarks\n"
        head, sep, rest = text.partition("\n## Thrift compile speed\n")
        if sep:  # replace this script's previous section, keep everything else as it is
            nxt = rest.find("\n## ")
            text = head.rstrip("\n") + "\n" + ("" if nxt < 0 else rest[nxt:])
        md.write_text(text.rstrip("\n") + "\n" + section, encoding="utf-8")
        print(f"wrote the Thrift section of {md}")
    return 0 if result == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
