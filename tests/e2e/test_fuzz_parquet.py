"""Fuzz: mutated Parquet files through ``schemagen inspect`` and ``schemagen.read``
(docs/fuzzing.md).

The seeds are files written by schemagen (several codecs, small pages, a nested record)
and the shared corpus (apache/parquet-testing, good and bad).  A case flips bytes (in
the footer, the page headers and data, the magic), truncates the file (or cuts bytes out
of its middle and keeps the footer), replaces footer text (column names, ``created_by``,
metadata keys) by bytes of the same length that need not be UTF-8, or rewrites the
footer's ``schemagen.schema`` JSON with mutated values.  ``inspect`` (``--rows``, ``--json``)
and a typed read of the matching record class run in child processes (tests/sg_fuzz.py):
each must exit 0 or 2 with a message, never traceback, hang or crash.
"""

from __future__ import annotations

import datetime
import decimal
import json
import struct
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sg_fuzz import Runner, fuzz_settings, record
from sg_helpers import CORPUS

import schemagen
from schemagen.codegen.loader import load_schemas

SCHEMA = {"type": "record", "name": "Pq", "namespace": "fuzz", "fields": [
    {"name": "key", "type": "long"},
    {"name": "name", "type": "string"},
    {"name": "score", "type": ["null", "double"], "default": None},
    {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9,
                               "scale": 2}},
    {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "attrs", "type": {"type": "map", "values": "int"}},
    {"name": "owner", "type": ["null", {"type": "record", "name": "Owner", "fields": [
        {"name": "first", "type": "string"}, {"name": "age", "type": "int"}]}],
     "default": None},
]}
UTC = datetime.UTC


@pytest.fixture(scope="module")
def work(fuzz: Runner, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Seed files: schemagen-written ones (their record class known) and the corpus."""
    tmp = tmp_path_factory.mktemp("fuzz-parquet")
    schema = tmp / "pq.avsc"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    loaded = load_schemas(schema)
    cls, owner = loaded.record_class("fuzz.Pq"), loaded.record_class("fuzz.Owner")
    recs = [cls(key=i, name=f"n{i}" * (i % 5), score=None if i % 3 else i / 7,
                price=decimal.Decimal(i) / 100,
                at=datetime.datetime(2024, 1, 1, tzinfo=UTC) + datetime.timedelta(seconds=i),
                tags=[f"t{j}" for j in range(i % 4)], attrs={f"k{i % 3}": i},
                owner=owner(first="ann", age=i) if i % 2 else None) for i in range(300)]
    ours = []
    for codec in ("snappy", "zstd", "none", "gzip"):
        path = tmp / f"ours-{codec}.parquet"
        schemagen.write(recs, path, compression=codec, page_size=512, row_group_size=100)
        ours.append(path)
    corpus = sorted((CORPUS / "parquet").rglob("*.parquet")) if (CORPUS / "parquet").is_dir() \
        else []
    fuzz.warm([schema], ["inspect", str(ours[0]), "--rows", "2"], tmp)
    return {"tmp": tmp, "schema": schema, "ours": ours, "corpus": corpus}


def _footer_start(data: bytes) -> int:
    if len(data) < 12:
        return 0
    n = struct.unpack("<I", data[-8:-4])[0]
    return max(0, len(data) - 8 - n) if n < len(data) else 0


def _same_length_text(data: bytes, start: int, pick: int, new: bytes) -> bytes:
    """``data`` with one ASCII word of its footer replaced by ``new`` (same length)."""
    import re

    words = [m for m in re.finditer(rb"[A-Za-z_][A-Za-z0-9_.:-]{2,}", data[start:])]
    if not words:
        return data
    m = words[pick % len(words)]
    a, b = start + m.start(), start + m.end()
    return data[:a] + (new * (b - a))[: b - a] + data[b:]


MUTATIONS = st.sampled_from(["flip-footer", "flip-footer", "flip-data", "flip-head",
                             "truncate", "cut-middle", "rename", "footer-json"])
JUNK = st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80", b"\x1b[", b"\xe2\x80\xae",
                        b"\x80\x81", b"Z"])
JSON_NODES = st.sampled_from([None, True, -1, 2**64, 1.5, "", "x" * 300, "__import__('os')",
                              "int", "long", "record", "nope", [], {}, [None], {"kind": "?"},
                              {"kind": "int", "bits": 7, "signed": "yes"}])


def _mutate_json(text: str, path: list[int], new: Any) -> str:
    from test_fuzz_frontends import tree_mutate

    try:
        tree = json.loads(text)
    except ValueError:
        return text[: len(text) // 2]
    return json.dumps(tree_mutate(tree, path, new))


def _rewrite_footer(seed: Path, out: Path, path: list[int], new: Any) -> bool:
    """``seed`` rewritten with a mutated ``schemagen.schema`` (False: seed has none)."""
    table = pq.read_table(seed)
    meta = dict(table.schema.metadata or {})
    key = b"schemagen.schema"
    if key not in meta:
        return False
    meta[key] = _mutate_json(meta[key].decode(), path, new).encode()
    meta.pop(b"ARROW:schema", None)
    pq.write_table(table.replace_schema_metadata(meta), out)
    return True


@st.composite
def parquet_case(draw: Any, work: dict[str, Any]) -> tuple[Path, Path, list[str]]:
    """(the mutated file, its seed, inspect options)."""
    ours = draw(st.booleans()) or not work["corpus"]
    seed = draw(st.sampled_from(work["ours"] if ours else work["corpus"]))
    data = seed.read_bytes()
    out = work["tmp"] / "case.parquet"
    for kind in draw(st.lists(MUTATIONS, min_size=1, max_size=3)):
        start = _footer_start(data)
        pos = draw(st.integers(0, 1 << 30))
        if kind.startswith("flip"):
            lo, hi = {"flip-footer": (start, len(data)), "flip-data": (4, max(5, start)),
                      "flip-head": (0, min(len(data), 64))}[kind]
            i = lo + pos % max(1, hi - lo)
            if i < len(data):
                bit = draw(st.integers(0, 255)) or 1
                data = data[:i] + bytes([data[i] ^ bit]) + data[i + 1:]
        elif kind == "truncate":
            data = data[: pos % max(1, len(data))]
        elif kind == "cut-middle" and start > 8:
            i = 4 + pos % (start - 4)
            data = data[:i] + data[min(start, i + draw(st.integers(1, 200))):]
        elif kind == "rename":
            data = _same_length_text(data, start, pos, draw(JUNK))
        elif kind == "footer-json" and ours:
            out.write_bytes(data)
            tmp = work["tmp"] / "rewritten.parquet"
            try:
                done = _rewrite_footer(out, tmp, draw(st.lists(st.integers(0, 50), max_size=8)),
                                       draw(JSON_NODES))
            except Exception:  # an earlier mutation left nothing pyarrow can rewrite
                done = False
            if done:
                data = tmp.read_bytes()
    out.write_bytes(data)
    opts = draw(st.sampled_from([[], ["--rows", "3"], ["--json"], ["--no-verify", "--rows", "2"]]))
    return out, seed, opts


@fuzz_settings(10)
@given(data=st.data())
def test_fuzz_parquet_inspect(fuzz: Runner, work: dict[str, Any], data: Any) -> None:
    case, _, opts = data.draw(parquet_case(work))
    outcome = fuzz.cli(["inspect", str(case), *opts, "--timeout", "20"], work["tmp"])
    record("parquet-inspect", outcome, [case])


@fuzz_settings(15)
@given(data=st.data())
def test_fuzz_parquet_read(fuzz: Runner, work: dict[str, Any], data: Any) -> None:
    """schemagen's files read as their record class; the corpus's (``bad/`` aside) as the
    record recovered from the unmutated file (what ``inspect --emit py`` generates)."""
    good = [p for p in work["corpus"] if p.parent.name != "bad"]
    case, seed, _ = data.draw(parquet_case({**work, "corpus": good}))
    if seed in work["ours"]:
        outcome = fuzz.call("read_all", [str(work["schema"]), "fuzz.Pq", str(case)],
                            work["tmp"])
        record("parquet-read", outcome, [case])
    else:
        outcome = fuzz.call("read_recovered", [str(seed), str(case)], work["tmp"])
        record("parquet-read-corpus", outcome, [case])
