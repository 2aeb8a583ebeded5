"""Compile schema files and import the generated modules in memory.

``schemagen.load(path)`` renders the modules ``schemagen compile`` would write and
imports them through a meta-path finder over the rendered text: nothing is written
to disk and ``sys.path`` is not touched.  The modules are registered under one root
package: ``package=`` names it (``schemagen.load("schemas/", package="generated")``
gives ``generated.example.sales``, the names ``schemagen compile`` would give), else it
is private, ``_schemagen_load_<content hash>``; either way they are importable by name
(``import``, ``pickle``) once loaded.

Loads are cached by content: the same schema files (path and bytes), the same files
they include or import, and the same options give the same module objects; a changed
byte gives a fresh compile (under a new private package, or replacing the modules of
an explicit ``package``).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import keyword
import os
import sys
import threading
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeAlias

from schemagen import frontends, ir
from schemagen.codegen.render import Compiler
from schemagen.errors import UsageError


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


_PathLike: TypeAlias = "str | os.PathLike[str]"


@dataclass
class _Entry:
    """One cached load: what it made and the bytes it was made from (every file the
    front ends read, by resolved path -> sha256; None for a file that is not there)."""

    loaded: Loaded
    files: dict[str, str | None] = field(default_factory=dict)

    def current(self) -> bool:
        return all(_digest(Path(f)) == h for f, h in self.files.items())


_CACHE: dict[str, list[_Entry]] = {}  # key of the given files + options -> loads
_BY_PACKAGE: dict[str, _Entry] = {}  # root package -> the load registered under it


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _as_list(paths: _PathLike | Iterable[_PathLike], what: str) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    try:
        out = [os.fspath(p) for p in paths]
    except TypeError:
        raise UsageError(f"{what}: expected a path or a list of paths, got "
                         f"{type(paths).__name__} {paths!r:.200}") from None
    return out


def _check_package(package: str) -> None:
    """A root package name that is a plain identifier and names nothing else importable."""
    if not isinstance(package, str) or not package.isidentifier() or keyword.iskeyword(package):
        raise UsageError(f"schemagen.load: package must be a Python identifier (no dots, "
                         f"not a keyword), got {package!r:.200}")
    if package in _BY_PACKAGE:
        return  # an earlier load's: replaced when the content differs
    mod = sys.modules.get(package)
    try:
        spec = mod.__spec__ if mod is not None else importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if mod is not None or spec is not None:
        where = getattr(spec, "origin", None) or "an imported module"
        raise UsageError(f"schemagen.load: package {package!r} would shadow the module of "
                         f"that name ({where}); choose another package name")


def load_schemas(paths: _PathLike | Sequence[_PathLike], *,
                 include: _PathLike | Sequence[_PathLike] = (),
                 sql_dialect: str | None = None, package: str | None = None) -> Loaded:
    """Compile the schema files under ``paths`` (files or folders) and import the
    generated modules in memory (cached by content, see the module docstring).  Raises
    :class:`~schemagen.errors.SchemaError` for an invalid schema and
    :class:`~schemagen.errors.UsageError` when no schema file is found."""
    names = _as_list(paths, "schemagen.load")
    incs = [os.path.abspath(d) for d in _as_list(include, "schemagen.load: include")]
    if sql_dialect is not None:
        from schemagen.sql import registry

        registry.dialect(sql_dialect)
    if package is not None:
        _check_package(package)
    files = frontends.find_schema_files(names, incs)
    if not files:
        raise UsageError(f"no schema files found under {', '.join(names)}")
    given = {str(f.resolve()): _digest(f) for f in files}
    key = hashlib.sha256(repr((sorted(given.items()), incs, sql_dialect, package))
                         .encode()).hexdigest()
    with _lock:
        for entry in _CACHE.get(key, []):
            if entry.current() and (package is None or _BY_PACKAGE.get(package) is entry):
                return entry.loaded
        schema = frontends.load(files, sql_dialect, incs, frontends.schema_roots(names, incs))
        read = dict(given)
        for src in [*schema.sources.values(),
                    *(c.location.file for c in schema.constants.values() if c.location)]:
            if src and str(Path(src).resolve()) not in read:
                read[str(Path(src).resolve())] = _digest(Path(src))
        content = hashlib.sha256(repr((key, sorted(read.items()))).encode()).hexdigest()
        entry = _Entry(_import(schema, package or f"_schemagen_load_{content[:20]}"), read)
        _CACHE.setdefault(key, []).append(entry)
        _BY_PACKAGE[entry.loaded.package] = entry
        return entry.loaded


def load_ir(schema: ir.Schema, digest: str) -> Loaded:
    """Compile an IR schema (one read from a Parquet footer, say) and import the generated
    modules in memory, under the private package ``_schemagen_ir_<digest>`` (``digest``:
    a content hash of what the schema was read from; the same one replaces its load)."""
    with _lock:
        return _import(schema, f"_schemagen_ir_{digest[:20]}")


def _import(schema: ir.Schema, package: str) -> Loaded:
    """Render ``schema`` as the package ``package`` and import every module of it (an
    earlier load's modules under that name are dropped first)."""
    old = _BY_PACKAGE.pop(package, None)
    if old is not None:
        for entries in _CACHE.values():
            if old in entries:
                entries.remove(old)
        for name in [n for n in _FINDER.sources if n == package or n.startswith(package + ".")]:
            del _FINDER.sources[name]
            sys.modules.pop(name, None)
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


def load(paths: _PathLike | Sequence[_PathLike], *,
         include: _PathLike | Sequence[_PathLike] = (), sql_dialect: str | None = None,
         package: str | None = None,
         include_dirs: _PathLike | Sequence[_PathLike] | None = None) -> ModuleType:
    """Compile schema files and import the generated code in memory; no file is written
    and ``sys.path`` is not changed.

    ``mod = schemagen.load("schemas/sales.avsc")`` returns the generated module of the
    schemas' namespace (``mod.Transaction``); schemas of several namespaces give the
    root package, whose submodules are imported (``mod.example.sales.Transaction``).

    ``include``: Thrift include folders / protoc import paths (a path or a list);
    ``sql_dialect``: the dialect of ``.sql`` files without a ``-- dialect:`` line;
    ``package``: the root package the modules are importable under (an identifier that
    names no other module; default: a private ``_schemagen_load_<content hash>``).

    Cached by content: the same files (path and bytes, includes and imports too) and
    options return the same module objects; any changed byte compiles afresh.
    ``include_dirs`` is the deprecated name of ``include``.
    """
    if include_dirs is not None:
        if include:
            raise UsageError("schemagen.load: give include= only (include_dirs= is its "
                             "deprecated name)")
        warnings.warn("schemagen.load(include_dirs=...) is deprecated: use include=",
                      DeprecationWarning, stacklevel=2)
        include = include_dirs
    return load_schemas(paths, include=include, sql_dialect=sql_dialect,
                        package=package).module


Portable: TypeAlias = tuple[str, str, dict[str, tuple[str, bool]]]


def portable(cls: type) -> Portable:
    """What another process needs to import the generated class ``cls``: its module, its
    qualified name, and the rendered sources of its package when it was loaded in memory
    (``{}`` for a package imported from files, which must be importable there too)."""
    root = cls.__module__.split(".")[0]
    with _lock:
        sources = {n: v for n, v in _FINDER.sources.items()
                   if n == root or n.startswith(root + ".")}
    return cls.__module__, cls.__qualname__, sources


def from_portable(where: Portable) -> type:
    """The class :func:`portable` described, imported in this process (the sources it
    carries registered with this process's in-memory finder first)."""
    modname, qualname, sources = where
    if sources:
        with _lock:
            finder = _finder()
            for name, entry in sources.items():
                if finder.sources.get(name, entry) != entry:  # another load of that name
                    sys.modules.pop(name, None)
                finder.sources[name] = entry
    cls: type = getattr(importlib.import_module(modname), qualname)
    return cls
