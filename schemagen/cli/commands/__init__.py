"""CLI subcommands: one module per command (see ``cli.main.add_command_modules``).

A command module defines ``add_parser(sub)``, which registers its parser and
sets ``func`` to ``run(args) -> exit code``.  Helpers shared by commands live
here (a module of this package is a command).
"""

from __future__ import annotations


def check_sql_dialect(name: str | None) -> None:
    """A ``--sql-dialect NAME`` option names a known dialect (else an error listing them)."""
    if name is not None:
        from schemagen.sql import registry as sql

        sql.dialect(name)
