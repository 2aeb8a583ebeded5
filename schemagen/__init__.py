"""schemagen: schema-first code generation for Python data engineering."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    ParquetMappingError,
    ReadError,
    RecordError,
    SchemaError,
    SchemagenError,
    UsageError,
)
from .ir import IntervalValue as Interval  # noqa: E402
from .runtime.api import ParquetWriter, read, read_arrow, write  # noqa: E402

__all__ = [
    "Interval",
    "ParquetMappingError",
    "ParquetWriter",
    "ReadError",
    "RecordError",
    "SchemaError",
    "SchemagenError",
    "UsageError",
    "__version__",
    "read",
    "read_arrow",
    "write",
]
