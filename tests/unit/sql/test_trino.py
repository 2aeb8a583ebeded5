"""Trino: the Hive connector table over the files, whose column types differ from Trino's SQL
types (the file column type facet)."""

from __future__ import annotations

import warnings
from pathlib import Path

import sqlglot

from schemagen import frontends, ir
from schemagen.errors import SchemaWarning
from schemagen.sql import ddl as sqlddl


def load(*paths: Path) -> ir.Schema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        return frontends.load(frontends.find_schema_files(list(paths)))


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
