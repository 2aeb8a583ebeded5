"""Reading or appending with the wrong record class (issue 15 items 8 and 9): a file of
another record is a ReadError instead of rows made up from defaults, and an append of
another record into a dataset is refused before anything is written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import GenPackage, build_package, purge, write_schema_files

import schemagen
from schemagen.errors import ReadError, UsageError


def avsc(name: str, fields: list[dict[str, Any]], **kw: Any) -> str:
    return json.dumps({"type": "record", "name": name, "namespace": "oth", "fields": fields,
                       **kw})


ORDER = avsc("Order", [{"name": "id", "type": "long"}, {"name": "total", "type": "double"}])
# every field has a default, like a proto3 message: any file "fits" it field by field
USER = avsc("User", [{"name": "id", "type": "long", "default": 0},
                     {"name": "email", "type": "string", "default": ""}])
ORDER_V2 = avsc("Order2", [{"name": "id", "type": "long"}, {"name": "total", "type": "double"},
                           {"name": "note", "type": "string", "default": ""}],
                aliases=["oth.Order"])


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    root = tmp_path_factory.mktemp("other")
    p = build_package(write_schema_files(root / "s", {"order.avsc": ORDER, "user.avsc": USER,
                                                      "order2.avsc": ORDER_V2}), root / "out")
    yield p
    purge(p)


def orders(pkg: GenPackage, n: int = 5) -> list[Any]:
    Order = pkg.record("oth.Order")
    return [Order(id_=i, total=i * 1.5) for i in range(n)]


def test_reading_with_another_record_is_a_read_error(pkg: GenPackage, tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    schemagen.write(orders(pkg), path)
    User = pkg.record("oth.User")
    with pytest.raises(ReadError, match=r"cannot be read as oth.User: the file holds oth.Order "
                                        r"records.*allow_other_record=True"):
        list(schemagen.read(User, path))
    with pytest.raises(ReadError, match="oth.Order records"):
        schemagen.read_arrow(User, path)
    with pytest.raises(ReadError, match="oth.Order records"):
        list(schemagen.read_batches(User, path))
    # asked for: the old behaviour, defaults for what the file lacks
    assert [u.id_ for u in schemagen.read(User, path, allow_other_record=True)] == list(range(5))


def test_a_renamed_record_reads_the_files_of_its_alias(pkg: GenPackage, tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    schemagen.write(orders(pkg), path)
    Order2 = pkg.record("oth.Order2")
    assert [(o.id_, o.note) for o in schemagen.read(Order2, path)] == [(i, "") for i in range(5)]


def test_appending_another_record_is_refused_before_writing(
        pkg: GenPackage, tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    schemagen.write(orders(pkg), ds)
    before = sorted(p.name for p in ds.iterdir())
    success = (ds / "_SUCCESS").read_bytes()
    User = pkg.record("oth.User")
    with pytest.raises(UsageError, match=r"cannot append oth.User records: .*oth.Order records"):
        schemagen.write([User(id_=1, email="a@b")], ds)
    assert sorted(p.name for p in ds.iterdir()) == before
    assert (ds / "_SUCCESS").read_bytes() == success
    # a later version of the record (an alias names the old one) appends fine
    Order2 = pkg.record("oth.Order2")
    schemagen.write([Order2(id_=9, total=1.0, note="n")], ds)
    assert sorted(o.id_ for o in schemagen.read(Order2, ds)) == [0, 1, 2, 3, 4, 9]


def test_appending_into_a_partitioned_dataset_checks_with_the_folder_keys(
        pkg: GenPackage, tmp_path: Path) -> None:
    ds = tmp_path / "ds"
    schemagen.write(orders(pkg), ds, partition_by=["id"])
    schemagen.write(orders(pkg, 2), ds, partition_by=["id"])  # same record: fine
    assert len(list(schemagen.read(pkg.record("oth.Order"), ds))) == 7
    with pytest.raises(UsageError, match="cannot append oth.User"):
        schemagen.write([pkg.record("oth.User")(id_=1)], ds, partition_by=["id"])
