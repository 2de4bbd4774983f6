"""AEM events and the customer success account manager: told once of a short-notice request
(D11), sent the post-event summary once when the event is over."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import AemEvent
from escalation.services.aem import AemEventRequest, aem_event_plan, aem_event_summaries_send
from escalation.tasks import csam_daily_task
from notifications.models import OutboxEmail, StaffProfile
from tests.aem_support import CSAM, event_input, microsoft_contract, planned_event
from tests.factories import named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Status, Ticket
from tickets.selectors_aem import aem_event_summary
from tickets.services.uploads import UploadRefused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PLANNED_AT = ams("2026-03-02 10:00")


@pytest.fixture
def contract():
    contract = microsoft_contract("rapid-response", "azure-event-management")
    # The CSAM reads their mails in English (a staff member's own language; Dutch by default).
    StaffProfile.objects.update_or_create(user=contract.csam, defaults={"language": "en"})
    return contract


def csam_mails(prefix):
    return list(OutboxEmail.objects.filter(to_email=CSAM, key__startswith=prefix))


def plan(contract, starts, ends, now, **kwargs):
    return aem_event_plan(
        request=AemEventRequest(data=event_input(contract, starts, ends), **kwargs), now=now
    )


def test_a_short_notice_request_tells_the_csam_once(contract):
    event = plan(contract, "2026-03-20", "2026-03-22", PLANNED_AT)
    [mail] = csam_mails("csam-aem-short-notice:")
    assert mail.key == f"csam-aem-short-notice:{event.pk}"
    assert "Event requested at short notice: Webshop checkout" in mail.subject
    assert "18 days" in mail.body_text


def test_an_event_with_enough_notice_sends_the_csam_nothing(contract):
    plan(contract, "2026-05-04", "2026-05-08", PLANNED_AT)
    assert csam_mails("csam-aem-") == []


def test_the_pre_event_assessment_file_is_checked_by_the_upload_rules(contract):
    document = SimpleUploadedFile("assessment.exe", b"MZ\x90\x00", "application/octet-stream")
    with pytest.raises(UploadRefused, match=r"assessment\.exe"):
        plan(contract, "2026-05-04", "2026-05-08", PLANNED_AT, document=document)
    assert not AemEvent.objects.exists()


def test_the_pre_event_assessment_file_is_kept(contract, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = SimpleUploadedFile("assessment.txt", b"Capacity review: fine.\n", "text/plain")
    event = plan(contract, "2026-05-04", "2026-05-08", PLANNED_AT, document=document)
    assert event.assessment_filename == "assessment.txt"
    assert event.assessment_file.read() == b"Capacity review: fine.\n"


@pytest.fixture
def ended_event(contract):
    """An event Mon 4 - Fri 8 May with two cases under its targets and one after it."""
    event = planned_event(contract, "2026-05-04", "2026-05-08", now=PLANNED_AT)
    contact = named_contact(contract)
    first = create_ticket(
        contact,
        ams("2026-05-04 09:00"),
        subject="Checkout down",
        description="AEM",
        priority_level="1",
    )
    Ticket.objects.filter(pk=first.pk).update(
        status=Status.RESOLVED, resolved_at=ams("2026-05-04 11:00")
    )
    first.clocks.filter(metric="response").update(met=True)
    create_ticket(contact, ams("2026-05-08 23:30"), subject="Slow search", service_area="azure")
    create_ticket(contact, ams("2026-05-09 00:30"), subject="After the event", service_area="azure")
    create_ticket(contact, ams("2026-05-05 10:00"), subject="Exchange", product="Exchange")
    return event


def test_the_summary_lists_the_cases_opened_during_the_event_under_its_targets(ended_event):
    summary = aem_event_summary(ended_event)
    assert [
        (c.number[-1], c.subject, c.severity_en, c.is_open, c.response_met) for c in summary.cases
    ] == [
        ("1", "Checkout down", "Sev 1", False, True),
        ("2", "Slow search", "Sev A", True, None),
    ]
    assert (summary.opened, summary.still_open, summary.response_met) == (2, 1, 1)


def test_the_summary_reads_in_two_queries(ended_event, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        aem_event_summary(ended_event)


def test_the_csam_gets_the_summary_once_when_the_event_is_over(ended_event):
    assert aem_event_summaries_send(now=ams("2026-05-08 23:59")) == 0  # last day not over
    assert aem_event_summaries_send(now=ams("2026-05-09 03:00")) == 1
    assert aem_event_summaries_send(now=ams("2026-05-09 04:00")) == 0
    [mail] = csam_mails("csam-aem-summary:")
    assert "Post-event summary: Webshop checkout" in mail.subject
    assert "Checkout down · Sev 1" in mail.body_text
    assert "Slow search · Sev A" in mail.body_text
    assert "After the event" not in mail.body_text


def test_the_hourly_csam_task_sends_the_summary_once(ended_event):
    with time_machine.travel(ams("2026-05-09 03:00"), tick=False):
        csam_daily_task()
        csam_daily_task()
    assert len(csam_mails("csam-aem-summary:")) == 1
