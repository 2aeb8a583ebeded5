"""``schemagen compile PATH... -o generated``: schema files -> a Python package."""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from schemagen.cli.commands import check_sql_dialect


def add_parser(sub: Any) -> None:
    c = sub.add_parser("compile", help="compile schema files into a Python package")
    c.add_argument("paths", nargs="+", help="schema files or folders (searched recursively)")
    c.add_argument("-o", "--output", default="generated", help="output package folder")
    c.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the output is stale, missing or has extras")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress or summary output")
    c.add_argument("-I", "--include-dir", dest="include_dirs", action="append", default=[],
                   metavar="DIR",
                   help="folder searched for Thrift includes after the including file's own "
                        "folder, and protoc import path for .proto files (repeatable, "
                        "searched in order)")
    c.add_argument("--sql-dialect", metavar="NAME",
                   help="dialect of .sql files without a '-- dialect: NAME' first line "
                        "(default: drill)")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from schemagen.codegen import compiler

    check_sql_dialect(args.sql_dialect)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rendered = compiler.render(args.paths, args.output, show_progress=not args.quiet,
                                   sql_dialect=args.sql_dialect,
                                   include_dirs=args.include_dirs)
    if not args.quiet:
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
    if args.check:  # write nothing: 0 when the output holds exactly what would be written
        res = compiler.check(rendered, args.output)
        if res.ok:
            if not args.quiet:
                print(f"{args.output}: up to date ({len(rendered)} files)")
            return 0
        for label, items in (("stale", res.stale), ("missing", res.missing),
                             ("extra", res.extra)):
            for rel in items:
                print(f"{label}: {args.output}/{rel}")
        print(f"{args.output} is out of date: run `schemagen compile "
              f"{' '.join(args.paths)} -o {args.output}`", file=sys.stderr)
        return 1
    compiler.write(rendered, args.output, inputs=args.paths)
    if not args.quiet:
        print(f"wrote {len(rendered)} files to {args.output}/")
    return 0
