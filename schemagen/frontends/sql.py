"""SQL front end: ``CREATE TABLE`` statements in ``.sql`` files -> :class:`schemagen.ir.Schema`.

Parsed with sqlglot; column types go through the dialect registry
(:mod:`schemagen.sql.registry`), so whatever SQL type a dialect maps is
accepted here and nothing else.

Rules (README "SQL schemas"):

* **Dialect**: a first line ``-- dialect: NAME`` wins; else the ``dialect``
  argument (``schemagen compile --sql-dialect NAME``); else ``drill``.
* **One record per table**, named after the table in PascalCase
  (``sales_txn`` -> ``SalesTxn``; a leading digit gets a ``T`` prefix).  Its
  namespace is the table's qualifiers as written (``example.sql.transaction``
  -> ``example.sql``; ``dfs.tmp.t`` -> ``dfs.tmp``), or the file stem when
  the table is unqualified (``sales.sql`` -> ``sales``).  Characters outside
  ``[A-Za-z0-9_]`` in a namespace part become ``_``.
* **Columns**: ``NOT NULL`` (or ``PRIMARY KEY``) -> required; other columns
  are ``Nullable`` with default ``None``; ``DEFAULT <constant>`` -> the field
  default (checked against the type); a non-constant default such as
  ``CURRENT_TIMESTAMP`` or ``nextval(...)`` is ignored with a warning;
  ``COMMENT`` (or ``COMMENT ON COLUMN``/``TABLE``) -> docstring.
* **Nested types**: ``ARRAY``/``T[]`` -> list, ``MAP`` -> map (items and
  values nullable, as SQL allows), ``STRUCT``/``ROW`` -> a named record: the
  table's record name plus each column/field name on the way in PascalCase
  (``transaction.user_info`` -> ``TransactionUserInfo``; arrays and map values
  add nothing, a map key adds ``Key``); struct fields are nullable unless
  ``NOT NULL``.  A name already taken gets ``2``, ``3``...  DuckDB ``ENUM``
  columns become enums named the same way.
* ``Record.table``: the table name as written.  Footer metadata (``Record.native``):
  ``writer.model.name=sql``, ``sql.dialect``, and ``sql.table`` (the same name);
  every field keeps its SQL type as written in ``Field.origin`` (``ir.SqlOrigin``).

Every error names ``file:line:column`` and the column; statements other
than ``CREATE TABLE`` and ``COMMENT ON`` are ignored with a warning.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, assert_never

from schemagen.sql import registry as sqlmap

from .. import ir
from ..errors import SchemaError, SchemaWarning
from ..typemap import parquet as pqkeys
from .base import around, parser_errors, redact

__all__ = ["DEFAULT_DIALECT", "load", "pascal_case"]

DEFAULT_DIALECT: Final = "drill"
_DIALECT_LINE: Final = re.compile(r"\s*--\s*dialect\s*:\s*(\S*)\s*$", re.IGNORECASE)
_NS_INVALID: Final = re.compile(r"[^0-9A-Za-z_]")
_WORDS: Final = re.compile(r"[0-9A-Za-z]+")
_FLOAT32_MAX: Final = 3.4028234663852886e38
# tokens that end a column's type (at bracket depth 0)
_TYPE_STOP: Final = frozenset({
    "COMMA", "NOT", "DEFAULT", "COMMENT", "PRIMARY_KEY", "CONSTRAINT", "UNIQUE", "REFERENCES",
    "CHECK", "GENERATED", "COLLATE", "AUTO_INCREMENT", "SEMICOLON",
})
_BRACKETS: Final = frozenset({"L_PAREN", "R_PAREN", "LT", "GT", "L_BRACKET", "R_BRACKET",
                              "LSHIFT", "RSHIFT", "GTE", "LTE"})


def pascal_case(name: str) -> str:
    """``sales_txn`` -> ``SalesTxn``, ``userInfo`` -> ``UserInfo`` (a class-name-like word)."""
    words = _WORDS.findall(name)
    out = "".join(w[:1].upper() + w[1:] for w in words)
    if not out:
        return "T"
    return "T" + out if out[0].isdigit() else out


def _ns_part(part: str) -> str:
    cleaned = _NS_INVALID.sub("_", part) or "_"
    return "_" + cleaned if cleaned[0].isdigit() else cleaned


def load(paths: Sequence[str | Path], dialect: str | None = None) -> ir.Schema:
    """Load ``.sql`` files: every ``CREATE TABLE`` becomes a record.

    ``dialect`` is used for files without a ``-- dialect:`` first line
    (default ``drill``).  Raises :class:`~schemagen.errors.SchemaError` for
    invalid input; warns :class:`~schemagen.errors.SchemaWarning` for ignored
    statements and non-constant defaults.
    """
    default = dialect or DEFAULT_DIALECT
    try:
        sqlmap.dialect(default)
    except sqlmap.SqlMappingError as exc:
        raise SchemaError(f"--sql-dialect: {exc}", str(paths[0]) if paths else "<sql>") from None
    loader = _Loader()
    files = []
    for p in paths:
        with parser_errors(str(p), "sqlglot", "SQL"):
            files.append(loader.parse_file(str(p), default))
    for f in files:
        loader.reserve(f)
    for f in files:
        with parser_errors(f.path, "sqlglot", f"{f.dialect.name} SQL", source=f.text):
            loader.convert(f)
    return ir.Schema(loader.types, loader.sources)


# --------------------------------------------------------------------------- parsing


@dataclass
class _Table:
    node: Any  # exp.Create
    name: str  # as written
    qualified: str  # catalog.db.name as written
    full: str  # IR record name
    doc: str = ""
    column_docs: dict[str, str] = field(default_factory=dict)


@dataclass
class _File:
    path: str
    text: str
    dialect: sqlmap.SqlDialect
    tables: list[_Table] = field(default_factory=list)
    _tokens: list[Any] | None = None

    def position(self, node: Any) -> tuple[int, int]:
        """1-based (line, column) of a sqlglot node (its first identifier with a position)."""
        from sqlglot import exp

        candidates = [node] if isinstance(node, exp.Identifier) else []
        if node is not None and not candidates:
            candidates = [n for n in node.find_all(exp.Identifier)]
        for ident in candidates:
            start = ident.meta.get("start")
            if isinstance(start, int):
                line = self.text.count("\n", 0, start) + 1
                col = start - (self.text.rfind("\n", 0, start) + 1) + 1
                return line, col
        return 0, 0

    def type_text(self, column: Any) -> str:
        """The column's type exactly as written in the file ("" when it cannot be found)."""
        end = column.this.meta.get("end") if column is not None else None
        if not isinstance(end, int):
            return ""
        if self._tokens is None:
            try:
                with sqlmap.quiet_sqlglot():
                    self._tokens = list(self.dialect.parse_dialect().tokenize(self.text))
            except Exception:  # noqa: BLE001 - only a nicety; the parser already succeeded
                self._tokens = []
        depth, first, last = 0, None, None
        for tok in self._tokens:
            if tok.start <= end:
                continue
            kind = tok.token_type.name
            if depth == 0 and (kind in _TYPE_STOP or (first is not None and kind == "NULL")):
                break
            depth += sum(tok.text.count(c) for c in "(<[") - sum(tok.text.count(c) for c in ")>]") \
                if kind in _BRACKETS else 0
            if depth < 0:
                break
            first = tok if first is None else first
            last = tok
        if first is None or last is None:
            return ""
        flat = " ".join(self.text[first.start:last.end + 1].split())
        return re.sub(r"\s+([>)\]])", r"\1", re.sub(r"([<(\[])\s+", r"\1", flat))

    def error(self, node: Any, message: str, path: str = "") -> SchemaError:
        line, col = self.position(node)
        return SchemaError(message, self.path, line, col, path)

    def warn(self, node: Any, message: str) -> None:
        line, col = self.position(node)
        where = f"{self.path}:{line}:{col}" if line else self.path
        warnings.warn_explicit(f"{where}: {message}", SchemaWarning, self.path, line or 1)


class _Loader:
    def __init__(self) -> None:
        self.types: dict[str, ir.Named] = {}
        self.sources: dict[str, str] = {}
        self.reserved: dict[str, tuple[_File, _Table]] = {}

    # ------------------------------------------------------------------ files

    def parse_file(self, path: str, default: str) -> _File:
        from sqlglot import exp
        from sqlglot.errors import ParseError, TokenError

        try:
            raw = Path(path).read_bytes()
        except OSError as e:
            raise SchemaError(f"cannot read schema file: {e.strerror or e}", path) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            raise SchemaError("file is not valid UTF-8", path, line, col) from None
        first = text.split("\n", 1)[0]
        m = _DIALECT_LINE.match(first)
        name = m.group(1) if m else default
        try:
            d = sqlmap.dialect(name)
        except sqlmap.SqlMappingError as exc:
            raise SchemaError(str(exc), path, 1, (m.start(1) + 1) if m else 1) from None
        f = _File(path, text, d)
        # which dialect was assumed, and how to choose another (a DuckDB file read as
        # Drill fails with a bare "Expecting )")
        why = "" if m else (f" (read as {d.name}: put '-- dialect: NAME' on the first line "
                            "or pass --sql-dialect NAME)")
        try:
            with sqlmap.quiet_sqlglot(), parser_errors(path, "sqlglot", f"{d.name} SQL",
                                                       (ParseError, TokenError), source=text):
                statements = exp_list(text, d)
        except ParseError as exc:
            info = exc.errors[0] if exc.errors else {}
            line = int(info.get("line") or 0)
            # sqlglot's description may quote the file (a token, an expression): taken out
            desc = redact(str(info.get("description") or _first_line(exc)),
                          around(text, line), _sql_words(), fold_case=True)
            raise SchemaError(f"{d.name} SQL syntax error: {desc}{why}", path,
                              line, _start_col(info)) from None
        except TokenError as exc:
            line, col = _token_error_at(exc, text)
            raise SchemaError(f"{d.name} SQL syntax error: the text cannot be split into "
                              "tokens here (an unterminated string, quoted name or comment?)"
                              f"{why}", path, line, col) from None
        comments: list[Any] = []
        for st in statements:
            if st is None:
                continue
            if isinstance(st, exp.Create) and str(st.args.get("kind", "")).upper() == "TABLE":
                f.tables.append(self.table(f, st))
            elif isinstance(st, exp.Comment):
                comments.append(st)
            else:
                kind = type(st).__name__.upper()
                if isinstance(st, exp.Create):
                    kind = f"CREATE {st.args.get('kind', '')}".strip()
                elif isinstance(st, exp.Command):
                    kind = str(st.this).upper()
                f.warn(st, f"{kind} statement ignored (only CREATE TABLE defines records)")
        for c in comments:
            self.comment_on(f, c)
        return f

    def table(self, f: _File, st: Any) -> _Table:
        from sqlglot import exp

        schema = st.this
        if not isinstance(schema, exp.Schema):
            raise f.error(st, "CREATE TABLE without a column list (e.g. CREATE TABLE ... AS "
                              "SELECT) has no column types; declare the columns")
        table = schema.this
        if not isinstance(table, exp.Table) or not table.name:
            raise f.error(st, "CREATE TABLE needs a table name")
        quals = [p.name for p in (table.args.get("catalog"), table.args.get("db")) if p]
        namespace = ".".join(_ns_part(q) for q in quals) if quals else _ns_part(Path(f.path).stem)
        full = f"{namespace}.{pascal_case(table.name)}"
        doc = ""
        props = st.args.get("properties")
        if props is not None:
            for p in props.expressions:
                if isinstance(p, exp.SchemaCommentProperty):
                    doc = p.this.name
        return _Table(st, table.name, ".".join([*quals, table.name]), full, doc)

    def comment_on(self, f: _File, c: Any) -> None:
        from sqlglot import exp

        kind = str(c.args.get("kind", "")).upper()
        target = c.this
        text = c.expression.name if isinstance(c.expression, exp.Literal) else None
        if text is None:
            raise f.error(c, "COMMENT ON needs a string literal")
        if kind == "TABLE" and isinstance(target, exp.Table):
            name, col = target.name, None
        elif kind == "COLUMN" and isinstance(target, exp.Column):
            name, col = target.table, target.name
        else:
            f.warn(c, f"COMMENT ON {kind} ignored")
            return
        for t in f.tables:
            if t.name.lower() == name.lower():
                if col is None:
                    t.doc = text
                else:
                    t.column_docs[col.lower()] = text
                return
        raise f.error(c, f"COMMENT ON {kind}: no table {name!r} is created in this file")

    def reserve(self, f: _File) -> None:
        for t in f.tables:
            if t.full in self.reserved:
                other_file, other = self.reserved[t.full]
                line, col = other_file.position(other.node.this.this)
                raise f.error(t.node.this.this,
                              f"table {t.qualified} becomes record {t.full}, which table "
                              f"{other.qualified} ({other_file.path}:{line}:{col}) "
                              "already is")
            self.reserved[t.full] = (f, t)

    # ------------------------------------------------------------------ conversion

    def convert(self, f: _File) -> None:
        for t in f.tables:
            self.convert_table(f, t)

    def fresh(self, namespace: str, base: str) -> str:
        name, i = f"{namespace}.{base}", 2
        while name in self.types or name in self.reserved:
            name, i = f"{namespace}.{base}{i}", i + 1
        return name

    def add(self, f: _File, t: ir.Named) -> None:
        self.types[t.name] = t
        self.sources[t.name] = f.path

    def convert_table(self, f: _File, t: _Table) -> None:
        from sqlglot import exp

        schema = t.node.this
        required: set[str] = set()
        for e in schema.expressions:
            pk = e.expressions[0] if isinstance(e, exp.Constraint) and e.expressions else e
            if isinstance(pk, exp.PrimaryKey):
                required |= {x.name.lower() for x in pk.expressions}
        ctx = _Context(self, f, t)
        before = len(self.types)
        fields: list[ir.Field] = []
        seen: dict[str, Any] = {}
        for cd in schema.expressions:
            if not isinstance(cd, exp.ColumnDef):
                continue
            col = cd.name
            path = f"{t.qualified}.{col}"
            if col.lower() in seen:
                raise f.error(cd.this, f"duplicate column {col!r} in table {t.qualified}", path)
            seen[col.lower()] = cd
            dt = cd.args.get("kind")
            if not isinstance(dt, exp.DataType):
                raise f.error(cd.this, f"column {col!r} has no type", path)
            depth = _type_depth(dt)
            if depth > ir.MAX_NESTING:
                raise f.error(cd.this, f"column {col!r}: its type is nested {depth} levels "
                                       f"deep; the limit is {ir.MAX_NESTING}", path)
            written = f.type_text(cd)
            try:
                typ = f.dialect.to_ir(dt, ctx, [t.name, col], text=written)
            except sqlmap.SqlMappingError as exc:
                where = ".".join([t.qualified, *exc.path[1:]]) if exc.path else path
                raise f.error(cd.this, f"column {col!r}: {exc.message}", where) from None
            not_null = col.lower() in required
            doc = t.column_docs.get(col.lower(), "")
            default_node = None
            for c in cd.constraints:
                k = c.args.get("kind")
                if isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null"):
                    not_null = True
                elif isinstance(k, exp.PrimaryKeyColumnConstraint):
                    not_null = True
                elif isinstance(k, exp.CommentColumnConstraint):
                    doc = doc or k.this.name
                elif isinstance(k, exp.DefaultColumnConstraint):
                    default_node = k.this
            ftype = typ if not_null else ir.Nullable(typ)
            default: Any = ir.NO_DEFAULT if not_null else None
            if default_node is not None:
                default = _Defaults(f, self.types, cd.this, path).value(default_node, ftype,
                                                                        default)
            line, colno = f.position(cd.this)
            fields.append(ir.Field(
                name=col, type=ftype, doc=doc, default=default,
                location=ir.SourceLocation(f.path, line, colno),
                origin=ir.SqlOrigin(written or f.dialect.sql_text(dt)),
            ))
        if not fields:
            raise f.error(schema.this, f"table {t.qualified} has no columns")
        line, colno = f.position(schema.this)
        self.add(f, ir.Record(
            name=t.full, fields=tuple(fields), doc=t.doc,
            location=ir.SourceLocation(f.path, line, colno),
            native=((pqkeys.WRITER_MODEL_KEY, "sql"), (pqkeys.SQL_DIALECT_KEY, f.dialect.name),
                    (pqkeys.SQL_TABLE_KEY, t.qualified)),
            table=t.qualified,
        ))
        # the table's record first, then the records and enums its columns created
        items = list(self.types.items())
        self.types = dict([*items[:before], items[-1], *items[before:-1]])


class _Context(sqlmap.ReadContext):
    """Names the records (STRUCT/ROW) and enums (ENUM) that column types create."""

    def __init__(self, loader: _Loader, f: _File, table: _Table) -> None:
        super().__init__()
        self.loader, self.file, self.table = loader, f, table

    def _name(self, path: Sequence[str]) -> str:
        base = self.table.full.rpartition(".")[2] + "".join(pascal_case(p) for p in path[1:])
        return self.loader.fresh(self.table.full.rpartition(".")[0], base)

    def _where(self, path: Sequence[str]) -> str:
        return ".".join([self.table.qualified, *path[1:]])

    def struct(self, fields: list[sqlmap.StructField], path: Sequence[str]) -> ir.Type:
        from sqlglot import exp

        f = self.file
        out = []
        for sf in fields:
            node = sf.node.this if sf.node is not None else None
            line, col = f.position(node)
            default: Any = None if isinstance(sf.type, ir.Nullable) else ir.NO_DEFAULT
            kind = sf.node.args.get("kind") if sf.node is not None else None
            for c in (sf.node.constraints if sf.node is not None else ()):
                if isinstance(c.args.get("kind"), exp.DefaultColumnConstraint):
                    default = _Defaults(f, self.loader.types, node,
                                        f"{self._where(path)}.{sf.name}").value(
                        c.args["kind"].this, sf.type, default)
            out.append(ir.Field(
                name=sf.name, type=sf.type, doc=sf.doc, default=default,
                location=ir.SourceLocation(f.path, line, col),
                origin=ir.SqlOrigin(f.dialect.sql_text(kind)) if kind is not None else None,
            ))
        name = self._name(path)
        first = fields[0].node.this if fields and fields[0].node is not None else None
        line, col = f.position(first)
        self.loader.add(f, ir.Record(
            name=name, fields=tuple(out),
            doc=f"STRUCT column {self._where(path)} of table {self.table.qualified}.",
            location=ir.SourceLocation(f.path, line, col),
            native=((pqkeys.WRITER_MODEL_KEY, "sql"), (pqkeys.SQL_DIALECT_KEY, f.dialect.name)),
        ))
        return ir.RecordRef(name)

    def enum(self, symbols: list[str], path: Sequence[str]) -> ir.Type:
        name = self._name(path)
        self.loader.add(self.file, ir.Enum(
            name=name, symbols=tuple(symbols),
            doc=f"ENUM column {self._where(path)} of table {self.table.qualified}.",
        ))
        return ir.EnumRef(name)


def _type_depth(dt: Any) -> int:
    """Levels of types nested in a column type (``STRUCT<a: ARRAY<INT>>`` is 3), counted
    without recursion: sqlglot's own walks recurse and fail on deep types."""
    from sqlglot import exp

    deepest = 0
    stack = [(dt, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        for child in node.iter_expressions():
            stack.append((child, level + isinstance(child, exp.DataType)))
    return deepest


def exp_list(text: str, d: sqlmap.SqlDialect) -> list[Any]:
    import sqlglot

    return list(sqlglot.parse(text, read=d.parse_dialect))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _token_error_at(exc: Any, text: str) -> tuple[int, int]:
    """Line and column where sqlglot's tokenizer stopped: its ``TokenError`` carries only
    the offsets of a snippet of 50 characters either side (``start``, ``end``), and its
    message quotes the snippet (never shown)."""
    start, end = getattr(exc, "start", None), getattr(exc, "end", None)
    if start is None or end is None:
        return 0, 0
    if start > 0:
        at = start + 50
    elif end < len(text) - 1:
        at = end - 50
    else:  # the whole text is the snippet: sqlglot stops at the end of an unclosed token
        at = len(text)
    at = max(0, min(at, len(text)))
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


_SQL_WORDS: list[frozenset[str]] = []


def _sql_words() -> frozenset[str]:
    """SQL's own words (sqlglot's keywords and token names), which a syntax error may quote."""
    if not _SQL_WORDS:
        from sqlglot.tokenizer_core import TokenType
        from sqlglot.tokens import Tokenizer

        words = {w for k in Tokenizer.KEYWORDS for w in re.findall(r"\w+", k)}
        words.update(t.name for t in TokenType)
        _SQL_WORDS.append(frozenset(words))
    return _SQL_WORDS[0]


def _start_col(info: dict[str, Any]) -> int:
    col = int(info.get("col") or 0)
    highlight = str(info.get("highlight") or "")
    return max(col - len(highlight) + 1, 1) if col else 0


# --------------------------------------------------------------------------- defaults


class _NotConstant(Exception):
    pass


class _Defaults:
    """``DEFAULT <expr>`` -> a field default in IR value form, checked against the type."""

    def __init__(self, f: _File, types: dict[str, ir.Named], node: Any, path: str) -> None:
        self.f, self.types, self.node, self.path = f, types, node, path

    def value(self, expr: Any, t: ir.Type, fallback: Any) -> Any:
        try:
            v = self.convert(expr, t)
        except _NotConstant:
            shown = expr.sql(dialect=self.f.dialect.sqlglot_dialect)
            self.f.warn(self.node, f"column {self.path}: DEFAULT {shown} is not a constant "
                                   "schemagen can evaluate; ignored")
            return fallback
        except (ValueError, ArithmeticError, TypeError) as exc:
            shown = expr.sql(dialect=self.f.dialect.sqlglot_dialect)
            col = self.path.rpartition(".")[2]
            raise self.f.error(
                self.node, f"column {col!r}: DEFAULT {shown} does not fit "
                           f"{sqlmap.ir_name(t)}: {exc}", self.path) from None
        return v

    def convert(self, e: Any, t: ir.Type) -> Any:  # noqa: C901 - one branch per form
        from sqlglot import exp

        inner, nullable = ir.strip_nullable(t)
        if isinstance(e, exp.Paren):
            return self.convert(e.this, t)
        if isinstance(e, exp.Null):
            if not nullable:
                raise ValueError("the column is NOT NULL")
            return None
        if isinstance(e, exp.Cast) and isinstance(e.this, (exp.Literal, exp.Neg, exp.Array,
                                                            exp.Null, exp.Boolean)):
            return self.convert(e.this, t)
        if isinstance(e, exp.Boolean):
            if not isinstance(inner, ir.Bool):
                raise ValueError("a boolean")
            return bool(e.this)
        if isinstance(e, exp.Neg) and isinstance(e.this, exp.Literal) and not e.this.is_string:
            return self.number("-" + e.this.name, inner)
        if isinstance(e, exp.Literal):
            return self.number(e.name, inner) if not e.is_string else self.string(e.name, inner)
        if isinstance(e, exp.HexString):
            if not isinstance(inner, (ir.Bytes, ir.Fixed)):
                raise ValueError("a hex string")
            b = bytes.fromhex(e.name)
            if isinstance(inner, ir.Fixed) and len(b) != inner.size:
                raise ValueError(f"{len(b)} bytes, not {inner.size}")
            return b
        if isinstance(e, exp.Array):
            if not isinstance(inner, ir.List):
                raise ValueError("an array")
            return tuple(self.convert(x, inner.item) for x in e.expressions)
        if isinstance(e, exp.Interval) and isinstance(inner, ir.Interval):
            return self.interval(e)
        raise _NotConstant

    def number(self, text: str, t: ir.Type) -> Any:
        if isinstance(t, ir.Int):
            if not re.fullmatch(r"[+-]?\d+", text):
                raise ValueError("not an integer")
            v = int(text)
            lo, hi = ((-(1 << (t.bits - 1)), (1 << (t.bits - 1)) - 1) if t.signed
                      else (0, (1 << t.bits) - 1))
            if not lo <= v <= hi:
                raise ValueError(f"out of range {lo}..{hi}")
            return v
        if isinstance(t, ir.Float):
            f = float(text)
            if t.bits < 64 and abs(f) > _FLOAT32_MAX:
                raise ValueError("out of float32 range")
            return f
        if isinstance(t, ir.Decimal):
            return self.decimal(text, t)
        raise ValueError("a number")

    def decimal(self, text: str, t: ir.Decimal) -> decimal.Decimal:
        try:
            d = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise ValueError("not a decimal number") from None
        if not d.is_finite():
            raise ValueError("not a finite number")
        q = d.quantize(decimal.Decimal(1).scaleb(-t.scale))
        if q != d:
            raise ValueError(f"more than {t.scale} decimal places")
        if len(q.as_tuple().digits) > t.precision and q != 0:
            raise ValueError(f"more than {t.precision} digits")
        return q

    def string(self, s: str, t: ir.Type) -> Any:
        match t:
            case ir.String():
                return s
            case ir.EnumRef(name=name):
                e = self.types.get(name)
                if isinstance(e, ir.Enum) and s not in e.symbols:
                    raise ValueError(f"{s!r} is not one of {', '.join(e.symbols)}")
                return s
            case ir.Json():
                v = json.loads(s)
                if isinstance(v, (dict, list)):
                    raise ValueError("JSON defaults must be scalars")
                return v
            case ir.Int() | ir.Float() | ir.Decimal():
                return self.number(s.strip(), t)
            case ir.Date():
                return datetime.date.fromisoformat(s.strip())
            case ir.Time():
                return datetime.time.fromisoformat(s.strip())
            case ir.Timestamp(utc=utc):
                return _timestamp_literal(s.strip(), utc)
            case ir.Uuid():
                return uuid.UUID(s.strip())
            case ir.Bool():
                return _bool_literal(s.strip().lower())
            case ir.Bytes() | ir.Fixed():
                b = _bytes_literal(s)
                if isinstance(t, ir.Fixed) and len(b) != t.size:
                    raise ValueError(f"{len(b)} bytes, not {t.size}")
                return b
            case (ir.Null() | ir.Duration() | ir.Interval() | ir.RecordRef() | ir.List()
                  | ir.Map() | ir.Union_() | ir.Nullable()):
                raise ValueError("a string")
            case _:
                assert_never(t)

    def interval(self, e: Any) -> ir.IntervalValue:
        unit = str(e.args["unit"].name if e.args.get("unit") is not None else "").upper()
        amount = e.this.name if e.this is not None else ""
        if not re.fullmatch(r"[+-]?\d+", amount or "x"):
            raise ValueError(f"interval amount {amount!r} is not an integer")
        n = int(amount)
        scale = {"YEAR": ("m", 12), "MONTH": ("m", 1), "WEEK": ("d", 7), "DAY": ("d", 1),
                 "HOUR": ("ms", 3_600_000), "MINUTE": ("ms", 60_000), "SECOND": ("ms", 1000),
                 "MILLISECOND": ("ms", 1)}
        if unit not in scale:
            raise ValueError(f"interval unit {unit or '(none)'} is not supported")
        part, k = scale[unit]
        v = n * k
        if not 0 <= v < 2**32:
            raise ValueError("interval parts are unsigned 32-bit")
        return ir.IntervalValue(v if part == "m" else 0, v if part == "d" else 0,
                                v if part == "ms" else 0)


def _bytes_literal(s: str) -> bytes:
    """A string literal as bytes: ``'\\xDEADBEEF'`` (PostgreSQL hex), ``\\xHH`` escapes
    (DuckDB), else the UTF-8 text."""
    if re.fullmatch(r"\\x(?:[0-9A-Fa-f]{2})+", s):
        return bytes.fromhex(s[2:])
    if "\\x" in s:
        out = bytearray()
        i = 0
        while i < len(s):
            if s.startswith("\\x", i) and re.fullmatch(r"[0-9A-Fa-f]{2}", s[i + 2:i + 4]):
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
            else:
                out += s[i].encode("utf-8")
                i += 1
        return bytes(out)
    return s.encode("utf-8")


def _timestamp_literal(s: str, utc: bool) -> datetime.datetime:
    v = datetime.datetime.fromisoformat(s)
    if utc:
        v = v.replace(tzinfo=datetime.UTC) if v.tzinfo is None else v
        return v.astimezone(datetime.UTC)
    if v.tzinfo is not None:
        raise ValueError("a local timestamp has no time zone")
    return v


def _bool_literal(low: str) -> bool:
    if low in ("true", "t", "yes", "y", "1", "on"):
        return True
    if low in ("false", "f", "no", "n", "0", "off"):
        return False
    raise ValueError("not a boolean")
