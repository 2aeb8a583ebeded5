"""Python source for values and docs coming from schema text.

Everything here returns code built only from ``repr`` of plain values and
from identifiers that went through :mod:`naming`, so schema text cannot
become executable code.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import inspect
import math
import uuid
from collections.abc import Callable
from typing import Any, assert_never

from .. import ir
from ..ir.jsoncheck import value_fits
from .imports import Imports

Resolver = Callable[[str], str]  # full type name -> Python expression naming the class


def is_mutable(t: ir.Type, value: Any) -> bool:
    """Whether a default needs ``default_factory`` (lists, dicts, records)."""
    if value is None:
        return False
    inner, _ = ir.strip_nullable(t)
    match inner:
        case ir.List() if ir.is_frozenset(inner):
            return False
        case ir.List() | ir.Map() | ir.RecordRef() | ir.Json():
            return True
        case ir.Union_(members):
            return isinstance(value, ir.UnionValue) and is_mutable(members[value.member],
                                                                    value.value)
        case (ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes()
              | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
              | ir.Duration() | ir.Interval() | ir.Uuid() | ir.EnumRef() | ir.Nullable()):
            return False
        case _:
            assert_never(inner)


def is_constructed(t: ir.Type, value: Any) -> bool:
    """Whether a default is built by calling a class linters do not know to be immutable
    (``uuid.UUID``, ``Interval``): it is then held by a module constant, not called in
    the class body (ruff RUF009)."""
    if value is None:
        return False
    inner, _ = ir.strip_nullable(t)
    match inner:
        case ir.Uuid() | ir.Interval():
            return True
        case ir.Union_(members):
            return isinstance(value, ir.UnionValue) and is_constructed(members[value.member],
                                                                        value.value)
        case (ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes()
              | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
              | ir.Duration() | ir.EnumRef() | ir.Nullable() | ir.List() | ir.Map()
              | ir.RecordRef() | ir.Json()):
            return False
        case _:
            assert_never(inner)


def int_source(value: object) -> str:
    """Source of an integer taken from the IR (a width, a size, a bound, a number): only a
    real ``int`` (not a bool, not a string that looks like one) becomes source."""
    if type(value) is not int:
        raise TypeError(f"not an int: {value!r}")
    return repr(value)


def flag_source(value: object) -> str:
    """Source of a flag taken from the IR (``utc``, ``unique``...): only a real ``bool``."""
    if type(value) is not bool:
        raise TypeError(f"not a bool: {value!r}")
    return "True" if value else "False"


def str_source(value: object) -> str:
    """Source of a string taken from the IR (a wire name, a symbol): its ``repr``."""
    if not isinstance(value, str):
        raise TypeError(f"not a str: {value!r}")
    return repr(str(value))


def source(value: object) -> str:
    """Source of a plain IR value (a bool, an int or a str) by its own type."""
    if isinstance(value, bool):
        return flag_source(value)
    if isinstance(value, int):
        return int_source(value)
    return str_source(value)


class Literals:
    """Source for default and constant values of one generated module.

    ``ref`` names a class (and lets the caller note that it was used); the aliases
    the source names (``_dt``, ``_decimal``, ``_uuid``, ``_rt``) are recorded in
    ``imports``.
    """

    def __init__(self, ref: Resolver, types: dict[str, ir.Named],
                 enum_members: dict[str, dict[str, str]],
                 field_names: dict[str, dict[str, str]], imports: Imports) -> None:
        self.ref = ref
        self.types = types
        self.enum_members = enum_members
        self.field_names = field_names
        self.imports = imports

    def literal(self, value: Any, t: ir.Type) -> str:
        """Source for ``value`` (in IR value form) as a Python value of IR type ``t``.

        ``value`` must be a value of ``t`` (:func:`schemagen.ir.jsoncheck.value_fits`, which
        ``schema_from_json`` checks for every default of untrusted JSON): anything else is a
        ``TypeError``, never source built from it."""
        if not value_fits(self.types, value, t):
            raise TypeError(f"not a value of {ir.describe(t, 'compact')}: {value!r}")
        return self._literal(value, t)

    def _literal(self, value: Any, t: ir.Type) -> str:
        if value is None:
            return "None"
        inner, _ = ir.strip_nullable(t)
        match inner:
            case (ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes()
                  | ir.Fixed() | ir.Json()):
                return _plain(value, inner)
            case (ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp() | ir.Duration()
                  | ir.Interval() | ir.Uuid()):
                return self._object(value, inner)
            case ir.EnumRef(name):  # a member name (sanitised by naming), never the symbol
                return f"{self.ref(name)}.{self.enum_members[name][value]}"
            case ir.List() | ir.Map():
                return self._container(value, inner)
            case ir.RecordRef(name):
                rec = self.types[name]
                assert isinstance(rec, ir.Record)
                ftypes = {f.name: f.type for f in rec.fields}
                names = self.field_names[name]
                args = ", ".join(f"{names[k]}={self._literal(v, ftypes[k])}" for k, v in value)
                return f"{self.ref(name)}({args})"
            case ir.Union_(members):
                uv: ir.UnionValue = value
                return self._literal(uv.value, members[uv.member])
            case ir.Nullable():  # pragma: no cover - strip_nullable removed it
                raise TypeError(f"no literal for {t!r}")
            case _:
                assert_never(inner)

    def _object(self, value: Any, t: ir.Decimal | ir.Date | ir.Time | ir.Timestamp
                | ir.Duration | ir.Interval | ir.Uuid) -> str:
        """Source building a standard-library (or runtime) object."""
        name = self.imports.name
        match t:
            case ir.Decimal():
                return f"{name('decimal')}.Decimal({str(decimal.Decimal(value))!r})"
            case ir.Date():
                d: datetime.date = value
                return f"{name('dt')}.date({_ints(d.year, d.month, d.day)})"
            case ir.Time():
                tm: datetime.time = value
                return f"{name('dt')}.time({_ints(tm.hour, tm.minute, tm.second, tm.microsecond)})"
            case ir.Timestamp(utc=utc):
                ts: datetime.datetime = value
                tz = f", tzinfo={name('dt')}.UTC" if utc is True else ""
                parts = _ints(ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second,
                              ts.microsecond)
                return f"{name('dt')}.datetime({parts}{tz})"
            case ir.Duration():
                td: datetime.timedelta = value
                return (f"{name('dt')}.timedelta(days={int_source(td.days)}, "
                        f"seconds={int_source(td.seconds)}, "
                        f"microseconds={int_source(td.microseconds)})")
            case ir.Interval():
                iv: ir.IntervalValue = value
                return f"{name('rt')}.Interval({_ints(iv.months, iv.days, iv.milliseconds)})"
            case ir.Uuid():
                return f"{name('uuid')}.UUID({str(uuid.UUID(str(value)))!r})"
            case _:
                assert_never(t)

    def _container(self, value: Any, t: ir.List | ir.Map) -> str:
        lit = self._literal
        match t:
            case ir.List(item) if ir.is_frozenset(t):
                # items rendered in a canonical order: the output must be deterministic
                members = sorted({lit(v, item) for v in value})
                return "frozenset({" + ", ".join(members) + "})" if members else "frozenset()"
            case ir.List(item):
                return "[" + ", ".join(lit(v, item) for v in value) + "]"
            case ir.Map(key, val) if ir.has_pair_list(t):
                return "[" + ", ".join(f"({lit(k, key)}, {lit(v, val)})" for k, v in value) + "]"
            case ir.Map(key, val):
                return "{" + ", ".join(f"{lit(k, key)}: {lit(v, val)}" for k, v in value) + "}"
            case _:
                assert_never(t)


def _float_source(value: object) -> str:
    f = float(value)  # type: ignore[arg-type]
    if math.isnan(f):
        return "float('nan')"
    if math.isinf(f):
        return "float('inf')" if f > 0 else "float('-inf')"
    return repr(f)


def _json_source(value: object) -> str:
    """A JSON default: a scalar, or a tuple of them (checked by ``value_fits``)."""
    if isinstance(value, tuple):
        return "(" + "".join(_json_source(v) + ", " for v in value).rstrip(" ") + ")"
    if isinstance(value, float):
        return _float_source(value)
    return "None" if value is None else source(value)


def _ints(*values: object) -> str:
    return ", ".join(int_source(v) for v in values)


def _plain(value: Any, t: ir.Null | ir.Bool | ir.Int | ir.Float | ir.String | ir.Bytes
           | ir.Fixed | ir.Json) -> str:
    """Source of a value that needs no import (``repr`` of a plain Python value)."""
    match t:
        case ir.Null():
            return "None"
        case ir.Bool():
            return flag_source(value)
        case ir.Int():
            return int_source(value)
        case ir.Float():
            return _float_source(value)
        case ir.String():
            return str_source(value)
        case ir.Bytes() | ir.Fixed():
            if not isinstance(value, bytes):  # bytes(n) would make n zero bytes
                raise TypeError(f"not bytes: {value!r}")
            return repr(value)
        case ir.Json():
            return _json_source(value)
        case _:
            assert_never(t)


def docstring(text: str, indent: str) -> str:
    """A docstring literal for ``text`` that cannot terminate early or inject code.

    Every literal is checked with ``ast.literal_eval`` to give back exactly
    ``text``; anything unusual falls back to ``repr``.
    """
    text = text.strip()
    if all(c.isprintable() or c in "\n\t" for c in text):
        body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        if body.endswith('"') and not body.endswith('\\"'):
            body = body[:-1] + '\\"'
        lines = body.split("\n")
        if len(lines) == 1:
            lit = f'"""{body}"""'
        else:
            rest = "\n".join((indent + ln) if ln.strip() else "" for ln in lines[1:])
            lit = f'"""{lines[0]}\n{rest}\n{indent}"""'
        if _round_trips(lit, text):
            return lit
    return repr(text)


def _round_trips(lit: str, text: str) -> bool:
    try:
        value = ast.literal_eval(lit)
    except (SyntaxError, ValueError):
        return False
    return isinstance(value, str) and inspect.cleandoc(value) == inspect.cleandoc(text)
