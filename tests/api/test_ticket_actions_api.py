"""Ticket actions through the API (issue #12 §2): the portal's and the back-office's services,
rules and refusals, for the right caller only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from escalation.models import Escalation
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.api.ticket_helpers import other_level
from tests.portal.conftest import Org
from tickets.models import (
    Channel,
    MessageKind,
    PriorityChangeRequest,
    RequestState,
    Status,
    Ticket,
    TicketMessage,
    TimeEntry,
)
from tickets.services import ticket_mark_complete, ticket_resolve, ticket_transition

pytestmark = pytest.mark.django_db


def _url(ticket: Ticket, action: str) -> str:
    return f"/api/v1/tickets/{ticket.pk}/{action}/"


def _resolved(ticket: Ticket, by: User, *, days_ago: int = 0) -> Ticket:
    at = timezone.now() - timedelta(days=days_ago)
    ticket_mark_complete(ticket=ticket, now=at, actor=by)
    ticket_transition(ticket=ticket, to_status=Status.IN_PROGRESS, now=at, actor=by, reason="x")
    return ticket_resolve(ticket=ticket, kind="fix", text="Koppeling herstart.", now=at, actor=by)


@pytest.fixture
def staff(coordinator: User) -> Any:
    return api_client(provider_token(coordinator))


# --- reply ---------------------------------------------------------------------------------


def test_a_customer_replies_through_the_portals_service(org_a: Org) -> None:
    ticket = org_a.tickets["own"]
    client = api_client(contact_token(org_a.named))
    response = client.post(_url(ticket, "reply"), {"body": "Nog steeds stuk."}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outcome"], body["ticket"]["id"]) == ("added", ticket.pk)
    message = TicketMessage.objects.get(pk=body["message"]["id"])
    assert (message.kind, message.channel, message.author_contact) == (
        MessageKind.PUBLIC,
        Channel.API,
        org_a.named,
    )
    assert body["message"]["author"] == {
        "kind": "contact",
        "id": org_a.named.pk,
        "name": "Noor Named",
    }


def test_a_customers_reply_reopens_a_resolved_ticket(org_a: Org, coordinator: User) -> None:
    ticket = _resolved(org_a.tickets["own"], coordinator)
    client = api_client(contact_token(org_a.named))
    response = client.post(_url(ticket, "reply"), {"body": "Toch niet opgelost."}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "reopened"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_a_customers_reply_to_a_closed_ticket_opens_a_follow_up(
    org_a: Org, coordinator: User
) -> None:
    ticket = _resolved(org_a.tickets["own"], coordinator)
    ticket_transition(ticket=ticket, to_status=Status.CLOSED, now=timezone.now(), actor=coordinator)
    client = api_client(contact_token(org_a.named))
    response = client.post(_url(ticket, "reply"), {"body": "Het is terug."}, format="json")
    body = response.json()
    assert (response.status_code, body["outcome"], body["message"]) == (201, "follow_up", None)
    assert Ticket.objects.get(pk=body["ticket"]["id"]).follow_up_of_id == ticket.pk


def test_a_customer_may_not_write_an_internal_note(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(
        _url(org_a.tickets["own"], "reply"), {"body": "geheim", "internal": True}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"internal": ["Customers cannot write internal notes."]}
    assert not TicketMessage.objects.filter(body="geheim").exists()


def test_the_internal_note_refusal_reads_in_dutch(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named), language="nl")
    response = client.post(
        _url(org_a.tickets["own"], "reply"), {"body": "geheim", "internal": True}, format="json"
    )
    assert response.json()["errors"]["internal"] == [
        "Klanten kunnen geen interne notities schrijven."
    ]


def test_staff_write_an_internal_note_and_a_public_reply(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    note = staff.post(_url(ticket, "reply"), {"body": "Intern", "internal": True}, format="json")
    reply = staff.post(_url(ticket, "reply"), {"body": "We kijken ernaar."}, format="json")
    assert (note.status_code, reply.status_code) == (201, 201)
    assert (note.json()["message"]["kind"], reply.json()["message"]["kind"]) == (
        "internal",
        "public",
    )
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is not None


def test_a_read_only_token_may_not_reply(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named, scope="read"))
    response = client.post(_url(org_a.tickets["own"], "reply"), {"body": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "read_only_token")


def test_another_organisations_ticket_is_404_for_every_action(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    secret = org_b.tickets["secret"]
    answers = {
        action: client.post(_url(secret, action), body, format="json").status_code
        for action, body in (
            ("reply", {"body": "x"}),
            ("confirm", {}),
            ("reopen", {}),
            ("escalate", {"reason": "x"}),
            ("priority-requests", {"level": "P1", "reason": "x"}),
            ("csat", {"score": 5}),
        )
    }
    assert set(answers.values()) == {404}


def test_a_named_contact_cannot_act_on_a_colleagues_private_ticket(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(_url(org_a.tickets["private"], "reply"), {"body": "x"}, format="json")
    assert response.status_code == 404


# --- status --------------------------------------------------------------------------------


def test_a_customer_may_not_change_the_status(org_a: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    response = client.post(
        _url(org_a.tickets["shared"], "transition"),
        {"to_status": "cancelled", "reason": "weg"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "staff_only")


def test_staff_move_a_ticket_along_the_transitions_table(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    response = staff.post(
        _url(ticket, "transition"),
        {"to_status": "waiting_for_customer", "reason": "Logbestand nodig"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "waiting_for_customer"


def test_a_transition_outside_the_table_is_409_with_the_services_words(
    org_a: Org, staff: Any
) -> None:
    ticket = org_a.tickets["own"]
    response = staff.post(
        _url(ticket, "transition"), {"to_status": "closed", "reason": "klaar"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == f"Ticket {ticket.number} cannot go from new to closed."


def test_work_starts_after_the_completeness_check(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    response = staff.post(
        _url(ticket, "transition"), {"to_status": "in_progress", "reason": "start"}, format="json"
    )
    assert response.status_code == 409
    assert "has not been checked complete" in response.json()["detail"]


def test_staff_resolve_and_the_customer_confirms(org_a: Org, staff: Any, coordinator: User) -> None:
    ticket = org_a.tickets["own"]
    ticket_mark_complete(ticket=ticket, now=timezone.now(), actor=coordinator)
    ticket_transition(
        ticket=ticket, to_status=Status.IN_PROGRESS, now=timezone.now(), actor=coordinator
    )
    resolved = staff.post(
        _url(ticket, "resolve"), {"kind": "workaround", "text": "Herstart."}, format="json"
    )
    assert (resolved.status_code, resolved.json()["resolution_kind"]) == (200, "workaround")
    customer = api_client(contact_token(org_a.named))
    confirmed = customer.post(_url(ticket, "confirm"), format="json")
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "closed")


def test_the_customer_reopens_a_resolved_ticket(org_a: Org, coordinator: User) -> None:
    ticket = _resolved(org_a.tickets["own"], coordinator)
    response = api_client(contact_token(org_a.named)).post(_url(ticket, "reopen"), format="json")
    assert (response.status_code, response.json()["status"]) == (200, "in_progress")


def test_reopening_after_the_window_is_refused_as_in_the_portal(
    org_a: Org, coordinator: User, settings: Any
) -> None:
    ticket = _resolved(org_a.tickets["own"], coordinator, days_ago=settings.TICKET_REOPEN_DAYS + 1)
    response = api_client(contact_token(org_a.named)).post(_url(ticket, "reopen"), format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"The reopen window of {settings.TICKET_REOPEN_DAYS} days has passed; "
        "please open a new ticket."
    )


def test_confirming_an_open_ticket_is_refused_in_dutch(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named), language="nl")
    response = client.post(_url(org_a.tickets["own"], "confirm"), format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Alleen een opgelost ticket kan worden bevestigd of heropend."
    )


def test_staff_may_not_confirm_for_the_customer(org_a: Org, staff: Any) -> None:
    response = staff.post(_url(org_a.tickets["own"], "confirm"), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "customer_only")


def test_a_stale_if_match_on_an_action_answers_412(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    etag = staff.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]
    staff.post(_url(ticket, "reply"), {"body": "Eerst dit."}, format="json", HTTP_IF_MATCH=etag)
    stale = staff.post(
        _url(ticket, "transition"),
        {"to_status": "cancelled", "reason": "dubbel"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


# --- priority ------------------------------------------------------------------------------


def test_a_priority_request_is_decided_by_staff(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    level = other_level(ticket)
    customer = api_client(contact_token(org_a.named))
    asked = customer.post(
        _url(ticket, "priority-requests"),
        {"level": level, "reason": "Alles ligt stil"},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    request_id = asked.json()["id"]
    listed = staff.get(_url(ticket, "priority-requests")).json()["results"]
    assert [(r["id"], r["state"]) for r in listed] == [(request_id, "pending")]
    decided = staff.post(
        f"/api/v1/tickets/{ticket.pk}/priority-requests/{request_id}/decision/",
        {"accept": True, "note": "Terecht"},
        format="json",
    )
    assert (decided.status_code, decided.json()["state"]) == (200, RequestState.ACCEPTED)
    assert Ticket.objects.get(pk=ticket.pk).priority_level == level


def test_a_second_decision_is_refused_with_the_back_offices_words(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    customer = api_client(contact_token(org_a.named))
    customer.post(
        _url(ticket, "priority-requests"),
        {"level": other_level(ticket), "reason": "Spoed"},
        format="json",
    )
    pending = PriorityChangeRequest.objects.get(ticket=ticket)
    url = f"/api/v1/tickets/{ticket.pk}/priority-requests/{pending.pk}/decision/"
    staff.post(url, {"accept": False}, format="json")
    again = staff.post(url, {"accept": True}, format="json")
    assert again.status_code == 422
    assert again.json()["detail"] == "This priority request has already been decided."


def test_customers_do_not_list_or_decide_priority_requests(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    assert client.get(_url(ticket, "priority-requests")).status_code == 403
    decided = client.post(
        f"/api/v1/tickets/{ticket.pk}/priority-requests/1/decision/",
        {"accept": True},
        format="json",
    )
    assert decided.status_code == 403


def test_staff_change_the_priority_directly(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    level = other_level(ticket)
    response = staff.post(
        _url(ticket, "priority"), {"level": level, "reason": "Impact groter"}, format="json"
    )
    assert (response.status_code, response.json()["priority"]["level"]) == (200, level)


def test_an_unknown_priority_is_refused_by_the_service(org_a: Org, staff: Any) -> None:
    response = staff.post(
        _url(org_a.tickets["own"], "priority"), {"level": "P9", "reason": "x"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Priority 'P9' is not part of")


# --- escalation ----------------------------------------------------------------------------


def test_a_customer_escalates_and_is_told_when_the_manager_hears(org_a: Org) -> None:
    ticket = org_a.tickets["own"]
    client = api_client(contact_token(org_a.named))
    response = client.post(_url(ticket, "escalate"), {"reason": "Te traag"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["level"], body["ticket"]) == (1, ticket.pk)
    assert body["promise"]
    assert Escalation.objects.get(pk=body["id"]).raised_by_contact == org_a.named


def test_escalating_twice_is_refused_with_the_portals_words(org_a: Org) -> None:
    ticket = org_a.tickets["own"]
    client = api_client(contact_token(org_a.named))
    client.post(_url(ticket, "escalate"), {"reason": "Te traag"}, format="json")
    again = client.post(_url(ticket, "escalate"), {"reason": "Nog steeds"}, format="json")
    assert again.status_code == 422
    assert again.json()["detail"] == (
        f"Ticket {ticket.number} has already been escalated for this reason; the escalation "
        "managers are working on it."
    )


def test_staff_do_not_escalate_as_the_customer(org_a: Org, staff: Any) -> None:
    response = staff.post(_url(org_a.tickets["own"], "escalate"), {"reason": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "customer_only")


# --- assignment ----------------------------------------------------------------------------


def test_staff_assign_an_engineer_and_unassign(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    engineer = staff_member("api-engineer", "First line")
    assigned = staff.post(_url(ticket, "assign"), {"assignee": engineer.pk}, format="json")
    assert (assigned.status_code, assigned.json()["assignee"]["id"]) == (200, engineer.pk)
    cleared = staff.post(_url(ticket, "assign"), {"assignee": None}, format="json")
    assert cleared.json()["assignee"] is None


def test_only_an_assignable_staff_member_can_be_assigned(org_a: Org, staff: Any) -> None:
    customer_user = org_a.named.user
    assert customer_user is not None
    response = staff.post(
        _url(org_a.tickets["own"], "assign"), {"assignee": customer_user.pk}, format="json"
    )
    assert response.status_code == 400
    assert "assignee" in response.json()["errors"]


def test_the_second_line_works_only_its_own_tickets(org_a: Org) -> None:
    second = staff_member("api-second", "Second line")
    client = api_client(provider_token(second))
    ticket = org_a.tickets["own"]
    response = client.post(_url(ticket, "reply"), {"body": "Hallo"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "not_workable")
    assert ticket.number in response.json()["detail"]
    Ticket.objects.filter(pk=ticket.pk).update(assignee=second)
    mine = client.post(_url(ticket, "reply"), {"body": "Hallo"}, format="json")
    assert mine.status_code == 201


def test_a_role_that_does_not_work_tickets_is_refused_in_dutch(org_a: Org) -> None:
    manager = staff_member("api-ssm", "Service support manager")
    client = api_client(provider_token(manager), language="nl")
    response = client.post(_url(org_a.tickets["own"], "assign"), {"assignee": None}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("U mag niet werken aan ticket")


# --- time ----------------------------------------------------------------------------------


def test_staff_register_and_list_time(org_a: Org, staff: Any, coordinator: User) -> None:
    ticket = org_a.tickets["own"]
    started = (timezone.now() - timedelta(hours=2)).isoformat()
    response = staff.post(
        _url(ticket, "time-entries"),
        {"started_at": started, "minutes": 45, "category": "travel", "distance_km": 18},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert TimeEntry.objects.get(pk=response.json()["id"]).user == coordinator
    listed = staff.get(_url(ticket, "time-entries")).json()["results"]
    assert [(e["minutes"], e["distance_km"], e["billable_override"]) for e in listed] == [
        (45, 18, None)
    ]


def test_time_in_the_future_is_refused_by_the_service(org_a: Org, staff: Any) -> None:
    started = (timezone.now() + timedelta(hours=1)).isoformat()
    response = staff.post(
        _url(org_a.tickets["own"], "time-entries"),
        {"started_at": started, "minutes": 30, "category": "in_subscription"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["started_at"] == [
        "This work would end in the future; register it once it is done."
    ]


def test_customers_see_no_time_entries(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    assert client.get(_url(org_a.tickets["own"], "time-entries")).status_code == 403


# --- satisfaction ---------------------------------------------------------------------------


def test_the_survey_opens_on_resolution_and_is_answered_once(
    org_a: Org, coordinator: User, staff: Any
) -> None:
    ticket = org_a.tickets["own"]
    customer = api_client(contact_token(org_a.named))
    assert customer.get(_url(ticket, "csat")).json()["state"] == "not_open"
    _resolved(ticket, coordinator)
    assert customer.get(_url(ticket, "csat")).json()["state"] == "open"
    answered = customer.post(_url(ticket, "csat"), {"score": 4, "comment": "Snel"}, format="json")
    assert (answered.status_code, answered.json()["state"]) == (201, "answered")
    assert staff.get(_url(ticket, "csat")).json()["score"] == 4
    again = customer.post(_url(ticket, "csat"), {"score": 1}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["score"] == ["This ticket's survey has been answered already."]


def test_the_survey_is_not_open_before_resolution(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(_url(org_a.tickets["own"], "csat"), {"score": 5}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["score"] == ["The survey opens once the ticket is resolved."]


def test_staff_do_not_answer_the_survey(org_a: Org, staff: Any) -> None:
    response = staff.post(_url(org_a.tickets["own"], "csat"), {"score": 5}, format="json")
    assert response.status_code == 403
