"""Erasure (issue #15 §3, D17): after a coordinator confirms, no trace of the person in any
table or stored file, and every figure unchanged."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import LogEntry
from django.db import transaction

from backoffice.dashboard import dashboard_figures
from contracts.models import ApiToken, Contact
from privacy.exceptions import ConfirmationMismatch, ConfirmationNotAllowed, RequestNotOpen
from privacy.models import DataSubjectRequest, RequestStatus
from privacy.services.erasure import dsr_erasure_confirm, dsr_erasure_preview
from privacy.services.requests import dsr_record, pseudonym_of
from reports.periods import period_of
from reports.selectors import review_pack_of
from reports.services.packs import review_pack_pdf_of, review_pack_store
from tests.privacy.conftest import NAME, NOW, TRACES, PersonWorld, member
from tests.privacy.traces import traces_in_files, traces_in_tables
from tickets.compliance import sla_compliance_by_contract
from tickets.models import (
    Attachment,
    Problem,
    ProblemOrigin,
    SlaClock,
    Ticket,
    TicketMessage,
)

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(days=2)
AMS = ZoneInfo("Europe/Amsterdam")


def erasure_of(person: PersonWorld) -> DataSubjectRequest:
    return dsr_record(
        contact=person.tom,
        kind="erasure",
        received_at=NOW + timedelta(days=1),
        received_via="email",
        actor=person.coordinator,
        now=LATER,
        note=f"Mail van {NAME}: verwijder mijn gegevens.",
    )


def erase(person: PersonWorld) -> DataSubjectRequest:
    request = erasure_of(person)
    return dsr_erasure_confirm(
        request=request, actor=person.coordinator, reference=request.reference, now=LATER
    )


def figures(person: PersonWorld) -> tuple[object, ...]:
    month_start = datetime(2026, 6, 1, tzinfo=AMS)
    compliance = sla_compliance_by_contract(
        start=month_start, end=datetime(2026, 7, 1, tzinfo=AMS), now=LATER
    )
    dashboard = dashboard_figures(
        now=LATER, month=month_start.date(), zone=AMS, user=person.coordinator
    )
    clocks = list(SlaClock.objects.order_by("pk").values_list("due_at", "stopped_at", "met"))
    return (
        compliance,
        dashboard.open_tickets,
        dashboard.compliance,
        dashboard.trends,
        dashboard.csat,
        clocks,
        Ticket.objects.count(),
        TicketMessage.objects.count(),
    )


def test_the_person_has_traces_everywhere_before_the_erasure(person):
    tables = {trace.split(" #")[0] for trace in traces_in_tables(TRACES)}

    assert {
        "contracts.Contact.email",
        "tickets.TicketMessage.body",
        "notifications.OutboxEmail.to_email",
        "intake.InboundMessage.raw",
        "axes.AccessAttempt.username",
        "api.IdempotencyRecord.body",
        "admin.LogEntry.object_repr",
    } <= tables
    assert traces_in_files(TRACES)


def test_after_the_erasure_no_table_and_no_file_holds_the_name_email_or_phone(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        erase(person)

    assert traces_in_tables(TRACES) == []
    assert traces_in_files(TRACES) == []


def test_the_erasure_keeps_every_figure_ticket_and_clock(person):
    before = figures(person)

    erase(person)

    assert figures(person) == before


def test_the_person_becomes_the_requests_pseudonym_and_cannot_log_in(person):
    request = erase(person)
    tom = Contact.objects.select_related("user").get(pk=person.tom.pk)
    pseudonym = pseudonym_of(request.reference)

    assert (tom.name, tom.email, tom.phone, tom.is_active) == (
        pseudonym.name,
        pseudonym.email,
        "",
        False,
    )
    assert tom.user is not None
    assert (tom.user.is_active, tom.user.has_usable_password(), tom.user.email) == (
        False,
        False,
        "",
    )
    assert not ApiToken.objects.filter(contact=tom, revoked_at__isnull=True).exists()
    assert pseudonym.name in Ticket.objects.get(pk=person.mia_ticket.pk).description


def test_the_persons_signature_goes_and_the_colleagues_words_stay(person):
    erase(person)
    theirs = TicketMessage.objects.filter(author_contact=person.tom)
    portal = Ticket.objects.get(pk=person.portal_ticket.pk)

    assert theirs.exists()
    assert not theirs.filter(body__contains="Applicatiebeheerder").exists()
    assert "Applicatiebeheerder" not in portal.description
    assert portal.description.startswith("Niets komt door.")
    assert Ticket.objects.get(pk=person.mia_ticket.pk).description.startswith(
        "Blokkeer het account van"
    )


def test_the_persons_files_and_raw_mail_are_removed(person):
    erase(person)

    assert not Attachment.objects.filter(pk=person.tom_upload.pk).exists()
    assert not Attachment.objects.filter(ticket=person.mail_ticket).exists()
    assert bytes(person.mail_ticket.inbound_messages.get().raw) == b""


def test_the_request_and_its_log_keep_counts_and_no_personal_data(person):
    request = erase(person)
    request.refresh_from_db()
    log = LogEntry.objects.filter(object_id=str(request.pk)).get()

    assert request.status == RequestStatus.COMPLETED
    assert request.result["contracts.Contact"] == 1
    assert request.result["tickets.TicketMessage"] >= 2
    assert NAME not in request.note
    assert log.user == person.coordinator
    assert "rows changed" in log.change_message or "rijen" in log.change_message


def test_the_preview_counts_what_the_erasure_changes_and_changes_nothing(person):
    request = erasure_of(person)

    with transaction.atomic():
        preview = dsr_erasure_preview(request=request, now=LATER)
    assert Contact.objects.get(pk=person.tom.pk).name == NAME
    done = dsr_erasure_confirm(
        request=request, actor=person.coordinator, reference=request.reference, now=LATER
    )

    assert preview == done.result


def test_a_wrong_reference_erases_nothing(person):
    request = erasure_of(person)

    with pytest.raises(ConfirmationMismatch):
        dsr_erasure_confirm(
            request=request, actor=person.coordinator, reference="000000", now=LATER
        )

    assert Contact.objects.get(pk=person.tom.pk).name == NAME


def test_only_a_coordinator_confirms_an_erasure(person):
    request = erasure_of(person)

    with pytest.raises(ConfirmationNotAllowed):
        dsr_erasure_confirm(
            request=request,
            actor=member("first", "First line"),
            reference=request.reference,
            now=LATER,
        )

    assert Contact.objects.get(pk=person.tom.pk).name == NAME


def test_a_second_confirmation_erases_nothing_more(person):
    done = erase(person)

    with pytest.raises(RequestNotOpen):
        dsr_erasure_confirm(
            request=done, actor=person.coordinator, reference=done.reference, now=LATER
        )


JUNE = period_of(date(2026, 6, 1), date(2026, 7, 1))
KEPT = period_of(date(2026, 6, 1), date(2026, 6, 11))  # closed before LATER: kept
_FIGURE = re.compile(r"^[\d\s.,:%+\-]*$")


def figures_only(value: object) -> object:
    """The pack's JSON with every text that is not a number or a date blanked: what a review
    pack counts and measures, without what people wrote."""
    if isinstance(value, dict):
        return {key: figures_only(item) for key, item in value.items()}
    if isinstance(value, list):
        return [figures_only(item) for item in value]
    if isinstance(value, str) and not _FIGURE.match(value):
        return "<text>"
    return value


def test_the_erasure_keeps_the_periods_review_pack_numbers(person):
    before = review_pack_of(contract=person.contract, period=JUNE, now=LATER).to_dict()

    erase(person)

    after = review_pack_of(contract=person.contract, period=JUNE, now=LATER).to_dict()
    assert figures_only(after) == figures_only(before)
    assert after["compliance"] == before["compliance"]
    assert after["volumes"] == before["volumes"]


def test_a_kept_review_pack_loses_the_person_and_keeps_its_numbers(
    person, django_capture_on_commit_callbacks
):
    problem = Problem.objects.create(
        number="PRB-2026-0999",
        title=f"Koppeling van {NAME} valt steeds weg",
        customer=person.customer,
        origin=ProblemOrigin.COORDINATOR,
        source_ticket=person.portal_ticket,
        opened_at=NOW,
        updated_at=NOW,
    )
    problem.incidents.add(person.portal_ticket)
    kept = review_pack_pdf_of(
        review_pack_store(contract=person.contract, period=KEPT, language="nl", now=LATER)
    )
    before = kept.data
    assert NAME in str(before)

    with django_capture_on_commit_callbacks(execute=True):
        erase(person)

    kept.refresh_from_db()
    assert figures_only(kept.data) == figures_only(before)
    assert traces_in_tables(TRACES) == []
    assert traces_in_files(TRACES) == []
