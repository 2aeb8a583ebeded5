"""``schemagen.convert.sources.jsonl``: JSON Lines rows, lines, chunks and their splits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_convert import (
    KITCHEN,
    convert_rows,
    read_rejects,
)

from schemagen import convert as cv


def test_duplicate_key_and_non_object_rows_rejected(kitchen: Any, tmp_path: Path) -> None:
    res, table, rejects = convert_rows(
        kitchen, tmp_path, ['{"id": 1, "id": 2}', "[1, 2]", '{"id": 3}', "\ufeff"])
    assert table.column("id").to_pylist() == [3]
    assert [(r["line"], r["path"]) for r in rejects][:2] == [(1, "id"), (2, "")]
    assert "given twice" in rejects[0]["reason"]
    assert "expected a JSON object" in rejects[1]["reason"]


def test_jsonl_invalid_utf8_row_rejected(kitchen: Any, tmp_path: Path) -> None:
    src = tmp_path / "x.jsonl"
    src.write_bytes(b'{"id": 1}\n{"id": 2, "note": "\xff"}\n{"id": 3}\n')
    rej = tmp_path / "r.jsonl"
    res = cv.convert(kitchen, [src], tmp_path / "o.parquet", rejects=rej)
    assert res.rows == 2
    (r,) = read_rejects(rej)
    assert r["line"] == 2 and "not UTF-8" in r["reason"]


def test_several_objects_on_one_line_are_rows_on_both_paths(kitchen: Any, tmp_path: Path) -> None:
    src = tmp_path / "m.jsonl"
    src.write_text('{"id": 1} {"id": "x"}\n  \t \n{"id": 3} garbage\n{"id": 4}{"id": 5}\n'
                   '{"id": 6}\n')
    results = []
    for fast in (True, False):
        for text in (src.read_text(), src.read_text().replace('"x"', "2")):  # bad row or not
            src.write_text(text)
            batches: list[Any] = []
            rejects: list[Any] = []
            conv = cv.Converter(kitchen, batches.append, rejects.append)
            conv.fast = fast
            conv.json_lines(src)
            ids = pa.Table.from_batches(batches, schema=kitchen.arrow_schema()).column("id")
            results.append((ids.to_pylist(), [(r.line, r.path, r.row) for r in rejects]))
        src.write_text(text.replace('"id": 2}', '"id": "x"}'))
    bad_row, all_good = results[0], results[1]
    assert results == [bad_row, all_good, bad_row, all_good]
    assert bad_row == ([1, 4, 5, 6], [(1, "id", '{"id": "x"}'), (3, "", '{"id": 3} garbage')])
    assert all_good == ([1, 2, 4, 5, 6], [(3, "", '{"id": 3} garbage')])


def test_an_object_over_several_lines_is_rejected_on_both_paths(kitchen: Any,
                                                               tmp_path: Path) -> None:
    # pyarrow reads it as one row; JSON Lines rows are lines: both paths reject its lines
    src = tmp_path / "m.jsonl"
    for text in ('{"id": 1,\n "note": "x"}\n{"id": 2}\n',
                 '{"id": 1,\n "note": "x"}\n{"id": 2}\n{"id": 3} {"id": 4}\n\n{"id": "b"}\n'):
        src.write_text(text)
        results = []
        for fast in (True, False):
            batches: list[Any] = []
            rejects: list[Any] = []
            conv = cv.Converter(kitchen, batches.append, rejects.append)
            conv.fast = fast
            conv.json_lines(src)
            ids = pa.Table.from_batches(batches, schema=kitchen.arrow_schema()).column("id")
            results.append((ids.to_pylist(), [(r.line, r.row) for r in rejects]))
        assert results[0] == results[1]
        assert results[0][1][:2] == [(1, '{"id": 1,'), (2, ' "note": "x"}')]
        assert results[0][0] == ([2] if text.count("\n") == 3 else [2, 3, 4])


_LINE_KINDS = st.sampled_from(["good", "good", "good", "long", "cast", "broken", "blank", "dup",
                               "two", "nested_bad", "not_object", "bad_date", "multiline"])


@settings(max_examples=int(os.environ.get("SG_CONVERT_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(_LINE_KINDS, min_size=1, max_size=150),
       chunk=st.sampled_from([1024, 3000, 1 << 20]), crlf=st.booleans())
def test_rows_in_equal_rows_written_plus_rejected_in_order(kitchen: Any, tmp_path: Path,
                                                           kinds: list[str], chunk: int,
                                                           crlf: bool) -> None:
    lines: list[str] = []
    want_ids: list[int] = []
    want_rejects: list[int] = []  # line numbers
    merged: dict[int, list[int]] = {}  # id of an object over two lines -> its lines
    for n, kind in enumerate(kinds, 1):
        i = 2 * n
        if kind in ("good", "long"):
            note = "x" * (2500 if kind == "long" else 3)
            lines.append(json.dumps({"id": i, "small": str(n), "note": note,
                                     "owner": {"name": "o", "age": n}}))
            want_ids.append(i)
        elif kind == "two":
            lines.append(json.dumps({"id": i}) + " " + json.dumps({"id": i + 1}))
            want_ids += [i, i + 1]
        elif kind == "blank":
            lines.append(" " if n % 2 else "")
        elif kind == "multiline":  # pyarrow reads it as one row; its lines are rejected
            lines += [f'{{"id": {i},', ' "note": "x"}']
            want_rejects += [len(lines) - 1, len(lines)]
            merged[i] = [len(lines) - 1, len(lines)]
        else:
            lines.append({"cast": f'{{"id": {i}, "small": "x{n}"}}',
                          "broken": f'{{"id": {i}, "small": ',
                          "dup": f'{{"id": {i}, "id": {i}}}',
                          "nested_bad": f'{{"id": {i}, "items": [{{"sku": "a", "qty": 1.5}}]}}',
                          "not_object": f"[{i}]",
                          "bad_date": f'{{"id": {i}, "day": "2013-02-30"}}'}[kind])
            want_rejects.append(len(lines))
    src = tmp_path / "p.jsonl"
    src.write_bytes(("\r\n" if crlf else "\n").join(lines).encode() + b"\n")
    batches: list[Any] = []
    rejects: list[Any] = []
    conv = cv.Converter(kitchen, batches.append, rejects.append, chunk_bytes=chunk)
    conv.json_lines(src)
    ids = pa.Table.from_batches(batches, schema=kitchen.arrow_schema()).column("id").to_pylist() \
        if batches else []
    got_rejects = [r.line for r in rejects]
    assert all(r.row == lines[r.line - 1] for r in rejects)
    # Known leniency: in a chunk without a doubtful row where objects on one line exactly
    # make up for an object over two lines, pyarrow's row count matches the line count and
    # the fast path writes the two-line object (nothing lost; its lines are not rejected).
    for i, its_lines in merged.items():
        if i in ids:
            assert "two" in kinds
            want_rejects = [x for x in want_rejects if x not in its_lines]
            want_ids = sorted([*want_ids, i])
    assert ids == want_ids
    assert got_rejects == want_rejects


def test_lone_surrogate_escapes_rejected_with_their_path(kitchen: Any, tmp_path: Path) -> None:
    rows = ['{"id": 1, "note": "\\ud800"}', '{"id": 2, "note": "\\ud83d\\ude00"}',
            '{"id": 3, "owner": {"name": "a\\udc00"}}', '{"id": 4, "\\ud800": 1}',
            '{"id": 5, "note": "a\\u0000b"}']
    res, table, rejects = convert_rows(kitchen, tmp_path, rows)
    assert table.column("note").to_pylist() == ["\U0001f600", "a\x00b"]
    assert [(r["line"], r["path"]) for r in rejects] == [(1, "note"), (3, "owner.name"),
                                                         (4, "\ufffd")]
    assert all("lone surrogate" in r["reason"] for r in rejects)
    assert rejects[2]["row"] == rows[3]
    src = tmp_path / "a.json"
    src.write_text("[" + ",".join(rows) + "]")
    res = cv.convert(kitchen, [src], tmp_path / "a.parquet")
    assert (res.rows, res.rejected) == (2, 3)
    text = cv.Reject("f", 1, "\ud800", "r", {"k": "\udc00"}).to_json()
    assert json.loads(text.encode("utf-8")) == {"file": "f", "line": 1, "path": "\ud800",
                                                "reason": "r", "row": {"k": "\udc00"}}


def test_doubtful_row_among_rows_that_are_not_lines_is_not_lost(kitchen: Any,
                                                                tmp_path: Path) -> None:
    # two objects on line 1 make up for the object over lines 3-4: pyarrow's rows match the
    # line count, but row 3 is not line 3; the doubtful row (line 2) was dropped unseen
    src = tmp_path / "c.jsonl"
    src.write_text('{"id": 1} {"id": 2}\n{"id": 9, "day": "2013-02-30"}\n{"id": 3,\n'
                   ' "note": "x"}\n{"id": 5}\n')
    for fast in (True, False):
        batches: list[Any] = []
        rejects: list[Any] = []
        conv = cv.Converter(kitchen, batches.append, rejects.append)
        conv.fast = fast
        conv.json_lines(src)
        ids = pa.Table.from_batches(batches, schema=kitchen.arrow_schema()).column("id")
        assert ids.to_pylist() == [1, 2, 5], fast
        assert [(r.line, r.path) for r in rejects] == [(2, "day"), (3, ""), (4, "")], fast



def _block_start_null(path: Path) -> Path:
    """1 MiB of 64-byte object lines, then ``null`` exactly where pyarrow's JSON reader
    starts its second block (1 MiB blocks end at the last line end within them)."""
    def line(i: int) -> bytes:
        return (b'{"id": %d, "note": "' % i).ljust(61, b"x") + b'"}\n'
    k = (1 << 20) // 64
    path.write_bytes(b"".join(line(i) for i in range(k)) + b"null\n"
                     + b"".join(line(i) for i in range(k, k + 3)))
    return path


def test_null_lines_pyarrow_would_crash_on_are_rejected(tmp_path: Path) -> None:
    # a block of pyarrow's JSON reader whose first value is null kills the process
    # (SIGSEGV in pyarrow.json.read_json, pyarrow 26.0.1): first line, after blank lines,
    # after a line end that is a lone CR (pyarrow ends lines there too), at a block start
    schema = tmp_path / "k.avsc"
    schema.write_text(KITCHEN)
    inputs = {"first.jsonl": b'null\n{"id": 1}\n', "blank.jsonl": b'\n \n null \n{"id": 2}\n',
              "cr.jsonl": b'{"id": 3}\r null\r\n{"id": 4}\n', "scalar.jsonl": b'null{"id": 5}\n'}
    for name, data in inputs.items():
        (tmp_path / name).write_bytes(data)
    _block_start_null(tmp_path / "block.jsonl")
    files = [*inputs, "block.jsonl"]
    proc = subprocess.run(
        [sys.executable, "-m", "schemagen", "convert", *files, "--schema", str(schema),
         "--record", "t.Kitchen", "--out", "o.parquet", "--rejects", "r.jsonl", "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    ids = pq.read_table(tmp_path / "o.parquet").column("id").to_pylist()
    k = (1 << 20) // 64
    assert ids == [1, 2, 4, *range(k + 3)]
    got = [(r["file"], r["line"], r["row"]) for r in read_rejects(tmp_path / "r.jsonl")]
    assert got == [("first.jsonl", 1, "null"), ("blank.jsonl", 3, " null "),
                   ("cr.jsonl", 1, '{"id": 3}\r null'), ("scalar.jsonl", 1, 'null{"id": 5}'),
                   ("block.jsonl", k + 1, "null")]


def _bom_rows(flat: Any, path: Path, chunk: int) -> list[Any]:
    """(rows, rejects) of ``path`` on the fast and on the per-row path."""
    from sg_convert import run_converter

    return [run_converter(flat, path, fast, chunk, "reject")[:2] for fast in (True, False)]


def test_bom_at_file_start_stripped_and_elsewhere_rejected_alike_on_both_paths(
        flat: Any, tmp_path: Path) -> None:
    # the rule: a byte order mark as the file's first bytes is stripped; one anywhere
    # else is part of its line (not JSON there: the row is rejected, by both paths, with
    # the same line and reason), inside a string it is a character of the value
    bom = b"\xef\xbb\xbf"
    lines = [json.dumps({"i": i, "s": "x", "b": False, "x": 0.25}).encode()
             for i in range(1, 61)]
    lines[0] = bom + lines[0]
    lines[39] = bom + lines[39]
    lines[51] = lines[51].replace(b'"x"', b'"x' + bom + b'"', 1)
    src = tmp_path / "bom.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    # 1024 bytes a chunk: line 40 starts a chunk of its own (a chunk start is no file start)
    assert sum(len(x) + 1 for x in lines[:39]) > 1024
    for chunk in (1 << 20, 1024, sum(len(x) + 1 for x in lines[:39])):
        for rows, rejects in _bom_rows(flat, src, chunk):
            assert [r["i"] for r in rows] == [i for i in range(1, 61) if i != 40]
            assert rows[50]["s"] == "x\ufeff" and rows[0]["s"] == "x"
            assert rejects == [(40, "", "invalid JSON: a byte order mark (U+FEFF) starts "
                                        "the line; only the first bytes of a file may be one")]


def test_bom_at_a_chunk_boundary_inside_a_long_first_line_is_kept(flat: Any,
                                                                  tmp_path: Path) -> None:
    # regression: while the first line was longer than a chunk, the next read counted as
    # the file's start and a byte order mark there was silently stripped from the value
    head = b'{"i": 1, "s": "'
    text = head + b"y" * (1024 - len(head)) + b"\xef\xbb\xbf" + b"y" * 2000 + b'"}\n'
    src = tmp_path / "long.jsonl"
    src.write_bytes(text + b'{"i": 2, "s": "z"}\n')
    for rows, rejects in _bom_rows(flat, src, 1024):
        assert rejects == []
        assert [r["i"] for r in rows] == [1, 2]
        assert rows[0]["s"] == "y" * (1024 - len(head)) + "\ufeff" + "y" * 2000
