"""The check engine: load versions, run every rule family, apply the mode and ignores.

A version is an :class:`ir.Schema` loaded from schema files (the working tree, a
folder, the files at a git ref) or from a snapshot file.  Types are split by source
format (the file suffix) and each format's rule module compares old and new; the
Parquet readability rule runs for every format, and records that disappeared are
reported here (``RECORD_NO_DELETE``).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import importlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemagen import ir
from schemagen.errors import SchemagenError, UsageError

from . import rules
from .model import (
    BACKWARD,
    MODES,
    Direction,
    Finding,
    direction_text,
    is_transitive,
    loc_of,
    mode_directions,
)

# the rules the engine itself reports (category SCHEMA)
ENGINE_RULES: tuple[str, ...] = tuple(rules.of("engine"))

# source format -> rule module in this package (Parquet readability runs for all)
RULE_MODULES: dict[str, str] = {
    c: c for c in rules.CHECKS if c not in ("parquet", "engine")
}


@dataclass(frozen=True)
class Version:
    """One version of the schemas: ``label`` says where it came from (``HEAD~1``, ...)."""

    label: str
    schema: ir.Schema


@dataclass(frozen=True)
class Ignore:
    """``{rule = "...", path = "..."}``: a rule ID or category, and an element path
    (the path itself or anything under it; ``*`` globs allowed).  Either may be omitted."""

    rule: str | None = None
    path: str | None = None
    reason: str | None = None

    def matches(self, f: Finding) -> bool:
        if self.rule is not None and self.rule not in (f.rule, f.category):
            return False
        if self.path is None:
            return True
        p = self.path
        # "*" and "?" are globs; "[" and "]" are literal (list items: "x[]")
        glob = "".join({"[": "[[]", "]": "[]]"}.get(c, c) for c in p)
        if f.path == p or fnmatch.fnmatchcase(f.path, glob):
            return True
        return any(f.path.startswith(p + sep) for sep in (".", "[", "{"))


@dataclass
class Result:
    mode: str
    baseline: str
    versions: list[str]
    findings: list[Finding] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)

    @property
    def directions(self) -> frozenset[Direction]:
        return mode_directions(self.mode)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.fails(self.directions)]

    @property
    def ok(self) -> bool:
        return not self.failures


# --------------------------------------------------------------------------- loading


def format_of(file: str) -> str | None:
    from schemagen.frontends import EXTENSIONS

    return EXTENSIONS.get(Path(file).suffix)


def load_files(paths: Sequence[str | Path], include_dirs: Sequence[str | Path] = (),
               sql_dialect: str | None = None,
               on_warning: Callable[[str], None] | None = None) -> ir.Schema:
    """Load the schema files under ``paths`` (an empty schema when there are none)."""
    from schemagen import frontends

    files = frontends.find_schema_files(paths, include_dirs)
    if not files:
        return ir.Schema({}, {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        schema = frontends.load(files, sql_dialect, include_dirs=include_dirs,
                                roots=frontends.schema_roots(paths, include_dirs))
    if on_warning is not None:
        for w in caught:
            on_warning(str(w.message))
    return schema


def relocate(schema: ir.Schema, fix: Callable[[str], str]) -> ir.Schema:
    """The same schema with every source file name passed through ``fix``."""

    def loc(x: ir.SourceLocation | None) -> ir.SourceLocation | None:
        return None if x is None else dataclasses.replace(x, file=fix(x.file))

    types: dict[str, ir.Named] = {}
    for name, t in schema.types.items():
        if isinstance(t, ir.Record):
            fields = tuple(dataclasses.replace(f, location=loc(f.location)) for f in t.fields)
            types[name] = dataclasses.replace(t, fields=fields, location=loc(t.location))
        else:
            types[name] = dataclasses.replace(t, location=loc(t.location))
    sources = {k: fix(v) if v else v for k, v in schema.sources.items()}
    return ir.Schema(types, sources, dict(schema.constants))


def split_formats(schema: ir.Schema) -> dict[str, ir.Schema]:
    """One schema per source format (types whose file has that format's suffix)."""
    out: dict[str, ir.Schema] = {}
    for name, t in schema.types.items():
        src = schema.sources.get(name) or (t.location.file if t.location else "")
        kind = format_of(src) or "unknown"
        part = out.setdefault(kind, ir.Schema({}, {}))
        part.types[name] = t
        part.sources[name] = src
    return out


# --------------------------------------------------------------------------- rules


def _rule_module(kind: str) -> Any:
    return importlib.import_module(f"{__package__}.formats.{RULE_MODULES[kind]}")


def _removed_records(old: ir.Schema, new: ir.Schema) -> list[Finding]:
    aliases = {a for t in new.types.values() if isinstance(t, ir.Record) for a in t.aliases}
    out: list[Finding] = []
    for name, t in old.types.items():
        if not isinstance(t, ir.Record) or name in new.types or name in aliases:
            continue
        if name.startswith("google.protobuf."):
            continue  # a well-known type no longer imported: protobuf's, not the project's
        file, line = loc_of(t)
        rule = rules.RULES["RECORD_NO_DELETE"]
        out.append(Finding(
            rule.id, rule.category, rule.severity, BACKWARD, name,
            f"{direction_text(BACKWARD)}: {t.kind} {name} was removed (or renamed without an "
            "alias): files and messages written with it have no reader in the new schema",
            old=name, new=None, file=file or old.sources.get(name) or None, line=line,
        ))
    return out


def compare(old: ir.Schema, new: ir.Schema) -> list[Finding]:
    """Every finding between two versions, all formats, both directions."""
    from schemagen.evolution.formats import parquet

    olds, news = split_formats(old), split_formats(new)
    findings: list[Finding] = []
    for kind in sorted(set(olds) | set(news)):
        o = olds.get(kind, ir.Schema({}, {}))
        n = news.get(kind, ir.Schema({}, {}))
        if kind in RULE_MODULES:
            try:
                module = _rule_module(kind)
            except ModuleNotFoundError as exc:
                if exc.name != f"{__package__}.formats.{RULE_MODULES[kind]}":
                    raise
                rule = rules.RULES["RULES_NOT_AVAILABLE"]
                findings.append(Finding(
                    rule.id, rule.category, rule.severity, frozenset(), kind,
                    f"no {kind} rule module in this installation: {kind} schemas were checked "
                    "for Parquet readability and removed records only"))
            else:
                findings.extend(module.check(o, n))
        findings.extend(parquet.check(o, n))
        findings.extend(_removed_records(o, n))
    return findings


def run(new: ir.Schema, history: Sequence[Version], mode: str,
        ignores: Sequence[Ignore] = (), baseline: str = "") -> Result:
    """Check ``new`` against the baseline ``history`` (oldest first) under ``mode``."""
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r} (expected one of: {', '.join(MODES)})")
    if not history:
        raise UsageError(f"the baseline {baseline!r} holds no version to check against")
    against = list(history) if is_transitive(mode) else [history[-1]]
    result = Result(mode, baseline, [v.label for v in against])
    for version in against:
        for f in compare(version.schema, new):
            f = dataclasses.replace(f, against=version.label)
            if any(i.matches(f) for i in ignores):
                result.ignored.append(f)
            else:
                result.findings.append(f)
    key: Callable[[Finding], tuple[Any, ...]] = lambda f: (  # noqa: E731
        f.file or "", f.line or 0, f.path, f.rule, f.against or "")
    result.findings.sort(key=key)
    result.ignored.sort(key=key)
    return result


def wrap_baseline_error(label: str, exc: SchemagenError) -> UsageError:
    return UsageError(f"baseline {label}: {exc}")
