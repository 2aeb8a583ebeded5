"""``schemagen convert INPUT... --schema PATH --record NAME --out PATH``: JSON/CSV/Avro -> Parquet.

Drill's "read JSON, write Parquet" CTAS: the schema files are compiled in memory
(``schemagen.load``, the same code generator as ``schemagen compile``),
values are cast to the record's types by ``schemagen.convert`` and
written by the generated record's writer.  Exit 0: every row written; 1: some
rows were rejected (see ``--rejects``); 2: bad usage, schema or input.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from schemagen.cli.commands import add_warning_options, warning_printer
from schemagen.typemap.engines import ENGINES


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "convert", help="convert JSON Lines, JSON, CSV or Avro files to Parquet as a record",
        description="Read INPUT files (JSON Lines by default; a JSON array, CSV or Avro "
                    "container by extension or --input-format), cast every value to the "
                    "record's types and write Parquet (one .parquet file, or a dataset "
                    "folder).  Rows that cannot be converted go to --rejects (JSON Lines: "
                    "file, line, field path, reason, raw row); the exit code is 1 when any "
                    "row was rejected, 0 otherwise.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="input files; - reads standard input (named pipes and /dev/stdin "
                        "work too: read once, forward only)")
    p.add_argument("--schema", dest="schemas", action="append", required=True, metavar="PATH",
                   help="schema file or folder (repeatable)")
    p.add_argument("--record", required=True, metavar="NAME",
                   help="the record: full or short schema name, or generated class name")
    p.add_argument("--out", required=True, metavar="PATH",
                   help="output: a path ending in .parquet is one file, else a dataset folder")
    p.add_argument("--input-format", choices=("jsonl", "json", "csv", "avro"),
                   help="input format (default: by extension: .csv, .avro, .jsonl/.ndjson; "
                        ".json is a JSON array when it starts with '[', else JSON Lines; "
                        "without a known extension, - among them, by the first bytes: an "
                        "Avro container, a JSON array, else JSON Lines); an input that is "
                        "not its format (Parquet, compressed or binary data, text as Avro) "
                        "is an error before anything is written")
    p.add_argument("--rejects", metavar="FILE",
                   help="JSON Lines file for rows that cannot be converted (written "
                        "atomically; empty when none)")
    p.add_argument("--unknown-fields", choices=("reject", "ignore"), default="reject",
                   help="a key that is not a field or alias of the record: reject the row "
                        "(default) or ignore the key (counted in the summary)")
    p.add_argument("--csv-delimiter", default=",", metavar="CHAR", help="CSV delimiter")
    p.add_argument("--compression", help="none, snappy (default), gzip, zstd, lz4, brotli")
    p.add_argument("--compression-level", type=int, metavar="N")
    p.add_argument("--block-size", type=int, metavar="BYTES",
                   help="row-group (and dataset file) target in bytes")
    p.add_argument("--row-group-size", type=int, metavar="ROWS")
    p.add_argument("--page-size", type=int, metavar="BYTES")
    p.add_argument("--no-dictionary", action="store_true", help="no dictionary encoding")
    p.add_argument("--engine", metavar="ENGINE",
                   help="physical layout for an engine: " + ", ".join(ENGINES)
                   + " (default any: the spec-exact layout; see docs/engines.md)")
    p.add_argument("--allow-truncation", action="store_true",
                   help="with --engine: write values the engine's layout cannot hold exactly "
                        "(nanosecond digits) truncated instead of rejecting them")
    p.add_argument("--mode", choices=("append", "overwrite", "error"),
                   help="dataset folder: append (default), overwrite or error (if it holds "
                        "data); one .parquet file: overwrite (default) or error (if it exists)")
    p.add_argument("--partition-by", action="append", default=[], metavar="FIELD",
                   help="Hive-style partition column of a dataset (repeatable)")
    p.add_argument("-I", "--include-dir", dest="include_dirs", action="append", default=[],
                   metavar="DIR", help="Thrift include folder / protoc import path")
    p.add_argument("--sql-dialect", metavar="NAME",
                   help="dialect of .sql schema files without a '-- dialect:' line")
    dist = p.add_mutually_exclusive_group()
    dist.add_argument("--workers", type=int, metavar="N",
                      help="convert on a local Dask cluster of N worker processes (extra "
                           "dask): inputs are cut into line-aligned ranges, one task each; "
                           "--out must be a dataset folder")
    dist.add_argument("--scheduler", metavar="ADDRESS",
                      help="convert on the Dask cluster at ADDRESS (tcp://host:8786); the "
                           "workers must reach the input files and --out")
    p.add_argument("--split-size", type=int, metavar="BYTES",
                   help="with --workers/--scheduler: bytes of input per task (default "
                        "32 MiB)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar or summary (schema warnings are still printed)")
    add_warning_options(p)
    p.set_defaults(func=run)


def record_class(schema_paths: Sequence[str], record: str, include_dirs: Sequence[str] = (),
                 sql_dialect: str | None = None,
                 on_warning: Callable[[str], None] | None = None) -> type:
    """Compile the schemas in memory (``schemagen.load``, cached by content: the code
    ``schemagen compile`` would write, no files) and return the record's generated class.
    ``on_warning`` is told each schema warning (of a first compile: a cached load has
    none)."""
    import warnings

    from schemagen.codegen.loader import load_schemas

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = load_schemas(schema_paths, include=include_dirs, sql_dialect=sql_dialect)
    if on_warning is not None:
        from schemagen.errors import SchemaWarning

        for w in caught:
            if issubclass(w.category, SchemaWarning):
                on_warning(str(w.message))
    return loaded.record_class(record)


def writer_options(args: argparse.Namespace) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    for key in ("compression", "compression_level", "block_size", "row_group_size",
                "page_size"):
        value = getattr(args, key)
        if value is not None:
            opts[key] = value
    if args.no_dictionary:
        opts["use_dictionary"] = False
    if args.engine is not None:
        opts["engine"] = args.engine
    if args.allow_truncation:
        opts["allow_truncation"] = True
    return opts


def run(args: argparse.Namespace) -> int:
    from schemagen import convert as cv
    from schemagen.errors import counted
    from schemagen.runtime.writer import writer_options as check_options

    opts = writer_options(args)
    check_options(**opts)  # bad options: exit 2 before anything is read
    from schemagen.convert.sources.inputs import input_files
    from schemagen.errors import UsageError

    inputs = input_files(args.inputs)  # each a file or a stream; nothing read yet
    sizes = [f.size for f in inputs]
    total = None if None in sizes else sum(s or 0 for s in sizes)
    cls = record_class(args.schemas, args.record, args.include_dirs, args.sql_dialect,
                       warning_printer(args))
    common = {"input_format": args.input_format, "rejects": args.rejects,
              "unknown_fields": args.unknown_fields, "mode": args.mode,
              "partition_by": args.partition_by, "csv_delimiter": args.csv_delimiter}
    with _progress(total, args.quiet) as advance:
        if args.workers is None and args.scheduler is None:
            if args.split_size is not None:
                raise UsageError("--split-size applies with --workers or --scheduler")
            result = cv.convert(cls, inputs, args.out, progress=advance, **common, **opts)
        else:
            result = _distributed(args, cls, inputs, advance, common, opts)
    if result.rejected and not args.rejects:
        for r in result.first_rejects:
            print(f"rejected: {r}", file=sys.stderr)
        if result.rejected > len(result.first_rejects):
            more = counted(result.rejected - len(result.first_rejects), "more rejected row")
            print(f"... and {more} (use --rejects FILE to keep them all)", file=sys.stderr)
    if not args.quiet:
        for key, count in result.ignored_keys.items():
            print(f"ignored unknown key {key!r} in {counted(count, 'row')}", file=sys.stderr)
        where = f" to {args.rejects}" if args.rejects and result.rejected else ""
        print(f"{counted(result.rows, 'row')} written, {result.rejected:,} rejected{where}, "
              f"{counted(len(result.files), 'file')} in {args.out}, {result.seconds:.2f} s",
              file=sys.stderr)
    return 1 if result.rejected else 0


def _distributed(args: argparse.Namespace, cls: type, inputs: list[Any], advance: Any,
                 common: dict[str, Any], opts: dict[str, Any]) -> Any:
    """The convert on a Dask cluster: a LocalCluster of ``--workers`` processes (one
    thread each), or the scheduler at ``--scheduler``."""
    from schemagen.errors import UsageError

    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    if args.split_size is not None and args.split_size < 1:
        raise UsageError(f"--split-size must be a positive number of bytes, got "
                         f"{args.split_size}")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--workers/--scheduler need Dask distributed: pip install "
                         "'schemagen[dask]'") from None
    from schemagen.adapters import dask as sgd

    if args.out.endswith(".parquet"):
        raise UsageError(f"--out {args.out}: --workers/--scheduler write a dataset folder, "
                         "one file per task; give a folder (a path without .parquet)")
    split = {"split_bytes": args.split_size} if args.split_size is not None else {}
    with contextlib.ExitStack() as stack:
        if args.scheduler is not None:
            try:
                client = stack.enter_context(
                    Client(args.scheduler, timeout="5s"))  # type: ignore[no-untyped-call]
            except OSError as exc:
                raise UsageError(f"--scheduler {args.scheduler}: cannot reach it ({exc})") \
                    from None
        else:
            cluster = stack.enter_context(LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=args.workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=":0"))
            client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        del client  # the default client now: schemagen.dask uses it
        return sgd.convert(cls, inputs, args.out, progress=advance, **common, **split, **opts)


@contextlib.contextmanager
def _progress(total: int | None, quiet: bool) -> Iterator[Any]:
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress("converting", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True),
                  transient=True) as progress:
        task = progress.add_task("convert", total=total)
        yield lambda n: progress.advance(task, n)
