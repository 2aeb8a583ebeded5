"""``schemagen.load``: schemas compiled and imported in memory (``codegen/loader.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import REPO

import schemagen
from schemagen.codegen.loader import load_schemas, module_namespace
from schemagen.convert.plan import record_classes

POINT = {"type": "record", "name": "Point", "namespace": "t", "fields": [
    {"name": "x", "type": "long"},
    {"name": "label", "type": ["null", "string"], "default": None}]}
POINT_3D = {"type": "record", "name": "Point", "namespace": "t", "fields": [
    {"name": "x", "type": "double"}, {"name": "y", "type": "double"},
    {"name": "z", "type": "double"}]}
PROTO = """syntax = "proto3";
package p;
message Reading { int64 num = 1; string sensor = 2; repeated double values = 3; }
"""
THRIFT = """namespace py th
struct Reading { 1: required i64 num, 2: optional string sensor, 3: list<double> values }
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _roundtrip(cls: Any, recs: list[Any], tmp_path: Path) -> list[Any]:
    out = tmp_path / "o.parquet"
    schemagen.write(recs, out)
    return list(schemagen.read(cls, out))


def test_load_avsc_write_and_read(tmp_path: Path) -> None:
    mod = schemagen.load(_write(tmp_path / "p.avsc", json.dumps(POINT)))
    assert mod.__name__.startswith("_schemagen_load_") and mod.__name__.endswith(".t")
    got = _roundtrip(mod.Point, [mod.Point(x=1, label="a"), mod.Point(x=2)], tmp_path)
    assert [(p.x, p.label) for p in got] == [(1, "a"), (2, None)]


@pytest.mark.parametrize("name, text", [("r.proto", PROTO), ("r.thrift", THRIFT)])
def test_load_proto_and_thrift_write_and_read(tmp_path: Path, name: str, text: str) -> None:
    mod = schemagen.load(str(_write(tmp_path / name, text)))
    rec = mod.Reading(num=7, sensor="s", values=[1.5, 2.5])
    [got] = _roundtrip(mod.Reading, [rec], tmp_path)
    assert (got.num, got.sensor, list(got.values)) == (7, "s", [1.5, 2.5])


def test_two_loads_of_different_schemas_coexist(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    flat = schemagen.load(_write(tmp_path / "a" / "p.avsc", json.dumps(POINT)))
    deep = schemagen.load(_write(tmp_path / "b" / "p.avsc", json.dumps(POINT_3D)))
    assert flat.__name__ != deep.__name__
    assert flat.Point is not deep.Point
    assert [f.name for f in flat.Point.arrow_schema()] == ["x", "label"]
    assert [f.name for f in deep.Point.arrow_schema()] == ["x", "y", "z"]
    a = _roundtrip(flat.Point, [flat.Point(x=1)], tmp_path / "a")
    b = _roundtrip(deep.Point, [deep.Point(x=1.0, y=2.0, z=3.0)], tmp_path / "b")
    assert (a[0].x, b[0].z) == (1, 3.0)


def test_bad_schema_is_a_schema_error(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.avsc", '{"type": "record", "name": "R", "fields": [\n'
                                         '  {"name": "x", "type": "nosuchtype"}]}')
    with pytest.raises(schemagen.SchemaError, match="bad.avsc:2"):
        schemagen.load(bad)
    (tmp_path / "empty").mkdir()
    with pytest.raises(schemagen.UsageError, match="no schema files"):
        schemagen.load(tmp_path / "empty")


def test_several_namespaces_give_the_root_package_and_classes_by_name() -> None:
    loaded = load_schemas(REPO / "schemas")
    root = loaded.module
    assert root is loaded.modules[""]
    cls = loaded.record_class("example.sales.Transaction")
    assert cls is root.example.sales.Transaction
    # annotations naming other modules (TYPE_CHECKING imports) resolve: convert finds
    # the nested classes of an in-memory module
    event = loaded.record_class("example.events.Event")
    names = module_namespace(event.__module__)
    assert names["Transaction"] is cls
    assert record_classes(event)["example.sales.Transaction"] is cls


_NO_FILES = """
import json, os, sys
before = list(sys.path)
import schemagen
mod = schemagen.load(sys.argv[1])
print(json.dumps({"same_path": sys.path == before, "file": getattr(mod, "__file__", None),
                  "classes": sorted(mod.__all__)}))
"""


def test_no_files_written_and_sys_path_untouched(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    _write(schemas / "p.avsc", json.dumps(POINT))
    work, tmp = tmp_path / "cwd", tmp_path / "tmp"
    work.mkdir()
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", _NO_FILES, str(schemas / "p.avsc")],
                          cwd=work, env=env, capture_output=True, text=True, check=True)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"same_path": True, "file": None, "classes": ["Point"]}
    assert list(work.iterdir()) == [] and list(tmp.iterdir()) == []
    assert sorted(p.name for p in schemas.iterdir()) == ["p.avsc"]


# ---------------------------------------------------------------- cache, include=, package=

LIB = "namespace py lib\nstruct Money { 1: required i64 cents }\n"
APP = 'include "lib.thrift"\nnamespace py app\nstruct Order { 1: required lib.Money total }\n'


def test_same_content_same_modules_changed_content_recompiled(tmp_path: Path) -> None:
    p = _write(tmp_path / "p.avsc", json.dumps(POINT))
    first = schemagen.load(p)
    assert schemagen.load(str(p)) is first and schemagen.load([p]) is first
    assert schemagen.load(tmp_path) is first  # the folder holds the same one file
    # other options: another compile
    assert schemagen.load(p, sql_dialect="duckdb") is not first
    _write(p, json.dumps(POINT_3D))
    second = schemagen.load(p)
    assert second is not first and second.__name__ != first.__name__
    assert [f.name for f in second.Point.arrow_schema()] == ["x", "y", "z"]
    assert [f.name for f in first.Point.arrow_schema()] == ["x", "label"]  # kept as it was
    _write(p, json.dumps(POINT))  # back to the first bytes: the first load again
    assert schemagen.load(p) is first


def test_a_changed_include_recompiles(tmp_path: Path) -> None:
    (tmp_path / "idl").mkdir()
    lib = _write(tmp_path / "idl" / "lib.thrift", LIB)
    app = _write(tmp_path / "idl" / "app.thrift", APP)
    mod = schemagen.load(app, include=tmp_path / "idl")
    assert mod.app.Order.__module__ == mod.__name__ + ".app"  # two namespaces: the root
    assert schemagen.load(app, include=[tmp_path / "idl"]) is mod
    _write(lib, LIB.replace("1: required i64 cents", "1: required i64 cents, 2: string cur"))
    again = schemagen.load(app, include=tmp_path / "idl")
    assert again is not mod
    money = again.app.Order.arrow_schema().field("total").type
    assert [money.field(i).name for i in range(money.num_fields)] == ["cents", "cur"]


def test_include_dirs_is_a_deprecated_alias(tmp_path: Path) -> None:
    (tmp_path / "idl").mkdir()
    _write(tmp_path / "idl" / "lib.thrift", LIB)
    app = _write(tmp_path / "idl" / "app.thrift", APP)
    with pytest.warns(DeprecationWarning, match="use include="):
        old = schemagen.load(app, include_dirs=[tmp_path / "idl"])
    assert old is schemagen.load(app, include=tmp_path / "idl")
    with pytest.raises(schemagen.UsageError, match="give include= only"):
        schemagen.load(app, include=tmp_path / "idl", include_dirs=[tmp_path / "idl"])
    with pytest.raises(schemagen.UsageError, match="expected a path or a list of paths"):
        schemagen.load(app, include=3)  # type: ignore[arg-type]


def test_modules_are_importable_and_records_pickle(tmp_path: Path) -> None:
    import importlib
    import pickle

    mod = schemagen.load(_write(tmp_path / "p.avsc", json.dumps(POINT)))
    assert importlib.import_module(mod.__name__) is mod
    rec = mod.Point(x=3, label="c")
    back = pickle.loads(pickle.dumps(rec))
    assert type(back) is mod.Point and (back.x, back.label) == (3, "c")


_PACKAGE = """
import json, pickle, sys
import schemagen
mod = schemagen.load(sys.argv[1], package="sgpoints")
import sgpoints.t
from sgpoints.t import Point
rec = Point(x=5)
out = {"name": mod.__name__, "same": sgpoints.t is mod and Point is mod.Point,
       "pickled": pickle.loads(pickle.dumps(rec)) == rec,
       "again": schemagen.load(sys.argv[1], package="sgpoints") is mod}
open(sys.argv[1], "w").write(sys.argv[2])  # other content, same package: replaced
new = schemagen.load(sys.argv[1], package="sgpoints")
import sgpoints.t as now
out["replaced"] = new is not mod and now is new and now.Point is not Point
out["fields"] = [f.name for f in now.Point.arrow_schema()]
print(json.dumps(out))
"""


def test_package_names_the_root_package(tmp_path: Path) -> None:
    p = _write(tmp_path / "p.avsc", json.dumps(POINT))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", _PACKAGE, str(p), json.dumps(POINT_3D)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"name": "sgpoints.t", "same": True, "pickled": True, "again": True,
                   "replaced": True, "fields": ["x", "y", "z"]}


@pytest.mark.parametrize("package, message", [
    ("json", "would shadow the module of that name"),
    ("schemagen", "would shadow the module of that name"),
    ("a.b", "must be a Python identifier"),
    ("class", "must be a Python identifier"),
    ("", "must be a Python identifier"),
])
def test_bad_package_names_are_refused(tmp_path: Path, package: str, message: str) -> None:
    p = _write(tmp_path / "p.avsc", json.dumps(POINT))
    with pytest.raises(schemagen.UsageError, match=message):
        schemagen.load(p, package=package)


def test_convert_uses_the_cached_load(tmp_path: Path) -> None:
    from schemagen.cli.commands.convert import record_class

    p = _write(tmp_path / "p.avsc", json.dumps(POINT))
    assert record_class([str(p)], "t.Point") is schemagen.load(p).Point
