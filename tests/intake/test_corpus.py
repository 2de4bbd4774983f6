"""Issue #4 §3: every corpus message through `inbound_receive` (the pipeline behind all three
transports) ends in exactly one outcome, and exactly the expected emails are written."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from intake.models import InboundMessage, Outcome
from intake.parsing import MessageRejected
from intake.services.receive import inbound_receive
from notifications.models import OutboxEmail
from tests.intake.conftest import NOW, Desk, eml
from tickets.models import Attachment, ClockSegment, MessageKind, SegmentState, Status, Ticket

pytestmark = pytest.mark.django_db

ANNA, PIET, NINA = "anna@klant-a.example", "piet@klant-b.example", "nina@ms-klant.example"


@dataclass(frozen=True)
class Case:
    file: str
    outcome: str
    receipt_to: str = ""  # the one receipt written, "" for no email at all
    customer: str = ""  # the ticket's customer, or for triage the suggested one
    thread: str = ""  # Anna's earlier ticket: "open", "waiting" or "closed"
    reason: str = ""  # part of InboundMessage.reason (or .error for quarantine)


CASES = [
    Case("01_outlook_plain_nl.eml", Outcome.TICKET, ANNA, "klant-a"),
    Case("02_gmail_html_only_en.eml", Outcome.TICKET, PIET, "klant-b"),
    Case("03_apple_attachments.eml", Outcome.TICKET, ANNA, "klant-a"),
    Case("04_forwarded_rfc822.eml", Outcome.TICKET, ANNA, "klant-a"),
    Case("05_outlook_reply_msgid.eml", Outcome.REPLY, "", "klant-a", "open"),
    Case("06_gmail_reply_token.eml", Outcome.REPLY, "", "klant-a", "waiting"),
    Case("07_apple_reply_closed.eml", Outcome.TICKET, ANNA, "klant-a", "closed", "follow-up"),
    Case("08_iso8859_encoded_subject.eml", Outcome.TICKET, ANNA, "klant-a"),
    Case("09_windows1252_qp.eml", Outcome.TICKET, PIET, "klant-b"),
    Case("10_ooo_on_ticket.eml", Outcome.NOTE, "", "klant-a", "open", "auto-replied"),
    Case("11_ooo_unrelated.eml", Outcome.IGNORED, reason="X-Auto-Response-Suppress"),
    Case("12_dsn_mailer_daemon.eml", Outcome.IGNORED, reason="delivery report"),
    Case("13_newsletter_list.eml", Outcome.IGNORED, reason="list mail"),
    Case("14_spoofed_reference.eml", Outcome.TICKET, PIET, "klant-b", "open"),
    Case("15_unknown_sender_known_domain.eml", Outcome.TRIAGE, "", "klant-a", reason="not a"),
    Case("16_display_name_spoof.eml", Outcome.TRIAGE, reason="mallory@phish.example"),
    Case("17_ms_named.eml", Outcome.TICKET, NINA, "klant-m"),
    Case("18_ms_not_named.eml", Outcome.TRIAGE, "", "klant-m", reason="named contact"),
    Case("19_own_notification_back.eml", Outcome.IGNORED, reason="the desk's own message"),
    Case("20_null_return_path.eml", Outcome.IGNORED, reason="null return path"),
    Case("21_precedence_junk.eml", Outcome.IGNORED, reason="Precedence: junk"),
    Case("22_uppercase_sender.eml", Outcome.TICKET, ANNA, "klant-a"),
    # Issue #10 §1: parts beyond the depth bound are noted, not a reason to quarantine.
    Case("23_poison_deep_mime.eml", Outcome.TICKET, ANNA, "klant-a"),
    Case("24_many_attachments.eml", Outcome.TICKET, PIET, "klant-b"),
    Case("25_no_message_id.eml", Outcome.TICKET, PIET, "klant-b"),
    Case("27_mime_bomb.eml", Outcome.QUARANTINED, reason="MIME bomb: 250 multipart boundaries"),
]


def _customer_code(inbound: InboundMessage) -> str:
    if inbound.outcome == Outcome.TRIAGE:
        return inbound.suggested_customer.code if inbound.suggested_customer else ""
    return inbound.ticket.customer.code if inbound.ticket else ""


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.file.removesuffix(".eml"))
def test_each_corpus_message_has_its_exact_outcome_and_mail(desk: Desk, case: Case) -> None:
    fill = desk.thread(case.thread) if case.thread else {}
    raw = eml(case.file, **fill)
    before = list(OutboxEmail.objects.values_list("pk", flat=True))

    inbound, created = inbound_receive(raw=raw, transport="pipe", now=NOW)

    assert created
    inbound.refresh_from_db()
    assert (inbound.outcome, _customer_code(inbound)) == (case.outcome, case.customer), (
        inbound.reason,
        inbound.error,
    )
    assert case.reason in inbound.reason + inbound.error
    mail = OutboxEmail.objects.exclude(pk__in=before).values_list("key", "to_email")
    assert list(mail) == ([(f"receipt:{inbound.pk}", case.receipt_to)] if case.receipt_to else [])
    assert bytes(inbound.raw) == raw  # the raw message stays, whatever happened
    if inbound.outcome in (Outcome.IGNORED, Outcome.QUARANTINED, Outcome.TRIAGE):
        assert inbound.ticket is None
    assert Ticket.objects.filter(first_response_at__isnull=False).count() == 0


def test_all_ticket_outcomes_of_the_table_are_covered() -> None:
    # Dismissed is the first line's decision on a triage message, never the router's.
    routed = set(Outcome.values) - {Outcome.RECEIVED, Outcome.DISMISSED}
    assert {case.outcome for case in CASES} == routed
    assert len({case.file for case in CASES}) == len(CASES)


# --- the extras behind the table ----------------------------------------------------------------


def _take(name: str, **fill: str) -> InboundMessage:
    inbound, _ = inbound_receive(raw=eml(name, **fill), transport="pipe", now=NOW)
    inbound.refresh_from_db()
    return inbound


def test_priority_headers_never_change_the_priority(desk: Desk) -> None:
    urgent = _take("01_outlook_plain_nl.eml")  # X-Priority: 1, Importance: high
    plain = _take("22_uppercase_sender.eml")
    assert urgent.ticket.priority_level
    assert (urgent.ticket.priority_level, urgent.ticket.priority_rank) == (
        plain.ticket.priority_level,
        plain.ticket.priority_rank,
    )


def test_sender_is_the_address_case_insensitively_never_the_display_name(desk: Desk) -> None:
    upper = _take("22_uppercase_sender.eml")  # "Iemand Anders" <ANNA@Klant-A.EXAMPLE>
    spoof = _take("16_display_name_spoof.eml")  # "anna@klant-a.example" <mallory@...>
    assert (upper.ticket.contact, upper.sender_email) == (desk.anna, ANNA)
    assert (spoof.sender_email, spoof.ticket, spoof.suggested_customer) == (
        "mallory@phish.example",
        None,
        None,
    )


def test_html_only_mail_is_readable_and_sanitised(desk: Desk) -> None:
    inbound = _take("02_gmail_html_only_en.eml")
    assert "dashboard shows no data at all for our three sites" in inbound.ticket.description
    assert "<b>no data at all</b>" in inbound.body_html
    assert "script" not in inbound.body_html
    assert "onerror" not in inbound.body_html


def test_charsets_and_encoded_words_are_decoded(desk: Desk) -> None:
    latin = _take("08_iso8859_encoded_subject.eml")
    cp1252 = _take("09_windows1252_qp.eml")
    assert latin.ticket.subject == "Storing kassa café «één filiaal»"
    assert latin.sender_name == "Anna de Vriës"
    assert "één filiaal is getroffen" in latin.ticket.description
    assert cp1252.ticket.subject == "Offerte € 1.250 “spoed”"
    assert "The “export” job fails for invoices above € 1.250 – please" in cp1252.body_text


def test_a_forwarded_message_is_the_forwarders_ticket_with_the_original_text(desk: Desk) -> None:
    inbound = _take("04_forwarded_rfc822.eml")
    assert inbound.ticket.contact == desk.anna
    assert "foutcode 503" in inbound.ticket.description
    assert "Ticketnummer leverancier: LV-77812." in inbound.ticket.description


def test_attachments_get_safe_names_and_sniffed_types(desk: Desk) -> None:
    inbound = _take("03_apple_attachments.eml")
    stored = list(Attachment.objects.filter(inbound=inbound).order_by("pk"))
    assert [(a.filename, a.content_type, a.ticket) for a in stored] == [
        ("scherm.pdf", "image/png", inbound.ticket),  # declared application/pdf
        ("export.csv", "text/csv", inbound.ticket),  # was ../../etc/export<BEL><ESC>.csv
    ]
    assert stored[0].file.read().startswith(b"\x89PNG")
    assert all("/" not in a.file.name.split("/", 3)[-1] for a in stored)


def test_attachments_over_the_limits_are_noted(desk: Desk, settings) -> None:
    settings.INTAKE_MAX_ATTACHMENTS, settings.INTAKE_MAX_ATTACHMENT_BYTES = 2, 2000
    inbound = _take("24_many_attachments.eml")
    kept = Attachment.objects.filter(inbound=inbound).values_list("filename", flat=True)
    assert list(kept) == ["app01.log", "app02.log"]
    assert inbound.outcome == Outcome.TICKET
    assert "memory.dmp (3072 bytes, over the limit)" in inbound.reason
    assert "app03.log (more than 2)" in inbound.reason


def test_a_reply_is_trimmed_on_the_ticket_and_raw_on_the_message(desk: Desk) -> None:
    inbound = _take("05_outlook_reply_msgid.eml", **desk.thread("open"))
    message = inbound.ticket_message
    assert inbound.ticket == desk.tickets["open"]
    assert (message.author_contact, message.kind, message.channel) == (
        desk.anna,
        MessageKind.PUBLIC,
        "email",
    )
    assert message.body == (
        "De logbestanden staan klaar op de gedeelde map „Logs maart”.\n\n"
        "Met vriendelijke groet,\nAnna"
    )
    assert b"Verzonden: dinsdag 10 maart 2026 12:00" in bytes(inbound.raw)


def test_a_customer_reply_resumes_the_paused_clock(desk: Desk) -> None:
    fill = desk.thread("waiting")
    inbound = _take("06_gmail_reply_token.eml", **fill)  # threaded by the subject token
    ticket = Ticket.objects.get(pk=desk.tickets["waiting"].pk)
    assert inbound.ticket == ticket
    assert ticket.status == Status.IN_PROGRESS
    segment = ClockSegment.objects.filter(ticket=ticket).order_by("-started_at", "-pk").first()
    assert (segment.state, segment.started_at) == (SegmentState.RUNNING, NOW)
    assert inbound.ticket_message.body == (
        "Het gevraagde exportbestand heb ik zojuist in de portal gezet."
    )


def test_a_reply_to_a_closed_ticket_is_a_follow_up_ticket(desk: Desk) -> None:
    inbound = _take("07_apple_reply_closed.eml", **desk.thread("closed"))
    closed = desk.tickets["closed"]
    assert inbound.ticket != closed
    assert inbound.ticket.follow_up_of == closed
    assert "[SD-" not in inbound.ticket.subject  # the token is taken out (a double space stays)
    assert " ".join(inbound.ticket.subject.split()) == "Re: Integratie staat stil"
    assert Ticket.objects.get(pk=closed.pk).status == Status.CLOSED


def test_an_out_of_office_on_its_ticket_is_an_internal_note(desk: Desk) -> None:
    inbound = _take("10_ooo_on_ticket.eml", **desk.thread("open"))
    note = inbound.ticket_message
    ticket = Ticket.objects.get(pk=desk.tickets["open"].pk)
    assert (note.kind, note.is_automated, note.author_contact) == (
        MessageKind.INTERNAL,
        True,
        None,
    )
    assert "Ik ben afwezig tot en met 20 maart." in note.body
    assert (ticket.status, ticket.first_response_at) == (Status.NEW, None)


def test_a_spoofed_thread_reference_is_new_mail_from_its_sender(desk: Desk) -> None:
    inbound = _take("14_spoofed_reference.eml", **desk.thread("open"))
    annas = desk.tickets["open"]
    assert inbound.ticket != annas
    assert (inbound.ticket.customer, inbound.ticket.contact) == (desk.customer_b, desk.piet)
    assert not annas.messages.exists()
    assert not InboundMessage.objects.filter(ticket=annas).exists()


def test_the_same_message_id_is_processed_once(desk: Desk) -> None:
    first, created = inbound_receive(raw=eml("01_outlook_plain_nl.eml"), transport="pipe", now=NOW)
    again, again_created = inbound_receive(
        raw=eml("01_outlook_plain_nl.eml").replace(b"Date: Tue", b"X-Resent: 1\r\nDate: Tue"),
        transport="imap",
        now=NOW,
    )
    assert (created, again_created, again.pk) == (True, False, first.pk)
    assert Ticket.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


def test_without_message_id_identical_bytes_are_processed_once(desk: Desk) -> None:
    raw = eml("25_no_message_id.eml")
    results = [inbound_receive(raw=raw, transport="smtp", now=NOW)[1] for _ in range(2)]
    other = raw.replace(b"code 17.", b"code 18.")
    results.append(inbound_receive(raw=other, transport="smtp", now=NOW)[1])
    assert results == [True, False, True]
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize(
    ("file", "language", "heading", "hint"),
    [
        ("01_outlook_plain_nl.eml", "nl", "Wij hebben uw bericht ontvangen", "of spam"),
        ("02_gmail_html_only_en.eml", "en", "We received your message", "spam folder"),
    ],
)
def test_the_receipt_is_in_the_contacts_language_and_no_first_response(
    desk: Desk, file: str, language: str, heading: str, hint: str
) -> None:
    inbound = _take(file)
    receipt = OutboxEmail.objects.get(key=f"receipt:{inbound.pk}")
    number = inbound.ticket.number
    assert receipt.language == language
    assert receipt.subject == f"[{number}] {heading}: ticket {number}"
    assert number in receipt.body_text
    assert hint in receipt.body_text
    assert Ticket.objects.get(pk=inbound.ticket.pk).first_response_at is None


def test_receipts_are_rate_limited_per_sender(desk: Desk, settings) -> None:
    settings.INTAKE_RECEIPTS_PER_HOUR = 2
    raw = eml("22_uppercase_sender.eml")
    taken = [
        inbound_receive(raw=raw.replace(b".0022@", f".{n}@".encode()), transport="pipe", now=NOW)
        for n in range(3)
    ]
    assert [inbound.outcome for inbound, _ in taken] == [Outcome.TICKET] * 3
    keys = OutboxEmail.objects.order_by("pk").values_list("key", flat=True)
    assert list(keys) == [f"receipt:{inbound.pk}" for inbound, _ in taken[:2]]
    taken[2][0].refresh_from_db()
    assert "no receipt: hourly limit for this sender reached" in taken[2][0].reason


def test_a_mime_bomb_is_quarantined_and_the_next_one_still_processes(desk: Desk) -> None:
    bomb = _take("27_mime_bomb.eml")  # 250 nested multiparts: no parser is bounded on that
    after = _take("22_uppercase_sender.eml")
    assert (bomb.outcome, bomb.processed_at, bytes(bomb.raw)) == (
        Outcome.QUARANTINED,
        NOW,
        eml("27_mime_bomb.eml"),
    )
    assert "MIME bomb" in bomb.error
    assert after.outcome == Outcome.TICKET


def test_parts_beyond_the_depth_or_part_bound_are_noted_not_quarantined(
    desk: Desk, settings
) -> None:
    deep = _take("23_poison_deep_mime.eml")  # twelve levels deep
    settings.INTAKE_MAX_PARTS = 4
    wide = _take("24_many_attachments.eml")  # five leaf parts: the text and four files
    assert (deep.outcome, wide.outcome) == (Outcome.TICKET, Outcome.TICKET)
    assert "parts nested deeper than 10: 1" in deep.defects
    assert "parts over the bound of 4: 1" in wide.defects  # 5 leaves, containers not counted
    kept = Attachment.objects.filter(inbound=wide).values_list("filename", flat=True)
    assert list(kept) == ["app01.log", "memory.dmp", "app02.log"]  # the first four leaves
    assert bytes(wide.raw) == eml("24_many_attachments.eml")


def test_an_oversized_message_is_refused_and_only_its_record_is_stored(
    desk: Desk, settings
) -> None:
    settings.INTAKE_MAX_BYTES = 8000
    with pytest.raises(MessageRejected, match="over 8000"):
        inbound_receive(raw=eml("26_oversized.eml"), transport="pipe", now=NOW)
    # Issue #10 §1: the refusal leaves a quarantined record with the headers, no ticket.
    stub = InboundMessage.objects.get()
    assert (stub.outcome, stub.flag, stub.size) == (
        "quarantined",
        "refused",
        len(eml("26_oversized.eml")),
    )
    assert not Ticket.objects.exists()


def test_a_signature_is_trimmed_from_a_crlf_reply(desk: Desk) -> None:
    fill = desk.thread("open")
    raw = eml("06_gmail_reply_token.eml", **fill).replace(
        b"portal gezet.\n", b"portal gezet.\n-- \nAnna de Vries\nTel 020-1234567\n"
    )
    inbound, _ = inbound_receive(raw=raw.replace(b"\n", b"\r\n"), transport="pipe", now=NOW)
    body = inbound.ticket_message.body
    assert body == "Het gevraagde exportbestand heb ik zojuist in de portal gezet."
