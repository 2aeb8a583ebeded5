"""The Parquet syncer ``schemagen.adapters.syncer``: URI forms, configuration errors,
append semantics, schema inference over all rows, typed records, and the files
as pyarrow and DuckDB see them."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemagen
from schemagen.adapters.syncer import (
    ParquetSyncer,
    SyncerError,
    connect,
    default_config_locations,
)

# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user config and no pyproject.toml of the machine leak into a test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


def no_outer_pyproject(tmp_path: Path) -> None:
    outer = [p for p in default_config_locations(tmp_path)[:-1] if p.is_file()]
    if outer:  # pragma: no cover - depends on the machine
        pytest.skip(f"a pyproject.toml above the test folder changes the lookup: {outer}")


def definition(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def codecs(path: Path) -> set[str]:
    md = pq.ParquetFile(path).metadata
    return {md.row_group(r).column(c).compression
            for r in range(md.num_row_groups) for c in range(md.num_columns)}


def data_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


ROWS = [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}]

# --------------------------------------------------------------------------- URI forms


def test_definition_file_relative_directory_is_relative_to_the_file(tmp_path: Path) -> None:
    d = definition(tmp_path / "conf" / "parquet.toml",
                   '[configuration]\ndirectory = "data"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chdir(elsewhere)
    s = connect(f"parquet://{d}")  # parquet:///abs/path (three slashes)
    assert s.directory == (tmp_path / "conf" / "data").resolve()
    assert s.name == "parquet" and s.compression == "gzip"  # cs_tools' default
    out = s.dump("users", ROWS)
    assert out is not None and out.parent == tmp_path / "conf" / "data" / "users"
    assert codecs(out) == {"GZIP"}
    assert s.load("users") == ROWS
    assert not (elsewhere / "data").exists()


def test_definition_path_relative_to_cwd(tmp_path: Path) -> None:
    definition(tmp_path / "defs" / "p.toml",
               '[configuration]\ndirectory = "/tmp/ignored"\ndirectory2 = 1\n')
    with pytest.raises(SyncerError, match=r"defs/p\.toml: unknown key 'directory2'"):
        connect("parquet://defs/p.toml")
    definition(tmp_path / "defs" / "q.toml",
               f'[configuration]\ndirectory = "{tmp_path / "out"}"\ncompression = "SNAPPY"\n'
               "row_group_size = 2\n")
    s = connect("PARQUET://defs/q.toml")
    assert s.directory == tmp_path / "out" and s.compression == "snappy"
    out = s.dump("t", [{"i": i} for i in range(5)])
    assert out is not None
    md = pq.ParquetFile(out).metadata
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == [2, 2, 1]
    assert codecs(out) == {"SNAPPY"}


def test_inline_uri(tmp_path: Path) -> None:
    target = tmp_path / "in line"
    s = connect(f"parquet://?directory={str(target).replace(' ', '%20')}&compression=Zstd"
                "&compression_level=5&use_dictionary=false&write_statistics=no"
                "&block_size=1048576")
    assert s.directory == target
    assert s.options == {"compression": "zstd", "compression_level": 5, "use_dictionary": False,
                         "write_statistics": False, "block_size": 1048576}
    out = s.dump("t", ROWS)
    assert out is not None and codecs(out) == {"ZSTD"}
    col = pq.ParquetFile(out).metadata.row_group(0).column(1)
    assert not col.is_stats_set
    assert "RLE_DICTIONARY" not in col.encodings
    # relative inline directories are relative to the current folder
    assert connect("parquet://?directory=rel").directory == tmp_path / "rel"


def test_inline_dictionary_columns(tmp_path: Path) -> None:
    s = connect("parquet://?directory=d&use_dictionary=name")
    assert s.options["use_dictionary"] == ["name"]
    out = s.dump("t", ROWS)
    assert out is not None
    md = pq.ParquetFile(out).metadata.row_group(0)
    assert "RLE_DICTIONARY" not in md.column(0).encodings
    assert "RLE_DICTIONARY" in md.column(1).encodings


def test_default_from_pyproject_path(tmp_path: Path) -> None:
    no_outer_pyproject(tmp_path)
    definition(tmp_path / "proj" / "pyproject.toml",
               '[project]\nname = "x"\n\n[tool.schemagen.syncers]\n'
               'default = "conf/sync.toml"\n')
    definition(tmp_path / "proj" / "conf" / "sync.toml",
               '[configuration]\ndirectory = "../warehouse"\ncompression = "brotli"\n')
    # user config present too: the pyproject wins
    definition(tmp_path / "xdg" / "schemagen" / "config.toml",
               '[syncers]\ndefault = { directory = "/nonexistent/user" }\n')
    sub = tmp_path / "proj" / "src" / "pkg"
    sub.mkdir(parents=True)
    os.chdir(sub)
    s = connect("parquet://default")
    assert s.directory == tmp_path / "proj" / "warehouse"
    assert s.compression == "brotli"
    out = s.dump("t", ROWS)
    assert out is not None and codecs(out) == {"BROTLI"}
    # overrides after the default; a directory in the URI is relative to the current folder
    assert connect("parquet://default?compression=lz4").compression == "lz4"
    assert connect("parquet://default?directory=here").directory == sub / "here"
    # parquet:// alone is the default too (cs_tools treats "" as "default")
    assert connect("parquet://").directory == s.directory


def test_default_from_pyproject_inline_table(tmp_path: Path) -> None:
    no_outer_pyproject(tmp_path)
    definition(tmp_path / "pyproject.toml",
               '[tool.schemagen.syncers.default]\ndirectory = "dumps"\ncompression = "none"\n')
    s = connect("parquet://default")
    assert s.directory == tmp_path / "dumps"
    out = s.dump("t", ROWS)
    assert out is not None and codecs(out) == {"UNCOMPRESSED"}


def test_default_from_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_outer_pyproject(tmp_path)
    xdg = tmp_path / "cfg home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    # a pyproject without a [tool.schemagen.syncers] table is passed over
    definition(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    definition(xdg / "schemagen" / "config.toml", '[syncers]\ndefault = "parquet.toml"\n')
    definition(xdg / "schemagen" / "parquet.toml", '[configuration]\ndirectory = "tables"\n')
    s = connect("parquet://default")
    assert s.directory == xdg / "schemagen" / "tables"
    s.dump("t", ROWS)
    assert connect("parquet://default").load("t") == ROWS


def test_missing_default_says_where_it_looked(tmp_path: Path) -> None:
    no_outer_pyproject(tmp_path)
    definition(tmp_path / "pyproject.toml", '[tool.black]\nline-length = 1\n')
    with pytest.raises(SyncerError) as err:
        connect("parquet://default")
    msg = str(err.value)
    assert "no default syncer definition" in msg
    assert f"{tmp_path / 'pyproject.toml'} (no [tool.schemagen.syncers] table)" in msg
    assert f"{tmp_path / 'xdg' / 'schemagen' / 'config.toml'} (no such file)" in msg


def test_missing_default_without_any_config(tmp_path: Path) -> None:
    no_outer_pyproject(tmp_path)
    with pytest.raises(SyncerError) as err:
        connect("parquet://default")
    assert f"pyproject.toml in {tmp_path} and its parents (none found)" in str(err.value)
    assert "config.toml (no such file)" in str(err.value)


@pytest.mark.parametrize(("body", "expected"), [
    ('[tool.schemagen.syncers]\ndefualt = "x.toml"\n',
     r"pyproject\.toml: unknown key 'defualt' in \[tool\.schemagen\.syncers\]"),
    ('[tool.schemagen.syncers]\n', r"has no 'default'"),
    ('[tool.schemagen]\nsyncers = 3\n', r"\[tool\.schemagen\.syncers\] must be a table"),
    ('[tool.schemagen.syncers]\ndefault = 3\n', r"default must be a definition file path"),
    ('[tool.schemagen.syncers]\ndefault = "missing.toml"\n',
     r"no syncer definition file at .*missing\.toml \(named by .*pyproject\.toml"),
    ('[tool.schemagen.syncers.default]\ndirectory = "d"\nbogus = true\n',
     r"pyproject\.toml \[tool\.schemagen\.syncers\] default: unknown key 'bogus'"),
    ('[tool.schemagen.syncers\n', r"pyproject\.toml: invalid TOML: .*line 1"),
])
def test_bad_default(tmp_path: Path, body: str, expected: str) -> None:
    no_outer_pyproject(tmp_path)
    definition(tmp_path / "pyproject.toml", body)
    with pytest.raises(SyncerError, match=expected):
        connect("parquet://default")


# --------------------------------------------------------------------------- configuration errors


@pytest.mark.parametrize(("body", "expected"), [
    ('[configuration]\ndirectory = "d"\ncompresion = "gzip"\n',
     r"def\.toml: unknown key 'compresion' in \[configuration\]; known keys: directory, "
     r"compression"),
    ('[configuration]\ndirectory = "d"\ncompression = "lzo"\n',
     r"def\.toml: unknown compression 'lzo'; expected one of none, snappy, gzip"),
    ('[configuration]\ndirectory = "d"\ncompression = 1\n', r"compression must be a string"),
    ('[configuration]\ndirectory = "d"\nrow_group_size = "10"\n',
     r"def\.toml: row_group_size must be an integer, got '10'"),
    ('[configuration]\ndirectory = "d"\nblock_size = -1\n',
     r"block_size must be a positive integer, got -1"),
    ('[configuration]\ndirectory = "d"\ncompression = "gzip"\ncompression_level = 42\n',
     r"compression_level for gzip must be an integer in \[1, 9\], got 42"),
    ('[configuration]\ndirectory = "d"\ncompression = "snappy"\ncompression_level = 1\n',
     r"compression 'snappy' takes no compression_level"),
    ('[configuration]\ndirectory = "d"\nuse_dictionary = "yes"\n', r"use_dictionary must be"),
    ('[configuration]\ncompression = "gzip"\n', r"def\.toml: 'directory' is required"),
    ('[configuration]\ndirectory = ""\n', r"directory must be a non-empty path"),
    ('[configuration]\ndirectory = 5\n', r"directory must be a non-empty path, got 5"),
    ('directory = "d"\n', r"def\.toml: unknown key 'directory' at the top level"),
    ('[other]\n', r"def\.toml: unknown key 'other' at the top level"),
    ('', r"def\.toml: missing \[configuration\] table"),
    ('configuration = 3\n', r"configuration must be a table"),
    ('[configuration\n', r"def\.toml: invalid TOML: .*\(at line 1, column 15\)"),
])
def test_bad_definition(tmp_path: Path, body: str, expected: str) -> None:
    d = definition(tmp_path / "def.toml", body)
    with pytest.raises(SyncerError, match=expected):
        connect(f"parquet://{d}")


def test_definition_file_problems(tmp_path: Path) -> None:
    with pytest.raises(SyncerError, match=r"no syncer definition file at .*nope\.toml"):
        connect(f"parquet://{tmp_path / 'nope.toml'}")
    with pytest.raises(SyncerError, match=r"is a folder; expected a TOML definition file"):
        connect(f"parquet://{tmp_path}")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[configuration]\ndirectory = "caf\xe9"\n')
    with pytest.raises(SyncerError, match=r"latin1\.toml: not UTF-8 text"):
        connect(f"parquet://{bad}")
    (tmp_path / "file").write_text("x")
    d = definition(tmp_path / "f.toml", '[configuration]\ndirectory = "file"\n')
    with pytest.raises(SyncerError, match=r"directory .*file exists and is not a folder"):
        connect(f"parquet://{d}")


@pytest.mark.parametrize(("uri", "expected"), [
    ("parquet://?directory=d&bogus=1", r"syncer URI '.*': unknown key 'bogus'; known keys"),
    ("parquet://?directory=d&directory=e", r"key 'directory' is given twice"),
    ("parquet://?compression=gzip", r"'directory' is required"),
    ("parquet://?directory=d&compression=LZO", r"unknown compression 'LZO'"),
    ("parquet://?directory=d&row_group_size=ten", r"row_group_size must be an integer, got 'ten'"),
    ("parquet://?directory=d&row_group_size=0", r"row_group_size must be a positive integer"),
    ("parquet://?directory=d&write_statistics=maybe", r"write_statistics must be true or false"),
    ("parquet://?directory=d&use_dictionary=", r"use_dictionary must be true or false or a"),
    ("parquet://?directory=", r"directory must be a non-empty path"),
    ("parquet://?directory=d&use_dictionary=a,,b", r"use_dictionary must be true or false or"),
    ("parquet://?directory=a%00b", r"directory: the path 'a\\x00b' contains a NUL character"),
    ("parquet://defs/a\0.toml", r"the path 'defs/a\\x00\.toml' contains a NUL character"),
    ("parquet://~no_such_user_here/d.toml", r"cannot expand '~no_such_user_here/d\.toml'"),
    ("parquet://?directory", r"the query 'directory' is not key=value pairs"),
    ("csv://x.toml", r"unknown protocol 'csv'; supported: parquet"),
    ("/some/definition.toml", r"has no protocol; expected protocol://definition"),
])
def test_bad_inline_uri(uri: str, expected: str) -> None:
    with pytest.raises(SyncerError, match=expected):
        connect(uri)


def test_syncer_error_is_a_usage_error() -> None:
    assert issubclass(SyncerError, schemagen.UsageError)
    with pytest.raises(schemagen.UsageError):
        connect(123)  # type: ignore[arg-type]


@pytest.mark.parametrize(("given", "stored"), [
    ("gzip", "GZIP"), ("GZIP", "GZIP"), ("Snappy", "SNAPPY"), ("ZSTD", "ZSTD"),
    ("Brotli", "BROTLI"), ("LZ4", "LZ4"), ("None", "UNCOMPRESSED"),
])
def test_codecs_case_insensitive_and_applied(tmp_path: Path, given: str, stored: str) -> None:
    d = definition(tmp_path / "d.toml",
                   f'[configuration]\ndirectory = "x"\ncompression = "{given}"\n')
    s = connect(f"parquet://{d}")
    out = s.dump("t", [{"s": "abc" * 10, "i": i} for i in range(50)])
    assert out is not None and codecs(out) == {stored}


# --------------------------------------------------------------------------- dump / load


def test_batches_append_in_order(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path / "out")
    batches = [[{"n": i * 10 + j, "batch": i} for j in range(3)] for i in range(12)]
    written = [s.dump("events", b) for b in batches]
    assert [p.name for p in written if p] == [f"0_0_{i}.parquet" for i in range(12)]
    # 12 files: the order is numeric, not by name (0_0_10 < 0_0_2 as text)
    assert s.load("events") == [r for b in batches for r in b]
    assert s.tables() == ["events"]
    # cs_tools' keyword spelling
    s.dump("events", data=[{"n": 999, "batch": 99}])
    assert s.load("events")[-1] == {"n": 999, "batch": 99}
    assert len(s.files("events")) == 13


def test_keys_missing_from_the_first_row_are_kept(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    rows = [{"a": 1}, {"b": "x", "a": 2}, {}, {"c": [1, 2], "a": None}]
    s.dump("t", rows)
    assert s.load("t") == [
        {"a": 1, "b": None, "c": None},
        {"a": 2, "b": "x", "c": None},
        {"a": None, "b": None, "c": None},
        {"a": None, "b": None, "c": [1, 2]},
    ]
    assert pq.read_schema(s.files("t")[0]).names == ["a", "b", "c"]


def test_batches_with_different_columns_and_number_types(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    s.dump("t", [{"a": 1, "b": "x"}])
    s.dump("t", [{"a": 2.5, "c": True}])
    s.dump("t", [{"a": None, "b": None}])  # an all-null column fits anything
    s.dump("t", [{"d": {"k": 1}}])
    s.dump("t", [{"d": {"k": 2, "l": "y"}}])  # a struct gaining a field
    assert s.load("t") == [
        {"a": 1.0, "b": "x", "c": None, "d": None},
        {"a": 2.5, "b": None, "c": True, "d": None},
        {"a": None, "b": None, "c": None, "d": None},
        {"a": None, "b": None, "c": None, "d": {"k": 1, "l": None}},
        {"a": None, "b": None, "c": None, "d": {"k": 2, "l": "y"}},
    ]
    assert type(s.load("t")[0]["a"]) is float


def test_incompatible_batch_is_refused_before_writing(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    first = s.dump("t", [{"a": 1, "when": dt.date(2020, 1, 1)}])
    with pytest.raises(SyncerError) as err:
        s.dump("t", [{"a": "one"}])
    assert str(err.value) == (
        f"table 't', column 'a': the new rows have type string but {first} has int64; "
        "these do not mix (a column keeps one type; int and float mix as float)"
    )
    with pytest.raises(SyncerError, match=r"column 'when': the new rows have type timestamp"):
        s.dump("t", [{"when": dt.datetime(2020, 1, 1)}])
    assert data_files(tmp_path / "t") == ["0_0_0.parquet", "_SUCCESS"]  # no temporary file
    assert s.load("t") == [{"a": 1, "when": dt.date(2020, 1, 1)}]


def test_load_reports_a_conflict_between_files(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    s.dump("t", [{"a": 1}])
    pq.write_table(pa.table({"a": ["x"]}), tmp_path / "t" / "0_0_1.parquet")  # not via dump
    with pytest.raises(SyncerError, match=r"column 'a': .*0_0_1\.parquet have type string but "
                       r".*0_0_0\.parquet has int64"):
        s.load("t")
    (tmp_path / "t" / "0_0_1.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(SyncerError, match=r"0_0_1\.parquet: not a readable Parquet file"):
        s.load("t")
    with pytest.raises(SyncerError, match=r"0_0_1\.parquet: not a readable Parquet file"):
        s.dump("t", [{"a": 2}])


def test_int_beyond_float_precision(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    with pytest.raises(SyncerError, match=r"column 'a': row 1 has int 9007199254740993, which "
                       r"a float column cannot hold exactly"):
        s.dump("t", [{"a": 0.5}, {"a": 2**53 + 1}])
    s.dump("t", [{"a": 0.5}, {"a": 2**53}])
    assert s.load("t") == [{"a": 0.5}, {"a": float(2**53)}]
    # across dumps (int64 and double unify, the value does not fit): refused before writing
    first = s.dump("u", [{"a": 1}, {"a": -(2**53) - 1}])
    with pytest.raises(SyncerError, match=(
            rf"table 'u', column 'a': the new rows are float, but {first} holds int "
            r"-9007199254740993, which a float column cannot hold exactly")):
        s.dump("u", [{"a": 0.5}])
    s.dump("v", [{"a": 0.5}])
    with pytest.raises(SyncerError, match=r"table 'v', column 'a': row 1 has int "
                       r"9007199254740993, which the column's float type .* cannot hold"):
        s.dump("v", [{"a": 1}, {"a": 2**53 + 1}])
    s.dump("v", [{"a": 1}, {"a": 2**53}])
    assert s.load("v") == [{"a": 0.5}, {"a": 1.0}, {"a": float(2**53)}]
    # no statistics in the int file: the column itself is read
    nostats = ParquetSyncer(tmp_path / "n", write_statistics=False)
    nostats.dump("w", [{"a": 2**60}])
    with pytest.raises(SyncerError, match=r"holds int 1152921504606846976"):
        nostats.dump("w", [{"a": 0.5}])
    # written behind the syncer's back (or by two dumps at once): load still says so
    pq.write_table(pa.table({"a": [0.25]}), tmp_path / "u" / "0_0_9.parquet")
    with pytest.raises(SyncerError, match=r"table 'u': its files cannot be read together: "
                       r"Integer value -9007199254740993 not in range"):
        s.load("u")


@pytest.mark.parametrize(("rows", "expected"), [
    ([{"a": 1}, {"a": 2}, {"a": "x"}],
     "table 't', column 'a': row 2 has str 'x' but row 0 has int 1; a column holds one type "
     "(only int and float mix, as float)"),
    ([{"a": None}, {"a": True}, {"a": 1}],
     "table 't', column 'a': row 2 has int 1 but row 1 has bool True"),
    ([{"a": dt.datetime(2020, 1, 1)}, {"a": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}],
     "row 1 has datetime with time zone datetime.datetime(2020, 1, 1, 0, 0, "
     "tzinfo=datetime.timezone.utc) but row 0 has datetime without time zone"),
    ([{"a": dt.date(2020, 1, 1)}, {"a": dt.datetime(2020, 1, 1)}],
     "row 1 has datetime without time zone"),
    ([{"a": [1]}, {"a": {"x": 1}}], "row 1 has dict {'x': 1} but row 0 has list [1]"),
    ([{"a": b"x"}, {"a": "x"}], "row 1 has str 'x' but row 0 has bytes b'x'"),
    ([{"a": 1}, {"a": object()}], "column 'a': row 1 has object <object object at"),
    ([{"a": 2**63}], "column 'a': row 0 has int 9223372036854775808, outside the 64-bit range"),
    ([{"a": [1]}, {"a": ["x"]}], "column 'a': row 1 has list ['x'], which does not fit the rows before it (Could not "
     "convert 'x' with type str: tried to convert to int64)"),
    ([{"a": dt.time(1, tzinfo=dt.UTC)}], "row 0 has time datetime.time(1, 0, tzinfo"),
    ([{"a": 1}, ("a", 2)], "table 't': row 1 is tuple ('a', 2), expected a dict"),
    ([{}, {}], "table 't': none of the 2 rows has any key; there is nothing to store"),
    ([{"a": 1}, {3: 1}], "table 't': row 1 has the key 3; column names must be non-empty"),
    ([{"": 1}], "row 0 has the key ''; column names must be non-empty strings"),
])
def test_bad_rows(tmp_path: Path, rows: list[Any], expected: str) -> None:
    s = ParquetSyncer(tmp_path)
    with pytest.raises(SyncerError) as err:
        s.dump("t", rows)
    assert expected in str(err.value)
    assert not (tmp_path / "t").exists()  # nothing written, not even the table folder


def test_dump_argument_errors(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    with pytest.raises(SyncerError, match=r"rows must be a list of dicts, got one dict"):
        s.dump("t", {"a": 1})
    with pytest.raises(SyncerError, match=r"not both"):
        s.dump("t", ROWS, data=ROWS)
    with pytest.raises(SyncerError, match=r"needs the rows"):
        s.dump("t")


def test_empty_dump_creates_the_table(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path / "out")
    with pytest.raises(SyncerError, match=r"table 'nothing' does not exist in .*out "
                       r"\(tables: none\)"):
        s.load("nothing")
    assert s.dump("nothing", []) is None
    assert s.dump("nothing", iter(())) is None
    assert s.load("nothing") == [] and s.files("nothing") == []
    assert s.tables() == ["nothing"]
    s.dump("nothing", ROWS)
    assert s.load("nothing") == ROWS
    with pytest.raises(SyncerError, match=r"table 'other' does not exist .*\(tables: nothing\)"):
        s.load("other")


def test_success_note_and_crashed_temp_files(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    s.dump("t", ROWS)
    (tmp_path / "t" / ".0_0_1.parquet.deadbeef.tmp").write_bytes(b"half a file")
    out = s.dump("t", [{"id": 3}])
    assert out == tmp_path / "t" / "0_0_1.parquet"
    note = json.loads((tmp_path / "t" / "_SUCCESS").read_text())
    assert note["files"] == ["0_0_1.parquet"] and note["rows"] == 1 and note["table"] == "t"
    assert data_files(tmp_path / "t") == ["0_0_0.parquet", "0_0_1.parquet", "_SUCCESS"]
    assert s.load("t") == [*ROWS, {"id": 3, "name": None}]


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = ParquetSyncer(tmp_path)
    s.dump("t", ROWS)

    def disk_full(self: Any, table: Any, row_group_size: Any = None) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(pq.ParquetWriter, "write_table", disk_full)
        with pytest.raises(OSError, match="No space left"):
            s.dump("t", [{"id": 3, "name": "cy"}])
    # no partial file, no temporary file, the claim released (0_0 is free again)
    assert data_files(tmp_path / "t") == ["0_0_0.parquet", "_SUCCESS"]
    assert s.dump("t", [{"id": 3}]) == tmp_path / "t" / "0_0_1.parquet"
    assert s.load("t") == [*ROWS, {"id": 3, "name": None}]


def test_concurrent_dumps_never_clobber(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    s.dump("t", [])

    def work(w: int) -> list[Path | None]:
        other = ParquetSyncer(tmp_path)  # its own syncer, like another process
        return [other.dump("t", [{"w": w, "i": i}]) for i in range(5)]

    with ThreadPoolExecutor(4) as pool:
        written = [p for ps in pool.map(work, range(4)) for p in ps]
    assert len(set(written)) == 20 and all(p is not None for p in written)
    rows = s.load("t")
    assert sorted((r["w"], r["i"]) for r in rows) == [(w, i) for w in range(4) for i in range(5)]
    for w in range(4):  # each writer's rows stay in its order
        assert [r["i"] for r in rows if r["w"] == w] == list(range(5))
    assert not [p for p in (tmp_path / "t").iterdir() if p.name.startswith(".")]


def test_overwrite_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = ParquetSyncer(tmp_path)
    assert s.dump("t", ROWS, mode="overwrite") == tmp_path / "t" / "0_0_0.parquet"
    s.dump("t", ROWS)
    out = s.dump("t", [{"other": "shape"}], mode="overwrite")  # no compatibility needed
    assert out == tmp_path / "t" / "0_0_0.parquet"
    assert s.load("t") == [{"other": "shape"}]
    assert s.dump("t", [], mode="overwrite") is None
    assert s.load("t") == [] and s.tables() == ["t"]
    s.dump("t", ROWS)

    def broken(self: Any, staged: Any) -> Path:  # the commit into the staging folder fails
        (staged.target.parent / "0_0_0.parquet").write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("schemagen.runtime.storage.LocalStorage.commit", broken)
    with pytest.raises(OSError, match="No space left"):
        s.dump("t", [{"x": 1}], mode="overwrite")
    assert s.load("t") == ROWS  # the old table, untouched
    assert sorted(os.listdir(tmp_path)) == ["t"]  # no staging folder left behind
    with pytest.raises(SyncerError, match=r"mode must be 'append' or 'overwrite', got 'replace'"):
        s.dump("t", ROWS, mode="replace")


HOSTILE = ["", ".", "..", "../escape", "a/b", "/etc", "a\\b", "C:evil", ".hidden", "_meta",
           "nul\0", "tab\tname", " padded", "x" * 201, "a=b", "year=2024"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_table_names(tmp_path: Path, name: str) -> None:
    root = tmp_path / "root"
    s = ParquetSyncer(root)
    for call in (lambda: s.dump(name, ROWS), lambda: s.load(name),
                 lambda: s.dump_records(name, []), lambda: s.files(name)):
        with pytest.raises(SyncerError, match=r"table name .* (is|must)"):
            call()
    assert os.listdir(tmp_path) == []  # nothing created, inside the directory or out
    with pytest.raises(SyncerError, match=r"a table name must be a string"):
        s.dump(3, ROWS)  # type: ignore[arg-type]


def test_symlinked_table_leading_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "root" / "evil").symlink_to(tmp_path / "outside")
    s = ParquetSyncer(tmp_path / "root")
    with pytest.raises(SyncerError, match=r"table 'evil' leads out of the directory .*root "
                       r"\(to .*outside\)"):
        s.dump("evil", ROWS)
    assert os.listdir(tmp_path / "outside") == []


def test_files_readable_by_duckdb_with_the_right_types(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    utc = dt.UTC
    row = {
        "i": 1, "f": 1.5, "s": "x", "b": True, "raw": b"\x00\x01",
        "d": dt.date(2024, 2, 29), "t": dt.time(12, 30, 0, 5),
        "ts": dt.datetime(2024, 1, 1, 12), "tz": dt.datetime(2024, 1, 1, 12, tzinfo=utc),
        "dur": dt.timedelta(seconds=90), "dec": decimal.Decimal("12.345"),
        "ints": [1, 2], "obj": {"k": "v", "n": 2}, "nothing": None,
    }
    s.dump("all", [row, {k: None for k in row}])
    loaded = s.load("all")
    assert loaded[0] == row and loaded[1] == {k: None for k in row}
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rel = con.sql(f"SELECT * FROM read_parquet('{tmp_path / 'all'}/*.parquet') LIMIT 1")
    types = dict(zip(rel.columns, (str(t) for t in rel.types)))
    assert types == {
        "i": "BIGINT", "f": "DOUBLE", "s": "VARCHAR", "b": "BOOLEAN", "raw": "BLOB",
        "d": "DATE", "t": "TIME", "ts": "TIMESTAMP", "tz": "TIMESTAMP WITH TIME ZONE",
        "dur": "BIGINT", "dec": "DECIMAL(5,3)", "ints": "BIGINT[]",
        "obj": "STRUCT(k VARCHAR, n BIGINT)", "nothing": types["nothing"],
    }
    (got,) = rel.to_arrow_table().to_pylist()  # DuckDB's values (fetchall needs pytz for TIMESTAMPTZ)
    assert {k: v for k, v in got.items() if k != "dur"} == {
        k: v for k, v in row.items() if k != "dur"}
    assert got["dur"] == 90_000_000  # microseconds: Parquet has no duration type


def test_aware_datetimes_are_stored_in_utc(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    plus2 = dt.timezone(dt.timedelta(hours=2))
    s.dump("t", [{"at": dt.datetime(2024, 1, 1, 12, tzinfo=plus2)}])
    (got,) = s.load("t")
    assert got["at"] == dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    assert got["at"].utcoffset() == dt.timedelta(0)


# --------------------------------------------------------------------------- typed records


SCHEMA = """
{"type": "record", "name": "Event", "namespace": "sync.test", "fields": [
  {"name": "id", "type": "long"},
  {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
  {"name": "tags", "type": {"type": "array", "items": "string"}},
  {"name": "score", "type": ["null", "double"], "default": null}
]}
"""


def test_typed_dump_and_load(tmp_path: Path, compile_schemas: Any) -> None:
    mod = compile_schemas({"event.avsc": SCHEMA}).module("sync.test")
    Event = mod.Event
    at = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    recs = [Event(id_=i, kind=mod.Kind.A if i % 2 else mod.Kind.B, at=at, tags=[str(i)],
                  score=i / 2 if i % 3 else None) for i in range(7)]
    s = ParquetSyncer(tmp_path / "out", compression="zstd")
    assert s.dump_records("events", []) == []
    assert s.load_records(Event, "events") == []
    first = s.dump_records("events", recs[:3])
    second = s.dump_records("events", iter(recs[3:]), Event)
    assert [p.parent for p in first + second] == [tmp_path / "out" / "events"] * 2
    assert codecs(second[0]) == {"ZSTD"}
    assert s.load_records(Event, "events") == recs
    assert [r.id_ for r in s.load_records(Event, "events", filter=[("id", ">", 4)])] == [5, 6]
    # the same table untyped: plain dicts
    rows = s.load("events")
    assert rows[1] == {"id": 1, "kind": "A", "at": at, "tags": ["1"], "score": 0.5}
    n = duckdb.sql(f"SELECT count(*), sum(id) FROM read_parquet('{tmp_path}/out/events/*.parquet')")
    assert n.fetchall() == [(7, 21)]
    # an untyped dump that fits the records' columns can join the table
    s.dump("events", [{"id": 7, "kind": "B", "at": at, "tags": [], "score": None}])
    assert s.load_records(Event, "events")[-1] == Event(id_=7, kind=mod.Kind.B, at=at, tags=[])
    # one that does not fit is refused
    with pytest.raises(SyncerError) as err:
        s.dump("events", [{"id": "8"}])
    assert str(err.value) == (
        "table 'events': row 0, field 'id': expected an integer, got '8' (the table holds "
        "sync.test.Event records, written typed: dict rows take their types); nothing written")
    with pytest.raises(SyncerError, match=r"row 0 is Event.*generated records go through "
                       r"dump_records"):
        s.dump("other", recs[:1])
    with pytest.raises(schemagen.UsageError, match=r"is not a schemagen-generated record class"):
        s.dump_records("other", [{"id": 1}])
    with pytest.raises(schemagen.RecordError, match=r"record 1: field id"):
        s.dump_records("events", [recs[0], Event(id_="x", kind=mod.Kind.A, at=at, tags=[])])
    assert s.load_records(Event, "events")[:7] == recs  # the failed dump left nothing
    # overwrite: the table becomes exactly the new records
    (out,) = s.dump_records("events", recs[5:], mode="overwrite")
    assert out == tmp_path / "out" / "events" / "0_0_0.parquet"
    assert s.load_records(Event, "events") == recs[5:]
    assert s.dump_records("events", [], Event, mode="overwrite") == []
    assert s.load_records(Event, "events") == []
    # a typed dump is one file (dump order); block_size bounds its row groups
    small = ParquetSyncer(tmp_path / "small", block_size=200, compression="none")
    (one,) = small.dump_records("events", recs)
    assert pq.ParquetFile(one).metadata.num_row_groups > 1
    assert small.load_records(Event, "events") == recs


# --------------------------------------------------------------------------- properties


SCALARS = {
    "int": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(allow_nan=False),
    "str": st.text(max_size=8),
    "bool": st.booleans(),
    "date": st.dates(),
    "bytes": st.binary(max_size=8),
}


@st.composite
def tables(draw: Any) -> tuple[list[dict[str, Any]], list[int]]:
    kinds = draw(st.dictionaries(st.sampled_from("abcdef"), st.sampled_from(sorted(SCALARS)),
                                 min_size=1, max_size=4))
    rows = draw(st.lists(st.fixed_dictionaries(
        {}, optional={k: st.none() | SCALARS[v] for k, v in kinds.items()}), min_size=1,
        max_size=12))
    cuts = sorted(draw(st.lists(st.integers(0, len(rows)), max_size=3)))
    return rows, cuts


def _chunks(rows: list[dict[str, Any]], cuts: list[int]) -> list[list[dict[str, Any]]]:
    bounds = [0, *cuts, len(rows)]
    return [rows[lo:hi] for lo, hi in zip(bounds, bounds[1:])]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables())
def test_roundtrip_property(tmp_path_factory: pytest.TempPathFactory,
                            data: tuple[list[dict[str, Any]], list[int]]) -> None:
    """Any split of any rows into dumps loads back as the same rows, in order."""
    s = ParquetSyncer(tmp_path_factory.mktemp("prop"))
    s.dump("t", [])
    kept: list[dict[str, Any]] = []
    for chunk in _chunks(*data):
        if chunk and not any(chunk):  # only empty dicts: no column, refused
            with pytest.raises(SyncerError, match="nothing to store"):
                s.dump("t", chunk)
            continue
        s.dump("t", chunk)
        kept.extend(chunk)
    loaded = s.load("t")
    names = list(dict.fromkeys(k for r in kept for k in r))
    assert loaded == [{k: r.get(k) for k in names} for r in kept]


# --------------------------------------------------------------------------- review fixes

_MINUS5 = dt.timezone(dt.timedelta(hours=-5))
_LATE = dt.datetime.max.replace(tzinfo=_MINUS5)  # 10000-01-01 04:59 in UTC


@pytest.mark.parametrize(("rows", "expected"), [
    ([{"a": 1, "b": {}}], r"column 'b': row 0 has dict \{\}, a dict with no keys"),
    ([{"a": [{}]}, {"a": None}], r"column 'a': row 0 has list \[\{\}\], a dict with no keys"),
    ([{"a": None}, {"a": {"x": {}}}], r"column 'a': row 1 has dict \{'x': \{\}\}, a dict"),
    ([{"a": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, {"a": _LATE}],
     r"column 'a': row 1 has datetime .*9999.* whose instant in UTC lies outside years 1\.\.9999"),
    ([{"a": dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=5)))}],
     r"column 'a': row 0 has datetime .* outside years 1\.\.9999"),
    ([{"a": None}, {"a": [None, _LATE]}], r"column 'a': row 1 has list .* outside years"),
    ([{"a": {"t": _LATE}}], r"column 'a': row 0 has dict .* outside years"),
])
def test_rows_parquet_cannot_store_or_load_cannot_read_are_refused(
        tmp_path: Path, rows: list[Any], expected: str) -> None:
    """These used to fail with a raw pyarrow error (empty dicts), or be written into a
    table that ``load`` could then never read again (OverflowError on aware datetimes)."""
    s = ParquetSyncer(tmp_path)
    with pytest.raises(SyncerError, match=expected):
        s.dump("t", rows)
    assert not list((tmp_path / "t").glob("*.parquet"))


def test_limits_that_do_load(tmp_path: Path) -> None:
    s = ParquetSyncer(tmp_path)
    top = dt.datetime.max.replace(tzinfo=dt.UTC)
    low = dt.datetime.min.replace(tzinfo=dt.UTC)
    s.dump("t", [{"a": top, "b": {}}, {"a": low, "b": {"x": 1}}])
    assert s.load("t") == [{"a": top, "b": {"x": None}}, {"a": low, "b": {"x": 1}}]


def test_compatibility_check_reads_each_footer_once(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """n dumps read n-1 footers in all (each new file once) and unify O(n) schemas, not
    n**2/2 (every file again at every dump): the unified schema is kept per table; files
    from elsewhere and overwrites are still seen."""
    reads: list[str] = []
    unified: list[int] = []
    real_read, real_unify = pq.read_schema, pa.unify_schemas
    monkeypatch.setattr(pq, "read_schema", lambda p, *a, **k: (reads.append(p), real_read(p))[1])
    monkeypatch.setattr(pa, "unify_schemas",
                        lambda ss, **k: (unified.append(len(ss)), real_unify(ss, **k))[1])
    s = ParquetSyncer(tmp_path)
    for i in range(12):
        s.dump("t", [{"a": i}])
    assert len(reads) == 11 and len(set(reads)) == 11
    assert sum(unified) <= 4 * 12, unified
    ParquetSyncer(tmp_path).dump("t", [{"a": 1.5, "b": "x"}])  # another writer's file
    with pytest.raises(SyncerError, match=r"column 'b': the new rows have type int64 but "
                       r".*0_0_12\.parquet has string"):
        s.dump("t", [{"b": 3}])
    s.dump("t", [{"b": "s"}], mode="overwrite")  # a new folder: nothing of the old cache
    s.dump("t", [{"a": "now text"}])
    with pytest.raises(SyncerError, match=r"column 'a': the new rows have type int64"):
        s.dump("t", [{"a": 1}])
    assert [r["a"] for r in s.load("t")] == [None, "now text"]


def test_two_processes_dump_into_one_table_at_once(tmp_path: Path) -> None:
    """Real processes (the thread test shares one interpreter): no file clobbered, no
    temporary file left, each process's dumps load in its own order, DuckDB reads all."""
    import subprocess
    import sys

    script = ("import sys\nfrom schemagen.adapters.syncer import ParquetSyncer\n"
              "s = ParquetSyncer(sys.argv[1])\n"
              "for i in range(15):\n"
              "    s.dump('t', [{'w': int(sys.argv[2]), 'i': i, 'pad': 'x' * i}])\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(w)])
             for w in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    rows = ParquetSyncer(tmp_path).load("t")
    assert len(rows) == 30
    for w in range(2):
        assert [r["i"] for r in rows if r["w"] == w] == list(range(15))
    names = [p.name for p in (tmp_path / "t").iterdir()]
    assert not [n for n in names if n.endswith(".tmp")]
    con = duckdb.connect()
    assert con.execute(f"select count(*), count(distinct (w, i)) from "
                       f"read_parquet('{tmp_path}/t/*.parquet')").fetchone() == (30, 30)


def test_missing_relative_definition_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(SyncerError, match=(r"no syncer definition file at default \(relative to "
                                           rf"the current folder {tmp_path}\)")):
        connect("parquet://./default")


def test_duckdb_reads_an_evolving_table_with_union_by_name(tmp_path: Path) -> None:
    """As docs/syncer.md says: columns added, a null-only column filled later, int -> float."""
    s = ParquetSyncer(tmp_path)
    s.dump("t", [{"a": None, "b": 1}])
    s.dump("t", [{"a": 5, "b": 2, "c": "new"}])
    s.dump("t", [{"a": 1.5, "b": 3}])
    con = duckdb.connect()
    got = con.execute(f"select a, b, c from read_parquet('{tmp_path}/t/*.parquet', "
                      "union_by_name = true) order by b").fetchall()
    assert got == [(None, 1, None), (5.0, 2, "new"), (1.5, 3, None)]
    assert [tuple(r.values()) for r in s.load("t")] == got


@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_non_finite_decimal_is_named_as_such(tmp_path: Path, bad: str) -> None:
    # was pyarrow's "Decimal precision out of range [1, 38]: -2147483648" (or "'str' object
    # cannot be interpreted as an integer"): nothing said what was wrong with the value
    s = ParquetSyncer(tmp_path / "d")
    rows = [{"a": decimal.Decimal("1.5")}, {"a": decimal.Decimal(bad)}]
    with pytest.raises(SyncerError, match=r"column 'a': row 1 has Decimal .*only finite"):
        s.dump("t", rows)
    assert not (tmp_path / "d" / "t").exists() or s.load("t") == []


def test_dict_dump_into_a_typed_table_keeps_it_loadable_typed(tmp_path: Path,
                                                              compile_schemas: Any) -> None:
    # Python ints are int64 and datetimes microseconds: a dict dump into a table of records
    # with an int32 / timestamp-millis field was accepted, and load_records then refused the
    # whole table ('int64 cannot be read as int32 (narrowing)')
    mod = compile_schemas({"n.avsc": json.dumps({
        "type": "record", "name": "N", "namespace": "narrow", "fields": [
            {"name": "n", "type": "int"},
            {"name": "at", "type": ["null", {"type": "long",
                                             "logicalType": "local-timestamp-millis"}],
             "default": None}]})}).module("narrow")
    s = ParquetSyncer(tmp_path / "d")
    s.dump_records("t", [mod.N(n=1, at=dt.datetime(2020, 1, 1))])
    s.dump("t", [{"n": 2, "at": dt.datetime(2021, 1, 1, 0, 0, 0, 5000)}])
    assert s.load_records(mod.N, "t") == [mod.N(n=1, at=dt.datetime(2020, 1, 1)),
                                          mod.N(n=2, at=dt.datetime(2021, 1, 1, 0, 0, 0, 5000))]
    with pytest.raises(SyncerError, match=r"row 1, field 'n': 2147483648 out of range for "
                       r"int32 \[-2147483648, 2147483647\]"):
        s.dump("t", [{"n": 3}, {"n": 2**31}])
    with pytest.raises(SyncerError, match=r"row 0, field 'at': .*more precision than the "
                       r"field's unit \(ms\)"):
        s.dump("t", [{"n": 3, "at": dt.datetime(2021, 1, 1, 0, 0, 0, 1)}])
    assert len(s.files("t")) == 2
    assert duckdb.sql(f"SELECT sum(n) FROM read_parquet('{tmp_path}/d/t/*.parquet')"
                      ).fetchall() == [(3,)]


# --------------------------------------------------------------------------- typed tables, in full

ORDER = json.dumps({
    "type": "record", "name": "Order", "namespace": "sync.full", "fields": [
        {"name": "id", "type": "int"},
        {"name": "items", "type": {"type": "array", "items": {
            "type": "record", "name": "Item", "fields": [
                {"name": "sku", "type": "string"},
                {"name": "qty", "type": "int"},
                {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}}},
        {"name": "attrs", "type": {"type": "map", "values": "int"}},
        {"name": "note", "type": ["null", "string"], "default": None}]})


def test_dict_dump_into_a_typed_table_takes_the_full_type(tmp_path: Path,
                                                          compile_schemas: Any) -> None:
    # item 13: nested items[].qty was written as int64 (load_records then refused the whole
    # table as narrowing) and a map column was refused ("a struct with no fields")
    mod = compile_schemas({"order.avsc": ORDER}).module("sync.full")
    at = dt.datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=dt.UTC)
    s = ParquetSyncer(tmp_path / "d")
    s.dump_records("orders", [mod.Order(id_=1, items=[mod.Item(sku="a", qty=1, at=at)],
                                        attrs={"x": 1})])
    s.dump("orders", [{"id": 2, "items": [{"sku": "b", "qty": 2, "at": at}], "attrs": {}},
                      {"id": 3, "items": [], "attrs": {"y": -3, "z": 4}, "note": "n"}])
    s.dump("orders", [{"id": 4, "items": [], "attrs": [("k", 5)]}])  # pairs, as load() gives
    assert s.load_records(mod.Order, "orders") == [
        mod.Order(id_=1, items=[mod.Item(sku="a", qty=1, at=at)], attrs={"x": 1}),
        mod.Order(id_=2, items=[mod.Item(sku="b", qty=2, at=at)], attrs={}),
        mod.Order(id_=3, items=[], attrs={"y": -3, "z": 4}, note="n"),
        mod.Order(id_=4, items=[], attrs={"k": 5})]
    files = s.files("orders")
    want = pq.read_schema(files[0])
    for f in files[1:]:  # every dump wrote the record's own schema, nested widths included
        got = pq.read_schema(f)
        assert got.equals(want)
        assert got.metadata[b"schemagen.schema"] == want.metadata[b"schemagen.schema"]
    assert str(want.field("items").type.value_type.field("qty").type) == "int32"
    bad: list[tuple[dict[str, Any], str]] = [
        ({"id": 5, "items": [{"sku": "c", "qty": 2**31, "at": at}], "attrs": {}},
         "field 'items[0].qty': 2147483648 out of range for int32 [-2147483648, 2147483647]"),
        ({"id": 5, "items": [{"sku": "c", "qty": 1, "at": at, "extra": 1}], "attrs": {}},
         "field 'items[0].extra': unknown field (not in the record or its aliases)"),
        ({"id": 5, "items": [], "attrs": {"k": "1"}},
         "field \"attrs['k']\": expected an integer, got '1'"),
        ({"id": 5, "items": [{"sku": "c", "qty": 1}], "attrs": {}},
         "field 'items[0].at': missing required field"),
        ({"id": 5, "items": [{"sku": "c", "qty": 1, "at": at.replace(microsecond=1)}],
          "attrs": {}}, "field 'items[0].at': "),
    ]
    for row, message in bad:
        with pytest.raises(SyncerError) as err:
            s.dump("orders", [{"id": 9, "items": [], "attrs": {}}, row])
        assert str(err.value).startswith(f"table 'orders': row 1, {message}"), str(err.value)
        assert str(err.value).endswith("nothing written")
    assert len(s.files("orders")) == 3
    # an untyped table keeps inferring types from the rows
    s.dump("plain", [{"a": 1, "m": {"k": 1}}])
    assert s.load("plain") == [{"a": 1, "m": {"k": 1}}]


def test_typed_dumps_from_concurrent_writers_keep_dump_order(tmp_path: Path,
                                                             compile_schemas: Any) -> None:
    """A dump that returned before another started comes first in load order, whatever
    pairs the writers held; every dump's rows are contiguous and in order."""
    import threading
    import time

    mod = compile_schemas({"order.avsc": ORDER}).module("sync.full")
    s = ParquetSyncer(tmp_path / "d")
    folder = tmp_path / "d" / "orders"

    def order(i: int) -> Any:
        return mod.Order(id_=i, items=[], attrs={})

    s.dump_records("orders", [order(0)])
    # another writer holds pair 0_0 while dumps go on (they take 0_1), then gives it up
    other = schemagen.DatasetWriter(mod.Order, folder)
    for i in (1, 2, 3):
        s.dump_records("orders", [order(i)])
    other.abort()
    s.dump_records("orders", [order(4)])  # pair 0_0 again: still after 1, 2 and 3
    assert [o.id_ for o in s.load_records(mod.Order, "orders")] == [0, 1, 2, 3, 4]

    log: list[tuple[int, float, float]] = []
    lock = threading.Lock()

    def dumps(w: int) -> None:
        for k in range(6):
            base = 1000 + w * 100 + k * 10
            t0 = time.monotonic()
            s.dump_records("orders", [order(base + i) for i in range(3)])
            with lock:
                log.append((base, t0, time.monotonic()))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(dumps, range(4)))
    ids = [o.id_ for o in s.load_records(mod.Order, "orders")][5:]
    assert sorted(ids) == sorted(b + i for b, _, _ in log for i in range(3))
    firsts = [ids[j] for j in range(0, len(ids), 3)]
    assert ids == [b + i for b in firsts for i in range(3)]  # each dump contiguous
    pos = {b: n for n, b in enumerate(firsts)}
    late = [(a, b) for a, _, a_end in log for b, b_start, _ in log
            if a_end < b_start and pos[a] > pos[b]]
    assert late == []
