"""The OBJECT_STORAGE_* variables switch the default storage to the bucket; without them the
embedded default (files under MEDIA_ROOT) is unchanged. Each case runs in a fresh interpreter:
settings are read from the environment once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.object_storage.conftest import BUCKET, CREDENTIALS, ObjectStore

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.conf import settings
stored = default_storage.save("probe/hello.txt", ContentFile(b"hallo"))
with default_storage.open(stored, "rb") as handle:
    read = handle.read().decode()
print(json.dumps({
    "backend": type(default_storage._wrapped).__name__,
    "stored": stored,
    "read": read,
    "acl": getattr(default_storage, "default_acl", None),
    "raw_mail": settings.INTAKE_RAW_STORAGE,
}))
"""


def _run(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _probe(tmp_path: Path, **extra: str) -> dict[str, object]:
    done = _run(tmp_path, **extra)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _bucket_env(store: ObjectStore) -> dict[str, str]:
    return {
        "OBJECT_STORAGE_BUCKET": BUCKET,
        "OBJECT_STORAGE_ENDPOINT_URL": store.endpoint,
        "OBJECT_STORAGE_ACCESS_KEY": CREDENTIALS["aws_access_key_id"],
        "OBJECT_STORAGE_SECRET_KEY": CREDENTIALS["aws_secret_access_key"],
        "OBJECT_STORAGE_REGION": "eu-west-1",
    }


def test_the_bucket_variables_put_every_file_in_the_bucket(
    object_server: ObjectStore, tmp_path: Path
) -> None:
    probe = _probe(tmp_path, **_bucket_env(object_server), OBJECT_STORAGE_PREFIX="desk")

    stored = str(probe.pop("stored"))
    assert probe == {
        "backend": "PrivateObjectStorage",
        "read": "hallo",
        "acl": None,
        "raw_mail": "object",
    }
    assert re.fullmatch(r"probe/\w{12}/hello\.txt", stored)
    assert f"desk/{stored}" in object_server.names()
    assert not (tmp_path / "var" / "media").exists()
    object_server.client.delete_object(Bucket=BUCKET, Key=f"desk/{stored}")


def test_without_a_bucket_files_stay_under_media_root(tmp_path: Path) -> None:
    probe = _probe(tmp_path)

    assert (probe["backend"], probe["stored"], probe["read"], probe["raw_mail"]) == (
        "FileSystemStorage",
        "probe/hello.txt",
        "hallo",
        "database",
    )
    assert (tmp_path / "var" / "media" / "probe" / "hello.txt").read_bytes() == b"hallo"


def test_raw_mail_on_the_bucket_without_a_bucket_refuses_to_start(tmp_path: Path) -> None:
    done = _run(tmp_path, INTAKE_RAW_STORAGE="object")

    assert done.returncode != 0
    assert "INTAKE_RAW_STORAGE=object needs OBJECT_STORAGE_BUCKET" in done.stderr


def test_raw_mail_can_stay_in_the_database_beside_a_bucket(
    object_server: ObjectStore, tmp_path: Path
) -> None:
    probe = _probe(tmp_path, **_bucket_env(object_server), INTAKE_RAW_STORAGE="database")

    assert (probe["backend"], probe["raw_mail"]) == ("PrivateObjectStorage", "database")
    object_server.client.delete_object(Bucket=BUCKET, Key=str(probe["stored"]))
