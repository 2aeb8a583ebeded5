"""Apache Hive: its types both ways (Spark's IR -> SQL table with Hive's differences),
and ``CREATE EXTERNAL TABLE ... STORED AS PARQUET`` over the files."""

from __future__ import annotations

from schemagen import ir
from schemagen.sql.ddl import ExternalTableEmitter
from schemagen.sql.dialects.spark import Spark
from schemagen.sql.registry import (
    LIST,
    MAP,
    STRUCT,
    FromSql,
    Gap,
    SqlDialect,
    ToSql,
    decimal_from_sql,
    times_as_int,
)

__all__ = ["Hive", "HiveEmitter"]


class HiveEmitter(ExternalTableEmitter):
    dialect = "hive"


class Hive(SqlDialect):
    name = "hive"
    title = "Apache Hive"
    sqlglot_dialect = "hive"
    reference = "https://cwiki.apache.org/confluence/display/Hive/LanguageManual+Types"
    default_decimal = (10, 0)
    FIELD = "{name}: {type}"
    TO_SQL = {
        **Spark.TO_SQL,
        "uint8": ToSql("SMALLINT", "Hive has no unsigned types: widened"),
        "uint16": ToSql("INT", "Hive has no unsigned types: widened"),
        "uint32": ToSql("BIGINT", "Hive has no unsigned types: widened"),
        "uint64": Gap("Hive has no unsigned types and no lossless type for UINT_64"),
        "float16": Gap("Hive has no half-precision float"),
        **times_as_int("Hive has no TIME type", "INT", "BIGINT"),
        "timestamp(s, utc)": ToSql("TIMESTAMP", "Hive's TIMESTAMP has no time zone: instants "
                                                "are shown in the session time zone"),
        "timestamp(ms, utc)": ToSql("TIMESTAMP", "Hive's TIMESTAMP has no time zone: instants "
                                                 "are shown in the session time zone"),
        "timestamp(us, utc)": ToSql("TIMESTAMP", "Hive's TIMESTAMP has no time zone: instants "
                                                 "are shown in the session time zone"),
        "timestamp(ns, utc)": Gap("Hive reads INT64 timestamps in MILLIS and MICROS only"),
        "timestamp(s, local)": ToSql("TIMESTAMP", "stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, local)": ToSql("TIMESTAMP"),
        "timestamp(us, local)": ToSql("TIMESTAMP"),
        "timestamp(ns, local)": Gap("Hive reads INT64 timestamps in MILLIS and MICROS only"),
        "interval": Gap("Hive has no INTERVAL column type"),
        "uuid": Gap("Hive has no UUID type"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8)),
        "SMALLINT": FromSql(ir.Int(16)),
        "INT": FromSql(ir.Int(32), note="also INTEGER"),
        "BIGINT": FromSql(ir.Int(64)),
        "FLOAT": FromSql(ir.Float(32)),
        "DOUBLE": FromSql(ir.Float(64), note="also DOUBLE PRECISION"),
        "DECIMAL": FromSql(decimal_from_sql, "DECIMAL(10, 2)", "also NUMERIC; default DECIMAL(10, 0)"),
        "STRING": FromSql(ir.String()),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "the length is not kept"),
        "BINARY": FromSql(ir.Bytes()),
        "DATE": FromSql(ir.Date()),
        "TIMESTAMP": FromSql(ir.Timestamp("us", utc=False), note="a local date-time"),
        "TIMESTAMPLTZ": Gap("TIMESTAMP WITH LOCAL TIME ZONE cannot be stored in Parquet tables"),
        "ARRAY": FromSql(LIST, "ARRAY<INT>"),
        "MAP": FromSql(MAP, "MAP<STRING, INT>"),
        "STRUCT": FromSql(STRUCT, "STRUCT<a: INT>"),
    }
    EMITTER = HiveEmitter
    NOTES = (
        "Hive 4 reads INT64 timestamps (MILLIS, MICROS); Hive 3 and earlier expect INT96.",
        "UNIONTYPE is not supported (and cannot be parsed).",
    )
