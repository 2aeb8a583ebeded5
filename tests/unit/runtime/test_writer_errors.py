"""Writer errors: a record that does not fit its type raises ``schemagen.RecordError``
naming the record index, the field path and the value, and nothing is written."""

from __future__ import annotations

import datetime
import decimal
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import GenPackage, build_package, purge, write_schema_files
from sg_schemas import UNIONS
from sg_schemas import WRITER_ERRORS as SCHEMA

import schemagen

UTC = datetime.UTC



@pytest.fixture(scope="module")
def errs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("errs")
    pkg = build_package(write_schema_files(root / "s", {"errs.avsc": SCHEMA}), root / "out")
    yield pkg.module("errs")
    purge(pkg)


def row(mod: Any, /, **kw: Any) -> Any:
    m = mod
    d: dict[str, Any] = dict(
        id_=1, small=2, amount=3.5, ratio=0.5, name="n", raw=b"r", flag=True,
        user=m.User(cust_id=1, device="d"), opt_user=None,
        users=[m.User(cust_id=2, device="e")], tags=["a", "b", "c"], ids=[1, 2], m={"k": 1},
        suit=m.Suit.SPADES, fx=b"abcd", price=decimal.Decimal("1.25"),
        big=decimal.Decimal("-1.5"), day=datetime.date(2020, 1, 1),
        t_ms=datetime.time(1, 2, 3, 4000), at=datetime.datetime(2020, 1, 1, tzinfo=UTC),
        at_ns=datetime.datetime(2020, 1, 1, tzinfo=UTC), local=datetime.datetime(2020, 1, 1),
        choice=1, maybe=None, uid=uuid.UUID(int=1), wait=schemagen.Interval(1, 2, 3), nothing=None,
    )
    d.update(kw)
    return m.Row(**d)


def test_valid_rows_write(errs: Any, tmp_path: Path) -> None:
    rows = [row(errs), row(errs, choice="s", maybe=True), row(errs, choice=errs.User(cust_id=3, device="x"), maybe=2.5)]
    path = schemagen.write(rows, tmp_path / "ok.parquet")
    assert list(schemagen.read(errs.Row, path)) == rows



def test_a_file_in_the_way_of_the_output_folder(errs: Any, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    for target in (tmp_path / "f" / "x.parquet", tmp_path / "f" / "ds"):
        with pytest.raises(schemagen.UsageError, match="cannot create the folder .*in the way"):
            schemagen.write([row(errs)], target)
    assert (tmp_path / "f").read_text() == ""


# (id, field overrides (callable on the module), expected path, offending value)
CASES: list[Any] = [
    pytest.param(lambda m: {"name": 5}, "name", 5, id="int-for-string"),
    pytest.param(lambda m: {"id_": "5"}, "id", "5", id="str-for-long"),
    pytest.param(lambda m: {"amount": "3.5"}, "amount", "3.5", id="str-for-double"),
    pytest.param(lambda m: {"flag": 1}, "flag", 1, id="int-for-bool"),
    pytest.param(lambda m: {"ratio": True}, "ratio", True, id="bool-for-float"),
    pytest.param(lambda m: {"amount": None}, "amount", None, id="none-top-level"),
    pytest.param(lambda m: {"user": m.User(cust_id=None, device="d")}, "user.cust_id", None,
                 id="none-nested-field"),
    pytest.param(lambda m: {"user": None}, "user", None, id="none-nested-record"),
    pytest.param(lambda m: {"tags": ["a", "b", None]}, "tags[2]", None, id="none-list-item"),
    pytest.param(lambda m: {"ids": [1, None]}, "ids[1]", None, id="none-long-list-item"),
    pytest.param(lambda m: {"tags": None}, "tags", None, id="none-list"),
    pytest.param(lambda m: {"tags": ("a",)}, "tags", ("a",), id="tuple-for-list"),
    pytest.param(lambda m: {"m": {"k": None}}, "m['k']", None, id="none-map-value"),
    pytest.param(lambda m: {"small": 2**31}, "small", 2**31, id="int32-overflow"),
    pytest.param(lambda m: {"small": -(2**31) - 1}, "small", -(2**31) - 1, id="int32-underflow"),
    pytest.param(lambda m: {"id_": 2**63}, "id", 2**63, id="int64-overflow"),
    pytest.param(lambda m: {"id_": 1.0}, "id", 1.0, id="float-for-long"),
    pytest.param(lambda m: {"small": 2.5}, "small", 2.5, id="float-for-int"),
    pytest.param(lambda m: {"ids": [1, 2.0]}, "ids[1]", 2.0, id="float-in-long-list"),
    pytest.param(lambda m: {"id_": True}, "id", True, id="bool-for-long"),
    pytest.param(lambda m: {"at": datetime.datetime(2020, 1, 1)}, "at",
                 datetime.datetime(2020, 1, 1), id="naive-for-utc"),
    pytest.param(lambda m: {"local": datetime.datetime(2020, 1, 1, tzinfo=UTC)}, "local",
                 datetime.datetime(2020, 1, 1, tzinfo=UTC), id="aware-for-local"),
    pytest.param(lambda m: {"at": datetime.date(2020, 1, 1)}, "at", datetime.date(2020, 1, 1),
                 id="date-for-timestamp"),
    pytest.param(lambda m: {"suit": "JOKER"}, "suit", "JOKER", id="enum-non-symbol"),
    pytest.param(lambda m: {"suit": 0}, "suit", 0, id="enum-int"),
    pytest.param(lambda m: {"fx": b"abc"}, "fx", b"abc", id="fixed-too-short"),
    pytest.param(lambda m: {"fx": b"abcde"}, "fx", b"abcde", id="fixed-too-long"),
    pytest.param(lambda m: {"price": decimal.Decimal("12345678.9")}, "price",
                 decimal.Decimal("12345678.9"), id="decimal-too-big"),
    pytest.param(lambda m: {"price": decimal.Decimal("1.234")}, "price",
                 decimal.Decimal("1.234"), id="decimal-too-many-places"),
    pytest.param(lambda m: {"big": decimal.Decimal("1" * 29)}, "big",
                 decimal.Decimal("1" * 29), id="decimal38-too-big"),
    pytest.param(lambda m: {"price": decimal.Decimal("NaN")}, "price", decimal.Decimal("NaN"),
                 id="decimal-nan"),
    pytest.param(lambda m: {"price": 1.25}, "price", 1.25, id="float-for-decimal"),
    pytest.param(lambda m: {"choice": 1.5}, "choice", 1.5, id="union-no-member"),
    pytest.param(lambda m: {"choice": None}, "choice", None, id="union-required-none"),
    pytest.param(lambda m: {"maybe": "yes"}, "maybe", "yes", id="nullable-union-no-member"),
    pytest.param(lambda m: {"choice": m.Other(cust_id=1, device="d")}, "choice", None,
                 id="union-wrong-record-class"),
    pytest.param(lambda m: {"user": m.Other(cust_id=1, device="d")}, "user", None,
                 id="wrong-record-class"),
    pytest.param(lambda m: {"opt_user": m.Other(cust_id=1, device="d")}, "opt_user", None,
                 id="wrong-record-class-nullable"),
    pytest.param(lambda m: {"users": [m.User(cust_id=1, device="d"), m.Other(cust_id=1, device="d")]},
                 "users[1]", None, id="wrong-record-class-in-list"),
    pytest.param(lambda m: {"users": [m.User(cust_id="x", device="d")]}, "users[0].cust_id", "x",
                 id="bad-field-in-list-record"),
    pytest.param(lambda m: {"uid": "00000000-0000-0000-0000-000000000001"}, "uid",
                 "00000000-0000-0000-0000-000000000001", id="str-for-uuid"),
    pytest.param(lambda m: {"wait": (1, 2, 3)}, "wait", (1, 2, 3), id="tuple-for-interval"),
    pytest.param(lambda m: {"nothing": 0}, "nothing", 0, id="value-for-null"),
    pytest.param(lambda m: {"t_ms": "01:02"}, "t_ms", "01:02", id="str-for-time"),
    # lone surrogates cannot be UTF-8: named by field (was "field <batch>: got None")
    pytest.param(lambda m: {"name": "ok\ud800"}, "name", "ok\ud800", id="lone-surrogate"),
    pytest.param(lambda m: {"tags": ["a", "\udc80"]}, "tags[1]", "\udc80",
                 id="lone-surrogate-in-list"),
    pytest.param(lambda m: {"m": {"\ud800": 1}}, "m['\\ud800'] (key)", "\ud800",
                 id="lone-surrogate-map-key"),
    # accepted silently today (the checker would reject them, the fast path converts them)
    pytest.param(lambda m: {"raw": "abc"}, "raw", "abc", id="str-for-bytes"),
    pytest.param(lambda m: {"fx": "abcd"}, "fx", "abcd", id="str-for-fixed"),
    pytest.param(lambda m: {"name": b"abc"}, "name", b"abc", id="bytes-for-string"),
    pytest.param(lambda m: {"day": 5}, "day", 5, id="int-for-date"),
    pytest.param(lambda m: {"day": datetime.datetime(2020, 1, 1, 15, 30)}, "day",
                 datetime.datetime(2020, 1, 1, 15, 30), id="datetime-for-date"),
    pytest.param(lambda m: {"t_ms": 5}, "t_ms", 5, id="int-for-time"),
    pytest.param(lambda m: {"t_ms": datetime.time(1, 2, 3, 4567)}, "t_ms",
                 datetime.time(1, 2, 3, 4567), id="time-millis-sub-ms"),
    pytest.param(lambda m: {"t_ms": datetime.time(1, tzinfo=UTC)}, "t_ms",
                 datetime.time(1, tzinfo=UTC), id="aware-time"),
    pytest.param(lambda m: {"at_ns": datetime.datetime(2300, 1, 1, tzinfo=UTC)}, "at_ns",
                 datetime.datetime(2300, 1, 1, tzinfo=UTC), id="timestamp-nanos-out-of-range"),
]


@pytest.mark.parametrize(("override", "path", "value"), CASES)
def test_record_error(errs: Any, tmp_path: Path, override: Any, path: str, value: Any) -> None:
    rows = [row(errs, id_=i) for i in range(5)]
    bad = row(errs, **{"id_": 2, **override(errs)})
    rows[2] = bad
    out = tmp_path / "out"
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write(rows, out / "x.parquet")
    err = ei.value
    assert isinstance(err, ValueError)
    assert err.index == 2
    assert err.path == path
    msg = str(err)
    assert "errs.Row" in msg
    assert "record 2" in msg
    assert path in msg
    if value is not None:
        assert repr(err.value) == repr(value)
        assert repr(value)[:60] in msg
    assert not out.exists() or os.listdir(out) == []


def test_wrong_top_level_class(errs: Any, tmp_path: Path) -> None:
    rows = [row(errs), errs.User(cust_id=1, device="d"), row(errs)]
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write(rows, tmp_path / "x.parquet")
    assert ei.value.index == 1
    assert "errs.Row" in str(ei.value) and "User" in str(ei.value)
    assert os.listdir(tmp_path) == []


def test_index_counts_across_batches_and_calls(errs: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    with pytest.raises(schemagen.RecordError) as ei:
        with schemagen.ParquetWriter(errs.Row, path, batch_size=3) as w:
            w.write_many([row(errs) for _ in range(4)])
            w.write(row(errs))
            w.write_many([row(errs), row(errs, small="x"), row(errs)])
    assert ei.value.index == 6
    assert ei.value.path == "small"
    assert os.listdir(tmp_path) == []


def test_several_problems_are_counted(errs: Any, tmp_path: Path) -> None:
    rows = [row(errs, name=1), row(errs), row(errs, amount="x")]
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write(rows, tmp_path / "x.parquet")
    err = ei.value
    assert (err.index, err.path) == (0, "name")
    assert [(p.index, p.path) for p in err.problems] == [(0, "name"), (2, "amount")]
    assert str(err).endswith(" (and 1 more: see e.problems)")


def test_long_values_are_shortened(errs: Any, tmp_path: Path) -> None:
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write([row(errs, small="x" * 10_000)], tmp_path / "x.parquet")
    assert len(str(ei.value)) < 1000


def test_enum_plain_string_symbol_accepted(errs: Any, tmp_path: Path) -> None:
    path = schemagen.write([row(errs, suit="HEARTS")], tmp_path / "x.parquet")
    assert next(iter(schemagen.read(errs.Row, path))).suit is errs.Suit.HEARTS


def test_record_error_is_not_raised_for_int_in_float_field(errs: Any, tmp_path: Path) -> None:
    path = schemagen.write([row(errs, amount=3, maybe=4)], tmp_path / "x.parquet")
    got = next(iter(schemagen.read(errs.Row, path)))
    assert got.amount == 3.0 and isinstance(got.amount, float)
    assert got.maybe == 4.0


@pytest.fixture
def repo_sales(repo_pkg: GenPackage) -> Any:
    return repo_pkg.module("example.sales")


def test_drill_transaction_paths(repo_sales: Any, tmp_path: Path) -> None:
    s = repo_sales

    def t(**kw: Any) -> Any:
        d = dict(trans_id=1, date=datetime.date(2020, 1, 1), time=datetime.time(1), amount=1.0,
                 user_info=s.UserInfo(cust_id=1, device="d", state="s"),
                 marketing_info=s.MarketingInfo(camp_id=1, keywords=["a", "b", "c"]),
                 trans_info=s.TransInfo(prod_id=[1], purch_flag=False))
        d.update(kw)
        return s.Transaction(**d)

    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write([t(), t(user_info=s.UserInfo(cust_id="7", device="d", state="s"))],
                        tmp_path / "x.parquet")
    assert (ei.value.index, ei.value.path, ei.value.value) == (1, "user_info.cust_id", "7")
    with pytest.raises(schemagen.RecordError) as ei:
        schemagen.write([t(marketing_info=s.MarketingInfo(camp_id=1, keywords=["a", "b", None]))],
                        tmp_path / "x.parquet")
    assert (ei.value.index, ei.value.path) == (0, "marketing_info.keywords[2]")
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- union member choice




@pytest.mark.parametrize(
    "override",
    [
        pytest.param({"ok": 2**62}, id="long-in-long-double-string"),
        pytest.param({"ok": 0.1}, id="double-in-long-double-string"),
        pytest.param({"ok": "s"}, id="string-in-long-double-string"),
        pytest.param({"dl": 2**60 + 1}, id="big-int-in-double-long"),
        pytest.param({"il": 2**40}, id="int64-in-int-long"),
        pytest.param({"fd": 0.1}, id="double-in-float-double"),
        pytest.param({"dd": decimal.Decimal("123456.5")}, id="decimal-second-member"),
    ],
)
def test_union_value_goes_to_a_member_that_holds_it(compile_schemas: Any, tmp_path: Path,
                                                    override: dict[str, Any]) -> None:
    m = compile_schemas({"u.avsc": UNIONS}).module("unions")
    row_ = m.U(**override)
    path = schemagen.write([row_], tmp_path / "u.parquet")
    back = next(iter(schemagen.read(m.U, path)))
    for k, v in override.items():
        got = getattr(back, k)
        assert got == v and type(got) is type(v), (k, got)
