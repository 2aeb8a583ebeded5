"""``schemagen.convert.coerce``: the per-row casts, good and bad values, per type."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_convert import (
    DRILL,
    UTC,
    convert_rows,
    read_rejects,
    write_jsonl,
)

import schemagen
from schemagen import convert as cv
from schemagen.errors import InputError

GOOD: list[tuple[dict[str, Any], str, Any]] = [
    ({"small": "-12"}, "small", -12),
    ({"small": 2**31 - 1}, "small", 2**31 - 1),
    ({"ratio": "1.5e2"}, "ratio", 150.0),
    ({"ratio": 3}, "ratio", 3.0),
    ({"flag": "false"}, "flag", False),
    ({"flag": "TRUE"}, "flag", True),
    ({"flag": True}, "flag", True),
    ({"price": "12.30"}, "price", decimal.Decimal("12.30")),
    ({"price": 7.5}, "price", decimal.Decimal("7.50")),
    ({"day": "2013-07-26"}, "day", dt.date(2013, 7, 26)),
    ({"at": "23:59:58.125"}, "at", dt.time(23, 59, 58, 125000)),
    ({"at": "23:59:58.125000"}, "at", dt.time(23, 59, 58, 125000)),  # Python's isoformat
    ({"ts": "2013-07-26T10:00:00.500000000Z"}, "ts", dt.datetime(2013, 7, 26, 10, 0, 0, 500000,
                                                                  tzinfo=UTC)),
    ({"ts": "2013-07-26T10:00:00+02:00"}, "ts", dt.datetime(2013, 7, 26, 8, tzinfo=UTC)),
    ({"ts": "2013-07-26 10:00:00.5"}, "ts", dt.datetime(2013, 7, 26, 10, 0, 0, 500000,
                                                        tzinfo=UTC)),
    ({"local": "2013-07-26T10:00:00.123456"}, "local", dt.datetime(2013, 7, 26, 10, 0, 0,
                                                                   123456)),
    ({"color": "GREEN"}, "color", "GREEN"),
    ({"comment": "via alias"}, "note", "via alias"),
    ({"owner": {"name": "ann", "age": "41"}}, "owner", {"name": "ann", "age": 41}),
    ({"items": [{"sku": "a", "qty": "2"}]}, "items", [{"sku": "a", "qty": 2}]),
    ({}, "color", "RED"),
    ({"tags": None}, "tags", []),
]


BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"small": 2**31}, "small", "out of range for int32"),
    ({"small": "12x"}, "small", "expected an integer"),
    ({"small": 1.5}, "small", "expected an integer"),
    ({"small": True}, "small", "expected an integer"),
    ({"ratio": "fast"}, "ratio", "expected a number"),
    ({"ratio": 1e300}, "ratio", "out of range for float32"),
    ({"flag": "yes"}, "flag", "expected a boolean"),
    ({"flag": 1}, "flag", "expected a boolean"),
    ({"price": "1.234"}, "price", "more than 2 decimal places"),
    ({"price": "123456789"}, "price", "does not fit decimal(9, 2)"),
    ({"price": "12,3"}, "price", "expected a decimal"),
    ({"day": "2013-02-30"}, "day", "expected a date"),
    ({"day": "26/07/2013"}, "day", "expected a date"),
    ({"at": "24:00:00"}, "at", "expected a time of day"),
    ({"at": "10:00:00.1234"}, "at", "has more precision than the field's unit (ms"),
    ({"at": "10:00"}, "at", "expected a time of day"),
    ({"ts": "2013-07-26T10:00:00.0001Z"}, "ts", "more precision than the field's unit (ms"),
    ({"ts": "2013-07-26"}, "ts", "expected an ISO-8601 timestamp"),
    ({"local": "2013-07-26T10:00:00Z"}, "local", "no zone offset"),
    ({"color": "BLUE"}, "color", "expected one of the symbols GREEN, RED"),
    ({"note": 5}, "note", "expected a string"),
    ({"note": "a", "comment": "b"}, "note", "given twice"),
    ({"owner": {"age": 3}}, "owner.name", "missing required field"),
    ({"owner": {"name": "x", "pet": "cat"}}, "owner.pet", "unknown field"),
    ({"owner": "ann"}, "owner", "expected an object"),
    ({"items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": "z"}]}, "items[1].qty",
     "expected an integer"),
    ({"items": [None]}, "items[0]", "null item"),
    ({"tags": "a"}, "tags", "expected an array"),
    ({"extra": 1}, "extra", "unknown field"),
    ({"id": None}, "id", "null in a required field"),
]


def _base(i: int) -> dict[str, Any]:
    return {"id": i}


def test_every_cast_good_and_bad(kitchen: Any, tmp_path: Path) -> None:
    rows: list[Any] = []
    for i, (extra, _, _) in enumerate(GOOD):
        rows.append({**_base(i), **extra})
    for i, (extra, _, _) in enumerate(BAD):
        rows.append({**_base(1000 + i), **extra})
    rows.append({"small": 1})  # id missing
    res, table, rejects = convert_rows(kitchen, tmp_path, rows)
    got = table.to_pylist()
    assert res.rows == len(GOOD) == len(got)
    for (extra, col, want), row in zip(GOOD, got):
        assert row[col] == want, (extra, row[col])
    assert res.rejected == len(BAD) + 1 == len(rejects)
    for (extra, path, reason), rej in zip(BAD, rejects):
        assert rej["path"] == path, (extra, rej)
        assert reason in rej["reason"], (extra, rej)
    last = rejects[-1]
    assert last["path"] == "id" and last["reason"] == "missing required field"
    assert last["line"] == len(rows) and last["row"] == '{"small": 1}'
    assert rejects[0]["file"] == str(tmp_path / "in.jsonl")
    assert rejects[0]["line"] == len(GOOD) + 1
    assert json.loads(rejects[0]["row"]) == {**_base(1000), **BAD[0][0]}


def test_read_back_with_duckdb_types(kitchen: Any, tmp_path: Path) -> None:
    rows = [{"id": 1, "price": "3.25", "day": "2001-02-03", "at": "04:05:06",
             "ts": "2001-02-03T04:05:06Z", "local": "2001-02-03 04:05:06",
             "owner": {"name": "o"}, "items": [{"sku": "k", "qty": 9}]}]
    _, _, _ = convert_rows(kitchen, tmp_path, rows)
    con = duckdb.connect()
    desc = dict((r[0], r[1]) for r in con.execute(
        f"DESCRIBE SELECT * FROM '{tmp_path / 'out.parquet'}'").fetchall())
    assert desc["small"] == "INTEGER" and desc["ratio"] == "FLOAT"
    assert desc["price"] == "DECIMAL(9,2)" and desc["day"] == "DATE"
    assert desc["at"] == "TIME" and desc["ts"] == "TIMESTAMP WITH TIME ZONE"
    assert desc["local"] == "TIMESTAMP" and desc["items"].startswith("STRUCT(sku VARCHAR")
    row = con.execute(f"SELECT price, items[1].qty, owner.name FROM "
                      f"'{tmp_path / 'out.parquet'}'").fetchone()
    assert row == (decimal.Decimal("3.25"), 9, "o")
    back = list(schemagen.read(kitchen, tmp_path / "out.parquet"))
    assert back[0].items[0].qty == 9 and back[0].owner.name == "o"


def test_coerce_row_reference(sales: Any) -> None:
    row = json.loads(DRILL.read_text().splitlines()[0])
    rec = cv.coerce_row(sales.Transaction, row)
    assert rec.trans_info.purch_flag is False and rec.date == dt.date(2013, 7, 26)
    with pytest.raises(InputError, match="user_info.state: missing required field"):
        cv.coerce_row(sales.Transaction, {**row, "user_info": {"cust_id": 1, "device": "d"}})


def test_thrift_unions_sets_and_narrow_ints(compile_schemas: Any, tmp_path: Path) -> None:
    pkg = compile_schemas({"b.thrift": """
        namespace py t2
        union Pick { 1: string a; 2: i32 b }
        struct Box {
          1: required i64 id;
          2: optional Pick pick;
          3: optional set<string> tags;
          4: optional byte tiny;
          5: optional i16 mid;
        }
    """})
    box = next(c for n, c in pkg.records().items() if n.endswith("Box"))
    rows = [{"id": 1, "pick": {"a": "x"}, "tags": ["p", "q"], "tiny": -128, "mid": "-300"},
            {"id": 2, "pick": {"a": "x", "b": 1}},
            {"id": 3, "tags": ["a", "a"]},
            {"id": 4, "tiny": 200},
            {"id": 5, "mid": 40000}]
    res, table, rejects = convert_rows(box, tmp_path, rows)
    assert table.column("id").to_pylist() == [1]
    assert table.to_pylist()[0]["mid"] == -300 and table.to_pylist()[0]["tiny"] == -128
    assert [(r["line"], r["path"]) for r in rejects] == [
        (2, "pick"), (3, "tags"), (4, "tiny"), (5, "mid")]
    assert "duplicate items in a set" in rejects[1]["reason"]
    assert "out of range for int8 [-128, 127]" in rejects[2]["reason"]
    assert "out of range for int16" in rejects[3]["reason"]
    back = list(schemagen.read(box, tmp_path / "out.parquet"))
    assert back[0].tags == frozenset({"p", "q"}) and back[0].pick.which() == "a"


def test_per_row_types_maps_unions_bytes_uuid(compile_schemas: Any, tmp_path: Path) -> None:
    cls = compile_schemas({"o.avsc": json.dumps({
        "type": "record", "name": "Odd", "namespace": "o", "fields": [
            {"name": "id", "type": "int"},
            {"name": "counts", "type": {"type": "map", "values": "int"}, "default": {}},
            {"name": "either", "type": ["null", "int", "string"], "default": None},
            {"name": "blob", "type": ["null", "bytes"], "default": None},
            {"name": "four", "type": ["null", {"type": "fixed", "name": "F4", "size": 4}],
             "default": None},
            {"name": "uid", "type": ["null", {"type": "string", "logicalType": "uuid"}],
             "default": None},
        ]})}).module("o").Odd
    rows = [{"id": 1, "counts": {"a": 1, "b": "2"}, "either": "x", "blob": "aGk=",
             "four": "AAECAw==", "uid": "12345678-1234-5678-1234-567812345678"},
            {"id": 2, "either": 7},
            {"id": 3, "counts": {"a": "z"}},
            {"id": 4, "blob": "***"},
            {"id": 5, "four": "aGk="},
            {"id": 6, "uid": "nope"},
            {"id": 7, "either": [1]},
            {"id": 8, "either": "7"}]
    res, table, rejects = convert_rows(cls, tmp_path, rows)
    got = table.to_pylist()
    assert [r["id"] for r in got] == [1, 2, 8]
    assert got[2]["either"] == {"member0": None, "member1": "7"}  # a string stays a string
    assert dict(got[0]["counts"]) == {"a": 1, "b": 2} and got[0]["blob"] == b"hi"
    assert got[0]["four"] == b"\0\1\2\3" and got[1]["counts"] == []
    assert [(r["line"], r["path"]) for r in rejects] == [
        (3, "counts['a']"), (4, "blob"), (5, "four"), (6, "uid"), (7, "either")]
    assert "expected 4 bytes, got 2" in rejects[2]["reason"]
    assert "matches no union member" in rejects[4]["reason"]
    back = list(schemagen.read(cls, tmp_path / "out.parquet"))
    assert str(back[0].uid) == "12345678-1234-5678-1234-567812345678"
    assert back[0].either == "x" and back[1].either == 7


def test_huge_numbers_nan_and_nested_duplicate_keys(kitchen: Any, tmp_path: Path) -> None:
    big = "9" * 5000  # more digits than int() takes
    rows = [f'{{"id": 1, "small": {big}}}', f'{{"id": 2, "small": "{big}"}}',
            f'{{"id": 3, "price": {big}}}', f'{{"id": {big}}}',
            '{"id": 5, "ratio": NaN}', '{"id": 6, "owner": {"name": "a", "name": "b"}}',
            '{"id": 7, "items": [{"sku": "a", "qty": 1, "qty": 2}]}', '{"id": 8}']
    res, table, rejects = convert_rows(kitchen, tmp_path, rows)
    assert table.column("id").to_pylist() == [8]
    assert [(r["line"], r["path"]) for r in rejects] == [
        (1, "small"), (2, "small"), (3, "price"), (4, "id"), (5, "ratio"), (6, "owner.name"),
        (7, "items[0].qty")]
    assert "out of range for int32" in rejects[0]["reason"]
    assert "out of range for int32" in rejects[1]["reason"]
    assert "does not fit decimal(9, 2)" in rejects[2]["reason"]
    assert rejects[4]["reason"] == "expected a number, got NaN"
    assert rejects[5]["reason"] == "key given twice in one object"
    # the same from a JSON array (element by element)
    src = tmp_path / "a.json"
    src.write_text("[" + ",\n".join(rows) + "]")
    rej = tmp_path / "ra.jsonl"
    res = cv.convert(kitchen, [src], tmp_path / "a.parquet", rejects=rej)
    assert res.rows == 1 and res.rejected == 7
    assert [(r["line"], r["path"]) for r in read_rejects(rej)] == [
        (r["line"], r["path"]) for r in rejects]


def test_protobuf_json_names_and_durations(compile_schemas: Any, tmp_path: Path) -> None:
    pkg = compile_schemas({"d.proto": """
        syntax = "proto3";
        package dp;
        import "google/protobuf/duration.proto";
        message Ev {
          int64 event_id = 1;
          string user_name = 2 [json_name = "who"];
          google.protobuf.Duration took = 3;
        }
    """})
    ev = next(c for n, c in pkg.records().items() if n.endswith("Ev"))
    rows = ['{"eventId": "1", "who": "ann", "took": "1.5s"}',  # MessageToJson's spelling
            '{"event_id": 2, "user_name": "bob", "took": "-0.000001s"}',
            '{"event_id": 3, "took": "0.0000001s"}',
            '{"event_id": 4, "took": 1.5}',
            '{"event_id": 5, "eventId": 5}',
            '{"event_id": 6, "userName": "x"}']
    res, table, rejects = convert_rows(ev, tmp_path, rows)
    got = table.to_pylist()
    assert [r["event_id"] for r in got] == [1, 2]
    assert got[0]["user_name"] == "ann" and got[0]["took"] == dt.timedelta(seconds=1.5)
    assert got[1]["took"] == -dt.timedelta(microseconds=1)
    assert [(r["line"], r["path"]) for r in rejects] == [
        (3, "took"), (4, "took"), (5, "event_id"), (6, "userName")]
    assert "more precision than the field's unit (us)" in rejects[0]["reason"]
    assert "given twice, as 'event_id' and 'eventId'" in rejects[2]["reason"]
    assert [r.event_id for r in schemagen.read(ev, tmp_path / "out.parquet")] == [1, 2]


def test_sql_json_column_ns_timestamps_and_unsigned_ints(compile_schemas: Any,
                                                         tmp_path: Path) -> None:
    pkg = compile_schemas({"t.sql": """-- dialect: duckdb
        CREATE TABLE ev (id BIGINT NOT NULL, payload JSON, ts_ns TIMESTAMP_NS,
                         u8 UTINYINT, u64 UBIGINT);
    """})
    ev = next(iter(pkg.records().values()))
    rows = ['{"id": 1, "payload": {"a": 1.50, "b": [1, null, -2.5e3]}, "u8": 255,'
            ' "u64": 18446744073709551615, "ts_ns": "2262-04-11T23:47:16.854775"}',
            '{"id": 2, "payload": {"x": NaN}}',
            '{"id": 3, "payload": {"k": 1, "k": 2}}',
            '{"id": 4, "ts_ns": "2300-01-01T00:00:00"}',
            '{"id": 5, "ts_ns": "1677-09-21T00:00:00"}',
            '{"id": 6, "u8": 256}',
            '{"id": 7, "u64": -1}',
            '{"id": 8, "payload": "text"}']
    res, table, rejects = convert_rows(ev, tmp_path, rows)
    got = table.to_pylist()
    assert [r["id"] for r in got] == [1, 8]
    assert json.loads(got[0]["payload"]) == {"a": 1.5, "b": [1, None, -2500.0]}
    assert got[0]["u64"] == 2**64 - 1 and got[1]["payload"] == '"text"'
    assert [(r["line"], r["path"]) for r in rejects] == [
        (2, "payload.x"), (3, "payload.k"), (4, "ts_ns"), (5, "ts_ns"), (6, "u8"), (7, "u64")]
    assert "out of range for a nanosecond timestamp" in rejects[2]["reason"]
    assert "out of range for uint64" in rejects[5]["reason"]


def test_a_field_name_wins_over_another_fields_alias(compile_schemas: Any, tmp_path: Path) -> None:
    cls = compile_schemas({"al.avsc": json.dumps({
        "type": "record", "name": "A", "namespace": "al", "fields": [
            {"name": "a", "type": ["null", "int"], "default": None, "aliases": ["b", "c"]},
            {"name": "b", "type": ["null", "string"], "default": None, "aliases": ["c"]}]})
    }).module("al").A
    src = write_jsonl(tmp_path / "in.jsonl", [{"a": 1}, {"b": "s"}, {"c": 3}])
    for fast in (True, False):
        batches: list[Any] = []
        rejects: list[Any] = []
        conv = cv.Converter(cls, batches.append, rejects.append)
        conv.fast = fast
        conv.json_lines(src)
        assert not rejects, (fast, rejects)
        got = pa.Table.from_batches(batches, schema=cls.arrow_schema()).to_pylist()
        assert got == [{"a": 1, "b": None}, {"a": None, "b": "s"}, {"a": 3, "b": None}], fast
    src = tmp_path / "in.csv"
    src.write_text("b,a\ns,1\n")
    cv.convert(cls, [src], tmp_path / "o.parquet")
    assert pq.read_table(tmp_path / "o.parquet").to_pylist() == [{"a": 1, "b": "s"}]


def test_thrift_enum_numbers(compile_schemas: Any, tmp_path: Path) -> None:
    pkg = compile_schemas({"e.thrift": """
        namespace py et
        enum Color { RED = 1, GREEN = 5 }
        struct S { 1: required i32 id; 2: optional Color c; 3: optional list<Color> cs }
    """})
    cls = next(c for n, c in pkg.records().items() if n.endswith("S"))
    rows = [{"id": 1, "c": 5, "cs": [1, 5]}, {"id": 2, "c": "RED"}, {"id": 3, "c": 2},
            {"id": 4, "c": True}, {"id": 5, "cs": [1, 7]}, *({"id": 6, "c": 1} for _ in range(40))]
    res, table, rejects = convert_rows(cls, tmp_path, rows)
    got = table.to_pylist()
    assert got[:2] == [{"id": 1, "c": "GREEN", "cs": ["RED", "GREEN"]},
                       {"id": 2, "c": "RED", "cs": None}]
    assert res.rows == 42 and got[-1]["c"] == "RED"
    assert [(r["line"], r["path"]) for r in rejects] == [(3, "c"), (4, "c"), (5, "cs[1]")]
    assert "GREEN, RED (or their numbers), got 2" in rejects[0]["reason"]


def test_union_of_records_reject_names_the_field_inside_each_member(compile_schemas: Any,
                                                                    tmp_path: Path) -> None:
    # 'member0: missing required field' did not say which field
    cls = compile_schemas({"ur.avsc": json.dumps({
        "type": "record", "name": "UR", "namespace": "ur", "fields": [
            {"name": "u", "type": ["null",
                                   {"type": "record", "name": "A", "fields": [
                                       {"name": "a", "type": "int"}]},
                                   {"type": "record", "name": "B", "fields": [
                                       {"name": "b", "type": "string"},
                                       {"name": "n", "type": "int"}]}]}]})
    }).module("ur").UR
    res, table, rejects = convert_rows(cls, tmp_path, [{"u": {"b": "x", "n": "q"}},
                                                        {"u": {"a": 1}}])
    assert [r["path"] for r in rejects] == ["u"]
    assert rejects[0]["reason"] == ("matches no union member (member0: missing required field "
                                    "at a; member1: expected an integer, got 'q' at n)")
    assert table.num_rows == 1

