"""The customer's status mails: waiting, resolved (with the survey), closed (issue #11 §2)."""

from datetime import timedelta

import pytest
from django.db import transaction

from contracts.models import Contact
from intake.parsing import Parsed
from intake.services.route import thread_ticket
from notifications.models import OutboxEmail
from notifications.services.customer_mails import (
    customer_closed_mail,
    customer_resolved_mail,
    customer_waiting_mail,
)
from notifications.services.emails import portal_ticket_url
from tests.factories import ContractFactory, CustomerFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import MessageKind, SatisfactionSurvey, Status, Ticket, TicketMessage
from tickets.services import ticket_resolve, ticket_transition
from tickets.signals import ChangeKind, TicketChange

pytestmark = pytest.mark.django_db

REGISTERED = "2026-06-08 10:00"


@pytest.fixture
def contract():
    return ContractFactory(provider_code="onitnow", package_code="ons")


@pytest.fixture
def ticket(contract):
    contact = named_contact(contract, name="Eva de Boer", email="eva@klant.example")
    return create_ticket(contact, ams(REGISTERED))


def _set(ticket: Ticket, **fields: object) -> Ticket:
    """Put the ticket in a state without the services (and their mails)."""
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    return Ticket.objects.select_related("contact", "sla_policy").get(pk=ticket.pk)


def _speak(contact: Contact, language: str) -> None:
    Contact.objects.filter(pk=contact.pk).update(language=language)
    contact.refresh_from_db()


def _change(kind: str, ticket: Ticket, when: str, **data: object) -> TicketChange:
    return TicketChange(kind=kind, ticket=ticket, now=ams(when), data=dict(data))


def _provider_asks(ticket: Ticket, body: str, when: str) -> TicketMessage:
    return TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        channel="portal",
        author_user=UserFactory(),
        body=body,
        created_at=ams(when),
    )


def _waiting(ticket: Ticket, when: str = "2026-06-08 11:00", **data: object) -> TicketChange:
    ticket = _set(ticket, status=Status.WAITING_FOR_CUSTOMER)
    return _change(ChangeKind.WAITING_FOR_CUSTOMER, ticket, when, **data)


def _resolved(ticket: Ticket, when: str = "2026-06-09 15:00", **fields: object) -> TicketChange:
    values: dict = {
        "status": Status.RESOLVED,
        "resolved_at": ams(when),
        "resolution_kind": "workaround",
        "resolution": "De koppeling is herstart.\nDe wachtrij is leeg.",
    }
    values.update(fields)
    return _change(ChangeKind.RESOLVED, _set(ticket, **values), when)


def _closed(ticket: Ticket, when: str = "2026-06-10 09:00") -> TicketChange:
    ticket = _set(ticket, status=Status.CLOSED, closed_at=ams(when))
    return _change(ChangeKind.CLOSED, ticket, when)


# --- waiting ----------------------------------------------------------------------------------


def test_the_waiting_mail_asks_the_providers_question_in_english_with_the_ticket_token(ticket):
    _speak(ticket.contact, "en")
    _provider_asks(ticket, "Which server logs the error?\nPlease send the log.", "2026-06-08 10:55")
    row = customer_waiting_mail(_waiting(ticket))
    assert row is not None
    assert row.to_email == "eva@klant.example"
    assert row.language == "en"
    assert row.subject.startswith(f"[{ticket.number}] ")
    assert row.subject == f"[{ticket.number}] Waiting for your answer: {ticket.subject}"
    assert "Which server logs the error?\nPlease send the log." in row.body_text
    assert "Which server logs the error?<br>Please send the log." in row.body_html
    assert "are paused" in row.body_text
    assert portal_ticket_url(ticket) in row.body_text
    assert row.ticket_id == ticket.pk


def test_the_waiting_mail_falls_back_on_the_reason_given(ticket):
    _speak(ticket.contact, "en")
    row = customer_waiting_mail(_waiting(ticket, reason="We need the licence key."))
    assert row is not None
    assert "We need the licence key." in row.body_text


def test_a_question_the_customer_already_answered_is_not_asked_again(ticket):
    _speak(ticket.contact, "en")
    _provider_asks(ticket, "Old question", "2026-06-08 10:20")
    TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.PUBLIC,
        channel="portal",
        author_contact=ticket.contact,
        body="Old answer",
        created_at=ams("2026-06-08 10:30"),
    )
    row = customer_waiting_mail(_waiting(ticket, reason="Please test again."))
    assert row is not None
    assert "Old question" not in row.body_text
    assert "Please test again." in row.body_text


def test_the_waiting_mail_is_optional(ticket):
    Contact.objects.filter(pk=ticket.contact_id).update(mail_when_waiting=False)
    assert customer_waiting_mail(_waiting(ticket, reason="x")) is None
    assert not OutboxEmail.objects.filter(key__startswith="customer-waiting:").exists()


def test_the_waiting_mail_is_written_once_per_event_and_again_for_a_new_wait(ticket):
    first = _waiting(ticket, reason="x")
    assert customer_waiting_mail(first) is not None
    assert customer_waiting_mail(first) is None  # a redelivered signal writes nothing
    assert customer_waiting_mail(_waiting(ticket, "2026-06-09 09:00", reason="y")) is not None
    assert OutboxEmail.objects.filter(key__startswith="customer-waiting:").count() == 2


def test_a_reply_to_the_mail_threads_back_into_the_ticket(ticket):
    row = customer_waiting_mail(_waiting(ticket, reason="x"))
    assert row is not None
    by_id = Parsed(in_reply_to=[row.message_id.strip("<>")], subject="Re: something")
    by_token = Parsed(subject=f"Re: {row.subject}")
    assert thread_ticket(by_id) == ticket
    assert thread_ticket(by_token) == ticket


# --- resolved ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_the_resolution_mail_tells_text_kind_and_root_cause_where_the_clock_counts_from_it(
    ticket,
):
    _speak(ticket.contact, "en")
    assert ticket.sla_policy.resolution_start == "root_cause_identified"  # onITnow (D5)
    change = _resolved(
        ticket,
        root_cause="Certificate expired on the relay.",
        root_cause_identified_at=ams("2026-06-09 11:00"),
    )
    row = customer_resolved_mail(change)
    assert row is not None
    assert row.subject == f"[{ticket.number}] Resolved: {ticket.subject}"
    assert row.subject.startswith(f"[{ticket.number}] ")
    assert "De koppeling is herstart.\nDe wachtrij is leeg." in row.body_text
    assert "Resolved with: workaround" in row.body_text
    assert "Root cause:\n\nCertificate expired on the relay." in row.body_text
    assert "within 14 days" in row.body_text


def test_the_root_cause_is_left_out_where_the_clock_counts_from_registration():
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")
    ticket = create_ticket(named_contact(contract, language="en"), ams(REGISTERED))
    assert ticket.sla_policy.resolution_start == "registered"
    row = customer_resolved_mail(
        _resolved(ticket, root_cause="Internal detail", resolution_kind="fix")
    )
    assert row is not None
    assert "Internal detail" not in row.body_text
    assert "Resolved with: fix" in row.body_text


def test_the_resolution_mail_invites_to_the_survey_in_the_same_mail(ticket):
    _speak(ticket.contact, "en")
    change = _resolved(ticket)
    row = customer_resolved_mail(change)
    assert row is not None
    assert "rate our help from 1 to 5" in row.body_text
    assert f"{ticket.number}/#h-survey" in row.body_text
    assert OutboxEmail.objects.filter(created_at=change.now).count() == 1


def test_no_survey_invitation_when_the_contact_turned_it_off(ticket):
    _speak(ticket.contact, "en")
    Contact.objects.filter(pk=ticket.contact_id).update(mail_survey=False)
    row = customer_resolved_mail(_resolved(ticket))
    assert row is not None  # the resolution itself is always sent
    assert "rate our help" not in row.body_text


def test_no_survey_invitation_once_the_survey_is_answered(ticket):
    _speak(ticket.contact, "en")
    SatisfactionSurvey.objects.create(
        ticket=ticket, contact=ticket.contact, score=4, answered_at=ams("2026-06-09 12:00")
    )
    row = customer_resolved_mail(_resolved(ticket))
    assert row is not None
    assert "rate our help" not in row.body_text


def test_the_resolution_mail_is_sent_even_when_every_optional_mail_is_off(ticket):
    Contact.objects.filter(pk=ticket.contact_id).update(
        mail_when_waiting=False, mail_when_closed=False, mail_survey=False
    )
    assert customer_resolved_mail(_resolved(ticket)) is not None


def test_the_mail_is_in_dutch_with_dutch_dates_for_a_dutch_contact(ticket):
    row = customer_resolved_mail(_resolved(ticket))
    assert row is not None
    assert row.language == "nl"
    assert "9 juni 2026 15:00" in row.body_text
    assert "Ticket openen in het portaal" in row.body_text


def test_an_english_contact_reads_english_dates(ticket):
    _speak(ticket.contact, "en")
    row = customer_resolved_mail(_resolved(ticket))
    assert row is not None
    assert "June 9, 2026" in row.body_text


# --- closed -----------------------------------------------------------------------------------


def test_the_closed_mail_says_a_reply_opens_a_new_ticket(ticket):
    _speak(ticket.contact, "en")
    row = customer_closed_mail(_closed(ticket))
    assert row is not None
    assert row.subject == f"[{ticket.number}] Closed: {ticket.subject}"
    assert "we open a new ticket that refers to this one" in row.body_text


def test_the_closed_mail_is_optional(ticket):
    Contact.objects.filter(pk=ticket.contact_id).update(mail_when_closed=False)
    assert customer_closed_mail(_closed(ticket)) is None


# --- who is never told ------------------------------------------------------------------------


def test_an_inactive_contact_is_never_mailed(ticket):
    Contact.objects.filter(pk=ticket.contact_id).update(is_active=False)
    assert customer_waiting_mail(_waiting(ticket, reason="x")) is None
    assert customer_resolved_mail(_resolved(ticket)) is None
    assert customer_closed_mail(_closed(ticket)) is None


def test_a_contact_without_an_address_is_never_mailed(ticket):
    Contact.objects.filter(pk=ticket.contact_id).update(email="")
    assert customer_resolved_mail(_resolved(ticket)) is None


def test_a_contact_who_cannot_see_the_ticket_is_never_mailed(ticket):
    """A contact moved to another organisation no longer sees the ticket (D15)."""
    Contact.objects.filter(pk=ticket.contact_id).update(customer=CustomerFactory())
    assert customer_resolved_mail(_resolved(ticket)) is None
    assert not OutboxEmail.objects.filter(key__startswith="customer-").exists()


def test_a_long_address_still_makes_a_short_unique_key(ticket):
    long = "x" * 180 + "@klant.example"
    Contact.objects.filter(pk=ticket.contact_id).update(email=long)
    row = customer_resolved_mail(_resolved(ticket))
    assert row is not None
    assert len(row.key) <= 200
    assert row.to_email == long


def test_each_event_has_its_own_moment(ticket):
    change = _resolved(ticket)
    later = TicketChange(
        kind=change.kind, ticket=change.ticket, now=change.now + timedelta(seconds=1)
    )
    assert customer_resolved_mail(change) is not None
    assert customer_resolved_mail(later) is not None


# --- through the real services ----------------------------------------------------------------


def _customer_rows(ticket: Ticket, kind: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(ticket=ticket, key__startswith=f"{kind}:"))


def test_putting_a_ticket_on_hold_for_the_customer_mails_them_once(ticket):
    agent = UserFactory()
    ticket_transition(
        ticket=ticket,
        to_status=Status.WAITING_FOR_CUSTOMER,
        now=ams("2026-06-08 11:00"),
        actor=agent,
        reason="We need the licence key.",
    )
    rows = _customer_rows(ticket, "customer-waiting")
    assert [r.to_email for r in rows] == ["eva@klant.example"]
    assert "We need the licence key." in rows[0].body_text


def test_resolving_and_closing_mail_the_customer_with_the_survey_in_the_resolution(ticket):
    agent = UserFactory()
    ticket_resolve(
        ticket=ticket, kind="fix", text="Relay restarted.", now=ams("2026-06-09 15:00"), actor=agent
    )
    resolved = _customer_rows(ticket, "customer-resolved")
    assert len(resolved) == 1
    assert "Relay restarted." in resolved[0].body_text
    assert "#h-survey" in resolved[0].body_text
    ticket_transition(
        ticket=ticket, to_status=Status.CLOSED, now=ams("2026-06-10 09:00"), actor=agent
    )
    assert len(_customer_rows(ticket, "customer-closed")) == 1


def test_a_rolled_back_resolution_leaves_no_mail(ticket):
    agent = UserFactory()

    def resolve_then_fail() -> None:
        with transaction.atomic():
            ticket_resolve(
                ticket=ticket, kind="fix", text="x", now=ams("2026-06-09 15:00"), actor=agent
            )
            raise RuntimeError

    with pytest.raises(RuntimeError):
        resolve_then_fail()
    assert _customer_rows(ticket, "customer-resolved") == []


def test_a_dutch_contact_reads_the_waiting_mail_in_dutch(ticket):
    row = customer_waiting_mail(_waiting(ticket, reason="Stuur de licentiesleutel."))
    assert row is not None
    assert row.subject == f"[{ticket.number}] Wacht op uw antwoord: {ticket.subject}"
    assert "Wat we van u nodig hebben:" in row.body_text
    assert "8 juni 2026 11:00" in row.body_text


def test_a_ticket_without_targets_promises_no_paused_times(contract):
    contact = named_contact(contract, language="en")
    ticket = create_ticket(contact, ams(REGISTERED), request_type="information")
    assert ticket.sla_target_id is None
    row = customer_waiting_mail(_waiting(ticket, reason="Which licence?"))
    assert row is not None
    assert "We need something from you before we can continue." in row.body_text
    assert "paused" not in row.body_text
