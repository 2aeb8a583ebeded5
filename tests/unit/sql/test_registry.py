"""The SQL dialect registry (schemagen/sql/registry.py): every dialect both ways, gaps, user
extension, the generated docs/type-mapping.md and ``schemagen sql --types`` (Drill's table:
test_drill.py; Parquet descriptions: test_parquet.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import REPO

import schemagen
from schemagen import ir
from schemagen.cli.main import main
from schemagen.sql import registry as sql
from schemagen.sql.dialects import DuckDB, Spark, SparkEmitter

DIALECTS = ["drill", "duckdb", "spark", "trino", "hive", "postgres"]


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


def test_checked_cells_name_registry_types() -> None:
    """docs/type-mapping.md's "checked against the engine" cells (issue 12, Deliver 5) are
    keyed by IR types the registry has; the engines that cannot run here say so."""
    keys = {sql.ir_key(t) for t in sql.sample_ir_types()}
    for name in sql.dialect_names():
        d = sql.dialect(name)
        assert set(d.CHECKED) <= keys, name
    assert "does not run here" in sql.dialect("trino").CHECKED_BY
    assert "does not run here" in sql.dialect("drill").CHECKED_BY
    assert len(sql.dialect("spark").CHECKED) >= 28 and len(sql.dialect("duckdb").CHECKED) >= 33
