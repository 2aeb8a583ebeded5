"""Protobuf rules: buf's ``WIRE`` and ``WIRE_JSON`` breaking-change categories on the IR.

Same rule IDs as ``buf breaking`` (bufcheck's ``bufbreakingcheck``), same
compatibility groups, computed from the IR and the facts the protobuf front end
keeps: ``Field.presence``, ``Field.json_name``, ``Record.oneofs`` and the
``ir.ProtobufOrigin`` of fields (type, well-known type, default as written),
messages and enums (protobuf name, file, package, reserved numbers and names).

Each finding is reported under the least strict category whose rules catch it:
category ``WIRE`` = the binary encoding breaks (and so JSON does too), ``WIRE_JSON`` =
only the JSON mapping breaks (field names, ``json_name``, enum value names, JSON forms
of types).  So a wire-incompatible type change is ``FIELD_WIRE_COMPATIBLE_TYPE``
[WIRE] even where buf's WIRE_JSON run would call it ``FIELD_WIRE_JSON_COMPATIBLE_TYPE``,
and ignoring the category ``WIRE_JSON`` leaves exactly buf's WIRE category.
``check(old, new)`` reports both (buf's recommended minimum is WIRE_JSON);
``check(old, new, "WIRE")`` only the WIRE findings.  Messages and enums are paired by
their full protobuf name, fields by number, enum values by number, files by path.

A protobuf change breaks both reading directions unless the rule says otherwise:
``bytes -> string`` (WIRE) and gaining a required field break backward only, losing
one breaks forward only.  Every finding is an error (buf has no warnings).  Messages
that disappear are reported by the engine for every format (enums only through the
fields that use them).
See ``docs/check-rules-thrift-protobuf.md`` for the rule list and what is left out.
"""

from __future__ import annotations

import dataclasses
import math
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, TypeAlias

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

Category: TypeAlias = Literal["WIRE", "WIRE_JSON"]
CATEGORIES: Final[tuple[Category, ...]] = ("WIRE", "WIRE_JSON")

__all__ = ["CATEGORIES", "RULES", "Category", "category_of", "check"]

# rule -> (buf categories it belongs to, what it catches), declared in evolution/rules.py
RULES: Final[dict[str, tuple[frozenset[str], str]]] = {
    r.id: (r.groups, r.purpose) for r in rules.of("protobuf").values()}

# bufbreakingcheck's fieldKindToWireCompatiblityGroup: same number = wire compatible.
# string -> bytes is allowed on top (bytes -> string is not: UTF-8 is not guaranteed).
_WIRE_GROUP: Final[dict[str, int]] = {
    "int32": 1, "int64": 1, "uint32": 1, "uint64": 1, "bool": 1,
    "sint32": 2, "sint64": 2, "string": 3, "bytes": 4,
    "fixed32": 5, "sfixed32": 5, "fixed64": 6, "sfixed64": 6,
    "double": 7, "float": 8, "group": 9, "message": 10, "enum": 11,
}
# ... and fieldKindToWireJSONCompatiblityGroup (wire AND JSON compatible).
_JSON_GROUP: Final[dict[str, int]] = {
    "int32": 1, "uint32": 1, "int64": 2, "uint64": 2, "fixed32": 3, "sfixed32": 3,
    "fixed64": 4, "sfixed64": 4, "bool": 5, "sint32": 6, "sint64": 7, "string": 8,
    "bytes": 9, "double": 10, "float": 11, "group": 12, "message": 13, "enum": 14,
}
_ENCODING: Final[dict[str, str]] = {
    "int32": "varint", "int64": "varint", "uint32": "varint", "uint64": "varint",
    "bool": "varint", "enum": "varint", "sint32": "zigzag varint", "sint64": "zigzag varint",
    "fixed32": "fixed 32-bit", "sfixed32": "fixed 32-bit", "float": "fixed 32-bit",
    "fixed64": "fixed 64-bit", "sfixed64": "fixed 64-bit", "double": "fixed 64-bit",
    "string": "length-delimited UTF-8", "bytes": "length-delimited",
    "message": "length-delimited", "group": "start/end group tags",
}
_JSON_FORM: Final[dict[str, str]] = {
    "int32": "a number", "uint32": "a number", "sint32": "a number", "fixed32": "a number",
    "sfixed32": "a number", "int64": "a decimal string", "uint64": "a decimal string",
    "sint64": "a decimal string", "fixed64": "a decimal string",
    "sfixed64": "a decimal string", "bool": "true/false", "string": "a string",
    "bytes": "base64 text", "double": "a number", "float": "a number",
    "enum": "the value's name", "message": "an object", "group": "an object",
}
# buf's cardinality groups (cardinality.go)
_CARD_WIRE: Final[dict[str, int]] = {"explicit": 1, "implicit": 1, "required": 2,
                                     "repeated": 3, "map": 3}
_CARD_JSON: Final[dict[str, int]] = {"explicit": 1, "implicit": 1, "required": 2,
                                     "repeated": 3, "map": 4}
_CARD_TEXT: Final[dict[str, str]] = {
    "explicit": "optional (explicit presence)", "implicit": "optional (implicit presence)",
    "required": "required", "repeated": "repeated", "map": "map",
}


_NONE: Final = ir.ProtobufOrigin()


def _origin(t: ir.Field | ir.Named) -> ir.ProtobufOrigin:
    """The protobuf facts the front end kept (all blank for hand-built IR)."""
    return t.origin if isinstance(t.origin, ir.ProtobufOrigin) else _NONE


def _pname(t: ir.Named) -> str:
    """The full protobuf name (``pkg.Outer.Inner``) of a message or enum."""
    return _origin(t).name or t.name


@dataclass(frozen=True)
class _Field:
    """One protobuf field as buf sees it, rebuilt from the IR."""

    f: ir.Field
    number: int
    card: str  # explicit / implicit / required / repeated / map
    kind: str  # scalar kind, "message", "group" or "enum" (for a map: of the value)
    type_name: str  # full protobuf name for message/group/enum kinds, else ""
    key_kind: str  # maps only
    json_name: str
    default: str | None  # the default as written (``[default = ...]``), if any
    effective: object  # the value readers fill in when absent (bytes/number); None: n/a
    oneof: str | None

    @property
    def type_text(self) -> str:
        return self.type_name or self.kind or "?"

    @property
    def decl(self) -> str:
        if self.card == "map":
            t = f"map<{self.key_kind}, {self.type_text}>"
        else:
            label = {"explicit": "optional ", "required": "required ",
                     "repeated": "repeated "}.get(self.card, "")
            if self.oneof is not None:
                label = ""
            t = f"{label}{self.type_text}"
        return f"{t} {self.f.name} = {self.number}"


def _ref_name(t: ir.Type, types: dict[str, ir.Named]) -> str:
    t = ir.strip_nullable(t)[0]
    if isinstance(t, ir.List):
        t = ir.strip_nullable(t.item)[0]
    if isinstance(t, ir.RecordRef | ir.EnumRef):
        named = types.get(t.name)
        return _pname(named) if named is not None else t.name
    return ""


def _fields(rec: ir.Record, types: dict[str, ir.Named]) -> dict[int, _Field]:
    groups = {m: g for g, members in ir.oneof_groups(rec) for m in members}
    out: dict[int, _Field] = {}
    for f in rec.fields:
        if f.field_id is None:
            continue
        o = _origin(f)
        key_kind = ""
        if o.type == "map" and isinstance(f.type, ir.Map):
            card = "map"
            key_kind = o.key_type
            wkt = o.value_wkt
            kind = "message" if wkt else o.value_type
            type_name = wkt or (_ref_name(f.type.value, types)
                                if kind in ("message", "group", "enum") else "")
        else:
            # hand-built IR without presence: implicit (no cardinality finding is guessed)
            card = f.presence if f.presence in ("repeated", "required", "explicit") \
                else "implicit"
            wkt = o.wkt
            kind = "message" if wkt else o.type
            type_name = wkt or (_ref_name(f.type, types)
                                if kind in ("message", "group", "enum") else "")
        out[f.field_id] = _Field(
            f=f, number=f.field_id, card=card, kind=kind, type_name=type_name,
            key_kind=key_kind, json_name=f.json_name or f.name,
            default=o.default,
            effective=_effective_default(f, card, kind, type_name, types),
            oneof=groups.get(f.name))
    return out


def _effective_default(f: ir.Field, card: str, kind: str, type_name: str,
                       types: dict[str, ir.Named]) -> object:
    """What a reader fills in for an absent singular scalar/enum field, in buf's
    comparable form (``getDefault``): bytes for string/bytes, a number otherwise
    (enums: the value's number); None when the field cannot have a default."""
    if card in ("repeated", "map") or kind not in _WIRE_GROUP \
            or kind in ("message", "group"):
        return None
    given = _origin(f).default is not None
    value = f.default if given else None
    if kind == "string":
        return value.encode() if isinstance(value, str) else b""
    if kind == "bytes":
        return value if isinstance(value, bytes) else b""
    if kind == "enum":
        enum = next((t for t in types.values()
                     if isinstance(t, ir.Enum) and _pname(t) == type_name), None)
        if enum is None or not enum.symbols:
            return None
        numbers = dict(zip(enum.symbols, _values(enum)))
        return numbers.get(value, _values(enum)[0]) if isinstance(value, str) \
            else _values(enum)[0]
    if kind in ("float", "double"):
        return float(value) if isinstance(value, int | float) else 0.0
    return int(value) if isinstance(value, int | float) else 0  # ints and bool


def _is_zero(v: object) -> bool:
    return v == b"" or (isinstance(v, int | float) and not math.isnan(v) and v == 0)


def _defaults_equal(a: _Field, b: _Field) -> bool:
    """buf's ``defaultsEqual``: strings/bytes by value, numbers (bool and enum numbers
    included) numerically, NaN equal to NaN, float vs double at float precision."""
    x, y = a.effective, b.effective
    if isinstance(x, bytes) or isinstance(y, bytes):
        return x == y
    assert isinstance(x, int | float) and isinstance(y, int | float)
    if isinstance(x, float) and isinstance(y, float):
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        if {a.kind, b.kind} == {"float", "double"}:
            return _f32(x) == _f32(y)
    return x == y


def _f32(v: float) -> float:
    try:
        return float(struct.unpack("<f", struct.pack("<f", v))[0])
    except OverflowError:
        return math.copysign(math.inf, v)


# --------------------------------------------------------------------------- reserved


def _in_ranges(n: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= n <= b for a, b in ranges)


def _uncovered(old: list[tuple[int, int]], new: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the ``old`` ranges that no ``new`` range covers."""
    out: list[tuple[int, int]] = []
    for a, b in old:
        cur = a
        for c, d in new:  # sorted
            if d < cur or c > b:
                continue
            if c > cur:
                out.append((cur, c - 1))
            cur = max(cur, d + 1)
            if cur > b:
                break
        if cur <= b:
            out.append((cur, b))
    return out


def _range_text(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(str(a) if a == b else f"{a} to {b}" for a, b in ranges)


def _reserved_text(t: ir.Named) -> str:
    nums, names = _reserved(t)
    parts = [_range_text(nums)] if nums else []
    parts += [repr(x) for x in sorted(names)]
    return "reserved " + ", ".join(parts) if parts else "nothing reserved"


def _reserved(t: ir.Named) -> tuple[list[tuple[int, int]], set[str]]:
    o = _origin(t)
    return sorted(o.reserved), set(o.reserved_names)


# --------------------------------------------------------------------------- checker


class _Checker:
    def __init__(self, old: ir.Schema, new: ir.Schema, category: Category) -> None:
        self.old = old.types
        self.new = new.types
        self.category = category
        self.findings: list[Finding] = []

    def add(self, rule: str, breaks: frozenset[Direction], path: str, text: str,
            old: str | None, new: str | None,
            node: ir.Field | ir.Record | ir.Enum | None, file: str | None = None) -> None:
        category = category_of(rule)
        if self.category == "WIRE" and category != "WIRE":
            return
        loc_file, line = loc_of(node)
        self.findings.append(Finding(
            rule=rule, category=category, severity="error", breaks=breaks, path=path,
            message=f"{direction_text(breaks)}: {text}", old=old, new=new,
            file=loc_file or file, line=line))

    # ------------------------------------------------------------------ files

    def files(self) -> None:
        def index(types: dict[str, ir.Named]) -> dict[str, tuple[str, ir.Named]]:
            out: dict[str, tuple[str, ir.Named]] = {}
            for t in types.values():
                o = _origin(t)
                if o.file:
                    out.setdefault(o.file, (o.package, t))
            return out

        old, new = index(self.old), index(self.new)
        for fname, (npkg, nt) in new.items():
            if fname not in old or old[fname][0] == npkg:
                continue
            opkg = old[fname][0]
            self.add(
                "FILE_SAME_PACKAGE", BOTH, fname,
                f"the package of {fname} changed from {opkg or '(none)'!r} to "
                f"{npkg or '(none)'!r}: the full name of every message and enum in it "
                "changes, so fields of those types elsewhere refer to other types, and "
                "type URLs (Any), gRPC paths and registries no longer match",
                opkg, npkg, None, nt.location.file if nt.location else fname)
            if self.findings and self.findings[-1].rule == "FILE_SAME_PACKAGE":
                f = self.findings[-1]
                self.findings[-1] = dataclasses.replace(f, line=_package_line(f.file, nt))

    # ------------------------------------------------------------------ messages

    def message(self, o: ir.Record, n: ir.Record) -> None:
        path = n.name
        of, nf = _fields(o, self.old), _fields(n, self.new)
        res_nums, res_names = _reserved(n)
        for num, a in of.items():
            b = nf.get(num)
            if b is None:
                self.deleted_field(a, n, path, res_nums, res_names)
            else:
                self.field(a, b, f"{path}.{b.f.name}")
        for num, b in nf.items():
            if num not in of and b.card == "required":
                self.add(
                    "MESSAGE_SAME_REQUIRED_FIELDS", BACKWARD, f"{path}.{b.f.name}",
                    f"new field {b.decl!r} is required: messages written with the old schema "
                    "do not have it, and parsing them fails", None, b.decl, b.f)
        self.reserved("RESERVED_MESSAGE_NO_DELETE", o, n, path)

    def deleted_field(self, a: _Field, n: ir.Record, path: str,
                      res_nums: list[tuple[int, int]], res_names: set[str]) -> None:
        fpath = f"{path}.{a.f.name}"
        if not _in_ranges(a.number, res_nums):
            self.add(
                "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", BOTH, fpath,
                f"field {a.decl!r} was deleted without reserving number {a.number} "
                f"(add 'reserved {a.number};'): data already written still carries number "
                f"{a.number}, and a later field reusing it with another type misreads that "
                "data (and is misread by readers still using this version)",
                a.decl, None, a.f)
        if a.f.name not in res_names:
            self.add(
                "FIELD_NO_DELETE_UNLESS_NAME_RESERVED", BOTH, fpath,
                f"field {a.decl!r} was deleted without reserving the name {a.f.name!r} "
                f"(add 'reserved \"{a.f.name}\";'): JSON written with the old schema still "
                "uses the name, and a later field taking it would read those values",
                a.decl, None, a.f)
        if a.card == "required":
            self.add(
                "MESSAGE_SAME_REQUIRED_FIELDS", FORWARD, fpath,
                f"required field {a.decl!r} was deleted: readers using the old schema reject "
                "messages without it", a.decl, None, a.f)

    def field(self, a: _Field, b: _Field, path: str) -> None:
        node = b.f
        if a.f.name != b.f.name:
            self.add(
                "FIELD_SAME_NAME", BOTH, path,
                f"field {b.number} changed name from {a.f.name!r} to {b.f.name!r}: the "
                "JSON mapping and the text format identify fields by name",
                a.f.name, b.f.name, node)
        if a.json_name != b.json_name:
            self.add(
                "FIELD_SAME_JSON_NAME", BOTH, path,
                f"field {b.number} ({b.f.name!r}) changed its JSON name from "
                f"{a.json_name!r} to {b.json_name!r}: JSON written by one side has keys the "
                "other does not know", a.json_name, b.json_name, node)
        self.cardinality(a, b, path)
        if (a.card == "map") == (b.card == "map"):
            reuse = (f" (number {b.number} was {a.decl!r} and is now {b.decl!r})"
                     if a.f.name != b.f.name else "")
            if a.card == "map" and a.key_kind != b.key_kind:
                self.kinds(a.key_kind, "", b.key_kind, "", f"{path}{{key}}", node, "")
            self.kinds(a.kind, a.type_name, b.kind, b.type_name,
                       f"{path}{{value}}" if a.card == "map" else path, node, reuse)
        if a.oneof != b.oneof:
            if a.oneof is None:
                what = f"moved into oneof {b.oneof!r}"
            elif b.oneof is None:
                what = f"moved out of oneof {a.oneof!r}"
            else:
                what = f"moved from oneof {a.oneof!r} to oneof {b.oneof!r}"
            self.add(
                "FIELD_SAME_ONEOF", BOTH, path,
                f"field {b.number} ({b.f.name!r}) {what}: members of a oneof clear each "
                "other, so data that sets this field together with another member keeps "
                "only the last one on one side and both on the other",
                a.oneof or "(no oneof)", b.oneof or "(no oneof)", node)
        if a.effective is not None and b.effective is not None \
                and not (_is_zero(a.effective) and _is_zero(b.effective)) \
                and not _defaults_equal(a, b):
            self.add(
                "FIELD_SAME_DEFAULT", BOTH, path,
                f"the default of field {b.number} ({b.f.name!r}) changed from "
                f"{_default_text(a)} to {_default_text(b)}: readers fill in a different "
                "value when the field is absent", _default_text(a), _default_text(b), node)
        if (a.card == "required") != (b.card == "required"):
            to_req = b.card == "required"
            self.add(
                "MESSAGE_SAME_REQUIRED_FIELDS", BACKWARD if to_req else FORWARD, path,
                f"field {b.number} ({b.f.name!r}) "
                + ("became required: messages written with the old schema may not have it, "
                   "and the new reader rejects them" if to_req else
                   "is no longer required: writers using the new schema may leave it out, "
                   "and old readers reject such messages"), a.decl, b.decl, node)

    def cardinality(self, a: _Field, b: _Field, path: str) -> None:
        if a.card == b.card:
            return
        if _CARD_JSON.get(a.card) == _CARD_JSON.get(b.card):
            return
        wire = _CARD_WIRE.get(a.card) != _CARD_WIRE.get(b.card)
        cards = {a.card, b.card}
        if cards <= {"explicit", "implicit", "required"}:
            breaks = BACKWARD if b.card == "required" else FORWARD
            why = ("a required field must be present when a message is parsed: "
                   + ("data written with the old schema may lack it" if b.card == "required"
                      else "writers using the new schema may leave it out"))
        elif cards == {"repeated", "map"}:
            breaks = BOTH
            why = "maps are JSON objects and repeated fields JSON arrays"
        else:
            breaks = BOTH
            why = ("a singular reader keeps only the last of several values (and cannot "
                   "parse a packed run of scalars), a repeated reader turns one value into "
                   "a list")
        rule = ("FIELD_WIRE_COMPATIBLE_CARDINALITY" if wire
                else "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY")
        self.add(rule, breaks, path,
                 f"field {b.number} ({b.f.name!r}) changed cardinality from "
                 f"{_CARD_TEXT[a.card]} to {_CARD_TEXT[b.card]}: {why}",
                 a.decl, b.decl, b.f)

    def kinds(self, ok: str, oname: str, nk: str, nname: str, path: str,
              node: ir.Field, reuse: str) -> None:
        """Type change of one value (a field, a map key or a map value)."""
        if ok not in _WIRE_GROUP or nk not in _WIRE_GROUP:
            return  # not from the protobuf front end: nothing to compare
        old_s, new_s = oname or ok, nname or nk
        wire_ok = _WIRE_GROUP[ok] == _WIRE_GROUP[nk] or (ok, nk) == ("string", "bytes")
        json_ok = _JSON_GROUP[ok] == _JSON_GROUP[nk]
        bytes_to_string = (ok, nk) == ("bytes", "string")
        if not wire_ok:
            breaks = BACKWARD if bytes_to_string else BOTH
            if bytes_to_string:
                why = ("bytes written with the old schema need not be valid UTF-8, and "
                       "string fields reject invalid UTF-8")
            elif _ENCODING[ok] == _ENCODING[nk]:
                why = (f"both are {_ENCODING[ok]} on the wire, but buf keeps {ok} and {nk} "
                       "apart: " + ("numbers need not be values of the enum"
                                    if "enum" in (ok, nk) else
                                    "bool, enum and integer values are not interchangeable"))
            else:
                why = (f"{ok} is {_ENCODING[ok]} and {nk} is {_ENCODING[nk]} on the wire, "
                       "so each side misreads or drops the other's values")
            self.add("FIELD_WIRE_COMPATIBLE_TYPE", breaks, path,
                     f"type changed from {old_s} to {new_s}{reuse}: {why}", old_s, new_s, node)
        if not json_ok and (wire_ok or bytes_to_string):
            # JSON-only, or (bytes -> string) breaking JSON in more directions than the wire
            self.add(
                "FIELD_WIRE_JSON_COMPATIBLE_TYPE", BOTH, path,
                f"type changed from {old_s} to {new_s}{reuse}: "
                + ("compatible on the wire, but " if wire_ok else "")
                + f"in JSON {ok} is {_JSON_FORM[ok]} and {nk} is {_JSON_FORM[nk]}",
                old_s, new_s, node)
        if not wire_ok or not json_ok:
            return
        if ok == nk and ok in ("message", "group", "enum") and oname != nname:
            if ok == "enum" and self.enum_superset(oname, nname):
                return  # buf: same short name, every old value kept
            self.add(
                "FIELD_SAME_TYPE", BOTH, path,
                f"{ok} type changed from {oname} to {nname}{reuse}: the field now holds "
                f"another {ok} type, whose fields/values need not match what was written",
                oname, nname, node)

    def enum_superset(self, old_name: str, new_name: str) -> bool:
        """buf's rule for an enum field changing enum type: same short name, and the new
        enum has every (name, number) of the old one."""
        if old_name.rpartition(".")[2] != new_name.rpartition(".")[2]:
            return False
        oe = next((t for t in self.old.values()
                   if isinstance(t, ir.Enum) and _pname(t) == old_name), None)
        ne = next((t for t in self.new.values()
                   if isinstance(t, ir.Enum) and _pname(t) == new_name), None)
        if oe is None or ne is None:
            return False
        return set(zip(oe.symbols, _values(oe))) <= set(zip(ne.symbols, _values(ne)))

    def reserved(self, rule: str, o: ir.Named, n: ir.Named, path: str) -> None:
        onums, onames = _reserved(o)
        nnums, nnames = _reserved(n)
        lost = _uncovered(onums, nnums)
        lost_names = sorted(onames - nnames)
        if not lost and not lost_names:
            return
        parts = []
        if lost:
            parts.append(f"numbers {_range_text(lost)}")
        if lost_names:
            parts.append("names " + ", ".join(repr(x) for x in lost_names))
        what = " and ".join(parts)
        self.add(
            rule, BOTH, path,
            f"reserved {what} of {_pname(n)} are no longer reserved: they were reserved "
            "because data written earlier still uses them, and a new field or value taking "
            "them would misread it", _reserved_text(o), _reserved_text(n), n)

    # ------------------------------------------------------------------ enums

    def enum(self, o: ir.Enum, n: ir.Enum) -> None:
        path = n.name
        onames = _names_by_number(o)
        nnames = _names_by_number(n)
        res_nums, res_names = _reserved(n)
        for num, names in onames.items():
            if num in nnames:
                if not set(nnames[num]) <= set(names):
                    self.add(
                        "ENUM_VALUE_SAME_NAME", BOTH, f"{path}.{nnames[num][0]}",
                        f"enum value {num} of {_pname(n)} changed name from "
                        f"{' / '.join(names)} to {' / '.join(nnames[num])}: JSON and the text "
                        "format carry value names", " / ".join(names),
                        " / ".join(nnames[num]), n)
                continue
            vpath = f"{path}.{names[0]}"
            shown = f"{' / '.join(names)} = {num}"
            if not _in_ranges(num, res_nums):
                self.add(
                    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", BOTH, vpath,
                    f"enum value {shown} was deleted without reserving number {num} (add "
                    f"'reserved {num};'): data already written still holds {num}, and a later "
                    "value reusing the number would give it another meaning", shown, None, o)
            missing = [x for x in names if x not in res_names]
            if missing:
                self.add(
                    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", BOTH, vpath,
                    f"enum value {shown} was deleted without reserving the name"
                    f"{'s' if len(missing) > 1 else ''} "
                    + ", ".join(repr(x) for x in missing)
                    + ": JSON written with the old schema still uses it", shown, None, o)
        self.reserved("RESERVED_ENUM_NO_DELETE", o, n, path)


def _values(e: ir.Enum) -> tuple[int, ...]:
    return e.values if e.values is not None else tuple(range(len(e.symbols)))


def _names_by_number(e: ir.Enum) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for sym, num in zip(e.symbols, _values(e)):
        out.setdefault(num, []).append(sym)
    return out


def _default_text(f: _Field) -> str:
    if f.default is not None:
        return f.default
    return f"{f.effective!r} (the type's default)"


def category_of(rule: str) -> Category:
    """``WIRE`` for a rule of buf's WIRE category (it breaks the binary encoding, and so
    JSON too), ``WIRE_JSON`` for a rule only the WIRE_JSON category has."""
    return "WIRE" if rules.RULES[rule].category == "WIRE" else "WIRE_JSON"


def check(old: ir.Schema, new: ir.Schema, category: Category = "WIRE_JSON") -> list[Finding]:
    """Every finding of buf's ``category`` rules between two versions of protobuf schemas.

    ``WIRE_JSON`` (the default) reports everything; ``WIRE`` only the findings whose
    category is ``WIRE`` (the same as ignoring the category ``WIRE_JSON``)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown protobuf rule category {category!r} "
                         f"(expected one of {', '.join(CATEGORIES)})")
    c = _Checker(old, new, category)
    c.files()
    old_by = {_pname(t): t for t in old.types.values()}
    for nt in new.types.values():
        ot = old_by.get(_pname(nt))
        if isinstance(nt, ir.Record) and isinstance(ot, ir.Record):
            c.message(ot, nt)
        elif isinstance(nt, ir.Enum) and isinstance(ot, ir.Enum):
            c.enum(ot, nt)
    return c.findings


def _package_line(file: str | None, first_type: ir.Named) -> int | None:
    """The line of the ``package`` statement of ``file`` (the new one), else the line of the
    file's first type (a file whose package was removed): a finding always has a line."""
    if file:
        try:
            text = Path(file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        for i, line in enumerate(text.splitlines(), 1):
            if re.match(r"\s*package\s", line):
                return i
    return first_type.location.line or None if first_type.location else None
