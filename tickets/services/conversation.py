"""The conversation on a ticket: one write path per change, for every channel (issue #11 §1).

A public provider reply, a customer reply, an internal note and a logged call each go through
`ticket_reply`, which writes the message, its attachments, its events and clock changes, and
tells the layers above (`tickets.signals.ticket_changed`) in the same transaction, so the mails
of the change are written with it or not at all. The portal, email intake, the back-office and
the API call the services below, never the models.

Customer replies follow one rule whatever the channel (`ticket_reply_customer`): on an open
ticket the reply is added (ending a wait for the customer, D6); a resolved ticket reopens within
the reopen window (`TICKET_REOPEN_DAYS`); after it, or on a closed or cancelled ticket, the reply
opens a follow-up ticket linked to the old one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.exceptions import NoCurrentContract
from contracts.models import Contact
from contracts.text import display_text
from tickets.exceptions import InvalidTransition, TicketValidationError
from tickets.models import (
    Attachment,
    Channel,
    MessageKind,
    Metric,
    Status,
    Ticket,
    TicketMessage,
)
from tickets.services.clocks import clock_stop, ticket_clocks_recompute
from tickets.services.create import TicketCreateInput, ticket_create
from tickets.services.guards import requires_aware_now
from tickets.services.lifecycle import (
    _event,
    _locked,
    _status_set,
    reopen_window,
    ticket_transition,
)
from tickets.services.uploads import uploads_store
from tickets.signals import ChangeKind, TicketChange, ticket_change_emit

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

# The reason written when a customer's reply reopens a resolved ticket; the mails of the reply
# say it, so the reopening itself sends none (one mail per event per person).
REOPENED_BY_REPLY = "customer replied"


def _change_kind(*, kind: str, channel: str, from_customer: bool) -> str:
    if from_customer:
        return ChangeKind.CUSTOMER_REPLY
    if kind == MessageKind.INTERNAL:
        return ChangeKind.NOTE_ADDED
    return ChangeKind.CALL_LOGGED if channel == Channel.PHONE else ChangeKind.PUBLIC_REPLY


@requires_aware_now
@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    body: str,
    now: datetime,
    channel: str = Channel.PORTAL,
    kind: str = MessageKind.PUBLIC,
    author_user: User | None = None,
    author_contact: Contact | None = None,
    is_automated: bool = False,
    files: Sequence[UploadedFile[bytes]] = (),
    reopened: bool = False,
    update_kind: str = "",
) -> TicketMessage:
    """Add a message with its files. The first non-automated public reply by the provider side
    (in writing or a logged call) is the first response (D4, TKT-13); a customer's reply ends a
    wait for the customer (D6) and marks the ticket "customer replied" for the assignee."""
    _message_check(body, kind, author_contact)
    return _message_add(
        _locked(ticket),
        body=body,
        now=now,
        channel=channel,
        kind=kind,
        author_user=author_user,
        author_contact=author_contact,
        is_automated=is_automated,
        files=files,
        reopened=reopened,
        update_kind=update_kind,
    )


def _message_check(body: str, kind: str, author_contact: Contact | None) -> None:
    """The refusals of a message, before anything is written."""
    if not display_text(body).strip():
        raise TicketValidationError("body", _("The message is empty."))
    if author_contact is not None and kind == MessageKind.INTERNAL:
        raise TicketValidationError("kind", _("Customers cannot write internal notes."))


def _message_add(
    ticket: Ticket,
    *,
    body: str,
    now: datetime,
    channel: str,
    kind: str = MessageKind.PUBLIC,
    author_user: User | None = None,
    author_contact: Contact | None = None,
    is_automated: bool = False,
    files: Sequence[UploadedFile[bytes]] = (),
    reopened: bool = False,
    update_kind: str = "",
) -> TicketMessage:
    """`ticket_reply` on the ticket its caller holds locked, its message checked."""
    body = display_text(body)  # issue #10 §2: nothing invisible is stored for display
    from_provider = author_contact is None and not is_automated and author_user is not None
    first = from_provider and kind == MessageKind.PUBLIC and ticket.first_response_at is None
    message = TicketMessage.objects.create(
        ticket=ticket,
        kind=kind,
        channel=channel,
        author_user=author_user,
        author_contact=author_contact,
        body=body,
        update_kind=update_kind,
        is_automated=is_automated,
        counts_as_first_response=first,
        created_at=now,
    )
    stored = uploads_store(files, ticket=ticket, message=message, now=now) if files else []
    data = {"message": message.pk, "message_kind": kind, "automated": is_automated}
    if update_kind:
        data["update_kind"] = update_kind
    _event(ticket, "message_added", now, user=author_user, contact=author_contact, data=data)
    if from_provider and kind == MessageKind.PUBLIC:
        ticket.last_provider_update_at = now
    if first:
        ticket.first_response_at = now
        _event(ticket, "first_response", now, user=author_user, data={"message": message.pk})
        clock_stop(ticket=ticket, metric=Metric.RESPONSE, now=now)
    if author_contact is not None:
        ticket.customer_replied = True
        if ticket.status == Status.WAITING_FOR_CUSTOMER:
            _status_set(
                ticket,
                Status.IN_PROGRESS,
                now,
                user=None,
                contact=author_contact,
                reason=REOPENED_BY_REPLY,
            )
            ticket_clocks_recompute(ticket=ticket, target=ticket.sla_target, now=now)
    ticket.updated_at = now
    ticket.save()
    if not is_automated:
        change = TicketChange(
            kind=_change_kind(kind=kind, channel=channel, from_customer=author_contact is not None),
            ticket=ticket,
            now=now,
            message=message,
            actor_user=author_user,
            actor_contact=author_contact,
            data={"attachments": len(stored), "reopened": reopened},
        )
        ticket_change_emit(change)
    return message


@dataclass(frozen=True)
class CustomerReply:
    """Where a customer's reply landed: `outcome` is "added", "reopened" or "follow_up" (then
    `ticket` is the new ticket and `message` is None: the reply is its description)."""

    ticket: Ticket
    message: TicketMessage | None
    outcome: str


@requires_aware_now
@transaction.atomic
def ticket_reply_customer(
    *,
    ticket: Ticket,
    contact: Contact,
    body: str,
    now: datetime,
    channel: str,
    files: Sequence[UploadedFile[bytes]] = (),
    subject: str = "",
) -> CustomerReply:
    """A customer's reply, by any channel, under one rule (module docstring). The ticket is
    locked first, so the rule decides on the status no other change can move meanwhile."""
    locked = _locked(ticket)
    status, resolved_at = locked.status, locked.resolved_at
    in_window = resolved_at is not None and now - resolved_at <= reopen_window()
    if status == Status.RESOLVED and in_window:
        ticket_transition(
            ticket=ticket,
            to_status=Status.IN_PROGRESS,
            now=now,
            contact=contact,
            reason=REOPENED_BY_REPLY,
        )
        message = ticket_reply(
            ticket=ticket,
            body=body,
            now=now,
            channel=channel,
            author_contact=contact,
            files=files,
            reopened=True,
        )
        return CustomerReply(ticket=message.ticket, message=message, outcome="reopened")
    if status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
        follow_up = _follow_up_create(ticket, contact, body, now, channel, subject)
        if files:
            ticket_attachments_add(ticket=follow_up, files=files, now=now, actor_contact=contact)
        return CustomerReply(ticket=follow_up, message=None, outcome="follow_up")
    _message_check(body, MessageKind.PUBLIC, contact)
    message = _message_add(
        locked, body=body, now=now, channel=channel, author_contact=contact, files=files
    )
    return CustomerReply(ticket=message.ticket, message=message, outcome="added")


@requires_aware_now
@transaction.atomic
def ticket_attachments_add(
    *,
    ticket: Ticket,
    files: Sequence[UploadedFile[bytes]],
    now: datetime,
    actor_user: User | None = None,
    actor_contact: Contact | None = None,
) -> list[Attachment]:
    """Files added to a ticket without a message (the API's upload, a follow-up's files): checked
    and stored by the upload policy (a refusal, UploadRefused, stores none of them), logged, and
    told to the layers above (the coordinators' quota alert, webhooks). A closed or cancelled
    ticket takes no more files."""
    ticket = _locked(ticket)
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            _("Ticket %(number)s is %(status)s; it takes no more files.")
            % {"number": ticket.number, "status": Status(ticket.status).label}
        )
    stored = uploads_store(files, ticket=ticket, message=None, now=now)
    if not stored:
        return []
    _event(
        ticket,
        "attachments_added",
        now,
        user=actor_user,
        contact=actor_contact,
        data={"attachments": [a.pk for a in stored]},
    )
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    ticket_change_emit(
        TicketChange(
            kind=ChangeKind.ATTACHMENTS_ADDED,
            ticket=ticket,
            now=now,
            actor_user=actor_user,
            actor_contact=actor_contact,
            data={"attachments": len(stored)},
        )
    )
    return stored


def _follow_up_create(
    ticket: Ticket, contact: Contact, body: str, now: datetime, channel: str, subject: str
) -> Ticket:
    data = TicketCreateInput(
        contact=contact,
        contract_id=ticket.contract_id,
        request_type=ticket.request_type,
        channel=channel,
        subject=(subject or ticket.subject)[:250],
        description=body,
        follow_up_of=ticket,
        # Email intake sends its own receipt, threaded to the incoming message.
        send_receipt=channel != Channel.EMAIL,
    )
    try:
        return ticket_create(data=data, now=now)
    except NoCurrentContract:
        # The old ticket's contract has ended: the contact's current contract takes it.
        return ticket_create(data=_without_contract(data), now=now)


def _without_contract(data: TicketCreateInput) -> TicketCreateInput:
    return replace(data, contract_id=None)


def ticket_note_add(
    *,
    ticket: Ticket,
    author: User | None,
    body: str,
    now: datetime,
    channel: str = Channel.PORTAL,
    files: Sequence[UploadedFile[bytes]] = (),
    is_automated: bool = False,
) -> TicketMessage:
    """An internal note: never shown to or mailed to the customer."""
    return ticket_reply(
        ticket=ticket,
        body=body,
        now=now,
        channel=channel,
        kind=MessageKind.INTERNAL,
        author_user=author,
        files=files,
        is_automated=is_automated,
    )


def ticket_reply_public(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    now: datetime,
    files: Sequence[UploadedFile[bytes]] = (),
) -> TicketMessage:
    """The provider's written reply: shown in the portal and mailed to the ticket's contact."""
    return ticket_reply(
        ticket=ticket,
        body=body,
        now=now,
        channel=Channel.PORTAL,
        kind=MessageKind.PUBLIC,
        author_user=author,
        files=files,
    )


def ticket_call_log(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    now: datetime,
    files: Sequence[UploadedFile[bytes]] = (),
) -> TicketMessage:
    """A phone call with the customer, logged: visible in the portal, counts as a response
    (D4), and not mailed (the customer was on the line)."""
    return ticket_reply(
        ticket=ticket,
        body=body,
        now=now,
        channel=Channel.PHONE,
        kind=MessageKind.PUBLIC,
        author_user=author,
        files=files,
    )
