"""Regressions from code review, ``schemagen compile`` error paths: foreign files in the
output, inputs inside it, a namespace part too long, output under a file, an enum without
symbols, types without a Parquet form, namespaces differing only in case (exit 2, a
message, no traceback, nothing written)."""

from __future__ import annotations

import decimal
import json
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import folder_snapshot as snapshot
from sg_helpers import record_schema, write_schema_files

import schemagen
from schemagen.cli.main import main
from schemagen.codegen import compiler


@pytest.fixture
def cli_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with ``schemas/thing.avsc``, as the current directory."""
    monkeypatch.chdir(tmp_path)
    write_schema_files(tmp_path / "schemas", {"thing.avsc": record_schema(
        "rv.cli", [{"name": "ident", "type": "long"}], name="Thing", doc="A thing.")})
    return tmp_path


# --------------------------------------------------------------------------- 4. foreign output


@pytest.mark.parametrize(("rel", "text"), [
    pytest.param("NOTES.md", "my notes\n", id="notes-md"),
    pytest.param("rv/helpers.py", "def helper() -> int:\n    return 1\n", id="hand-written-py"),
])
def test_compile_refuses_output_with_foreign_file(cli_project: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  rel: str, text: str) -> None:
    assert main(["compile", "schemas", "-o", "gen", "-q"]) == 0
    capsys.readouterr()
    (cli_project / "gen" / rel).write_text(text)
    before = snapshot(cli_project)
    assert main(["compile", "schemas", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert Path(rel).name in err, err
    assert "Traceback" not in err
    assert snapshot(cli_project) == before
    assert sorted(p.name for p in cli_project.iterdir()) == ["gen", "schemas"]


def test_compile_refuses_inputs_inside_output(cli_project: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    # gen/ is a package schemagen generated, and the schemas were moved into it
    assert main(["compile", "schemas", "-o", "gen", "-q"]) == 0
    capsys.readouterr()
    (cli_project / "schemas").rename(cli_project / "gen" / "schemas")
    before = snapshot(cli_project)
    assert main(["compile", "gen/schemas", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "gen/schemas" in err, err
    # refused as a schema input inside the output (not only as a stray file in it)
    where = err.replace(str(cli_project.resolve()), "<project>").replace(str(cli_project), "<project>")
    assert "input" in where, err
    assert "Traceback" not in err
    assert snapshot(cli_project) == before
    assert (cli_project / "gen" / "schemas" / "thing.avsc").is_file()


# --------------------------------------------------------------------------- 6. CLI error paths


def test_cli_namespace_part_too_long(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ns = "n" * 300
    src = write_schema_files(cli_project / "long", {"long.avsc": record_schema(
        ns, [{"name": "a", "type": "int"}])})
    with pytest.raises(schemagen.SchemaError, match="namespace"):
        compiler.render(src, cli_project / "gen")
    assert main(["compile", "long", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "schemagen: error:" in err and "namespace" in err, err
    assert "Traceback" not in err
    assert not (cli_project / "gen").exists()


def test_cli_output_under_a_file(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cli_project / "somefile").write_text("data")
    assert main(["compile", "schemas", "-o", "somefile/gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "schemagen: error:" in err and "somefile" in err, err
    assert "Traceback" not in err
    assert (cli_project / "somefile").read_text() == "data"
    assert sorted(p.name for p in cli_project.iterdir()) == ["schemas", "somefile"]


def test_cli_enum_without_symbols(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_schema_files(cli_project / "enums", {"empty_enum.avsc": record_schema("rv.en", [
        {"name": "e", "type": {"type": "enum", "name": "Nothing", "symbols": []}}])})
    assert main(["compile", "enums", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "empty_enum.avsc" in err and "symbols" in err, err
    assert "Traceback" not in err
    assert not (cli_project / "gen").exists()


UNMAPPABLE = [
    pytest.param({"type": "bytes", "logicalType": "decimal", "precision": 80, "scale": 2},
                 decimal.Decimal("1.25"), r"decimal\(80", id="decimal-precision-80"),
    pytest.param({"type": "fixed", "name": "Empty", "size": 0}, b"", r"fixed size 0",
                 id="fixed-size-0"),
]


@pytest.mark.parametrize(("avro_type", "value", "problem"), UNMAPPABLE)
def test_unmappable_types_compile_but_refuse_parquet(cli_project: Path, compile_schemas: Any,
                                                     capsys: pytest.CaptureFixture[str],
                                                     avro_type: Any, value: Any,
                                                     problem: str) -> None:
    text = record_schema("rv.unmap", [{"name": "v", "type": avro_type}])
    write_schema_files(cli_project / "um", {"um.avsc": text})
    assert main(["compile", "um", "-o", "gen", "-q"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert (cli_project / "gen" / "rv" / "unmap.py").is_file()

    m = compile_schemas({"um.avsc": text}).module("rv.unmap")
    rec = m.R(v=value)
    assert rec.v == value
    with pytest.raises(schemagen.ParquetMappingError, match=problem):
        m.R.arrow_schema()
    out = cli_project / "data" / "um.parquet"
    with pytest.raises(schemagen.ParquetMappingError, match=problem):
        schemagen.write([rec], out)
    assert not out.exists()


# --------------------------------------------------------------------------- 10. case-only namespaces


def test_namespaces_differing_only_in_case(cli_project: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    src = write_schema_files(cli_project / "cases", {
        "upper.avsc": record_schema("A.b", [{"name": "x", "type": "int"}]),
        "lower.avsc": record_schema("a.c", [{"name": "x", "type": "int"}]),
    })
    with pytest.raises(schemagen.SchemaError, match="differ only in case"):
        compiler.render(src, cli_project / "gen")
    assert main(["compile", "cases", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "differ only in case" in err, err
    assert "Traceback" not in err
    assert not (cli_project / "gen").exists()


def test_namespaces_sanitised_to_one_module_are_refused(cli_project: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        compile_schemas: Any) -> None:
    """Issue 15 item 10: 'x.class' and 'x.class_' both became x/class_.py, and the record
    of one namespace silently vanished.  Module paths are refused (both named); class,
    field and enum member names that sanitise alike are told apart deterministically."""
    src = write_schema_files(cli_project / "same", {
        "a.avsc": record_schema("x.class", [{"name": "v", "type": "long"}], name="R"),
        "b.avsc": record_schema("x.class_", [{"name": "w", "type": "string"}], name="S"),
    })
    want = (f"namespaces 'x.class' (in {src[0]}) and 'x.class_' (in {src[1]}) both become the "
            "module 'x/class_.py' once sanitised into Python names; rename one of them (one "
            "would overwrite the other)")
    with pytest.raises(schemagen.SchemaError) as err:
        compiler.render(src, cli_project / "gen")
    assert want in str(err.value)
    assert main(["compile", "same", "-o", "gen", "-q"]) == 2
    out = capsys.readouterr().err
    assert "both become the module 'x/class_.py'" in out and "Traceback" not in out
    assert not (cli_project / "gen").exists()
    # names inside a module: suffixed in declaration order, every one kept
    m = compile_schemas({"n.avsc": json.dumps([
        {"type": "record", "name": "None", "namespace": "dup", "fields": [
            {"name": "class", "type": "long"}, {"name": "class_", "type": "long"},
            {"name": "kind", "type": {"type": "enum", "name": "K",
                                      "symbols": ["None", "None_"]}}]},
        {"type": "record", "name": "None_", "namespace": "dup", "fields": [
            {"name": "v", "type": "int"}]}])}).module("dup")
    rec = m.None_(class_=1, class__2=2, kind=m.K.None__2)
    assert m.None__2(v=3).v == 3
    path = cli_project / "n.parquet"
    schemagen.write([rec], path)
    import pyarrow.parquet as pq

    assert pq.read_table(path).to_pylist() == [{"class": 1, "class_": 2, "kind": "None_"}]
    assert list(schemagen.read(m.None_, path)) == [rec]


# --------------------------------------------------------------------------- issue 15 item 6


def test_cli_namespace_too_deep_leaves_nothing(cli_project: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # 3,000 levels: "OSError: File name too long" and a .gen.new-* folder left behind before
    ns = ".".join(f"n{i}" for i in range(3000))
    write_schema_files(cli_project / "deep", {"deep.avsc": record_schema(
        ns, [{"name": "a", "type": "int"}])})
    before = snapshot(cli_project)
    assert main(["compile", "deep", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert err == ("schemagen: error: deep/deep.avsc:1:1: the namespace of R has 3000 parts; "
                   "the limit is 32 (each part is a folder of the generated package)\n")
    assert snapshot(cli_project) == before


def test_cli_generated_path_too_long(cli_project: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ns = ".".join(["part"] * 20)
    write_schema_files(cli_project / "long", {"long.avsc": record_schema(
        ns, [{"name": "a", "type": "int"}])})
    before = snapshot(cli_project)
    real = compiler.os.pathconf

    def small(path: Any, name: str) -> int:
        return 120 if name == "PC_PATH_MAX" else real(path, name)

    monkeypatch.setattr(compiler.os, "pathconf", small)
    assert main(["compile", "long", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("schemagen: error: generated module part/part/")
    assert "the file system allows 119: choose a shorter output folder" in err
    assert snapshot(cli_project) == before
