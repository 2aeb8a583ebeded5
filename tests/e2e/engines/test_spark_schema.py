"""``schemagen sql --dialect spark --format schema`` (issue 12, Deliver 2): the record as
Spark's StructType JSON with ``parquet.field.id`` metadata; with
``spark.sql.parquet.fieldId.read.enabled`` Spark matches the file's columns by id, so a
field renamed in the schema (same id) still reads its values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import schemagen
from schemagen.cli.main import main
from schemagen.sql import ddl

THRIFT = """namespace py fid
struct Item { 1: required i64 sku, 2: optional string note }
struct Order {
  1: required i64 oid,
  3: required double amount,
  4: optional list<Item> items,
  5: optional map<string, i32> counts,
  7: optional i64 n,
}
"""


@pytest.fixture(scope="module")
def mod(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("fid") / "o.thrift"
    path.write_text(THRIFT)
    return schemagen.load(path)


def _schema(mod: Any) -> dict[str, Any]:
    text = ddl.emit(mod.Order.__schemagen__.ir[1], "Order", "spark", form="schema")
    return json.loads(text)


def test_the_schema_carries_the_field_ids(mod: Any) -> None:
    schema = _schema(mod)
    assert [(f["name"], f["metadata"]) for f in schema["fields"]][:3] == [
        ("oid", {"parquet.field.id": 1}), ("amount", {"parquet.field.id": 3}),
        ("items", {"parquet.field.id": 4})]
    item = schema["fields"][2]["type"]["elementType"]
    assert item["fields"][0] == {"name": "sku", "type": "long", "nullable": False,
                                 "metadata": {"parquet.field.id": 1}}
    assert schema["fields"][3]["type"] == {"type": "map", "keyType": "string",
                                           "valueType": "integer", "valueContainsNull": False}


def test_cli_format_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "o.thrift").write_text(THRIFT)
    args = ["sql", str(tmp_path / "o.thrift"), "--record", "Order"]
    assert main([*args, "--dialect", "spark", "--format", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["type"] == "struct"
    assert main([*args, "--dialect", "duckdb", "--format", "schema"]) == 2
    assert "--format schema is Spark's StructType (--dialect spark); DuckDB has none" in \
        capsys.readouterr().err
    assert main([*args, "--dialect", "spark", "--format", "json"]) == 2
    assert "--format json is for --types" in capsys.readouterr().err
    assert main(["sql", "--types", "--format", "schema"]) == 2


@pytest.mark.spark
def test_spark_matches_columns_by_field_id(spark: Any, mod: Any, tmp_path: Path) -> None:
    from pyspark.sql.types import StructType

    rows = [mod.Order(oid=i, amount=1.5 * i, items=[mod.Item(sku=i, note=None)],
                      counts={"a": i}, n=None if i else 7)
            for i in range(3)]
    schemagen.write(rows, tmp_path / "o", engine="spark")
    schema = _schema(mod)
    schema["fields"][1]["name"] = "total"  # renamed, same id 3
    schema["fields"][2]["type"]["elementType"]["fields"][0]["name"] = "code"  # nested, id 1
    spark.conf.set("spark.sql.parquet.fieldId.read.enabled", "true")
    try:
        frame = spark.read.schema(StructType.fromJson(schema)).parquet(str(tmp_path / "o"))
        got = sorted(frame.collect(), key=lambda r: r.oid)
    finally:
        spark.conf.unset("spark.sql.parquet.fieldId.read.enabled")
    assert [(r.oid, r.total, [x.code for x in r["items"]], r.counts, r.n) for r in got] == [
        (r.oid, r.amount, [x.sku for x in r.items], r.counts, r.n)
        for r in rows]
