"""Can a Parquet file be read as a record?  Checked once per file, before reading.

Columns are matched by name.  A column whose Arrow type the record's
converters cannot turn into the field's Python type is an error, and so is a
required field without a default that the file lacks (never a silent None).
Fields the file lacks that are nullable or have a default read as None or
their default.  (Reading other versions of a record with promotions, field
ids and aliases is the schema-evolution reader's job.)
"""

from __future__ import annotations

from typing import Any

from .. import ir
from .._pyarrow import pa, pc
from .record import RecordInfo
from .validate import describe


def check_file_schema(info: RecordInfo, schema: Any, projected: set[str] | None) -> list[str]:
    """Problems reading a file of Arrow ``schema`` as ``info``'s record ([] when fine).

    ``projected``: the top-level fields selected (None: all of them).
    """
    root, types = info.ir
    rec = types[root]
    assert isinstance(rec, ir.Record)
    problems: list[str] = []
    _check_fields(types, rec, {f.name: f.type for f in schema}, "", projected, problems)
    return problems


def _required(f: ir.Field) -> bool:
    _, nullable = ir.strip_nullable(f.type)
    return not nullable and not f.has_default


def _check_fields(types: dict[str, ir.Named], rec: ir.Record, present: dict[str, Any],
                  prefix: str, projected: set[str] | None, out: list[str]) -> None:
    for f in rec.fields:
        path = prefix + f.name
        if projected is not None and not prefix and f.name not in projected:
            continue
        arrow_type = present.get(f.name)
        if arrow_type is None:
            if _required(f) and (projected is None or prefix == ""):
                out.append(f"column {path!r} is missing and the field is required with no default")
            continue
        _check_type(types, f.type, arrow_type, path, projected, out)


def _check_type(types: dict[str, ir.Named], t: ir.Type, at: Any, path: str,  # noqa: C901
                projected: set[str] | None, out: list[str]) -> None:
    inner, _ = ir.strip_nullable(t)
    T = pa.types
    if T.is_dictionary(at):
        at = at.value_type
    if isinstance(at, pa.ExtensionType) and not isinstance(inner, ir.Uuid):
        at = at.storage_type
    ok: bool
    if T.is_null(at):
        ok = True  # an all-null column fits any nullable field (checked on read)
    elif isinstance(inner, ir.Null):
        ok = True  # other writers store null columns as INT32 etc.; values checked on read
    elif isinstance(inner, ir.Bool):
        ok = T.is_boolean(at)
    elif isinstance(inner, ir.Int):
        ok = T.is_integer(at)
    elif isinstance(inner, ir.Float):
        ok = T.is_floating(at)
    elif isinstance(inner, (ir.String, ir.Json, ir.EnumRef)):
        ok = T.is_string(at) or T.is_large_string(at)
    elif isinstance(inner, ir.Bytes):
        ok = T.is_binary(at) or T.is_large_binary(at) or T.is_fixed_size_binary(at)
    elif isinstance(inner, (ir.Fixed, ir.Interval)):
        # other writers (DuckDB) turn FIXED_LEN_BYTE_ARRAY into BYTE_ARRAY: lengths are
        # then checked value by value on read
        size = 12 if isinstance(inner, ir.Interval) else inner.size
        ok = (T.is_fixed_size_binary(at) and at.byte_width == size) or T.is_binary(at) \
            or T.is_large_binary(at)
    elif isinstance(inner, ir.Uuid):
        ok = getattr(at, "extension_name", None) == "arrow.uuid" or (
            T.is_fixed_size_binary(at) and at.byte_width == 16)
    elif isinstance(inner, ir.Decimal):
        ok = T.is_decimal(at)
    elif isinstance(inner, ir.Date):
        ok = T.is_date(at)
    elif isinstance(inner, ir.Time):
        ok = T.is_time(at)
    elif isinstance(inner, ir.Timestamp):
        ok = T.is_timestamp(at)
    elif isinstance(inner, ir.Duration):
        ok = T.is_duration(at)
    elif isinstance(inner, ir.RecordRef):
        ok = T.is_struct(at)
        if ok:
            rec = types[inner.name]
            assert isinstance(rec, ir.Record)
            children = {at.field(i).name: at.field(i).type for i in range(at.num_fields)}
            # nested fields: a projection may have removed children, so only types are checked
            _check_fields(types, rec, children, path + ".", projected if projected is None
                          else set(children), out)
    elif isinstance(inner, ir.List):
        ok = T.is_list(at) or T.is_large_list(at) or T.is_fixed_size_list(at)
        if ok:
            _check_type(types, inner.item, at.value_type, path + "[]", projected, out)
    elif isinstance(inner, ir.Map):
        ok = T.is_map(at)
        if ok:
            _check_type(types, inner.key, at.key_type, path + "{key}", projected, out)
            _check_type(types, inner.value, at.item_type, path + "{value}", projected, out)
    elif isinstance(inner, ir.Union_):
        ok = T.is_struct(at) and all(
            at.get_field_index(f"member{i}") >= 0 for i in range(len(inner.members))
        )
        if ok:
            for i, m in enumerate(inner.members):
                _check_type(types, m, at.field(f"member{i}").type, f"{path}.member{i}",
                            projected, out)
    else:  # pragma: no cover - closed set
        ok = False
    if not ok:
        out.append(f"column {path!r} is {at}, expected {describe(inner)}")


def locate_sub_microsecond(batch: Any) -> str:
    """The first column path holding nanosecond values Python cannot represent ('' if none)."""

    def walk(arr: Any, path: str) -> str:
        t = arr.type
        if pa.types.is_struct(t):
            for i, child in enumerate(arr.flatten()):
                found = walk(child, f"{path}.{t.field(i).name}")
                if found:
                    return found
        elif pa.types.is_map(t):
            return walk(arr.keys, path + "{key}") or walk(arr.items, path + "{value}")
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            return walk(arr.values, path + "[]")
        elif getattr(t, "unit", None) == "ns" and (
            pa.types.is_timestamp(t) or pa.types.is_time(t) or pa.types.is_duration(t)
        ):
            ints = arr.cast(pa.int64()).fill_null(0)
            if pc.any(pc.not_equal(pc.multiply(pc.divide(ints, 1000), 1000), ints)).as_py():
                return path
        return ""

    for i, name in enumerate(batch.schema.names):
        found = walk(batch.column(i), name)
        if found:
            return f"column {found!r}"
    return ""
