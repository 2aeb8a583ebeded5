"""The schema IR: the hub every front end produces and everything else consumes.

* :mod:`schemagen.ir.nodes`: the closed set of frozen type nodes, the value forms
  and the facts about them (integer bounds, decimal fit, time-unit ranks);
* :mod:`schemagen.ir.schema`: :class:`Field`, :class:`Record`, :class:`Enum`,
  :class:`Constant`, :class:`Module`, :class:`Schema` and the graph helpers;
* :mod:`schemagen.ir.origin`: typed per-format facts only that format's rules read;
* :mod:`schemagen.ir.keys`: every remaining ``metadata`` key (docs and tools only);
* :mod:`schemagen.ir.serde`: the ``schemagen.schema`` JSON form (old JSON is mapped to
  the typed facets by :mod:`schemagen.ir.legacy`; every value read is checked by
  :mod:`schemagen.ir.jsoncheck`);
* :mod:`schemagen.ir.describe`: the one printer of IR types.

Everything is re-exported here: ``from schemagen import ir; ir.Record(...)``.
No pyarrow here: this package must stay importable by every layer.
"""

from schemagen.ir.describe import Form, describe
from schemagen.ir.nodes import (
    NO_DEFAULT,
    NODES,
    PRIMITIVES,
    UNITS,
    Bool,
    Bytes,
    Date,
    Decimal,
    Duration,
    EnumRef,
    Fixed,
    Float,
    Int,
    Interval,
    IntervalValue,
    Json,
    List,
    Map,
    Null,
    Nullable,
    RecordRef,
    String,
    Time,
    Timestamp,
    TimeUnit,
    Type,
    Union_,
    UnionValue,
    Uuid,
    decimal_fits,
    decimal_flba_size,
    has_pair_list,
    is_frozenset,
    kind,
    python_hashable,
    referenced_names,
    strip_nullable,
    unit_digits,
    unit_rank,
)
from schemagen.ir.origin import Origin, ProtobufOrigin, SqlOrigin, ThriftOrigin
from schemagen.ir.schema import (
    MAX_NAME_BYTES,
    MAX_NAMESPACE_PARTS,
    MAX_NESTING,
    Constant,
    Enum,
    Field,
    Module,
    Named,
    Oneof,
    Presence,
    Record,
    Schema,
    SourceLocation,
    closure,
    find_cycle,
    is_open_enum,
    name_problem,
    nesting_problem,
    oneof_groups,
)
from schemagen.ir.serde import (
    constant_from_json,
    named_from_json,
    named_to_json,
    origin_from_json,
    origin_to_json,
    record_schema_json,
    schema_from_json,
    type_from_json,
    type_to_json,
)

__all__ = [
    "MAX_NAMESPACE_PARTS", "MAX_NAME_BYTES", "MAX_NESTING", "NODES", "NO_DEFAULT", "PRIMITIVES", "UNITS", "Bool", "Bytes",
    "Constant", "Date", "Decimal", "Duration", "Enum", "EnumRef", "Field", "Fixed", "Float",
    "Form", "Int", "Interval", "IntervalValue", "Json", "List", "Map", "Module", "Named", "Null",
    "Nullable", "Oneof", "Origin", "Presence", "ProtobufOrigin", "Record", "RecordRef", "Schema",
    "SourceLocation", "SqlOrigin", "String", "ThriftOrigin", "Time", "TimeUnit",
    "Timestamp", "Type", "UnionValue", "Union_", "Uuid", "closure", "constant_from_json",
    "decimal_fits", "decimal_flba_size", "describe", "find_cycle", "has_pair_list",
    "is_frozenset", "is_open_enum", "kind", "name_problem", "named_from_json", "nesting_problem", "named_to_json", "oneof_groups",
    "origin_from_json", "origin_to_json", "python_hashable", "record_schema_json",
    "referenced_names", "schema_from_json",
    "strip_nullable", "type_from_json", "type_to_json", "unit_digits", "unit_rank",
]
