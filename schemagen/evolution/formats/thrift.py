"""Thrift rules: what Thrift's binary and compact protocols do with an old/new pair of IDLs.

Field ids are the identity.  A Thrift reader walks the fields it meets on the wire
by id: an id it does not know is skipped; an id it knows but with another wire
type (``TType``) is skipped too (the value is lost), and a ``required`` field
still missing at the end is an error.  So:

==================================  ========  =========  ==========================
rule                                severity  breaks     what
==================================  ========  =========  ==========================
THRIFT_FIELD_TYPE_CHANGED           error     both (*)   same id, another wire type
THRIFT_FIELD_ID_REUSED              error     both       same id, new name and type
THRIFT_FIELD_ID_CHANGED             error     both       same name, another id
THRIFT_REQUIRED_ADDED               error     backward   optional/default -> required
THRIFT_REQUIRED_REMOVED             error     forward    required -> optional/default
THRIFT_REQUIRED_FIELD_ADDED         error     backward   a new required field
THRIFT_REQUIRED_FIELD_REMOVED       error     forward    a required field deleted
THRIFT_STRUCT_KIND_CHANGED          error     one        struct <-> union
THRIFT_ENUM_VALUE_REMOVED           error     backward   enum value gone
THRIFT_ENUM_VALUE_NUMBER_CHANGED    error     both       same name, another number
THRIFT_UNION_FIELD_REMOVED          error     backward   a union member deleted
THRIFT_FIELD_RENAMED                warning   -          same id, new name
THRIFT_FIELD_REMOVED                warning   -          optional/default id deleted
THRIFT_FIELD_DEFAULT_CHANGED        warning   -          IDL default changed
THRIFT_ENUM_VALUE_RENAMED           warning   -          same number, new name
THRIFT_ENUM_VALUE_ADDED             warning   forward    new enum value
THRIFT_UNION_FIELD_ADDED            warning   forward    new union member
==================================  ========  =========  ==========================

(*) ``binary -> string`` breaks backward only (old bytes need not be UTF-8); an
``i32`` becoming an enum, or an enum losing values through a type change, breaks
backward only.  ``string <-> binary`` (both ``TType.STRING``), ``enum <-> i32``
(both ``TType.I32``) and typedef changes that resolve to the same type are the same
on the wire.  When a field's struct type changes name, the two structs are compared
field by field (paths continue below the field).

Records are paired by full name; records that appear or disappear are the engine's
business (``schemagen check`` reports them for every format).  See
``docs/check-rules-thrift-protobuf.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, assert_never

from schemagen import ir
from schemagen.evolution import model, rules
from schemagen.evolution.model import (
    BACKWARD,
    BOTH,
    FORWARD,
    NEITHER,
    Direction,
    Finding,
    direction_text,
    loc_of,
)

CATEGORY = "THRIFT"

__all__ = ["CATEGORY", "RULES", "check", "thrift_type"]

# rule -> (severity, one-line description), declared in evolution/rules.py
RULES: dict[str, tuple[str, str]] = {
    r.id: (r.severity, r.purpose) for r in rules.of("thrift").values()}

_INT_NAMES = {8: "i8", 16: "i16", 32: "i32", 64: "i64"}


def _ttype(t: ir.Type) -> str:
    """The Thrift wire type (``TType``) of an IR type from the Thrift front end."""
    t = ir.strip_nullable(t)[0]
    match t:
        case ir.Bool():
            return "BOOL"
        case ir.Int(bits=bits):
            return "BYTE" if bits == 8 else f"I{bits}"
        case ir.Float():
            return "DOUBLE"
        case ir.String() | ir.Bytes():
            return "STRING"
        case ir.Uuid():
            return "UUID"
        case ir.EnumRef():
            return "I32"
        case ir.RecordRef():
            return "STRUCT"
        case ir.List(unique=unique):
            return "SET" if unique else "LIST"
        case ir.Map():
            return "MAP"
        case (ir.Null() | ir.Nullable() | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time()
              | ir.Timestamp() | ir.Duration() | ir.Interval() | ir.Json() | ir.Union_()):
            return type(t).__name__.upper()  # not produced by the Thrift front end
        case _:
            assert_never(t)


def thrift_type(t: ir.Type) -> str:
    """IDL spelling of an IR type (``list<i64>``, ``map<string, example.Status>``)."""
    t = ir.strip_nullable(t)[0]
    match t:
        case ir.Bool():
            return "bool"
        case ir.Int(bits=bits):
            return _INT_NAMES.get(bits, f"int{bits}")
        case ir.Float():
            return "double"
        case ir.String():
            return "string"
        case ir.Bytes():
            return "binary"
        case ir.Uuid():
            return "uuid"
        case ir.EnumRef(name=name) | ir.RecordRef(name=name):
            return name
        case ir.List(item=item, unique=unique):
            return f"{'set' if unique else 'list'}<{thrift_type(item)}>"
        case ir.Map(key=key, value=value):
            return f"map<{thrift_type(key)}, {thrift_type(value)}>"
        case (ir.Null() | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
              | ir.Duration() | ir.Interval() | ir.Json() | ir.Union_() | ir.Nullable()):
            return type(t).__name__.lower()  # not produced by the Thrift front end
        case _:
            assert_never(t)


def _origin(f: ir.Field) -> ir.ThriftOrigin:
    """The Thrift facts the front end kept (blank for hand-built IR)."""
    return f.origin if isinstance(f.origin, ir.ThriftOrigin) else _NONE


_NONE: Final = ir.ThriftOrigin()


def _req(f: ir.Field) -> str:
    """``required``, ``optional`` or ``default`` (Thrift's three requiredness levels)."""
    req = _origin(f).requiredness
    if req:
        return req
    return "optional" if isinstance(f.type, ir.Nullable) else "required"


def _fid(f: ir.Field) -> int | None:
    if f.field_id is not None:
        return f.field_id
    return _origin(f).auto_id


def _decl(f: ir.Field) -> str:
    """``3: required i64 amount`` (the IDL type as written when the front end kept it)."""
    req = _req(f)
    written = _origin(f).type or thrift_type(f.type)
    req_text = "" if req == "default" else f"{req} "
    return f"{_fid(f)}: {req_text}{written} {f.name}"


@dataclass(frozen=True)
class _TypeIssue:
    path: str
    breaks: frozenset[Direction]
    text: str
    old: str
    new: str


class _Checker:
    def __init__(self, old: dict[str, ir.Named], new: dict[str, ir.Named]) -> None:
        self.old = old
        self.new = new
        self.findings: list[Finding] = []
        self._comparing: set[tuple[str, str]] = set()

    def add(self, rule: str, breaks: frozenset[Direction], path: str, text: str,
            old: str | None, new: str | None,
            node: ir.Field | ir.Record | ir.Enum | None) -> None:
        severity: model.Severity = "warning" if RULES[rule][0] == "warning" else "error"
        file, line = loc_of(node)
        message = text
        if severity == "error":
            message = f"{direction_text(breaks)}: {text}"
        self.findings.append(Finding(
            rule=rule, category=CATEGORY, severity=severity, breaks=breaks, path=path,
            message=message, old=old, new=new, file=file, line=line))

    # ------------------------------------------------------------------ records

    def record(self, o: ir.Record, n: ir.Record, path: str) -> None:
        key = (o.name, n.name)
        if key in self._comparing:
            return  # a recursive struct already being compared on this path
        self._comparing.add(key)
        try:
            self._record(o, n, path)
        finally:
            self._comparing.discard(key)

    def _record(self, o: ir.Record, n: ir.Record, path: str) -> None:
        if (o.kind == "union") != (n.kind == "union"):
            to_union = n.kind == "union"
            self.add(
                "THRIFT_STRUCT_KIND_CHANGED", BACKWARD if to_union else FORWARD, path,
                f"{o.name} was a {'struct' if to_union else 'union'} and is now a "
                f"{'union' if to_union else 'struct'}: "
                + ("data written as a struct may have several fields set, a union "
                   "reader accepts exactly one" if to_union else
                   "the old union reader accepts exactly one field set; struct data may "
                   "have several (or none)"),
                "union" if not to_union else "struct", "union" if to_union else "struct", n)
        old_ids = {i: f for f in o.fields if (i := _fid(f)) is not None}
        new_ids = {i: f for f in n.fields if (i := _fid(f)) is not None}
        new_names = {f.name: f for f in n.fields}
        moved: set[str] = set()  # names whose id changed (reported once)
        for fid, of in old_ids.items():
            nf = new_ids.get(fid)
            if nf is not None:
                self.field(of, nf, f"{path}.{nf.name}")
                continue
            renamed = new_names.get(of.name)
            if renamed is not None and _fid(renamed) not in old_ids:
                moved.add(of.name)
                self.add(
                    "THRIFT_FIELD_ID_CHANGED", BOTH, f"{path}.{of.name}",
                    f"field {of.name!r} moved from id {fid} to id {_fid(renamed)}: readers "
                    f"match fields by id, so values written under id {fid} are not read by "
                    f"the new schema, and values under id {_fid(renamed)} are not read by "
                    "the old one", _decl(of), _decl(renamed), renamed)
            elif _req(of) == "required":
                self.add(
                    "THRIFT_REQUIRED_FIELD_REMOVED", FORWARD, f"{path}.{of.name}",
                    f"required field {_decl(of)!r} was deleted: readers using the old schema "
                    "reject data without it", _decl(of), None, of)
            elif o.kind == n.kind == "union":
                self.add(
                    "THRIFT_UNION_FIELD_REMOVED", BACKWARD, f"{path}.{of.name}",
                    f"union member {_decl(of)!r} was deleted: data written with the old schema "
                    "may have it set, and the new union reader skips it and is left with no "
                    "member set (the value is lost; a union must hold exactly one)",
                    _decl(of), None, of)
            else:
                self.add(
                    "THRIFT_FIELD_REMOVED", NEITHER, f"{path}.{of.name}",
                    f"field {_decl(of)!r} was deleted (fine on the wire: readers skip unknown "
                    f"ids); Thrift has no 'reserved', so never reuse id {fid} for a field "
                    "of another type", _decl(of), None, of)
        for fid, nf in new_ids.items():
            if fid in old_ids or nf.name in moved:
                continue
            if _req(nf) == "required":
                self.add(
                    "THRIFT_REQUIRED_FIELD_ADDED", BACKWARD, f"{path}.{nf.name}",
                    f"new field {_decl(nf)!r} is required: data written with the old schema "
                    "does not have it", None, _decl(nf), nf)
            elif o.kind == n.kind == "union":
                self.add(
                    "THRIFT_UNION_FIELD_ADDED", FORWARD, f"{path}.{nf.name}",
                    f"union member {_decl(nf)!r} was added: readers using the old schema skip "
                    "it and are left with no member set", None, _decl(nf), nf)

    def field(self, of: ir.Field, nf: ir.Field, path: str) -> None:
        fid = _fid(nf)
        issues = self.types(of.type, nf.type, path)
        if of.name != nf.name and _ttype(of.type) != _ttype(nf.type):
            self.add(
                "THRIFT_FIELD_ID_REUSED", BOTH, path,
                f"field id {fid} was {_decl(of)!r} and is reused by {_decl(nf)!r}: readers "
                f"skip a value of wire type {_ttype(of.type)} where they expect "
                f"{_ttype(nf.type)} (and the other way round), so the values are lost both "
                "ways (a required field fails)",
                _decl(of), _decl(nf), nf)
            issues = [i for i in issues if i.path != path]
        elif of.name != nf.name:
            self.add(
                "THRIFT_FIELD_RENAMED", NEITHER, path,
                f"field id {fid} was renamed from {of.name!r} to {nf.name!r}: fine for the "
                "binary and compact protocols, but it breaks protocols and tools that match "
                "by name (TSimpleJSONProtocol output, Parquet columns matched by name)",
                of.name, nf.name, nf)
        for i in issues:
            self.add("THRIFT_FIELD_TYPE_CHANGED", i.breaks, i.path, i.text, i.old, i.new, nf)
        ro, rn = _req(of), _req(nf)
        if rn == "required" and ro != "required":
            self.add(
                "THRIFT_REQUIRED_ADDED", BACKWARD, path,
                f"field {nf.name!r} (id {fid}) changed from {ro} to required: data written "
                "with the old schema may not have it, and the new reader rejects that",
                _decl(of), _decl(nf), nf)
        elif ro == "required" and rn != "required":
            self.add(
                "THRIFT_REQUIRED_REMOVED", FORWARD, path,
                f"field {nf.name!r} (id {fid}) changed from required to {rn}: writers using "
                "the new schema may leave it unset, and old readers reject that",
                _decl(of), _decl(nf), nf)
        od, nd = _norm_default(of.default), _norm_default(nf.default)
        if od != nd and _ttype(of.type) == _ttype(nf.type):
            self.add(
                "THRIFT_FIELD_DEFAULT_CHANGED", NEITHER, path,
                f"the IDL default of field {nf.name!r} (id {fid}) changed from "
                f"{_show(of.default)} to {_show(nf.default)}: readers fill in different "
                "values when the field is absent from the data",
                _show(of.default), _show(nf.default), nf)

    # ------------------------------------------------------------------ types

    def types(self, ot: ir.Type, nt: ir.Type, path: str) -> list[_TypeIssue]:
        """Wire incompatibilities between two field types (recursing into containers)."""
        o, n = ir.strip_nullable(ot)[0], ir.strip_nullable(nt)[0]
        to, tn = _ttype(o), _ttype(n)
        old_s, new_s = thrift_type(o), thrift_type(n)
        if to != tn:
            return [_TypeIssue(
                path, BOTH,
                f"type changed from {old_s} to {new_s} ({to} -> {tn} on the wire): readers "
                "skip a value whose wire type is not the one they expect (the value is "
                "lost; a required field fails)", old_s, new_s)]
        if isinstance(o, ir.Bytes) and isinstance(n, ir.String):
            return [_TypeIssue(
                path, BACKWARD,
                "type changed from binary to string: binary values written with the old "
                "schema need not be valid UTF-8, and string readers reject them", old_s,
                new_s)]
        if isinstance(n, ir.EnumRef) and not isinstance(o, ir.EnumRef):
            return [_TypeIssue(
                path, BACKWARD,
                f"type changed from {old_s} to enum {n.name}: old data may hold numbers that "
                "are not values of the enum", old_s, new_s)]
        if isinstance(o, ir.EnumRef) and isinstance(n, ir.EnumRef) and o.name != n.name:
            return self.enum_swap(o.name, n.name, path)
        if isinstance(o, ir.RecordRef) and isinstance(n, ir.RecordRef) and o.name != n.name:
            orec, nrec = self.old.get(o.name), self.new.get(n.name)
            if isinstance(orec, ir.Record) and isinstance(nrec, ir.Record):
                self.record(orec, nrec, path)  # field by field, findings below ``path``
            return []
        if isinstance(o, ir.List) and isinstance(n, ir.List):
            return self.types(o.item, n.item, f"{path}[]")
        if isinstance(o, ir.Map) and isinstance(n, ir.Map):
            return (self.types(o.key, n.key, f"{path}{{key}}")
                    + self.types(o.value, n.value, f"{path}{{value}}"))
        return []

    def enum_swap(self, old_name: str, new_name: str, path: str) -> list[_TypeIssue]:
        oe, ne = self.old.get(old_name), self.new.get(new_name)
        if not isinstance(oe, ir.Enum) or not isinstance(ne, ir.Enum):
            return []
        lost = sorted(set(_enum_numbers(oe)) - set(_enum_numbers(ne)))
        if not lost:
            return []
        names = ", ".join(f"{_enum_numbers(oe)[v]}={v}" for v in lost)
        return [_TypeIssue(
            path, BACKWARD,
            f"type changed from enum {old_name} to enum {new_name}, which has no value for "
            f"{names}: data written with the old schema may hold them", old_name, new_name)]

    # ------------------------------------------------------------------ enums

    def enum(self, o: ir.Enum, n: ir.Enum, path: str) -> None:
        onum = dict(zip(o.symbols, _values(o)))
        nnum = dict(zip(n.symbols, _values(n)))
        oby = _enum_numbers(o)
        nby = _enum_numbers(n)
        for sym, num in onum.items():
            if sym in nnum:
                if nnum[sym] != num:
                    self.add(
                        "THRIFT_ENUM_VALUE_NUMBER_CHANGED", BOTH, f"{path}.{sym}",
                        f"enum value {sym} changed number from {num} to {nnum[sym]}: the "
                        "wire carries numbers, so each side reads the other's value as a "
                        "different (or unknown) one", f"{sym} = {num}", f"{sym} = {nnum[sym]}",
                        n)
                continue
            if num in nby:
                if nby[num] not in onum:
                    self.add(
                        "THRIFT_ENUM_VALUE_RENAMED", NEITHER, f"{path}.{sym}",
                        f"enum value {num} was renamed from {sym} to {nby[num]}: fine on the "
                        "wire (numbers), but names change in generated code and in Parquet "
                        "(enums are written as their names)", f"{sym} = {num}",
                        f"{nby[num]} = {num}", n)
                continue  # the number now belongs to a moved value: reported there
            self.add(
                "THRIFT_ENUM_VALUE_REMOVED", BACKWARD, f"{path}.{sym}",
                f"enum value {sym} = {num} was removed: data written with the old schema may "
                "hold it, and the new schema has no value for that number", f"{sym} = {num}",
                None, o)
        for sym, num in nnum.items():
            if sym not in onum and num not in oby:
                self.add(
                    "THRIFT_ENUM_VALUE_ADDED", FORWARD, f"{path}.{sym}",
                    f"enum value {sym} = {num} was added: readers using the old schema see "
                    "an unknown number (most languages give null or a bare integer)",
                    None, f"{sym} = {num}", n)


def _values(e: ir.Enum) -> tuple[int, ...]:
    return e.values if e.values is not None else tuple(range(len(e.symbols)))


def _enum_numbers(e: ir.Enum) -> dict[int, str]:
    """number -> first symbol with that number."""
    out: dict[int, str] = {}
    for sym, num in zip(e.symbols, _values(e)):
        out.setdefault(num, sym)
    return out


def _norm_default(v: object) -> object:
    """``None`` for "no default" (required fields) and "null" (optional fields) alike."""
    return None if v is ir.NO_DEFAULT else v


def _show(v: object) -> str:
    if v is ir.NO_DEFAULT or v is None:
        return "none"
    return repr(v)


def check(old: ir.Schema, new: ir.Schema) -> list[Finding]:
    """Every Thrift compatibility finding between two versions (records paired by name)."""
    c = _Checker(old.types, new.types)
    for name, nt in new.types.items():
        ot = old.types.get(name)
        if isinstance(nt, ir.Record) and isinstance(ot, ir.Record):
            c.record(ot, nt, name)
        elif isinstance(nt, ir.Enum) and isinstance(ot, ir.Enum):
            c.enum(ot, nt, name)
    return c.findings
