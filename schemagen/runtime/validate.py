"""Slow path: find which record, field and value broke a batch conversion.

Only runs after the fast, vectorised conversion has failed, so validation
costs nothing when the data is good.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable
from typing import Any, Final, TypeAlias, assert_never

from .. import ir
from ..errors import NotReadError, RecordProblem
from .columns import TRUNCATE_TIME

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


class _NotRead:
    """The value shown for a field a projected read did not read."""

    def __repr__(self) -> str:
        return "<not read>"


NOT_READ: Final = _NotRead()


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
            except NotReadError as exc:
                out.append(RecordProblem(index, fpath, NOT_READ, (
                    "a value (the record comes from a read with columns= that read only "
                    f"{', '.join(exc.read) or 'none of its fields'}: set the field, or read "
                    "without columns=)")))
                continue
            except AttributeError:
                out.append(RecordProblem(index, fpath, "<unset>", "a value (attribute missing)"))
                continue
            self.value(f.type, value, fpath, index, out)
            if len(out) >= MAX_PROBLEMS:
                return

    def value(self, t: ir.Type, v: Any, path: str, index: int,
              out: list[RecordProblem]) -> None:
        def bad(expected: str) -> None:
            out.append(RecordProblem(index, path, v, expected))

        if isinstance(t, ir.Nullable):
            if v is not None:
                self.value(t.inner, v, path, index, out)
            return
        if v is None:
            if not isinstance(t, ir.Null):
                bad(f"{ir.describe(t, 'python')} (the field is required, None is not allowed)")
            return
        match t:
            case ir.EnumRef(name):
                enum = self.types[name]
                assert isinstance(enum, ir.Enum)
                sym = str(getattr(v, "value", v)) if isinstance(v, str) else None
                if sym is not None and ir.is_open_enum(enum) and sym.removeprefix("-").isdigit():
                    return
                if sym is None or sym not in enum.symbols:
                    bad(f"a {name} symbol ({', '.join(enum.symbols)})")
            case ir.RecordRef(name):
                rec = self.types[name]
                assert isinstance(rec, ir.Record)
                self.record(rec, v, path, index, out)
            case ir.List():
                self.list_value(t, v, path, index, out, bad)
            case ir.Map():
                self.map_value(t, v, path, index, out, bad)
            case ir.Union_(members):
                for m in members:
                    trial: list[RecordProblem] = []
                    self.value(m, v, path, index, trial)
                    if not trial:
                        return
                bad(" | ".join(ir.describe(m, "python") for m in members))
            case ir.Nullable():  # pragma: no cover - handled above
                pass
            case (ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Json()
                  | ir.Bytes() | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time()
                  | ir.Timestamp() | ir.Duration() | ir.Interval() | ir.Uuid()):
                expected = _leaf_problem(t, v)
                if expected is not None:
                    bad(expected)
            case _:
                assert_never(t)

    def list_value(self, t: ir.List, v: Any, path: str, index: int,
                   out: list[RecordProblem], bad: Callable[[str], None]) -> None:
        if ir.is_frozenset(t):
            if not isinstance(v, (set, frozenset)):
                bad(ir.describe(t, "python"))
                return
            for item in v:
                self.value(t.item, item, f"{path}[{item!r}]", index, out)
                if len(out) >= MAX_PROBLEMS:
                    return
            return
        if not isinstance(v, list):
            bad(f"list[{ir.describe(t.item, 'python')}]")
            return
        for i, item in enumerate(v):
            self.value(t.item, item, f"{path}[{i}]", index, out)
            if len(out) >= MAX_PROBLEMS:
                return

    def map_value(self, t: ir.Map, v: Any, path: str, index: int,
                  out: list[RecordProblem], bad: Callable[[str], None]) -> None:
        if ir.has_pair_list(t):
            if not isinstance(v, list) or not all(isinstance(p, tuple) and len(p) == 2 for p in v):
                bad(ir.describe(t, "python"))
                return
            for i, (k, item) in enumerate(v):
                self.value(t.key, k, f"{path}[{i}] (key)", index, out)
                self.value(t.value, item, f"{path}[{i}]", index, out)
                if len(out) >= MAX_PROBLEMS:
                    return
            return
        if not isinstance(v, dict):
            bad(ir.describe(t, "python"))
            return
        for k, item in v.items():
            self.value(t.key, k, f"{path}[{k!r}] (key)", index, out)
            self.value(t.value, item, f"{path}[{k!r}]", index, out)
            if len(out) >= MAX_PROBLEMS:
                return


_Leaf: TypeAlias = (
    ir.Null | ir.Bool | ir.Int | ir.Float | ir.String | ir.Json | ir.Bytes | ir.Fixed
    | ir.Decimal | ir.Date | ir.Time | ir.Timestamp | ir.Duration | ir.Interval | ir.Uuid
)


def _leaf_problem(t: _Leaf, v: Any) -> str | None:  # noqa: C901 - one case per leaf type
    """What a non-None value ``v`` of leaf type ``t`` should have been (None: it is fine)."""
    match t:
        case ir.Null():
            return "None"
        case ir.Bool():
            return None if isinstance(v, bool) else "bool"
        case ir.Int():
            if not isinstance(v, int) or isinstance(v, bool):
                return ir.describe(t, "python")
            return None if t.holds(v) else f"{ir.describe(t, 'python')} in [{t.min}, {t.max}]"
        case ir.Float():
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                return "float"
            if t.bits == 32 and v == v and abs(v) != float("inf") and abs(v) > _FLOAT32_MAX:
                return "float within float32 range (about ±3.4e38)"
            return None
        case ir.String():
            return _str_problem(v)
        case ir.Json():
            try:
                json.dumps(v)
            except (TypeError, ValueError):
                return "a JSON-serialisable value"
            return None
        case ir.Bytes():
            return None if isinstance(v, bytes) else "bytes"
        case ir.Fixed():
            return None if isinstance(v, bytes) and len(v) == t.size else \
                f"bytes of length {t.size}"
        case ir.Decimal():
            return None if isinstance(v, decimal.Decimal) and t.fits(v) else \
                f"decimal.Decimal fitting decimal({t.precision}, {t.scale})"
        case ir.Date():
            return None if isinstance(v, datetime.date) and \
                not isinstance(v, datetime.datetime) else "datetime.date"
        case ir.Time():
            return _time_problem(t, v)
        case ir.Timestamp():
            return _timestamp_problem(t, v)
        case ir.Duration():
            return _duration_problem(t, v)
        case ir.Interval():
            if isinstance(v, ir.IntervalValue) and all(
                    isinstance(x, int) and 0 <= x < 2**32
                    for x in (v.months, v.days, v.milliseconds)):
                return None
            return "schemagen.Interval(months, days, milliseconds), each in [0, 2**32)"
        case ir.Uuid():
            return None if isinstance(v, uuid.UUID) else "uuid.UUID"
        case _:
            assert_never(t)


_FLOAT32_MAX: Final = 3.4028234663852886e38


def _str_problem(v: Any) -> str | None:
    if not isinstance(v, str):
        return "str"
    if not v.isascii():
        try:
            v.encode("utf-8")
        except UnicodeEncodeError as exc:
            return (f"str that can be encoded as UTF-8 (character {exc.start} is a lone "
                    "surrogate)")
    return None


_TRUNCATE_HINT = "; truncate_time=True floors them to the unit"


def _time_problem(t: ir.Time, v: Any) -> str | None:
    if not isinstance(v, datetime.time):
        return "datetime.time"
    if v.tzinfo is not None:
        return "a naive datetime.time"
    if _sub_unit(v.microsecond, t.unit) and not TRUNCATE_TIME.get():
        return (f"datetime.time with {t.unit} precision (the extra digits would be "
                f"lost{_TRUNCATE_HINT})")
    return None


def _timestamp_problem(t: ir.Timestamp, v: Any) -> str | None:
    if not isinstance(v, datetime.datetime):
        return ir.describe(t, "python")
    if t.utc and v.tzinfo is None:
        return "a timezone-aware datetime.datetime (this timestamp is UTC-adjusted)"
    if not t.utc and v.tzinfo is not None:
        return "a naive datetime.datetime (this timestamp is local, not UTC-adjusted)"
    if _sub_unit(v.microsecond, t.unit) and not TRUNCATE_TIME.get():
        return (f"datetime.datetime with {t.unit} precision (the extra digits would be "
                f"lost{_TRUNCATE_HINT})")
    if t.unit == "ns" and not _NS_MIN <= v.replace(tzinfo=None) <= _NS_MAX:
        return f"datetime.datetime between {_NS_MIN} and {_NS_MAX} (nanosecond range)"
    return None


def _duration_problem(t: ir.Duration, v: Any) -> str | None:
    if not isinstance(v, datetime.timedelta):
        return "datetime.timedelta"
    if _sub_unit(v.microseconds, t.unit):
        return f"datetime.timedelta with {t.unit} precision"
    if t.unit == "ns" and abs(v) > _NS_SPAN:
        return "datetime.timedelta within the nanosecond range (about 292 years)"
    return None


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
