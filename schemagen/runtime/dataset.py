"""DatasetWriter: generated records (or Arrow data) -> a folder of Parquet files.

Layout (Drill's fragment naming, Hive's partition folders, Hadoop's marker)::

    sales/                          the dataset folder
      _SUCCESS                      JSON, replaced atomically when a write completes
      country=DE/0_0_0.parquet      {major}_{minor}_{index}.parquet
      country=DE/0_0_1.parquet      the same writer rolled to a new file (block_size reached)
      country=__HIVE_DEFAULT_PARTITION__/0_1_0.parquet   a null country, another writer

* Every writer holds a ``major_minor`` pair for its lifetime: the hidden lock
  file ``.schemagen-{major}_{minor}.lock`` in the dataset folder, locked with
  ``flock`` (released by the kernel when the process dies, so a crashed writer
  never blocks anyone).  The first free pair is taken (``0_0``, then ``0_1``,
  ...): writers running at the same time, in threads or processes, never share
  a pair, and file names never collide.  ``index`` continues after the highest
  index of the pair already in the folder, so sequential writes add
  ``0_0_1``, ``0_0_2`` ...
* Every file is written under a hidden temporary name and renamed into place
  when it is complete (``ParquetWriter``'s commit, no-clobber).  A new file
  starts when ``block_size`` bytes of Arrow data went into the current one.
* ``mode="overwrite"`` writes the new dataset into a hidden sibling folder and
  swaps the two folders in one ``renameat2(RENAME_EXCHANGE)`` when the write
  completes; until then the old dataset is untouched.

See docs/datasets.md for the decisions and their reasons.
"""

from __future__ import annotations

import ctypes
import datetime
import errno
import json
import os
import secrets
import shutil
import socket
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from .. import __version__
from .. import ir as _ir
from .._pyarrow import ds, pa, pc
from ..errors import RecordError, RecordProblem, UsageError
from .record import RecordInfo, info_of
from .writer import (
    ParquetWriter,
    _mkdir_reason,
    arrow_batches,
    as_path,
    check_bounded,
    convert_records,
    writer_options,
)

R = TypeVar("R")

MODES = ("append", "overwrite", "error")
SUCCESS_NAME = "_SUCCESS"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
PARTITION_KEY = b"schemagen.partition_by"
LOCK_PREFIX = ".schemagen-"
STAGING_MARK = ".schemagen-overwrite-"
MAX_PAIRS = 100_000  # automatic minor numbers tried before giving up
MAX_SEGMENT_BYTES = 255  # a file name component on common file systems
DEFAULT_MAX_OPEN_FILES = 64
# buffered Arrow data across all open partition files, in blocks: beyond it the
# largest buffer is written out as a row group early (its file stays open)
MEMORY_BLOCKS = 4
STALE_STAGING_SECONDS = 3600

# Hive's FileUtils.escapePathName: these become %XX in partition folder names
_ESCAPE = frozenset(chr(c) for c in range(0x20)) | frozenset('"#%\'*/:=?\\\x7f{[]^')


def escape_partition_value(text: str) -> str:
    """Hive-style escaping of one partition value (``a/b`` -> ``a%2Fb``)."""
    return "".join(f"%{ord(c):02X}" if c in _ESCAPE else c for c in text)


def data_files(folder: Path) -> list[Path]:
    """Visible ``*.parquet`` files below ``folder`` (hidden and ``_`` names skipped)."""
    out = []
    for p in sorted(folder.rglob("*.parquet")):
        rel = p.relative_to(folder).parts
        if not any(part.startswith((".", "_")) for part in rel) and p.is_file():
            out.append(p)
    return out


# --------------------------------------------------------------------------- writer claims


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - not exercised on Linux CI
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False
    return True


class Claim:
    """A ``major_minor`` pair held by one writer (an flock-ed hidden lock file)."""

    def __init__(self, folder: Path, major: int, minor: int, fd: int) -> None:
        self.folder = folder
        self.major = major
        self.minor = minor
        self._fd: int | None = fd

    @property
    def lock_path(self) -> Path:
        return lock_path(self.folder, self.major, self.minor)

    @classmethod
    def take(cls, folder: Path, major: int, minor: int) -> Claim | None:
        """The pair's claim, or None while another live writer holds it."""
        path = lock_path(folder, major, minor)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                os.close(fd)
                return None
            # the holder before us may have unlinked the file between our open
            # and our lock: then we hold a lock nobody else can see; retry
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        note = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                           "since": _now()}).encode()
        os.ftruncate(fd, 0)
        os.write(fd, note)
        return cls(folder, major, minor, fd)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if sys.platform == "win32":  # pragma: no cover
            os.close(fd)
            try:
                self.lock_path.unlink()
            except OSError:
                pass
            return
        try:
            self.lock_path.unlink()  # while still locked: nobody can be using it
        except FileNotFoundError:  # pragma: no cover - someone removed it by hand
            pass
        os.close(fd)


def lock_path(folder: Path, major: int, minor: int) -> Path:
    return folder / f"{LOCK_PREFIX}{major}_{minor}.lock"


def claim_pair(folder: Path, major: int | None, minor: int | None) -> Claim:
    """Take a free ``major_minor`` pair in ``folder`` (the given parts are kept)."""
    if major is not None and minor is not None:
        got = Claim.take(folder, major, minor)
        if got is None:
            raise UsageError(f"{folder}: another writer is writing {major}_{minor}_*.parquet "
                             "files right now; choose another major/minor or leave them out")
        return got
    for n in range(MAX_PAIRS):
        pair = (major if major is not None else 0, n) if minor is None else (n, minor)
        got = Claim.take(folder, *pair)
        if got is not None:
            return got
    raise UsageError(f"{folder}: {MAX_PAIRS} writers are busy in this dataset; "  # pragma: no cover
                     "no free major_minor pair")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _check_part_number(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UsageError(f"{name} must be a non-negative integer, got {value!r}")
    return value


# --------------------------------------------------------------------------- partitions

_PARTITION_TYPES = (_ir.Bool, _ir.Int, _ir.String, _ir.Date, _ir.EnumRef)


@dataclass(frozen=True)
class PartitionColumn:
    name: str  # wire name (the folder key and the Arrow column)
    index: int  # position in the record's Arrow schema
    type: _ir.Type  # without Nullable
    nullable: bool


def partition_columns(info: RecordInfo,
                      partition_by: Sequence[str] | str | None) -> list[PartitionColumn]:
    """Resolve ``partition_by`` names (wire or Python) to top-level fields; refuse the rest."""
    if partition_by is None:
        partition_by = ()  # no partitioning, as the default
    if isinstance(partition_by, str):
        partition_by = [partition_by]
    if not isinstance(partition_by, (list, tuple)):
        raise UsageError(f"partition_by takes a list of field names, got "
                         f"{type(partition_by).__name__} {partition_by!r}")
    root, types = info.ir
    rec = info.record
    names = [f.name for f in rec.fields]
    out: list[PartitionColumn] = []
    for given in partition_by:
        if not isinstance(given, str):
            raise UsageError(f"partition_by takes field names, got {given!r}")
        match = [f for f in rec.fields if given in (f.name, f.py_name)]
        if not match:
            raise UsageError(f"partition_by: {info.name} has no field {given!r}; "
                             f"fields: {', '.join(names)}")
        f = match[0]
        if any(p.name == f.name for p in out):
            raise UsageError(f"partition_by: field {f.name!r} is given twice")
        t = f.type
        nullable = isinstance(t, _ir.Nullable)
        inner = t.inner if isinstance(t, _ir.Nullable) else t
        if not isinstance(inner, _PARTITION_TYPES):
            raise UsageError(
                f"partition_by: field {f.name!r} of {info.name} is {_ir_text(t)}; a partition "
                "column must be a top-level boolean, integer, string, enum or date field "
                "(floats, decimals, bytes, timestamps and nested types make poor or "
                "ambiguous folder names)")
        if f.name.startswith((".", "_")) or any(c in _ESCAPE or c in " " for c in f.name):
            raise UsageError(
                f"partition_by: field name {f.name!r} cannot be a Hive folder key (readers skip "
                "names starting with '.' or '_', and special characters would need escaping)")
        out.append(PartitionColumn(f.name, names.index(f.name), inner, nullable))
    if out and len(out) == len(rec.fields):
        raise UsageError(f"partition_by: every field of {info.name} would be a partition "
                         "column; the files would hold no columns")
    return out


def _ir_text(t: _ir.Type) -> str:
    if isinstance(t, _ir.Nullable):
        return f"optional {_ir_text(t.inner)}"
    if isinstance(t, (_ir.RecordRef, _ir.EnumRef)):
        return f"{type(t).__name__} {t.name}"
    return type(t).__name__.rstrip("_").lower()


def _segment_text(value: Any, col: PartitionColumn) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def partitioning(record_cls: Any, partition_by: Sequence[str] | str) -> Any:
    """A ``pyarrow.dataset`` Hive partitioning with the fields' own Arrow types.

    ``pyarrow.dataset.dataset(path, partitioning=partitioning(Sale, ["country"]))``
    gives the partition columns back with the record's types (``partitioning="hive"``
    infers int32/string instead).
    """
    info = info_of(record_cls)
    schema = info.arrow_schema()
    cols = partition_columns(info, partition_by)
    fields = [pa.field(c.name, schema.field(c.index).type) for c in cols]
    return ds.HivePartitioning(pa.schema(fields), null_fallback=HIVE_NULL)


# --------------------------------------------------------------------------- the writer


@dataclass
class _Part:
    """One partition folder: its files roll independently."""

    rel: str  # folder relative to the dataset root ("" unpartitioned)
    folder: Path
    next_index: int = -1  # -1: not scanned yet
    writer: ParquetWriter[Any] | None = None
    file_bytes: int = 0  # Arrow bytes handed to the current file
    last_used: int = 0
    created_folder: bool = False
    files: list[Path] = field(default_factory=list)


class DatasetWriter(Generic[R]):
    """Write records of one generated class into a dataset folder.

    ``with schemagen.DatasetWriter(Sale, "sales/", partition_by=["country"]) as w:
    w.write_many(rows)``.  Options: ``mode`` (``"append"``, ``"overwrite"``,
    ``"error"``), ``partition_by`` (top-level field names), ``major``/``minor``
    (the file name prefix; free ones are chosen when left out),
    ``max_open_files`` (partitions written at once before the least recently
    used one's file is committed), and every ParquetWriter option
    (``compression``, ``block_size`` - also the file size target -,
    ``row_group_size``, ``page_size``, ``use_dictionary`` ...).
    """

    def __init__(
        self,
        record_cls: type[R],
        path: str | os.PathLike[str],
        *,
        mode: str = "append",
        partition_by: Sequence[str] | str | None = (),
        major: int | None = None,
        minor: int | None = None,
        max_open_files: int = DEFAULT_MAX_OPEN_FILES,
        **options: Any,
    ) -> None:
        self.info: RecordInfo = info_of(record_cls)
        self.cls = record_cls
        self.options = writer_options(**options)
        check_bounded(self.options)
        if mode not in MODES:
            raise UsageError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
        self.mode = mode
        major = _check_part_number("major", major)
        minor = _check_part_number("minor", minor)
        if (not isinstance(max_open_files, int) or isinstance(max_open_files, bool)
                or max_open_files < 1):
            raise UsageError(f"max_open_files must be a positive integer, got {max_open_files!r}")
        self.max_open_files = max_open_files
        self.path = as_path(path, "DatasetWriter")
        self.partition_by = partition_columns(self.info, partition_by)
        self.schema = self.info.arrow_schema()
        self.file_schema = self._file_schema()
        if self.path.exists() and not self.path.is_dir():
            raise UsageError(f"{self.path} exists and is not a folder; a dataset is a folder")
        if mode == "error" and self.path.is_dir():
            existing = data_files(self.path)
            if existing:
                raise UsageError(
                    f"{self.path} already holds data ({len(existing)} Parquet file(s), e.g. "
                    f"{existing[0].relative_to(self.path)}); mode='error' writes only into an "
                    "empty or missing folder (use mode='append' or 'overwrite')")
        if mode == "append" and self.path.is_dir():
            self._check_layout(data_files(self.path))
        self._root = self.path
        if mode == "overwrite" and self.path.name in ("", ".", ".."):
            raise UsageError(f"mode='overwrite' replaces a folder by swapping it with a sibling: "
                             f"give the dataset folder by its name, not {str(path)!r}")
        # the folder an overwrite swaps: a symlinked dataset folder keeps its link (the
        # folder it points to is replaced, next to which the staging folder is made)
        self._target = self.path.resolve() if self.path.is_symlink() else self.path
        if mode == "overwrite":
            _remove_stale_staging(self._target)
            self._root = self._target.parent / (
                f".{self._target.name}{STAGING_MARK}{secrets.token_hex(6)}")
        try:
            self._root.mkdir(parents=True, exist_ok=mode != "overwrite")
        except OSError as exc:
            raise UsageError(f"cannot create the folder {self._root}: "
                             f"{_mkdir_reason(exc)}") from None
        self._claim = claim_pair(self._root, major, minor)
        self.major, self.minor = self._claim.major, self._claim.minor
        self._parts: dict[tuple[str, ...], _Part] = {}
        self._pending: list[R] = []
        self._rows = 0
        self._committed: list[Path] = []  # in the root (staging folder for overwrite)
        self._tick = 0
        self._closed = False
        self._failed: str | None = None

    # ------------------------------------------------------------------ public

    @property
    def rows(self) -> int:
        """Records and Arrow rows accepted so far."""
        return self._rows + len(self._pending)

    @property
    def files(self) -> list[Path]:
        """Files committed so far, under their final names (for ``overwrite``,
        where they become visible when the write completes)."""
        return [self.path / p.relative_to(self._root) for p in self._committed]

    def write(self, record: R) -> None:
        self._check_open()
        self._pending.append(record)
        if len(self._pending) >= self.options["batch_size"]:
            self._convert()

    def write_many(self, records: Iterable[R]) -> None:
        self._check_open()
        size = self.options["batch_size"]
        pending = self._pending
        for r in records:
            pending.append(r)
            if len(pending) >= size:
                self._convert()
                pending = self._pending

    def write_arrow(self, data: Any) -> None:
        """Append a ``pyarrow.Table`` or ``RecordBatch`` laid out as
        ``Record.arrow_schema()`` (names and types; see ParquetWriter.write_arrow):
        no per-row Python work.  A mismatch is a UsageError naming the first differing
        column; a null in a required column a RecordError naming the row."""
        self._check_open()
        self._convert()
        try:
            batches = arrow_batches(data, self.schema, self.info.name, self._rows,
                                    where=f"DatasetWriter for {self.path}")
        except RecordError as exc:
            self._fail(exc)
            raise
        try:
            for batch in batches:
                self._rows += batch.num_rows
                self._route(batch, self._rows - batch.num_rows)
        except BaseException as exc:
            self._fail(exc)
            raise

    def close(self) -> list[Path]:
        """Commit the open files, write ``_SUCCESS``, (overwrite: swap the folders
        in); returns the files this writer committed."""
        if self._failed is not None:
            self._check_open()
        if self._closed:
            return self.files
        try:
            self._convert()
            for part in self._parts.values():
                self._roll(part)
            # the committed names are on disk before _SUCCESS says the write completed
            # (partition folders and their entries in their parents too)
            for folder in self._synced_folders():
                _fsync_dir(folder)
            self._write_success()
            if self.mode == "overwrite":
                self._swap_in()
        except BaseException as exc:
            self._fail(exc)
            raise
        self._closed = True
        self._claim.release()
        return self.files

    def abort(self) -> None:
        """Discard this write: open files are dropped, files it already committed
        are removed (append), the staging folder is removed (overwrite)."""
        if self._closed:
            return
        self._closed = True
        for part in self._parts.values():
            if part.writer is not None:
                part.writer.abort()
                part.writer = None
        if self.mode == "overwrite":
            self._claim.release()
            shutil.rmtree(self._root, ignore_errors=True)
            return
        for p in self._committed:
            try:
                p.unlink()
            except FileNotFoundError:
                pass
        for part in self._parts.values():
            if part.created_folder:
                _remove_empty_folders(part.folder, self._root)
        self._committed = []
        self._claim.release()

    def __enter__(self) -> DatasetWriter[R]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # ------------------------------------------------------------------ internals

    def _check_layout(self, existing: list[Path]) -> None:
        """Appending keeps the dataset's partition layout: DuckDB and pyarrow refuse a
        folder mixing ``a=1/`` files with ``b=x/`` (or unpartitioned) ones."""
        want = [escape_partition_value(c.name) for c in self.partition_by]
        for f in existing:
            folders = f.relative_to(self.path).parts[:-1]
            keys = [part.split("=", 1)[0] if "=" in part else None for part in folders]
            if keys != want:
                have = ("not partitioned" if not folders else
                        f"partitioned by {[k for k in keys if k]}" if all(keys) else
                        "in folders that are not key=value")
                raise UsageError(
                    f"{self.path} already holds data {have} (e.g. "
                    f"{f.relative_to(self.path)}); this write partitions by {want or 'nothing'}. "
                    "A dataset keeps one layout (engines refuse mixed ones): give the same "
                    "partition_by, or mode='overwrite' to replace the data")

    def _check_open(self) -> None:
        if self._failed is not None:
            raise UsageError(f"DatasetWriter for {self.path} stopped at an earlier error "
                             f"({self._failed}); nothing of this write was committed")
        if self._closed:
            raise UsageError(f"DatasetWriter for {self.path} is closed; nothing more can be "
                             "written")

    def _fail(self, exc: BaseException) -> None:
        if self._failed is None:
            self._failed = str(exc) or type(exc).__name__
        self.abort()

    def _file_schema(self) -> Any:
        schema = self.schema
        if not self.partition_by:
            return schema
        drop = {c.index for c in self.partition_by}
        fields = [schema.field(i) for i in range(len(schema)) if i not in drop]
        meta = dict(schema.metadata or {})
        meta[PARTITION_KEY] = json.dumps([c.name for c in self.partition_by]).encode()
        return pa.schema(fields, metadata=meta)

    def _convert(self) -> None:
        records = self._pending
        if not records:
            return
        self._pending = []
        try:
            batch = convert_records(self.info, self.cls, self.schema, records, self._rows)
            self._rows += len(records)
            self._route(batch, self._rows - len(records))
        except BaseException as exc:
            self._fail(exc)
            raise

    def _route(self, batch: Any, offset: int) -> None:
        """Send a batch (full record schema) to its partition(s)."""
        if batch.num_rows == 0:
            return
        if not self.partition_by:
            self._feed(self._part(()), batch)
            return
        for key, rows in self._split(batch, offset):
            self._feed(self._part(key), rows)
        self._limit_open_files()
        self._limit_memory()

    def _split(self, batch: Any, offset: int) -> list[tuple[tuple[str, ...], Any]]:
        """Group rows by partition values (vectorised); drop the partition columns."""
        import numpy as np

        keys: list[Any] = []  # per partition column: each row's index into its texts
        segments: list[list[str]] = []
        for col in self.partition_by:
            enc = pc.dictionary_encode(batch.column(col.index))
            values = enc.dictionary.to_pylist()
            texts = [self._segment(v, col, enc, i, offset) for i, v in enumerate(values)]
            if enc.indices.null_count:
                if not col.nullable:  # pragma: no cover - conversion refuses it first
                    raise UsageError(f"null in the required partition column {col.name!r}")
                texts.append(f"{col.name}={HIVE_NULL}")
            keys.append(enc.indices.fill_null(len(values)).to_numpy(zero_copy_only=False))
            segments.append(texts)
        order = np.lexsort(keys[::-1])  # stable; the first partition column sorts first
        change = np.zeros(batch.num_rows, dtype=bool)
        change[0] = True
        for k in keys:
            ks = k[order]
            change[1:] |= ks[1:] != ks[:-1]
        starts = np.flatnonzero(change).tolist()
        ends = starts[1:] + [batch.num_rows]
        keep = [i for i in range(batch.num_columns)
                if i not in {c.index for c in self.partition_by}]
        data = batch.select(keep).take(pa.array(order))
        data = pa.RecordBatch.from_arrays(data.columns, schema=self.file_schema)
        out = []
        for s, e in zip(starts, ends):
            row = order[s]
            key = tuple(texts[int(k[row])] for texts, k in zip(segments, keys))
            out.append((key, data.slice(s, e - s)))
        return out

    def _segment(self, value: Any, col: PartitionColumn, enc: Any, i: int, offset: int) -> str:
        text = _segment_text(value, col)
        problem = None
        if text == "":
            problem = "a non-empty value (an empty partition value would read back as null)"
        elif text == HIVE_NULL:
            problem = f"a value other than {HIVE_NULL} (it reads back as null)"
        segment = f"{col.name}={escape_partition_value(text)}"
        if problem is None and len(segment.encode()) > MAX_SEGMENT_BYTES:
            problem = (f"a value whose folder name {col.name}=... fits {MAX_SEGMENT_BYTES} "
                       "bytes once escaped")
        if problem is not None:
            row = pc.index(enc.indices, pa.scalar(i, enc.indices.type)).as_py()
            raise RecordError(self.info.name, [RecordProblem(offset + row, col.name, value,
                                                             problem)])
        return segment

    def _part(self, key: tuple[str, ...]) -> _Part:
        part = self._parts.get(key)
        if part is None:
            rel = "/".join(key)
            part = _Part(rel, self._root.joinpath(*key) if key else self._root)
            self._parts[key] = part
        self._tick += 1
        part.last_used = self._tick
        return part

    def _feed(self, part: _Part, batch: Any) -> None:
        """Write ``batch`` into the partition's current file, rolling at block_size."""
        block = self.options["block_size"]
        while batch.num_rows:
            if part.writer is None:
                self._open(part)
            assert part.writer is not None
            n = batch.num_rows
            if block:
                per_row = max(batch.nbytes / batch.num_rows, 1e-9)
                room = block - part.file_bytes
                n = min(n, max(1, int(room // per_row)))
            chunk = batch if n == batch.num_rows else batch.slice(0, n)
            part.writer._write_checked(chunk)
            part.file_bytes += chunk.nbytes
            batch = batch.slice(n) if n < batch.num_rows else batch.slice(0, 0)
            if block and part.file_bytes >= block:
                self._roll(part)

    def _open(self, part: _Part) -> None:
        if part.next_index < 0:
            if not part.folder.exists():
                part.folder.mkdir(parents=True, exist_ok=True)
                part.created_folder = True
            part.next_index = self._scan(part.folder)
        name = f"{self.major}_{self.minor}_{part.next_index}.parquet"
        # block_size is the file size here: the dataset writer rolls the file when
        # it is reached, so the file writer only cuts row groups by row count
        options = dict(self.options, block_size=None)
        part.writer = ParquetWriter(
            self.cls, part.folder / name, _schema=self.file_schema,
            _next_name=lambda p: self._following(part), **options)
        part.file_bytes = 0

    def _scan(self, folder: Path) -> int:
        """Next index of our pair in ``folder``; removes temporary files of a crashed
        earlier holder of the pair (we hold its claim, so none can be live)."""
        prefix = f"{self.major}_{self.minor}_"
        highest = -1
        for entry in os.scandir(folder):
            name = entry.name
            if name.startswith(prefix) and name.endswith(".parquet"):
                idx = name[len(prefix):-len(".parquet")]
                if idx.isdigit():
                    highest = max(highest, int(idx))
            elif name.startswith("." + prefix) and name.endswith(".tmp"):
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:  # pragma: no cover
                    pass
        return highest + 1

    def _following(self, part: _Part) -> Path:
        """The name was taken by someone not holding our claim: next index."""
        part.next_index = self._scan(part.folder)
        assert part.writer is not None
        cur = int(part.writer.path.stem.rsplit("_", 1)[1])
        part.next_index = max(part.next_index, cur + 1)
        return part.folder / f"{self.major}_{self.minor}_{part.next_index}.parquet"

    def _roll(self, part: _Part) -> None:
        """Commit the partition's current file (if any)."""
        writer, part.writer = part.writer, None
        if writer is None:
            return
        path = writer.close()
        self._committed.append(path)
        part.files.append(path)
        part.next_index = int(path.stem.rsplit("_", 1)[1]) + 1
        part.file_bytes = 0

    def _limit_open_files(self) -> None:
        open_parts = [p for p in self._parts.values() if p.writer is not None]
        if len(open_parts) <= self.max_open_files:
            return
        open_parts.sort(key=lambda p: p.last_used)
        for part in open_parts[: len(open_parts) - self.max_open_files]:
            self._roll(part)

    @property
    def buffered_bytes(self) -> int:
        """Arrow bytes held in memory, not yet written (all partitions)."""
        return sum(p.writer.buffered_bytes for p in self._parts.values() if p.writer is not None)

    def _limit_memory(self) -> None:
        block = self.options["block_size"]
        if not block:
            return
        buffers = sorted((p.writer.buffered_bytes, n, p.writer)
                         for n, p in enumerate(self._parts.values()) if p.writer is not None)
        total = sum(b[0] for b in buffers)
        while total > MEMORY_BLOCKS * block and buffers:
            size, _, writer = buffers.pop()  # the largest
            writer._flush_row_group()
            total -= size

    def _synced_folders(self) -> list[Path]:
        """Folders holding new directory entries of this write, deepest first."""
        out: set[Path] = set()
        for p in self._committed:
            folder = p.parent
            while True:
                out.add(folder)
                if folder == self._root or self._root not in folder.parents:
                    break
                folder = folder.parent
        return sorted(out, key=lambda f: len(f.parts), reverse=True)

    def _write_success(self) -> None:
        files = [p.relative_to(self._root).as_posix() for p in self._committed]
        note = {
            "writer": f"schemagen {__version__}",
            "record": self.info.name,
            "mode": self.mode,
            "major": self.major,
            "minor": self.minor,
            "partition_by": [c.name for c in self.partition_by],
            "files": files,
            "rows": self._rows,
            "completed": _now(),
        }
        _atomic_write(self._root / SUCCESS_NAME, (json.dumps(note, indent=1) + "\n").encode())

    def _swap_in(self) -> None:
        """overwrite: put the staged dataset in place of the old one, then drop the old."""
        self._claim.release()  # its lock file must not travel into the new dataset
        staging, target = self._root, self._target
        _fsync_dir(staging)
        if not target.exists():
            try:
                os.rename(staging, target)
                _fsync_dir(target.parent)
                self._root = self.path
                self._committed = [self.path / p.relative_to(staging) for p in self._committed]
                return
            except OSError:
                if not target.exists():
                    raise
        old = exchange(staging, target)
        _fsync_dir(target.parent)
        self._committed = [self.path / p.relative_to(staging) for p in self._committed]
        self._root = self.path
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- file system helpers


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse directory fsync
        pass
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
_RENAME_SWAP = 2  # macOS stdio.h


def _native_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically if the platform can (True), else False."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover
        return False
    if sys.platform.startswith("linux"):
        fn = getattr(libc, "renameat2", None)
        args: tuple[Any, ...] = (_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                                 _RENAME_EXCHANGE)
    elif sys.platform == "darwin":  # pragma: no cover
        fn = getattr(libc, "renamex_np", None)
        args = (os.fsencode(a), os.fsencode(b), _RENAME_SWAP)
    else:  # pragma: no cover
        return False
    if fn is None:  # pragma: no cover - old C library
        return False
    if fn(*args) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):  # pragma: no cover
        return False
    raise OSError(err, f"cannot swap {a} and {b}: {os.strerror(err)}")


def exchange(staging: Path, target: Path) -> Path:
    """Put ``staging`` at ``target``; returns where the old ``target`` now is.

    One atomic ``renameat2(RENAME_EXCHANGE)`` where supported (Linux >= 3.15 on
    local file systems; ``renamex_np`` on macOS).  Elsewhere two renames: a
    crash between them leaves the old dataset under a hidden sibling name.
    """
    if _native_exchange(staging, target):
        return staging
    old = target.parent / f".{target.name}.schemagen-old-{secrets.token_hex(6)}"
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:  # pragma: no cover - the staging folder vanished
        os.rename(old, target)
        raise
    return old


def _remove_stale_staging(target: Path) -> None:
    """Remove hidden staging folders of overwrites that died (not locked, old)."""
    parent = target.parent
    if not parent.is_dir():
        return
    prefix = f".{target.name}{STAGING_MARK}"
    for entry in os.scandir(parent):
        if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
            continue
        folder = Path(entry.path)
        locks = list(folder.glob(f"{LOCK_PREFIX}*.lock"))
        live = False
        for lock in locks:
            try:
                fd = os.open(lock, os.O_RDWR)
            except OSError:
                continue
            try:
                live = live or not _try_lock(fd)
            finally:
                os.close(fd)
        young = time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_STAGING_SECONDS
        if not live and (locks or not young):
            shutil.rmtree(folder, ignore_errors=True)


def _remove_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
