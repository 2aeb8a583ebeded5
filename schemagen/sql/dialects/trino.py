"""Trino: its types both ways, and a table of the Hive connector over the files
(``external_location``); that connector has no TIMESTAMP WITH TIME ZONE, UUID, JSON or
TIME columns, so its file column types differ from the SQL types."""

from __future__ import annotations

from schemagen import ir
from schemagen.sql.ddl import Column, DdlEmitter, walk_types
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
    time_from_sql,
    timestamp_from_sql,
)

__all__ = ["Trino", "TrinoEmitter"]


class TrinoEmitter(DdlEmitter):
    """A table of Trino's Hive connector over the files (``external_location``)."""

    dialect = "trino"

    def statement(self, columns: list[Column]) -> str:
        data, parts = self.split(columns)
        out = [f"CREATE TABLE IF NOT EXISTS {self.qualified(self.table)} (",
               self.column_list(data + parts), ")"]  # partition keys last, as Hive's
        if self.record.doc:
            out.append(f"COMMENT {self.lit(self.record.doc)}")
        out += ["WITH (", "  format = 'PARQUET',",
                f"  external_location = {self.lit(self.location)}"]
        if parts:
            out[-1] += ","
            keys = ", ".join(self.lit(c.name) for c in parts)
            out.append(f"  partitioned_by = ARRAY[{keys}]")
        out.append(");")
        if parts:
            out += self.sync_partitions()
        units = {t.unit for c in columns for t in walk_types(c.field.type, self.types)
                 if isinstance(t, ir.Timestamp)}
        if units:
            prec = {"s": "MILLISECONDS", "ms": "MILLISECONDS", "us": "MICROSECONDS",
                    "ns": "NANOSECONDS"}[max(units, key=ir.unit_rank)]
            out.insert(0, f"-- timestamps: the Hive connector reads one precision; set "
                          f"hive.timestamp_precision = '{prec}' (catalog property "
                          "hive.timestamp-precision)")
        return "\n".join(out)


    def sync_partitions(self) -> list[str]:
        """``CALL system.sync_partition_metadata(schema, table, 'ADD')``: the Hive connector
        registers the partition folders (the schema is the table's, or the session's)."""
        parts = self.table.split(".")
        proc = f"{self.q(parts[0])}.system" if len(parts) == 3 else "system"
        table = self.lit(parts[-1])
        if len(parts) == 1:
            return [f"CALL {proc}.sync_partition_metadata(CURRENT_SCHEMA, {table}, 'ADD');"]
        return [f"CALL {proc}.sync_partition_metadata({self.lit(parts[-2])}, {table}, 'ADD');"]


class Trino(SqlDialect):
    name = "trino"
    title = "Trino"
    sqlglot_dialect = "trino"
    reference = "https://trino.io/docs/current/language/types.html"
    CHECKED_BY = ("Trino does not run here: the DDL is parsed by sqlglot; the types follow Trino's documented type tables")
    TO_SQL = {
        "null": NULL_GAP,
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("TINYINT"),
        "int16": ToSql("SMALLINT"),
        "int32": ToSql("INTEGER"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("SMALLINT", "Trino has no unsigned types: widened"),
        "uint16": ToSql("INTEGER", "Trino has no unsigned types: widened"),
        "uint32": ToSql("BIGINT", "Trino has no unsigned types: widened"),
        "uint64": Gap("Trino has no unsigned types and no lossless type for UINT_64"),
        "float16": Gap("Trino has no half-precision float"),
        "float32": ToSql("REAL"),
        "float64": ToSql("DOUBLE"),
        "string": ToSql("VARCHAR"),
        "bytes": ToSql("VARBINARY"),
        "fixed": ToSql("VARBINARY", "the size is not part of the SQL type"),
        "decimal": ToSql("DECIMAL({precision}, {scale})"),
        "date": ToSql("DATE"),
        **{f"time({u})": ToSql(f"TIME({ir.unit_digits(u)})", "Hive connector tables declare the stored integer")
           for u in ir.UNITS},
        **{f"timestamp({u}, local)": ToSql(f"TIMESTAMP({ir.unit_digits(u)})") for u in ir.UNITS},
        **{f"timestamp({u}, utc)": ToSql(f"TIMESTAMP({ir.unit_digits(u)}) WITH TIME ZONE",
                                         "Hive connector tables declare it TIMESTAMP(p)")
           for u in ir.UNITS},
        **durations_as("BIGINT"),
        "interval": Gap("Trino intervals are either DAY TO SECOND or YEAR TO MONTH, never "
                        "months, days and milliseconds together"),
        "uuid": ToSql("UUID", "Hive connector tables declare it VARBINARY"),
        "json": ToSql("JSON", "Hive connector tables declare it VARCHAR"),
        "enum": ToSql("VARCHAR", "the symbol"),
        "list": ToSql("ARRAY({item})"),
        "map": ToSql("MAP({key}, {value})"),
        "record": ToSql("ROW({fields})"),
        "union": ToSql("ROW({fields})", "schemagen's union layout: optional member0..N"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8)),
        "SMALLINT": FromSql(ir.Int(16)),
        "INTEGER": FromSql(ir.Int(32), note="also INT"),
        "BIGINT": FromSql(ir.Int(64)),
        "REAL": FromSql(ir.Float(32)),
        "DOUBLE": FromSql(ir.Float(64)),
        "DECIMAL": FromSql(decimal_from_sql, "DECIMAL(10, 2)", "default DECIMAL(38, 0)"),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "the length is not kept"),
        "VARBINARY": FromSql(ir.Bytes()),
        "DATE": FromSql(ir.Date()),
        "TIME": FromSql(time_from_sql(3), "TIME(6)", "p digits: 0 -> s, 1-3 -> ms, 4-6 -> us, 7-9 -> ns"),
        "TIMETZ": Gap("time with time zone has no Parquet type"),
        "TIMESTAMP": FromSql(timestamp_from_sql(3, utc=False), "TIMESTAMP(6)", "default TIMESTAMP(3)"),
        "TIMESTAMP WITH TIME ZONE": FromSql(timestamp_from_sql(3, utc=True),
                                            "TIMESTAMP(6) WITH TIME ZONE", "an instant"),
        "INTERVAL YEAR TO MONTH": Gap("no schemagen type holds only months"),
        "INTERVAL DAY TO SECOND": Gap("no schemagen type for Trino's day-time interval"),
        "UUID": FromSql(ir.Uuid()),
        "JSON": FromSql(ir.Json()),
        "ARRAY": FromSql(LIST, "ARRAY(INTEGER)"),
        "MAP": FromSql(MAP, "MAP(VARCHAR, INTEGER)"),
        "ROW": FromSql(STRUCT, "ROW(a INTEGER)"),
    }
    # DDL targets the Hive connector, whose tables have no TIMESTAMP WITH TIME ZONE, UUID,
    # JSON or TIME columns: those columns are declared as what the connector reads
    # (entries in table order: a later note wins for a column holding several)
    FILE_TYPES = {
        **{f"timestamp({u}, utc)": ToSql(f"TIMESTAMP({ir.unit_digits(u)})",
                                         "UTC instants: the Hive connector has no TIMESTAMP "
                                         "WITH TIME ZONE")
           for u in ir.UNITS},
        "uuid": ToSql("VARBINARY"),  # the column note is TO_SQL's
        "json": ToSql("VARCHAR"),  # the column note is TO_SQL's
        **{f"time({u})": ToSql("INTEGER" if u in ("s", "ms") else "BIGINT",
                               "times of day are the integer the file stores (milliseconds or "
                               "microseconds since midnight): the Hive connector has no TIME "
                               "type")
           for u in ir.UNITS},
    }
    EMITTER = TrinoEmitter
    NOTES = (
        "DDL targets the Hive connector, which has no TIMESTAMP WITH TIME ZONE, UUID, JSON or "
        "TIME column types: `schemagen sql --dialect trino` declares those columns "
        "TIMESTAMP(p), VARBINARY, VARCHAR and INTEGER/BIGINT (the stored time of day).",
    )
