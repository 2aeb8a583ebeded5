"""The ``schemagen`` command line: ``main.py`` (parser, exit codes), ``commands/`` (one module each)."""

from schemagen.cli.main import main

__all__ = ["main"]
