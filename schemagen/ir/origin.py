"""Typed origin objects: the facts of one source format that only that format's own
rules read (``evolution/formats/<format>.py``, and the protobuf message adapter).

Every layer that is not about one format reads the format-neutral facets of
:class:`~schemagen.ir.Field`, :class:`~schemagen.ir.Record` and
:class:`~schemagen.ir.Enum` instead (``json_name``, ``presence``, ``oneofs``,
``open``, ``table``).  An origin is attached as ``origin=`` by the front end that
read the definition; hand-built IR has none.

One class per format serves fields and named types alike: the attributes that
do not apply keep their defaults (and are not written to JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import UnionType
from typing import Literal, TypeAlias, Union, get_args, get_origin, get_type_hints


@dataclass(frozen=True, slots=True)
class ProtobufOrigin:
    """A protobuf field, message or enum as written in its ``.proto`` file."""

    # ---- fields
    # the value's kind: a scalar type name (``int32``, ``sint64``, ``string``...), or
    # ``enum``, ``message``, ``group``, ``map`` ("" for a well-known type)
    type: str = ""
    wkt: str = ""  # the well-known type of the value (``google.protobuf.Timestamp``), or ""
    key_type: str = ""  # maps: the key's scalar type name
    value_type: str = ""  # maps: the value's kind (as ``type``)
    value_wkt: str = ""  # maps: the value's well-known type, or ""
    default: str | None = None  # proto2 ``[default = ...]`` as written, if any
    # ---- messages and enums
    name: str = ""  # full protobuf name, ``pkg.Outer.Inner``
    file: str = ""  # the .proto file that declares it (descriptor name)
    package: str = ""
    reserved: tuple[tuple[int, int], ...] = ()  # reserved numbers, inclusive ranges
    reserved_names: tuple[str, ...] = ()


ThriftRequiredness: TypeAlias = Literal["", "required", "optional", "default"]


@dataclass(frozen=True, slots=True)
class ThriftOrigin:
    """A Thrift field or constant as written in its IDL."""

    requiredness: ThriftRequiredness = ""  # "": not a field
    auto_id: int | None = None  # the implicit (negative) id the compiler gave a field without one
    default: str | None = None  # the default as written (a literal's source text)
    reference: bool = False  # ``&`` (cpp.ref): a reference field
    type: str = ""  # the type as written, when it goes through typedefs
    typedefs: tuple[str, ...] = ()  # each typedef on the way (``UserId = i64``)


@dataclass(frozen=True, slots=True)
class SqlOrigin:
    """A SQL column as written in its ``CREATE TABLE``."""

    type: str = ""  # the column's SQL type as written (or the dialect's text for it)


Origin: TypeAlias = ProtobufOrigin | ThriftOrigin | SqlOrigin

ORIGINS: tuple[type[Origin], ...] = (ProtobufOrigin, ThriftOrigin, SqlOrigin)

FORMAT_NAMES: dict[type[Origin], str] = {
    ProtobufOrigin: "protobuf", ThriftOrigin: "thrift", SqlOrigin: "sql",
}


def _valid(v: object, hint: object) -> bool:
    """``v`` is a value of ``hint`` (the few annotation forms the origins use)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Literal:
        return v in args
    if origin is tuple:
        return isinstance(v, tuple) and (
            all(_valid(x, args[0]) for x in v) if args[-1] is Ellipsis
            else len(v) == len(args) and all(_valid(x, a) for x, a in zip(v, args)))
    if origin in (UnionType, Union):
        return any(_valid(v, a) for a in args)
    if hint is type(None):
        return v is None
    if hint is int:
        return isinstance(v, int) and not isinstance(v, bool)
    return isinstance(hint, type) and isinstance(v, hint)


def check(o: Origin) -> Origin:
    """``o`` itself, once every attribute is checked against its annotation (``ValueError``
    otherwise): origins read from JSON (footers, snapshots) are untrusted."""
    for name, hint in get_type_hints(type(o)).items():
        if not _valid(getattr(o, name), hint):
            raise ValueError(f"bad {FORMAT_NAMES[type(o)]} origin: {name}={getattr(o, name)!r}")
    return o
