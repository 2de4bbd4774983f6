"""Demo: the on-call rota (issue #13 §1) of the providers that promise help at any hour
(Microsoft's 24x7 targets, CBG Extra's business-critical line, Websitenazorg's emergencies).

Week-long turns handed over on Mondays at 09:00 (Amsterdam), from last week to five weeks
ahead: Sara (second line) and Stefan (service support manager) take turns as primary, the other
as backup. One night in Microsoft's fourth week is left open, so the provider page, the
contracts that rely on it and the rota's grid show what a gap looks like."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User

from contracts.models import OnCallShift, Provider

PROVIDERS = ("microsoft", "cbg", "websitenazorg")
PEOPLE = ("secondline", "ssm")
WEEKS = 6
PHONES = {"secondline": "+31 6 1000 0001", "ssm": "+31 6 1000 0002"}


def _monday_9(now: datetime) -> datetime:
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, time(9, 0), tzinfo=zone)


def _turns(start: datetime, gap: bool) -> list[tuple[datetime, datetime, int, int]]:
    """(start, end, primary index, week number); the fourth week split around one night."""
    turns = []
    for week in range(WEEKS):
        begin = start + timedelta(weeks=week)
        end = start + timedelta(weeks=week + 1)
        primary = week % 2
        if gap and week == 4:  # Saturday 00:00-08:00 of that week has nobody on call
            night = begin + timedelta(days=4, hours=15)
            turns += [
                (begin, night, primary, week),
                (night + timedelta(hours=8), end, primary, week),
            ]
        else:
            turns.append((begin, end, primary, week))
    return turns


def oncall_demo(*, staff: dict[str, User], now: datetime, counts: Counter[str]) -> None:
    people = [staff[name] for name in PEOPLE if name in staff]
    if len(people) < len(PEOPLE):
        return
    start = _monday_9(now) - timedelta(weeks=1)
    for provider in Provider.objects.filter(code__in=PROVIDERS, oncall_shifts=None):
        shifts = []
        for begin, end, primary, _week in _turns(start, gap=provider.code == "microsoft"):
            for position, person in enumerate((people[primary], people[1 - primary]), start=1):
                shifts.append(
                    OnCallShift(
                        provider=provider,
                        user=person,
                        position=position,
                        phone=PHONES[person.get_username()],
                        starts_at=begin,
                        ends_at=end,
                    )
                )
        OnCallShift.objects.bulk_create(shifts)
        counts["on-call shifts"] += len(shifts)
