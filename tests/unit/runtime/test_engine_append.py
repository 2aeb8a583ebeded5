"""An append keeps the dataset's engine profile (issue 12, Deliver 1): a folder mixing
``engine="spark"`` files with spec-exact ones is one Spark cannot read (it refuses the
UUID annotation of the ``any`` file for the whole folder), so such an append is refused
before anything is written, naming the folder, a file and both profiles."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

import schemagen
from schemagen.errors import UsageError

AVSC = """{"type": "record", "name": "U", "namespace": "ea", "fields": [
  {"name": "id", "type": {"type": "string", "logicalType": "uuid"}}]}"""


@pytest.fixture(scope="module")
def mod(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("ea") / "u.avsc"
    path.write_text(AVSC)
    return schemagen.load(path)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.parquet"))


def test_an_append_of_another_profile_is_refused(mod: Any, tmp_path: Path) -> None:
    rows = [mod.U(id_=uuid.UUID(int=1))]
    folder = tmp_path / "ds"
    schemagen.write(rows, folder, engine="spark")
    schemagen.write(rows, folder, engine="spark")  # the same profile appends
    before = _files(folder)
    with pytest.raises(UsageError) as info:
        schemagen.write(rows, folder)
    message = str(info.value)
    assert f"{folder}: cannot append with engine='any': 0_0_0.parquet was written with " \
           "engine='spark'" in message and "give engine='spark', or mode='overwrite'" in message
    with pytest.raises(UsageError, match="cannot append with engine='hive'"):
        schemagen.write(rows, folder, engine="hive")
    assert _files(folder) == before
    schemagen.write(rows, folder, mode="overwrite")  # a new layout replaces the data
    assert list(schemagen.read(mod.U, folder)) == rows
