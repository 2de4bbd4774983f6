"""Issue #11 §1, Proof: a customer's reply follows one rule whatever the channel, and every
conversation change writes its mails in its own transaction.

The rule (tickets.services.conversation.ticket_reply_customer): on an open ticket the reply is
added and the assignee's "customer replied" marker is set; a ticket resolved within
TICKET_REOPEN_DAYS reopens; after the window, or once closed, the reply opens a follow-up
ticket linked by `follow_up_of`. The channels: the portal's ticket page (a POST), an email
through the intake's receive service (threaded by the ticket token), and the back-office's
triage "add to ticket" when the sender is one of the customer's contacts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from intake.models import InboundMessage, Outcome
from intake.services.receive import inbound_receive
from intake.services.triage import triage_add_to_ticket
from notifications.models import OutboxEmail
from tests.backoffice.conftest import staff
from tests.intake.conftest import NOW, Desk, desk_build, eml
from tests.tickets.helpers import create_ticket
from tickets.models import Status, Ticket, TicketMessage
from tickets.services import (
    ticket_assign,
    ticket_reply_customer,
    ticket_reply_public,
    ticket_resolve,
    ticket_transition,
)

pytestmark = pytest.mark.django_db

EMAIL_BODY = "Het gevraagde exportbestand heb ik zojuist in de portal gezet."  # corpus 06
WINDOW = timedelta(days=settings.TICKET_REOPEN_DAYS)


@pytest.fixture
def desk(db: None) -> Desk:
    """Klant A with Anna on an onITnow ONS contract, and the intake's other senders."""
    return desk_build()


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    """The views and the intake read the clock themselves: it reads NOW."""
    with time_machine.travel(NOW, tick=False):
        yield


# --- the ticket before the reply ----------------------------------------------------------


def _ticket_in(state: str, desk: Desk, engineer: User) -> Ticket:
    """Anna's ticket, assigned to `engineer`, in `state` (resolved/closed at the given age)."""
    ticket = create_ticket(desk.anna, NOW - WINDOW - timedelta(days=10))
    ticket_assign(
        ticket=ticket, assignee=engineer, now=NOW - WINDOW - timedelta(days=9), actor=engineer
    )
    ages = {
        "resolved_within_window": WINDOW - timedelta(hours=1),
        "resolved_after_window": WINDOW + timedelta(hours=1),
        "closed": timedelta(days=1),
    }
    if state in ages:
        ticket_resolve(
            ticket=ticket, kind="fix", text="Opgelost.", now=NOW - ages[state], actor=engineer
        )
    if state == "closed":
        ticket_transition(
            ticket=ticket, to_status=Status.CLOSED, now=NOW - ages[state], actor=engineer
        )
    return Ticket.objects.get(pk=ticket.pk)


# --- the channels: each sends Anna's reply and says what it wrote -----------------------------


def _by_portal(ticket: Ticket, desk: Desk) -> str:
    body = "Via de portal: het probleem is er nog steeds."
    desk.anna.user = User.objects.create_user(username=desk.anna.email, email=desk.anna.email)
    desk.anna.save(update_fields=["user"])
    client = Client()
    client.force_login(desk.anna.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("portal:ticket", args=[ticket.number]), {"action": "reply", "reply-body": body}
    )
    assert response.status_code == 302
    return body


def _by_email(ticket: Ticket, desk: Desk) -> str:
    raw = eml("06_gmail_reply_token.eml", TICKET=ticket.number)
    inbound, created = inbound_receive(raw=raw, transport="pipe", now=NOW)
    assert created
    assert inbound.outcome in (Outcome.REPLY, Outcome.TICKET)
    return EMAIL_BODY


def _by_triage(ticket: Ticket, desk: Desk) -> str:
    """An email of Anna's the router could not place; the first line adds it to the ticket as
    the customer's (public) reply."""
    body = "Via triage: de koppeling valt nog steeds uit."
    inbound = InboundMessage.objects.create(
        dedupe_key="conversation-triage-1",
        sha256="0" * 64,
        size=len(body),
        raw=body.encode(),
        transport="pipe",
        received_at=NOW,
        outcome=Outcome.TRIAGE,
        sender_email=desk.anna.email,
        subject="Nog steeds stuk",
        body_text=body,
    )
    triage_add_to_ticket(inbound=inbound, ticket=ticket, public=True, now=NOW, actor=staff("first"))
    return body


CHANNELS: dict[str, Callable[[Ticket, Desk], str]] = {
    "portal": _by_portal,
    "email": _by_email,
    "triage": _by_triage,
}


@dataclass(frozen=True)
class Expected:
    """Where the reply lands and what becomes of the replied ticket."""

    same_ticket: bool  # False: a follow-up ticket holds the reply
    old_status: str
    old_marked: bool  # the "customer replied" marker on the replied ticket


RULE = {
    "open": Expected(same_ticket=True, old_status=Status.NEW, old_marked=True),
    "resolved_within_window": Expected(
        same_ticket=True, old_status=Status.IN_PROGRESS, old_marked=True
    ),
    "resolved_after_window": Expected(
        same_ticket=False, old_status=Status.RESOLVED, old_marked=False
    ),
    "closed": Expected(same_ticket=False, old_status=Status.CLOSED, old_marked=False),
}


@pytest.mark.parametrize("channel", sorted(CHANNELS))
@pytest.mark.parametrize("state", sorted(RULE))
def test_a_customer_reply_follows_the_one_rule_on_every_channel(
    desk: Desk, channel: str, state: str
) -> None:
    engineer = staff("second", "sara")
    old = _ticket_in(state, desk, engineer)
    expected = RULE[state]

    body = CHANNELS[channel](old, desk)

    landed = Ticket.objects.get(Q(messages__body__contains=body) | Q(description__contains=body))
    old.refresh_from_db()
    assert (landed.pk == old.pk) is expected.same_ticket
    assert (landed.follow_up_of_id == old.pk) is not expected.same_ticket
    assert old.status == expected.old_status
    assert old.customer_replied is expected.old_marked
    assert landed.status in (Status.NEW, Status.IN_PROGRESS)
    assert landed.contact_id == desk.anna.pk
    # On the same ticket the assignee is told by mail; a follow-up is new work of its line.
    told = OutboxEmail.objects.filter(
        key__startswith="staff:customer-reply:", to_email=engineer.email, ticket=old
    )
    assert told.exists() is expected.same_ticket


# --- the mails of a change are written in its transaction ---------------------------------------


class Rollback(Exception):
    """Raised inside the transaction, so that it is rolled back."""


@dataclass(frozen=True)
class Change:
    run: Callable[[Ticket, Desk, User], object]
    mail_key: str  # how the key of the change's mail starts ({pk}: the ticket's)


CHANGES = {
    "ticket_create": Change(
        lambda ticket, desk, engineer: create_ticket(desk.anna, NOW, subject="Nieuw verzoek"),
        "receipt:ticket:",
    ),
    "ticket_reply_public": Change(
        lambda ticket, desk, engineer: ticket_reply_public(
            ticket=ticket, author=engineer, body="We kijken ernaar.", now=NOW
        ),
        "reply:",
    ),
    "ticket_reply_customer": Change(
        lambda ticket, desk, engineer: ticket_reply_customer(
            ticket=ticket, contact=desk.anna, body="Nog steeds stuk.", now=NOW, channel="portal"
        ),
        "staff:customer-reply:",
    ),
    "ticket_resolve": Change(
        lambda ticket, desk, engineer: ticket_resolve(
            ticket=ticket, kind="workaround", text="Omweg ingesteld.", now=NOW, actor=engineer
        ),
        "customer-resolved:{pk}:",
    ),
    "ticket_transition_waiting": Change(
        lambda ticket, desk, engineer: ticket_transition(
            ticket=ticket,
            to_status=Status.WAITING_FOR_CUSTOMER,
            now=NOW,
            actor=engineer,
            reason="Welke versie gebruikt u?",
        ),
        "customer-waiting:{pk}:",
    ),
}


def _footprint() -> tuple[int, int, int, list[tuple[int, str]]]:
    """What a change leaves: outbox rows, messages, tickets and every ticket's status."""
    return (
        OutboxEmail.objects.count(),
        TicketMessage.objects.count(),
        Ticket.objects.count(),
        list(Ticket.objects.order_by("pk").values_list("pk", "status")),
    )


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_rolled_back_change_leaves_no_mail_and_a_committed_one_has_it(
    desk: Desk, name: str
) -> None:
    change = CHANGES[name]
    engineer = staff("second", "sara")
    ticket = create_ticket(desk.anna, NOW - timedelta(hours=2))
    ticket_assign(ticket=ticket, assignee=engineer, now=NOW - timedelta(hours=1), actor=engineer)
    ticket = Ticket.objects.get(pk=ticket.pk)
    before = _footprint()
    mails = OutboxEmail.objects.filter(key__regex=r"^" + change.mail_key.format(pk=r"\d+"))
    mails = mails.exclude(pk__in=list(OutboxEmail.objects.values_list("pk", flat=True)))

    def rolled_back() -> None:
        with transaction.atomic():
            change.run(ticket, desk, engineer)
            assert mails.exists(), "the mail is written inside the change's transaction"
            raise Rollback

    with pytest.raises(Rollback):
        rolled_back()

    assert _footprint() == before
    change.run(Ticket.objects.get(pk=ticket.pk), desk, engineer)
    assert mails.exists()
