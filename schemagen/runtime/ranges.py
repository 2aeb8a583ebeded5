"""Values a file holds that the reader's column cannot: found, reported or replaced.

Two sources reach a reader (``out_of_range=`` of :func:`schemagen.read`,
:func:`schemagen.read_arrow`, :func:`schemagen.read_batches`):

* **INT96 timestamps** (Impala/Spark: a Julian day and the nanoseconds of that day).
  pyarrow converts them to a 64-bit count of microseconds and silently wraps the ones
  beyond its range (about years -290,307..294,246): the corpus file
  ``int96_from_spark.parquet`` holds one whose instant lies in year 11,463,123 and which
  pyarrow returns as a date 225,000 years before Christ.  Each INT96 column is read a
  second time in milliseconds, which never wraps (a 32-bit day count times 86,400,000
  fits 64 bits), and a microsecond value whose millisecond twin says it wrapped is out
  of range.  Its true instant is rebuilt exactly from both readings for the message.
* **Typed reads** (``read``, ``read_batches``): timestamps and dates outside the years
  1..9999 that ``datetime`` holds, and times of day outside 00:00..24:00.

The policy, per value: ``"error"`` (the default) raises a :class:`ReadError` naming the
file, the row, the field path, the value and the range, after the rows before it were
delivered; ``"null"`` reads the value as null (only for a nullable field: a required one
is an error saying so); ``"clamp"`` reads the nearest value of the range (for a typed read,
``datetime.min``/``max`` in the column's unit).

Both the native and the pure-Python readers get the batches this module has checked, so
their results and errors are the same by construction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, get_args

from .._pyarrow import pa, pc
from ..errors import UsageError

OutOfRange = Literal["error", "null", "clamp"]
POLICIES: tuple[str, ...] = get_args(OutOfRange)

_I64 = (-(1 << 63), (1 << 63) - 1)
_EPOCH = datetime.date(1970, 1, 1).toordinal()
_DAYS = (datetime.date.min.toordinal() - _EPOCH, datetime.date.max.toordinal() - _EPOCH)
_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
# |ms| at most this: ms * 1000 (+ up to 999 us) fits 64 bits, so the us value is exact
_MS_SAFE = _I64[1] // 1000 - 1


def policy(value: object) -> OutOfRange:
    """``value`` checked as an ``out_of_range=`` argument."""
    if not isinstance(value, str) or value not in POLICIES:
        raise UsageError(f"out_of_range must be one of {', '.join(map(repr, POLICIES))}, "
                         f"got {value!r}")
    return value  # type: ignore[return-value]


class OutOfRangeValue(Exception):
    """A value out of range under ``out_of_range="error"`` (or ``"null"`` in a required
    field); the reader adds the file and the row.  ``index``: the batch row."""

    def __init__(self, index: int, path: str, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.path = path
        self.message = message


# ----------------------------------------------------------------------------- texts


def civil(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count from 1970-01-01 in the proleptic Gregorian
    calendar, for any integer (Howard Hinnant's days_from_civil, inverted)."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def _year(y: int) -> str:
    return f"{y:04d}" if 0 <= y <= 9999 else f"{y:+05d}"


def day_text(days: int) -> str:
    """A day count from 1970-01-01 as an ISO date, whatever the year."""
    y, m, d = civil(days)
    return f"{_year(y)}-{m:02d}-{d:02d}"


def instant_text(value: int, unit: str) -> str:
    """A count of ``unit`` since 1970-01-01T00:00 as an ISO date and time, whatever the year."""
    per_day = 86_400 * _PER_SECOND[unit]
    days, rest = divmod(value, per_day)
    seconds, frac = divmod(rest, _PER_SECOND[unit])
    h, rem = divmod(seconds, 3600)
    digits = {"s": 0, "ms": 3, "us": 6, "ns": 9}[unit]
    tail = f".{frac:0{digits}d}" if digits else ""
    return f"{day_text(days)}T{h:02d}:{rem // 60:02d}:{rem % 60:02d}{tail}"


# ----------------------------------------------------------------------------- leaves


@dataclass(frozen=True)
class _Range:
    """The storage integers a leaf may hold: ``[lo, hi]``, printed as ``what``."""

    width: Any  # the integer Arrow type of the storage
    lo: int
    hi: int
    what: str
    show: Callable[[int], str]


def _instant_of(unit: str, v: int) -> str:
    return instant_text(v, unit)


def _after_midnight(unit: str, v: int) -> str:
    return f"{v:,} {unit} after midnight"


def typed_range(t: Any) -> _Range | None:
    """What Python's ``datetime`` types hold of an Arrow temporal type (None: no limit
    narrower than the Arrow type's own)."""
    T = pa.types
    if T.is_timestamp(t):
        per_day = 86_400 * _PER_SECOND[t.unit]
        lo = max(_DAYS[0] * per_day, _I64[0])
        hi = min((_DAYS[1] + 1) * per_day - 1, _I64[1])
        if (lo, hi) == _I64:
            return None  # ns: the int64 range lies inside years 1..9999
        return _Range(pa.int64(), lo, hi, "the years 1..9999 that Python's datetime holds",
                      partial(_instant_of, t.unit))
    if T.is_date32(t):
        return _Range(pa.int32(), _DAYS[0], _DAYS[1],
                      "the years 1..9999 that Python's date holds", day_text)
    if T.is_time(t):
        width = pa.int32() if T.is_time32(t) else pa.int64()
        per = _PER_SECOND[t.unit]
        return _Range(width, 0, 86_400 * per - 1, "a time of day (00:00 to 24:00)",
                      partial(_after_midnight, t.unit))
    return None


Leaf = Callable[[Any, Any, bool, str, Callable[[int], int]], Any]


@dataclass
class _Walk:
    """One batch's check: what each leaf becomes (``leaf(arr, type, nullable, path,
    row_of)``; ``row_of`` maps a position in ``arr`` to its batch row)."""

    leaf: Leaf


def has_leaves(t: Any, pick: Callable[[Any], bool]) -> bool:
    """Whether Arrow type ``t`` holds a leaf ``pick`` accepts (through structs, lists, maps)."""
    T = pa.types
    if T.is_struct(t):
        return any(has_leaves(t.field(i).type, pick) for i in range(t.num_fields))
    if T.is_map(t):
        return has_leaves(t.key_type, pick) or has_leaves(t.item_type, pick)
    if T.is_list(t) or T.is_large_list(t):
        return has_leaves(t.value_type, pick)
    return pick(t)


def _walk(arr: Any, nullable: bool, path: str, rows: Callable[[int], int], w: _Walk) -> Any:
    """``arr`` with every leaf passed through ``w.leaf`` (the same array when nothing
    changed)."""
    t = arr.type
    T = pa.types
    if T.is_struct(t):
        kids = [arr.field(i) for i in range(t.num_fields)]
        new = [_walk(k, t.field(i).nullable, f"{path}.{t.field(i).name}", rows, w)
               for i, k in enumerate(kids)]
        if all(a is b for a, b in zip(new, kids)):
            return arr
        return pa.StructArray.from_arrays(new, fields=list(t),
                                          mask=arr.is_null() if arr.null_count else None)
    if T.is_list(t) or T.is_map(t):
        offsets = arr.offsets
        start = offsets[0].as_py()

        def row_of(i: int) -> int:  # only asked for a value out of range
            import numpy as np

            starts = offsets.to_numpy()
            return rows(int(np.searchsorted(starts, start + i, side="right")) - 1)

        n = offsets[-1].as_py() - start
        rebased = pc.subtract(offsets, start)
        mask = arr.is_null() if arr.null_count else None
        if T.is_map(t):
            keys, items = arr.keys.slice(start, n), arr.items.slice(start, n)
            nk = _walk(keys, False, f"{path}{{key}}", row_of, w)
            ni = _walk(items, t.item_field.nullable, f"{path}{{value}}", row_of, w)
            if nk is keys and ni is items:
                return arr
            return pa.MapArray.from_arrays(rebased, nk, ni, type=t, mask=mask)
        values = arr.values.slice(start, n)
        nv = _walk(values, t.value_field.nullable, f"{path}[]", row_of, w)
        if nv is values:
            return arr
        return pa.ListArray.from_arrays(rebased, nv, type=t, mask=mask)
    return w.leaf(arr, t, nullable, path, rows)


def replace(arr: Any, bad: Any, low: Any, rng: tuple[int, int], width: Any,
            how: OutOfRange) -> Any:
    """``arr`` with the ``bad`` positions null (``how="null"``) or clamped to ``rng``
    (``low``: which of them lie below it)."""
    if how == "null":
        return pc.if_else(bad, pa.scalar(None, arr.type), arr)
    ints = arr.view(width) if not pa.types.is_integer(arr.type) else arr
    lo, hi = pa.scalar(rng[0], width), pa.scalar(rng[1], width)
    fixed = pc.if_else(pc.and_(bad, low), lo, pc.if_else(bad, hi, ints))
    return fixed.view(arr.type) if not pa.types.is_integer(arr.type) else fixed


def refuse(how: OutOfRange, nullable: bool, index: int, path: str, text: str) -> None:
    """Raise for a bad value unless the policy replaces it."""
    if how == "error":
        raise OutOfRangeValue(index, path, f"{text}; pass out_of_range='null' or 'clamp' "
                                           "to read such values as null or as the nearest "
                                           "value of the range")
    if how == "null" and not nullable:
        raise OutOfRangeValue(index, path, f"{text}, and out_of_range='null' cannot apply: "
                                           "the field is required (use 'clamp')")


def _typed_leaf(how: OutOfRange) -> Leaf:
    def leaf(arr: Any, t: Any, nullable: bool, path: str, rows: Callable[[int], int]) -> Any:
        if pa.types.is_dictionary(t):
            arr = arr.dictionary_decode()
            t = arr.type
        rng = typed_range(t)
        if rng is None or not len(arr) or arr.null_count == len(arr):
            return arr
        ints = arr.view(rng.width)
        low, high = (v.as_py() for v in pc.min_max(ints).values())
        if low >= rng.lo and high <= rng.hi:
            return arr
        below = pc.fill_null(pc.less(ints, rng.lo), False)
        bad = pc.or_(below, pc.fill_null(pc.greater(ints, rng.hi), False))
        i = pc.index(bad, True).as_py()
        v = ints[i].as_py()
        refuse(how, nullable, rows(i), path,
               f"{rng.show(v)} is outside {rng.what} ({t} value {v})")
        return replace(arr, bad, below, (rng.lo, rng.hi), rng.width, how)

    return leaf


def typed(batch: Any, how: OutOfRange) -> Any:
    """``batch`` (in the reader's layout) with what Python cannot hold handled by ``how``
    (:class:`OutOfRangeValue` for a value the policy does not replace)."""
    schema = batch.schema
    if not any(has_leaves(f.type, lambda t: typed_range(t) is not None) for f in schema):
        return batch
    w = _Walk(_typed_leaf(how))
    columns = batch.columns
    arrays = [_walk(columns[i], f.nullable, f.name, _same, w) for i, f in enumerate(schema)]
    if all(a is b for a, b in zip(arrays, columns)):
        return batch
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _same(i: int) -> int:
    return i


# ----------------------------------------------------------------------------- INT96


def int96_leaves(pf: Any) -> list[str]:
    """Column paths of a Parquet file's INT96 leaves."""
    schema = pf.schema
    return [schema.column(i).path for i in range(len(schema))
            if schema.column(i).physical_type == "INT96"]


class Int96Twin:
    """The INT96 columns of a file read again in milliseconds (which never wrap), by file
    row: ``rows(row0, n)`` is a table of those columns for rows ``row0 .. row0+n-1``
    (one row group of them held at a time)."""

    def __init__(self, pf_ms: Any, leaves: list[str]) -> None:
        self.pf = pf_ms
        self.leaves = leaves
        meta = pf_ms.metadata
        self.starts = [0]
        for g in range(meta.num_row_groups):
            self.starts.append(self.starts[-1] + meta.row_group(g).num_rows)
        self._group = -1
        self._table: Any = None

    def _read(self, g: int) -> Any:
        if g != self._group:
            self._table = self.pf.read_row_group(g, columns=self.leaves)
            self._group = g
        return self._table

    def rows(self, row0: int, n: int, columns: list[str]) -> Any:
        import bisect

        parts = []
        row, left = row0, n
        while left > 0:
            g = bisect.bisect_right(self.starts, row) - 1
            table = self._read(g)
            k = min(left, self.starts[g + 1] - row)
            parts.append(table.slice(row - self.starts[g], k))
            row, left = row + k, left - k
        table = pa.concat_tables(parts) if len(parts) != 1 else parts[0]
        return table.select([c for c in columns if c in table.schema.names])


def _int96_text(true_us: int, wrapped: int) -> str:
    lo, hi = (instant_text(v, "us")[:-16] for v in _I64)
    return (f"INT96 timestamp {instant_text(true_us, 'us')} (its Julian day and nanoseconds "
            f"of the day decoded as unsigned numbers, as pyarrow does; pyarrow alone "
            f"returns it wrapped, as {wrapped} us = {instant_text(wrapped, 'us')}) is "
            f"outside the range of timestamp[us] ({lo}..{hi})")


def wrapped_int96(us: Any, ms: Any) -> list[tuple[int, int, int]]:
    """``(position, true value, wrapped value)`` in us of the values of one INT96 leaf
    that pyarrow wrapped (``us``: the leaf read in us, ``ms``: the same read in ms)."""
    if not len(ms) or ms.null_count == len(ms):
        return []
    m = ms.view(pa.int64())
    low, high = (v.as_py() for v in pc.min_max(m).values())
    if -_MS_SAFE <= low and high <= _MS_SAFE:
        return []  # every value exact
    u = us.view(pa.int64())
    out = []
    cand = pc.fill_null(pc.or_(pc.less(m, -_MS_SAFE), pc.greater(m, _MS_SAFE)), False)
    for i in pc.indices_nonzero(cand).to_pylist():
        ms_v, us_v = m[i].as_py(), u[i].as_py()
        d = (us_v - ms_v * 1000) % (1 << 64)
        true = ms_v * 1000 + (d - (1 << 64) if d >= 1 << 63 else d)
        if not _I64[0] <= true <= _I64[1]:
            out.append((i, true, us_v))
    return out


def int96_text(true_us: int, wrapped: int) -> str:
    """What a wrapped INT96 value is, for messages and reports."""
    return _int96_text(true_us, wrapped)


def _int96_pair(us: Any, ms: Any, nullable: bool, path: str, rows: Callable[[int], int],
                how: OutOfRange) -> Any:
    """One INT96 leaf read in us, checked against its twin read in ms."""
    bad_at = wrapped_int96(us, ms)
    if not bad_at:
        return us
    i, true, wrapped = bad_at[0]
    refuse(how, nullable, rows(i), path, _int96_text(true, wrapped))
    import numpy as np

    bad = np.zeros(len(us), dtype=bool)
    below = bad.copy()
    bad[[b[0] for b in bad_at]] = True
    below[[b[0] for b in bad_at if b[1] < 0]] = True
    return replace(us, pa.array(bad), pa.array(below), _I64, pa.int64(), how)


def _int96_walk(us: Any, ms: Any, nullable: bool, path: str, rows: Callable[[int], int],
                how: OutOfRange) -> Any:
    """``us`` (a column as read in us) with its INT96 leaves checked against ``ms``."""
    T = pa.types
    t = us.type
    if T.is_struct(t):
        names = [ms.type.field(i).name for i in range(ms.type.num_fields)]
        kids = [us.field(i) for i in range(t.num_fields)]
        new = list(kids)
        for i in range(t.num_fields):
            name = t.field(i).name
            if name in names:
                new[i] = _int96_walk(kids[i], ms.field(name), t.field(i).nullable,
                                     f"{path}.{name}", rows, how)
        if all(a is b for a, b in zip(new, kids)):
            return us
        return pa.StructArray.from_arrays(new, fields=list(t),
                                          mask=us.is_null() if us.null_count else None)
    if T.is_timestamp(t) and T.is_timestamp(ms.type):
        return _int96_pair(us, ms, nullable, path, rows, how)
    if T.is_list(t) or T.is_map(t):
        return _int96_nested(us, ms, path, rows, how)
    return us


def _int96_nested(us: Any, ms: Any, path: str, rows: Callable[[int], int],
                  how: OutOfRange) -> Any:
    """An INT96 leaf inside a list or map (their offsets are the same in both readings)."""
    import numpy as np

    t = us.type
    start = us.offsets[0].as_py()
    n = us.offsets[-1].as_py() - start
    mstart = ms.offsets[0].as_py()

    def row_of(i: int) -> int:
        starts = us.offsets.to_numpy()
        return rows(int(np.searchsorted(starts, start + i, side="right")) - 1)

    mask = us.is_null() if us.null_count else None
    rebased = pc.subtract(us.offsets, start)
    if pa.types.is_map(t):
        items = us.items.slice(start, n)
        new = _int96_walk(items, ms.items.slice(mstart, n), t.item_field.nullable,
                          f"{path}{{value}}", row_of, how)
        if new is items:
            return us
        return pa.MapArray.from_arrays(rebased, us.keys.slice(start, n), new, type=t, mask=mask)
    values = us.values.slice(start, n)
    new = _int96_walk(values, ms.values.slice(mstart, n), t.value_field.nullable,
                      f"{path}[]", row_of, how)
    if new is values:
        return us
    return pa.ListArray.from_arrays(rebased, new, type=t, mask=mask)


def int96(batch: Any, twin: Any, how: OutOfRange,
          nullable: Callable[[str, bool], bool]) -> Any:
    """A raw batch (INT96 read in us) with the values that wrapped handled by ``how``;
    ``twin``: the same rows' INT96 columns read in ms; ``nullable(name, file_nullable)``:
    whether the reader's field for top-level column ``name`` may be null."""
    arrays = list(batch.columns)
    changed = False
    for name in twin.schema.names:
        i = batch.schema.get_field_index(name)
        if i < 0:
            continue
        f = batch.schema.field(i)
        ms = twin.column(name).combine_chunks()
        new = _int96_walk(arrays[i], ms, nullable(name, f.nullable), name, _same, how)
        if new is not arrays[i]:
            arrays[i], changed = new, True
    if not changed:
        return batch
    return pa.RecordBatch.from_arrays(arrays, schema=batch.schema)
