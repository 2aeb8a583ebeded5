"""The native accelerator of the generated writers and readers (a C extension, ``_columns``).

A record class gets a *plan* once, at its first write: one node per field, from the IR
embedded in the generated module (field slot offsets, leaf kinds, widths, units,
nullability).  ``_columns.build`` walks the records with it and returns Arrow buffers,
which become arrays through ``pyarrow.Array.from_buffers`` (no link against Arrow C++, so
no tie to one pyarrow ABI).

The extension takes the happy path only.  Any value it does not take for certain (a type
the pure-Python converters might accept or reject, a None in a required field, a value
out of range, sub-unit digits...) makes it raise ``Bail``, and the generated pure-Python
writer converts the same batch instead.  Errors are therefore those of the pure-Python
path, word for word, and the arrays are identical (tests compare both paths).

Fixed-size binaries (``ir.Fixed``: exact ``bytes`` of exactly the size) and uuids
(``ir.Uuid``: an exact ``uuid.UUID``, as its 16 ``.bytes``) have a write plan, anything
else bails; they have no read plan yet.  A record whose IR holds a type the
extension does not build yet (decimals, uuids, enums, maps, unions, sets, intervals, JSON, durations, half floats) has no plan and is
always converted in Python.

The read direction (``accelerated_read``) works the same way: a plan per batch layout,
``_columns.read`` builds the records from the batch's buffers with their slots set
directly, and ``Bail`` hands the batch to the generated reader (see docs/native.md).
``SCHEMAGEN_PURE=1`` turns the extension off; ``status()``
says which path is active (``schemagen --version`` prints it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.util
import os
import typing
import uuid
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

from ... import ir
from ..._pyarrow import pa
from ..columns import TRUNCATE_TIME

_columns: ModuleType | None = None
_REASON = ""
if os.environ.get("SCHEMAGEN_PURE") == "1":
    _REASON = "SCHEMAGEN_PURE=1 is set"
elif importlib.util.find_spec(f"{__name__}._columns") is None:
    _REASON = "the C extension is not built: no C compiler at install time?"
else:
    try:
        # (not ``from . import _columns``: that would find the None bound above)
        _columns = importlib.import_module(f"{__name__}._columns")
    except ImportError as exc:
        _REASON = f"the C extension does not load: {exc}"
    if _columns is not None and getattr(_columns, "ABI", None) != 2:
        _REASON = (f"the C extension is stale (plan ABI {getattr(_columns, 'ABI', None)}, this "
                   "runtime needs 2): rebuild it (python setup.py build_ext --inplace)")
        _columns = None

__all__ = ["accelerated", "accelerated_read", "active", "status", "unset_slots", "using"]

_enabled = [True]  # (a list: switched by ``using`` without a global statement)

K_INT, K_FLOAT, K_BOOL, K_STR, K_BIN, K_DATE, K_TIMESTAMP, K_TIME = 1, 2, 3, 4, 5, 6, 7, 8
K_FIXED = 9  # write plans only: fixed_size_binary(n), exact bytes of length n
K_LIST, K_STRUCT = 10, 11
K_UUID = 12  # write plans only: arrow.uuid, an exact uuid.UUID (storage: its .bytes)
K_DEFAULT = 20
K_UNREAD = 21  # read plans (ABI 2): a field a projection does not read: its slot stays unset
_UNITS = {"s": 0, "ms": 1, "us": 2, "ns": 3}

Node = tuple[int, bool, int, int, int, Any, Any]


def active() -> bool:
    """Whether the C accelerator is in use."""
    return _columns is not None


@contextlib.contextmanager
def using(enabled: bool) -> Iterator[None]:
    """Within the block, the native path is (not) used: for benchmarks and tests that
    compare both paths in one process (``SCHEMAGEN_PURE=1`` is the switch for users)."""
    before = _enabled[0]
    _enabled[0] = enabled
    try:
        yield
    finally:
        _enabled[0] = before


def status() -> str:
    """One line for ``schemagen --version``: which converters are active, and why."""
    if _columns is not None:
        return "native column builders (C extension)"
    return f"pure-Python column builders ({_REASON or 'the C extension is not built'})"


class _Unsupported(Exception):
    """The record holds a type the extension does not build: no plan."""


def _offset(cls: type[Any], attr: str) -> int:
    assert _columns is not None
    descr = cls.__dict__.get(attr)
    try:
        return int(_columns.slot_offset(descr))
    except TypeError:
        raise _Unsupported(f"{cls.__name__}.{attr} is not a slot") from None


def _record_class(hint: Any, name: str) -> type[Any]:
    """The generated class behind a field's annotation (``X`` or ``X | None``)."""
    for c in (hint, *typing.get_args(hint)):
        info = getattr(c, "__schemagen__", None)
        if isinstance(c, type) and getattr(info, "name", None) == name:
            return c
    raise _Unsupported(f"no record class for {name}")


class _Planner:
    def __init__(self, types: dict[str, ir.Named]) -> None:
        self.types = types
        self.seen: set[str] = set()

    def record(self, cls: type[Any], rec: ir.Record, nullable: bool, offset: int) -> Node:
        if rec.name in self.seen or rec.kind != "record":
            raise _Unsupported(f"{rec.name}: recursive or union record")
        self.seen.add(rec.name)
        hints = typing.get_type_hints(cls)
        kids = []
        for f in rec.fields:
            attr = f.py_name or f.name
            kids.append(self.node(f.type, _offset(cls, attr), hints.get(attr)))
        self.seen.discard(rec.name)
        return (K_STRUCT, nullable, offset, 0, 0, tuple(kids), cls)

    def node(self, t: ir.Type, offset: int, hint: Any) -> Node:
        inner, nullable = ir.strip_nullable(t)
        match inner:
            case ir.Bool():
                return (K_BOOL, nullable, offset, 0, 0, None, None)
            case ir.Int(bits=bits, signed=signed):
                return (K_INT, nullable, offset, bits, int(signed), None, None)
            case ir.Float(bits=32 | 64 as bits):
                return (K_FLOAT, nullable, offset, bits, 0, None, None)
            case ir.String():
                return (K_STR, nullable, offset, 0, 0, None, None)
            case ir.Bytes():
                return (K_BIN, nullable, offset, 0, 0, None, None)
            case ir.Fixed(size=size) if size > 0:
                return (K_FIXED, nullable, offset, size, 0, None, None)
            case ir.Uuid():
                return (K_UUID, nullable, offset, 16, 0, None, uuid.UUID)
            case ir.Date():
                return (K_DATE, nullable, offset, 0, 0, None, None)
            case ir.Time(unit=unit):
                return (K_TIME, nullable, offset, _UNITS[unit], 0, None, None)
            case ir.Timestamp(unit=unit, utc=utc):
                return (K_TIMESTAMP, nullable, offset, _UNITS[unit], int(utc), None, None)
            case ir.List(item=item, unique=False):
                item_hint = next(iter(typing.get_args(_strip_none(hint))), None)
                return (K_LIST, nullable, offset, 0, 0, (self.node(item, -1, item_hint),), None)
            case ir.RecordRef(name=name):
                rec = self.types.get(name)
                if not isinstance(rec, ir.Record):
                    raise _Unsupported(name)
                return self.record(_record_class(hint, name), rec, nullable, offset)
            case _:
                raise _Unsupported(type(inner).__name__)


def _strip_none(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if len(args) == 1 and type(None) in typing.get_args(hint) else hint


def _array(typ: Any, res: tuple[Any, ...]) -> Any:
    """An Arrow array of ``typ`` from one column result of ``_columns.build``."""
    length, nulls, validity, data, offsets, children = res
    valid = None if validity is None else pa.py_buffer(validity)
    if isinstance(typ, pa.ExtensionType):  # (arrow.uuid: built as its storage)
        return pa.ExtensionArray.from_storage(typ, _array(typ.storage_type, res))
    if pa.types.is_struct(typ):
        kids = [_array(typ.field(i).type, children[i]) for i in range(typ.num_fields)]
        return pa.StructArray.from_buffers(typ, length, [valid], nulls, children=kids)
    if pa.types.is_list(typ):
        item = _array(typ.value_type, children[0])
        return pa.ListArray.from_buffers(typ, length, [valid, pa.py_buffer(offsets)], nulls,
                                         children=[item])
    if offsets is not None:
        return pa.Array.from_buffers(typ, length, [valid, pa.py_buffer(offsets),
                                                   pa.py_buffer(data)], nulls)
    return pa.Array.from_buffers(typ, length, [valid, pa.py_buffer(data)], nulls)


class Plan:
    """A record class's plan: ``build(records, schema)`` is a record batch, or None when
    the pure-Python converters must take the batch."""

    def __init__(self, root: Node) -> None:
        self.root = root

    def build(self, records: Sequence[Any], schema: Any) -> Any:
        assert _columns is not None
        rows = records if type(records) is list else list(records)
        try:
            cols = _columns.build(rows, self.root, TRUNCATE_TIME.get())
        except _columns.Bail:
            return None
        arrays = [_array(schema.field(i).type, c) for i, c in enumerate(cols)]
        return pa.RecordBatch.from_arrays(arrays, schema=schema)


def plan_for(cls: type[Any], root: str, types: dict[str, ir.Named]) -> Plan | None:
    """The plan of a generated record class, or None when it has no native path."""
    if _columns is None:
        return None
    rec = types.get(root)
    if not isinstance(rec, ir.Record):
        return None
    try:
        return Plan(_Planner(types).record(cls, rec, False, -1))
    except (_Unsupported, NameError, TypeError):
        return None


ToBatch = Callable[[Sequence[Any], Any], Any]


def accelerated(cls: type[Any], ir_of: Callable[[], tuple[str, dict[str, ir.Named]]],
                to_batch: ToBatch) -> ToBatch:
    """``to_batch`` with the native path in front of it (planned at the first call, when
    every class the record refers to exists); ``to_batch`` itself when there is no
    extension."""
    if _columns is None:
        return to_batch
    plan: list[Plan | None] = []

    def native_to_batch(records: Sequence[Any], schema: Any) -> Any:
        if not plan:
            plan.append(plan_for(cls, *ir_of()))
        p = plan[0]
        if p is not None and records and _enabled[0]:
            batch = p.build(records, schema)
            if batch is not None:
                return batch
        return to_batch(records, schema)

    native_to_batch.__wrapped__ = to_batch  # type: ignore[attr-defined]
    return native_to_batch


# ----------------------------------------------------------------------------- read side
#
# A read plan is made per batch schema (a file's layout, a projection), from the IR, the
# record's own Arrow schema and the batch's: a column the native reader takes has
# exactly the record's Arrow type (anything else, a dictionary-encoded or differently
# typed column, leaves the batch to the generated reader).  A field the batch lacks gets
# its default, as in the generated reader; a field the read's projection leaves out is
# K_UNREAD: its slot stays unset (records of the projection's partial class).  Beside
# the plan, an extraction tree says where each node's array is: ``(kind, children)``, a struct's children being
# ``(index in the batch or struct, tree)`` or None for a field the batch lacks.

Extract = tuple[int, Any]


def _default_node(cls: type[Any], f: ir.Field, slot: int) -> Node:
    """The K_DEFAULT node of a field the batch lacks (what the generated reader sets)."""
    if not f.has_default:
        return (K_DEFAULT, False, slot, 0, 0, None, None)
    fd = {d.name: d for d in dataclasses.fields(cls)}.get(f.py_name or f.name)
    if fd is None:
        raise _Unsupported(f"{cls.__name__}: no dataclass field for {f.name}")
    if fd.default is not dataclasses.MISSING:
        return (K_DEFAULT, False, slot, 0, 0, None, fd.default)
    if fd.default_factory is not dataclasses.MISSING:
        return (K_DEFAULT, False, slot, 1, 0, None, fd.default_factory)
    raise _Unsupported(f"{cls.__name__}.{f.name}: the IR default is not the class's")


class _ReadPlanner(_Planner):
    def read_record(self, cls: type[Any], rec: ir.Record, nullable: bool, offset: int,
                    expected: Any, actual: Any, proj: Any = None) -> tuple[Node, Extract]:
        """``proj``: the record's projection (``record.Projection``), None when read whole;
        its unread fields become K_UNREAD nodes and the records are of ``proj.cls``."""
        if rec.name in self.seen or rec.kind != "record":
            raise _Unsupported(f"{rec.name}: recursive or union record")
        own = (getattr(cls, "__new__", None), getattr(cls, "__setattr__", None))
        if own != (object.__new__, object.__setattr__):
            raise _Unsupported(f"{cls.__name__}: own __new__ or __setattr__")
        self.seen.add(rec.name)
        hints = typing.get_type_hints(cls)
        kids: list[Node] = []
        where: list[tuple[int, Extract] | None] = []
        for f in rec.fields:
            attr = f.py_name or f.name
            slot = _offset(cls, attr)
            idx = actual.get_field_index(f.name)
            if proj is not None and attr in proj.unread:
                kids.append((K_UNREAD, False, slot, 0, 0, None, None))
                where.append(None)
            elif idx < 0:
                kids.append(_default_node(cls, f, slot))
                where.append(None)
            else:
                node, ex = self.read_node(f.type, slot, hints.get(attr),
                                          expected.field(f.name).type, actual.field(idx).type,
                                          None if proj is None else proj.by_name.get(attr))
                kids.append(node)
                where.append((idx, ex))
        self.seen.discard(rec.name)
        made = cls if proj is None else proj.cls_for(cls)
        return (K_STRUCT, nullable, offset, 0, 0, tuple(kids), made), (K_STRUCT, tuple(where))

    def read_node(self, t: ir.Type, offset: int, hint: Any, expected: Any,
                  actual: Any, proj: Any = None) -> tuple[Node, Extract]:
        inner, nullable = ir.strip_nullable(t)
        match inner:
            case ir.List(item=item, unique=False):
                if not (pa.types.is_list(actual) and pa.types.is_list(expected)):
                    raise _Unsupported(f"{actual} for a list")
                item_hint = next(iter(typing.get_args(_strip_none(hint))), None)
                child, ex = self.read_node(item, -1, item_hint, expected.value_type,
                                           actual.value_type, proj)
                return (K_LIST, nullable, offset, 0, 0, (child,), None), (K_LIST, ex)
            case ir.RecordRef(name=name):
                rec = self.types.get(name)
                if not isinstance(rec, ir.Record) or not pa.types.is_struct(actual):
                    raise _Unsupported(name)
                return self.read_record(_record_class(hint, name), rec, nullable, offset,
                                        expected, actual, proj)
            case _:
                if actual != expected:
                    raise _Unsupported(f"{actual} where the record has {expected}")
                node = self.node(t, offset, hint)  # a leaf (raises for anything else)
                if node[0] in (K_FIXED, K_UUID):  # (no native read of them yet)
                    raise _Unsupported("fixed or uuid")
                return node, (node[0], None)


def _data(ex: Extract, arr: Any) -> tuple[Any, ...]:
    """The data node of array ``arr`` for ``_columns.read`` (see _read.c)."""
    kind, kids = ex
    nulls = arr.null_count
    bufs = arr.buffers()
    valid = bufs[0] if nulls else None
    if kind == K_STRUCT:
        return (len(arr), arr.offset, nulls, valid, None, None,
                tuple(None if k is None else _data(k[1], arr.field(k[0])) for k in kids))
    if kind == K_LIST:
        return (len(arr), arr.offset, nulls, valid, bufs[1], None, (_data(kids, arr.values),))
    if kind in (K_STR, K_BIN):
        return (len(arr), arr.offset, nulls, valid, bufs[1], bufs[2], None)
    return (len(arr), arr.offset, nulls, valid, bufs[1], None, None)


class ReadPlan:
    """A record class's read plan for one batch layout: ``read(batch)`` is the list of
    records, or None when the generated reader must take the batch."""

    def __init__(self, root: Node, extract: Extract) -> None:
        self.root = root
        self.extract = extract

    def read(self, batch: Any) -> list[Any] | None:
        assert _columns is not None
        kids = self.extract[1]
        data = (batch.num_rows, 0, 0, None, None, None,
                tuple(None if k is None else _data(k[1], batch.column(k[0])) for k in kids))
        try:
            return _columns.read(self.root, data)  # type: ignore[no-any-return]
        except _columns.Bail:
            return None


def read_plan_for(cls: type[Any], root: str, types: dict[str, ir.Named], expected: Any,
                  actual: Any, proj: Any = None) -> ReadPlan | None:
    """The read plan of a generated record class for batches of schema ``actual``
    (``expected``: the record's own Arrow schema; ``proj``: the read's projection, None
    for a whole read), or None when it has no native path."""
    if _columns is None or not hasattr(_columns, "read"):
        return None
    rec = types.get(root)
    if not isinstance(rec, ir.Record):
        return None
    try:
        return ReadPlan(*_ReadPlanner(types).read_record(cls, rec, False, -1, expected, actual,
                                                         proj))
    except (_Unsupported, NameError, TypeError, KeyError):
        return None


FromBatch = Callable[[Any], list[Any]]
_MAX_LAYOUTS = 32  # read plans kept per record class (one per batch layout and projection)


class ReadBatch(typing.Protocol):
    """``from_batch(batch)``, or ``from_batch(batch, projection)`` for a projected read."""

    __wrapped__: FromBatch

    def __call__(self, batch: Any, projection: Any = None) -> list[Any]: ...


def accelerated_read(cls: type[Any], ir_of: Callable[[], tuple[str, dict[str, ir.Named]]],
                     schema_of: Callable[[], Any], from_batch: FromBatch) -> ReadBatch:
    """``from_batch`` with the native reader in front of it (a plan per batch layout and
    projection, made at the first batch of that layout).

    With a ``projection`` (``record.Projection``), the records hold only the fields it
    reads: the native reader leaves the other slots unset; when it cannot take the batch
    (or there is no extension) the generated reader's records are made the same by
    ``projection.apply``.
    """
    plans: dict[Any, ReadPlan | None] = {}
    native = _columns is not None and hasattr(_columns, "read")

    def read_batch(batch: Any, projection: Any = None) -> list[Any]:
        if native and _enabled[0] and type(batch) is pa.RecordBatch and batch.num_rows:
            key = (batch.schema.remove_metadata(), projection)
            if key in plans:
                p = plans[key]
            else:
                p = _new_read_plan(cls, ir_of, schema_of, key[0], projection)
                if len(plans) < _MAX_LAYOUTS:
                    plans[key] = p
            if p is not None:
                out = p.read(batch)
                if out is not None:
                    return out
        records = from_batch(batch)
        if projection is not None:
            projection.apply(records, batch.schema)
        return records

    read_batch.__wrapped__ = from_batch  # type: ignore[attr-defined]
    return read_batch  # type: ignore[return-value]


def unset_slots(records: list[Any], base: type[Any], names: Sequence[str],
                made: type[Any]) -> bool:
    """Clear slots ``names`` of ``records`` (all exactly of class ``base``) and make them
    ``made`` records (a partial class of ``base``, same layout): the generated reader's
    records of a projected read made the native reader's.  False (nothing done) when the
    extension is not in use: the caller then does it in Python."""
    if _columns is None or not hasattr(_columns, "unset") or not _enabled[0]:
        return False
    _columns.unset(records, tuple(base.__dict__[n] for n in names), made)
    return True


def _new_read_plan(cls: type[Any], ir_of: Callable[[], tuple[str, dict[str, ir.Named]]],
                   schema_of: Callable[[], Any], layout: Any,
                   projection: Any = None) -> ReadPlan | None:
    try:
        expected = schema_of()
    except Exception:  # noqa: BLE001 - a record without a Parquet mapping: no native path
        return None
    return read_plan_for(cls, *ir_of(), expected, layout, projection)
