"""``schemagen.convert.grammar``: the spellings both paths accept."""

from __future__ import annotations

import pytest

from schemagen.convert import grammar as g


@pytest.mark.parametrize("pattern, good, bad", [
    (g.INT_RE, ["0", "-12", "+7", "0012"], ["1.0", "1e3", "", " 1", "1\n"]),
    (g.NUM_RE, ["1", "1.", ".5", "-1.5e-3", "2E10"], ["NaN", "inf", "1e", "--1", "1.5\n"]),
    (g.DATE_RE, ["2013-07-26"], ["2013-7-26", "20130726", "2013-07-26T00:00:00"]),
    (g.time_re("ms"), ["04:56:59", "04:56:59.123", "04:56:59.500000"],
     ["24:00:00", "04:56", "04:56:59.1234", "04:56:59.123\n"]),
    (g.time_re("s"), ["04:56:59", "04:56:59.000"], ["04:56:59.5"]),
    (g.ts_re("us", None), ["2013-07-26T04:56:59Z", "2013-07-26 04:56:59.123456+02:00",
                           "2013-07-26T04:56:59"], ["2013-07-26", "2013-07-26T04:56:59+2"]),
    (g.ts_re("us", False), ["2013-07-26T04:56:59"], ["2013-07-26T04:56:59Z"]),
    (g.ts_re("ms", True), ["2013-07-26T04:56:59.1Z"], ["2013-07-26T04:56:59"]),
    (g.DURATION_RE, ["1s", "-1.5s", "0.000000001s"], ["1", "1.5", "PT1S", "1.0000000001s"]),
])
def test_grammars(pattern: str, good: list[str], bad: list[str]) -> None:
    assert [s for s in good if not g.matches(pattern, s)] == []
    assert [s for s in bad if g.matches(pattern, s)] == []


def test_fraction_texts() -> None:
    assert [g.frac_text(u) for u in ("s", "ms", "us", "ns")] == ["", "[.fff]", "[.ffffff]",
                                                                 "[.ffffff]"]
