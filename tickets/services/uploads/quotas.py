"""How much per ticket and per day (issue #10 §4): the stored bytes of a ticket
(``UPLOAD_QUOTA_PER_TICKET_BYTES``) and of an organisation in one local day
(``UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES``) are bounded, counted from the stored attachments
(email included). When a quota is reached or an upload would pass it, every support coordinator
gets one alert per ticket / per organisation-day: that is a mail, so it is written by
`notifications.services.upload_alerts`, above this layer.

Email attachments are never refused (nothing is lost; the raw mail keeps them): those over a
quota are noted on the message instead (`intake.services.attachments`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from contracts.models import Customer
from tickets.models import Attachment, Ticket


def local_day(now: datetime) -> tuple[datetime, datetime, str]:
    """Start and end of `now`'s day in the display time zone, and the date as text."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    today = now.astimezone(zone).date()
    start = datetime(today.year, today.month, today.day, tzinfo=zone)
    tomorrow = today + timedelta(days=1)
    end = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
    return start, end, today.isoformat()


def _on_ticket(ticket_id: int) -> QuerySet[Attachment]:
    return Attachment.objects.filter(ticket_id=ticket_id)


def _on_customer_day(customer_id: int, now: datetime) -> QuerySet[Attachment]:
    start, end, _day = local_day(now)
    return Attachment.objects.filter(
        ticket__customer_id=customer_id, stored_at__gte=start, stored_at__lt=end
    )


def ticket_stored_bytes(ticket_id: int | None) -> int:
    if ticket_id is None:
        return 0
    return int(_on_ticket(ticket_id).aggregate(s=Sum("size"))["s"] or 0)


def customer_day_stored_bytes(customer_id: int, now: datetime) -> int:
    return int(_on_customer_day(customer_id, now).aggregate(s=Sum("size"))["s"] or 0)


@dataclass(frozen=True)
class QuotaProblem:
    scope: str  # "ticket" or "day"
    message: str


@dataclass
class QuotaUse:
    """What a ticket and its organisation's day hold already; a caller storing several files
    counts each stored one in (`add`) instead of asking the database again."""

    ticket_bytes: int
    day_bytes: int

    def add(self, size: int) -> None:
        self.ticket_bytes += size
        self.day_bytes += size


def _bytes(attachments: QuerySet[Attachment], group: str) -> Coalesce:
    """The attachments' stored bytes as a subquery (0 when there are none)."""
    total = attachments.order_by().values(group).annotate(total=Sum("size")).values("total")
    return Coalesce(Subquery(total), 0)


def quota_use(*, customer: Customer, ticket: Ticket | None, now: datetime) -> QuotaUse:
    """What the ticket and the organisation's day hold, both sums in one query (the same
    counts as ticket_stored_bytes and customer_day_stored_bytes)."""
    on_ticket = _bytes(_on_ticket(ticket.pk), "ticket_id") if ticket is not None else Value(0)
    day = _bytes(_on_customer_day(customer.pk, now), "ticket__customer_id")
    row = Customer.objects.filter(pk=customer.pk).values_list(on_ticket, day).get()
    return QuotaUse(int(row[0]), int(row[1]))


def quota_problem(
    *,
    customer: Customer,
    ticket: Ticket | None,
    incoming: int,
    now: datetime,
    use: QuotaUse | None = None,
) -> QuotaProblem | None:
    """Would `incoming` more bytes pass the ticket's or the organisation's daily quota?
    `use`: what is stored already, when the caller knows it."""
    ticket_quota = settings.UPLOAD_QUOTA_PER_TICKET_BYTES
    used = use.ticket_bytes if use else ticket_stored_bytes(ticket.pk if ticket else None)
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
    used = use.day_bytes if use else customer_day_stored_bytes(customer.pk, now)
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
