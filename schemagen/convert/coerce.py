"""The per-row path: the exact (reference) conversion of one parsed row to a record.

A row is a parsed value: a JSON object, the cells of a CSV row by column, an Avro
record.  Every value is checked against the field's type in the grammars of
``grammar``; a value that does not fit raises :class:`~.rejects.BadValue` naming the
field path and the reason.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import math
import uuid
from collections.abc import Callable
from typing import Any

from schemagen import ir
from schemagen.errors import InputError
from schemagen.runtime.record import info_of

from . import grammar as g
from .plan import Node, UnknownFields, plan_record
from .rejects import BadValue, show
from .sources.jsontext import DupKeys, HugeInt

Coerce = Callable[[Node, Any, str], Any]


class RowCoercer:
    """The reference conversion of one parsed value (JSON, CSV cells, Avro) to a record."""

    def __init__(self, unknown: UnknownFields, ignored: dict[str, int]) -> None:
        self.unknown = unknown
        self.ignored = ignored
        self.pending: dict[str, int] = {}  # ignored keys of the row being converted
        self.strict = False  # True: no numbers or booleans read from strings (unions)
        self.by_kind: dict[str, Coerce] = {
            "record": self.record, "bool": self.bool_, "int": self.int_,
            "float": self.float_, "string": self.string, "enum": self.enum,
            "decimal": self.decimal, "date": self.date, "time": self.time,
            "timestamp": self.timestamp, "list": self.list_, "bytes": self.bytes_,
            "fixed": self.bytes_, "uuid": self.uuid, "json": self.json, "null": self.null,
            "map": self.map, "union": self.union, "duration": self.duration,
            "interval": self.interval,
        }

    def row(self, node: Node, v: Any) -> Any:
        """Convert one row; its ignored keys are counted only when it converts."""
        self.pending = {}
        out = self.record(node, v, "")
        for k, n in self.pending.items():
            self.ignored[k] = self.ignored.get(k, 0) + n
        return out

    def value(self, node: Node, v: Any, path: str) -> Any:
        convert = self.by_kind.get(node.kind)
        if convert is None:
            raise BadValue(path, f"type {type(node.t).__name__} is not supported by convert")
        return convert(node, v, path)

    def record(self, node: Node, v: Any, path: str) -> Any:
        if not isinstance(v, dict):
            raise BadValue(path, f"expected an object, got {show(v)}")
        if isinstance(v, DupKeys):
            raise BadValue(f"{path}.{v.dup}" if path else v.dup, "key given twice in one object")
        kwargs: dict[str, Any] = {}
        known: set[str] = set()
        for f, keys, child in node.children:
            known.update(keys)
            given = [k for k in keys if v.get(k) is not None]
            fpath = f"{path}.{f.name}" if path else f.name
            if len(given) > 1:
                raise BadValue(fpath, f"given twice, as {' and '.join(map(repr, given))}")
            value = v[given[0]] if given else None
            if value is None:
                if child.nullable:
                    kwargs[node.py_names[f.name]] = None
                elif child.default is not ir.NO_DEFAULT:
                    continue  # the generated class supplies the default
                elif any(k in v for k in keys):
                    raise BadValue(fpath, "null in a required field")
                else:
                    raise BadValue(fpath, "missing required field")
                continue
            kwargs[node.py_names[f.name]] = self.value(child, value, fpath)
        for k, val in v.items():
            if k not in known and val is not None:
                kpath = f"{path}.{k}" if path else k
                if self.unknown == "reject":
                    raise BadValue(kpath, "unknown field (not in the record or its aliases)")
                self.pending[kpath] = self.pending.get(kpath, 0) + 1
        return node.cls(**kwargs)

    def bool_(self, node: Node, v: Any, path: str) -> Any:
        if isinstance(v, bool):
            return v
        if not self.strict and isinstance(v, str) and v.lower() in ("true", "false"):
            return v.lower() == "true"
        raise BadValue(path, f"expected a boolean (true/false), got {show(v)}")

    def int_(self, node: Node, v: Any, path: str) -> Any:
        t = node.t
        assert isinstance(t, ir.Int)
        n: int | None
        if not self.strict and isinstance(v, str) and g.matches(g.INT_RE, v):
            n = int(v) if len(v) <= 64 else None  # int() refuses > 4300 digits
        elif isinstance(v, int) and not isinstance(v, bool):
            n = v
        elif isinstance(v, HugeInt):
            n = None
        else:
            raise BadValue(path, f"expected an integer, got {show(v)}")
        if n is None or not t.holds(n):
            raise BadValue(path, f"{show(v) if n is None else n} out of range for "
                                 f"{'' if t.signed else 'u'}int{t.bits} [{t.min}, {t.max}]")
        return n

    def float_(self, node: Node, v: Any, path: str) -> Any:
        t = node.t
        assert isinstance(t, ir.Float)
        if not self.strict and isinstance(v, str) and g.matches(g.NUM_RE, v):
            x = float(v)
        elif isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool):
            x = float(v)
        else:
            raise BadValue(path, f"expected a number, got {show(v)}")
        if isinstance(v, float) and math.isnan(v):
            raise BadValue(path, "expected a number, got NaN")
        if not math.isfinite(x) or (t.bits == 32 and abs(x) > g.FLOAT32_MAX):
            raise BadValue(path, f"{show(v)} out of range for float{t.bits}")
        return x

    def string(self, node: Node, v: Any, path: str) -> Any:
        if isinstance(v, str):
            return v
        raise BadValue(path, f"expected a string, got {show(v)}")

    def enum(self, node: Node, v: Any, path: str) -> Any:
        if isinstance(v, str) and v in node.symbols:
            return v
        if isinstance(v, int) and not isinstance(v, bool) and v in node.numbers:
            return node.numbers[v]
        shown = ", ".join(sorted(node.symbols)[:10])
        nums = " (or their numbers)" if node.numbers else ""
        raise BadValue(path, f"expected one of the symbols {shown}{nums}, got {show(v)}")

    def decimal(self, node: Node, v: Any, path: str) -> Any:
        t = node.t
        assert isinstance(t, ir.Decimal)
        if not self.strict and isinstance(v, str) and g.matches(g.NUM_RE, v):
            d = decimal.Decimal(v)
        elif isinstance(v, (int, decimal.Decimal)) and not isinstance(v, bool):
            d = decimal.Decimal(v)
        else:
            raise BadValue(path, f"expected a decimal number, got {show(v)}")
        return fit_decimal(d, t, path, v)

    def date(self, node: Node, v: Any, path: str) -> Any:
        if isinstance(v, datetime.date) and not isinstance(v, datetime.datetime):
            return v
        if isinstance(v, str) and g.matches(g.DATE_RE, v):
            try:
                return datetime.date.fromisoformat(v)
            except ValueError:
                pass
        raise BadValue(path, f"expected a date YYYY-MM-DD, got {show(v)}")

    def time(self, node: Node, v: Any, path: str) -> Any:
        t = node.t
        assert isinstance(t, ir.Time)
        if isinstance(v, datetime.time) and v.tzinfo is None:
            return check_sub_unit(v, t.unit, path)
        if isinstance(v, str) and g.matches(g.time_re(t.unit), v):
            return datetime.time.fromisoformat(v)
        if isinstance(v, str) and g.matches(g.time_re("us", False).replace("1,6", "1,"), v):
            raise _too_precise(v, t.unit, path)
        raise BadValue(path, f"expected a time of day HH:MM:SS{g.frac_text(t.unit)}, "
                             f"got {show(v)}")

    def timestamp(self, node: Node, v: Any, path: str) -> Any:
        t = node.t
        assert isinstance(t, ir.Timestamp)
        raw = v
        if isinstance(v, str) and g.matches(g.ts_re(t.unit, None if t.utc else False), v):
            text = v[:-1] + "+00:00" if v.endswith("Z") else v
            try:
                v = datetime.datetime.fromisoformat(text)
            except ValueError:
                raise BadValue(path, f"not a valid timestamp: {show(v)}") from None
        elif isinstance(v, str) and g.matches(
                g.ts_re("us", None if t.utc else False, False).replace("1,6", "1,"), v):
            raise _too_precise(v, t.unit, path)
        elif not isinstance(v, datetime.datetime):
            zone = " (no zone offset: the field is local time)" if not t.utc else ""
            raise BadValue(path, f"expected an ISO-8601 timestamp "
                                 f"YYYY-MM-DDTHH:MM:SS{g.frac_text(t.unit)}"
                                 f"{'[Z|+HH:MM]' if t.utc else ''}{zone}, got {show(v)}")
        if t.utc:
            v = _in_utc(v, raw, path)
        elif v.tzinfo is not None:
            raise BadValue(path, f"a local timestamp takes no zone offset, got {show(v)}")
        if t.unit == "ns" and not g.NS_MIN <= v.replace(tzinfo=None) <= g.NS_MAX:
            raise BadValue(path, f"{show(raw)} is out of range for a nanosecond timestamp "
                                 "(1677-09-21 to 2262-04-11 in UTC)")
        return check_sub_unit(v, t.unit, path)

    def list_(self, node: Node, v: Any, path: str) -> Any:
        if not isinstance(v, list):
            raise BadValue(path, f"expected an array, got {show(v)}")
        assert node.item is not None
        t = node.t
        out: list[Any] = []
        for i, x in enumerate(v):
            ipath = f"{path}[{i}]"
            if x is None:
                if not node.item.nullable:
                    raise BadValue(ipath, "null item in a list of required items")
                out.append(None)
            else:
                out.append(self.value(node.item, x, ipath))
        if isinstance(t, ir.List) and t.unique:
            distinct = frozenset(out) if ir.is_frozenset(t) else None
            if distinct is not None and len(distinct) != len(out):
                raise BadValue(path, "duplicate items in a set")
            if distinct is not None:
                return distinct
        return out

    def bytes_(self, node: Node, v: Any, path: str) -> Any:
        t = node.t
        if isinstance(v, bytes):
            b = v
        elif isinstance(v, str):
            try:
                b = base64.b64decode(v, validate=True)
            except ValueError:
                raise BadValue(path, f"expected base64 text, got {show(v)}") from None
        else:
            raise BadValue(path, f"expected bytes (base64 text), got {show(v)}")
        if isinstance(t, ir.Fixed) and len(b) != t.size:
            raise BadValue(path, f"expected {t.size} bytes, got {len(b)}")
        return b

    def uuid(self, node: Node, v: Any, path: str) -> Any:
        if isinstance(v, uuid.UUID):
            return v
        if isinstance(v, str):
            try:
                return uuid.UUID(v)
            except ValueError:
                pass
        raise BadValue(path, f"expected a UUID, got {show(v)}")

    def json(self, node: Node, v: Any, path: str) -> Any:
        return json_value(v, path)

    def null(self, node: Node, v: Any, path: str) -> Any:
        raise BadValue(path, f"expected null, got {show(v)}")

    def map(self, node: Node, v: Any, path: str) -> Any:
        if not isinstance(v, dict):
            raise BadValue(path, f"expected an object (map), got {show(v)}")
        if isinstance(v, DupKeys):
            raise BadValue(f"{path}[{v.dup!r}]", "key given twice in one object")
        assert node.item is not None
        key_node = node.children[0][2]
        out: dict[Any, Any] = {}
        for key, x in v.items():
            kpath = f"{path}[{key!r}]"
            kv = self.value(key_node, key, kpath)
            if x is None:
                if not node.item.nullable:
                    raise BadValue(kpath, "null value in a map of required values")
                out[kv] = None
            else:
                out[kv] = self.value(node.item, x, kpath)
        if isinstance(node.t, ir.Map) and ir.has_pair_list(node.t):
            return list(out.items())
        return out

    def union(self, node: Node, v: Any, path: str) -> Any:
        # members in order, first without reading numbers/booleans from strings (so "7"
        # is a string member when there is one), then with
        reasons = []
        for strict in (True, False):
            outer, self.strict = self.strict, strict
            try:
                for f, _, member in node.children:
                    try:
                        return self.value(member, v, path)
                    except BadValue as exc:
                        if not strict:
                            inner = exc.path[len(path):].lstrip(".") \
                                if exc.path.startswith(path) else exc.path
                            at = f" at {inner}" if inner else ""
                            reasons.append(f"{f.name}: {exc.reason}{at}")
            finally:
                self.strict = outer
        raise BadValue(path, f"matches no union member ({'; '.join(reasons)})")

    def duration(self, node: Node, v: Any, path: str) -> Any:
        t = node.t
        assert isinstance(t, ir.Duration)
        if isinstance(v, datetime.timedelta):
            return check_sub_unit(v, t.unit, path)
        if isinstance(v, str) and g.matches(g.DURATION_RE, v):  # protobuf JSON: "-1.5s"
            sign = -1 if v.startswith("-") else 1
            whole, _, frac = v.lstrip("-")[:-1].partition(".")
            if int(frac or "0") and len(frac.rstrip("0")) > g.DIGITS[t.unit]:
                raise BadValue(path, f"{show(v)} has more precision than the field's unit "
                                     f"({t.unit})")
            try:
                return sign * datetime.timedelta(
                    seconds=int(whole), microseconds=int((frac + "000000")[:6]))
            except OverflowError:
                raise BadValue(path, f"{show(v)} is out of range for a duration") from None
        raise BadValue(path, f'expected a duration in seconds like "1.5s", got {show(v)}')

    def interval(self, node: Node, v: Any, path: str) -> Any:
        if isinstance(v, dict) and set(v) == {"months", "days", "milliseconds"}:
            try:
                return ir.IntervalValue(int(v["months"]), int(v["days"]),
                                        int(v["milliseconds"]))
            except (TypeError, ValueError):
                pass
        raise BadValue(path, 'expected {"months": M, "days": D, "milliseconds": MS}, '
                             f"got {show(v)}")


def _too_precise(v: str, unit: str, path: str) -> BadValue:
    return BadValue(path, f"{show(v)} has more precision than the field's unit "
                          f"({unit}: {g.frac_text(unit) or 'whole seconds'})")


def _in_utc(v: datetime.datetime, raw: Any, path: str) -> datetime.datetime:
    if v.tzinfo is None:
        return v.replace(tzinfo=datetime.UTC)
    try:
        return v.astimezone(datetime.UTC)
    except OverflowError:  # e.g. 9999-12-31T23:30:00-01:00
        raise BadValue(path, f"{show(raw)} is out of range in UTC (years "
                             "0001 to 9999)") from None


def fit_decimal(d: decimal.Decimal, t: ir.Decimal, path: str, raw: Any) -> decimal.Decimal:
    """``d`` quantized to the decimal's scale, or the reason it does not fit."""
    if not d.is_finite():
        raise BadValue(path, f"expected a finite decimal, got {show(raw)}")
    q = decimal.Decimal(1).scaleb(-t.scale)
    with decimal.localcontext() as ctx:
        ctx.prec = max(t.precision, 1) + 80
        try:
            r = d.quantize(q)
        except decimal.InvalidOperation:
            raise BadValue(path, f"{show(raw)} does not fit decimal({t.precision}, "
                                 f"{t.scale})") from None
    if r != d:
        raise BadValue(path, f"{show(raw)} has more than {t.scale} decimal places "
                             f"(decimal({t.precision}, {t.scale}))")
    if len(r.as_tuple().digits) > t.precision and r != 0:
        raise BadValue(path, f"{show(raw)} does not fit decimal({t.precision}, {t.scale})")
    return r


def check_sub_unit(v: Any, unit: str, path: str) -> Any:
    """``v`` (a time, timestamp or timedelta) unless it is finer than ``unit``."""
    us = v.microseconds if isinstance(v, datetime.timedelta) else v.microsecond
    if (unit == "s" and us) or (unit == "ms" and us % 1000):
        raise BadValue(path, f"{show(v)} has more precision than the field's unit ({unit})")
    return v


def json_value(v: Any, path: str) -> Any:
    """A parsed JSON value for a ``json`` field: numbers with a fraction as floats (they
    were read as exact decimals), and rejected: an object giving a key twice, NaN or
    Infinity (not JSON), an integer too long to write back."""
    if isinstance(v, DupKeys):
        raise BadValue(f"{path}.{v.dup}", "key given twice in one object")
    if isinstance(v, dict):
        return {k: json_value(x, f"{path}.{k}") for k, x in v.items()}
    if isinstance(v, list):
        return [json_value(x, f"{path}[{i}]") for i, x in enumerate(v)]
    if isinstance(v, HugeInt):
        raise BadValue(path, f"integer {show(v)} is too long (more than 4000 digits)")
    if isinstance(v, (decimal.Decimal, float)):
        x = float(v)
        if not math.isfinite(x):
            raise BadValue(path, f"expected a finite number (JSON has no NaN or Infinity), "
                                 f"got {show(v)}")
        return x
    return v


def coerce_row(record_cls: Any, value: Any, unknown_fields: UnknownFields = "reject") -> Any:
    """The per-row reference conversion of one parsed row (a dict) to a record object.

    Raises :class:`~schemagen.errors.InputError` naming the field path and the reason
    when it cannot be converted.
    """
    node = plan_record(info_of(record_cls))
    try:
        return RowCoercer(unknown_fields, {}).row(node, value)
    except BadValue as exc:
        raise InputError(exc.reason, path=exc.path) from None
