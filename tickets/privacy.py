"""The tickets app's part of erasure, access export and retention (issue #15 §3, D17),
registered with `privacy.registry` in `TicketsConfig.ready()`.

Erasure keeps every ticket, message, event, clock and segment (the figures are made of them)
and replaces the person's strings in their text: in what the person wrote (their tickets'
descriptions, their messages, requests and survey comments) their name parts and signature
too. The files the person uploaded are removed, rows and all: nothing counts on them.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from privacy.export import ExportWriter, rows_data
from privacy.files import rows_with_files_delete
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber
from tickets.models import (
    Attachment,
    ClockSegment,
    MessageKind,
    PriorityChangeRequest,
    Problem,
    SatisfactionSurvey,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
    TimeEntry,
    VendorEscalation,
)

# A ticket's text the person wrote when they raised it, and the text others wrote on it.
TICKET_OWN_FIELDS = ("description", "reproduction_steps", "business_impact")
TICKET_FIELDS = (
    "subject",
    "product",
    "business_critical_checklist",
    "sla_exempt_reason",
    "named_contact_override",
    "root_cause",
    "resolution",
)
TICKET_EXPORT = (
    "number",
    "subject",
    "description",
    "request_type",
    "channel",
    "status",
    "priority_level",
    "created_at",
    "resolved_at",
    "closed_at",
    "resolution",
)


def _uploaded_by(subject: Subject) -> Q:
    """Files the person uploaded: with their message, or with the ticket they raised (not
    with someone else's message, not with an email: the intake app answers for those)."""
    own_ticket = Q(ticket__contact_id=subject.contact_id, ticket_message__isnull=True)
    return Q(ticket_message__author_contact_id=subject.contact_id) | (
        own_ticket & Q(inbound__isnull=True)
    )


def tickets_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    tickets = Ticket.objects.filter(customer_id=subject.customer_id)
    own_tickets = tickets.filter(contact_id=subject.contact_id)
    on_tickets = {"ticket__customer_id": subject.customer_id}
    messages = TicketMessage.objects.filter(**on_tickets)
    mine = Q(author_contact_id=subject.contact_id)
    requests = PriorityChangeRequest.objects.filter(**on_tickets)
    asked = Q(requested_by_id=subject.contact_id)
    surveys = SatisfactionSurvey.objects.filter(**on_tickets)
    attachments = Attachment.objects.filter(**on_tickets)
    removed = rows_with_files_delete(attachments.filter(_uploaded_by(subject)))
    return {
        "tickets.Ticket": scrubber.rows(own_tickets, TICKET_FIELDS, own=TICKET_OWN_FIELDS)
        + scrubber.rows(
            tickets.exclude(contact_id=subject.contact_id), TICKET_FIELDS + TICKET_OWN_FIELDS
        ),
        "tickets.TicketMessage": scrubber.rows(messages.filter(mine), own=["body"])
        + scrubber.rows(messages.exclude(mine), ["body"]),
        "tickets.TicketEvent": scrubber.rows(TicketEvent.objects.filter(**on_tickets), ["data"]),
        "tickets.ClockSegment": scrubber.rows(
            ClockSegment.objects.filter(**on_tickets), ["reason"]
        ),
        "tickets.PriorityChangeRequest": scrubber.rows(
            requests.filter(asked), ["decision_note"], own=["reason"]
        )
        + scrubber.rows(requests.exclude(asked), ["reason", "decision_note"]),
        "tickets.SatisfactionSurvey": scrubber.rows(
            surveys.filter(contact_id=subject.contact_id), own=["comment"]
        )
        + scrubber.rows(surveys.exclude(contact_id=subject.contact_id), ["comment"]),
        "tickets.Attachment (removed)": removed,
        "tickets.Attachment": scrubber.rows(attachments, ["filename"]),
        "tickets.Problem": scrubber.rows(
            Problem.objects.filter(customer_id=subject.customer_id),
            ["title", "product", "root_cause", "workaround"],
        ),
        "tickets.TimeEntry": scrubber.rows(
            TimeEntry.objects.filter(**on_tickets), ["note", "billable_override_reason"]
        ),
        "tickets.VendorEscalation": scrubber.rows(
            VendorEscalation.objects.filter(**on_tickets),
            ["vendor_name", "vendor_reference", "note"],
        ),
    }


def tickets_export(subject: Subject, writer: ExportWriter) -> None:
    """The tickets the person raised with their public messages, every message the person
    wrote, their files, priority requests and survey answers."""
    own = Ticket.objects.filter(contact_id=subject.contact_id)
    writer.json("tickets/tickets.json", rows_data(own.order_by("created_at"), TICKET_EXPORT))
    messages = TicketMessage.objects.filter(
        Q(ticket__in=own, kind=MessageKind.PUBLIC) | Q(author_contact_id=subject.contact_id)
    ).order_by("created_at", "pk")
    writer.json(
        "tickets/messages.json",
        [
            {**row, "written_by_you": row.pop("author_contact_id") == subject.contact_id}
            for row in rows_data(
                messages,
                ["ticket__number", "created_at", "channel", "body", "author_contact_id"],
            )
        ],
    )
    _attachments_export(subject, own, writer)
    writer.json(
        "tickets/priority-requests.json",
        rows_data(
            PriorityChangeRequest.objects.filter(requested_by_id=subject.contact_id),
            ["ticket__number", "requested_level", "reason", "state", "created_at", "decided_at"],
        ),
    )
    writer.json(
        "tickets/surveys.json",
        rows_data(
            SatisfactionSurvey.objects.filter(contact_id=subject.contact_id),
            ["ticket__number", "score", "comment", "answered_at"],
        ),
    )


def _attachments_export(subject: Subject, own: object, writer: ExportWriter) -> None:
    visible = Q(ticket__in=own) & (
        Q(ticket_message__isnull=True) | Q(ticket_message__kind=MessageKind.PUBLIC)
    )
    rows = (
        Attachment.objects.filter(visible | Q(ticket_message__author_contact_id=subject.contact_id))
        .select_related("ticket")
        .order_by("pk")
    )
    listed = []
    for attachment in rows:
        number = attachment.ticket.number if attachment.ticket else "-"
        path = writer.file(f"tickets/files/{number}", attachment.file, attachment.filename)
        listed.append(
            {
                "ticket": number,
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "stored_at": attachment.stored_at,
                "in_this_export": path,
            }
        )
    writer.json("tickets/attachments.json", listed)


def tickets_purge(cutoff: datetime, now: datetime) -> Counts:
    """Files of tickets closed before the cut-off."""
    closed = Attachment.objects.filter(ticket__status=Status.CLOSED, ticket__closed_at__lt=cutoff)
    return {"tickets.Attachment (removed)": rows_with_files_delete(closed)}
