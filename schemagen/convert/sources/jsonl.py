"""JSON Lines: one object per line (several concatenated objects on a line are several
rows, as pyarrow and Drill read them).  Chunks of whole lines are read by
``pyarrow.json`` (in a parse thread, one chunk ahead) into the read types of
:class:`ReadTypes`; when pyarrow cannot read a chunk, the read type of a key is switched
where the record's type allows it, or the chunk is split in halves until the bad lines
are found and go through the per-row path.  Line numbers are counted only when a row
needs one (:class:`LineIndex`)."""

from __future__ import annotations

import importlib
import io
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Final

import numpy as np

from schemagen._pyarrow import pa

from ..plan import Node
from ..rejects import raw_text
from .base import PER_ROW_BATCH, ArrowChunk, Chunk, Row, RowChunk
from .inputs import InputFile
from .jsontext import json_line_rows, json_parser

pj: Any = importlib.import_module("pyarrow.json")

MIN_SPLIT_LINES: Final = 32  # below this many lines a failing chunk goes row by row
MAX_FLIPS: Final = 8  # read-type switches tried on one chunk


class ReadTypes:
    """The Arrow type ``pyarrow.json`` reads each key as (an explicit schema): the
    record's layout with int64/float64/string leaves; a key switches to another JSON
    kind (``"false"`` strings for a boolean) when pyarrow saw that kind there.  The
    switches are kept for the following chunks and files."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.switched: dict[str, Any] = {}  # "/a/b" key path -> read type

    def schema(self) -> Any:
        return pa.schema(list(self._type(self.root, "")))

    def _type(self, node: Node, jpath: str) -> Any:
        if node.kind == "record":
            fields = []
            for _, keys, child in node.children:
                for key in keys:
                    fields.append(pa.field(key, self._type(child, f"{jpath}/{key}")))
            return pa.struct(fields)
        if node.kind == "list":
            assert node.item is not None
            return pa.list_(self._type(node.item, f"{jpath}/[]"))
        got = self.switched.get(jpath)
        if got is not None:
            return got
        return {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(),
                "decimal": node.target}.get(node.kind, pa.string())

    def flip(self, message: str) -> bool:
        """Switch a key's read type after pyarrow saw another JSON kind there."""
        m = re.search(r"Column\((/.*)\) changed from (\w+) to (\w+)", message)
        if not m:
            return False
        jpath, new = m.group(1), m.group(3)
        node = self._node_at(jpath)
        if node is None:
            return False
        choice = {("bool", "string"): pa.string(), ("bool", "boolean"): pa.bool_(),
                  ("enum", "string"): pa.string(),
                  ("enum", "number"): pa.int64() if node.numbers else None,
                  ("int", "string"): pa.string(), ("int", "number"): pa.int64(),
                  ("float", "string"): pa.string(), ("float", "number"): pa.float64()
                  }.get((node.kind, new))
        if choice is None or self.switched.get(jpath) == choice:
            return False
        self.switched[jpath] = choice
        return True

    def _node_at(self, jpath: str) -> Node | None:
        node = self.root
        for part in jpath.split("/")[1:]:
            if node.kind == "list" and part == "[]":
                assert node.item is not None
                node = node.item
                continue
            if node.kind != "record":
                return None
            nxt = None
            for _, keys, child in node.children:
                if part in keys:
                    nxt = child
            if nxt is None:
                return None
            node = nxt
        return node


class JsonLinesSource:
    def __init__(self, src: InputFile, read_types: ReadTypes, *, fast: bool, chunk_bytes: int,
                 progress: Callable[[int], None]) -> None:
        self.input = src
        self.file = src.name
        self.types = read_types
        self.fast = fast
        self.chunk_bytes = chunk_bytes
        self.progress = progress

    def chunks(self) -> Iterator[Chunk]:
        lines = LineIndex()
        with io.BufferedReader(self.input.open()) as f, ThreadPoolExecutor(1) as pool:
            # the next chunk is parsed (pyarrow, GIL released) while this one is cast and
            # written
            pending: tuple[Any, int, Future[Any] | None] | None = None
            for chunk, offset in line_chunks(f, self.chunk_bytes, self.progress):
                fut = pool.submit(_read_checked, chunk, self.types.schema()) \
                    if self.fast else None
                if pending is not None:
                    lines.enter(pending[0], pending[1])
                    yield from self._chunk(*pending, lines=lines)
                    lines.leave()
                pending = (chunk, offset, fut)
            if pending is not None:
                lines.enter(pending[0], pending[1])
                yield from self._chunk(*pending, lines=lines)

    def _chunk(self, chunk: Any, offset: int, fut: Any = None, *,
               lines: LineIndex) -> Iterator[Chunk]:
        if not self.fast:
            yield from self._per_row(bytes(chunk), lines.line_at(offset))
            return
        table = None
        nlines = 0
        for attempt in range(MAX_FLIPS):
            try:
                if attempt == 0 and fut is not None:
                    table, nlines, ends = fut.result()
                else:
                    table, nlines, ends = _read_checked(chunk, self.types.schema())
            except pa.ArrowException as exc:
                if not self.types.flip(str(exc)):
                    break
                continue
            lines.counted(chunk, ends)
            break
        if table is None:
            yield from self._split(bytes(chunk), offset, lines)
            return
        yield from self._table(table, chunk, lambda: lines.line_at(offset), nlines)

    def _split(self, chunk: bytes, offset: int, lines: LineIndex) -> Iterator[Chunk]:
        """A chunk pyarrow cannot read: its halves, down to ``MIN_SPLIT_LINES`` lines
        (those go row by row)."""
        nlines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
        mid = chunk.find(b"\n", len(chunk) // 2)
        if mid < 0 or mid + 1 >= len(chunk):
            mid = chunk.rfind(b"\n", 0, len(chunk) - 1)
        if nlines <= MIN_SPLIT_LINES or mid < 0:
            yield from self._per_row(chunk, lines.line_at(offset))
            return
        head, tail = chunk[: mid + 1], chunk[mid + 1:]
        yield from self._chunk(head, offset, lines=lines)
        yield from self._chunk(tail, offset + len(head), lines=lines)

    def _table(self, table: Any, chunk: Any, line_of: Callable[[], int],
               nlines: int) -> Iterator[Chunk]:
        n = table.num_rows
        if n != nlines and len(line_spans(bytes(chunk))) != n:
            # pyarrow reads an object over several lines (or several on one line) as rows:
            # the per-row path decides every row of this chunk, line by line
            yield from self._per_row(bytes(chunk), line_of())
            return
        cols = [c.combine_chunks() if c.num_chunks != 1 else c.chunk(0) for c in table.columns]
        root = pa.StructArray.from_arrays(cols, names=table.column_names) if cols else \
            pa.array([{}] * n, pa.struct([]))

        def per_row(idx: list[int]) -> list[Row] | None:
            text = bytes(chunk)
            spans = line_spans(text)
            if len(spans) != n or not all(
                    text[a:b].strip().startswith(b"{") and text[a:b].strip().endswith(b"}")
                    for _, a, b in spans):
                return None  # rows are not lines: see fallback
            line = line_of()
            return [Row(line + spans[i][0], raw_text(text[spans[i][1]:spans[i][2]]),
                        json_parser(text[spans[i][1]:spans[i][2]])) for i in idx]

        def fallback() -> Iterator[RowChunk]:
            # rows are not lines (several objects on a line and one over several lines):
            # the per-row path decides every row of this chunk
            return self._per_row(bytes(chunk), line_of())

        yield ArrowChunk(self.file, root, per_row, fallback)

    def _per_row(self, chunk: bytes, line: int) -> Iterator[RowChunk]:
        spans = line_spans(chunk)
        for start in range(0, len(spans), PER_ROW_BATCH):
            rows = [row for rel, a, b in spans[start: start + PER_ROW_BATCH]
                    for row in json_line_rows(chunk[a:b], line + rel)]
            yield RowChunk(self.file, rows)


def line_chunks(f: Any, chunk_bytes: int,
                progress: Callable[[int], None]) -> Iterator[tuple[Any, int]]:
    """About ``chunk_bytes`` of whole lines at a time (a memoryview, not copied) and the
    byte offset each chunk starts at (line numbers are counted only when needed).  A
    regular file reads the partial line at the end of a read again (it seeks back); a
    stream (a pipe) is read forward only: the partial line starts the next chunk.  A byte
    order mark is stripped only as the input's first bytes."""
    seek = f.seekable()
    pos = 0
    carry = b""
    first = True
    while True:
        data = f.read(chunk_bytes)
        if first:  # only the input's first bytes may be a byte order mark: anywhere else
            # (even at a chunk start while the first line goes on) it is part of a line
            first = False
            if data.startswith(b"\xef\xbb\xbf"):
                progress(3)
                data = data[3:]
                pos = 3
        if not data:
            if carry.strip():
                yield carry, pos
            return
        cut = data.rfind(b"\n")
        if cut < 0:  # a line longer than a chunk
            carry += data
            progress(len(data))
            continue
        tail = b""
        if cut + 1 < len(data):
            if seek:
                f.seek(cut + 1 - len(data), os.SEEK_CUR)  # the partial line is read again
            else:
                tail = data[cut + 1:]
        progress(cut + 1 + len(tail))
        if carry:
            chunk: Any = carry + data[: cut + 1]
        else:
            chunk = memoryview(data)[: cut + 1]
        carry = tail
        yield chunk, pos
        pos += len(chunk)


def _read_checked(chunk: Any, schema: Any) -> tuple[Any, int, int]:
    """``(table, lines in the chunk, line ends in it)``; the table is None when the
    chunk holds a line that does not start with ``{`` (:func:`lines_start_objects`) or
    invalid UTF-8 (pyarrow's JSON reader lets it through): such chunks are split and
    their doubtful lines go row by row.  Runs in the parse thread (pyarrow and numpy
    release the GIL), which also counts the line ends for :class:`LineIndex`."""
    if not lines_start_objects(chunk):
        return None, 0, count_line_ends(chunk)
    table = _read_json(chunk, schema)
    try:
        table.validate(full=True)
    except pa.ArrowInvalid:
        return None, 0, count_line_ends(chunk)
    ends = count_line_ends(chunk)  # after the parse: before it, peak memory was 5% higher
    return table, ends + (1 if len(chunk) and chunk[-1] != 10 else 0), ends


def _read_json(chunk: Any, schema: Any) -> Any:
    opts = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
    block = 1 << 20  # fastest in measurements (more blocks in parallel, cache-sized)
    try:
        return pj.read_json(pa.BufferReader(pa.py_buffer(chunk)),
                            read_options=pj.ReadOptions(block_size=block),
                            parse_options=opts)
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc):
            raise
        return pj.read_json(pa.BufferReader(pa.py_buffer(chunk)),
                            read_options=pj.ReadOptions(block_size=len(chunk) + 1),
                            parse_options=opts)


_OPEN: Final = ord("{")
_LINE_ENDS: Final = (10, 13)  # pyarrow's JSON chunker ends a line (and a block) at either
_BLANKS: Final = b" \t"


def lines_start_objects(chunk: Any) -> bool:
    """Whether every line of the chunk (lines end at ``\n`` or ``\r``, as pyarrow
    splits them into blocks) is blank or starts with ``{`` after spaces and tabs.

    pyarrow's JSON reader must never see anything else: a block whose first value is
    ``null`` kills the process (SIGSEGV in ``pyarrow.json.read_json`` and
    ``open_json``, pyarrow 26.0.1), and a ``null`` or scalar elsewhere is read as a
    row of nulls or an error; the per-row path rejects such lines with their line
    numbers."""
    n = len(chunk)
    if not n:
        return True
    a = np.frombuffer(chunk, dtype=np.uint8)
    starts = np.flatnonzero((a == _LINE_ENDS[0]) | (a == _LINE_ENDS[1])) + 1
    starts = np.concatenate(([0], starts[starts < n]))
    first = a[starts]
    odd = starts[(first != _OPEN) & (first != _LINE_ENDS[0]) & (first != _LINE_ENDS[1])]
    view = memoryview(chunk).cast("B") if not isinstance(chunk, bytes) else chunk
    for s in odd.tolist():  # lines indented by blanks, or not objects
        i = s
        while i < n and view[i] in _BLANKS:
            i += 1
        if i < n and view[i] not in (_OPEN, *_LINE_ENDS):
            return False
    return True


def count_line_ends(chunk: Any) -> int:
    """``\\n`` bytes in a chunk, counted without a copy."""
    if not len(chunk):
        return 0
    return int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == 10))


def line_spans(chunk: bytes) -> list[tuple[int, int, int]]:
    """(line offset, start, end) of every non-blank line (what pyarrow reads as rows)."""
    out = []
    start = 0
    rel = 0
    n = len(chunk)
    while start < n:
        end = chunk.find(b"\n", start)
        if end < 0:
            end = n
        if chunk[start:end].strip():
            out.append((rel, start, end))
        rel += 1
        start = end + 1
    return out


class LineIndex:
    """Line numbers of byte offsets, for a stream read once: the line the current chunk
    starts on is the previous chunk's plus that chunk's line ends (counted by the parse
    thread, or here when the fast path did not read the chunk); within the chunk, lines
    are counted only when a row needs one (a reject, a split)."""

    def __init__(self) -> None:
        self.chunk: Any = None
        self.start = 0  # offset of the current chunk
        self.line = 1  # its first line
        self.ends: int | None = None  # its line ends, once known
        self._near = (0, 1)  # (offset, line) last asked for in the current chunk

    def enter(self, chunk: Any, offset: int) -> None:
        """The next chunk (in input order) starts at ``offset``."""
        self.chunk, self.start, self.ends = chunk, offset, None
        self._near = (offset, self.line)

    def leave(self) -> None:
        """The current chunk is done: the next starts after its line ends (the chunk is
        let go at once: memory holds the chunk being read, parsed and cast, no more)."""
        self.line += self.ends if self.ends is not None else count_line_ends(self.chunk)
        self.chunk = None

    def counted(self, chunk: Any, ends: int) -> None:
        if chunk is self.chunk:
            self.ends = ends

    def line_at(self, offset: int) -> int:
        """The line of ``offset`` (in the current chunk)."""
        near, line = self._near
        if offset < near:
            near, line = self.start, self.line
        view = memoryview(self.chunk)[near - self.start: offset - self.start]
        line += count_line_ends(view)
        self._near = (offset, line)
        return line
