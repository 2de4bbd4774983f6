"""Microsoft critical situations: the resource, typed updates and extra RSM hours (SPEC §3.10,
ESC-12, ESC-13, D10)."""

from decimal import Decimal

import pytest
import time_machine

from contracts.exceptions import EntitlementExhausted
from contracts.models import ContactRole, ContactRoleKind, EntitlementKind, EntitlementMovement
from contracts.selectors_entitlements import entitlement_balance
from notifications.models import OutboxEmail
from tests.escalation.helpers import fired, sweep
from tests.factories import ContactFactory, ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.exceptions import TicketValidationError
from tickets.models import TicketMessage
from tickets.services import ticket_critical_resource_assign, ticket_status_update

pytestmark = pytest.mark.django_db

SATURDAY_3AM = "2026-06-13 03:00"


def _contract(package: str):
    contract = ContractFactory(provider_code="microsoft", package_code=package)
    manager = ContactFactory(customer=contract.customer, email="ssm@klant.example", language="en")
    ContactRole.objects.create(
        contact=manager, contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    )
    return contract


def _ticket(package: str, level: str, when: str):
    contract = _contract(package)
    return create_ticket(named_contact(contract, language="en"), ams(when), priority_level=level)


def _missing(ticket) -> int:
    return [reason for _, reason in fired(ticket)].count("critical_resource_missing")


def test_performance_critical_without_a_resource_escalates_after_30_minutes_exactly_once():
    ticket = _ticket("performance", "critical", SATURDAY_3AM)
    with time_machine.travel(ams("2026-06-13 03:29"), tick=False):
        sweep("2026-06-13 03:29")
    assert _missing(ticket) == 0
    with time_machine.travel(ams("2026-06-13 03:30"), tick=False):
        sweep("2026-06-13 03:30")
        sweep("2026-06-13 03:30")
    sweep("2026-06-13 04:30")
    assert _missing(ticket) == 1


def test_an_assigned_resource_stops_the_missing_resource_escalation():
    ticket = _ticket("performance", "critical", SATURDAY_3AM)
    resource = UserFactory(first_name="Rosa", last_name="Bakker")
    ticket = ticket_critical_resource_assign(
        ticket=ticket, user=resource, actor=UserFactory(), now=ams("2026-06-13 03:20")
    )
    assert ticket.next_check_at == ams("2026-06-13 03:20")
    sweep("2026-06-13 03:20")
    sweep("2026-06-13 03:31")
    sweep("2026-06-13 05:00")
    assert _missing(ticket) == 0


def test_a_reassignment_names_the_new_resource_and_keeps_the_first_in_the_events():
    ticket = _ticket("advanced", "critical", "2026-06-08 10:00")
    first, second, actor = UserFactory(), UserFactory(), UserFactory()
    ticket_critical_resource_assign(
        ticket=ticket, user=first, actor=actor, now=ams("2026-06-08 10:20")
    )
    ticket = ticket_critical_resource_assign(
        ticket=ticket, user=second, actor=actor, now=ams("2026-06-08 12:00")
    )
    assert ticket.critical_resource == second
    assert ticket.critical_resource_assigned_at == ams("2026-06-08 12:00")
    events = list(ticket.events.filter(kind="critical_resource_assigned").order_by("pk"))
    assert [e.data for e in events] == [
        {"resource": first.pk, "from": None},
        {"resource": second.pk, "from": first.pk},
    ]


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("level", "staff", "message"),
    [
        ("normal", True, "has no critical situation resource"),
        ("critical", False, "not an active member of the service desk staff"),
    ],
)
def test_a_resource_is_refused_without_a_critical_situation_or_for_a_non_staff_user(
    level, staff, message
):
    ticket = _ticket("advanced", level, "2026-06-08 10:00")
    with pytest.raises(TicketValidationError, match=message):
        ticket_critical_resource_assign(
            ticket=ticket,
            user=UserFactory(is_staff=staff),
            actor=UserFactory(),
            now=ams("2026-06-08 10:10"),
        )


def _warnings(ticket) -> int:
    return [reason for _, reason in fired(ticket)].count("status_update_missed")


def test_a_status_update_resets_the_missed_update_warning_and_mails_contact_and_manager_once():
    ticket = _ticket("performance", "critical", SATURDAY_3AM)
    ticket_critical_resource_assign(
        ticket=ticket, user=UserFactory(), actor=UserFactory(), now=ams("2026-06-13 03:10")
    )
    message = ticket_status_update(
        ticket=ticket,
        author=UserFactory(),
        kind="action_plan",
        body="Stap 1: failover. Stap 2: herstel van de replica.",
        now=ams("2026-06-13 05:00"),
    )
    assert message.update_kind == "action_plan"
    sweep("2026-06-13 07:00")  # due 07:00 from registration; the update moved it to 09:00
    assert _warnings(ticket) == 0
    sweep("2026-06-13 09:00")
    sweep("2026-06-13 09:01")
    assert _warnings(ticket) == 1  # no update since: the warning stays
    rows = OutboxEmail.objects.filter(key__startswith=f"reply:{message.pk}")
    assert sorted(r.to_email for r in rows) == sorted([ticket.contact.email, "ssm@klant.example"])
    assert all(r.subject.startswith(f"[{ticket.number}] Action plan: ") for r in rows)


def _buy_rsm_hours(contract, hours: str) -> None:
    EntitlementMovement.objects.create(
        contract=contract,
        kind=EntitlementKind.RSM_HOURS,
        quantity=Decimal(hours),
        reason="RSM add-on",
        occurred_at=ams("2026-01-01 09:00"),
    )


@pytest.mark.usefixtures("english")
def test_an_escalation_update_outside_business_hours_needs_rsm_hours():
    ticket = _ticket("advanced", "normal", "2026-06-12 10:00")
    with pytest.raises(EntitlementExhausted, match="needs extra RSM hours"):
        ticket_status_update(
            ticket=ticket,
            author=UserFactory(),
            kind="escalation_update",
            body="Stand van zaken",
            now=ams(SATURDAY_3AM),
        )
    assert not TicketMessage.objects.filter(ticket=ticket).exists()


def test_rsm_hours_are_used_outside_business_hours_only():
    ticket = _ticket("advanced", "normal", "2026-06-12 10:00")
    _buy_rsm_hours(ticket.contract, "1")
    author = UserFactory()
    for when in (SATURDAY_3AM, "2026-06-15 10:00"):  # Saturday night, Monday morning
        ticket_status_update(
            ticket=ticket, author=author, kind="escalation_update", body="Update", now=ams(when)
        )
    balance = entitlement_balance(contract=ticket.contract, kind=EntitlementKind.RSM_HOURS)
    assert balance == Decimal("0.75")
    assert ticket.messages.filter(update_kind="escalation_update").count() == 2


def test_status_updates_on_a_24x7_critical_ticket_use_no_rsm_hours_at_night():
    ticket = _ticket("advanced", "critical", SATURDAY_3AM)
    ticket_status_update(
        ticket=ticket, author=UserFactory(), kind="status", body="Update", now=ams(SATURDAY_3AM)
    )
    assert not EntitlementMovement.objects.filter(contract=ticket.contract).exists()


@pytest.mark.usefixtures("english")
def test_an_update_of_an_unknown_kind_is_refused():
    ticket = _ticket("advanced", "critical", "2026-06-08 10:00")
    with pytest.raises(TicketValidationError, match="Choose a status update"):
        ticket_status_update(
            ticket=ticket,
            author=UserFactory(),
            kind="gossip",
            body="x",
            now=ams("2026-06-08 11:00"),
        )
