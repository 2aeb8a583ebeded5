"""SQL rules of `schemagen check`: column type changes through the type registry
(widening allowed backward, narrowing not), NOT NULL added/removed, columns dropped/added."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemagen import ir
from schemagen.evolution import engine
from schemagen.evolution.formats import sql as sql_rules


def table(cols: str, dialect: str = "duckdb") -> str:
    return f"-- dialect: {dialect}\nCREATE TABLE shop.orders (\n  id BIGINT NOT NULL,\n{cols}\n);\n"


# (id, old columns, new columns, rules, backward ok, forward ok)
CASES: list[tuple[str, str, str, set[str], bool, bool]] = [
    ("same", "  a INTEGER", "  a INTEGER", set(), True, True),
    ("int widened", "  a INTEGER", "  a BIGINT", {"SQL_COLUMN_TYPE_WIDENED"}, True, False),
    ("int narrowed", "  a BIGINT", "  a SMALLINT", {"SQL_COLUMN_TYPE_NARROWED"}, False, True),
    ("unsigned to wider signed", "  a UINTEGER", "  a BIGINT", {"SQL_COLUMN_TYPE_WIDENED"},
     True, False),
    ("signed to unsigned", "  a INTEGER", "  a UBIGINT", {"SQL_COLUMN_TYPE_CHANGED"},
     False, False),
    ("float to double", "  a FLOAT", "  a DOUBLE", {"SQL_COLUMN_TYPE_WIDENED"}, True, False),
    ("int to double", "  a INTEGER", "  a DOUBLE", {"SQL_COLUMN_TYPE_WIDENED"}, True, False),
    ("bigint to double (lossy)", "  a BIGINT", "  a DOUBLE", {"SQL_COLUMN_TYPE_CHANGED"},
     False, False),
    ("decimal widened", "  a DECIMAL(9, 2)", "  a DECIMAL(12, 3)", {"SQL_COLUMN_TYPE_WIDENED"},
     True, False),
    ("decimal scale lost", "  a DECIMAL(9, 2)", "  a DECIMAL(8, 1)",
     {"SQL_COLUMN_TYPE_NARROWED"}, False, True),
    ("decimal integer digits lost vs scale gained", "  a DECIMAL(9, 2)", "  a DECIMAL(9, 4)",
     {"SQL_COLUMN_TYPE_CHANGED"}, False, False),
    ("int to decimal with room", "  a INTEGER", "  a DECIMAL(12, 2)",
     {"SQL_COLUMN_TYPE_WIDENED"}, True, False),
    ("varchar longer", "  a VARCHAR(10)", "  a VARCHAR(20)", {"SQL_COLUMN_TYPE_WIDENED"},
     True, False),
    ("varchar shorter", "  a VARCHAR(20)", "  a VARCHAR(10)", {"SQL_COLUMN_TYPE_NARROWED"},
     False, True),
    ("varchar unbounded", "  a VARCHAR(20)", "  a VARCHAR", {"SQL_COLUMN_TYPE_WIDENED"},
     True, False),
    ("timestamp ms to us", "  a TIMESTAMP_MS", "  a TIMESTAMP", {"SQL_COLUMN_TYPE_WIDENED"},
     True, False),
    ("timestamp to timestamptz", "  a TIMESTAMP", "  a TIMESTAMPTZ", {"SQL_COLUMN_TYPE_CHANGED"},
     False, False),
    ("int to varchar", "  a INTEGER", "  a VARCHAR", {"SQL_COLUMN_TYPE_CHANGED"}, False, False),
    ("NOT NULL added", "  a INTEGER", "  a INTEGER NOT NULL", {"SQL_NOT_NULL_ADDED"},
     False, True),
    ("NOT NULL removed", "  a INTEGER NOT NULL", "  a INTEGER", {"SQL_NOT_NULL_REMOVED"},
     True, False),
    ("column dropped", "  a INTEGER,\n  b INTEGER", "  a INTEGER", {"SQL_COLUMN_DROPPED"},
     True, False),
    ("nullable column added", "  a INTEGER", "  a INTEGER,\n  b VARCHAR", set(), True, True),
    ("NOT NULL column added without default", "  a INTEGER", "  a INTEGER,\n  b VARCHAR NOT NULL",
     {"SQL_COLUMN_ADDED_NOT_NULL"}, False, True),
    ("NOT NULL column added with default", "  a INTEGER",
     "  a INTEGER,\n  b VARCHAR NOT NULL DEFAULT 'x'", set(), True, True),
    ("struct field narrowed", "  s STRUCT(x BIGINT, y DOUBLE)", "  s STRUCT(x INTEGER, y DOUBLE)",
     {"SQL_COLUMN_TYPE_NARROWED"}, False, True),
    ("struct field dropped", "  s STRUCT(x BIGINT, y DOUBLE)", "  s STRUCT(x BIGINT)",
     {"SQL_COLUMN_DROPPED"}, True, False),
    ("list items widened", "  l INTEGER[]", "  l BIGINT[]", {"SQL_COLUMN_TYPE_WIDENED"},
     True, False),
    ("map values narrowed", "  m MAP(VARCHAR, DOUBLE)", "  m MAP(VARCHAR, FLOAT)",
     {"SQL_COLUMN_TYPE_NARROWED"}, False, True),
    ("enum value added", "  e ENUM('a', 'b')", "  e ENUM('a', 'b', 'c')",
     {"SQL_ENUM_VALUES_CHANGED"}, True, False),
    ("enum value removed", "  e ENUM('a', 'b')", "  e ENUM('a')", {"SQL_ENUM_VALUES_CHANGED"},
     False, True),
    ("several, all reported", "  a BIGINT,\n  b INTEGER,\n  c VARCHAR",
     "  a INTEGER,\n  b INTEGER NOT NULL", {"SQL_COLUMN_TYPE_NARROWED", "SQL_NOT_NULL_ADDED",
                                            "SQL_COLUMN_DROPPED"}, False, False),
]


def load(tmp_path: Path, tag: str, text: str) -> ir.Schema:
    d = tmp_path / tag
    d.mkdir()
    (d / "orders.sql").write_text(text)
    return engine.load_files([d])


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_sql_pairs(tmp_path: Path, case: tuple[str, str, str, set[str], bool, bool]) -> None:
    _, old_cols, new_cols, rules, back_ok, fwd_ok = case
    old, new = load(tmp_path, "old", table(old_cols)), load(tmp_path, "new", table(new_cols))
    findings = sql_rules.check(old, new)
    assert {x.rule for x in findings} == rules
    assert (not [x for x in findings if "backward" in x.breaks]) is back_ok
    assert (not [x for x in findings if "forward" in x.breaks]) is fwd_ok
    for x in findings:
        assert x.category == "SQL" and x.path.startswith("shop.Orders.")
        assert x.file and x.file.endswith("orders.sql") and x.line and x.line >= 3


def test_sql_finding_texts(tmp_path: Path) -> None:
    old = load(tmp_path, "old", table("  a VARCHAR(20),\n  gone DOUBLE NOT NULL"))
    new = load(tmp_path, "new", table("  a VARCHAR(10)"))
    by_rule = {x.rule: x for x in sql_rules.check(old, new)}
    n = by_rule["SQL_COLUMN_TYPE_NARROWED"]
    assert (n.path, n.old, n.new, n.line) == ("shop.Orders.a", "VARCHAR(20)", "VARCHAR(10)", 4)
    assert n.message.startswith("a reader using the new schema cannot read data written with "
                                "the old one: the type was narrowed from VARCHAR(20) to "
                                "VARCHAR(10)")
    d = by_rule["SQL_COLUMN_DROPPED"]
    assert d.file is not None and "old" in Path(d.file).parts and d.line == 5  # the old file
    assert d.old == "DOUBLE" and d.new is None


def test_sql_other_dialect(tmp_path: Path) -> None:
    """The registry maps each dialect's type names: Drill INT -> BIGINT is a widening."""
    old = load(tmp_path, "old", table("  a INT", "drill"))
    new = load(tmp_path, "new", table("  a BIGINT", "drill"))
    assert [x.rule for x in sql_rules.check(old, new)] == ["SQL_COLUMN_TYPE_WIDENED"]


@pytest.mark.parametrize(("old_type", "new_type", "rule"), [
    ("VARBINARY(10)", "VARBINARY(5)", "SQL_COLUMN_TYPE_NARROWED"),
    ("VARBINARY(5)", "VARBINARY(10)", "SQL_COLUMN_TYPE_WIDENED"),
    ("VARBINARY(10)", "VARBINARY", "SQL_COLUMN_TYPE_WIDENED"),
    ("VARBINARY", "BINARY(4)", "SQL_COLUMN_TYPE_NARROWED"),
])
def test_sql_binary_lengths(tmp_path: Path, old_type: str, new_type: str, rule: str) -> None:
    """A declared binary length is checked like a VARCHAR's (a shorter VARBINARY(n) was
    reported compatible: the length was only read for character types)."""
    old = load(tmp_path, "old", table(f"  b {old_type}", "drill"))
    new = load(tmp_path, "new", table(f"  b {new_type}", "drill"))
    found = sql_rules.check(old, new)
    assert [(x.rule, x.old, x.new) for x in found] == [(rule, old_type, new_type)]
