"""``.sql`` schemas: CREATE TABLE -> IR (naming, nullability, defaults, comments, nesting,
dialect selection, errors with file:line and column), and records round-tripping through
Parquet."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import uuid
import warnings
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
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
    run_mypy,
    run_ruff,
    run_ruff_defaults,
)

import schemagen
from schemagen import frontends, ir
from schemagen.cli.main import main
from schemagen.errors import SchemaError, SchemaWarning
from schemagen.frontends import sql as sqlfe

SQL_EXAMPLES = REPO / "schemas" / "sql"
UTC = datetime.UTC


def load_text(tmp_path: Path, text: str, name: str = "schema.sql",
              dialect: str | None = None) -> ir.Schema:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        return sqlfe.load([p], dialect)


def record(schema: ir.Schema, name: str) -> ir.Record:
    return schema.record(name)


def fields(rec: ir.Record) -> dict[str, ir.Field]:
    return {f.name: f for f in rec.fields}


@pytest.fixture(scope="module")
def sql_pkg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """schemas/sql compiled into a fresh package."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        pkg = build_package([SQL_EXAMPLES], tmp_path_factory.mktemp("sql_pkg"))
    yield pkg
    purge(pkg)


# --------------------------------------------------------------------------- the Drill sample


def _strip(t: ir.Type) -> ir.Type:
    inner, _ = ir.strip_nullable(t)
    if isinstance(inner, ir.List):
        return ir.List(_strip(inner.item))
    if isinstance(inner, ir.RecordRef):
        return ir.RecordRef(inner.name.rpartition(".")[2].removeprefix("Transaction"))
    return inner


def test_drill_sample_is_the_avro_sample(tmp_path: Path) -> None:
    """schemas/avro/sales.avsc's Transaction and schemas/sql/sales.sql's table agree."""
    avro = frontends.load([SCHEMAS / "avro" / "sales.avsc"])
    sql = sqlfe.load([SQL_EXAMPLES / "sales.sql"])
    a, s = avro.record("example.sales.Transaction"), sql.record("example.sql.Transaction")
    assert a.doc == s.doc
    assert [(f.name, f.doc) for f in a.fields] == [(f.name, f.doc) for f in s.fields]
    for fa, fs in zip(a.fields, s.fields):
        assert not isinstance(fs.type, ir.Nullable), fs.name  # all NOT NULL
        assert _strip(fa.type) == _strip(fs.type), fa.name
    for nested in ("UserInfo", "MarketingInfo", "TransInfo"):
        ra = avro.record(f"example.sales.{nested}")
        rs = sql.record(f"example.sql.Transaction{nested}")
        assert [(f.name, _strip(f.type)) for f in ra.fields] == \
            [(f.name, _strip(f.type)) for f in rs.fields]
    native = dict(s.native)
    assert native == {"writer.model.name": "sql", "sql.dialect": "drill",
                      "sql.table": "example.sql.transaction"}
    assert s.fields[0].origin == ir.SqlOrigin("BIGINT") and s.fields[0].metadata == ()
    assert s.table == "example.sql.transaction"


def test_drill_sample_round_trips(sql_pkg: GenPackage, tmp_path: Path) -> None:
    m = sql_pkg.module("example.sql")
    rec = m.Transaction(
        trans_id=31920, date=datetime.date(2013, 7, 26), time=datetime.time(4, 56, 59),
        amount=80.5,
        user_info=m.TransactionUserInfo(cust_id=28, device="IOS5", state="mt"),
        marketing_info=m.TransactionMarketingInfo(camp_id=4, keywords=["go", "to", None]),
        trans_info=m.TransactionTransInfo(prod_id=[16], purch_flag=False),
    )
    schemagen.write([rec], tmp_path / "t.parquet")
    assert list(schemagen.read(m.Transaction, tmp_path / "t.parquet")) == [rec]
    md = pq.ParquetFile(tmp_path / "t.parquet").schema_arrow.metadata
    assert md[b"writer.model.name"] == b"sql"
    assert md[b"sql.table"] == b"example.sql.transaction"
    assert md[b"sql.dialect"] == b"drill"
    root, types = ir.schema_from_json(md[b"schemagen.schema"].decode())
    assert root == "example.sql.Transaction"
    rec_ir = types[root]
    assert isinstance(rec_ir, ir.Record)
    assert rec_ir.fields[1].origin == ir.SqlOrigin("DATE")
    assert rec_ir.table == "example.sql.transaction"


# --------------------------------------------------------------------------- round trips

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("name", ["example.sql.SqlFeatures", "example.sql.Transaction"])
def test_sql_records_round_trip_through_parquet(sql_pkg: GenPackage, tmp_path: Path,
                                                name: str) -> None:
    cls = sql_pkg.record(name)
    rec, types = ir_of(cls)
    strategies = Strategies(sql_pkg, types)

    records = strategies.record(name)
    if name == "example.sql.SqlFeatures":
        # uint64 values above 2**63 - 1 hit a runtime bug: see the xfail test below
        records = records.map(lambda r: dataclasses.replace(
            r, u64=None if r.u64 is None else r.u64 % 2**63))

    @SETTINGS
    @given(st.lists(records, min_size=1, max_size=4))
    def check(rows: list[Any]) -> None:
        path = tmp_path / "rt.parquet"
        schemagen.write(rows, path)
        back = list(schemagen.read(cls, path))
        assert back == rows
        table = pq.read_table(path)
        assert table.to_pylist() == [record_arrow_expected(r) for r in rows]

    check()


def test_uint64_above_int64_max_round_trips(sql_pkg: GenPackage, tmp_path: Path) -> None:
    m = sql_pkg.module("example.sql")
    rec = m.SqlFeatures(id_=1, created=datetime.datetime(2024, 1, 1, tzinfo=UTC), u64=2**64 - 1)
    schemagen.write([rec], tmp_path / "u.parquet")
    assert list(schemagen.read(m.SqlFeatures, tmp_path / "u.parquet")) == [rec]


def test_sql_defaults_are_python_defaults(sql_pkg: GenPackage) -> None:
    m = sql_pkg.module("example.sql")
    r = m.SqlFeatures(id_=1, created=datetime.datetime(2024, 1, 1, tzinfo=UTC))
    assert r.tiny == -8 and r.small == 16 and r.count == 0 and r.big is None
    assert r.ratio == 0.5 and r.score == -125.0 and r.flag is True and r.name == "it's"
    assert r.payload == b"\xaa"
    assert r.price == decimal.Decimal("19.99") and r.total == decimal.Decimal("1234.5000")
    assert r.day == datetime.date(2024, 2, 29) and r.at_time == datetime.time(12, 30)
    assert r.local_ms == datetime.datetime(2020, 1, 1, 0, 0, 0, 123000)
    assert r.wait == schemagen.Interval(0, 3, 0)
    assert r.uid == uuid.UUID(int=1)
    assert r.suit == m.SqlFeaturesSuit.spades
    assert r.tags == ["a", "b"]
    assert m.SqlFeatures.__doc__.startswith("Every SQL feature")


def test_sql_package_passes_mypy_and_ruff(sql_pkg: GenPackage, tmp_path: Path) -> None:
    res = run_mypy(sql_pkg.path, tmp_path / "mypy-cache")
    assert res.returncode == 0, res.stdout + res.stderr
    res = run_ruff(sql_pkg.path)
    assert res.returncode == 0, res.stdout + res.stderr
    res = run_ruff_defaults(sql_pkg.path)
    assert res.returncode == 0, res.stdout + res.stderr


# --------------------------------------------------------------------------- mapping rules


def test_naming_namespaces_and_nesting(tmp_path: Path) -> None:
    schema = load_text(tmp_path, """
        CREATE TABLE shop.sales.order_lines (
          id BIGINT NOT NULL,
          ship_to STRUCT<street VARCHAR, geo STRUCT<lat DOUBLE, lon DOUBLE>>,
          parts ARRAY<STRUCT<sku VARCHAR NOT NULL>>,
          by_place MAP<VARCHAR, STRUCT<n INTEGER>>
        );
        CREATE TABLE `2020_archive` (x INTEGER);
        CREATE TABLE order_lines_ship_to (y INTEGER);
    """, name="my-file.sql")
    assert list(schema.types) == [
        "shop.sales.OrderLines", "shop.sales.OrderLinesShipToGeo", "shop.sales.OrderLinesShipTo",
        "shop.sales.OrderLinesParts", "shop.sales.OrderLinesByPlace",
        "my_file.T2020Archive", "my_file.OrderLinesShipTo",
    ]
    f = fields(record(schema, "shop.sales.OrderLines"))
    assert f["ship_to"].type == ir.Nullable(ir.RecordRef("shop.sales.OrderLinesShipTo"))
    assert f["parts"].type == ir.Nullable(ir.List(ir.Nullable(
        ir.RecordRef("shop.sales.OrderLinesParts"))))
    assert f["by_place"].type == ir.Nullable(ir.Map(ir.String(), ir.Nullable(
        ir.RecordRef("shop.sales.OrderLinesByPlace"))))
    parts = fields(record(schema, "shop.sales.OrderLinesParts"))
    assert parts["sku"].type == ir.String() and not parts["sku"].has_default
    geo = fields(record(schema, "shop.sales.OrderLinesShipToGeo"))
    assert geo["lat"].type == ir.Nullable(ir.Float(64)) and geo["lat"].default is None
    assert dict(record(schema, "my_file.T2020Archive").native)["sql.table"] == "2020_archive"


def test_name_collisions_between_structs_and_tables(tmp_path: Path) -> None:
    schema = load_text(tmp_path, """
        CREATE TABLE a (b_c STRUCT<x INTEGER>);
        CREATE TABLE a_b (c INTEGER);
        CREATE TABLE a_b_c (z INTEGER);
    """, name="n.sql")
    # the struct a.b_c would be ABC, which table a_b_c is: tables keep their names
    assert set(schema.types) == {"n.A", "n.ABC2", "n.AB", "n.ABC"}
    assert fields(record(schema, "n.A"))["b_c"].type == ir.Nullable(ir.RecordRef("n.ABC2"))


def test_two_tables_with_the_same_record_name_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as exc:
        load_text(tmp_path, "CREATE TABLE user_info (a INT);\nCREATE TABLE UserInfo (b INT);",
                  name="dup.sql")
    msg = str(exc.value)
    assert msg.startswith(f"{tmp_path / 'dup.sql'}:2:")
    assert "UserInfo" in msg and "user_info" in msg


def test_nullability_primary_keys_and_comments(tmp_path: Path) -> None:
    schema = load_text(tmp_path, """-- dialect: postgres
        CREATE TABLE app.accounts (
          id BIGINT PRIMARY KEY,
          email TEXT NOT NULL,
          nick TEXT NULL,
          region TEXT,
          other INTEGER,
          CONSTRAINT pk PRIMARY KEY (other)
        );
        COMMENT ON TABLE app.accounts IS 'User accounts.';
        COMMENT ON COLUMN app.accounts.email IS 'Login e-mail.';
    """)
    rec = record(schema, "app.Accounts")
    assert rec.doc == "User accounts."
    f = fields(rec)
    assert f["id"].type == ir.Int(64) and not f["id"].has_default
    assert f["email"].type == ir.String() and f["email"].doc == "Login e-mail."
    assert f["nick"].type == ir.Nullable(ir.String()) and f["nick"].default is None
    assert f["region"].default is None
    assert f["other"].type == ir.Int(32)
    assert f["email"].location is not None and f["email"].location.line == 4


def test_defaults_in_ir_value_form(tmp_path: Path) -> None:
    schema = load_text(tmp_path, """-- dialect: duckdb
        CREATE TABLE d (
          i INTEGER DEFAULT -3, f DOUBLE DEFAULT 2.5e1, r REAL DEFAULT '1.5',
          b BOOLEAN DEFAULT 'yes', s VARCHAR DEFAULT 'x''y', n VARCHAR DEFAULT NULL,
          dec DECIMAL(6, 3) DEFAULT 1.5, d DATE DEFAULT '2024-01-31',
          t TIME DEFAULT TIME '23:59:59.25', ts TIMESTAMP DEFAULT '2024-01-31 10:00:00',
          tz TIMESTAMPTZ DEFAULT '2024-01-31 10:00:00+02:00',
          u UUID DEFAULT 'a8098c1a-f86e-11da-bd1a-00112444be1e',
          j JSON DEFAULT '"text"', e ENUM('a', 'b') DEFAULT 'b',
          iv INTERVAL DEFAULT INTERVAL 2 MONTH, l INTEGER[] DEFAULT [1, 2, NULL],
          blob BLOB DEFAULT '\\x00\\xff'::BLOB,
          later TIMESTAMP DEFAULT now()
        );
    """)
    f = fields(record(schema, "schema.D"))
    assert f["i"].default == -3
    assert f["f"].default == 25.0 and f["r"].default == 1.5
    assert f["b"].default is True and f["s"].default == "x'y" and f["n"].default is None
    assert f["dec"].default == decimal.Decimal("1.500")
    assert f["d"].default == datetime.date(2024, 1, 31)
    assert f["t"].default == datetime.time(23, 59, 59, 250000)
    assert f["ts"].default == datetime.datetime(2024, 1, 31, 10)
    assert f["tz"].default == datetime.datetime(2024, 1, 31, 8, tzinfo=UTC)
    assert f["u"].default == uuid.UUID("a8098c1a-f86e-11da-bd1a-00112444be1e")
    assert f["j"].default == "text" and f["e"].default == "b"
    assert f["iv"].default == ir.IntervalValue(2, 0, 0)
    assert f["l"].default == (1, 2, None)
    assert f["blob"].default == b"\x00\xff"
    assert f["later"].default is None  # not a constant: ignored (nullable: None)


def test_non_constant_default_warns(tmp_path: Path) -> None:
    p = tmp_path / "w.sql"
    p.write_text("CREATE TABLE w (\n  at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n")
    with pytest.warns(SchemaWarning, match=r"w\.sql:2:3: column w\.at: DEFAULT") as rec:
        schema = sqlfe.load([p])
    assert "not a constant" in str(rec[0].message)
    assert not schema.record("w.W").fields[0].has_default


def test_ignored_statements_warn(tmp_path: Path) -> None:
    p = tmp_path / "s.sql"
    p.write_text("USE dfs.tmp;\nALTER SESSION SET `store.format` = 'parquet';\n"
                 "CREATE VIEW v AS SELECT 1;\nCREATE TABLE t (a INT);\n")
    with pytest.warns(SchemaWarning) as rec:
        schema = sqlfe.load([p])
    texts = [str(w.message) for w in rec]
    assert any("USE statement ignored" in t for t in texts)
    assert any("ALTER statement ignored" in t for t in texts)
    assert any("CREATE VIEW statement ignored" in t for t in texts)
    assert list(schema.types) == ["s.T"]


@pytest.mark.parametrize(("ddl", "line", "words"), [
    ("CREATE TABLE t (\n  a INTEGER DEFAULT 'abc'\n);", 2, ["column", "t.a", "abc", "int32"]),
    ("CREATE TABLE t (\n  a INTEGER NOT NULL DEFAULT NULL\n);", 2, ["t.a", "NOT NULL"]),
    ("CREATE TABLE t (\n  a TINYINT DEFAULT 300\n);", 2, ["t.a", "range"]),
    ("CREATE TABLE t (\n  a DECIMAL(4, 1) DEFAULT 1.25\n);", 2, ["t.a", "decimal places"]),
    ("CREATE TABLE t (\n  a DATE DEFAULT 'tomorrow'\n);", 2, ["t.a", "date"]),
])
def test_bad_defaults_name_file_line_and_column(tmp_path: Path, ddl: str, line: int,
                                                words: list[str]) -> None:
    with pytest.raises(SchemaError) as exc:
        load_text(tmp_path, ddl, name="bad.sql")
    msg = str(exc.value)
    assert msg.startswith(f"{tmp_path / 'bad.sql'}:{line}:3: "), msg
    for w in words:
        assert w in msg, msg


@pytest.mark.parametrize(("ddl", "pos", "words"), [
    ("-- dialect: spark\nCREATE TABLE t (\n  a BIGINT,\n  b UUID\n);", "4:3",
     ["column 'b'", "spark", "UUID", "t.b"]),
    ("CREATE TABLE t (\n  a BIGINT,\n  a INT\n);", "3:3", ["duplicate column 'a'"]),
    ("-- dialect: duckdb\nCREATE TABLE t (\n  a BIGINT,\n  b STRUCT(c FANCY)\n);", "4:3",
     ["column 'b'", "FANCY", "t.b.c"]),
    ("CREATE TABLE t (\n  a BIGINT,\n  b STRUCT<c FANCY>\n);", "3:14", ["syntax error"]),
    ("CREATE TABLE t AS SELECT 1 AS a;", "1:", ["AS SELECT", "declare the columns"]),
    ("CREATE TABLE t (\n  a BIGINT,\n  b INTEGER NOT\n);", "3:", ["syntax error"]),
    # no dialect line: the error says which dialect was assumed and how to pick another
    ("CREATE TABLE t (a INTEGER, b MAP(VARCHAR, INTEGER);", "1:",
     ["drill SQL syntax error", "read as drill", "-- dialect: NAME", "--sql-dialect"]),
    ("-- dialect: oracle\nCREATE TABLE t (a INT);", "1:13", ["unknown SQL dialect", "duckdb"]),
    ("CREATE TABLE t (a INT);\nCOMMENT ON COLUMN x.a IS 'no';", "2:", ["no table 'x'"]),
])
def test_errors_name_file_line_and_column(tmp_path: Path, ddl: str, pos: str,
                                          words: list[str]) -> None:
    with pytest.raises(SchemaError) as exc:
        load_text(tmp_path, ddl, name="e.sql")
    msg = str(exc.value)
    assert msg.startswith(f"{tmp_path / 'e.sql'}:{pos}"), msg
    for w in words:
        assert w in msg, msg


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "x.sql"
    p.write_bytes(b"CREATE TABLE t (a INT);\n-- \xff\n")
    with pytest.raises(SchemaError, match=r"x\.sql:2:4: file is not valid UTF-8"):
        sqlfe.load([p])


# --------------------------------------------------------------------------- dialects

TABLES = {
    "drill": "CREATE TABLE t (a INTEGER NOT NULL, b VARCHAR, c TIMESTAMP, d INTERVALDAY, "
             "e ARRAY<BIGINT>, f STRUCT<x DOUBLE>)",
    "duckdb": "CREATE TABLE t (a INTEGER NOT NULL, b VARCHAR, c TIMESTAMPTZ, d UUID, "
              "e BIGINT[], f STRUCT(x DOUBLE), g MAP(VARCHAR, INTEGER), h HUGEINT)",
    "spark": "CREATE TABLE t (a INT NOT NULL, b STRING, c TIMESTAMP, d TIMESTAMP_NTZ, "
             "e ARRAY<BIGINT>, f STRUCT<x: DOUBLE>, g MAP<STRING, INT>) USING PARQUET",
    "hive": "CREATE TABLE t (a INT NOT NULL, b STRING, c TIMESTAMP, e ARRAY<BIGINT>, "
            "f STRUCT<x:DOUBLE>, g MAP<STRING,INT>) STORED AS PARQUET",
    "trino": "CREATE TABLE t (a INTEGER NOT NULL, b VARCHAR(10), c TIMESTAMP(6) WITH TIME ZONE, "
             "d UUID, e ARRAY(BIGINT), f ROW(x DOUBLE), g MAP(VARCHAR, INTEGER)) "
             "WITH (format = 'PARQUET')",
    "postgres": "CREATE TABLE t (a INTEGER NOT NULL, b TEXT, c TIMESTAMPTZ, d UUID, "
                "e BIGINT[], j JSONB, s SERIAL)",
}


@pytest.mark.parametrize("dialect", list(TABLES))
def test_a_table_in_every_dialect(dialect: str, tmp_path: Path) -> None:
    text = TABLES[dialect]
    if dialect == "duckdb":
        with pytest.raises(SchemaError, match=r"column 'h'.*HUGEINT.*DECIMAL\(38, 0\)"):
            load_text(tmp_path, f"-- dialect: {dialect}\n{text};")
        text = text.replace(", h HUGEINT", "")
    schema = load_text(tmp_path, f"-- dialect: {dialect}\n{text};")
    f = fields(record(schema, "schema.T"))
    assert f["a"].type == ir.Int(32)
    assert f["b"].type == ir.Nullable(ir.String())
    assert f["e"].type == ir.Nullable(ir.List(ir.Nullable(ir.Int(64))))
    assert dict(record(schema, "schema.T").native)["sql.dialect"] == dialect


def test_dialect_comment_beats_the_option_and_drill_is_the_default(tmp_path: Path) -> None:
    spark_table = "CREATE TABLE t (a LONG, b TIMESTAMP)"
    s = load_text(tmp_path, spark_table, dialect="spark")
    assert fields(record(s, "schema.T"))["b"].type == ir.Nullable(ir.Timestamp("us", True))
    s = load_text(tmp_path, "-- dialect: hive\n" + spark_table.replace("LONG", "BIGINT"),
                  dialect="spark")
    assert fields(record(s, "schema.T"))["b"].type == ir.Nullable(ir.Timestamp("us", False))
    s = load_text(tmp_path, "CREATE TABLE t (b TIMESTAMP)")  # drill: TIMESTAMP_MILLIS
    assert fields(record(s, "schema.T"))["b"].type == ir.Nullable(ir.Timestamp("ms", True))
    assert sqlfe.DEFAULT_DIALECT == "drill"
    # only the first line counts
    with pytest.raises(SchemaError, match="TIMESTAMP_NTZ"):
        load_text(tmp_path, "\n-- dialect: spark\nCREATE TABLE t (a TIMESTAMP_NTZ)")


def test_compile_sql_dialect_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "ev.sql").write_text("CREATE TABLE lake.ev (id BIGINT NOT NULL, "
                                           "at TIMESTAMP_NTZ);\n")
    assert main(["compile", "s", "-o", "gen_opt", "-q"]) == 2  # drill has no TIMESTAMP_NTZ
    err = capsys.readouterr().err
    assert "ev.sql:1:" in err and "TIMESTAMP_NTZ" in err and "column 'at'" in err
    assert "Traceback" not in err
    assert main(["compile", "s", "-o", "gen_opt", "-q", "--sql-dialect", "spark"]) == 0
    text = (tmp_path / "gen_opt" / "lake.py").read_text()
    assert "class Ev:" in text and "at: _dt.datetime | None = None" in text
    assert main(["compile", "s", "-o", "gen_opt", "-q", "--sql-dialect", "oracle"]) == 2
    err = capsys.readouterr().err
    assert "unknown SQL dialect 'oracle'" in err and "drill, duckdb" in err


def test_sql_and_avro_compile_together(compile_schemas: Any, tmp_path: Path) -> None:
    avro = json.dumps({"type": "record", "name": "Ref", "namespace": "mix",
                       "fields": [{"name": "id", "type": "long"}]})
    pkg = compile_schemas({"ref.avsc": avro,
                           "t.sql": "CREATE TABLE mix.`orders` (id BIGINT NOT NULL);"})
    assert {"mix.Ref", "mix.Orders"} <= set(pkg.records())


# --------------------------------------------------------------------------- issue 15 item 6

@pytest.mark.parametrize(("dialect", "prop"), [
    ("drill", "LOG"), ("drill", "FALLBACK"), ("drill", "ALLOWED_VALUES"), ("spark", "USING"),
    ("postgres", "SET")])
def test_sqlglot_internal_errors_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               dialect: str, prop: str) -> None:
    # sqlglot itself raises TypeError ("Parser._parse_log() got an unexpected keyword
    # argument 'default'") on these: exit 2 naming the file, never a traceback
    src = tmp_path / "t.sql"
    src.write_text(f"-- dialect: {dialect}\nCREATE TABLE t (a INT) DEFAULT {prop};\n")
    with pytest.raises(SchemaError) as info:
        frontends.load([src])
    assert str(info.value).startswith(f"{src}: the {dialect} SQL parser (sqlglot) failed on "
                                      "this file: TypeError: ")
    assert "unexpected keyword argument 'default'" in str(info.value)
    assert main(["compile", str(src), "-o", str(tmp_path / "gen"), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"schemagen: error: {src}: the {dialect} SQL parser (sqlglot)")
    assert "Traceback" not in err
    assert not (tmp_path / "gen").exists()


def test_struct_nesting_limit(tmp_path: Path) -> None:
    def table(levels: int) -> str:
        return ("CREATE TABLE t (\n  id INT,\n  a " + "STRUCT<x: " * levels + "INT"
                + ">" * levels + "\n);\n")

    ok = tmp_path / "ok.sql"
    ok.write_text(table(ir.MAX_NESTING - 2))  # the record, the column's structs, INT
    assert len(frontends.load([ok]).types) == ir.MAX_NESTING - 1  # t and its structs
    for levels, message in ((ir.MAX_NESTING, f"{tmp_path / 'deep.sql'}:3:3: column 'a': its "
                             f"type is nested {ir.MAX_NESTING + 1} levels deep; the limit is "
                             f"{ir.MAX_NESTING} (at t.a)"),
                            (110, f"{tmp_path / 'deep.sql'}:3:3: column 'a': its type is nested "
                             "111 levels deep"),
                            (2000, f"{tmp_path / 'deep.sql'}: drill SQL nested too deeply for its "
                             f"parser (sqlglot); the limit is {ir.MAX_NESTING} levels")):
        (tmp_path / "deep.sql").write_text(table(levels))
        with pytest.raises(SchemaError) as info:
            frontends.load([tmp_path / "deep.sql"])
        assert str(info.value).startswith(message), str(info.value)
