"""The SQL dialect registry: the base class every dialect derives from, and lookup by name.

Modelled on sqlglot's dialect classes: each dialect is a :class:`SqlDialect`
subclass in its own module, :mod:`schemagen.sql.dialects.<name>`, and owns
everything schemagen knows about that engine:

* ``TO_SQL`` -- the *SQL type* facet, IR -> SQL: IR type key (``"int64"``,
  ``"decimal"``, ``"timestamp(ms, utc)"``, ``"list"`` ...; see :func:`ir_key`) ->
  :class:`ToSql` (a SQL type template such as ``"DECIMAL({precision}, {scale})"``)
  or :class:`Gap` (why the dialect has no such type);
* ``FROM_SQL`` -- SQL -> IR: SQL type name as the dialect spells it (``"BIGINT"``,
  ``"LONG"``, ``"TIMESTAMP WITH TIME ZONE"``) -> :class:`FromSql` (an IR type, or a
  function of the type's parameters) or :class:`Gap`;
* ``FILE_TYPES`` -- the *file column type* facet: where the engine reads a column
  of a Parquet file schemagen wrote as something other than the SQL type (the
  files lack an annotation, or the engine's table kind has no such column type),
  IR type key -> the type the DDL declares, with the reason
  (:meth:`SqlDialect.file_column_type`);
* ``EMITTER`` -- the DDL emitter (a :class:`schemagen.sql.ddl.DdlEmitter`
  subclass), or ``None`` when schemagen writes no DDL for the engine.

A dialect class defined in :mod:`schemagen.sql.dialects` registers itself by its
``name`` when it is created (``__init_subclass__``); :func:`dialect` looks one
up.  User dialects are registered explicitly with :func:`register_dialect`.

SQL type text is parsed with sqlglot (in the dialect, user-defined type names
allowed), so aliases that sqlglot normalises (``LONG`` and ``BIGINT`` in Spark,
``INT8`` and ``BIGINT`` in DuckDB) find the same entry.  Every missing mapping
is a :class:`SqlMappingError` naming the dialect and the type.

:func:`parquet_type` (from :mod:`schemagen.sql.parquet`) says how schemagen's
writer stores an IR type in Parquet, derived from the Arrow mapping.

Extending from user code::

    from schemagen import ir
    from schemagen.sql import registry as sql

    sql.dialect("postgres").register("CITEXT", ir.String())          # a custom type
    sql.register_dialect(MyDialect)                                 # a whole dialect

No front end or codegen knowledge here: the SQL front end
(:mod:`schemagen.frontends.sql`) and the DDL emitters (:mod:`schemagen.sql.ddl`)
both use this module.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, assert_never

from schemagen import ir
from schemagen.errors import SqlMappingError
from schemagen.sql.parquet import UNIT_WORDS, ParquetType, arrow_type_text, parquet_type

if TYPE_CHECKING:
    from schemagen.sql.ddl import DdlEmitter

__all__ = [
    "FromSql", "Gap", "ParquetType", "ReadContext", "SqlArgs", "SqlDialect", "SqlMappingError",
    "StructField", "ToSql", "dialect", "dialect_names", "ir_key", "ir_name", "ir_to_sql",
    "parquet_type", "register_dialect", "render_json", "render_markdown", "sql_to_ir",
    "reset", "type_table", "unit_for_digits", "unregister_dialect", "DIGITS",
]


# --------------------------------------------------------------------------- IR keys and names


def ir_key(t: ir.Type) -> str:  # noqa: C901 - one branch per node
    """The registry key of a (non-null) IR type: its kind plus the parameters that matter."""
    match t:
        case ir.Nullable(inner):
            return ir_key(inner)
        case ir.Bool():
            return "boolean"
        case ir.Int(bits, signed):
            return f"{'' if signed else 'u'}int{bits}"
        case ir.Float(bits):
            return f"float{bits}"
        case ir.Time(unit):
            return f"time({unit})"
        case ir.Timestamp(unit, utc):
            return f"timestamp({unit}, {'utc' if utc else 'local'})"
        case ir.Duration(unit):
            return f"duration({unit})"
        case ir.EnumRef():
            return "enum"
        case ir.RecordRef():
            return "record"
        case ir.Union_():
            return "union"
        case (ir.Null() | ir.String() | ir.Bytes() | ir.Fixed() | ir.Decimal() | ir.Date()
              | ir.Interval() | ir.Uuid() | ir.Json() | ir.List() | ir.Map()):
            return ir.kind(t)
        case _:
            assert_never(t)


def ir_name(t: ir.Type) -> str:
    """A short readable name of an IR type (``decimal(10, 2)``, ``list<int32>``...):
    :func:`schemagen.ir.describe` in its ``registry`` form."""
    return ir.describe(t, "registry")


# time units <-> fractional-second digits (TIMESTAMP(p), TIME(p))
DIGITS: Final[dict[str, int]] = {u: ir.unit_digits(u) for u in ir.UNITS}


def unit_for_digits(p: int, what: str = "precision") -> ir.TimeUnit:
    """The IR time unit holding ``p`` fractional-second digits (0 -> s, 1-3 -> ms ...)."""
    if p < 0 or p > 9:
        raise SqlMappingError(f"{what} {p}: fractional seconds must have 0 to 9 digits")
    if p == 0:
        return "s"
    if p <= 3:
        return "ms"
    if p <= 6:
        return "us"
    return "ns"


# --------------------------------------------------------------------------- table entries


@dataclass(frozen=True)
class Gap:
    """An explicit "no mapping", with the reason shown in errors and docs."""

    reason: str


@dataclass(frozen=True)
class ToSql:
    """IR -> SQL: a type template (or a function of the IR node) and a note.

    Template fields: ``{precision}``, ``{scale}``, ``{size}`` (fixed), ``{item}``
    (list), ``{key}``/``{value}`` (map), ``{fields}`` (record, union), ``{symbols}``
    (enum: the symbols as SQL string literals).
    """

    sql: str | Callable[[ir.Type], str]
    note: str = ""


# sentinels for the structural SQL types (handled by the reader itself)
LIST: Final = "list"
MAP: Final = "map"
STRUCT: Final = "struct"
ENUM: Final = "enum"


@dataclass(frozen=True)
class SqlArgs:
    """What a :class:`FromSql` function gets: the type's numeric parameters and text."""

    dialect: SqlDialect
    text: str
    params: tuple[int | None, ...]

    def param(self, i: int, default: int | None = None) -> int | None:
        return self.params[i] if i < len(self.params) and self.params[i] is not None else default


@dataclass(frozen=True)
class FromSql:
    """SQL -> IR: an IR type, a function of :class:`SqlArgs`, or a structural sentinel.

    ``example`` is the SQL text shown in the docs (with parameters), ``note``
    anything worth knowing.
    """

    ir: ir.Type | Callable[[SqlArgs], ir.Type] | str
    example: str = ""
    note: str = ""


ToSqlEntry = ToSql | Gap
FromSqlEntry = FromSql | Gap


@dataclass
class StructField:
    """One field of a SQL STRUCT/ROW type, converted (handed to :meth:`ReadContext.struct`)."""

    name: str
    type: ir.Type  # already wrapped in Nullable unless the field is NOT NULL
    doc: str = ""
    node: Any = None  # the sqlglot ColumnDef (for source positions)


class ReadContext:
    """Hooks for the named types a SQL type creates (STRUCT -> record, ENUM -> enum).

    ``path`` is where the type sits (``["column", "field", ...]``).  The
    default names them ``Struct``, ``Struct2``... in the null namespace; the
    SQL front end uses its own naming rule.
    """

    def __init__(self) -> None:
        self.types: dict[str, ir.Named] = {}

    def _fresh(self, base: str) -> str:
        name, i = base, 2
        while name in self.types:
            name, i = f"{base}{i}", i + 1
        return name

    def struct(self, fields: list[StructField], path: Sequence[str]) -> ir.Type:
        name = self._fresh("Struct")
        self.types[name] = ir.Record(
            name, tuple(ir.Field(f.name, f.type, doc=f.doc,
                                 default=None if isinstance(f.type, ir.Nullable) else ir.NO_DEFAULT)
                        for f in fields)
        )
        return ir.RecordRef(name)

    def enum(self, symbols: list[str], path: Sequence[str]) -> ir.Type:
        name = self._fresh("Enum")
        self.types[name] = ir.Enum(name, tuple(symbols))
        return ir.EnumRef(name)


# --------------------------------------------------------------------------- dialects


class SqlDialect:
    """A SQL dialect: how its type names map to IR types and back, how it reads the
    files schemagen writes, and its DDL.

    A subclass in :mod:`schemagen.sql.dialects` registers itself by ``name``; a user
    subclass (of this class or of a builtin dialect) is passed to
    :func:`register_dialect`.  Call :meth:`register` on a registered dialect to add
    one type.  Class tables are copied per instance, so registering never changes
    the class.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    sqlglot_dialect: ClassVar[str] = ""  # the sqlglot dialect that parses this SQL
    reference: ClassVar[str] = ""  # where the mapping comes from (docs URL)
    max_decimal_precision: ClassVar[int] = 38
    default_decimal: ClassVar[tuple[int, int] | None] = (38, 0)  # DECIMAL without parameters
    # how a struct field is written inside the record template's {fields}
    FIELD: ClassVar[str] = "{name} {type}"
    TO_SQL: ClassVar[dict[str, ToSqlEntry]] = {}
    FROM_SQL: ClassVar[dict[str, FromSqlEntry]] = {}
    # the file column type facet: IR key -> the type a column of schemagen's files is
    # declared as where the engine reads it as something other than TO_SQL's type
    FILE_TYPES: ClassVar[dict[str, ToSql]] = {}
    EMITTER: ClassVar[type[DdlEmitter] | None] = None  # the DDL of this engine
    # documentation only: how the engine reads Parquet types ((parquet, engine type), ...)
    PARQUET_READS: ClassVar[tuple[tuple[str, str], ...]] = ()
    NOTES: ClassVar[tuple[str, ...]] = ()
    # documentation only: what a test checked against the real engine, per IR key, and
    # which tests those are (CHECKED_BY); no entry: not checked against the engine
    CHECKED: ClassVar[dict[str, str]] = {}
    CHECKED_BY: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__ and cls.__module__.startswith(_BUILTIN_PACKAGE):
            _BUILTIN[cls.name] = cls

    def __init__(self) -> None:
        if not self.name or not self.sqlglot_dialect:
            raise TypeError(f"{type(self).__name__} needs a name and a sqlglot_dialect")
        self.to_sql_table: dict[str, ToSqlEntry] = dict(self.TO_SQL)
        self.from_sql_table: dict[str, FromSqlEntry] = {}
        self.file_types: dict[str, ToSql] = dict(self.FILE_TYPES)
        self.emitter: type[DdlEmitter] | None = self.EMITTER
        self._by_key: dict[str, tuple[str, FromSqlEntry]] = {}
        self._parse_dialect: Any = None
        for sql_name, entry in self.FROM_SQL.items():
            self._add(sql_name, entry)

    # ------------------------------------------------------------------ registration

    def register(self, sql_name: str, ir_type: ir.Type | Callable[[SqlArgs], ir.Type] | None,
                 *, write: bool = False, note: str = "", example: str = "") -> None:
        """Add (or replace) a SQL type name -> IR type mapping in this dialect.

        ``ir_type`` may be a function of :class:`SqlArgs` for parameterised
        types, or ``None`` to declare a gap.  With ``write=True`` the IR type
        (which must then be a type, not a function) is also written as
        ``sql_name`` by :meth:`to_sql`.
        """
        entry: FromSqlEntry = (
            Gap(note or f"{sql_name} has no schemagen type") if ir_type is None
            else FromSql(ir_type, example=example or sql_name, note=note)
        )
        self._add(sql_name, entry, replace=True)
        if write:
            if not isinstance(ir_type, ir.PRIMITIVES + (ir.Nullable,)):
                raise SqlMappingError("register(write=True) needs an IR type, not a function")
            self.to_sql_table[ir_key(ir_type)] = ToSql(sql_name, note)

    def register_ir(self, key: str, sql: str | Callable[[ir.Type], str] | None,
                    note: str = "") -> None:
        """Set how the IR type ``key`` (see :func:`ir_key`) is written (``None``: a gap)."""
        self.to_sql_table[key] = ToSql(sql, note) if sql is not None else Gap(note or "no mapping")

    def _add(self, sql_name: str, entry: FromSqlEntry, replace: bool = False) -> None:
        key = self.key_of(self.parse_type(sql_name))
        old = self._by_key.get(key)
        if old is not None and not replace and old[1] != entry:
            raise TypeError(
                f"{self.name}: SQL types {old[0]} and {sql_name} are the same type to sqlglot "
                f"({key}) but map differently"
            )
        if old is None or replace:
            self._by_key[key] = (sql_name, entry)
        self.from_sql_table[sql_name] = entry

    # ------------------------------------------------------------------ sqlglot

    @property
    def parse_dialect(self) -> Any:
        """The sqlglot dialect class used to parse this dialect (user-defined types allowed)."""
        if self._parse_dialect is None:
            from sqlglot.dialects.dialect import Dialect

            base = type(Dialect.get_or_raise(self.sqlglot_dialect))
            self._parse_dialect = type(
                f"Schemagen_{self.name}_{base.__name__}", (base,),
                {"SUPPORTS_USER_DEFINED_TYPES": True},
            )
        return self._parse_dialect

    def parse_type(self, text: str) -> Any:
        """Parse SQL type text into a sqlglot ``DataType`` (as a column type is parsed)."""
        import sqlglot
        from sqlglot import exp
        from sqlglot.errors import ParseError, TokenError

        problem = "not a single column type"
        try:
            with quiet_sqlglot():
                stmts = sqlglot.parse(f"CREATE TABLE t (c {text})", read=self.parse_dialect)
        except (ParseError, TokenError, ValueError) as exc:
            problem = _first_line(exc)
        else:
            schema = stmts[0].this if len(stmts) == 1 and stmts[0] is not None else None
            cols = schema.expressions if isinstance(schema, exp.Schema) else []
            if (len(cols) == 1 and isinstance(cols[0], exp.ColumnDef)
                    and isinstance(cols[0].args.get("kind"), exp.DataType)
                    and not cols[0].constraints):
                return cols[0].args["kind"]
        raise SqlMappingError(f"{self.name}: cannot parse SQL type {text!r}: {problem}")

    def key_of(self, dt: Any) -> str:
        """The lookup key of a sqlglot ``DataType`` (sqlglot's type name, or the UDT name)."""
        from sqlglot import exp

        this = dt.this
        if this == exp.DataType.Type.USERDEFINED:
            kind = dt.args.get("kind")
            return str(kind.name if isinstance(kind, exp.Expression) else kind).upper()
        if isinstance(this, exp.DataType.Type):
            return str(this.name)
        return str(dt.sql(dialect=self.sqlglot_dialect)).upper()

    def sql_text(self, dt: Any) -> str:
        return str(dt.sql(dialect=self.sqlglot_dialect))

    def quote(self, name: str) -> str:
        """``name`` as an identifier, quoted when it has to be (case, characters, keywords)."""
        from sqlglot import exp
        from sqlglot.dialects.dialect import Dialect

        tokenizer = Dialect.get_or_raise(self.sqlglot_dialect).tokenizer_class
        plain = re.fullmatch(r"[a-z_][a-z0-9_]*", name) and name.upper() not in tokenizer.KEYWORDS
        return str(exp.to_identifier(name, quoted=not plain).sql(dialect=self.sqlglot_dialect))

    def quote_always(self, name: str) -> str:
        from sqlglot import exp

        return str(exp.to_identifier(name, quoted=True).sql(dialect=self.sqlglot_dialect))

    def string_literal(self, text: str) -> str:
        from sqlglot import exp

        return str(exp.Literal.string(text).sql(dialect=self.sqlglot_dialect))

    # ------------------------------------------------------------------ SQL -> IR

    def to_ir(self, text_or_type: Any, ctx: ReadContext | None = None,
              path: Sequence[str] = (), text: str = "") -> ir.Type:
        """The IR type of SQL type text (or a parsed sqlglot ``DataType``).

        Nested types are nullable where SQL allows nulls: list items, map
        values and struct fields without ``NOT NULL``.  ``text`` is the type as
        written (for messages), when a parsed type is given.
        """
        ctx = ctx if ctx is not None else ReadContext()
        if isinstance(text_or_type, str):
            return self._read(self.parse_type(text_or_type), ctx, list(path),
                              text or text_or_type.strip())
        return self._read(text_or_type, ctx, list(path), text)

    def _read(self, dt: Any, ctx: ReadContext, path: list[str], text: str = "") -> ir.Type:
        from sqlglot import exp

        key = self.key_of(dt)
        found = self._by_key.get(key)
        if not text:
            if found is not None and not dt.expressions:
                text = found[0]  # the dialect's own spelling (HUGEINT, not INT128)
            elif found is not None:
                text = self.sql_text(dt)
            else:
                text = str(dt.sql())

        def err(message: str) -> SqlMappingError:
            return SqlMappingError(f"{self.name}: {message}", path)

        if found is None:
            raise err(
                f"no schemagen type for SQL type {text}; known types: "
                f"{', '.join(sorted(self.from_sql_table))} (a custom type can be added with "
                f"schemagen.sql.registry.dialect({self.name!r}).register(...))"
            )
        sql_name, entry = found
        if isinstance(entry, Gap):
            raise err(f"SQL type {text} has no schemagen type: {entry.reason}")
        kind = entry.ir
        subtypes = [e for e in dt.expressions if isinstance(e, exp.DataType)]
        if kind == LIST:
            if len(subtypes) != 1:
                raise err(f"{text} needs one element type")
            return ir.List(_nullable(self._read(subtypes[0], ctx, path)))
        if kind == MAP:
            if len(subtypes) != 2:
                raise err(f"{text} needs a key and a value type")
            key_t = self._read(subtypes[0], ctx, [*path, "key"])
            return ir.Map(key_t, _nullable(self._read(subtypes[1], ctx, path)))
        if kind == STRUCT:
            return ctx.struct(self._struct_fields(dt, ctx, path, text), path)
        if kind == ENUM:
            symbols = [e.name for e in dt.expressions if isinstance(e, exp.Literal)]
            if not symbols or len(set(symbols)) != len(symbols):
                raise err(f"{text} needs distinct symbols")
            return ctx.enum(symbols, path)
        if isinstance(kind, str):  # pragma: no cover - guarded by the sentinels above
            raise err(f"bad registry entry for {sql_name}")
        if callable(kind):
            params: list[int | None] = []
            for e in dt.expressions:
                if isinstance(e, exp.DataTypeParam):
                    v = e.this
                    params.append(int(v.name) if isinstance(v, exp.Literal) and v.is_int else None)
            try:
                return kind(SqlArgs(self, text, tuple(params)))
            except SqlMappingError as exc:
                raise err(f"{text}: {exc.message}") from None
        return kind

    def _struct_fields(self, dt: Any, ctx: ReadContext, path: list[str],
                       text: str) -> list[StructField]:
        from sqlglot import exp

        out: list[StructField] = []
        seen: set[str] = set()
        for e in dt.expressions:
            if not isinstance(e, exp.ColumnDef) or not isinstance(e.args.get("kind"), exp.DataType):
                raise SqlMappingError(f"{self.name}: every field of {text} needs a name and a type",
                                      path)
            name = e.name
            if name.lower() in seen:
                raise SqlMappingError(f"{self.name}: duplicate field {name!r} in {text}", path)
            seen.add(name.lower())
            t = self._read(e.args["kind"], ctx, [*path, name])
            required = any(isinstance(c.args.get("kind"), exp.NotNullColumnConstraint)
                           and not c.args["kind"].args.get("allow_null")
                           for c in e.constraints)
            doc = ""
            for c in e.constraints:
                if isinstance(c.args.get("kind"), exp.CommentColumnConstraint):
                    doc = c.args["kind"].this.name
            out.append(StructField(name, t if required else _nullable(t), doc, e))
        if not out:
            raise SqlMappingError(f"{self.name}: {text} has no fields", path)
        return out

    # ------------------------------------------------------------------ IR -> SQL

    def to_sql(self, t: ir.Type, types: Mapping[str, ir.Named] | None = None,
               override: Callable[[ir.Type], str | None] | None = None,
               path: str = "") -> str:
        """The SQL type text of IR type ``t`` (nullability is not part of a SQL type).

        ``types`` resolves record and enum references; ``override`` may
        replace the text of any node (see :meth:`file_column_type`).
        """
        types = types or {}
        inner, _ = ir.strip_nullable(t)
        if override is not None:
            replaced = override(inner)
            if replaced is not None:
                return replaced
        entry = self.to_sql_table.get(ir_key(inner))
        where = (path,) if path else ()
        if entry is None or isinstance(entry, Gap):
            reason = entry.reason if isinstance(entry, Gap) else "no mapping registered"
            raise SqlMappingError(
                f"{self.name}: no SQL type for IR type {ir_name(inner)}: {reason}", where)
        if callable(entry.sql):
            return entry.sql(inner)
        if isinstance(inner, ir.Decimal) and inner.precision > self.max_decimal_precision:
            raise SqlMappingError(
                f"{self.name}: no SQL type for IR type {ir_name(inner)}: "
                f"DECIMAL holds at most {self.max_decimal_precision} digits", where)

        def sub(x: ir.Type, step: str) -> str:
            return self.to_sql(x, types, override, f"{path}.{step}" if path else step)

        return entry.sql.format(**self._template_values(inner, types, sub, where))

    def _template_values(self, t: ir.Type, types: Mapping[str, ir.Named],
                         sub: Callable[[ir.Type, str], str],
                         where: tuple[str, ...]) -> dict[str, Any]:
        """The fields of a :class:`ToSql` template for node ``t`` (children via ``sub``)."""
        match t:
            case ir.Decimal(precision, scale):
                return {"precision": precision, "scale": scale}
            case ir.Fixed(size):
                return {"size": size}
            case ir.List(item):
                return {"item": sub(item, "element")}
            case ir.Map(key, value):
                return {"key": sub(key, "key"), "value": sub(value, "value")}
            case ir.RecordRef(name):
                rec = types.get(name)
                if not isinstance(rec, ir.Record):
                    raise SqlMappingError(f"{self.name}: unknown record {name}", where)
                if not rec.fields:
                    raise SqlMappingError(f"{self.name}: record {name} has no fields; SQL "
                                          "structs need at least one")
                return {"fields": self._fields([(f.name, sub(f.type, f.name))
                                                for f in rec.fields])}
            case ir.Union_(members):
                return {"fields": self._fields([(f"member{i}", sub(m, f"member{i}"))
                                                for i, m in enumerate(members)])}
            case ir.EnumRef(name):
                e = types.get(name)
                symbols = e.symbols if isinstance(e, ir.Enum) else ()
                return {"symbols": ", ".join(self.string_literal(s) for s in symbols)}
            case (ir.Nullable() | ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String()
                  | ir.Bytes() | ir.Date() | ir.Time() | ir.Timestamp() | ir.Duration()
                  | ir.Interval() | ir.Uuid() | ir.Json()):
                return {}
            case _:
                assert_never(t)

    # ------------------------------------------------------------------ the files

    def file_column_type(self, t: ir.Type, types: Mapping[str, ir.Named] | None = None,
                         path: str = "") -> str:
        """The type a column of IR type ``t`` in a Parquet file schemagen wrote is declared
        as in this engine's DDL: :meth:`to_sql`, except where ``FILE_TYPES`` says the
        engine reads the stored form (at any depth)."""
        return self.to_sql(t, types, self.file_override, path)

    def file_override(self, t: ir.Type) -> str | None:
        """``FILE_TYPES``' type of one (non-null) node, or ``None`` (the SQL type holds)."""
        entry = self.file_types.get(ir_key(t))
        if entry is None:
            return None
        return entry.sql(t) if callable(entry.sql) else entry.sql

    def file_note(self, nodes: Iterable[ir.Type]) -> str:
        """The reason the last ``FILE_TYPES`` entry (in table order) that applies to any of
        ``nodes`` gives, or ``""``."""
        keys = {ir_key(t) for t in nodes}
        note = ""
        for key, entry in self.file_types.items():
            if key in keys and entry.note:
                note = entry.note
        return note

    def _fields(self, fields: Iterable[tuple[str, str]]) -> str:
        return ", ".join(self.FIELD.format(name=self.quote(n), type=t) for n, t in fields)

    def __repr__(self) -> str:
        return f"<SQL dialect {self.name}>"


@contextmanager
def quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning for statements it keeps as raw commands; schemagen reports
    problems itself."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _nullable(t: ir.Type) -> ir.Type:
    return t if isinstance(t, ir.Nullable) else ir.Nullable(t)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- helpers for dialect tables


def decimal_from_sql(d: SqlArgs) -> ir.Type:
    """``DECIMAL(p, s)`` (or the dialect's default without parameters) as an IR decimal."""
    default = d.dialect.default_decimal
    p = d.param(0, default[0] if default else None)
    if p is None:
        raise SqlMappingError("DECIMAL/NUMERIC needs a precision here: write DECIMAL(p, s)")
    s = d.param(1, 0 if d.params else (default[1] if default else 0))
    assert s is not None
    limit = d.dialect.max_decimal_precision
    if not 1 <= p <= limit:
        raise SqlMappingError(f"precision {p} is outside 1..{limit}")
    if not 0 <= s <= p:
        raise SqlMappingError(f"scale {s} is outside 0..{p}")
    return ir.Decimal(p, s)


def timestamp_from_sql(default_digits: int, utc: bool) -> Callable[[SqlArgs], ir.Type]:
    def build(d: SqlArgs) -> ir.Type:
        p = d.param(0, default_digits)
        assert p is not None
        return ir.Timestamp(unit_for_digits(p), utc)

    return build


def time_from_sql(default_digits: int) -> Callable[[SqlArgs], ir.Type]:
    def build(d: SqlArgs) -> ir.Type:
        p = d.param(0, default_digits)
        assert p is not None
        return ir.Time(unit_for_digits(p))

    return build


def durations_as(sql: str) -> dict[str, ToSqlEntry]:
    """Durations of every unit as the count Parquet stores, written ``sql``."""
    return {
        f"duration({u})": ToSql(sql, f"Parquet has no duration type: the file holds the count of "
                                     f"{UNIT_WORDS[u]} (INT64)")
        for u in ir.UNITS
    }


def times_as_int(why: str, int32: str, int64: str) -> dict[str, ToSqlEntry]:
    """Times of day as the integer Parquet stores (for engines without a TIME type)."""
    return {
        f"time({u})": ToSql(int32 if u in ("s", "ms") else int64,
                            f"{why}: the {UNIT_WORDS['ms' if u == 's' else u]} since midnight "
                            f"the file stores")
        for u in ir.UNITS
    }


NULL_GAP: Final = Gap("SQL has no column type that only holds NULL")


# --------------------------------------------------------------------------- registration

# the builtin dialect classes by name, in the order their modules define them (filled by
# SqlDialect.__init_subclass__ while schemagen.sql.dialects is imported)
_BUILTIN_PACKAGE: Final = "schemagen.sql.dialects."
_BUILTIN: dict[str, type[SqlDialect]] = {}
_DIALECTS: dict[str, SqlDialect] = {}


def register_dialect(d: SqlDialect | type[SqlDialect]) -> SqlDialect:
    """Register (or replace) a dialect by its ``name``; returns the instance."""
    inst = d() if isinstance(d, type) else d
    if not re.fullmatch(r"[a-z][a-z0-9_]*", inst.name):
        raise SqlMappingError(f"dialect name {inst.name!r} must match [a-z][a-z0-9_]*")
    _ensure_builtin()
    _DIALECTS[inst.name] = inst
    return inst


def unregister_dialect(name: str) -> None:
    """Remove a dialect (a builtin one comes back, fresh, on :func:`reset`)."""
    _ensure_builtin()
    _DIALECTS.pop(name, None)


def reset() -> None:
    """Forget every registration: only the builtin dialects, with their builtin tables."""
    _DIALECTS.clear()
    _ensure_builtin()


def _ensure_builtin() -> None:
    if not _DIALECTS:
        import schemagen.sql.dialects  # noqa: F401 - defining the classes registers them

        for cls in _BUILTIN.values():
            inst = cls()
            _DIALECTS[inst.name] = inst


def dialect_names() -> list[str]:
    _ensure_builtin()
    return list(_DIALECTS)


def dialect(name: str | SqlDialect) -> SqlDialect:
    """The registered dialect ``name`` (case-insensitive); an error lists the known ones."""
    if isinstance(name, SqlDialect):
        return name
    _ensure_builtin()
    found = _DIALECTS.get(name.strip().lower())
    if found is None:
        raise SqlMappingError(
            f"unknown SQL dialect {name!r} (known: {', '.join(sorted(_DIALECTS))})"
        )
    return found


def sql_to_ir(text: str, dialect_name: str | SqlDialect = "drill",
              ctx: ReadContext | None = None) -> ir.Type:
    """The IR type of SQL type ``text`` in a dialect (named types go to ``ctx.types``)."""
    return dialect(dialect_name).to_ir(text, ctx)


def ir_to_sql(t: ir.Type, dialect_name: str | SqlDialect = "drill",
              types: Mapping[str, ir.Named] | None = None) -> str:
    """The SQL type text of IR type ``t`` in a dialect."""
    return dialect(dialect_name).to_sql(t, types)


# --------------------------------------------------------------------------- documentation


SAMPLE_TYPES: Final[dict[str, ir.Named]] = {
    "Point": ir.Record("Point", (ir.Field("x", ir.Float(64)), ir.Field("y", ir.Float(64)))),
    "Suit": ir.Enum("Suit", ("HEARTS", "SPADES")),
}


def sample_ir_types() -> list[ir.Type]:
    """One IR type per registry key (what the documentation tables list)."""
    out: list[ir.Type] = [
        ir.Null(), ir.Bool(),
        *(ir.Int(b, s) for s in (True, False) for b in (8, 16, 32, 64)),
        ir.Float(16), ir.Float(32), ir.Float(64), ir.String(), ir.Bytes(), ir.Fixed(16),
        ir.Decimal(9, 2), ir.Decimal(18, 4), ir.Decimal(38, 10), ir.Date(),
        *(ir.Time(u) for u in ir.UNITS),
        *(ir.Timestamp(u, utc) for utc in (True, False) for u in ir.UNITS),
        ir.Duration("us"), ir.Interval(), ir.Uuid(), ir.Json(), ir.EnumRef("Suit"),
        ir.List(ir.Int(32)), ir.Map(ir.String(), ir.Int(64)), ir.RecordRef("Point"),
        ir.Union_((ir.Int(32), ir.String())),
    ]
    return out


def _strip_all(t: ir.Type) -> ir.Type:
    """``t`` without nullability at any depth of lists and maps (and without set marks)."""
    inner, _ = ir.strip_nullable(t)
    match inner:
        case ir.List(item):
            return ir.List(_strip_all(item))
        case ir.Map(key, value):
            return ir.Map(_strip_all(key), _strip_all(value))
        case (ir.Nullable() | ir.Null() | ir.Bool() | ir.Int() | ir.Float() | ir.String()
              | ir.Bytes() | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
              | ir.Duration() | ir.Interval() | ir.Uuid() | ir.Json() | ir.EnumRef()
              | ir.RecordRef() | ir.Union_()):
            return inner
        case _:
            assert_never(inner)


def read_back(d: SqlDialect, t: ir.Type, types: Mapping[str, ir.Named]) -> tuple[str, ir.Type,
                                                                                 ReadContext]:
    """``(sql, ir_again, ctx)``: ``t`` written in dialect ``d`` and read back."""
    sql = d.to_sql(t, types)
    ctx = ReadContext()
    return sql, d.to_ir(sql, ctx), ctx


def same_type(a: ir.Type, a_types: Mapping[str, ir.Named], b: ir.Type,
              b_types: Mapping[str, ir.Named]) -> bool:
    """Structural equality of two IR types (named types compared by content, nulls ignored)."""
    a, b = _strip_all(a), _strip_all(b)
    match a, b:
        case ir.RecordRef(name_a), ir.RecordRef(name_b):
            ra, rb = a_types.get(name_a), b_types.get(name_b)
            if not isinstance(ra, ir.Record) or not isinstance(rb, ir.Record):
                return False
            return len(ra.fields) == len(rb.fields) and all(
                fa.name == fb.name and same_type(fa.type, a_types, fb.type, b_types)
                for fa, fb in zip(ra.fields, rb.fields))
        case ir.EnumRef(name_a), ir.EnumRef(name_b):
            ea, eb = a_types.get(name_a), b_types.get(name_b)
            return isinstance(ea, ir.Enum) and isinstance(eb, ir.Enum) and ea.symbols == eb.symbols
        case ir.List(item_a), ir.List(item_b):
            return same_type(item_a, a_types, item_b, b_types)
        case ir.Map(key_a, value_a), ir.Map(key_b, value_b):
            return (same_type(key_a, a_types, key_b, b_types)
                    and same_type(value_a, a_types, value_b, b_types))
        case _:  # leaves, or two different kinds
            return a == b


def _shape(t: ir.Type, types: Mapping[str, ir.Named]) -> str:
    """``ir_name`` with records spelled out (``record(x: float64, y: float64)``)."""
    inner, _ = ir.strip_nullable(t)
    match inner:
        case ir.RecordRef(name) if isinstance(rec := types.get(name), ir.Record):
            fields = ", ".join(f"{f.name}: {_shape(f.type, types)}" for f in rec.fields)
            return f"record({fields})"
        case _:
            return ir_name(inner)


def type_table(d: SqlDialect | str) -> dict[str, Any]:
    """The registry of one dialect as plain data (what ``--format json`` prints)."""
    d = dialect(d)
    rows: list[dict[str, Any]] = []
    for t in sample_ir_types():
        pq_t = parquet_type(t)
        row: dict[str, Any] = {
            "ir": ir_name(t),
            "parquet": {"physical": pq_t.physical, "logical": pq_t.logical, "note": pq_t.note},
            "arrow": arrow_type_text(t, SAMPLE_TYPES),
        }
        entry = d.to_sql_table.get(ir_key(t))
        row["checked"] = d.CHECKED.get(ir_key(t), "")
        try:
            sql, back, ctx = read_back(d, t, SAMPLE_TYPES)
        except SqlMappingError as exc:
            row["sql"] = None
            row["gap"] = entry.reason if isinstance(entry, Gap) else str(exc)
        else:
            row["sql"] = sql
            row["note"] = entry.note if isinstance(entry, ToSql) else ""
            if not same_type(back, ctx.types, t, SAMPLE_TYPES):
                row["reads_back_as"] = _shape(back, ctx.types)
        rows.append(row)
    reverse: list[dict[str, Any]] = []
    for sql_name, fentry in d.from_sql_table.items():
        if isinstance(fentry, Gap):
            reverse.append({"sql": sql_name, "ir": None, "gap": fentry.reason})
            continue
        example = fentry.example or sql_name
        ctx = ReadContext()
        try:
            t = d.to_ir(example, ctx)
        except SqlMappingError as exc:  # pragma: no cover - the builtin examples all parse
            reverse.append({"sql": example, "ir": None, "gap": str(exc)})
            continue
        pq_t = parquet_type(t)
        reverse.append({"sql": example, "ir": ir_name(t), "note": fentry.note,
                        "parquet": str(pq_t)})
    return {
        "dialect": d.name, "title": d.title, "reference": d.reference,
        "ir_to_sql": rows, "sql_to_ir": reverse,
        "parquet_reads": [{"parquet": a, "sql": b} for a, b in d.PARQUET_READS],
        "notes": list(d.NOTES), "checked_by": d.CHECKED_BY,
    }


def render_json(names: Sequence[str] | None = None) -> str:
    tables = [type_table(n) for n in (names or dialect_names())]
    data: Any = tables[0] if names and len(names) == 1 else tables
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if text else ""


ENGINES_RUN: Final = (
    "## The engines the tests run",
    "",
    "Each dialect's *checked against the engine* column says what a test checked against the "
    "real engine: DuckDB 2 (installed) and Spark 4.3 in local mode (a stock and a Hive-enabled "
    "session, `tests/e2e/engines/`, marked `spark`). Trino and Drill cannot run here: their DDL "
    "is parsed by sqlglot (`tests/unit/sql/test_ddl.py`, `test_partitions.py`) and their "
    "types follow their documented type tables (the Reference of each section). Polars reads "
    "every Avro-reachable type of the `any` and `spark` profiles and partitioned datasets "
    "with the right values (`tests/e2e/engines/test_spark_polars_read.py`, "
    "`test_partitioned.py`).",
    "",
    "fastparquet's own limits (facts of that reader, not schemagen defects; fastparquet is not "
    "installed here): it reads dates as `datetime64`, cuts trailing zero bytes from fixed-size "
    "binaries, and reads a `list<record>` column as `None`.",
)


def render_markdown(names: Sequence[str] | None = None) -> str:
    """The type-mapping document (``docs/type-mapping.md`` is this, for every dialect)."""
    names = list(names or dialect_names())
    out: list[str] = []
    full = len(names) == len(dialect_names()) and set(names) == set(dialect_names())
    if full:
        out += [
            "# SQL type mapping",
            "",
            "<!-- Generated from schemagen/sql/dialects/ by `schemagen sql --types`; "
            "do not edit. -->",
            "",
            "schemagen keeps one registry of SQL types per dialect (`schemagen/sql/dialects/"
            "<name>.py`, registered by `schemagen/sql/registry.py`). "
            "It is used both ways: `.sql` schemas are read through it (SQL -> IR), "
            "`schemagen sql` writes DDL through it (IR -> SQL), and this page is generated "
            "from it (`schemagen sql --types > docs/type-mapping.md`; a test fails when this "
            "file is stale).",
            "",
            "Nullability is not part of a SQL type: top-level columns are `NOT NULL` when the "
            "field is required; list items, map values and struct fields read from SQL are "
            "nullable unless declared `NOT NULL` (struct fields only).",
            "",
            "## IR -> Parquet (what schemagen writes)",
            "",
            "| IR type | Parquet physical | annotation | Arrow | note |",
            "|---|---|---|---|---|",
        ]
        for t in sample_ir_types():
            p = parquet_type(t)
            out.append(f"| {_code(ir_name(t))} | {_code(p.physical)} | {_code(p.logical)} | "
                       f"{_code(arrow_type_text(t, SAMPLE_TYPES))} | {_cell(p.note)} |")
        out += ["", "Sample named types: `record Point` is `STRUCT(x DOUBLE, y DOUBLE)`, "
                    "`enum Suit` has the symbols `HEARTS`, `SPADES`.", "", *ENGINES_RUN, ""]
    for n in names:
        table = type_table(n)
        out += [f"## {table['title']} (`{table['dialect']}`)", ""]
        if table["reference"]:
            out += [f"Reference: <{table['reference']}>", ""]
        for note in table["notes"]:
            out += [f"* {note}"]
        if table["notes"]:
            out.append("")
        if table["checked_by"]:
            out += [f"Checked against the engine: {table['checked_by']}", ""]
        out += [f"### IR -> {table['dialect']}", "",
                "| IR type | SQL type | reads back as | Parquet | note | checked against the "
                "engine |", "|---|---|---|---|---|---|"]
        for row in table["ir_to_sql"]:
            pq_text = row["parquet"]["physical"] + (
                f" ({row['parquet']['logical']})" if row["parquet"]["logical"] else "")
            checked = _cell(row["checked"]) or "no"
            if row["sql"] is None:
                out.append(f"| {_code(row['ir'])} | **no mapping** | | {_code(pq_text)} | "
                           f"{_cell(row['gap'])} | {checked} |")
            else:
                out.append(f"| {_code(row['ir'])} | {_code(row['sql'])} | "
                           f"{_code(row.get('reads_back_as', ''))} | {_code(pq_text)} | "
                           f"{_cell(row['note'])} | {checked} |")
        out += ["", f"### {table['dialect']} -> IR", "",
                "| SQL type | IR type | Parquet | note |", "|---|---|---|---|"]
        for row in table["sql_to_ir"]:
            if row["ir"] is None:
                out.append(f"| {_code(row['sql'])} | **no mapping** | | {_cell(row['gap'])} |")
            else:
                out.append(f"| {_code(row['sql'])} | {_code(row['ir'])} | "
                           f"{_code(row['parquet'])} | {_cell(row['note'])} |")
        if table["parquet_reads"]:
            out += ["", f"### What {table['title']} reads from Parquet", "",
                    "| Parquet type (annotation) | engine type |", "|---|---|"]
            for row in table["parquet_reads"]:
                out.append(f"| {_cell(row['parquet'])} | {_cell(row['sql'])} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
