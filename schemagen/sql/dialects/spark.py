"""Apache Spark SQL: its types both ways, and a datasource table over the files
(``CREATE TABLE ... USING PARQUET LOCATION ...``, which a stock SparkSession runs: the
Hive form ``STORED AS PARQUET`` needs Hive support and is the ``hive`` dialect's)."""

from __future__ import annotations

import json
import re
from typing import Any, assert_never

from schemagen import ir
from schemagen.sql.ddl import Column, ExternalTableEmitter
from schemagen.sql.parquet import UNIT_WORDS
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
    times_as_int,
)
from schemagen.typemap.arrow import check_representable

__all__ = ["SPARK_FILE_TYPES", "Spark", "SparkEmitter", "SparkSchema"]


class SparkEmitter(ExternalTableEmitter):
    """``CREATE TABLE IF NOT EXISTS ... USING PARQUET [PARTITIONED BY (keys)] LOCATION ...``:
    a datasource table (``ALTER TABLE ... RECOVER PARTITIONS`` finds a partitioned
    dataset's folders: without it the table is empty)."""

    dialect = "spark"

    def header(self) -> list[str]:
        return [*super().header(),
                "-- Write the files with engine='spark' (schemagen.write(..., engine='spark')):"
                " Spark then reads every column."]

    def schema(self) -> str:
        """``--format schema``: the StructType JSON, with ``parquet.field.id`` metadata."""
        check_representable(self.types, self.record.name)
        return SparkSchema(self).render(self.columns())

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


_TIME_NOTE = ("Spark 4.1+ with spark.sql.timeType.enabled=true (without it Spark refuses TIME: "
              "[UNSUPPORTED_TIME_TYPE])")

# Spark's JSON names of the SQL types the DDL declares (DataType.json / typeName)
_JSON_NAMES = {"BOOLEAN": "boolean", "TINYINT": "byte", "SMALLINT": "short", "INT": "integer",
               "BIGINT": "long", "FLOAT": "float", "DOUBLE": "double", "STRING": "string",
               "BINARY": "binary", "DATE": "date", "TIMESTAMP": "timestamp",
               "TIMESTAMP_NTZ": "timestamp_ntz"}


class SparkSchema:
    """A record as Spark's ``StructType`` JSON (``DataType.fromJson``), each field with its
    id as ``parquet.field.id`` metadata, leaves typed as the DDL declares them."""

    def __init__(self, emitter: SparkEmitter) -> None:
        self.e = emitter

    def field(self, name: str, t: ir.Type, field_id: int | None, path: str) -> dict[str, Any]:
        meta: dict[str, Any] = {} if field_id is None else {"parquet.field.id": field_id}
        return {"name": name, "type": self.type(t, path),
                "nullable": isinstance(t, ir.Nullable), "metadata": meta}

    def type(self, t: ir.Type, path: str) -> Any:
        inner, _ = ir.strip_nullable(t)
        match inner:
            case ir.List(item):
                return {"type": "array", "elementType": self.type(item, f"{path}.element"),
                        "containsNull": isinstance(item, ir.Nullable)}
            case ir.Map(key, value):
                return {"type": "map", "keyType": self.type(key, f"{path}.key"),
                        "valueType": self.type(value, f"{path}.value"),
                        "valueContainsNull": isinstance(value, ir.Nullable)}
            case ir.RecordRef(name):
                rec = self.e.types.get(name)
                assert isinstance(rec, ir.Record)  # checked by the DDL's own columns
                return {"type": "struct", "fields": [
                    self.field(f.name, f.type, f.field_id, f"{path}.{f.name}")
                    for f in rec.fields]}
            case ir.Union_(members):
                return {"type": "struct", "fields": [
                    self.field(f"member{i}", ir.Nullable(m), None, f"{path}.member{i}")
                    for i, m in enumerate(members)]}
            case (ir.Nullable() | ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String()
                  | ir.Bytes() | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time()
                  | ir.Timestamp() | ir.Duration() | ir.Interval() | ir.Uuid() | ir.Json()
                  | ir.EnumRef()):
                return self.leaf(inner, path)
            case _:
                assert_never(inner)

    def leaf(self, t: ir.Type, path: str) -> str:
        sql = self.e.d.to_sql(t, self.e.types, self.e.override, path)
        m = re.fullmatch(r"DECIMAL\((\d+), (\d+)\)", sql)
        if m is not None:
            return f"decimal({m[1]},{m[2]})"
        m = re.fullmatch(r"TIME\((\d)\)", sql)
        if m is not None:
            return f"time({m[1]})"
        return _JSON_NAMES[sql]

    def render(self, columns: list[Column]) -> str:
        data, parts = self.e.split(columns)
        fields = [self.field(c.name, c.field.type, c.field.field_id, c.name) for c in data]
        for c in parts:  # partition columns: the folder's text, typed as the DDL declares
            fields.append({"name": c.name, "type": self.leaf(c.field.type, c.name),
                           "nullable": True, "metadata": {}})
        return json.dumps({"type": "struct", "fields": fields}, separators=(",", ":")) + "\n"


# what Spark reads from files written with engine="spark" (schemagen.typemap.engines),
# where its SQL types have nothing (these columns are declared as the stored form)
SPARK_FILE_TYPES = {
    **{k: ToSql(v.sql, "engine='spark' writes times of day as the integer count of "
                       f"{UNIT_WORDS['ms' if k == 'time(s)' else k[5:-1]]} since midnight "
                       "(Spark refuses TIME(MILLIS) and reads TIME only with "
                       "spark.sql.timeType.enabled)")
       for k, v in times_as_int("", "INT", "BIGINT").items() if isinstance(v, ToSql)},
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
        **{f"time({u})": ToSql(f"TIME({ir.unit_digits(u)})", _TIME_NOTE + (
            "; Spark refuses the TIME(MILLIS) that holds it" if u in ("s", "ms") else ""))
           for u in ir.UNITS},
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
        "TIME": FromSql(time_from_sql(6), "TIME(6)", "Spark 4.1+ (spark.sql.timeType.enabled); "
                                                     "p digits: 0 -> s, 1-3 -> ms, 4-6 -> us, "
                                                     "7-9 -> ns; default TIME(6)"),
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
    CHECKED_BY = ("Spark 4.3 reads engine='spark' files without a declared schema "
                  "(read: values, tests/e2e/engines/test_spark_polars_read.py) and runs the "
                  "emitted datasource table, DESCRIBE type and SELECT values (DDL: "
                  "test_spark_ddl.py, test_partitioned.py, test_spark_schema.py)")
    CHECKED = {
        **{k: "read: values; DDL: type + values" for k in (
            "boolean", "int32", "int64", "float32", "float64", "string", "bytes", "decimal",
            "date", "timestamp(us, utc)", "timestamp(ms, local)", "timestamp(us, local)",
            "enum", "list", "map", "record")},
        **{k: "DDL: type + values" for k in ("int8", "int16", "uint8", "uint16", "uint32",
                                               "json")},
        **{k: "read: values" for k in ("null", "fixed", "timestamp(ms, utc)", "union")},
        "uint64": "DDL: type + values (DECIMAL(20, 0)); a partition key",
        "time(ms)": "read: values (the INT engine='spark' writes); DDL: INT + values",
        "time(us)": "read: values (BIGINT); DDL: BIGINT + values; TIME(6) with "
                    "spark.sql.timeType.enabled",
        "time(ns)": "DDL: BIGINT + values",
        "timestamp(ns, utc)": "read: values (TIMESTAMP(MICROS)); DDL: TIMESTAMP + values",
        "timestamp(ns, local)": "read: values (TIMESTAMP(MICROS)); DDL: TIMESTAMP_NTZ + values",
        "interval": "read: values; DDL: BINARY + values",
        "uuid": "read: values; DDL: BINARY + values",
    }
    FILE_TYPES = SPARK_FILE_TYPES
    EMITTER = SparkEmitter
