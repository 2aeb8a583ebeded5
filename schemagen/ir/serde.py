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
from typing import Any

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
from schemagen.ir.schema import Constant, Enum, Field, Named, Record, closure

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
