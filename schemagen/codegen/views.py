"""What the templates see: one frozen dataclass per template object.

Every string field holds Python source that is already safe (sanitised identifiers,
``repr`` literals, checked docstrings): the templates only place it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MemberView:  # one enum member: ``name = value`` and its docstring ("" for none)
    name: str
    value: str
    doc: str


@dataclass(frozen=True, slots=True)
class NumbersView:
    """An enum with numeric values: the constant mapping symbols to numbers both ways."""

    const: str
    by_symbol: str  # "'A': 1, 'B': 2"
    by_number: str  # "1: 'A', 2: 'B'"


@dataclass(frozen=True, slots=True)
class EnumView:
    name: str
    doc: str
    members: tuple[MemberView, ...]
    default: str | None  # the member unknown symbols read as
    open: bool  # numbers without a symbol read as pseudo-members
    numbers: NumbersView | None


@dataclass(frozen=True, slots=True)
class FactoryView:  # a module-level ``def name() -> returns:`` with an indented body
    name: str
    returns: str
    body: str


@dataclass(frozen=True, slots=True)
class FieldView:
    py_name: str
    annotation: str
    default: str  # "" or " = <source>"
    doc: str


@dataclass(frozen=True, slots=True)
class WhichView:
    """A ``which()``-style method: the wire name of the member that is set."""

    method: str
    doc: str  # the method's docstring literal ("" for a union record's own which())
    members: tuple[tuple[str, str], ...]  # (Python name, repr of the wire name)


@dataclass(frozen=True, slots=True)
class RecordView:
    name: str
    full_name: str
    doc: str
    fields: tuple[FieldView, ...]
    union_members: WhichView | None  # a union record's which()
    oneofs: tuple[WhichView, ...]
    schema_const: str
    schema_json: str
    error: str | None  # repr of why the record has no Parquet form, else None
    arrow_fields: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()  # (repr of key, source of value)
    writer: str = ""  # body of _sg_write_<name>
    reader: str = ""  # body of _sg_read_<name>


@dataclass(frozen=True, slots=True)
class ConstantView:
    name: str
    annotation: str
    value: str
    doc: str
    factory: FactoryView | None  # built by a function when it needs another module's classes


@dataclass(frozen=True, slots=True)
class BodyView:
    """Everything below the module header."""

    enums: tuple[EnumView, ...]
    shared: tuple[str, ...]  # module-level constants and defs the writers share
    factories: tuple[FactoryView, ...]
    records: tuple[RecordView, ...]
    constants: tuple[ConstantView, ...]


@dataclass(frozen=True, slots=True)
class ModuleView:
    """The header of a module; ``body`` is rendered first (the header needs its imports)."""

    version: str
    abi: int
    sources: tuple[str, ...]
    module_doc: str
    stdlib: tuple[str, ...]
    runtime: str | None
    type_checking: tuple[str, ...]
    exported: tuple[str, ...]
    body: str
