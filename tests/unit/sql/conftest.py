"""Shared by the SQL tests: a fresh dialect registry around every test, and the project's
SQL examples and Avro schemas as one IR schema."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from sg_helpers import REPO, SCHEMAS

from schemagen import frontends, ir
from schemagen.errors import SchemaWarning
from schemagen.sql import registry


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    registry.reset()
    yield
    registry.reset()


@pytest.fixture(scope="module")
def all_types() -> dict[str, ir.Named]:
    """The SQL examples and the project's Avro schemas, as one IR schema."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaWarning)
        files = frontends.find_schema_files([REPO / "schemas" / "sql", SCHEMAS])
        return dict(frontends.load(files).types)
