"""IR -> generated Python package (one module per namespace), via jinja2 templates.

Bodies are rendered first so each module's header knows exactly which imports
it needs (betterproto's approach).  Imports between generated modules are
never executed at import time: annotations use ``TYPE_CHECKING`` imports and
function bodies import lazily, so mutually referencing namespaces work.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import assert_never

import jinja2

from .. import __version__, ir
from ..errors import ParquetMappingError, SchemaError
from ..runtime.abi import ABI_VERSION
from ..typemap.arrow import ArrowMapper, check_representable, render_field
from . import literals, naming, views
from .emit import Context, ReaderEmitter, Shared, WriterEmitter
from .imports import Alias, Imports

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("schemagen.codegen", "templates"),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # noqa: S701 - output is Python; every value is repr()-escaped
)


@dataclass
class ModulePlan:
    namespace: str
    parts: tuple[str, ...]
    is_package: bool
    types: list[ir.Named]
    sources: list[str]
    class_names: dict[str, str] = field(default_factory=dict)  # full name -> class name
    aliases: dict[str, str] = field(default_factory=dict)  # foreign full name -> local name
    constants: list[ir.Constant] = field(default_factory=list)
    const_names: dict[str, str] = field(default_factory=dict)  # full name -> Python name

    @property
    def path(self) -> str:
        if self.is_package:
            return "/".join((*self.parts, "__init__.py"))
        return "/".join(self.parts) + ".py"

    @property
    def package(self) -> tuple[str, ...]:
        return self.parts if self.is_package else self.parts[:-1]


def _relative(from_pkg: tuple[str, ...], target: tuple[str, ...]) -> str:
    k = 0
    while k < min(len(from_pkg), len(target)) and from_pkg[k] == target[k]:
        k += 1
    return "." * (len(from_pkg) - k + 1) + ".".join(target[k:])


MAX_NAME = 120  # longest namespace part (a file name) we accept


def _children(plan: ModulePlan, all_parts: set[tuple[str, ...]]) -> set[str]:
    """Names of the modules and packages directly inside ``plan``'s package."""
    n = len(plan.parts)
    return {p[n] for p in all_parts if len(p) > n and p[:n] == plan.parts}


def _check_compiles(text: str, plan: ModulePlan) -> None:
    """Defence in depth: a rendered module that is not valid Python is a compile error."""
    try:
        compile(text, plan.path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise SchemaError(
            f"the generated module {plan.path!r} would not be valid Python ({exc}); "
            f"the schema is too deeply nested or otherwise beyond what schemagen can render",
            ", ".join(plan.sources),
        ) from None


FULL_CHECK_BYTES = 4 * 1024 * 1024  # total output up to which every module is compiled
SAFE_NESTING = 24  # type/value nesting below which generated expressions stay far from
SAFE_UNION_WIDTH = 64  # the parser's limits (200 nested brackets, recursion depth)


def _sources(m: ir.Module) -> str:
    return ", ".join(sorted(map(str, m.sources))) or "<schema>"


def _value_depth(v: object) -> int:
    if isinstance(v, ir.UnionValue):
        return _value_depth(v.value)
    if isinstance(v, tuple):
        return 1 + max((_value_depth(x) for x in v), default=0)
    return 0


def _isort_key(item: str) -> tuple[int, list[object]]:
    """isort's order-by-type with natural, case-insensitive ordering (ruff's default)."""
    name = item.split(" as ")[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    natural: list[object] = [
        int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)
    ]
    return kind, natural


def _dunder_all_key(name: str) -> tuple[int, list[tuple[int, int | str]]]:
    """The order ruff's RUF022 wants in ``__all__``: SCREAMING_CASE names, then CamelCase,
    then the rest; within each, a case-sensitive natural order (``A2`` before ``A10``)."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    natural = [(0, int(part)) if part.isdigit() else (1, part)
               for part in re.split(r"(\d+)", name) if part]
    return kind, natural


def _oneof_doc(group: str) -> str:
    """The docstring of ``which_<group>()``: the group name (untrusted) only inside the
    checked docstring literal, as its ``repr``."""
    return literals.docstring(
        f"The wire name of the member of oneof {group!r} that is set, or None.\n\n"
        "At most one member may be set: writing a record with more raises RecordError.",
        "        ")


def _chunked_repr(text: str, indent: str, width: int = 76) -> str:
    if len(text) <= width:
        return literals.str_source(text)
    parts = [text[i : i + width] for i in range(0, len(text), width)]
    inner = "\n".join(f"{indent}    {literals.str_source(p)}" for p in parts)
    return f"(\n{inner}\n{indent})"


@dataclass
class _Scope:
    """What rendering one module shares: its names, its imports, the classes it refers to."""

    plan: ModulePlan
    names: dict[str, str]  # full name -> local Python name (own classes and foreign aliases)
    foreign: set[str]  # full names of classes defined in other modules
    imports: Imports  # module aliases the code uses, recorded where the code is made
    annotation_refs: set[str]  # full names annotations refer to (TYPE_CHECKING imports)
    compiler: Compiler
    shared: Shared  # module-level constants and classifiers the writers share

    @property
    def module_names(self) -> frozenset[str]:
        """Every module-level name the generated functions may use."""
        p = self.plan
        return frozenset(naming.MODULE_RESERVED | set(p.class_names.values())
                         | set(p.aliases.values()) | set(p.const_names.values()))

    def annotation(self, t: ir.Type) -> str:
        return annotation(t, self._annotation_ref, self.imports)

    def _annotation_ref(self, full: str) -> str:
        self.annotation_refs.add(full)
        return self.names[full]

    def literal(self, value: object, t: ir.Type, used: set[str]) -> str:
        """Source of ``value``; the full names of the classes it needs go to ``used``."""

        def ref(full: str) -> str:
            used.add(full)
            return self.names[full]

        c = self.compiler
        return literals.Literals(ref, c.types, c.enum_members, c.py_names,
                                 self.imports).literal(value, t)

    def import_lines(self, fulls: Iterable[str]) -> list[str]:
        return self.compiler.import_lines(self.plan, self.names, sorted(set(fulls) & self.foreign))

    def local_imports(self, used: Iterable[str]) -> list[str]:
        return ["    " + line for line in self.import_lines(used)]


_SIMPLE_ANNOTATIONS: dict[type, tuple[Alias | None, str]] = {
    ir.Null: (None, "None"), ir.Bool: (None, "bool"), ir.Int: (None, "int"),
    ir.Float: (None, "float"), ir.String: (None, "str"), ir.Bytes: (None, "bytes"),
    ir.Fixed: (None, "bytes"), ir.Decimal: ("decimal", "Decimal"), ir.Date: ("dt", "date"),
    ir.Time: ("dt", "time"), ir.Timestamp: ("dt", "datetime"), ir.Duration: ("dt", "timedelta"),
    ir.Interval: ("rt", "Interval"), ir.Uuid: ("uuid", "UUID"), ir.Json: ("Any", ""),
}


def annotation(t: ir.Type, ref: Callable[[str], str], imports: Imports) -> str:
    """The Python annotation of IR type ``t`` (``ref`` names a class)."""

    def a(tt: ir.Type) -> str:
        return annotation(tt, ref, imports)

    match t:
        case ir.Nullable(inner):
            src = a(inner)
            return src if src == "None" else f"{src} | None"
        case ir.EnumRef(name) | ir.RecordRef(name):
            return ref(name)
        case ir.List(item) if ir.is_frozenset(t):
            return f"frozenset[{a(item)}]"
        case ir.List(item):
            return f"list[{a(item)}]"
        case ir.Map(key, value) if ir.has_pair_list(t):
            return f"list[tuple[{a(key)}, {a(value)}]]"
        case ir.Map(key, value):
            return f"dict[{a(key)}, {a(value)}]"
        case ir.Union_(members):
            # members that map to one Python type are named once (ruff PYI016)
            return " | ".join(dict.fromkeys(a(m) for m in members))
        case (ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes()
              | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
              | ir.Duration() | ir.Interval() | ir.Uuid() | ir.Json()):
            alias, attr = _SIMPLE_ANNOTATIONS[type(t)]
            if alias is None:
                return attr
            module = imports.name(alias)
            return f"{module}.{attr}" if attr else module
        case _:
            assert_never(t)


class Compiler:
    """Renders an :class:`ir.Schema` to ``{relative path: source}``."""

    def __init__(self, schema: ir.Schema, display_name: str = "generated") -> None:
        self.schema = schema
        self.display_name = display_name
        self.types = dict(schema.types)
        self.plans: list[ModulePlan] = []
        self.owner: dict[str, ModulePlan] = {}
        self.py_names: dict[str, dict[str, str]] = {}
        self.enum_members: dict[str, dict[str, str]] = {}
        self._depths: dict[str, int] = {}
        # memos shared by every record (types never change once planned)
        self._cycles: dict[str, list[str] | None] = {}
        self._type_json: dict[str, dict[str, object]] = {}
        self._field_src: dict[tuple[str, ir.Type, int | None], str] = {}
        self._mapper = ArrowMapper(self.types)
        self._plan()

    # ------------------------------------------------------------------ planning

    def _plan(self) -> None:
        modules = self.schema.modules()
        parts_of: dict[str, tuple[str, ...]] = {}
        for m in modules:
            parts = tuple(naming.module_part(p) for p in m.namespace.split(".")) if m.namespace else ()
            parts_of[m.namespace] = parts
        all_parts = set(parts_of.values())
        self._plan_modules(modules, parts_of, all_parts)
        self._plan_class_names(all_parts)
        self._plan_member_names(all_parts)

    def _plan_modules(self, modules: list[ir.Module], parts_of: dict[str, tuple[str, ...]],
                      all_parts: set[tuple[str, ...]]) -> None:
        """One plan per namespace; file and folder names checked for clashes."""
        # every file and folder the package will have, compared case-insensitively:
        # on macOS and Windows "A/" and "a/" are the same folder
        seen_paths: dict[str, tuple[str, str]] = {}
        # module files: two namespaces whose names sanitise alike ("x.class" and "x.class_"
        # both become x/class_.py) are refused, never written over one another
        files: dict[str, ir.Module] = {}
        for m in modules:
            parts = parts_of[m.namespace]
            if any(len(p) > MAX_NAME for p in parts):
                raise SchemaError(f"namespace {m.namespace!r} has a part longer than "
                                  f"{MAX_NAME} characters (it becomes a file name)")
            is_pkg = parts == () or any(p[: len(parts)] == parts and p != parts for p in all_parts)
            plan = ModulePlan(m.namespace, parts, is_pkg, list(m.types), list(m.sources),
                              constants=list(m.constants))
            self.plans.append(plan)
            prefixes = ["/".join(parts[:i]) for i in range(1, len(parts))]
            for path in [*prefixes, plan.path]:
                key = path.lower()
                if key in seen_paths and seen_paths[key][0] != path:
                    raise SchemaError(
                        f"namespaces {seen_paths[key][1]!r} and {m.namespace!r} map to "
                        f"{seen_paths[key][0]!r} and {path!r}, which differ only in case"
                    )
                seen_paths.setdefault(key, (path, m.namespace))
            first = files.setdefault(plan.path, m)
            if first is not m:
                raise SchemaError(
                    f"namespaces {first.namespace!r} (in {_sources(first)}) and "
                    f"{m.namespace!r} (in {_sources(m)}) both become the module "
                    f"{plan.path!r} once sanitised into Python names; rename one of them "
                    "(one would overwrite the other)")

    def _plan_class_names(self, all_parts: set[tuple[str, ...]]) -> None:
        """Class names (unique per module, never shadowing a child module) and the local
        names of the foreign classes each module refers to."""
        for plan in self.plans:
            children = _children(plan, all_parts)
            raw = []
            for t in plan.types:
                n = naming.class_name(t.short_name)
                while n in children:
                    n += "_"
                raw.append(n)
            for t, n in zip(plan.types, naming.unique(raw)):
                plan.class_names[t.name] = n
                self.owner[t.name] = plan
        # foreign aliases: every type reachable from this module's records
        for plan in self.plans:
            local = set(plan.class_names.values())
            taken = set(local)
            for full in self._foreign_refs(plan):
                other = self.owner[full]
                n = other.class_names[full]
                if n in taken:
                    n = naming.identifier("_".join((*other.parts, n)) or n)
                    while n in taken:
                        n += "_"
                taken.add(n)
                plan.aliases[full] = n

    def _plan_member_names(self, all_parts: set[tuple[str, ...]]) -> None:
        """Constant names (never shadowing a class or child module), field and enum member
        names; the IR as generated gets its Python names."""
        for plan in self.plans:
            children = _children(plan, all_parts)
            taken = set(plan.class_names.values()) | set(plan.aliases.values()) | children
            for c in plan.constants:
                n = naming.identifier(c.short_name)
                while n in taken:
                    n += "_"
                taken.add(n)
                plan.const_names[c.name] = n
        # field and enum member names
        for plan in self.plans:
            module_names = (set(plan.class_names.values()) | set(plan.aliases.values())
                            | set(plan.const_names.values()))
            for t in plan.types:
                if isinstance(t, ir.Record):
                    extra = naming.UNION_RESERVED if t.kind == "union" else frozenset()
                    extra |= {naming.identifier(f"which_{g}") for g, _ in ir.oneof_groups(t)}
                    names = naming.field_names([f.name for f in t.fields], module_names, extra)
                    self.py_names[t.name] = {f.name: n for f, n in zip(t.fields, names)}
                else:
                    extra = naming.NUMBERED_ENUM_RESERVED if t.values is not None else frozenset()
                    members = naming.enum_member_names(list(t.symbols), extra)
                    self.enum_members[t.name] = dict(zip(t.symbols, members))
        # the IR as generated: python names filled in
        for full, t in list(self.types.items()):
            if isinstance(t, ir.Record):
                py = self.py_names[full]
                self.types[full] = dataclasses.replace(
                    t, fields=tuple(dataclasses.replace(f, py_name=py[f.name]) for f in t.fields)
                )

    def _foreign_refs(self, plan: ModulePlan) -> list[str]:
        out: list[str] = []
        roots = [t.name for t in plan.types if isinstance(t, ir.Record)]
        for c in plan.constants:
            roots.extend(sorted(ir.referenced_names(c.type)))
        for root in roots:
            for full in ir.closure(self.types, root):
                if self.owner[full] is not plan and full not in out:
                    out.append(full)
        return sorted(out)

    # ------------------------------------------------------------------ rendering

    def render(self, on_module: Callable[[str], None] | None = None) -> dict[str, str]:
        files: dict[str, str] = {}
        for plan in self.plans:
            files[plan.path] = self._render_module(plan)
            if on_module is not None:
                on_module(plan.path)
        # Defence in depth: every module is compiled when the output is of ordinary
        # size.  In a very large output, compiling everything would cost more than all
        # the rest of the work, so only the modules whose shape comes near Python's
        # parser limits (deep nesting, very wide unions) are: the others are valid by
        # construction (sanitised names, repr() literals, checked docstrings, templates).
        check_all = sum(len(t) for t in files.values()) <= FULL_CHECK_BYTES
        for plan in self.plans:
            if check_all or self._unusual_shape(plan):
                _check_compiles(files[plan.path], plan)
        # packages that hold no types of their own
        for plan in self.plans:
            for i in range(len(plan.parts)):
                path = "/".join((*plan.parts[:i], "__init__.py"))
                if path not in files:
                    files[path] = self._render_empty(plan.parts[:i])
        if "__init__.py" not in files:
            files["__init__.py"] = self._render_empty(())
        return dict(sorted(files.items()))

    def _schema_json(self, root: str) -> str:
        """``ir.record_schema_json`` with each type's JSON made once."""
        out = []
        for name in ir.closure(self.types, root):
            j = self._type_json.get(name)
            if j is None:
                j = self._type_json[name] = ir.named_to_json(self.types[name])
            out.append(j)
        doc = {"schemagen": 1, "root": root, "types": out}
        return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def _arrow_field(self, mapper: ArrowMapper, f: ir.Field) -> str:
        """Source of ``f``'s Arrow field (made once per name, type and field id)."""
        key = (f.name, f.type, f.field_id)
        src = self._field_src.get(key)
        if src is None:
            src = self._field_src[key] = render_field(mapper.field(f), "_rt.pa")
        return src

    def _unusual_shape(self, plan: ModulePlan) -> bool:
        """Whether a module's generated expressions may nest deeply (then it is compiled)."""
        depth = self._type_depth
        for t in plan.types:
            if isinstance(t, ir.Record):
                if depth(ir.RecordRef(t.name)) > SAFE_NESTING:
                    return True
                if any(f.has_default and _value_depth(f.default) > SAFE_NESTING
                       for f in t.fields):
                    return True
        return any(depth(c.type) > SAFE_NESTING or _value_depth(c.value) > SAFE_NESTING
                   for c in plan.constants)

    def _type_depth(self, t: ir.Type) -> int:
        """Nesting of ``t``'s generated Arrow expression (records inline), 10**6 for a
        union wider than SAFE_UNION_WIDTH."""
        match t:
            case ir.Nullable(inner):
                return self._type_depth(inner)
            case ir.List(item):
                return 1 + self._type_depth(item)
            case ir.Map(key, value):
                return 1 + max(self._type_depth(key), self._type_depth(value))
            case ir.Union_(members):
                if len(members) > SAFE_UNION_WIDTH:
                    return 10**6
                return 1 + max(self._type_depth(m) for m in members)
            case ir.RecordRef(name):
                return self._record_depth(name)
            case (ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes()
                  | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
                  | ir.Duration() | ir.Interval() | ir.Uuid() | ir.Json() | ir.EnumRef()):
                return 0
            case _:
                assert_never(t)

    def _record_depth(self, name: str) -> int:
        known = self._depths.get(name)
        if known is not None:
            return known
        self._depths[name] = 0  # recursive records are not rendered inline
        rec = self.types.get(name)
        d = 1
        if isinstance(rec, ir.Record) and rec.fields:
            d = 1 + max(self._type_depth(f.type) for f in rec.fields)
        self._depths[name] = d
        return d

    def _render_empty(self, parts: tuple[str, ...]) -> str:
        package = ".".join(parts) or self.display_name  # the name given by the caller
        return TEMPLATES.get_template("package.py.j2").render(
            version=__version__,
            doc=literals.docstring(f"Package {package} (generated by schemagen).", ""),
        )

    def _render_module(self, plan: ModulePlan) -> str:
        names = dict(plan.class_names)
        names.update(plan.aliases)
        imports = Imports()
        scope = _Scope(plan, names, set(plan.aliases), imports, set(), self, Shared(imports))
        enums = tuple(self._enum_view(plan, t) for t in plan.types if isinstance(t, ir.Enum))
        factories: list[views.FactoryView] = []
        records = tuple(self._record(scope, t.name, factories)
                        for t in plan.types if isinstance(t, ir.Record))
        constants = tuple(self._constant_view(scope, c) for c in plan.constants)
        body = TEMPLATES.get_template("body.py.j2").render(view=views.BodyView(
            enums=enums, shared=tuple(scope.shared.blocks), factories=tuple(factories),
            records=records,
            constants=constants,
        ))
        # the names the templates write themselves
        if records:
            scope.imports.use("dc", "ClassVar", "rt", "Any", "Sequence")
        if enums:
            scope.imports.use("enum")
        if constants:
            scope.imports.use("Final")
        type_checking = tuple(scope.import_lines(scope.annotation_refs))
        sources = tuple(self._display_source(s) for s in plan.sources)
        where = f"namespace {plan.namespace}" if plan.namespace else "the null namespace"
        return TEMPLATES.get_template("module.py.j2").render(m=views.ModuleView(
            version=__version__,
            abi=ABI_VERSION,
            sources=sources,
            module_doc=literals.docstring(f"Records of {where} (from {', '.join(sources)}).", ""),
            stdlib=tuple(scope.imports.stdlib_lines(bool(type_checking))),
            runtime=scope.imports.runtime_line(),
            type_checking=type_checking,
            exported=tuple(sorted([*plan.class_names.values(), *plan.const_names.values()],
                                  key=_dunder_all_key)),
            body=body,
        ))

    def _record(self, scope: _Scope, full: str, factories: list[views.FactoryView]
                ) -> views.RecordView:
        """The view of one record class; default factories it needs go to ``factories``."""
        rec = self.types[full]
        assert isinstance(rec, ir.Record)
        cls = scope.plan.class_names[rec.name]
        fields = []
        for f in rec.fields:
            default_src = ""
            if f.has_default:
                used: set[str] = set()
                src = scope.literal(f.default, f.type, used)
                if literals.is_mutable(f.type, f.default) or (used & scope.foreign):
                    fname = f"_sg_default_{cls}__{f.py_name}"
                    fbody = scope.local_imports(used) + [f"    return {src}"]
                    factories.append(views.FactoryView(fname, scope.annotation(f.type),
                                                       "\n".join(fbody)))
                    default_src = f" = _dc.field(default_factory={fname})"
                elif literals.is_constructed(f.type, f.default):
                    # built once at import, not by a call in the class body (ruff RUF009)
                    const = scope.shared.constant(f"_SG_DEFAULT_{cls}__{f.py_name}",
                                                  scope.annotation(f.type), src)
                    default_src = f" = {const}"
                else:
                    default_src = f" = {src}"
            fields.append(views.FieldView(
                py_name=f.py_name,
                annotation=scope.annotation(f.type),
                default=default_src,
                doc=literals.docstring(f.doc, "    ") if f.doc else "",
            ))
        return self._record_view(rec, cls, tuple(fields), scope)

    def _constant_view(self, scope: _Scope, c: ir.Constant) -> views.ConstantView:
        name = scope.plan.const_names[c.name]
        used: set[str] = set()
        src = scope.literal(c.value, c.type, used)
        annotation = scope.annotation(c.type)
        factory = None
        if used & scope.foreign:
            # built on first import by a function that imports the other module's
            # classes: no generated module imports another at import time
            body = "\n".join(scope.local_imports(used) + [f"    return {src}"])
            factory = views.FactoryView(f"_sg_const_{name}", annotation, body)
        return views.ConstantView(name=name, annotation=annotation, value=src,
                                  doc=literals.docstring(c.doc, "") if c.doc else "",
                                  factory=factory)

    def import_lines(self, plan: ModulePlan, names: dict[str, str],
                      fulls: list[str]) -> list[str]:
        """``from <relative> import A, B as C`` lines, ordered as ruff's isort wants them."""
        by_module: dict[tuple[str, ...], list[str]] = {}
        for full in fulls:
            by_module.setdefault(self.owner[full].parts, []).append(full)
        entries = []
        for parts, group in by_module.items():
            rel = _relative(plan.package, parts)
            items = []
            for f in group:
                cls = self.owner[f].class_names[f]
                items.append(cls if cls == names[f] else f"{cls} as {names[f]}")
            items.sort(key=_isort_key)
            dots = len(rel) - len(rel.lstrip("."))
            entries.append(((-dots, rel.lstrip(".").lower()), f"from {rel} import {', '.join(items)}"))
        return [line for _, line in sorted(entries)]

    @staticmethod
    def _display_source(src: str) -> str:
        return str(PurePosixPath(src.replace("\\", "/")))

    def _enum_view(self, plan: ModulePlan, t: ir.Enum) -> views.EnumView:
        members = self.enum_members[t.name]
        docs = list(t.symbol_docs) if len(t.symbol_docs) == len(t.symbols) else [""] * len(t.symbols)
        name = plan.class_names[t.name]
        numbers = None
        if t.values is not None and len(t.values) == len(t.symbols):
            first: dict[int, str] = {}
            for s, v in zip(t.symbols, t.values):
                first.setdefault(v, s)
            numbers = views.NumbersView(
                const=f"_SG_NUMBERS_{name}",
                by_symbol=", ".join(f"{literals.str_source(s)}: {literals.int_source(v)}"
                                    for s, v in zip(t.symbols, t.values)),
                by_number=", ".join(f"{literals.int_source(v)}: {literals.str_source(s)}"
                                    for v, s in first.items()),
            )
        return views.EnumView(
            name=name,
            doc=literals.docstring(t.doc or f"Enum {t.name}.", "    "),
            members=tuple(views.MemberView(members[s], literals.str_source(s),
                                           literals.docstring(d, "    ") if d else "")
                          for s, d in zip(t.symbols, docs)),
            default=members[t.default] if t.default is not None else None,
            open=ir.is_open_enum(t) and t.default is None,
            numbers=numbers,
        )

    def _record_view(self, rec: ir.Record, cls: str, fields: tuple[views.FieldView, ...],
                     scope: _Scope) -> views.RecordView:
        py = self.py_names[rec.name]
        view = views.RecordView(
            name=cls,
            full_name=rec.name,
            doc=literals.docstring(rec.doc or f"Record {rec.name}.", "    "),
            fields=fields,
            union_members=(
                views.WhichView("which", "", tuple((py[f.name], literals.str_source(f.name))
                                                   for f in rec.fields))
                if rec.kind == "union" else None
            ),
            oneofs=tuple(
                views.WhichView(naming.identifier(f"which_{group}"), _oneof_doc(group),
                                tuple((py[w], literals.str_source(w)) for w in wires if w in py))
                for group, wires in ir.oneof_groups(rec)
            ),
            schema_const=f"_SG_SCHEMA_{cls}",
            schema_json=_chunked_repr(self._schema_json(rec.name), ""),
            error=None,
        )
        try:
            check_representable(self.types, rec.name, self._cycles)
            arrow_fields = tuple(self._arrow_field(self._mapper, f) for f in rec.fields)
        except ParquetMappingError as exc:
            return dataclasses.replace(view, error=literals.str_source(str(exc)))
        scope.imports.use("rt")  # the fields are built with _rt.pa
        metadata = {"schemagen.schema": view.schema_const}
        native = dict(rec.native)
        native.setdefault("writer.model.name", "schemagen")
        for k, v in sorted(native.items()):
            metadata[k] = _chunked_repr(v, "            ")
        writer, reader = self._bodies(rec, scope)
        return dataclasses.replace(
            view, arrow_fields=arrow_fields,
            metadata=tuple((literals.str_source(k), v) for k, v in sorted(metadata.items())),
            writer=writer, reader=reader,
        )

    def _bodies(self, rec: ir.Record, scope: _Scope) -> tuple[str, str]:
        """The bodies of the record's writer and reader functions."""
        ctx_used: set[str] = set()  # classes the bodies name (Context.cls records them)

        def default_expr(owner: str, f: ir.Field) -> str | None:
            if not f.has_default or literals.is_mutable(f.type, f.default):
                return None
            return scope.literal(f.default, f.type, ctx_used)

        def factory_expr(owner: str, f: ir.Field) -> str | None:
            if not f.has_default or not literals.is_mutable(f.type, f.default):
                return None
            src = scope.literal(f.default, f.type, ctx_used)
            # an empty container is built by its type itself (ruff PIE807)
            return {"[]": "list", "{}": "dict"}.get(src, f"lambda: {src}")

        ctx = Context(self.types, scope.names.__getitem__, self.py_names, default_expr, factory_expr, scope.imports,
                      scope.shared, frozenset(scope.foreign), scope.module_names, ctx_used)
        writer = WriterEmitter(ctx).record_body(rec)
        w_imports = scope.local_imports(ctx_used)
        ctx_used.clear()
        reader = ReaderEmitter(ctx).record_body(rec)
        r_imports = scope.local_imports(ctx_used)
        return "\n".join(w_imports + writer), "\n".join(r_imports + reader)
