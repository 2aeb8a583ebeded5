"""Every error schemagen raises on purpose, and how it is printed.

Three families, each mapped to exit code 2 by the CLI (``cli/main.py``), which
prints the message and never a traceback:

* :class:`SchemaError` -- a schema file is invalid (``file:line:col: message``);
  the mapping errors (:class:`ParquetMappingError`, :class:`SqlMappingError`,
  :class:`AvroMappingError`) say that a valid schema has no form in a target.
* :class:`InputError` -- bad data: a file, a record or a row.  It carries the
  file, the line (or row), the field path and the value when they are known,
  and its message names them.  :class:`RecordError`, :class:`ReadError`,
  :class:`InspectError`, :class:`DamagedSnapshot` and :class:`JSONError` are
  input errors.
* :class:`UsageError` -- misuse of the API or the CLI (bad arguments, options
  that do not go together).

:func:`shorten` is the one helper that shortens a value for a message, and
:func:`counted` the one that words a count ("1 file", "1,500,000 rows").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .ir import SourceLocation

__all__ = [
    "AvroMappingError", "DamagedSnapshot", "InputError", "InspectError", "JSONError",
    "NotReadError", "ParquetMappingError", "ReadError", "RecordError", "RecordProblem",
    "SchemaError", "SchemaJSONError", "SchemaWarning", "SchemagenError", "SqlMappingError",
    "SyncerError", "UsageError", "counted", "shorten",
]


def shorten(value: object, limit: int = 60, *, render: Callable[[Any], str] = repr) -> str:
    """``render(value)`` (``repr`` by default), cut to at most ``limit`` characters.

    A cut text ends with ``...``.  Pass ``render=str`` for a text that is
    already rendered (it is then only cut).
    """
    text = render(value)
    if len(text) <= limit:
        return text
    if limit <= 3:
        return text[:limit]
    return text[: limit - 3] + "..."


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` with thousands separators and ``noun`` in the number it needs: ``counted(1,
    "file")`` is ``"1 file"``, ``counted(1_500_000, "row")`` is ``"1,500,000 rows"``
    (``plural``: when it is not ``noun + "s"``, e.g. ``"entries"``)."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


class SchemagenError(Exception):
    """Base class: the message is meant for the user, as is."""


# --------------------------------------------------------------------------- schemas


class SchemaError(SchemagenError):
    """A schema file is invalid.  ``str()`` is ``file:line:col: message``."""

    def __init__(
        self,
        message: str,
        file: str = "<schema>",
        line: int = 0,
        column: int = 0,
        path: str = "",
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        super().__init__(self.__str__())

    @classmethod
    def at(cls, loc: SourceLocation | None, message: str, path: str = "") -> SchemaError:
        if loc is None:
            return cls(message, path=path)
        return cls(message, loc.file, loc.line, loc.column, path)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        field = f" (at {self.path})" if self.path else ""
        return f"{where}: {self.message}{field}"


class SchemaJSONError(SchemaError, ValueError):
    """``schemagen.schema`` JSON (a Parquet footer, a snapshot, a generated module) holds a
    value that is not what the IR allows there.

    ``path`` is the JSON path of the value (``$.types[0].fields[2].type.utc``), ``value``
    the value itself and ``expected`` what the IR allows.  The JSON is untrusted (a
    foreign file's footer): nothing of it reaches generated code before it passes.
    """

    def __init__(self, path: str, value: object, expected: str,
                 file: str = "schemagen.schema") -> None:
        self.value = value
        self.expected = expected
        super().__init__(f"expected {expected}, got {shorten(value)}", file, path=path)


class SchemaWarning(UserWarning):
    """Something legal but lossy in a schema (e.g. an unknown Avro logical type)."""


class ParquetMappingError(SchemagenError):
    """An IR type has no Parquet representation (e.g. a recursive record)."""


class AvroMappingError(SchemagenError):
    """An IR schema that has no Avro form (e.g. a null-namespace type used from a namespace)."""


class SqlMappingError(SchemagenError):
    """An IR type has no SQL type in a dialect, or a SQL type has no IR type.

    ``message`` names the dialect and the type; ``path`` is where the type sits
    (column and nested field names), shown as `` (at a.b)``.
    """

    def __init__(self, message: str, path: Sequence[str] = ()) -> None:
        self.message = message
        self.path = tuple(p for p in path if p)
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message} (at {'.'.join(self.path)})" if self.path else self.message


# --------------------------------------------------------------------------- misuse


class UsageError(SchemagenError):
    """Bad arguments to the API or CLI."""


class SyncerError(UsageError):
    """A syncer URI, definition or configuration is wrong, or rows cannot be stored."""


class NotReadError(SchemagenError, AttributeError):
    """A field of a record from a projected read (``columns=``) that was not read.

    Such a record holds only the fields the projection selected; the others have no
    value at all (never a default that looks stored).  An ``AttributeError``, so
    ``hasattr(r, f)`` is False and ``getattr(r, f, None)`` works.  ``record`` is the
    record class name, ``field`` the Python field name, ``path`` the column path of
    the field from the root of the read, ``read`` the column paths of the fields this
    record holds.
    """

    def __init__(self, record: str, field: str, path: str, read: Sequence[str]) -> None:
        self.record, self.field, self.path, self.read = record, field, path, tuple(read)
        held = ", ".join(self.read) if self.read else "none of its fields"
        super().__init__(
            f"{record}.{field} was not read: this {record} comes from a read with columns= "
            f"that read only {held}; add {path!r} to columns= (or read without "
            "columns=) to get it"
        )


# --------------------------------------------------------------------------- bad data


_ABSENT: Final = object()  # InputError(value=...) not given (None is a value)


class InputError(SchemagenError):
    """Bad data: a file, record or row that does not fit what is expected.

    ``file``, ``line`` (a text position) or ``row`` (a record/row number),
    ``path`` (the field path) and ``value`` say where and what, when known;
    ``has_value`` tells a ``None`` value from no value.  The message names
    them: ``data.csv:3: row 2: field user.id: not an int (got 'x')``.
    Subclasses with their own message format set the attributes they know.
    """

    message: str = ""
    file: str | None = None
    line: int | None = None
    row: int | None = None
    path: str = ""
    value: object = None
    has_value: bool = False

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 row: int | None = None, path: str = "", value: object = _ABSENT) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.row = row
        self.path = path
        self.has_value = value is not _ABSENT
        self.value = None if value is _ABSENT else value
        super().__init__(self._text())

    def _text(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.path:
            parts.append(f"field {self.path}")
        got = f" (got {shorten(self.value)})" if self.has_value else ""
        return ": ".join([*parts, self.message]) + got


@dataclass
class RecordProblem:
    index: int
    path: str
    value: Any
    expected: str

    def __str__(self) -> str:
        return (f"record {self.index}: field {self.path}: got {shorten(self.value, 200)}, "
                f"expected {self.expected}")


class RecordError(InputError, ValueError):
    """One or more records do not fit their declared types; nothing was written.

    ``index`` (also ``row``), ``path`` and ``value`` are the first problem's; the
    message names the first one and says how many more ``problems`` holds.
    """

    def __init__(self, record_name: str, problems: list[RecordProblem]) -> None:
        self.record_name = record_name
        self.problems = problems
        first = problems[0] if problems else None
        self.index = first.index if first else -1
        self.row = first.index if first else None
        self.path = first.path if first else ""
        self.value = first.value if first else None
        self.has_value = first is not None
        head = f"invalid {record_name}: {first}" if first else f"invalid {record_name}"
        # the others are on the exception: say where (``except RecordError as e``)
        more = f" (and {len(problems) - 1} more: see e.problems)" if len(problems) > 1 else ""
        self.message = head + more
        Exception.__init__(self, self.message)


class ReadError(InputError):
    """A Parquet file cannot be read as the requested record type."""


class InspectError(ReadError):
    """One or more files cannot be inspected (each problem names its file)."""


class DamagedSnapshot(InputError, ValueError):
    """A snapshot version that does not describe a schema (hand-edited, truncated...)."""


class JSONError(InputError, ValueError):
    """Invalid JSON text; ``line`` and ``column`` are 1-based.  ``str()`` is ``line:column: message``."""

    line: int
    column: int

    def __init__(self, message: str, line: int, column: int) -> None:
        self.message = message
        self.line = line
        self.column = column
        Exception.__init__(self, f"{line}:{column}: {message}")
