"""The one printer of IR types: :func:`describe`.

One walk over the closed node set; the few places where messages and reports
print a type differently are named *forms* (a table of spellings each):

========== ============================================ ===============================
form       example                                      used by
========== ============================================ ===============================
schema     ``list<int32?>``, ``timestamp[us, UTC]``,    error messages (default):
           ``enum e.Suit``, ``record e.Point``           reading, front ends
compact    ``set<int32>?``, ``timestamp(us, utc)``,     ``schemagen inspect``
           ``decimal(9, 2, fixed 4)``, ``e.Point``
registry   ``float64 | null``, ``boolean``,             the SQL type registry (its
           ``timestamp(us, local)``, ``duration(us)``    tables and messages)
python     ``int (int32)``, ``frozenset[string] (or     record validation: the Python
           set)``, ``dict[string, int (int64)]``        value a field expects
========== ============================================ ===============================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, assert_never

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
    Uuid,
    kind,
    python_hashable,
)

Form = Literal["schema", "compact", "registry", "python"]


@dataclass(frozen=True, slots=True)
class _Style:
    """How one form spells each node (``str.format`` templates)."""

    nullable: str = "{inner}?"
    null_mark_on_null: bool = False  # Nullable(Null): "null?" (True) or "null" (False)
    boolean: str = "bool"
    int: str = "{u}int{bits}"
    floats: tuple[str, str, str] = ("float16", "float", "double")  # 16, 32, 64 bits
    fixed: str = "fixed({size})"
    decimal: str = "decimal({precision}, {scale})"
    fixed_decimal: str = "decimal({precision}, {scale})"  # when stored in a fixed
    time: str = "time[{unit}]"
    duration: str = "duration[{unit}]"
    timestamp: tuple[str, str] = ("timestamp[{unit}, local]", "timestamp[{unit}, UTC]")
    enum: str = "enum {name}"
    record: str = "record {name}"
    list: str = "list<{item}>"
    set: str = "list<{item}>"  # a List with unique=True ...
    set_needs_hashable: bool = False  # ... only when its items are hashable
    map: str = "map<{key}, {value}>"
    pair_map: str = "map<{key}, {value}>"  # a map whose keys are not hashable
    union: str = "union<{members}>"


_STYLES: Final[dict[str, _Style]] = {
    "schema": _Style(),
    "compact": _Style(
        null_mark_on_null=True, fixed_decimal="decimal({precision}, {scale}, fixed {size})",
        time="time({unit})", duration="duration({unit})",
        timestamp=("timestamp({unit})", "timestamp({unit}, utc)"), enum="{name}",
        record="{name}", set="set<{item}>"),
    "registry": _Style(
        nullable="{inner} | null", null_mark_on_null=True, boolean="boolean",
        floats=("float16", "float32", "float64"), time="time({unit})",
        duration="duration({unit})",
        timestamp=("timestamp({unit}, local)", "timestamp({unit}, utc)")),
    "python": _Style(
        nullable="{inner} | None", null_mark_on_null=True, int="int ({u}int{bits})",
        floats=("float", "float", "float"), fixed="fixed", time="time", duration="duration",
        timestamp=("datetime.datetime (naive, local)", "datetime.datetime (aware, UTC)"),
        enum="{name}", record="{name}", list="list[{item}]", set="frozenset[{item}] (or set)",
        set_needs_hashable=True, map="dict[{key}, {value}]",
        pair_map="list[tuple[{key}, {value}]]", union="union"),
}


def describe(t: Type, form: Form = "schema") -> str:
    """A short human text of IR type ``t`` (for messages and reports); see the module
    docstring for the forms."""
    return _text(t, _STYLES[form])


def _text(t: Type, s: _Style) -> str:  # noqa: C901 - one branch per node
    match t:
        case Nullable(inner):
            if isinstance(inner, Null) and not s.null_mark_on_null:
                return _text(inner, s)
            return s.nullable.format(inner=_text(inner, s))
        case Bool():
            return s.boolean
        case Int(bits, signed):
            return s.int.format(u="" if signed else "u", bits=bits)
        case Float(bits):
            return s.floats[{16: 0, 32: 1, 64: 2}[bits]]
        case Fixed(size):
            return s.fixed.format(size=size)
        case Decimal(precision, scale, size):
            shape = s.fixed_decimal if size else s.decimal
            return shape.format(precision=precision, scale=scale, size=size)
        case Time(unit):
            return s.time.format(unit=unit)
        case Duration(unit):
            return s.duration.format(unit=unit)
        case Timestamp(unit, utc):
            return s.timestamp[utc].format(unit=unit)
        case EnumRef(name):
            return s.enum.format(name=name)
        case RecordRef(name):
            return s.record.format(name=name)
        case List(item, unique):
            is_set = unique and (python_hashable(item) or not s.set_needs_hashable)
            return (s.set if is_set else s.list).format(item=_text(item, s))
        case Map(key, value):
            shape = s.map if python_hashable(key) else s.pair_map
            return shape.format(key=_text(key, s), value=_text(value, s))
        case Union_(members):
            return s.union.format(members=", ".join(_text(m, s) for m in members))
        case Null() | String() | Bytes() | Date() | Interval() | Uuid() | Json():
            return kind(t)
        case _:
            assert_never(t)
