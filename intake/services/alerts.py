"""Alerts to the support coordinators about the mail intake (issue #10 §2, §3).

Through the outbox, one row per coordinator and occasion: the idempotency key names the
occasion (one message, or one sender in one hour), so a second trigger writes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import override

from intake.models import InboundMessage
from notifications.models import OutboxEmail
from notifications.services.emails import render
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import coordinators, staff_recipient


def hour_window(now: datetime) -> str:
    return now.strftime("%Y%m%d%H")


def sender_key(address: str) -> str:
    return hashlib.sha256(address.lower().encode()).hexdigest()[:24]


def coordinators_alert(
    *, occasion: str, inbound: InboundMessage, kind: str, now: datetime
) -> list[OutboxEmail]:
    """One alert per coordinator for `occasion` (e.g. "provider-domain:<pk>"); none twice.

    `kind` picks the wording: "provider_domain", "loop" or "receipt_cap"."""
    written: list[OutboxEmail] = []
    for user in coordinators():
        recipient = staff_recipient(user, "support coordinator")  # in their language
        with override(recipient.language):
            heading, intro = _wording(kind, inbound)
            email = render(
                language=recipient.language,
                recipient=recipient,
                subject=heading,
                heading=heading,
                intro=intro,
                facts=[
                    (_("From"), inbound.sender_email or _("unknown sender")),
                    (_("Subject"), inbound.subject or _("(no subject)")),
                    (_("Received"), inbound.received_at.isoformat(timespec="seconds")),
                    (_("Inbound email"), str(inbound.pk)),
                ],
            )
        row = outbox_enqueue(key=f"alert:{occasion}:{user.pk}", email=email, now=now)
        if row is not None:
            written.append(row)
    return written


def _wording(kind: str, inbound: InboundMessage) -> tuple[str, str]:
    if kind == "provider_domain":
        return (
            _("Security alert: email claiming to come from the service desk"),
            _(
                "An email arrived that claims to come from the service desk's own domain but "
                "was not sent by the desk. It was not added to any ticket; it waits in triage, "
                "flagged. Do not act on its content before checking it."
            ),
        )
    if kind == "loop":
        return (
            _("Mail loop: the service desk's own email came back"),
            _(
                "An email sent by the service desk came back into the intake (a forwarding "
                "rule or an automatic reply may be looping). It was ignored and got no answer. "
                "Further returns from this sender in this hour raise no new alert."
            ),
        )
    return (
        _("Receipt limit reached for a sender"),
        _(
            "A sender reached the hourly limit of receipts (INTAKE_RECEIPTS_PER_HOUR): "
            "their messages are still taken in, but get no receipt. This may be a mail "
            "loop or a flood. Further messages from this sender in this hour raise no new "
            "alert."
        ),
    )
