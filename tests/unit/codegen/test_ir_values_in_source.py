"""IR values reach generated source only through the literal helpers (``int_source``,
``flag_source``, ``str_source``, ``Literals.literal``), which build source from validated
Python values alone: an IR that did not come through the JSON checks (a front-end bug,
hand-built IR) cannot smuggle code in either (issue 15 item 1, defence in depth)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from schemagen import ir
from schemagen.codegen import literals
from schemagen.codegen.render import Compiler

CODE = "__import__('os').system('echo PWNED') or True"


@pytest.mark.parametrize("bad", [True, False, "7", 7.0, None, CODE])
def test_int_source_takes_only_ints(bad: object) -> None:
    with pytest.raises(TypeError, match="not an int"):
        literals.int_source(bad)


@pytest.mark.parametrize("bad", [1, 0, "True", CODE, None])
def test_flag_source_takes_only_bools(bad: object) -> None:
    with pytest.raises(TypeError, match="not a bool"):
        literals.flag_source(bad)


def test_the_helpers_give_literals_of_the_value() -> None:
    assert [literals.int_source(v) for v in (0, -5, 2**64)] == ["0", "-5", str(2**64)]
    assert (literals.flag_source(True), literals.flag_source(False)) == ("True", "False")
    assert ast.literal_eval(literals.str_source(CODE + '"""\n')) == CODE + '"""\n'
    with pytest.raises(TypeError, match="not a str"):
        literals.str_source(b"x")
    assert literals.source(True) == "True" and literals.source(3) == "3"


def _compile(rec: ir.Record, *extra: ir.Named) -> dict[str, str]:
    types = {t.name: t for t in (rec, *extra)}
    return Compiler(ir.Schema(types, {n: "x.avsc" for n in types}), "pkg").render()


def _rec(*fields: ir.Field, **kw: object) -> ir.Record:
    return ir.Record("a.R", fields, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("t", [
    ir.Timestamp("us", CODE),  # type: ignore[arg-type]
    ir.Timestamp("us", 1),  # type: ignore[arg-type]
    ir.Fixed(CODE),  # type: ignore[arg-type]
    ir.Decimal(CODE, 2),  # type: ignore[arg-type]
])
def test_a_non_bool_flag_or_non_int_size_never_becomes_source(t: ir.Type) -> None:
    """A Timestamp whose utc is a string, a fixed size or precision that is code: refused
    (TypeError while emitting, or the Arrow mapping's own refusal), never emitted."""
    rec = _rec(ir.Field("t", t), ir.Field("u", ir.Union_((t, ir.String()))))
    try:
        files = _compile(rec)
    except (TypeError, ValueError):
        return  # refused: nothing emitted
    text = "\n".join(files.values())
    assert "__import__('os')" not in text.replace(repr(CODE), "")  # only as a repr'd string


def test_a_oneof_name_holding_code_stays_inside_the_docstring(tmp_path: Path) -> None:
    group = 'x""";__import__("os").system("echo PWNED");"""'
    rec = _rec(ir.Field("a", ir.Nullable(ir.Int(32))), ir.Field("b", ir.Nullable(ir.String())),
               oneofs=(ir.Oneof(group, ("a", "b")),))
    src = _compile(rec)["a.py"]
    tree = ast.parse(src)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "R")
    [method] = [n for n in cls.body if isinstance(n, ast.FunctionDef)
                and n.name.startswith("which_")]
    assert method.name.isidentifier()
    doc = ast.get_docstring(method)
    assert doc is not None and repr(group) in doc
    # the method's body is its docstring and the member checks, nothing else
    calls = [n for n in ast.walk(method) if isinstance(n, ast.Call)]
    assert calls == []


@pytest.mark.parametrize(("t", "value"), [
    (ir.Int(32), True), (ir.Int(8), 300), (ir.Bool(), "yes"), (ir.String(), 3),
    (ir.Bytes(), 10**9), (ir.Fixed(2), b"abc"), (ir.Date(), "2020-01-01"),
    (ir.Union_((ir.Int(32), ir.String())), ir.UnionValue(-1, "x")),
    (ir.Json(), {"a": 1}), (ir.List(ir.Int(32)), (CODE,)),
])
def test_a_default_that_is_not_a_value_of_its_type_is_refused(t: ir.Type, value: object) -> None:
    """``Literals.literal`` checks the value against the type first: ``bytes(10**9)``, a
    negative union member index picking the last member, a str for an int... are refused."""
    rec = _rec(ir.Field("a", t, default=value))
    with pytest.raises(TypeError, match="not a value of"):
        _compile(rec)


def test_defaults_of_every_kind_still_render() -> None:
    import datetime
    import decimal
    import uuid

    e = ir.Enum("a.E", ("A", "B"), values=(1, -2))
    fields = [
        ir.Field("i", ir.Int(64), default=-(2**63)), ir.Field("b", ir.Bool(), default=False),
        ir.Field("f", ir.Float(32), default=float("nan")),
        ir.Field("s", ir.String(), default='"""'), ir.Field("y", ir.Bytes(), default=b"\x00"),
        ir.Field("d", ir.Decimal(5, 2), default=decimal.Decimal("1.5")),
        ir.Field("dt", ir.Date(), default=datetime.date(2020, 1, 2)),
        ir.Field("tm", ir.Time("us"), default=datetime.time(1, 2, 3, 4)),
        ir.Field("ts", ir.Timestamp("ms", True),
                 default=datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)),
        ir.Field("du", ir.Duration("us"), default=datetime.timedelta(1, 2, 3)),
        ir.Field("iv", ir.Interval(), default=ir.IntervalValue(1, 2, 3)),
        ir.Field("u", ir.Uuid(), default=uuid.UUID(int=7)),
        ir.Field("e", ir.EnumRef("a.E"), default="B"),
        ir.Field("j", ir.Json(), default=(1, "x", None)),
        ir.Field("m", ir.Map(ir.String(), ir.List(ir.Int(8))), default=(("k", (1, 2)),)),
        ir.Field("n", ir.Union_((ir.Int(32), ir.String())), default=ir.UnionValue(1, "x")),
    ]
    src = _compile(_rec(*fields), e)["a.py"]
    compile(src, "a.py", "exec")
    assert "_SG_NUMBERS_E" in src and "-2: 'B'" in src
    again = _compile(dataclasses.replace(_rec(*fields)), e)["a.py"]
    assert again == src
