"""Apache Drill: Drill's Parquet type table both ways, and a view over ``dfs`` that
converts what Drill reads (Drill knows Parquet converted types only, so times and local
timestamps come in as integers; nested columns pass through: Drill cannot CAST to
complex types)."""

from __future__ import annotations

import re
from typing import assert_never

from schemagen import ir
from schemagen.sql.ddl import Column, DdlEmitter
from schemagen.sql.registry import (
    LIST,
    MAP,
    NULL_GAP,
    STRUCT,
    FromSql,
    Gap,
    SqlDialect,
    ToSql,
    decimal_from_sql,
    durations_as,
)
from schemagen.typemap.arrow import check_representable

__all__ = ["Drill", "DrillEmitter"]


class DrillEmitter(DdlEmitter):
    """A Drill view over ``dfs.`location``` that casts what Drill reads to the SQL types."""

    dialect = "drill"
    partitions = False  # Drill sees key=value folders as dir0, dir1 ... text

    def view_name(self) -> str:
        return self.qualified(self.table if "." in self.table else f"dfs.tmp.{self.table}")

    def expression(self, f: ir.Field, col: str, sql: str) -> tuple[str, str]:
        t, _ = ir.strip_nullable(f.type)
        match t:
            case ir.List() | ir.Map() | ir.RecordRef() | ir.Union_():
                return col, ""  # Drill cannot CAST to complex types
            case ir.String() | ir.Json() | ir.EnumRef() | ir.Bytes() | ir.Fixed():
                return col, ""  # read as VARCHAR / VARBINARY already
            case ir.Interval():
                return col, self.d.file_note([t])  # read as the stored 12-byte VARBINARY
            case ir.Time(unit):
                if unit in ("s", "ms"):
                    return (f"TO_TIME({col})",
                            "TIME(MILLIS) has no converted type: Drill reads INTEGER")
                return (f"TO_TIME(CAST({col} / 1000 AS INTEGER))",
                        "TIME(MICROS) has no converted type: Drill reads BIGINT")
            case ir.Timestamp(unit, False):
                div = "1000000.0" if unit == "us" else "1000.0"
                return (f"TO_TIMESTAMP({col} / {div})",
                        "local timestamps have no converted type: Drill reads BIGINT "
                        "(wall-clock values; run Drill in UTC)")
            case (ir.Timestamp() | ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.Decimal()
                  | ir.Date() | ir.Duration() | ir.Uuid() | ir.Nullable()):
                return f"CAST({col} AS {sql})", ""
            case _:
                assert_never(t)

    def statement(self, columns: list[Column]) -> str:
        lines = []
        for i, c in enumerate(columns):
            col = f"t.{self.q(c.name)}"
            expr, note = self.expression(c.field, col, c.sql)
            c.note = note
            comma = "," if i < len(columns) - 1 else ""
            lines.append(f"  {expr} AS {self.q(c.name)}{comma}")
        plugin, path = drill_source(self.location)
        return (f"CREATE OR REPLACE VIEW {self.view_name()} AS\nSELECT\n" + "\n".join(lines)
                + f"\nFROM {plugin}.{self.q(path)} t;")

    def render(self) -> str:
        check_representable(self.types, self.record.name)
        cols = self.columns()
        body = self.statement(cols)  # fills the notes
        notes = [f"-- {c.name}: {self.comment(c.note)}" for c in cols if c.note]
        docs = [f"-- {c.name}: {self.comment(c.field.doc)}" for c in cols if c.field.doc]
        head = self.header()
        if self.record.doc:
            head.append(f"-- {self.comment(self.record.doc)}")
        return "\n".join([*head, *docs, *notes, body]) + "\n"


def drill_source(location: str) -> tuple[str, str]:
    """(storage plugin, path in it) of a location: ``dfs`` and the path for a local path
    or ``file://`` URI; for ``s3://bucket/key`` (``s3a``, ``gs``, ``abfs``, ...) the plugin
    named after the scheme (``s3`` for S3), whose connection names the bucket, and
    ``/key``."""
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*)://([^/]*)(/.*)?$", location)
    if m is None:
        return "dfs", location
    scheme, path = m[1].lower(), m[3] or "/"
    if scheme == "file":
        return "dfs", path
    return ("s3" if scheme in ("s3", "s3a", "s3n") else re.sub(r"[^a-z0-9]", "", scheme)), path


class Drill(SqlDialect):
    """Apache Drill: the table in Drill's Parquet documentation, and what Drill reads."""

    name = "drill"
    title = "Apache Drill"
    sqlglot_dialect = "drill"
    reference = "https://drill.apache.org/docs/parquet-format/"
    CHECKED_BY = ("Drill does not run here: the DDL is parsed by sqlglot; the types follow Drill's documented type tables")
    TO_SQL = {
        "null": NULL_GAP,
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("INTEGER", "Drill reads INT_8 as INTEGER (no TINYINT in Drill SQL)"),
        "int16": ToSql("INTEGER", "Drill reads INT_16 as INTEGER (SMALLINT is not supported)"),
        "int32": ToSql("INTEGER"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("BIGINT", "Drill reads UINT_8 as UINT4, which SQL cannot name; "
                                 "the view casts it to BIGINT"),
        "uint16": ToSql("BIGINT", "Drill reads UINT_16 as UINT4; the view casts it to BIGINT"),
        "uint32": ToSql("BIGINT", "Drill reads UINT_32 as UINT4; the view casts it to BIGINT"),
        "uint64": Gap("Drill reads UINT_64 as UINT8, which has no SQL name and no lossless cast"),
        "float16": Gap("Drill cannot read Parquet FLOAT16 (it sees a 2-byte VARBINARY)"),
        "float32": ToSql("FLOAT"),
        "float64": ToSql("DOUBLE"),
        "string": ToSql("VARCHAR"),
        "bytes": ToSql("VARBINARY"),
        "fixed": ToSql("VARBINARY", "the size is not part of the SQL type"),
        "decimal": ToSql("DECIMAL({precision}, {scale})"),
        "date": ToSql("DATE"),
        "time(s)": ToSql("TIME", "stored as TIME(MILLIS)"),
        "time(ms)": ToSql("TIME", "pyarrow writes TIME(MILLIS) without the legacy TIME_MILLIS "
                                  "converted type, so Drill sees INTEGER; the view applies TO_TIME"),
        "time(us)": ToSql("TIME", "Drill TIME holds milliseconds: microseconds are truncated"),
        "time(ns)": Gap("Drill TIME holds milliseconds and Drill cannot read TIME(NANOS)"),
        "timestamp(s, utc)": ToSql("TIMESTAMP", "stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, utc)": ToSql("TIMESTAMP"),
        "timestamp(us, utc)": ToSql("TIMESTAMP", "Drill TIMESTAMP holds milliseconds"),
        "timestamp(ns, utc)": Gap("Drill cannot read TIMESTAMP(NANOS) (no converted type: "
                                  "it sees BIGINT) and its TIMESTAMP holds milliseconds"),
        "timestamp(s, local)": ToSql("TIMESTAMP", "local timestamps have no converted type: Drill "
                                                  "sees BIGINT; the view applies TO_TIMESTAMP"),
        "timestamp(ms, local)": ToSql("TIMESTAMP", "local timestamps have no converted type: Drill "
                                                   "sees BIGINT; the view applies TO_TIMESTAMP"),
        "timestamp(us, local)": ToSql("TIMESTAMP", "Drill sees BIGINT; the view applies "
                                                   "TO_TIMESTAMP (milliseconds kept)"),
        "timestamp(ns, local)": Gap("Drill cannot read TIMESTAMP(NANOS) and its TIMESTAMP holds "
                                    "milliseconds"),
        **durations_as("BIGINT"),
        "interval": ToSql("INTERVAL", "Drill reads annotated INTERVAL columns as INTERVAL, but "
                                      "schemagen's files lack the annotation: Drill sees "
                                      "VARBINARY"),
        "uuid": Gap("Drill has no UUID type"),
        "json": ToSql("VARCHAR", "the JSON text"),
        "enum": ToSql("VARCHAR", "the symbol"),
        "list": ToSql("ARRAY<{item}>"),
        "map": ToSql("MAP<{key}, {value}>", "Drill 1.17+ reads Parquet MAP as DICT"),
        "record": ToSql("STRUCT<{fields}>", "Drill's STRUCT (formerly MAP)"),
        "union": ToSql("STRUCT<{fields}>", "schemagen's union layout: optional member0..N"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8), note="not a Drill SQL type; accepted"),
        "SMALLINT": FromSql(ir.Int(16), note="not supported by Drill SQL; accepted"),
        "INTEGER": FromSql(ir.Int(32)),
        "BIGINT": FromSql(ir.Int(64)),
        "FLOAT": FromSql(ir.Float(32)),
        "REAL": FromSql(ir.Float(32)),
        "DOUBLE": FromSql(ir.Float(64)),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "Drill stores CHAR as VARCHAR"),
        "VARBINARY": FromSql(ir.Bytes()),
        "BINARY": FromSql(ir.Bytes()),
        "DECIMAL": FromSql(decimal_from_sql, "DECIMAL(10, 2)", "default DECIMAL(38, 0)"),
        "DATE": FromSql(ir.Date()),
        "TIME": FromSql(ir.Time("ms")),
        "TIMESTAMP": FromSql(ir.Timestamp("ms", utc=True), note=(
            "TIMESTAMP_MILLIS, which Parquet defines as adjusted to UTC (Python: aware datetime)")),
        "INTERVAL": FromSql(ir.Interval()),
        "INTERVALDAY": FromSql(ir.Interval(), note="Drill's internal day-time interval"),
        "INTERVALYEAR": FromSql(ir.Interval(), note="Drill's internal year-month interval"),
        "ARRAY": FromSql(LIST, "ARRAY<INTEGER>"),
        "MAP": FromSql(MAP, "MAP<VARCHAR, INTEGER>"),
        "STRUCT": FromSql(STRUCT, "STRUCT<a INTEGER>"),
    }
    FILE_TYPES = {
        "interval": ToSql("VARBINARY", "INTERVAL is read as 12-byte VARBINARY: the files lack "
                                       "the INTERVAL annotation"),
    }
    EMITTER = DrillEmitter
    PARQUET_READS = (
        ("BOOLEAN", "BOOLEAN"),
        ("INT32", "INTEGER"),
        ("INT32 (INT_8, INT_16, INT_32)", "INTEGER"),
        ("INT32 (UINT_8, UINT_16, UINT_32)", "UINT4 (no SQL name: CAST to BIGINT)"),
        ("INT64", "BIGINT"),
        ("INT64 (INT_64)", "BIGINT"),
        ("INT64 (UINT_64)", "UINT8 (no SQL name)"),
        ("INT96", "VARBINARY(12); TIMESTAMP with store.parquet.reader.int96_as_timestamp, "
                  "or CONVERT_FROM(col, 'TIMESTAMP_IMPALA')"),
        ("FLOAT", "FLOAT"),
        ("DOUBLE", "DOUBLE"),
        ("BYTE_ARRAY", "VARBINARY"),
        ("BYTE_ARRAY (UTF8, ENUM)", "VARCHAR"),
        ("FIXED_LEN_BYTE_ARRAY", "VARBINARY"),
        ("FIXED_LEN_BYTE_ARRAY(12) (INTERVAL)", "INTERVAL"),
        ("INT32 / INT64 / FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY (DECIMAL)", "DECIMAL (VARDECIMAL)"),
        ("INT32 (DATE)", "DATE"),
        ("INT32 (TIME_MILLIS)", "TIME"),
        ("INT64 (TIME_MICROS)", "TIME"),
        ("INT64 (TIMESTAMP_MILLIS, TIMESTAMP_MICROS)", "TIMESTAMP"),
        ("annotations without a legacy converted type (local TIME/TIMESTAMP, NANOS, UUID, "
         "FLOAT16)", "the physical type (INTEGER, BIGINT, VARBINARY)"),
    )
    NOTES = (
        "Drill reads Parquet *converted types* (the legacy annotations) only. pyarrow writes "
        "them for UTC timestamps in ms/us but not for local timestamps or times, which Drill "
        "therefore sees as integers: `schemagen sql --dialect drill` emits a view that "
        "converts them (TO_TIME, TO_TIMESTAMP).",
        "`SMALLINT` and `TINYINT` are accepted in `.sql` schemas but Drill itself reads 8- and "
        "16-bit Parquet integers as INTEGER.",
    )
