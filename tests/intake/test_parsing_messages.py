"""Messages the parsing tests write themselves (issue #10 §1, §1b): builders, no samples; the
tests are in the other test_parsing_* files."""

from __future__ import annotations

import base64
from itertools import count

from intake.models import InboundMessage
from intake.parsing import Limits, Parsed, parse_message
from intake.services.receive import inbound_receive
from tests.intake.conftest import NOW

ANNA = b"Anna de Vries <anna@klant-a.example>"
_numbers = count(1)


def mail(
    body: bytes,
    *,
    content_type: bytes | None = b"text/plain; charset=utf-8",
    subject: bytes = b"Printer op de tweede verdieping",
    sender: bytes = ANNA,
    extra: bytes = b"",
) -> bytes:
    """A message from Anna (a contact of klant-a) with a fresh Message-ID."""
    head = (
        b"From: " + sender + b"\r\n"
        b"To: support@servicedesk.example\r\n"
        b"Subject: " + subject + b"\r\n"
        b"Date: Tue, 10 Mar 2026 10:00:00 +0100\r\n"
        b"Message-ID: <parsing-%d@klant-a.example>\r\n" % next(_numbers) + b"MIME-Version: 1.0\r\n"
    )
    if content_type is not None:
        head += b"Content-Type: " + content_type + b"\r\n"
    return head + extra + b"\r\n" + body


def part(content_type: bytes, body: bytes, *headers: bytes) -> bytes:
    lines = [b"Content-Type: " + content_type, *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def multipart(kind: bytes, boundary: bytes, *parts: bytes, preamble: bytes = b"") -> bytes:
    """A multipart body (without its own Content-Type header)."""
    out = preamble
    for item in parts:
        out += b"--" + boundary + b"\r\n" + item + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


def multipart_type(kind: bytes, boundary: bytes) -> bytes:
    return b"multipart/" + kind + b'; boundary="' + boundary + b'"'


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def parse(raw: bytes, limits: Limits | None = None) -> Parsed:
    return parse_message(
        raw, limits or Limits(), "servicedesk.example", "support@servicedesk.example"
    )


def receive(raw: bytes) -> InboundMessage:
    inbound, created = inbound_receive(raw=raw, transport="pipe", now=NOW)
    assert created
    inbound.refresh_from_db()
    return inbound
