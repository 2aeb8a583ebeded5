"""The SQL type registry (schemagen/typemap/sql.py): Drill's documented table row by row,
every dialect both ways, Parquet descriptions against real files, gaps, user extension,
the generated docs/type-mapping.md and ``schemagen sql --types``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import REPO

import schemagen
from schemagen import ir
from schemagen.cli.main import main
from schemagen.sql import registry as sql
from schemagen.sql.dialects import DuckDB, Spark, SparkEmitter
from schemagen.typemap.arrow import ArrowMapper

DIALECTS = ["drill", "duckdb", "spark", "trino", "hive", "postgres"]


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    sql.reset()
    yield
    sql.reset()


# --------------------------------------------------------------------------- Drill's table

# Drill's "SQL Types to Parquet" and "SQL Types to Parquet Logical Types" tables:
# SQL type, Parquet physical type, logical annotation (the start of ParquetType.logical),
# legacy converted type in the file.
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
    from sg_helpers import build_package, purge

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


# --------------------------------------------------------------------------- Parquet descriptions


def test_parquet_descriptions_match_what_pyarrow_writes(tmp_path: Path) -> None:
    types = sql.sample_ir_types()
    mapper = ArrowMapper(sql.SAMPLE_TYPES)  # the documented samples
    fields = [pa.field(f"c{i}", mapper.type(t)) for i, t in enumerate(types)
              if not isinstance(t, (ir.List, ir.Map, ir.RecordRef, ir.Union_))]
    path = tmp_path / "all.parquet"
    # the options schemagen's writer uses (runtime/writer.py)
    pq.write_table(pa.Table.from_pylist([{}], schema=pa.schema(fields)), path,
                   store_decimal_as_integer=True)
    schema = pq.ParquetFile(path).schema
    cols = {schema.column(i).path: schema.column(i) for i in range(len(schema))}
    for i, t in enumerate(types):
        if f"c{i}" not in cols:
            continue
        described = sql.parquet_type(t)
        col = cols[f"c{i}"]
        assert _physical(col) == described.physical, sql.ir_name(t)
        want = described.logical.split("(")[0]
        assert _annotation(col) == want, sql.ir_name(t)
        if isinstance(t, ir.Timestamp):
            assert str(col.logical_type.to_json()).count("true") == (1 if t.utc else 0)
            assert ("TIMESTAMP_" in str(col.converted_type)) == ("converted type TIMESTAMP_"
                                                                  in described.note)


@pytest.mark.parametrize(("precision", "physical"), [
    (1, "INT32"), (9, "INT32"), (10, "INT64"), (18, "INT64"),
    (19, "FIXED_LEN_BYTE_ARRAY(9)"), (38, "FIXED_LEN_BYTE_ARRAY(16)"),
])
def test_decimal_physical_type_by_precision(precision: int, physical: str) -> None:
    assert sql.parquet_type(ir.Decimal(precision, 0)).physical == physical


def test_honest_notes_where_pyarrow_cannot_annotate() -> None:
    assert "ENUM" in sql.parquet_type(ir.EnumRef("E")).note
    assert sql.parquet_type(ir.EnumRef("E")).logical == "STRING"
    assert sql.parquet_type(ir.Interval()).logical == ""
    assert "INTERVAL" in sql.parquet_type(ir.Interval()).note
    assert "JSON" in sql.parquet_type(ir.Json()).note


# --------------------------------------------------------------------------- both ways


@pytest.mark.parametrize("dialect", DIALECTS)
def test_ir_to_sql_to_ir_is_stable(dialect: str) -> None:
    d = sql.dialect(dialect)
    mapped = 0
    for t in sql.sample_ir_types():
        try:
            sql1, back, ctx = sql.read_back(d, t, sql.SAMPLE_TYPES)
        except sql.SqlMappingError as exc:
            assert str(exc).startswith(f"{dialect}: "), exc
            assert sql.ir_name(t) in str(exc)
            assert isinstance(d.to_sql_table.get(sql.ir_key(t)), sql.Gap), sql.ir_name(t)
            continue
        mapped += 1
        sql2 = d.to_sql(back, ctx.types)
        assert sql2 == sql1, (sql.ir_name(t), sql1, sql2)
        assert sql.same_type(d.to_ir(sql2), {}, back, ctx.types) or isinstance(
            ir.strip_nullable(back)[0], (ir.RecordRef, ir.EnumRef))
    assert mapped >= 25


@pytest.mark.parametrize("dialect", DIALECTS)
def test_sql_to_ir_to_sql_is_stable(dialect: str) -> None:
    d = sql.dialect(dialect)
    for name, entry in d.from_sql_table.items():
        if isinstance(entry, sql.Gap):
            with pytest.raises(sql.SqlMappingError, match=dialect):
                d.to_ir(name)
            continue
        example = entry.example or name
        ctx = sql.ReadContext()
        t1 = d.to_ir(example, ctx)
        try:
            sql1 = d.to_sql(t1, ctx.types)
        except sql.SqlMappingError:
            # read-only types (e.g. a DuckDB UNION) must say so in the table
            pytest.fail(f"{dialect}: {example} reads as {sql.ir_name(t1)}, which it cannot write")
        ctx2 = sql.ReadContext()
        t2 = d.to_ir(sql1, ctx2)
        assert d.to_sql(t2, ctx2.types) == sql1, example
        assert sql.same_type(t1, ctx.types, t2, ctx2.types) or _widened(t1, t2), example


def _widened(a: ir.Type, b: ir.Type) -> bool:
    """Drill writes 8/16-bit integers as INTEGER: the one place SQL -> IR -> SQL widens."""
    return isinstance(a, ir.Int) and isinstance(b, ir.Int) and b.bits == 32 and a.bits < 32


@pytest.mark.parametrize(("dialect", "text", "expected"), [
    ("spark", "LONG", ir.Int(64)), ("spark", "BYTE", ir.Int(8)),
    ("spark", "TIMESTAMP", ir.Timestamp("us", True)),
    ("spark", "TIMESTAMP_NTZ", ir.Timestamp("us", False)),
    ("spark", "TIMESTAMP_LTZ", ir.Timestamp("us", True)),
    ("duckdb", "INT8", ir.Int(64)), ("duckdb", "UINT8", ir.Int(8, False)),
    ("duckdb", "TIMESTAMP WITH TIME ZONE", ir.Timestamp("us", True)),
    ("duckdb", "TIMESTAMP_NS", ir.Timestamp("ns", False)), ("duckdb", "BLOB", ir.Bytes()),
    ("trino", "TIMESTAMP(9) WITH TIME ZONE", ir.Timestamp("ns", True)),
    ("trino", "TIMESTAMP(0)", ir.Timestamp("s", False)), ("trino", "TIME(6)", ir.Time("us")),
    ("trino", "DECIMAL(20, 2)", ir.Decimal(20, 2)), ("trino", "REAL", ir.Float(32)),
    ("postgres", "FLOAT(10)", ir.Float(32)), ("postgres", "FLOAT", ir.Float(64)),
    ("postgres", "TIMESTAMP(3) WITH TIME ZONE", ir.Timestamp("ms", True)),
    ("postgres", "JSONB", ir.Json()), ("postgres", "INT[][]",
                                       ir.List(ir.Nullable(ir.List(ir.Nullable(ir.Int(32)))))),
    ("hive", "TIMESTAMP", ir.Timestamp("us", False)), ("hive", "VARCHAR(10)", ir.String()),
    ("drill", "INTERVALYEAR", ir.Interval()), ("drill", "DOUBLE PRECISION", ir.Float(64)),
])
def test_aliases_and_parameters(dialect: str, text: str, expected: ir.Type) -> None:
    assert sql.sql_to_ir(text, dialect) == expected


def test_nested_types_read_as_records_and_lists() -> None:
    ctx = sql.ReadContext()
    t = sql.sql_to_ir("ARRAY<STRUCT<a: INT NOT NULL COMMENT 'doc', b: MAP<STRING, DOUBLE>>>",
                      "spark", ctx)
    assert isinstance(t, ir.List) and isinstance(t.item, ir.Nullable)
    ref = t.item.inner
    assert isinstance(ref, ir.RecordRef)
    rec = ctx.types[ref.name]
    assert isinstance(rec, ir.Record)
    assert [f.name for f in rec.fields] == ["a", "b"]
    assert rec.fields[0].type == ir.Int(32) and rec.fields[0].doc == "doc"
    assert rec.fields[1].type == ir.Nullable(ir.Map(ir.String(), ir.Nullable(ir.Float(64))))
    # written back in each dialect's syntax
    assert sql.ir_to_sql(t, "spark", ctx.types) == \
        "ARRAY<STRUCT<a: INT, b: MAP<STRING, DOUBLE>>>"
    assert sql.ir_to_sql(t, "trino", ctx.types) == "ARRAY(ROW(a INTEGER, b MAP(VARCHAR, DOUBLE)))"
    assert sql.ir_to_sql(t, "duckdb", ctx.types) == "STRUCT(a INTEGER, b MAP(VARCHAR, DOUBLE))[]"


def test_struct_field_names_are_quoted_when_needed() -> None:
    types: dict[str, ir.Named] = {"R": ir.Record("R", (
        ir.Field("date", ir.Date()), ir.Field("Mixed Case", ir.Int(32)),
        ir.Field("plain", ir.Int(32))))}
    assert sql.ir_to_sql(ir.RecordRef("R"), "spark", types) == \
        "STRUCT<`date`: DATE, `Mixed Case`: INT, plain: INT>"
    assert sql.ir_to_sql(ir.RecordRef("R"), "trino", types) == \
        'ROW("date" DATE, "Mixed Case" INTEGER, plain INTEGER)'


# --------------------------------------------------------------------------- gaps


@pytest.mark.parametrize(("dialect", "t", "words"), [
    ("spark", ir.Uuid(), ["spark", "uuid", "UUID"]),
    ("hive", ir.Interval(), ["hive", "interval", "INTERVAL"]),
    ("drill", ir.Uuid(), ["drill", "uuid"]),
    ("trino", ir.Interval(), ["trino", "interval"]),
    ("spark", ir.Timestamp("ns", True), ["spark", "timestamp(ns, utc)", "NANOS"]),
    ("postgres", ir.Map(ir.String(), ir.Int(32)), ["postgres", "map<string, int32>"]),
    ("duckdb", ir.Decimal(50, 2), ["duckdb", "decimal(50, 2)", "38"]),
    ("spark", ir.Null(), ["spark", "null"]),
])
def test_no_mapping_errors_name_dialect_and_type(dialect: str, t: ir.Type,
                                                  words: list[str]) -> None:
    with pytest.raises(sql.SqlMappingError) as exc:
        sql.ir_to_sql(t, dialect)
    for w in words:
        assert w in str(exc.value)


@pytest.mark.parametrize(("dialect", "text", "words"), [
    ("duckdb", "HUGEINT", ["duckdb", "HUGEINT", "DECIMAL(38, 0)"]),
    ("duckdb", "UNION(a INT, b VARCHAR)", ["duckdb", "UNION"]),
    ("trino", "INTERVAL DAY TO SECOND", ["trino", "INTERVAL DAY TO SECOND"]),
    ("trino", "IPADDRESS", ["trino", "IPADDRESS", "known types", "VARCHAR"]),
    ("postgres", "citext", ["postgres", "citext", "register"]),
    ("postgres", "NUMERIC", ["postgres", "NUMERIC", "precision"]),
    ("trino", "TIMESTAMP(12)", ["trino", "12"]),
    ("duckdb", "DECIMAL(40, 2)", ["duckdb", "40"]),
    ("trino", "ROW(INTEGER, VARCHAR)", ["trino", "name"]),
    ("spark", "MAP<STRING>", ["spark", "key and a value"]),
    ("spark", "DECIMAL(", ["spark", "cannot parse"]),
])
def test_unknown_sql_types_name_dialect_and_type(dialect: str, text: str,
                                                  words: list[str]) -> None:
    with pytest.raises(sql.SqlMappingError) as exc:
        sql.sql_to_ir(text, dialect)
    for w in words:
        assert w in str(exc.value), str(exc.value)


def test_unknown_dialect_lists_known_ones() -> None:
    with pytest.raises(sql.SqlMappingError) as exc:
        sql.dialect("oracle")
    for d in DIALECTS:
        assert d in str(exc.value)


# --------------------------------------------------------------------------- extension


def test_register_a_custom_type_from_user_code(compile_schemas: Any, tmp_path: Path) -> None:
    pg = sql.dialect("postgres")
    pg.register("CITEXT", ir.String(), note="case-insensitive text")
    assert sql.sql_to_ir("citext", "postgres") == ir.String()
    assert sql.sql_to_ir("CITEXT", "postgres") == ir.String()
    pg.register("POINT", lambda args: ir.Bytes())
    assert sql.sql_to_ir("POINT", "postgres") == ir.Bytes()
    # a type written back too
    sql.dialect("spark").register("VARIANT", ir.Json(), write=True)
    assert sql.ir_to_sql(ir.Json(), "spark") == "VARIANT"
    assert sql.sql_to_ir("VARIANT", "spark") == ir.Json()
    # and in a .sql schema
    pkg = compile_schemas({"users.sql": "-- dialect: postgres\n"
                                        "CREATE TABLE app.users (email citext NOT NULL);"})
    cls = pkg.record("app.Users")
    rec = cls(email="A@B")
    schemagen.write([rec], tmp_path / "u.parquet")
    assert list(schemagen.read(cls, tmp_path / "u.parquet")) == [rec]
    # the table in the docs shows it
    rows = {r["sql"]: r for r in sql.type_table("postgres")["sql_to_ir"]}
    assert rows["CITEXT"]["ir"] == "string"


def test_register_ir_overrides_how_a_type_is_written() -> None:
    sql.dialect("spark").register_ir("uuid", "STRING", note="the text form")
    assert sql.ir_to_sql(ir.Uuid(), "spark") == "STRING"
    sql.dialect("spark").register_ir("int8", None, note="not wanted")
    with pytest.raises(sql.SqlMappingError, match="not wanted"):
        sql.ir_to_sql(ir.Int(8), "spark")
    sql.reset()
    assert sql.ir_to_sql(ir.Int(8), "spark") == "TINYINT"


class Databricks(Spark):
    """A user dialect: Spark plus VARIANT for JSON and a TIMESTAMP_NTZ default."""

    name = "databricks"
    title = "Databricks SQL"
    TO_SQL = {**Spark.TO_SQL, "json": sql.ToSql("VARIANT")}
    FROM_SQL = {**Spark.FROM_SQL, "VARIANT": sql.FromSql(ir.Json())}


def test_register_a_whole_dialect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from schemagen.sql import ddl as sqlddl

    sql.register_dialect(Databricks)
    assert "databricks" in sql.dialect_names()
    assert sql.ir_to_sql(ir.Json(), "databricks") == "VARIANT"
    assert sql.sql_to_ir("VARIANT", "databricks") == ir.Json()
    assert sql.sql_to_ir("LONG", "databricks") == ir.Int(64)

    class DatabricksDdl(SparkEmitter):
        dialect = "databricks"

    sqlddl.register_emitter(DatabricksDdl)
    assert "databricks" in sqlddl.emitter_names()
    src = tmp_path / "events.sql"
    src.write_text("-- dialect: databricks\n"
                   "CREATE TABLE lake.events (id BIGINT NOT NULL, body VARIANT);\n")
    assert main(["sql", str(src), "--record", "events", "--dialect", "databricks",
                 "--location", "s3://b/events"]) == 0
    out = capsys.readouterr().out
    assert "`body` VARIANT" in out and "LOCATION 's3://b/events'" in out
    assert main(["sql", "--types", "--dialect", "databricks"]) == 0
    assert "VARIANT" in capsys.readouterr().out
    sql.unregister_dialect("databricks")
    with pytest.raises(sql.SqlMappingError):
        sql.dialect("databricks")


def test_dialect_tables_are_per_instance() -> None:
    sql.dialect("duckdb").register("GEOMETRY", ir.Bytes())
    assert "GEOMETRY" not in DuckDB.FROM_SQL
    assert "GEOMETRY" not in DuckDB().from_sql_table


# --------------------------------------------------------------------------- docs and CLI


def test_docs_type_mapping_is_fresh() -> None:
    doc = REPO / "docs" / "type-mapping.md"
    assert doc.read_text(encoding="utf-8") == sql.render_markdown(), (
        "docs/type-mapping.md is stale: run `schemagen sql --types > docs/type-mapping.md`")


def test_docs_list_every_dialect_and_gap() -> None:
    text = sql.render_markdown()
    for d in DIALECTS:
        assert f"(`{d}`)" in text
    assert "**no mapping**" in text
    assert "## IR -> Parquet" in text


def test_cli_types_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--types", "--dialect", "drill"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Apache Drill")
    assert "| `INTERVALDAY` | `interval` |" in out
    assert main(["sql", "--types", "--dialect", "DuckDB", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dialect"] == "duckdb"
    rows = {r["ir"]: r for r in data["ir_to_sql"]}
    assert rows["uuid"]["sql"] == "UUID"
    assert rows["decimal(9, 2)"]["parquet"]["physical"] == "INT32"
    assert main(["sql", "--types", "--format", "json"]) == 0
    assert [t["dialect"] for t in json.loads(capsys.readouterr().out)] == DIALECTS
    assert main(["sql", "--types"]) == 0
    assert capsys.readouterr().out == sql.render_markdown()


def test_cli_types_unknown_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--types", "--dialect", "oracle"]) == 2
    err = capsys.readouterr().err
    assert "unknown SQL dialect 'oracle'" in err
    for d in DIALECTS:
        assert d in err
    assert "Traceback" not in err
