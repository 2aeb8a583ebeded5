"""SQL: the dialect registry (``registry.py``: the base class, registration, lookup), one
module per engine (``dialects/<name>.py``: type tables both ways, how the engine reads
schemagen's files, its DDL), the shared DDL machinery (``ddl.py``) and the Parquet
descriptions of the tables (``parquet.py``)."""
