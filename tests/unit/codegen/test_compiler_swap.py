"""Regression from code review: a failed swap of the output folder keeps the previous
output and leaves no temporary folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sg_helpers import folder_snapshot as snapshot
from sg_helpers import record_schema, write_schema_files

from schemagen.codegen import compiler

# --------------------------------------------------------------------------- 3. the swap


def test_failed_swap_keeps_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_schema_files(tmp_path / "schemas", {"s.avsc": record_schema(
        "rv.swap", [{"name": "x", "type": "int"}], doc="version one")})
    out = tmp_path / "gen"
    compiler.write(compiler.render(src, out), out)
    before = snapshot(out)
    assert "rv/swap.py" in before

    src[0].write_text(record_schema("rv.swap", [{"name": "x", "type": "int"}], doc="version two"))
    rendered = compiler.render(src, out)
    assert rendered["rv/swap.py"].encode() != before["rv/swap.py"]

    real_replace = os.replace
    failed = []

    def flaky(a: Any, b: Any, *args: Any, **kw: Any) -> None:
        # the swap itself: the new folder moved onto the output folder
        if Path(b).resolve() == out.resolve() and Path(a).name.startswith(".gen.new-"):
            failed.append((a, b))
            raise OSError(28, "No space left on device (simulated)")
        real_replace(a, b, *args, **kw)

    monkeypatch.setattr(compiler.os, "replace", flaky)
    with pytest.raises(OSError, match="simulated"):
        compiler.write(rendered, out)
    monkeypatch.undo()

    assert failed, "the swap was attempted"
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen", "schemas"]
    leftovers = [p.name for p in tmp_path.iterdir()
                 if p.name.startswith((".gen.new-", ".gen.old-"))]
    assert leftovers == []
