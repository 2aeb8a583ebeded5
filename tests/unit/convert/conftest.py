"""Fixtures of the convert tests: generated record classes."""

from __future__ import annotations

from typing import Any

import pytest
from sg_convert import FLAT, KITCHEN
from sg_helpers import GenPackage


@pytest.fixture
def kitchen(compile_schemas: Any) -> Any:
    return compile_schemas({"k.avsc": KITCHEN}).module("t").Kitchen


@pytest.fixture
def sales(repo_pkg: GenPackage) -> Any:
    return repo_pkg.module("example.sales")


@pytest.fixture
def flat(compile_schemas: Any) -> Any:
    return compile_schemas({"flat.avsc": FLAT}).module("f").Flat

