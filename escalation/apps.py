from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _outbox_refused(sender: Any, *, outbox_id: int, now: Any, **kwargs: Any) -> None:
    """A mail refused for good: if it was an escalation's, the next person in line is told."""
    from escalation.services.fallback import escalation_fallback

    escalation_fallback(outbox_id=outbox_id, now=now)


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Escalation")

    def ready(self) -> None:
        from notifications.signals import outbox_refused

        outbox_refused.connect(_outbox_refused, dispatch_uid="escalation.fallback")
