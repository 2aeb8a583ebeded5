"""Shared by the benchmark scripts: replace one ``## `` section of BENCHMARKS.md."""

from __future__ import annotations

import re
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


def replace_section(heading: str, section: str, md: Path = BENCHMARKS_MD) -> None:
    """Put ``section`` (text starting with ``## {heading}``) in place of that section of
    ``md`` (up to the next ``## `` heading), or append it when there is none."""
    text = md.read_text(encoding="utf-8")
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    md.write_text(text, encoding="utf-8")
