"""Named definitions of the IR: :class:`Field`, :class:`Record`, :class:`Enum`,
:class:`Constant`, :class:`Module`, :class:`Schema`, and the graph helpers over them.

A field keeps its wire name (``name``) and Python name (``py_name``) separately;
its default is :data:`~schemagen.ir.nodes.NO_DEFAULT` when it has none (distinct
from a default of ``None``).
"""

from __future__ import annotations

import collections
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias, assert_never

from schemagen.ir.nodes import (
    NO_DEFAULT,
    Bool,
    Bytes,
    Date,
    Decimal,
    Duration,
    EnumRef,
    Fixed,
    Float,
    Int,
    Interval,
    Json,
    List,
    Map,
    Null,
    Nullable,
    RecordRef,
    String,
    Time,
    Timestamp,
    Type,
    Union_,
    Uuid,
    referenced_names,
)
from schemagen.ir.origin import Origin


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


# --------------------------------------------------------------------------- definitions


Presence: TypeAlias = Literal["explicit", "implicit", "required", "repeated"]
"""Field presence as the format defines it:

* ``explicit``: the field can be absent, and absence is seen (it is nullable);
* ``implicit``: absent and zero are the same (protobuf proto3 scalars: default is the zero);
* ``required``: the field must be there (proto2 ``required``, editions ``LEGACY_REQUIRED``);
* ``repeated``: a list or map of values (protobuf ``repeated``, ``map<K, V>``).
"""


@dataclass(frozen=True, slots=True)
class Oneof:
    """A group of fields of which at most one may be set (protobuf ``oneof``)."""

    name: str
    members: tuple[str, ...]  # wire names, in field order


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
    # free-form facts for docs and tools, read by no other layer (see ir.keys)
    metadata: tuple[tuple[str, str], ...] = ()
    # the name in the format's JSON mapping (protobuf ``json_name``); "" when the
    # format has none (then the wire name is used)
    json_name: str = ""
    # how the format tells "absent" from "zero" (protobuf presence / label, see
    # :data:`Presence`); None when the format does not say
    presence: Presence | None = None
    # facts only the source format's own rules read (evolution, its adapter)
    origin: Origin | None = None

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
    # free-form facts for docs and tools, read by no other layer (see ir.keys)
    metadata: tuple[tuple[str, str], ...] = ()
    # groups of fields of which at most one may be set (checked on write; the class
    # gets ``which_<group>()``); a union record is one implicit group of all its fields
    oneofs: tuple[Oneof, ...] = ()
    # the SQL table the record was read from, as written (possibly qualified); ""
    table: str = ""
    origin: Origin | None = None


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
    # open (protobuf proto3): numbers without a symbol are legal values (needs ``values``)
    open: bool = False
    origin: Origin | None = None


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
    origin: Origin | None = None


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



def oneof_groups(rec: Record) -> list[tuple[str, list[str]]]:
    """``rec.oneofs`` as ``(group, wire names)`` pairs (a union record's implicit group
    of all its fields is not listed)."""
    return [(o.name, list(o.members)) for o in rec.oneofs]


def is_open_enum(e: Enum) -> bool:
    """An open enum (protobuf proto3): numbers without a symbol are legal values.

    Such a number is kept as its decimal string (``"7"``): in the Parquet ENUM
    column and as a pseudo-member of the generated enum class.
    """
    return e.open and e.values is not None


# --------------------------------------------------------------------------- graph helpers


def find_cycle(types: Mapping[str, Named], start: str) -> list[str] | None:
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



def closure(types: Mapping[str, Named], root: str) -> list[str]:
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




# --------------------------------------------------------------------------- limits

MAX_NESTING: Final = 40
"""Levels of nesting a record may have: a record's fields are one level, each record,
list, map or union value inside adds one.  Parquet readers refuse schemas deeper than
100 levels (pyarrow: "Parquet schema too deeply nested"), and a list or map takes two
of them, so deeper records could be written but not read back; Python's parsers and
recursion stop much earlier than that without a limit."""
MAX_NAMESPACE_PARTS: Final = 32
"""Dotted parts of a namespace (each is a folder of the generated package)."""
MAX_NAME_BYTES: Final = 120
"""UTF-8 bytes of one part of a namespace (a file or folder name: file systems allow
255; codegen's ``MAX_NAME`` limits the sanitised part the same way)."""


class _TooDeep(Exception):
    def __init__(self, path: list[str]) -> None:
        self.path = path


def nesting_problem(types: Mapping[str, Named]) -> tuple[Named, str] | None:
    """The first record (by name) nested more than :data:`MAX_NESTING` levels deep and
    what to say about it, or None.  Recursion is cut at :data:`MAX_NESTING` levels, so
    a chain of thousands of records is measured without exhausting Python's stack;
    a recursive reference (a cycle) adds nothing (Parquet refuses cycles elsewhere)."""
    height: dict[str, int] = {}

    def record(name: str, path: list[str], active: set[str]) -> int:
        if name in height:
            return height[name]
        t = types.get(name)
        if not isinstance(t, Record) or name in active:
            return 0
        if len(path) > MAX_NESTING:
            raise _TooDeep(path)
        active.add(name)
        best = 0
        for f in t.fields:
            best = max(best, 1 + of_type(f.type, [*path, f"{t.short_name}.{f.name}"], active))
        active.discard(name)
        height[name] = best
        return best

    def of_type(t: Type, path: list[str], active: set[str]) -> int:
        if len(path) > MAX_NESTING:
            raise _TooDeep(path)
        match t:
            case Nullable(inner):
                return of_type(inner, path, active)
            case List(item):
                return 1 + of_type(item, [*path, "[]"], active)
            case Map(key, value):
                return 1 + max(of_type(key, [*path, "{key}"], active),
                               of_type(value, [*path, "{}"], active))
            case Union_(members):
                return 1 + max(of_type(m, [*path, f"member{i}"], active)
                               for i, m in enumerate(members))
            case RecordRef(name):
                return record(name, path, active)
            case (EnumRef() | Null() | Bool() | Int() | Float() | String() | Bytes() | Fixed()
                  | Decimal() | Date() | Time() | Timestamp() | Duration() | Interval() | Uuid()
                  | Json()):
                return 0
            case _:
                assert_never(t)

    for name in sorted(types):
        t = types[name]
        if not isinstance(t, Record):
            continue
        try:
            depth = record(name, [], set())
        except _TooDeep as exc:
            shown = " -> ".join(exc.path[:4]) + (" -> ..." if len(exc.path) > 4 else "")
            return t, (f"record {name} is nested more than {MAX_NESTING} levels deep "
                       f"(at {shown}); the limit is {MAX_NESTING}: Parquet readers refuse "
                       "deeper schemas")
        if depth > MAX_NESTING:  # pragma: no cover - cut above
            return t, f"record {name} is nested {depth} levels deep (limit {MAX_NESTING})"
    return None


def name_problem(types: Mapping[str, Named]) -> tuple[Named, str] | None:
    """The first definition whose namespace has more than :data:`MAX_NAMESPACE_PARTS`
    parts or a part longer than :data:`MAX_NAME_BYTES` bytes (the generated package's
    folders and files would not fit the file system), or None."""
    for name in sorted(types):
        t = types[name]
        parts = t.name.split(".")
        if len(parts) - 1 > MAX_NAMESPACE_PARTS:
            return t, (f"the namespace of {parts[-1]} has {len(parts) - 1} parts; the limit "
                       f"is {MAX_NAMESPACE_PARTS} (each part is a folder of the generated "
                       "package)")
        for part in parts[:-1]:
            size = len(part.encode("utf-8", "surrogatepass"))
            if size > MAX_NAME_BYTES:
                return t, (f"the namespace of {parts[-1][:40]} has a part of {size} bytes "
                           f"({part[:24]}...); the limit is {MAX_NAME_BYTES} (each part is a "
                           "file or folder name of the generated package)")
    return None
