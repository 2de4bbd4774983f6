"""The Websitenazorg 3-step procedure on the portal's ticket page (issue #13 §2)."""

from __future__ import annotations

from django import template

from escalation.services.procedure import ProcedureStep, procedure_applies, procedure_steps
from tickets.models import Ticket

register = template.Library()


@register.simple_tag
def procedure_steps_of(ticket: Ticket) -> list[ProcedureStep]:
    """The steps when the ticket's contract has the procedure, else an empty list."""
    return procedure_steps(ticket) if procedure_applies(ticket) else []
