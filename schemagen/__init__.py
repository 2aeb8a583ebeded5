"""schemagen: schema-first code generation for Python data engineering."""

from __future__ import annotations

__version__ = "0.1.0"

from schemagen.adapters.protobuf import (
    from_message,
    from_messages,
    to_message,
    write_messages,
)

from .codegen.loader import load  # noqa: E402
from .errors import (  # noqa: E402
    NotReadError,
    ParquetMappingError,
    ReadError,
    RecordError,
    SchemaError,
    SchemagenError,
    UsageError,
)
from .ir import IntervalValue as Interval  # noqa: E402
from .runtime.api import (  # noqa: E402
    DatasetWriter,
    ParquetWriter,
    partitioning,
    read,
    read_arrow,
    write,
)
from .runtime.reader import read_batches  # noqa: E402
from .runtime.record import fields_read  # noqa: E402

__all__ = [
    "DatasetWriter",
    "Interval",
    "NotReadError",
    "ParquetMappingError",
    "ParquetWriter",
    "ReadError",
    "RecordError",
    "SchemaError",
    "SchemagenError",
    "UsageError",
    "__version__",
    "fields_read",
    "from_message",
    "from_messages",
    "load",
    "partitioning",
    "read",
    "read_arrow",
    "read_batches",
    "to_message",
    "write",
    "write_messages",
]
