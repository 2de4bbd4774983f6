"""Billing months: the local month of a moment, closing a month, the next open month."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contracts.models import Provider
from notifications.services.recipients import COORDINATOR_GROUP
from usage.exceptions import BillingRefused
from usage.models import BillingMonth


def display_zone() -> ZoneInfo:
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


def month_start(value: date) -> date:
    return value.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_of_moment(moment: datetime) -> date:
    return moment.astimezone(display_zone()).date().replace(day=1)


def open_month_from(*, provider_id: int, month: date) -> date:
    """`month` itself when open, else the first open month after it (a correction lands there)."""
    closed = set(
        BillingMonth.objects.filter(provider_id=provider_id, month__gte=month).values_list(
            "month", flat=True
        )
    )
    while month in closed:
        month = next_month(month)
    return month


def is_coordinator(user: User) -> bool:
    if not user.is_active:
        return False
    return bool(user.is_superuser or user.groups.filter(name=COORDINATOR_GROUP).exists())


@transaction.atomic
def billing_month_close(
    *, provider: Provider, month: date, by: User, now: datetime
) -> BillingMonth:
    """Freeze a provider's month: later changes to its tickets land in the next open month."""
    month = month_start(month)
    if not is_coordinator(by):
        raise BillingRefused(_("Only a support coordinator can close a billing month."))
    if next_month(month) > month_of_moment(now):
        raise BillingRefused(
            _("%(month)s is not over yet; a month can be closed once it has ended.")
            % {"month": month.strftime("%Y-%m")}
        )
    try:
        with transaction.atomic():
            return BillingMonth.objects.create(
                provider=provider, month=month, closed_at=now, closed_by=by
            )
    except IntegrityError as exc:
        raise BillingRefused(
            _("%(month)s is already closed.") % {"month": month.strftime("%Y-%m")}
        ) from exc
