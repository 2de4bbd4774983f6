"""The coordinators' storage-quota alerts (issue #10 §4): when a quota is reached, or an upload
would pass it, every support coordinator gets one mail per ticket / per organisation-day (the
outbox key makes a second one impossible). The quotas themselves are tickets' upload policy
(`tickets.services.uploads`); the alert is a mail, so it lives here, below every channel that
stores files (portal, back-office, email).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import Customer
from notifications.services.emails import render
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import coordinators, staff_recipient
from tickets.models import Ticket
from tickets.services.uploads import (
    QuotaUse,
    UploadRefused,
    customer_day_stored_bytes,
    local_day,
    quota_problem,
    ticket_stored_bytes,
)


@transaction.atomic
def upload_quota_alert(
    *, customer: Customer, ticket: Ticket | None, scope: str, now: datetime
) -> int:
    """Tell every support coordinator, once per ticket (scope "ticket") or once per organisation
    and local day (scope "day"), that a storage quota is reached. Returns the mails written."""
    _start, _end, day = local_day(now)
    if scope == "ticket" and ticket is not None:
        key = f"upload-quota:ticket:{ticket.pk}"
        quota = settings.UPLOAD_QUOTA_PER_TICKET_BYTES
    else:
        key = f"upload-quota:customer:{customer.pk}:{day}"
        quota = settings.UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES
    written = 0
    for user in coordinators():
        recipient = staff_recipient(user, "support coordinator")
        with override(recipient.language):  # issue #11 §2: in the coordinator's language
            subject, facts = _quota_alert_text(
                customer=customer, ticket=ticket, scope=scope, day=day, quota=quota
            )
            email = render(
                language=recipient.language,
                recipient=recipient,
                subject=subject,
                heading=subject,
                intro=_(
                    "Further files are refused (email attachments are kept in the raw "
                    "message only) until the quota allows them again."
                ),
                facts=facts,
            )
        if outbox_enqueue(key=f"{key}:{user.pk}", email=email, now=now, ticket=ticket):
            written += 1
    return written


def _quota_alert_text(
    *, customer: Customer, ticket: Ticket | None, scope: str, day: str, quota: int
) -> tuple[str, list[tuple[str, str]]]:
    """The alert's subject and facts, in the active language."""
    if scope == "ticket" and ticket is not None:
        subject = _("[%(customer)s] ticket %(number)s reached its storage quota") % {
            "customer": customer.name,
            "number": ticket.number,
        }
    else:
        subject = _("[%(customer)s] daily upload quota reached on %(day)s") % {
            "customer": customer.name,
            "day": day,
        }
    facts = [
        (_("Customer"), customer.name),
        (_("Quota"), str(filesizeformat(quota))),
    ]
    if ticket is not None:
        facts.append((_("Ticket"), f"{ticket.number} {ticket.subject}"))
    return subject, facts


def upload_quota_check(
    *, customer: Customer, ticket: Ticket | None, sizes: Sequence[int], now: datetime
) -> None:
    """Refuse uploads that do not fit a quota (UploadRefused); the coordinators are alerted
    once, and that alert stays written although the upload is refused: call it before the
    transaction that stores (the forms do, in their validation)."""
    incoming = sum(sizes)
    if incoming <= 0:
        return
    problem = quota_problem(customer=customer, ticket=ticket, incoming=incoming, now=now)
    if problem is None:
        return
    upload_quota_alert(customer=customer, ticket=ticket, scope=problem.scope, now=now)
    raise UploadRefused(problem.message)


def quota_reached_alert(
    *, customer: Customer, ticket: Ticket | None, now: datetime, use: QuotaUse | None = None
) -> None:
    """After storing: alert once for each quota the stored bytes have now reached. `use`:
    what is stored now, when the caller kept count."""
    ticket_bytes = use.ticket_bytes if use else ticket_stored_bytes(ticket.pk if ticket else None)
    if ticket is not None and ticket_bytes >= settings.UPLOAD_QUOTA_PER_TICKET_BYTES:
        upload_quota_alert(customer=customer, ticket=ticket, scope="ticket", now=now)
    day_bytes = use.day_bytes if use else customer_day_stored_bytes(customer.pk, now)
    if day_bytes >= settings.UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES:
        upload_quota_alert(customer=customer, ticket=ticket, scope="day", now=now)
