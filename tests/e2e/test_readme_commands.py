"""The README's "Using it" commands run as written in a copy of the checkout (issue 15
item 22: ``--record Transaction`` was ambiguous in the bundled schemas/), and the
quickstart prints readable schemas."""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from schemagen.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]


def using_it_commands() -> list[str]:
    """The shell commands of the README's "Using it" block (comments dropped, ``\\``
    continuations joined)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Using it", 1)[1].split("```", 2)[1]
    joined = re.sub(r"\\\n\s*", " ", block)
    out = []
    for line in joined.splitlines():
        line = re.sub(r"(^|\s+)#.*$", "", line).strip()
        if line:
            out.append(line)
    return out


def test_the_block_is_what_this_test_runs() -> None:
    cmds = using_it_commands()
    assert any("--record example.sales.Transaction" in c for c in cmds)
    assert all(c.startswith(("schemagen ", "python -m schemagen ", "mkdir -p "))
               for c in cmds), cmds


def test_readme_using_it_commands_run_as_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "checkout"
    work.mkdir()
    for name in ("schemas", "examples"):
        shutil.copytree(ROOT / name, work / name)
    for name in ("pyproject.toml", "schemas.lock.json"):
        shutil.copy(ROOT / name, work / name)
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run([*git, *argv], cwd=work, check=True, capture_output=True)
    monkeypatch.chdir(work)
    for command in using_it_commands():
        for part in command.split("&&"):
            argv = shlex.split(part)
            if argv[0] == "mkdir":
                for d in argv[2:]:
                    Path(d).mkdir(parents=True, exist_ok=True)
                continue
            args = argv[1:] if argv[0] == "schemagen" else argv[3:]
            code = cli.main(args)
            out, err = capsys.readouterr()
            assert code == 0, (part, out, err)
            assert "error" not in err, (part, err)
    import pyarrow.parquet as pq

    assert pq.read_table(work / "out/sample.parquet").num_rows == 5
    assert (work / "out/rejects.jsonl").read_text() == ""
    assert (work / "src/models/example/sales.py").is_file()


def test_quickstart_prints_a_readable_schema(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Was: ``read_arrow projection schema: 'trans_id: int64\\nuser_info: struct<...'`` (a
    repr with ``\\n`` escapes)."""
    spec = importlib.util.spec_from_file_location("quickstart_under_test",
                                                  ROOT / "examples" / "quickstart.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.N = 300
    mod.OUT = tmp_path / "transactions"
    mod.main()
    out = capsys.readouterr().out
    assert "wrote 300 Transaction records" in out
    assert ("read_arrow projection schema:\n  trans_id: int64 not null\n"
            "  user_info: struct<cust_id: int64 not null> not null\n") in out
    assert "Parquet schema of the file:\n  required group field_id=-1 schema {\n" in out
    assert "\\n" not in out and " object at 0x" not in out
