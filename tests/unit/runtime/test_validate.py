"""runtime/validate.py: the slow path naming what a value should have been."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest

from schemagen import ir
from schemagen.errors import RecordProblem
from schemagen.runtime.validate import Checker

D = decimal.Decimal


def expected(t: ir.Type, v: Any, types: dict[str, ir.Named] | None = None) -> list[str]:
    out: list[RecordProblem] = []
    Checker(types or {}).value(t, v, "f", 0, out)
    return [p.expected for p in out]


@pytest.mark.parametrize(("v", "fits"), [
    (D("0"), True), (D("-0"), True), (D("0.5"), True), (D("0.50"), True), (D("0.55"), False),
    (D("1"), False), (D("1E+30"), False), (D("11048945828578554135485349699.3"), False),
    (D("NaN"), False), (D("Infinity"), False),
])
def test_decimal_fit_is_the_ir_fact(v: decimal.Decimal, fits: bool) -> None:
    # a zero has no integer digit to spare; a huge value is a problem, not a crash
    assert expected(ir.Decimal(1, 1), v) == ([] if fits else
                                            ["decimal.Decimal fitting decimal(1, 1)"])


@pytest.mark.parametrize(("t", "v", "want"), [
    (ir.Int(8), 128, ["int (int8) in [-128, 127]"]),
    (ir.Int(16, False), -1, ["int (uint16) in [0, 65535]"]),
    (ir.Int(32), True, ["int (int32)"]),
    (ir.Float(32), 1e39, ["float within float32 range (about ±3.4e38)"]),
    (ir.String(), "\ud800", ["str that can be encoded as UTF-8 (character 0 is a lone surrogate)"]),
    (ir.Fixed(2), b"abc", ["bytes of length 2"]),
    (ir.Date(), datetime.datetime(2024, 1, 1), ["datetime.date"]),
    (ir.Time("ms"), datetime.time(0, 0, 0, 1),
     ["datetime.time with ms precision (the extra digits would be lost; truncate_time=True "
      "floors them to the unit)"]),
    (ir.Timestamp("us", True), datetime.datetime(2024, 1, 1),
     ["a timezone-aware datetime.datetime (this timestamp is UTC-adjusted)"]),
    (ir.Timestamp("us", False), "x", ["datetime.datetime (naive, local)"]),
    (ir.Duration("s"), datetime.timedelta(microseconds=1), ["datetime.timedelta with s precision"]),
    (ir.Interval(), ir.IntervalValue(-1, 0, 0),
     ["schemagen.Interval(months, days, milliseconds), each in [0, 2**32)"]),
    (ir.Uuid(), "x", ["uuid.UUID"]),
    (ir.Json(), {1, 2}, ["a JSON-serialisable value"]),
    (ir.Null(), 1, ["None"]),
    (ir.Int(32), None, ["int (int32) (the field is required, None is not allowed)"]),
    (ir.Nullable(ir.Int(32)), None, []),
    (ir.List(ir.Int(8)), [1, 300], ["int (int8) in [-128, 127]"]),
    (ir.List(ir.Int(8)), (1,), ["list[int (int8)]"]),
    (ir.List(ir.String(), unique=True), ["a"], ["frozenset[string] (or set)"]),
    (ir.Map(ir.String(), ir.Int(8)), [], ["dict[string, int (int8)]"]),
    (ir.Map(ir.List(ir.Int(8)), ir.Int(8)), {}, ["list[tuple[list[int (int8)], int (int8)]]"]),
    (ir.Union_((ir.Int(8), ir.String())), 1.5, ["int (int8) | string"]),
    (ir.Union_((ir.Int(8), ir.String())), "s", []),
])
def test_expectations(t: ir.Type, v: Any, want: list[str]) -> None:
    assert expected(t, v) == want


def test_open_and_closed_enums() -> None:
    closed = ir.Enum("a.E", ("A", "B"), values=(0, 1))
    types: dict[str, ir.Named] = {"a.E": closed}
    assert expected(ir.EnumRef("a.E"), "7", types) == ["a a.E symbol (A, B)"]
    types["a.E"] = ir.Enum("a.E", ("A", "B"), values=(0, 1), open=True)
    assert expected(ir.EnumRef("a.E"), "7", types) == []
    assert expected(ir.EnumRef("a.E"), "C", types) == ["a a.E symbol (A, B)"]
