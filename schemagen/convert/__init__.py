"""``schemagen convert``: JSON Lines, JSON arrays, CSV and Avro files -> Parquet.

Values are cast to a generated record's types; rows that cannot be converted
go to a rejects sink (file, line, field path, reason, raw row), never dropped.

Two paths produce the same rows:

* the **fast path** (JSON Lines, CSV; ``fastcast``): a chunk of input is parsed by
  ``pyarrow.json`` (or Python's ``csv`` module into string columns) and cast
  column by column with ``pyarrow.compute``.  Every cast is conservative: a
  value it is not sure about (a string not in the exact grammar, an int out
  of range, a null in a required field, an unknown key ...) only marks its
  row as *doubtful*;
* the **per-row path** (the reference; ``coerce``) converts one parsed value at a
  time, builds generated record objects and lets the record's generated converter
  (``to_batch``) build the Arrow batch.  It decides every doubtful row: converted,
  or rejected with the field path and the reason.

Rows keep their input order.  Memory is bounded by the chunk size: input is
read ``chunk_bytes`` at a time and each converted batch goes straight to the
writer.  When pyarrow cannot parse a chunk at all (a key whose JSON kind
differs from what was expected, broken JSON), the kind is switched where the
record's type allows it (``"false"`` strings for a boolean) or the chunk is
split in halves until the bad lines are found and go through the per-row path.

Modules: ``sources/`` (one per input format, behind ``sources.base.Source``),
``plan`` (the per-record conversion plan), ``grammar`` (the value grammars),
``coerce`` (per-row), ``fastcast`` (vectorised casts), ``rejects``, ``pipeline``
(:func:`convert` and :class:`Converter`).
"""

from __future__ import annotations

from .coerce import coerce_row
from .pipeline import INPUT_FORMATS, Converter, ConvertResult, convert, input_format_of
from .plan import UnknownFields
from .rejects import Reject
from .sources.base import DEFAULT_CHUNK_BYTES, PER_ROW_BATCH, Source

__all__ = ["DEFAULT_CHUNK_BYTES", "INPUT_FORMATS", "PER_ROW_BATCH", "ConvertResult",
           "Converter", "Reject", "Source", "UnknownFields", "coerce_row", "convert",
           "input_format_of"]
