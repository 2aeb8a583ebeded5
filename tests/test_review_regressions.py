"""Regression tests for the bugs found in code review (each would fail if its fix
were reverted): docstring quoting, required-null checks on foreign files, the
output-folder swap, refusing foreign output folders, the fail-stop writer, CLI
error paths, float32 range, dictionary-encoded inputs, option validation,
enum members in unions, case-only namespace clashes, unused imports and
null-typed columns written by other tools."""

from __future__ import annotations

import ast
import datetime
import decimal
import inspect
import json
import os
import re
import struct
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import GenPackage, run_ruff, write_schema_files

import schemagen
from schemagen.cli.main import main
from schemagen.codegen import compiler

# --------------------------------------------------------------------------- helpers


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (generated ``__pycache__`` aside) with its bytes."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def names_path(msg: str, path: str) -> bool:
    """``path`` occurs in ``msg`` as a whole column path (not as part of a longer one)."""
    return re.search(rf"(?<![\w.\[]){re.escape(path)}(?![\w.\[{{])", msg) is not None


def field_docs(pkg: GenPackage, module_file: str, cls_name: str) -> dict[str, str]:
    """Attribute docstrings (the string after each field annotation) of a generated class."""
    tree = ast.parse(pkg.files()[module_file].decode())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls_name)
    docs = {}
    for a, b in zip(cls.body, cls.body[1:]):
        if (isinstance(a, ast.AnnAssign) and isinstance(a.target, ast.Name)
                and isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant)):
            docs[a.target.id] = b.value.value
    return docs


def record_schema(namespace: str, fields: list[dict[str, Any]], name: str = "R",
                  **extra: Any) -> str:
    return json.dumps({"type": "record", "name": name, "namespace": namespace,
                       "fields": fields, **extra})


@pytest.fixture
def cli_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with ``schemas/thing.avsc``, as the current directory."""
    monkeypatch.chdir(tmp_path)
    write_schema_files(tmp_path / "schemas", {"thing.avsc": record_schema(
        "rv.cli", [{"name": "ident", "type": "long"}], name="Thing", doc="A thing.")})
    return tmp_path


# --------------------------------------------------------------------------- 1. docstrings

AWKWARD_DOCS = [
    pytest.param('ends with a triple quote """', id="ends-triple-quote"),
    pytest.param('has """ in the middle', id="triple-quote-middle"),
    pytest.param('ends with a single quote "', id="ends-single-quote"),
    pytest.param('back\\slashes \\n \\t \\" \\\\ and a trailing backslash \\', id="backslashes"),
    pytest.param('x\\"', id="ends-backslash-quote"),
    pytest.param('x""""', id="ends-four-quotes"),
    pytest.param('""""', id="only-quotes"),
    pytest.param('first line\n  second """ line \\ here\nlast line ends "', id="multi-line"),
]


@pytest.mark.parametrize("doc", AWKWARD_DOCS)
def test_awkward_docs_compile_and_keep_their_text(compile_schemas: Any, doc: str) -> None:
    pkg = compile_schemas({"doc.avsc": record_schema("rv.docs", [
        {"name": "a", "type": "int", "doc": doc},
        {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"], "doc": doc}},
    ], doc=doc)})
    for rel, data in pkg.files().items():
        compile(data, rel, "exec")
    m = pkg.module("rv.docs")
    assert inspect.cleandoc(m.R.__doc__) == inspect.cleandoc(doc)
    assert inspect.cleandoc(m.E.__doc__) == inspect.cleandoc(doc)
    docs = field_docs(pkg, "rv/docs.py", "R")
    assert inspect.cleandoc(docs["a"]) == inspect.cleandoc(doc)
    assert m.R(a=1, e=m.E.Y).a == 1


# --------------------------------------------------------------------------- 2. required nulls

REQ_SCHEMA = record_schema("rv.req", [
    {"name": "count", "type": "long"},
    {"name": "label", "type": "string"},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "counts", "type": {"type": "map", "values": "long"}},
    {"name": "point", "type": {"type": "record", "name": "Pt",
                               "fields": [{"name": "xval", "type": "long"}]}},
    {"name": "maybe", "type": ["null", {"type": "record", "name": "Box",
                                        "fields": [{"name": "inner", "type": "long"}]}],
     "default": None},
], name="Req")

PT = pa.struct([("xval", pa.int64())])
BOX = pa.struct([("inner", pa.int64())])
COUNTS = pa.map_(pa.string(), pa.int64())


def foreign_table(**over: Any) -> pa.Table:
    """Two rows as plain pyarrow (not schemagen) would write them."""
    cols: dict[str, Any] = {
        "count": pa.array([1, 2], pa.int64()),
        "label": pa.array(["x", "y"]),
        "tags": pa.array([["q"], []], pa.list_(pa.string())),
        "counts": pa.array([[("k", 1)], []], COUNTS),
        "point": pa.array([{"xval": 1}, {"xval": 2}], PT),
        "maybe": pa.array([{"inner": 3}, {"inner": 4}], BOX),
    }
    cols.update(over)
    return pa.table(cols)


@pytest.fixture
def req(compile_schemas: Any) -> Any:
    return compile_schemas({"req.avsc": REQ_SCHEMA}).module("rv.req")


NULL_IN_REQUIRED = [
    pytest.param({"count": pa.array([1, None], pa.int64())}, "count", id="top-level-long"),
    pytest.param({"label": pa.array(["x", None])}, "label", id="top-level-string"),
    pytest.param({"tags": pa.array([["q"], None], pa.list_(pa.string()))}, "tags",
                 id="top-level-list"),
    pytest.param({"tags": pa.array([["q", None], []], pa.list_(pa.string()))}, "tags[]",
                 id="null-item-in-list"),
    pytest.param({"counts": pa.array([[("k", 1)], [("j", None)]], COUNTS)}, "counts{}",
                 id="null-map-value"),
    pytest.param({"point": pa.StructArray.from_arrays([pa.array([1, None], pa.int64())],
                                                      names=["xval"])},
                 "point.xval", id="child-of-non-null-record"),
    pytest.param({"point": pa.array([{"xval": 1}, None], PT)}, "point", id="required-record"),
]


@pytest.mark.parametrize(("override", "path"), NULL_IN_REQUIRED)
def test_foreign_null_in_required_field_is_read_error(req: Any, tmp_path: Path,
                                                      override: dict[str, Any], path: str) -> None:
    table = foreign_table(**override)
    file = tmp_path / "foreign_nulls.parquet"
    pq.write_table(table, file)
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(req.Req, file))
    msg = str(ei.value)
    assert file.name in msg, msg
    assert names_path(msg, path), msg


def test_foreign_null_child_under_null_parent_reads(req: Any, tmp_path: Path) -> None:
    maybe = pa.StructArray.from_arrays([pa.array([None, 4], pa.int64())], names=["inner"],
                                       mask=pa.array([True, False]))
    file = tmp_path / "null_parent.parquet"
    pq.write_table(foreign_table(maybe=maybe), file)
    assert pq.read_table(file).column("maybe").to_pylist() == [None, {"inner": 4}]
    back = list(schemagen.read(req.Req, file))
    assert back == [
        req.Req(count=1, label="x", tags=["q"], counts={"k": 1}, point=req.Pt(xval=1), maybe=None),
        req.Req(count=2, label="y", tags=[], counts={}, point=req.Pt(xval=2),
                maybe=req.Box(inner=4)),
    ]


# --------------------------------------------------------------------------- 3. the swap


def test_failed_swap_keeps_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_schema_files(tmp_path / "schemas", {"s.avsc": record_schema(
        "rv.swap", [{"name": "x", "type": "int"}], doc="version one")})
    out = tmp_path / "gen"
    compiler.write(compiler.render(src, out), out)
    before = snapshot(out)
    assert "rv/swap.py" in before

    src[0].write_text(record_schema("rv.swap", [{"name": "x", "type": "int"}], doc="version two"))
    rendered = compiler.render(src, out)
    assert rendered["rv/swap.py"].encode() != before["rv/swap.py"]

    real_replace = os.replace
    failed = []

    def flaky(a: Any, b: Any, *args: Any, **kw: Any) -> None:
        # the swap itself: the new folder moved onto the output folder
        if Path(b).resolve() == out.resolve() and Path(a).name.startswith(".gen.new-"):
            failed.append((a, b))
            raise OSError(28, "No space left on device (simulated)")
        real_replace(a, b, *args, **kw)

    monkeypatch.setattr(compiler.os, "replace", flaky)
    with pytest.raises(OSError, match="simulated"):
        compiler.write(rendered, out)
    monkeypatch.undo()

    assert failed, "the swap was attempted"
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen", "schemas"]
    leftovers = [p.name for p in tmp_path.iterdir()
                 if p.name.startswith((".gen.new-", ".gen.old-"))]
    assert leftovers == []


# --------------------------------------------------------------------------- 4. foreign output


@pytest.mark.parametrize(("rel", "text"), [
    pytest.param("NOTES.md", "my notes\n", id="notes-md"),
    pytest.param("rv/helpers.py", "def helper() -> int:\n    return 1\n", id="hand-written-py"),
])
def test_compile_refuses_output_with_foreign_file(cli_project: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  rel: str, text: str) -> None:
    assert main(["compile", "schemas", "-o", "gen", "-q"]) == 0
    capsys.readouterr()
    (cli_project / "gen" / rel).write_text(text)
    before = snapshot(cli_project)
    assert main(["compile", "schemas", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert Path(rel).name in err, err
    assert "Traceback" not in err
    assert snapshot(cli_project) == before
    assert sorted(p.name for p in cli_project.iterdir()) == ["gen", "schemas"]


def test_compile_refuses_inputs_inside_output(cli_project: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    # gen/ is a package schemagen generated, and the schemas were moved into it
    assert main(["compile", "schemas", "-o", "gen", "-q"]) == 0
    capsys.readouterr()
    (cli_project / "schemas").rename(cli_project / "gen" / "schemas")
    before = snapshot(cli_project)
    assert main(["compile", "gen/schemas", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "gen/schemas" in err, err
    # refused as a schema input inside the output (not only as a stray file in it)
    where = err.replace(str(cli_project.resolve()), "<project>").replace(str(cli_project), "<project>")
    assert "input" in where, err
    assert "Traceback" not in err
    assert snapshot(cli_project) == before
    assert (cli_project / "gen" / "schemas" / "thing.avsc").is_file()


# --------------------------------------------------------------------------- 5. fail-stop writer


@pytest.fixture
def longs(compile_schemas: Any) -> Any:
    return compile_schemas({"l.avsc": record_schema("rv.longs", [{"name": "i", "type": "long"}])}
                           ).module("rv.longs")


@pytest.mark.parametrize("how", ["write", "write_many"])
def test_writer_stops_after_record_error(longs: Any, tmp_path: Path, how: str) -> None:
    R = longs.R
    folder = tmp_path / "data"
    path = folder / "x.parquet"
    w = schemagen.ParquetWriter(R, path, batch_size=2, row_group_size=2)
    for i in range(4):
        w.write(R(i=i))
    assert [n for n in os.listdir(folder) if n.endswith(".tmp")], "a row group is on disk"
    with pytest.raises(schemagen.RecordError):
        if how == "write":
            w.write(R(i=10))
            w.write(R(i="bad"))
        else:
            w.write_many([R(i=10), R(i="bad")])
    with pytest.raises(schemagen.UsageError):
        w.write(R(i=100))
    with pytest.raises(schemagen.UsageError):
        w.write_many([R(i=101)])
    with pytest.raises(schemagen.UsageError):
        w.close()
    assert os.listdir(folder) == []
    with pytest.raises(schemagen.UsageError):
        w.close()
    assert not path.exists()
    assert os.listdir(folder) == []


# --------------------------------------------------------------------------- 6. CLI error paths


def test_cli_namespace_part_too_long(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ns = "n" * 300
    src = write_schema_files(cli_project / "long", {"long.avsc": record_schema(
        ns, [{"name": "a", "type": "int"}])})
    with pytest.raises(schemagen.SchemaError, match="namespace"):
        compiler.render(src, cli_project / "gen")
    assert main(["compile", "long", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "schemagen: error:" in err and "namespace" in err, err
    assert "Traceback" not in err
    assert not (cli_project / "gen").exists()


def test_cli_output_under_a_file(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cli_project / "somefile").write_text("data")
    assert main(["compile", "schemas", "-o", "somefile/gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "schemagen: error:" in err and "somefile" in err, err
    assert "Traceback" not in err
    assert (cli_project / "somefile").read_text() == "data"
    assert sorted(p.name for p in cli_project.iterdir()) == ["schemas", "somefile"]


def test_cli_enum_without_symbols(cli_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_schema_files(cli_project / "enums", {"empty_enum.avsc": record_schema("rv.en", [
        {"name": "e", "type": {"type": "enum", "name": "Nothing", "symbols": []}}])})
    assert main(["compile", "enums", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "empty_enum.avsc" in err and "symbols" in err, err
    assert "Traceback" not in err
    assert not (cli_project / "gen").exists()


UNMAPPABLE = [
    pytest.param({"type": "bytes", "logicalType": "decimal", "precision": 80, "scale": 2},
                 decimal.Decimal("1.25"), r"decimal\(80", id="decimal-precision-80"),
    pytest.param({"type": "fixed", "name": "Empty", "size": 0}, b"", r"fixed size 0",
                 id="fixed-size-0"),
]


@pytest.mark.parametrize(("avro_type", "value", "problem"), UNMAPPABLE)
def test_unmappable_types_compile_but_refuse_parquet(cli_project: Path, compile_schemas: Any,
                                                     capsys: pytest.CaptureFixture[str],
                                                     avro_type: Any, value: Any,
                                                     problem: str) -> None:
    text = record_schema("rv.unmap", [{"name": "v", "type": avro_type}])
    write_schema_files(cli_project / "um", {"um.avsc": text})
    assert main(["compile", "um", "-o", "gen", "-q"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert (cli_project / "gen" / "rv" / "unmap.py").is_file()

    m = compile_schemas({"um.avsc": text}).module("rv.unmap")
    rec = m.R(v=value)
    assert rec.v == value
    with pytest.raises(schemagen.ParquetMappingError, match=problem):
        m.R.arrow_schema()
    out = cli_project / "data" / "um.parquet"
    with pytest.raises(schemagen.ParquetMappingError, match=problem):
        schemagen.write([rec], out)
    assert not out.exists()


# --------------------------------------------------------------------------- 7. float32 range

FLT_MAX = 3.4028234663852886e38


def as_float32(v: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", v))[0])


@pytest.fixture
def floats(compile_schemas: Any) -> Any:
    return compile_schemas({"f.avsc": record_schema("rv.f32", [
        {"name": "f", "type": "float"},
        {"name": "lf", "type": {"type": "array", "items": "float"}}])}).module("rv.f32")


@pytest.mark.parametrize("big", [1e39, -1e39])
def test_float32_overflow_is_record_error(floats: Any, tmp_path: Path, big: float) -> None:
    out = tmp_path / "data" / "f.parquet"
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write([floats.R(f=1.0, lf=[]), floats.R(f=big, lf=[])], out)
    assert (ei.value.index, ei.value.path, ei.value.value) == (1, "f", big)
    assert "f" in str(ei.value) and repr(big) in str(ei.value)
    assert not out.exists()

    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write([floats.R(f=1.0, lf=[1.0, big])], out)
    assert (ei.value.index, ei.value.path, ei.value.value) == (0, "lf[1]", big)
    assert "lf[1]" in str(ei.value) and repr(big) in str(ei.value)
    assert not out.exists()


def test_float32_range_edges_round_trip(floats: Any, tmp_path: Path) -> None:
    inf = float("inf")
    rows = [floats.R(f=3.0e38, lf=[3.0e38, -3.0e38]),
            floats.R(f=inf, lf=[inf, -inf, FLT_MAX, -FLT_MAX]),
            floats.R(f=-inf, lf=[])]
    path = schemagen.write(rows, tmp_path / "f.parquet")
    back = list(schemagen.read(floats.R, path))
    assert [(r.f, r.lf) for r in back] == [
        (as_float32(3.0e38), [as_float32(3.0e38), as_float32(-3.0e38)]),
        (inf, [inf, -inf, FLT_MAX, -FLT_MAX]),
        (-inf, []),
    ]
    assert as_float32(3.0e38) != inf


# --------------------------------------------------------------------------- 8. dictionary input, options


@pytest.fixture
def fixeds(compile_schemas: Any) -> Any:
    return compile_schemas({"fx.avsc": record_schema("rv.fx", [
        {"name": "f", "type": {"type": "fixed", "name": "F4", "size": 4}},
        {"name": "w", "type": {"type": "fixed", "name": "W", "size": 12, "logicalType": "duration"}},
        {"name": "u", "type": {"type": "string", "logicalType": "uuid"}}])}).module("rv.fx")


def test_dictionary_binary_into_fixed(fixeds: Any, tmp_path: Path) -> None:
    u1, u2 = uuid.UUID(int=1), uuid.UUID(int=2)
    w1 = struct.pack("<III", 1, 2, 3)
    table = pa.table({
        "f": pa.array([b"abcd", b"wxyz", b"abcd"]).dictionary_encode(),
        "w": pa.array([w1] * 3).dictionary_encode(),
        "u": pa.array([u1.bytes, u2.bytes, u1.bytes], pa.binary(16)),
    })
    file = tmp_path / "dict.parquet"
    pq.write_table(table, file, use_dictionary=True)
    types = pq.read_schema(file).types
    assert pa.types.is_dictionary(types[0]) and pa.types.is_dictionary(types[1])  # under test
    back = list(schemagen.read(fixeds.R, file))
    interval = schemagen.Interval(1, 2, 3)
    assert back == [fixeds.R(f=b"abcd", w=interval, u=u1), fixeds.R(f=b"wxyz", w=interval, u=u2),
                    fixeds.R(f=b"abcd", w=interval, u=u1)]


def test_dictionary_encoded_fixed_width_into_fixed(fixeds: Any, tmp_path: Path) -> None:
    u1 = uuid.UUID(int=7)
    w1 = struct.pack("<III", 4, 5, 6)
    table = pa.table({
        "f": pa.array([b"abcd", b"wxyz"], pa.binary(4)).dictionary_encode(),
        "w": pa.array([w1, w1], pa.binary(12)).dictionary_encode(),
        "u": pa.array([u1.bytes, u1.bytes], pa.binary(16)).dictionary_encode(),
    })
    file = tmp_path / "dict_fixed.parquet"
    pq.write_table(table, file, use_dictionary=True)
    md = pq.ParquetFile(file).metadata.row_group(0)
    assert all(md.column(i).has_dictionary_page for i in range(3))
    back = list(schemagen.read(fixeds.R, file))
    interval = schemagen.Interval(4, 5, 6)
    assert back == [fixeds.R(f=b"abcd", w=interval, u=u1), fixeds.R(f=b"wxyz", w=interval, u=u1)]


DICT_COLUMNS = [
    pytest.param("long", pa.array([5, 6, 5], pa.int64()), [5, 6, 5], id="long"),
    pytest.param("double", pa.array([0.5, 1.5, 0.5]), [0.5, 1.5, 0.5], id="double"),
    pytest.param({"type": "int", "logicalType": "date"},
                 pa.array([datetime.date(2020, 1, 2), datetime.date(2021, 3, 4),
                           datetime.date(2020, 1, 2)]),
                 [datetime.date(2020, 1, 2), datetime.date(2021, 3, 4), datetime.date(2020, 1, 2)],
                 id="date"),
    pytest.param({"type": "long", "logicalType": "time-micros"},
                 pa.array([datetime.time(1, 2, 3, 4), datetime.time(5, 6), datetime.time(1, 2, 3, 4)],
                          pa.time64("us")),
                 [datetime.time(1, 2, 3, 4), datetime.time(5, 6), datetime.time(1, 2, 3, 4)],
                 id="time"),
    pytest.param({"type": "long", "logicalType": "timestamp-micros"},
                 pa.array([1, 2, 1], pa.timestamp("us", tz="UTC")),
                 [datetime.datetime(1970, 1, 1, 0, 0, 0, us, tzinfo=datetime.UTC)
                  for us in (1, 2, 1)], id="timestamp"),
    pytest.param({"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
                 pa.array([decimal.Decimal("1.50"), decimal.Decimal("2.25"),
                           decimal.Decimal("1.50")], pa.decimal128(9, 2)),
                 [decimal.Decimal("1.50"), decimal.Decimal("2.25"), decimal.Decimal("1.50")],
                 id="decimal"),
    pytest.param("bytes", pa.array([b"a", b"b", b"a"]), [b"a", b"b", b"a"], id="bytes"),
    pytest.param("string", pa.array(["a", "b", "a"]), ["a", "b", "a"], id="string"),
]


@pytest.mark.parametrize(("avro_type", "arr", "values"), DICT_COLUMNS)
def test_dictionary_encoded_columns_read(compile_schemas: Any, tmp_path: Path, avro_type: Any,
                                         arr: pa.Array, values: list[Any]) -> None:
    m = compile_schemas({"d.avsc": record_schema("rv.dict", [{"name": "v", "type": avro_type}])}
                        ).module("rv.dict")
    file = tmp_path / "dict_col.parquet"
    # dictionary-typed in memory, as a reader of another tool's file may hand it over
    table = pa.table({"v": arr.dictionary_encode()})
    back = m.R.__schemagen__.from_batch(table.to_batches()[0])
    assert [r.v for r in back] == values
    pq.write_table(table, file, use_dictionary=True)
    assert [r.v for r in schemagen.read(m.R, file)] == values


@pytest.fixture
def longs_file(longs: Any, tmp_path: Path) -> Path:
    return schemagen.write([longs.R(i=i) for i in range(10)], tmp_path / "longs.parquet")


@pytest.mark.parametrize("op", ["in", "not in"])
def test_filter_in_needs_a_collection(longs: Any, longs_file: Path, op: str) -> None:
    with pytest.raises(schemagen.UsageError, match=op):
        list(schemagen.read(longs.R, longs_file, filter=[("i", op, 5)]))
    # a list is fine
    got = [r.i for r in schemagen.read(longs.R, longs_file, filter=[("i", op, [5])])]
    assert got == ([5] if op == "in" else [0, 1, 2, 3, 4, 6, 7, 8, 9])


@pytest.mark.parametrize("batch_size", [0, -1, True, 1.5])
def test_read_batch_size_must_be_positive(longs: Any, longs_file: Path, batch_size: Any) -> None:
    with pytest.raises(schemagen.UsageError, match="batch_size"):
        list(schemagen.read(longs.R, longs_file, batch_size=batch_size))


@pytest.mark.parametrize("options", [
    pytest.param({"use_dictionary": 5}, id="use_dictionary=5"),
    pytest.param({"write_statistics": "yes"}, id="write_statistics=yes"),
])
def test_bad_writer_flags_raise_usage_error(longs: Any, tmp_path: Path,
                                            options: dict[str, Any]) -> None:
    name = next(iter(options))
    out = tmp_path / "data" / "x.parquet"
    with pytest.raises(schemagen.UsageError, match=name):
        schemagen.write([longs.R(i=1)], out, **options)
    with pytest.raises(schemagen.UsageError, match=name):
        schemagen.ParquetWriter(longs.R, out, **options)
    assert not out.exists()


# --------------------------------------------------------------------------- 9. enums in unions


@pytest.fixture
def enum_unions(compile_schemas: Any) -> Any:
    return compile_schemas({"eu.avsc": record_schema("rv.eu", [
        {"name": "ne", "type": ["null", {"type": "enum", "name": "E", "symbols": ["A", "B"]}, "int"]},
        {"name": "se", "type": ["string", "E"]}])}).module("rv.eu")


def test_plain_symbol_written_to_enum_member_of_union(enum_unions: Any, tmp_path: Path) -> None:
    m = enum_unions
    path = schemagen.write([m.R(ne="A", se="x"), m.R(ne=7, se="y"), m.R(ne=None, se="z")],
                           tmp_path / "eu.parquet")
    back = list(schemagen.read(m.R, path))
    assert back[0].ne is m.E.A
    assert back[1].ne == 7 and type(back[1].ne) is int
    assert back[2].ne is None


def test_enum_member_after_string_in_union(enum_unions: Any, tmp_path: Path) -> None:
    m = enum_unions
    path = schemagen.write([m.R(ne=None, se=m.E.B), m.R(ne=None, se="plain")],
                           tmp_path / "eu.parquet")
    back = list(schemagen.read(m.R, path))
    assert type(back[0].se) is m.E and back[0].se is m.E.B
    assert type(back[1].se) is str and back[1].se == "plain"


# --------------------------------------------------------------------------- 10. case-only namespaces


def test_namespaces_differing_only_in_case(cli_project: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    src = write_schema_files(cli_project / "cases", {
        "upper.avsc": record_schema("A.b", [{"name": "x", "type": "int"}]),
        "lower.avsc": record_schema("a.c", [{"name": "x", "type": "int"}]),
    })
    with pytest.raises(schemagen.SchemaError, match="differ only in case"):
        compiler.render(src, cli_project / "gen")
    assert main(["compile", "cases", "-o", "gen", "-q"]) == 2
    err = capsys.readouterr().err
    assert "differ only in case" in err, err
    assert "Traceback" not in err
    assert not (cli_project / "gen").exists()


# --------------------------------------------------------------------------- 11. unused imports


def test_doc_mentioning_import_aliases_adds_no_imports(compile_schemas: Any) -> None:
    doc = "Mentions _uuid, _decimal, _enum and _dt (and _uuid.UUID) but uses none of them."
    pkg = compile_schemas({"al.avsc": record_schema("rv.alias", [
        {"name": "x", "type": "int", "doc": "also _uuid _decimal _enum _dt"},
        {"name": "s", "type": "string", "default": "_uuid _decimal _enum _dt"}], doc=doc)})
    m = pkg.module("rv.alias")
    assert inspect.cleandoc(m.R.__doc__) == doc
    tree = ast.parse(pkg.files()["rv/alias.py"].decode())
    bound = {(a.asname or a.name) for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for a in n.names}
    assert not bound & {"_uuid", "_decimal", "_enum", "_dt"}, bound
    res = run_ruff(pkg.path)
    assert res.returncode == 0, res.stdout + res.stderr


# --------------------------------------------------------------------------- 12. null-typed columns


@pytest.fixture
def nulls(compile_schemas: Any) -> Any:
    return compile_schemas({"n.avsc": record_schema("rv.nulls", [
        {"name": "n", "type": "null"}, {"name": "i", "type": "int"}])}).module("rv.nulls")


def test_null_field_from_all_null_int32_column(nulls: Any, tmp_path: Path) -> None:
    file = tmp_path / "int32_nulls.parquet"
    pq.write_table(pa.table({"n": pa.array([None, None], pa.int32()),
                             "i": pa.array([1, 2], pa.int32())}), file)
    assert pq.read_schema(file).field("n").type == pa.int32()
    assert list(schemagen.read(nulls.R, file)) == [nulls.R(n=None, i=1), nulls.R(n=None, i=2)]


def test_null_field_holding_a_value_is_read_error(nulls: Any, tmp_path: Path) -> None:
    file = tmp_path / "int32_value.parquet"
    pq.write_table(pa.table({"n": pa.array([None, 5], pa.int32()),
                             "i": pa.array([1, 2], pa.int32())}), file)
    with pytest.raises(schemagen.ReadError) as ei:
        list(schemagen.read(nulls.R, file))
    assert file.name in str(ei.value)


# --------------------------------------------------------------------------- dates beyond year 9999


@pytest.mark.parametrize(
    ("field_type", "arrow"),
    [
        ({"type": "int", "logicalType": "date"},
         pa.array([20_000_000], pa.int32()).cast(pa.date32())),
        ({"type": "long", "logicalType": "local-timestamp-micros"},
         pa.array([253_402_300_800_000_000], pa.timestamp("us"))),
    ],
    ids=["date", "timestamp"],
)
def test_dates_beyond_python_range_are_read_errors(compile_schemas: Any, tmp_path: Path,
                                                    field_type: dict[str, Any],
                                                    arrow: Any) -> None:
    """numpy's tolist() would silently give an int for these; schemagen refuses."""
    pkg = compile_schemas({"d.avsc": record_schema("dr", [{"name": "d", "type": field_type}])})
    rec = pkg.module("dr").R
    path = tmp_path / "foreign.parquet"
    pq.write_table(pa.table({"d": arrow}), path)
    with pytest.raises(schemagen.ReadError, match="years 1..9999") as info:
        list(schemagen.read(rec, path))
    assert "foreign.parquet" in str(info.value)
