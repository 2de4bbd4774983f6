"""Writes: outages (record, end, correct, from a disruption ticket), maintenance (plan with the
window and notice rules, cancel) and its mails, each sent once (SPEC §6, D22)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError

from availability.exceptions import MaintenanceRefused, OutageRefused, ServiceRefused
from availability.models import AnnouncementKind, MaintenanceAnnouncement, MaintenanceStatus
from availability.services.announcements import maintenance_reminders_send, maintenance_tell
from availability.services.maintenance import (
    MaintenanceInput,
    maintenance_cancel,
    maintenance_plan,
)
from availability.services.monitored import monitored_service_create
from availability.services.outages import (
    OutageInput,
    outage_end,
    outage_open_from_ticket,
    outage_record,
    outage_update,
)
from notifications.models import OutboxEmail
from tests.availability.calendars import ams
from tests.availability.world import CREATED, cloud_service, incident
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import create_ticket

pytestmark = pytest.mark.django_db

NOW = ams(2026, 3, 9, 10, 0)  # a Monday


def test_a_second_service_of_the_same_name_is_refused():
    service = cloud_service()
    with pytest.raises(ServiceRefused):
        monitored_service_create(
            contract=service.contract, name="Integratiedienst", kind="other", now=CREATED
        )


def test_an_outage_is_recorded_ongoing_and_ended_once():
    service = cloud_service()
    outage = outage_record(
        data=OutageInput(service=service, start=NOW - timedelta(hours=1)), by=None, now=NOW
    )
    assert outage.end is None
    outage_end(outage=outage, end=NOW, now=NOW)
    with pytest.raises(OutageRefused):
        outage_end(outage=outage, end=NOW, now=NOW + timedelta(minutes=5))


@pytest.mark.usefixtures("english")
def test_an_outage_cannot_start_in_the_future():
    service = cloud_service()
    with pytest.raises(OutageRefused, match="cannot start in the future"):
        outage_record(
            data=OutageInput(service=service, start=NOW + timedelta(minutes=1)), by=None, now=NOW
        )


def test_an_outage_refuses_another_contracts_ticket():
    service = cloud_service()
    stranger = incident(ContractFactory(), NOW - timedelta(hours=2))
    with pytest.raises(OutageRefused):
        outage_record(
            data=OutageInput(service=service, start=NOW - timedelta(hours=1), tickets=(stranger,)),
            by=None,
            now=NOW,
        )


def test_an_outage_is_corrected_with_an_exclusion_reason_and_tickets():
    service = cloud_service()
    ticket = incident(service.contract, NOW - timedelta(hours=2))
    outage = outage_record(
        data=OutageInput(service=service, start=NOW - timedelta(hours=1), end=NOW),
        by=None,
        now=NOW,
    )
    outage_update(
        outage=outage, changes={"exclusion_reason": "internet"}, tickets=[ticket], now=NOW
    )
    outage.refresh_from_db()
    assert (outage.exclusion_reason, list(outage.tickets.all())) == ("internet", [ticket])


def test_a_disruption_ticket_opens_an_outage_linked_to_it():
    service = cloud_service()
    ticket = incident(service.contract, NOW - timedelta(minutes=30))
    outage = outage_open_from_ticket(ticket=ticket, by=None, now=NOW)
    assert (outage.service, outage.start, outage.end) == (service, ticket.created_at, None)
    assert list(outage.tickets.all()) == [ticket]


def test_a_second_disruption_joins_the_ongoing_outage():
    service = cloud_service()
    first = outage_open_from_ticket(
        ticket=incident(service.contract, NOW - timedelta(minutes=30)), by=None, now=NOW
    )
    second_ticket = incident(service.contract, NOW - timedelta(minutes=10))
    second = outage_open_from_ticket(ticket=second_ticket, by=None, now=NOW)
    assert second.pk == first.pk
    assert first.tickets.count() == 2
    with pytest.raises(OutageRefused):
        outage_open_from_ticket(ticket=second_ticket, by=None, now=NOW)


@pytest.mark.usefixtures("english")
def test_a_one_user_incident_does_not_open_an_outage():
    service = cloud_service()
    ticket = create_ticket(
        named_contact(service.contract), NOW - timedelta(minutes=5), impact_scope="single_user"
    )
    with pytest.raises(OutageRefused, match="several users"):
        outage_open_from_ticket(ticket=ticket, by=None, now=NOW)


def _plan(service, start, hours=2, **fields):
    data = MaintenanceInput(
        provider=service.contract.provider,
        services=[service],
        title="Upgrade integratieplatform",
        start=start,
        end=start + timedelta(hours=hours),
        **fields,
    )
    return maintenance_plan(data=data, by=None, now=NOW)


def test_maintenance_in_the_window_needs_no_notice_and_is_announced_to_the_contacts():
    service = cloud_service()
    contact = named_contact(service.contract, language="en")
    maintenance = _plan(service, ams(2026, 3, 9, 21, 0))
    assert (maintenance.inside_window, maintenance.notice_ok) == (True, True)
    [mail] = OutboxEmail.objects.filter(
        key__startswith=f"maintenance:announcement:{maintenance.pk}:"
    )
    assert (mail.to_email, mail.language) == (contact.email, "en")
    assert "Planned maintenance: Upgrade integratieplatform" in mail.subject


@pytest.mark.usefixtures("english")
def test_maintenance_outside_the_window_without_notice_is_refused():
    service = cloud_service()
    with pytest.raises(MaintenanceRefused, match="5 working days"):
        _plan(service, ams(2026, 3, 13, 10, 0))


def test_maintenance_outside_the_window_with_a_week_of_notice_is_accepted():
    maintenance = _plan(cloud_service(), ams(2026, 3, 16, 10, 0))
    assert (maintenance.inside_window, maintenance.notice_ok) == (False, True)


def test_a_coordinators_reason_plans_short_notice_maintenance_flagged():
    maintenance = _plan(cloud_service(), ams(2026, 3, 13, 10, 0), override_reason="Beveiligingslek")
    assert (maintenance.notice_ok, maintenance.override_reason) == (False, "Beveiligingslek")


def test_each_contact_is_told_once_even_when_asked_twice():
    service = cloud_service()
    named_contact(service.contract)
    maintenance = _plan(service, ams(2026, 3, 9, 21, 0))
    again = maintenance_tell(maintenance=maintenance, kind=AnnouncementKind.ANNOUNCEMENT, now=NOW)
    assert again == 0
    assert MaintenanceAnnouncement.objects.filter(maintenance=maintenance).count() == 1
    with pytest.raises(IntegrityError):
        MaintenanceAnnouncement.objects.create(
            maintenance=maintenance,
            contact=maintenance.announcements.get().contact,
            kind=AnnouncementKind.ANNOUNCEMENT,
            sent_at=NOW,
        )


def test_the_reminder_goes_the_day_before_exactly_once():
    service = cloud_service()
    named_contact(service.contract)
    _plan(service, ams(2026, 3, 12, 21, 0))
    assert maintenance_reminders_send(now=ams(2026, 3, 11, 20, 0)) == 0
    assert maintenance_reminders_send(now=ams(2026, 3, 11, 21, 0)) == 1
    assert maintenance_reminders_send(now=ams(2026, 3, 11, 22, 0)) == 0
    assert OutboxEmail.objects.filter(key__startswith="maintenance:reminder:").count() == 1


def test_maintenance_that_is_over_is_marked_done():
    maintenance = _plan(cloud_service(), ams(2026, 3, 9, 21, 0))
    maintenance_reminders_send(now=ams(2026, 3, 9, 23, 30))
    maintenance.refresh_from_db()
    assert maintenance.status == MaintenanceStatus.DONE


def test_cancelling_tells_those_who_were_told_and_cannot_happen_twice():
    service = cloud_service()
    named_contact(service.contract)
    maintenance = _plan(service, ams(2026, 3, 9, 21, 0))
    maintenance_cancel(maintenance=maintenance, now=NOW + timedelta(minutes=5))
    assert OutboxEmail.objects.filter(key__startswith="maintenance:cancellation:").count() == 1
    with pytest.raises(MaintenanceRefused):
        maintenance_cancel(maintenance=maintenance, now=NOW + timedelta(minutes=6))


def test_a_dutch_contact_is_told_of_the_maintenance_in_dutch():
    service = cloud_service()
    contact = named_contact(service.contract, language="nl")
    maintenance = _plan(service, ams(2026, 3, 9, 21, 0))
    [mail] = OutboxEmail.objects.filter(
        key__startswith=f"maintenance:announcement:{maintenance.pk}:"
    )
    assert (mail.to_email, mail.language) == (contact.email, "nl")
    assert mail.subject.startswith("Gepland onderhoud: Upgrade integratieplatform")
