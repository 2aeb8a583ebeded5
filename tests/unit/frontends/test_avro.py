"""Tests for the Avro front end (``schemagen.frontends.avro``) and its JSON parser."""

from __future__ import annotations

import datetime
import decimal
import json
import re
import uuid
import warnings
from pathlib import Path
from typing import Any

import avro.schema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemagen import ir
from schemagen.errors import SchemaError, SchemaWarning
from schemagen.frontends.avro import jsonpos, load

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
AVRO = CORPUS / "avro"
needs_corpus = pytest.mark.skipif(
    not AVRO.is_dir(), reason=f"shared test corpus not found at {AVRO}"
)
CORPUS_FILES: list[Any] = (
    sorted(p.relative_to(AVRO).as_posix() for p in AVRO.rglob("*.avsc"))
    if AVRO.is_dir()
    else [
        pytest.param("", marks=pytest.mark.skip(reason=f"shared test corpus not found at {AVRO}"))
    ]
)
UTC = datetime.UTC


# --------------------------------------------------------------------------- helpers


def loc_of(text: str, needle: str, nth: int = 0, start: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the ``nth`` occurrence of ``needle`` in ``text[start:]``."""
    idx = start - 1
    for _ in range(nth + 1):
        idx = text.index(needle, idx + 1)
    return text.count("\n", 0, idx) + 1, idx - (text.rfind("\n", 0, idx) + 1) + 1


def write(tmp_path: Path, text: str, name: str = "s.avsc") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def load_text(tmp_path: Path, text: str, name: str = "s.avsc") -> ir.Schema:
    with warnings.catch_warnings():
        warnings.simplefilter("error", SchemaWarning)
        return load([write(tmp_path, text, name)])


def rec(*fields: str, name: str = "Rec", extra: str = "") -> str:
    """A record schema with one field per line (so positions are easy to predict)."""
    body = ",\n".join("  " + f for f in fields)
    return f'{{"type": "record", "name": "{name}",{extra}\n "fields": [\n{body}\n]}}\n'


def expect_error(
    tmp_path: Path,
    text: str,
    needle: str,
    match: str,
    *,
    nth: int = 0,
    path: str | None = None,
    name: str = "bad.avsc",
) -> SchemaError:
    """Load ``text``; assert a SchemaError at ``needle`` whose message matches ``match``."""
    p = write(tmp_path, text, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        with pytest.raises(SchemaError) as info:
            load([p])
    err = info.value
    line, col = loc_of(text, needle, nth)
    assert (err.file, err.line, err.column) == (str(p), line, col), str(err)
    assert str(err).startswith(f"{p}:{line}:{col}: "), str(err)
    assert re.search(match, err.message), err.message
    if path is not None:
        assert err.path == path
        assert f"(at {path})" in str(err)
    return err


def field(schema: ir.Schema, record: str, name: str) -> ir.Field:
    for f in schema.record(record).fields:
        if f.name == name:
            return f
    raise AssertionError(f"no field {name} in {record}")


def native(r: ir.Named) -> str:
    assert isinstance(r, ir.Record)
    meta = dict(r.native)
    assert meta["writer.model.name"] == "avro"
    return meta["parquet.avro.schema"]


def parse_avro(text: str) -> avro.schema.Schema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # avro warns about logical types it does not know
        return avro.schema.parse(text)


# --------------------------------------------------------------------------- corpus


@needs_corpus
@pytest.mark.parametrize("rel", CORPUS_FILES)
def test_every_corpus_file_loads(rel: str) -> None:
    path = AVRO / rel
    files = sorted(path.parent.glob("*.avsc")) if rel.startswith("multiple_files/") else [path]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        schema = load(files)
    assert schema.types, rel
    given_paths = {str(f) for f in files}
    for full, t in schema.types.items():
        assert t.name == full
        assert schema.sources[full] in given_paths
        assert t.location is not None and t.location.line >= 1 and t.location.column >= 1
        if isinstance(t, ir.Record):
            assert all(f.location is not None and f.location.line >= 1 for f in t.fields)
            parsed = parse_avro(native(t))
            assert parsed.fullname == full  # type: ignore[attr-defined]


@needs_corpus
def test_multiple_files_in_both_orders() -> None:
    folder = AVRO / "multiple_files"
    forward = [
        folder / "ApplicationEvent.avsc",
        folder / "DocumentInfo.avsc",
        folder / "MyResponse.avsc",
    ]
    a = load(forward)
    b = load(list(reversed(forward)))
    assert list(a.types) == ["model.ApplicationEvent", "model.MyResponse", "model.DocumentInfo"]
    assert list(b.types) == ["model.MyResponse", "model.DocumentInfo", "model.ApplicationEvent"]
    assert a.types == b.types  # same IR whichever file comes first
    # MyResponse is defined inline in ApplicationEvent.avsc and in its own file: first one wins
    assert a.sources["model.MyResponse"] == str(folder / "ApplicationEvent.avsc")
    assert b.sources["model.MyResponse"] == str(folder / "MyResponse.avsc")
    docs = field(a, "model.ApplicationEvent", "documents")
    assert docs.type == ir.Nullable(ir.List(ir.RecordRef("model.DocumentInfo")))
    assert docs.default is None
    assert field(a, "model.ApplicationEvent", "response").type == ir.RecordRef("model.MyResponse")
    assert (
        field(a, "model.MyResponse", "isSuccessful").doc
        == "Indicator for successful or unsuccessful call"
    )


@needs_corpus
def test_multiple_files_missing_one_is_an_error_at_the_reference() -> None:
    app = AVRO / "multiple_files" / "ApplicationEvent.avsc"
    with pytest.raises(SchemaError) as info:
        load([app, AVRO / "multiple_files" / "MyResponse.avsc"])
    err = info.value
    text = app.read_text()
    assert (err.file, err.line, err.column) == (str(app), *loc_of(text, '"model.DocumentInfo"'))
    assert "unknown type 'model.DocumentInfo'" in err.message
    assert err.path == "model.ApplicationEvent.documents"


@needs_corpus
def test_corpus_interop_recursion_and_types() -> None:
    s = load([AVRO / "interop.avsc"])
    assert list(s.types) == [
        "org.apache.avro.Interop",
        "org.apache.avro.Foo",
        "org.apache.avro.Kind",
        "org.apache.avro.Node",
    ]  # the fixed MD5 is inlined, not a named IR type
    node = s.record("org.apache.avro.Node")
    assert [(f.name, f.type) for f in node.fields] == [
        ("label", ir.String()),
        ("children", ir.List(ir.RecordRef("org.apache.avro.Node"))),
    ]
    assert ir.find_cycle(s.types, "org.apache.avro.Node") == [
        "org.apache.avro.Node",
        "children",
        "org.apache.avro.Node",
    ]
    types = {f.name: f.type for f in s.record("org.apache.avro.Interop").fields}
    assert types["unionField"] == ir.Union_((ir.Bool(), ir.Float(64), ir.List(ir.Bytes())))
    assert types["fixedField"] == ir.Fixed(16)
    assert types["mapField"] == ir.Map(ir.String(), ir.RecordRef("org.apache.avro.Foo"))
    assert types["enumField"] == ir.EnumRef("org.apache.avro.Kind")
    assert types["nullField"] == ir.Null()
    assert s.types["org.apache.avro.Kind"] == ir.Enum("org.apache.avro.Kind", ("A", "B", "C"))
    # the native schema inlines Node once and refers to it by full name inside itself
    text = native(s.record("org.apache.avro.Interop"))
    assert text.count('"name":"Node"') == 1
    assert '"items":"org.apache.avro.Node"' in text
    parsed = parse_avro(text)
    assert parsed.to_json() == parse_avro(json.dumps(json.loads(text))).to_json()


@needs_corpus
def test_corpus_logical_types_and_big_decimal_warning() -> None:
    path = AVRO / "TestRecordWithLogicalTypes.avsc"
    with pytest.warns(SchemaWarning) as record:
        s = load([path])
    messages = [str(w.message) for w in record]
    line, col = loc_of(path.read_text(), '"big-decimal"')
    assert messages == [
        f"{path}:{line}:{col}: unknown logical type 'big-decimal' ignored; using bytes"
    ]
    r = s.record("org.apache.avro.specific.TestRecordWithLogicalTypes")
    assert r.doc.startswith("Schema for TestRecordWithLogicalTypes")
    assert [(f.name, f.type) for f in r.fields] == [
        ("b", ir.Bool()),
        ("i32", ir.Int(32)),
        ("i64", ir.Int(64)),
        ("f32", ir.Float(32)),
        ("f64", ir.Float(64)),
        ("s", ir.Nullable(ir.String())),
        ("d", ir.Date()),
        ("t", ir.Time("ms")),
        ("ts", ir.Timestamp("ms", utc=True)),
        ("bd", ir.Bytes()),
    ]
    assert field(s, r.name, "s").default is None
    assert not field(s, r.name, "b").has_default


@needs_corpus
def test_corpus_top_level_union_and_type_level_defaults() -> None:
    s = load([AVRO / "TestUnionRecord.avsc"])
    amount = field(s, "org.apache.avro.specific.TestUnionRecord", "amount")
    assert amount.type == ir.Nullable(ir.Decimal(31, 8))
    assert amount.default is None
    m = load([AVRO / "TestRecordWithMapsAndArrays.avsc"])
    r = m.record("org.apache.avro.specific.TestRecordWithMapsAndArrays")
    assert [(f.name, f.type, f.has_default) for f in r.fields] == [
        ("arr", ir.List(ir.String()), False),
        ("map", ir.Map(ir.String(), ir.Int(64)), False),
        ("nested_arr", ir.List(ir.List(ir.String())), False),
        ("nested_map", ir.Map(ir.String(), ir.Map(ir.String(), ir.Int(64))), False),
    ]


@needs_corpus
def test_corpus_names_and_enum_default() -> None:
    w = load([AVRO / "weather.avsc"])
    assert list(w.types) == ["test.Weather"]
    assert w.record("test.Weather").doc == "A weather reading."
    r = load([AVRO / "reserved.avsc"]).types["org.apache.avro.test.Reserved"]
    assert isinstance(r, ir.Enum) and r.symbols == ("default", "class", "int")
    s = load([AVRO / "RecordWithRequiredFields.avsc"])
    assert list(s.types) == [
        "org.apache.avro.RecordWithRequiredFields",
        "org.apache.avro.UnionRecord",
        "org.apache.avro.ArrayRecord",
        "org.apache.avro.MapRecord",
        "org.apache.avro.MapRecordEnum",
    ]
    assert s.types["org.apache.avro.MapRecordEnum"] == ir.Enum(
        "org.apache.avro.MapRecordEnum", ("A", "B"), default="A"
    )
    u = load([AVRO / "user.avsc"])
    assert [f.type for f in u.record("example.avro.User").fields] == [
        ir.String(),
        ir.Nullable(ir.Int(32)),
        ir.Nullable(ir.String()),
    ]


# --------------------------------------------------------------------------- mapping


def test_primitives_and_locations(tmp_path: Path) -> None:
    text = rec(
        *(
            f'{{"name": "f_{p}", "type": "{p}"}}'
            for p in ("null", "boolean", "int", "long", "float", "double", "bytes", "string")
        ),
        extra=' "doc": "the doc",',
    )
    s = load_text(tmp_path, text)
    r = s.record("Rec")
    assert [f.type for f in r.fields] == [
        ir.Null(),
        ir.Bool(),
        ir.Int(32),
        ir.Int(64),
        ir.Float(32),
        ir.Float(64),
        ir.Bytes(),
        ir.String(),
    ]
    assert r.doc == "the doc" and r.kind == "record" and r.namespace == ""
    p = str(tmp_path / "s.avsc")
    assert r.location == ir.SourceLocation(p, 1, 1)
    for f in r.fields:
        assert f.location == ir.SourceLocation(p, *loc_of(text, f'{{"name": "{f.name}"'))
        assert f.py_name == "" and f.field_id is None and not f.has_default
    assert s.sources == {"Rec": p}


def test_logical_types(tmp_path: Path) -> None:
    cases = {
        '{"type": "int", "logicalType": "date"}': ir.Date(),
        '{"type": "int", "logicalType": "time-millis"}': ir.Time("ms"),
        '{"type": "long", "logicalType": "time-micros"}': ir.Time("us"),
        '{"type": "long", "logicalType": "timestamp-millis"}': ir.Timestamp("ms", utc=True),
        '{"type": "long", "logicalType": "timestamp-micros"}': ir.Timestamp("us", utc=True),
        '{"type": "long", "logicalType": "timestamp-nanos"}': ir.Timestamp("ns", utc=True),
        '{"type": "long", "logicalType": "local-timestamp-millis"}': ir.Timestamp("ms", utc=False),
        '{"type": "long", "logicalType": "local-timestamp-micros"}': ir.Timestamp("us", utc=False),
        '{"type": "long", "logicalType": "local-timestamp-nanos"}': ir.Timestamp("ns", utc=False),
        '{"type": "string", "logicalType": "uuid"}': ir.Uuid(),
        '{"type": "fixed", "name": "U", "size": 16, "logicalType": "uuid"}': ir.Uuid(),
        '{"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}': ir.Decimal(
            10, 2
        ),
        '{"type": "bytes", "logicalType": "decimal", "precision": 5}': ir.Decimal(5, 0),
        '{"type": "fixed", "name": "D", "size": 4, "logicalType": "decimal", "precision": 9, "scale": 9}': ir.Decimal(
            9, 9, byte_size=4
        ),
        '{"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}': ir.Interval(),
    }
    text = rec(*(f'{{"name": "f{i}", "type": {t}}}' for i, t in enumerate(cases)))
    s = load_text(tmp_path, text)
    assert [f.type for f in s.record("Rec").fields] == list(cases.values())
    assert list(s.types) == ["Rec"]  # named fixed types are inlined
    parse_avro(native(s.record("Rec")))


def test_named_fixed_reference_keeps_logical_type(tmp_path: Path) -> None:
    text = rec(
        '{"name": "a", "type": {"type": "fixed", "name": "Money", "size": 8, '
        '"logicalType": "decimal", "precision": 18, "scale": 2}}',
        '{"name": "b", "type": ["null", "Money"]}',
        '{"name": "c", "type": {"type": "Money"}}',
    )
    s = load_text(tmp_path, text)
    money = ir.Decimal(18, 2, byte_size=8)
    assert [f.type for f in s.record("Rec").fields] == [money, ir.Nullable(money), money]


@pytest.mark.parametrize(
    ("union", "expected"),
    [
        ('["null", "string"]', ir.Nullable(ir.String())),
        ('["string", "null"]', ir.Nullable(ir.String())),
        ('["null", "int", "string"]', ir.Nullable(ir.Union_((ir.Int(32), ir.String())))),
        ('["int", "null", "string"]', ir.Nullable(ir.Union_((ir.Int(32), ir.String())))),
        ('["int", "string", "null"]', ir.Nullable(ir.Union_((ir.Int(32), ir.String())))),
        ('["string", "int"]', ir.Union_((ir.String(), ir.Int(32)))),
        ('["long"]', ir.Int(64)),
        ('["null"]', ir.Null()),
        (
            '["null", {"type": "array", "items": ["null", "int"]}]',
            ir.Nullable(ir.List(ir.Nullable(ir.Int(32)))),
        ),
        (
            '{"type": "map", "values": ["null", "double"]}',
            ir.Map(ir.String(), ir.Nullable(ir.Float(64))),
        ),
        (
            '["null", {"type": "int", "logicalType": "date"}, "Rec"]',
            ir.Nullable(ir.Union_((ir.Date(), ir.RecordRef("Rec")))),
        ),
    ],
)
def test_unions(tmp_path: Path, union: str, expected: ir.Type) -> None:
    s = load_text(tmp_path, rec(f'{{"name": "u", "type": {union}}}'))
    assert field(s, "Rec", "u").type == expected
    parse_avro(native(s.record("Rec")))


def test_namespaces(tmp_path: Path) -> None:
    text = """{"type": "record", "name": "Outer", "namespace": "a.b", "fields": [
  {"name": "inherited", "type": {"type": "record", "name": "Inner", "fields": [
      {"name": "deeper", "type": {"type": "enum", "name": "E", "symbols": ["X"]}}]}},
  {"name": "overridden", "type": {"type": "record", "name": "Other", "namespace": "c",
      "fields": [{"name": "e", "type": {"type": "fixed", "name": "F", "size": 2}},
                 {"name": "local", "type": "F"}]}},
  {"name": "dotted", "type": {"type": "record", "name": "x.y.Dotted", "namespace": "ignored",
      "fields": [{"name": "sib", "type": {"type": "enum", "name": "Sib", "symbols": ["S"]}}]}},
  {"name": "nullns", "type": {"type": "record", "name": "Top", "namespace": "",
      "fields": [{"name": "i", "type": "int"}]}},
  {"name": "qualified", "type": "a.b.E"},
  {"name": "relative", "type": "Inner"},
  {"name": "fallback", "type": "Top"},
  {"name": "cross", "type": "c.F"},
  {"name": "sib", "type": "x.y.Sib"}
]}
"""
    s = load_text(tmp_path, text)
    assert list(s.types) == [
        "a.b.Outer",
        "a.b.Inner",
        "a.b.E",
        "c.Other",
        "x.y.Dotted",
        "x.y.Sib",
        "Top",
    ]
    types = {f.name: f.type for f in s.record("a.b.Outer").fields}
    assert types == {
        "inherited": ir.RecordRef("a.b.Inner"),
        "overridden": ir.RecordRef("c.Other"),
        "dotted": ir.RecordRef("x.y.Dotted"),
        "nullns": ir.RecordRef("Top"),
        "qualified": ir.EnumRef("a.b.E"),
        "relative": ir.RecordRef("a.b.Inner"),
        "fallback": ir.RecordRef("Top"),
        "cross": ir.Fixed(2),
        "sib": ir.EnumRef("x.y.Sib"),
    }
    assert [f.type for f in s.record("c.Other").fields] == [ir.Fixed(2), ir.Fixed(2)]
    assert s.record("Top").namespace == ""
    # native schema: namespaces explicit, the null-namespace record marked with ""
    doc = json.loads(native(s.record("a.b.Outer")))
    assert doc["namespace"] == "a.b"
    inner = doc["fields"][0]["type"]
    assert (inner["name"], inner["namespace"]) == ("Inner", "a.b")
    top = doc["fields"][3]["type"]
    assert list(top.items()) == [
        ("type", "record"),
        ("name", "Top"),
        ("namespace", ""),
        ("fields", [{"name": "i", "type": "int"}]),
    ]
    assert "namespace" not in json.loads(native(s.record("Top")))  # its own schema needs none
    assert doc["fields"][4]["type"] == "a.b.E"
    parse_avro(native(s.record("a.b.Outer")))


def test_reference_prefers_enclosing_namespace(tmp_path: Path) -> None:
    a = write(tmp_path, '{"type": "record", "name": "T", "fields": []}', "a.avsc")
    b = write(tmp_path, '{"type": "record", "name": "n.T", "fields": []}', "b.avsc")
    c = write(tmp_path, rec('{"name": "t", "type": "T"}', name="n.User"), "c.avsc")
    d = write(tmp_path, rec('{"name": "t", "type": "T"}', name="m.User"), "d.avsc")
    s = load([c, d, a, b])
    assert field(s, "n.User", "t").type == ir.RecordRef("n.T")
    assert field(s, "m.User", "t").type == ir.RecordRef("T")  # falls back to the null namespace


def test_aliases(tmp_path: Path) -> None:
    text = """{"type": "record", "name": "R", "namespace": "ns", "aliases": ["Old", "other.Older"],
 "fields": [
  {"name": "f", "type": "int", "aliases": ["g", "h"], "doc": "field doc"},
  {"name": "e", "type": {"type": "enum", "name": "E", "aliases": ["OldE"], "symbols": ["A", "B"],
                         "default": "B", "doc": "enum doc"}}
]}"""
    s = load_text(tmp_path, text)
    r = s.record("ns.R")
    assert r.aliases == ("ns.Old", "other.Older")
    assert r.fields[0].aliases == ("g", "h") and r.fields[0].doc == "field doc"
    assert s.types["ns.E"] == ir.Enum(
        "ns.E", ("A", "B"), doc="enum doc", default="B", aliases=("ns.OldE",)
    )
    doc = json.loads(native(r))
    assert doc["aliases"] == ["ns.Old", "other.Older"]
    assert doc["fields"][1]["type"]["default"] == "B"
    parsed = parse_avro(native(r))
    assert parsed.fields[1].type.default == "B"  # type: ignore[attr-defined]


def test_forward_and_cross_file_references_in_any_order(tmp_path: Path) -> None:
    a_text = rec('{"name": "b", "type": "p.B"}', '{"name": "later", "type": "Later"}', name="p.A")
    b_record = rec('{"name": "a", "type": ["null", "p.A"]}', name="p.B")
    b_text = f'[{b_record}, {{"type": "enum", "name": "p.Later", "symbols": ["Z"]}}]'
    a, b = write(tmp_path, a_text, "a.avsc"), write(tmp_path, b_text, "b.avsc")
    for order in ([a, b], [b, a]):
        s = load(order)
        assert field(s, "p.A", "b").type == ir.RecordRef("p.B")
        assert field(s, "p.A", "later").type == ir.EnumRef("p.Later")
        assert field(s, "p.B", "a").type == ir.Nullable(ir.RecordRef("p.A"))
        assert list(s.types) == (
            ["p.A", "p.B", "p.Later"] if order[0] == a else ["p.B", "p.Later", "p.A"]
        )
        # each record's native schema is self-contained even across files
        for r in ("p.A", "p.B"):
            assert parse_avro(native(s.record(r))).fullname == r  # type: ignore[attr-defined]


def test_protocol_types_and_errors(tmp_path: Path) -> None:
    text = """{"protocol": "Mail", "namespace": "org.mail",
 "types": [
   {"type": "record", "name": "Message", "fields": [{"name": "to", "type": "string"}]},
   {"type": "error", "name": "Bounce", "fields": [{"name": "why", "type": "string"}]},
   {"type": "enum", "name": "Kind", "symbols": ["A"]}
 ],
 "messages": {"send": {"request": [{"name": "m", "type": "Message"}], "response": "string",
                       "errors": ["Bounce"]}}
}"""
    s = load_text(tmp_path, text, "mail.avpr")
    assert list(s.types) == ["org.mail.Message", "org.mail.Bounce", "org.mail.Kind"]
    assert s.record("org.mail.Bounce").kind == "error"
    assert s.record("org.mail.Message").kind == "record"
    parse_avro(native(s.record("org.mail.Bounce")))
    dotted = load_text(
        tmp_path,
        '{"protocol": "x.y.P", "types": [{"type": "enum", "name": "E", "symbols": ["A"]}]}',
        "p.avpr",
    )
    assert list(dotted.types) == ["x.y.E"]


def test_top_level_primitive_emits_nothing(tmp_path: Path) -> None:
    assert load_text(tmp_path, '"string"').types == {}
    assert load_text(
        tmp_path, '{"type": "array", "items": {"type": "enum", "name": "E", "symbols": ["A"]}}'
    ).types == {"E": ir.Enum("E", ("A",))}


def test_identical_redefinition_is_allowed_and_docs_may_differ(tmp_path: Path) -> None:
    one = rec(
        '{"name": "x", "type": {"type": "enum", "name": "E", "symbols": ["A"]}, "doc": "one"}',
        name="n.R",
    )
    two = rec('{"name": "x", "type": "n.E", "doc": "two"}', name="n.R", extra=' "doc": "other",')
    three = '{"type": "enum", "name": "E", "namespace": "n", "symbols": ["A"], "doc": "d"}'
    paths = [
        write(tmp_path, one, "1.avsc"),
        write(tmp_path, two, "2.avsc"),
        write(tmp_path, three, "3.avsc"),
    ]
    s = load(paths)
    assert list(s.types) == ["n.R", "n.E"]
    assert s.sources == {"n.R": str(paths[0]), "n.E": str(paths[0])}
    assert field(s, "n.R", "x").doc == "one"  # the first definition wins
    assert load(paths + paths).types == s.types  # the same files twice


# --------------------------------------------------------------------------- defaults

_E = '{"type": "enum", "name": "E", "symbols": ["A", "B"]}'
_F2 = '{"type": "fixed", "name": "F2", "size": 2}'
_R = '{"type": "record", "name": "Inner", "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "string", "default": "d"}]}'


@pytest.mark.parametrize(
    ("type_json", "default_json", "expected"),
    [
        ('"null"', "null", None),
        ('"boolean"', "true", True),
        ('"int"', "-2147483648", -2147483648),
        ('"long"', "9223372036854775807", 9223372036854775807),
        ('"float"', "1", 1.0),
        ('"double"', "-2.5e3", -2500.0),
        ('"bytes"', r'"\u00ff\u0000a"', b"\xff\x00a"),
        ('"string"', r'"h\u00e9llo"', "héllo"),
        (_E, '"B"', "B"),
        (_F2, '"ab"', b"ab"),
        ('{"type": "array", "items": "int"}', "[1, 2, 3]", (1, 2, 3)),
        ('{"type": "array", "items": "string"}', "[]", ()),
        ('{"type": "map", "values": "long"}', '{"b": 1, "a": 2}', (("b", 1), ("a", 2))),
        (_R, '{"x": 1}', (("x", 1),)),
        (_R, '{"y": "z", "x": 2}', (("x", 2), ("y", "z"))),  # field order, not document order
        ('{"type": "array", "items": ' + _R + "}", '[{"x": 1}]', ((("x", 1),),)),
        ('{"type": "int", "logicalType": "date"}', "1", datetime.date(1970, 1, 2)),
        ('{"type": "int", "logicalType": "date"}', "-1", datetime.date(1969, 12, 31)),
        ('{"type": "int", "logicalType": "time-millis"}', "3723004", datetime.time(1, 2, 3, 4000)),
        (
            '{"type": "long", "logicalType": "time-micros"}',
            "86399999999",
            datetime.time(23, 59, 59, 999999),
        ),
        (
            '{"type": "long", "logicalType": "timestamp-millis"}',
            "1500",
            datetime.datetime(1970, 1, 1, 0, 0, 1, 500000, tzinfo=UTC),
        ),
        (
            '{"type": "long", "logicalType": "timestamp-micros"}',
            "-1",
            datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        ),
        (
            '{"type": "long", "logicalType": "timestamp-nanos"}',
            "2000",
            datetime.datetime(1970, 1, 1, 0, 0, 0, 2, tzinfo=UTC),
        ),
        (
            '{"type": "long", "logicalType": "local-timestamp-millis"}',
            "86400000",
            datetime.datetime(1970, 1, 2),
        ),
        (
            '{"type": "long", "logicalType": "local-timestamp-nanos"}',
            "1000",
            datetime.datetime(1970, 1, 1, 0, 0, 0, 1),
        ),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}',
            r'"\u0004\u00d2"',
            decimal.Decimal("12.34"),
        ),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": 3, "scale": 1}',
            r'"\u00ff"',
            decimal.Decimal("-0.1"),
        ),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": 40, "scale": 0}',
            '"' + "".join(f"\\u{b:04x}" for b in (10**39).to_bytes(17, "big", signed=True)) + '"',
            decimal.Decimal(10**39),
        ),
        (
            '{"type": "fixed", "name": "D", "size": 2, "logicalType": "decimal", "precision": 4, "scale": 3}',
            r'"\u00ff\u0000"',
            decimal.Decimal("-0.256"),
        ),
        (
            '{"type": "string", "logicalType": "uuid"}',
            '"12345678-1234-5678-1234-567812345678"',
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
        ),
        (
            '{"type": "fixed", "name": "U", "size": 16, "logicalType": "uuid"}',
            '"' + "\\u0000" * 15 + '\\u0001"',
            uuid.UUID(int=1),
        ),
        (
            '{"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}',
            r'"\u0001\u0000\u0000\u0000\u0002\u0000\u0000\u0000\u0003\u0001\u0000\u0000"',
            ir.IntervalValue(1, 2, 259),
        ),
        ('["null", "int"]', "null", None),
        ('["int", "null"]', "5", 5),
        ('["int", "string"]', "5", ir.UnionValue(0, 5)),
        ('["string", "null", "int"]', '"x"', ir.UnionValue(0, "x")),
        ('["null"]', "null", None),
        ('["int"]', "3", 3),
        ("[" + _R + ', "null"]', '{"x": 7}', (("x", 7),)),
        ('{"type": "map", "values": ["null", "string"]}', '{"k": null}', (("k", None),)),
        ('{"type": "array", "items": ["int", "string"]}', "[4]", (ir.UnionValue(0, 4),)),
    ],
)
def test_defaults_are_converted_to_ir_values(
    tmp_path: Path, type_json: str, default_json: str, expected: Any
) -> None:
    s = load_text(tmp_path, rec(f'{{"name": "f", "type": {type_json}, "default": {default_json}}}'))
    f = field(s, "Rec", "f")
    assert f.has_default
    assert f.default == expected
    assert type(f.default) is type(expected)
    if isinstance(expected, datetime.datetime):
        assert f.default.tzinfo == expected.tzinfo
    if isinstance(expected, decimal.Decimal):
        assert f.default.as_tuple() == expected.as_tuple()  # exact digits and exponent
    # the default is kept verbatim in the native schema
    doc = json.loads(native(s.record("Rec")))
    assert doc["fields"][0]["default"] == json.loads(default_json)
    parse_avro(native(s.record("Rec")))


def test_nan_and_infinity_strings_are_not_float_defaults(tmp_path: Path) -> None:
    # Avro Java (1.12) rejects them too; accepting them would make the footer schema unreadable there
    expect_error(
        tmp_path,
        rec('{"name": "a", "type": "double", "default": "NaN"}'),
        '"NaN"',
        "expected a number for double",
        path="Rec.a",
    )


def test_record_default_with_recursive_type(tmp_path: Path) -> None:
    text = rec(
        '{"name": "next", "type": ["null", "Rec"], "default": null}',
        '{"name": "v", "type": "int"}',
        '{"name": "w", "type": {"type": "array", "items": "Rec"}, "default": [{"v": 1, "next": null}, {"v": 2}]}',
    )
    # "w" and "next" may be omitted from the inner values because they have defaults; "v" may not
    s = load_text(tmp_path, text)
    assert field(s, "Rec", "w").default == ((("next", None), ("v", 1)), (("v", 2),))
    bad = text.replace('{"v": 2}', '{"w": []}')
    expect_error(tmp_path, bad, '{"w": []}', "missing field 'v' of Rec", path="Rec.w[1]")
    bad = text.replace('{"v": 2}', '{"v": 2, "next": {"v": "x"}}')
    expect_error(tmp_path, bad, '{"v": "x"}', "matches no member", path="Rec.w[1].next")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("type_json", "default_json", "needle", "match", "subpath"),
    [
        ('"null"', "0", "0}", "expected null", ""),
        ('"boolean"', "0", "0}", "expected true or false", ""),
        ('"int"', '"1"', '"1"', "expected an integer", ""),
        ('"int"', "true", "true", "expected an integer", ""),
        ('"int"', "2147483648", "2147483648", "out of range for int", ""),
        ('"long"', "1.0", "1.0", "expected an integer", ""),
        ('"long"', "-9223372036854775809", "-9223372036854775809", "out of range for long", ""),
        ('"float"', '"1.5"', '"1.5"', "expected a number", ""),
        ('"float"', "1e39", "1e39", "out of range for float", ""),
        ('"double"', "false", "false", "expected a number", ""),
        ('"bytes"', r'"\u0100"', r'"\u0100"', "U\\+0100", ""),
        ('"bytes"', "[1]", "[1]", "JSON string of bytes", ""),
        ('"string"', "1", "1}", "expected a string", ""),
        (_E, '"C"', '"C"', "not a symbol of enum E", ""),
        (_F2, '"abc"', '"abc"', "exactly 2 bytes, got 3", ""),
        ('{"type": "array", "items": "int"}', '{"a": 1}', '{"a": 1}', "expected a JSON array", ""),
        ('{"type": "array", "items": "int"}', '[1, "two"]', '"two"', "expected an integer", "[1]"),
        ('{"type": "map", "values": "int"}', "[]", "[]}", "expected a JSON object", ""),
        ('{"type": "map", "values": "int"}', '{"a": "x"}', '"x"', "expected an integer", "['a']"),
        (_R, '{"y": "z"}', '{"y": "z"}', "missing field 'x' of Inner", ""),
        (_R, '{"x": 1, "q": 2}', '"q"', "Inner has no field 'q'", ""),
        (_R, '{"x": "no"}', '"no"', "expected an integer", ".x"),
        (_R, "[]", "[]}", "expected a JSON object", ""),
        ('["null", "int"]', '"x"', '"x"', "matches no member", ""),
        ('["null", "int", "string"]', "true", "true", "matches no member", ""),
        ('["int", "null"]', '"x"', '"x"', "matches no member", ""),
        ('["string", "int"]', "1.5", "1.5", "matches no member", ""),
        (
            '{"type": "int", "logicalType": "date"}',
            "2147483647",
            "2147483647",
            "outside the dates",
            "",
        ),
        ('{"type": "int", "logicalType": "time-millis"}', "-1", "-1", "not a time of day", ""),
        (
            '{"type": "long", "logicalType": "timestamp-nanos"}',
            "1001",
            "1001",
            "whole number of microseconds",
            "",
        ),
        (
            '{"type": "long", "logicalType": "timestamp-millis"}',
            "9223372036854775807",
            "9223372036854775807",
            "outside the dates",
            "",
        ),
        (
            '{"type": "string", "logicalType": "uuid"}',
            '"not-a-uuid"',
            '"not-a-uuid"',
            "not a valid UUID",
            "",
        ),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": 2}',
            r'"\u0004\u00d2"',
            r'"\u0004',
            "more than 2 digits",
            "",
        ),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": 2}',
            '""',
            '""',
            "empty byte string",
            "",
        ),
        (
            '{"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}',
            '"short"',
            '"short"',
            "exactly 12 bytes",
            "",
        ),
    ],
)
def test_bad_default(
    tmp_path: Path, type_json: str, default_json: str, needle: str, match: str, subpath: str
) -> None:
    text = rec(
        '{"name": "ok", "type": "int"}',
        f'{{"name": "f", "type": {type_json},\n   "default": {default_json}}}',
    )
    p = write(tmp_path, text, "bad.avsc")
    with pytest.raises(SchemaError) as info:
        load([p])
    err = info.value
    # the error points at the offending JSON value inside the default
    line, col = loc_of(text, needle, start=text.index('"default"'))
    assert (err.file, err.line, err.column) == (str(p), line, col)
    assert str(err).startswith(f"{p}:{line}:{col}: invalid default for field 'f': ")
    assert re.search(match, err.message), err.message
    assert err.path == "Rec.f" + subpath
    assert str(err).endswith(f"(at Rec.f{subpath})")


def test_bad_json(tmp_path: Path) -> None:
    text = '{"type": "record", "name": "R",\n "fields": [\n  {"name": "a", "type": "int"},\n]}'
    expect_error(tmp_path, text, "]}", r"invalid JSON: trailing comma in array")
    expect_error(
        tmp_path, '{"type": "record"\n "name": "R"}', '"name"', r"invalid JSON: expected ',' or '}'"
    )
    empty = write(tmp_path, "\n\n  ", "empty.avsc")
    with pytest.raises(SchemaError, match="invalid JSON: empty document") as info:
        load([empty])
    assert (info.value.file, info.value.line, info.value.column) == (str(empty), 3, 3)
    expect_error(
        tmp_path,
        '{"type": "enum", "name": "E",\n "symbols": ["A"], "name": "F"}',
        '"name": "F"',
        r"invalid JSON: duplicate key 'name' in object \(first at line 1, column 18\)",
    )


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.avsc"
    with pytest.raises(SchemaError, match="cannot read schema file") as info:
        load([missing])
    assert info.value.file == str(missing)
    bad = tmp_path / "latin1.avsc"
    bad.write_bytes(b'{"type": "enum",\n "name": "E", "doc": "caf\xe9", "symbols": ["A"]}')
    with pytest.raises(SchemaError, match="not valid UTF-8") as info:
        load([bad])
    assert (info.value.line, info.value.column) == (2, 26)


def test_unknown_type_with_suggestion(tmp_path: Path) -> None:
    text = rec(
        '{"name": "n", "type": {"type": "record", "name": "Node", "fields": []}}',
        '{"name": "m", "type": "Nod"}',
        '{"name": "s", "type": "strng"}',
        name="a.R",
    )
    expect_error(
        tmp_path, text, '"Nod"', r"unknown type 'Nod'; did you mean 'a.Node'\?", path="a.R.m"
    )
    text2 = rec('{"name": "s", "type": ["null", "strng"]}')
    expect_error(
        tmp_path, text2, '"strng"', r"unknown type 'strng'; did you mean 'string'\?", path="Rec.s"
    )
    text3 = rec('{"name": "r", "type": "record"}')
    expect_error(tmp_path, text3, '"record"}', r"must be written as a JSON object", path="Rec.r")
    text4 = rec('{"name": "q", "type": {"type": "Zzz"}}')
    expect_error(tmp_path, text4, '"Zzz"', r"unknown type 'Zzz'$", path="Rec.q")


def test_duplicate_field(tmp_path: Path) -> None:
    text = rec(
        '{"name": "a", "type": "int"}',
        '{"name": "b", "type": "int"}',
        '{"name": "a", "type": "long"}',
    )
    expect_error(
        tmp_path,
        text,
        '"a"',
        r"duplicate field 'a' in 'Rec' \(first defined at line 3, column 12\)",
        nth=1,
        path="Rec.a",
    )


def test_duplicate_enum_symbol_and_bad_symbols(tmp_path: Path) -> None:
    text = '{"type": "enum", "name": "E",\n "symbols": ["A", "B",\n  "A"]}'
    expect_error(tmp_path, text, '"A"', r"duplicate enum symbol 'A' in 'E'", nth=1, path="E")
    expect_error(
        tmp_path,
        '{"type": "enum", "name": "E",\n "symbols": ["ok", "not-ok"]}',
        '"not-ok"',
        r"invalid enum symbol 'not-ok'",
    )
    expect_error(
        tmp_path, '{"type": "enum", "name": "E",\n "symbols": ["A", 1]}', "1]", "must be strings"
    )


def test_enum_default_not_a_symbol(tmp_path: Path) -> None:
    text = rec(
        '{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"],\n   "default": "Z"}}'
    )
    expect_error(
        tmp_path, text, '"Z"', r"enum default 'Z' is not one of the symbols of 'E'", path="E"
    )


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("9lives", r"invalid name '9lives'"),
        ("my-rec", r"invalid name 'my-rec'"),
        ("a..B", r"invalid name 'a..B'"),
        ("a.", r"invalid name 'a\.'"),
        ("", r"invalid name ''"),
        ("int", r"'int' is a primitive type name and cannot be redefined"),
        ("x.string", r"'x.string' is a primitive type name"),
    ],
)
def test_invalid_names(tmp_path: Path, name: str, match: str) -> None:
    text = f'{{"type": "record",\n "name": "{name}", "fields": []}}'
    expect_error(tmp_path, text, f'"{name}"', match)


@pytest.mark.parametrize("ns", ["a..b", "a/b", ".a", "a.", "a.1b", "a b"])
def test_invalid_namespace(tmp_path: Path, ns: str) -> None:
    text = rec(
        '{"name": "e", "type": {"type": "enum", "name": "E",\n  "namespace": "'
        + ns
        + '", "symbols": ["A"]}}'
    )
    expect_error(tmp_path, text, f'"{ns}"', rf"invalid namespace '{re.escape(ns)}'")


def test_invalid_field_name_and_alias(tmp_path: Path) -> None:
    expect_error(
        tmp_path,
        rec('{"name": "a.b", "type": "int"}'),
        '"a.b"',
        r"invalid field name 'a.b'",
        path="Rec.a.b",
    )
    expect_error(
        tmp_path,
        rec('{"name": "a", "type": "int"}', extra='\n "aliases": ["ok", "b-c"],'),
        '"b-c"',
        r"invalid alias 'b-c'",
    )


def test_conflicting_redefinition(tmp_path: Path) -> None:
    first = write(tmp_path, rec('{"name": "a", "type": "int"}', name="n.R"), "first.avsc")
    second_text = "\n\n" + rec('{"name": "a", "type": "long"}', name="n.R")
    second = write(tmp_path, second_text, "second.avsc")
    with pytest.raises(SchemaError) as info:
        load([first, second])
    err = info.value
    assert (err.file, err.line, err.column) == (str(second), 3, 1)
    assert f"first definition at {first}:1:1" in err.message
    assert "'n.R' is defined again differently" in err.message
    # an enum with other symbols, in the same file
    text = rec(
        '{"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["A"]}}',
        '{"name": "b", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}}',
    )
    expect_error(
        tmp_path,
        text,
        '{"type": "enum"',
        r"'E' is defined again differently \(first definition at .*bad\.avsc:3:25\)",
        nth=1,
        path="E",
    )
    # fixed of another size, a record vs an enum of the same name
    text = rec(
        '{"name": "a", "type": {"type": "fixed", "name": "F", "size": 1}}',
        '{"name": "b", "type": {"type": "fixed", "name": "F", "size": 2}}',
    )
    expect_error(tmp_path, text, '{"type": "fixed"', "defined again differently", nth=1)
    text = rec(
        '{"name": "a", "type": {"type": "fixed", "name": "F", "size": 1}}',
        '{"name": "b", "type": {"type": "enum", "name": "F", "symbols": ["A"]}}',
    )
    expect_error(tmp_path, text, '{"type": "enum"', "defined again differently")


def test_union_errors(tmp_path: Path) -> None:
    expect_error(
        tmp_path,
        rec('{"name": "u", "type": ["null", ["int", "string"]]}'),
        '["int"',
        "may not directly contain another union",
        path="Rec.u",
    )
    expect_error(tmp_path, rec('{"name": "u", "type": []}'), "[]", "empty union", path="Rec.u")
    expect_error(
        tmp_path,
        rec('{"name": "u", "type": ["int", "string", "int"]}'),
        '"int"',
        r"duplicate type 'int' in union",
        nth=1,
        path="Rec.u",
    )
    expect_error(
        tmp_path,
        rec('{"name": "u", "type": ["long", {"type": "long", "logicalType": "timestamp-millis"}]}'),
        '{"type": "long"',
        r"duplicate type 'long' in union",
    )
    expect_error(
        tmp_path,
        rec(
            '{"name": "u", "type": [{"type": "array", "items": "int"}, '
            '{"type": "array", "items": "string"}]}'
        ),
        '{"type": "array"',
        r"duplicate type 'array' in union",
        nth=1,
    )
    expect_error(
        tmp_path,
        rec(
            '{"name": "u", "type": [{"type": "map", "values": "int"}, '
            '{"type": "map", "values": "string"}]}'
        ),
        '{"type": "map"',
        r"duplicate type 'map' in union",
        nth=1,
    )
    text = rec(
        '{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"]}}',
        '{"name": "u", "type": ["E", "n.E"]}',
        name="n.R",
    )
    expect_error(tmp_path, text, '"n.E"', r"duplicate type 'n.E' in union", path="n.R.u")
    expect_error(
        tmp_path,
        rec('{"name": "u", "type": {"type": ["int", "null"]}}'),
        '["int"',
        r"must be a type name string, got array \(write a union as the JSON array itself",
    )


@pytest.mark.parametrize(
    ("schema", "needle", "match"),
    [
        (
            '{"type": "record", "name": "R"}',
            "{",
            "record 'R' is missing required attribute 'fields'",
        ),
        ('{"type": "error", "name": "R"}', "{", "error 'R' is missing required attribute 'fields'"),
        (
            '{"type": "record", "name": "R", "fields": {}}',
            "{}",
            "'fields' of record 'R' must be an array",
        ),
        ('{"type": "enum", "name": "E"}', "{", "enum 'E' is missing required attribute 'symbols'"),
        ('{"type": "fixed", "name": "F"}', "{", "fixed 'F' is missing required attribute 'size'"),
        ('{"type": "fixed", "name": "F", "size": -1}', "-1", "must be a non-negative integer"),
        ('{"type": "fixed", "name": "F", "size": 1.5}', "1.5", "must be a non-negative integer"),
        ('{"type": "array"}', "{", "array is missing required attribute 'items'"),
        ('{"type": "map", "items": "int"}', "{", "map is missing required attribute 'values'"),
        ('{"name": "R", "fields": []}', "{", "missing required attribute 'type'"),
        ('{"type": "record", "fields": []}', "{", "record is missing required attribute 'name'"),
        ('{"type": "record", "name": 5, "fields": []}', "5", "'name' must be a string"),
        (
            '{"type": "record", "name": "R", "fields": [{"type": "int"}]}',
            '{"type": "int"}',
            "field is missing required attribute 'name'",
        ),
        (
            '{"type": "record", "name": "R", "fields": [{"name": "a"}]}',
            '{"name": "a"}',
            "field 'a' is missing required attribute 'type'",
        ),
        (
            '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "order": "up"}]}',
            '"up"',
            "invalid field order",
        ),
        ('{"type": "record", "name": "R", "doc": 3, "fields": []}', "3", "'doc' must be a string"),
        (
            '{"type": "record", "name": "R", "aliases": "A", "fields": []}',
            '"A"',
            "'aliases' must be an array",
        ),
        (
            '{"type": "record", "name": "R", "namespace": 1, "fields": []}',
            "1,",
            "'namespace' must be a string",
        ),
        ("42", "42", "expected a schema .* got number 42"),
        (
            '{"type": "record", "name": "R", "fields": [1]}',
            "1]",
            "a field of 'R' must be a JSON object",
        ),
    ],
)
def test_structural_errors(tmp_path: Path, schema: str, needle: str, match: str) -> None:
    expect_error(tmp_path, "\n" + schema, needle, match)


def test_protocol_errors(tmp_path: Path) -> None:
    expect_error(
        tmp_path,
        '{"namespace": "x",\n "types": []}',
        "{",
        "missing required attribute 'protocol'",
        name="p.avpr",
    )
    expect_error(
        tmp_path,
        '{"protocol": "P",\n "types": ["string"]}',
        '"string"',
        "may only contain definitions of named types",
        name="p.avpr",
    )
    expect_error(
        tmp_path,
        '{"protocol": "P", "namespace": "a..b"}',
        '"a..b"',
        "invalid namespace",
        name="p.avpr",
    )


def test_errors_never_escape_as_other_exceptions(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every truncation of a valid schema either loads or raises SchemaError."""
    folder = tmp_path_factory.mktemp("trunc")
    text = rec(
        '{"name": "a", "type": ["null", {"type": "enum", "name": "E", "symbols": ["A"], "default": "A"}], "default": null}',
        '{"name": "b", "type": {"type": "map", "values": {"type": "fixed", "name": "F", "size": 2}}, "default": {"k": "xy"}}',
    )
    for cut in range(len(text)):
        p = write(folder, text[:cut] + text[cut + 1 :], "t.avsc")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SchemaWarning)
                load([p])
        except SchemaError as e:
            assert e.file == str(p) and e.line >= 1


_WORDS = st.sampled_from(
    [
        "type",
        "name",
        "namespace",
        "fields",
        "symbols",
        "items",
        "values",
        "size",
        "default",
        "logicalType",
        "precision",
        "scale",
        "aliases",
        "doc",
        "order",
        "record",
        "enum",
        "fixed",
        "array",
        "map",
        "error",
        "null",
        "int",
        "long",
        "string",
        "bytes",
        "boolean",
        "float",
        "double",
        "decimal",
        "uuid",
        "date",
        "duration",
        "timestamp-nanos",
        "R",
        "E",
        "a.b",
        "A",
        "x",
        "",
    ]
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**65), 2**65)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _WORDS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_WORDS, children, max_size=6),
    max_leaves=30,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=_JSON)
def test_fuzz_only_schema_errors(tmp_path: Path, doc: Any) -> None:
    p = write(tmp_path, json.dumps(doc), "fuzz.avsc")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SchemaWarning)
            schema = load([p])
    except SchemaError as e:
        assert e.file == str(p)
        return
    for t in schema.types.values():
        if isinstance(t, ir.Record):
            json.loads(native(t))
            ir.record_schema_json(schema.types, t.name)  # IR values serialise


# --------------------------------------------------------------------------- warnings


@pytest.mark.parametrize(
    ("type_json", "expected", "match"),
    [
        (
            '{"type": "bytes", "logicalType": "big-decimal"}',
            ir.Bytes(),
            "unknown logical type 'big-decimal' ignored; using bytes",
        ),
        ('{"type": "string", "logicalType": 7}', ir.String(), "'logicalType' must be a string"),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": 0}',
            ir.Bytes(),
            r"invalid decimal logical type \(precision 0 is not a positive integer\)",
        ),
        ('{"type": "bytes", "logicalType": "decimal"}', ir.Bytes(), r"missing 'precision'"),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": 2, "scale": 3}',
            ir.Bytes(),
            "scale 3 is greater than precision 2",
        ),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": 2, "scale": -1}',
            ir.Bytes(),
            "scale -1 is not a non-negative integer",
        ),
        (
            '{"type": "bytes", "logicalType": "decimal", "precision": "9"}',
            ir.Bytes(),
            'precision "9" is not a positive integer',
        ),
        (
            '{"type": "fixed", "name": "F", "size": 4, "logicalType": "decimal", "precision": 10}',
            ir.Fixed(4),
            r"precision 10 does not fit in fixed\(4\) \(at most 9 digits\)",
        ),
        (
            '{"type": "long", "logicalType": "date"}',
            ir.Int(64),
            "logical type 'date' requires int, not long; ignored",
        ),
        ('{"type": "int", "logicalType": "time-micros"}', ir.Int(32), "requires long, not int"),
        (
            '{"type": "fixed", "name": "F", "size": 8, "logicalType": "uuid"}',
            ir.Fixed(8),
            r"requires string or fixed\(16\), not fixed\(8\)",
        ),
        (
            '{"type": "fixed", "name": "F", "size": 10, "logicalType": "duration"}',
            ir.Fixed(10),
            r"requires fixed\(12\)",
        ),
        (
            '{"type": "string", "logicalType": "timestamp-millis"}',
            ir.String(),
            "requires long, not string",
        ),
        (
            '{"type": "array", "items": "int", "logicalType": "date"}',
            ir.List(ir.Int(32)),
            "requires int, not array",
        ),
    ],
)
def test_logical_type_warnings(
    tmp_path: Path, type_json: str, expected: ir.Type, match: str
) -> None:
    text = rec('{"name": "ok", "type": "int"}', f'{{"name": "f", "type": {type_json}}}')
    p = write(tmp_path, text)
    with pytest.warns(SchemaWarning) as record:
        s = load([p])
    assert len(record) == 1
    message = str(record[0].message)
    line, col = loc_of(text, '"logicalType"')
    col += len('"logicalType": ')
    assert message.startswith(f"{p}:{line}:{col}: "), message
    assert re.search(match, message), message
    assert field(s, "Rec", "f").type == expected
    # the ignored logical type does not reach the native schema as a valid one
    parse_avro(native(s.record("Rec")))


def test_valid_schema_emits_no_warnings(tmp_path: Path) -> None:
    text = rec(
        '{"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 10}}',
        '{"name": "u", "type": {"type": "fixed", "name": "F", "size": 16, "logicalType": "decimal", "precision": 38}}',
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = load([write(tmp_path, text)])
    assert [f.type for f in s.record("Rec").fields] == [
        ir.Decimal(38, 10),
        ir.Decimal(38, 0, byte_size=16),
    ]


# --------------------------------------------------------------------------- native metadata


def test_native_schema_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    text = """{"type": "record", "name": "Order", "namespace": "shop", "doc": "An order",
 "fields": [
  {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
  {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
  {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line",
     "fields": [{"name": "sku", "type": "string", "order": "descending"},
                {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["OK", "KO"], "default": "OK"}}]}}},
  {"name": "status", "type": "Status", "default": "KO"},
  {"name": "extra", "type": ["null", "Line"], "default": null, "aliases": ["more"]}
 ]}"""
    s1 = load_text(tmp_path, text)
    s2 = load_text(tmp_path, text)
    n = native(s1.record("shop.Order"))
    assert n == native(s2.record("shop.Order"))
    assert ", " not in n and ": " not in n  # compact
    doc = json.loads(n)
    assert doc == {
        "type": "record",
        "name": "Order",
        "namespace": "shop",
        "doc": "An order",
        "fields": [
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
            {
                "name": "total",
                "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2},
            },
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
            {
                "name": "lines",
                "type": {
                    "type": "array",
                    "items": {
                        "type": "record",
                        "name": "Line",
                        "namespace": "shop",
                        "fields": [
                            {"name": "sku", "type": "string", "order": "descending"},
                            {
                                "name": "status",
                                "type": {
                                    "type": "enum",
                                    "name": "Status",
                                    "namespace": "shop",
                                    "symbols": ["OK", "KO"],
                                    "default": "OK",
                                },
                            },
                        ],
                    },
                },
            },
            {"name": "status", "type": "shop.Status", "default": "KO"},
            {"name": "extra", "type": ["null", "shop.Line"], "default": None, "aliases": ["more"]},
        ],
    }
    parsed = parse_avro(n)
    assert [f.name for f in parsed.fields] == ["id", "total", "at", "lines", "status", "extra"]  # type: ignore[attr-defined]
    assert parsed.fields[1].type.get_prop("logicalType") == "decimal"  # type: ignore[attr-defined]
    # the nested record's own native schema starts from itself
    line = json.loads(native(s1.record("shop.Line")))
    assert line["name"] == "Line" and line["fields"][1]["type"]["name"] == "Status"


def test_native_schema_defines_shared_types_once(tmp_path: Path) -> None:
    d = '{"type": "record", "name": "D", "fields": [{"name": "v", "type": "int"}]}'
    text = (
        '[{"type": "record", "name": "A", "namespace": "n", "fields": ['
        '{"name": "b", "type": {"type": "record", "name": "B", "fields": [{"name": "d", "type": '
        + d
        + '}]}}, {"name": "c", "type": {"type": "record", "name": "C", "fields": '
        '[{"name": "d", "type": ["null", "n.D"]}]}}, {"name": "d2", "type": "D"}]}]'
    )
    s = load_text(tmp_path, text)
    a = json.loads(native(s.record("n.A")))
    d_obj = {
        "type": "record",
        "name": "D",
        "namespace": "n",
        "fields": [{"name": "v", "type": "int"}],
    }
    assert a["fields"][0]["type"]["fields"][0]["type"] == d_obj  # defined at first use, in B
    assert a["fields"][1]["type"]["fields"][0]["type"] == ["null", "n.D"]
    assert a["fields"][2]["type"] == "n.D"
    c = json.loads(native(s.record("n.C")))
    assert c["fields"][0]["type"] == ["null", d_obj]  # C's own schema defines D itself
    for name in ("n.A", "n.B", "n.C", "n.D"):
        parse_avro(native(s.record(name)))


# --------------------------------------------------------------------------- jsonpos


def test_jsonpos_positions() -> None:
    text = '{\n  "a": [1, {"b": null}],\r\n\t"c": "\\u00e9"\n}'
    root = jsonpos.parse(text)
    assert isinstance(root, jsonpos.Obj) and (root.line, root.column) == (1, 1)
    a = root.members["a"]
    assert isinstance(a, jsonpos.Arr) and (a.line, a.column) == (2, 8)
    inner = a.items[1]
    assert isinstance(inner, jsonpos.Obj) and (inner.line, inner.column) == (2, 12)
    assert (root.keys["c"].line, root.keys["c"].column) == (3, 2)
    assert jsonpos.to_plain(root) == {"a": [1, {"b": None}], "c": "é"}


@pytest.mark.parametrize(
    ("text", "pos", "match"),
    [
        ("[1,\n 2,,]", (2, 4), "expected a JSON value"),
        ('{"a": 1 "b": 2}', (1, 9), "expected ',' or '}'"),
        ("[NaN]", (1, 2), "expected a JSON value, got 'NaN'"),
        ("[01]", (1, 2), "invalid number"),
        ('"\\x"', (1, 2), "invalid escape"),
        ('"\\ud800"', (1, 2), "unpaired surrogate"),
        ('"a\nb"', (1, 3), "control character"),
        ("[1] [2]", (1, 5), "unexpected data"),
        ("[" * 300, (1, 201), "nested deeper"),
        ("[" + "1" * 5000 + "]", (1, 2), "number with 5000 digits is too long"),
        # a duplicate key is named only when it is one of the format's own (Avro: name,
        # type, ...): a syntax error never quotes the file's text (issue 15 item 3)
        ('{"a": 1, "a": 2}', (1, 10), r"duplicate key in object \(first at line 1, column 2\)"),
        ('{"SECRET_TOKEN_12345": 1, "SECRET_TOKEN_12345": 2}', (1, 27), r": duplicate key in object \(first"),
        ("[SECRET_TOKEN_12345]", (1, 2), r": expected a JSON value, got a word$"),
        ('{"a" SECRET_TOKEN_12345}', (1, 6), r": expected ':' after object key, got a word$"),
        ("[1 SECRET_TOKEN_12345]", (1, 4), r": expected ',' or '\]' in array, got a word$"),
        ('"SECRET_TOKEN_12345\\q"', (1, 20), r": invalid escape in string \(JSON has"),
    ],
)
def test_jsonpos_errors(text: str, pos: tuple[int, int], match: str) -> None:
    with pytest.raises(jsonpos.JSONError, match=match) as info:
        jsonpos.parse(text)
    assert (info.value.line, info.value.column) == pos


_PLAIN = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(value=_PLAIN, indent=st.sampled_from([None, 2]), ascii_only=st.booleans())
def test_jsonpos_agrees_with_json_module(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    assert jsonpos.to_plain(jsonpos.parse(text)) == json.loads(text)


def test_union_default_may_match_any_member(tmp_path: Path) -> None:
    """Avro 1.12 (AVRO-3649): a union default may match any member; the first match wins."""
    text = rec(
        '{"name": "a", "type": ["null", "int"], "default": 5}',
        '{"name": "b", "type": ["string", "null"], "default": null}',
        '{"name": "c", "type": ["string", "long", "double"], "default": 2}',
        '{"name": "d", "type": ["string", "double"], "default": 2}',
    )
    s = load_text(tmp_path, text)
    assert field(s, "Rec", "a").default == 5
    assert field(s, "Rec", "b").default is None
    assert field(s, "Rec", "c").default == ir.UnionValue(1, 2)
    assert field(s, "Rec", "d").default == ir.UnionValue(1, 2.0)
