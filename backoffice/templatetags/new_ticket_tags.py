"""`{% may_register_tickets as can_register %}`: whether the page's user may register a ticket
(the "New ticket" links of the ticket list and the admin index, issue #11 §3)."""

from __future__ import annotations

from typing import Any

from django import template

from backoffice.views.new_ticket import may_register_tickets as _may_register

register = template.Library()


@register.simple_tag(takes_context=True)
def may_register_tickets(context: dict[str, Any]) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and _may_register(user))
