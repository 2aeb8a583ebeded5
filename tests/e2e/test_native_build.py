"""The native accelerator's build: without a C compiler the install still succeeds (with
setuptools' warning) and ships only the pure-Python converters; with one, the C source
compiles cleanly under -Wall -Wextra -Werror."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "schemagen" / "runtime" / "native").glob("*.c"))


def test_without_a_compiler_the_wheel_builds_with_a_warning(tmp_path: Path) -> None:
    tree = tmp_path / "src"
    tree.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "schemagen", tree / "schemagen",
                    ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    env = {**os.environ, "CC": "false"}
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path / "out"), str(tree)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'building extension "schemagen.runtime.native._columns" failed' in (
        proc.stdout + proc.stderr)
    (wheel,) = (tmp_path / "out").glob("schemagen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "schemagen/runtime/native/__init__.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd"))]
    # that install runs on the pure-Python converters and says why
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = "from schemagen.runtime import native; print(native.active(), native.status())"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(site)}, check=True)
    assert out.stdout.startswith("False pure-Python column builders (the C extension is not "
                                 "built"), out.stdout


def test_the_c_source_compiles_without_warnings() -> None:
    cc = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    assert cc is not None, "a C compiler is part of the test environment"
    include = sysconfig.get_paths()["include"]
    assert [p.name for p in SOURCES] == ["_columns.c", "_read.c"]
    for source in SOURCES:
        proc = subprocess.run([cc, "-fsyntax-only", "-std=c11", "-Wall", "-Wextra", "-Werror",
                               "-Wno-unused-parameter", "-Wno-missing-field-initializers",
                               f"-I{include}", str(source)], capture_output=True, text=True)
        assert proc.returncode == 0, (source.name, proc.stderr)
