"""Compile Avro, Thrift, protobuf and SQL schemas into typed Python record classes that
write and read Parquet; convert JSON, CSV and Avro data to Parquet; inspect Parquet files;
check schema changes for compatibility.

Exit codes: 0 success; 1 the check found something; 2 bad input or usage.
"""
# (the text above is ``--help``; EXIT_CODES below maps each exception class to its code)

from __future__ import annotations

import argparse
import difflib
import importlib
import pkgutil
import re
import sys
from collections.abc import Sequence
from typing import Any, Final

from schemagen import __version__
from schemagen.errors import InputError, SchemaError, SchemagenError, UsageError
from schemagen.runtime import native


def _err(msg: str) -> None:
    print(f"schemagen: error: {msg}", file=sys.stderr)


def _nearest(word: str, candidates: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


# argparse's wording (3.11): "invalid choice: 'x' (choose from 'a', 'b')"
_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        m = _INVALID_CHOICE.search(message)
        if m is not None and "did you mean" not in message:
            near = _nearest(m[1], re.findall(r"'([^']*)'", m[2]))
            if near is not None:
                message += f"; did you mean {near!r}?"
        self.print_usage(sys.stderr)
        _err(message)
        raise SystemExit(2)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        ns, extras = self.parse_known_args(args, namespace)
        if extras:
            command = self._command_of(ns)
            options = list(self._option_string_actions)
            if command is not None:
                options += list(command._option_string_actions)
            (command or self).error(_unrecognized(extras, options))
        return ns

    def _command_of(self, ns: argparse.Namespace) -> argparse.ArgumentParser | None:
        """The parser of the subcommand ``ns`` ran (None: no subcommand)."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen: argparse.ArgumentParser | None = action.choices.get(
                    getattr(ns, action.dest or "", None) or "")
                return chosen
        return None


def _unrecognized(extras: Sequence[str], options: Sequence[str]) -> str:
    """argparse's message, plus the nearest known option for each unknown one."""
    hints = []
    for arg in extras:
        if arg.startswith("-") and len(arg) > 1:
            name = arg.split("=", 1)[0]
            near = _nearest(name, [o for o in options if o.startswith("--")]
                            if name.startswith("--") else options)
            if near is not None:
                hints.append(f"{name}: did you mean {near}?")
    return f"unrecognized arguments: {' '.join(extras)}" + (
        f" ({'; '.join(hints)})" if hints else "")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="schemagen", description=__doc__)
    p.add_argument("--version", action="version",
                   version=f"schemagen {__version__} ({native.status()})")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_command_modules(sub)
    return p


# listed first in ``--help``, as before the commands moved to their modules; then A-Z
_FIRST: Final = ("compile", "sql")


def _add_command_modules(sub: Any) -> None:
    """Each module in ``schemagen/cli/commands/`` adds one subcommand.

    A command module defines ``add_parser(sub)``, which registers its parser
    (``sub.add_parser(...)``) and sets ``func`` to a function taking the parsed
    arguments and returning the exit code.  Heavy imports belong inside that
    function so ``schemagen --help`` stays fast.
    """
    from schemagen.cli import commands

    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    for mod in sorted(names, key=lambda n: (_FIRST.index(n) if n in _FIRST else len(_FIRST))):
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
