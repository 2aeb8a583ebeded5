"""Protobuf front end: .proto files through protoc into the IR.

The test protos under ``tests/fixtures/protos/`` cover what protobuf's unittest.proto,
unittest_proto3.proto, unittest_proto3_optional.proto, map_unittest.proto and
unittest_well_known_types.proto exercise (plus editions); ``lib/`` is only
reachable through ``-I``.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from schemagen import frontends, ir
from schemagen.errors import SchemaError, SchemaWarning
from schemagen.frontends import protobuf

HERE = Path(__file__).resolve().parent
PROTOS = HERE.parents[1] / "fixtures" / "protos"
UT = PROTOS / "pbtests"
REPO = HERE.parents[2]


@pytest.fixture(scope="module")
def schema() -> ir.Schema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        return protobuf.load(sorted(UT.glob("*.proto")), include_dirs=[PROTOS])


def field(rec: ir.Named, name: str) -> ir.Field:
    assert isinstance(rec, ir.Record)
    return next(f for f in rec.fields if f.name == name)


def test_registered_extension() -> None:
    assert frontends.EXTENSIONS[".proto"] == "protobuf"


def test_scalar_widths_and_signedness(schema: ir.Schema) -> None:
    rec = schema.types["sgtest.unittest.TestAllTypes"]
    want = {
        "int32": ir.Int(32), "int64": ir.Int(64), "uint32": ir.Int(32, False),
        "uint64": ir.Int(64, False), "sint32": ir.Int(32), "sint64": ir.Int(64),
        "fixed32": ir.Int(32, False), "fixed64": ir.Int(64, False), "sfixed32": ir.Int(32),
        "sfixed64": ir.Int(64), "float": ir.Float(32), "double": ir.Float(64),
        "bool": ir.Bool(), "string": ir.String(), "bytes": ir.Bytes(),
    }
    for suffix, t in want.items():
        f = field(rec, f"optional_{suffix}")
        assert f.type == ir.Nullable(t), suffix
        assert field(rec, f"repeated_{suffix}").type == ir.List(t)
        assert f.origin == ir.ProtobufOrigin(type=suffix)
        assert f.presence == "explicit"
        assert field(rec, f"repeated_{suffix}").presence == "repeated"


def test_field_ids_docs_json_name_and_native(schema: ir.Schema) -> None:
    rec = schema.types["sgtest.unittest.TestAllTypes"]
    assert isinstance(rec, ir.Record)
    assert field(rec, "optional_int32").field_id == 1
    assert field(rec, "oneof_bytes").field_id == 114
    assert field(rec, "optional_int32").json_name == "optionalInt32"
    native = dict(rec.native)
    assert native["writer.model.name"] == "protobuf"
    assert native["protobuf.class"] == "sgtest.unittest.TestAllTypes"
    assert rec.doc == "Every field type, with every label."
    assert rec.location is not None and rec.location.line == 24
    neg = schema.types["sgtest.unittest.TestAllTypes_NestedEnum"]
    assert isinstance(neg, ir.Enum) and neg.values == (1, 2, 3, -1)
    assert neg.symbol_docs[3] == "negative values are legal"


def test_proto2_required_defaults_groups(schema: ir.Schema) -> None:
    req = schema.types["sgtest.unittest.TestRequired"]
    assert field(req, "a").type == ir.Int(32) and not field(req, "a").has_default
    assert field(req, "c").type == ir.RecordRef("sgtest.unittest.ForeignMessage")
    rec = schema.types["sgtest.unittest.TestAllTypes"]
    defaults = {f.name: f.default for f in rec.fields if f.name.startswith("default_")}
    assert defaults["default_int32"] == 41
    assert defaults["default_uint64"] == 2**64 - 1
    assert defaults["default_sint32"] == -45
    assert defaults["default_float"] == 51.5 and defaults["default_double"] == 52e3
    assert defaults["default_bool"] is True
    assert defaults["default_string"] == 'hello "world"\n'
    assert defaults["default_bytes"] == b"w\x00r\x01ld\xff"
    assert defaults["default_nested_enum"] == "BAR"
    assert defaults["default_inf"] == float("-inf")
    assert defaults["default_nan"] != defaults["default_nan"]
    group = field(rec, "optionalgroup")
    assert group.type == ir.Nullable(ir.RecordRef("sgtest.unittest.TestAllTypes_OptionalGroup"))
    assert field(rec, "repeatedgroup").type == ir.List(
        ir.RecordRef("sgtest.unittest.TestAllTypes_RepeatedGroup"))


def test_oneofs_and_proto3_optional(schema: ir.Schema) -> None:
    rec = schema.types["sgtest.proto3.TestAllTypes"]
    assert isinstance(rec, ir.Record)
    assert ir.oneof_groups(rec) == [
        ("oneof_field", ["oneof_uint32", "oneof_nested_message", "oneof_string", "oneof_bytes"]),
        ("second_oneof", ["second_a", "second_enum"]),
    ]
    assert field(rec, "oneof_uint32").type == ir.Nullable(ir.Int(32, False))
    # proto3 implicit presence: required, zero default
    assert field(rec, "optional_int32").type == ir.Int(32)
    assert field(rec, "optional_int32").default == 0
    assert field(rec, "optional_int32").presence == "implicit"
    assert field(rec, "optional_nested_enum").default == "ZERO"
    opt = schema.types["sgtest.proto3.TestProto3Optional"]
    assert isinstance(opt, ir.Record)
    assert ir.oneof_groups(opt) == []  # synthetic oneofs dropped
    assert field(opt, "optional_int32").type == ir.Nullable(ir.Int(32))
    assert field(opt, "singular_int32").type == ir.Int(32)


def test_maps(schema: ir.Schema) -> None:
    rec = schema.types["sgtest.maps.TestMap"]
    assert field(rec, "map_int32_int32").type == ir.Map(ir.Int(32), ir.Int(32))
    assert field(rec, "map_fixed64_fixed64").type == ir.Map(ir.Int(64, False), ir.Int(64, False))
    assert field(rec, "map_int32_enum").type == ir.Map(ir.Int(32), ir.EnumRef("sgtest.maps.MapEnum"))
    assert field(rec, "map_string_foreign_message").type == ir.Map(
        ir.String(), ir.RecordRef("sgtest.maps.ForeignMessage"))
    assert not any("Entry" in n for n in schema.types)  # map entries are not records


def test_well_known_types(schema: ir.Schema) -> None:
    rec = schema.types["sgtest.wkt.TestWellKnownTypes"]
    assert field(rec, "timestamp_field").type == ir.Nullable(ir.Timestamp("us", True))
    assert field(rec, "duration_field").type == ir.Nullable(ir.Duration("us"))
    assert field(rec, "int64_field").type == ir.Nullable(ir.Int(64))
    assert field(rec, "uint32_field").type == ir.Nullable(ir.Int(32, False))
    assert field(rec, "bytes_field").type == ir.Nullable(ir.Bytes())
    for name in ("struct_field", "value_field", "list_value_field"):
        assert field(rec, name).type == ir.Nullable(ir.Json())
    assert field(rec, "field_mask_field").type == ir.Nullable(ir.List(ir.String()))
    assert field(rec, "any_field").type == ir.Nullable(ir.RecordRef("google.protobuf.Any"))
    anyr = schema.types["google.protobuf.Any"]
    assert [(f.name, f.type) for f in anyr.fields] == [("type_url", ir.String()),
                                                       ("value", ir.Bytes())]
    empty = schema.types["google.protobuf.Empty"]
    assert isinstance(empty, ir.Record) and empty.fields == ()
    rep = schema.types["sgtest.wkt.RepeatedWellKnownTypes"]
    assert field(rep, "timestamp_field").type == ir.List(ir.Timestamp("us", True))
    assert field(rep, "int64_field").type == ir.List(ir.Int(64))
    maps = schema.types["sgtest.wkt.MapWellKnownTypes"]
    assert field(maps, "string_field").type == ir.Map(ir.Int(32), ir.String())
    # WKT messages other than Any/Empty never become records
    assert "google.protobuf.Timestamp" not in schema.types


def test_open_and_closed_enums(schema: ir.Schema) -> None:
    assert ir.is_open_enum(schema.types["sgtest.proto3.ForeignEnum"])  # type: ignore[arg-type]
    assert not ir.is_open_enum(schema.types["sgtest.unittest.ForeignEnum"])  # type: ignore[arg-type]
    assert not ir.is_open_enum(schema.types["sgtest.editions.Ed_Closed"])  # type: ignore[arg-type]
    assert ir.is_open_enum(schema.types["sgtest.editions.Ed_Open"])  # type: ignore[arg-type]


def test_editions_presence(schema: ir.Schema) -> None:
    rec = schema.types["sgtest.editions.Ed"]
    assert field(rec, "explicit_int").type == ir.Nullable(ir.Int(32))
    assert field(rec, "implicit_int").type == ir.Int(32)
    assert field(rec, "required_int").type == ir.Int(32)
    assert not field(rec, "required_int").has_default
    assert field(rec, "delimited").type == ir.Nullable(ir.RecordRef("sgtest.editions.Ed_Sub"))


def test_nested_names_do_not_clash(schema: ir.Schema) -> None:
    top = schema.types["sgtest.unittest.TestNames_Inner"]
    nested = schema.types["sgtest.unittest.TestNames_Inner_"]
    assert [f.name for f in top.fields] == ["y"]  # type: ignore[union-attr]
    assert [f.name for f in nested.fields] == ["x"]  # type: ignore[union-attr]
    assert isinstance(nested.origin, ir.ProtobufOrigin)
    assert nested.origin.name == "sgtest.unittest.TestNames.Inner"


def test_extensions_warn() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        protobuf.load([UT / "unittest.proto"], include_dirs=[PROTOS])
    msgs = [str(w.message) for w in caught if issubclass(w.category, SchemaWarning)]
    assert any("optional_int32_extension" in m and "unittest.proto:" in m for m in msgs)
    assert any("test_ext" in m for m in msgs)


def test_import_needs_include_dir(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as e:
        protobuf.load([UT / "unittest.proto"])
    assert "lib/import_message.proto" in str(e.value)
    assert e.value.line > 0


def test_given_file_never_replaced_by_a_namesake_in_an_include_dir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "m.proto").write_text('syntax = "proto3";\npackage pa;\nmessage M {}\n')
    (tmp_path / "b" / "m.proto").write_text('syntax = "proto3";\npackage pb;\nmessage O {}\n')
    monkeypatch.chdir(tmp_path)
    # protoc used to get the virtual name "m.proto" and silently compiled b/m.proto
    with pytest.raises(SchemaError) as e:
        protobuf.load([Path("a/m.proto")], include_dirs=["b"])
    assert e.value.file == "a/m.proto" and "shadowed" in e.value.message
    assert list(protobuf.load([Path("a/m.proto")]).types) == ["pa.M"]
    assert list(protobuf.load([Path("a/m.proto")], include_dirs=["a", "b"]).types) == ["pa.M"]


def test_protoc_log_lines_become_readable_warnings(tmp_path: Path) -> None:
    p = tmp_path / "nosyntax.proto"
    p.write_text("message M { optional int32 x = 1; }\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        protobuf.load([p])
    msgs = [str(w.message) for w in caught if issubclass(w.category, SchemaWarning)]
    # abseil's preamble and log prefixes were relayed instead of the message
    assert not any("absl::InitializeLog" in m or "parser.cc" in m for m in msgs)
    assert any(m.startswith("No edition or syntax specified") for m in msgs), msgs


def test_missing_include_dir_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "m.proto"
    p.write_text('syntax = "proto3";\nmessage M {}\n')
    with pytest.raises(SchemaError, match="include folder .* does not exist"):
        protobuf.load([p], include_dirs=[tmp_path / "nope"])


@pytest.mark.parametrize(("text", "line", "col", "needle"), [
    ('syntax = "proto3";\nmessage A { int32 x = 1\n}\n', 3, 1, 'Expected ";"'),
    ('syntax = "proto3";\nmessage A { Missing m = 1; }\n', 2, 13, '"Missing" is not defined'),
    ('syntax = "proto3";\nmessage A { int32 x = 1; int32 y = 1; }\n', 2, 36, "already been used"),
    ('edition = "2099";\nmessage A {}\n', 1, 11, 'edition'),
])
def test_protoc_errors_relayed(tmp_path: Path, text: str, line: int, col: int,
                               needle: str) -> None:
    p = tmp_path / "bad.proto"
    p.write_text(text)
    with pytest.raises(SchemaError) as e:
        protobuf.load([p])
    err = e.value
    assert (Path(err.file).name, err.line, err.column) == ("bad.proto", line, col)
    assert needle in err.message


def test_cli_error_exit_2_without_traceback(tmp_path: Path) -> None:
    p = tmp_path / "bad.proto"
    p.write_text('syntax = "proto3";\nmessage A { int32 x = 1\n}\n')
    res = subprocess.run([sys.executable, "-m", "schemagen", "compile", str(p), "-o",
                          str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert f"{p}:3:1: Expected" in res.stderr


def test_cli_include_dir(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "schemagen", "compile", str(UT / "unittest.proto"), "-q",
            "-o", str(tmp_path / "out")]
    res = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 2 and "import_message.proto" in res.stderr
    res = subprocess.run([*args, "-I", str(PROTOS)], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out" / "sgtest" / "imported.py").is_file()


def test_deterministic(tmp_path: Path) -> None:
    from schemagen.codegen import compiler

    srcs = sorted(UT.glob("*.proto"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        a = compiler.render(srcs, tmp_path / "a", include_dirs=[PROTOS])
        b = compiler.render(srcs, tmp_path / "a", include_dirs=[PROTOS])
    assert a == b


def test_message_chain_nesting_limit(tmp_path: Path) -> None:
    # a chain of 1,000 messages, each holding the next: a RecursionError traceback from
    # codegen before; the IR's nesting limit refuses it, naming the first message
    src = tmp_path / "chain.proto"
    src.write_text('syntax = "proto3";\npackage c;\n'
                   + "".join(f"message M{i} {{ M{i + 1} next = 1; }}\n" for i in range(1000))
                   + "message M1000 { int32 x = 1; }\n")
    with pytest.raises(SchemaError) as info:
        frontends.load([src])
    assert str(info.value) == (
        f"{src}:3:1: record c.M0 is nested more than {ir.MAX_NESTING} levels deep (at M0.next "
        f"-> M1.next -> M2.next -> M3.next -> ...); the limit is {ir.MAX_NESTING}: Parquet "
        "readers refuse deeper schemas")
