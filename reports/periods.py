"""The period of a review pack: a month (`2026-11`), a quarter (`2026-Q3`) or a custom range
(`2026-01-15..2026-03-01`, the end day not included), and the previous period of equal
length that the pack revisits (REP-04).

Periods are calendar days of the display zone (Europe/Amsterdam); their bounds as moments are
local midnights, so a ticket at 00:30 on the first of a month counts in that month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from contracts.exceptions import DomainError

LONGEST = timedelta(days=731)  # two years: the bench's year and a little more
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


class PeriodInvalid(DomainError):
    """The period text is not a month, a quarter or a range; the message says what is."""

    code = "period_invalid"


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def display_zone() -> ZoneInfo:
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the first day after the period
    kind: str  # "month", "quarter" or "custom"

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=display_zone())

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time(0), tzinfo=display_zone())

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def whole_months(self) -> int:
        """How many calendar months the period spans when it runs from a first to a first."""
        if self.start.day != 1 or self.end.day != 1:
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    @property
    def text(self) -> str:
        """The period as it is asked for (`2026-11`, `2026-Q3`, `2026-01-15..2026-03-01`)."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def label(self) -> str:
        """The period in words, in the active language."""
        if self.kind == "month":
            return formats.date_format(self.start, "F Y")
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": self.start.year}
        return _("%(first)s to %(last)s") % {
            "first": formats.date_format(self.start, "j F Y"),
            "last": formats.date_format(self.last_day, "j F Y"),
        }

    def months(self) -> list[date]:
        """The first days of the calendar months the period touches."""
        months, month = [], self.start.replace(day=1)
        while month < self.end:
            months.append(month)
            month = month_add(month, 1)
        return months

    def previous(self) -> Period:
        """The period of equal length just before: the month, quarter or as many whole months
        before, else as many days."""
        months = self.whole_months
        if months:
            return Period(month_add(self.start, -months), self.start, self.kind)
        return Period(self.start - (self.end - self.start), self.start, self.kind)

    def following(self) -> Period:
        """The period of equal length just after (for "next" links)."""
        months = self.whole_months
        if months:
            return Period(self.end, month_add(self.end, months), self.kind)
        return Period(self.end, self.end + (self.end - self.start), self.kind)

    def is_closed(self, today: date) -> bool:
        """Over: its last day has passed (a closed period's pack is stored)."""
        return self.end <= today


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodInvalid(_("“%(day)s” is not a date; use YYYY-MM-DD.") % {"day": text}) from None


def _checked(period: Period) -> Period:
    if not (period.start.year >= 2000 and period.end.year <= 2999):
        raise PeriodInvalid(_("Choose a period between the years 2000 and 2999."))
    if period.end <= period.start:
        raise PeriodInvalid(_("The end of the period must come after its start."))
    if period.end - period.start > LONGEST:
        raise PeriodInvalid(_("A period can be two years long at most."))
    return period


def period_parse(text: str) -> Period:
    """`2026-11`, `2026-Q3` or `2026-01-15..2026-03-01` (end day not included)."""
    text = (text or "").strip()
    if found := _MONTH.match(text):
        year, month = int(found[1]), int(found[2])
        if 1 <= month <= 12 and year >= 1:
            first = date(year, month, 1)
            return _checked(Period(first, month_add(first, 1), "month"))
    elif found := _QUARTER.match(text):
        first = date(int(found[1]) or 1, 3 * int(found[2]) - 2, 1)
        return _checked(Period(first, month_add(first, 3), "quarter"))
    elif found := _RANGE.match(text):
        return _checked(Period(_day(found[1]), _day(found[2]), "custom"))
    raise PeriodInvalid(
        _(
            "“%(period)s” is not a period; use a month (2026-11), a quarter (2026-Q3) or "
            "a range of days (2026-01-15..2026-03-01, the last day not included)."
        )
        % {"period": text}
    )


def period_or_default(text: str | None, default: Period) -> tuple[Period, str]:
    """The period asked for in a page's query, or `default` with the reason the text is none
    (empty when nothing was asked)."""
    if not (text or "").strip():
        return default, ""
    try:
        return period_parse(text or ""), ""
    except PeriodInvalid as exc:
        return default, str(exc)


def month_period(month: date) -> Period:
    first = month.replace(day=1)
    return Period(first, month_add(first, 1), "month")


def last_month(today: date) -> Period:
    return month_period(month_add(today.replace(day=1), -1))


def period_of(start: date, end: date) -> Period:
    """[start, end) as a month or a quarter when it is one, else a custom period."""
    kind = "custom"
    if start.day == 1 and end.day == 1:
        if end == month_add(start, 1):
            kind = "month"
        elif end == month_add(start, 3) and start.month % 3 == 1:
            kind = "quarter"
    return _checked(Period(start, end, kind))
