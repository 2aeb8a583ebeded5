"""Front ends: schema files -> IR.  Each knows one format and nothing about Parquet.

``base.py`` holds the registry (extension -> loader); one module or package per format.
"""

from schemagen.frontends.base import EXTENSIONS, find_schema_files, load, schema_roots

__all__ = ["EXTENSIONS", "find_schema_files", "load", "schema_roots"]
