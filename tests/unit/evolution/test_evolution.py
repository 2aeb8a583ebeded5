"""Reading files written with another version of a record (issue 6, part 3).

A table of old/new Avro record pairs: each is written with one version and read
with the other, in BOTH directions, through real Parquet files; the static
answer of ``readability_problems`` must agree with what ``schemagen.read`` does.
Thrift pairs check field-id matching (ids win over names).
"""

from __future__ import annotations

import datetime
import decimal
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import schemagen
from schemagen.runtime.resolve import Incompatibility, readability_problems, readability_risks

UTC = datetime.UTC


def rec(fields: list[dict[str, Any]], name: str = "R", ns: str = "evo") -> str:
    return json.dumps({"type": "record", "name": name, "namespace": ns, "fields": fields})


def f(name: str, type_: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **extra}


ENUM2 = {"type": "enum", "name": "E", "symbols": ["A", "B"]}
ENUM3 = {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}
ENUM2_DFLT = {"type": "enum", "name": "E", "symbols": ["A", "B", "X"], "default": "X"}
P1 = {"type": "record", "name": "P", "fields": [f("x", "int")]}
P2 = {"type": "record", "name": "P", "fields": [f("x", "long"), f("y", "int", default=-1)]}
DEC52 = {"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2}
DEC103 = {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 3}
TS_MS = {"type": "long", "logicalType": "timestamp-millis"}
TS_US = {"type": "long", "logicalType": "timestamp-micros"}
D = decimal.Decimal
T0 = datetime.datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=UTC)

# (id, v1 fields, v2 fields, v1 rows, v2 rows,
#  what v2 reads from v1 rows (list of dicts | "error words"), what v1 reads from v2 rows)
CASES: list[tuple[str, list[Any], list[Any], list[dict[str, Any]], list[dict[str, Any]], Any, Any]] = [
    ("add-nullable", [f("id", "long")],
     [f("id", "long"), f("note", ["null", "string"], default=None)],
     [{"id": 1}], [{"id": 2, "note": "n"}],
     [{"id": 1, "note": None}], [{"id": 2}]),
    ("add-with-default", [f("id", "long")], [f("id", "long"), f("qty", "int", default=7)],
     [{"id": 1}], [{"id": 2, "qty": 3}], [{"id": 1, "qty": 7}], [{"id": 2}]),
    ("add-required-no-default", [f("id", "long")], [f("id", "long"), f("qty", "int")],
     [{"id": 1}], [{"id": 2, "qty": 3}], "qty: missing", [{"id": 2}]),
    ("int-long", [f("n", "int")], [f("n", "long")], [{"n": 5}], [{"n": 2**40}],
     [{"n": 5}], "int64 cannot be read as int32"),
    ("float-double", [f("x", "float")], [f("x", "double")], [{"x": 1.5}], [{"x": 0.1}],
     [{"x": 1.5}], "narrowing"),
    ("int-double", [f("x", "int")], [f("x", "double")], [{"x": 3}], [{"x": 2.5}],
     [{"x": 3.0}], "cannot be read as int32"),
    ("long-float", [f("x", "long")], [f("x", "float")], [{"x": 2**24 + 1}], [{"x": 1.0}],
     [{"x": float(2**24)}], "cannot be read as int64"),
    ("decimal-widening", [f("d", DEC52)], [f("d", DEC103)], [{"d": D("123.45")}],
     [{"d": D("1234567.891")}], [{"d": D("123.450")}], "decimal(10, 3) cannot be read"),
    ("string-bytes", [f("s", "string")], [f("s", "bytes")], [{"s": "hé"}], [{"s": b"ok"}],
     [{"s": "hé".encode()}], [{"s": "ok"}]),
    ("rename-by-alias", [f("name", "string")], [f("full_name", "string", aliases=["name"])],
     [{"name": "ann"}], [{"full_name": "bob"}], [{"full_name": "ann"}], [{"name": "bob"}]),
    ("enum-symbol-added", [f("e", ENUM2)], [f("e", ENUM3)], [{"e": "B"}], [{"e": "C"}],
     [{"e": "B"}], "symbols C are not in the reader's enum"),
    ("enum-with-default", [f("e", ENUM2_DFLT)], [f("e", ENUM3)], [{"e": "B"}], [{"e": "C"}],
     "symbols X are not in the reader's enum", [{"e": "X"}]),
    ("nested-record", [f("p", P1)], [f("p", P2)], [{"p": {"x": 1}}], [{"p": {"x": 2, "y": 3}}],
     [{"p": {"x": 1, "y": -1}}], "p.x: int64 cannot be read as int32"),
    ("list-items", [f("xs", {"type": "array", "items": "int"})],
     [f("xs", {"type": "array", "items": "long"})], [{"xs": [1, 2]}], [{"xs": [3]}],
     [{"xs": [1, 2]}], "xs[]: int64 cannot be read as int32"),
    ("map-values", [f("m", {"type": "map", "values": "float"})],
     [f("m", {"type": "map", "values": "double"})], [{"m": {"a": 0.5}}], [{"m": {"b": 1.0}}],
     [{"m": {"a": 0.5}}], "m{value}"),
    ("list-of-records", [f("ps", {"type": "array", "items": P1})],
     [f("ps", {"type": "array", "items": P2})], [{"ps": [{"x": 1}, {"x": 2}]}],
     [{"ps": [{"x": 9, "y": 8}]}], [{"ps": [{"x": 1, "y": -1}, {"x": 2, "y": -1}]}],
     "ps[].x"),
    ("optional-to-required", [f("n", ["null", "long"])], [f("n", "long")], [{"n": 4}],
     [{"n": 5}], [{"n": 4}], [{"n": 5}]),
    ("timestamp-ms-us", [f("t", TS_MS)], [f("t", TS_US)], [{"t": T0}], [{"t": T0}],
     [{"t": T0}], "us values cannot be read as ms"),
    ("union-member-added", [f("u", ["string", "long"])], [f("u", ["string", "long", "double"])],
     [{"u": 3}], [{"u": 1.5}], [{"u": 3}], "writer member 2 (double) matches no member"),
    ("value-into-union", [f("u", "long")], [f("u", ["string", "long"])], [{"u": 3}],
     [{"u": "s"}], [{"u": 3}], "member 0 (string) cannot be read as int64"),
    ("string-to-int", [f("v", "string")], [f("v", "int")], [{"v": "1"}], [{"v": 1}],
     "v: string values cannot be read as int32", "v: int32 values cannot be read as string"),
    ("field-removed", [f("a", "long"), f("b", "string")], [f("a", "long")],
     [{"a": 1, "b": "x"}], [{"a": 2}], [{"a": 1}], "b: missing"),
]


def _ns(case: str, version: int) -> str:
    return f"evo_{case.replace('-', '_')}_v{version}"


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Any]]:
    """Every case's two versions, compiled in one package per version."""
    from sg_helpers import build_package, purge, write_schema_files

    root = tmp_path_factory.mktemp("evo")
    out: dict[str, tuple[Any, Any]] = {}
    pkgs = []
    for version in (1, 2):
        files = {f"{case}.avsc": rec(v1 if version == 1 else v2, ns=_ns(case, version))
                 for case, v1, v2, *_ in CASES}
        srcs = write_schema_files(root / f"s{version}", files)
        pkgs.append(build_package(srcs, root / f"g{version}"))
    for case, *_ in CASES:
        out[case] = (pkgs[0].module(_ns(case, 1)).R, pkgs[1].module(_ns(case, 2)).R)
    yield out  # type: ignore[misc]
    for p in pkgs:
        purge(p)


def _make(cls: Any, row: dict[str, Any]) -> Any:
    """A record of ``cls`` from wire-named values (nested dicts become records)."""
    info = cls.__schemagen__
    root, types = info.ir
    import importlib

    mod = importlib.import_module(cls.__module__)

    def build(rname: str, values: dict[str, Any]) -> Any:
        r = types[rname]
        klass = getattr(mod, r.short_name) if r.name != root else cls
        kw = {}
        for fld in r.fields:
            if fld.name not in values:
                continue
            kw[fld.py_name] = convert(fld.type, values[fld.name])
        return klass(**kw)

    def convert(t: Any, v: Any) -> Any:
        from schemagen import ir

        inner, _ = ir.strip_nullable(t)
        if v is None:
            return None
        if isinstance(inner, ir.RecordRef):
            return build(inner.name, v)
        if isinstance(inner, ir.List):
            return [convert(inner.item, x) for x in v]
        if isinstance(inner, ir.Map):
            return {k: convert(inner.value, x) for k, x in v.items()}
        if isinstance(inner, ir.EnumRef):
            return getattr(mod, types[inner.name].short_name)(v)
        return v

    return build(root, row)


def _plain(obj: Any) -> Any:
    """A record as wire-named plain values (for comparisons)."""
    info = getattr(type(obj), "__schemagen__", None)
    if info is not None:
        return {fl.name: _plain(getattr(obj, fl.py_name)) for fl in info.record.fields}
    if isinstance(obj, list):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if hasattr(obj, "value") and type(obj).__module__ != "decimal" and hasattr(type(obj), "__members__"):
        return obj.value
    return obj


def _directions() -> list[Any]:
    out = []
    for case, _v1, _v2, rows1, rows2, new_reads_old, old_reads_new in CASES:
        out.append(pytest.param(case, 1, rows1, new_reads_old, id=f"{case}-backward"))
        out.append(pytest.param(case, 2, rows2, old_reads_new, id=f"{case}-forward"))
    return out


@pytest.mark.parametrize(("case", "written_by", "rows", "expected"), _directions())
def test_evolution_reads(pairs: dict[str, tuple[Any, Any]], tmp_path: Path, case: str,
                         written_by: int, rows: list[dict[str, Any]], expected: Any) -> None:
    v1, v2 = pairs[case]
    writer, reader = (v1, v2) if written_by == 1 else (v2, v1)
    path = schemagen.write([_make(writer, r) for r in rows], tmp_path / "w.parquet")
    static = readability_problems(reader.__schemagen__.ir, writer.__schemagen__.ir)
    if isinstance(expected, str):
        with pytest.raises(schemagen.ReadError) as ei:
            list(schemagen.read(reader, path))
        msg = str(ei.value)
        assert expected in msg and "w.parquet" in msg, msg
        with pytest.raises(schemagen.ReadError, match="cannot be read as"):
            schemagen.read_arrow(reader, path)
        # the check agrees: the same problems, statically
        assert static and all(isinstance(p, Incompatibility) for p in static)
        assert all(str(p) in msg for p in static), (static, msg)
    else:
        got = [_plain(r) for r in schemagen.read(reader, path)]
        assert got == expected
        assert static == []
        table = schemagen.read_arrow(reader, path)
        assert table.schema.equals(reader.arrow_schema()), (table.schema, reader.arrow_schema())
        # and the table holds what the typed read gave, in the reader's Arrow layout
        assert pa.Table.from_batches([reader.__schemagen__.to_batch(
            list(schemagen.read(reader, path)), reader.arrow_schema())]).equals(table)


def test_every_incompatible_field_is_listed(compile_schemas: Any, tmp_path: Path) -> None:
    old = compile_schemas(rec([f("a", "long"), f("b", "double"), f("c", "string"),
                               f("ok", "int")], ns="evo_many_v1")).module("evo_many_v1")
    new = compile_schemas(rec([f("a", "int"), f("b", "float"), f("c", "int"), f("ok", "long"),
                               f("d", "string")], ns="evo_many_v2")).module("evo_many_v2")
    path = schemagen.write([old.R(a=1, b=1.0, c="x", ok=1)], tmp_path / "old.parquet")
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(new.R, path))
    msg = str(ei.value)
    assert "old.parquet" in msg and "4 incompatible fields" in msg, msg
    for line in ("a: int64 cannot be read as int32 (narrowing) (written as int64, read as int32)",
                 "b: double cannot be read as float (narrowing)",
                 "c: string values cannot be read as int32",
                 "d: missing in the file, and the field is required with no default"):
        assert line in msg, msg
    assert "ok:" not in msg
    probs = readability_problems(new.R.__schemagen__.ir, old.R.__schemagen__.ir)
    assert [p.path for p in probs] == ["a", "b", "c", "d"]
    assert probs[3].writer is None and probs[3].reader == "string"


def test_nullable_to_required_with_nulls_is_read_error(compile_schemas: Any,
                                                       tmp_path: Path) -> None:
    old = compile_schemas(rec([f("n", ["null", "long"])], ns="evo_nr1")).module("evo_nr1")
    new = compile_schemas(rec([f("n", "long")], ns="evo_nr2")).module("evo_nr2")
    path = schemagen.write([old.R(n=1), old.R(n=None)], tmp_path / "o.parquet")
    assert readability_problems(new.R.__schemagen__.ir, old.R.__schemagen__.ir) == []
    risks = readability_risks(new.R.__schemagen__.ir, old.R.__schemagen__.ir)
    assert [r.path for r in risks] == ["n"]
    for how in (lambda: list(schemagen.read(new.R, path)),
                lambda: schemagen.read_arrow(new.R, path)):
        with pytest.raises(schemagen.ReadError) as ei:
            how()
        assert "'n'" in str(ei.value) and "required" in str(ei.value)
        assert "o.parquet" in str(ei.value)


def test_bytes_to_string_invalid_utf8_names_the_row(compile_schemas: Any,
                                                   tmp_path: Path) -> None:
    old = compile_schemas(rec([f("s", "bytes")], ns="evo_u1")).module("evo_u1")
    new = compile_schemas(rec([f("s", "string")], ns="evo_u2")).module("evo_u2")
    path = schemagen.write([old.R(s=b"fine"), old.R(s=b"\xff\xfe")], tmp_path / "b.parquet")
    with pytest.raises(schemagen.ReadError, match=r"row 1: b'\\xff\\xfe' is not valid UTF-8"):
        list(schemagen.read(new.R, path))


def test_string_to_enum_unknown_symbols(compile_schemas: Any, tmp_path: Path) -> None:
    old = compile_schemas(rec([f("e", "string")], ns="evo_se1")).module("evo_se1")
    strict = compile_schemas(rec([f("e", ENUM2)], ns="evo_se2")).module("evo_se2")
    lenient = compile_schemas(rec([f("e", ENUM2_DFLT)], ns="evo_se3")).module("evo_se3")
    path = schemagen.write([old.R(e="A"), old.R(e="Q")], tmp_path / "s.parquet")
    assert [r.e for r in schemagen.read(lenient.R, path)] == [lenient.E.A, lenient.E.X]
    assert schemagen.read_arrow(lenient.R, path).column("e").to_pylist() == ["A", "X"]
    with pytest.raises(schemagen.ReadError, match="row 1: unknown symbol 'Q'"):
        schemagen.read_arrow(strict.R, path)
    with pytest.raises(schemagen.ReadError, match="'Q'"):
        list(schemagen.read(strict.R, path))


def test_projection_with_evolution(pairs: dict[str, tuple[Any, Any]], tmp_path: Path) -> None:
    v1, v2 = pairs["nested-record"]
    path = schemagen.write([_make(v1, {"p": {"x": 7}})], tmp_path / "p.parquet")
    got = list(schemagen.read(v2, path, columns=["p.y"]))
    # y (a default the file lacks) is read as its default; x is not read (no made-up None)
    assert (got[0].p.y, schemagen.fields_read(got[0].p)) == (-1, ("y",))
    with pytest.raises(schemagen.NotReadError, match="'p.x'"):
        got[0].p.x  # noqa: B018
    t = schemagen.read_arrow(v2, path, columns=["p.y"])
    assert t.to_pylist() == [{"p": {"y": -1}}]
    t = schemagen.read_arrow(v2, path, columns=["p.x"])
    assert t.schema.field("p").type == pa.struct([pa.field("x", pa.int64(), nullable=False)])


def test_filter_on_renamed_field_is_pushed_down(pairs: dict[str, tuple[Any, Any]],
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    v1, v2 = pairs["rename-by-alias"]
    path = schemagen.write([_make(v1, {"name": f"n{i:02}"}) for i in range(40)],
                           tmp_path / "r.parquet", row_group_size=10)
    seen: list[int] = []
    orig = pq.ParquetFile.read_row_group

    def spy(self: Any, i: int, *a: Any, **kw: Any) -> Any:
        seen.append(i)
        return orig(self, i, *a, **kw)

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", spy)
    got = [r.full_name for r in schemagen.read(v2, path, filter=[("full_name", ">=", "n35")])]
    assert got == [f"n{i}" for i in range(35, 40)]
    assert seen == [3]
    seen.clear()
    # a pyarrow expression in the reader's names: exact, applied after resolution
    t = schemagen.read_arrow(v2, path, filter=ds.field("full_name") == "n07")
    assert t.column("full_name").to_pylist() == ["n07"]


def test_filter_on_field_missing_in_file_uses_default(pairs: dict[str, tuple[Any, Any]],
                                                      tmp_path: Path) -> None:
    v1, v2 = pairs["add-with-default"]
    path = schemagen.write([_make(v1, {"id": i}) for i in range(3)], tmp_path / "d.parquet")
    assert [r.id_ for r in schemagen.read(v2, path, filter=[("qty", "=", 7)])] == [0, 1, 2]
    assert list(schemagen.read(v2, path, filter=[("qty", "=", 8)])) == []


THRIFT_V1 = """namespace py evo.thr1
struct S {
  1: required i64 id,
  2: optional string name,
  3: optional i32 score,
}
"""
THRIFT_RENAMED = """namespace py evo.thr2
struct S {
  1: required i64 ident,
  2: optional string label,
  3: optional i64 score,
}
"""
THRIFT_SWAPPED = """namespace py evo.thr3
struct S {
  1: required i64 id,
  5: optional string name,
  2: optional string other,
}
"""


def test_thrift_field_ids_win_over_names(compile_schemas: Any, tmp_path: Path) -> None:
    v1 = compile_schemas({"s.thrift": THRIFT_V1}).module("evo.thr1")
    renamed = compile_schemas({"s.thrift": THRIFT_RENAMED}).module("evo.thr2")
    swapped = compile_schemas({"s.thrift": THRIFT_SWAPPED}).module("evo.thr3")
    path = schemagen.write([v1.S(id_=1, name="a", score=3)], tmp_path / "t.parquet")
    # renamed fields with the same ids read fine (and i32 -> i64 is a promotion)
    assert list(schemagen.read(renamed.S, path)) == [renamed.S(ident=1, label="a", score=3)]
    assert schemagen.read_arrow(renamed.S, path).schema.equals(renamed.S.arrow_schema())
    # id 5 is not in the file: "name" is None although the file has a "name" column (id 2)
    assert list(schemagen.read(swapped.S, path)) == [swapped.S(id_=1, name=None, other="a")]
    # a filter on a field matched by id is translated to the file's column
    assert [s.ident for s in schemagen.read(renamed.S, path, filter=[("label", "=", "a")])] == [1]
    for reader, writer in ((renamed, v1), (swapped, v1)):
        assert readability_problems(reader.S.__schemagen__.ir, writer.S.__schemagen__.ir) == []
    back = schemagen.write([renamed.S(ident=2, label="b", score=2**40)], tmp_path / "n.parquet")
    with pytest.raises(schemagen.ReadError, match="score: int64 cannot be read as int32"):
        list(schemagen.read(v1.S, back))


def test_foreign_file_without_footer(compile_schemas: Any, tmp_path: Path) -> None:
    """Files from other tools: promotions by Arrow type; finer units checked value by value."""
    m = compile_schemas(rec([f("n", "long"), f("t", TS_MS), f("x", "double")],
                            ns="evo_foreign")).module("evo_foreign")
    ok = tmp_path / "ok.parquet"
    pq.write_table(pa.table({"n": pa.array([1], pa.int16()),
                             "t": pa.array([T0], pa.timestamp("us", tz="UTC")),
                             "x": pa.array([2], pa.int32())}), ok)
    assert list(schemagen.read(m.R, ok)) == [m.R(n=1, t=T0, x=2.0)]
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"n": pa.array([1], pa.int64()),
                             "t": pa.array([T0 + datetime.timedelta(microseconds=1)],
                                           pa.timestamp("us", tz="UTC")),
                             "x": pa.array([2.0])}), bad)
    with pytest.raises(schemagen.ReadError, match="'t'.*lose data"):
        list(schemagen.read(m.R, bad))


def test_filters_stay_exact_where_values_change(pairs: dict[str, tuple[Any, Any]],
                                                compile_schemas: Any, tmp_path: Path) -> None:
    """No pushdown through value-changing resolutions (defaults, enum fallbacks, rounding)."""
    v1, v2 = pairs["add-with-default"]
    path = schemagen.write([_make(v1, {"id": i}) for i in range(30)], tmp_path / "d.parquet",
                           row_group_size=10)
    assert len(list(schemagen.read(v2, path, filter=ds.field("qty") == 7))) == 30
    assert len(schemagen.read_arrow(v2, path, filter=(ds.field("qty") == 7)
                                    & (ds.field("id") < 3))) == 3
    old = compile_schemas(rec([f("e", "string"), f("n", "long")], ns="evo_fx1")).module("evo_fx1")
    new = compile_schemas(rec([f("e", ENUM2_DFLT), f("n", "float")],
                              ns="evo_fx2")).module("evo_fx2")
    rows = [old.R(e="Q" if i >= 10 else "A", n=2**24 + 1 if i == 25 else i) for i in range(30)]
    path = schemagen.write(rows, tmp_path / "e.parquet", row_group_size=10)
    assert len(list(schemagen.read(new.R, path, filter=[("e", "=", "X")]))) == 20
    assert len(schemagen.read_arrow(new.R, path, filter=ds.field("e") == "X")) == 20
    assert len(list(schemagen.read(new.R, path, filter=[("n", "=", float(2**24))]))) == 1


# --------------------------------------------------------------------------- the promotion matrix

PRIMS: dict[str, tuple[Any, Any]] = {
    "int": ("int", 7), "long": ("long", 7), "float": ("float", 1.5), "double": ("double", 1.5),
    "string": ("string", "A"), "bytes": ("bytes", b"A"), "boolean": ("boolean", True),
    "dec52": (DEC52, D("1.50")), "dec103": (DEC103, D("1.500")),
    "date": ({"type": "int", "logicalType": "date"}, datetime.date(2024, 1, 2)),
    "ts_ms": (TS_MS, T0), "ts_us": (TS_US, T0),
    "enum": (ENUM2, "A"),
}
# (writer, reader) pairs that read; every other pair of different types is refused
ALLOWED = {
    ("int", "long"), ("int", "float"), ("int", "double"), ("long", "float"), ("long", "double"),
    ("float", "double"), ("string", "bytes"), ("bytes", "string"), ("dec52", "dec103"),
    ("ts_ms", "ts_us"), ("enum", "string"), ("string", "enum"),
}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from sg_helpers import build_package, purge, write_schema_files

    root = tmp_path_factory.mktemp("matrix")
    files = {f"{k}.avsc": rec([f("v", t)], name=f"R_{k}", ns="mx") for k, (t, _) in PRIMS.items()}
    pkg = build_package(write_schema_files(root / "s", files), root / "g")
    yield pkg.module("mx")
    purge(pkg)


def test_promotion_matrix_runtime_and_check_agree(matrix: Any, tmp_path: Path) -> None:
    written = {}
    for k, (_, value) in PRIMS.items():
        cls = getattr(matrix, f"R_{k}")
        v = matrix.E(value) if k == "enum" else value
        written[k] = schemagen.write([cls(v=v)], tmp_path / f"{k}.parquet")
    outcome = {}
    for w in PRIMS:
        for r in PRIMS:
            reader, writer = getattr(matrix, f"R_{r}"), getattr(matrix, f"R_{w}")
            static = readability_problems(reader.__schemagen__.ir, writer.__schemagen__.ir)
            try:
                # R_int, R_long...: one field v in records of other names (the type matrix)
                got = list(schemagen.read(reader, written[w], allow_other_record=True))
                ok = True
                assert len(got) == 1
            except schemagen.ReadError as exc:
                ok = False
                assert all(str(p) in str(exc) for p in static), (w, r, static, exc)
            assert ok == (static == []), (w, r, static)
            outcome[w, r] = ok
    assert {k for k, ok in outcome.items() if ok and k[0] != k[1]} == ALLOWED
    assert all(outcome[k, k] for k in PRIMS)


PROTO_V1 = """syntax = "proto3";
package evo.pb1;
message Item {
  int64 id = 1;
  string name = 2;
  optional int32 score = 3;
}
"""
PROTO_V2 = """syntax = "proto3";
package evo.pb2;
message Item {
  int64 id = 1;
  string label = 2;          // renamed, same number
  optional int64 score = 3;  // widened
  optional string added = 4;
}
"""


def test_protobuf_field_numbers_match(compile_schemas: Any, tmp_path: Path) -> None:
    v1 = compile_schemas({"i.proto": PROTO_V1}).module("evo.pb1")
    v2 = compile_schemas({"i.proto": PROTO_V2}).module("evo.pb2")
    path = schemagen.write([v1.Item(id_=1, name="a", score=5), v1.Item(id_=2, name="b")],
                           tmp_path / "p.parquet")
    got = list(schemagen.read(v2.Item, path))
    assert [(i.id_, i.label, i.score, i.added) for i in got] == [(1, "a", 5, None),
                                                                (2, "b", None, None)]
    assert [i.id_ for i in schemagen.read(v2.Item, path, filter=[("label", "=", "b")])] == [2]
    table = schemagen.read_arrow(v2.Item, path, columns=["label"])
    assert table.column("label").to_pylist() == ["a", "b"]
    assert readability_problems(v2.Item.__schemagen__.ir, v1.Item.__schemagen__.ir) == []
    probs = readability_problems(v1.Item.__schemagen__.ir, v2.Item.__schemagen__.ir)
    assert [p.path for p in probs] == ["score"]


def test_field_id_reused_with_another_type(compile_schemas: Any, tmp_path: Path) -> None:
    """An id (Thrift) or number (protobuf) reused for a field of another type is matched by
    id and refused, every such field in one error, whatever the names say; the static
    check agrees."""
    thr = compile_schemas({"s.thrift": """namespace py evo.thr4
struct S {
  1: required i64 id,
  2: optional i64 name,
  3: optional list<string> score,
}
"""}).module("evo.thr4")
    pb = compile_schemas({"i.proto": """syntax = "proto3";
package evo.pb3;
message Item {
  int64 id = 1;
  bytes name = 2;           // string -> bytes: a promotion
  optional bool score = 3;  // reused with another type
  string label = 7;         // not in the file, although named like nothing there
}
"""}).module("evo.pb3")
    v1 = compile_schemas({"s.thrift": THRIFT_V1}).module("evo.thr1")
    p1 = compile_schemas({"i.proto": PROTO_V1}).module("evo.pb1")
    path = schemagen.write([v1.S(id_=1, name="a", score=3)], tmp_path / "t.parquet")
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(thr.S, path))
    msg = str(ei.value)
    assert "2 incompatible fields" in msg and "t.parquet" in msg, msg
    assert "name: string values cannot be read as int64" in msg
    assert "score: int32 values cannot be read as list<string>" in msg
    static = readability_problems(thr.S.__schemagen__.ir, v1.S.__schemagen__.ir)
    assert [pr.path for pr in static] == ["name", "score"]
    ppath = schemagen.write([p1.Item(id_=1, name="a", score=5)], tmp_path / "p.parquet")
    with pytest.raises(schemagen.ReadError, match=r"(?s)1 incompatible field\).*score: int32 "
                                                  r"values cannot be read as bool"):
        list(schemagen.read(pb.Item, ppath))
    assert [pr.path for pr in readability_problems(pb.Item.__schemagen__.ir,
                                                   p1.Item.__schemagen__.ir)] == ["score"]


def test_hostile_footer_is_ignored(pairs: dict[str, tuple[Any, Any]], tmp_path: Path) -> None:
    """An unparsable or lying ``schemagen.schema`` footer: the Arrow schema decides."""
    _, v2 = pairs["int-long"]
    for footer in (b"{not json", b'{"root": "x", "types": [{"kind": 1}]}', b"[" * 5000,
                   b'{"schemagen": 1, "root": "evo.R", "types": []}'):
        path = tmp_path / "h.parquet"
        pq.write_table(pa.table({"n": pa.array([3], pa.int32())},
                                metadata={b"schemagen.schema": footer}), path)
        assert [r.n for r in schemagen.read(v2, path)] == [3]


def test_recursive_records_have_no_readability_problems(compile_schemas: Any) -> None:
    m = compile_schemas(rec([f("v", "long"), f("next", ["null", "R"], default=None)],
                            ns="evo_rec")).module("evo_rec")
    assert readability_problems(m.R.__schemagen__.ir, m.R.__schemagen__.ir) == []


def test_nested_evolution_on_sliced_batches(compile_schemas: Any, tmp_path: Path) -> None:
    """Filtered reads hand out slices of a row group: offsets must be honoured at every level."""
    item1 = {"type": "record", "name": "Item", "fields": [f("sku", "string"), f("n", "int")]}
    item2 = {"type": "record", "name": "Item", "fields": [
        f("sku", "bytes"), f("n", "long"), f("w", "double", default=0.5)]}
    old = compile_schemas(rec([f("id", "int"),
                               f("items", {"type": "array", "items": item1}),
                               f("by", {"type": "map", "values": ["null", item1]}),
                               f("u", ["int", "string"])], ns="evo_sl1")).module("evo_sl1")
    new = compile_schemas(rec([f("id", "long"),
                               f("items", {"type": "array", "items": item2}),
                               f("by", {"type": "map", "values": ["null", item2]}),
                               f("u", ["string", "long"])], ns="evo_sl2")).module("evo_sl2")
    rows = [old.R(id_=i, items=[old.Item(sku=f"s{i}.{k}", n=k) for k in range(i % 3)],
                  by={"k": old.Item(sku="m", n=i), "z": None} if i % 2 else {},
                  u=i if i % 2 else f"t{i}") for i in range(20)]
    path = schemagen.write(rows, tmp_path / "n.parquet", row_group_size=8)
    got = list(schemagen.read(new.R, path, filter=[("id", ">=", 3)], batch_size=3))
    assert [r.id_ for r in got] == list(range(3, 20))
    for r in got:
        i = r.id_
        assert r.items == [new.Item(sku=f"s{i}.{k}".encode(), n=k, w=0.5) for k in range(i % 3)]
        assert r.by == ({"k": new.Item(sku=b"m", n=i, w=0.5), "z": None} if i % 2 else {})
        assert r.u == (i if i % 2 else f"t{i}")
    table = schemagen.read_arrow(new.R, path, filter=[("id", ">=", 3)])
    assert table.schema.equals(new.R.arrow_schema())
    assert table.column("u").to_pylist()[:2] == [{"member0": None, "member1": 3},
                                                 {"member0": "t4", "member1": None}]


def test_nested_record_with_only_new_fields(compile_schemas: Any, tmp_path: Path) -> None:
    """A nested record none of whose reader fields is in the file (all defaults): its
    nulls are kept, on sliced batches too, without building Python values per row."""
    q1 = {"type": "record", "name": "Q", "fields": [f("old", "int")]}
    q2 = {"type": "record", "name": "Q", "fields": [f("a", "int", default=4),
                                                    f("b", ["null", "string"], default=None)]}
    old = compile_schemas(rec([f("id", "int"), f("q", ["null", q1])],
                              ns="evo_nq1")).module("evo_nq1")
    new = compile_schemas(rec([f("id", "int"), f("q", ["null", q2])],
                              ns="evo_nq2")).module("evo_nq2")
    rows = [old.R(id_=i, q=old.Q(old=i) if i % 3 else None) for i in range(20)]
    path = schemagen.write(rows, tmp_path / "q.parquet", row_group_size=7)
    want = [new.R(id_=i, q=new.Q(a=4, b=None) if i % 3 else None) for i in range(20)]
    assert list(schemagen.read(new.R, path, batch_size=3)) == want
    assert list(schemagen.read(new.R, path, filter=[("id", ">=", 5)], batch_size=4)) == want[5:]
    table = schemagen.read_arrow(new.R, path, filter=[("id", "<", 4)])
    assert table.column("q").to_pylist() == [None, {"a": 4, "b": None}, {"a": 4, "b": None},
                                             None]


# --------------------------------------------------------------------------- property: apply keeps values

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from schemagen import ir  # noqa: E402
from schemagen.runtime.resolve import plan  # noqa: E402

_WIDTHS = [(pa.int8(), -(2**7), 2**7 - 1), (pa.int16(), -(2**15), 2**15 - 1),
           (pa.int32(), -(2**31), 2**31 - 1), (pa.uint8(), 0, 255), (pa.uint32(), 0, 2**32 - 1)]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_apply_keeps_values_of_promoted_nested_columns(data: st.DataObject) -> None:
    """int -> int64 inside a nullable list of structs, on arbitrary slices: values unchanged."""
    typ, lo, hi = data.draw(st.sampled_from(_WIDTHS))
    ints = st.one_of(st.none(), st.integers(lo, hi))
    rows = data.draw(st.lists(st.fixed_dictionaries({
        "v": ints,
        "xs": st.one_of(st.none(), st.lists(st.one_of(st.none(), st.fixed_dictionaries(
            {"a": st.integers(lo, hi), "b": ints})), max_size=4))}), max_size=12))
    elem = pa.struct([pa.field("a", typ, nullable=False), pa.field("b", typ)])
    schema = pa.schema([pa.field("v", typ), pa.field("xs", pa.list_(pa.field("element", elem)))])
    batch = pa.RecordBatch.from_pylist(rows, schema=schema)
    start = data.draw(st.integers(0, len(rows)))
    batch = batch.slice(start, data.draw(st.integers(0, len(rows) - start)))
    types: dict[str, ir.Named] = {
        "p.R": ir.Record("p.R", (
            ir.Field("v", ir.Nullable(ir.Int(64)), py_name="v"),
            ir.Field("xs", ir.Nullable(ir.List(ir.Nullable(ir.RecordRef("p.E")))), py_name="xs"))),
        "p.E": ir.Record("p.E", (
            ir.Field("a", ir.Int(64), py_name="a"),
            ir.Field("b", ir.Nullable(ir.Int(64)), py_name="b"),
            ir.Field("c", ir.Int(32), py_name="c", default=9))),
    }
    p = plan("p.R", types, schema)
    assert p.problems == []
    out = p.apply(batch)
    expected = [{"v": r["v"], "xs": None if r["xs"] is None else
                 [None if x is None else {**x, "c": 9} for x in r["xs"]]}
                for r in batch.to_pylist()]
    assert out.to_pylist() == expected
    assert out.schema.field("v").type == pa.int64()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_apply_keeps_values_of_maps_and_unions(data: st.DataObject) -> None:
    """map values and union members resolved (int32 -> int64, member order changed) on slices."""
    i32 = st.integers(-(2**31), 2**31 - 1)
    rows = data.draw(st.lists(st.fixed_dictionaries({
        "m": st.one_of(st.none(), st.lists(st.tuples(st.text(max_size=3),
                                                      st.one_of(st.none(), i32)), max_size=3)),
        "u": st.one_of(st.none(), st.fixed_dictionaries({"member0": i32, "member1": st.none()}),
                       st.fixed_dictionaries({"member0": st.none(),
                                              "member1": st.text(max_size=3)}))}),
        max_size=10))
    schema = pa.schema([
        pa.field("m", pa.map_(pa.string(), pa.field("value", pa.int32()))),
        pa.field("u", pa.struct([pa.field("member0", pa.int32()),
                                 pa.field("member1", pa.string())]))])
    batch = pa.RecordBatch.from_pylist(rows, schema=schema)
    start = data.draw(st.integers(0, len(rows)))
    batch = batch.slice(start, data.draw(st.integers(0, len(rows) - start)))
    types: dict[str, ir.Named] = {"p.R": ir.Record("p.R", (
        ir.Field("m", ir.Nullable(ir.Map(ir.String(), ir.Nullable(ir.Int(64)))), py_name="m"),
        ir.Field("u", ir.Nullable(ir.Union_((ir.String(), ir.Int(64)))), py_name="u")))}
    p = plan("p.R", types, schema)
    assert p.problems == []
    out = p.apply(batch).to_pylist()
    for got, want in zip(out, batch.to_pylist(), strict=True):
        assert got["m"] == want["m"]
        if want["u"] is None:
            assert got["u"] is None
        else:
            assert got["u"] == {"member0": want["u"]["member1"], "member1": want["u"]["member0"]}


def test_defaults_of_every_kind_fill_missing_fields(compile_schemas: Any, tmp_path: Path) -> None:
    """read_arrow's filled columns hold exactly the defaults the generated class uses."""
    point = {"type": "record", "name": "Pt", "fields": [f("x", "int"), f("y", "int", default=2)]}
    added = [
        f("r", point, default={"x": 1}),
        f("xs", {"type": "array", "items": "long"}, default=[1, 2]),
        f("m", {"type": "map", "values": "string"}, default={"k": "v"}),
        f("e", ENUM3, default="C"),
        f("u", ["string", "long"], default="s"),
        f("b", "bytes", default="\u00ff"),
        f("d", DEC52, default="\u0001"),
        f("t", TS_US, default=1_000_000),
        f("fx", {"type": "fixed", "name": "F2", "size": 2}, default="ab"),
        f("uid", {"type": "string", "logicalType": "uuid"},
          default="00000000-0000-0000-0000-000000000001"),
        f("dt", {"type": "int", "logicalType": "date"}, default=3),
        f("n", ["null", "double"], default=None),
    ]
    old = compile_schemas(rec([f("id", "long")], ns="evo_df1")).module("evo_df1")
    new = compile_schemas(rec([f("id", "long"), *added], ns="evo_df2")).module("evo_df2")
    path = schemagen.write([old.R(id_=i) for i in range(3)], tmp_path / "o.parquet")
    typed = list(schemagen.read(new.R, path))
    assert typed == [new.R(id_=i) for i in range(3)]  # the class's own defaults
    table = schemagen.read_arrow(new.R, path)
    assert table.schema.equals(new.R.arrow_schema())
    assert pa.Table.from_batches([new.R.__schemagen__.to_batch(typed, new.R.arrow_schema())]) \
        .equals(table)


def test_value_errors_name_the_file_row(compile_schemas: Any, tmp_path: Path) -> None:
    """Rows are counted from the start of the file, across batches and row groups."""
    old = compile_schemas(rec([f("id", "long"), f("s", "bytes"), f("n", ["null", "long"])],
                              ns="evo_rw1")).module("evo_rw1")
    new = compile_schemas(rec([f("id", "long"), f("s", "string"), f("n", "long")],
                              ns="evo_rw2")).module("evo_rw2")
    rows = [old.R(id_=i, s=b"\xff" if i == 150 else b"ok", n=None if i == 170 else i)
            for i in range(200)]
    path = schemagen.write(rows, tmp_path / "r.parquet", row_group_size=50)
    for kw in ({"batch_size": 64}, {"batch_size": 7, "filter": [("id", ">=", 120)]}):
        with pytest.raises(schemagen.ReadError, match=r"r\.parquet: field 's': row 150: b'\\xff'"):
            list(schemagen.read(new.R, path, **kw))
        with pytest.raises(schemagen.ReadError,
                           match=r"field 'n' holds 1 null value\(s\) \(first at row 170\)"):
            list(schemagen.read(new.R, path, columns=["n"], **kw))
    ts = tmp_path / "ts.parquet"
    pq.write_table(pa.table({"t": pa.array([T0] * 99 + [T0 + datetime.timedelta(microseconds=1)],
                                           pa.timestamp("us", tz="UTC"))}), ts,
                   row_group_size=30)
    m = compile_schemas(rec([f("t", TS_MS)], ns="evo_rw3")).module("evo_rw3")
    with pytest.raises(schemagen.ReadError, match=r"field 't': row 99: datetime.datetime\(2024, "
                                                  r"1, 2, 3, 4, 5, 6001, .*cannot be read as "
                                                  r"timestamp\[ms, tz=UTC\]"):
        schemagen.read_arrow(m.R, ts)


def test_open_enum_keeps_numbers(compile_schemas: Any, tmp_path: Path) -> None:
    """proto3 enums are open: a symbol the reader lacks reads as its number ("2"), as protobuf
    keeps unknown enum numbers; numbers without a symbol stay numbers."""
    v1 = compile_schemas({"c.proto": """syntax = "proto3";
package evo.oe1;
enum Color { RED = 0; GREEN = 1; BLUE = 2; }
message M { Color c = 1; }
"""}).module("evo.oe1")
    v2 = compile_schemas({"c.proto": """syntax = "proto3";
package evo.oe2;
enum Color { RED = 0; GREEN = 1; }
message M { Color c = 1; }
"""}).module("evo.oe2")
    path = schemagen.write([v1.M(c=v1.Color.GREEN), v1.M(c=v1.Color("7")), v1.M(c=v1.Color.BLUE)],
                           tmp_path / "e.parquet")
    assert readability_problems(v2.M.__schemagen__.ir, v1.M.__schemagen__.ir) == []
    got = [m.c for m in schemagen.read(v2.M, path)]
    assert got == [v2.Color.GREEN, v2.Color("7"), v2.Color("2")]
    assert got[2].number == 2
    assert schemagen.read_arrow(v2.M, path).column("c").to_pylist() == ["GREEN", "7", "2"]


def test_file_without_any_reader_field_keeps_its_rows(compile_schemas: Any,
                                                      tmp_path: Path) -> None:
    # a batch left without columns lost its row count: typed reads returned [] (silent loss)
    pkg = compile_schemas(rec([f("x", ["null", "int"], default=None),
                               f("s", "string", default="d")]))
    R = pkg.record("evo.R")
    p = tmp_path / "other.parquet"
    pq.write_table(pa.table({"other": [1, 2, 3]}), p)
    want = [R(x=None, s="d")] * 3
    # no column matches a field: another record's file (issue 15), read only when asked
    with pytest.raises(schemagen.ReadError, match="no column of the file .other. matches"):
        list(schemagen.read(R, p))
    assert list(schemagen.read(R, p, allow_other_record=True)) == want
    got = list(schemagen.read(R, p, columns=["x"], allow_other_record=True))
    assert [(r.x, schemagen.fields_read(r)) for r in got] == [(None, ("x",))] * 3
    assert schemagen.read_arrow(R, p, allow_other_record=True).num_rows == 3


def test_view_typed_columns_from_pyarrow(compile_schemas: Any, tmp_path: Path) -> None:
    # pyarrow >= 16 writes string_view / binary_view columns (ARROW:schema keeps the view
    # type and pyarrow reads them back as views): they were refused as incompatible
    E = {"type": "enum", "name": "E", "symbols": ["A", "B"]}
    FIXED4 = {"type": "fixed", "name": "F4", "size": 4}
    pkg = compile_schemas(rec([f("s", "string"), f("b", "bytes"), f("e", E),
                               f("o", ["null", "string"], default=None),
                               f("u", "string", default="d"), f("fx", FIXED4)], ns="evo_view"))
    R = pkg.record("evo_view.R")
    p = tmp_path / "views.parquet"
    pq.write_table(pa.table({
        "s": pa.array(["x", "é"], pa.string_view()),
        "b": pa.array([b"\x00\xff", b""], pa.binary_view()),
        "e": pa.array(["B", "A"], pa.string_view()),
        "o": pa.array([None, "y"], pa.string_view()),
        "u": pa.array([b"ok", b"\xff"], pa.binary_view()),
        "fx": pa.array([b"abcd", b"wxyz"], pa.binary_view())}), p)
    assert pq.read_schema(p).field("s").type == pa.string_view()
    with pytest.raises(schemagen.ReadError, match=r"'u'.*row 1.*not valid UTF-8"):
        list(schemagen.read(R, p))
    want = [R(s="x", b=b"\x00\xff", e=pkg.module("evo_view").E.B, o=None, fx=b"abcd"),
            R(s="é", b=b"", e=pkg.module("evo_view").E.A, o="y", fx=b"wxyz")]
    got = list(schemagen.read(R, p, columns=["s", "b", "e", "o", "fx"]))
    assert [(r.s, r.b, r.e, r.o, r.fx) for r in got] == [(w.s, w.b, w.e, w.o, w.fx) for w in want]
    t = schemagen.read_arrow(R, p, columns=["s", "e", "o"], filter=[("e", "in", ["A"])])
    assert t.to_pylist() == [{"s": "é", "e": "A", "o": "y"}]


def test_projecting_only_fields_a_nested_record_lacks(compile_schemas: Any,
                                                      tmp_path: Path) -> None:
    # columns=["p.z"] where the file has p but not p.z: read_arrow raised KeyError and
    # typed reads returned [] (no column read, so no rows): the record's validity and
    # the row count come from one of its file columns now
    P1 = {"type": "record", "name": "P", "fields": [f("x", "int")]}
    P2 = {"type": "record", "name": "P", "fields": [f("y", "long", aliases=["x"]),
                                                    f("z", "string", default="zz")]}
    old = compile_schemas(rec([f("id", "int"), f("p", P1), f("mp", ["null", "P"]),
                               f("ps", {"type": "array", "items": "P"}),
                               f("pm", {"type": "map", "values": "P"})], ns="evo_nz1"))
    new = compile_schemas(rec([f("id", "int"), f("p", P2), f("mp", ["null", "P"]),
                               f("ps", {"type": "array", "items": "P"}),
                               f("pm", {"type": "map", "values": "P"})], ns="evo_nz2"))
    Old, N = old.record("evo_nz1.R"), new.record("evo_nz2.R")
    OP, NP = old.record("evo_nz1.P"), new.record("evo_nz2.P")
    rows = [Old(id_=i, p=OP(x=i), mp=None if i % 2 else OP(x=-i), ps=[OP(x=1)] * (i % 3),
              pm={"k": OP(x=2)} if i % 2 else {}) for i in range(5)]
    path = schemagen.write(rows, tmp_path / "old.parquet")
    cols = ["p.z", "mp.z", "ps.z", "pm.z"]
    t = schemagen.read_arrow(N, path, columns=cols)
    assert t.num_rows == 5
    assert t.to_pylist() == [
        {"p": {"z": "zz"}, "mp": None if i % 2 else {"z": "zz"}, "ps": [{"z": "zz"}] * (i % 3),
         "pm": [("k", {"z": "zz"})] if i % 2 else []} for i in range(5)]
    got = list(schemagen.read(N, path, columns=cols))
    assert len(got) == 5
    assert [(r.p.z, r.mp and (r.mp.z, schemagen.fields_read(r.mp)), [q.z for q in r.ps],
             {k: v.z for k, v in r.pm.items()}) for r in got] == [
        ("zz", None if i % 2 else ("zz", ("z",)), ["zz"] * (i % 3), {"k": "zz"} if i % 2 else {})
        for i in range(5)]
    assert not hasattr(got[0].p, "y") and isinstance(got[0].p, NP)
    assert [r.p.z for r in schemagen.read(N, path, columns=["p.z"])] == ["zz"] * 5
