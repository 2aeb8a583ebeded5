"""``evolution/rules.py`` is the one rule list: config, format modules and docs agree with it."""

from __future__ import annotations

import re
from pathlib import Path

from schemagen.evolution import rules
from schemagen.evolution.formats import protobuf, thrift

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_rule_ids_are_unique_and_well_formed() -> None:
    assert len(rules.RULES) == 52
    for r in rules.RULES.values():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", r.id), r
        assert r.category in rules.CATEGORIES and r.category in r.groups, r
        assert r.check in rules.CHECKS and r.purpose, r


def test_known_names_rules_and_categories() -> None:
    known = rules.known()
    assert {k for k, v in known.items() if v == "rule"} == set(rules.RULES)
    assert {k for k, v in known.items() if v == "category"} == {
        "AVRO", "SQL", "THRIFT", "WIRE", "WIRE_JSON", "PARQUET", "SCHEMA"}


def test_format_tables_are_views_of_the_declarations() -> None:
    assert thrift.RULES == {r.id: (r.severity, r.purpose) for r in rules.of("thrift").values()}
    assert protobuf.RULES == {r.id: (r.groups, r.purpose)
                              for r in rules.of("protobuf").values()}
    for r in rules.of("protobuf").values():
        assert protobuf.category_of(r.id) == r.category


def test_docs_tables_list_every_rule_with_its_category() -> None:
    text = "".join((DOCS / n).read_text(encoding="utf-8")
                   for n in ("check.md", "check-rules-thrift-protobuf.md"))
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, re.M))
    assert documented <= set(rules.RULES)
    for r in rules.RULES.values():
        assert f"`{r.id}`" in text, r.id
    for r in rules.RULES.values():
        if r.check == "engine":
            assert f"| `{r.id}` | `{r.category}` |" in text, r.id
        if r.check == "thrift":
            assert f"| `{r.id}` | {r.severity} |" in text, r.id
        if r.check == "protobuf":
            assert f"| `{r.id}` | {', '.join(sorted(r.groups))} |" in text, r.id
