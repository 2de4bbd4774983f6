"""Whether the signed-in contact may change who sees a ticket (for portal/_sharing.html)."""

from __future__ import annotations

from typing import Any

from django import template

from tickets.models import Ticket
from tickets.services.sharing import contact_may_change_sharing

register = template.Library()


@register.simple_tag(takes_context=True)
def sharing_changeable(context: Any, ticket: Ticket) -> bool:
    contact = getattr(context.get("request"), "contact", None)
    return contact is not None and contact_may_change_sharing(ticket=ticket, contact=contact)
