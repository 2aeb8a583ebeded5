"""Fuzz: ``schemagen convert`` on hypothesis-generated JSON Lines and CSV (docs/fuzzing.md).

Each case is one input file, converted in a child process (tests/sg_fuzz.py) so a crash or
a hang is a test failure, then accounted for from the output Parquet file and the rejects
file: every non-blank input line is one row written or one row rejected, every valid line
is written with exactly its values (in input order), every line that cannot be a row
(not an object, invalid UTF-8, truncated) is rejected, and nothing is made up.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sg_fuzz import Outcome, Runner, fuzz_settings, record

FZ = {"type": "record", "name": "Fz", "namespace": "fuzz", "fields": [
    {"name": "i", "type": "long"},
    {"name": "s", "type": "string", "aliases": ["label"]},
    {"name": "x", "type": ["null", "double"], "default": None},
    {"name": "b", "type": "boolean", "default": True},
    {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
    {"name": "in", "type": ["null", {"type": "record", "name": "In", "fields": [
        {"name": "k", "type": "long"}]}], "default": None},
]}
FLAT = {"type": "record", "name": "FzFlat", "namespace": "fuzz", "fields": FZ["fields"][:4]}
DEFAULTS = {"x": None, "b": True, "tags": [], "in": None}
GIANT = int(os.environ.get("SCHEMAGEN_FUZZ_GIANT") or 300_000)
I64 = st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)


@dataclass
class Line:
    data: bytes
    kind: str  # "valid" (must be written as ``row``), "reject" (must be rejected), "any"
    row: dict[str, Any] | None = None


@pytest.fixture(scope="module")
def work(fuzz: Runner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cases' folder, with the schema (compiled once in the fuzz server, which also
    runs one conversion of each kind so that its children start warm)."""
    tmp = tmp_path_factory.mktemp("fuzz-convert")
    (tmp / "fz.avsc").write_text(json.dumps({
        "type": "record", "name": "Root", "namespace": "fuzz",
        "fields": [{"name": "a", "type": FZ}, {"name": "c", "type": FLAT}]}), encoding="utf-8")
    (tmp / "warm.jsonl").write_text('{"i": 1, "s": "a"}\nnull\n', encoding="utf-8")
    (tmp / "warm.csv").write_text("i,s,x,b\n1,a,,true\n2\n", encoding="utf-8")
    for name, rec in (("warm.jsonl", "fuzz.Fz"), ("warm.csv", "fuzz.FzFlat")):
        fuzz.warm([tmp / "fz.avsc"], ["convert", name, "--schema", "fz.avsc", "--record", rec,
                                      "--out", "warm.parquet", "--rejects", "warm.rej"], tmp)
    return tmp


# --------------------------------------------------------------------------- JSON Lines

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=4), kids,
                                                              max_size=4),
    max_leaves=12)

VALID_ROWS = st.fixed_dictionaries(
    {"i": I64, "s": st.text(max_size=20)},
    optional={"x": st.none() | FLOATS, "b": st.booleans(),
              "tags": st.lists(st.text(max_size=6), max_size=3),
              "in": st.none() | st.builds(lambda k: {"k": k}, I64)})


def _expected(row: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **row}


@st.composite
def json_line(draw: Any) -> Line:
    kind = draw(st.sampled_from(["valid", "valid", "valid", "alias", "wrong", "unknown",
                                 "not-object", "deep", "bom", "bad-utf8", "giant", "blank",
                                 "truncated", "bytes"]))
    row = draw(VALID_ROWS)
    text = json.dumps(row, ensure_ascii=draw(st.booleans())).encode()
    if kind == "valid":
        return Line(text, "valid", _expected(row))
    if kind == "alias":
        row2 = {("label" if k == "s" else k): v for k, v in row.items()}
        return Line(json.dumps(row2).encode(), "valid", _expected(row))
    if kind == "wrong":
        key = draw(st.sampled_from(sorted(row)))
        return Line(json.dumps({**row, key: draw(JSON_VALUES)}).encode(), "any")
    if kind == "unknown":
        return Line(json.dumps({**row, draw(st.text(max_size=5)): draw(JSON_VALUES)}).encode(),
                    "any")
    if kind == "not-object":
        value = draw(JSON_VALUES.filter(lambda v: not isinstance(v, dict)))
        return Line(json.dumps(value).encode(), "reject")
    if kind == "deep":
        n = draw(st.integers(1, 5000))
        inner = draw(st.sampled_from([("[" * n, "]" * n), ('{"in":' * n, "}" * n),
                                      ('{"tags":' + "[" * n, "]" * n + "}")]))
        return Line((inner[0] + "1" + inner[1]).encode(), "reject")
    if kind == "bom":
        return Line(b"\xef\xbb\xbf" + text, "any")
    if kind == "bad-utf8":
        bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80",
                                    b"\xc0\xaf", b"\x80"]))
        where = json.dumps({**row, "s": "QQbadQQ"}).encode()
        return Line(where.replace(b"QQbadQQ", b"ok" + bad), "reject")
    if kind == "giant":
        n = draw(st.integers(1, GIANT) | st.sampled_from([GIANT // 2, GIANT - 1, GIANT]))
        big = {**row, "s": draw(st.sampled_from("xé\u4e2d")) * n}
        return Line(json.dumps(big, ensure_ascii=False).encode(), "valid", _expected(big))
    if kind == "blank":
        return Line(draw(st.sampled_from([b"", b" ", b"\t", b"  \t ", b"\r"])), "blank")
    if kind == "truncated":
        return Line(text[: draw(st.integers(0, len(text) - 2))] or b"{", "reject")
    data = draw(st.binary(min_size=1, max_size=40).filter(lambda b: b"\n" not in b))
    return Line(data, "blank" if not data.strip() else "any")


@st.composite
def jsonl_file(draw: Any) -> tuple[bytes, list[Line]]:
    lines = draw(st.lists(json_line(), min_size=1, max_size=40))
    seps = [draw(st.sampled_from([b"\n", b"\n", b"\r\n"])) for _ in lines]
    if draw(st.booleans()):
        seps[-1] = b""  # no newline at the end
    head = b"\xef\xbb\xbf" if draw(st.integers(0, 4)) == 0 else b""
    if head and lines[0].kind == "any" and lines[0].data.startswith(b"\xef\xbb\xbf"):
        head = b""
    data = head + b"".join(ln.data + sep for ln, sep in zip(lines, seps))
    return data, lines


def _is_blank(line: Line) -> bool:
    return not line.data.replace(b"\r", b"").strip()


def _rejects(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n") if x]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def data_lost(lines: list[Line], written: list[dict[str, Any]],
              rejects: list[dict[str, Any]]) -> str | None:
    """What the output and rejects of a JSON Lines conversion lose or make up (None: all
    accounted for): every non-blank line is one row written or one reject, in order."""
    numbered = {n: ln for n, ln in enumerate(lines, 1) if not _is_blank(ln)}
    rejected = [r["line"] for r in rejects]
    if len(set(rejected)) != len(rejected):
        return f"a line rejected twice: {sorted(rejected)}"
    if not set(rejected) <= set(numbered):
        return f"rejects name lines that are no rows: {sorted(set(rejected) - set(numbered))}"
    kept = [n for n in numbered if n not in set(rejected)]
    if len(kept) != len(written):
        return (f"{len(numbered)} rows in, {len(written)} written + {len(rejected)} "
                f"rejected")
    for n, row in zip(kept, written):
        ln = numbered[n]
        if ln.kind == "reject":
            return f"line {n} ({ln.data[:60]!r}) should be rejected, was written as {row}"
        if ln.kind == "valid" and not _same(row, ln.row):
            return f"line {n}: written as {str(row)[:200]}, expected {str(ln.row)[:200]}"
    for n in rejected:
        if numbered[n].kind == "valid":
            return f"valid line {n} ({numbered[n].data[:60]!r}) was rejected"
    return None


def _convert(fuzz: Runner, tmp: Path, data: bytes, name: str, record_name: str,
             extra: tuple[str, ...] = ()) -> tuple[Outcome, Path, Path, Path]:
    src, out, rej = tmp / name, tmp / "out.parquet", tmp / "rejects.jsonl"
    for p in (out, rej):
        p.unlink(missing_ok=True)
    src.write_bytes(data)
    outcome = fuzz.cli(["convert", str(src), "--schema", str(tmp / "fz.avsc"), "--record",
                        record_name, "--out", str(out), "--rejects", str(rej), *extra],
                       tmp, ok_codes=(0, 1))
    return outcome, src, out, rej


def _check_files(outcome: Outcome, out: Path, rej: Path) -> list[dict[str, Any]] | None:
    """The rows written (None: the run was not clean, or it refused the whole file)."""
    if outcome.kind != "clean":
        return None
    if outcome.code == 2:
        if out.exists() or rej.exists():
            outcome.kind, outcome.detail = "data lost", "exit 2 but an output was committed"
        return None
    if not out.exists():
        outcome.kind, outcome.detail = "data lost", f"exit {outcome.code} but no output file"
        return None
    return pq.read_table(out).to_pylist()  # type: ignore[no-any-return]


@fuzz_settings(25)
@given(case=jsonl_file())
def test_fuzz_convert_jsonl(fuzz: Runner, work: Path, case: Any) -> None:
    data, lines = case
    outcome, src, out, rej = _convert(fuzz, work, data, "in.jsonl", "fuzz.Fz")
    written = _check_files(outcome, out, rej)
    if written is not None:
        lost = data_lost(lines, written, _rejects(rej))
        if lost:
            outcome.kind, outcome.detail = "data lost", lost
    record("convert-jsonl", outcome, [src])


# --------------------------------------------------------------------------- CSV

CSV_TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"),
                   max_size=12)


@st.composite
def csv_line(draw: Any) -> Line:
    kind = draw(st.sampled_from(["valid", "valid", "valid", "wrong", "ragged", "blank",
                                 "spaces", "quote", "bom", "bytes"]))
    row = {"i": draw(I64), "s": draw(CSV_TEXT), "x": draw(st.none() | FLOATS),
           "b": draw(st.booleans())}
    cells = [str(row["i"]), row["s"], "" if row["x"] is None else repr(row["x"]),
             "true" if row["b"] else "false"]
    if kind == "wrong":
        cells[draw(st.integers(0, 3))] = draw(CSV_TEXT)
    elif kind == "ragged":
        n = draw(st.sampled_from([1, 2, 3, 5, 6]))
        cells = (cells + ["z"] * 3)[:n]
    elif kind == "blank":
        return Line(b"", "blank")
    elif kind == "spaces":
        return Line(draw(st.sampled_from([b" ", b"\t", b"   "])), "reject")
    elif kind == "quote":
        cells[draw(st.integers(0, 3))] = '"' + draw(CSV_TEXT)
        return Line(",".join(cells).encode(), "any")
    elif kind == "bytes":
        data = draw(st.binary(min_size=1, max_size=30).filter(
            lambda b: b"\n" not in b and b"\r" not in b))
        return Line(data, "any")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    data = buf.getvalue().encode()
    if kind == "bom":
        return Line(b"\xef\xbb\xbf" + data, "any")
    if kind == "valid":
        return Line(data, "valid", row)
    return Line(data, "reject" if kind == "ragged" else "any")


@st.composite
def csv_file(draw: Any) -> tuple[bytes, list[Line]]:
    lines = draw(st.lists(csv_line(), min_size=1, max_size=30))
    sep = draw(st.sampled_from([b"\n", b"\r\n"]))
    head = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    data = head + b"i,s,x,b" + sep + b"".join(ln.data + sep for ln in lines)
    return data, lines


def _reject_text(row: Any) -> str:
    """A CSV reject's row as text: the lines that are not CSV as stored, else its cells
    (by header, or a list for a row of the wrong width)."""
    if isinstance(row, str):
        return row
    cells = row.values() if isinstance(row, dict) else row or []
    return "\n".join(map(str, cells))


def csv_data_lost(lines: list[Line], written: list[dict[str, Any]],
                  rejects: list[dict[str, Any]]) -> str | None:
    """What a CSV conversion loses or makes up (a quoted cell may span lines, so rows are
    matched by content): no more rows than lines, every valid line written as itself
    (or inside a cell of a row its open quote began, or inside a reject's text)."""
    rows = [ln for ln in lines if ln.data != b""]
    if len(written) + len(rejects) > len(rows):
        return f"{len(rows)} lines in, {len(written)} written + {len(rejects)} rejected"
    cells = [_reject_text(r.get("row")) for r in rejects]
    texts = [r["s"] for r in written if "\n" in r["s"]]
    pool = [{"i": r["i"], "s": r["s"], "x": r["x"], "b": r["b"]} for r in written]
    for n, ln in enumerate(lines, 2):
        if ln.kind != "valid":
            continue
        assert ln.row is not None
        hit = next((j for j, r in enumerate(pool) if _same(r, ln.row)), None)
        if hit is not None:
            pool.pop(hit)
            continue
        raw = ln.data.decode("utf-8")
        if any(raw in t for t in texts) or any(
                raw in c or (str(ln.row["i"]) in c and ln.row["s"] in c) for c in cells):
            continue
        return f"valid line {n} ({raw[:80]!r}) is neither written nor rejected"
    return None


@fuzz_settings(15)
@given(case=csv_file())
def test_fuzz_convert_csv(fuzz: Runner, work: Path, case: Any) -> None:
    data, lines = case
    outcome, src, out, rej = _convert(fuzz, work, data, "in.csv", "fuzz.FzFlat")
    written = _check_files(outcome, out, rej)
    if written is not None:
        lost = csv_data_lost(lines, written, _rejects(rej))
        if lost:
            outcome.kind, outcome.detail = "data lost", lost
    record("convert-csv", outcome, [src])
