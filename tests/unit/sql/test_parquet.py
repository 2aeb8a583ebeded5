"""schemagen/sql/parquet.py: the Parquet descriptions of the type tables, derived from the
Arrow mapping, against what pyarrow really writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schemagen import ir
from schemagen.sql import registry as sql
from schemagen.typemap.arrow import ArrowMapper


def _physical(col: Any) -> str:
    """The column's physical type as ParquetType spells it (FLBA with its length)."""
    width = f"({col.length})" if col.physical_type == "FIXED_LEN_BYTE_ARRAY" else ""
    return f"{col.physical_type}{width}"


def _annotation(col: Any) -> str:
    return "" if str(col.logical_type.type) == "NONE" else str(col.logical_type.type)


def test_parquet_descriptions_match_what_pyarrow_writes(tmp_path: Path) -> None:
    types = sql.sample_ir_types()
    mapper = ArrowMapper(sql.SAMPLE_TYPES)  # the documented samples
    fields = [pa.field(f"c{i}", mapper.type(t)) for i, t in enumerate(types)
              if not isinstance(t, (ir.List, ir.Map, ir.RecordRef, ir.Union_))]
    path = tmp_path / "all.parquet"
    # the options schemagen's writer uses (runtime/writer.py)
    pq.write_table(pa.Table.from_pylist([{}], schema=pa.schema(fields)), path,
                   store_decimal_as_integer=True)
    schema = pq.ParquetFile(path).schema
    cols = {schema.column(i).path: schema.column(i) for i in range(len(schema))}
    for i, t in enumerate(types):
        if f"c{i}" not in cols:
            continue
        described = sql.parquet_type(t)
        col = cols[f"c{i}"]
        assert _physical(col) == described.physical, sql.ir_name(t)
        want = described.logical.split("(")[0]
        assert _annotation(col) == want, sql.ir_name(t)
        if isinstance(t, ir.Timestamp):
            assert str(col.logical_type.to_json()).count("true") == (1 if t.utc else 0)
            assert ("TIMESTAMP_" in str(col.converted_type)) == ("converted type TIMESTAMP_"
                                                                  in described.note)


@pytest.mark.parametrize(("precision", "physical"), [
    (1, "INT32"), (9, "INT32"), (10, "INT64"), (18, "INT64"),
    (19, "FIXED_LEN_BYTE_ARRAY(9)"), (38, "FIXED_LEN_BYTE_ARRAY(16)"),
])
def test_decimal_physical_type_by_precision(precision: int, physical: str) -> None:
    assert sql.parquet_type(ir.Decimal(precision, 0)).physical == physical


def test_honest_notes_where_pyarrow_cannot_annotate() -> None:
    assert "ENUM" in sql.parquet_type(ir.EnumRef("E")).note
    assert sql.parquet_type(ir.EnumRef("E")).logical == "STRING"
    assert sql.parquet_type(ir.Interval()).logical == ""
    assert "INTERVAL" in sql.parquet_type(ir.Interval()).note
    assert "JSON" in sql.parquet_type(ir.Json()).note
