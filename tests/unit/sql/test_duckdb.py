"""DuckDB executes its DDL over real files schemagen wrote (same values, the dialect's file
column types) and reads the Drill sample through its view."""

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
from schemagen import ir
from schemagen.errors import SchemaWarning
from schemagen.sql import ddl as sqlddl
from schemagen.sql import registry as sqlmap

SQL_EXAMPLES = REPO / "schemas" / "sql"
UTC = datetime.UTC


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        p = build_package([SQL_EXAMPLES, SCHEMAS], tmp_path_factory.mktemp("ddl_pkg"))
    yield p
    purge(p)


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
