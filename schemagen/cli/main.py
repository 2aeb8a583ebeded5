"""Command line: thin argument parsing around the library.

Exit codes: 0 success; 1 the check found something; 2 bad input or usage
(:data:`EXIT_CODES` maps each exception class to its code); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import warnings
from collections.abc import Sequence
from typing import Any, Final

from schemagen import __version__
from schemagen.errors import InputError, SchemaError, SchemagenError, UsageError


def _err(msg: str) -> None:
    print(f"schemagen: error: {msg}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        _err(message)
        raise SystemExit(2)


def _check_sql_dialect(name: str | None) -> None:
    if name is not None:
        from schemagen.sql import registry as sql

        sql.dialect(name)  # unknown: an error listing the known dialects


def _cmd_compile(args: argparse.Namespace) -> int:
    from schemagen.codegen import compiler

    _check_sql_dialect(args.sql_dialect)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rendered = compiler.render(args.paths, args.output, show_progress=not args.quiet,
                                   sql_dialect=args.sql_dialect,
                                   include_dirs=args.include_dirs)
    if not args.quiet:
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
    if args.check:
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


def _cmd_sql(args: argparse.Namespace) -> int:
    from schemagen.sql import registry as sql

    if args.types:
        if args.paths or args.record:
            raise UsageError("--types prints the type registry; it takes no schema paths "
                             "or --record")
        names = [sql.dialect(args.dialect).name] if args.dialect else None
        text = sql.render_json(names) if args.format == "json" else sql.render_markdown(names)
        sys.stdout.write(text)
        return 0
    if not args.paths or not args.record or not args.dialect:
        raise UsageError("DDL needs schema paths, --record NAME and --dialect D "
                         "(or use --types to print the type registry)")
    from schemagen import frontends
    from schemagen.sql import ddl as sqlddl

    sql.dialect(args.dialect)
    _check_sql_dialect(args.sql_dialect)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = frontends.find_schema_files(args.paths)
        if not files:
            raise UsageError(f"no schema files found under {', '.join(args.paths)}")
        schema = frontends.load(files, args.sql_dialect)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    sys.stdout.write(sqlddl.emit(schema.types, args.record, args.dialect,
                                 location=args.location, table=args.table))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="schemagen", description=__doc__)
    p.add_argument("--version", action="version", version=f"schemagen {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
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
    c.set_defaults(func=_cmd_compile)
    q = sub.add_parser(
        "sql", help="print SQL DDL for a record, or the SQL type registry",
        description="schemagen sql SCHEMA_PATH... --record NAME --dialect D: DDL that lets the "
                    "engine query files schemagen wrote for the record.  schemagen sql --types "
                    "[--dialect D]: the SQL <-> IR <-> Parquet type mapping.")
    q.add_argument("paths", nargs="*", help="schema files or folders (searched recursively)")
    q.add_argument("--record", metavar="NAME",
                   help="the record: schema name, SQL table name or generated class name")
    q.add_argument("--dialect", metavar="D",
                   help="SQL dialect (drill, duckdb, spark, trino, hive; postgres for --types)")
    q.add_argument("--location", metavar="PATH",
                   help="where the Parquet dataset is (default: the table name)")
    q.add_argument("--table", metavar="NAME", help="table/view name (default: from the record)")
    q.add_argument("--types", action="store_true", help="print the type registry instead")
    q.add_argument("--format", choices=("markdown", "json"), default="markdown",
                   help="--types output format")
    q.add_argument("--sql-dialect", metavar="NAME",
                   help="dialect of .sql schema files without a '-- dialect:' first line")
    q.set_defaults(func=_cmd_sql)
    _add_command_modules(sub)
    return p


def _add_command_modules(sub: Any) -> None:
    """Each module in ``schemagen/commands/`` adds one subcommand.

    A command module defines ``add_parser(sub)``, which registers its parser
    (``sub.add_parser(...)``) and sets ``func`` to a function taking the parsed
    arguments and returning the exit code.  Heavy imports belong inside that
    function so ``schemagen --help`` stays fast.
    """
    from schemagen.cli import commands

    for mod in sorted(m.name for m in pkgutil.iter_modules(commands.__path__)):
        module = importlib.import_module(f"{commands.__name__}.{mod}")
        module.add_parser(sub)


# The exit code of a command that raised: the first class that matches, in order.
EXIT_CODES: Final[tuple[tuple[type[BaseException], int], ...]] = (
    (InputError, 2),         # bad data: a file, record or row
    (UsageError, 2),         # bad arguments, options that do not go together
    (SchemaError, 2),        # an invalid schema file
    (SchemagenError, 2),     # any other deliberate error (e.g. no SQL/Parquet form)
    (OSError, 2),            # unwritable output, a file where a folder should be, ...
    (KeyboardInterrupt, 130),
)
_HANDLED: Final = tuple(cls for cls, _ in EXIT_CODES)


def exit_code(exc: BaseException) -> int | None:
    """The exit code for ``exc`` (None: not a deliberate error, let it propagate)."""
    return next((code for cls, code in EXIT_CODES if isinstance(exc, cls)), None)


def _message(exc: BaseException) -> str | None:
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    if isinstance(exc, KeyboardInterrupt):
        return None
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except _HANDLED as exc:
        code = exit_code(exc)
        assert code is not None
        message = _message(exc)
        if message is not None:
            _err(message)
        return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
