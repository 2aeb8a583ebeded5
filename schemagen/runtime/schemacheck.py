"""Where a batch holds values Python cannot represent (for read error messages).

(Whether a file can be read as a record at all is decided by the resolution
plan, :mod:`schemagen.runtime.resolve`.)
"""

from __future__ import annotations

from typing import Any

from .._pyarrow import pa, pc


def locate_sub_microsecond(batch: Any) -> str:
    """The first column path holding nanosecond values Python cannot represent ('' if none)."""

    def walk(arr: Any, path: str) -> str:
        t = arr.type
        if pa.types.is_struct(t):
            for i, child in enumerate(arr.flatten()):
                found = walk(child, f"{path}.{t.field(i).name}")
                if found:
                    return found
        elif pa.types.is_map(t):
            return walk(arr.keys, path + "{key}") or walk(arr.items, path + "{value}")
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            return walk(arr.values, path + "[]")
        elif getattr(t, "unit", None) == "ns" and (
            pa.types.is_timestamp(t) or pa.types.is_time(t) or pa.types.is_duration(t)
        ):
            ints = arr.cast(pa.int64()).fill_null(0)
            if pc.any(pc.not_equal(pc.multiply(pc.divide(ints, 1000), 1000), ints)).as_py():
                return path
        return ""

    for i, name in enumerate(batch.schema.names):
        found = walk(batch.column(i), name)
        if found:
            return f"column {found!r}"
    return ""
