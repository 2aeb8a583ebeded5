"""Helpers for the Spark tests (tests/e2e/engines)."""

from __future__ import annotations

from typing import Any


def spark_sql(session: Any, text: str) -> None:
    """Run every statement of a DDL script (``;`` at a line end ends a statement)."""
    for statement in text.split(";\n"):
        body = "\n".join(line for line in statement.splitlines()
                         if not line.lstrip().startswith("--")).strip().removesuffix(";")
        if body:
            session.sql(body)
