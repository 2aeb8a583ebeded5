"""``schemagen sql SCHEMA... --record NAME --dialect D``: DDL over files schemagen wrote,
across dialects: sqlglot parses every dialect's DDL; record lookup, escaping, gaps and exit
codes (DuckDB executing it: test_duckdb.py)."""

from __future__ import annotations

import datetime
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from sg_helpers import (
    REPO,
    SCHEMAS,
    ir_of,
)

import schemagen
from schemagen import frontends, ir
from schemagen.cli.main import main
from schemagen.errors import SchemaWarning, UsageError
from schemagen.sql import ddl as sqlddl
from schemagen.sql import registry as sqlmap

SQL_EXAMPLES = REPO / "schemas" / "sql"
DDL_DIALECTS = ["drill", "duckdb", "spark", "hive", "trino"]


UTC = datetime.UTC


def load(*paths: Path) -> ir.Schema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        return frontends.load(frontends.find_schema_files(list(paths)))


def _cases(all_types: dict[str, ir.Named]) -> Iterator[tuple[str, str]]:
    for name, t in all_types.items():
        if isinstance(t, ir.Record):
            for d in DDL_DIALECTS:
                yield name, d


@pytest.mark.parametrize("dialect", DDL_DIALECTS)
def test_sqlglot_parses_every_dialects_ddl(dialect: str, all_types: dict[str, ir.Named]) -> None:
    emitted = 0
    for name, t in all_types.items():
        if not isinstance(t, ir.Record):
            continue
        try:
            ddl = sqlddl.emit(all_types, name, dialect, location="/data/x y's",
                              table="db.my table")
        except sqlmap.SqlMappingError as exc:
            assert str(exc).startswith(f"{dialect}: record {name} has columns with no")
            continue
        emitted += 1
        statements = [s for s in sqlglot.parse(ddl, read=dialect) if s is not None]
        assert statements, ddl
        create = statements[0]
        assert isinstance(create, sqlglot.exp.Create), ddl
        assert create.args["kind"] == ("VIEW" if dialect in ("drill", "duckdb") else "TABLE")
        assert all(isinstance(s, (sqlglot.exp.Create, sqlglot.exp.Comment)) for s in statements)
        if dialect in ("spark", "hive", "trino"):
            cols = [c.name for c in create.this.expressions]
        else:
            cols = [e.alias for e in create.expression.expressions]
        assert cols == [f.name for f in t.fields], ddl
    assert emitted >= 4


@pytest.mark.parametrize("dialect", DDL_DIALECTS)
def test_ddl_of_the_drill_sample(dialect: str, all_types: dict[str, ir.Named]) -> None:
    ddl = sqlddl.emit(all_types, "example.sql.Transaction", dialect, location="/data/trans")
    assert "/data/trans" in ddl
    if dialect == "hive":
        assert "CREATE EXTERNAL TABLE IF NOT EXISTS `transaction`" in ddl
        assert "STORED AS PARQUET\nLOCATION '/data/trans';" in ddl
    if dialect == "spark":  # a datasource table: runs without Hive support (issue 12)
        assert "CREATE TABLE IF NOT EXISTS `transaction`" in ddl
        assert "USING PARQUET\nCOMMENT " in ddl and "\nLOCATION '/data/trans';" in ddl
    if dialect in ("spark", "hive"):
        assert "`user_info` STRUCT<cust_id: BIGINT, device: STRING, state: STRING>" in ddl
        assert "`time` INT COMMENT" in ddl and "-- time: " in ddl
    if dialect == "trino":
        assert "external_location = '/data/trans'" in ddl and "format = 'PARQUET'" in ddl
        assert '"marketing_info" ROW(camp_id BIGINT, keywords ARRAY(VARCHAR))' in ddl
    if dialect == "drill":
        assert "CREATE OR REPLACE VIEW `dfs`.`tmp`.`transaction` AS" in ddl
        assert "FROM dfs.`/data/trans` t;" in ddl
        assert "CAST(t.`trans_id` AS BIGINT) AS `trans_id`" in ddl
        assert "TO_TIME(t.`time`) AS `time`" in ddl
        assert "  t.`user_info` AS `user_info`," in ddl  # no CAST to complex types
    if dialect == "duckdb":
        assert "read_parquet('/data/trans/*.parquet', union_by_name = true)" in ddl


HOSTILE = """-- dialect: duckdb
CREATE TABLE h."ev`il""t" (
  "we`ird" BIGINT NOT NULL COMMENT 'it''s `odd` "quoted"
DROP TABLE x; -- \\ end',
  "sp ace""q" STRUCT("x`y" VARCHAR, "DROP TABLE y" INTEGER)
);
COMMENT ON TABLE h."ev`il""t" IS 'doc''s
-- DROP TABLE z;';
"""


def test_hostile_names_and_docs_stay_inside_literals(tmp_path: Path) -> None:
    src = tmp_path / "evil.sql"
    src.write_text(HOSTILE)
    types = load(src).types
    rec = types["h.EvIlT"]
    assert isinstance(rec, ir.Record)
    assert "DROP TABLE x" in rec.fields[0].doc and "\n" in rec.fields[0].doc
    for d in DDL_DIALECTS:
        ddl = sqlddl.emit(types, rec.name, d, location="/tmp/it's", table="ev`il\"t")
        statements = [s for s in sqlglot.parse(ddl, read=d) if s is not None]
        assert all(isinstance(s, (sqlglot.exp.Create, sqlglot.exp.Comment)) for s in statements)
        assert not any(isinstance(s, sqlglot.exp.Drop) for s in statements)
        # line breaks only ever inside string literals: never in a -- comment
        assert len(statements) == (3 if d == "duckdb" else 1), ddl


def test_duckdb_accepts_hostile_names(tmp_path: Path, compile_schemas: Any) -> None:
    p = compile_schemas({"evil.sql": HOSTILE})
    cls = p.record("h.EvIlT")
    rec_ir, _ = ir_of(cls)
    inner = p.record("h.EvIlTSpAceQ")
    rec = cls(**{rec_ir.fields[0].py_name: 7,
                 rec_ir.fields[1].py_name: inner(**{"x_y": "v", "DROP_TABLE_y": 3})})
    loc = tmp_path / "it's data"
    schemagen.write([rec], loc)
    ddl = sqlddl.emit(load(*p.sources).types, rec_ir.name, "duckdb", location=str(loc))
    con = duckdb.connect()
    con.execute(ddl)
    assert con.execute('SELECT "we`ird", "sp ace""q"."x`y", "sp ace""q"."DROP TABLE y" '
                       'FROM "ev`il""t"').fetchall() == [(7, "v", 3)]
    assert con.execute("SELECT comment FROM duckdb_views()").fetchone()[0].startswith("doc's\n")


def test_find_record_by_any_name(all_types: dict[str, ir.Named]) -> None:
    want = all_types["example.sql.Transaction"]
    for name in ("example.sql.Transaction", "example.sql.transaction", "TRANSACTION",
                 "generated.example.sql.Transaction", "sql_features"):
        if name == "sql_features":
            assert sqlddl.find_record(all_types, name).name == "example.sql.SqlFeatures"
            continue
        if name == "TRANSACTION":
            # ambiguous by short name: the Avro example.sales.Transaction too
            with pytest.raises(UsageError, match="ambiguous"):
                sqlddl.find_record(all_types, name)
            continue
        assert sqlddl.find_record(all_types, name) is want
    assert sqlddl.find_record(all_types, "Everything").name == "example.features.Everything"
    with pytest.raises(UsageError, match="no record 'Nope'.*example.sql.Transaction"):
        sqlddl.find_record(all_types, "Nope")
    # a qualified name must match qualified: the wrong namespace is not the short name
    for wrong in ("totally.wrong.Transaction", "wrong.Transaction"):
        with pytest.raises(UsageError, match=f"no record '{wrong}'"):
            sqlddl.find_record(all_types, wrong)


def test_find_record_by_class_name(tmp_path: Path) -> None:
    src = tmp_path / "k.sql"
    src.write_text("CREATE TABLE app.none (id BIGINT);\n")
    types = load(src).types
    assert sqlddl.find_record(types, "None_").name == "app.None"  # the generated class
    assert sqlddl.find_record(types, "gen.app.None_").name == "app.None"
    assert sqlddl.find_record(types, "app.none").name == "app.None"  # the table


def test_gaps_list_every_column(all_types: dict[str, ir.Named]) -> None:
    with pytest.raises(sqlmap.SqlMappingError) as exc:
        sqlddl.emit(all_types, "sql_features", "trino")
    msg = str(exc.value)
    assert msg.startswith("trino: record example.sql.SqlFeatures has columns with no trino type")
    assert "IR type uint64: Trino has no unsigned types" in msg and "(at u64)" in msg
    assert "IR type interval: " in msg and "(at wait)" in msg
    with pytest.raises(sqlmap.SqlMappingError) as exc:
        sqlddl.emit(all_types, "sql_features", "hive")
    assert "uint64: Hive has no unsigned types" in str(exc.value)
    # Spark and Hive declare what they read from engine="spark"/"hive" files instead of
    # refusing uuid (issue 12)
    assert "uuid" not in str(exc.value)
    assert "`uid` BINARY" in sqlddl.emit(all_types, "sql_features", "spark")


def test_recursive_records_are_refused(tmp_path: Path) -> None:
    src = tmp_path / "n.avsc"
    src.write_text(json.dumps({"type": "record", "name": "Node", "namespace": "r", "fields": [
        {"name": "kids", "type": {"type": "array", "items": "Node"}}]}))
    with pytest.raises(schemagen.ParquetMappingError, match="recursive"):
        sqlddl.emit(load(src).types, "Node", "duckdb")


def test_cli_ddl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sql", str(SQL_EXAMPLES), "--record", "transaction"]
    assert main([*args, "--dialect", "hive", "--location", "/d", "--table", "db.trans"]) == 0
    out = capsys.readouterr().out
    assert "CREATE EXTERNAL TABLE IF NOT EXISTS `db`.`trans` (" in out
    assert main([*args, "--dialect", "oracle"]) == 2
    err = capsys.readouterr().err
    assert "unknown SQL dialect 'oracle' (known: drill, duckdb, hive, postgres, spark, trino)" \
        in err
    assert main([*args, "--dialect", "postgres"]) == 2
    assert "DDL dialects: drill, duckdb, hive, spark, trino" in capsys.readouterr().err
    assert main(["sql", str(SQL_EXAMPLES), "--dialect", "duckdb"]) == 2
    assert "--record" in capsys.readouterr().err
    assert main(["sql", str(SQL_EXAMPLES), "--record", "sql_features", "--dialect", "hive"]) == 2
    err = capsys.readouterr().err
    assert "hive: record example.sql.SqlFeatures has columns with no hive type" in err
    assert "Traceback" not in err
    assert main(["sql", str(tmp_path / "missing"), "--record", "x", "--dialect", "duckdb"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["sql", "--types", str(SQL_EXAMPLES)]) == 2
    assert main([*args, "--dialect", "duckdb", "--table", "a..b"]) == 2


def test_cli_ddl_default_table_and_location(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", str(SCHEMAS / "avro" / "flat.avsc"), "--record", "FlatSale",
                 "--dialect", "spark"]) == 0
    out = capsys.readouterr().out
    assert "CREATE TABLE IF NOT EXISTS `flat_sale` (" in out and "USING PARQUET" in out
    assert "LOCATION 'flat_sale';" in out


def test_python_m_schemagen_sql(tmp_path: Path) -> None:
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "schemagen", "sql", str(SQL_EXAMPLES / "sales.sql"),
                          "--record", "example.sql.Transaction", "--dialect", "trino"],
                         capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert 'CREATE TABLE IF NOT EXISTS "transaction" (' in res.stdout


@pytest.mark.parametrize("dialect", DDL_DIALECTS)
def test_object_store_locations(dialect: str, all_types: dict[str, ir.Named]) -> None:
    """A URI --location is kept as the engine takes it (Drill: its storage plugin), and
    the DDL says the engine does not read schemagen's manifest."""
    ddl = sqlddl.emit(all_types, "example.sql.Transaction", dialect,
                      location="s3://bkt/data/trans")
    assert (f"-- Location s3://bkt/data/trans: on an object store schemagen's overwrite "
            f"switches generations with _schemagen/manifest.json, which "
            f"{sqlmap.dialect(dialect).title} does not read") in ddl
    if dialect == "drill":
        assert "FROM s3.`/data/trans` t;" in ddl
        assert "-- Drill reads it through a storage plugin whose connection is s3://bkt" in ddl
    elif dialect == "duckdb":
        assert "read_parquet('s3://bkt/data/trans/*.parquet', union_by_name = true)" in ddl
    elif dialect == "trino":
        assert "external_location = 's3://bkt/data/trans'" in ddl
    else:
        assert "LOCATION 's3://bkt/data/trans';" in ddl
    assert sqlglot.parse(ddl, read=dialect)
    local = sqlddl.emit(all_types, "example.sql.Transaction", dialect,
                        location="file:///data/trans")
    assert "-- Location" not in local
    if dialect == "drill":
        assert "FROM dfs.`/data/trans` t;" in local
