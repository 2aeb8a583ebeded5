"""``python -m schemagen`` end to end: a real process, its exit codes and output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sg_helpers import REPO, SCHEMAS


def test_python_dash_m(tmp_path: Path) -> None:
    out = tmp_path / "gen_sub"
    res = subprocess.run([sys.executable, "-m", "schemagen", "compile", str(SCHEMAS), "-o", str(out)],
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert (out / "__init__.py").is_file() and (out / "example" / "sales.py").is_file()
    res = subprocess.run([sys.executable, "-m", "schemagen", "compile", str(SCHEMAS), "-o", str(out),
                          "--check"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
    bad = tmp_path / "bad.avsc"
    bad.write_text('{"type": "record", "name": "B", "fields": [{"name": "a"}]}')
    res = subprocess.run([sys.executable, "-m", "schemagen", "compile", str(bad), "-o",
                          str(tmp_path / "gen_bad")], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert re.search(r"bad\.avsc:1:\d+: ", res.stderr), res.stderr
    assert "Traceback" not in res.stderr
    res = subprocess.run([sys.executable, "-m", "schemagen", "--version"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "schemagen" in res.stdout

