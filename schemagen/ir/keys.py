"""Every ``metadata`` key of the IR, declared once.

``Field.metadata``, ``Record.metadata``, ``Enum.metadata`` and ``Constant.metadata``
hold free-form facts for docs and tools only: no layer branches on them (what
other code needs is a typed facet or a typed origin, see :mod:`schemagen.ir.origin`).

The ``LEGACY_*`` keys are what ``schemagen.schema`` JSON written before the typed
facets carried (old Parquet footers, ``schemas.lock.json`` snapshots);
:mod:`schemagen.ir.serde` maps them to facets when it reads them, and nothing
writes them any more.
"""

from __future__ import annotations

from typing import Final

# ---- still in use (docs and tools; never interpreted outside the front end that wrote them)
THRIFT_ANNOTATION: Final = "thrift.annotation."  # + key (enums: + symbol + "." + key)
PARQUET_ANNOTATION: Final = "parquet.annotation"  # a foreign Parquet column's lost annotation

# ---- legacy, written next to Field.json_name for a while (JSON of that time has both:
# the metadata copy is dropped on reading)
PROTOBUF_JSON_NAME: Final = "protobuf.json_name"

# ---- legacy: read from old JSON only, mapped to facets (see schemagen.ir.serde)
LEGACY_ONEOF_PREFIX: Final = "schemagen.oneof."  # record: + group = comma-separated wire names
LEGACY_OPEN_ENUM: Final = ("schemagen.enum", "open")  # enum: Enum.open
LEGACY_PROTOBUF: Final = "protobuf."  # every protobuf.* key -> Field.json_name/presence, ProtobufOrigin
LEGACY_THRIFT: Final = "thrift."  # thrift.* keys other than annotations -> ThriftOrigin
LEGACY_SQL_TYPE: Final = "sql.type"  # -> SqlOrigin.type
