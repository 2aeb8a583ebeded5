"""``schemagen.convert.sources.avro``: Avro container files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sg_convert import (
    SALES,
    read_rejects,
)

import schemagen
from schemagen import convert as cv
from schemagen.errors import InputError


def test_avro_input(sales: Any, tmp_path: Path) -> None:
    fastavro = pytest.importorskip("fastavro")
    schema = fastavro.parse_schema(json.loads(Path(SALES).read_text()))
    good = {"trans_id": 1, "date": dt.date(2013, 7, 26), "time": dt.time(4, 56, 59),
            "amount": 1.5, "user_info": {"cust_id": 2, "device": "d", "state": "s"},
            "marketing_info": {"camp_id": 3, "keywords": ["k"]},
            "trans_info": {"prod_id": [4], "purch_flag": True}}
    src = tmp_path / "in.avro"
    with open(src, "wb") as f:
        fastavro.writer(f, schema, [good, {**good, "trans_id": 2}])
    res = cv.convert(sales.Transaction, [src], tmp_path / "o.parquet")
    assert res.rows == 2 and res.rejected == 0
    back = list(schemagen.read(sales.Transaction, tmp_path / "o.parquet"))
    assert back[1].trans_id == 2 and back[0].time == dt.time(4, 56, 59)
    assert back[0].trans_info.purch_flag is True
    # a record with a different schema (a narrower int, a missing field) is checked too
    other = fastavro.parse_schema({"type": "record", "name": "T", "fields": [
        {"name": "trans_id", "type": "string"}]})
    src2 = tmp_path / "other.avro"
    with open(src2, "wb") as f:
        fastavro.writer(f, other, [{"trans_id": "7"}])
    rej = tmp_path / "r.jsonl"
    res = cv.convert(sales.Transaction, [src2], tmp_path / "o2.parquet", rejects=rej)
    (r,) = read_rejects(rej)
    assert res.rejected == 1 and r["line"] == 1 and r["path"] == "date"
    assert r["row"] == {"trans_id": "7"}


def test_not_avro_is_usage_error(sales: Any, tmp_path: Path) -> None:
    src = tmp_path / "x.avro"
    src.write_bytes(b"not avro at all")
    with pytest.raises(InputError, match="not an Avro container"):
        cv.convert(sales.Transaction, [src], tmp_path / "o.parquet")



def _blocks_file(tmp: Path, n: int = 1000, codec: str = "deflate") -> tuple[bytes, list[Any]]:
    """A container of ``n`` Flat records in many blocks, and its blocks."""
    import io

    fastavro = pytest.importorskip("fastavro")
    from sg_convert import FLAT

    rows = [{"i": i, "x": i / 2, "b": True, "d": None, "t": None, "s": f"s{i}", "e": None,
             "in": None} for i in range(n)]
    buf = io.BytesIO()
    fastavro.writer(buf, fastavro.parse_schema(json.loads(FLAT)), rows, sync_interval=2000,
                    codec=codec)
    data = buf.getvalue()
    return data, list(fastavro.block_reader(io.BytesIO(data)))


def _cut_run(flat: Any, tmp: Path, data: bytes) -> tuple[list[int], list[dict[str, Any]]]:
    src = tmp / "cut.avro"
    src.write_bytes(data)
    res = cv.convert(flat, [src], tmp / "o.parquet", rejects=tmp / "r.jsonl")
    rejects = read_rejects(tmp / "r.jsonl")
    assert res.rejected == len(rejects)
    import pyarrow.parquet as pq

    return pq.read_table(tmp / "o.parquet").column("i").to_pylist(), rejects


@pytest.mark.parametrize("codec", ["null", "deflate"])
def test_truncated_container_converts_the_blocks_before_the_break(flat: Any, tmp_path: Path,
                                                                  codec: str) -> None:
    # regression: a container cut short was exit 2 with nothing converted; now every
    # whole block before the break is converted, and the rest is one reject saying where
    data, blocks = _blocks_file(tmp_path, codec=codec)
    assert len(blocks) > 5
    last = blocks[-1]
    before = sum(b.num_records for b in blocks[:-1])
    # the input ends inside the last block's data
    ids, (r,) = _cut_run(flat, tmp_path, data[: last.offset + last.size - 30])
    assert ids == list(range(before))
    assert (r["line"], r["path"], r["row"]) == (before + 1, "", None)
    assert r["reason"] == (f"truncated Avro container: the input ends {last.size - 30:,} of "
                           f"{last.size:,} bytes into block {len(blocks)} (at byte "
                           f"{last.offset:,}); its {last.num_records} records are lost")
    # ... inside its sync marker: the block is not whole
    ids, (r,) = _cut_run(flat, tmp_path, data[: last.offset + last.size - 5])
    assert ids == list(range(before)) and "records are lost" in r["reason"]
    # ... inside a block's header: its record count is not known
    third = blocks[3]
    ids, (r,) = _cut_run(flat, tmp_path, data[: third.offset + 1])
    n = sum(b.num_records for b in blocks[:3])
    assert ids == list(range(n)) and r["line"] == n + 1
    assert r["reason"] == (f"truncated Avro container: the input ends 1 byte into block 4 "
                           f"(at byte {third.offset:,}); its records (their count was cut off "
                           "too) are lost")
    # ... exactly at a block boundary: nothing is missing that could be told, all converted
    ids, rejects = _cut_run(flat, tmp_path, data[: third.offset])
    assert ids == list(range(n)) and rejects == []


def test_corrupt_block_is_rejected_with_the_rest(flat: Any, tmp_path: Path) -> None:
    data, blocks = _blocks_file(tmp_path)
    bad = bytearray(data)
    b = blocks[2]
    bad[b.offset + b.size - 3] ^= 0xFF  # its sync marker
    ids, (r,) = _cut_run(flat, tmp_path, bytes(bad))
    n = sum(x.num_records for x in blocks[:2])
    assert ids == list(range(n)) and r["line"] == n + 1
    assert r["reason"] == (f"corrupt Avro container: block 3 (at byte {b.offset:,}) cannot be "
                           "read (ValueError: expected sync marker not found); its "
                           f"{b.num_records} records and the rest of the input "
                           f"({len(data) - b.offset:,} bytes from there) are not converted")


def test_truncated_container_through_the_cli_exit_1_and_the_reason_on_stderr(
        flat: Any, tmp_path: Path, capsys: Any) -> None:
    from sg_convert import FLAT

    from schemagen.cli.main import main

    data, blocks = _blocks_file(tmp_path)
    src = tmp_path / "cut.avro"
    src.write_bytes(data[:-20])
    schema = tmp_path / "flat.avsc"
    schema.write_text(FLAT)
    code = main(["convert", str(src), "--schema", str(schema), "--record", "f.Flat", "--out",
                 str(tmp_path / "o.parquet")])
    err = capsys.readouterr().err
    assert code == 1
    n = sum(b.num_records for b in blocks[:-1])
    assert f"rejected: {src}:{n + 1}: truncated Avro container: the input ends " in err
    assert f"{n:,} rows written, 1 rejected" in err or f"{n} rows written, 1 rejected" in err


def test_a_huge_block_size_in_a_cut_file_does_not_allocate_it(flat: Any, tmp_path: Path) -> None:
    data, blocks = _blocks_file(tmp_path)
    b = blocks[1]
    # block 2 says it holds 1 record in 2**39 bytes of data, and the file ends soon after
    forged = data[: b.offset] + bytes([0x02]) + bytes([0x80] * 5 + [0x20]) + b"xyz"
    ids, (r,) = _cut_run(flat, tmp_path, forged)
    assert ids == list(range(blocks[0].num_records))
    assert "truncated Avro container" in r["reason"] and "its 1 record is lost" in r["reason"]
