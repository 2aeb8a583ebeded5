"""What every generated record class carries: ``Record.__schemagen__``."""

from __future__ import annotations

import dataclasses
import reprlib
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from itertools import repeat
from typing import Any

from .. import ir as _ir
from .._pyarrow import pa
from ..errors import NotReadError, UsageError
from .native import accelerated, accelerated_read, unset_slots


class RecordInfo:
    """Runtime description of one generated record class.

    ``build_schema`` returns the Arrow schema (footer metadata included);
    ``to_batch(records, schema)`` and ``from_batch(batch)`` are the generated,
    type-specialised converters.
    """

    def __init__(
        self,
        cls: type,
        name: str,
        schema_json: str,
        build_schema: Callable[[], Any],
        to_batch: Callable[[Sequence[Any], Any], Any],
        from_batch: Callable[[Any], list[Any]],
    ) -> None:
        self.cls = cls
        self.name = name
        self.schema_json = schema_json
        self._build_schema = build_schema
        # the native column builders in front of the generated ones, where built
        self.to_batch = accelerated(cls, lambda: self.ir, to_batch)
        self.from_batch = accelerated_read(cls, lambda: self.ir, self.arrow_schema, from_batch)
        self._schema: Any = None
        self._projections: dict[Any, Projection | None] = {}

    def projection(self, tree: dict[str, Any] | None) -> Projection | None:
        """The :class:`Projection` of a selection tree (``reader._selection``: wire names
        -> subtree, None for a field selected whole), None when it reads every field
        whole; made once per distinct tree."""
        if tree is None:
            return None
        key = _frozen(tree)
        if key not in self._projections:
            self._projections[key] = projection(self.record, self.ir[1], tree)
        return self._projections[key]

    def arrow_schema(self) -> Any:
        if self._schema is None:
            self._schema = self._build_schema()
        return self._schema

    @cached_property
    def ir(self) -> tuple[str, dict[str, _ir.Named]]:
        """(root name, every named type it reaches), parsed from the embedded JSON."""
        return _ir.schema_from_json(self.schema_json)

    @property
    def record(self) -> _ir.Record:
        root, types = self.ir
        rec = types[root]
        assert isinstance(rec, _ir.Record)
        return rec

    def __repr__(self) -> str:
        return f"<RecordInfo {self.name}>"


def info_of(cls: Any) -> RecordInfo:
    info = getattr(cls, "__schemagen__", None)
    if not isinstance(info, RecordInfo):
        raise UsageError(f"{cls!r} is not a schemagen-generated record class")
    return info


# ----------------------------------------------------------------------------- projection
#
# A read with ``columns=`` builds records that hold only the fields it selected.  Their
# class is a cached subclass of the record class (per class, fields read and column path)
# with the same slots: the unread slots are left unset, so reading one raises
# NotReadError (``__getattr__`` runs only when the slot is unset: no cost for the fields
# that were read).  The partial class changes only what must not look at an unset slot:
# ``repr`` (``country=<not read>``), ``==`` (the fields held), pickling and copying (the
# fields held), and calling the class (as ``dataclasses.replace`` does) builds a
# complete record of the record class.


_PARTIAL_KEY = "__schemagen_partial__"
_partials: dict[tuple[type, frozenset[str], str], type] = {}
_partials_lock = threading.Lock()


def _py_fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _held(record: Any) -> tuple[tuple[str, Any], ...]:
    """(field, value) of every field ``record`` holds a value for, in field order."""
    out = []
    for name in _py_fields(type(record)):
        try:
            out.append((name, object.__getattribute__(record, name)))
        except AttributeError:
            continue
    return tuple(out)


def partial_class(cls: type, read: Iterable[str], path: str = "") -> type:
    """The class of ``cls`` records holding only the fields ``read`` (Python names), at
    column path ``path`` of a projected read (``""``: the root); made once and cached."""
    base = complete_class(cls)
    key = (base, frozenset(read), path)
    with _partials_lock:
        made = _partials.get(key)
        if made is None:
            made = _partials[key] = _make_partial(base, key[1], path)
    return made


def _make_partial(cls: type, read: frozenset[str], path: str) -> type:
    names = _py_fields(cls)
    unread = frozenset(names) - read
    held = tuple(n for n in names if n in read)
    prefix = f"{path}." if path else ""
    read_paths = tuple(prefix + n for n in held)
    name = cls.__name__
    shown = tuple(f.name for f in dataclasses.fields(cls) if f.repr)

    def __getattr__(self: Any, attr: str) -> Any:
        if attr in unread:
            raise NotReadError(name, attr, prefix + attr, read_paths)
        raise AttributeError(f"{name!r} object has no attribute {attr!r}")

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        parts = []
        for f in shown:
            try:
                parts.append(f"{f}={object.__getattribute__(self, f)!r}")
            except AttributeError:
                parts.append(f"{f}=<not read>")
        return f"{cls.__qualname__}({', '.join(parts)})"

    def __eq__(self: Any, other: object) -> bool:
        if not isinstance(other, cls):
            return NotImplemented
        return _held(self) == _held(other)

    def __reduce__(self: Any) -> tuple[Any, ...]:
        return (_rebuilt, (cls, tuple(sorted(read)), path, _held(self)))

    def __new__(klass: type, *args: Any, **kwargs: Any) -> Any:
        return cls(*args, **kwargs)  # a complete record (dataclasses.replace comes here)

    ns = {"__slots__": (), "__module__": cls.__module__,
          "__qualname__": f"{cls.__qualname__}[read: {', '.join(read_paths) or '-'}]",
          "__doc__": f"{name} records of a projected read: only {', '.join(held) or 'no field'}"
                     " read (see schemagen.fields_read).",
          _PARTIAL_KEY: (cls, held, path), "__getattr__": __getattr__, "__repr__": __repr__,
          "__eq__": __eq__, "__hash__": None, "__reduce__": __reduce__, "__new__": __new__}
    return type(name, (cls,), ns)


def _rebuilt(cls: type, read: tuple[str, ...], path: str,
             held: tuple[tuple[str, Any], ...]) -> Any:
    """A partial record again (unpickling, copying)."""
    obj: Any = object.__new__(partial_class(cls, read, path))
    for name, value in held:
        object.__setattr__(obj, name, value)
    return obj


def complete_class(cls: type) -> type:
    """The record class behind a partial class (``cls`` itself otherwise)."""
    got: tuple[type, tuple[str, ...], str] | None = cls.__dict__.get(_PARTIAL_KEY)
    return cls if got is None else got[0]


def fields_read(record: object) -> tuple[str, ...]:
    """The Python names of the fields ``record`` holds, in field order.

    Every field of a record that was built, or read without ``columns=``; for a record
    of a projected read, the fields it selected (and any set on the record since).
    Reading any other field raises :class:`~schemagen.errors.NotReadError`.  A nested
    record has its own: ``fields_read(order.user_info)``.
    """
    info_of(type(record))
    return tuple(n for n, _ in _held(record))


def _frozen(tree: dict[str, Any] | None) -> Any:
    """A selection tree as a hashable value."""
    if tree is None:
        return None
    return tuple(sorted((k, _frozen(v)) for k, v in tree.items()))


def _records_inside(t: _ir.Type) -> str | None:
    """The record a field's values hold, through nulls, lists and maps (None: none)."""
    while True:
        inner, _ = _ir.strip_nullable(t)
        match inner:
            case _ir.List(item=item):
                t = item
            case _ir.Map(value=value):
                t = value
            case _ir.RecordRef(name=name):
                return name
            case _:
                return None


class Projection:
    """What a projected read gives the records of one record type at one column path.

    ``read``/``unread``: the Python names of the fields read and left unset; ``nested``:
    ``(python name, wire name, projection)`` of record fields read in part (records
    inside lists and maps too); ``path``: the column path of these records ("" at the
    root).  The class the records are built as is ``cls_for(record class)``: a partial
    class, or the record class itself when every field is read.
    """

    def __init__(self, read: tuple[str, ...], unread: tuple[str, ...],
                 nested: tuple[tuple[str, str, Projection], ...], path: str) -> None:
        self.read, self.unread, self.nested, self.path = read, unread, nested, path
        self.by_name = {py: p for py, _, p in nested}

    def __repr__(self) -> str:
        return f"<Projection {self.path or '<root>'}: {', '.join(self.read)}>"

    def cls_for(self, cls: type) -> type:
        return partial_class(cls, self.read, self.path) if self.unread else cls

    def apply(self, records: list[Any], arrow_type: Any) -> None:
        """Make complete ``records`` (the generated reader's, from a batch or struct of
        ``arrow_type``) the partial records the native reader builds: nested records
        read from the data first, then the unread slots emptied and the class set."""
        if not records:
            return
        for py, wire, sub in self.nested:
            idx = arrow_type.get_field_index(wire)
            if idx < 0:
                continue  # the data lacks it: its default, as the native reader gives
            values = [getattr(r, py) for r in records]
            sub.apply(*_flatten(values, arrow_type.field(idx).type))
        if not self.unread:
            return
        base = type(records[0])
        made = self.cls_for(base)
        if unset_slots(records, base, self.unread, made):
            return
        for name in self.unread:
            list(map(base.__dict__[name].__delete__, records))
        list(map(object.__setattr__, records, repeat("__class__"), repeat(made)))


def _flatten(values: list[Any], t: Any) -> tuple[list[Any], Any]:
    """The records among ``values`` of Arrow type ``t`` (through lists and maps) and
    their struct type."""
    while not pa.types.is_struct(t):
        if pa.types.is_map(t):
            t = t.item_type
            values = [v for m in values if m is not None
                      for v in (m.values() if isinstance(m, dict) else (p[1] for p in m))]
        else:  # a list
            t = t.value_type
            values = [v for items in values if items is not None for v in items]
    return [v for v in values if v is not None], t


def projection(rec: _ir.Record, types: dict[str, _ir.Named], tree: dict[str, Any],
               path: str = "") -> Projection | None:
    """The projection of selection ``tree`` (wire names -> subtree, None: whole) over
    record ``rec`` (its fields' Python names as generated); None when it reads every
    field whole."""
    unread: list[str] = []
    nested: list[tuple[str, str, Projection]] = []
    for f in rec.fields:
        py = f.py_name or f.name
        if f.name not in tree:
            unread.append(py)
            continue
        sub, inner = tree[f.name], _records_inside(f.type)
        sub_rec = None if inner is None else types.get(inner)
        if sub is None or not isinstance(sub_rec, _ir.Record):
            continue
        p = projection(sub_rec, types, sub, f"{path}.{py}" if path else py)
        if p is not None:
            nested.append((py, f.name, p))
    if not unread and not nested:
        return None
    read = tuple(f.py_name or f.name for f in rec.fields if (f.py_name or f.name) not in unread)
    return Projection(read, tuple(unread), tuple(nested), path)
