"""The public runtime API: ``schemagen.write``, ``ParquetWriter``, ``read``, ``read_arrow``."""

from __future__ import annotations

import os
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .dataset import DatasetWriter, partitioning
from .location import locate_with
from .reader import read, read_arrow
from .writer import ParquetWriter

__all__ = ["DatasetWriter", "ParquetWriter", "partitioning", "read", "read_arrow", "write"]

_DATASET_ONLY = ("mode", "partition_by", "major", "minor", "max_open_files")


def write(records: Iterable[Any], path: str | os.PathLike[str], *, filesystem: Any = None,
          **options: Any) -> Path:
    """Write generated records to ``path`` and return the (first) file written.

    ``path`` is a local path or a URI (``s3://bucket/sales/``, ``gs://``, ``abfs://``,
    ``file://``); ``filesystem`` a ``pyarrow.fs`` or fsspec file system for it
    (endpoint, credentials).  An object-store path prints as its URI.

    ``path`` ending in ``.parquet`` is one file (replaced if it exists).
    Anything else is a dataset folder written by :class:`DatasetWriter`
    (options ``mode``, ``partition_by``, ``major``, ``minor`` besides the
    writer options): new ``{major}_{minor}_{index}.parquet`` files, ``0_0_0``
    first, so earlier files are never touched.  The record class is taken
    from the first record.  All or nothing: if any record is invalid, nothing
    is committed.
    """
    rest: Iterable[Any]
    if type(records).__module__.startswith("pyarrow"):
        raise UsageError(
            f"schemagen.write takes generated records, got a {type(records).__name__}; write "
            "Arrow data with ParquetWriter(Record, path).write_arrow(...) or "
            "DatasetWriter(Record, path).write_arrow(...)")
    if not isinstance(records, Iterable) or isinstance(records, (str, bytes, dict)):
        raise UsageError(f"schemagen.write takes an iterable of generated records, got "
                         f"{type(records).__name__}")
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
    loc = locate_with(path, filesystem, options.get("storage"), who="schemagen.write")
    target = loc.path
    if loc.filesystem is not None:
        options["filesystem"] = loc.filesystem
    if target.suffix == ".parquet":
        given = sorted(set(options) & set(_DATASET_ONLY))
        if given:
            raise UsageError(
                f"{', '.join(given)}: dataset option(s), but {target} names one .parquet file; "
                "give a folder to write a dataset")
        with ParquetWriter(type(first), target, **options) as w:
            w.write_many(rest)
        return w.path
    with DatasetWriter(type(first), target, **options) as dw:
        dw.write_many(rest)
    files = dw.files
    return files[0] if files else target
