"""inspect/text.py and guard.printable: how a report is rendered for people."""

from __future__ import annotations

from typing import Any

from schemagen import ir
from schemagen.inspect import render_text
from schemagen.inspect.guard import printable


def _report(types: list[ir.Named], kv: dict[str, str]) -> dict[str, Any]:
    return {
        "path": "x.parquet", "kind": "file",
        "summary": {"files": 1, "schemas": 1, "num_rows": 0, "num_row_groups": 0,
                    "size_bytes": 0, "compressed_bytes": 0, "uncompressed_bytes": 0},
        "schemas": [{"index": 0, "files": ["x.parquet"], "parquet_schema": "required group",
                     "arrow_schema": "", "ir": {"source": "footer", "root": types[0].name,
                                                "notes": [],
                                                "types": [ir.named_to_json(t) for t in types]}}],
        "files": [{"file": "x.parquet", "num_rows": 0, "num_row_groups": 0, "num_columns": 3,
                   "size_bytes": 100, "compressed_bytes": 0, "uncompressed_bytes": 0,
                   "created_by": None, "format_version": "2.6", "key_value_metadata": kv,
                   "row_groups": []}],
    }


def test_ir_types_print_in_the_compact_form() -> None:
    rec = ir.Record("t.R", (
        ir.Field("a", ir.Nullable(ir.List(ir.Int(32, True), unique=True))),
        ir.Field("b", ir.Decimal(9, 2, 4), field_id=7),
        ir.Field("c", ir.Timestamp("us", True)),
        ir.Field("d", ir.Map(ir.String(), ir.EnumRef("t.E"))),
    ))
    enum = ir.Enum("t.E", ("X", "Y"))
    text = render_text(_report([rec, enum], {}))
    lines = [ln.split() for ln in text.splitlines()]
    assert ["a", "set<int32>?"] in lines
    assert ["b", "decimal(9,", "2,", "fixed", "4)", "id=7"] in lines
    assert ["c", "timestamp(us,", "utc)"] in lines
    assert ["d", "map<string,", "t.E>"] in lines
    assert "    enum t.E {X, Y}" in text.splitlines()


def test_long_metadata_values_are_shortened_on_one_line() -> None:
    text = render_text(_report([ir.Record("t.R", ())], {"k": "line1\nline2" + "z" * 200}))
    (line,) = [ln for ln in text.splitlines() if ln.startswith("    k: ")]
    assert line == "    k: " + ("line1\\nline2" + "z" * 200)[:69] + "..."


def test_printable_escapes_control_and_bidi_characters() -> None:
    assert printable("a\x1b[31mb\u202ec\td\n") == "a\\x1b[31mb\\u202ec\td\n"
