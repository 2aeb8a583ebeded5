"""Python names for schema names: sanitised, collision-free, deterministic.

Schema text is untrusted: every name that reaches generated code passes
through :func:`identifier`, which only ever returns ``[A-Za-z_][A-Za-z0-9_]*``
strings that are not keywords, soft keywords, builtins, dunders or names the
generated module itself uses.  Wire names are kept separately in the IR and
are only ever emitted as ``repr`` literals.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import keyword
import re
import site
import sys
import sysconfig
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


# --------------------------------------------------------------------------- package names

# modules the generated code imports (or that Python itself needs): a package of one of
# these names in the current folder would be imported in their place
RESERVED_PACKAGES = frozenset({"schemagen", "pyarrow", "numpy", "pandas"})


def _site_folders() -> list[str]:
    """The folders installed distributions live in (site-packages, user site, purelib)."""
    folders = [*site.getsitepackages(), site.getusersitepackages(),
               sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]
    folders += [p for p in sys.path if p.rstrip("/\\").endswith(("site-packages", "dist-packages"))]
    return list(dict.fromkeys(folders))


def package_name_problem(name: str) -> str:
    """Why ``name`` cannot be the name of a generated package, or "" when it can.

    The name becomes an import name (``from NAME.sales import ...``) and appears in
    generated source, so it must be a Python identifier that is no keyword, and it must
    not shadow a module of the standard library, a module the generated code imports, or a
    top-level package installed in site-packages (``-o json`` would make ``import json``
    fail in the folder holding the package).
    """
    if not name.isidentifier() or not name.isascii():
        return "must be a Python identifier (ASCII letters, digits and _, not starting with a digit)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in sys.stdlib_module_names or name in sys.builtin_module_names:
        return "is the name of a standard library module (the package would shadow it)"
    if name in RESERVED_PACKAGES:
        return "is the name of a module the generated code imports"
    if importlib.machinery.PathFinder.find_spec(name, _site_folders()) is not None:
        return "is the name of an installed package (the package would shadow it)"
    return ""
