"""Apache Spark SQL: its types both ways, and a datasource table over the files
(``CREATE TABLE ... USING PARQUET LOCATION ...``, which a stock SparkSession runs: the
Hive form ``STORED AS PARQUET`` needs Hive support and is the ``hive`` dialect's)."""

from __future__ import annotations

from schemagen import ir
from schemagen.sql.ddl import Column, ExternalTableEmitter
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
    times_as_int,
)

__all__ = ["SPARK_FILE_TYPES", "Spark", "SparkEmitter"]


class SparkEmitter(ExternalTableEmitter):
    """``CREATE TABLE IF NOT EXISTS ... USING PARQUET [PARTITIONED BY (keys)] LOCATION ...``:
    a datasource table (``ALTER TABLE ... RECOVER PARTITIONS`` finds a partitioned
    dataset's folders: without it the table is empty)."""

    dialect = "spark"

    def header(self) -> list[str]:
        return [*super().header(),
                "-- Write the files with engine='spark' (schemagen.write(..., engine='spark')):"
                " Spark then reads every column."]

    def statement(self, columns: list[Column]) -> str:
        data, parts = self.split(columns)
        name = self.qualified(self.table)
        out = [f"CREATE TABLE IF NOT EXISTS {name} (", self.column_list(data + parts), ")",
               "USING PARQUET"]
        if parts:  # a datasource table's partition columns are the last of its schema
            out.append(f"PARTITIONED BY ({', '.join(self.q(c.name) for c in parts)})")
        if self.record.doc:
            out.append(f"COMMENT {self.lit(self.record.doc)}")
        out.append(f"LOCATION {self.lit(self.location)};")
        if parts:
            out.append(f"ALTER TABLE {name} RECOVER PARTITIONS;")
        return "\n".join(out)


# what Spark reads from files written with engine="spark" (schemagen.typemap.engines),
# where its SQL types have nothing (these columns are declared as the stored form)
SPARK_FILE_TYPES = {
    "uuid": ToSql("BINARY", "uuids are 16 bytes (big-endian): engine='spark' writes them "
                            "without the UUID annotation, which Spark refuses"),
    "interval": ToSql("BINARY", "intervals are 12 bytes (months, days, milliseconds as "
                                "little-endian uint32): Spark has no such type"),
    "timestamp(ns, utc)": ToSql("TIMESTAMP", "engine='spark' writes nanosecond timestamps as "
                                             "TIMESTAMP(MICROS): Spark refuses NANOS"),
    "timestamp(ns, local)": ToSql("TIMESTAMP_NTZ", "engine='spark' writes nanosecond "
                                                   "timestamps as TIMESTAMP(MICROS): Spark "
                                                   "refuses NANOS"),
}


class Spark(SqlDialect):
    name = "spark"
    title = "Apache Spark SQL"
    sqlglot_dialect = "spark"
    reference = "https://spark.apache.org/docs/latest/sql-ref-datatypes.html"
    default_decimal = (10, 0)
    FIELD = "{name}: {type}"
    TO_SQL = {
        "null": NULL_GAP,
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("TINYINT"),
        "int16": ToSql("SMALLINT"),
        "int32": ToSql("INT"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("SMALLINT", "Spark reads UINT_8 as SMALLINT"),
        "uint16": ToSql("INT", "Spark reads UINT_16 as INT"),
        "uint32": ToSql("BIGINT", "Spark reads UINT_32 as BIGINT"),
        "uint64": ToSql("DECIMAL(20, 0)", "Spark reads UINT_64 as DECIMAL(20, 0)"),
        "float16": Gap("Spark has no half-precision float"),
        "float32": ToSql("FLOAT"),
        "float64": ToSql("DOUBLE"),
        "string": ToSql("STRING"),
        "bytes": ToSql("BINARY"),
        "fixed": ToSql("BINARY", "the size is not part of the SQL type"),
        "decimal": ToSql("DECIMAL({precision}, {scale})"),
        "date": ToSql("DATE"),
        **times_as_int("Spark SQL has no TIME type", "INT", "BIGINT"),
        "timestamp(s, utc)": ToSql("TIMESTAMP", "stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, utc)": ToSql("TIMESTAMP"),
        "timestamp(us, utc)": ToSql("TIMESTAMP"),
        "timestamp(ns, utc)": Gap("Spark cannot read TIMESTAMP(NANOS) (only as BIGINT with "
                                  "spark.sql.legacy.parquet.nanosAsLong)"),
        "timestamp(s, local)": ToSql("TIMESTAMP_NTZ", "Spark 3.4+; stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, local)": ToSql("TIMESTAMP_NTZ", "Spark 3.4+"),
        "timestamp(us, local)": ToSql("TIMESTAMP_NTZ", "Spark 3.4+"),
        "timestamp(ns, local)": Gap("Spark cannot read TIMESTAMP(NANOS)"),
        **durations_as("BIGINT"),
        "interval": Gap("Spark cannot read Parquet INTERVAL (months, days, milliseconds)"),
        "uuid": Gap("Spark SQL has no UUID type"),
        "json": ToSql("STRING", "the JSON text"),
        "enum": ToSql("STRING", "the symbol"),
        "list": ToSql("ARRAY<{item}>"),
        "map": ToSql("MAP<{key}, {value}>"),
        "record": ToSql("STRUCT<{fields}>"),
        "union": ToSql("STRUCT<{fields}>", "schemagen's union layout: optional member0..N"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8), note="also BYTE"),
        "SMALLINT": FromSql(ir.Int(16), note="also SHORT"),
        "INT": FromSql(ir.Int(32), note="also INTEGER"),
        "BIGINT": FromSql(ir.Int(64), note="also LONG"),
        "FLOAT": FromSql(ir.Float(32), note="also REAL"),
        "DOUBLE": FromSql(ir.Float(64)),
        "DECIMAL": FromSql(decimal_from_sql, "DECIMAL(10, 2)", "also DEC, NUMERIC; default DECIMAL(10, 0)"),
        "STRING": FromSql(ir.String()),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "the length is not kept"),
        "BINARY": FromSql(ir.Bytes()),
        "DATE": FromSql(ir.Date()),
        "TIMESTAMP": FromSql(ir.Timestamp("us", utc=True), note="an instant"),
        "TIMESTAMP_LTZ": FromSql(ir.Timestamp("us", utc=True), note="alias of TIMESTAMP"),
        "TIMESTAMP_NTZ": FromSql(ir.Timestamp("us", utc=False)),
        "INTERVAL YEAR TO MONTH": Gap("Spark stores year-month intervals as INT32 months, which "
                                      "schemagen has no type for"),
        "INTERVAL DAY TO SECOND": Gap("Spark stores day-time intervals as INT64 microseconds, "
                                      "which schemagen has no type for"),
        "VARIANT": Gap("VARIANT has no schemagen type"),
        "ARRAY": FromSql(LIST, "ARRAY<INT>"),
        "MAP": FromSql(MAP, "MAP<STRING, INT>"),
        "STRUCT": FromSql(STRUCT, "STRUCT<a: INT>"),
    }
    FILE_TYPES = SPARK_FILE_TYPES
    EMITTER = SparkEmitter
