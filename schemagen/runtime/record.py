"""What every generated record class carries: ``Record.__schemagen__``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

from .. import ir as _ir
from .native import accelerated, accelerated_read


class RecordInfo:
    """Runtime description of one generated record class.

    ``build_schema`` returns the Arrow schema (footer metadata included);
    ``to_batch(records, schema)`` and ``from_batch(batch)`` are the generated,
    type-specialised converters.
    """

    def __init__(
        self,
        cls: type,
        name: str,
        schema_json: str,
        build_schema: Callable[[], Any],
        to_batch: Callable[[Sequence[Any], Any], Any],
        from_batch: Callable[[Any], list[Any]],
    ) -> None:
        self.cls = cls
        self.name = name
        self.schema_json = schema_json
        self._build_schema = build_schema
        # the native column builders in front of the generated ones, where built
        self.to_batch = accelerated(cls, lambda: self.ir, to_batch)
        self.from_batch = accelerated_read(cls, lambda: self.ir, self.arrow_schema, from_batch)
        self._schema: Any = None

    def arrow_schema(self) -> Any:
        if self._schema is None:
            self._schema = self._build_schema()
        return self._schema

    @cached_property
    def ir(self) -> tuple[str, dict[str, _ir.Named]]:
        """(root name, every named type it reaches), parsed from the embedded JSON."""
        return _ir.schema_from_json(self.schema_json)

    @property
    def record(self) -> _ir.Record:
        root, types = self.ir
        rec = types[root]
        assert isinstance(rec, _ir.Record)
        return rec

    def __repr__(self) -> str:
        return f"<RecordInfo {self.name}>"


def info_of(cls: Any) -> RecordInfo:
    info = getattr(cls, "__schemagen__", None)
    if not isinstance(info, RecordInfo):
        from ..errors import UsageError

        raise UsageError(f"{cls!r} is not a schemagen-generated record class")
    return info
