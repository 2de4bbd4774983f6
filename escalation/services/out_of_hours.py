"""A ticket registered outside office hours that the person on call must hear of at once
(issue #13 §2): a call on CBG Extra's out-of-hours line (with the customer's valid code) and a
Websitenazorg emergency. The rules are tickets.services.out_of_hours; this creates the ticket
through ticket_create, as every channel does, and pages in the same transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from tickets.models import Channel, Ticket
from tickets.services.create import TicketCreateInput, ticket_create
from tickets.services.out_of_hours import (
    PAGE_EMERGENCY,
    PAGE_PHONE,
    emergency_outside_hours,
    office_closed,
    phone_registration_rules,
)


def ticket_create_reaching_on_call(
    *, data: TicketCreateInput, now: datetime, phone_code: str = ""
) -> Ticket:
    """ticket_create under the out-of-hours rules; a refusal (OutOfHoursRefused) creates nothing.
    A ticket that is neither a phone call nor an emergency is ticket_create's alone (no
    transaction around it: nested in a caller's, no savepoint of its own)."""
    if data.channel != Channel.PHONE and not data.emergency and not phone_code:
        return ticket_create(data=data, now=now)
    return _ticket_create_paging(data=data, now=now, phone_code=phone_code)


@transaction.atomic
def _ticket_create_paging(*, data: TicketCreateInput, now: datetime, phone_code: str) -> Ticket:
    decision = phone_registration_rules(data=data, phone_code=phone_code, now=now)
    ticket = ticket_create(data=decision.data, now=now)
    ticket_on_call_page(ticket=ticket, now=now, phone_line=decision.on_call)
    return ticket


def ticket_on_call_page(*, ticket: Ticket, now: datetime, phone_line: bool = False) -> None:
    """Page on call, while the office is closed, for a call on the out-of-hours line or an
    emergency; paging twice for the same reason pages once (oncall_page_open). A call that came
    in at night but is registered when the office is open needs nobody woken."""
    if phone_line and office_closed(ticket, now):
        reason = PAGE_PHONE
    elif emergency_outside_hours(ticket, now):
        reason = PAGE_EMERGENCY
    else:
        return
    # Imported here: the on-call package is built beside this one (issue #13 §1).
    from escalation.services.oncall import oncall_page_open

    oncall_page_open(ticket=ticket, now=now, reason=reason)
