"""The top of the work page (issue #11 §4, §5): what the customer entered, a pending priority
request with its decision, the survey, and a title that names the ticket in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory, named_contact
from tests.intake.conftest import Desk
from tests.tickets.helpers import create_ticket
from tickets.models import PriorityChangeRequest, RequestState, Status, Ticket
from tickets.services import ticket_priority_request, ticket_survey_answer
from tickets.services.create import BUSINESS_CRITICAL_CHECKS

pytestmark = pytest.mark.django_db


def _page(ticket: Ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def _top(html: str) -> str:
    """The head of the page, above the conversation."""
    return html.split('aria-label="Conversation"')[0]


def test_the_customers_product_steps_and_scope_effect_answers_are_on_top(desk: Desk) -> None:
    ticket = create_ticket(
        desk.anna,
        timezone.now() - timedelta(minutes=10),
        product="Exact Online koppeling",
        reproduction_steps="Open de koppeling\nKlik op synchroniseren",
        impact_scope="multiple_users",
        impact_effect="down",
    )

    top = _top(english_client(staff("first")).get(_page(ticket)).content.decode())

    assert "What the customer entered" in top
    assert "Exact Online koppeling" in top
    assert "Open de koppeling<br>Klik op synchroniseren" in top
    assert "multiple users, down" in top


def test_the_cbg_checklist_and_login_answer_read_in_words(desk: Desk) -> None:
    contract = ContractFactory(provider_code="cbg", package_code="extra")
    checks = dict.fromkeys(BUSINESS_CRITICAL_CHECKS, True) | {"passwords_handed_over": False}
    ticket = create_ticket(
        named_contact(contract),
        timezone.now() - timedelta(minutes=10),
        business_critical_checklist=checks,
        any_user_can_login=False,
    )

    top = _top(english_client(staff("first")).get(_page(ticket)).content.decode())

    assert "Business-critical checklist" in top
    assert "✔ yes: No user can log in on any device" in top
    assert "✘ no: Users have their passwords and use the correct ones" in top
    assert "Can any user still log in?</dt><dd>no" in top
    assert "passwords_handed_over" not in top


def test_the_emergency_flag_and_business_impact_are_shown(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now() - timedelta(minutes=10))
    Ticket.objects.filter(pk=ticket.pk).update(
        emergency=True, business_impact="De webshop draait niet; omzet staat stil."
    )

    top = _top(english_client(staff("first")).get(_page(ticket)).content.decode())

    assert "Emergency</dt><dd>yes: reported as an emergency" in top
    assert "De webshop draait niet; omzet staat stil." in top


def test_a_pending_priority_request_is_on_top_with_its_decision(desk: Desk) -> None:
    ticket = create_ticket(
        desk.anna, timezone.now() - timedelta(minutes=30), priority_level="gemiddeld"
    )
    request = ticket_priority_request(
        ticket=ticket,
        contact=desk.anna,
        level="top",
        reason="Alle kassa's liggen eruit",
        now=timezone.now() - timedelta(minutes=5),
    )
    client = english_client(staff("coordinator"))

    top = _top(client.get(_page(ticket)).content.decode())

    assert 'id="pending-request"' in top
    assert f"{desk.anna.name} asked on" in top
    assert "for priority Top." in top
    assert "Alle kassa&#x27;s liggen eruit" in top
    assert f'name="decide-request_id" value="{request.pk}"' in top
    decided = client.post(
        _page(ticket),
        {"do": "decide", "decide-request_id": request.pk, "decide-accept": "no", "decide-note": ""},
    )
    assert decided.status_code == 302
    assert PriorityChangeRequest.objects.get(pk=request.pk).state == RequestState.REJECTED
    assert 'id="pending-request"' not in client.get(_page(ticket)).content.decode()


def test_the_survey_score_and_comment_are_on_the_ticket_page(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now() - timedelta(hours=3))
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED)
    ticket.refresh_from_db()
    ticket_survey_answer(
        ticket=ticket,
        contact=desk.anna,
        score=4,
        comment="Snel en vriendelijk geholpen",
        now=timezone.now(),
    )

    top = _top(english_client(staff("first")).get(_page(ticket)).content.decode())

    assert 'id="survey"' in top
    assert "4 out of 5" in top
    assert "Snel en vriendelijk geholpen" in top


def test_the_page_title_names_the_ticket_in_english(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), subject="Printer doet raar")

    html = english_client(staff("first")).get(_page(ticket)).content.decode()

    assert f"<title>Printer doet raar | Ticket {ticket.number} |" in html
    assert f"<h1>Ticket {ticket.number}</h1>" in html


def test_the_page_title_names_the_ticket_in_dutch(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), subject="Printer doet raar")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.force_login(staff("first"))

    html = client.get(_page(ticket)).content.decode()

    assert f"<h1>Ticket {ticket.number}</h1>" in html
    assert 'lang="nl"' in html
