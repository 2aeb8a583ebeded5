"""The one commit protocol: how schemagen's writers put files on storage.

Every writer (``ParquetWriter``, ``DatasetWriter``, the syncer, convert) goes
through a :class:`Storage`; none of them touches temporary names, locks or
folder swaps itself.  The protocol (docs/datasets.md gives the reasons):

* **A file appears under its final name only when complete.**  It is written
  under a hidden temporary name next to its final one (:meth:`Storage.stage`),
  fsync-ed, then linked to its final name (:meth:`Storage.commit`): ``link``
  never replaces, so a taken ``{major}_{minor}_{index}.parquet`` name makes the
  writer take the next free index.  A single file (``ParquetWriter``) replaces
  its target with one atomic ``rename`` instead.  A crash leaves a hidden
  temporary file only; the next holder of the pair removes it.
* **Data files are named** ``{major}_{minor}_{index}.parquet`` (:class:`FileName`,
  Drill's fragment naming).  A writer holds a ``major_minor`` pair for its
  lifetime (:meth:`Storage.claim_pair`): writers running at once never share
  a pair, so their names never collide.
* **``_SUCCESS``** (Hadoop's marker) is JSON naming the files and rows of the
  last completed write; it is written after every new name is durable
  (:meth:`Storage.write_success`).
* **An overwrite is a new generation** (:meth:`Storage.begin_overwrite`): the
  new dataset is written into a hidden sibling folder and swapped with the old
  one in one step when complete; until then the old dataset is untouched.
* **An overwrite never swaps a dataset an append is writing into**
  (:meth:`Storage.guard_append`): an append holds the dataset for its whole
  lifetime (a shared lock), the swap takes it exclusively.  The overwrite waits
  for the appends in progress (up to :data:`APPEND_WAIT_SECONDS`; then it fails
  and the dataset stays as it was), and appends starting meanwhile wait for the
  swap.  So every append lands whole in one generation: before the swap (the
  overwrite replaces it, by design) or after it (it stays).

:class:`LocalStorage` implements it on a local file system: ``flock``-ed
hidden lock files for the claims, ``renameat2(RENAME_EXCHANGE)`` for the swap.
An object store (issue 13) implements the same methods with single PUTs or
completed multipart uploads, put-if-absent (or writer-id minors) for the
claims, and a manifest object for the generation switch.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import errno
import json
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Literal

from ..errors import UsageError

__all__ = ["APPEND_WAIT_SECONDS", "LOCK_PREFIX", "MAX_PAIRS", "STAGING_MARK", "SUCCESS_NAME",
           "AppendGuard", "FileName", "Generation", "LocalStorage", "PairClaim", "Scope", "Staged",
           "Storage", "default_storage"]

SUCCESS_NAME = "_SUCCESS"
LOCK_PREFIX = ".schemagen-"
STAGING_MARK = ".schemagen-overwrite-"
MAX_PAIRS = 100_000  # automatic minor numbers tried before giving up
STALE_STAGING_SECONDS = 3600
APPEND_WAIT_SECONDS = 300.0  # how long an overwrite's swap waits for appends in progress

Scope = Literal["pair", "folder"]


@dataclass(frozen=True, order=True)
class FileName:
    """A data file's name, ``{major}_{minor}_{index}.parquet``."""

    major: int
    minor: int
    index: int

    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"^(\d+)_(\d+)_(\d+)\.parquet$")

    @classmethod
    def parse(cls, name: str) -> FileName | None:
        """The parts of ``name`` (a bare file name), or None for any other name."""
        m = cls.PATTERN.match(name)
        return cls(int(m[1]), int(m[2]), int(m[3])) if m else None

    def __str__(self) -> str:
        return f"{self.major}_{self.minor}_{self.index}.parquet"

    @property
    def write_order(self) -> tuple[int, int, int]:
        """Sort key in write order when indexes are folder-wide: index, then pair
        (numerically: ``0_0_10`` after ``0_0_9``)."""
        return (self.index, self.major, self.minor)


@dataclass
class Staged:
    """A file being written under a temporary name until :meth:`Storage.commit`."""

    path: Path  # the name asked for (returned by commit when it replaces)
    target: Path  # where it lands (a symlink followed when it replaces)
    where: str  # what ``pyarrow.parquet.ParquetWriter`` writes to
    replace: bool  # commit replaces ``target`` (else: never clobber, take the next index)
    scope: Scope = "pair"  # which names the next index continues after (no-clobber)
    filesystem: Any = None  # the pyarrow filesystem of ``where`` (None: a local path)


class PairClaim(ABC):
    """A ``major_minor`` pair held by one writer until :meth:`release` (or ``with`` ends)."""

    major: int
    minor: int

    @abstractmethod
    def release(self) -> None:
        """Give the pair up (idempotent)."""

    def __enter__(self) -> PairClaim:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


class AppendGuard(ABC):
    """An append's hold on its dataset folder until :meth:`release` (or ``with`` ends):
    meanwhile no overwrite switches the folder to a new generation."""

    @abstractmethod
    def release(self) -> None:
        """Let overwrites switch the folder again (idempotent)."""

    def __enter__(self) -> AppendGuard:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


class _NoGuard(AppendGuard):
    def release(self) -> None:
        pass


class Generation(ABC):
    """An overwrite in progress: new files go to :attr:`folder`; :meth:`commit` makes
    them the dataset at :attr:`target` in one step, :meth:`abort` drops them."""

    target: Path  # the dataset folder being replaced (a symlink followed)
    folder: Path  # where the new generation is written

    @abstractmethod
    def commit(self, files: Sequence[Path] = ()) -> None:
        """Switch readers to the new generation (``files``: those written into
        :attr:`folder`), then delete the old one."""

    @abstractmethod
    def abort(self, files: Sequence[Path] = ()) -> None:
        """Drop the new generation (``files``: those written so far); the old dataset
        stays as it was."""


class Storage(ABC):
    """The commit protocol's operations (see the module docstring)."""

    filesystem: Any = None  # the pyarrow file system of an object store (None: local)

    def kind(self, path: Path) -> Literal["file", "dir"] | None:
        """What is at ``path``: a file, a folder, or nothing (one ``stat``: a folder that
        another writer creates meanwhile is never taken for a file)."""
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        return "dir" if stat.S_ISDIR(mode) else "file"

    def finish_append(self, folder: Path, files: Sequence[Path], claim: PairClaim,
                      rows: int) -> None:
        """Publish an append's committed ``files`` (before ``_SUCCESS``): nothing to do
        on a local file system; an object store's manifest dataset records them."""
        return None

    @abstractmethod
    def make_folder(self, folder: Path, *, exist_ok: bool = True) -> bool:
        """Create ``folder`` and its parents; True when it was created (UsageError
        naming the reason when it cannot be)."""

    @abstractmethod
    def stage(self, path: Path, *, replace: bool = False, scope: Scope = "pair") -> Staged:
        """A temporary name to write the file ``path`` under (nothing is created yet)."""

    @abstractmethod
    def commit(self, staged: Staged) -> Path:
        """Make the (closed) staged file durable and give it its final name; returns
        that name.  Without ``replace``, a taken ``{major}_{minor}_{index}.parquet``
        name moves on to the next free index of ``staged.scope``."""

    @abstractmethod
    def discard(self, staged: Staged) -> None:
        """Remove the staged file (if it was created)."""

    @abstractmethod
    def write_atomic(self, path: Path, data: bytes) -> None:
        """Replace ``path`` by ``data`` in one step: readers see the old or the new bytes."""

    @abstractmethod
    def sync_folders(self, folders: Iterable[Path]) -> None:
        """Make the names created in ``folders`` durable."""

    @abstractmethod
    def claim_pair(self, folder: Path, major: int | None, minor: int | None) -> PairClaim:
        """Take a free ``major_minor`` pair in ``folder``; a given part is kept (both
        given: that pair, or a UsageError while another writer holds it)."""

    @abstractmethod
    def next_index(self, folder: Path, major: int, minor: int, scope: Scope = "pair") -> int:
        """One past the highest index in ``folder`` of the pair (``scope="pair"``) or of
        any pair (``"folder"``: the names then sort in write order whichever pair each
        write held).  Call it holding the pair: it removes the pair's temporary files
        left by a crashed earlier holder."""

    @abstractmethod
    def list_committed(self, folder: Path) -> list[Path]:
        """Visible ``*.parquet`` files below ``folder`` (hidden and ``_`` names skipped)."""

    @abstractmethod
    def remove(self, paths: Iterable[Path]) -> None:
        """Delete committed files (an aborted append); missing ones are skipped."""

    @abstractmethod
    def remove_empty_folders(self, folder: Path, root: Path) -> None:
        """Remove ``folder`` and its parents below ``root`` while they are empty."""

    @abstractmethod
    def begin_overwrite(self, target: Path) -> Generation:
        """Start writing a new generation of the dataset folder ``target``."""

    def guard_append(self, folder: Path) -> AppendGuard:
        """Hold the (existing) dataset folder ``folder`` for an append: until released,
        no overwrite switches it to a new generation (a switch in progress is waited
        for first).  The base class holds nothing: a storage implements it when its
        generation switch could otherwise lose files appended meanwhile."""
        return _NoGuard()

    def write_success(self, folder: Path, files: Sequence[Path], rows: int, writer: str,
                      **facts: Any) -> Path:
        """Write ``folder/_SUCCESS`` after the names of ``files`` (and of the folders
        holding them, up to ``folder``) are durable.  The note is JSON: ``writer``,
        the ``facts`` in order, ``files`` (relative to ``folder``), ``rows`` and the
        completion time."""
        self.sync_folders(_folders_of(files, folder))
        note = {"writer": writer, **facts,
                "files": [p.relative_to(folder).as_posix() for p in files],
                "rows": rows, "completed": _now()}
        path = folder / SUCCESS_NAME
        self.write_atomic(path, (json.dumps(note, indent=1) + "\n").encode())
        return path


def _folders_of(files: Sequence[Path], root: Path) -> list[Path]:
    """The folders holding new directory entries for ``files``, deepest first."""
    out: set[Path] = {root} if files else set()
    for p in files:
        folder = p.parent
        while folder not in out and root in folder.parents:
            out.add(folder)
            folder = folder.parent
    return sorted(out, key=lambda f: len(f.parts), reverse=True)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# =========================================================================== local storage


class LocalStorage(Storage):
    """The protocol on a local (POSIX or Windows) file system."""

    def make_folder(self, folder: Path, *, exist_ok: bool = True) -> bool:
        if exist_ok and folder.is_dir():
            return False
        try:
            folder.mkdir(parents=True, exist_ok=exist_ok)
        except OSError as exc:
            raise UsageError(f"cannot create the folder {folder}: {_mkdir_reason(exc)}") from None
        return True

    def stage(self, path: Path, *, replace: bool = False, scope: Scope = "pair") -> Staged:
        # a symlinked file that is replaced keeps its link: the file it points to is replaced
        target = path.resolve() if replace and path.is_symlink() else path
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        return Staged(path, target, str(tmp), replace, scope)

    def commit(self, staged: Staged) -> Path:
        tmp = Path(staged.where)
        _fsync(tmp)  # the data is on disk before the name says the file is complete
        if staged.replace:
            os.replace(tmp, staged.target)  # atomic; replaces what was there
            return staged.path
        path = staged.target
        while True:
            try:
                os.link(tmp, path)  # never replaces
                break
            except FileExistsError:
                path = self._following(path, staged.scope)
        tmp.unlink()
        return path

    def _following(self, taken: Path, scope: Scope) -> Path:
        """The name was taken by someone not holding our pair: the next free index."""
        name = FileName.parse(taken.name)
        if name is None:
            raise FileExistsError(errno.EEXIST, f"{taken} exists and is not replaced")
        index = max(name.index + 1, _highest(taken.parent, name, scope) + 1)
        return taken.with_name(str(FileName(name.major, name.minor, index)))

    def discard(self, staged: Staged) -> None:
        Path(staged.where).unlink(missing_ok=True)

    def write_atomic(self, path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def sync_folders(self, folders: Iterable[Path]) -> None:
        for folder in folders:
            _fsync_dir(folder)

    def claim_pair(self, folder: Path, major: int | None, minor: int | None) -> PairClaim:
        if major is not None and minor is not None:
            got = _LockClaim.take(folder, major, minor)
            if got is None:
                raise UsageError(f"{folder}: another writer is writing {major}_{minor}_*.parquet "
                                 "files right now; choose another major/minor or leave them out")
            return got
        for n in range(MAX_PAIRS):
            pair = (major if major is not None else 0, n) if minor is None else (n, minor)
            got = _LockClaim.take(folder, *pair)
            if got is not None:
                return got
        raise UsageError(f"{folder}: {MAX_PAIRS} writers are busy in this "  # pragma: no cover
                         "dataset; no free major_minor pair")

    def next_index(self, folder: Path, major: int, minor: int, scope: Scope = "pair") -> int:
        own_tmp = f".{major}_{minor}_"
        for entry in os.scandir(folder):
            if entry.name.startswith(own_tmp) and entry.name.endswith(".tmp"):
                Path(entry.path).unlink(missing_ok=True)  # a crashed holder's: none is live
        return _highest(folder, FileName(major, minor, 0), scope) + 1

    def list_committed(self, folder: Path) -> list[Path]:
        out = []
        for p in sorted(folder.rglob("*.parquet")):
            rel = p.relative_to(folder).parts
            if not any(part.startswith((".", "_")) for part in rel) and p.is_file():
                out.append(p)
        return out

    def remove(self, paths: Iterable[Path]) -> None:
        for p in paths:
            p.unlink(missing_ok=True)

    def remove_empty_folders(self, folder: Path, root: Path) -> None:
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def guard_append(self, folder: Path) -> AppendGuard:
        if sys.platform == "win32":  # pragma: no cover - no shared flock; see docs/datasets.md
            return _NoGuard()
        # the gate first: an overwrite waiting to swap holds it, so new appends queue
        # behind the swap instead of starving it
        gate = _take_lock(folder / GATE_NAME, shared=True, deadline=None)
        assert gate is not None  # (no deadline: it waits)
        try:
            hold = _take_lock(folder / HOLD_NAME, shared=True, deadline=None)
            assert hold is not None
        finally:
            _drop_lock(folder / GATE_NAME, gate)
        return _AppendHold(folder / HOLD_NAME, hold)

    def begin_overwrite(self, target: Path) -> Generation:
        # a symlinked dataset folder keeps its link: the folder it points to is replaced,
        # next to which the new generation is written
        target = target.resolve() if target.is_symlink() else target
        _remove_stale_staging(target)
        staging = target.parent / f".{target.name}{STAGING_MARK}{secrets.token_hex(6)}"
        self.make_folder(staging, exist_ok=False)
        return _SiblingGeneration(target, staging)


def _highest(folder: Path, name: FileName, scope: Scope) -> int:
    """The highest index in ``folder`` of ``name``'s pair (or of any pair), -1 for none."""
    highest = -1
    for entry in os.scandir(folder):
        got = FileName.parse(entry.name)
        if got is not None and (scope == "folder" or (got.major, got.minor) ==
                                (name.major, name.minor)):
            highest = max(highest, got.index)
    return highest


def _mkdir_reason(exc: OSError) -> str:
    """Why a folder could not be made, in words (``File exists`` means a file is in the way)."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "a file of that name (or of a parent folder's name) is in the way"
    return exc.strerror or str(exc)


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - cannot happen for a file we just wrote
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


# --------------------------------------------------------------------------- pair claims


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


def _lock_path(folder: Path, major: int, minor: int) -> Path:
    return folder / f"{LOCK_PREFIX}{major}_{minor}.lock"


class _LockClaim(PairClaim):
    """A pair held through the flock-ed hidden file ``.schemagen-{major}_{minor}.lock``
    (the kernel releases it when the process dies: a crashed writer blocks nobody)."""

    def __init__(self, folder: Path, major: int, minor: int, fd: int) -> None:
        self.folder = folder
        self.major = major
        self.minor = minor
        self._fd: int | None = fd

    @classmethod
    def take(cls, folder: Path, major: int, minor: int) -> _LockClaim | None:
        """The pair's claim, or None while another live writer holds it."""
        path = _lock_path(folder, major, minor)
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
        path = _lock_path(self.folder, self.major, self.minor)
        if sys.platform == "win32":  # pragma: no cover
            os.close(fd)
            path.unlink(missing_ok=True)
            return
        path.unlink(missing_ok=True)  # while still locked: nobody can be using it
        os.close(fd)


# --------------------------------------------------------------------------- appends vs swaps

GATE_NAME = f"{LOCK_PREFIX}gate.lock"  # held by an overwrite about to swap the folder
HOLD_NAME = f"{LOCK_PREFIX}appends.lock"  # shared by appends, exclusive for the swap
LIVE_NAME = f"{LOCK_PREFIX}generation.lock"  # held by the overwrite writing a staging folder


def _flock(fd: int, *, shared: bool, wait: bool) -> bool:
    import fcntl

    op = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB)
    try:
        fcntl.flock(fd, op)
    except (BlockingIOError, PermissionError):
        return False
    return True


def _is_named(fd: int, path: Path) -> bool:
    """The open file ``fd`` is still the file named ``path`` (not unlinked or swapped away)."""
    try:
        a, b = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _take_lock(path: Path, *, shared: bool, deadline: float | None) -> int | None:
    """A descriptor holding a flock of the file ``path`` (created when missing) that is
    still the file of that name once locked; None when ``deadline`` (monotonic) passed."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if deadline is None:
            got = _flock(fd, shared=shared, wait=True)
        else:
            while not (got := _flock(fd, shared=shared, wait=False)) and \
                    time.monotonic() < deadline:
                time.sleep(0.01)
        if got and _is_named(fd, path):
            return fd
        os.close(fd)
        if not got:
            return None
        # unlinked by its last holder, or swapped away with the old generation: again


def _drop_lock(path: Path, fd: int) -> None:
    """Unlock; the file is removed when nobody else holds it (an exclusive lock taken
    first, so a process that opened it meanwhile sees it unlinked and starts over)."""
    if _flock(fd, shared=False, wait=False) and _is_named(fd, path):
        path.unlink(missing_ok=True)
    os.close(fd)


class _AppendHold(AppendGuard):
    """A shared flock of ``.schemagen-appends.lock`` in the dataset folder."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            _drop_lock(self.path, fd)


class _SwapLock:
    """The overwrite's exclusive hold on ``target`` while it swaps: the gate (new appends
    wait), then the appends lock (the appends in progress are waited for)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._held: list[tuple[Path, int]] = []

    def __enter__(self) -> None:
        if sys.platform == "win32":  # pragma: no cover
            return
        wait = APPEND_WAIT_SECONDS
        deadline = time.monotonic() + wait
        for name in (GATE_NAME, HOLD_NAME):
            path = self.target / name
            fd = _take_lock(path, shared=False, deadline=deadline)
            if fd is None:
                self.__exit__(UsageError, None, None)
                raise UsageError(
                    f"{self.target}: an append into this dataset is still in progress after "
                    f"waiting {wait:g} s; the overwrite was not applied (its new files are "
                    "dropped, the dataset is as it was)")
            self._held.append((path, fd))

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        held, self._held = self._held, []
        for path, fd in reversed(held):
            if exc_type is None:
                os.close(fd)  # swapped away with the old generation (deleted with it)
            else:
                _drop_lock(path, fd)


# --------------------------------------------------------------------------- overwrite


class _SiblingGeneration(Generation):
    """The new generation in a hidden sibling folder, swapped in by ``exchange``."""

    def __init__(self, target: Path, folder: Path) -> None:
        self.target = target
        self.folder = folder
        # held for the generation's whole life: another overwrite's clean-up never takes
        # a live staging folder for the remains of a dead one (not even between two
        # pair claims of its writer, when no pair lock is held)
        self._live: int | None = _take_lock(folder / LIVE_NAME, shared=False, deadline=None)

    def _release(self, where: Path) -> None:
        fd, self._live = self._live, None
        if fd is not None:
            with contextlib.suppress(OSError):
                (where / LIVE_NAME).unlink()
            os.close(fd)

    def commit(self, files: Sequence[Path] = ()) -> None:
        staging, target = self.folder, self.target
        _fsync_dir(staging)
        if not target.exists():
            try:
                os.rename(staging, target)
                self._release(target)
                _fsync_dir(target.parent)
                return
            except OSError:
                if not target.exists():
                    raise
        with _SwapLock(target):
            old = exchange(staging, target)
        self._release(target)
        _fsync_dir(target.parent)
        shutil.rmtree(old, ignore_errors=True)

    def abort(self, files: Sequence[Path] = ()) -> None:
        self._release(self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)


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


_DEFAULT = LocalStorage()


def default_storage() -> Storage:
    """The storage writers use when given none: the local file system."""
    return _DEFAULT
