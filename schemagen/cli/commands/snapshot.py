"""``schemagen snapshot PATH... -o schemas.lock.json``: record the schemas for ``check``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schemagen.cli.commands import add_warning_options, check_sql_dialect, warning_printer


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "snapshot", help="record every schema type in a snapshot file (a baseline for check)",
        description="Record every schema type under PATH... in a snapshot file that "
                    "`schemagen check --against FILE` uses as its baseline.  When the file "
                    "exists and the schemas changed, the new version is appended and the "
                    "earlier ones are kept (transitive modes check them all).  Output is "
                    "deterministic.")
    p.add_argument("paths", nargs="+", help="schema files or folders (searched recursively)")
    p.add_argument("-o", "--output", default="schemas.lock.json", help="the snapshot file")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the snapshot does not record the schemas as "
                        "they are")
    p.add_argument("-I", "--include-dir", dest="include_dirs", action="append", default=[],
                   metavar="DIR", help="Thrift include folder / protoc import path (repeatable)")
    p.add_argument("--sql-dialect", metavar="NAME",
                   help="dialect of .sql files without a '-- dialect: NAME' first line")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no summary output (schema warnings are still printed)")
    add_warning_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from schemagen.errors import UsageError, counted
    from schemagen.evolution import baselines, engine

    check_sql_dialect(args.sql_dialect)
    warn = warning_printer(args)
    schema = engine.load_files(args.paths, args.include_dirs, args.sql_dialect, warn)
    if not schema.types:
        raise UsageError(f"no schema types found under {', '.join(args.paths)}")
    out = Path(args.output)
    text, changed = baselines.snapshot_text(schema, out)
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if args.check:
        if current == text:
            if not args.quiet:
                print(f"{out}: up to date")
            return 0
        print(f"{out} does not record the current schemas: run `schemagen snapshot "
              f"{' '.join(args.paths)} -o {out}`", file=sys.stderr)
        return 1
    if current != text:
        baselines.write_atomic(out, text)
    if not args.quiet:
        import json

        n = len(json.loads(text)["versions"])
        what = "added a version" if changed else "unchanged schemas"
        print(f"{out}: {what} ({counted(len(schema.types), 'type')}, "
              f"{counted(n, 'version')})")
    return 0
