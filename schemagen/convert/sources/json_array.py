"""A file holding one JSON array of objects, streamed: each element is a row for the
per-row path, located by the line it starts on.

The array is scanned with :meth:`json.JSONDecoder.raw_decode` over a sliding text
buffer (``docs/convert.md`` says why not ``ijson``: its events carry no positions, so
it cannot give a row's line)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from schemagen.errors import InputError

from ..rejects import cap
from .base import Chunk, Row, batched
from .inputs import InputFile, Reader, as_input, text_reader
from .jsontext import checked_object, decoder


class JsonArraySource:
    def __init__(self, src: InputFile, chunk_bytes: int,
                 progress: Callable[[int], None]) -> None:
        self.input = src
        self.file = src.name
        self.chunk_bytes = chunk_bytes
        self.progress = progress

    def chunks(self) -> Iterator[Chunk]:
        yield from batched(self.file, json_array_rows(self.input, self.chunk_bytes,
                                                      self.progress))


def json_array_rows(src: InputFile | Path, chunk: int,
                    progress: Callable[[int], None]) -> Iterator[Row]:
    """Elements of a top-level JSON array, streamed, with the line each starts on."""
    src = as_input(src)
    f, raw = text_reader(src)
    with f:
        yield from _ArrayScanner(f, raw, src.name, chunk, progress).rows()


_LONGEST_LITERAL: Final = len("-Infinity")


class _ArrayScanner:
    """The array's syntax (``[``, elements, ``,``, ``]``) over a text buffer read
    ``chunk`` characters at a time; ``line`` is the line of ``pos``."""

    def __init__(self, f: Any, raw: Reader, file: str, chunk: int,
                 progress: Callable[[int], None]) -> None:
        self.f = f
        self.raw_file = raw
        self.file = file
        self.chunk = chunk
        self.progress = progress
        self.decoder = decoder()
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.done = 0  # bytes reported to progress

    def more(self) -> bool:
        """Read on: False at the end of the file."""
        data = self.f.read(self.chunk)
        now = self.raw_file.consumed
        self.progress(now - self.done)
        self.done = now
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + data
        self.pos = 0
        return True

    def skip_ws(self) -> None:
        while True:
            buf = self.buf
            while self.pos < len(buf) and buf[self.pos] in " \t\r\n":
                if buf[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.buf) or self.eof or not self.more():
                return

    def error(self, message: str) -> InputError:
        return InputError(message, file=self.file, line=self.line)

    def rows(self) -> Iterator[Row]:
        state = "start"  # start -> item -> sep -> end
        while True:
            self.skip_ws()
            if self.pos >= len(self.buf):
                if state != "end":
                    raise self.error("the JSON array is not closed (missing ']')")
                return
            c = self.buf[self.pos]
            if state == "item":
                yield self.element()
                state = "sep"
                continue
            if state == "end":
                raise self.error(f"unexpected text after the JSON array: {c!r}")
            state = self.opening(c) if state == "start" else self.separator(c)

    def opening(self, c: str) -> str:
        if c != "[":
            raise self.error(f"expected a JSON array ('['), got {c!r}; "
                             "use --input-format jsonl for JSON Lines")
        self.pos += 1
        self.skip_ws()
        if self.pos < len(self.buf) and self.buf[self.pos] == "]":
            self.pos += 1
            return "end"
        return "item"

    def separator(self, c: str) -> str:
        if c == ",":
            self.pos += 1
            return "item"
        if c == "]":
            self.pos += 1
            return "end"
        raise self.error(f"expected ',' or ']' between array elements, got {c!r}")

    def element(self) -> Row:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
                if end >= len(self.buf) and not self.eof and self.more():
                    continue  # a number may go on in the next read
                break
            except json.JSONDecodeError as exc:
                # the end of the buffer may cut a value: a literal (``tr|ue``, ``nu|ll``,
                # ``-Infin|ity``: the error is where it starts), a number, a key: read on
                if exc.pos >= len(self.buf) - _LONGEST_LITERAL and not self.eof \
                        and self.more():
                    continue
                # a string may be cut by the end of the buffer (the error names where
                # it starts): read on, up to a bound; any other error is final
                if exc.msg.startswith("Unterminated string") and not self.eof \
                        and len(self.buf) - self.pos < 64 * self.chunk and self.more():
                    continue
                line = self.line + self.buf.count("\n", self.pos, exc.pos)
                raise InputError(f"invalid JSON: {exc.msg}", file=self.file, line=line) from None
        raw = self.buf[self.pos:end]
        row = Row(self.line, cap(raw), checked_object(value, raw))
        self.line += raw.count("\n")
        self.pos = end
        return row

