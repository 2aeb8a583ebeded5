"""Emit the type-specialised bodies of generated writers and readers.

For a record, the writer turns a list of record objects into one Arrow array
per column, and the reader turns a RecordBatch back into objects.  The code
is unrolled over the record's whole type tree at compile time: the only
run-time calls are whole-column converters from ``schemagen.runtime.columns``.

Temporaries are named after the field path (``_trans_id_values``, ``_trans_id``,
``_user_info_cust_id``); the fixed internal names (``_sg_records``, ``_sg_x``...)
start with ``_sg_``, a prefix no temporary and no sanitised schema name can have,
so no class or field named ``batch``, ``n`` or ``x0`` can be shadowed.  Calls into
the runtime pass flags by keyword (``_rt.timestamps(v, t, utc=True)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import assert_never

from .. import ir
from .imports import Alias, Imports
from .literals import flag_source, int_source, source, str_source
from .naming import UniqueNames

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
                    f"{int_source(inner.min)} <= {V} <= {int_source(inner.max)}")
        case ir.Float(bits):
            fits = "fits_float64" if bits == 64 else "fits_float32"
            return (f"isinstance({V}, (int, float)) and not isinstance({V}, bool) and "
                    f"{name('rt')}.{fits}({V})")
        case ir.Decimal(precision, scale):
            return (f"isinstance({V}, {name('decimal')}.Decimal) and "
                    f"{name('rt')}.fits_decimal({V}, {int_source(precision)}, "
                    f"{int_source(scale)})")
        case ir.Fixed(size):
            return f"isinstance({V}, bytes) and len({V}) == {int_source(size)}"
        case ir.Timestamp(utc=utc):
            aware = {"True": "is not None", "False": "is None"}[flag_source(utc)]
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


MAX_LOCAL = 64  # longest temporary name (a deeper path is cut, then made unique)


class Shared:
    """Module-level definitions the writers of one module share, built once at import:
    enum symbol sets and union classifiers (a classifier that names another module's
    classes stays inside its writer, after the writer's lazy imports)."""

    def __init__(self, imports: Imports) -> None:
        self.imports = imports
        self.blocks: list[str] = []
        self._symbols: dict[str, str] = {}  # enum full name -> constant
        self._classifiers: dict[tuple[str, ...], str] = {}  # member checks -> function
        self._unique = UniqueNames()

    def symbols(self, full: str, local: str, symbols: tuple[str, ...]) -> str:
        """The constant holding the symbols of enum ``full`` (``local``: its name here)."""
        const = self._symbols.get(full)
        if const is None:
            const = self._symbols[full] = self._unique(f"_SG_SYMBOLS_{local}")
            items = ("frozenset({" + ", ".join(map(str_source, symbols)) + "})" if symbols
                     else "frozenset()")
            self.blocks.append(f"{const}: frozenset[str] = {items}")
        return const

    def constant(self, base: str, annotation: str, src: str) -> str:
        """A module-level ``Final`` constant holding the value ``src`` builds (a name from ``base``)."""
        const = self._unique(base)
        self.blocks.append(f"{const}: {self.imports.name('Final')}[{annotation}] = {src}")
        return const

    def classifier(self, base: str, checks: tuple[str, ...]) -> str:
        """A module-level function returning which member of a union a value is."""
        fn = self._classifiers.get(checks)
        if fn is None:
            fn = self._classifiers[checks] = self._unique(base)
            self.blocks.append("\n".join(classifier_lines(fn, checks, self.imports, "")))
        return fn


def classifier_lines(fn: str, checks: tuple[str, ...], imports: Imports, indent: str) -> list[str]:
    """``def fn(value) -> int``: the index of the first member check the value passes,
    -1 for None, -2 for none."""
    lines = [f"def {fn}({V}: {imports.name('Any')}) -> int:", f"    if {V} is None:",
             "        return -1"]
    for i, check in enumerate(checks):
        lines += [f"    if {check}:", f"        return {i}"]
    lines.append("    return -2")
    return [indent + line for line in lines]


@dataclass
class Context:
    types: dict[str, ir.Named]
    ref: Callable[[str], str]  # full name -> local Python name of the class (not recorded)
    py_names: dict[str, dict[str, str]]  # record full name -> wire name -> py name
    default_expr: Callable[[str, ir.Field], str | None]  # immutable default source or None
    factory_expr: Callable[[str, ir.Field], str | None]  # factory callable source or None
    imports: Imports  # the module's aliases (_rt, _Any, _dt...) the emitted code uses
    shared: Shared  # the module's shared constants and classifiers
    foreign: frozenset[str] = frozenset()  # full names of classes of other modules
    module_names: frozenset[str] = frozenset()  # module-level names locals must not shadow
    used: set[str] = field(default_factory=set)  # full names referenced (for imports)

    def record(self, name: str) -> ir.Record:
        t = self.types[name]
        assert isinstance(t, ir.Record)
        return t

    def cls(self, name: str) -> str:
        self.used.add(name)
        return self.ref(name)

    def rt(self, fn: str, *args: str, **flags: object) -> str:
        """A call into the runtime: ``_rt.fn(args..., flag=value...)``.

        ``args`` are source made here (temporaries, class names, literals); ``flags`` are
        IR values (a bool, an int or a str), emitted by :func:`literals.source` only."""
        parts = [*args, *(f"{k}={source(v)}" for k, v in flags.items())]
        return f"{self.imports.name('rt')}.{fn}({', '.join(parts)})"


class FunctionBody:
    """The lines of one generated function and its local names.

    Temporaries are named after the field path (``_trans_id``, ``_user_info_cust_id``,
    ``_keywords_item_values``): a path is made of sanitised Python names, a name that
    would start with ``_sg_`` (the prefix of the fixed internal names) or shadow a
    module-level name is changed, and a name already taken gets ``_2``, ``_3``...
    Emission order is fixed, so the names are deterministic.
    """

    def __init__(self, module_names: frozenset[str]) -> None:
        self.lines: list[str] = []
        self.unique = UniqueNames(module_names)  # an exact name, made unique

    def name(self, path: str, suffix: str = "") -> str:
        base = "_" + "_".join(p for p in (path.strip("_"), suffix) if p)
        if base == "_":
            base = "_value"
        if base.lower().startswith("_sg_"):
            base = "_f" + base[1:]
        if len(base) > MAX_LOCAL:
            base = base[:MAX_LOCAL].rstrip("_")
        return self.unique(base)

    def add(self, line: str, depth: int = 1) -> None:
        self.lines.append("    " * depth + line)


def _join(path: str, part: str) -> str:
    return f"{path}_{part}" if path else part


# ----------------------------------------------------------------------------- writer


class WriterEmitter:
    """Body of ``_sg_write_X(_sg_records, _sg_schema)``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = FunctionBody(ctx.module_names)
        self.helpers: list[str] = []  # nested defs (classifiers naming other modules' classes)
        self.owner = ""  # the record whose writer this is

    def record_body(self, rec: ir.Record) -> list[str]:
        o, rt = self.out, self.ctx.rt
        self.owner = self.ctx.ref(rec.name)
        arrays = []
        for i, f in enumerate(rec.fields):
            py = self.ctx.py_names[rec.name][f.name]
            typ, vals = o.name(py, "type"), o.name(py, "values")
            o.add(f"{typ} = _sg_schema.field({i}).type")
            o.add(f"{vals} = [_sg_r.{py} for _sg_r in _sg_records]")
            arrays.append(self.array(f.type, vals, typ, "0", False, py))
        if rec.kind == "union" and len(arrays) > 1:
            o.add(rt("check_union", "[" + ", ".join(arrays) + "]"))
        self._oneofs(rec, arrays)
        o.add(f"return {rt('batch', '[' + ', '.join(arrays) + ']', '_sg_schema')}")
        return self.helpers + o.lines

    def _oneofs(self, rec: ir.Record, arrays: list[str]) -> None:
        """``oneof`` groups: at most one member set per row (checked like unions)."""
        index = {f.name: i for i, f in enumerate(rec.fields)}
        for _group, members in ir.oneof_groups(rec):
            used = [arrays[index[m]] for m in members if m in index]
            if len(used) > 1:
                self.out.add(self.ctx.rt("check_union", "[" + ", ".join(used) + "]"))

    def array(self, t: ir.Type, vals: str, typ: str, allowed: str, maybe_none: bool,
              path: str) -> str:
        """Emit code building an Arrow array from list ``vals``; returns its variable.

        ``allowed``: how many Nones ``vals`` holds because a parent is null.
        """
        o, rt = self.out, self.ctx.rt
        inner, nullable = ir.strip_nullable(t)
        maybe_none = maybe_none or nullable
        a = o.name(path)
        placeholder: str | None = None
        match inner:
            case (ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes() | ir.Fixed()
                  | ir.Decimal() | ir.Date() | ir.Time() | ir.Duration() | ir.Interval()
                  | ir.Uuid() | ir.Json() | ir.Null()):
                o.add(f"{a} = {rt(_WRITE[type(inner)], vals, typ)}")
            case ir.Timestamp(utc=utc):
                o.add(f"{a} = {rt('timestamps', vals, typ, f'utc={flag_source(utc)}')}")
            case ir.EnumRef(name):
                placeholder = self._enum(name, vals, typ, a)
            case ir.RecordRef():
                self._struct(inner, vals, typ, a, maybe_none, path)
            case ir.List():
                self._list(inner, vals, typ, a, maybe_none, path)
            case ir.Map():
                self._map(inner, vals, typ, a, maybe_none, path)
            case ir.Union_():
                self._union(inner, vals, typ, a, path)
            case ir.Nullable():  # pragma: no cover - strip_nullable removed it
                raise TypeError(f"cannot write {inner!r}")
            case _:
                assert_never(inner)
        if not nullable and not isinstance(inner, ir.Null):
            o.add(rt("check_nulls", a, allowed))
            if allowed != "0":
                # under a null parent: Parquet wants values, not nulls, in required children
                extra = {} if placeholder is None else {"placeholder": placeholder}
                o.add(f"{a} = {rt('fill_empty', a, allowed, **extra)}")
        return a

    def _enum(self, full: str, vals: str, typ: str, a: str) -> str | None:
        """ENUM strings checked against the symbols; returns the placeholder symbol."""
        enum = self.ctx.types[full]
        assert isinstance(enum, ir.Enum)
        known = self.ctx.shared.symbols(full, self.ctx.ref(full), enum.symbols)
        flags = {"open_enum": True} if ir.is_open_enum(enum) else {}
        self.out.add(f"{a} = {self.ctx.rt('enums', vals, typ, known, **flags)}")
        return enum.symbols[0] if enum.symbols else None

    def _mask(self, vals: str, maybe_none: bool, path: str) -> tuple[str, str]:
        if not maybe_none:
            return "None", "0"
        m, k = self.out.name(path, "mask"), self.out.name(path, "nulls")
        self.out.add(f"{m}, {k} = {self.ctx.rt('mask', vals)}")
        return m, k

    def _struct(self, t: ir.RecordRef, vals: str, typ: str, a: str, maybe_none: bool,
                path: str) -> None:
        o, rt = self.out, self.ctx.rt
        rec = self.ctx.record(t.name)
        cls = self.ctx.cls(t.name)
        m, k = self._mask(vals, maybe_none, path)
        o.add(rt("check_instances", vals, cls))
        children = []
        for i, f in enumerate(rec.fields):
            py = self.ctx.py_names[rec.name][f.name]
            child = _join(path, py)
            cv, ct = o.name(child, "values"), o.name(child, "type")
            if maybe_none:
                o.add(f"{cv} = [None if _sg_x is None else _sg_x.{py} for _sg_x in {vals}]")
            else:
                o.add(f"{cv} = [_sg_x.{py} for _sg_x in {vals}]")
            o.add(f"{ct} = {typ}.field({i}).type")
            children.append(self.array(f.type, cv, ct, k, maybe_none, child))
        if rec.kind == "union" and len(children) > 1:
            o.add(rt("check_union", "[" + ", ".join(children) + "]"))
        self._oneofs(rec, children)
        o.add(f"{a} = {rt('struct_array', '[' + ', '.join(children) + ']', typ, m)}")

    def _list(self, t: ir.List, vals: str, typ: str, a: str, maybe_none: bool,
              path: str) -> None:
        o, rt = self.out, self.ctx.rt
        if ir.is_frozenset(t):
            # sets (and frozensets) become lists: Parquet has no set type
            conv = o.name(path, "lists")
            o.add(f"{conv} = {rt('set_lists', vals)}")
            vals = conv
        item, item_nullable = ir.strip_nullable(t.item)
        fast = _FAST_LIST_ITEMS.get(type(item))
        if fast:
            o.add(f"{a} = {rt('typed_lists', vals, typ, items_nullable=item_nullable, kind=fast)}")
            return
        m, _ = self._mask(vals, maybe_none, path)
        item_path = _join(path, "item")
        offs, flat, it = o.name(path, "offsets"), o.name(item_path, "values"), o.name(item_path, "type")
        o.add(f"{offs} = {rt('offsets', vals, 'list')}")
        if maybe_none:
            o.add(f"{flat} = [_sg_y for _sg_x in {vals} if _sg_x is not None for _sg_y in _sg_x]")
        else:
            o.add(f"{flat} = [_sg_y for _sg_x in {vals} for _sg_y in _sg_x]")
        o.add(f"{it} = {typ}.value_type")
        items = self.array(t.item, flat, it, "0", False, item_path)
        o.add(f"{a} = {rt('list_array', offs, items, typ, m)}")

    def _map(self, t: ir.Map, vals: str, typ: str, a: str, maybe_none: bool, path: str) -> None:
        o, rt = self.out, self.ctx.rt
        m, _ = self._mask(vals, maybe_none, path)
        key, value = _join(path, "key"), _join(path, "value")
        offs = o.name(path, "offsets")
        ks, kt = o.name(key, "values"), o.name(key, "type")
        vs, vt = o.name(value, "values"), o.name(value, "type")
        guard = " if _sg_x is not None" if maybe_none else ""
        if ir.has_pair_list(t):
            # keys that Python cannot hash: the value is a list of (key, value) pairs
            o.add(f"{offs} = {rt('offsets', vals, 'list')}")
            o.add(f"{ks} = [_sg_k for _sg_x in {vals}{guard} for _sg_k, _sg_w in _sg_x]")
            o.add(f"{vs} = [_sg_w for _sg_x in {vals}{guard} for _sg_k, _sg_w in _sg_x]")
        else:
            o.add(f"{offs} = {rt('offsets', vals, 'dict')}")
            o.add(f"{ks} = [_sg_y for _sg_x in {vals}{guard} for _sg_y in _sg_x]")
            o.add(f"{vs} = [_sg_y for _sg_x in {vals}{guard} for _sg_y in _sg_x.values()]")
        o.add(f"{kt} = {typ}.key_type")
        o.add(f"{vt} = {typ}.item_type")
        ka = self.array(t.key, ks, kt, "0", False, key)
        va = self.array(t.value, vs, vt, "0", False, value)
        o.add(f"{a} = {rt('map_array', offs, ka, va, typ, m)}")

    def _classifier(self, t: ir.Union_, path: str) -> str:
        """The function telling which member of ``t`` a value is: module level, unless it
        names another module's classes (those are imported lazily, inside the writer)."""
        refs: set[str] = set()

        def cls(full: str) -> str:
            refs.add(full)
            return self.ctx.cls(full)

        checks = tuple(union_check(m, cls, self.ctx.imports) for m in t.members)
        if not refs & self.ctx.foreign:
            return self.ctx.shared.classifier(f"_sg_union_{self.owner}_{path}", checks)
        fn = self.out.unique(f"_sg_local_union_{path}")
        self.helpers.extend(classifier_lines(fn, checks, self.ctx.imports, "    "))
        return fn

    def _union(self, t: ir.Union_, vals: str, typ: str, a: str, path: str) -> None:
        o, rt = self.out, self.ctx.rt
        fn = self._classifier(t, path)
        any_ = self.ctx.imports.name("Any")
        ks, m, k = o.name(path, "kinds"), o.name(path, "mask"), o.name(path, "nulls")
        o.add(f"{ks} = [{fn}(_sg_x) for _sg_x in {vals}]")
        o.add(f"{m}, {k} = {rt('union_mask', ks)}")
        children = []
        for i, mt in enumerate(t.members):
            member = _join(path, f"member{i}")
            mv, mtv = o.name(member, "values"), o.name(member, "type")
            o.add(f"{mv}: list[{any_}] = [_sg_x if _sg_c == {i} else None "
                  f"for _sg_x, _sg_c in zip({vals}, {ks}, strict=True)]")
            o.add(f"{mtv} = {typ}.field({i}).type")
            children.append(self.array(ir.Nullable(mt), mv, mtv, "0", True, member))
        o.add(f"{a} = {rt('struct_array', '[' + ', '.join(children) + ']', typ, m)}")


# ----------------------------------------------------------------------------- reader


class ReaderEmitter:
    """Body of ``_sg_read_X(_sg_batch)``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = FunctionBody(ctx.module_names)

    def record_body(self, rec: ir.Record) -> list[str]:
        o = self.out
        o.add("_sg_n = _sg_batch.num_rows")
        cols = []
        for f in rec.fields:
            py = self.ctx.py_names[rec.name][f.name]
            c = o.name(py, "column")
            o.add(f"{c} = {self.ctx.rt('column', '_sg_batch', str_source(f.name))}")
            cols.append(self._field(rec.name, f, c, "_sg_n", f.name, "0", py))
        o.add(f"return {self._construct(rec, cols, '_sg_n', '')}")
        return o.lines

    def _construct(self, rec: ir.Record, cols: list[str], n: str, path: str) -> str:
        """Emit code building the objects; returns the list variable.

        ``object.__new__`` mapped over the batch, then slot stores in one loop:
        no ``__init__`` call per object (about twice as fast as keyword calls).
        """
        o = self.out
        cls = self.ctx.cls(rec.name)
        names = self.ctx.py_names[rec.name]
        out = o.name(path, "objects") if path else o.unique("_sg_out")
        o.add(f"{out}: list[{cls}] = {self.ctx.rt('new_objects', cls, n)}")
        if not cols:
            return out
        obj = o.name(path, "obj") if path else o.unique("_sg_obj")
        xs = [f"_sg_x{i}" for i in range(len(cols))]
        o.add(f"for {obj}, {', '.join(xs)} in zip({out}, {', '.join(cols)}, strict=True):")
        for f, x in zip(rec.fields, xs):
            o.add(f"{obj}.{names[f.name]} = {x}", 2)
        return out

    def _field(self, owner: str, f: ir.Field, arr: str, n: str, path: str,
               parent_nulls: str, py_path: str) -> str:
        """List variable for field ``f`` read from ``arr`` (None when not projected).

        A required field may only be null where its parent is (``parent_nulls``):
        other writers can put nulls anywhere, and they must not become None.
        """
        o, rt = self.out, self.ctx.rt
        out = o.name(py_path)
        o.add(f"if {arr} is None:")
        factory = self.ctx.factory_expr(owner, f)
        if factory is not None:
            o.add(f"{out} = {rt('repeat_factory', factory, n)}", 2)
        else:
            o.add(f"{out} = {rt('repeat', self.ctx.default_expr(owner, f) or 'None', n)}", 2)
        o.add("else:")
        start = len(o.lines)
        _, nullable = ir.strip_nullable(f.type)
        if not nullable:
            o.add(rt("require", arr, parent_nulls, str_source(path)))
        val = self.column(f.type, arr, path, py_path)
        o.lines[start:] = ["    " + ln for ln in o.lines[start:]]
        o.add(f"{out} = {val}", 2)
        return out

    def column(self, t: ir.Type, arr: str, path: str, py_path: str) -> str:
        """Emit code turning Arrow array ``arr`` into a Python list; returns its source.

        ``path``: the wire path (for messages); ``py_path``: the Python one (for names).
        """
        rt = self.ctx.rt
        inner, _ = ir.strip_nullable(t)
        match inner:
            case (ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes() | ir.Decimal()
                  | ir.Date() | ir.Time() | ir.Duration() | ir.Interval() | ir.Uuid()
                  | ir.Json() | ir.Null()):
                return rt(_READ[type(inner)], arr)
            case ir.Timestamp(utc=utc):
                return rt("py_timestamps", arr, f"utc={flag_source(utc)}")
            case ir.Fixed(size):
                return rt("py_fixed", arr, int_source(size))
            case ir.EnumRef(name):
                return rt("py_enums", arr, self.ctx.cls(name))
            case ir.RecordRef(name):
                return self._struct(self.ctx.record(name), arr, path, py_path)
            case ir.List():
                return self._list(inner, arr, path, py_path)
            case ir.Map():
                return self._map(inner, arr, path, py_path)
            case ir.Union_(members):
                names = []
                for i, mt in enumerate(members):
                    mv = self.out.name(_join(py_path, f"member{i}"))
                    col = self.column(mt, f"{arr}.field({i})", f"{path}.member{i}",
                                      _join(py_path, f"member{i}"))
                    self.out.add(f"{mv} = {col}")
                    names.append(mv)
                return rt("apply_nulls", arr, rt("first_set", "[" + ", ".join(names) + "]"))
            case ir.Nullable():  # pragma: no cover - strip_nullable removed it
                raise TypeError(f"cannot read {inner!r}")
            case _:
                assert_never(inner)

    def _struct(self, rec: ir.Record, arr: str, path: str, py_path: str) -> str:
        o, rt = self.out, self.ctx.rt
        n = o.name(py_path, "rows")
        o.add(f"{n} = len({arr})")
        cols = []
        for f in rec.fields:
            child = _join(py_path, self.ctx.py_names[rec.name][f.name])
            c = o.name(child, "column")
            o.add(f"{c} = {rt('child', arr, str_source(f.name))}")
            cols.append(self._field(rec.name, f, c, n, f"{path}.{f.name}", f"{arr}.null_count",
                                    child))
        return rt("apply_nulls", arr, self._construct(rec, cols, n, py_path))

    def _list(self, t: ir.List, arr: str, path: str, py_path: str) -> str:
        o, rt = self.out, self.ctx.rt
        item = _join(py_path, "item")
        offs, items = o.name(py_path, "offsets"), o.name(item)
        o.add(f"{offs} = {rt('list_offsets', arr)}")
        if not ir.strip_nullable(t.item)[1]:
            o.add(rt("require", f"{arr}.values", "0", str_source(path + "[]")))
        o.add(f"{items} = {self.column(t.item, f'{arr}.values', path + '[]', item)}")
        split = "split_sets" if ir.is_frozenset(t) else "split"
        return rt("apply_nulls", arr, rt(split, items, offs))

    def _map(self, t: ir.Map, arr: str, path: str, py_path: str) -> str:
        o, rt = self.out, self.ctx.rt
        key, value = _join(py_path, "key"), _join(py_path, "value")
        offs, ks, vs = o.name(py_path, "offsets"), o.name(key), o.name(value)
        o.add(f"{offs} = {rt('list_offsets', arr)}")
        if not ir.strip_nullable(t.value)[1]:
            o.add(rt("require", f"{arr}.items", "0", str_source(path + "{}")))
        o.add(f"{ks} = {self.column(t.key, f'{arr}.keys', path + '{key}', key)}")
        o.add(f"{vs} = {self.column(t.value, f'{arr}.items', path + '{}', value)}")
        split = "split_pairs" if ir.has_pair_list(t) else "split_dicts"
        return rt("apply_nulls", arr, rt(split, ks, vs, offs))
