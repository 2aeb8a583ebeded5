"""The type matrix of SQL time and timestamp types whose precision is not one of Arrow's
units (issue 12, Deliver 4): every such type of every dialect's registry -- ``TIME(p)`` and
``TIMESTAMP(p) [WITH TIME ZONE]`` for p = 0..9 where the dialect takes a precision, and
the fixed ones (DuckDB ``TIMESTAMP_S``, ``TIMESTAMP_MS``, ``TIME_NS``...) -- in one table
per dialect, written by schemagen and read back by ``schemagen.read`` into the same
records (seconds are stored as milliseconds: "ms values cannot be read as s" before),
read by pyarrow with the unit the registry gives, and for DuckDB through its own view.

The cases come from the registry itself (:func:`_cases`), so a dialect or a type added
there is in this matrix too."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

import schemagen
from schemagen import ir
from schemagen.errors import SqlMappingError
from schemagen.sql import ddl
from schemagen.sql import registry as sqlmap

UTC = datetime.UTC
BASE = datetime.datetime(2024, 3, 10, 2, 30, 45, 987654)


def _cases(dialect: str) -> list[tuple[str, ir.Time | ir.Timestamp]]:
    """``(SQL type text, IR type)`` of every time/timestamp type of ``dialect``."""
    d = sqlmap.dialect(dialect)
    out: list[tuple[str, ir.Time | ir.Timestamp]] = []
    for name, entry in d.from_sql_table.items():
        if not isinstance(entry, sqlmap.FromSql):
            continue
        example = entry.example or name
        try:
            t = d.to_ir(example)
        except SqlMappingError:
            continue
        if not isinstance(t, ir.Time | ir.Timestamp):
            continue
        if not callable(entry.ir):
            out.append((example, t))
            continue
        for p in range(10):  # the precision the dialect takes
            text = example.replace("(6)", f"({p})").replace("(3)", f"({p})")
            try:
                out.append((text, d.to_ir(text)))  # type: ignore[arg-type]
            except SqlMappingError:
                pass
    return out


DIALECTS = [n for n in sqlmap.dialect_names() if _cases(n)]


def _digits(text: str, t: ir.Time | ir.Timestamp) -> int:
    """Fractional digits a value of this SQL type holds (what the engine keeps)."""
    if "(" in text:
        return int(text.split("(")[1].split(")")[0])
    return ir.unit_digits(t.unit)


def _value(t: ir.Time | ir.Timestamp, digits: int, i: int) -> Any:
    keep = 10 ** (6 - min(digits, 6))
    at = BASE.replace(microsecond=BASE.microsecond // keep * keep) + datetime.timedelta(days=i)
    if isinstance(t, ir.Time):
        return at.time()
    return at.replace(tzinfo=UTC) if t.utc else at


@pytest.fixture(scope="module", params=DIALECTS)
def table(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any, list[Any], Path, list[Any]]:
    dialect: str = request.param
    cases = _cases(dialect)
    root = tmp_path_factory.mktemp(f"prec_{dialect}")
    columns = ",\n  ".join(f"c{i} {text}" for i, (text, _) in enumerate(cases))
    (root / "m.sql").write_text(f"-- dialect: {dialect}\nCREATE TABLE prec.m (\n  {columns}\n);\n")
    mod = schemagen.load(root / "m.sql")
    rows = [mod.M(**{f"c{i}": None if k == 2 else _value(t, _digits(text, t), k)
                     for i, (text, t) in enumerate(cases)}) for k in range(3)]
    schemagen.write(rows, root / "ds")
    return dialect, mod, rows, root / "ds", cases


def test_every_precision_round_trips_through_schemagen(
        table: tuple[str, Any, list[Any], Path, list[Any]]) -> None:
    dialect, mod, rows, folder, cases = table
    assert list(schemagen.read(mod.M, folder)) == rows
    if dialect == "duckdb":  # DuckDB runs its own dialect's view over the same files
        _check_duckdb_view(mod, rows, folder, cases)


def test_the_matrix_has_the_types_of_the_issue() -> None:
    every = {(d, text) for d in DIALECTS for text, _ in _cases(d)}
    for case in [("duckdb", "TIMESTAMP_S"), ("duckdb", "TIMESTAMP_MS"), ("duckdb", "TIME_NS"),
                 ("trino", "TIMESTAMP(0)"), ("trino", "TIME(0)"), ("trino", "TIMESTAMP(7)"),
                 ("trino", "TIMESTAMP(2) WITH TIME ZONE"), ("spark", "TIME(0)"),
                 ("postgres", "TIMESTAMP(4)")]:
        assert case in every
    assert len(every) >= 60


def test_pyarrow_reads_the_unit_the_registry_gives(
        table: tuple[str, Any, list[Any], Path, list[Any]]) -> None:
    _, _, rows, folder, cases = table
    got = pq.read_table(folder)
    for i, (text, t) in enumerate(cases):
        stored = got.schema.field(f"c{i}").type
        assert stored.unit == ("ms" if t.unit == "s" else t.unit), text  # Parquet has no s
        values = got.column(f"c{i}").to_pylist()
        assert values[:2] == [getattr(r, f"c{i}") for r in rows[:2]], text


def _check_duckdb_view(mod: Any, rows: list[Any], folder: Path, cases: list[Any]) -> None:
    text = ddl.emit(mod.M.__schemagen__.ir[1], "prec.m", "duckdb", location=str(folder),
                    table="m")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(text)
    order = [t for _, t in cases].index(ir.Timestamp("us", False))
    got = con.execute(f"SELECT * FROM m ORDER BY c{order} NULLS LAST").fetchall()
    assert got == [tuple(getattr(r, f"c{i}") for i in range(len(cases))) for r in rows]
