"""``[tool.schemagen.check]`` in pyproject.toml: default mode, baseline and ignores.

```toml
[tool.schemagen.check]
mode = "backward"                  # default --mode
baseline = "schemas.lock.json"     # default --against (a snapshot, a folder or a git ref)
ignore = [                         # accepted breaks, like buf's ignore_only
  {rule = "AVRO_TYPE_MISMATCH", path = "example.sales.Transaction.amount", reason = "..."},
]
```

The nearest pyproject.toml from the current folder upwards is used (or ``--config``).
An unknown key, a bad value or a file that is not TOML is a usage error (exit 2).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemagen.errors import UsageError

from . import rules
from .engine import Ignore
from .model import MODES

KEYS = ("mode", "baseline", "ignore")
IGNORE_KEYS = ("rule", "path", "reason")


@dataclass(frozen=True)
class CheckConfig:
    file: Path | None = None
    mode: str | None = None
    baseline: str | None = None
    ignores: tuple[Ignore, ...] = field(default_factory=tuple)

    @property
    def base_dir(self) -> Path | None:
        return None if self.file is None else self.file.parent


def find_pyproject(start: Path) -> Path | None:
    for d in [start, *start.parents]:
        p = d / "pyproject.toml"
        if p.is_file():
            return p
    return None


def load(path: Path | None = None, start: Path | None = None) -> CheckConfig:
    """The check configuration from ``path`` or the nearest pyproject.toml (may be empty)."""
    if path is None:
        path = find_pyproject((start or Path.cwd()).resolve())
        if path is None:
            return CheckConfig()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    table: Any = doc
    for i, key in enumerate(("tool", "schemagen", "check")):
        if not isinstance(table, dict):
            dotted = ".".join(("tool", "schemagen", "check")[:i])
            raise UsageError(f"{path}: {dotted} must be a table, got {table!r}")
        table = table.get(key)
        if table is None:
            return CheckConfig(file=path)
    where = f"{path}: [tool.schemagen.check]"
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))} "
                         f"(known: {', '.join(KEYS)})")
    mode = table.get("mode")
    if mode is not None and mode not in MODES:
        raise UsageError(f"{where}: mode = {mode!r} is not a mode (expected one of: "
                         f"{', '.join(MODES)})")
    baseline = table.get("baseline")
    if baseline is not None and (not isinstance(baseline, str) or not baseline):
        raise UsageError(f"{where}: baseline must be a non-empty string (a snapshot file, a "
                         f"folder or a git ref), got {baseline!r}")
    raw = table.get("ignore", [])
    if not isinstance(raw, list):
        raise UsageError(f"{where}: ignore must be an array of tables like "
                         "{rule = \"...\", path = \"...\"}")
    ignores: list[Ignore] = []
    for i, entry in enumerate(raw):
        at = f"{where} ignore[{i}]"
        if not isinstance(entry, dict):
            raise UsageError(f"{at}: expected a table like {{rule = \"...\", path = \"...\"}}, "
                             f"got {entry!r}")
        bad = sorted(set(entry) - set(IGNORE_KEYS))
        if bad:
            raise UsageError(f"{at}: unknown key(s) {', '.join(map(repr, bad))} "
                             f"(known: {', '.join(IGNORE_KEYS)})")
        for k in IGNORE_KEYS:
            if k in entry and (not isinstance(entry[k], str) or not entry[k]):
                raise UsageError(f"{at}: {k} must be a non-empty string, got {entry[k]!r}")
        if "rule" in entry and entry["rule"] not in rules.known():
            import difflib

            close = difflib.get_close_matches(entry["rule"], list(rules.known()), n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else \
                " (see docs/check.md for the rule IDs and categories)"
            raise UsageError(f"{at}: rule {entry['rule']!r} is not a rule ID or category of "
                             f"schemagen check{hint}")
        if "rule" not in entry and "path" not in entry:
            raise UsageError(f"{at}: give a rule, a path or both (an entry ignoring "
                             "everything is not allowed; use --mode none)")
        ignores.append(Ignore(entry.get("rule"), entry.get("path"), entry.get("reason")))
    return CheckConfig(path, mode, baseline, tuple(ignores))
