"""The escalation rules of D10 on concrete business times (onITnow 08:30-17:30)."""

import pytest

from contracts.models import ContactRole
from escalation.models import Escalation
from escalation.services.actions import escalation_acknowledge
from notifications.models import OutboxEmail
from tests.escalation.helpers import coordinator, fired, mail, sweep
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local
from tickets.models import Status
from tickets.services import (
    ticket_change_priority,
    ticket_reply,
    ticket_resolve,
    ticket_transition,
)

pytestmark = pytest.mark.django_db

SSM = "j.blanke@onitnow.nl"
COO = "f.dejong@onitnow.nl"


@pytest.fixture
def top():
    """Top incident on ONS registered Fri 5 Jun 17:00: response due Mon 8 Jun 09:00."""
    coordinator()
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    return create_ticket(
        named_contact(contract), ams("2026-06-05 17:00"), priority_level="top", send_receipt=False
    )


def test_the_first_sweep_plans_the_warning_at_75_percent(top):
    assert sweep("2026-06-05 17:01") == 0
    top.refresh_from_db()
    # 75 % of 1 bh = 45 min: 30 min on Friday, 15 min from Monday 08:30.
    assert local(top.next_check_at) == "2026-06-08 08:45 +0200"


def test_warning_level_1_and_level_2_fire_at_business_times_each_once(top):
    for moment in ("2026-06-05 17:01", "2026-06-06 12:00", "2026-06-08 08:44"):
        assert sweep(moment) == 0
    assert sweep("2026-06-08 08:45") == 1
    assert sweep("2026-06-08 09:00") == 1
    assert sweep("2026-06-08 09:30") == 0
    assert sweep("2026-06-08 10:00") == 1  # level 1 unacknowledged for 1 bh
    assert sweep("2026-06-08 13:00") == 1  # still unresolved 4 bh after level 1
    for moment in ("2026-06-08 08:45", "2026-06-08 10:00", "2026-06-08 13:00"):
        assert sweep(moment) == 0  # the same moments again fire nothing
    assert fired(top) == [
        (0, "response_warning"),
        (1, "response_breach"),
        (2, "level1_unacknowledged"),
        (2, "level1_unresolved"),
    ]


def test_each_level_goes_to_the_right_people(top):
    for moment in ("2026-06-05 17:01", "2026-06-08 08:45", "2026-06-08 09:00", "2026-06-08 10:00"):
        sweep(moment)
    assert mail(top) == [
        ("coordinator@provider.example", "escalation"),  # warning
        (SSM, "escalation"),  # level 1
        (COO, "escalation"),  # level 2
        (SSM, "escalation"),  # level-1 reminder after 1 business hour
    ]


def test_acknowledging_level_1_stops_reminders_and_the_unacknowledged_level_2(top):
    for moment in ("2026-06-05 17:01", "2026-06-08 08:45", "2026-06-08 09:00"):
        sweep(moment)
    level1 = Escalation.objects.get(ticket=top, level=1)
    assert escalation_acknowledge(escalation=level1, by=SSM, now=ams("2026-06-08 09:10"))
    assert not escalation_acknowledge(escalation=level1, by=SSM, now=ams("2026-06-08 09:11"))
    sweep("2026-06-08 10:00")
    assert fired(top)[-1] == (1, "response_breach")
    assert [to for to, _ in mail(top)].count(SSM) == 1


def test_a_ticket_answered_before_the_sweep_gets_nothing(top):
    sweep("2026-06-05 17:01")
    ticket_reply(
        ticket=top, body="We kijken ernaar", now=ams("2026-06-08 08:40"), author_user=UserFactory()
    )
    assert sweep("2026-06-08 09:30") == 0
    assert fired(top) == []


def test_a_ticket_resolved_between_breach_and_sweep_gets_nothing(top):
    sweep("2026-06-05 17:01")
    ticket_resolve(
        ticket=top,
        kind="workaround",
        text="herstart",
        now=ams("2026-06-08 09:05"),
        actor=UserFactory(),
    )
    assert sweep("2026-06-08 09:10") == 0
    top.refresh_from_db()
    assert (fired(top), top.next_check_at) == ([], None)


def test_a_paused_ticket_gets_nothing_until_the_customer_answers(top):
    sweep("2026-06-05 17:01")
    ticket_transition(
        ticket=top,
        to_status=Status.WAITING_FOR_CUSTOMER,
        now=ams("2026-06-08 08:35"),
        actor=UserFactory(),
    )
    assert sweep("2026-06-08 09:30") == 0
    assert fired(top) == []


def test_a_priority_change_voids_the_old_schedule(top):
    sweep("2026-06-05 17:01")
    ticket_change_priority(
        ticket=top,
        level="hoog",
        reason="één afdeling",
        actor=UserFactory(),
        now=ams("2026-06-08 08:40"),
    )
    # Hoog: 9 bh response from Fri 17:00 -> Tue 9 Jun 08:30 + 30 min = 09:00; 75 % at Mon 15:15.
    assert sweep("2026-06-08 09:00") == 0
    assert sweep("2026-06-08 15:15") == 1
    escalation = Escalation.objects.get(ticket=top)
    assert (escalation.reason, escalation.clock_version) == ("response_warning", 2)


def test_a_warning_found_after_closing_waits_for_the_next_opening():
    coordinator()
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    # Top at Fri 16:40: 75 % (45 business minutes) falls at 17:25, inside hours.
    ticket = create_ticket(
        named_contact(contract), ams("2026-06-05 16:40"), priority_level="top", send_receipt=False
    )
    sweep("2026-06-05 16:41")
    sweep("2026-06-05 17:40")  # found after closing: nobody is paged on Friday evening (D10)
    row = OutboxEmail.objects.get(ticket=ticket)
    assert local(row.send_after) == "2026-06-08 08:30 +0200"


def test_a_missing_escalation_contact_is_a_visible_configuration_error():
    # CBG names no escalation chain (SPEC §4.4): a customer escalation has nobody to tell.
    contract = ContractFactory(provider_code="cbg", package_code="extra")
    contact = named_contact(contract)
    ticket = create_ticket(contact, ams("2026-06-08 10:00"), send_receipt=False)
    from escalation.services.actions import escalation_raise_by_customer

    escalation = escalation_raise_by_customer(
        ticket=ticket, contact=contact, reason="Te traag", now=ams("2026-06-08 11:00")
    )
    assert "no level-1 escalation contact with an email address" in (escalation.configuration_error)
    assert ticket.events.filter(kind="escalated").exists()


def test_contact_roles_unused_by_escalation_do_not_matter(top):
    # Recipients come from escalation contacts, not from the customer's contact roles.
    ContactRole.objects.filter(contract=top.contract).delete()
    sweep("2026-06-05 17:01")
    sweep("2026-06-08 09:00")
    assert (SSM, "escalation") in mail(top)


def test_the_contract_page_shows_escalation_configuration_gaps(admin_client):
    cbg = ContractFactory(provider_code="cbg", package_code="extra")
    ons = ContractFactory(provider_code="onitnow", package_code="ons")
    cbg_page = admin_client.get(
        f"/admin/contracts/contract/{cbg.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )
    ons_page = admin_client.get(
        f"/admin/contracts/contract/{ons.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert b"no level-1 escalation contact with an email address" in cbg_page.content
    assert b"no level-1 escalation contact" not in ons_page.content


def test_a_contracts_own_policy_overrides_the_catalogue(top):
    from contracts.models import EscalationPolicy

    EscalationPolicy.objects.create(contract=top.contract, warning_percent=50)
    sweep("2026-06-05 17:01")
    top.refresh_from_db()
    # 50 % of 1 bh = 30 min: exactly the 30 minutes left on Friday -> due at closing time.
    assert local(top.next_check_at) == "2026-06-05 17:30 +0200"
