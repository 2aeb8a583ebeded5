"""Dask distributed reading of schemagen datasets (``import schemagen.dask``; extra ``dask``).

The client lists the files (partition folders that a filter rules out are pruned there,
never opened), and each task reads one file with :func:`schemagen.read` or
:func:`schemagen.read_arrow`, so projection, filter push-down to row-group statistics and
the per-file schema resolution (files written by other versions of the record) are exactly
those of the single-machine reader.  One partition is one file; a file is the unit the
dataset writer rolls, by ``block_size``.

Records travel to and from workers by pickling: the record class must be importable on
the workers under its module name (a compiled ``generated/`` package on their path).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..runtime.reader import files_to_read, read_arrow, result_schema
from ..runtime.reader import read as _read_records

__all__ = ["read", "read_dataframe"]

PathLike = str | os.PathLike[str]


def _dask() -> tuple[Any, Any, Any]:
    try:
        import dask
        import dask.bag
        import dask.dataframe
    except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
        raise UsageError(
            f"schemagen.dask needs Dask ({exc.name} is missing): "
            "pip install 'schemagen[dask]'") from None
    return dask, dask.bag, dask.dataframe


def _record_list(record_cls: type[Any], file: Path, columns: Sequence[str] | None,
                 filter: Any) -> list[Any]:
    return list(_read_records(record_cls, file, columns=columns, filter=filter))


def _frame(file: Path, record_cls: type[Any], columns: Sequence[str] | None,
           filter: Any) -> Any:
    return _to_pandas(read_arrow(record_cls, file, columns=columns, filter=filter))


def _to_pandas(table: Any) -> Any:
    import pandas as pd

    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _columns(columns: Sequence[str] | str | None) -> list[str] | None:
    if columns is None:
        return None
    return [columns] if isinstance(columns, str) else list(columns)


def read(record_cls: type[Any], path: PathLike | Sequence[PathLike],
         columns: Sequence[str] | str | None = None, filter: Any = None) -> Any:
    """A ``dask.bag.Bag`` of typed records, one partition per file under ``path``.

    ``columns`` and ``filter`` are those of :func:`schemagen.read` (the filter is checked
    against the record's field types here, on the client, before any task runs).
    """
    dask, bag, _ = _dask()
    cols = _columns(columns)
    files = files_to_read(record_cls, path, filter)
    if not files:
        return bag.from_sequence([], npartitions=1)
    task = dask.delayed(_record_list, pure=True)
    return bag.from_delayed([task(record_cls, f, cols, filter) for f in files])


def read_dataframe(record_cls: type[Any], path: PathLike | Sequence[PathLike],
                   columns: Sequence[str] | str | None = None, filter: Any = None) -> Any:
    """A dask dataframe of the record's columns (its own names, Arrow-backed dtypes:
    ``pandas.ArrowDtype``), one partition per file; nested records are struct columns."""
    _, _, dataframe = _dask()
    cols = _columns(columns)
    files = files_to_read(record_cls, path, filter)
    meta = _to_pandas(result_schema(record_cls, cols).empty_table())
    if not files:
        return dataframe.from_pandas(meta, npartitions=1)
    # a partial, not keywords of from_map: Dask reads ``columns=`` as its own projection
    task = partial(_frame, record_cls=record_cls, columns=cols, filter=filter)
    return dataframe.from_map(task, files, meta=meta, enforce_metadata=False)
