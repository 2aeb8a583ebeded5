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

**Object stores.** ``path`` may be a URI (``s3://bucket/sales/``) and ``filesystem=`` a
``pyarrow.fs`` or fsspec file system; it is pickled to the workers.  The staging folder
is then ``_schemagen/dask-{token}/`` inside the dataset (hidden from readers), and the
client publishes each successful attempt's files by a server-side copy to
``{partition}_{writer id}_{index}.parquet`` (one writer id per call: names never collide
with other writers), then commits like a ``DatasetWriter`` of the object store: an append
record when the dataset has a manifest, a manifest switch for ``overwrite``.
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
from ..runtime.location import locate, source_of
from ..runtime.objectstore import writer_id
from ..runtime.ranges import OutOfRange, policy
from ..runtime.reader import files_to_read, read_arrow, result_schema
from ..runtime.reader import read as _read_records
from ..runtime.record import info_of
from ..runtime.storage import FileName, Generation, Storage
from ..runtime.writer import writer_options

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
                 filter: Any, filesystem: Any = None,
                 out_of_range: OutOfRange = "error") -> list[Any]:
    return list(_read_records(record_cls, file, columns=columns, filter=filter,
                              filesystem=filesystem, out_of_range=out_of_range))


def _frame(file: Path, record_cls: type[Any], columns: Sequence[str] | None,
           filter: Any, filesystem: Any = None, out_of_range: OutOfRange = "error") -> Any:
    return _to_pandas(read_arrow(record_cls, file, columns=columns, filter=filter,
                                 filesystem=filesystem, out_of_range=out_of_range))


def _filesystem(path: PathLike | Sequence[PathLike], filesystem: Any) -> Any:
    """The pyarrow file system the tasks read ``path`` with (None: local files)."""
    first = path[0] if isinstance(path, (list, tuple)) and path else path
    if isinstance(first, (list, tuple)):
        return None  # an empty list: nothing is read
    return locate(first, filesystem, who="schemagen.dask.read").filesystem


def _to_pandas(table: Any) -> Any:
    import pandas as pd

    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _columns(columns: Sequence[str] | str | None) -> list[str] | None:
    if columns is None:
        return None
    return [columns] if isinstance(columns, str) else list(columns)


def read(record_cls: type[Any], path: PathLike | Sequence[PathLike],
         columns: Sequence[str] | str | None = None, filter: Any = None,
         filesystem: Any = None, out_of_range: OutOfRange = "error") -> Any:
    """A ``dask.bag.Bag`` of typed records, one partition per file under ``path`` (a local
    path or a URI; ``filesystem``: a ``pyarrow.fs`` or fsspec file system for it).

    ``columns``, ``filter`` and ``out_of_range`` are those of :func:`schemagen.read` (the
    filter is checked against the record's field types here, on the client, before any
    task runs).
    """
    dask, bag, _ = _dask()
    policy(out_of_range)
    cols = _columns(columns)
    files = files_to_read(record_cls, path, filter, filesystem)
    if not files:
        return bag.from_sequence([], npartitions=1)
    fs = _filesystem(path, filesystem)
    task = dask.delayed(_record_list, pure=True)
    return bag.from_delayed([task(record_cls, f, cols, filter, fs, out_of_range)
                             for f in files])


def read_dataframe(record_cls: type[Any], path: PathLike | Sequence[PathLike],
                   columns: Sequence[str] | str | None = None, filter: Any = None,
                   filesystem: Any = None, out_of_range: OutOfRange = "error") -> Any:
    """A dask dataframe of the record's columns (its own names, Arrow-backed dtypes:
    ``pandas.ArrowDtype``), one partition per file; nested records are struct columns.
    ``out_of_range`` is that of :func:`schemagen.read_arrow`."""
    _, _, dataframe = _dask()
    policy(out_of_range)
    cols = _columns(columns)
    files = files_to_read(record_cls, path, filter, filesystem)
    meta = _to_pandas(result_schema(record_cls, cols).empty_table())
    if not files:
        return dataframe.from_pandas(meta, npartitions=1)
    # a partial, not keywords of from_map: Dask reads ``columns=`` as its own projection
    task = partial(_frame, record_cls=record_cls, columns=cols, filter=filter,
                   filesystem=_filesystem(path, filesystem), out_of_range=out_of_range)
    return dataframe.from_map(task, files, meta=meta, enforce_metadata=False)


# ----------------------------------------------------------------------------- write


def _attempt(source: Any, index: int, record_cls: type[Any], staging: str,
             partition_by: Sequence[str], options: dict[str, Any],
             filesystem: Any = None) -> list[tuple[str, int]]:
    """One task: partition ``index`` (records, or a pandas frame) into a fresh attempt
    folder; returns its files (relative to the staging folder) with their row counts."""
    root = locate(staging, filesystem, who="schemagen.dask.write").path
    folder = root / f"{index}-{secrets.token_hex(8)}"
    with DatasetWriter(record_cls, folder, mode="append", partition_by=partition_by,
                       major=index, minor=0, filesystem=filesystem, **options) as dw:
        if isinstance(source, list):
            dw.write_many(source)
        else:
            table = pa.Table.from_pandas(source, schema=info_of(record_cls).arrow_schema(),
                                         preserve_index=False)
            dw.write_arrow(table)
    return [(f.relative_to(root).as_posix(),
             pq.read_metadata(source_of(f), filesystem=filesystem).num_rows)
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


def _check_target(storage: Storage, target: Path, mode: str) -> None:
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    kind = storage.kind(target)
    if kind == "file":
        raise UsageError(f"{target} exists and is not a folder: a dataset is a folder")
    if mode == "error" and kind == "dir" and storage.list_committed(target):
        raise UsageError(f"{target} already holds a dataset (mode='error'); use "
                         "mode='append' or mode='overwrite'")


def _commit(storage: Storage, staging: Path, root: Path,
            results: Iterable[list[tuple[str, int]]], minor: int,
            committed: list[tuple[Path, int]]) -> None:
    """Move the files of the successful attempts into ``root``, never clobbering (a taken
    name moves on to the next free index of the folder).  On an object store: a
    server-side copy to ``{major}_{minor}_{index}.parquet`` (``minor``: this write's
    writer id, so no name is taken).  ``committed`` gets each file as it is done."""
    for files in results:
        for rel, rows in files:
            src = staging / rel
            inner = Path(*Path(rel).parts[1:])  # without the attempt folder
            if storage.filesystem is not None:
                name = FileName.parse(inner.name)
                assert name is not None  # the attempt's DatasetWriter named it
                final = root / inner.with_name(str(FileName(name.major, minor, name.index)))
                storage.filesystem.copy_file(source_of(src), source_of(final))
                committed.append((final, rows))
                continue
            storage.make_folder((root / inner).parent)
            staged = storage.stage(root / inner, scope="folder")
            os.replace(src, staged.where)
            committed.append((storage.commit(staged), rows))


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
          filesystem: Any = None, **writer_options_: Any) -> list[tuple[Path, int]]:
    """Write a ``dask.bag`` of records or a dask dataframe to the dataset at ``path`` (a
    local path or a URI; ``filesystem``: a ``pyarrow.fs`` or fsspec file system for it).

    Returns the committed files with their row counts, in partition order.  Writer
    options are those of :class:`schemagen.DatasetWriter`.
    """
    dask, _, _ = _dask()
    loc = locate(path, filesystem, who="schemagen.dask.write")
    storage, target = loc.storage, loc.path
    _check_target(storage, target, mode)
    options = dict(writer_options(**writer_options_))
    keys = [c.name for c in partition_columns(info_of(record_cls), partition_by or ())]
    parts = _parts(data)
    if loc.local:
        storage.make_folder(target.parent)
        staging = target.parent / f".{target.name}.dask-{secrets.token_hex(6)}"
    else:
        staging = target / "_schemagen" / f"dask-{secrets.token_hex(6)}"
    storage.make_folder(staging, exist_ok=False)
    # an object store's append: this write's writer id, and the dataset's generation now
    claim = storage.claim_pair(target, 0, None) if not loc.local and mode != "overwrite" \
        else None
    generation: Generation | None = None
    committed: list[tuple[Path, int]] = []
    try:
        task = dask.delayed(_attempt, pure=False)
        results = _run_all([task(p, i, record_cls, str(staging), keys, options,
                                 loc.filesystem) for i, p in enumerate(parts)])
        if mode == "overwrite":
            generation = storage.begin_overwrite(target)
            root = generation.folder
        else:
            storage.make_folder(target)
            root = target
        _commit(storage, staging, root, results,
                claim.minor if claim is not None else writer_id(), committed)
        files = [f for f, _ in committed]
        rows = sum(n for _, n in committed)
        if claim is not None:
            try:
                storage.finish_append(root, files, claim, rows)
            except BaseException:
                storage.remove(files)
                raise
        storage.write_success(root, files, rows, "schemagen.dask",
                              record=info_of(record_cls).name, mode=mode, partition_by=keys)
        if generation is not None:
            generation.commit(files)
            committed = [(target / f.relative_to(root), n) for f, n in committed]
        return committed
    except BaseException:
        if generation is not None:
            generation.abort([f for f, _ in committed])
        raise
    finally:
        if claim is not None:
            claim.release()
        _remove_staging(storage, staging)


def _remove_staging(storage: Storage, staging: Path) -> None:
    if storage.filesystem is None:
        shutil.rmtree(staging, ignore_errors=True)
        return
    try:
        storage.filesystem.delete_dir(source_of(staging))
    except OSError:  # pragma: no cover - nothing was staged
        pass
