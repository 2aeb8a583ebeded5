"""``schemagen.convert.rejects``: reject records, shortened values, the rejects file."""

from __future__ import annotations

import decimal
import json
from pathlib import Path

from schemagen.convert.rejects import MAX_FIRST, Reject, RejectsFile, cap, raw_text, show


def test_reject_text_and_json() -> None:
    r = Reject("in.jsonl", 3, "user.id", "expected an integer, got 'x'", '{"user": {"id": "x"}}')
    assert str(r) == "in.jsonl:3: expected an integer, got 'x' at user.id"
    assert str(Reject("in.csv", 2, "", "not CSV: boom", None)) == "in.csv:2: not CSV: boom"
    assert json.loads(r.to_json()) == {"file": "in.jsonl", "line": 3, "path": "user.id",
                                       "reason": "expected an integer, got 'x'",
                                       "row": '{"user": {"id": "x"}}'}


def test_show_renders_and_shortens() -> None:
    assert show("abc") == "'abc'"
    assert show(decimal.Decimal("1.50")) == "1.50"
    assert show({"a": [1, "é"]}) == '{"a": [1, "é"]}'
    long = show("x" * 500)
    assert len(long) == 80 and long.endswith("...") and long.startswith("'xxx")


def test_raw_rows_are_cut_with_a_marker() -> None:
    assert cap("short") == "short"
    assert cap("y" * 2_000_000).endswith("...(truncated)")
    assert len(cap("y" * 2_000_000)) == 1_000_000 + len("...(truncated)")
    assert raw_text(b'{"a": 1}\r') == '{"a": 1}'
    assert raw_text(b"\xff{}") == "\ufffd{}"


def test_rejects_file_appears_only_when_closed(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "rej.jsonl"
    sink = RejectsFile(path)
    for i in range(MAX_FIRST + 5):
        sink.add(Reject("f", i + 1, "", "r", None))
    assert not path.exists()
    sink.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["line"] for x in lines] == list(range(1, MAX_FIRST + 6))
    assert sink.count == MAX_FIRST + 5 and len(sink.first) == MAX_FIRST
    assert sorted(p.name for p in path.parent.iterdir()) == ["rej.jsonl"]


def test_rejects_file_abort_leaves_nothing(tmp_path: Path) -> None:
    sink = RejectsFile(tmp_path / "rej.jsonl")
    sink.add(Reject("f", 1, "", "r", None))
    sink.abort()
    assert list(tmp_path.iterdir()) == []
    counting = RejectsFile(None)  # no file: counted and kept for messages only
    counting.add(Reject("f", 1, "", "r", None))
    counting.close()
    assert counting.count == 1 and list(tmp_path.iterdir()) == []
