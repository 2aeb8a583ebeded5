"""SQL: the type registry (dialect types <-> IR) and the DDL each engine runs."""
