"""Portal pages (issue #5 §2): strict CSP, constant queries, the ticket actions, new tickets,
attachment limits and the two languages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from contracts.models import ContactRoleKind
from escalation.models import Escalation
from escalation.services.actions import escalation_raise_by_customer
from portal import urls as portal_urls
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.portal.conftest import Org, client_for, contact_in_role, created_ticket, new_ticket_post
from tests.tickets.helpers import ams, create_ticket
from tickets.models import PriorityChangeRequest, SatisfactionSurvey, Status, Ticket
from tickets.services import ticket_resolve, ticket_transition

pytestmark = pytest.mark.django_db

INLINE_CODE = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.fixture
def agent():
    return UserFactory(username="agent-pages")


def _page_urls(org: Org) -> list[str]:
    """Every portal URL, parameters filled in with the organisation's own objects."""
    values = {
        "number": org.tickets["shared"].number,
        "uidb64": urlsafe_base64_encode(force_bytes(org.manager.user.pk)),
        "token": "not-a-valid-token",
    }
    # An AEM event's assessment is a file download of an event organisation A does not have:
    # tests/portal/test_events_page.py renders it.
    return [
        reverse(f"portal:{p.name}", kwargs={k: values[k] for k in p.pattern.converters})
        for p in portal_urls.urlpatterns
        if set(p.pattern.converters) <= set(values)
    ]


def _assert_strict_csp(response, url: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy, url
    assert "unsafe-inline" not in policy, url
    assert "unsafe-eval" not in policy, url
    assert "frame-ancestors 'none'" in policy, url
    assert INLINE_CODE.findall(response.content) == [], url


def test_every_page_renders_for_the_manager_under_a_strict_csp(org_a):
    client = client_for(org_a.manager)
    for url in _page_urls(org_a):
        response = client.get(url)
        assert response.status_code in (200, 302, 405), url
        if response.status_code == 200:
            _assert_strict_csp(response, url)
    anonymous = Client()
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        url = reverse(f"portal:{name}")
        response = anonymous.get(url)
        assert response.status_code == 200, url
        _assert_strict_csp(response, url)
    not_found = client.get(reverse("portal:ticket", args=["SD-1900-000001"]))
    assert not_found.status_code == 404
    assert "script-src 'self'" in not_found["Content-Security-Policy"]


# --- constant queries ----------------------------------------------------------------------------


def _tickets_in_every_state(org: Org, count: int, agent) -> None:
    """Tickets of the manager: overdue, waiting, recently resolved and escalated ones."""
    past = timezone.now() - timedelta(days=10)
    for index in range(count):
        ticket = create_ticket(org.manager, past, subject=f"Storing {index}")
        if index % 4 == 1:
            ticket_transition(
                ticket=ticket, to_status=Status.WAITING_FOR_CUSTOMER, now=past, actor=agent
            )
        elif index % 4 == 2:
            ticket_resolve(
                ticket=ticket, kind="fix", text="Opgelost", now=timezone.now(), actor=agent
            )
        elif index % 4 == 3:
            escalation_raise_by_customer(
                ticket=ticket, contact=org.manager, reason="Te traag", now=past
            )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# session, user, contact, manager check, customer in the header, the maintenance banner, and the
# page's own queries (home: four sections; list: count, page, manager checks, contact filter
# choices) - measured.
QUERY_BOUND = 11


@pytest.mark.parametrize("name", ["home", "tickets"])
def test_home_and_list_keep_a_constant_number_of_queries(
    name, org_a, agent, django_assert_max_num_queries
):
    client = client_for(org_a.manager)
    url = reverse(f"portal:{name}") + ("?everything=1" if name == "tickets" else "")
    counts = []
    for total in (5, 40):
        existing = Ticket.objects.filter(customer=org_a.customer).count()
        _tickets_in_every_state(org_a, total - existing, agent)
        assert Ticket.objects.filter(customer=org_a.customer).count() == total
        counts.append(_queries(client, url))
        with django_assert_max_num_queries(QUERY_BOUND):
            client.get(url)
    assert counts[0] == counts[1], counts


# --- the ticket page's actions -------------------------------------------------------------------


def _act(client: Client, ticket: Ticket, **fields: object) -> str:
    """POST one action, follow the redirect back to the ticket, return the page.

    Each action's form has its own prefix on the ticket page (unique field ids)."""
    action = fields.pop("action")
    data = {"action": action, **{f"{action}-{key}": value for key, value in fields.items()}}
    response = client.post(reverse("portal:ticket", args=[ticket.number]), data, follow=True)
    assert response.redirect_chain == [(reverse("portal:ticket", args=[ticket.number]), 302)]
    return response.content.decode()


def test_a_reply_resumes_a_ticket_waiting_for_the_customer(org_a, agent):
    ticket = org_a.tickets["shared"]
    ticket_transition(
        ticket=ticket, to_status=Status.WAITING_FOR_CUSTOMER, now=timezone.now(), actor=agent
    )
    page = _act(client_for(org_a.manager), ticket, action="reply", body="Hier is de logregel.")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    message = ticket.messages.order_by("pk").last()
    assert (message.body, message.author_contact) == ("Hier is de logregel.", org_a.manager)
    assert "Hier is de logregel." in page


def test_a_priority_request_is_recorded_and_changes_nothing(org_a):
    ticket = org_a.tickets["shared"]
    before = (ticket.priority_level, ticket.sla_target_id, ticket.resolution_due_at)
    _act(client_for(org_a.manager), ticket, action="priority", level="top", reason="Heel kantoor")
    request = PriorityChangeRequest.objects.get(ticket=ticket)
    assert (request.requested_level, request.requested_by, request.state) == (
        "top",
        org_a.manager,
        "pending",
    )
    ticket.refresh_from_db()
    assert (ticket.priority_level, ticket.sla_target_id, ticket.resolution_due_at) == before
    page = _act(client_for(org_a.manager), ticket, action="priority", level="top", reason="Nog")
    assert PriorityChangeRequest.objects.filter(ticket=ticket).count() == 1
    assert "heeft al een prioriteitsverzoek" in page


def test_escalate_then_unsatisfied_raise_level_1_then_level_2(org_a):
    ticket = org_a.tickets["shared"]
    client = client_for(org_a.manager)
    page = _act(client, ticket, action="unsatisfied", reason="Te vroeg")
    assert not Escalation.objects.filter(ticket=ticket).exists()
    assert "Escaleer eerst naar niveau 1" in page
    _act(client, ticket, action="escalate", reason="Geen voortgang")
    first = Escalation.objects.get(ticket=ticket)
    assert (first.level, first.reason, first.raised_by_contact) == (
        1,
        "customer_raised",
        org_a.manager,
    )
    _act(client, ticket, action="unsatisfied", reason="Uitkomst onvoldoende")
    second = Escalation.objects.get(ticket=ticket, level=2)
    assert second.reason == "customer_unsatisfied"


def test_the_escalation_message_says_when_the_manager_will_be_told(org_a):
    """Outside business hours nobody is paged (D10): the page says when, not "has been told"."""
    ticket = org_a.tickets["shared"]
    with time_machine.travel(ams("2026-06-06 12:00"), tick=False):  # a Saturday
        page = _act(client_for(org_a.manager), ticket, action="escalate", reason="Ligt stil")
    assert "De verantwoordelijke manager wordt op" in page
    assert "bij het begin van de kantooruren" in page
    assert "is ingelicht" not in page


def _resolved(org: Org, agent, at: datetime) -> Ticket:
    ticket = create_ticket(org.manager, at - timedelta(hours=2), subject="Printer")
    return ticket_resolve(ticket=ticket, kind="fix", text="Driver vervangen", now=at, actor=agent)


def test_confirm_closes_a_resolved_ticket(org_a, agent):
    ticket = _resolved(org_a, agent, timezone.now() - timedelta(days=1))
    _act(client_for(org_a.manager), ticket, action="confirm")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_reopen_within_14_days_and_refused_after(org_a, agent):
    client = client_for(org_a.manager)
    recent = _resolved(org_a, agent, timezone.now() - timedelta(days=13))
    _act(client, recent, action="reopen")
    recent.refresh_from_db()
    assert (recent.status, recent.resolved_at) == (Status.IN_PROGRESS, None)
    old = _resolved(org_a, agent, timezone.now() - timedelta(days=15))
    page = _act(client, old, action="reopen")
    old.refresh_from_db()
    assert old.status == Status.RESOLVED
    assert "De termijn van 14 dagen om te heropenen is verstreken" in page
    assert 'class="error"' in page


def test_the_survey_is_answered_once(org_a, agent):
    ticket = _resolved(org_a, agent, timezone.now() - timedelta(hours=1))
    client = client_for(org_a.manager)
    page = _act(client, ticket, action="survey", score="4", comment="Snel geholpen")
    survey = SatisfactionSurvey.objects.get(ticket=ticket)
    assert (survey.score, survey.comment, survey.contact) == (4, "Snel geholpen", org_a.manager)
    assert 'name="survey-score"' not in page  # the form is gone once answered
    page = _act(client, ticket, action="survey", score="1", comment="Toch niet")
    assert "is al ingevuld" in page
    assert SatisfactionSurvey.objects.get(ticket=ticket).score == 4


# --- new tickets ---------------------------------------------------------------------------------


def test_onitnow_scope_and_effect_set_top(org_a):
    client = client_for(org_a.manager)
    response = new_ticket_post(
        client, org_a.contract, impact_scope="multiple_users", impact_effect="down"
    )
    ticket = created_ticket(response)
    assert (ticket.priority_level, ticket.channel, ticket.contact) == (
        "top",
        "portal",
        org_a.manager,
    )
    assert ticket.sla_target.label_nl in client.get(response["Location"]).content.decode()


def _cbg_contact():
    contract = ContractFactory(
        customer=CustomerFactory(code="cbg-klant", name="Charlie B.V."),
        provider_code="cbg",
        package_code="standaard",
    )
    return contract, contact_in_role(
        contract, ContactRoleKind.NAMED_CONTACT, email="carla@charlie.example"
    )


CHECKS = {
    f"check_{name}": "on"
    for name in (
        "no_listed_failure",
        "working_situation_delivered",
        "passwords_handed_over",
        "files_unreachable_for_all",
        "no_user_can_login",
    )
}


def test_cbg_checklist_all_ticked_is_business_critical():
    contract, contact = _cbg_contact()
    client = client_for(contact)
    assert (
        created_ticket(new_ticket_post(client, contract, **CHECKS)).priority_level
        == "business-critical"
    )
    one_missing = {**CHECKS}
    one_missing.pop("check_passwords_handed_over")
    assert (
        created_ticket(new_ticket_post(client, contract, **one_missing)).priority_level == "normal"
    )
    someone_logs_in = {**CHECKS, "any_user_can_login": "on"}
    assert (
        created_ticket(new_ticket_post(client, contract, **someone_logs_in)).priority_level
        == "normal"
    )


def test_an_information_request_has_no_priority(org_a):
    response = new_ticket_post(
        client_for(org_a.manager),
        org_a.contract,
        request_type="information",
        impact_scope="multiple_users",
        impact_effect="down",
    )
    ticket = created_ticket(response)
    assert (ticket.priority_level, ticket.priority_rank, ticket.sla_target) == ("", None, None)
    assert ticket.response_due_at is None


def test_attachments_over_the_limit_are_refused_with_a_form_error(org_a, settings):
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 100
    client = client_for(org_a.manager)
    big = SimpleUploadedFile("dump.log", b"x" * 101, content_type="text/plain")
    response = new_ticket_post(client, org_a.contract, attachments=[big])
    assert response.status_code == 200
    assert "dump.log" in response.context["form"].errors["attachments"][0]
    assert not Ticket.objects.filter(subject="Niemand kan werken").exists()
    small = SimpleUploadedFile("ok.log", b"x" * 100, content_type="text/plain")
    ticket = created_ticket(new_ticket_post(client, org_a.contract, attachments=[small]))
    assert [a.size for a in ticket.attachments.all()] == [100]


def test_a_reply_with_a_too_large_attachment_is_refused(org_a, settings):
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 100
    ticket = org_a.tickets["shared"]
    big = SimpleUploadedFile("dump.log", b"x" * 101, content_type="text/plain")
    page = _act(client_for(org_a.manager), ticket, action="reply", body="Zie log", attachments=big)
    assert "dump.log" in page
    assert not ticket.messages.filter(body="Zie log").exists()
    assert ticket.attachments.count() == 1


def test_a_microsoft_customer_can_propose_a_severity():
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT, email="mo@ms.example")
    form = client_for(contact).get(reverse("portal:ticket_new")).context["form"]
    assert len(form.fields["proposed_level"].choices) > 1


# --- languages (D16) -----------------------------------------------------------------------------

DUTCH, ENGLISH = "Inloggen op het klantportaal", "Log in to the customer portal"


def test_dutch_by_default_english_on_request():
    login = reverse("portal:login")
    dutch = Client().get(login).content.decode()
    assert DUTCH in dutch
    assert '<html lang="nl">' in dutch
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(login).content.decode()
    assert ENGLISH in english
    assert '<html lang="en">' in english


def test_the_language_switch_sticks_for_a_signed_in_contact(org_a):
    client = client_for(org_a.manager)
    home = reverse("portal:home")
    assert "Welkom" in client.get(home).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": home})
    assert response.status_code == 302
    assert response["Location"] == home
    page = client.get(home).content.decode()
    assert "Welcome, Mia Manager" in page
    assert '<html lang="en">' in page
    client.post(reverse("set_language"), {"language": "nl", "next": home})
    assert "Welkom" in client.get(home).content.decode()


def test_the_list_filters_by_contact(org_a: Org) -> None:
    client = client_for(org_a.manager)
    everything = client.get(
        reverse("portal:tickets"), {"everything": "1", "contact": org_a.named.pk}
    )
    body = everything.content.decode()
    mine = Ticket.objects.filter(contact=org_a.named).values_list("number", flat=True)
    others = Ticket.objects.filter(customer=org_a.customer).exclude(contact=org_a.named)
    assert all(number in body for number in mine)
    assert not any(t.number in body for t in others)


def test_a_new_ticket_names_its_product_or_service(org_a: Org) -> None:
    ticket = created_ticket(
        new_ticket_post(client_for(org_a.manager), org_a.contract, product="Xurrent koppeling")
    )
    assert ticket.product == "Xurrent koppeling"


def test_the_managers_contact_request_reaches_the_coordinators_within_the_limit(org_a: Org) -> None:
    from django.contrib.auth.models import Group

    from notifications.models import OutboxEmail
    from tests.factories import UserFactory

    coordinator = UserFactory(username="coord", email="coord@provider.example")
    coordinator.groups.add(Group.objects.get_or_create(name="Support coordinator")[0])
    client = client_for(org_a.manager)
    data = {"action": "add", "name": "Nieuw", "email": "nieuw@alfa.example", "note": ""}
    client.post(reverse("portal:organisation"), data)
    assert OutboxEmail.objects.filter(to_email="coord@provider.example").count() == 1
    org_a.contract.package.named_contact_max = 1  # the package allows one named contact
    org_a.contract.package.save()
    page = client.post(reverse("portal:organisation"), data, follow=True).content.decode()
    assert OutboxEmail.objects.filter(to_email="coord@provider.example").count() == 1
    assert "named contacts" in page or "benoemde contactpersonen" in page
