"""Overwrites racing appends (issue 15 item 11): several processes append to and
overwrite one dataset at once; no appended row is lost, none made up.

The invariant, exactly.  Every append and every overwrite is one
``DatasetWriter`` (an append rolls several files).  Each process logs, with the
system-wide monotonic clock, when each write started (before the writer is made),
when its ``close()`` started and when it returned.  At the end, the dataset holds
exactly:

* all the rows of one overwrite ``W`` (the seed write counts as one), and no row
  of any other overwrite;
* all the rows of each append in a set ``S``, and no row of the appends outside it
  (an append is all or nothing: never some of its files);

with ``S`` holding every append that started after ``W`` returned (it was
written into ``W``'s generation, which no later overwrite replaced), and no
append that returned before ``W``'s ``close()`` started (it was in a generation
``W`` replaced by design).  No overwrite started its ``close()`` after ``W``
returned (else it would have replaced ``W``).  Every write succeeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sg_helpers import GenPackage, build_package, purge, write_schema_files

import schemagen
from schemagen.errors import UsageError
from schemagen.runtime import storage

ROW = """
{"type": "record", "name": "Row", "namespace": "race", "fields": [
  {"name": "num", "type": "long"},
  {"name": "pad", "type": "string"}
]}
"""

REPO = Path(__file__).resolve().parents[3]
APPEND_ROWS = 240  # rows per append (rolled into several files)
OVERWRITE_ROWS = 100
APPENDERS, APPENDS = 3, 8
OVERWRITERS, OVERWRITES = 2, 5

CHILD = """
import importlib, json, os, sys, time
sys.path.insert(0, {root!r})
import schemagen
m = importlib.import_module({module!r})
FOLDER, ROLE, WHO, N = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
PAD = "x" * 200

def log(**kw):
    print(json.dumps(kw), flush=True)

for k in range(N):
    # num encodes (role, writer, write, row): 1_WW_KK_RRRR appends, 2_WW_KK_RRRR overwrites
    base = ((1 if ROLE == "append" else 2) * 100 + WHO) * 100 + k
    t0 = time.monotonic()
    try:
        if ROLE == "append":
            w = schemagen.DatasetWriter(m.Row, FOLDER, block_size=16384, batch_size=40)
            for i in range({append_rows}):
                w.write(m.Row(num=base * 10000 + i, pad=PAD))
                if i % 40 == 39:
                    time.sleep(0.002)  # files roll: the append spans some time
        else:
            w = schemagen.DatasetWriter(m.Row, FOLDER, mode="overwrite")
            w.write_many(m.Row(num=base * 10000 + i, pad=PAD) for i in range({overwrite_rows}))
        t1 = time.monotonic()
        w.close()
        log(role=ROLE, base=base, start=t0, close=t1, end=time.monotonic())
    except Exception as exc:
        log(role=ROLE, base=base, error=f"{{type(exc).__name__}}: {{exc}}")
"""


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    src = write_schema_files(tmp_path_factory.mktemp("race_src"), {"row.avsc": ROW})
    p = build_package(src, tmp_path_factory.mktemp("race_pkg"))
    yield p
    purge(p)


@pytest.fixture(scope="module")
def m(pkg: GenPackage) -> Any:
    return pkg.module("race")


def _spawn(pkg: GenPackage, folder: Path, role: str, who: int, n: int) -> subprocess.Popen[str]:
    code = CHILD.format(root=str(pkg.root), module=f"{pkg.name}.race",
                        append_rows=APPEND_ROWS, overwrite_rows=OVERWRITE_ROWS)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-c", code, str(folder), role, str(who), str(n)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _groups(nums: list[int]) -> Counter[int]:
    """Rows per write (``num // 10000`` is the write's base)."""
    return Counter(n // 10000 for n in nums)


def test_appends_and_overwrites_race(pkg: GenPackage, m: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    seed = 2 * 10000 + 9999  # role 2 (a whole generation), writer 99, write 99
    schemagen.write([m.Row(num=seed * 10000 + i, pad="s") for i in range(OVERWRITE_ROWS)],
                    folder)
    procs = [_spawn(pkg, folder, "append", w, APPENDS) for w in range(APPENDERS)]
    procs += [_spawn(pkg, folder, "overwrite", w, OVERWRITES) for w in range(OVERWRITERS)]
    logs: list[dict[str, Any]] = [dict(role="overwrite", base=seed, start=0.0, close=0.0,
                                       end=0.0)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        logs += [json.loads(line) for line in out.splitlines()]
    assert [x for x in logs if "error" in x] == []
    assert len(logs) == 1 + APPENDERS * APPENDS + OVERWRITERS * OVERWRITES

    nums: list[int] = []
    for f in sorted(folder.rglob("*.parquet")):
        nums += pq.read_table(f)["num"].to_pylist()
    assert len(nums) == len(set(nums))  # nothing twice
    got = _groups(nums)
    by_base = {x["base"]: x for x in logs}
    assert set(got) <= set(by_base)  # nothing made up
    winners = [b for b in got if by_base[b]["role"] == "overwrite"]
    assert len(winners) == 1, f"rows of several generations: {winners}"
    w = by_base[winners[0]]
    present = {b for b in got if by_base[b]["role"] == "append"}
    for b, n in got.items():  # every write all or nothing
        assert n == (OVERWRITE_ROWS if by_base[b]["role"] == "overwrite" else APPEND_ROWS), b
    appends = [x for x in logs if x["role"] == "append"]
    lost = [x["base"] for x in appends if x["start"] > w["end"] and x["base"] not in present]
    assert lost == [], "appends after the last overwrite are missing"
    stale = [x["base"] for x in appends if x["end"] < w["close"] and x["base"] in present]
    assert stale == [], "appends replaced by the last overwrite are still there"
    later = [x["base"] for x in logs if x["role"] == "overwrite" and x["close"] > w["end"]]
    assert later == []
    assert len(nums) == OVERWRITE_ROWS + APPEND_ROWS * len(present)
    assert not [n for n in os.listdir(tmp_path) if n != "ds"]  # no staging folder left
    assert schemagen.read_arrow(m.Row, folder).num_rows == len(nums)


def test_overwrite_waits_for_an_append_in_progress(m: Any, tmp_path: Path) -> None:
    """The swap waits until the append open in another thread is complete, then
    replaces it; an append started meanwhile waits for the swap and lands after it."""
    folder = tmp_path / "ds"
    schemagen.write([m.Row(num=1, pad="a")], folder)
    append = schemagen.DatasetWriter(m.Row, folder)
    append.write(m.Row(num=2, pad="b"))
    over = schemagen.DatasetWriter(m.Row, folder, mode="overwrite")
    over.write(m.Row(num=3, pad="c"))
    errors: list[BaseException] = []

    def run(fn: Any) -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    closing = threading.Thread(target=run, args=(over.close,))
    closing.start()
    time.sleep(0.5)
    assert closing.is_alive()  # waiting for the append
    late: list[Any] = []
    starting = threading.Thread(target=run, args=(
        lambda: late.append(schemagen.DatasetWriter(m.Row, folder)),))
    starting.start()
    time.sleep(0.3)
    assert starting.is_alive() and not late  # waits behind the overwrite at the gate
    assert sorted(r.num for r in schemagen.read(m.Row, folder)) == [1]
    append.close()
    closing.join(30)
    starting.join(30)
    assert errors == [] and not closing.is_alive()
    assert [r.num for r in schemagen.read(m.Row, folder)] == [3]  # the append was replaced
    late[0].write(m.Row(num=4, pad="d"))
    late[0].close()
    assert sorted(r.num for r in schemagen.read(m.Row, folder)) == [3, 4]
    assert not [n for n in os.listdir(folder) if n.endswith(".lock")]
    assert not [n for n in os.listdir(tmp_path) if n != "ds"]


def test_overwrite_gives_up_against_an_append_that_stays_open(m: Any, tmp_path: Path) -> None:
    """The append stays open (here in the same thread) beyond the wait: the overwrite
    fails and leaves the dataset and the append intact."""
    folder = tmp_path / "ds"
    schemagen.write([m.Row(num=1, pad="a")], folder)
    append = schemagen.DatasetWriter(m.Row, folder)
    append.write(m.Row(num=2, pad="b"))
    over = schemagen.DatasetWriter(m.Row, folder, mode="overwrite")
    over.write(m.Row(num=3, pad="c"))
    saved = storage.APPEND_WAIT_SECONDS
    storage.APPEND_WAIT_SECONDS = 0.2
    try:
        with pytest.raises(UsageError) as err:
            over.close()
    finally:
        storage.APPEND_WAIT_SECONDS = saved
    assert str(err.value) == (
        f"{folder}: an append into this dataset is still in progress after waiting 0.2 s; "
        "the overwrite was not applied (its new files are dropped, the dataset is as it was)")
    append.close()
    assert sorted(r.num for r in schemagen.read(m.Row, folder)) == [1, 2]
    assert not [n for n in os.listdir(tmp_path) if n != "ds"]
    schemagen.write([m.Row(num=3, pad="c")], folder, mode="overwrite")
    assert [r.num for r in schemagen.read(m.Row, folder)] == [3]
    assert not [n for n in os.listdir(folder) if n.endswith(".lock")]
