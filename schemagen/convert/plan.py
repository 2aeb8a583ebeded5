"""The per-record conversion plan: one :class:`Node` per field of the record's type tree,
with its Arrow target type, its keys in the input (name, aliases, JSON name), its
default and whether the fast path can cast it."""

from __future__ import annotations

import datetime
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal, assert_never

from schemagen import ir
from schemagen._pyarrow import pa
from schemagen.codegen.loader import module_namespace
from schemagen.errors import UsageError
from schemagen.runtime.record import RecordInfo

UnknownFields = Literal["reject", "ignore"]


@dataclass
class Node:
    t: ir.Type  # without Nullable
    nullable: bool
    target: Any  # pyarrow type
    kind: str
    default: Any = ir.NO_DEFAULT  # a required field's default (IR value)
    fill: Any = None  # pyarrow scalar for a simple default
    children: list[tuple[ir.Field, tuple[str, ...], Node]] = field(default_factory=list)
    item: Node | None = None
    symbols: frozenset[str] = frozenset()
    numbers: dict[int, str] = field(default_factory=dict)  # enum value -> symbol
    cls: Any = None  # generated class (records)
    per_row: bool = False  # only the per-row path converts it
    py_names: dict[str, str] = field(default_factory=dict)


FAST_KINDS: Final = frozenset({"bool", "int", "float", "string", "enum", "decimal", "date",
                               "time", "timestamp", "list", "record"})


def kind_of(t: ir.Type) -> str:  # noqa: C901, PLR0911 - one case per node type
    """The conversion kind of a (non-nullable) IR type."""
    match t:
        case ir.Bool():
            return "bool"
        case ir.Int():
            return "int"
        case ir.Float():
            return "float"
        case ir.String():
            return "string"
        case ir.EnumRef():
            return "enum"
        case ir.Decimal():
            return "decimal"
        case ir.Date():
            return "date"
        case ir.Time():
            return "time"
        case ir.Timestamp():
            return "timestamp"
        case ir.List():
            return "list"
        case ir.RecordRef():
            return "record"
        case ir.Bytes() | ir.Fixed() | ir.Uuid() | ir.Json() | ir.Map() | ir.Duration() \
                | ir.Interval() | ir.Null():
            return ir.kind(t)
        case ir.Union_():
            return "union"
        case ir.Nullable():
            return "other"
        case _:
            assert_never(t)


def plan_record(info: RecordInfo) -> Node:
    """The plan of a generated record class (its root node)."""
    return Planner(info).record(info.ir[0], pa.struct(list(info.arrow_schema())), False)


class Planner:
    def __init__(self, info: RecordInfo) -> None:
        self.root, self.types = info.ir
        self.classes = record_classes(info.cls)

    def record(self, name: str, target: Any, nullable: bool) -> Node:
        rec = self.types[name]
        assert isinstance(rec, ir.Record)
        node = Node(ir.RecordRef(name), nullable, target, "record", cls=self.classes.get(name))
        if node.cls is None:
            raise UsageError(f"cannot find the generated class of record {name} (from the "
                             "annotations of the classes that use it)")
        # unions and oneofs (at most one member set) are checked by the generated converter
        node.per_row = rec.kind == "union" or bool(ir.oneof_groups(rec))
        # a key is a field's name first: another field's alias (or JSON name) never takes
        # it, and an alias two fields share goes to the first
        taken = {f.name for f in rec.fields}
        for i, f in enumerate(rec.fields):
            child = self.node(f.type, target.field(i).type)
            if not child.nullable and f.has_default:
                child.default = f.default
                if child.kind in FAST_KINDS - {"list", "record"}:
                    child.fill = _fill(child, f.default)
            # a format's JSON mapping (protobuf: lowerCamelCase ``json_name``): taken too
            extra = [k for k in (*f.aliases, f.json_name) if k and k not in taken]
            taken.update(extra)
            keys = tuple(dict.fromkeys((f.name, *extra)))
            node.children.append((f, keys, child))
            node.py_names[f.name] = f.py_name or f.name
        return node

    def node(self, t: ir.Type, target: Any) -> Node:
        inner, nullable = ir.strip_nullable(t)
        if isinstance(inner, ir.RecordRef):
            return self.record(inner.name, target, nullable)
        node = Node(inner, nullable, target, kind_of(inner))
        if isinstance(inner, ir.List):
            node.item = self.node(inner.item, target.value_type)
        elif isinstance(inner, ir.Map):
            node.item = self.node(inner.value, target.item_type)
            node.children = [(ir.Field("key", inner.key), ("key",),
                              self.node(inner.key, target.key_type))]
        elif isinstance(inner, ir.Union_):
            node.children = [(ir.Field(f"member{i}", m), (), self.node(m, target.field(i).type))
                             for i, m in enumerate(inner.members)]
        elif isinstance(inner, ir.EnumRef):
            enum = self.types[inner.name]
            assert isinstance(enum, ir.Enum)
            node.symbols = frozenset(enum.symbols)
            if enum.values is not None:  # Thrift/protobuf: JSON may give the number
                for sym, num in zip(enum.symbols, enum.values):
                    node.numbers.setdefault(num, sym)
        return node


def _fill(node: Node, value: Any) -> Any:
    """The default as a pyarrow scalar of the node's type (None when it is not one)."""
    t = node.t
    if isinstance(t, ir.Timestamp) and isinstance(value, datetime.datetime):
        if t.utc and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
    try:
        return pa.scalar(value, node.target)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None


def record_classes(cls: Any) -> dict[str, Any]:
    """Full IR name -> generated class, for the root record and every record it reaches."""
    out: dict[str, Any] = {}
    todo = [cls]
    while todo:
        c = todo.pop()
        info = getattr(c, "__schemagen__", None)
        if info is None or info.name in out:
            continue
        out[info.name] = c
        try:
            hints = typing.get_type_hints(c, globalns=module_namespace(c.__module__))
        except Exception:  # noqa: BLE001 - annotations we cannot resolve: no nested classes
            continue
        todo.extend(_classes_in(h) for h in hints.values())
        todo = [x for x in _flatten(todo) if x is not None]
    return out


def _classes_in(h: Any) -> Any:
    if isinstance(h, type) and hasattr(h, "__schemagen__"):
        return h
    return [_classes_in(a) for a in getattr(h, "__args__", ())]


def _flatten(xs: list[Any]) -> Iterator[Any]:
    for x in xs:
        if isinstance(x, list):
            yield from _flatten(x)
        else:
            yield x


def fast_ok(node: Node) -> bool:
    """Whether the fast path can cast every value under ``node``."""
    if node.kind not in FAST_KINDS or node.per_row:
        return False
    if isinstance(node.t, ir.List) and node.t.unique:  # sets: duplicates are checked
        return False
    if node.kind == "float" and isinstance(node.t, ir.Float) and node.t.bits == 16:
        return False
    if node.item is not None and not fast_ok(node.item):
        return False
    return all(fast_ok(c) for _, _, c in node.children)
