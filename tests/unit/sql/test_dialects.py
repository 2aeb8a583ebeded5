"""The dialect classes of schemagen/sql/dialects/: automatic registration, every table
covering every IR node kind, and the two facets (SQL type, file column type) where they
differ."""

from __future__ import annotations

import pytest

from schemagen import ir
from schemagen.sql import ddl, registry
from schemagen.sql.dialects import Spark

BUILTIN = ["drill", "duckdb", "spark", "trino", "hive", "postgres"]


def _every_node() -> list[ir.Type]:
    """One IR type per registry key: the documented samples plus every duration unit."""
    return [*registry.sample_ir_types(),
            *(ir.Duration(u) for u in ir.UNITS if u != "us")]


def test_samples_cover_every_node_kind() -> None:
    kinds = {type(t) for t in _every_node()}
    assert kinds == set(ir.NODES) - {ir.Nullable}


def test_builtin_dialects_register_themselves_in_module_order() -> None:
    assert registry.dialect_names() == BUILTIN
    for name in BUILTIN:
        d = registry.dialect(name)
        assert type(d).__module__ == f"schemagen.sql.dialects.{name}"
        if d.emitter is not None:  # the DDL lives with the type tables
            assert d.emitter.__module__ == type(d).__module__
    assert ddl.emitter_names() == sorted(set(BUILTIN) - {"postgres"})


@pytest.mark.parametrize("name", BUILTIN)
def test_every_table_covers_every_node_kind(name: str) -> None:
    """Each IR type has an entry (a type or a Gap); writing it either works or is a
    SqlMappingError naming the dialect and the type; no table has a key no IR type has."""
    d = registry.dialect(name)
    keys = {registry.ir_key(t) for t in _every_node()}
    assert set(d.to_sql_table) == keys, sorted(keys ^ set(d.to_sql_table))
    assert set(d.file_types) <= keys
    for t in _every_node():
        entry = d.to_sql_table[registry.ir_key(t)]
        for write in (d.to_sql, d.file_column_type):
            try:
                text = write(t, registry.SAMPLE_TYPES)
            except registry.SqlMappingError as exc:
                assert isinstance(entry, registry.Gap), (name, registry.ir_name(t), exc)
                assert str(exc).startswith(f"{name}: no SQL type for IR type "
                                           f"{registry.ir_name(t)}: {entry.reason}")
            else:
                # a Gap of the SQL type facet may be filled by the file column type facet
                declared = isinstance(entry, registry.ToSql) or (
                    write == d.file_column_type and registry.ir_key(t) in d.file_types)
                assert declared and text, registry.ir_name(t)


@pytest.mark.parametrize(("name", "t", "sql_type", "file_type"), [
    ("trino", ir.Timestamp("us", utc=True), "TIMESTAMP(6) WITH TIME ZONE", "TIMESTAMP(6)"),
    ("trino", ir.Timestamp("s", utc=True), "TIMESTAMP(0) WITH TIME ZONE", "TIMESTAMP(0)"),
    ("trino", ir.Uuid(), "UUID", "VARBINARY"),
    ("trino", ir.Json(), "JSON", "VARCHAR"),
    ("trino", ir.Time("ms"), "TIME(3)", "INTEGER"),
    ("trino", ir.Time("ns"), "TIME(9)", "BIGINT"),
    ("trino", ir.List(ir.Nullable(ir.Timestamp("ms", utc=True))),
     "ARRAY(TIMESTAMP(3) WITH TIME ZONE)", "ARRAY(TIMESTAMP(3))"),
    ("duckdb", ir.Interval(), "INTERVAL", "BLOB"),
    ("duckdb", ir.Map(ir.String(), ir.Interval()), "MAP(VARCHAR, INTERVAL)", "MAP(VARCHAR, BLOB)"),
    ("drill", ir.Interval(), "INTERVAL", "VARBINARY"),
])
def test_the_two_facets_where_they_differ(name: str, t: ir.Type, sql_type: str,
                                          file_type: str) -> None:
    d = registry.dialect(name)
    assert d.to_sql(t) == sql_type
    assert d.file_column_type(t) == file_type


@pytest.mark.parametrize("name", BUILTIN)
def test_file_column_type_is_the_sql_type_elsewhere(name: str) -> None:
    d = registry.dialect(name)
    for t in _every_node():
        if registry.ir_key(t) in d.file_types:
            continue
        try:
            expected = d.to_sql(t, registry.SAMPLE_TYPES)
        except registry.SqlMappingError:
            continue
        if not any(registry.ir_key(x) in d.file_types
                   for x in ddl.walk_types(t, registry.SAMPLE_TYPES)):
            assert d.file_column_type(t, registry.SAMPLE_TYPES) == expected


def test_a_user_subclass_is_registered_explicitly_and_inherits_the_ddl() -> None:
    class Lake(Spark):
        name = "lake"
        title = "Lake SQL"
        TO_SQL = {**Spark.TO_SQL, "uuid": registry.ToSql("STRING", "the text form")}
        FILE_TYPES = {}  # (Spark's stored forms of engine="spark" files do not apply)

    assert "lake" not in registry.dialect_names()  # defining a class registers nothing
    registry.register_dialect(Lake)
    assert "lake" in ddl.emitter_names()
    types: dict[str, ir.Named] = {"l.Row": ir.Record("l.Row", (ir.Field("id", ir.Uuid()),))}
    out = ddl.emit(types, "l.Row", "lake", location="/lake/rows")
    assert "`id` STRING" in out and "Lake SQL DDL" in out
    assert "-- id: the text form" in out
    registry.reset()
    assert "lake" not in registry.dialect_names()
