"""codegen.emit: temporaries named after field paths, keyword flags, shared definitions."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from sg_helpers import run_mypy, run_ruff

import schemagen
from schemagen.codegen.emit import MAX_LOCAL, FunctionBody


def test_local_names_follow_the_path_and_never_collide() -> None:
    body = FunctionBody(frozenset({"_rt", "_Point"}))
    assert body.name("trans_id") == "_trans_id"
    assert body.name("user_info_cust_id") == "_user_info_cust_id"
    assert body.name("trans_id", "values") == "_trans_id_values"
    assert body.name("trans_id") == "_trans_id_2"  # taken: made unique
    assert body.name("rt") == "_rt_2"  # would shadow the module's runtime alias
    assert body.name("Point") == "_Point_2"  # would shadow a module-level class
    assert body.name("sg_records") == "_fsg_records"  # _sg_ is the internal prefix
    assert body.name("_x_") == "_x" and body.name("") == "_value"
    long = body.name("a" * 200, "values")
    assert len(long) == MAX_LOCAL and body.name("a" * 200, "values") == long + "_2"
    assert body.unique("_sg_out") == "_sg_out" and body.unique("_sg_out") == "_sg_out_2"


def _avro(ns: str, name: str, fields: list[dict[str, Any]]) -> str:
    return json.dumps({"type": "record", "name": name, "namespace": ns, "fields": fields})


def test_generated_code_is_named_after_paths_and_passes_flags_by_keyword(
        compile_schemas: Any, tmp_path: Path) -> None:
    inner = {"type": "record", "name": "A", "fields": [{"name": "type", "type": "int"}]}
    color = {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}
    pkg = compile_schemas({
        "r.avsc": _avro("em.x", "R", [
            {"name": "a", "type": inner},
            {"name": "a_type", "type": "int"},  # its values list would collide with a.type's
            {"name": "rt", "type": "string"},  # its array would shadow _rt
            {"name": "sg_records", "type": "long"},
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
            {"name": "tags", "type": {"type": "array", "items": ["null", "string"]}},
            {"name": "c", "type": color},
            {"name": "c2", "type": ["null", "Color"]},
            {"name": "u", "type": ["int", "string"]},
            {"name": "v", "type": ["int", "string"]},
            {"name": "w", "type": ["null", "int", "em.y.B"]},
        ]),
        "b.avsc": _avro("em.y", "B", [{"name": "n", "type": "int"}]),
    })
    src = pkg.files()["em/x.py"].decode()
    for snippet in (
        "    _a_type_values = [_sg_x.type_ for _sg_x in _a_values]\n",
        "    _a_type_values_2 = [_sg_r.a_type for _sg_r in _sg_records]\n",
        "    _rt_2 = _rt.strings(_rt_values, _rt_type)\n",
        "_fsg_records = _rt.ints(",
        "_rt.timestamps(_at_values, _at_type, utc=True)",
        "_rt.py_timestamps(_at_column, utc=True)",
        "_rt.typed_lists(_tags_values, _tags_type, items_nullable=True, kind='string')",
        # enum symbols: one module-level constant, used by both fields
        "\n_SG_SYMBOLS_Color: frozenset[str] = frozenset({'RED', 'GREEN'})\n",
        "_rt.enums(_c2_values, _c2_type, _SG_SYMBOLS_Color)",
    ):
        assert snippet in src, snippet
    assert src.count("frozenset({'RED', 'GREEN'})") == 1
    # a classifier of local types: once, at module level, shared by u and v
    assert "\ndef _sg_union_R_u(_sg_v: _Any) -> int:\n" in src
    assert "_u_kinds = [_sg_union_R_u(_sg_x) for _sg_x in _u_values]" in src
    assert "_v_kinds = [_sg_union_R_u(_sg_x) for _sg_x in _v_values]" in src
    # ... one naming another module's class stays in the writer, after its lazy import
    writer = src[src.index("def _sg_write_R("):src.index("def _sg_read_R(")]
    assert writer.index("    from .y import B\n") < writer.index("    def _sg_local_union_w(")
    assert "_sg_union_R_w" not in src
    assert "_sg_a1" not in src and "_sg_t1" not in src and "_sg_union1" not in src

    m = pkg.module("em.x")
    B = pkg.module("em.y").B
    recs = [m.R(a=m.A(type_=i), a_type=i + 1, rt=f"s{i}", sg_records=i, tags=["t", None],
                at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
                c=m.Color.RED, c2=None if i else m.Color.GREEN, u=i, v="x",
                w=B(n=i) if i else 7) for i in range(3)]
    schemagen.write(recs, tmp_path / "r.parquet")
    assert list(schemagen.read(m.R, tmp_path / "r.parquet")) == recs
    res = run_ruff(pkg.path)
    assert res.returncode == 0, res.stdout + res.stderr
    res = run_mypy(pkg.path, tmp_path / "mypy-cache")
    assert res.returncode == 0, res.stdout + res.stderr
