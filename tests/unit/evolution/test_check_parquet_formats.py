"""Parquet readability in `schemagen check` agrees with the runtime for Thrift, protobuf and
SQL schemas too (columns matched by field id, renames, id moves, nullability): files are
written with one generated version and read with the other, in both directions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import schemagen
from schemagen.errors import ReadError
from schemagen.evolution import engine
from schemagen.evolution.formats import parquet

TH = "namespace py t\nstruct R {{\n{}\n}}\n"
PB = 'syntax = "proto3";\npackage t;\nmessage R {{\n{}\n}}\n'
SQL = "-- dialect: duckdb\nCREATE TABLE r (\n{}\n);\n"

# (id, file name, old text, old values, new text, new values, (backward ok, forward ok))
CASES: list[tuple[str, str, str, dict[str, Any], str, dict[str, Any], tuple[bool, bool]]] = [
    ("thrift rename, same id", "r.thrift", TH.format("1: required i32 a"), {"a": 1},
     TH.format("1: required i32 b"), {"b": 2}, (True, True)),
    ("thrift same name, new id", "r.thrift", TH.format("1: required i32 a"), {"a": 1},
     TH.format("2: required i32 a"), {"a": 2}, (False, False)),
    ("thrift i32 -> i64", "r.thrift", TH.format("1: optional i32 a"), {"a": 1},
     TH.format("1: optional i64 a"), {"a": 2}, (True, False)),
    ("thrift id reused, other type", "r.thrift", TH.format("1: optional i32 a"), {"a": 1},
     TH.format("1: optional string s"), {"s": "x"}, (False, False)),
    ("proto rename, same number", "r.proto", PB.format("int32 a = 1;"), {"a": 1},
     PB.format("int32 b = 1;"), {"b": 2}, (True, True)),
    ("proto field added", "r.proto", PB.format("int32 a = 1;"), {"a": 1},
     PB.format("int32 a = 1; string s = 2;"), {"a": 1, "s": "x"}, (True, True)),
    ("proto int32 -> int64", "r.proto", PB.format("int32 a = 1;"), {"a": 1},
     PB.format("int64 a = 1;"), {"a": 2}, (True, False)),
    ("sql not null column added", "r.sql", SQL.format("a INTEGER"), {"a": 1},
     SQL.format("a INTEGER, b INTEGER NOT NULL"), {"a": 1, "b": 2}, (False, True)),
    ("sql int -> bigint", "r.sql", SQL.format("a INTEGER"), {"a": 1},
     SQL.format("a BIGINT"), {"a": 2}, (True, False)),
    ("sql column dropped", "r.sql", SQL.format("a INTEGER, b VARCHAR"), {"a": 1, "b": "x"},
     SQL.format("a INTEGER"), {"a": 2}, (True, True)),
]


def _reads(cls: Any, path: Path) -> bool:
    try:
        list(schemagen.read(cls, path))
    except ReadError:
        return False
    return True


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_check_agrees_with_runtime(tmp_path: Path, compile_schemas: Any,
                                   case: tuple[Any, ...]) -> None:
    _, name, old_text, old_vals, new_text, new_vals, expected = case
    for tag, text in (("o", old_text), ("n", new_text)):
        (tmp_path / tag).mkdir()
        (tmp_path / tag / name).write_text(text)
    old_s = engine.load_files([tmp_path / "o"])
    new_s = engine.load_files([tmp_path / "n"])
    findings = parquet.check(old_s, new_s)
    back_ok = not [x for x in findings if "backward" in x.breaks]
    fwd_ok = not [x for x in findings if "forward" in x.breaks]
    [root] = [n for n, t in new_s.types.items() if t.short_name in ("R", "r")]
    ns, _, short = root.rpartition(".")
    old_cls = getattr(compile_schemas({name: old_text}).module(ns), short)
    new_cls = getattr(compile_schemas({name: new_text}).module(ns), short)
    old_file = schemagen.write([old_cls(**old_vals)], tmp_path / "old.parquet")
    new_file = schemagen.write([new_cls(**new_vals)], tmp_path / "new.parquet")
    runtime = (_reads(new_cls, old_file), _reads(old_cls, new_file))
    assert (back_ok, fwd_ok) == runtime, findings
    assert runtime == expected, findings
