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

