"""Issue #10 §1: oversized headers and bodies are kept and shown shortened with a note; only
leaf parts count against the part bound; parts and attachments over the bounds are noted; only a
MIME bomb is refused. The raw message always stays whole."""

from __future__ import annotations

import time

import pytest

from intake.models import Outcome
from intake.parsing import Limits
from tests.intake.conftest import Desk
from tests.intake.test_parsing_messages import (
    b64,
    mail,
    multipart,
    multipart_type,
    parse,
    part,
    receive,
)
from tickets.models import Attachment

pytestmark = pytest.mark.django_db


def test_headers_over_64_kb_are_kept_and_the_message_becomes_a_ticket(
    desk: Desk, english: None
) -> None:
    relays = b"".join(
        b"Received: from relay%d.example by relay%d.example; Tue, 10 Mar 2026 10:00:00\r\n"
        % (n, n + 1)
        for n in range(1500)
    )  # about 110 KB of headers
    raw = mail(b"De printer geeft storing E-07.\r\n", extra=relays)

    inbound = receive(raw)

    assert (inbound.outcome, inbound.ticket.contact) == (Outcome.TICKET, desk.anna)
    assert inbound.ticket.subject == "Printer op de tweede verdieping"
    assert inbound.ticket.description.startswith("De printer geeft storing E-07.")
    assert any("parsed from a bounded copy" in defect for defect in inbound.defects)
    assert bytes(inbound.raw) == raw


def test_a_subject_line_over_8_kb_is_shortened_for_display_not_refused(desk: Desk) -> None:
    subject = ("Storing " * 2000).strip().encode()  # 16 KB on one line
    raw = mail(b"Zie onderwerp.\r\n", subject=subject)

    inbound = receive(raw)

    assert inbound.outcome == Outcome.TICKET
    assert inbound.subject.startswith("Storing Storing")
    assert len(inbound.subject) <= 500
    assert inbound.subject.endswith("\u2026")
    assert "header fields shortened: subject" in inbound.defects
    assert bytes(inbound.raw) == raw


def test_a_long_body_is_shortened_with_a_note_and_the_raw_keeps_it_all(
    desk: Desk, english: None, settings
) -> None:
    body = b"".join(b"regel %06d van het logboek\r\n" % n for n in range(8000))  # ~220 KB
    raw = mail(body)

    inbound = receive(raw)

    description = inbound.ticket.description
    assert description.startswith("regel 000000 van het logboek")
    assert "regel 007999" not in description
    assert "The text is shortened: the first 100000 of" in description
    assert "The whole message is kept." in description
    assert bytes(inbound.raw) == raw
    assert b"regel 007999" in bytes(inbound.raw)


def test_multipart_containers_do_not_count_against_the_part_bound() -> None:
    inner = multipart(
        b"alternative",
        b"alt",
        part(b"text/plain; charset=utf-8", b"Tekst"),
        part(b"text/html; charset=utf-8", b"<p>Tekst</p>"),
    )
    body = multipart(
        b"mixed",
        b"mix",
        part(multipart_type(b"alternative", b"alt"), inner),
        part(
            b"application/pdf",
            b64(b"%PDF-1.4 a"),
            b'Content-Disposition: attachment; filename="a.pdf"',
            b"Content-Transfer-Encoding: base64",
        ),
    )
    raw = mail(body, content_type=multipart_type(b"mixed", b"mix"))

    parsed = parse(raw, Limits(max_parts=3))  # three leaves, two containers

    assert parsed.text == "Tekst"
    assert [a.filename for a in parsed.attachments] == ["a.pdf"]
    assert not any("over the bound" in defect for defect in parsed.defects)


def test_parts_over_the_bound_are_not_shown_and_noted(english: None) -> None:
    files = [
        part(b"text/csv", b"a;b\r\n", b'Content-Disposition: attachment; filename="r%d.csv"' % n)
        for n in range(6)
    ]
    body = multipart(b"mixed", b"m", part(b"text/plain", b"Zes exports."), *files)
    raw = mail(body, content_type=multipart_type(b"mixed", b"m"))

    parsed = parse(raw, Limits(max_parts=4))

    assert [a.filename for a in parsed.attachments] == ["r0.csv", "r1.csv", "r2.csv"]
    assert "parts over the bound of 4: 3" in parsed.defects
    assert parsed.text.startswith("Zes exports.")
    assert "Parts of this message not shown (over the limit of 4 parts): 3." in parsed.text


def test_attachments_over_the_bound_are_noted_in_the_text(english: None) -> None:
    files = [
        part(
            b"image/png",
            b64(b"\x89PNG\r\n\x1a\n%d" % n),
            b"Content-Transfer-Encoding: base64",
            b'Content-Disposition: attachment; filename="s%d.png"' % n,
        )
        for n in range(4)
    ]
    body = multipart(b"mixed", b"m", part(b"text/plain", b"Schermafdrukken."), *files)
    raw = mail(body, content_type=multipart_type(b"mixed", b"m"))

    parsed = parse(raw, Limits(max_attachments=2))

    assert [a.filename for a in parsed.attachments] == ["s0.png", "s1.png"]
    assert parsed.skipped_attachments == ["s2.png (more than 2)", "s3.png (more than 2)"]
    assert "Attachments not kept (over the limit of 2 attachments" in parsed.text
    assert "not kept: s3.png (more than 2)" in parsed.defects


def test_a_message_beyond_the_depth_bound_keeps_what_is_within_it(desk: Desk) -> None:
    body = b"Bovenaan.\r\n"
    content_type = b"text/plain"
    for level in range(12):
        boundary = b"d%d" % level
        body = multipart(b"mixed", boundary, part(content_type, body))
        content_type = multipart_type(b"mixed", boundary)
    top = multipart(
        b"mixed", b"top", part(b"text/plain", b"Bericht zelf."), part(content_type, body)
    )
    raw = mail(top, content_type=multipart_type(b"mixed", b"top"))

    inbound = receive(raw)

    assert inbound.outcome == Outcome.TICKET
    assert inbound.ticket.description.startswith("Bericht zelf.")
    assert "parts nested deeper than 10: 1" in inbound.defects


def test_only_a_mime_bomb_is_quarantined_and_quickly(desk: Desk) -> None:
    parts = b"".join(b"--w\r\nContent-Type: text/plain\r\n\r\np%d\r\n" % n for n in range(6000))
    raw = mail(parts + b"--w--\r\n", content_type=multipart_type(b"mixed", b"w"))

    started = time.perf_counter()
    inbound = receive(raw)

    assert time.perf_counter() - started < 2.0
    assert inbound.outcome == Outcome.QUARANTINED
    assert "MIME bomb: 6001 MIME parts" in inbound.error
    assert bytes(inbound.raw) == raw
    assert not Attachment.objects.filter(inbound=inbound).exists()


@pytest.mark.parametrize(
    "raw",
    [
        mail(b"x", subject=b"=?utf-8?q?a?= " * 20_000),
        mail(b"x", extra=b"X-Junk: " + b"(c)" * 30_000 + b"\r\n"),
        mail(b"x", content_type=b"text/plain; " + b"a=b; " * 20_000),
        mail(b"x", extra=b"".join(b"X-H%d: v\r\n" % n for n in range(40_000))),
    ],
    ids=["encoded words", "comments", "parameters", "many headers"],
)
def test_pathological_headers_parse_in_bounded_time(raw: bytes) -> None:
    started = time.perf_counter()
    parsed = parse(raw)
    assert time.perf_counter() - started < 1.0
    assert parsed.sender_email == "anna@klant-a.example"
