"""Issue 15 item 3: schemagen reads schema files only inside the paths it is given and the
``-I`` folders.  A symlink (a file or a folder) that leads out of them, a Thrift
``include`` of an absolute or ``../`` path or through a symlink, and a protobuf
``import`` through a symlink are refused with exit 2, naming the link and where it
points, and the file behind them is never read: its text (a canary standing for a
secret) appears in no output of any command.  Links and includes that stay inside the
roots keep working.

On the old main every refused case here was followed: the parse error quoted the
canary (Avro, Thrift, protobuf's ``syntax`` line) or the file compiled.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import schemagen
from schemagen.cli.main import main
from schemagen.errors import SchemaError

CANARY = "SECRET_TOKEN_12345"
GOOD = {
    "avsc": json.dumps({"type": "record", "name": "R", "namespace": "t",
                        "fields": [{"name": "a", "type": "int"}]}),
    "thrift": "namespace py t\nstruct R { 1: i32 a }\n",
    "sql": "CREATE TABLE r (a INT);\n",
    "proto": 'syntax = "proto3";\npackage t;\nmessage R { int32 a = 1; }\n',
}
# what each front end would choke on (and used to quote) if it read the secret file
SECRET = {
    "avsc": f"{CANARY} more",
    "thrift": f"{CANARY} more",
    "sql": f"CREATE TABLE t (a INT) '{CANARY}",
    "proto": f'syntax = "{CANARY}";\n',
}


def commands(ext: str) -> list[list[str]]:
    out = [["compile", "schemas", "-o", "gen_roots"],
           ["check", "schemas", "--format", "github", "--against", "base"],
           ["snapshot", "schemas", "-o", "snap.json"],
           ["convert", "--schema", "schemas", "--record", "R", "--out", "o.parquet", "in.jsonl"]]
    if ext == "sql":
        out.append(["sql", "schemas", "--record", "r", "--dialect", "duckdb"])
    return out


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "base").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "in.jsonl").write_text('{"a": 1}\n')
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out + err


def assert_refused(code: int, text: str, link: str, target: Path) -> None:
    assert code == 2, text
    assert CANARY not in text
    assert "Traceback" not in text
    assert link in text and str(target.resolve()) in text and "refused, not read" in text


@pytest.mark.parametrize("ext", sorted(GOOD))
def test_a_schema_file_symlinked_out_of_the_folder_is_refused_by_every_command(
        tree: Path, capsys: pytest.CaptureFixture[str], ext: str) -> None:
    secret = tree / "outside" / f"secret.{ext}"
    secret.write_text(SECRET[ext])
    (tree / "schemas" / f"good.{ext}").write_text(GOOD[ext])
    (tree / "base" / f"good.{ext}").write_text(GOOD[ext])
    (tree / "schemas" / f"evil.{ext}").symlink_to(os.path.relpath(secret, tree / "schemas"))
    for argv in commands(ext):
        code, text = run(argv, capsys)
        assert_refused(code, text, f"schemas/evil.{ext}", secret)
        assert "::error" not in text or CANARY not in text
    with pytest.raises(SchemaError) as exc:
        schemagen.load("schemas")
    assert CANARY not in str(exc.value) and "evil" in str(exc.value)
    # a file given on the command line (a shell glob) is held to its own folder too
    code, text = run(["compile", f"schemas/evil.{ext}", "-o", "gen_roots"], capsys)
    assert_refused(code, text, f"schemas/evil.{ext}", secret)
    assert not (tree / "gen_roots").exists()


@pytest.mark.parametrize("ext", sorted(GOOD))
def test_a_symlinked_folder_out_of_the_folder_is_refused(
        tree: Path, capsys: pytest.CaptureFixture[str], ext: str) -> None:
    (tree / "outside" / f"secret.{ext}").write_text(SECRET[ext])
    (tree / "schemas" / f"good.{ext}").write_text(GOOD[ext])
    (tree / "schemas" / "vendor").symlink_to("../outside", target_is_directory=True)
    for argv in [["compile", "schemas", "-o", "gen_roots"],
                 ["check", "schemas", "--format", "github", "--against", "base"]]:
        code, text = run(argv, capsys)
        assert_refused(code, text, "schemas/vendor", tree / "outside")


def test_a_baseline_folder_holding_a_link_out_is_refused(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "outside" / "secret.avsc").write_text(SECRET["avsc"])
    (tree / "schemas" / "good.avsc").write_text(GOOD["avsc"])
    (tree / "base" / "evil.avsc").symlink_to("../outside/secret.avsc")
    code, text = run(["check", "schemas", "--format", "github", "--against", "base"], capsys)
    assert_refused(code, text, "base/evil.avsc", tree / "outside" / "secret.avsc")


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink", "symlinked folder"])
def test_a_thrift_include_out_of_the_roots_is_refused(
        tree: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    secret = tree / "outside" / "secret.thrift"
    secret.write_text(SECRET["thrift"])
    name = {"absolute": str(secret), "dotdot": "../outside/secret.thrift",
            "symlink": "link.thrift", "symlinked folder": "vendor/secret.thrift"}[how]
    (tree / "schemas" / "link.thrift").symlink_to("../outside/secret.thrift")
    if how == "symlinked folder":
        (tree / "schemas" / "vendor").symlink_to("../outside", target_is_directory=True)
    (tree / "app").mkdir()
    (tree / "app" / "main.thrift").write_text(f'include "{name}"\nstruct M {{ 1: i32 a }}\n')
    for argv in [["compile", "app/main.thrift", "-I", "schemas", "-o", "gen_roots"],
                 ["check", "app", "-I", "schemas", "--format", "github", "--against", "base"]]:
        code, text = run(argv, capsys)
        assert code == 2 and CANARY not in text, text
        assert "main.thrift:1:9: include" in text and "refused, not read" in text
        assert str(secret.resolve()) in text or str((tree / "outside").resolve()) in text
    with pytest.raises(SchemaError) as exc:
        schemagen.load("app/main.thrift", include="schemas")
    assert CANARY not in str(exc.value)


@pytest.mark.parametrize("how", ["symlink", "symlinked folder"])
def test_a_protobuf_import_through_a_link_out_is_refused_before_protoc_reads_it(
        tree: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    secret = tree / "outside" / "secret.proto"
    secret.write_text(SECRET["proto"])
    (tree / "protos").mkdir()
    if how == "symlink":
        (tree / "protos" / "dep.proto").symlink_to("../outside/secret.proto")
        name = "dep.proto"
    else:
        (tree / "protos" / "vendor").symlink_to("../outside", target_is_directory=True)
        name = "vendor/secret.proto"
    (tree / "schemas" / "a.proto").write_text(
        f'syntax = "proto3";\n// import "ignored.proto";\nimport "{name}";\n'
        'message A { int32 a = 1; }\n')
    code, text = run(["compile", "schemas", "-I", "protos", "-o", "gen_roots"], capsys)
    assert code == 2 and CANARY not in text, text
    assert f"schemas/a.proto:3:1: import '{name}'" in text and "refused, not read" in text


# ----------------------------------------------------------------- what keeps working


def test_links_and_includes_inside_the_roots_keep_working(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = tree / "schemas"
    (s / "real").mkdir()
    (s / "real" / "r.avsc").write_text(GOOD["avsc"])
    (s / "alias.avsc").symlink_to("real/r.avsc")  # a link inside the folder: used
    (s / "again").symlink_to("real", target_is_directory=True)  # found where it points
    (s / "common.thrift").write_text("namespace py c\nstruct C { 1: i32 x }\n")
    (s / "sub").mkdir()
    (s / "sub" / "m.thrift").write_text(
        'namespace py m\ninclude "../common.thrift"\ninclude "shared.thrift"\n'
        "struct M { 1: common.C c, 2: shared.S s }\n")
    inc = tree / "inc"  # an -I folder outside the schema folder, reached through a link
    (inc / "real").mkdir(parents=True)
    (inc / "real" / "shared.thrift").write_text("namespace py sh\nstruct S { 1: i32 y }\n")
    (inc / "shared.thrift").symlink_to("real/shared.thrift")
    (s / "p.proto").write_text('syntax = "proto3";\npackage pp;\nimport "dep.proto";\n'
                               "message P { pd.D d = 1; }\n")
    (inc / "dep.proto").symlink_to("real/dep.proto")
    (inc / "real" / "dep.proto").write_text('syntax = "proto3";\npackage pd;\n'
                                            "message D { int32 a = 1; }\n")
    (tree / "linked").symlink_to("schemas", target_is_directory=True)  # a root that is a link
    code, text = run(["compile", "linked", "-I", "inc", "-o", "gen_roots"], capsys)
    assert code == 0, text
    gen = (tree / "gen_roots" / "m.py").read_text()
    assert "class M" in gen
    assert (tree / "gen_roots" / "t.py").is_file() and (tree / "gen_roots" / "pp.py").is_file()
    mod = schemagen.load(["schemas"], include=["inc"])
    assert mod is not None
