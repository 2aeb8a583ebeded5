"""DuckDB: its types both ways, and a view over ``read_parquet`` that casts each column
to its type (INTERVAL columns stay the 12-byte BLOB the files hold; open enums are
VARCHAR).  A Hive-partitioned dataset is read as ``'dir/**/*.parquet'`` with
``hive_partitioning = true`` and the keys' types in ``hive_types``."""

from __future__ import annotations

from schemagen import ir
from schemagen.sql.ddl import Column, DdlEmitter
from schemagen.sql.registry import (
    ENUM,
    LIST,
    MAP,
    STRUCT,
    FromSql,
    Gap,
    SqlDialect,
    ToSql,
    decimal_from_sql,
    durations_as,
)

__all__ = ["DuckDB", "DuckDBEmitter"]


class DuckDBEmitter(DdlEmitter):
    """``CREATE OR REPLACE VIEW ... AS SELECT CAST(col AS type) ... FROM read_parquet(...)``
    (+ ``COMMENT ON``)."""

    dialect = "duckdb"
    discovers = False  # the glob finds every folder at each query

    def override(self, t: ir.Type) -> str | None:
        """Open enums (proto3) are VARCHAR: a number without a symbol ("99") is one of their
        values, which a cast to ENUM(...) would refuse for the whole query."""
        if isinstance(t, ir.EnumRef):
            e = self.types.get(t.name)
            if isinstance(e, ir.Enum) and ir.is_open_enum(e):
                return "VARCHAR"
        return super().override(t)

    def source(self, parts: list[Column]) -> str:
        loc = self.location
        if not (loc.endswith(".parquet") or any(ch in loc for ch in "*?[")):
            loc = loc.rstrip("/") + ("/**/*.parquet" if parts else "/*.parquet")
        if not parts:
            return f"read_parquet({self.lit(loc)}, union_by_name = true)"
        # the keys' own types (VARCHAR for enums: the view casts them), not DuckDB's guess
        # from the folder names (true/false and large numbers would be VARCHAR)
        keys = ", ".join(f"{self.lit(c.name)}: {self.lit(self._key_type(c))}" for c in parts)
        return (f"read_parquet({self.lit(loc)}, union_by_name = true, "
                f"hive_partitioning = true, hive_types = {{{keys}}})")

    def _key_type(self, c: Column) -> str:
        return "VARCHAR" if isinstance(ir.strip_nullable(c.field.type)[0], ir.EnumRef) else c.sql

    def statement(self, columns: list[Column]) -> str:
        view = self.qualified(self.table)
        _, parts = self.split(columns)
        select = ",\n".join(f"  {self.expression(c.field, self.q(c.name), c.sql)[0]} AS "
                            f"{self.q(c.name)}" for c in columns)
        out = [f"CREATE OR REPLACE VIEW {view} AS\nSELECT\n{select}\nFROM "
               f"{self.source(parts)};"]
        if self.record.doc:
            out.append(f"COMMENT ON VIEW {view} IS {self.lit(self.record.doc)};")
        for c in columns:
            if c.field.doc:
                out.append(f"COMMENT ON COLUMN {view}.{self.q(c.name)} IS "
                           f"{self.lit(c.field.doc)};")
        return "\n".join(out)


class DuckDB(SqlDialect):
    name = "duckdb"
    title = "DuckDB"
    sqlglot_dialect = "duckdb"
    reference = "https://duckdb.org/docs/data/parquet/overview"
    default_decimal = (18, 3)
    TO_SQL = {
        "null": ToSql('"NULL"', "DuckDB's type of a column that only holds NULL"),
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("TINYINT"),
        "int16": ToSql("SMALLINT"),
        "int32": ToSql("INTEGER"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("UTINYINT"),
        "uint16": ToSql("USMALLINT"),
        "uint32": ToSql("UINTEGER"),
        "uint64": ToSql("UBIGINT"),
        "float16": ToSql("FLOAT", "DuckDB reads FLOAT16 as FLOAT"),
        "float32": ToSql("FLOAT"),
        "float64": ToSql("DOUBLE"),
        "string": ToSql("VARCHAR"),
        "bytes": ToSql("BLOB"),
        "fixed": ToSql("BLOB", "the size is not part of the SQL type"),
        "decimal": ToSql("DECIMAL({precision}, {scale})"),
        "date": ToSql("DATE"),
        "time(s)": ToSql("TIME", "stored as TIME(MILLIS)"),
        "time(ms)": ToSql("TIME"),
        "time(us)": ToSql("TIME"),
        "time(ns)": ToSql("TIME_NS"),
        "timestamp(s, local)": ToSql("TIMESTAMP_S", "stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, local)": ToSql("TIMESTAMP_MS"),
        "timestamp(us, local)": ToSql("TIMESTAMP"),
        "timestamp(ns, local)": ToSql("TIMESTAMP_NS"),
        "timestamp(s, utc)": ToSql("TIMESTAMPTZ"),
        "timestamp(ms, utc)": ToSql("TIMESTAMPTZ"),
        "timestamp(us, utc)": ToSql("TIMESTAMPTZ"),
        "timestamp(ns, utc)": ToSql("TIMESTAMPTZ_NS", "DuckDB 2 reads TIMESTAMP(NANOS, UTC) "
                                                      "as TIMESTAMPTZ_NS (nanoseconds kept)"),
        **durations_as("BIGINT"),
        "interval": ToSql("INTERVAL", "schemagen's files lack the INTERVAL annotation: DuckDB "
                                      "reads the column as a 12-byte BLOB"),
        "uuid": ToSql("UUID"),
        "json": ToSql("JSON"),
        "enum": ToSql("ENUM({symbols})"),
        "list": ToSql("{item}[]"),
        "map": ToSql("MAP({key}, {value})"),
        "record": ToSql("STRUCT({fields})"),
        "union": ToSql("STRUCT({fields})", "schemagen's union layout: optional member0..N"),
    }
    FROM_SQL = {
        '"NULL"': FromSql(ir.Null()),
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8)),
        "SMALLINT": FromSql(ir.Int(16)),
        "INTEGER": FromSql(ir.Int(32)),
        "BIGINT": FromSql(ir.Int(64)),
        "HUGEINT": Gap("128-bit integers have no Parquet type; use DECIMAL(38, 0)"),
        "UTINYINT": FromSql(ir.Int(8, signed=False)),
        "USMALLINT": FromSql(ir.Int(16, signed=False)),
        "UINTEGER": FromSql(ir.Int(32, signed=False)),
        "UBIGINT": FromSql(ir.Int(64, signed=False)),
        "UINT8": FromSql(ir.Int(8, signed=False), note="alias of UTINYINT"),
        "UINT16": FromSql(ir.Int(16, signed=False), note="alias of USMALLINT"),
        "UINT32": FromSql(ir.Int(32, signed=False), note="alias of UINTEGER"),
        "UINT64": FromSql(ir.Int(64, signed=False), note="alias of UBIGINT"),
        "UHUGEINT": Gap("128-bit integers have no Parquet type"),
        "FLOAT": FromSql(ir.Float(32)),
        "DOUBLE": FromSql(ir.Float(64)),
        "VARCHAR": FromSql(ir.String()),
        "CHAR": FromSql(ir.String()),
        "BLOB": FromSql(ir.Bytes()),
        "DECIMAL": FromSql(decimal_from_sql, "DECIMAL(10, 2)", "default DECIMAL(18, 3)"),
        "DATE": FromSql(ir.Date()),
        "TIME": FromSql(ir.Time("us")),
        "TIME_NS": FromSql(ir.Time("ns")),
        "TIMETZ": Gap("time with time zone has no Parquet type"),
        "TIMESTAMP_S": FromSql(ir.Timestamp("s", utc=False)),
        "TIMESTAMP_MS": FromSql(ir.Timestamp("ms", utc=False)),
        "TIMESTAMP": FromSql(ir.Timestamp("us", utc=False)),
        "TIMESTAMP_NS": FromSql(ir.Timestamp("ns", utc=False)),
        "TIMESTAMPTZ": FromSql(ir.Timestamp("us", utc=True)),
        "TIMESTAMPTZ_NS": FromSql(ir.Timestamp("ns", utc=True)),
        "INTERVAL": FromSql(ir.Interval(), note="Parquet INTERVAL keeps milliseconds; DuckDB "
                                                "intervals have microseconds"),
        "UUID": FromSql(ir.Uuid()),
        "JSON": FromSql(ir.Json()),
        "BIT": Gap("bit strings have no Parquet type"),
        "UNION": Gap("a DuckDB UNION has named members, which schemagen unions do not keep; "
                     "use a STRUCT"),
        "ENUM": FromSql(ENUM, "ENUM('a', 'b')"),
        "ARRAY": FromSql(LIST, "INTEGER[]", "also LIST; a fixed size (INTEGER[3]) is not kept"),
        "LIST": FromSql(LIST, "LIST(INTEGER)"),
        "MAP": FromSql(MAP, "MAP(VARCHAR, INTEGER)"),
        "STRUCT": FromSql(STRUCT, "STRUCT(a INTEGER)"),
    }
    FILE_TYPES = {
        "interval": ToSql("BLOB", "INTERVAL values are 12-byte BLOBs (months, days, milliseconds "
                                  "as little-endian uint32): the files lack the INTERVAL "
                                  "annotation"),
    }
    CHECKED_BY = ("the emitted view over files schemagen wrote, DESCRIBE type and values "
                  "(tests/unit/sql/test_duckdb.py: example.sql.*, example.features.Everything, "
                  "example.geometry.Shape; test_duckdb_ns.py, test_open_enums.py, "
                  "tests/unit/runtime/test_sql_precision_matrix.py), partitioned and not "
                  "(tests/e2e/engines/test_partitioned.py)")
    CHECKED = {
        **{k: "view: type + values" for k in (
            "null", "boolean", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
            "float32", "float64", "string", "bytes", "fixed", "decimal", "date", "time(ms)",
            "time(us)", "time(ns)", "timestamp(ms, local)", "timestamp(us, local)",
            "timestamp(ns, local)", "timestamp(ms, utc)", "timestamp(us, utc)", "interval",
            "uuid", "json", "list", "map", "record", "union")},
        "uint64": "view: type + values; a partition key typed UBIGINT",
        "timestamp(s, local)": "view: values (TIMESTAMP_S)",
        "timestamp(ns, utc)": "view: type + nanosecond values",
        "enum": "view: type + values; open enums VARCHAR with unknown numbers",
    }
    EMITTER = DuckDBEmitter
    PARQUET_READS = (
        ("INT32 (INT_8 / INT_16 / UINT_8 / UINT_16 / UINT_32)",
         "TINYINT / SMALLINT / UTINYINT / USMALLINT / UINTEGER"),
        ("INT64 (UINT_64)", "UBIGINT"),
        ("FIXED_LEN_BYTE_ARRAY(2) (FLOAT16)", "FLOAT"),
        ("FIXED_LEN_BYTE_ARRAY (DECIMAL, precision > 38)", "DOUBLE"),
        ("INT32 / INT64 (TIME)", "TIME (TIME_NS for NANOS)"),
        ("INT64 (TIMESTAMP, local)", "TIMESTAMP (TIMESTAMP_NS for NANOS)"),
        ("INT64 (TIMESTAMP, UTC)", "TIMESTAMP WITH TIME ZONE (TIMESTAMPTZ_NS for NANOS)"),
        ("FIXED_LEN_BYTE_ARRAY(16) (UUID)", "UUID"),
        ("FIXED_LEN_BYTE_ARRAY(12) without annotation", "BLOB"),
    )
