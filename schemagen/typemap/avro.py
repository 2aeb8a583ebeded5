"""IR -> Avro schema JSON (``.avsc``), for any record.

The result parses with ``avro.schema.parse`` and compiles again with
``schemagen compile``.  Each named type is defined at its first use and
referenced by full name afterwards.  Avro cannot say everything the IR can;
those types get the nearest Avro type plus a ``"schemagen.type"`` property
naming the IR type (ignored by Avro tools), and :func:`lossy` lists them:

==========================  ==============================================================
IR                          Avro
==========================  ==============================================================
Int(8/16), Int(8/16/u)      ``int``  (+ ``schemagen.type``)
Int(32, unsigned)           ``long`` (+ ``schemagen.type``)
Int(64, unsigned)           ``long`` (+ ``schemagen.type``; values over 2**63-1 do not fit)
Float(16)                   ``float`` (+ ``schemagen.type``)
Decimal(p, s)               ``bytes`` decimal; ``fixed`` decimal when ``byte_size`` is set
Time(s) / Time(ns)          ``time-millis`` / ``time-micros`` (+ ``schemagen.type``)
Timestamp(s)                ``timestamp-millis`` (or ``local-``; + ``schemagen.type``)
Timestamp(ms/us/ns, utc)    ``timestamp-millis/micros/nanos``; naive: ``local-timestamp-*``
Duration(unit)              ``long`` (+ ``schemagen.type``)
Interval                    ``fixed(12)`` ``duration``
Uuid                        ``string`` ``uuid``
Json                        ``string`` (+ ``schemagen.type``)
Fixed(n)                    ``fixed`` named ``Fixed<n>``
Map with non-string keys    ``array`` of ``<Record><Field>Entry`` records ``{key, value}``
Nullable(T)                 ``["null", T]`` (``[T, "null"]`` when the default is not null)
Union_                      an Avro union (the member a default uses comes first)
==========================  ==============================================================

Field ids go to a ``"field-id"`` property (the Iceberg convention).  ``error`` records become
``record`` (``.avsc`` files have no errors); a non-finite float default (JSON has none) is
left out, kept in ``"schemagen.default"`` and listed by :func:`lossy`.  Field and
type names that are not Avro names (``[A-Za-z_][A-Za-z0-9_]*``) are sanitised
(``"my col"`` -> ``my_col``) and the original is kept in ``"schemagen.name"``.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import re
import uuid
from collections.abc import Mapping
from typing import Any, Final, assert_never

from .. import ir
from ..errors import AvroMappingError

__all__ = ["AvroMappingError", "dumps", "lossy", "record_schema"]

_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PRIMITIVES: Final = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes",
                                "string"})
_EPOCH_DATE: Final = datetime.date(1970, 1, 1)
_EPOCH: Final = datetime.datetime(1970, 1, 1)
_EPOCH_UTC: Final = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_PER_SECOND: Final = {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}
_TS_UNIT: Final = {"s": "millis", "ms": "millis", "us": "micros", "ns": "nanos"}


class _NoJsonDefault(Exception):
    """A default Avro's JSON cannot hold (a non-finite float)."""


def _avro_name(raw: str) -> str:
    if _NAME.fullmatch(raw):
        return raw
    name = re.sub(r"[^A-Za-z0-9_]", "_", raw) or "_"
    return "_" + name if name[0].isdigit() else name


def _ir_text(t: ir.Type) -> str:
    j = ir.type_to_json(t)
    return j if isinstance(j, str) else json.dumps(j, sort_keys=True, separators=(",", ":"))


def _unscaled_bytes(value: decimal.Decimal, scale: int, size: int | None) -> bytes:
    unscaled = int(value.scaleb(scale).to_integral_value())
    n = size or max(1, (unscaled.bit_length() + 8) // 8)
    return unscaled.to_bytes(n, "big", signed=True)


class _Emitter:
    def __init__(self, types: Mapping[str, ir.Named]) -> None:
        self.types = types
        self.defined: set[str] = set()
        # names made up here (Fixed16, Interval, Decimal9_2_4) -> the full name chosen: never
        # one of the IR's own names (a record called Interval must stay a record)
        self.made: dict[str, str] = {}
        # record -> {IR field name: Avro field name} (sanitised, made unique)
        self.field_names: dict[str, dict[str, str]] = {}
        self.lossy: list[str] = []

    # names --------------------------------------------------------------------

    def ref(self, full: str, ns: str) -> str:
        """How to refer to an already defined type from namespace ``ns``."""
        t_ns, _, short = full.rpartition(".")
        if t_ns == ns:
            return short
        if not t_ns:
            raise AvroMappingError(
                f"{full} has no namespace but is used from namespace {ns!r}: Avro cannot "
                "refer to it there (give it a namespace)"
            )
        return full

    def named(self, full: str, ns: str, build: Any) -> Any:
        if full in self.defined:
            return self.ref(full, ns)
        self.defined.add(full)
        return build()

    def _head(self, kind: str, full: str, ns: str) -> dict[str, Any]:
        t_ns, _, short = full.rpartition(".")
        for part in full.split("."):
            if not _NAME.fullmatch(part):
                raise AvroMappingError(f"{full!r} is not a valid Avro name")
        if short in _PRIMITIVES:
            raise AvroMappingError(f"{full!r}: {short!r} is an Avro primitive type name, which "
                                   f"a named type cannot take")
        out: dict[str, Any] = {"type": kind, "name": short}
        if t_ns != ns:
            out["namespace"] = t_ns
        return out

    # types --------------------------------------------------------------------

    def type(self, t: ir.Type, ns: str, where: str, default: Any = ir.NO_DEFAULT) -> Any:
        if isinstance(t, ir.Nullable):
            inner = self.type(t.inner, ns, where)
            members = inner if isinstance(inner, list) else [inner]
            if default is ir.NO_DEFAULT or default is None:
                return ["null", *members]
            if isinstance(t.inner, ir.Union_) and isinstance(default, ir.UnionValue):
                members = self._reorder(members, default.member)
            return [*members, "null"]
        if isinstance(t, ir.Union_):
            members = [self.type(m, ns, f"{where}.member{i}") for i, m in enumerate(t.members)]
            if isinstance(default, ir.UnionValue):
                members = self._reorder(members, default.member)
            return members
        return self.plain(t, ns, where)

    @staticmethod
    def _reorder(members: list[Any], first: int) -> list[Any]:
        return [members[first], *members[:first], *members[first + 1:]]

    def _note(self, where: str, t: ir.Type, base: Any) -> dict[str, Any]:
        self.lossy.append(f"{where}: {_ir_text(t)} -> {base if isinstance(base, str) else base}")
        out = {"type": base} if isinstance(base, str) else dict(base)
        out["schemagen.type"] = _ir_text(t)
        return out

    def plain(self, t: ir.Type, ns: str, where: str) -> Any:  # noqa: C901 - one branch per node
        match t:
            case ir.Null():
                return "null"
            case ir.Bool():
                return "boolean"
            case ir.Int(bits=bits, signed=signed):
                if signed and bits in (32, 64):
                    return "int" if bits == 32 else "long"
                return self._note(where, t, "int" if bits < 32 else "long")
            case ir.Float(bits=bits):
                if bits in (32, 64):
                    return "float" if bits == 32 else "double"
                return self._note(where, t, "float")
            case ir.String():
                return "string"
            case ir.Json():
                return self._note(where, t, "string")
            case ir.Bytes():
                return "bytes"
            case ir.Fixed(size=size):
                return self.fixed(f"Fixed{size}", size, {}, ns)
            case ir.Decimal():
                return self._decimal(t, ns)
            case ir.Date():
                return {"type": "int", "logicalType": "date"}
            case ir.Time(unit=unit):
                return self._time(t, unit, where)
            case ir.Timestamp(unit=unit, utc=utc):
                lt_name = f"{'' if utc else 'local-'}timestamp-{_TS_UNIT[unit]}"
                ts: dict[str, Any] = {"type": "long", "logicalType": lt_name}
                return self._note(where, t, ts) if unit == "s" else ts
            case ir.Duration():
                return self._note(where, t, "long")
            case ir.Interval():
                return self.fixed("Interval", 12, {"logicalType": "duration"}, ns)
            case ir.Uuid():
                return {"type": "string", "logicalType": "uuid"}
            case ir.EnumRef(name=name):
                return self.named(name, ns, lambda: self.enum(name, ns))
            case ir.RecordRef(name=name):
                return self.named(name, ns, lambda: self.record(name, ns))
            case ir.List(item=item):
                return {"type": "array", "items": self.type(item, ns, where + "[]")}
            case ir.Map():
                return self._map(t, ns, where)
            case ir.Union_() | ir.Nullable():
                return self.type(t, ns, where)
            case _:
                assert_never(t)

    def _decimal(self, t: ir.Decimal, ns: str) -> Any:
        lt = {"logicalType": "decimal", "precision": t.precision, "scale": t.scale}
        if t.byte_size:
            return self.fixed(f"Decimal{t.precision}_{t.scale}_{t.byte_size}", t.byte_size,
                              lt, ns)
        return {"type": "bytes", **lt}

    def _time(self, t: ir.Time, unit: str, where: str) -> Any:
        if unit == "ms":
            return {"type": "int", "logicalType": "time-millis"}
        if unit == "us":
            return {"type": "long", "logicalType": "time-micros"}
        base: dict[str, Any] = (
            {"type": "int", "logicalType": "time-millis"} if unit == "s"
            else {"type": "long", "logicalType": "time-micros"})
        return self._note(where, t, base)

    def _map(self, t: ir.Map, ns: str, where: str) -> Any:
        if isinstance(t.key, ir.String):
            return {"type": "map", "values": self.type(t.value, ns, where + "{}")}
        entry = self._entry_name(where, ns)
        self.lossy.append(f"{where}: map with {_ir_text(t.key)} keys -> array of {entry}")
        rec = self.named(entry, ns, lambda: {
            **self._head("record", entry, ns),
            "fields": [{"name": "key", "type": self.type(t.key, ns, where + "{key}")},
                       {"name": "value", "type": self.type(t.value, ns, where + "{}")}],
        })
        return {"type": "array", "items": rec, "schemagen.type": "map"}

    def _entry_name(self, where: str, ns: str) -> str:
        base = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", where) if p)
        base = _avro_name((base or "Map") + "Entry")
        full = f"{ns}.{base}" if ns else base
        i = 2
        while full in self.types or full in self.defined:
            full = f"{ns}.{base}{i}" if ns else f"{base}{i}"
            i += 1
        return full

    def fixed(self, short: str, size: int, extra: dict[str, Any], ns: str) -> Any:
        base = f"{ns}.{short}" if ns else short
        full = self.made.get(base)
        if full is None:
            full, i = base, 2
            while full in self.types or full in self.defined:
                full, i = f"{base}_{i}", i + 1
            self.made[base] = full
        name = full.rpartition(".")[2]
        return self.named(full, ns, lambda: {"type": "fixed", "name": name, "size": size,
                                             **extra})

    def enum(self, full: str, ns: str) -> dict[str, Any]:
        e = self.types[full]
        assert isinstance(e, ir.Enum)
        bad = [s for s in e.symbols if not _NAME.fullmatch(s)]
        if bad:
            raise AvroMappingError(f"enum {full}: symbols {bad} are not valid Avro names")
        out = self._head("enum", full, ns)
        if e.doc:
            out["doc"] = e.doc
        out["symbols"] = list(e.symbols)
        if e.default is not None:
            out["default"] = e.default
        if e.aliases:
            out["aliases"] = list(e.aliases)
        return out

    def record(self, full: str, ns: str) -> dict[str, Any]:
        r = self.types[full]
        if not isinstance(r, ir.Record):
            raise AvroMappingError(f"{full} is not a record")
        out = self._head("record", full, ns)
        own_ns = full.rpartition(".")[0]
        if r.doc:
            out["doc"] = r.doc
        if r.aliases:
            out["aliases"] = list(r.aliases)
        fields = []
        taken: set[str] = set()
        names = self.field_names.setdefault(full, {})
        for f in r.fields:
            name = _avro_name(f.name)
            while name in taken:
                name += "_"
            taken.add(name)
            names[f.name] = name
            where = f"{full}.{f.name}"
            fj: dict[str, Any] = {"name": name,
                                  "type": self.type(f.type, own_ns, where, f.default)}
            if name != f.name:
                fj["schemagen.name"] = f.name
                self.lossy.append(f"{where}: field name {f.name!r} -> {name!r}")
            if f.doc:
                fj["doc"] = f.doc
            if f.has_default:
                try:
                    fj["default"] = self.default(f.type, f.default, where)
                except _NoJsonDefault as exc:
                    fj["schemagen.default"] = str(exc)
                    self.lossy.append(f"{where}: default {exc} has no Avro JSON form; left out")
            if f.aliases:
                fj["aliases"] = [a for a in f.aliases if _NAME.fullmatch(a)]
            if f.field_id is not None:
                fj["field-id"] = f.field_id
            fields.append(fj)
        out["fields"] = fields
        return out

    # defaults -----------------------------------------------------------------

    def default(self, t: ir.Type, v: Any, where: str) -> Any:
        if v is None:
            return None
        match t:
            case ir.Nullable(inner=inner):
                return self.default(inner, v, where)
            case ir.Union_(members=members):
                assert isinstance(v, ir.UnionValue)
                return self.default(members[v.member], v.value, where)
            case ir.Float() if not (isinstance(v, (int, float)) and math.isfinite(v)):
                raise _NoJsonDefault(repr(v))
            case ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.EnumRef():
                return v
            case ir.Json():
                return v if isinstance(v, str) else json.dumps(v)
            case ir.Bytes() | ir.Fixed():
                return bytes(v).decode("latin-1")
            case ir.Decimal(scale=scale, byte_size=byte_size):
                return _unscaled_bytes(decimal.Decimal(v), scale, byte_size).decode("latin-1")
            case ir.Date() | ir.Time() | ir.Timestamp() | ir.Duration() | ir.Interval():
                return _temporal_default(t, v)
            case ir.Uuid():
                return str(uuid.UUID(str(v)))
            case ir.RecordRef(name=name):
                return self._record_default(name, v, where)
            case ir.List(item=item):
                return [self.default(item, x, where + "[]") for x in v]
            case ir.Map(key=key, value=value):
                if isinstance(key, ir.String):
                    return {k: self.default(value, x, where + "{}") for k, x in v}
                return [{"key": self.default(key, k, where + "{key}"),
                         "value": self.default(value, x, where + "{}")} for k, x in v]
            case ir.Null():
                raise AvroMappingError(f"{where}: cannot write default {v!r} for {t!r} in Avro")
            case _:
                assert_never(t)

    def _record_default(self, name: str, v: Any, where: str) -> dict[str, Any]:
        rec = self.types[name]
        assert isinstance(rec, ir.Record)
        by_name = {f.name: f for f in rec.fields}
        avro_names = self.field_names.get(name, {})
        return {avro_names.get(k, _avro_name(k)): self.default(by_name[k].type, x, f"{where}.{k}")
                for k, x in v if k in by_name}


def _temporal_default(
    t: ir.Date | ir.Time | ir.Timestamp | ir.Duration | ir.Interval, v: Any
) -> Any:
    """The Avro JSON form of a date/time/timestamp/duration/interval default."""
    match t:
        case ir.Date():
            return (v - _EPOCH_DATE).days
        case ir.Time(unit=unit):
            us = ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond
            return us // 1000 if unit in ("s", "ms") else us
        case ir.Timestamp(unit=unit):
            delta = v - (_EPOCH_UTC if v.tzinfo is not None else _EPOCH)
            us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
            unit = "ms" if unit == "s" else unit
            return us * 1000 if unit == "ns" else us // 1000 if unit == "ms" else us
        case ir.Duration(unit=unit):
            us = (v.days * 86_400 + v.seconds) * 1_000_000 + v.microseconds
            return us * _PER_SECOND[unit] // 1_000_000
        case ir.Interval():
            raw = b"".join(x.to_bytes(4, "little") for x in (v.months, v.days, v.milliseconds))
            return raw.decode("latin-1")
        case _:
            assert_never(t)


def record_schema(types: Mapping[str, ir.Named], root: str) -> dict[str, Any]:
    """The Avro schema (as JSON data) of record ``root`` and everything it uses."""
    em = _Emitter(types)
    out = em.named(root, "", lambda: em.record(root, ""))
    assert isinstance(out, dict)
    return out


def lossy(types: Mapping[str, ir.Named], root: str) -> list[str]:
    """Where the Avro schema of ``root`` says less than the IR (one line each)."""
    em = _Emitter(types)
    em.named(root, "", lambda: em.record(root, ""))
    return em.lossy


def dumps(types: Mapping[str, ir.Named], root: str, indent: int | None = 2) -> str:
    """:func:`record_schema` as ``.avsc`` text (keys in a stable order, newline at the end)."""
    return json.dumps(record_schema(types, root), indent=indent, ensure_ascii=False) + "\n"
