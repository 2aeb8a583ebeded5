"""DDL that lets SQL engines query a dataset schemagen wrote for a record: the shared
machinery.  Each engine's emitter lives with its dialect (``EMITTER`` of a class in
:mod:`schemagen.sql.dialects`), next to its type tables.

Consumes only the IR and the dialect registry (:mod:`schemagen.sql.registry`).
The files follow DESIGN.md's Parquet layout (3-level lists, spec maps, unions
as structs of optional ``member0..N``, enums as strings), which every engine
reads natively.  A column is declared as the dialect's *file column type*
(:meth:`~schemagen.sql.registry.SqlDialect.file_column_type`): its SQL type,
except where the dialect's ``FILE_TYPES`` table says the engine reads the stored
form (e.g. DuckDB and Drill read INTERVAL columns as 12-byte binaries: the files
lack the INTERVAL annotation; Trino's Hive connector has no TIMESTAMP WITH TIME
ZONE, UUID, JSON or TIME columns); the reason becomes a ``--`` note.

Top-level columns are not declared ``NOT NULL``: external tables and views
cannot enforce it, and the files carry the real nullability.

Schema text (names, docs, locations) only ever reaches the DDL as quoted
identifiers or string literals (escaped by sqlglot for the dialect); ``--``
comments never contain a line break.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, assert_never

from schemagen import __version__, ir
from schemagen.errors import UsageError
from schemagen.sql import registry as sqlmap
from schemagen.typemap.arrow import check_representable

__all__ = ["Column", "DdlEmitter", "ExternalTableEmitter", "emit", "emitter_names",
           "find_record", "register_emitter", "walk_types"]


# --------------------------------------------------------------------------- record lookup


def _snake(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return re.sub(r"[^0-9A-Za-z_]", "_", s).lower() or "t"


def _record_names(rec: ir.Record) -> list[str]:
    from schemagen.codegen import naming

    cls = naming.class_name(rec.short_name)
    names = [rec.name, rec.short_name, cls]
    if rec.namespace:
        names.append(f"{rec.namespace}.{cls}")
    table = rec.table
    if table:
        names += [table, table.rpartition(".")[2]]
    return list(dict.fromkeys(names))


def find_record(types: Mapping[str, ir.Named], name: str) -> ir.Record:
    """The record ``name`` designates: its full or short schema name, the SQL table name
    (qualified or not), or the generated class name (short, or qualified by namespace or
    by the generated package, e.g. ``generated.example.sales.Transaction``)."""
    records = [t for t in types.values() if isinstance(t, ir.Record)]
    wanted = name.strip()
    for fold in (False, True):
        norm: Callable[[str], str] = str.lower if fold else str
        for candidate in _suffixes(wanted):
            hits = [r for r in records if norm(candidate) in map(norm, _record_names(r))]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise UsageError(f"--record {name!r} is ambiguous: "
                                 f"{', '.join(sorted(r.name for r in hits))}")
    known = ", ".join(sorted(r.name for r in records)[:30]) or "none"
    raise UsageError(f"no record {name!r} in the schemas (records: {known})")


def _suffixes(name: str) -> list[str]:
    """``a.b.C`` -> ``a.b.C``, ``b.C`` (a package prefix may be dropped); never the bare
    ``C``: a qualified name must match qualified (``wrong.ns.C`` is not ``right.ns.C``)."""
    parts = name.split(".")
    return [".".join(parts[i:]) for i in range(max(len(parts) - 1, 1))]


# --------------------------------------------------------------------------- emitters


@dataclass
class Column:
    name: str
    field: ir.Field
    sql: str  # the SQL type declared or cast to
    expr: str = ""  # view expression (views only)
    note: str = ""


class DdlEmitter:
    """Base class of the DDL emitters: one subclass per engine, the ``EMITTER`` of its
    dialect class (or set with :func:`register_emitter`)."""

    dialect: ClassVar[str] = ""

    def __init__(self, types: Mapping[str, ir.Named], record: ir.Record,
                 location: str | None = None, table: str | None = None,
                 dialect: sqlmap.SqlDialect | None = None) -> None:
        self.types = types
        self.record = record
        self.d = dialect if dialect is not None else sqlmap.dialect(self.dialect)
        default_table = record.table.rpartition(".")[2] or _snake(record.short_name)
        self.table = table or default_table
        self.location = location or self.table

    # ---------------------------------------------------------------- hooks

    def override(self, t: ir.Type) -> str | None:
        """Replace the SQL type of a node by what the engine reads from the files
        (default: the dialect's file column type facet, ``FILE_TYPES``)."""
        return self.d.file_override(t)

    def expression(self, f: ir.Field, col: str, sql: str) -> tuple[str, str]:
        """``(select expression, note)`` of a column in a view."""
        return f"CAST({col} AS {sql})", ""

    def statement(self, columns: list[Column]) -> str:
        raise NotImplementedError

    # ---------------------------------------------------------------- helpers

    def q(self, name: str) -> str:
        return self.d.quote_always(name)

    def qualified(self, name: str) -> str:
        return ".".join(self.q(p) for p in name.split("."))

    def lit(self, text: str) -> str:
        return self.d.string_literal(text)

    @staticmethod
    def comment(text: str) -> str:
        """Text safe for a ``--`` comment line (no line breaks or control characters)."""
        return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()

    def columns(self) -> list[Column]:
        """The record's columns with their declared types and notes: the SQL type's note,
        replaced by the reason of a ``FILE_TYPES`` entry that applies inside the column."""
        problems: list[str] = []
        out: list[Column] = []
        for f in self.record.fields:
            try:
                sql = self.d.to_sql(f.type, self.types, self.override, f.name)
            except sqlmap.SqlMappingError as exc:
                problems.append(str(exc).removeprefix(f"{self.d.name}: "))
                continue
            entry = self.d.to_sql_table.get(sqlmap.ir_key(f.type))
            note = entry.note if isinstance(entry, sqlmap.ToSql) else ""
            note = self.d.file_note(walk_types(f.type, self.types)) or note
            out.append(Column(f.name, f, sql, note=note))
        if problems:
            raise sqlmap.SqlMappingError(
                f"{self.d.name}: record {self.record.name} has columns with no {self.d.name} "
                "type:\n  " + "\n  ".join(problems)
            )
        return out

    def header(self) -> list[str]:
        lines = [
            f"-- Generated by schemagen {__version__}: {self.d.title} DDL for record "
            f"{self.comment(self.record.name)}",
            "-- over Parquet files written by schemagen.write / schemagen.ParquetWriter.",
        ]
        if self.record.location is not None:
            lines.append(f"-- Schema: {self.comment(str(self.record.location))}")
        m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*)://([^/]*)", self.location)
        if m is not None and m[1].lower() != "file":
            lines.append(
                f"-- Location {self.comment(self.location)}: on an object store schemagen's "
                "overwrite switches generations with _schemagen/manifest.json, which "
                f"{self.d.title} does not read: during an overwrite it sees the files of both "
                "generations until the old ones are deleted.")
            if self.d.name == "drill":
                lines.append(f"-- Drill reads it through a storage plugin whose connection is "
                             f"{self.comment(m[1].lower())}://{self.comment(m[2])} (for S3: "
                             "the 's3' plugin, connection s3a://BUCKET).")
        return lines

    def render(self) -> str:
        check_representable(self.types, self.record.name)
        cols = self.columns()
        notes = [f"-- {c.name}: {self.comment(c.note)}" for c in cols if c.note]
        body = self.statement(cols)
        return "\n".join([*self.header(), *notes, body]) + "\n"

    def column_list(self, cols: list[Column], field_sep: str = " ") -> str:
        lines = []
        for i, c in enumerate(cols):
            doc = f" COMMENT {self.lit(c.field.doc)}" if c.field.doc else ""
            comma = "," if i < len(cols) - 1 else ""
            lines.append(f"  {self.q(c.name)}{field_sep}{c.sql}{doc}{comma}")
        return "\n".join(lines)


class ExternalTableEmitter(DdlEmitter):
    """``CREATE EXTERNAL TABLE ... STORED AS PARQUET LOCATION ...`` (Spark, Hive)."""

    def statement(self, columns: list[Column]) -> str:
        out = [f"CREATE EXTERNAL TABLE IF NOT EXISTS {self.qualified(self.table)} (",
               self.column_list(columns), ")"]
        if self.record.doc:
            out.append(f"COMMENT {self.lit(self.record.doc)}")
        out += ["STORED AS PARQUET", f"LOCATION {self.lit(self.location)};"]
        return "\n".join(out)


def walk_types(t: ir.Type, types: Mapping[str, ir.Named],
               seen: frozenset[str] = frozenset()) -> list[ir.Type]:
    """Every (non-null) type node inside ``t``, ``t`` first (records followed once)."""
    inner, _ = ir.strip_nullable(t)
    out = [inner]
    match inner:
        case ir.List(item):
            out += walk_types(item, types, seen)
        case ir.Map(key, value):
            out += walk_types(key, types, seen) + walk_types(value, types, seen)
        case ir.Union_(members):
            for m in members:
                out += walk_types(m, types, seen)
        case ir.RecordRef(name):
            rec = types.get(name)
            if name not in seen and isinstance(rec, ir.Record):
                for f in rec.fields:
                    out += walk_types(f.type, types, seen | {name})
        case (ir.Nullable() | ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String()
              | ir.Bytes() | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
              | ir.Duration() | ir.Interval() | ir.Uuid() | ir.Json() | ir.EnumRef()):
            pass
        case _:
            assert_never(inner)
    return out


def register_emitter(cls: type[DdlEmitter]) -> None:
    """Make ``cls`` the DDL emitter of the registered dialect ``cls.dialect``."""
    sqlmap.dialect(cls.dialect).emitter = cls


def emitter_names() -> list[str]:
    """The registered dialects that have a DDL emitter."""
    return sorted(n for n in sqlmap.dialect_names() if sqlmap.dialect(n).emitter is not None)


def emit(types: Mapping[str, ir.Named], record: str, dialect: str,
         location: str | None = None, table: str | None = None) -> str:
    """DDL in ``dialect`` for querying files schemagen wrote for ``record``.

    ``record`` is anything :func:`find_record` accepts.  Raises
    :class:`~schemagen.sql.registry.SqlMappingError` listing every column the
    dialect has no type for.
    """
    d = sqlmap.dialect(dialect)
    cls = d.emitter
    if cls is None:
        raise UsageError(f"no DDL emitter for dialect {d.name!r} "
                         f"(DDL dialects: {', '.join(emitter_names())})")
    rec = find_record(types, record)
    if table is not None and not re.fullmatch(r"[^.]+(\.[^.]+)*", table):
        raise UsageError(f"--table {table!r}: expected NAME, SCHEMA.NAME or CATALOG.SCHEMA.NAME")
    return cls(types, rec, location, table, dialect=d).render()
