"""Avro container files: every record goes through the per-row path (fastavro decodes
it to Python values already; the location of a row is its record number).

The container is read block by block (``fastavro.block_reader``): a block counts only
once its data and its sync marker are read and all its records decode.  At a break (the
input ends inside a block, a sync marker does not match, a block does not decode) the
records of the blocks before it are converted, and the rest is one reject saying where
the break is: the block's number and byte offset, and how many records it held when its
header was read."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any, Final

from schemagen.errors import InputError, UsageError

from ..rejects import Reject
from .base import PER_ROW_BATCH, Chunk, Row, RowChunk, constant
from .inputs import InputFile

_READ_PIECE: Final = 64 * 1024 * 1024  # a block size read from the file is read in pieces
SYNC_SIZE: Final = 16


class _Tap:
    """The container's bytes as fastavro reads them: the offset (``tell``; a pipe has
    none), the first bytes of the block being read (its record count and size) and
    whether the input ended short of a read."""

    def __init__(self, f: Any) -> None:
        self.f = f
        self.pos = 0
        self.block_start = 0
        self.block_head = b""
        self.short = False

    def read(self, n: int = -1) -> bytes:
        data: bytes
        if n is None or n < 0:
            data = self.f.read()
        elif n <= _READ_PIECE:
            data = self.f.read(n)
        else:  # a size from the file: do not allocate it before the bytes are there
            parts = []
            left = n
            while left > 0:
                part = self.f.read(min(left, _READ_PIECE))
                if not part:
                    break
                parts.append(part)
                left -= len(part)
            data = b"".join(parts)
        if n is not None and 0 <= n and len(data) < n:
            self.short = True
        if len(self.block_head) < 20:
            self.block_head += data[: 20 - len(self.block_head)]
        self.pos += len(data)
        return data

    def tell(self) -> int:
        return self.pos

    def mark(self) -> None:
        """The next block starts here."""
        self.block_start = self.pos
        self.block_head = b""
        self.short = False


def _varint(data: bytes, at: int) -> tuple[int | None, int]:
    """An Avro long (zigzag varint) at ``at``: (value or None if cut, next offset)."""
    shift = v = 0
    while at < len(data):
        b = data[at]
        at += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return (v >> 1) ^ -(v & 1), at
        shift += 7
    return None, at


class AvroSource:
    def __init__(self, src: InputFile, progress: Callable[[int], None]) -> None:
        self.input = src
        self.file = src.name
        self.progress = progress
        self._done = 0  # bytes reported to progress

    def chunks(self) -> Iterator[Chunk]:
        try:
            import fastavro
        except ImportError:  # pragma: no cover - a declared dependency
            raise UsageError("reading Avro files needs fastavro (pip install fastavro)") from None
        with self.input.open() as raw:
            tap = _Tap(io.BufferedReader(raw))
            try:
                blocks = iter(fastavro.block_reader(tap))  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - fastavro raises many kinds
                raise InputError(f"not an Avro container file: {exc}", file=self.file) from None
            yield from self._blocks(blocks, tap)
            self.progress(tap.pos - self._done)

    def _blocks(self, blocks: Iterator[Any], tap: _Tap) -> Iterator[Chunk]:
        rows: list[Row] = []
        number = 0  # records converted so far
        for k in range(1, 1 << 62):
            tap.mark()
            try:
                block = next(blocks)
                records = list(block)
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - fastavro raises many kinds
                if rows:
                    yield RowChunk(self.file, rows)
                yield self._break(tap, k, number, exc)
                return
            for rec in records:
                number += 1
                rows.append(Row(number, rec, constant(rec)))
            if len(rows) >= PER_ROW_BATCH:
                yield RowChunk(self.file, rows)
                rows = []
                self.progress(tap.pos - self._done)
                self._done = tap.pos
        if rows:
            yield RowChunk(self.file, rows)

    def _break(self, tap: _Tap, k: int, number: int, exc: Exception) -> Reject:
        """The reject for the rest of the input from block ``k`` on (it starts at
        ``tap.block_start``)."""
        head = tap.block_head
        count, at = _varint(head, 0)
        size, at = _varint(head, at) if count is not None else (None, at)
        got = tap.pos - tap.block_start
        where = f"block {k:,} (at byte {tap.block_start:,})"
        if count is None:
            held, verb = "its records (their count was cut off too)", "are"
        else:
            held = f"its {count:,} record{'s' if count != 1 else ''}"
            verb = "is" if count == 1 else "are"
        if tap.short:
            whole = f" of {at + size + SYNC_SIZE:,}" if size is not None and size >= 0 else ""
            why = (f"truncated Avro container: the input ends {got:,}{whole} "
                   f"byte{'s' if got != 1 or whole else ''} into {where}; {held} {verb} lost")
        else:
            rest = "" if self.input.size is None else \
                f" ({self.input.size - tap.block_start:,} bytes from there)"
            why = (f"corrupt Avro container: {where} cannot be read ({type(exc).__name__}: "
                   f"{exc}); {held} and the rest of the input{rest} are not converted")
        return Reject(self.file, number + 1, "", why, None)
