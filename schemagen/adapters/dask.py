"""Dask distributed writing and reading of schemagen datasets (``import schemagen.dask``;
extra ``dask``).

**Write.** Every partition of a ``dask.bag`` of records (or of a dask dataframe in the
record's Arrow schema) is written by one task, with a :class:`DatasetWriter`, into an
*attempt folder* of its own under a hidden staging folder (``major`` = the partition
number).  A task returns its files and row counts; the client then commits the files of
the attempts that succeeded, and only those, into the dataset with the storage layer's
no-clobber commit, and writes ``_SUCCESS``.  A task that is retried (a worker killed, a
lost result) writes a fresh attempt folder, and the dead attempt's files are never
committed: no duplicate, no missing rows.  ``mode="overwrite"`` commits into a new
generation that replaces the dataset in one step after the last file.  On any failure
nothing is committed, and the staging folder is removed.

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
import secrets
import shutil
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from .._pyarrow import pa, pq
from ..errors import UsageError
from ..runtime.dataset import DatasetWriter, partition_columns
from ..runtime.reader import files_to_read, read_arrow, result_schema
from ..runtime.reader import read as _read_records
from ..runtime.record import info_of
from ..runtime.storage import Generation, Storage, default_storage
from ..runtime.writer import as_path, writer_options

__all__ = ["read", "read_dataframe", "write"]

MODES = ("append", "overwrite", "error")

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


# ----------------------------------------------------------------------------- write


def _attempt(source: Any, index: int, record_cls: type[Any], staging: str,
             partition_by: Sequence[str], options: dict[str, Any]) -> list[tuple[str, int]]:
    """One task: partition ``index`` (records, or a pandas frame) into a fresh attempt
    folder; returns its files (relative to the staging folder) with their row counts."""
    folder = Path(staging) / f"{index}-{secrets.token_hex(8)}"
    with DatasetWriter(record_cls, folder, mode="append", partition_by=partition_by,
                       major=index, minor=0, **options) as dw:
        if isinstance(source, list):
            dw.write_many(source)
        else:
            table = pa.Table.from_pandas(source, schema=info_of(record_cls).arrow_schema(),
                                         preserve_index=False)
            dw.write_arrow(table)
    return [(f.relative_to(staging).as_posix(), pq.read_metadata(f).num_rows)
            for f in dw.files]


def _parts(data: Any) -> list[Any]:
    """The delayed partitions of a bag (as lists of records) or of a dask dataframe."""
    _, bag, dataframe = _dask()
    if isinstance(data, bag.Bag):
        return list(data.map_partitions(list).to_delayed())
    if isinstance(data, dataframe.DataFrame):
        return list(data.to_delayed())
    raise UsageError(f"schemagen.dask.write takes a dask.bag of records or a dask dataframe, "
                     f"got {type(data).__name__}")


def _check_target(target: Path, mode: str) -> None:
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder: a dataset is a folder")
    if mode == "error" and target.is_dir() and default_storage().list_committed(target):
        raise UsageError(f"{target} already holds a dataset (mode='error'); use "
                         "mode='append' or mode='overwrite'")


def _commit(storage: Storage, staging: Path, root: Path,
            results: Iterable[list[tuple[str, int]]]) -> list[tuple[Path, int]]:
    """Move the files of the successful attempts into ``root``, never clobbering (a taken
    name moves on to the next free index of the folder)."""
    committed: list[tuple[Path, int]] = []
    for files in results:
        for rel, rows in files:
            src = staging / rel
            inner = Path(*Path(rel).parts[1:])  # without the attempt folder
            storage.make_folder((root / inner).parent)
            staged = storage.stage(root / inner, scope="folder")
            os.replace(src, staged.where)
            committed.append((storage.commit(staged), rows))
    return committed


def _run_all(tasks: list[Any]) -> list[list[tuple[str, int]]]:
    """Every task's result; on a failure, the first error, raised only once every task
    has ended (no task may still be writing into the staging folder being removed)."""
    dask, _, _ = _dask()
    try:
        from distributed import default_client, wait

        client = default_client()  # type: ignore[no-untyped-call]
    except (ImportError, ValueError):  # no distributed client: the local scheduler
        return list(dask.compute(*tasks))
    futures = client.compute(tasks)
    wait(futures)  # type: ignore[no-untyped-call]
    return list(client.gather(futures))


def write(data: Any, record_cls: type[Any], path: str | os.PathLike[str], *,
          partition_by: Sequence[str] | str | None = (), mode: str = "append",
          **writer_options_: Any) -> list[tuple[Path, int]]:
    """Write a ``dask.bag`` of records or a dask dataframe to the dataset at ``path``.

    Returns the committed files with their row counts, in partition order.  Writer
    options are those of :class:`schemagen.DatasetWriter`.
    """
    dask, _, _ = _dask()
    target = as_path(path, "schemagen.dask.write")
    _check_target(target, mode)
    options = dict(writer_options(**writer_options_))
    keys = [c.name for c in partition_columns(info_of(record_cls), partition_by or ())]
    storage = default_storage()
    storage.make_folder(target.parent)
    staging = target.parent / f".{target.name}.dask-{secrets.token_hex(6)}"
    storage.make_folder(staging, exist_ok=False)
    generation: Generation | None = None
    try:
        task = dask.delayed(_attempt, pure=False)
        results = _run_all([task(p, i, record_cls, str(staging), keys, options)
                            for i, p in enumerate(_parts(data))])
        if mode == "overwrite":
            generation = storage.begin_overwrite(target)
            root = generation.folder
        else:
            storage.make_folder(target)
            root = target
        committed = _commit(storage, staging, root, results)
        storage.write_success(root, [f for f, _ in committed], sum(n for _, n in committed),
                              "schemagen.dask", record=info_of(record_cls).name, mode=mode,
                              partition_by=keys)
        if generation is not None:
            generation.commit()
            committed = [(target / f.relative_to(root), n) for f, n in committed]
        return committed
    except BaseException:
        if generation is not None:
            generation.abort()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
