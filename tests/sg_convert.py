"""Shared by the tests of schemagen.convert (tests/unit/convert): schemas, input and reject helpers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sg_helpers import REPO

from schemagen import convert as cv

SALES = str(REPO / "schemas" / "avro" / "sales.avsc")
DRILL = REPO / "examples" / "drill" / "transactions.json"
UTC = dt.UTC


KITCHEN = json.dumps({
    "type": "record", "name": "Kitchen", "namespace": "t", "fields": [
        {"name": "id", "type": "long"},
        {"name": "small", "type": "int", "default": 0},
        {"name": "ratio", "type": "float", "default": 0.0},
        {"name": "flag", "type": "boolean", "default": False},
        {"name": "price", "type": ["null", {"type": "bytes", "logicalType": "decimal",
                                            "precision": 9, "scale": 2}], "default": None},
        {"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}],
         "default": None},
        {"name": "at", "type": ["null", {"type": "int", "logicalType": "time-millis"}],
         "default": None},
        {"name": "ts", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}],
         "default": None},
        {"name": "local", "type": ["null", {"type": "long",
                                            "logicalType": "local-timestamp-micros"}],
         "default": None},
        {"name": "color", "type": {"type": "enum", "name": "Color",
                                   "symbols": ["RED", "GREEN"]}, "default": "RED"},
        {"name": "note", "type": ["null", "string"], "default": None, "aliases": ["comment"]},
        {"name": "owner", "type": ["null", {"type": "record", "name": "Owner", "fields": [
            {"name": "name", "type": "string"},
            {"name": "age", "type": ["null", "int"], "default": None}]}], "default": None},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
        {"name": "items", "type": {"type": "array", "items": {
            "type": "record", "name": "Item", "fields": [
                {"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}]}},
         "default": []},
    ]})


FLAT = json.dumps({
    "type": "record", "name": "Flat", "namespace": "f", "fields": [
        {"name": "i", "type": "int"},
        {"name": "x", "type": ["null", "double"], "default": None},
        {"name": "b", "type": "boolean", "default": True},
        {"name": "d", "type": ["null", {"type": "int", "logicalType": "date"}], "default": None},
        {"name": "t", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}],
         "default": None},
        {"name": "s", "type": "string", "aliases": ["label"]},
        {"name": "e", "type": ["null", {"type": "enum", "name": "E", "symbols": ["A", "B"]}],
         "default": None},
        {"name": "in", "type": ["null", {"type": "record", "name": "In", "fields": [
            {"name": "k", "type": "long"}]}], "default": None},
    ]})


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def read_rejects(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def convert_rows(cls: Any, tmp: Path, rows: list[Any], **kw: Any) -> tuple[Any, Any, list[Any]]:
    src = write_jsonl(tmp / "in.jsonl", rows)
    out = tmp / "out.parquet"
    rej = tmp / "rej.jsonl"
    res = cv.convert(cls, [src], out, rejects=rej, **kw)
    return res, pq.read_table(out), read_rejects(rej)


def run_converter(cls: Any, path: Path, fast: bool, chunk: int,
                   unknown: Any) -> tuple[list[Any], list[Any], dict[str, int]]:
    batches: list[Any] = []
    rejects: list[Any] = []
    conv = cv.Converter(cls, batches.append, rejects.append, chunk_bytes=chunk,
                        unknown_fields=unknown)
    assert conv.fast
    conv.fast = fast
    conv.json_lines(path)
    rows = pa.Table.from_batches(batches, schema=cls.arrow_schema()).to_pylist() \
        if batches else []
    return rows, [(r.line, r.path, r.reason) for r in rejects], conv.ignored

