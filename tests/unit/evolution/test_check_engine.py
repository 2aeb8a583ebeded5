"""`schemagen check` / `schemagen snapshot`: modes, transitive history, snapshot files,
folder baselines, removed records, ignores and configuration, every report format parsed
back, exit codes (run in-process through the CLI)."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from schemagen.cli import main as cli
from schemagen.evolution import engine
from schemagen.evolution.model import Finding


def rec(*fields: dict[str, Any], name: str = "R") -> str:
    return json.dumps({"type": "record", "name": name, "namespace": "ns", "fields": list(fields)},
                      indent=1)


def f(name: str, type_: Any, **kw: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **kw}


V1 = rec(f("a", "int"))
V2 = rec(f("a", "int"), f("b", "string", default="x"))
V3 = rec(f("a", "int"), f("b", "string"))          # b loses its default: fine against V2 only
INT_LONG = rec(f("a", "long"))


def put(d: Path, text: str, name: str = "r.avsc") -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text(text)
    return d


def main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


# --------------------------------------------------------------------------- modes


@pytest.mark.parametrize(("mode", "code"), [
    ("backward", 0), ("forward", 1), ("full", 1), ("none", 0),
    ("backward_transitive", 0), ("forward_transitive", 1), ("full_transitive", 1),
])
def test_modes_int_to_long(tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str,
                           code: int) -> None:
    put(tmp_path / "old", V1)
    put(tmp_path / "new", INT_LONG)
    got, out, _ = main(capsys, "check", "new", "--against", "old", "--mode", mode)
    assert got == code, out
    assert "AVRO_TYPE_MISMATCH" in out and "ns.R.a" in out  # reported under every mode
    assert ("incompatible change" in out) is (code == 1)


def test_default_mode_is_backward_then_config(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "old", V1)
    put(tmp_path / "new", INT_LONG)
    assert main(capsys, "check", "new", "--against", "old")[0] == 0
    (tmp_path / "pyproject.toml").write_text('[tool.schemagen.check]\nmode = "forward"\n')
    assert main(capsys, "check", "new", "--against", "old")[0] == 1
    # --mode beats the configuration
    assert main(capsys, "check", "new", "--against", "old", "--mode", "backward")[0] == 0


def test_removed_record_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "old", V1)
    put(tmp_path / "old", rec(f("z", "int"), name="Gone"), "gone.avsc")
    put(tmp_path / "new", V1)
    code, out, _ = main(capsys, "check", "new", "--against", "old", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    [gone] = [x for x in doc["findings"] if x["rule"] == "RECORD_NO_DELETE"]
    assert gone["path"] == "ns.Gone" and gone["breaks"] == ["backward"]
    assert gone["file"] == "old/gone.avsc" and gone["line"] == 1  # the old file, for a deletion
    # renamed with an alias: not a deletion
    put(tmp_path / "new2", json.dumps({"type": "record", "name": "Gone2", "namespace": "ns",
                                       "aliases": ["Gone"], "fields": [f("z", "int")]}))
    put(tmp_path / "new2", V1, "r2.avsc")
    code, out, _ = main(capsys, "check", "new2", "--against", "old", "--format", "json")
    assert code == 0 and "RECORD_NO_DELETE" not in out


# --------------------------------------------------------------------------- snapshots


def test_snapshot_history_and_transitive(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    s = tmp_path / "schemas"
    put(s, V1)
    assert main(capsys, "snapshot", "schemas", "-o", "lock.json")[0] == 0
    first = (tmp_path / "lock.json").read_bytes()
    assert main(capsys, "snapshot", "schemas", "-o", "lock.json")[0] == 0
    assert (tmp_path / "lock.json").read_bytes() == first  # unchanged schema: same bytes
    assert main(capsys, "snapshot", "schemas", "-o", "lock.json", "--check")[0] == 0
    put(s, V2)
    assert main(capsys, "snapshot", "schemas", "-o", "lock.json", "--check")[0] == 1
    assert (tmp_path / "lock.json").read_bytes() == first  # --check writes nothing
    assert main(capsys, "snapshot", "schemas", "-o", "lock.json")[0] == 0
    doc = json.loads((tmp_path / "lock.json").read_text())
    assert len(doc["versions"]) == 2
    assert doc["versions"][0]["sources"] == {"ns.R": "schemas/r.avsc"}
    put(s, V3)
    # V3 against the latest (V2) is fine; against V1 (transitive) b has no default
    code, out, _ = main(capsys, "check", "schemas", "--against", "lock.json")
    assert code == 0, out
    code, out, _ = main(capsys, "check", "schemas", "--against", "lock.json", "--mode",
                        "backward_transitive", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["against"] == ["lock.json#1", "lock.json#2"]
    failing = [x for x in doc["findings"] if x["fails"]]
    assert {x["against"] for x in failing} == {"lock.json#1"}
    assert {x["rule"] for x in failing} == {"AVRO_READER_FIELD_MISSING_DEFAULT_VALUE",
                                            "PARQUET_UNREADABLE"}
    assert all(x["path"] == "ns.R.b" and x["file"] == "schemas/r.avsc" for x in failing)


def test_snapshot_round_trips_the_ir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = Path(__file__).resolve().parents[3] / "schemas"
    assert main(capsys, "snapshot", str(repo), "-o", "lock.json", "-q")[0] == 0
    from schemagen.evolution import baselines

    [v] = baselines.load_snapshot(tmp_path / "lock.json")
    live = engine.load_files([repo])
    assert v.schema.types == live.types  # every type, field, default, id and metadata
    located = 0
    for name, t in live.types.items():
        if t.location is None:
            assert v.schema.types[name].location is None
            continue
        loc = v.schema.types[name].location
        assert loc is not None and loc.line == t.location.line
        assert Path(loc.file).resolve() == Path(t.location.file).resolve()
        located += 1
    assert located > 10
    # the repo's schemas checked against their own snapshot: nothing breaks
    code, out, _ = main(capsys, "check", str(repo), "--against", "lock.json", "--mode", "full")
    assert code == 0, out


def test_bad_snapshot_and_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "new", V1)
    (tmp_path / "bad.json").write_text("{nope")
    code, _, err = main(capsys, "check", "new", "--against", "bad.json")
    assert code == 2 and "not a schemagen snapshot" in err
    (tmp_path / "other.json").write_text('{"a": 1}')
    assert main(capsys, "check", "new", "--against", "other.json")[0] == 2
    put(tmp_path / "broken", '{"type": "record", "name": "R", "fields": [{"name": 1}]}')
    code, _, err = main(capsys, "check", "new", "--against", "broken")
    assert code == 2 and "baseline broken" in err and "r.avsc" in err
    code, _, err = main(capsys, "check", "broken", "--against", "new")
    assert code == 2 and "broken/r.avsc:1" in err
    code, _, err = main(capsys, "check", "new")
    assert code == 2 and "no baseline" in err


# --------------------------------------------------------------------------- config


def test_ignores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "old", V1)
    put(tmp_path / "new", rec(f("a", "string"), f("c", "int")))
    assert main(capsys, "check", "new", "--against", "old")[0] == 1
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schemagen.check]\nbaseline = "old"\nignore = [\n'
        '  {rule = "AVRO_TYPE_MISMATCH", path = "ns.R.a"},\n'
        '  {rule = "PARQUET", path = "ns.R.a", reason = "rewritten in 2024"},\n'
        ']\n')
    code, out, _ = main(capsys, "check", "new", "--format", "json")
    assert code == 1  # c (added without a default) is not ignored
    doc = json.loads(out)
    assert {x["path"] for x in doc["findings"] if x["fails"]} == {"ns.R.c"}
    assert {(x["rule"], x["ignored"]) for x in doc["findings"] if x["path"] == "ns.R.a"} == {
        ("AVRO_TYPE_MISMATCH", True), ("PARQUET_UNREADABLE", True)}
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schemagen.check]\nbaseline = "old"\nignore = [{path = "ns.R"}]\n')
    code, out, _ = main(capsys, "check", "new")
    assert code == 0 and "ignored by [tool.schemagen.check]" in out


@pytest.mark.parametrize(("table", "message"), [
    ('modes = "full"', "unknown key(s) 'modes'"),
    ('mode = "sideways"', "is not a mode"),
    ("baseline = 3", "baseline must be a non-empty string"),
    ('ignore = "AVRO"', "ignore must be an array"),
    ('ignore = [{rule = "X", paths = "y"}]', "ignore[0]: unknown key(s) 'paths'"),
    ("ignore = [{}]", "give a rule, a path or both"),
    ('ignore = [{rule = ""}]', "rule must be a non-empty string"),
    ("[[", "not valid TOML"),
    ("tool = 1", "tool must be a table"),
    ('ignore = [{rule = "AVRO_TYPE_MISMATCHH"}]', "did you mean AVRO_TYPE_MISMATCH"),
    ('ignore = [{rule = "nonsense", path = "a"}]', "'nonsense' is not a rule ID or category"),
    ("[tool]\nschemagen = 1", "tool.schemagen must be a table"),
])
def test_config_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str,
                       message: str) -> None:
    put(tmp_path / "old", V1)
    put(tmp_path / "new", V1)
    raw = table == "[[" or table.startswith(("tool", "[tool]"))
    text = table if raw else f"[tool.schemagen.check]\n{table}\n"
    (tmp_path / "pyproject.toml").write_text(text)
    code, _, err = main(capsys, "check", "new", "--against", "old")
    assert code == 2 and message in err and "pyproject.toml" in err


# --------------------------------------------------------------------------- reports


def _changed(tmp_path: Path) -> None:
    put(tmp_path / "old", rec(f("a", "int"), f("gone", "int")))
    put(tmp_path / "new", rec(f("a", "long"), f("c", "int")))


def test_report_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _changed(tmp_path)
    code, out, _ = main(capsys, "check", "new", "--against", "old", "--mode", "full")
    assert code == 1
    lines = out.splitlines()
    pat = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<status>error|warning|note): "
                     r"(?P<rule>[A-Z_]+) \((?P<cat>[A-Z_]+)\) (?P<path>\S+): (?P<msg>.*)$")
    parsed = [pat.match(x) for x in lines[:-1]]
    assert all(parsed), lines
    rows = {(m["rule"], m["path"]): m for m in parsed if m}
    t = rows[("AVRO_TYPE_MISMATCH", "ns.R.a")]
    assert t["file"] == "new/r.avsc" and t["line"] == "6" and t["status"] == "error"
    assert "(old: int; new: long)" in t["msg"]
    g = rows[("AVRO_READER_FIELD_MISSING_DEFAULT_VALUE", "ns.R.gone")]
    assert g["file"] == "old/r.avsc" and g["line"] == "10"
    assert "a reader using the old schema cannot read data written with the new one" in g["msg"]
    assert lines[-1].startswith("schemagen check: ") and re.search(r"[0-9] incompatible changes? ", lines[-1])
    # --quiet: only failing lines (and the summary)
    code, out, _ = main(capsys, "check", "new", "--against", "old", "--mode", "none", "-q")
    assert code == 0 and out == ""


def test_report_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _changed(tmp_path)
    code, out, _ = main(capsys, "check", "new", "--against", "old", "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["compatible"] is False and doc["mode"] == "backward"
    keys = {"rule", "category", "severity", "breaks", "path", "message", "old", "new", "file",
            "line", "against", "fails", "ignored"}
    assert all(set(x) == keys for x in doc["findings"])
    assert doc["failures"] == sum(x["fails"] for x in doc["findings"]) > 0
    fails = {(x["rule"], x["path"]) for x in doc["findings"] if x["fails"]}
    assert fails == {("AVRO_READER_FIELD_MISSING_DEFAULT_VALUE", "ns.R.c"),
                     ("PARQUET_UNREADABLE", "ns.R.c")}


def test_report_github(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _changed(tmp_path)
    code, out, _ = main(capsys, "check", "new", "--against", "old", "--format", "github")
    assert code == 1
    pat = re.compile(r"^::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")
    annotations = []
    for line in out.splitlines()[:-1]:
        m = pat.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        annotations.append((m["level"], props, m["msg"]))
    errors = [(p["title"], p["file"], p["line"]) for lvl, p, _ in annotations if lvl == "error"]
    assert sorted(errors) == [("AVRO_READER_FIELD_MISSING_DEFAULT_VALUE", "new/r.avsc", "10"),
                              ("PARQUET_UNREADABLE", "new/r.avsc", "10")]
    notices = {p["title"] for lvl, p, _ in annotations if lvl == "notice"}
    assert "AVRO_TYPE_MISMATCH" in notices  # reported, but forward is not enforced


def test_github_escaping() -> None:
    from schemagen.evolution import report

    res = engine.Result("backward", "x", ["x"], [Finding(
        "R1", "AVRO", "error", frozenset({"backward"}), "a.b", "100% bad\nsecond line",
        file="dir,x/f:1.avsc", line=3)])
    line = report.github(res).splitlines()[0]
    assert line == "::error file=dir%2Cx/f%3A1.avsc,line=3,title=R1::a.b: 100%25 bad%0Asecond line"


def test_report_junit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _changed(tmp_path)
    code, out, _ = main(capsys, "check", "new", "--against", "old", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "0")) == len(cases) > 0
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures", "0")) == len(failed) == 2
    assert {c.get("classname") for c in failed} == {
        "AVRO.AVRO_READER_FIELD_MISSING_DEFAULT_VALUE", "PARQUET.PARQUET_UNREADABLE"}
    assert all(c.get("name") == "ns.R.c" and c.get("file") == "new/r.avsc" for c in failed)
    # compatible: one passing case
    put(tmp_path / "same", rec(f("a", "int"), f("gone", "int")))
    code, out, _ = main(capsys, "check", "same", "--against", "old", "--format", "junit")
    root = ET.fromstring(out.split("\n", 1)[1])
    assert code == 0 and root.get("failures") == "0" and root.get("tests") == "1"


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "old", V1)
    put(tmp_path / "new", V1)
    assert main(capsys, "check", "new", "--against", "old")[0] == 0
    assert main(capsys, "check", "missing", "--against", "old")[0] == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["check", "new", "--against", "old", "--mode", "sideways"])
    assert exc.value.code == 2
    assert main(capsys, "check", "new", "--against", "old", "--sql-dialect", "nope")[0] == 2
    # an empty baseline is not the current folder
    code, _, err = main(capsys, "check", "new", "--against", "")
    assert code == 2 and "--against needs a git ref" in err


def test_several_baselines_transitive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "v1", V1)
    put(tmp_path / "v2", V2)
    put(tmp_path / "v3", V3)
    assert main(capsys, "check", "v3", "--against", "v1", "--against", "v2")[0] == 0
    code, out, _ = main(capsys, "check", "v3", "--against", "v1", "--against", "v2",
                        "--mode", "backward_transitive")
    assert code == 1 and "[against v1]" in out and "[against v2]" not in out


def test_the_projects_own_check(capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """What .ci/run does: schemas/ against the committed snapshot, mode from pyproject."""
    root = Path(__file__).resolve().parents[3]
    monkeypatch.chdir(root)
    code, out, _ = main(capsys, "check", "schemas/", "--quiet")
    assert code == 0, out


def test_snapshot_of_more_than_is_checked(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Checking one folder against a snapshot of several: the others are not "removed"."""
    put(tmp_path / "s" / "a", V1)
    put(tmp_path / "s" / "b", rec(f("z", "int"), name="Other"))
    assert main(capsys, "snapshot", "s", "-o", "lock.json", "-q")[0] == 0
    assert main(capsys, "check", "s/a", "--against", "lock.json")[0] == 0
    (tmp_path / "s" / "b" / "r.avsc").unlink()
    put(tmp_path / "s" / "b", V1.replace('"R"', '"Renamed"'))
    code, out, _ = main(capsys, "check", "s", "--against", "lock.json")
    assert code == 1 and "RECORD_NO_DELETE" in out and "ns.Other" in out


def test_no_schema_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    put(tmp_path / "old", V1)
    code, _, err = main(capsys, "check", "empty", "--against", "old")
    assert code == 2 and "no schema types found under empty" in err
    code, _, err = main(capsys, "snapshot", "empty", "-o", "x.json")
    assert code == 2 and not (tmp_path / "x.json").exists()


def test_snapshot_taken_elsewhere_is_used_whole(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A snapshot of another checkout: no file of it is under the checked path, so nothing
    is filtered out (a change is found, a removed record too)."""
    put(tmp_path / "a" / "s", V1)
    put(tmp_path / "a" / "s", rec(f("z", "int"), name="Other"), "o.avsc")
    assert main(capsys, "snapshot", "a/s", "-o", "a/lock.json", "-q")[0] == 0
    put(tmp_path / "b" / "s", V3)
    code, out, _ = main(capsys, "check", "b/s", "--against", "a/lock.json", "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert {(x["rule"], x["path"]) for x in doc["findings"] if x["fails"]} == {
        ("AVRO_READER_FIELD_MISSING_DEFAULT_VALUE", "ns.R.b"), ("PARQUET_UNREADABLE", "ns.R.b"),
        ("RECORD_NO_DELETE", "ns.Other")}


# --------------------------------------------------------------------------- damaged snapshots


def _damage(doc: dict[str, Any], how: str) -> None:
    v = doc["versions"][0]
    rec_j = next(t for t in v["types"] if t.get("kind") == "record")
    enum_j = next(t for t in v["types"] if t.get("kind") == "enum")
    if how == "version not an object":
        doc["versions"] = [1]
    elif how == "types not objects":
        v["types"] = [1]
    elif how == "locations a list":
        v["locations"] = [1]
    elif how == "sources a list":
        v["sources"] = [1]
    elif how == "location without line":
        v["locations"]["ns.R"] = "r.avsc:abc"
    elif how == "symbols not strings":
        enum_j["symbols"] = [1, 2]
    elif how == "dangling reference":
        rec_j["fields"][0]["type"] = {"type": "recordref", "name": "zz.Missing"}
    elif how == "int of 7 bits":
        rec_j["fields"][0]["type"] = {"type": "int", "bits": 7}
    elif how == "unknown type":
        rec_j["fields"][0]["type"] = "nonsense"
    elif how == "type recorded twice":
        v["types"].append(dict(rec_j))
    elif how == "bad default":
        rec_j["fields"][0]["default"] = {"$": "zzz"}


@pytest.mark.parametrize("how", [
    "version not an object", "types not objects", "locations a list", "sources a list",
    "location without line", "symbols not strings", "dangling reference", "int of 7 bits",
    "unknown type", "type recorded twice", "bad default",
])
def test_damaged_snapshot_exit_2_and_left_alone(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                how: str) -> None:
    put(tmp_path / "s", rec(f("a", "int"), f("e", {"type": "enum", "name": "E",
                                                    "symbols": ["X", "Y"]})))
    assert main(capsys, "snapshot", "s", "-o", "lock.json")[0] == 0
    doc = json.loads((tmp_path / "lock.json").read_text())
    _damage(doc, how)
    damaged = json.dumps(doc)
    (tmp_path / "lock.json").write_text(damaged)
    code, _, err = main(capsys, "check", "s", "--against", "lock.json")
    assert code == 2 and "lock.json: version 1 is damaged" in err, err
    # snapshot refuses to append to (and so keep) a damaged file, and leaves it as it was
    put(tmp_path / "s", rec(f("a", "long"), f("e", {"type": "enum", "name": "E",
                                                     "symbols": ["X", "Y"]})))
    for argv in (("snapshot", "s", "-o", "lock.json"),
                 ("snapshot", "s", "-o", "lock.json", "--check")):
        code, _, err = main(capsys, *argv)
        assert code == 2 and "version 1 is damaged" in err, err
    assert (tmp_path / "lock.json").read_text() == damaged


def test_snapshot_nested_too_deeply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "s", V1)
    (tmp_path / "lock.json").write_text('{"versions": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, _, err = main(capsys, "check", "s", "--against", "lock.json")
    assert code == 2 and "nested too deeply" in err


def test_snapshot_summary_counts_versions(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    # a field named "types" must not be counted as a version
    put(tmp_path / "s", rec(f("types", "int")))
    code, out, _ = main(capsys, "snapshot", "s", "-o", "lock.json")
    assert code == 0 and "(1 type, 1 version)" in out, out
    put(tmp_path / "s", rec(f("types", "int"), f("b", "int", default=1)))
    code, out, _ = main(capsys, "snapshot", "s", "-o", "lock.json")
    assert code == 0 and "(1 type, 2 versions)" in out, out


def test_junit_with_characters_xml_cannot_hold(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from schemagen.evolution import report

    # a folder name with a control character, a newline, a comma and a colon
    weird = "new dir, a:b\nx\x01"
    put(tmp_path / "old", V1)
    put(tmp_path / weird, INT_LONG)
    for fmt in ("junit", "github", "json"):
        code, out, _ = main(capsys, "check", weird, "--against", "old", "--mode", "full",
                            "--format", fmt)
        assert code == 1
        if fmt == "junit":
            root = ET.fromstring(out.split("\n", 1)[1])
            files = {c.get("file") for c in root.iter("testcase")}
            assert files == {"new dir, a:b\nx\\x01/r.avsc"}
        elif fmt == "github":
            first = out.splitlines()[0]
            assert first.startswith("::error file=new dir%2C a%3Ab%0Ax\x01/r.avsc,line=")
        else:
            assert {x["file"] for x in json.loads(out)["findings"]} == {f"{weird}/r.avsc"}
    # a lone surrogate (a file name that is not UTF-8) and control characters in messages
    res = engine.Result("full", "x", ["x"], [Finding(
        "R1", "SQL", "error", frozenset({"backward"}), "t.c\x02", "bad \x00 value\x1b",
        old="\x7f", new="\udcff", file="\udcff/f.sql", line=3)])
    root = ET.fromstring(report.junit(res).split("\n", 1)[1])
    [case] = root.iter("testcase")
    assert case.get("file") == "\\udcff/f.sql" and case.get("name") == "t.c\\x02"
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "bad \\x00 value\\x1b"


@pytest.mark.parametrize("layout", ["root", "proto"])
def test_folder_baseline_imports_its_own_files(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               layout: str) -> None:
    # -I pointing into the checked folder must not make the baseline read the new files
    common = 'syntax = "proto3";\npackage t.c;\nmessage Money {{ {} units = 1; }}\n'
    main_proto = ('syntax = "proto3";\npackage t.a;\nimport "c/c.proto";\n'
                  "message Order {{ {} id = 1; t.c.Money price = 2; }}\n")
    sub = "" if layout == "root" else "proto"
    for tag, t in (("old", "int32"), ("new", "int64")):
        put(tmp_path / tag / sub / "c", common.format(t), "c.proto")
        put(tmp_path / tag / sub, main_proto.format(t), "m.proto")
    inc = str(Path("new") / sub) if sub else "new"
    code, out, err = main(capsys, "check", "new", "--against", "old", "-I", inc, "--mode",
                          "full", "--format", "json")
    assert code == 1, err
    paths = {x["path"] for x in json.loads(out)["findings"] if x["category"] == "WIRE_JSON"}
    assert paths == {"t.a.Order.id", "t.c.Money.units"}


def test_folder_baseline_include_above_the_checked_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `check new/b -I new --against old/b`: the baseline imported a/e.proto from new/, so
    # changes to imported messages and enums were invisible (reported compatible)
    enum = 'syntax = "proto3";\npackage a;\nenum Color {{ {} }}\nmessage In {{ {} v = 1; }}\n'
    main_proto = ('syntax = "proto3";\npackage b;\nimport "a/e.proto";\n'
                  "message M { a.Color c = 1; a.In i = 2; }\n")
    for tag, values, t in (("old", "RED = 0; BLUE = 1;", "int32"), ("new", "RED = 0;", "int64")):
        put(tmp_path / tag / "a", enum.format(values, t), "e.proto")
        put(tmp_path / tag / "b", main_proto, "m.proto")
    code, out, err = main(capsys, "check", "new/b", "--against", "old/b", "-I", "new",
                          "--mode", "full", "--format", "json")
    assert code == 1, err
    found = {(x["rule"], x["path"], x["file"]) for x in json.loads(out)["findings"]}
    assert ("FIELD_WIRE_JSON_COMPATIBLE_TYPE", "a.In.v", "new/a/e.proto") in found
    assert ("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", "a.Color.BLUE",
            "old/a/e.proto") in found
    # the same with a single schema file as the baseline (it imported the new files too)
    code, out, err = main(capsys, "check", "new/b/m.proto", "--against", "old/b/m.proto",
                          "-I", "new", "--mode", "full", "--format", "json")
    assert code == 1, err
    assert found == {(x["rule"], x["path"], x["file"]) for x in json.loads(out)["findings"]}
    # a baseline folder that does not end like the checked one: the include cannot be
    # mapped, and the user is told so instead of a silent "compatible"
    (tmp_path / "old" / "b").rename(tmp_path / "old" / "other")
    code, out, err = main(capsys, "check", "new/b", "--against", "old/other", "-I", "new")
    assert "-I new is above the checked folder" in err and "old/other" in err


def test_every_reported_rule_is_known_to_the_config() -> None:
    # ignore entries are checked against this list: a rule a module reports must be in it
    from schemagen.evolution import rules

    known = rules.known()
    src = Path(engine.__file__).parent
    for module in ("avro", "sql", "thrift", "parquet", "engine"):
        text = (src / ("" if module == "engine" else "formats") / f"{module}.py").read_text(encoding="utf-8")
        for rule in re.findall(r'"((?:AVRO|SQL|THRIFT|PARQUET|RECORD|RULES)_[A-Z_]+)"', text):
            assert known.get(rule) == "rule", (module, rule)
    assert known["WIRE_JSON"] == "category" and known["FIELD_SAME_ONEOF"] == "rule"


def test_transitive_snapshot_version_before_the_checked_folder_existed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # v1 of the snapshot has only schemas/other; v2 adds schemas/avro.  Checking
    # schemas/avro transitively must not compare with all of v1 (its records are not
    # "removed": they are outside the checked folder)
    put(tmp_path / "schemas" / "other", rec(f("z", "int"), name="Other"), "o.avsc")
    assert main(capsys, "snapshot", "schemas", "-o", "lock.json", "-q")[0] == 0
    put(tmp_path / "schemas" / "avro", V1)
    assert main(capsys, "snapshot", "schemas", "-o", "lock.json", "-q")[0] == 0
    for mode in ("backward_transitive", "full_transitive"):
        code, out, _ = main(capsys, "check", "schemas/avro", "--against", "lock.json",
                            "--mode", mode)
        assert code == 0 and "RECORD_NO_DELETE" not in out, out
    # a change under the checked folder is still found against the versions that have it
    put(tmp_path / "schemas" / "avro", V3)
    code, out, _ = main(capsys, "check", "schemas/avro", "--against", "lock.json", "--mode",
                        "backward_transitive")
    assert code == 1 and "ns.R.b" in out and "lock.json#2" in out and "Other" not in out


def test_damaged_snapshot_reference_across_formats(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "s", V1)
    put(tmp_path / "s", "-- dialect: duckdb\nCREATE TABLE t (a INTEGER);\n", "t.sql")
    assert main(capsys, "snapshot", "s", "-o", "lock.json", "-q")[0] == 0
    doc = json.loads((tmp_path / "lock.json").read_text())
    types = doc["versions"][0]["types"]
    sql_rec = next(t["name"] for t in types if t["name"] != "ns.R")
    next(t for t in types if t["name"] == "ns.R")["fields"][0]["type"] = {
        "type": "recordref", "name": sql_rec}
    (tmp_path / "lock.json").write_text(json.dumps(doc))
    code, _, err = main(capsys, "check", "s", "--against", "lock.json")
    assert code == 2 and "ns.R.a: refers to" in err and "another schema format" in err, err


def test_single_schema_file_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(tmp_path / "old", V1)
    put(tmp_path / "new", INT_LONG)
    code, out, err = main(capsys, "check", "new/r.avsc", "--against", "old/r.avsc", "--mode",
                          "forward")
    assert code == 1 and "AVRO_TYPE_MISMATCH" in out and "against old/r.avsc" in out, err
    put(tmp_path / "bad", '{"type": "record"}')
    code, _, err = main(capsys, "check", "new", "--against", "bad/r.avsc")
    assert code == 2 and "baseline bad/r.avsc" in err


def test_every_finding_has_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    pairs = {
        "p.proto": ('syntax = "proto3";\npackage t;\nmessage M { int32 a = 1; string b = 2; }\n'
                    "enum E { E_0 = 0; E_1 = 1; }\n",
                    'syntax = "proto3";\n\npackage t2;\nmessage M { int64 a = 1; }\n'),
        "q.proto": ('syntax = "proto3";\npackage q;\nmessage Q { int32 a = 1; string b = 2; }\n',
                    'syntax = "proto3";\nmessage Q { int64 a = 1; }\n'),
        "w.proto": ('syntax = "proto3";\npackage w;\nmessage W { int32 a = 1; string b = 2; }\n',
                    'syntax = "proto3";\npackage w;\nmessage W {\n int64 a = 1; }\n'),
        "s.thrift": ("namespace py x\nenum C { A = 1, B = 2 }\n"
                     "struct S { 1: required i32 a\n 2: optional string b\n 3: map<i32,i32> m }\n",
                     "namespace py x\nenum C { A = 1 }\n"
                     "struct S { 1: optional i64 a\n 3: map<i64,i64> m\n 4: required i32 n }\n"),
        "t.sql": ("-- dialect: duckdb\nCREATE TABLE t (a INTEGER, b VARCHAR NOT NULL);\n",
                  "-- dialect: duckdb\nCREATE TABLE t (a BIGINT NOT NULL, c INTEGER NOT NULL);\n"),
        "r.avsc": (rec(f("a", "long"), f("gone", "int"), f("e", {"type": "enum", "name": "E",
                                                                 "symbols": ["X", "Y"]})),
                   rec(f("a", "int"), f("n", "int"), f("e", {"type": "enum", "name": "E",
                                                             "symbols": ["X"]}))),
    }
    for name, (old, new) in pairs.items():
        put(tmp_path / "old", old, name)
        put(tmp_path / "new", new, name)
    code, out, err = main(capsys, "check", "new", "--against", "old", "--mode", "full",
                          "--format", "json")
    assert code == 1, err
    findings = json.loads(out)["findings"]
    assert {x["category"] for x in findings} >= {"AVRO", "THRIFT", "WIRE", "WIRE_JSON", "SQL",
                                                 "PARQUET", "SCHEMA"}
    assert "FILE_SAME_PACKAGE" in {x["rule"] for x in findings}
    missing = [(x["rule"], x["path"], x["file"], x["line"]) for x in findings
               if not x["file"] or not x["line"]]
    assert not missing, missing
    pkg = [x for x in findings if x["rule"] == "FILE_SAME_PACKAGE"]
    assert {(x["file"], x["line"]) for x in pkg} == {("new/p.proto", 3), ("new/q.proto", 2)}


def test_snapshot_independent_of_the_current_folder(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # protoc's bundled imports (google/protobuf/*.proto) are not files on disk: their paths
    # must not be rebased on the current folder, or --check fails from another folder
    put(tmp_path / "s" / "p", 'syntax = "proto3";\npackage t;\n'
        'import "google/protobuf/any.proto";\n'
        "message M { google.protobuf.Any at = 1; }\n", "m.proto")
    put(tmp_path / "s" / "a", V1)
    assert main(capsys, "snapshot", "s", "-o", "lock.json", "-q")[0] == 0
    text = (tmp_path / "lock.json").read_text()
    assert '"google/protobuf/any.proto"' in text
    for folder, argv in ((tmp_path / "s", (".", "-o", "../lock.json")),
                         (tmp_path / "s" / "a", ("..", "-o", "../../lock.json"))):
        monkeypatch.chdir(folder)
        code, _, err = main(capsys, "snapshot", *argv, "--check", "-q")
        assert code == 0, err
        code, out, _ = main(capsys, "check", argv[0], "--against", argv[2], "--mode", "full")
        assert code == 0, out


def test_well_known_type_no_longer_imported(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # a field of type google.protobuf.Any deleted properly (number and name reserved) and
    # the import dropped: Any is not "a removed record" of the project
    put(tmp_path / "old", 'syntax = "proto3";\npackage t;\nimport "google/protobuf/any.proto";\n'
        "message M { int32 a = 1; google.protobuf.Any at = 2; }\n", "m.proto")
    put(tmp_path / "new", 'syntax = "proto3";\npackage t;\n'
        'message M { reserved 2; reserved "at"; int32 a = 1; }\n', "m.proto")
    code, out, _ = main(capsys, "check", "new", "--against", "old", "--mode", "full")
    assert code == 0 and "RECORD_NO_DELETE" not in out, out


def test_ignore_globs_with_list_items() -> None:
    found = Finding("AVRO_TYPE_MISMATCH", "AVRO", "error", frozenset({"backward"}),
                    "ns.R.items[].q", "m")
    assert engine.Ignore(path="ns.R.items[].*").matches(found)
    assert engine.Ignore(path="ns.*.items[].q").matches(found)
    assert engine.Ignore(path="ns.R.items[]").matches(found)       # under it
    assert not engine.Ignore(path="ns.R.items[].z*").matches(found)
    assert not engine.Ignore(path="ns.R.item").matches(found)
    nested = dataclasses.replace(found, path="ns.R.rows[].cells[].v")
    assert engine.Ignore(path="ns.R.rows[].cells[].*").matches(nested)
    assert engine.Ignore(path="*.rows[].cells[].v").matches(nested)


def test_folder_baseline_without_schemas(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    # a wrong (empty) baseline folder made every record "new", so every check passed
    put(tmp_path / "new", rec(f("a", "int")))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("not a schema\n")
    for baseline in ("docs", str(tmp_path / "docs")):
        code, out, err = main(capsys, "check", "new", "--against", baseline, "--mode", "full")
        assert code == 2 and out == ""
        assert f"--against {baseline}: no schema types in this folder" in err and ".avsc" in err
