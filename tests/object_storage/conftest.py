"""A real S3 server on loopback (moto's server mode, issue 17) and the default storage on it.

moto is a Python package pinned in requirements-dev.txt, so the server is always there: these
tests never skip. The server runs in a thread of the test process but is reached over HTTP on
127.0.0.1 like any object store: boto3 signs real requests and the objects are listed back with
a client of its own."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
import pytest
from axes.utils import reset as axes_reset
from django.core.cache import cache
from django.utils import timezone
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from tests.portal.conftest import Org, org_a_build, org_b_build

BUCKET = "servicedesk-test"
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@dataclass(frozen=True)
class ObjectStore:
    endpoint: str
    bucket: str
    client: Any

    def names(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def empty(self) -> None:
        for key in self.names():
            self.client.delete_object(Bucket=self.bucket, Key=key)


@pytest.fixture(scope="session")
def object_server() -> Iterator[ObjectStore]:
    """One S3 server on a free loopback port for the session, with the bucket made."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1", **CREDENTIALS)
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    yield ObjectStore(endpoint=endpoint, bucket=BUCKET, client=client)
    server.stop()


def object_storage_options(store: ObjectStore) -> dict[str, Any]:
    """What settings.py builds from the OBJECT_STORAGE_* variables, for this server."""
    return {
        "BACKEND": "servicedesk.object_storage.PrivateObjectStorage",
        "OPTIONS": {
            "bucket_name": store.bucket,
            "endpoint_url": store.endpoint,
            "access_key": CREDENTIALS["aws_access_key_id"],
            "secret_key": CREDENTIALS["aws_secret_access_key"],
            "region_name": "eu-west-1",
            "location": "",
            "addressing_style": "path",
        },
    }


@pytest.fixture
def s3(object_server: ObjectStore, settings: Any, tmp_path: Any) -> Iterator[ObjectStore]:
    """The default storage on the S3 server, its bucket empty; MEDIA_ROOT points at a folder
    that must stay empty (nothing may land on the local disk)."""
    object_server.empty()
    settings.MEDIA_ROOT = tmp_path / "media-never-written"
    settings.STORAGES = {**settings.STORAGES, "default": object_storage_options(object_server)}
    yield object_server
    assert not settings.MEDIA_ROOT.exists(), "a file was written to the local disk"
    object_server.empty()


@pytest.fixture(autouse=True)
def _isolated(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """No API rate limit, no broker for outbox rows."""
    settings.API_RATE_LIMIT = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
    cache.clear()


@pytest.fixture(autouse=True)
def _axes_clean(db: None) -> Iterator[None]:
    axes_reset()
    yield
    axes_reset()


@pytest.fixture
def orgs(s3: ObjectStore) -> tuple[Org, Org]:
    """Organisations A and B (tests.portal.conftest), their files already in the bucket."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    return org_a_build(an_hour_ago), org_b_build(an_hour_ago)
