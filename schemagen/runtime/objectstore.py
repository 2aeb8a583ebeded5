"""The commit protocol on an object store (S3, GCS, Azure, any ``pyarrow.fs``).

Object stores have no rename, no locks and no folders; a PUT (or a completed
multipart upload, or a server-side copy) makes a whole object appear at once.
docs/datasets.md "Object stores" gives the protocol and compares it with
Hadoop's FileOutputCommitter and the S3A committers.  In short:

* **Whole files only.**  A file is streamed to a hidden temporary key next to its
  final name (``.{name}.{random}.tmp``) and published by a server-side copy to the
  final key, then the temporary key is deleted.  pyarrow's S3 output stream
  completes its upload when it is closed *or destroyed*, and has no abort, so
  streaming straight to the final key would publish a partial file whenever a
  write fails; a killed writer leaves an unfinished upload or a hidden ``.tmp``
  object, never a final name.
* **Claims without locks.**  pyarrow's file systems offer no conditional PUT, so
  a writer takes a fresh *writer id* as its minor: ``{milliseconds since
  1970}{6 random digits}``.  Ids of writers started later are larger, so the names
  ``{major}_{writerid}_{index}.parquet`` sort in write order and never collide.
* **Generations.**  ``overwrite`` writes the new files under new names in the
  same folder, then switches the dataset to them with one PUT of the manifest
  ``_schemagen/manifest.json`` (which lists them); the files of the generation
  it replaced are deleted only after that.  Readers of a folder with a manifest
  read exactly the files it (and the append records of its generation) list.
* **Appends to a manifest dataset** write their files, then one append record
  ``_schemagen/appends/{generation}/{major}_{minor}.json``: readers see all of an
  append or none of it.  An append that finds the dataset switched to another
  generation while it ran removes its files and raises a UsageError.
"""

from __future__ import annotations

import datetime
import importlib
import json
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from ..errors import ReadError, UsageError
from .location import key_of
from .storage import STALE_STAGING_SECONDS, FileName, Generation, PairClaim, Scope, Staged, Storage

__all__ = ["APPENDS", "MANIFEST", "META", "Manifest", "ObjectStorage", "writer_id"]

META = "_schemagen"
MANIFEST = f"{META}/manifest.json"
APPENDS = f"{META}/appends"
PROTOCOL = "schemagen-manifest/1"
WRITER_ID_RANDOM = 10**6
READ_ATTEMPTS = 5


def writer_id() -> int:
    """A minor no other writer takes: milliseconds since 1970, then 6 random digits
    (later writers have larger ids: names sort in write order)."""
    return int(time.time() * 1000) * WRITER_ID_RANDOM + secrets.randbelow(WRITER_ID_RANDOM)


def _generation_id() -> str:
    return f"{int(time.time() * 1000):013d}-{secrets.token_hex(4)}"


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def hidden(part: str) -> bool:
    """The readers' rule: ``.`` names and ``_`` names (not ``_key=value`` folders)."""
    return part.startswith(".") or (part.startswith("_") and "=" not in part)


@dataclass(frozen=True)
class Manifest:
    """The current generation of a dataset and the files it lists (relative)."""

    generation: str
    files: tuple[str, ...]
    appends: tuple[tuple[str, ...], ...] = ()  # files of each append record, in order

    @property
    def all_files(self) -> list[str]:
        out = list(self.files)
        for files in self.appends:
            out.extend(files)
        return out


@dataclass
class _ObjectClaim(PairClaim):
    major: int
    minor: int
    generation: str | None  # the dataset's generation when the writer started
    released: bool = field(default=False)

    def release(self) -> None:
        self.released = True


class ObjectStorage(Storage):
    """The protocol over a ``pyarrow.fs.FileSystem`` without rename or locks."""

    def __init__(self, filesystem: Any) -> None:
        self.filesystem = filesystem
        self._pafs: Any = importlib.import_module("pyarrow.fs")

    # ------------------------------------------------------------------ objects

    def _info(self, path: Path) -> Any:
        return self.filesystem.get_file_info(key_of(path))

    def kind(self, path: Path) -> Literal["file", "dir"] | None:
        t = self._info(path).type
        if t == self._pafs.FileType.File:
            return "file"
        return "dir" if t == self._pafs.FileType.Directory else None

    def _put(self, path: Path, data: bytes) -> None:
        with self.filesystem.open_output_stream(key_of(path)) as out:
            out.write(data)

    def _get_json(self, path: Path) -> Any:
        """The JSON object at ``path`` (None when there is none).  A reader racing a PUT
        of the same key can get the new object cut at the old one's length (the size and
        the bytes come from two requests): such a read is retried."""
        for attempt in range(READ_ATTEMPTS):
            try:
                with self.filesystem.open_input_stream(key_of(path)) as f:
                    data = f.read()
            except FileNotFoundError:
                return None
            except OSError as exc:
                if self.kind(path) is None:
                    return None
                raise ReadError(f"{path}: cannot be read ({exc})") from None
            try:
                return json.loads(data)
            except ValueError as exc:
                if attempt + 1 == READ_ATTEMPTS:
                    raise ReadError(f"{path}: not the JSON schemagen writes ({exc}); it was "
                                    "changed by hand or by another program") from None
                time.sleep(0.05 * (attempt + 1))
        return None  # pragma: no cover - the loop returns or raises

    def _delete(self, paths: Iterable[Path]) -> None:
        for p in paths:
            try:
                self.filesystem.delete_file(key_of(p))
            except FileNotFoundError:
                pass

    def _listing(self, folder: Path, recursive: bool = True) -> list[Any]:
        sel = self._pafs.FileSelector(key_of(folder), recursive=recursive, allow_not_found=True)
        try:
            return list(self.filesystem.get_file_info(sel))
        except NotADirectoryError:  # pragma: no cover - a file at the folder's name
            return []

    def _rel(self, folder: Path, info: Any) -> PurePosixPath:
        return PurePosixPath(info.path).relative_to(key_of(folder))

    def visible_files(self, folder: Path) -> list[Path]:
        """The visible ``*.parquet`` objects below ``folder`` (no manifest consulted)."""
        out = []
        for info in self._listing(folder):
            if info.type != self._pafs.FileType.File or not info.path.endswith(".parquet"):
                continue
            rel = self._rel(folder, info)
            if not any(hidden(part) for part in rel.parts):
                out.append(folder / rel)
        return out

    # ------------------------------------------------------------------ manifests

    def manifest(self, folder: Path) -> Manifest | None:
        """The dataset's manifest with its generation's append records, None without one."""
        note = self._get_json(folder / MANIFEST)
        if note is None:
            return None
        path = folder / MANIFEST
        gen, files = _checked_note(path, note)
        appends = []
        prefix = folder / APPENDS / gen
        records = sorted((i for i in self._listing(prefix, recursive=False)
                          if i.type == self._pafs.FileType.File and i.path.endswith(".json")),
                         key=lambda i: _record_order(i.base_name))
        for info in records:
            rec = self._get_json(prefix / info.base_name)
            if rec is not None:
                appends.append(_checked_note(prefix / info.base_name, rec)[1])
        return Manifest(gen, files, tuple(appends))

    def generation_of(self, folder: Path) -> str | None:
        note = self._get_json(folder / MANIFEST)
        return None if note is None else _checked_note(folder / MANIFEST, note)[0]

    def dataset_files(self, folder: Path) -> tuple[list[Path], str | None]:
        """What a reader of ``folder`` reads: the files its manifest lists (with the
        generation), or every visible file when it has no manifest."""
        m = self.manifest(folder)
        if m is None:
            return self.visible_files(folder), None
        return [folder / rel for rel in m.all_files], m.generation

    def _write_manifest(self, folder: Path, generation: str, files: Sequence[str],
                        replaces: str | None) -> None:
        note = {"protocol": PROTOCOL, "generation": generation, "replaces": replaces,
                "files": list(files), "committed": _now()}
        self._put(folder / MANIFEST, (json.dumps(note, indent=1) + "\n").encode())

    # ------------------------------------------------------------------ Storage

    def make_folder(self, folder: Path, *, exist_ok: bool = True) -> bool:
        if self.kind(folder) == "file":
            raise UsageError(f"cannot create the folder {folder}: an object of that name "
                             "is in the way")
        if not exist_ok and self._listing(folder):
            raise UsageError(f"cannot create the folder {folder}: it already holds objects")
        if str(self.filesystem.type_name) not in ("s3", "gcs", "abfs"):
            try:  # file systems with real folders (HDFS, fsspec's memory ...) need them
                self.filesystem.create_dir(key_of(folder), recursive=True)
            except OSError:
                pass
        return False  # nothing to remove again: object stores have no folders

    def stage(self, path: Path, *, replace: bool = False, scope: Scope = "pair") -> Staged:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        return Staged(path, path, key_of(tmp), replace, scope, filesystem=self.filesystem)

    def commit(self, staged: Staged) -> Path:
        final = staged.target
        if not staged.replace:
            while self.kind(final) is not None:  # an explicit pair written before
                final = self._following(final, staged.scope)
        # a server-side copy: the final key appears whole, or not at all
        self.filesystem.copy_file(staged.where, key_of(final))
        self.filesystem.delete_file(staged.where)
        return staged.path if staged.replace else final

    def _following(self, taken: Path, scope: Scope) -> Path:
        name = FileName.parse(taken.name)
        if name is None:
            raise FileExistsError(f"{taken} exists and is not replaced")
        index = max(name.index + 1, self.next_index(taken.parent, name.major, name.minor,
                                                     scope))
        return taken.with_name(str(FileName(name.major, name.minor, index)))

    def discard(self, staged: Staged) -> None:
        try:
            self.filesystem.delete_file(staged.where)
        except (FileNotFoundError, OSError):
            pass

    def write_atomic(self, path: Path, data: bytes) -> None:
        self._put(path, data)

    def sync_folders(self, folders: Iterable[Path]) -> None:
        return None  # a completed PUT is durable

    def claim_pair(self, folder: Path, major: int | None, minor: int | None) -> PairClaim:
        return _ObjectClaim(0 if major is None else major,
                            writer_id() if minor is None else minor,
                            self.generation_of(_dataset_root(folder)))

    def next_index(self, folder: Path, major: int, minor: int, scope: Scope = "pair") -> int:
        highest = -1
        for info in self._listing(folder, recursive=False):
            got = FileName.parse(info.base_name)
            if got is not None and (scope == "folder" or (got.major, got.minor) == (major, minor)):
                highest = max(highest, got.index)
        return highest + 1

    def list_committed(self, folder: Path) -> list[Path]:
        return self.dataset_files(folder)[0]

    def remove(self, paths: Iterable[Path]) -> None:
        self._delete(paths)

    def remove_empty_folders(self, folder: Path, root: Path) -> None:
        return None  # no folders

    def begin_overwrite(self, target: Path) -> Generation:
        current = self.manifest(target)
        if current is None:
            # adopt the dataset: from now on readers read the files listed, so the
            # new files written next to the old ones stay invisible until the switch
            files = [str(p.relative_to(target)) for p in self.visible_files(target)]
            gen = _generation_id()
            self._write_manifest(target, gen, files, None)
        return _ObjectGeneration(self, target)

    def finish_append(self, folder: Path, files: Sequence[Path], claim: PairClaim,
                      rows: int) -> None:
        started = getattr(claim, "generation", None)
        now = self.generation_of(folder)
        if now != started:
            raise _overwritten(folder, len(files))
        if now is None:
            return  # no manifest: the files are the dataset
        record = folder / APPENDS / now / f"{claim.major}_{claim.minor}.json"
        note = {"protocol": PROTOCOL, "generation": now,
                "files": [str(p.relative_to(folder)) for p in files], "rows": rows,
                "committed": _now()}
        self._put(record, (json.dumps(note, indent=1) + "\n").encode())
        if self.generation_of(folder) != now:  # switched while the record was written
            self._delete([record])
            raise _overwritten(folder, len(files))

    def remove_stale(self, folder: Path) -> None:
        """Delete the hidden ``.tmp`` objects of writers that died (older than an hour)."""
        cutoff = time.time() - STALE_STAGING_SECONDS
        stale = []
        for info in self._listing(folder):
            if (info.type == self._pafs.FileType.File and info.base_name.startswith(".")
                    and info.base_name.endswith(".tmp") and info.mtime is not None
                    and info.mtime.timestamp() < cutoff):
                stale.append(folder / self._rel(folder, info))
        self._delete(stale)


def _dataset_root(folder: Path) -> Path:
    return folder


def _overwritten(folder: Path, n: int) -> UsageError:
    return UsageError(f"{folder}: the dataset was overwritten (mode='overwrite') while this "
                      f"append was running; its {n} file(s) were removed and nothing was "
                      "appended: write again")


def _record_order(name: str) -> tuple[int, int, str]:
    stem = name[:-5] if name.endswith(".json") else name
    major, _, minor = stem.partition("_")
    try:
        return int(major), int(minor), name
    except ValueError:
        return -1, -1, name


def _checked_note(path: Path, note: Any) -> tuple[str, tuple[str, ...]]:
    """(generation, files) of a manifest or append record; ReadError when it is not one."""
    gen = note.get("generation") if isinstance(note, dict) else None
    files = note.get("files") if isinstance(note, dict) else None
    if (not isinstance(gen, str) or not gen or "/" in gen or not isinstance(files, list)
            or not all(isinstance(f, str) for f in files)):
        raise ReadError(f"{path}: not a schemagen manifest (expected a JSON object with "
                        "'generation' and 'files'); it was changed by hand or by another "
                        "program")
    for f in files:
        parts = PurePosixPath(f).parts
        if not f or f.startswith("/") or ".." in parts or not f.endswith(".parquet"):
            raise ReadError(f"{path}: lists {f!r}, which is not a Parquet file inside the "
                            "dataset folder")
    return gen, tuple(files)


class _ObjectGeneration(Generation):
    """An overwrite on an object store: new names in the same folder, one manifest PUT."""

    def __init__(self, storage: ObjectStorage, target: Path) -> None:
        self.storage = storage
        self.target = target
        self.folder = target

    def commit(self, files: Sequence[Path] = ()) -> None:
        st, target = self.storage, self.target
        old = st.manifest(target)
        new = [str(p.relative_to(target)) for p in files]
        gen = _generation_id()
        st._write_manifest(target, gen, new, old.generation if old else None)
        if old is None:  # pragma: no cover - begin_overwrite wrote one
            return
        keep = set(new)
        st._delete(target / rel for rel in old.all_files if rel not in keep)
        records = [target / APPENDS / old.generation / PurePosixPath(i.path).name
                   for i in st._listing(target / APPENDS / old.generation, recursive=False)]
        st._delete(records)
        st.remove_stale(target)

    def abort(self, files: Sequence[Path] = ()) -> None:
        self.storage._delete(files)
