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

Hive-partitioned datasets (``DatasetWriter(..., partition_by=[...])``, ``key=value``
folders): the partition columns are not in the files, so each emitter declares them as
partition keys with their SQL types, plus the engine's partition discovery.  The
partition columns come from ``partition_by=`` (``sql --partition-by``) or, when the
location is a local dataset folder, from its own footer (``schemagen.partition_by`` of
the first data file found, :func:`dataset_partitioning`).

Schema text (names, docs, locations) only ever reaches the DDL as quoted
identifiers or string literals (escaped by sqlglot for the dialect); ``--``
comments never contain a line break.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, assert_never

from schemagen import __version__, ir
from schemagen.errors import UsageError, shorten
from schemagen.sql import registry as sqlmap
from schemagen.typemap.arrow import check_representable
from schemagen.typemap.parquet import PARTITION_KEY

__all__ = ["Column", "DdlEmitter", "ExternalTableEmitter", "dataset_partitioning", "emit",
           "emitter_names", "find_record", "register_emitter", "walk_types"]


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


# --------------------------------------------------------------------------- datasets

_MAX_SCAN = 10_000  # directory entries looked at while searching a dataset for a data file
_PARTITION_TYPES = (ir.Bool, ir.Int, ir.String, ir.Date, ir.EnumRef)


def _local_folder(location: str) -> Path | None:
    """The local folder ``location`` names, or ``None`` (a URI, a file, nothing there)."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", location):
        if not location.lower().startswith("file://"):
            return None
        location = location[len("file://"):]
    path = Path(location)
    return path if path.is_dir() else None


def _first_data_file(folder: Path) -> Path | None:
    """The first ``*.parquet`` file under ``folder`` (sorted, depth first), skipping the
    entries readers skip (names starting with ``_`` or ``.``) and symlinks."""
    seen = 0
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > _MAX_SCAN:
                return None
            if entry.name.startswith(("_", ".")) or entry.is_symlink():
                continue
            if entry.is_file() and entry.name.endswith(".parquet"):
                return Path(entry.path)
            if entry.is_dir():
                stack.append(Path(entry.path))
    return None


def dataset_partitioning(location: str) -> tuple[tuple[str, ...], Path] | None:
    """``(partition columns, file)`` from the footer (``schemagen.partition_by``) of the
    first data file of the local dataset folder ``location``; ``None`` when ``location``
    is no local folder or holds no data file.  A footer without the key: ``()``."""
    folder = _local_folder(location)
    if folder is None:
        return None
    file = _first_data_file(folder)
    if file is None:
        return None
    from schemagen._pyarrow import pq

    try:
        meta = pq.read_schema(file).metadata or {}
    except (OSError, ValueError) as exc:
        raise UsageError(f"{file}: cannot read its Parquet footer ({exc})") from None
    raw = meta.get(PARTITION_KEY)
    if raw is None:
        return (), file
    try:
        names = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise UsageError(f"{file}: footer key {PARTITION_KEY.decode()} is "
                         f"{shorten(raw)}; expected a JSON list of field names")
    return tuple(names), file


def check_partitions(record: ir.Record, names: Sequence[str], where: str) -> tuple[str, ...]:
    """``names`` when each is a distinct top-level field of ``record`` of a type Hive
    folders hold (bool, integer, string, date, enum); a UsageError naming ``where``."""
    fields = {f.name: f for f in record.fields}
    out: list[str] = []
    for name in names:
        f = fields.get(name)
        if f is None:
            raise UsageError(f"{where}: partition column {shorten(name)} is no top-level "
                             f"field of record {record.name} (fields: "
                             f"{', '.join(fields) or 'none'})")
        if name in out:
            raise UsageError(f"{where}: partition column {name!r} is given twice")
        inner, _ = ir.strip_nullable(f.type)
        if not isinstance(inner, _PARTITION_TYPES):
            raise UsageError(f"{where}: partition column {name!r} is {sqlmap.ir_name(inner)}; "
                             "a partition key is a boolean, integer, string, date or enum")
        out.append(name)
    if out and len(out) == len(record.fields):
        raise UsageError(f"{where}: every field of record {record.name} is a partition column")
    return tuple(out)


def _partitions(record: ir.Record, location: str | None,
                partition_by: Sequence[str] | None) -> tuple[str, ...]:
    """The partition columns: given, or read from the dataset's footer (both: the same)."""
    given = None if partition_by is None else check_partitions(
        record, partition_by, "--partition-by")
    found = dataset_partitioning(location) if location is not None else None
    if found is None:
        return given or ()
    names, file = found
    from_footer = check_partitions(record, names, f"{file}: footer key "
                                                  f"{PARTITION_KEY.decode()}")
    if given is not None and given != from_footer:
        raise UsageError(f"--partition-by {','.join(given) or '(none)'} differs from the "
                         f"dataset's own partition columns {','.join(from_footer) or '(none)'} "
                         f"({file})")
    return from_footer


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
    partitions: ClassVar[bool] = True  # emits DDL for Hive-partitioned datasets
    discovers: ClassVar[bool] = True  # ... ending in a partition discovery statement

    def __init__(self, types: Mapping[str, ir.Named], record: ir.Record,
                 location: str | None = None, table: str | None = None,
                 dialect: sqlmap.SqlDialect | None = None,
                 partition_by: Sequence[str] = ()) -> None:
        self.types = types
        self.record = record
        self.d = dialect if dialect is not None else sqlmap.dialect(self.dialect)
        default_table = record.table.rpartition(".")[2] or _snake(record.short_name)
        self.table = table or default_table
        self.location = location or self.table
        # the Hive partition columns (top-level field names, folder order)
        self.partition_by = tuple(check_partitions(record, partition_by, "partition_by"))

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

    def schema(self) -> str:
        """``--format schema``: a schema of the record for the engine's reader API."""
        raise UsageError(f"--format schema is Spark's StructType (--dialect spark); "
                         f"{self.d.title} has none")

    def partition_type(self, f: ir.Field) -> str:
        """The SQL type of a partition key: its column type, except that a uint64 key is
        DECIMAL(20, 0) where the dialect has no lossless column type for it (the value is
        the folder name's text, which every engine parses as a decimal)."""
        try:
            return self.d.to_sql(f.type, self.types, self.override, f.name)
        except sqlmap.SqlMappingError:
            if ir.strip_nullable(f.type)[0] == ir.Int(64, signed=False):
                return "DECIMAL(20, 0)"
            raise

    # ---------------------------------------------------------------- helpers

    def split(self, columns: list[Column]) -> tuple[list[Column], list[Column]]:
        """``(data columns, partition columns)``: the partition columns in folder order."""
        by_name = {c.name: c for c in columns}
        parts = [by_name[n] for n in self.partition_by]
        return [c for c in columns if c.name not in self.partition_by], parts

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
                sql = (self.partition_type(f) if f.name in self.partition_by
                       else self.d.to_sql(f.type, self.types, self.override, f.name))
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
        return "\n".join([*self.header(), *self.partition_note(), *notes, body]) + "\n"

    def partition_note(self) -> list[str]:
        if not self.partition_by:
            return []
        again = (": partition folders added later are seen once the last statement runs "
                 "again" if self.discovers else "")
        return [f"-- Hive-partitioned by {', '.join(self.partition_by)} (key=value folders, "
                f"a null key is __HIVE_DEFAULT_PARTITION__){again}."]

    def column_list(self, cols: list[Column], field_sep: str = " ") -> str:
        lines = []
        for i, c in enumerate(cols):
            doc = f" COMMENT {self.lit(c.field.doc)}" if c.field.doc else ""
            comma = "," if i < len(cols) - 1 else ""
            lines.append(f"  {self.q(c.name)}{field_sep}{c.sql}{doc}{comma}")
        return "\n".join(lines)


class ExternalTableEmitter(DdlEmitter):
    """``CREATE EXTERNAL TABLE ... [PARTITIONED BY (key TYPE, ...)] STORED AS PARQUET
    LOCATION ...`` (Hive), then ``MSCK REPAIR TABLE`` for a partitioned dataset."""

    def statement(self, columns: list[Column]) -> str:
        data, parts = self.split(columns)
        name = self.qualified(self.table)
        out = [f"CREATE EXTERNAL TABLE IF NOT EXISTS {name} (", self.column_list(data), ")"]
        if self.record.doc:
            out.append(f"COMMENT {self.lit(self.record.doc)}")
        if parts:
            out += ["PARTITIONED BY (", self.column_list(parts), ")"]
        out += ["STORED AS PARQUET", f"LOCATION {self.lit(self.location)};"]
        if parts:
            out.append(f"MSCK REPAIR TABLE {name};")
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
         location: str | None = None, table: str | None = None,
         partition_by: Sequence[str] | None = None, form: str = "ddl") -> str:
    """DDL in ``dialect`` for querying files schemagen wrote for ``record``.

    ``record`` is anything :func:`find_record` accepts.  ``partition_by`` names the
    Hive partition columns of the dataset; when ``location`` is a local dataset folder
    they are read from its footer (and must equal ``partition_by`` if both are given).
    Raises :class:`~schemagen.sql.registry.SqlMappingError` listing every column the
    dialect has no type for.  ``form="schema"``: the record as the engine's reader
    schema instead (Spark: the ``StructType`` JSON with ``parquet.field.id`` metadata).
    """
    d = sqlmap.dialect(dialect)
    cls = d.emitter
    if cls is None:
        raise UsageError(f"no DDL emitter for dialect {d.name!r} "
                         f"(DDL dialects: {', '.join(emitter_names())})")
    rec = find_record(types, record)
    if table is not None and not re.fullmatch(r"[^.]+(\.[^.]+)*", table):
        raise UsageError(f"--table {table!r}: expected NAME, SCHEMA.NAME or CATALOG.SCHEMA.NAME")
    parts = _partitions(rec, location, partition_by)
    if parts and not cls.partitions:
        able = [n for n in emitter_names()
                if getattr(sqlmap.dialect(n).emitter, "partitions", False)]
        raise UsageError(f"{d.title} DDL for Hive-partitioned datasets is not supported "
                         f"(partition columns {', '.join(parts)}); dialects that have it: "
                         f"{', '.join(able)}")
    emitter = cls(types, rec, location, table, dialect=d, partition_by=parts)
    return emitter.schema() if form == "schema" else emitter.render()
