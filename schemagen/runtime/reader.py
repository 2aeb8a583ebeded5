"""Reading Parquet files and folders back as generated records or Arrow tables.

Projection: ``columns`` are field paths in the record's own terms
(``"user_info.cust_id"``; lists and maps are walked through transparently,
so ``"items.sku"`` selects ``sku`` inside a list of records).  They are turned
into Parquet column paths, so unselected columns are never read from disk.
In typed reads, fields that were not selected take their schema default when
they have one, else ``None``.

Filters: a pyarrow expression or DNF-style tuples ``[("amount", ">", 10)]``.
Row groups whose statistics rule the filter out are skipped; rows are then
filtered exactly.  Columns a filter needs are read too (and so appear in the
records even if not selected).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import chain, starmap
from pathlib import Path
from typing import Any, TypeVar

from .. import ir
from .._pyarrow import ds, pa, pq
from ..errors import ReadError, UsageError
from .record import RecordInfo, info_of
from .schemacheck import check_file_schema, locate_sub_microsecond

R = TypeVar("R")
PathLike = str | os.PathLike[str]
DEFAULT_READ_BATCH = 65_536


def parquet_files(path: PathLike | Sequence[PathLike]) -> list[Path]:
    """The Parquet files under ``path`` (a file, a folder, or a list of them), sorted."""
    if isinstance(path, (list, tuple)):
        out: list[Path] = []
        for p in path:
            out.extend(parquet_files(p))
        return out
    p = Path(path)  # type: ignore[arg-type]
    if p.is_file():
        return [p]
    if p.is_dir():
        files = []
        for f in sorted(p.rglob("*.parquet")):
            rel = f.relative_to(p).parts
            if any(part.startswith((".", "_")) for part in rel):
                continue  # temporary files, _SUCCESS-style markers
            files.append(f)
        return files
    raise UsageError(f"{p}: no such file or directory")


# ----------------------------------------------------------------------------- projection


def parquet_columns(info: RecordInfo, columns: Sequence[str]) -> list[str]:
    """Record field paths -> Parquet column path prefixes (raises on unknown fields).

    Through a map the key column is selected too, so the map keeps its keys.
    """
    root, types = info.ir
    out: list[str] = []
    for col in columns:
        for leaf in _translate(types, root, col):
            if leaf not in out:
                out.append(leaf)
    return out


def field_path(info: RecordInfo, path: str) -> list[str]:
    """Wire names along a field path (Python names accepted), for filters.

    Filters cannot look inside lists or maps: such a path is a UsageError.
    """
    root, types = info.ir
    wire: list[str] = []
    _translate(types, root, path, wire_names=wire, through_containers=False)
    return wire


def _translate(types: dict[str, ir.Named], root: str, path: str,
               wire_names: list[str] | None = None, through_containers: bool = True) -> list[str]:
    parts = path.split(".")
    out: list[str] = []
    extra: list[str] = []
    t: ir.Type = ir.RecordRef(root)
    for i, name in enumerate(parts):
        if through_containers:
            t = _through_containers(t, out, extra)
        inner, _ = ir.strip_nullable(t)
        if not isinstance(inner, ir.RecordRef):
            what = ("a list or map (filters cannot look inside)"
                    if isinstance(inner, (ir.List, ir.Map)) else "not a record")
            raise UsageError(
                f"column {path!r}: {'.'.join(parts[:i])} is {what}, so it has no field {name!r}"
            )
        r = types[inner.name]
        assert isinstance(r, ir.Record)
        match = [f for f in r.fields if f.name == name or f.py_name == name]
        if not match:
            known = ", ".join(f.name for f in r.fields)
            raise UsageError(f"column {path!r}: {r.name} has no field {name!r} (fields: {known})")
        out.append(match[0].name)
        if wire_names is not None:
            wire_names.append(match[0].name)
        t = match[0].type
    return [*extra, ".".join(out)]


def _through_containers(t: ir.Type, out: list[str], extra: list[str]) -> ir.Type:
    while True:
        inner, _ = ir.strip_nullable(t)
        if isinstance(inner, ir.List):
            out.extend(("list", "element"))
            t = inner.item
        elif isinstance(inner, ir.Map):
            extra.append(".".join((*out, "key_value", "key")))
            out.extend(("key_value", "value"))
            t = inner.value
        else:
            return t


# ----------------------------------------------------------------------------- filters


_OPS = {"=": "__eq__", "==": "__eq__", "!=": "__ne__", "<": "__lt__", "<=": "__le__",
        ">": "__gt__", ">=": "__ge__"}


def to_expression(filter: Any, info: RecordInfo | None = None) -> Any:
    """A pyarrow expression from an expression or DNF tuples (field names checked)."""
    if filter is None or isinstance(filter, ds.Expression):
        return filter
    if not isinstance(filter, (list, tuple)) or not filter:
        raise UsageError(f"filter must be a pyarrow expression or a list of tuples, got {filter!r}")
    if isinstance(filter[0], tuple):
        filter = [filter]  # a single conjunction
    disj = None
    for conj in filter:
        if not isinstance(conj, (list, tuple)):
            raise UsageError(f"filter must be a list of (column, op, value) tuples, got {conj!r}")
        expr = None
        for term in conj:
            if not isinstance(term, tuple) or len(term) != 3:
                raise UsageError(f"filter term must be (column, op, value), got {term!r}")
            col, op, value = term
            names = field_path(info, str(col)) if info is not None else str(col).split(".")
            field = ds.field(*names)
            if op in _OPS:
                e = getattr(field, _OPS[op])(value)
            elif op in ("in", "not in"):
                if not isinstance(value, (list, tuple, set, frozenset)):
                    raise UsageError(f"filter {term!r}: {op!r} needs a list, tuple or set of values")
                e = field.isin(list(value))
                if op == "not in":
                    e = ~e
            else:
                raise UsageError(f"unknown filter operator {op!r} in {term!r}")
            expr = e if expr is None else expr & e
        disj = expr if disj is None else disj | expr
    return disj


def _filter_columns(filter: Sequence[Any] | None) -> list[str]:
    if filter is None or not isinstance(filter, (list, tuple)) or not filter:
        return []
    terms = filter if isinstance(filter[0], tuple) else [t for c in filter for t in c]
    return [str(t[0]) for t in terms if isinstance(t, tuple) and t]


# ----------------------------------------------------------------------------- batches


def iter_batches(
    info: RecordInfo,
    path: PathLike | Sequence[PathLike],
    columns: Sequence[str] | None = None,
    filter: Any = None,
    batch_size: int = DEFAULT_READ_BATCH,
) -> Iterator[tuple[Path, Any]]:
    """``(file, record batch)`` of the selected columns from every file under ``path``.

    Each file's schema is checked against the record first (ReadError on a
    column of the wrong type, or a required field without default missing).
    """
    expr = to_expression(filter, info)
    leaves: list[str] | None = None
    projected: set[str] | None = None
    if columns is not None:
        wanted = list(columns) + _filter_columns(filter)
        leaves = parquet_columns(info, wanted)
        projected = {c.split(".")[0] for c in leaves}
        if expr is not None and not _filter_columns(filter):
            leaves = None  # an expression's columns are unknown: read all, project after
    for f in parquet_files(path):
        try:
            pf = pq.ParquetFile(str(f))
            file_schema = pf.schema_arrow
        except (OSError, pa.ArrowException) as exc:
            raise ReadError(f"{f}: not a readable Parquet file ({exc})") from None
        problems = check_file_schema(info, file_schema, projected)
        if problems:
            raise ReadError(f"{f}: cannot be read as {info.name}: " + "; ".join(problems))
        cols = _existing(pf, leaves)
        try:
            if expr is None:
                for batch in pf.iter_batches(batch_size=batch_size, columns=cols):
                    yield f, batch
                continue
            fragment = next(iter(ds.dataset(str(f), format="parquet").get_fragments()))
            groups = [rg.id for frag in fragment.split_by_row_group(expr) for rg in frag.row_groups]
            for g in groups:
                table = pf.read_row_group(g, columns=cols).filter(expr)
                if columns is not None and leaves is None:
                    table = table.select([c for c in _top(info, columns) if c in table.schema.names])
                for batch in table.combine_chunks().to_batches(max_chunksize=batch_size):
                    yield f, batch
        except (OSError, pa.ArrowException) as exc:
            raise ReadError(f"{f}: {exc}") from None


def _top(info: RecordInfo, columns: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(c.split(".")[0] for c in parquet_columns(info, columns)))


def _existing(pf: Any, leaves: list[str] | None) -> list[str] | None:
    """Drop projected paths a file does not have (older/newer record versions)."""
    if leaves is None:
        return None
    paths = [pf.schema.column(i).path for i in range(len(pf.schema))]
    keep = [c for c in leaves if any(p == c or p.startswith(c + ".") for p in paths)]
    return keep


# ----------------------------------------------------------------------------- public


T = TypeVar("T")


def without_gc(fn: Callable[[Any], T], arg: Any) -> T:
    """Run a bulk conversion with the cyclic GC paused.

    Building a batch of acyclic records allocates hundreds of thousands of
    tracked objects; CPython's GC would rescan them repeatedly (more than
    half the read time for nested records).  Nothing here can form a cycle.
    """
    if not gc.isenabled():
        return fn(arg)
    gc.disable()
    try:
        return fn(arg)
    finally:
        gc.enable()


def read(
    record_cls: type[R],
    path: PathLike | Sequence[PathLike],
    columns: Sequence[str] | None = None,
    filter: Any = None,
    batch_size: int = DEFAULT_READ_BATCH,
) -> Iterator[R]:
    """Typed records from a file or folder, converted one batch at a time."""
    info = info_of(record_cls)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
        raise UsageError(f"batch_size must be a positive integer, got {batch_size!r}")
    convert = partial(_convert_batch, info)
    # chain/starmap keep the per-record iteration in C (no generator frame per record)
    return chain.from_iterable(
        starmap(convert, iter_batches(info, path, columns, filter, batch_size))
    )


def _convert_batch(info: RecordInfo, file: Path, batch: Any) -> list[Any]:
    try:
        return without_gc(info.from_batch, batch)
    except ReadError as exc:
        where = locate_sub_microsecond(batch)
        raise ReadError(f"{file}: {where + ': ' if where else ''}{exc}") from None


def read_arrow(
    record_cls: type[Any],
    path: PathLike | Sequence[PathLike],
    columns: Sequence[str] | None = None,
    filter: Any = None,
) -> Any:
    """A ``pyarrow.Table`` of the selected columns (the record's schema when none are)."""
    info = info_of(record_cls)
    batches = [b for _, b in iter_batches(info, path, columns, filter)]
    if not batches:
        if columns is None:
            return info.arrow_schema().empty_table()
        return pa.table({})
    return pa.Table.from_batches(batches) if _same_schema(batches) else pa.concat_tables(
        [pa.Table.from_batches([b]) for b in batches], promote_options="permissive"
    )


def _same_schema(batches: list[Any]) -> bool:
    first = batches[0].schema
    return all(b.schema.equals(first) for b in batches[1:])
