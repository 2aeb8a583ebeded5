"""``schemagen convert``: JSON Lines, JSON arrays, CSV and Avro files -> Parquet.

Values are cast to a generated record's types; rows that cannot be converted
go to a rejects sink (file, line, field path, reason, raw row), never dropped.

Two paths produce the same rows:

* the **fast path** (JSON Lines, CSV): a chunk of input is parsed by
  ``pyarrow.json`` (or Python's ``csv`` module into string columns) and cast
  column by column with ``pyarrow.compute``.  Every cast is conservative: a
  value it is not sure about (a string not in the exact grammar, an int out
  of range, a null in a required field, an unknown key ...) only marks its
  row as *doubtful*;
* the **per-row path** (the reference) converts one parsed value at a time
  (``coerce``), builds generated record objects and lets the record's
  generated converter (``to_batch``) build the Arrow batch.  It decides every
  doubtful row: converted, or rejected with the field path and the reason.

Rows keep their input order.  Memory is bounded by the chunk size: input is
read ``chunk_bytes`` at a time and each converted batch goes straight to the
writer.  When pyarrow cannot parse a chunk at all (a key whose JSON kind
differs from what was expected, broken JSON), the kind is switched where the
record's type allows it (``"false"`` strings for a boolean) or the chunk is
split in halves until the bad lines are found and go through the per-row path.
"""

from __future__ import annotations

import base64
import csv
import datetime
import decimal
import gc
import importlib
import json
import math
import os
import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from schemagen import ir
from schemagen._pyarrow import pa, pc
from schemagen.adapters.protobuf import _module_namespace
from schemagen.errors import UsageError
from schemagen.runtime.columns import fill_empty
from schemagen.runtime.record import RecordInfo, info_of

pj: Any = importlib.import_module("pyarrow.json")

__all__ = ["ConvertResult", "Converter", "Reject", "coerce_row", "convert", "INPUT_FORMATS"]

INPUT_FORMATS = ("jsonl", "json", "csv", "avro")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
               ".avro": "avro"}
DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024
PER_ROW_BATCH = 8192  # rows per batch on the per-row path (JSON arrays, Avro)
MIN_SPLIT_LINES = 32  # below this many lines a failing chunk goes row by row
MAX_RAW_CHARS = 1_000_000

UnknownFields = Literal["reject", "ignore"]

# --------------------------------------------------------------------------- grammar
# The fast path and the per-row path accept exactly these spellings.

_INT_RE = r"^[+-]?[0-9]+$"
_INT_FAST_RE = r"^-?[0-9]{1,18}$"  # what pyarrow's cast parses without overflow
_NUM_RE = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_HMS = r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])"
_OFFSET = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
_DIGITS = {"s": 0, "ms": 3, "us": 6, "ns": 6}  # Python holds microseconds at most
_DURATION_RE = r"^-?[0-9]{1,12}(\.[0-9]{1,9})?s$"


def _frac(unit: str, zeros: bool = True) -> str:
    """Fraction digits the unit holds; with ``zeros``, more digits (up to 9) when they are
    zeros (``.500000`` for milliseconds, as Python's isoformat writes them)."""
    d = _DIGITS[unit]
    if not zeros:
        return rf"(\.[0-9]{{1,{d}}})?" if d else ""
    return rf"(\.[0-9]{{1,{d}}}0{{0,{9 - d}}})?" if d else r"(\.0{1,9})?"


def _time_re(unit: str, zeros: bool = True) -> str:
    return rf"^{_HMS}{_frac(unit, zeros)}$"


def _ts_re(unit: str, offset: bool | None, zeros: bool = True) -> str:
    """``offset``: True required, False forbidden, None optional."""
    tail = {True: _OFFSET, False: "", None: _OFFSET + "?"}[offset]
    return rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ]{_HMS}{_frac(unit, zeros)}{tail}$"


_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _match(pattern: str, s: str) -> bool:
    r = _RE_CACHE.get(pattern)
    if r is None:
        r = _RE_CACHE[pattern] = re.compile(pattern)
    return r.match(s) is not None and "\n" not in s


# --------------------------------------------------------------------------- results


@dataclass
class Reject:
    """One row that could not be converted."""

    file: str
    line: int  # 1-based line (JSON, CSV) or record number (Avro)
    path: str  # field path, e.g. ``user_info.cust_id`` or ``trans_info.prod_id[2]``
    reason: str
    row: Any  # the raw row: its text (JSON), cells by header (CSV), the record (Avro)

    def to_json(self) -> str:
        obj = {"file": self.file, "line": self.line, "path": self.path, "reason": self.reason,
               "row": self.row}
        text = json.dumps(obj, ensure_ascii=False, default=_json_default)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (from \ud800 escapes): escaped
            text = json.dumps(obj, ensure_ascii=True, default=_json_default)
        return text

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        return f"{self.file}:{self.line}: {self.reason}{where}"


def _json_default(v: Any) -> Any:
    if isinstance(v, (datetime.date, datetime.time, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, (decimal.Decimal, uuid.UUID)):
        return str(v)
    return repr(v)


@dataclass
class ConvertResult:
    rows: int = 0  # rows written
    rejected: int = 0
    files: list[Path] = field(default_factory=list)  # Parquet files committed
    seconds: float = 0.0
    ignored_keys: dict[str, int] = field(default_factory=dict)  # --unknown-fields ignore
    first_rejects: list[Reject] = field(default_factory=list)  # up to 20, for messages
    rows_per_row_path: int = 0  # rows the fast path left to the per-row path


class _Bad(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


# --------------------------------------------------------------------------- plan


@dataclass
class _Node:
    t: ir.Type  # without Nullable
    nullable: bool
    target: Any  # pyarrow type
    kind: str
    default: Any = ir.NO_DEFAULT  # a required field's default (IR value)
    fill: Any = None  # pyarrow scalar for a simple default
    children: list[tuple[ir.Field, tuple[str, ...], _Node]] = field(default_factory=list)
    item: _Node | None = None
    symbols: frozenset[str] = frozenset()
    numbers: dict[int, str] = field(default_factory=dict)  # enum value -> symbol
    cls: Any = None  # generated class (records)
    per_row: bool = False  # only the per-row path converts it
    py_names: dict[str, str] = field(default_factory=dict)


_FAST_KINDS = {"bool", "int", "float", "string", "enum", "decimal", "date", "time",
               "timestamp", "list", "record"}
_INT_RANGE = {(b, s): ((-(2 ** (b - 1)), 2 ** (b - 1) - 1) if s else (0, 2**b - 1))
              for b in (8, 16, 32, 64) for s in (True, False)}
_FLOAT32_MAX = 3.4028234663852886e38
_NS_MIN = datetime.datetime(1677, 9, 21, 0, 12, 43, 145225)  # int64 nanoseconds, rounded in
_NS_MAX = datetime.datetime(2262, 4, 11, 23, 47, 16, 854775)


def _kind(t: ir.Type) -> str:
    return {ir.Bool: "bool", ir.Int: "int", ir.Float: "float", ir.String: "string",
            ir.EnumRef: "enum", ir.Decimal: "decimal", ir.Date: "date", ir.Time: "time",
            ir.Timestamp: "timestamp", ir.List: "list", ir.RecordRef: "record",
            ir.Bytes: "bytes", ir.Fixed: "fixed", ir.Uuid: "uuid", ir.Json: "json",
            ir.Map: "map", ir.Union_: "union", ir.Duration: "duration",
            ir.Interval: "interval", ir.Null: "null"}.get(type(t), "other")


class _Planner:
    def __init__(self, info: RecordInfo) -> None:
        self.root, self.types = info.ir
        self.classes = _record_classes(info.cls)

    def record(self, name: str, target: Any, nullable: bool) -> _Node:
        rec = self.types[name]
        assert isinstance(rec, ir.Record)
        node = _Node(ir.RecordRef(name), nullable, target, "record", cls=self.classes.get(name))
        if node.cls is None:
            raise UsageError(f"cannot find the generated class of record {name} (from the "
                             "annotations of the classes that use it)")
        # unions and oneofs (at most one member set) are checked by the generated converter
        node.per_row = rec.kind == "union" or bool(ir.oneof_groups(rec))
        # a key is a field's name first: another field's alias (or JSON name) never takes
        # it, and an alias two fields share goes to the first
        taken = {f.name for f in rec.fields}
        for i, f in enumerate(rec.fields):
            child = self.node(f.type, target.field(i).type)
            if not child.nullable and f.has_default:
                child.default = f.default
                if child.kind in _FAST_KINDS - {"list", "record"}:
                    try:
                        child.fill = pa.scalar(_arrow_default(child, f.default), child.target)
                    except (pa.ArrowException, TypeError, ValueError, OverflowError):
                        child.fill = None
            # protobuf's JSON mapping writes lowerCamelCase names (``json_name``): taken too
            json_name = dict(f.metadata).get("protobuf.json_name", "")
            extra = [k for k in (*f.aliases, json_name) if k and k not in taken]
            taken.update(extra)
            keys = tuple(dict.fromkeys((f.name, *extra)))
            node.children.append((f, keys, child))
            node.py_names[f.name] = f.py_name or f.name
        return node

    def node(self, t: ir.Type, target: Any) -> _Node:
        inner, nullable = ir.strip_nullable(t)
        kind = _kind(inner)
        if isinstance(inner, ir.RecordRef):
            return self.record(inner.name, target, nullable)
        node = _Node(inner, nullable, target, kind)
        if isinstance(inner, ir.List):
            node.item = self.node(inner.item, target.value_type)
        elif isinstance(inner, ir.Map):
            node.item = self.node(inner.value, target.item_type)
            node.children = [(ir.Field("key", inner.key), ("key",),
                              self.node(inner.key, target.key_type))]
        elif isinstance(inner, ir.Union_):
            node.children = [(ir.Field(f"member{i}", m), (), self.node(m, target.field(i).type))
                             for i, m in enumerate(inner.members)]
        elif isinstance(inner, ir.EnumRef):
            enum = self.types[inner.name]
            assert isinstance(enum, ir.Enum)
            node.symbols = frozenset(enum.symbols)
            if enum.values is not None:  # Thrift/protobuf: JSON may give the number
                for sym, num in zip(enum.symbols, enum.values):
                    node.numbers.setdefault(num, sym)
        return node


def _arrow_default(node: _Node, value: Any) -> Any:
    t = node.t
    if isinstance(t, ir.Timestamp) and isinstance(value, datetime.datetime):
        if t.utc and value.tzinfo is None:
            return value.replace(tzinfo=datetime.UTC)
    return value


def _record_classes(cls: Any) -> dict[str, Any]:
    """Full IR name -> generated class, for the root record and every record it reaches."""
    import typing

    out: dict[str, Any] = {}
    todo = [cls]
    while todo:
        c = todo.pop()
        info = getattr(c, "__schemagen__", None)
        if info is None or info.name in out:
            continue
        out[info.name] = c
        try:
            hints = typing.get_type_hints(c, globalns=_module_namespace(c.__module__))
        except Exception:  # noqa: BLE001 - annotations we cannot resolve: no nested classes
            continue
        todo.extend(_classes_in(h) for h in hints.values())
        todo = [x for x in _flatten(todo) if x is not None]
    return out


def _classes_in(h: Any) -> Any:
    if isinstance(h, type) and hasattr(h, "__schemagen__"):
        return h
    return [_classes_in(a) for a in getattr(h, "__args__", ())]


def _flatten(xs: list[Any]) -> Iterator[Any]:
    for x in xs:
        if isinstance(x, list):
            yield from _flatten(x)
        else:
            yield x


def _fast_ok(node: _Node) -> bool:
    if node.kind not in _FAST_KINDS or node.per_row:
        return False
    if isinstance(node.t, ir.List) and node.t.unique:  # sets: duplicates are checked
        return False
    if node.kind == "float" and isinstance(node.t, ir.Float) and node.t.bits == 16:
        return False
    if node.item is not None and not _fast_ok(node.item):
        return False
    return all(_fast_ok(c) for _, _, c in node.children)


# --------------------------------------------------------------------------- per-row path


class _RowCoercer:
    """The reference conversion of one parsed value (JSON, CSV cells, Avro) to a record."""

    def __init__(self, unknown: UnknownFields, ignored: dict[str, int]) -> None:
        self.unknown = unknown
        self.ignored = ignored
        self.pending: dict[str, int] = {}  # ignored keys of the row being converted
        self.strict = False  # True: no numbers or booleans read from strings (unions)

    def row(self, node: _Node, v: Any) -> Any:
        """Convert one row; its ignored keys are counted only when it converts."""
        self.pending = {}
        out = self.record(node, v, "")
        for k, n in self.pending.items():
            self.ignored[k] = self.ignored.get(k, 0) + n
        return out

    def record(self, node: _Node, v: Any, path: str) -> Any:
        if not isinstance(v, dict):
            raise _Bad(path, f"expected an object, got {_show(v)}")
        if isinstance(v, _DupKeys):
            raise _Bad(f"{path}.{v.dup}" if path else v.dup, "key given twice in one object")
        kwargs: dict[str, Any] = {}
        known: set[str] = set()
        for f, keys, child in node.children:
            known.update(keys)
            given = [k for k in keys if v.get(k) is not None]
            fpath = f"{path}.{f.name}" if path else f.name
            if len(given) > 1:
                raise _Bad(fpath, f"given twice, as {' and '.join(map(repr, given))}")
            value = v[given[0]] if given else None
            if value is None:
                if child.nullable:
                    kwargs[node.py_names[f.name]] = None
                elif child.default is not ir.NO_DEFAULT:
                    continue  # the generated class supplies the default
                elif any(k in v for k in keys):
                    raise _Bad(fpath, "null in a required field")
                else:
                    raise _Bad(fpath, "missing required field")
                continue
            kwargs[node.py_names[f.name]] = self.value(child, value, fpath)
        for k, val in v.items():
            if k not in known and val is not None:
                kpath = f"{path}.{k}" if path else k
                if self.unknown == "reject":
                    raise _Bad(kpath, "unknown field (not in the record or its aliases)")
                self.pending[kpath] = self.pending.get(kpath, 0) + 1
        return node.cls(**kwargs)

    def value(self, node: _Node, v: Any, path: str) -> Any:  # noqa: C901 - one branch per kind
        k = node.kind
        t = node.t
        if k == "record":
            return self.record(node, v, path)
        if k == "bool":
            if isinstance(v, bool):
                return v
            if not self.strict and isinstance(v, str) and v.lower() in ("true", "false"):
                return v.lower() == "true"
            raise _Bad(path, f"expected a boolean (true/false), got {_show(v)}")
        if k == "int":
            assert isinstance(t, ir.Int)
            n: int | None
            if not self.strict and isinstance(v, str) and _match(_INT_RE, v):
                n = int(v) if len(v) <= 64 else None  # int() refuses > 4300 digits
            elif isinstance(v, int) and not isinstance(v, bool):
                n = v
            elif isinstance(v, _HugeInt):
                n = None
            else:
                raise _Bad(path, f"expected an integer, got {_show(v)}")
            lo, hi = _INT_RANGE[(t.bits, t.signed)]
            if n is None or not lo <= n <= hi:
                raise _Bad(path, f"{_show(v) if n is None else n} out of range for "
                                 f"{'' if t.signed else 'u'}int{t.bits} [{lo}, {hi}]")
            return n
        if k == "float":
            assert isinstance(t, ir.Float)
            if not self.strict and isinstance(v, str) and _match(_NUM_RE, v):
                x = float(v)
            elif isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool):
                x = float(v)
            else:
                raise _Bad(path, f"expected a number, got {_show(v)}")
            if isinstance(v, float) and math.isnan(v):
                raise _Bad(path, "expected a number, got NaN")
            if not math.isfinite(x) or (t.bits == 32 and abs(x) > _FLOAT32_MAX):
                raise _Bad(path, f"{_show(v)} out of range for float{t.bits}")
            return x
        if k == "string":
            if isinstance(v, str):
                return v
            raise _Bad(path, f"expected a string, got {_show(v)}")
        if k == "enum":
            if isinstance(v, str) and v in node.symbols:
                return v
            if isinstance(v, int) and not isinstance(v, bool) and v in node.numbers:
                return node.numbers[v]
            shown = ", ".join(sorted(node.symbols)[:10])
            nums = " (or their numbers)" if node.numbers else ""
            raise _Bad(path, f"expected one of the symbols {shown}{nums}, got {_show(v)}")
        if k == "decimal":
            assert isinstance(t, ir.Decimal)
            if not self.strict and isinstance(v, str) and _match(_NUM_RE, v):
                d = decimal.Decimal(v)
            elif isinstance(v, (int, decimal.Decimal)) and not isinstance(v, bool):
                d = decimal.Decimal(v)
            else:
                raise _Bad(path, f"expected a decimal number, got {_show(v)}")
            return _fit_decimal(d, t, path, v)
        if k == "date":
            if isinstance(v, datetime.date) and not isinstance(v, datetime.datetime):
                return v
            if isinstance(v, str) and _match(_DATE_RE, v):
                try:
                    return datetime.date.fromisoformat(v)
                except ValueError:
                    pass
            raise _Bad(path, f"expected a date YYYY-MM-DD, got {_show(v)}")
        if k == "time":
            assert isinstance(t, ir.Time)
            if isinstance(v, datetime.time) and v.tzinfo is None:
                return _check_sub_unit(v, t.unit, path)
            if isinstance(v, str) and _match(_time_re(t.unit), v):
                return datetime.time.fromisoformat(v)
            if isinstance(v, str) and _match(_time_re("us", False).replace("1,6", "1,"), v):
                raise _Bad(path, f"{_show(v)} has more precision than the field's unit "
                                 f"({t.unit}: {_frac_text(t.unit) or 'whole seconds'})")
            raise _Bad(path, f"expected a time of day HH:MM:SS{_frac_text(t.unit)}, "
                             f"got {_show(v)}")
        if k == "timestamp":
            assert isinstance(t, ir.Timestamp)
            raw = v
            if isinstance(v, str) and _match(_ts_re(t.unit, None if t.utc else False), v):
                text = v[:-1] + "+00:00" if v.endswith("Z") else v
                try:
                    v = datetime.datetime.fromisoformat(text)
                except ValueError:
                    raise _Bad(path, f"not a valid timestamp: {_show(v)}") from None
            elif isinstance(v, str) and _match(
                    _ts_re("us", None if t.utc else False, False).replace("1,6", "1,"), v):
                raise _Bad(path, f"{_show(v)} has more precision than the field's unit "
                                 f"({t.unit}: {_frac_text(t.unit) or 'whole seconds'})")
            elif not isinstance(v, datetime.datetime):
                zone = " (no zone offset: the field is local time)" if not t.utc else ""
                raise _Bad(path, f"expected an ISO-8601 timestamp "
                                 f"YYYY-MM-DDTHH:MM:SS{_frac_text(t.unit)}"
                                 f"{'[Z|+HH:MM]' if t.utc else ''}{zone}, got {_show(v)}")
            if t.utc:
                if v.tzinfo is None:
                    v = v.replace(tzinfo=datetime.UTC)
                else:
                    try:
                        v = v.astimezone(datetime.UTC)
                    except OverflowError:  # e.g. 9999-12-31T23:30:00-01:00
                        raise _Bad(path, f"{_show(raw)} is out of range in UTC (years "
                                         "0001 to 9999)") from None
            elif v.tzinfo is not None:
                raise _Bad(path, f"a local timestamp takes no zone offset, got {_show(v)}")
            if t.unit == "ns" and not _NS_MIN <= v.replace(tzinfo=None) <= _NS_MAX:
                raise _Bad(path, f"{_show(raw)} is out of range for a nanosecond timestamp "
                                 "(1677-09-21 to 2262-04-11 in UTC)")
            return _check_sub_unit(v, t.unit, path)
        if k == "list":
            if not isinstance(v, list):
                raise _Bad(path, f"expected an array, got {_show(v)}")
            assert node.item is not None
            out: list[Any] = []
            for i, x in enumerate(v):
                ipath = f"{path}[{i}]"
                if x is None:
                    if not node.item.nullable:
                        raise _Bad(ipath, "null item in a list of required items")
                    out.append(None)
                else:
                    out.append(self.value(node.item, x, ipath))
            if isinstance(t, ir.List) and t.unique:
                distinct = frozenset(out) if ir.is_frozenset(t) else None
                if distinct is not None and len(distinct) != len(out):
                    raise _Bad(path, "duplicate items in a set")
                if distinct is not None:
                    return distinct
            return out
        return self.other(node, v, path)

    def other(self, node: _Node, v: Any, path: str) -> Any:  # noqa: C901
        k, t = node.kind, node.t
        if k in ("bytes", "fixed"):
            if isinstance(v, bytes):
                b = v
            elif isinstance(v, str):
                try:
                    b = base64.b64decode(v, validate=True)
                except ValueError:
                    raise _Bad(path, f"expected base64 text, got {_show(v)}") from None
            else:
                raise _Bad(path, f"expected bytes (base64 text), got {_show(v)}")
            if isinstance(t, ir.Fixed) and len(b) != t.size:
                raise _Bad(path, f"expected {t.size} bytes, got {len(b)}")
            return b
        if k == "uuid":
            if isinstance(v, uuid.UUID):
                return v
            if isinstance(v, str):
                try:
                    return uuid.UUID(v)
                except ValueError:
                    pass
            raise _Bad(path, f"expected a UUID, got {_show(v)}")
        if k == "json":
            return _json_value(v, path)
        if k == "null":
            raise _Bad(path, f"expected null, got {_show(v)}")
        if k == "map":
            if not isinstance(v, dict):
                raise _Bad(path, f"expected an object (map), got {_show(v)}")
            if isinstance(v, _DupKeys):
                raise _Bad(f"{path}[{v.dup!r}]", "key given twice in one object")
            assert node.item is not None
            key_node = node.children[0][2]
            out: dict[Any, Any] = {}
            for key, x in v.items():
                kpath = f"{path}[{key!r}]"
                kv = self.value(key_node, key, kpath)
                if x is None:
                    if not node.item.nullable:
                        raise _Bad(kpath, "null value in a map of required values")
                    out[kv] = None
                else:
                    out[kv] = self.value(node.item, x, kpath)
            if isinstance(t, ir.Map) and ir.has_pair_list(t):
                return list(out.items())
            return out
        if k == "union":
            # members in order, first without reading numbers/booleans from strings (so "7"
            # is a string member when there is one), then with
            reasons = []
            for strict in (True, False):
                outer, self.strict = self.strict, strict
                try:
                    for f, _, member in node.children:
                        try:
                            return self.value(member, v, path)
                        except _Bad as exc:
                            if not strict:
                                inner = exc.path[len(path):].lstrip(".") \
                                    if exc.path.startswith(path) else exc.path
                                at = f" at {inner}" if inner else ""
                                reasons.append(f"{f.name}: {exc.reason}{at}")
                finally:
                    self.strict = outer
            raise _Bad(path, f"matches no union member ({'; '.join(reasons)})")
        if k == "duration":
            assert isinstance(t, ir.Duration)
            if isinstance(v, datetime.timedelta):
                return _check_sub_unit(v, t.unit, path)
            if isinstance(v, str) and _match(_DURATION_RE, v):  # protobuf JSON: "-1.5s"
                sign = -1 if v.startswith("-") else 1
                whole, _, frac = v.lstrip("-")[:-1].partition(".")
                if int(frac or "0") and len(frac.rstrip("0")) > _DIGITS[t.unit]:
                    raise _Bad(path, f"{_show(v)} has more precision than the field's unit "
                                     f"({t.unit})")
                try:
                    return sign * datetime.timedelta(
                        seconds=int(whole), microseconds=int((frac + "000000")[:6]))
                except OverflowError:
                    raise _Bad(path, f"{_show(v)} is out of range for a duration") from None
            raise _Bad(path, f'expected a duration in seconds like "1.5s", got {_show(v)}')
        if k == "interval":
            if isinstance(v, dict) and set(v) == {"months", "days", "milliseconds"}:
                try:
                    return ir.IntervalValue(int(v["months"]), int(v["days"]),
                                            int(v["milliseconds"]))
                except (TypeError, ValueError):
                    pass
            raise _Bad(path, 'expected {"months": M, "days": D, "milliseconds": MS}, '
                             f"got {_show(v)}")
        raise _Bad(path, f"type {type(t).__name__} is not supported by convert")


def _frac_text(unit: str) -> str:
    d = _DIGITS[unit]
    return f"[.{'f' * d}]" if d else ""


def _fit_decimal(d: decimal.Decimal, t: ir.Decimal, path: str, raw: Any) -> decimal.Decimal:
    if not d.is_finite():
        raise _Bad(path, f"expected a finite decimal, got {_show(raw)}")
    q = decimal.Decimal(1).scaleb(-t.scale)
    with decimal.localcontext() as ctx:
        ctx.prec = max(t.precision, 1) + 80
        try:
            r = d.quantize(q)
        except decimal.InvalidOperation:
            raise _Bad(path, f"{_show(raw)} does not fit decimal({t.precision}, {t.scale})") from None
    if r != d:
        raise _Bad(path, f"{_show(raw)} has more than {t.scale} decimal places "
                         f"(decimal({t.precision}, {t.scale}))")
    if len(r.as_tuple().digits) > t.precision and r != 0:
        raise _Bad(path, f"{_show(raw)} does not fit decimal({t.precision}, {t.scale})")
    return r


def _check_sub_unit(v: Any, unit: str, path: str) -> Any:
    us = v.microseconds if isinstance(v, datetime.timedelta) else v.microsecond
    if (unit == "s" and us) or (unit == "ms" and us % 1000):
        raise _Bad(path, f"{_show(v)} has more precision than the field's unit ({unit})")
    return v


def _show(v: Any) -> str:
    if isinstance(v, decimal.Decimal):
        s = str(v)
    elif isinstance(v, (dict, list)):
        s = json.dumps(v, default=_json_default, ensure_ascii=False)
    else:
        s = repr(v)
    return s if len(s) <= 80 else s[:77] + "..."


def coerce_row(record_cls: Any, value: Any, unknown_fields: UnknownFields = "reject") -> Any:
    """The per-row reference conversion of one parsed row (a dict) to a record object.

    Raises :class:`UsageError` naming the field path and the reason when it
    cannot be converted.
    """
    info = info_of(record_cls)
    node = _Planner(info).record(info.ir[0], info.arrow_schema(), False)
    try:
        return _RowCoercer(unknown_fields, {}).row(node, value)
    except _Bad as exc:
        raise UsageError(f"{exc.path or '<row>'}: {exc.reason}") from None


# --------------------------------------------------------------------------- fast path


def _np_valid(arr: Any) -> Any:
    if arr.null_count == 0:
        return np.ones(len(arr), dtype=bool)
    return np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _np(arr: Any) -> Any:
    """A boolean Arrow array as numpy (null -> False)."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _cast_parts(arr: Any, target: Any) -> tuple[Any, Any]:
    """Cast ``arr``; when pyarrow refuses, halve until the refused values are found
    (they become null and are marked in the returned numpy mask)."""
    try:
        return arr.cast(target), np.zeros(len(arr), dtype=bool)
    except pa.ArrowException:
        if len(arr) <= 1:
            return pa.nulls(len(arr), target), np.ones(len(arr), dtype=bool)
    mid = len(arr) // 2
    a, bad_a = _cast_parts(arr.slice(0, mid), target)
    b, bad_b = _cast_parts(arr.slice(mid), target)
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
    return _np(pc.or_(pc.less(out, pa.scalar(lo, t)), pc.greater(out, pa.scalar(hi, t))))


class _FastCaster:
    def __init__(self, unknown: UnknownFields, ignored: dict[str, int]) -> None:
        self.unknown = unknown
        self.ignored = ignored
        self.in_list = False
        # ignored unknown keys (key path, rows) of the batch being cast
        self.pending: list[tuple[str, Any]] = []

    def counted(self, bad: Any) -> None:
        """Count the ignored keys of the rows the fast path writes (not ``bad``)."""
        for kpath, rows in self.pending:
            n = int((rows & ~bad).sum())
            if n:
                self.ignored[kpath] = self.ignored.get(kpath, 0) + n
        self.pending = []

    def cast(self, node: _Node, arr: Any, path: str) -> tuple[Any, Any]:
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
                bad = bad | ~_np_valid(out)
                out = fill_empty(out, out.null_count)
        return out, bad

    def record(self, node: _Node, arr: Any, path: str) -> tuple[Any, Any]:
        n = len(arr)
        valid = _np_valid(arr)
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
                given = sum(_np_valid(c).astype(np.int8) for c in cols)
                bad |= given > 1
                # names read as another JSON kind (a key switched to strings): those rows
                # go row by row, the columns are not cast into each other
                typed = [c for c in cols if not pa.types.is_null(c.type)]
                base = typed[0].type if typed else pa.null()
                same = []
                for c in cols:
                    if c.type != base and not pa.types.is_null(c.type):
                        bad |= _np_valid(c) & valid
                        c = pa.nulls(n, base)
                    same.append(c)
                col = pc.coalesce(*same)
            out, cbad = self.cast(child, col, fpath)
            bad |= cbad & valid
            children.append(out)
        for name in sorted(present - known):
            extra = _np_valid(arr.field(name)) & valid
            if extra.any():
                if self.unknown == "reject" or self.in_list:
                    bad |= extra  # rejected, or counted by the per-row path (inside lists)
                else:  # counted for the rows that are written (see counted())
                    self.pending.append((f"{path}.{name}" if path else name, extra))
        mask = None if valid.all() else pa.array(~valid)
        out = pa.StructArray.from_arrays(children, fields=list(node.target), mask=mask)
        return out, bad

    def list(self, node: _Node, arr: Any, path: str) -> tuple[Any, Any]:
        assert node.item is not None
        if not pa.types.is_list(arr.type):
            return pa.nulls(len(arr), node.target), _np_valid(arr)
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

    def leaf(self, node: _Node, arr: Any) -> tuple[Any, Any]:  # noqa: C901
        k, t, target = node.kind, node.t, node.target
        n = len(arr)
        valid = _np_valid(arr)
        src = arr.type
        is_str = pa.types.is_string(src) or pa.types.is_large_string(src)
        none = np.zeros(n, dtype=bool)
        if k == "bool":
            if pa.types.is_boolean(src):
                return arr, none
            if is_str:
                low = pc.utf8_lower(arr)
                t_ = pc.equal(low, "true")
                ok = _np(pc.or_(t_, pc.equal(low, "false")))
                return t_, valid & ~ok
        elif k == "int":
            assert isinstance(t, ir.Int)
            bad = none
            if is_str:
                m = pc.match_substring_regex(arr, _INT_FAST_RE)
                bad = valid & ~_np(m)
                arr = pc.if_else(m, arr, "0").cast(pa.int64())
            if pa.types.is_integer(arr.type):
                lo, hi = _INT_RANGE[(t.bits, t.signed)]
                lo, hi = max(lo, -(2**63)), min(hi, 2**63 - 1)
                if arr.type != pa.int64():
                    arr = arr.cast(pa.int64())
                mm = pc.min_max(arr)
                if mm["min"].is_valid and (mm["min"].as_py() < lo or mm["max"].as_py() > hi):
                    out_of = _np(pc.or_(pc.less(arr, lo), pc.greater(arr, hi)))
                    bad = bad | out_of
                    arr = pc.if_else(pa.array(out_of), 0, arr)
                return arr.cast(target, safe=False), bad
        elif k == "float":
            assert isinstance(t, ir.Float)
            bad = none
            if is_str:
                m = pc.match_substring_regex(arr, _NUM_RE)
                arr, cbad = _cast_parts(pc.if_else(m, arr, "0"), pa.float64())
                bad = valid & (~_np(m) | cbad)
            if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
                x = arr.cast(pa.float64(), safe=False)
                limit = _FLOAT32_MAX if t.bits == 32 else math.inf
                over = _np(pc.invert(pc.and_(pc.is_finite(x), pc.less_equal(pc.abs(x), limit))))
                if over.any():
                    bad = bad | (over & valid)
                    x = pc.if_else(pa.array(over), 0.0, x)
                return x.cast(target, safe=False), bad
        elif k == "string":
            if is_str:
                return arr.cast(target), none
        elif k == "enum":
            if is_str:
                ok = _np(pc.is_in(arr, value_set=pa.array(sorted(node.symbols), pa.string())))
                return arr.cast(target), valid & ~ok
            if pa.types.is_integer(src) and node.numbers:  # Thrift/protobuf enum numbers
                idx = pc.index_in(arr.cast(pa.int64()),
                                  value_set=pa.array(list(node.numbers), pa.int64()))
                out = pc.take(pa.array(list(node.numbers.values()), pa.string()), idx)
                return out.cast(target), valid & ~_np_valid(idx)
        elif k == "decimal":
            if pa.types.is_decimal(src):
                try:
                    return arr.cast(target), none
                except pa.ArrowException:
                    return pa.nulls(n, target), valid
            if is_str:
                m = pc.match_substring_regex(arr, _NUM_RE)
                out, cbad = _cast_parts(pc.if_else(m, arr, "0"), target)
                return out, valid & (~_np(m) | cbad)
        elif k == "date" and is_str:
            m = pc.match_substring_regex(arr, _DATE_RE)
            out, cbad = _cast_parts(pc.if_else(m, arr, "1970-01-01"), target)
            return out, valid & (~_np(m) | cbad | _outside_python(out))
        elif k == "time" and is_str:
            assert isinstance(t, ir.Time)
            return self._time(arr, t.unit, target, valid)
        elif k == "timestamp" and is_str:
            assert isinstance(t, ir.Timestamp)
            offset = None if t.utc else False
            arr, m = _zero_tails(arr, valid, _ts_re(t.unit, offset, False), _ts_re(t.unit, offset))
            ok = _np(m)
            s = pc.if_else(m, arr, "1970-01-01T00:00:00")
            if t.utc:
                zoned = pc.match_substring_regex(s, _OFFSET + "$")
                s = pc.if_else(zoned, s, pc.binary_join_element_wise(s, "Z", ""))
            out, cbad = _cast_parts(s, target)
            return out, valid & (~ok | cbad | _outside_python(out))
        # a source kind this target does not take: every value goes row by row
        return pa.nulls(n, target), valid

    @staticmethod
    def _time(arr: Any, unit: str, target: Any, valid: Any) -> tuple[Any, Any]:
        arr, m = _zero_tails(arr, valid, _time_re(unit, False), _time_re(unit))
        s = pc.binary_join_element_wise("1970-01-01T", pc.if_else(m, arr, "00:00:00"), "")
        ts, cbad = _cast_parts(s, pa.timestamp(unit))  # the grammar is checked: no surprises
        width = pa.int32() if unit in ("s", "ms") else pa.int64()
        out = ts.cast(pa.int64()).cast(width).cast(target)
        return out, valid & (~_np(m) | cbad)


def _zero_tails(arr: Any, valid: Any, strict: str, zeros: str) -> tuple[Any, Any]:
    """Match the ``strict`` grammar (the digits pyarrow's cast takes for the unit); only
    when some value does not, values of the ``zeros`` grammar lose their fraction's
    trailing zeros (``.500000`` -> ``.5``), so pyarrow's cast takes them as well."""
    m = pc.match_substring_regex(arr, strict)
    if not (valid & ~_np(m)).any():
        return arr, m
    extra = pc.and_(pc.match_substring_regex(arr, zeros), pc.invert(m))
    if not _np(extra).any():
        return arr, m
    tail = r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
    cut = pc.replace_substring_regex(arr, r"\.0+" + tail, r"\1")
    cut = pc.replace_substring_regex(cut, r"(\.[0-9]*[1-9])0+" + tail, r"\1\2")
    return pc.if_else(extra, cut, arr), pc.or_(pc.fill_null(m, False), extra)


# --------------------------------------------------------------------------- converter


class _Rejects:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.count = 0
        self.first: list[Reject] = []
        self._tmp: Path | None = None
        self._f: Any = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
            self._f = open(self._tmp, "w", encoding="utf-8")  # noqa: SIM115

    def add(self, r: Reject) -> None:
        self.count += 1
        if len(self.first) < 20:
            self.first.append(r)
        if self._f is not None:
            self._f.write(r.to_json() + "\n")

    def close(self) -> None:
        if self._f is not None and self._tmp is not None and self.path is not None:
            self._f.close()
            os.replace(self._tmp, self.path)
            self._f = None

    def abort(self) -> None:
        if self._f is not None and self._tmp is not None:
            self._f.close()
            self._f = None
            self._tmp.unlink(missing_ok=True)


class Converter:
    """Converts parsed input to Arrow batches of ``record_cls`` and hands them to ``sink``."""

    def __init__(self, record_cls: Any, sink: Callable[[Any], None],
                 rejects: Callable[[Reject], None], *, unknown_fields: UnknownFields = "reject",
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                 progress: Callable[[int], None] | None = None) -> None:
        if unknown_fields not in ("reject", "ignore"):
            raise UsageError(f"unknown_fields must be 'reject' or 'ignore', got {unknown_fields!r}")
        self.info = info_of(record_cls)
        self.schema = self.info.arrow_schema()
        self.sink = sink
        self.reject = rejects
        self.unknown: UnknownFields = unknown_fields
        self.chunk_bytes = max(int(chunk_bytes), 1024)
        self.progress = progress or (lambda n: None)
        self.ignored: dict[str, int] = {}
        root_struct = pa.struct(list(self.schema))
        self.node = _Planner(self.info).record(self.info.ir[0], root_struct, False)
        self.fast = _fast_ok(self.node)
        self.rows = 0
        self.slow_rows = 0
        self.coercer = _RowCoercer(self.unknown, self.ignored)
        self.caster = _FastCaster(self.unknown, self.ignored)
        self._read_types: dict[str, Any] = {}
        self.sink_pool: Any = None  # a ThreadPoolExecutor(1): the sink runs there
        self._in_flight: Any = None

    # ------------------------------------------------------------------ output

    def _emit(self, batch: Any) -> None:
        if not batch.num_rows:
            return
        self.rows += batch.num_rows
        if self.sink_pool is None:
            self.sink(batch)
            return
        # the writer encodes the previous batch (GIL released) while the next one is cast;
        # one batch in flight at most, in order
        self.finish()
        self._in_flight = self.sink_pool.submit(self.sink, batch)

    def finish(self) -> None:
        """Wait until the writer took every batch (raises what the writer raised)."""
        fut, self._in_flight = self._in_flight, None
        if fut is not None:
            fut.result()

    def _struct_to_batch(self, arr: Any) -> Any:
        cols = [arr.field(i) for i in range(arr.type.num_fields)]
        return pa.RecordBatch.from_arrays(cols, schema=self.schema)

    # ------------------------------------------------------------------ per-row

    def _slow(self, items: Sequence[tuple[int, Any, Callable[[], Any]]], file: str) -> Any:
        """``items``: (line, raw row, parse function).  Returns (batch or None, indexes kept).

        Rejects are reported in input order."""
        records: list[Any] = []
        kept: list[int] = []
        rejected: list[tuple[int, Reject]] = []
        for idx, (line, raw, parse) in enumerate(items):
            try:
                value = parse()
                records.append(self.coercer.row(self.node, value))
            except _Bad as exc:
                rejected.append((idx, Reject(file, line, exc.path, exc.reason, raw)))
                continue
            except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
                # not foreseen by the casts above: the row is rejected, never lost
                rejected.append((idx, Reject(file, line, "", f"cannot convert: "
                                             f"{type(exc).__name__}: {exc}", raw)))
                continue
            kept.append(idx)
        self.slow_rows += len(items)
        batch = None
        if records:
            batch, bad = self._to_batch(records)
            if bad:
                from schemagen.runtime.validate import locate

                root, types = self.info.ir
                for i in sorted(bad):
                    probs = locate(types, root, [records[i]], 0)
                    p = probs[0] if probs else None
                    line, raw, _ = items[kept[i]]
                    rejected.append((kept[i], Reject(
                        file, line, p.path if p else "",
                        f"expected {p.expected}, got {_show(p.value)}" if p
                        else "not convertible", raw)))
                kept = [k for j, k in enumerate(kept) if j not in bad]
        for _, r in sorted(rejected, key=lambda x: x[0]):
            self.reject(r)
        return batch, kept

    def _to_batch(self, records: list[Any]) -> tuple[Any, set[int]]:
        try:
            return self.info.to_batch(records, self.schema), set()
        except Exception:  # noqa: BLE001 - find the records at fault one by one
            bad: set[int] = set()
            good = []
            for i, r in enumerate(records):
                try:
                    self.info.to_batch([r], self.schema)
                    good.append(r)
                except Exception:  # noqa: BLE001
                    bad.add(i)
            if not good:
                return None, bad
            return self.info.to_batch(good, self.schema), bad

    def _merge(self, fast: Any, good: Any, slow: Any, slow_idx: list[int]) -> None:
        """Write the fast rows (where ``good``) and the per-row ones, in input order."""
        fast_idx = np.flatnonzero(good)
        parts = []
        if len(fast_idx):
            parts.append(fast.filter(pa.array(good)) if len(fast_idx) < len(good) else fast)
        if slow is not None and len(slow_idx):
            parts.append(slow)
        if not parts:
            return
        if len(parts) == 1:
            self._emit(parts[0])
            return
        order = np.argsort(np.concatenate([fast_idx, np.asarray(slow_idx)]), kind="stable")
        table = pa.Table.from_batches(parts, schema=self.schema).take(pa.array(order))
        for b in table.combine_chunks().to_batches():
            self._emit(b)

    # ------------------------------------------------------------------ JSON Lines

    def _read_schema(self, node: _Node, jpath: str) -> Any:
        if node.kind == "record":
            fields = []
            for _, keys, child in node.children:
                for key in keys:
                    fields.append(pa.field(key, self._read_schema(child, f"{jpath}/{key}")))
            return pa.struct(fields)
        if node.kind == "list":
            assert node.item is not None
            return pa.list_(self._read_schema(node.item, f"{jpath}/[]"))
        got = self._read_types.get(jpath)
        if got is not None:
            return got
        return {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(),
                "decimal": node.target}.get(node.kind, pa.string())

    def _flip(self, message: str) -> bool:
        """Switch a key's read type after pyarrow saw another JSON kind there."""
        m = re.search(r"Column\((/.*)\) changed from (\w+) to (\w+)", message)
        if not m:
            return False
        jpath, new = m.group(1), m.group(3)
        node = self._node_at(jpath)
        if node is None:
            return False
        choice = {("bool", "string"): pa.string(), ("bool", "boolean"): pa.bool_(),
                  ("enum", "string"): pa.string(),
                  ("enum", "number"): pa.int64() if node.numbers else None,
                  ("int", "string"): pa.string(), ("int", "number"): pa.int64(),
                  ("float", "string"): pa.string(), ("float", "number"): pa.float64()
                  }.get((node.kind, new))
        if choice is None or self._read_types.get(jpath) == choice:
            return False
        self._read_types[jpath] = choice
        return True

    def _node_at(self, jpath: str) -> _Node | None:
        node = self.node
        for part in jpath.split("/")[1:]:
            if node.kind == "list" and part == "[]":
                assert node.item is not None
                node = node.item
                continue
            if node.kind != "record":
                return None
            nxt = None
            for _, keys, child in node.children:
                if part in keys:
                    nxt = child
            if nxt is None:
                return None
            node = nxt
        return node

    def json_lines(self, path: Path) -> None:
        from concurrent.futures import Future, ThreadPoolExecutor

        file = str(path)
        with open(path, "rb") as f, _LineIndex(path) as lines, ThreadPoolExecutor(1) as pool:
            # the next chunk is parsed (pyarrow, GIL released) while this one is cast and written
            pending: tuple[Any, int, Future[Any] | None] | None = None
            for chunk, offset in self._line_chunks(f):
                fut = pool.submit(self._read_checked, chunk, self._arrow_read_schema()) \
                    if self.fast else None
                if pending is not None:
                    self._json_chunk(*pending, file=file, lines=lines)
                pending = (chunk, offset, fut)
            if pending is not None:
                self._json_chunk(*pending, file=file, lines=lines)

    def _line_chunks(self, f: Any) -> Iterator[tuple[Any, int]]:
        """About ``chunk_bytes`` of whole lines at a time (a memoryview, not copied) and the
        byte offset each chunk starts at (line numbers are counted only when needed)."""
        pos = 0
        carry = b""
        while True:
            data = f.read(self.chunk_bytes)
            if pos == 0 and data.startswith(b"\xef\xbb\xbf"):
                self.progress(3)
                data = data[3:]
                pos = 3
            if not data:
                if carry.strip():
                    yield carry, pos
                return
            cut = data.rfind(b"\n")
            if cut < 0:  # a line longer than a chunk
                carry += data
                self.progress(len(data))
                continue
            if cut + 1 < len(data):
                f.seek(cut + 1 - len(data), os.SEEK_CUR)  # the partial line is read again
            self.progress(cut + 1)
            if carry:
                chunk: Any = carry + data[: cut + 1]
                carry = b""
            else:
                chunk = memoryview(data)[: cut + 1]
            yield chunk, pos
            pos += len(chunk)

    def _json_chunk(self, chunk: Any, offset: int, fut: Any = None, *, file: str,
                    lines: _LineIndex) -> None:
        if not self.fast:
            self._json_rows(bytes(chunk), lines.line_at(offset), file)
            return
        table = None
        nlines = 0
        for attempt in range(8):
            try:
                if attempt == 0 and fut is not None:
                    table, nlines = fut.result()
                else:
                    table, nlines = self._read_checked(chunk, self._arrow_read_schema())
            except pa.ArrowException as exc:
                if not self._flip(str(exc)):
                    break
                continue
            break
        if table is None:
            chunk = bytes(chunk)
            nlines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
            mid = chunk.find(b"\n", len(chunk) // 2)
            if mid < 0 or mid + 1 >= len(chunk):
                mid = chunk.rfind(b"\n", 0, len(chunk) - 1)
            if nlines <= MIN_SPLIT_LINES or mid < 0:
                self._json_rows(chunk, lines.line_at(offset), file)
                return
            head, tail = chunk[: mid + 1], chunk[mid + 1:]
            self._json_chunk(head, offset, file=file, lines=lines)
            self._json_chunk(tail, offset + len(head), file=file, lines=lines)
            return
        self._json_table(table, chunk, lambda: lines.line_at(offset), file, nlines)

    def _read_checked(self, chunk: Any, schema: Any) -> tuple[Any, int]:
        """``(table, lines in the chunk)``; the table is None when it holds invalid UTF-8
        (pyarrow's JSON reader lets it through: found row by row).  Runs in the parse
        thread (pyarrow and numpy release the GIL)."""
        table = self._read_json(chunk, schema)
        try:
            table.validate(full=True)
        except pa.ArrowInvalid:
            return None, 0
        return table, _count_lines(chunk)

    def _arrow_read_schema(self) -> Any:
        return pa.schema(list(self._read_schema(self.node, "")))

    def _read_json(self, chunk: Any, schema: Any) -> Any:
        opts = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
        block = 1 << 20  # fastest in measurements (more blocks in parallel, cache-sized)
        try:
            return pj.read_json(pa.BufferReader(pa.py_buffer(chunk)),
                                read_options=pj.ReadOptions(block_size=block),
                                parse_options=opts)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            return pj.read_json(pa.BufferReader(pa.py_buffer(chunk)),
                                read_options=pj.ReadOptions(block_size=len(chunk) + 1),
                                parse_options=opts)

    def _json_table(self, table: Any, chunk: bytes, line_of: Callable[[], int],
                    file: str, nlines: int) -> None:
        n = table.num_rows
        if n != nlines and len(_line_spans(bytes(chunk))) != n:
            # pyarrow reads an object over several lines (or several on one line) as rows:
            # the per-row path decides every row of this chunk, line by line
            self._json_rows(bytes(chunk), line_of(), file)
            return
        cols = [c.combine_chunks() if c.num_chunks != 1 else c.chunk(0) for c in table.columns]
        root = pa.StructArray.from_arrays(cols, names=table.column_names) if cols else \
            pa.array([{}] * n, pa.struct([]))
        arr, bad = self.caster.record(self.node, root, "")
        if not bad.any():
            self.caster.counted(bad)
            self._emit(self._struct_to_batch(arr))
            return
        chunk = bytes(chunk)
        line = line_of()
        spans = _line_spans(chunk)
        if len(spans) != n or not all(
                chunk[a:b].strip().startswith(b"{") and chunk[a:b].strip().endswith(b"}")
                for _, a, b in spans):
            # rows are not lines (several objects on a line and one over several lines):
            # the per-row path decides every row of this chunk
            self.caster.pending = []
            self._json_rows(chunk, line, file)
            return
        self.caster.counted(bad)
        batch = self._struct_to_batch(arr)
        bad_idx = np.flatnonzero(bad).tolist()
        items = []
        for i in bad_idx:
            rel, a, b = spans[i]
            text = chunk[a:b]
            items.append((line + rel, _raw_text(text), _json_parser(text)))
        slow, kept = self._slow(items, file)
        self._merge(batch, ~bad, slow, [bad_idx[k] for k in kept])

    def _json_rows(self, chunk: bytes, line: int, file: str) -> None:
        spans = _line_spans(chunk)
        for start in range(0, len(spans), PER_ROW_BATCH):
            items = [item for rel, a, b in spans[start: start + PER_ROW_BATCH]
                     for item in _json_line_items(chunk[a:b], line + rel)]
            batch, _ = self._slow(items, file)
            if batch is not None:
                self._emit(batch)

    # ------------------------------------------------------------------ JSON array

    def json_array(self, path: Path) -> None:
        file = str(path)
        items: list[tuple[int, Any, Callable[[], Any]]] = []
        for line, raw, parse in _json_array_items(path, self.chunk_bytes, self.progress):
            items.append((line, raw, parse))
            if len(items) >= PER_ROW_BATCH:
                self._flush_items(items, file)
                items = []
        self._flush_items(items, file)

    def _flush_items(self, items: list[tuple[int, Any, Callable[[], Any]]], file: str) -> None:
        if items:
            batch, _ = self._slow(items, file)
            if batch is not None:
                self._emit(batch)

    # ------------------------------------------------------------------ CSV

    def csv(self, path: Path, delimiter: str = ",") -> None:
        file = str(path)
        columns, not_cells = self._csv_columns()
        with open(path, encoding="utf-8-sig", newline="") as f:
            # strict: a quote left open at the end of the file is an error (else the
            # rows after it silently become one cell), as is text after a closing quote
            reader = csv.reader(f, delimiter=delimiter, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise UsageError(f"{file}:1: not a CSV header: {exc}") from None
            _check_header(file, header, not_cells)
            size = 0
            done = 0  # bytes reported to progress
            raw: Any = f.buffer
            rows: list[list[str]] = []
            lines: list[int] = []
            last = reader.line_num
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    why = str(exc)
                    if why == "unexpected end of data":
                        why += (" (a quoted cell opened in this row is never closed: the rest "
                                "of the file is this row)")
                    self.reject(Reject(file, last + 1, "", f"not CSV: {why}", None))
                    last = reader.line_num
                    continue
                lines.append(last + 1)
                last = reader.line_num
                if not row:  # a blank line (a quoted empty cell, '""', is a row)
                    lines.pop()
                    continue
                rows.append(row)
                size += sum(map(len, row)) + len(row)
                if size >= self.chunk_bytes // 4:
                    now = raw.tell()  # bytes read (ahead by the text buffer at most)
                    self.progress(now - done)
                    done = now
                    self._csv_chunk(header, rows, lines, columns, file)
                    rows, lines, size = [], [], 0
            self.progress(os.path.getsize(path) - done)
            self._csv_chunk(header, rows, lines, columns, file)

    def _csv_columns(self) -> tuple[dict[str, _Node], dict[str, str]]:
        """Dotted column name (names and aliases) -> leaf node, and the column names of
        fields that cannot be cells (lists, maps ...) -> the message if a header names one
        (such fields left out of the CSV take their default)."""
        out: dict[str, _Node] = {}
        not_cells: dict[str, str] = {}
        self._csv_paths: dict[str, tuple[str, ...]] = {}  # column -> keys (names may hold '.')

        def walk(node: _Node, prefix: tuple[str, ...], fpath: str) -> None:
            for f, keys, child in node.children:
                for key in keys:
                    name = ".".join((*prefix, key))
                    self._csv_paths[name] = (*prefix, key)
                    if child.kind == "record":
                        walk(child, (*prefix, key), f"{fpath}{f.name}.")
                    elif child.kind in _FAST_KINDS - {"list"}:
                        out[name] = child
                    else:
                        not_cells[name] = (f"field {fpath}{f.name} ({child.kind}) cannot be "
                                           "read from a CSV column; use JSON Lines for it")
        walk(self.node, (), "")
        return out, not_cells

    def _csv_chunk(self, header: list[str], rows: list[list[str]], lines: list[int],
                   columns: dict[str, _Node], file: str) -> None:
        if not rows:
            return
        width = len(header)
        wrong = np.array([len(r) != width for r in rows], dtype=bool)
        cells = list(zip(*(r if len(r) == width else (r + [""] * width)[:width] for r in rows)))
        arrays: dict[str, Any] = {}
        given: dict[str, Any] = {}
        for name, col in zip(header, cells):
            a = pa.array(col, pa.string())
            given[name] = _np(pc.not_equal(a, ""))
            node = columns.get(name)
            if not (node is not None and node.kind == "string" and not node.nullable):
                a = pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)
            arrays[name] = a
        root = _nest(arrays, given, len(rows), self._csv_paths)
        arr, bad = self.caster.record(self.node, root, "")
        bad |= wrong
        if not self.fast:  # records the fast path cannot build (or the reference, in tests)
            bad[:] = True
        self.caster.counted(bad)
        batch = self._struct_to_batch(arr)
        if not bad.any():
            self._emit(batch)
            return
        bad_idx = np.flatnonzero(bad).tolist()
        items: list[tuple[int, Any, Callable[[], Any]]] = []
        for i in bad_idx:
            if wrong[i]:
                problem = _Bad("", f"expected {width} cells, got {len(rows[i])}")
                items.append((lines[i], rows[i], _raiser(problem)))
                continue
            raw = dict(zip(header, rows[i]))
            items.append((lines[i], raw, _csv_parser(raw, columns, self._csv_paths)))
        slow, kept = self._slow(items, file)
        self._merge(batch, ~bad, slow, [bad_idx[k] for k in kept])

    # ------------------------------------------------------------------ Avro

    def avro(self, path: Path) -> None:
        try:
            import fastavro
        except ImportError:  # pragma: no cover - a declared dependency
            raise UsageError("reading Avro files needs fastavro (pip install fastavro)") from None
        file = str(path)
        items: list[tuple[int, Any, Callable[[], Any]]] = []
        with open(path, "rb") as f:
            try:
                reader = fastavro.reader(f)
            except Exception as exc:  # noqa: BLE001 - fastavro raises many kinds
                raise UsageError(f"{file}: not an Avro container file: {exc}") from None
            pos = 0
            i = 0
            try:
                for i, rec in enumerate(reader, 1):
                    items.append((i, rec, _const(rec)))
                    if len(items) >= PER_ROW_BATCH:
                        self._flush_items(items, file)
                        items = []
                        now = f.tell()
                        self.progress(now - pos)
                        pos = now
            except Exception as exc:  # noqa: BLE001
                self._flush_items(items, file)
                raise UsageError(f"{file}: corrupt Avro data after record {i}: {exc}") from None
            self._flush_items(items, file)
            self.progress(os.path.getsize(path) - pos)


class _LineIndex:
    """Line numbers of byte offsets in a file, counted lazily (only rejects need them)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.line = 1
        self._f: Any = None

    def line_at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        if offset > self.offset:
            if self._f is None:
                self._f = open(self.path, "rb")  # noqa: SIM115 - closed in __exit__
            self._f.seek(self.offset)
            left = offset - self.offset
            while left > 0:
                data = self._f.read(min(left, DEFAULT_CHUNK_BYTES))
                if not data:
                    break
                self.line += data.count(b"\n")
                left -= len(data)
            self.offset = offset
        return self.line

    def __enter__(self) -> _LineIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._f is not None:
            self._f.close()


def _const(v: Any) -> Callable[[], Any]:
    return lambda: v


def _check_header(file: str, header: list[str], not_cells: dict[str, str]) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise UsageError(f"{file}:1: column {name!r} appears twice in the CSV header")
        seen.add(name)
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            problem = not_cells.get(".".join(parts[:i]))
            if problem:
                raise UsageError(f"{file}:1: column {name!r}: {problem}")


def _nest(arrays: dict[str, Any], given: dict[str, Any], n: int,
          paths: dict[str, tuple[str, ...]]) -> Any:
    """Dotted column names -> nested struct arrays (``a.b`` is child ``b`` of ``a``);
    a nested record whose cells are all empty is null."""
    tree: dict[str, Any] = {}
    for name, a in arrays.items():
        parts = paths.get(name) or tuple(name.split("."))
        d = tree
        for p in parts[:-1]:
            nxt = d.setdefault(p, {})
            if not isinstance(nxt, dict):
                nxt = d[p] = {}
            d = nxt
        if parts[-1] not in d:
            d[parts[-1]] = (a, given[name])

    def build(d: dict[str, Any]) -> tuple[Any, Any]:
        names = list(d)
        built = [build(v) if isinstance(v, dict) else v for v in d.values()]
        if not built:
            return pa.array([{}] * n, pa.struct([])), np.zeros(n, dtype=bool)
        valid = np.zeros(n, dtype=bool)
        for _, g in built:
            valid |= g
        mask = None if valid.all() else pa.array(~valid)
        return pa.StructArray.from_arrays([c for c, _ in built], names=names, mask=mask), valid

    root, _ = build(tree)
    # the root row itself is never null
    return pa.StructArray.from_arrays([root.field(i) for i in range(root.type.num_fields)],
                                      names=[f.name for f in root.type]) \
        if root.type.num_fields else root


def _csv_parser(raw: dict[str, str], columns: dict[str, _Node],
                paths: dict[str, tuple[str, ...]]) -> Callable[[], Any]:
    def parse() -> Any:
        out: dict[str, Any] = {}
        for name, cell in raw.items():
            node = columns.get(name)
            value: Any = cell
            if cell == "" and not (node is not None and node.kind == "string"
                                   and not node.nullable):
                value = None
            parts = paths.get(name) or tuple(name.split("."))
            d = out
            for p in parts[:-1]:
                nxt = d.get(p)
                if not isinstance(nxt, dict):
                    nxt = d[p] = {}
                d = nxt
            d.setdefault(parts[-1], value)
        # nested records whose cells are all empty are null; the row itself never is
        return {k: _drop_empty(v) if isinstance(v, dict) else v for k, v in out.items()}
    return parse


def _drop_empty(d: dict[str, Any]) -> Any:
    """A nested record whose cells are all empty is null (as on the fast path)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            v = _drop_empty(v)
        out[k] = v
    return out if any(v is not None and v != "" for v in out.values()) else None


def _count_lines(chunk: Any) -> int:
    """Lines in a chunk (the last may lack its line end), counted without a copy."""
    if not len(chunk):
        return 0
    a = np.frombuffer(chunk, dtype=np.uint8)
    return int(np.count_nonzero(a == 10)) + (0 if a[-1] == 10 else 1)


def _line_spans(chunk: bytes) -> list[tuple[int, int, int]]:
    """(line offset, start, end) of every non-blank line (what pyarrow reads as rows)."""
    out = []
    start = 0
    rel = 0
    n = len(chunk)
    while start < n:
        end = chunk.find(b"\n", start)
        if end < 0:
            end = n
        if chunk[start:end].strip():
            out.append((rel, start, end))
        rel += 1
        start = end + 1
    return out


def _raw_text(b: bytes) -> str:
    s = b.decode("utf-8", errors="replace").rstrip("\r")
    return s if len(s) <= MAX_RAW_CHARS else s[:MAX_RAW_CHARS] + "...(truncated)"


class _DupKeys(dict):  # type: ignore[type-arg]
    """A JSON object that gave the key ``dup`` twice: the row is rejected (naming the
    field path) when the object is converted, not dropped or merged."""

    dup: str = ""


class _HugeInt(decimal.Decimal):
    """A JSON integer longer than ``int()`` takes (4300 digits): out of range anywhere."""


def _no_dups(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                out = _DupKeys(d)
                out.dup = k
                return out
            seen.add(k)
    return d


def _parse_int(s: str) -> Any:
    return int(s) if len(s) <= 4000 else _HugeInt(s)


def _json_value(v: Any, path: str) -> Any:
    """A parsed JSON value for a ``json`` field: numbers with a fraction as floats (they
    were read as exact decimals), and rejected: an object giving a key twice, NaN or
    Infinity (not JSON), an integer too long to write back."""
    if isinstance(v, _DupKeys):
        raise _Bad(f"{path}.{v.dup}", "key given twice in one object")
    if isinstance(v, dict):
        return {k: _json_value(x, f"{path}.{k}") for k, x in v.items()}
    if isinstance(v, list):
        return [_json_value(x, f"{path}[{i}]") for i, x in enumerate(v)]
    if isinstance(v, _HugeInt):
        raise _Bad(path, f"integer {_show(v)} is too long (more than 4000 digits)")
    if isinstance(v, (decimal.Decimal, float)):
        x = float(v)
        if not math.isfinite(x):
            raise _Bad(path, f"expected a finite number (JSON has no NaN or Infinity), "
                             f"got {_show(v)}")
        return x
    return v


def _json_parser(text: bytes) -> Callable[[], Any]:
    def parse() -> Any:
        try:
            s = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Bad("", f"not UTF-8: {exc}") from None
        try:
            v = json.loads(s, parse_float=decimal.Decimal, parse_int=_parse_int,
                           object_pairs_hook=_no_dups)
        except json.JSONDecodeError as exc:
            raise _Bad("", f"invalid JSON: {exc.msg} at column {exc.colno}") from None
        except RecursionError:
            raise _Bad("", "invalid JSON: nested too deeply") from None
        if not isinstance(v, dict):
            raise _Bad("", f"expected a JSON object, got {_show(v)}")
        if "\\u" in s and _SURROGATE_ESCAPE.search(s):
            _check_surrogates(v, "")
        return v
    return parse


_DECODER = json.JSONDecoder(parse_float=decimal.Decimal, parse_int=_parse_int,
                            object_pairs_hook=_no_dups)


def _json_line_items(text: bytes, line: int) -> list[tuple[int, Any, Callable[[], Any]]]:
    """The rows of one JSON Lines line: (line, raw text, parse function).

    Usually one object; several objects on one line (concatenated, as pyarrow and Drill
    read them) are several rows, each with its own raw text.  Anything else that is not
    one JSON object is one rejected row: the whole line."""
    try:
        s = text.decode("utf-8")
    except UnicodeDecodeError:
        return [(line, _raw_text(text), _json_parser(text))]
    whole = [(line, _raw_text(text), _json_parser(text))]
    out: list[tuple[int, Any, Callable[[], Any]]] = []
    pos, n = 0, len(s)
    while True:
        while pos < n and s[pos] in " \t\r\n":
            pos += 1
        if pos >= n:
            break
        try:
            value, end = _DECODER.raw_decode(s, pos)
        except (json.JSONDecodeError, RecursionError):
            return whole  # the error, as json.loads reports it for the line
        if not isinstance(value, dict):
            return whole
        out.append((line, _cap(s[pos:end]), _checked_object(value, s[pos:end])))
        pos = end
    if len(out) <= 1:
        return whole if not out else [(line, _cap(s.rstrip("\r")), out[0][2])]
    return out


def _json_array_items(path: Path, chunk: int,
                      progress: Callable[[int], None]) -> Iterator[tuple[int, Any, Callable[[], Any]]]:
    """Elements of a top-level JSON array, streamed: (line, raw text, parse function)."""
    decoder = json.JSONDecoder(parse_float=decimal.Decimal, parse_int=_parse_int,
                               object_pairs_hook=_no_dups)
    file = str(path)
    with open(path, encoding="utf-8-sig") as f:
        buf = ""
        pos = 0
        line = 1
        eof = False
        state = "start"  # start -> item -> sep -> end
        raw_file: Any = f.buffer
        done = 0  # bytes reported to progress

        def more() -> bool:
            nonlocal buf, pos, eof, done
            data = f.read(chunk)
            now = raw_file.tell()
            progress(now - done)
            done = now
            if not data:
                eof = True
                return False
            buf = buf[pos:] + data
            pos = 0
            return True

        def skip_ws() -> None:
            nonlocal pos, line
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    if buf[pos] == "\n":
                        line += 1
                    pos += 1
                if pos < len(buf) or eof or not more():
                    return

        while True:
            skip_ws()
            if pos >= len(buf):
                if state != "end":
                    raise UsageError(f"{file}:{line}: the JSON array is not closed (missing ']')")
                return
            c = buf[pos]
            if state == "start":
                if c != "[":
                    raise UsageError(f"{file}:{line}: expected a JSON array ('['), got {c!r}; "
                                     "use --input-format jsonl for JSON Lines")
                pos += 1
                skip_ws()
                if pos < len(buf) and buf[pos] == "]":
                    pos += 1
                    state = "end"
                else:
                    state = "item"
                continue
            if state == "end":
                raise UsageError(f"{file}:{line}: unexpected text after the JSON array: {c!r}")
            if state == "sep":
                if c == ",":
                    pos += 1
                    state = "item"
                elif c == "]":
                    pos += 1
                    state = "end"
                else:
                    raise UsageError(f"{file}:{line}: expected ',' or ']' between array "
                                     f"elements, got {c!r}")
                continue
            while True:
                try:
                    value, end = decoder.raw_decode(buf, pos)
                    if end >= len(buf) and not eof and more():
                        continue  # a number may go on in the next read
                    break
                except json.JSONDecodeError as exc:
                    if exc.pos >= len(buf) - 1 and not eof and more():
                        continue
                    # a string may be cut by the end of the buffer (the error names where
                    # it starts): read on, up to a bound; any other error is final
                    if exc.msg.startswith("Unterminated string") and not eof \
                            and len(buf) - pos < 64 * chunk and more():
                        continue
                    raise UsageError(f"{file}:{line + buf.count(chr(10), pos, exc.pos)}: "
                                     f"invalid JSON: {exc.msg}") from None
            raw = buf[pos:end]
            yield line, _cap(raw), _checked_object(value, raw)
            line += raw.count("\n")
            pos = end
            state = "sep"


def _cap(s: str) -> str:
    return s if len(s) <= MAX_RAW_CHARS else s[:MAX_RAW_CHARS] + "...(truncated)"


def _raiser(exc: _Bad) -> Callable[[], Any]:
    def parse() -> Any:
        raise exc
    return parse


def _checked_object(v: Any, raw: str = "") -> Callable[[], Any]:
    def parse() -> Any:
        if not isinstance(v, dict):
            raise _Bad("", f"expected a JSON object, got {_show(v)}")
        if "\\u" in raw and _SURROGATE_ESCAPE.search(raw):
            _check_surrogates(v, "")
        return v
    return parse


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_surrogates(v: Any, path: str) -> None:
    """JSON ``\\ud800`` escapes not in a pair decode to lone surrogates: not Unicode text,
    so not UTF-8 in Parquet; the row is rejected naming the key path."""
    if isinstance(v, str):
        m = _SURROGATE.search(v)
        if m:
            raise _Bad(path, f"invalid Unicode: lone surrogate \\u{ord(m.group()):04x} "
                             f"in {_show(v)}")
    elif isinstance(v, dict):
        for k, x in v.items():
            kpath = f"{path}.{k}" if path else k
            if _SURROGATE.search(k):
                raise _Bad(_SURROGATE.sub("\ufffd", kpath), "invalid Unicode: lone surrogate "
                                                            f"in the key {_show(k)}")
            _check_surrogates(x, kpath)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _check_surrogates(x, f"{path}[{i}]")


# --------------------------------------------------------------------------- entry point


_WIDE_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
              b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def _check_not_utf16(path: Path) -> None:
    """Text inputs are UTF-8: a UTF-16/32 file (by its byte order mark) is an error up
    front, not a rejected row per line."""
    with open(path, "rb") as f:
        head = f.read(4)
    for bom, name in _WIDE_BOMS.items():
        if head.startswith(bom):
            raise UsageError(f"{path}: {name} text (byte order mark {bom.hex(' ')}); convert "
                             f"reads UTF-8: re-encode it first (iconv -f {name} -t UTF-8)")


def input_format_of(path: Path, given: str | None) -> str:
    if given:
        if given not in INPUT_FORMATS:
            raise UsageError(f"unknown input format {given!r}; known: {', '.join(INPUT_FORMATS)}")
        return given
    fmt = _EXTENSIONS.get(path.suffix.lower(), "jsonl")
    if fmt == "json":  # .json: an array if it starts with '[', else JSON Lines (as Drill reads it)
        with open(path, "rb") as f:
            head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        return "json" if head.startswith(b"[") else "jsonl"
    return fmt


def _check_paths(paths: list[Path], target: Path, single: bool,
                 rejects: str | os.PathLike[str] | None) -> None:
    """The output and the rejects file must not replace an input (or each other), and
    the rejects file must not land in the dataset folder (readers would take it for data)."""
    ins = {p.resolve(): p for p in paths}
    out = target.resolve()
    if out in ins:
        raise UsageError(f"--out {target} is also an input file")
    if rejects is None:
        return
    rej = Path(rejects).resolve()
    if rej in ins:
        raise UsageError(f"--rejects {rejects} is also an input file (it would be replaced)")
    if rej == out:
        raise UsageError(f"--rejects {rejects} is also the --out path")
    if not single and out in rej.parents:
        raise UsageError(f"--rejects {rejects} is inside the dataset folder {target}; "
                         "readers of the dataset would take it for data")


def convert(
    record_cls: Any,
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    input_format: str | None = None,
    rejects: str | os.PathLike[str] | None = None,
    unknown_fields: UnknownFields = "reject",
    mode: str | None = None,
    partition_by: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    csv_delimiter: str = ",",
    **writer_options: Any,
) -> ConvertResult:
    """Convert ``inputs`` to Parquet at ``out`` as ``record_cls`` records.

    ``out`` ending in ``.parquet`` is one file (``mode``: ``overwrite`` - the default -
    replaces it, ``error`` refuses an existing file), anything else a dataset folder
    (``mode``: ``append`` - the default -, ``overwrite``, ``error``; ``partition_by``).  Rows that cannot be converted go to
    ``rejects`` (JSON Lines) and are counted in the result; nothing is
    committed under ``out`` if an input cannot be read at all (UsageError).
    """
    started = time.perf_counter()
    paths = [Path(p) for p in inputs]
    if not paths:
        raise UsageError("convert needs at least one input file")
    for p in paths:
        if not p.is_file():
            raise UsageError(f"{p}: is a folder; give the input files (e.g. {p}/*.jsonl)"
                             if p.is_dir() else f"{p}: no such input file")
    formats = [input_format_of(p, input_format) for p in paths]
    for p, fmt in zip(paths, formats):
        if fmt != "avro":
            _check_not_utf16(p)
    info = info_of(record_cls)
    target = Path(out)
    single = target.suffix == ".parquet"
    if single:
        if partition_by:
            raise UsageError(f"--partition-by applies to a dataset folder; {target} names "
                             "one .parquet file")
        if mode == "append":
            raise UsageError(f"cannot append to the single Parquet file {target}: write a "
                             "dataset folder (an --out path without .parquet) to append")
        if mode == "error" and target.exists():
            raise UsageError(f"{target} exists (mode 'error')")
    _check_paths(paths, target, single, rejects)
    if len(csv_delimiter) != 1 or csv_delimiter in "\"\r\n":
        raise UsageError(f"the CSV delimiter must be one character (not a quote or a line "
                         f"break), got {csv_delimiter!r}")
    writer: Any = None
    conv = Converter(info.cls, lambda batch: writer.write_arrow(batch), lambda r: sink.add(r),
                     unknown_fields=unknown_fields, chunk_bytes=chunk_bytes, progress=progress)
    from schemagen.runtime.writer import ParquetWriter
    from schemagen.runtime.writer import writer_options as check_options

    check_options(**writer_options)  # bad options: nothing is created
    sink = _Rejects(Path(rejects) if rejects is not None else None)
    try:
        if single:
            writer = ParquetWriter(record_cls, target, **writer_options)
        else:
            from schemagen.runtime.dataset import DatasetWriter

            writer = DatasetWriter(record_cls, target, mode=mode or "append",
                                   partition_by=list(partition_by), **writer_options)
    except BaseException:
        sink.abort()
        raise
    result = ConvertResult()
    from concurrent.futures import ThreadPoolExecutor

    conv.sink_pool = pool = ThreadPoolExecutor(1)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for p, fmt in zip(paths, formats):
            if fmt == "jsonl":
                conv.json_lines(p)
            elif fmt in ("json", "csv"):
                try:
                    conv.json_array(p) if fmt == "json" else conv.csv(p, csv_delimiter)
                except UnicodeDecodeError as exc:
                    raise UsageError(f"{p}: not UTF-8 text (byte {exc.start}: "
                                     f"{exc.reason})") from None
            else:
                conv.avro(p)
        conv.finish()
        closed = writer.close()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        writer.abort()
        sink.abort()
        raise
    finally:
        pool.shutdown(wait=True)
        if was_enabled:
            gc.enable()
    sink.close()
    result.files = list(closed) if isinstance(closed, list) else [Path(closed)]
    result.rows = conv.rows
    result.rejected = sink.count
    result.first_rejects = sink.first
    result.ignored_keys = dict(sorted(conv.ignored.items()))
    result.rows_per_row_path = conv.slow_rows
    result.seconds = time.perf_counter() - started
    return result
