"""``schemagen check``: the protobuf rule family (buf's WIRE and WIRE_JSON categories).

Every case is a pair of real ``.proto`` files loaded through the protobuf front end
(protoc); the expected rule IDs and the verdict per mode come from buf's rule table
and compatibility groups (bufcheck/bufbreaking, ``bufbreakingcheck``/``cardinality.go``).
A few verdicts are also checked against the protobuf runtime itself: bytes written
with one version are parsed with the other.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemagen import frontends, ir
from schemagen.evolution.formats import protobuf as pb
from schemagen.evolution.model import DIRECTION_TEXT, Finding, mode_directions
from schemagen.frontends.protobuf import bundled_include

MODES = ("backward", "forward", "full")
OK3 = ("ok", "ok", "ok")
FAIL3 = ("fail", "fail", "fail")
BACK = ("fail", "ok", "fail")  # breaks backward only
FWD = ("ok", "fail", "fail")  # breaks forward only


def proto(body: str, *, syntax: str = "proto3", package: str = "t", extra: str = "") -> str:
    return f'syntax = "{syntax}";\npackage {package};\n{extra}\nmessage M {{\n{body}\n}}\n'


def load_text(folder: Path, text: str, name: str = "a.proto") -> ir.Schema:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return frontends.load([p])


def verdicts(findings: list[Finding]) -> tuple[str, ...]:
    return tuple("fail" if any(f.fails(mode_directions(m)) for f in findings) else "ok"
                 for m in MODES)


def run(tmp_path: Path, old: str, new: str, category: pb.Category = "WIRE_JSON"
        ) -> list[Finding]:
    return pb.check(load_text(tmp_path / "old", old), load_text(tmp_path / "new", new),
                    category)


# (id, old, new, WIRE: (rules, verdicts), WIRE_JSON: (rules, verdicts))
Case = tuple[str, str, str, tuple[set[str], tuple[str, ...]], tuple[set[str], tuple[str, ...]]]

_ENUM = "enum Color { RED = 0; GREEN = 1; BLUE = 2; }"
_ITEMS = "message Item { string sku = 1; }\nmessage Item2 { string sku = 1; }"

CASES: list[Case] = [
    ("unchanged", proto("int32 a = 1;"), proto("int32 a = 1;"), (set(), OK3), (set(), OK3)),
    ("field_added", proto("int32 a = 1;"), proto("int32 a = 1; string b = 2;"),
     (set(), OK3), (set(), OK3)),
    # buf: int32, uint32, int64, uint64 and bool are one wire group; JSON splits 32/64-bit
    # (64-bit integers are JSON strings) -> FIELD_WIRE_JSON_COMPATIBLE_TYPE only
    ("int32_to_int64", proto("int32 a = 1;"), proto("int64 a = 1;"),
     (set(), OK3), ({"FIELD_WIRE_JSON_COMPATIBLE_TYPE"}, FAIL3)),
    ("int32_to_uint32", proto("int32 a = 1;"), proto("uint32 a = 1;"),
     (set(), OK3), (set(), OK3)),
    ("int32_to_bool", proto("int32 a = 1;"), proto("bool a = 1;"),
     (set(), OK3), ({"FIELD_WIRE_JSON_COMPATIBLE_TYPE"}, FAIL3)),
    # zigzag encoding: sint32/sint64 are their own group
    ("int32_to_sint32", proto("int32 a = 1;"), proto("sint32 a = 1;"),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3), ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3)),
    ("sint32_to_sint64", proto("sint32 a = 1;"), proto("sint64 a = 1;"),
     (set(), OK3), ({"FIELD_WIRE_JSON_COMPATIBLE_TYPE"}, FAIL3)),
    ("fixed32_to_sfixed32", proto("fixed32 a = 1;"), proto("sfixed32 a = 1;"),
     (set(), OK3), (set(), OK3)),
    ("fixed32_to_int32", proto("fixed32 a = 1;"), proto("int32 a = 1;"),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3), ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3)),
    ("float_to_double", proto("float a = 1;"), proto("double a = 1;"),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3), ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3)),
    # buf: string -> bytes is allowed for WIRE; bytes -> string is not (UTF-8 not
    # guaranteed): only a reader of the new (string) schema is hurt
    ("string_to_bytes", proto("string a = 1;"), proto("bytes a = 1;"),
     (set(), OK3), ({"FIELD_WIRE_JSON_COMPATIBLE_TYPE"}, FAIL3)),
    ("bytes_to_string", proto("bytes a = 1;"), proto("string a = 1;"),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, BACK),
     ({"FIELD_WIRE_COMPATIBLE_TYPE", "FIELD_WIRE_JSON_COMPATIBLE_TYPE"}, FAIL3)),
    # buf: "Enum is compatible with int32, uint32, int64, uint64 if the values match an
    # enum value, but we have no way of verifying this" -> its own group
    ("enum_to_int32", proto("Color c = 1;", extra=_ENUM), proto("int32 c = 1;", extra=_ENUM),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3), ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3)),
    ("message_type_changed", proto("Item i = 1;", extra=_ITEMS),
     proto("Item2 i = 1;", extra=_ITEMS),
     ({"FIELD_SAME_TYPE"}, FAIL3), ({"FIELD_SAME_TYPE"}, FAIL3)),
    # buf allows an enum field to change enum type when the short name is the same and
    # every old value is kept (values may be added)
    ("enum_moved_nested_superset", proto("Color c = 1;", extra=_ENUM),
     proto("enum Color { RED = 0; GREEN = 1; BLUE = 2; PINK = 3; }\nColor c = 1;"),
     (set(), OK3), (set(), OK3)),
    ("enum_moved_nested_value_lost", proto("Color c = 1;", extra=_ENUM),
     proto("enum Color { RED = 0; GREEN = 1; }\nColor c = 1;"),
     ({"FIELD_SAME_TYPE"}, FAIL3), ({"FIELD_SAME_TYPE"}, FAIL3)),
    # deletion: WIRE needs the number reserved, WIRE_JSON the name too
    ("deleted_unreserved", proto("int32 a = 1; string note = 3;"), proto("int32 a = 1;"),
     ({"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"}, FAIL3),
     ({"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"},
      FAIL3)),
    ("deleted_number_reserved", proto("int32 a = 1; string note = 3;"),
     proto("int32 a = 1; reserved 3;"),
     (set(), OK3), ({"FIELD_NO_DELETE_UNLESS_NAME_RESERVED"}, FAIL3)),
    ("deleted_range_reserved", proto("int32 a = 1; string note = 3;"),
     proto('int32 a = 1; reserved 2 to 9; reserved "note";'), (set(), OK3), (set(), OK3)),
    ("deleted_name_reserved_only", proto("int32 a = 1; string note = 3;"),
     proto('int32 a = 1; reserved "note";'),
     ({"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"}, FAIL3),
     ({"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"}, FAIL3)),
    # the classic: the number of a deleted field reused with another type in one step
    ("number_reused", proto("int32 a = 1; string note = 3;"),
     proto("int32 a = 1; int64 amount = 3;"),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3),
     ({"FIELD_WIRE_COMPATIBLE_TYPE", "FIELD_SAME_NAME", "FIELD_SAME_JSON_NAME"}, FAIL3)),
    ("field_renamed", proto("int32 a = 1;"), proto("int32 b = 1;"),
     (set(), OK3), ({"FIELD_SAME_NAME", "FIELD_SAME_JSON_NAME"}, FAIL3)),
    ("json_name_changed", proto("int32 a = 1;"), proto('int32 a = 1 [json_name = "A"];'),
     (set(), OK3), ({"FIELD_SAME_JSON_NAME"}, FAIL3)),
    # oneofs: moving a field into an existing oneof (buf FIELD_SAME_ONEOF, WIRE too)
    ("moved_into_oneof", proto("oneof pay { string card = 1; } string cash = 2;"),
     proto("oneof pay { string card = 1; string cash = 2; }"),
     ({"FIELD_SAME_ONEOF"}, FAIL3), ({"FIELD_SAME_ONEOF"}, FAIL3)),
    ("moved_out_of_oneof", proto("oneof pay { string card = 1; string cash = 2; }"),
     proto("oneof pay { string card = 1; } string cash = 2;"),
     ({"FIELD_SAME_ONEOF"}, FAIL3), ({"FIELD_SAME_ONEOF"}, FAIL3)),
    ("moved_between_oneofs", proto("oneof x { string a = 1; } oneof y { string b = 2; }"),
     proto("oneof x { string a = 1; string b = 2; } oneof y { string c = 3; }"),
     ({"FIELD_SAME_ONEOF"}, FAIL3), ({"FIELD_SAME_ONEOF"}, FAIL3)),
    # proto3 optional is a synthetic oneof: not a oneof move; explicit/implicit presence
    # are one cardinality group
    ("proto3_optional_added", proto("int32 a = 1;"), proto("optional int32 a = 1;"),
     (set(), OK3), (set(), OK3)),
    # cardinality
    ("repeated_to_singular", proto("repeated int32 xs = 1;"), proto("int32 xs = 1;"),
     ({"FIELD_WIRE_COMPATIBLE_CARDINALITY"}, FAIL3),
     ({"FIELD_WIRE_COMPATIBLE_CARDINALITY"}, FAIL3)),
    ("repeated_entries_to_map",
     proto("message E { int32 key = 1; string value = 2; }\nrepeated E m = 1;"),
     proto("map<int32, string> m = 1;"),
     (set(), OK3), ({"FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"}, FAIL3)),
    ("map_value_int32_to_sint32", proto("map<string, int32> m = 1;"),
     proto("map<string, sint32> m = 1;"),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3), ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3)),
    ("map_key_int32_to_int64", proto("map<int32, string> m = 1;"),
     proto("map<int64, string> m = 1;"),
     (set(), OK3), ({"FIELD_WIRE_JSON_COMPATIBLE_TYPE"}, FAIL3)),
    ("reserved_released", proto('int32 a = 1; reserved 5, 7 to 9; reserved "x";'),
     proto("int32 a = 1; reserved 5, 7;"),
     ({"RESERVED_MESSAGE_NO_DELETE"}, FAIL3), ({"RESERVED_MESSAGE_NO_DELETE"}, FAIL3)),
    ("reserved_widened", proto("int32 a = 1; reserved 5, 7;"),
     proto("int32 a = 1; reserved 5 to 9;"), (set(), OK3), (set(), OK3)),
    ("package_changed", proto("int32 a = 1;"), proto("int32 a = 1;", package="t2"),
     ({"FILE_SAME_PACKAGE"}, FAIL3), ({"FILE_SAME_PACKAGE"}, FAIL3)),
    # proto2: required fields and defaults
    ("p2_optional_to_required", proto("optional int32 a = 1;", syntax="proto2"),
     proto("required int32 a = 1;", syntax="proto2"),
     ({"FIELD_WIRE_COMPATIBLE_CARDINALITY", "MESSAGE_SAME_REQUIRED_FIELDS"}, BACK),
     ({"FIELD_WIRE_COMPATIBLE_CARDINALITY", "MESSAGE_SAME_REQUIRED_FIELDS"}, BACK)),
    ("p2_required_to_optional", proto("required int32 a = 1;", syntax="proto2"),
     proto("optional int32 a = 1;", syntax="proto2"),
     ({"FIELD_WIRE_COMPATIBLE_CARDINALITY", "MESSAGE_SAME_REQUIRED_FIELDS"}, FWD),
     ({"FIELD_WIRE_COMPATIBLE_CARDINALITY", "MESSAGE_SAME_REQUIRED_FIELDS"}, FWD)),
    ("p2_required_added", proto("optional int32 a = 1;", syntax="proto2"),
     proto("optional int32 a = 1; required string b = 2;", syntax="proto2"),
     ({"MESSAGE_SAME_REQUIRED_FIELDS"}, BACK), ({"MESSAGE_SAME_REQUIRED_FIELDS"}, BACK)),
    ("p2_required_deleted", proto("optional int32 a = 1; required string b = 2;",
                                  syntax="proto2"),
     proto("optional int32 a = 1; reserved 2;", syntax="proto2"),
     ({"MESSAGE_SAME_REQUIRED_FIELDS"}, FWD),
     ({"MESSAGE_SAME_REQUIRED_FIELDS", "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"}, FAIL3)),
    ("p2_default_changed", proto("optional int32 a = 1 [default = 5];", syntax="proto2"),
     proto("optional int32 a = 1 [default = 6];", syntax="proto2"),
     ({"FIELD_SAME_DEFAULT"}, FAIL3), ({"FIELD_SAME_DEFAULT"}, FAIL3)),
    ("p2_default_added", proto("optional string a = 1;", syntax="proto2"),
     proto('optional string a = 1 [default = "x"];', syntax="proto2"),
     ({"FIELD_SAME_DEFAULT"}, FAIL3), ({"FIELD_SAME_DEFAULT"}, FAIL3)),
    # buf compares effective defaults (getDefault/defaultsEqual): an explicit zero equals
    # no default, float vs double compare at float precision, enums by number
    ("p2_default_explicit_zero", proto("optional int32 a = 1;", syntax="proto2"),
     proto("optional int32 a = 1 [default = 0];", syntax="proto2"), (set(), OK3),
     (set(), OK3)),
    ("p2_default_float_to_double", proto("optional float a = 1 [default = 0.1];",
                                         syntax="proto2"),
     proto("optional double a = 1 [default = 0.1];", syntax="proto2"),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3), ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3)),
    ("p2_default_hex_same_number", proto("optional int32 a = 1 [default = 16];",
                                         syntax="proto2"),
     proto("optional int64 a = 1 [default = 0x10];", syntax="proto2"),
     (set(), OK3), ({"FIELD_WIRE_JSON_COMPATIBLE_TYPE"}, FAIL3)),
    ("p2_enum_default_first_value", proto("optional Color c = 1;", syntax="proto2",
                                          extra=_ENUM),
     proto("optional Color c = 1 [default = RED];", syntax="proto2", extra=_ENUM),
     (set(), OK3), (set(), OK3)),
    ("p2_enum_default_changed", proto("optional Color c = 1;", syntax="proto2", extra=_ENUM),
     proto("optional Color c = 1 [default = GREEN];", syntax="proto2", extra=_ENUM),
     ({"FIELD_SAME_DEFAULT"}, FAIL3), ({"FIELD_SAME_DEFAULT"}, FAIL3)),
    ("p2_group_to_message", proto("optional group G = 1 { optional int32 a = 2; }",
                                  syntax="proto2"),
     proto("message G { optional int32 a = 2; } optional G g = 1;", syntax="proto2"),
     ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3), ({"FIELD_WIRE_COMPATIBLE_TYPE"}, FAIL3)),
    # enums
    ("enum_value_deleted", proto("Color c = 1;", extra=_ENUM),
     proto("Color c = 1;", extra="enum Color { RED = 0; GREEN = 1; }"),
     ({"ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED"}, FAIL3),
     ({"ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
       "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED"}, FAIL3)),
    ("enum_value_deleted_reserved", proto("Color c = 1;", extra=_ENUM),
     proto("Color c = 1;",
           extra='enum Color { RED = 0; GREEN = 1; reserved 2; reserved "BLUE"; }'),
     (set(), OK3), (set(), OK3)),
    ("enum_value_renamed", proto("Color c = 1;", extra=_ENUM),
     proto("Color c = 1;", extra="enum Color { RED = 0; VERT = 1; BLUE = 2; }"),
     (set(), OK3), ({"ENUM_VALUE_SAME_NAME"}, FAIL3)),
    ("enum_value_added", proto("Color c = 1;", extra=_ENUM),
     proto("Color c = 1;", extra="enum Color { RED = 0; GREEN = 1; BLUE = 2; PINK = 3; }"),
     (set(), OK3), (set(), OK3)),
    ("enum_reserved_released", proto("Color c = 1;",
                                     extra="enum Color { RED = 0; reserved 4 to 6; }"),
     proto("Color c = 1;", extra="enum Color { RED = 0; reserved 4; }"),
     ({"RESERVED_ENUM_NO_DELETE"}, FAIL3), ({"RESERVED_ENUM_NO_DELETE"}, FAIL3)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_table(tmp_path: Path, case: Case) -> None:
    _, old_text, new_text, wire, wire_json = case
    old = load_text(tmp_path / "old", old_text)
    new = load_text(tmp_path / "new", new_text)
    for category, (rules, expected) in (("WIRE", wire), ("WIRE_JSON", wire_json)):
        findings = pb.check(old, new, category)  # type: ignore[arg-type]
        assert {f.rule for f in findings} == rules, (category, findings)
        assert verdicts(findings) == expected, (category, findings)
        for f in findings:
            assert f.category == pb.category_of(f.rule)
            assert category == "WIRE_JSON" or f.category == "WIRE"
            assert f.severity == "error"
            assert f.breaks, f
            assert f.message.startswith(DIRECTION_TEXT[min(f.breaks)]), f.message
            assert f.file and f.file.endswith("a.proto"), f
    # the default category is buf's recommended minimum, WIRE_JSON; WIRE is the same
    # as ignoring the findings of category WIRE_JSON
    everything = pb.check(old, new)
    assert everything == pb.check(old, new, "WIRE_JSON")
    assert [f for f in everything if f.category == "WIRE"] == pb.check(old, new, "WIRE")


def test_finding_details(tmp_path: Path) -> None:
    """Paths, old/new, file:line (new schema; the old one for deletions)."""
    old = load_text(tmp_path / "old", proto("int32 a = 1;\nstring note = 3;\nint32 q = 4;"))
    new = load_text(tmp_path / "new", proto("int32 a = 1;\n\nsint32 q = 4;"))
    found = {f.rule: f for f in pb.check(old, new, "WIRE")}
    gone = found["FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"]
    assert gone.path == "t.M.note"
    assert (gone.file, gone.line) == (str(tmp_path / "old" / "a.proto"), 6)
    assert gone.old == "string note = 3" and gone.new is None
    assert "reserved 3;" in gone.message
    typ = found["FIELD_WIRE_COMPATIBLE_TYPE"]
    assert typ.path == "t.M.q"
    assert (typ.file, typ.line) == (str(tmp_path / "new" / "a.proto"), 7)
    assert (typ.old, typ.new) == ("int32", "sint32")
    assert "zigzag" in typ.message
    assert typ.breaks == frozenset({"backward", "forward"})


def test_number_reused_after_deletion_three_versions(tmp_path: Path) -> None:
    """v1 -> v2 deletes field 3 without reserving it, v3 reuses 3 with another type.

    v2 -> v3 alone looks like a harmless new field; the deletion step is flagged, and
    comparing v3 with v1 (what the transitive modes do) shows the reuse."""
    v1 = load_text(tmp_path / "v1", proto("int32 a = 1; string note = 3;"))
    v2 = load_text(tmp_path / "v2", proto("int32 a = 1;"))
    v3 = load_text(tmp_path / "v3", proto("int32 a = 1; int64 amount = 3;"))
    assert {f.rule for f in pb.check(v1, v2, "WIRE")} == {
        "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"}
    assert pb.check(v2, v3, "WIRE") == []
    reuse = pb.check(v1, v3, "WIRE")
    assert [f.rule for f in reuse] == ["FIELD_WIRE_COMPATIBLE_TYPE"]
    assert reuse[0].path == "t.M.amount"
    assert "number 3 was 'string note = 3' and is now 'int64 amount = 3'" in reuse[0].message
    # with the number reserved in v2, v3 cannot reuse it: protoc refuses the file
    v2r = proto("int32 a = 1; reserved 3;")
    assert pb.check(v1, load_text(tmp_path / "v2r", v2r), "WIRE") == []
    with pytest.raises(Exception, match="reserved"):
        load_text(tmp_path / "v3r", proto("int32 a = 1; reserved 3; int64 amount = 3;"))


def test_snapshot_form_gives_the_same_findings(tmp_path: Path) -> None:
    """Baselines may come from a snapshot (IR JSON, no source locations): the rules use
    only what survives ``named_to_json``/``named_from_json``."""
    old = load_text(tmp_path / "old", proto(
        'int32 a = 1; string note = 3; oneof o { string x = 4; } string y = 5;\n'
        'reserved 9; reserved "z";', extra=_ENUM))
    new = load_text(tmp_path / "new", proto(
        "int64 a = 1; oneof o { string x = 4; string y = 5; }",
        extra="enum Color { RED = 0; GREEN = 1; }"))

    def thaw(s: ir.Schema) -> ir.Schema:
        return ir.Schema({k: ir.named_from_json(ir.named_to_json(t)) for k, t in s.types.items()},
                         dict(s.sources))

    def key(fs: list[Finding]) -> list[tuple[str, str, frozenset[str]]]:
        return sorted((f.rule, f.path, f.breaks) for f in fs)

    direct = pb.check(old, new)
    assert len(direct) >= 6
    assert key(pb.check(thaw(old), new)) == key(direct)
    assert key(pb.check(thaw(old), thaw(new))) == key(direct)


def test_project_schemas_against_themselves() -> None:
    root = Path(__file__).resolve().parents[3] / "schemas" / "proto"
    schema = frontends.load(sorted(root.rglob("*.proto")))
    assert any(isinstance(t, ir.Record) for t in schema.types.values())
    for category in pb.CATEGORIES:
        assert pb.check(schema, schema, category) == []


def test_unknown_category() -> None:
    empty = ir.Schema({}, {})
    with pytest.raises(ValueError, match="unknown protobuf rule category 'FILE'"):
        pb.check(empty, empty, "FILE")  # type: ignore[arg-type]


def test_records_without_protobuf_metadata() -> None:
    """Hand-built IR without the front end's metadata: only the number-based rules apply
    (no type or cardinality findings are guessed); malformed reserved text is ignored."""
    old = ir.Schema({"x.R": ir.Record("x.R", (ir.Field("a", ir.Int(32), field_id=1),
                                              ir.Field("b", ir.String(), field_id=2)),
                                      metadata=(("protobuf.reserved", "oops,3-x"),))}, {})
    new = ir.Schema({"x.R": ir.Record("x.R", (ir.Field("a", ir.Int(64), field_id=1),))}, {})
    assert [f.rule for f in pb.check(old, new)] == [
        "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"]


def test_every_rule_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "check-rules-thrift-protobuf.md"
           ).read_text(encoding="utf-8")
    for rule in pb.RULES:
        assert f"`{rule}`" in doc, rule
    covered = {r for c in CASES for part in (c[3], c[4]) for r in part[0]}
    assert covered == set(pb.RULES)  # every rule is exercised by the table


# --------------------------------------------------------------------------- ranges


@given(st.lists(st.tuples(st.integers(1, 40), st.integers(0, 6)), max_size=5),
       st.lists(st.tuples(st.integers(1, 40), st.integers(0, 6)), max_size=5))
def test_uncovered_ranges_match_set_arithmetic(
        old: list[tuple[int, int]], new: list[tuple[int, int]]) -> None:
    o = sorted((a, a + w) for a, w in old)
    n = sorted((a, a + w) for a, w in new)
    got = pb._uncovered(o, n)
    expect = {x for a, b in o for x in range(a, b + 1)} - {x for a, b in n for x in range(a, b + 1)}
    assert {x for a, b in got for x in range(a, b + 1)} == expect
    assert all(a <= b for a, b in got)


# --------------------------------------------------------------------------- real runtime


def message_class(folder: Path, text: str) -> Any:
    """``t.M`` compiled by protoc into its own descriptor pool (two versions coexist)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.proto").write_text(text, encoding="utf-8")
    out = folder / "set.pb"
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{folder}",
                    f"-I{bundled_include()}", "--include_imports",
                    f"--descriptor_set_out={out}", "a.proto"], check=True)
    pool = descriptor_pool.DescriptorPool()
    for fdp in descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file:
        pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("t.M"))


def test_verdicts_agree_with_the_protobuf_runtime(tmp_path: Path) -> None:
    from google.protobuf.message import DecodeError

    def pair(name: str, old: str, new: str) -> tuple[Any, Any]:
        return (message_class(tmp_path / name / "old", proto(old)),
                message_class(tmp_path / name / "new", proto(new)))

    # int32 -> int64: no WIRE finding; old data reads back exactly
    old, new = pair("widen", "int32 v = 1;", "int64 v = 1;")
    assert new.FromString(old(v=-5).SerializeToString()).v == -5
    # int32 -> sint32: FIELD_WIRE_COMPATIBLE_TYPE; zigzag decoding misreads old data
    old, new = pair("zigzag", "int32 v = 1;", "sint32 v = 1;")
    assert new.FromString(old(v=-5).SerializeToString()).v != -5
    assert old.FromString(new(v=-5).SerializeToString()).v != -5
    # string -> bytes: no WIRE finding
    old, new = pair("s2b", "string v = 1;", "bytes v = 1;")
    assert new.FromString(old(v="héllo").SerializeToString()).v == "héllo".encode()
    # bytes -> string: breaks backward only (invalid UTF-8 in old data), not forward
    old, new = pair("b2s", "bytes v = 1;", "string v = 1;")
    with pytest.raises(DecodeError):
        new.FromString(old(v=b"\xff\xfe").SerializeToString())
    assert old.FromString(new(v="ok").SerializeToString()).v == b"ok"
    # deleted without reserving, number reused with another type: old values are lost
    old, new = pair("reuse", "int32 a = 1; string note = 3;", "int32 a = 1; int64 amount = 3;")
    back = new.FromString(old(a=1, note="hello").SerializeToString())
    assert back.a == 1 and back.amount == 0
    # moved into an existing oneof: data setting both keeps only one
    old, new = pair("oneof", "oneof pay { string card = 1; } string cash = 2;",
                    "oneof pay { string card = 1; string cash = 2; }")
    back = new.FromString(old(card="c", cash="d").SerializeToString())
    assert back.WhichOneof("pay") == "cash" and back.card == ""
    # repeated -> singular: a packed run is dropped, an unpacked one keeps the last value
    old, new = pair("card", "repeated int32 xs = 1;", "int32 xs = 1;")
    assert new.FromString(old(xs=[1, 2, 3]).SerializeToString()).xs == 0
    old, new = pair("card2", "repeated int32 xs = 1 [packed = false];", "int32 xs = 1;")
    assert new.FromString(old(xs=[1, 2, 3]).SerializeToString()).xs == 3


# --------------------------------------------------------------------------- engine


def test_through_the_engine_transitive_and_ignore(tmp_path: Path) -> None:
    """The engine runs these rules per version: ``backward`` against the latest version
    misses a number reused after an unreserved deletion, ``backward_transitive`` finds it;
    ignoring the category WIRE_JSON leaves buf's WIRE category."""
    from schemagen.evolution import engine

    v1 = load_text(tmp_path / "v1", proto("int32 a = 1; string note = 3;"))
    v2 = load_text(tmp_path / "v2", proto("int32 a = 1;"))
    v3 = load_text(tmp_path / "v3", proto("int32 a = 1; int64 amount = 3;"))
    history = [engine.Version("v1", v1), engine.Version("v2", v2)]

    def ours(result: engine.Result) -> set[tuple[str, str, str | None]]:
        return {(f.rule, f.path, f.against) for f in result.findings
                if f.category in pb.CATEGORIES}

    assert ours(engine.run(v3, history, "backward")) == set()
    transitive = engine.run(v3, history, "backward_transitive")
    assert ("FIELD_WIRE_COMPATIBLE_TYPE", "t.M.amount", "v1") in ours(transitive)
    assert not transitive.ok
    wire_only = engine.run(v3, history, "backward_transitive",
                           ignores=[engine.Ignore(rule="WIRE_JSON")])
    assert ours(wire_only) == {("FIELD_WIRE_COMPATIBLE_TYPE", "t.M.amount", "v1")}
    assert {f.rule for f in wire_only.ignored} >= {"FIELD_SAME_NAME", "FIELD_SAME_JSON_NAME"}
