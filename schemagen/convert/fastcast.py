"""The fast path: a chunk of rows read into Arrow arrays (``pyarrow.json``, CSV cells)
is cast column by column with ``pyarrow.compute`` into the record's Arrow layout.

Every cast is conservative: a value it is not sure about (a string not in the exact
grammar, an int out of range, a null in a required field, an unknown key ...) only
marks its row as *doubtful* (a numpy bool mask); the per-row path decides those rows.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from schemagen import ir
from schemagen._pyarrow import pa, pc
from schemagen.runtime.columns import fill_empty

from . import grammar as g
from .plan import Node, UnknownFields

Cast = Callable[[Node, Any, Any, Any], tuple[Any, Any] | None]


def np_valid(arr: Any) -> Any:
    """The non-null entries of an Arrow array as a numpy bool mask."""
    if arr.null_count == 0:
        return np.ones(len(arr), dtype=bool)
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def np_bool(arr: Any) -> Any:
    """A boolean Arrow array as numpy (null -> False)."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def cast_parts(arr: Any, target: Any) -> tuple[Any, Any]:
    """Cast ``arr``; when pyarrow refuses, halve until the refused values are found
    (they become null and are marked in the returned numpy mask)."""
    try:
        return arr.cast(target), np.zeros(len(arr), dtype=bool)
    except pa.ArrowException:
        if len(arr) <= 1:
            return pa.nulls(len(arr), target), np.ones(len(arr), dtype=bool)
    mid = len(arr) // 2
    a, bad_a = cast_parts(arr.slice(0, mid), target)
    b, bad_b = cast_parts(arr.slice(mid), target)
    return pa.concat_arrays([a, b]), np.concatenate([bad_a, bad_b])


def _outside_python(out: Any) -> Any:
    """Dates and timestamps outside Python's years 1..9999 (year 0, or year 10000 after
    an offset is applied): doubtful, so the per-row path rejects them."""
    t = out.type
    if pa.types.is_date(t):
        lo, hi = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)
    else:
        lo, hi = datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)
        if t.tz is not None:
            lo, hi = (x.replace(tzinfo=datetime.UTC) for x in (lo, hi))
        if t.unit == "ns":  # int64 nanoseconds hold 1677..2262 only: the cast refused the rest
            return np.zeros(len(out), dtype=bool)
    return np_bool(pc.or_(pc.less(out, pa.scalar(lo, t)), pc.greater(out, pa.scalar(hi, t))))


def _is_str(arr: Any) -> bool:
    return bool(pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type))


class FastCaster:
    def __init__(self, unknown: UnknownFields, ignored: dict[str, int]) -> None:
        self.unknown = unknown
        self.ignored = ignored
        self.in_list = False
        # ignored unknown keys (key path, rows) of the batch being cast
        self.pending: list[tuple[str, Any]] = []
        self.leaves: dict[str, Cast] = {
            "bool": self.bool_, "int": self.int_, "float": self.float_,
            "string": self.string, "enum": self.enum, "decimal": self.decimal,
            "date": self.date, "time": self.time, "timestamp": self.timestamp,
        }

    def counted(self, bad: Any) -> None:
        """Count the ignored keys of the rows the fast path writes (not ``bad``)."""
        for kpath, rows in self.pending:
            n = int((rows & ~bad).sum())
            if n:
                self.ignored[kpath] = self.ignored.get(kpath, 0) + n
        self.pending = []

    def cast(self, node: Node, arr: Any, path: str) -> tuple[Any, Any]:
        """``(array of node.target, doubtful rows as numpy bool)``."""
        n = len(arr)
        if pa.types.is_null(arr.type):
            out = pa.nulls(n, node.target)
            bad = np.zeros(n, dtype=bool)
        elif node.kind == "record":
            out, bad = self.record(node, arr, path)
        elif node.kind == "list":
            out, bad = self.list(node, arr, path)
        else:
            out, bad = self.leaf(node, arr)
        if not node.nullable and out.null_count:
            if node.fill is not None:
                out = pc.fill_null(out, node.fill)
            elif node.kind == "list" and node.default == ():
                out = fill_empty(out, out.null_count)  # the default: an empty list
            else:
                bad = bad | ~np_valid(out)
                out = fill_empty(out, out.null_count)
        return out, bad

    def record(self, node: Node, arr: Any, path: str) -> tuple[Any, Any]:
        n = len(arr)
        valid = np_valid(arr)
        bad = np.zeros(n, dtype=bool)
        present = {arr.type.field(i).name for i in range(arr.type.num_fields)}
        known: set[str] = set()
        children = []
        for f, keys, child in node.children:
            known.update(keys)
            cols = [arr.field(k) for k in keys if k in present]
            fpath = f"{path}.{f.name}" if path else f.name
            if not cols:
                col = pa.nulls(n)
            elif len(cols) == 1:
                col = cols[0]
            else:
                col = _one_of(cols, valid, bad)
            out, cbad = self.cast(child, col, fpath)
            bad |= cbad & valid
            children.append(out)
        for name in sorted(present - known):
            extra = np_valid(arr.field(name)) & valid
            if extra.any():
                if self.unknown == "reject" or self.in_list:
                    bad |= extra  # rejected, or counted by the per-row path (inside lists)
                else:  # counted for the rows that are written (see counted())
                    self.pending.append((f"{path}.{name}" if path else name, extra))
        mask = None if valid.all() else pa.array(~valid)
        out = pa.StructArray.from_arrays(children, fields=list(node.target), mask=mask)
        return out, bad

    def list(self, node: Node, arr: Any, path: str) -> tuple[Any, Any]:
        assert node.item is not None
        if not pa.types.is_list(arr.type):
            return pa.nulls(len(arr), node.target), np_valid(arr)
        if arr.offset:
            arr = pa.concat_arrays([arr])
        offsets = arr.offsets
        offs = np.asarray(offsets.to_numpy(), dtype=np.int64)
        outer, self.in_list = self.in_list, True
        try:
            items, ibad = self.cast(node.item, arr.values, f"{path}[]")
        finally:
            self.in_list = outer
        bad = np.zeros(len(arr), dtype=bool)
        if ibad.any():
            lo, hi = offs[0], offs[-1]
            rows = np.repeat(np.arange(len(arr)), np.diff(offs))
            bad[rows[ibad[lo:hi]]] = True
        mask = arr.is_null() if arr.null_count else None
        out = pa.ListArray.from_arrays(offsets, items, type=node.target, mask=mask)
        return out, bad

    def leaf(self, node: Node, arr: Any) -> tuple[Any, Any]:
        valid = np_valid(arr)
        cast = self.leaves.get(node.kind)
        got = cast(node, arr, valid, np.zeros(len(arr), dtype=bool)) if cast else None
        if got is None:  # a source kind this target does not take: every value row by row
            return pa.nulls(len(arr), node.target), valid
        return got

    # one method per leaf kind: (node, array as read, valid mask, all-False mask) ->
    # (cast array, doubtful rows), or None when the array's type is not one it takes

    def bool_(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        if pa.types.is_boolean(arr.type):
            return arr, none
        if _is_str(arr):
            low = pc.utf8_lower(arr)
            t_ = pc.equal(low, "true")
            ok = np_bool(pc.or_(t_, pc.equal(low, "false")))
            return t_, valid & ~ok
        return None

    def int_(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        t = node.t
        assert isinstance(t, ir.Int)
        bad = none
        if _is_str(arr):
            m = pc.match_substring_regex(arr, g.INT_FAST_RE)
            bad = valid & ~np_bool(m)
            arr = pc.if_else(m, arr, "0").cast(pa.int64())
        if not pa.types.is_integer(arr.type):
            return None
        lo, hi = max(t.min, -(2**63)), min(t.max, 2**63 - 1)
        if arr.type != pa.int64():
            arr = arr.cast(pa.int64())
        mm = pc.min_max(arr)
        if mm["min"].is_valid and (mm["min"].as_py() < lo or mm["max"].as_py() > hi):
            out_of = np_bool(pc.or_(pc.less(arr, lo), pc.greater(arr, hi)))
            bad = bad | out_of
            arr = pc.if_else(pa.array(out_of), 0, arr)
        return arr.cast(node.target, safe=False), bad

    def float_(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        t = node.t
        assert isinstance(t, ir.Float)
        bad = none
        if _is_str(arr):
            m = pc.match_substring_regex(arr, g.NUM_RE)
            arr, cbad = cast_parts(pc.if_else(m, arr, "0"), pa.float64())
            bad = valid & (~np_bool(m) | cbad)
        if not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
            return None
        x = arr.cast(pa.float64(), safe=False)
        limit = g.FLOAT32_MAX if t.bits == 32 else math.inf
        over = np_bool(pc.invert(pc.and_(pc.is_finite(x), pc.less_equal(pc.abs(x), limit))))
        if over.any():
            bad = bad | (over & valid)
            x = pc.if_else(pa.array(over), 0.0, x)
        return x.cast(node.target, safe=False), bad

    def string(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        return (arr.cast(node.target), none) if _is_str(arr) else None

    def enum(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        if _is_str(arr):
            ok = np_bool(pc.is_in(arr, value_set=pa.array(sorted(node.symbols), pa.string())))
            return arr.cast(node.target), valid & ~ok
        if pa.types.is_integer(arr.type) and node.numbers:  # Thrift/protobuf enum numbers
            idx = pc.index_in(arr.cast(pa.int64()),
                              value_set=pa.array(list(node.numbers), pa.int64()))
            out = pc.take(pa.array(list(node.numbers.values()), pa.string()), idx)
            return out.cast(node.target), valid & ~np_valid(idx)
        return None

    def decimal(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        if pa.types.is_decimal(arr.type):
            try:
                return arr.cast(node.target), none
            except pa.ArrowException:
                return pa.nulls(len(arr), node.target), valid
        if _is_str(arr):
            m = pc.match_substring_regex(arr, g.NUM_RE)
            out, cbad = cast_parts(pc.if_else(m, arr, "0"), node.target)
            return out, valid & (~np_bool(m) | cbad)
        return None

    def date(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        if not _is_str(arr):
            return None
        m = pc.match_substring_regex(arr, g.DATE_RE)
        out, cbad = cast_parts(pc.if_else(m, arr, "1970-01-01"), node.target)
        return out, valid & (~np_bool(m) | cbad | _outside_python(out))

    def time(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        t = node.t
        assert isinstance(t, ir.Time)
        if not _is_str(arr):
            return None
        unit = t.unit
        arr, m = _zero_tails(arr, valid, g.time_re(unit, False), g.time_re(unit))
        s = pc.binary_join_element_wise("1970-01-01T", pc.if_else(m, arr, "00:00:00"), "")
        ts, cbad = cast_parts(s, pa.timestamp(unit))  # the grammar is checked: no surprises
        width = pa.int32() if unit in ("s", "ms") else pa.int64()
        out = ts.cast(pa.int64()).cast(width).cast(node.target)
        return out, valid & (~np_bool(m) | cbad)

    def timestamp(self, node: Node, arr: Any, valid: Any, none: Any) -> tuple[Any, Any] | None:
        t = node.t
        assert isinstance(t, ir.Timestamp)
        if not _is_str(arr):
            return None
        offset = None if t.utc else False
        arr, m = _zero_tails(arr, valid, g.ts_re(t.unit, offset, False), g.ts_re(t.unit, offset))
        ok = np_bool(m)
        s = pc.if_else(m, arr, "1970-01-01T00:00:00")
        if t.utc:
            zoned = pc.match_substring_regex(s, g.OFFSET + "$")
            s = pc.if_else(zoned, s, pc.binary_join_element_wise(s, "Z", ""))
        out, cbad = cast_parts(s, node.target)
        return out, valid & (~ok | cbad | _outside_python(out))


def _one_of(cols: list[Any], valid: Any, bad: Any) -> Any:
    """One column from the columns of a field's names: rows giving more than one are
    doubtful (``bad`` is updated in place), as are rows whose key was read as another
    JSON kind (a key switched to strings): the columns are not cast into each other."""
    given = sum(np_valid(c).astype(np.int8) for c in cols)
    bad |= given > 1
    typed = [c for c in cols if not pa.types.is_null(c.type)]
    base = typed[0].type if typed else pa.null()
    same = []
    for c in cols:
        if c.type != base and not pa.types.is_null(c.type):
            bad |= np_valid(c) & valid
            c = pa.nulls(len(c), base)
        same.append(c)
    return pc.coalesce(*same)


def _zero_tails(arr: Any, valid: Any, strict: str, zeros: str) -> tuple[Any, Any]:
    """Match the ``strict`` grammar (the digits pyarrow's cast takes for the unit); only
    when some value does not, values of the ``zeros`` grammar lose their fraction's
    trailing zeros (``.500000`` -> ``.5``), so pyarrow's cast takes them as well."""
    m = pc.match_substring_regex(arr, strict)
    if not (valid & ~np_bool(m)).any():
        return arr, m
    extra = pc.and_(pc.match_substring_regex(arr, zeros), pc.invert(m))
    if not np_bool(extra).any():
        return arr, m
    tail = r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
    cut = pc.replace_substring_regex(arr, r"\.0+" + tail, r"\1")
    cut = pc.replace_substring_regex(cut, r"(\.[0-9]*[1-9])0+" + tail, r"\1\2")
    return pc.if_else(extra, cut, arr), pc.or_(pc.fill_null(m, False), extra)
