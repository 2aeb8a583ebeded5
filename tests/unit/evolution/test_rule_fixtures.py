"""Every rule of ``schemagen check`` has a fixture folder, as buf keeps its testdata:
``tests/fixtures/check/<RULE_ID>/{old,new}``.  Each pair of schema versions must make the
rule fire (with a file and line that point into the fixture), and ``schemagen check new
--against old --mode full`` must exit 1 exactly when the rule is an error rule.
``RULES_NOT_AVAILABLE`` has no fixture: it fires only when a rule module is missing from
the installation (see ``tests/fixtures/check/README.md``; the last test here hides a module)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemagen.cli import main as cli
from schemagen.evolution import engine, rules

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "check"
NO_FIXTURE = {"RULES_NOT_AVAILABLE"}
RULE_IDS = sorted(r.id for r in rules.RULES.values() if r.id not in NO_FIXTURE)


def test_every_rule_has_exactly_one_fixture_folder() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == set(RULE_IDS)
    for rid in RULE_IDS:
        for side in ("old", "new"):
            assert any((FIXTURES / rid / side).iterdir()), f"{rid}/{side} is empty"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_fixture_fires_its_rule(rule_id: str) -> None:
    folder = FIXTURES / rule_id
    old = engine.load_files([folder / "old"])
    new = engine.load_files([folder / "new"])
    findings = engine.compare(old, new)
    expected = (folder / "expected.txt").read_text().split()
    assert rule_id in expected
    assert sorted({f.rule for f in findings}) == expected
    found = [f for f in findings if f.rule == rule_id]
    rule = rules.RULES[rule_id]
    for f in found:
        assert (f.category, f.severity) == (rule.category, rule.severity)
        assert f.file is not None and Path(f.file).resolve().is_relative_to(folder)
        assert f.line is not None and f.line >= 1
        assert f.path and f.message


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_check_command_exit_code(rule_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / rule_id
    code = cli.main(["check", str(folder / "new"), "--against", str(folder / "old"),
                     "--mode", "full", "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    doc = json.loads(out)
    reported = {x["rule"] for x in doc["findings"]}
    assert rule_id in reported
    failing = any(rules.RULES[r].severity == "error" for r in reported)
    assert code == (1 if failing else 0)
    if rules.RULES[rule_id].severity == "error":
        assert code == 1


def test_rules_not_available_when_a_rule_module_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An installation without a format's rule module still checks that format for Parquet
    readability and removed records, and says so with a warning finding."""
    import sys

    folder = FIXTURES / "THRIFT_FIELD_RENAMED"
    old = engine.load_files([folder / "old"])
    new = engine.load_files([folder / "new"])
    monkeypatch.setitem(sys.modules, "schemagen.evolution.formats.thrift", None)
    findings = engine.compare(old, new)
    assert [f.rule for f in findings] == ["RULES_NOT_AVAILABLE"]
    (f,) = findings
    rule = rules.RULES["RULES_NOT_AVAILABLE"]
    assert (f.category, f.severity, f.path) == (rule.category, "warning", "thrift")
    assert "no thrift rule module" in f.message
    assert not f.fails(frozenset({"backward", "forward"}))
