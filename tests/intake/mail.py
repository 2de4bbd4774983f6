"""Messages written for the issue #10 intake proofs, and the three transports as a test uses
them: the MTA pipe through `call_command("ingest_email")` with stdin, SMTP to the listener,
IMAP through a Dovecot folder."""

from __future__ import annotations

import io
import smtplib
from unittest import mock

from django.core.management import call_command

from tests.intake.conftest import Dovecot


def message(
    *,
    sender: str = "Anna de Vries <anna@klant-a.example>",
    subject: str = "De scanner op de tweede verdieping start niet",
    body: str = "Goedemiddag,\n\nDe scanner geeft foutcode E-42 sinds vanochtend.\n\nAnna",
    message_id: str = "<scanner-e42.1@mail.klant-a.example>",
    headers: tuple[tuple[str, str], ...] = (),
    top: tuple[tuple[str, str], ...] = (),
    date: str = "Tue, 10 Mar 2026 11:58:00 +0100",
) -> bytes:
    """One plain-text message; `top` headers go first (as relays add them), `headers` after
    the author's. A `sender` of "" leaves the From header out."""
    lines = [f"{name}: {value}" for name, value in top]
    if sender:
        lines.append(f"From: {sender}")
    lines += [
        "To: Servicedesk <support@servicedesk.example>",
        f"Subject: {subject}",
        f"Date: {date}",
    ]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    lines += [f"{name}: {value}" for name, value in headers]
    lines += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"', ""]
    text = "\r\n".join(lines) + "\r\n" + body.replace("\n", "\r\n") + "\r\n"
    return text.encode("utf-8")


def pipe(raw: bytes, mailbox: str = "support@desk") -> tuple[int, str, str]:
    """`manage.py ingest_email` in this process: (exit code, stdout, stderr)."""
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = None
    with mock.patch("sys.stdin", stdin):
        try:
            call_command("ingest_email", "--mailbox", mailbox, stdout=out, stderr=err)
        except SystemExit as exit_:
            code = exit_.code
    return int(code or 0), out.getvalue(), err.getvalue()


def smtp_deliver(port: int, raw: bytes) -> tuple[int, str]:
    """Send one message to the listener: the answer to the end of DATA."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()
        client.mail("sender@example.net")
        client.rcpt("support@servicedesk.example")
        code, text = client.data(raw)
        return code, text.decode()


def imap_append(server: Dovecot, folder: str, *raws: bytes) -> None:
    client = server.client()
    try:
        for raw in raws:
            status, _ = client.append(folder, None, None, raw)
            assert status == "OK", server.log()
    finally:
        client.logout()


def imap_count(server: Dovecot, folder: str) -> tuple[int, int]:
    """(messages, of which seen) in `folder`."""
    client = server.client()
    try:
        status, _ = client.select(folder, readonly=True)
        assert status == "OK", server.log()
        _, data = client.uid("FETCH", "1:*", "(FLAGS)")
        lines = [line for line in data if isinstance(line, bytes) and b"FLAGS" in line]
        return len(lines), sum(b"\\Seen" in line for line in lines)
    finally:
        client.logout()
