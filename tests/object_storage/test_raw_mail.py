"""Raw inbound mail on S3-compatible object storage (issue 17, INTAKE_RAW_STORAGE=object).

The intake's promise holds on the bucket: the message's bytes are in the bucket before its row
exists, a redelivery leaves one row and one object, a bucket that does not take the message
makes every transport say "try again later" and stores nothing half, and whatever reads the
message later (the stuck-message retry, triage, the admin, retention, an erasure's search) reads
it from the bucket."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse

from intake.models import Flag, InboundMessage, Outcome
from intake.raw import RawStoreUnavailable, raw_object_name
from intake.services import receive
from intake.services.receive import (
    InboundRefused,
    inbound_receive,
    inbound_retry_stuck,
    inbound_store,
)
from intake.smtp import _receive
from privacy.services.retention import retention_run
from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory, named_contact
from tests.intake.mail import message, pipe
from tests.object_storage.conftest import ObjectStore, object_storage_options
from tests.tickets.helpers import ams

NOW = ams("2026-12-07 10:00")
RAW = message(sender="Anna de Vries <anna@klant-a.example>")


@pytest.fixture
def raw_bucket(s3: ObjectStore, settings: Any) -> ObjectStore:
    settings.INTAKE_RAW_STORAGE = "object"
    return s3


@pytest.fixture
def anna(db: None) -> Any:
    return named_contact(
        ContractFactory(provider_code="onitnow", package_code="ons"), email="anna@klant-a.example"
    )


def _object_of(raw: bytes) -> str:
    return raw_object_name(hashlib.sha256(raw).hexdigest())


def test_the_message_is_an_object_named_by_its_content_and_the_row_names_it(
    raw_bucket: ObjectStore, anna: Any
) -> None:
    inbound, created = inbound_receive(raw=RAW, transport="pipe", now=NOW)

    row = InboundMessage.objects.get(pk=inbound.pk)
    assert created
    assert row.outcome == Outcome.TICKET, row.reason
    assert bytes(row.raw) == b""
    assert row.raw_file.name == _object_of(RAW)
    assert raw_bucket.names() == [_object_of(RAW)]
    assert raw_bucket.read(row.raw_file.name) == RAW
    assert row.raw_message() == RAW
    assert row.raw_message(20) == RAW[:20]


def test_a_redelivery_leaves_one_row_and_one_object(raw_bucket: ObjectStore, anna: Any) -> None:
    first, created = inbound_receive(raw=RAW, transport="smtp", now=NOW)
    again, created_again = inbound_receive(raw=RAW, transport="imap", now=NOW)

    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert InboundMessage.objects.count() == 1
    assert raw_bucket.names() == [_object_of(RAW)]


def test_the_object_is_written_before_the_row_and_a_failed_insert_loses_nothing(
    raw_bucket: ObjectStore, anna: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def insert_fails(**fields: object) -> InboundMessage:
        assert raw_bucket.read(_object_of(RAW)) == RAW  # already in the bucket
        raise DatabaseError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(receive, "_insert", insert_fails)
        with pytest.raises(DatabaseError):
            inbound_receive(raw=RAW, transport="pipe", now=NOW)
    assert not InboundMessage.objects.exists()

    # The transport delivers again: the same object, now named by its row.
    inbound, created = inbound_receive(raw=RAW, transport="pipe", now=NOW)
    assert created
    assert inbound.raw_file.name == _object_of(RAW)
    assert raw_bucket.names() == [_object_of(RAW)]


def test_an_object_left_by_a_failed_insert_is_found_by_the_orphan_check(
    raw_bucket: ObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def insert_fails(**fields: object) -> InboundMessage:
        raise DatabaseError("the database went away")

    monkeypatch.setattr(receive, "_insert", insert_fails)
    with pytest.raises(DatabaseError):
        inbound_store(raw=RAW, transport="pipe", now=NOW)
    out = io.StringIO()

    call_command("stored_files_orphans", "--grace-hours", "0", "--delete", stdout=out)

    assert "mail/: 1" in out.getvalue()
    assert raw_bucket.names() == []


def test_a_stored_messages_object_is_no_orphan(raw_bucket: ObjectStore, anna: Any) -> None:
    inbound_receive(raw=RAW, transport="pipe", now=NOW)
    out = io.StringIO()

    call_command("stored_files_orphans", "--grace-hours", "0", "--delete", stdout=out)

    assert "0 stored files no row names" in out.getvalue()
    assert raw_bucket.names() == [_object_of(RAW)]


@pytest.fixture
def bucket_down(raw_bucket: ObjectStore, settings: Any) -> None:
    """The default storage pointed at a loopback port where no object store answers."""
    options = object_storage_options(raw_bucket)
    options["OPTIONS"] = {**options["OPTIONS"], "endpoint_url": "http://127.0.0.1:9"}
    settings.STORAGES = {**settings.STORAGES, "default": options}


def test_a_bucket_that_does_not_take_the_message_stores_nothing_and_raises(
    bucket_down: None, anna: Any
) -> None:
    with pytest.raises(RawStoreUnavailable):
        inbound_receive(raw=RAW, transport="pipe", now=NOW)

    assert not InboundMessage.objects.exists()


def test_smtp_answers_try_again_later_when_the_bucket_is_down(
    bucket_down: None, anna: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The listener's thread closes stale connections first; here that would be the test's own.
    monkeypatch.setattr("intake.smtp.close_old_connections", lambda: None)
    answer = _receive(RAW, "support@servicedesk.example")

    assert answer.startswith("451 4.3.0")
    assert not InboundMessage.objects.exists()


def test_the_pipe_exits_tempfail_when_the_bucket_is_down(bucket_down: None, anna: Any) -> None:
    code, _out, err = pipe(RAW)

    assert code == 75, err
    assert "temporary failure" in err
    assert not InboundMessage.objects.exists()


def test_a_message_the_router_never_finished_is_routed_from_the_bucket(
    raw_bucket: ObjectStore, anna: Any
) -> None:
    inbound, _ = inbound_store(raw=RAW, transport="pipe", now=NOW)
    assert bytes(InboundMessage.objects.get(pk=inbound.pk).raw) == b""

    assert inbound_retry_stuck(now=NOW + timedelta(minutes=6)) == 1

    inbound.refresh_from_db()
    assert inbound.outcome == Outcome.TICKET, inbound.reason
    assert inbound.ticket is not None
    assert "E-42" in inbound.ticket.description


def test_a_refused_message_keeps_its_headers_on_its_row(
    raw_bucket: ObjectStore, settings: Any
) -> None:
    settings.INTAKE_MAX_BYTES = 2000
    big = message(body="x" * 5000)

    with pytest.raises(InboundRefused) as refused:
        inbound_receive(raw=big, transport="pipe", now=NOW)

    stub = refused.value.inbound
    assert stub.flag == Flag.REFUSED
    assert bytes(stub.raw).startswith(b"From: Anna")
    assert not stub.raw_file
    assert raw_bucket.names() == []


def _triage_row(raw_bucket: ObjectStore) -> InboundMessage:
    """A message from nobody the desk knows: it waits in triage, its bytes in the bucket."""
    stranger = message(sender="Onbekend <iemand@elders.example>", message_id="<t-1@elders>")
    inbound, _ = inbound_receive(raw=stranger, transport="pipe", now=NOW)
    assert inbound.outcome == Outcome.TRIAGE, inbound.reason
    assert raw_bucket.read(inbound.raw_file.name) == stranger
    return inbound


def test_triage_shows_the_message_read_from_the_bucket(raw_bucket: ObjectStore) -> None:
    inbound = _triage_row(raw_bucket)
    client = english_client(staff("first"))

    triage = client.get(reverse("backoffice:triage-detail", args=[inbound.pk]))
    assert triage.status_code == 200
    assert "Message-ID: &lt;t-1@elders&gt;" in triage.content.decode()

    admin_page = reverse("admin:intake_inboundmessage_change", args=[inbound.pk])
    shown = english_client(User.objects.create_superuser("root", "r@x.example", "pw"))
    assert "Message-ID: &lt;t-1@elders&gt;" in shown.get(admin_page).content.decode()

    raw_bucket.empty()  # gone from the bucket: the pages still open and say so
    assert "could not be read from object storage" in shown.get(admin_page).content.decode()
    triage = client.get(reverse("backoffice:triage-detail", args=[inbound.pk]))
    assert triage.status_code == 200
    assert "could not be read from object storage" in triage.content.decode()


def test_the_triage_page_says_so_in_dutch_when_the_bucket_has_no_message(
    raw_bucket: ObjectStore, client: Any
) -> None:
    inbound = _triage_row(raw_bucket)
    raw_bucket.empty()
    client.force_login(staff("first"))

    triage = client.get(reverse("backoffice:triage-detail", args=[inbound.pk]))

    assert triage.status_code == 200
    assert "kon niet uit de objectopslag worden gelezen" in triage.content.decode()


def test_retention_deletes_the_raw_object_and_the_row_stops_naming_it(
    raw_bucket: ObjectStore, anna: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RETENTION_DAYS = 30
    inbound, _ = inbound_receive(raw=RAW, transport="pipe", now=NOW - timedelta(days=40))
    assert raw_bucket.names() == [_object_of(RAW)]

    with django_capture_on_commit_callbacks(execute=True):
        retention_run(now=NOW)

    inbound.refresh_from_db()
    assert (bytes(inbound.raw), inbound.raw_file.name) == (b"", "")
    assert raw_bucket.names() == []
