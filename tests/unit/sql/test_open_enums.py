"""Open enums (proto3) are VARCHAR in the DuckDB view (issue 12, Deliver 2): a number
without a symbol is written as the string "99", which the old ``CAST(... AS
ENUM('A', 'B'))`` refused for the whole query ("Could not convert string '99' to
ENUM"); closed enums keep their ENUM type."""

from __future__ import annotations

from pathlib import Path

import duckdb

import schemagen
from schemagen.sql import ddl

PROTO = """syntax = "proto3";
package oe;
enum Colour { COLOUR_UNSET = 0; RED = 1; BLUE = 2; }
message Paint { Colour colour = 1; repeated Colour more = 2; int64 n = 3; }
"""
AVSC = """{"type": "record", "name": "Closed", "namespace": "ce", "fields": [
  {"name": "suit", "type": {"type": "enum", "name": "Suit", "symbols": ["H", "S"]}}]}"""


def test_an_unknown_number_of_an_open_enum_reads_through_the_view(tmp_path: Path) -> None:
    (tmp_path / "p.proto").write_text(PROTO)
    m = schemagen.load(tmp_path / "p.proto")
    rows = [m.Paint(colour=m.Colour.RED, more=[m.Colour.from_number(99)], n=1),
            m.Paint(colour=m.Colour.from_number(99), more=[], n=2)]
    schemagen.write(rows, tmp_path / "paint")
    text = ddl.emit(m.Paint.__schemagen__.ir[1], "oe.Paint", "duckdb",
                    location=str(tmp_path / "paint"), table="paint")
    assert 'CAST("colour" AS VARCHAR)' in text and 'CAST("more" AS VARCHAR[])' in text
    con = duckdb.connect()
    con.execute(text)
    assert con.execute("SELECT colour, more FROM paint ORDER BY n").fetchall() == [
        ("RED", ["99"]), ("99", [])]


def test_a_closed_enum_stays_an_enum(tmp_path: Path) -> None:
    (tmp_path / "c.avsc").write_text(AVSC)
    m = schemagen.load(tmp_path / "c.avsc")
    schemagen.write([m.Closed(suit=m.Suit.S)], tmp_path / "c")
    text = ddl.emit(m.Closed.__schemagen__.ir[1], "ce.Closed", "duckdb",
                    location=str(tmp_path / "c"), table="c")
    con = duckdb.connect()
    con.execute(text)
    assert con.execute("SELECT suit, typeof(suit) FROM c").fetchall() == [
        ("S", "ENUM('H', 'S')")]
