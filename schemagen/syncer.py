"""``schemagen.syncer``: tables of rows kept as Parquet datasets (cs_tools-style syncer).

::

    from schemagen.syncer import connect
    syncer = connect("parquet:///path/to/definition.toml")   # or parquet://default,
    syncer.dump("users", [{"id": 1, "name": "ann"}])          # parquet://?directory=out
    rows = syncer.load("users")                               # list[dict]

See ``docs/syncer.md``.
"""

from __future__ import annotations

from .runtime.syncer import (
    CONFIG_KEYS,
    DEFAULT_COMPRESSION,
    MODES,
    PROTOCOLS,
    ParquetSyncer,
    SyncerError,
    connect,
    default_config_locations,
    rows_to_table,
    user_config_path,
)

Syncer = ParquetSyncer  # the only protocol so far

__all__ = [
    "CONFIG_KEYS",
    "DEFAULT_COMPRESSION",
    "MODES",
    "PROTOCOLS",
    "ParquetSyncer",
    "Syncer",
    "SyncerError",
    "connect",
    "default_config_locations",
    "rows_to_table",
    "user_config_path",
]
