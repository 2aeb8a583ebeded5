"""The Parquet syncer: ``connect(uri)`` -> ``dump(table, rows)`` / ``load(table)``.

A syncer keeps named tables of rows in a folder of Parquet datasets, the way
cs_tools' Parquet syncer does (``protocol://definition`` URIs, a
``[configuration]`` table, ``load`` returning a list of dicts), with its bugs
fixed:

* every dump *appends* a new file ``<directory>/<table>/{major}_{minor}_{index}.parquet``
  (cs_tools rewrote ``<directory>/<table>.parquet``, losing earlier batches);
* the columns are the union of the keys of *all* rows, in first-seen order
  (``pyarrow.Table.from_pylist`` only looks at the first row's keys);
* each column holds one type, checked over every row (int and float mix to
  float); anything else is a :class:`SyncerError` naming the table, column,
  rows and types instead of a pyarrow conversion error;
* an empty dump creates the (empty) table rather than nothing, so ``load``
  returns ``[]``; loading a table that was never dumped is an error;
* relative directories are relative to the definition file, not to the
  current directory; unknown configuration keys are errors.

A dump is a thin client of ``DatasetWriter`` on the rows' own Arrow schema
(one file, no rolling, the index continuing after every pair's), so files are
committed by ``runtime/storage.py``: written under a hidden temporary name and
linked into place only when complete, a reader never sees a partial file.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import hashlib
import importlib
import os
import threading
import tomllib
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from schemagen._pyarrow import pa, pc, pq
from schemagen.convert.coerce import RowCoercer
from schemagen.convert.plan import Node, plan_record
from schemagen.convert.rejects import BadValue
from schemagen.errors import SchemagenError, SyncerError, UsageError, shorten
from schemagen.runtime.location import Location, source_of
from schemagen.runtime.reader import parquet_files
from schemagen.runtime.record import info_of
from schemagen.runtime.storage import FileName, default_storage
from schemagen.typemap.parquet import SCHEMA_KEY

R = TypeVar("R")

PROTOCOLS = ("parquet",)
DEFAULT_COMPRESSION = "gzip"  # cs_tools' default
CONFIG_KEYS = ("directory", "compression", "compression_level", "row_group_size",
               "block_size", "page_size", "use_dictionary", "write_statistics")
_INT_KEYS = frozenset({"compression_level", "row_group_size", "block_size", "page_size"})
_BOOL_KEYS = frozenset({"write_statistics"})
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_MAX_TABLE_NAME = 200
_FLOAT_EXACT = 2**53  # ints beyond this cannot be stored exactly in a float column

__all__ = ["CONFIG_KEYS", "DEFAULT_COMPRESSION", "MODES", "PROTOCOLS", "ParquetSyncer", "SyncerError", "connect",
           "default_config_locations", "rows_to_table", "user_config_path"]


# ============================================================================ configuration


def connect(uri: str) -> ParquetSyncer:
    """A syncer for ``uri``.

    * ``parquet:///path/to/definition.toml`` (or ``parquet://relative/definition.toml``):
      a TOML file with a ``[configuration]`` table;
    * ``parquet://default``: the default definition of the nearest ``pyproject.toml``
      (``[tool.schemagen.syncers] default = ...``), else of the user config file
      (``$XDG_CONFIG_HOME/schemagen/config.toml``, ``[syncers] default = ...``);
    * ``parquet://?directory=out&compression=snappy``: the configuration inline.

    A definition (file or default) may be followed by ``?key=value`` overrides.
    """
    if not isinstance(uri, str):
        raise SyncerError(f"a syncer URI must be a string like 'parquet:///path/definition.toml', "
                          f"got {uri!r}")
    protocol, sep, rest = uri.partition("://")
    if not sep:
        raise SyncerError(
            f"syncer URI {uri!r} has no protocol; expected protocol://definition, e.g. "
            "'parquet:///path/definition.toml', 'parquet://default' or "
            "'parquet://?directory=out'"
        )
    if protocol.lower() not in PROTOCOLS:
        raise SyncerError(f"syncer URI {uri!r}: unknown protocol {protocol!r}; "
                          f"supported: {', '.join(PROTOCOLS)}")
    spec, qmark, query = rest.partition("?")
    overrides = _parse_query(uri, query) if qmark else {}
    if spec == "" and qmark:  # inline: parquet://?directory=...
        return _build(overrides, Path.cwd(), f"syncer URI {uri!r}")
    if spec in ("", "default"):
        conf, base, source = _find_default(uri)
    else:
        conf, base, source = _read_definition(_expand(spec, f"syncer URI {uri!r}"))
    if overrides:
        conf = {**conf, **overrides}
        source = f"{source} (with overrides from {uri!r})"
        if "directory" in overrides:  # a directory typed in the URI: relative to here
            base = Path.cwd()
    return _build(conf, base, source)


def _parse_query(uri: str, query: str) -> dict[str, Any]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise SyncerError(f"syncer URI {uri!r}: the query {query!r} is not key=value pairs "
                          "joined by '&'") from None
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise SyncerError(f"syncer URI {uri!r}: key {key!r} is given twice")
        if key not in CONFIG_KEYS:
            raise SyncerError(f"syncer URI {uri!r}: unknown key {key!r}; "
                              f"known keys: {', '.join(CONFIG_KEYS)}")
        out[key] = _from_text(uri, key, value)
    return out


def _from_text(uri: str, key: str, value: str) -> Any:
    """Convert an inline (URI) value to the type the key takes."""
    where = f"syncer URI {uri!r}: {key}"
    if key in _INT_KEYS:
        try:
            return int(value, 10)
        except ValueError:
            raise SyncerError(f"{where} must be an integer, got {value!r}") from None
    if key in _BOOL_KEYS or key == "use_dictionary":
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        names = [c.strip() for c in value.split(",")]  # the columns to dictionary-encode
        if key == "use_dictionary" and all(names):
            return names
        expected = "true or false" + (" or a comma-separated list of column names"
                                      if key == "use_dictionary" else "")
        raise SyncerError(f"{where} must be {expected}, got {value!r}")
    return value


def _expand(text: str, where: str) -> Path:
    """``text`` as a path, ``~`` expanded; a NUL or an unknown ``~user`` is an error."""
    if "\0" in text:
        raise SyncerError(f"{where}: the path {text!r} contains a NUL character")
    try:
        return Path(text).expanduser()
    except RuntimeError as exc:  # ~someone without a home folder
        raise SyncerError(f"{where}: cannot expand {text!r} ({exc})") from None


def user_config_path() -> Path:
    """``$XDG_CONFIG_HOME/schemagen/config.toml`` (``~/.config/...`` when unset or relative)."""
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"
    return base / "schemagen" / "config.toml"


def default_config_locations(cwd: Path | None = None) -> list[Path]:
    """Where ``parquet://default`` looks, in order."""
    here = (cwd or Path.cwd()).resolve()
    return [p / "pyproject.toml" for p in (here, *here.parents)] + [user_config_path()]


def _find_default(uri: str) -> tuple[dict[str, Any], Path, str]:
    looked: list[str] = []
    user = user_config_path()
    for path in default_config_locations():
        is_user = path == user
        if not path.is_file():
            if is_user:
                looked.append(f"{path} (no such file)")
            continue
        data = _load_toml(path)
        where = "[syncers]" if is_user else "[tool.schemagen.syncers]"
        table: Any = data.get("syncers") if is_user else data
        if not is_user:
            for part in ("tool", "schemagen", "syncers"):
                table = table.get(part) if isinstance(table, dict) else None
        if table is None:
            looked.append(f"{path} (no {where} table)")
            continue
        if not isinstance(table, dict):
            raise SyncerError(f"{path}: {where} must be a table, got {table!r}")
        unknown = sorted(set(table) - {"default"})
        if unknown:
            raise SyncerError(f"{path}: unknown key {unknown[0]!r} in {where}; "
                              "the only key is 'default'")
        if "default" not in table:
            raise SyncerError(f"{path}: {where} has no 'default' (a definition file path "
                              "or an inline table of configuration keys)")
        value = table["default"]
        if isinstance(value, str):
            target = _expand(value, f"{path}: {where} default")
            if not target.is_absolute():
                target = path.parent / target
            return _read_definition(target, referrer=f"{path} {where} default")
        if isinstance(value, dict):
            return value, path.parent, f"{path} {where} default"
        raise SyncerError(f"{path}: {where} default must be a definition file path or an "
                          f"inline table, got {value!r}")
    if not any("pyproject.toml" in entry for entry in looked):
        looked.insert(0, f"pyproject.toml in {Path.cwd()} and its parents (none found)")
    raise SyncerError(
        f"syncer URI {uri!r}: no default syncer definition found; looked in: "
        + "; ".join(looked)
        + ". Set [tool.schemagen.syncers] default = \"path/to/definition.toml\" in "
        f"pyproject.toml, or [syncers] default = ... in {user}"
    )


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SyncerError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SyncerError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SyncerError(f"{path}: invalid TOML: {exc}") from None


def _read_definition(path: Path, referrer: str = "") -> tuple[dict[str, Any], Path, str]:
    by = f" (named by {referrer})" if referrer else ""
    if path.is_dir():
        raise SyncerError(f"{path}{by} is a folder; expected a TOML definition file")
    if not path.exists():
        where = "" if path.is_absolute() else f" (relative to the current folder {Path.cwd()})"
        raise SyncerError(f"no syncer definition file at {path}{where}{by}")
    data = _load_toml(path)
    unknown = sorted(set(data) - {"configuration"})
    if unknown:
        raise SyncerError(f"{path}: unknown key {unknown[0]!r} at the top level; a definition "
                          "holds one [configuration] table")
    conf = data.get("configuration")
    if not isinstance(conf, dict):
        raise SyncerError(f"{path}: missing [configuration] table (with at least "
                          "directory = \"...\")" if conf is None else
                          f"{path}: configuration must be a table, got {conf!r}")
    return conf, path.resolve().parent, str(path)


def _build(conf: Mapping[str, Any], base: Path, source: str) -> ParquetSyncer:
    options = dict(conf)
    directory = options.pop("directory", None)
    return ParquetSyncer(directory, _base=base, _source=source, **options)


def _configure(conf: Mapping[str, Any], base: Path, source: str,
               filesystem: Any = None) -> tuple[Location, dict[str, Any]]:
    """Validate configuration keys and values -> (directory, writer options).  The
    directory may be a URI (``s3://bucket/tables/``; ``filesystem``: a ``pyarrow.fs`` or
    fsspec file system for it)."""
    from schemagen.runtime.writer import writer_options

    for key in conf:
        if key not in CONFIG_KEYS:
            raise SyncerError(f"{source}: unknown key {key!r} in [configuration]; "
                              f"known keys: {', '.join(CONFIG_KEYS)}")
    directory = conf.get("directory")
    if directory is None:
        raise SyncerError(f"{source}: 'directory' is required (the folder the tables go to)")
    if isinstance(directory, os.PathLike):
        directory = os.fspath(directory)
    if not isinstance(directory, str) or not directory.strip():
        raise SyncerError(f"{source}: directory must be a non-empty path, got {directory!r}")
    where = _directory(directory, base, source, filesystem)
    if where.storage.kind(where.path) == "file":
        raise SyncerError(f"{source}: directory {where.path} exists and is not a folder")
    options: dict[str, Any] = {"compression": DEFAULT_COMPRESSION}
    for key, value in conf.items():
        if key == "directory":
            continue
        if key in _INT_KEYS and value is not None and (
                not isinstance(value, int) or isinstance(value, bool)):
            raise SyncerError(f"{source}: {key} must be an integer, got {value!r}")
        if key == "compression" and not isinstance(value, str):
            raise SyncerError(f"{source}: compression must be a string, got {value!r}")
        options[key] = value
    try:
        checked = writer_options(**options)
    except UsageError as exc:
        raise SyncerError(f"{source}: {exc}") from None
    return where, {k: checked[k] for k in options}


def _directory(text: str, base: Path, source: str, filesystem: Any) -> Location:
    """The syncer's directory: a URI on its store, else a local folder (``~`` expanded,
    relative to ``base``, resolved)."""
    from schemagen.runtime.location import locate

    if "://" in text or filesystem is not None:
        try:
            where = locate(text, filesystem, who=f"{source}: directory")
        except UsageError as exc:
            raise SyncerError(str(exc)) from None
        if not where.local:
            return where
        text = str(where.path)
    folder = _expand(text, f"{source}: directory")
    if not folder.is_absolute():
        folder = base / folder
    return Location(default_storage(), folder.resolve())


# ============================================================================ the syncer


class ParquetSyncer:
    """Tables of rows as Parquet datasets under one folder.

    ``<directory>/<table>/`` holds one ``{major}_{minor}_{index}.parquet``
    file per dump.  Build one with :func:`connect` or directly:
    ``ParquetSyncer("out", compression="snappy")``.
    """

    protocol = "parquet"

    def __init__(
        self,
        directory: str | os.PathLike[str] | None,
        *,
        _base: Path | None = None,
        _source: str = "ParquetSyncer()",
        filesystem: Any = None,
        **options: Any,
    ) -> None:
        conf = {"directory": directory, **options} if directory is not None else dict(options)
        self.source = _source
        where, self.options = _configure(conf, _base or Path.cwd(), _source, filesystem)
        self.directory: Path = where.path  # a local folder, or an ObjectPath
        self.storage = where.storage
        self.filesystem: Any = where.filesystem  # None: the local file system
        self._schemas: dict[Path, tuple[Hashable, Any]] = {}
        # per table folder: the files already unified (with their identity) and the result
        self._unified: dict[Path, tuple[Hashable, dict[str, Hashable], Any]] = {}
        # (file, identity, column) whose ints were found to fit a float column
        self._int_checked: set[tuple[str, Hashable, str]] = set()

    @property
    def name(self) -> str:
        return self.protocol

    @property
    def compression(self) -> str:
        return str(self.options["compression"])

    def __repr__(self) -> str:
        return f"<ParquetSyncer directory='{self.directory}' compression={self.compression}>"

    # ------------------------------------------------------------------ tables

    def table_path(self, table: str) -> Path:
        """The folder of ``table`` (the name is checked: it can never leave the directory)."""
        if not isinstance(table, str):
            raise SyncerError(f"a table name must be a string, got {table!r}")
        bad = _bad_table_name(table)
        if bad:
            raise SyncerError(f"table name {table!r} {bad}")
        path = self.directory / table
        if self.filesystem is None and path.resolve().parent != self.directory.resolve():
            # e.g. a symlink to elsewhere
            raise SyncerError(f"table {table!r} leads out of the directory {self.directory} "
                              f"(to {path.resolve()})")
        return path

    def tables(self) -> list[str]:
        """The tables in the directory (folders whose names are valid table names)."""
        if self.storage.kind(self.directory) != "dir":
            return []
        if self.filesystem is None:
            return sorted(p.name for p in self.directory.iterdir()
                          if p.is_dir() and not _bad_table_name(p.name))
        pafs = importlib.import_module("pyarrow.fs")
        infos = self.filesystem.get_file_info(pafs.FileSelector(source_of(self.directory)))
        return sorted(i.base_name for i in infos if i.type == pafs.FileType.Directory
                      and not _bad_table_name(i.base_name))

    def files(self, table: str) -> list[Path]:
        """The committed data files of ``table``, in the order they were dumped."""
        folder = self.table_path(table)
        if self.storage.kind(folder) != "dir":
            known = ", ".join(self.tables()) or "none"
            raise SyncerError(f"table {table!r} does not exist in {self.directory} "
                              f"(tables: {known})")
        return sorted(parquet_files(folder, self.filesystem),
                      key=lambda p: _file_order(folder, p))

    # ------------------------------------------------------------------ untyped

    def dump(
        self,
        table: str,
        rows: Iterable[Mapping[str, Any]] | None = None,
        *,
        data: Iterable[Mapping[str, Any]] | None = None,
        mode: str = "append",
    ) -> Path | None:
        """Add ``rows`` (dicts) to ``table`` as one new file; returns it (None when empty).

        ``mode="append"`` (the default) keeps every earlier dump; ``"overwrite"``
        replaces the table's contents when the new file is complete (cs_tools'
        behaviour, made atomic).  ``data=`` is accepted for cs_tools
        compatibility (``dump(table, data=rows)``).
        """
        _check_mode(mode)
        if rows is not None and data is not None:
            raise SyncerError("dump() takes rows or data=, not both")
        given = rows if rows is not None else data
        if given is None:
            raise SyncerError(f"dump({table!r}) needs the rows to write")
        folder = self.table_path(table)
        if isinstance(given, Mapping):
            raise SyncerError(f"dump({table!r}): rows must be a list of dicts, got one dict")
        items = list(given)
        cls = self._typed_class(folder) if mode == "append" else None
        if cls is not None:  # a typed table: the rows become its records, every type kept
            if not items:
                return None
            records = _as_records(table, cls, items)
            return _write_records(folder, cls, records, self._options, mode="append")[0]
        batch = rows_to_table(table, items)
        if mode == "overwrite":
            self._mkdir(self.directory)
            if batch is None:
                self.storage.begin_overwrite(folder).commit()  # one step to an empty table
                return None
            return _write_table(folder, batch, self._options, mode="overwrite")
        self._mkdir(folder)
        if batch is None:
            return None
        self._check_compatible(table, folder, batch.schema, batch)
        batch = self._fit_to_table(table, folder, batch)
        return _write_table(folder, batch, self._options, mode="append")

    def _typed_class(self, folder: Path) -> type | None:
        """The record class of a typed table: compiled in memory from the ``schemagen.schema``
        footer of the table's newest file that has one (cached by that text); None for a
        table of untyped dumps only (or no table yet)."""
        if self.storage.kind(folder) != "dir":
            return None
        _, files = self._table_files(folder)
        for f in sorted(map(self._as_path, files), key=lambda p: _file_order(folder, p),
                        reverse=True):
            text = (self._footer_schema(f).metadata or {}).get(SCHEMA_KEY)
            if text is not None:
                return _record_class(f, text)
        return None

    def _fit_to_table(self, table: str, folder: Path, batch: Any) -> Any:
        """Top-level int, timestamp and time columns take the width/unit the table's files
        already have, values checked: Python ints are int64 and datetimes microseconds,
        which a typed read (``load_records``) of the table would refuse as narrowing.
        (A table whose files carry a schemagen schema takes dict rows as its records
        instead: ``_typed_class``.)"""
        cached = self._unified.get(folder)
        unified = cached[2] if cached else None
        if unified is None:
            return batch
        for i, field in enumerate(batch.schema):
            if field.name not in unified.names:
                continue
            old_t = unified.field(field.name).type
            new_t = field.type
            if old_t == new_t or not (
                    (pa.types.is_integer(old_t) and pa.types.is_integer(new_t))
                    or (pa.types.is_timestamp(old_t) and pa.types.is_timestamp(new_t)
                        and (old_t.tz is None) == (new_t.tz is None))
                    or (pa.types.is_time(old_t) and pa.types.is_time(new_t))):
                continue
            col = batch.column(i)
            try:
                cast = col.cast(old_t, safe=True)
            except (pa.ArrowInvalid, OverflowError):
                values = col.to_pylist()
                row = next(k for k, v in enumerate(values) if v is not None
                           and not _fits(v, new_t, old_t))
                raise SyncerError(
                    f"table {table!r}, column {field.name!r}: row {row} has "
                    f"{_describe(values[row])}, which the column's type in the table's "
                    f"files ({old_t}) cannot hold; nothing written") from None
            batch = batch.set_column(i, pa.field(field.name, old_t), cast)
        return batch

    def load_arrow(self, table: str) -> Any:
        """Every row of ``table`` as one ``pyarrow.Table`` (schemas of the files unified)."""
        files = self.files(table)
        parts = []
        for f in files:
            try:
                parts.append(pq.read_table(source_of(f), filesystem=self.filesystem))
            except (OSError, pa.ArrowException) as exc:
                raise SyncerError(f"{f}: not a readable Parquet file ({exc})") from None
        if not parts:
            return pa.table({})
        try:
            return pa.concat_tables(parts, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            reason = str(exc)
        raise _conflict(table, files, [t.schema for t in parts], reason)

    def load(self, table: str) -> list[dict[str, Any]]:
        """Every row of ``table``, as dicts, in the order they were dumped."""
        result: list[dict[str, Any]] = self.load_arrow(table).to_pylist()
        return result

    # ------------------------------------------------------------------ typed

    def dump_records(
        self, table: str, records: Iterable[R], record_cls: type[R] | None = None, *,
        mode: str = "append",
    ) -> list[Path]:
        """Add generated records to ``table`` as one new file (``DatasetWriter``; row
        groups of ``block_size`` bytes); returns it in a list (none for no records).
        Its index continues after the highest in the folder, so files sort in dump
        order whichever writer (thread or process) made them.

        The class is ``record_cls`` or the first record's; an empty dump creates
        the table.  ``mode`` as in :meth:`dump`.
        """
        from schemagen.runtime.record import info_of

        _check_mode(mode)
        folder = self.table_path(table)
        items = list(records)
        cls = record_cls if record_cls is not None else (type(items[0]) if items else None)
        if cls is not None:
            info_of(cls)  # a UsageError for anything but a generated record class
        if mode == "overwrite":
            self._mkdir(self.directory)
            if cls is None:
                self.storage.begin_overwrite(folder).commit()  # one step to an empty table
                return []
            return _write_records(folder, cls, items, self._options, mode="overwrite")
        self._mkdir(folder)
        if not items:
            return []
        assert cls is not None
        self._check_compatible(table, folder, info_of(cls).arrow_schema())
        return _write_records(folder, cls, items, self._options, mode="append")

    def load_records(self, record_cls: type[R], table: str, columns: Sequence[str] | None = None,
                     filter: Any = None) -> list[R]:
        """Every row of ``table`` as ``record_cls`` records (``schemagen.read``)."""
        from schemagen.runtime.reader import read

        files = self.files(table)
        if not files:
            return []
        return list(read(record_cls, files, columns=columns, filter=filter,
                         filesystem=self.filesystem))

    # ------------------------------------------------------------------ internals

    @property
    def _options(self) -> dict[str, Any]:
        """The writer options, with the directory's file system."""
        return {**self.options, "filesystem": self.filesystem}

    def _mkdir(self, folder: Path) -> None:
        try:
            self.storage.make_folder(folder)
        except UsageError as exc:
            raise SyncerError(str(exc)) from None

    def _footer_schema(self, path: Path) -> Any:
        """A data file's Arrow schema; cached (committed files never change in place)."""
        try:
            key = self._identity(path)
            cached = self._schemas.get(path)
            if cached is not None and cached[0] == key:
                return cached[1]
            schema = pq.read_schema(source_of(path), filesystem=self.filesystem)
        except (OSError, pa.ArrowException) as exc:
            raise SyncerError(f"{path}: not a readable Parquet file ({exc})") from None
        self._schemas[path] = (key, schema)
        return schema

    def _identity(self, path: Path) -> Hashable:
        """What changes when a file is replaced: (inode, size, mtime) locally, (size,
        mtime) of the object on a store (committed objects are never rewritten: their
        names carry a writer id)."""
        if self.filesystem is None:
            st = path.stat()
            return (st.st_ino, st.st_size, st.st_mtime_ns)
        info = self.filesystem.get_file_info(source_of(path))
        if info.size is None:
            raise FileNotFoundError(f"{path}: no such object")
        return (info.size, info.mtime_ns)

    def _as_path(self, text: str) -> Path:
        """A file of :meth:`_table_files` (its text) as a path of the directory's store."""
        if self.filesystem is None:
            return Path(text)
        from schemagen.runtime.location import object_path

        scheme, _, key = text.partition("://")
        return object_path(scheme, key)

    def _table_files(self, folder: Path) -> tuple[Hashable, dict[str, Hashable]]:
        """The table folder's identity and its data files with theirs (see
        :func:`_table_files`); on an object store, the files its listing (or manifest)
        gives, each with its size and mtime."""
        if self.filesystem is None:
            ident, local = _table_files(folder)
            return ident, dict(local)
        if self.storage.kind(folder) != "dir":  # no object under it yet
            return None, {}
        files = parquet_files(folder, self.filesystem)
        infos = self.filesystem.get_file_info([source_of(f) for f in files]) if files else []
        return None, {str(f): (i.size, i.mtime_ns) for f, i in zip(files, infos)}

    def _check_compatible(self, table: str, folder: Path, schema: Any,
                          batch: Any = None) -> None:
        """Refuse a dump that would make the table unloadable (a column changing type,
        or int and float columns meeting with ints a float cannot hold exactly).

        The table's files are unified once and the result kept per folder, so a dump
        costs a listing plus the footers of files it has not seen yet (re-unifying every
        file on every dump made n dumps O(n**2))."""
        ident, files = self._table_files(folder)
        cached_ident, seen, unified = self._unified.get(folder, (None, {}, None))
        if cached_ident != ident or any(files.get(f) != ino for f, ino in seen.items()):
            seen, unified = {}, None  # files went away or were replaced: start again
        new = {f: ino for f, ino in files.items() if seen.get(f) != ino}
        try:
            parts = [*([unified] if unified is not None else []),
                     *(self._footer_schema(self._as_path(f)) for f in new)]
            if parts:
                unified = pa.unify_schemas(parts, promote_options="permissive")
                self._unified[folder] = (ident, {**seen, **new}, unified)
            pa.unify_schemas([*([unified] if unified is not None else []), _plain(schema)],
                             promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            reason = str(exc)
        else:
            if unified is not None:
                self._check_int_float(table, files, unified, _plain(schema), batch)
            return
        ordered = sorted(map(self._as_path, files), key=lambda p: _file_order(folder, p))
        schemas = [self._footer_schema(f) for f in ordered]
        raise _conflict(table, [*ordered, None], [*schemas, _plain(schema)], reason)


    def _check_int_float(self, table: str, files: Mapping[str, Hashable], unified: Any,
                         new: Any, batch: Any) -> None:
        """int and float columns unify as float, but an int beyond 2**53 does not fit a
        float: ``load`` would fail.  Checked both ways for top-level columns: the new
        rows' ints against float files, the int files' statistics against new floats."""
        for field in new:
            if field.name not in unified.names:
                continue
            old_t = unified.field(field.name).type
            where = f"table {table!r}, column {field.name!r}"
            if pa.types.is_integer(field.type) and pa.types.is_floating(old_t):
                if batch is None:
                    continue  # typed records: their values are not at hand here
                col = batch.column(field.name)
                i = _first_inexact(col)
                if i is not None:
                    raise SyncerError(
                        f"{where}: row {i} has int {col[i].as_py()}, which the column's "
                        "float type (from earlier dumps) cannot hold exactly")
            elif pa.types.is_floating(field.type) and pa.types.is_integer(old_t):
                for f, ino in files.items():
                    key = (f, ino, field.name)
                    if key in self._int_checked:
                        continue
                    bad = self._file_inexact(self._as_path(f), field.name)
                    if bad is not None:
                        raise SyncerError(
                            f"{where}: the new rows are float, but {f} holds int {bad}, which "
                            "a float column cannot hold exactly (beyond 2**53); nothing written")
                    self._int_checked.add(key)

    def _file_inexact(self, path: Path, name: str) -> int | None:
        """An int of column ``name`` in ``path`` beyond 2**53 (None: none), from the row
        group statistics, or the column itself where they are missing."""
        schema = self._footer_schema(path)
        if name not in schema.names or not pa.types.is_integer(schema.field(name).type):
            return None
        try:
            md = pq.read_metadata(source_of(path), filesystem=self.filesystem)
            for r in range(md.num_row_groups):
                rg = md.row_group(r)
                col = next((rg.column(j) for j in range(rg.num_columns)
                            if rg.column(j).path_in_schema == name), None)
                st = col.statistics if col is not None and col.is_stats_set else None
                if st is not None and st.has_min_max:
                    for v in (st.min, st.max):
                        if abs(v) > _FLOAT_EXACT:
                            return int(v)
                    continue
                values = pq.read_table(source_of(path), columns=[name],
                                       filesystem=self.filesystem).column(0)
                i = _first_inexact(values.combine_chunks())
                return None if i is None else int(values[i].as_py())
        except (OSError, pa.ArrowException) as exc:
            raise SyncerError(f"{path}: not a readable Parquet file ({exc})") from None
        return None


def _fits(value: Any, new_t: Any, old_t: Any) -> bool:
    try:
        pa.array([value], new_t).cast(old_t, safe=True)
    except (pa.ArrowInvalid, OverflowError):
        return False
    return True


def _first_inexact(col: Any) -> int | None:
    """The index of the first int in ``col`` beyond 2**53 in magnitude (None: none)."""
    if not pa.types.is_integer(col.type) or col.null_count == len(col):
        return None
    bounds = pc.min_max(col)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if (low is None or low >= -_FLOAT_EXACT) and (high is None or high <= _FLOAT_EXACT):
        return None
    return next(i for i, v in enumerate(col.to_pylist())
                if v is not None and abs(v) > _FLOAT_EXACT)


def _table_files(folder: Path) -> tuple[tuple[int, int] | None, dict[str, int]]:
    """The table folder's identity (device, inode: an overwrite swaps in another folder)
    and its data files (what ``parquet_files`` lists: ``*.parquet``, nothing hidden at
    any depth) with their inode numbers, which the directory listing gives for free
    (committed files never change in place)."""
    try:
        st = os.stat(folder)
    except OSError:
        return None, {}
    out: dict[str, int] = {}
    stack = [os.fspath(folder)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except FileNotFoundError:
            continue
        for e in entries:
            name = e.name
            if name.startswith(".") or (name.startswith("_") and "=" not in name):
                continue
            if e.is_dir(follow_symlinks=False):
                stack.append(e.path)
            elif name.endswith(".parquet") and e.is_file():
                out[e.path] = e.inode()
    return (st.st_dev, st.st_ino), out


# ============================================================================ rows -> Arrow


_EXACT_KINDS: dict[type, str] = {
    bool: "bool", int: "int", float: "float", str: "string", bytes: "binary",
    bytearray: "binary", _dt.date: "date", _dt.time: "time", _dt.timedelta: "duration",
    decimal.Decimal: "decimal", list: "list", tuple: "list", dict: "struct",
}
_ARROW_OF_KIND: dict[str, Any] = {
    "bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "string": pa.string(),
    "binary": pa.binary(), "date": pa.date32(), "time": pa.time64("us"),
    "duration": pa.duration("us"), "timestamp": pa.timestamp("us"),
    "timestamp with time zone": pa.timestamp("us", tz="UTC"),
}
_KIND_NAMES = {"int": "int", "float": "float", "bool": "bool", "string": "str",
               "binary": "bytes", "date": "date", "time": "time", "duration": "timedelta",
               "decimal": "Decimal", "list": "list", "struct": "dict",
               "timestamp": "datetime without time zone",
               "timestamp with time zone": "datetime with time zone"}
_SUPPORTED = ("None, bool, int, float, str, bytes, datetime, date, time (without tzinfo), "
              "timedelta, Decimal, lists and dicts of these")


def _kind(value: Any) -> str | None:
    """The column kind of one non-None value; None when the type is not supported."""
    t = type(value)
    if t is _dt.datetime:
        return "timestamp" if value.tzinfo is None else "timestamp with time zone"
    kind = _EXACT_KINDS.get(t)
    if kind is not None:
        return kind if not (kind == "time" and value.tzinfo is not None) else None
    # subclasses (IntEnum, str enums, OrderedDict ...): most specific first
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bytes, bytearray)):
        return "binary"
    if isinstance(value, _dt.datetime):
        return "timestamp" if value.tzinfo is None else "timestamp with time zone"
    if isinstance(value, _dt.date):
        return "date"
    if isinstance(value, _dt.timedelta):
        return "duration"
    if isinstance(value, decimal.Decimal):
        return "decimal"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, Mapping):
        return "struct"
    return None


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {shorten(value, 80)}"


def rows_to_table(table: str, rows: list[Any]) -> Any:
    """dict rows -> ``pyarrow.Table`` (None for no rows), one type per column over ALL rows.

    Columns are the union of the rows' keys in first-seen order; a key missing
    from a row is null there.  int and float in one column make a float column
    (ints beyond 2**53, which a float cannot hold exactly, are refused);
    datetimes with a time zone are stored in UTC.  Any other mix of types is a
    :class:`SyncerError` naming the column, both rows and both types.
    """
    if not rows:
        return None
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            hint = (" (generated records go through dump_records)"
                    if hasattr(type(row), "__schemagen__") else "")
            raise SyncerError(f"table {table!r}: row {i} is {_describe(row)}, expected a dict"
                              f"{hint}")
    names = list(dict.fromkeys(chain.from_iterable(rows)))
    for name in names:
        if not isinstance(name, str) or not name:
            row_i = next(i for i, r in enumerate(rows) if name in r)
            raise SyncerError(f"table {table!r}: row {row_i} has the key {name!r}; column names "
                              "must be non-empty strings")
    if not names:
        raise SyncerError(f"table {table!r}: none of the {len(rows)} rows has any key; "
                          "there is nothing to store")
    arrays = []
    for name in names:
        values = [r.get(name) for r in rows]
        arr = _column(table, name, values)
        _check_storable(f"table {table!r}, column {name!r}", arr, values)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=names)


# the instants Python's datetime can hold, in seconds since the epoch (UTC)
_MIN_SECONDS = -62_135_596_800  # 0001-01-01T00:00:00
_MAX_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59
_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _check_storable(where: str, arr: Any, values: list[Any]) -> None:
    """Refuse what pyarrow converts but Parquet cannot store or ``load`` cannot read
    back: a struct with no fields (dicts with no keys), and an aware datetime whose
    UTC instant lies outside years 1..9999 (``datetime.max`` at UTC-5)."""
    problem = _unstorable(arr)
    if problem is None:
        return
    for i, v in enumerate(values):  # the error path only: find the row
        if v is None:
            continue
        one = pa.array([v], type=arr.type, from_pandas=False)
        if _unstorable(one) is not None:
            raise SyncerError(f"{where}: row {i} has {_describe(v)}, {problem}")
    raise SyncerError(f"{where}: {problem}")  # pragma: no cover - some row has it


def _unstorable(arr: Any) -> str | None:
    t = arr.type
    if pa.types.is_struct(t):
        if t.num_fields == 0:
            return ("a dict with no keys (and no row gives the column any key), which is a "
                    "struct with no fields: Parquet cannot store that")
        return next((p for c in arr.flatten() if (p := _unstorable(c)) is not None), None)
    if pa.types.is_map(t):
        return _unstorable(arr.keys) or _unstorable(arr.items)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _unstorable(arr.flatten())
    if pa.types.is_timestamp(t) and t.tz is not None and t.unit != "ns":
        per = _PER_SECOND[t.unit]
        bounds = pc.min_max(arr.cast(pa.int64()))
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if low is not None and (low < _MIN_SECONDS * per or high >= (_MAX_SECONDS + 1) * per):
            return ("whose instant in UTC lies outside years 1..9999: it could be stored but "
                    "never loaded as a Python datetime")
    return None


def _column(table: str, name: str, values: list[Any]) -> Any:
    where = f"table {table!r}, column {name!r}"
    types = set(map(type, values))
    types.discard(type(None))
    if not types:
        return pa.nulls(len(values))
    if len(types) == 1 and (t := next(iter(types))) in _EXACT_KINDS and t not in (
            _dt.time, _dt.datetime):
        kind = _EXACT_KINDS[t]
        has_int = False
    else:
        kind, has_int = _scan_kinds(where, values)
    if kind == "float" and has_int:
        for i, v in enumerate(values):
            if type(v) is not float and v is not None and abs(v) > _FLOAT_EXACT:
                raise SyncerError(f"{where}: row {i} has int {v!r}, which a float column "
                                  "cannot hold exactly (the column has floats too)")
        values = [float(v) if v is not None else None for v in values]
    arrow_type = _ARROW_OF_KIND.get(kind)
    try:
        return pa.array(values, type=arrow_type, from_pandas=False)
    except (pa.ArrowException, OverflowError, TypeError, ValueError):
        pass
    # find the first row pyarrow refuses: the shortest failing prefix (a prefix of a
    # convertible list converts, so the search is monotone)
    lo, hi = 0, len(values)  # values[:lo] converts, values[:hi] does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            pa.array(values[:mid], type=arrow_type, from_pandas=False)
            lo = mid
        except (pa.ArrowException, OverflowError, TypeError, ValueError):
            hi = mid
    i, v = hi - 1, values[hi - 1]
    if kind == "int" and isinstance(v, int):
        raise SyncerError(f"{where}: row {i} has int {v!r}, outside the 64-bit range "
                          "Parquet stores")
    if isinstance(v, decimal.Decimal) and not v.is_finite():
        raise SyncerError(f"{where}: row {i} has {_describe(v)}: a Parquet decimal holds "
                          "only finite numbers (store None, or floats for NaN/infinity)")
    try:
        pa.array([v], type=arrow_type, from_pandas=False)
    except (pa.ArrowException, OverflowError, TypeError, ValueError) as exc:
        raise SyncerError(f"{where}: row {i} has {_describe(v)}, which cannot be stored "
                          f"({exc})") from None
    try:
        pa.array(values[:hi], type=arrow_type, from_pandas=False)
    except (pa.ArrowException, OverflowError, TypeError, ValueError) as exc:
        raise SyncerError(f"{where}: row {i} has {_describe(v)}, which does not fit the rows "
                          f"before it ({exc})") from None
    raise AssertionError("unreachable: the prefix failed before")  # pragma: no cover


def _scan_kinds(where: str, values: list[Any]) -> tuple[str, bool]:
    """The column's kind, checking every value; (kind, saw an int in a float column)."""
    kind: str | None = None
    first = -1
    has_int = False
    for i, v in enumerate(values):
        if v is None:
            continue
        k = _kind(v)
        if k is None:
            raise SyncerError(f"{where}: row {i} has {_describe(v)}; supported values are "
                              f"{_SUPPORTED}")
        if kind is None:
            kind, first = k, i
            has_int = k == "int"
            continue
        if k == kind:
            continue
        if {k, kind} == {"int", "float"}:
            kind = "float"
            has_int = True
            continue
        if kind == "float" and k == "int":  # pragma: no cover - covered by the set test
            continue
        raise SyncerError(
            f"{where}: row {i} has {_KIND_NAMES[k]} {shorten(v, 80)} but row {first} has "
            f"{_KIND_NAMES[kind]} {shorten(values[first], 80)}; a column holds one type "
            "(only int and float mix, as float)"
        )
    assert kind is not None
    return kind, has_int


def _plain(schema: Any) -> Any:
    return schema.remove_metadata() if schema.metadata else schema


def _conflict(table: str, files: Sequence[Path | None], schemas: list[Any],
              reason: str) -> SyncerError:
    """Name the column and the two files whose types cannot be unified."""
    seen: dict[str, tuple[Any, Path | None]] = {}
    for f, schema in zip(files, schemas):
        for field in schema:
            if field.name not in seen:
                seen[field.name] = (field.type, f)
                continue
            prev_type, prev_file = seen[field.name]
            try:
                merged = pa.unify_schemas(
                    [pa.schema([pa.field(field.name, prev_type)]),
                     pa.schema([pa.field(field.name, field.type)])],
                    promote_options="permissive",
                )
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                new = "the new rows" if f is None else str(f)
                return SyncerError(
                    f"table {table!r}, column {field.name!r}: {new} have type {field.type} "
                    f"but {prev_file} has {prev_type}; these do not mix (a column keeps one "
                    "type; int and float mix as float)"
                )
            seen[field.name] = (merged.field(0).type, prev_file)
    return SyncerError(f"table {table!r}: its files cannot be read together: {reason} "
                       "(e.g. an int beyond 2**53 in a column that other dumps made float)")


# ============================================================================ files


def _bad_table_name(name: str) -> str:
    """Why ``name`` cannot be a table (a folder under the directory); '' when it can."""
    if not name:
        return "is empty"
    if name in (".", ".."):
        return "is not a folder name"
    if any(c in name for c in "/\\:\0"):
        return "must not contain '/', '\\', ':' or NUL (it names one folder in the directory)"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "must not contain control characters"
    if name.startswith((".", "_")):
        return "must not start with '.' or '_' (readers skip such folders as hidden)"
    if "=" in name:
        return ("must not contain '=' (DuckDB, pyarrow and Spark read a key=value folder as a "
                "Hive partition: the table would gain, or have replaced, a column 'key')")
    if name != name.strip():
        return "must not start or end with whitespace"
    if len(name) > _MAX_TABLE_NAME:
        return f"is longer than {_MAX_TABLE_NAME} characters"
    return ""


def _file_order(folder: Path, path: Path) -> tuple[int, int, int, int, str]:
    """Dump order: ``{major}_{minor}_{index}`` by index, then pair (numerically, not
    as text: ``0_0_10`` after ``0_0_9``); other names after those, by name."""
    rel = path.relative_to(folder).as_posix()
    name = FileName.parse(rel)
    if name is not None:
        return (0, *name.write_order, rel)
    return (1, 0, 0, 0, rel)


MODES = ("append", "overwrite")


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise SyncerError(f"mode must be 'append' or 'overwrite', got {mode!r}")


def _write_table(folder: Path, table: Any, options: Mapping[str, Any], *, mode: str) -> Path:
    """Write ``table`` as one new ``{major}_{minor}_{index}.parquet`` in ``folder``.

    A ``DatasetWriter`` of the table's own schema: a claimed pair, one file (no
    rolling; row groups of ``row_group_size`` rows or ``block_size`` bytes, all
    rows in one when neither is configured), the index continuing after the
    highest of any pair (files sort in dump order) and a ``_SUCCESS`` naming it.
    """
    from schemagen import __version__
    from schemagen.runtime.dataset import DatasetWriter

    note = {"writer": f"schemagen {__version__} syncer", "table": folder.name}
    w: DatasetWriter[Any]
    with DatasetWriter(table.schema, folder, mode=mode, roll=False, index_scope="folder",
                       success_note=note, **{"block_size": None, **options}) as w:
        w.write_arrow(table)
    return w.files[0]


def _write_records(folder: Path, cls: type, records: list[Any],
                   options: Mapping[str, Any], *, mode: str) -> list[Path]:
    """Generated records -> one new file in ``folder`` through ``DatasetWriter``: no
    rolling, the index after the highest of any pair (dump order, as ``_write_table``)."""
    from schemagen import __version__
    from schemagen.runtime.dataset import DatasetWriter

    note = {"writer": f"schemagen {__version__} syncer", "table": folder.name}
    w: DatasetWriter[Any]
    with DatasetWriter(cls, folder, mode=mode, roll=False, index_scope="folder",
                       success_note=note, **options) as w:
        w.write_many(records)
    return w.files


# ============================================================================ typed tables


_TYPED: dict[bytes, type] = {}  # schemagen.schema footer text -> its record class
_TYPED_LOCK = threading.Lock()


def _record_class(f: Path, text: bytes) -> type:
    """The record class of a ``schemagen.schema`` footer, compiled in memory once."""
    with _TYPED_LOCK:
        cls = _TYPED.get(text)
        if cls is None:
            from schemagen import ir
            from schemagen.codegen.loader import load_ir

            try:
                root, types = ir.schema_from_json(text.decode("utf-8"))
                digest = hashlib.sha256(text).hexdigest()
                schema = ir.Schema(types, {n: str(f) for n in types})
                cls = load_ir(schema, digest).record_class(root)
            except (SchemagenError, ValueError, TypeError, KeyError, AttributeError,
                    RecursionError) as exc:
                raise SyncerError(
                    f"{f}: its schemagen.schema footer cannot be compiled into a record "
                    f"class ({type(exc).__name__}: {exc}), so dict rows cannot be dumped into "
                    "this typed table; use dump_records") from None
            _TYPED[text] = cls
        return cls


class _DumpCoercer(RowCoercer):
    """The per-row conversion of dict rows to a typed table's records, as strict as the
    untyped dumps: no numbers or booleans read from strings, no base64 text for bytes,
    no int a float field cannot hold exactly; map values also as (key, value) pairs (as
    ``load`` returns them)."""

    def float_(self, node: Node, v: Any, path: str) -> Any:
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > _FLOAT_EXACT:
            raise BadValue(path, f"int {v} cannot be held exactly by a float field")
        return super().float_(node, v, path)

    def bytes_(self, node: Node, v: Any, path: str) -> Any:
        if not isinstance(v, (bytes, bytearray)):
            raise BadValue(path, f"expected bytes, got {_describe(v)}")
        return super().bytes_(node, bytes(v), path)

    def map(self, node: Node, v: Any, path: str) -> Any:
        if isinstance(v, list) and all(isinstance(p, tuple) and len(p) == 2 for p in v):
            pairs = dict(v)
            if len(pairs) != len(v):
                raise BadValue(path, "a key is given twice")
            v = pairs
        return super().map(node, v, path)


def _as_records(table: str, cls: type, rows: list[Any]) -> list[Any]:
    """dict rows -> records of a typed table's class; the first row that does not fit is
    a SyncerError naming it, the field path and why (nothing is written)."""
    info = info_of(cls)
    node = plan_record(info)
    coercer = _DumpCoercer("reject", {})
    coercer.strict = True
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            hint = (" (generated records go through dump_records)"
                    if hasattr(type(row), "__schemagen__") else "")
            raise SyncerError(f"table {table!r}: row {i} is {_describe(row)}, expected a dict"
                              f"{hint}")
        try:
            out.append(coercer.row(node, dict(row)))
        except BadValue as exc:
            raise SyncerError(
                f"table {table!r}: row {i}, field {exc.path!r}: {exc.reason} (the table holds "
                f"{info.name} records, written typed: dict rows take their types); nothing "
                "written") from None
    return out


Syncer = ParquetSyncer  # the only protocol so far
