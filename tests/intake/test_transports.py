"""Issue #4 §3: the corpus through the three real transports.

(a) the MTA pipe: `manage.py ingest_email` in its own process, exit codes 0 / 65;
(b) SMTP: the aiosmtpd listener in this process (its own thread and loop), 250 / 552;
(c) IMAP: a real Dovecot on loopback, polled with `imap_poll`.

The pipe and SMTP tests commit (transaction=True): another process or thread reads the data.
Their flush empties the catalogue, so the desk reloads it, and so does the module at its end.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings

from intake.imap import imap_poll, mailbox_from_url
from intake.models import ImapMailboxState, InboundMessage, Outcome
from notifications.models import OutboxEmail
from tests.intake.conftest import NOW, Desk, Dovecot, PipeDb, eml
from tests.intake.mail import smtp_deliver
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("catalogue_back_after_module")
LIVE_DB = pytest.mark.django_db(transaction=True)
# A message the parser refuses to parse (a MIME bomb by its boundary count) and that fits the
# 8000-byte limit of these tests: stored, then quarantined, through every transport.
BOMB = (
    b"From: Anna de Vries <anna@klant-a.example>\r\n"
    b"To: support@servicedesk.example\r\n"
    b"Subject: Veel grenzen\r\n"
    b"Message-ID: <bomb-small@klant-a.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n'
    + b"".join(b"boundary=b%d\r\n" % n for n in range(1, 260))
    + b"--b0--\r\n"
)

# --- (a) the MTA pipe ---------------------------------------------------------------------------


def ingest(env: dict[str, str], raw: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "manage.py", "ingest_email", "--mailbox", "support@desk"],
        input=raw,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )


@LIVE_DB
def test_the_mta_pipe_stores_routes_and_answers_with_sysexits(
    pipe_db: PipeDb, pipe_env: dict[str, str]
) -> None:
    results = {
        name: ingest(pipe_env, eml(name))
        for name in ("01_outlook_plain_nl.eml", "13_newsletter_list.eml")
    }
    results["bomb"] = ingest(pipe_env, BOMB)
    again = ingest(pipe_env, eml("01_outlook_plain_nl.eml"))
    oversized = ingest(pipe_env, eml("26_oversized.eml"))  # INTAKE_MAX_BYTES=8000 there

    said = {
        name: (r.returncode, r.stdout.decode().split(": ")[-1].strip())
        for name, r in results.items()
    }
    assert said == {
        "01_outlook_plain_nl.eml": (0, "ticket"),
        "13_newsletter_list.eml": (0, "ignored"),
        "bomb": (0, "quarantined"),
    }, {name: r.stderr.decode()[-2000:] for name, r in results.items()}
    assert (again.returncode, again.stdout.decode().strip()[-20:]) == (0, "duplicate, no effect")
    assert oversized.returncode == 65, oversized.stderr.decode()
    assert b"rejected: message of" in oversized.stderr
    stored = pipe_db.rows(
        "SELECT message_id, outcome, transport, mailbox FROM intake_inboundmessage "
        "WHERE flag != 'refused' ORDER BY id"
    )
    stored_ids = [
        row[0]
        for row in pipe_db.rows(
            "SELECT id FROM intake_inboundmessage WHERE flag != 'refused' ORDER BY id"
        )
    ]
    refused_ids = [
        row[0]
        for row in pipe_db.rows("SELECT id FROM intake_inboundmessage WHERE flag = 'refused'")
    ]
    assert stored == [
        (
            "am0pr02mb1234abcd0001@am0pr02mb1234.eurprd02.prod.outlook.com",
            "ticket",
            "pipe",
            "support@desk",
        ),
        ("nb.2026-03.8812@news.leverancier.example", "ignored", "pipe", "support@desk"),
        ("bomb-small@klant-a.example", "quarantined", "pipe", "support@desk"),
    ]
    # The receipt of the ticket, and the notice that the oversized message was refused.
    assert pipe_db.rows("SELECT key, to_email FROM escalation_outboxemail ORDER BY id") == [
        (f"receipt:{stored_ids[0]}", "anna@klant-a.example"),
        (f"refusal:{refused_ids[0]}", "anna@klant-a.example"),
    ]
    assert pipe_db.rows("SELECT COUNT(*) FROM tickets_ticket") == [(1,)]


# --- (b) SMTP -----------------------------------------------------------------------------------


@LIVE_DB
def test_smtp_answers_250_after_storing_and_552_when_oversized(
    live_desk: Desk, smtp_port: int
) -> None:
    first = smtp_deliver(smtp_port, eml("02_gmail_html_only_en.eml"))
    duplicate = smtp_deliver(smtp_port, eml("02_gmail_html_only_en.eml"))
    poison = smtp_deliver(smtp_port, BOMB)
    oversized = smtp_deliver(smtp_port, eml("26_oversized.eml"))

    stored = list(InboundMessage.objects.exclude(flag="refused").order_by("pk"))
    assert [(m.outcome, m.transport, m.mailbox) for m in stored] == [
        (Outcome.TICKET, "smtp", "support@servicedesk.example"),
        (Outcome.QUARANTINED, "smtp", "support@servicedesk.example"),
    ]
    refused = InboundMessage.objects.get(flag="refused")
    assert first == (250, f"2.0.0 Message accepted ({stored[0].pk})")
    assert duplicate == (250, f"2.0.0 Message accepted ({stored[0].pk}, duplicate)")
    assert poison == (250, f"2.0.0 Message accepted ({stored[1].pk})")
    assert oversized[0] == 552, oversized
    assert Ticket.objects.get().contact == live_desk.piet
    assert list(OutboxEmail.objects.order_by("pk").values_list("key", flat=True)) == [
        f"receipt:{stored[0].pk}",
        f"refusal:{refused.pk}",
    ]


# --- (c) IMAP -----------------------------------------------------------------------------------


def append(server: Dovecot, folder: str, *names: str) -> None:
    client = server.client()
    try:
        for name in names:
            status, _ = client.append(folder, None, None, eml(name))
            assert status == "OK", server.log()
    finally:
        client.logout()


def flags(server: Dovecot, folder: str) -> list[bool]:
    """Per message in `folder` (UID order): whether it is \\Seen."""
    client = server.client()
    try:
        client.select(folder, readonly=True)
        _, data = client.uid("FETCH", "1:*", "(FLAGS)")
        return [b"\\Seen" in line for line in data if isinstance(line, bytes) and b"FLAGS" in line]
    finally:
        client.logout()


def outcomes() -> list[str]:
    return list(InboundMessage.objects.order_by("pk").values_list("outcome", flat=True))


def test_imap_takes_new_mail_once_and_flags_it_seen(desk: Desk, dovecot: Dovecot) -> None:
    box = mailbox_from_url(dovecot.url())
    append(dovecot, "INBOX", "01_outlook_plain_nl.eml", "13_newsletter_list.eml")
    append(dovecot, "INBOX", "27_mime_bomb.eml")

    assert imap_poll(box, NOW) == 3
    assert outcomes() == [Outcome.TICKET, Outcome.IGNORED, Outcome.QUARANTINED]
    assert flags(dovecot, "INBOX") == [True, True, True]
    assert imap_poll(box, NOW) == 0  # nothing new

    append(dovecot, "INBOX", "17_ms_named.eml")
    assert imap_poll(box, NOW) == 1
    assert outcomes()[-1] == Outcome.TICKET
    state = ImapMailboxState.objects.get(name=box.name)
    assert (state.last_uid, state.polled_at) == (4, NOW)
    assert set(InboundMessage.objects.values_list("transport", "mailbox")) == {("imap", box.name)}


def test_imap_can_move_processed_mail_to_another_folder(desk: Desk, dovecot: Dovecot) -> None:
    client = dovecot.client()
    assert client.create("Processed")[0] == "OK"
    client.logout()
    box = mailbox_from_url(dovecot.url(query="move_to=Processed"))
    append(dovecot, "INBOX", "02_gmail_html_only_en.eml", "11_ooo_unrelated.eml")

    assert imap_poll(box, NOW) == 2
    assert outcomes() == [Outcome.TICKET, Outcome.IGNORED]
    assert (flags(dovecot, "INBOX"), len(flags(dovecot, "Processed"))) == ([], 2)
    assert imap_poll(box, NOW) == 0


def recreate(server: Dovecot, folder: str) -> None:
    client = server.client()
    try:
        client.delete(folder)
        assert client.create(folder)[0] == "OK", server.log()
    finally:
        client.logout()


def test_a_uidvalidity_change_starts_over_and_duplicates_have_no_effect(
    desk: Desk, dovecot: Dovecot
) -> None:
    recreate(dovecot, "Support")
    box = mailbox_from_url(dovecot.url("Support"))
    append(dovecot, "Support", "01_outlook_plain_nl.eml", "02_gmail_html_only_en.eml")
    assert imap_poll(box, NOW) == 2
    first = ImapMailboxState.objects.get(name=box.name).uidvalidity

    recreate(dovecot, "Support")  # new UIDVALIDITY, UIDs from 1 again
    append(dovecot, "Support", "01_outlook_plain_nl.eml", "02_gmail_html_only_en.eml")
    append(dovecot, "Support", "17_ms_named.eml")
    assert imap_poll(box, NOW) == 1  # only the Microsoft message is new
    state = ImapMailboxState.objects.get(name=box.name)
    assert (state.uidvalidity != first, state.last_uid) == (True, 3)

    ImapMailboxState.objects.filter(pk=state.pk).update(uidvalidity=1)  # as if changed again
    assert imap_poll(box, NOW) == 0  # all three fetched again: duplicates
    assert Ticket.objects.count() == 3
    assert OutboxEmail.objects.count() == 3
    assert flags(dovecot, "Support") == [True, True, True]


def test_imap_records_an_oversized_message_and_marks_it_seen(
    desk: Desk, dovecot: Dovecot, settings
) -> None:
    settings.INTAKE_MAX_BYTES = 8000
    box = mailbox_from_url(dovecot.url())
    append(dovecot, "INBOX", "26_oversized.eml", "22_uppercase_sender.eml")
    assert imap_poll(box, NOW) == 1
    # Issue #10 §1: recorded (quarantined, flagged refused), not skipped silently forever.
    assert outcomes() == [Outcome.QUARANTINED, Outcome.TICKET]
    assert flags(dovecot, "INBOX") == [True, True]
