"""The Dask LocalCluster the adapter tests share (2 worker processes on 127.0.0.1, started
here once per test process and stopped at its end)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sg_s3 import KEY, REGION


@pytest.fixture(scope="session")
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
