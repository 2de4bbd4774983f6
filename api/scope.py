"""What a caller may see (D15, issue #12 §1): the one tenancy rule of the API.

A customer's caller sees exactly what its contact sees in the portal (`tickets_visible_to`,
the same selector the portal uses): the support services manager all of the organisation's
tickets, a named contact its own and the shared ones. A provider token sees its provider's rows;
within them the staff member's own limits apply (`staff_rows`: a CSAM-only user sees only their
contracts). Anything else answers 404, never 403: another tenant's object does not exist here.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from api.caller import Caller
from contracts.staff_scope import staff_rows
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

M = TypeVar("M", bound=Model)


def tickets_for(caller: Caller) -> QuerySet[Ticket]:
    if caller.contact is not None:
        return tickets_visible_to(caller.contact, everything=True)
    rows = Ticket.objects.all()
    if caller.provider_id is not None:
        rows = rows.filter(provider_id=caller.provider_id)
    return staff_rows(caller.user, rows) if caller.user is not None else rows.none()


def rows_for(caller: Caller, rows: QuerySet[M], *, customer: str, provider: str) -> QuerySet[M]:
    """`rows` narrowed to the caller: `customer` and `provider` are the lookups from the model
    to the customer's id and the provider's id ("" when the model has no such way: none)."""
    if caller.contact is not None:
        if not customer:
            return rows.none()
        return rows.filter(**{customer: caller.customer_id})
    if caller.provider_id is not None:
        if not provider:
            return rows.none()
        allowed = rows.model._default_manager.filter(**{provider: caller.provider_id})
        rows = rows.filter(pk__in=allowed.values("pk"))
    return staff_rows(caller.user, rows) if caller.user is not None else rows.none()


def ticket_rows_for(caller: Caller, rows: QuerySet[M], *, path: str = "ticket") -> QuerySet[M]:
    """Rows hanging off a ticket (messages, events, escalations): those of visible tickets."""
    return rows.filter(**{f"{path}__in": tickets_for(caller).values("pk")})


def one_or_404(rows: QuerySet[M], **lookup: object) -> M:
    row = rows.filter(**lookup).first()
    if row is None:
        raise Http404(_("Not found."))
    return row
