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

__all__ = ["HIVE_FILE_TYPES", "Hive", "HiveEmitter"]


class HiveEmitter(ExternalTableEmitter):
    dialect = "hive"


_LOCAL = ("Hive's TIMESTAMP is a local date-time, as these files hold it; Spark (with Hive "
          "support) reads a Hive TIMESTAMP column as an instant, shifted by its session time "
          "zone: in Spark use --dialect spark (TIMESTAMP_NTZ), which a Hive-enabled session "
          "runs too")

# what Hive reads from files written with engine="hive" (schemagen.typemap.engines), where
# its SQL types have nothing (declared as the stored form, as in Spark)
HIVE_FILE_TYPES = {
    "uuid": ToSql("BINARY", "uuids are 16 bytes (big-endian): engine='hive' writes them "
                            "without the UUID annotation; Hive has no UUID type"),
    "interval": ToSql("BINARY", "intervals are 12 bytes (months, days, milliseconds as "
                                "little-endian uint32): Hive has no INTERVAL column type"),
    "timestamp(ns, utc)": ToSql("TIMESTAMP", "engine='hive' writes nanosecond timestamps as "
                                             "TIMESTAMP(MICROS): Hive reads MILLIS and MICROS"),
    "timestamp(ns, local)": ToSql("TIMESTAMP", "engine='hive' writes nanosecond timestamps as "
                                               "TIMESTAMP(MICROS): Hive reads MILLIS and MICROS"),
}


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
        "timestamp(s, local)": ToSql("TIMESTAMP", f"stored as TIMESTAMP(MILLIS); {_LOCAL}"),
        "timestamp(ms, local)": ToSql("TIMESTAMP", _LOCAL),
        "timestamp(us, local)": ToSql("TIMESTAMP", _LOCAL),
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
    CHECKED_BY = ("the emitted CREATE EXTERNAL TABLE in a Hive-enabled Spark 4.3 session "
                  "over engine='hive'/'spark' files, SELECT values (tests/e2e/engines/"
                  "test_spark_ddl.py, test_partitioned.py: partitioned with MSCK REPAIR "
                  "TABLE); Hive itself does not run here")
    CHECKED = {
        **{k: "Spark+Hive: values" for k in ("int64", "string", "list", "record")},
        **{k: "Spark+Hive: values; a partition key" for k in ("boolean", "date", "enum")},
        "uint64": "a partition key (DECIMAL(20, 0)): values",
        "timestamp(us, local)": "Spark+Hive: values in a UTC session (shifted in others: "
                                "see the note)",
        "time(ms)": "Spark+Hive: INT + values",
        "timestamp(ns, utc)": "Spark+Hive: TIMESTAMP + values",
        "interval": "Spark+Hive: BINARY + values",
        "uuid": "Spark+Hive: BINARY + values",
    }
    FILE_TYPES = HIVE_FILE_TYPES
    EMITTER = HiveEmitter
    NOTES = (
        "Write the files with engine='hive': uuids without the UUID annotation, times of "
        "day as integers and nanosecond timestamps as microseconds, as Hive's and Spark's "
        "Parquet readers need.",
        "Hive 4 reads INT64 timestamps (MILLIS, MICROS); Hive 3 and earlier expect INT96.",
        "UNIONTYPE is not supported (and cannot be parsed).",
    )
