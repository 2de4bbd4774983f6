from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _outbox_refused(sender: Any, *, outbox_id: int, now: Any, **kwargs: Any) -> None:
    """A mail refused for good: if it was an escalation's, the next person in line is told."""
    from escalation.services.fallback import escalation_fallback

    escalation_fallback(outbox_id=outbox_id, now=now)


def _ticket_changed(sender: Any, *, change: Any, **kwargs: Any) -> None:
    """A 24x7 ticket registered, or made 24x7, outside office hours pages on call at once, in
    the change's transaction (issue #13 §1)."""
    from escalation.services.oncall import oncall_page_if_needed
    from tickets.signals import ChangeKind

    if change.kind in (ChangeKind.CREATED, ChangeKind.PRIORITY_CHANGED):
        oncall_page_if_needed(
            ticket=change.ticket, now=change.now, created=change.kind == ChangeKind.CREATED
        )


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Escalation")

    def ready(self) -> None:
        # What this app holds about a person: erased, exported (issue #15 §3).
        from escalation.privacy import escalation_erase, escalation_export
        from privacy.registry import personal_data_register

        personal_data_register("escalation", erase=escalation_erase, export=escalation_export)
        from notifications.signals import outbox_refused
        from tickets.signals import ticket_changed

        outbox_refused.connect(_outbox_refused, dispatch_uid="escalation.fallback")
        ticket_changed.connect(_ticket_changed, dispatch_uid="escalation.oncall")
