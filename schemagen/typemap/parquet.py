"""The Parquet footer and field metadata keys schemagen reads and writes (the one place
they are declared).

Arrow field and schema metadata come back from pyarrow as ``bytes`` keys, so the keys
read from files are ``bytes``; the pairs a front end puts in ``Record.native`` (written
to the footer by generated code) are ``str``.
"""

from __future__ import annotations

from typing import Final

# ---- read and written by schemagen itself
FIELD_ID_KEY: Final = b"PARQUET:field_id"  # Arrow field metadata: Thrift id, protobuf number
SCHEMA_KEY: Final = b"schemagen.schema"  # the JSON of the IR record (schemagen.ir.serde)
PARTITION_KEY: Final = b"schemagen.partition_by"  # a dataset's partition columns (JSON list)
ENGINE_KEY: Final = "schemagen.engine"  # the engine profile of the physical layout (typemap.engines)

# ---- Record.native: what each front end writes to the footer (str keys)
WRITER_MODEL_KEY: Final = "writer.model.name"  # avro | thrift | protobuf | sql | schemagen
AVRO_SCHEMA_KEY: Final = "parquet.avro.schema"  # for parquet-java's AvroParquetReader
THRIFT_SCHEMA_KEY: Final = "thrift.schema"  # the IDL of the struct
PROTOBUF_CLASS_KEY: Final = "protobuf.class"  # full message name
PROTOBUF_FILE_KEY: Final = "protobuf.file"  # the .proto file that declares it
SQL_DIALECT_KEY: Final = "sql.dialect"  # the dialect the CREATE TABLE was read in
SQL_TABLE_KEY: Final = "sql.table"  # the table's qualified name

__all__ = [
    "AVRO_SCHEMA_KEY", "ENGINE_KEY", "FIELD_ID_KEY", "PARTITION_KEY", "PROTOBUF_CLASS_KEY", "PROTOBUF_FILE_KEY",
    "SCHEMA_KEY", "SQL_DIALECT_KEY", "SQL_TABLE_KEY", "THRIFT_SCHEMA_KEY", "WRITER_MODEL_KEY",
]
