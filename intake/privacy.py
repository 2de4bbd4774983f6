"""The intake app's part of erasure, access export and retention (issue #15 §3, D17),
registered with `privacy.registry` in `IntakeConfig.ready()`.

Mail from the person keeps its row (when it came, what became of it) with the sender, the
person's strings, name parts and signature replaced; its raw message and its attachments are
removed. Other mail about the customer (or naming the person) loses the person's strings, and
its raw message too when that names them: raw MIME cannot be edited safely. A raw message on
object storage (intake.raw) is read from there and its object deleted once the change commits.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from intake.models import TRIAGE_OPEN, InboundMessage
from intake.raw import raw_held
from privacy.export import ExportWriter
from privacy.files import rows_with_files_delete, stored_files_delete
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber
from tickets.models import Attachment

OWN_FIELDS = ("sender_name", "subject", "body_text", "body_html")
OTHER_FIELDS = ("dedupe_key", "message_id", "reason", "error", "defects", "triage_note")


def _about(subject: Subject) -> Q:
    q = Q(ticket__customer_id=subject.customer_id) | Q(suggested_customer_id=subject.customer_id)
    q |= Q(body_text__icontains=subject.email) | Q(sender_name__icontains=subject.email)
    if subject.name:
        q |= Q(body_text__icontains=subject.name) | Q(sender_name__icontains=subject.name)
    return q


def intake_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    from_them = InboundMessage.objects.filter(sender_email__iexact=subject.email)
    others = InboundMessage.objects.filter(_about(subject)).exclude(
        sender_email__iexact=subject.email
    )
    _raw_objects_delete(from_them)
    return {
        "tickets.Attachment (removed)": rows_with_files_delete(
            Attachment.objects.filter(inbound__in=from_them)
        ),
        "intake.InboundMessage": scrubber.rows(
            from_them,
            OTHER_FIELDS,
            own=OWN_FIELDS,
            blank=["raw", "raw_file"],
            values={"sender_email": scrubber.pseudonym_email},
        )
        + scrubber.rows(others, [*OTHER_FIELDS, *OWN_FIELDS]),
        "intake.InboundMessage (raw removed)": _raw_remove(others, scrubber),
    }


def _raw_remove(rows: QuerySet[InboundMessage], scrubber: Scrubber) -> int:
    naming = [
        row
        for row in rows.only("pk", "raw", "raw_file").iterator(chunk_size=100)
        if raw_held(row) and scrubber.mentions(row.raw_message())
    ]
    stored_files_delete(row.raw_file for row in naming)
    return _raw_blank(InboundMessage.objects.filter(pk__in=[row.pk for row in naming]))


def _raw_objects_delete(rows: QuerySet[InboundMessage]) -> None:
    """The objects of these rows' raw messages, deleted once the transaction commits (the rows
    stop naming them in the same transaction)."""
    stored_files_delete(row.raw_file for row in rows.exclude(raw_file="").only("pk", "raw_file"))


def _raw_blank(rows: QuerySet[InboundMessage]) -> int:
    return rows.exclude(raw=b"", raw_file="").update(raw=b"", raw_file="")


def intake_export(subject: Subject, writer: ExportWriter) -> None:
    """The mail the person sent: what was read from it, and the message as it came."""
    mails = InboundMessage.objects.filter(sender_email__iexact=subject.email).order_by(
        "received_at", "pk"
    )
    listed = [
        {
            "received_at": mail.received_at,
            "sender_email": mail.sender_email,
            "subject": mail.subject,
            "body_text": mail.body_text,
            "outcome": mail.outcome,
            "ticket": mail.ticket.number if mail.ticket else None,
            "message_in_this_export": (
                writer.write_bytes("mail/received/message.eml", mail.raw_message())
                if raw_held(mail)
                else None
            ),
        }
        for mail in mails.select_related("ticket")
    ]
    writer.json("mail/received-from-you.json", listed)
    files = Attachment.objects.filter(inbound__in=mails).order_by("pk")
    writer.json(
        "mail/received-attachments.json",
        [
            {
                "filename": row.filename,
                "size": row.size,
                "in_this_export": writer.file("mail/received/files", row.file, row.filename),
            }
            for row in files
        ],
    )


def intake_purge(cutoff: datetime, now: datetime) -> Counts:
    """Raw mail received before the cut-off (not while the first line still has to decide on
    it), and the files of such mail that never reached a ticket."""
    done = InboundMessage.objects.filter(received_at__lt=cutoff).exclude(outcome__in=TRIAGE_OPEN)
    loose = Attachment.objects.filter(inbound__in=done, ticket__isnull=True)
    _raw_objects_delete(done)
    return {
        "tickets.Attachment (removed)": rows_with_files_delete(loose),
        "intake.InboundMessage (raw removed)": _raw_blank(done),
    }
