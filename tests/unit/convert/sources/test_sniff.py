"""``schemagen.convert.sources.sniff``: an input that is not the format it is read as is
exit 2 before anything is written, naming the file, what it looks like and what was
expected (issue 15 item 15: a Parquet file, or a file that is not CSV with
``--input-format csv``, used to be read as text: rejects and an empty output)."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_convert import SALES

from schemagen import convert as cv
from schemagen.cli.main import main
from schemagen.convert.sources import sniff
from schemagen.errors import InputError


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _parquet() -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table({"trans_id": [1, 2]}), buf)
    return buf.getvalue()


def _avro() -> bytes:
    fastavro = pytest.importorskip("fastavro")
    buf = io.BytesIO()
    fastavro.writer(buf, fastavro.parse_schema({"type": "record", "name": "R", "fields": [
        {"name": "trans_id", "type": "long"}]}), [{"trans_id": 1}])
    return buf.getvalue()


JSONL = b'{"trans_id": 1}\n{"trans_id": 2}\n'
CSV = b"trans_id,date\n1,2013-07-26\n"

CASES = [  # file name, bytes, --input-format, the message after "NAME: "
    ("p.jsonl", _parquet, None, "looks like a Parquet file, not JSON Lines; it is Parquet "
                                "already (schemagen inspect FILE shows its schema)"),
    ("p.parquet", _parquet, None, "looks like a Parquet file, not JSON Lines"),
    ("p.csv", _parquet, "csv", "looks like a Parquet file, not CSV text"),
    ("p.data", _parquet, "avro", "looks like a Parquet file, not an Avro container file (one "
                                 "starts with the bytes 'Obj\\x01')"),
    ("a.csv", _avro, "csv", "looks like an Avro container file, not CSV text; give "
                            "--input-format avro"),
    ("a.jsonl", _avro, None, "looks like an Avro container file, not JSON Lines; give "
                             "--input-format avro"),
    ("g.jsonl", lambda: gzip.compress(JSONL), None,
     "looks like gzip-compressed data, not JSON Lines; convert reads uncompressed input: "
     "decompress it first, e.g. gzip -dc FILE | schemagen convert - --input-format jsonl ..."),
    ("b.csv", lambda: bz2.compress(CSV), None, "looks like bzip2-compressed data, not CSV "
                                               "text; convert reads uncompressed input"),
    ("x.json", lambda: lzma.compress(JSONL), None, "looks like xz-compressed data, not JSON "
                                                   "Lines"),
    ("z.jsonl", lambda: b"\x28\xb5\x2f\xfd" + b"\x00" * 20, None,
     "looks like zstd-compressed data, not JSON Lines; convert reads uncompressed input: "
     "decompress it first, e.g. zstd -dc FILE"),
    ("n.jsonl", lambda: b'{"trans_id": 1}\n\x00\x01\x02', None,
     "looks like binary data (a NUL byte at byte 16; UTF-16 or UTF-32 text without a byte "
     "order mark looks like this too), not JSON Lines"),
    ("n.csv", lambda: b"trans_id\n1\x00\n", None, "looks like binary data (a NUL byte at "
                                                  "byte 10;"),
    ("c.jsonl", lambda: CSV, None, "looks like text that is not JSON (it starts "
                                   "'trans_id,date'), not JSON Lines; for CSV give "
                                   "--input-format csv"),
    ("c.avro", lambda: CSV, None, "looks like text that is not JSON (it starts "
                                  "'trans_id,date'), not an Avro container file"),
    ("j.csv", lambda: JSONL, None, "looks like JSON text, not CSV text; give --input-format "
                                   "jsonl (or json for one array)"),
    ("j.txt", lambda: b'[{"trans_id": 1},\n {"trans_id": 2}]\n', "csv",
     "looks like JSON text, not CSV text"),
    ("e.avro", lambda: b"", None, "looks like an empty file, not an Avro container file"),
]


@pytest.mark.parametrize("name, data, fmt, message", CASES, ids=[c[0] for c in CASES])
def test_input_not_its_format_is_exit_2_and_nothing_is_written(
        tmp_path: Path, capsys: Any, name: str, data: Any, fmt: str | None,
        message: str) -> None:
    src = tmp_path / name
    src.write_bytes(data())
    before = _tree(tmp_path)
    extra = ["--input-format", fmt] if fmt else []
    code = main(["convert", str(src), "--schema", SALES, "--record", "Transaction", "--out",
                 str(tmp_path / "o.parquet"), "--rejects", str(tmp_path / "r.jsonl"), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"schemagen: error: {src}: {message}"), err
    assert err.count("\n") == 1  # one line, no traceback
    assert _tree(tmp_path) == before  # no output, no rejects file, no temporary file


def test_a_bad_input_after_a_good_one_is_found_before_the_good_one_is_read(
        sales: Any, tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_bytes(JSONL)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(_parquet())
    read: list[int] = []
    with pytest.raises(InputError) as e:
        cv.convert(sales.Transaction, [good, bad], tmp_path / "o", progress=read.append)
    assert str(e.value).startswith(f"{bad}: looks like a Parquet file, not JSON Lines")
    assert read == []  # nothing was read before the check
    assert _tree(tmp_path) == ["bad.jsonl", "good.jsonl"]


@pytest.mark.parametrize("text", [
    b"",
    b"\n\n",
    b'null\n{"trans_id": 1}\n',  # a first line that is JSON but not an object: rejected row
    b'null{"trans_id": 5}\n',  # concatenated values on a line
    b'garbage\n{"trans_id": 1}\n',  # one bad line among JSON lines: a rejected row
    b'{not json\n',  # starts like an object: rejected row
    b"\xef\xbb\xbf" + JSONL,
    b"[1, 2]\n",
])
def test_text_that_may_be_json_lines_is_read_as_json_lines(text: bytes) -> None:
    sniff.check("x.jsonl", text, "jsonl")


@pytest.mark.parametrize("text", [
    CSV,
    b"\xef\xbb\xbf" + CSV,
    b"[id],[name]\n1,2\n",  # brackets, but not JSON
    b"{a},{b}\n1,2\n",
    b"PAR1,x\n1,2\n",  # a header that happens to start with the Parquet magic
    b"BZh9,x\n",
    "\u00e9t\u00e9,x\n1,2\n".encode(),
])
def test_csv_text_is_csv(text: bytes) -> None:
    sniff.check("x.csv", text, "csv")


def test_a_long_first_line_cut_by_the_bytes_looked_at_is_not_refused() -> None:
    line = json.dumps({"trans_id": 1, "s": "x" * 100_000}).encode()
    sniff.check("x.jsonl", line[:64 * 1024], "jsonl")
    sniff.check("x.jsonl", b'"' + b"x" * (64 * 1024 - 1), "jsonl")  # a long JSON string
    with pytest.raises(InputError, match="not JSON Lines"):
        sniff.check("x.jsonl", b"a,b\n" * 10, "jsonl")


@pytest.mark.parametrize("head, fmt", [
    (b"Obj\x01\x04\x14avro.codec", "avro"),
    (b'[{"a": 1}]', "json"),
    (b'\xef\xbb\xbf \n [', "json"),
    (b'{"a": 1}\n', "jsonl"),
    (b"a,b\n", "jsonl"),  # then checked: not JSON Lines, give --input-format csv
    (b"", "jsonl"),
])
def test_format_of_an_input_without_a_known_extension(head: bytes, fmt: str) -> None:
    assert sniff.detect(head) == fmt


def test_unknown_extension_is_detected_from_the_content(sales: Any, tmp_path: Path) -> None:
    src = tmp_path / "export.dat"
    src.write_bytes(_avro())
    res = cv.convert(sales.Transaction, [src], tmp_path / "o.parquet",
                     rejects=tmp_path / "r.jsonl")
    assert res.rejected == 1  # read as Avro: the record lacks the required fields
    assert "missing required field" in (tmp_path / "r.jsonl").read_text()
