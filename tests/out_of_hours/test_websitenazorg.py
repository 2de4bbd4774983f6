"""Websitenazorg (issue #13 §2): an emergency reported outside 09:00-17:00 on workdays reaches
on call; the 3-step procedure is offered on the customer's ticket, each step recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from contracts.models import Contact, ContactRoleKind, Contract, EscalationContact
from escalation.exceptions import EscalationError
from escalation.models import Escalation, Level, Reason
from escalation.services.procedure import procedure_step_take, procedure_steps
from notifications.models import OutboxEmail
from tests.factories import ContractFactory
from tests.out_of_hours.support import SATURDAY_0300, TUESDAY_NOON, PagerRecorder
from tests.portal.conftest import client_for, contact_in_role, created_ticket, new_ticket_post
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


def _wnz(reference: str = "WNZ-1") -> tuple[Contract, Contact]:
    contract = ContractFactory(
        provider_code="websitenazorg", package_code="office365", reference=reference
    )
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    EscalationContact.objects.create(
        contract=contract,
        level=2,
        role="Management",
        name="Sanne Senior",
        email="sanne@wnz.example",
    )
    return contract, contact


def _report(contract: Contract, contact: Contact, at: datetime, emergency: bool) -> int:
    with time_machine.travel(at, tick=False):
        fields = {"emergency": "on"} if emergency else {}
        return created_ticket(new_ticket_post(client_for(contact), contract, **fields)).pk


def test_an_emergency_on_saturday_0300_pages_on_call_once(pager: PagerRecorder) -> None:
    contract, contact = _wnz()
    ticket = _report(contract, contact, SATURDAY_0300, emergency=True)
    assert pager.paged("emergency") == [
        {"ticket": ticket, "now": SATURDAY_0300, "reason": "emergency"}
    ]


def test_no_page_for_an_emergency_in_office_hours_or_a_normal_ticket_at_night(
    pager: PagerRecorder,
) -> None:
    contract, contact = _wnz()
    _report(contract, contact, TUESDAY_NOON, emergency=True)
    _report(contract, contact, SATURDAY_0300, emergency=False)
    assert pager.pages == []


@pytest.fixture
def wnz_ticket(pager: PagerRecorder) -> tuple[Contract, Contact, int]:
    contract, contact = _wnz()
    return contract, contact, _report(contract, contact, TUESDAY_NOON, emergency=False)


def _take(contact: Contact, number: str, reason: str, at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        client = client_for(contact)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        url = reverse("portal:ticket_procedure", kwargs={"number": number})
        return client.post(url, {"reason": reason}).status_code


def test_the_customer_takes_step_2_then_step_3_each_recorded(
    wnz_ticket: tuple[Contract, Contact, int],
) -> None:
    _contract, contact, pk = wnz_ticket
    number = TicketEvent.objects.get(ticket_id=pk, kind="created").ticket.number
    page = client_for(contact).get(reverse("portal:ticket", kwargs={"number": number}))
    assert 'id="procedure-step-1"' in page.content.decode()
    later = TUESDAY_NOON + timedelta(days=2)
    assert _take(contact, number, "Nog steeds geen mail na twee dagen.", later) == 302
    assert _take(contact, number, "Na een week niet opgelost.", later + timedelta(days=5)) == 302
    rows = Escalation.objects.filter(ticket_id=pk).order_by("raised_at")
    assert [(r.level, r.reason, r.raised_by_contact, r.note) for r in rows] == [
        (
            Level.SECOND_LINE,
            Reason.CUSTOMER_UNSATISFIED,
            contact,
            "Nog steeds geen mail na twee dagen.",
        ),
        (Level.MEDIATION, Reason.MEDIATION, contact, "Na een week niet opgelost."),
    ]
    assert TicketEvent.objects.filter(ticket_id=pk, kind="escalated").count() == 2
    assert OutboxEmail.objects.filter(escalation=rows[0], to_email="sanne@wnz.example").exists()
    steps = procedure_steps(rows[0].ticket)
    assert [(s.number, s.current, s.taken is not None) for s in steps] == [
        (1, False, False),
        (2, False, True),
        (3, True, True),
    ]
    html = client_for(contact).get(reverse("portal:ticket", kwargs={"number": number})).content
    assert "Na een week niet opgelost." in html.decode()
    assert 'id="procedure-next"' not in html.decode()


def test_a_step_needs_a_reason_and_there_is_no_fourth(
    wnz_ticket: tuple[Contract, Contact, int],
) -> None:
    _contract, contact, pk = wnz_ticket
    ticket = TicketEvent.objects.get(ticket_id=pk, kind="created").ticket
    # The fixture's portal requests leave the thread in the contact's language (Dutch).
    with translation.override("en"), pytest.raises(EscalationError, match="Say why"):
        procedure_step_take(ticket=ticket, contact=contact, reason=" ", now=TUESDAY_NOON)
    for reason in ("niet tevreden", "te lang"):
        procedure_step_take(ticket=ticket, contact=contact, reason=reason, now=TUESDAY_NOON)
    with translation.override("en"), pytest.raises(EscalationError, match="All steps"):
        procedure_step_take(ticket=ticket, contact=contact, reason="nog eens", now=TUESDAY_NOON)


def test_another_customer_cannot_take_a_step(wnz_ticket: tuple[Contract, Contact, int]) -> None:
    _contract, _contact, pk = wnz_ticket
    _other_contract, stranger = _wnz("WNZ-2")
    number = TicketEvent.objects.get(ticket_id=pk, kind="created").ticket.number
    assert _take(stranger, number, "Ik wil escaleren.", TUESDAY_NOON) == 404
    assert not Escalation.objects.filter(ticket_id=pk).exists()


def test_the_work_page_shows_who_took_the_step_and_why(
    wnz_ticket: tuple[Contract, Contact, int],
) -> None:
    from tests.backoffice.conftest import staff

    _contract, contact, pk = wnz_ticket
    ticket = TicketEvent.objects.get(ticket_id=pk, kind="created").ticket
    procedure_step_take(
        ticket=ticket, contact=contact, reason="Niet naar tevredenheid.", now=TUESDAY_NOON
    )
    client = client_for(user=staff("second"))
    html = client.get(reverse("admin:tickets_ticket_change", args=[pk])).content.decode()
    assert "Niet naar tevredenheid." in html
    assert contact.name in html


def test_other_providers_keep_their_own_escalation() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    with time_machine.travel(datetime(2026, 3, 10, 11, tzinfo=UTC), tick=False):
        ticket = created_ticket(new_ticket_post(client_for(contact), contract))
    html = client_for(contact).get(reverse("portal:ticket", kwargs={"number": ticket.number}))
    assert 'id="procedure"' not in html.content.decode()
