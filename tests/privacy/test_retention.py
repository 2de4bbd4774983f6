"""Retention (issue #15 §3): closed tickets' files and raw mail older than RETENTION_DAYS go,
once a day, logged with counts; off by default."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intake.models import InboundMessage
from privacy.models import RetentionRun
from privacy.services.exports import dsr_export_build
from privacy.services.requests import dsr_record
from privacy.services.retention import retention_run
from tests.privacy.conftest import NOW, PersonWorld
from tickets.models import Attachment, Status, Ticket
from tickets.services import ticket_transition

pytestmark = pytest.mark.django_db
MONTHS_LATER = NOW + timedelta(days=100)


def close(person: PersonWorld) -> Ticket:
    ticket = Ticket.objects.get(pk=person.mail_ticket.pk)
    return ticket_transition(
        ticket=ticket, to_status=Status.CLOSED, now=NOW + timedelta(days=1), actor=person.engineer
    )


def test_retention_is_off_by_default(person):
    close(person)

    run = retention_run(now=MONTHS_LATER)

    assert run is not None
    assert run.cutoff is None
    assert run.result == {}
    assert Attachment.objects.filter(ticket=person.mail_ticket).exists()


def test_files_and_raw_mail_of_tickets_closed_before_the_cutoff_are_purged(person, settings):
    settings.RETENTION_DAYS = 90
    close(person)

    run = retention_run(now=MONTHS_LATER)

    assert run is not None
    assert run.result["tickets.Attachment (removed)"] == 1
    assert not Attachment.objects.filter(ticket=person.mail_ticket).exists()
    assert bytes(InboundMessage.objects.get(ticket=person.mail_ticket).raw) == b""
    assert Attachment.objects.filter(ticket=person.portal_ticket).exists()  # still open


def test_nothing_younger_than_the_period_is_purged(person, settings):
    settings.RETENTION_DAYS = 120
    close(person)

    retention_run(now=MONTHS_LATER)

    assert Attachment.objects.filter(ticket=person.mail_ticket).exists()


def test_the_run_happens_once_a_day(person, settings):
    settings.RETENTION_DAYS = 90
    close(person)

    first = retention_run(now=MONTHS_LATER)
    again = retention_run(now=MONTHS_LATER + timedelta(hours=1))
    tomorrow = retention_run(now=MONTHS_LATER + timedelta(days=1))

    assert first is not None
    assert again is None
    assert tomorrow is not None
    assert tomorrow.result == {}
    assert RetentionRun.objects.count() == 2


def test_an_access_export_is_removed_after_its_keeping_period(person, settings):
    request = dsr_record(
        contact=person.tom,
        kind="access",
        received_at=NOW,
        received_via="email",
        actor=person.coordinator,
        now=NOW,
    )
    dsr_export_build(request=request, actor=person.coordinator, now=NOW)

    retention_run(now=NOW + timedelta(days=settings.PRIVACY_EXPORT_KEEP_DAYS + 1))

    request.refresh_from_db()
    assert not request.export_file
    assert request.export_expires_at is None
