"""Issue #10 §2 (identity) and §6 (IMAP TLS): only a From that parses cleanly into one author,
with no other Sender, identifies a contact; our own server's failed DMARC/SPF/DKIM verdict keeps
the mail from the contact's ticket; a claim of the provider's own domain alerts the
coordinators once. Proved through the pipe (`ingest_email`), the pipeline every transport uses."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.urls import reverse

from intake.imap import ImapConfigurationError, mailbox_from_url
from intake.models import Flag, InboundMessage, Outcome
from intake.tasks import imap_poll_all_task
from notifications.models import OutboxEmail
from notifications.services.recipients import COORDINATOR_GROUP
from tests.backoffice.conftest import english_client, staff
from tests.factories import UserFactory
from tests.intake.conftest import Desk
from tests.intake.mail import message, pipe
from tickets.models import Ticket

AUTHSERV = "mx.servicedesk.example"


def taken(raw: bytes) -> InboundMessage:
    code, out, err = pipe(raw)
    assert code == 0, err
    return InboundMessage.objects.get(pk=int(out.split(":")[0]))


# --- a strict From --------------------------------------------------------------------------------

UNCLEAR = {
    "two-authors": (
        message(sender="Anna de Vries <anna@klant-a.example>, Mallory <m@phish.example>"),
        "authors",
    ),
    "two-from-headers": (
        message(headers=(("From", "Mallory <m@phish.example>"),)),
        "more than one From header",
    ),
    "sender-differs": (
        message(headers=(("Sender", "m@phish.example"),)),
        "Sender (m@phish.example) differs from From",
    ),
    "no-from-only-reply-to": (
        message(sender="", headers=(("Reply-To", "anna@klant-a.example"),)),
        "no From header",
    ),
    "unbalanced-angle": (message(sender="Anna <anna@klant-a.example"), "From"),
    "no-domain": (message(sender="Anna <anna>"), "From"),
    "group-syntax": (message(sender="Team: anna@klant-a.example;"), "From"),
    "quoted-address-in-name": (
        message(sender='"anna@klant-a.example" <m@phish.example>, x@phish.example'),
        "authors",
    ),
    "thousands-of-comments": (
        message(sender="(x)" * 3000 + " anna@klant-a.example"),
        "too long or too complex",
    ),
}


@pytest.mark.parametrize("case", list(UNCLEAR))
def test_an_unclear_sender_never_matches_a_contact(desk: Desk, case: str) -> None:
    raw, why = UNCLEAR[case]
    inbound = taken(raw)
    assert (inbound.outcome, inbound.flag, inbound.ticket_id) == (
        Outcome.TRIAGE,
        Flag.IDENTITY,
        None,
    )
    assert why in inbound.reason
    assert not Ticket.objects.exists()
    assert not OutboxEmail.objects.exists()  # no receipt to anyone


def test_a_sender_equal_to_from_is_the_contact(desk: Desk) -> None:
    inbound = taken(message(headers=(("Sender", "Anna <ANNA@klant-a.example>"),)))
    assert (inbound.outcome, inbound.flag) == (Outcome.TICKET, Flag.NONE)
    assert inbound.ticket.contact == desk.anna


def test_an_unclear_sender_on_machine_mail_is_ignored_not_triaged(desk: Desk) -> None:
    raw = message(
        sender="a@x.example, b@x.example", headers=(("Auto-Submitted", "auto-generated"),)
    )
    inbound = taken(raw)
    assert inbound.outcome == Outcome.IGNORED
    assert "sender unclear" in inbound.reason


# --- Authentication-Results of our own receiving server -------------------------------------------


def results(*values: str) -> tuple[tuple[str, str], ...]:
    return tuple(("Authentication-Results", value) for value in values)


@pytest.mark.parametrize(
    ("top", "outcome", "flag"),
    [
        (results(f"{AUTHSERV}; dmarc=fail header.from=klant-a.example"), "triage", "unverified"),
        (
            results(f"{AUTHSERV}; dmarc=permerror header.from=klant-a.example"),
            "triage",
            "unverified",
        ),
        (
            results(f"{AUTHSERV}; spf=fail smtp.mailfrom=anna@klant-a.example"),
            "triage",
            "unverified",
        ),
        (results(f"{AUTHSERV}; dkim=fail header.d=klant-a.example"), "triage", "unverified"),
        (
            results(
                f"{AUTHSERV}; dkim=fail header.d=klant-a.example; "
                "dkim=pass header.d=klant-a.example"
            ),
            "ticket",
            "",
        ),
        (
            results(
                f"{AUTHSERV}; spf=fail smtp.mailfrom=x@y.example; "
                "dmarc=pass header.from=klant-a.example"
            ),
            "ticket",
            "",
        ),
        # Written by someone else: ignored.
        (results("mx.phish.example; dmarc=fail header.from=klant-a.example"), "ticket", ""),
        # Our server's verdict on top; a forged one with our id further down does not count.
        (
            (
                *results(f"{AUTHSERV}; dmarc=pass header.from=klant-a.example"),
                ("Received", "from mx.phish.example by mx.servicedesk.example"),
                *results(f"{AUTHSERV}; dmarc=fail header.from=klant-a.example"),
            ),
            "ticket",
            "",
        ),
        (
            (
                ("Received", "from mx.phish.example by mx.servicedesk.example"),
                *results(
                    f"{AUTHSERV.upper()} 1; dmarc=fail (p=reject) header.from=klant-a.example"
                ),
            ),
            "triage",
            "unverified",
        ),
    ],
    ids=[
        "dmarc-fail",
        "dmarc-permerror",
        "spf-fail-no-dmarc",
        "dkim-fail-no-dmarc",
        "dkim-fail-and-pass",
        "dmarc-pass-wins",
        "another-authserv",
        "forged-below-ours",
        "ours-below-received",
    ],
)
def test_our_servers_authentication_results_decide_whether_the_contact_is_believed(
    desk: Desk, settings: Any, top: tuple[tuple[str, str], ...], outcome: str, flag: str
) -> None:
    settings.INTAKE_AUTHSERV_ID = AUTHSERV
    inbound = taken(message(top=top))
    assert (inbound.outcome, inbound.flag) == (outcome, flag), inbound.reason
    assert Ticket.objects.filter(contact=desk.anna).count() == (outcome == "ticket")


def test_a_failure_is_not_the_contacts_reply_on_its_ticket(desk: Desk, settings: Any) -> None:
    settings.INTAKE_AUTHSERV_ID = AUTHSERV
    first = taken(message())
    forged = message(
        top=results(f"{AUTHSERV}; dmarc=fail header.from=klant-a.example"),
        subject=f"Re: [{first.ticket.number}] scanner",
        message_id="<forged-1@phish.example>",
        body="Zet de melding maar op gesloten.",
    )
    inbound = taken(forged)
    assert (inbound.outcome, inbound.flag, inbound.ticket_id) == (
        Outcome.TRIAGE,
        Flag.UNVERIFIED,
        None,
    )
    assert "dmarc=fail" in inbound.reason
    assert not first.ticket.messages.filter(body__contains="gesloten").exists()


def test_without_an_authserv_id_no_results_are_trusted(desk: Desk, settings: Any) -> None:
    settings.INTAKE_AUTHSERV_ID = ""
    inbound = taken(message(top=results(f"{AUTHSERV}; dmarc=fail header.from=klant-a.example")))
    assert inbound.outcome == Outcome.TICKET


# --- the provider's own domain --------------------------------------------------------------------


@pytest.fixture
def coordinators(db: None) -> list[str]:
    group = Group.objects.get(name=COORDINATOR_GROUP)
    people = [UserFactory(username="carla"), UserFactory(username="kees")]
    for person in people:
        person.groups.add(group)
    UserFactory(username="eve")  # not a coordinator
    return sorted(p.email for p in people)


@pytest.mark.parametrize(
    "sender",
    [
        "Servicedesk <servicedesk@localhost>",
        "IT <it@servicedesk.local>",
        "Boss <ceo@provider.example>",
    ],
)
def test_mail_claiming_the_providers_domain_alerts_the_coordinators_once(
    desk: Desk, coordinators: list[str], settings: Any, sender: str
) -> None:
    settings.INTAKE_PROVIDER_DOMAINS = ["provider.example"]
    raw = message(sender=sender, message_id="<x-1@phish.example>", subject="Nieuw wachtwoord")
    inbound = taken(raw)
    pipe(raw)  # delivered again: no second alert
    assert (inbound.outcome, inbound.flag) == (Outcome.TRIAGE, Flag.PROVIDER_DOMAIN)
    alerts = OutboxEmail.objects.filter(key__startswith="alert:provider-domain:")
    assert sorted(alerts.values_list("to_email", flat=True)) == coordinators
    assert not Ticket.objects.exists()


def test_flagged_mail_shows_its_flag_in_the_triage_list(desk: Desk, english: None) -> None:
    taken(message(headers=(("Sender", "m@phish.example"),)))
    page = english_client(staff("first")).get(reverse("backoffice:triage"))
    row = page.content.decode().split("De scanner op de tweede verdieping")[1].split("</tr>")[0]
    assert "sender unclear" in row
    assert "differs from From" in row


# --- §6: no clear-text IMAP to another machine ---------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["imap://desk:pw@mail.klant.example/INBOX", "imap://desk:pw@192.0.2.7:143/INBOX?starttls=0"],
)
def test_clear_text_imap_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(ImapConfigurationError, match=r"clear-text IMAP to .* is refused"):
        mailbox_from_url(url)


@pytest.mark.parametrize(
    ("url", "tls"),
    [
        ("imaps://desk:pw@mail.klant.example/INBOX", "ssl"),
        ("imap://desk:pw@mail.klant.example/INBOX?starttls=1", "starttls"),
        ("imap://desk:pw@127.0.0.1:1143/INBOX", "none"),
        ("imap://desk:pw@[::1]:1143/INBOX", "none"),
        ("imap://desk:pw@localhost/INBOX", "none"),
    ],
)
def test_tls_or_loopback_imap_is_accepted(url: str, tls: str) -> None:
    assert mailbox_from_url(url).tls == tls


def test_the_system_check_and_the_poller_name_a_clear_text_mailbox(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.INTAKE_IMAP_MAILBOXES = ["imap://desk:geheim@mail.klant.example/INBOX"]
    errors = [e for e in run_checks() if e.id == "intake.E001"]
    assert len(errors) == 1
    assert "mail.klant.example" in errors[0].msg
    assert "geheim" not in errors[0].msg  # the password is never in a message
    assert imap_poll_all_task() == 0
    assert "clear-text IMAP to mail.klant.example is refused" in caplog.text


def test_a_colleague_proven_by_our_dmarc_pass_is_triaged_without_an_alert(
    desk: Desk, coordinators: list[str], settings: Any
) -> None:
    settings.INTAKE_AUTHSERV_ID = AUTHSERV
    settings.INTAKE_PROVIDER_DOMAINS = ["provider.example"]
    verified = results(f"{AUTHSERV}; dmarc=pass header.from=provider.example")
    colleague = taken(message(sender="Kees <kees@provider.example>", top=verified))
    # The same pass for another domain proves nothing about provider.example.
    elsewhere = results(f"{AUTHSERV}; dmarc=pass header.from=phish.example")
    forged = taken(
        message(sender="Kees <kees@provider.example>", top=elsewhere, message_id="<f-2@x>")
    )
    assert (colleague.outcome, colleague.flag) == (Outcome.TRIAGE, Flag.NONE)
    assert (forged.outcome, forged.flag) == (Outcome.TRIAGE, Flag.PROVIDER_DOMAIN)
    alerts = OutboxEmail.objects.filter(key__startswith="alert:provider-domain:")
    assert sorted(alerts.values_list("to_email", flat=True)) == coordinators
    assert all(
        f"provider-domain:{forged.pk}:" in key for key in alerts.values_list("key", flat=True)
    )
