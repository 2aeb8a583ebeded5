"""The value grammars of ``schemagen convert``: the spellings both paths accept.

The fast path (``fastcast``) matches these patterns with ``pyarrow.compute`` and the
per-row path (``coerce``) with ``re``: a value is accepted by one exactly when it is
accepted by the other.
"""

from __future__ import annotations

import datetime
import re
from typing import Final

INT_RE: Final = r"^[+-]?[0-9]+$"
INT_FAST_RE: Final = r"^-?[0-9]{1,18}$"  # what pyarrow's cast parses without overflow
NUM_RE: Final = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
DATE_RE: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
HMS: Final = r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])"
OFFSET: Final = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
DIGITS: Final = {"s": 0, "ms": 3, "us": 6, "ns": 6}  # Python holds microseconds at most
DURATION_RE: Final = r"^-?[0-9]{1,12}(\.[0-9]{1,9})?s$"

FLOAT32_MAX: Final = 3.4028234663852886e38
NS_MIN: Final = datetime.datetime(1677, 9, 21, 0, 12, 43, 145225)  # int64 nanoseconds, rounded in
NS_MAX: Final = datetime.datetime(2262, 4, 11, 23, 47, 16, 854775)


def frac(unit: str, zeros: bool = True) -> str:
    """Fraction digits the unit holds; with ``zeros``, more digits (up to 9) when they are
    zeros (``.500000`` for milliseconds, as Python's isoformat writes them)."""
    d = DIGITS[unit]
    if not zeros:
        return rf"(\.[0-9]{{1,{d}}})?" if d else ""
    return rf"(\.[0-9]{{1,{d}}}0{{0,{9 - d}}})?" if d else r"(\.0{1,9})?"


def time_re(unit: str, zeros: bool = True) -> str:
    return rf"^{HMS}{frac(unit, zeros)}$"


def ts_re(unit: str, offset: bool | None, zeros: bool = True) -> str:
    """``offset``: True required, False forbidden, None optional."""
    tail = {True: OFFSET, False: "", None: OFFSET + "?"}[offset]
    return rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ]{HMS}{frac(unit, zeros)}{tail}$"


def frac_text(unit: str) -> str:
    """The fraction a unit holds, as a message shows it (``[.fff]`` for milliseconds)."""
    d = DIGITS[unit]
    return f"[.{'f' * d}]" if d else ""


_RE_CACHE: dict[str, re.Pattern[str]] = {}


def matches(pattern: str, s: str) -> bool:
    """Whether ``s`` (one line) is in the grammar ``pattern``."""
    r = _RE_CACHE.get(pattern)
    if r is None:
        r = _RE_CACHE[pattern] = re.compile(pattern)
    return r.match(s) is not None and "\n" not in s
