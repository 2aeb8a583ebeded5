"""``schemagen.convert.sources.csv``: CSV headers, cells, nesting, fast path vs per-row."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_convert import (
    KITCHEN,
    read_rejects,
)

from schemagen import convert as cv
from schemagen.cli.main import main


def test_csv_input_nested_columns_and_empty_cells(compile_schemas: Any, tmp_path: Path) -> None:
    cls = compile_schemas({"c.avsc": json.dumps({
        "type": "record", "name": "Row", "namespace": "c", "fields": [
            {"name": "id", "type": "int"},
            {"name": "ok", "type": "boolean"},
            {"name": "when", "type": {"type": "int", "logicalType": "date"}},
            {"name": "label", "type": "string"},
            {"name": "maybe", "type": ["null", "double"], "default": None},
            {"name": "who", "type": ["null", {"type": "record", "name": "Who", "fields": [
                {"name": "name", "type": "string"}]}], "default": None},
        ]})}).module("c").Row
    src = tmp_path / "in.csv"
    src.write_text('id,ok,when,label,maybe,who.name\n'
                   '1,true,2020-01-01,"a, b",1.5,ann\n'
                   '2,false,2020-01-02,,,\n'
                   '3,maybe,2020-01-03,x,,\n'
                   '"4",true,2020-01-04,"multi\nline",2,bob\n'
                   '5,true\n')
    rej = tmp_path / "r.jsonl"
    res = cv.convert(cls, [src], tmp_path / "o.parquet", rejects=rej)
    rows = pq.read_table(tmp_path / "o.parquet").to_pylist()
    assert [r["id"] for r in rows] == [1, 2, 4]
    assert rows[0]["label"] == "a, b" and rows[0]["who"] == {"name": "ann"}
    assert rows[1]["label"] == "" and rows[1]["maybe"] is None and rows[1]["who"] is None
    assert rows[2]["label"] == "multi\nline"
    r1, r2 = read_rejects(rej)
    assert (r1["line"], r1["path"]) == (4, "ok") and r1["row"]["ok"] == "maybe"
    assert r2["line"] == 7 and "expected 6 cells" in r2["reason"]
    assert res.rejected == 2


_CELLS = {
    "i": st.one_of(st.integers(-2**32, 2**32).map(str), st.sampled_from(["", "x", "1.0", "+3"])),
    "x": st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr),
                   st.sampled_from(["", "1e999", "nan", ".5"])),
    "b": st.sampled_from(["true", "false", "TRUE", "", "1"]),
    "d": st.one_of(st.dates().map(str), st.sampled_from(["", "2013-02-30", "2013-1-1"])),
    "t": st.one_of(st.datetimes().map(str), st.sampled_from(["", "2013-07-26T10:00:00+05:00"])),
    "s": st.text(alphabet="ab,\"\n ", max_size=4),
    "e": st.sampled_from(["A", "B", "C", ""]),
    "in.k": st.sampled_from(["", "1", "k", str(2**63)]),
}


@settings(max_examples=int(os.environ.get("SG_CONVERT_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(_CELLS), min_size=1, max_size=30),
       header_alias=st.booleans())
def test_csv_fast_path_agrees_with_per_row_path(flat: Any, tmp_path: Path,
                                                rows: list[dict[str, str]],
                                                header_alias: bool) -> None:
    import csv as csv_mod

    cls = flat
    src = tmp_path / "h.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv_mod.writer(f)
        w.writerow([("label" if header_alias and k == "s" else k) for k in _CELLS])
        for r in rows:
            w.writerow(list(r.values()))
    results = []
    for fast in (True, False):
        batches: list[Any] = []
        rejects: list[Any] = []
        conv = cv.Converter(cls, batches.append, rejects.append, chunk_bytes=1024)
        conv.fast = fast
        conv.csv(src)
        table = pa.Table.from_batches(batches, schema=cls.arrow_schema()) if batches else None
        results.append((table.to_pylist() if table is not None else [],
                        [(r.line, r.path, r.reason) for r in rejects]))
    assert results[0] == results[1]
    assert len(results[0][0]) + len(results[0][1]) == len(rows)


def test_csv_header_problems_exit_2_and_absent_list_fields_take_defaults(
        kitchen: Any, tmp_path: Path, capsys: Any) -> None:
    schema = tmp_path / "k.avsc"
    schema.write_text(KITCHEN)
    out = tmp_path / "o.parquet"
    cases = {"i,i,s\n1,2,a\n": "column 'i' appears twice in the CSV header",
             "id,tags\n1,a\n": "column 'tags': field tags (list) cannot be read",
             "id,items.sku\n1,a\n": "column 'items.sku': field items (list) cannot be read"}
    for text, message in cases.items():
        src = tmp_path / "in.csv"
        src.write_text(text)
        assert main(["convert", str(src), "--schema", str(schema), "--record", "Kitchen",
                     "--out", str(out), "-q"]) == 2
        assert message in capsys.readouterr().err
        assert not out.exists()
    # list fields the CSV does not name take their defaults
    src = tmp_path / "in.csv"
    src.write_text("id,owner.name,comment\n1,ann,hi\n2,,\n")
    res = cv.convert(kitchen, [src], out)
    rows = pq.read_table(out).to_pylist()
    assert res.rows == 2 and rows[0]["tags"] == [] and rows[0]["items"] == []
    assert rows[0]["owner"] == {"name": "ann", "age": None} and rows[1]["owner"] is None
    assert rows[0]["note"] == "hi"


def test_csv_quoted_empty_cell_is_a_row_blank_line_is_not(compile_schemas: Any,
                                                          tmp_path: Path) -> None:
    cls = compile_schemas({"one.avsc": json.dumps({
        "type": "record", "name": "One", "namespace": "o1",
        "fields": [{"name": "note", "type": ["null", "string"], "default": None}]})
    }).module("o1").One
    src = tmp_path / "in.csv"
    src.write_text('note\na\n""\n\nb\n')
    res = cv.convert(cls, [src], tmp_path / "o.parquet")
    assert res.rows == 3 and res.rejected == 0
    assert pq.read_table(tmp_path / "o.parquet").column("note").to_pylist() == ["a", None, "b"]


def test_csv_column_names_with_dots_slashes_and_spaces(compile_schemas: Any,
                                                       tmp_path: Path) -> None:
    pkg = compile_schemas({"dot.sql": """-- dialect: duckdb
        CREATE TABLE dt ("a.b" INTEGER, "x/y" INTEGER, "sp ace" VARCHAR,
                         rec STRUCT("c.d" INTEGER));
    """})
    cls = next(iter(pkg.records().values()))
    src = tmp_path / "in.csv"
    src.write_text('a.b,x/y,sp ace,rec.c.d\n1,2,s,3\n"4",,,\nz,,,\n')
    for fast in (True, False):
        batches: list[Any] = []
        rejects: list[Any] = []
        conv = cv.Converter(cls, batches.append, rejects.append)
        conv.fast = fast
        conv.csv(src)
        got = pa.Table.from_batches(batches, schema=cls.arrow_schema()).to_pylist()
        assert got == [{"a.b": 1, "x/y": 2, "sp ace": "s", "rec": {"c.d": 3}},
                       {"a.b": 4, "x/y": None, "sp ace": None, "rec": None}], fast
        assert [(r.line, r.path) for r in rejects] == [(4, "a.b")], fast
    src = tmp_path / "in.jsonl"
    src.write_text('{"a.b": 1, "x/y": "2", "rec": {"c.d": "3"}}\n')
    assert cv.convert(cls, [src], tmp_path / "o.parquet").rows == 1
    assert pq.read_table(tmp_path / "o.parquet").to_pylist()[0]["rec"] == {"c.d": 3}


def test_csv_row_of_empty_cells_is_a_row_not_a_null_record(flat: Any, compile_schemas: Any,
                                                           tmp_path: Path) -> None:
    # every cell empty: the row is still an object (its required fields are the problem),
    # on the per-row path too (it said "expected an object, got None" with no field path)
    src = tmp_path / "e.csv"
    src.write_text("i,x,s,in.k\n1,,a,\n,,,\n")
    rej = tmp_path / "r.jsonl"
    res = cv.convert(flat, [src], tmp_path / "o.parquet", rejects=rej)
    assert (res.rows, res.rejected) == (1, 1)
    (r,) = read_rejects(rej)
    assert (r["line"], r["path"], r["reason"]) == (3, "i", "null in a required field")
    nullable = compile_schemas({"nl.avsc": json.dumps({
        "type": "record", "name": "NL", "namespace": "nl",
        "fields": [{"name": "a", "type": ["null", "long"], "default": None},
                   {"name": "b", "type": ["null", "string"], "default": None}]})
    }).module("nl").NL
    src.write_text("a,b\n1,x\n,\n")
    for fast in (True, False):
        batches: list[Any] = []
        rejects: list[Any] = []
        conv = cv.Converter(nullable, batches.append, rejects.append)
        conv.fast = fast
        conv.csv(src)
        conv.finish()
        assert rejects == []
        assert pa.Table.from_batches(batches).to_pylist() == [{"a": 1, "b": "x"},
                                                              {"a": None, "b": None}]


def test_csv_quote_left_open_or_text_after_a_quote_is_rejected(flat: Any, tmp_path: Path) -> None:
    # a quote open at the end of the file made the rows after it one cell of the row
    # (row '5,x' silently became part of the text of row 4); '"ab"c' was silently 'abc'
    src = tmp_path / "q.csv"
    src.write_text('i,s\n1,a\n2,"ab"c\n3,"x\ny"\n4,"open\n5,x\n6,z\n')
    rej = tmp_path / "r.jsonl"
    res = cv.convert(flat, [src], tmp_path / "o.parquet", rejects=rej)
    assert (res.rows, res.rejected) == (2, 2)
    got = [(r["line"], r["reason"]) for r in read_rejects(rej)]
    assert got[0] == (3, "not CSV: ',' expected after '\"'")
    assert got[1][0] == 6 and got[1][1].startswith("not CSV: unexpected end of data (a quoted")
    assert pq.read_table(tmp_path / "o.parquet").column("s").to_pylist() == ["a", "x\ny"]



_CSV_KINDS = st.sampled_from(["good", "good", "good", "bad_int", "after_quote", "cells",
                              "blank", "multiline"])


@settings(max_examples=int(os.environ.get("SG_CONVERT_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(_CSV_KINDS, min_size=1, max_size=120),
       chunk=st.sampled_from([1024, 1 << 20]), fast=st.booleans())
def test_csv_rejects_are_written_in_input_order(flat: Any, tmp_path: Path, kinds: list[str],
                                                chunk: int, fast: bool) -> None:
    # a line that is not CSV was rejected as soon as it was read, before the rejects of
    # the rows above it still waiting in the chunk: rejects came out of order
    lines = ["i,s"]
    want_ids: list[int] = []
    want_rejects: list[int] = []
    for n, kind in enumerate(kinds):
        row = {"good": f"{n},a", "bad_int": f"x{n},a", "after_quote": f'{n},"ab"c',
               "cells": f"{n}", "blank": "", "multiline": f'{n},"a\nb"'}[kind]
        if kind in ("bad_int", "after_quote", "cells"):
            want_rejects.append(len(lines) + 1)
        elif kind != "blank":
            want_ids.append(n)
        lines += row.split("\n")
    src = tmp_path / "o.csv"
    src.write_text("\n".join(lines) + "\n")
    batches: list[Any] = []
    rejects: list[Any] = []
    conv = cv.Converter(flat, batches.append, rejects.append, chunk_bytes=chunk)
    conv.fast = fast
    conv.csv(src)
    ids = pa.Table.from_batches(batches, schema=flat.arrow_schema()).column("i").to_pylist() \
        if batches else []
    assert ids == want_ids
    assert [r.line for r in rejects] == want_rejects


def test_csv_lines_swallowed_by_an_open_quote_are_kept_in_the_reject(flat: Any,
                                                                     tmp_path: Path) -> None:
    # found by tests/e2e/test_fuzz_convert.py: a quote opened on line 3 and closed on
    # line 5 by text that is not CSV made lines 3-5 one reject with "row": null, so the
    # valid rows of line 4 vanished (2 rows in the file, 1 written, 1 reject without them)
    src = tmp_path / "q.csv"
    src.write_text('i,s\n1,a\n2,"open\n3,b\n4,"c"d\n5,e\n')
    rej = tmp_path / "r.jsonl"
    res = cv.convert(flat, [src], tmp_path / "o.parquet", rejects=rej)
    assert (res.rows, res.rejected) == (2, 1)
    (got,) = read_rejects(rej)
    assert got["line"] == 3
    assert got["reason"] == ("not CSV: ',' expected after '\"' (lines 3-5, a quoted cell "
                             "spans them)")
    assert got["row"] == '2,"open\n3,b\n4,"c"d'
    assert pq.read_table(tmp_path / "o.parquet").column("i").to_pylist() == [1, 5]
