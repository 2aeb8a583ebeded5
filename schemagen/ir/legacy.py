"""Old ``schemagen.schema`` JSON -> typed facets.

Before the typed facets, front ends kept format facts as ``metadata`` strings
(:mod:`schemagen.ir.keys`, ``LEGACY_*``).  Footers of files written then and
``schemas.lock.json`` snapshots still carry them; :mod:`schemagen.ir.serde`
passes each definition's metadata through these functions, so an old document
loads to the same IR the front end builds today.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemagen.ir import keys
from schemagen.ir.origin import Origin, ProtobufOrigin, SqlOrigin, ThriftOrigin, ThriftRequiredness
from schemagen.ir.schema import Oneof, Presence

Meta = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class FieldFacts:
    metadata: Meta
    json_name: str = ""
    presence: Presence | None = None
    origin: Origin | None = None


def _split(meta: Meta, prefix: str) -> tuple[dict[str, list[str]], Meta]:
    """The ``prefix`` keys of ``meta`` (without the prefix, each with its values in order),
    and the rest.  Thrift annotations are never legacy keys."""
    found: dict[str, list[str]] = {}
    rest: list[tuple[str, str]] = []
    for k, v in meta:
        if k.startswith(prefix) and not k.startswith(keys.THRIFT_ANNOTATION):
            found.setdefault(k[len(prefix):], []).append(v)
        else:
            rest.append((k, v))
    return found, tuple(rest)


def _one(found: dict[str, list[str]], key: str) -> str | None:
    vals = found.get(key)
    return vals[0] if vals else None


def ranges(text: str | None) -> tuple[tuple[int, int], ...]:
    """``"2,5-7"`` -> ``((2, 2), (5, 7))`` (inclusive; malformed parts are dropped)."""
    out: list[tuple[int, int]] = []
    for part in (text or "").split(","):
        lo, _, hi = part.strip().partition("-")
        try:
            out.append((int(lo), int(hi) if hi else int(lo)))
        except ValueError:
            continue
    return tuple(sorted(out))


def field_facts(meta: Meta) -> FieldFacts:
    """A field's old metadata -> its facets (metadata without legacy keys kept as is)."""
    pb, rest = _split(meta, keys.LEGACY_PROTOBUF)
    if pb:
        return _protobuf_field(pb, rest)
    th, rest = _split(meta, keys.LEGACY_THRIFT)
    if th:
        auto = _one(th, "id")
        return FieldFacts(rest, origin=ThriftOrigin(
            requiredness=_requiredness(_one(th, "requiredness")),
            auto_id=int(auto) if auto is not None and auto.lstrip("-").isdigit() else None,
            default=_one(th, "default"), reference=_one(th, "reference") == "true",
            type=_one(th, "type") or "", typedefs=tuple(th.get("typedef", ()))))
    sql = dict(meta).get(keys.LEGACY_SQL_TYPE)
    if sql is not None:
        return FieldFacts(tuple(p for p in meta if p[0] != keys.LEGACY_SQL_TYPE),
                          origin=SqlOrigin(type=sql))
    return FieldFacts(meta)


def _requiredness(v: str | None) -> ThriftRequiredness:
    match v:
        case "required" | "optional" | "default":
            return v
        case _:
            return ""


def _protobuf_field(pb: dict[str, list[str]], rest: Meta) -> FieldFacts:
    ptype = _one(pb, "type") or ""
    label = _one(pb, "label")
    presence: Presence
    if label == "repeated" or ptype == "map":
        presence = "repeated"
    elif label == "required":
        presence = "required"
    elif _one(pb, "presence") == "explicit":
        presence = "explicit"
    else:
        presence = "implicit"
    origin = ProtobufOrigin(
        type=ptype, wkt=_one(pb, "wkt") or "", key_type=_one(pb, "key.type") or "",
        value_type=_one(pb, "value.type") or "", value_wkt=_one(pb, "value.wkt") or "",
        default=_one(pb, "default"))
    return FieldFacts(rest, _one(pb, "json_name") or "", presence, origin)


def named_facts(meta: Meta) -> tuple[Meta, Origin | None]:
    """A record's or enum's old metadata -> (metadata left, its protobuf origin)."""
    pb, rest = _split(meta, keys.LEGACY_PROTOBUF)
    if not pb:
        return meta, None
    names = _one(pb, "reserved_names")
    return rest, ProtobufOrigin(
        name=_one(pb, "name") or "", file=_one(pb, "file") or "",
        package=_one(pb, "package") or "", reserved=ranges(_one(pb, "reserved")),
        reserved_names=tuple(names.split(",")) if names else ())


def constant_facts(meta: Meta) -> tuple[Meta, Origin | None]:
    """A constant's old metadata (``thrift.type``, ``thrift.typedef``) -> its origin."""
    th, rest = _split(meta, keys.LEGACY_THRIFT)
    if not th:
        return meta, None
    return rest, ThriftOrigin(type=_one(th, "type") or "", typedefs=tuple(th.get("typedef", ())))


def oneofs(meta: Meta) -> tuple[Meta, tuple[Oneof, ...]]:
    """``schemagen.oneof.<group>`` entries -> :class:`Oneof` facets."""
    p = keys.LEGACY_ONEOF_PREFIX
    groups = tuple(Oneof(k[len(p):], tuple(v.split(","))) for k, v in meta if k.startswith(p) and v)
    return tuple((k, v) for k, v in meta if not k.startswith(p)), groups


def open_enum(meta: Meta) -> tuple[Meta, bool]:
    """``schemagen.enum=open`` -> ``Enum.open``."""
    return tuple(p for p in meta if p != keys.LEGACY_OPEN_ENUM), keys.LEGACY_OPEN_ENUM in meta

