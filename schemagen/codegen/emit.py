"""Emit the type-specialised bodies of generated writers and readers.

For a record, the writer turns a list of record objects into one Arrow array
per column, and the reader turns a RecordBatch back into objects.  The code
is unrolled over the record's whole type tree at compile time: the only
run-time calls are whole-column converters from ``schemagen.runtime.columns``.

Every local name in emitted code starts with ``_sg_``, a prefix that
sanitised schema names can never have, so no class or field named ``batch``,
``n`` or ``x0`` can be shadowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import assert_never

from .. import ir
from .imports import Alias, Imports

# Writer converters per IR node: name in runtime.columns
_WRITE = {
    ir.Bool: "bools", ir.Int: "ints", ir.Float: "floats", ir.String: "strings",
    ir.Bytes: "binaries", ir.Fixed: "binaries", ir.Decimal: "decimals", ir.Date: "dates",
    ir.Time: "times", ir.Duration: "durations", ir.Interval: "intervals", ir.Uuid: "uuids",
    ir.Json: "json_texts", ir.Null: "nulls",
}
# Reader converters per IR node
_READ = {
    ir.Bool: "py_numbers", ir.Int: "py_numbers", ir.Float: "py_numbers",
    ir.String: "py_strings", ir.Bytes: "py_objects",
    ir.Decimal: "py_objects", ir.Date: "py_dates", ir.Time: "py_times",
    ir.Duration: "py_durations", ir.Interval: "py_intervals", ir.Uuid: "py_uuids",
    ir.Json: "py_json", ir.Null: "py_nulls",
}
# Lists of these items convert in one pyarrow call once their item types are checked
_FAST_LIST_ITEMS = {ir.String: "string", ir.Bytes: "binary", ir.Date: "date",
                    ir.Decimal: "decimal", ir.Int: "int", ir.Float: "float", ir.Bool: "bool"}

V = "_sg_v"  # the value inside union classifiers

# members picked by one isinstance check: (module alias or None, class name)
_INSTANCE_OF: dict[type, tuple[Alias | None, str]] = {
    ir.Bool: (None, "bool"), ir.Bytes: (None, "bytes"), ir.Time: ("dt", "time"),
    ir.Duration: ("dt", "timedelta"), ir.Interval: ("rt", "Interval"), ir.Uuid: ("uuid", "UUID"),
}


def union_check(t: ir.Type, cls: Callable[[str], str], imports: Imports) -> str:
    """Python condition: value ``_sg_v`` belongs to (and fits) union member ``t``."""
    inner, _ = ir.strip_nullable(t)
    name = imports.name
    match inner:
        case ir.RecordRef(full):
            return f"isinstance({V}, {cls(full)})"
        case ir.EnumRef(full):
            # a member of the enum class, or a plain str that is one of its symbols
            return (f"isinstance({V}, {cls(full)}) or "
                    f"(type({V}) is str and {V} in {cls(full)}.__members__.values())")
        case ir.Int():
            return (f"isinstance({V}, int) and not isinstance({V}, bool) and "
                    f"{inner.min} <= {V} <= {inner.max}")
        case ir.Float(bits):
            fits = "fits_float32" if bits < 64 else "fits_float64"
            return (f"isinstance({V}, (int, float)) and not isinstance({V}, bool) and "
                    f"{name('rt')}.{fits}({V})")
        case ir.Decimal(precision, scale):
            return (f"isinstance({V}, {name('decimal')}.Decimal) and "
                    f"{name('rt')}.fits_decimal({V}, {precision}, {scale})")
        case ir.Fixed(size):
            return f"isinstance({V}, bytes) and len({V}) == {size}"
        case ir.Timestamp(utc=utc):
            aware = "is not None" if utc else "is None"
            return f"isinstance({V}, {name('dt')}.datetime) and {V}.tzinfo {aware}"
        case ir.String():
            return f"isinstance({V}, str) and not isinstance({V}, {name('enum')}.Enum)"
        case ir.Json():
            return f"{V} is not None"
        case ir.Date():
            dt = name("dt")
            return f"isinstance({V}, {dt}.date) and not isinstance({V}, {dt}.datetime)"
        case ir.Bool() | ir.Bytes() | ir.Time() | ir.Duration() | ir.Interval() | ir.Uuid():
            alias, cls_name = _INSTANCE_OF[type(inner)]
            return f"isinstance({V}, {name(alias) + '.' if alias else ''}{cls_name})"
        case ir.List() if ir.is_frozenset(inner):
            return f"isinstance({V}, (set, frozenset))"
        case ir.List() | ir.Map() if ir.has_pair_list(inner):
            return f"isinstance({V}, list)"
        case ir.List():
            return f"isinstance({V}, list)"
        case ir.Map():
            return f"isinstance({V}, dict)"
        case ir.Null() | ir.Union_() | ir.Nullable():  # pragma: no cover - never union members
            raise TypeError(f"no union check for {inner!r}")
        case _:
            assert_never(inner)


@dataclass
class Context:
    types: dict[str, ir.Named]
    ref: Callable[[str], str]  # full name -> local Python name of the class
    py_names: dict[str, dict[str, str]]  # record full name -> wire name -> py name
    default_expr: Callable[[str, ir.Field], str | None]  # immutable default source or None
    factory_expr: Callable[[str, ir.Field], str | None]  # factory callable source or None
    imports: Imports  # the module's aliases (_rt, _Any, _dt...) the emitted code uses
    used: set[str] = field(default_factory=set)  # full names referenced (for imports)

    def record(self, name: str) -> ir.Record:
        t = self.types[name]
        assert isinstance(t, ir.Record)
        return t

    def cls(self, name: str) -> str:
        self.used.add(name)
        return self.ref(name)


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.n = 0

    def var(self, prefix: str) -> str:
        self.n += 1
        return f"_sg_{prefix}{self.n}"

    def add(self, line: str, depth: int = 1) -> None:
        self.lines.append("    " * depth + line)


# ----------------------------------------------------------------------------- writer


class WriterEmitter:
    """Body of ``_sg_write_X(_sg_records, _sg_schema)``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = _Lines()
        self.helpers: list[str] = []  # nested defs (union classifiers)
        ctx.imports.use("rt")  # every writer body calls the runtime

    def record_body(self, rec: ir.Record) -> list[str]:
        o = self.out
        arrays = []
        for i, f in enumerate(rec.fields):
            typ = o.var("t")
            o.add(f"{typ} = _sg_schema.field({i}).type")
            vals = o.var("v")
            py = self.ctx.py_names[rec.name][f.name]
            o.add(f"{vals} = [_sg_r.{py} for _sg_r in _sg_records]")
            arrays.append(self.array(f.type, vals, typ, "0", False))
        if rec.kind == "union" and len(arrays) > 1:
            o.add(f"_rt.check_union([{', '.join(arrays)}])")
        self._oneofs(rec, arrays)
        o.add(f"return _rt.batch([{', '.join(arrays)}], _sg_schema)")
        return self.helpers + o.lines

    def _oneofs(self, rec: ir.Record, arrays: list[str]) -> None:
        """``oneof`` groups: at most one member set per row (checked like unions)."""
        index = {f.name: i for i, f in enumerate(rec.fields)}
        for _group, members in ir.oneof_groups(rec):
            used = [arrays[index[m]] for m in members if m in index]
            if len(used) > 1:
                self.out.add(f"_rt.check_union([{', '.join(used)}])")

    def array(self, t: ir.Type, vals: str, typ: str, allowed: str, maybe_none: bool) -> str:
        """Emit code building an Arrow array from list ``vals``; returns its variable.

        ``allowed``: how many Nones ``vals`` holds because a parent is null.
        """
        o = self.out
        inner, nullable = ir.strip_nullable(t)
        maybe_none = maybe_none or nullable
        a = o.var("a")
        kind = type(inner)
        placeholder = ""
        if kind in _WRITE:
            o.add(f"{a} = _rt.{_WRITE[kind]}({vals}, {typ})")
        elif isinstance(inner, ir.Timestamp):
            o.add(f"{a} = _rt.timestamps({vals}, {typ}, {inner.utc})")
        elif isinstance(inner, ir.EnumRef):
            enum = self.ctx.types[inner.name]
            assert isinstance(enum, ir.Enum)
            syms = ", ".join(repr(s) for s in enum.symbols)
            known = f"frozenset(({syms},))" if enum.symbols else "frozenset()"
            opened = ", True" if ir.is_open_enum(enum) else ""
            o.add(f"{a} = _rt.enums({vals}, {typ}, {known}{opened})")
            placeholder = f", {enum.symbols[0]!r}" if enum.symbols else ""
        elif isinstance(inner, ir.RecordRef):
            self._struct(inner, vals, typ, a, maybe_none)
        elif isinstance(inner, ir.List):
            self._list(inner, vals, typ, a, maybe_none)
        elif isinstance(inner, ir.Map):
            self._map(inner, vals, typ, a, maybe_none)
        elif isinstance(inner, ir.Union_):
            self._union(inner, vals, typ, a)
        else:  # pragma: no cover - closed set
            raise TypeError(f"cannot write {inner!r}")
        if not nullable and not isinstance(inner, ir.Null):
            o.add(f"_rt.check_nulls({a}, {allowed})")
            if allowed != "0":
                # under a null parent: Parquet wants values, not nulls, in required children
                o.add(f"{a} = _rt.fill_empty({a}, {allowed}{placeholder})")
        return a

    def _mask(self, vals: str, maybe_none: bool) -> tuple[str, str]:
        if not maybe_none:
            return "None", "0"
        m, k = self.out.var("m"), self.out.var("k")
        self.out.add(f"{m}, {k} = _rt.mask({vals})")
        return m, k

    def _struct(self, t: ir.RecordRef, vals: str, typ: str, a: str, maybe_none: bool) -> None:
        o = self.out
        rec = self.ctx.record(t.name)
        cls = self.ctx.cls(t.name)
        m, k = self._mask(vals, maybe_none)
        o.add(f"_rt.check_instances({vals}, {cls})")
        children = []
        for i, f in enumerate(rec.fields):
            py = self.ctx.py_names[rec.name][f.name]
            cv, ct = o.var("v"), o.var("t")
            if maybe_none:
                o.add(f"{cv} = [None if _sg_x is None else _sg_x.{py} for _sg_x in {vals}]")
            else:
                o.add(f"{cv} = [_sg_x.{py} for _sg_x in {vals}]")
            o.add(f"{ct} = {typ}.field({i}).type")
            children.append(self.array(f.type, cv, ct, k, maybe_none))
        if rec.kind == "union" and len(children) > 1:
            o.add(f"_rt.check_union([{', '.join(children)}])")
        self._oneofs(rec, children)
        o.add(f"{a} = _rt.struct_array([{', '.join(children)}], {typ}, {m})")

    def _list(self, t: ir.List, vals: str, typ: str, a: str, maybe_none: bool) -> None:
        o = self.out
        if ir.is_frozenset(t):
            # sets (and frozensets) become lists: Parquet has no set type
            conv = o.var("v")
            o.add(f"{conv} = _rt.set_lists({vals})")
            vals = conv
        item, item_nullable = ir.strip_nullable(t.item)
        fast = _FAST_LIST_ITEMS.get(type(item))
        if fast:
            o.add(f"{a} = _rt.typed_lists({vals}, {typ}, {not item_nullable}, {fast!r})")
            return
        m, _ = self._mask(vals, maybe_none)
        offs, flat, it = o.var("o"), o.var("v"), o.var("t")
        o.add(f"{offs} = _rt.offsets({vals}, list)")
        if maybe_none:
            o.add(f"{flat} = [_sg_y for _sg_x in {vals} if _sg_x is not None for _sg_y in _sg_x]")
        else:
            o.add(f"{flat} = [_sg_y for _sg_x in {vals} for _sg_y in _sg_x]")
        o.add(f"{it} = {typ}.value_type")
        items = self.array(t.item, flat, it, "0", False)
        o.add(f"{a} = _rt.list_array({offs}, {items}, {typ}, {m})")

    def _map(self, t: ir.Map, vals: str, typ: str, a: str, maybe_none: bool) -> None:
        o = self.out
        m, _ = self._mask(vals, maybe_none)
        offs, ks, vs, kt, vt = o.var("o"), o.var("v"), o.var("v"), o.var("t"), o.var("t")
        guard = " if _sg_x is not None" if maybe_none else ""
        if ir.has_pair_list(t):
            # keys that Python cannot hash: the value is a list of (key, value) pairs
            o.add(f"{offs} = _rt.offsets({vals}, list)")
            o.add(f"{ks} = [_sg_k for _sg_x in {vals}{guard} for _sg_k, _sg_w in _sg_x]")
            o.add(f"{vs} = [_sg_w for _sg_x in {vals}{guard} for _sg_k, _sg_w in _sg_x]")
        else:
            o.add(f"{offs} = _rt.offsets({vals}, dict)")
            o.add(f"{ks} = [_sg_y for _sg_x in {vals}{guard} for _sg_y in _sg_x]")
            o.add(f"{vs} = [_sg_y for _sg_x in {vals}{guard} for _sg_y in _sg_x.values()]")
        o.add(f"{kt} = {typ}.key_type")
        o.add(f"{vt} = {typ}.item_type")
        ka = self.array(t.key, ks, kt, "0", False)
        va = self.array(t.value, vs, vt, "0", False)
        o.add(f"{a} = _rt.map_array({offs}, {ka}, {va}, {typ}, {m})")

    def _union(self, t: ir.Union_, vals: str, typ: str, a: str) -> None:
        o = self.out
        fn = o.var("union")
        any_ = self.ctx.imports.name("Any")
        body = [f"    def {fn}({V}: {any_}) -> int:", f"        if {V} is None:",
                "            return -1"]
        for i, mt in enumerate(t.members):
            body += [f"        if {union_check(mt, self.ctx.cls, self.ctx.imports)}:",
                     f"            return {i}"]
        body.append("        return -2")
        self.helpers.extend(body)
        ks, m, k = o.var("c"), o.var("m"), o.var("k")
        o.add(f"{ks} = [{fn}(_sg_x) for _sg_x in {vals}]")
        o.add(f"{m}, {k} = _rt.union_mask({ks})")
        children = []
        for i, mt in enumerate(t.members):
            mv, mtv = o.var("v"), o.var("t")
            o.add(f"{mv}: list[{any_}] = [_sg_x if _sg_c == {i} else None "
                  f"for _sg_x, _sg_c in zip({vals}, {ks}, strict=True)]")
            o.add(f"{mtv} = {typ}.field({i}).type")
            children.append(self.array(ir.Nullable(mt), mv, mtv, "0", True))
        o.add(f"{a} = _rt.struct_array([{', '.join(children)}], {typ}, {m})")


# ----------------------------------------------------------------------------- reader


class ReaderEmitter:
    """Body of ``_sg_read_X(_sg_batch)``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = _Lines()
        ctx.imports.use("rt")  # every reader body calls the runtime

    def record_body(self, rec: ir.Record) -> list[str]:
        o = self.out
        o.add("_sg_n = _sg_batch.num_rows")
        cols = []
        for f in rec.fields:
            c = o.var("c")
            o.add(f"{c} = _rt.column(_sg_batch, {f.name!r})")
            cols.append(self._field(rec.name, f, c, "_sg_n", f.name, "0"))
        o.add(f"return {self._construct(rec, cols, '_sg_n')}")
        return o.lines

    def _construct(self, rec: ir.Record, cols: list[str], n: str) -> str:
        """Emit code building the objects; returns the list variable.

        ``object.__new__`` mapped over the batch, then slot stores in one loop:
        no ``__init__`` call per object (about twice as fast as keyword calls).
        """
        o = self.out
        cls = self.ctx.cls(rec.name)
        names = self.ctx.py_names[rec.name]
        out = o.var("r")
        o.add(f"{out}: list[{cls}] = _rt.new_objects({cls}, {n})")
        if not cols:
            return out
        obj = o.var("obj")
        xs = [f"_sg_x{i}" for i in range(len(cols))]
        o.add(f"for {obj}, {', '.join(xs)} in zip({out}, {', '.join(cols)}, strict=True):")
        for f, x in zip(rec.fields, xs):
            o.add(f"{obj}.{names[f.name]} = {x}", 2)
        return out

    def _field(self, owner: str, f: ir.Field, arr: str, n: str, path: str,
               parent_nulls: str) -> str:
        """List variable for field ``f`` read from ``arr`` (None when not projected).

        A required field may only be null where its parent is (``parent_nulls``):
        other writers can put nulls anywhere, and they must not become None.
        """
        o = self.out
        out = o.var("l")
        o.add(f"if {arr} is None:")
        factory = self.ctx.factory_expr(owner, f)
        if factory is not None:
            o.add(f"{out} = _rt.repeat_factory({factory}, {n})", 2)
        else:
            dflt = self.ctx.default_expr(owner, f)
            o.add(f"{out} = _rt.repeat({dflt or 'None'}, {n})", 2)
        o.add("else:")
        start = len(o.lines)
        _, nullable = ir.strip_nullable(f.type)
        if not nullable:
            o.add(f"_rt.require({arr}, {parent_nulls}, {path!r})")
        val = self.column(f.type, arr, path)
        o.lines[start:] = ["    " + ln for ln in o.lines[start:]]
        o.add(f"{out} = {val}", 2)
        return out

    def column(self, t: ir.Type, arr: str, path: str) -> str:
        """Emit code turning Arrow array ``arr`` into a Python list; returns its source."""
        o = self.out
        inner, _ = ir.strip_nullable(t)
        kind = type(inner)
        if kind in _READ:
            return f"_rt.{_READ[kind]}({arr})"
        if isinstance(inner, ir.Timestamp):
            return f"_rt.py_timestamps({arr}, {inner.utc})"
        if isinstance(inner, ir.Fixed):
            return f"_rt.py_fixed({arr}, {inner.size})"
        if isinstance(inner, ir.EnumRef):
            return f"_rt.py_enums({arr}, {self.ctx.cls(inner.name)})"
        if isinstance(inner, ir.RecordRef):
            rec = self.ctx.record(inner.name)
            n = o.var("n")
            o.add(f"{n} = len({arr})")
            cols = []
            for f in rec.fields:
                c = o.var("c")
                o.add(f"{c} = _rt.child({arr}, {f.name!r})")
                cols.append(self._field(rec.name, f, c, n, f"{path}.{f.name}",
                                        f"{arr}.null_count"))
            objs = self._construct(rec, cols, n)
            return f"_rt.apply_nulls({arr}, {objs})"
        if isinstance(inner, ir.List):
            offs, items = o.var("o"), o.var("l")
            o.add(f"{offs} = _rt.list_offsets({arr})")
            if not ir.strip_nullable(inner.item)[1]:
                o.add(f"_rt.require({arr}.values, 0, {path + '[]'!r})")
            o.add(f"{items} = {self.column(inner.item, f'{arr}.values', path + '[]')}")
            split = "split_sets" if ir.is_frozenset(inner) else "split"
            return f"_rt.apply_nulls({arr}, _rt.{split}({items}, {offs}))"
        if isinstance(inner, ir.Map):
            offs, ks, vs = o.var("o"), o.var("l"), o.var("l")
            o.add(f"{offs} = _rt.list_offsets({arr})")
            if not ir.strip_nullable(inner.value)[1]:
                o.add(f"_rt.require({arr}.items, 0, {path + '{}'!r})")
            o.add(f"{ks} = {self.column(inner.key, f'{arr}.keys', path + '{key}')}")
            o.add(f"{vs} = {self.column(inner.value, f'{arr}.items', path + '{}')}")
            split = "split_pairs" if ir.has_pair_list(inner) else "split_dicts"
            return f"_rt.apply_nulls({arr}, _rt.{split}({ks}, {vs}, {offs}))"
        if isinstance(inner, ir.Union_):
            members = []
            for i, mt in enumerate(inner.members):
                mv = o.var("l")
                o.add(f"{mv} = {self.column(mt, f'{arr}.field({i})', f'{path}.member{i}')}")
                members.append(mv)
            return f"_rt.apply_nulls({arr}, _rt.first_set([{', '.join(members)}]))"
        raise TypeError(f"cannot read {inner!r}")  # pragma: no cover
