"""The Thrift front end: grammar, IR mapping, includes, constants, docs, errors.

``KITCHEN`` is this project's own IDL covering what the Apache Thrift test
suite's ``test/*.thrift`` files exercise: annotations everywhere, doc comments
in every position, typedef chains, constants of every type, recursive structs
(``&`` and plain), identifiers that are keywords in other languages, implicit
field ids, services, ``xsd_*`` and ``cpp_*`` leftovers.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tokenize
import uuid
import warnings
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import (
    REPO,
    SCHEMAS,
    GenPackage,
    build_package,
    purge,
    run_mypy,
    run_ruff,
    run_ruff_defaults,
    write_schema_files,
)

from schemagen import frontends, ir
from schemagen.cli.main import main
from schemagen.codegen import compiler
from schemagen.errors import SchemaError, SchemaWarning
from schemagen.frontends import thrift

KITCHEN = r'''
/**
 * Program doc: not attached to anything.
 */
namespace py kitchen.sink
namespace * kitchen.star
namespace java org.kitchen (java.ann = "on a namespace")
namespace py.twisted kitchen.twisted
namespace xsd test (uri = 'http://thrift.apache.org/ns/ThriftTest')
cpp_include "<vector>"
include "shared.thrift"

// C++ comment
# unix comment
/* C style comment */

/** Numbers, documented. */
enum Numberz
{
  /** One. */
  ONE = 1,
  /** Implicit: 2. */
  TWO,
  THREE;
  FIVE = 5 (ann.on = "enum value")
  SIX
  EIGHT = 0x8,
  NEGATIVE = -3
  AFTER_NEGATIVE
} (ann.on = "enum")

enum Empty {}

/** A typedef doc. */
typedef i64 UserId (ann.on = "typedef")
typedef UserId BossId
typedef BossId BigBossId;
typedef list<i32> ( cpp.template = "std::list" ) int_linked_list
typedef shared.Shared SharedAlias

/* C1 */
/** Doc through plain comments. */
/* C2 */
// C3
struct Bonk
{
  /** Doc before the id. */
  1: string message,
  2: i32 type
} (ann.on = "struct", final)

/// Not a doc comment (Thrift ignores these).
struct Xtruct {
  1:  string string_thing,
  4:  byte   byte_thing,
  9:  i32    i32_thing,
  11: i64    i64_thing
  12: i8     i8_thing = -128
  13: i16    i16_thing = 0x7fff
  14: double double_thing = 085.2355
  15: double e10 = 1e10
  16: bool   bool_thing = true
  17: binary binary_thing = "bin"
  18: uuid   uuid_thing = '{00112233-4455-6677-8899-aaBBccDDeeFF}'
}

struct AllRequiredness {
  1: required i32 req
  2: optional i32 opt
  3: i32 dflt
  4: required i32 req_default = 7
  5: optional string opt_default = "x"
}

struct Containers {
  1: list<Xtruct> xtructs
  2: set<string> (python.immutable = "") names = ["b", "a", "b"]
  3: map<string, Numberz> by_name = {"one": Numberz.ONE, "two": 2}
  4: map<Numberz, UserId> users
  5: list<map<set<i32> (python.immutable = ""), map<i32, set<list<map<Bonk, string> (python.immutable = "")> (python.immutable = "")>>>> crazy
  6: set<list<string>> set_of_lists
  7: list cpp_type "std::vector<int>" <i32> cpp_list
  8: map<i16, i64> (ann.on = "container") numbers
  9: int_linked_list linked
  10: BigBossId boss
  11: SharedAlias shared_thing
  12: shared.Color color = shared.Color.BLUE
  13: list<shared.Shared> shareds = [{"name": "s"}]
}

struct Keywords {
  1: string class
  2: string def
  3: string from
  4: string import
  5: i32 type
  6: string self
  7: string None
  8: string print
  9: string list
  10: string struct
  11: string namespace
  12: string required
  13: string async
  14: string delegate
  15: string __init__
  16: string arrow_schema
  17: string Keywords
}

struct using {
  1: double single
  2: double integer
}

struct delegate {
  1: string partial
  2: delegate delegate
}

/** Recursive through a list. */
struct RecTree {
  1: list<RecTree> children
  2: i16 item
}

/** Recursive through a reference. */
struct RecList {
  1: RecList & nextitem
  3: i16 item
}

struct CoRec {
  1: CoRec2 & other
}

struct CoRec2 {
  1: CoRec other
}

struct NoIds {
  string field_without_id1,
  string field_without_id2,
  1: string field_with_id
}

struct Xsd xsd_all {
  1: i32 a xsd_optional xsd_nillable xsd_attrs { 1: string attr }
}

/** A union. */
union TestUnion {
  /** A string. */
  1: string string_field;
  2: i32 i32_field;
  3: Bonk struct_field;
  4: list<Bonk> struct_list;
  5: set<i32> i32_set;
  6: map<i32, i32> i32_map;
}

exception Xception {
  1: i32 errorCode,
  2: string message
}

exception Gak {}

const Numberz myNumberz = Numberz.ONE;
const i32 hex_const = 0x0001F
const i32 negative_hex_constant = -0x0001F
const i64 big_const = 9223372036854775807
const double dub_const = -1e-3
const double int_as_double = 3
const string str_const = "quote\" single\' backslash\\ tab\t newline\n"
const string single_quoted = 'it\'s "quoted"'
const binary bin_const = "bytes"
const bool bool_const = false
const byte byte_const = 127
const uuid uuid_const = '00000000-4444-CCCC-ffff-0123456789ab'
const list<i32> list_const = [ 235235, 23598352, 3253523 ]
const set<i32> set_const = [ 235, 235, 53235 ]
const map<i32, map<i32, i32>> map_map = { 235 : { 532 : 53255, 235:235}}
const map<string, i32> lit_keys = { "hello" : 233, 'lkjsdf' : 098325 }
const Bonk bonk_const = { 'message' : "hi", 'type' : 3 }
const map<i32, Bonk> bonk_map = { 35 : { 'message' : 'x', 'type' : 1 } }
const list<Numberz> enum_list = [Numberz.ONE, 5]
const UserId typedef_const = 42
const i32 ref_const = hex_const
const i32 enum_as_int = Numberz.FIVE
const i32 shared_ref = shared.SHARED_CONST
const TestUnion union_const = {"i32_field": 1}
const shared.Shared shared_const = {"name": "n", "color": shared.Color.RED}

/** Services are parsed and ignored. */
service ThriftTest extends shared.SharedService
{
  /** A function doc. */
  void testVoid(),
  string testString(1: string thing) (http.method = "GET"),
  map<UserId, map<Numberz, Bonk>> testInsanity(1: Bonk argument),
  Xtruct testMulti(1: i8 arg0, 2: i32 arg1, 3: i64 arg2, 4: map<i16, string> arg3,
                   5: Numberz arg4 = Numberz.ONE, 6: UserId arg5),
  void testException(1: string arg) throws(1: Xception err1),
  oneway void testOneway(1:i32 secondsToSleep)
  async void testAsync()
}

service EmptyService {}
'''

SHARED = '''
namespace py kitchen.shared

struct Shared {
  1: required string name
  2: optional Color color
}

enum Color { RED, GREEN, BLUE }

const i32 SHARED_CONST = 11

service SharedService { void ping() }
'''


def load(schemas: dict[str, str], tmp_path: Path, include_dirs: tuple[str, ...] = (),
         main_files: tuple[str, ...] | None = None) -> ir.Schema:
    files = write_schema_files(tmp_path / "idl", schemas)
    if main_files is not None:
        files = [tmp_path / "idl" / m for m in main_files]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        return thrift.load(files, include_dirs=[tmp_path / "idl" / d for d in include_dirs])


@pytest.fixture(scope="module")
def kitchen(tmp_path_factory: pytest.TempPathFactory) -> ir.Schema:
    root = tmp_path_factory.mktemp("kitchen")
    return load({"kitchen.thrift": KITCHEN, "shared.thrift": SHARED}, root,
                main_files=("kitchen.thrift",))


@pytest.fixture(scope="module")
def kitchen_pkg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("kitchen_pkg")
    srcs = write_schema_files(root / "idl", {"kitchen.thrift": KITCHEN, "shared.thrift": SHARED})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        pkg = build_package([srcs[0]], root / "out")
    yield pkg
    purge(pkg)


def rec(schema: ir.Schema, name: str) -> ir.Record:
    return schema.record(f"kitchen.sink.{name}")


def field(schema: ir.Schema, record: str, name: str) -> ir.Field:
    return next(f for f in rec(schema, record).fields if f.name == name)


def origin(f: ir.Field | ir.Constant) -> ir.ThriftOrigin:
    assert isinstance(f.origin, ir.ThriftOrigin), f.origin
    return f.origin


# --------------------------------------------------------------------------- parsing and IR


def test_definitions_and_namespaces(kitchen: ir.Schema) -> None:
    names = set(kitchen.types)
    assert {"kitchen.sink.Bonk", "kitchen.sink.Numberz", "kitchen.sink.TestUnion",
            "kitchen.sink.Xception", "kitchen.shared.Shared", "kitchen.shared.Color"} <= names
    # `namespace py` wins over `namespace *`; typedefs and services are not types
    assert not any(n.startswith("kitchen.star") for n in names)
    assert not any(n.endswith(("UserId", "ThriftTest", "SharedService")) for n in names)
    assert kitchen.sources["kitchen.shared.Shared"].endswith("shared.thrift")


def test_namespace_star_then_file_name(tmp_path: Path) -> None:
    schema = load({"a.thrift": "namespace * only.star\nstruct A { 1: i32 x }",
                   "my-file.thrift": "namespace java x.y\nstruct B { 1: i32 x }"}, tmp_path)
    assert set(schema.types) == {"only.star.A", "my_file.B"}


def test_base_types(kitchen: ir.Schema) -> None:
    x = {f.name: f.type for f in rec(kitchen, "Xtruct").fields}
    assert x == {
        "string_thing": ir.Nullable(ir.String()), "byte_thing": ir.Nullable(ir.Int(8)),
        "i32_thing": ir.Nullable(ir.Int(32)), "i64_thing": ir.Nullable(ir.Int(64)),
        "i8_thing": ir.Nullable(ir.Int(8)), "i16_thing": ir.Nullable(ir.Int(16)),
        "double_thing": ir.Nullable(ir.Float(64)), "e10": ir.Nullable(ir.Float(64)),
        "bool_thing": ir.Nullable(ir.Bool()), "binary_thing": ir.Nullable(ir.Bytes()),
        "uuid_thing": ir.Nullable(ir.Uuid()),
    }


def test_field_ids_and_defaults(kitchen: ir.Schema) -> None:
    x = {f.name: f for f in rec(kitchen, "Xtruct").fields}
    assert [f.field_id for f in x.values()] == [1, 4, 9, 11, 12, 13, 14, 15, 16, 17, 18]
    assert x["i8_thing"].default == -128
    assert x["i16_thing"].default == 32767
    assert x["double_thing"].default == 85.2355
    assert x["e10"].default == 1e10
    assert x["bool_thing"].default is True
    assert x["binary_thing"].default == b"bin"
    assert x["uuid_thing"].default == uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    assert x["string_thing"].default is None  # default requiredness: absent is None


def test_requiredness(kitchen: ir.Schema) -> None:
    r = {f.name: f for f in rec(kitchen, "AllRequiredness").fields}
    assert r["req"].type == ir.Int(32) and not r["req"].has_default
    assert r["opt"].type == ir.Nullable(ir.Int(32)) and r["opt"].default is None
    assert r["dflt"].type == ir.Nullable(ir.Int(32)) and r["dflt"].default is None
    assert r["req_default"].type == ir.Int(32) and r["req_default"].default == 7
    assert r["opt_default"].default == "x"
    assert [origin(r[n]).requiredness for n in ("req", "opt", "dflt")] == [
        "required", "optional", "default"]


def test_implicit_field_ids_as_apache(tmp_path: Path) -> None:
    idl = "struct S {\n  string a,\n  string b,\n  1: string c\n  0: string d\n}\n"
    files = write_schema_files(tmp_path, {"s.thrift": idl})
    with pytest.warns(SchemaWarning) as caught:
        schema = thrift.load(files)
    msgs = [str(w.message) for w in caught]
    assert any("s.thrift:2:10" in m and "no field id" in m and "-1" in m for m in msgs)
    assert any("s.thrift:5:3" in m and "not positive" in m for m in msgs)
    fields = schema.record("s.S").fields
    assert [f.field_id for f in fields] == [None, None, 1, None]
    assert [origin(f).auto_id for f in fields] == [-1, -2, None, -3]


def test_enums(kitchen: ir.Schema) -> None:
    e = kitchen.types["kitchen.sink.Numberz"]
    assert isinstance(e, ir.Enum)
    assert e.symbols == ("ONE", "TWO", "THREE", "FIVE", "SIX", "EIGHT", "NEGATIVE",
                         "AFTER_NEGATIVE")
    assert e.values == (1, 2, 3, 5, 6, 8, -3, -2)
    assert e.doc == "Numbers, documented."
    assert e.symbol_docs[:3] == ("One.", "Implicit: 2.", "")
    assert ("thrift.annotation.ann.on", "enum") in e.metadata
    assert ("thrift.annotation.FIVE.ann.on", "enum value") in e.metadata
    empty = kitchen.types["kitchen.sink.Empty"]
    assert isinstance(empty, ir.Enum) and empty.symbols == ()


def test_record_kinds(kitchen: ir.Schema) -> None:
    assert rec(kitchen, "Bonk").kind == "record"
    assert rec(kitchen, "Xception").kind == "error"
    assert rec(kitchen, "Gak").fields == ()
    u = rec(kitchen, "TestUnion")
    assert u.kind == "union"
    assert all(isinstance(f.type, ir.Nullable) and f.default is None for f in u.fields)
    assert u.doc == "A union." and u.fields[0].doc == "A string."
    assert [f.name for f in rec(kitchen, "Xsd").fields] == ["a"]


def test_containers_sets_and_typedefs(kitchen: ir.Schema) -> None:
    c = {f.name: f for f in rec(kitchen, "Containers").fields}
    assert c["names"].type == ir.Nullable(ir.List(ir.String(), unique=True))
    assert c["names"].default == ("b", "a")  # duplicates dropped, order kept
    assert c["by_name"].default == (("one", "ONE"), ("two", "TWO"))
    assert c["users"].type == ir.Nullable(ir.Map(ir.EnumRef("kitchen.sink.Numberz"), ir.Int(64)))
    assert c["set_of_lists"].type == ir.Nullable(ir.List(ir.List(ir.String()), unique=True))
    assert c["cpp_list"].type == ir.Nullable(ir.List(ir.Int(32)))
    crazy = ir.strip_nullable(c["crazy"].type)[0]
    assert isinstance(crazy, ir.List) and isinstance(crazy.item, ir.Map)
    assert crazy.item.key == ir.List(ir.Int(32), unique=True)
    # typedef chains resolve, and their names are kept
    assert c["boss"].type == ir.Nullable(ir.Int(64))
    m = origin(c["boss"])
    assert m.type == "BigBossId"
    assert m.typedefs == ("BigBossId = BossId", "BossId = UserId", "UserId = i64")
    assert "Thrift type: BigBossId" in c["boss"].doc
    assert origin(c["linked"]).typedefs == (
        'int_linked_list = list<i32> (cpp.template = "std::list")',)
    assert c["shared_thing"].type == ir.Nullable(ir.RecordRef("kitchen.shared.Shared"))
    assert c["color"].default == "BLUE"
    assert c["shareds"].default == ((("name", "s"),),)
    # annotations on container and base types are kept in the written type
    assert origin(c["numbers"]).type == 'map<i16, i64> (ann.on = "container")'


def test_annotations_everywhere(kitchen: ir.Schema) -> None:
    bonk = rec(kitchen, "Bonk")
    assert ("thrift.annotation.ann.on", "struct") in bonk.metadata
    assert ("thrift.annotation.final", "1") in bonk.metadata  # a key without a value
    assert origin(field(kitchen, "Containers", "names")).type == \
        'set<string> (python.immutable = "")'


def test_doc_comments(kitchen: ir.Schema) -> None:
    bonk = rec(kitchen, "Bonk")
    assert bonk.doc == "Doc through plain comments."
    assert bonk.fields[0].doc == "Doc before the id."
    assert rec(kitchen, "Xtruct").doc == ""  # `///` is not a doc comment
    assert kitchen.constants["kitchen.sink.myNumberz"].doc == ""


def test_doc_comment_cleanup(tmp_path: Path) -> None:
    idl = '''
/**
 * This is the canonical example
 * of a multiline docstring.
 *
 *   Indented line.
 */
struct A { 1: i32 x }

    /**
     * Indented docstring.
     */
struct B { 1: i32 x }

/**
  No stars in this one.
    Including indenting.
    */
struct C { 1: i32 x }

/** Trailing whitespace   \nis truncated.   */
struct D { 1: i32 x }
'''
    s = load({"docs.thrift": idl}, tmp_path)
    assert s.record("docs.A").doc == (
        "This is the canonical example\nof a multiline docstring.\n\n  Indented line.")
    assert s.record("docs.B").doc == "Indented docstring."
    assert s.record("docs.C").doc == "No stars in this one.\n  Including indenting."
    assert s.record("docs.D").doc == "Trailing whitespace\nis truncated."


def test_keywords_as_names(kitchen: ir.Schema) -> None:
    names = [f.name for f in rec(kitchen, "Keywords").fields]
    assert names[:4] == ["class", "def", "from", "import"]
    assert {"list", "struct", "namespace", "required", "async"} <= set(names)
    assert [f.name for f in rec(kitchen, "delegate").fields] == ["partial", "delegate"]


def test_recursive_structs(kitchen: ir.Schema) -> None:
    assert field(kitchen, "RecTree", "children").type == ir.Nullable(
        ir.List(ir.RecordRef("kitchen.sink.RecTree")))
    nxt = field(kitchen, "RecList", "nextitem")
    assert nxt.type == ir.Nullable(ir.RecordRef("kitchen.sink.RecList"))
    assert origin(nxt).reference
    assert ir.find_cycle(dict(kitchen.types), "kitchen.sink.CoRec")


def test_constants(kitchen: ir.Schema) -> None:
    c = {n.rpartition(".")[2]: k for n, k in kitchen.constants.items()}
    assert c["myNumberz"].type == ir.EnumRef("kitchen.sink.Numberz")
    assert c["myNumberz"].value == "ONE"
    assert c["hex_const"].value == 31 and c["negative_hex_constant"].value == -31
    assert c["big_const"].value == 2**63 - 1
    assert c["dub_const"].value == -1e-3 and c["int_as_double"].value == 3.0
    assert c["str_const"].value == "quote\" single' backslash\\ tab\t newline\n"
    assert c["bin_const"].value == b"bytes" and c["bool_const"].value is False
    assert c["uuid_const"].value == uuid.UUID("00000000-4444-cccc-ffff-0123456789ab")
    assert c["list_const"].value == (235235, 23598352, 3253523)
    assert c["set_const"].type == ir.List(ir.Int(32), unique=True)
    assert c["set_const"].value == (235, 53235)
    assert c["map_map"].value == ((235, ((532, 53255), (235, 235))),)
    assert c["lit_keys"].value == (("hello", 233), ("lkjsdf", 98325))
    assert c["bonk_const"].value == (("message", "hi"), ("type", 3))
    assert c["enum_list"].value == ("ONE", "FIVE")
    assert c["typedef_const"].type == ir.Int(64)
    assert origin(c["typedef_const"]).type == "UserId"
    assert c["ref_const"].value == 31 and c["enum_as_int"].value == 5
    assert c["shared_ref"].value == 11
    assert c["union_const"].value == (("i32_field", 1),)
    assert c["shared_const"].value == (("name", "n"), ("color", "RED"))
    assert kitchen.constants["kitchen.shared.SHARED_CONST"].value == 11


def test_footer_metadata_native(kitchen: ir.Schema) -> None:
    bonk = rec(kitchen, "Bonk")
    native = dict(bonk.native)
    assert native["writer.model.name"] == "thrift"
    idl = native["thrift.schema"]
    assert idl.startswith("// kitchen.thrift (namespace py kitchen.sink)\n/** Doc through")
    assert "struct Bonk\n{" in idl and 'final)' in idl
    containers = dict(rec(kitchen, "Containers").native)["thrift.schema"]
    # every definition a record uses, typedefs included, grouped by file
    for piece in ("typedef i64 UserId", "typedef BossId BigBossId", "enum Numberz",
                  "struct Xtruct", "// shared.thrift (namespace py kitchen.shared)",
                  "struct Shared", "enum Color"):
        assert piece in containers, piece


def test_ir_json_round_trip(kitchen: ir.Schema) -> None:
    for t in kitchen.types.values():
        j = ir.named_to_json(t)
        assert ir.named_to_json(ir.named_from_json(j)) == j
    for c in kitchen.constants.values():
        back = ir.constant_from_json(ir.named_to_json(c))
        assert back == c and back.value == c.value


# --------------------------------------------------------------------------- includes


def test_include_relative_then_include_dirs(tmp_path: Path) -> None:
    schemas = {
        "app/main.thrift": 'include "local.thrift"\ninclude "lib.thrift"\n'
                           'include "sub/deep.thrift"\n'
                           "struct M { 1: local.L l; 2: lib.Lib x; 3: deep.D d }",
        "app/local.thrift": "struct L { 1: i32 x }",
        "app/sub/deep.thrift": 'include "lib.thrift"\nstruct D { 1: lib.Lib y }',
        "first/lib.thrift": "namespace py first\nstruct Lib { 1: i32 x }",
        "second/lib.thrift": "namespace py second\nstruct Lib { 1: i32 x }",
    }
    s = load(schemas, tmp_path, include_dirs=("first", "second"), main_files=("app/main.thrift",))
    m = s.record("main.M")
    assert [f.type for f in m.fields] == [
        ir.Nullable(ir.RecordRef("local.L")), ir.Nullable(ir.RecordRef("first.Lib")),
        ir.Nullable(ir.RecordRef("deep.D"))]
    assert "second.Lib" not in s.types  # -I folders are searched in order
    # the same file reached twice is loaded once
    assert s.record("deep.D").fields[0].type == ir.Nullable(ir.RecordRef("first.Lib"))


def test_includes_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    write_schema_files(tmp_path, {
        "schemas/main.thrift": 'namespace py cli.main\ninclude "common.thrift"\n'
                               "struct M { 1: required common.C c }",
        "vendor/idl/common.thrift": "namespace py cli.common\nstruct C { 1: i32 x }",
    })
    assert main(["compile", "schemas", "-o", "gen_inc", "-q"]) == 2
    err = capsys.readouterr().err
    assert "schemas/main.thrift:2:9: cannot find include 'common.thrift'" in err
    assert "Traceback" not in err
    assert main(["compile", "schemas", "-o", "gen_inc", "-q", "-I", "vendor/idl"]) == 0
    assert (tmp_path / "gen_inc" / "cli" / "common.py").is_file()
    assert main(["compile", "schemas", "-o", "gen_inc", "--include-dir", "vendor/idl",
                 "--check", "-q"]) == 0
    assert main(["compile", "schemas", "-o", "gen_inc", "-I", "nowhere"]) == 2
    assert "include folder 'nowhere' does not exist" in capsys.readouterr().err


def test_two_includes_with_the_same_name(tmp_path: Path) -> None:
    schemas = {
        "main.thrift": 'include "a/x.thrift"\ninclude "b/x.thrift"\nstruct M { 1: i32 x }',
        "a/x.thrift": "struct A { 1: i32 x }", "b/x.thrift": "struct B { 1: i32 x }",
    }
    with pytest.raises(SchemaError, match=r"main.thrift:2:9: two included files are both "
                                          r"called 'x'"):
        load(schemas, tmp_path, main_files=("main.thrift",))


def test_same_name_in_two_files_of_one_namespace(tmp_path: Path) -> None:
    schemas = {"a.thrift": "namespace py same\nstruct S { 1: i32 x }",
               "b.thrift": "namespace py same\nstruct S { 1: i64 x }"}
    with pytest.raises(SchemaError, match=r"b.thrift:2:8: same.S is also defined in .*a.thrift"):
        load(schemas, tmp_path)


# --------------------------------------------------------------------------- errors

ERRORS = [
    ("syntax", "struct A {\n  1: i32 x\n  2 i32 y\n}\n", "3:5",
     "syntax error: unexpected 'i32'; expected ':'"),
    ("eof", "struct A {\n  1: i32 x\n", "2:10", "syntax error: unexpected end of file"),
    ("keyword as struct name", "struct list { 1: i32 x }", "1:8", "syntax error: unexpected 'list'"),
    ("bad character", "struct A { 1: i32 x } $", "1:23", "unexpected '$' (not part of"),
    # a name, a number or a literal is named by its kind, never quoted (issue 15 item 3)
    ("bad name", "struct A { 1: i32 x } SECRET_TOKEN_12345", "1:23",
     "syntax error: unexpected name; expected"),
    ("bad literal", 'struct A { 1: i32 x } "SECRET_TOKEN_12345"', "1:23",
     "syntax error: unexpected string literal; expected"),
    ("non-ASCII character", "struct A { 1: i32 x } é", "1:23",
     "unexpected character (not part of"),
    ("unterminated string", 'const string X = "abc\n', "1:18", "unterminated string literal"),
    ("unterminated comment", "/* never closed\nstruct A {}", "1:1", "unterminated comment"),
    ("bad escape", 'const string X = "a\\qb"', "1:18", "bad escape '\\q'"),
    ("header after definition", 'struct A { 1: i32 x }\ninclude "b.thrift"', "2:1",
     "syntax error: unexpected 'include'"),
    ("unknown type", "struct A {\n  1: Missing x\n}\n", "2:6", "unknown type 'Missing'"),
    ("unknown include prefix", "struct A { 1: other.T x }", "1:15",
     "unknown type 'other.T' ('other' is not an included file)"),
    ("service as type", "service S {}\nstruct A { 1: S s }", "2:15", "'S' is a service, not a type"),
    ("duplicate field id", "struct A {\n  1: i32 x\n  1: i32 y\n}\n", "3:3",
     "duplicate field id 1 in struct A: also used by field 'x' (line 2)"),
    ("duplicate field name", "struct A {\n  1: i32 x\n  2: i32 x\n}\n", "3:10",
     "duplicate field name 'x' in struct A (line 2)"),
    ("duplicate type", "struct A { 1: i32 x }\nenum A { X }", "2:6", "type 'A' is already defined"),
    ("duplicate constant", "const i32 X = 1\nconst i32 X = 2", "2:11",
     "constant 'X' is already defined"),
    ("duplicate enum value", "enum E { A, B, A }", "1:16", "duplicate value name 'A' in enum E"),
    ("enum value too big", "enum E { A = 2147483648 }", "1:14", "outside the 32-bit range"),
    ("float field id", "struct A { 1.5: i32 x }", "1:12", "a field id must be an integer"),
    ("dotted field name", "struct A { 1: i32 a.b }", "1:19", "a field name cannot contain '.'"),
    ("typedef cycle", "typedef B A\ntypedef A B\nstruct S { 1: A a }", "1:9",
     "typedef cycle through 'B'"),
    ("out of range", "struct A {\n  1: i8 s = 300\n}\n", "2:13",
     "invalid value 300 for A.s: expected an i8 integer in [-128, 127]"),
    ("wrong value kind", "struct S { 1: list<i32> x = {1: 2} }", "1:29",
     "expected a list [...]"),
    ("string for int", 'const i32 X = "1"', "1:15", 'invalid value "1" for X: expected an i32'),
    ("bad uuid", "const uuid U = 'nope'", "1:16", "expected a UUID"),
    ("unknown constant", "const i32 X = NOPE", "1:15", "unknown constant 'NOPE'"),
    ("bare enum symbol", "enum E { A }\nconst E X = A", "2:13", "unknown constant 'A'"),
    ("wrong enum", "enum E { A }\nenum F { B }\nconst E X = F.B", "3:13",
     "expected a value of enum E (A), not of e.F"),
    ("enum number", "enum E { A = 1 }\nconst E X = 2", "2:13", "expected a value of enum E (A = 1)"),
    ("const cycle", "const i32 X = Y\nconst i32 Y = X", "2:15", "constant 'X' refers to itself"),
    ("unknown struct field", "struct S { 1: i32 x }\nconst S C = {\"y\": 1}", "2:14",
     "S has no field 'y'"),
    ("missing required field", "struct S { 1: required i32 x }\nconst S C = {}", "2:13",
     "value of S lacks required field(s) x"),
    ("two union members", "union U { 1: i32 a; 2: i32 b }\nconst U C = {\"a\": 1, \"b\": 2}",
     "2:13", "a value of union U sets at most one member, got 2"),
    ("two union defaults", "union U { 1: i32 a = 1; 2: i32 b = 2 }", "1:36",
     "field 'b' provides another default value for union U"),
    ("duplicate map key", 'const map<string, i32> M = {"a": 1, "a": 2}', "1:37",
     'duplicate key "a" in map M'),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_name_file_line_col(case: tuple[str, str, str, str], tmp_path: Path) -> None:
    _, idl, where, message = case
    files = write_schema_files(tmp_path, {"e.thrift": idl})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        with pytest.raises(SchemaError) as err:
            thrift.load(files)
    text = str(err.value)
    assert text.startswith(f"{files[0]}:{where}: "), text
    assert message in text, text


def test_include_errors(tmp_path: Path) -> None:
    files = write_schema_files(tmp_path, {
        "missing.thrift": 'namespace py m\ninclude "nope.thrift"\n',
        "cyc/a.thrift": 'include "b.thrift"\nstruct A { 1: i32 x }',
        "cyc/b.thrift": 'include "../cyc/a.thrift"\nstruct B { 1: i32 x }',
    })
    with pytest.raises(SchemaError, match=r"missing.thrift:2:9: cannot find include "
                                          r"'nope.thrift' \(searched: "):
        thrift.load([files[0]])
    with pytest.raises(SchemaError, match=r"b.thrift:1:9: include cycle: a.thrift -> b.thrift "
                                          r"-> a.thrift"):
        thrift.load([files[1]])


CLI_ERRORS = {
    "syntax.thrift": ("struct A {\n  1 i32 x\n}\n", "syntax.thrift:2:5: syntax error"),
    "unknown.thrift": ("struct A {\n  1: Nope x\n}\n", "unknown.thrift:2:6: unknown type 'Nope'"),
    "dupid.thrift": ("struct A {\n  1: i32 x\n  1: i32 y\n}\n", "dupid.thrift:3:3: duplicate field id"),
    "dupname.thrift": ("struct A {\n  1: i32 x\n  2: i32 x\n}\n",
                       "dupname.thrift:3:10: duplicate field name"),
    "missing.thrift": ('include "gone.thrift"\n', "missing.thrift:1:9: cannot find include"),
    "cycle.thrift": ('include "cycle.thrift"\n', "cycle.thrift:1:9: include cycle"),
}


@pytest.mark.parametrize("name", sorted(CLI_ERRORS))
def test_cli_errors_exit_2_without_traceback(name: str, tmp_path: Path) -> None:
    idl, expected = CLI_ERRORS[name]
    (tmp_path / name).write_text(idl, encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "schemagen", "compile", name, "-o", "out", "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert res.returncode == 2, res.stderr
    assert expected in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists()


def test_union_member_required_and_default_warn(tmp_path: Path) -> None:
    files = write_schema_files(tmp_path, {
        "u.thrift": "union U {\n  1: required i32 a\n  2: string b = \"x\"\n}\n"})
    with pytest.warns(SchemaWarning) as caught:
        schema = thrift.load(files)
    msgs = " ".join(str(w.message) for w in caught)
    assert "u.thrift:2:19: required field 'a' of union U set to optional" in msgs
    assert "u.thrift:3:17: the default of union member 'b' is ignored" in msgs
    u = schema.record("u.U")
    assert all(f.default is None and isinstance(f.type, ir.Nullable) for f in u.fields)
    assert origin(u.fields[1]).default == '"x"'


# --------------------------------------------------------------------------- generated code


def test_kitchen_sink_compiles_and_imports(kitchen_pkg: GenPackage) -> None:
    m = kitchen_pkg.module("kitchen.sink")
    assert m.Numberz.FIVE.number == 5 and m.Numberz.from_number(-2) is m.Numberz.AFTER_NEGATIVE
    with pytest.raises(ValueError, match="4 is not a value of Numberz"):
        m.Numberz.from_number(4)
    assert m.myNumberz is m.Numberz.ONE
    assert m.bonk_const == m.Bonk(message="hi", type_=3)
    assert m.shared_const.color.value == "RED"
    assert m.set_const == frozenset({235, 53235})
    assert m.union_const.which() == "i32_field"
    k = m.Keywords(class_="c", None_="n", list_="l", Keywords_="k", arrow_schema_="a")
    assert k.class_ == "c" and k.Keywords_ == "k"
    tree = m.RecTree(children=[m.RecTree(children=[], item=2)], item=1)
    assert tree.children[0].item == 2
    assert m.RecList(nextitem=m.RecList(item=2), item=1).nextitem.item == 2


def test_kitchen_sink_mypy_strict(kitchen_pkg: GenPackage, tmp_path: Path) -> None:
    res = run_mypy(kitchen_pkg.path, tmp_path / "cache")
    assert res.returncode == 0, res.stdout + res.stderr


def test_kitchen_sink_ruff(kitchen_pkg: GenPackage) -> None:
    res = run_ruff(kitchen_pkg.path)
    assert res.returncode == 0, res.stdout + res.stderr
    res = run_ruff_defaults(kitchen_pkg.path)
    assert res.returncode == 0, res.stdout + res.stderr


def test_generated_docstrings_and_constants(kitchen_pkg: GenPackage) -> None:
    text = (kitchen_pkg.path / "kitchen" / "sink.py").read_text()
    assert '"""Doc through plain comments."""' in text
    assert "    ONE = 'ONE'\n    \"\"\"One.\"\"\"" in text
    assert "hex_const: _Final[int] = 31\n" in text
    assert "set_const: _Final[frozenset[int]] = frozenset({235, 53235})\n" in text
    # a constant using another module's classes is built by a function that imports them
    assert "def _sg_const_shared_const() -> Shared:\n    from .shared import Color, Shared\n" in text
    assert "def which(self) -> str | None:" in text


def test_deterministic_output(tmp_path: Path) -> None:
    srcs = write_schema_files(tmp_path / "idl", {"kitchen.thrift": KITCHEN, "shared.thrift": SHARED})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        a = compiler.render([srcs[0]], tmp_path / "gen_a")
        b = compiler.render(list(reversed(srcs)), tmp_path / "gen_a")
    assert a == b


def test_repo_thrift_schemas_compile_cleanly() -> None:
    """The bundled schemas give no warnings (no implicit ids, no ignored defaults)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema = thrift.load(sorted((SCHEMAS / "thrift").rglob("*.thrift")))
    assert {"example.thrift.sales.Transaction", "example.thrift.features.AllFields",
            "example.thrift.features.Shape", "example.thrift.common.Point"} <= set(schema.types)


def test_grammar_is_lalr(monkeypatch: pytest.MonkeyPatch) -> None:
    """An LALR(1) grammar without conflicts (lark raises on reduce/reduce collisions) whose
    tables are quick to build: every compile builds them once."""
    monkeypatch.setattr(thrift, "_PARSER", None)
    p = thrift._parser()
    assert p.options.parser == "lalr"
    tree = p.parse(thrift._Source("x.thrift", KITCHEN))
    assert [c.data for c in tree.children[:3]] == ["namespace", "namespace", "namespace"]
    assert len(p.parser.parser.parser.parse_table.states) < 400


# --------------------------------------------------------------------------- codegen internals

_IMPORT_LINES = {
    "dc": "import dataclasses as _dc", "dt": "import datetime as _dt",
    "decimal": "import decimal as _decimal", "enum": "import enum as _enum",
    "uuid": "import uuid as _uuid", "Any": "from typing import Any as _Any",
    "ClassVar": "from typing import ClassVar as _ClassVar",
    "Sequence": "from collections.abc import Sequence as _Sequence",
    "rt": "from schemagen.runtime import abi as _rt", "Final": "from typing import Final as _Final",
}


def _names_used(src: str) -> set[str]:
    """Every NAME token of Python source ``src`` (strings and comments are not names)."""
    return {tok.string for tok in tokenize.generate_tokens(io.StringIO(src).readline)
            if tok.type == tokenize.NAME}


def test_imports_collected_while_rendering_match_a_full_scan(tmp_path: Path) -> None:
    """Module aliases are recorded where code is made (codegen.imports); a full token
    scan of the whole body (the reference) must agree for every module."""
    srcs = write_schema_files(tmp_path / "idl", {"kitchen.thrift": KITCHEN, "shared.thrift": SHARED})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        rendered = {**compiler.render([srcs[0]], tmp_path / "a"),
                    **compiler.render([SCHEMAS], tmp_path / "b")}
    checked = 0
    for rel, text in rendered.items():
        if "\n__all__ = [" not in text:
            continue
        head, body = text.split("\n__all__ = [", 1)
        names = _names_used("__all__ = [" + body)
        want = {k: f"_{k}" in names for k in _IMPORT_LINES}
        have = {k: f"{line}\n" in head for k, line in _IMPORT_LINES.items()}
        assert have == want, rel
        checked += 1
    assert checked >= 6


def test_large_outputs_compile_only_unusual_modules(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from schemagen.codegen import render

    deep = "list<" * 39 + "i32" + ">" * 39  # the record and 39 lists: ir.MAX_NESTING
    srcs = write_schema_files(tmp_path, {
        "plain.thrift": "namespace py big.plain\nstruct P { 1: i32 x; 2: list<string> y }",
        "deep.thrift": f"namespace py big.deep\nstruct D {{ 1: {deep} x }}",
    })
    checked: list[str] = []
    real = render._check_compiles
    monkeypatch.setattr(render, "_check_compiles",
                        lambda text, plan: (checked.append(plan.path), real(text, plan)))
    compiler.render(srcs, tmp_path / "out")
    assert sorted(checked) == ["big/deep.py", "big/plain.py"]  # small output: all compiled
    checked.clear()
    monkeypatch.setattr(render, "FULL_CHECK_BYTES", 0)
    compiler.render(srcs, tmp_path / "out")
    assert checked == ["big/deep.py"]  # large output: only the deeply nested module
    too_deep = "list<" * 40 + "i32" + ">" * 40
    (tmp_path / "deep.thrift").write_text(f"namespace py big.deep\nstruct D {{ 1: {too_deep} x }}")
    with pytest.raises(SchemaError, match=r"deep.thrift:2:8: record big.deep.D is nested more "
                                          r"than 40 levels deep \(at D.x -> \[\] -> "):
        compiler.render(srcs, tmp_path / "out")


Q3 = '"' * 3  # a triple quote, spelled out to keep this file's literals simple
S3 = "'" * 3
HOSTILE = "\n".join([
    "namespace py hostile.thrift",
    "/** " + Q3 + ' + __import__("os").system("echo pwned") + ' + Q3 + " \\ end */",
    "struct Evil {",
    "  /** " + S3 + " + str(1/0) + " + S3 + " */",
    "  1: string s = " + '"\\"); import os; os.system(' + "'echo pwned'" + '); (\\""',
    "  2: i32 __init__",
    "  3: string self",
    '  4: string __class__ (x = "\\"\\"\\" + 1/0")',
    "}",
    "enum E { None, __init__, mro, _sg_x }",
    'const string __import__ = "\\\\\\"\\n' + S3 + ' \\"\\"\\""',
    "const i32 _sg_const_x = 1",
    "const i32 print = 2",
])


def test_hostile_thrift_is_inert(tmp_path: Path) -> None:
    srcs = write_schema_files(tmp_path / "idl", {"evil.thrift": HOSTILE})
    pkg = build_package(srcs, tmp_path / "out")
    try:
        m = pkg.module("hostile.thrift")
        e = m.Evil()
        assert e.s == "\"); import os; os.system('echo pwned'); (\""
        assert m.Evil.__doc__ == Q3 + ' + __import__("os").system("echo pwned") + ' + Q3 + " \\ end"
        assert [x.value for x in m.E] == ["None", "__init__", "mro", "_sg_x"]
        consts = {k: getattr(m, k) for k in m.__all__ if not isinstance(getattr(m, k), type)}
        assert sorted(consts.values(), key=str) == [1, 2, '\\"\n' + S3 + ' ' + Q3]
        assert "print" not in consts and "__import__" not in consts
        assert not any(k.startswith("_") for k in consts)
        assert run_ruff(pkg.path).returncode == 0
    finally:
        purge(pkg)


def test_nesting_limits(tmp_path: Path) -> None:
    # lists nested 1,000 deep and a constant nested 2,000 deep: RecursionError tracebacks
    # before; now a SchemaError naming the file (and the place of the type)
    src = tmp_path / "deep.thrift"
    src.write_text("struct S {\n  1: " + "list<" * 1000 + "i32" + ">" * 1000 + " a\n}\n")
    with pytest.raises(SchemaError) as info:
        frontends.load([src])
    assert str(info.value) == (f"{src}:2:{6 + 5 * ir.MAX_NESTING}: list type nested more than "
                               f"{ir.MAX_NESTING} levels deep; the limit is {ir.MAX_NESTING}")
    src.write_text("const list<i32> X = " + "[" * 2000 + "]" * 2000 + "\n")
    with pytest.raises(SchemaError) as info:
        frontends.load([src])
    assert str(info.value) == (f"{src}: nested too deeply to be read (the limit is "
                               f"{ir.MAX_NESTING} levels of types or values)")
