"""CSV files (UTF-8, a header row): a column per leaf field, ``a.b`` for field ``b`` of
record ``a`` (names and aliases); cells are read as strings into Arrow arrays for the
fast path.  An empty cell is null (except for a required string field); a nested
record whose cells are all empty is null."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from schemagen._pyarrow import pa, pc
from schemagen.errors import InputError

from ..fastcast import np_bool
from ..plan import FAST_KINDS, Node
from ..rejects import MAX_RAW_CHARS, BadValue, Reject, cap
from .base import ArrowChunk, Chunk, Row, raiser
from .inputs import InputFile, text_reader


class CsvColumns:
    """Dotted column name (names and aliases) -> leaf node; the column names of fields
    that cannot be cells (lists, maps ...) -> the message if a header names one (such
    fields left out of the CSV take their default); column -> keys (names may hold
    '.')."""

    def __init__(self, root: Node) -> None:
        self.leaves: dict[str, Node] = {}
        self.not_cells: dict[str, str] = {}
        self.paths: dict[str, tuple[str, ...]] = {}
        self._walk(root, (), "")

    def _walk(self, node: Node, prefix: tuple[str, ...], fpath: str) -> None:
        for f, keys, child in node.children:
            for key in keys:
                name = ".".join((*prefix, key))
                self.paths[name] = (*prefix, key)
                if child.kind == "record":
                    self._walk(child, (*prefix, key), f"{fpath}{f.name}.")
                elif child.kind in FAST_KINDS - {"list"}:
                    self.leaves[name] = child
                else:
                    self.not_cells[name] = (f"field {fpath}{f.name} ({child.kind}) cannot be "
                                            "read from a CSV column; use JSON Lines for it")

    def check_header(self, file: str, header: list[str]) -> None:
        seen: set[str] = set()
        for name in header:
            if name in seen:
                raise InputError(f"column {name!r} appears twice in the CSV header",
                                 file=file, line=1)
            seen.add(name)
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                problem = self.not_cells.get(".".join(parts[:i]))
                if problem:
                    raise InputError(f"column {name!r}: {problem}", file=file, line=1)

    def keeps_empty(self, name: str) -> bool:
        """An empty cell of a required string column is the empty string, not null."""
        node = self.leaves.get(name)
        return node is not None and node.kind == "string" and not node.nullable


class CsvSource:
    def __init__(self, src: InputFile, root: Node, delimiter: str, chunk_bytes: int,
                 progress: Callable[[int], None]) -> None:
        self.input = src
        self.file = src.name
        self.columns = CsvColumns(root)
        self.delimiter = delimiter
        self.chunk_bytes = chunk_bytes
        self.progress = progress

    def chunks(self) -> Iterator[Chunk]:
        file = self.file
        f, raw = text_reader(self.input, newline="")
        with f:
            # strict: a quote left open at the end of the file is an error (else the
            # rows after it silently become one cell), as is text after a closing quote
            tap = _Lines(f)
            reader = csv.reader(tap, delimiter=self.delimiter, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"not a CSV header: {exc}", file=file, line=1) from None
            self.columns.check_header(file, header)
            size = 0
            done = 0  # bytes reported to progress
            rows: list[list[str]] = []
            lines: list[int] = []
            broken: dict[int, Reject] = {}  # row index -> its lines, which are not CSV
            for line, row in _rows(reader, file, tap):
                if isinstance(row, Reject):  # rejected in its place among the rows
                    broken[len(rows)] = row
                    row = [""] * len(header)
                rows.append(row)
                lines.append(line)
                size += sum(map(len, row)) + len(row)
                if size >= self.chunk_bytes // 4:
                    now = raw.consumed  # bytes read (ahead by the text buffer at most)
                    self.progress(now - done)
                    done = now
                    yield self.chunk(header, rows, lines, broken)
                    rows, lines, size, broken = [], [], 0, {}
            self.progress(raw.consumed - done)
            if rows:
                yield self.chunk(header, rows, lines, broken)

    def chunk(self, header: list[str], rows: list[list[str]], lines: list[int],
              broken: dict[int, Reject] | None = None) -> ArrowChunk:
        """``broken``: rows whose lines are not CSV (their cells are blanks)."""
        width = len(header)
        broken = broken or {}
        wrong = np.array([len(r) != width or i in broken for i, r in enumerate(rows)],
                         dtype=bool)
        cells = list(zip(*(r if len(r) == width else (r + [""] * width)[:width] for r in rows)))
        arrays: dict[str, Any] = {}
        given: dict[str, Any] = {}
        for name, col in zip(header, cells):
            a = pa.array(col, pa.string())
            given[name] = np_bool(pc.not_equal(a, ""))
            if not self.columns.keeps_empty(name):
                a = pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)
            arrays[name] = a
        root = _nest(arrays, given, len(rows), self.columns.paths)

        def per_row(idx: list[int]) -> list[Row]:
            out = []
            for i in idx:
                if i in broken:
                    out.append(Row(lines[i], broken[i].row, raiser(BadValue("", broken[i].reason))))
                    continue
                if wrong[i]:
                    problem = BadValue("", f"expected {width} cells, got {len(rows[i])}")
                    out.append(Row(lines[i], rows[i], raiser(problem)))
                    continue
                cells = dict(zip(header, rows[i]))
                out.append(Row(lines[i], cells, _csv_parser(cells, self.columns)))
            return out

        return ArrowChunk(self.file, root, per_row, doubtful=wrong)


class _Lines:
    """The physical lines ``csv.reader`` reads, kept until its row is taken: a row that is
    not CSV is rejected with the text of every line it spans (a quote left open swallows
    the lines after it; they must not vanish), cut at ``MAX_RAW_CHARS``."""

    def __init__(self, f: Any) -> None:
        self.f = f
        self.taken: list[str] = []
        self.chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line: str = next(self.f)
        if self.chars <= MAX_RAW_CHARS:
            self.taken.append(line)
            self.chars += len(line)
        return line

    def take(self) -> str:
        text = cap("".join(self.taken).rstrip("\r\n"))
        self.taken, self.chars = [], 0
        return text


def _rows(reader: Any, file: str, tap: _Lines) -> Iterator[tuple[int, list[str] | Reject]]:
    """(line, cells) of every row that is not blank, or a reject for lines that are
    not CSV (with their text, and the range of lines when they are more than one)."""
    last = reader.line_num
    tap.take()
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why = str(exc)
            if why == "unexpected end of data":
                why += (" (a quoted cell opened in this row is never closed: the rest "
                        "of the file is this row)")
            if reader.line_num > last + 1:
                why += f" (lines {last + 1}-{reader.line_num}, a quoted cell spans them)"
            yield last + 1, Reject(file, last + 1, "", f"not CSV: {why}", tap.take())
            last = reader.line_num
            continue
        tap.take()
        line, last = last + 1, reader.line_num
        if row:  # a blank line is no row (a quoted empty cell, '""', is a row)
            yield line, row


def _nest(arrays: dict[str, Any], given: dict[str, Any], n: int,
          paths: dict[str, tuple[str, ...]]) -> Any:
    """Dotted column names -> nested struct arrays (``a.b`` is child ``b`` of ``a``);
    a nested record whose cells are all empty is null."""
    tree: dict[str, Any] = {}
    for name, a in arrays.items():
        parts = paths.get(name) or tuple(name.split("."))
        d = tree
        for p in parts[:-1]:
            nxt = d.setdefault(p, {})
            if not isinstance(nxt, dict):
                nxt = d[p] = {}
            d = nxt
        if parts[-1] not in d:
            d[parts[-1]] = (a, given[name])

    def build(d: dict[str, Any]) -> tuple[Any, Any]:
        names = list(d)
        built = [build(v) if isinstance(v, dict) else v for v in d.values()]
        if not built:
            return pa.array([{}] * n, pa.struct([])), np.zeros(n, dtype=bool)
        valid = np.zeros(n, dtype=bool)
        for _, g in built:
            valid |= g
        mask = None if valid.all() else pa.array(~valid)
        return pa.StructArray.from_arrays([c for c, _ in built], names=names, mask=mask), valid

    root, _ = build(tree)
    # the root row itself is never null
    return pa.StructArray.from_arrays([root.field(i) for i in range(root.type.num_fields)],
                                      names=[f.name for f in root.type]) \
        if root.type.num_fields else root


def _csv_parser(raw: dict[str, str], columns: CsvColumns) -> Callable[[], Any]:
    def parse() -> Any:
        out: dict[str, Any] = {}
        for name, cell in raw.items():
            value: Any = cell
            if cell == "" and not columns.keeps_empty(name):
                value = None
            parts = columns.paths.get(name) or tuple(name.split("."))
            d = out
            for p in parts[:-1]:
                nxt = d.get(p)
                if not isinstance(nxt, dict):
                    nxt = d[p] = {}
                d = nxt
            d.setdefault(parts[-1], value)
        # nested records whose cells are all empty are null; the row itself never is
        return {k: _drop_empty(v) if isinstance(v, dict) else v for k, v in out.items()}
    return parse


def _drop_empty(d: dict[str, Any]) -> Any:
    """A nested record whose cells are all empty is null (as on the fast path)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            v = _drop_empty(v)
        out[k] = v
    return out if any(v is not None and v != "" for v in out.values()) else None
