"""Slow path: find which record, field and value broke a batch conversion.

Only runs after the fast, vectorised conversion has failed, so validation
costs nothing when the data is good.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from typing import Any

from .. import ir
from ..errors import RecordProblem

MAX_PROBLEMS = 20
_NS_MIN = datetime.datetime(1677, 9, 21, 0, 12, 43, 145225)
_NS_MAX = datetime.datetime(2262, 4, 11, 23, 47, 16, 854775)
_NS_SPAN = datetime.timedelta(microseconds=2**63 // 1000 - 1)


def _sub_unit(microseconds: int, unit: str) -> bool:
    """Whether a microsecond part has digits finer than ``unit`` can hold."""
    if unit == "s":
        return microseconds != 0
    if unit == "ms":
        return microseconds % 1000 != 0
    return False


def _int_range(t: ir.Int) -> tuple[int, int]:
    if t.signed:
        return -(1 << (t.bits - 1)), (1 << (t.bits - 1)) - 1
    return 0, (1 << t.bits) - 1


def _decimal_fits(v: decimal.Decimal, t: ir.Decimal) -> bool:
    if not v.is_finite():
        return False
    q = v.as_tuple()
    exp = int(q.exponent)
    scale_needed = max(0, -exp)
    if scale_needed > t.scale:
        # more fractional digits than the scale: only fine if they are zeros
        quantized = v.quantize(decimal.Decimal(1).scaleb(-t.scale))
        if quantized != v:
            return False
        v = quantized
        q = v.as_tuple()
        exp = int(q.exponent)
    int_digits = len(q.digits) + exp if exp < 0 else len(q.digits) + exp
    return max(int_digits, 0) <= t.precision - t.scale


class MembersSet(tuple[str, ...]):
    """The wire names of the members of a union value that are set (more than one)."""

    def __repr__(self) -> str:
        return f"{len(self)} members set ({', '.join(self)})"


class Checker:
    def __init__(self, types: dict[str, ir.Named]) -> None:
        self.types = types

    def record(self, rec: ir.Record, obj: Any, path: str, index: int,
               out: list[RecordProblem]) -> None:
        info = getattr(type(obj), "__schemagen__", None)
        if info is None or getattr(info, "name", None) != rec.name:
            out.append(RecordProblem(index, path or "<record>", obj, f"a {rec.name} record"))
            return
        if rec.kind == "union":
            members = [f.name for f in rec.fields
                       if getattr(obj, f.py_name or f.name, None) is not None]
            if len(members) > 1:
                out.append(RecordProblem(
                    index, path or "<record>", MembersSet(members),
                    f"at most one member of union {rec.name} set",
                ))
        for group, wires in ir.oneof_groups(rec):
            py = {f.name: f.py_name or f.name for f in rec.fields}
            members = [w for w in wires if getattr(obj, py.get(w, w), None) is not None]
            if len(members) > 1:
                out.append(RecordProblem(
                    index, path or "<record>", MembersSet(members),
                    f"at most one member of oneof {group} of {rec.name} set",
                ))
        for f in rec.fields:
            fpath = f"{path}.{f.name}" if path else f.name
            try:
                value = getattr(obj, f.py_name or f.name)
            except AttributeError:
                out.append(RecordProblem(index, fpath, "<unset>", "a value (attribute missing)"))
                continue
            self.value(f.type, value, fpath, index, out)
            if len(out) >= MAX_PROBLEMS:
                return

    def value(self, t: ir.Type, v: Any, path: str, index: int,  # noqa: C901
              out: list[RecordProblem]) -> None:
        def bad(expected: str) -> None:
            out.append(RecordProblem(index, path, v, expected))

        if isinstance(t, ir.Nullable):
            if v is not None:
                self.value(t.inner, v, path, index, out)
            return
        if v is None:
            if not isinstance(t, ir.Null):
                bad(f"{describe(t)} (the field is required, None is not allowed)")
            return
        if isinstance(t, ir.Null):
            bad("None")
        elif isinstance(t, ir.Bool):
            if not isinstance(v, bool):
                bad("bool")
        elif isinstance(t, ir.Int):
            lo, hi = _int_range(t)
            if not isinstance(v, int) or isinstance(v, bool):
                bad(describe(t))
            elif not lo <= v <= hi:
                bad(f"{describe(t)} in [{lo}, {hi}]")
        elif isinstance(t, ir.Float):
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                bad("float")
            elif t.bits == 32 and v == v and abs(v) != float("inf") and abs(v) > 3.4028234663852886e38:
                bad("float within float32 range (about ±3.4e38)")
        elif isinstance(t, ir.String):
            if not isinstance(v, str):
                bad("str")
            elif not v.isascii():
                try:
                    v.encode("utf-8")
                except UnicodeEncodeError as exc:
                    bad(f"str that can be encoded as UTF-8 (character {exc.start} is a lone "
                        "surrogate)")
        elif isinstance(t, ir.Json):
            try:
                json.dumps(v)
            except (TypeError, ValueError):
                bad("a JSON-serialisable value")
        elif isinstance(t, ir.Bytes):
            if not isinstance(v, bytes):
                bad("bytes")
        elif isinstance(t, ir.Fixed):
            if not isinstance(v, bytes) or len(v) != t.size:
                bad(f"bytes of length {t.size}")
        elif isinstance(t, ir.Decimal):
            if not isinstance(v, decimal.Decimal) or not _decimal_fits(v, t):
                bad(f"decimal.Decimal fitting decimal({t.precision}, {t.scale})")
        elif isinstance(t, ir.Date):
            if not isinstance(v, datetime.date) or isinstance(v, datetime.datetime):
                bad("datetime.date")
        elif isinstance(t, ir.Time):
            if not isinstance(v, datetime.time):
                bad("datetime.time")
            elif v.tzinfo is not None:
                bad("a naive datetime.time")
            elif _sub_unit(v.microsecond, t.unit):
                bad(f"datetime.time with {t.unit} precision")
        elif isinstance(t, ir.Timestamp):
            if not isinstance(v, datetime.datetime):
                bad(describe(t))
            elif t.utc and v.tzinfo is None:
                bad("a timezone-aware datetime.datetime (this timestamp is UTC-adjusted)")
            elif not t.utc and v.tzinfo is not None:
                bad("a naive datetime.datetime (this timestamp is local, not UTC-adjusted)")
            elif _sub_unit(v.microsecond, t.unit):
                bad(f"datetime.datetime with {t.unit} precision (the extra digits would be lost)")
            elif t.unit == "ns" and not _NS_MIN <= v.replace(tzinfo=None) <= _NS_MAX:
                bad(f"datetime.datetime between {_NS_MIN} and {_NS_MAX} (nanosecond range)")
        elif isinstance(t, ir.Duration):
            if not isinstance(v, datetime.timedelta):
                bad("datetime.timedelta")
            elif _sub_unit(v.microseconds, t.unit):
                bad(f"datetime.timedelta with {t.unit} precision")
            elif t.unit == "ns" and abs(v) > _NS_SPAN:
                bad("datetime.timedelta within the nanosecond range (about 292 years)")
        elif isinstance(t, ir.Interval):
            if not isinstance(v, ir.IntervalValue) or not all(
                isinstance(x, int) and 0 <= x < 2**32 for x in (v.months, v.days, v.milliseconds)
            ):
                bad("schemagen.Interval(months, days, milliseconds), each in [0, 2**32)")
        elif isinstance(t, ir.Uuid):
            if not isinstance(v, uuid.UUID):
                bad("uuid.UUID")
        elif isinstance(t, ir.EnumRef):
            enum = self.types[t.name]
            assert isinstance(enum, ir.Enum)
            sym = str(getattr(v, "value", v)) if isinstance(v, str) else None
            if sym is not None and ir.is_open_enum(enum) and sym.removeprefix("-").isdigit():
                return
            if sym is None or sym not in enum.symbols:
                bad(f"a {t.name} symbol ({', '.join(enum.symbols)})")
        elif isinstance(t, ir.RecordRef):
            rec = self.types[t.name]
            assert isinstance(rec, ir.Record)
            self.record(rec, v, path, index, out)
        elif isinstance(t, ir.List) and ir.is_frozenset(t):
            if not isinstance(v, (set, frozenset)):
                bad(describe(t))
            else:
                for item in v:
                    self.value(t.item, item, f"{path}[{item!r}]", index, out)
                    if len(out) >= MAX_PROBLEMS:
                        return
        elif ir.has_pair_list(t):
            assert isinstance(t, ir.Map)
            if not isinstance(v, list) or not all(isinstance(p, tuple) and len(p) == 2 for p in v):
                bad(describe(t))
            else:
                for i, (k, item) in enumerate(v):
                    self.value(t.key, k, f"{path}[{i}] (key)", index, out)
                    self.value(t.value, item, f"{path}[{i}]", index, out)
                    if len(out) >= MAX_PROBLEMS:
                        return
        elif isinstance(t, ir.List):
            if not isinstance(v, list):
                bad(f"list[{describe(t.item)}]")
            else:
                for i, item in enumerate(v):
                    self.value(t.item, item, f"{path}[{i}]", index, out)
                    if len(out) >= MAX_PROBLEMS:
                        return
        elif isinstance(t, ir.Map):
            if not isinstance(v, dict):
                bad(f"dict[{describe(t.key)}, {describe(t.value)}]")
            else:
                for k, item in v.items():
                    self.value(t.key, k, f"{path}[{k!r}] (key)", index, out)
                    self.value(t.value, item, f"{path}[{k!r}]", index, out)
                    if len(out) >= MAX_PROBLEMS:
                        return
        elif isinstance(t, ir.Union_):
            for m in t.members:
                trial: list[RecordProblem] = []
                self.value(m, v, path, index, trial)
                if not trial:
                    return
            bad(" | ".join(describe(m) for m in t.members))


def describe(t: ir.Type) -> str:
    """A short human description of an IR type (for error messages)."""
    if isinstance(t, ir.Nullable):
        return f"{describe(t.inner)} | None"
    if isinstance(t, ir.Int):
        return f"int ({'' if t.signed else 'u'}int{t.bits})"
    if isinstance(t, ir.Timestamp):
        return f"datetime.datetime ({'aware, UTC' if t.utc else 'naive, local'})"
    if isinstance(t, (ir.RecordRef, ir.EnumRef)):
        return t.name
    if ir.is_frozenset(t):
        assert isinstance(t, ir.List)
        return f"frozenset[{describe(t.item)}] (or set)"
    if isinstance(t, ir.List):
        return f"list[{describe(t.item)}]"
    if ir.has_pair_list(t):
        assert isinstance(t, ir.Map)
        return f"list[tuple[{describe(t.key)}, {describe(t.value)}]]"
    if isinstance(t, ir.Map):
        return f"dict[{describe(t.key)}, {describe(t.value)}]"
    if isinstance(t, ir.Decimal):
        return f"decimal({t.precision}, {t.scale})"
    return type(t).__name__.rstrip("_").lower()


def locate(types: dict[str, ir.Named], root: str, records: list[Any],
           offset: int = 0) -> list[RecordProblem]:
    """Every problem (up to MAX_PROBLEMS) in ``records``; index counted from ``offset``."""
    rec = types[root]
    assert isinstance(rec, ir.Record)
    checker = Checker(types)
    out: list[RecordProblem] = []
    for i, obj in enumerate(records):
        checker.record(rec, obj, "", offset + i, out)
        if len(out) >= MAX_PROBLEMS:
            break
    return out
