"""Protobuf records and messages through real Parquet files.

The test protos (``tests/fixtures/protos/``) are compiled twice with the same bundled
protoc: ``--python_out`` for ``_pb2`` message classes and ``schemagen compile``
for records.  Messages go in (``from_message``, ``write_messages``), come out
(``to_message``) and the files are read back by schemagen, pyarrow and DuckDB.
"""

from __future__ import annotations

import datetime
import importlib
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import GenPackage, build_package, purge

import schemagen
from schemagen.errors import ParquetMappingError, RecordError, SchemaWarning
from schemagen.frontends.protobuf import bundled_include

HERE = Path(__file__).resolve().parent
PROTOS = HERE.parents[1] / "fixtures" / "protos"
UT = PROTOS / "pbtests"
SCHEMAS = HERE.parents[2] / "schemas" / "proto"
UTC = datetime.UTC


class Env:
    def __init__(self, pkg: GenPackage, pb_root: Path) -> None:
        self.pkg = pkg
        self.pb_root = pb_root

    def pb2(self, name: str) -> Any:
        return importlib.import_module(name)

    def mod(self, ns: str) -> Any:
        return self.pkg.module(ns)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("pb_rt")
    pb_out = root / "pb"
    pb_out.mkdir()
    ut = sorted(UT.glob("*.proto"))
    lib = sorted((PROTOS / "lib").glob("*.proto"))
    sch = [SCHEMAS / "sales.proto", SCHEMAS / "features.proto", SCHEMAS / "legacy.proto",
           SCHEMAS / "common" / "money.proto"]
    for inc, files in ((PROTOS, ut + lib), (SCHEMAS, sch)):
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{inc}",
                        f"-I{bundled_include()}", f"--python_out={pb_out}",
                        *(str(f) for f in files)], check=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        pkg = build_package(ut + sch, root / "out", include_dirs=[PROTOS, SCHEMAS])
    sys.path.insert(0, str(pb_out))
    importlib.invalidate_caches()
    yield Env(pkg, pb_out)
    sys.path.remove(str(pb_out))
    for name in list(sys.modules):
        mod = sys.modules[name]
        if str(pb_out) in str(getattr(mod, "__file__", "") or ""):
            del sys.modules[name]
    purge(pkg)


@pytest.fixture
def duck() -> Any:
    con = duckdb.connect()
    yield con
    con.close()


def full_proto2(pb: Any, imp: Any) -> Any:
    m = pb.TestAllTypes(
        optional_int32=-(2**31), optional_int64=2**63 - 1, optional_uint32=2**32 - 1,
        optional_uint64=2**64 - 1, optional_sint32=-7, optional_sint64=-(2**63),
        optional_fixed32=7, optional_fixed64=2**64 - 2, optional_sfixed32=-8,
        optional_sfixed64=-9, optional_float=1.5, optional_double=-2.25, optional_bool=True,
        optional_string="héllo", optional_bytes=b"\x00\xff",
        optional_nested_enum=pb.TestAllTypes.NEG, optional_foreign_enum=pb.FOREIGN_BAZ,
        optional_import_enum=imp.IMPORT_BAR,
        repeated_int32=[1, -2], repeated_uint64=[2**64 - 1], repeated_float=[0.5],
        repeated_bool=[True, False], repeated_string=["a", ""], repeated_bytes=[b"x"],
        repeated_nested_enum=[pb.TestAllTypes.FOO, pb.TestAllTypes.BAZ], packed_int32=[3, 4],
        default_int32=0, default_string="", oneof_string="one",
    )
    m.optionalgroup.a = 17
    m.optional_nested_message.bb = 3
    m.optional_foreign_message.c = 4
    m.optional_import_message.d = 5
    m.repeatedgroup.add(a=1)
    m.repeatedgroup.add()
    m.repeated_nested_message.add(bb=9)
    m.repeated_foreign_message.add(c=1, d=2)
    return m


# --------------------------------------------------------------------------- messages in/out


def test_proto2_messages_round_trip(env: Env, tmp_path: Path) -> None:
    pb, imp = env.pb2("pbtests.unittest_pb2"), env.pb2("lib.import_message_pb2")
    rec_mod = env.mod("sgtest.unittest")
    msgs = [full_proto2(pb, imp), pb.TestAllTypes()]
    path = schemagen.write_messages(rec_mod.TestAllTypes, msgs, tmp_path / "p2.parquet")
    back = list(schemagen.read(rec_mod.TestAllTypes, path))
    assert back == schemagen.from_messages(rec_mod.TestAllTypes, msgs)
    for m, r in zip(msgs, back):
        assert schemagen.to_message(r, pb.TestAllTypes) == m
    full, empty = back
    assert full.which_oneof_field() == "oneof_string" and empty.which_oneof_field() is None
    assert full.optional_nested_enum.number == -1
    # unset proto2 optional fields are None (presence kept), not their defaults
    assert empty.default_int32 is None and empty.optional_int32 is None
    # the record class has the proto2 defaults
    assert rec_mod.TestAllTypes().default_int32 == 41
    assert rec_mod.TestAllTypes().default_nested_enum == rec_mod.TestAllTypes_NestedEnum.BAR


def test_proto3_messages_and_unknown_open_enum_values(env: Env, tmp_path: Path) -> None:
    pb = env.pb2("pbtests.unittest_proto3_pb2")
    mod = env.mod("sgtest.proto3")
    m = pb.TestAllTypes(optional_int32=5, optional_foreign_enum=99,
                        repeated_nested_enum=[1, 12345, -1], second_enum=77,
                        packed_sint64=[-1, 1], unpacked_double=[0.25])
    m.oneof_nested_message.bb = 2
    m.repeated_nested_message.add()
    empty = pb.TestAllTypes()
    path = schemagen.write_messages(mod.TestAllTypes, [m, empty], tmp_path / "p3.parquet")
    back = list(schemagen.read(mod.TestAllTypes, path))
    r = back[0]
    assert r.optional_foreign_enum == "99" and r.optional_foreign_enum.number == 99
    assert [e.number for e in r.repeated_nested_enum] == [1, 12345, -1]
    assert r.which_oneof_field() == "oneof_nested_message"
    assert r.which_second_oneof() == "second_enum" and r.second_enum.number == 77
    assert schemagen.to_message(r, pb.TestAllTypes) == m
    assert schemagen.to_message(back[1], pb.TestAllTypes) == empty
    assert back[1].optional_int32 == 0 and back[1].oneof_uint32 is None
    t = pq.read_table(path)
    assert t.column("optional_foreign_enum").to_pylist() == ["99", "FOREIGN_ZERO"]
    # the pseudo-members are values of the generated enum class
    assert mod.ForeignEnum.from_number(4) is mod.ForeignEnum.FOREIGN_FOO
    assert mod.ForeignEnum("12") == "12" and mod.ForeignEnum.from_number(12).number == 12


def test_proto3_optional(env: Env) -> None:
    pb = env.pb2("pbtests.unittest_proto3_pb2")
    mod = env.mod("sgtest.proto3")
    m = pb.TestProto3Optional(optional_int32=0, optional_string="", optional_nested_enum=0)
    r = schemagen.from_message(mod.TestProto3Optional, m)
    assert r.optional_int32 == 0 and r.optional_string == "" and r.optional_int64 is None
    assert r.optional_nested_enum == mod.TestAllTypes_NestedEnum.ZERO
    back = schemagen.to_message(r, pb.TestProto3Optional)
    assert back == m and back.HasField("optional_int32") and not back.HasField("optional_int64")


def test_oneof_validated_on_write(env: Env, tmp_path: Path) -> None:
    mod = env.mod("sgtest.proto3")
    bad = mod.TestAllTypes(oneof_uint32=1, oneof_string="two")
    with pytest.raises(RecordError) as e:
        schemagen.write([bad], tmp_path / "bad.parquet")
    assert "oneof oneof_field" in str(e.value) and "oneof_uint32" in str(e.value)
    nested = env.mod("sgtest.unittest")
    outer = nested.TestAllTypes(oneof_uint32=1, oneof_bytes=b"")
    with pytest.raises(RecordError):
        schemagen.write([outer], tmp_path / "bad2.parquet")
    assert not list(tmp_path.glob("*.parquet"))


def test_maps_round_trip(env: Env, tmp_path: Path, duck: Any) -> None:
    pb = env.pb2("pbtests.map_unittest_pb2")
    mod = env.mod("sgtest.maps")
    m = pb.TestMap(
        map_int32_int32={-1: 1}, map_int64_int64={2**63 - 1: -(2**63)},
        map_uint32_uint32={2**32 - 1: 0}, map_uint64_uint64={2**64 - 1: 2**64 - 1},
        map_sint32_sint32={1: -1}, map_sint64_sint64={-5: 5}, map_fixed32_fixed32={1: 2},
        map_fixed64_fixed64={3: 4}, map_sfixed32_sfixed32={-1: -2},
        map_sfixed64_sfixed64={-3: -4}, map_int32_float={1: 0.5}, map_int32_double={2: 1e300},
        map_bool_bool={True: False, False: True}, map_string_string={"k": "v", "": ""},
        map_int32_bytes={0: b"\x00"}, map_int32_enum={1: pb.MAP_ENUM_BAZ, 2: 42},
    )
    m.map_int32_foreign_message[7].c = 8
    m.map_string_foreign_message["x"].c = 0
    path = schemagen.write_messages(mod.TestMap, [m, pb.TestMap()], tmp_path / "m.parquet")
    back = list(schemagen.read(mod.TestMap, path))
    assert schemagen.to_message(back[0], pb.TestMap) == m
    assert back[0].map_int32_enum[2] == "42"
    t = pq.read_table(path)
    assert pa.types.is_map(t.schema.field("map_uint64_uint64").type)
    assert t.schema.field("map_uint64_uint64").type.item_type == pa.uint64()
    row = duck.execute(f"SELECT map_string_string['k'], map_int32_foreign_message[7].c "
                       f"FROM '{path}' LIMIT 1").fetchone()
    assert row == ("v", 8)


def test_well_known_types_round_trip(env: Env, tmp_path: Path, duck: Any) -> None:
    pb = env.pb2("pbtests.unittest_well_known_types_pb2")
    mod = env.mod("sgtest.wkt")
    m = pb.TestWellKnownTypes()
    m.any_field.Pack(pb.WithEmpty())
    m.duration_field.FromTimedelta(datetime.timedelta(days=-1, microseconds=5))
    m.field_mask_field.paths.extend(["a.b", "c"])
    m.struct_field.update({"k": [1, "two", None, {"x": True}]})
    m.timestamp_field.FromDatetime(datetime.datetime(1969, 12, 31, 23, 59, 59, 999999))
    m.double_field.value = 0.0
    m.float_field.value = 1.5
    m.int64_field.value = -(2**63)
    m.uint64_field.value = 2**64 - 1
    m.int32_field.value = 0
    m.uint32_field.value = 2**32 - 1
    m.bool_field.value = False
    m.string_field.value = ""
    m.bytes_field.value = b"\x01"
    m.value_field.number_value = 2.5
    m.list_value_field.extend([1, "x"])
    r = schemagen.from_message(mod.TestWellKnownTypes, m)
    assert r.timestamp_field == datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert r.duration_field == datetime.timedelta(days=-1, microseconds=5)
    assert r.int32_field == 0 and r.bool_field is False and r.string_field == ""
    assert r.struct_field == {"k": [1.0, "two", None, {"x": True}]}
    assert r.field_mask_field == ["a.b", "c"]
    assert r.any_field.type_url.endswith("sgtest.wkt.WithEmpty")
    path = schemagen.write_messages(mod.TestWellKnownTypes, [m, pb.TestWellKnownTypes()],
                                    tmp_path / "wkt.parquet")
    back = list(schemagen.read(mod.TestWellKnownTypes, path))
    assert back[0] == r
    assert schemagen.to_message(back[0], pb.TestWellKnownTypes) == m
    assert schemagen.to_message(back[1], pb.TestWellKnownTypes) == pb.TestWellKnownTypes()
    schema = pq.read_schema(path)
    assert schema.field("timestamp_field").type == pa.timestamp("us", tz="UTC")
    assert schema.field("duration_field").type == pa.duration("us")
    assert schema.field("uint64_field").type == pa.uint64()
    assert schema.field("field_mask_field").type.value_type == pa.string()
    assert schema.field("struct_field").type == pa.string()  # JSON text (core mapping)
    row = duck.execute(f"SELECT typeof(timestamp_field), int32_field, struct_field->>'$.k[1]' "
                       f"FROM '{path}' LIMIT 1").fetchone()
    assert row == ("TIMESTAMP WITH TIME ZONE", 0, "two")


def test_wkt_repeated_oneof_map(env: Env, tmp_path: Path) -> None:
    pb = env.pb2("pbtests.unittest_well_known_types_pb2")
    mod = env.mod("sgtest.wkt")
    rep = pb.RepeatedWellKnownTypes()
    rep.timestamp_field.add(seconds=1, nanos=2000)
    rep.duration_field.add(seconds=-1)
    rep.int64_field.add(value=3)
    rep.string_field.add(value="s")
    rep.struct_field.add().update({"a": 1})
    rep.any_field.add(type_url="t", value=b"v")
    one = pb.OneofWellKnownTypes()
    one.int32_field.value = 0
    mp = pb.MapWellKnownTypes()
    mp.timestamp_field[1].seconds = 10
    mp.duration_field[2].nanos = 1000
    mp.string_field[3].value = "x"
    mp.any_field[4].type_url = "u"
    for cls, msg in ((mod.RepeatedWellKnownTypes, rep), (mod.OneofWellKnownTypes, one),
                     (mod.MapWellKnownTypes, mp)):
        path = schemagen.write_messages(cls, [msg], tmp_path / f"{cls.__name__}.parquet")
        (r,) = schemagen.read(cls, path)
        assert schemagen.to_message(r, type(msg)) == msg
    r1 = schemagen.from_message(mod.OneofWellKnownTypes, one)
    assert r1.which_oneof_field() == "int32_field"


def test_empty_is_refused_clearly(env: Env, tmp_path: Path) -> None:
    mod = env.mod("sgtest.wkt")
    with pytest.raises(ParquetMappingError, match="Empty has no fields"):
        schemagen.write([mod.WithEmpty()], tmp_path / "e.parquet")


def test_recursive_message_refused_clearly(env: Env, tmp_path: Path) -> None:
    mod = env.mod("sgtest.unittest")
    with pytest.raises(ParquetMappingError, match="recursive"):
        schemagen.write([mod.TestRecursiveMessage()], tmp_path / "r.parquet")


def test_editions_round_trip(env: Env, tmp_path: Path) -> None:
    pb = env.pb2("pbtests.editions_pb2")
    mod = env.mod("sgtest.editions")
    m = pb.Ed(explicit_int=0, required_int=3, closed=pb.Ed.C_TWO, open=5, nums=[1])
    m.delimited.q = 4
    path = schemagen.write_messages(mod.Ed, [m], tmp_path / "ed.parquet")
    (r,) = schemagen.read(mod.Ed, path)
    assert r.explicit_int == 0 and r.implicit_int == 0 and r.open_ == "5"
    assert schemagen.to_message(r, pb.Ed) == m


# --------------------------------------------------------------------------- pyarrow / DuckDB


def test_field_ids_and_footer(env: Env, tmp_path: Path) -> None:
    pb, imp = env.pb2("pbtests.unittest_pb2"), env.pb2("lib.import_message_pb2")
    mod = env.mod("sgtest.unittest")
    path = schemagen.write_messages(mod.TestAllTypes, [full_proto2(pb, imp)],
                                    tmp_path / "ids.parquet")
    pf = pq.ParquetFile(path)
    schema = pf.schema_arrow
    assert schema.field("optional_int32").metadata[b"PARQUET:field_id"] == b"1"
    assert schema.field("oneof_bytes").metadata[b"PARQUET:field_id"] == b"114"
    group = schema.field("optionalgroup").type
    assert group.field("a").metadata[b"PARQUET:field_id"] == b"17"
    meta = pf.metadata.metadata
    assert meta[b"writer.model.name"] == b"protobuf"
    assert meta[b"protobuf.class"] == b"sgtest.unittest.TestAllTypes"
    # the Parquet schema itself carries the ids (not just the Arrow schema's metadata)
    con = duckdb.connect()
    ids = dict(con.execute(f"SELECT name, field_id FROM parquet_schema('{path}')").fetchall())
    con.close()
    assert ids["optional_int32"] == 1 and ids["oneof_bytes"] == 114 and ids["optionalgroup"] == 16
    req = env.mod("sgtest.unittest")
    rpath = schemagen.write([req.TestRequired(a=1, b=2, c=req.ForeignMessage(c=3))],
                            tmp_path / "req.parquet")
    rs = pq.read_schema(rpath)
    assert not rs.field("a").nullable and rs.field("dummy2").nullable
    assert not rs.field("c").nullable


ARROW_TYPES = {
    "optional_int32": pa.int32(), "optional_int64": pa.int64(), "optional_uint32": pa.uint32(),
    "optional_uint64": pa.uint64(), "optional_sint32": pa.int32(),
    "optional_sint64": pa.int64(), "optional_fixed32": pa.uint32(),
    "optional_fixed64": pa.uint64(), "optional_sfixed32": pa.int32(),
    "optional_sfixed64": pa.int64(), "optional_float": pa.float32(),
    "optional_double": pa.float64(), "optional_bool": pa.bool_(),
    "optional_string": pa.string(), "optional_bytes": pa.binary(),
    "optional_nested_enum": pa.string(),
}


def test_pyarrow_and_duckdb_read_back(env: Env, tmp_path: Path, duck: Any) -> None:
    pb, imp = env.pb2("pbtests.unittest_pb2"), env.pb2("lib.import_message_pb2")
    mod = env.mod("sgtest.unittest")
    m = full_proto2(pb, imp)
    path = schemagen.write_messages(mod.TestAllTypes, [m], tmp_path / "all.parquet")
    t = pq.read_table(path)
    for name, typ in ARROW_TYPES.items():
        assert t.schema.field(name).type == typ, name
    row = t.to_pylist()[0]
    assert row["optional_uint64"] == 2**64 - 1 and row["optional_sint64"] == -(2**63)
    assert row["optional_nested_enum"] == "NEG" and row["optional_import_enum"] == "IMPORT_BAR"
    assert row["repeatedgroup"] == [{"a": 1}, {"a": None}]
    lt = t.schema.field("repeated_int32").type
    assert pa.types.is_list(lt) and lt.value_field.name == "element"
    got = duck.execute(
        f"SELECT optional_uint64, optional_string, optional_bytes, optional_nested_enum, "
        f"repeated_string, optionalgroup.a, oneof_string, typeof(optional_uint32) "
        f"FROM '{path}'").fetchone()
    assert got == (2**64 - 1, "héllo", b"\x00\xff", "NEG", ["a", ""], 17, "one", "UINTEGER")


def test_drill_transaction_sample(env: Env, tmp_path: Path, duck: Any) -> None:
    pb = env.pb2("sales_pb2")
    mod = env.mod("example.proto.sales")
    m = pb.Transaction(trans_id=0, amount=80.5,
                       user_info=pb.UserInfo(cust_id=28, device="WEARABLE2", state="mt"),
                       marketing_info=pb.MarketingInfo(camp_id=4, keywords=["go", "to"]),
                       trans_info=pb.TransInfo(prod_id=[], purch_flag=False))
    m.sold_at.FromDatetime(datetime.datetime(2013, 7, 26, 4, 56, 59))
    path = schemagen.write_messages(mod.Transaction, [m], tmp_path / "drill.parquet")
    (r,) = schemagen.read(mod.Transaction, path)
    assert r.sold_at == datetime.datetime(2013, 7, 26, 4, 56, 59, tzinfo=UTC)
    assert schemagen.to_message(r, pb.Transaction) == m
    row = duck.execute(f"SELECT user_info.state, marketing_info.keywords[1], "
                       f"typeof(sold_at) FROM '{path}'").fetchone()
    assert row == ("mt", "go", "TIMESTAMP WITH TIME ZONE")


def test_features_schema(env: Env, tmp_path: Path) -> None:
    pb = env.pb2("features_pb2")
    mod = env.mod("example.proto.features")
    m = pb.Features(id=1, numbers=[1], kinds={"a": pb.Features.LARGE}, phone="555")
    m.scalars.f_enum = 3
    m.price.units = 9
    m.payload.type_url = "x"
    m.mask.paths.append("p")
    path = schemagen.write_messages(mod.Features, [m], tmp_path / "f.parquet")
    (r,) = schemagen.read(mod.Features, path)
    assert r.which_contact() == "phone" and r.price.units == 9
    assert schemagen.to_message(r, pb.Features) == m
    legacy = env.pb2("legacy_pb2")
    lm = legacy.Legacy(id=1)
    lm.result.url = "u"
    lmod = env.mod("example.proto.legacy")
    lr = schemagen.from_message(lmod.Legacy, lm)
    assert lr.result.url == "u" and lr.name is None
    assert lmod.Legacy(id_=2).name == "unnamed" and lmod.Legacy(id_=2).magic == b"\x01\x02abc"
    assert schemagen.to_message(lr, legacy.Legacy) == lm


def test_records_to_messages_bulk(env: Env) -> None:
    pb = env.pb2("sales_pb2")
    mod = env.mod("example.proto.sales")
    recs = [mod.Transaction(trans_id=i, sold_at=datetime.datetime(2020, 1, 1, tzinfo=UTC))
            for i in range(3)]
    msgs = [schemagen.to_message(r, pb.Transaction) for r in recs]
    assert [m.trans_id for m in msgs] == [0, 1, 2]
    assert not msgs[0].HasField("user_info")
    assert schemagen.from_messages(mod.Transaction, msgs) == recs


def test_keyword_and_builtin_field_names(env: Env) -> None:
    pb = env.pb2("pbtests.unittest_pb2")
    mod = env.mod("sgtest.unittest")
    m = pb.TestNames(id=3)
    setattr(m, "from", 1)
    setattr(m, "class", "c")
    setattr(m, "None", True)
    m.inner.x = 2
    m.clash.y = "y"
    r = schemagen.from_message(mod.TestNames, m)
    assert (r.from_, r.class_, r.None_, r.id_) == (1, "c", True, 3)
    assert r.inner.x == 2 and r.clash.y == "y"
    assert schemagen.to_message(r, pb.TestNames) == m


def test_closed_enum_rejects_unknown_numbers(env: Env) -> None:
    legacy = env.pb2("legacy_pb2")
    lmod = env.mod("example.proto.legacy")
    r = lmod.Legacy(id_=1, level=lmod.Level.HIGH)
    m = schemagen.to_message(r, legacy.Legacy)
    assert m.level == legacy.HIGH
    assert schemagen.from_message(lmod.Legacy, m).level is lmod.Level.HIGH
    with pytest.raises(ValueError):
        lmod.Level("99")


def test_recursive_messages_convert(env: Env) -> None:
    pb = env.pb2("pbtests.unittest_pb2")
    mod = env.mod("sgtest.unittest")
    m = pb.TestRecursiveMessage(i=1)
    m.a.a.i = 3
    r = schemagen.from_message(mod.TestRecursiveMessage, m)
    assert r.a.a.i == 3 and r.a.i is None and r.a.a.a is None
    assert schemagen.to_message(r, pb.TestRecursiveMessage) == m
