"""IR -> Arrow/Parquet types, following DESIGN.md's Parquet layout rules.

* lists are 3-level ``list``/``element`` (pyarrow writes that layout; the item
  field is named ``element`` so the Arrow schema matches what comes back);
* maps are ``key_value``/``key``/``value`` with required keys;
* ``Nullable(Union_)``/``Union_`` become a struct of optional ``member0..N``;
* enums are strings (pyarrow cannot write the ENUM annotation: the footer's
  ``schemagen.schema`` records that the column is an enum);
* Interval is FIXED_LEN_BYTE_ARRAY(12) -- the physical form of Parquet
  INTERVAL (months, days, millis as little-endian uint32); pyarrow cannot write
  the INTERVAL annotation itself;
* field ids, when the IR has them, go to ``PARQUET:field_id``.

Also renders each Arrow type as Python source, for generated ``arrow_schema()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_never

from .. import ir
from .._pyarrow import pa
from ..errors import ParquetMappingError
from .parquet import FIELD_ID_KEY

__all__ = ["FIELD_ID_KEY", "ArrowMapper", "check_representable", "render_field", "render_type"]

_INT = {
    (8, True): pa.int8(), (16, True): pa.int16(), (32, True): pa.int32(), (64, True): pa.int64(),
    (8, False): pa.uint8(), (16, False): pa.uint16(), (32, False): pa.uint32(),
    (64, False): pa.uint64(),
}
_FLOAT = {16: pa.float16(), 32: pa.float32(), 64: pa.float64()}


def _check_units(t: ir.Time | ir.Timestamp | ir.Duration) -> None:
    if t.unit not in ir.UNITS:
        raise ParquetMappingError(f"unknown time unit {t.unit!r}")


class ArrowMapper:
    """Maps IR types of one schema (named types by full name) to Arrow types."""

    def __init__(self, types: Mapping[str, ir.Named]) -> None:
        self.types = types

    def schema(self, record_name: str, metadata: Mapping[str, str] | None = None) -> pa.Schema:
        rec = self._record(record_name)
        check_representable(self.types, record_name)
        fields = [self.field(f) for f in rec.fields]
        return pa.schema(fields, metadata=dict(metadata) if metadata else None)

    def _record(self, name: str) -> ir.Record:
        t = self.types.get(name)
        if not isinstance(t, ir.Record):
            raise ParquetMappingError(f"unknown record {name!r}")
        return t

    def field(self, f: ir.Field) -> pa.Field:
        inner, nullable = ir.strip_nullable(f.type)
        meta = None
        if f.field_id is not None:
            meta = {FIELD_ID_KEY: str(f.field_id).encode()}
        return pa.field(f.name, self.type(inner), nullable=nullable, metadata=meta)

    def _child(self, name: str, t: ir.Type) -> pa.Field:
        inner, nullable = ir.strip_nullable(t)
        return pa.field(name, self.type(inner), nullable=nullable)

    def type(self, t: ir.Type) -> pa.DataType:  # noqa: C901 - one branch per node
        match t:
            case ir.Nullable(inner):
                return self.type(inner)
            case ir.Null():
                return pa.null()
            case ir.Bool():
                return pa.bool_()
            case ir.Int(bits, signed):
                return _INT[(bits, signed)]
            case ir.Float(bits):
                return _FLOAT[bits]
            case ir.String() | ir.Json() | ir.EnumRef():
                return pa.string()
            case ir.Bytes():
                return pa.binary()
            case ir.Fixed(size):
                if not 0 < size < 2**31:
                    raise ParquetMappingError(
                        f"fixed size {size}: Parquet FIXED_LEN_BYTE_ARRAY needs 1 to 2**31-1 bytes"
                    )
                return pa.binary(size)
            case ir.Decimal():
                return _decimal(t)
            case ir.Date():
                return pa.date32()
            case ir.Time(unit):
                _check_units(t)
                return pa.time32(unit) if unit in ("s", "ms") else pa.time64(unit)
            case ir.Timestamp(unit, utc):
                _check_units(t)
                return pa.timestamp(unit, tz="UTC" if utc else None)
            case ir.Duration(unit):
                _check_units(t)
                return pa.duration(unit)
            case ir.Interval():
                return pa.binary(12)
            case ir.Uuid():
                return pa.uuid()
            case ir.RecordRef(name):
                return pa.struct([self.field(f) for f in self._record(name).fields])
            case ir.List(item):
                return pa.list_(self._child("element", item))
            case ir.Map(key, value):
                key, key_nullable = ir.strip_nullable(key)
                if key_nullable:
                    raise ParquetMappingError("Parquet map keys cannot be null")
                return pa.map_(self.type(key), self._child("value", value))
            case ir.Union_(members):
                return pa.struct([pa.field(f"member{i}", self.type(m), nullable=True)
                                  for i, m in enumerate(members)])
            case _:
                assert_never(t)


def _decimal(t: ir.Decimal) -> pa.DataType:
    if not 0 < t.precision <= 76 or not 0 <= t.scale <= t.precision:
        raise ParquetMappingError(
            f"decimal({t.precision}, {t.scale}): Arrow decimals hold 1 to 76 digits "
            "with 0 <= scale <= precision"
        )
    if t.precision <= 38:
        return pa.decimal128(t.precision, t.scale)
    return pa.decimal256(t.precision, t.scale)


def check_representable(types: Mapping[str, ir.Named], record_name: str,
                         cycles: dict[str, list[str] | None] | None = None) -> None:
    """Raise ParquetMappingError if ``record_name`` cannot become a Parquet schema.

    ``cycles`` memoises :func:`ir.find_cycle` per record across calls (the caller
    owns it; it must only be shared between calls with the same ``types``).
    """
    all_types = types if isinstance(types, dict) else dict(types)
    for name in ir.closure(all_types, record_name):
        t = all_types[name]
        if not isinstance(t, ir.Record):
            continue
        if cycles is None:
            cycle = ir.find_cycle(all_types, name)
        elif name in cycles:
            cycle = cycles[name]
        else:
            cycle = cycles[name] = ir.find_cycle(all_types, name)
        if cycle:
            via = "" if name == record_name else f" (reached from {record_name})"
            raise ParquetMappingError(
                f"record {name}{via} is recursive: {_cycle_text(cycle)}; Parquet cannot "
                "represent recursive types (keep the recursive part in another record, "
                "or store it as JSON/bytes)"
            )
        if not t.fields:
            raise ParquetMappingError(
                f"record {name} has no fields; Parquet cannot store an empty group"
            )


def _cycle_text(cycle: list[str]) -> str:
    out = cycle[0]
    for i in range(1, len(cycle), 2):
        out += f".{cycle[i]} -> {cycle[i + 1]}"
    return out


# --------------------------------------------------------------------------- rendering


def render_type(t: pa.DataType, pa_name: str = "_pa") -> str:  # noqa: C901
    """Python source that rebuilds ``t`` (used in generated ``arrow_schema()``)."""
    p = pa_name
    ext = getattr(t, "extension_name", None)
    if ext == "arrow.uuid":
        return f"{p}.uuid()"
    if ext is not None:
        raise ParquetMappingError(f"cannot render extension type {t}")
    if pa.types.is_struct(t):
        inner = ", ".join(render_field(t.field(i), p) for i in range(t.num_fields))
        return f"{p}.struct([{inner}])"
    if pa.types.is_map(t):
        return f"{p}.map_({render_type(t.key_type, p)}, {render_field(t.item_field, p)})"
    if pa.types.is_list(t):
        return f"{p}.list_({render_field(t.value_field, p)})"
    if pa.types.is_decimal128(t):
        return f"{p}.decimal128({t.precision}, {t.scale})"
    if pa.types.is_decimal256(t):
        return f"{p}.decimal256({t.precision}, {t.scale})"
    if pa.types.is_timestamp(t):
        tz = f", tz={t.tz!r}" if t.tz else ""
        return f"{p}.timestamp({t.unit!r}{tz})"
    if pa.types.is_time32(t):
        return f"{p}.time32({t.unit!r})"
    if pa.types.is_time64(t):
        return f"{p}.time64({t.unit!r})"
    if pa.types.is_duration(t):
        return f"{p}.duration({t.unit!r})"
    if pa.types.is_fixed_size_binary(t):
        return f"{p}.binary({t.byte_width})"
    simple = {
        pa.null(): "null", pa.bool_(): "bool_", pa.int8(): "int8", pa.int16(): "int16",
        pa.int32(): "int32", pa.int64(): "int64", pa.uint8(): "uint8", pa.uint16(): "uint16",
        pa.uint32(): "uint32", pa.uint64(): "uint64", pa.float16(): "float16",
        pa.float32(): "float32", pa.float64(): "float64", pa.string(): "string",
        pa.binary(): "binary", pa.date32(): "date32",
    }
    for k, v in simple.items():
        if t == k:
            return f"{p}.{v}()"
    raise ParquetMappingError(f"cannot render Arrow type {t}")


def render_field(f: pa.Field, pa_name: str = "_pa") -> str:
    args = [repr(f.name), render_type(f.type, pa_name)]
    if not f.nullable:
        args.append("nullable=False")
    if f.metadata:
        items = ", ".join(f"{k!r}: {v!r}" for k, v in sorted(f.metadata.items()))
        args.append(f"metadata={{{items}}}")
    return f"{pa_name}.field({', '.join(args)})"
