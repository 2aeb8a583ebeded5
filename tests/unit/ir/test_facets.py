"""Typed IR facets (json_name, presence, oneofs, open enums, table) and per-format
origins: what front ends fill in, what ``schemagen.schema`` JSON keeps, and how JSON
written before them (metadata strings) still loads to the same facets."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from schemagen import ir
from schemagen.evolution import baselines, engine
from schemagen.frontends import parquet as pqfront

ROOT = Path(__file__).resolve().parents[3]


def _record(j: dict[str, Any]) -> ir.Record:
    r = ir.named_from_json(j)
    assert isinstance(r, ir.Record)
    return r


def test_facets_round_trip_through_json() -> None:
    pb = ir.ProtobufOrigin(type="map", key_type="string", value_type="message",
                           value_wkt="google.protobuf.Timestamp")
    rec = ir.Record(
        "p.M", (ir.Field("a", ir.Nullable(ir.Int(32)), py_name="a", json_name="aA",
                         presence="explicit", origin=ir.ProtobufOrigin(type="int32", default="7")),
                ir.Field("m", ir.Map(ir.String(), ir.Timestamp("us", True)), py_name="m",
                         presence="repeated", origin=pb),
                ir.Field("t", ir.String(), py_name="t", origin=ir.ThriftOrigin(
                    requiredness="default", auto_id=-1, reference=True, typedefs=("A = i32",))),
                ir.Field("s", ir.String(), py_name="s", origin=ir.SqlOrigin("VARCHAR(3)"))),
        oneofs=(ir.Oneof("g", ("a", "m")),), table="db.t",
        origin=ir.ProtobufOrigin(name="p.M", file="p.proto", package="p",
                                 reserved=((2, 2), (5, 9)), reserved_names=("x", "y")))
    enum = ir.Enum("p.E", ("A",), values=(0,), open=True, origin=ir.ProtobufOrigin(name="p.E"))
    const = ir.Constant("p.K", ir.Int(64), 3, origin=ir.ThriftOrigin(type="UserId"))
    j = ir.named_to_json(rec)
    assert "metadata" not in j and all("metadata" not in f for f in j["fields"])
    assert j["oneofs"] == [["g", ["a", "m"]]] and j["table"] == "db.t"
    assert j["fields"][0]["origin"] == {"format": "protobuf", "type": "int32", "default": "7"}
    assert j["origin"]["reserved"] == [[2, 2], [5, 9]]
    back = ir.named_from_json(json.loads(json.dumps(j)))
    assert back == rec
    assert ir.named_from_json(ir.named_to_json(enum)) == enum
    assert ir.constant_from_json(ir.named_to_json(const)) == const
    assert ir.oneof_groups(rec) == [("g", ["a", "m"])]
    assert ir.is_open_enum(enum) and not ir.is_open_enum(dataclasses.replace(enum, values=None))


def test_old_protobuf_metadata_loads_to_facets() -> None:
    """Metadata strings as the protobuf front end wrote them before the typed facets."""
    old = {"kind": "record", "name": "p.M", "fields": [
        {"name": "a", "type": {"type": "nullable", "inner": {"type": "int", "bits": 32}},
         "metadata": [["protobuf.type", "int32"], ["protobuf.default", "7"],
                      ["protobuf.presence", "explicit"], ["protobuf.json_name", "aA"]]},
        {"name": "r", "type": {"type": "list", "item": "string"},
         "metadata": [["protobuf.wkt", "google.protobuf.StringValue"],
                      ["protobuf.label", "repeated"]]},
        {"name": "q", "type": "string",
         "metadata": [["protobuf.type", "string"], ["protobuf.label", "required"]]},
        {"name": "i", "type": "string", "metadata": [["protobuf.type", "string"]]},
        {"name": "m", "type": {"type": "map", "key": "string", "value": "string"},
         "metadata": [["protobuf.type", "map"], ["protobuf.key.type", "string"],
                      ["protobuf.value.type", "string"]]},
    ], "metadata": [["protobuf.name", "p.M"], ["schemagen.oneof.g", "a,i"],
                    ["protobuf.file", "p.proto"], ["protobuf.package", ""],
                    ["protobuf.reserved", "9-11,2"], ["protobuf.reserved_names", "x,y"]]}
    r = _record(old)
    assert r.metadata == () and all(f.metadata == () for f in r.fields)
    a, rep, q, i, m = r.fields
    assert (a.json_name, a.presence, a.origin) == (
        "aA", "explicit", ir.ProtobufOrigin(type="int32", default="7"))
    assert (rep.presence, rep.origin) == ("repeated",
                                          ir.ProtobufOrigin(wkt="google.protobuf.StringValue"))
    assert (q.presence, i.presence, m.presence) == ("required", "implicit", "repeated")
    assert m.origin == ir.ProtobufOrigin(type="map", key_type="string", value_type="string")
    assert r.oneofs == (ir.Oneof("g", ("a", "i")),)
    assert r.origin == ir.ProtobufOrigin(name="p.M", file="p.proto", reserved=((2, 2), (9, 11)),
                                         reserved_names=("x", "y"))
    e = ir.named_from_json({"kind": "enum", "name": "p.E", "symbols": ["A"], "values": [0],
                            "metadata": [["protobuf.name", "p.E"], ["schemagen.enum", "open"]]})
    assert isinstance(e, ir.Enum) and e.open and e.metadata == ()
    # and the new form is written back
    assert "metadata" not in ir.named_to_json(r)


def test_json_name_written_twice_loads_once() -> None:
    """For a while the protobuf front end wrote json_name as a facet and as metadata."""
    f = _record({"kind": "record", "name": "p.M", "fields": [
        {"name": "a", "type": "string", "json_name": "aA", "presence": "implicit",
         "origin": {"format": "protobuf", "type": "string"},
         "metadata": [["protobuf.json_name", "aA"]]}]}).fields[0]
    assert (f.json_name, f.metadata) == ("aA", ())


def test_old_thrift_and_sql_metadata_loads_to_origins() -> None:
    r = _record({"kind": "record", "name": "t.S", "fields": [
        {"name": "a", "type": "string", "metadata": [
            ["thrift.requiredness", "default"], ["thrift.id", "-2"], ["thrift.default", "\"x\""],
            ["thrift.reference", "true"], ["thrift.type", "B"], ["thrift.typedef", "B = A"],
            ["thrift.typedef", "A = string"], ["thrift.annotation.max.length", "3"]]},
        {"name": "s", "type": "string", "metadata": [["sql.type", "VARCHAR(3)"]]},
    ], "metadata": [["thrift.annotation.cpp.type", "x"]]})
    a, s = r.fields
    assert a.origin == ir.ThriftOrigin(requiredness="default", auto_id=-2, default='"x"',
                                       reference=True, type="B", typedefs=("B = A", "A = string"))
    assert a.metadata == (("thrift.annotation.max.length", "3"),)  # annotations stay
    assert r.metadata == (("thrift.annotation.cpp.type", "x"),)
    assert s.origin == ir.SqlOrigin("VARCHAR(3)") and s.metadata == ()
    c = ir.constant_from_json({"kind": "const", "name": "t.K", "type": "string", "value": "v",
                               "metadata": [["thrift.type", "U"], ["thrift.typedef", "U = string"]]})
    assert c.origin == ir.ThriftOrigin(type="U", typedefs=("U = string",)) and c.metadata == ()


def test_committed_snapshot_loads_to_what_the_front_ends_build() -> None:
    """``schemas.lock.json`` was written with metadata strings: it loads to the IR the
    front ends build from ``schemas/`` today (the SQL table name was never in the JSON:
    it was a footer key only)."""
    [v] = baselines.load_snapshot(ROOT / "schemas.lock.json")
    live = engine.load_files([ROOT / "schemas"])
    assert set(v.schema.types) == set(live.types)
    for name, t in live.types.items():
        if isinstance(t, ir.Record) and t.table:
            t = dataclasses.replace(t, table="")
        assert v.schema.types[name] == t, name
    kinds = {type(f.origin) for t in live.types.values() if isinstance(t, ir.Record)
             for f in t.fields}
    assert {ir.ProtobufOrigin, ir.ThriftOrigin, ir.SqlOrigin} <= kinds


def test_footer_sql_table_fills_record_table() -> None:
    text = ir.record_schema_json({"s.T": ir.Record("s.T", (ir.Field("a", ir.Int(64)),))}, "s.T")
    found = pqfront.from_footer({b"schemagen.schema": text.encode(), b"sql.table": b"db.t"})
    assert found is not None and found[1]["s.T"].table == "db.t"  # type: ignore[union-attr]
    found = pqfront.from_footer({b"schemagen.schema": text.encode()})
    assert found is not None and found[1]["s.T"].table == ""  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", [
    {"format": "protobuf", "reserved": "2-3"},
    {"format": "protobuf", "reserved": [[1, "x"]]},
    {"format": "thrift", "requiredness": "sometimes"},
    {"format": "thrift", "auto_id": True},
    {"format": "sql", "type": 3},
    {"format": "sql", "nope": "x"},
    {"format": "avro"},
])
def test_untrusted_origin_json_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        ir.origin_from_json(bad)


def test_untrusted_facets_are_refused() -> None:
    field = {"name": "a", "type": "string"}
    for bad in ({**field, "presence": "sometimes"}, {**field, "json_name": 3}):
        with pytest.raises(ValueError):
            ir.named_from_json({"kind": "record", "name": "a.R", "fields": [bad]})
    with pytest.raises(ValueError):
        ir.named_from_json({"kind": "record", "name": "a.R", "fields": [], "table": 1})
