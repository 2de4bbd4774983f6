"""What the customer entered when filing the ticket, in words, for the top of the work page
(issue #11 §4): product, steps to reproduce, and the answers to their provider's impact
questions. Only what was answered is listed, so each provider's questions show as asked."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from contracts.models import SlaTarget
from portal.forms import BUSINESS_CRITICAL_LABELS
from tickets.models import Ticket
from tickets.services.create import BUSINESS_CRITICAL_CHECKS


@dataclass(frozen=True)
class Answer:
    label: str
    text: str
    multiline: bool = False


@dataclass(frozen=True)
class Check:
    label: str
    ticked: bool


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


CAN_LOGIN = gettext_lazy("Can any user still log in?")


def customer_answers(ticket: Ticket) -> list[Answer]:
    """The form's answers, labelled as the customer saw them."""
    answers: list[Answer] = []
    if ticket.product:
        answers.append(Answer(_("Product or service"), ticket.product))
    if ticket.reproduction_steps:
        answers.append(Answer(_("Steps to reproduce"), ticket.reproduction_steps, multiline=True))
    if ticket.impact_scope or ticket.impact_effect:
        scope = ticket.get_impact_scope_display() if ticket.impact_scope else "—"
        effect = ticket.get_impact_effect_display() if ticket.impact_effect else "—"
        answers.append(
            Answer(
                _("Impact"),
                _("%(scope)s, %(effect)s") % {"scope": scope, "effect": effect},
            )
        )
    if ticket.business_impact:
        answers.append(Answer(_("Business impact"), ticket.business_impact, multiline=True))
    if ticket.any_user_can_login is not None:
        answers.append(Answer(str(CAN_LOGIN), _yes_no(ticket.any_user_can_login)))
    if ticket.emergency:
        answers.append(Answer(_("Emergency"), _("yes: reported as an emergency")))
    if ticket.effort_24x7_requested:
        answers.append(Answer(_("24x7 effort"), _("requested by the customer")))
    return answers


def customer_checklist(ticket: Ticket) -> list[Check]:
    """The business-critical checklist as answered (empty when it was not asked)."""
    checks = ticket.business_critical_checklist or {}
    if not checks:
        return []
    return [
        Check(str(BUSINESS_CRITICAL_LABELS[name]), checks.get(name) is True)
        for name in BUSINESS_CRITICAL_CHECKS
    ]


def priority_levels(ticket: Ticket) -> dict[str, str]:
    """The ticket's policy's levels (code -> the provider's name in the page's language)."""
    if ticket.sla_policy_id is None:
        return {}
    english = (get_language() or "nl").startswith("en")
    field = "label_en" if english else "label_nl"
    rows = SlaTarget.objects.filter(policy_id=ticket.sla_policy_id).values_list("level", field)
    return dict(rows)
