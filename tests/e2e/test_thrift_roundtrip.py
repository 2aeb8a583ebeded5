"""Thrift records through real Parquet files.

Every Thrift type is written with the generated writer and read back three
ways: ``schemagen.read`` (equal objects), pyarrow (Arrow types, values, field
ids, required vs optional columns) and DuckDB (SQL types and values).  Unions
are validated on write; sets, struct-keyed maps and the footer are checked;
the bundled ``schemas/thrift`` records (the Drill transaction) round-trip too.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
import warnings
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_helpers import (
    GenPackage,
    Strategies,
    build_package,
    ir_of,
    purge,
    record_arrow_expected,
    write_schema_files,
)

import schemagen
from schemagen import ir
from schemagen.errors import SchemaWarning

MAIN = r'''
namespace py rt.thrift

include "common.thrift"

typedef i64 Id

enum Kind { SMALL = 1, LARGE = 5, HUGE }

struct Leaf {
  1: required double v
  2: optional string note
}

union Choice {
  1: i32 number
  2: string text
  3: Leaf leaf
  4: list<string> words
}

/** Every Thrift type. */
struct AllTypes {
  1: required bool b
  2: required byte by
  3: required i8 i8v
  4: required i16 i16v
  5: required i32 i32v
  6: required i64 i64v
  7: required double d
  8: required string s
  9: required binary bin
  10: required uuid id
  11: required Kind kind
  12: required list<string> strs
  13: required set<i32> nums
  14: required map<string, i64> counts
  15: required Leaf leaf
  16: required Id ident
  17: optional string opt_s
  18: optional Leaf opt_leaf
  19: string default_s
  20: optional Kind opt_kind
  21: optional set<set<string>> groups
  22: optional map<common.Point, string> labels
  23: optional set<common.Point> points
  24: optional map<Kind, list<Leaf>> by_kind
  25: optional Choice choice
  26: optional list<list<i64>> grid
  27: optional common.Point where
  28: optional map<i16, double> small_keys
  29: optional list<uuid> ids
  30: optional binary opt_bin
}

exception Oops {
  1: required string what
  2: optional i32 code
}
'''

COMMON = '''
namespace py rt.common

struct Point {
  1: required i32 x
  2: required i32 y
}
'''


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("thrift_rt")
    srcs = write_schema_files(root / "idl", {"main/all.thrift": MAIN,
                                             "lib/common.thrift": COMMON})
    p = build_package([srcs[0]], root / "out", include_dirs=[root / "idl" / "lib"])
    yield p
    purge(p)


def make_rows(pkg: GenPackage) -> list[Any]:
    m = pkg.module("rt.thrift")
    c = pkg.module("rt.common")
    full = m.AllTypes(
        b=True, by=-128, i8v=127, i16v=-32768, i32v=2**31 - 1, i64v=-(2**63), d=-2.5e300,
        s="héllo \u2603", bin_=b"\x00\xff", id_=uuid.UUID(int=7), kind=m.Kind.LARGE,
        strs=["a", "", "c"], nums=frozenset({3, 1, 2}), counts={"x": 1, "y": -2},
        leaf=m.Leaf(v=0.5, note="n"), ident=2**40, opt_s="o", opt_leaf=m.Leaf(v=1.0),
        default_s="d", opt_kind=m.Kind.HUGE, groups=frozenset({frozenset({"a", "b"}), frozenset()}),
        labels=[(c.Point(x=1, y=2), "p12"), (c.Point(x=0, y=0), "origin")],
        points=[c.Point(x=5, y=6)], by_kind={m.Kind.SMALL: [m.Leaf(v=2.0)], m.Kind.HUGE: []},
        choice=m.Choice(leaf=m.Leaf(v=3.0, note="in union")), grid=[[1, 2], [], [3]],
        where=c.Point(x=-1, y=-2), small_keys={1: 1.5, -1: -1.5},
        ids=[uuid.UUID(int=1), uuid.UUID(int=2)], opt_bin=b"",
    )
    nulls = m.AllTypes(
        b=False, by=0, i8v=-128, i16v=32767, i32v=-(2**31), i64v=2**63 - 1, d=0.0, s="",
        bin_=b"", id_=uuid.UUID(int=0), kind=m.Kind.SMALL, strs=[], nums=frozenset(),
        counts={}, leaf=m.Leaf(v=-1.0), ident=0,
    )
    texts = m.AllTypes(
        b=True, by=1, i8v=1, i16v=1, i32v=1, i64v=1, d=1.0, s="s", bin_=b"b",
        id_=uuid.UUID(int=2**128 - 1), kind=m.Kind.HUGE, strs=["only"], nums={42},
        counts={"": 0}, leaf=m.Leaf(v=2.0), ident=-1, choice=m.Choice(text="t"),
        labels=[], points=[], groups=frozenset(), by_kind={}, grid=[[]],
    )
    return [full, nulls, texts]


@pytest.fixture(scope="module")
def written(pkg: GenPackage, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    rows = make_rows(pkg)
    path = schemagen.write(rows, tmp_path_factory.mktemp("rt") / "all.parquet")
    return path, rows


@pytest.fixture
def duck() -> Any:
    con = duckdb.connect()
    yield con
    con.close()


# --------------------------------------------------------------------------- schemagen


def test_read_back_equal(written: tuple[Path, list[Any]], pkg: GenPackage) -> None:
    path, rows = written
    back = list(schemagen.read(pkg.module("rt.thrift").AllTypes, path))
    assert back == rows
    full = back[0]
    assert type(full.nums) is frozenset and full.nums == {1, 2, 3}
    assert type(full.groups) is frozenset and frozenset({"a", "b"}) in full.groups
    assert full.labels == rows[0].labels  # struct keys: (key, value) pairs, order kept
    assert full.choice.which() == "leaf" and back[2].choice.which() == "text"
    assert back[1].choice is None and back[1].nums == frozenset()
    assert type(full.kind) is pkg.module("rt.thrift").Kind


def test_projection_of_nested_and_set_columns(written: tuple[Path, list[Any]],
                                              pkg: GenPackage) -> None:
    path, rows = written
    got = list(schemagen.read(pkg.module("rt.thrift").AllTypes, path,
                              columns=["nums", "leaf.v", "choice"]))
    assert [g.nums for g in got] == [r.nums for r in rows]
    assert [g.leaf.v for g in got] == [r.leaf.v for r in rows]
    # unselected fields are not read (issue 15 item 14): no value, not a made-up None
    assert not hasattr(got[0].leaf, "note") and not hasattr(got[0], "s")
    assert schemagen.fields_read(got[0]) == ("nums", "leaf", "choice")


# --------------------------------------------------------------------------- pyarrow

ARROW_TYPES = {
    "b": pa.bool_(), "by": pa.int8(), "i8v": pa.int8(), "i16v": pa.int16(), "i32v": pa.int32(),
    "i64v": pa.int64(), "d": pa.float64(), "s": pa.string(), "bin": pa.binary(),
    "id": pa.uuid(), "kind": pa.string(), "ident": pa.int64(),
    "strs": pa.list_(pa.field("element", pa.string(), nullable=False)),
    "nums": pa.list_(pa.field("element", pa.int32(), nullable=False)),
    "groups": pa.list_(pa.field("element", pa.list_(pa.field("element", pa.string(),
                                                             nullable=False)), nullable=False)),
    "counts": pa.map_(pa.string(), pa.field("value", pa.int64(), nullable=False)),
    "small_keys": pa.map_(pa.int16(), pa.field("value", pa.float64(), nullable=False)),
}
REQUIRED = ["b", "by", "i8v", "i16v", "i32v", "i64v", "d", "s", "bin", "id", "kind", "strs",
            "nums", "counts", "leaf", "ident"]
OPTIONAL = ["opt_s", "opt_leaf", "default_s", "opt_kind", "groups", "labels", "points",
            "by_kind", "choice", "grid", "where", "small_keys", "ids", "opt_bin"]


def test_arrow_types_and_nullability(written: tuple[Path, list[Any]]) -> None:
    path, _ = written
    schema = pq.read_schema(path)
    for name, want in ARROW_TYPES.items():
        assert schema.field(name).type == want, name
    for name in REQUIRED:
        assert not schema.field(name).nullable, name
    for name in OPTIONAL:
        assert schema.field(name).nullable, name
    # a union is a struct of optional members, named as in the IDL
    choice = schema.field("choice").type
    assert [(f.name, f.nullable) for f in choice] == [
        ("number", True), ("text", True), ("leaf", True), ("words", True)]
    assert choice.field("number").type == pa.int32()
    # struct keys of a map stay structs (Parquet allows any required key)
    assert pa.types.is_struct(schema.field("labels").type.key_type)


def test_arrow_values(written: tuple[Path, list[Any]]) -> None:
    path, rows = written
    got = pq.read_table(path).to_pylist()
    for g, r in zip(got, rows):
        want = record_arrow_expected(r)
        assert g.keys() == want.keys()
        for k in want:
            assert g[k] == want[k], k
    assert got[0]["choice"] == {"number": None, "text": None,
                                "leaf": {"v": 3.0, "note": "in union"}, "words": None}
    assert sorted(got[0]["nums"]) == [1, 2, 3]


def _field_ids(f: pa.Field, prefix: str = "") -> dict[str, int]:
    out = {}
    md = f.metadata or {}
    if b"PARQUET:field_id" in md:
        out[prefix + f.name] = int(md[b"PARQUET:field_id"])
    if pa.types.is_struct(f.type):
        for child in f.type:
            out.update(_field_ids(child, prefix + f.name + "."))
    return out


def test_field_ids_in_the_file(written: tuple[Path, list[Any]]) -> None:
    path, _ = written
    ids: dict[str, int] = {}
    for f in pq.read_schema(path):
        ids.update(_field_ids(f))
    assert ids["b"] == 1 and ids["opt_bin"] == 30 and ids["ident"] == 16
    assert ids["leaf.v"] == 1 and ids["leaf.note"] == 2
    assert ids["choice"] == 25 and ids["choice.leaf"] == 3 and ids["choice.leaf.note"] == 2
    assert len([k for k in ids if "." not in k]) == 30
    # and in the Parquet schema itself, as parquet-java and other readers see it
    text = str(pq.ParquetFile(path).schema)
    assert re.search(r"required int64 field_id=6 i64v", text), text
    assert re.search(r"optional binary field_id=17 opt_s \(String\)", text), text
    assert re.search(r"required int32 field_id=3 i8v \(Int\(bitWidth=8, isSigned=true\)\)", text)
    assert re.search(r"required int32 field_id=4 i16v \(Int\(bitWidth=16, isSigned=true\)\)", text)


def test_required_and_optional_columns(written: tuple[Path, list[Any]]) -> None:
    path, _ = written
    md = pq.ParquetFile(path).metadata.schema
    cols = {md.column(i).path: md.column(i) for i in range(len(md))}
    assert cols["i64v"].max_definition_level == 0  # required
    assert cols["opt_s"].max_definition_level == 1  # optional
    assert cols["default_s"].max_definition_level == 1  # default requiredness: optional
    assert cols["leaf.v"].max_definition_level == 0
    assert cols["leaf.note"].max_definition_level == 1
    assert cols["opt_leaf.v"].max_definition_level == 1


def test_logical_types(written: tuple[Path, list[Any]]) -> None:
    path, _ = written
    md = pq.ParquetFile(path).metadata.schema
    cols = {md.column(i).path: md.column(i) for i in range(len(md))}
    assert cols["s"].logical_type.type == "STRING"
    assert cols["kind"].logical_type.type == "STRING"  # pyarrow cannot write ENUM
    assert cols["id"].logical_type.type == "UUID"
    assert cols["bin"].physical_type == "BYTE_ARRAY" and cols["bin"].logical_type.type == "NONE"
    assert cols["d"].physical_type == "DOUBLE"
    assert cols["nums.list.element"].max_repetition_level == 1  # 3-level LIST


def test_footer(written: tuple[Path, list[Any]], pkg: GenPackage) -> None:
    path, _ = written
    md = pq.read_schema(path).metadata
    assert md[b"writer.model.name"] == b"thrift"
    idl = md[b"thrift.schema"].decode()
    assert idl.startswith("// all.thrift (namespace py rt.thrift)\n")
    for piece in ("/** Every Thrift type. */\nstruct AllTypes {", "typedef i64 Id", "enum Kind", "union Choice {",
                  "struct Leaf {", "// common.thrift (namespace py rt.common)", "struct Point {"):
        assert piece in idl, piece
    root, types = ir.schema_from_json(md[b"schemagen.schema"].decode())
    assert root == "rt.thrift.AllTypes"
    assert types["rt.thrift.Choice"].kind == "union"  # type: ignore[union-attr]
    assert b"parquet.avro.schema" not in md
    assert json.loads(md[b"schemagen.schema"])["types"][0]["fields"][12]["type"]["unique"]


# --------------------------------------------------------------------------- DuckDB

DUCK_TYPES = {
    "b": "BOOLEAN", "by": "TINYINT", "i8v": "TINYINT", "i16v": "SMALLINT", "i32v": "INTEGER",
    "i64v": "BIGINT", "d": "DOUBLE", "s": "VARCHAR", "bin": "BLOB", "id": "UUID",
    "kind": "VARCHAR", "strs": "VARCHAR[]", "nums": "INTEGER[]", "counts": "MAP(VARCHAR, BIGINT)",
    "leaf": "STRUCT(v DOUBLE, note VARCHAR)", "ident": "BIGINT", "groups": "VARCHAR[][]",
    "labels": 'MAP(STRUCT(x INTEGER, y INTEGER), VARCHAR)',
    "choice": "STRUCT(number INTEGER, \"text\" VARCHAR, leaf STRUCT(v DOUBLE, note VARCHAR), "
              "words VARCHAR[])",
    "small_keys": "MAP(SMALLINT, DOUBLE)", "ids": "UUID[]",
}


def test_duckdb_types(written: tuple[Path, list[Any]], duck: Any) -> None:
    path, _ = written
    desc = {r[0]: r[1] for r in duck.execute(
        "DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()}
    for name, want in DUCK_TYPES.items():
        assert desc[name] == want, name


def test_duckdb_values(written: tuple[Path, list[Any]], duck: Any) -> None:
    path, rows = written
    got = duck.execute(
        'SELECT b, "by", i8v, i16v, i32v, i64v, d, s, bin, id, kind, strs, list_sort(nums), '
        'counts, leaf, ident, opt_s, choice.text, choice.leaf.note, small_keys, ids, '
        'map_keys(labels), map_values(labels), "where" FROM read_parquet(?)', [str(path)]
    ).fetchall()
    for g, r in zip(got, rows):
        assert g[:11] == (r.b, r.by, r.i8v, r.i16v, r.i32v, r.i64v, r.d, r.s, r.bin_, r.id_,
                          r.kind.value)
        assert g[11] == r.strs and g[12] == sorted(r.nums) and g[13] == r.counts
        assert g[14] == {"v": r.leaf.v, "note": r.leaf.note} and g[15] == r.ident
        assert g[16] == r.opt_s
        assert g[17] == (r.choice.text if r.choice else None)
        assert g[18] == (r.choice.leaf.note if r.choice and r.choice.leaf else None)
        assert g[19] == r.small_keys and g[20] == r.ids
        labels = r.labels or []
        assert g[21] == ([{"x": k.x, "y": k.y} for k, _ in labels] if r.labels is not None
                         else None)
        assert g[22] == ([v for _, v in labels] if r.labels is not None else None)
        assert g[23] == (None if r.where is None else {"x": r.where.x, "y": r.where.y})


def test_duckdb_sql_over_thrift_records(written: tuple[Path, list[Any]], duck: Any) -> None:
    path, _ = written
    got = duck.execute(
        "SELECT i64v, leaf.v, len(strs), counts['x'], choice.leaf.v, \"where\".x, "
        "labels[{'x': 1, 'y': 2}] FROM read_parquet(?) ORDER BY i32v DESC", [str(path)]
    ).fetchall()
    assert got[0] == (-(2**63), 0.5, 3, 1, 3.0, -1, "p12")


# --------------------------------------------------------------------------- validation


def test_union_with_two_members_is_rejected(pkg: GenPackage, tmp_path: Path) -> None:
    m = pkg.module("rt.thrift")
    ok = make_rows(pkg)
    bad = dataclasses.replace(ok[1], choice=m.Choice(number=1, text="two"))
    target = tmp_path / "bad.parquet"
    with pytest.raises(schemagen.RecordError) as err:
        schemagen.write([*ok, bad], target)
    e = err.value
    assert e.index == 3 and e.path == "choice"
    assert "record 3: field choice: got 2 members set (number, text), expected at most one " \
           "member of union rt.thrift.Choice set" in str(e)
    assert tuple(e.value) == ("number", "text")
    assert not target.exists()
    # a union record written on its own is checked as well
    with pytest.raises(schemagen.RecordError, match=r"record 1: field <record>: got 2 members"):
        schemagen.write([m.Choice(words=[]), m.Choice(leaf=m.Leaf(v=1.0), words=["w"])],
                        tmp_path / "choices.parquet")
    assert not (tmp_path / "choices.parquet").exists()


def test_union_records_round_trip(pkg: GenPackage, tmp_path: Path) -> None:
    m = pkg.module("rt.thrift")
    rows = [m.Choice(), m.Choice(number=0), m.Choice(text=""), m.Choice(words=["a"]),
            m.Choice(leaf=m.Leaf(v=1.0))]
    back = list(schemagen.read(m.Choice, schemagen.write(rows, tmp_path / "c.parquet")))
    assert back == rows
    assert [c.which() for c in back] == [None, "number", "text", "words", "leaf"]


def test_set_values_are_checked(pkg: GenPackage, tmp_path: Path) -> None:
    m = pkg.module("rt.thrift")
    row = make_rows(pkg)[1]
    row.nums = [1, 2]  # a list where a set is declared
    with pytest.raises(schemagen.RecordError, match=r"field nums: got \[1, 2\], expected "
                                                    r"frozenset\[int \(int32\)\] \(or set\)"):
        schemagen.write([row], tmp_path / "s.parquet")
    row.nums = {1, "x"}
    with pytest.raises(schemagen.RecordError, match=r"field nums\['x'\]: got 'x'"):
        schemagen.write([row], tmp_path / "s.parquet")
    row.nums = {1, 2}  # a plain set is fine too
    row.labels = [(1, "not a point")]
    with pytest.raises(schemagen.RecordError, match=r"field labels\[0\] \(key\)"):
        schemagen.write([row], tmp_path / "s.parquet")
    assert m.AllTypes is type(row)


def test_exception_records(pkg: GenPackage, tmp_path: Path) -> None:
    m = pkg.module("rt.thrift")
    rows = [m.Oops(what="x", code=1), m.Oops(what="y")]
    assert list(schemagen.read(m.Oops, schemagen.write(rows, tmp_path / "o.parquet"))) == rows


SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.data())
def test_random_records_round_trip(pkg: GenPackage, tmp_path: Path, data: st.DataObject) -> None:
    cls = pkg.module("rt.thrift").AllTypes
    rec, types = ir_of(cls)
    rows = data.draw(st.lists(Strategies(pkg, types).record(rec.name), min_size=1, max_size=5))
    path = tmp_path / f"{uuid.uuid4().hex}.parquet"
    schemagen.write(rows, path)
    assert list(schemagen.read(cls, path)) == rows
    for g, r in zip(pq.read_table(path).to_pylist(), rows):
        assert g == record_arrow_expected(r)
    path.unlink()


# --------------------------------------------------------------------------- the bundled schemas


def test_drill_transaction(repo_pkg: GenPackage, tmp_path: Path, duck: Any) -> None:
    m = repo_pkg.module("example.thrift.sales")
    rows = [m.Transaction(
        trans_id=i, date="2013-07-26", time="04:56:59", amount=80.5 + i,
        user_info=m.UserInfo(cust_id=28, device="WEARABLE2", state="mt"),
        marketing_info=m.MarketingInfo(camp_id=4, keywords=["go", "to", "thing"]),
        trans_info=m.TransInfo(prod_id=[16, 17], purch_flag=i % 2 == 0),
    ) for i in range(3)]
    path = schemagen.write(rows, tmp_path / "t.parquet")
    assert list(schemagen.read(m.Transaction, path)) == rows
    got = duck.execute("SELECT trans_id, user_info.device, marketing_info.keywords[1], "
                       "trans_info.purch_flag FROM read_parquet(?) ORDER BY 1",
                       [str(path)]).fetchall()
    assert got == [(0, "WEARABLE2", "go", True), (1, "WEARABLE2", "go", False),
                   (2, "WEARABLE2", "go", True)]
    schema = pq.read_schema(path)
    assert all(not f.nullable for f in schema)
    assert [int(f.metadata[b"PARQUET:field_id"]) for f in schema] == [1, 2, 3, 4, 5, 6, 7]
    assert schema.metadata[b"writer.model.name"] == b"thrift"


def test_repo_all_fields(repo_pkg: GenPackage, tmp_path: Path) -> None:
    f = repo_pkg.module("example.thrift.features")
    c = repo_pkg.module("example.thrift.common")
    example = f.EXAMPLE
    assert example.num == 42 and example.size is f.Size.MEDIUM
    assert example.numbers == frozenset({1, 2, 3}) and example.account == f.ADMIN == 1
    assert example.location == f.ORIGIN == c.Point(x=0.0, y=0.0)
    assert example.price == c.Money(units=1999, currency=c.Currency.EUR)
    assert f.UNIT_CIRCLE.which() == "circle" and f.TEN_YEN.currency.number == 392
    full = f.AllFields(
        flag=True, tiny=1, big=2, text="t", id_=uuid.UUID(int=3), names=["n"],
        groups=frozenset({frozenset({"g"})}), labels=[(c.Point(x=1.0, y=1.0), "one")],
        points=[c.Point(x=2.0, y=2.0)], tags=["t"], prices={"p": c.Money(units=1)},
        shape=f.Shape(polygon=[c.Point(x=0.0, y=0.0)]), reserved=f.Reserved.class_,
        by_size={f.Size.HUGE: [c.Point(x=3.0, y=4.0)]}, matrix=[[1], []],
    )
    rows = [example, full]
    path = schemagen.write(rows, tmp_path / "all.parquet")
    assert list(schemagen.read(f.AllFields, path)) == rows
    assert pq.read_table(path).column("reserved").to_pylist() == ["None", "class"]


def test_repo_thrift_records_have_thrift_footers(repo_pkg: GenPackage) -> None:
    found = 0
    for name, cls in repo_pkg.records().items():
        if not name.startswith("example.thrift."):
            continue
        md = cls.arrow_schema().metadata  # type: ignore[attr-defined]
        assert md[b"writer.model.name"] == b"thrift"
        assert b"thrift.schema" in md
        found += 1
    assert found >= 10


def test_warnings_are_not_raised_by_the_fixture(tmp_path: Path) -> None:
    """The IDL of this module is clean (every field has an id)."""
    srcs = write_schema_files(tmp_path, {"all.thrift": MAIN, "common.thrift": COMMON})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SchemaWarning)
        build_package([srcs[0]], tmp_path / "out")
