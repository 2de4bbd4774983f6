"""The queue's date drill-down (issue #16): years, months and days of registration, without
reading the tickets.

Django's date_hierarchy lists the dates that hold rows of the filtered list: a DISTINCT over
every matching ticket (at 100,000 tickets a scan of the table, or of a year of it, on each
page). Here the choices are the calendar's, between the first and the last registration the
user may see: one query for both ends, each read from the registration index. A date
without tickets opens an empty list. The links and the template are Django's, so the page
looks and filters the same (the filter itself is an indexed range on `created_at`).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import User
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from contracts.staff_scope import staff_rows
from tickets.models import Ticket


def _registered_between(user: User) -> tuple[date, date] | None:
    """The local dates of the first and the last registration the user may see."""
    rows = staff_rows(user, Ticket.objects.all())
    ends = rows.aggregate(first=Min("created_at"), last=Max("created_at"))
    if ends["first"] is None:
        return None
    return timezone.localdate(ends["first"]), timezone.localdate(ends["last"])


def _month_title(day: date) -> str:
    return capfirst(formats.date_format(day, "YEAR_MONTH_FORMAT"))


def _day_title(day: date) -> str:
    return capfirst(formats.date_format(day, "MONTH_DAY_FORMAT"))


def queue_date_hierarchy(cl: ChangeList, user: User) -> dict[str, Any]:
    """The context of admin/date_hierarchy.html, as Django's date_hierarchy tag gives it."""
    field = cl.date_hierarchy
    year_field, month_field, day_field = (f"{field}__{part}" for part in ("year", "month", "day"))
    year, month, day = (cl.params.get(f) for f in (year_field, month_field, day_field))

    def link(filters: dict[str, Any]) -> str:
        return cl.get_query_string(filters, [f"{field}__"])

    if year and month and day:
        chosen = date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": _month_title(chosen),
            },
            "choices": [{"title": _day_title(chosen)}],
        }
    span = _registered_between(user)
    if span is None:
        return {"show": False}
    first, last = span
    if not year and first.year == last.year:
        year = str(first.year)
        if first.month == last.month:
            month = str(first.month)
    if year and month:
        y, m = int(year), int(month)
        days = [date(y, m, d) for d in range(1, calendar.monthrange(y, m)[1] + 1)]
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": year},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d.day}),
                    "title": _day_title(d),
                }
                for d in days
                if first <= d <= last
            ],
        }
    if year:
        y = int(year)
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m}),
                    "title": _month_title(date(y, m, 1)),
                }
                for m in range(1, 13)
                if (first.year, first.month) <= (y, m) <= (last.year, last.month)
            ],
        }
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: str(y)}), "title": str(y)}
            for y in range(first.year, last.year + 1)
        ],
    }
