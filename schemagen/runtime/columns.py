"""Column converters used by generated writers and readers.

Generated code picks one converter per column when it is rendered, so there
is no per-value type dispatch at run time: each function here converts a
whole column (a Python list <-> an Arrow array) with vectorised pyarrow/numpy
work where possible.

Writers raise :class:`Invalid` when a column does not fit; the runtime then
walks the records on the slow path to name the record, field and value.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import json
import struct
import uuid
from collections.abc import Callable, Iterable
from itertools import accumulate, chain
from itertools import repeat as repeat_iter
from operator import attrgetter
from typing import Any, TypeVar

from .._pyarrow import pa, pc
from ..ir import IntervalValue

Interval = IntervalValue

UTC = datetime.UTC
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

E = TypeVar("E")


class Invalid(Exception):
    """A column does not fit its type; the caller locates the culprit."""


TRUNCATE_TIME: contextvars.ContextVar[bool] = contextvars.ContextVar("truncate_time",
                                                                     default=False)
"""Set by a writer with ``truncate_time=True`` around its conversion of a batch: time and
timestamp values with digits finer than their column's unit are floored to the unit
(toward the past, for instants before 1970 too) instead of refused.  A context variable,
not an argument: the generated converters (and their ABI) stay as they are, and another
thread's writer keeps its own setting."""

_PER_US = {"s": 1_000_000, "ms": 1_000}


def _floored(arr: Any, typ: Any) -> Any:
    """A microsecond ``arr`` (time64 or timestamp) floored to the unit of ``typ``."""
    per = _PER_US.get(typ.unit)
    if per is None:
        return _cast(arr, typ)  # us, ns: nothing to drop
    import numpy as np

    ints = arr.view(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
    floored = np.floor_divide(ints, per)
    width = pa.int32() if pa.types.is_time32(typ) else pa.int64()
    mask = arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else None
    return pa.array(floored.astype("int32" if width == pa.int32() else "int64"), type=width,
                    mask=mask).view(typ)


# ----------------------------------------------------------------------------- write side
#
# pyarrow's conversions are lenient (a float given for an int is truncated, str is
# encoded for a binary column, an int becomes a date...).  Each converter first
# checks the set of Python types in the column -- ``set(map(type, values))`` runs
# in C, a few ns per value -- then converts with an explicit type; lossy unit
# changes go through a safe cast, which raises instead of truncating.

_NONE = type(None)


def _only(values: Iterable[Any], allowed: tuple[type, ...],
          forbidden: tuple[type, ...] = ()) -> None:
    kinds = set(map(type, values))
    kinds.discard(_NONE)
    for k in kinds:
        if k in allowed:
            continue
        if not issubclass(k, allowed) or (forbidden and issubclass(k, forbidden)):
            raise Invalid(f"{k.__name__} value")


def _convert(values: list[Any], typ: Any) -> Any:
    try:
        return pa.array(values, type=typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError) as exc:
        raise Invalid(str(exc)) from exc


def _cast(arr: Any, typ: Any) -> Any:
    if arr.type == typ:
        return arr
    try:
        return arr.cast(typ, safe=True)
    except (pa.ArrowInvalid, OverflowError) as exc:
        raise Invalid(str(exc)) from exc


def _inferred(values: list[Any], expected: Callable[[Any], bool]) -> Any:
    """Let pyarrow infer the type (strict about mixed Python types) and check it."""
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError) as exc:
        raise Invalid(str(exc)) from exc
    if not (expected(arr.type) or pa.types.is_null(arr.type)):
        raise Invalid(f"values of type {arr.type}")
    return arr


def ints(values: list[Any], typ: Any) -> Any:
    if pa.types.is_unsigned_integer(typ):
        # inference would stop at int64; convert straight to the unsigned type
        # (pyarrow rejects negative and too-large values), after a type check
        _only(values, (int,), (bool,))
        return _convert(values, typ)
    # inference rejects bools and floats among ints (a typed conversion would
    # truncate floats); the safe cast then rejects out-of-range values
    return _cast(_inferred(values, pa.types.is_integer), typ)


def floats(values: list[Any], typ: Any) -> Any:
    _only(values, (float, int), (bool,))
    arr = _convert(values, typ)
    _check_float32(arr, values)
    return arr


_FLOAT32_MAX = 3.4028234663852886e38


def _check_float32(arr: Any, values: Iterable[Any]) -> None:
    """A finite value beyond float32's range would silently become infinite."""
    if not pa.types.is_float32(arr.type) or not pc.any(pc.is_inf(arr)).as_py():
        return
    for v in values:
        if v is not None and v == v and abs(v) > _FLOAT32_MAX and abs(v) != float("inf"):
            raise Invalid("value out of float32 range")


def bools(values: list[Any], typ: Any) -> Any:
    return _convert(values, typ)  # pyarrow itself rejects anything but bools here


def strings(values: list[Any], typ: Any) -> Any:
    # a bytes value among strs makes the inferred type binary: caught by the check
    return _cast(_inferred(values, pa.types.is_string), typ)


def binaries(values: list[Any], typ: Any) -> Any:
    _only(values, (bytes,))
    return _convert(values, typ)


def decimals(values: list[Any], typ: Any) -> Any:
    _only(values, (decimal.Decimal,))
    return _convert(values, typ)  # raises on precision overflow or lost digits


def dates(values: list[Any], typ: Any) -> Any:
    _only(values, (datetime.date,), (datetime.datetime,))
    return _convert(values, typ)


_TZINFO = attrgetter("tzinfo")


def _tzinfos(values: list[Any]) -> set[Any]:
    """The distinct ``tzinfo`` of the non-None values (C-level map, no Python loop)."""
    if None in values:
        values = [v for v in values if v is not None]
    return set(map(_TZINFO, values))


def times(values: list[Any], typ: Any) -> Any:
    _only(values, (datetime.time,))
    if _tzinfos(values) - {None}:
        raise Invalid("aware time")
    arr = _convert(values, pa.time64("us"))
    if TRUNCATE_TIME.get():
        return _floored(arr, typ)
    return _cast(arr, typ)  # sub-unit digits: error


def durations(values: list[Any], typ: Any) -> Any:
    _only(values, (datetime.timedelta,))
    return _cast(_convert(values, pa.duration("us")), typ)


def timestamps(values: list[Any], typ: Any, *, utc: bool) -> Any:
    """Aware datetimes for UTC columns, naive ones for local columns (checked)."""
    _only(values, (datetime.datetime,))
    zones = _tzinfos(values)
    if (None in zones) if utc else bool(zones - {None}):
        raise Invalid("naive/aware datetime mismatch")
    arr = _convert(values, pa.timestamp("us", tz=typ.tz))
    if TRUNCATE_TIME.get():
        return _floored(arr, typ)
    return _cast(arr, typ)  # sub-unit digits or out of range for ns: error


def uuids(values: list[Any], typ: Any) -> Any:
    _only(values, (uuid.UUID,))
    storage = _convert([None if v is None else v.bytes for v in values], pa.binary(16))
    return pa.ExtensionArray.from_storage(typ, storage)


_INTERVAL = struct.Struct("<III")


def intervals(values: list[Any], typ: Any) -> Any:
    _only(values, (IntervalValue,))
    try:
        raw = [
            None if v is None else _INTERVAL.pack(v.months, v.days, v.milliseconds)
            for v in values
        ]
    except struct.error as exc:
        raise Invalid("interval part out of range") from exc
    return _convert(raw, typ)


def json_texts(values: list[Any], typ: Any) -> Any:
    try:
        raw = [
            None if v is None else json.dumps(v, sort_keys=True, separators=(",", ":"),
                                               allow_nan=False)
            for v in values
        ]
    except (TypeError, ValueError) as exc:
        raise Invalid("not JSON-serialisable") from exc
    return _convert(raw, typ)


def nulls(values: list[Any], typ: Any) -> Any:
    _only(values, ())
    return pa.nulls(len(values))


def enums(values: list[Any], typ: Any, symbols: frozenset[str], *,
          open_enum: bool = False) -> Any:
    """ENUM strings; an open enum also takes numbers without a symbol as decimal strings."""
    arr = strings(values, typ)
    seen = pc.unique(arr).to_pylist()
    for s in seen:
        if s is not None and s not in symbols and not (open_enum and _enum_number(s)):
            raise Invalid("not an enum symbol")
    return arr


def _enum_number(s: str) -> bool:
    return s.isascii() and s.removeprefix("-").isdigit() and -(2**31) <= int(s) < 2**31


_LIST_ITEM_TYPES: dict[str, tuple[tuple[type, ...], tuple[type, ...]]] = {
    "int": ((int,), (bool,)),
    "float": ((float, int), (bool,)),
    "bool": ((bool,), ()),
    "string": ((str,), ()),
    "binary": ((bytes,), ()),
    "date": ((datetime.date,), (datetime.datetime,)),
    "decimal": ((decimal.Decimal,), ()),
}


def typed_lists(values: list[Any], typ: Any, *, items_nullable: bool, kind: str) -> Any:
    """A list column whose items pyarrow converts strictly once their types are checked."""
    outer = set(map(type, values))
    if outer != {list}:
        _only(values, (list,))
    allowed, forbidden = _LIST_ITEM_TYPES[kind]
    # (pyarrow's inference is lenient inside lists: bytes among strs pass)
    lists = values if _NONE not in outer else [v for v in values if v is not None]
    _only(chain.from_iterable(lists), allowed, forbidden)
    arr = _convert(values, typ)
    if kind == "float":
        _check_float32(arr.flatten(), chain.from_iterable(lists))
    if not items_nullable and arr.flatten().null_count:
        raise Invalid("null item in a list of required items")
    return arr


def mask(values: list[Any]) -> tuple[Any, int]:
    """(Arrow boolean mask of the Nones in ``values``, how many there are)."""
    m = [v is None for v in values]
    return pa.array(m, type=pa.bool_()), m.count(True)


def offsets(values: list[Any], kind: type[Any]) -> Any:
    """int32 offsets for a column of lists or dicts (None counts as empty)."""
    lens = [len(v) for v in values if type(v) is kind]
    if len(lens) != len(values):
        lens = []
        for v in values:
            if v is None:
                lens.append(0)
            elif isinstance(v, kind):
                lens.append(len(v))
            else:
                raise Invalid(f"not a {kind.__name__}")
    return pa.array(list(accumulate(lens, initial=0)), type=pa.int32())


def check_instances(values: list[Any], cls: type[Any]) -> None:
    kinds = set(map(type, values))
    kinds.discard(cls)
    kinds.discard(_NONE)
    for k in kinds:
        if not issubclass(k, cls):
            raise Invalid(f"not a {cls.__name__}")


_SET_TYPES = (set, frozenset)


def set_lists(values: list[Any]) -> list[Any]:
    """A column of sets (``set`` or ``frozenset``; None kept) as lists, for a LIST column."""
    kinds = set(map(type, values))
    kinds.discard(_NONE)
    for k in kinds:
        if not issubclass(k, _SET_TYPES):
            raise Invalid(f"{k.__name__} value where a set is expected")
    return [None if v is None else list(v) for v in values]


def check_union(arrays: list[Any]) -> None:
    """Union records: at most one member (child array) may be set in each row."""
    used = [a for a in arrays if a.null_count != len(a)]
    if len(used) < 2:
        return  # at most one member is set anywhere in the column
    counts = sum(a.is_valid().to_numpy(zero_copy_only=False).astype("int32") for a in used)
    if int(counts.max()) > 1:
        raise Invalid("more than one union member set")


def union_mask(kinds: list[int]) -> tuple[Any, int]:
    """Mask of null union values (-1); a value matching no member (-2) is invalid."""
    if -2 in kinds:
        raise Invalid("value matches no union member")
    m = [k == -1 for k in kinds]
    return pa.array(m, type=pa.bool_()), m.count(True)


_F32 = struct.Struct("<f")


def fits_float32(v: float) -> bool:
    """Whether ``v`` survives a round trip through float32 (for union member choice)."""
    try:
        return _F32.unpack(_F32.pack(v))[0] == v or v != v
    except OverflowError:
        return False


def fits_float64(v: int | float) -> bool:
    return not isinstance(v, int) or abs(v) <= 2**53 or float(v) == v


def fits_decimal(v: decimal.Decimal, precision: int, scale: int) -> bool:
    if not v.is_finite():
        return False
    try:
        q = v.quantize(decimal.Decimal(1).scaleb(-scale), context=_DEC_CTX)
    except decimal.InvalidOperation:
        return False
    return q == v and len(q.as_tuple().digits) <= precision


_DEC_CTX = decimal.Context(prec=100)


def check_nulls(arr: Any, allowed: int) -> None:
    """Required columns: the only nulls allowed are those under a null parent."""
    if arr.null_count != allowed:
        raise Invalid("null in a required field")


def _empty_value(typ: Any) -> Any:
    if pa.types.is_fixed_size_binary(typ):
        return b"\0" * typ.byte_width
    if pa.types.is_binary(typ):
        return b""
    if pa.types.is_string(typ):
        return ""
    if pa.types.is_boolean(typ):
        return False
    if pa.types.is_null(typ):
        return None
    if pa.types.is_decimal(typ):
        return decimal.Decimal(0)
    if pa.types.is_floating(typ):
        return 0.0
    return 0


def fill_empty(arr: Any, allowed: int, *, placeholder: Any = None) -> Any:
    """Give slots that are null only because their parent is null a placeholder value.

    Arrow allows a required child to be null under a null parent; Parquet
    writers reject it (pyarrow's own builders append empty values there too).
    Lists and maps become empty, structs lose their validity bitmap (their
    children were filled already), primitives get a zero value (an enum its
    first symbol, so the slot still reads back).
    """
    if not allowed or arr.null_count == 0:
        return arr
    t = arr.type
    if isinstance(arr, pa.ExtensionArray):
        storage = fill_empty(arr.storage, allowed, placeholder=placeholder)
        return pa.ExtensionArray.from_storage(t, storage)
    if pa.types.is_struct(t):
        return pa.StructArray.from_arrays(
            [arr.field(i) for i in range(t.num_fields)], fields=list(t)
        )
    if pa.types.is_map(t):
        return pa.MapArray.from_arrays(arr.offsets, arr.keys, arr.items, type=t)
    if pa.types.is_list(t):
        return pa.ListArray.from_arrays(arr.offsets, arr.values, type=t)
    if pa.types.is_temporal(t):
        width = pa.int32() if pa.types.is_date32(t) or pa.types.is_time32(t) else pa.int64()
        return pc.fill_null(arr, pa.scalar(0, width).cast(t))
    value = placeholder if placeholder is not None else _empty_value(t)
    return pc.fill_null(arr, pa.scalar(value, t))


def struct_array(children: list[Any], typ: Any, mask_arr: Any) -> Any:
    if not children:
        raise Invalid("empty struct")
    return pa.StructArray.from_arrays(children, fields=list(typ), mask=mask_arr)


def list_array(offs: Any, items: Any, typ: Any, mask_arr: Any) -> Any:
    return pa.ListArray.from_arrays(offs, items, type=typ, mask=mask_arr)


def map_array(offs: Any, keys: Any, items: Any, typ: Any, mask_arr: Any) -> Any:
    return pa.MapArray.from_arrays(offs, keys, items, type=typ, mask=mask_arr)


def batch(arrays: list[Any], schema: Any) -> Any:
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


# ----------------------------------------------------------------------------- read side


def _plain(arr: Any) -> Any:
    """Dictionary-encoded columns (common in files from other tools) decoded."""
    if pa.types.is_dictionary(arr.type):
        return arr.dictionary_decode()
    return arr


def _valid(arr: Any) -> list[bool]:
    return arr.is_valid().to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def _with_nulls(arr: Any, values: list[Any]) -> list[Any]:
    if arr.null_count == 0:
        return values
    return [v if ok else None for v, ok in zip(values, _valid(arr))]


def py_numbers(arr: Any) -> list[Any]:
    """int, float and bool columns."""
    arr = _plain(arr)
    if arr.null_count == 0:
        return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]
    if pa.types.is_boolean(arr.type):
        filled = arr.fill_null(False)
    else:
        filled = arr.fill_null(0)
    return _with_nulls(arr, filled.to_numpy(zero_copy_only=False).tolist())


def py_objects(arr: Any) -> list[Any]:
    """string, binary, decimal, date, time columns (numpy gives Python objects, None for null)."""
    arr = _plain(arr)
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


# Python's datetime covers years 1..9999; numpy's tolist() silently gives ints beyond
_DAYS = (datetime.date.min.toordinal() - _EPOCH_ORDINAL,
         datetime.date.max.toordinal() - _EPOCH_ORDINAL)
_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000}


def _check_range(arr: Any, width: Any, lo: int, hi: int) -> None:
    if not len(arr) or arr.null_count == len(arr):
        return
    low, high = (v.as_py() for v in pc.min_max(arr.cast(width)).values())
    if low < lo or high > hi:
        from ..errors import ReadError

        raise ReadError(f"{arr.type} values outside the years 1..9999 that Python's "
                        "datetime can hold")


def py_dates(arr: Any) -> list[Any]:
    arr = _plain(arr)
    if pa.types.is_date64(arr.type):  # numpy would give datetimes for date64
        arr = arr.cast(pa.date32())
    _check_range(arr, pa.int32(), *_DAYS)
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def py_times(arr: Any) -> list[Any]:
    arr = _plain(arr)
    t = arr.type
    if t.unit == "ns":
        arr = _cast_exact(arr, pa.time64("us"))
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def _cast_exact(arr: Any, typ: Any) -> Any:
    try:
        return arr.cast(typ, safe=True)
    except pa.ArrowInvalid as exc:
        from ..errors import ReadError

        raise ReadError(
            f"values of type {arr.type} have sub-microsecond parts that Python's "
            f"datetime cannot hold ({exc})"
        ) from exc


def py_timestamps(arr: Any, *, utc: bool) -> list[Any]:
    arr = _plain(arr)
    t = arr.type
    if t.unit == "ns":
        arr = _cast_exact(arr, pa.timestamp("us", tz=t.tz))
        t = arr.type
    per_day = _PER_DAY[t.unit]
    _check_range(arr, pa.int64(), _DAYS[0] * per_day, (_DAYS[1] + 1) * per_day - 1)
    if t.tz is not None:
        # to_numpy on tz-aware data gives UTC wall-clock values
        arr = arr.cast(pa.timestamp(t.unit))
    vals = arr.to_numpy(zero_copy_only=False).tolist()
    if utc:
        return [None if v is None else v.replace(tzinfo=UTC) for v in vals]
    return vals  # type: ignore[no-any-return]


def py_durations(arr: Any) -> list[Any]:
    arr = _plain(arr)
    if arr.type.unit == "ns":
        arr = _cast_exact(arr, pa.duration("us"))
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def py_uuids(arr: Any) -> list[Any]:
    arr = _plain(arr)
    if isinstance(arr, pa.ExtensionArray):
        arr = arr.storage
    U = uuid.UUID
    return [None if b is None else U(bytes=b) for b in arr.to_numpy(zero_copy_only=False)]


def _check_width(arr: Any, width: int) -> None:
    if pa.types.is_fixed_size_binary(arr.type) or not len(arr) or arr.null_count == len(arr):
        return
    lengths = pc.binary_length(arr)
    lo, hi = pc.min_max(lengths).values()
    if lo.as_py() != width or hi.as_py() != width:
        from ..errors import ReadError

        raise ReadError(
            f"binary values of {lo.as_py()}..{hi.as_py()} bytes where exactly {width} are expected"
        )


def py_fixed(arr: Any, width: int) -> list[Any]:
    arr = _plain(arr)
    _check_width(arr, width)
    return py_objects(arr)


def py_intervals(arr: Any) -> list[Any]:
    arr = _plain(arr)
    _check_width(arr, 12)
    unpack = _INTERVAL.unpack
    return [
        None if b is None else IntervalValue(*unpack(b))
        for b in arr.to_numpy(zero_copy_only=False).tolist()
    ]


def py_json(arr: Any) -> list[Any]:
    loads = json.loads
    return [None if s is None else loads(s) for s in py_objects(arr)]


def py_nulls(arr: Any) -> list[Any]:
    if arr.null_count != len(arr):
        from ..errors import ReadError

        raise ReadError(f"a null-typed field holds {len(arr) - arr.null_count} non-null value(s)")
    return [None] * len(arr)


def require(arr: Any, allowed: Any, path: str) -> None:
    """A required field read from a file: nulls only where the parent is null."""
    extra = arr.null_count - int(allowed)
    if extra > 0:
        from ..errors import ReadError

        raise ReadError(f"column {path!r} holds {extra} null value(s) but the field is required")


def py_enums(arr: Any, cls: Callable[[str], E]) -> list[E | None]:
    """Enum column; unknown symbols go through the class (its ``_missing_`` default)."""
    arr = _plain(arr)
    members: dict[str, E] = {}
    out: list[E | None] = []
    append = out.append
    for s in arr.to_numpy(zero_copy_only=False).tolist():
        if s is None:
            append(None)
            continue
        m = members.get(s)
        if m is None:
            try:
                m = members[s] = cls(s)
            except ValueError:
                from ..errors import ReadError

                known = ", ".join(str(getattr(e, "value", e)) for e in cls)  # type: ignore[attr-defined]
                raise ReadError(
                    f"unknown symbol {s!r} for enum {getattr(cls, '__name__', cls)} "
                    f"(symbols: {known}; the enum has no default to fall back to)"
                ) from None
        append(m)
    return out


def py_strings(arr: Any) -> list[Any]:
    arr = _plain(arr)
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def list_offsets(arr: Any) -> list[int]:
    return arr.offsets.to_numpy().tolist()  # type: ignore[no-any-return]


def split(items: list[Any], offs: list[int]) -> list[Any]:
    return [items[s:e] for s, e in zip(offs, offs[1:])]


def split_dicts(keys: list[Any], vals: list[Any], offs: list[int]) -> list[Any]:
    return [dict(zip(keys[s:e], vals[s:e])) for s, e in zip(offs, offs[1:])]


def split_sets(items: list[Any], offs: list[int]) -> list[Any]:
    return [frozenset(items[s:e]) for s, e in zip(offs, offs[1:])]


def split_pairs(keys: list[Any], vals: list[Any], offs: list[int]) -> list[Any]:
    """Maps whose keys Python cannot hash (records, lists): lists of (key, value) tuples."""
    return [list(zip(keys[s:e], vals[s:e])) for s, e in zip(offs, offs[1:])]


def apply_nulls(arr: Any, values: list[Any]) -> list[Any]:
    """Put None where ``arr`` (a struct, list or map column) is null."""
    return _with_nulls(arr, values)


def first_set(members: list[list[Any]]) -> list[Any]:
    """Per row, the value of the first union member that is set."""
    out = []
    for row in zip(*members):
        val = None
        for v in row:
            if v is not None:
                val = v
                break
        out.append(val)
    return out


def new_objects(cls: type[E], n: int) -> list[E]:
    """``n`` bare instances of a generated class (slots are filled by the caller)."""
    new: Callable[[type[E]], E] = object.__new__
    return list(map(new, repeat_iter(cls, n)))


def repeat(value: Any, n: int) -> list[Any]:
    return [value] * n


def repeat_factory(factory: Callable[[], Any], n: int) -> list[Any]:
    return [factory() for _ in range(n)]


def child(arr: Any, name: str) -> Any:
    """A struct child by name (null wherever the struct is), or None when not projected.

    Parquet stores nothing under a null parent; readers fill those slots with
    placeholders ("" for an enum), which must not be converted as values.
    """
    idx = arr.type.get_field_index(name)
    if idx < 0:
        return None
    if arr.null_count:
        return arr.flatten()[idx]
    return arr.field(idx)


def column(batch: Any, name: str) -> Any:
    idx = batch.schema.get_field_index(name)
    if idx < 0:
        return None
    return batch.column(idx)
