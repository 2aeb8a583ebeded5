"""``schemagen inspect PATH``: a Parquet file's or dataset's schema, row groups, sizes, codecs,
statistics and the schemagen IR recovered from it; ``--emit`` writes an ``.avsc`` or a
generated Python package that reads the file with typed records."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from schemagen.errors import UsageError, counted


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "inspect",
        help="show a Parquet file's schema, row groups, statistics and record schema",
        description="Inspect a Parquet file or dataset folder: the Parquet schema, row groups, "
                    "sizes, codecs, encodings, column statistics, key/value metadata and the "
                    "record schema recovered from it (the schema schemagen stored in the "
                    "file, or one derived from the Parquet schema for files written "
                    "elsewhere).  Every file is first read in a separate process, so a "
                    "corrupt file is reported (exit 2) instead of crashing or hanging.  "
                    "--emit avsc|py writes an Avro schema, or a Python package that reads "
                    "the files as typed records, for the recovered schema.  A folder is "
                    "searched recursively, without entering /proc, /sys, /dev or other "
                    "special file systems.",
    )
    p.add_argument("path", help="a Parquet file or a dataset folder")
    p.add_argument("--json", action="store_true", help="machine-readable report (see docs/inspect.md)")
    p.add_argument("--rows", type=int, default=0, metavar="N", help="also show the first N rows")
    p.add_argument("--emit", choices=("avsc", "py"),
                   help="write the recovered schema as an Avro schema (avsc) or a generated "
                        "Python package (py, needs -o DIR) instead of the report")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="--emit avsc: the .avsc file (default: stdout); --emit py: the package "
                        "folder (its name is the package name)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="per-file time limit for checking a file (default 60)")
    p.add_argument("--memory-limit", type=int, default=2048, metavar="MIB",
                   help="memory (address space) for checking each file, in the separate "
                        "process that reads it first (default 2048 MiB; 0: no limit): a "
                        "file that needs more is an error (exit 2), not an exhausted machine")
    p.add_argument("--no-verify", action="store_true",
                   help="do not decode data pages (only the footer is checked); faster on "
                        "large files, but corrupt pages go unnoticed")
    p.set_defaults(func=run)


def _write_atomic(path: Path, text: str) -> None:
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; -o names the .avsc file to write")
    if not path.parent.is_dir():
        raise UsageError(f"{path}: the folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    from schemagen import inspect as insp

    if args.rows < 0:
        raise UsageError(f"--rows must be 0 or more, got {args.rows}")
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be positive, got {args.timeout:g}")
    if args.memory_limit < 0:
        raise UsageError(f"--memory-limit must be 0 (no limit) or more MiB, got "
                         f"{args.memory_limit}")
    if args.emit == "py" and not args.output:
        raise UsageError("--emit py needs -o DIR (the generated package's folder)")
    if args.output and not args.emit:
        raise UsageError("-o/--output is only used with --emit")
    if args.emit and (args.json or args.rows):
        raise UsageError(f"--{'json' if args.json else 'rows'} is for the report; --emit "
                         f"{args.emit} writes the schema instead of a report")
    if args.emit == "py":  # before any file is read
        from schemagen.codegen import compiler

        compiler.check_output_name(args.output)
        compiler.check_output_parent(args.output)
    report = insp.inspect(args.path, rows=args.rows if not args.emit else 0,
                          timeout=args.timeout, verify_data=not args.no_verify,
                          memory_limit=args.memory_limit)
    if args.emit:
        return _emit(args, report)
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(insp.render_text(report))
    return 0


def _emit(args: argparse.Namespace, report: dict[str, Any]) -> int:
    from schemagen import inspect as insp

    if len(report["schemas"]) != 1:
        files = "; ".join(f"#{s['index']}: {s['files'][0]}" for s in report["schemas"])
        raise UsageError(f"{args.path}: the files have {len(report['schemas'])} different "
                         f"schemas ({files}); inspect one file to --emit its schema")
    root, types = insp.recovered(report)
    if args.emit == "avsc":
        from schemagen.typemap import avro

        text = avro.dumps(types, root)
        for line in avro.lossy(types, root):
            print(f"warning: Avro cannot say exactly: {line}", file=sys.stderr)
        if args.output:
            _write_atomic(Path(args.output), text)
            print(f"wrote {args.output} (record {root})", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    from schemagen import ir
    from schemagen.codegen import compiler
    from schemagen.codegen.render import Compiler

    out = Path(args.output)
    package = compiler.check_output_name(out)
    source = report["schemas"][0]["files"][0]
    schema = ir.Schema(types, {n: source for n in types})
    comp = Compiler(schema, package)
    try:
        rendered = comp.render()
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        # the IR came from an untrusted file: a schema the generator cannot compile is
        # bad input, not a crash
        raise UsageError(f"{source}: the recovered schema cannot be compiled to Python "
                         f"({type(exc).__name__}: {exc})") from None
    compiler.write(rendered, out)
    plan = comp.owner[root]
    module = ".".join((package, *plan.parts))
    print(f"wrote {counted(len(rendered), 'file')} to {out}/: from {module} import "
          f"{plan.class_names[root]}")
    return 0
