"""The one import generated modules make from schemagen (``as _rt``).

Kept small and stable: generated code may outlive a schemagen release.  Every
generated module calls :func:`require_abi` with the :data:`ABI_VERSION` it was
generated for; a runtime with another version refuses it with a clear message
(regenerate with ``schemagen compile``).  The names in ``__all__`` are the
contract: converters from :mod:`schemagen.runtime.columns`, ``RecordInfo``,
``Interval``, ``ParquetMappingError`` and ``pa``.
"""

from __future__ import annotations

from schemagen._pyarrow import pa
from schemagen.errors import ParquetMappingError
from schemagen.ir import IntervalValue as Interval
from schemagen.runtime.columns import (
    apply_nulls,
    batch,
    binaries,
    bools,
    check_instances,
    check_nulls,
    check_union,
    child,
    column,
    dates,
    decimals,
    durations,
    enums,
    fill_empty,
    first_set,
    fits_decimal,
    fits_float32,
    fits_float64,
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
    py_fixed,
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
    require,
    set_lists,
    split,
    split_dicts,
    split_pairs,
    split_sets,
    strings,
    struct_array,
    times,
    timestamps,
    typed_lists,
    union_mask,
    uuids,
)
from schemagen.runtime.record import RecordInfo

ABI_VERSION = 2
"""The version of this contract; generated code names the one it needs.

2: flags are keyword-only (``timestamps``/``py_timestamps`` ``utc=``, ``enums``
``open_enum=``, ``typed_lists`` ``items_nullable=``/``kind=``, ``fill_empty``
``placeholder=``); ``typed_lists`` takes whether items may be null (1: required).
"""


def require_abi(version: int, module: str = "") -> int:
    """Refuse generated code made for another ABI version (called at its import); returns it.

    Generated modules bind the result (``_SG_ABI = _rt.require_abi(N, __name__)``): module
    level of generated code holds only imports, assignments, definitions and docstrings.
    """
    if version != ABI_VERSION:
        newer = "an older" if version > ABI_VERSION else "a newer"
        where = f"{module} was" if module else "this generated code was"
        raise ImportError(
            f"{where} generated for schemagen runtime ABI {version}, but the installed "
            f"runtime has ABI {ABI_VERSION} ({newer} runtime): regenerate it with "
            "`schemagen compile` or install a matching schemagen"
        )
    return version

__all__ = [
    "Interval",
    "ABI_VERSION",
    "ParquetMappingError",
    "RecordInfo",
    "apply_nulls",
    "batch",
    "binaries",
    "bools",
    "check_instances",
    "check_nulls",
    "check_union",
    "child",
    "column",
    "dates",
    "decimals",
    "durations",
    "enums",
    "fill_empty",
    "first_set",
    "fits_decimal",
    "fits_float32",
    "fits_float64",
    "floats",
    "intervals",
    "ints",
    "json_texts",
    "list_array",
    "list_offsets",
    "map_array",
    "mask",
    "new_objects",
    "nulls",
    "offsets",
    "pa",
    "py_dates",
    "py_durations",
    "py_enums",
    "py_fixed",
    "py_intervals",
    "py_json",
    "py_nulls",
    "py_numbers",
    "py_objects",
    "py_strings",
    "py_times",
    "py_timestamps",
    "py_uuids",
    "repeat",
    "repeat_factory",
    "require",
    "require_abi",
    "set_lists",
    "split",
    "split_dicts",
    "split_pairs",
    "split_sets",
    "strings",
    "struct_array",
    "times",
    "timestamps",
    "typed_lists",
    "union_mask",
    "uuids",
]
