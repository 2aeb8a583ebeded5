"""Constructs of Apache Thrift's own test IDL (its ``test/`` folder) that this front end
refused (issue 15 item 20), each reproduced in this project's own IDL; the files
themselves are not shipped by any package CI can install, so
``benchmarks/apache_thrift_test_idl.py`` compiles a checkout of that folder instead
(docs/thrift.md "Apache Thrift's test IDL").

* ``{}`` as the value of an empty ``set``/``list`` (ThriftTest.thrift's ``OptionalBinary``:
  ``1: optional set<binary> bin_set = {}``), and ``[]`` as an empty ``map``: the Apache
  compiler reads the list part of any constant for a list or set, and the map part for a
  map, so an empty constant of the other bracket is an empty container.  A non-empty one
  is refused here (Apache silently drops its entries).
* An enum value qualified with another enum's name (EnumTest.thrift: ``1: MyEnum2 me2_2
  = MyEnum1.ME2_2``) or with an include's name (py/explicit_module/test4.thrift:
  ``shared_types.SharedEnum0``): Apache resolves it by the field's type; so does
  schemagen, with a warning.
* BrokenConstants.thrift (an i64 constant past 2**63) stays refused.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sg_helpers import write_schema_files

import schemagen
from schemagen.errors import SchemaError, SchemaWarning
from schemagen.frontends import thrift

EMPTY_BRACKETS = """namespace py apache.empties

struct OptionalBinary {
  1: optional set<binary> bin_set = {}
  2: optional map<binary, i32> bin_map = []
  3: list<string> names = {}
  4: map<string, list<i32>> nested = {"a": {}, "b": [1, 2]}
}

const set<i32> NO_IDS = {}
const map<string, string> NO_NAMES = []
const list<OptionalBinary> ONE = [{}]
"""


def load_quiet(files: list[Path]) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        schema = thrift.load(files)
    return schema, [str(w.message) for w in caught]


def test_empty_map_brackets_for_a_set_or_list_and_list_brackets_for_a_map(
        tmp_path: Path) -> None:
    """Was: ``invalid value map for OptionalBinary.bin_set: expected a list [...]``."""
    [path] = write_schema_files(tmp_path, {"empties.thrift": EMPTY_BRACKETS})
    schema, warned = load_quiet([path])
    assert warned == []  # Apache accepts these silently: so does schemagen
    rec = schema.types["apache.empties.OptionalBinary"]
    defaults = {f.name: f.default for f in rec.fields}
    assert defaults["bin_set"] == () and defaults["bin_map"] == ()
    assert defaults["names"] == ()
    assert defaults["nested"] == (("a", ()), ("b", (1, 2)))
    consts = {c.name.rpartition(".")[2]: c.value for c in schema.constants.values()}
    assert consts["NO_IDS"] == () and consts["NO_NAMES"] == ()

    mod = schemagen.load(path)
    value = mod.OptionalBinary()
    assert value.bin_set == frozenset() and value.bin_map == {} and value.names == []
    assert value.nested == {"a": [], "b": [1, 2]}
    assert mod.NO_IDS in ([], set(), frozenset()) and mod.NO_NAMES == {}
    out = tmp_path / "empties.parquet"
    other = mod.OptionalBinary(bin_set=frozenset({b"x"}), names=["n"])
    schemagen.write([value, other], out)
    assert list(schemagen.read(mod.OptionalBinary, out)) == [value, other]
    table = pq.read_table(out)
    assert table.column("bin_set").to_pylist() == [[], [b"x"]]
    assert table.column("bin_map").to_pylist() == [[], []]


@pytest.mark.parametrize(("idl", "where", "message"), [
    ("struct S { 1: list<i32> x = {1: 2} }", "1:29",
     "invalid value map for S.x: expected a list [...]; a non-empty map {...} is not one"),
    ("struct S { 1: set<i32> x = {1: 2} }", "1:28", "expected a list [...]; a non-empty map"),
    ("const map<i32, i32> M = [1, 2]", "1:25",
     "invalid value list for M: expected a map {...}; a non-empty list [...] is not one"),
    ("struct S { 1: i32 x }\nconst S C = []", "2:13",
     "invalid value list for C: expected a S written as a map of field names to values"),
    ("const list<i32> L = {}\nconst set<i32> T = {1: 1}", "2:20", "a non-empty map"),
])
def test_non_empty_other_brackets_are_refused(tmp_path: Path, idl: str, where: str,
                                              message: str) -> None:
    """The Apache compiler takes these as empty containers, dropping the values written:
    schemagen refuses them, naming the place."""
    [path] = write_schema_files(tmp_path, {"e.thrift": idl})
    with pytest.raises(SchemaError) as err:
        thrift.load([path])
    assert str(err.value).startswith(f"{path}:{where}: "), str(err.value)
    assert message in str(err.value)


ENUMS = """namespace py apache.enums

enum MyEnum1 { ME1_0 = 0, ME1_1 = 1 }
enum MyEnum2 { ME2_0, ME2_1, ME2_2 }
enum MyEnum2_again { ME0_1, ME1_1, ME2_1 }

struct MyStruct {
  1: MyEnum2 me2_2 = MyEnum1.ME2_2
  2: MyEnum2 me2_1 = MyEnum2_again.ME2_1
  3: MyEnum1 me1_1 = MyEnum1.ME1_1
}
"""


def test_enum_value_qualified_with_another_enum_resolves_by_the_field_type(
        tmp_path: Path) -> None:
    """Was: ``unknown constant 'MyEnum1.ME2_2' (for MyStruct.me2_2)``, and
    ``MyEnum2_again.ME2_1`` for a MyEnum2 field: ``expected a value of enum MyEnum2, not
    of MyEnum2_again``."""
    [path] = write_schema_files(tmp_path, {"enums.thrift": ENUMS})
    schema, warned = load_quiet([path])
    rec = schema.types["apache.enums.MyStruct"]
    assert [(f.name, f.default) for f in rec.fields] == [
        ("me2_2", "ME2_2"), ("me2_1", "ME2_1"), ("me1_1", "ME1_1")]
    assert warned == [
        f"{path}:8:22: enum MyEnum1 has no value ME2_2, but MyStruct.me2_2 is of enum MyEnum2: "
        "taken as MyEnum2.ME2_2 (the Apache compiler resolves an enum value by the type it "
        "is assigned to)",
        f"{path}:9:22: MyEnum2_again.ME2_1 is a value of enum MyEnum2_again, but "
        "MyStruct.me2_1 is of enum MyEnum2: taken as MyEnum2.ME2_1 (the Apache compiler "
        "resolves an enum value by the type it is assigned to)",
    ]
    with pytest.warns(SchemaWarning, match="enum MyEnum1 has no value ME2_2"):
        mod = schemagen.load(path)
    value = mod.MyStruct()
    assert value.me2_2 is mod.MyEnum2.ME2_2 and value.me2_1 is mod.MyEnum2.ME2_1
    out = tmp_path / "enums.parquet"
    schemagen.write([value], out)
    assert pq.read_table(out).column("me2_2").to_pylist() == ["ME2_2"]


def test_enum_value_qualified_with_an_include_name(tmp_path: Path) -> None:
    """Was: ``unknown constant 'shared_types.SharedEnum0'`` (py/explicit_module/test4)."""
    files = write_schema_files(tmp_path, {
        "shared_types.thrift": "namespace py apache.shared\nenum SharedEnum { SharedEnum0 = 0, "
                               "SharedEnum1 = 1 }\n",
        "test4.thrift": 'namespace py apache.test4\ninclude "shared_types.thrift"\n'
                        "enum TestEnum { TestEnum0 = 0, TestEnum1 = 1 }\n"
                        "const map<TestEnum, shared_types.SharedEnum> typeConversion = {\n"
                        "  TestEnum.TestEnum0: shared_types.SharedEnum0,\n"
                        "  TestEnum.TestEnum1: shared_types.SharedEnum1,\n}\n",
    })
    schema, warned = load_quiet([files[1]])
    [const] = [c for c in schema.constants.values() if c.name.endswith("typeConversion")]
    assert const.value == (("TestEnum0", "SharedEnum0"), ("TestEnum1", "SharedEnum1"))
    assert len(warned) == 2
    assert warned[0].startswith(
        f"{files[1]}:5:23: shared_types.SharedEnum0 is not qualified with its enum's name, "
        "but typeConversion[TestEnum.TestEnum0] is of enum SharedEnum: taken as "
        "SharedEnum.SharedEnum0")


@pytest.mark.parametrize(("value", "where", "message"), [
    ("Nowhere.ME2_2", "4:27",
     "unknown constant 'Nowhere.ME2_2' (for S.e: expected a value of enum MyEnum2: ME2_0, "
     "ME2_1, ME2_2)"),
    ("MyEnum1.ME1_0", "4:27",
     "invalid value MyEnum1.ME1_0 for S.e: expected a value of enum MyEnum2 (ME2_0, ME2_1, "
     "ME2_2), not of apache.enums.MyEnum1"),
    ("MyEnum1.NOPE", "4:27", "expected a value of enum MyEnum2 (ME2_0, ME2_1, ME2_2)"),
    ("ME2_2", "4:27", "unknown constant 'ME2_2'"),
])
def test_enum_values_the_field_type_does_not_have_are_refused(
        tmp_path: Path, value: str, where: str, message: str) -> None:
    idl = ("namespace py apache.enums\nenum MyEnum1 { ME1_0 }\nenum MyEnum2 { ME2_0, ME2_1, "
           f"ME2_2 }}\nstruct S {{ 1: MyEnum2 e = {value} }}\n")
    [path] = write_schema_files(tmp_path, {"e.thrift": idl})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SchemaWarning)  # refused, not warned about
        with pytest.raises(SchemaError) as err:
            thrift.load([path])
    assert str(err.value).startswith(f"{path}:{where}: "), str(err.value)
    assert message in str(err.value)


def test_broken_constants_stay_refused(tmp_path: Path) -> None:
    """BrokenConstants.thrift, the one file of Apache's test/ folder meant to fail."""
    [path] = write_schema_files(tmp_path, {"BrokenConstants.thrift": (
        "const i64 myint = 68719476736\n"
        "const i64 broken = 9876543210987654321  // A little over 2^63\n"
        "enum foo {\n  bar = 68719476736\n}\n")})
    with pytest.raises(SchemaError, match=r"BrokenConstants.thrift:2:20: this integer is too "
                                          r"big: 9876543210987654321"):
        thrift.load([path])


SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "apache_thrift_test_idl.py"


def test_the_checkout_script_on_a_stand_in_test_folder(tmp_path: Path) -> None:
    """``benchmarks/apache_thrift_test_idl.py`` (run by hand on a checkout of Apache's
    test/ folder): every file compiles and imports, the broken one is refused; exit 1 when
    the broken one compiles or another fails."""
    import subprocess
    import sys

    test = tmp_path / "thrift" / "test"
    write_schema_files(test, {
        "ThriftTest.thrift": EMPTY_BRACKETS, "EnumTest.thrift": ENUMS,
        "BrokenConstants.thrift": "const i64 broken = 9876543210987654321\n"})
    run = [sys.executable, str(SCRIPT), str(tmp_path / "thrift"), "--import"]
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith(
        f"3 files under {test}: 2 compiled, 1 of 1 broken refused, 0 unexpected, "
        "2 schema warnings, ")
    (test / "BrokenConstants.thrift").write_text("const i64 fine = 1\n")
    (test / "audit").mkdir()
    (test / "audit" / "bad.thrift").write_text("struct S { 1: list<i32> x = {1: 2} }\n")
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("COMPILED, but is broken BrokenConstants.thrift")
    assert lines[1].startswith("FAILED               audit/bad.thrift") and "1:29" in lines[1]
    assert "2 unexpected" in lines[-1]
