"""ParquetWriter: generated records -> one Parquet file, committed atomically.

Records are buffered and converted ``batch_size`` at a time by the record's
generated converter; converted batches are buffered until a row group is full
(``row_group_size`` rows or ``block_size`` bytes of Arrow data, whichever
comes first) and written (:class:`FileWriter`).  The file is staged and
committed by ``storage.py`` (a hidden temporary name in the target folder,
renamed into place by :meth:`ParquetWriter.close`); an exception inside
``with`` removes it, so a partial file never appears under its final name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from .._pyarrow import pa, pc, pq
from ..errors import RecordError, RecordProblem, UsageError, shorten
from ..typemap import engines
from .columns import TRUNCATE_TIME, Invalid, fill_empty
from .location import locate_with
from .reader import without_gc
from .record import RecordInfo, complete_class, info_of
from .storage import Scope, Storage
from .validate import locate

R = TypeVar("R")

COMPRESSIONS = ("none", "snappy", "gzip", "zstd", "lz4", "brotli")
# Row-group target, measured on the Arrow data the writer buffers (uncompressed,
# in memory): 64 MiB keeps memory flat while streaming; on disk such a row
# group is typically 3-10x smaller once encoded and compressed.
DEFAULT_BLOCK_SIZE = 64 * 1024 * 1024
DEFAULT_BATCH_SIZE = 65_536


_OPTION_NAMES = ("compression", "compression_level", "row_group_size", "block_size",
                 "page_size", "use_dictionary", "write_statistics", "batch_size", "engine",
                 "allow_truncation", "truncate_time")


def writer_options(**options: Any) -> dict[str, Any]:
    """Validate writer options; returns them normalised with defaults (raises UsageError)."""
    unknown = sorted(set(options) - set(_OPTION_NAMES))
    if unknown:
        raise UsageError(
            f"unknown writer option(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(_OPTION_NAMES)}"
        )
    o: dict[str, Any] = {
        "compression": "snappy", "compression_level": None, "row_group_size": None,
        "block_size": DEFAULT_BLOCK_SIZE, "page_size": None, "use_dictionary": True,
        "write_statistics": True, "batch_size": DEFAULT_BATCH_SIZE, "engine": "any",
        "allow_truncation": False, "truncate_time": False,
    }
    o.update(options)
    o["engine"] = engines.check_engine(o["engine"])
    for flag in ("allow_truncation", "truncate_time"):
        if not isinstance(o[flag], bool):
            raise UsageError(f"{flag} must be True or False, got {o[flag]!r}")
    comp = str(o["compression"]).lower()
    if comp not in COMPRESSIONS:
        raise UsageError(
            f"unknown compression {o['compression']!r}; expected one of {', '.join(COMPRESSIONS)}"
        )
    o["compression"] = comp
    for name in ("row_group_size", "block_size", "page_size", "batch_size"):
        value = o[name]
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value <= 0):
            raise UsageError(f"{name} must be a positive integer, got {value!r}")
    if o["batch_size"] is None:
        raise UsageError("batch_size must be a positive integer, got None")
    if not isinstance(o["write_statistics"], bool):
        raise UsageError(f"write_statistics must be True or False, got {o['write_statistics']!r}")
    ud = o["use_dictionary"]
    if not isinstance(ud, bool) and not (
        isinstance(ud, (list, tuple)) and all(isinstance(c, str) for c in ud)
    ):
        raise UsageError(f"use_dictionary must be True, False or a list of column names, got {ud!r}")
    level = o["compression_level"]
    if level is not None:
        if comp in ("none", "snappy"):
            raise UsageError(f"compression {comp!r} takes no compression_level")
        codec = "lz4_frame" if comp == "lz4" else comp
        try:
            lo = pa.Codec.minimum_compression_level(codec)
            hi = pa.Codec.maximum_compression_level(codec)
        except (ValueError, pa.ArrowException):  # pragma: no cover - codec without levels
            raise UsageError(f"compression {comp!r} takes no compression_level") from None
        if not isinstance(level, int) or isinstance(level, bool) or not lo <= level <= hi:
            raise UsageError(
                f"compression_level for {comp} must be an integer in [{lo}, {hi}], got {level!r}"
            )
    return o


def check_bounded(options: dict[str, Any]) -> None:
    """UsageError when neither ``block_size`` nor ``row_group_size`` bounds a row group
    (the whole file would be held in memory until ``close()``)."""
    if options["block_size"] is None and options["row_group_size"] is None:
        raise UsageError("block_size=None needs row_group_size (rows per row group): "
                         "without either, a writer would hold all its data in memory "
                         "until close()")


def as_path(path: Any, who: str) -> Path:
    """``path`` as a Path; a UsageError for other types and for the empty string (which
    pathlib reads as the current folder: mostly an unset variable, never meant)."""
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"{who}: path must be a str or pathlib.Path, got "
                         f"{type(path).__name__} {shorten(path, 200)}")
    if isinstance(path, str) and not path.strip():
        raise UsageError(f"{who}: path is empty ({path!r}); give a file or folder name "
                         "('.' for the current folder)")
    return Path(path)


def parquet_writer_kwargs(options: Mapping[str, Any]) -> dict[str, Any]:
    """``pq.ParquetWriter`` keyword arguments from (validated) writer options."""
    kwargs: dict[str, Any] = {
        "compression": options.get("compression", "snappy"),
        "use_dictionary": options.get("use_dictionary", True),
        "write_statistics": options.get("write_statistics", True),
        "store_decimal_as_integer": True,
    }
    if options.get("compression_level") is not None:
        kwargs["compression_level"] = options["compression_level"]
    if options.get("page_size") is not None:
        kwargs["data_page_size"] = options["page_size"]
    return kwargs


def convert_records(info: RecordInfo, cls: type, schema: Any, records: list[Any],
                    offset: int, truncate_time: bool = False) -> Any:
    """Records -> one Arrow batch in ``schema`` with the generated converter.

    On failure the slow checker names the record (``offset`` + its index in
    ``records``), field path, value and expectation: a RecordError.
    ``truncate_time``: time and timestamp values with digits finer than their column's
    unit are floored to it (toward the past) instead of refused, on the native and the
    pure-Python path alike (:data:`schemagen.runtime.columns.TRUNCATE_TIME`).
    """
    token = TRUNCATE_TIME.set(truncate_time)
    try:
        return _convert_records(info, cls, schema, records, offset)
    finally:
        TRUNCATE_TIME.reset(token)


def _convert_records(info: RecordInfo, cls: type, schema: Any, records: list[Any],
                     offset: int) -> Any:
    try:
        kinds = set(map(type, records))
        if kinds != {cls} and any(complete_class(k) is not cls for k in kinds):
            # (records of a projected read are written only once every field is set:
            # the generated writer then raises NotReadError, and the checker names them)
            raise Invalid("wrong record class")
        return without_gc(lambda rs: info.to_batch(rs, schema), records)
    except (Invalid, AttributeError, TypeError, ValueError, OverflowError,
            pa.ArrowException) as exc:
        root, types = info.ir
        problems = locate(types, root, records, offset)
        if not problems:  # pragma: no cover - the checker should always find it
            problems = [RecordProblem(offset, "<batch>", None, f"convertible data ({exc})")]
        raise RecordError(info.name, problems) from None


def _type_text(field: Any) -> str:
    return f"{field.type}{'' if field.nullable else ' not null'}"


def _first_difference(got: Any, want: Any, path: str, index: int = -1) -> str | None:
    """Where two Arrow fields differ in name or type (nested too), or None.

    Nullability and the names of list/map children (``item`` vs ``element``)
    are not compared: data from ``pa.table(...)`` is nullable and names list
    items ``item``.  The data is cast to the wanted layout, and nulls in
    required fields are then found value by value (a RecordError naming the row).
    """
    if got.name != want.name:
        if not path:
            return f"column {index} is named {got.name!r}, expected {want.name!r}"
        return f"column {path!r}: child field named {got.name!r}, expected {want.name!r}"
    here = f"{path}.{want.name}" if path else want.name
    gt, wt = got.type, want.type
    if gt.equals(wt):
        return None
    plain = f"column {here!r}: got {_type_text(got)}, expected {_type_text(want)}"
    if pa.types.is_struct(gt) and pa.types.is_struct(wt):
        gf = [gt.field(i) for i in range(gt.num_fields)]
        wf = [wt.field(i) for i in range(wt.num_fields)]
        for g, w in zip(gf, wf):
            found = _first_difference(g, w, here)
            if found:
                return found
        if len(gf) != len(wf):
            return plain + f" ({len(gf)} fields instead of {len(wf)})"
        return None
    if pa.types.is_map(gt) and pa.types.is_map(wt):
        for g, w in ((gt.key_field, wt.key_field), (gt.item_field, wt.item_field)):
            found = _first_difference(g.with_name(w.name), w, here)
            if found:
                return found
        return None
    if _is_list(gt) and _is_list(wt):
        return _first_difference(gt.value_field.with_name(wt.value_field.name),
                                 wt.value_field, here)
    if _same_values(gt, wt):
        return None
    return plain


_STRINGS = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
_BINARIES = (pa.types.is_binary, pa.types.is_large_binary, pa.types.is_binary_view)


def _is_list(t: Any) -> bool:
    return bool(pa.types.is_list(t) or pa.types.is_large_list(t))


def _same_values(got: Any, want: Any) -> bool:
    """Leaf types holding the same values in another Arrow representation: large or
    view strings/binaries (Polars, pandas), dictionary-encoded columns (categoricals,
    ``read_dictionary``).  Cast to the record's representation before writing."""
    if pa.types.is_dictionary(got):
        return bool(got.value_type.equals(want) or _same_values(got.value_type, want))
    return any(any(k(got) for k in kinds) and any(k(want) for k in kinds)
               for kinds in (_STRINGS, _BINARIES))


def _loose(t: Any) -> Any:
    """``t`` with every child nullable (the checks below find nulls where required)."""
    if pa.types.is_struct(t):
        return pa.struct([t.field(i).with_type(_loose(t.field(i).type)).with_nullable(True)
                          for i in range(t.num_fields)])
    if pa.types.is_map(t):
        return pa.map_(t.key_field.with_type(_loose(t.key_type)),
                       t.item_field.with_type(_loose(t.item_type)).with_nullable(True))
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(_loose(t.value_type)).with_nullable(True))
    return t


def _same_layout(got: Any, want: Any) -> bool:
    """Same Arrow physical types all the way down (names and nullability aside)."""
    if pa.types.is_struct(got) and pa.types.is_struct(want):
        return all(_same_layout(got.field(i).type, want.field(i).type)
                   for i in range(want.num_fields))
    if pa.types.is_map(got) and pa.types.is_map(want):
        return (_same_layout(got.key_type, want.key_type)
                and _same_layout(got.item_type, want.item_type))
    if pa.types.is_list(got) and pa.types.is_list(want):
        return _same_layout(got.value_type, want.value_type)
    return bool(got.equals(want))


def _first_null(arr: Any, field: Any, path: str, rows: Any, parent_valid: Any) -> Any:
    """(path, top-level row) of the first null where ``field`` (or a child) is required.

    Vectorised; children of null parents may hold anything (Parquet never
    reads them).  ``rows`` maps positions of ``arr`` to top-level rows
    (None: identity); ``parent_valid`` masks positions whose parents exist.
    """
    if not field.nullable and arr.null_count:
        bad = arr.is_null()
        if parent_valid is not None:
            bad = pc.and_(bad, parent_valid)
        if pc.any(bad).as_py():
            pos = pc.index(bad, True).as_py()
            return path, int(rows[pos]) if rows is not None else pos
    t = field.type  # the wanted layout (the data's own may say nullable)
    if pa.types.is_struct(t):
        valid = arr.is_valid()
        if parent_valid is not None:
            valid = pc.and_(valid, parent_valid)
        for i in range(t.num_fields):
            child = t.field(i)
            found = _first_null(arr.field(i), child, f"{path}.{child.name}", rows, valid)
            if found:
                return found
    elif pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_map(t):
        arr = _as_list(arr)
        values = arr.flatten()  # items of present lists only (null lists hold none)
        if len(values) == 0:
            return None
        parents = pc.list_parent_indices(arr).to_numpy()
        sub_rows = parents if rows is None else rows[parents]
        if pa.types.is_map(t):
            for i, child in enumerate((t.key_field, t.item_field)):
                found = _first_null(values.field(i), child, f"{path}{{{child.name}}}",
                                    sub_rows, None)
                if found:
                    return found
        else:
            return _first_null(values, t.value_field, f"{path}[]", sub_rows, None)
    return None


def _has_nulls_below(arr: Any) -> bool:
    """Cheap pre-check: does any array in this column's tree hold a null?"""
    if arr.null_count:
        return True
    t = arr.type
    if pa.types.is_struct(t):
        return any(_has_nulls_below(arr.field(i)) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_map(t):
        return _has_nulls_below(_as_list(arr).flatten())
    return False


def _fill_required(arr: Any, nullable: bool, want: Any = None) -> Any:
    """Placeholder values for the nulls left in required fields, which (checked by
    :func:`_first_null` before) all sit under a null parent: Arrow allows them
    there, Parquet writers do not.  ``want``: the wanted type, whose children say
    which are required (default: the data's own).  Returns ``arr`` itself when
    nothing changes."""
    t = arr.type
    w = t if want is None else want
    mask = arr.is_null() if arr.null_count else None
    if pa.types.is_struct(t):
        kids = [arr.field(i) for i in range(t.num_fields)]
        new = [_fill_required(k, w.field(i).nullable, w.field(i).type)
               for i, k in enumerate(kids)]
        if any(n is not k for n, k in zip(new, kids)):
            arr = pa.StructArray.from_arrays(new, fields=list(t), mask=mask)
    elif pa.types.is_map(t):
        keys = _fill_required(arr.keys, False, w.key_type)
        items = _fill_required(arr.items, w.item_field.nullable, w.item_type)
        if keys is not arr.keys or items is not arr.items:
            arr = pa.MapArray.from_arrays(arr.offsets, keys, items, type=t, mask=mask)
    elif pa.types.is_list(t) or pa.types.is_large_list(t):
        values = _fill_required(arr.values, w.value_field.nullable, w.value_type)
        if values is not arr.values:
            arr = type(arr).from_arrays(arr.offsets, values, type=t, mask=mask)
    if not nullable and arr.null_count:
        arr = fill_empty(arr, arr.null_count)
    return arr


def _as_list(arr: Any) -> Any:
    """A map array seen as its list of key/value structs (no copy, no validation:
    the data may hold the very nulls being looked for); lists unchanged."""
    if not pa.types.is_map(arr.type):
        return arr
    entries = arr.values
    as_list = pa.list_(pa.field("key_value", entries.type, nullable=False))
    return pa.Array.from_buffers(as_list, len(arr), arr.buffers()[:2], offset=arr.offset,
                                 children=[entries])


def arrow_batches(data: Any, schema: Any, record_name: str, offset: int, *,
                  where: str, layout: str | None = None) -> list[Any]:
    """Check Arrow data against ``schema``; return its batches rebuilt on ``schema``.

    Names and types must match, nested too (nullability, list/map child names,
    schema and field metadata are not compared; large and view strings/binaries,
    dictionary-encoded columns and large lists are converted): a mismatch is a
    UsageError naming the first differing column.  A null in a
    required column (nested ones too) is a RecordError naming the row
    (``offset`` + row in ``data``) and the field path.
    """
    if isinstance(data, pa.RecordBatch):
        batches = [data]
    elif isinstance(data, pa.Table):
        batches = data.to_batches()
    else:
        raise UsageError(f"{where}: write_arrow takes a pyarrow.Table or pyarrow.RecordBatch, "
                         f"got {type(data).__name__}")
    layout = layout or f"{record_name}.arrow_schema()"
    got_schema = data.schema
    got = list(got_schema)
    want = list(schema)
    for i, (g, w) in enumerate(zip(got, want)):
        problem = _first_difference(g, w, "", i)
        if problem:
            raise UsageError(f"{where}: Arrow data does not match {layout}: "
                             f"{problem}")
    if len(got) != len(want):
        extra = [f.name for f in got[len(want):]]
        missing = [f.name for f in want[len(got):]]
        what = (f"extra column(s) {', '.join(map(repr, extra))}" if extra
                else f"missing column(s) {', '.join(map(repr, missing))}")
        raise UsageError(f"{where}: Arrow data does not match {layout}: "
                         f"{what}")
    out = []
    base = offset
    for batch in batches:
        columns = batch.columns
        for i, f in enumerate(want):
            col = columns[i]
            if not _same_layout(col.type, f.type):
                # large/view strings, dictionaries, large lists: the record's own
                # representation first (nullable: nulls are checked below)
                try:
                    col = columns[i] = col.cast(_loose(f.type))
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    raise UsageError(f"{where}: column {f.name!r}: {col.type} cannot be "
                                     f"converted to {f.type} ({exc})") from None
            if _has_nulls_below(col):
                # nullability as the record says (the data's own may differ, see
                # _first_difference): a null in a required field is a RecordError
                found = _first_null(col, f, f.name, None, None)
                if found:
                    path, row = found
                    raise RecordError(record_name, [RecordProblem(
                        base + row, path, None, "a value (the field is required, got null)")])
                col = columns[i] = _fill_required(col, f.nullable, f.type)
            if not col.type.equals(f.type):
                # same layout, other nullability or child names: now safe to cast
                columns[i] = col.cast(f.type)
        out.append(pa.RecordBatch.from_arrays(columns, schema=schema))
        base += batch.num_rows
    return out


class FileWriter:
    """Arrow batches already in ``schema`` -> one Parquet file, staged by ``storage``.

    Batches are buffered until a row group is full (``row_group_size`` rows or
    ``block_size`` bytes of Arrow data, whichever comes first) and written to the
    staged (temporary) file; :meth:`close` finishes the footer and commits the
    file (``replace``: over ``path``; else never clobbering, under the next free
    ``{major}_{minor}_{index}`` name of ``scope``).  ``ParquetWriter`` and
    ``DatasetWriter`` write through it.
    """

    def __init__(self, storage: Storage, path: Path, schema: Any, options: Mapping[str, Any],
                 *, replace: bool, scope: Scope = "pair") -> None:
        self.storage = storage
        self.schema = schema
        self.options = options
        self._profile = engines.profile(options.get("engine", "any"))
        self._file_schema = self._profile.file_schema(schema)  # the engine's physical layout
        self._staged = storage.stage(path, replace=replace, scope=scope)
        self._writer: Any = None
        self._batches: list[Any] = []
        self._batch_rows = 0
        self._batch_bytes = 0
        self.bytes_added = 0  # Arrow bytes handed to this file so far

    @property
    def target(self) -> Path:
        """Where the file lands when committed (before a no-clobber rename)."""
        return self._staged.target

    @property
    def buffered_bytes(self) -> int:
        """Arrow bytes added but not yet written as a row group."""
        return self._batch_bytes

    def add(self, batch: Any) -> None:
        """Buffer one batch (in ``schema``); full row groups are written."""
        self._batches.append(batch)
        self._batch_rows += batch.num_rows
        self._batch_bytes += batch.nbytes
        self.bytes_added += batch.nbytes
        while True:
            limit = self._row_limit()
            if limit is None or self._batch_rows < limit:
                break
            self.flush_row_group(limit)

    def _row_limit(self) -> int | None:
        """Rows for the next row group: ``row_group_size``, or what fits ``block_size``."""
        o = self.options
        limits = []
        if o["row_group_size"]:
            limits.append(o["row_group_size"])
        if o["block_size"] and self._batch_rows:
            per_row = max(self._batch_bytes / self._batch_rows, 1e-9)
            limits.append(max(1, int(o["block_size"] // per_row)))
        return min(limits) if limits else None

    def _open(self) -> None:
        self._writer = pq.ParquetWriter(self._staged.where, self._file_schema,
                                        filesystem=self._staged.filesystem,
                                        **parquet_writer_kwargs(self.options))

    def flush_row_group(self, max_rows: int | None = None) -> None:
        """Write the buffered rows (at most ``max_rows``) as one row group."""
        if not self._batches:
            return
        if self._writer is None:
            self._open()
        table = pa.Table.from_batches(self._batches, schema=self.schema)
        rest = None
        if max_rows and table.num_rows > max_rows:
            table, rest = table.slice(0, max_rows), table.slice(max_rows)
        table = self._profile.to_file(table, self._file_schema,
                                      self.options.get("allow_truncation", False))
        self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
        self._batches = []
        self._batch_rows = self._batch_bytes = 0
        if rest is not None and rest.num_rows:
            self._batches = rest.to_batches()
            self._batch_rows = rest.num_rows
            self._batch_bytes = rest.nbytes

    def close(self) -> Path:
        """Write what is buffered, finish the footer, commit; returns the final name.
        On failure nothing is committed (the staged file is removed)."""
        try:
            self.flush_row_group()
            if self._writer is None:
                self._open()
            self._writer.close()
            return self.storage.commit(self._staged)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Discard the file: nothing appears under its final name."""
        writer, self._writer = self._writer, None
        self._batches = []
        self._batch_rows = self._batch_bytes = 0
        if writer is not None:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - already failing; cleanup only
                pass
        self.storage.discard(self._staged)


class ParquetWriter(Generic[R]):
    """Write records of one generated class to one Parquet file.

    ``with schemagen.ParquetWriter(Transaction, "out.parquet") as w: w.write_many(rows)``
    """

    def __init__(
        self,
        record_cls: type[R],
        path: str | os.PathLike[str],
        *,
        storage: Storage | None = None,
        filesystem: Any = None,
        **options: Any,
    ) -> None:
        self.info: RecordInfo = info_of(record_cls)
        self.cls = self.info.cls  # (the record class of a partial one: see convert_records)
        self.options = writer_options(**options)
        check_bounded(self.options)
        loc = locate_with(path, filesystem, storage, who="ParquetWriter")
        self.path, store = loc.path, loc.storage
        if store.kind(self.path) == "dir":
            raise UsageError(f"{self.path} is a directory; give a file name for ParquetWriter")
        self.schema = self.info.arrow_schema()
        self._file = FileWriter(store, self.path, self.schema, self.options, replace=True)
        store.make_folder(self._file.target.parent)
        self._pending: list[R] = []
        self._count = 0  # records accepted so far (for error indexes)
        self._closed = False
        self._failed: str | None = None  # fail-stop: after a RecordError nothing is committed

    # ------------------------------------------------------------------ public

    def _check_open(self) -> None:
        if self._failed is not None:
            raise UsageError(
                f"ParquetWriter for {self.path} stopped at an earlier error ({self._failed}); "
                "nothing was committed"
            )
        if self._closed:
            raise UsageError(f"ParquetWriter for {self.path} is closed; nothing more can be written")

    def write(self, record: R) -> None:
        self._check_open()
        self._pending.append(record)
        if len(self._pending) >= self.options["batch_size"]:
            self._convert()

    def write_many(self, records: Iterable[R]) -> None:
        self._check_open()
        size = self.options["batch_size"]
        if isinstance(records, list) and not self._pending:
            for start in range(0, len(records), size):
                self._pending = records[start : start + size]
                if len(self._pending) == size:
                    self._convert()
            return
        pending = self._pending
        for r in records:
            pending.append(r)
            if len(pending) >= size:
                self._convert()
                pending = self._pending

    def write_arrow(self, data: Any) -> None:
        """Append Arrow data (a ``pyarrow.Table`` or ``RecordBatch``) laid out
        as ``Record.arrow_schema()``: same column and child names and types
        (nullability, list item names, metadata and field ids are not compared;
        large/view strings, dictionaries and large lists are converted).

        No Python objects are built: the columns go to the file as they are.
        A layout mismatch is a UsageError naming the first differing column;
        a null in a required column is a RecordError naming row and field.
        Records written before with :meth:`write` keep their place in the file.
        """
        self._check_open()
        self._convert()
        try:
            batches = arrow_batches(data, self.schema, self.info.name, self._count,
                                    where=f"ParquetWriter for {self.path}")
        except RecordError as error:
            self.abort()
            self._failed = str(error)
            raise
        for batch in batches:
            self._count += batch.num_rows
            self._file.add(batch)

    @property
    def rows(self) -> int:
        """Records (and Arrow rows) accepted so far."""
        return self._count + len(self._pending)

    @property
    def buffered_bytes(self) -> int:
        """Arrow bytes converted but not yet written as a row group."""
        return self._file.buffered_bytes

    def close(self) -> Path:
        """Flush, finish the footer and commit the file under its final name."""
        if self._failed is not None:
            self._check_open()  # raises: a failed writer commits nothing
        if self._closed:
            return self.path
        try:
            self._convert()
            self._file.close()
        except BaseException:
            self.abort()
            raise
        self._closed = True
        return self.path

    def abort(self) -> None:
        """Discard everything: the final file is not created (or left as it was)."""
        self._closed = True
        self._file.abort()

    def __enter__(self) -> ParquetWriter[R]:
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

    def _convert(self) -> None:
        records = self._pending
        if not records:
            return
        self._pending = []
        try:
            batch = convert_records(self.info, self.cls, self.schema, records, self._count,
                                    self.options["truncate_time"])
        except RecordError as error:
            # fail-stop: the rows of this batch are not written, so neither is the file
            self.abort()
            self._failed = str(error)
            raise
        self._count += len(records)
        self._file.add(batch)
