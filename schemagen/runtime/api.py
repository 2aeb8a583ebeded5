"""The public runtime API: ``schemagen.write``, ``ParquetWriter``, ``read``, ``read_arrow``."""

from __future__ import annotations

import os
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .reader import read, read_arrow
from .writer import ParquetWriter

__all__ = ["ParquetWriter", "read", "read_arrow", "write"]


def write(records: Iterable[Any], path: str | os.PathLike[str], **options: Any) -> Path:
    """Write generated records to ``path`` and return the file written.

    ``path`` ending in ``.parquet`` is one file; anything else is a dataset
    folder, where the records go to a new file ``0_0_<n>.parquet`` (``n`` one
    past the highest already there) so earlier files are never touched.  The
    record class is taken from the first record.  All or nothing: if any
    record is invalid, nothing is committed.
    """
    rest: Iterable[Any]
    if isinstance(records, list):
        if not records:
            raise UsageError("schemagen.write needs at least one record (the class comes from it)")
        first, rest = records[0], records
    else:
        it = iter(records)
        try:
            first = next(it)
        except StopIteration:
            raise UsageError(
                "schemagen.write needs at least one record (the class comes from it)"
            ) from None
        rest = chain([first], it)
    target = Path(path)
    next_name = None
    if target.suffix != ".parquet":
        target.mkdir(parents=True, exist_ok=True)
        target = target / f"0_0_{_next_index(target)}.parquet"
        next_name = _following
    with ParquetWriter(type(first), target, _next_name=next_name, **options) as w:
        w.write_many(rest)
    return w.path


def _next_index(folder: Path) -> int:
    taken = [
        int(p.stem.rsplit("_", 1)[-1])
        for p in folder.glob("0_0_*.parquet")
        if p.stem.rsplit("_", 1)[-1].isdigit()
    ]
    return max(taken, default=-1) + 1


def _following(path: Path) -> Path:
    """The next free ``0_0_<n>.parquet`` beside ``path`` (another writer took ``path``)."""
    return path.with_name(f"0_0_{_next_index(path.parent)}.parquet")
