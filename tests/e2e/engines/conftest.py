"""Real engines for the end-to-end tests: one local SparkSession per test process.

The session runs in local mode, bound to 127.0.0.1, with no UI, its warehouse and Derby
metastore in a temp folder, and UTC as its session time zone (reset for every test).
``spark`` is a stock session, ``hive_spark`` a Hive-enabled one: one JVM holds one
SparkContext, so the tests that need Hive run last and the session switches once.
Spark tests are marked ``spark`` and grouped on one xdist worker (``xdist_group``), so a
``-n 2`` run starts one JVM, not two.  They need
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
    # the Hive-enabled session replaces the stock one (one SparkContext per JVM): run the
    # tests that need it last, so the session switches once
    items.sort(key=lambda item: "hive_spark" in getattr(item, "fixturenames", ()))


class _Sessions:
    """The one SparkSession of the process, stock or Hive-enabled: asking for the other
    kind stops it and builds the other in the same JVM (about a second)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.current: Any = None
        self.hive = False

    def get(self, hive: bool) -> Any:
        if self.current is not None and self.hive == hive:
            self.current.conf.set("spark.sql.session.timeZone", "UTC")
            return self.current
        self.stop()
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            pytest.fail("Spark tests need Java 17: install default-jre-headless (.ci/run does)")
        from pyspark.sql import SparkSession

        builder = (
            SparkSession.builder.master("local[1]")
            .appName("schemagen-tests")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", str(self.root / "warehouse"))
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={self.root}")
            .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                    f"jdbc:derby:;databaseName={self.root / 'metastore_db'};create=true")
        )
        if hive:
            builder = builder.enableHiveSupport()
        self.current, self.hive = builder.getOrCreate(), hive
        self.current.sparkContext.setLogLevel("ERROR")
        return self.current

    def stop(self) -> None:
        if self.current is not None:
            self.current.stop()
            self.current = None


@pytest.fixture(scope="session")
def _spark_sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Sessions]:
    sessions = _Sessions(tmp_path_factory.mktemp("spark"))
    try:
        yield sessions
    finally:
        sessions.stop()


@pytest.fixture
def spark(_spark_sessions: _Sessions) -> Any:
    """A stock SparkSession (in-memory catalog, no Hive support), as a user gets from
    ``SparkSession.builder.getOrCreate()``; session time zone UTC."""
    return _spark_sessions.get(hive=False)


@pytest.fixture
def hive_spark(_spark_sessions: _Sessions) -> Any:
    """A Hive-enabled SparkSession (``enableHiveSupport()``: Derby metastore and warehouse
    in a temp folder); session time zone UTC."""
    return _spark_sessions.get(hive=True)


def spark_rows(session: Any, path: Path, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of a Parquet file or folder as Spark reads it without a declared schema."""
    df = session.read.parquet(str(path))
    if columns is not None:
        df = df.select(*columns)
    return [r.asDict(recursive=True) for r in df.collect()]
