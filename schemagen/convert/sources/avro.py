"""Avro container files: every record goes through the per-row path (fastavro decodes
it to Python values already; the location of a row is its record number)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from schemagen.errors import InputError, UsageError

from .base import PER_ROW_BATCH, Chunk, Row, RowChunk, constant


class AvroSource:
    def __init__(self, path: Path, progress: Callable[[int], None]) -> None:
        self.path = path
        self.file = str(path)
        self.progress = progress

    def chunks(self) -> Iterator[Chunk]:
        try:
            import fastavro
        except ImportError:  # pragma: no cover - a declared dependency
            raise UsageError("reading Avro files needs fastavro (pip install fastavro)") from None
        file = self.file
        rows: list[Row] = []
        with open(self.path, "rb") as f:
            try:
                reader = fastavro.reader(f)
            except Exception as exc:  # noqa: BLE001 - fastavro raises many kinds
                raise InputError(f"not an Avro container file: {exc}", file=file) from None
            pos = 0
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
                    now = f.tell()
                    self.progress(now - pos)
                    pos = now
            yield RowChunk(file, rows)
            self.progress(os.path.getsize(self.path) - pos)
