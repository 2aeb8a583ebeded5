"""Checks for untrusted ``schemagen.schema`` JSON (Parquet footers, snapshots, the JSON a
generated module embeds): every value :mod:`schemagen.ir.serde` reads has the type and
range the IR gives it, or :class:`~schemagen.errors.SchemaJSONError` names its JSON path,
the value and what was expected.

A bool is a JSON ``true``/``false`` (never a truthy string), an int is a JSON integer
(never a bool or a float) within the IR's bounds, a name follows the IR's naming rules,
a unit or kind is one of the closed set, an object has only the keys the IR writes.
:func:`value_fits` says whether a value (IR value form) is a value of an IR type: what
the code generator needs of a default or a constant.
"""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Final, NoReturn, assert_never

from schemagen.ir.nodes import (
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
    IntervalValue,
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
    UnionValue,
    Uuid,
)
from schemagen.ir.schema import Enum, Named, Record

MAX_TYPE_NAME: Final = 1024  # characters of a type's full name
MAX_WIRE_NAME: Final = 4096  # characters of a field's wire name or an enum symbol
MAX_DEPTH: Final = 128  # nesting of a type or of a value in the JSON
MAX_SIZE: Final = 2**31 - 1  # fixed sizes, decimal byte sizes (a Parquet FIXED_LEN_BYTE_ARRAY)
MAX_PRECISION: Final = 1000  # decimal digits
INT_MIN: Final = -(2**64)  # plain JSON integers (an Int value is checked against its type)
INT_MAX: Final = 2**64
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MISSING: Final[Any] = object()


def fail(path: str, value: object, expected: str) -> NoReturn:
    """Raise :class:`~schemagen.errors.SchemaJSONError` (imported here: ``schemagen.errors``
    imports this package)."""
    from schemagen.errors import SchemaJSONError

    raise SchemaJSONError(path, value, expected)


def is_json_error(exc: BaseException) -> bool:
    from schemagen.errors import SchemaJSONError

    return isinstance(exc, SchemaJSONError)


def key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{key!r}]"


def obj(j: Any, path: str, keys: Collection[str], required: Iterable[str] = ()) -> dict[str, Any]:
    """``j`` as a JSON object with only ``keys`` (and every ``required`` one)."""
    if not isinstance(j, dict):
        fail(path, j, "a JSON object")
    for k in j:
        if k not in keys:
            fail(key_path(path, str(k)), j[k], f"no key {shorten_key(k)} here (known: "
                 f"{', '.join(sorted(keys))})")
    for k in required:
        if k not in j:
            fail(path, j, f"an object with the key {k!r}")
    return j


def shorten_key(k: object) -> str:
    text = repr(k)
    return text if len(text) <= 40 else text[:37] + "..."


def string(v: Any, path: str, what: str = "a string") -> str:
    if not isinstance(v, str):
        fail(path, v, what)
    return v


def text(v: Any, path: str, what: str = "a string") -> str:
    """A string that is valid Unicode (no lone surrogates: it is written to files)."""
    s = string(v, path, what)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        fail(path, v, what + " of valid Unicode (no lone surrogates)")
    return s


def boolean(v: Any, path: str) -> bool:
    if type(v) is not bool:
        fail(path, v, "a bool (true or false)")
    return v


def integer(v: Any, path: str, lo: int = INT_MIN, hi: int = INT_MAX) -> int:
    if type(v) is not int or not lo <= v <= hi:
        fail(path, v, f"an integer from {lo} to {hi}")
    return v


def choice(v: Any, path: str, choices: Iterable[Any]) -> Any:
    """``v`` if it is one of ``choices`` (same type and value: ``8.0`` is not ``8``)."""
    options = tuple(choices)
    if not any(type(v) is type(c) and v == c for c in options):
        fail(path, v, "one of " + ", ".join(repr(c) for c in options))
    return v


def array(v: Any, path: str) -> list[Any]:
    if not isinstance(v, list):
        fail(path, v, "a JSON array")
    return v


def type_name(v: Any, path: str) -> str:
    """A type's full name: dotted, non-empty, printable, at most MAX_TYPE_NAME characters."""
    s = text(v, path, "a type name")
    if not s or len(s) > MAX_TYPE_NAME or not s.isprintable() or "" in s.split("."):
        fail(path, v, f"a type name (1 to {MAX_TYPE_NAME} printable characters, dotted parts "
             "not empty)")
    return s


def wire_name(v: Any, path: str, what: str = "a field name") -> str:
    """A wire name (a field, an enum symbol): any non-empty text; it is only ever emitted as
    a ``repr`` literal."""
    s = text(v, path, what)
    if not s or len(s) > MAX_WIRE_NAME:
        fail(path, v, f"{what} (1 to {MAX_WIRE_NAME} characters)")
    return s


def identifier(v: Any, path: str, what: str = "an identifier") -> str:
    """``[A-Za-z_][A-Za-z0-9_]*`` (a protobuf oneof name)."""
    s = string(v, path, what)
    if not _IDENTIFIER.match(s) or len(s) > MAX_TYPE_NAME:
        fail(path, v, f"{what} ([A-Za-z_][A-Za-z0-9_]*)")
    return s


def py_name(v: Any, path: str) -> str:
    """A field's Python name as stored: text (snapshots keep the wire name there, which
    need not be an identifier).  The code generator never emits it: it names every field
    itself (:mod:`schemagen.codegen.naming`)."""
    s = text(v, path, "a Python name")
    if len(s) > MAX_WIRE_NAME:
        fail(path, v, f"a Python name of at most {MAX_WIRE_NAME} characters")
    return s


def names(v: Any, path: str, each: Any = wire_name) -> tuple[str, ...]:
    return tuple(each(x, f"{path}[{i}]") for i, x in enumerate(array(v, path)))


def distinct(items: Iterable[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for s in items:
        if s in seen:
            fail(path, s, f"distinct {what} (this one is there twice)")
        seen.add(s)


# --------------------------------------------------------------------------- values vs types


def value_fits(types: Mapping[str, Named] | None, v: Any, t: Type) -> bool:  # noqa: C901
    """Whether ``v`` (IR value form) is a value of ``t``: what the code generator needs of a
    default or a constant.  ``types`` resolves enum symbols and record fields (None: named
    values are checked for their shape only)."""
    if v is None:
        return isinstance(t, (Nullable, Null, Json))
    t, _ = (t.inner, True) if isinstance(t, Nullable) else (t, False)
    match t:
        case Bool():
            return type(v) is bool
        case Int():
            return type(v) is int and t.holds(v)
        case Float():
            return type(v) in (int, float)
        case String():
            return isinstance(v, str)
        case Bytes():
            return isinstance(v, bytes)
        case Fixed(size):
            return isinstance(v, bytes) and len(v) == size
        case Decimal():
            return (type(v) is int or isinstance(v, decimal.Decimal)) and (
                not isinstance(v, decimal.Decimal) or v.is_finite())
        case Timestamp():
            return isinstance(v, datetime.datetime)
        case Date():
            return isinstance(v, datetime.date) and not isinstance(v, datetime.datetime)
        case Time():
            return isinstance(v, datetime.time)
        case Duration():
            return isinstance(v, datetime.timedelta)
        case Interval():
            return isinstance(v, IntervalValue)
        case Uuid():
            return isinstance(v, uuid.UUID)
        case Json():
            return type(v) in (bool, int, float, str) or (
                isinstance(v, tuple) and all(value_fits(types, x, t) for x in v))
        case Null():
            return False
        case EnumRef(name):
            e = types.get(name) if types is not None else None
            return isinstance(v, str) and (types is None or (isinstance(e, Enum)
                                                             and v in e.symbols))
        case List(item):
            return isinstance(v, tuple) and all(value_fits(types, x, item) for x in v)
        case Map(key, value):
            return isinstance(v, tuple) and all(
                isinstance(p, tuple) and len(p) == 2 and value_fits(types, p[0], key)
                and value_fits(types, p[1], value) for p in v)
        case RecordRef(name):
            return _record_value_fits(types, v, name)
        case Union_(members):
            return (isinstance(v, UnionValue) and type(v.member) is int
                    and 0 <= v.member < len(members)
                    and value_fits(types, v.value, members[v.member]))
        case Nullable():  # pragma: no cover - unwrapped above
            return False
        case _:
            assert_never(t)


def _record_value_fits(types: Mapping[str, Named] | None, v: Any, name: str) -> bool:
    if not isinstance(v, tuple) or not all(isinstance(p, tuple) and len(p) == 2
                                           and isinstance(p[0], str) for p in v):
        return False
    if types is None:
        return True
    rec = types.get(name)
    if not isinstance(rec, Record):
        return False
    ftypes = {f.name: f.type for f in rec.fields}
    return all(p[0] in ftypes and value_fits(types, p[1], ftypes[p[0]]) for p in v)
