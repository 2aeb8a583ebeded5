"""Nanosecond timestamps in the DuckDB view keep their nanoseconds (issue 12, Deliver 2):
DuckDB 2 reads TIMESTAMP(NANOS) as TIMESTAMP_NS / TIMESTAMPTZ_NS, and the view casts to
those (it cast timestamp(ns, UTC) to TIMESTAMPTZ, which rounds to microseconds)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

import schemagen
from schemagen.sql import ddl

AVSC = """{"type": "record", "name": "N", "namespace": "ns", "fields": [
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
  {"name": "lat", "type": ["null", {"type": "long", "logicalType": "local-timestamp-nanos"}]}]}"""
VALUES = [1_700_000_000_123_456_789, -1, 0]


def test_duckdb_view_keeps_nanoseconds(tmp_path: Path) -> None:
    (tmp_path / "n.avsc").write_text(AVSC)
    m = schemagen.load(tmp_path / "n.avsc")
    schema = m.N.arrow_schema()
    table = pa.table({"at": pa.array(VALUES, schema.field("at").type),
                      "lat": pa.array([*VALUES[:2], None], schema.field("lat").type)},
                     schema=schema)
    with schemagen.ParquetWriter(m.N, tmp_path / "n" / "0.parquet") as w:
        w.write_arrow(table)
    text = ddl.emit(m.N.__schemagen__.ir[1], "ns.N", "duckdb", location=str(tmp_path / "n"),
                    table="n")
    assert 'CAST("at" AS TIMESTAMPTZ_NS)' in text and 'CAST("lat" AS TIMESTAMP_NS)' in text
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(text)
    assert con.execute('SELECT typeof("at"), typeof(lat) FROM n LIMIT 1').fetchall() == [
        ("TIMESTAMPTZ_NS", "TIMESTAMP_NS")]
    got = con.execute('SELECT epoch_ns("at"), epoch_ns(lat) FROM n').fetchall()
    assert got == [(VALUES[0], VALUES[0]), (-1, -1), (0, None)]
