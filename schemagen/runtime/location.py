"""Where a path points: a local file system path, or a key on an object store.

Every public function that takes a path (``write``, ``read``, ``read_arrow``,
``read_batches``, ``ParquetWriter``, ``DatasetWriter``, the syncer, convert,
inspect, ``schemagen.dask``) resolves it here, with an optional ``filesystem=``:

* a plain path or a ``file://`` URI is local (:class:`~.storage.LocalStorage`:
  temporary name, fsync, no-clobber link, ``flock`` pair claims, ``RENAME_EXCHANGE``
  overwrite), as is a ``pyarrow.fs.LocalFileSystem`` or fsspec's local file system;
* a URI with another scheme (``s3://bucket/key``, ``gs://``, ``abfs://``, ``hdfs://``
  ...) or any other ``filesystem=`` is an object store
  (:class:`~.objectstore.ObjectStorage`, docs/datasets.md "Object stores").

``filesystem=`` is a ``pyarrow.fs.FileSystem`` or an fsspec ``AbstractFileSystem``
(wrapped in ``pyarrow.fs.PyFileSystem(FSSpecHandler(fs))``): it carries an endpoint
and credentials.  Without it, pyarrow builds one from the URI
(``pyarrow.fs.FileSystem.from_uri``: ``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID`` and
the other usual variables apply), and fsspec is asked for schemes pyarrow lacks.

Keys on an object store are :class:`ObjectPath` values: pure paths (``/``,
``parent``, ``name`` work) that print as their URI (``s3://bucket/sales/0_0_0.parquet``)
and never touch the local disk.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit

from ..errors import UsageError, shorten
from .storage import Storage, default_storage

__all__ = ["Location", "ObjectPath", "is_object", "key_of", "local_files", "locate",
           "object_path", "special_folder_test"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")

# pyarrow's type_name of a file system -> the URI scheme its paths print with
_SCHEME_OF_TYPE = {"s3": "s3", "gcs": "gs", "abfs": "abfs", "hdfs": "hdfs", "mock": "mock"}

if TYPE_CHECKING:  # typed as a Path so the storage interface takes both kinds
    _PureBase = Path
else:
    _PureBase = PurePosixPath


class ObjectPath(_PureBase):
    """A key on an object store (``bucket/prefix/name``) that prints as its URI.

    A pure path: no method reads the local disk.  Sub-paths keep the scheme;
    :meth:`relative_to` gives a plain relative ``PurePosixPath``."""

    scheme: ClassVar[str] = "s3"

    @property
    def key(self) -> str:
        """The key as the file system takes it (``bucket/prefix/name``)."""
        return "/".join(self.parts)

    def __str__(self) -> str:
        return f"{self.scheme}://{self.key}"

    def __repr__(self) -> str:
        return f"ObjectPath({str(self)!r})"

    def __fspath__(self) -> str:
        raise TypeError(f"{self} is a key on an object store, not a local path")

    def as_posix(self) -> str:
        return str(self)

    def relative_to(self, *other: Any, **kw: Any) -> Any:
        rel = PurePosixPath(self.key).relative_to(*(key_of(o) for o in other))
        return rel

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return object_path, (self.scheme, self.key)


_CLASSES: dict[str, type[ObjectPath]] = {}


def object_path(scheme: str, key: str) -> ObjectPath:
    """The :class:`ObjectPath` of ``key`` (``bucket/prefix/...``) printed as ``scheme://``."""
    cls = _CLASSES.get(scheme)
    if cls is None:
        cls = _CLASSES[scheme] = type(f"ObjectPath_{re.sub(r'[^A-Za-z0-9]', '_', scheme)}",
                                      (ObjectPath,), {"scheme": scheme})
    return cls(key.strip("/"))


def key_of(path: Any) -> str:
    """The file system key of an :class:`ObjectPath` (or a plain path's POSIX text)."""
    if isinstance(path, ObjectPath):
        return path.key
    return PurePosixPath(path).as_posix()


def is_object(path: Any) -> bool:
    return isinstance(path, ObjectPath)


@dataclass(frozen=True)
class Location:
    """A resolved path: the storage writing it, and the path in that storage."""

    storage: Storage
    path: Path  # a local Path, or an ObjectPath
    filesystem: Any = None  # the pyarrow file system of an ObjectPath (None: local)

    @property
    def local(self) -> bool:
        return self.filesystem is None


def _pyarrow_fs() -> Any:
    return importlib.import_module("pyarrow.fs")


def _fsspec(name: str = "fsspec") -> Any:
    """fsspec (or one of its modules), typed as Any; None when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - fsspec comes with dask
        return None


def as_pyarrow_filesystem(filesystem: Any, who: str) -> Any:
    """``filesystem`` as a ``pyarrow.fs.FileSystem`` (an fsspec one wrapped)."""
    pafs = _pyarrow_fs()
    if isinstance(filesystem, pafs.FileSystem):
        return filesystem
    fsspec = _fsspec()
    if fsspec is not None and isinstance(filesystem, fsspec.AbstractFileSystem):
        return pafs.PyFileSystem(pafs.FSSpecHandler(filesystem))
    raise UsageError(f"{who}: filesystem= must be a pyarrow.fs.FileSystem or an fsspec "
                     f"file system, got {type(filesystem).__name__} {shorten(filesystem, 120)}")


def _is_local_fs(fs: Any) -> bool:
    pafs = _pyarrow_fs()
    if isinstance(fs, pafs.LocalFileSystem):
        return True
    if isinstance(fs, pafs.PyFileSystem):
        inner = getattr(fs.handler, "fs", None)
        protocol = getattr(inner, "protocol", None)
        names = (protocol,) if isinstance(protocol, str) else tuple(protocol or ())
        return "file" in names or "local" in names
    return False


def scheme_of(fs: Any) -> str:
    """The URI scheme paths on ``fs`` print with (``s3``, ``gs``, ``abfs``, an fsspec
    file system's first protocol)."""
    name = str(fs.type_name)
    if name in _SCHEME_OF_TYPE:
        return _SCHEME_OF_TYPE[name]
    inner = getattr(getattr(fs, "handler", None), "fs", None)
    protocol = getattr(inner, "protocol", None)
    if isinstance(protocol, str):
        return protocol
    if protocol:
        return str(protocol[0])
    return re.sub(r"[^a-z0-9+.\-]", "", name.lower()) or "object"


def _key_from_uri(uri: str) -> str:
    """``scheme://authority/path`` -> ``authority/path`` (``abfs://container@account/..``
    -> ``container/...``), percent escapes kept as they are in keys."""
    parts = urlsplit(uri)
    authority = parts.netloc.split("@", 1)[0] if "@" in parts.netloc else parts.netloc
    return f"{authority}/{parts.path.lstrip('/')}".strip("/")


def _from_uri(uri: str, who: str) -> tuple[Any, str]:
    pafs = _pyarrow_fs()
    try:
        fs, key = pafs.FileSystem.from_uri(uri)
        return fs, str(key)
    except (ValueError, OSError, ImportError) as exc:  # ArrowInvalid is a ValueError
        first = exc
    core = _fsspec("fsspec.core")
    try:
        if core is None:  # pragma: no cover
            raise ImportError("fsspec is not installed")
        ffs, key = core.url_to_fs(uri)
    except (ImportError, ValueError, OSError) as exc:
        raise UsageError(f"{who}: cannot open {uri}: pyarrow: {first}; fsspec: {exc}; give "
                         "filesystem= (a pyarrow.fs or fsspec file system)") from None
    return pafs.PyFileSystem(pafs.FSSpecHandler(ffs)), str(key)


def _check_text(path: Any, who: str) -> str:
    if isinstance(path, ObjectPath):
        return str(path)
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"{who}: path must be a str, a pathlib.Path or a URI, got "
                         f"{type(path).__name__} {shorten(path, 200)}")
    text = os.fspath(path)
    if isinstance(text, bytes):  # pragma: no cover - os.PathLike[bytes]
        raise UsageError(f"{who}: path must be text, got bytes {shorten(text, 200)}")
    if not text.strip():
        raise UsageError(f"{who}: path is empty ({text!r}); give a file or folder name "
                         "('.' for the current folder) or a URI")
    return text


def locate(path: Any, filesystem: Any = None, *, who: str) -> Location:
    """Resolve ``path`` (a local path, a ``file://`` or object-store URI, an
    :class:`ObjectPath`) with an optional ``filesystem=`` (see the module docstring)."""
    text = _check_text(path, who)
    fs = as_pyarrow_filesystem(filesystem, who) if filesystem is not None else None
    m = _SCHEME.match(text)
    scheme = m[1].lower() if m else None
    if scheme == "file" or (scheme is None and (fs is None or _is_local_fs(fs))):
        if scheme == "file":
            parts = urlsplit(text)
            if parts.netloc not in ("", "localhost"):
                raise UsageError(f"{who}: {text}: a file:// URI names a local path "
                                 "(file:///abs/path); another host is not reachable")
            text = unquote(parts.path) or "/"
        if fs is not None and not _is_local_fs(fs):
            raise UsageError(f"{who}: {path} is a local path, but filesystem= is "
                             f"{fs.type_name}; give a URI or key of that file system")
        return Location(default_storage(), Path(text))
    if fs is None:
        fs, key = _from_uri(text, who)
    else:
        key = _key_from_uri(text) if scheme is not None else text.strip("/")
    if _is_local_fs(fs):
        return Location(default_storage(), Path(key if key.startswith("/") else f"/{key}"))
    from .objectstore import ObjectStorage

    if not key:
        raise UsageError(f"{who}: {text} names no bucket or folder")
    return Location(ObjectStorage(fs), object_path(scheme or scheme_of(fs), key), fs)


def locate_with(path: Any, filesystem: Any, storage: Storage | None, *, who: str) -> Location:
    """:func:`locate`, keeping a ``storage`` given by the caller (the path is then read
    in that storage's file system)."""
    if storage is None:
        return locate(path, filesystem, who=who)
    loc = locate(path, filesystem if filesystem is not None else storage.filesystem, who=who)
    return Location(storage, loc.path, loc.filesystem)


def source_of(path: Path) -> str:
    """What pyarrow opens for ``path`` (with the storage's ``filesystem``): an object's
    key, or the local path's text."""
    return path.key if isinstance(path, ObjectPath) else str(path)


# file system types that hold no user files (kernel and device views): a recursive search
# never enters a mount of one of them, nor the folders below that always hold them
SPECIAL_FS_TYPES: frozenset[str] = frozenset({
    "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts",
    "devtmpfs", "efivarfs", "fusectl", "hugetlbfs", "mqueue", "nsfs", "proc", "pstore",
    "rpc_pipefs", "securityfs", "selinuxfs", "sysfs", "tracefs",
})
SPECIAL_FOLDERS: tuple[str, ...] = ("/proc", "/sys", "/dev")


def _special_devices() -> set[int]:
    """The device numbers of the special file systems mounted here (``/proc/self/mounts``;
    on a system without it, those of :data:`SPECIAL_FOLDERS`)."""
    points = list(SPECIAL_FOLDERS)
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2] in SPECIAL_FS_TYPES:
                    # octal escapes (\040 for a space) in mount points
                    points.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)),
                                         parts[1]))
    except OSError:
        pass
    devices = set()
    for point in points:
        try:
            devices.add(os.stat(point).st_dev)
        except OSError:
            continue
    try:  # a /dev that is a plain folder of the root file system is skipped by its path
        devices.discard(os.stat("/").st_dev)
    except OSError:
        pass
    return devices


def special_folder_test() -> Callable[[Path], bool]:
    """A test for folders a recursive search must not enter: /proc, /sys, /dev and mounts
    of special file systems (see :func:`local_files`)."""
    special = _special_devices()
    folders = {os.path.normpath(f) for f in SPECIAL_FOLDERS}

    def test(folder: Path) -> bool:
        if os.path.abspath(folder) in folders:
            return True
        try:
            return os.lstat(folder).st_dev in special
        except OSError:
            return True
    return test


def local_files(root: Path, suffixes: tuple[str, ...] | None = None,
                skip_folder: Callable[[str], bool] | None = None) -> list[Path]:
    """The files under folder ``root`` (recursively; those whose name ends in one of
    ``suffixes``, when given), unsorted.

    Symlinks to folders are not followed; a folder for which ``skip_folder(name)`` is
    true is not entered, nor are ``/proc``, ``/sys``, ``/dev`` and any mount of a
    special file system (:data:`SPECIAL_FS_TYPES`): ``inspect /`` or ``compile /``
    search the disk, not kernel views whose files never end (``/proc/kcore``) or
    block when read.  Unreadable folders are passed over, as ``Path.rglob`` does.
    """
    special = _special_devices()
    folders = {os.path.normpath(f) for f in SPECIAL_FOLDERS}
    start = os.path.abspath(root)
    try:
        if os.stat(start).st_dev in special or start in folders:
            return []
    except OSError:
        return []
    out: list[Path] = []
    for here, dirs, files in os.walk(start, followlinks=False):
        kept = []
        for d in dirs:
            full = os.path.join(here, d)
            if full in folders or (skip_folder is not None and skip_folder(d)):
                continue
            try:
                st = os.lstat(full)
            except OSError:
                continue
            if st.st_dev not in special:
                kept.append(d)
        dirs[:] = kept
        rel = os.path.relpath(here, start)
        base = root if rel == "." else root / rel
        out.extend(base / name for name in files
                   if suffixes is None or name.endswith(suffixes))
    return out
