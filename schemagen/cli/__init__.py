"""The ``schemagen`` command line: ``main.py`` (parser, exit codes by exception class), ``commands/`` (one module per command)."""
