"""The IR package: nodes, value-range facts, the JSON form and the one printer."""

from __future__ import annotations

import datetime
import decimal
import json
import pickle
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemagen import ir

D = decimal.Decimal


# --------------------------------------------------------------------------- nodes


def test_nodes_are_frozen_and_hashable() -> None:
    t = ir.Map(ir.String(), ir.Nullable(ir.List(ir.Int(32), unique=True)))
    assert hash(t) == hash(ir.Map(ir.String(), ir.Nullable(ir.List(ir.Int(32), unique=True))))
    with pytest.raises(AttributeError):
        t.key = ir.Bool()  # type: ignore[misc]


def test_node_set_is_closed_and_named() -> None:
    assert len(ir.NODES) == 21
    assert {ir.kind(cls.__new__(cls)) for cls in ir.NODES} >= {"union", "nullable", "int"}


def test_no_default_is_a_singleton_that_pickles() -> None:
    assert pickle.loads(pickle.dumps(ir.NO_DEFAULT)) is ir.NO_DEFAULT
    assert repr(ir.NO_DEFAULT) == "NO_DEFAULT"
    assert not ir.Field("x", ir.Int(32)).has_default
    assert ir.Field("x", ir.Int(32), default=None).has_default


def test_strip_nullable_and_hashability() -> None:
    assert ir.strip_nullable(ir.Nullable(ir.Int(8))) == (ir.Int(8), True)
    assert ir.strip_nullable(ir.Null()) == (ir.Null(), True)
    assert ir.strip_nullable(ir.String()) == (ir.String(), False)
    assert ir.is_frozenset(ir.List(ir.String(), unique=True))
    assert not ir.is_frozenset(ir.List(ir.RecordRef("R"), unique=True))
    assert ir.has_pair_list(ir.Map(ir.RecordRef("R"), ir.Int(32)))
    assert not ir.has_pair_list(ir.Map(ir.String(), ir.Int(32)))
    assert ir.python_hashable(ir.Union_((ir.Int(32), ir.String())))
    assert not ir.python_hashable(ir.Nullable(ir.Json()))


def test_referenced_names_and_cycles() -> None:
    t = ir.Map(ir.String(), ir.Union_((ir.RecordRef("a.R"), ir.List(ir.EnumRef("a.E")))))
    assert ir.referenced_names(t) == {"a.R", "a.E"}
    node = ir.Record("a.Node", (ir.Field("children", ir.List(ir.RecordRef("a.Node"))),))
    leaf = ir.Record("a.Leaf", (ir.Field("x", ir.Int(32)),))
    types: dict[str, ir.Named] = {"a.Node": node, "a.Leaf": leaf}
    assert ir.find_cycle(types, "a.Node") == ["a.Node", "children", "a.Node"]
    assert ir.find_cycle(types, "a.Leaf") is None
    assert ir.closure(types, "a.Node") == ["a.Node"]


def test_full_names() -> None:
    r = ir.Record("example.sales.Transaction", ())
    assert (r.namespace, r.short_name) == ("example.sales", "Transaction")
    assert ir.Enum("Suit", ("A",)).namespace == ""


# --------------------------------------------------------------------------- facts


@pytest.mark.parametrize(("bits", "signed", "lo", "hi"), [
    (8, True, -128, 127), (8, False, 0, 255), (16, True, -32768, 32767),
    (32, False, 0, 2**32 - 1), (64, True, -(2**63), 2**63 - 1), (64, False, 0, 2**64 - 1),
])
def test_int_bounds(bits: int, signed: bool, lo: int, hi: int) -> None:
    t = ir.Int(bits, signed)  # type: ignore[arg-type]
    assert (t.min, t.max) == (lo, hi)
    assert t.holds(lo) and t.holds(hi) and not t.holds(hi + 1) and not t.holds(lo - 1)


@pytest.mark.parametrize(("value", "p", "s", "ok"), [
    ("123.45", 5, 2, True), ("123.450", 5, 2, True), ("123.451", 5, 2, False),
    ("1234.5", 5, 2, False), ("0.001", 3, 3, True), ("12", 4, 2, True), ("12", 3, 2, False),
    ("1E+5", 5, 0, False), ("1E+4", 5, 0, True), ("-99.99", 4, 2, True), ("NaN", 10, 2, False),
    ("Infinity", 10, 2, False), ("0", 1, 0, True), ("1" * 120, 38, 0, False),
])
def test_decimal_fits(value: str, p: int, s: int, ok: bool) -> None:
    assert ir.Decimal(p, s).fits(D(value)) is ok
    assert ir.decimal_fits(D(value), p, s) is ok


@pytest.mark.parametrize(("precision", "size"), [
    (1, 1), (2, 1), (3, 2), (4, 2), (9, 4), (10, 5), (18, 8), (19, 9), (38, 16), (76, 32),
])
def test_decimal_flba_size(precision: int, size: int) -> None:
    assert ir.decimal_flba_size(precision) == size
    # the largest value fits in `size` bytes of two's complement, and not in one less
    top = 10**precision - 1
    assert top < 2 ** (8 * size - 1)
    assert size == 1 or top >= 2 ** (8 * (size - 1) - 1)


def test_time_units() -> None:
    assert [ir.unit_rank(u) for u in ir.UNITS] == [0, 1, 2, 3]
    assert [ir.unit_digits(u) for u in ir.UNITS] == [0, 3, 6, 9]


# --------------------------------------------------------------------------- serde

_LEAVES = st.sampled_from([
    ir.Null(), ir.Bool(), ir.String(), ir.Bytes(), ir.Date(), ir.Interval(), ir.Uuid(),
    ir.Json(), ir.Fixed(16), ir.Decimal(9, 2), ir.Decimal(20, 4, 9), ir.EnumRef("a.E"),
    ir.RecordRef("a.R"),
]) | st.builds(ir.Int, st.sampled_from([8, 16, 32, 64]), st.booleans()) \
    | st.builds(ir.Float, st.sampled_from([16, 32, 64])) \
    | st.builds(ir.Time, st.sampled_from(ir.UNITS)) \
    | st.builds(ir.Duration, st.sampled_from(ir.UNITS)) \
    | st.builds(ir.Timestamp, st.sampled_from(ir.UNITS), st.booleans())

TYPES = st.recursive(_LEAVES, lambda inner: (
    st.builds(ir.Nullable, inner) | st.builds(ir.List, inner, st.booleans())
    | st.builds(ir.Map, inner, inner)
    | st.builds(ir.Union_, st.lists(inner, min_size=2, max_size=4).map(tuple))
), max_leaves=12)


@given(TYPES)
def test_type_json_round_trip(t: ir.Type) -> None:
    j = ir.type_to_json(t)
    assert ir.type_from_json(json.loads(json.dumps(j))) == t


@given(TYPES)
def test_describe_handles_every_type(t: ir.Type) -> None:
    for form in ("schema", "compact", "registry", "python"):
        assert ir.describe(t, form)  # type: ignore[arg-type]


# each value with a type it is a value of (a default of another type is refused on reading)
VALUES: list[tuple[object, ir.Type]] = [
    (None, ir.String()), (True, ir.Bool()), (7, ir.Int(32)), (-1.5, ir.Float(64)),
    (float("inf"), ir.Float(32)), ("x", ir.String()), (b"\x00\xff", ir.Bytes()),
    (D("1.50"), ir.Decimal(5, 2)),
    (datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC), ir.Timestamp("us", True)),
    (datetime.date(2024, 1, 2), ir.Date()), (datetime.time(1, 2, 3, 4), ir.Time("us")),
    (datetime.timedelta(1, 2, 3), ir.Duration("us")), (uuid.UUID(int=5), ir.Uuid()),
    (ir.IntervalValue(1, 2, 3), ir.Interval()),
    (ir.UnionValue(1, "s"), ir.Union_((ir.Int(64), ir.String()))),
    ((("a", (1,)), ("b", (1, 2))), ir.Map(ir.String(), ir.List(ir.Int(8)))),
]


def _schema() -> dict[str, ir.Named]:
    e = ir.Enum("a.E", ("A", "B"), doc="an enum", default="A", aliases=("a.Old",),
                values=(1, 2), symbol_docs=("first", ""), metadata=(("k", "v"),))
    fields = tuple(
        ir.Field(f"f{i}", ir.Nullable(t), py_name=f"p{i}", doc="d", default=v,
                 field_id=i + 1, aliases=(f"old{i}",), metadata=(("m", str(i)),))
        for i, (v, t) in enumerate(VALUES)
    )
    r = ir.Record("a.R", (*fields, ir.Field("e", ir.EnumRef("a.E"), py_name="e"),
                          ir.Field("nan", ir.Float(64), py_name="nan", default=float("nan"))),
                  doc="rec", aliases=("a.Q",), kind="error", metadata=(("x", "y"),))
    return {"a.R": r, "a.E": e}


def test_record_schema_json_round_trip() -> None:
    types = _schema()
    text = ir.record_schema_json(types, "a.R")
    root, back = ir.schema_from_json(text)
    assert root == "a.R"
    assert back["a.E"] == types["a.E"]
    rec = back["a.R"]
    assert isinstance(rec, ir.Record)
    assert rec.fields[:-1] == types["a.R"].fields[:-1]  # type: ignore[union-attr]
    for got, want in zip(rec.fields, types["a.R"].fields):  # type: ignore[union-attr]
        assert type(got.default) is type(want.default)
    assert rec.fields[-1].default != rec.fields[-1].default  # NaN survives
    assert (rec.doc, rec.aliases, rec.kind, rec.metadata) == ("rec", ("a.Q",), "error",
                                                             (("x", "y"),))
    assert ir.record_schema_json(back, "a.R") == text  # stable text


def test_constant_round_trip() -> None:
    c = ir.Constant("a.K", ir.List(ir.Int(32)), (1, 2), doc="k", metadata=(("t", "u"),))
    assert ir.constant_from_json(ir.named_to_json(c)) == c


def test_reads_the_previous_footer_form() -> None:
    """A ``schemagen.schema`` footer as version 1 wrote it keeps loading."""
    text = ('{"root":"a.R","schemagen":1,"types":[{"fields":[{"name":"x","type":'
            '{"inner":{"bits":32,"signed":true,"type":"int"},"type":"nullable"}},'
            '{"default":{"$":"none"},"name":"s","type":"string"}],"kind":"record",'
            '"name":"a.R"}]}')
    root, types = ir.schema_from_json(text)
    assert types[root] == ir.Record("a.R", (ir.Field("x", ir.Nullable(ir.Int(32)), py_name="x"),
                                           ir.Field("s", ir.String(), py_name="s")))


# --------------------------------------------------------------------------- describe

CASES = [
    (ir.Nullable(ir.Int(32)), "int32?", "int32?", "int32 | null", "int (int32) | None"),
    (ir.Int(8, signed=False), "uint8", "uint8", "uint8", "int (uint8)"),
    (ir.Float(32), "float", "float", "float32", "float"),
    (ir.Bool(), "bool", "bool", "boolean", "bool"),
    (ir.Decimal(9, 2, 4), "decimal(9, 2)", "decimal(9, 2, fixed 4)", "decimal(9, 2)",
     "decimal(9, 2)"),
    (ir.Time("ms"), "time[ms]", "time(ms)", "time(ms)", "time"),
    (ir.Timestamp("us", True), "timestamp[us, UTC]", "timestamp(us, utc)",
     "timestamp(us, utc)", "datetime.datetime (aware, UTC)"),
    (ir.Timestamp("ns", False), "timestamp[ns, local]", "timestamp(ns)",
     "timestamp(ns, local)", "datetime.datetime (naive, local)"),
    (ir.Duration("us"), "duration[us]", "duration(us)", "duration(us)", "duration"),
    (ir.EnumRef("e.Suit"), "enum e.Suit", "e.Suit", "enum e.Suit", "e.Suit"),
    (ir.List(ir.Nullable(ir.String()), unique=True), "list<string?>", "set<string?>",
     "list<string | null>", "frozenset[string | None] (or set)"),
    (ir.Map(ir.RecordRef("K"), ir.Int(64)), "map<record K, int64>", "map<K, int64>",
     "map<record K, int64>", "list[tuple[K, int (int64)]]"),
    (ir.Map(ir.String(), ir.Uuid()), "map<string, uuid>", "map<string, uuid>",
     "map<string, uuid>", "dict[string, uuid]"),
    (ir.Union_((ir.Int(32), ir.String())), "union<int32, string>", "union<int32, string>",
     "union<int32, string>", "union"),
    (ir.Nullable(ir.Null()), "null", "null?", "null | null", "null | None"),
    (ir.Fixed(3), "fixed(3)", "fixed(3)", "fixed(3)", "fixed"),
]


@pytest.mark.parametrize(("t", "schema", "compact", "registry", "python"), CASES)
def test_describe_forms(t: ir.Type, schema: str, compact: str, registry: str,
                        python: str) -> None:
    assert ir.describe(t) == schema
    assert ir.describe(t, "compact") == compact
    assert ir.describe(t, "registry") == registry
    assert ir.describe(t, "python") == python


# --------------------------------------------------------------------------- limits


def _chain(n: int, *, through: str = "record") -> dict[str, ir.Named]:
    """Records R0 .. R{n-1}, each holding the next (directly, or in a list)."""
    types: dict[str, ir.Named] = {}
    for i in range(n):
        inner: ir.Type = ir.RecordRef(f"c.R{i + 1}") if i + 1 < n else ir.Int(32)
        if through == "list" and i + 1 < n:
            inner = ir.List(inner)
        types[f"c.R{i}"] = ir.Record(f"c.R{i}", (ir.Field("next", inner),))
    return types


def test_nesting_limit_at_and_over() -> None:
    assert ir.nesting_problem(_chain(ir.MAX_NESTING)) is None
    t, message = ir.nesting_problem(_chain(ir.MAX_NESTING + 1)) or (None, "")
    assert t is not None and t.name == "c.R0"
    assert message == (f"record c.R0 is nested more than {ir.MAX_NESTING} levels deep (at "
                       "R0.next -> R1.next -> R2.next -> R3.next -> ...); the limit is "
                       f"{ir.MAX_NESTING}: Parquet readers refuse deeper schemas")
    # a list is a level too: half as many records through lists reach the same depth
    assert ir.nesting_problem(_chain(ir.MAX_NESTING // 2, through="list")) is None
    assert ir.nesting_problem(_chain(ir.MAX_NESTING // 2 + 1, through="list")) is not None


def test_nesting_limit_long_chains_and_cycles() -> None:
    # 5,000 records deep: measured without exhausting Python's stack
    assert ir.nesting_problem(_chain(5000)) is not None
    node = ir.Record("c.Node", (ir.Field("kids", ir.List(ir.RecordRef("c.Node"))),))
    assert ir.nesting_problem({"c.Node": node}) is None  # a cycle is no depth


def test_namespace_limits() -> None:
    def rec(ns: str) -> dict[str, ir.Named]:
        return {f"{ns}.R": ir.Record(f"{ns}.R", (ir.Field("a", ir.Int(32)),))}

    assert ir.name_problem(rec(".".join(["p"] * ir.MAX_NAMESPACE_PARTS))) is None
    assert ir.name_problem(rec("a" * ir.MAX_NAME_BYTES)) is None
    _, message = ir.name_problem(rec(".".join(["p"] * 3000))) or (None, "")
    assert message == (f"the namespace of R has 3000 parts; the limit is "
                       f"{ir.MAX_NAMESPACE_PARTS} (each part is a folder of the generated "
                       "package)")
    _, message = ir.name_problem(rec("x." + "é" * 61)) or (None, "")  # 122 bytes
    assert message.startswith("the namespace of R has a part of 122 bytes")
