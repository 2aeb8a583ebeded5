"""Command line: thin argument parsing around the library.

Exit codes: 0 success; 1 the check found something; 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from . import __version__
from .errors import SchemagenError


def _err(msg: str) -> None:
    print(f"schemagen: error: {msg}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        _err(message)
        raise SystemExit(2)


def _cmd_compile(args: argparse.Namespace) -> int:
    from . import compiler

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rendered = compiler.render(args.paths, args.output, show_progress=not args.quiet)
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
    c.set_defaults(func=_cmd_compile)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except SchemagenError as exc:
        _err(str(exc))
        return 2
    except OSError as exc:  # unwritable output, a file where a folder should be, ...
        where = f"{exc.filename}: " if exc.filename else ""
        _err(f"{where}{exc.strerror or exc}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
