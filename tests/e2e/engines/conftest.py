"""Real engines for the end-to-end tests: one local SparkSession per test process.

The session runs in local mode, bound to 127.0.0.1, with no UI, its warehouse and Derby
metastore in a temp folder, and UTC as its session time zone (tests that need another zone
set it themselves and restore it).  Spark tests are marked ``spark`` and grouped on one
xdist worker (``xdist_group``), so a ``-n 2`` run starts one JVM, not two.  They need
Java 17 (``.ci/run`` installs ``default-jre-headless`` when ``java`` is missing) and
pyspark (the ``spark`` extra, part of ``test``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("spark") is not None:
            item.add_marker(pytest.mark.xdist_group("spark"))


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A stock SparkSession (in-memory catalog, no Hive support), as a user gets from
    ``SparkSession.builder.getOrCreate()``."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Spark tests need Java 17: install default-jre-headless (.ci/run does)")
    from pyspark.sql import SparkSession

    root = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("schemagen-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(root / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={root}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def spark_rows(session: Any, path: Path, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of a Parquet file or folder as Spark reads it without a declared schema."""
    df = session.read.parquet(str(path))
    if columns is not None:
        df = df.select(*columns)
    return [r.asDict(recursive=True) for r in df.collect()]
