"""Regressions from code review, generated text: docstrings with awkward quoting keep their
text, and a doc naming the import aliases adds no imports (each would fail if its fix
were reverted)."""

from __future__ import annotations

import ast
import inspect
from typing import Any

import pytest
from sg_helpers import GenPackage, record_schema, run_ruff


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
