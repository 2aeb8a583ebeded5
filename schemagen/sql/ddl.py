"""DDL that lets SQL engines query a dataset schemagen wrote for a record.

Consumes only the IR and the type registry (:mod:`schemagen.sql.registry`).
The files follow DESIGN.md's Parquet layout (3-level lists, spec maps, unions
as structs of optional ``member0..N``, enums as strings), which every engine
below reads natively; where an engine reads a column of schemagen's files as
something other than the registry's SQL type, the emitter says so:

* ``duckdb``: ``CREATE OR REPLACE VIEW ... AS SELECT CAST(col AS type) ...
  FROM read_parquet(...)`` (+ ``COMMENT ON``); INTERVAL columns stay BLOB
  (the files lack the INTERVAL annotation).
* ``spark`` / ``hive``: ``CREATE EXTERNAL TABLE ... STORED AS PARQUET
  LOCATION ...``.
* ``trino``: a Hive connector table with ``external_location``; that
  connector has no ``TIMESTAMP WITH TIME ZONE``, ``UUID``, ``JSON`` or ``TIME``
  columns, so instants are declared ``TIMESTAMP(p)``, UUIDs ``VARBINARY``,
  JSON ``VARCHAR`` and times of day the integer the file stores.
* ``drill``: ``CREATE OR REPLACE VIEW`` over ``dfs.`location``` with casts:
  Drill reads Parquet converted types only, so times and local timestamps
  (which pyarrow writes without one) come in as integers and are converted
  with ``TO_TIME``/``TO_TIMESTAMP``; nested columns pass through (Drill cannot
  CAST to complex types).

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
from typing import ClassVar

from schemagen import __version__, ir
from schemagen.errors import UsageError
from schemagen.sql import registry as sqlmap
from schemagen.typemap.arrow import check_representable

__all__ = ["DdlEmitter", "emit", "emitter_names", "find_record", "register_emitter"]


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
    table = dict(rec.native).get("sql.table")
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


def _comment(text: str) -> str:
    """Text safe for a ``--`` comment line (no line breaks or control characters)."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()


class DdlEmitter:
    """Base class: one subclass per engine; register new ones with :func:`register_emitter`."""

    dialect: ClassVar[str] = ""

    def __init__(self, types: Mapping[str, ir.Named], record: ir.Record,
                 location: str | None = None, table: str | None = None) -> None:
        self.types = types
        self.record = record
        self.d = sqlmap.dialect(self.dialect)
        native = dict(record.native)
        default_table = native.get("sql.table", "").rpartition(".")[2] or _snake(record.short_name)
        self.table = table or default_table
        self.location = location or self.table

    # ---------------------------------------------------------------- hooks

    def override(self, t: ir.Type) -> str | None:
        """Replace the registry's SQL type of a node (what the engine reads from the files)."""
        return None

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

    def columns(self) -> list[Column]:
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
            f"{_comment(self.record.name)}",
            "-- over Parquet files written by schemagen.write / schemagen.ParquetWriter.",
        ]
        if self.record.location is not None:
            lines.append(f"-- Schema: {_comment(str(self.record.location))}")
        return lines

    def render(self) -> str:
        check_representable(self.types, self.record.name)
        cols = self.columns()
        notes = [f"-- {c.name}: {_comment(c.note)}" for c in cols if c.note]
        body = self.statement(cols)
        return "\n".join([*self.header(), *notes, body]) + "\n"

    def column_list(self, cols: list[Column], field_sep: str = " ") -> str:
        lines = []
        for i, c in enumerate(cols):
            doc = f" COMMENT {self.lit(c.field.doc)}" if c.field.doc else ""
            comma = "," if i < len(cols) - 1 else ""
            lines.append(f"  {self.q(c.name)}{field_sep}{c.sql}{doc}{comma}")
        return "\n".join(lines)


class DuckDBEmitter(DdlEmitter):
    dialect = "duckdb"

    def override(self, t: ir.Type) -> str | None:
        if isinstance(t, ir.Interval):
            return "BLOB"  # no INTERVAL annotation in the files
        return None

    def source(self) -> str:
        loc = self.location
        if not (loc.endswith(".parquet") or any(ch in loc for ch in "*?[")):
            loc = loc.rstrip("/") + "/*.parquet"
        return f"read_parquet({self.lit(loc)}, union_by_name = true)"

    def statement(self, columns: list[Column]) -> str:
        view = self.qualified(self.table)
        select = ",\n".join(f"  {self.expression(c.field, self.q(c.name), c.sql)[0]} AS "
                            f"{self.q(c.name)}" for c in columns)
        out = [f"CREATE OR REPLACE VIEW {view} AS\nSELECT\n{select}\nFROM {self.source()};"]
        if self.record.doc:
            out.append(f"COMMENT ON VIEW {view} IS {self.lit(self.record.doc)};")
        for c in columns:
            if c.field.doc:
                out.append(f"COMMENT ON COLUMN {view}.{self.q(c.name)} IS "
                           f"{self.lit(c.field.doc)};")
        return "\n".join(out)

    def columns(self) -> list[Column]:
        cols = super().columns()
        for c in cols:
            if _contains(c.field.type, self.types, ir.Interval):
                c.note = ("INTERVAL values are 12-byte BLOBs (months, days, milliseconds as "
                          "little-endian uint32): the files lack the INTERVAL annotation")
        return cols


class _ExternalTable(DdlEmitter):
    def statement(self, columns: list[Column]) -> str:
        out = [f"CREATE EXTERNAL TABLE IF NOT EXISTS {self.qualified(self.table)} (",
               self.column_list(columns), ")"]
        if self.record.doc:
            out.append(f"COMMENT {self.lit(self.record.doc)}")
        out += ["STORED AS PARQUET", f"LOCATION {self.lit(self.location)};"]
        return "\n".join(out)


class SparkEmitter(_ExternalTable):
    dialect = "spark"


class HiveEmitter(_ExternalTable):
    dialect = "hive"


class TrinoEmitter(DdlEmitter):
    """A table of Trino's Hive connector over the files (``external_location``)."""

    dialect = "trino"

    def override(self, t: ir.Type) -> str | None:
        if isinstance(t, ir.Timestamp) and t.utc:
            return f"TIMESTAMP({sqlmap.DIGITS[t.unit]})"
        if isinstance(t, ir.Uuid):
            return "VARBINARY"
        if isinstance(t, ir.Json):
            return "VARCHAR"
        if isinstance(t, ir.Time):
            return "INTEGER" if t.unit in ("s", "ms") else "BIGINT"
        return None

    def columns(self) -> list[Column]:
        cols = super().columns()
        for c in cols:
            nodes = _walk(c.field.type, self.types)
            if any(isinstance(t, ir.Timestamp) and t.utc for t in nodes):
                c.note = "UTC instants: the Hive connector has no TIMESTAMP WITH TIME ZONE"
            if any(isinstance(t, ir.Time) for t in nodes):
                c.note = ("times of day are the integer the file stores (milliseconds or "
                          "microseconds since midnight): the Hive connector has no TIME type")
        return cols

    def statement(self, columns: list[Column]) -> str:
        out = [f"CREATE TABLE IF NOT EXISTS {self.qualified(self.table)} (",
               self.column_list(columns), ")"]
        if self.record.doc:
            out.append(f"COMMENT {self.lit(self.record.doc)}")
        out += ["WITH (", "  format = 'PARQUET',",
                f"  external_location = {self.lit(self.location)}", ");"]
        units = {t.unit for c in columns for t in _walk(c.field.type, self.types)
                 if isinstance(t, ir.Timestamp)}
        if units:
            prec = {"s": "MILLISECONDS", "ms": "MILLISECONDS", "us": "MICROSECONDS",
                    "ns": "NANOSECONDS"}[max(units, key=list(ir.UNITS).index)]
            out.insert(0, f"-- timestamps: the Hive connector reads one precision; set "
                          f"hive.timestamp_precision = '{prec}' (catalog property "
                          "hive.timestamp-precision)")
        return "\n".join(out)


class DrillEmitter(DdlEmitter):
    """A Drill view over ``dfs.`location``` that casts what Drill reads to the SQL types."""

    dialect = "drill"

    def override(self, t: ir.Type) -> str | None:
        if isinstance(t, ir.Interval):
            return "VARBINARY"  # no INTERVAL annotation in the files
        return None

    def view_name(self) -> str:
        return self.qualified(self.table if "." in self.table else f"dfs.tmp.{self.table}")

    def expression(self, f: ir.Field, col: str, sql: str) -> tuple[str, str]:
        t, _ = ir.strip_nullable(f.type)
        if isinstance(t, (ir.List, ir.Map, ir.RecordRef, ir.Union_)):
            return col, ""  # Drill cannot CAST to complex types
        if isinstance(t, (ir.String, ir.Json, ir.EnumRef, ir.Bytes, ir.Fixed)):
            return col, ""  # read as VARCHAR / VARBINARY already
        if isinstance(t, ir.Interval):
            return col, ("INTERVAL is read as 12-byte VARBINARY: the files lack the INTERVAL "
                         "annotation")
        if isinstance(t, ir.Time):
            if t.unit in ("s", "ms"):
                return f"TO_TIME({col})", "TIME(MILLIS) has no converted type: Drill reads INTEGER"
            return (f"TO_TIME(CAST({col} / 1000 AS INTEGER))",
                    "TIME(MICROS) has no converted type: Drill reads BIGINT")
        if isinstance(t, ir.Timestamp) and not t.utc:
            div = "1000000.0" if t.unit == "us" else "1000.0"
            return (f"TO_TIMESTAMP({col} / {div})",
                    "local timestamps have no converted type: Drill reads BIGINT "
                    "(wall-clock values; run Drill in UTC)")
        return f"CAST({col} AS {sql})", ""

    def statement(self, columns: list[Column]) -> str:
        lines = []
        for i, c in enumerate(columns):
            col = f"t.{self.q(c.name)}"
            expr, note = self.expression(c.field, col, c.sql)
            c.note = note
            comma = "," if i < len(columns) - 1 else ""
            lines.append(f"  {expr} AS {self.q(c.name)}{comma}")
        loc = self.q(self.location)
        return (f"CREATE OR REPLACE VIEW {self.view_name()} AS\nSELECT\n" + "\n".join(lines)
                + f"\nFROM dfs.{loc} t;")

    def render(self) -> str:
        check_representable(self.types, self.record.name)
        cols = self.columns()
        body = self.statement(cols)  # fills the notes
        notes = [f"-- {c.name}: {_comment(c.note)}" for c in cols if c.note]
        docs = [f"-- {c.name}: {_comment(c.field.doc)}" for c in cols if c.field.doc]
        head = self.header()
        if self.record.doc:
            head.append(f"-- {_comment(self.record.doc)}")
        return "\n".join([*head, *docs, *notes, body]) + "\n"


def _walk(t: ir.Type, types: Mapping[str, ir.Named], seen: frozenset[str] = frozenset()
          ) -> list[ir.Type]:
    """Every type node inside ``t`` (records followed once)."""
    inner, _ = ir.strip_nullable(t)
    out = [inner]
    if isinstance(inner, ir.List):
        out += _walk(inner.item, types, seen)
    elif isinstance(inner, ir.Map):
        out += _walk(inner.key, types, seen) + _walk(inner.value, types, seen)
    elif isinstance(inner, ir.Union_):
        for m in inner.members:
            out += _walk(m, types, seen)
    elif isinstance(inner, ir.RecordRef) and inner.name not in seen:
        rec = types.get(inner.name)
        if isinstance(rec, ir.Record):
            for f in rec.fields:
                out += _walk(f.type, types, seen | {inner.name})
    return out


def _contains(t: ir.Type, types: Mapping[str, ir.Named], cls: type) -> bool:
    return any(isinstance(x, cls) for x in _walk(t, types))


_EMITTERS: dict[str, type[DdlEmitter]] = {
    e.dialect: e for e in (DrillEmitter, DuckDBEmitter, SparkEmitter, HiveEmitter, TrinoEmitter)
}


def register_emitter(cls: type[DdlEmitter]) -> None:
    """Add (or replace) the DDL emitter of ``cls.dialect`` (a registered SQL dialect)."""
    sqlmap.dialect(cls.dialect)
    _EMITTERS[cls.dialect] = cls


def emitter_names() -> list[str]:
    return sorted(_EMITTERS)


def emit(types: Mapping[str, ir.Named], record: str, dialect: str,
         location: str | None = None, table: str | None = None) -> str:
    """DDL in ``dialect`` for querying files schemagen wrote for ``record``.

    ``record`` is anything :func:`find_record` accepts.  Raises
    :class:`~schemagen.sql.registry.SqlMappingError` listing every column the
    dialect has no type for.
    """
    d = sqlmap.dialect(dialect)
    cls = _EMITTERS.get(d.name)
    if cls is None:
        raise UsageError(f"no DDL emitter for dialect {d.name!r} "
                         f"(DDL dialects: {', '.join(emitter_names())})")
    rec = find_record(types, record)
    if table is not None and not re.fullmatch(r"[^.]+(\.[^.]+)*", table):
        raise UsageError(f"--table {table!r}: expected NAME, SCHEMA.NAME or CATALOG.SCHEMA.NAME")
    return cls(types, rec, location, table).render()
