"""Test helpers: compile schemas into importable packages, and derive values,
hypothesis strategies and expected Arrow values from the IR of a generated
record (its embedded ``schemagen.schema``).

The expectations here are written independently of the runtime's converters:
they follow DESIGN.md's mapping rules (unions are structs of ``member0..N``,
maps are lists of key/value pairs, Interval is 12 little-endian bytes ...).
"""

from __future__ import annotations

import datetime
import decimal
import enum
import importlib
import json
import os
import struct
import subprocess
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

import schemagen
from schemagen import ir
from schemagen.codegen import compiler

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
CORPUS = REPO.parent / "shared" / "corpus"
UTC = datetime.UTC


# --------------------------------------------------------------------------- packages


def write_schema_files(folder: Path, schemas: Mapping[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in schemas.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


@dataclass
class GenPackage:
    """A compiled and importable generated package."""

    name: str
    root: Path  # the folder put on sys.path
    sources: list[Path]
    _modules: list[ModuleType] | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        return self.root / self.name

    def files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.path).as_posix(): p.read_bytes()
            for p in sorted(self.path.rglob("*.py"))
            if "__pycache__" not in p.parts
        }

    def module(self, rel: str = "") -> ModuleType:
        """``module("example.sales")`` imports ``<pkg>.example.sales``."""
        return importlib.import_module(f"{self.name}.{rel}" if rel else self.name)

    def modules(self) -> list[ModuleType]:
        if self._modules is None:
            mods = []
            for rel in self.files():
                parts = rel[: -len(".py")].split("/")
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                mods.append(self.module(".".join(parts)))
            self._modules = mods
        return self._modules

    def records(self) -> dict[str, type]:
        """Generated record classes by full schema name."""
        out: dict[str, type] = {}
        for m in self.modules():
            for name in getattr(m, "__all__", ()):
                obj = getattr(m, name)
                info = getattr(obj, "__schemagen__", None)
                if isinstance(obj, type) and info is not None:
                    out[info.name] = obj
        return out

    def record(self, full_name: str) -> type:
        return self.records()[full_name]

    def enum_class(self, full_name: str, symbols: Sequence[str]) -> type[enum.Enum]:
        short = full_name.rpartition(".")[2]
        found = []
        for m in self.modules():
            for name in getattr(m, "__all__", ()):
                obj = getattr(m, name)
                if (
                    isinstance(obj, type)
                    and issubclass(obj, enum.Enum)
                    and [e.value for e in obj] == list(symbols)
                ):
                    found.append(obj)
        exact = [c for c in found if c.__name__.rstrip("_") == short]
        return (exact or found)[0]


def build_package(sources: Sequence[Path], root: Path, name: str | None = None,
                  include_dirs: Sequence[Path] = ()) -> GenPackage:
    """Compile ``sources`` into ``root/<name>`` (a fresh ``gen_<hex>`` by default);
    ``include_dirs`` are searched for Thrift includes."""
    root.mkdir(parents=True, exist_ok=True)
    name = name or f"gen_{uuid.uuid4().hex[:12]}"
    rendered = compiler.render(list(sources), root / name, include_dirs=include_dirs)
    compiler.write(rendered, root / name)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    return GenPackage(name, root, list(sources))


def purge(pkg: GenPackage) -> None:
    """Forget an imported generated package (sys.modules and sys.path)."""
    for name in list(sys.modules):
        if name == pkg.name or name.startswith(pkg.name + "."):
            del sys.modules[name]
    while str(pkg.root) in sys.path:
        sys.path.remove(str(pkg.root))


def run_mypy(pkg_dir: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MYPYPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--cache-dir", str(cache), "--no-error-summary", "--hide-error-context",
         str(pkg_dir)],
        cwd=pkg_dir.parent, env=env, capture_output=True, text=True, timeout=300,
    )


def run_ruff(pkg_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache",
         "--config", str(REPO / "pyproject.toml"), str(pkg_dir)],
        cwd=pkg_dir.parent, capture_output=True, text=True, timeout=120,
    )


def run_ruff_defaults(pkg_dir: Path) -> subprocess.CompletedProcess[str]:
    """ruff with its own defaults (no project config), plus every PIE and RUF rule: what a
    user's CI runs on generated code it vendors."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated",
         "--extend-select", "PIE,RUF", "--output-format", "concise", str(pkg_dir)],
        cwd=pkg_dir.parent, capture_output=True, text=True, timeout=120,
    )


# --------------------------------------------------------------------------- IR access


def ir_of(cls: type) -> tuple[ir.Record, dict[str, ir.Named]]:
    """The IR record a generated class was made from, and every type it reaches."""
    info = cls.__schemagen__  # type: ignore[attr-defined]
    root, types = ir.schema_from_json(info.schema_json)
    rec = types[root]
    assert isinstance(rec, ir.Record)
    return rec, types


def is_recursive(cls: type) -> bool:
    rec, types = ir_of(cls)
    return any(
        isinstance(types[n], ir.Record) and ir.find_cycle(types, n)
        for n in ir.closure(types, rec.name)
    )


# --------------------------------------------------------------------------- strategies

_TS_RANGE = {
    # nanosecond timestamps hold 1677-09-21 .. 2262-04-11
    "ns": (datetime.datetime(1678, 1, 1), datetime.datetime(2262, 1, 1)),
    "us": (datetime.datetime(1, 1, 2), datetime.datetime(9999, 12, 30)),
    "ms": (datetime.datetime(1, 1, 2), datetime.datetime(9999, 12, 30)),
    "s": (datetime.datetime(1, 1, 2), datetime.datetime(9999, 12, 30)),
}
_OFFSETS = [UTC, datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
            datetime.timezone(-datetime.timedelta(hours=8))]


def _truncate(unit: str) -> Any:
    div = {"s": 1_000_000, "ms": 1000, "us": 1, "ns": 1}[unit]
    return lambda v: v.replace(microsecond=v.microsecond // div * div)


class Strategies:
    """Hypothesis strategies for values of IR types of one generated package."""

    def __init__(self, pkg: GenPackage, types: Mapping[str, ir.Named],
                 max_size: int = 3) -> None:
        self.pkg = pkg
        self.types = types
        self.max_size = max_size
        self.classes = pkg.records()

    def record(self, name: str) -> st.SearchStrategy[Any]:
        rec = self.types[name]
        assert isinstance(rec, ir.Record)
        cls = self.classes[name]
        if rec.kind == "union":  # at most one member set
            return st.one_of(
                st.builds(cls),
                *(st.builds(cls, **{f.py_name or f.name: self.of(ir.strip_nullable(f.type)[0])})
                  for f in rec.fields),
            )
        return st.builds(cls, **{f.py_name or f.name: self.of(f.type) for f in rec.fields})

    def of(self, t: ir.Type) -> st.SearchStrategy[Any]:  # noqa: C901
        n = self.max_size
        if isinstance(t, ir.Nullable):
            return st.none() | self.of(t.inner)
        if isinstance(t, ir.Null):
            return st.none()
        if isinstance(t, ir.Bool):
            return st.booleans()
        if isinstance(t, ir.Int):
            if t.signed:
                return st.integers(-(1 << (t.bits - 1)), (1 << (t.bits - 1)) - 1)
            return st.integers(0, (1 << t.bits) - 1)
        if isinstance(t, ir.Float):
            return st.floats(width=t.bits, allow_nan=False, allow_infinity=False)
        if isinstance(t, ir.String):
            return st.text(max_size=12)
        if isinstance(t, ir.Bytes):
            return st.binary(max_size=12)
        if isinstance(t, ir.Fixed):
            return st.binary(min_size=t.size, max_size=t.size)
        if isinstance(t, ir.Decimal):
            top = 10 ** t.precision - 1
            return st.integers(-top, top).map(lambda i, s=t.scale: decimal.Decimal(f"{i}E-{s}"))
        if isinstance(t, ir.Date):
            return st.dates()
        if isinstance(t, ir.Time):
            return st.times().map(_truncate(t.unit))
        if isinstance(t, ir.Timestamp):
            lo, hi = _TS_RANGE[t.unit]
            if t.utc:
                lo, hi = lo + datetime.timedelta(days=1), hi - datetime.timedelta(days=1)
                return st.datetimes(lo, hi, timezones=st.sampled_from(_OFFSETS)).map(
                    _truncate(t.unit))
            return st.datetimes(lo, hi).map(_truncate(t.unit))
        if isinstance(t, ir.Duration):
            return st.timedeltas(min_value=datetime.timedelta(days=-10**5),
                                 max_value=datetime.timedelta(days=10**5))
        if isinstance(t, ir.Interval):
            u32 = st.integers(0, 2**32 - 1)
            return st.builds(schemagen.Interval, u32, u32, u32)
        if isinstance(t, ir.Uuid):
            return st.uuids()
        if isinstance(t, ir.Json):
            return st.none() | st.integers() | st.text(max_size=5)
        if isinstance(t, ir.EnumRef):
            e = self.types[t.name]
            assert isinstance(e, ir.Enum)
            return st.sampled_from(list(self.pkg.enum_class(t.name, e.symbols)))
        if isinstance(t, ir.RecordRef):
            return st.deferred(lambda name=t.name: self.record(name))
        if isinstance(t, ir.List) and ir.is_frozenset(t):
            return st.frozensets(self.of(t.item), max_size=n)
        if isinstance(t, ir.List):
            return st.lists(self.of(t.item), max_size=n)
        if isinstance(t, ir.Map) and ir.has_pair_list(t):
            return st.lists(st.tuples(self.of(t.key), self.of(t.value)), max_size=n,
                            unique_by=lambda kv: repr(kv[0]))
        if isinstance(t, ir.Map):
            return st.dictionaries(self.of(t.key), self.of(t.value), max_size=n)
        if isinstance(t, ir.Union_):
            return st.one_of([self.of(m) for m in t.members])
        raise TypeError(f"no strategy for {t!r}")


# --------------------------------------------------------------------------- expectations


def union_member(t: ir.Union_, v: Any, types: Mapping[str, ir.Named],
                 classes: Mapping[str, type]) -> int:
    """Which member of union ``t`` value ``v`` is written as (the first that accepts it)."""
    for i, m in enumerate(t.members):
        if accepts(m, v, types, classes):
            return i
    raise AssertionError(f"{v!r} matches no member of {t}")


def accepts(t: ir.Type, v: Any, types: Mapping[str, ir.Named],  # noqa: C901
            classes: Mapping[str, type]) -> bool:
    inner, _ = ir.strip_nullable(t)
    if isinstance(inner, ir.Bool):
        return isinstance(v, bool)
    if isinstance(inner, ir.Int):
        return isinstance(v, int) and not isinstance(v, bool)
    if isinstance(inner, ir.Float):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if isinstance(inner, ir.String):
        return isinstance(v, str) and not isinstance(v, enum.Enum)
    if isinstance(inner, (ir.Bytes, ir.Fixed)):
        return isinstance(v, bytes)
    if isinstance(inner, ir.Decimal):
        return isinstance(v, decimal.Decimal)
    if isinstance(inner, ir.Date):
        return isinstance(v, datetime.date) and not isinstance(v, datetime.datetime)
    if isinstance(inner, ir.Time):
        return isinstance(v, datetime.time)
    if isinstance(inner, ir.Timestamp):
        return isinstance(v, datetime.datetime)
    if isinstance(inner, ir.Duration):
        return isinstance(v, datetime.timedelta)
    if isinstance(inner, ir.Interval):
        return isinstance(v, schemagen.Interval)
    if isinstance(inner, ir.Uuid):
        return isinstance(v, uuid.UUID)
    if isinstance(inner, ir.List):
        return isinstance(v, list)
    if isinstance(inner, ir.Map):
        return isinstance(v, dict)
    if isinstance(inner, ir.EnumRef):
        return isinstance(v, enum.Enum)
    if isinstance(inner, ir.RecordRef):
        return isinstance(v, classes[inner.name])
    return False


_INTERVAL = struct.Struct("<III")


def arrow_expected(v: Any, t: ir.Type, types: Mapping[str, ir.Named],  # noqa: C901
                   classes: Mapping[str, type]) -> Any:
    """What ``pyarrow.Table.to_pylist()`` should give for value ``v`` of IR type ``t``."""

    def ae(x: Any, tt: ir.Type) -> Any:
        return arrow_expected(x, tt, types, classes)

    if isinstance(t, ir.Nullable):
        return None if v is None else ae(v, t.inner)
    if v is None:
        return None
    if isinstance(t, ir.EnumRef):
        return v.value if isinstance(v, enum.Enum) else v
    if isinstance(t, ir.Interval):
        return _INTERVAL.pack(v.months, v.days, v.milliseconds)
    if isinstance(t, ir.Json):
        import json

        return json.dumps(v, sort_keys=True, separators=(",", ":"))
    if isinstance(t, ir.RecordRef):
        rec = types[t.name]
        assert isinstance(rec, ir.Record)
        return {f.name: ae(getattr(v, f.py_name or f.name), f.type) for f in rec.fields}
    if isinstance(t, ir.List):
        return [ae(x, t.item) for x in v]  # a frozenset is written in iteration order
    if isinstance(t, ir.Map) and ir.has_pair_list(t):
        return [(ae(k, t.key), ae(x, t.value)) for k, x in v]
    if isinstance(t, ir.Map):
        return [(ae(k, t.key), ae(x, t.value)) for k, x in v.items()]
    if isinstance(t, ir.Union_):
        chosen = union_member(t, v, types, classes)
        return {f"member{i}": ae(v, m) if i == chosen else None
                for i, m in enumerate(t.members)}
    if isinstance(t, ir.Float) and isinstance(v, int):
        return float(v)
    return v


def record_arrow_expected(rec_obj: Any) -> dict[str, Any]:
    cls = type(rec_obj)
    rec, types = ir_of(cls)
    classes = _classes_for(cls)
    return arrow_expected(rec_obj, ir.RecordRef(rec.name), types, classes)  # type: ignore[no-any-return]


def _classes_for(cls: type) -> dict[str, type]:
    """Record classes by full name in the generated package ``cls`` belongs to."""
    pkg_name = cls.__module__.split(".")[0]
    top = importlib.import_module(pkg_name)
    assert top.__file__ is not None
    base = Path(top.__file__).parent
    pkg = GenPackage(pkg_name, base.parent, [])
    return pkg.records()


def record_schema(namespace: str, fields: list[dict[str, Any]], name: str = "R",
                  **extra: Any) -> str:
    """The text of an Avro record schema (``extra``: more top-level keys, e.g. ``doc``)."""
    return json.dumps({"type": "record", "name": name, "namespace": namespace,
                       "fields": fields, **extra})


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (generated ``__pycache__`` aside) with its bytes."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}
