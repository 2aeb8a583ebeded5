"""Recursive searches of local folders (``runtime.location.local_files``) stay out of
``/proc``, ``/sys``, ``/dev`` and special file systems (issue 15 item 22: ``inspect /``
walked ``/proc``), and out of symlinked and hidden folders, for reads, ``inspect`` and the
schema file search of every command."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schemagen.frontends import find_schema_files
from schemagen.runtime import location
from schemagen.runtime.reader import dataset_files


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a stand-in for /proc (registered as a special folder) holding a
    Parquet file and a schema, beside an ordinary folder holding the same."""
    root = tmp_path / "root"
    for sub in ("proc/1", "data/a", ".hidden"):
        (root / sub).mkdir(parents=True)
    table = pa.table({"x": [1, 2]})
    for sub in ("proc/1", "data/a", ".hidden"):
        pq.write_table(table, root / sub / "f.parquet")
        (root / sub / "s.avsc").write_text('{"type": "record", "name": "R", "fields": []}')
    os.symlink(root / "data", root / "link_to_data")
    monkeypatch.setattr(location, "SPECIAL_FOLDERS",
                        (*location.SPECIAL_FOLDERS, str(root / "proc")))
    return root


def test_special_folders_are_not_entered(tree: Path) -> None:
    found = sorted(location.local_files(tree, (".parquet",)))
    # not proc/ (special), not link_to_data/ (a symlinked folder); .hidden/ is the
    # caller's choice (skip_folder)
    assert found == [tree / ".hidden/f.parquet", tree / "data/a/f.parquet"]
    assert sorted(location.local_files(tree, (".parquet",), lambda d: d.startswith("."))) == [
        tree / "data/a/f.parquet"]
    assert location.local_files(tree / "proc", (".parquet",)) == []


def test_reads_inspect_and_schema_search_skip_them(tree: Path) -> None:
    """Was: ``Path.rglob`` entered every folder, /proc included."""
    assert [f for f, _ in dataset_files(tree)] == [tree / "data/a/f.parquet"]
    assert find_schema_files([tree]) == [tree / "data/a/s.avsc"]
    from schemagen import inspect as insp

    report = insp.inspect(tree, verify_data=False)
    assert [f["file"] for f in report["files"]] == [str(tree / "data/a/f.parquet")]


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_the_real_proc_and_sys_are_special() -> None:
    assert location.local_files(Path("/proc")) == []
    assert location.local_files(Path("/sys")) == []
    devices = location._special_devices()
    assert os.stat("/proc").st_dev in devices
    assert os.stat("/").st_dev not in devices
    # a folder below / that is an ordinary one is searched
    assert os.stat(Path(__file__).parent).st_dev not in devices


def test_a_folder_on_a_special_file_system_is_found_by_its_device(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A special file system is recognised by its device number wherever it is mounted
    (not only at /proc): here tmp_path's device plays one, so nothing is searched."""
    special = {os.stat(tree / "data").st_dev}
    monkeypatch.setattr(location, "_special_devices", lambda: special)
    assert location.local_files(tree, (".parquet",)) == []
    assert location.local_files(tree / "data", (".parquet",)) == []
