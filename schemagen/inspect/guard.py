"""The guard: untrusted Parquet files are opened and decoded in a child process first.

Files come from anywhere, so they are untrusted: before pyarrow touches a file
in this process,

1. the file is checked cheaply here (:func:`check_magic`: size, ``PAR1`` magic
   at both ends, a footer length that fits the file; an encrypted footer,
   ``PARE``, is named);
2. a guard child process (``python -c <_WORKER_SOURCE> ...``, importing only pyarrow)
   opens each file with pyarrow, reads its footer, schemas and statistics and (unless
   ``decode=False``) decodes every data page, reporting one JSON line per file
   (:func:`verify`).  A file on which pyarrow fails is reported with pyarrow's message;
   a file on which the child crashes (a signal) or runs past ``timeout`` seconds is
   reported as such, the child is killed and a new one continues with the
   other files.  The child's address space is limited (``memory_limit`` MiB,
   ``RLIMIT_AS``, with pyarrow's plain system allocator so that the limit measures
   what is used rather than what an allocator reserves): a file whose pages need
   more is reported as such, instead of exhausting the machine.  Only files that passed are then read in this process
   (:func:`open_parquet`), by the same pyarrow calls, so a corrupt file can never
   crash, hang or exhaust this process.

Text from such a file (names, metadata, pyarrow's messages) goes through
:func:`printable` before it reaches a terminal.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

__all__ = ["DEFAULT_MEMORY_LIMIT", "DEFAULT_TIMEOUT", "ENCRYPTED_MAGIC", "MAGIC", "check_magic",
           "footer_created_by", "open_parquet", "printable", "verify"]

MAGIC: Final = b"PAR1"
ENCRYPTED_MAGIC: Final = b"PARE"
DEFAULT_TIMEOUT: Final = 60.0
DEFAULT_MEMORY_LIMIT: Final = 2048  # MiB of address space for the guard child (0: none)
# the guard child's limit, in bytes, travels in its environment (a test's worker too)
_MEMORY_ENV: Final = "SCHEMAGEN_GUARD_MEMORY"


def check_magic(path: Path) -> str | None:
    """What is wrong with ``path`` as a Parquet file at the byte level (None: nothing)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4)
            if size < 12:
                return f"not a Parquet file: {size} bytes is too short (at least 12 needed)"
            f.seek(size - 8)
            tail = f.read(8)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    footer_len = struct.unpack("<I", tail[:4])[0]
    if head == ENCRYPTED_MAGIC or tail[4:] == ENCRYPTED_MAGIC:
        return "encrypted Parquet file (PARE magic): not supported"
    if head != MAGIC:
        return f"not a Parquet file: starts with {head!r}, expected {MAGIC!r}"
    if tail[4:] != MAGIC:
        return f"not a Parquet file (or truncated): ends with {tail[4:]!r}, expected {MAGIC!r}"
    if footer_len == 0 or footer_len > size - 12:
        return f"corrupt footer: footer length {footer_len} does not fit in a file of {size} bytes"
    return None


class _Compact:
    """Just enough of Thrift's compact protocol to find one field of the footer's
    ``FileMetaData`` by its id, skipping the others (bounded: sizes are checked
    against the bytes left and nesting stops at 64 levels)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise ValueError("truncated")
        self.pos += 1
        return self.data[self.pos - 1]

    def varint(self) -> int:
        out = shift = 0
        while True:
            b = self.byte()
            out |= (b & 0x7F) << shift
            if not b & 0x80:
                return out
            shift += 7
            if shift > 70:
                raise ValueError("varint too long")

    def binary(self) -> bytes:
        n = self.varint()
        if n > len(self.data) - self.pos:
            raise ValueError("binary longer than the footer")
        self.pos += n
        return self.data[self.pos - n: self.pos]

    def skip(self, ttype: int, depth: int = 0) -> None:
        if depth > 64:
            raise ValueError("nested too deeply")
        if ttype in (1, 2):  # booleans live in the field header
            return
        if ttype == 3:
            self.byte()
        elif ttype in (4, 5, 6):
            self.varint()
        elif ttype == 7:
            self.pos += 8
        elif ttype == 8:
            self.binary()
        elif ttype in (9, 10):
            head = self.byte()
            n = head >> 4 if head >> 4 != 15 else self.varint()
            for _ in range(n):
                self.skip(head & 0x0F if head & 0x0F not in (1, 2) else 3, depth + 1)
        elif ttype == 11:
            n = self.varint()
            kv = self.byte() if n else 0
            for _ in range(n):
                self.skip(kv >> 4, depth + 1)
                self.skip(kv & 0x0F, depth + 1)
        elif ttype == 12:
            self.struct_field(None, depth + 1)
        else:
            raise ValueError(f"unknown compact type {ttype}")

    def struct_field(self, want: int | None, depth: int = 0) -> bytes | None:
        """Read a struct to its end; the binary field ``want`` of it, if met."""
        fid = 0
        while True:
            head = self.byte()
            if head == 0:
                return None
            ttype = head & 0x0F
            delta = head >> 4
            if delta:
                fid += delta
            else:
                z = self.varint()
                fid = (z >> 1) ^ -(z & 1)
            if fid == want and ttype == 8:
                return self.binary()
            self.skip(ttype, depth)


def footer_created_by(path: Path) -> bytes | None:
    """The raw bytes of the footer's ``created_by`` (pyarrow decodes it as UTF-8 and
    raises on anything else), or None when absent or unreadable."""
    try:
        with path.open("rb") as f:
            f.seek(-8, os.SEEK_END)
            n = struct.unpack("<I", f.read(4))[0]
            f.seek(-8 - n, os.SEEK_END)
            return _Compact(f.read(n)).struct_field(6)
    except (OSError, ValueError, struct.error):
        return None


def open_parquet(path: str) -> Any:
    """``path`` opened by pyarrow (only after :func:`verify` passed it)."""
    from schemagen._pyarrow import pq

    return pq.ParquetFile(path, coerce_int96_timestamp_unit="us")


# The guard child's program.  It imports only pyarrow (not schemagen: half a second less per
# run) and touches everything the report later reads in this process: the footer, both
# schemas, every column chunk's statistics, and every data page ("decode"), or only the
# first N rows ("rows:N", for --no-verify --rows N: the rows shown are read here too).
# It runs with -P: the current folder is not on its sys.path (a json.py or a pyarrow/
# folder where the user stands must not be imported in its place).
_WORKER_SOURCE: Final = """
import json, os, resource, sys
limit = int(os.environ.get("SCHEMAGEN_GUARD_MEMORY") or 0)
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import pyarrow.parquet as pq
mode = sys.argv[1]
decode = mode == "decode"
limit = int(mode[5:]) if mode.startswith("rows:") else 0
for f in sys.argv[2:]:
    try:
        pf = pq.ParquetFile(f, coerce_int96_timestamp_unit="us")
        md = pf.metadata
        str(pf.schema), str(pf.schema_arrow), md.metadata
        for i in range(md.num_row_groups):
            rg = md.row_group(i)
            for j in range(rg.num_columns):
                c = rg.column(j)
                c.path_in_schema, c.compression, c.encodings, c.total_compressed_size
                st = c.statistics if c.is_stats_set else None
                if st is not None:
                    st.null_count, st.distinct_count, st.num_values
                    if st.has_min_max:
                        for key in ("min", "max"):
                            try:
                                getattr(st, key)
                            except (ValueError, OverflowError, UnicodeDecodeError):
                                pass
        if decode or limit:
            got = 0
            for b in pf.iter_batches(batch_size=65536 if decode else min(limit, 65536),
                                     use_threads=False):
                got += b.num_rows
                if not decode and got >= limit:
                    break
        res = {"file": f, "ok": True}
    except MemoryError as exc:
        res = {"file": f, "ok": False, "memory": True, "error": str(exc) or "out of memory"}
    except Exception as exc:
        res = {"file": f, "ok": False, "error": str(exc) or type(exc).__name__}
    sys.stdout.write(json.dumps(res) + "\\n")
    sys.stdout.flush()
"""
# seconds the guard process may take to start (import pyarrow) on top of the first file's
# timeout: on a busy machine that alone can exceed a small --timeout
_STARTUP_GRACE: Final = 10.0
# files per guard process: bounded so the command line stays far below the OS limit
_ARGV_FILES: Final = 500
_ARGV_CHARS: Final = 64 * 1024


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def _worker_cmd(decode: bool, rows: int = 0) -> list[str]:
    mode = "decode" if decode else f"rows:{rows}" if rows > 0 else "footer"
    return [sys.executable, "-P", "-c", _WORKER_SOURCE, mode]


def _chunk(pending: collections.deque[Path]) -> list[Path]:
    """The next files for one guard process (at least one)."""
    out: list[Path] = []
    chars = 0
    for f in pending:
        chars += len(os.fsencode(f)) + 1
        if out and (len(out) >= _ARGV_FILES or chars > _ARGV_CHARS):
            break
        out.append(f)
    return out


def verify(files: Sequence[Path], timeout: float = DEFAULT_TIMEOUT, decode: bool = True,
           worker: Sequence[str] | None = None, rows: int = 0,
           memory_limit: int = DEFAULT_MEMORY_LIMIT) -> dict[Path, str | None]:
    """Open (and with ``decode``, fully decode) each file in a guard child process.

    Returns ``{file: None (fine) or what is wrong}``.  Without ``decode``, the
    first ``rows`` rows of each file are still decoded (they will be shown).
    ``memory_limit``: the child's address space in MiB (0: unlimited).
    ``worker`` replaces the child's command (the files are appended); it is for tests.
    """
    results: dict[Path, str | None] = {}
    pending = collections.deque(files)
    cmd = list(worker) if worker is not None else _worker_cmd(decode, rows)
    env = dict(os.environ)
    env[_MEMORY_ENV] = str(memory_limit * 1024 * 1024)
    # pyarrow's default allocator (mimalloc) reserves a GiB of address space up front:
    # with the system allocator the limit bounds what the file makes the child use
    env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    while pending:
        batch = _chunk(pending)
        # stderr goes to a file: a chatty child must never block on a full pipe
        with tempfile.TemporaryFile() as errfile:
            proc = subprocess.Popen(
                [*cmd, *map(str, batch)], stdout=subprocess.PIPE, stderr=errfile,
                stdin=subprocess.DEVNULL, env=env,
            )
            try:
                _collect(proc, batch, pending, results, (timeout, memory_limit), errfile)
            finally:
                # never leave the child behind (an interrupt, an error here): a child
                # looping inside pyarrow's C++ code ignores SIGINT
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
                if proc.stdout is not None:
                    proc.stdout.close()
    return results


def _collect(proc: subprocess.Popen[bytes], batch: list[Path],
             pending: collections.deque[Path],
             results: dict[Path, str | None], limits: tuple[float, int], errfile: Any) -> None:
    """Read the child's verdicts on ``batch`` (removing each from ``pending``); stops at
    the first file the child crashed or timed out on (the caller starts a new child).
    ``limits``: (seconds per file, MiB of memory)."""
    timeout, memory = limits
    lines: queue.Queue[bytes] = queue.Queue()

    def pump(stream: Any = proc.stdout, out: queue.Queue[bytes] = lines) -> None:
        for line in iter(stream.readline, b""):
            out.put(line)
        out.put(b"")

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    todo = list(batch)
    wait = timeout + _STARTUP_GRACE  # the first file also waits for Python and pyarrow to load
    while todo:
        current = todo[0]
        try:
            line = lines.get(timeout=wait)
        except queue.Empty:
            proc.kill()
            proc.wait()
            results[current] = (f"timed out after {wait:g} s reading the file "
                                "(pyarrow may loop on a corrupt file)")
            pending.popleft()
            break
        if not line:  # the child ended before reporting this file
            code = proc.wait()
            errfile.seek(0)
            results[current] = _died(code, errfile.read().decode("utf-8", "replace").strip(),
                                     memory)
            pending.popleft()
            break
        try:
            res = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue  # stray output
        if not isinstance(res, dict) or res.get("file") != str(current):
            continue  # stray output (not one of our verdicts)
        results[current] = None if res.get("ok") else _over_memory(memory, res.get("error")) \
            if res.get("memory") else (
            f"corrupt or unreadable Parquet file (pyarrow: {res.get('error')})")
        wait = timeout
        todo.pop(0)
        pending.popleft()
    else:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass  # killed by the caller
    t.join(timeout=1)


def _over_memory(limit: int, why: object) -> str:
    return (f"reading the file needs more memory than the guard process's limit of "
            f"{limit:,} MiB (pyarrow: {why}); if the file is trusted, raise the limit "
            "with --memory-limit MIB (0: none)")


def _died(code: int, err: str, memory: int) -> str:
    """What is wrong with a file the guard child died on (``code``: its exit code,
    ``err``: its stderr, ``memory``: its limit in MiB)."""
    last = err.splitlines()[-1] if err else f"exit code {code}"
    if memory and ("MemoryError" in last or "bad_alloc" in err):
        return _over_memory(memory, last)
    if code < 0:
        hint = (f", or it needs more memory than the guard process's limit of {memory:,} MiB"
                if memory and -code in (signal.SIGABRT, signal.SIGKILL) else "")
        return f"pyarrow crashed ({_signal_name(code)}) reading the file: it is corrupt{hint}"
    return f"the reader process failed: {last}"


# control characters (but newline and tab) and bidirectional overrides: text from an
# untrusted file (column names, metadata, values) must not drive the terminal
_UNPRINTABLE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters and bidirectional overrides escaped."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256
                            else f"\\u{ord(m[0]):04x}", text)
