"""Shared fixtures for the codegen/runtime tests.

* ``compile_schemas`` compiles schema texts (or files) into a fresh, uniquely
  named package under ``tmp_path`` and imports it;
* ``repo_pkg`` is the project's own ``schemas/`` compiled the same way (once
  per session), so tests always exercise the current code generator rather
  than whatever is committed in ``generated/``;
* ``corpus_pkg`` is every schema of the shared Avro corpus compiled together.

Helpers that build values and expectations from the IR live in
``sg_helpers.py`` next to this file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from sg_helpers import CORPUS, SCHEMAS, GenPackage, build_package, purge, write_schema_files

CompileFn = Callable[..., GenPackage]

pytest_plugins = ["sg_s3", "sg_fuzz"]  # the S3 server fixtures (s3_server, s3); the fuzz runner


@pytest.fixture
def compile_schemas(tmp_path: Path) -> Iterator[CompileFn]:
    """``compile_schemas({"a.avsc": text, ...})`` (or a list of paths) -> imported GenPackage."""
    made: list[GenPackage] = []
    counter = iter(range(1_000_000))

    def _compile(
        schemas: Mapping[str, str] | Sequence[str | Path] | str,
    ) -> GenPackage:
        n = next(counter)
        if isinstance(schemas, str):
            schemas = {"schema.avsc": schemas}
        if isinstance(schemas, Mapping):
            sources = write_schema_files(tmp_path / f"schemas{n}", schemas)
        else:
            sources = [Path(s) for s in schemas]
        pkg = build_package(sources, tmp_path / f"out{n}")
        made.append(pkg)
        return pkg

    yield _compile
    for pkg in made:
        purge(pkg)


@pytest.fixture(scope="session")
def repo_pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    """The project's ``schemas/`` compiled into a fresh package."""
    pkg = build_package([SCHEMAS], tmp_path_factory.mktemp("repo_pkg"))
    yield pkg
    purge(pkg)


@pytest.fixture(scope="session")
def corpus_pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenPackage]:
    """Every Avro schema of the shared corpus compiled together."""
    avro_dir = CORPUS / "avro"
    if not avro_dir.is_dir():
        pytest.skip(f"shared test corpus not found at {avro_dir}")
    pkg = build_package([avro_dir], tmp_path_factory.mktemp("corpus_pkg"))
    yield pkg
    purge(pkg)
