"""Apache Drill: Drill's documented Parquet type table row by row (SQL type -> IR -> the file
pyarrow writes), Drill's SQL types, and the Drill view that converts what Drill reads as
integers."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlglot
from sg_helpers import (
    REPO,
    build_package,
    purge,
)

import schemagen
from schemagen import frontends, ir
from schemagen.errors import SchemaWarning
from schemagen.sql import ddl as sqlddl
from schemagen.sql import registry as sql

SQL_EXAMPLES = REPO / "schemas" / "sql"


def load(*paths: Path) -> ir.Schema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        return frontends.load(frontends.find_schema_files(list(paths)))


DRILL_TABLE = [
    ("BIGINT", "INT64", "", "NONE"),
    ("BOOLEAN", "BOOLEAN", "", "NONE"),
    ("VARBINARY", "BYTE_ARRAY", "", "NONE"),
    ("FLOAT", "FLOAT", "", "NONE"),
    ("DOUBLE", "DOUBLE", "", "NONE"),
    ("INTEGER", "INT32", "", "NONE"),
    ("DATE", "INT32", "DATE", "DATE"),
    ("VARCHAR", "BYTE_ARRAY", "STRING", "UTF8"),
    ("DECIMAL(9, 2)", "INT32", "DECIMAL", "DECIMAL"),
    ("DECIMAL(18, 2)", "INT64", "DECIMAL", "DECIMAL"),
    ("DECIMAL(38, 2)", "FIXED_LEN_BYTE_ARRAY(16)", "DECIMAL", "DECIMAL"),
    # TIME -> TIME_MILLIS: pyarrow writes TIME(isAdjustedToUTC=false, MILLIS), which has
    # no legacy converted type (TIME_MILLIS means adjusted to UTC); the registry says so
    ("TIME", "INT32", "TIME", "NONE"),
    ("TIMESTAMP", "INT64", "TIMESTAMP", "TIMESTAMP_MILLIS"),
    # INTERVALDAY/INTERVALYEAR -> INTERVAL: the physical form, without the annotation
    ("INTERVALDAY", "FIXED_LEN_BYTE_ARRAY(12)", "", "NONE"),
    ("INTERVALYEAR", "FIXED_LEN_BYTE_ARRAY(12)", "", "NONE"),
    ("INTERVAL", "FIXED_LEN_BYTE_ARRAY(12)", "", "NONE"),
]


def _physical(col: Any) -> str:
    if col.physical_type == "FIXED_LEN_BYTE_ARRAY":
        return f"FIXED_LEN_BYTE_ARRAY({col.length})"
    return str(col.physical_type)


def _annotation(col: Any) -> str:
    kind = str(col.logical_type.type)
    return "" if kind == "NONE" else kind


@pytest.fixture(scope="module")
def drill_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A Drill table with one column per row of Drill's table, compiled and written."""
    tmp = tmp_path_factory.mktemp("drill_table")
    cols = ",\n".join(f"  c{i} {t} NOT NULL" for i, (t, *_rest) in enumerate(DRILL_TABLE))
    src = tmp / "drill_table.sql"
    src.write_text(f"-- dialect: drill\nCREATE TABLE drill.types.row_by_row (\n{cols}\n);\n")
    pkg = build_package([src], tmp / "out")
    try:
        cls = pkg.record("drill.types.RowByRow")
        import datetime
        import decimal

        values = {
            "BIGINT": 1, "BOOLEAN": True, "VARBINARY": b"x", "FLOAT": 1.5, "DOUBLE": 2.5,
            "INTEGER": 3, "DATE": datetime.date(2024, 1, 2), "VARCHAR": "v",
            "DECIMAL(9, 2)": decimal.Decimal("1.25"), "DECIMAL(18, 2)": decimal.Decimal("2.50"),
            "DECIMAL(38, 2)": decimal.Decimal("3.75"), "TIME": datetime.time(1, 2, 3),
            "TIMESTAMP": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "INTERVALDAY": schemagen.Interval(0, 1, 2), "INTERVALYEAR": schemagen.Interval(3, 0, 0),
            "INTERVAL": schemagen.Interval(1, 2, 3),
        }
        rec = cls(**{f"c{i}": values[t] for i, (t, *_r) in enumerate(DRILL_TABLE)})
        path = tmp / "rows.parquet"
        schemagen.write([rec], path)
        assert list(schemagen.read(cls, path)) == [rec]
        schema = pq.ParquetFile(path).schema
        return {schema.column(i).path: schema.column(i) for i in range(len(schema))}
    finally:
        purge(pkg)


@pytest.mark.parametrize("i", range(len(DRILL_TABLE)),
                         ids=[row[0] for row in DRILL_TABLE])
def test_drill_table_row_by_row(i: int, drill_file: dict[str, Any]) -> None:
    sql_type, physical, annotation, converted = DRILL_TABLE[i]
    t = sql.sql_to_ir(sql_type, "drill")
    described = sql.parquet_type(t)
    assert described.physical == physical
    assert described.logical.split("(")[0] == annotation
    col = drill_file[f"c{i}"]
    assert _physical(col) == physical
    assert _annotation(col) == annotation
    assert str(col.converted_type) == converted
    if sql_type == "TIME":  # honest about the missing converted type
        assert "no legacy TIME_* converted type" in described.note
    if sql_type.startswith("INTERVAL"):
        assert t == ir.Interval()
        assert "cannot write the INTERVAL annotation" in described.note


def test_drill_reads_table_documents_int96_and_int_annotations() -> None:
    reads = dict(sql.dialect("drill").PARQUET_READS)
    assert "TIMESTAMP" in reads["INT96"] and "VARBINARY" in reads["INT96"]
    assert reads["INT32 (INT_8, INT_16, INT_32)"] == "INTEGER"
    assert reads["INT32 (UINT_8, UINT_16, UINT_32)"].startswith("UINT4")
    assert reads["INT64 (UINT_64)"].startswith("UINT8")


def test_drill_sql_types() -> None:
    d = sql.dialect("drill")
    assert d.to_ir("TIMESTAMP") == ir.Timestamp("ms", utc=True)  # TIMESTAMP_MILLIS
    assert d.to_ir("TIME") == ir.Time("ms")
    assert d.to_ir("DECIMAL") == ir.Decimal(38, 0)
    assert d.to_ir("CHARACTER VARYING(10)") == ir.String()
    assert d.to_sql(ir.Int(8)) == "INTEGER"  # what Drill reads INT_8 as
    assert d.to_sql(ir.Int(32, signed=False)) == "BIGINT"


def test_drill_view_converts_what_drill_reads_as_integers(tmp_path: Path) -> None:
    src = tmp_path / "t.sql"
    src.write_text("-- dialect: duckdb\nCREATE TABLE t (a TIMESTAMP_MS, b TIMESTAMP, "
                   "c TIMESTAMPTZ, d TIME, e UINTEGER, f INTERVAL, g JSON, h TINYINT);\n")
    ddl = sqlddl.emit(load(src).types, "t", "drill", table="ws.t", location="/d")
    assert "CREATE OR REPLACE VIEW `ws`.`t` AS" in ddl
    assert "TO_TIMESTAMP(t.`a` / 1000.0) AS `a`" in ddl
    assert "TO_TIMESTAMP(t.`b` / 1000000.0) AS `b`" in ddl
    assert "CAST(t.`c` AS TIMESTAMP) AS `c`" in ddl
    assert "TO_TIME(CAST(t.`d` / 1000 AS INTEGER)) AS `d`" in ddl
    assert "CAST(t.`e` AS BIGINT) AS `e`" in ddl
    assert "  t.`f` AS `f`," in ddl and "-- f: INTERVAL is read as 12-byte VARBINARY" in ddl
    assert "  t.`g` AS `g`," in ddl
    assert "CAST(t.`h` AS INTEGER) AS `h`" in ddl
    sqlglot.parse(ddl, read="drill")
