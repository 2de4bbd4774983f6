"""Stored files no row names (privacy.orphans): found and removed alike in a bucket and under
MEDIA_ROOT, never a file a row holds, never one younger than the grace period."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from privacy.orphans import stored_orphans
from tests.portal.conftest import Org, org_a_build


@dataclass(frozen=True)
class Desk:
    org: Org
    orphan: str


@pytest.fixture(params=["bucket", "bucket under a prefix", "file system"])
def desk(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Desk:
    """Organisation A with its files in the bucket or under MEDIA_ROOT, and one file no row
    names (what a rolled-back routing leaves)."""
    if request.param == "file system":
        settings.MEDIA_ROOT = tmp_path / "media"
    else:
        request.getfixturevalue("s3")
    if request.param == "bucket under a prefix":
        default = settings.STORAGES["default"]
        options = {**default["OPTIONS"], "location": "desk"}
        settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}
    org = org_a_build(timezone.now() - timedelta(hours=1))
    orphan = default_storage.save("attachments/ab/abc/rolled-back.pdf", ContentFile(b"%PDF-1.4"))
    return Desk(org, orphan)


def test_only_the_file_no_row_names_is_an_orphan(desk: Desk) -> None:
    later = timezone.now() + timedelta(hours=2)

    found = list(stored_orphans(storage=default_storage, now=later, grace=timedelta(hours=1)))
    young = list(stored_orphans(storage=default_storage, now=later, grace=timedelta(hours=3)))

    assert found == [desk.orphan]
    assert young == []


def test_the_command_removes_the_orphans_and_keeps_every_named_file(desk: Desk) -> None:
    named = [desk.org.attachment(key).file.name for key in ("private", "shared", "own")]
    out = io.StringIO()

    call_command("stored_files_orphans", "--delete", "--grace-hours", "0", stdout=out)

    assert out.getvalue().splitlines() == ["attachments/: 1", "1 stored files no row names removed"]
    assert not default_storage.exists(desk.orphan)
    assert all(default_storage.exists(name) for name in named)
