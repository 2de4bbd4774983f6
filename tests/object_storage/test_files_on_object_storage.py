"""Attachments on S3-compatible object storage (issue 17): stored in the bucket, never on the
local disk, handed out only by their authorising views (streamed, never a link to the object),
and deleted from the bucket when their rows go."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from privacy.files import rows_with_files_delete
from privacy.services.retention import retention_run
from servicedesk.object_storage import READ_SPOOL_BYTES, ObjectUrlRefused
from tests.api.conftest import api_client, contact_token
from tests.object_storage.conftest import ObjectStore, object_storage_options
from tests.portal.conftest import Org, client_for, created_ticket, new_ticket_post
from tickets.models import Attachment, Status, Ticket
from tickets.services.attachments import attachment_file_write

LOG = b"2026-12-06 10:00:01 ERROR koppeling met het EPD verbroken\n"


def _download(client, attachment: Attachment):
    return client.get(reverse("attachment-download", args=[attachment.pk]))


def test_a_portal_upload_lands_in_the_bucket_and_streams_back_through_the_view(
    orgs: tuple[Org, Org], s3: ObjectStore
) -> None:
    org_a, _org_b = orgs
    client = client_for(org_a.manager)
    upload = SimpleUploadedFile("epd.log", LOG, content_type="text/plain")
    ticket = created_ticket(new_ticket_post(client, org_a.contract, attachments=[upload]))
    attachment = ticket.attachments.get()

    assert attachment.file.name in s3.names()
    assert s3.read(attachment.file.name) == LOG
    response = _download(client, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LOG
    assert response["Content-Disposition"] == 'attachment; filename="epd.log"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("Location")


def test_another_organisations_user_gets_404_and_nothing_of_the_object(
    orgs: tuple[Org, Org], s3: ObjectStore
) -> None:
    org_a, org_b = orgs
    secret = org_b.attachment("secret")
    assert secret.file.name in s3.names()

    response = _download(client_for(org_a.manager), secret)

    assert response.status_code == 404
    assert not response.has_header("Location")
    body = response.content.decode()
    assert s3.endpoint not in body
    assert "X-Amz-" not in body
    assert b"%PDF" not in response.content


def test_an_api_upload_lands_in_the_bucket_and_the_api_streams_it(
    orgs: tuple[Org, Org], s3: ObjectStore
) -> None:
    org_a, _org_b = orgs
    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    posted = client.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"files": SimpleUploadedFile("scherm.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)},
        format="multipart",
    )
    assert posted.status_code == 201, posted.content
    attachment = Attachment.objects.get(ticket=ticket, filename="scherm.png")
    assert attachment.file.name in s3.names()

    download = client.get(f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}/download/")

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == s3.read(attachment.file.name)
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_storage_hands_out_no_link_and_keeps_objects_private(s3: ObjectStore) -> None:
    name = default_storage.save("review-packs/prive.pdf", ContentFile(b"%PDF-1.7 prive"))

    with pytest.raises(ObjectUrlRefused):
        default_storage.url(name)
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("URI") is None for grant in grants)  # no AllUsers group


def test_a_second_file_of_the_same_name_and_content_is_a_second_object(
    orgs: tuple[Org, Org], s3: ObjectStore, django_capture_on_commit_callbacks
) -> None:
    """Attachment names are content-addressed: were two rows to share an object, removing one
    row's file would take the other's bytes with it."""
    ticket = orgs[0].tickets["shared"]
    first, second = (
        _stored(
            content=LOG,
            name="epd.log",
            content_type="text/plain",
            ticket=ticket,
            now=ticket.created_at,
        )
        for _ in range(2)
    )
    assert first.file.name != second.file.name
    assert {first.file.name, second.file.name} <= set(s3.names())

    with django_capture_on_commit_callbacks(execute=True):
        rows_with_files_delete(Attachment.objects.filter(pk=first.pk))

    assert first.file.name not in s3.names()
    assert s3.read(second.file.name) == LOG


def test_retention_deletes_the_closed_tickets_objects_from_the_bucket(
    orgs: tuple[Org, Org], s3: ObjectStore, settings, django_capture_on_commit_callbacks
) -> None:
    org_a, _org_b = orgs
    now = timezone.now()
    settings.RETENTION_DAYS = 90
    closed = org_a.tickets["shared"]
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=now)
    closed_key, kept_key = org_a.attachment("shared").file.name, org_a.attachment("own").file.name

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run(now=now + timedelta(days=100))

    assert run is not None
    assert run.result["tickets.Attachment (removed)"] == 1
    assert closed_key not in s3.names()
    assert kept_key in s3.names()


def test_an_unreachable_store_after_the_commit_is_logged_and_the_other_deletes_still_run(
    orgs: tuple[Org, Org], s3: ObjectStore, settings, caplog, django_capture_on_commit_callbacks
) -> None:
    """The rows are gone once committed; a delete the store refuses must not turn the committed
    purge into an error, nor stop the deletes queued after it."""
    keys = [orgs[0].attachment(key).file.name for key in ("shared", "own")]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    dead = object_storage_options(s3)
    dead["OPTIONS"] = {**dead["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{closed_port}"}
    settings.STORAGES = {**settings.STORAGES, "default": dead}
    rows = Attachment.objects.filter(file__in=keys)

    with django_capture_on_commit_callbacks(execute=True):
        assert rows_with_files_delete(rows) == 2

    failures = [r for r in caplog.records if r.getMessage().startswith("stored file could not")]
    assert sorted(r.getMessage().rsplit(" ", 1)[-1] for r in failures) == sorted(keys)
    assert set(keys) <= set(s3.names())  # still there: an operator's sweep finds them


def test_files_of_one_name_saved_at_once_never_share_an_object(s3: ObjectStore) -> None:
    """The same logo in two mails routed by two workers at once: each row gets its own object,
    so removing one ticket's files never takes another's."""
    barrier = threading.Barrier(6)

    def save(index: int) -> str:
        barrier.wait()
        return default_storage.save(
            "attachments/ab/abc/image001.png", ContentFile(b"logo %d" % index)
        )

    with ThreadPoolExecutor(max_workers=6) as pool:
        names = list(pool.map(save, range(6)))

    assert len(set(names)) == 6
    assert sorted(s3.read(name) for name in names) == [b"logo %d" % i for i in range(6)]


def test_a_name_too_long_for_its_field_is_cut_and_keeps_its_extension(s3: ObjectStore) -> None:
    long = "rca/2026/12/" + "verslag-" * 20 + ".pdf"

    name = default_storage.get_available_name(long, max_length=100)

    assert len(name) == 100
    assert name.startswith("rca/2026/12/")
    assert name.endswith(".pdf")
    with pytest.raises(SuspiciousFileOperation):
        default_storage.get_available_name("a" * 95 + "/x.pdf", max_length=100)


def test_a_file_larger_than_the_memory_spool_streams_back_whole(
    orgs: tuple[Org, Org], s3: ObjectStore
) -> None:
    """Past READ_SPOOL_BYTES the object is read through a temporary file, not memory."""
    org_a, _org_b = orgs
    ticket = org_a.tickets["shared"]
    content = b"%PDF-1.4\n" + bytes(range(256)) * (READ_SPOOL_BYTES // 256 + 4096)
    attachment = _stored(
        content=content,
        name="dump.pdf",
        content_type="application/pdf",
        ticket=ticket,
        now=ticket.created_at,
    )

    response = _download(client_for(org_a.manager), attachment)

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(content))
    assert b"".join(response.streaming_content) == content


def _stored(**fields: Any) -> Attachment:
    attachment = attachment_file_write(**fields)
    attachment.save()
    return attachment
