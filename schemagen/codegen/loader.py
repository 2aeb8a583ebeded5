"""Compile schema files and import the generated modules in memory.

``schemagen.load(path)`` renders the modules ``schemagen compile`` would write and
imports them through a meta-path finder over the rendered text: nothing is written
to disk and ``sys.path`` is not touched.  Each load registers its modules under its
own private package name (``_schemagen_load_<n>``), so two loads, even of schemas that
share namespaces, never clash.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import itertools
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeAlias

from schemagen import frontends, ir
from schemagen.codegen.render import Compiler
from schemagen.errors import UsageError

PathArg: TypeAlias = "str | os.PathLike[str] | Sequence[str | os.PathLike[str]]"


def module_namespace(modname: str) -> dict[str, Any]:
    """A generated module's globals plus the names it imports only for type checking.

    Generated modules import the classes of other modules under ``if TYPE_CHECKING:``
    (and locally in functions) to keep import cycles harmless; resolving annotations
    needs those names, so the imports are replayed here.  The source comes from the
    module's loader, so modules imported from files and in memory both work.
    """
    mod = sys.modules[modname]
    ns = dict(vars(mod))
    get_source = getattr(getattr(mod, "__loader__", None), "get_source", None)
    try:
        text = get_source(modname) if get_source is not None else None
    except (ImportError, OSError):
        text = None
    if not text:
        return ns
    for node in ast.parse(text).body:
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Name)
                and node.test.id == "TYPE_CHECKING"):
            continue
        for imp in node.body:
            if isinstance(imp, ast.ImportFrom):
                target = importlib.import_module("." * imp.level + (imp.module or ""),
                                                 mod.__package__)
                for alias in imp.names:
                    ns[alias.asname or alias.name] = getattr(target, alias.name)
    return ns


_counter = itertools.count(1)
_lock = threading.Lock()


class _RenderedSources(importlib.abc.MetaPathFinder, importlib.abc.InspectLoader):
    """The one meta-path finder of ``load``: full module name -> (rendered source, is a
    package).  Each load adds the modules of its own private package."""

    def __init__(self) -> None:
        self.sources: dict[str, tuple[str, bool]] = {}

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        entry = self.sources.get(fullname)
        if entry is None:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin="<schemagen.load>",
                                               is_package=entry[1])

    def get_source(self, fullname: str) -> str:
        entry = self.sources.get(fullname)
        if entry is None:
            raise ImportError(f"no module {fullname!r} in schemagen.load", name=fullname)
        return entry[0]

    def is_package(self, fullname: str) -> bool:
        self.get_source(fullname)  # ImportError for a name it does not hold
        return self.sources[fullname][1]

    def get_code(self, fullname: str) -> Any:
        # the file name shown in tracebacks; linecache gets the text from get_source
        return compile(self.get_source(fullname), f"<schemagen.load {fullname}>", "exec",
                       dont_inherit=True)


_FINDER = _RenderedSources()


def _finder() -> _RenderedSources:
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)
    return _FINDER


@dataclass
class Loaded:
    """What one :func:`load_schemas` made: the IR, the private package name, and every
    generated module (by namespace, ``""`` for the root package), imported."""

    schema: ir.Schema
    package: str
    modules: dict[str, ModuleType]
    _compiler: Compiler

    def record_class(self, name: str) -> type:
        """The generated class of the record ``name`` (its full or short schema name, SQL
        table name or generated class name, as ``schemagen convert --record`` takes)."""
        from schemagen.sql.ddl import find_record

        rec = find_record(self.schema.types, name)
        plan = self._compiler.owner[rec.name]
        module = self.modules[plan.namespace]
        cls: type = getattr(module, plan.class_names[rec.name])
        return cls

    @property
    def module(self) -> ModuleType:
        """The module of the schemas' one namespace, else the root package."""
        named = [ns for ns, mod in self.modules.items()
                 if any(getattr(mod, "__all__", ()))]
        return self.modules[named[0]] if len(named) == 1 else self.modules[""]


def load_schemas(paths: PathArg, *, include_dirs: Sequence[str | os.PathLike[str]] = (),
                 sql_dialect: str | None = None) -> Loaded:
    """Compile the schema files under ``paths`` (files or folders) and import the
    generated modules in memory.  Raises :class:`~schemagen.errors.SchemaError` for an
    invalid schema and :class:`~schemagen.errors.UsageError` when no schema file is found."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    names = [os.fspath(p) for p in paths]
    if sql_dialect is not None:
        from schemagen.sql import registry

        registry.dialect(sql_dialect)
    files = frontends.find_schema_files(names)
    if not files:
        raise UsageError(f"no schema files found under {', '.join(names)}")
    schema = frontends.load(files, sql_dialect, [os.fspath(d) for d in include_dirs])
    with _lock:
        n = next(_counter)
        package = f"_schemagen_load_{n}"
    compiler = Compiler(schema, package)
    rendered = compiler.render()
    finder = _finder()
    for rel, text in _with_packages(rendered).items():
        parts = rel[: -len(".py")].split("/")
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        finder.sources[".".join((package, *parts))] = (text, is_pkg)
    modules = {plan.namespace: importlib.import_module(".".join((package, *plan.parts)))
               for plan in compiler.plans}
    modules.setdefault("", importlib.import_module(package))
    return Loaded(schema, package, modules, compiler)


def _with_packages(rendered: dict[str, str]) -> dict[str, str]:
    """The rendered files plus an empty ``__init__.py`` for every folder without one."""
    out = dict(rendered)
    for rel in rendered:
        parts = rel.split("/")[:-1]
        for i in range(len(parts) + 1):
            out.setdefault("/".join((*parts[:i], "__init__.py")), "")
    return out


def load(paths: PathArg, *, include_dirs: Sequence[str | os.PathLike[str]] = (),
         sql_dialect: str | None = None) -> ModuleType:
    """Compile schema files and import the generated code in memory; no file is written
    and ``sys.path`` is not changed.

    ``mod = schemagen.load("schemas/sales.avsc")`` returns the generated module of the
    schemas' namespace (``mod.Transaction``); schemas of several namespaces give the
    root package, whose submodules are imported (``mod.example.sales.Transaction``).
    Each call makes a new private package (``_schemagen_load_<n>``), so loads never
    clash.  ``include_dirs``: Thrift include folders / protoc import paths;
    ``sql_dialect``: the dialect of ``.sql`` files without a ``-- dialect:`` line.
    """
    return load_schemas(paths, include_dirs=include_dirs, sql_dialect=sql_dialect).module
