"""``schemagen check``: the Thrift rule family.

Every case is a pair of real ``.thrift`` files loaded through the Thrift front end.
Field ids are the identity; a reader skips ids it does not know and values whose wire
type (``TType``) is not the one it expects, and rejects a struct that lacks a required
field.  Warnings (renames, deleted optional fields, new enum values, changed defaults)
never fail a mode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from schemagen import frontends, ir
from schemagen.evolution.formats import thrift as th
from schemagen.evolution.model import DIRECTION_TEXT, Finding, mode_directions

MODES = ("backward", "forward", "full")
OK3 = ("ok", "ok", "ok")
FAIL3 = ("fail", "fail", "fail")
BACK = ("fail", "ok", "fail")
FWD = ("ok", "fail", "fail")


def idl(body: str, extra: str = "", kind: str = "struct") -> str:
    return f"namespace py t\n{extra}\n{kind} S {{\n{body}\n}}\n"


def load_text(folder: Path, text: str) -> ir.Schema:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "a.thrift"
    p.write_text(text, encoding="utf-8")
    return frontends.load([p])


def verdicts(findings: list[Finding]) -> tuple[str, ...]:
    return tuple("fail" if any(f.fails(mode_directions(m)) for f in findings) else "ok"
                 for m in MODES)


_ENUM = "enum Color { RED = 1, GREEN = 2, BLUE = 3 }"
_INNER = "struct Inner { 1: required i32 x }\nstruct Inner2 { 1: required i32 x }"

# (id, old, new, {(rule, path)}, verdicts)
Case = tuple[str, str, str, set[tuple[str, str]], tuple[str, ...]]

CASES: list[Case] = [
    ("unchanged", idl("1: required i64 id"), idl("1: required i64 id"), set(), OK3),
    ("optional_added", idl("1: required i64 id"),
     idl("1: required i64 id\n2: optional string note"), set(), OK3),
    ("default_req_added", idl("1: required i64 id"),
     idl("1: required i64 id\n2: string note"), set(), OK3),
    # requiredness
    ("required_field_added", idl("1: required i64 id"),
     idl("1: required i64 id\n2: required string note"),
     {("THRIFT_REQUIRED_FIELD_ADDED", "t.S.note")}, BACK),
    ("optional_to_required", idl("1: optional i64 id"), idl("1: required i64 id"),
     {("THRIFT_REQUIRED_ADDED", "t.S.id")}, BACK),
    ("default_to_required", idl("1: i64 id"), idl("1: required i64 id"),
     {("THRIFT_REQUIRED_ADDED", "t.S.id")}, BACK),
    ("required_to_optional", idl("1: required i64 id"), idl("1: optional i64 id"),
     {("THRIFT_REQUIRED_REMOVED", "t.S.id")}, FWD),
    ("required_to_default", idl("1: required i64 id"), idl("1: i64 id"),
     {("THRIFT_REQUIRED_REMOVED", "t.S.id")}, FWD),
    ("optional_to_default", idl("1: optional i64 id"), idl("1: i64 id"), set(), OK3),
    ("required_removed", idl("1: required i64 id\n2: required string note"),
     idl("1: required i64 id"), {("THRIFT_REQUIRED_FIELD_REMOVED", "t.S.note")}, FWD),
    ("optional_removed", idl("1: required i64 id\n2: optional string note"),
     idl("1: required i64 id"), {("THRIFT_FIELD_REMOVED", "t.S.note")}, OK3),
    # types per id
    ("i32_to_i64", idl("1: optional i32 n"), idl("1: optional i64 n"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.n")}, FAIL3),
    ("i64_to_double", idl("1: required i64 n"), idl("1: required double n"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.n")}, FAIL3),
    ("byte_to_i8", idl("1: optional byte n"), idl("1: optional i8 n"), set(), OK3),
    ("string_to_binary", idl("1: optional string s"), idl("1: optional binary s"),
     set(), OK3),
    ("binary_to_string", idl("1: optional binary s"), idl("1: optional string s"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.s")}, BACK),
    ("i32_to_enum", idl("1: optional i32 c", _ENUM), idl("1: optional Color c", _ENUM),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.c")}, BACK),
    ("enum_to_i32", idl("1: optional Color c", _ENUM), idl("1: optional i32 c", _ENUM),
     set(), OK3),
    ("enum_swapped_values_lost", idl("1: optional Color c", _ENUM),
     idl("1: optional Shade c", _ENUM + "\nenum Shade { RED = 1, GREEN = 2 }"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.c")}, BACK),
    ("enum_swapped_superset", idl("1: optional Color c", _ENUM),
     idl("1: optional Shade c", _ENUM + "\nenum Shade { R = 1, G = 2, B = 3, W = 4 }"),
     set(), OK3),
    ("typedef_same_type", idl("1: required i64 id"),
     idl("1: required Id id", "typedef i64 Id"), set(), OK3),
    ("typedef_retargeted", idl("1: required Id id", "typedef i32 Id"),
     idl("1: required Id id", "typedef i64 Id"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.id")}, FAIL3),
    ("list_to_set", idl("1: optional list<i32> xs"), idl("1: optional set<i32> xs"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.xs")}, FAIL3),
    ("list_element_changed", idl("1: optional list<i32> xs"), idl("1: optional list<i64> xs"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.xs[]")}, FAIL3),
    ("map_value_changed", idl("1: optional map<string, i32> m"),
     idl("1: optional map<string, string> m"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.m{value}")}, FAIL3),
    ("map_key_binary_to_string", idl("1: optional map<binary, i32> m"),
     idl("1: optional map<string, i32> m"),
     {("THRIFT_FIELD_TYPE_CHANGED", "t.S.m{key}")}, BACK),
    ("struct_renamed_same_fields", idl("1: optional Inner i", _INNER),
     idl("1: optional Inner2 i", _INNER), set(), OK3),
    ("struct_renamed_required_added", idl("1: optional Inner i", _INNER),
     idl("1: optional Inner2 i",
         "struct Inner { 1: required i32 x }\n"
         "struct Inner2 { 1: required i32 x\n 2: required string y }"),
     {("THRIFT_REQUIRED_FIELD_ADDED", "t.S.i.y"),
      ("THRIFT_REQUIRED_FIELD_ADDED", "t.Inner2.y")}, BACK),
    ("recursive_struct_renamed", idl("1: optional Node tree",
                                     "struct Node { 1: optional list<Node> kids }"),
     idl("1: optional Node2 tree", "struct Node { 1: optional list<Node> kids }\n"
         "struct Node2 { 1: optional list<Node2> kids\n 2: optional i64 kids_total }"),
     set(), OK3),
    ("struct_to_field_of_other_kind", idl("1: optional Inner i", _INNER),
     idl("1: optional string i", _INNER), {("THRIFT_FIELD_TYPE_CHANGED", "t.S.i")}, FAIL3),
    # identity
    ("renamed", idl("1: required i64 id"), idl("1: required i64 key"),
     {("THRIFT_FIELD_RENAMED", "t.S.key")}, OK3),
    ("id_reused", idl("1: required i64 id\n3: optional string note"),
     idl("1: required i64 id\n3: optional double amount"),
     {("THRIFT_FIELD_ID_REUSED", "t.S.amount")}, FAIL3),
    ("renamed_and_string_to_binary", idl("3: optional string note"),
     idl("3: optional binary blob"), {("THRIFT_FIELD_RENAMED", "t.S.blob")}, OK3),
    ("id_changed", idl("1: required i64 id\n2: optional string note"),
     idl("1: required i64 id\n5: optional string note"),
     {("THRIFT_FIELD_ID_CHANGED", "t.S.note")}, FAIL3),
    ("default_changed", idl("1: optional i32 n = 3"), idl("1: optional i32 n = 4"),
     {("THRIFT_FIELD_DEFAULT_CHANGED", "t.S.n")}, OK3),
    ("default_added", idl("1: optional string s"), idl('1: optional string s = "x"'),
     {("THRIFT_FIELD_DEFAULT_CHANGED", "t.S.s")}, OK3),
    # struct kinds
    ("struct_to_union", idl("1: optional i32 a\n2: optional string b"),
     idl("1: optional i32 a\n2: optional string b", kind="union"),
     {("THRIFT_STRUCT_KIND_CHANGED", "t.S")}, BACK),
    ("union_to_struct", idl("1: optional i32 a\n2: optional string b", kind="union"),
     idl("1: optional i32 a\n2: optional string b"),
     {("THRIFT_STRUCT_KIND_CHANGED", "t.S")}, FWD),
    ("exception_to_struct", idl("1: optional string msg", kind="exception"),
     idl("1: optional string msg"), set(), OK3),
    # enums
    ("enum_value_removed", idl("1: optional Color c", _ENUM),
     idl("1: optional Color c", "enum Color { RED = 1, GREEN = 2 }"),
     {("THRIFT_ENUM_VALUE_REMOVED", "t.Color.BLUE")}, BACK),
    ("enum_value_number_changed", idl("1: optional Color c", _ENUM),
     idl("1: optional Color c", "enum Color { RED = 1, GREEN = 2, BLUE = 30 }"),
     {("THRIFT_ENUM_VALUE_NUMBER_CHANGED", "t.Color.BLUE")}, FAIL3),
    ("enum_values_swapped", idl("1: optional Color c", _ENUM),
     idl("1: optional Color c", "enum Color { RED = 2, GREEN = 1, BLUE = 3 }"),
     {("THRIFT_ENUM_VALUE_NUMBER_CHANGED", "t.Color.RED"),
      ("THRIFT_ENUM_VALUE_NUMBER_CHANGED", "t.Color.GREEN")}, FAIL3),
    ("enum_value_renamed", idl("1: optional Color c", _ENUM),
     idl("1: optional Color c", "enum Color { RED = 1, VERT = 2, BLUE = 3 }"),
     {("THRIFT_ENUM_VALUE_RENAMED", "t.Color.GREEN")}, OK3),
    ("enum_value_added", idl("1: optional Color c", _ENUM),
     idl("1: optional Color c", "enum Color { RED = 1, GREEN = 2, BLUE = 3, PINK = 4 }"),
     {("THRIFT_ENUM_VALUE_ADDED", "t.Color.PINK")}, OK3),
    # a union member deleted: old data with it set reads as a union holding nothing (it was
    # a warning like a deleted struct field, and the check passed)
    ("union_member_removed", idl("1: i32 a;\n2: string b", kind="union"),
     idl("1: i32 a", kind="union"), {("THRIFT_UNION_FIELD_REMOVED", "t.S.b")}, BACK),
    ("union_member_added", idl("1: i32 a", kind="union"),
     idl("1: i32 a;\n2: string b", kind="union"), {("THRIFT_UNION_FIELD_ADDED", "t.S.b")}, OK3),
    ("struct_in_union_field_removed", idl("1: optional U u", "union U { 1: i32 a; 2: i64 b }"),
     idl("1: optional U u", "union U { 1: i32 a }"),
     {("THRIFT_UNION_FIELD_REMOVED", "t.U.b")}, BACK),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_table(tmp_path: Path, case: Case) -> None:
    _, old_text, new_text, expected, expected_verdicts = case
    findings = th.check(load_text(tmp_path / "old", old_text),
                        load_text(tmp_path / "new", new_text))
    assert {(f.rule, f.path) for f in findings} == expected, findings
    assert verdicts(findings) == expected_verdicts, findings
    for f in findings:
        assert f.category == "THRIFT"
        assert f.severity == th.RULES[f.rule][0]
        assert f.file and f.file.endswith("a.thrift") and f.line, f
        if f.severity == "error":
            assert f.breaks and f.message.startswith(DIRECTION_TEXT[min(f.breaks)]), f
        else:
            assert not f.fails(mode_directions("full"))


def test_finding_details(tmp_path: Path) -> None:
    old = load_text(tmp_path / "old", idl(
        "1: required i64 id\n2: optional string note\n3: required i32 qty"))
    new = load_text(tmp_path / "new", idl("1: required i32 id\n\n3: optional i32 qty"))
    found = {f.rule: f for f in th.check(old, new)}
    assert set(found) == {"THRIFT_FIELD_TYPE_CHANGED", "THRIFT_FIELD_REMOVED",
                          "THRIFT_REQUIRED_REMOVED"}
    t = found["THRIFT_FIELD_TYPE_CHANGED"]
    assert (t.path, t.old, t.new) == ("t.S.id", "i64", "i32")
    assert (t.file, t.line) == (str(tmp_path / "new" / "a.thrift"), 4)
    assert "I64 -> I32 on the wire" in t.message
    gone = found["THRIFT_FIELD_REMOVED"]  # deletions point at the old schema
    assert (gone.file, gone.line) == (str(tmp_path / "old" / "a.thrift"), 5)
    assert gone.old == "2: optional string note" and gone.new is None
    assert "never reuse id 2" in gone.message and gone.breaks == frozenset()
    req = found["THRIFT_REQUIRED_REMOVED"]
    assert (req.old, req.new) == ("3: required i32 qty", "3: optional i32 qty")
    assert req.breaks == frozenset({"forward"})
    assert req.message.startswith(DIRECTION_TEXT["forward"])


def test_typedef_names_shown(tmp_path: Path) -> None:
    old = load_text(tmp_path / "old", idl("1: required UserId id", "typedef i32 UserId"))
    new = load_text(tmp_path / "new", idl("1: required UserId id", "typedef string UserId"))
    [f] = th.check(old, new)
    assert (f.old, f.new) == ("i32", "string")
    assert "STRING" in f.message


def test_id_reused_after_deletion_three_versions(tmp_path: Path) -> None:
    """Thrift has no ``reserved``: v2 deleting id 3 is only a warning, v3 reusing it looks
    like a new optional field; comparing v3 with v1 (the transitive modes) catches it."""
    v1 = load_text(tmp_path / "v1", idl("1: required i64 id\n3: optional string note"))
    v2 = load_text(tmp_path / "v2", idl("1: required i64 id"))
    v3 = load_text(tmp_path / "v3", idl("1: required i64 id\n3: optional i64 amount"))
    step1 = th.check(v1, v2)
    assert [(f.rule, f.severity) for f in step1] == [("THRIFT_FIELD_REMOVED", "warning")]
    assert th.check(v2, v3) == []
    [reuse] = th.check(v1, v3)
    assert reuse.rule == "THRIFT_FIELD_ID_REUSED" and verdicts([reuse]) == FAIL3
    assert "'3: optional string note'" in reuse.message
    assert "'3: optional i64 amount'" in reuse.message


def test_snapshot_form_gives_the_same_findings(tmp_path: Path) -> None:
    old = load_text(tmp_path / "old", idl(
        "1: required i64 id\n2: optional string note\n3: optional Color c\n4: i32 n = 1",
        _ENUM))
    new = load_text(tmp_path / "new", idl(
        "1: required i32 id\n2: required string text\n3: optional Color c\n4: i32 n = 2",
        "enum Color { RED = 1, GREEN = 5 }"))

    def thaw(s: ir.Schema) -> ir.Schema:
        return ir.Schema({k: ir.named_from_json(ir.named_to_json(t)) for k, t in s.types.items()},
                         dict(s.sources))

    def key(fs: list[Finding]) -> list[tuple[str, str, frozenset[str], str]]:
        return sorted((f.rule, f.path, f.breaks, f.message) for f in fs)

    direct = th.check(old, new)
    assert len(direct) >= 6
    assert key(th.check(thaw(old), thaw(new))) == key(direct)
    assert all(f.file is None for f in th.check(thaw(old), thaw(new)))


def test_project_schemas_against_themselves() -> None:
    root = Path(__file__).resolve().parents[3] / "schemas" / "thrift"
    schema = frontends.load(sorted(root.rglob("*.thrift")))
    assert any(isinstance(t, ir.Record) for t in schema.types.values())
    assert th.check(schema, schema) == []


def test_records_only_in_one_version_are_left_to_the_engine(tmp_path: Path) -> None:
    old = load_text(tmp_path / "old", idl("1: required i64 id", "struct Gone { 1: i32 a }"))
    new = load_text(tmp_path / "new", idl("1: required i64 id", "struct Fresh { 1: i32 a }"))
    assert th.check(old, new) == []


def test_every_rule_is_documented_and_tested() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "check-rules-thrift-protobuf.md"
           ).read_text(encoding="utf-8")
    for rule in th.RULES:
        assert f"`{rule}`" in doc, rule
    assert {r for c in CASES for r, _ in c[3]} == set(th.RULES)


def test_through_the_engine_transitive(tmp_path: Path) -> None:
    """An id deleted in v2 and reused with another type in v3: ``backward`` against v2 sees
    a new optional field, ``backward_transitive`` compares with v1 too and fails."""
    from schemagen.evolution import engine

    v1 = load_text(tmp_path / "v1", idl("1: required i64 id\n3: optional string note"))
    v2 = load_text(tmp_path / "v2", idl("1: required i64 id"))
    v3 = load_text(tmp_path / "v3", idl("1: required i64 id\n3: optional i64 amount"))
    history = [engine.Version("v1", v1), engine.Version("v2", v2)]

    def ours(result: engine.Result) -> set[tuple[str, str | None]]:
        return {(f.rule, f.against) for f in result.findings if f.category == "THRIFT"}

    assert ours(engine.run(v3, history, "backward")) == set()
    transitive = engine.run(v3, history, "backward_transitive")
    assert ours(transitive) == {("THRIFT_FIELD_ID_REUSED", "v1")}
    assert not transitive.ok


def test_union_member_removed_loses_data_in_parquet(tmp_path: Path, compile_schemas: Any) -> None:
    """Why THRIFT_UNION_FIELD_REMOVED fails backward: an old file whose union had the
    deleted member set cannot be read by the new generated reader (the runtime refuses
    rather than return a union holding nothing); files that never set it still read."""
    import schemagen

    old_text = "namespace py t\nunion U { 1: i32 a; 2: string b }\nstruct S { 1: optional U u }\n"
    new_text = "namespace py t\nunion U { 1: i32 a }\nstruct S { 1: optional U u }\n"
    old_mod = compile_schemas({"s.thrift": old_text}).module("t")
    new_mod = compile_schemas({"s.thrift": new_text}).module("t")
    path = tmp_path / "old.parquet"
    schemagen.write([old_mod.S(u=old_mod.U(a=3)), old_mod.S(u=old_mod.U(b="kept?"))], path)
    with pytest.raises(schemagen.ReadError,
                       match=r"field 'u': row 1: the union member 'b' is set, and t.U has no "
                             r"such member"):
        list(schemagen.read(new_mod.S, path))
    fine = tmp_path / "fine.parquet"
    schemagen.write([old_mod.S(u=old_mod.U(a=3)), old_mod.S(u=None)], fine)
    assert [r.u.a if r.u else None for r in schemagen.read(new_mod.S, fine)] == [3, None]
    findings = th.check(load_text(tmp_path / "old", old_text), load_text(tmp_path / "new", new_text))
    assert [(f.rule, f.path, f.breaks) for f in findings] == [
        ("THRIFT_UNION_FIELD_REMOVED", "t.U.b", frozenset({"backward"}))]
