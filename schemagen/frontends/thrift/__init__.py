"""Thrift front end: ``.thrift`` IDL files -> :class:`schemagen.ir.Schema`.

The grammar is the Apache Thrift compiler's (``compiler/cpp/src/thrift/thrifty.yy``
and ``thriftl.ll``) written for lark's LALR(1) parser, with a small hand-written
tokenizer in front of it (lark's own lexer is several times slower, and Thrift's
lexical rules -- keywords that are still legal field names, dotted identifiers,
``true``/``false`` as integers -- are simplest to state directly).

Loading happens in three steps:

1. *parse*: every file given, and every file it includes (relative to the
   including file, then the ``include_dirs``), is parsed once; include cycles
   and missing includes are errors at the ``include`` line;
2. *resolve*: type names (``Name`` in the same file, ``prefix.Name`` from an
   included file), typedef chains, field ids and requiredness are checked;
3. *convert*: structs, unions and exceptions become IR records, enums IR
   enums, constants IR constants with values checked against their types;
   each record carries ``writer.model.name=thrift`` and ``thrift.schema`` (the
   IDL text of its definition and of every definition it uses) for the
   Parquet footer.

Mapping decisions (see README, "Thrift"):

* namespace: ``namespace py``, else ``namespace *``, else the file name;
* ``required`` fields are required (non-null) columns; ``optional`` and
  default-requiredness fields are nullable (``T | None``, default ``None``
  unless the IDL gives one), because a Thrift writer may leave them unset;
* ``set<T>`` is an IR list with ``unique=True`` (a Parquet LIST);
* a union is a record of kind ``"union"``: every member nullable, at most one set;
* typedefs are resolved; the alias names are kept in the field's origin
  (``ir.ThriftOrigin``: ``type``, ``typedefs``) and in the field's docstring;
* annotations are kept as metadata (``thrift.annotation.<key>``, see ``ir.keys``);
  requiredness, implicit ids, ``&`` and union member defaults as written are kept
  in ``ir.ThriftOrigin`` (for ``schemagen check``);
* fields without an id (or with a non-positive one) get Apache's automatic
  negative ids, with a warning, and no Parquet field id;
* services are parsed and ignored.

Every problem is a :class:`~schemagen.errors.SchemaError` naming
``file:line:column``; lossy but legal input gives a
:class:`~schemagen.errors.SchemaWarning`.
"""

from __future__ import annotations

import bisect
import inspect
import os
import re
import string
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, assert_never

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from schemagen import ir
from schemagen.errors import SchemaError, SchemaWarning
from schemagen.frontends.base import outside_message, parser_errors, schema_roots
from schemagen.ir import keys
from schemagen.typemap import parquet as pqkeys

__all__ = ["load"]

# --------------------------------------------------------------------------- grammar

_KEYWORDS: Final = (
    "namespace", "cpp_include", "include", "void", "bool", "byte", "i8", "i16", "i32",
    "i64", "double", "string", "binary", "uuid", "map", "list", "set", "oneway", "async",
    "typedef", "struct", "union", "exception", "extends", "throws", "service", "enum",
    "const", "required", "optional", "cpp_type", "xsd_all", "xsd_optional", "xsd_nillable",
    "xsd_attrs", "true", "false",
)
_KW: Final = {k: "KW_" + k.upper() for k in _KEYWORDS}
# keywords that may still name a field (thrifty.yy's FieldName rule)
_FIELD_NAME_KW: Final = tuple(
    k for k in _KEYWORDS
    if k not in ("cpp_type", "xsd_all", "xsd_optional", "xsd_nillable", "xsd_attrs",
                 "true", "false")
)
# punctuation: the ones starting with "_" are left out of the parse tree
_SYMBOLS: Final = {
    ":": "_COLON", ";": "_SEMI", ",": "_COMMA", "{": "LBRACE", "}": "RBRACE", "(": "_LPAR",
    ")": "RPAR", "=": "_EQ", "<": "_LT", ">": "_GT", "[": "LSQB", "]": "RSQB", "*": "STAR",
    "&": "AMP",
}
_BASE_TYPES: Final[dict[str, ir.Type]] = {
    "bool": ir.Bool(), "byte": ir.Int(8), "i8": ir.Int(8), "i16": ir.Int(16),
    "i32": ir.Int(32), "i64": ir.Int(64), "double": ir.Float(64), "string": ir.String(),
    "binary": ir.Bytes(), "uuid": ir.Uuid(),
}

GRAMMAR: Final = r"""
start: (include | cpp_include | namespace)* (const | typedef | enum | struct | exception | service)*

include: KW_INCLUDE LITERAL
cpp_include: KW_CPP_INCLUDE LITERAL
namespace: KW_NAMESPACE (IDENTIFIER | STAR) IDENTIFIER annotations?

const: KW_CONST _field_type IDENTIFIER _EQ _const_value _sep?
typedef: KW_TYPEDEF _field_type IDENTIFIER annotations? _sep?
enum: KW_ENUM IDENTIFIER LBRACE enum_value* RBRACE annotations?
enum_value: IDENTIFIER (_EQ NUMBER)? annotations? _sep?
struct: (KW_STRUCT | KW_UNION) IDENTIFIER KW_XSD_ALL? LBRACE field* RBRACE annotations?
exception: KW_EXCEPTION IDENTIFIER LBRACE field* RBRACE annotations?
service: KW_SERVICE IDENTIFIER (KW_EXTENDS IDENTIFIER)? LBRACE function* RBRACE annotations?
function: _oneway (_field_type | KW_VOID) IDENTIFIER _LPAR field* RPAR _throws _fann _osep
_oneway: (KW_ONEWAY | KW_ASYNC)?
_throws: throws?
throws: KW_THROWS _LPAR field* RPAR

// optional parts are factored into inlined helper rules: written inline, each `?`
// doubles the rule's expansions (2**10 for a field), and the LALR tables with them
field: _fid _freq _field_type _fref _field_name _fdefault _fxsd _fann _osep
_fid: (NUMBER _COLON)?
_freq: (KW_REQUIRED | KW_OPTIONAL)?
_fref: AMP?
_fdefault: default?
_fxsd: KW_XSD_OPTIONAL? KW_XSD_NILLABLE? xsd_attrs?
_fann: annotations?
_osep: _sep?
_field_name: IDENTIFIER | {field_name_keywords}
default: _EQ _const_value
xsd_attrs: KW_XSD_ATTRS LBRACE field* RBRACE

_field_type: type_ref | base_type | container_type
type_ref: IDENTIFIER
base_type: (KW_BOOL | KW_BYTE | KW_I8 | KW_I16 | KW_I32 | KW_I64 | KW_DOUBLE | KW_STRING | KW_BINARY | KW_UUID) annotations?
container_type: (map_type | set_type | list_type) annotations?
map_type: KW_MAP cpp_type? _LT _field_type _COMMA _field_type _GT
set_type: KW_SET cpp_type? _LT _field_type _GT
list_type: KW_LIST cpp_type? _LT _field_type _GT cpp_type?
cpp_type: KW_CPP_TYPE LITERAL

annotations: _LPAR annotation* RPAR
annotation: IDENTIFIER (_EQ LITERAL)? _sep?

_const_value: NUMBER | LITERAL | IDENTIFIER | KW_TRUE | KW_FALSE | const_list | const_map
const_list: LSQB (_const_value _sep?)* RSQB
const_map: LBRACE (_const_value _COLON _const_value _sep?)* RBRACE

_sep: _COMMA | _SEMI

%declare IDENTIFIER NUMBER LITERAL {keywords} {symbols}
""".format(
    field_name_keywords=" | ".join(_KW[k] for k in _FIELD_NAME_KW),
    keywords=" ".join(_KW.values()),
    symbols=" ".join(_SYMBOLS.values()),
)

_TOKEN_RE: Final = re.compile(
    r"""
     (?P<WS>[ \t\r\n\f]+)
    |(?P<DOC>/\*\*(?!/)[\s\S]*?\*/)
    |(?P<COMMENT>/\*[\s\S]*?\*/|//[^\n]*|\#[^\n]*)
    |(?P<NUMBER>[+-]?(?:0x[0-9A-Fa-f]+|[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+(?:[eE][+-]?[0-9]+)?))
    |(?P<IDENTIFIER>[a-zA-Z_](?:\.[a-zA-Z_0-9]|[a-zA-Z_0-9])*)
    |(?P<LITERAL>"(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\\\n]|\\[^\n])*')
    |(?P<SYM>[:;,{}()=<>\[\]*&])
    """,
    re.X,
)
# what may sit between a doc comment and its definition; one character or one whole
# comment per step, so a failed match never backtracks through ways of splitting a run
_GAP: Final = re.compile(r"(?:\s|//[^\n]*|\#[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)*")
_ESCAPES: Final = {"r": "\r", "n": "\n", "t": "\t", '"': '"', "'": "'", "\\": "\\"}

# readable names of terminals, for syntax errors
_TERMINAL_NAMES: Final = {
    "IDENTIFIER": "a name", "NUMBER": "a number", "LITERAL": "a string literal",
    "$END": "end of file",
    **{v: repr(k) for k, v in _KW.items()},
    **{v: repr(k) for k, v in _SYMBOLS.items()},
}


@dataclass
class _Source:
    """What the tokenizer reads: one file's text; doc comments are collected on the way."""

    file: str
    text: str
    docs: list[tuple[int, int, int, int]] = field(default_factory=list)  # start, end, line, col


class _Tokenizer(Lexer):
    """Thrift tokens (thriftl.ll): one regular expression, keywords by table lookup."""

    def __init__(self, conf: Any) -> None:  # noqa: D107 - lark's interface
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        src: _Source = data
        text = src.text
        pos, line, line_start, n = 0, 1, 0, len(text)
        match = _TOKEN_RE.match
        kw, syms, docs = _KW, _SYMBOLS, src.docs
        new_token: Any = Token._future_new  # Token() without its keyword-argument shim
        while pos < n:
            m = match(text, pos)
            if m is None:
                col = pos - line_start + 1
                ch = text[pos]
                if text.startswith("/*", pos):
                    msg = "unterminated comment"
                elif ch in "\"'":
                    msg = "unterminated string literal (a literal cannot span lines)"
                else:  # the character itself only when it is ASCII punctuation, never text
                    shown = repr(ch) if ch in string.punctuation else "character"
                    msg = f"unexpected {shown} (not part of Thrift's syntax)"
                raise SchemaError(msg, src.file, line, col)
            kind = m.lastgroup
            end = m.end()
            if kind == "WS" or kind == "COMMENT" or kind == "DOC":
                if kind == "DOC":
                    docs.append((pos, end, line, pos - line_start + 1))
                nl = text.count("\n", pos, end)
                if nl:
                    line += nl
                    line_start = text.rfind("\n", pos, end) + 1
                pos = end
                continue
            value = m.group()
            if kind == "IDENTIFIER":
                kind = kw.get(value, "IDENTIFIER")
            elif kind == "SYM":
                kind = syms[value]
            col = pos - line_start + 1
            yield new_token(kind, value, pos, line, col, line, col + end - pos, end)
            pos = end


_PARSER: Lark | None = None


def _parser() -> Lark:
    """The LALR parser (its tables take about 0.1 s to build, once per process)."""
    global _PARSER
    if _PARSER is None:
        _PARSER = Lark(GRAMMAR, parser="lalr", lexer=_Tokenizer)
    return _PARSER


# --------------------------------------------------------------------------- syntax model


@dataclass(eq=False)
class _TypeExpr:
    """A type as written: ``kind`` is base, ref, list, set or map."""

    kind: str
    name: str = ""  # base type name, or the referenced name
    args: tuple[_TypeExpr, ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    tok: Token | None = None

    def text(self) -> str:
        ann = ""
        if self.annotations:
            ann = " (" + ", ".join(f"{k} = {_quote(v)}" for k, v in self.annotations) + ")"
        if self.kind in ("base", "ref"):
            return self.name + ann
        inner = ", ".join(a.text() for a in self.args)
        return f"{self.kind}<{inner}>{ann}"


@dataclass(eq=False)
class _Const:
    """A constant value as written (``kind``: int, double, literal, ident, list, map)."""

    kind: str
    value: Any
    tok: Token


@dataclass(eq=False)
class _Field:
    fid: int | None  # explicit id (positive), or None
    auto_id: int  # Apache's automatic id when fid is None
    id_tok: Token | None
    req: Literal["required", "optional", "default"]
    type: _TypeExpr
    reference: bool
    name: str
    name_tok: Token
    default: _Const | None
    annotations: tuple[tuple[str, str], ...]
    doc: str


@dataclass(eq=False)
class _Def:
    kind: str  # struct, union, exception, enum, typedef, const, service
    name: str
    tok: Token  # the name
    prog: _Program
    span: tuple[int, int]  # source text of the definition (doc comment included)
    doc: str = ""
    annotations: tuple[tuple[str, str], ...] = ()
    fields: list[_Field] = field(default_factory=list)
    values: list[tuple[str, int, Token, str, tuple[tuple[str, str], ...]]] = field(
        default_factory=list
    )  # enum: name, value, token, doc, annotations
    type: _TypeExpr | None = None  # typedef target, const type
    value: _Const | None = None  # const value

    @property
    def full(self) -> str:
        ns = self.prog.namespace
        return f"{ns}.{self.name}" if ns else self.name

    def loc(self) -> ir.SourceLocation:
        return ir.SourceLocation(self.prog.file, self.tok.line or 0, self.tok.column or 0)


@dataclass(eq=False)
class _Program:
    file: str  # as displayed (the path given, or built from an include)
    key: str  # resolved path (identity)
    text: str
    stem: str
    namespace: str = ""
    includes: dict[str, _Program] = field(default_factory=dict)  # prefix -> program
    types: dict[str, _Def] = field(default_factory=dict)  # typedef/struct/enum/service
    consts: dict[str, _Def] = field(default_factory=dict)
    order: list[_Def] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _clean_doc(raw: str) -> str:
    """The text of a ``/** ... */`` comment, as Apache's ``clean_up_doctext`` leaves it."""
    body = raw[3:-2]
    lines = [ln.rstrip() for ln in body.split("\n")]
    rest = lines[1:]
    if rest and all(re.match(r"\s*\*", ln) for ln in rest if ln.strip()):
        rest = [re.sub(r"^\s*\* ?", "", ln) if ln.strip() else "" for ln in rest]
    first = lines[0]
    return inspect.cleandoc("\n".join([first.strip(), *rest]))


def _tok(node: Tree[Token] | Token) -> Token:
    assert isinstance(node, Token)
    return node


def _first_token(node: Tree[Token] | Token) -> Token:
    while isinstance(node, Tree):
        node = node.children[0]
    return node


def _last_token(node: Tree[Token] | Token) -> Token:
    while isinstance(node, Tree):
        node = node.children[-1]
    return node


class _Ctx:
    """One file's parse: its text and doc comments, for docs and error positions."""

    def __init__(self, prog: _Program, docs: list[tuple[int, int, int, int]]) -> None:
        self.prog = prog
        self.docs = docs
        self.doc_ends = [d[1] for d in docs]

    def err(self, tok: Token | None, message: str, path: str = "") -> SchemaError:
        if tok is None:
            return SchemaError(message, self.prog.file, path=path)
        return SchemaError(message, self.prog.file, tok.line or 0, tok.column or 0, path)

    def doc_before(self, start: int) -> tuple[str, int]:
        """The doc comment right before offset ``start`` (only whitespace and plain
        comments between), and where it starts; ("", start) when there is none."""
        i = bisect.bisect_right(self.doc_ends, start) - 1
        if i < 0:
            return "", start
        d_start, d_end, _, _ = self.docs[i]
        if _GAP.fullmatch(self.prog.text, d_end, start) is None:
            return "", start
        return _clean_doc(self.prog.text[d_start:d_end]), d_start


def _literal(ctx: _Ctx, tok: Token) -> str:
    raw = str(tok)[1:-1]
    if "\\" not in raw:
        return raw
    out = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            nxt = raw[i + 1]
            if nxt not in _ESCAPES:
                raise ctx.err(tok, f"bad escape '\\{nxt}' in string literal "
                                   "(Thrift knows \\r \\n \\t \\\" \\' \\\\)")
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _number(ctx: _Ctx, tok: Token) -> _Const:
    text = tok.value
    body = text.lstrip("+-")
    neg = text.startswith("-")
    if body[:2] in ("0x", "0X"):
        value: int | float = int(body[2:], 16)
        kind = "int"
    elif any(c in body for c in ".eE"):
        value = float(body)
        kind = "double"
    else:
        value = int(body, 10)
        kind = "int"
    if neg:
        value = -value
    if kind == "int" and not -(2**63) <= value < 2**63:
        raise ctx.err(tok, f"this integer is too big: {text}")
    return _Const(kind, value, tok)


def _int_value(ctx: _Ctx, tok: Token, what: str) -> int:
    c = _number(ctx, tok)
    if c.kind != "int":
        raise ctx.err(tok, f"{what} must be an integer, got {tok.value}")
    return int(c.value)


# --------------------------------------------------------------------------- parse


class _Parser:
    """Parse tree of one file -> :class:`_Program` definitions."""

    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.prog = ctx.prog
        self._py = False  # a ``namespace py`` was seen (it wins over ``namespace *``)

    def annotations(self, node: Tree[Token] | None) -> tuple[tuple[str, str], ...]:
        if node is None:
            return ()
        out = []
        for a in node.children:
            if isinstance(a, Tree):
                key = a.children[0]
                value = _literal(self.ctx, _tok(a.children[1])) if len(a.children) > 1 else "1"
                out.append((str(key), value))
        return tuple(out)

    @staticmethod
    def _child(node: Tree[Token], data: str) -> Tree[Token] | None:
        for c in node.children:
            if isinstance(c, Tree) and c.data == data:
                return c
        return None

    def type_expr(self, node: Tree[Token], depth: int = 1) -> _TypeExpr:
        data = node.data
        if data == "type_ref":
            tok = _tok(node.children[0])
            return _TypeExpr("ref", str(tok), tok=tok)
        ann = self.annotations(self._child(node, "annotations"))
        if data == "base_type":
            tok = _tok(node.children[0])
            return _TypeExpr("base", str(tok), annotations=ann, tok=tok)
        # container_type
        inner = node.children[0]
        assert isinstance(inner, Tree)
        kind = inner.data[: -len("_type")]  # map, set, list
        if depth > ir.MAX_NESTING:
            raise self.ctx.err(_tok(inner.children[0]), f"{kind} type nested more than "
                               f"{ir.MAX_NESTING} levels deep; the limit is {ir.MAX_NESTING}")
        args = tuple(
            self.type_expr(c, depth + 1) for c in inner.children
            if isinstance(c, Tree) and c.data != "cpp_type"
        )
        return _TypeExpr(kind, kind, args, ann, tok=_tok(inner.children[0]))

    def const(self, node: Tree[Token] | Token) -> _Const:
        if isinstance(node, Token):
            t = node.type
            if t == "NUMBER":
                return _number(self.ctx, node)
            if t == "LITERAL":
                return _Const("literal", _literal(self.ctx, node), node)
            if t == "KW_TRUE":
                return _Const("int", 1, node)
            if t == "KW_FALSE":
                return _Const("int", 0, node)
            return _Const("ident", str(node), node)
        items = [c for c in node.children[1:-1]]
        start = node.children[0]
        assert isinstance(start, Token)
        if node.data == "const_list":
            return _Const("list", [self.const(c) for c in items], start)
        pairs = [(self.const(items[i]), self.const(items[i + 1]))
                 for i in range(0, len(items), 2)]
        return _Const("map", pairs, start)

    def field_list(self, nodes: list[Tree[Token]], what: str) -> list[_Field]:
        fields: list[_Field] = []
        auto = -1
        for node in nodes:
            ch = node.children
            i = 0
            fid: int | None = None
            id_tok: Token | None = None
            if isinstance(ch[0], Token) and ch[0].type == "NUMBER":
                id_tok = ch[0]
                fid = _int_value(self.ctx, id_tok, "a field id")
                i = 1
            req: Literal["required", "optional", "default"] = "default"
            c0 = ch[i]
            if isinstance(c0, Token) and c0.type in ("KW_REQUIRED", "KW_OPTIONAL"):
                req = "required" if c0.type == "KW_REQUIRED" else "optional"
                i += 1
            type_node = ch[i]
            assert isinstance(type_node, Tree)
            texpr = self.type_expr(type_node)
            i += 1
            reference = False
            c1 = ch[i]
            if isinstance(c1, Token) and c1.type == "AMP":
                reference = True
                i += 1
            name_tok = ch[i]
            assert isinstance(name_tok, Token)
            i += 1
            default = None
            ann: tuple[tuple[str, str], ...] = ()
            for c in ch[i:]:
                if isinstance(c, Tree):
                    if c.data == "default":
                        default = self.const(c.children[0])
                    elif c.data == "annotations":
                        ann = self.annotations(c)
            name = str(name_tok)
            if "." in name:
                raise self.ctx.err(name_tok, f"a field name cannot contain '.': {name!r}")
            auto_id = 0
            if fid is None or fid <= 0:
                auto_id = auto
                auto -= 1
                if fid is not None:
                    self.warn(id_tok, f"field {name!r} of {what}: field id {fid} is not "
                              f"positive; Thrift assigns {auto_id} instead")
                else:
                    self.warn(name_tok, f"field {name!r} of {what} has no field id: Thrift "
                              f"assigns {auto_id} (implicit ids are not backwards "
                              "compatible); no Parquet field id is written for it")
                fid = None
            elif fid > 32767:
                self.warn(id_tok, f"field id {fid} of {name!r} exceeds Thrift's range "
                          "(1..32767)")
            doc, _ = self.ctx.doc_before(_first_token(node).start_pos or 0)
            fields.append(_Field(fid, auto_id, id_tok, req, texpr, reference, name, name_tok,
                                 default, ann, doc))
        return fields

    def warn(self, tok: Token | None, message: str) -> None:
        line = tok.line if tok is not None and tok.line is not None else 0
        col = tok.column if tok is not None and tok.column is not None else 0
        warnings.warn_explicit(
            f"{self.prog.file}:{line}:{col}: {message}", SchemaWarning, self.prog.file,
            line or 1,
        )

    def definition(self, node: Tree[Token]) -> _Def:
        kw = node.children[0]
        assert isinstance(kw, Token)
        start = kw.start_pos or 0
        doc, doc_start = self.ctx.doc_before(start)
        end = _last_token(node).end_pos or start
        data = node.data
        ann_node = node.children[-1] if isinstance(node.children[-1], Tree) and \
            node.children[-1].data == "annotations" else None
        ann = self.annotations(ann_node)
        if data in ("const", "typedef"):
            texpr = self.type_expr(node.children[1])  # type: ignore[arg-type]
            name_tok = node.children[2]
        else:
            name_tok = node.children[1]
            texpr = None
        assert isinstance(name_tok, Token)
        name = str(name_tok)
        if "." in name:
            raise self.ctx.err(name_tok, f"a name cannot contain '.': {name!r}")
        kind = data
        if data == "struct":
            kind = "union" if kw.type == "KW_UNION" else "struct"
        d = _Def(kind, name, name_tok, self.prog, (doc_start, end), doc, ann, type=texpr)
        what = f"{kind} {name}"
        if data == "const":
            d.value = self.const(node.children[3])
        elif data in ("struct", "exception"):
            d.fields = self.field_list(
                [c for c in node.children if isinstance(c, Tree) and c.data == "field"], what
            )
        elif data == "enum":
            last = -1
            for v in node.children:
                if not (isinstance(v, Tree) and v.data == "enum_value"):
                    continue
                vtok = v.children[0]
                assert isinstance(vtok, Token)
                vann: tuple[tuple[str, str], ...] = ()
                explicit = None
                for c in v.children[1:]:
                    if isinstance(c, Token):
                        explicit = c
                    elif c.data == "annotations":
                        vann = self.annotations(c)
                if "." in str(vtok):
                    raise self.ctx.err(vtok, f"an enum value name cannot contain '.': {vtok}")
                if explicit is not None:
                    value = _int_value(self.ctx, explicit, "an enum value")
                    if not -(2**31) <= value < 2**31:
                        raise self.ctx.err(explicit, f"enum value {value} of {vtok} is "
                                                     "outside the 32-bit range")
                else:
                    if last == 2**31 - 1:
                        raise self.ctx.err(vtok, f"enum value overflow at {vtok}")
                    value = last + 1
                last = value
                vdoc, _ = self.ctx.doc_before(vtok.start_pos or 0)
                d.values.append((str(vtok), value, vtok, vdoc, vann))
        return d

    def program(self, tree: Tree[Token]) -> list[Tree[Token]]:
        """Headers into the program; returns the include nodes (loaded by the caller)."""
        includes = []
        for node in tree.children:
            assert isinstance(node, Tree)
            data = node.data
            if data == "include":
                includes.append(node)
            elif data == "namespace":
                scope = str(node.children[1])
                if scope in ("py", "*"):
                    value = str(node.children[2])
                    if scope == "py":
                        self.prog.namespace = value
                        self._py = True
                    elif not self._py:
                        self.prog.namespace = value
            elif data == "cpp_include":
                pass
            else:
                d = self.definition(node)
                self.add(d)
        if not self.prog.namespace:
            self.prog.namespace = re.sub(r"[^0-9A-Za-z_]", "_", self.prog.stem) or "_"
        return includes

    def add(self, d: _Def) -> None:
        table = self.prog.consts if d.kind == "const" else self.prog.types
        other = table.get(d.name)
        if other is not None:
            what = "constant" if d.kind == "const" else "type"
            raise self.ctx.err(
                d.tok, f"{what} {d.name!r} is already defined (line {other.tok.line})"
            )
        table[d.name] = d
        self.prog.order.append(d)


# --------------------------------------------------------------------------- constant values


def _int_in_range(t: ir.Int, v: int, bad: Callable[[str], SchemaError]) -> int:
    if not t.holds(v):
        raise bad(f"an i{t.bits} integer in [{t.min}, {t.max}]")
    return v


def _scalar_value(t: ir.Bool | ir.Int | ir.Float | ir.String | ir.Bytes | ir.Uuid, c: _Const,
                  bad: Callable[[str], SchemaError]) -> Any:
    """A literal constant as a value of a scalar type."""
    match t:
        case ir.Bool():
            if c.kind != "int":
                raise bad("a bool (true, false, 0 or 1)")
            return bool(c.value)
        case ir.Int():
            if c.kind != "int":
                raise bad(f"an i{t.bits} integer")
            return _int_in_range(t, int(c.value), bad)
        case ir.Float():
            if c.kind not in ("int", "double"):
                raise bad("a number")
            return float(c.value)
        case ir.String() | ir.Bytes():
            if c.kind != "literal":
                raise bad("a string literal")
            return c.value if isinstance(t, ir.String) else str(c.value).encode("utf-8")
        case ir.Uuid():
            if c.kind != "literal":
                raise bad("a UUID string literal")
            text = str(c.value).strip()
            if text.startswith("{") and text.endswith("}"):
                text = text[1:-1]
            try:
                if len(text) != 36:
                    raise ValueError(text)
                return uuid.UUID(text)
            except ValueError:
                raise bad("a UUID such as '00000000-4444-CCCC-ffff-0123456789ab'") from None
        case _:
            assert_never(t)


# --------------------------------------------------------------------------- loader


class _Loader:
    def __init__(self, include_dirs: Sequence[str | os.PathLike[str]],
                 roots: Sequence[str]) -> None:
        self.include_dirs = [Path(d) for d in include_dirs]
        self.roots = roots
        for d in self.include_dirs:
            if not d.is_dir():
                raise SchemaError(f"include folder {str(d)!r} does not exist", str(d))
        self.programs: dict[str, _Program] = {}
        self.order: list[_Program] = []
        self.ctxs: dict[str, _Ctx] = {}

    # ------------------------------------------------------------------ files

    def load(self, file: str, stack: tuple[str, ...] = ()) -> _Program:
        key = os.path.realpath(file)
        prog = self.programs.get(key)
        if prog is not None:
            return prog
        try:
            raw = Path(file).read_bytes()
        except OSError as e:
            raise SchemaError(f"cannot read schema file: {e.strerror or e}", file) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            raise SchemaError("file is not valid UTF-8", file, line, col) from None
        if text.startswith("\ufeff"):
            text = text[1:]
        stem = Path(file).name
        if stem.endswith(".thrift"):
            stem = stem[: -len(".thrift")]
        prog = _Program(file, key, text, stem)
        src = _Source(file, text)
        try:
            with parser_errors(file, "lark", "Thrift", (UnexpectedInput,), source=text):
                tree = _parser().parse(src)  # our tokenizer reads the _Source
        except UnexpectedInput as e:
            raise _syntax_error(e, file) from None
        ctx = _Ctx(prog, src.docs)
        self.ctxs[key] = ctx
        parser = _Parser(ctx)
        includes = parser.program(tree)
        self.programs[key] = prog
        stack = (*stack, key)
        for node in includes:
            tok = node.children[1]
            assert isinstance(tok, Token)
            name = _literal(ctx, tok)
            target = self.find_include(prog, name)
            if target is None:
                searched = [str(Path(file).parent or ".")] + [str(d) for d in self.include_dirs]
                raise ctx.err(tok, f"cannot find include {name!r} (searched: "
                                   f"{', '.join(searched)})")
            refused = outside_message(target, self.roots)
            if refused is not None:  # absolute, ../ or through a symlink: never read
                raise ctx.err(tok, f"include {name!r}: {refused}")
            tkey = os.path.realpath(target)
            if tkey in stack:
                cycle = [Path(self.programs[k].file).name for k in stack[stack.index(tkey):]]
                cycle.append(Path(target).name)
                raise ctx.err(tok, f"include cycle: {' -> '.join(cycle)}")
            inc = self.load(target, stack)
            prefix = inc.stem
            other = prog.includes.get(prefix)
            if other is not None and other is not inc:
                raise ctx.err(tok, f"two included files are both called {prefix!r} "
                                   f"({other.file} and {inc.file}); their types could not "
                                   "be told apart")
            prog.includes[prefix] = inc
        self.order.append(prog)
        return prog

    def find_include(self, prog: _Program, name: str) -> str | None:
        p = Path(name)
        if p.is_absolute():
            return name if p.is_file() else None
        candidates = [Path(prog.file).parent / p] + [d / p for d in self.include_dirs]
        for c in candidates:
            if c.is_file():
                return os.path.normpath(str(c))
        return None

    # ------------------------------------------------------------------ resolve

    @staticmethod
    def lookup(prog: _Program, name: str, tok: Token | None,
               table: str = "types") -> _Def | None:
        """The definition ``name`` refers to from ``prog`` (``prefix.Name`` for includes)."""
        consts = table == "consts"
        d = (prog.consts if consts else prog.types).get(name)
        if d is not None or "." not in name:
            return d
        prefix, _, rest = name.partition(".")
        inc = prog.includes.get(prefix)
        if inc is None:
            return None
        return (inc.consts if consts else inc.types).get(rest)

    def resolve_type(self, prog: _Program, t: _TypeExpr, seen: tuple[str, ...] = ()) -> ir.Type:
        if t.kind == "base":
            return _BASE_TYPES[t.name]
        if t.kind == "list":
            return ir.List(self.resolve_type(prog, t.args[0], seen))
        if t.kind == "set":
            return ir.List(self.resolve_type(prog, t.args[0], seen), unique=True)
        if t.kind == "map":
            return ir.Map(self.resolve_type(prog, t.args[0], seen),
                          self.resolve_type(prog, t.args[1], seen))
        d = self.lookup(prog, t.name, t.tok)
        ctx = self.ctxs[prog.key]
        if d is None:
            hint = ""
            prefix, dot, _ = t.name.partition(".")
            if dot and prefix not in prog.includes:
                hint = f" ({prefix!r} is not an included file)"
            raise ctx.err(t.tok, f"unknown type {t.name!r}{hint}")
        if d.kind in ("struct", "union", "exception"):
            return ir.RecordRef(d.full)
        if d.kind == "enum":
            return ir.EnumRef(d.full)
        if d.kind == "service":
            raise ctx.err(t.tok, f"{t.name!r} is a service, not a type")
        # typedef
        key = f"{d.prog.key}:{d.name}"
        if key in seen:
            raise ctx.err(t.tok, f"typedef cycle through {t.name!r}")
        assert d.type is not None
        return self.resolve_type(d.prog, d.type, (*seen, key))

    def typedefs_in(self, prog: _Program, t: _TypeExpr, out: list[str]) -> None:
        """``Name = target`` for every typedef ``t`` goes through (chains followed)."""
        if t.kind == "ref":
            d = self.lookup(prog, t.name, t.tok)
            if d is not None and d.kind == "typedef" and d.type is not None:
                entry = f"{t.name} = {d.type.text()}"
                if entry not in out:
                    out.append(entry)
                    self.typedefs_in(d.prog, d.type, out)
        for a in t.args:
            self.typedefs_in(prog, a, out)

    # ------------------------------------------------------------------ convert

    def convert(self) -> ir.Schema:
        types: dict[str, ir.Named] = {}
        sources: dict[str, str] = {}
        where: dict[str, _Def] = {}
        # pass 1: field types (defaults and constants need every record's fields)
        self.field_types: dict[int, list[ir.Type]] = {}
        for prog in self.order:
            for d in prog.order:
                full = d.full
                if d.kind in ("struct", "union", "exception", "enum"):
                    other = where.get(full)
                    if other is not None:
                        raise SchemaError.at(
                            d.loc(), f"{full} is also defined in {other.prog.file} "
                            f"(line {other.tok.line}); both files use namespace "
                            f"{prog.namespace!r}")
                    where[full] = d
                if d.kind in ("struct", "union", "exception"):
                    self.field_types[id(d)] = [self.resolve_type(prog, f.type) for f in d.fields]
                    self.check_fields(d)
                elif d.kind in ("typedef", "const"):
                    assert d.type is not None
                    self.resolve_type(prog, d.type)  # unknown types and cycles are errors
        self.where = where
        # pass 2: IR definitions
        for prog in self.order:
            for d in prog.order:
                if d.kind in ("struct", "union", "exception"):
                    types[d.full] = self.record(d)
                elif d.kind == "enum":
                    types[d.full] = self.enum(d)
                else:
                    continue
                sources[d.full] = prog.file
        constants: dict[str, ir.Constant] = {}
        for prog in self.order:
            for d in prog.order:
                if d.kind == "const":
                    c = self.constant(d)
                    other_c = constants.get(c.name)
                    if other_c is not None:
                        raise SchemaError.at(d.loc(), f"constant {c.name} is also defined in "
                                                      f"{other_c.location}")
                    constants[c.name] = c
        return ir.Schema(types=types, sources=sources, constants=constants)

    def check_fields(self, d: _Def) -> None:
        ctx = self.ctxs[d.prog.key]
        ids: dict[int, _Field] = {}
        names: dict[str, _Field] = {}
        defaults = 0
        for f in d.fields:
            fid = f.fid if f.fid is not None else f.auto_id
            if fid in ids:
                raise ctx.err(f.id_tok or f.name_tok,
                              f"duplicate field id {fid} in {d.kind} {d.name}: also used by "
                              f"field {ids[fid].name!r} (line {ids[fid].name_tok.line})")
            ids[fid] = f
            if f.name in names:
                raise ctx.err(f.name_tok, f"duplicate field name {f.name!r} in {d.kind} "
                                          f"{d.name} (line {names[f.name].name_tok.line})")
            names[f.name] = f
            if d.kind == "union" and f.default is not None:
                defaults += 1
                if defaults > 1:
                    raise ctx.err(f.default.tok, f"field {f.name!r} provides another default "
                                                 f"value for union {d.name}")

    def warn(self, prog: _Program, tok: Token | None, message: str) -> None:
        _Parser(self.ctxs[prog.key]).warn(tok, message)

    def record(self, d: _Def) -> ir.Record:
        prog = d.prog
        fields = []
        for f, t in zip(d.fields, self.field_types[id(d)]):
            path = f"{d.name}.{f.name}"
            req = f.req
            if d.kind == "union" and req == "required":
                self.warn(prog, f.name_tok, f"required field {f.name!r} of union {d.name} "
                          "set to optional")
                req = "optional"
            ftype: ir.Type = t if req == "required" else ir.Nullable(t)
            default: Any = ir.NO_DEFAULT if req == "required" else None
            written_default: str | None = None
            if f.default is not None:
                value = self.value(prog, t, f.default, path)
                if d.kind == "union":
                    self.warn(prog, f.default.tok, f"the default of union member {f.name!r} "
                              "is ignored: a union value has at most one member set, and a "
                              "default would stay set when another member is chosen")
                    written_default = str(f.default.tok)
                else:
                    default = value
            doc = f.doc
            tds: list[str] = []
            self.typedefs_in(prog, f.type, tds)
            written = ""
            if tds or f.type.annotations or any(_has_annotations(a) for a in f.type.args):
                written = f.type.text()
                if tds:
                    note = f"Thrift type: {f.type.text()} (typedef {'; '.join(tds)})."
                    doc = f"{doc}\n\n{note}" if doc else note
            fields.append(ir.Field(
                name=f.name, type=ftype, doc=doc, default=default, field_id=f.fid,
                location=ir.SourceLocation(prog.file, f.name_tok.line or 0,
                                           f.name_tok.column or 0),
                metadata=tuple((f"{keys.THRIFT_ANNOTATION}{k}", v) for k, v in f.annotations),
                origin=ir.ThriftOrigin(
                    requiredness=req, auto_id=f.auto_id if f.fid is None else None,
                    default=written_default, reference=bool(f.reference), type=written,
                    typedefs=tuple(tds)),
            ))
        kind = {"struct": "record", "union": "union", "exception": "error"}[d.kind]
        return ir.Record(
            name=d.full, fields=tuple(fields), doc=d.doc, location=d.loc(),
            native=((pqkeys.THRIFT_SCHEMA_KEY, self.idl_text(d)), (pqkeys.WRITER_MODEL_KEY, "thrift")),
            kind=kind,  # type: ignore[arg-type]
            metadata=tuple((f"{keys.THRIFT_ANNOTATION}{k}", v) for k, v in d.annotations),
        )

    def enum(self, d: _Def) -> ir.Enum:
        ctx = self.ctxs[d.prog.key]
        seen: dict[str, Token] = {}
        for name, _, tok, _, _ in d.values:
            if name in seen:
                raise ctx.err(tok, f"duplicate value name {name!r} in enum {d.name} "
                                   f"(line {seen[name].line})")
            seen[name] = tok
        meta = [(f"{keys.THRIFT_ANNOTATION}{k}", v) for k, v in d.annotations]
        for name, _, _, _, vann in d.values:
            meta.extend((f"{keys.THRIFT_ANNOTATION}{name}.{k}", v) for k, v in vann)
        return ir.Enum(
            name=d.full,
            symbols=tuple(v[0] for v in d.values),
            doc=d.doc,
            values=tuple(v[1] for v in d.values),
            location=d.loc(),
            symbol_docs=tuple(v[3] for v in d.values) if any(v[3] for v in d.values) else (),
            metadata=tuple(meta),
        )

    def constant(self, d: _Def) -> ir.Constant:
        assert d.type is not None and d.value is not None
        t = self.resolve_type(d.prog, d.type)
        value = self.value(d.prog, t, d.value, d.name, (d,))
        tds: list[str] = []
        self.typedefs_in(d.prog, d.type, tds)
        origin = ir.ThriftOrigin(type=d.type.text(), typedefs=tuple(tds)) if tds else None
        return ir.Constant(name=d.full, type=t, value=value, doc=d.doc, location=d.loc(),
                           origin=origin)

    # ------------------------------------------------------------------ values

    def value(self, prog: _Program, t: ir.Type, c: _Const, path: str,
              via: tuple[_Def, ...] = ()) -> Any:
        """``c`` (written in ``prog``) as an IR value of type ``t``."""
        ctx = self.ctxs[prog.key]
        inner, _ = ir.strip_nullable(t)

        def bad(expected: str) -> SchemaError:
            shown = c.tok.value if c.kind not in ("list", "map") else c.kind
            return ctx.err(c.tok, f"invalid value {shown} for {path}: expected {expected}", path)

        if c.kind == "ident":
            return self.ident_value(prog, t, inner, c, path, via, bad)
        match inner:
            case ir.EnumRef(name):
                enum = self.where[name]
                if c.kind == "int":
                    for n, v, *_ in enum.values:
                        if v == c.value:
                            return n
                    raise bad(f"a value of enum {enum.name} "
                              f"({', '.join(f'{n} = {v}' for n, v, *_ in enum.values)})")
                raise bad(f"a value of enum {enum.name}, written {enum.name}.SYMBOL")
            case ir.List():
                if c.kind == "map" and not c.value:
                    # ``{}`` for an empty list or set: the Apache compiler reads any
                    # constant's list part, which is empty for a map (ThriftTest.thrift:
                    # ``set<binary> bin_set = {}``)
                    return ()
                if c.kind != "list":
                    raise bad("a list [...]" + ("; a non-empty map {...} is not one (the "
                                                "Apache compiler would silently drop its "
                                                "entries)" if c.kind == "map" else ""))
                out = []
                for i, item in enumerate(c.value):
                    v = self.value(prog, inner.item, item, f"{path}[{i}]", via)
                    if inner.unique and v in out:
                        continue
                    out.append(v)
                return tuple(out)
            case ir.Map():
                return self.map_value(prog, inner, c, path, via, bad)
            case ir.RecordRef(name):
                return self.record_value(prog, name, c, path, via, bad)
            case ir.Bool() | ir.Int() | ir.Float() | ir.String() | ir.Bytes() | ir.Uuid():
                return _scalar_value(inner, c, bad)
            case (ir.Null() | ir.Fixed() | ir.Decimal() | ir.Date() | ir.Time() | ir.Timestamp()
                  | ir.Duration() | ir.Interval() | ir.Json() | ir.Union_() | ir.Nullable()):
                raise bad(ir.describe(inner))  # pragma: no cover - Thrift has no such types
            case _:
                assert_never(inner)

    def ident_value(self, prog: _Program, t: ir.Type, inner: ir.Type, c: _Const, path: str,
                    via: tuple[_Def, ...], bad: Callable[[str], SchemaError]) -> Any:
        """A name as a value: a constant, or (for enums and integers) an enum value."""
        ctx = self.ctxs[prog.key]
        ref = self.lookup(prog, c.value, c.tok, "consts")
        if ref is not None:
            if ref in via:
                raise ctx.err(c.tok, f"constant {ref.name!r} refers to itself")
            assert ref.value is not None
            return self.value(ref.prog, t, ref.value, path, (*via, ref))
        enum_def, symbol = self.enum_value(prog, c.value)
        if isinstance(inner, ir.EnumRef) and (enum_def is None or enum_def.full != inner.name):
            return self.enum_by_field_type(prog, inner, enum_def, c, path, bad)
        if enum_def is None:
            raise ctx.err(c.tok, f"unknown constant {c.value!r} (for {path})", path)
        if isinstance(inner, ir.EnumRef):
            return symbol
        if isinstance(inner, ir.Int):
            number = next(v for n, v, *_ in enum_def.values if n == symbol)
            return _int_in_range(inner, number, bad)
        raise bad(ir.describe(inner))

    def enum_by_field_type(self, prog: _Program, inner: ir.EnumRef, named: _Def | None,
                           c: _Const, path: str, bad: Callable[[str], SchemaError]) -> str:
        """A qualified name for a value of enum ``inner`` that does not name one of its
        values (``named``: the enum it names instead, if any).

        The Apache compiler resolves an enum value by the type it is assigned to: it takes
        the last part of ``X.SYMBOL`` or ``X.Y.SYMBOL`` as a value of that type, whatever
        ``X`` names (EnumTest.thrift: ``1: MyEnum2 me2_2 = MyEnum1.ME2_2``; an include's
        name, ``shared_types.SharedEnum0``).  So does this front end, with a warning, when
        ``X`` names an enum or an include (a qualifier that names nothing is an unknown
        constant: a typo is not taken for a value); a symbol the type does not have is an
        error naming its values."""
        target = self.where[inner.name]
        symbol = str(c.value).rpartition(".")[2]
        symbols = [n for n, *_ in target.values]
        known = named is not None or self.qualifier_known(prog, c.value)
        if not known:
            raise self.ctxs[prog.key].err(
                c.tok, f"unknown constant {c.value!r} (for {path}: expected a value of enum "
                       f"{target.name}: {', '.join(symbols)})", path)
        if c.value.count(".") not in (1, 2) or symbol not in symbols:
            raise bad(f"a value of enum {target.name} ({', '.join(symbols)})"
                      + (f", not of {named.full}" if named is not None else ""))
        head = c.value.rpartition(".")[0]
        head_def = self.lookup(prog, head, None)
        if named is not None:
            why = f"{c.value} is a value of enum {named.name}"
        elif head_def is not None and head_def.kind == "enum":
            why = f"enum {head_def.name} has no value {symbol}"
        else:
            why = f"{c.value} is not qualified with its enum's name"
        self.warn(prog, c.tok, f"{why}, but {path} is of enum {target.name}: taken as "
                               f"{target.name}.{symbol} (the Apache compiler resolves an "
                               "enum value by the type it is assigned to)")
        return symbol

    def qualifier_known(self, prog: _Program, name: str) -> bool:
        """Whether the part of ``name`` before its last dot names an enum (or the program
        of an include, for ``include.SYMBOL``)."""
        head = name.rpartition(".")[0]
        d = self.lookup(prog, head, None)
        return (d is not None and d.kind == "enum") or head in prog.includes

    def map_value(self, prog: _Program, inner: ir.Map, c: _Const, path: str,
                  via: tuple[_Def, ...], bad: Callable[[str], SchemaError]) -> Any:
        if c.kind == "list" and not c.value:
            return ()  # ``[]`` for an empty map, as the Apache compiler takes it
        if c.kind != "map":
            raise bad("a map {...}" + ("; a non-empty list [...] is not one (the Apache "
                                       "compiler would silently drop its items)"
                                       if c.kind == "list" else ""))
        ctx = self.ctxs[prog.key]
        pairs: list[tuple[Any, Any]] = []
        keys: list[Any] = []
        for k, v in c.value:
            kv = self.value(prog, inner.key, k, f"{path} key", via)
            if kv in keys:
                raise ctx.err(k.tok, f"duplicate key {k.tok.value} in map {path}", path)
            keys.append(kv)
            pairs.append((kv, self.value(prog, inner.value, v, f"{path}[{k.tok.value}]", via)))
        return tuple(pairs)

    def record_value(self, prog: _Program, name: str, c: _Const, path: str,
                     via: tuple[_Def, ...], bad: Callable[[str], SchemaError]) -> Any:
        ctx = self.ctxs[prog.key]
        rec = self.where[name]
        if c.kind != "map":
            raise bad(f"a {rec.name} written as a map of field names to values")
        ftypes = dict(zip((f.name for f in rec.fields), self.field_types[id(rec)]))
        given: list[tuple[str, Any]] = []
        for k, v in c.value:
            if k.kind != "literal":
                raise ctx.err(k.tok, f"field names of {rec.name} values are string "
                                     f"literals, got {k.tok.value}", path)
            fname = str(k.value)
            if fname not in ftypes:
                raise ctx.err(k.tok, f"{rec.name} has no field {fname!r}", path)
            if any(g == fname for g, _ in given):
                raise ctx.err(k.tok, f"field {fname!r} given twice", path)
            given.append((fname, self.value(prog, ftypes[fname], v, f"{path}.{fname}", via)))
        if rec.kind == "union" and len(given) > 1:
            raise ctx.err(c.tok, f"a value of union {rec.name} sets at most one member, "
                                 f"got {len(given)}", path)
        if rec.kind != "union":
            missing = [f.name for f in rec.fields
                       if f.req == "required" and f.default is None
                       and not any(g == f.name for g, _ in given)]
            if missing:
                raise ctx.err(c.tok, f"value of {rec.name} lacks required field(s) "
                                     f"{', '.join(missing)}", path)
        return tuple(given)

    def enum_value(self, prog: _Program, name: str) -> tuple[_Def | None, str]:
        """``Enum.SYMBOL`` or ``prefix.Enum.SYMBOL`` -> (enum definition, symbol)."""
        head, dot, symbol = name.rpartition(".")
        if not dot:
            return None, ""
        d = self.lookup(prog, head, None)
        if d is None or d.kind != "enum":
            return None, ""
        if not any(n == symbol for n, *_ in d.values):
            return None, ""
        return d, symbol

    # ------------------------------------------------------------------ native schema

    def idl_text(self, root: _Def) -> str:
        """The IDL of ``root`` and of every definition it uses, grouped by file."""
        order: list[_Def] = []
        seen: set[int] = set()

        def visit_type(prog: _Program, t: _TypeExpr) -> None:
            if t.kind == "ref":
                d = self.lookup(prog, t.name, t.tok)
                if d is not None:
                    visit(d)
            for a in t.args:
                visit_type(prog, a)

        def visit(d: _Def) -> None:
            if id(d) in seen:
                return
            seen.add(id(d))
            order.append(d)
            if d.type is not None:
                visit_type(d.prog, d.type)
            for f in d.fields:
                visit_type(d.prog, f.type)

        visit(root)
        by_prog: dict[str, list[_Def]] = {}
        progs: dict[str, _Program] = {}
        for d in order:
            by_prog.setdefault(d.prog.key, []).append(d)
            progs[d.prog.key] = d.prog
        parts = []
        for key, defs in by_prog.items():
            prog = progs[key]
            head = f"// {Path(prog.file).name} (namespace py {prog.namespace})"
            texts = [prog.text[d.span[0]:d.span[1]].replace("\r\n", "\n") for d in
                     sorted(defs, key=lambda x: x.span[0])]
            parts.append("\n\n".join([head + "\n" + texts[0], *texts[1:]]))
        return "\n\n".join(parts) + "\n"


def _has_annotations(t: _TypeExpr) -> bool:
    return bool(t.annotations) or any(_has_annotations(a) for a in t.args)


def _syntax_error(e: UnexpectedInput, file: str) -> SchemaError:
    line = getattr(e, "line", 0) or 0
    col = getattr(e, "column", 0) or 0
    if isinstance(e, UnexpectedToken):
        # a keyword or punctuation is quoted; any other token only by its kind (a name,
        # a number, a string literal): a syntax error never quotes the file's own text
        got = _TERMINAL_NAMES.get(e.token.type, "a token").removeprefix("a ")
        expected = sorted({_TERMINAL_NAMES.get(x, x) for x in e.expected})
        shown = ", ".join(expected[:8]) + (", ..." if len(expected) > 8 else "")
        return SchemaError(f"syntax error: unexpected {got}; expected {shown}", file, line, col)
    return SchemaError(f"syntax error ({type(e).__name__})", file, line, col)


# --------------------------------------------------------------------------- public API


def load(paths: Sequence[str | Path],
         include_dirs: Sequence[str | os.PathLike[str]] = (),
         roots: Sequence[str] = ()) -> ir.Schema:
    """Load ``.thrift`` files (and the files they include) as one set of definitions.

    Includes are searched relative to the including file, then in
    ``include_dirs`` in order.  Definitions of included files are part of the
    result (generated code imports them).  An include that resolves outside ``roots``
    (default: :func:`~schemagen.frontends.base.schema_roots` of ``paths`` and
    ``include_dirs``) is refused, not read.  Raises
    :class:`~schemagen.errors.SchemaError` for any invalid input and warns
    :class:`~schemagen.errors.SchemaWarning` for lossy but legal input.
    """
    loader = _Loader(include_dirs, roots or schema_roots(paths, include_dirs))
    for p in paths:
        loader.load(str(p))
    try:
        return loader.convert()
    except RecursionError:
        raise SchemaError("definitions are nested too deeply to process",
                          str(paths[0]) if paths else "<thrift>") from None
