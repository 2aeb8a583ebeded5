"""``schemagen inspect``: what a Parquet file (or dataset folder) holds, as data.

:func:`inspect` returns a JSON-ready report (the keys are documented in
``docs/inspect.md`` and stable): per file the size, writer, row groups with
per-column codecs, encodings, sizes and statistics, the key/value metadata,
the first rows on request; per distinct schema the Parquet schema, the Arrow
schema and the recovered IR (:mod:`schemagen.frontends.parquet`).
:func:`render_text` formats it for people.

Files come from anywhere, so they are untrusted: before pyarrow touches a file
in this process,

1. the file is checked cheaply here (size, ``PAR1`` magic at both ends, a
   footer length that fits the file; an encrypted footer, ``PARE``, is named);
2. a guard child process (``python -c <_WORKER_SOURCE> ...``, importing only pyarrow)
   opens each file with pyarrow, reads its footer, schemas and statistics and (unless
   ``verify=False``) decodes every data page, reporting one JSON line per file.
   A file on which pyarrow fails is reported with pyarrow's message; a file on
   which the child crashes (a signal) or runs past ``timeout`` seconds is
   reported as such, the child is killed and a new one continues with the
   other files.  Only files that passed are then read in this process, by the
   same pyarrow calls, so a corrupt file can never crash, hang or exhaust
   this process.
"""

from __future__ import annotations

import collections
import datetime
import decimal
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
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from schemagen import ir
from schemagen.errors import InspectError, SchemagenError, UsageError

__all__ = ["InspectError", "check_magic", "inspect", "render_text", "verify"]

MAGIC: Final = b"PAR1"
ENCRYPTED_MAGIC: Final = b"PARE"
DEFAULT_TIMEOUT: Final = 60.0
_BATCH: Final = 65_536


# --------------------------------------------------------------------------- cheap checks


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


# --------------------------------------------------------------------------- the guard


def _open(path: str) -> Any:
    from schemagen._pyarrow import pq

    return pq.ParquetFile(path, coerce_int96_timestamp_unit="us")


# The guard child's program.  It imports only pyarrow (not schemagen: half a second less per
# run) and touches everything the report later reads in this process: the footer, both
# schemas, every column chunk's statistics, and every data page ("decode"), or only the
# first N rows ("rows:N", for --no-verify --rows N: the rows shown are read here too).
# It runs with -P: the current folder is not on its sys.path (a json.py or a pyarrow/
# folder where the user stands must not be imported in its place).
_WORKER_SOURCE: Final = """
import json, sys
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
           worker: Sequence[str] | None = None, rows: int = 0) -> dict[Path, str | None]:
    """Open (and with ``decode``, fully decode) each file in a guard child process.

    Returns ``{file: None (fine) or what is wrong}``.  Without ``decode``, the
    first ``rows`` rows of each file are still decoded (they will be shown).
    ``worker`` replaces the child's command (the files are appended); it is for tests.
    """
    results: dict[Path, str | None] = {}
    pending = collections.deque(files)
    cmd = list(worker) if worker is not None else _worker_cmd(decode, rows)
    env = dict(os.environ)
    while pending:
        batch = _chunk(pending)
        # stderr goes to a file: a chatty child must never block on a full pipe
        with tempfile.TemporaryFile() as errfile:
            proc = subprocess.Popen(
                [*cmd, *map(str, batch)], stdout=subprocess.PIPE, stderr=errfile,
                stdin=subprocess.DEVNULL, env=env,
            )
            try:
                _collect(proc, batch, pending, results, timeout, errfile)
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
             results: dict[Path, str | None], timeout: float, errfile: Any) -> None:
    """Read the child's verdicts on ``batch`` (removing each from ``pending``); stops at
    the first file the child crashed or timed out on (the caller starts a new child)."""
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
            err = errfile.read().decode("utf-8", "replace").strip()
            if code < 0:
                results[current] = (f"pyarrow crashed ({_signal_name(code)}) reading the "
                                    "file: it is corrupt")
            else:
                last = err.splitlines()[-1] if err else f"exit code {code}"
                results[current] = f"the reader process failed: {last}"
            pending.popleft()
            break
        try:
            res = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue  # stray output
        if not isinstance(res, dict) or res.get("file") != str(current):
            continue  # stray output (not one of our verdicts)
        results[current] = None if res.get("ok") else (
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


# --------------------------------------------------------------------------- values


def jsonable(v: Any) -> Any:
    """A JSON-ready form of a Python value read from Parquet (bytes: UTF-8 text or 0x hex)."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if v == v and v not in (float("inf"), float("-inf")) else repr(v)
    if isinstance(v, (bytes, bytearray)):
        try:
            return bytes(v).decode("utf-8")
        except UnicodeDecodeError:
            return "0x" + bytes(v).hex()
    if isinstance(v, (decimal.Decimal, uuid.UUID)):
        return str(v)
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, datetime.timedelta):
        return str(v)
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return str(v)


def _column_values(arr: Any) -> list[Any]:
    """Python values of a column; a value Python cannot hold (a timestamp beyond year 9999)
    becomes Arrow's text for it, and only that value: its neighbours stay as they are."""
    from schemagen._pyarrow import pa, pc

    try:
        return arr.to_pylist()  # type: ignore[no-any-return]
    except (ValueError, OverflowError, pa.ArrowException):
        pass
    t = arr.type
    valid = arr.is_valid().to_pylist()
    if pa.types.is_struct(t):
        children = [_column_values(c) for c in arr.flatten()]
        names = [t.field(i).name for i in range(t.num_fields)]
        return [dict(zip(names, vals)) if ok else None
                for ok, *vals in zip(valid, *children)] if children else [None] * len(arr)
    if pa.types.is_map(t):
        out: list[Any] = []
        for i, ok in enumerate(valid):
            kv = arr[i].values if ok else None
            out.append(None if kv is None else list(zip(
                _column_values(kv.field(0)), _column_values(kv.field(1)))))
        return out
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return [_column_values(arr[i].values) if ok else None for i, ok in enumerate(valid)]
    out = []
    for i in range(len(arr)):
        try:
            out.append(arr[i].as_py())
        except (ValueError, OverflowError, pa.ArrowException):
            if pa.types.is_string(t) or pa.types.is_large_string(t):
                raw = pc.cast(arr.slice(i, 1), pa.large_binary())[0].as_py()
                out.append(f"<invalid UTF-8: 0x{raw.hex()}>")
                continue
            try:
                text = pc.cast(arr.slice(i, 1), pa.string())[0].as_py()
            except (ValueError, OverflowError, pa.ArrowException, NotImplementedError):
                text = f"{t} value Python cannot hold"
            out.append(text if text.startswith("<") else f"<{text}>")
    return out


def _partition_values(values: dict[str, str | None], rec: Any) -> dict[str, Any]:
    """A file's Hive folder values (``key=value/``) as row values of the recovered
    record's partition fields: integers and booleans typed, the rest as text."""
    fields = {f.name: ir.strip_nullable(f.type)[0] for f in rec.record.fields} if rec else {}
    out: dict[str, Any] = {}
    for k, v in values.items():
        t = fields.get(k)
        if v is not None and isinstance(t, ir.Int) and re.fullmatch(r"-?[0-9]+", v):
            out[k] = int(v)
        elif v is not None and isinstance(t, ir.Bool) and v in ("true", "false"):
            out[k] = v == "true"
        else:
            out[k] = v
    return out


def _first_rows(pf: Any, n: int) -> list[dict[str, Any]]:
    if n <= 0 or pf.metadata.num_rows == 0:
        return []
    from schemagen._pyarrow import pa

    batches = []
    got = 0
    for b in pf.iter_batches(batch_size=min(n, _BATCH), use_threads=False):
        batches.append(b)
        got += b.num_rows
        if got >= n:
            break
    if not batches:
        return []
    table = pa.Table.from_batches(batches).slice(0, n)
    cols = {name: _column_values(table.column(i).combine_chunks())
            for i, name in enumerate(table.schema.names)}
    return [{k: jsonable(v[i]) for k, v in cols.items()} for i in range(table.num_rows)]


# --------------------------------------------------------------------------- the report


def _stats(st: Any) -> dict[str, Any] | None:
    if st is None:
        return None
    out: dict[str, Any] = {
        "null_count": st.null_count if st.has_null_count else None,
        "distinct_count": st.distinct_count if st.has_distinct_count else None,
        "num_values": st.num_values,
        "min": None,
        "max": None,
    }
    if st.has_min_max:
        half = str(getattr(st.logical_type, "type", "")) == "FLOAT16"
        for key in ("min", "max"):
            try:
                v = getattr(st, key)
                if half and isinstance(v, bytes) and len(v) == 2:
                    v = struct.unpack("<e", v)[0]  # pyarrow gives FLOAT16 bounds as bytes
                out[key] = jsonable(v)
            except (ValueError, OverflowError, UnicodeDecodeError):
                raw = getattr(st, f"{key}_raw", None)
                out[key] = jsonable(raw) if raw is not None else None
    return out


def _row_group(rg: Any, index: int) -> dict[str, Any]:
    cols = []
    for j in range(rg.num_columns):
        c = rg.column(j)
        cols.append({
            "path": c.path_in_schema,
            "physical_type": c.physical_type,
            "compression": c.compression,
            "encodings": list(c.encodings),
            "compressed_bytes": c.total_compressed_size,
            "uncompressed_bytes": c.total_uncompressed_size,
            "has_dictionary_page": bool(c.has_dictionary_page),
            "statistics": _stats(c.statistics) if c.is_stats_set else None,
        })
    return {
        "index": index,
        "num_rows": rg.num_rows,
        "total_byte_size": rg.total_byte_size,
        "compressed_bytes": sum(c["compressed_bytes"] for c in cols),
        "columns": cols,
    }


def _columns(schema: Any) -> list[dict[str, Any]]:
    out = []
    for i in range(len(schema)):
        c = schema.column(i)
        lt = str(c.logical_type.type) if c.logical_type is not None else "NONE"
        out.append({
            "path": c.path,
            "physical_type": c.physical_type,
            "logical_type": None if lt in ("NONE", "None") else str(c.logical_type),
            "converted_type": None if c.converted_type in ("NONE", None) else c.converted_type,
            "length": c.length if c.physical_type == "FIXED_LEN_BYTE_ARRAY" else None,
            "precision": c.precision if c.precision and c.precision > 0 else None,
            "scale": c.scale if c.precision and c.precision > 0 else None,
            "max_definition_level": c.max_definition_level,
            "max_repetition_level": c.max_repetition_level,
        })
    return out


def _parquet_schema_text(schema: Any) -> str:
    lines = str(schema).splitlines()
    # the first line is the object's repr ("<pyarrow._parquet.ParquetSchema object at ...>")
    if lines and lines[0].startswith("<"):
        lines = lines[1:]
    return "\n".join(ln for ln in lines).strip("\n")


def _metadata(md: dict[bytes, bytes] | None) -> dict[str, str]:
    if not md:
        return {}
    return {k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in md.items()}


@dataclass
class _SchemaGroup:
    key: tuple[str, str]
    files: list[str]
    parquet_schema: str
    arrow_schema: str
    recovered: Any  # frontends.parquet.Recovered | None
    error: str | None


def _ir_json(rec: Any) -> dict[str, Any]:
    return {
        "source": rec.source,
        "root": rec.root,
        "notes": list(rec.notes),
        "types": [ir.named_to_json(rec.types[n]) for n in ir.closure(rec.types, rec.root)],
    }


def inspect(path: str | Path, rows: int = 0, timeout: float = DEFAULT_TIMEOUT,
            verify_data: bool = True, worker: Sequence[str] | None = None) -> dict[str, Any]:
    """The report for a file or dataset folder (see the module docstring).

    Raises :class:`InspectError` (naming each file and its problem) when a file
    is not Parquet, is corrupt, or crashes/hangs the reader; :class:`UsageError`
    when the path does not exist or a folder holds no Parquet files.
    """
    from schemagen.frontends import parquet as pqfront
    from schemagen.runtime.reader import dataset_files

    p = Path(path)
    if not p.exists():
        raise UsageError(f"{p}: no such file or directory")
    if not (p.is_file() or p.is_dir()):
        raise UsageError(f"{p}: not a regular file or a folder (a pipe or device cannot be "
                         "inspected)")
    listed = dataset_files(p)
    files = [f for f, _ in listed]
    part_of = dict(listed)
    # Hive partition keys (key=value/ folders): not columns of the files, but fields
    partitions: dict[str, list[str | None]] = {}
    for _, values in listed:
        for k, v in values.items():
            partitions.setdefault(k, []).append(v)
    if not files:
        raise UsageError(f"{p}: no Parquet files (*.parquet) in this folder")
    problems: dict[Path, str | None] = {f: check_magic(f) for f in files}
    good = [f for f in files if problems[f] is None]
    if good:
        problems.update(verify(good, timeout=timeout, decode=verify_data, worker=worker,
                               rows=rows))
    bad = [(f, msg) for f, msg in problems.items() if msg is not None]
    if bad:
        # file names and pyarrow's messages (which quote column names) are untrusted text
        if len(bad) == 1:
            raise InspectError(_printable(f"{bad[0][0]}: {bad[0][1]}"))
        raise InspectError(f"{len(bad)} of {len(files)} files cannot be read:\n"
                           + "\n".join(_printable(f"  {f}: {m}") for f, m in bad))

    groups: dict[tuple[str, str], _SchemaGroup] = {}
    file_reports = []
    left = rows
    for f in files:
        pf = _open(str(f))
        md = pf.metadata
        kv = md.metadata  # the footer's key/value metadata as stored (ARROW:schema included)
        ptext = _parquet_schema_text(pf.schema)
        footer = (kv or {}).get(pqfront.FOOTER_KEY, b"").decode("utf-8", "replace")
        key = (ptext, footer)
        group = groups.get(key)
        if group is None:
            base = pqfront.record_name(p if p.is_dir() else f)
            name = base if not groups else f"{base}{len(groups) + 1}"
            try:
                rec = pqfront.recover(f, pf, name=name, partitions=partitions)
                err = None
            except SchemagenError as exc:
                rec, err = None, str(exc)
            group = groups[key] = _SchemaGroup(key, [], ptext, pf.schema_arrow.to_string(
                show_schema_metadata=False), rec, err)
        group.files.append(str(f))
        rep: dict[str, Any] = {
            "file": str(f),
            "size_bytes": f.stat().st_size,
            "created_by": md.created_by,
            "format_version": md.format_version,
            "num_rows": md.num_rows,
            "num_row_groups": md.num_row_groups,
            "num_columns": md.num_columns,
            "schema": list(groups).index(key),
            "key_value_metadata": _metadata(kv),
            "columns": _columns(pf.schema),
            "row_groups": [_row_group(md.row_group(i), i) for i in range(md.num_row_groups)],
        }
        rep["compressed_bytes"] = sum(rg["compressed_bytes"] for rg in rep["row_groups"])
        rep["uncompressed_bytes"] = sum(c["uncompressed_bytes"] for rg in rep["row_groups"]
                                        for c in rg["columns"])
        if rows:
            got = _first_rows(pf, left)
            if part_of[f] and got:  # the partition keys are fields of the rows too
                keys = _partition_values(part_of[f], group.recovered)
                got = [{**r, **keys} for r in got]
            rep["rows"] = got
            left -= len(got)
        file_reports.append(rep)

    schemas = []
    for i, g in enumerate(groups.values()):
        entry: dict[str, Any] = {"index": i, "files": g.files, "parquet_schema": g.parquet_schema,
                                 "arrow_schema": g.arrow_schema}
        entry["ir"] = _ir_json(g.recovered) if g.recovered is not None else {"error": g.error}
        schemas.append(entry)
    return {
        "schemagen_inspect": 1,
        "path": str(p),
        "kind": "folder" if p.is_dir() else "file",
        "summary": {
            "files": len(file_reports),
            "schemas": len(schemas),
            "num_rows": sum(r["num_rows"] for r in file_reports),
            "num_row_groups": sum(r["num_row_groups"] for r in file_reports),
            "size_bytes": sum(r["size_bytes"] for r in file_reports),
            "compressed_bytes": sum(r["compressed_bytes"] for r in file_reports),
            "uncompressed_bytes": sum(r["uncompressed_bytes"] for r in file_reports),
        },
        "schemas": schemas,
        "files": file_reports,
    }


def recovered(report: dict[str, Any], index: int = 0) -> tuple[str, dict[str, ir.Named]]:
    """The IR of schema ``index`` of a report: ``(root, types)`` (SchemagenError if none)."""
    entry = report["schemas"][index]["ir"]
    if "error" in entry:
        raise SchemagenError(f"cannot recover a schema: {entry['error']}")
    types = {t["name"]: ir.named_from_json(t) for t in entry["types"]}
    return entry["root"], types


# --------------------------------------------------------------------------- text


def type_text(t: ir.Type) -> str:
    """A compact text form of an IR type (``int32?`` is nullable)."""
    if isinstance(t, ir.Nullable):
        return type_text(t.inner) + "?"
    if isinstance(t, ir.Int):
        return f"{'' if t.signed else 'u'}int{t.bits}"
    if isinstance(t, ir.Float):
        return {16: "float16", 32: "float", 64: "double"}[t.bits]
    if isinstance(t, ir.Decimal):
        size = f", fixed {t.byte_size}" if t.byte_size else ""
        return f"decimal({t.precision}, {t.scale}{size})"
    if isinstance(t, ir.Fixed):
        return f"fixed({t.size})"
    if isinstance(t, (ir.Time, ir.Duration)):
        return f"{type(t).__name__.lower()}({t.unit})"
    if isinstance(t, ir.Timestamp):
        return f"timestamp({t.unit}{', utc' if t.utc else ''})"
    if isinstance(t, (ir.RecordRef, ir.EnumRef)):
        return t.name
    if isinstance(t, ir.List):
        return f"{'set' if t.unique else 'list'}<{type_text(t.item)}>"
    if isinstance(t, ir.Map):
        return f"map<{type_text(t.key)}, {type_text(t.value)}>"
    if isinstance(t, ir.Union_):
        return "union<" + ", ".join(type_text(m) for m in t.members) + ">"
    return type(t).__name__.rstrip("_").lower()


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)  # pragma: no cover


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _table(header: list[str], rows: list[list[str]], indent: str) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    out = [indent + "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    for r in rows:
        out.append(indent + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    return out


def _short(v: Any, width: int = 40) -> str:
    s = "" if v is None else json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    s = s.replace("\n", "\\n")
    return s if len(s) <= width else s[: width - 3] + "..."


def _ir_lines(entry: dict[str, Any]) -> list[str]:
    if "error" in entry:
        return [f"  IR: cannot be recovered: {entry['error']}"]
    src = ("the footer's schemagen.schema" if entry["source"] == "footer"
           else "the Parquet schema")
    out = [f"  IR (from {src}): record {entry['root']}"]
    for tj in entry["types"]:
        t = ir.named_from_json(tj)
        if isinstance(t, ir.Enum):
            out.append(f"    enum {t.name} {{{', '.join(t.symbols)}}}")
            continue
        out.append(f"    record {t.name}")
        rows = [[f.name, type_text(f.type), "" if f.field_id is None else f"id={f.field_id}"]
                for f in t.fields]
        out.extend(_table(["field", "type", ""], rows, "      ")[1:])
    for n in entry["notes"]:
        out.append(f"    note: {n}")
    return out


def _relative(file: str, folder: str) -> str:
    """A dataset file's path in its folder (``e=RED/0_0_0.parquet``: partitioned datasets
    hold many files of one name)."""
    try:
        return str(Path(file).relative_to(folder))
    except ValueError:
        return Path(file).name


def render_text(report: dict[str, Any]) -> str:
    """The report for people: plain text, no terminal needed."""
    out: list[str] = []
    s = report["summary"]
    if report["kind"] == "folder":
        out.append(f"{report['path']}: dataset folder, {_n(s['files'], 'file')}, "
                   f"{_n(s['num_rows'], 'row')}, {_n(s['num_row_groups'], 'row group')}, "
                   f"{_size(s['size_bytes'])}, {_n(s['schemas'], 'distinct schema')}")
        out.extend(_table(["file", "rows", "row groups", "size", "schema"],
                          [[_relative(f["file"], report["path"]), str(f["num_rows"]),
                            str(f["num_row_groups"]),
                            _size(f["size_bytes"]), f"#{f['schema']}"] for f in report["files"]],
                          "  "))
    for sc in report["schemas"]:
        out.append("")
        out.append(f"schema #{sc['index']} ({_n(len(sc['files']), 'file')})")
        out.append("  Parquet schema:")
        out.extend("    " + ln for ln in sc["parquet_schema"].splitlines())
        out.extend(_ir_lines(sc["ir"]))
    for f in report["files"]:
        out.append("")
        out.append(f"file {f['file']}: {_n(f['num_rows'], 'row')}, "
                   f"{_n(f['num_row_groups'], 'row group')}, {_n(f['num_columns'], 'column')}, "
                   f"{_size(f['size_bytes'])} on disk; column data {_size(f['compressed_bytes'])}"
                   f" ({_size(f['uncompressed_bytes'])} uncompressed)")
        out.append(f"  created by: {f['created_by'] or '(unknown)'}; format version "
                   f"{f['format_version']}")
        if f["key_value_metadata"]:
            out.append("  key/value metadata:")
            for k, v in f["key_value_metadata"].items():
                out.append(f"    {k}: {_short(v, 72)}")
        for rg in f["row_groups"]:
            out.append(f"  row group {rg['index']}: {_n(rg['num_rows'], 'row')}, "
                       f"{_size(rg['compressed_bytes'])} compressed")
            rows = []
            for c in rg["columns"]:
                st = c["statistics"] or {}
                rows.append([c["path"], c["physical_type"], c["compression"],
                             ",".join(c["encodings"]), _size(c["compressed_bytes"]),
                             _size(c["uncompressed_bytes"]),
                             "" if st.get("null_count") is None else str(st["null_count"]),
                             _short(st.get("min"), 24), _short(st.get("max"), 24)])
            out.extend(_table(["column", "type", "codec", "encodings", "size", "raw size",
                               "nulls", "min", "max"], rows, "    "))
        if "rows" in f:
            out.append(f"  first {_n(len(f['rows']), 'row')}:")
            for i, r in enumerate(f["rows"]):
                out.append(f"    {i}: " + json.dumps(r, ensure_ascii=False, sort_keys=False))
    return _printable("\n".join(out).lstrip("\n") + "\n")


# control characters (but newline and tab) and bidirectional overrides: text from an
# untrusted file (column names, metadata, values) must not drive the terminal
_UNPRINTABLE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256
                            else f"\\u{ord(m[0]):04x}", text)
