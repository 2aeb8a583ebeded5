"""The one import generated modules make from schemagen (``as _rt``).

Kept small and stable: generated code may outlive a schemagen release.
"""

from __future__ import annotations

from .._pyarrow import pa
from ..errors import ParquetMappingError
from ..ir import IntervalValue as Interval
from .columns import (
    Invalid,
    apply_nulls,
    batch,
    check_instances,
    check_nulls,
    child,
    column,
    enums,
    fill_empty,
    first_set,
    floats,
    intervals,
    ints,
    json_texts,
    list_array,
    list_offsets,
    map_array,
    mask,
    new_objects,
    nulls,
    offsets,
    py_dates,
    py_durations,
    py_enums,
    py_intervals,
    py_json,
    py_nulls,
    py_numbers,
    py_objects,
    py_strings,
    py_times,
    py_timestamps,
    py_uuids,
    repeat,
    repeat_factory,
    split,
    split_dicts,
    strings,
    struct_array,
    timestamps,
    typed,
    typed_lists,
    union_mask,
    uuids,
)
from .record import RecordInfo

__all__ = [
    "Interval", "Invalid", "ParquetMappingError", "RecordInfo", "apply_nulls", "batch",
    "check_instances", "check_nulls", "child", "column", "enums", "fill_empty", "first_set", "floats",
    "intervals", "ints", "json_texts", "list_array", "list_offsets", "map_array", "mask",
    "new_objects", "nulls", "offsets", "pa", "py_dates", "py_durations", "py_enums", "py_intervals",
    "py_json", "py_nulls", "py_numbers", "py_objects", "py_strings", "py_times",
    "py_timestamps", "py_uuids", "repeat", "repeat_factory", "split", "split_dicts",
    "strings", "struct_array", "timestamps", "typed", "typed_lists", "union_mask", "uuids",
]
