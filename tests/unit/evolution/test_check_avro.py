"""Avro rules of `schemagen check`: classic old/new pairs, verdict per mode, and the same
verdict as the `avro` package's ReaderWriterCompatibilityChecker (Apache Avro's
SchemaCompatibility port) on every pair."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import avro.schema
import pytest
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from schemagen import ir
from schemagen.evolution import engine
from schemagen.evolution.formats import avro as avro_rules
from schemagen.evolution.model import mode_directions


def rec(*fields: dict[str, Any], name: str = "R", aliases: list[str] | None = None,
        extra: list[dict[str, Any]] | None = None) -> str:
    doc: dict[str, Any] = {"type": "record", "name": name, "namespace": "ns",
                           "fields": list(fields)}
    if aliases:
        doc["aliases"] = aliases
    return json.dumps(doc)


def f(name: str, type_: Any, **kw: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **kw}


ENUM = {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}
ENUM3 = {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}
ENUM3_DEF = {**ENUM3, "default": "RED"}
ENUM_DEF = {**ENUM, "default": "RED"}
INNER = {"type": "record", "name": "Inner", "fields": [f("x", "int")]}
INNER_LONG = {"type": "record", "name": "Inner", "fields": [f("x", "long")]}
INNER_Y = {"type": "record", "name": "Inner", "fields": [f("x", "int"), f("y", "string")]}

# (id, old, new, rules expected (any direction), backward ok, forward ok)
CASES: list[tuple[str, str, str, set[str], bool, bool]] = [
    ("same", rec(f("a", "int")), rec(f("a", "int")), set(), True, True),
    ("int->long", rec(f("a", "int")), rec(f("a", "long")), {"TYPE_MISMATCH"}, True, False),
    ("long->int", rec(f("a", "long")), rec(f("a", "int")), {"TYPE_MISMATCH"}, False, True),
    ("int->double", rec(f("a", "int")), rec(f("a", "double")), {"TYPE_MISMATCH"}, True, False),
    ("long->float", rec(f("a", "long")), rec(f("a", "float")), {"TYPE_MISMATCH"}, True, False),
    ("float->double", rec(f("a", "float")), rec(f("a", "double")), {"TYPE_MISMATCH"},
     True, False),
    ("string->bytes", rec(f("a", "string")), rec(f("a", "bytes")), set(), True, True),
    ("int->string", rec(f("a", "int")), rec(f("a", "string")), {"TYPE_MISMATCH"}, False, False),
    ("boolean->int", rec(f("a", "boolean")), rec(f("a", "int")), {"TYPE_MISMATCH"},
     False, False),
    ("enum symbol added, no default", rec(f("c", ENUM)), rec(f("c", ENUM3)),
     {"MISSING_ENUM_SYMBOLS"}, True, False),
    ("enum symbol added, old enum has a default", rec(f("c", ENUM_DEF)), rec(f("c", ENUM3)),
     set(), True, True),
    ("enum symbol removed, no default", rec(f("c", ENUM3)), rec(f("c", ENUM)),
     {"MISSING_ENUM_SYMBOLS"}, False, True),
    ("enum symbol removed, new enum has a default", rec(f("c", ENUM3)), rec(f("c", ENUM_DEF)),
     set(), True, True),
    ("enum symbol removed, both defaults", rec(f("c", ENUM3_DEF)), rec(f("c", ENUM_DEF)),
     set(), True, True),
    ("field added with default", rec(f("a", "int")), rec(f("a", "int"), f("b", "int", default=0)),
     set(), True, True),
    ("field added without default", rec(f("a", "int")), rec(f("a", "int"), f("b", "int")),
     {"READER_FIELD_MISSING_DEFAULT_VALUE"}, False, True),
    ("field removed, had a default", rec(f("a", "int"), f("b", "int", default=1)),
     rec(f("a", "int")), set(), True, True),
    ("field removed, no default", rec(f("a", "int"), f("b", "int")), rec(f("a", "int")),
     {"READER_FIELD_MISSING_DEFAULT_VALUE"}, True, False),
    ("[null, T] -> T", rec(f("a", ["null", "int"])), rec(f("a", "int")), {"TYPE_MISMATCH"},
     False, True),
    ("T -> [null, T]", rec(f("a", "int")), rec(f("a", ["null", "int"])), {"TYPE_MISMATCH"},
     True, False),
    ("T -> [T, null] with default", rec(f("a", "int")), rec(f("a", ["int", "null"], default=1)),
     {"TYPE_MISMATCH"}, True, False),
    ("fixed size change", rec(f("h", {"type": "fixed", "name": "H", "size": 16})),
     rec(f("h", {"type": "fixed", "name": "H", "size": 32})), {"FIXED_SIZE_MISMATCH"},
     False, False),
    ("field renamed with alias", rec(f("a", "int")), rec(f("b", "int", aliases=["a"])),
     {"READER_FIELD_MISSING_DEFAULT_VALUE"}, True, False),
    ("field renamed without alias", rec(f("a", "int")), rec(f("b", "int")),
     {"READER_FIELD_MISSING_DEFAULT_VALUE"}, False, False),
    ("record renamed with alias", rec(f("a", "int")), rec(f("a", "int"), name="S",
                                                          aliases=["ns.R"]),
     {"NAME_MISMATCH"}, True, False),
    ("nested record renamed without alias", rec(f("i", INNER)),
     rec(f("i", {**INNER, "name": "Other"})), {"NAME_MISMATCH"}, False, False),
    ("enum renamed without alias", rec(f("c", ENUM)), rec(f("c", {**ENUM, "name": "Colour"})),
     {"NAME_MISMATCH"}, False, False),
    ("union branch dropped", rec(f("u", ["null", "int", "string"])),
     rec(f("u", ["null", "int"])), {"MISSING_UNION_BRANCH"}, False, True),
    ("union branch added", rec(f("u", ["null", "int"])), rec(f("u", ["null", "int", "string"])),
     {"MISSING_UNION_BRANCH"}, True, False),
    ("T -> [T, string]", rec(f("u", "int")), rec(f("u", ["int", "string"])), {"TYPE_MISMATCH"},
     True, False),
    ("union int branch -> long", rec(f("u", ["null", "int"])), rec(f("u", ["null", "long"])),
     {"MISSING_UNION_BRANCH"}, True, False),
    ("nested field int->long", rec(f("i", INNER)), rec(f("i", INNER_LONG)), {"TYPE_MISMATCH"},
     True, False),
    ("nested field added without default", rec(f("i", INNER)), rec(f("i", INNER_Y)),
     {"READER_FIELD_MISSING_DEFAULT_VALUE"}, False, True),
    ("array items int->long", rec(f("a", {"type": "array", "items": "int"})),
     rec(f("a", {"type": "array", "items": "long"})), {"TYPE_MISMATCH"}, True, False),
    ("map values long->int", rec(f("m", {"type": "map", "values": "long"})),
     rec(f("m", {"type": "map", "values": "int"})), {"TYPE_MISMATCH"}, False, True),
    ("array -> map", rec(f("a", {"type": "array", "items": "int"})),
     rec(f("a", {"type": "map", "values": "int"})), {"TYPE_MISMATCH"}, False, False),
    ("record -> string", rec(f("i", INNER)), rec(f("i", "string")), {"TYPE_MISMATCH"},
     False, False),
    ("logical timestamp-millis -> long (same underlying type)",
     rec(f("t", {"type": "long", "logicalType": "timestamp-millis"})), rec(f("t", "long")),
     set(), True, True),
    # SchemaCompatibility's quirk: a missing enum field whose enum has a default symbol is
    # compared with the writer record (TYPE_MISMATCH, not READER_FIELD_MISSING_DEFAULT_VALUE)
    ("enum field with a default symbol added without a field default", rec(f("a", "int")),
     rec(f("a", "int"), f("c", ENUM_DEF)), {"TYPE_MISMATCH"}, False, True),
    ("several changes, all reported",
     rec(f("a", "int"), f("b", "string"), f("c", ENUM3)),
     rec(f("a", "string"), f("c", ENUM), f("d", "int")),
     {"TYPE_MISMATCH", "MISSING_ENUM_SYMBOLS", "READER_FIELD_MISSING_DEFAULT_VALUE"},
     False, False),
]


def load(tmp_path: Path, tag: str, text: str) -> ir.Schema:
    d = tmp_path / tag
    d.mkdir()
    (d / "r.avsc").write_text(text)
    return engine.load_files([d])


def avro_lib_ok(reader: str, writer: str) -> tuple[bool, set[str]]:
    res = ReaderWriterCompatibilityChecker().get_compatibility(
        avro.schema.parse(reader), avro.schema.parse(writer))
    return (res.compatibility is SchemaCompatibilityType.compatible,
            {i.name.upper() for i in res.incompatibilities})


def _ids(cases: list[Any]) -> list[str]:
    return [c[0] for c in cases]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_avro_pairs(tmp_path: Path, case: tuple[str, str, str, set[str], bool, bool]) -> None:
    _, old_text, new_text, rules, back_ok, fwd_ok = case
    old, new = load(tmp_path, "old", old_text), load(tmp_path, "new", new_text)
    findings = avro_rules.check(old, new)
    assert {x.rule.removeprefix("AVRO_") for x in findings} == rules
    assert all(x.category == "AVRO" and x.severity == "error" and x.breaks for x in findings)
    back = [x for x in findings if "backward" in x.breaks]
    fwd = [x for x in findings if "forward" in x.breaks]
    assert (not back) is back_ok
    assert (not fwd) is fwd_ok
    # verdict per mode through the engine (Parquet readability is checked elsewhere)
    for mode, ok in (("backward", back_ok), ("forward", fwd_ok), ("full", back_ok and fwd_ok),
                     ("none", True)):
        failing = [x for x in findings if x.fails(mode_directions(mode))]
        assert (not failing) is ok, mode
    # Apache Avro (the avro package) agrees, in both directions, on the incompatibility kinds
    lib_back, kinds_back = avro_lib_ok(new_text, old_text)
    lib_fwd, kinds_fwd = avro_lib_ok(old_text, new_text)
    assert lib_back is back_ok and lib_fwd is fwd_ok
    assert {x.rule.removeprefix("AVRO_") for x in back} == kinds_back
    assert {x.rule.removeprefix("AVRO_") for x in fwd} == kinds_fwd
    for x in findings:  # every finding explains its direction and points at a schema line
        assert x.file and x.file.endswith("r.avsc") and x.line and x.line > 0
        for d in x.breaks:
            assert {"backward": "a reader using the new schema cannot read data written with "
                                "the old one",
                    "forward": "a reader using the old schema cannot read data written with "
                               "the new one"}[d] in x.message


def test_finding_details(tmp_path: Path) -> None:
    old = load(tmp_path, "old", rec(f("i", INNER), f("gone", "int")))
    new_text = rec(f("i", INNER_LONG))
    new = load(tmp_path, "new", new_text)
    by_rule = {x.rule: x for x in avro_rules.check(old, new)}
    t = by_rule["AVRO_TYPE_MISMATCH"]
    assert t.path == "ns.R.i.x" and t.old == "int" and t.new == "long"
    assert t.breaks == {"forward"}
    assert t.file is not None and t.file.startswith(str(tmp_path / "new"))
    # line of the inner field "x" in the new file (json.dumps puts everything on line 1)
    assert t.line == 1
    m = by_rule["AVRO_READER_FIELD_MISSING_DEFAULT_VALUE"]
    assert m.path == "ns.R.gone" and m.breaks == {"forward"} and m.old == "int" and m.new is None
    assert m.file is not None and m.file.startswith(str(tmp_path / "old"))  # deletion: old file


def test_recursive_records(tmp_path: Path) -> None:
    node = {"type": "record", "name": "Node", "namespace": "ns",
            "fields": [f("v", "int"), f("next", ["null", "Node"], default=None)]}
    node2 = {**node, "fields": [f("v", "long"), f("next", ["null", "Node"], default=None)]}
    old = load(tmp_path, "old", json.dumps(node))
    new = load(tmp_path, "new", json.dumps(node2))
    findings = avro_rules.check(old, new)
    assert [(x.rule, x.path, x.breaks) for x in findings] == [
        ("AVRO_TYPE_MISMATCH", "ns.Node.v", frozenset({"forward"}))]


# --------------------------------------------------------------------------- property

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PRIMS = ["int", "long", "float", "double", "string", "bytes", "boolean"]
_plain = st.sampled_from(PRIMS) | st.sampled_from([ENUM, ENUM3, ENUM_DEF, INNER, INNER_LONG])
_unnamed = st.one_of(
    st.sampled_from(PRIMS),
    st.builds(lambda t: {"type": "array", "items": t}, st.sampled_from(PRIMS)),
    st.builds(lambda t: {"type": "map", "values": t}, st.sampled_from(PRIMS)),
    st.lists(st.sampled_from(PRIMS), min_size=1, max_size=3, unique=True).map(
        lambda ts: ["null", *ts]),
    st.lists(st.sampled_from(PRIMS), min_size=2, max_size=3, unique=True),
)
# named types (enums, records) only in field "a", so each name is defined once
_fields = st.fixed_dictionaries({}, optional={"a": _plain | _unnamed, "b": _unnamed,
                                              "c": _unnamed}).filter(bool)


def _record(fields: dict[str, Any]) -> str:
    return rec(*(f(n, t) for n, t in sorted(fields.items())))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old_fields=_fields, new_fields=_fields)
def test_same_verdict_as_the_avro_package(tmp_path_factory: pytest.TempPathFactory,
                                          old_fields: dict[str, Any],
                                          new_fields: dict[str, Any]) -> None:
    old_text, new_text = _record(old_fields), _record(new_fields)
    d = tmp_path_factory.mktemp("prop")
    findings = avro_rules.check(load(d, "old", old_text), load(d, "new", new_text))
    for direction, reader, writer in (("backward", new_text, old_text),
                                      ("forward", old_text, new_text)):
        ok, kinds = avro_lib_ok(reader, writer)
        mine = {x.rule.removeprefix("AVRO_") for x in findings if direction in x.breaks}
        assert (not mine) is ok, (direction, old_text, new_text)
        assert mine == kinds, (direction, old_text, new_text)
