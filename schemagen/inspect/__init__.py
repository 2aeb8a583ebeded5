"""``schemagen inspect``: what a Parquet file (or dataset folder) holds, as data.

Three modules:

* :mod:`~schemagen.inspect.guard` -- files are untrusted: cheap byte checks,
  then a child process opens and decodes each file before this process reads it;
* :mod:`~schemagen.inspect.report` -- :func:`inspect` builds the JSON-ready
  report (keys documented in ``docs/inspect.md``, stable), :func:`recovered`
  gives the IR of one of its schemas;
* :mod:`~schemagen.inspect.text` -- :func:`render_text` formats it for people.
"""

from __future__ import annotations

from schemagen.errors import InspectError
from schemagen.inspect.guard import DEFAULT_TIMEOUT, ENCRYPTED_MAGIC, MAGIC, check_magic, verify
from schemagen.inspect.report import inspect, jsonable, recovered
from schemagen.inspect.text import render_text

__all__ = ["DEFAULT_TIMEOUT", "ENCRYPTED_MAGIC", "InspectError", "MAGIC", "check_magic",
           "inspect", "jsonable", "recovered", "render_text", "verify"]
