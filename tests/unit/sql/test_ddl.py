"""``schemagen sql SCHEMA... --record NAME --dialect D``: DDL over files schemagen wrote.
DuckDB executes its DDL over real files (same values, the registry's types); sqlglot
parses every dialect's DDL; record lookup, escaping, gaps and exit codes."""

from __future__ import annotations

import datetime
import json
import shutil
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_helpers import (
    REPO,
    SCHEMAS,
    GenPackage,
    Strategies,
    build_package,
    ir_of,
    purge,
    record_arrow_expected,
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


@pytest.fixture(scope="module")
def all_types() -> dict[str, ir.Named]:
    """The SQL examples and the project's Avro schemas, as one IR schema."""
    return dict(load(SQL_EXAMPLES, SCHEMAS).types)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        p = build_package([SQL_EXAMPLES, SCHEMAS], tmp_path_factory.mktemp("ddl_pkg"))
    yield p
    purge(p)


# --------------------------------------------------------------------------- DuckDB executes it


def _norm(x: Any) -> Any:
    if isinstance(x, uuid.UUID):
        return str(x)
    if isinstance(x, dict):
        return {k: _norm(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_norm(v) for v in x]
    return x


def _duckdb_type(con: Any, sql_type: str) -> str:
    """DuckDB's own spelling of a type (what DESCRIBE shows)."""
    return str(con.execute(f"DESCRIBE SELECT CAST(NULL AS {sql_type}) AS c").fetchall()[0][1])


DUCKDB_RECORDS = ["example.sql.Transaction", "example.sql.SqlFeatures",
                  "example.sales.Transaction", "example.features.Everything",
                  "example.geometry.Shape"]


@pytest.mark.parametrize("name", DUCKDB_RECORDS)
def test_duckdb_runs_the_ddl_over_schemagen_files(name: str, pkg: GenPackage, tmp_path: Path,
                                                   all_types: dict[str, ir.Named]) -> None:
    cls = pkg.record(name)
    rec_ir, types = ir_of(cls)
    records = Strategies(pkg, types).record(name)
    if name == "example.sql.SqlFeatures":  # a runtime bug above 2**63 (test_sql_frontend)
        import dataclasses

        records = records.map(lambda r: dataclasses.replace(
            r, u64=None if r.u64 is None else r.u64 % 2**63))
    location = tmp_path / "dataset"
    ddl = sqlddl.emit(all_types, name, "duckdb", location=str(location), table="v")
    d = sqlmap.dialect("duckdb")
    ddl_types = DuckDBTypes(all_types, rec_ir)

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(st.lists(records, min_size=1, max_size=3), st.lists(records, max_size=2))
    def check(first: list[Any], second: list[Any]) -> None:
        shutil.rmtree(location, ignore_errors=True)
        schemagen.write(first, location)  # a dataset of one or two files
        if second:
            schemagen.write(second, location)
        rows = first + second
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute(ddl)
        # types: what the registry says (INTERVAL: the BLOB the files hold)
        described = {r[0]: r[1] for r in con.execute("DESCRIBE v").fetchall()}
        assert list(described) == [f.name for f in rec_ir.fields]
        for f in rec_ir.fields:
            assert described[f.name] == _duckdb_type(con, ddl_types.of(f)), f.name
        # values: what pyarrow reads from the same files
        got = con.sql("SELECT * FROM v").to_arrow_table().to_pylist()
        assert sorted(map(json.dumps, map(_jsonable, got))) == \
            sorted(map(json.dumps, (_jsonable(record_arrow_expected(r)) for r in rows)))
        con.close()

    check()
    assert d.name == "duckdb"


class DuckDBTypes:
    """The SQL type each column should have in the DuckDB view."""

    def __init__(self, types: dict[str, ir.Named], rec: ir.Record) -> None:
        self.types, self.rec = types, rec

    def of(self, f: ir.Field) -> str:
        return sqlmap.dialect("duckdb").to_sql(
            f.type, self.types, lambda t: "BLOB" if isinstance(t, ir.Interval) else None)


def _jsonable(x: Any) -> Any:
    x = _norm(x)
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    if isinstance(x, datetime.datetime) and x.tzinfo is not None:
        return x.astimezone(UTC).isoformat()
    if isinstance(x, (datetime.date, datetime.time, datetime.datetime)):
        return x.isoformat()
    if isinstance(x, bytes):
        return x.hex()
    if isinstance(x, float):
        return repr(x)
    if x is None or isinstance(x, (bool, int, str)):
        return x
    return str(x)


def test_duckdb_view_of_the_drill_sample(pkg: GenPackage, tmp_path: Path,
                                         all_types: dict[str, ir.Named]) -> None:
    m = pkg.module("example.sql")
    rows = [m.Transaction(
        trans_id=i, date=datetime.date(2013, 7, 26), time=datetime.time(4, 56, 59, 123000),
        amount=80.5 + i,
        user_info=m.TransactionUserInfo(cust_id=28, device="IOS5", state="mt"),
        marketing_info=m.TransactionMarketingInfo(camp_id=4, keywords=["go", "to", "these"]),
        trans_info=m.TransactionTransInfo(prod_id=[16, 17], purch_flag=i % 2 == 0),
    ) for i in range(3)]
    schemagen.write(rows, tmp_path / "trans")
    ddl = sqlddl.emit(all_types, "transaction", "duckdb", location=str(tmp_path / "trans"))
    con = duckdb.connect()
    con.execute(ddl)
    got = con.execute(
        'SELECT trans_id, "date", "time", user_info.cust_id, marketing_info.keywords[1], '
        "trans_info.prod_id FROM \"transaction\" ORDER BY trans_id").fetchall()
    assert got == [(i, datetime.date(2013, 7, 26), datetime.time(4, 56, 59, 123000), 28, "go",
                    [16, 17]) for i in range(3)]
    assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'transaction'"
                       ).fetchone() == ("A sales transaction: the sample record from Apache "
                                        "Drill's Parquet documentation.",)


# --------------------------------------------------------------------------- sqlglot parses it


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
    if dialect in ("spark", "hive"):
        assert "CREATE EXTERNAL TABLE IF NOT EXISTS `transaction`" in ddl
        assert "STORED AS PARQUET\nLOCATION '/data/trans';" in ddl
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


def test_trino_hive_connector_types(tmp_path: Path) -> None:
    src = tmp_path / "t.sql"
    src.write_text("-- dialect: trino\nCREATE TABLE hive.web.t (a TIMESTAMP(6) WITH TIME ZONE, "
                   "b UUID, c JSON, d TIME(3), e ROW(f TIMESTAMP(3) WITH TIME ZONE));\n")
    ddl = sqlddl.emit(load(src).types, "t", "trino", table="hive.web.t", location="s3://b/t")
    assert 'CREATE TABLE IF NOT EXISTS "hive"."web"."t" (' in ddl
    assert '"a" TIMESTAMP(6),' in ddl and '"b" VARBINARY,' in ddl and '"c" VARCHAR,' in ddl
    assert '"d" INTEGER,' in ddl and '"e" ROW(f TIMESTAMP(3))' in ddl
    assert "hive.timestamp_precision = 'MICROSECONDS'" in ddl
    assert "-- a: UTC instants" in ddl
    sqlglot.parse(ddl, read="trino")


# --------------------------------------------------------------------------- escaping


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


# --------------------------------------------------------------------------- record lookup


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


# --------------------------------------------------------------------------- gaps and CLI


def test_gaps_list_every_column(all_types: dict[str, ir.Named]) -> None:
    with pytest.raises(sqlmap.SqlMappingError) as exc:
        sqlddl.emit(all_types, "sql_features", "trino")
    msg = str(exc.value)
    assert msg.startswith("trino: record example.sql.SqlFeatures has columns with no trino type")
    assert "IR type uint64: Trino has no unsigned types" in msg and "(at u64)" in msg
    assert "IR type interval: " in msg and "(at wait)" in msg
    with pytest.raises(sqlmap.SqlMappingError, match=r"uuid: Spark SQL has no UUID type \(at uid\)"):
        sqlddl.emit(all_types, "sql_features", "spark")


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
    assert "CREATE EXTERNAL TABLE IF NOT EXISTS `flat_sale` (" in out
    assert "LOCATION 'flat_sale';" in out


def test_python_m_schemagen_sql(tmp_path: Path) -> None:
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "schemagen", "sql", str(SQL_EXAMPLES / "sales.sql"),
                          "--record", "example.sql.Transaction", "--dialect", "trino"],
                         capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert 'CREATE TABLE IF NOT EXISTS "transaction" (' in res.stdout
