"""The text of ``schemagen inspect``: :func:`render_text` formats a report for people.

Plain text, no terminal needed; everything that came from a file passes through
:func:`~schemagen.inspect.guard.printable`, so it cannot drive the terminal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemagen import ir
from schemagen.errors import counted, shorten
from schemagen.inspect.guard import printable

__all__ = ["render_text"]


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)  # pragma: no cover


def _n(count: int, word: str) -> str:
    return counted(count, word)


def _table(header: list[str], rows: list[list[str]], indent: str) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    out = [indent + "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    for r in rows:
        out.append(indent + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    return out


def _cell(v: Any) -> str:
    """A report value in a table cell: text as is, others as JSON, on one line."""
    s = "" if v is None else json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    return s.replace("\n", "\\n")


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
        rows = [[f.name, ir.describe(f.type, "compact"), "" if f.field_id is None else f"id={f.field_id}"]
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
                          [[_relative(f["file"], report["path"]), f"{f['num_rows']:,}",
                            f"{f['num_row_groups']:,}",
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
                out.append(f"    {k}: {shorten(v, 72, render=_cell)}")
        for rg in f["row_groups"]:
            out.append(f"  row group {rg['index']}: {_n(rg['num_rows'], 'row')}, "
                       f"{_size(rg['compressed_bytes'])} compressed")
            rows = []
            for c in rg["columns"]:
                st = c["statistics"] or {}
                rows.append([c["path"], c["physical_type"], c["compression"],
                             ",".join(c["encodings"]), _size(c["compressed_bytes"]),
                             _size(c["uncompressed_bytes"]),
                             "" if st.get("null_count") is None else f"{st['null_count']:,}",
                             shorten(st.get("min"), 24, render=_cell),
                             shorten(st.get("max"), 24, render=_cell)])
            out.extend(_table(["column", "type", "codec", "encodings", "size", "raw size",
                               "nulls", "min", "max"], rows, "    "))
        if "rows" in f:
            out.append(f"  first {_n(len(f['rows']), 'row')}:")
            for i, r in enumerate(f["rows"]):
                out.append(f"    {i}: " + json.dumps(r, ensure_ascii=False, sort_keys=False))
    return printable("\n".join(out).lstrip("\n") + "\n")
