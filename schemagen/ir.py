"""The schema IR: the hub every front end produces and everything else consumes.

A closed family of frozen, hashable type nodes plus the named definitions
(:class:`Record`, :class:`Enum`), :class:`Field` and :class:`Module`.

Rules (see DESIGN.md):

* widths and signedness are explicit (``Int(32, signed=True)``);
* nullability is a wrapper node, :class:`Nullable`, so it can apply at any
  level (a list item or a map value can be null);
* a field keeps its wire name (``name``) and Python name (``py_name``)
  separately; its default is :data:`NO_DEFAULT` when it has none (distinct
  from a default of ``None``);
* references to named types are by full name (:class:`RecordRef`,
  :class:`EnumRef`), so recursive types are legal.

Default values are held in *IR value form*, independent of any source format:
``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``, ``decimal.Decimal``,
``datetime.date/time/datetime``, ``datetime.timedelta``, ``uuid.UUID``,
:class:`IntervalValue`, enum symbols as ``str``, lists (and sets) as ``tuple``, maps as a
``tuple`` of ``(key, value)`` pairs, records as a ``tuple`` of
``(wire_name, value)`` pairs (only fields given) and union values as
:class:`UnionValue`.

No pyarrow here: this module must stay importable by every layer.
"""

from __future__ import annotations

import base64
import collections
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias

TimeUnit = Literal["s", "ms", "us", "ns"]
UNITS: Final = ("s", "ms", "us", "ns")


class _NoDefault:
    """Sentinel type for "this field has no default"."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DEFAULT"

    def __reduce__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault()


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a definition came from (1-based line and column; 0 when unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class Null:
    """The type whose only value is null (Avro ``null``)."""


@dataclass(frozen=True, slots=True)
class Bool:
    pass


@dataclass(frozen=True, slots=True)
class Int:
    bits: Literal[8, 16, 32, 64]
    signed: bool = True


@dataclass(frozen=True, slots=True)
class Float:
    bits: Literal[16, 32, 64]


@dataclass(frozen=True, slots=True)
class String:
    pass


@dataclass(frozen=True, slots=True)
class Bytes:
    pass


@dataclass(frozen=True, slots=True)
class Fixed:
    size: int


@dataclass(frozen=True, slots=True)
class Decimal:
    """Exact decimal; ``byte_size`` is set when the source stored it in a fixed."""

    precision: int
    scale: int = 0
    byte_size: int | None = None


@dataclass(frozen=True, slots=True)
class Date:
    pass


@dataclass(frozen=True, slots=True)
class Time:
    unit: TimeUnit


@dataclass(frozen=True, slots=True)
class Timestamp:
    """``utc=True``: an instant (aware); ``utc=False``: a local wall-clock time (naive)."""

    unit: TimeUnit
    utc: bool


@dataclass(frozen=True, slots=True)
class Duration:
    """An exact elapsed time (``datetime.timedelta``) stored with ``unit``."""

    unit: TimeUnit


@dataclass(frozen=True, slots=True)
class Interval:
    """A calendar interval: months, days, milliseconds (Avro ``duration``, Parquet INTERVAL)."""


@dataclass(frozen=True, slots=True)
class Uuid:
    pass


@dataclass(frozen=True, slots=True)
class Json:
    pass


@dataclass(frozen=True, slots=True)
class EnumRef:
    name: str  # full name


@dataclass(frozen=True, slots=True)
class RecordRef:
    name: str  # full name


@dataclass(frozen=True, slots=True)
class List:
    """A list; ``unique=True`` marks a set (Thrift ``set<T>``): still a Parquet LIST, but
    the Python class holds a ``frozenset`` when the items are hashable (see
    :func:`python_hashable`)."""

    item: Type
    unique: bool = False


@dataclass(frozen=True, slots=True)
class Map:
    key: Type
    value: Type


@dataclass(frozen=True, slots=True)
class Union_:
    """A union of two or more non-null members (a nullable union wraps it in Nullable)."""

    members: tuple[Type, ...]


@dataclass(frozen=True, slots=True)
class Nullable:
    inner: Type


Type: TypeAlias = (
    Null | Bool | Int | Float | String | Bytes | Fixed | Decimal | Date | Time | Timestamp
    | Duration | Interval | Uuid | Json | EnumRef | RecordRef | List | Map | Union_ | Nullable
)
PRIMITIVES: Final = (
    Null, Bool, Int, Float, String, Bytes, Fixed, Decimal, Date, Time, Timestamp,
    Duration, Interval, Uuid, Json,
)


def python_hashable(t: Type) -> bool:
    """Whether Python values of ``t`` are hashable (may be set items and dict keys).

    Generated records and lists/dicts are mutable, so they are not; a set of
    hashable items is a ``frozenset``, which is.  Code generation uses this to
    choose ``frozenset[T]`` vs ``list[T]`` for sets and ``dict[K, V]`` vs
    ``list[tuple[K, V]]`` for maps; the runtime uses it to check values.
    """
    if isinstance(t, Nullable):
        return python_hashable(t.inner)
    if isinstance(t, (RecordRef, Map, Json)):
        return False
    if isinstance(t, List):
        return t.unique and python_hashable(t.item)
    if isinstance(t, Union_):
        return all(python_hashable(m) for m in t.members)
    return True


def is_frozenset(t: Type) -> bool:
    """A set whose Python values are ``frozenset`` (unique list of hashable items)."""
    return isinstance(t, List) and t.unique and python_hashable(t.item)


def has_pair_list(t: Type) -> bool:
    """A map whose Python values are ``list[tuple[K, V]]`` (its keys are not hashable)."""
    return isinstance(t, Map) and not python_hashable(t.key)


ONEOF_PREFIX: Final = "schemagen.oneof."


def oneof_groups(rec: Record) -> list[tuple[str, list[str]]]:
    """Groups of fields of which at most one may be set (protobuf ``oneof``).

    Declared in the record's metadata as ``schemagen.oneof.<group>`` =
    comma-separated wire names (format-neutral: any front end may use it).
    A union record (``kind == "union"``) is one implicit group of all its fields.
    """
    return [(k[len(ONEOF_PREFIX):], v.split(","))
            for k, v in rec.metadata if k.startswith(ONEOF_PREFIX) and v]


OPEN_ENUM: Final = ("schemagen.enum", "open")


def is_open_enum(e: Enum) -> bool:
    """An open enum (protobuf proto3): numbers without a symbol are legal values.

    Declared in the enum's metadata as ``schemagen.enum=open`` (with numeric
    ``values``).  Such a number is kept as its decimal string (``"7"``): in the
    Parquet ENUM column and as a pseudo-member of the generated enum class.
    """
    return e.values is not None and OPEN_ENUM in e.metadata


def strip_nullable(t: Type) -> tuple[Type, bool]:
    """Return the non-null inner type and whether ``t`` was nullable."""
    if isinstance(t, Nullable):
        return t.inner, True
    return t, isinstance(t, Null)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class IntervalValue:
    """Python value of an :class:`Interval` (also exported as ``schemagen.Interval``)."""

    months: int
    days: int
    milliseconds: int


@dataclass(frozen=True, slots=True)
class UnionValue:
    """A default value for a union field: which member, and its value."""

    member: int
    value: Any


# --------------------------------------------------------------------------- definitions


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # wire name, exactly as written in the schema
    type: Type
    py_name: str = ""  # filled in by codegen.naming when empty
    doc: str = ""
    default: Any = field(default=NO_DEFAULT, hash=False)
    field_id: int | None = None
    aliases: tuple[str, ...] = ()
    location: SourceLocation | None = field(default=None, compare=False)
    metadata: tuple[tuple[str, str], ...] = ()

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


class _FullName:
    """``namespace`` and ``short_name`` of a definition's dotted full ``name``."""

    __slots__ = ()
    name: str

    @property
    def namespace(self) -> str:
        return self.name.rpartition(".")[0]

    @property
    def short_name(self) -> str:
        return self.name.rpartition(".")[2]


@dataclass(frozen=True, slots=True)
class Record(_FullName):
    name: str  # full name, e.g. "example.sales.Transaction"
    fields: tuple[Field, ...]
    doc: str = ""
    aliases: tuple[str, ...] = ()
    location: SourceLocation | None = field(default=None, compare=False)
    # Format-specific metadata the front end wants written to Parquet footers
    # (e.g. ``parquet.avro.schema``, ``writer.model.name``). Opaque to codegen.
    native: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # "union": every field is nullable and at most one may be set (checked on write);
    # generated classes get a ``which()`` method naming the member that is set.
    kind: Literal["record", "error", "union"] = "record"
    # format-specific facts kept for docs and tools (e.g. Thrift annotations)
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Enum(_FullName):
    name: str
    symbols: tuple[str, ...]
    doc: str = ""
    default: str | None = None  # symbol used when a reader meets an unknown one
    aliases: tuple[str, ...] = ()
    values: tuple[int, ...] | None = None  # numeric values (Thrift, protobuf)
    location: SourceLocation | None = field(default=None, compare=False)
    symbol_docs: tuple[str, ...] = ()  # one doc per symbol ("" when none), or empty
    metadata: tuple[tuple[str, str], ...] = ()


Named: TypeAlias = Record | Enum


@dataclass(frozen=True, slots=True)
class Constant(_FullName):
    """A named constant of a schema (Thrift ``const``): generated as a typed module constant.

    ``value`` is in IR value form (see the module docstring), already resolved:
    references to other constants or enum symbols are replaced by their values.
    """

    name: str  # full name
    type: Type
    value: Any = field(hash=False)
    doc: str = ""
    location: SourceLocation | None = field(default=None, compare=False)
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Module:
    """The named types (and constants) of one namespace, with the files they came from."""

    namespace: str
    types: tuple[Named, ...]
    sources: tuple[str, ...]
    constants: tuple[Constant, ...] = ()


@dataclass(frozen=True)
class Schema:
    """Everything a front end produced: named types by full name, in definition order,
    and constants (by full name, in definition order)."""

    types: dict[str, Named]
    sources: dict[str, str]  # full name -> source file (as given to the compiler)
    constants: dict[str, Constant] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(tuple(self.types.values()))

    def record(self, name: str) -> Record:
        t = self.types[name]
        if not isinstance(t, Record):
            raise KeyError(name)
        return t

    def modules(self, fallback_namespace: dict[str, str] | None = None) -> list[Module]:
        """Group types into one :class:`Module` per namespace (sorted by namespace)."""
        groups: dict[str, list[Named]] = {}
        consts: dict[str, list[Constant]] = {}
        srcs: dict[str, set[str]] = {}
        for full, t in self.types.items():
            ns = t.namespace
            groups.setdefault(ns, []).append(t)
            srcs.setdefault(ns, set()).add(self.sources.get(full, ""))
        for c in self.constants.values():
            ns = c.namespace
            groups.setdefault(ns, [])
            consts.setdefault(ns, []).append(c)
            srcs.setdefault(ns, set()).add(c.location.file if c.location else "")
        return [
            Module(ns, tuple(groups[ns]), tuple(sorted(srcs[ns])), tuple(consts.get(ns, ())))
            for ns in sorted(groups)
        ]


# --------------------------------------------------------------------------- graph helpers


def referenced_names(t: Type) -> set[str]:
    """Full names of the named types ``t`` refers to directly."""
    if isinstance(t, (EnumRef, RecordRef)):
        return {t.name}
    if isinstance(t, Nullable):
        return referenced_names(t.inner)
    if isinstance(t, List):
        return referenced_names(t.item)
    if isinstance(t, Map):
        return referenced_names(t.key) | referenced_names(t.value)
    if isinstance(t, Union_):
        out: set[str] = set()
        for m in t.members:
            out |= referenced_names(m)
        return out
    return set()


def find_cycle(types: dict[str, Named], start: str) -> list[str] | None:
    """A path of ``record.field`` steps from ``start`` back to itself, or None.

    Returned as ``["Node", "children", "Node"]`` style alternating names.
    """

    def visit(name: str, path: list[str], seen: set[str]) -> list[str] | None:
        t = types.get(name)
        if not isinstance(t, Record):
            return None
        for f in t.fields:
            for ref in sorted(referenced_names(f.type)):
                step = [*path, f.name, ref]
                if ref == start:
                    return step
                if ref not in seen:
                    seen.add(ref)
                    found = visit(ref, step, seen)
                    if found:
                        return found
        return None

    return visit(start, [start], {start})


# --------------------------------------------------------------------------- JSON form


def _value_to_json(v: Any) -> Any:
    if v is NO_DEFAULT:
        return {"$": "none"}
    if v is None or isinstance(v, (bool, int, float, str)):
        if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            return {"$": "float", "v": repr(v)}
        return v
    if isinstance(v, bytes):
        return {"$": "bytes", "v": base64.b64encode(v).decode()}
    if isinstance(v, decimal.Decimal):
        return {"$": "decimal", "v": str(v)}
    if isinstance(v, datetime.datetime):
        return {"$": "datetime", "v": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"$": "date", "v": v.isoformat()}
    if isinstance(v, datetime.time):
        return {"$": "time", "v": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"$": "timedelta", "v": [v.days, v.seconds, v.microseconds]}
    if isinstance(v, uuid.UUID):
        return {"$": "uuid", "v": str(v)}
    if isinstance(v, IntervalValue):
        return {"$": "interval", "v": [v.months, v.days, v.milliseconds]}
    if isinstance(v, UnionValue):
        return {"$": "union", "m": v.member, "v": _value_to_json(v.value)}
    if isinstance(v, tuple):
        return {"$": "tuple", "v": [_value_to_json(x) for x in v]}
    raise TypeError(f"not an IR value: {v!r}")


def _value_from_json(j: Any) -> Any:
    if not isinstance(j, dict):
        return j
    k: str = j["$"]
    v: Any = j.get("v")
    if k == "none":
        return NO_DEFAULT
    if k == "float":
        return float(v)
    if k == "bytes":
        return base64.b64decode(v)
    if k == "decimal":
        return decimal.Decimal(v)
    if k == "datetime":
        return datetime.datetime.fromisoformat(v)
    if k == "date":
        return datetime.date.fromisoformat(v)
    if k == "time":
        return datetime.time.fromisoformat(v)
    if k == "timedelta":
        return datetime.timedelta(days=v[0], seconds=v[1], microseconds=v[2])
    if k == "uuid":
        return uuid.UUID(v)
    if k == "interval":
        return IntervalValue(*v)
    if k == "union":
        return UnionValue(j["m"], _value_from_json(v))
    if k == "tuple":
        return tuple(_value_from_json(x) for x in v)
    raise ValueError(f"bad IR value: {j!r}")


_TYPE_NAMES: dict[str, Any] = {
    cls.__name__.rstrip("_").lower(): cls
    for cls in (Null, Bool, Int, Float, String, Bytes, Fixed, Decimal, Date, Time,
                Timestamp, Duration, Interval, Uuid, Json, EnumRef, RecordRef, List,
                Map, Union_, Nullable)
}


def type_to_json(t: Type) -> Any:
    kind = type(t).__name__.rstrip("_").lower()
    out: dict[str, Any] = {"type": kind}
    if isinstance(t, Nullable):
        out["inner"] = type_to_json(t.inner)
    elif isinstance(t, List):
        out["item"] = type_to_json(t.item)
        if t.unique:
            out["unique"] = True
    elif isinstance(t, Map):
        out["key"] = type_to_json(t.key)
        out["value"] = type_to_json(t.value)
    elif isinstance(t, Union_):
        out["members"] = [type_to_json(m) for m in t.members]
    else:
        for name in getattr(t, "__dataclass_fields__", ()):
            out[name] = getattr(t, name)
    if len(out) == 1:
        return kind
    return out


def type_from_json(j: Any) -> Type:
    if isinstance(j, str):
        return _TYPE_NAMES[j]()  # type: ignore[no-any-return]
    cls = _TYPE_NAMES[j["type"]]
    if cls is Nullable:
        return Nullable(type_from_json(j["inner"]))
    if cls is List:
        return List(type_from_json(j["item"]), bool(j.get("unique", False)))
    if cls is Map:
        return Map(type_from_json(j["key"]), type_from_json(j["value"]))
    if cls is Union_:
        return Union_(tuple(type_from_json(m) for m in j["members"]))
    return cls(**{k: v for k, v in j.items() if k != "type"})  # type: ignore[no-any-return]


def _loc_json(loc: SourceLocation | None) -> Any:
    return None if loc is None else [loc.file, loc.line, loc.column]


def _loc_from(j: Any) -> SourceLocation | None:
    return None if j is None else SourceLocation(*j)


def _meta_json(meta: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [list(p) for p in meta]


def _meta_from(j: Any) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in j or ())


def named_to_json(t: Named | Constant) -> dict[str, Any]:
    if isinstance(t, Constant):
        out: dict[str, Any] = {"kind": "const", "name": t.name, "type": type_to_json(t.type),
                               "value": _value_to_json(t.value)}
        if t.doc:
            out["doc"] = t.doc
        if t.metadata:
            out["metadata"] = _meta_json(t.metadata)
        return out
    if isinstance(t, Enum):
        out = {"kind": "enum", "name": t.name, "symbols": list(t.symbols)}
        if t.doc:
            out["doc"] = t.doc
        if t.default is not None:
            out["default"] = t.default
        if t.aliases:
            out["aliases"] = list(t.aliases)
        if t.values is not None:
            out["values"] = list(t.values)
        if any(t.symbol_docs):
            out["symbol_docs"] = list(t.symbol_docs)
        if t.metadata:
            out["metadata"] = _meta_json(t.metadata)
        return out
    fields = []
    for f in t.fields:
        fj: dict[str, Any] = {"name": f.name, "type": type_to_json(f.type)}
        if f.py_name and f.py_name != f.name:
            fj["py_name"] = f.py_name
        if f.doc:
            fj["doc"] = f.doc
        if f.has_default:
            fj["default"] = _value_to_json(f.default)
        if f.field_id is not None:
            fj["field_id"] = f.field_id
        if f.aliases:
            fj["aliases"] = list(f.aliases)
        if f.metadata:
            fj["metadata"] = _meta_json(f.metadata)
        fields.append(fj)
    out = {"kind": t.kind, "name": t.name, "fields": fields}
    if t.doc:
        out["doc"] = t.doc
    if t.aliases:
        out["aliases"] = list(t.aliases)
    if t.metadata:
        out["metadata"] = _meta_json(t.metadata)
    return out


def named_from_json(j: dict[str, Any]) -> Named:
    if j["kind"] == "enum":
        vals = j.get("values")
        return Enum(
            name=j["name"], symbols=tuple(j["symbols"]), doc=j.get("doc", ""),
            default=j.get("default"), aliases=tuple(j.get("aliases", ())),
            values=None if vals is None else tuple(vals),
            symbol_docs=tuple(j.get("symbol_docs", ())), metadata=_meta_from(j.get("metadata")),
        )
    fields = tuple(
        Field(
            name=f["name"], type=type_from_json(f["type"]), py_name=f.get("py_name", f["name"]),
            doc=f.get("doc", ""),
            default=_value_from_json(f["default"]) if "default" in f else NO_DEFAULT,
            field_id=f.get("field_id"), aliases=tuple(f.get("aliases", ())),
            metadata=_meta_from(f.get("metadata")),
        )
        for f in j["fields"]
    )
    return Record(
        name=j["name"], fields=fields, doc=j.get("doc", ""),
        aliases=tuple(j.get("aliases", ())), kind=j["kind"],
        metadata=_meta_from(j.get("metadata")),
    )


def constant_from_json(j: dict[str, Any]) -> Constant:
    """Inverse of :func:`named_to_json` for a :class:`Constant`."""
    return Constant(
        name=j["name"], type=type_from_json(j["type"]), value=_value_from_json(j["value"]),
        doc=j.get("doc", ""), metadata=_meta_from(j.get("metadata")),
    )


def closure(types: dict[str, Named], root: str) -> list[str]:
    """``root`` and every named type reachable from it, in first-visit order."""
    order: list[str] = []
    seen: set[str] = set()
    queue = collections.deque([root])
    while queue:
        name = queue.popleft()
        if name in seen:
            continue
        seen.add(name)
        order.append(name)
        t = types[name]
        if isinstance(t, Record):
            for f in t.fields:
                queue.extend(sorted(referenced_names(f.type)))
    return order


def record_schema_json(types: dict[str, Named], root: str) -> str:
    """Self-contained JSON of a record and every type it reaches (``schemagen.schema``)."""
    doc = {
        "schemagen": 1,
        "root": root,
        "types": [named_to_json(types[n]) for n in closure(types, root)],
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def schema_from_json(text: str) -> tuple[str, dict[str, Named]]:
    """Inverse of :func:`record_schema_json`: ``(root, types)``."""
    doc = json.loads(text)
    types = {t["name"]: named_from_json(t) for t in doc["types"]}
    return doc["root"], types
