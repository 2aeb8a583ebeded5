"""The SQL type registry: IR <-> SQL type text per dialect, and IR -> Parquet/Arrow.

Modelled on sqlglot's dialect classes: each dialect is a :class:`SqlDialect`
subclass with two tables,

* ``TO_SQL``: IR type key (``"int64"``, ``"decimal"``, ``"timestamp(ms, utc)"``,
  ``"list"`` ...; see :func:`ir_key`) -> :class:`ToSql` (a SQL type template
  such as ``"DECIMAL({precision}, {scale})"``) or :class:`Gap` (why the
  dialect has no such type);
* ``FROM_SQL``: SQL type name as the dialect spells it (``"BIGINT"``,
  ``"LONG"``, ``"TIMESTAMP WITH TIME ZONE"``) -> :class:`FromSql` (an IR type,
  or a function of the type's parameters) or :class:`Gap`.

SQL type text is parsed with sqlglot (in the dialect, user-defined type names
allowed), so aliases that sqlglot normalises (``LONG`` and ``BIGINT`` in Spark,
``INT8`` and ``BIGINT`` in DuckDB) find the same entry.  Every missing mapping
is a :class:`SqlMappingError` naming the dialect and the type.

:func:`parquet_type` says how schemagen's writer stores an IR type in Parquet
(physical type + annotation), honestly: where pyarrow cannot write an
annotation (ENUM, INTERVAL, JSON) it says what the file gets instead.

Extending from user code::

    from schemagen import ir
    from schemagen.typemap import sql

    sql.dialect("postgres").register("CITEXT", ir.String())          # a custom type
    sql.register_dialect(MyDialect)                                 # a whole dialect

No front end or codegen knowledge here: the SQL front end
(:mod:`schemagen.frontends.sql`) and the DDL emitter (:mod:`schemagen.sql.ddl`)
both use this module.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from schemagen import ir
from schemagen.errors import SqlMappingError

__all__ = [
    "FromSql", "Gap", "ParquetType", "ReadContext", "SqlArgs", "SqlDialect", "SqlMappingError",
    "StructField", "ToSql", "dialect", "dialect_names", "ir_key", "ir_name", "ir_to_sql",
    "parquet_type", "register_dialect", "render_json", "render_markdown", "sql_to_ir",
    "reset", "type_table", "unit_for_digits", "unregister_dialect", "DIGITS",
]


# --------------------------------------------------------------------------- IR keys and names


def ir_key(t: ir.Type) -> str:  # noqa: C901 - one branch per node
    """The registry key of a (non-null) IR type: its kind plus the parameters that matter."""
    if isinstance(t, ir.Nullable):
        return ir_key(t.inner)
    if isinstance(t, ir.Null):
        return "null"
    if isinstance(t, ir.Bool):
        return "boolean"
    if isinstance(t, ir.Int):
        return f"{'' if t.signed else 'u'}int{t.bits}"
    if isinstance(t, ir.Float):
        return f"float{t.bits}"
    if isinstance(t, ir.Time):
        return f"time({t.unit})"
    if isinstance(t, ir.Timestamp):
        return f"timestamp({t.unit}, {'utc' if t.utc else 'local'})"
    if isinstance(t, ir.Duration):
        return f"duration({t.unit})"
    simple = {
        ir.String: "string", ir.Bytes: "bytes", ir.Fixed: "fixed", ir.Decimal: "decimal",
        ir.Date: "date", ir.Interval: "interval", ir.Uuid: "uuid", ir.Json: "json",
        ir.EnumRef: "enum", ir.RecordRef: "record", ir.List: "list", ir.Map: "map",
        ir.Union_: "union",
    }
    for cls, key in simple.items():
        if isinstance(t, cls):
            return key
    raise SqlMappingError(f"not an IR type: {t!r}")


def ir_name(t: ir.Type) -> str:
    """A short readable name of an IR type (``decimal(10, 2)``, ``list<int32>``...)."""
    if isinstance(t, ir.Nullable):
        return f"{ir_name(t.inner)} | null"
    if isinstance(t, ir.Fixed):
        return f"fixed({t.size})"
    if isinstance(t, ir.Decimal):
        return f"decimal({t.precision}, {t.scale})"
    if isinstance(t, ir.EnumRef):
        return f"enum {t.name}"
    if isinstance(t, ir.RecordRef):
        return f"record {t.name}"
    if isinstance(t, ir.List):
        return f"list<{ir_name(t.item)}>"
    if isinstance(t, ir.Map):
        return f"map<{ir_name(t.key)}, {ir_name(t.value)}>"
    if isinstance(t, ir.Union_):
        return f"union<{', '.join(ir_name(m) for m in t.members)}>"
    return ir_key(t)


# time units <-> fractional-second digits (TIMESTAMP(p), TIME(p))
DIGITS: Final[dict[str, int]] = {"s": 0, "ms": 3, "us": 6, "ns": 9}


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
    """A SQL dialect: how its type names map to IR types and back.

    Subclass it (or an existing dialect) and pass the class to
    :func:`register_dialect`; or call :meth:`register` on a registered
    dialect to add one type.  Class tables are copied per instance, so
    registering never changes the class.
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
    # documentation only: how the engine reads Parquet types ((parquet, engine type), ...)
    PARQUET_READS: ClassVar[tuple[tuple[str, str], ...]] = ()
    NOTES: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        if not self.name or not self.sqlglot_dialect:
            raise TypeError(f"{type(self).__name__} needs a name and a sqlglot_dialect")
        self.to_sql_table: dict[str, ToSqlEntry] = dict(self.TO_SQL)
        self.from_sql_table: dict[str, FromSqlEntry] = {}
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
        replace the text of any node (used by the DDL emitter).
        """
        types = types or {}
        inner, _ = ir.strip_nullable(t)
        if override is not None:
            replaced = override(inner)
            if replaced is not None:
                return replaced
        key = ir_key(inner)
        entry = self.to_sql_table.get(key)
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

        values: dict[str, Any] = {}
        if isinstance(inner, ir.Decimal):
            values = {"precision": inner.precision, "scale": inner.scale}
        elif isinstance(inner, ir.Fixed):
            values = {"size": inner.size}
        elif isinstance(inner, ir.List):
            values = {"item": sub(inner.item, "element")}
        elif isinstance(inner, ir.Map):
            values = {"key": sub(inner.key, "key"), "value": sub(inner.value, "value")}
        elif isinstance(inner, ir.RecordRef):
            rec = types.get(inner.name)
            if not isinstance(rec, ir.Record):
                raise SqlMappingError(f"{self.name}: unknown record {inner.name}", where)
            if not rec.fields:
                raise SqlMappingError(f"{self.name}: record {inner.name} has no fields; SQL "
                                      "structs need at least one")
            values = {"fields": self._fields([(f.name, sub(f.type, f.name)) for f in rec.fields])}
        elif isinstance(inner, ir.Union_):
            values = {"fields": self._fields(
                [(f"member{i}", sub(m, f"member{i}")) for i, m in enumerate(inner.members)])}
        elif isinstance(inner, ir.EnumRef):
            e = types.get(inner.name)
            symbols = e.symbols if isinstance(e, ir.Enum) else ()
            values = {"symbols": ", ".join(self.string_literal(s) for s in symbols)}
        return entry.sql.format(**values)

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


# --------------------------------------------------------------------------- parameter helpers


def _decimal(d: SqlArgs) -> ir.Type:
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


def _timestamp(default_digits: int, utc: bool) -> Callable[[SqlArgs], ir.Type]:
    def build(d: SqlArgs) -> ir.Type:
        p = d.param(0, default_digits)
        assert p is not None
        return ir.Timestamp(unit_for_digits(p), utc)

    return build


def _time(default_digits: int) -> Callable[[SqlArgs], ir.Type]:
    def build(d: SqlArgs) -> ir.Type:
        p = d.param(0, default_digits)
        assert p is not None
        return ir.Time(unit_for_digits(p))

    return build


def _durations(sql: str) -> dict[str, ToSqlEntry]:
    return {
        f"duration({u})": ToSql(sql, f"Parquet has no duration type: the file holds the count of "
                                     f"{_UNIT_WORDS[u]} (INT64)")
        for u in ir.UNITS
    }


def _time_as_int(why: str, int32: str, int64: str) -> dict[str, ToSqlEntry]:
    """Times of day as the integer Parquet stores (for engines without a TIME type)."""
    return {
        f"time({u})": ToSql(int32 if u in ("s", "ms") else int64,
                            f"{why}: the {_UNIT_WORDS['ms' if u == 's' else u]} since midnight "
                            f"the file stores")
        for u in ir.UNITS
    }


_UNIT_WORDS: Final = {"s": "seconds", "ms": "milliseconds", "us": "microseconds",
                      "ns": "nanoseconds"}

_NULL_GAP: Final = Gap("SQL has no column type that only holds NULL")


# --------------------------------------------------------------------------- the dialects


class Drill(SqlDialect):
    """Apache Drill: the table in Drill's Parquet documentation, and what Drill reads."""

    name = "drill"
    title = "Apache Drill"
    sqlglot_dialect = "drill"
    reference = "https://drill.apache.org/docs/parquet-format/"
    TO_SQL = {
        "null": _NULL_GAP,
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("INTEGER", "Drill reads INT_8 as INTEGER (no TINYINT in Drill SQL)"),
        "int16": ToSql("INTEGER", "Drill reads INT_16 as INTEGER (SMALLINT is not supported)"),
        "int32": ToSql("INTEGER"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("BIGINT", "Drill reads UINT_8 as UINT4, which SQL cannot name; "
                                 "the view casts it to BIGINT"),
        "uint16": ToSql("BIGINT", "Drill reads UINT_16 as UINT4; the view casts it to BIGINT"),
        "uint32": ToSql("BIGINT", "Drill reads UINT_32 as UINT4; the view casts it to BIGINT"),
        "uint64": Gap("Drill reads UINT_64 as UINT8, which has no SQL name and no lossless cast"),
        "float16": Gap("Drill cannot read Parquet FLOAT16 (it sees a 2-byte VARBINARY)"),
        "float32": ToSql("FLOAT"),
        "float64": ToSql("DOUBLE"),
        "string": ToSql("VARCHAR"),
        "bytes": ToSql("VARBINARY"),
        "fixed": ToSql("VARBINARY", "the size is not part of the SQL type"),
        "decimal": ToSql("DECIMAL({precision}, {scale})"),
        "date": ToSql("DATE"),
        "time(s)": ToSql("TIME", "stored as TIME(MILLIS)"),
        "time(ms)": ToSql("TIME", "pyarrow writes TIME(MILLIS) without the legacy TIME_MILLIS "
                                  "converted type, so Drill sees INTEGER; the view applies TO_TIME"),
        "time(us)": ToSql("TIME", "Drill TIME holds milliseconds: microseconds are truncated"),
        "time(ns)": Gap("Drill TIME holds milliseconds and Drill cannot read TIME(NANOS)"),
        "timestamp(s, utc)": ToSql("TIMESTAMP", "stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, utc)": ToSql("TIMESTAMP"),
        "timestamp(us, utc)": ToSql("TIMESTAMP", "Drill TIMESTAMP holds milliseconds"),
        "timestamp(ns, utc)": Gap("Drill cannot read TIMESTAMP(NANOS) (no converted type: "
                                  "it sees BIGINT) and its TIMESTAMP holds milliseconds"),
        "timestamp(s, local)": ToSql("TIMESTAMP", "local timestamps have no converted type: Drill "
                                                  "sees BIGINT; the view applies TO_TIMESTAMP"),
        "timestamp(ms, local)": ToSql("TIMESTAMP", "local timestamps have no converted type: Drill "
                                                   "sees BIGINT; the view applies TO_TIMESTAMP"),
        "timestamp(us, local)": ToSql("TIMESTAMP", "Drill sees BIGINT; the view applies "
                                                   "TO_TIMESTAMP (milliseconds kept)"),
        "timestamp(ns, local)": Gap("Drill cannot read TIMESTAMP(NANOS) and its TIMESTAMP holds "
                                    "milliseconds"),
        **_durations("BIGINT"),
        "interval": ToSql("INTERVAL", "Drill reads annotated INTERVAL columns as INTERVAL, but "
                                      "schemagen's files lack the annotation: Drill sees "
                                      "VARBINARY"),
        "uuid": Gap("Drill has no UUID type"),
        "json": ToSql("VARCHAR", "the JSON text"),
        "enum": ToSql("VARCHAR", "the symbol"),
        "list": ToSql("ARRAY<{item}>"),
        "map": ToSql("MAP<{key}, {value}>", "Drill 1.17+ reads Parquet MAP as DICT"),
        "record": ToSql("STRUCT<{fields}>", "Drill's STRUCT (formerly MAP)"),
        "union": ToSql("STRUCT<{fields}>", "schemagen's union layout: optional member0..N"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8), note="not a Drill SQL type; accepted"),
        "SMALLINT": FromSql(ir.Int(16), note="not supported by Drill SQL; accepted"),
        "INTEGER": FromSql(ir.Int(32)),
        "BIGINT": FromSql(ir.Int(64)),
        "FLOAT": FromSql(ir.Float(32)),
        "REAL": FromSql(ir.Float(32)),
        "DOUBLE": FromSql(ir.Float(64)),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "Drill stores CHAR as VARCHAR"),
        "VARBINARY": FromSql(ir.Bytes()),
        "BINARY": FromSql(ir.Bytes()),
        "DECIMAL": FromSql(_decimal, "DECIMAL(10, 2)", "default DECIMAL(38, 0)"),
        "DATE": FromSql(ir.Date()),
        "TIME": FromSql(ir.Time("ms")),
        "TIMESTAMP": FromSql(ir.Timestamp("ms", utc=True), note=(
            "TIMESTAMP_MILLIS, which Parquet defines as adjusted to UTC (Python: aware datetime)")),
        "INTERVAL": FromSql(ir.Interval()),
        "INTERVALDAY": FromSql(ir.Interval(), note="Drill's internal day-time interval"),
        "INTERVALYEAR": FromSql(ir.Interval(), note="Drill's internal year-month interval"),
        "ARRAY": FromSql(LIST, "ARRAY<INTEGER>"),
        "MAP": FromSql(MAP, "MAP<VARCHAR, INTEGER>"),
        "STRUCT": FromSql(STRUCT, "STRUCT<a INTEGER>"),
    }
    PARQUET_READS = (
        ("BOOLEAN", "BOOLEAN"),
        ("INT32", "INTEGER"),
        ("INT32 (INT_8, INT_16, INT_32)", "INTEGER"),
        ("INT32 (UINT_8, UINT_16, UINT_32)", "UINT4 (no SQL name: CAST to BIGINT)"),
        ("INT64", "BIGINT"),
        ("INT64 (INT_64)", "BIGINT"),
        ("INT64 (UINT_64)", "UINT8 (no SQL name)"),
        ("INT96", "VARBINARY(12); TIMESTAMP with store.parquet.reader.int96_as_timestamp, "
                  "or CONVERT_FROM(col, 'TIMESTAMP_IMPALA')"),
        ("FLOAT", "FLOAT"),
        ("DOUBLE", "DOUBLE"),
        ("BYTE_ARRAY", "VARBINARY"),
        ("BYTE_ARRAY (UTF8, ENUM)", "VARCHAR"),
        ("FIXED_LEN_BYTE_ARRAY", "VARBINARY"),
        ("FIXED_LEN_BYTE_ARRAY(12) (INTERVAL)", "INTERVAL"),
        ("INT32 / INT64 / FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY (DECIMAL)", "DECIMAL (VARDECIMAL)"),
        ("INT32 (DATE)", "DATE"),
        ("INT32 (TIME_MILLIS)", "TIME"),
        ("INT64 (TIME_MICROS)", "TIME"),
        ("INT64 (TIMESTAMP_MILLIS, TIMESTAMP_MICROS)", "TIMESTAMP"),
        ("annotations without a legacy converted type (local TIME/TIMESTAMP, NANOS, UUID, "
         "FLOAT16)", "the physical type (INTEGER, BIGINT, VARBINARY)"),
    )
    NOTES = (
        "Drill reads Parquet *converted types* (the legacy annotations) only. pyarrow writes "
        "them for UTC timestamps in ms/us but not for local timestamps or times, which Drill "
        "therefore sees as integers: `schemagen sql --dialect drill` emits a view that "
        "converts them (TO_TIME, TO_TIMESTAMP).",
        "`SMALLINT` and `TINYINT` are accepted in `.sql` schemas but Drill itself reads 8- and "
        "16-bit Parquet integers as INTEGER.",
    )


class DuckDB(SqlDialect):
    name = "duckdb"
    title = "DuckDB"
    sqlglot_dialect = "duckdb"
    reference = "https://duckdb.org/docs/data/parquet/overview"
    default_decimal = (18, 3)
    TO_SQL = {
        "null": ToSql('"NULL"', "DuckDB's type of a column that only holds NULL"),
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("TINYINT"),
        "int16": ToSql("SMALLINT"),
        "int32": ToSql("INTEGER"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("UTINYINT"),
        "uint16": ToSql("USMALLINT"),
        "uint32": ToSql("UINTEGER"),
        "uint64": ToSql("UBIGINT"),
        "float16": ToSql("FLOAT", "DuckDB reads FLOAT16 as FLOAT"),
        "float32": ToSql("FLOAT"),
        "float64": ToSql("DOUBLE"),
        "string": ToSql("VARCHAR"),
        "bytes": ToSql("BLOB"),
        "fixed": ToSql("BLOB", "the size is not part of the SQL type"),
        "decimal": ToSql("DECIMAL({precision}, {scale})"),
        "date": ToSql("DATE"),
        "time(s)": ToSql("TIME", "stored as TIME(MILLIS)"),
        "time(ms)": ToSql("TIME"),
        "time(us)": ToSql("TIME"),
        "time(ns)": ToSql("TIME_NS"),
        "timestamp(s, local)": ToSql("TIMESTAMP_S", "stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, local)": ToSql("TIMESTAMP_MS"),
        "timestamp(us, local)": ToSql("TIMESTAMP"),
        "timestamp(ns, local)": ToSql("TIMESTAMP_NS"),
        "timestamp(s, utc)": ToSql("TIMESTAMPTZ"),
        "timestamp(ms, utc)": ToSql("TIMESTAMPTZ"),
        "timestamp(us, utc)": ToSql("TIMESTAMPTZ"),
        "timestamp(ns, utc)": ToSql("TIMESTAMPTZ", "TIMESTAMPTZ holds microseconds: "
                                                   "nanoseconds are truncated"),
        **_durations("BIGINT"),
        "interval": ToSql("INTERVAL", "schemagen's files lack the INTERVAL annotation: DuckDB "
                                      "reads the column as a 12-byte BLOB"),
        "uuid": ToSql("UUID"),
        "json": ToSql("JSON"),
        "enum": ToSql("ENUM({symbols})"),
        "list": ToSql("{item}[]"),
        "map": ToSql("MAP({key}, {value})"),
        "record": ToSql("STRUCT({fields})"),
        "union": ToSql("STRUCT({fields})", "schemagen's union layout: optional member0..N"),
    }
    FROM_SQL = {
        '"NULL"': FromSql(ir.Null()),
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8)),
        "SMALLINT": FromSql(ir.Int(16)),
        "INTEGER": FromSql(ir.Int(32)),
        "BIGINT": FromSql(ir.Int(64)),
        "HUGEINT": Gap("128-bit integers have no Parquet type; use DECIMAL(38, 0)"),
        "UTINYINT": FromSql(ir.Int(8, signed=False)),
        "USMALLINT": FromSql(ir.Int(16, signed=False)),
        "UINTEGER": FromSql(ir.Int(32, signed=False)),
        "UBIGINT": FromSql(ir.Int(64, signed=False)),
        "UINT8": FromSql(ir.Int(8, signed=False), note="alias of UTINYINT"),
        "UINT16": FromSql(ir.Int(16, signed=False), note="alias of USMALLINT"),
        "UINT32": FromSql(ir.Int(32, signed=False), note="alias of UINTEGER"),
        "UINT64": FromSql(ir.Int(64, signed=False), note="alias of UBIGINT"),
        "UHUGEINT": Gap("128-bit integers have no Parquet type"),
        "FLOAT": FromSql(ir.Float(32)),
        "DOUBLE": FromSql(ir.Float(64)),
        "VARCHAR": FromSql(ir.String()),
        "CHAR": FromSql(ir.String()),
        "BLOB": FromSql(ir.Bytes()),
        "DECIMAL": FromSql(_decimal, "DECIMAL(10, 2)", "default DECIMAL(18, 3)"),
        "DATE": FromSql(ir.Date()),
        "TIME": FromSql(ir.Time("us")),
        "TIME_NS": FromSql(ir.Time("ns")),
        "TIMETZ": Gap("time with time zone has no Parquet type"),
        "TIMESTAMP_S": FromSql(ir.Timestamp("s", utc=False)),
        "TIMESTAMP_MS": FromSql(ir.Timestamp("ms", utc=False)),
        "TIMESTAMP": FromSql(ir.Timestamp("us", utc=False)),
        "TIMESTAMP_NS": FromSql(ir.Timestamp("ns", utc=False)),
        "TIMESTAMPTZ": FromSql(ir.Timestamp("us", utc=True)),
        "INTERVAL": FromSql(ir.Interval(), note="Parquet INTERVAL keeps milliseconds; DuckDB "
                                                "intervals have microseconds"),
        "UUID": FromSql(ir.Uuid()),
        "JSON": FromSql(ir.Json()),
        "BIT": Gap("bit strings have no Parquet type"),
        "UNION": Gap("a DuckDB UNION has named members, which schemagen unions do not keep; "
                     "use a STRUCT"),
        "ENUM": FromSql(ENUM, "ENUM('a', 'b')"),
        "ARRAY": FromSql(LIST, "INTEGER[]", "also LIST; a fixed size (INTEGER[3]) is not kept"),
        "LIST": FromSql(LIST, "LIST(INTEGER)"),
        "MAP": FromSql(MAP, "MAP(VARCHAR, INTEGER)"),
        "STRUCT": FromSql(STRUCT, "STRUCT(a INTEGER)"),
    }
    PARQUET_READS = (
        ("INT32 (INT_8 / INT_16 / UINT_8 / UINT_16 / UINT_32)",
         "TINYINT / SMALLINT / UTINYINT / USMALLINT / UINTEGER"),
        ("INT64 (UINT_64)", "UBIGINT"),
        ("FIXED_LEN_BYTE_ARRAY(2) (FLOAT16)", "FLOAT"),
        ("FIXED_LEN_BYTE_ARRAY (DECIMAL, precision > 38)", "DOUBLE"),
        ("INT32 / INT64 (TIME)", "TIME (TIME_NS for NANOS)"),
        ("INT64 (TIMESTAMP, local)", "TIMESTAMP (TIMESTAMP_NS for NANOS)"),
        ("INT64 (TIMESTAMP, UTC)", "TIMESTAMP WITH TIME ZONE"),
        ("FIXED_LEN_BYTE_ARRAY(16) (UUID)", "UUID"),
        ("FIXED_LEN_BYTE_ARRAY(12) without annotation", "BLOB"),
    )


class Spark(SqlDialect):
    name = "spark"
    title = "Apache Spark SQL"
    sqlglot_dialect = "spark"
    reference = "https://spark.apache.org/docs/latest/sql-ref-datatypes.html"
    default_decimal = (10, 0)
    FIELD = "{name}: {type}"
    TO_SQL = {
        "null": _NULL_GAP,
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("TINYINT"),
        "int16": ToSql("SMALLINT"),
        "int32": ToSql("INT"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("SMALLINT", "Spark reads UINT_8 as SMALLINT"),
        "uint16": ToSql("INT", "Spark reads UINT_16 as INT"),
        "uint32": ToSql("BIGINT", "Spark reads UINT_32 as BIGINT"),
        "uint64": ToSql("DECIMAL(20, 0)", "Spark reads UINT_64 as DECIMAL(20, 0)"),
        "float16": Gap("Spark has no half-precision float"),
        "float32": ToSql("FLOAT"),
        "float64": ToSql("DOUBLE"),
        "string": ToSql("STRING"),
        "bytes": ToSql("BINARY"),
        "fixed": ToSql("BINARY", "the size is not part of the SQL type"),
        "decimal": ToSql("DECIMAL({precision}, {scale})"),
        "date": ToSql("DATE"),
        **_time_as_int("Spark SQL has no TIME type", "INT", "BIGINT"),
        "timestamp(s, utc)": ToSql("TIMESTAMP", "stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, utc)": ToSql("TIMESTAMP"),
        "timestamp(us, utc)": ToSql("TIMESTAMP"),
        "timestamp(ns, utc)": Gap("Spark cannot read TIMESTAMP(NANOS) (only as BIGINT with "
                                  "spark.sql.legacy.parquet.nanosAsLong)"),
        "timestamp(s, local)": ToSql("TIMESTAMP_NTZ", "Spark 3.4+; stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, local)": ToSql("TIMESTAMP_NTZ", "Spark 3.4+"),
        "timestamp(us, local)": ToSql("TIMESTAMP_NTZ", "Spark 3.4+"),
        "timestamp(ns, local)": Gap("Spark cannot read TIMESTAMP(NANOS)"),
        **_durations("BIGINT"),
        "interval": Gap("Spark cannot read Parquet INTERVAL (months, days, milliseconds)"),
        "uuid": Gap("Spark SQL has no UUID type"),
        "json": ToSql("STRING", "the JSON text"),
        "enum": ToSql("STRING", "the symbol"),
        "list": ToSql("ARRAY<{item}>"),
        "map": ToSql("MAP<{key}, {value}>"),
        "record": ToSql("STRUCT<{fields}>"),
        "union": ToSql("STRUCT<{fields}>", "schemagen's union layout: optional member0..N"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8), note="also BYTE"),
        "SMALLINT": FromSql(ir.Int(16), note="also SHORT"),
        "INT": FromSql(ir.Int(32), note="also INTEGER"),
        "BIGINT": FromSql(ir.Int(64), note="also LONG"),
        "FLOAT": FromSql(ir.Float(32), note="also REAL"),
        "DOUBLE": FromSql(ir.Float(64)),
        "DECIMAL": FromSql(_decimal, "DECIMAL(10, 2)", "also DEC, NUMERIC; default DECIMAL(10, 0)"),
        "STRING": FromSql(ir.String()),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "the length is not kept"),
        "BINARY": FromSql(ir.Bytes()),
        "DATE": FromSql(ir.Date()),
        "TIMESTAMP": FromSql(ir.Timestamp("us", utc=True), note="an instant"),
        "TIMESTAMP_LTZ": FromSql(ir.Timestamp("us", utc=True), note="alias of TIMESTAMP"),
        "TIMESTAMP_NTZ": FromSql(ir.Timestamp("us", utc=False)),
        "INTERVAL YEAR TO MONTH": Gap("Spark stores year-month intervals as INT32 months, which "
                                      "schemagen has no type for"),
        "INTERVAL DAY TO SECOND": Gap("Spark stores day-time intervals as INT64 microseconds, "
                                      "which schemagen has no type for"),
        "VARIANT": Gap("VARIANT has no schemagen type"),
        "ARRAY": FromSql(LIST, "ARRAY<INT>"),
        "MAP": FromSql(MAP, "MAP<STRING, INT>"),
        "STRUCT": FromSql(STRUCT, "STRUCT<a: INT>"),
    }


class Hive(SqlDialect):
    name = "hive"
    title = "Apache Hive"
    sqlglot_dialect = "hive"
    reference = "https://cwiki.apache.org/confluence/display/Hive/LanguageManual+Types"
    default_decimal = (10, 0)
    FIELD = "{name}: {type}"
    TO_SQL = {
        **Spark.TO_SQL,
        "uint8": ToSql("SMALLINT", "Hive has no unsigned types: widened"),
        "uint16": ToSql("INT", "Hive has no unsigned types: widened"),
        "uint32": ToSql("BIGINT", "Hive has no unsigned types: widened"),
        "uint64": Gap("Hive has no unsigned types and no lossless type for UINT_64"),
        "float16": Gap("Hive has no half-precision float"),
        **_time_as_int("Hive has no TIME type", "INT", "BIGINT"),
        "timestamp(s, utc)": ToSql("TIMESTAMP", "Hive's TIMESTAMP has no time zone: instants "
                                                "are shown in the session time zone"),
        "timestamp(ms, utc)": ToSql("TIMESTAMP", "Hive's TIMESTAMP has no time zone: instants "
                                                 "are shown in the session time zone"),
        "timestamp(us, utc)": ToSql("TIMESTAMP", "Hive's TIMESTAMP has no time zone: instants "
                                                 "are shown in the session time zone"),
        "timestamp(ns, utc)": Gap("Hive reads INT64 timestamps in MILLIS and MICROS only"),
        "timestamp(s, local)": ToSql("TIMESTAMP", "stored as TIMESTAMP(MILLIS)"),
        "timestamp(ms, local)": ToSql("TIMESTAMP"),
        "timestamp(us, local)": ToSql("TIMESTAMP"),
        "timestamp(ns, local)": Gap("Hive reads INT64 timestamps in MILLIS and MICROS only"),
        "interval": Gap("Hive has no INTERVAL column type"),
        "uuid": Gap("Hive has no UUID type"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8)),
        "SMALLINT": FromSql(ir.Int(16)),
        "INT": FromSql(ir.Int(32), note="also INTEGER"),
        "BIGINT": FromSql(ir.Int(64)),
        "FLOAT": FromSql(ir.Float(32)),
        "DOUBLE": FromSql(ir.Float(64), note="also DOUBLE PRECISION"),
        "DECIMAL": FromSql(_decimal, "DECIMAL(10, 2)", "also NUMERIC; default DECIMAL(10, 0)"),
        "STRING": FromSql(ir.String()),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "the length is not kept"),
        "BINARY": FromSql(ir.Bytes()),
        "DATE": FromSql(ir.Date()),
        "TIMESTAMP": FromSql(ir.Timestamp("us", utc=False), note="a local date-time"),
        "TIMESTAMPLTZ": Gap("TIMESTAMP WITH LOCAL TIME ZONE cannot be stored in Parquet tables"),
        "ARRAY": FromSql(LIST, "ARRAY<INT>"),
        "MAP": FromSql(MAP, "MAP<STRING, INT>"),
        "STRUCT": FromSql(STRUCT, "STRUCT<a: INT>"),
    }
    NOTES = (
        "Hive 4 reads INT64 timestamps (MILLIS, MICROS); Hive 3 and earlier expect INT96.",
        "UNIONTYPE is not supported (and cannot be parsed).",
    )


def _trino_time(unit: str) -> str:
    return f"TIME({DIGITS[unit]})"


class Trino(SqlDialect):
    name = "trino"
    title = "Trino"
    sqlglot_dialect = "trino"
    reference = "https://trino.io/docs/current/language/types.html"
    TO_SQL = {
        "null": _NULL_GAP,
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("TINYINT"),
        "int16": ToSql("SMALLINT"),
        "int32": ToSql("INTEGER"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("SMALLINT", "Trino has no unsigned types: widened"),
        "uint16": ToSql("INTEGER", "Trino has no unsigned types: widened"),
        "uint32": ToSql("BIGINT", "Trino has no unsigned types: widened"),
        "uint64": Gap("Trino has no unsigned types and no lossless type for UINT_64"),
        "float16": Gap("Trino has no half-precision float"),
        "float32": ToSql("REAL"),
        "float64": ToSql("DOUBLE"),
        "string": ToSql("VARCHAR"),
        "bytes": ToSql("VARBINARY"),
        "fixed": ToSql("VARBINARY", "the size is not part of the SQL type"),
        "decimal": ToSql("DECIMAL({precision}, {scale})"),
        "date": ToSql("DATE"),
        **{f"time({u})": ToSql(_trino_time(u), "Hive connector tables declare the stored integer")
           for u in ir.UNITS},
        **{f"timestamp({u}, local)": ToSql(f"TIMESTAMP({DIGITS[u]})") for u in ir.UNITS},
        **{f"timestamp({u}, utc)": ToSql(f"TIMESTAMP({DIGITS[u]}) WITH TIME ZONE",
                                         "Hive connector tables declare it TIMESTAMP(p)")
           for u in ir.UNITS},
        **_durations("BIGINT"),
        "interval": Gap("Trino intervals are either DAY TO SECOND or YEAR TO MONTH, never "
                        "months, days and milliseconds together"),
        "uuid": ToSql("UUID", "Hive connector tables declare it VARBINARY"),
        "json": ToSql("JSON", "Hive connector tables declare it VARCHAR"),
        "enum": ToSql("VARCHAR", "the symbol"),
        "list": ToSql("ARRAY({item})"),
        "map": ToSql("MAP({key}, {value})"),
        "record": ToSql("ROW({fields})"),
        "union": ToSql("ROW({fields})", "schemagen's union layout: optional member0..N"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "TINYINT": FromSql(ir.Int(8)),
        "SMALLINT": FromSql(ir.Int(16)),
        "INTEGER": FromSql(ir.Int(32), note="also INT"),
        "BIGINT": FromSql(ir.Int(64)),
        "REAL": FromSql(ir.Float(32)),
        "DOUBLE": FromSql(ir.Float(64)),
        "DECIMAL": FromSql(_decimal, "DECIMAL(10, 2)", "default DECIMAL(38, 0)"),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "the length is not kept"),
        "VARBINARY": FromSql(ir.Bytes()),
        "DATE": FromSql(ir.Date()),
        "TIME": FromSql(_time(3), "TIME(6)", "p digits: 0 -> s, 1-3 -> ms, 4-6 -> us, 7-9 -> ns"),
        "TIMETZ": Gap("time with time zone has no Parquet type"),
        "TIMESTAMP": FromSql(_timestamp(3, utc=False), "TIMESTAMP(6)", "default TIMESTAMP(3)"),
        "TIMESTAMP WITH TIME ZONE": FromSql(_timestamp(3, utc=True),
                                            "TIMESTAMP(6) WITH TIME ZONE", "an instant"),
        "INTERVAL YEAR TO MONTH": Gap("no schemagen type holds only months"),
        "INTERVAL DAY TO SECOND": Gap("no schemagen type for Trino's day-time interval"),
        "UUID": FromSql(ir.Uuid()),
        "JSON": FromSql(ir.Json()),
        "ARRAY": FromSql(LIST, "ARRAY(INTEGER)"),
        "MAP": FromSql(MAP, "MAP(VARCHAR, INTEGER)"),
        "ROW": FromSql(STRUCT, "ROW(a INTEGER)"),
    }
    NOTES = (
        "DDL targets the Hive connector, which has no TIMESTAMP WITH TIME ZONE, UUID, JSON or "
        "TIME column types: `schemagen sql --dialect trino` declares those columns "
        "TIMESTAMP(p), VARBINARY, VARCHAR and INTEGER/BIGINT (the stored time of day).",
    )


class Postgres(SqlDialect):
    name = "postgres"
    title = "PostgreSQL"
    sqlglot_dialect = "postgres"
    reference = "https://www.postgresql.org/docs/current/datatype.html"
    max_decimal_precision = 1000
    default_decimal = None
    TO_SQL = {
        "null": _NULL_GAP,
        "boolean": ToSql("BOOLEAN"),
        "int8": ToSql("SMALLINT", "PostgreSQL has no 1-byte integer: widened"),
        "int16": ToSql("SMALLINT"),
        "int32": ToSql("INTEGER"),
        "int64": ToSql("BIGINT"),
        "uint8": ToSql("SMALLINT", "widened"),
        "uint16": ToSql("INTEGER", "widened"),
        "uint32": ToSql("BIGINT", "widened"),
        "uint64": ToSql("NUMERIC(20, 0)", "widened"),
        "float16": ToSql("REAL", "widened"),
        "float32": ToSql("REAL"),
        "float64": ToSql("DOUBLE PRECISION"),
        "string": ToSql("TEXT"),
        "bytes": ToSql("BYTEA"),
        "fixed": ToSql("BYTEA", "the size is not part of the SQL type"),
        "decimal": ToSql("NUMERIC({precision}, {scale})"),
        "date": ToSql("DATE"),
        "time(s)": ToSql("TIME(0)"),
        "time(ms)": ToSql("TIME(3)"),
        "time(us)": ToSql("TIME"),
        "time(ns)": Gap("PostgreSQL times hold microseconds"),
        "timestamp(s, local)": ToSql("TIMESTAMP(0)"),
        "timestamp(ms, local)": ToSql("TIMESTAMP(3)"),
        "timestamp(us, local)": ToSql("TIMESTAMP"),
        "timestamp(ns, local)": Gap("PostgreSQL timestamps hold microseconds"),
        "timestamp(s, utc)": ToSql("TIMESTAMPTZ(0)"),
        "timestamp(ms, utc)": ToSql("TIMESTAMPTZ(3)"),
        "timestamp(us, utc)": ToSql("TIMESTAMPTZ"),
        "timestamp(ns, utc)": Gap("PostgreSQL timestamps hold microseconds"),
        **_durations("BIGINT"),
        "interval": ToSql("INTERVAL", "PostgreSQL intervals have microseconds"),
        "uuid": ToSql("UUID"),
        "json": ToSql("JSONB"),
        "enum": ToSql("TEXT", "PostgreSQL enums are named types (CREATE TYPE)"),
        "list": ToSql("{item}[]"),
        "map": Gap("PostgreSQL has no map type (hstore holds text only; use JSONB)"),
        "record": Gap("PostgreSQL composite types are named (CREATE TYPE), not inline"),
        "union": Gap("PostgreSQL composite types are named (CREATE TYPE), not inline"),
    }
    FROM_SQL = {
        "BOOLEAN": FromSql(ir.Bool()),
        "SMALLINT": FromSql(ir.Int(16), note="also INT2"),
        "INTEGER": FromSql(ir.Int(32), note="also INT, INT4"),
        "BIGINT": FromSql(ir.Int(64), note="also INT8"),
        "SMALLSERIAL": FromSql(ir.Int(16)),
        "SERIAL": FromSql(ir.Int(32)),
        "BIGSERIAL": FromSql(ir.Int(64)),
        "SERIAL4": FromSql(ir.Int(32), note="alias of SERIAL"),
        "SERIAL8": FromSql(ir.Int(64), note="alias of BIGSERIAL"),
        "REAL": FromSql(ir.Float(32), note="also FLOAT4"),
        "DOUBLE PRECISION": FromSql(
            lambda d: ir.Float(32) if (d.param(0) or 53) <= 24 else ir.Float(64),
            "DOUBLE PRECISION", "also FLOAT8, FLOAT; FLOAT(p) with p <= 24 is REAL"),
        "NUMERIC": FromSql(_decimal, "NUMERIC(10, 2)",
                           "also DECIMAL; NUMERIC without a precision has no fixed type"),
        "TEXT": FromSql(ir.String()),
        "VARCHAR": FromSql(ir.String(), "VARCHAR(n)", "the length is not kept"),
        "CHAR": FromSql(ir.String(), "CHAR(n)", "the length is not kept"),
        "BPCHAR": FromSql(ir.String(), note="the length is not kept"),
        "BYTEA": FromSql(ir.Bytes()),
        "DATE": FromSql(ir.Date()),
        "TIME": FromSql(_time(6), "TIME(3)", "p digits: 0 -> s, 1-3 -> ms, 4-6 -> us"),
        "TIMETZ": Gap("time with time zone has no Parquet type"),
        "TIMESTAMP": FromSql(_timestamp(6, utc=False), "TIMESTAMP(3)"),
        "TIMESTAMPTZ": FromSql(_timestamp(6, utc=True), "TIMESTAMPTZ",
                               "also TIMESTAMP WITH TIME ZONE"),
        "INTERVAL": FromSql(ir.Interval()),
        "UUID": FromSql(ir.Uuid()),
        "JSON": FromSql(ir.Json()),
        "JSONB": FromSql(ir.Json()),
        "MONEY": Gap("use NUMERIC"),
        "ARRAY": FromSql(LIST, "INTEGER[]", "multi-dimensional arrays become nested lists"),
    }


_BUILTIN: Final[tuple[type[SqlDialect], ...]] = (Drill, DuckDB, Spark, Trino, Hive, Postgres)
_DIALECTS: dict[str, SqlDialect] = {}


def register_dialect(d: SqlDialect | type[SqlDialect]) -> SqlDialect:
    """Register (or replace) a dialect by its ``name``; returns the instance."""
    inst = d() if isinstance(d, type) else d
    if not re.fullmatch(r"[a-z][a-z0-9_]*", inst.name):
        raise SqlMappingError(f"dialect name {inst.name!r} must match [a-z][a-z0-9_]*")
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
        for cls in _BUILTIN:
            register_dialect(cls)


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


# --------------------------------------------------------------------------- Parquet


@dataclass(frozen=True)
class ParquetType:
    """How schemagen's writer stores an IR type: physical type, annotation, remarks."""

    physical: str
    logical: str = ""
    note: str = ""

    def __str__(self) -> str:
        return f"{self.physical} ({self.logical})" if self.logical else self.physical


_PQ_UNITS: Final = {"s": "MILLIS", "ms": "MILLIS", "us": "MICROS", "ns": "NANOS"}


def decimal_bytes(precision: int) -> int:
    """FIXED_LEN_BYTE_ARRAY size for a decimal of ``precision`` digits (the smallest that fits)."""
    n = 1
    while 10**precision - 1 >= 2 ** (8 * n - 1):
        n += 1
    return n


def parquet_type(t: ir.Type) -> ParquetType:  # noqa: C901 - one branch per node
    """The Parquet physical type and annotation schemagen writes for IR type ``t``."""
    inner, _ = ir.strip_nullable(t)
    if isinstance(inner, ir.Null):
        return ParquetType("INT32", "UNKNOWN", "always null")
    if isinstance(inner, ir.Bool):
        return ParquetType("BOOLEAN")
    if isinstance(inner, ir.Int):
        physical = "INT64" if inner.bits == 64 else "INT32"
        if inner.signed and inner.bits in (32, 64):
            return ParquetType(physical)
        conv = f"{'' if inner.signed else 'U'}INT_{inner.bits}"
        return ParquetType(physical, f"INT({inner.bits}, {'true' if inner.signed else 'false'})",
                           f"converted type {conv}")
    if isinstance(inner, ir.Float):
        if inner.bits == 16:
            return ParquetType("FIXED_LEN_BYTE_ARRAY(2)", "FLOAT16")
        return ParquetType("FLOAT" if inner.bits == 32 else "DOUBLE")
    if isinstance(inner, ir.String):
        return ParquetType("BYTE_ARRAY", "STRING", "converted type UTF8")
    if isinstance(inner, ir.Bytes):
        return ParquetType("BYTE_ARRAY")
    if isinstance(inner, ir.Fixed):
        return ParquetType(f"FIXED_LEN_BYTE_ARRAY({inner.size})")
    if isinstance(inner, ir.Decimal):
        logical = f"DECIMAL({inner.precision}, {inner.scale})"
        if inner.precision <= 9:
            return ParquetType("INT32", logical)
        if inner.precision <= 18:
            return ParquetType("INT64", logical)
        return ParquetType(f"FIXED_LEN_BYTE_ARRAY({decimal_bytes(inner.precision)})", logical)
    if isinstance(inner, ir.Date):
        return ParquetType("INT32", "DATE")
    if isinstance(inner, ir.Time):
        unit = _PQ_UNITS[inner.unit]
        note = ("isAdjustedToUTC=false, so no legacy TIME_* converted type "
                "(readers that only know converted types see an integer)")
        if inner.unit == "s":
            note = "seconds are stored as milliseconds; " + note
        return ParquetType("INT32" if unit == "MILLIS" else "INT64",
                           f"TIME(isAdjustedToUTC=false, {unit})", note)
    if isinstance(inner, ir.Timestamp):
        unit = _PQ_UNITS[inner.unit]
        logical = f"TIMESTAMP(isAdjustedToUTC={'true' if inner.utc else 'false'}, {unit})"
        notes = []
        if inner.unit == "s":
            notes.append("seconds are stored as milliseconds")
        if inner.utc and unit != "NANOS":
            notes.append(f"converted type TIMESTAMP_{unit}")
        else:
            notes.append("no legacy converted type (readers that only know converted types, "
                         "like Drill, see INT64)")
        return ParquetType("INT64", logical, "; ".join(notes))
    if isinstance(inner, ir.Duration):
        return ParquetType("INT64", "", f"Parquet has no duration type: the count of "
                                        f"{_UNIT_WORDS[inner.unit]}; Arrow restores the duration "
                                        "from the ARROW:schema footer")
    if isinstance(inner, ir.Interval):
        return ParquetType("FIXED_LEN_BYTE_ARRAY(12)", "",
                           "the physical form of INTERVAL (months, days, milliseconds as "
                           "little-endian uint32); pyarrow cannot write the INTERVAL annotation")
    if isinstance(inner, ir.Uuid):
        return ParquetType("FIXED_LEN_BYTE_ARRAY(16)", "UUID")
    if isinstance(inner, ir.Json):
        return ParquetType("BYTE_ARRAY", "STRING",
                           "JSON text; written as STRING, not with the JSON annotation")
    if isinstance(inner, ir.EnumRef):
        return ParquetType("BYTE_ARRAY", "STRING",
                           "pyarrow cannot write the ENUM annotation; the footer's "
                           "schemagen.schema records the enum")
    if isinstance(inner, ir.List):
        return ParquetType("group", "LIST", "3-level list/element")
    if isinstance(inner, ir.Map):
        return ParquetType("group", "MAP", "key_value/key/value, required keys")
    if isinstance(inner, ir.RecordRef):
        return ParquetType("group")
    if isinstance(inner, ir.Union_):
        return ParquetType("group", "", "optional member0..N (parquet-avro's layout)")
    raise SqlMappingError(f"no Parquet type for {inner!r}")  # pragma: no cover


def arrow_type_text(t: ir.Type, types: Mapping[str, ir.Named] | None = None) -> str:
    """The Arrow type schemagen uses for IR type ``t`` (``str()`` of the pyarrow type)."""
    from schemagen.typemap.arrow import ArrowMapper

    return str(ArrowMapper(dict(types or {})).type(ir.strip_nullable(t)[0]))


# --------------------------------------------------------------------------- documentation


_SAMPLE_TYPES: Final[dict[str, ir.Named]] = {
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
    inner, _ = ir.strip_nullable(t)
    if isinstance(inner, ir.List):
        return ir.List(_strip_all(inner.item))
    if isinstance(inner, ir.Map):
        return ir.Map(_strip_all(inner.key), _strip_all(inner.value))
    return inner


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
    if isinstance(a, ir.RecordRef) and isinstance(b, ir.RecordRef):
        ra, rb = a_types.get(a.name), b_types.get(b.name)
        if not isinstance(ra, ir.Record) or not isinstance(rb, ir.Record):
            return False
        return len(ra.fields) == len(rb.fields) and all(
            fa.name == fb.name and same_type(fa.type, a_types, fb.type, b_types)
            for fa, fb in zip(ra.fields, rb.fields))
    if isinstance(a, ir.EnumRef) and isinstance(b, ir.EnumRef):
        ea, eb = a_types.get(a.name), b_types.get(b.name)
        return isinstance(ea, ir.Enum) and isinstance(eb, ir.Enum) and ea.symbols == eb.symbols
    if isinstance(a, ir.List) and isinstance(b, ir.List):
        return same_type(a.item, a_types, b.item, b_types)
    if isinstance(a, ir.Map) and isinstance(b, ir.Map):
        return (same_type(a.key, a_types, b.key, b_types)
                and same_type(a.value, a_types, b.value, b_types))
    return a == b


def _shape(t: ir.Type, types: Mapping[str, ir.Named]) -> str:
    """``ir_name`` with records spelled out (``record(x: float64, y: float64)``)."""
    inner, _ = ir.strip_nullable(t)
    rec = types.get(inner.name) if isinstance(inner, ir.RecordRef) else None
    if isinstance(rec, ir.Record):
        fields = ", ".join(f"{f.name}: {_shape(f.type, types)}" for f in rec.fields)
        return f"record({fields})"
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
            "arrow": arrow_type_text(t, _SAMPLE_TYPES),
        }
        entry = d.to_sql_table.get(ir_key(t))
        try:
            sql, back, ctx = read_back(d, t, _SAMPLE_TYPES)
        except SqlMappingError as exc:
            row["sql"] = None
            row["gap"] = entry.reason if isinstance(entry, Gap) else str(exc)
        else:
            row["sql"] = sql
            row["note"] = entry.note if isinstance(entry, ToSql) else ""
            if not same_type(back, ctx.types, t, _SAMPLE_TYPES):
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
        "notes": list(d.NOTES),
    }


def render_json(names: Sequence[str] | None = None) -> str:
    tables = [type_table(n) for n in (names or dialect_names())]
    data: Any = tables[0] if names and len(names) == 1 else tables
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if text else ""


def render_markdown(names: Sequence[str] | None = None) -> str:
    """The type-mapping document (``docs/type-mapping.md`` is this, for every dialect)."""
    names = list(names or dialect_names())
    out: list[str] = []
    full = len(names) == len(dialect_names()) and set(names) == set(dialect_names())
    if full:
        out += [
            "# SQL type mapping",
            "",
            "<!-- Generated from schemagen/typemap/sql.py by `schemagen sql --types`; "
            "do not edit. -->",
            "",
            "schemagen keeps one registry of SQL types per dialect (`schemagen/typemap/sql.py`). "
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
                       f"{_code(arrow_type_text(t, _SAMPLE_TYPES))} | {_cell(p.note)} |")
        out += ["", "Sample named types: `record Point` is `STRUCT(x DOUBLE, y DOUBLE)`, "
                    "`enum Suit` has the symbols `HEARTS`, `SPADES`.", ""]
    for n in names:
        table = type_table(n)
        out += [f"## {table['title']} (`{table['dialect']}`)", ""]
        if table["reference"]:
            out += [f"Reference: <{table['reference']}>", ""]
        for note in table["notes"]:
            out += [f"* {note}"]
        if table["notes"]:
            out.append("")
        out += [f"### IR -> {table['dialect']}", "",
                "| IR type | SQL type | reads back as | Parquet | note |", "|---|---|---|---|---|"]
        for row in table["ir_to_sql"]:
            pq_text = row["parquet"]["physical"] + (
                f" ({row['parquet']['logical']})" if row["parquet"]["logical"] else "")
            if row["sql"] is None:
                out.append(f"| {_code(row['ir'])} | **no mapping** | | {_code(pq_text)} | "
                           f"{_cell(row['gap'])} |")
            else:
                out.append(f"| {_code(row['ir'])} | {_code(row['sql'])} | "
                           f"{_code(row.get('reads_back_as', ''))} | {_code(pq_text)} | "
                           f"{_cell(row['note'])} |")
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
