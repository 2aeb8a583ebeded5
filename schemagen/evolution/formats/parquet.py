"""Parquet readability (category ``PARQUET``, every format).

Can the generated reader of one version read the Parquet files the other version
wrote?  The answer comes from the runtime itself,
:func:`schemagen.runtime.resolve.readability_problems` (columns matched by field id,
else name/alias; the promotions the runtime performs; required vs optional; missing
fields need a default), so ``schemagen check`` and ``schemagen.read`` agree:

* backward: reader = the new record, writer = the old one;
* forward: reader = the old record, writer = the new one.

Records are matched by full name, else by an alias of the new record (an Avro rename); a
record that only appears nested inside another record present in both versions is checked
through that one (reported once).
"""

from __future__ import annotations

import functools
from typing import Any

from schemagen import ir
from schemagen.evolution.model import (
    Direction,
    Finding,
    direction_text,
    loc_of,
)

CATEGORY = "PARQUET"
RULE = "PARQUET_UNREADABLE"


def _checked_records(old: ir.Schema, new: ir.Schema) -> list[tuple[str, str]]:
    """``(new name, old name)`` of the records in both versions (by full name, else by an
    alias of the new record naming the old one, an Avro rename), those no other common
    record references first (a problem inside a nested record is then reported once,
    under the outermost record)."""
    pairs: list[tuple[str, str]] = []
    for n, t in new.types.items():
        if not isinstance(t, ir.Record):
            continue
        if isinstance(old.types.get(n), ir.Record):
            pairs.append((n, n))
            continue
        alias = next((a for a in t.aliases if a not in new.types
                      and isinstance(old.types.get(a), ir.Record)), None)
        if alias is not None:
            pairs.append((n, alias))
    inner: set[str] = set()
    for new_name, old_name in pairs:
        for schema, name in ((old, old_name), (new, new_name)):
            rec = schema.types[name]
            assert isinstance(rec, ir.Record)
            for f in rec.fields:
                inner |= ir.referenced_names(f.type) - {name}
    return ([p for p in pairs if not inner & set(p)] + [p for p in pairs if inner & set(p)])


def _field_site(types: dict[str, ir.Named], root: str,
                path: str) -> tuple[ir.Field | None, str, str]:
    """The IR field at a reader path (``a.b[].c``), for its file:line (None if not found),
    with the record defining it and the path from that record (``c``, or more when the
    path goes on below the last field found): the same field reached through several
    parents has the same site."""
    rec = types.get(root)
    node: ir.Field | None = None
    owner, parts = root, path.split(".")
    for i, part in enumerate(parts):
        name = part.split("[")[0].split("{")[0]
        if not isinstance(rec, ir.Record):
            break
        found = next((f for f in rec.fields if f.name == name or f.py_name == name), None)
        if found is None:
            break
        node, owner, rest = found, rec.name, ".".join(parts[i:])
        refs = sorted(ir.referenced_names(found.type))
        rec = types.get(refs[0]) if len(refs) == 1 else None
    if node is None:
        return None, root, path
    return node, owner, rest


_Closure = tuple[ir.Named, ...]


def _closure(types: dict[str, ir.Named], root: str) -> _Closure:
    return tuple(types[n] for n in ir.closure(types, root) if n in types)


@functools.lru_cache(maxsize=4096)
def _problems(reader: _Closure, writer: _Closure) -> list[Any]:
    """The runtime's answer for a reader/writer pair of record closures (memoised: a
    transitive check compares the same unchanged records against every version)."""
    from schemagen.runtime.resolve import readability_problems

    return readability_problems(reader=(reader[0].name, {t.name: t for t in reader}),
                                writer=(writer[0].name, {t.name: t for t in writer}))


def check(old: ir.Schema, new: ir.Schema) -> list[Finding]:
    """Readability problems of every record present in both versions, both directions."""
    out: list[Finding] = []
    reported: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    for name, old_name in _checked_records(old, new):
        sides: dict[str, dict[Direction, tuple[str | None, str | None, str]]] = {}
        runs: tuple[tuple[Direction, tuple[str, ir.Schema], tuple[str, ir.Schema]], ...] = (
            ("backward", (name, new), (old_name, old)), ("forward", (old_name, old), (name, new)))
        for direction, (rname, reader), (wname, writer) in runs:
            problems = _problems(_closure(reader.types, rname), _closure(writer.types, wname))
            for p in problems:
                # (old side, new side, reason); the same field failing both ways is one finding
                old_new = (p.writer, p.reader) if direction == "backward" else (p.reader, p.writer)
                sides.setdefault(p.path, {})[direction] = (*old_new, p.reason)
        for path, by_dir in sides.items():
            breaks = frozenset(by_dir)
            first = next(iter(by_dir.values()))
            node, owner, rest = _field_site(new.types, name, path)
            if node is None:
                node, owner, rest = _field_site(old.types, old_name, path)
            file, line = loc_of(node)
            if file is None:
                file, line = loc_of(new.types[name])
            # the same field (of a nested record) with the same reasons, reached from another
            # record or another field of the same type: reported once
            key = (owner, rest, tuple((d, v[2]) for d, v in sorted(by_dir.items())))
            if key in reported:
                continue
            reported.add(key)
            message = "; ".join(f"{direction_text(frozenset({d}))}: {path}: {v[2]}"
                                for d, v in by_dir.items())
            out.append(Finding(RULE, CATEGORY, "error", breaks, f"{name}.{path}" if path else name,
                               message, old=first[0], new=first[1], file=file, line=line))
    return out
