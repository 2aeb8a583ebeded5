"""The shared vocabulary of ``schemagen check``: directions, modes and findings.

Every format rule module (``avro``, ``thrift``, ``protobuf``, ``sql``, ``parquet``)
exposes::

    def check(old: ir.Schema, new: ir.Schema) -> list[Finding]

``old``/``new`` hold only that format's types (records matched by full name); the
function returns ALL findings, not only the first.  A finding says which reading
directions it breaks; the check mode decides which findings fail the run:

* ``backward``: the new schema reads data written with the old one;
* ``forward``: the old schema reads data written with the new one;
* ``full``: both; ``*_transitive``: the same against every earlier version;
* ``none``: nothing fails.

Warnings are reported but never fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

from schemagen import ir

Direction: TypeAlias = Literal["backward", "forward"]
Severity: TypeAlias = Literal["error", "warning"]
Mode: TypeAlias = Literal[
    "backward", "forward", "full",
    "backward_transitive", "forward_transitive", "full_transitive", "none",
]
MODES: Final[tuple[str, ...]] = (
    "backward", "forward", "full",
    "backward_transitive", "forward_transitive", "full_transitive", "none",
)

BACKWARD: Final[frozenset[Direction]] = frozenset({"backward"})
FORWARD: Final[frozenset[Direction]] = frozenset({"forward"})
BOTH: Final[frozenset[Direction]] = frozenset({"backward", "forward"})
NEITHER: Final[frozenset[Direction]] = frozenset()

# How each direction is spelled out in messages.
DIRECTION_TEXT: Final[dict[str, str]] = {
    "backward": "a reader using the new schema cannot read data written with the old one",
    "forward": "a reader using the old schema cannot read data written with the new one",
}


@dataclass(frozen=True)
class Finding:
    """One reported schema change.

    ``rule`` is a stable ID (``AVRO_READER_FIELD_MISSING_DEFAULT_VALUE``,
    ``FIELD_NO_DELETE``...), ``category`` its family (``AVRO``, ``THRIFT``, ``WIRE``,
    ``WIRE_JSON``, ``SQL``, ``PARQUET``).  ``breaks`` names the reading directions the
    change breaks (empty for pure warnings).  ``path`` is the element
    (``example.sales.Transaction.user_info.cust_id``); ``file``/``line`` point at the new
    schema, or at the old one for deletions.
    """

    rule: str
    category: str
    severity: Severity
    breaks: frozenset[Direction]
    path: str
    message: str
    old: str | None = None
    new: str | None = None
    file: str | None = None
    line: int | None = None
    # filled in by the engine: the baseline version this finding was found against
    # (e.g. "HEAD~1", "schemas.lock.json#2"); rule modules leave it None
    against: str | None = field(default=None, compare=False)

    def fails(self, directions: frozenset[Direction]) -> bool:
        """Whether this finding fails a check that enforces ``directions``."""
        return self.severity == "error" and bool(self.breaks & directions)


def mode_directions(mode: str) -> frozenset[Direction]:
    """The directions a mode enforces (``none`` enforces nothing)."""
    base = mode.removesuffix("_transitive")
    if base == "backward":
        return BACKWARD
    if base == "forward":
        return FORWARD
    if base == "full":
        return BOTH
    return NEITHER


def is_transitive(mode: str) -> bool:
    return mode.endswith("_transitive")


def loc_of(node: ir.Record | ir.Enum | ir.Field | None) -> tuple[str | None, int | None]:
    """``(file, line)`` of a definition, ``(None, None)`` when unknown."""
    if node is None or node.location is None:
        return None, None
    return node.location.file, node.location.line or None


def direction_text(breaks: frozenset[Direction]) -> str:
    """``"a reader using the new schema cannot read ... and a reader using the old ..."``."""
    parts = [DIRECTION_TEXT[d] for d in ("backward", "forward") if d in breaks]
    return " and ".join(parts)
