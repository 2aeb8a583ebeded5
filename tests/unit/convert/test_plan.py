"""``schemagen.convert.plan``: node kinds, keys (names, aliases, JSON names), fast path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemagen import ir
from schemagen.convert.plan import FAST_KINDS, fast_ok, kind_of, plan_record
from schemagen.runtime.record import info_of

KINDS = [
    (ir.Bool(), "bool"), (ir.Int(32), "int"), (ir.Float(64), "float"), (ir.String(), "string"),
    (ir.EnumRef("E"), "enum"), (ir.Decimal(9, 2), "decimal"), (ir.Date(), "date"),
    (ir.Time("ms"), "time"), (ir.Timestamp("us", True), "timestamp"),
    (ir.List(ir.Int(64)), "list"), (ir.RecordRef("R"), "record"), (ir.Bytes(), "bytes"),
    (ir.Fixed(4), "fixed"), (ir.Uuid(), "uuid"), (ir.Json(), "json"),
    (ir.Map(ir.String(), ir.Int(64)), "map"), (ir.Union_((ir.Int(64), ir.String())), "union"),
    (ir.Duration("us"), "duration"), (ir.Interval(), "interval"), (ir.Null(), "null"),
]


@pytest.mark.parametrize("t, kind", KINDS)
def test_kind_of_every_node(t: ir.Type, kind: str) -> None:
    assert kind_of(t) == kind


def test_every_node_type_has_a_kind() -> None:
    assert {type(t) for t, _ in KINDS} == set(ir.NODES) - {ir.Nullable}


ALIASES = json.dumps({"type": "record", "name": "A", "namespace": "pl", "fields": [
    {"name": "first", "type": "long", "aliases": ["second", "one"]},
    {"name": "second", "type": ["null", "string"], "default": None, "aliases": ["one", "two"]},
    {"name": "tags", "type": {"type": "map", "values": "long"}, "default": {}}]})


def test_keys_names_first_then_unclaimed_aliases(compile_schemas: Any) -> None:
    cls = compile_schemas({"a.avsc": ALIASES}).module("pl").A
    root = plan_record(info_of(cls))
    keys = {f.name: k for f, k, _ in root.children}
    # "second" is a field's name: never another field's alias; "one" goes to the first
    assert keys == {"first": ("first", "one"), "second": ("second", "two"), "tags": ("tags",)}
    kinds = {f.name: (c.kind, c.nullable) for f, _, c in root.children}
    assert kinds == {"first": ("int", False), "second": ("string", True), "tags": ("map", False)}
    assert not fast_ok(root)  # maps go row by row
    assert "map" not in FAST_KINDS
