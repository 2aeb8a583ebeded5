"""``schemagen check PATH... --against BASELINE``: the schema evolution gate."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from schemagen.cli.commands import add_warning_options, check_sql_dialect, warning_printer

MODES = ("backward", "forward", "full", "backward_transitive", "forward_transitive",
         "full_transitive", "none")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "check", help="check schema changes against a baseline (exit 1 when incompatible)",
        description="Compare the schemas under PATH... with a baseline (a git ref, a folder of "
                    "schema files or a snapshot file written by `schemagen snapshot`) and "
                    "report every incompatible change: Avro schema resolution, Thrift field "
                    "ids, protobuf wire/JSON rules, SQL columns and Parquet readability.  "
                    "Defaults come from [tool.schemagen.check] in pyproject.toml.  Exit 0 "
                    "compatible, 1 incompatible, 2 usage or schema error.")
    p.add_argument("paths", nargs="+", help="schema files or folders (searched recursively)")
    p.add_argument("--against", action="append", metavar="BASELINE",
                   help="git ref (main, origin/main, HEAD~1, a tag), folder or snapshot file; "
                        "repeatable (the versions are checked oldest first by transitive modes); "
                        "default: baseline in [tool.schemagen.check]")
    p.add_argument("--mode", choices=MODES,
                   help="backward: the new schema reads data written with the old one; "
                        "forward: the old schema reads data written with the new one; full: "
                        "both; *_transitive: against every version of the baseline; none: "
                        "report only (default: mode in [tool.schemagen.check], else backward)")
    p.add_argument("--format", choices=("text", "json", "github", "junit"), default="text",
                   help="report format (github: workflow annotations, schema warnings as "
                        "::warning; junit: XML)")
    p.add_argument("-I", "--include-dir", dest="include_dirs", action="append", default=[],
                   metavar="DIR", help="Thrift include folder / protoc import path (repeatable)")
    p.add_argument("--sql-dialect", metavar="NAME",
                   help="dialect of .sql files without a '-- dialect: NAME' first line")
    p.add_argument("--config", metavar="PYPROJECT",
                   help="the pyproject.toml to read [tool.schemagen.check] from (default: the "
                        "nearest one from the current folder up)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="text format: print only failing findings (nothing when compatible); "
                        "schema warnings are still printed (see --no-warnings)")
    add_warning_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from schemagen.errors import UsageError
    from schemagen.evolution import baselines, config, engine, report

    check_sql_dialect(args.sql_dialect)
    cfg = config.load(Path(args.config) if args.config else None)
    mode = args.mode or cfg.mode or "backward"
    # --format github: schema warnings are annotations too (::warning file=,line=)
    warn = warning_printer(args, github=args.format == "github")
    new = engine.load_files(args.paths, args.include_dirs, args.sql_dialect, warn)
    if not new.types:
        raise UsageError(f"no schema types found under {', '.join(args.paths)}")
    if args.against:
        if any(not spec.strip() for spec in args.against):
            raise UsageError("--against needs a git ref, a folder or a snapshot file (got an "
                             "empty string)")
        specs, base_dir = list(args.against), None
    elif cfg.baseline:
        specs, base_dir = [cfg.baseline], cfg.base_dir
    else:
        raise UsageError("no baseline: give --against BASELINE (a git ref, a folder or a "
                         "snapshot file) or set baseline in [tool.schemagen.check]")
    history: list[engine.Version] = []
    for spec in specs:
        history.extend(baselines.load_baseline(spec, args.paths, args.include_dirs,
                                               args.sql_dialect, base_dir,
                                               new_names=set(new.types),
                                               on_include_warning=warn))
    result = engine.run(new, history, mode, cfg.ignores, ", ".join(specs))
    sys.stdout.write(report.render(result, args.format, args.quiet))
    return 0 if result.ok else 1
