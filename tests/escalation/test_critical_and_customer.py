"""Microsoft Critical (D10 extended escalation), customer escalations, acknowledgement links."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contracts.models import EscalationContact
from escalation.exceptions import EscalationError
from escalation.models import Escalation
from escalation.services.actions import escalation_raise_by_customer
from escalation.tokens import ack_token
from notifications.models import OutboxEmail
from tests.escalation.helpers import fired, mail, sweep
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket
from tickets.services import ticket_critical_resource_assign, ticket_reply

pytestmark = pytest.mark.django_db

CSAM = "csam@microsoft.example"
SDM = "sdm@microsoft.example"


@pytest.fixture
def critical():
    """Advanced Critical registered Mon 8 Jun 10:00; the contract names its level-1 contact."""
    contract = ContractFactory(
        provider_code="microsoft",
        package_code="advanced",
        csam=UserFactory(username="csam", email=CSAM),
    )
    EscalationContact.objects.create(
        contract=contract, level=1, role="Service Delivery Manager", name="Sam de Vries", email=SDM
    )
    return create_ticket(
        named_contact(contract),
        ams("2026-06-08 10:00"),
        priority_level="critical",
        send_receipt=False,
    )


def test_critical_escalates_at_once_and_tells_the_csam_in_one_mail(critical):
    assert sweep("2026-06-08 10:00") == 1
    assert fired(critical) == [(1, "critical_created")]
    assert sorted(mail(critical)) == [(CSAM, "csam-critical"), (SDM, "escalation")]
    csam_mail = OutboxEmail.objects.get(to_email=CSAM)
    assert csam_mail.escalation is not None  # acknowledging and fallback work as for any copy
    assert "/escalations/acknowledge/" in csam_mail.body_text
    assert "Kritiek ticket" in csam_mail.subject or "Critical ticket" in csam_mail.subject
    assert "niveau 1" in csam_mail.subject


def test_each_version_of_the_critical_ticket_is_one_mail_to_the_csam(critical):
    sweep("2026-06-08 10:00")
    Ticket.objects.filter(pk=critical.pk).update(
        clock_version=2, next_check_at=ams("2026-06-08 10:05")
    )
    sweep("2026-06-08 10:05")
    assert sorted(mail(critical)) == [
        (CSAM, "csam-critical"),
        (CSAM, "csam-critical"),
        (SDM, "escalation"),
        (SDM, "escalation"),
    ]


def _reasons(ticket):
    return [reason for _, reason in fired(ticket)]


def test_no_critical_situation_resource_within_60_minutes_is_level_1(critical):
    sweep("2026-06-08 10:00")
    sweep("2026-06-08 10:59")
    assert "critical_resource_missing" not in _reasons(critical)
    sweep("2026-06-08 11:00")
    assert _reasons(critical).count("critical_resource_missing") == 1


def test_a_resource_assigned_in_time_prevents_it(critical):
    sweep("2026-06-08 10:00")
    ticket_critical_resource_assign(
        ticket=critical,
        user=UserFactory(is_staff=True),
        actor=UserFactory(),
        now=ams("2026-06-08 10:30"),
    )
    sweep("2026-06-08 11:00")
    assert (1, "critical_resource_missing") not in fired(critical)


def test_a_missed_4_hourly_status_update_is_a_warning_once_per_occasion(critical):
    agent = UserFactory(is_staff=True)
    ticket_critical_resource_assign(
        ticket=critical, user=agent, actor=agent, now=ams("2026-06-08 10:05")
    )
    ticket_reply(ticket=critical, body="Update 1", now=ams("2026-06-08 11:00"), author_user=agent)
    sweep("2026-06-08 11:01")
    sweep("2026-06-08 14:59")
    assert _reasons(critical).count("status_update_missed") == 0  # update due at 15:00
    sweep("2026-06-08 15:00")
    sweep("2026-06-08 18:59")
    assert _reasons(critical).count("status_update_missed") == 1
    sweep("2026-06-08 19:00")  # the next occasion, 24x7
    assert _reasons(critical).count("status_update_missed") == 2


@pytest.mark.usefixtures("english")
def test_a_customer_escalation_goes_to_level_1_and_is_confirmed(critical):
    contact = critical.contact
    escalation = escalation_raise_by_customer(
        ticket=critical, contact=contact, reason="Geen reactie", now=ams("2026-06-08 10:10")
    )
    assert (escalation.level, escalation.reason) == (1, "customer_raised")
    assert (contact.email, "escalation") in mail(critical)
    with pytest.raises(EscalationError, match="already been escalated"):
        escalation_raise_by_customer(
            ticket=critical, contact=contact, reason="nog steeds", now=ams("2026-06-08 10:20")
        )
    unsatisfied = escalation_raise_by_customer(
        ticket=critical,
        contact=contact,
        reason="uitkomst onvoldoende",
        unsatisfied=True,
        now=ams("2026-06-08 12:00"),
    )
    assert (unsatisfied.level, unsatisfied.reason) == (2, "customer_unsatisfied")


def test_the_email_carries_token_parts_language_and_site_links(critical, settings):
    settings.SITE_URL = "https://desk.example.com"
    sweep("2026-06-08 10:00")
    row = OutboxEmail.objects.get(to_email=SDM)
    assert row.subject.startswith(f"[{critical.number}] ")
    assert "niveau 1" in row.subject  # Dutch by default (D16)
    assert "https://desk.example.com/escalations/acknowledge/" in row.body_text
    assert '<a href="https://desk.example.com/escalations/acknowledge/' in row.body_html
    assert "Europe/Amsterdam" in row.body_text
    assert row.message_id.endswith("@servicedesk.local>")


def _level1(critical):
    sweep("2026-06-08 10:00")
    return Escalation.objects.get(ticket=critical, level=1)


def test_the_ack_link_shows_on_get_and_acknowledges_on_post(critical, client):
    escalation = _level1(critical)
    url = f"/escalations/acknowledge/{ack_token(escalation.pk, SDM)}/"
    assert client.get(url).status_code == 200
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None  # a mail scanner's GET changes nothing
    assert client.post(url).status_code == 200
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == SDM


def test_a_forged_or_expired_ack_link_is_refused(critical, client):
    escalation = _level1(critical)
    token = ack_token(escalation.pk, SDM)
    assert client.post(f"/escalations/acknowledge/{token}x/").status_code == 400
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.post(f"/escalations/acknowledge/{token}/").status_code == 400
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None
