"""A small, strict JSON parser that remembers where every value came from.

Python's :mod:`json` module has no positions, and schema errors must name
``file:line:column``.  :func:`parse` reads RFC 8259 JSON (no NaN/Infinity, no
comments, no trailing commas, no control characters or unpaired surrogates in
strings) into a tree of :class:`Node` objects carrying 1-based line and column
numbers (columns count code points).  Duplicate keys in an object are an error.

Errors are :class:`~schemagen.errors.JSONError` (a :class:`ValueError`) with ``line``/``column``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from typing import Any, Final

from schemagen.errors import JSONError

__all__ = ["Arr", "JSONError", "Node", "Obj", "Scalar", "parse", "to_plain", "type_name"]

MAX_DEPTH: Final = 200


class Node:
    """A JSON value and the position of its first character."""

    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class Scalar(Node):
    """``null``, ``true``/``false``, a number (``int`` or ``float``) or a string."""

    __slots__ = ("value",)

    def __init__(self, value: None | bool | int | float | str, line: int, column: int) -> None:
        super().__init__(line, column)
        self.value = value

    def __repr__(self) -> str:
        return f"Scalar({self.value!r} @{self.line}:{self.column})"


class Arr(Node):
    """A JSON array."""

    __slots__ = ("items",)

    def __init__(self, items: list[Node], line: int, column: int) -> None:
        super().__init__(line, column)
        self.items = items

    def __repr__(self) -> str:
        return f"Arr({self.items!r} @{self.line}:{self.column})"


class Obj(Node):
    """A JSON object: ``members`` in document order, ``keys`` holds each key's node."""

    __slots__ = ("members", "keys")

    def __init__(
        self, members: dict[str, Node], keys: dict[str, Scalar], line: int, column: int
    ) -> None:
        super().__init__(line, column)
        self.members = members
        self.keys = keys

    def get(self, key: str) -> Node | None:
        return self.members.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self.members

    def __repr__(self) -> str:
        return f"Obj({self.members!r} @{self.line}:{self.column})"


def to_plain(node: Node) -> Any:
    """The plain Python value (``dict``/``list``/scalars) of ``node``."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Arr):
        return [to_plain(n) for n in node.items]
    assert isinstance(node, Obj)
    return {k: to_plain(v) for k, v in node.members.items()}


def type_name(node: Node) -> str:
    """``object``, ``array``, ``string``, ``number``, ``boolean`` or ``null``."""
    if isinstance(node, Obj):
        return "object"
    if isinstance(node, Arr):
        return "array"
    assert isinstance(node, Scalar)
    v = node.value
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, str):
        return "string"
    return "number"


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_CHUNK = re.compile(r'[^"\\\x00-\x1f]*')
_NEWLINE = re.compile(r"\r\n|\r|\n")
_PUNCTUATION: Final = frozenset("{}[],:")
# not JSON, but words a JSON writer may emit (named in the error, unlike any other text)
_NOT_JSON_WORDS: Final = frozenset({"NaN", "Infinity", "-Infinity", "+Infinity", "undefined",
                                    "True", "False", "None"})
_ESCAPES: Final = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")


class _Parser:
    def __init__(self, text: str, words: Collection[str] = ()) -> None:
        self.text = text
        self.words = words
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def error(self, message: str, offset: int) -> JSONError:
        line, col = self.pos(offset)
        return JSONError(message, line, col)

    def ws(self, i: int) -> int:
        m = _WS.match(self.text, i)
        assert m is not None
        return m.end()

    def describe(self, i: int) -> str:
        """What is at ``i``, for a syntax error: JSON's own punctuation is quoted, anything
        else only by its kind (an error never quotes the file's text: it may not be JSON
        at all, but a secret a symlink pointed at)."""
        if i >= len(self.text):
            return "end of file"
        c = self.text[i]
        if c in _PUNCTUATION:
            return repr(c)
        if c == '"':
            return "a string"
        if c == "-" or "0" <= c <= "9":
            return "a number"
        if c.isalnum() or c == "_":
            return "a word"
        return "a character that is not JSON"

    def value(self, i: int, depth: int) -> tuple[Node, int]:
        text = self.text
        if i >= len(text):
            raise self.error("expected a JSON value, got end of file", i)
        c = text[i]
        line, col = self.pos(i)
        if c == "{":
            return self.obj(i, depth + 1)
        if c == "[":
            return self.arr(i, depth + 1)
        if c == '"':
            s, j = self.string(i)
            return Scalar(s, line, col), j
        if c == "-" or "0" <= c <= "9":
            m = _NUMBER.match(text, i)
            if m is None or m.end() == i:
                raise self.error("invalid number", i)
            j = m.end()
            if j < len(text) and (text[j].isalnum() or text[j] in ".+-"):
                raise self.error("invalid number", i)
            lit = m.group(0)
            try:
                num: int | float = float(lit) if (m.group(1) or m.group(2)) else int(lit)
            except ValueError:  # more digits than Python's int/str conversion limit
                raise self.error(f"number with {len(lit)} digits is too long", i) from None
            return Scalar(num, line, col), j
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                j = i + len(word)
                if j < len(text) and (text[j].isalnum() or text[j] == "_"):
                    break
                return Scalar(val, line, col), j
        end = i
        while end < len(text) and (text[end].isalnum() or text[end] in "_-+."):
            end += 1
        word = text[i:end] if end > i else text[i]
        # JavaScript's words (NaN, Infinity, undefined) are named, never other text
        got = repr(word) if word in _NOT_JSON_WORDS else self.describe(i)
        raise self.error(f"expected a JSON value, got {got}", i)

    def string(self, i: int) -> tuple[str, int]:
        text = self.text
        start = i
        i += 1
        parts: list[str] = []
        while True:
            m = _CHUNK.match(text, i)
            assert m is not None
            parts.append(m.group(0))
            i = m.end()
            if i >= len(text):
                raise self.error("unterminated string", start)
            c = text[i]
            if c == '"':
                return "".join(parts), i + 1
            if c != "\\":
                raise self.error(f"control character U+{ord(c):04X} in string (escape it)", i)
            if i + 1 >= len(text):
                raise self.error("unterminated string", start)
            e = text[i + 1]
            if e in _ESCAPES:
                parts.append(_ESCAPES[e])
                i += 2
                continue
            if e != "u":
                raise self.error("invalid escape in string (JSON has \\\" \\\\ \\/ \\b \\f "
                                 "\\n \\r \\t \\uXXXX)", i)
            code, i = self.hex4(i)
            if 0xD800 <= code <= 0xDBFF:
                if text.startswith("\\u", i) and _HEX4.match(text, i + 2):
                    low, j = self.hex4(i)
                    if 0xDC00 <= low <= 0xDFFF:
                        parts.append(chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
                        i = j
                        continue
                raise self.error("unpaired surrogate in string", i - 6)
            if 0xDC00 <= code <= 0xDFFF:
                raise self.error("unpaired surrogate in string", i - 6)
            parts.append(chr(code))

    def hex4(self, i: int) -> tuple[int, int]:
        """Read ``\\uXXXX`` at ``i``; return the code unit and the offset after it."""
        if not _HEX4.match(self.text, i + 2):
            raise self.error("invalid \\u escape in string (needs 4 hex digits)", i)
        return int(self.text[i + 2 : i + 6], 16), i + 6

    def arr(self, i: int, depth: int) -> tuple[Arr, int]:
        if depth > MAX_DEPTH:
            raise self.error(f"JSON nested deeper than {MAX_DEPTH} levels", i)
        line, col = self.pos(i)
        items: list[Node] = []
        i = self.ws(i + 1)
        if i < len(self.text) and self.text[i] == "]":
            return Arr(items, line, col), i + 1
        while True:
            node, i = self.value(i, depth)
            items.append(node)
            i = self.ws(i)
            if i < len(self.text) and self.text[i] == ",":
                i = self.ws(i + 1)
                if i < len(self.text) and self.text[i] == "]":
                    raise self.error("trailing comma in array", i)
                continue
            if i < len(self.text) and self.text[i] == "]":
                return Arr(items, line, col), i + 1
            raise self.error(f"expected ',' or ']' in array, got {self.describe(i)}", i)

    def obj(self, i: int, depth: int) -> tuple[Obj, int]:
        if depth > MAX_DEPTH:
            raise self.error(f"JSON nested deeper than {MAX_DEPTH} levels", i)
        line, col = self.pos(i)
        members: dict[str, Node] = {}
        keys: dict[str, Scalar] = {}
        i = self.ws(i + 1)
        if i < len(self.text) and self.text[i] == "}":
            return Obj(members, keys, line, col), i + 1
        while True:
            if i >= len(self.text) or self.text[i] != '"':
                what = (
                    "trailing comma in object"
                    if members and self.text[i : i + 1] == "}"
                    else (f"expected a string key in object, got {self.describe(i)}")
                )
                raise self.error(what, i)
            kline, kcol = self.pos(i)
            key, i = self.string(i)
            if key in keys:
                first = keys[key]
                shown = f"key {key!r}" if key in self.words else "key"
                raise JSONError(
                    f"duplicate {shown} in object (first at line {first.line}, "
                    f"column {first.column})",
                    kline,
                    kcol,
                )
            i = self.ws(i)
            if i >= len(self.text) or self.text[i] != ":":
                raise self.error(f"expected ':' after object key, got {self.describe(i)}", i)
            i = self.ws(i + 1)
            node, i = self.value(i, depth)
            keys[key] = Scalar(key, kline, kcol)
            members[key] = node
            i = self.ws(i)
            if i < len(self.text) and self.text[i] == ",":
                i = self.ws(i + 1)
                continue
            if i < len(self.text) and self.text[i] == "}":
                return Obj(members, keys, line, col), i + 1
            raise self.error(f"expected ',' or '}}' in object, got {self.describe(i)}", i)


def parse(text: str, words: Collection[str] = ()) -> Node:
    """Parse one JSON document (surrounding whitespace allowed) into a :class:`Node` tree.

    A syntax error (:class:`JSONError`) places the error and says what was expected; it
    quotes none of the text, except JSON's punctuation and a duplicate key that is one of
    ``words`` (the format's own keys: Avro's ``name``, ``type``...)."""
    p = _Parser(text, words)
    i = p.ws(0)
    if i >= len(text):
        raise p.error("empty document: expected a JSON value", i)
    node, i = p.value(i, 0)
    i = p.ws(i)
    if i < len(text):
        raise p.error(f"unexpected data after the JSON value: {p.describe(i)}", i)
    return node
