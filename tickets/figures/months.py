"""The display zone's calendar months, as the dashboard and its roll-up count them (D9)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings

# A month is rolled up this long after it ended (tickets.figures_marks says why).
ROLLUP_GRACE = timedelta(minutes=15)


def display_zone() -> ZoneInfo:
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_start(month: date, zone: tzinfo) -> datetime:
    return datetime.combine(month.replace(day=1), time(0), tzinfo=zone)


def month_of(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date().replace(day=1)


def month_is_over(month: date, zone: tzinfo, now: datetime) -> bool:
    """Over long enough to be rolled up."""
    return month_start(month_add(month, 1), zone) + ROLLUP_GRACE <= now


def zone_name(zone: tzinfo) -> str | None:
    """The key of a zone the roll-up can hold (a ZoneInfo), else None: counted live."""
    return zone.key if isinstance(zone, ZoneInfo) else None
