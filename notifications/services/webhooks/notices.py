"""The mail to an endpoint's owner when the desk turned the endpoint off (issue #12 §4): a
provider's endpoint tells the support coordinators, a customer's its support services
manager(s), each in their own language, once per time it is turned off (the outbox key)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import Contact, ContactRoleKind
from notifications.models import WebhookAttempt, WebhookEndpoint
from notifications.services.emails import local_time, render
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import Recipient, coordinators, staff_recipient


def endpoint_owner_recipients(endpoint: WebhookEndpoint) -> list[Recipient]:
    """A provider's endpoint: the support coordinators; a customer's: its managers."""
    if endpoint.customer_id is None:
        return [staff_recipient(user, "support coordinator") for user in coordinators()]
    managers = (
        Contact.objects.filter(
            customer_id=endpoint.customer_id,
            is_active=True,
            roles__role=ContactRoleKind.SUPPORT_SERVICES_MANAGER,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return [Recipient("support services manager", c.name, c.email, c.language) for c in managers]


def webhook_disabled_notice(*, endpoint: WebhookEndpoint, now: datetime) -> int:
    """Write the owner's mails in the caller's transaction; returns how many were written."""
    last = WebhookAttempt.objects.filter(delivery__endpoint=endpoint).order_by("-pk").first()
    written = 0
    for recipient in endpoint_owner_recipients(endpoint):
        with override(recipient.language):
            if last is None:
                answer = _("none")
            elif last.status_code is not None:
                answer = _("HTTP status %(code)s") % {"code": last.status_code}
            else:
                answer = last.error
            subject = _("Webhook deliveries to %(url)s stopped") % {"url": endpoint.url}
            email = render(
                language=recipient.language,
                recipient=recipient,
                subject=subject,
                heading=subject,
                intro=_(
                    "No delivery to this webhook address succeeded for a day, so the service "
                    "desk turned the endpoint off and stopped its pending deliveries. The "
                    "events are kept: once the address accepts deliveries again, turn the "
                    "endpoint back on and replay what it missed."
                ),
                facts=[
                    (_("Address"), endpoint.url),
                    (_("Description"), endpoint.description or "-"),
                    (_("Failing since"), local_time(endpoint.failing_since)),
                    (_("Last answer"), answer),
                ],
            )
        key = f"webhook-disabled:{endpoint.pk}:{now.isoformat()}:{recipient.email.lower()}"
        if outbox_enqueue(key=key, email=email, now=now):
            written += 1
    return written
