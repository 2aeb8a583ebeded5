"""``schemagen compile PATH... -o generated``: schema files -> a Python package."""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from schemagen.cli.commands import add_warning_options, check_sql_dialect, warning_printer


def add_parser(sub: Any) -> None:
    c = sub.add_parser(
        "compile", help="compile schema files into a Python package",
        description="Compile Avro, Thrift, protobuf and SQL schema files into a Python "
                    "package of typed record classes with their Parquet writers and readers "
                    "(default output: the folder generated/, package `generated`).  The "
                    "output folder is replaced as a whole, and only if it holds nothing but "
                    "generated files.")
    c.add_argument("paths", nargs="+", help="schema files or folders (searched recursively)")
    c.add_argument("-o", "--output", default="generated", metavar="DIR",
                   help="output package folder; its name is the package name, and its parent "
                        "folder must exist (default: generated)")
    c.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the output is stale, missing or has extras")
    c.add_argument("-q", "--quiet", action="store_true",
                   help="no progress or summary output (schema warnings are still printed)")
    c.add_argument("-I", "--include-dir", dest="include_dirs", action="append", default=[],
                   metavar="DIR",
                   help="folder searched for Thrift includes after the including file's own "
                        "folder, and protoc import path for .proto files (repeatable, "
                        "searched in order)")
    c.add_argument("--sql-dialect", metavar="NAME",
                   help="dialect of .sql files without a '-- dialect: NAME' first line "
                        "(default: drill)")
    add_warning_options(c)
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from schemagen.codegen import compiler
    from schemagen.errors import counted

    check_sql_dialect(args.sql_dialect)
    compiler.check_output_name(args.output)  # before any schema is read
    if not args.check:
        compiler.check_output_parent(args.output)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rendered = compiler.render(args.paths, args.output, show_progress=not args.quiet,
                                   sql_dialect=args.sql_dialect,
                                   include_dirs=args.include_dirs)
    show = warning_printer(args)
    for w in caught:
        show(str(w.message))
    if args.check:  # write nothing: 0 when the output holds exactly what would be written
        res = compiler.check(rendered, args.output)
        if res.ok:
            if not args.quiet:
                print(f"{args.output}: up to date ({counted(len(rendered), 'file')})")
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
        print(f"wrote {counted(len(rendered), 'file')} to {args.output}/")
    return 0
