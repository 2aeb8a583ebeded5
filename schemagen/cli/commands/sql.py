"""``schemagen sql``: DDL for a record (``PATH... --record NAME --dialect D``), or the
SQL type registry (``--types``)."""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from schemagen.cli.commands import add_warning_options, check_sql_dialect, warning_printer
from schemagen.errors import UsageError


def add_parser(sub: Any) -> None:
    q = sub.add_parser(
        "sql", help="print SQL DDL for a record, or the SQL type registry",
        description="schemagen sql SCHEMA_PATH... --record NAME --dialect D: DDL that lets the "
                    "engine query files schemagen wrote for the record.  schemagen sql --types "
                    "[--dialect D]: how each SQL type maps to a schema type and a Parquet "
                    "type, both ways.")
    q.add_argument("paths", nargs="*", help="schema files or folders (searched recursively)")
    q.add_argument("--record", metavar="NAME",
                   help="the record: schema name, SQL table name or generated class name")
    q.add_argument("--dialect", metavar="D",
                   help="SQL dialect (drill, duckdb, spark, trino, hive; postgres for --types)")
    q.add_argument("--location", metavar="PATH",
                   help="where the Parquet dataset is (default: the table name)")
    q.add_argument("--partition-by", metavar="K[,K...]",
                   help="the Hive partition columns of the dataset (default: read from the "
                        "footer of the dataset --location names, when it is a local folder)")
    q.add_argument("--table", metavar="NAME", help="table/view name (default: from the record)")
    q.add_argument("--types", action="store_true", help="print the type registry instead")
    q.add_argument("--format", choices=("markdown", "json", "ddl", "schema"), default=None,
                   help="--types output: markdown (default) or json; DDL output: ddl (default) "
                        "or schema (--dialect spark: the StructType JSON with "
                        "parquet.field.id metadata, for spark.read.schema)")
    q.add_argument("--sql-dialect", metavar="NAME",
                   help="dialect of .sql schema files without a '-- dialect:' first line")
    q.add_argument("-I", "--include-dir", dest="include_dirs", action="append", default=[],
                   metavar="DIR",
                   help="folder searched for Thrift includes after the including file's own "
                        "folder, and protoc import path for .proto files (repeatable, "
                        "searched in order)")
    add_warning_options(q)
    q.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from schemagen.sql import registry as sql

    if args.types:
        if args.paths or args.record:
            raise UsageError("--types prints the type registry; it takes no schema paths "
                             "or --record")
        if args.format in ("ddl", "schema"):
            raise UsageError(f"--format {args.format} is for DDL output; --types prints "
                             "markdown or json")
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
    check_sql_dialect(args.sql_dialect)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = frontends.find_schema_files(args.paths)
        if not files:
            raise UsageError(f"no schema files found under {', '.join(args.paths)}")
        schema = frontends.load(files, args.sql_dialect, include_dirs=args.include_dirs,
                                roots=frontends.schema_roots(args.paths, args.include_dirs))
    show = warning_printer(args)
    for w in caught:
        show(str(w.message))
    if args.format in ("markdown", "json"):
        raise UsageError(f"--format {args.format} is for --types; DDL output is ddl or schema")
    parts = None
    if args.partition_by is not None:
        parts = [p.strip() for p in args.partition_by.split(",") if p.strip()]
    sys.stdout.write(sqlddl.emit(schema.types, args.record, args.dialect,
                                 location=args.location, table=args.table,
                                 partition_by=parts, form=args.format or "ddl"))
    return 0
