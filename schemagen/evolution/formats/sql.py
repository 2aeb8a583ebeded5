"""SQL rules: ``CREATE TABLE`` changes, column by column (category ``SQL``).

Column types are compared as the type registry (:mod:`schemagen.sql.registry`)
mapped them to the IR, so the same rules hold in every dialect:

* ``SQL_COLUMN_DROPPED``: readers and queries of the old table expect the column
  (breaks forward);
* ``SQL_COLUMN_ADDED_NOT_NULL``: a NOT NULL column without a default; rows written
  before have no value (breaks backward);
* ``SQL_NOT_NULL_ADDED``: old rows may hold nulls (breaks backward);
  ``SQL_NOT_NULL_REMOVED``: new rows may hold nulls an old reader rejects (breaks forward);
* ``SQL_COLUMN_TYPE_WIDENED``: every old value fits the new type, not the other way
  round (breaks forward only); ``SQL_COLUMN_TYPE_NARROWED``: the reverse (breaks
  backward only); ``SQL_COLUMN_TYPE_CHANGED``: neither holds the other (breaks both).

Widening: a wider integer (signed from a narrower unsigned too), float -> double,
integers of up to 32 bits -> double, an integer -> a decimal with enough integer digits,
decimal(p, s) -> decimal(p2, s2) when s2 >= s and p2 - s2 >= p - s, a longer
``VARCHAR(n)``/``CHAR(n)`` (``VARBINARY(n)``/``BINARY(n)``) or an unbounded string (binary), a finer time/timestamp unit.
Struct fields are checked like columns; list items and map keys/values recurse.
"""

from __future__ import annotations

import re
from typing import Literal

from schemagen import ir
from schemagen.evolution import rules
from schemagen.evolution.model import (
    BACKWARD,
    BOTH,
    FORWARD,
    Direction,
    Finding,
    direction_text,
    loc_of,
)

CATEGORY = "SQL"
RULES: tuple[str, ...] = tuple(rules.of("sql"))  # declared in evolution/rules.py
_INT_DIGITS = {8: 3, 16: 5, 32: 10, 64: 19}
_LENGTH = re.compile(r"^\s*(?:(?:n?var)?char(?:acter)?(?:\s+varying)?|(?:var)?binary(?:\s+varying)?)"
                     r"\s*\(\s*(\d+)\s*\)", re.I)

Order = Literal["same", "wider", "narrower", "other"]


def type_name(t: ir.Type) -> str:
    from schemagen.sql import registry as sqlmap

    return sqlmap.ir_name(t)


def written_type(f: ir.Field) -> str | None:
    """The column's SQL type as written (None: not read from SQL)."""
    return f.origin.type if isinstance(f.origin, ir.SqlOrigin) else None


def _length(f: ir.Field) -> int | None:
    """The declared length of a ``VARCHAR(n)``/``CHAR(n)``/``VARBINARY(n)``/``BINARY(n)``
    column (None: unbounded)."""
    written = written_type(f)
    if written is None:
        return None
    m = _LENGTH.match(written)
    return int(m.group(1)) if m else None


def _int_widens(a: ir.Int, b: ir.Int) -> bool:
    if a.signed == b.signed:
        return b.bits >= a.bits
    return not a.signed and b.signed and b.bits > a.bits


def _widens(a: ir.Type, b: ir.Type) -> bool:
    """Whether every value of ``a`` is a value of ``b`` (non-null, non-composite types)."""
    if a == b:
        return True
    match a, b:
        case ir.Int(), ir.Int():
            return _int_widens(a, b)
        case ir.Float(), ir.Float():
            return b.bits >= a.bits
        case ir.Int(), ir.Float():
            return b.bits == 64 and a.bits <= 32
        case ir.Int(), ir.Decimal():
            return b.precision - b.scale >= _INT_DIGITS[a.bits]
        case ir.Decimal(), ir.Decimal():
            return b.scale >= a.scale and b.precision - b.scale >= a.precision - a.scale
        case ir.Timestamp(), ir.Timestamp():
            return a.utc == b.utc and ir.unit_rank(b.unit) >= ir.unit_rank(a.unit)
        case ir.Time(), ir.Time():
            return ir.unit_rank(b.unit) >= ir.unit_rank(a.unit)
        case _:
            return False


def _scalar_order(a: ir.Type, b: ir.Type, la: int | None = None, lb: int | None = None) -> Order:
    if (isinstance(a, ir.String) and isinstance(b, ir.String)) or (
            isinstance(a, ir.Bytes) and isinstance(b, ir.Bytes)):
        if la == lb:
            return "same"
        if lb is None or (la is not None and lb > la):
            return "wider"
        return "narrower"
    if a == b:
        return "same"
    if _widens(a, b):
        return "wider"
    if _widens(b, a):
        return "narrower"
    return "other"


class _Checker:
    def __init__(self, old: ir.Schema, new: ir.Schema) -> None:
        self.old = old
        self.new = new
        self.out: list[Finding] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, rule: str, breaks: frozenset[Direction], path: str, what: str,
            old: str | None, new: str | None,
            node: ir.Field | ir.Record | None) -> None:
        file, line = loc_of(node)
        self.out.append(Finding(rule, CATEGORY, "error", breaks, path,
                                f"{direction_text(breaks)}: {what}", old, new, file, line))

    def record(self, old_name: str, new_name: str, path: str) -> None:
        if (old_name, new_name) in self.seen:
            return
        self.seen.add((old_name, new_name))
        o, n = self.old.types[old_name], self.new.types[new_name]
        assert isinstance(o, ir.Record) and isinstance(n, ir.Record)
        new_cols = {f.name: f for f in n.fields}
        old_cols = {f.name: f for f in o.fields}
        kind = "column" if path == new_name else "struct field"
        for of in o.fields:
            if of.name not in new_cols:
                self.add("SQL_COLUMN_DROPPED", FORWARD, f"{path}.{of.name}",
                         f"{kind} {of.name!r} ({self.sql_type(of)}) was dropped",
                         self.sql_type(of), None, of)
        for nf in n.fields:
            fpath = f"{path}.{nf.name}"
            of2 = old_cols.get(nf.name)
            if of2 is None:
                if not isinstance(nf.type, ir.Nullable) and not nf.has_default:
                    self.add("SQL_COLUMN_ADDED_NOT_NULL", BACKWARD, fpath,
                             f"{kind} {nf.name!r} was added as NOT NULL without a default: "
                             "rows written before have no value for it",
                             None, self.sql_type(nf), nf)
                continue
            self.field(of2, nf, fpath, kind)

    def sql_type(self, f: ir.Field) -> str:
        written = written_type(f)
        return written if written else type_name(f.type)

    def field(self, of: ir.Field, nf: ir.Field, path: str, kind: str) -> None:
        ot, o_null = ir.strip_nullable(of.type)
        nt, n_null = ir.strip_nullable(nf.type)
        if o_null and not n_null:
            self.add("SQL_NOT_NULL_ADDED", BACKWARD, path,
                     f"{kind} {nf.name!r} became NOT NULL: rows written before may hold nulls",
                     "NULL", "NOT NULL", nf)
        elif n_null and not o_null:
            self.add("SQL_NOT_NULL_REMOVED", FORWARD, path,
                     f"{kind} {nf.name!r} is no longer NOT NULL: new rows may hold nulls "
                     "that readers of the old table do not expect",
                     "NOT NULL", "NULL", nf)
        self.types(ot, nt, path, nf, _length(of), _length(nf), of, nf)

    def types(self, ot: ir.Type, nt: ir.Type, path: str, node: ir.Field,
              lo: int | None = None, ln: int | None = None,
              of: ir.Field | None = None, nf: ir.Field | None = None) -> None:
        ot = ir.strip_nullable(ot)[0]
        nt = ir.strip_nullable(nt)[0]
        match ot, nt:
            case ir.RecordRef(), ir.RecordRef():
                self.record(ot.name, nt.name, path)
            case ir.List(), ir.List():
                self.types(ot.item, nt.item, f"{path}[]", node)
            case ir.Map(), ir.Map():
                self.types(ot.key, nt.key, f"{path}{{key}}", node)
                self.types(ot.value, nt.value, f"{path}{{value}}", node)
            case ir.EnumRef(), ir.EnumRef():
                self.enum(ot.name, nt.name, path, node)
            case _:
                self.scalar(ot, nt, path, node, lo, ln, of, nf)

    def enum(self, old: str, new: str, path: str, node: ir.Field) -> None:
        oe, ne = self.old.types[old], self.new.types[new]
        assert isinstance(oe, ir.Enum) and isinstance(ne, ir.Enum)
        gone = [s for s in oe.symbols if s not in ne.symbols]
        added = [s for s in ne.symbols if s not in oe.symbols]
        breaks = (BACKWARD if gone else frozenset()) | (FORWARD if added else frozenset())
        if breaks:
            self.add("SQL_ENUM_VALUES_CHANGED", breaks, path,
                     "the ENUM values changed"
                     + (f"; removed: {', '.join(gone)} (old rows may hold them)" if gone
                        else "")
                     + (f"; added: {', '.join(added)} (old readers do not know them)"
                        if added else ""),
                     ", ".join(oe.symbols), ", ".join(ne.symbols), node)

    def scalar(self, ot: ir.Type, nt: ir.Type, path: str, node: ir.Field,
               lo: int | None, ln: int | None, of: ir.Field | None,
               nf: ir.Field | None) -> None:
        order = _scalar_order(ot, nt, lo, ln)
        old_text = of and self.sql_type(of) or type_name(ot)
        new_text = nf and self.sql_type(nf) or type_name(nt)
        if order == "wider":
            self.add("SQL_COLUMN_TYPE_WIDENED", FORWARD, path,
                     f"the type was widened from {old_text} to {new_text}: new values may not "
                     "fit the old type", old_text, new_text, node)
        elif order == "narrower":
            self.add("SQL_COLUMN_TYPE_NARROWED", BACKWARD, path,
                     f"the type was narrowed from {old_text} to {new_text}: old values may not "
                     "fit the new type", old_text, new_text, node)
        elif order == "other":
            self.add("SQL_COLUMN_TYPE_CHANGED", BOTH, path,
                     f"the type changed from {old_text} to {new_text}, neither holds the "
                     "other's values", old_text, new_text, node)


def check(old: ir.Schema, new: ir.Schema) -> list[Finding]:
    """Every SQL table change between two versions (tables matched by record full name)."""
    c = _Checker(old, new)
    nested: set[str] = set()
    for t in new.types.values():
        if isinstance(t, ir.Record):
            for f in t.fields:
                nested |= ir.referenced_names(f.type)
    for name, t in new.types.items():
        if isinstance(t, ir.Record) and name not in nested and isinstance(
                old.types.get(name), ir.Record):
            c.record(name, name, name)
    return c.out
