"""The ``schemagen.schema`` JSON form of the IR (Parquet footers, snapshots, inspect).

:func:`record_schema_json` writes a record and every type it reaches;
:func:`schema_from_json` reads it back.  The form is stable: files and
``schemas.lock.json`` snapshots written by earlier versions must keep loading.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from collections.abc import Mapping
from typing import Any, assert_never

from schemagen.ir import keys, legacy
from schemagen.ir.nodes import (
    NO_DEFAULT,
    NODES,
    IntervalValue,
    List,
    Map,
    Nullable,
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


def type_from_json(j: Any) -> Type:
    """Inverse of :func:`type_to_json`."""
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


def _meta_json(meta: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [list(p) for p in meta]


def _meta_from(j: Any) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in j or ())


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


def origin_from_json(j: Any) -> Origin | None:
    """Inverse of :func:`origin_to_json` (None for a missing origin)."""
    if j is None:
        return None
    cls = _ORIGIN_CLASSES[j["format"]]
    return check_origin(cls(**{k: _tuples(v) for k, v in j.items() if k != "format"}))


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


def _presence(j: Any) -> Presence | None:
    match j:
        case "explicit" | "implicit" | "required" | "repeated" | None:
            return j
        case _:
            raise ValueError(f"bad field presence: {j!r}")


_FIELD_FACETS = frozenset({"json_name", "presence", "origin"})


def _field_from_json(f: dict[str, Any]) -> Field:
    meta = _meta_from(f.get("metadata"))
    # JSON written before the typed facets keeps them in metadata: mapped here
    if _FIELD_FACETS & f.keys():  # the metadata copy of json_name written for a while
        facts = legacy.FieldFacts(tuple(p for p in meta if p[0] != keys.PROTOBUF_JSON_NAME))
    else:
        facts = legacy.field_facts(meta)
    return Field(
        name=f["name"], type=type_from_json(f["type"]), py_name=f.get("py_name", f["name"]),
        doc=f.get("doc", ""),
        default=_value_from_json(f["default"]) if "default" in f else NO_DEFAULT,
        field_id=f.get("field_id"), aliases=tuple(f.get("aliases", ())),
        metadata=facts.metadata, json_name=_str(f.get("json_name", facts.json_name)),
        presence=_presence(f.get("presence", facts.presence)),
        origin=origin_from_json(f["origin"]) if "origin" in f else facts.origin,
    )


def named_from_json(j: dict[str, Any]) -> Named:
    meta, origin = legacy.named_facts(_meta_from(j.get("metadata")))
    if "origin" in j:
        origin = origin_from_json(j["origin"])
    if j["kind"] == "enum":
        meta, was_open = legacy.open_enum(meta)
        vals = j.get("values")
        return Enum(
            name=j["name"], symbols=tuple(j["symbols"]), doc=j.get("doc", ""),
            default=j.get("default"), aliases=tuple(j.get("aliases", ())),
            values=None if vals is None else tuple(vals),
            symbol_docs=tuple(j.get("symbol_docs", ())), metadata=meta,
            open=bool(j.get("open", was_open)), origin=origin,
        )
    meta, oneofs = legacy.oneofs(meta)
    if "oneofs" in j:
        oneofs = tuple(Oneof(_str(g), tuple(_str(m) for m in members))
                       for g, members in j["oneofs"])
    return Record(
        name=j["name"], fields=tuple(_field_from_json(f) for f in j["fields"]),
        doc=j.get("doc", ""), aliases=tuple(j.get("aliases", ())), kind=j["kind"],
        metadata=meta, oneofs=oneofs, table=_str(j.get("table", "")), origin=origin,
    )


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"expected a string, got {v!r}")
    return v


def constant_from_json(j: dict[str, Any]) -> Constant:
    """Inverse of :func:`named_to_json` for a :class:`Constant`."""
    meta, origin = legacy.constant_facts(_meta_from(j.get("metadata")))
    return Constant(
        name=j["name"], type=type_from_json(j["type"]), value=_value_from_json(j["value"]),
        doc=j.get("doc", ""), metadata=meta,
        origin=origin_from_json(j["origin"]) if "origin" in j else origin,
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
    """Inverse of :func:`record_schema_json`: ``(root, types)``."""
    doc = json.loads(text)
    types = {t["name"]: named_from_json(t) for t in doc["types"]}
    return doc["root"], types
