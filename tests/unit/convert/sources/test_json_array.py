"""``schemagen.convert.sources.json_array``: streamed JSON arrays."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_convert import (
    read_rejects,
)

from schemagen import convert as cv
from schemagen.convert.sources.json_array import json_array_rows
from schemagen.errors import InputError


def test_json_array_input(kitchen: Any, tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    src.write_text('[\n  {"id": 1, "day": "2020-01-01"},\n  {"id": "x"},\n'
                   '  {"id": 3,\n   "tags": ["a"]}\n]\n')
    rej = tmp_path / "r.jsonl"
    res = cv.convert(kitchen, [src], tmp_path / "o.parquet", rejects=rej)
    assert res.rows == 2 and res.rejected == 1
    assert pq.read_table(tmp_path / "o.parquet").column("id").to_pylist() == [1, 3]
    (r,) = read_rejects(rej)
    assert (r["line"], r["path"], r["row"]) == (3, "id", '{"id": "x"}')


def test_json_array_broken_is_usage_error(kitchen: Any, tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    src.write_text('[{"id": 1}, {"id": 2}')
    with pytest.raises(InputError, match="not closed"):
        cv.convert(kitchen, [src], tmp_path / "o.parquet", input_format="json")
    assert not (tmp_path / "o.parquet").exists()


def test_json_array_duplicate_keys_and_scalars(kitchen: Any, tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    src.write_text('[{"id": 1, "id": 2}, 5, {"id": 3}]')
    rej = tmp_path / "r.jsonl"
    res = cv.convert(kitchen, [src], tmp_path / "o.parquet", rejects=rej)
    assert res.rows == 1
    r1, r2 = read_rejects(rej)
    assert (r1["path"], r1["row"]) == ("id", '{"id": 1, "id": 2}')
    assert "given twice" in r1["reason"] and "expected a JSON object" in r2["reason"]


def test_json_array_number_cut_by_a_read_is_not_truncated(kitchen: Any, tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    for pad in (1015, 1019, 1022):  # the number straddles the first 1024-character read
        src.write_text("[" + " " * pad + '1234567890, {"id": 2, "note": "' + "x" * 3000 + '"}]')
        items = list(json_array_rows(src, 1024, lambda n: None))
        assert [raw for _, raw, _ in items][0] == "1234567890", pad
        assert len(items) == 2 and items[1][2]()["note"] == "x" * 3000


def test_json_array_literal_cut_by_a_read_is_read_on(tmp_path: Path) -> None:
    # regression: a literal cut by the end of a read (``tr|ue``, ``nu|ll``, ``-Infin|ity``)
    # made the decoder fail where the literal starts, not at the end of the buffer, and a
    # valid array was refused as invalid JSON (exit 2) whenever one met a read boundary
    src = tmp_path / "a.json"
    for literal in ("true", "false", "null", "-Infinity", "NaN"):
        for cut in range(len(literal) + 1):
            pad = 1024 - len('[{"v": ') - cut
            src.write_text('[{"v": ' + " " * pad + literal + "}, " + '{"v": 2}]')
            items = list(json_array_rows(src, 1024, lambda n: None))
            assert [row.parse() for row in items][1] == {"v": 2}, (literal, cut)
            assert str(items[0].parse()["v"]) == str(json.loads(literal)), (literal, cut)


@settings(max_examples=int(os.environ.get("SG_CONVERT_EXAMPLES", "20")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(["good", "long", "cast", "dup", "not_object", "pretty"]),
                      max_size=60),
       sep=st.sampled_from([",", ",\n", " ,\r\n  "]))
def test_json_array_rows_in_equal_rows_written_plus_rejected(kitchen: Any, tmp_path: Path,
                                                              kinds: list[str], sep: str) -> None:
    items: list[str] = []
    want_ids: list[int] = []
    bad: list[str] = []
    for n, kind in enumerate(kinds):
        if kind in ("good", "long", "pretty"):
            row = {"id": n, "note": "y" * (3000 if kind == "long" else 2), "small": -n}
            items.append(json.dumps(row, indent=2 if kind == "pretty" else None))
            want_ids.append(n)
        else:
            items.append({"cast": f'{{"id": {n}, "small": 1.5}}', "dup": f'{{"id": {n}, "id": 1}}',
                          "not_object": f'"{n}"'}[kind])
            bad.append(items[-1])
    text = "[\n" + sep.join(items) + "\n]\n"
    src = tmp_path / "a.json"
    src.write_text(text)
    batches: list[Any] = []
    rejects: list[Any] = []
    conv = cv.Converter(kitchen, batches.append, rejects.append, chunk_bytes=1024)
    conv.json_array(src)
    ids = pa.Table.from_batches(batches, schema=kitchen.arrow_schema()).column("id").to_pylist() \
        if batches else []
    assert ids == want_ids
    assert [r.row for r in rejects] == bad
    lines = text.splitlines()
    assert all(r.row.splitlines()[0] in lines[r.line - 1] for r in rejects)
    if sep != ",":  # one element per line: the line where each rejected element starts
        assert [r.line for r in rejects] == [
            2 + sum(x.count("\n") + 1 for x in items[:items.index(r.row)]) for r in rejects]



def test_syntax_errors_are_input_errors_with_file_and_line(kitchen: Any, tmp_path: Path,
                                                           capsys: Any) -> None:
    src = tmp_path / "a.json"
    for text, line, message in [('[{"id": 1},\n\n{"id": 2} {"id": 3}]', 3, "expected ',' or ']'"),
                                ('[{"id": 1}]\n x', 2, "unexpected text after the JSON array"),
                                ('\n{"id": 1}', 2, "expected a JSON array"),
                                ('[{"id": 1},\n{"id": tru}]', 2, "invalid JSON")]:
        src.write_text(text)
        with pytest.raises(InputError, match=message) as info:
            cv.convert(kitchen, [src], tmp_path / "o.parquet", input_format="json")
        assert (info.value.file, info.value.line) == (str(src), line)
        assert str(info.value).startswith(f"{src}:{line}: {message}")
        assert not (tmp_path / "o.parquet").exists()
