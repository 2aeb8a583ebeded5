"""S3 fixtures (a pytest plugin, registered in ``conftest.py``): a real S3-compatible
server on 127.0.0.1, moto's ``ThreadedMotoServer``, started once per test process and
stopped at its end; a fresh bucket per test; clients for it.

* ``s3`` -> :class:`S3`: ``endpoint`` (``http://127.0.0.1:PORT``), ``bucket`` (new per
  test), ``pyarrow_fs()`` (``pyarrow.fs.S3FileSystem(endpoint_override=...)``),
  ``fsspec_fs()`` (``s3fs.S3FileSystem``), ``client`` (boto3), ``keys()`` (every key in
  the bucket), ``uploads()`` (multipart uploads begun and not completed), ``env``
  (the ``AWS_*`` variables that point a bare ``s3://`` URI at the server).
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

KEY = "testing"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class S3:
    endpoint: str
    bucket: str
    client: Any
    env: dict[str, str] = field(default_factory=dict)

    def pyarrow_fs(self, **kw: Any) -> Any:
        import pyarrow.fs as pafs

        return pafs.S3FileSystem(endpoint_override=self.endpoint, access_key=KEY,
                                 secret_key=KEY, region=REGION, **kw)

    def fsspec_fs(self) -> Any:
        import s3fs

        return s3fs.S3FileSystem(key=KEY, secret=KEY, endpoint_url=self.endpoint,
                                 client_kwargs={"region_name": REGION},
                                 skip_instance_cache=True, use_listings_cache=False)

    def url(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{key}"

    def keys(self, prefix: str = "") -> list[str]:
        out: list[str] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                     Prefix=prefix)
        for page in pages:
            out.extend(o["Key"] for o in page.get("Contents", []))
        return sorted(out)

    def uploads(self) -> list[str]:
        got = self.client.list_multipart_uploads(Bucket=self.bucket)
        return sorted(u["Key"] for u in got.get("Uploads", []))


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The endpoint of a moto S3 server on 127.0.0.1 (one per test process)."""
    moto_server = pytest.importorskip("moto.server")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> S3:
    """A fresh bucket on the test server; ``AWS_*`` variables point bare URIs at it."""
    import boto3

    env = {"AWS_ENDPOINT_URL": s3_server, "AWS_ACCESS_KEY_ID": KEY,
           "AWS_SECRET_ACCESS_KEY": KEY, "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
           "AWS_EC2_METADATA_DISABLED": "true"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    client = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id=KEY,
                          aws_secret_access_key=KEY, region_name=REGION)
    bucket = f"sg-{secrets.token_hex(6)}"
    client.create_bucket(Bucket=bucket)
    return S3(s3_server, bucket, client, env)
