"""The module-level imports of a generated module, recorded while its code is emitted.

betterproto's approach: whoever writes a name that needs an import (an annotation
``_dt.date``, a literal ``_decimal.Decimal('1.5')``, a union check
``isinstance(_sg_v, _uuid.UUID)``) asks :meth:`Imports.name` for it, which records
the import.  Bodies are rendered first, so the header is written knowing exactly the
imports the body uses: no scan of the rendered text, and a name inside a docstring
or a string literal never adds an import.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Alias = Literal["dc", "dt", "decimal", "enum", "uuid", "Sequence", "Any", "ClassVar", "Final",
                "rt"]
ALIASES: Final[tuple[Alias, ...]] = get_args(Alias)

# The import statement of each alias, in the order ruff's isort wants them
# (the standard library first, then ``schemagen.runtime`` in its own block).
STDLIB: Final[dict[Alias, str]] = {
    "dc": "import dataclasses as _dc",
    "dt": "import datetime as _dt",
    "decimal": "import decimal as _decimal",
    "enum": "import enum as _enum",
    "uuid": "import uuid as _uuid",
    "Sequence": "from collections.abc import Sequence as _Sequence",
    "Any": "from typing import Any as _Any",
    "ClassVar": "from typing import ClassVar as _ClassVar",
    "Final": "from typing import Final as _Final",
}
RUNTIME: Final = "from schemagen.runtime import abi as _rt"
TYPE_CHECKING_LINE: Final = "from typing import TYPE_CHECKING"


class Imports:
    """The set of aliases (``_dt``, ``_rt``...) one generated module's code uses."""

    __slots__ = ("_used",)

    def __init__(self) -> None:
        self._used: set[Alias] = set()

    def name(self, alias: Alias) -> str:
        """The local name of ``alias`` (``"dt"`` -> ``"_dt"``), recorded as used."""
        self._used.add(alias)
        return "_" + alias

    def use(self, *aliases: Alias) -> None:
        """Record ``aliases`` as used (by template text, which names them itself)."""
        self._used.update(aliases)

    def __contains__(self, alias: object) -> bool:
        return alias in self._used

    def used(self) -> frozenset[Alias]:
        return frozenset(self._used)

    def stdlib_lines(self, type_checking: bool) -> list[str]:
        """The header's standard-library import lines (``TYPE_CHECKING`` when asked)."""
        lines = [line for alias, line in STDLIB.items() if alias in self._used]
        if type_checking:
            # isort: ``from typing import TYPE_CHECKING`` sorts before ``Any as _Any``
            at = next((i for i, ln in enumerate(lines) if ln.startswith("from typing")),
                      len(lines))
            lines.insert(at, TYPE_CHECKING_LINE)
        return lines

    def runtime_line(self) -> str | None:
        return RUNTIME if "rt" in self._used else None
