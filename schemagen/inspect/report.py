"""The report of ``schemagen inspect``: JSON-ready data about Parquet files.

:func:`inspect` returns, per file, the size, writer, row groups with per-column
codecs, encodings, sizes and statistics, the key/value metadata and the first
rows on request; per distinct schema the Parquet schema, the Arrow schema and
the recovered IR (:mod:`schemagen.frontends.parquet`).  The keys are documented
in ``docs/inspect.md`` and stable.  Files are read here only after the guard
(:mod:`schemagen.inspect.guard`) passed them.
"""

from __future__ import annotations

import codecs
import datetime
import decimal
import re
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from schemagen import ir
from schemagen.errors import InspectError, SchemagenError, UsageError
from schemagen.inspect import guard
from schemagen.inspect.guard import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT

__all__ = ["inspect", "jsonable", "recovered"]

_BATCH: Final = 65_536
# Bounds of the values a report shows (docs/inspect.md): a longer text or bytes value is
# cut and ends with a marker giving its full length; a longer list keeps its first items
VALUE_CHARS: Final = 200
LIST_ITEMS: Final = 100
# --rows: a column whose chunks (in the row groups the shown rows come from) hold more
# than this many uncompressed bytes per row is not read for the rows; they say so instead
ROW_COLUMN_BYTES: Final = 1 << 20


# --------------------------------------------------------------------------- values


def _cut_bytes(b: bytes, limit: int) -> str:
    """A bytes value over ``limit`` as its first characters (UTF-8 text, else ``0x`` hex)
    and a marker with its length; only the head is decoded."""
    head = b[: limit * 4]
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)[:limit]
    except UnicodeDecodeError:
        text = "0x" + b[: limit // 2].hex()
    return f"{text}...(truncated: {len(b):,} bytes)"


def jsonable(v: Any, limit: int | None = None) -> Any:
    """A JSON-ready form of a Python value read from Parquet (bytes: UTF-8 text or 0x hex).

    With ``limit``, a text or bytes value longer than ``limit`` characters is cut and ends
    with ``...(truncated: N characters)`` (or ``bytes``), and a list keeps its first
    ``LIST_ITEMS`` items and then ``"...(truncated: N items)"``."""
    if v is None or isinstance(v, (bool, int)):
        return v
    if isinstance(v, str):
        if limit is not None and len(v) > limit:
            return f"{v[:limit]}...(truncated: {len(v):,} characters)"
        return v
    if isinstance(v, float):
        return v if v == v and v not in (float("inf"), float("-inf")) else repr(v)
    if isinstance(v, (bytes, bytearray)):
        if limit is not None and len(v) > limit:
            return _cut_bytes(bytes(v), limit)
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
        return {str(k): jsonable(x, limit) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        if limit is not None and len(v) > LIST_ITEMS:
            return [*(jsonable(x, limit) for x in v[:LIST_ITEMS]),
                    f"...(truncated: {len(v):,} items)"]
        return [jsonable(x, limit) for x in v]
    return jsonable(str(v), limit)


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


def _leaves(t: Any) -> int:
    """How many Parquet leaf columns an Arrow type is stored as."""
    from schemagen._pyarrow import pa

    if pa.types.is_struct(t):
        return sum(_leaves(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_map(t):
        return _leaves(t.key_type) + _leaves(t.item_type)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _leaves(t.value_type)
    return 1


def _too_big(pf: Any, n: int) -> dict[int, str]:
    """The top-level fields not read for the first ``n`` rows (their index -> what is
    shown instead): those whose column chunks, in the row groups the rows come from, hold
    over ``ROW_COLUMN_BYTES`` uncompressed bytes per row (read from the footer, so a
    value of gigabytes is never decompressed here)."""
    md, fields = pf.metadata, list(pf.schema_arrow)
    counts = [_leaves(f.type) for f in fields]
    whole = sum(counts) != md.num_columns  # leaves not matched to fields: all or none
    if whole:
        counts = [md.num_columns]
    sizes, rows = [0] * len(counts), 0
    for i in range(md.num_row_groups):
        rg, j = md.row_group(i), 0
        for k, c in enumerate(counts):
            sizes[k] += sum(rg.column(j + x).total_uncompressed_size for x in range(c))
            j += c
        rows += rg.num_rows
        if rows >= n:
            break
    in_rows = f"{rows:,} row{'' if rows == 1 else 's'}"
    over = {k: (f"<not read: {size:,} bytes uncompressed in {in_rows}, over inspect's "
                f"limit of {ROW_COLUMN_BYTES:,} bytes per shown row>")
            for k, size in enumerate(sizes) if size > ROW_COLUMN_BYTES * max(rows, 1)}
    return {k: over[0] for k in range(len(fields))} if whole and over else over


def _show_wrapped_int96(pf: Any, path: str, table: Any, cols: dict[str, list[Any]]) -> None:
    """Top-level INT96 values pyarrow wrapped (read in us) shown as what they are, never as
    the made-up instant pyarrow gives (the column read again in ms, which never wraps)."""
    from schemagen._pyarrow import pa, pq
    from schemagen.runtime import ranges

    top = [p for p in ranges.int96_leaves(pf) if "." not in p and p in cols]
    if not top:
        return
    ms = ranges.Int96Twin(pq.ParquetFile(path, coerce_int96_timestamp_unit="ms"),
                          top).rows(0, table.num_rows, top)
    for name in top:
        us = table.column(name).combine_chunks()
        if not pa.types.is_timestamp(us.type):
            continue
        for i, true, wrapped in ranges.wrapped_int96(us, ms.column(name).combine_chunks()):
            cols[name][i] = f"<{ranges.int96_text(true, wrapped)}>"


def _first_rows(pf: Any, n: int, path: str | None = None) -> list[dict[str, Any]]:
    """The first ``n`` rows, read a few rows at a time; values cut at ``VALUE_CHARS``,
    columns too big to show (:func:`_too_big`) not read at all."""
    if n <= 0 or pf.metadata.num_rows == 0:
        return []
    from schemagen._pyarrow import pa

    names = list(pf.schema_arrow.names)
    skip = _too_big(pf, n)
    read = [k for k in range(len(names)) if k not in skip]
    if skip and len(set(names)) != len(names):
        read = []  # a projection by name would be ambiguous: read nothing
    if not read:
        shown = min(n, pf.metadata.num_rows)
        return [{names[k]: skip.get(k, "<not read>") for k in range(len(names))}] * shown
    batches = []
    got = 0
    cols = [names[k] for k in read] if skip else None
    for b in pf.iter_batches(batch_size=min(n, _BATCH), columns=cols, use_threads=False):
        batches.append(b)
        got += b.num_rows
        if got >= n:
            break
    if not batches:
        return []
    table = pa.Table.from_batches(batches).slice(0, n)
    values = {k: _column_values(table.column(i).combine_chunks()) for i, k in enumerate(read)}
    if path is not None:  # (the lists are shared: fixed in place)
        _show_wrapped_int96(pf, path, table, {names[k]: v for k, v in values.items()})
    return [{names[k]: jsonable(values[k][i], VALUE_CHARS) if k in values else skip[k]
             for k in range(len(names))} for i in range(table.num_rows)]


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
                out[key] = jsonable(v, VALUE_CHARS)
            except (ValueError, OverflowError, UnicodeDecodeError):
                raw = getattr(st, f"{key}_raw", None)
                out[key] = jsonable(raw, VALUE_CHARS) if raw is not None else None
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
            verify_data: bool = True, worker: Sequence[str] | None = None,
            filesystem: Any = None,
            memory_limit: int = DEFAULT_MEMORY_LIMIT) -> dict[str, Any]:
    """The report for a file or dataset folder (the keys: ``docs/inspect.md``).

    ``path`` may be a URI (``s3://bucket/sales/``; ``filesystem``: a ``pyarrow.fs`` or
    fsspec file system for it): the files are copied to a private local folder first
    (:mod:`schemagen.inspect.remote`).  Raises :class:`InspectError` (naming each file
    and its problem) when a file is not Parquet, is corrupt, or crashes/hangs the reader;
    :class:`UsageError` when the path does not exist or a folder holds no Parquet files.
    ``memory_limit``: MiB of address space for the guard process (0: no limit).
    """
    from schemagen.runtime.location import locate

    if filesystem is not None or (isinstance(path, str) and "://" in path):
        loc = locate(path, filesystem, who="inspect")
        if not loc.local:
            from .remote import inspect_remote

            return inspect_remote(loc, lambda local: inspect(
                local, rows=rows, timeout=timeout, verify_data=verify_data, worker=worker,
                memory_limit=memory_limit))
        path = loc.path
    p = Path(path)
    listed = _listed(p)
    _guard([f for f, _ in listed], limits=(timeout, memory_limit), decode=verify_data,
           worker=worker, rows=rows)
    # Hive partition keys (key=value/ folders): not columns of the files, but fields
    partitions: dict[str, list[str | None]] = {}
    for _, values in listed:
        for k, v in values.items():
            partitions.setdefault(k, []).append(v)
    groups: dict[tuple[str, str], _SchemaGroup] = {}
    file_reports = []
    left = rows
    for f, part in listed:
        pf = guard.open_parquet(str(f))
        group = _group_of(groups, pf, p if p.is_dir() else f, f, partitions)
        group.files.append(str(f))
        rep = _file_report(f, pf, list(groups).index(group.key))
        if rows:
            got = _first_rows(pf, left, str(f))
            if part and got:  # the partition keys are fields of the rows too
                keys = _partition_values(part, group.recovered)
                got = [{**r, **keys} for r in got]
            rep["rows"] = got
            left -= len(got)
        file_reports.append(rep)
    schemas = [_schema_entry(i, g) for i, g in enumerate(groups.values())]
    return {
        "schemagen_inspect": 1,
        "path": str(p),
        "kind": "folder" if p.is_dir() else "file",
        "summary": {
            "files": len(file_reports),
            "schemas": len(schemas),
            **{key: sum(r[key] for r in file_reports)
               for key in ("num_rows", "num_row_groups", "size_bytes", "compressed_bytes",
                           "uncompressed_bytes")},
        },
        "schemas": schemas,
        "files": file_reports,
    }


def _listed(p: Path) -> list[tuple[Path, dict[str, str | None]]]:
    """The Parquet files of ``p`` with their Hive folder values (UsageError: none)."""
    from schemagen.runtime.reader import dataset_files

    if not p.exists():
        raise UsageError(f"{p}: no such file or directory")
    if not (p.is_file() or p.is_dir()):
        raise UsageError(f"{p}: not a regular file or a folder (a pipe or device cannot be "
                         "inspected)")
    listed = dataset_files(p)
    if not listed:
        raise UsageError(f"{p}: no Parquet files (*.parquet) in this folder")
    return listed


def _guard(files: list[Path], limits: tuple[float, int], decode: bool,
           worker: Sequence[str] | None, rows: int) -> None:
    """The cheap checks, then the guard process (``limits``: seconds per file, MiB of
    memory), on every file: InspectError if any fails."""
    problems: dict[Path, str | None] = {f: guard.check_magic(f) for f in files}
    good = [f for f in files if problems[f] is None]
    if good:
        problems.update(guard.verify(good, timeout=limits[0], decode=decode, worker=worker,
                                     memory_limit=limits[1],
                                     rows=rows))
    bad = [(f, msg) for f, msg in problems.items() if msg is not None]
    if bad:
        # file names and pyarrow's messages (which quote column names) are untrusted text
        if len(bad) == 1:
            raise InspectError(guard.printable(f"{bad[0][0]}: {bad[0][1]}"))
        raise InspectError(f"{len(bad):,} of {len(files):,} files cannot be read:\n"
                           + "\n".join(guard.printable(f"  {f}: {m}") for f, m in bad))


def _group_of(groups: dict[tuple[str, str], _SchemaGroup], pf: Any, named: Path, f: Path,
              partitions: dict[str, list[str | None]]) -> _SchemaGroup:
    """The schema group of file ``f`` (a new one, with the recovered IR, for a new schema;
    ``named``: the path the record is named after)."""
    from schemagen.frontends import parquet as pqfront

    ptext = _parquet_schema_text(pf.schema)
    footer = (pf.metadata.metadata or {}).get(pqfront.FOOTER_KEY, b"").decode("utf-8", "replace")
    key = (ptext, footer)
    group = groups.get(key)
    if group is None:
        base = pqfront.record_name(named)
        name = base if not groups else f"{base}{len(groups) + 1}"
        try:
            rec = pqfront.recover(f, pf, name=name, partitions=partitions)
            err = None
        except SchemagenError as exc:
            rec, err = None, str(exc)
        group = groups[key] = _SchemaGroup(key, [], ptext, pf.schema_arrow.to_string(
            show_schema_metadata=False), rec, err)
    return group


def _created_by(md: Any, f: Path) -> str | None:
    """The footer's writer; bytes that are not UTF-8 (pyarrow raises on them) are shown
    with ``\\xNN`` escapes for them."""
    try:
        return md.created_by  # type: ignore[no-any-return]
    except UnicodeDecodeError:
        raw = guard.footer_created_by(f)
        return None if raw is None else raw.decode("utf-8", "backslashreplace")


def _file_report(f: Path, pf: Any, schema: int) -> dict[str, Any]:
    md = pf.metadata
    rep: dict[str, Any] = {
        "file": str(f),
        "size_bytes": f.stat().st_size,
        "created_by": _created_by(md, f),
        "format_version": md.format_version,
        "num_rows": md.num_rows,
        "num_row_groups": md.num_row_groups,
        "num_columns": md.num_columns,
        "schema": schema,
        # the footer's key/value metadata as stored (ARROW:schema included)
        "key_value_metadata": _metadata(md.metadata),
        "columns": _columns(pf.schema),
        "row_groups": [_row_group(md.row_group(i), i) for i in range(md.num_row_groups)],
    }
    rep["compressed_bytes"] = sum(rg["compressed_bytes"] for rg in rep["row_groups"])
    rep["uncompressed_bytes"] = sum(c["uncompressed_bytes"] for rg in rep["row_groups"]
                                    for c in rg["columns"])
    return rep


def _schema_entry(index: int, g: _SchemaGroup) -> dict[str, Any]:
    entry: dict[str, Any] = {"index": index, "files": g.files, "parquet_schema": g.parquet_schema,
                             "arrow_schema": g.arrow_schema}
    entry["ir"] = _ir_json(g.recovered) if g.recovered is not None else {"error": g.error}
    return entry


def recovered(report: dict[str, Any], index: int = 0) -> tuple[str, dict[str, ir.Named]]:
    """The IR of schema ``index`` of a report: ``(root, types)`` (SchemagenError if none)."""
    entry = report["schemas"][index]["ir"]
    if "error" in entry:
        raise SchemagenError(f"cannot recover a schema: {entry['error']}")
    types = {t["name"]: ir.named_from_json(t) for t in entry["types"]}
    return entry["root"], types
