"""Every rule ``schemagen check`` reports, declared once (buf's ``bufcheck`` model).

A :class:`Rule` has a stable ID, the category its findings carry, a severity, one line
saying what it catches, and the check that finds it (a rule module under
:mod:`schemagen.evolution.formats`, or the engine itself).  :data:`RULES` is the one
list: ``[tool.schemagen.check]`` ignores are checked against it (:func:`known`), the
format modules derive their rule tables from it, the docs tables are tested against it
and every rule has a fixture folder ``tests/fixtures/check/<RULE_ID>/{old,new}``.

Categories group rules as in buf: ``AVRO``, ``THRIFT``, ``SQL``, ``PARQUET``, ``SCHEMA``
(the engine's rules), and protobuf's ``WIRE``/``WIRE_JSON``.  A protobuf rule belongs to
one or both of buf's categories (``groups``); its findings carry the least strict one
(``WIRE`` when the rule is in buf's ``WIRE`` category, else ``WIRE_JSON``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

from .model import Severity

Check: TypeAlias = Literal["avro", "thrift", "protobuf", "sql", "parquet", "engine"]
CHECKS: Final[tuple[Check, ...]] = ("avro", "thrift", "protobuf", "sql", "parquet", "engine")


@dataclass(frozen=True)
class Rule:
    """One rule: ``id`` (stable, used in reports and ignores), ``category`` (the one its
    findings carry), ``severity`` (``warning`` rules never fail a check), ``purpose``
    (what it catches), ``check`` (which rule module finds it; ``engine`` for the engine's
    own), ``groups`` (the categories it belongs to: buf's for protobuf, else
    ``{category}``)."""

    id: str
    category: str
    severity: Severity
    purpose: str
    check: Check
    groups: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        if not self.groups:
            object.__setattr__(self, "groups", frozenset({self.category}))


def _avro(id: str, purpose: str) -> Rule:
    return Rule(id, "AVRO", "error", purpose, "avro")


def _sql(id: str, purpose: str) -> Rule:
    return Rule(id, "SQL", "error", purpose, "sql")


def _thrift(id: str, severity: Severity, purpose: str) -> Rule:
    return Rule(id, "THRIFT", severity, purpose, "thrift")


_W: Final = frozenset({"WIRE"})
_J: Final = frozenset({"WIRE_JSON"})
_WJ: Final = frozenset({"WIRE", "WIRE_JSON"})


def _proto(id: str, groups: frozenset[str], purpose: str) -> Rule:
    category = "WIRE" if "WIRE" in groups else "WIRE_JSON"
    return Rule(id, category, "error", purpose, "protobuf", groups)


_DECLARED: Final[tuple[Rule, ...]] = (
    # Avro: org.apache.avro.SchemaCompatibility's incompatibility kinds
    _avro("AVRO_TYPE_MISMATCH", "the reader's type cannot read the writer's"),
    _avro("AVRO_READER_FIELD_MISSING_DEFAULT_VALUE",
          "a reader field has no match in the writer and no default"),
    _avro("AVRO_MISSING_ENUM_SYMBOLS",
          "the writer's enum has symbols the reader's lacks (and no default symbol)"),
    _avro("AVRO_MISSING_UNION_BRANCH", "a writer type has no readable reader union branch"),
    _avro("AVRO_FIXED_SIZE_MISMATCH", "a fixed (decimal-in-fixed, duration) changed size"),
    _avro("AVRO_NAME_MISMATCH",
          "a record or enum changed its name without an alias naming the old one"),
    # SQL: CREATE TABLE changes, column by column
    _sql("SQL_COLUMN_TYPE_WIDENED", "every old value fits the new column type"),
    _sql("SQL_COLUMN_TYPE_NARROWED", "every new value fits the old column type"),
    _sql("SQL_COLUMN_TYPE_CHANGED", "neither column type holds the other's values"),
    _sql("SQL_NOT_NULL_ADDED", "a column becomes NOT NULL: old rows may hold nulls"),
    _sql("SQL_NOT_NULL_REMOVED", "a NOT NULL column becomes nullable"),
    _sql("SQL_COLUMN_DROPPED", "a column is dropped"),
    _sql("SQL_COLUMN_ADDED_NOT_NULL", "a NOT NULL column without a DEFAULT is added"),
    _sql("SQL_ENUM_VALUES_CHANGED", "the values of an ENUM column type change"),
    # Thrift: field ids are the identity
    _thrift("THRIFT_FIELD_TYPE_CHANGED", "error",
            "a field id keeps its name but changes wire type"),
    _thrift("THRIFT_FIELD_ID_REUSED", "error",
            "a field id is reused by a field of another name and wire type"),
    _thrift("THRIFT_FIELD_ID_CHANGED", "error",
            "a field keeps its name but moves to another id"),
    _thrift("THRIFT_REQUIRED_ADDED", "error", "an existing field becomes required"),
    _thrift("THRIFT_REQUIRED_REMOVED", "error", "a required field becomes optional/default"),
    _thrift("THRIFT_REQUIRED_FIELD_ADDED", "error", "a new field is required"),
    _thrift("THRIFT_REQUIRED_FIELD_REMOVED", "error", "a required field is deleted"),
    _thrift("THRIFT_STRUCT_KIND_CHANGED", "error", "a struct becomes a union or back"),
    _thrift("THRIFT_ENUM_VALUE_REMOVED", "error",
            "an enum value (name and number) is deleted"),
    _thrift("THRIFT_ENUM_VALUE_NUMBER_CHANGED", "error",
            "an enum value keeps its name but not its number"),
    _thrift("THRIFT_UNION_FIELD_REMOVED", "error", "a member of a union is deleted"),
    _thrift("THRIFT_FIELD_RENAMED", "warning", "a field id keeps its type but changes name"),
    _thrift("THRIFT_FIELD_REMOVED", "warning", "an optional/default field is deleted"),
    _thrift("THRIFT_FIELD_DEFAULT_CHANGED", "warning", "a field's IDL default changes"),
    _thrift("THRIFT_ENUM_VALUE_RENAMED", "warning",
            "an enum number keeps its value but changes name"),
    _thrift("THRIFT_ENUM_VALUE_ADDED", "warning", "a new enum value"),
    _thrift("THRIFT_UNION_FIELD_ADDED", "warning", "a new member of a union"),
    # protobuf: buf's WIRE and WIRE_JSON rules (buf's v2 rule table, buf's IDs)
    _proto("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", _WJ,
           "a field is deleted without reserving its number"),
    _proto("FIELD_NO_DELETE_UNLESS_NAME_RESERVED", _J,
           "a field is deleted without reserving its name"),
    _proto("FIELD_WIRE_COMPATIBLE_TYPE", _W,
           "a field's type changes to one that is not wire compatible"),
    _proto("FIELD_WIRE_JSON_COMPATIBLE_TYPE", _J,
           "a field's type changes to one that is not wire and JSON compatible"),
    _proto("FIELD_SAME_TYPE", _WJ, "a message/enum/group field refers to another type"),
    _proto("FIELD_WIRE_COMPATIBLE_CARDINALITY", _W,
           "a field's cardinality changes incompatibly for the wire"),
    _proto("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", _J,
           "a field's cardinality changes incompatibly for the wire or JSON"),
    _proto("FIELD_SAME_ONEOF", _WJ, "a field moves into, out of or between oneofs"),
    _proto("FIELD_SAME_NAME", _J, "a field number changes name"),
    _proto("FIELD_SAME_JSON_NAME", _J, "a field's json_name changes"),
    _proto("FIELD_SAME_DEFAULT", _WJ, "a field's (proto2/editions) default value changes"),
    _proto("MESSAGE_SAME_REQUIRED_FIELDS", _WJ, "required fields are added or removed"),
    _proto("RESERVED_MESSAGE_NO_DELETE", _WJ,
           "reserved numbers or names of a message are released"),
    _proto("RESERVED_ENUM_NO_DELETE", _WJ, "reserved numbers or names of an enum are released"),
    _proto("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", _WJ,
           "an enum value is deleted without reserving its number"),
    _proto("ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", _J,
           "an enum value is deleted without reserving its name"),
    _proto("ENUM_VALUE_SAME_NAME", _J, "an enum number changes name"),
    _proto("FILE_SAME_PACKAGE", _WJ, "a file's package changes"),
    # every format
    Rule("PARQUET_UNREADABLE", "PARQUET", "error",
         "the generated reader of one version cannot read the Parquet files of the other",
         "parquet"),
    Rule("RECORD_NO_DELETE", "SCHEMA", "error",
         "a record of the old version is gone (and no new record has its name as an alias)",
         "engine"),
    Rule("RULES_NOT_AVAILABLE", "SCHEMA", "warning",
         "a format's rule module is missing from the installation", "engine"),
)

RULES: Final[dict[str, Rule]] = {r.id: r for r in _DECLARED}
CATEGORIES: Final[tuple[str, ...]] = tuple(dict.fromkeys(
    c for r in _DECLARED for c in sorted(r.groups)))


def of(check: Check) -> dict[str, Rule]:
    """The rules one check reports, in declaration order, by ID."""
    return {r.id: r for r in _DECLARED if r.check == check}


def known() -> dict[str, str]:
    """Every rule ID and category a check reports -> ``"rule"``/``"category"`` (what an
    ignore entry's ``rule`` may name)."""
    return {**dict.fromkeys(RULES, "rule"), **dict.fromkeys(CATEGORIES, "category")}


__all__ = ["CATEGORIES", "CHECKS", "RULES", "Check", "Rule", "known", "of"]
