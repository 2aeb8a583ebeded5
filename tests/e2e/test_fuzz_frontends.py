"""Fuzz: ``schemagen compile`` on mutated schema text (docs/fuzzing.md).

The seeds are the bundled schemas (``schemas/``: Avro, Thrift, protobuf, SQL DDL) and the
shared Avro corpus; each case applies a few mutations (deleted, duplicated or swapped
spans, inserted tokens of the format, odd characters, truncation, deep nesting, huge
numbers and names; for Avro also edits of the JSON tree) and compiles the result in a
child process (tests/sg_fuzz.py).  ``compile`` must exit 0 or 2 (a message, no traceback),
never hang or crash.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sg_fuzz import Runner, fuzz_settings, record
from sg_helpers import CORPUS, SCHEMAS

FORMATS = {"avro": (".avsc", ".avpr"), "thrift": (".thrift",), "proto": (".proto",),
           "sql": (".sql",)}


def _seeds(fmt: str) -> list[Path]:
    found = [p for p in sorted((SCHEMAS / fmt).glob("*")) if p.suffix in FORMATS[fmt]]
    if fmt == "avro" and (CORPUS / "avro").is_dir():
        found += sorted((CORPUS / "avro").glob("*.avsc"))
    return found


TOKENS = {
    "avro": ['{', '}', '[', ']', ',', ':', '"', '"type"', '"record"', '"enum"', '"fixed"',
             '"array"', '"map"', '"items"', '"values"', '"fields"', '"name"', '"namespace"',
             '"symbols"', '"size"', '"default"', '"logicalType"', '"decimal"', '"precision"',
             '"scale"', '"null"', '"long"', '"aliases"', 'null', 'true', '-1', '1e999',
             '99999999999999999999999', '"\\ud800"', '"a.b.c"', '""'],
    "thrift": ['{', '}', '<', '>', '(', ')', ',', ';', ':', '=', 'struct', 'union',
               'exception', 'enum', 'typedef', 'const', 'list', 'map', 'set', 'optional',
               'required', 'include', 'namespace', 'service', 'i32', 'i64', 'binary',
               'string', '-1', '0x7fffffffffffffff', '99999999999999999999', '"', "'", '/*',
               '*/', '//', '#', '1.5e400'],
    "proto": ['{', '}', '<', '>', '[', ']', '=', ';', ',', 'message', 'enum', 'oneof', 'map',
              'repeated', 'optional', 'reserved', 'syntax = "proto2";', 'syntax = "proto3";',
              'import', 'package', 'option', 'extend', 'int32', 'int64', 'string', 'bytes',
              'google.protobuf.Timestamp', '536870912', '-1', '0', '99999999999999999999',
              '"', '/*', '*/', '//', 'max', 'to'],
    "sql": ['(', ')', ',', ';', '<', '>', '`', '"', "'", 'CREATE', 'TABLE', 'STRUCT<', 'ARRAY<',
            'MAP<', 'NOT NULL', 'NULL', 'DEFAULT', 'COMMENT', 'PRIMARY KEY', 'DECIMAL(38, 40)',
            'DECIMAL(99999999999)', 'VARCHAR(-1)', 'TIMESTAMP(12)', 'BIGINT', 'INT', 'AS',
            'SELECT', '-- dialect: spark\n', '-- dialect: nope\n', '/*', '*/', '--', '1e999'],
}

DEEP = {
    "avro": lambda n: '{"type": "array", "items": ' * n + '"int"' + "}" * n,
    "thrift": lambda n: "list<" * n + "i32" + ">" * n,
    "proto": lambda n: "message M { " * n + "int32 x = 1;" + " }" * n,
    "sql": lambda n: "STRUCT<a " * n + "INT" + ">" * n,
}

ODD = st.sampled_from(["\x00", "\ufeff", "\u202e", "\ud7ff", "\U0001f600", "\x1b[2J", "\\",
                       "\r", "\n", "\t", "é", "\u0301", "$", "{{", "{%", "'''", '"""'])


@st.composite
def mutation(draw: Any, fmt: str) -> tuple[str, int, int, str]:
    kind = draw(st.sampled_from(["delete", "duplicate", "insert", "insert", "odd", "replace",
                                 "truncate", "swap", "deep", "long", "number"]))
    a, b = draw(st.integers(0, 1 << 30)), draw(st.integers(1, 40))
    if kind == "insert":
        arg = draw(st.sampled_from(TOKENS[fmt]))
    elif kind == "odd":
        arg = draw(ODD)
    elif kind == "replace":
        arg = draw(st.text(min_size=1, max_size=3))
    elif kind == "deep":
        arg = DEEP[fmt](draw(st.sampled_from([2, 50, 200, 1000, 3000])))
    elif kind == "long":
        arg = draw(st.sampled_from("aZ_9.é")) * draw(st.sampled_from([300, 5000, 70000]))
    elif kind == "number":
        arg = draw(st.sampled_from(["-0", "2147483648", "-2147483649", "9" * 40, "1e308",
                                    "0x", "00012", "NaN"]))
    else:
        arg = ""
    return kind, a, b, arg


def mutate(text: str, muts: list[tuple[str, int, int, str]]) -> str:
    for kind, a, b, arg in muts:
        n = len(text)
        i = a % (n + 1)
        j = min(n, i + b)
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif kind in ("insert", "odd", "deep", "long", "number"):
            text = text[:i] + (f" {arg} " if kind == "insert" else arg) + text[i:]
        elif kind == "replace":
            text = text[:i] + arg + text[i + 1:]
        elif kind == "truncate":
            text = text[:i]
        elif kind == "swap":
            lines = text.split("\n")
            x, y = a % len(lines), (a // 7 + b) % len(lines)
            lines[x], lines[y] = lines[y], lines[x]
            text = "\n".join(lines)
    return text


AVRO_NODES = st.sampled_from([
    "record", "enum", "fixed", "array", "map", "null", "int", "long", "bytes", "string",
    "Nope", "a.b.C", "", None, -1, 0, 2**70, 1.5, True, [], {}, ["null"], ["null", "null"],
    {"type": "fixed", "size": -4, "name": "F"}, {"type": "bytes", "logicalType": "decimal",
                                                 "precision": 0, "scale": 5},
    {"type": "record", "name": "R", "fields": "x"}, {"type": "enum", "name": "E",
                                                     "symbols": ["A", "A"]},
    {"type": "long", "logicalType": "timestamp-nanos"}, {"type": "map"},
    {"type": "array", "items": {"type": "record", "name": "R2", "fields": [
        {"name": "r", "type": "R2"}]}},
])


def tree_mutate(value: Any, path: list[int], new: Any) -> Any:
    """``value`` with the node picked by ``path`` (indices, taken modulo) replaced."""
    if not path or not isinstance(value, (dict, list)) or not value:
        return new
    if isinstance(value, dict):
        keys = sorted(value)
        k = keys[path[0] % len(keys)]
        return {**value, k: tree_mutate(value[k], path[1:], new)}
    i = path[0] % len(value)
    return [*value[:i], tree_mutate(value[i], path[1:], new), *value[i + 1:]]


@st.composite
def schema_case(draw: Any) -> tuple[str, Path, str]:
    fmt = draw(st.sampled_from(sorted(FORMATS)))
    seed = draw(st.sampled_from(_seeds(fmt)))
    text = seed.read_text(encoding="utf-8")
    if fmt == "avro" and draw(st.booleans()):
        try:
            tree = json.loads(text)
        except ValueError:
            tree = None
        if tree is not None:
            for _ in range(draw(st.integers(1, 3))):
                tree = tree_mutate(tree, draw(st.lists(st.integers(0, 99), max_size=8)),
                                   draw(AVRO_NODES))
            text = json.dumps(tree)
    muts = draw(st.lists(mutation(fmt), min_size=0 if fmt == "avro" else 1, max_size=4))
    return fmt, seed, mutate(text, muts)


@pytest.fixture(scope="module")
def work(fuzz: Runner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cases' folder: a copy of ``schemas/`` (included files stay next to the file
    they are included from); the server compiles each format once to start warm."""
    tmp = tmp_path_factory.mktemp("fuzz-frontends")
    shutil.copytree(SCHEMAS, tmp / "schemas")
    for fmt in FORMATS:
        fuzz.warm([], ["compile", str(_seeds(fmt)[0]), "-o", str(tmp / "warm"), "--quiet"], tmp)
    return tmp


@fuzz_settings(24)
@given(case=schema_case())
def test_fuzz_frontends(fuzz: Runner, work: Path, case: tuple[str, Path, str]) -> None:
    fmt, seed, text = case
    # the mutated file takes the seed's place (its includes and imports stay findable)
    folder = work / "schemas" / fmt
    target = folder / f"fuzzed{seed.suffix}"
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    try:
        outcome = fuzz.cli(["compile", str(target), "-o", str(out), "--quiet",
                            "-I", str(folder)], work)
        record(f"frontend-{fmt}", outcome, [target])
    finally:
        target.unlink()
