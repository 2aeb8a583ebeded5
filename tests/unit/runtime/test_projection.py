"""Typed reads with ``columns=`` (issue 15 item 14): records hold exactly the fields read.

Before, unselected fields were filled with their schema default, so a row stored with
``country="DE"`` read back as ``country="US"``.  Now a projected record is an instance of
a partial subclass of the record class whose unread fields are unset: every way of
reading one raises ``NotReadError``, and nothing else (repr, ==, pickling, copying,
writing) shows or stores a made-up value.  Each test runs on the native reader and on
the pure-Python one, which must agree.
"""

from __future__ import annotations

import copy
import dataclasses
import operator
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sg_helpers import GenPackage, build_package, purge, run_mypy, write_schema_files

import schemagen
from schemagen.runtime import native
from schemagen.runtime.reader import projection_of
from schemagen.runtime.record import partial_class

SCHEMA = """
{"type": "record", "name": "Customer", "namespace": "proj14", "fields": [
  {"name": "id", "type": "long"},
  {"name": "country", "type": "string", "default": "US"},
  {"name": "name", "type": ["null", "string"], "default": null},
  {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
    {"name": "city", "type": "string"},
    {"name": "postcode", "type": "string", "default": "00000"}]}},
  {"name": "orders", "type": {"type": "array", "items": {"type": "record", "name": "Order",
    "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int", "default": 1}]}},
   "default": []},
  {"name": "by_sku", "type": {"type": "map", "values": "Order"}, "default": {}}
]}"""


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    root = tmp_path_factory.mktemp("proj14")
    made = build_package(write_schema_files(root / "schemas", {"c.avsc": SCHEMA}), root / "out")
    yield made
    purge(made)


@pytest.fixture(scope="module")
def m(pkg: GenPackage) -> Any:
    return pkg.module("proj14")


def stored(m: Any) -> list[Any]:
    return [m.Customer(id_=i, country="DE" if i % 2 else "FR", name=f"n{i}",
                       address=m.Address(city=f"c{i}", postcode=f"{i:05}"),
                       orders=[m.Order(sku=f"s{i}.{j}", qty=10 + j) for j in range(i % 3)],
                       by_sku={f"s{i}.{j}": m.Order(sku=f"s{i}.{j}", qty=j) for j in range(i % 3)})
            for i in range(6)]


@pytest.fixture(scope="module")
def path(m: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return schemagen.write(stored(m), tmp_path_factory.mktemp("data") / "c.parquet")


@pytest.fixture(params=["native", "pure"])
def reader(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "native" and not native.active():
        pytest.skip("the C extension is not built")
    with native.using(request.param == "native"):
        yield request.param


def read_all(cls: Any, path: Path, how: str, **kw: Any) -> list[Any]:
    if how == "read":
        return list(schemagen.read(cls, path, **kw))
    return [r for b in schemagen.read_batches(cls, path, batch_size=4, **kw) for r in b]


# ----------------------------------------------------------------------- the regression


@pytest.mark.parametrize("how", ["read", "read_batches"])
def test_a_row_stored_as_de_never_reads_as_the_default_us(m: Any, path: Path, reader: str,
                                                          how: str) -> None:
    # old main: country == "US" (the schema default) for rows stored as "DE"/"FR"
    got = read_all(m.Customer, path, how, columns=["id"])
    assert [r.id_ for r in got] == list(range(6))
    for r in got:
        assert getattr(r, "country", "absent") == "absent"  # old main: "US"
        assert "US" not in repr(r) and "country=<not read>" in repr(r)
        with pytest.raises(schemagen.NotReadError):
            r.country  # noqa: B018
    whole = read_all(m.Customer, path, how, columns=["id", "country"])
    assert [r.country for r in whole] == ["FR", "DE"] * 3


def test_the_error_names_field_record_columns_and_the_remedy(m: Any, path: Path,
                                                             reader: str) -> None:
    r = next(schemagen.read(m.Customer, path, columns=["id", "address.city"]))
    with pytest.raises(schemagen.NotReadError) as info:
        r.country  # noqa: B018
    e = info.value
    assert isinstance(e, AttributeError) and isinstance(e, schemagen.SchemagenError)
    assert (e.record, e.field, e.path, e.read) == ("Customer", "country", "country",
                                                   ("id_", "address"))
    assert str(e) == ("Customer.country was not read: this Customer comes from a read with "
                      "columns= that read only id_, address; add 'country' to columns= (or "
                      "read without columns=) to get it")
    with pytest.raises(schemagen.NotReadError) as info:
        r.address.postcode  # noqa: B018
    assert (info.value.record, info.value.path, info.value.read) == (
        "Address", "address.postcode", ("address.city",))
    with pytest.raises(AttributeError) as plain:
        r.no_such_field  # noqa: B018
    assert not isinstance(plain.value, schemagen.NotReadError)


def test_every_access_path_of_an_unread_field_raises(m: Any, path: Path, reader: str) -> None:
    r = next(schemagen.read(m.Customer, path, columns=["id"]))
    assert isinstance(r, m.Customer) and type(r) is not m.Customer
    assert not hasattr(r, "country")
    for fn in (dataclasses.asdict, dataclasses.astuple, lambda x: x.name,
               operator.attrgetter("orders"), lambda x: dataclasses.replace(x, id_=9),
               lambda x: dataclasses.replace(x, country="DE")):
        with pytest.raises(schemagen.NotReadError):
            fn(r)
    with pytest.raises(TypeError, match="unhashable"):
        hash(r)


def test_setting_the_unread_fields_completes_the_record(m: Any, path: Path,
                                                        reader: str) -> None:
    r = next(schemagen.read(m.Customer, path, columns=["id"]))
    want = stored(m)[0]
    full = dataclasses.replace(r, country="FR", name="n0", address=want.address, orders=[],
                               by_sku={})
    assert type(full) is m.Customer and full == want  # calling the class: a whole record
    r.country = "FR"
    assert r.country == "FR" and schemagen.fields_read(r) == ("id_", "country")


def test_fields_read(m: Any, path: Path, reader: str) -> None:
    r = next(schemagen.read(m.Customer, path, columns=["orders.sku", "country"]))
    assert schemagen.fields_read(r) == ("country", "orders")
    whole = next(schemagen.read(m.Customer, path))
    assert schemagen.fields_read(whole) == ("id_", "country", "name", "address", "orders",
                                            "by_sku")
    assert type(whole) is m.Customer
    with pytest.raises(schemagen.UsageError, match="not a schemagen-generated record"):
        schemagen.fields_read(object())


def test_nested_projections_give_partial_nested_records(m: Any, path: Path,
                                                        reader: str) -> None:
    got = list(schemagen.read(m.Customer, path, columns=["address.city", "orders.sku"]))
    assert [r.address.city for r in got] == [f"c{i}" for i in range(6)]
    assert [[o.sku for o in r.orders] for r in got] == [[f"s{i}.{j}" for j in range(i % 3)]
                                                        for i in range(6)]
    assert isinstance(got[2].address, m.Address) and isinstance(got[2].orders[1], m.Order)
    assert schemagen.fields_read(got[2].orders[1]) == ("sku",)
    with pytest.raises(schemagen.NotReadError, match="'orders.qty'"):
        got[2].orders[1].qty  # noqa: B018
    assert repr(got[1].address) == "Address(city='c1', postcode=<not read>)"
    # through a map (not a native reader kind: the generated reader's records made partial)
    via_map = list(schemagen.read(m.Customer, path, columns=["by_sku.qty"]))
    item = via_map[2].by_sku["s2.1"]
    assert (item.qty, schemagen.fields_read(item), type(item).__name__) == (1, ("qty",), "Order")
    with pytest.raises(schemagen.NotReadError, match="'by_sku.sku'"):
        item.sku  # noqa: B018
    # a field selected whole holds whole records
    whole = next(schemagen.read(m.Customer, path, columns=["address"]))
    assert type(whole.address) is m.Address and whole.address.postcode == "00000"


def test_equality(m: Any, path: Path) -> None:
    cols = ["id", "address.city"]
    with native.using(True):
        a = list(schemagen.read(m.Customer, path, columns=cols))
    with native.using(False):
        b = list(schemagen.read(m.Customer, path, columns=cols))
    assert a == b and a[1] == b[1] and a[1] != a[2]
    assert a[0] != stored(m)[0] and stored(m)[0] != a[0]  # never equal to a complete record
    other = next(schemagen.read(m.Customer, path, columns=["id"]))
    assert a[0] != other  # the same id, but other fields held


def test_native_and_pure_readers_agree(m: Any, path: Path) -> None:
    if not native.active():
        pytest.skip("the C extension is not built")
    info = m.Customer.__schemagen__
    batch = pq.read_table(path).to_batches()[0]
    for cols in (["id"], ["country", "orders.qty"], ["address.postcode"], ["orders"]):
        proj = projection_of(info, cols)
        plan = native.read_plan_for(m.Customer, *info.ir, info.arrow_schema(), batch.schema,
                                    proj)
        assert plan is not None, cols  # the native reader takes it...
        fast = plan.read(batch)
        slow = info.from_batch.__wrapped__(batch)
        proj.apply(slow, batch.schema)  # ...and the pure reader's records are made the same
        assert fast is not None
        assert [repr(r) for r in fast] == [repr(r) for r in slow] and fast == slow, cols
        assert [type(r) for r in fast] == [type(r) for r in slow]
        with native.using(False):
            assert list(schemagen.read(m.Customer, path, columns=cols)) == fast


def test_pickle_and_copy_keep_what_was_read(m: Any, path: Path, reader: str) -> None:
    r = next(schemagen.read(m.Customer, path, columns=["id", "address.city"]))
    for again in (pickle.loads(pickle.dumps(r)), copy.copy(r), copy.deepcopy(r)):
        assert again == r and type(again) is type(r) and repr(again) == repr(r)
        assert schemagen.fields_read(again.address) == ("city",)
        with pytest.raises(schemagen.NotReadError):
            again.country  # noqa: B018
    assert copy.deepcopy(r).address is not r.address


@pytest.mark.parametrize("target", ["one.parquet", "folder"])
def test_writing_a_partial_record_names_the_unread_field(m: Any, path: Path, tmp_path: Path,
                                                         reader: str, target: str) -> None:
    got = list(schemagen.read(m.Customer, path, columns=["id", "country", "name",
                                                         "address.city", "orders", "by_sku"]))
    with pytest.raises(schemagen.RecordError) as info:
        schemagen.write(got, tmp_path / target)
    p = info.value.problems[0]
    assert (p.index, p.path, repr(p.value)) == (0, "address.postcode", "<not read>")
    assert "read with columns= that read only address.city" in p.expected
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "folder"])  # nothing committed
    assert not list((tmp_path / "folder").glob("*.parquet"))
    with pytest.raises(schemagen.RecordError, match="record 1: field country: got <not read>"):
        with schemagen.ParquetWriter(m.Customer, tmp_path / "w.parquet") as w:
            w.write(stored(m)[0])
            w.write(next(schemagen.read(m.Customer, path, columns=["id"])))
    assert not (tmp_path / "w.parquet").exists()
    for r in got:  # completed by hand: written as it is now
        r.address.postcode = "99999"
    back = list(schemagen.read(m.Customer, schemagen.write(got, tmp_path / "done.parquet")))
    assert [r.address.postcode for r in back] == ["99999"] * 6
    assert [r.country for r in back] == ["FR", "DE"] * 3


def test_filter_columns_are_not_in_the_records(m: Any, path: Path, reader: str) -> None:
    got = list(schemagen.read(m.Customer, path, columns=["id"],
                              filter=[("country", "=", "DE")]))
    assert [r.id_ for r in got] == [1, 3, 5]
    assert all(schemagen.fields_read(r) == ("id_",) for r in got)
    with pytest.raises(schemagen.NotReadError):
        got[0].country  # noqa: B018


def test_a_selected_field_the_file_lacks_still_takes_its_default(m: Any, tmp_path: Path,
                                                                  reader: str) -> None:
    # schema resolution, not projection: an older file without `country` has no value
    # to show, and the reader's schema says what that means
    old = tmp_path / "old.parquet"
    pq.write_table(pa.table({"id": [7], "address": [{"city": "x"}]}), old)
    r = next(schemagen.read(m.Customer, old, columns=["id", "country", "address.postcode"]))
    assert (r.id_, r.country, r.address.postcode) == (7, "US", "00000")
    assert schemagen.fields_read(r.address) == ("postcode",)


def test_mypy_strict_sees_the_declared_field_types(pkg: GenPackage, tmp_path: Path) -> None:
    use = pkg.path / "use_projection.py"
    use.write_text(
        "from __future__ import annotations\n\n"
        "from typing import assert_type\n\n"
        "import schemagen\n\n"
        "from .proj14 import Customer\n\n\n"
        "def countries(path: str) -> list[str]:\n"
        "    out: list[str] = []\n"
        "    for r in schemagen.read(Customer, path, columns=['id']):\n"
        "        assert_type(r, Customer)\n"
        "        assert_type(schemagen.fields_read(r), tuple[str, ...])\n"
        "        try:\n"
        "            out.append(assert_type(r.country, str))\n"
        "        except schemagen.NotReadError as e:\n"
        "            assert_type(e.read, tuple[str, ...])\n"
        "            out.append(assert_type(e.field, str))\n"
        "    return out\n"
    )
    try:
        res = run_mypy(pkg.path, tmp_path / "cache")
        assert res.returncode == 0, res.stdout + res.stderr
        use.write_text(use.read_text().replace("assert_type(r.country, str)",
                                               "assert_type(r.country, int)"))
        res = run_mypy(pkg.path, tmp_path / "cache")
        wrong = 'use_projection.py:16: error: Expression is of type "str", not "int"'
        assert res.returncode == 1 and wrong in res.stdout, res.stdout
    finally:
        use.unlink()


def test_the_native_unset_of_the_fallback_matches_the_python_one(m: Any, path: Path) -> None:
    # a batch the native reader cannot take is read by the generated reader, whose
    # records are then made partial: by _columns.unset when the extension is there
    if not native.active():
        pytest.skip("the C extension is not built")
    info = m.Customer.__schemagen__
    batch = pq.read_table(path).to_batches()[0]
    proj = projection_of(info, ["id", "address.city", "orders.sku"])
    by_c, by_py = info.from_batch.__wrapped__(batch), info.from_batch.__wrapped__(batch)
    proj.apply(by_c, batch.schema)
    with native.using(False):
        proj.apply(by_py, batch.schema)
    assert by_c == by_py and [repr(r) for r in by_c] == [repr(r) for r in by_py]
    assert [type(r) for r in by_c] == [type(r) for r in by_py]
    assert all(type(r) is not m.Customer and not hasattr(r, "country") for r in by_c)


def test_the_native_unset_refuses_what_it_cannot_do_safely(m: Any) -> None:
    if not native.active():
        pytest.skip("the C extension is not built")
    unset = native._columns.unset
    made = partial_class(m.Customer, ["id_"])
    country = m.Customer.__dict__["country"]
    rec = stored(m)[0]

    class Wider(m.Customer):  # type: ignore[name-defined,misc]
        __slots__ = ("extra",)

    for records, members, cls in (
            ([rec], (country,), m.Customer),       # not a subclass of its base's layout
            ([rec], (country,), Wider),            # another layout
            ([rec, m.Address(city="c")], (country,), made),  # a record of another class
            ([rec], (m.Address.__dict__["city"],), made),     # another class's slot
            ([rec], ("country",), made)):          # not a member descriptor
        with pytest.raises(TypeError, match="unset: "):
            unset(records, members, cls)
        assert type(rec) is m.Customer and rec.country == "FR"  # nothing changed
    unset([rec], (country,), made)
    assert type(rec) is made and not hasattr(rec, "country") and rec.id_ == 0
