"""The Dask LocalCluster of the adapter tests (2 worker processes on 127.0.0.1), started
once per test module and stopped at its end: a client left running for the rest of the
session would allocate in its background threads and disturb the memory-flatness tests
(tracemalloc counts every thread) that run after it in the same process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sg_s3 import KEY, REGION


@pytest.fixture(scope="module")
def client(s3_server: str) -> Iterator[object]:
    from distributed import Client, LocalCluster

    # the workers' credentials for the test S3 server (a file system built from a bare
    # s3:// URI travels to them without its credentials, as pyarrow pickles it)
    env = {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": KEY, "AWS_DEFAULT_REGION": REGION,
           "AWS_ENDPOINT_URL": s3_server, "AWS_EC2_METADATA_DISABLED": "true"}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", worker_dashboard_address=None,
                      env=env) as cluster, Client(cluster) as c:
        yield c
