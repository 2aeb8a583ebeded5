"""`schemagen check --against <git ref>` in a temporary repository: HEAD, HEAD~1, a tag, a
branch, an unknown ref, a shallow clone, paths below the repository root."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from schemagen.cli import main as cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

V1 = json.dumps({"type": "record", "name": "R", "namespace": "ns",
                 "fields": [{"name": "a", "type": "int"}]}, indent=1)
V2 = json.dumps({"type": "record", "name": "R", "namespace": "ns",
                 "fields": [{"name": "a", "type": "long"}]}, indent=1)
V3 = json.dumps({"type": "record", "name": "R", "namespace": "ns",
                 "fields": [{"name": "a", "type": "long"}, {"name": "b", "type": "string"}]},
                indent=1)


def git(cwd: Path, *args: str) -> str:
    r = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                        "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always",
                        *args], cwd=cwd, capture_output=True, text=True, check=True)
    return r.stdout


def commit(repo: Path, text: str, msg: str) -> None:
    (repo / "schemas" / "avro").mkdir(parents=True, exist_ok=True)
    (repo / "schemas" / "avro" / "r.avsc").write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", msg)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q")
    commit(r, V1, "v1")
    git(r, "tag", "v1")
    commit(r, V2, "v2")
    (r / "schemas" / "avro" / "r.avsc").write_text(V3)  # uncommitted working tree change
    monkeypatch.chdir(r)
    return r


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = cli.main(["check", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, (json.loads(out) if "--format" in argv else out), err


def test_git_refs(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # against HEAD (V2): b was added without a default
    code, doc, _ = run(capsys, "schemas", "--against", "HEAD", "--format", "json")
    assert code == 1 and doc["against"] == ["HEAD"]
    assert {(x["rule"], x["path"]) for x in doc["findings"] if x["fails"]} == {
        ("AVRO_READER_FIELD_MISSING_DEFAULT_VALUE", "ns.R.b"), ("PARQUET_UNREADABLE", "ns.R.b")}
    assert all(x["file"] == "schemas/avro/r.avsc" for x in doc["findings"])
    # against HEAD~1 and the tag (V1): also int -> long, which breaks forward only
    for ref in ("HEAD~1", "v1"):
        code, doc, _ = run(capsys, "schemas", "--against", ref, "--mode", "forward",
                           "--format", "json")
        assert code == 1
        assert ("AVRO_TYPE_MISMATCH", "ns.R.a") in {
            (x["rule"], x["path"]) for x in doc["findings"] if x["fails"]}
    # the working tree committed: compatible with itself
    git(repo, "commit", "-q", "-am", "v3")
    assert run(capsys, "schemas", "--against", "HEAD")[0] == 0
    assert run(capsys, "schemas", "--against", "main", "--mode", "full")[0] == 0


def test_git_from_a_subfolder_and_new_paths(repo: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "schemas")
    code, doc, _ = run(capsys, "avro", "--against", "HEAD~1", "--format", "json")
    assert code == 1 and {x["file"] for x in doc["findings"]} == {"avro/r.avsc"}
    # a folder that did not exist at the ref: nothing to compare, compatible
    (repo / "schemas" / "more").mkdir()
    (repo / "schemas" / "more" / "s.avsc").write_text(V1.replace('"R"', '"S"'))
    assert run(capsys, "more", "--against", "HEAD")[0] == 0


def test_github_annotations_from_a_subfolder(repo: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # GitHub attaches annotations by path from the workspace (repository) root
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(repo / "schemas" / "avro")
    code = cli.main(["check", ".", "--against", "HEAD~1", "--format", "github", "--mode", "full"])
    out = capsys.readouterr().out
    files = {line.split("file=")[1].split(",")[0] for line in out.splitlines()
             if line.startswith("::")}
    assert code == 1 and files == {"schemas/avro/r.avsc"}, out
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo / "schemas"))
    cli.main(["check", ".", "--against", "HEAD~1", "--format", "github", "--mode", "full"])
    assert "::error file=avro/r.avsc,line=" in capsys.readouterr().out


def test_unknown_ref(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "schemas", "--against", "origin/main")
    assert code == 2
    assert "not a file, a folder, nor a git ref known to this repository" in err
    assert "git fetch origin main" in err
    code, _, err = run(capsys, "schemas", "--against=--output=x")  # never a git option
    assert code == 2 and "invalid git ref" in err and not (repo / "x").exists()


def test_shallow_clone(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    monkeypatch.chdir(clone)
    assert run(capsys, "schemas", "--against", "HEAD")[0] == 0
    code, _, err = run(capsys, "schemas", "--against", "HEAD~1")
    assert code == 2
    assert "shallow clone" in err and "git fetch --unshallow" in err


def test_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "plain"
    (d / "s").mkdir(parents=True)
    (d / "s" / "r.avsc").write_text(V1)
    monkeypatch.chdir(d)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = run(capsys, "s", "--against", "main")
    assert code == 2 and "not in a git repository" in err


def test_schema_error_at_the_ref(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commit(repo, '{"type": "record", "name": "R", "fields": [{"name": "a"}]}', "broken")
    commit(repo, V3, "fixed")
    code, _, err = run(capsys, "schemas", "--against", "HEAD~1")
    assert code == 2
    assert "baseline HEAD~1" in err and "schemas/avro/r.avsc:1" in err
    assert "schemagen-baseline" not in err  # no temporary folder names


def test_include_folder_outside_the_repository(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # third-party protos outside the repository are imported as they are at both versions
    third = tmp_path / "third_party"
    third.mkdir()
    (third / "money.proto").write_text('syntax = "proto3";\npackage tp;\n'
                                       "message Money { int64 units = 1; }\n")
    r = tmp_path / "prepo"
    (r / "protos").mkdir(parents=True)
    git(r, "init", "-q")
    text = ('syntax = "proto3";\npackage app;\nimport "money.proto";\n'
            "message Order {{ {} id = 1; tp.Money price = 2; }}\n")
    (r / "protos" / "o.proto").write_text(text.format("int32"))
    git(r, "add", "-A")
    git(r, "commit", "-q", "-m", "v1")
    (r / "protos" / "o.proto").write_text(text.format("int64"))
    monkeypatch.chdir(r)
    code, doc, err = run(capsys, "protos", "-I", str(third), "--against", "HEAD", "--mode",
                         "full", "--format", "json")
    assert code == 1, err
    assert {x["path"] for x in doc["findings"]} >= {"app.Order.id"}
    # the checked paths themselves must be in the repository
    code, _, err = run(capsys, str(third), "--against", "HEAD")
    assert code == 2 and "outside the git repository" in err


def test_run_from_outside_the_repository(repo: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # the ref is looked up in the repository of the checked paths, not of the current folder
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, doc, err = run(capsys, str(repo / "schemas"), "--against", "v1", "--format", "json")
    assert code == 1, err
    assert {x["path"] for x in doc["findings"] if x["fails"]} >= {"ns.R.b"}
    assert all(x["file"] == str(repo / "schemas" / "avro" / "r.avsc") for x in doc["findings"])
