"""The schema IR: the hub every front end produces and everything else consumes.

* :mod:`schemagen.ir.nodes`: the closed set of frozen type nodes, the value forms
  and the facts about them (integer bounds, decimal fit, time-unit ranks);
* :mod:`schemagen.ir.schema`: :class:`Field`, :class:`Record`, :class:`Enum`,
  :class:`Constant`, :class:`Module`, :class:`Schema` and the graph helpers;
* :mod:`schemagen.ir.serde`: the ``schemagen.schema`` JSON form;
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
from schemagen.ir.schema import (
    ONEOF_PREFIX,
    OPEN_ENUM,
    Constant,
    Enum,
    Field,
    Module,
    Named,
    Record,
    Schema,
    SourceLocation,
    closure,
    find_cycle,
    is_open_enum,
    oneof_groups,
)
from schemagen.ir.serde import (
    constant_from_json,
    named_from_json,
    named_to_json,
    record_schema_json,
    schema_from_json,
    type_from_json,
    type_to_json,
)

__all__ = [
    "NODES", "NO_DEFAULT", "ONEOF_PREFIX", "OPEN_ENUM", "PRIMITIVES", "UNITS", "Bool", "Bytes",
    "Constant", "Date", "Decimal", "Duration", "Enum", "EnumRef", "Field", "Fixed", "Float",
    "Form", "Int", "Interval", "IntervalValue", "Json", "List", "Map", "Module", "Named", "Null",
    "Nullable", "Record", "RecordRef", "Schema", "SourceLocation", "String", "Time", "TimeUnit",
    "Timestamp", "Type", "UnionValue", "Union_", "Uuid", "closure", "constant_from_json",
    "decimal_fits", "decimal_flba_size", "describe", "find_cycle", "has_pair_list",
    "is_frozenset", "is_open_enum", "kind", "named_from_json", "named_to_json", "oneof_groups",
    "python_hashable", "record_schema_json", "referenced_names", "schema_from_json",
    "strip_nullable", "type_from_json", "type_to_json", "unit_digits", "unit_rank",
]
