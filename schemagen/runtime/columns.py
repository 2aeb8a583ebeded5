"""Column converters used by generated writers and readers.

Generated code picks one converter per column when it is rendered, so there
is no per-value type dispatch at run time: each function here converts a
whole column (a Python list <-> an Arrow array) with vectorised pyarrow/numpy
work where possible.

Writers raise :class:`Invalid` when a column does not fit; the runtime then
walks the records on the slow path to name the record, field and value.
"""

from __future__ import annotations

import datetime
import decimal
import json
import struct
import uuid
from collections.abc import Callable
from itertools import accumulate
from itertools import repeat as repeat_iter
from typing import Any, TypeVar

from .._pyarrow import pa, pc
from ..ir import IntervalValue

Interval = IntervalValue

UTC = datetime.timezone.utc
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

E = TypeVar("E")


class Invalid(Exception):
    """A column does not fit its type; the caller locates the culprit."""


# ----------------------------------------------------------------------------- write side


def ints(values: list[Any], typ: Any) -> Any:
    """Integers only: pyarrow silently truncates floats given for an int type."""
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError) as exc:
        raise Invalid(str(exc)) from exc
    t = arr.type
    if t == typ:
        return arr
    if pa.types.is_integer(t) or pa.types.is_null(t):
        try:
            return arr.cast(typ, safe=True)
        except (pa.ArrowInvalid, OverflowError) as exc:
            raise Invalid(str(exc)) from exc
    raise Invalid(f"values of type {t}")


def typed(values: list[Any], typ: Any) -> Any:
    try:
        return pa.array(values, type=typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError) as exc:
        raise Invalid(str(exc)) from exc


def floats(values: list[Any], typ: Any) -> Any:
    for v in values:
        if v is True or v is False:
            raise Invalid("bool given for a float")
    return typed(values, typ)


def strings(values: list[Any], typ: Any) -> Any:
    arr = typed(values, typ)
    if arr.type != typ:
        raise Invalid("not strings")
    return arr


def timestamps(values: list[Any], typ: Any, utc: bool) -> Any:
    """Aware datetimes for UTC columns, naive ones for local columns (checked)."""
    for v in values:
        if v is not None and (v.tzinfo is None) == utc:
            raise Invalid("naive/aware datetime mismatch")
    return typed(values, typ)


def uuids(values: list[Any], typ: Any) -> Any:
    try:
        raw = [None if v is None else v.bytes for v in values]
    except AttributeError as exc:
        raise Invalid("not a UUID") from exc
    storage = typed(raw, pa.binary(16))
    return pa.ExtensionArray.from_storage(typ, storage)


_INTERVAL = struct.Struct("<III")


def intervals(values: list[Any], typ: Any) -> Any:
    try:
        raw = [
            None if v is None else _INTERVAL.pack(v.months, v.days, v.milliseconds)
            for v in values
        ]
    except (AttributeError, struct.error) as exc:
        raise Invalid("not an Interval") from exc
    return typed(raw, typ)


def json_texts(values: list[Any], typ: Any) -> Any:
    try:
        raw = [
            None if v is None else json.dumps(v, sort_keys=True, separators=(",", ":"))
            for v in values
        ]
    except (TypeError, ValueError) as exc:
        raise Invalid("not JSON-serialisable") from exc
    return typed(raw, typ)


def nulls(values: list[Any], typ: Any) -> Any:
    for v in values:
        if v is not None:
            raise Invalid("value for a null-typed field")
    return pa.nulls(len(values))


def enums(values: list[Any], typ: Any, symbols: frozenset[str]) -> Any:
    arr = strings(values, typ)
    seen = pc.unique(arr).to_pylist()
    for s in seen:
        if s is not None and s not in symbols:
            raise Invalid("not an enum symbol")
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


def typed_lists(values: list[Any], typ: Any, items_required: bool) -> Any:
    odd = [v for v in values if type(v) is not list]
    for v in odd:
        if v is not None and not isinstance(v, list):
            raise Invalid("not a list")
    arr = typed(values, typ)
    if items_required and arr.flatten().null_count:
        raise Invalid("null item in a list of required items")
    return arr


def check_instances(values: list[Any], cls: type[Any]) -> None:
    odd = [v for v in values if type(v) is not cls]
    for v in odd:
        if v is not None and not isinstance(v, cls):
            raise Invalid(f"not a {cls.__name__}")


def union_mask(kinds: list[int]) -> tuple[Any, int]:
    """Mask of null union values (-1); a value matching no member (-2) is invalid."""
    if -2 in kinds:
        raise Invalid("value matches no union member")
    m = [k == -1 for k in kinds]
    return pa.array(m, type=pa.bool_()), m.count(True)


def check_nulls(arr: Any, allowed: int) -> None:
    """Required columns: the only nulls allowed are those under a null parent."""
    if arr.null_count != allowed:
        raise Invalid("null in a required field")


def _empty_value(typ: Any) -> Any:
    if pa.types.is_struct(typ):
        return {typ.field(i).name: _empty_value(typ.field(i).type) for i in range(typ.num_fields)}
    if pa.types.is_list(typ) or pa.types.is_map(typ):
        return []
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


def empty_scalar(typ: Any) -> Any:
    """A placeholder value of ``typ`` for slots under a null parent."""
    if pa.types.is_temporal(typ):
        width = pa.int32() if pa.types.is_date32(typ) or pa.types.is_time32(typ) else pa.int64()
        return pa.scalar(0, width).cast(typ)
    return pa.scalar(_empty_value(typ), typ)


def fill_empty(arr: Any, allowed: int) -> Any:
    """Replace nulls that only stand for a null parent by placeholder values.

    Arrow allows a required child to be null under a null parent; Parquet
    writers reject it (pyarrow's own builders append empty values there too).
    """
    if not allowed or arr.null_count == 0:
        return arr
    if isinstance(arr, pa.ExtensionArray):
        return pa.ExtensionArray.from_storage(arr.type, fill_empty(arr.storage, allowed))
    return pc.fill_null(arr, empty_scalar(arr.type))


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


def _valid(arr: Any) -> list[bool]:
    return arr.is_valid().to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def _with_nulls(arr: Any, values: list[Any]) -> list[Any]:
    if arr.null_count == 0:
        return values
    return [v if ok else None for v, ok in zip(values, _valid(arr))]


def py_numbers(arr: Any) -> list[Any]:
    """int, float and bool columns."""
    if arr.null_count == 0:
        return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]
    if pa.types.is_boolean(arr.type):
        filled = arr.fill_null(False)
    else:
        filled = arr.fill_null(0)
    return _with_nulls(arr, filled.to_numpy(zero_copy_only=False).tolist())


def py_objects(arr: Any) -> list[Any]:
    """string, binary, decimal, date, time columns (numpy gives Python objects, None for null)."""
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def py_dates(arr: Any) -> list[Any]:
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def py_times(arr: Any) -> list[Any]:
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


def py_timestamps(arr: Any, utc: bool) -> list[Any]:
    t = arr.type
    if t.unit == "ns":
        arr = _cast_exact(arr, pa.timestamp("us", tz=t.tz))
        t = arr.type
    if t.tz is not None:
        # to_numpy on tz-aware data gives UTC wall-clock values
        arr = arr.cast(pa.timestamp(t.unit))
    vals = arr.to_numpy(zero_copy_only=False).tolist()
    if utc:
        return [None if v is None else v.replace(tzinfo=UTC) for v in vals]
    return vals  # type: ignore[no-any-return]


def py_durations(arr: Any) -> list[Any]:
    if arr.type.unit == "ns":
        arr = _cast_exact(arr, pa.duration("us"))
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def py_uuids(arr: Any) -> list[Any]:
    if isinstance(arr, pa.ExtensionArray):
        arr = arr.storage
    U = uuid.UUID
    return [None if b is None else U(bytes=b) for b in arr.to_numpy(zero_copy_only=False)]


def py_intervals(arr: Any) -> list[Any]:
    unpack = _INTERVAL.unpack
    return [
        None if b is None else IntervalValue(*unpack(b))
        for b in arr.to_numpy(zero_copy_only=False).tolist()
    ]


def py_json(arr: Any) -> list[Any]:
    loads = json.loads
    return [None if s is None else loads(s) for s in py_objects(arr)]


def py_nulls(arr: Any) -> list[Any]:
    return [None] * len(arr)


def py_enums(arr: Any, cls: Callable[[str], E]) -> list[E | None]:
    """Enum column; unknown symbols go through the class (its ``_missing_`` default)."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    members: dict[str, E] = {}
    out: list[E | None] = []
    append = out.append
    for s in arr.to_numpy(zero_copy_only=False).tolist():
        if s is None:
            append(None)
            continue
        m = members.get(s)
        if m is None:
            m = members[s] = cls(s)
        append(m)
    return out


def py_strings(arr: Any) -> list[Any]:
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    return arr.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def list_offsets(arr: Any) -> list[int]:
    return arr.offsets.to_numpy().tolist()  # type: ignore[no-any-return]


def split(items: list[Any], offs: list[int]) -> list[Any]:
    return [items[s:e] for s, e in zip(offs, offs[1:])]


def split_dicts(keys: list[Any], vals: list[Any], offs: list[int]) -> list[Any]:
    return [dict(zip(keys[s:e], vals[s:e])) for s, e in zip(offs, offs[1:])]


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
    """A struct child by name, or None when a projection left it out."""
    t = arr.type
    idx = t.get_field_index(name)
    if idx < 0:
        return None
    return arr.field(idx)


def column(batch: Any, name: str) -> Any:
    idx = batch.schema.get_field_index(name)
    if idx < 0:
        return None
    return batch.column(idx)
