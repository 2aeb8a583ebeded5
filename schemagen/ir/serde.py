"""The ``schemagen.schema`` JSON form of the IR (Parquet footers, snapshots, inspect).

:func:`record_schema_json` writes a record and every type it reaches;
:func:`schema_from_json` reads it back.  The form is stable: files and
``schemas.lock.json`` snapshots written by earlier versions must keep loading.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final, assert_never

from schemagen.ir import jsoncheck as check
from schemagen.ir import keys, legacy
from schemagen.ir.describe import describe
from schemagen.ir.nodes import (
    NO_DEFAULT,
    NODES,
    Decimal,
    Duration,
    EnumRef,
    Fixed,
    Float,
    Int,
    IntervalValue,
    List,
    Map,
    Nullable,
    RecordRef,
    Time,
    Timestamp,
    Type,
    Union_,
    UnionValue,
    kind,
)
from schemagen.ir.origin import FORMAT_NAMES, ORIGINS, Origin
from schemagen.ir.origin import check as check_origin
from schemagen.ir.schema import Constant, Enum, Field, Named, Oneof, Presence, Record, closure

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


_VALUE_KEYS: Final = {"none": ("$",), "union": ("$", "m", "v")}


def _value_from_json(j: Any, path: str = "$", depth: int = 0) -> Any:
    """Inverse of :func:`_value_to_json`; every part checked (``SchemaJSONError``)."""
    if j is None or type(j) in (bool, float, str):
        return j
    if type(j) is int:
        return check.integer(j, path)
    if not isinstance(j, dict):
        check.fail(path, j, 'an IR value (a JSON scalar or {"$": kind, "v": ...})')
    k = check.choice(j.get("$"), check.key_path(path, "$"), _VALUE_KINDS)
    keys = _VALUE_KEYS.get(k, ("$", "v"))
    check.obj(j, path, keys, keys)
    if depth > check.MAX_DEPTH:
        check.fail(path, j, f"a value nested at most {check.MAX_DEPTH} levels deep")
    vp = f"{path}.v"
    v: Any = j.get("v")
    try:
        return _VALUE_KINDS[k](v, vp, depth, j)
    except (ValueError, TypeError, OverflowError, ArithmeticError, binascii.Error) as exc:
        if check.is_json_error(exc):  # a nested value's own error, already named
            raise
        check.fail(vp, v, f"a {k} value in its JSON form ({exc})")


def _short_str(v: Any, path: str, limit: int = 1024) -> str:
    s = check.string(v, path)
    if len(s) > limit:
        check.fail(path, v, f"a string of at most {limit} characters")
    return s


def _ints(v: Any, path: str, n: int, lo: int, hi: int) -> list[int]:
    items = check.array(v, path)
    if len(items) != n:
        check.fail(path, v, f"an array of {n} integers")
    return [check.integer(x, f"{path}[{i}]", lo, hi) for i, x in enumerate(items)]


def _float(v: Any, path: str, _d: int, _j: Any) -> float:
    return float(_short_str(v, path, 64))


def _bytes(v: Any, path: str, _d: int, _j: Any) -> bytes:
    return base64.b64decode(check.string(v, path), validate=True)


def _decimal(v: Any, path: str, _d: int, _j: Any) -> decimal.Decimal:
    d = decimal.Decimal(_short_str(v, path, check.MAX_PRECISION + 32))
    if not d.is_finite():
        check.fail(path, v, "a finite decimal")
    return d


def _timedelta(v: Any, path: str, _d: int, _j: Any) -> datetime.timedelta:
    days, seconds, micros = _ints(v, path, 3, -(10**9), 10**12)
    return datetime.timedelta(days=days, seconds=seconds, microseconds=micros)


def _interval(v: Any, path: str, _d: int, _j: Any) -> IntervalValue:
    return IntervalValue(*_ints(v, path, 3, -(2**31), 2**32 - 1))


def _union(v: Any, path: str, d: int, j: Any) -> UnionValue:
    member = check.integer(j["m"], path[:-2] + ".m", 0, 1 << 16)
    return UnionValue(member, _value_from_json(v, path, d + 1))


def _tuple(v: Any, path: str, d: int, _j: Any) -> tuple[Any, ...]:
    return tuple(_value_from_json(x, f"{path}[{i}]", d + 1)
                 for i, x in enumerate(check.array(v, path)))


_VALUE_KINDS: Final[dict[str, Callable[[Any, str, int, Any], Any]]] = {
    "none": lambda v, p, d, j: NO_DEFAULT,
    "float": _float,
    "bytes": _bytes,
    "decimal": _decimal,
    "datetime": lambda v, p, d, j: datetime.datetime.fromisoformat(_short_str(v, p, 64)),
    "date": lambda v, p, d, j: datetime.date.fromisoformat(_short_str(v, p, 64)),
    "time": lambda v, p, d, j: datetime.time.fromisoformat(_short_str(v, p, 64)),
    "timedelta": _timedelta,
    "uuid": lambda v, p, d, j: uuid.UUID(_short_str(v, p, 64)),
    "interval": _interval,
    "union": _union,
    "tuple": _tuple,
}


_TYPE_NAMES: dict[str, Any] = {cls.__name__.rstrip("_").lower(): cls for cls in NODES}


def type_to_json(t: Type) -> Any:
    """The JSON form of a type: its kind name alone, or an object with its parameters."""
    out: dict[str, Any] = {"type": kind(t)}
    match t:
        case Nullable(inner):
            out["inner"] = type_to_json(inner)
        case List(item, unique):
            out["item"] = type_to_json(item)
            if unique:
                out["unique"] = True
        case Map(key, value):
            out["key"] = type_to_json(key)
            out["value"] = type_to_json(value)
        case Union_(members):
            out["members"] = [type_to_json(m) for m in members]
        case _:  # the leaves: their parameters are plain JSON values
            for name in t.__dataclass_fields__:
                out[name] = getattr(t, name)
    if len(out) == 1:
        return out["type"]
    return out


_UNITS_CHECK: Final = ("s", "ms", "us", "ns")
# the parameters of each leaf kind: name -> (checker, default or check.MISSING)
_LEAF_PARAMS: Final[dict[type, dict[str, tuple[Callable[[Any, str], Any], Any]]]] = {
    Int: {"bits": (lambda v, p: check.choice(v, p, (8, 16, 32, 64)), check.MISSING),
          "signed": (check.boolean, True)},
    Float: {"bits": (lambda v, p: check.choice(v, p, (16, 32, 64)), check.MISSING)},
    Fixed: {"size": (lambda v, p: check.integer(v, p, 0, check.MAX_SIZE), check.MISSING)},
    Decimal: {"precision": (lambda v, p: check.integer(v, p, 1, check.MAX_PRECISION),
                            check.MISSING),
              "scale": (lambda v, p: check.integer(v, p, 0, check.MAX_PRECISION), 0),
              "byte_size": (lambda v, p: None if v is None else check.integer(
                  v, p, 1, check.MAX_SIZE), None)},
    Time: {"unit": (lambda v, p: check.choice(v, p, _UNITS_CHECK), check.MISSING)},
    Timestamp: {"unit": (lambda v, p: check.choice(v, p, _UNITS_CHECK), check.MISSING),
                "utc": (check.boolean, check.MISSING)},
    Duration: {"unit": (lambda v, p: check.choice(v, p, _UNITS_CHECK), check.MISSING)},
    EnumRef: {"name": (check.type_name, check.MISSING)},
    RecordRef: {"name": (check.type_name, check.MISSING)},
}


def type_from_json(j: Any, path: str = "$", depth: int = 0) -> Type:
    """Inverse of :func:`type_to_json`; every part checked (``SchemaJSONError`` naming it)."""
    if depth > check.MAX_DEPTH:
        check.fail(path, j, f"a type nested at most {check.MAX_DEPTH} levels deep")
    if isinstance(j, str):
        cls = _TYPE_NAMES.get(j)
        if cls is None or cls in _LEAF_PARAMS or cls in (Nullable, List, Map, Union_):
            check.fail(path, j, "a type: a kind without parameters ("
                       + ", ".join(sorted(k for k, c in _TYPE_NAMES.items()
                                          if c not in _LEAF_PARAMS and c not in
                                          (Nullable, List, Map, Union_)))
                       + ") or an object")
        return cls()  # type: ignore[no-any-return]
    tp = check.key_path(path, "type")
    cls = _TYPE_NAMES.get(check.string(check.obj(j, path, _ALL_TYPE_KEYS, ("type",))["type"],
                                       tp, "a type kind"))
    if cls is None:
        check.choice(j["type"], tp, sorted(_TYPE_NAMES))
    sub = depth + 1
    if cls is Nullable:
        check.obj(j, path, ("type", "inner"), ("inner",))
        return Nullable(type_from_json(j["inner"], f"{path}.inner", sub))
    if cls is List:
        check.obj(j, path, ("type", "item", "unique"), ("item",))
        return List(type_from_json(j["item"], f"{path}.item", sub),
                    check.boolean(j.get("unique", False), f"{path}.unique"))
    if cls is Map:
        check.obj(j, path, ("type", "key", "value"), ("key", "value"))
        return Map(type_from_json(j["key"], f"{path}.key", sub),
                   type_from_json(j["value"], f"{path}.value", sub))
    if cls is Union_:
        check.obj(j, path, ("type", "members"), ("members",))
        members = check.array(j["members"], f"{path}.members")
        if len(members) < 2:
            check.fail(f"{path}.members", members, "a union of at least two members")
        return Union_(tuple(type_from_json(m, f"{path}.members[{i}]", sub)
                            for i, m in enumerate(members)))
    return _leaf_from_json(cls, j, path)


def _leaf_from_json(cls: Any, j: dict[str, Any], path: str) -> Type:
    params = _LEAF_PARAMS.get(cls, {})
    check.obj(j, path, ("type", *params),
              [k for k, (_, default) in params.items() if default is check.MISSING])
    args = {k: checker(j[k], check.key_path(path, k)) if k in j else default
            for k, (checker, default) in params.items()}
    if cls is Decimal and args["scale"] > args["precision"]:
        check.fail(f"{path}.scale", args["scale"], f"a scale from 0 to the precision "
                   f"({args['precision']})")
    return cls(**args)  # type: ignore[no-any-return]


_ALL_TYPE_KEYS: Final = frozenset({"type", "inner", "item", "unique", "key", "value",
                                   "members"} | {k for ps in _LEAF_PARAMS.values() for k in ps})


def _meta_json(meta: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [list(p) for p in meta]


def _meta_from(j: Any, path: str) -> tuple[tuple[str, str], ...]:
    """``[[key, value], ...]`` (absent: empty)."""
    if j is None:
        return ()
    out = []
    for i, pair in enumerate(check.array(j, path)):
        pp = f"{path}[{i}]"
        if not isinstance(pair, list) or len(pair) != 2:
            check.fail(pp, pair, "a [key, value] pair of strings")
        out.append((check.text(pair[0], f"{pp}[0]"), check.text(pair[1], f"{pp}[1]")))
    return tuple(out)


_ORIGIN_CLASSES: dict[str, type[Origin]] = {FORMAT_NAMES[c]: c for c in ORIGINS}


def _tuples(v: Any) -> Any:
    return tuple(_tuples(x) for x in v) if isinstance(v, list) else v


def _lists(v: Any) -> Any:
    return [_lists(x) for x in v] if isinstance(v, tuple) else v


def origin_to_json(o: Origin) -> dict[str, Any]:
    """``{"format": "protobuf", <attributes that differ from their defaults>}``."""
    out: dict[str, Any] = {"format": FORMAT_NAMES[type(o)]}
    blank = type(o)()
    for name in o.__dataclass_fields__:
        v = getattr(o, name)
        if v != getattr(blank, name):
            out[name] = _lists(v)
    return out


def origin_from_json(j: Any, path: str = "$.origin") -> Origin | None:
    """Inverse of :func:`origin_to_json` (None for a missing origin); every attribute checked."""
    if j is None:
        return None
    fmt = check.choice(check.obj(j, path, ("format", *_ORIGIN_KEYS), ("format",))["format"],
                       f"{path}.format", sorted(_ORIGIN_CLASSES))
    cls = _ORIGIN_CLASSES[fmt]
    fields = cls.__dataclass_fields__
    check.obj(j, path, ("format", *fields))
    try:
        return check_origin(cls(**{k: _tuples(v) for k, v in j.items() if k != "format"}))
    except (TypeError, ValueError) as exc:
        check.fail(path, j, f"a {fmt} origin ({exc})")


_ORIGIN_KEYS: Final = frozenset(k for c in ORIGINS for k in c.__dataclass_fields__)


def _common_json(out: dict[str, Any], t: Named | Constant) -> dict[str, Any]:
    if t.metadata:
        out["metadata"] = _meta_json(t.metadata)
    if t.origin is not None:
        out["origin"] = origin_to_json(t.origin)
    return out


def _constant_to_json(t: Constant) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "const", "name": t.name, "type": type_to_json(t.type),
                           "value": _value_to_json(t.value)}
    if t.doc:
        out["doc"] = t.doc
    return _common_json(out, t)


def _enum_to_json(t: Enum) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "enum", "name": t.name, "symbols": list(t.symbols)}
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
    if t.open:
        out["open"] = True
    return _common_json(out, t)


def _field_to_json(f: Field) -> dict[str, Any]:
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
    if f.json_name:
        fj["json_name"] = f.json_name
    if f.presence is not None:
        fj["presence"] = f.presence
    if f.origin is not None:
        fj["origin"] = origin_to_json(f.origin)
    return fj


def named_to_json(t: Named | Constant) -> dict[str, Any]:
    match t:
        case Constant():
            return _constant_to_json(t)
        case Enum():
            return _enum_to_json(t)
        case Record():
            out: dict[str, Any] = {"kind": t.kind, "name": t.name,
                                   "fields": [_field_to_json(f) for f in t.fields]}
            if t.doc:
                out["doc"] = t.doc
            if t.aliases:
                out["aliases"] = list(t.aliases)
            if t.oneofs:
                out["oneofs"] = [[o.name, list(o.members)] for o in t.oneofs]
            if t.table:
                out["table"] = t.table
            return _common_json(out, t)
        case _:
            assert_never(t)


_PRESENCES: Final = ("explicit", "implicit", "required", "repeated")


def _presence(j: Any, path: str) -> Presence | None:
    if j is None:
        return None
    v: Presence = check.choice(j, path, _PRESENCES)
    return v


_FIELD_FACETS = frozenset({"json_name", "presence", "origin"})
_FIELD_KEYS: Final = ("name", "type", "py_name", "doc", "default", "field_id", "aliases",
                      "metadata", "json_name", "presence", "origin")


def _field_from_json(f: Any, path: str) -> Field:
    check.obj(f, path, _FIELD_KEYS, ("name", "type"))
    meta = _meta_from(f.get("metadata"), f"{path}.metadata")
    # JSON written before the typed facets keeps them in metadata: mapped here
    if _FIELD_FACETS & f.keys():  # the metadata copy of json_name written for a while
        facts = legacy.FieldFacts(tuple(p for p in meta if p[0] != keys.PROTOBUF_JSON_NAME))
    else:
        facts = legacy.field_facts(meta)
    name = check.wire_name(f["name"], f"{path}.name")
    fid = f.get("field_id")
    return Field(
        name=name, type=type_from_json(f["type"], f"{path}.type"),
        py_name=check.py_name(f.get("py_name", name), f"{path}.py_name") or name,
        doc=check.text(f.get("doc", ""), f"{path}.doc"),
        default=_value_from_json(f["default"], f"{path}.default") if "default" in f
        else NO_DEFAULT,
        field_id=None if fid is None else check.integer(fid, f"{path}.field_id",
                                                        -(2**31), 2**31 - 1),
        aliases=check.names(f.get("aliases", []), f"{path}.aliases"),
        metadata=facts.metadata,
        json_name=check.text(f.get("json_name", facts.json_name), f"{path}.json_name"),
        presence=_presence(f.get("presence", facts.presence), f"{path}.presence"),
        origin=origin_from_json(f["origin"], f"{path}.origin") if "origin" in f
        else facts.origin,
    )


_ENUM_KEYS: Final = ("kind", "name", "symbols", "doc", "default", "aliases", "values",
                     "symbol_docs", "open", "metadata", "origin")
_RECORD_KEYS: Final = ("kind", "name", "fields", "doc", "aliases", "oneofs", "table",
                       "metadata", "origin")
_RECORD_KINDS: Final = ("record", "error", "union")


def named_from_json(j: Any, path: str = "$") -> Named:
    """A record or an enum from its JSON; every value checked (``SchemaJSONError``)."""
    kind_ = check.choice(check.obj(j, path, (*_ENUM_KEYS, *_RECORD_KEYS), ("kind",))["kind"],
                         f"{path}.kind", (*_RECORD_KINDS, "enum"))
    check.obj(j, path, _ENUM_KEYS if kind_ == "enum" else _RECORD_KEYS, ("name",))
    name = check.type_name(j["name"], f"{path}.name")
    meta, origin = legacy.named_facts(_meta_from(j.get("metadata"), f"{path}.metadata"))
    if "origin" in j:
        origin = origin_from_json(j["origin"], f"{path}.origin")
    doc = check.text(j.get("doc", ""), f"{path}.doc")
    aliases = check.names(j.get("aliases", []), f"{path}.aliases", check.type_name)
    if kind_ == "enum":
        meta, was_open = legacy.open_enum(meta)
        return _enum_from_json(j, path, Enum(name, (), doc=doc, aliases=aliases, metadata=meta,
                                             open=was_open, origin=origin))
    meta, oneofs = legacy.oneofs(meta)
    fields = tuple(_field_from_json(f, f"{path}.fields[{i}]")
                   for i, f in enumerate(check.array(j.get("fields"), f"{path}.fields")))
    check.distinct((f.name for f in fields), f"{path}.fields", "field names")
    if "oneofs" in j:
        oneofs = _oneofs_from_json(j["oneofs"], f"{path}.oneofs")
    _check_oneofs(oneofs, {f.name for f in fields}, f"{path}.oneofs")
    return Record(name=name, fields=fields, doc=doc, aliases=aliases, kind=kind_,
                  metadata=meta, oneofs=oneofs,
                  table=check.text(j.get("table", ""), f"{path}.table"), origin=origin)


def _enum_from_json(j: dict[str, Any], path: str, base: Enum) -> Enum:
    symbols = check.names(j.get("symbols"), f"{path}.symbols", _symbol)
    check.distinct(symbols, f"{path}.symbols", "symbols")
    default = j.get("default")
    if default is not None and default not in symbols:
        check.fail(f"{path}.default", default, "one of the enum's symbols, or null")
    vals = j.get("values")
    values = None if vals is None else tuple(
        check.integer(v, f"{path}.values[{i}]", -(2**63), 2**63 - 1)
        for i, v in enumerate(check.array(vals, f"{path}.values")))
    if values is not None and len(values) != len(symbols):
        check.fail(f"{path}.values", vals, f"one value per symbol ({len(symbols)})")
    docs = check.names(j.get("symbol_docs", []), f"{path}.symbol_docs", check.text)
    if docs and len(docs) != len(symbols):
        check.fail(f"{path}.symbol_docs", j["symbol_docs"],
                   f"one doc per symbol ({len(symbols)})")
    return dataclasses.replace(
        base, symbols=symbols, default=default, values=values, symbol_docs=docs,
        open=check.boolean(j["open"], f"{path}.open") if "open" in j else base.open)


def _symbol(v: Any, path: str) -> str:
    return check.wire_name(v, path, "an enum symbol")


def _oneofs_from_json(j: Any, path: str) -> tuple[Oneof, ...]:
    out = []
    for i, g in enumerate(check.array(j, path)):
        gp = f"{path}[{i}]"
        if not isinstance(g, list) or len(g) != 2:
            check.fail(gp, g, "a [group name, [member field names]] pair")
        out.append(Oneof(check.identifier(g[0], f"{gp}[0]", "a oneof name"),
                         check.names(g[1], f"{gp}[1]")))
    return tuple(out)


def _check_oneofs(oneofs: tuple[Oneof, ...], fields: set[str], path: str) -> None:
    """Group names are identifiers, distinct; members are fields of the record, each in
    one group (also for groups read from old metadata)."""
    check.distinct((o.name for o in oneofs), path, "oneof names")
    seen: set[str] = set()
    for i, o in enumerate(oneofs):
        check.identifier(o.name, f"{path}[{i}][0]", "a oneof name")
        for k, m in enumerate(o.members):
            if m not in fields or m in seen:
                check.fail(f"{path}[{i}][1][{k}]", m,
                           "the name of a field of the record in no other oneof")
            seen.add(m)


_CONSTANT_KEYS: Final = ("kind", "name", "type", "value", "doc", "metadata", "origin")


def constant_from_json(j: Any, path: str = "$") -> Constant:
    """Inverse of :func:`named_to_json` for a :class:`Constant`; every value checked."""
    check.obj(j, path, _CONSTANT_KEYS, ("kind", "name", "type", "value"))
    check.choice(j["kind"], f"{path}.kind", ("const",))
    meta, origin = legacy.constant_facts(_meta_from(j.get("metadata"), f"{path}.metadata"))
    t = type_from_json(j["type"], f"{path}.type")
    value = _value_from_json(j["value"], f"{path}.value")
    if not check.value_fits(None, value, t):
        check.fail(f"{path}.value", j["value"], f"a value of type {describe(t, 'compact')}")
    return Constant(
        name=check.type_name(j["name"], f"{path}.name"), type=t, value=value,
        doc=check.text(j.get("doc", ""), f"{path}.doc"), metadata=meta,
        origin=origin_from_json(j["origin"], f"{path}.origin") if "origin" in j else origin,
    )


def record_schema_json(types: Mapping[str, Named], root: str) -> str:
    """Self-contained JSON of a record and every type it reaches (``schemagen.schema``)."""
    doc = {
        "schemagen": 1,
        "root": root,
        "types": [named_to_json(types[n]) for n in closure(types, root)],
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def schema_from_json(text: str) -> tuple[str, dict[str, Named]]:
    """Inverse of :func:`record_schema_json`: ``(root, types)``.

    The text is untrusted (a foreign file's footer): every value is checked against the
    IR, every reference resolves to a definition of its kind and every default is a value
    of its field's type, or ``SchemaJSONError`` names the JSON path, the value and what
    was expected.
    """
    try:
        doc = json.loads(text)
    except RecursionError:
        check.fail("$", text[:60], f"JSON nested at most {check.MAX_DEPTH} levels deep")
    check.obj(doc, "$", ("schemagen", "root", "types"), ("root", "types"))
    if "schemagen" in doc:
        check.choice(doc["schemagen"], "$.schemagen", (1,))
    types: dict[str, Named] = {}
    for i, tj in enumerate(check.array(doc["types"], "$.types")):
        t = named_from_json(tj, f"$.types[{i}]")
        if t.name in types:
            check.fail(f"$.types[{i}].name", t.name, "distinct type names (this one is "
                       "there twice)")
        types[t.name] = t
    root = check.type_name(doc["root"], "$.root")
    if not isinstance(types.get(root), Record):
        check.fail("$.root", root, "the name of a record in types")
    for i, t in enumerate(types.values()):
        if isinstance(t, Record):
            _check_record_refs(types, t, f"$.types[{i}]")
    return root, types


def _check_record_refs(types: Mapping[str, Named], rec: Record, path: str) -> None:
    """Every name a field's type refers to is a definition of its kind, and every default
    is a value of its field's type."""
    for k, f in enumerate(rec.fields):
        fp = f"{path}.fields[{k}]"
        for ref in sorted(_refs(f.type)):
            name, want = ref
            if not isinstance(types.get(name), want):
                check.fail(f"{fp}.type", name, f"the name of {want.__name__.lower()} "
                           "defined in types")
        if f.has_default and not check.value_fits(types, f.default, f.type):
            check.fail(f"{fp}.default", f.default, f"a value of type {describe(f.type, 'compact')}")


def _refs(t: Type) -> set[tuple[str, type[Named]]]:
    match t:
        case EnumRef(name):
            return {(name, Enum)}
        case RecordRef(name):
            return {(name, Record)}
        case Nullable(inner):
            return _refs(inner)
        case List(item):
            return _refs(item)
        case Map(key, value):
            return _refs(key) | _refs(value)
        case Union_(members):
            return set().union(*(_refs(m) for m in members))
        case _:
            return set()
