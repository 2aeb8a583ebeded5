"""Avro rules: Apache Avro's ``SchemaCompatibility`` on the IR of ``.avsc``/``.avpr`` records.

The reader/writer check follows Java's ``org.apache.avro.SchemaCompatibility``
(and its Python port ``avro.compatibility``) branch by branch:

* same Avro type: primitives match; arrays/maps recurse into items/values;
  fixed: names (``NAME_MISMATCH``) and sizes (``FIXED_SIZE_MISMATCH``); enums:
  names and the writer's symbols missing from the reader (``MISSING_ENUM_SYMBOLS``,
  unless the reader enum has a default); records: names, then every reader field
  found in the writer by name or by one of the reader field's aliases, else it
  needs a default (``READER_FIELD_MISSING_DEFAULT_VALUE``); unions: every writer
  branch must be readable by the reader union (``MISSING_UNION_BRANCH``);
* a writer union: every branch must be readable by the reader;
* promotions: int -> long -> float -> double, string <-> bytes; anything else is a
  ``TYPE_MISMATCH``; a reader union reads a writer type when one of its branches does.

Names compare the unqualified name, or the writer's full name among the reader's
aliases (as Java's ``schemaNameEquals``).  Logical types are ignored, as in
``SchemaCompatibility`` (it compares the underlying types), so a decimal's
precision/scale change is reported by the Parquet readability rule instead.  The IR
keeps no name for a ``fixed`` type, so fixed types are compared by size only.

Both directions are computed: backward = reader new / writer old, forward = reader
old / writer new.  A finding found in both directions is reported once with both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import assert_never

from schemagen import ir
from schemagen.evolution import rules
from schemagen.evolution.model import (
    BACKWARD,
    FORWARD,
    Direction,
    Finding,
    direction_text,
    loc_of,
)

CATEGORY = "AVRO"
RULES: tuple[str, ...] = tuple(rules.of("avro"))  # declared in evolution/rules.py

# IR type -> Avro schema type (the underlying type of logical types)
_PROMOTIONS: dict[str, frozenset[str]] = {   # reader type -> writer types it can read
    "long": frozenset({"int"}),
    "float": frozenset({"int", "long"}),
    "double": frozenset({"int", "long", "float"}),
    "bytes": frozenset({"string"}),
    "string": frozenset({"bytes"}),
}


def avro_type(t: ir.Type) -> str:
    """The Avro schema type an IR type came from (logical types: their underlying type)."""
    match t:
        case ir.Nullable() | ir.Union_():
            return "union"
        case ir.Null():
            return "null"
        case ir.Bool():
            return "boolean"
        case ir.Int(bits=bits):
            return "long" if bits == 64 else "int"
        case ir.Float(bits=bits):
            return "double" if bits == 64 else "float"
        case ir.String() | ir.Uuid() | ir.Json():
            return "string"
        case ir.Bytes():
            return "bytes"
        case ir.Decimal(byte_size=size):
            return "bytes" if size is None else "fixed"
        case ir.Fixed() | ir.Interval():
            return "fixed"
        case ir.Date():
            return "int"
        case ir.Time(unit=unit):
            return "int" if unit in ("s", "ms") else "long"
        case ir.Timestamp() | ir.Duration():
            return "long"
        case ir.EnumRef():
            return "enum"
        case ir.RecordRef():
            return "record"
        case ir.List():
            return "array"
        case ir.Map():
            return "map"
        case _:
            assert_never(t)


@functools.lru_cache(maxsize=4096)
def _has_refs(t: ir.Type) -> bool:
    return bool(ir.referenced_names(t))


def fixed_size(t: ir.Type) -> int:
    if isinstance(t, ir.Fixed):
        return t.size
    if isinstance(t, ir.Interval):
        return 12
    assert isinstance(t, ir.Decimal) and t.byte_size is not None
    return t.byte_size


def branches(t: ir.Type) -> list[ir.Type]:
    """The branches of an Avro union (``null`` first when nullable)."""
    if isinstance(t, ir.Nullable):
        inner = t.inner
        return [ir.Null(), *(inner.members if isinstance(inner, ir.Union_) else (inner,))]
    assert isinstance(t, ir.Union_)
    return list(t.members)


def describe(t: ir.Type) -> str:
    """Avro-like text of an IR type (``long``, ``array<string>``, ``union [null, int]``)."""
    if isinstance(t, ir.Nullable | ir.Union_):
        return "union [" + ", ".join(describe(b) for b in branches(t)) + "]"
    if isinstance(t, ir.EnumRef | ir.RecordRef):
        return f"{avro_type(t)} {t.name}"
    if isinstance(t, ir.List):
        return f"array<{describe(t.item)}>"
    if isinstance(t, ir.Map):
        return f"map<{describe(t.value)}>"
    if avro_type(t) == "fixed":
        return f"fixed (size {fixed_size(t)})"
    return avro_type(t)


def _lacking(r: ir.Type, wb: ir.Type) -> str:
    same = [rb for rb in branches(r) if rb == wb or (
        isinstance(rb, ir.RecordRef | ir.EnumRef) and type(rb) is type(wb))]
    if same:
        return (f"no branch of the reader union reads the writer's branch {describe(wb)} "
                f"(the reader's {describe(same[0])} is incompatible with it: see the "
                "findings inside it)")
    return f"the reader union lacks the writer's branch {describe(wb)}"


@dataclass(frozen=True)
class _Issue:
    rule: str
    path: str
    text: str
    old: str | None
    new: str | None
    node_new: ir.Record | ir.Enum | ir.Field | None
    node_old: ir.Record | ir.Enum | ir.Field | None


class _Checker:
    """One direction: can ``reader`` types read data written with ``writer`` types."""

    def __init__(self, reader: dict[str, ir.Named], writer: dict[str, ir.Named],
                 reader_is_new: bool) -> None:
        self.reader = reader
        self.writer = writer
        self.reader_is_new = reader_is_new
        self.issues: list[_Issue] = []
        self.seen: set[tuple[str, str]] = set()
        # the record pairs the checkers this one was made by have seen (not copied: a
        # ``compatible`` probe per union branch must not cost a copy of a growing set)
        self.outer: tuple[set[tuple[str, str]], ...] = ()

    # the IR nodes on the new/old side, for file:line and old/new texts
    def _issue(self, rule: str, path: str, text: str, r: str | None, w: str | None,
               rnode: ir.Record | ir.Enum | ir.Field | None,
               wnode: ir.Record | ir.Enum | ir.Field | None) -> None:
        if self.reader_is_new:
            self.issues.append(_Issue(rule, path, text, w, r, rnode, wnode))
        else:
            self.issues.append(_Issue(rule, path, text, r, w, wnode, rnode))

    def compatible(self, r: ir.Type, w: ir.Type) -> bool:
        """Whether ``r`` reads ``w``, without recording anything."""
        sub = _Checker(self.reader, self.writer, self.reader_is_new)
        sub.outer = (*self.outer, self.seen)
        sub.check(r, w, "", None, None)
        return not sub.issues

    def check(self, r: ir.Type, w: ir.Type, path: str,
              rnode: ir.Field | None, wnode: ir.Field | None) -> None:
        if r == w and not _has_refs(r):
            return  # the same type without named types: nothing can differ
        rt, wt = avro_type(r), avro_type(w)
        if rt == wt:
            if rt == "array":
                assert isinstance(r, ir.List) and isinstance(w, ir.List)
                self.check(r.item, w.item, f"{path}[]", rnode, wnode)
            elif rt == "map":
                assert isinstance(r, ir.Map) and isinstance(w, ir.Map)
                self.check(r.value, w.value, f"{path}{{}}", rnode, wnode)
            elif rt == "fixed":
                if fixed_size(r) != fixed_size(w):
                    self._issue("AVRO_FIXED_SIZE_MISMATCH", path,
                                f"the fixed size changed: expected {fixed_size(w)} (writer), "
                                f"found {fixed_size(r)} (reader)",
                                describe(r), describe(w), rnode, wnode)
            elif rt == "enum":
                assert isinstance(r, ir.EnumRef) and isinstance(w, ir.EnumRef)
                self.check_enum(r.name, w.name, path, rnode, wnode)
            elif rt == "record":
                assert isinstance(r, ir.RecordRef) and isinstance(w, ir.RecordRef)
                self.check_record(r.name, w.name, path, rnode, wnode)
            elif rt == "union":
                for wb in branches(w):
                    if not self.compatible(r, wb):
                        self._issue("AVRO_MISSING_UNION_BRANCH", path,
                                    _lacking(r, wb), describe(r), describe(w), rnode, wnode)
            return
        if wt == "union":
            for wb in branches(w):
                self.check(r, wb, path, rnode, wnode)
            return
        if rt == "union":
            if any(self.compatible(rb, w) for rb in branches(r)):
                return
            self._issue("AVRO_MISSING_UNION_BRANCH", path,
                        f"no branch of the reader union reads the writer's {describe(w)}",
                        describe(r), describe(w), rnode, wnode)
            return
        if wt in _PROMOTIONS.get(rt, frozenset()):
            return
        self._issue("AVRO_TYPE_MISMATCH", path,
                    f"{describe(w)} (writer) cannot be read as {describe(r)} (reader)",
                    describe(r), describe(w), rnode, wnode)

    def names_match(self, rdef: ir.Named, wdef: ir.Named) -> bool:
        return rdef.short_name == wdef.short_name or wdef.name in rdef.aliases

    def check_names(self, rdef: ir.Named, wdef: ir.Named, path: str) -> None:
        if not self.names_match(rdef, wdef):
            self._issue("AVRO_NAME_MISMATCH", path or rdef.name,
                        f"the name changed: the reader's {rdef.name} is not the writer's "
                        f"{wdef.name} and has no alias {wdef.name!r}",
                        rdef.name, wdef.name, rdef, wdef)

    def check_enum(self, rname: str, wname: str, path: str,
                   rnode: ir.Field | None, wnode: ir.Field | None) -> None:
        rdef, wdef = self.reader[rname], self.writer[wname]
        assert isinstance(rdef, ir.Enum) and isinstance(wdef, ir.Enum)
        self.check_names(rdef, wdef, path)
        missing = [s for s in wdef.symbols if s not in rdef.symbols]
        if missing and not (rdef.default is not None and rdef.default in rdef.symbols):
            self._issue("AVRO_MISSING_ENUM_SYMBOLS", path or rdef.name,
                        f"the reader enum {rdef.name} lacks the writer's symbol(s) "
                        f"{', '.join(missing)} and has no default symbol",
                        ", ".join(rdef.symbols), ", ".join(wdef.symbols), rdef, wdef)

    def _enum_with_default(self, t: ir.Type) -> bool:
        if not isinstance(t, ir.EnumRef):
            return False
        e = self.reader[t.name]
        return isinstance(e, ir.Enum) and e.default is not None

    def check_record(self, rname: str, wname: str, path: str,
                     rnode: ir.Field | None, wnode: ir.Field | None) -> None:
        key = (rname, wname)
        if key in self.seen or any(key in s for s in self.outer):
            return  # recursion in progress or done: reported once
        self.seen.add((rname, wname))
        rdef, wdef = self.reader[rname], self.writer[wname]
        assert isinstance(rdef, ir.Record) and isinstance(wdef, ir.Record)
        base = path or rdef.name
        self.check_names(rdef, wdef, path)
        by_name = {f.name: f for f in wdef.fields}
        for rf in rdef.fields:
            wf = by_name.get(rf.name)
            if wf is None:
                wf = next((by_name[a] for a in rf.aliases if a in by_name), None)
            fpath = f"{base}.{rf.name}"
            if wf is None:
                if not rf.has_default and self._enum_with_default(rf.type):
                    # SchemaCompatibility's quirk, kept for identical verdicts: a reader enum
                    # field with a default symbol is compared with the writer *record*
                    self._issue("AVRO_TYPE_MISMATCH", fpath,
                                f"field {rf.name!r} is missing from the writer's {wdef.name} "
                                "and has no default (its enum's default symbol does not "
                                "apply to a missing field; Avro reports an enum/record type "
                                "mismatch)", describe(rf.type), None, rf, None)
                elif not rf.has_default:
                    self._issue("AVRO_READER_FIELD_MISSING_DEFAULT_VALUE", fpath,
                                f"field {rf.name!r} is missing from the writer's {wdef.name} "
                                "and the reader's field has no default",
                                describe(rf.type), None, rf, None)
            else:
                self.check(rf.type, wf.type, fpath, rf, wf)


def _loc(i: _Issue) -> tuple[str | None, int | None]:
    file, line = loc_of(i.node_new)
    if file is None:
        file, line = loc_of(i.node_old)
    return file, line


def _roots(types: dict[str, ir.Named]) -> list[str]:
    """Records, those no other record references first (so paths start at the top)."""
    referenced: set[str] = set()
    for t in types.values():
        if isinstance(t, ir.Record):
            for f in t.fields:
                referenced |= ir.referenced_names(f.type) - {t.name}
    recs = [n for n, t in types.items() if isinstance(t, ir.Record)]
    return [n for n in recs if n not in referenced] + [n for n in recs if n in referenced]


def match_records(old: dict[str, ir.Named], new: dict[str, ir.Named]) -> list[tuple[str, str]]:
    """(new name, old name) pairs of records present in both (by full name, else alias)."""
    pairs: list[tuple[str, str]] = []
    for name in _roots(new):
        t = new[name]
        assert isinstance(t, ir.Record)
        if isinstance(old.get(name), ir.Record):
            pairs.append((name, name))
            continue
        alias = next((a for a in t.aliases if isinstance(old.get(a), ir.Record)), None)
        if alias is not None:
            pairs.append((name, alias))
    return pairs


def check(old: ir.Schema, new: ir.Schema) -> list[Finding]:
    """Every Avro incompatibility between two versions, in both directions."""
    pairs = match_records(old.types, new.types)
    back = _Checker(new.types, old.types, reader_is_new=True)
    fwd = _Checker(old.types, new.types, reader_is_new=False)
    for new_name, old_name in pairs:
        back.check_record(new_name, old_name, "", None, None)
        fwd.check_record(old_name, new_name, "", None, None)
    merged: dict[tuple[str, str], tuple[_Issue, dict[Direction, str]]] = {}
    directions: tuple[tuple[Direction, _Checker], ...] = (("backward", back), ("forward", fwd))
    for direction, checker in directions:
        for i in checker.issues:
            key = (i.rule, i.path)
            if key not in merged:
                merged[key] = (i, {})
            texts = merged[key][1]
            texts.setdefault(direction, i.text)
    out: list[Finding] = []
    for (rule, path), (issue, texts) in merged.items():
        breaks = frozenset(texts)
        file, line = _loc(issue)
        message = "; ".join(f"{direction_text(frozenset({d}))}: {t}" for d, t in texts.items())
        out.append(Finding(
            rule=rule, category=CATEGORY, severity="error", breaks=breaks, path=path,
            message=message,
            old=issue.old, new=issue.new, file=file, line=line,
        ))
    return out


__all__ = ["BACKWARD", "CATEGORY", "FORWARD", "RULES", "avro_type", "check", "describe"]
