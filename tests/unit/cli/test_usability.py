"""The command line as a new user meets it (issue 15 item 22): help texts, suggestions for
mistyped options, schema warnings under ``-q`` and ``--no-warnings``, counts worded with
plurals and thousands separators, ``compile -o`` parents, ``sql -I``, GitHub annotations
for schema warnings, and the bundled schemas compiling without a warning."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from schemagen.cli import main as cli
from schemagen.errors import counted

ROOT = Path(__file__).resolve().parents[3]
COMMANDS = ("compile", "sql", "check", "convert", "inspect", "snapshot")
# an Avro schema with one legal but lossy construct: a schema warning at line 3, column 59
WARN_AVSC = ('{"type": "record", "name": "W", "namespace": "cli.w", "fields": [\n'
             '  {"name": "id", "type": "long"},\n'
             '  {"name": "s", "type": {"type": "string", "logicalType": "made-up"}}\n'
             ']}\n')


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse: usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def warned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "w.avsc").write_text(WARN_AVSC)
    return tmp_path


# --------------------------------------------------------------------------- help texts

def test_help_texts_describe_commands_not_the_implementation(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Was: ``schemagen --help`` opened with "Command line: thin argument parsing around
    the library", and inspect's help spoke of "the guard process" and "recovered IR"."""
    texts = [run(capsys, "--help")[1]] + [run(capsys, c, "--help")[1] for c in COMMANDS]
    for text in texts:
        for jargon in ("thin argument", "argument parsing", "guard process", " IR ",
                       "library"):
            assert jargon not in text.replace("\n", " "), (jargon, text[:200])
    assert "Compile Avro, Thrift, protobuf and SQL schemas" in texts[0]


def test_compile_help_names_the_default_output_folder(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compile", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "(default: generated)" in flat
    assert "parent folder must exist" in flat


# --------------------------------------------------------------------------- suggestions

@pytest.mark.parametrize(("argv", "hint"), [
    (["compile", "schemas", "--outptu", "x"], "--outptu: did you mean --output?"),
    (["convert", "a.jsonl", "--schema", "s", "--record", "R", "--out", "o",
      "--rejcts=r.jsonl"], "--rejcts: did you mean --rejects?"),
    (["sql", "--typse"], "--typse: did you mean --types?"),
    (["check", "schemas", "--no-warnigns"], "--no-warnigns: did you mean --no-warnings?"),
    (["compil", "schemas"], "did you mean 'compile'?"),
    (["check", "schemas", "--format", "githb"], "did you mean 'github'?"),
])
def test_unknown_option_suggests_the_nearest(capsys: pytest.CaptureFixture[str],
                                             argv: list[str], hint: str) -> None:
    """Was: argparse (3.11) said only "unrecognized arguments: --outptu x"."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert hint in err
    assert err.count("schemagen: error:") == 1


def test_unknown_option_usage_is_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "compile", "schemas", "--outptu", "x")
    assert code == 2
    assert err.startswith("usage: schemagen compile ")


def test_no_suggestion_for_an_unlike_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "compile", "schemas", "--zzzzzzzz")
    assert code == 2
    assert "unrecognized arguments: --zzzzzzzz\n" in err and "did you mean" not in err


# --------------------------------------------------------------------------- warnings

def test_quiet_compile_keeps_schema_warnings_no_warnings_drops_them(
        warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was: ``-q`` silenced the schema warnings along with the summary."""
    code, out, err = run(capsys, "compile", "schemas", "-o", "gen", "-q")
    assert code == 0 and out == ""
    assert err == ("warning: schemas/w.avsc:3:59: unknown logical type 'made-up' ignored; "
                   "using string\n")
    code, out, err = run(capsys, "compile", "schemas", "-o", "gen", "-q", "--no-warnings")
    assert (code, out, err) == (0, "", "")
    code, out, err = run(capsys, "compile", "schemas", "-o", "gen", "--no-warnings")
    assert code == 0 and out == "wrote 3 files to gen/\n" and err == ""


@pytest.mark.parametrize("argv", [
    ["snapshot", "schemas", "-o", "lock.json", "-q"],
    ["sql", "schemas", "--record", "W", "--dialect", "duckdb"],
])
def test_other_commands_show_warnings_once_unless_no_warnings(
        warned: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 0
    assert err.count("unknown logical type 'made-up' ignored") == 1
    code, _, err = run(capsys, *argv, "--no-warnings")
    assert code == 0 and "warning" not in err


def test_check_quiet_keeps_warnings_once(warned: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Was: ``check`` printed the warning twice, and nothing under ``-q``."""
    code, out, err = run(capsys, "check", "schemas", "--against", "schemas", "-q")
    assert code == 0 and out == ""
    assert err.count("warning: schemas/w.avsc:3:59: unknown logical type") == 1


def test_check_format_github_prints_schema_warnings_as_annotations(
        warned: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: ``check --format github`` printed ``warning: ...`` to stderr, which GitHub shows
    in no annotation."""
    monkeypatch.setenv("GITHUB_WORKSPACE", str(warned))
    code, out, err = run(capsys, "check", "schemas", "--against", "schemas",
                         "--format", "github")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == ("::warning file=schemas/w.avsc,line=3,col=59,title=schema warning::"
                        "unknown logical type 'made-up' ignored; using string")
    assert len([x for x in lines if x.startswith("::warning")]) == 1
    assert lines[-1].startswith("schemagen check: compatible")


def test_github_warning_without_a_place() -> None:
    from schemagen.evolution.report import github_warning

    assert github_warning("odd\nthing: 50%") == (
        "::warning title=schema warning::odd%0Athing: 50%25")


def test_bundled_schemas_compile_without_warnings(tmp_path: Path) -> None:
    """Was: every compile of the bundled ``schemas/`` warned about features.avsc's made-up
    logical type (the warning itself is tested above and in tests/unit/frontends)."""
    done = subprocess.run([sys.executable, "-m", "schemagen", "compile", str(ROOT / "schemas"),
                           "-o", str(tmp_path / "gen")], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("wrote ") and " files to " in done.stdout


# --------------------------------------------------------------------------- counts

@pytest.mark.parametrize(("n", "noun", "plural", "text"), [
    (0, "file", None, "0 files"), (1, "file", None, "1 file"), (2, "row", None, "2 rows"),
    (1_500_000, "row", None, "1,500,000 rows"), (1, "entry", "entries", "1 entry"),
    (1234, "entry", "entries", "1,234 entries"),
])
def test_counted(n: int, noun: str, plural: str | None, text: str) -> None:
    assert counted(n, noun, plural) == text


def test_convert_summary_plurals_and_separators(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Was: "1234 rows written, 0 rejected, 1 file(s) in ..."."""
    monkeypatch.chdir(tmp_path)
    Path("s.avsc").write_text(json.dumps({"type": "record", "name": "R", "namespace": "c",
                                          "fields": [{"name": "id", "type": "long"}]}))
    Path("in.jsonl").write_text("".join(f'{{"id": {i}}}\n' for i in range(1234))
                                + '{"id": "x"}\n')
    code, _, err = run(capsys, "convert", "in.jsonl", "--schema", "s.avsc", "--record", "R",
                       "--out", "o.parquet")
    assert code == 1
    assert "1,234 rows written, 1 rejected, 1 file in o.parquet" in err
    import pyarrow.parquet as pq

    assert pq.read_table("o.parquet").column("id").to_pylist() == list(range(1234))


def test_check_and_snapshot_summaries_use_plurals(
        warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "snapshot", "schemas", "-o", "lock.json", "--no-warnings")
    assert code == 0 and out == "lock.json: added a version (1 type, 1 version)\n"
    (warned / "new").mkdir()
    (warned / "new" / "w.avsc").write_text(WARN_AVSC.replace('"long"', '"int"'))
    code, out, _ = run(capsys, "check", "new", "--against", "lock.json", "--no-warnings")
    assert code == 1
    assert out.splitlines()[-1].startswith("schemagen check: 2 incompatible changes (mode")


# --------------------------------------------------------------------------- compile -o

def test_compile_output_creates_only_the_last_folder(
        warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was: ``compile -o a/b/gen`` created a/ and a/b/ as well."""
    code, out, err = run(capsys, "compile", "schemas", "-o", "missing/deeper/gen",
                         "--no-warnings")
    assert code == 2 and out == ""
    assert err == ("schemagen: error: missing/deeper/gen: the folder missing/deeper does not "
                   "exist; create it first (the output folder itself is created, its parents "
                   "are not)\n")
    assert not (warned / "missing").exists()
    Path("afile").write_text("x")
    code, _, err = run(capsys, "compile", "schemas", "-o", "afile/gen", "--no-warnings")
    assert code == 2 and "the folder afile is not a folder" in err
    (warned / "missing").mkdir()
    code, _, _ = run(capsys, "compile", "schemas", "-o", "missing/gen", "--no-warnings")
    assert code == 0 and (warned / "missing" / "gen" / "cli" / "w.py").is_file()
    # --check writes nothing, so a missing parent is just a missing output
    code, out, _ = run(capsys, "compile", "schemas", "-o", "nope/gen", "--check",
                       "--no-warnings")
    assert code == 1 and "missing: nope/gen/" in out


# --------------------------------------------------------------------------- sql -I

def test_sql_takes_include_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    """Was: ``schemagen sql`` had no ``-I``, so a Thrift schema including a shared file
    outside its folder could not be turned into DDL."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shared").mkdir()
    (tmp_path / "idl").mkdir()
    (tmp_path / "shared" / "common.thrift").write_text(
        "namespace py shared.common\nstruct Money { 1: required i64 cents }\n")
    (tmp_path / "idl" / "order.thrift").write_text(
        'namespace py app.order\ninclude "common.thrift"\n'
        "struct Order { 1: required i64 id, 2: optional common.Money total }\n")
    code, _, err = run(capsys, "sql", "idl", "--record", "Order", "--dialect", "duckdb")
    assert code == 2 and "common.thrift" in err
    code, out, err = run(capsys, "sql", "idl", "-I", "shared", "--record", "Order",
                         "--dialect", "duckdb")
    assert code == 0, err
    assert "CREATE" in out and "total" in out and "cents" in out


def test_inspect_emit_py_output_creates_only_the_last_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.chdir(tmp_path)
    pq.write_table(pa.table({"x": [1]}), "f.parquet")
    code, out, err = run(capsys, "inspect", "f.parquet", "--emit", "py", "-o", "no/pkg")
    assert code == 2 and out == "" and "the folder no does not exist" in err
    assert not Path("no").exists()
    code, out, _ = run(capsys, "inspect", "f.parquet", "--emit", "py", "-o", "pkg")
    assert code == 0 and Path("pkg/__init__.py").is_file()


def test_convert_quiet_shows_schema_warnings_no_warnings_drops_them(
        warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was: convert dropped every schema warning, whatever the options."""
    Path("in.jsonl").write_text('{"id": 1, "s": "a"}\n')
    argv = ["convert", "in.jsonl", "--schema", "schemas/w.avsc", "--record", "W",
            "--out", "o.parquet", "-q"]
    # a content hash of its own: schemagen.load's cache must not hide the warning
    Path("schemas/w.avsc").write_text(WARN_AVSC.replace('"W"', '"W"' + " " * 7))
    code, out, err = run(capsys, *argv)
    assert code == 0 and out == ""
    assert err == ("warning: schemas/w.avsc:3:59: unknown logical type 'made-up' ignored; "
                   "using string\n")
    Path("schemas/w.avsc").write_text(WARN_AVSC.replace('"W"', '"W"' + " " * 8))
    code, out, err = run(capsys, *argv, "--no-warnings", "--mode", "overwrite")
    assert (code, out, err) == (0, "", "")
    import pyarrow.parquet as pq

    assert pq.read_table("o.parquet").to_pylist() == [{"id": 1, "s": "a"}]
