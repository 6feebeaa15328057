"""A local S3-compatible server over HTTP (moto's standalone server)."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

S3_KEYS = {"aws_access_key_id": "portail-test", "aws_secret_access_key": "portail-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3_bucket(s3_endpoint, settings) -> str:
    """A private bucket on the local S3 server, made the default storage as production configures it."""
    name = f"portail-{time.monotonic_ns()}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-3", **S3_KEYS).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-3",
                "access_key": S3_KEYS["aws_access_key_id"],
                "secret_key": S3_KEYS["aws_secret_access_key"],
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    return name


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-3", **S3_KEYS)
