"""pyarrow, imported once and typed as ``Any``.

pyarrow ships no type information; importing it through ``importlib`` keeps
``mypy --strict`` clean for schemagen and for generated code, whatever the
user's mypy configuration, without ``type: ignore`` comments that would turn
into errors the day pyarrow gains stubs.
"""

from __future__ import annotations

import importlib
from typing import Any

pa: Any = importlib.import_module("pyarrow")
pc: Any = importlib.import_module("pyarrow.compute")
pq: Any = importlib.import_module("pyarrow.parquet")
ds: Any = importlib.import_module("pyarrow.dataset")
