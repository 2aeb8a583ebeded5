"""Engine profiles: the physical Parquet layout chosen per engine (writer option ``engine=``).

``"any"`` is the spec-exact layout of DESIGN.md (the default). The other profiles change
the Arrow type that a few IR types are written as, so that the engine opens the file
**without a declared schema** and reads every value right:

============  =============================================================================
profile       what changes (everything else is written as ``"any"``)
============  =============================================================================
``spark``     uuid -> FIXED_LEN_BYTE_ARRAY(16) without the UUID annotation (Spark reads it
              as BINARY; ``[PARQUET_TYPE_ILLEGAL] FIXED_LEN_BYTE_ARRAY (UUID)`` otherwise);
              time -> INT32 milliseconds / INT64 micro- or nanoseconds of the day, without
              the TIME annotation (Spark 4 refuses TIME(MILLIS), and reads TIME(MICROS)
              only with ``spark.sql.timeType.enabled``); timestamp(ns) -> TIMESTAMP(MICROS)
              (``INT64 (TIMESTAMP(NANOS,..))`` is refused unless ``nanosAsLong``)
``hive``      as ``spark`` (Hive tables are read through Spark's and Hive's Parquet
              readers, which refuse the same annotations)
``drill``     timestamp(ns) -> TIMESTAMP(MICROS) (Drill reads MILLIS and MICROS)
``trino``     the spec-exact layout (Trino reads UUID, TIME and TIMESTAMP(NANOS))
``duckdb``    the spec-exact layout (DuckDB reads every annotation; tested)
============  =============================================================================

The footer records the profile (``schemagen.engine``) next to the writer's IR
(``schemagen.schema``), so :func:`schemagen.read` restores the IR's own Arrow types and
reads every profile back into the same typed records. ns -> µs is lossy: a value with
nanosecond digits (only Arrow data can have them: Python datetimes stop at µs) is refused,
naming the column and the value, unless the writer option ``allow_truncation=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

from .._pyarrow import pa
from ..errors import InputError, UsageError
from .parquet import ENGINE_KEY

Engine: TypeAlias = Literal["any", "spark", "hive", "trino", "drill", "duckdb"]
ENGINES: Final[tuple[Engine, ...]] = ("any", "spark", "hive", "trino", "drill", "duckdb")

__all__ = ["ENGINES", "Engine", "Profile", "check_engine", "profile", "restored_type"]


def _uuid_plain(t: Any) -> Any:
    return pa.binary(16) if isinstance(t, pa.UuidType) else None


def _time_int(t: Any) -> Any:
    if pa.types.is_time32(t):
        return pa.int32()
    if pa.types.is_time64(t):
        return pa.int64()
    return None


def _ns_to_us(t: Any) -> Any:
    if pa.types.is_timestamp(t) and t.unit == "ns":
        return pa.timestamp("us", tz=t.tz)
    return None


Rule = Callable[[Any], Any]
_RULES: Final[dict[str, tuple[Rule, ...]]] = {
    "any": (),
    "spark": (_uuid_plain, _time_int, _ns_to_us),
    "hive": (_uuid_plain, _time_int, _ns_to_us),
    "drill": (_ns_to_us,),
    "trino": (),
    "duckdb": (),
}


def check_engine(engine: object) -> Engine:
    """``engine`` when it names a profile; a UsageError listing them otherwise."""
    for e in ENGINES:
        if engine == e:
            return e
    raise UsageError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


@dataclass(frozen=True)
class Profile:
    """One engine's physical layout: ``file_schema`` (what is written) and
    ``to_file`` (a table in the record's Arrow schema -> the same table in it)."""

    engine: Engine
    rules: tuple[Rule, ...]

    def physical(self, t: Any) -> Any:
        """The Arrow type ``t`` is written as, nested types included."""
        for rule in self.rules:
            out = rule(t)
            if out is not None:
                return out
        if pa.types.is_struct(t):
            return pa.struct([f.with_type(self.physical(f.type)) for f in t])
        if pa.types.is_map(t):
            return pa.map_(t.key_field.with_type(self.physical(t.key_type)),
                           t.item_field.with_type(self.physical(t.item_type)))
        if pa.types.is_list(t):
            return pa.list_(t.value_field.with_type(self.physical(t.value_type)))
        return t

    def file_schema(self, schema: Any) -> Any:
        """``schema`` as written: physical types, field metadata kept, and the profile in
        the footer (for every profile but ``any``, whose files stay byte-identical)."""
        if self.engine == "any":
            return schema
        meta = dict(schema.metadata or {})
        meta[ENGINE_KEY.encode()] = self.engine.encode()
        return pa.schema([f.with_type(self.physical(f.type)) for f in schema], metadata=meta)

    def to_file(self, table: Any, file_schema: Any, allow_truncation: bool = False) -> Any:
        """``table`` cast to ``file_schema``; lost digits are refused, naming the column
        and the first value that would change, unless ``allow_truncation``."""
        if self.engine == "any" or table.schema.equals(file_schema):
            return table
        columns = []
        for i, field in enumerate(file_schema):
            col = table.column(i)
            if col.type.equals(field.type):
                columns.append(col)
                continue
            try:
                columns.append(col.cast(field.type, safe=not allow_truncation))
            except pa.ArrowInvalid as exc:
                raise InputError(
                    f"engine={self.engine!r} writes it as {field.type}, and a value would "
                    f"change ({exc}); pass allow_truncation=True to write it truncated",
                    path=field.name) from None
        return pa.Table.from_arrays(columns, schema=file_schema)


def profile(engine: object) -> Profile:
    e = check_engine(engine)
    return Profile(e, _RULES[e])


def restored_type(physical: Any, canonical: Any) -> Any:
    """The type to cast a column read from a profiled file to: ``canonical`` (the writer
    IR's own Arrow type) pruned to what was read of ``physical`` (a projection reads only
    some struct fields)."""
    if pa.types.is_struct(physical) and pa.types.is_struct(canonical):
        fields = []
        for f in physical:
            i = canonical.get_field_index(f.name)
            fields.append(f if i < 0 else f.with_type(restored_type(f.type, canonical[i].type)))
        return pa.struct(fields)
    if pa.types.is_map(physical) and pa.types.is_map(canonical):
        return pa.map_(physical.key_field.with_type(
                           restored_type(physical.key_type, canonical.key_type)),
                       physical.item_field.with_type(
                           restored_type(physical.item_type, canonical.item_type)))
    if pa.types.is_list(physical) and pa.types.is_list(canonical):
        return pa.list_(physical.value_field.with_type(
            restored_type(physical.value_type, canonical.value_type)))
    return canonical
