"""Avro container files: every record goes through the per-row path (fastavro decodes
it to Python values already; the location of a row is its record number)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any, Final

from schemagen.errors import InputError, UsageError

from .base import PER_ROW_BATCH, Chunk, Row, RowChunk, constant
from .inputs import InputFile

_READ_PIECE: Final = 64 * 1024 * 1024  # a block size read from the file is read in pieces


class _Tap:
    """The container's bytes as fastavro reads them, with the offset (``tell``; a pipe
    has none)."""

    def __init__(self, f: Any) -> None:
        self.f = f
        self.pos = 0

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
        self.pos += len(data)
        return data

    def tell(self) -> int:
        return self.pos


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
        file = self.file
        rows: list[Row] = []
        with self.input.open() as raw:
            tap = _Tap(io.BufferedReader(raw))
            try:
                reader = fastavro.reader(tap)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - fastavro raises many kinds
                raise InputError(f"not an Avro container file: {exc}", file=file) from None
            i = 0
            records = enumerate(reader, 1)
            while True:
                try:
                    i, rec = next(records)
                except StopIteration:
                    break
                except Exception as exc:  # noqa: BLE001
                    yield RowChunk(file, rows)
                    raise InputError(f"corrupt Avro data after record {i}: {exc}",
                                     file=file) from None
                rows.append(Row(i, rec, constant(rec)))
                if len(rows) >= PER_ROW_BATCH:
                    yield RowChunk(file, rows)
                    rows = []
                    self.progress(tap.pos - self._done)
                    self._done = tap.pos
            yield RowChunk(file, rows)
            self.progress(tap.pos - self._done)
