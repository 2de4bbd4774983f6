"""A person's files on object storage (issue 17, issue #15 §3): the mail's and the portal's files
are objects in the bucket, the access export is built from them and kept there, streamed by the
back-office, and an erasure leaves no object in the bucket that holds the person."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from axes.utils import reset as axes_reset
from django.urls import reverse

from intake.models import InboundMessage
from privacy.models import DataSubjectRequest
from tests.object_storage.conftest import ObjectStore
from tests.privacy.conftest import NAME, TRACES, PersonWorld, person_world_build
from tests.privacy.test_erasure import erase
from tests.privacy.test_export import export_of
from tickets.models import Attachment


@pytest.fixture
def person(s3: ObjectStore, settings: Any) -> Iterator[PersonWorld]:
    settings.INTAKE_RAW_STORAGE = "object"  # the raw mail in the bucket too
    yield person_world_build()
    axes_reset()


def _traces_in_bucket(s3: ObjectStore) -> list[str]:
    """Objects whose key or content holds one of the person's strings."""
    wanted = [s.lower() for s in TRACES]
    found = []
    for key in s3.names():
        text = (key + s3.read(key).decode("latin-1")).lower()
        found += [f"{key}: {s}" for s in wanted if s in text]
    return found


def test_the_mails_and_the_portals_files_are_objects_in_the_bucket(
    person: PersonWorld, s3: ObjectStore
) -> None:
    mailed = Attachment.objects.get(ticket=person.mail_ticket)
    mail = InboundMessage.objects.get(ticket=person.mail_ticket)

    assert s3.read(mailed.file.name) == b"%PDF-1.4 scan"
    assert bytes(mail.raw) == b""
    assert b"Printer op kantoor weigert" in s3.read(mail.raw_file.name)
    assert s3.read(person.tom_upload.file.name) == f"%PDF-1.4 {NAME}".encode()


def _tom_upload_in(archive: zipfile.ZipFile) -> list[bytes]:
    return [archive.read(n) for n in archive.namelist() if n.endswith("logboek-tom-visser.pdf")]


def test_the_access_export_is_built_from_the_bucket_kept_there_and_streamed(
    person: PersonWorld, s3: ObjectStore, client
) -> None:
    archive = export_of(person)
    built = DataSubjectRequest.objects.exclude(export_file="").order_by("-pk").first()
    assert built is not None
    assert built.export_file.name in s3.names()
    client.force_login(person.coordinator)

    download = client.get(reverse("admin:privacy_datasubjectrequest_download", args=[built.pk]))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == s3.read(built.export_file.name)
    assert _tom_upload_in(archive) == [f"%PDF-1.4 {NAME}".encode()]
    mail = InboundMessage.objects.get(ticket=person.mail_ticket)
    assert s3.read(mail.raw_file.name) in [
        archive.read(n) for n in archive.namelist() if n.endswith(".eml")
    ]


def test_an_object_gone_from_the_bucket_is_left_out_of_the_export(
    person: PersonWorld, s3: ObjectStore
) -> None:
    s3.client.delete_object(Bucket=s3.bucket, Key=person.tom_upload.file.name)

    assert _tom_upload_in(export_of(person)) == []


def test_after_the_erasure_no_object_in_the_bucket_holds_the_person(
    person: PersonWorld, s3: ObjectStore, django_capture_on_commit_callbacks
) -> None:
    assert _traces_in_bucket(s3)
    upload_key = person.tom_upload.file.name

    with django_capture_on_commit_callbacks(execute=True):
        erase(person)

    assert upload_key not in s3.names()
    assert _traces_in_bucket(s3) == []
    assert not any(key.startswith("mail/raw/") for key in s3.names())
    assert not InboundMessage.objects.exclude(raw_file="").exists()
