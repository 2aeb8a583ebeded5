"""Issue 15 item 16, convert's side: a value out of its field's range (an int beyond int32, a
timestamp beyond the nanosecond range or year 9999, a time of day beyond 24:00) rejects
its row, naming line and field path, and the run goes on with the other rows (exit 1,
never a failed run).  Convert has no Parquet input, so INT96 values never reach it."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sg_helpers import record_schema

from schemagen.cli import main as cli

SCHEMA = record_schema("cvr", [
    {"name": "id", "type": "int"},
    {"name": "ts", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}],
     "default": None},
    {"name": "ns", "type": ["null", {"type": "long", "logicalType": "timestamp-nanos"}],
     "default": None},
    {"name": "t", "type": ["null", {"type": "int", "logicalType": "time-millis"}],
     "default": None},
], name="C")

ROWS = [  # (JSON line, the field rejected or None)
    ('{"id": 1, "ts": "2024-01-01T00:00:00Z"}', None),
    ('{"id": 3000000000}', "id"),
    ('{"id": 3, "ts": "+10000-01-01T00:00:00Z"}', "ts"),
    ('{"id": 4, "ns": "2300-01-01T00:00:00Z"}', "ns"),
    ('{"id": 5, "t": "25:00:00"}', "t"),
    ('{"id": 6, "ts": "1500-01-01T00:00:00Z"}', None),
]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_out_of_range_values_reject_their_rows(tmp_path: Path, fmt: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "c.avsc"
    schema.write_text(SCHEMA, encoding="utf-8")
    src = tmp_path / f"in.{fmt}"
    if fmt == "jsonl":
        src.write_text("".join(line + "\n" for line, _ in ROWS), encoding="utf-8")
    else:
        lines = ["id,ts,ns,t"]
        for line, _ in ROWS:
            d = json.loads(line)
            lines.append(",".join(str(d.get(k, "")) for k in ("id", "ts", "ns", "t")))
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, rej = tmp_path / "out.parquet", tmp_path / "rej.jsonl"
    code = cli.main(["convert", str(src), "--schema", str(schema), "--record", "cvr.C",
                     "--out", str(out), "--rejects", str(rej)])
    assert code == 1, capsys.readouterr().err
    rejects = [json.loads(x) for x in rej.read_text(encoding="utf-8").splitlines()]
    first = 2 if fmt == "csv" else 1  # the CSV header is line 1
    assert [(r["line"], r["path"]) for r in rejects] == [
        (first + i, field) for i, (_, field) in enumerate(ROWS) if field is not None]
    assert all("range" in r["reason"] or "expected" in r["reason"] for r in rejects)
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == [1, 6]
    assert table.column("ts").to_pylist()[1] == datetime.datetime(1500, 1, 1,
                                                                  tzinfo=datetime.UTC)
