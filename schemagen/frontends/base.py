"""The front-end registry: schema file extension -> loader, and loading many files into one IR."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from schemagen import ir
from schemagen.errors import SchemaError

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
        schema = _loader(kind, sql_dialect, include_dirs)(group)
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
    return ir.Schema(types, sources, constants)
