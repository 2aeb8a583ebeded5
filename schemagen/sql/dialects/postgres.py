"""PostgreSQL: its types both ways (``.sql`` schemas and the type tables); schemagen
writes no PostgreSQL DDL (PostgreSQL does not read Parquet files)."""

from __future__ import annotations

from schemagen import ir
from schemagen.sql.registry import (
    LIST,
    NULL_GAP,
    FromSql,
    Gap,
    SqlDialect,
    ToSql,
    decimal_from_sql,
    durations_as,
    time_from_sql,
    timestamp_from_sql,
)

__all__ = ["Postgres"]


class Postgres(SqlDialect):
    name = "postgres"
    title = "PostgreSQL"
    sqlglot_dialect = "postgres"
    reference = "https://www.postgresql.org/docs/current/datatype.html"
    max_decimal_precision = 1000
    default_decimal = None
    TO_SQL = {
        "null": NULL_GAP,
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("SMALLINT", "PostgreSQL has no 1-byte integer: widened"),
        "int16": ToSql("SMALLINT"),
        "int32": ToSql("INTEGER"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("SMALLINT", "widened"),
        "uint16": ToSql("INTEGER", "widened"),
        "uint32": ToSql("BIGINT", "widened"),
        "uint64": ToSql("NUMERIC(20, 0)", "widened"),
        "float16": ToSql("REAL", "widened"),
        "float32": ToSql("REAL"),
        "float64": ToSql("DOUBLE PRECISION"),
        "string": ToSql("TEXT"),
        "bytes": ToSql("BYTEA"),
        "fixed": ToSql("BYTEA", "the size is not part of the SQL type"),
        "decimal": ToSql("NUMERIC({precision}, {scale})"),
        "date": ToSql("DATE"),
        "time(s)": ToSql("TIME(0)"),
        "time(ms)": ToSql("TIME(3)"),
        "time(us)": ToSql("TIME"),
        "time(ns)": Gap("PostgreSQL times hold microseconds"),
        "timestamp(s, local)": ToSql("TIMESTAMP(0)"),
        "timestamp(ms, local)": ToSql("TIMESTAMP(3)"),
        "timestamp(us, local)": ToSql("TIMESTAMP"),
        "timestamp(ns, local)": Gap("PostgreSQL timestamps hold microseconds"),
        "timestamp(s, utc)": ToSql("TIMESTAMPTZ(0)"),
        "timestamp(ms, utc)": ToSql("TIMESTAMPTZ(3)"),
        "timestamp(us, utc)": ToSql("TIMESTAMPTZ"),
        "timestamp(ns, utc)": Gap("PostgreSQL timestamps hold microseconds"),
        **durations_as("BIGINT"),
        "interval": ToSql("INTERVAL", "PostgreSQL intervals have microseconds"),
        "uuid": ToSql("UUID"),
        "json": ToSql("JSONB"),
        "enum": ToSql("TEXT", "PostgreSQL enums are named types (CREATE TYPE)"),
        "list": ToSql("{item}[]"),
        "map": Gap("PostgreSQL has no map type (hstore holds text only; use JSONB)"),
        "record": Gap("PostgreSQL composite types are named (CREATE TYPE), not inline"),
        "union": Gap("PostgreSQL composite types are named (CREATE TYPE), not inline"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "SMALLINT": FromSql(ir.Int(16), note="also INT2"),
        "INTEGER": FromSql(ir.Int(32), note="also INT, INT4"),
        "BIGINT": FromSql(ir.Int(64), note="also INT8"),
        "SMALLSERIAL": FromSql(ir.Int(16)),
        "SERIAL": FromSql(ir.Int(32)),
        "BIGSERIAL": FromSql(ir.Int(64)),
        "SERIAL4": FromSql(ir.Int(32), note="alias of SERIAL"),
        "SERIAL8": FromSql(ir.Int(64), note="alias of BIGSERIAL"),
        "REAL": FromSql(ir.Float(32), note="also FLOAT4"),
        "DOUBLE PRECISION": FromSql(
            lambda d: ir.Float(32) if (d.param(0) or 53) <= 24 else ir.Float(64),
            "DOUBLE PRECISION", "also FLOAT8, FLOAT; FLOAT(p) with p <= 24 is REAL"),
        "NUMERIC": FromSql(decimal_from_sql, "NUMERIC(10, 2)",
                           "also DECIMAL; NUMERIC without a precision has no fixed type"),
        "TEXT": FromSql(ir.String()),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "the length is not kept"),
        "BPCHAR": FromSql(ir.String(), note="the length is not kept"),
        "BYTEA": FromSql(ir.Bytes()),
        "DATE": FromSql(ir.Date()),
        "TIME": FromSql(time_from_sql(6), "TIME(3)", "p digits: 0 -> s, 1-3 -> ms, 4-6 -> us"),
        "TIMETZ": Gap("time with time zone has no Parquet type"),
        "TIMESTAMP": FromSql(timestamp_from_sql(6, utc=False), "TIMESTAMP(3)"),
        "TIMESTAMPTZ": FromSql(timestamp_from_sql(6, utc=True), "TIMESTAMPTZ",
                               "also TIMESTAMP WITH TIME ZONE"),
        "INTERVAL": FromSql(ir.Interval()),
        "UUID": FromSql(ir.Uuid()),
        "JSON": FromSql(ir.Json()),
        "JSONB": FromSql(ir.Json()),
        "MONEY": Gap("use NUMERIC"),
        "ARRAY": FromSql(LIST, "INTEGER[]", "multi-dimensional arrays become nested lists"),
    }
