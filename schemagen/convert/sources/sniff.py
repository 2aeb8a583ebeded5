"""What an input's first bytes say it is, checked before anything is converted.

An input that is not the format it is read as (a Parquet file given as JSON Lines, an
Avro container given with ``--input-format csv``, gzip-compressed text, any binary data
given as text, text given as Avro) is an :class:`~schemagen.errors.InputError` naming
the file, what it looks like and what was expected, raised before the writer is
opened.  Without a known extension (``-`` among them) the format comes from the same
bytes: an Avro container by its magic number, a JSON array by its ``[``, else JSON
Lines."""

from __future__ import annotations

import json
import re
from typing import Final

from schemagen.errors import InputError

from .inputs import HEAD_BYTES

# magic numbers of what is often given by mistake; each starts with a byte that is not
# text, or is checked to be followed by binary data (``PAR1``)
_MAGIC: Final = (
    (b"Obj\x01", "an Avro container file"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x04\x22\x4d\x18", "lz4-compressed data"),
    (b"PK\x03\x04", "a zip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-zip archive"),
    (b"ARROW1\x00\x00", "an Arrow IPC file"),
    (b"\xff\xff\xff\xff", "an Arrow IPC stream"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_BZIP2: Final = re.compile(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)")
_DECOMPRESS: Final = {"gzip": "gzip -dc", "zstd": "zstd -dc", "xz": "xz -dc",
                      "lz4": "lz4 -dc", "bzip2": "bzip2 -dc"}
_WIDE_BOMS: Final = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                     (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
UTF8_BOM: Final = b"\xef\xbb\xbf"
NUL_WINDOW: Final = 8000  # a NUL byte this early is binary data (git's rule)
_EXPECTED: Final = {"jsonl": "JSON Lines", "json": "a JSON array", "csv": "CSV text",
                    "avro": "an Avro container file"}
_FLAG: Final = {"jsonl": "--input-format jsonl", "json": "--input-format json",
                "csv": "--input-format csv", "avro": "--input-format avro"}


def binary_kind(head: bytes) -> str | None:
    """What binary data ``head`` starts (a known format or any data with a NUL byte
    early on), or None for what may be text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if _BZIP2.match(head):
        return "bzip2-compressed data"
    if head.startswith(b"PAR1") and b"\x00" in head[4:NUL_WINDOW]:
        return "a Parquet file"
    nul = head.find(b"\x00", 0, NUL_WINDOW)
    if nul >= 0:
        return (f"binary data (a NUL byte at byte {nul}; UTF-16 or UTF-32 text without a "
                "byte order mark looks like this too)")
    return None


def detect(head: bytes) -> str:
    """The format of an input without a known extension: ``avro`` (magic number),
    ``json`` (an array: the text starts with ``[``) or ``jsonl``."""
    if head.startswith(b"Obj\x01"):
        return "avro"
    text = head[len(UTF8_BOM):] if head.startswith(UTF8_BOM) else head
    return "json" if text.lstrip(b" \t\r\n").startswith(b"[") else "jsonl"


def check(name: str, head: bytes, fmt: str) -> None:
    """Raise :class:`InputError` when ``head`` (an input's first bytes) is not ``fmt``."""
    if fmt == "avro":
        if head.startswith(b"Obj\x01"):
            return
        kind = binary_kind(head) or _text_kind(head)
        raise InputError(f"looks like {kind}, not {_EXPECTED[fmt]} (one starts with the "
                         "bytes 'Obj\\x01')" + _hint(kind, fmt), file=name)
    for bom, enc in _WIDE_BOMS:
        if head.startswith(bom):
            raise InputError(f"{enc} text (byte order mark {bom.hex(' ')}); convert reads "
                             f"UTF-8: re-encode it first (iconv -f {enc} -t UTF-8)", file=name)
    what: str | None = binary_kind(head)
    if what is None:
        text = head[len(UTF8_BOM):] if head.startswith(UTF8_BOM) else head
        if fmt == "csv" and _is_json(text):
            what = "JSON text"
        elif fmt == "jsonl" and not _json_lines(text, whole=len(head) < HEAD_BYTES):
            what = _text_kind(head)
    if what is not None:
        raise InputError(f"looks like {what}, not {_EXPECTED[fmt]}" + _hint(what, fmt),
                         file=name)


def _hint(what: str, fmt: str) -> str:
    for kind, command in _DECOMPRESS.items():
        if what.startswith(kind):
            return (f"; convert reads uncompressed input: decompress it first, e.g. "
                    f"{command} FILE | schemagen convert - {_FLAG[fmt]} ...")
    if what.startswith("an Avro"):
        return "; give --input-format avro"
    if what == "a Parquet file":
        return "; it is Parquet already (schemagen inspect FILE shows its schema)"
    if what == "JSON text":
        return "; give --input-format jsonl (or json for one array)"
    if what.startswith("text that is not JSON") and fmt != "csv":
        return "; for CSV give --input-format csv"
    if what.startswith("a JSON array"):
        return "; give --input-format json"
    return ""


def _text_kind(head: bytes) -> str:
    """What text that is not the expected format looks like."""
    text = head[len(UTF8_BOM):] if head.startswith(UTF8_BOM) else head
    if not text.strip():
        return "an empty file" if not head else "blank text"
    if _is_json(text):
        return "a JSON array" if text.lstrip().startswith(b"[") else "JSON text"
    line = text.lstrip(b" \t\r\n").split(b"\n", 1)[0][:60]
    return f"text that is not JSON (it starts {line.decode('utf-8', 'replace')!r})"


def _is_json(text: bytes) -> bool:
    """Whether the text starts with a JSON object or array (complete or cut by the end
    of the bytes looked at)."""
    s = text.decode("utf-8", "replace").lstrip(" \t\r\n")
    if not s.startswith(("{", "[")):
        return False
    try:
        json.JSONDecoder().raw_decode(s)
    except json.JSONDecodeError as exc:
        return exc.pos >= len(s.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
    except RecursionError:
        return True
    return True


def _json_lines(text: bytes, *, whole: bool, lines: int = 8) -> bool:
    """Whether the text may be JSON Lines: one of its first non-blank lines starts with
    ``{`` or is JSON values (a line that is not an object is a rejected row; text none
    of whose first lines is JSON is not JSON Lines at all).  Blank text is (no rows).
    ``whole``: the text is the whole input (else its last line may be cut)."""
    decoder = json.JSONDecoder()
    seen = 0
    rows = text.split(b"\n")
    for i, raw in enumerate(rows):
        s = raw.decode("utf-8", "replace").strip(" \t\r")
        if not s:
            continue
        if s.startswith("{"):
            return True
        if i == len(rows) - 1 and not whole:
            return True  # cut by the end of the bytes looked at: cannot tell
        if _json_values(decoder, s):
            return True
        seen += 1
        if seen >= lines:
            break
    return seen == 0


def _json_values(decoder: json.JSONDecoder, s: str) -> bool:
    """Whether the line is JSON values (one, or several concatenated)."""
    pos = 0
    while pos < len(s):
        try:
            _, pos = decoder.raw_decode(s, pos)
        except (json.JSONDecodeError, RecursionError):
            return False
        while pos < len(s) and s[pos] in " \t\r":
            pos += 1
    return True
