"""LocalStorage, the commit protocol on a local file system: real files, real locks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from schemagen.errors import UsageError
from schemagen.runtime import storage
from schemagen.runtime.storage import SUCCESS_NAME, FileName, LocalStorage, Staged

S = LocalStorage()


def names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def write_staged(staged: Staged, data: bytes) -> None:
    Path(staged.where).write_bytes(data)


# --------------------------------------------------------------------------- file names


def test_file_name_round_trip_and_order() -> None:
    name = FileName(1, 20, 300)
    assert str(name) == "1_20_300.parquet"
    assert FileName.parse("1_20_300.parquet") == name
    for other in ("1_2.parquet", "a_0_0.parquet", "0_0_0.parquet.tmp", ".0_0_0.parquet",
                  "sub/0_0_0.parquet", "0_0_-1.parquet", "_SUCCESS"):
        assert FileName.parse(other) is None, other
    # write order: index first, numerically (0_0_10 after 0_0_9), then the pair
    got = sorted(["0_0_10.parquet", "0_1_9.parquet", "0_0_9.parquet", "2_0_1.parquet"],
                 key=lambda n: FileName.parse(n).write_order)  # type: ignore[union-attr]
    assert got == ["2_0_1.parquet", "0_0_9.parquet", "0_1_9.parquet", "0_0_10.parquet"]


# --------------------------------------------------------------------------- stage / commit


def test_file_appears_under_its_name_only_when_committed(tmp_path: Path) -> None:
    staged = S.stage(tmp_path / "0_0_0.parquet")
    write_staged(staged, b"complete")
    hidden = names(tmp_path)
    assert len(hidden) == 1 and hidden[0].startswith(".0_0_0.parquet.")
    assert hidden[0].endswith(".tmp")
    assert S.commit(staged) == tmp_path / "0_0_0.parquet"
    assert names(tmp_path) == ["0_0_0.parquet"]  # the temporary name is gone
    assert (tmp_path / "0_0_0.parquet").read_bytes() == b"complete"


def test_clobber_refused_next_index_taken(tmp_path: Path) -> None:
    (tmp_path / "0_0_0.parquet").write_bytes(b"someone else's")
    (tmp_path / "0_0_1.parquet").write_bytes(b"and another")
    (tmp_path / "0_1_7.parquet").write_bytes(b"another pair")
    staged = S.stage(tmp_path / "0_0_0.parquet")
    write_staged(staged, b"mine")
    assert S.commit(staged) == tmp_path / "0_0_2.parquet"  # pair scope: 0_1_7 ignored
    assert (tmp_path / "0_0_0.parquet").read_bytes() == b"someone else's"
    assert (tmp_path / "0_0_1.parquet").read_bytes() == b"and another"
    folder_wide = S.stage(tmp_path / "0_0_0.parquet", scope="folder")
    write_staged(folder_wide, b"mine too")
    assert S.commit(folder_wide) == tmp_path / "0_0_8.parquet"  # after every pair's index
    assert not [n for n in names(tmp_path) if n.endswith(".tmp")]


def test_clobber_of_another_name_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.parquet").write_bytes(b"keep")
    staged = S.stage(tmp_path / "notes.parquet")
    write_staged(staged, b"new")
    with pytest.raises(FileExistsError):
        S.commit(staged)
    assert (tmp_path / "notes.parquet").read_bytes() == b"keep"
    S.discard(staged)
    assert names(tmp_path) == ["notes.parquet"]
    S.discard(staged)  # twice: nothing to remove, no error


def test_replace_follows_a_symlinked_file(tmp_path: Path) -> None:
    real = tmp_path / "real.parquet"
    real.write_bytes(b"old")
    link = tmp_path / "link.parquet"
    link.symlink_to(real)
    staged = S.stage(link, replace=True)
    assert staged.target == real.resolve()
    write_staged(staged, b"new")
    assert S.commit(staged) == link
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert names(tmp_path) == ["link.parquet", "real.parquet"]


CRASH = """
import os, sys, time
from pathlib import Path
from typing import Any
from schemagen.runtime.storage import LocalStorage
staged = LocalStorage().stage(Path(sys.argv[1]) / "0_0_1.parquet")
with open(staged.where, "wb") as f:
    f.write(b"half a file")
    f.flush()
    print("ready", flush=True)
    time.sleep(60)
"""


def test_crash_leaves_the_temporary_file_only(tmp_path: Path) -> None:
    (tmp_path / "0_0_0.parquet").write_bytes(b"committed")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    p = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CRASH), str(tmp_path)],
                         stdout=subprocess.PIPE, text=True, env=env)
    assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    left = names(tmp_path)  # the committed file, and the dead writer's temporary file
    assert left[1] == "0_0_0.parquet" and len(left) == 2
    assert left[0].startswith(".0_0_1.parquet.") and left[0].endswith(".tmp")
    (tmp_path / ".0_1_0.parquet.abc.tmp").write_bytes(b"another pair's, maybe live")
    # the next holder of 0_0 continues after 0_0_0 and removes the dead temporary file
    assert S.next_index(tmp_path, 0, 0) == 1
    assert names(tmp_path) == [".0_1_0.parquet.abc.tmp", "0_0_0.parquet"]


# --------------------------------------------------------------------------- claims, indexes


def test_claims_give_distinct_pairs_and_free_on_release(tmp_path: Path) -> None:
    a = S.claim_pair(tmp_path, None, None)
    b = S.claim_pair(tmp_path, None, None)
    c = S.claim_pair(tmp_path, 3, None)
    assert [(x.major, x.minor) for x in (a, b, c)] == [(0, 0), (0, 1), (3, 0)]
    assert sorted(n for n in names(tmp_path)) == [".schemagen-0_0.lock", ".schemagen-0_1.lock",
                                                  ".schemagen-3_0.lock"]
    assert json.loads((tmp_path / ".schemagen-0_0.lock").read_text())["pid"] == os.getpid()
    with pytest.raises(UsageError, match=r"another writer is writing 0_1_\*\.parquet"):
        S.claim_pair(tmp_path, 0, 1)
    b.release()
    b.release()  # idempotent
    with S.claim_pair(tmp_path, 0, 1) as again:
        assert (again.major, again.minor) == (0, 1)
    assert S.claim_pair(tmp_path, None, 5).major == 0  # minor kept, first free major
    for claim in (a, c):
        claim.release()
    assert names(tmp_path) == [".schemagen-0_5.lock"]  # released claims leave no lock file


def test_claim_held_by_another_process(tmp_path: Path) -> None:
    script = ("import sys, time\nfrom pathlib import Path\n"
              "from schemagen.runtime.storage import LocalStorage\n"
              "c = LocalStorage().claim_pair(Path(sys.argv[1]), None, None)\n"
              "print(c.major, c.minor, flush=True)\ntime.sleep(60)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    p = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE,
                         text=True, env=env)
    try:
        assert p.stdout is not None and p.stdout.readline().split() == ["0", "0"]
        with S.claim_pair(tmp_path, None, None) as mine:
            assert (mine.major, mine.minor) == (0, 1)
    finally:
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    with S.claim_pair(tmp_path, None, None) as after:  # the kernel freed the dead one's lock
        assert (after.major, after.minor) == (0, 0)


def test_next_index_scopes(tmp_path: Path) -> None:
    assert S.next_index(tmp_path, 0, 0) == 0
    for name in ("0_0_0.parquet", "0_0_4.parquet", "1_0_9.parquet", "0_0_x.parquet", "note"):
        (tmp_path / name).write_bytes(b"")
    assert S.next_index(tmp_path, 0, 0) == 5
    assert S.next_index(tmp_path, 0, 0, "folder") == 10
    assert S.next_index(tmp_path, 2, 2) == 0


# --------------------------------------------------------------------------- folders, _SUCCESS


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "note.json"
    S.write_atomic(path, b"one")
    S.write_atomic(path, b"two")
    assert path.read_bytes() == b"two" and names(tmp_path) == ["note.json"]
    with pytest.raises(FileNotFoundError):
        S.write_atomic(tmp_path / "missing" / "note.json", b"x")
    assert names(tmp_path) == ["note.json"]


def test_write_success_after_the_names_are_durable(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    files = [tmp_path / "a=1" / "b=2" / "0_0_0.parquet", tmp_path / "a=1" / "0_0_0.parquet",
             tmp_path / "0_0_0.parquet"]
    for f in files:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"")
    synced: list[str] = []
    real = storage._fsync_dir
    monkeypatch.setattr(storage, "_fsync_dir", lambda f: synced.append(
        Path(f).relative_to(tmp_path.parent).as_posix()) or real(f))
    path = S.write_success(tmp_path, files, 42, "test 1.0", table="t", major=0)
    root = tmp_path.name
    assert synced == [f"{root}/a=1/b=2", f"{root}/a=1", root]  # deepest first, root last
    note = json.loads(path.read_text())
    assert path.name == SUCCESS_NAME
    assert list(note) == ["writer", "table", "major", "files", "rows", "completed"]
    assert note["files"] == ["a=1/b=2/0_0_0.parquet", "a=1/0_0_0.parquet", "0_0_0.parquet"]
    assert note["rows"] == 42 and note["writer"] == "test 1.0"


def test_make_list_and_remove_folders(tmp_path: Path) -> None:
    deep = tmp_path / "a=1" / "b=2"
    assert S.make_folder(deep) is True and S.make_folder(deep) is False
    (tmp_path / "blocker").write_bytes(b"")
    with pytest.raises(UsageError, match=r"cannot create the folder .*blocker.*in the way"):
        S.make_folder(tmp_path / "blocker" / "x")
    for rel in ("0_0_0.parquet", "a=1/b=2/0_0_0.parquet", ".hidden/0_0_0.parquet",
                "_tmp/0_0_0.parquet", ".0_0_1.parquet.x.tmp", "a=1/_x.parquet"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    assert S.list_committed(tmp_path) == [tmp_path / "0_0_0.parquet", deep / "0_0_0.parquet"]
    S.remove([deep / "0_0_0.parquet", deep / "gone.parquet"])
    S.remove_empty_folders(deep, tmp_path)
    assert (tmp_path / "a=1").is_dir() and not deep.exists()  # a=1 still holds _x.parquet


# --------------------------------------------------------------------------- overwrite generations


def dataset(folder: Path, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "0_0_0.parquet").write_bytes(content)
    return folder


@pytest.mark.parametrize("atomic", [True, False])
def test_overwrite_swaps_in_the_new_generation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               atomic: bool) -> None:
    if not atomic:  # where renameat2/renamex_np is missing: two renames
        monkeypatch.setattr(storage, "_native_exchange", lambda a, b: False)
    target = dataset(tmp_path / "ds", b"old")
    gen = S.begin_overwrite(target)
    assert gen.target == target and gen.folder.parent == tmp_path
    assert gen.folder.name.startswith(".ds.schemagen-overwrite-")
    (gen.folder / "0_0_0.parquet").write_bytes(b"new")
    assert (target / "0_0_0.parquet").read_bytes() == b"old"  # untouched until commit
    gen.commit()
    assert (target / "0_0_0.parquet").read_bytes() == b"new"
    assert names(tmp_path) == ["ds"]  # no staging, no old generation left


def test_abort_keeps_the_old_generation(tmp_path: Path) -> None:
    target = dataset(tmp_path / "ds", b"old")
    gen = S.begin_overwrite(target)
    (gen.folder / "0_0_0.parquet").write_bytes(b"half")
    gen.abort()
    assert names(tmp_path) == ["ds"] and (target / "0_0_0.parquet").read_bytes() == b"old"


def test_overwrite_of_a_missing_or_symlinked_folder(tmp_path: Path) -> None:
    gen = S.begin_overwrite(tmp_path / "new" / "ds")  # neither it nor its parent exists
    (gen.folder / "0_0_0.parquet").write_bytes(b"first")
    gen.commit()
    assert names(tmp_path / "new") == ["ds"]
    real = dataset(tmp_path / "v1", b"old")
    link = tmp_path / "current"
    link.symlink_to(real, target_is_directory=True)
    gen = S.begin_overwrite(link)
    assert gen.target == real.resolve()  # the link stays; the folder it names is replaced
    (gen.folder / "0_0_0.parquet").write_bytes(b"new")
    gen.commit()
    assert link.is_symlink() and (real / "0_0_0.parquet").read_bytes() == b"new"
    assert names(tmp_path) == ["current", "new", "v1"]


def test_stale_staging_is_cleaned(tmp_path: Path) -> None:
    target = dataset(tmp_path / "ds", b"old")
    hour_ago = time.time() - 7200
    dead = tmp_path / ".ds.schemagen-overwrite-dead"  # old, no claim: a crashed overwrite
    dataset(dead, b"x")
    os.utime(dead, (hour_ago, hour_ago))
    unlocked = tmp_path / ".ds.schemagen-overwrite-unlk"  # young, but its claim is free
    dataset(unlocked, b"x")
    (unlocked / ".schemagen-0_0.lock").write_text("{}")
    young = tmp_path / ".ds.schemagen-overwrite-young"  # young, no claim yet: maybe live
    dataset(young, b"x")
    live = S.begin_overwrite(target)  # old, but its claim is held: live
    claim = S.claim_pair(live.folder, None, None)
    os.utime(live.folder, (hour_ago, hour_ago))
    other = tmp_path / ".other.schemagen-overwrite-cccc"  # another dataset's
    dataset(other, b"x")
    os.utime(other, (hour_ago, hour_ago))
    gen = S.begin_overwrite(target)
    left = set(names(tmp_path))
    assert dead.name not in left and unlocked.name not in left
    assert {young.name, live.folder.name, other.name, gen.folder.name} <= left
    gen.abort()
    claim.release()
    live.abort()


def test_a_live_overwrite_between_two_pair_claims_is_not_taken_for_dead(tmp_path: Path) -> None:
    """An overwrite whose writer has just released one pair claim and not yet taken the
    next (or is about to swap) holds no pair lock; a concurrent overwrite's clean-up used
    to remove its staging folder, and its commit failed with FileNotFoundError (seen under
    load in test_overwrite_race).  The generation's own lock keeps it."""
    target = dataset(tmp_path / "ds", b"old")
    first = S.begin_overwrite(target)
    claim = S.claim_pair(first.folder, None, None)
    (first.folder / "0_0_0.parquet").write_bytes(b"first")
    claim.release()  # between claims: no pair lock held, but a released lock file left
    assert list(first.folder.glob(".schemagen-*.lock"))
    second = S.begin_overwrite(target)  # its clean-up runs now
    assert first.folder.is_dir()
    second.abort()
    first.commit()
    assert (target / "0_0_0.parquet").read_bytes() == b"first"
    assert not list(target.glob(".schemagen-generation.lock"))  # released at the swap


def test_kind_never_takes_a_folder_created_meanwhile_for_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kind() used to ask is_dir() and then exists(): a folder another writer made between
    the two was a "file" (test_threads_share_a_dataset failed with "exists and is not a
    folder" under load).  Simulated: the folder appears right after kind's first look."""
    target = tmp_path / "ds"
    made: list[bool] = []

    def appear() -> None:
        if not made:
            made.append(True)
            os.mkdir(target)

    real_is_dir, real_stat = Path.is_dir, os.stat

    def late_is_dir(self: Path) -> bool:
        try:
            return real_is_dir(self)
        finally:
            if self == target:
                appear()

    def late_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return real_stat(path, *args, **kwargs)
        finally:
            if str(path) == str(target):
                appear()

    monkeypatch.setattr(Path, "is_dir", late_is_dir)
    monkeypatch.setattr(os, "stat", late_stat)
    assert S.kind(target) in (None, "dir")  # before or after it appeared, never "file"
    monkeypatch.undo()
    assert S.kind(target) == "dir" and S.kind(tmp_path / "none") is None
    (tmp_path / "f").write_text("x")
    assert S.kind(tmp_path / "f") == "file" and S.kind(tmp_path / "f" / "below") is None
