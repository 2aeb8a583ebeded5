"""Protobuf messages in and out of generated records, without descriptors.

Conversion is driven by the record's IR (embedded in every generated class)
and the facts the protobuf front end stores there (``Field.presence``, and the
well-known types in ``Field.origin``, an ``ir.ProtobufOrigin``); it never reads ``.proto`` files
or message descriptors.  Any object with the protobuf Python API works
(attribute access by field name, ``HasField``, repeated fields, maps).

Per record class the converters are built once (closures specialised per
field), so converting a message costs one attribute read and, for fields
with presence, one ``HasField`` per field.

Public API (also exported from :mod:`schemagen`)::

    rec = schemagen.from_message(Transaction, msg)        # record from message
    msg = schemagen.to_message(rec, sales_pb2.Transaction)  # message from record
    schemagen.write_messages(Transaction, msgs, path)      # bulk: messages -> Parquet
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from schemagen import ir
from schemagen.codegen.loader import module_namespace
from schemagen.errors import UsageError
from schemagen.runtime.reader import without_gc
from schemagen.runtime.record import info_of

__all__ = ["from_message", "from_messages", "to_message", "write_messages"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_TD = datetime.timedelta

Conv = Callable[[Any], Any]


def _wkts(f: ir.Field) -> tuple[str, str]:
    """The well-known types of a field's value and (maps) of its map values ("": none)."""
    o = f.origin
    return (o.wkt, o.value_wkt) if isinstance(o, ir.ProtobufOrigin) else ("", "")


_FIELD_CLASSES: dict[type, dict[str, list[type]]] = {}


def _field_classes(owner: type) -> dict[str, list[type]]:
    """Per field (Python name), the generated classes (records, enums) its annotation names."""
    import enum
    import typing

    cached = _FIELD_CLASSES.get(owner)
    if cached is not None:
        return cached

    hints = typing.get_type_hints(owner, globalns=module_namespace(owner.__module__))
    out: dict[str, list[type]] = {}

    def walk(t: Any, acc: list[type]) -> None:
        if isinstance(t, type) and (issubclass(t, enum.Enum) or hasattr(t, "__schemagen__")):
            acc.append(t)
        for a in typing.get_args(t):
            walk(a, acc)

    for name, t in hints.items():
        acc: list[type] = []
        walk(t, acc)
        out[name] = acc
    _FIELD_CLASSES[owner] = out
    return out


def _class_named(owner: type, py: str, kind: str) -> type:
    """The enum (``kind="enum"``) or record class named in field ``py``'s annotation."""
    import enum

    for c in _field_classes(owner).get(py, []):
        if (kind == "enum") == issubclass(c, enum.Enum):
            return c
    raise UsageError(f"cannot find the {kind} class of field {py!r} of {owner.__name__}")


# --------------------------------------------------------------------------- message -> record


def _ts_in(m: Any) -> datetime.datetime:
    return _EPOCH + _TD(0, m.seconds, m.nanos // 1000)


def _dur_in(m: Any) -> datetime.timedelta:
    # nanos has the sign of seconds; truncate toward zero like the seconds part
    nanos = m.nanos
    micros = nanos // 1000 if nanos >= 0 else -((-nanos) // 1000)
    return datetime.timedelta(seconds=m.seconds, microseconds=micros)


def _json_in(m: Any) -> Any:
    from google.protobuf import json_format  # type: ignore[import-untyped]

    return json_format.MessageToDict(m)


def _compile_record(cls: type, plan: list[tuple[str, str, Conv | None, bool]]) -> Conv:
    """A converter function for one record, compiled from the plan (no per-field loop).

    Only Python names checked to be plain identifiers are spelled in the source;
    every other name is passed as a string constant.
    """
    import keyword

    ns: dict[str, Any] = {"_cls": cls}
    args: list[str] = []
    for i, (py, wire, conv, presence) in enumerate(plan):
        if wire.isidentifier() and not keyword.iskeyword(wire) and wire.isascii():
            get = f"_m.{wire}"
        else:
            get = f"_getattr(_m, {wire!r})"
            ns["_getattr"] = getattr
        if conv is not None:
            ns[f"_c{i}"] = conv
            get = f"_c{i}({get})"
        if presence:
            get = f"({get} if _has({wire!r}) else None)"
        if py.isidentifier() and not keyword.iskeyword(py) and py.isascii():
            args.append(f"{py}={get}")
        else:
            args.append(f"**{{{py!r}: {get}}}")
    has = "    _has = _m.HasField\n" if any(p[3] for p in plan) else ""
    src = f"def convert(_m):\n{has}    return _cls({', '.join(args)})\n"
    exec(compile(src, f"<schemagen message converter {cls.__name__}>", "exec"), ns)  # noqa: S102
    fn: Conv = ns["convert"]
    return fn


def _wkt_in(wkt: str) -> Conv:
    """Converter of a well-known type's message to its Python value."""
    if wkt == "google.protobuf.Timestamp":
        return _ts_in
    if wkt == "google.protobuf.Duration":
        return _dur_in
    if wkt.endswith("Value") and wkt not in ("google.protobuf.Value",
                                             "google.protobuf.ListValue"):
        return lambda m: m.value
    if wkt == "google.protobuf.FieldMask":
        return lambda m: list(m.paths)
    return _json_in


class _InBuilder:
    def __init__(self, root_cls: type, types: dict[str, ir.Named]) -> None:
        self.root_cls = root_cls
        self.types = types
        self.records: dict[str, Conv] = {}

    def record(self, name: str, cls: type) -> Conv:
        conv = self.records.get(name)
        if conv is not None:
            return conv
        rec = self.types[name]
        assert isinstance(rec, ir.Record)
        cell: list[Conv] = []

        def lazy(m: Any) -> Any:  # recursive messages: resolved after construction
            return cell[0](m)

        self.records[name] = lazy
        plan: list[tuple[str, str, Conv | None, bool]] = []
        for f in rec.fields:
            inner, nullable = ir.strip_nullable(f.type)
            presence = nullable and f.presence != "repeated"
            wkt, value_wkt = _wkts(f)
            conv = self.value(inner, wkt, f.presence == "repeated", cls, f.py_name or f.name,
                              value_wkt)
            plan.append((f.py_name or f.name, f.name, conv, presence))

        convert = _compile_record(cls, plan)
        cell.append(convert)
        self.records[name] = convert
        return convert

    def value(self, t: ir.Type, wkt: str, repeated: bool, owner: type, py: str,
              value_wkt: str = "") -> Conv | None:
        """Converter of one protobuf value to the Python value of ``t`` (None: as is).

        ``wkt``: the value's well-known type ("": none); ``repeated``: ``t`` is the
        list of a ``repeated`` field (``wkt`` is then its items')."""
        if repeated and isinstance(t, ir.List):
            item = self.value(t.item, wkt, False, owner, py)
            if item is None:
                return list
            return lambda seq: [item(x) for x in seq]
        if wkt:
            return _wkt_in(wkt)
        match t:
            case ir.Map(key, value):
                kc = self.value(key, "", False, owner, py)
                vc = self.value(value, value_wkt, False, owner, py)
                if kc is None and vc is None:
                    return dict
                kcc = kc or (lambda x: x)
                vcc = vc or (lambda x: x)
                return lambda mp: {kcc(k): vcc(v) for k, v in mp.items()}
            case ir.EnumRef(name):
                return self.enum(name, _class_named(owner, py, "enum"))
            case ir.RecordRef(name):
                return self.record(name, _class_named(owner, py, "record"))
            case _:
                return None

    def enum(self, name: str, cls: Any) -> Conv:
        e = self.types[name]
        assert isinstance(e, ir.Enum) and e.values is not None
        by_number: dict[int, Any] = {}
        for s, v in zip(e.symbols, e.values):
            by_number.setdefault(v, cls(s))
        if ir.is_open_enum(e):
            def open_enum(n: int) -> Any:
                m = by_number.get(n)
                return cls(str(n)) if m is None else m
            return open_enum

        def closed_enum(n: int) -> Any:
            m = by_number.get(n)
            if m is None:
                raise UsageError(f"{n} is not a value of the closed enum {name}")
            return m
        return closed_enum


# --------------------------------------------------------------------------- record -> message


def _set_ts(target: Any, v: datetime.datetime) -> None:
    if v.tzinfo is None:
        v = v.replace(tzinfo=datetime.UTC)
    d = v - _EPOCH
    micros = (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds
    target.seconds, rest = divmod(micros, 1_000_000)
    target.nanos = rest * 1000


def _set_dur(target: Any, v: datetime.timedelta) -> None:
    micros = (v.days * 86400 + v.seconds) * 1_000_000 + v.microseconds
    sign = -1 if micros < 0 else 1
    secs, rest = divmod(abs(micros), 1_000_000)
    target.seconds = sign * secs
    target.nanos = sign * rest * 1000


def _set_json(target: Any, v: Any) -> None:
    from google.protobuf import json_format

    json_format.Parse(json.dumps(v), target)


Setter = Callable[[Any, Any], None]  # (message to fill, python value)


class _OutBuilder:
    def __init__(self, types: dict[str, ir.Named]) -> None:
        self.types = types
        self.records: dict[str, Setter] = {}

    def record(self, name: str) -> Setter:
        setter = self.records.get(name)
        if setter is not None:
            return setter
        rec = self.types[name]
        assert isinstance(rec, ir.Record)
        cell: list[Setter] = []

        def lazy(msg: Any, obj: Any) -> None:  # recursive messages
            cell[0](msg, obj)

        self.records[name] = lazy
        plan = [(f.py_name or f.name, f.name, self.field(f)) for f in rec.fields]

        def fill(msg: Any, obj: Any) -> None:
            for py, wire, setter in plan:
                v = getattr(obj, py)
                if v is not None:
                    setter(msg, wire, v)

        cell.append(fill)
        self.records[name] = fill
        return fill

    def field(self, f: ir.Field) -> Callable[[Any, str, Any], None]:
        wkt, value_wkt = _wkts(f)
        t, _ = ir.strip_nullable(f.type)
        if isinstance(t, ir.Map):
            return self.map_field(t, value_wkt)
        if isinstance(t, ir.List) and f.presence == "repeated":
            im = self.into(t.item, wkt)
            iscal = self.scalar(t.item)

            def set_list(msg: Any, wire: str, v: Any) -> None:
                target = getattr(msg, wire)
                if im is not None:
                    for x in v:
                        im(target.add(), x)
                else:
                    target.extend(iscal(x) for x in v)
            return set_list
        into = self.into(t, wkt)
        if into is not None:
            def set_message(msg: Any, wire: str, v: Any) -> None:
                into(getattr(msg, wire), v)
            return set_message
        scal = self.scalar(t)

        def set_scalar(msg: Any, wire: str, v: Any) -> None:
            setattr(msg, wire, scal(v))
        return set_scalar

    def map_field(self, t: ir.Map, value_wkt: str) -> Callable[[Any, str, Any], None]:
        km = self.scalar(t.key)
        vm = self.into(t.value, value_wkt)
        vs = self.scalar(t.value)

        def set_map(msg: Any, wire: str, v: Any) -> None:
            target = getattr(msg, wire)
            for k, x in v.items():
                k = km(k)
                if vm is not None:
                    vm(target[k], x)
                else:
                    target[k] = vs(x)
        return set_map

    def scalar(self, t: ir.Type) -> Conv:
        if isinstance(t, ir.EnumRef):
            e = self.types[t.name]
            assert isinstance(e, ir.Enum) and e.values is not None
            numbers = dict(zip(e.symbols, e.values))

            def enum_number(v: Any) -> int:
                s = str(getattr(v, "value", v))
                n = numbers.get(s)
                return int(s) if n is None else n
            return enum_number
        return lambda v: v

    def into(self, t: ir.Type, wkt: str) -> Setter | None:
        """Filler of a message-typed value (None: a scalar); ``wkt``: its well-known type."""
        if wkt:
            return _wkt_out(wkt)
        if isinstance(t, ir.RecordRef):
            fill = self.record(t.name)

            def set_record(m: Any, v: Any) -> None:
                m.SetInParent()
                fill(m, v)
            return set_record
        return None


def _wkt_out(wkt: str) -> Setter:
    """Filler of a well-known type's message from its Python value."""
    if wkt == "google.protobuf.Timestamp":
        return _set_ts
    if wkt == "google.protobuf.Duration":
        return _set_dur
    if wkt == "google.protobuf.FieldMask":
        return lambda m, v: m.paths.extend(v)
    if wkt.endswith("Value") and wkt not in ("google.protobuf.Value",
                                             "google.protobuf.ListValue"):
        def set_wrapped(m: Any, v: Any) -> None:
            m.value = v
        return set_wrapped
    return _set_json


# --------------------------------------------------------------------------- public API

_IN: dict[type, Conv] = {}
_OUT: dict[type, Setter] = {}


def _in_converter(cls: type) -> Conv:
    conv = _IN.get(cls)
    if conv is None:
        info = info_of(cls)
        root, types = info.ir
        conv = _IN[cls] = _InBuilder(cls, types).record(root, cls)
    return conv


def from_message(cls: type, message: Any) -> Any:
    """A record of generated class ``cls`` holding the values of protobuf ``message``."""
    return _in_converter(cls)(message)


def _convert_all(conv: Conv, messages: Iterable[Any]) -> list[Any]:
    # The records built here hold no reference cycles; the cyclic GC would only
    # rescan the growing list (a third of the time), so it pauses meanwhile --
    # but not while the caller's iterable runs (its code may well make cycles).
    msgs = messages if isinstance(messages, list) else list(messages)
    return without_gc(lambda ms: [conv(m) for m in ms], msgs)


def from_messages(cls: type, messages: Iterable[Any]) -> list[Any]:
    """``from_message`` for each message."""
    return _convert_all(_in_converter(cls), messages)


def to_message(record: Any, message_class: Any) -> Any:
    """A new ``message_class`` (a protoc-generated class) holding the values of ``record``."""
    cls = type(record)
    fill = _OUT.get(cls)
    if fill is None:
        info = info_of(cls)
        root, types = info.ir
        fill = _OUT[cls] = _OutBuilder(types).record(root)
    msg = message_class()
    fill(msg, record)
    return msg


def write_messages(cls: type, messages: Iterable[Any], path: str | os.PathLike[str],
                   batch_size: int = 8192, **options: Any) -> Path:
    """Write protobuf messages to Parquet as records of generated class ``cls``.

    ``options`` are :class:`schemagen.ParquetWriter`'s.  Messages are converted in
    batches of ``batch_size`` (records of one batch at a time are held in memory).
    """
    from schemagen.runtime.writer import ParquetWriter

    if batch_size < 1:
        raise UsageError(f"batch_size must be at least 1, got {batch_size!r}")
    conv = _in_converter(cls)
    w: ParquetWriter[Any]

    def write_all(msgs: Iterable[Any]) -> None:
        it = iter(msgs)
        while True:
            chunk = list(itertools.islice(it, batch_size))
            if not chunk:
                break
            w.write_many(_convert_all(conv, chunk))

    with ParquetWriter(cls, path, **options) as w:
        if isinstance(messages, (list, tuple)):
            # no caller code runs while iterating a list: keep the cyclic GC paused
            # for the whole write (it would rescan every message between batches)
            without_gc(write_all, messages)
        else:
            write_all(messages)  # a generator's code runs with the GC on
    return Path(w.path)
