"""The protocol every input format implements: a :class:`Source` yields chunks of rows,
each row with its location (the source's file and the row's line or record number) and
its raw form (what a reject shows).

A chunk is one of

* :class:`RowChunk`: rows for the per-row path (JSON arrays, Avro, rows the fast
  path cannot read);
* :class:`ArrowChunk`: rows already read into Arrow arrays (JSON Lines through
  ``pyarrow.json``, CSV cells) for the fast path; it gives the per-row form of the
  rows the fast path doubts;
* a :class:`~..rejects.Reject`: a row the source itself cannot read (a broken CSV
  line), in its place among the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple, Protocol

from ..rejects import BadValue, Reject

DEFAULT_CHUNK_BYTES: Final = 8 * 1024 * 1024
PER_ROW_BATCH: Final = 8192  # rows per batch on the per-row path (JSON arrays, Avro)


class Row(NamedTuple):
    """One input row: its line (1-based; the record number in Avro), its raw form, and
    the function that parses it (raising :class:`~..rejects.BadValue`)."""

    line: int
    raw: Any
    parse: Callable[[], Any]


@dataclass
class RowChunk:
    file: str
    rows: Sequence[Row]


@dataclass
class ArrowChunk:
    """``values``: a struct array, one row per input row, in the read types (strings,
    int64, float64 ...: the fast cast makes them the record's types).  ``doubtful``:
    rows the source already knows the fast path must leave to the per-row path."""

    file: str
    values: Any
    rows: Callable[[list[int]], list[Row] | None]  # per-row form of the given rows;
    # None: the rows of ``values`` are not the input's rows (then ``fallback`` is given)
    fallback: Callable[[], Iterator[RowChunk]] | None = None  # every row, for the per-row path
    doubtful: Any = None  # numpy bool mask or None


Chunk = RowChunk | ArrowChunk | Reject


class Source(Protocol):
    """One input file of one format."""

    file: str

    def chunks(self) -> Iterator[Chunk]:
        """The file's rows in input order, a bounded number at a time.  Raises
        :class:`~schemagen.errors.InputError` when the file cannot be read at all."""
        ...


def batched(file: str, rows: Iterator[Row]) -> Iterator[RowChunk]:
    """``rows`` in chunks of ``PER_ROW_BATCH``."""
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= PER_ROW_BATCH:
            yield RowChunk(file, chunk)
            chunk = []
    if chunk:
        yield RowChunk(file, chunk)


def constant(v: Any) -> Callable[[], Any]:
    """The parse function of a row that is already parsed (an Avro record)."""
    return lambda: v


def raiser(exc: BadValue) -> Callable[[], Any]:
    """The parse function of a row that cannot be parsed."""
    def parse() -> Any:
        raise exc
    return parse
