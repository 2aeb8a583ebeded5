"""Emit the type-specialised bodies of generated writers and readers.

For a record, the writer turns a list of record objects into one Arrow array
per column, and the reader turns a RecordBatch back into objects.  The code
is unrolled over the record's whole type tree at compile time: the only
run-time calls are whole-column converters from ``schemagen.runtime.columns``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import ir

# Writer converters per IR node: name in runtime.columns
_WRITE = {
    ir.Bool: "typed", ir.Int: "ints", ir.Float: "floats", ir.String: "strings",
    ir.Bytes: "typed", ir.Fixed: "typed", ir.Decimal: "typed", ir.Date: "typed",
    ir.Time: "typed", ir.Duration: "typed", ir.Interval: "intervals", ir.Uuid: "uuids",
    ir.Json: "json_texts", ir.Null: "nulls",
}
# Reader converters per IR node
_READ = {
    ir.Bool: "py_numbers", ir.Int: "py_numbers", ir.Float: "py_numbers",
    ir.String: "py_strings", ir.Bytes: "py_objects", ir.Fixed: "py_objects",
    ir.Decimal: "py_objects", ir.Date: "py_dates", ir.Time: "py_times",
    ir.Duration: "py_durations", ir.Interval: "py_intervals", ir.Uuid: "py_uuids",
    ir.Json: "py_json", ir.Null: "py_nulls",
}
# Lists of these items convert in one pyarrow call (pyarrow's own checks suffice)
_FAST_LIST_ITEMS = (ir.String, ir.Bytes, ir.Date, ir.Decimal)

# isinstance checks that pick a union member on write
_UNION_CHECK = {
    ir.Bool: "isinstance(v, bool)",
    ir.Int: "isinstance(v, int) and not isinstance(v, bool)",
    ir.Float: "isinstance(v, (int, float)) and not isinstance(v, bool)",
    ir.String: "isinstance(v, str)",
    ir.Json: "v is not None",
    ir.Bytes: "isinstance(v, bytes)",
    ir.Fixed: "isinstance(v, bytes)",
    ir.Decimal: "isinstance(v, _decimal.Decimal)",
    ir.Date: "isinstance(v, _dt.date) and not isinstance(v, _dt.datetime)",
    ir.Time: "isinstance(v, _dt.time)",
    ir.Timestamp: "isinstance(v, _dt.datetime)",
    ir.Duration: "isinstance(v, _dt.timedelta)",
    ir.Interval: "isinstance(v, _rt.Interval)",
    ir.Uuid: "isinstance(v, _uuid.UUID)",
    ir.List: "isinstance(v, list)",
    ir.Map: "isinstance(v, dict)",
}


@dataclass
class Context:
    types: dict[str, ir.Named]
    ref: Callable[[str], str]  # full name -> local Python name of the class
    py_names: dict[str, dict[str, str]]  # record full name -> wire name -> py name
    default_expr: Callable[[str, ir.Field], str | None]  # immutable default source or None
    factory_expr: Callable[[str, ir.Field], str | None]  # factory callable source or None
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
        return f"{prefix}{self.n}"

    def add(self, line: str, depth: int = 1) -> None:
        self.lines.append("    " * depth + line)


# ----------------------------------------------------------------------------- writer


class WriterEmitter:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = _Lines()
        self.helpers: list[str] = []  # nested defs (union classifiers)

    def record_body(self, rec: ir.Record) -> list[str]:
        o = self.out
        arrays = []
        for i, f in enumerate(rec.fields):
            typ = o.var("t")
            o.add(f"{typ} = schema.field({i}).type")
            vals = o.var("v")
            o.add(f"{vals} = [r.{self.ctx.py_names[rec.name][f.name]} for r in records]")
            arrays.append(self.array(f.type, vals, typ, "0", False))
        o.add(f"return _rt.batch([{', '.join(arrays)}], schema)")
        return self.helpers + o.lines

    def array(self, t: ir.Type, vals: str, typ: str, allowed: str, maybe_none: bool) -> str:
        """Emit code building an Arrow array from list ``vals``; returns its variable."""
        o = self.out
        inner, nullable = ir.strip_nullable(t)
        maybe_none = maybe_none or nullable
        a = o.var("a")
        kind = type(inner)
        if kind in _WRITE:
            o.add(f"{a} = _rt.{_WRITE[kind]}({vals}, {typ})")
        elif isinstance(inner, ir.Timestamp):
            o.add(f"{a} = _rt.timestamps({vals}, {typ}, {inner.utc})")
        elif isinstance(inner, ir.EnumRef):
            enum = self.ctx.types[inner.name]
            assert isinstance(enum, ir.Enum)
            syms = ", ".join(repr(s) for s in enum.symbols)
            o.add(f"{a} = _rt.enums({vals}, {typ}, frozenset(({syms},)))")
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
                o.add(f"{a} = _rt.fill_empty({a}, {allowed})")
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
                o.add(f"{cv} = [None if x is None else x.{py} for x in {vals}]")
            else:
                o.add(f"{cv} = [x.{py} for x in {vals}]")
            o.add(f"{ct} = {typ}.field({i}).type")
            children.append(self.array(f.type, cv, ct, k, maybe_none))
        o.add(f"{a} = _rt.struct_array([{', '.join(children)}], {typ}, {m})")

    def _list(self, t: ir.List, vals: str, typ: str, a: str, maybe_none: bool) -> None:
        o = self.out
        item, item_nullable = ir.strip_nullable(t.item)
        if isinstance(item, _FAST_LIST_ITEMS):
            o.add(f"{a} = _rt.typed_lists({vals}, {typ}, {not item_nullable})")
            return
        m, _ = self._mask(vals, maybe_none)
        offs, flat, it = o.var("o"), o.var("v"), o.var("t")
        o.add(f"{offs} = _rt.offsets({vals}, list)")
        if maybe_none:
            o.add(f"{flat} = [y for x in {vals} if x is not None for y in x]")
        else:
            o.add(f"{flat} = [y for x in {vals} for y in x]")
        o.add(f"{it} = {typ}.value_type")
        items = self.array(t.item, flat, it, "0", False)
        o.add(f"{a} = _rt.list_array({offs}, {items}, {typ}, {m})")

    def _map(self, t: ir.Map, vals: str, typ: str, a: str, maybe_none: bool) -> None:
        o = self.out
        m, _ = self._mask(vals, maybe_none)
        offs, ks, vs, kt, vt = o.var("o"), o.var("v"), o.var("v"), o.var("t"), o.var("t")
        o.add(f"{offs} = _rt.offsets({vals}, dict)")
        guard = " if x is not None" if maybe_none else ""
        o.add(f"{ks} = [y for x in {vals}{guard} for y in x]")
        o.add(f"{vs} = [y for x in {vals}{guard} for y in x.values()]")
        o.add(f"{kt} = {typ}.key_type")
        o.add(f"{vt} = {typ}.item_type")
        ka = self.array(t.key, ks, kt, "0", False)
        va = self.array(t.value, vs, vt, "0", False)
        o.add(f"{a} = _rt.map_array({offs}, {ka}, {va}, {typ}, {m})")

    def _check(self, t: ir.Type) -> str:
        inner, _ = ir.strip_nullable(t)
        if isinstance(inner, (ir.RecordRef, ir.EnumRef)):
            return f"isinstance(v, {self.ctx.cls(inner.name)})"
        return _UNION_CHECK[type(inner)]

    def _union(self, t: ir.Union_, vals: str, typ: str, a: str) -> None:
        o = self.out
        fn = o.var("_sg_union")
        body = [f"    def {fn}(v: _Any) -> int:", "        if v is None:", "            return -1"]
        for i, mt in enumerate(t.members):
            body += [f"        if {self._check(mt)}:", f"            return {i}"]
        body.append("        return -2")
        self.helpers.extend(body)
        ks, m, k = o.var("c"), o.var("m"), o.var("k")
        o.add(f"{ks} = [{fn}(v) for v in {vals}]")
        o.add(f"{m}, {k} = _rt.union_mask({ks})")
        children = []
        for i, mt in enumerate(t.members):
            mv, mtv = o.var("v"), o.var("t")
            o.add(f"{mv}: list[_Any] = [v if c == {i} else None for v, c in zip({vals}, {ks}, strict=True)]")
            o.add(f"{mtv} = {typ}.field({i}).type")
            children.append(self.array(ir.Nullable(mt), mv, mtv, "0", True))
        o.add(f"{a} = _rt.struct_array([{', '.join(children)}], {typ}, {m})")


# ----------------------------------------------------------------------------- reader


class ReaderEmitter:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = _Lines()

    def record_body(self, rec: ir.Record) -> list[str]:
        o = self.out
        o.add("n = batch.num_rows")
        cols = []
        for f in rec.fields:
            c = o.var("c")
            o.add(f"{c} = _rt.column(batch, {f.name!r})")
            cols.append(self._field(rec.name, f, c, "n"))
        o.add(f"return {self._construct(rec, cols, 'n')}")
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
        xs = [f"x{i}" for i in range(len(cols))]
        o.add(f"for {obj}, {', '.join(xs)} in zip({out}, {', '.join(cols)}, strict=True):")
        for f, x in zip(rec.fields, xs):
            o.add(f"{obj}.{names[f.name]} = {x}", 2)
        return out

    def _field(self, owner: str, f: ir.Field, arr: str, n: str) -> str:
        """List variable for field ``f`` read from ``arr`` (None when not projected)."""
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
        val = self.column(f.type, arr)
        o.lines[start:] = ["    " + ln for ln in o.lines[start:]]
        o.add(f"{out} = {val}", 2)
        return out

    def column(self, t: ir.Type, arr: str) -> str:
        """Emit code turning Arrow array ``arr`` into a Python list; returns its source."""
        o = self.out
        inner, _ = ir.strip_nullable(t)
        kind = type(inner)
        if kind in _READ:
            return f"_rt.{_READ[kind]}({arr})"
        if isinstance(inner, ir.Timestamp):
            return f"_rt.py_timestamps({arr}, {inner.utc})"
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
                cols.append(self._field(rec.name, f, c, n))
            objs = self._construct(rec, cols, n)
            return f"_rt.apply_nulls({arr}, {objs})"
        if isinstance(inner, ir.List):
            offs, items = o.var("o"), o.var("l")
            o.add(f"{offs} = _rt.list_offsets({arr})")
            o.add(f"{items} = {self.column(inner.item, f'{arr}.values')}")
            return f"_rt.apply_nulls({arr}, _rt.split({items}, {offs}))"
        if isinstance(inner, ir.Map):
            offs, ks, vs = o.var("o"), o.var("l"), o.var("l")
            o.add(f"{offs} = _rt.list_offsets({arr})")
            o.add(f"{ks} = {self.column(inner.key, f'{arr}.keys')}")
            o.add(f"{vs} = {self.column(inner.value, f'{arr}.items')}")
            return f"_rt.apply_nulls({arr}, _rt.split_dicts({ks}, {vs}, {offs}))"
        if isinstance(inner, ir.Union_):
            members = []
            for i, mt in enumerate(inner.members):
                mv = o.var("l")
                o.add(f"{mv} = {self.column(mt, f'{arr}.field({i})')}")
                members.append(mv)
            return f"_rt.apply_nulls({arr}, _rt.first_set([{', '.join(members)}]))"
        raise TypeError(f"cannot read {inner!r}")  # pragma: no cover
