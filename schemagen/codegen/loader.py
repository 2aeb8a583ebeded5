"""Compile schema files and import the generated modules in memory.

``schemagen.load(path)`` renders the modules ``schemagen compile`` would write and
imports them through a meta-path finder over the rendered text: nothing is written
to disk and ``sys.path`` is not touched.  Each load registers its modules under its
own private package name (``_schemagen_load_<n>``), so two loads, even of schemas that
share namespaces, never clash.
"""

from __future__ import annotations

import ast
import importlib
import sys
from typing import Any


def module_namespace(modname: str) -> dict[str, Any]:
    """A generated module's globals plus the names it imports only for type checking.

    Generated modules import the classes of other modules under ``if TYPE_CHECKING:``
    (and locally in functions) to keep import cycles harmless; resolving annotations
    needs those names, so the imports are replayed here.  The source comes from the
    module's loader, so modules imported from files and in memory both work.
    """
    mod = sys.modules[modname]
    ns = dict(vars(mod))
    get_source = getattr(getattr(mod, "__loader__", None), "get_source", None)
    try:
        text = get_source(modname) if get_source is not None else None
    except (ImportError, OSError):
        text = None
    if not text:
        return ns
    for node in ast.parse(text).body:
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Name)
                and node.test.id == "TYPE_CHECKING"):
            continue
        for imp in node.body:
            if isinstance(imp, ast.ImportFrom):
                target = importlib.import_module("." * imp.level + (imp.module or ""),
                                                 mod.__package__)
                for alias in imp.names:
                    ns[alias.asname or alias.name] = getattr(target, alias.name)
    return ns
