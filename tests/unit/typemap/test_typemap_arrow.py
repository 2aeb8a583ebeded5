"""IR -> Arrow mapping (DESIGN.md's Parquet layout rules)."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schemagen import ir
from schemagen.errors import ParquetMappingError
from schemagen.typemap import parquet as keys
from schemagen.typemap.arrow import FIELD_ID_KEY, ArrowMapper, check_representable, render_type

POINT = ir.Record("g.Point", (ir.Field("x", ir.Float(64)), ir.Field("y", ir.Nullable(ir.Float(64)))))
TYPES: dict[str, ir.Named] = {"g.Point": POINT, "g.Suit": ir.Enum("g.Suit", ("A", "B"))}


@pytest.mark.parametrize(("t", "want"), [
    (ir.Null(), pa.null()), (ir.Bool(), pa.bool_()),
    (ir.Int(8), pa.int8()), (ir.Int(16), pa.int16()), (ir.Int(32), pa.int32()),
    (ir.Int(64), pa.int64()), (ir.Int(8, False), pa.uint8()), (ir.Int(16, False), pa.uint16()),
    (ir.Int(32, False), pa.uint32()), (ir.Int(64, False), pa.uint64()),
    (ir.Float(16), pa.float16()), (ir.Float(32), pa.float32()), (ir.Float(64), pa.float64()),
    (ir.String(), pa.string()), (ir.Json(), pa.string()), (ir.EnumRef("g.Suit"), pa.string()),
    (ir.Bytes(), pa.binary()), (ir.Fixed(16), pa.binary(16)), (ir.Interval(), pa.binary(12)),
    (ir.Decimal(9, 2), pa.decimal128(9, 2)), (ir.Decimal(38, 0), pa.decimal128(38, 0)),
    (ir.Decimal(40, 5), pa.decimal256(40, 5)), (ir.Date(), pa.date32()),
    (ir.Time("s"), pa.time32("s")), (ir.Time("ms"), pa.time32("ms")),
    (ir.Time("us"), pa.time64("us")), (ir.Time("ns"), pa.time64("ns")),
    (ir.Timestamp("ms", True), pa.timestamp("ms", tz="UTC")),
    (ir.Timestamp("ns", False), pa.timestamp("ns")),
    (ir.Duration("us"), pa.duration("us")), (ir.Uuid(), pa.uuid()),
    (ir.Nullable(ir.Int(32)), pa.int32()),
    (ir.RecordRef("g.Point"), pa.struct([pa.field("x", pa.float64(), nullable=False),
                                         pa.field("y", pa.float64())])),
])
def test_every_node(t: ir.Type, want: pa.DataType) -> None:
    assert ArrowMapper(TYPES).type(t) == want


def test_lists_are_three_level_with_element() -> None:
    t = ArrowMapper(TYPES).type(ir.List(ir.Nullable(ir.String()), unique=True))
    assert t == pa.list_(pa.field("element", pa.string(), nullable=True))
    required = ArrowMapper(TYPES).type(ir.List(ir.Int(32)))
    assert required.value_field == pa.field("element", pa.int32(), nullable=False)
    # and written as list/element: the 3-level layout
    schema = pa.schema([pa.field("xs", required)])
    buf = io.BytesIO()
    pq.write_table(pa.table({"xs": [[1, 2]]}, schema=schema), buf)
    text = str(pq.ParquetFile(io.BytesIO(buf.getvalue())).schema)
    assert "repeated group field_id=-1 list" in text
    assert "required int32 field_id=-1 element" in text


def test_maps_have_required_keys() -> None:
    t = ArrowMapper(TYPES).type(ir.Map(ir.String(), ir.Nullable(ir.RecordRef("g.Point"))))
    assert isinstance(t, pa.MapType)
    assert t.key_field.nullable is False and t.key_type == pa.string()
    assert t.item_field.name == "value" and t.item_field.nullable
    with pytest.raises(ParquetMappingError, match="map keys cannot be null"):
        ArrowMapper(TYPES).type(ir.Map(ir.Nullable(ir.String()), ir.Int(32)))


def test_unions_are_structs_of_optional_members() -> None:
    t = ArrowMapper(TYPES).type(ir.Nullable(ir.Union_((ir.Int(32), ir.String(),
                                                       ir.RecordRef("g.Point")))))
    assert [t.field(i).name for i in range(t.num_fields)] == ["member0", "member1", "member2"]
    assert all(t.field(i).nullable for i in range(t.num_fields))
    assert t.field(2).type == ArrowMapper(TYPES).type(ir.RecordRef("g.Point"))


def test_field_ids_and_nullability() -> None:
    rec = ir.Record("g.T", (ir.Field("id", ir.Int(64), field_id=1),
                            ir.Field("name", ir.Nullable(ir.String()), field_id=7),
                            ir.Field("plain", ir.Bool())))
    schema = ArrowMapper({"g.T": rec}).schema("g.T", {"k": "v"})
    assert schema.field("id").metadata == {FIELD_ID_KEY: b"1"}
    assert schema.field("name").metadata == {b"PARQUET:field_id": b"7"}
    assert schema.field("plain").metadata is None
    assert not schema.field("id").nullable and schema.field("name").nullable
    assert schema.metadata == {b"k": b"v"}
    assert FIELD_ID_KEY is keys.FIELD_ID_KEY


def test_recursion_is_refused_naming_the_cycle() -> None:
    node = ir.Record("g.Node", (ir.Field("value", ir.Int(32)),
                                ir.Field("children", ir.List(ir.RecordRef("g.Node")))))
    holder = ir.Record("g.Tree", (ir.Field("root", ir.Nullable(ir.RecordRef("g.Node"))),))
    types: dict[str, ir.Named] = {"g.Node": node, "g.Tree": holder}
    with pytest.raises(ParquetMappingError,
                       match=r"record g\.Node is recursive: g\.Node\.children -> g\.Node"):
        ArrowMapper(types).schema("g.Node")
    with pytest.raises(ParquetMappingError, match=r"g\.Node \(reached from g\.Tree\)"):
        check_representable(types, "g.Tree")


@pytest.mark.parametrize("t", [ir.Fixed(0), ir.Decimal(0, 0), ir.Decimal(77, 0),
                               ir.Decimal(5, 6)])
def test_out_of_range_parameters(t: ir.Type) -> None:
    with pytest.raises(ParquetMappingError):
        ArrowMapper(TYPES).type(t)


def test_empty_record_and_unknown_record() -> None:
    with pytest.raises(ParquetMappingError, match="has no fields"):
        ArrowMapper({"g.E": ir.Record("g.E", ())}).schema("g.E")
    with pytest.raises(ParquetMappingError, match="unknown record"):
        ArrowMapper({}).type(ir.RecordRef("g.Missing"))


def test_rendered_types_rebuild_the_same_type() -> None:
    m = ArrowMapper(TYPES)
    for t in (ir.List(ir.Nullable(ir.Int(32))), ir.Map(ir.String(), ir.Decimal(40, 2)),
              ir.Union_((ir.Timestamp("us", True), ir.RecordRef("g.Point"))), ir.Uuid()):
        at = m.type(t)
        assert eval(render_type(at, "pa"), {"pa": pa}) == at  # noqa: S307
