"""Avro front end: ``.avsc`` / ``.avpr`` files -> :class:`schemagen.ir.Schema`.

Follows the Avro 1.12 specification.  All files are loaded as one set, in
three steps:

1. *parse*: each file is read with the position-tracking JSON parser
   (:mod:`schemagen.frontends.avro.jsonpos`) and turned into a small Avro syntax
   tree; every named definition (record, error, enum, fixed) is registered
   under its full name, so references may point across files and forwards;
2. *resolve*: every type-name reference is bound to its definition, unions are
   checked for duplicate members, and a name defined more than once must be
   defined identically each time (docs and locations aside);
3. *convert*: records and enums become IR definitions, field defaults are
   checked against their types and converted into IR value form, and each
   record gets the ``parquet.avro.schema`` footer metadata.

Every problem is a :class:`~schemagen.errors.SchemaError` naming
``file:line:column`` (and the field path when there is one); legal but lossy
things (an unknown logical type, an invalid one that the spec says to ignore)
are :class:`~schemagen.errors.SchemaWarning` warnings.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import json
import re
import struct
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from schemagen import ir
from schemagen.errors import SchemaError, SchemaWarning, shorten
from schemagen.frontends.avro import jsonpos
from schemagen.frontends.avro.jsonpos import (
    Arr,
    Node,
    Obj,
    Scalar,
)
from schemagen.typemap import parquet as pqkeys

__all__ = ["load"]

_PRIMITIVES: Final[dict[str, ir.Type]] = {
    "null": ir.Null(),
    "boolean": ir.Bool(),
    "int": ir.Int(32),
    "long": ir.Int(64),
    "float": ir.Float(32),
    "double": ir.Float(64),
    "bytes": ir.Bytes(),
    "string": ir.String(),
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ORDERS: Final = ("ascending", "descending", "ignore")
_INT_RANGE: Final = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_FLOAT32_MAX: Final = 3.4028234663852886e38
_EPOCH_DATE: Final = datetime.date(1970, 1, 1)
_EPOCH: Final = datetime.datetime(1970, 1, 1)
_EPOCH_UTC: Final = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# logical type -> (underlying types it may annotate, IR type); decimal is special-cased
_TIME_UNITS: Final[dict[str, ir.TimeUnit]] = {"millis": "ms", "micros": "us", "nanos": "ns"}
_LOGICAL: Final[dict[str, tuple[tuple[str, ...], ir.Type]]] = {
    "date": (("int",), ir.Date()),
    "time-millis": (("int",), ir.Time("ms")),
    "time-micros": (("long",), ir.Time("us")),
    **{
        f"timestamp-{u}": (("long",), ir.Timestamp(unit, utc=True))
        for u, unit in _TIME_UNITS.items()
    },
    **{
        f"local-timestamp-{u}": (("long",), ir.Timestamp(unit, utc=False))
        for u, unit in _TIME_UNITS.items()
    },
    "uuid": (("string", "fixed(16)"), ir.Uuid()),
    "duration": (("fixed(12)",), ir.Interval()),
    "decimal": (("bytes", "fixed"), ir.Bytes()),  # placeholder: built from precision/scale
}


# --------------------------------------------------------------------------- syntax tree


@dataclass(eq=False)
class _T:
    """An Avro type as written (a node of the syntax tree)."""

    node: Node
    file: str


@dataclass(eq=False)
class _Prim(_T):
    prim: str
    logical: ir.Type | None = None  # the accepted logical type, if any
    lt_json: dict[str, Any] = field(default_factory=dict)  # logical attributes to re-emit


@dataclass(eq=False)
class _Array(_T):
    items: _T


@dataclass(eq=False)
class _Map(_T):
    values: _T


@dataclass(eq=False)
class _Union(_T):
    members: list[_T]
    path: str


@dataclass(eq=False)
class _Ref(_T):
    name: str
    namespace: str
    path: str
    target: _Named | None = None


@dataclass(eq=False)
class _Named(_T):
    full: str
    doc: str
    aliases: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.full.rpartition(".")[0]

    @property
    def short(self) -> str:
        return self.full.rpartition(".")[2]

    def loc(self) -> ir.SourceLocation:
        return ir.SourceLocation(self.file, self.node.line, self.node.column)


@dataclass(eq=False)
class _Field:
    node: Obj
    name: str
    type: _T
    doc: str
    aliases: tuple[str, ...]
    default: Node | None
    order: str | None
    path: str


@dataclass(eq=False)
class _Record(_Named):
    kind: Literal["record", "error"] = "record"
    fields: list[_Field] = field(default_factory=list)


@dataclass(eq=False)
class _Enum(_Named):
    symbols: tuple[str, ...] = ()
    default: str | None = None


@dataclass(eq=False)
class _Fixed(_Named):
    size: int = 0
    logical: ir.Type | None = None
    lt_json: dict[str, Any] = field(default_factory=dict)


class _DefaultError(Exception):
    """A default value does not fit its type (turned into a SchemaError by the caller)."""

    def __init__(self, node: Node, message: str, subpath: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message
        self.subpath = subpath


# --------------------------------------------------------------------------- public API


# Avro's own attribute names: a syntax error may name one of these as a duplicate key
# (never another key: the file's text is not quoted by syntax errors, see jsonpos.parse)
_SCHEMA_KEYS: Final = frozenset({
    "type", "name", "namespace", "doc", "aliases", "fields", "items", "values", "symbols",
    "default", "order", "size", "logicalType", "precision", "scale", "protocol", "types",
    "messages", "request", "response", "errors", "one-way",
})

def load(paths: Sequence[str | Path]) -> ir.Schema:
    """Load ``.avsc`` and ``.avpr`` files as one set of named types.

    Named types may be referenced across files and before their definition.
    Returns the records and enums by full name, files in the order given and
    definitions in document order (named ``fixed`` types become inline
    :class:`~schemagen.ir.Fixed` or logical types and are not listed).

    Raises :class:`~schemagen.errors.SchemaError` for any invalid input and
    warns :class:`~schemagen.errors.SchemaWarning` for lossy but legal input.
    """
    loader = _Loader()
    for p in paths:
        loader.parse_file(str(p))
    try:
        loader.resolve()
        return loader.convert()
    except RecursionError:
        where = str(paths[0]) if paths else "<schema>"
        raise SchemaError("named types are nested too deeply to process", where) from None


# --------------------------------------------------------------------------- loader


def _err(file: str, node: Node | None, message: str, path: str = "") -> SchemaError:
    if node is None:
        return SchemaError(message, file, path=path)
    return SchemaError(message, file, node.line, node.column, path)


def _is_str(node: Node | None) -> bool:
    return isinstance(node, Scalar) and isinstance(node.value, str)


def _int_value(node: Node | None) -> int | None:
    """The integer value of ``node`` (``None`` unless it is a JSON integer; booleans are not)."""
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


def _shown(node: Node) -> str:
    return shorten(json.dumps(jsonpos.to_plain(node), ensure_ascii=False), 60, render=str)


def _new_name(file: str, node: Node, value: str, seen: dict[str, Node],
              words: tuple[str, str, str], owner: str, path: str) -> None:
    """Check that a field name or enum symbol is valid and new in ``owner``, and record it.

    ``words``: how the messages name it when invalid and when duplicate, and how they
    introduce the first occurrence (``("field name", "field", "first defined at")``)."""
    invalid, duplicate, first = words
    if not _NAME.fullmatch(value):
        raise _err(file, node, f"invalid {invalid} {value!r}: must match [A-Za-z_][A-Za-z0-9_]*",
                   path)
    if value in seen:
        prev = seen[value]
        raise _err(file, node, f"duplicate {duplicate} {value!r} in {owner!r} ({first} line "
                   f"{prev.line}, column {prev.column})", path)
    seen[value] = node


def _max_decimal_digits(size: int) -> int:
    """Largest precision a ``fixed(size)`` can hold: floor(log10(2**(8*size-1) - 1))."""
    if size < 1:
        return 0
    return len(str(2 ** (8 * size - 1) - 1)) - 1


def _valid_fullname(name: str) -> bool:
    return all(_NAME.fullmatch(part) for part in name.split("."))


class _Loader:
    def __init__(self) -> None:
        self.defs: dict[str, _Named] = {}  # first definition of each full name
        self.order: list[_Named] = []  # first definitions, files in order, pre-order
        self.dups: list[_Named] = []  # later definitions of an already defined name
        self.refs: list[_Ref] = []
        self.unions: list[_Union] = []
        # native schema emission: each record's own JSON object, and what each named type reaches
        self.native_objs: dict[str, dict[str, Any]] = {}
        self.closures: dict[str, frozenset[str]] = {}

    # ------------------------------------------------------------------ parse

    def parse_file(self, file: str) -> None:
        try:
            raw = Path(file).read_bytes()
        except OSError as e:
            raise SchemaError(f"cannot read schema file: {e.strerror or e}", file) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            raise SchemaError("file is not valid UTF-8", file, line, col) from None
        try:
            root = jsonpos.parse(text, _SCHEMA_KEYS)
        except jsonpos.JSONError as e:
            raise SchemaError(f"invalid JSON: {e.message}", file, e.line, e.column) from None
        is_protocol = file.lower().endswith(".avpr") or (
            isinstance(root, Obj) and "protocol" in root and "type" not in root
        )
        if is_protocol:
            self.parse_protocol(root, file)
        else:
            self.parse_type(root, "", file, "")

    def parse_protocol(self, root: Node, file: str) -> None:
        if not isinstance(root, Obj):
            raise _err(
                file, root, f"an Avro protocol must be a JSON object, got {jsonpos.type_name(root)}"
            )
        name = root.get("protocol")
        if name is None:
            raise _err(file, root, "protocol is missing required attribute 'protocol'")
        if not _is_str(name):
            raise _err(file, name, "'protocol' must be a string")
        assert isinstance(name, Scalar) and isinstance(name.value, str)
        ns = self.namespace_attr(root, file, "")
        if root.get("namespace") is None and "." in name.value:
            ns = name.value.rpartition(".")[0]
            if not _valid_fullname(ns):
                raise _err(file, name, f"invalid protocol name {name.value!r}")
        types = root.get("types")
        if types is None:
            return
        if not isinstance(types, Arr):
            raise _err(file, types, "protocol 'types' must be an array of named type definitions")
        for t in types.items:
            kind = t.get("type") if isinstance(t, Obj) else None
            if not (
                isinstance(kind, Scalar) and kind.value in ("record", "error", "enum", "fixed")
            ):
                raise _err(
                    file,
                    t,
                    "protocol 'types' may only contain definitions of named types "
                    "(record, error, enum, fixed)",
                )
            self.parse_type(t, ns, file, "")

    def namespace_attr(self, obj: Obj, file: str, inherited: str) -> str:
        node = obj.get("namespace")
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return inherited
        if not _is_str(node):
            raise _err(file, node, f"'namespace' must be a string, got {jsonpos.type_name(node)}")
        assert isinstance(node, Scalar) and isinstance(node.value, str)
        if node.value and not _valid_fullname(node.value):
            raise _err(
                file,
                node,
                f"invalid namespace {node.value!r}: each dot-separated part must match "
                "[A-Za-z_][A-Za-z0-9_]*",
            )
        return node.value

    def doc_attr(self, obj: Obj, file: str, path: str) -> str:
        node = obj.get("doc")
        if node is None:
            return ""
        if not _is_str(node):
            raise _err(file, node, f"'doc' must be a string, got {jsonpos.type_name(node)}", path)
        assert isinstance(node, Scalar) and isinstance(node.value, str)
        return node.value

    def aliases_attr(
        self, obj: Obj, file: str, path: str, namespace: str | None
    ) -> tuple[str, ...]:
        """Aliases as written (``namespace is None``) or resolved to full names."""
        node = obj.get("aliases")
        if node is None:
            return ()
        if not isinstance(node, Arr):
            raise _err(file, node, "'aliases' must be an array of strings", path)
        out: list[str] = []
        for a in node.items:
            if not (isinstance(a, Scalar) and isinstance(a.value, str)):
                raise _err(file, a, "'aliases' must be an array of strings", path)
            value = a.value
            if namespace is not None:
                if "." not in value and namespace:
                    value = f"{namespace}.{value}"
                if not _valid_fullname(value):
                    raise _err(file, a, f"invalid alias {a.value!r}", path)
            out.append(value)
        return tuple(out)

    def warn(self, file: str, node: Node, message: str) -> None:
        # reported at the schema file's line (not this module's), so the default
        # warning display shows the offending schema line
        warnings.warn_explicit(
            f"{file}:{node.line}:{node.column}: {message}", SchemaWarning, file, node.line
        )

    def logical(
        self, obj: Obj, base: str, file: str, size: int | None = None
    ) -> tuple[ir.Type | None, dict[str, Any]]:
        """The logical type of a primitive or fixed type object (``base`` is its type name)."""
        node = obj.get("logicalType")
        if node is None:
            return None, {}
        where = base if size is None else f"fixed({size})"
        if not (isinstance(node, Scalar) and isinstance(node.value, str)):
            self.warn(file, node, f"'logicalType' must be a string; ignored, using {where}")
            return None, {}
        lt = node.value
        known = _LOGICAL.get(lt)
        if known is None:
            self.warn(file, node, f"unknown logical type {lt!r} ignored; using {where}")
            keep = {"logicalType": lt} if base in _PRIMITIVES or base == "fixed" else {}
            return None, keep
        allowed, ir_type = known
        if where not in allowed and not (base == "fixed" and "fixed" in allowed):
            self.warn(
                file,
                node,
                f"logical type {lt!r} requires {' or '.join(allowed)}, not {where}; "
                f"ignored, using {where}",
            )
            return None, {}
        if lt != "decimal":
            return ir_type, {"logicalType": lt}
        # decimal: precision (required, >= 1), scale (optional, 0 <= scale <= precision)
        prec_node, scale_node = obj.get("precision"), obj.get("scale")
        p, s = _int_value(prec_node), 0 if scale_node is None else _int_value(scale_node)
        if prec_node is None:
            problem = "missing 'precision'"
        elif p is None or p < 1:
            problem = f"precision {_shown(prec_node)} is not a positive integer"
        elif s is None or s < 0:
            assert scale_node is not None
            problem = f"scale {_shown(scale_node)} is not a non-negative integer"
        elif s > p:
            problem = f"scale {s} is greater than precision {p}"
        elif size is not None and p > _max_decimal_digits(size):
            problem = (
                f"precision {p} does not fit in fixed({size}) "
                f"(at most {_max_decimal_digits(size)} digits)"
            )
        else:
            return (
                ir.Decimal(p, s, byte_size=size),
                {"logicalType": "decimal", "precision": p, "scale": s},
            )
        self.warn(file, node, f"invalid decimal logical type ({problem}) ignored; using {where}")
        return None, {}

    def named_header(self, obj: Obj, kind: str, ns: str, file: str, path: str) -> str:
        """Validate ``name``/``namespace`` of a named definition; return its full name."""
        name = obj.get("name")
        if name is None:
            raise _err(file, obj, f"{kind} is missing required attribute 'name'", path)
        if not (isinstance(name, Scalar) and isinstance(name.value, str)):
            raise _err(
                file, name, f"{kind} 'name' must be a string, got {jsonpos.type_name(name)}", path
            )
        space = self.namespace_attr(obj, file, ns)
        value = name.value
        full = value if "." in value or not space else f"{space}.{value}"
        if "." in value:
            if not _valid_fullname(value):
                raise _err(
                    file,
                    name,
                    f"invalid name {value!r}: each dot-separated part must match "
                    "[A-Za-z_][A-Za-z0-9_]*",
                    path,
                )
        elif not _NAME.fullmatch(value):
            raise _err(
                file, name, f"invalid name {value!r}: must match [A-Za-z_][A-Za-z0-9_]*", path
            )
        if full.rpartition(".")[2] in _PRIMITIVES:
            raise _err(
                file,
                name,
                f"{kind} name {value!r} is a primitive type name and cannot be redefined",
                path,
            )
        return full

    def register(self, d: _Named) -> None:
        if d.full in self.defs:
            self.dups.append(d)
        else:
            self.defs[d.full] = d
            self.order.append(d)

    def parse_type(self, node: Node, ns: str, file: str, path: str) -> _T:
        """Turn the JSON of one Avro schema into the syntax tree (``ns``: enclosing namespace)."""
        if isinstance(node, Scalar) and isinstance(node.value, str):
            if node.value in _PRIMITIVES:
                return _Prim(node, file, node.value)
            ref = _Ref(node, file, node.value, ns, path)
            self.refs.append(ref)
            return ref
        if isinstance(node, Arr):
            if not node.items:
                raise _err(file, node, "empty union: a union needs at least one member type", path)
            members: list[_T] = []
            for item in node.items:
                if isinstance(item, Arr):
                    raise _err(file, item, "a union may not directly contain another union", path)
                members.append(self.parse_type(item, ns, file, path))
            u = _Union(node, file, members, path)
            self.unions.append(u)
            return u
        if not isinstance(node, Obj):
            raise _err(
                file,
                node,
                f"expected a schema (a type name, a JSON object or a union array), "
                f"got {jsonpos.type_name(node)} {_shown(node)}",
                path,
            )
        tnode = node.get("type")
        if tnode is None:
            raise _err(file, node, "schema object is missing required attribute 'type'", path)
        if not (isinstance(tnode, Scalar) and isinstance(tnode.value, str)):
            hint = (
                ' (write a union as the JSON array itself, not inside {"type": ...})'
                if isinstance(tnode, Arr)
                else ""
            )
            raise _err(
                file,
                tnode,
                f"'type' of a schema object must be a type name string, "
                f"got {jsonpos.type_name(tnode)}{hint}",
                path,
            )
        t = tnode.value
        if t in _PRIMITIVES:
            logical, lt_json = self.logical(node, t, file)
            return _Prim(node, file, t, logical, lt_json)
        if t in ("record", "error"):
            return self.parse_record(node, t, ns, file, path)
        if t == "enum":
            return self.parse_enum(node, ns, file, path)
        if t == "fixed":
            return self.parse_fixed(node, ns, file, path)
        if t in ("array", "map"):
            attr = "items" if t == "array" else "values"
            inner = node.get(attr)
            if inner is None:
                raise _err(file, node, f"{t} is missing required attribute '{attr}'", path)
            self.logical(node, t, file)
            parsed = self.parse_type(inner, ns, file, path)
            return _Array(node, file, parsed) if t == "array" else _Map(node, file, parsed)
        # {"type": "SomeName"}: a reference written as an object
        self.logical(node, t, file)
        ref = _Ref(tnode, file, t, ns, path)
        self.refs.append(ref)
        return ref

    def parse_record(self, obj: Obj, kind: str, ns: str, file: str, path: str) -> _Record:
        full = self.named_header(obj, kind, ns, file, path)
        own_ns = full.rpartition(".")[0]
        fields_node = obj.get("fields")
        if fields_node is None:
            raise _err(file, obj, f"{kind} {full!r} is missing required attribute 'fields'", full)
        if not isinstance(fields_node, Arr):
            raise _err(file, fields_node, f"'fields' of {kind} {full!r} must be an array", full)
        self.logical(obj, kind, file)
        rec = _Record(
            obj,
            file,
            full,
            doc=self.doc_attr(obj, file, full),
            aliases=self.aliases_attr(obj, file, full, own_ns),
            kind="error" if kind == "error" else "record",
        )
        self.register(rec)
        seen: dict[str, Node] = {}
        for fnode in fields_node.items:
            rec.fields.append(self.parse_field(fnode, full, own_ns, file, seen))
        return rec

    def parse_field(self, fnode: Node, full: str, own_ns: str, file: str,
                    seen: dict[str, Node]) -> _Field:
        """One entry of a record's ``fields`` (``seen``: the names so far, for duplicates)."""
        if not isinstance(fnode, Obj):
            raise _err(
                file,
                fnode,
                f"a field of {full!r} must be a JSON object, got {jsonpos.type_name(fnode)}",
                full,
            )
        name = fnode.get("name")
        if name is None:
            raise _err(file, fnode, "field is missing required attribute 'name'", full)
        if not (isinstance(name, Scalar) and isinstance(name.value, str)):
            raise _err(
                file,
                name,
                f"field 'name' must be a string, got {jsonpos.type_name(name)}",
                full,
            )
        fpath = f"{full}.{name.value}"
        _new_name(file, name, name.value, seen, ("field name", "field", "first defined at"),
                  full, fpath)
        tnode = fnode.get("type")
        if tnode is None:
            raise _err(
                file, fnode, f"field {name.value!r} is missing required attribute 'type'", fpath
            )
        order = fnode.get("order")
        if order is not None and not (isinstance(order, Scalar) and order.value in _ORDERS):
            raise _err(
                file,
                order,
                f"invalid field order {_shown(order)}: must be one of {', '.join(_ORDERS)}",
                fpath,
            )
        return _Field(
            fnode,
            name.value,
            self.parse_type(tnode, own_ns, file, fpath),
            doc=self.doc_attr(fnode, file, fpath),
            aliases=self.aliases_attr(fnode, file, fpath, None),
            default=fnode.get("default"),
            order=None if order is None else str(jsonpos.to_plain(order)),
            path=fpath,
        )

    def parse_enum(self, obj: Obj, ns: str, file: str, path: str) -> _Enum:
        full = self.named_header(obj, "enum", ns, file, path)
        sym_node = obj.get("symbols")
        if sym_node is None:
            raise _err(file, obj, f"enum {full!r} is missing required attribute 'symbols'", full)
        if not isinstance(sym_node, Arr):
            raise _err(
                file, sym_node, f"'symbols' of enum {full!r} must be an array of strings", full
            )
        symbols: dict[str, Node] = {}
        for s in sym_node.items:
            if not (isinstance(s, Scalar) and isinstance(s.value, str)):
                raise _err(
                    file, s, f"enum symbols must be strings, got {jsonpos.type_name(s)}", full
                )
            _new_name(file, s, s.value, symbols, ("enum symbol", "enum symbol", "first at"),
                      full, full)
        if not symbols:
            raise _err(file, sym_node, f"enum {full!r} has no symbols", full)
        default = obj.get("default")
        dvalue: str | None = None
        if default is not None:
            if not (isinstance(default, Scalar) and isinstance(default.value, str)):
                raise _err(
                    file,
                    default,
                    f"enum default must be a symbol string, got {_shown(default)}",
                    full,
                )
            if default.value not in symbols:
                raise _err(
                    file,
                    default,
                    f"enum default {default.value!r} is not one of the symbols of {full!r}",
                    full,
                )
            dvalue = default.value
        self.logical(obj, "enum", file)
        e = _Enum(
            obj,
            file,
            full,
            doc=self.doc_attr(obj, file, full),
            aliases=self.aliases_attr(obj, file, full, full.rpartition(".")[0]),
            symbols=tuple(symbols),
            default=dvalue,
        )
        self.register(e)
        return e

    def parse_fixed(self, obj: Obj, ns: str, file: str, path: str) -> _Fixed:
        full = self.named_header(obj, "fixed", ns, file, path)
        size = obj.get("size")
        if size is None:
            raise _err(file, obj, f"fixed {full!r} is missing required attribute 'size'", full)
        n = _int_value(size)
        if n is None or n < 0:
            raise _err(
                file,
                size,
                f"'size' of fixed {full!r} must be a non-negative integer, got {_shown(size)}",
                full,
            )
        logical, lt_json = self.logical(obj, "fixed", file, n)
        f = _Fixed(
            obj,
            file,
            full,
            doc=self.doc_attr(obj, file, full),
            aliases=self.aliases_attr(obj, file, full, full.rpartition(".")[0]),
            size=n,
            logical=logical,
            lt_json=lt_json,
        )
        self.register(f)
        return f

    # ------------------------------------------------------------------ resolve

    def resolve(self) -> None:
        for ref in self.refs:
            ref.target = self.lookup(ref)
        for u in self.unions:
            seen: dict[str, _T] = {}
            for m in u.members:
                key = self.member_key(m)
                if key in seen:
                    other = seen[key].node
                    raise _err(
                        u.file,
                        m.node,
                        f"duplicate type {key!r} in union (also at line {other.line}, "
                        f"column {other.column}); a union may hold each unnamed type once "
                        "and each named type once",
                        u.path,
                    )
                seen[key] = m
        for d in self.dups:
            first = self.defs[d.full]
            if self.signature(first) != self.signature(d):
                raise _err(
                    d.file,
                    d.node,
                    f"{d.full!r} is defined again differently (first definition at "
                    f"{first.loc()}); a name may only be redefined identically",
                    d.full,
                )

    def lookup(self, ref: _Ref) -> _Named:
        name = ref.name
        candidates = (
            [name]
            if "." in name
            else ([f"{ref.namespace}.{name}", name] if ref.namespace else [name])
        )
        for c in candidates:
            if c in self.defs:
                return self.defs[c]
        pool: dict[str, str] = {p: p for p in _PRIMITIVES}
        for full in self.defs:
            pool.setdefault(full, full)
            pool.setdefault(full.rpartition(".")[2], full)
        close = difflib.get_close_matches(name, list(pool), n=1, cutoff=0.6)
        hint = f"; did you mean {pool[close[0]]!r}?" if close else ""
        if name in ("record", "error", "enum", "fixed", "array", "map"):
            hint = f'; a {name} type must be written as a JSON object {{"type": "{name}", ...}}'
        raise _err(ref.file, ref.node, f"unknown type {name!r}{hint}", ref.path)

    def deref(self, t: _T) -> _T:
        if isinstance(t, _Ref):
            assert t.target is not None
            return t.target
        if isinstance(t, _Named):
            return self.defs[t.full]
        return t

    def member_key(self, t: _T) -> str:
        t = self.deref(t)
        if isinstance(t, _Prim):
            return t.prim
        if isinstance(t, _Array):
            return "array"
        if isinstance(t, _Map):
            return "map"
        if isinstance(t, _Union):  # cannot happen: rejected while parsing
            return "union"
        assert isinstance(t, _Named)
        return t.full

    def type_sig(self, t: _T) -> Any:
        t = self.deref(t) if isinstance(t, _Ref) else t
        if isinstance(t, _Prim):
            return ("prim", t.prim, t.logical, tuple(sorted(t.lt_json.items())))
        if isinstance(t, _Array):
            return ("array", self.type_sig(t.items))
        if isinstance(t, _Map):
            return ("map", self.type_sig(t.values))
        if isinstance(t, _Union):
            return ("union", tuple(self.type_sig(m) for m in t.members))
        assert isinstance(t, _Named)
        return ("named", t.full)

    def signature(self, d: _Named) -> Any:
        """What must agree between two definitions of one name (docs and positions aside)."""
        if isinstance(d, _Record):
            return (
                "record",
                d.kind,
                d.aliases,
                tuple(
                    (
                        f.name,
                        self.type_sig(f.type),
                        None
                        if f.default is None
                        else ("default", json.dumps(jsonpos.to_plain(f.default), sort_keys=True)),
                        f.aliases,
                        f.order,
                    )
                    for f in d.fields
                ),
            )
        if isinstance(d, _Enum):
            return ("enum", d.symbols, d.default, d.aliases)
        assert isinstance(d, _Fixed)
        return ("fixed", d.size, d.logical, tuple(sorted(d.lt_json.items())), d.aliases)

    # ------------------------------------------------------------------ convert

    def convert(self) -> ir.Schema:
        records = [d for d in self.order if isinstance(d, _Record)]
        fields = {r.full: self.convert_fields(r) for r in records}
        # native schemas, the types a record uses first, so it can reuse theirs
        native = {r.full: self.native_meta(r) for r in self.dependency_order(records)}
        types: dict[str, ir.Named] = {}
        sources: dict[str, str] = {}
        for d in self.order:
            if isinstance(d, _Record):
                types[d.full] = ir.Record(
                    name=d.full,
                    fields=fields[d.full],
                    doc=d.doc,
                    aliases=d.aliases,
                    location=d.loc(),
                    native=native[d.full],
                    kind=d.kind,
                )
            elif isinstance(d, _Enum):
                types[d.full] = ir.Enum(
                    name=d.full,
                    symbols=d.symbols,
                    doc=d.doc,
                    default=d.default,
                    aliases=d.aliases,
                    location=d.loc(),
                )
            else:
                continue
            sources[d.full] = d.file
        return ir.Schema(types=types, sources=sources)

    def convert_fields(self, rec: _Record) -> tuple[ir.Field, ...]:
        fields: list[ir.Field] = []
        for f in rec.fields:
            default: Any = ir.NO_DEFAULT
            if f.default is not None:
                try:
                    default = self.default_value(f.type, f.default, "")
                except _DefaultError as e:
                    raise _err(
                        rec.file,
                        e.node,
                        f"invalid default for field {f.name!r}: {e.message}",
                        f.path + e.subpath,
                    ) from None
            fields.append(
                ir.Field(
                    name=f.name,
                    type=self.to_ir(f.type),
                    doc=f.doc,
                    default=default,
                    aliases=f.aliases,
                    location=ir.SourceLocation(rec.file, f.node.line, f.node.column),
                )
            )
        return tuple(fields)

    def native_meta(self, rec: _Record) -> tuple[tuple[str, str], ...]:
        try:
            avro_json = self.native_json(rec)
        except RecursionError:
            raise _err(
                rec.file,
                rec.node,
                f"{rec.full!r} nests named types too deeply to write its complete Avro schema "
                "(parquet.avro.schema) with every type inline",
                rec.full,
            ) from None
        return ((pqkeys.AVRO_SCHEMA_KEY, avro_json), (pqkeys.WRITER_MODEL_KEY, "avro"))

    def is_null(self, t: _T) -> bool:
        return isinstance(t, _Prim) and t.prim == "null"

    def to_ir(self, t: _T) -> ir.Type:
        t = self.deref(t)
        if isinstance(t, _Prim):
            return t.logical if t.logical is not None else _PRIMITIVES[t.prim]
        if isinstance(t, _Array):
            return ir.List(self.to_ir(t.items))
        if isinstance(t, _Map):
            return ir.Map(ir.String(), self.to_ir(t.values))
        if isinstance(t, _Union):
            non_null = [self.to_ir(m) for m in t.members if not self.is_null(m)]
            if not non_null:
                return ir.Null()
            inner = non_null[0] if len(non_null) == 1 else ir.Union_(tuple(non_null))
            if len(non_null) < len(t.members):
                return ir.Nullable(inner)
            return inner
        if isinstance(t, _Record):
            return ir.RecordRef(t.full)
        if isinstance(t, _Enum):
            return ir.EnumRef(t.full)
        assert isinstance(t, _Fixed)
        return t.logical if t.logical is not None else ir.Fixed(t.size)

    def describe(self, t: _T) -> str:
        t = self.deref(t)
        if isinstance(t, _Prim):
            if t.logical is not None:
                return f"{t.lt_json['logicalType']} ({t.prim})"
            return t.prim
        if isinstance(t, _Array):
            return f"array<{self.describe(t.items)}>"
        if isinstance(t, _Map):
            return f"map<{self.describe(t.values)}>"
        if isinstance(t, _Union):
            return "union [" + ", ".join(self.describe(m) for m in t.members) + "]"
        if isinstance(t, _Record):
            return f"{t.kind} {t.full}"
        if isinstance(t, _Enum):
            return f"enum {t.full}"
        assert isinstance(t, _Fixed)
        lt = f"{t.lt_json['logicalType']} " if t.logical is not None else ""
        return f"{lt}fixed {t.full} (size {t.size})"

    # ------------------------------------------------------------------ defaults

    def default_value(self, t: _T, node: Node, sub: str) -> Any:
        """Check the JSON default ``node`` against ``t``; return it in IR value form."""
        t = self.deref(t)

        def bad(expected: str) -> _DefaultError:
            return _DefaultError(node, f"expected {expected}, got {_shown(node)}", sub)

        value = node.value if isinstance(node, Scalar) else None
        if isinstance(t, _Union):
            # Avro 1.12 (AVRO-3649): the default may match any member; the first match wins.
            non_null = [self.deref(m) for m in t.members if not self.is_null(self.deref(m))]
            if isinstance(node, Scalar) and node.value is None and len(non_null) < len(t.members):
                return None
            errors = []
            for i, member in enumerate(non_null):
                try:
                    v = self.default_value(member, node, sub)
                except _DefaultError as e:
                    errors.append(e.message)
                    continue
                return ir.UnionValue(i, v) if len(non_null) >= 2 else v
            raise _DefaultError(
                node,
                f"the default {_shown(node)} matches no member of {self.describe(t)}",
                sub,
            )
        if isinstance(t, _Prim):
            return self.prim_default(t, node, sub, bad)
        if isinstance(t, _Enum):
            if not isinstance(value, str):
                raise bad(f"a symbol of enum {t.full}")
            if value not in t.symbols:
                raise _DefaultError(node, f"{value!r} is not a symbol of enum {t.full}", sub)
            return value
        if isinstance(t, _Fixed):
            data = self.bytes_default(node, sub, f"fixed {t.full}")
            if len(data) != t.size:
                raise _DefaultError(
                    node, f"fixed {t.full} needs exactly {t.size} bytes, got {len(data)}", sub
                )
            if isinstance(t.logical, ir.Decimal):
                return self.decimal_from(data, t.logical, node, sub)
            if isinstance(t.logical, ir.Uuid):
                return uuid.UUID(bytes=data)
            if isinstance(t.logical, ir.Interval):
                return ir.IntervalValue(*struct.unpack("<III", data))
            return data
        if isinstance(t, _Array):
            if not isinstance(node, Arr):
                raise bad(f"a JSON array for {self.describe(t)}")
            return tuple(
                self.default_value(t.items, item, f"{sub}[{i}]")
                for i, item in enumerate(node.items)
            )
        if isinstance(t, _Map):
            if not isinstance(node, Obj):
                raise bad(f"a JSON object for {self.describe(t)}")
            return tuple(
                (k, self.default_value(t.values, v, f"{sub}[{k!r}]"))
                for k, v in node.members.items()
            )
        assert isinstance(t, _Record)
        if not isinstance(node, Obj):
            raise bad(f"a JSON object for {t.kind} {t.full}")
        by_name = {f.name: f for f in t.fields}
        for key, knode in node.keys.items():
            if key not in by_name:
                raise _DefaultError(knode, f"{t.full} has no field {key!r}", sub)
        out: list[tuple[str, Any]] = []
        for f in t.fields:
            given = node.get(f.name)
            if given is None:
                if f.default is None:
                    raise _DefaultError(
                        node, f"missing field {f.name!r} of {t.full} (it has no default)", sub
                    )
                continue
            out.append((f.name, self.default_value(f.type, given, f"{sub}.{f.name}")))
        return tuple(out)

    def bytes_default(self, node: Node, sub: str, what: str) -> bytes:
        if not (isinstance(node, Scalar) and isinstance(node.value, str)):
            raise _DefaultError(
                node, f"expected a JSON string of bytes for {what}, got {_shown(node)}", sub
            )
        try:
            return node.value.encode("latin-1")
        except UnicodeEncodeError as e:
            raise _DefaultError(
                node,
                f"default for {what} has character U+{ord(node.value[e.start]):04X} at index "
                f"{e.start}; bytes defaults may only use U+0000..U+00FF",
                sub,
            ) from None

    def decimal_from(self, data: bytes, d: ir.Decimal, node: Node, sub: str) -> decimal.Decimal:
        if not data:
            raise _DefaultError(node, "an empty byte string is not a decimal", sub)
        unscaled = int.from_bytes(data, "big", signed=True)
        digits = decimal.Decimal(abs(unscaled)).as_tuple().digits
        if unscaled and len(digits) > d.precision:
            raise _DefaultError(
                node, f"unscaled value {unscaled} has more than {d.precision} digits", sub
            )
        return decimal.Decimal((1 if unscaled < 0 else 0, digits, -d.scale))

    def prim_default(
        self, t: _Prim, node: Node, sub: str, bad: Callable[[str], _DefaultError]
    ) -> Any:
        value = node.value if isinstance(node, Scalar) else None
        is_int = isinstance(node, Scalar) and isinstance(value, int) and not isinstance(value, bool)
        p = t.prim
        if p == "null":
            if not (isinstance(node, Scalar) and value is None):
                raise bad("null")
            return None
        if p == "boolean":
            if not isinstance(value, bool):
                raise bad("true or false")
            return value
        if p in ("int", "long"):
            if not is_int:
                raise bad(f"an integer ({self.describe(t)})")
            assert isinstance(value, int)
            lo, hi = _INT_RANGE[p]
            if not lo <= value <= hi:
                raise _DefaultError(node, f"{value} is out of range for {p} ({lo}..{hi})", sub)
            if t.logical is not None:
                return self.temporal(t.logical, value, node, sub)
            return value
        if p in ("float", "double"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise bad(f"a number for {p}")
            limit = _FLOAT32_MAX if p == "float" else 1.7976931348623157e308
            try:
                f = float(value)
            except OverflowError:
                f = float("inf")
            if not abs(f) <= limit:
                raise _DefaultError(node, f"{_shown(node)} is out of range for {p}", sub)
            return f
        if p == "bytes":
            data = self.bytes_default(node, sub, self.describe(t))
            if isinstance(t.logical, ir.Decimal):
                return self.decimal_from(data, t.logical, node, sub)
            return data
        assert p == "string"
        if not isinstance(value, str):
            raise bad(f"a string for {self.describe(t)}")
        if isinstance(t.logical, ir.Uuid):
            try:
                return uuid.UUID(value)
            except ValueError:
                raise _DefaultError(node, f"{value!r} is not a valid UUID", sub) from None
        return value

    def temporal(self, lt: ir.Type, value: int, node: Node, sub: str) -> Any:
        try:
            if isinstance(lt, ir.Date):
                return _EPOCH_DATE + datetime.timedelta(days=value)
            if isinstance(lt, ir.Time):
                per_day = 86_400_000 if lt.unit == "ms" else 86_400_000_000
                if not 0 <= value < per_day:
                    raise _DefaultError(
                        node, f"{value} is not a time of day in {lt.unit} (0..{per_day - 1})", sub
                    )
                us = value * 1000 if lt.unit == "ms" else value
                seconds, us = divmod(us, 1_000_000)
                minutes, s = divmod(seconds, 60)
                h, m = divmod(minutes, 60)
                return datetime.time(h, m, s, us)
            if isinstance(lt, ir.Timestamp):
                if lt.unit == "ns":
                    if value % 1000:
                        raise _DefaultError(
                            node,
                            f"{value} ns is not a whole number of microseconds "
                            "(Python datetimes hold microseconds)",
                            sub,
                        )
                    delta = datetime.timedelta(microseconds=value // 1000)
                elif lt.unit == "us":
                    delta = datetime.timedelta(microseconds=value)
                else:
                    delta = datetime.timedelta(milliseconds=value)
                return (_EPOCH_UTC if lt.utc else _EPOCH) + delta
        except OverflowError:
            raise _DefaultError(
                node, f"{value} is outside the dates Python can represent", sub
            ) from None
        raise AssertionError(lt)  # pragma: no cover - only temporal logical types reach here

    # ------------------------------------------------------------------ native schema

    def native_json(self, rec: _Record) -> str:
        """``parquet.avro.schema``: the record with every named type it uses inline at first use."""
        doc = self.emit(rec, set(), "")
        self.native_objs[rec.full] = doc
        return json.dumps(doc, separators=(",", ":"))

    def direct_refs(self, rec: _Record) -> list[_Record]:
        """Records used by ``rec``'s fields (not through other records), in field order."""
        out: list[_Record] = []
        stack: list[_T] = [f.type for f in reversed(rec.fields)]
        while stack:
            t = self.deref(stack.pop())
            if isinstance(t, _Record):
                out.append(t)
            elif isinstance(t, _Array):
                stack.append(t.items)
            elif isinstance(t, _Map):
                stack.append(t.values)
            elif isinstance(t, _Union):
                stack.extend(reversed(t.members))
        return out

    def dependency_order(self, records: list[_Record]) -> list[_Record]:
        """``records`` in depth-first post-order of use (cycles broken arbitrarily)."""
        done: set[str] = set()
        out: list[_Record] = []
        for root in records:
            if root.full in done:
                continue
            done.add(root.full)
            stack = [(root, iter(self.direct_refs(root)))]
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    out.append(node)
                elif child.full not in done:
                    done.add(child.full)
                    stack.append((child, iter(self.direct_refs(child))))
        return out

    def closure(self, d: _Named) -> frozenset[str]:
        """Full names of ``d`` and every named type reachable from it."""
        found = self.closures.get(d.full)
        if found is None:
            names: set[str] = set()
            stack: list[_T] = [d]
            while stack:
                t = self.deref(stack.pop())
                if isinstance(t, _Named):
                    if t.full in names:
                        continue
                    known = self.closures.get(t.full)
                    if known is not None:  # complete already: no need to walk it again
                        names |= known
                        continue
                    names.add(t.full)
                    if isinstance(t, _Record):
                        stack.extend(f.type for f in t.fields)
                elif isinstance(t, _Array):
                    stack.append(t.items)
                elif isinstance(t, _Map):
                    stack.append(t.values)
                elif isinstance(t, _Union):
                    stack.extend(t.members)
            found = self.closures[d.full] = frozenset(names)
        return found

    def emit(self, t: _T, seen: set[str], ns: str) -> Any:
        t = self.deref(t)
        if isinstance(t, _Prim):
            if t.lt_json:
                return {"type": t.prim, **t.lt_json}
            return t.prim
        if isinstance(t, _Array):
            return {"type": "array", "items": self.emit(t.items, seen, ns)}
        if isinstance(t, _Map):
            return {"type": "map", "values": self.emit(t.values, seen, ns)}
        if isinstance(t, _Union):
            return [self.emit(m, seen, ns) for m in t.members]
        assert isinstance(t, _Named)
        done = self.native_objs.get(t.full)
        if done is not None and t.full not in seen:
            reach = self.closure(t)
            if seen.isdisjoint(reach):
                # nothing it reaches is defined yet: inline exactly as its own native schema
                seen |= reach
                if ns and not t.namespace:
                    first, rest = list(done.items())[:2], list(done.items())[2:]
                    return dict([*first, ("namespace", ""), *rest])
                return done
        if t.full in seen:
            return t.full
        seen.add(t.full)
        kind = t.kind if isinstance(t, _Record) else "enum" if isinstance(t, _Enum) else "fixed"
        out: dict[str, Any] = {"type": kind, "name": t.short}
        if t.namespace or ns:
            out["namespace"] = t.namespace
        if t.doc:
            out["doc"] = t.doc
        if t.aliases:
            out["aliases"] = list(t.aliases)
        if isinstance(t, _Record):
            fields: list[dict[str, Any]] = []
            for f in t.fields:
                fj: dict[str, Any] = {"name": f.name, "type": self.emit(f.type, seen, t.namespace)}
                if f.doc:
                    fj["doc"] = f.doc
                if f.default is not None:
                    fj["default"] = jsonpos.to_plain(f.default)
                if f.order is not None:
                    fj["order"] = f.order
                if f.aliases:
                    fj["aliases"] = list(f.aliases)
                fields.append(fj)
            out["fields"] = fields
        elif isinstance(t, _Enum):
            out["symbols"] = list(t.symbols)
            if t.default is not None:
                out["default"] = t.default
        else:
            assert isinstance(t, _Fixed)
            out["size"] = t.size
            out.update(t.lt_json)
        return out
