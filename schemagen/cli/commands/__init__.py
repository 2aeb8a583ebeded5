"""CLI subcommands: one module per command (see ``cli.main.add_command_modules``).

A command module defines ``add_parser(sub)``, which registers its parser and
sets ``func`` to ``run(args) -> exit code``.  Helpers shared by commands live
here (a module of this package is a command).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any


def check_sql_dialect(name: str | None) -> None:
    """A ``--sql-dialect NAME`` option names a known dialect (else an error listing them)."""
    if name is not None:
        from schemagen.sql import registry as sql

        sql.dialect(name)


def add_warning_options(p: Any) -> None:
    """``--no-warnings``: the one switch that silences schema warnings (``-q`` keeps them)."""
    p.add_argument("--no-warnings", action="store_true",
                   help="do not print schema warnings (legal but lossy constructs, such as an "
                        "unknown Avro logical type); -q keeps them")


def warning_printer(args: argparse.Namespace, github: bool = False) -> Callable[[str], None]:
    """The function that prints a schema warning for a command: to stderr as ``warning:
    MESSAGE`` (or, with ``github``, to stdout as a ``::warning`` workflow command), each
    message once, nothing with ``--no-warnings``."""
    seen: set[str] = set()

    def show(message: str) -> None:
        if getattr(args, "no_warnings", False) or message in seen:
            return
        seen.add(message)
        if github:
            from schemagen.evolution.report import github_warning

            print(github_warning(message), flush=True)
        else:
            print(f"warning: {message}", file=sys.stderr)
    return show
