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

import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .._pyarrow import pa, pq
from ..codegen.loader import Portable, from_portable, portable
from ..errors import UsageError
from ..runtime.dataset import DatasetWriter, partition_columns
from ..runtime.location import Location, locate, source_of
from ..runtime.objectstore import writer_id
from ..runtime.ranges import OutOfRange, policy
from ..runtime.reader import files_to_read, read_arrow, result_schema
from ..runtime.reader import read as _read_records
from ..runtime.record import info_of
from ..runtime.storage import FileName, Generation, Storage
from ..runtime.writer import writer_options

__all__ = ["convert", "read", "read_dataframe", "write"]

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
    name moves on to the next free index of the folder).  The attempt at position ``i`` of
    ``results`` gets the major ``i``.  On an object store: a server-side copy to
    ``{i}_{minor}_{index}.parquet`` (``minor``: this write's writer id, so no name is
    taken).  ``committed`` gets each file as it is done."""
    for major, files in enumerate(results):
        for rel, rows in files:
            src = staging / rel
            inner = Path(*Path(rel).parts[1:])  # without the attempt folder
            name = FileName.parse(inner.name)
            assert name is not None  # the attempt's DatasetWriter named it
            if storage.filesystem is not None:
                final = root / inner.with_name(str(FileName(major, minor, name.index)))
                storage.filesystem.copy_file(source_of(src), source_of(final))
                committed.append((final, rows))
                continue
            inner = inner.with_name(str(FileName(major, 0, name.index)))
            storage.make_folder((root / inner).parent)
            staged = storage.stage(root / inner, scope="folder")
            os.replace(src, staged.where)
            committed.append((storage.commit(staged), rows))


def _run_all(tasks: list[Any], done: Callable[[int], None] | None = None
             ) -> list[Any]:
    """Every task's result, in order; on a failure, the first error, raised only once
    every task has ended (no task may still be writing into the staging folder being
    removed).  ``done(i)`` is called as task ``i`` finishes (a progress bar)."""
    dask, _, _ = _dask()
    try:
        from distributed import as_completed, default_client, wait

        client = default_client()  # type: ignore[no-untyped-call]
    except (ImportError, ValueError):  # no distributed client: the local scheduler
        results = list(dask.compute(*tasks))
        for i in range(len(results) if done else 0):
            done(i)  # type: ignore[misc]
        return results
    futures = client.compute(tasks)
    if done is not None:
        where = {f.key: i for i, f in enumerate(futures)}
        for fut in as_completed(futures):  # type: ignore[no-untyped-call]
            done(where[fut.key])
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
    _check_target(loc.storage, loc.path, mode)
    options = dict(writer_options(**writer_options_))
    keys = [c.name for c in partition_columns(info_of(record_cls), partition_by or ())]
    parts = _parts(data)

    def run(staging: Path) -> list[list[tuple[str, int]]]:
        task = dask.delayed(_attempt, pure=False)
        return _run_all([task(p, i, record_cls, str(staging), keys, options, loc.filesystem)
                         for i, p in enumerate(parts)])

    return staged_write(loc, record_cls, mode, keys, run, "schemagen.dask")


def staged_write(loc: Location, record_cls: type[Any], mode: str, keys: list[str],
                 run: Callable[[Path], list[list[tuple[str, int]]]],
                 writer: str) -> list[tuple[Path, int]]:
    """The client side of a distributed write to ``loc``: a hidden staging folder for
    the tasks that ``run(staging)`` starts (it returns, per task that succeeded, its
    files relative to the staging folder with their row counts, in commit order), then
    the commit of exactly those files (one generation switch for ``overwrite``, an append
    record on an object store with a manifest), ``_SUCCESS``, and the staging folder
    removed on every path."""
    storage, target = loc.storage, loc.path
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
        results = run(staging)
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
        storage.write_success(root, files, rows, writer,
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


# ----------------------------------------------------------------------------- convert

DEFAULT_SPLIT_BYTES = 32 * 2**20
_FORMAT_SUFFIX = {"jsonl": ".jsonl", "json": ".json", "csv": ".csv", "avro": ".avro"}


@dataclass(frozen=True)
class _Block:
    """One task of a distributed convert: block ``number`` of input ``file`` (cut at a
    line break, or at an Avro sync marker), converted after ``prefix``
    (``prefix_lines`` lines of it): the CSV header, the Avro header, or a line break so
    that a block after the first does not start the file (a byte order mark there is
    data, as in the single-process convert)."""

    file: str
    fmt: str
    number: int  # of the block in its file
    prefix: bytes
    prefix_lines: int


@dataclass(frozen=True)
class _BlockResult:
    files: list[tuple[str, int]]
    rejects: list[str]  # JSON Lines of the block's rejects (its own line numbers)
    units: int  # lines (text) or records (Avro) in the block's own bytes
    rows: int
    quotes_odd: bool  # CSV: an odd number of '"' in the block's bytes
    ignored: dict[str, int]
    slow_rows: int


def _convert_block(data: bytes, block: _Block, index: int, record: Portable, staging: str,
                   keys: Sequence[str], conv: dict[str, Any], options: dict[str, Any],
                   filesystem: Any = None) -> _BlockResult:
    """One task: convert ``block`` into a fresh attempt folder of the staging folder, with
    the single-process converter (so rows, rejects and their reasons are those of
    ``schemagen convert``); the rejects come back with the block's own line numbers."""
    import tempfile

    from ..convert.pipeline import convert

    cls = from_portable(record)  # a class schemagen.load compiled comes with its source
    root = locate(staging, filesystem, who="schemagen convert --workers").path
    folder = root / f"{index}-{secrets.token_hex(8)}"
    with tempfile.TemporaryDirectory(prefix="schemagen-convert-") as tmp:
        src = Path(tmp) / f"block{_FORMAT_SUFFIX[block.fmt]}"
        src.write_bytes(block.prefix + data)
        rej = Path(tmp) / "rejects.jsonl"
        result = convert(cls, [src], source_of(folder) if filesystem is not None else folder,
                         input_format=block.fmt, rejects=rej, mode="append",
                         partition_by=keys, filesystem=filesystem, **conv, **options)
        rejects = rej.read_text(encoding="utf-8").splitlines()
    files = [(f.relative_to(root).as_posix(),
              pq.read_metadata(source_of(f), filesystem=filesystem).num_rows)
             for f in result.files if f.suffix == ".parquet"]
    units = (result.rows + result.rejected if block.fmt == "avro"
             else data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0))
    return _BlockResult(files, rejects, units, result.rows,
                        block.fmt == "csv" and data.count(b'"') % 2 == 1,
                        result.ignored_keys, result.rows_per_row_path)


def _blocks(files: list[tuple[Path, str]], split_bytes: int | None) -> list[tuple[_Block, Any]]:
    """The blocks of every input, in input order, each with the delayed read of its bytes
    (``dask.bytes.read_bytes``: cut at a line break, or at the Avro sync marker, and read
    on the worker).  JSON arrays (and, with ``split_bytes=None``, every file) are one
    block."""
    from dask.bytes.core import read_bytes

    out: list[tuple[_Block, Any]] = []
    for path, fmt in files:
        prefix, lines, delimiter = b"\n", 1, b"\n"
        size = split_bytes if fmt != "json" else None
        if fmt == "csv":
            with open(path, "rb") as f:
                prefix = f.readline()
            lines = 1
        elif fmt == "avro":
            from dask.bag.avro import read_header

            with open(path, "rb") as f:
                head = read_header(f)  # type: ignore[no-untyped-call]
            prefix, lines, delimiter = head["head_bytes"], 0, head["sync"]
        _, (reads,) = read_bytes(  # type: ignore[no-untyped-call]
            str(path), delimiter=delimiter, blocksize=size, sample=False)
        for k, read in enumerate(reads):
            first = k == 0
            out.append((_Block(str(path), fmt, k, b"" if first else prefix,
                               0 if first else lines), read))
    return out


def _whole(path: str) -> Any:
    from dask.bytes.core import read_bytes

    _, (reads,) = read_bytes(path, blocksize=None, sample=False)  # type: ignore[no-untyped-call]
    return reads[0]


def _merge_rejects(blocks: list[_Block], results: list[_BlockResult], sink: Any) -> None:
    """Every block's rejects, in input order, with the input's name and its own line
    (record) numbers: a block's lines follow the lines of the blocks before it."""
    from ..convert.rejects import Reject

    before = 0
    last_file = None
    for block, res in zip(blocks, results):
        if block.file != last_file:
            before, last_file = 0, block.file
        for text in res.rejects:
            j = json.loads(text)
            line = int(j["line"])
            sink.add(Reject(block.file, before + line - block.prefix_lines if line else 0,
                            j["path"], j["reason"], j["row"]))
        before += res.units


def _csv_redo(blocks: list[_Block], results: list[_BlockResult]) -> set[str]:
    """CSV files cut inside a quoted field (an odd number of quotes before a cut): their
    blocks are converted again as one block."""
    bad: set[str] = set()
    odd: dict[str, bool] = {}
    for block, res in zip(blocks, results):
        if block.fmt != "csv":
            continue
        if odd.get(block.file):  # the previous cut of this file was inside quotes
            bad.add(block.file)
        odd[block.file] = odd.get(block.file, False) ^ res.quotes_odd
    return bad


def convert(record_cls: type[Any], inputs: Sequence[Any],
            out: str | os.PathLike[str], *, input_format: str | None = None,
            rejects: str | os.PathLike[str] | None = None, unknown_fields: str = "reject",
            mode: str | None = None, partition_by: Sequence[str] = (),
            progress: Callable[[int], None] | None = None, chunk_bytes: int | None = None,
            csv_delimiter: str = ",", filesystem: Any = None,
            split_bytes: int | None = DEFAULT_SPLIT_BYTES,
            **writer_options_: Any) -> Any:
    """:func:`schemagen.convert.convert` on a Dask cluster (the default client, or Dask's
    local scheduler): each input is cut into line-aligned byte ranges of about
    ``split_bytes`` (Avro containers at their sync markers; a JSON array is one range)
    with ``dask.bytes.read_bytes``, every range is converted by one task into the staging
    folder, and the client commits the files of the tasks that succeeded and writes one
    rejects file, in input order, with the input's own line numbers.  ``out`` is a
    dataset folder (or URI).  ``progress(n)``: input bytes done, as tasks finish."""
    from ..convert.pipeline import ConvertResult, _check_delimiter, check_outputs
    from ..convert.rejects import RejectsFile

    started = time.perf_counter()
    loc = locate(out, filesystem, who="convert --out")
    if loc.path.suffix == ".parquet":
        raise UsageError(f"--out {out}: a distributed convert writes a dataset folder, one "
                         "file per task; give a folder (a path without .parquet)")
    rejects_path = Path(rejects) if rejects is not None else None
    given = _regular_inputs(inputs)
    check_outputs(loc.path, rejects_path, [p for p, _ in given], mode, partition_by,
                  loc.storage)
    _check_delimiter(csv_delimiter)
    files = _formats(given, input_format)
    info = info_of(record_cls)
    options = dict(writer_options(**writer_options_))
    keys = [c.name for c in partition_columns(info, partition_by)]
    conv: dict[str, Any] = {"unknown_fields": unknown_fields, "csv_delimiter": csv_delimiter}
    if chunk_bytes is not None:
        conv["chunk_bytes"] = chunk_bytes
    blocks = _blocks(files, split_bytes)
    sizes = {str(p): size for p, size in given}
    holder: list[list[_BlockResult]] = []

    def run(staging: Path) -> list[list[tuple[str, int]]]:
        results = _convert_all(blocks, portable(info.cls), staging, keys, conv, options,
                               loc.filesystem, sizes, progress)
        holder.append(results)
        return [r.files for r in results]

    sink = RejectsFile(rejects_path)
    try:
        committed = staged_write(loc, record_cls, mode or "append", keys, run,
                                 "schemagen convert")
        results = holder[0]
        _merge_rejects([b for b, _ in blocks], results, sink)
    except BaseException:
        sink.abort()
        raise
    sink.close()
    ignored: dict[str, int] = {}
    for r in results:
        for k, n in r.ignored.items():
            ignored[k] = ignored.get(k, 0) + n
    return ConvertResult(rows=sum(r.rows for r in results), rejected=sink.count,
                         files=[f for f, _ in committed],
                         seconds=time.perf_counter() - started,
                         ignored_keys=dict(sorted(ignored.items())), first_rejects=sink.first,
                         rows_per_row_path=sum(r.slow_rows for r in results))


def _regular_inputs(inputs: Sequence[Any]) -> list[tuple[Path, int]]:
    """The inputs (paths, or ``convert``'s input files) with their sizes: regular files
    only, since each task reads its own byte range of them."""
    from ..convert.sources.inputs import input_files

    out = []
    for f in input_files(list(inputs)):
        if f.stream or f.path is None or f.size is None:
            raise UsageError(f"{f.name}: a distributed convert cuts its inputs into byte "
                             "ranges that the workers read, so it takes regular files only; "
                             "convert a stream (-, a pipe) without --workers/--scheduler")
        out.append((f.path, f.size))
    return out


def _formats(given: list[tuple[Path, int]], input_format: str | None) -> list[tuple[Path, str]]:
    """Each input's format, checked from its first bytes as the single-process convert
    checks it (a Parquet file, compressed or binary data ... is exit 2 before any task)."""
    from ..convert.pipeline import _close, _inputs
    from ..convert.sources.inputs import input_files

    opened = input_files([p for p, _ in given])
    try:
        checked = _inputs(opened, input_format)
    finally:
        _close(opened)
    out = []
    for (path, _), (_, fmt) in zip(given, checked):
        assert fmt is not None  # regular files are all checked up front
        out.append((path, fmt))
    return out


def _convert_all(blocks: list[tuple[_Block, Any]], record: Portable, staging: Path,
                 keys: list[str], conv: dict[str, Any], options: dict[str, Any],
                 filesystem: Any, sizes: dict[str, int],
                 progress: Callable[[int], None] | None) -> list[_BlockResult]:
    """Run every block's task (and, for CSV files cut inside quotes, one task for the
    whole file instead of its blocks); the blocks' list is updated to match."""
    dask, _, _ = _dask()
    task = dask.delayed(_convert_block, pure=False)
    per_file: dict[str, int] = {}
    for b, _ in blocks:
        per_file[b.file] = per_file.get(b.file, 0) + 1

    def done(i: int) -> None:  # a block's share of its file's bytes (they add up)
        if progress is not None:
            b = blocks[i][0]
            size, n = sizes[b.file], per_file[b.file]
            progress(size * (b.number + 1) // n - size * b.number // n)

    results = _run_all([task(read, b, i, record, str(staging), keys, conv, options,
                             filesystem) for i, (b, read) in enumerate(blocks)],
                       done if progress is not None else None)
    redo = _csv_redo([b for b, _ in blocks], results)
    if redo:
        again = [i for i, (b, _) in enumerate(blocks) if b.file in redo and b.number == 0]
        whole = _run_all([task(_whole(blocks[i][0].file), blocks[i][0], i, record,
                               str(staging), keys, conv, options, filesystem)
                          for i in again])
        keep = [(b, r) for (b, _), r in zip(blocks, results) if b.file not in redo]
        for i, r in zip(again, whole):
            keep.append((blocks[i][0], r))
        order = {str(p): n for n, p in enumerate(dict.fromkeys(b.file for b, _ in blocks))}
        keep.sort(key=lambda br: (order[br[0].file], br[0].number))
        reads = {(b.file, b.number): r for b, r in blocks}
        blocks[:] = [(b, reads[(b.file, b.number)]) for b, _ in keep]
        results = [r for _, r in keep]
    return results
