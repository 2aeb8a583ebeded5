"""The builtin SQL dialects, one module per engine: each dialect class owns its type
tables (both ways), how the engine reads schemagen's files, and its DDL emitter.

Importing this package defines (and so registers, in this order) every builtin
dialect; :func:`schemagen.sql.registry.dialect` looks them up by name.
"""

# the import order is the registration order (dialect_names, the docs page)
# isort: off
from schemagen.sql.dialects.drill import Drill, DrillEmitter
from schemagen.sql.dialects.duckdb import DuckDB, DuckDBEmitter
from schemagen.sql.dialects.spark import Spark, SparkEmitter
from schemagen.sql.dialects.trino import Trino, TrinoEmitter
from schemagen.sql.dialects.hive import Hive, HiveEmitter
from schemagen.sql.dialects.postgres import Postgres
# isort: on

__all__ = ["Drill", "DrillEmitter", "DuckDB", "DuckDBEmitter", "Hive", "HiveEmitter",
           "Postgres", "Spark", "SparkEmitter", "Trino", "TrinoEmitter"]
