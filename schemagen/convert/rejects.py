"""Rows that cannot be converted: the :class:`Reject` record, the reason a value is
refused (:class:`BadValue`) and the rejects file (JSON Lines, committed atomically through
``runtime/storage.py``)."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from schemagen.errors import UsageError, counted, shorten
from schemagen.runtime.storage import Staged, Storage, default_storage

MAX_RAW_CHARS: Final = 1_000_000
MAX_FIRST: Final = 20  # rejects kept in memory for messages


class BadValue(Exception):
    """A value the per-row path refuses: ``path`` is the field path, ``reason`` why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


@dataclass
class Reject:
    """One row that could not be converted."""

    file: str
    line: int  # 1-based line (JSON, CSV) or record number (Avro)
    path: str  # field path, e.g. ``user_info.cust_id`` or ``trans_info.prod_id[2]``
    reason: str
    row: Any  # the raw row: its text (JSON), cells by header (CSV), the record (Avro)

    def to_json(self) -> str:
        obj = {"file": self.file, "line": self.line, "path": self.path, "reason": self.reason,
               "row": self.row}
        text = json.dumps(obj, ensure_ascii=False, default=json_default)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (from \ud800 escapes): escaped
            text = json.dumps(obj, ensure_ascii=True, default=json_default)
        return text

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        return f"{self.file}:{self.line}: {self.reason}{where}"


def json_default(v: Any) -> Any:
    """JSON for the values a raw row (an Avro record) may hold."""
    if isinstance(v, (datetime.date, datetime.time, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, (decimal.Decimal, uuid.UUID)):
        return str(v)
    return repr(v)


def show(v: Any) -> str:
    """A value as a reject reason shows it (JSON for objects and arrays), shortened."""
    return shorten(v, 80, render=_render)


def _render(v: Any) -> str:
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, default=json_default, ensure_ascii=False)
    return repr(v)


def cap(s: str) -> str:
    """A raw row's text, cut at ``MAX_RAW_CHARS``."""
    return s if len(s) <= MAX_RAW_CHARS else s[:MAX_RAW_CHARS] + "...(truncated)"


def raw_text(b: bytes) -> str:
    """A raw line as text (bad UTF-8 replaced), cut at ``MAX_RAW_CHARS``."""
    return cap(b.decode("utf-8", errors="replace").rstrip("\r"))


class RejectsFile:
    """Counts rejects, keeps the first ones, and writes them all to ``path`` (if given),
    through the storage layer: staged under a temporary name, committed by
    :meth:`close` (synced, then renamed into place), discarded by :meth:`abort`."""

    def __init__(self, path: Path | None, storage: Storage | None = None) -> None:
        self.path = path
        self.count = 0
        self.first: list[Reject] = []
        self._storage = storage or default_storage()
        self._staged: Staged | None = None
        self._f: Any = None
        if path is not None:
            self._storage.make_folder(path.parent)
            self._staged = self._storage.stage(path, replace=True)
            try:
                self._f = open(self._staged.where, "w", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise UsageError(f"cannot write the rejects file {path}: "
                                 f"{exc.strerror or exc}") from None

    def add(self, r: Reject) -> None:
        self.count += 1
        if len(self.first) < MAX_FIRST:
            self.first.append(r)
        if self._f is not None:
            self._f.write(r.to_json() + "\n")

    def close(self) -> None:
        """Commit the file; if that fails, the temporary file is removed and the error
        says the rejected rows were not kept."""
        if self._f is not None and self._staged is not None:
            f, self._f = self._f, None
            try:
                f.close()
                self._storage.commit(self._staged)
            except OSError as exc:
                self._storage.discard(self._staged)
                raise UsageError(f"cannot write the rejects file {self.path}: "
                                 f"{exc.strerror or exc}; "
                                 f"{counted(self.count, 'rejected row')} not kept") from None

    def abort(self) -> None:
        if self._f is not None and self._staged is not None:
            self._f.close()
            self._f = None
            self._storage.discard(self._staged)
