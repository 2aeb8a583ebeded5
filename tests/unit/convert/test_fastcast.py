"""``schemagen.convert.fastcast``: the fast path gives the rows and rejects of the per-row path."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sg_convert import (
    UTC,
    convert_rows,
    run_converter,
    write_jsonl,
)

from schemagen import convert as cv


def test_good_rows_only_through_fast_path(kitchen: Any, tmp_path: Path) -> None:
    rows = [{"id": i, "small": i, "flag": "true", "day": "2020-01-02",
             "at": "01:02:03" if i % 2 else "01:02:03.500000",  # zeros past the unit: fast too
             "ts": "2020-01-02T03:04:05Z" if i % 3 else "2020-01-02T03:04:05.250000+01:00",
             "price": "1.5", "owner": {"name": "x"},
             "items": [{"sku": "s", "qty": 1}], "tags": ["a"]} for i in range(500)]
    res, table, rejects = convert_rows(kitchen, tmp_path, rows)
    assert res.rows == 500 and not rejects
    assert res.rows_per_row_path == 0
    assert table.column("at").to_pylist()[:2] == [dt.time(1, 2, 3, 500000), dt.time(1, 2, 3)]
    assert table.column("ts").to_pylist()[0] == dt.datetime(2020, 1, 2, 2, 4, 5, 250000,
                                                            tzinfo=UTC)
    assert table.column("price").to_pylist()[0] == decimal.Decimal("1.50")


_VALUES = {
    "small": st.one_of(st.integers(-2**33, 2**33), st.integers(-99, 99).map(str),
                       st.sampled_from(["+5", "0x1", " 1", "1e3", "-0", ""]), st.none()),
    "ratio": st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-9, 9),
                       st.sampled_from(["1.5", ".5", "1.", "nan", "1e39", "-2E-3"])),
    "flag": st.one_of(st.booleans(), st.sampled_from(["true", "False", "1", "no", ""])),
    "price": st.one_of(st.decimals(places=3, min_value=-10**8, max_value=10**8,
                                   allow_nan=False).map(str),
                       st.sampled_from(["1.", ".25", "+1", "1e2", "1E-2", "abc", " 1"])),
    "day": st.one_of(st.dates().map(str), st.sampled_from(["2013-7-26", "2013-02-29",
                                                           "2012-02-29", "x"])),
    "at": st.one_of(st.times().map(lambda t: t.isoformat()),
                    st.sampled_from(["10:00", "23:59:60", "00:00:00.5", "00:00:01.250000",
                                     "00:00:00.000000000", "00:00:00.1000001"])),
    "ts": st.one_of(st.datetimes(min_value=dt.datetime(1900, 1, 1),
                                 max_value=dt.datetime(2200, 1, 1)).map(str),
                    st.sampled_from(["2013-07-26T10:00:00Z", "2013-07-26T10:00:00-01:30",
                                     "2013-07-26T10:00:00.1234+01:00", "2013-07-26t10:00:00"])),
    "color": st.sampled_from(["RED", "GREEN", "red", None]),
    "comment": st.one_of(st.text(max_size=5), st.none()),
    "tags": st.one_of(st.lists(st.one_of(st.text(max_size=3), st.none()), max_size=3),
                      st.none()),
    "note": st.one_of(st.text(max_size=3), st.none(), st.integers(0, 3)),
    "local": st.sampled_from(["2013-07-26 10:00:00", "2013-07-26T10:00:00Z", "1999-12-31T23:59:59.999999",
                              "2013-07-26T10:00:00.1234567", None]),
    "items": st.one_of(st.none(), st.lists(st.one_of(st.none(), st.fixed_dictionaries(
        {"sku": st.one_of(st.text(max_size=2), st.integers(0, 1))},
        optional={"qty": st.one_of(st.integers(-2**32, 2**32), st.just("3"), st.none()),
                  "extra": st.one_of(st.none(), st.integers(0, 1))})), max_size=3)),
    "zz": st.one_of(st.none(), st.integers(0, 1), st.just([1])),
    "owner": st.one_of(st.none(), st.fixed_dictionaries(
        {"name": st.one_of(st.text(max_size=3), st.none())},
        optional={"age": st.one_of(st.integers(-5, 5), st.just("7"), st.just(2**40)),
                  "zzz": st.none()})),
}


rows_strategy = st.lists(
    st.fixed_dictionaries({"id": st.integers(0, 10**6)},
                          optional=dict(_VALUES.items())), min_size=1, max_size=40)


@settings(max_examples=int(os.environ.get("SG_CONVERT_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, chunk=st.sampled_from([1024, 1 << 20]),
       unknown=st.sampled_from(["reject", "ignore"]))
def test_fast_path_agrees_with_per_row_path(kitchen: Any, tmp_path: Path,
                                            rows: list[dict[str, Any]], chunk: int,
                                            unknown: str) -> None:
    src = tmp_path / "h.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    fast_rows, fast_rej, fast_ign = run_converter(kitchen, src, True, chunk, unknown)
    slow_rows, slow_rej, slow_ign = run_converter(kitchen, src, False, chunk, unknown)
    assert fast_rows == slow_rows
    assert fast_rej == slow_rej
    assert fast_ign == slow_ign
    assert len(fast_rows) + len(fast_rej) == len(rows)


def test_only_doubtful_rows_take_the_per_row_path(kitchen: Any, tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [{"id": i, "day": "2020-01-02", "ts": "2020-01-02T03:04:05",
                                   "price": "2.5", "ratio": "1.25"} for i in range(1000)]
    rows[10]["day"] = "2013-02-30"  # matches the grammar, not a date: pyarrow refuses it
    rows[20]["ts"] = "2013-02-29T00:00:00"
    rows[30]["flag"] = "maybe"
    res, table, rejects = convert_rows(kitchen, tmp_path, rows)
    assert [(r["line"], r["path"]) for r in rejects] == [(11, "day"), (21, "ts"), (31, "flag")]
    assert res.rows_per_row_path == 3
    assert table.column("id").to_pylist() == [i for i in range(1000) if i not in (10, 20, 30)]


def test_dates_and_timestamps_outside_python_range_rejected(kitchen: Any, tmp_path: Path) -> None:
    rows: list[Any] = [
        {"id": 1, "ts": "9999-12-31T23:30:00-01:00"},  # year 10000 in UTC
        {"id": 2, "ts": "0001-01-01T00:30:00+01:00"},  # year 0 in UTC
        {"id": 3, "day": "0000-01-01"},
        {"id": 4, "local": "0000-12-31T00:00:00"},
        {"id": 5, "ts": "9999-12-31T22:59:59.999-01:00", "day": "9999-12-31",
         "local": "0001-01-01T00:00:00"},
    ]
    for fast in (True, False):
        src = write_jsonl(tmp_path / "in.jsonl", rows)
        batches: list[Any] = []
        rejects: list[Any] = []
        conv = cv.Converter(kitchen, batches.append, rejects.append)
        conv.fast = fast
        conv.json_lines(src)
        got = pa.Table.from_batches(batches, schema=kitchen.arrow_schema()).to_pylist()
        assert [r["id"] for r in got] == [5], fast
        assert got[0]["ts"] == dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
        assert [(r.line, r.path) for r in rejects] == [(1, "ts"), (2, "ts"), (3, "day"),
                                                       (4, "local")], fast
        assert "'9999-12-31T23:30:00-01:00' is out of range in UTC" in rejects[0].reason


def test_alias_keys_of_different_json_kinds_in_one_chunk(compile_schemas: Any,
                                                         tmp_path: Path) -> None:
    cls = compile_schemas({"ali.avsc": json.dumps({
        "type": "record", "name": "Al", "namespace": "ali", "fields": [
            {"name": "id", "type": "int"},
            {"name": "small", "type": ["null", "int"], "default": None, "aliases": ["tiny"]},
            {"name": "on", "type": ["null", "boolean"], "default": None, "aliases": ["flag"]}]})
    }).module("ali").Al
    rows = [{"id": 1, "small": 1, "on": True}, {"id": 2, "tiny": "abc"}, {"id": 3, "tiny": "4"},
            {"id": 4, "flag": "FALSE"}, {"id": 5, "flag": "nope"},
            {"id": 6, "small": 2, "tiny": "3"}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    for fast in (True, False):
        batches: list[Any] = []
        rejects: list[Any] = []
        conv = cv.Converter(cls, batches.append, rejects.append)
        conv.fast = fast
        conv.json_lines(src)
        got = pa.Table.from_batches(batches, schema=cls.arrow_schema()).to_pylist()
        assert got == [{"id": 1, "small": 1, "on": True}, {"id": 3, "small": 4, "on": None},
                       {"id": 4, "small": None, "on": False}], fast
        assert [(r.line, r.path) for r in rejects] == [(2, "small"), (5, "on"), (6, "small")]
        assert conv.slow_rows == (5 if fast else 6)  # the alias rows of another kind

