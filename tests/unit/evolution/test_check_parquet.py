"""Parquet readability in `schemagen check` agrees with what the runtime does: files are
written with one generated version of a record and read with the other, in both
directions, and the check's verdict must match the read's outcome."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import schemagen
from schemagen.errors import ReadError
from schemagen.evolution import engine
from schemagen.evolution.formats import parquet


def rec(*fields: dict[str, Any]) -> str:
    return json.dumps({"type": "record", "name": "R", "namespace": "ns", "fields": list(fields)})


def f(name: str, type_: Any, **kw: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **kw}


# (id, old schema, old values, new schema, new values)
CASES: list[tuple[str, str, dict[str, Any], str, dict[str, Any]]] = [
    ("same", rec(f("a", "int")), {"a": 1}, rec(f("a", "int")), {"a": 1}),
    ("int->long", rec(f("a", "int")), {"a": 1}, rec(f("a", "long")), {"a": 1}),
    ("float->double", rec(f("a", "float")), {"a": 1.5}, rec(f("a", "double")), {"a": 1.5}),
    ("int->string", rec(f("a", "int")), {"a": 1}, rec(f("a", "string")), {"a": "x"}),
    ("field added with default", rec(f("a", "int")), {"a": 1},
     rec(f("a", "int"), f("b", "string", default="d")), {"a": 1, "b": "x"}),
    ("field added without default", rec(f("a", "int")), {"a": 1},
     rec(f("a", "int"), f("b", "string")), {"a": 1, "b": "x"}),
    ("nullable field added", rec(f("a", "int")), {"a": 1},
     rec(f("a", "int"), f("b", ["null", "string"])), {"a": 1, "b": None}),
    ("field renamed with alias", rec(f("a", "int")), {"a": 1},
     rec(f("b", "int", aliases=["a"])), {"b": 1}),
    ("required -> nullable", rec(f("a", "int")), {"a": 1},
     rec(f("a", ["null", "int"], default=None)), {"a": 2}),
    ("decimal widened",
     rec(f("d", {"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2})),
     {"d": __import__("decimal").Decimal("1.25")},
     rec(f("d", {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 3})),
     {"d": __import__("decimal").Decimal("1.250")}),
    ("nested record field narrowed",
     rec(f("i", {"type": "record", "name": "Inner", "fields": [f("x", "long")]})), {"x": 1},
     rec(f("i", {"type": "record", "name": "Inner", "fields": [f("x", "int")]})), {"x": 1}),
]


# the verdict both must reach: (backward ok, forward ok)
EXPECTED = {
    "same": (True, True), "int->long": (True, False), "float->double": (True, False),
    "int->string": (False, False), "field added with default": (True, True),
    "field added without default": (False, True), "nullable field added": (True, True),
    # the writer field's aliases name the reader's field (as Avro resolves it)
    "field renamed with alias": (True, True),
    # a nullable column read as required: checked per batch (no null here), not refused
    "required -> nullable": (True, True),
    "decimal widened": (True, False), "nested record field narrowed": (False, True),
}


def _make(mod: Any, values: dict[str, Any]) -> Any:
    if "x" in values:  # the nested case
        return mod.R(i=mod.Inner(x=values["x"]))
    return mod.R(**values)


def _reads(reader_cls: Any, path: Path) -> bool:
    try:
        list(schemagen.read(reader_cls, path))
    except ReadError:
        return False
    return True


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_check_agrees_with_runtime(tmp_path: Path, compile_schemas: Any,
                                   case: tuple[str, str, dict[str, Any], str, dict[str, Any]]
                                   ) -> None:
    _, old_text, old_vals, new_text, new_vals = case
    old_mod = compile_schemas({"r.avsc": old_text}).module("ns")
    new_mod = compile_schemas({"r.avsc": new_text}).module("ns")
    (tmp_path / "o").mkdir()
    (tmp_path / "n").mkdir()
    (tmp_path / "o" / "r.avsc").write_text(old_text)
    (tmp_path / "n" / "r.avsc").write_text(new_text)
    findings = parquet.check(engine.load_files([tmp_path / "o"]),
                             engine.load_files([tmp_path / "n"]))
    assert all(x.category == "PARQUET" and x.path.startswith("ns.R") for x in findings)
    old_file = schemagen.write([_make(old_mod, old_vals)], tmp_path / "old.parquet")
    new_file = schemagen.write([_make(new_mod, new_vals)], tmp_path / "new.parquet")
    back_ok = not [x for x in findings if "backward" in x.breaks]
    fwd_ok = not [x for x in findings if "forward" in x.breaks]
    assert (back_ok, fwd_ok) == EXPECTED[case[0]]
    assert _reads(new_mod.R, old_file) is back_ok, findings
    assert _reads(old_mod.R, new_file) is fwd_ok, findings


def test_finding_points_at_the_field(tmp_path: Path) -> None:
    for tag, text in (("o", rec(f("a", "int"), f("b", "long"))),
                      ("n", rec(f("a", "int"), f("b", "int"), f("c", "string")))):
        (tmp_path / tag).mkdir()
        (tmp_path / tag / "r.avsc").write_text(text.replace(", {", ",\n {"))
    findings = parquet.check(engine.load_files([tmp_path / "o"]),
                             engine.load_files([tmp_path / "n"]))
    by_path = {x.path: x for x in findings}
    assert set(by_path) == {"ns.R.b", "ns.R.c"}
    b, c = by_path["ns.R.b"], by_path["ns.R.c"]
    assert b.breaks == {"backward"} and b.line == 2 and b.rule == "PARQUET_UNREADABLE"
    assert "a reader using the new schema cannot read data written with the old one" in b.message
    assert c.breaks == {"backward"} and c.line == 3


@pytest.mark.parametrize(("old_d", "new_d", "a_type", "verdict"), [
    ((10, 2), (10, 4), "int", (False, False)),   # a decimal's scale changed: unreadable
    ((10, 2), (12, 2), "long", (True, False)),   # widened both: backward only
    ((10, 2), (10, 2), "int", (True, True)),
])
def test_renamed_record_checked_through_its_alias(
        tmp_path: Path, compile_schemas: Any, old_d: tuple[int, int], new_d: tuple[int, int],
        a_type: str, verdict: tuple[bool, bool]) -> None:
    import decimal

    def text(name: str, d: tuple[int, int], a: str, aliases: list[str]) -> str:
        dec = {"type": "bytes", "logicalType": "decimal", "precision": d[0], "scale": d[1]}
        return json.dumps({"type": "record", "name": name, "namespace": "ns",
                           "aliases": aliases, "fields": [f("a", a), f("d", dec)]})

    old_text, new_text = text("R", old_d, "int", []), text("R2", new_d, a_type, ["ns.R"])
    old_mod = compile_schemas({"r.avsc": old_text}).module("ns")
    new_mod = compile_schemas({"r.avsc": new_text}).module("ns")
    for tag, t in (("o", old_text), ("n", new_text)):
        (tmp_path / tag).mkdir()
        (tmp_path / tag / "r.avsc").write_text(t)
    findings = parquet.check(engine.load_files([tmp_path / "o"]),
                             engine.load_files([tmp_path / "n"]))
    assert all(x.path.startswith("ns.R2.") for x in findings), findings
    back_ok = not [x for x in findings if "backward" in x.breaks]
    fwd_ok = not [x for x in findings if "forward" in x.breaks]
    assert (back_ok, fwd_ok) == verdict
    old_file = schemagen.write([old_mod.R(a=1, d=decimal.Decimal("1.25"))], tmp_path / "o.parquet")
    new_file = schemagen.write([new_mod.R2(a=1, d=decimal.Decimal("1.25"))],
                               tmp_path / "n.parquet")
    assert _reads(new_mod.R2, old_file) is back_ok, findings
    assert _reads(old_mod.R, new_file) is fwd_ok, findings


def test_every_field_reported_on_one_line(tmp_path: Path) -> None:
    # a one-line schema (minified .avsc, a one-line CREATE TABLE, a Thrift map): findings of
    # different fields with the same reason share file:line but are all reported
    cases = [
        ("r.avsc", json.dumps({"type": "record", "name": "R", "namespace": "n", "fields": [
            f("a", "long"), f("b", "long")]}),
         json.dumps({"type": "record", "name": "R", "namespace": "n", "fields": [
             f("a", "int"), f("b", "int")]}), {"n.R.a", "n.R.b"}),
        ("s.thrift", "namespace py x\nstruct S { 1: map<i64,i64> m }\n",
         "namespace py x\nstruct S { 1: map<i32,i32> m }\n", {"x.S.m{key}", "x.S.m{value}"}),
        ("t.sql", "-- dialect: duckdb\nCREATE TABLE t (a BIGINT, b BIGINT, c BIGINT);\n",
         "-- dialect: duckdb\nCREATE TABLE t (a INTEGER, b INTEGER, c BIGINT);\n",
         {"t.T.a", "t.T.b"}),
    ]
    for i, (name, old_text, new_text, paths) in enumerate(cases):
        for tag, text in (("o", old_text), ("n", new_text)):
            (tmp_path / f"{tag}{i}").mkdir()
            (tmp_path / f"{tag}{i}" / name).write_text(text)
        findings = parquet.check(engine.load_files([tmp_path / f"o{i}"]),
                                 engine.load_files([tmp_path / f"n{i}"]))
        assert {x.path for x in findings} == paths, findings
        assert all(x.breaks == {"backward"} for x in findings)


def test_nested_record_reported_once(tmp_path: Path) -> None:
    # the same nested field reached through a field, a list and a union: one finding
    inner = {"type": "record", "name": "S", "fields": [f("q", "int")]}
    old = rec(f("sub", inner), f("subs", {"type": "array", "items": "S"}), f("u", ["null", "S"]))
    new = old.replace('"q", "type": "int"', '"q", "type": "string"')
    for tag, text in (("o", old), ("n", new)):
        (tmp_path / tag).mkdir()
        (tmp_path / tag / "r.avsc").write_text(text)
    findings = parquet.check(engine.load_files([tmp_path / "o"]),
                             engine.load_files([tmp_path / "n"]))
    assert [x.path for x in findings] == ["ns.R.sub.q"]


def test_transitive_check_plans_unchanged_records_once(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # a long snapshot history: unchanged records are not planned again for every version
    from schemagen.runtime import resolve

    calls = []
    real = resolve.readability_problems

    def counting(**kw: Any) -> Any:
        calls.append(kw["reader"][0])
        return real(**kw)

    monkeypatch.setattr(resolve, "readability_problems", counting)
    parquet._problems.cache_clear()
    for i in range(5):
        (tmp_path / "s").mkdir(exist_ok=True)
        (tmp_path / "s" / f"r{i}.avsc").write_text(json.dumps(
            {"type": "record", "name": f"R{i}", "namespace": "ns", "fields": [f("a", "int")]}))
    schema = engine.load_files([tmp_path / "s"])
    history = [engine.Version(f"v{i}", engine.load_files([tmp_path / "s"])) for i in range(20)]
    result = engine.run(schema, history, "full_transitive")
    assert result.ok
    assert len(calls) == 5  # one plan per record (same reader and writer both ways)
