"""Helpers for the Spark tests (tests/e2e/engines)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pyarrow as pa

UTC = datetime.UTC


def spark_sql(session: Any, text: str) -> None:
    """Run every statement of a DDL script (``;`` at a line end ends a statement)."""
    for statement in text.split(";\n"):
        body = "\n".join(line for line in statement.splitlines()
                         if not line.lstrip().startswith("--")).strip().removesuffix(";")
        if body:
            session.sql(body)


def plain(v: Any) -> Any:
    """An engine client's value made comparable: aware datetimes as naive UTC, bytearrays
    as bytes, Spark Rows and maps as dicts."""
    if isinstance(v, datetime.datetime) and v.tzinfo is not None:
        return v.astimezone(UTC).replace(tzinfo=None)
    if isinstance(v, bytearray | memoryview):
        return bytes(v)
    if isinstance(v, dict):
        if any(hasattr(k, "asDict") for k in v):  # a map with record keys (Spark Rows)
            return _pairs((k.asDict(recursive=True), x) for k, x in v.items())
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    return v


def arrow_plain(v: Any, t: pa.DataType) -> Any:
    """A pyarrow value (``to_pylist``) in the same comparable form, steered by its type."""
    if v is None:
        return None
    if isinstance(t, pa.BaseExtensionType):
        return arrow_plain(v.bytes if isinstance(v, uuid.UUID) else v, t.storage_type)
    if pa.types.is_map(t):
        if pa.types.is_struct(t.key_type):  # record keys: not hashable as dicts
            return _pairs((arrow_plain(k, t.key_type), x) for k, x in v)
        return {k: arrow_plain(x, t.item_type) for k, x in v}
    if pa.types.is_struct(t):
        return {f.name: arrow_plain(v[f.name], f.type) for f in t}
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [arrow_plain(x, t.value_type) for x in v]
    return plain(v)


def _pairs(items: Any) -> list[tuple[Any, Any]]:
    """A map with record keys as ``(key, value)`` pairs in a fixed order."""
    return sorted(((plain(k), plain(x)) for k, x in items), key=repr)
