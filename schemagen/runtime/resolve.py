"""Reading a file written with another version of a record: the resolution plan.

For each file, :func:`plan` compares the *reader* record (the generated class's
IR) with the file's Arrow schema (``PARQUET:field_id`` included) and, when the
footer carries it, the *writer's* IR (``schemagen.schema``).  The result is a
:class:`Plan`: every problem found (all of them, not just the first) and, when
there are none, :meth:`Plan.apply`, which turns a batch in the file's layout
into the reader's Arrow layout with vectorised Arrow operations only (rename,
cast, drop writer-only columns, add missing columns filled with the default or
null), recursively inside structs, lists, maps and unions.  The generated
``from_batch`` and ``read_arrow`` then work on the reader's layout unchanged.

Rules (see docs/datasets.md, "Reading other versions"):

* fields match by field id when both sides have ids, else by name, then by one
  of the reader field's aliases, then by a writer field whose aliases hold the
  reader's name (as Avro does);
* promotions: int -> wider int (unsigned -> wider signed too; never signed ->
  unsigned), int -> float/double (rounding as in Avro), float -> double,
  decimal(p, s) -> decimal(p2, s2) when s2 >= s and p2 - s2 >= p - s,
  string <-> bytes (invalid UTF-8 is a ReadError naming the row), fixed ->
  bytes, string/enum -> enum (unknown symbols take the enum default, else a
  ReadError naming the row and value), enum -> string, coarser -> finer
  time/timestamp/duration units, a value -> a union holding its type;
* a nullable writer field read as a required one is checked per batch: any
  null is a ReadError naming the field (files from other tools mark every
  column optional, so refusing statically would refuse them all);
* a reader field the file lacks takes its default, else None when nullable;
  a required field without default is an :class:`Incompatibility`;
* anything else (narrowing, a finer time unit read as a coarser one, a
  different kind of value) is an :class:`Incompatibility`.

:func:`readability_problems` runs the same planner on a writer IR mapped to
Arrow, so ``schemagen check`` and the runtime agree by construction.
"""

from __future__ import annotations

import datetime
import json
import struct
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, assert_never

from .. import ir
from .._pyarrow import pa, pc
from ..errors import ReadError, shorten
from ..typemap.parquet import FIELD_ID_KEY, SCHEMA_KEY

Types = dict[str, ir.Named]


@dataclass(frozen=True)
class Incompatibility:
    """One field a reader cannot read from a writer's data.

    ``path`` is the reader field path (``user_info.cust_id``; list items
    ``items[]``, map keys/values ``tags{key}``/``tags{value}``, union members
    ``u.member1``).
    """

    path: str
    reason: str
    writer: str | None = None  # writer-side type (None when the field is missing there)
    reader: str | None = None

    def __str__(self) -> str:
        sides = []
        if self.writer is not None:
            sides.append(f"written as {self.writer}")
        if self.reader is not None:
            sides.append(f"read as {self.reader}")
        extra = f" ({', '.join(sides)})" if sides else ""
        return f"{self.path}: {self.reason}{extra}"


# ----------------------------------------------------------------------------- descriptions


def _arrow_text(at: Any) -> str:
    return shorten(at, 120, render=str)


# ----------------------------------------------------------------------------- nodes


class _Ctx:
    """Per-apply state: whether missing fields are filled (read_arrow) or left out, and
    the file row of the batch's first row (for messages; None when unknown)."""

    __slots__ = ("fill", "how", "row0")

    def __init__(self, fill: bool, row0: int | None = None, how: str = "error") -> None:
        self.fill = fill
        self.row0 = row0
        self.how = how  # out_of_range (schemagen.runtime.ranges)

    def where(self, path: str, i: int) -> str:
        """``row N: `` for a value at index ``i`` of a column along ``path`` ('' inside
        lists and maps, whose values are not rows)."""
        if "[" in path or "{" in path:
            return ""
        return f"row {i if self.row0 is None else self.row0 + i}: "


class _Node:
    """Turns an array of the writer's type into one of the reader's type."""

    identity = False

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def prune(self, sel: Any) -> _Node:
        return self


def _plain(arr: Any) -> Any:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    return arr


def _wrap(path: str, exc: Exception) -> ReadError:
    return ReadError(f"field {path!r}: {exc}")


def _first_failing(arr: Any, fn: Any) -> int:
    """Index of the first value of ``arr`` for which ``fn(slice)`` raises (binary search)."""
    lo, hi = 0, len(arr)  # fn(arr[:lo]) succeeds, fn(arr[:hi]) fails
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            fn(arr.slice(0, mid))
            lo = mid
        except pa.ArrowException:
            hi = mid
    return lo


class _Same(_Node):
    """The file already has the reader's type (dictionary encoding aside)."""

    identity = True

    def __init__(self, target: Any) -> None:
        self.target = target

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        if not arr.type.equals(self.target):
            return arr.cast(self.target)  # same type modulo nested field metadata
        return arr


def _is_text(t: Any) -> bool:
    """Arrow string types a file's column may have (pyarrow writes string_view too)."""
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def _is_bytes(t: Any) -> bool:
    return bool(pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t))


class _Cast(_Node):
    def __init__(self, target: Any, safe: bool = True, storage: bool = False,
                 exact: bool = False) -> None:
        self.target = target
        self.safe = safe
        self.storage = storage  # extension array: cast its storage
        # values and their order unchanged (a filter on the file's column means the same)
        self.exact = exact

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        if self.storage and isinstance(arr, pa.ExtensionArray):
            arr = arr.storage
        try:
            return self._cast(arr)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            i = _first_failing(arr, self._cast)
            raise ReadError(f"field {path!r}: {ctx.where(path, i)}{_shown(arr[i])} cannot be "
                            f"read as {self.target} ({exc})") from None

    def _cast(self, arr: Any) -> Any:
        if pa.types.is_binary(arr.type) and getattr(self.target, "extension_name", None):
            arr = arr.cast(self.target.storage_type)
            return pa.ExtensionArray.from_storage(self.target, arr)
        return arr.cast(self.target, safe=self.safe)


def _shown(scalar: Any) -> str:
    try:
        text = repr(scalar.as_py())
    except (ValueError, OverflowError, pa.ArrowException):
        if pa.types.is_timestamp(scalar.type) or pa.types.is_date(scalar.type):
            text = _temporal_text(scalar.cast(pa.int64()).as_py(), scalar.type)
        else:
            try:
                text = str(scalar)
            except (ValueError, OverflowError, pa.ArrowException):
                text = f"a {scalar.type} value Python cannot hold"
    return shorten(text, 80, render=str)


def _temporal_text(v: int, t: Any) -> str:
    """A temporal storage integer as text, whatever its year."""
    from .ranges import day_text, instant_text

    if pa.types.is_timestamp(t):
        return f"{instant_text(v, t.unit)} ({t} value {v})"
    if pa.types.is_date(t):
        return f"{day_text(v if pa.types.is_date32(t) else v // 86_400_000)} ({t} value {v})"
    return f"{v:,} {t.unit} ({t})"


_PER_S = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_I64_MAX = (1 << 63) - 1


class _Finer(_Cast):
    """A time, timestamp or duration read in a finer unit than the file's (s -> ns ...):
    a value beyond the finer unit's 64-bit range is out of range (``out_of_range``:
    a ReadError naming the row, null, or the nearest limit)."""

    def __init__(self, target: Any, nullable: bool) -> None:
        super().__init__(target, exact=True)
        self.nullable = nullable

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        from .ranges import OutOfRangeValue, refuse, replace

        arr = _plain(arr)
        src = arr.type
        try:
            return self._cast(arr)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            if not hasattr(src, "unit") or _PER_S[self.target.unit] <= _PER_S[src.unit]:
                return super().apply(arr, path, ctx)
        lim = _I64_MAX // (_PER_S[self.target.unit] // _PER_S[src.unit])
        ints = arr.view(pa.int64()) if src.bit_width == 64 else arr.view(pa.int32())
        below = pc.fill_null(pc.less(ints, -lim), False)
        bad = pc.or_(below, pc.fill_null(pc.greater(ints, lim), False))
        if not pc.any(bad).as_py():
            return super().apply(arr, path, ctx)
        i = pc.index(bad, True).as_py()
        text = (f"{_temporal_text(ints[i].as_py(), src)} is outside the range of "
                f"{self.target} (64-bit {self.target.unit})")
        nested = "[" in path or "{" in path  # positions inside lists are not rows
        try:
            refuse(ctx.how, self.nullable, i, path, text)  # type: ignore[arg-type]
        except OutOfRangeValue as exc:
            if nested or ctx.row0 is None:
                raise ReadError(f"field {path!r}: {exc.message}") from None
            raise
        fixed = replace(arr, bad, below, (-lim, lim), ints.type, ctx.how)  # type: ignore[arg-type]
        return self._cast(fixed)


class _Utf8(_Node):
    """bytes -> string: invalid UTF-8 is a ReadError naming the row."""

    def __init__(self, target: Any) -> None:
        self.target = target

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        if isinstance(arr, pa.ExtensionArray):
            arr = arr.storage
        try:
            return arr.cast(self.target)
        except pa.ArrowInvalid:
            for i, b in enumerate(arr.to_pylist()):
                if b is not None:
                    try:
                        b.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise ReadError(
                            f"field {path!r}: {ctx.where(path, i)}{b[:40]!r} is not valid UTF-8 "
                            f"({exc.reason}), so it cannot be read as a string"
                        ) from None
            raise  # pragma: no cover - the cast failed for another reason


class _Enum(_Node):
    """string -> enum symbols: unknown symbols take the default, else a ReadError."""

    def __init__(self, name: str, symbols: tuple[str, ...], default: str | None,
                 open_: bool = False, numbers: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.symbols = pa.array(list(symbols), pa.string())
        self.default = default
        self.open = open_  # numbers without a symbol ("7") are values of an open enum
        # writer symbols the reader lacks -> their numbers (open enums keep unknown numbers)
        self.from_ = pa.array(list(numbers or ()), pa.string())
        self.to = pa.array(list((numbers or {}).values()), pa.string())

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        if not pa.types.is_string(arr.type):
            arr = arr.cast(pa.string())
        if len(self.from_):
            idx = pc.index_in(arr, value_set=self.from_)
            arr = pc.if_else(idx.is_valid(), self.to.take(idx), arr)
        known = pc.is_in(arr, value_set=self.symbols)
        if self.open:
            known = pc.or_(known, pc.match_substring_regex(arr, r"^-?[0-9]+$"))
        unknown = pc.and_(pc.invert(known), arr.is_valid())
        if not pc.any(unknown).as_py():
            return arr
        if self.default is not None:
            return pc.if_else(unknown, pa.scalar(self.default, pa.string()), arr)
        row = pc.index(unknown, True).as_py()
        value = arr[row].as_py()
        raise ReadError(
            f"field {path!r}: {ctx.where(path, row)}unknown symbol {value!r} for enum {self.name} "
            f"(symbols: {', '.join(self.symbols.to_pylist())}; the enum has no default "
            "to fall back to)"
        )


class _AllNull(_Node):
    """A reader field of type null: the column must hold only nulls."""

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        if arr.null_count != len(arr):
            raise ReadError(f"field {path!r}: a null-typed field holds "
                            f"{len(arr) - arr.null_count} non-null value(s)")
        return pa.nulls(len(arr))


def _check_required(arr: Any, parent_valid: Any, path: str, ctx: _Ctx) -> None:
    """No nulls in a required field except where its parent is null."""
    if not arr.null_count:
        return
    if parent_valid is None:
        bad = arr.is_null()
    else:
        bad = pc.and_(arr.is_null(), parent_valid)
    if pc.any(bad).as_py():
        row = pc.index(bad, True).as_py()
        n = pc.sum(bad).as_py()
        first = ctx.where(path, row)[:-2]
        raise ReadError(f"field {path!r} holds {n} null value(s) "
                        f"{'(first at ' + first + ') ' if first else ''}but the field is required")


@dataclass
class _FieldPlan:
    name: str  # reader wire name
    arrow: Any  # reader pa.Field
    src: str | None  # writer field name in the file, None when missing
    node: _Node | None
    check_nulls: bool  # writer nullable, reader required
    fill: Any = None  # pa.Scalar default for missing fields (None: null)


class _Struct(_Node):
    def __init__(self, fields: list[_FieldPlan], target: Any,
                 lost: Sequence[str] = (), union: str = "") -> None:
        self.fields = fields
        self.target = target
        # a union record (Thrift union): the writer's members the reader lacks.  A row
        # that set one would read as an empty union (its value silently lost): error.
        self.lost = tuple(lost)
        self.union = union

    def prune(self, sel: Any) -> _Node:
        if sel is None:
            return self
        kept = [f for f in self.fields if f.name in sel]
        out = [_FieldPlan(f.name, f.arrow, f.src,
                          None if f.node is None else f.node.prune(sel[f.name]),
                          f.check_nulls, f.fill) for f in kept]
        return _Struct(out, pa.struct([f.arrow for f in out]))

    def columns(self, arrays: Sequence[Any], names: Sequence[str], n: int, path: str,
                ctx: _Ctx, parent_valid: Any) -> tuple[list[Any], list[Any]]:
        index = {nm: i for i, nm in enumerate(names)}
        for name in self.lost:
            if name in index:
                set_ = arrays[index[name]].is_valid()
                if parent_valid is not None:
                    set_ = pc.and_(set_, parent_valid)
                if pc.any(set_).as_py():
                    i = pc.index(set_, True).as_py()
                    where = f"field {path!r}: " if path else ""
                    raise ReadError(
                        f"{where}{ctx.where(path, i)}the union member {name!r} is set, and "
                        f"{self.union} has no such member (its value would be lost)")
        out_arrays: list[Any] = []
        out_fields: list[Any] = []
        for f in self.fields:
            sub = f"{path}.{f.name}" if path else f.name
            i = index.get(f.src) if f.src is not None else None
            if i is None:
                if f.src is not None or not ctx.fill:
                    continue  # projected out (or left to the generated reader's default)
                out_arrays.append(_filled(f, n))
                out_fields.append(f.arrow)
                continue
            a = arrays[i]
            assert f.node is not None
            a = f.node.apply(a, sub, ctx)
            if f.check_nulls:
                _check_required(a, parent_valid, sub, ctx)
            out_arrays.append(a)
            out_fields.append(f.arrow if a.type.equals(f.arrow.type)
                              else f.arrow.with_type(a.type))
        return out_arrays, out_fields

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        t = arr.type
        names = [t.field(i).name for i in range(t.num_fields)]
        children = [arr.field(i) for i in range(t.num_fields)]
        valid = arr.is_valid() if arr.null_count else None
        arrays, fields = self.columns(children, names, len(arr), path, ctx, valid)
        mask = arr.is_null() if arr.null_count else None
        if not fields:  # every field left to the generated reader: only validity remains
            if mask is None:
                return pa.Array.from_buffers(pa.struct([]), len(arr), [None], children=[])
            valid = pc.invert(mask)
            return pa.Array.from_buffers(pa.struct([]), len(valid), [valid.buffers()[1]],
                                         offset=valid.offset, children=[])
        return pa.StructArray.from_arrays(arrays, fields=fields, mask=mask)


def _filled(f: _FieldPlan, n: int) -> Any:
    t = f.arrow.type
    if f.fill is None:
        return pa.nulls(n, t)
    return pa.repeat(f.fill[0], n)


def _rebased(arr: Any) -> tuple[Any, Any]:
    """(offsets starting at 0, the values they index) of a possibly sliced list array."""
    offsets = arr.offsets
    values = arr.values
    if not len(arr):
        return pa.array([0], offsets.type), values.slice(0, 0)
    first, last = offsets[0].as_py(), offsets[-1].as_py()
    if first or last != len(values):
        values = values.slice(first, last - first)
    if first or offsets.offset:
        # a fresh array: from_arrays refuses sliced offsets together with a null mask
        offsets = pc.subtract(offsets, pa.scalar(first, offsets.type))
    return offsets, values


class _List(_Node):
    def __init__(self, item: _Node, item_field: Any, check_nulls: bool) -> None:
        self.item = item
        self.item_field = item_field
        self.check_nulls = check_nulls

    def prune(self, sel: Any) -> _Node:
        return _List(self.item.prune(sel), self.item_field, self.check_nulls)

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        if pa.types.is_fixed_size_list(arr.type) or pa.types.is_large_list(arr.type):
            arr = arr.cast(pa.list_(arr.type.value_field))
        sub = path + "[]"
        offsets, values = _rebased(arr)
        items = self.item.apply(values, sub, ctx)
        if self.check_nulls:
            _check_required(items, None, sub, ctx)
        field_ = self.item_field.with_type(items.type)
        mask = arr.is_null() if arr.null_count else None
        return pa.ListArray.from_arrays(offsets, items, type=pa.list_(field_), mask=mask)


class _Map(_Node):
    def __init__(self, key: _Node, value: _Node, value_field: Any, check_nulls: bool) -> None:
        self.key = key
        self.value = value
        self.value_field = value_field
        self.check_nulls = check_nulls

    def prune(self, sel: Any) -> _Node:
        return _Map(self.key, self.value.prune(sel), self.value_field, self.check_nulls)

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        offsets, entries = _rebased(arr)
        keys = self.key.apply(entries.field(0), path + "{key}", ctx)
        # "{}" for map values at run time, as the generated readers' messages say
        vals = self.value.apply(entries.field(1), path + "{}", ctx)
        if self.check_nulls:
            _check_required(vals, None, path + "{}", ctx)
        mask = arr.is_null() if arr.null_count else None
        typ = pa.map_(keys.type, self.value_field.with_type(vals.type))
        return pa.MapArray.from_arrays(offsets, keys, vals, type=typ, mask=mask)


class _Union(_Node):
    """Writer union members (or a plain writer value, ``src is None``) -> reader members."""

    def __init__(self, routes: list[tuple[int | None, int, _Node]], target: Any) -> None:
        self.routes = routes  # (writer member index or None for a non-union writer, reader member, node)
        self.target = target

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        n = len(arr)
        members: list[Any] = [None] * self.target.num_fields
        for w, r, node in self.routes:
            src = arr if w is None else arr.field(w)
            sub = f"{path}.member{r}"
            val = node.apply(src, sub, ctx)
            members[r] = val if members[r] is None else pc.coalesce(members[r], val)
        arrays = [m if m is not None else pa.nulls(n, self.target.field(i).type)
                  for i, m in enumerate(members)]
        fields = [self.target.field(i).with_type(a.type) for i, a in enumerate(arrays)]
        mask = arr.is_null() if arr.null_count else None
        return pa.StructArray.from_arrays(arrays, fields=fields, mask=mask)


class _FromUnion(_Node):
    """A writer union read as a plain reader type: every member converts to it."""

    def __init__(self, routes: list[tuple[int, _Node]]) -> None:
        self.routes = routes

    def apply(self, arr: Any, path: str, ctx: _Ctx) -> Any:
        arr = _plain(arr)
        out = None
        for w, node in self.routes:
            val = node.apply(arr.field(w), path, ctx)
            out = val if out is None else pc.coalesce(out, val)
        assert out is not None
        return out


# ----------------------------------------------------------------------------- planning


def field_id(f: Any) -> int | None:
    meta = f.metadata or {}
    raw = meta.get(FIELD_ID_KEY)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Want:
    """What one field's reading is planned from: the writer's Arrow type (``wat``) and
    IR type (``w_inner``, None when unknown), the reader's Arrow ``target``, the writer's
    Arrow extension name, the path, and how to record a problem (``bad(reason)``)."""

    wat: Any
    w_inner: ir.Type | None
    target: Any
    ext: str | None
    path: str
    bad: Callable[[str], None]
    nullable: bool = True  # the reader's field may be null (out_of_range="null")


def _read_int(inner: ir.Int, w: _Want) -> _Node | None:
    if not pa.types.is_integer(w.wat):
        return None
    why = _int_narrowing(w.wat, inner)
    if why is None:
        return _Cast(w.target, exact=True)
    w.bad(why)
    return None


def _read_float(inner: ir.Float, w: _Want) -> _Node | None:
    if pa.types.is_floating(w.wat):
        if w.wat.bit_width <= inner.bits:
            return _Cast(w.target, exact=True)
        w.bad(f"{w.wat} cannot be read as {w.target} (narrowing)")
        return None
    if pa.types.is_integer(w.wat):
        return _Cast(w.target, safe=False)  # rounds, as Avro's int -> float promotion
    return None


def _read_text(w: _Want) -> _Node | None:
    if _is_text(w.wat):
        return _Cast(w.target, exact=True)
    if _is_bytes(w.wat):
        if isinstance(w.w_inner, (ir.Fixed, ir.Interval, ir.Uuid, ir.Decimal)):
            w.bad(f"{ir.describe(w.w_inner)} values cannot be read as a string")
            return None
        return _Utf8(w.target)
    return None


def _read_bytes(w: _Want) -> _Node | None:
    if _is_bytes(w.wat) or _is_text(w.wat) or pa.types.is_fixed_size_binary(w.wat):
        if isinstance(w.w_inner, (ir.Decimal, ir.Interval, ir.Uuid, ir.EnumRef)):
            w.bad(f"{ir.describe(w.w_inner)} values cannot be read as bytes")
            return None
        return _Cast(w.target, storage=True)
    return None


def _read_fixed(size: int, w: _Want) -> _Node | None:
    if pa.types.is_fixed_size_binary(w.wat):
        if w.wat.byte_width == size and not isinstance(w.w_inner, ir.Decimal):
            return _Same(w.target)
        w.bad(f"{w.wat} cannot be read as {w.target} (different size or meaning)")
        return None
    if _is_bytes(w.wat):
        if w.w_inner is not None and not isinstance(w.w_inner, (ir.Fixed, ir.Interval)):
            w.bad(f"{ir.describe(w.w_inner)} cannot be read as fixed({size}) "
                  "(values of any length)")
            return None
        # other writers (DuckDB) store FIXED_LEN_BYTE_ARRAY as BYTE_ARRAY: lengths
        # are checked value by value
        return _Cast(w.target)
    return None


def _read_decimal(inner: ir.Decimal, w: _Want) -> _Node | None:
    wat = w.wat
    if not pa.types.is_decimal(wat):
        return None
    if inner.scale >= wat.scale and inner.precision - inner.scale >= wat.precision - wat.scale:
        return _Cast(w.target, exact=True)
    w.bad(f"decimal({wat.precision}, {wat.scale}) cannot be read as "
          f"decimal({inner.precision}, {inner.scale}) (values or digits would be lost)")
    return None


def _read_temporal(inner: ir.Time | ir.Timestamp | ir.Duration, w: _Want) -> _Node | None:
    T = pa.types
    match inner:
        case ir.Time():
            same_kind = T.is_time(w.wat)
        case ir.Timestamp():
            same_kind = T.is_timestamp(w.wat)
        case ir.Duration():
            same_kind = T.is_duration(w.wat)
        case _:
            assert_never(inner)
    if not same_kind:
        return None
    # the unit the writer declared: Parquet has no seconds, so a writer's s column is stored
    # in ms, and reading it back as s loses nothing (the cast below checks every value)
    declared = (w.w_inner.unit if isinstance(w.w_inner, ir.Time | ir.Timestamp | ir.Duration)
                else w.wat.unit)
    if ir.unit_rank(declared) > ir.unit_rank(inner.unit) and w.w_inner is not None:
        # declared finer by the writer: refused.  A foreign file's unit says
        # little (DuckDB stores every timestamp in us): values checked exact.
        w.bad(f"{declared} values cannot be read as {inner.unit} (precision "
              "would be lost)")
        return None
    if isinstance(inner, ir.Timestamp) and (w.wat.tz is not None) != inner.utc:
        w.bad("a local (naive) timestamp cannot be read as a UTC instant"
              if inner.utc else
              "a UTC instant cannot be read as a local (naive) timestamp")
        return None
    if ir.unit_rank(w.wat.unit) < ir.unit_rank(inner.unit):
        return _Finer(w.target, w.nullable)
    return _Cast(w.target, exact=True)


class _Planner:
    def __init__(self, reader_types: Types, writer_types: Types | None) -> None:
        self.rt = reader_types
        self.wt = writer_types
        from ..typemap.arrow import ArrowMapper

        self.mapper = ArrowMapper(reader_types)
        self.problems: list[Incompatibility] = []
        self.renamed = False  # some reader path is read from a differently named column

    def problem(self, path: str, reason: str, writer: str | None, reader: str | None) -> None:
        self.problems.append(Incompatibility(path, reason, writer, reader))

    # -- records

    def record(self, rec: ir.Record, wfields: list[Any], wrec: ir.Record | None,
               path: str) -> list[_FieldPlan]:
        wir = {f.name: f for f in wrec.fields} if wrec is not None else {}
        by_name = {f.name: i for i, f in enumerate(wfields)}
        ids = {field_id(f): i for i, f in enumerate(wfields) if field_id(f) is not None}
        claimed: set[int] = set()
        matches: list[int | None] = []
        # field ids first (both sides have them), so names cannot steal an id's column
        for f in rec.fields:
            if f.field_id is not None and ids:
                i = ids.get(f.field_id)
                if i is not None:
                    claimed.add(i)
                matches.append(i)
            else:
                matches.append(-1)
        for k, f in enumerate(rec.fields):
            if matches[k] != -1:
                continue
            found: int | None = None
            for cand in (f.name, *f.aliases):
                i = by_name.get(cand)
                if i is not None and i not in claimed:
                    found = i
                    break
            if found is None:
                for i, wf in enumerate(wfields):
                    wf_ir = wir.get(wf.name)
                    if i not in claimed and wf_ir is not None and f.name in wf_ir.aliases:
                        found = i
                        break
            if found is not None:
                claimed.add(found)
            matches[k] = found
        out: list[_FieldPlan] = []
        for f, i in zip(rec.fields, matches):
            sub = f"{path}.{f.name}" if path else f.name
            arrow_field = self.mapper.field(f)
            inner, nullable = ir.strip_nullable(f.type)
            if i is None:
                out.append(self.missing(f, arrow_field, sub))
                continue
            wf = wfields[i]
            if wf.name != f.name:
                self.renamed = True
            w_ir = wir.get(wf.name)
            node = self.type(f.type, wf.type, None if w_ir is None else w_ir.type, sub)
            check = (not nullable and not isinstance(inner, ir.Null)
                     and (wf.nullable or (w_ir is not None and ir.strip_nullable(w_ir.type)[1])))
            out.append(_FieldPlan(f.name, arrow_field, wf.name, node, check))
        return out

    def missing(self, f: ir.Field, arrow_field: Any, path: str) -> _FieldPlan:
        inner, nullable = ir.strip_nullable(f.type)
        if f.has_default:
            try:
                value = arrow_value(f.type, f.default, self.rt)
                fill = pa.array([value], arrow_field.type)
            except (pa.ArrowException, ValueError, TypeError, KeyError) as exc:
                self.problem(path, f"missing in the file and its default {f.default!r} cannot "
                             f"be stored as {arrow_field.type} ({exc})", None, ir.describe(f.type))
                fill = None
            return _FieldPlan(f.name, arrow_field, None, None, False, fill)
        if nullable:
            return _FieldPlan(f.name, arrow_field, None, None, False, None)
        self.problem(path, "missing in the file, and the field is required with no default",
                     None, ir.describe(f.type))
        return _FieldPlan(f.name, arrow_field, None, None, False, None)

    # -- types

    def type(self, t: ir.Type, wat: Any, wt: ir.Type | None, path: str) -> _Node | None:
        """Node reading writer Arrow type ``wat`` (writer IR ``wt`` if known) as ``t``."""
        inner, nullable = ir.strip_nullable(t)
        w_inner = ir.strip_nullable(wt)[0] if wt is not None else None
        target = self.mapper.type(inner)
        T = pa.types
        if T.is_dictionary(wat):
            wat = wat.value_type
        n_before = len(self.problems)

        def bad(reason: str) -> None:
            writer = ir.describe(w_inner) if w_inner is not None else _arrow_text(wat)
            self.problem(path, reason, writer, ir.describe(inner))

        if isinstance(inner, ir.Null):
            return _Same(target) if T.is_null(wat) else _AllNull()
        if T.is_null(wat):
            return _Cast(target)  # an all-null column fits any type
        if isinstance(w_inner, ir.Union_) and not isinstance(inner, ir.Union_):
            return self.from_union(inner, t, wat, w_inner, path, bad)
        if isinstance(inner, ir.Union_):
            return self.union(inner, target, wat, w_inner, path, bad)
        ext = getattr(wat, "extension_name", None)
        if ext is not None and not isinstance(inner, ir.Uuid):
            wat = wat.storage_type
        if wat.equals(target) and not isinstance(inner, (ir.RecordRef, ir.List, ir.Map,
                                                           ir.EnumRef)):
            return _Same(target)
        node = self.read_as(inner, _Want(wat, w_inner, target, ext, path, bad, nullable))
        if node is None and len(self.problems) == n_before:
            bad(f"{_arrow_text(wat)} values cannot be read as {ir.describe(inner)}")
        return node

    def read_as(self, inner: ir.Type, w: _Want) -> _Node | None:
        """The node reading ``w.wat`` as the non-null ``inner`` (None: it cannot; a
        problem is recorded by the caller when the case recorded none)."""
        match inner:
            case ir.Bool():
                return _Same(w.target) if pa.types.is_boolean(w.wat) else None
            case ir.Int():
                return _read_int(inner, w)
            case ir.Float():
                return _read_float(inner, w)
            case ir.String() | ir.Json():
                return _read_text(w)
            case ir.Bytes():
                return _read_bytes(w)
            case ir.Fixed() | ir.Interval():
                return _read_fixed(12 if isinstance(inner, ir.Interval) else inner.size, w)
            case ir.Uuid():
                if w.ext == "arrow.uuid" or (pa.types.is_fixed_size_binary(w.wat)
                                             and w.wat.byte_width == 16):
                    return _Cast(w.target, storage=True)
                return None
            case ir.Decimal():
                return _read_decimal(inner, w)
            case ir.Date():
                return _Cast(w.target, exact=True) if pa.types.is_date(w.wat) else None
            case ir.Time() | ir.Timestamp() | ir.Duration():
                return _read_temporal(inner, w)
            case ir.EnumRef(name):
                return self.enum(name, w) if _is_text(w.wat) else None
            case ir.RecordRef(name):
                return self.record_ref(name, w)
            case ir.List():
                return self.list_of(inner, w)
            case ir.Map():
                return self.map_of(inner, w)
            case ir.Null() | ir.Nullable() | ir.Union_():  # pragma: no cover - type() did these
                return None
            case _:
                assert_never(inner)

    def enum(self, name: str, w: _Want) -> _Node | None:
        enum = self.rt[name]
        assert isinstance(enum, ir.Enum)
        if isinstance(w.w_inner, ir.EnumRef) and self.wt is not None:
            wenum = self.wt.get(w.w_inner.name)
            if isinstance(wenum, ir.Enum):
                extra = [s for s in wenum.symbols if s not in enum.symbols]
                if not extra:
                    return _Cast(w.target)
                if ir.is_open_enum(enum) and wenum.values is not None:
                    # protobuf: an open enum keeps numbers it has no symbol for
                    numbers = dict(zip(wenum.symbols, map(str, wenum.values)))
                    return _Enum(name, enum.symbols, enum.default, True,
                                 {s: numbers[s] for s in extra})
                if enum.default is None:
                    w.bad(f"the writer's symbols {', '.join(extra)} are not in the "
                          "reader's enum, which has no default")
                    return None
        return _Enum(name, enum.symbols, enum.default, ir.is_open_enum(enum))

    def record_ref(self, name: str, w: _Want) -> _Node | None:
        if not pa.types.is_struct(w.wat) or isinstance(w.w_inner, ir.Union_):
            return None
        rec = self.rt[name]
        assert isinstance(rec, ir.Record)
        wrec = None
        if isinstance(w.w_inner, ir.RecordRef) and self.wt is not None:
            got = self.wt.get(w.w_inner.name)
            wrec = got if isinstance(got, ir.Record) else None
        wfields = [w.wat.field(i) for i in range(w.wat.num_fields)]
        fields = self.record(rec, wfields, wrec, w.path)
        lost: list[str] = []
        if rec.kind == "union":
            used = {f.src for f in fields}
            lost = [f.name for f in wfields if f.name not in used]
        return _Struct(fields, w.target, lost, rec.name)

    def list_of(self, inner: ir.List, w: _Want) -> _Node | None:
        wat = w.wat
        if not (pa.types.is_list(wat) or pa.types.is_large_list(wat)
                or pa.types.is_fixed_size_list(wat)):
            return None
        w_item = w.w_inner.item if isinstance(w.w_inner, ir.List) else None
        item = self.type(inner.item, wat.value_type, w_item, w.path + "[]")
        if item is None:
            return None
        check = not ir.strip_nullable(inner.item)[1] and wat.value_field.nullable
        return _List(item, w.target.value_field, check)

    def map_of(self, inner: ir.Map, w: _Want) -> _Node | None:
        wat = w.wat
        if not pa.types.is_map(wat):
            return None
        wk = w.w_inner.key if isinstance(w.w_inner, ir.Map) else None
        wv = w.w_inner.value if isinstance(w.w_inner, ir.Map) else None
        key = self.type(inner.key, wat.key_type, wk, w.path + "{key}")
        val = self.type(inner.value, wat.item_type, wv, w.path + "{value}")
        if key is None or val is None:
            return None
        check = not ir.strip_nullable(inner.value)[1] and wat.item_field.nullable
        return _Map(key, val, w.target.item_field, check)

    def _quiet(self, t: ir.Type, wat: Any, wt: ir.Type | None, path: str) -> _Node | None:
        """Like :meth:`type` but without recording problems (for choosing union members)."""
        saved = len(self.problems)
        node = self.type(t, wat, wt, path)
        del self.problems[saved:]
        return node

    def union(self, inner: ir.Union_, target: Any, wat: Any, w_inner: ir.Type | None,
              path: str, bad: Any) -> _Node | None:
        members = list(inner.members)
        writer_is_union = isinstance(w_inner, ir.Union_) or (
            w_inner is None and pa.types.is_struct(wat) and wat.num_fields > 0
            and all(wat.field(i).name == f"member{i}" for i in range(wat.num_fields)))
        if not writer_is_union:
            r = self._member_for(members, wat, w_inner, path)
            if r is None:
                bad(f"{_arrow_text(wat)} matches no member of the union")
                return None
            return _Union([(None, r[0], r[1])], target)
        routes: list[tuple[int | None, int, _Node]] = []
        for i in range(wat.num_fields):
            wm = w_inner.members[i] if isinstance(w_inner, ir.Union_) and \
                i < len(w_inner.members) else None
            r = self._member_for(members, wat.field(i).type, wm, f"{path}.member{i}")
            if r is None:
                what = ir.describe(wm) if wm is not None else _arrow_text(wat.field(i).type)
                bad(f"writer member {i} ({what}) matches no member of the reader's union")
                continue
            routes.append((i, r[0], r[1]))
        if len(routes) != wat.num_fields:
            return None
        return _Union(routes, target)

    def _member_for(self, members: list[ir.Type], wat: Any, wt: ir.Type | None,
                    path: str) -> tuple[int, _Node] | None:
        # the first member of exactly the writer's type, else the first that can read it
        for j, m in enumerate(members):
            if wt is not None and ir.strip_nullable(wt)[0] == m:
                node = self._quiet(m, wat, wt, path)
                if node is not None:
                    return j, node
        for j, m in enumerate(members):
            target = self.mapper.type(m)
            if pa.types.is_dictionary(wat):
                wat = wat.value_type
            if wt is None and wat.equals(target):
                node = self._quiet(m, wat, wt, path)
                if node is not None:
                    return j, node
        for j, m in enumerate(members):
            node = self._quiet(m, wat, wt, path)
            if node is not None:
                return j, node
        return None

    def from_union(self, inner: ir.Type, t: ir.Type, wat: Any, w_inner: ir.Union_,
                   path: str, bad: Any) -> _Node | None:
        if not pa.types.is_struct(wat) or wat.num_fields != len(w_inner.members):
            bad("the writer's union is not stored as member0..N")
            return None
        routes: list[tuple[int, _Node]] = []
        failed = []
        for i, wm in enumerate(w_inner.members):
            node = self._quiet(inner, wat.field(i).type, wm, path)
            if node is None:
                failed.append(f"member {i} ({ir.describe(wm)})")
            else:
                routes.append((i, node))
        if failed:
            bad(f"the writer's union members {', '.join(failed)} cannot be read as "
                f"{ir.describe(inner)}")
            return None
        return _FromUnion(routes)


def _int_narrowing(wat: Any, r: ir.Int) -> str | None:
    w_signed = pa.types.is_signed_integer(wat)
    w_bits = wat.bit_width
    w_name = f"{'' if w_signed else 'u'}int{w_bits}"
    r_name = f"{'' if r.signed else 'u'}int{r.bits}"
    if w_signed and not r.signed:
        return f"{w_name} cannot be read as {r_name} (signed values do not fit an unsigned type)"
    if w_signed == r.signed and w_bits <= r.bits:
        return None
    if not w_signed and r.signed and w_bits < r.bits:
        return None
    return f"{w_name} cannot be read as {r_name} (narrowing)"


# ----------------------------------------------------------------------------- defaults


_INTERVAL = struct.Struct("<III")


def arrow_value(t: ir.Type, v: Any, types: Mapping[str, ir.Named]) -> Any:
    """An IR value (a field default) as the Python value pyarrow builds ``t``'s Arrow type from."""
    if v is None:
        return None
    inner, _ = ir.strip_nullable(t)
    match inner:
        case ir.RecordRef(name=name):
            return _record_arrow_value(name, v, types)
        case ir.List(item=item):
            return [arrow_value(item, x, types) for x in v]
        case ir.Map(key=key, value=value):
            return [(arrow_value(key, k, types), arrow_value(value, x, types)) for k, x in v]
        case ir.Union_(members=members):
            assert isinstance(v, ir.UnionValue)
            return {f"member{i}": (arrow_value(m, v.value, types) if i == v.member else None)
                    for i, m in enumerate(members)}
        case ir.Interval():
            return _INTERVAL.pack(v.months, v.days, v.milliseconds)
        case ir.Json():
            return json.dumps(v)
        case ir.Uuid():
            return v.bytes if isinstance(v, uuid.UUID) else v
        case ir.Timestamp(utc=True) if getattr(v, "tzinfo", 1) is None:
            return v.replace(tzinfo=datetime.UTC)
        case (ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes()
              | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
              | ir.Duration() | ir.EnumRef() | ir.Nullable()):
            return v
        case _:
            assert_never(inner)


def _record_arrow_value(name: str, v: Any, types: Mapping[str, ir.Named]) -> dict[str, Any]:
    rec = types[name]
    assert isinstance(rec, ir.Record)
    given = dict(v)
    out: dict[str, Any] = {}
    for f in rec.fields:
        if f.name in given:
            out[f.name] = arrow_value(f.type, given[f.name], types)
        elif f.has_default:
            out[f.name] = arrow_value(f.type, f.default, types)
        else:
            out[f.name] = None
    return out


# ----------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    """How to read one file's batches as the reader record.

    ``problems``: every incompatible field (empty when the file can be read).
    ``identity``: the file already has the reader's layout (``apply`` only
    swaps in the reader's schema metadata).
    """

    problems: list[Incompatibility]
    reader_schema: Any
    _root: _Struct | None = field(repr=False, default=None)
    identity: bool = False
    renamed: bool = False

    def apply(self, batch: Any, fill: bool = True, row0: int | None = None,
              out_of_range: str = "error") -> Any:
        """A batch in the file's layout -> the reader's layout (``pa.RecordBatch``).

        ``fill``: add the reader fields the file lacks (default or null); with
        False they are left out (the generated reader fills them itself).
        Columns the batch lacks because they were not selected stay out.
        ``row0``: the file row of the batch's first row (named in value errors).
        ``out_of_range``: a value beyond the reader's type when a time unit gets finer
        (``schemagen.runtime.ranges``; under "error", :class:`OutOfRangeValue` for a
        top-level or record field, the row in the batch as its index).
        """
        if self.problems:
            raise ReadError("; ".join(str(p) for p in self.problems))
        meta = self.reader_schema.metadata
        if self.identity and batch.schema.equals(self.reader_schema):
            return batch if batch.schema.metadata == meta else \
                batch.replace_schema_metadata(meta)
        assert self._root is not None
        ctx = _Ctx(fill, row0, out_of_range)
        arrays = [batch.column(i) for i in range(batch.num_columns)]
        out_arrays, out_fields = self._root.columns(arrays, batch.schema.names, batch.num_rows,
                                                    "", ctx, None)
        if not out_arrays and batch.num_rows and not fill:
            # a batch without columns cannot carry its row count: fill the reader's fields
            out_arrays, out_fields = self._root.columns(
                arrays, batch.schema.names, batch.num_rows, "", _Ctx(True, row0, out_of_range),
                None)
        return pa.RecordBatch.from_arrays(out_arrays,
                                          schema=pa.schema(out_fields, metadata=meta))

    def prune(self, selection: Mapping[str, Any] | None) -> Plan:
        """The plan restricted to a selection tree of reader wire names
        (``{"user_info": {"cust_id": None}}``; None selects a whole field)."""
        if selection is None or self._root is None:
            return self
        root = self._root.prune(selection)
        assert isinstance(root, _Struct)
        return Plan(self.problems, self.reader_schema, root, False, self.renamed)

    def source_path(self, wire_path: Sequence[str]) -> list[str] | None:
        """The file's names along a reader path of record fields (None: not in the file
        or not reachable through records only)."""
        node: _Node | None = self._root
        out: list[str] = []
        for name in wire_path:
            if not isinstance(node, _Struct):
                return None
            f = next((f for f in node.fields if f.name == name), None)
            if f is None or f.src is None:
                return None
            out.append(f.src)
            node = f.node
        return out

    def pushdown_path(self, wire_path: Sequence[str]) -> list[str] | None:
        """The file's names along a reader path when a filter on that file column means
        the same as on the reader's field (same values, same order), else None."""
        src = self.source_path(wire_path)
        if src is None:
            return None
        node: _Node | None = self._root
        for name in wire_path:
            assert isinstance(node, _Struct)
            node = next(f for f in node.fields if f.name == name).node
        return src if _exact(node) else None

    def expression_pushdown(self) -> bool:
        """Whether a pyarrow expression in the reader's names can prune this file's row
        groups as it is: every column kept its name and values, none is missing."""
        return _same_names(self._root)

    def file_columns(self, selection: Mapping[str, Any], file_schema: Any) -> list[str]:
        """Parquet column path prefixes to read for a selection tree (reader names)."""
        out: list[str] = []
        if self._root is None:
            return out
        wtypes = {f.name: f.type for f in file_schema}
        _columns(self._root, selection, "", wtypes, out)
        return out


def _columns(node: _Node | None, sel: Any, prefix: str, wtypes: Mapping[str, Any],
             out: list[str]) -> None:
    if sel is None or node is None:
        out.append(prefix)
        return
    while True:
        if isinstance(node, _List):
            wt = wtypes.get("__self__")
            elem = wt.value_field.name if wt is not None and hasattr(wt, "value_field") \
                else "element"
            prefix = f"{prefix}.list.{elem}"
            wtypes = {"__self__": wt.value_type} if wt is not None else {}
            node = node.item
        elif isinstance(node, _Map):
            wt = wtypes.get("__self__")
            out.append(f"{prefix}.key_value.key")
            prefix = f"{prefix}.key_value.value"
            wtypes = {"__self__": wt.item_type} if wt is not None else {}
            node = node.value
        else:
            break
    if not isinstance(node, _Struct):
        out.append(prefix)
        return
    wt = wtypes.get("__self__")
    children = {} if wt is None or not pa.types.is_struct(wt) else \
        {wt.field(i).name: wt.field(i).type for i in range(wt.num_fields)}
    if not prefix:
        children = dict(wtypes)
    before = len(out)
    for f in node.fields:
        if f.name not in sel or f.src is None:
            continue
        p = f"{prefix}.{f.src}" if prefix else f.src
        _columns(f.node, sel[f.name], p, {"__self__": children.get(f.src)}, out)
    if prefix and len(out) == before:
        # only fields the file lacks are selected in a record it has: read one of its
        # columns anyway, for the record's validity (null or present) and row count
        out.append(f"{prefix}.{next(iter(children))}" if children else prefix)


def writer_ir(file_schema: Any) -> tuple[str, Types] | None:
    """The writer's IR from a file's ``schemagen.schema`` footer (None when absent/unreadable)."""
    meta = file_schema.metadata or {}
    text = meta.get(SCHEMA_KEY)
    if text is None:
        return None
    try:
        root, types = ir.schema_from_json(text.decode("utf-8"))
    except Exception:  # noqa: BLE001 - untrusted footer text: any failure means "unknown"
        return None
    if not isinstance(root, str) or not isinstance(types.get(root), ir.Record):
        return None
    return root, types


def plan(reader_root: str, reader_types: dict[str, ir.Named], file_schema: Any,
         writer: tuple[str, dict[str, ir.Named]] | None = None,
         reader_schema: Any = None) -> Plan:
    """The resolution plan reading a file of Arrow ``file_schema`` as ``reader_root``.

    ``writer``: the writer's IR (root, types) when known (the ``schemagen.schema``
    footer); it adds aliases, enum symbols and declared types to what the Arrow
    schema says.  ``reader_schema``: the reader's Arrow schema with its footer
    metadata (built from the IR when not given).
    """
    from ..typemap.arrow import ArrowMapper

    rec = reader_types[reader_root]
    if not isinstance(rec, ir.Record):
        raise ReadError(f"{reader_root} is not a record")
    if reader_schema is None:
        reader_schema = ArrowMapper(reader_types).schema(reader_root)
    wroot, wtypes = writer if writer is not None else (None, None)
    wrec = wtypes.get(wroot) if wtypes is not None and wroot is not None else None
    planner = _Planner(reader_types, wtypes)
    wfields = [file_schema.field(i) for i in range(len(file_schema))]
    fields = planner.record(rec, wfields, wrec if isinstance(wrec, ir.Record) else None, "")
    lost: list[str] = []
    if rec.kind == "union":
        used = {f.src for f in fields}
        lost = [w.name for w in wfields if w.name not in used]
    root = _Struct(fields, None, lost, rec.name)
    identity = not planner.problems and _is_identity(file_schema, reader_schema) \
        and _trivial(root)
    return Plan(planner.problems, reader_schema, root, identity, planner.renamed)


def _is_identity(file_schema: Any, reader_schema: Any) -> bool:
    if file_schema.names != reader_schema.names:
        return False
    return all(a.type.equals(b.type) and a.nullable == b.nullable
               for a, b in zip(file_schema, reader_schema))


def _exact(node: _Node | None) -> bool:
    return isinstance(node, _Same) or (isinstance(node, _Cast) and node.exact)


def _same_names(node: _Node | None) -> bool:
    if isinstance(node, _Struct):
        return all(f.src == f.name and _same_names(f.node) for f in node.fields)
    if isinstance(node, _List):
        return _same_names(node.item)
    if isinstance(node, _Map):
        return _same_names(node.key) and _same_names(node.value)
    return _exact(node)


def _trivial(node: _Node | None) -> bool:
    """No value-level work (checks, symbol mapping, renames) anywhere under ``node``."""
    if node is None or isinstance(node, (_Same, _Cast)):
        return True
    if isinstance(node, _Struct):
        return all(f.src == f.name and not f.check_nulls and _trivial(f.node)
                   for f in node.fields)
    if isinstance(node, _List):
        return not node.check_nulls and _trivial(node.item)
    if isinstance(node, _Map):
        return not node.check_nulls and _trivial(node.key) and _trivial(node.value)
    if isinstance(node, _Union):
        return len(node.routes) == node.target.num_fields and all(
            w == r and _trivial(n) for w, r, n in node.routes)
    return False


def readability_problems(reader: tuple[str, dict[str, ir.Named]],
                         writer: tuple[str, dict[str, ir.Named]]) -> list[Incompatibility]:
    """Can the generated reader of ``reader`` read files written by ``writer``?

    Maps the writer IR to its Arrow schema (field ids included) exactly as the
    writer does and runs :func:`plan`: the same answer the runtime gives for
    such a file, without any file.  Records Parquet cannot store (recursive or
    empty ones, on either side) have no files to read: the answer is ``[]``.  Data-dependent checks (a null in a
    nullable writer field read as required, an unknown enum symbol coming from
    a string, invalid UTF-8 in bytes read as a string) are not problems here;
    see :func:`readability_risks`.
    """
    from ..errors import ParquetMappingError
    from ..typemap.arrow import ArrowMapper

    wroot, wtypes = writer
    try:
        schema = ArrowMapper(wtypes).schema(wroot)
        return plan(reader[0], reader[1], schema, writer).problems
    except ParquetMappingError:
        return []  # recursive or empty records: no Parquet file of them can exist


def readability_risks(reader: tuple[str, dict[str, ir.Named]],
                      writer: tuple[str, dict[str, ir.Named]]) -> list[Incompatibility]:
    """Fields that read fine unless the data holds certain values (checked per batch)."""
    from ..errors import ParquetMappingError
    from ..typemap.arrow import ArrowMapper

    wroot, wtypes = writer
    try:
        schema = ArrowMapper(wtypes).schema(wroot)
        p = plan(reader[0], reader[1], schema, writer)
    except ParquetMappingError:
        return []
    out: list[Incompatibility] = []
    if p._root is not None:
        _risks(p._root, "", out)
    return out


def _risks(node: _Node | None, path: str, out: list[Incompatibility]) -> None:
    if isinstance(node, _Struct):
        for f in node.fields:
            sub = f"{path}.{f.name}" if path else f.name
            if f.check_nulls:
                out.append(Incompatibility(sub, "nullable in the writer, required in the "
                                                "reader: a null value is a read error"))
            _risks(f.node, sub, out)
    elif isinstance(node, _List):
        if node.check_nulls:
            out.append(Incompatibility(path + "[]", "nullable items read as required"))
        _risks(node.item, path + "[]", out)
    elif isinstance(node, _Map):
        if node.check_nulls:
            out.append(Incompatibility(path + "{value}", "nullable values read as required"))
        _risks(node.value, path + "{value}", out)
    elif isinstance(node, _Enum) and node.default is None:
        out.append(Incompatibility(path, f"strings read as enum {node.name}: a value that is "
                                         "not a symbol is a read error"))
    elif isinstance(node, _Utf8):
        out.append(Incompatibility(path, "bytes read as a string: invalid UTF-8 is a read error"))
    elif isinstance(node, _Union):
        for _, r, n in node.routes:
            _risks(n, f"{path}.member{r}", out)
    elif isinstance(node, _FromUnion):
        for _, n in node.routes:
            _risks(n, path, out)
