"""ParquetWriter: generated records -> one Parquet file, committed atomically.

Records are buffered and converted ``batch_size`` at a time by the record's
generated converter; converted batches are buffered until a row group is full
(``row_group_size`` rows or ``block_size`` bytes of Arrow data, whichever
comes first) and written.  The file is written under a hidden temporary name
in the target folder and renamed into place by :meth:`ParquetWriter.close`;
an exception inside ``with`` removes it, so a partial file never appears
under its final name.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from .._pyarrow import pa, pq
from ..errors import RecordError, RecordProblem, UsageError
from .columns import Invalid
from .reader import without_gc
from .record import RecordInfo, info_of
from .validate import locate

R = TypeVar("R")

COMPRESSIONS = ("none", "snappy", "gzip", "zstd", "lz4", "brotli")
# Row-group target, measured on the Arrow data the writer buffers (uncompressed,
# in memory): 64 MiB keeps memory flat while streaming; on disk such a row
# group is typically 3-10x smaller once encoded and compressed.
DEFAULT_BLOCK_SIZE = 64 * 1024 * 1024
DEFAULT_BATCH_SIZE = 65_536


_OPTION_NAMES = ("compression", "compression_level", "row_group_size", "block_size",
                 "page_size", "use_dictionary", "write_statistics", "batch_size")


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
        "write_statistics": True, "batch_size": DEFAULT_BATCH_SIZE,
    }
    o.update(options)
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


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - cannot happen for a file we just wrote
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ParquetWriter(Generic[R]):
    """Write records of one generated class to one Parquet file.

    ``with schemagen.ParquetWriter(Transaction, "out.parquet") as w: w.write_many(rows)``
    """

    def __init__(
        self,
        record_cls: type[R],
        path: str | os.PathLike[str],
        *,
        _next_name: Callable[[Path], Path] | None = None,
        **options: Any,
    ) -> None:
        self._next_name = _next_name  # set: never replace an existing file, take the next name
        self.info: RecordInfo = info_of(record_cls)
        self.cls = record_cls
        self.options = writer_options(**options)
        self.path = Path(path)
        if self.path.is_dir():
            raise UsageError(f"{self.path} is a directory; give a file name for ParquetWriter")
        self.schema = self.info.arrow_schema()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the folder {self.path.parent}: "
                             f"{exc.strerror or exc}") from None
        self._tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.tmp")
        self._pending: list[R] = []
        self._batches: list[Any] = []
        self._batch_rows = 0
        self._batch_bytes = 0
        self._count = 0  # records accepted so far (for error indexes)
        self._writer: Any = None
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

    @property
    def rows(self) -> int:
        """Records accepted so far."""
        return self._count + len(self._pending)

    def close(self) -> Path:
        """Flush, finish the footer and commit the file under its final name."""
        if self._failed is not None:
            self._check_open()  # raises: a failed writer commits nothing
        if self._closed:
            return self.path
        try:
            self._convert()
            self._flush_row_group()
            if self._writer is None:
                self._open()
            self._writer.close()
            self._commit()
        except BaseException:
            self.abort()
            raise
        self._closed = True
        return self.path

    def _commit(self) -> None:
        _fsync(self._tmp)  # the data is on disk before the name says the file is complete
        if self._next_name is None:
            os.replace(self._tmp, self.path)  # atomic; replaces what was there
            return
        while True:  # no-clobber: several writers may share a folder
            try:
                os.link(self._tmp, self.path)
                break
            except FileExistsError:
                self.path = self._next_name(self.path)
        self._tmp.unlink()

    def abort(self) -> None:
        """Discard everything: the final file is not created (or left as it was)."""
        self._closed = True
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - already failing; cleanup only
                pass
        try:
            self._tmp.unlink()
        except FileNotFoundError:
            pass

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

    def _open(self) -> None:
        o = self.options
        kwargs: dict[str, Any] = {
            "compression": o["compression"],
            "use_dictionary": o["use_dictionary"],
            "write_statistics": o["write_statistics"],
            "store_decimal_as_integer": True,
        }
        if o["compression_level"] is not None:
            kwargs["compression_level"] = o["compression_level"]
        if o["page_size"] is not None:
            kwargs["data_page_size"] = o["page_size"]
        self._writer = pq.ParquetWriter(str(self._tmp), self.schema, **kwargs)

    def _convert(self) -> None:
        records = self._pending
        if not records:
            return
        self._pending = []
        offset = self._count
        try:
            if set(map(type, records)) != {self.cls}:
                raise Invalid("wrong record class")
            batch = without_gc(lambda rs: self.info.to_batch(rs, self.schema), records)
        except (Invalid, AttributeError, TypeError, ValueError, OverflowError,
                pa.ArrowException) as exc:
            root, types = self.info.ir
            problems = locate(types, root, records, offset)
            if not problems:  # pragma: no cover - the checker should always find it
                problems = [RecordProblem(offset, "<batch>", None, f"convertible data ({exc})")]
            error = RecordError(self.info.name, problems)
            # fail-stop: the rows of this batch are not written, so neither is the file
            self.abort()
            self._failed = str(error)
            raise error from None
        self._count += len(records)
        self._batches.append(batch)
        self._batch_rows += batch.num_rows
        self._batch_bytes += batch.nbytes
        while True:
            limit = self._row_limit()
            if limit is None or self._batch_rows < limit:
                break
            self._flush_row_group(limit)

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

    def _flush_row_group(self, max_rows: int | None = None) -> None:
        if not self._batches:
            return
        if self._writer is None:
            self._open()
        table = pa.Table.from_batches(self._batches, schema=self.schema)
        rest = None
        if max_rows and table.num_rows > max_rows:
            table, rest = table.slice(0, max_rows), table.slice(max_rows)
        self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
        self._batches = []
        self._batch_rows = self._batch_bytes = 0
        if rest is not None and rest.num_rows:
            self._batches = rest.to_batches()
            self._batch_rows = rest.num_rows
            self._batch_bytes = rest.nbytes
