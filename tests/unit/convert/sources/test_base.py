"""``schemagen.convert.sources.base``: the Source protocol's chunks and row helpers."""

from __future__ import annotations

import pytest

from schemagen.convert.rejects import BadValue
from schemagen.convert.sources.base import PER_ROW_BATCH, Row, RowChunk, batched, constant, raiser


def test_batched_keeps_order_in_bounded_chunks() -> None:
    rows = (Row(i, str(i), constant({"i": i})) for i in range(1, 2 * PER_ROW_BATCH + 6))
    chunks = list(batched("f.json", rows))
    assert [len(c.rows) for c in chunks] == [PER_ROW_BATCH, PER_ROW_BATCH, 5]
    assert all(isinstance(c, RowChunk) and c.file == "f.json" for c in chunks)
    lines = [r.line for c in chunks for r in c.rows]
    assert lines == list(range(1, 2 * PER_ROW_BATCH + 6))
    assert chunks[-1].rows[-1].parse() == {"i": 2 * PER_ROW_BATCH + 5}
    assert list(batched("f.json", iter(()))) == []


def test_raiser_raises_its_problem_each_time() -> None:
    parse = raiser(BadValue("a.b", "expected 3 cells, got 2"))
    for _ in range(2):
        with pytest.raises(BadValue, match="expected 3 cells") as info:
            parse()
        assert info.value.path == "a.b"
