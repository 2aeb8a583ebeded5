"""JSON text -> parsed rows, as both JSON sources read it: numbers exact (decimals, and
integers too long for ``int()`` kept apart), an object that gives a key twice marked
(the row is rejected naming the key), lone surrogate escapes found."""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Callable
from typing import Any

from ..rejects import BadValue, cap, raw_text, show
from .base import Row

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class DupKeys(dict):  # type: ignore[type-arg]
    """A JSON object that gave the key ``dup`` twice: the row is rejected (naming the
    field path) when the object is converted, not dropped or merged."""

    dup: str = ""


class HugeInt(decimal.Decimal):
    """A JSON integer longer than ``int()`` takes (4300 digits): out of range anywhere."""


def no_dups(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                out = DupKeys(d)
                out.dup = k
                return out
            seen.add(k)
    return d


def parse_int(s: str) -> Any:
    return int(s) if len(s) <= 4000 else HugeInt(s)


def decoder() -> json.JSONDecoder:
    """A decoder with the conventions above."""
    return json.JSONDecoder(parse_float=decimal.Decimal, parse_int=parse_int,
                            object_pairs_hook=no_dups)


_DECODER = decoder()


def json_parser(text: bytes) -> Callable[[], Any]:
    """The parse function of one line's bytes: the object, or the reason it is none."""
    def parse() -> Any:
        try:
            s = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadValue("", f"not UTF-8: {exc}") from None
        try:
            v = json.loads(s, parse_float=decimal.Decimal, parse_int=parse_int,
                           object_pairs_hook=no_dups)
        except json.JSONDecodeError as exc:
            if exc.msg.startswith("Unexpected UTF-8 BOM"):
                # only the file's first bytes may be a byte order mark (stripped there);
                # one that starts a later line (files joined with cat?) is not JSON text
                raise BadValue("", "invalid JSON: a byte order mark (U+FEFF) starts the "
                                   "line; only the first bytes of a file may be one") from None
            raise BadValue("", f"invalid JSON: {exc.msg} at column {exc.colno}") from None
        except RecursionError:
            raise BadValue("", "invalid JSON: nested too deeply") from None
        return checked_object(v, s)()
    return parse


def checked_object(v: Any, raw: str = "") -> Callable[[], Any]:
    """The parse function of a value already parsed from ``raw``."""
    def parse() -> Any:
        if not isinstance(v, dict):
            raise BadValue("", f"expected a JSON object, got {show(v)}")
        if "\\u" in raw and SURROGATE_ESCAPE.search(raw):
            check_surrogates(v, "")
        return v
    return parse


def check_surrogates(v: Any, path: str) -> None:
    """JSON ``\\ud800`` escapes not in a pair decode to lone surrogates: not Unicode text,
    so not UTF-8 in Parquet; the row is rejected naming the key path."""
    if isinstance(v, str):
        m = _SURROGATE.search(v)
        if m:
            raise BadValue(path, f"invalid Unicode: lone surrogate \\u{ord(m.group()):04x} "
                                 f"in {show(v)}")
    elif isinstance(v, dict):
        for k, x in v.items():
            kpath = f"{path}.{k}" if path else k
            if _SURROGATE.search(k):
                raise BadValue(_SURROGATE.sub("\ufffd", kpath), "invalid Unicode: lone "
                                                                f"surrogate in the key {show(k)}")
            check_surrogates(x, kpath)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            check_surrogates(x, f"{path}[{i}]")


def json_line_rows(text: bytes, line: int) -> list[Row]:
    """The rows of one JSON Lines line.

    Usually one object; several objects on one line (concatenated, as pyarrow and Drill
    read them) are several rows, each with its own raw text.  Anything else that is not
    one JSON object is one rejected row: the whole line."""
    try:
        s = text.decode("utf-8")
    except UnicodeDecodeError:
        return [Row(line, raw_text(text), json_parser(text))]
    whole = [Row(line, raw_text(text), json_parser(text))]
    out: list[Row] = []
    pos, n = 0, len(s)
    while True:
        while pos < n and s[pos] in " \t\r\n":
            pos += 1
        if pos >= n:
            break
        try:
            value, end = _DECODER.raw_decode(s, pos)
        except (json.JSONDecodeError, RecursionError):
            return whole  # the error, as json.loads reports it for the line
        if not isinstance(value, dict):
            return whole
        out.append(Row(line, cap(s[pos:end]), checked_object(value, s[pos:end])))
        pos = end
    if len(out) <= 1:
        return whole if not out else [Row(line, cap(s.rstrip("\r")), out[0].parse)]
    return out
