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
from typing import Any

from .. import ir

Resolver = Callable[[str], str]  # full type name -> Python expression naming the class


def is_mutable(t: ir.Type, value: Any) -> bool:
    """Whether a default needs ``default_factory`` (lists, dicts, records)."""
    if value is None:
        return False
    inner, _ = ir.strip_nullable(t)
    if ir.is_frozenset(inner):
        return False
    if isinstance(inner, (ir.List, ir.Map, ir.RecordRef, ir.Json)):
        return True
    if isinstance(inner, ir.Union_) and isinstance(value, ir.UnionValue):
        return is_mutable(inner.members[value.member], value.value)
    return False


def literal(  # noqa: C901 - one branch per IR node
    value: Any,
    t: ir.Type,
    ref: Resolver,
    types: dict[str, ir.Named],
    enum_members: dict[str, dict[str, str]],
    field_names: dict[str, dict[str, str]],
) -> str:
    """Source for ``value`` (in IR value form) as a Python value of IR type ``t``."""

    def lit(v: Any, tt: ir.Type) -> str:
        return literal(v, tt, ref, types, enum_members, field_names)

    if value is None:
        return "None"
    inner, _ = ir.strip_nullable(t)
    if isinstance(inner, ir.Bool):
        return "True" if value else "False"
    if isinstance(inner, ir.Int):
        return repr(int(value))
    if isinstance(inner, ir.Float):
        f = float(value)
        if math.isnan(f):
            return "float('nan')"
        if math.isinf(f):
            return "float('inf')" if f > 0 else "float('-inf')"
        return repr(f)
    if isinstance(inner, ir.String):
        return repr(str(value))
    if isinstance(inner, (ir.Bytes, ir.Fixed)):
        return repr(bytes(value))
    if isinstance(inner, ir.Decimal):
        return f"_decimal.Decimal({str(decimal.Decimal(value))!r})"
    if isinstance(inner, ir.Date):
        d: datetime.date = value
        return f"_dt.date({d.year}, {d.month}, {d.day})"
    if isinstance(inner, ir.Time):
        tm: datetime.time = value
        return f"_dt.time({tm.hour}, {tm.minute}, {tm.second}, {tm.microsecond})"
    if isinstance(inner, ir.Timestamp):
        ts: datetime.datetime = value
        tz = ", tzinfo=_dt.UTC" if inner.utc else ""
        return (
            f"_dt.datetime({ts.year}, {ts.month}, {ts.day}, {ts.hour}, {ts.minute}, "
            f"{ts.second}, {ts.microsecond}{tz})"
        )
    if isinstance(inner, ir.Duration):
        td: datetime.timedelta = value
        return f"_dt.timedelta(days={td.days}, seconds={td.seconds}, microseconds={td.microseconds})"
    if isinstance(inner, ir.Interval):
        iv: ir.IntervalValue = value
        return f"_rt.Interval({int(iv.months)}, {int(iv.days)}, {int(iv.milliseconds)})"
    if isinstance(inner, ir.Uuid):
        return f"_uuid.UUID({str(uuid.UUID(str(value)))!r})"
    if isinstance(inner, ir.Json):
        return repr(value)
    if isinstance(inner, ir.EnumRef):
        member = enum_members[inner.name][str(value)]
        return f"{ref(inner.name)}.{member}"
    if ir.is_frozenset(inner):
        assert isinstance(inner, ir.List)
        # items rendered in a canonical order: the output must be deterministic
        members = sorted({lit(v, inner.item) for v in value})
        return "frozenset({" + ", ".join(members) + "})" if members else "frozenset()"
    if isinstance(inner, ir.List):
        return "[" + ", ".join(lit(v, inner.item) for v in value) + "]"
    if ir.has_pair_list(inner):
        assert isinstance(inner, ir.Map)
        pairs = ", ".join(f"({lit(k, inner.key)}, {lit(v, inner.value)})" for k, v in value)
        return "[" + pairs + "]"
    if isinstance(inner, ir.Map):
        items = ", ".join(f"{lit(k, inner.key)}: {lit(v, inner.value)}" for k, v in value)
        return "{" + items + "}"
    if isinstance(inner, ir.RecordRef):
        rec = types[inner.name]
        assert isinstance(rec, ir.Record)
        ftypes = {f.name: f.type for f in rec.fields}
        names = field_names[inner.name]
        args = ", ".join(f"{names[k]}={lit(v, ftypes[k])}" for k, v in value)
        return f"{ref(inner.name)}({args})"
    if isinstance(inner, ir.Union_):
        uv: ir.UnionValue = value
        return lit(uv.value, inner.members[uv.member])
    if isinstance(inner, ir.Null):
        return "None"
    raise TypeError(f"no literal for {t!r}")


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
