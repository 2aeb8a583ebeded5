"""Parquet front end: the schema of a Parquet file -> IR (for files written anywhere).

Two sources, in this order:

1. the footer's ``schemagen.schema`` (files schemagen wrote): the exact IR of the
   record that wrote the file (:func:`schemagen.ir.schema_from_json`);
2. otherwise the file's own schema: the Parquet column descriptors (physical
   type, logical/converted annotation, fixed length) for the leaves, and the Arrow
   schema pyarrow reads the file as for the structure.  pyarrow already applies
   the Parquet backward-compatibility rules (legacy 2-level lists, unannotated
   repeated fields, ``MAP_KEY_VALUE``, maps without values), and the recovered
   IR mirrors exactly what pyarrow reads, so generated readers for it read the
   file column by column.

Decisions (also in ``docs/inspect.md``):

* INT96 (Impala/Spark legacy timestamps: Julian day + nanoseconds of the day, no
  time zone) -> ``Timestamp("us", utc=False)``.  pyarrow reads INT96 as
  ``timestamp[ns]`` by default, whose range (1677..2262) silently wraps the
  ``9999-12-31`` sentinels Spark writes; read with
  ``coerce_int96_timestamp_unit="us"`` they are exact.  Spark and Impala write
  whole microseconds; a sub-microsecond part would be truncated;
* legacy 2-level lists and unannotated ``repeated`` fields -> ``List`` of the
  element (a repeated group -> a list of records), never null themselves;
* a MAP whose ``key_value`` group has no ``value`` -> a ``List`` of its keys,
  in file order (the spec allows "a set of keys"; a list drops nothing, and
  is what pyarrow reads);
* decimals in every physical encoding (INT32, INT64, FIXED_LEN_BYTE_ARRAY,
  BYTE_ARRAY) -> ``Decimal(p, s)``; ``byte_size`` keeps the FLBA width;
* ``INT(8/16/32/64, signed)`` / ``UINT_8..64`` / ``INT_8..64`` -> ``Int(bits, signed)``;
  bare INT32/INT64 -> ``Int(32)``/``Int(64)`` (Impala's tinyint is a bare INT32);
* STRING/UTF8 -> ``String``; JSON -> ``Json``; UUID -> ``Uuid``; ENUM -> ``String`` (or
  ``Bytes`` when pyarrow reads it as binary; Parquet does not store the symbols, and the
  field's metadata keeps ``parquet.annotation=ENUM``); BSON and un-annotated BYTE_ARRAY ->
  ``Bytes``; FIXED_LEN_BYTE_ARRAY -> ``Fixed(n)``; INTERVAL -> ``Interval``;
  DATE -> ``Date``; TIME(unit) -> ``Time(unit)``; TIMESTAMP(utc, unit) ->
  ``Timestamp(unit, utc)``; a column annotated NULL (UNKNOWN) -> ``Null``;
* names: the root record is named after the file (``alltypes_plain.parquet`` ->
  ``AlltypesPlain``), nested records after their group (``nested_Struct`` ->
  ``NestedStruct``; a list's or map's records get ``Item``/``Value``), made
  unique within the schema; wire names (column names) are kept as they are;
  field ids (``PARQUET:field_id``) are kept.

This module only produces IR: it knows nothing about code generation.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from .. import ir
from .._pyarrow import pa, pq
from ..errors import SchemaError
from ..ir import keys
from ..ir.jsoncheck import value_fits
from ..typemap.parquet import FIELD_ID_KEY, SCHEMA_KEY, SQL_TABLE_KEY

__all__ = ["FOOTER_KEY", "Recovered", "from_footer", "from_schema", "partition_field", "recover",
           "record_name"]

FOOTER_KEY: Final = SCHEMA_KEY  # the name inspect uses
# field metadata key naming the Parquet annotation when the IR type alone loses it
ANNOTATION_KEY: Final = keys.PARQUET_ANNOTATION
_GENERIC_ITEM_NAMES: Final = frozenset({"element", "item", "array", "list", "bag", "array_element",
                                        "key_value", "map", "value", "key"})


@dataclass(frozen=True)
class Recovered:
    """The IR of one Parquet file: ``root`` record and every named type it reaches."""

    root: str
    types: dict[str, ir.Named]
    source: Literal["footer", "parquet"]
    notes: tuple[str, ...] = ()  # decisions taken for this file (legacy layouts, INT96 ...)

    @property
    def record(self) -> ir.Record:
        rec = self.types[self.root]
        assert isinstance(rec, ir.Record)
        return rec

    def schema(self, source: str = "") -> ir.Schema:
        """As an :class:`ir.Schema` (what the compiler takes)."""
        return ir.Schema(dict(self.types), {n: source for n in self.types})


# --------------------------------------------------------------------------- names


def _camel(raw: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", raw) if p]
    name = "".join(p[0].upper() + p[1:] for p in parts)
    if not name:
        return "Record"
    if name[0].isdigit():
        name = "R" + name
    return name


def record_name(path: str | Path) -> str:
    """Root record name for a file: its name without ``.parquet``, in CamelCase.

    A name without letters (a dataset fragment such as ``0_0_0.parquet``) says nothing:
    the nearest folder that is not a Hive partition (``key=value``) names the record
    (``users/0_0_1.parquet`` -> ``Users``)."""
    p = Path(path)
    name = p.name
    for suffix in (".parquet", ".parq", ".pq"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    if not re.search("[A-Za-z]", name):
        for folder in p.absolute().parents:
            if "=" in folder.name:
                continue
            if re.search("[A-Za-z]", folder.name):
                return _camel(folder.name)
            break
    return _camel(name)


# --------------------------------------------------------------------------- footer


def from_footer(metadata: Mapping[bytes, bytes] | None) -> tuple[str, dict[str, ir.Named]] | None:
    """The IR in the footer's ``schemagen.schema``, or None when there is none.

    Raises ``ValueError`` naming the problem when the value is there but unreadable.
    """
    if not metadata or FOOTER_KEY not in metadata:
        return None
    raw = metadata[FOOTER_KEY]
    try:
        root, types = ir.schema_from_json(raw.decode("utf-8"))
        rec = types[root]
        if not isinstance(rec, ir.Record):
            raise ValueError(f"its root {root!r} is not a record")
        table = metadata.get(SQL_TABLE_KEY.encode())
        if table and not rec.table:
            # footers written before Record.table kept the SQL table name only here
            types[root] = dataclasses.replace(rec, table=table.decode("utf-8", "replace"))
        # the text is untrusted: it must describe a schema that maps to Parquet, and that
        # the code generator can compile (distinct names, defaults of the field's type)
        from ..typemap.arrow import ArrowMapper

        ArrowMapper(types).schema(root)
        for name in ir.closure(types, root):
            _check_named(types, types[name])
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError,
            AttributeError, IndexError, RecursionError, SchemaError) as exc:
        raise ValueError(f"unreadable schemagen.schema footer value ({type(exc).__name__}: "
                         f"{exc})") from None
    except Exception as exc:  # ParquetMappingError and anything a hostile IR provokes
        raise ValueError(f"schemagen.schema footer value is not a usable schema ({exc})") from None
    return root, types


def _check_named(types: Mapping[str, ir.Named], t: ir.Named) -> None:
    """ValueError naming what is wrong with one definition of an untrusted IR."""
    if isinstance(t, ir.Enum):
        syms = t.symbols
        if not syms or not all(isinstance(x, str) and x for x in syms):
            raise ValueError(f"enum {t.name}: symbols must be non-empty strings, got {syms!r}")
        if len(set(syms)) != len(syms):
            raise ValueError(f"enum {t.name}: duplicate symbols in {syms!r}")
        if t.default is not None and t.default not in syms:
            raise ValueError(f"enum {t.name}: default {t.default!r} is not one of its symbols")
        if t.values is not None and (
                len(t.values) != len(syms)
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in t.values)):
            raise ValueError(f"enum {t.name}: values {t.values!r} do not match its symbols")
        return
    names = [f.name for f in t.fields]
    if not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"record {t.name}: field names must be non-empty strings")
    if len(set(names)) != len(names):
        dup = sorted(n for n, k in collections.Counter(names).items() if k > 1)[0]
        raise ValueError(f"record {t.name}: several fields named {dup!r}")
    for f in t.fields:
        if f.has_default and not value_fits(types, f.default, f.type):
            raise ValueError(f"record {t.name}, field {f.name}: default {f.default!r} is not "
                             f"a value of its type")


# --------------------------------------------------------------------------- Parquet schema


@dataclass(frozen=True)
class _Leaf:
    """What the Parquet column descriptor says about one leaf column."""

    path: str
    physical: str
    logical: dict[str, Any]
    converted: str
    length: int

    @classmethod
    def of(cls, col: Any) -> _Leaf:
        try:
            logical = json.loads(col.logical_type.to_json())
        except (ValueError, AttributeError):
            logical = {}
        if not isinstance(logical, dict):
            logical = {}
        return cls(str(col.path), str(col.physical_type), logical, str(col.converted_type),
                   int(col.length or 0))

    @property
    def annotation(self) -> str:
        lt = str(self.logical.get("Type", "None"))
        if lt not in ("None", "none", ""):
            return lt.upper()
        return "" if self.converted in ("NONE", "None") else self.converted

    def describe(self) -> str:
        phys = self.physical
        if phys == "FIXED_LEN_BYTE_ARRAY":
            phys += f"({self.length})"
        ann = self.annotation
        return f"{phys} {ann}" if ann else phys


class _Walker:
    def __init__(self, columns: list[_Leaf], namespace: str) -> None:
        self.columns = columns
        self.pos = 0
        self.namespace = namespace
        self.types: dict[str, ir.Named] = {}
        self.notes: list[str] = []

    # names ------------------------------------------------------------------

    def full(self, short: str) -> str:
        return f"{self.namespace}.{short}" if self.namespace else short

    def new_name(self, hint: str, parent: str) -> str:
        cands = [hint, _camel(parent) + hint]
        for c in cands:
            if self.full(c) not in self.types:
                return self.full(c)
        i = 2
        while self.full(f"{cands[1]}{i}") in self.types:
            i += 1
        return self.full(f"{cands[1]}{i}")

    # structure --------------------------------------------------------------

    def record(self, name: str, fields: list[Any], path: str) -> str:
        full = name
        counts = collections.Counter(f.name for f in fields)
        dup = sorted(n for n, k in counts.items() if k > 1)
        if dup:
            raise SchemaError(f"the group has several columns named {dup[0]!r}; a record's "
                              "fields need distinct names", path=path or "<root>")
        self.types[full] = ir.Record(full, ())  # reserve the name first (children see it taken)
        out = tuple(self.field(f, f"{path}.{f.name}" if path else f.name, full) for f in fields)
        if not out:
            raise SchemaError("a group with no fields cannot be a record", path=path or "<root>")
        where = f" (group {path})" if path else ""
        self.types[full] = ir.Record(full, out, doc=f"Recovered from a Parquet schema{where}.")
        return full

    def field(self, f: Any, path: str, owner: str) -> ir.Field:
        meta = f.metadata or {}
        fid: int | None = None
        raw = meta.get(FIELD_ID_KEY)
        if raw is not None:
            try:
                fid = int(raw)
            except ValueError:
                fid = None
        start = self.pos
        t = self.type(f.type, f.nullable, path, f.name, owner)
        doc = ""
        extra: tuple[tuple[str, str], ...] = ()
        if self.pos == start + 1 and not _is_nested(f.type):
            leaf = self.columns[start]
            doc = f"Parquet {leaf.describe()}."
            if leaf.annotation in ("ENUM", "BSON") or (
                leaf.annotation == "JSON" and not isinstance(ir.strip_nullable(t)[0], ir.Json)
            ):
                extra = ((ANNOTATION_KEY, leaf.annotation),)
        return ir.Field(name=f.name, type=t, doc=doc, field_id=fid, metadata=extra)

    def type(self, t: Any, nullable: bool, path: str, name: str, owner: str,
             suffix: str = "") -> ir.Type:
        inner = self.bare(t, path, name, owner, suffix)
        if nullable and not isinstance(inner, ir.Null):
            return ir.Nullable(inner)
        return inner

    def bare(self, t: Any, path: str, name: str, owner: str, suffix: str) -> ir.Type:
        """``name`` (+ ``suffix``) names a record found here: the field's name, with
        ``Item`` for a list's element (or the element's own name when it has a
        real one, e.g. ``phone``) and ``Value`` for a map's value."""
        T = pa.types
        if T.is_struct(t):
            parent = owner.rpartition(".")[2]
            rec = self.record(self.new_name(_camel(name) + suffix, parent),
                              [t.field(i) for i in range(t.num_fields)], path)
            return ir.RecordRef(rec)
        if T.is_map(t):
            kf, vf = t.key_field, t.item_field
            key = self.type(kf.type, False, f"{path}.key", name, owner, "Key")
            value = self.type(vf.type, vf.nullable, f"{path}.value", name, owner, "Value")
            return ir.Map(key, value)
        if T.is_list(t) or T.is_large_list(t) or T.is_fixed_size_list(t) or _is_list_view(t):
            vf = t.value_field
            before = self.pos
            if vf.name.lower() in _GENERIC_ITEM_NAMES or vf.name == name:
                item = self.type(vf.type, vf.nullable, f"{path}[]", name, owner, suffix or "Item")
            else:  # a repeated group with a name of its own (unannotated repeated field)
                item = self.type(vf.type, vf.nullable, f"{path}[]", vf.name, owner, "")
            leaf = self.columns[before] if before < len(self.columns) else None
            if leaf is not None and not _is_nested(vf.type):
                parts = leaf.path.split(".")
                if len(parts) >= 3 and parts[-2] == "key_value" and parts[-1] == "key":
                    self.notes.append(f"{path}: MAP without a value field -> list of its keys")
            return ir.List(item)
        if T.is_dictionary(t):
            return self.bare(t.value_type, path, name, owner, suffix)
        return self.leaf(t, path)

    def leaf(self, t: Any, path: str) -> ir.Type:  # noqa: C901 - one branch per type
        if self.pos >= len(self.columns):
            raise SchemaError("the Arrow schema has more leaves than the file has columns",
                              path=path)
        col = self.columns[self.pos]
        self.pos += 1
        T = pa.types
        ext = getattr(t, "extension_name", None)
        if ext == "arrow.uuid":
            return ir.Uuid()
        if ext == "arrow.json":
            return ir.Json()
        if ext is not None:
            self.notes.append(f"{path}: Arrow extension type {ext} read as its storage type")
            t = t.storage_type
        ann = col.annotation
        if col.physical == "INT96":
            self.notes.append(f"{path}: INT96 legacy timestamp -> timestamp(us), no time zone")
            return ir.Timestamp("us", utc=False)
        if T.is_null(t):
            return ir.Null()
        if T.is_boolean(t):
            return ir.Bool()
        if T.is_integer(t):
            return ir.Int(t.bit_width, signed=T.is_signed_integer(t))
        if T.is_floating(t):
            return ir.Float(t.bit_width)
        if T.is_decimal(t):
            size = col.length if col.physical == "FIXED_LEN_BYTE_ARRAY" else None
            return ir.Decimal(t.precision, t.scale, size)
        if T.is_string(t) or T.is_large_string(t) or _is(t, "is_string_view"):
            return ir.Json() if ann == "JSON" else ir.String()
        if T.is_binary(t) or T.is_large_binary(t) or _is(t, "is_binary_view"):
            return ir.Bytes()
        if T.is_fixed_size_binary(t):
            if ann == "INTERVAL" and t.byte_width == 12:
                return ir.Interval()
            if ann == "UUID" and t.byte_width == 16:
                return ir.Uuid()
            return ir.Fixed(t.byte_width)
        if T.is_date(t):
            return ir.Date()
        if T.is_time(t):
            return ir.Time(t.unit)
        if T.is_timestamp(t):
            return ir.Timestamp(t.unit, utc=t.tz is not None)
        if T.is_duration(t):
            return ir.Duration(t.unit)
        raise SchemaError(f"column of Arrow type {t} ({col.describe()}) has no schemagen "
                          "equivalent", path=path)


def _is(t: Any, pred: str) -> bool:
    fn = getattr(pa.types, pred, None)
    return bool(fn(t)) if fn is not None else False


def _is_list_view(t: Any) -> bool:
    return _is(t, "is_list_view") or _is(t, "is_large_list_view")


def _is_nested(t: Any) -> bool:
    T = pa.types
    if T.is_dictionary(t):
        return False
    return bool(T.is_nested(t))


def from_schema(parquet_schema: Any, arrow_schema: Any, name: str,
                namespace: str = "") -> Recovered:
    """The IR of a Parquet schema (``ParquetFile.schema`` and ``.schema_arrow``).

    ``name`` is the root record's short name.  Raises :class:`SchemaError` for a
    column that has no IR equivalent.
    """
    columns = [_Leaf.of(parquet_schema.column(i)) for i in range(len(parquet_schema))]
    w = _Walker(columns, namespace)
    root = w.record(w.full(name), list(arrow_schema), "")
    if w.pos != len(columns):
        raise SchemaError(f"the file has {len(columns)} leaf columns but its Arrow schema "
                          f"{w.pos}: cannot line them up")
    # the root first, then records in the order they were found
    order = [root, *[n for n in w.types if n != root]]
    return Recovered(root, {n: w.types[n] for n in order}, "parquet", tuple(w.notes))


def recover(path: str | Path, pf: Any = None, namespace: str = "",
            name: str | None = None,
            partitions: Mapping[str, Sequence[str | None]] | None = None) -> Recovered:
    """The IR of a Parquet file: from its ``schemagen.schema`` footer if it has a
    readable one, else from its Parquet schema.

    ``pf`` is an open ``pyarrow.parquet.ParquetFile`` (opened here when None).
    ``partitions``: the Hive partition keys of the dataset the file is in (``key=value/``
    folders) with their values; the file has no column for them.  A footer record is
    accepted when its fields are the file's columns plus these keys; an IR recovered
    from the Parquet schema gets a field per key (see :func:`partition_field`).
    """
    parts = dict(partitions or {})
    if pf is None:
        pf = pq.ParquetFile(str(path), coerce_int96_timestamp_unit="us")
    notes: list[str] = []
    meta = pf.schema_arrow.metadata
    try:
        found = from_footer(meta)
    except ValueError as exc:
        found = None
        notes.append(f"{exc}; recovered from the Parquet schema instead")
    if found is not None:
        root_rec = found[1][found[0]]
        assert isinstance(root_rec, ir.Record)
        wanted = [f.name for f in root_rec.fields]
        if [w for w in wanted if w not in parts] == list(pf.schema_arrow.names) and all(
                k in wanted for k in parts):
            differ = _differing_columns(found[1], found[0], pf.schema_arrow)
            if not differ:
                return Recovered(found[0], found[1], "footer")
            notes.append(f"the footer's schemagen.schema ({found[0]}) gives other types than the "
                         f"file's columns ({'; '.join(differ)}); recovered from the Parquet "
                         "schema instead")
        else:
            notes.append(f"the footer's schemagen.schema ({found[0]}: {', '.join(wanted)}) does "
                         "not match the file's columns; recovered from the Parquet schema instead")
    try:
        rec = from_schema(pf.schema, pf.schema_arrow, name or record_name(path), namespace)
    except SchemaError as exc:
        raise SchemaError(exc.message, str(path), path=exc.path) from None
    types = dict(rec.types)
    root = types[rec.root]
    assert isinstance(root, ir.Record)
    extra = [partition_field(k, v) for k, v in parts.items()
             if k not in {f.name for f in root.fields}]
    if extra:
        types[rec.root] = ir.Record(root.name, root.fields + tuple(extra), doc=root.doc)
        notes.append(f"Hive partition folders ({', '.join(f.name + '=' for f in extra)}) "
                     "-> fields " + ", ".join(
                         f"{f.name}: {'int64' if _is_int(f.type) else 'string'}"
                         for f in extra))
    return Recovered(rec.root, types, rec.source, tuple(notes) + rec.notes)


def _differing_columns(types: dict[str, ir.Named], root: str, file_schema: Any) -> list[str]:
    """Columns whose Arrow type under the footer's IR is not the file's (the footer is
    untrusted: a record that names the right columns with other types would give a
    generated reader that cannot read the file)."""
    from ..typemap.arrow import ArrowMapper

    mapped = ArrowMapper(types).schema(root)
    out = []
    for field in file_schema:
        if field.name in mapped.names:
            want = mapped.field(field.name).type
            if not want.equals(field.type):
                out.append(f"{field.name}: {want} in the footer, {field.type} in the file")
    return out


_INT64: Final = (-(2**63), 2**63 - 1)


def _is_int(t: ir.Type) -> bool:
    return isinstance(ir.strip_nullable(t)[0], ir.Int)


def partition_field(key: str, values: Sequence[str | None]) -> ir.Field:
    """The field for a Hive partition key: ``int64`` when every value is an integer
    written canonically (``7``, ``-3``; not ``007``, which would lose its zeros), else
    ``string``; always nullable (``__HIVE_DEFAULT_PARTITION__`` is null)."""
    texts = [v for v in values if v is not None]

    def canonical_int(v: str) -> bool:
        try:
            n = int(v, 10)
        except ValueError:
            return False
        return str(n) == v and _INT64[0] <= n <= _INT64[1]

    t: ir.Type = ir.Int(64) if texts and all(map(canonical_int, texts)) else ir.String()
    return ir.Field(name=key, type=ir.Nullable(t), default=None,
                    doc=f"Hive partition folder {key}=... (not a column of the files).")
