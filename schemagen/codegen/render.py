"""IR -> generated Python package (one module per namespace), via jinja2 templates.

Bodies are rendered first so each module's header knows exactly which imports
it needs (betterproto's approach).  Imports between generated modules are
never executed at import time: annotations use ``TYPE_CHECKING`` imports and
function bodies import lazily, so mutually referencing namespaces work.
"""

from __future__ import annotations

import dataclasses
import io
import re
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import jinja2

from .. import __version__, ir
from ..errors import ParquetMappingError, SchemaError
from ..typemap.arrow import ArrowMapper, check_representable, render_field
from . import literals, naming
from .emit import Context, ReaderEmitter, WriterEmitter

_ENV = jinja2.Environment(
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


def _isort_key(item: str) -> tuple[int, list[object]]:
    """isort's order-by-type with natural, case-insensitive ordering (ruff's default)."""
    name = item.split(" as ")[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    natural: list[object] = [
        int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)
    ]
    return kind, natural


def _chunked_repr(text: str, indent: str, width: int = 76) -> str:
    if len(text) <= width:
        return repr(text)
    parts = [text[i : i + width] for i in range(0, len(text), width)]
    inner = "\n".join(f"{indent}    {p!r}" for p in parts)
    return f"(\n{inner}\n{indent})"


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
        self._plan()

    # ------------------------------------------------------------------ planning

    def _plan(self) -> None:
        modules = self.schema.modules()
        parts_of: dict[str, tuple[str, ...]] = {}
        for m in modules:
            parts = tuple(naming.module_part(p) for p in m.namespace.split(".")) if m.namespace else ()
            parts_of[m.namespace] = parts
        all_parts = set(parts_of.values())
        # every file and folder the package will have, compared case-insensitively:
        # on macOS and Windows "A/" and "a/" are the same folder
        seen_paths: dict[str, tuple[str, str]] = {}
        for m in modules:
            parts = parts_of[m.namespace]
            if any(len(p) > MAX_NAME for p in parts):
                raise SchemaError(f"namespace {m.namespace!r} has a part longer than "
                                  f"{MAX_NAME} characters (it becomes a file name)")
            is_pkg = parts == () or any(p[: len(parts)] == parts and p != parts for p in all_parts)
            plan = ModulePlan(m.namespace, parts, is_pkg, list(m.types), list(m.sources))
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
        # class names, unique per module, never shadowing a child module
        for plan in self.plans:
            children = {p[len(plan.parts)] for p in all_parts
                        if len(p) > len(plan.parts) and p[: len(plan.parts)] == plan.parts}
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
        # field and enum member names
        for plan in self.plans:
            module_names = set(plan.class_names.values()) | set(plan.aliases.values())
            for t in plan.types:
                if isinstance(t, ir.Record):
                    names = naming.field_names([f.name for f in t.fields], module_names)
                    self.py_names[t.name] = {f.name: n for f, n in zip(t.fields, names)}
                else:
                    members = naming.enum_member_names(list(t.symbols))
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
        for t in plan.types:
            if isinstance(t, ir.Record):
                for full in ir.closure(self.types, t.name):
                    if self.owner[full] is not plan and full not in out:
                        out.append(full)
        return sorted(out)

    # ------------------------------------------------------------------ rendering

    def render(self, on_module: Callable[[str], None] | None = None) -> dict[str, str]:
        files: dict[str, str] = {}
        for plan in self.plans:
            files[plan.path] = text = self._render_module(plan)
            _check_compiles(text, plan)
            if on_module is not None:
                on_module(plan.path)
        # packages that hold no types of their own
        for plan in self.plans:
            for i in range(len(plan.parts)):
                path = "/".join((*plan.parts[:i], "__init__.py"))
                if path not in files:
                    files[path] = self._render_empty(plan.parts[:i])
        if "__init__.py" not in files:
            files["__init__.py"] = self._render_empty(())
        return dict(sorted(files.items()))

    def _render_empty(self, parts: tuple[str, ...]) -> str:
        return _ENV.get_template("package.py.j2").render(
            version=__version__, package=".".join(parts) or self.display_name
        )

    def _ref_for(self, plan: ModulePlan) -> tuple[dict[str, str], set[str]]:
        names = dict(plan.class_names)
        names.update(plan.aliases)
        return names, set(plan.aliases)

    def _render_module(self, plan: ModulePlan) -> str:
        names, foreign = self._ref_for(plan)
        annotation_refs: set[str] = set()

        def ref(full: str) -> str:
            return names[full]

        def ann(t: ir.Type) -> str:
            return self._annotation(t, ref, annotation_refs)

        def import_lines(fulls: Iterable[str]) -> list[str]:
            return self._import_lines(plan, names, sorted(set(fulls) & foreign))

        def local_imports(used: Iterable[str]) -> list[str]:
            return ["    " + line for line in import_lines(used)]

        def lit(value: object, t: ir.Type, used: set[str]) -> str:
            def r(full: str) -> str:
                used.add(full)
                return names[full]

            return literals.literal(value, t, r, self.types, self.enum_members, self.py_names)

        enums = []
        records = []
        factories = []
        for t in plan.types:
            if isinstance(t, ir.Enum):
                enums.append(self._enum_view(plan, t))
        for t in plan.types:
            if not isinstance(t, ir.Record):
                continue
            rec = self.types[t.name]
            assert isinstance(rec, ir.Record)
            cls = plan.class_names[rec.name]
            fields = []
            for f in rec.fields:
                default_src = ""
                if f.has_default:
                    used: set[str] = set()
                    src = lit(f.default, f.type, used)
                    if literals.is_mutable(f.type, f.default) or (used & foreign):
                        fname = f"_sg_default_{cls}__{f.py_name}"
                        fbody = local_imports(used) + [f"    return {src}"]
                        factories.append(
                            {"name": fname, "returns": ann(f.type), "body": "\n".join(fbody)}
                        )
                        default_src = f" = _dc.field(default_factory={fname})"
                    else:
                        default_src = f" = {src}"
                fields.append(
                    {
                        "py_name": f.py_name,
                        "annotation": ann(f.type),
                        "default": default_src,
                        "doc": literals.docstring(f.doc, "    ") if f.doc else "",
                    }
                )
            records.append(self._record_view(rec, cls, fields, names, local_imports, lit))
        # required fields first is not needed: kw_only dataclasses allow any order
        body = _ENV.get_template("body.py.j2").render(
            enums=enums, factories=factories, records=records
        )
        imports = self._imports(body)
        type_checking = import_lines(annotation_refs)
        sources = [self._display_source(s) for s in plan.sources]
        exported = sorted(plan.class_names.values())
        return _ENV.get_template("module.py.j2").render(
            version=__version__,
            sources=sources,
            namespace=plan.namespace,
            module_doc=literals.docstring(
                f"Records of {'namespace ' + plan.namespace if plan.namespace else 'the null namespace'}"
                f" (from {', '.join(sources)}).",
                "",
            ),
            imports=imports,
            type_checking=type_checking,
            all=exported,
            body=body,
        )

    def _import_lines(self, plan: ModulePlan, names: dict[str, str],
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

    @staticmethod
    def _imports(body: str) -> dict[str, bool]:
        """Which module-level aliases the rendered code uses (names only: a doc or
        string literal that mentions ``_uuid`` does not count)."""
        names = {
            tok.string
            for tok in tokenize.generate_tokens(io.StringIO(body).readline)
            if tok.type == tokenize.NAME
        }

        def uses(token: str) -> bool:
            return token in names

        return {
            "dc": uses("_dc"), "dt": uses("_dt"), "decimal": uses("_decimal"),
            "enum": uses("_enum"), "uuid": uses("_uuid"), "Any": uses("_Any"),
            "ClassVar": uses("_ClassVar"), "Sequence": uses("_Sequence"), "rt": uses("_rt"),
        }

    def _enum_view(self, plan: ModulePlan, t: ir.Enum) -> dict[str, object]:
        members = self.enum_members[t.name]
        return {
            "name": plan.class_names[t.name],
            "doc": literals.docstring(t.doc or f"Enum {t.name}.", "    "),
            "members": [(members[s], repr(s)) for s in t.symbols],
            "default": members[t.default] if t.default is not None else None,
        }

    def _annotation(self, t: ir.Type, ref: object, used: set[str]) -> str:  # noqa: C901
        assert callable(ref)

        def a(tt: ir.Type) -> str:
            return self._annotation(tt, ref, used)

        if isinstance(t, ir.Nullable):
            inner = a(t.inner)
            return inner if inner == "None" else f"{inner} | None"
        if isinstance(t, (ir.EnumRef, ir.RecordRef)):
            used.add(t.name)
            return str(ref(t.name))
        simple = {
            ir.Null: "None", ir.Bool: "bool", ir.Int: "int", ir.Float: "float", ir.String: "str",
            ir.Bytes: "bytes", ir.Fixed: "bytes", ir.Decimal: "_decimal.Decimal",
            ir.Date: "_dt.date", ir.Time: "_dt.time", ir.Timestamp: "_dt.datetime",
            ir.Duration: "_dt.timedelta", ir.Interval: "_rt.Interval", ir.Uuid: "_uuid.UUID",
            ir.Json: "_Any",
        }
        if type(t) in simple:
            return simple[type(t)]
        if isinstance(t, ir.List):
            return f"list[{a(t.item)}]"
        if isinstance(t, ir.Map):
            return f"dict[{a(t.key)}, {a(t.value)}]"
        if isinstance(t, ir.Union_):
            return " | ".join(a(m) for m in t.members)
        raise TypeError(f"no annotation for {t!r}")

    def _record_view(
        self,
        rec: ir.Record,
        cls: str,
        fields: list[dict[str, str]],
        names: dict[str, str],
        local_imports: Callable[[Iterable[str]], list[str]],
        lit: Callable[[object, ir.Type, set[str]], str],
    ) -> dict[str, object]:
        schema_json = ir.record_schema_json(self.types, rec.name)
        ctx_used: set[str] = set()

        def ref(full: str) -> str:
            ctx_used.add(full)
            return str(names[full])

        def default_expr(owner: str, f: ir.Field) -> str | None:
            if not f.has_default or literals.is_mutable(f.type, f.default):
                return None
            return str(lit(f.default, f.type, ctx_used))

        def factory_expr(owner: str, f: ir.Field) -> str | None:
            if not f.has_default or not literals.is_mutable(f.type, f.default):
                return None
            return f"lambda: {lit(f.default, f.type, ctx_used)}"

        error = None
        try:
            check_representable(self.types, rec.name)
        except ParquetMappingError as exc:
            error = str(exc)
        view: dict[str, object] = {
            "name": cls,
            "full_name": rec.name,
            "doc": literals.docstring(rec.doc or f"Record {rec.name}.", "    "),
            "fields": fields,
            "schema_const": f"_SG_SCHEMA_{cls}",
            "schema_json": _chunked_repr(schema_json, ""),
            "error": repr(error) if error else None,
        }
        if error:
            return view
        mapper = ArrowMapper(self.types)
        metadata = {"schemagen.schema": f"_SG_SCHEMA_{cls}"}
        native = dict(rec.native)
        native.setdefault("writer.model.name", "schemagen")
        for k, v in sorted(native.items()):
            metadata[k] = _chunked_repr(v, "            ")
        try:
            pa_fields = [render_field(mapper.field(f), "_rt.pa") for f in rec.fields]
        except ParquetMappingError as exc:
            view["error"] = repr(str(exc))
            return view
        view["arrow_fields"] = pa_fields
        view["metadata"] = [(repr(k), v) for k, v in sorted(metadata.items())]

        ctx = Context(self.types, ref, self.py_names, default_expr, factory_expr, ctx_used)
        writer = WriterEmitter(ctx).record_body(rec)
        w_imports = local_imports(ctx_used)
        ctx_used.clear()
        reader = ReaderEmitter(ctx).record_body(rec)
        r_imports = local_imports(ctx_used)
        view["writer"] = "\n".join(w_imports + writer)
        view["reader"] = "\n".join(r_imports + reader)
        return view
