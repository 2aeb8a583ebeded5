"""The closed set of IR type nodes, the IR value forms, and the facts about them.

Rules (see DESIGN.md):

* widths and signedness are explicit (``Int(32, signed=True)``);
* nullability is a wrapper node, :class:`Nullable`, so it can apply at any
  level (a list item or a map value can be null);
* references to named types are by full name (:class:`RecordRef`,
  :class:`EnumRef`), so recursive types are legal.

Values (defaults, constants) are held in *IR value form*, independent of any
source format: ``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``,
``decimal.Decimal``, ``datetime.date/time/datetime``, ``datetime.timedelta``,
``uuid.UUID``, :class:`IntervalValue`, enum symbols as ``str``, lists (and sets)
as ``tuple``, maps as a ``tuple`` of ``(key, value)`` pairs, records as a
``tuple`` of ``(wire_name, value)`` pairs (only fields given) and union values
as :class:`UnionValue`.

A fact about a type (its value range, the rank of its time unit, its printed
form in :mod:`schemagen.ir.describe`) is computed here once.  No pyarrow: this
package must stay importable by every layer.
"""

from __future__ import annotations

import decimal as _decimal
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias, assert_never

TimeUnit = Literal["s", "ms", "us", "ns"]
UNITS: Final[tuple[TimeUnit, ...]] = ("s", "ms", "us", "ns")


def unit_rank(unit: TimeUnit) -> int:
    """The order of a time unit by resolution: ``s`` 0, ``ms`` 1, ``us`` 2, ``ns`` 3."""
    return UNITS.index(unit)


def unit_digits(unit: TimeUnit) -> int:
    """Fractional-second digits of a time unit: ``s`` 0, ``ms`` 3, ``us`` 6, ``ns`` 9."""
    return 3 * UNITS.index(unit)


# --------------------------------------------------------------------------- the no-default sentinel


class _NoDefault:
    """Sentinel type for "this field has no default"."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DEFAULT"

    def __reduce__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault()


# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class Null:
    """The type whose only value is null (Avro ``null``)."""


@dataclass(frozen=True, slots=True)
class Bool:
    pass


@dataclass(frozen=True, slots=True)
class Int:
    bits: Literal[8, 16, 32, 64]
    signed: bool = True

    @property
    def min(self) -> int:
        """The smallest value of this integer type."""
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int:
        """The largest value of this integer type."""
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    def holds(self, value: int) -> bool:
        """Whether ``value`` is in ``[min, max]``."""
        return self.min <= value <= self.max


@dataclass(frozen=True, slots=True)
class Float:
    bits: Literal[16, 32, 64]


@dataclass(frozen=True, slots=True)
class String:
    pass


@dataclass(frozen=True, slots=True)
class Bytes:
    pass


@dataclass(frozen=True, slots=True)
class Fixed:
    size: int


_DEC_CTX: Final = _decimal.Context(prec=100)


@dataclass(frozen=True, slots=True)
class Decimal:
    """Exact decimal; ``byte_size`` is set when the source stored it in a fixed."""

    precision: int
    scale: int = 0
    byte_size: int | None = None

    def fits(self, value: _decimal.Decimal) -> bool:
        """Whether ``value`` is finite and holds exactly in ``decimal(precision, scale)``:
        at most ``scale`` fractional digits (trailing zeros beyond it are fine) and at most
        ``precision - scale`` integer digits."""
        return decimal_fits(value, self.precision, self.scale)


def decimal_fits(value: _decimal.Decimal, precision: int, scale: int) -> bool:
    """:meth:`Decimal.fits` for a precision and scale given apart (the runtime's form)."""
    if not value.is_finite():
        return False
    try:
        q = value.quantize(_decimal.Decimal(1).scaleb(-scale), context=_DEC_CTX)
    except _decimal.InvalidOperation:
        return False
    return q == value and len(q.as_tuple().digits) <= precision


def decimal_flba_size(precision: int) -> int:
    """Bytes of the smallest FIXED_LEN_BYTE_ARRAY holding every decimal of ``precision``
    digits (two's complement, as Parquet stores a FIXED decimal)."""
    n = 1
    while 10**precision - 1 >= 2 ** (8 * n - 1):
        n += 1
    return n


@dataclass(frozen=True, slots=True)
class Date:
    pass


@dataclass(frozen=True, slots=True)
class Time:
    unit: TimeUnit


@dataclass(frozen=True, slots=True)
class Timestamp:
    """``utc=True``: an instant (aware); ``utc=False``: a local wall-clock time (naive)."""

    unit: TimeUnit
    utc: bool


@dataclass(frozen=True, slots=True)
class Duration:
    """An exact elapsed time (``datetime.timedelta``) stored with ``unit``."""

    unit: TimeUnit


@dataclass(frozen=True, slots=True)
class Interval:
    """A calendar interval: months, days, milliseconds (Avro ``duration``, Parquet INTERVAL)."""


@dataclass(frozen=True, slots=True)
class Uuid:
    pass


@dataclass(frozen=True, slots=True)
class Json:
    pass


@dataclass(frozen=True, slots=True)
class EnumRef:
    name: str  # full name


@dataclass(frozen=True, slots=True)
class RecordRef:
    name: str  # full name


@dataclass(frozen=True, slots=True)
class List:
    """A list; ``unique=True`` marks a set (Thrift ``set<T>``): still a Parquet LIST, but
    the Python class holds a ``frozenset`` when the items are hashable (see
    :func:`python_hashable`)."""

    item: Type
    unique: bool = False


@dataclass(frozen=True, slots=True)
class Map:
    key: Type
    value: Type


@dataclass(frozen=True, slots=True)
class Union_:
    """A union of two or more non-null members (a nullable union wraps it in Nullable)."""

    members: tuple[Type, ...]


@dataclass(frozen=True, slots=True)
class Nullable:
    inner: Type


Type: TypeAlias = (
    Null | Bool | Int | Float | String | Bytes | Fixed | Decimal | Date | Time | Timestamp
    | Duration | Interval | Uuid | Json | EnumRef | RecordRef | List | Map | Union_ | Nullable
)
PRIMITIVES: Final = (
    Null, Bool, Int, Float, String, Bytes, Fixed, Decimal, Date, Time, Timestamp,
    Duration, Interval, Uuid, Json,
)
NODES: Final = (*PRIMITIVES, EnumRef, RecordRef, List, Map, Union_, Nullable)


def kind(t: Type) -> str:
    """The node's kind name: ``int``, ``union``, ``nullable`` ... (its class name, lower case)."""
    return type(t).__name__.rstrip("_").lower()


# --------------------------------------------------------------------------- facts over types


def strip_nullable(t: Type) -> tuple[Type, bool]:
    """Return the non-null inner type and whether ``t`` was nullable."""
    if isinstance(t, Nullable):
        return t.inner, True
    return t, isinstance(t, Null)


def python_hashable(t: Type) -> bool:
    """Whether Python values of ``t`` are hashable (may be set items and dict keys).

    Generated records and lists/dicts are mutable, so they are not; a set of
    hashable items is a ``frozenset``, which is.  Code generation uses this to
    choose ``frozenset[T]`` vs ``list[T]`` for sets and ``dict[K, V]`` vs
    ``list[tuple[K, V]]`` for maps; the runtime uses it to check values.
    """
    match t:
        case Nullable(inner):
            return python_hashable(inner)
        case RecordRef() | Map() | Json():
            return False
        case List(item, unique):
            return unique and python_hashable(item)
        case Union_(members):
            return all(python_hashable(m) for m in members)
        case (Null() | Bool() | Int() | Float() | String() | Bytes() | Fixed() | Decimal()
              | Date() | Time() | Timestamp() | Duration() | Interval() | Uuid() | EnumRef()):
            return True
        case _:
            assert_never(t)


def is_frozenset(t: Type) -> bool:
    """A set whose Python values are ``frozenset`` (unique list of hashable items)."""
    return isinstance(t, List) and t.unique and python_hashable(t.item)


def has_pair_list(t: Type) -> bool:
    """A map whose Python values are ``list[tuple[K, V]]`` (its keys are not hashable)."""
    return isinstance(t, Map) and not python_hashable(t.key)


def referenced_names(t: Type) -> set[str]:
    """Full names of the named types ``t`` refers to directly."""
    match t:
        case EnumRef(name) | RecordRef(name):
            return {name}
        case Nullable(inner):
            return referenced_names(inner)
        case List(item):
            return referenced_names(item)
        case Map(key, value):
            return referenced_names(key) | referenced_names(value)
        case Union_(members):
            out: set[str] = set()
            for m in members:
                out |= referenced_names(m)
            return out
        case (Null() | Bool() | Int() | Float() | String() | Bytes() | Fixed() | Decimal()
              | Date() | Time() | Timestamp() | Duration() | Interval() | Uuid() | Json()):
            return set()
        case _:
            assert_never(t)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class IntervalValue:
    """Python value of an :class:`Interval` (also exported as ``schemagen.Interval``)."""

    months: int
    days: int
    milliseconds: int


@dataclass(frozen=True, slots=True)
class UnionValue:
    """A default value for a union field: which member, and its value."""

    member: int
    value: Any
