"""``schemagen inspect``: reports, IR recovery from foreign Parquet files, --emit avsc|py with
read-back checks, corrupt files (exit 2, never a crash or hang), the guard process."""

from __future__ import annotations

import datetime
import decimal
import importlib
import json
import os
import re
import shutil
import sys
import uuid
import warnings
from pathlib import Path
from typing import Any

import avro.schema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_helpers import CORPUS, build_package, purge

import schemagen
from schemagen import frontends, ir
from schemagen import inspect as insp
from schemagen.cli import main as cli
from schemagen.codegen.render import Compiler
from schemagen.errors import SchemagenError, SchemaJSONError
from schemagen.frontends import parquet as pqfront
from schemagen.inspect import guard
from schemagen.typemap import avro as avro_map

PARQUET = CORPUS / "parquet"
BAD = PARQUET / "bad"
pytestmark = pytest.mark.skipif(not PARQUET.is_dir(),
                                reason=f"shared test corpus not found at {PARQUET}")
GOOD = sorted(PARQUET.glob("*.parquet")) if PARQUET.is_dir() else []
BAD_FILES = sorted(BAD.glob("*.parquet")) if BAD.is_dir() else []

# Files whose values Python cannot hold in full, so no typed read can equal pyarrow's:
UNREPRESENTABLE = {
    # row 6 is an INT96 whose instant lies far outside years 1..9999
    "int96_from_spark.parquet": "a",
    # ul_observation_date's sum/variance are timestamps far beyond year 9999
    "nested_structs.rust.parquet": "ul_observation_date",
}
# Files whose Avro schema cannot read them back (Avro's limits, not schemagen's):
AVRO_CANNOT = {
    "map_no_value.parquet": "map with int32 keys (Avro map keys are strings)",
    "nested_maps.snappy.parquet": "map with int32 keys (Avro map keys are strings)",
    "nested_structs.rust.parquet": "uint64 counts (Avro has no unsigned long)",
}


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def load_pkg(types: dict[str, ir.Named], root: str, where: Path, source: str = "x") -> Any:
    """Compile ``types`` the way ``inspect --emit py`` does; return the root's class."""
    name = f"insp_{uuid.uuid4().hex[:10]}"
    comp = Compiler(ir.Schema(types, {n: source for n in types}), name)
    from schemagen.codegen import compiler

    compiler.write(comp.render(), where / name)
    sys.path.insert(0, str(where))
    plan = comp.owner[root]
    mod = importlib.import_module(".".join((name, *plan.parts)))
    return getattr(mod, plan.class_names[root]), name


def unload(name: str, where: Path) -> None:
    for m in list(sys.modules):
        if m == name or m.startswith(name + "."):
            del sys.modules[m]
    while str(where) in sys.path:
        sys.path.remove(str(where))


def as_plain(v: Any, t: ir.Type, types: dict[str, ir.Named]) -> Any:
    """A typed value in pyarrow's ``to_pylist`` shape (records -> dicts, maps -> pairs)."""
    if v is None:
        return None
    inner, _ = ir.strip_nullable(t)
    if isinstance(inner, ir.RecordRef):
        rec = types[inner.name]
        assert isinstance(rec, ir.Record)
        held = set(schemagen.fields_read(v))  # a projected read's records hold only those
        return {f.name: as_plain(getattr(v, f.py_name or f.name), f.type, types)
                for f in rec.fields if (f.py_name or f.name) in held}
    if isinstance(inner, ir.List):
        return [as_plain(x, inner.item, types) for x in v]
    if isinstance(inner, ir.Map):
        return [(as_plain(k, inner.key, types), as_plain(x, inner.value, types))
                for k, x in v.items()]
    if isinstance(inner, ir.Uuid):
        return v.bytes
    if isinstance(inner, ir.Interval):
        return v
    return v


def typed_rows(cls: Any, path: Path, columns: list[str] | None = None) -> list[dict[str, Any]]:
    info = cls.__schemagen__
    root, types = info.ir
    return [as_plain(r, ir.RecordRef(root), types) for r in schemagen.read(cls, path,
                                                                            columns=columns)]


def pyarrow_rows(path: Path, columns: list[str] | None = None) -> list[dict[str, Any]]:
    return pq.read_table(path, columns=columns,  # type: ignore[no-any-return]
                         coerce_int96_timestamp_unit="us").to_pylist()


# --------------------------------------------------------------------------- IR recovery


def recover(name: str) -> pqfront.Recovered:
    return pqfront.recover(PARQUET / name)


def fields(rec: pqfront.Recovered, record: str | None = None) -> dict[str, ir.Type]:
    r = rec.types[record or rec.root]
    assert isinstance(r, ir.Record)
    return {f.name: f.type for f in r.fields}


N = ir.Nullable
I32, I64 = ir.Int(32), ir.Int(64)


def test_every_corpus_file_has_an_ir() -> None:
    assert len(GOOD) >= 24
    for f in GOOD:
        rec = pqfront.recover(f)
        assert rec.source == "parquet"
        assert rec.root == pqfront.record_name(f)
        assert isinstance(rec.types[rec.root], ir.Record)
        # every record's wire names are exactly the Arrow names pyarrow reads
        assert [f_.name for f_ in rec.record.fields] == pq.ParquetFile(f).schema_arrow.names


def test_int96_is_a_naive_microsecond_timestamp() -> None:
    for name in ("int96_from_spark.parquet", "alltypes_plain.parquet"):
        rec = recover(name)
        col = "a" if name.startswith("int96") else "timestamp_col"
        assert fields(rec)[col] == N(ir.Timestamp("us", utc=False))
        assert any("INT96" in n for n in rec.notes)
    # Impala's tinyint/smallint are bare INT32, strings bare BYTE_ARRAY
    f = fields(recover("alltypes_plain.parquet"))
    assert f["tinyint_col"] == N(I32) and f["string_col"] == N(ir.Bytes())


def test_legacy_lists_and_unannotated_repeated_fields_are_lists() -> None:
    assert fields(recover("old_list_structure.parquet")) == {"a": ir.List(ir.List(I32))}
    rec = recover("repeated_no_annotation.parquet")
    assert fields(rec) == {"id": I32, "phoneNumbers": N(ir.RecordRef("PhoneNumbers"))}
    assert fields(rec, "PhoneNumbers") == {"phone": ir.List(ir.RecordRef("PhoneItem"))}
    assert fields(rec, "PhoneItem") == {"number": I64, "kind": N(ir.String())}
    rec = recover("repeated_primitive_no_list.parquet")
    assert fields(rec) == {"Int32_list": ir.List(I32), "String_list": ir.List(ir.String()),
                           "group_of_lists": ir.RecordRef("GroupOfLists")}


def test_map_without_value_is_a_list_of_keys() -> None:
    rec = recover("map_no_value.parquet")
    assert fields(rec) == {"my_map": ir.Map(I32, N(I32)), "my_map_no_v": ir.List(I32),
                           "my_list": ir.List(I32)}
    assert rec.notes == ("my_map_no_v: MAP without a value field -> list of its keys",)


@pytest.mark.parametrize(("name", "expected"), [
    ("int32_decimal.parquet", ir.Decimal(4, 2)),
    ("int64_decimal.parquet", ir.Decimal(10, 2)),
    ("fixed_length_decimal.parquet", ir.Decimal(25, 2, 11)),
    ("fixed_length_decimal_legacy.parquet", ir.Decimal(13, 2, 6)),
    ("byte_array_decimal.parquet", ir.Decimal(4, 2)),
])
def test_every_decimal_encoding(name: str, expected: ir.Decimal) -> None:
    rec = recover(name)
    assert fields(rec) == {"value": N(expected)}
    if name.startswith("byte_array"):
        assert rec.record.fields[0].field_id == 6  # PARQUET:field_id kept


def test_nested_files() -> None:
    assert fields(recover("nested_lists.snappy.parquet")) == {
        "a": N(ir.List(N(ir.List(N(ir.List(N(ir.String()))))))), "b": I32}
    assert fields(recover("nested_maps.snappy.parquet")) == {
        "a": N(ir.Map(ir.String(), N(ir.Map(I32, ir.Bool())))), "b": I32, "c": ir.Float(64)}
    rec = recover("nested_structs.rust.parquet")
    assert fields(rec, "RollNum")["count"] == ir.Int(64, signed=False)
    assert fields(rec, "UlObservationDate")["min"] == ir.Timestamp("us", utc=True)
    rec = recover("nonnullable.impala.parquet")
    assert fields(rec, "NestedStruct") == {
        "a": I32, "B": ir.List(I32), "c": ir.RecordRef("C"),
        "G": ir.Map(ir.String(), ir.RecordRef("GValue"))}
    assert fields(rec, "C") == {"D": ir.List(ir.List(ir.RecordRef("DItem")))}
    assert fields(rec, "DItem") == {"e": I32, "f": ir.String()}
    assert fields(rec, "H") == {"i": ir.List(ir.Float(64))}
    assert fields(recover("null_list.parquet")) == {"emptylist": N(ir.List(ir.Null()))}
    assert recover("binary.parquet").record.fields[0].field_id == 1


def test_annotations_written_by_duckdb(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "types.parquet"
    con = duckdb.connect()
    con.execute(f"""copy (select uuid '3fa85f64-5717-4562-b3fc-2c963f66afa6' as u,
        '{{"a": [1, 2]}}'::json as j, interval 3 day as iv, time '12:34:56.789' as t,
        timestamp '2020-01-01 10:00:00.123456' as ts, timestamptz '2020-01-01 00:00:00+00' as tz,
        timestamp_ms '2020-01-01 10:00:00.123' as tms,
        200::utinyint as u8, 60000::usmallint as u16, 4000000000::uinteger as u32,
        18000000000000000000::ubigint as u64, (-5)::tinyint as i8, (-6)::smallint as i16,
        123.45::decimal(5,2) as d, 12345678901234567890.12::decimal(38,2) as d38,
        date '2020-02-02' as dt, 1.5::float as f, 'x'::blob as b, 'ok' as s)
        to '{path}' (format parquet)""")
    f = fields(pqfront.recover(path))
    assert f == {
        "u": ir.Uuid(), "j": ir.Json(), "iv": ir.Interval(), "t": ir.Time("us"),
        "ts": ir.Timestamp("us", False), "tz": ir.Timestamp("us", True),
        "tms": ir.Timestamp("ms", False),
        "u8": ir.Int(8, False), "u16": ir.Int(16, False), "u32": ir.Int(32, False),
        "u64": ir.Int(64, False), "i8": ir.Int(8), "i16": ir.Int(16),
        "d": ir.Decimal(5, 2), "d38": ir.Decimal(38, 2, 16), "dt": ir.Date(),
        "f": ir.Float(32), "b": ir.Bytes(), "s": ir.String(),
    }
    rec = pqfront.recover(path)
    cls, name = load_pkg(rec.types, rec.root, tmp_path / "pkg")
    try:
        [got] = list(schemagen.read(cls, path))
        assert got.u == uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        assert got.j == {"a": [1, 2]}
        assert got.iv == schemagen.Interval(0, 3, 0)
        assert got.t == datetime.time(12, 34, 56, 789000)
        assert got.tz == datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        assert (got.u8, got.u16, got.u32, got.u64) == (200, 60000, 4000000000,
                                                       18000000000000000000)
        assert got.d38 == decimal.Decimal("12345678901234567890.12")
        # and the values match DuckDB's own reading
        assert con.execute(f"select u8, u64, d, dt from '{path}'").fetchone() == (
            got.u8, got.u64, got.d, got.dt)
    finally:
        unload(name, tmp_path / "pkg")


def test_enum_and_bson_annotations(tmp_path: Path) -> None:
    """pyarrow cannot write ENUM/BSON: a file it wrote is patched in place (same sizes:
    converted_type UTF8 -> ENUM/BSON, LogicalType STRING -> ENUM/BSON in the footer)."""
    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"enum_col": ["ok", "sad"], "bson_col": ["x", None]}), plain,
                   store_schema=False)
    data = plain.read_bytes()
    for name, converted, logical in ((b"enum_col", 8, 0x4C), (b"bson_col", 40, 0xDC)):
        head = bytes([len(name)]) + name
        pattern = head + bytes([0x25, 0x00, 0x4C, 0x1C, 0x00, 0x00])
        assert data.count(pattern) == 1
        data = data.replace(pattern, head + bytes([0x25, converted, 0x4C, logical, 0, 0]))
    path = tmp_path / "annotated.parquet"
    path.write_bytes(data)
    cols = pq.ParquetFile(path).schema
    assert [cols.column(i).logical_type.type for i in range(2)] == ["ENUM", "BSON"]
    rec = pqfront.recover(path)
    # pyarrow reads both as binary: Bytes, with the annotation kept in the field's metadata
    assert fields(rec) == {"enum_col": N(ir.Bytes()), "bson_col": N(ir.Bytes())}
    assert [f.metadata for f in rec.record.fields] == [
        (("parquet.annotation", "ENUM"),), (("parquet.annotation", "BSON"),)]
    cls, name = load_pkg(rec.types, rec.root, tmp_path / "pkg")
    try:
        assert typed_rows(cls, path) == pyarrow_rows(path) == [
            {"enum_col": b"ok", "bson_col": b"x"}, {"enum_col": b"sad", "bson_col": None}]
    finally:
        unload(name, tmp_path / "pkg")


# --------------------------------------------------------------------------- read back


def _compare_read_back(cls: Any, f: Path) -> None:
    if f.name in UNREPRESENTABLE:
        with pytest.raises(SchemagenError):
            typed_rows(cls, f)
        rec = cls.__schemagen__.record
        keep = [x.name for x in rec.fields if x.name != UNREPRESENTABLE[f.name]]
        if keep:  # the other fields read exactly (unselected ones are not read)
            got = [{k: r[k] for k in keep} for r in typed_rows(cls, f, keep)]
            assert got == pyarrow_rows(f, keep)
        return
    assert typed_rows(cls, f) == pyarrow_rows(f)


@pytest.mark.parametrize("f", GOOD, ids=[f.name for f in GOOD])
def test_emitted_package_reads_the_file_like_pyarrow(f: Path, tmp_path: Path) -> None:
    rec = pqfront.recover(f)
    cls, name = load_pkg(rec.types, rec.root, tmp_path)
    try:
        _compare_read_back(cls, f)
    finally:
        unload(name, tmp_path)


def test_int96_sentinels_read_back_exactly(tmp_path: Path) -> None:
    """The representable rows of int96_from_spark, rewritten as INT96 (9999-12-31 included)."""
    table = pq.read_table(PARQUET / "int96_from_spark.parquet",
                          coerce_int96_timestamp_unit="us").slice(0, 5)
    path = tmp_path / "int96.parquet"
    pq.write_table(table, path, use_deprecated_int96_timestamps=True)
    assert pq.ParquetFile(path).schema.column(0).physical_type == "INT96"
    rec = pqfront.recover(path)
    cls, name = load_pkg(rec.types, rec.root, tmp_path / "pkg")
    try:
        got = [r.a for r in schemagen.read(cls, path)]
        assert got[2] == datetime.datetime(9999, 12, 31, 3, 0)
        assert got == [r["a"] for r in table.to_pylist()]
    finally:
        unload(name, tmp_path / "pkg")


@pytest.mark.parametrize("f", GOOD, ids=[f.name for f in GOOD])
def test_emitted_avsc_parses_compiles_and_reads_back(f: Path, tmp_path: Path) -> None:
    rec = pqfront.recover(f)
    text = avro_map.dumps(rec.types, rec.root)
    with warnings.catch_warnings():  # avro 1.12's Python library lacks local-timestamp-*
        warnings.simplefilter("ignore")
        avro.schema.parse(text)  # the Avro library accepts it
    avsc = tmp_path / f"{rec.root}.avsc"
    avsc.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pkg = build_package([avsc], tmp_path / "out")
    try:
        cls = pkg.record(rec.root)
        if f.name in AVRO_CANNOT:
            with pytest.raises(SchemagenError):
                typed_rows(cls, f)
            return
        _compare_read_back(cls, f)
    finally:
        purge(pkg)


def test_avro_mapping_round_trips_avro_schemas(tmp_path: Path) -> None:
    """IR from real Avro schemas -> .avsc -> IR again: the same types, defaults and docs."""
    avro_dir = CORPUS / "avro"
    files = [p for p in sorted(avro_dir.glob("*.avsc")) if p.name != "interop.avsc"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = frontends.load(files)
        for name, t in schema.types.items():
            if not isinstance(t, ir.Record):
                continue
            out = tmp_path / f"{name}.avsc"
            out.write_text(avro_map.dumps(schema.types, name))
            again = frontends.load([out])
            for n in ir.closure(schema.types, name):
                assert ir.named_to_json(again.types[n]) == ir.named_to_json(schema.types[n]), n


def test_avro_mapping_of_every_project_schema(tmp_path: Path) -> None:
    """Every record of schemas/ (Avro, Thrift, protobuf, SQL) gives an .avsc that Avro parses
    and schemagen compiles again; the Avro ones come back identical (an Avro protocol's
    ``error`` becomes a ``record``: .avsc files have no errors)."""
    schemas = Path(__file__).resolve().parents[3] / "schemas"
    avro_files = sorted((schemas / "avro").glob("*.av*"))
    groups = [avro_files] + [[f] for f in frontends.find_schema_files([schemas])
                             if f not in avro_files]
    checked = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for files in groups:
            schema = frontends.load(files, include_dirs=[schemas / "proto", schemas / "thrift"])
            for name, t in schema.types.items():
                if not isinstance(t, ir.Record):
                    continue
                text = avro_map.dumps(schema.types, name)
                avro.schema.parse(text)
                out = tmp_path / f"{checked}.avsc"
                out.write_text(text)
                again = frontends.load([out])
                assert name in again.types
                checked += 1
                if files is avro_files:
                    for n in ir.closure(schema.types, name):
                        want = ir.named_to_json(schema.types[n])
                        if want["kind"] == "error":
                            want["kind"] = "record"
                        assert ir.named_to_json(again.types[n]) == want, n
    assert checked > 20


def test_avro_mapping_of_lossy_types() -> None:
    r = ir.Record("ns.R", (
        ir.Field("u", ir.Int(64, signed=False)), ir.Field("h", ir.Float(16)),
        ir.Field("d", ir.Duration("ms")), ir.Field("j", ir.Json()),
        ir.Field("my col", N(ir.Int(8)), default=None, field_id=7),
        ir.Field("m", ir.Map(ir.Int(32), ir.String())),
        ir.Field("dec", ir.Decimal(9, 2), default=decimal.Decimal("1.50")),
        ir.Field("ts", ir.Timestamp("s", True),
                 default=datetime.datetime(1970, 1, 1, 0, 0, 2, tzinfo=datetime.UTC)),
        ir.Field("inf", ir.Float(64), default=float("inf")),
    ))
    doc = avro_map.record_schema({"ns.R": r}, "ns.R")
    avro.schema.parse(json.dumps(doc))
    by = {f.get("schemagen.name", f["name"]): f for f in doc["fields"]}
    assert by["u"]["type"] == {"type": "long", "schemagen.type": '{"bits":64,"signed":false,"type":"int"}'}
    assert by["my col"]["name"] == "my_col" and by["my col"]["field-id"] == 7
    assert by["my col"]["type"][0] == "null"
    assert by["m"]["type"]["type"] == "array"
    assert by["dec"]["default"] == "\x00\x96"  # 150 unscaled, big-endian two's complement
    assert by["ts"]["default"] == 2000
    # JSON has no infinity: the default is left out, and said so
    assert "default" not in by["inf"] and by["inf"]["schemagen.default"] == "inf"
    lossy = avro_map.lossy({"ns.R": r}, "ns.R")
    assert len(lossy) == 9 and any("my col" in x for x in lossy)
    assert "ns.R.inf: default inf has no Avro JSON form; left out" in lossy


# --------------------------------------------------------------------------- the command


def test_folder_report_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for f in GOOD:
        os.symlink(f, folder / f.name)
    code, out, err = run_cli(capsys, "inspect", str(folder), "--json", "--rows", "3")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["kind"] == "folder" and rep["summary"]["files"] == len(GOOD)
    by_name = {Path(f["file"]).name: f for f in rep["files"]}
    total_rows = 0
    for f in GOOD:
        md = pq.ParquetFile(f).metadata
        r = by_name[f.name]
        assert (r["num_rows"], r["num_row_groups"], r["num_columns"]) == (
            md.num_rows, md.num_row_groups, md.num_columns)
        assert [c["path"] for c in r["columns"]] == [
            md.schema.column(i).path for i in range(md.num_columns)]
        rg = r["row_groups"][0]["columns"][0]
        assert rg["compression"] == md.row_group(0).column(0).compression
        assert rg["compressed_bytes"] == md.row_group(0).column(0).total_compressed_size
        total_rows += md.num_rows
    assert rep["summary"]["num_rows"] == total_rows
    # the first 3 rows of the folder are the first file's
    first = GOOD[0]
    assert by_name[first.name]["rows"] == [insp.jsonable(r) for r in pyarrow_rows(first)[:3]]
    # statistics are reported
    plain = by_name["alltypes_plain.parquet"]
    stats = {c["path"]: c["statistics"] for c in plain["row_groups"][0]["columns"]}
    assert by_name["int32_decimal.parquet"]["row_groups"][0]["columns"][0]["statistics"][
        "null_count"] == 0
    assert "id" in stats
    assert len(rep["schemas"]) == len({f["schema"] for f in rep["files"]})
    # the text form has every file and the IR of every schema
    code, text, _ = run_cli(capsys, "inspect", str(folder))
    assert code == 0
    assert f"{len(GOOD)} files" in text and "IR (from the Parquet schema)" in text
    for f in GOOD:
        assert f.name in text


def test_single_file_text_rows_and_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "inspect", str(PARQUET / "alltypes_plain.parquet"),
                             "--rows", "2")
    assert code == 0, err
    assert "optional int96 field_id=-1 timestamp_col;" in out
    assert re.search(r"\n +timestamp_col +timestamp\(us\)\?\n", out)
    assert "note: timestamp_col: INT96 legacy timestamp" in out
    assert "first 2 rows:" in out and '"date_string_col": "03/01/09"' in out
    assert "created by: impala version 1.3.0" in out
    code, out, _ = run_cli(capsys, "inspect", str(PARQUET / "nonnullable.impala.parquet"))
    assert "parquet.avro.schema: " in out  # key/value metadata


def test_rows_python_cannot_hold_are_shown_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "inspect", str(PARQUET / "int96_from_spark.parquet"),
                             "--rows", "10", "--json")
    assert code == 0, err
    rows = [r["a"] for r in json.loads(out)["files"][0]["rows"]]
    assert rows[:5] == ["2024-01-01T20:34:56.123456", "2024-01-01T01:00:00",
                        "9999-12-31T03:00:00", "2024-12-30T23:00:00", None]
    assert rows[5].startswith("<") and "-7188624036226874385" in rows[5]
    # shown as what it is, not as pyarrow's wrapped instant (issue 15 item 16)
    assert rows[5].startswith("<INT96 timestamp +11465252-07-22T14:32:44.157935")
    code, out, err = run_cli(capsys, "inspect", str(PARQUET / "nested_structs.rust.parquet"),
                             "--rows", "1", "--json")
    [row] = json.loads(out)["files"][0]["rows"]
    date = row["ul_observation_date"]
    assert date["count"] == 495 and date["mean"] == "1970-01-01T00:00:00+00:00"
    assert date["min"].startswith("<-12585-07-27")  # only the values Python cannot hold
    assert row["roll_num"]["count"] == 495


def test_cli_emit_py_and_avsc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = PARQUET / "repeated_no_annotation.parquet"
    out_dir = tmp_path / "legacy_pkg"
    code, out, err = run_cli(capsys, "inspect", str(f), "--emit", "py", "-o", str(out_dir))
    assert code == 0, err
    assert "from legacy_pkg import RepeatedNoAnnotation" in out
    sys.path.insert(0, str(tmp_path))
    try:
        import legacy_pkg  # type: ignore[import-not-found]

        cls = legacy_pkg.RepeatedNoAnnotation
        assert typed_rows(cls, f) == pyarrow_rows(f)
    finally:
        unload("legacy_pkg", tmp_path)
    # the avsc goes to stdout, or atomically to -o
    code, out, err = run_cli(capsys, "inspect", str(PARQUET / "int32_decimal.parquet"),
                             "--emit", "avsc")
    assert code == 0 and json.loads(out)["fields"][0]["type"][1] == {
        "type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}
    target = tmp_path / "m.avsc"
    code, _, err = run_cli(capsys, "inspect", str(PARQUET / "map_no_value.parquet"), "--emit",
                           "avsc", "-o", str(target))
    assert code == 0 and "Avro cannot say exactly: MapNoValue.my_map" in err
    assert avro.schema.parse(target.read_text()).name == "MapNoValue"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_schemagen_files_use_the_footer_ir(compile_schemas: Any, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pkg = compile_schemas({"t.avsc": json.dumps({
        "type": "record", "name": "Trade", "namespace": "ex.m", "fields": [
            {"name": "trade_id", "type": "long"},
            {"name": "side", "type": {"type": "enum", "name": "Side", "symbols": ["BUY", "SELL"]}},
            {"name": "px", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9,
                                    "scale": 2}},
            {"name": "tags", "type": {"type": "map", "values": "string"}, "default": {}},
            {"name": "at", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}],
             "default": None},
        ]})})
    Trade = pkg.record("ex.m.Trade")
    Side = pkg.enum_class("ex.m.Side", ["BUY", "SELL"])
    recs = [Trade(trade_id=i, side=Side.SELL, px=decimal.Decimal("1.25"), tags={"k": str(i)},
                  at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
            for i in range(3)]
    path = tmp_path / "trades.parquet"
    schemagen.write(recs, path)
    code, out, err = run_cli(capsys, "inspect", str(path), "--json")
    assert code == 0, err
    entry = json.loads(out)["schemas"][0]["ir"]
    assert entry["source"] == "footer" and entry["root"] == "ex.m.Trade"
    root, types = insp.recovered(json.loads(out))
    info_root, info_types = Trade.__schemagen__.ir
    assert root == info_root and types == info_types
    cls, name = load_pkg(types, root, tmp_path / "pkg")
    try:
        back = list(schemagen.read(cls, path))
        assert [(r.trade_id, r.side.value, r.px, r.tags, r.at) for r in back] == [
            (r.trade_id, r.side.value, r.px, r.tags, r.at) for r in recs]
    finally:
        unload(name, tmp_path / "pkg")


@pytest.mark.parametrize("footer", [
    b"{not json", b"\xff\xfe", b'{"root": "R", "types": [1]}',
    b'{"root": "R", "types": [{"kind": "record", "name": "R", "fields": '
    b'[{"name": "a", "type": {"type": "int", "bits": 7}}]}]}',
    b'{"root": "R", "types": [{"kind": "record", "name": "R", "fields": '
    b'[{"name": "other", "type": "string"}]}]}',
], ids=["json", "utf8", "shape", "bad-int", "other-columns"])
def test_untrusted_footer_ir_falls_back_to_the_parquet_schema(
        footer: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lying.parquet"
    table = pa.table({"a": pa.array([1, 2], pa.int32())})
    pq.write_table(table.replace_schema_metadata({b"schemagen.schema": footer}), path)
    code, out, err = run_cli(capsys, "inspect", str(path), "--json")
    assert code == 0, err
    entry = json.loads(out)["schemas"][0]["ir"]
    assert entry["source"] == "parquet" and entry["root"] == "Lying"
    assert len(entry["notes"]) == 1 and "schemagen.schema" in entry["notes"][0]
    assert [f["type"] for f in entry["types"][0]["fields"]] == [
        {"type": "nullable", "inner": {"type": "int", "bits": 32, "signed": True}}]


def test_duplicate_column_names_are_reported(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["a", "a"]), path)
    code, out, err = run_cli(capsys, "inspect", str(path), "--json")
    assert code == 0, err  # the report is still there...
    assert json.loads(out)["schemas"][0]["ir"] == {
        "error": f"{path}: the group has several columns named 'a'; a record's fields need "
                 "distinct names (at <root>)"}
    code, _, err = run_cli(capsys, "inspect", str(path), "--emit", "avsc")
    assert code == 2 and "several columns named 'a'" in err  # ...but there is nothing to emit


def test_folder_with_two_schemas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    pq.write_table(pa.table({"a": [1, 2]}), folder / "0_0_0.parquet")
    pq.write_table(pa.table({"a": [3]}), folder / "0_0_1.parquet")
    pq.write_table(pa.table({"a": ["x"]}), folder / "0_0_2.parquet")
    (folder / "_SUCCESS").write_text("")
    code, out, err = run_cli(capsys, "inspect", str(folder), "--json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["summary"] == {**rep["summary"], "files": 3, "schemas": 2, "num_rows": 4}
    assert [s["ir"]["root"] for s in rep["schemas"]] == ["Ds", "Ds2"]
    assert [f["schema"] for f in rep["files"]] == [0, 0, 1]
    code, _, err = run_cli(capsys, "inspect", str(folder), "--emit", "avsc")
    assert code == 2 and "2 different schemas" in err
    shutil.rmtree(folder / "0_0_2.parquet", ignore_errors=True)
    (folder / "0_0_2.parquet").unlink()
    code, out, err = run_cli(capsys, "inspect", str(folder), "--emit", "avsc")
    assert code == 0 and json.loads(out)["name"] == "Ds"


@pytest.mark.parametrize("f", BAD_FILES, ids=[f.name for f in BAD_FILES])
def test_bad_files_exit_2_with_a_clear_message(f: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "inspect", str(f))
    assert code == 2 and out == ""
    assert err.startswith(f"schemagen: error: {f}: ")
    assert "corrupt" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = (PARQUET / "single_nan.parquet").read_bytes()
    cases = {
        "empty.parquet": (b"", "too short"),
        "text.parquet": (b"hello, this is not parquet at all", "starts with b'hell'"),
        "truncated.parquet": (good[:-3], "truncated"),
        "encrypted.parquet": (b"PARE" + good[4:-4] + b"PARE", "encrypted"),
        "footer.parquet": (good[:-8] + (10**6).to_bytes(4, "little") + b"PAR1",
                           "footer length 1000000"),
        "garbage_footer.parquet": (b"PAR1" + b"\xff" * 40 + (30).to_bytes(4, "little")
                                   + b"PAR1", "corrupt or unreadable"),
    }
    for name, (data, expected) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        code, out, err = run_cli(capsys, "inspect", str(p))
        assert code == 2 and expected in err and str(p) in err, (name, err)
    code, _, err = run_cli(capsys, "inspect", str(tmp_path / "missing.parquet"))
    assert code == 2 and "no such file or directory" in err
    empty = tmp_path / "nothing"
    empty.mkdir()
    code, _, err = run_cli(capsys, "inspect", str(empty))
    assert code == 2 and "no Parquet files" in err
    f = str(PARQUET / "single_nan.parquet")
    for argv, msg in ((["--emit", "py"], "needs -o"), (["-o", "x.avsc"], "only used with --emit"),
                      (["--rows", "-1"], "--rows"), (["--timeout", "0"], "--timeout"),
                      (["--emit", "avsc", "--json"], "--json is for the report"),
                      (["--emit", "avsc", "--rows", "3"], "--rows is for the report")):
        code, _, err = run_cli(capsys, "inspect", f, *argv)
        assert code == 2 and msg in err
    code, _, err = run_cli(capsys, "inspect", f, "--emit", "py", "-o", str(tmp_path / "not-id"))
    assert code == 2 and "Python identifier" in err
    # a folder with one bad file names it (and only it)
    ds = tmp_path / "ds"
    ds.mkdir()
    shutil.copy(PARQUET / "single_nan.parquet", ds / "a.parquet")
    (ds / "b.parquet").write_bytes(b"PAR1")
    code, _, err = run_cli(capsys, "inspect", str(ds))
    assert code == 2 and f"{ds / 'b.parquet'}: not a Parquet file" in err
    assert "a.parquet" not in err


# --------------------------------------------------------------------------- the guard


def test_guard_survives_a_crashing_reader(tmp_path: Path) -> None:
    files = [tmp_path / n for n in ("a.parquet", "crash.parquet", "c.parquet")]
    script = ("import json, os, signal, sys\n"
              "for f in sys.argv[1:]:\n"
              "    if 'crash' in os.path.basename(f): os.kill(os.getpid(), signal.SIGSEGV)\n"
              "    print(json.dumps({'file': f, 'ok': True}), flush=True)\n")
    res = insp.verify(files, timeout=30, worker=[sys.executable, "-c", script])
    assert res[files[0]] is None and res[files[2]] is None
    assert res[files[1]] == "pyarrow crashed (SIGSEGV) reading the file: it is corrupt"


def test_guard_times_out_on_a_hanging_reader(tmp_path: Path) -> None:
    files = [tmp_path / n for n in ("a.parquet", "hang.parquet", "b.parquet")]
    script = ("import json, os, sys, time\n"
              "for f in sys.argv[1:]:\n"
              "    if 'hang' in os.path.basename(f): time.sleep(60)\n"
              "    print(json.dumps({'file': f, 'ok': False, 'error': 'boom'}), flush=True)\n")
    res = insp.verify(files, timeout=1, worker=[sys.executable, "-c", script])
    assert res[files[1]] is not None and res[files[1]].startswith("timed out after 1 s")
    assert res[files[0]] == res[files[2]] == "corrupt or unreadable Parquet file (pyarrow: boom)"


def test_guard_startup_does_not_count_against_the_first_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A guard that needs longer to start (import pyarrow on a busy machine) than a small
    --timeout is not reported as a file that timed out."""
    monkeypatch.setattr(guard, "_STARTUP_GRACE", 5.0)
    files = [tmp_path / "a.parquet"]
    script = ("import json, sys, time\ntime.sleep(1.5)\n"
              "print(json.dumps({'file': sys.argv[1], 'ok': True}), flush=True)\n")
    assert insp.verify(files, timeout=1, worker=[sys.executable, "-c", script]) == {
        files[0]: None}


def test_guard_reports_a_failing_reader_process(tmp_path: Path) -> None:
    files = [tmp_path / "a.parquet", tmp_path / "b.parquet"]
    script = ("import sys\n"
              "sys.stderr.write('x' * 200_000 + '\\nMemoryError: out of memory\\n')\n"
              "sys.exit(3)\n")
    res = insp.verify(files, timeout=30, worker=[sys.executable, "-c", script], memory_limit=0)
    assert res == {f: "the reader process failed: MemoryError: out of memory" for f in files}
    # under a memory limit (the default), a MemoryError is reported as over that limit
    res = insp.verify(files, timeout=30, worker=[sys.executable, "-c", script])
    assert res == {f: ("reading the file needs more memory than the guard process's limit "
                       "of 2,048 MiB (pyarrow: MemoryError: out of memory); if the file is "
                       "trusted, raise the limit with --memory-limit MIB (0: none)")
                   for f in files}


def test_guard_worker_really_decodes_pages() -> None:
    """The footer of ARROW-GH-45185 is fine: only decoding the pages finds the problem."""
    f = BAD / "ARROW-GH-45185.parquet"
    res = insp.verify([f], decode=False)
    assert res[f] is None
    res = insp.verify([f], decode=True)
    assert res[f] is not None and "repetition level" in res[f]


# --------------------------------------------------------------------------- property


_LEAVES = [
    (pa.int8(), st.integers(-128, 127)), (pa.uint16(), st.integers(0, 65535)),
    (pa.int64(), st.integers(-(2**63), 2**63 - 1)), (pa.uint64(), st.integers(0, 2**64 - 1)),
    (pa.float64(), st.floats(allow_nan=False)), (pa.bool_(), st.booleans()),
    (pa.string(), st.text(max_size=5)), (pa.binary(), st.binary(max_size=5)),
    (pa.binary(3), st.binary(min_size=3, max_size=3)),
    (pa.date32(), st.dates()),
    (pa.timestamp("us"), st.datetimes()),
    (pa.timestamp("ms", tz="UTC"), st.datetimes(timezones=st.just(datetime.UTC)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))),
    (pa.decimal128(9, 2), st.decimals(min_value=-9999999, max_value=9999999, places=2,
                                      allow_nan=False, allow_infinity=False)),
]


def _arrow_types(depth: int = 2) -> Any:
    leaf = st.sampled_from(range(len(_LEAVES))).map(lambda i: _LEAVES[i])
    if depth == 0:
        return leaf

    def nested(inner: Any) -> Any:
        return st.one_of(
            inner.map(lambda tv: (pa.list_(tv[0]), st.lists(st.none() | tv[1], max_size=3))),
            inner.map(lambda tv: (pa.map_(pa.string(), tv[0]),
                                  st.dictionaries(st.text(max_size=3), st.none() | tv[1],
                                                  max_size=3).map(lambda d: list(d.items())))),
            st.lists(inner, min_size=1, max_size=3).map(lambda tvs: (
                pa.struct([pa.field(f"f{i}", t) for i, (t, _) in enumerate(tvs)]),
                st.fixed_dictionaries({f"f{i}": st.none() | v for i, (_, v) in enumerate(tvs)}))),
        )

    return st.recursive(leaf, nested, max_leaves=4)


@given(st.lists(_arrow_types(), min_size=1, max_size=3), st.data())
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_pyarrow_written_file_reads_back(tmp_path: Path, cols: list[Any], data: Any) -> None:
    """Files written by plain pyarrow (no schemagen footer): the recovered IR's generated
    reader gives pyarrow's own values."""
    schema = pa.schema([pa.field(f"c{i}", t) for i, (t, _) in enumerate(cols)])
    rows = data.draw(st.lists(st.fixed_dictionaries(
        {f"c{i}": st.none() | v for i, (_, v) in enumerate(cols)}), min_size=1, max_size=4))
    where = tmp_path / uuid.uuid4().hex
    where.mkdir()
    path = where / "random_table.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    rec = pqfront.recover(path)
    assert rec.source == "parquet"
    cls, name = load_pkg(rec.types, rec.root, where / "pkg")
    try:
        assert typed_rows(cls, path) == pyarrow_rows(path)
    finally:
        unload(name, where / "pkg")


# --------------------------------------------------------------------------- review fixes


def test_guard_does_not_import_modules_from_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``python -c`` puts the current folder first on sys.path: a json.py (or a generated
    package named json) where the user stands must not replace the guard's imports."""
    (tmp_path / "json.py").write_text("raise SystemExit('hijacked json')\n")
    (tmp_path / "pyarrow").mkdir()
    (tmp_path / "pyarrow" / "__init__.py").write_text("raise SystemExit('hijacked pyarrow')\n")
    monkeypatch.chdir(tmp_path)
    f = PARQUET / "single_nan.parquet"
    assert insp.verify([f]) == {f: None}


def test_guard_splits_many_files_over_bounded_command_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "_ARGV_FILES", 2)
    files = [tmp_path / f"{i}.parquet" for i in range(5)]
    script = ("import json, os, sys\n"
              "for f in sys.argv[1:]:\n"
              "    print(json.dumps({'file': f, 'ok': False, 'error': str(os.getpid())}),"
              " flush=True)\n")
    res = insp.verify(files, timeout=30, worker=[sys.executable, "-c", script])
    assert list(res) == files
    pids = [str(m).rsplit(": ", 1)[1].rstrip(")") for m in res.values()]
    assert len(set(pids)) == 3 and pids[0] == pids[1] != pids[2] == pids[3] != pids[4]


def test_guard_child_is_killed_when_the_parent_is_interrupted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    real_popen = guard.subprocess.Popen

    def popen(*a: Any, **kw: Any) -> Any:
        started.append(real_popen(*a, **kw))
        return started[-1]

    def interrupted(*a: Any, **kw: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(guard.subprocess, "Popen", popen)
    monkeypatch.setattr(guard, "_collect", interrupted)
    script = "import time\ntime.sleep(60)\n"
    with pytest.raises(KeyboardInterrupt):
        insp.verify([tmp_path / "a.parquet"], worker=[sys.executable, "-c", script])
    assert len(started) == 1 and started[0].returncode is not None  # killed and reaped


def test_no_verify_still_decodes_the_rows_it_shows(capsys: pytest.CaptureFixture[str]) -> None:
    """--no-verify skips decoding pages, but --rows N reads pages: those are decoded in the
    guard first, never for the first time in the inspecting process."""
    f = BAD / "ARROW-GH-45185.parquet"
    code, out, err = run_cli(capsys, "inspect", str(f), "--no-verify")
    assert code == 0, err
    code, out, err = run_cli(capsys, "inspect", str(f), "--no-verify", "--rows", "5")
    assert code == 2 and out == ""
    assert err.startswith(f"schemagen: error: {f}: corrupt or unreadable") and "repetition" in err


@pytest.mark.parametrize("name", ["class", "json", "typing", "schemagen", "pyarrow", "match"])
def test_emit_py_package_name_cannot_be_a_keyword_or_shadow_a_module(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(PARQUET / "single_nan.parquet")
    code, _, err = run_cli(capsys, "inspect", f, "--emit", "py", "-o", str(tmp_path / name))
    assert code == 2 and f"got {name!r}" in err and "package name" in err
    assert not (tmp_path / name).exists()


def test_emit_avsc_output_errors_name_the_output(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    f = str(PARQUET / "single_nan.parquet")
    code, _, err = run_cli(capsys, "inspect", f, "--emit", "avsc", "-o", str(tmp_path))
    assert code == 2 and f"{tmp_path}: is a folder" in err and ".tmp-" not in err
    missing = tmp_path / "nope" / "x.avsc"
    code, _, err = run_cli(capsys, "inspect", f, "--emit", "avsc", "-o", str(missing))
    assert code == 2 and f"{missing}: the folder {missing.parent} does not exist" in err
    assert list(tmp_path.iterdir()) == []


_I32 = {"type": "int", "bits": 32, "signed": True}
_ENUM_E = {"type": "enumref", "name": "E"}


def _footer_case(fields: list[dict[str, Any]], enum: dict[str, Any] | None = None) -> bytes:
    types: list[dict[str, Any]] = [{"kind": "record", "name": "R", "fields": fields}]
    if enum is not None:
        types.append({"kind": "enum", "name": "E", **enum})
    return json.dumps({"root": "R", "types": types}).encode()


@pytest.mark.parametrize("footer", [
    _footer_case([{"name": "a", "type": {"type": "date"}, "default": 3}]),
    _footer_case([{"name": "a", "type": {"type": "float", "bits": 64}, "default": "x"}]),
    _footer_case([{"name": "a", "type": {"type": "string"}, "default": 3}]),
    _footer_case([{"name": "a", "type": _I32, "default": 2**40}]),
    _footer_case([{"name": "a", "type": {"type": "list", "item": _I32}, "default": 5}]),
    _footer_case([{"name": "a", "type": {"type": "fixed", "size": 4},
                   "default": {"$": "bytes", "v": "AA=="}}]),
    _footer_case([{"name": "a", "type": {"type": "union", "members": [_I32, {"type": "string"}]},
                   "default": {"$": "union", "m": 7, "v": 1}}]),
    _footer_case([{"name": "a", "type": _ENUM_E, "default": "Z"}], {"symbols": ["X"]}),
    _footer_case([{"name": "a", "type": _ENUM_E}], {"symbols": ["X"], "default": "Q"}),
    _footer_case([{"name": "a", "type": _ENUM_E}], {"symbols": ["X", "X"]}),
    _footer_case([{"name": "a", "type": _ENUM_E}], {"symbols": ["X", "Y"], "values": [1]}),
], ids=["date", "float", "string", "int-range", "list", "fixed-size", "union-member",
        "enum-field-default", "enum-default", "enum-dup", "enum-values"])
def test_footer_ir_the_generator_cannot_compile_is_not_trusted(
        footer: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A hostile or broken schemagen.schema must never crash --emit py (it did with a
    traceback, or generated code that failed to import): the Parquet schema is used.
    Each case is refused when the JSON is read (SchemaJSONError naming its path)."""
    with pytest.raises(SchemaJSONError, match=r"at \$\.types\[[01]\]"):
        ir.schema_from_json(footer.decode())
    doc = json.loads(footer)
    for t in doc["types"]:  # the same columns without the bad parts, for the file's schema
        for f in t.get("fields", ()):
            f.pop("default", None)
        if t["kind"] == "enum":
            t.update(symbols=["X"], default=None, values=None)
    root, types = ir.schema_from_json(json.dumps(doc))
    from schemagen.typemap.arrow import ArrowMapper

    path = tmp_path / "lying.parquet"
    table = ArrowMapper(types).schema(root).empty_table()
    pq.write_table(table.replace_schema_metadata({b"schemagen.schema": footer}), path)
    rec = pqfront.recover(path)
    assert rec.source == "parquet" and rec.root == "Lying"
    assert len(rec.notes) == 1 and "schemagen.schema" in rec.notes[0]
    out = tmp_path / "lying_pkg"
    code, _, err = run_cli(capsys, "inspect", str(path), "--emit", "py", "-o", str(out))
    assert code == 0, err


def test_text_report_escapes_control_characters(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Column names, metadata and values are untrusted: escape sequences are shown, not
    sent to the terminal.  FLOAT16 statistics are numbers (pyarrow gives bytes)."""
    path = tmp_path / "esc.parquet"
    table = pa.table({"a\x1b[31mred": ["x\x1b]0;title\x07"], "\u202eevil": [1],
                      "h": pa.array([1.5], pa.float16())})
    pq.write_table(table.replace_schema_metadata({b"note": b"bell\x07\r"}), path)
    code, out, err = run_cli(capsys, "inspect", str(path), "--rows", "1")
    assert code == 0, err
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", out)
    assert "a\\x1b[31mred" in out and "\\u202eevil" in out and "bell\\x07\\x0d" in out
    code, out, err = run_cli(capsys, "inspect", str(path), "--json")
    stats = json.loads(out)["files"][0]["row_groups"][0]["columns"][2]["statistics"]
    assert (stats["min"], stats["max"]) == (1.5, 1.5)


@pytest.mark.parametrize("name", ["int", "ns.string", "null"])
def test_avro_mapping_refuses_primitive_type_names(name: str) -> None:
    """``{"type": "record", "name": "int"}`` is not an Avro schema (avro.schema.parse refuses
    it): say so instead of writing an .avsc nothing can read."""
    r = ir.Record(name, (ir.Field("a", I32),))
    with pytest.raises(avro_map.AvroMappingError, match="Avro primitive type name"):
        avro_map.dumps({name: r}, name)


def test_a_pipe_is_refused_without_opening_it(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "x.parquet"
    os.mkfifo(fifo)
    code, _, err = run_cli(capsys, "inspect", str(fifo))
    assert code == 2 and f"{fifo}: not a regular file or a folder" in err


def test_rows_with_invalid_utf8_show_the_bytes(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    raw = pa.array([b"ok", b"\xff\xfebad", None], pa.binary())
    path = tmp_path / "badutf8.parquet"
    pq.write_table(pa.table({"s": pa.Array.from_buffers(pa.string(), 3, raw.buffers())}), path)
    code, out, err = run_cli(capsys, "inspect", str(path), "--json", "--rows", "3")
    assert code == 0, err
    assert [r["s"] for r in json.loads(out)["files"][0]["rows"]] == [
        "ok", "<invalid UTF-8: 0xfffe626164>", None]


def test_hive_partition_keys_become_fields(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """``key=value/`` folders hold a column the files lack: it was silently dropped from
    the recovered IR (and from what the emitted record reads)."""
    import pyarrow.dataset as ds

    folder = tmp_path / "events"
    table = pa.table({"v": [1, 2, 3, 4], "k": ["a", "b", "a", None], "n": [7, 7, -3, 7]})
    ds.write_dataset(table, folder, format="parquet", partitioning=["k", "n"],
                     partitioning_flavor="hive")
    code, out, err = run_cli(capsys, "inspect", str(folder), "--json")
    assert code == 0, err
    entry = json.loads(out)["schemas"][0]["ir"]
    root, types = insp.recovered(json.loads(out))
    assert fields(pqfront.Recovered(root, types, "parquet")) == {
        "v": N(I64), "k": N(ir.String()), "n": N(I64)}
    assert any("Hive partition folders (k=, n=)" in n for n in entry["notes"])
    cls, name = load_pkg(types, root, tmp_path / "pkg")
    try:
        got = sorted((r.v, r.k, r.n) for r in schemagen.read(cls, folder))
        assert got == [(1, "a", 7), (2, "b", 7), (3, "a", -3), (4, None, 7)]
    finally:
        unload(name, tmp_path / "pkg")
    assert pqfront.partition_field("p", ["01", "2"]).type == N(ir.String())
    assert pqfront.partition_field("p", [str(2**63)]).type == N(ir.String())
    assert pqfront.partition_field("p", [None]).type == N(ir.String())
    assert pqfront.partition_field("p", ["-5", None]).type == N(I64)


def test_partitioned_schemagen_dataset_keeps_its_footer_ir(
        compile_schemas: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The footer's record has the partition field, the files do not: that is a match
    (it used to fall back to the Parquet schema, losing names, docs and the field)."""
    pkg = compile_schemas({"s.avsc": json.dumps({
        "type": "record", "name": "Sale", "namespace": "ex", "fields": [
            {"name": "sale_id", "type": "long"}, {"name": "state", "type": "string"}]})})
    Sale = pkg.record("ex.Sale")
    folder = tmp_path / "sales"
    with schemagen.DatasetWriter(Sale, folder, partition_by=["state"]) as w:
        w.write_many([Sale(sale_id=1, state="CA"), Sale(sale_id=2, state="NY")])
    code, out, err = run_cli(capsys, "inspect", str(folder), "--json")
    assert code == 0, err
    entry = json.loads(out)["schemas"][0]["ir"]
    assert entry["source"] == "footer" and entry["root"] == "ex.Sale" and entry["notes"] == []


def test_avro_names_made_up_for_fixed_types_never_take_a_record_name() -> None:
    """A record called Interval (a Parquet struct column named interval) next to an
    INTERVAL column: the column's fixed type took the record's name and the record field
    silently became fixed(12)."""
    types: dict[str, ir.Named] = {
        "R": ir.Record("R", (ir.Field("iv", ir.Interval()), ir.Field("s", ir.RecordRef("Interval")),
                             ir.Field("f", ir.Fixed(4)), ir.Field("g", ir.RecordRef("Fixed4")),
                             ir.Field("f2", ir.Fixed(4)))),
        "Interval": ir.Record("Interval", (ir.Field("a", I32),)),
        "Fixed4": ir.Record("Fixed4", (ir.Field("b", I32),)),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = avro.schema.parse(avro_map.dumps(types, "R"))
    by = {f.name: f.type for f in parsed.fields}
    assert (by["iv"].type, by["iv"].size, by["iv"].name) == ("fixed", 12, "Interval_2")
    assert (by["s"].type, by["s"].name) == ("record", "Interval")
    assert (by["f"].type, by["f"].name) == ("fixed", "Fixed4_2")
    assert (by["g"].type, by["g"].name) == ("record", "Fixed4")
    assert by["f2"].fullname == "Fixed4_2"  # the same fixed type, reused


def test_avro_record_default_uses_the_deduplicated_field_names() -> None:
    """Fields "a b" and "a_b" become a_b and a_b_: a record default must use those names
    (it wrote a_b twice, losing one value and leaving a_b_ without one)."""
    s = ir.Record("S", (ir.Field("a b", I32), ir.Field("a_b", I32)))
    r = ir.Record("R", (ir.Field("s", ir.RecordRef("S"), default=(("a b", 1), ("a_b", 2))),))
    doc = json.loads(avro_map.dumps({"R": r, "S": s}, "R"))
    assert doc["fields"][0]["default"] == {"a_b": 1, "a_b_": 2}
    avro.schema.parse(json.dumps(doc))


def test_footer_ir_with_other_types_than_the_file_is_not_trusted(tmp_path: Path) -> None:
    """Right column names, wrong types: the footer was trusted and the emitted reader could
    not read the file."""
    footer = _footer_case([{"name": "a", "type": {"type": "string"}}])
    path = tmp_path / "lying.parquet"
    table = pa.table({"a": pa.array([1, 2], pa.int32())})
    pq.write_table(table.replace_schema_metadata({b"schemagen.schema": footer}), path)
    rec = pqfront.recover(path)
    assert rec.source == "parquet" and fields(rec) == {"a": N(I32)}
    assert rec.notes == ("the footer's schemagen.schema (R) gives other types than the file's "
                         "columns (a: string in the footer, int32 in the file); recovered from "
                         "the Parquet schema instead",)
    cls, name = load_pkg(rec.types, rec.root, tmp_path / "pkg")
    try:
        assert typed_rows(cls, path) == [{"a": 1}, {"a": 2}]
    finally:
        unload(name, tmp_path / "pkg")


def test_error_messages_escape_control_characters_of_file_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "evil\x1b[2J.parquet"
    bad.write_bytes(b"not parquet at all, clearly")
    code, _, err = run_cli(capsys, "inspect", str(tmp_path))
    assert code == 2 and "evil\\x1b[2J.parquet: not a Parquet file" in err and "\x1b" not in err


def test_guard_ignores_stray_output_lines(tmp_path: Path) -> None:
    files = [tmp_path / "a.parquet"]
    script = ("import json, sys\n"
              "sys.stdout.write('1\\n[]\\n{\"ok\": true}\\nnot json\\n')\n"
              "sys.stdout.buffer.write(b'\\xff\\xfe\\n')\n"
              "print(json.dumps({'file': sys.argv[1], 'ok': False, 'error': 'real'}), flush=True)\n")
    assert insp.verify(files, timeout=30, worker=[sys.executable, "-c", script]) == {
        files[0]: "corrupt or unreadable Parquet file (pyarrow: real)"}


def test_dataset_fragment_files_take_their_folders_name(tmp_path: Path) -> None:
    # a syncer table's or dataset's 0_0_1.parquet recovered as class 'R001' said nothing
    assert pqfront.record_name(tmp_path / "users" / "0_0_1.parquet") == "Users"
    assert pqfront.record_name(tmp_path / "sales" / "day=1" / "k=x" / "0_0_0.parquet") == "Sales"
    assert pqfront.record_name(tmp_path / "x" / "2024" / "0_0_0.parquet") == "R000"
    assert pqfront.record_name(tmp_path / "users" / "part1.parquet") == "Part1"
    f = tmp_path / "page_views" / "0_0_0.parquet"
    f.parent.mkdir()
    pq.write_table(pa.table({"a": [1]}), f)
    assert frontends.parquet.recover(f).root == "PageViews"


def test_partitioned_folder_names_files_by_path_and_rows_carry_the_keys(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the file table listed '0_0_0.parquet' once per partition (no telling them apart), and
    # --rows dropped the partition keys the recovered record has as fields
    ds = tmp_path / "sales"
    for k, flag, a in (("7", "true", 1), ("__HIVE_DEFAULT_PARTITION__", "false", 2)):
        (ds / f"k={k}" / f"f={flag}").mkdir(parents=True)
        pq.write_table(pa.table({"a": [a]}), ds / f"k={k}" / f"f={flag}" / "0_0_0.parquet")
    code, text, err = run_cli(capsys, "inspect", str(ds), "--rows", "5")
    assert code == 0, err
    assert "k=7/f=true/0_0_0.parquet" in text
    assert "k=__HIVE_DEFAULT_PARTITION__/f=false/0_0_0.parquet" in text
    code, out, _ = run_cli(capsys, "inspect", str(ds), "--rows", "5", "--json")
    rows = [r for f in json.loads(out)["files"] for r in f["rows"]]
    assert sorted(rows, key=lambda r: r["a"]) == [{"a": 1, "k": 7, "f": "true"},
                                                 {"a": 2, "k": None, "f": "false"}]
