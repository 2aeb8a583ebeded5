"""The driver: :func:`convert` opens the writer and the rejects file, and a
:class:`Converter` takes each input's chunks (``sources``) through the fast cast
(``fastcast``) and the per-row path (``coerce``) to Arrow batches, in input order."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np

from schemagen._pyarrow import pa
from schemagen.errors import InputError, UsageError
from schemagen.runtime.location import locate
from schemagen.runtime.record import info_of
from schemagen.runtime.storage import Storage, default_storage

from .coerce import RowCoercer
from .fastcast import FastCaster
from .plan import UnknownFields, fast_ok, plan_record
from .rejects import BadValue, Reject, RejectsFile, show
from .sources import sniff
from .sources.avro import AvroSource
from .sources.base import DEFAULT_CHUNK_BYTES, ArrowChunk, Row, RowChunk, Source
from .sources.csv import CsvSource
from .sources.inputs import InputFile, as_input, input_files
from .sources.json_array import JsonArraySource
from .sources.jsonl import JsonLinesSource, ReadTypes

INPUT_FORMATS: Final = ("jsonl", "json", "csv", "avro")
_EXTENSIONS: Final = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
                      ".avro": "avro"}


@dataclass
class ConvertResult:
    rows: int = 0  # rows written
    rejected: int = 0
    files: list[Path] = field(default_factory=list)  # Parquet files committed
    seconds: float = 0.0
    ignored_keys: dict[str, int] = field(default_factory=dict)  # --unknown-fields ignore
    first_rejects: list[Reject] = field(default_factory=list)  # up to 20, for messages
    rows_per_row_path: int = 0  # rows the fast path left to the per-row path


class Converter:
    """Converts parsed input to Arrow batches of ``record_cls`` and hands them to ``sink``."""

    def __init__(self, record_cls: Any, sink: Callable[[Any], None],
                 rejects: Callable[[Reject], None], *, unknown_fields: UnknownFields = "reject",
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                 progress: Callable[[int], None] | None = None) -> None:
        if unknown_fields not in ("reject", "ignore"):
            raise UsageError(f"unknown_fields must be 'reject' or 'ignore', got {unknown_fields!r}")
        self.info = info_of(record_cls)
        self.schema = self.info.arrow_schema()
        self.sink = sink
        self.reject = rejects
        self.unknown: UnknownFields = unknown_fields
        self.chunk_bytes = max(int(chunk_bytes), 1024)
        self.progress = progress or (lambda n: None)
        self.ignored: dict[str, int] = {}
        self.node = plan_record(self.info)
        self.fast = fast_ok(self.node)
        self.rows = 0
        self.slow_rows = 0
        self.coercer = RowCoercer(self.unknown, self.ignored)
        self.caster = FastCaster(self.unknown, self.ignored)
        self.read_types = ReadTypes(self.node)  # JSON Lines: kept from file to file
        self.sink_pool: Any = None  # a ThreadPoolExecutor(1): the sink runs there
        self._in_flight: Any = None

    # ------------------------------------------------------------------ inputs

    def json_lines(self, src: InputFile | Path) -> None:
        self.run(JsonLinesSource(as_input(src), self.read_types, fast=self.fast,
                                 chunk_bytes=self.chunk_bytes, progress=self.progress))

    def json_array(self, src: InputFile | Path) -> None:
        self.run(JsonArraySource(as_input(src), self.chunk_bytes, self.progress))

    def csv(self, src: InputFile | Path, delimiter: str = ",") -> None:
        self.run(CsvSource(as_input(src), self.node, delimiter, self.chunk_bytes,
                           self.progress))

    def avro(self, src: InputFile | Path) -> None:
        self.run(AvroSource(as_input(src), self.progress))

    def run(self, source: Source) -> None:
        """Every chunk of ``source``, in order."""
        chunks = source.chunks()
        try:
            for chunk in chunks:
                if isinstance(chunk, RowChunk):
                    self._rows(chunk)
                elif isinstance(chunk, ArrowChunk):
                    self._arrow(chunk)
                else:
                    self.reject(chunk)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    # ------------------------------------------------------------------ output

    def _emit(self, batch: Any) -> None:
        if not batch.num_rows:
            return
        self.rows += batch.num_rows
        if self.sink_pool is None:
            self.sink(batch)
            return
        # the writer encodes the previous batch (GIL released) while the next one is cast;
        # one batch in flight at most, in order
        self.finish()
        self._in_flight = self.sink_pool.submit(self.sink, batch)

    def finish(self) -> None:
        """Wait until the writer took every batch (raises what the writer raised)."""
        fut, self._in_flight = self._in_flight, None
        if fut is not None:
            fut.result()

    def _struct_to_batch(self, arr: Any) -> Any:
        cols = [arr.field(i) for i in range(arr.type.num_fields)]
        return pa.RecordBatch.from_arrays(cols, schema=self.schema)

    # ------------------------------------------------------------------ chunks

    def _rows(self, chunk: RowChunk) -> None:
        if chunk.rows:
            batch, _ = self._slow(chunk.rows, chunk.file)
            if batch is not None:
                self._emit(batch)

    def _arrow(self, chunk: ArrowChunk) -> None:
        arr, bad = self.caster.record(self.node, chunk.values, "")
        if chunk.doubtful is not None:
            bad |= chunk.doubtful
        if not self.fast:  # records the fast path cannot build (or the reference, in tests)
            bad[:] = True
        if not bad.any():
            self.caster.counted(bad)
            self._emit(self._struct_to_batch(arr))
            return
        bad_idx = np.flatnonzero(bad).tolist()
        rows = chunk.rows(bad_idx)
        if rows is None:  # the source cannot tell which input rows these are
            assert chunk.fallback is not None
            self.caster.pending = []
            for part in chunk.fallback():
                self._rows(part)
            return
        self.caster.counted(bad)
        batch = self._struct_to_batch(arr)
        slow, kept = self._slow(rows, chunk.file)
        self._merge(batch, ~bad, slow, [bad_idx[k] for k in kept])

    # ------------------------------------------------------------------ per-row

    def _slow(self, items: Sequence[Row], file: str) -> Any:
        """Returns (batch or None, indexes of ``items`` kept).

        Rejects are reported in input order."""
        records: list[Any] = []
        kept: list[int] = []
        rejected: list[tuple[int, Reject]] = []
        for idx, (line, raw, parse) in enumerate(items):
            try:
                value = parse()
                records.append(self.coercer.row(self.node, value))
            except BadValue as exc:
                rejected.append((idx, Reject(file, line, exc.path, exc.reason, raw)))
                continue
            except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
                # not foreseen by the casts above: the row is rejected, never lost
                rejected.append((idx, Reject(file, line, "", f"cannot convert: "
                                             f"{type(exc).__name__}: {exc}", raw)))
                continue
            kept.append(idx)
        self.slow_rows += len(items)
        batch = None
        if records:
            batch, bad = self._to_batch(records)
            if bad:
                rejected.extend(self._located(records, bad, items, kept, file))
                kept = [k for j, k in enumerate(kept) if j not in bad]
        for _, r in sorted(rejected, key=lambda x: x[0]):
            self.reject(r)
        return batch, kept

    def _located(self, records: list[Any], bad: set[int], items: Sequence[Row],
                 kept: list[int], file: str) -> Iterator[tuple[int, Reject]]:
        """Rejects for the records the generated converter refused, located by the
        runtime's checker."""
        from schemagen.runtime.validate import locate

        root, types = self.info.ir
        for i in sorted(bad):
            probs = locate(types, root, [records[i]], 0)
            p = probs[0] if probs else None
            line, raw, _ = items[kept[i]]
            yield kept[i], Reject(file, line, p.path if p else "",
                                  f"expected {p.expected}, got {show(p.value)}" if p
                                  else "not convertible", raw)

    def _to_batch(self, records: list[Any]) -> tuple[Any, set[int]]:
        try:
            return self.info.to_batch(records, self.schema), set()
        except Exception:  # noqa: BLE001 - find the records at fault one by one
            bad: set[int] = set()
            good = []
            for i, r in enumerate(records):
                try:
                    self.info.to_batch([r], self.schema)
                    good.append(r)
                except Exception:  # noqa: BLE001
                    bad.add(i)
            if not good:
                return None, bad
            return self.info.to_batch(good, self.schema), bad

    def _merge(self, fast: Any, good: Any, slow: Any, slow_idx: list[int]) -> None:
        """Write the fast rows (where ``good``) and the per-row ones, in input order."""
        fast_idx = np.flatnonzero(good)
        parts = []
        if len(fast_idx):
            parts.append(fast.filter(pa.array(good)) if len(fast_idx) < len(good) else fast)
        if slow is not None and len(slow_idx):
            parts.append(slow)
        if not parts:
            return
        if len(parts) == 1:
            self._emit(parts[0])
            return
        order = np.argsort(np.concatenate([fast_idx, np.asarray(slow_idx)]), kind="stable")
        table = pa.Table.from_batches(parts, schema=self.schema).take(pa.array(order))
        for b in table.combine_chunks().to_batches():
            self._emit(b)


# --------------------------------------------------------------------------- entry point


def input_format_of(src: InputFile | Path, given: str | None) -> str:
    """``given``, else by the extension (``.json``: an array if it starts with ``[``,
    else JSON Lines, as Drill reads it), else by the first bytes (``-`` among them: an
    Avro container by its magic number, a JSON array, else JSON Lines)."""
    if given:
        if given not in INPUT_FORMATS:
            raise UsageError(f"unknown input format {given!r}; known: {', '.join(INPUT_FORMATS)}")
        return given
    f = as_input(src)
    fmt = None if f.path is None else _EXTENSIONS.get(f.path.suffix.lower())
    if fmt is None:
        return sniff.detect(f.head())
    if fmt == "json":
        return "json" if sniff.detect(f.head()) == "json" else "jsonl"
    return fmt


def _checked_format(f: InputFile, given: str | None) -> str:
    """The input's format, checked against its first bytes (exit 2 when it is not)."""
    fmt = input_format_of(f, given)
    sniff.check(f.name, f.head(), fmt)
    return fmt


def _check_paths(paths: list[Path], target: Path, single: bool, rejects: Path | None) -> None:
    """The output and the rejects file must not replace an input (or each other), and
    the rejects file must not land in the dataset folder (readers would take it for data)."""
    ins = {p.resolve(): p for p in paths}
    out = target.resolve()
    if out in ins:
        raise UsageError(f"--out {target} is also an input file")
    if rejects is None:
        return
    rej = Path(rejects).resolve()
    if rej in ins:
        raise UsageError(f"--rejects {rejects} is also an input file (it would be replaced)")
    if rej == out:
        raise UsageError(f"--rejects {rejects} is also the --out path")
    if not single and out in rej.parents:
        raise UsageError(f"--rejects {rejects} is inside the dataset folder {target}; "
                         "readers of the dataset would take it for data")


def _inputs(inputs: list[InputFile],
            input_format: str | None) -> list[tuple[InputFile, str | None]]:
    """The inputs and their formats, every one checked before anything is read.  The
    first bytes of every regular file and of the first stream are checked too (they
    must be the format they are read as); a later stream is checked when its turn comes
    (its writer may be waiting for the earlier inputs to be read)."""
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {input_format!r}; known: "
                         f"{', '.join(INPUT_FORMATS)}")
    out: list[tuple[InputFile, str | None]] = []
    first_stream = True
    try:
        for f in inputs:
            now = first_stream or not f.stream
            first_stream = first_stream and not f.stream
            out.append((f, _checked_format(f, input_format) if now else None))
            f.checked()
    except BaseException:
        _close(inputs)
        raise
    return out


def check_outputs(target: Path, rejects: Path | None, inputs: list[Path], mode: str | None,
                  partition_by: Sequence[str], storage: Storage | None = None) -> None:
    """Every output path, checked before any input is read (a bad one is exit 2 with
    nothing written): the modes, that each path can be written where it is, and that
    the outputs do not replace an input or each other.  ``storage``: where ``target``
    is (default the local file system; an object store's --out cannot be an input or the
    rejects file, which are local)."""
    store = storage if storage is not None else default_storage()
    _check_output(target, mode, partition_by, store)
    single = target.suffix == ".parquet"
    if store.filesystem is None:
        _check_paths(inputs, target, single, rejects)
        _check_writable(target, "--out", single)
    if rejects is not None:
        _check_writable(rejects, "--rejects", True)


def _check_writable(path: Path, what: str, file: bool) -> None:
    """``path`` (a file if ``file``, else a folder) can be created or replaced: it is
    not the other kind, and its nearest existing folder is a writable folder."""
    if file and path.is_dir():
        raise UsageError(f"{what} {path} is a folder; give a file name")
    if not file and path.exists() and not path.is_dir():
        raise UsageError(f"{what} {path} is a file, not a dataset folder (a .parquet name "
                         "writes one file)")
    above = path.parent if file or not path.exists() else path
    while not above.exists() and above != above.parent:
        above = above.parent
    if not above.is_dir():
        raise UsageError(f"{what} {path}: cannot create it, {above} is a file")
    if not os.access(above, os.W_OK | os.X_OK):
        raise UsageError(f"{what} {path}: cannot write in {above} (permission denied)")


def _check_output(target: Path, mode: str | None, partition_by: Sequence[str],
                  storage: Storage) -> None:
    if target.suffix == ".parquet":
        if partition_by:
            raise UsageError(f"--partition-by applies to a dataset folder; {target} names "
                             "one .parquet file")
        if mode == "append":
            raise UsageError(f"cannot append to the single Parquet file {target}: write a "
                             "dataset folder (an --out path without .parquet) to append")
        if mode == "error" and storage.kind(target) is not None:
            raise UsageError(f"{target} exists (mode 'error')")


def _check_delimiter(csv_delimiter: str) -> None:
    if len(csv_delimiter) != 1 or csv_delimiter in "\"\r\n":
        raise UsageError(f"the CSV delimiter must be one character (not a quote or a line "
                         f"break), got {csv_delimiter!r}")


def _open_writer(record_cls: Any, target: Path, mode: str | None,
                 partition_by: Sequence[str], writer_options: dict[str, Any],
                 filesystem: Any = None) -> Any:
    from schemagen.runtime.writer import ParquetWriter

    if target.suffix == ".parquet":
        return ParquetWriter(record_cls, target, filesystem=filesystem, **writer_options)
    from schemagen.runtime.dataset import DatasetWriter

    return DatasetWriter(record_cls, target, mode=mode or "append",
                         partition_by=list(partition_by), filesystem=filesystem,
                         **writer_options)


def _read_all(conv: Converter, inputs: list[tuple[InputFile, str | None]],
              input_format: str | None, csv_delimiter: str) -> None:
    for f, checked in inputs:
        fmt = checked or _checked_format(f, input_format)
        if fmt == "jsonl":
            conv.json_lines(f)
        elif fmt in ("json", "csv"):
            try:
                conv.json_array(f) if fmt == "json" else conv.csv(f, csv_delimiter)
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text (byte {exc.start}: {exc.reason})",
                                 file=f.name) from None
        else:
            conv.avro(f)
    conv.finish()


def _close(inputs: list[InputFile]) -> None:
    for f in inputs:
        f.close()


def convert(
    record_cls: Any,
    inputs: Sequence[str | os.PathLike[str] | InputFile],
    out: str | os.PathLike[str],
    *,
    input_format: str | None = None,
    rejects: str | os.PathLike[str] | None = None,
    unknown_fields: UnknownFields = "reject",
    mode: str | None = None,
    partition_by: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    csv_delimiter: str = ",",
    filesystem: Any = None,
    **writer_options: Any,
) -> ConvertResult:
    """Convert ``inputs`` to Parquet at ``out`` as ``record_cls`` records.

    ``inputs``: files, ``-`` (standard input), named pipes or ``/dev/stdin``-like
    streams (read once, forward only); each must be the format it is read as
    (``input_format``, else by extension, else by its first bytes), checked before
    anything is written.

    ``out`` ending in ``.parquet`` is one file (``mode``: ``overwrite`` - the default -
    replaces it, ``error`` refuses an existing file), anything else a dataset folder
    (``mode``: ``append`` - the default -, ``overwrite``, ``error``; ``partition_by``).  Rows that cannot be converted go to
    ``rejects`` (JSON Lines) and are counted in the result; ``out`` may be a URI
    (``s3://bucket/sales/``; ``filesystem``: a ``pyarrow.fs`` or fsspec file system for
    it; inputs and rejects are local files); nothing is
    committed under ``out`` if an input cannot be read at all (:class:`InputError`)
    or the arguments are wrong (:class:`UsageError`).
    """
    started = time.perf_counter()
    loc = locate(out, filesystem, who="convert --out")
    target = loc.path
    rejects_path = Path(rejects) if rejects is not None else None
    given = input_files(list(inputs))  # each exists and can be read: nothing read yet
    check_outputs(target, rejects_path, [f.path for f in given if f.path is not None], mode,
                  partition_by, loc.storage)
    _check_delimiter(csv_delimiter)
    from schemagen.runtime.writer import writer_options as check_options

    check_options(**writer_options)  # bad options: nothing is created
    info = info_of(record_cls)
    writer: Any = None
    conv = Converter(info.cls, lambda batch: writer.write_arrow(batch), lambda r: sink.add(r),
                     unknown_fields=unknown_fields, chunk_bytes=chunk_bytes, progress=progress)
    files = _inputs(given, input_format)  # not the format they are read as: exit 2
    sink = RejectsFile(rejects_path)
    try:
        writer = _open_writer(record_cls, target, mode, partition_by, writer_options,
                              loc.filesystem)
    except BaseException:
        sink.abort()
        _close(given)
        raise
    conv.sink_pool = pool = ThreadPoolExecutor(1)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _read_all(conv, files, input_format, csv_delimiter)
        closed = writer.close()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        writer.abort()
        sink.abort()
        raise
    finally:
        pool.shutdown(wait=True)
        if was_enabled:
            gc.enable()
        _close(given)
    sink.close()
    return ConvertResult(
        rows=conv.rows, rejected=sink.count,
        files=list(closed) if isinstance(closed, list) else [closed],
        seconds=time.perf_counter() - started, ignored_keys=dict(sorted(conv.ignored.items())),
        first_rejects=sink.first, rows_per_row_path=conv.slow_rows)
