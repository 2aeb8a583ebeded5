"""Every error schemagen raises on purpose, and how it is printed.

Schema errors name ``file:line:col``; record errors name the record index,
the field path, the offending value and what was expected.  The CLI turns any
:class:`SchemagenError` into exit code 2 with its message (no traceback).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .ir import SourceLocation


class SchemagenError(Exception):
    """Base class: the message is meant for the user, as is."""


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


class SchemaWarning(UserWarning):
    """Something legal but lossy in a schema (e.g. an unknown Avro logical type)."""


class ParquetMappingError(SchemagenError):
    """An IR type has no Parquet representation (e.g. a recursive record)."""


class UsageError(SchemagenError):
    """Bad arguments to the API or CLI."""


@dataclass
class RecordProblem:
    index: int
    path: str
    value: Any
    expected: str

    def __str__(self) -> str:
        shown = repr(self.value)
        if len(shown) > 200:
            shown = shown[:197] + "..."
        return f"record {self.index}: field {self.path}: got {shown}, expected {self.expected}"


class RecordError(SchemagenError, ValueError):
    """One or more records do not fit their declared types; nothing was written."""

    def __init__(self, record_name: str, problems: list[RecordProblem]) -> None:
        self.record_name = record_name
        self.problems = problems
        first = problems[0] if problems else None
        self.index = first.index if first else -1
        self.path = first.path if first else ""
        self.value = first.value if first else None
        head = f"invalid {record_name}: {first}" if first else f"invalid {record_name}"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(head + more)


class ReadError(SchemagenError):
    """A Parquet file cannot be read as the requested record type."""
