"""The provider's public reply as the customer reads it (issue #11 §5): line breaks kept, the
author under "Van", and not marked as an automatic message (a person wrote it)."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import OutboxEmail
from notifications.services.outbox import outbox_send
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.services import ticket_reply_public

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-01 10:00")
BODY = "Goedemorgen,\n\nWilt u de printer herstarten?\nDaarna opnieuw proberen.\n\nGroet, Piet"


@pytest.fixture
def reply_row() -> OutboxEmail:
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    ticket = create_ticket(contact, NOW)
    agent = UserFactory(username="piet", first_name="Piet", last_name="Jansen")
    message = ticket_reply_public(ticket=ticket, author=agent, body=BODY, now=NOW)
    return OutboxEmail.objects.get(key=f"reply:{message.pk}")


def test_the_reply_keeps_its_line_breaks(reply_row: OutboxEmail) -> None:
    assert BODY in reply_row.body_text
    assert "Wilt u de printer herstarten?<br>Daarna opnieuw proberen." in reply_row.body_html


def test_the_author_is_named_under_van(reply_row: OutboxEmail) -> None:
    assert "Van: Piet Jansen" in reply_row.body_text


def test_a_reply_is_not_marked_automatic_but_a_receipt_is(reply_row: OutboxEmail) -> None:
    receipt = OutboxEmail.objects.get(key=f"receipt:ticket:{reply_row.ticket_id}")
    assert (reply_row.auto_submitted, receipt.auto_submitted) == (False, True)
    for row in (reply_row, receipt):
        outbox_send(outbox_id=row.pk, now=NOW)
    sent = {m.subject: m.extra_headers for m in mail.outbox}
    assert "Auto-Submitted" not in sent[reply_row.subject]
    assert sent[receipt.subject]["Auto-Submitted"] == "auto-generated"


def test_a_long_dutch_subject_arrives_without_a_leading_space() -> None:
    """Folded without an empty first line: a reader unfolds it to exactly the subject."""
    import email
    import email.policy

    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    subject = "Integratie staat stil na de geëscaleerde update van de koppeling met het ERP"
    ticket = create_ticket(contact, NOW, subject=subject)
    message = ticket_reply_public(ticket=ticket, author=UserFactory(), body="Bezig.", now=NOW)
    row = OutboxEmail.objects.get(key=f"reply:{message.pk}")
    outbox_send(outbox_id=row.pk, now=NOW)
    raw = mail.outbox[-1].message().as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert not row.subject.isascii()
    assert str(parsed["Subject"]) == row.subject


def test_a_resolution_clock_waiting_for_the_root_cause_is_said_so() -> None:
    """onITnow counts resolution from the root cause (D5): no due time yet, and the mail says
    why rather than "none"."""
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    ticket = create_ticket(contact, NOW, priority_level="top")
    receipt = OutboxEmail.objects.get(key=f"receipt:ticket:{ticket.pk}")
    assert "Deadline oplossing: begint zodra de hoofdoorzaak is gevonden" in receipt.body_text
    assert "Deadline reactie: 1 juni 2026" in receipt.body_text
