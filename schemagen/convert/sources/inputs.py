"""The inputs of a conversion: a named regular file, or a stream (``-`` is standard
input; ``/dev/stdin``, a named pipe or a ``<(...)`` file descriptor), read forward only.

Every source reads its input through :meth:`InputFile.open`: a :class:`Reader` that
counts the bytes it gave (progress, Avro offsets) and, for a stream, first gives again
the bytes :meth:`InputFile.head` looked at to tell the format."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path
from typing import IO, Any, Final

from schemagen.errors import UsageError

STDIN: Final = "-"
STDIN_NAME: Final = "<stdin>"  # how errors and rejects name standard input
HEAD_BYTES: Final = 64 * 1024  # what format detection looks at (at most)


class Reader(io.RawIOBase):
    """An input's bytes, forward only: ``replay`` (the bytes already taken from a
    stream) first, then ``raw``.  ``consumed``: the bytes given so far."""

    def __init__(self, raw: IO[bytes], replay: bytes = b"", close_raw: bool = True) -> None:
        super().__init__()
        self._raw = raw
        self._replay = memoryview(replay)
        self._close_raw = close_raw
        self._seekable = not replay and raw.seekable()  # a regular file
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """A regular file only (JSON Lines reads the partial line at a chunk's end again
        instead of copying it into the next chunk)."""
        if not self._seekable:
            raise io.UnsupportedOperation("seek")
        self.consumed = self._raw.seek(offset, whence)
        return self.consumed

    def readinto(self, b: Any) -> int:
        view = memoryview(b).cast("B")
        if self._replay:
            n = min(len(view), len(self._replay))
            view[:n] = self._replay[:n]
            self._replay = self._replay[n:]
        else:
            n = self._raw.readinto(view) or 0  # type: ignore[attr-defined]
        self.consumed += n
        return n

    def tell(self) -> int:
        """The offset: bytes given so far (fastavro asks for block offsets; a pipe
        cannot tell)."""
        return self.consumed

    def close(self) -> None:
        if not self.closed and self._close_raw:
            self._raw.close()
        super().close()


def read_full(f: Any, view: memoryview) -> int:
    """Fill ``view`` from ``f`` (a pipe gives a little at a time); fewer bytes only at
    the end of the input."""
    done = 0
    while done < len(view):
        n = f.readinto(view[done:])
        if not n:
            break
        done += n
    return done


class InputFile:
    """One input.  ``name``: what errors and rejects call it (the path as given;
    ``<stdin>`` for ``-``); ``path``: the file to open (None for ``-``); ``stream``:
    read once, forward only (its first bytes are kept to tell the format); ``size``:
    the bytes of a regular file (None for a stream)."""

    def __init__(self, given: str | os.PathLike[str]) -> None:
        self.given = os.fspath(given)
        self.stdin = self.given == STDIN
        self.path: Path | None = None if self.stdin else Path(self.given)
        self.name = STDIN_NAME if self.stdin else self.given
        self.stream = True
        self.size: int | None = None
        self._head: bytes | None = None
        self._raw: Any = None
        self._opened = False
        if self.path is not None:
            self._check_kind(self.path)

    def _check_kind(self, path: Path) -> None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise UsageError(f"{path}: no such input file") from None
        except OSError as exc:
            raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{path}: is a folder; give the input files (e.g. {path}/*.jsonl)")
        if stat.S_ISREG(st.st_mode):
            self.stream = False
            self.size = st.st_size
        elif not (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)
                  or stat.S_ISSOCK(st.st_mode)):
            raise UsageError(f"{path}: not a file, a pipe or standard input")

    def __repr__(self) -> str:
        return f"InputFile({self.given!r})"

    def head(self) -> bytes:
        """The first bytes (up to ``HEAD_BYTES``; fewer only at the end of the input).
        Opens a stream (a named pipe waits for its writer here) and keeps them for
        :meth:`open`."""
        if self._head is None:
            raw = self._open_raw()
            buf = bytearray(HEAD_BYTES)
            n = read_full(raw, memoryview(buf))
            self._head = bytes(buf[:n])
            if self.stream:
                self._raw = raw
            else:
                raw.close()
        return self._head

    def _open_raw(self) -> Any:
        if self.stdin:
            buffer = getattr(sys.stdin, "buffer", None)
            if buffer is None:  # pragma: no cover - a replaced sys.stdin
                raise UsageError("standard input cannot be read as bytes here")
            return buffer
        assert self.path is not None
        try:
            return open(self.path, "rb", buffering=0)  # noqa: SIM115 - closed by Reader
        except OSError as exc:
            raise UsageError(f"{self.name}: cannot read it ({exc.strerror})") from None

    def open(self) -> Reader:
        """The input's bytes from the start (a stream: once)."""
        if not self.stream:
            return Reader(self._open_raw())
        if self._opened:
            raise UsageError(f"{self.name}: a stream can be read only once")
        self._opened = True
        head = self.head()
        raw, self._raw = self._raw, None
        return Reader(raw, head, close_raw=not self.stdin)

    def checked(self) -> None:
        """The format check is done: a regular file lets its first bytes go (they are
        read again when it is read), so many inputs do not hold 64 KiB each; a stream
        keeps them to give them again."""
        if not self.stream:
            self._head = None

    def close(self) -> None:
        """Close a stream opened by :meth:`head` and never read."""
        if self._raw is not None and not self.stdin:
            self._raw.close()
        self._raw = None


def input_files(inputs: list[str | os.PathLike[str] | InputFile]) -> list[InputFile]:
    """The inputs, checked without reading any: each exists and is a file or a stream,
    and a stream is given once (it can be read only once)."""
    if not inputs:
        raise UsageError("convert needs at least one input file")
    files = [x if isinstance(x, InputFile) else InputFile(x) for x in inputs]
    seen: set[tuple[int, int]] = set()
    for f in files:
        if not f.stream:
            continue
        st = os.fstat(0) if f.stdin else os.stat(f.given)
        key = (st.st_dev, st.st_ino)
        if key in seen:
            raise UsageError(f"{f.name} is given twice; a stream can be read only once")
        seen.add(key)
    return files


def as_input(x: InputFile | str | os.PathLike[str]) -> InputFile:
    return x if isinstance(x, InputFile) else InputFile(x)


def text_reader(src: InputFile, newline: str | None = None) -> tuple[io.TextIOWrapper, Reader]:
    """The input as UTF-8 text (a byte order mark as its first bytes is skipped) and the
    :class:`Reader` under it (its ``consumed`` bytes are the progress)."""
    raw = src.open()
    return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline=newline), raw
