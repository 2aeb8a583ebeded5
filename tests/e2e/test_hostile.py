"""Hostile schemas: schema text must never become code, names are sanitised,
and nothing is written outside the output folder (DESIGN.md quality bars)."""

from __future__ import annotations

import ast
import builtins
import inspect
import json
import keyword
import os
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sg_helpers import (
    GenPackage,
    build_package,
    ir_of,
    purge,
    run_mypy,
    run_ruff,
    write_schema_files,
)

import schemagen
from schemagen.codegen import compiler


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if "__pycache__" not in p.parts}


def hostile_schema(marker: Path) -> str:
    m = str(marker)
    payload = f"__import__('os').system('touch {m}'); open({m!r}, 'w')"
    doc = (f'Doc with """ and \\"\\"\\"; {payload}\n'
           f"'''{payload}'''\n  indented {{{{ 7*7 }}}} {{% raw %}} \\ backslash ending quote\"")
    return json.dumps({
        "type": "record", "name": "Evil", "namespace": "hostile.ns", "doc": doc,
        "fields": [
            {"name": "class", "type": "string", "doc": f"'''\"\"\"\n{payload}\n\\",
             "default": f'"""; {payload} #\n\'\'\'\\'},
            {"name": "from", "type": "int", "default": 1},
            {"name": "__init__", "type": "string", "default": "\n}\n]\n)\n"},
            {"name": "self", "type": "long", "default": 2},
            {"name": "print", "type": "boolean", "default": False},
            {"name": "date", "type": {"type": "int", "logicalType": "date"}, "default": 0},
            {"name": "datetime", "type": {"type": "long", "logicalType": "timestamp-micros"},
             "default": 0},
            {"name": "_sg_x", "type": "double", "default": 1.5},
            {"name": "__schemagen__", "type": "string", "default": "s"},
            {"name": "arrow_schema", "type": "string", "default": "a"},
            {"name": "None", "type": "string", "default": "n"},
            {"name": "lambda", "type": {"type": "array", "items": "string"},
             "default": [f"\"); {payload}; (\"", "{{ x }}"]},
            {"name": "kind", "type": {
                "type": "enum", "name": "Kind", "doc": f"\"\"\"{payload}",
                "symbols": ["None", "True", "False", "_private", "mro", "name", "value",
                            "_missing_", "__init__", "class", "SAFE"],
                "default": "SAFE"}, "default": "None"},
            {"name": "_dc", "type": "int", "default": 3},
            {"name": "_rt", "type": "int", "default": 4},
            {"name": "TYPE_CHECKING", "type": "int", "default": 5},
            {"name": "annotations", "type": "int", "default": 6},
            {"name": "match", "type": "int", "default": 7},
            {"name": "type", "type": "int", "default": 8},
            {"name": "Evil", "type": "int", "default": 9},
            {"name": "Kind", "type": "int", "default": 10},
            {"name": "cls", "type": "int", "default": 11},
            {"name": "m", "type": {"type": "map", "values": "string"},
             "default": {"\"'\\n" + payload: '"""' + payload}},
            {"name": "b", "type": "bytes", "default": "\u0000\"\"\"\\"},
        ],
    })


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:

    root = tmp_path_factory.mktemp("hostile")
    marker = root / "PWNED"
    text = hostile_schema(marker)
    src = write_schema_files(root / "schemas", {"hostile.avsc": text})
    before = _tree(root)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        pkg = build_package(src, root / "out")
        mod = pkg.module("hostile.ns")
        pkg.modules()
    finally:
        os.chdir(cwd)
    yield {"pkg": pkg, "mod": mod, "marker": marker, "root": root, "before": before,
           "schema": json.loads(text)}
    purge(pkg)


def test_nothing_executed_and_nothing_outside(hostile: Any) -> None:
    root: Path = hostile["root"]
    assert not hostile["marker"].exists()
    new = _tree(root) - hostile["before"]
    assert new, "the package was written"
    assert all(p == "out" or p.startswith("out/") for p in new), sorted(new)
    # using the classes runs nothing either
    m = hostile["mod"]
    e = m.Evil()
    repr(e)
    m.Evil.arrow_schema()
    assert not hostile["marker"].exists()


def test_generated_code_compiles(hostile: Any) -> None:
    for rel, data in hostile["pkg"].files().items():
        compile(data, rel, "exec")


def test_docstrings_exact(hostile: Any) -> None:
    m, schema = hostile["mod"], hostile["schema"]
    assert inspect.cleandoc(m.Evil.__doc__) == inspect.cleandoc(schema["doc"])
    kind = next(f for f in schema["fields"] if f["name"] == "kind")["type"]
    assert m.Kind.__doc__ == kind["doc"]
    src = hostile["pkg"].files()["hostile/ns.py"].decode()
    tree = ast.parse(src)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Evil")
    docs = {}
    for a, b in zip(cls.body, cls.body[1:]):
        if isinstance(a, ast.AnnAssign) and isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant):
            docs[a.target.id] = b.value.value  # type: ignore[union-attr]
    rec, _ = ir_of(m.Evil)
    py = {f.name: f.py_name for f in rec.fields}
    class_doc = next(f for f in schema["fields"] if f["name"] == "class")["doc"]
    assert inspect.cleandoc(docs[py["class"]]) == inspect.cleandoc(class_doc)


def test_names_are_safe(hostile: Any) -> None:
    m = hostile["mod"]
    rec, _ = ir_of(m.Evil)
    names = [f.py_name for f in rec.fields]
    assert len(set(names)) == len(names)
    for n in names:
        assert n.isidentifier(), n
        assert not keyword.iskeyword(n) and not keyword.issoftkeyword(n), n
        assert n not in dir(builtins), n
        assert not (n.startswith("__") and n.endswith("__")), n
        assert n not in ("arrow_schema", "self", "cls"), n
    assert [f.name for f in rec.fields][:3] == ["class", "from", "__init__"]  # wire names kept
    assert callable(m.Evil.arrow_schema)
    assert isinstance(m.Evil.__schemagen__, schemagen.runtime.record.RecordInfo)
    # the enum keeps its machinery and every symbol as a value
    kind_symbols = ["None", "True", "False", "_private", "mro", "name", "value", "_missing_",
                    "__init__", "class", "SAFE"]
    assert [k.value for k in m.Kind] == kind_symbols
    assert m.Kind("None").value == "None" and m.Kind("mro").value == "mro"
    assert m.Kind("unknown") is m.Kind("SAFE")  # enum default
    assert m.Kind.mro()[0] is m.Kind
    for k in m.Kind:
        assert k.name.isidentifier() and not keyword.iskeyword(k.name)
        assert not k.name.startswith("_")
        assert k.value == getattr(m.Kind, k.name).value


def test_defaults_exact(hostile: Any) -> None:
    m, schema = hostile["mod"], hostile["schema"]
    rec, _ = ir_of(m.Evil)
    py = {f.name: f.py_name for f in rec.fields}
    e = m.Evil()
    for f in schema["fields"]:
        got = getattr(e, py[f["name"]])
        want = f["default"]
        if f["name"] == "kind":
            assert got.value == want
        elif f["name"] == "b":
            assert got == want.encode("latin-1")
        elif f["name"] in ("date", "datetime"):
            continue
        else:
            assert got == want, f["name"]


def test_round_trip(hostile: Any, tmp_path: Path) -> None:
    m = hostile["mod"]
    rec, _ = ir_of(m.Evil)
    py = {f.name: f.py_name for f in rec.fields}
    e1 = m.Evil()
    e2 = m.Evil(**{py["class"]: "plain", py["kind"]: m.Kind("_private"), py["lambda"]: [],
                   py["m"]: {"k": "\"\"\""}, py["__init__"]: "init"})
    path = schemagen.write([e1, e2], tmp_path / "evil.parquet")
    assert list(schemagen.read(m.Evil, path)) == [e1, e2]
    table = pq.read_table(path)
    assert table.schema.names[:4] == ["class", "from", "__init__", "self"]
    assert table.column("kind").to_pylist() == ["None", "_private"]
    assert not hostile["marker"].exists()


def test_hostile_mypy_strict(hostile: Any, tmp_path: Path) -> None:
    res = run_mypy(hostile["pkg"].path, tmp_path / "cache")
    assert res.returncode == 0, res.stdout + res.stderr


def test_hostile_ruff(hostile: Any) -> None:
    res = run_ruff(hostile["pkg"].path)
    assert res.returncode == 0, res.stdout + res.stderr


# --------------------------------------------------------------------------- namespaces


@pytest.mark.parametrize("namespace", ["a..b", "../../etc", "a/b", "a\\b", ".hidden", "a.",
                                       "x.y/../../z", "/abs", "C:\\x", "a. b", "a.-b"])
def test_bad_namespaces_refused(tmp_path: Path, namespace: str) -> None:
    text = json.dumps({"type": "record", "name": "X", "namespace": namespace,
                       "fields": [{"name": "a", "type": "int"}]}, indent=1)
    src = write_schema_files(tmp_path / "schemas", {"bad.avsc": text})
    before = _tree(tmp_path)
    with pytest.raises(schemagen.SchemaError) as ei:
        compiler.render(src, tmp_path / "out")
    err = ei.value
    assert err.file.endswith("bad.avsc")
    assert err.line > 0 and err.column > 0
    assert "namespace" in err.message
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("name", ["../x.Foo", "a..Foo", "a/b", "x.y/../Foo", "..", "a.b."])
def test_bad_full_names_refused(tmp_path: Path, name: str) -> None:
    text = json.dumps({"type": "record", "name": name, "fields": [{"name": "a", "type": "int"}]})
    src = write_schema_files(tmp_path / "schemas", {"bad.avsc": text})
    before = _tree(tmp_path)
    with pytest.raises(schemagen.SchemaError) as ei:
        compiler.render(src, tmp_path / "out")
    assert ei.value.line > 0
    assert _tree(tmp_path) == before


def test_keyword_namespaces_and_names(compile_schemas: Any, tmp_path: Path) -> None:
    pkg: GenPackage = compile_schemas({"kw.avsc": json.dumps([
        {"type": "record", "name": "class", "namespace": "import.from.__init__",
         "fields": [{"name": "x", "type": "int"}]},
        {"type": "record", "name": "None", "namespace": "import.from.__init__",
         "fields": [{"name": "x", "type": "int"}]},
        {"type": "record", "name": "print", "namespace": "import",
         "fields": [{"name": "x", "type": "import.from.__init__.class"},
                    {"name": "y", "type": ["null", "import.from.__init__.None"]},
                    {"name": "e", "type": "import.annotations"}]},
        {"type": "record", "name": "TYPE_CHECKING", "namespace": "import",
         "fields": [{"name": "x", "type": "int"}]},
        {"type": "enum", "name": "annotations", "namespace": "import", "symbols": ["A", "B"]},
        {"type": "record", "name": "self", "namespace": "async.await.match",
         "fields": [{"name": "x", "type": "int"}]},
    ])})
    for rel in pkg.files():
        for part in rel[: -len(".py")].split("/"):
            assert part.isidentifier() and not keyword.iskeyword(part), rel
    assert all(p.resolve().is_relative_to(pkg.path.resolve()) for p in pkg.path.rglob("*"))
    recs = pkg.records()
    assert set(recs) == {"import.from.__init__.class", "import.from.__init__.None",
                         "import.print", "import.TYPE_CHECKING", "async.await.match.self"}
    for cls in recs.values():
        assert cls.__name__.isidentifier() and not keyword.iskeyword(cls.__name__)
    P, C, N = recs["import.print"], recs["import.from.__init__.class"], recs["import.from.__init__.None"]
    rows = [P(x=C(x=1), y=N(x=2), e="A"), P(x=C(x=3), y=None, e="B")]
    path = schemagen.write(rows, tmp_path / "p.parquet")
    assert list(schemagen.read(P, path)) == rows


def test_source_file_name_injection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    fname = 'evil"\nimport os\nos.system("touch MARK")\nopen("MARK", "w")\n#\'\'\'""".avsc'
    srcs = write_schema_files(tmp_path / "s", {fname: json.dumps(
        {"type": "record", "name": "R", "namespace": "fn", "fields": [{"name": "a", "type": "int"}]})})
    pkg = build_package(srcs, tmp_path / "out")
    try:
        mod = pkg.module("fn")
        text = pkg.files()["fn.py"].decode()
        compile(text, "fn.py", "exec")
        assert not (work / "MARK").exists()
        header = [ln for ln in text.splitlines() if ln.startswith("# source:")]
        assert len(header) == 1 and "evil" in header[0]
        tree = ast.parse(text)
        # only imports, assignments, defs, classes and docstrings at module level
        for node in tree.body:
            assert isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign,
                                     ast.FunctionDef, ast.ClassDef, ast.If, ast.Expr)), ast.dump(node)
            if isinstance(node, ast.Expr):
                assert isinstance(node.value, ast.Constant), ast.dump(node)
        assert mod.R(a=1).a == 1
    finally:
        purge(pkg)
    assert not (work / "MARK").exists()


# --------------------------------------------------------------------------- name collisions


def test_record_named_like_generated_constant(compile_schemas: Any, tmp_path: Path) -> None:
    pkg = compile_schemas({"c.avsc": json.dumps([
        {"type": "record", "name": "Foo", "namespace": "coll", "fields": [{"name": "x", "type": "int"}]},
        {"type": "record", "name": "_SG_SCHEMA_Foo", "namespace": "coll",
         "fields": [{"name": "y", "type": "int"}]},
    ])})
    recs = pkg.records()
    Foo, Other = recs["coll.Foo"], recs["coll._SG_SCHEMA_Foo"]
    for cls, kw in ((Foo, {"x": 1}), (Other, {"y": 2})):
        path = schemagen.write([cls(**kw)], tmp_path / f"{cls.__name__}.parquet")
        assert list(schemagen.read(cls, path)) == [cls(**kw)]


def test_default_factory_names_do_not_collide(compile_schemas: Any) -> None:
    pkg = compile_schemas({"f.avsc": json.dumps([
        {"type": "record", "name": "A", "namespace": "fac",
         "fields": [{"name": "b_c", "type": {"type": "array", "items": "int"}, "default": [1]}]},
        {"type": "record", "name": "A_b", "namespace": "fac",
         "fields": [{"name": "c", "type": {"type": "array", "items": "int"}, "default": [2]}]},
    ])})
    recs = pkg.records()
    assert recs["fac.A"]().b_c == [1]
    assert recs["fac.A_b"]().c == [2]


def test_records_named_like_generated_locals(compile_schemas: Any, tmp_path: Path) -> None:
    names = ["schema", "records", "batch", "n", "x0", "l2", "t1", "v2", "a3", "c1", "r", "o",
             "info", "cls", "obj", "pa"]
    types: list[Any] = [{"type": "record", "name": n, "namespace": "loc",
                         "fields": [{"name": "x", "type": "int"}]} for n in names]
    types.append({"type": "record", "name": "Outer", "namespace": "loc", "fields": [
        {"name": f"f_{n}", "type": n} for n in names] + [
        {"name": "lst", "type": {"type": "array", "items": "x0"}},
        {"name": "opt", "type": ["null", "batch"]}]})
    pkg = compile_schemas({"l.avsc": json.dumps(types)})
    recs = pkg.records()
    problems = []
    for n in names:
        cls = recs[f"loc.{n}"]
        try:
            path = schemagen.write([cls(x=1)], tmp_path / f"{n}.parquet")
            assert list(schemagen.read(cls, path)) == [cls(x=1)]
        except Exception as exc:  # noqa: BLE001 - collect every failing name
            problems.append(f"{n}: {type(exc).__name__}")
    Outer = recs["loc.Outer"]
    o = Outer(**{f"f_{n}": recs[f"loc.{n}"](x=i) for i, n in enumerate(names)},
              lst=[recs["loc.x0"](x=7)], opt=recs["loc.batch"](x=8))
    try:
        path = schemagen.write([o], tmp_path / "outer.parquet")
        assert list(schemagen.read(Outer, path)) == [o]
    except Exception as exc:  # noqa: BLE001
        problems.append(f"Outer: {type(exc).__name__}")
    assert problems == []
