"""Python names for schema names: sanitised, collision-free, deterministic.

Schema text is untrusted: every name that reaches generated code passes
through :func:`identifier`, which only ever returns ``[A-Za-z_][A-Za-z0-9_]*``
strings that are not keywords, soft keywords, builtins, dunders or names the
generated module itself uses.  Wire names are kept separately in the IR and
are only ever emitted as ``repr`` literals.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

# Names every generated module defines or imports at top level.
MODULE_RESERVED = frozenset(
    {
        "annotations", "TYPE_CHECKING",
        "_dc", "_dt", "_decimal", "_enum", "_uuid", "_pa", "_rt", "_Any", "_ClassVar",
        "_Sequence", "_Final",
    }
)
# Names a generated record class defines besides its fields.
CLASS_RESERVED = frozenset({"arrow_schema", "self", "cls"})
# Names a generated union record (``Record.kind == "union"``) defines besides its fields.
UNION_RESERVED = frozenset({"which"})
# Enum members that would clash with the Enum machinery.
ENUM_RESERVED = frozenset({"name", "value", "mro", "self", "cls"})
# ... and with what an enum with numeric values defines.
NUMBERED_ENUM_RESERVED = frozenset({"number", "from_number"})

_BUILTINS = frozenset(dir(builtins))
_AMBIGUOUS = frozenset({"l", "O", "I"})  # pycodestyle E741/E742
_SOFT = frozenset(getattr(keyword, "softkwlist", ()))
_INVALID = re.compile(r"[^0-9A-Za-z_]")


def identifier(raw: str, *, reserved: frozenset[str] | set[str] = frozenset(),
               avoid_builtins: bool = True) -> str:
    """A safe Python identifier for ``raw`` (which may be anything)."""
    name = unicodedata.normalize("NFKC", raw)
    name = _INVALID.sub("_", name)
    if not name:
        name = "_"
    if name[0].isdigit():
        name = "f_" + name
    if name.startswith("__"):
        # dunders would override Python machinery; private names get mangled
        name = "f" + name
    if name == "_" or name.lower().startswith("_sg_"):
        name = "f" + name  # _sg_ is the prefix of every generated internal name
    if (
        keyword.iskeyword(name)
        or name in _SOFT
        or (avoid_builtins and name in _BUILTINS)
        or name in reserved
        or name in MODULE_RESERVED
        or name in _AMBIGUOUS
    ):
        name += "_"
        while name in reserved:
            name += "_"
    return name


class UniqueNames:
    """Hands out names unique among those given so far (and ``taken``): a name already
    handed out gets ``_2``, ``_3``... (deterministic: the order of the requests decides)."""

    __slots__ = ("_taken",)

    def __init__(self, taken: frozenset[str] | set[str] = frozenset()) -> None:
        self._taken = set(taken)

    def __call__(self, base: str) -> str:
        name, i = base, 2
        while name in self._taken:
            name, i = f"{base}_{i}", i + 1
        self._taken.add(name)
        return name


def unique(names: list[str]) -> list[str]:
    """Make sanitised names unique by suffixing ``_2``, ``_3``... (order kept)."""
    return list(map(UniqueNames(), names))


def class_name(short: str) -> str:
    return identifier(short)


def field_names(wire: list[str], module_names: set[str],
                extra: frozenset[str] = frozenset()) -> list[str]:
    reserved = set(module_names) | CLASS_RESERVED | extra
    return unique([identifier(w, reserved=frozenset(reserved)) for w in wire])


def enum_member_names(symbols: list[str], extra: frozenset[str] = frozenset()) -> list[str]:
    out = []
    reserved = ENUM_RESERVED | extra
    for s in symbols:
        n = identifier(s, reserved=reserved, avoid_builtins=False)
        if n.startswith("_"):
            n = "S" + n  # enum treats _sunder_ names specially
        out.append(n)
    return unique(out)


def module_part(ns_part: str) -> str:
    return identifier(ns_part, avoid_builtins=False)
