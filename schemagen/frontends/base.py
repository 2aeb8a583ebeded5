"""The front-end registry: schema file extension -> loader, and loading many files into one IR."""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from schemagen import ir
from schemagen.errors import SchemaError, SchemagenError

# extension -> loader name (module in this package with a ``load(paths)`` function)
EXTENSIONS: dict[str, str] = {".avsc": "avro", ".avpr": "avro", ".sql": "sql",
                             ".thrift": "thrift", ".proto": "protobuf"}


def find_schema_files(paths: Sequence[str | Path]) -> list[Path]:
    """Schema files under ``paths`` (files or folders, searched recursively), sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f for f in p.rglob("*")
                    if f.is_file() and f.suffix in EXTENSIONS
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
            )
        elif p.is_file():
            if p.suffix not in EXTENSIONS:
                raise SchemaError(
                    f"unknown schema file type {p.suffix!r} (known: {', '.join(sorted(EXTENSIONS))})",
                    str(p),
                )
            out.append(p)
        else:
            raise SchemaError("no such file or directory", str(p))
    return list(dict.fromkeys(out))


def _raised_in(exc: BaseException, library: str) -> bool:
    """Whether ``exc`` was raised by code of the package ``library`` (its innermost
    Python frame is in that package)."""
    mod = importlib.import_module(library)
    roots = [os.path.join(os.path.realpath(p), "") for p in getattr(mod, "__path__", [])]
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last, tb = tb, tb.tb_next
    if last is None:
        return False
    where = os.path.realpath(last.tb_frame.f_code.co_filename)
    return any(where.startswith(r) for r in roots)


@contextlib.contextmanager
def parser_errors(file: str, library: str, what: str,
                  known: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """The boundary around a parser library's call on a schema file: an exception the
    library raises on this text (a bug or a limit of the library: sqlglot's ``TypeError``
    on ``DEFAULT LOG``) and a ``RecursionError`` (text nested deeper than the parser can
    go) become a :class:`SchemaError` naming the file, never a traceback.  Exceptions
    raised by schemagen's own code pass, and so do the library's ``known`` errors (its
    syntax errors, which the caller turns into messages with a line and column)."""
    passing: tuple[type[BaseException], ...] = (SchemagenError, *known)
    try:
        yield
    except passing:
        raise
    except RecursionError:
        raise SchemaError(f"{what} nested too deeply for its parser ({library}); the "
                          f"limit is {ir.MAX_NESTING} levels", file) from None
    except Exception as exc:
        if not _raised_in(exc, library):
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        raise SchemaError(f"the {what} parser ({library}) failed on this file: "
                          f"{type(exc).__name__}: {first}", file) from None


def _loader(kind: str, sql_dialect: str | None = None,
            include_dirs: Sequence[str | Path] = ()) -> Callable[[Sequence[Path]], ir.Schema]:
    if kind == "avro":
        from schemagen.frontends import avro

        return avro.load
    if kind == "thrift":
        from schemagen.frontends import thrift

        return functools.partial(thrift.load, include_dirs=include_dirs)
    if kind == "protobuf":
        from schemagen.frontends import protobuf

        return functools.partial(protobuf.load, include_dirs=include_dirs)
    if kind == "sql":
        from schemagen.frontends import sql

        return functools.partial(sql.load, dialect=sql_dialect)
    raise SchemaError(f"no front end for {kind!r}")  # pragma: no cover


def load(files: Sequence[Path], sql_dialect: str | None = None,
         include_dirs: Sequence[str | Path] = ()) -> ir.Schema:
    """Load every schema file (grouped by format) into one IR schema.

    ``sql_dialect`` is the dialect of ``.sql`` files without a ``-- dialect:``
    first line (default ``drill``); ``include_dirs`` are searched for Thrift
    ``include``s not found next to the including file, and are protoc's import
    paths for ``.proto`` files.
    """
    by_kind: dict[str, list[Path]] = {}
    for f in files:
        by_kind.setdefault(EXTENSIONS[f.suffix], []).append(f)
    types: dict[str, ir.Named] = {}
    sources: dict[str, str] = {}
    constants: dict[str, ir.Constant] = {}
    for kind, group in sorted(by_kind.items()):
        try:
            schema = _loader(kind, sql_dialect, include_dirs)(group)
        except RecursionError:
            shown = str(group[0]) if len(group) == 1 else f"one of {', '.join(map(str, group))}"
            raise SchemaError(f"nested too deeply to be read (the limit is {ir.MAX_NESTING} "
                              "levels of types or values)", shown) from None
        for name, t in schema.types.items():
            if name in types and types[name] != t:
                raise SchemaError.at(
                    t.location,
                    f"{name} is also defined in {sources[name]} with a different definition",
                )
            types[name] = t
            sources[name] = schema.sources.get(name, "")
        for name, c in schema.constants.items():
            if name in constants and constants[name] != c:
                raise SchemaError.at(c.location, f"constant {name} is also defined in "
                                                 f"{constants[name].location}")
            constants[name] = c
    for problem in (ir.name_problem(types), ir.nesting_problem(types)):
        if problem is not None:
            t, message = problem
            if t.location is None:
                raise SchemaError(message, sources.get(t.name, ""))
            raise SchemaError.at(t.location, message)
    return ir.Schema(types, sources, constants)
