"""DatasetWriter: generated records (or Arrow data) -> a folder of Parquet files.

Layout (Drill's fragment naming, Hive's partition folders, Hadoop's marker)::

    sales/                          the dataset folder
      _SUCCESS                      JSON, replaced atomically when a write completes
      country=DE/0_0_0.parquet      {major}_{minor}_{index}.parquet
      country=DE/0_0_1.parquet      the same writer rolled to a new file (block_size reached)
      country=__HIVE_DEFAULT_PARTITION__/0_1_0.parquet   a null country, another writer

The commit protocol (pair claims, temporary names, no-clobber commits,
``_SUCCESS``, overwrite generations) is ``storage.py``'s; this module routes
rows to partitions and rolls files:

* Every writer holds a ``major_minor`` pair for its lifetime (the first free
  one, ``0_0``, then ``0_1`` ... unless given): writers running at the same
  time, in threads or processes, never share a pair, and file names never
  collide.  ``index`` continues after the highest index of the pair already in
  the folder (``index_scope="folder"``: of any pair), so sequential writes add
  ``0_0_1``, ``0_0_2`` ...
* Every file is staged and committed when it is complete; a new file starts
  when ``block_size`` bytes of Arrow data went into the current one
  (``roll=False``: one file per partition and write).
* ``mode="overwrite"`` writes a new generation (a hidden sibling folder) and
  switches to it in one step when the write completes; until then the old
  dataset is untouched.

The data is records of a generated class, or Arrow data of a bare
``pyarrow.Schema`` (``DatasetWriter(schema, path)``, ``write_arrow`` only).
See docs/datasets.md for the decisions and their reasons.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from .. import __version__
from .. import ir as _ir
from .._pyarrow import ds, pa, pc, pq
from ..errors import ReadError, RecordError, RecordProblem, UsageError, shorten
from ..typemap.parquet import ENGINE_KEY, PARTITION_KEY
from .location import locate_with, source_of
from .reader import file_plan
from .record import RecordInfo, info_of
from .storage import (
    SUCCESS_NAME,
    AppendGuard,
    FileName,
    Generation,
    Scope,
    Storage,
)
from .writer import (
    FileWriter,
    arrow_batches,
    check_bounded,
    convert_records,
    writer_options,
)

R = TypeVar("R")

MODES = ("append", "overwrite", "error")
SCOPES = ("pair", "folder")
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
MAX_SEGMENT_BYTES = 255  # a file name component on common file systems
DEFAULT_MAX_OPEN_FILES = 64
# buffered Arrow data across all open partition files, in blocks: beyond it the
# largest buffer is written out as a row group early (its file stays open)
MEMORY_BLOCKS = 4

__all__ = ["DEFAULT_MAX_OPEN_FILES", "HIVE_NULL", "MODES", "SUCCESS_NAME", "DatasetWriter",
           "PartitionColumn", "escape_partition_value", "partition_columns", "partitioning"]

# Hive's FileUtils.escapePathName: these become %XX in partition folder names
_ESCAPE = frozenset(chr(c) for c in range(0x20)) | frozenset('"#%\'*/:=?\\\x7f{[]^')


def escape_partition_value(text: str) -> str:
    """Hive-style escaping of one partition value (``a/b`` -> ``a%2Fb``)."""
    return "".join(f"%{ord(c):02X}" if c in _ESCAPE else c for c in text)


def _check_part_number(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UsageError(f"{name} must be a non-negative integer, got {value!r}")
    return value


# --------------------------------------------------------------------------- partitions

_PARTITION_TYPES = (_ir.Bool, _ir.Int, _ir.String, _ir.Date, _ir.EnumRef)
_ARROW_PARTITION_TYPES = (pa.types.is_boolean, pa.types.is_integer, pa.types.is_string,
                          pa.types.is_large_string, pa.types.is_date32)


@dataclass(frozen=True)
class PartitionColumn:
    name: str  # wire name (the folder key and the Arrow column)
    index: int  # position in the record's Arrow schema
    nullable: bool


@dataclass(frozen=True)
class _Candidate:
    """A top-level field that ``partition_by`` may name."""

    name: str  # wire name
    py_name: str
    nullable: bool
    allowed: bool  # of a type that makes a folder name
    text: str  # its type, in words


def _candidates(source: RecordInfo | Any) -> tuple[str, list[_Candidate]]:
    """(owner's name, the fields) of a generated record or a bare ``pyarrow.Schema``."""
    if isinstance(source, RecordInfo):
        out = []
        for f in source.record.fields:
            t = f.type
            inner = t.inner if isinstance(t, _ir.Nullable) else t
            out.append(_Candidate(f.name, f.py_name, isinstance(t, _ir.Nullable),
                                  isinstance(inner, _PARTITION_TYPES), _ir_text(t)))
        return source.name, out
    return "the schema", [
        _Candidate(f.name, f.name, f.nullable, any(k(f.type) for k in _ARROW_PARTITION_TYPES),
                   f"{'optional ' if f.nullable else ''}{f.type}") for f in source]


def partition_columns(source: RecordInfo | Any,
                      partition_by: Sequence[str] | str | None) -> list[PartitionColumn]:
    """Resolve ``partition_by`` names (wire or Python) to top-level fields of a record
    (or of a bare ``pyarrow.Schema``); refuse the rest."""
    if partition_by is None:
        partition_by = ()  # no partitioning, as the default
    if isinstance(partition_by, str):
        partition_by = [partition_by]
    if not isinstance(partition_by, (list, tuple)):
        raise UsageError(f"partition_by takes a list of field names, got "
                         f"{type(partition_by).__name__} {partition_by!r}")
    owner, fields = _candidates(source)
    names = [f.name for f in fields]
    out: list[PartitionColumn] = []
    for given in partition_by:
        if not isinstance(given, str):
            raise UsageError(f"partition_by takes field names, got {given!r}")
        match = [f for f in fields if given in (f.name, f.py_name)]
        if not match:
            raise UsageError(f"partition_by: {owner} has no field {given!r}; "
                             f"fields: {', '.join(names)}")
        f = match[0]
        if any(p.name == f.name for p in out):
            raise UsageError(f"partition_by: field {f.name!r} is given twice")
        if not f.allowed:
            raise UsageError(
                f"partition_by: field {f.name!r} of {owner} is {f.text}; a partition "
                "column must be a top-level boolean, integer, string, enum or date field "
                "(floats, decimals, bytes, timestamps and nested types make poor or "
                "ambiguous folder names)")
        if f.name.startswith((".", "_")) or any(c in _ESCAPE or c in " " for c in f.name):
            raise UsageError(
                f"partition_by: field name {f.name!r} cannot be a Hive folder key (readers skip "
                "names starting with '.' or '_', and special characters would need escaping)")
        out.append(PartitionColumn(f.name, names.index(f.name), f.nullable))
    if out and len(out) == len(fields):
        raise UsageError(f"partition_by: every field of {owner} would be a partition "
                         "column; the files would hold no columns")
    return out


def _ir_text(t: _ir.Type) -> str:
    if isinstance(t, _ir.Nullable):
        return f"optional {_ir_text(t.inner)}"
    if isinstance(t, (_ir.RecordRef, _ir.EnumRef)):
        return f"{type(t).__name__} {t.name}"
    return type(t).__name__.rstrip("_").lower()


def _segment_text(value: Any) -> str:
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
    writer: FileWriter | None = None
    last_used: int = 0
    created_folder: bool = False
    files: list[Path] = field(default_factory=list)


_NOTE_KEYS = frozenset({"files", "rows", "completed"})  # what _SUCCESS always says itself


class DatasetWriter(Generic[R]):
    """Write records of one generated class (or Arrow data) into a dataset folder.

    ``with schemagen.DatasetWriter(Sale, "sales/", partition_by=["country"]) as w:
    w.write_many(rows)``.  Options: ``mode`` (``"append"``, ``"overwrite"``,
    ``"error"``), ``partition_by`` (top-level field names), ``major``/``minor``
    (the file name prefix; free ones are chosen when left out),
    ``max_open_files`` (partitions written at once before the least recently
    used one's file is committed), and every ParquetWriter option
    (``compression``, ``block_size`` - also the file size target -,
    ``row_group_size``, ``page_size``, ``use_dictionary`` ...).

    ``record_cls`` may be a bare ``pyarrow.Schema``: the writer then takes Arrow
    data in that schema (``write_arrow``) only.  For writers of files one at a
    time (the syncer): ``roll=False`` writes one file per partition and write
    (``block_size`` then only bounds row groups), ``index_scope="folder"``
    continues the index after the highest of any pair in the folder (names sort
    in write order), ``success_note`` adds (or replaces) facts in ``_SUCCESS``.
    ``storage``: where and how files are committed (default: the local file system).
    """

    def __init__(
        self,
        record_cls: type[R],  # or a bare pyarrow.Schema (typed Any: pyarrow has no stubs)
        path: str | os.PathLike[str],
        *,
        mode: str = "append",
        partition_by: Sequence[str] | str | None = (),
        major: int | None = None,
        minor: int | None = None,
        max_open_files: int = DEFAULT_MAX_OPEN_FILES,
        roll: bool = True,
        index_scope: Scope = "pair",
        success_note: Mapping[str, Any] | None = None,
        storage: Storage | None = None,
        filesystem: Any = None,
        **options: Any,
    ) -> None:
        self._set_source(record_cls)
        self.options = writer_options(**options)
        if roll:  # (one file per write holds no more than the caller handed over)
            check_bounded(self.options)
        self._check_arguments(mode, max_open_files, roll, index_scope, success_note)
        major = _check_part_number("major", major)
        minor = _check_part_number("minor", minor)
        self.mode = mode
        self.max_open_files = max_open_files
        self.roll = roll
        self.index_scope: Scope = index_scope
        self.success_note = dict(success_note or {})
        loc = locate_with(path, filesystem, storage, who="DatasetWriter")
        self.storage, self.path = loc.storage, loc.path
        self.partition_by = partition_columns(self.info or self.schema, partition_by)
        self.file_schema = self._file_schema()
        self._check_target(path)
        self._generation: Generation | None = None
        self._guard: AppendGuard | None = None
        self._root = self.path  # where files go now (overwrite: the new generation's folder)
        if mode == "overwrite":
            self._generation = self.storage.begin_overwrite(self.path)
            self._root = self._generation.folder
        else:
            self.storage.make_folder(self._root)
            # held until close/abort: no overwrite swaps the folder under this write
            self._guard = self.storage.guard_append(self.path)
        try:
            self._check_existing()
            self._claim = self.storage.claim_pair(self._root, major, minor)
        except BaseException:
            self._release_guard()
            raise
        self.major, self.minor = self._claim.major, self._claim.minor
        self._parts: dict[tuple[str, ...], _Part] = {}
        self._pending: list[R] = []
        self._rows = 0
        self._committed: list[Path] = []  # in the root (staging folder for overwrite)
        self._tick = 0
        self._closed = False
        self._failed: str | None = None

    def _set_source(self, source: Any) -> None:
        """A generated record class, or a bare ``pyarrow.Schema`` (Arrow data only)."""
        self.info: RecordInfo | None
        self.cls: Any
        if isinstance(source, pa.Schema):
            self.info, self.cls, self.schema = None, None, source
            self.name = "the schema"
            return
        self.info = info_of(source)
        self.cls = self.info.cls  # (the record class of a partial one)
        self.schema = self.info.arrow_schema()
        self.name = self.info.name

    @staticmethod
    def _check_arguments(mode: str, max_open_files: Any, roll: Any, index_scope: Any,
                         success_note: Any) -> None:
        if mode not in MODES:
            raise UsageError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
        if (not isinstance(max_open_files, int) or isinstance(max_open_files, bool)
                or max_open_files < 1):
            raise UsageError(f"max_open_files must be a positive integer, got {max_open_files!r}")
        if not isinstance(roll, bool):
            raise UsageError(f"roll must be True or False, got {roll!r}")
        if index_scope not in SCOPES:
            raise UsageError(f"index_scope must be one of {', '.join(map(repr, SCOPES))}, "
                             f"got {index_scope!r}")
        if success_note is not None and (not isinstance(success_note, Mapping)
                                         or set(success_note) & _NOTE_KEYS):
            raise UsageError(f"success_note must be a mapping of facts other than "
                             f"{', '.join(sorted(_NOTE_KEYS))}, got {success_note!r}")

    def _check_target(self, given: Any) -> None:
        """Refuse a target the mode cannot write (a file in the way, no folder name for
        'overwrite'); what the folder holds is checked by ``_check_existing``."""
        if self.storage.kind(self.path) == "file":
            raise UsageError(f"{self.path} exists and is not a folder; a dataset is a folder")
        if self.mode == "overwrite" and self.path.name in ("", ".", ".."):
            raise UsageError(f"mode='overwrite' replaces a folder by swapping it with a sibling: "
                             f"give the dataset folder by its name, not {str(given)!r}")

    def _check_existing(self) -> None:
        """What the folder holds must suit the write ('error': nothing; 'append': the same
        layout and files this record reads); checked holding the append guard."""
        kind = self.storage.kind(self.path)
        if self.mode == "error" and kind == "dir":
            existing = self.storage.list_committed(self.path)
            if existing:
                raise UsageError(
                    f"{self.path} already holds data ({len(existing)} Parquet file(s), e.g. "
                    f"{existing[0].relative_to(self.path)}); mode='error' writes only into an "
                    "empty or missing folder (use mode='append' or 'overwrite')")
        if self.mode == "append" and kind == "dir":
            existing = self.storage.list_committed(self.path)
            self._check_layout(existing)
            self._check_readable(existing)

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
        self._check_open(records=True)
        self._pending.append(record)
        if len(self._pending) >= self.options["batch_size"]:
            self._convert()

    def write_many(self, records: Iterable[R]) -> None:
        self._check_open(records=True)
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
            batches = arrow_batches(data, self.schema, self.name, self._rows,
                                    where=f"DatasetWriter for {self.path}",
                                    layout=None if self.info else "the writer's schema")
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
        """Commit the open files, write ``_SUCCESS``, (overwrite: switch to the new
        generation); returns the files this writer committed."""
        if self._failed is not None:
            self._check_open()
        if self._closed:
            return self.files
        try:
            self._convert()
            for part in self._parts.values():
                self._roll(part)
            if self._generation is None:
                self.storage.finish_append(self._root, self._committed, self._claim, self._rows)
            self._write_success()
            if self._generation is not None:
                self._claim.release()  # its lock file must not travel into the new dataset
                self._generation.commit(self._committed)
                self._committed = [self.path / p.relative_to(self._root) for p in self._committed]
                self._root = self.path
        except BaseException as exc:
            self._fail(exc)
            raise
        self._closed = True
        self._claim.release()
        self._release_guard()
        return self.files

    def abort(self) -> None:
        """Discard this write: open files are dropped, files it already committed
        are removed (append), the new generation is dropped (overwrite)."""
        if self._closed:
            return
        self._closed = True
        for part in self._parts.values():
            if part.writer is not None:
                part.writer.abort()
                part.writer = None
        if self._generation is not None:
            self._claim.release()
            self._generation.abort(self._committed)
            return
        self.storage.remove(self._committed)
        for part in self._parts.values():
            if part.created_folder:
                self.storage.remove_empty_folders(part.folder, self._root)
        self._committed = []
        self._claim.release()
        self._release_guard()

    def _release_guard(self) -> None:
        guard, self._guard = self._guard, None
        if guard is not None:
            guard.release()

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

    def _check_readable(self, existing: list[Path]) -> None:
        """Appending records keeps the dataset readable as that record: every file there
        must be of this record (or an earlier version of it) and readable by it under the
        evolution rules; else nothing is written.  One footer read per file, one
        resolution plan per distinct file schema."""
        if self.info is None:
            return
        seen: set[bytes] = set()
        for f in existing:
            try:
                schema = pq.read_schema(source_of(f), filesystem=self.storage.filesystem)
            except (OSError, pa.ArrowException) as exc:
                raise UsageError(f"{self.path}: cannot append: {f.relative_to(self.path)} is not "
                                 f"a readable Parquet file ({exc})") from None
            self._check_profile(f, schema)
            own = self.info.arrow_schema()
            extra = [own.field(c.name) for c in self.partition_by
                     if c.name not in schema.names and c.name in own.names]
            if extra:  # partition keys live in the folder names, as the reader adds them
                schema = pa.schema([*schema, *extra], metadata=schema.metadata)
            key = schema.serialize().to_pybytes()
            if key in seen:
                continue
            seen.add(key)
            try:
                file_plan(self.info, f, schema)
            except ReadError as exc:
                raise UsageError(
                    f"{self.path}: cannot append {self.name} records: the dataset holds files "
                    f"{self.name} cannot read, so the folder would no longer read as one "
                    f"dataset ({exc}); write to another folder, or mode='overwrite'") from None

    def _check_profile(self, f: Path, schema: Any) -> None:
        """Appending keeps the dataset's engine profile (``schemagen.engine`` in the
        footer, none: ``any``): an engine reads a folder with one physical layout (Spark
        refuses the UUID annotation of an ``any`` file in a ``spark`` dataset)."""
        raw = (schema.metadata or {}).get(ENGINE_KEY.encode(), b"any")
        have = raw.decode("utf-8", "replace")
        want = self.options.get("engine", "any")
        if have != want:
            raise UsageError(
                f"{self.path}: cannot append with engine={want!r}: "
                f"{f.relative_to(self.path)} was written with engine={shorten(have)}; a "
                "dataset keeps one physical layout (an engine reads the folder as one): give "
                f"engine={shorten(have)}, or mode='overwrite'")

    def _check_open(self, *, records: bool = False) -> None:
        if records and self.info is None:
            raise UsageError(f"DatasetWriter for {self.path} writes Arrow data of a bare "
                             "pyarrow.Schema: use write_arrow (records need their generated "
                             "class)")
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
        assert self.info is not None  # (records are refused without a record class)
        try:
            batch = convert_records(self.info, self.cls, self.schema, records, self._rows,
                                    self.options["truncate_time"])
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
        text = _segment_text(value)
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
            raise RecordError(self.name, [RecordProblem(offset + row, col.name, value,
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
        block = self.options["block_size"] if self.roll else None
        while batch.num_rows:
            if part.writer is None:
                self._open(part)
            writer = part.writer
            assert writer is not None
            n = batch.num_rows
            if block:
                per_row = max(batch.nbytes / batch.num_rows, 1e-9)
                room = block - writer.bytes_added
                n = min(n, max(1, int(room // per_row)))
            chunk = batch if n == batch.num_rows else batch.slice(0, n)
            writer.add(chunk)
            batch = batch.slice(n) if n < batch.num_rows else batch.slice(0, 0)
            if block and writer.bytes_added >= block:
                self._roll(part)

    def _open(self, part: _Part) -> None:
        if part.next_index < 0:
            part.created_folder = self.storage.make_folder(part.folder)
            part.next_index = self.storage.next_index(part.folder, self.major, self.minor,
                                                      self.index_scope)
        name = FileName(self.major, self.minor, part.next_index)
        # block_size is the file size here: the dataset writer rolls the file when
        # it is reached, so the file writer only cuts row groups by row count
        options = dict(self.options, block_size=None) if self.roll else self.options
        part.writer = FileWriter(self.storage, part.folder / str(name), self.file_schema,
                                 options, replace=False, scope=self.index_scope)

    def _roll(self, part: _Part) -> None:
        """Commit the partition's current file (if any)."""
        writer, part.writer = part.writer, None
        if writer is None:
            return
        path = writer.close()
        self._committed.append(path)
        part.files.append(path)
        name = FileName.parse(path.name)
        assert name is not None
        part.next_index = name.index + 1

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
            writer.flush_row_group()
            total -= size

    def _write_success(self) -> None:
        """``_SUCCESS`` in the root, once the new names are durable (``storage``)."""
        facts: dict[str, Any] = {"record": self.name} if self.info is not None else {}
        facts.update(mode=self.mode, major=self.major, minor=self.minor,
                     partition_by=[c.name for c in self.partition_by])
        facts.update(self.success_note)
        writer = str(facts.pop("writer", f"schemagen {__version__}"))
        self.storage.write_success(self._root, self._committed, self._rows, writer, **facts)
