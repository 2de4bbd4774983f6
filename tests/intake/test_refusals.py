"""Issue #10 §1: every refusal on every transport leaves a record a coordinator sees (a
quarantined stub with the headers and the size, flagged `refused`), IMAP moves the message to
the rejected folder when one is configured, and the sender is told once, in their language,
never when the sender is a machine, a role account or the desk itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext, override

from intake.imap import imap_poll, mailbox_from_url
from intake.models import Flag, InboundMessage, Outcome
from notifications.models import OutboxEmail
from tests.backoffice.conftest import english_client, staff
from tests.intake.conftest import NOW, Desk, Dovecot
from tests.intake.mail import imap_append, imap_count, message, pipe, smtp_deliver
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("catalogue_back_after_module")

LIMIT = 8000
ATTACHMENT = "QUFB" * 3000  # 12,000 bytes of base64: over the limit


def big(sender: str = "Anna de Vries <anna@klant-a.example>", **kwargs: Any) -> bytes:
    return message(
        sender=sender,
        subject="Logbestanden van de server",
        body="Zie de bijlage.\n\n" + "\n".join(ATTACHMENT[i : i + 76] for i in range(0, 12000, 76)),
        message_id="<logs-7781@mail.klant-a.example>",
        **kwargs,
    )


@pytest.fixture
def small_limit(settings: Any) -> None:
    settings.INTAKE_MAX_BYTES = LIMIT


def the_stub() -> InboundMessage:
    stub = InboundMessage.objects.get()
    assert (stub.outcome, stub.flag, stub.ticket_id) == (Outcome.QUARANTINED, Flag.REFUSED, None)
    return stub


def notices() -> list[tuple[str, str, str, str]]:
    return list(
        OutboxEmail.objects.filter(key__startswith="refusal:")
        .order_by("pk")
        .values_list("key", "to_email", "language", "subject")
    )


ENGLISH = "Your message was not accepted: it is too large"


def in_dutch(text: str) -> str:
    """The catalogue's Dutch (locale/pending/intake-identity.po until the lead merges it)."""
    with override("nl"):
        return gettext(text)


@pytest.mark.usefixtures("small_limit", "english")
def test_the_pipe_refuses_with_65_records_the_headers_and_tells_the_sender_once(
    desk: Desk,
) -> None:
    raw = big()
    first = pipe(raw)
    again = pipe(raw)  # the MTA or the sender tries again
    assert (first[0], again[0]) == (65, 65)
    stub = the_stub()
    assert f"recorded as {stub.pk}" in first[2]
    assert (stub.size, stub.transport, stub.sender_email) == (
        len(raw),
        "pipe",
        "anna@klant-a.example",
    )
    assert stub.subject == "Logbestanden van de server"
    assert bytes(stub.raw).startswith(b"From: Anna de Vries")
    assert b"QUFB" not in bytes(stub.raw)  # the headers only
    assert f"over {LIMIT}" in stub.error
    assert notices() == [(f"refusal:{stub.pk}", "anna@klant-a.example", "nl", in_dutch(ENGLISH))]
    assert not Ticket.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("english")
def test_smtp_records_before_answering_552_and_tells_the_sender_once(
    live_desk: Desk, smtp_port: int
) -> None:
    raw = big(sender="Piet Jansen <piet@klant-b.example>")
    answers = [smtp_deliver(smtp_port, raw), smtp_deliver(smtp_port, raw)]
    # One line longer than the whole limit: aiosmtpd alone would answer 500 and keep nothing.
    one_line = message(
        sender="Piet Jansen <piet@klant-b.example>",
        subject="Eén lange regel",
        body="x" * (LIMIT * 3),
        message_id="<one-line@mail.klant-b.example>",
    )
    long_line = smtp_deliver(smtp_port, one_line)
    assert [code for code, _ in answers] == [552, 552]
    assert long_line[0] == 552
    assert f"is over {LIMIT}" in answers[0][1]
    stubs = list(InboundMessage.objects.order_by("pk"))
    assert [(s.flag, s.outcome, s.transport, s.subject) for s in stubs] == [
        (Flag.REFUSED, Outcome.QUARANTINED, "smtp", "Logbestanden van de server"),
        (Flag.REFUSED, Outcome.QUARANTINED, "smtp", "Eén lange regel"),
    ]
    assert stubs[0].size > LIMIT
    assert stubs[1].size > LIMIT * 3
    assert [(key, to, language) for key, to, language, _ in notices()] == [
        (f"refusal:{stubs[0].pk}", "piet@klant-b.example", "en"),
        (f"refusal:{stubs[1].pk}", "piet@klant-b.example", "en"),
    ]
    assert notices()[0][3] == ENGLISH


@pytest.mark.usefixtures("small_limit")
def test_imap_moves_a_refused_message_to_the_rejected_folder(
    desk: Desk, dovecot: Dovecot, settings: Any
) -> None:
    settings.INTAKE_IMAP_REJECTED_FOLDER = "Geweigerd"  # created on first use
    box = mailbox_from_url(dovecot.url())
    imap_append(dovecot, "INBOX", big(), message())
    assert imap_poll(box, NOW) == 1
    assert imap_count(dovecot, "INBOX") == (1, 1)  # the accepted one, seen
    assert imap_count(dovecot, "Geweigerd") == (1, 0)
    stub = InboundMessage.objects.get(flag=Flag.REFUSED)
    assert (stub.transport, stub.size > LIMIT) == ("imap", True)
    assert [to for _, to, _, _ in notices()] == ["anna@klant-a.example"]
    assert imap_poll(box, NOW) == 0  # never fetched again
    assert InboundMessage.objects.count() == 2


@pytest.mark.usefixtures("small_limit")
def test_the_mailbox_url_names_its_own_rejected_folder(desk: Desk, dovecot: Dovecot) -> None:
    client = dovecot.client()
    assert client.create("Te-groot")[0] == "OK"
    client.logout()
    box = mailbox_from_url(dovecot.url(query="rejected=Te-groot"))
    imap_append(dovecot, "INBOX", big())
    imap_poll(box, NOW)
    assert (imap_count(dovecot, "INBOX"), imap_count(dovecot, "Te-groot")) == ((0, 0), (1, 0))
    assert the_stub().transport == "imap"


@pytest.mark.usefixtures("small_limit")
def test_imap_without_a_rejected_folder_marks_it_seen_and_records_it(
    desk: Desk, dovecot: Dovecot
) -> None:
    box = mailbox_from_url(dovecot.url())
    imap_append(dovecot, "INBOX", big())
    assert imap_poll(box, NOW) == 0
    assert imap_count(dovecot, "INBOX") == (1, 1)
    assert the_stub().size > LIMIT


@pytest.mark.usefixtures("small_limit")
@pytest.mark.parametrize(
    ("sender", "headers", "why"),
    [
        ("Systeem <noreply@klant-a.example>", (), "role or machine address"),
        ("<postmaster@klant-a.example>", (), "role or machine address"),
        ("Servicedesk <support@servicedesk.local>", (), "the desk's own domain"),
        ("Anna <anna@klant-a.example>", (("Auto-Submitted", "auto-generated"),), "automatic"),
        ("Anna <anna@klant-a.example>, Bob <bob@klant-a.example>", (), "authors"),
    ],
    ids=["noreply", "postmaster", "own-domain", "auto-submitted", "two-authors"],
)
def test_machines_role_accounts_and_the_desk_are_never_told(
    desk: Desk, sender: str, headers: tuple[tuple[str, str], ...], why: str
) -> None:
    assert pipe(big(sender=sender, headers=headers))[0] == 65
    stub = the_stub()
    assert notices() == []
    assert why in stub.reason


@pytest.mark.usefixtures("small_limit", "english")
def test_a_refused_message_is_in_the_triage_list_flagged(desk: Desk) -> None:
    pipe(big())
    page = english_client(staff("coordinator")).get(reverse("backoffice:triage"))
    assert page.status_code == 200
    row = page.content.decode().split("Logbestanden van de server")[1].split("</tr>")[0]
    assert "refused at delivery" in row
    assert f"over {LIMIT}" in row


@pytest.mark.usefixtures("small_limit", "english")
def test_the_notice_names_the_size_and_the_limit(desk: Desk) -> None:
    raw = big(sender="Piet Jansen <piet@klant-b.example>")
    pipe(raw)
    notice = OutboxEmail.objects.get(key__startswith="refusal:")
    assert f"Your email of {filesizeformat(len(raw))}" in notice.body_text
    assert f"accepts ({filesizeformat(LIMIT)})" in notice.body_text


@pytest.mark.usefixtures("small_limit")
def test_processing_again_leaves_a_refused_record_alone(desk: Desk, admin_client: Any) -> None:
    pipe(big())
    stub = the_stub()
    admin_client.post(
        reverse("admin:intake_inboundmessage_changelist"),
        {"action": "process_again", "_selected_action": [stub.pk]},
    )
    assert the_stub().outcome == Outcome.QUARANTINED
    assert not Ticket.objects.exists()
