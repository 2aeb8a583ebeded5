"""``inspect`` of a path on an object store (``s3://bucket/sales/``).

The guard process decodes untrusted files out of process, from local paths only.  So
the files a reader of the path would read (those its manifest lists, when it has one)
are copied into a private temporary folder first, under the same relative names and
the same last folder name (the recovered record is named after it); that copy is
inspected, and the report and its errors name the files by their URIs again.  The copy
is removed on every path.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from schemagen.errors import SchemagenError, UsageError
from schemagen.runtime.location import Location, source_of

__all__ = ["inspect_remote"]

COPY_CHUNK = 8 << 20


def inspect_remote(loc: Location, inspect_local: Callable[[Path], dict[str, Any]],
                   ) -> dict[str, Any]:
    """The report of ``inspect_local`` on a local copy of ``loc``'s files, with the copy's
    paths replaced by the store's."""
    from schemagen.runtime.reader import dataset_files

    remote = loc.path
    listed = dataset_files(remote, loc.filesystem)
    if not listed:
        raise UsageError(f"{remote}: no Parquet files (*.parquet) in this folder")
    single = loc.storage.kind(remote) == "file"
    with tempfile.TemporaryDirectory(prefix="schemagen-inspect-") as tmp:
        local = Path(tmp) / (remote.name or "dataset")
        for f, _ in listed:
            _download(loc.filesystem, f, local if single else local / f.relative_to(remote))
        try:
            report = inspect_local(local)
        except SchemagenError as exc:
            text = str(exc).replace(str(local), str(remote))
            try:
                renamed = type(exc)(text)
            except TypeError:  # pragma: no cover - an error class with other arguments
                raise exc from None
            raise renamed from None
    out: dict[str, Any] = _renamed(report, str(local), str(remote))
    return out


def _download(fs: Any, src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with fs.open_input_stream(source_of(src)) as f, open(dest, "wb") as out:
        shutil.copyfileobj(f, out, COPY_CHUNK)


def _renamed(value: Any, old: str, new: str) -> Any:
    """``value`` (the JSON report) with every string naming the copy naming the store."""
    if isinstance(value, str):
        return new + value[len(old):] if value.startswith(old) else value.replace(old, new)
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, old, new) for k, v in value.items()}
    return value
