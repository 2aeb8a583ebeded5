"""How schemagen's writer stores an IR type in Parquet, for the SQL registry's tables.

Derived from the Arrow mapping (:class:`schemagen.typemap.arrow.ArrowMapper`): the
IR type's Arrow type is what the writer hands pyarrow, and :func:`parquet_type`
describes the Parquet physical type and annotation pyarrow writes for it (with the
writer's options: decimals stored as integers, seconds coerced to milliseconds).
Where pyarrow cannot write an annotation (ENUM, INTERVAL, JSON) the note says what
the file gets instead.  Groups (lists, maps, records, unions) follow DESIGN.md's
layout rules, which the Arrow mapping implements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, assert_never

from schemagen import ir
from schemagen._pyarrow import pa
from schemagen.typemap.arrow import ArrowMapper

__all__ = ["UNIT_WORDS", "ParquetType", "arrow_type_text", "parquet_type"]

UNIT_WORDS: Final[dict[str, str]] = {"s": "seconds", "ms": "milliseconds",
                                     "us": "microseconds", "ns": "nanoseconds"}
# the Parquet unit pyarrow writes for an Arrow unit (seconds are coerced to milliseconds)
_PQ_UNITS: Final = {"s": "MILLIS", "ms": "MILLIS", "us": "MICROS", "ns": "NANOS"}


@dataclass(frozen=True)
class ParquetType:
    """How schemagen's writer stores an IR type: physical type, annotation, remarks."""

    physical: str
    logical: str = ""
    note: str = ""

    def __str__(self) -> str:
        return f"{self.physical} ({self.logical})" if self.logical else self.physical


def parquet_type(t: ir.Type) -> ParquetType:  # noqa: C901 - one branch per node
    """The Parquet physical type and annotation schemagen writes for IR type ``t``."""
    inner, _ = ir.strip_nullable(t)
    match inner:
        case ir.List():
            return ParquetType("group", "LIST", "3-level list/element")
        case ir.Map():
            return ParquetType("group", "MAP", "key_value/key/value, required keys")
        case ir.RecordRef():
            return ParquetType("group")
        case ir.Union_():
            return ParquetType("group", "", "optional member0..N (parquet-avro's layout)")
        case ir.Json():
            return _with_note(inner, "JSON text; written as STRING, not with the JSON annotation")
        case ir.EnumRef():
            return _with_note(inner, "pyarrow cannot write the ENUM annotation; the footer's "
                                     "schemagen.schema records the enum")
        case ir.Interval():
            return _with_note(inner, "the physical form of INTERVAL (months, days, milliseconds "
                                     "as little-endian uint32); pyarrow cannot write the "
                                     "INTERVAL annotation")
        case (ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes()
              | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
              | ir.Duration() | ir.Uuid()):
            return _of_arrow(ArrowMapper({}).type(inner))
        case ir.Nullable():  # pragma: no cover - stripped above
            raise AssertionError("nested Nullable")
        case _:
            assert_never(inner)


def _with_note(t: ir.Type, note: str) -> ParquetType:
    p = _of_arrow(ArrowMapper({}).type(t))
    return ParquetType(p.physical, p.logical, note)


def _of_arrow(a: Any) -> ParquetType:  # noqa: C901, PLR0911 - one branch per Arrow leaf type
    """What pyarrow writes for the Arrow leaf type ``a`` (schemagen's writer options)."""
    types = pa.types
    if types.is_null(a):
        return ParquetType("INT32", "UNKNOWN", "always null")
    if types.is_boolean(a):
        return ParquetType("BOOLEAN")
    if types.is_integer(a):
        return _int(a.bit_width, types.is_signed_integer(a))
    if types.is_float16(a):
        return ParquetType("FIXED_LEN_BYTE_ARRAY(2)", "FLOAT16")
    if types.is_floating(a):
        return ParquetType("FLOAT" if a.bit_width == 32 else "DOUBLE")
    if types.is_string(a):
        return ParquetType("BYTE_ARRAY", "STRING", "converted type UTF8")
    if types.is_binary(a):
        return ParquetType("BYTE_ARRAY")
    if types.is_fixed_size_binary(a) and not types.is_decimal(a):
        return ParquetType(f"FIXED_LEN_BYTE_ARRAY({a.byte_width})")
    if types.is_decimal(a):
        return _decimal(a.precision, a.scale)
    if types.is_date32(a):
        return ParquetType("INT32", "DATE")
    if types.is_time(a):
        return _time(a.unit)
    if types.is_timestamp(a):
        return _timestamp(a.unit, a.tz is not None)
    if types.is_duration(a):
        return ParquetType("INT64", "", f"Parquet has no duration type: the count of "
                                        f"{UNIT_WORDS[a.unit]}; Arrow restores the duration "
                                        "from the ARROW:schema footer")
    if getattr(a, "extension_name", None) == "arrow.uuid":
        return ParquetType("FIXED_LEN_BYTE_ARRAY(16)", "UUID")
    raise TypeError(f"no Parquet description for Arrow type {a}")  # pragma: no cover


def _int(bits: int, signed: bool) -> ParquetType:
    physical = "INT64" if bits == 64 else "INT32"
    if signed and bits in (32, 64):
        return ParquetType(physical)
    conv = f"{'' if signed else 'U'}INT_{bits}"
    return ParquetType(physical, f"INT({bits}, {'true' if signed else 'false'})",
                       f"converted type {conv}")


def _decimal(precision: int, scale: int) -> ParquetType:
    logical = f"DECIMAL({precision}, {scale})"
    if precision <= 9:
        return ParquetType("INT32", logical)
    if precision <= 18:
        return ParquetType("INT64", logical)
    return ParquetType(f"FIXED_LEN_BYTE_ARRAY({ir.decimal_flba_size(precision)})", logical)


def _time(unit: str) -> ParquetType:
    pq_unit = _PQ_UNITS[unit]
    note = ("isAdjustedToUTC=false, so no legacy TIME_* converted type "
            "(readers that only know converted types see an integer)")
    if unit == "s":
        note = "seconds are stored as milliseconds; " + note
    return ParquetType("INT32" if pq_unit == "MILLIS" else "INT64",
                       f"TIME(isAdjustedToUTC=false, {pq_unit})", note)


def _timestamp(unit: str, utc: bool) -> ParquetType:
    pq_unit = _PQ_UNITS[unit]
    logical = f"TIMESTAMP(isAdjustedToUTC={'true' if utc else 'false'}, {pq_unit})"
    notes = []
    if unit == "s":
        notes.append("seconds are stored as milliseconds")
    if utc and pq_unit != "NANOS":
        notes.append(f"converted type TIMESTAMP_{pq_unit}")
    else:
        notes.append("no legacy converted type (readers that only know converted types, "
                     "like Drill, see INT64)")
    return ParquetType("INT64", logical, "; ".join(notes))


def arrow_type_text(t: ir.Type, types: Mapping[str, ir.Named] | None = None) -> str:
    """The Arrow type schemagen uses for IR type ``t`` (``str()`` of the pyarrow type)."""
    return str(ArrowMapper(dict(types or {})).type(ir.strip_nullable(t)[0]))
