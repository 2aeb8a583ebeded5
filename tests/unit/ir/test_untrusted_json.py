"""``schemagen.schema`` JSON is untrusted (a foreign Parquet footer, a snapshot, a module):
every value read is checked against the IR's types, and a bad one is a SchemaJSONError
naming its JSON path, the value and what was expected (issue 15 item 1)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from schemagen import ir
from schemagen.cli.main import exit_code
from schemagen.errors import SchemaError, SchemaJSONError, shorten

PAYLOAD = "__import__('os').system('echo PWNED') or True"

GOOD: dict[str, Any] = {"schemagen": 1, "root": "a.R", "types": [
    {"kind": "record", "name": "a.R", "fields": [
        {"name": "t", "type": {"type": "timestamp", "unit": "us", "utc": True}},
        {"name": "x", "type": {"type": "nullable", "inner": {"type": "int", "bits": 32,
                                                               "signed": True}},
         "default": None, "field_id": 1},
        {"name": "y", "type": {"type": "nullable", "inner": "string"}},
        {"name": "d", "type": {"type": "decimal", "precision": 9, "scale": 2,
                               "byte_size": None},
         "default": {"$": "decimal", "v": "1.25"}},
        {"name": "f", "type": {"type": "fixed", "size": 4}},
        {"name": "e", "type": {"type": "enumref", "name": "a.E"}, "default": "B"},
        {"name": "l", "type": {"type": "list", "item": {"type": "float", "bits": 64},
                               "unique": False}},
        {"name": "u", "type": {"type": "union", "members": ["string", "bool"]},
         "default": {"$": "union", "m": 1, "v": True}},
    ], "oneofs": [["g", ["x", "y"]]], "doc": "a record"},
    {"kind": "enum", "name": "a.E", "symbols": ["A", "B"], "values": [1, 2]},
]}


def _load(doc: dict[str, Any]) -> tuple[str, dict[str, ir.Named]]:
    return ir.schema_from_json(json.dumps(doc))


def _with(path: tuple[Any, ...], value: Any, *, delete: bool = False) -> dict[str, Any]:
    doc = copy.deepcopy(GOOD)
    node: Any = doc
    for p in path[:-1]:
        node = node[p]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


def test_the_good_document_loads() -> None:
    root, types = _load(GOOD)
    rec = types[root]
    assert isinstance(rec, ir.Record)
    assert rec.fields[0].type == ir.Timestamp("us", True)
    assert rec.oneofs == (ir.Oneof("g", ("x", "y")),)


F = ("types", 0, "fields")


@pytest.mark.parametrize(("where", "value", "json_path", "expected"), [
    # the two attacks of the issue: code where a bool or a name belongs
    ((*F, 0, "type", "utc"), PAYLOAD, "$.types[0].fields[0].type.utc", "a bool"),
    (("types", 0, "oneofs", 0, 0), "g'''); __import__('os').system('x') #",
     "$.types[0].oneofs[0][0]", "a oneof name"),
    # bools are bools, not truthy values
    ((*F, 0, "type", "utc"), "true", "$.types[0].fields[0].type.utc", "a bool"),
    ((*F, 0, "type", "utc"), 1, "$.types[0].fields[0].type.utc", "a bool"),
    ((*F, 1, "type", "inner", "signed"), "yes", "$.types[0].fields[1].type.inner.signed",
     "a bool"),
    ((*F, 6, "type", "unique"), 0, "$.types[0].fields[6].type.unique", "a bool"),
    # ints are ints (not bools, not floats, not strings) within bounds
    ((*F, 1, "type", "inner", "bits"), 31, "$.types[0].fields[1].type.inner.bits", "one of 8"),
    ((*F, 1, "type", "inner", "bits"), 32.0, "$.types[0].fields[1].type.inner.bits",
     "one of 8"),
    ((*F, 6, "type", "item", "bits"), True, "$.types[0].fields[6].type.item.bits", "one of 16"),
    ((*F, 4, "type", "size"), "4 if __import__('os') else 4", "$.types[0].fields[4].type.size",
     "an integer from 0"),
    ((*F, 4, "type", "size"), -1, "$.types[0].fields[4].type.size", "an integer from 0"),
    ((*F, 4, "type", "size"), 2**40, "$.types[0].fields[4].type.size", "an integer from 0"),
    ((*F, 3, "type", "precision"), "9", "$.types[0].fields[3].type.precision", "an integer"),
    ((*F, 3, "type", "scale"), 10, "$.types[0].fields[3].type.scale", "a scale from 0"),
    ((*F, 3, "type", "byte_size"), False, "$.types[0].fields[3].type.byte_size", "an integer"),
    ((*F, 1, "field_id"), True, "$.types[0].fields[1].field_id", "an integer"),
    ((*F, 1, "field_id"), 2**31, "$.types[0].fields[1].field_id", "an integer"),
    (("types", 1, "values", 0), "1", "$.types[1].values[0]", "an integer"),
    # units and kinds from the closed sets
    ((*F, 0, "type", "unit"), "ps", "$.types[0].fields[0].type.unit", "one of 's'"),
    ((*F, 0, "type", "type"), "datetime", "$.types[0].fields[0].type.type", "one of"),
    ((*F, 2, "type", "inner"), "int", "$.types[0].fields[2].type.inner", "a kind without"),
    (("types", 0, "kind"), "struct", "$.types[0].kind", "one of 'record'"),
    ((*F, 1, "presence"), "sometimes", "$.types[0].fields[1].presence", "one of 'explicit'"),
    ((*F, 5, "default"), {"$": "code", "v": "x"}, "$.types[0].fields[5].default['$']",
     "one of"),
    (("schemagen",), 2, "$.schemagen", "one of 1"),
    # names by the IR's naming rules
    (("types", 0, "name"), "", "$.types[0].name", "a type name"),
    (("types", 0, "name"), "a..R", "$.types[0].name", "a type name"),
    (("types", 0, "name"), "a.R\n", "$.types[0].name", "a type name"),
    ((*F, 5, "type", "name"), 7, "$.types[0].fields[5].type.name", "a type name"),
    ((*F, 5, "type", "name"), "a.Nope", "$.types[0].fields[5].type", "enum defined"),
    ((*F, 1, "name"), "", "$.types[0].fields[1].name", "a field name"),
    ((*F, 1, "name"), "t", "$.types[0].fields", "distinct field names"),
    ((*F, 1, "name"), "\ud800", "$.types[0].fields[1].name", "valid Unicode"),
    (("types", 0, "oneofs", 0, 1, 0), "nope", "$.types[0].oneofs[0][1][0]", "a field"),
    (("types", 0, "oneofs", 0), "g", "$.types[0].oneofs[0]", "a [group name"),
    (("types", 1, "symbols"), ["A", "A"], "$.types[1].symbols", "distinct symbols"),
    (("types", 1, "symbols", 0), 3, "$.types[1].symbols[0]", "an enum symbol"),
    (("types", 1, "default"), "Z", "$.types[1].default", "one of the enum's symbols"),
    (("types", 1, "values"), [1], "$.types[1].values", "one value per symbol"),
    (("root",), "a.E", "$.root", "the name of a record"),
    # nested structures the right shape
    ((*F, 6, "type", "item"), ["float"], "$.types[0].fields[6].type.item", "a JSON object"),
    ((*F, 7, "type", "members"), ["string"], "$.types[0].fields[7].type.members",
     "at least two"),
    (("types", 0, "fields"), {"t": 1}, "$.types[0].fields", "a JSON array"),
    (("types", 0, "metadata"), [["k"]], "$.types[0].metadata[0]", "a [key, value] pair"),
    (("types", 0, "doc"), ["d"], "$.types[0].doc", "a string"),
    ((*F, 1, "origin"), {"format": "thrift", "auto_id": True}, "$.types[0].fields[1].origin",
     "a thrift origin"),
    ((*F, 1, "origin"), {"format": "avro"}, "$.types[0].fields[1].origin.format", "one of"),
    # unknown keys refused
    (("types", 0, "evil"), 1, "$.types[0].evil", "no key 'evil'"),
    ((*F, 0, "type", "tz"), "UTC", "$.types[0].fields[0].type.tz", "no key 'tz'"),
    ((*F, 0, "exec"), "x", "$.types[0].fields[0].exec", "no key 'exec'"),
    (("extra",), 1, "$.extra", "no key 'extra'"),
    ((*F, 1, "origin"), {"format": "sql", "evil": 1}, "$.types[0].fields[1].origin.evil",
     "no key 'evil'"),
    # values: their JSON form, and a value of the field's type
    ((*F, 3, "default"), {"$": "decimal", "v": "NaN"}, "$.types[0].fields[3].default.v",
     "a finite decimal"),
    ((*F, 3, "default"), {"$": "decimal", "v": "1.2.3"}, "$.types[0].fields[3].default.v",
     "a decimal value"),
    ((*F, 3, "default"), {"$": "bytes", "v": "!!"}, "$.types[0].fields[3].default.v",
     "a bytes value"),
    ((*F, 3, "default"), {"$": "decimal", "v": "1", "x": 2}, "$.types[0].fields[3].default.x",
     "no key 'x'"),
    ((*F, 3, "default"), "1.25", "$.types[0].fields[3].default", "a value of type decimal"),
    ((*F, 1, "default"), 2**40, "$.types[0].fields[1].default", "a value of type int32"),
    ((*F, 1, "default"), True, "$.types[0].fields[1].default", "a value of type int32"),
    ((*F, 1, "default"), [1], "$.types[0].fields[1].default", "an IR value"),
    ((*F, 5, "default"), "Z", "$.types[0].fields[5].default", "a value of type"),
    ((*F, 7, "default"), {"$": "union", "m": 5, "v": True}, "$.types[0].fields[7].default",
     "a value of type"),
    ((*F, 7, "default"), {"$": "union", "m": -1, "v": True}, "$.types[0].fields[7].default.m",
     "an integer from 0"),
    ((*F, 7, "default"), {"$": "union", "m": 1, "v": {"$": "timedelta", "v": [1, 2]}},
     "$.types[0].fields[7].default.v.v", "an array of 3 integers"),
])
def test_a_bad_value_is_refused_naming_path_value_and_expectation(
        where: tuple[Any, ...], value: Any, json_path: str, expected: str) -> None:
    with pytest.raises(SchemaJSONError) as info:
        _load(_with(where, value))
    err = info.value
    assert err.path == json_path, str(err)
    assert expected in err.expected, str(err)
    text = str(err)
    assert f"(at {json_path})" in text and "expected " in text and expected in text
    assert f"got {shorten(err.value)}" in text


def test_the_attack_values_are_named_in_the_error() -> None:
    for where in ((*F, 0, "type", "utc"), ("types", 0, "oneofs", 0, 0)):
        with pytest.raises(SchemaJSONError) as info:
            _load(_with(where, PAYLOAD))
        assert info.value.value == PAYLOAD


@pytest.mark.parametrize(("where", "json_path"), [
    (("root",), "$"), (("types",), "$"), ((*F, 0, "type"), "$.types[0].fields[0]"),
    ((*F, 0, "type", "utc"), "$.types[0].fields[0].type"),
    ((*F, 4, "type", "size"), "$.types[0].fields[4].type"),
    (("types", 1, "symbols"), "$.types[1].symbols"),
])
def test_a_missing_key_is_refused(where: tuple[Any, ...], json_path: str) -> None:
    with pytest.raises(SchemaJSONError) as info:
        _load(_with(where, None, delete=True))
    assert info.value.path == json_path


def test_the_error_is_a_schema_error_exiting_2_and_shortens_the_value() -> None:
    with pytest.raises(SchemaJSONError) as info:
        _load(_with((*F, 0, "type", "utc"), "x" * 500))
    err = info.value
    assert isinstance(err, SchemaError) and isinstance(err, ValueError)
    assert exit_code(err) == 2
    assert len(str(err)) < 200 and "..." in str(err)


def test_nesting_is_bounded() -> None:
    t: Any = "string"
    for _ in range(300):
        t = {"type": "nullable", "inner": t}
    with pytest.raises(SchemaJSONError, match="nested at most"):
        _load(_with((*F, 2, "type"), t))
    v: Any = 1
    for _ in range(300):
        v = {"$": "tuple", "v": [v]}
    with pytest.raises(SchemaJSONError, match="nested at most"):
        _load(_with((*F, 6, "default"), v))


def test_oneof_groups_from_old_metadata_are_checked_too() -> None:
    """JSON written before the typed facets kept oneofs as ``schemagen.oneof.<group>``
    metadata: the group name is checked like the new form's."""
    doc = _with(("types", 0, "oneofs"), None, delete=True)
    doc["types"][0]["metadata"] = [["schemagen.oneof.g\"\"\";x", "x,y"]]
    with pytest.raises(SchemaJSONError) as info:
        _load(doc)
    assert info.value.path == "$.types[0].oneofs[0][0]"
    doc["types"][0]["metadata"] = [["schemagen.oneof.g", "x,y"]]
    assert _load(doc)[1]["a.R"].oneofs == (ir.Oneof("g", ("x", "y")),)  # type: ignore[union-attr]


def test_named_and_constant_json_are_checked_alone() -> None:
    """``named_from_json`` (snapshots, inspect reports) and ``constant_from_json`` check
    what they read without the rest of the document."""
    with pytest.raises(SchemaJSONError) as info:
        ir.named_from_json(_with((*F, 0, "type", "utc"), PAYLOAD)["types"][0])
    assert info.value.path == "$.fields[0].type.utc"
    with pytest.raises(SchemaJSONError, match=r"at \$\.value"):
        ir.constant_from_json({"kind": "const", "name": "a.K", "type": "bool", "value": "yes"})
    with pytest.raises(SchemaJSONError, match=r"at \$\.bits"):
        ir.type_from_json({"type": "int", "bits": "64"})
    assert ir.constant_from_json({"kind": "const", "name": "a.K", "type": "bool",
                                  "value": True}).value is True
