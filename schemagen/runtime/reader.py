"""Reading Parquet files and folders back as generated records or Arrow tables.

Files: a file, a folder (recursively; names starting with "." or "_" skipped)
or a list of them.  Hive ``key=value`` folders give values for the record's
top-level fields the files lack (cast to the field type; percent escapes
decoded; ``__HIVE_DEFAULT_PARTITION__`` is null).

Versions: each file gets a resolution plan (:mod:`schemagen.runtime.resolve`)
from the reader record, the file's Arrow schema and the writer's IR in the
footer; batches are turned into the reader's layout before conversion, and a
file that cannot be read is one ReadError listing every incompatible field.

Projection: ``columns`` are field paths in the record's own terms
(``"user_info.cust_id"``; lists and maps are walked through transparently,
so ``"items.sku"`` selects ``sku`` inside a list of records).  They are turned
into the file's Parquet column paths, so unselected columns are never read from
disk.  Typed records of such a read hold exactly the selected fields: each is
an instance of a partial subclass of the record class (``record.partial_class``)
whose unselected fields are unset, so reading one raises ``NotReadError``
(never a default that looks stored); ``fields_read(r)`` names the fields held.
A nested selection (``user_info.cust_id``) gives partial nested records.

Filters: a pyarrow expression or DNF-style tuples ``[("amount", ">", 10)]`` in
the reader's names.  Row groups whose statistics rule the filter out are
skipped (tuple terms translated to each file's column names); rows are then
filtered exactly on the resolved batches.  Columns a filter needs are read too,
but typed records (like ``read_arrow``) hold exactly the selection.
"""

from __future__ import annotations

import bisect
import gc
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, starmap
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import unquote

from .. import ir
from .._pyarrow import ds, pa, pc, pq
from ..errors import ReadError, SchemagenError, UsageError
from ..typemap.arrow import ArrowMapper
from ..typemap.engines import restored_type
from ..typemap.parquet import ENGINE_KEY, FIELD_ID_KEY
from . import ranges
from .location import local_files, locate, source_of
from .record import Projection, RecordInfo, info_of
from .resolve import Incompatibility, Plan, plan, writer_ir
from .schemacheck import locate_sub_microsecond
from .storage import Storage

R = TypeVar("R")
PathLike = str | os.PathLike[str]
DEFAULT_READ_BATCH = 65_536


def parquet_files(path: PathLike | Sequence[PathLike], filesystem: Any = None) -> list[Path]:
    """The Parquet files under ``path`` (a file, a folder, or a list of them), sorted.

    Names starting with "." (temporary files) or "_" (``_SUCCESS``, ``_temporary``;
    a ``_key=value`` partition folder excepted) are skipped, at any depth.  A folder
    on an object store with a manifest (``_schemagen/manifest.json``) gives exactly the
    files the manifest lists.
    """
    return [f for f, _ in dataset_files(path, filesystem)]


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
            try:
                e = _term_expression(field, term)
            except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError,
                    pa.ArrowNotImplementedError) as exc:
                raise UsageError(f"filter term {term!r}: the value cannot be used in a "
                                 f"filter on {'.'.join(names)!r} "
                                 f"({str(exc).splitlines()[0]})") from None
            expr = e if expr is None else expr & e
        disj = expr if disj is None else disj | expr
    return disj


def _term_expression(field: Any, term: tuple[Any, ...]) -> Any:
    """One (column, op, value) term as an expression on ``field``."""
    col, op, value = term
    if op in _OPS:
        if value is None:
            raise UsageError(
                f"filter term {term!r}: a comparison with None is never true (null "
                f"semantics); use ({col!r}, 'in', [None]) / ({col!r}, 'not in', [None]) "
                "or the expression pyarrow.dataset.field(...).is_null()")
        e = getattr(field, _OPS[op])(value)
    elif op in ("in", "not in"):
        if not isinstance(value, (list, tuple, set, frozenset, pa.Array)):
            raise UsageError(f"filter {term!r}: {op!r} needs a list, tuple or set of values")
        e = field.isin(value if isinstance(value, pa.Array) else list(value))
        if op == "not in":
            e = ~e
    else:
        raise UsageError(f"unknown filter operator {op!r} in {term!r}")
    return e


def _decimal_values(filter: Any, info: RecordInfo) -> Any:
    """DNF tuples with integer values on decimal fields as ``Decimal`` (Arrow compares a
    decimal column with a Decimal, not with an int), and ``in`` lists holding None as
    Arrow arrays of the field's type; anything else unchanged."""
    conj = _terms(filter)
    if conj is None:
        return filter
    import decimal

    schema = info.arrow_schema()

    def fix(term: Any) -> Any:
        if not isinstance(term, tuple) or len(term) != 3:
            return term  # reported by to_expression
        col, op, value = term
        try:
            names = field_path(info, str(col))
        except UsageError:
            return term  # reported by to_expression
        t = schema.field(names[0]).type
        for name in names[1:]:
            t = t.field(name).type
        def one(v: Any) -> Any:
            if pa.types.is_decimal(t) and isinstance(v, int) and not isinstance(v, bool):
                return decimal.Decimal(v)
            return v

        if isinstance(value, (list, tuple, set, frozenset)):
            values = [one(v) for v in value]
            if not values or any(v is None for v in values):
                # [] or [None] alone would be a value set of Arrow type null: type it as
                # the field
                try:
                    return (col, op, pa.array(values, type=t))
                except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                    pass  # reported by check_filter
            return (col, op, values)
        return (col, op, one(value))

    return [[fix(t) for t in c] if isinstance(c, (list, tuple)) else c for c in conj]


def check_filter(expr: Any, filter: Any, info: RecordInfo) -> None:
    """UsageError unless ``expr`` can run on the record's Arrow layout: every field known,
    every value comparable with its field's type, a boolean result (checked on a one-row
    table of nulls in the record's schema, before any file is opened: some kernels check
    their arguments only when there are rows)."""
    if expr is None:
        return
    schema = info.arrow_schema()
    empty = pa.Table.from_arrays([pa.nulls(1, f.type) for f in schema], schema=schema)
    conj = _terms(filter)
    terms: list[tuple[Any, Any]] = [(None, expr)]
    if conj is not None:
        terms = [(t, to_expression([t], info)) for c in conj for t in c]
    for term, e in terms:
        try:
            empty.filter(e)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            reason = str(exc).splitlines()[0]
            if term is None:
                raise UsageError(f"filter {e} cannot be evaluated on {info.name}: "
                                 f"{reason}") from None
            col, op, value = term
            names = field_path(info, str(col))
            typ = empty.schema.field(names[0]).type
            for name in names[1:]:
                typ = typ.field(name).type
            raise UsageError(
                f"filter term {term!r}: field {'.'.join(names)!r} is {typ}, and "
                f"{value!r} ({type(value).__name__}) cannot be compared with it with "
                f"{op!r} ({reason})") from None


def _filter_columns(filter: Sequence[Any] | None) -> list[str]:
    if filter is None or not isinstance(filter, (list, tuple)) or not filter:
        return []
    terms = filter if isinstance(filter[0], tuple) else [t for c in filter for t in c]
    return [str(t[0]) for t in terms if isinstance(t, tuple) and t]


# ----------------------------------------------------------------------------- batches


HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


def incompatible(file: Path, record: str, problems: list[Incompatibility]) -> ReadError:
    """One ReadError listing every incompatible field of a file."""
    lines = "".join(f"\n  - {p}" for p in problems)
    n = len(problems)
    return ReadError(f"{file}: cannot be read as {record} "
                     f"({n} incompatible field{'s' if n != 1 else ''}):{lines}")


_DIGITS = re.compile(r"(\d+)")


def _natural(path: Path) -> list[list[Any]]:
    """Sort key reading digit runs as numbers, part by part: ``0_0_2.parquet`` before
    ``0_0_10.parquet`` (the order the writer rolled them in), ``n=9/`` before ``n=10/``."""
    key: list[list[Any]] = []
    for part in path.parts:
        chunks = _DIGITS.split(part)  # text, digits, text, ...: types line up by position
        key.append([(int(c), c) if i % 2 else c for i, c in enumerate(chunks)])
    return key


def _hidden(part: str) -> bool:
    return part.startswith(".") or (part.startswith("_") and "=" not in part)


def dataset_files(path: PathLike | Sequence[PathLike], filesystem: Any = None,
                  ) -> list[tuple[Path, dict[str, str | None]]]:
    """Parquet files under ``path`` with their Hive partition values (``key=value/``
    folders between the given folder and the file; percent escapes decoded,
    ``__HIVE_DEFAULT_PARTITION__`` is None)."""
    return [(f, parts) for f, parts, _ in _listing(path, filesystem)]


@dataclass(frozen=True)
class ObjectGuard:
    """Files listed on an object store: the storage that opens them, and the dataset's
    generation when listed (None: a plain folder, or one file), checked when a file
    cannot be opened (an overwrite deleted it after switching the manifest)."""

    storage: Storage
    root: Path | None = None
    generation: str | None = None


# (folder given by the caller, its identity when listed): a folder replaced by an
# overwrite (renameat2 exchange) has another inode at the same path
Guard = tuple[Path, tuple[int, int]] | ObjectGuard


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _listing(path: PathLike | Sequence[PathLike], filesystem: Any = None,
             ) -> list[tuple[Path, dict[str, str | None], Guard | None]]:
    """:func:`dataset_files` plus, for files found in a folder, the folder's identity,
    so a reader can tell that the folder was swapped for another one (an overwrite)
    while it was reading it."""
    if isinstance(path, (list, tuple)):
        out: list[tuple[Path, dict[str, str | None], Guard | None]] = []
        for p in path:
            out.extend(_listing(p, filesystem))
        return out
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"path must be a file or folder name (str or pathlib.Path) or a list "
                         f"of them, got {type(path).__name__} {path!r}"[:300])
    if isinstance(path, str) and not path.strip():
        raise UsageError(f"path is empty ({path!r}); give a file or folder name ('.' for the "
                         "current folder)")
    loc = locate(path, filesystem, who="read")
    if not loc.local:
        return _object_listing(loc.storage, loc.path)
    p = loc.path
    if p.is_file():
        return [(p, _partition_values(_enclosing(p.parent)), None)]
    if not p.is_dir():
        raise UsageError(f"{p}: no such file or directory")
    outer = _enclosing(p)
    for _ in range(3):  # an overwrite swapping the folder mid-listing: list it again
        before = _identity(p)
        found = []
        # not into hidden folders, symlinked folders, /proc, /sys, /dev or other special
        # file systems (a read of "/" must not open /proc's files)
        for f in sorted(local_files(p, (".parquet",), _hidden), key=_natural):
            rel = f.relative_to(p).parts
            if any(_hidden(part) for part in rel):
                continue  # temporary files, _SUCCESS-style markers
            if not f.is_file():
                continue  # a dangling symlink, a pipe or device named *.parquet
            found.append((f, _partition_values([*outer, *rel[:-1]])))
        if before is not None and _identity(p) == before:
            return [(f, parts, (p, before)) for f, parts in found]
    raise _replaced(p)


def _object_listing(storage: Storage, p: Path,
                    ) -> list[tuple[Path, dict[str, str | None], Guard | None]]:
    """:func:`_listing` on an object store: one object, or a folder's files (those its
    manifest lists, when it has one)."""
    kind = storage.kind(p)
    if kind == "file":
        return [(p, _partition_values(_enclosing(p.parent)), ObjectGuard(storage))]
    files, generation = storage.dataset_files(p)  # type: ignore[attr-defined]
    if kind is None and generation is None and not files:
        raise UsageError(f"{p}: no such file or directory")
    guard = ObjectGuard(storage, p, generation)
    outer = _enclosing(p)
    return [(f, _partition_values([*outer, *f.relative_to(p).parts[:-1]]), guard)
            for f in sorted(files, key=_natural)]


def _replaced(folder: Path) -> ReadError:
    return ReadError(
        f"{folder}: the dataset folder was replaced (a mode='overwrite' write completed, or "
        "it was moved or deleted) while it was being read; the rows read so far came from "
        "the earlier version: read it again")


def _check_guard(guard: Guard | None, failed: bool = False) -> None:
    """ReadError when the folder a file was listed in is no longer the same folder (on
    an object store, asked only when a file ``failed`` to open or read: the files listed
    belong to one generation, whatever is switched while they are read)."""
    if isinstance(guard, ObjectGuard):
        if failed and guard.root is not None and guard.generation is not None:
            now = guard.storage.generation_of(guard.root)  # type: ignore[attr-defined]
            if now != guard.generation:
                raise _replaced(guard.root)
        return
    if guard is not None and _identity(guard[0]) != guard[1]:
        raise _replaced(guard[0])


def _enclosing(folder: Path) -> list[str]:
    """The ``key=value`` folders the given path itself ends with (reading one partition
    folder, or one file inside it, still gives its values), outermost first."""
    out: list[str] = []
    for part in (folder, *folder.parents):
        if "=" not in part.name or _hidden(part.name):
            break
        out.insert(0, part.name)
    return out


def _partition_values(folders: Sequence[str]) -> dict[str, str | None]:
    parts: dict[str, str | None] = {}
    for folder in folders:
        if "=" in folder:
            k, _, v = folder.partition("=")
            value = unquote(v)
            parts[unquote(k)] = None if value == HIVE_NULL else value
    return parts


def _selection(info: RecordInfo, paths: Sequence[str]) -> dict[str, Any]:
    """A selection tree of wire names from record field paths (raises on unknown fields)."""
    root, types = info.ir
    tree: dict[str, Any] = {}
    for col in paths:
        if not isinstance(col, str):
            raise UsageError(f"columns: field paths are strings (\"user_info.cust_id\"), "
                             f"got {col!r} ({type(col).__name__})")
        wire: list[str] = []
        _translate(types, root, col, wire_names=wire)
        node = tree
        for i, name in enumerate(wire):
            last = i == len(wire) - 1
            if name in node and node[name] is None:
                break  # already selected whole
            if last:
                node[name] = None
            else:
                node = node.setdefault(name, {})
    return tree


def _check_shape(filter: Any) -> None:
    """UsageError for DNF filters whose nesting is not ``[(c, op, v), ...]`` or
    ``[[(c, op, v), ...], ...]`` (a bare term, a term written as a list), before
    anything else walks them."""
    if not isinstance(filter, (list, tuple)) or not filter:
        return  # None, an expression, or reported by to_expression
    if not isinstance(filter[0], (list, tuple)):
        hint = ""
        if isinstance(filter, tuple) and len(filter) == 3:
            hint = f"; put a single term in a list: [{filter!r}]"
        raise UsageError(f"filter must be a list of (column, op, value) tuples (or a list of "
                         f"such lists for OR), got {filter!r}{hint}")
    conj = [filter] if isinstance(filter[0], tuple) else filter
    for c in conj:
        if not isinstance(c, (list, tuple)) or not c:
            raise UsageError(f"filter must be a list of (column, op, value) tuples (or a "
                             f"list of such lists for OR), got {c!r} in {filter!r}")
        for term in c:
            if not isinstance(term, tuple) or len(term) != 3:
                raise UsageError(f"filter term must be a (column, op, value) tuple, got "
                                 f"{term!r} in {filter!r}")


def _terms(filter: Any) -> list[list[tuple[Any, ...]]] | None:
    if filter is None or not isinstance(filter, (list, tuple)) or not filter:
        return None
    return [list(filter)] if isinstance(filter[0], tuple) else [list(c) for c in filter]


def _pushdown(filter: Any, expr: Any, info: RecordInfo, p: Plan, partitions: set[str]) -> Any:
    """The filter in the file's own names, for row-group statistics (None: no pushdown).

    Only ever weaker than the filter (terms the file cannot evaluate are left
    out); the exact filter runs after resolution.
    """
    if expr is None:
        return None
    conj = _terms(filter)
    if conj is None:  # a pyarrow expression: only when every column kept its name and values
        return expr if p.expression_pushdown() and not partitions else None
    disj = None
    for terms in conj:
        e = None
        for col, op, value in terms:
            wire = field_path(info, str(col))
            src = p.pushdown_path(wire)
            if src is None or wire[0] in partitions:
                continue
            term = _term(ds.field(*src), op, value)
            e = term if e is None else e & term
        if e is None:
            return None  # a conjunct the file cannot prune: every row group may match
        disj = e if disj is None else disj | e
    return disj


def _term(field: Any, op: str, value: Any) -> Any:
    if op in _OPS:
        return getattr(field, _OPS[op])(value)
    e = field.isin(value if isinstance(value, pa.Array) else list(value))
    return ~e if op == "not in" else e


def _open(f: Path, guard: Guard | None = None) -> Any:
    """Open one file; with ``guard``, make sure it is still the dataset that was listed
    (a file opened after an overwrite swapped the folder would belong to the new one)."""
    fs = guard.storage.filesystem if isinstance(guard, ObjectGuard) else None
    try:
        pf = pq.ParquetFile(source_of(f), filesystem=fs)
        if any(pf.schema.column(i).physical_type == "INT96" for i in range(len(pf.schema))):
            # legacy Impala/Spark timestamps: microseconds, what Python datetimes hold
            pf = pq.ParquetFile(source_of(f), coerce_int96_timestamp_unit="us", filesystem=fs)
        pf.schema_arrow  # noqa: B018 - decodes the footer's names and metadata here
    except (OSError, pa.ArrowException) as exc:
        _check_guard(guard, failed=True)
        raise ReadError(f"{f}: not a readable Parquet file ({exc})") from None
    except UnicodeDecodeError as exc:  # pyarrow decodes names as UTF-8 and raises
        _check_guard(guard, failed=True)
        raise ReadError(f"{f}: not a readable Parquet file (its footer holds text that is "
                        f"not UTF-8: {exc.object[:40]!r})") from None
    _check_guard(guard)  # opened before any swap: the file stays readable, whatever follows
    return pf


def restored_schema(file_schema: Any) -> Any | None:
    """For a file written with an engine profile (``schemagen.engine`` in its footer): its
    schema with the writer IR's own Arrow types, which the reader casts the columns back
    to. None for spec-exact files, and for files whose footer IR cannot be mapped."""
    meta = file_schema.metadata or {}
    if meta.get(ENGINE_KEY.encode(), b"any") == b"any":
        return None
    wir = writer_ir(file_schema)
    if wir is None:
        return None
    try:
        canonical = ArrowMapper(wir[1]).schema(wir[0])
    except SchemagenError:
        return None
    fields = []
    for f in file_schema:
        i = canonical.get_field_index(f.name)
        fields.append(f if i < 0 else f.with_type(restored_type(f.type, canonical.field(i).type)))
    return pa.schema(fields, metadata=file_schema.metadata)


def _restore(batch: Any, schema: Any, file: str = "", row0: int = 0) -> Any:
    """A batch read from a profiled file in the IR's own Arrow types (projected columns:
    their pruned struct types).  Every value is checked to fit its type first: a ReadError
    names the file, row, field path, value and expected range (see :func:`restored_column`)."""
    fields, arrays = [], []
    for i, f in enumerate(batch.schema):
        j = schema.get_field_index(f.name)
        col = batch.column(i)
        if j >= 0:
            target = restored_type(f.type, schema.field(j).type)
            col = restored_column(col, target, f.name, file, row0)
            f = f.with_type(target)
        fields.append(f)
        arrays.append(col)
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields, metadata=batch.schema.metadata))


_PER_SECOND: Final = {"s": 1, "ms": 1000, "us": 10**6, "ns": 10**9}


def restored_column(col: Any, target: Any, path: str, file: str = "", row0: int = 0) -> Any:
    """``col`` (a profiled file's physical type) cast to ``target`` (the writer IR's own type).

    A cast that would not hold a value (an integer out of the target's range, a timestamp
    out of the finer unit's range, a time of day outside ``[0, 24h)``, which Arrow's cast
    does not even check) is a ReadError naming the file, the row, the field path (``a.b``,
    ``items[]``, ``tags{key}``), the value and what was expected, never a bare pyarrow
    error or a wrapped value."""
    if col.type.equals(target):
        return col
    try:
        out = col.cast(target)
        failed = False
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        failed = True
    if failed or _has_time_of_day(col.type, target):
        bad = _misfit(col, target, path)
        if bad is not None:
            leaf, i, value, expected = bad
            raise ReadError(f"cannot be read as {expected}", file=file or None, row=row0 + i,
                            path=leaf, value=value)
    if failed:  # pragma: no cover - every failing cast has a misfit value
        raise ReadError(f"cannot be read as {target}", file=file or None, path=path)
    return out


def _has_time_of_day(physical: Any, target: Any) -> bool:
    """Whether an integer column becomes a time of day somewhere in the type."""
    if pa.types.is_struct(physical) and pa.types.is_struct(target):
        return any(_has_time_of_day(f.type, target[target.get_field_index(f.name)].type)
                   for f in physical if target.get_field_index(f.name) >= 0)
    if pa.types.is_map(physical) and pa.types.is_map(target):
        return (_has_time_of_day(physical.key_type, target.key_type)
                or _has_time_of_day(physical.item_type, target.item_type))
    if pa.types.is_list(physical) and pa.types.is_list(target):
        return _has_time_of_day(physical.value_type, target.value_type)
    return bool(pa.types.is_integer(physical) and pa.types.is_time(target))


def _misfit(col: Any, target: Any, path: str) -> tuple[str, int, Any, str] | None:
    """``(field path, index in col, value, expected)`` of the first value of ``col`` that
    does not fit ``target``, or None."""
    t = col.type
    if pa.types.is_struct(t) and pa.types.is_struct(target):
        for f, child in zip(t, col.flatten()):
            k = target.get_field_index(f.name)
            bad = None if k < 0 else _misfit(child, target[k].type, f"{path}.{f.name}")
            if bad is not None:
                return bad
        return None
    if (pa.types.is_list(t) and pa.types.is_list(target)) or (
            pa.types.is_map(t) and pa.types.is_map(target)):
        return _misfit_in_lists(col, target, path)
    i, expected = _leaf_misfit(col, target)
    if i is None:
        return None
    return path, i, _value(col[i]), expected


def _misfit_in_lists(col: Any, target: Any, path: str) -> tuple[str, int, Any, str] | None:
    """A list's (or map's) misfit item, at the row (index in ``col``) holding it."""
    offsets = col.offsets.to_pylist()  # into the whole child array (a slice's too)
    start, size = offsets[0], offsets[-1] - offsets[0]
    if pa.types.is_map(col.type):
        keys, items = col.keys.slice(start, size), col.items.slice(start, size)
        bad = (_misfit(keys, target.key_type, path + "{key}")
               or _misfit(items, target.item_type, path + "{}"))
    else:
        bad = _misfit(col.values.slice(start, size), target.value_type, path + "[]")
    if bad is None:
        return None
    row = bisect.bisect_right(offsets, start + bad[1]) - 1
    return bad[0], row, bad[2], bad[3]


def _leaf_misfit(col: Any, target: Any) -> tuple[int | None, str]:
    """The index of the first value of a leaf column that ``target`` cannot hold (None:
    all fit), and what ``target`` holds."""
    t = col.type
    if pa.types.is_integer(t) and pa.types.is_time(target):
        unit = getattr(target, "unit", "s")
        limit = 86_400 * _PER_SECOND[unit]
        outside = pc.or_(pc.less(col, 0), pc.greater_equal(col, limit))
        i = pc.index(outside, True).as_py()
        return (None if i < 0 else i), f"{target} (a time of day: 0 to {limit - 1} {unit})"
    if pa.types.is_integer(target):
        bits, signed = target.bit_width, pa.types.is_signed_integer(target)
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        expected = f"{target} (an integer from {lo} to {hi})"
    else:
        expected = str(target)
    if len(col) == 0 or _casts(col, target):
        return None, expected
    lo_i, hi_i = 0, len(col)  # col[:lo_i] casts, col[:hi_i] does not
    while hi_i - lo_i > 1:
        mid = (lo_i + hi_i) // 2
        if _casts(col.slice(0, mid), target):
            lo_i = mid
        else:
            hi_i = mid
    return lo_i, expected


def _casts(col: Any, target: Any) -> bool:
    try:
        col.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return False
    return True


def _value(scalar: Any) -> Any:
    try:
        return scalar.as_py()
    except (ValueError, OverflowError, pa.ArrowException):
        return str(scalar)


def file_plan(info: RecordInfo, file: Path, file_schema: Any,
              allow_other_record: bool = False) -> Plan:
    """The resolution plan for one file (a ReadError listing every problem).  A file of
    another record (see :func:`other_record`) is a ReadError too, unless
    ``allow_other_record``."""
    root, types = info.ir
    if not allow_other_record:
        other = other_record(info, file_schema)
        if other is not None:
            raise ReadError(f"{file}: cannot be read as {info.name}: {other} (pass "
                            "allow_other_record=True to read it anyway, with defaults for "
                            "what it lacks)")
    p = plan(root, types, file_schema, writer_ir(file_schema), info.arrow_schema())
    if p.problems:
        raise incompatible(file, info.name, p.problems)
    return p


def _names(name: str, aliases: Sequence[str]) -> set[str]:
    """A record's full name and aliases, each also by its short name."""
    out = {name, *aliases}
    return out | {n.rpartition(".")[2] for n in out}


def _footer_matches(wir: tuple[str, dict[str, ir.Named]], file_schema: Any) -> bool:
    """Whether the footer's record describes the file: the same top-level columns with
    the same Arrow types (anything else: a footer that is not trusted, or a layout the
    reader restores first, is judged by its columns alone)."""
    try:
        canonical = ArrowMapper(wir[1]).schema(wir[0])
    except SchemagenError:
        return False
    for f in file_schema:
        i = canonical.get_field_index(f.name)
        if i < 0 or not canonical.field(i).type.equals(f.type):
            return False
    return True


def other_record(info: RecordInfo, file_schema: Any) -> str | None:
    """Why a file holds another record than ``info``'s, or None when it may be a version of
    it: its footer names a record that is neither this one nor one of its aliases (nor has
    it as an alias), or, for a file without a schemagen footer, no column of the file
    matches a field of the record (by name, alias or field id)."""
    rec = info.record
    wir = writer_ir(file_schema)
    if wir is not None and not _footer_matches(wir, file_schema):
        wir = None  # a footer that does not describe the file's columns is not trusted
    if wir is not None:
        wroot, wtypes = wir
        wrec = wtypes[wroot]
        assert isinstance(wrec, ir.Record)
        if _names(rec.name, rec.aliases) & _names(wroot, wrec.aliases):
            return None
        return f"the file holds {wroot} records, not {rec.name} or an earlier version of it"
    names = set(file_schema.names)
    ids = {f.metadata.get(FIELD_ID_KEY) for f in file_schema if f.metadata}
    for f in rec.fields:
        if {f.name, f.py_name, *f.aliases} & names:
            return None
        if f.field_id is not None and str(f.field_id).encode() in ids:
            return None
    shown = ", ".join(list(file_schema.names)[:8])
    return f"no column of the file ({shown}) matches a field of {rec.name}"


def _partition_field(info: RecordInfo, key: str, writer: ir.Record | None) -> ir.Field | None:
    """The reader field a ``key=value`` folder gives values for, matched as columns are:
    by field id (the writer's field named ``key`` in the footer and the reader's field
    carry the same id), else by name (wire or Python), by one of the reader field's
    aliases, or by a writer field ``key`` whose aliases hold the reader's name."""
    fields = info.record.fields
    wf = next((f for f in writer.fields if f.name == key), None) if writer is not None else None
    if wf is not None and wf.field_id is not None:
        same_id = [f for f in fields if f.field_id == wf.field_id]
        if same_id:
            return same_id[0]
        if any(f.field_id is not None for f in fields):
            return None  # the id is not the reader's: a field it does not know
    for f in fields:
        if key in (f.name, f.py_name):
            return f
    for f in fields:
        if key in f.aliases:
            return f
    if wf is not None:
        for f in fields:
            if f.name in wf.aliases:
                return f
    return None


def _excluded_by_folders(filter: Any, info: RecordInfo,
                         listing: Sequence[tuple[Path, dict[str, str | None], Any]]) -> set[int]:
    """Indexes of the files whose folder values alone rule out every conjunct of a tuple
    filter: they are not even opened.  Evaluated with one Arrow filter per conjunct over
    all folders at once (a dataset can have many thousands of partition folders).

    Folder keys are matched by name and alias only here (the footer is not read yet).  A
    value that does not fit its field decides nothing: the file is opened, and its footer
    (field ids) decides which field the folder is, and whether that is an error.
    """
    conj = _terms(filter)
    if conj is None:
        return set()
    values: dict[tuple[tuple[str, str | None], ...], dict[str, Any] | None] = {}
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for i, (f, parts, _) in enumerate(listing):
        if not parts:
            continue
        key = tuple(sorted(parts.items()))
        if key not in values:
            try:
                values[key] = _with_partitions(info, f, None, parts)
            except ReadError:
                values[key] = None
        consts = values[key]
        if consts and _folder_values_final(info, consts):
            groups.setdefault(tuple(sorted(consts)), []).append((i, consts))
    out: set[int] = set()
    for names, members in groups.items():
        table = pa.table({n: pa.concat_arrays([c[n] for _, c in members]) for n in names})
        table = table.append_column("__file", pa.array(range(len(members)), pa.int64()))
        keep: set[int] = set()
        for terms in conj:
            e = None
            for col, op, value in terms:
                wire = field_path(info, str(col))
                if len(wire) == 1 and wire[0] in names:
                    t = _term(ds.field(wire[0]), op, value)
                    e = t if e is None else e & t
            if e is None:
                keep = set(range(len(members)))  # a conjunct folders cannot decide
                break
            keep.update(table.filter(e).column("__file").to_pylist())
        out.update(i for k, (i, _) in enumerate(members) if k not in keep)
    return out


def _folder_values_final(info: RecordInfo, consts: dict[str, Any]) -> bool:
    """Whether folder values are the values the reader will see.  A symbol the reader's
    enum lacks is not: reading turns it into the enum's default (or, in an open enum,
    the writer's number), so only the file's footer can tell what it reads as."""
    _, types = info.ir
    for f in info.record.fields:
        if f.name not in consts:
            continue
        inner, _ = ir.strip_nullable(f.type)
        if isinstance(inner, ir.EnumRef):
            enum = types.get(inner.name)
            value = consts[f.name][0].as_py()
            if isinstance(enum, ir.Enum) and value is not None and value not in enum.symbols:
                return False
    return True


def _with_partitions(info: RecordInfo, file: Path, schema: Any,
                     parts: dict[str, str | None]) -> dict[str, Any]:
    """Typed one-value arrays for the partition keys that are reader fields the file lacks
    (keyed by the reader's field name)."""
    reader = info.arrow_schema()
    if not parts:
        return {}
    wir = writer_ir(schema) if schema is not None else None
    wrec = wir[1].get(wir[0]) if wir is not None else None
    out: dict[str, Any] = {}
    for key, value in parts.items():
        if schema is not None and schema.get_field_index(key) >= 0:
            continue  # the file has the column: it wins
        f = _partition_field(info, key, wrec if isinstance(wrec, ir.Record) else None)
        if f is None or f.name in out:
            continue  # a partition the reader does not know
        if schema is not None and schema.get_field_index(f.name) >= 0:
            continue  # the file has a column of that name: it wins
        typ = reader.field(f.name).type
        try:
            arr = pa.array([value], pa.string()).cast(typ)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ReadError(f"{file}: partition folder {key}={value}: {value!r} cannot be "
                            f"read as {typ} for field {f.name!r} ({exc})") from None
        if value is None and not reader.field(f.name).nullable:
            raise ReadError(f"{file}: partition folder {key}={HIVE_NULL}: field {f.name!r} "
                            "is required")
        out[f.name] = arr
    return out


def iter_batches(
    info: RecordInfo,
    path: PathLike | Sequence[PathLike],
    columns: Sequence[str] | None = None,
    filter: Any = None,
    batch_size: int = DEFAULT_READ_BATCH,
    fill: bool = True,
    allow_other_record: bool = False,
    filesystem: Any = None,
    out_of_range: ranges.OutOfRange = "error",
    python_range: bool = False,
) -> Iterator[tuple[Path, Any]]:
    """``(file, record batch)`` in the record's own Arrow layout, from every file under ``path``.

    Each file gets a resolution plan first (:mod:`schemagen.runtime.resolve`):
    a file written with another version of the record is renamed, cast and
    filled into the reader's layout; incompatible fields are one ReadError
    listing all of them.  ``fill=False`` leaves fields the file lacks out of
    the batch (the generated reader fills their defaults itself).

    ``out_of_range`` (:mod:`schemagen.runtime.ranges`): what a value the result cannot
    hold becomes (INT96 beyond 64-bit microseconds; with ``python_range``, also what
    Python's ``datetime`` types cannot hold); under ``"error"`` the rows before it are
    yielded first.
    """
    how = ranges.policy(out_of_range)
    _check_shape(filter)
    filter = _decimal_values(filter, info)
    expr = to_expression(filter, info)
    check_filter(expr, filter, info)
    if isinstance(columns, str):
        columns = [columns]
    selection: dict[str, Any] | None = None
    out_top: list[str] | None = None
    if columns is not None:
        selection = _selection(info, list(columns) + _filter_columns(filter))
        out_top = list(_selection(info, list(columns)))
        if expr is not None and _terms(filter) is None:
            selection = None  # an expression's columns are unknown: read all, project after
    plans: dict[bytes, Plan] = {}
    listing = _listing(path, filesystem)
    excluded = _excluded_by_folders(filter, info, listing)
    for n, (f, parts, guard) in enumerate(listing):
        if n in excluded:
            continue  # the folder's partition values rule the filter out: not even opened
        opened = _OpenFile(info, f, parts, guard, plans, allow_other_record, how)
        p = opened.full.prune(selection)
        cols = None
        if selection is not None:
            cols = _existing(opened.pf, p.file_columns(selection, opened.schema))
            if not cols and len(opened.pf.schema):
                cols = [opened.pf.schema.column(0).path]  # only for the row count: unselected
        # statistics of a profiled file are in its physical types: filter after reading
        push = None if opened.restored is not None else _pushdown(
            filter, expr, info, opened.full, set(opened.consts))
        try:
            for row0, raw in opened.raw_batches(push, cols, batch_size):
                batch, late = _resolved(f, p, raw, row0, fill or expr is not None, how)
                if python_range:  # (an error in the rows before ``late`` comes first)
                    batch, earlier = _python_range(f, batch, row0, how)
                    late = earlier or late
                if expr is None:
                    yield f, batch
                else:
                    table = pa.Table.from_batches([batch]).filter(expr)
                    if out_top is not None and selection is None:
                        table = table.select([c for c in out_top if c in table.schema.names])
                    if not fill:
                        table = _drop_filled(table, opened.full, raw)
                    for b in table.combine_chunks().to_batches(max_chunksize=batch_size):
                        yield f, b
                if late is not None:
                    raise late
        except (OSError, pa.ArrowException) as exc:
            _check_guard(guard, failed=True)
            raise ReadError(f"{f}: {exc}") from None


def _resolved(f: Path, p: Plan, raw: Any, row0: int, fill: bool,
              how: ranges.OutOfRange) -> tuple[Any, ReadError | None]:
    """(the raw batch in the reader's layout, None), or (the rows before the first value
    the policy refuses, resolved, and the ReadError naming it)."""
    first: ranges.OutOfRangeValue | None = None
    while True:
        try:
            batch = p.apply(raw, fill=fill, row0=row0, out_of_range=how)
        except ranges.OutOfRangeValue as exc:
            first = exc
            raw = _prefix(raw, exc.index)
            continue
        except ReadError as exc:
            raise ReadError(f"{f}: {exc}") from None
        return batch, None if first is None else _range_error(f, row0, first)


def _python_range(f: Path, batch: Any, row0: int,
                  how: ranges.OutOfRange) -> tuple[Any, ReadError | None]:
    """(the batch with what Python cannot hold handled, None), or (the rows before the
    first value the policy refuses, the ReadError naming it)."""
    first: ranges.OutOfRangeValue | None = None
    while True:  # the first refused value of one column may follow that of another
        try:
            out = ranges.typed(batch, how)
        except ranges.OutOfRangeValue as exc:
            first = exc
            batch = _prefix(batch, exc.index)
            continue
        return out, None if first is None else _range_error(f, row0, first)


def _prefix(batch: Any, n: int) -> Any:
    """The first ``n`` rows as a batch of their own: not a slice, whose list columns would
    still hold (and hand the readers) the values of the rows after it."""
    return batch.take(pa.array(range(n), pa.int64()))


def _range_error(f: Path, row0: int, exc: ranges.OutOfRangeValue) -> ReadError:
    return ReadError(exc.message, file=str(f), row=row0 + exc.index, path=exc.path)


class _OpenFile:
    """One file of a read, opened: its schema as planned (an engine profile's restored to
    the IR's types, partition folder values added), the plan (one per distinct schema,
    cached in ``plans``), and its raw batches in that schema."""

    def __init__(self, info: RecordInfo, f: Path, parts: dict[str, str | None],
                 guard: Guard | None, plans: dict[bytes, Plan],
                 allow_other_record: bool, how: ranges.OutOfRange = "error") -> None:
        self.f, self.guard, self.how = f, guard, how
        self.pf = _open(f, guard)
        leaves = ranges.int96_leaves(self.pf)
        self.twin = None
        if leaves:  # read again in ms, which never wraps: the check of the us values
            fs = guard.storage.filesystem if isinstance(guard, ObjectGuard) else None
            try:
                twin = pq.ParquetFile(source_of(f), coerce_int96_timestamp_unit="ms",
                                      filesystem=fs)
            except (OSError, pa.ArrowException) as exc:
                raise ReadError(f"{f}: not a readable Parquet file ({exc})") from None
            self.twin = ranges.Int96Twin(twin, leaves)
        schema = self.pf.schema_arrow
        self.restored = restored_schema(schema)
        if self.restored is not None:
            schema = self.restored  # an engine profile's file: planned in the IR's own types
        self.consts = _with_partitions(info, f, schema, parts)
        if self.consts:
            # the reader's own field (its field id included: matched like a column)
            reader_schema = info.arrow_schema()
            schema = pa.schema([*schema, *(reader_schema.field(k).with_type(v.type)
                                           for k, v in self.consts.items())],
                               metadata=schema.metadata)
        self.schema = schema
        # files of one dataset mostly share a schema: plan each schema once
        key = schema.serialize().to_pybytes()
        full = plans.get(key)
        if full is None:
            full = plans[key] = file_plan(info, f, schema, allow_other_record)
        self.full = full

    def raw_batches(self, push: Any, cols: list[str] | None,
                    batch_size: int) -> Iterator[tuple[int, Any]]:
        """(file row of the first row, batch in :attr:`schema`), row groups pruned by
        ``push``."""
        if push is None:
            source = _numbered(self.pf.iter_batches(batch_size=batch_size, columns=cols))
        else:
            source = _row_groups(self.f, self.pf, push, cols, batch_size, self.guard)
        for row0, raw in source:
            late = None
            if self.twin is not None:
                raw, late = self._int96(raw, row0)
            if self.restored is not None:
                raw = _restore(raw, self.restored, str(self.f), row0)
            if self.consts:
                raw = _add_constants(raw, self.consts)
            if raw.num_rows or late is None:
                yield row0, raw
            if late is not None:
                raise late

    def _int96(self, raw: Any, row0: int) -> tuple[Any, ReadError | None]:
        """(the batch with its INT96 values checked, None), or (the rows before the first
        value the policy refuses, the ReadError naming it)."""
        assert self.twin is not None
        first: ranges.OutOfRangeValue | None = None
        while True:
            twin = self.twin.rows(row0, raw.num_rows, raw.schema.names)
            try:
                out = ranges.int96(raw, twin, self.how, self._nullable)
            except ranges.OutOfRangeValue as exc:
                first = exc
                raw = _prefix(raw, exc.index)
                continue
            return out, None if first is None else _range_error(self.f, row0, first)


    def _nullable(self, name: str, file_nullable: bool) -> bool:
        """Whether the reader's field read from top-level column ``name`` may be null."""
        root = self.full._root
        for fp in root.fields if root is not None else ():
            if fp.src == name:
                return bool(fp.arrow.nullable)
        return file_nullable


def _drop_filled(table: Any, p: Plan, raw: Any) -> Any:
    """Top-level columns filled only for the filter are left to the generated reader."""
    have = set(raw.schema.names)
    keep = [f.name for f in (p._root.fields if p._root is not None else [])
            if f.src is not None and f.src in have and f.name in table.schema.names]
    return table.select(keep) if len(keep) != table.num_columns else table


def _numbered(batches: Iterator[Any]) -> Iterator[tuple[int, Any]]:
    """(file row of the first row, batch)."""
    row0 = 0
    for b in batches:
        yield row0, b
        row0 += b.num_rows


def _row_groups(f: Path, pf: Any, push: Any, cols: list[str] | None,
                batch_size: int, guard: Guard | None = None) -> Iterator[tuple[int, Any]]:
    try:
        fs = guard.storage.filesystem if isinstance(guard, ObjectGuard) else None
        fragment = next(iter(ds.dataset(source_of(f), format="parquet",
                                        filesystem=fs).get_fragments()))
        groups = [rg.id for frag in fragment.split_by_row_group(push) for rg in frag.row_groups]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        groups = list(range(pf.metadata.num_row_groups))  # statistics cannot be used
    # the statistics came from a second open of the name: still the file ``pf`` holds?
    _check_guard(guard)
    meta = pf.metadata
    starts = [0]
    for g in range(meta.num_row_groups):
        starts.append(starts[-1] + meta.row_group(g).num_rows)
    for g in groups:
        row0 = starts[g]
        for b in pf.read_row_group(g, columns=cols).to_batches(max_chunksize=batch_size):
            yield row0, b
            row0 += b.num_rows


def _add_constants(batch: Any, consts: dict[str, Any]) -> Any:
    arrays = list(batch.columns)
    fields = list(batch.schema)
    for name, one in consts.items():
        arrays.append(pa.repeat(one[0], batch.num_rows))
        fields.append(pa.field(name, one.type))
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields,
                                                               metadata=batch.schema.metadata))


def _existing(pf: Any, leaves: list[str] | None) -> list[str] | None:
    """Projected paths the file really has (a path under a list of another shape: the
    whole top-level column)."""
    if leaves is None:
        return None
    paths = [pf.schema.column(i).path for i in range(len(pf.schema))]
    keep: list[str] = []
    for c in leaves:
        if any(p == c or p.startswith(c + ".") for p in paths):
            keep.append(c)
        else:
            top = c.split(".")[0]
            if any(p == top or p.startswith(top + ".") for p in paths):
                keep.append(top)
    return list(dict.fromkeys(keep))


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
    allow_other_record: bool = False,
    filesystem: Any = None,
    out_of_range: ranges.OutOfRange = "error",
) -> Iterator[R]:
    """Typed records from a file or folder, converted one batch at a time.

    ``path`` is a local path or a URI (``s3://bucket/sales/``), ``filesystem`` a
    ``pyarrow.fs`` or fsspec file system for it.

    A file of another record (its footer names neither this record nor one of its
    aliases, or no column matches a field) is a ReadError, unless
    ``allow_other_record=True``: then every field it lacks takes its default.

    ``out_of_range``: a value the record cannot hold (a timestamp or date outside the
    years 1..9999, an INT96 timestamp beyond 64-bit microseconds, a time of day beyond
    24:00) is a ReadError naming file, row, field and value, after the records before it
    (``"error"``, the default); ``"null"`` reads it as None (nullable fields only);
    ``"clamp"`` as the nearest value the field holds (``datetime.max`` in its unit ...)."""
    info = info_of(record_cls)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
        raise UsageError(f"batch_size must be a positive integer, got {batch_size!r}")
    ranges.policy(out_of_range)
    convert = partial(_convert_batch, info, projection=projection_of(info, columns))
    # chain/starmap keep the per-record iteration in C (no generator frame per record)
    return chain.from_iterable(
        starmap(convert, iter_batches(info, path, columns, filter, batch_size, fill=False,
                                      allow_other_record=allow_other_record,
                                      filesystem=filesystem, out_of_range=out_of_range,
                                      python_range=True))
    )


def projection_of(info: RecordInfo, columns: Sequence[str] | str | None) -> Projection | None:
    """The projection typed records of a read with ``columns`` get: exactly the selected
    fields (not those only a filter reads), None when every field is read whole."""
    if columns is None:
        return None
    return info.projection(_selection(info, [columns] if isinstance(columns, str)
                                      else list(columns)))


def _convert_batch(info: RecordInfo, file: Path, batch: Any,
                   projection: Projection | None = None) -> list[Any]:
    try:
        if projection is None:
            return without_gc(info.from_batch, batch)
        return without_gc(partial(info.from_batch, projection=projection), batch)
    except ReadError as exc:
        where = locate_sub_microsecond(batch)
        raise ReadError(f"{file}: {where + ': ' if where else ''}{exc}") from None


def read_arrow(
    record_cls: type[Any],
    path: PathLike | Sequence[PathLike],
    columns: Sequence[str] | None = None,
    filter: Any = None,
    allow_other_record: bool = False,
    filesystem: Any = None,
    out_of_range: ranges.OutOfRange = "error",
) -> Any:
    """A ``pyarrow.Table`` in the record's own schema (of the selected columns when some are),
    whatever version of the record wrote the files.

    ``out_of_range``: as for :func:`read`, for the values the table's Arrow types cannot
    hold (an INT96 timestamp beyond 64-bit microseconds, which pyarrow alone would wrap
    into another date); values Python cannot hold but Arrow can are kept."""
    info = info_of(record_cls)
    if isinstance(columns, str):
        columns = [columns]
    schema = result_schema(record_cls, columns)
    batches = [_project(b, schema) for _, b in iter_batches(
        info, path, columns, filter, allow_other_record=allow_other_record,
        filesystem=filesystem, out_of_range=out_of_range)]
    if not batches:
        return schema.empty_table()
    return pa.Table.from_batches(batches) if _same_schema(batches) else pa.concat_tables(
        [pa.Table.from_batches([b]) for b in batches], promote_options="permissive"
    )


def result_schema(record_cls: type[Any], columns: Sequence[str] | None = None) -> Any:
    """The ``pyarrow.Schema`` of :func:`read_arrow`'s table for ``columns``: the record's
    own schema, restricted to exactly the selection in the record's field order (columns
    read only for a filter are left out)."""
    info = info_of(record_cls)
    schema = info.arrow_schema()
    if columns is None:
        return schema
    tree = _selection(info, [columns] if isinstance(columns, str) else list(columns))
    return pa.schema([f.with_type(_pruned(f.type, tree[f.name])) for f in schema
                      if f.name in tree], metadata=schema.metadata)


def files_to_read(record_cls: type[Any], path: PathLike | Sequence[PathLike],
                  filter: Any = None, filesystem: Any = None) -> list[Path]:
    """The Parquet files :func:`read` opens for ``record_cls``, ``path`` and ``filter``, in
    its order: every file under ``path`` except those whose Hive partition folders alone
    rule the filter out (checked against the record's field types, like :func:`read`).
    A distributed reader lists on the client with this and reads one file per task."""
    info = info_of(record_cls)
    _check_shape(filter)
    filter = _decimal_values(filter, info)
    check_filter(to_expression(filter, info), filter, info)
    listing = _listing(path, filesystem)
    excluded = _excluded_by_folders(filter, info, listing)
    return [f for n, (f, _, _) in enumerate(listing) if n not in excluded]


def _pruned(t: Any, sel: Any) -> Any:
    """An Arrow type restricted to a selection tree (structs, through lists and maps)."""
    if sel is None:
        return t
    if pa.types.is_struct(t):
        return pa.struct([t.field(i).with_type(_pruned(t.field(i).type, sel[t.field(i).name]))
                          for i in range(t.num_fields) if t.field(i).name in sel])
    if pa.types.is_map(t):
        return pa.map_(t.key_field, t.item_field.with_type(_pruned(t.item_type, sel)))
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(_pruned(t.value_type, sel)))
    return t  # pragma: no cover - selections only walk records, lists and maps


def _project(batch: Any, schema: Any) -> Any:
    """``batch`` with exactly ``schema``'s columns (struct children dropped by name)."""
    if batch.schema.equals(schema):
        return batch
    arrays = []
    for f in schema:
        col = batch.column(f.name)
        arrays.append(col if col.type.equals(f.type) else col.cast(f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def read_batches(
    record_cls: type[R],
    path: PathLike | Sequence[PathLike],
    columns: Sequence[str] | None = None,
    filter: Any = None,
    batch_size: int = DEFAULT_READ_BATCH,
    allow_other_record: bool = False,
    filesystem: Any = None,
    out_of_range: ranges.OutOfRange = "error",
) -> Iterator[list[R]]:
    """Typed records a batch (a list of at most ``batch_size`` records) at a time.

    Memory stays bounded by one batch plus one row group of one file.
    ``out_of_range`` as for :func:`read` (under ``"error"``, the batch before the value
    is yielded, then the ReadError raised).
    """
    info = info_of(record_cls)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
        raise UsageError(f"batch_size must be a positive integer, got {batch_size!r}")
    ranges.policy(out_of_range)
    projection = projection_of(info, columns)
    for f, batch in iter_batches(info, path, columns, filter, batch_size, fill=False,
                                 allow_other_record=allow_other_record,
                                 filesystem=filesystem, out_of_range=out_of_range,
                                 python_range=True):
        if batch.num_rows:
            yield _convert_batch(info, f, batch, projection)


def _same_schema(batches: list[Any]) -> bool:
    first = batches[0].schema
    return all(b.schema.equals(first) for b in batches[1:])
