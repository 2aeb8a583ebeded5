"""The README's install makes generated code type-check from anywhere.

setuptools' default editable install for this (flat) layout is an import hook that mypy
cannot follow, so ``mypy --strict generated/`` from outside the checkout used to fail with
``Cannot find implementation or library stub for module named "schemagen.runtime"``.  The
README installs with ``--config-settings editable_mode=compat`` (a path entry) instead."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_install_commands_use_a_path_entry_editable_install() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)[:2]
    assert len(blocks) == 2
    for block in blocks:
        assert "pip install -e " in block and "--config-settings editable_mode=compat" in block
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci


def test_mypy_strict_on_generated_code_from_outside_the_checkout(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH",)}
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".cache"),
         "generated"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout
