"""An emergency by email (issue #13 §2): a subject saying "spoed", "noodgeval" or "emergency"
from a Websitenazorg customer outside 09:00-17:00 reaches on call, once, as the portal's
emergency does; in office hours it is an emergency ticket that pages nobody; a provider that
asks no emergency question ignores the word."""

import pytest
import time_machine

from contracts.models import Contract
from escalation.models import OnCallPage
from intake.services.emergency import subject_says_emergency
from tests.api.oncall_spy import oncall_calls
from tests.factories import ContractFactory, named_contact
from tests.intake.mail import message, pipe
from tests.tickets.helpers import ams
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SATURDAY_0300 = ams("2026-03-07 03:00")
TUESDAY_NOON = ams("2026-03-10 12:00")


def customer(provider: str, package: str, domain: str) -> Contract:
    contract = ContractFactory(provider_code=provider, package_code=package)
    contract.customer.email_domains = [domain]
    contract.customer.save()
    named_contact(contract, email=f"eva@{domain}", name="Eva Jansen")
    return contract


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)


def mail_in(domain: str, subject: str, at: object, message_id: str) -> Ticket:
    raw = message(
        sender=f"Eva Jansen <eva@{domain}>",
        subject=subject,
        body="De website geeft sinds middernacht een foutmelding.",
        message_id=message_id,
    )
    with time_machine.travel(at, tick=False):
        assert pipe(raw)[0] == 0
    return Ticket.objects.get(subject=subject)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reasons on call is paged for (the real service still pages)."""
    return oncall_calls(monkeypatch)


@pytest.mark.parametrize(
    "subject",
    ["SPOED: website ligt eruit", "Noodgeval webshop", "Emergency - site down", "Spoedgeval!"],
)
def test_an_emergency_mail_on_saturday_0300_reaches_on_call_once(
    subject: str, calls: list[str]
) -> None:
    customer("websitenazorg", "office365", "wnz-klant.example")
    ticket = mail_in("wnz-klant.example", subject, SATURDAY_0300, "<nood.1@wnz-klant.example>")
    assert ticket.emergency
    assert calls.count("emergency") == 1
    assert OnCallPage.objects.filter(ticket=ticket).count() == 1


def test_an_emergency_mail_in_office_hours_is_an_emergency_that_pages_nobody(
    calls: list[str],
) -> None:
    customer("websitenazorg", "office365", "wnz-klant.example")
    ticket = mail_in("wnz-klant.example", "Spoed: site down", TUESDAY_NOON, "<nood.2@x>")
    assert ticket.emergency
    assert "emergency" not in calls


def test_a_mail_without_the_word_at_night_is_no_emergency(calls: list[str]) -> None:
    customer("websitenazorg", "office365", "wnz-klant.example")
    ticket = mail_in("wnz-klant.example", "Website is traag", SATURDAY_0300, "<traag@x>")
    assert not ticket.emergency
    assert "emergency" not in calls


def test_a_provider_that_asks_no_emergency_question_ignores_the_word(calls: list[str]) -> None:
    customer("onitnow", "ons", "ons-klant.example")
    ticket = mail_in("ons-klant.example", "SPOED printer", SATURDAY_0300, "<ons@x>")
    assert not ticket.emergency
    assert "emergency" not in calls


@pytest.mark.parametrize(
    ("subject", "said"),
    [
        ("spoedeisend: mail werkt niet", True),
        ("Re: [SD-2026-000001] noodgevallen", True),
        ("Is een update noodzakelijk?", False),
        ("Emergencyexit sign", False),
        ("Snelheid website", False),
    ],
)
def test_which_subjects_say_emergency(subject: str, said: bool) -> None:
    assert subject_says_emergency(subject) is said
