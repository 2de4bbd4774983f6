"""Issue #10 §1, §1b: what the MIME structure shows. One alternative, never both; a calendar
invitation as its summary; markup types as text; forwarded and attached mail kept as `.eml` and
summarised (never raw MIME or base64), its content kept by the reply trimming; the text found in
a preamble, a broken multipart or a named text part; the parser's defects recorded."""

from __future__ import annotations

import pytest

from intake.models import Outcome
from intake.parsing import trim_reply
from tests.intake.conftest import Desk
from tests.intake.test_parsing_messages import b64, mail, multipart, multipart_type, parse, part
from tests.intake.test_parsing_messages import receive as receive_mail
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

PLAIN = part(b"text/plain; charset=utf-8", b"De VPN valt elke 10 minuten weg.")
HTML = part(b"text/html; charset=utf-8", b"<p>De <b>VPN</b> valt <i>elke 10 minuten</i> weg.</p>")


def alternative(*parts: bytes, boundary: bytes = b"alt") -> tuple[bytes, bytes]:
    return multipart(b"alternative", boundary, *parts), multipart_type(b"alternative", boundary)


def test_an_alternative_shows_the_plain_text_once_never_both(desk: Desk) -> None:
    body, content_type = alternative(PLAIN, HTML)

    inbound = receive_mail(mail(body, content_type=content_type))

    assert inbound.ticket.description == "De VPN valt elke 10 minuten weg."
    assert inbound.body_html == "<p>De <b>VPN</b> valt <i>elke 10 minuten</i> weg.</p>"


def test_an_alternative_with_an_empty_plain_part_shows_the_html_as_text() -> None:
    empty = part(b"text/plain; charset=utf-8", b"\r\n \r\n")
    script = part(b"text/html", b"<p>Scherm <b>blijft</b> zwart</p><script>alert(1)</script>")
    body, content_type = alternative(empty, script)

    parsed = parse(mail(body, content_type=content_type))

    assert parsed.text == "Scherm blijft zwart"
    assert "script" not in parsed.html


def test_nested_related_and_alternative_show_one_text_and_keep_the_image() -> None:
    related = multipart(
        b"related",
        b"rel",
        HTML,
        part(
            b"image/png",
            b64(b"\x89PNG\r\n\x1a\nlogo"),
            b"Content-Transfer-Encoding: base64",
            b"Content-ID: <logo>",
            b'Content-Disposition: inline; filename="logo.png"',
        ),
    )
    inner, inner_type = alternative(PLAIN, part(multipart_type(b"related", b"rel"), related))
    body = multipart(b"mixed", b"mix", part(inner_type, inner))

    parsed = parse(mail(body, content_type=multipart_type(b"mixed", b"mix")))

    assert parsed.text == "De VPN valt elke 10 minuten weg."
    assert [a.filename for a in parsed.attachments] == ["logo.png"]


def test_an_html_only_alternative_inside_related_is_chosen_when_plain_is_missing() -> None:
    related = multipart(b"related", b"rel", HTML)
    body, content_type = alternative(part(multipart_type(b"related", b"rel"), related))

    assert parse(mail(body, content_type=content_type)).text == "De VPN valt elke 10 minuten weg."


INVITE = b"\r\n".join(
    [
        b"BEGIN:VCALENDAR",
        b"METHOD:REQUEST",
        b"PRODID:-//Test//Agenda//NL",
        b"BEGIN:VEVENT",
        b"UID:abc-123",
        b"SUMMARY:Overleg migratie mail",
        b"  server en back-up",  # folded line (unfolding keeps the second space)
        b"DTSTART;TZID=Europe/Amsterdam:20260312T140000",
        b"DTEND;TZID=Europe/Amsterdam:20260312T150000",
        b"LOCATION:Vergaderzaal 2\\, Utrecht",
        b'ORGANIZER;CN="Anna de Vries":mailto:anna@klant-a.example',
        b"DESCRIPTION:Agenda:\\n1. planning\\n2. risico's",
        b"END:VEVENT",
        b"END:VCALENDAR",
        b"",
    ]
)


def test_a_calendar_invitation_shows_what_when_where_and_who(english: None) -> None:
    raw = mail(INVITE, content_type=b"text/calendar; method=REQUEST; charset=utf-8")

    parsed = parse(raw)

    assert parsed.text == (
        "[Meeting invitation]\n"
        "What: Overleg migratie mail server en back-up\n"
        "When: 2026-03-12 14:00 (Europe/Amsterdam) - 2026-03-12 15:00 (Europe/Amsterdam)\n"
        "Where: Vergaderzaal 2, Utrecht\n"
        "Organiser: Anna de Vries <anna@klant-a.example>\n"
        "\n"
        "Agenda:\n1. planning\n2. risico's"
    )
    assert "BEGIN:VCALENDAR" not in parsed.text


def test_an_invitation_alternative_adds_its_summary_to_the_plain_text(english: None) -> None:
    calendar = part(b"text/calendar; method=REQUEST; charset=utf-8", INVITE)
    body, content_type = alternative(PLAIN, HTML, calendar)

    parsed = parse(mail(body, content_type=content_type))

    assert parsed.text.startswith("De VPN valt elke 10 minuten weg.\n\n[Meeting invitation]")
    assert "Where: Vergaderzaal 2, Utrecht" in parsed.text
    assert "DTSTART" not in parsed.text


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        (
            b"text/enriched",
            b"<bold>Let op</bold>: de <italic>printer</italic>\r\nstaat uit.\r\n\r\n"
            b"<param>red</param>a <<b> c",
            "Let op: de printer staat uit.\na <b> c",
        ),
        (
            b"text/richtext",
            b"<bold>Let op</bold>: de printer<nl>staat <lt>echt<gt> uit.",
            "Let op: de printer\nstaat <echt uit.",
        ),
        (
            b"text/xml",
            b"<?xml version='1.0'?><melding><tekst>Schijf vol</tekst></melding>",
            "Schijf vol",
        ),
    ],
    ids=["enriched", "richtext", "xml"],
)
def test_markup_types_are_shown_as_text(content_type: bytes, body: bytes, text: str) -> None:
    assert parse(mail(body, content_type=content_type)).text == text


FORWARDED = (
    b"From: Leverancier Support <support@leverancier.example>\r\n"
    b"To: Anna de Vries <anna@klant-a.example>\r\n"
    b"Date: Mon, 09 Mar 2026 16:12:00 +0100\r\n"
    b"Subject: =?utf-8?q?Storing_koppeling_=E2=80=93_LV-7781?=\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="inner"\r\n'
    b"\r\n"
    b"--inner\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    + b64(b"De koppeling geeft foutcode 503.\r\n\r\nOn Mon, Anna wrote:\r\n> oud")
    + b"--inner\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b"<p>De koppeling geeft foutcode 503.</p>\r\n"
    b"--inner--\r\n"
)


def forward_message(*, as_file: bool = False) -> bytes:
    if as_file:
        attached = part(
            b"application/octet-stream",
            b64(FORWARDED),
            b"Content-Transfer-Encoding: base64",
            b'Content-Disposition: attachment; filename="melding leverancier.eml"',
        )
    else:
        attached = part(b"message/rfc822", FORWARDED, b"Content-Disposition: inline")
    body = multipart(
        b"mixed",
        b"fwd",
        part(b"text/plain; charset=utf-8", b"Zie hieronder, graag oppakken."),
        attached,
    )
    return mail(body, content_type=multipart_type(b"mixed", b"fwd"), subject=b"Fwd: storing")


def test_a_forwarded_message_is_kept_as_eml_and_summarised(desk: Desk, english: None) -> None:
    inbound = receive_mail(forward_message())

    description = inbound.ticket.description
    assert description.startswith("Zie hieronder, graag oppakken.")
    assert "---------- Forwarded message ----------" in description
    assert "From: Leverancier Support <support@leverancier.example>" in description
    assert "Date: Mon, 09 Mar 2026 16:12:00 +0100" in description
    assert "Subject: Storing koppeling – LV-7781" in description
    assert description.count("De koppeling geeft foutcode 503.") == 1  # one alternative
    assert "Content-Type" not in description
    assert "RGUga29wcGVsaW5n" not in description  # no base64
    stored = Attachment.objects.get(inbound=inbound)
    assert stored.filename.startswith("Storing koppeling")
    assert stored.filename.endswith("LV-7781.eml")
    assert stored.file.read().replace(b"\r\n", b"\n") == FORWARDED.replace(b"\r\n", b"\n")


def test_the_forwarded_mail_is_named_after_its_subject() -> None:
    parsed = parse(forward_message())

    assert [(a.filename, a.declared_type) for a in parsed.attachments] == [
        ("Storing koppeling – LV-7781.eml", "message/rfc822")
    ]


def test_an_attached_eml_file_is_kept_and_summarised(english: None) -> None:
    parsed = parse(forward_message(as_file=True))

    assert [a.filename for a in parsed.attachments] == ["melding leverancier.eml"]
    assert parsed.attachments[0].content == FORWARDED
    assert "Subject: Storing koppeling – LV-7781" in parsed.text
    assert "De koppeling geeft foutcode 503." in parsed.text


def test_reply_trimming_keeps_forwarded_content(english: None) -> None:
    text = parse(forward_message()).text

    assert "De koppeling geeft foutcode 503." in trim_reply(text)


@pytest.mark.parametrize(
    "marker",
    [
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
        "-------- Doorgestuurd bericht --------",
        "Doorgestuurd bericht:",
    ],
)
def test_trim_reply_never_drops_what_follows_a_forward_marker(marker: str) -> None:
    text = (
        f"Kun je dit oppakken?\n\n{marker}\nFrom: Piet <piet@klant-b.example>\n"
        "Date: 9 maart 2026\nSubject: Back-up\n\nDe back-up is mislukt.\n\n"
        "Op 8 maart schreef Anna:\n> eerder"
    )

    trimmed = trim_reply(text)

    assert trimmed.startswith("Kun je dit oppakken?")
    assert "De back-up is mislukt." in trimmed


def test_trim_reply_still_trims_history_above_a_forward() -> None:
    text = "Nieuw.\n\nOn Mon, Piet wrote:\n> oud\n\nBegin forwarded message:\n\nDoorgestuurd."

    assert trim_reply(text) == "Nieuw.\n\nBegin forwarded message:\n\nDoorgestuurd."


def test_text_in_the_preamble_is_shown_when_no_part_is_readable(desk: Desk) -> None:
    preamble = (
        b"This is a multi-part message in MIME format.\r\n\r\n"
        b"De server in de kelder maakt een piepend geluid.\r\n"
    )
    body = multipart(
        b"mixed",
        b"pre",
        part(b"application/octet-stream", b64(b"\x00\x01"), b"Content-Transfer-Encoding: base64"),
        preamble=preamble,
    )

    inbound = receive_mail(mail(body, content_type=multipart_type(b"mixed", b"pre")))

    assert inbound.outcome == Outcome.TICKET
    assert inbound.ticket.description == "De server in de kelder maakt een piepend geluid."


def test_a_multipart_with_a_wrong_boundary_falls_back_to_its_parts() -> None:
    body = multipart(b"mixed", b"echt-grens", PLAIN, HTML)
    raw = mail(body, content_type=multipart_type(b"mixed", b"andere-grens"))

    parsed = parse(raw)

    assert parsed.text == "De VPN valt elke 10 minuten weg."
    assert "StartBoundaryNotFoundDefect (message)" in parsed.defects
    assert "boundary of part message recovered" in parsed.defects


def test_mime_headers_after_a_blank_line_too_many_are_read_as_mime() -> None:
    body = (
        b"Content-Type: text/plain; charset=koi8-r\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "Сервер не отвечает".encode("koi8-r")
    )

    parsed = parse(mail(body, content_type=None))

    assert parsed.text == "Сервер не отвечает"
    assert "MIME headers found in the body" in parsed.defects


def test_a_named_text_part_that_is_the_only_text_is_shown(desk: Desk) -> None:
    body = multipart(
        b"mixed",
        b"named",
        part(
            b"text/plain; charset=utf-8",
            b"Foutmelding: schijf C: vol (0 bytes vrij)",
            b'Content-Disposition: attachment; filename="melding.txt"',
        ),
    )

    inbound = receive_mail(mail(body, content_type=multipart_type(b"mixed", b"named")))

    assert inbound.ticket.description == "Foutmelding: schijf C: vol (0 bytes vrij)"
    assert list(Attachment.objects.filter(inbound=inbound).values_list("filename", flat=True)) == [
        "melding.txt"
    ]


def test_a_named_text_part_beside_a_body_stays_only_an_attachment() -> None:
    body = multipart(
        b"mixed",
        b"named",
        PLAIN,
        part(b"text/plain", b"log regel 1", b'Content-Disposition: attachment; filename="a.log"'),
    )

    parsed = parse(mail(body, content_type=multipart_type(b"mixed", b"named")))

    assert parsed.text == "De VPN valt elke 10 minuten weg."
    assert [a.filename for a in parsed.attachments] == ["a.log"]


def test_parser_defects_are_stored_on_the_message(desk: Desk) -> None:
    raw = mail(b"Geen afsluitende grens.\r\n", content_type=multipart_type(b"mixed", b"nooit"))

    inbound = receive_mail(raw)

    assert inbound.outcome == Outcome.TICKET
    assert "Geen afsluitende grens." in inbound.ticket.description
    assert "StartBoundaryNotFoundDefect (message)" in inbound.defects


def test_a_mail_pasted_inline_in_a_text_is_summarised_not_shown_as_raw_mime(
    english: None,
) -> None:
    text = (
        b"Bezorging mislukt na 3 pogingen: info@leverancier.example\r\n\r\n"
        b"Het oorspronkelijke bericht volgt.\r\n\r\n"
        b"MIME-Version: 1.0\r\n"
        b"From: Anna de Vries <anna@klant-a.example>\r\n"
        b"Subject: Bestelling 4471\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b64("Graag levering vóór vrijdag.".encode())
    )

    parsed = parse(mail(text))

    assert parsed.text == (
        "Bezorging mislukt na 3 pogingen: info@leverancier.example\n\n"
        "Het oorspronkelijke bericht volgt.\n\n"
        "---------- Forwarded message ----------\n"
        "From: Anna de Vries <anna@klant-a.example>\n"
        "Subject: Bestelling 4471\n\n"
        "Graag levering vóór vrijdag."
    )
    assert "a mail inline in a text part summarised" in parsed.defects


def test_header_like_lines_in_a_persons_text_stay_as_written() -> None:
    text = b"Zet dit in de config:\r\nContent-Type: text/plain\r\nTimeout: 30\r\n\r\nDank!\r\n"

    parsed = parse(mail(text))

    assert parsed.text == "Zet dit in de config:\nContent-Type: text/plain\nTimeout: 30\n\nDank!"


def test_a_file_piped_in_instead_of_a_mail_is_kept_as_an_attachment(
    desk: Desk, english: None
) -> None:
    outlook_file = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "Subject: x\r\n".encode("utf-16-le")
    )

    inbound = receive_mail(outlook_file)

    assert inbound.outcome == Outcome.TRIAGE  # no sender: the first line looks at it
    assert inbound.body_text == (
        "[This message is not a readable mail but a file; it is kept whole as the attachment "
        "message.msg.]"
    )
    stored = Attachment.objects.get(inbound=inbound)
    assert (stored.filename, stored.file.read()) == ("message.msg", outlook_file)
    assert bytes(inbound.raw) == outlook_file
