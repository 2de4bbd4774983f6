"""How much per ticket and per day (issue #10 §4): the stored bytes of a ticket
(``UPLOAD_QUOTA_PER_TICKET_BYTES``) and of an organisation in one local day
(``UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES``) are bounded, counted from the stored attachments
(email included). When a quota is reached or an upload would pass it, every support coordinator
gets one alert per ticket / per organisation-day (the outbox key makes a second one impossible).

Email attachments are never refused (nothing is lost; the raw mail keeps them): those over a
quota are noted on the message instead (`intake.services.attachments`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import Customer
from escalation.selectors import COORDINATOR_GROUP, Recipient
from escalation.services.emails import render
from escalation.services.outbox import outbox_enqueue
from intake.models import InboundAttachment
from intake.services.uploads.filetypes import UploadRefused
from tickets.models import Ticket


def local_day(now: datetime) -> tuple[datetime, datetime, str]:
    """Start and end of `now`'s day in the display time zone, and the date as text."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    today = now.astimezone(zone).date()
    start = datetime(today.year, today.month, today.day, tzinfo=zone)
    tomorrow = today + timedelta(days=1)
    end = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
    return start, end, today.isoformat()


def ticket_stored_bytes(ticket_id: int | None) -> int:
    if ticket_id is None:
        return 0
    total = InboundAttachment.objects.filter(ticket_id=ticket_id).aggregate(s=Sum("size"))["s"]
    return int(total or 0)


def customer_day_stored_bytes(customer_id: int, now: datetime) -> int:
    start, end, _day = local_day(now)
    total = InboundAttachment.objects.filter(
        ticket__customer_id=customer_id, stored_at__gte=start, stored_at__lt=end
    ).aggregate(s=Sum("size"))["s"]
    return int(total or 0)


@dataclass(frozen=True)
class QuotaProblem:
    scope: str  # "ticket" or "day"
    message: str


def quota_problem(
    *, customer: Customer, ticket: Ticket | None, incoming: int, now: datetime
) -> QuotaProblem | None:
    """Would `incoming` more bytes pass the ticket's or the organisation's daily quota?"""
    ticket_quota = settings.UPLOAD_QUOTA_PER_TICKET_BYTES
    used = ticket_stored_bytes(ticket.pk if ticket else None)
    if used + incoming > ticket_quota:
        return QuotaProblem(
            "ticket",
            _(
                "The files (%(size)s) do not fit in the ticket's storage quota of %(quota)s "
                "(%(used)s already stored)."
            )
            % {
                "size": filesizeformat(incoming),
                "quota": filesizeformat(ticket_quota),
                "used": filesizeformat(used),
            },
        )
    day_quota = settings.UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES
    used = customer_day_stored_bytes(customer.pk, now)
    if used + incoming > day_quota:
        return QuotaProblem(
            "day",
            _(
                "The files (%(size)s) do not fit in %(customer)s's daily upload quota of "
                "%(quota)s (%(used)s already stored today); try again tomorrow or ask the "
                "service desk."
            )
            % {
                "size": filesizeformat(incoming),
                "customer": customer.name,
                "quota": filesizeformat(day_quota),
                "used": filesizeformat(used),
            },
        )
    return None


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
    coordinators = (
        get_user_model()
        .objects.filter(groups__name=COORDINATOR_GROUP, is_active=True)
        .exclude(email="")
        .distinct()
    )
    written = 0
    with override(settings.LANGUAGE_CODE):
        subject, facts = _quota_alert_text(
            customer=customer, ticket=ticket, scope=scope, day=day, quota=quota
        )
        for user in coordinators:
            recipient = Recipient("support coordinator", user.get_full_name(), user.email)
            email = render(
                language=settings.LANGUAGE_CODE,
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


def quota_reached_alert(*, customer: Customer, ticket: Ticket | None, now: datetime) -> None:
    """After storing: alert once for each quota the stored bytes have now reached."""
    if ticket is not None and ticket_stored_bytes(ticket.pk) >= (
        settings.UPLOAD_QUOTA_PER_TICKET_BYTES
    ):
        upload_quota_alert(customer=customer, ticket=ticket, scope="ticket", now=now)
    if customer_day_stored_bytes(customer.pk, now) >= settings.UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES:
        upload_quota_alert(customer=customer, ticket=ticket, scope="day", now=now)
