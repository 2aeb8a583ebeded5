"""DDL for Hive-partitioned datasets (issue 12, Deliver 2): the partition columns come
from ``--partition-by`` or from the dataset's own footer (``schemagen.partition_by``)
when ``--location`` is a local dataset folder; each dialect declares them as partition
keys with their types plus its partition discovery, sqlglot parses every statement, and
bad footers and bad names exit 2 naming the file and the value.  (The engines running
this DDL: tests/e2e/engines/test_partitioned.py.)"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot

import schemagen
from schemagen.cli.main import main
from schemagen.errors import SqlMappingError, UsageError
from schemagen.sql import ddl

SCHEMA = """-- dialect: duckdb
CREATE TABLE part.ev (k_b BOOLEAN NOT NULL, k_u UBIGINT NOT NULL, k_s VARCHAR,
                      v BIGINT NOT NULL, x DOUBLE);
"""


@pytest.fixture(scope="module")
def mod(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("partddl") / "ev.sql"
    path.write_text(SCHEMA)
    return schemagen.load(path)


@pytest.fixture(scope="module")
def folder(mod: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("partds") / "ev"
    schemagen.write([mod.Ev(k_b=True, k_u=2**64 - 1, k_s=None, v=1, x=0.5)], out,
                    partition_by=["k_b", "k_u", "k_s"])
    return out


def _emit(mod: Any, dialect: str, location: str, **kw: Any) -> str:
    return ddl.emit(mod.Ev.__schemagen__.ir[1], "part.ev", dialect, location=location,
                    table="db.ev", **kw)


EXPECTED = {
    "spark": ["`v` BIGINT,\n  `x` DOUBLE,\n  `k_b` BOOLEAN,\n  `k_u` DECIMAL(20, 0),\n"
              "  `k_s` STRING\n)\nUSING PARQUET\nPARTITIONED BY (`k_b`, `k_u`, `k_s`)",
              "ALTER TABLE `db`.`ev` RECOVER PARTITIONS;"],
    "hive": [")\nPARTITIONED BY (\n  `k_b` BOOLEAN,\n  `k_u` DECIMAL(20, 0),\n  `k_s` STRING\n)"
             "\nSTORED AS PARQUET", "MSCK REPAIR TABLE `db`.`ev`;"],
    "trino": ["partitioned_by = ARRAY['k_b', 'k_u', 'k_s']",
              "CALL system.sync_partition_metadata('db', 'ev', 'ADD');"],
    "duckdb": ["/**/*.parquet', union_by_name = true, hive_partitioning = true, hive_types = "
               "{'k_b': 'BOOLEAN', 'k_u': 'UBIGINT', 'k_s': 'VARCHAR'})"],
}


@pytest.mark.parametrize("dialect", sorted(EXPECTED))
def test_partition_columns_from_the_dataset_footer(mod: Any, folder: Path, dialect: str) -> None:
    text = _emit(mod, dialect, str(folder))
    for part in EXPECTED[dialect]:
        assert part in text, text
    assert "-- Hive-partitioned by k_b, k_u, k_s" in text
    statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    assert isinstance(statements[0], sqlglot.exp.Create)
    assert len(statements) == (1 if dialect == "duckdb" else 2)
    # the same DDL from --partition-by (an object store location has no footer read)
    given = _emit(mod, dialect, "s3://b/ev", partition_by=["k_b", "k_u", "k_s"])
    def body(t: str) -> list[str]:
        return [line for line in t.splitlines() if not line.startswith("--")]

    assert body(given.replace("s3://b/ev", str(folder))) == body(text)


def test_an_unpartitioned_dataset_gets_no_partition_clause(mod: Any, tmp_path: Path) -> None:
    schemagen.write([mod.Ev(k_b=True, k_u=1, k_s="a", v=1, x=0.5)], tmp_path / "flat")
    assert ddl.dataset_partitioning(str(tmp_path / "flat"))[0] == ()  # type: ignore[index]
    for dialect in ("hive", "trino"):  # a uint64 column (not a key) has no type there
        with pytest.raises(SqlMappingError, match="no lossless type for UINT_64 .at k_u."):
            _emit(mod, dialect, str(tmp_path / "flat"))
    for dialect in ("duckdb", "spark"):
        text = _emit(mod, dialect, str(tmp_path / "flat"))
        for word in ("PARTITIONED BY", "partitioned_by", "RECOVER", "MSCK", "sync_partition",
                     "hive_partitioning", "Hive-partitioned"):
            assert word not in text, (dialect, word)
    assert ddl.dataset_partitioning(str(tmp_path / "missing")) is None
    assert ddl.dataset_partitioning("s3://b/ev") is None


def test_hidden_entries_and_symlinks_are_not_read(mod: Any, folder: Path, tmp_path: Path) -> None:
    """Only the dataset's data files: ``_x``/``.x`` entries (readers skip them) and
    symlinks (which may lead outside the folder the user named) are not opened."""
    root = tmp_path / "ds"
    (root / "_hidden").mkdir(parents=True)
    (root / "_hidden" / "a.parquet").write_bytes(b"not parquet")
    (root / ".x.parquet").write_bytes(b"not parquet")
    first = sorted(folder.rglob("*.parquet"))[0]
    (root / "a.parquet").symlink_to(first)
    assert ddl.dataset_partitioning(str(root)) is None


def _footer_file(folder: Path, value: bytes) -> None:
    folder.mkdir(parents=True)
    table = pa.table({"v": [1]}).replace_schema_metadata({b"schemagen.partition_by": value})
    pq.write_table(table, folder / "0_0_0.parquet")


@pytest.mark.parametrize(("value", "words"), [
    (b"k_b", "footer key schemagen.partition_by is b'k_b'; expected a JSON list of field names"),
    (b'["k_b", 3]', "expected a JSON list of field names"),
    (b'["nope"]', "partition column 'nope' is no top-level field of record part.Ev "
                  "(fields: k_b, k_u, k_s, v, x)"),
    (b'["x"]', "partition column 'x' is float64; a partition key is a boolean, integer, "
               "string, date or enum"),
    (b'["k_b", "k_b"]', "partition column 'k_b' is given twice"),
])
def test_a_bad_footer_is_refused_naming_file_and_value(
        mod: Any, tmp_path: Path, value: bytes, words: str) -> None:
    _footer_file(tmp_path / "ds", value)
    with pytest.raises(UsageError) as info:
        _emit(mod, "spark", str(tmp_path / "ds"))
    assert words in str(info.value)
    assert str(tmp_path / "ds" / "0_0_0.parquet") in str(info.value)


def test_partition_by_must_match_the_footer(mod: Any, folder: Path) -> None:
    with pytest.raises(UsageError, match=r"--partition-by k_b differs from the dataset's own "
                                         r"partition columns k_b,k_u,k_s"):
        _emit(mod, "spark", str(folder), partition_by=["k_b"])
    with pytest.raises(UsageError, match="partition column 'v ' is no top-level field"):
        _emit(mod, "spark", "s3://b/ev", partition_by=["v "])


def test_drill_refuses_partitioned_datasets(mod: Any, folder: Path) -> None:
    with pytest.raises(UsageError, match="Apache Drill DDL for Hive-partitioned datasets is not "
                                         "supported .*dialects that have it: duckdb, hive, "
                                         "spark, trino"):
        _emit(mod, "drill", str(folder))


def test_cli_partition_by(mod: Any, folder: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "ev.sql"
    schema.write_text(SCHEMA)
    args = ["sql", str(schema), "--record", "part.ev", "--dialect", "hive"]
    assert main([*args, "--location", str(folder)]) == 0
    assert "MSCK REPAIR TABLE `ev`;" in capsys.readouterr().out
    assert main([*args, "--location", "s3://b/ev", "--partition-by", "k_b, k_u"]) == 0
    assert "PARTITIONED BY (\n  `k_b` BOOLEAN,\n  `k_u` DECIMAL(20, 0)\n)" in \
        capsys.readouterr().out
    assert main([*args, "--location", str(folder), "--partition-by", "k_u"]) == 2
    err = capsys.readouterr().err
    assert "differs from the dataset's own partition columns" in err and "Traceback" not in err
    assert main([*args, "--location", "/x", "--partition-by", "day"]) == 2
    assert "partition column 'day' is no top-level field" in capsys.readouterr().err


def test_date_keys_are_dates(tmp_path: Path) -> None:
    path = tmp_path / "d.avsc"
    path.write_text('{"type": "record", "name": "D", "fields": [{"name": "day", "type": '
                    '{"type": "int", "logicalType": "date"}}, {"name": "v", "type": "long"}]}')
    m = schemagen.load(path)
    schemagen.write([m.D(day=datetime.date(2024, 1, 2), v=1)], tmp_path / "ds",
                    partition_by=["day"])
    text = ddl.emit(m.D.__schemagen__.ir[1], "D", "hive", location=str(tmp_path / "ds"))
    assert "PARTITIONED BY (\n  `day` DATE\n)" in text
