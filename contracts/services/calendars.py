"""Calendar revisions (DECISIONS D1, D3): a coordinator's edit never changes a stored row.

Saving adds a row in the same release with the same code and revision + 1; it becomes the
current revision, which new tickets freeze (`contracts.selectors.calendar_revision_current`).
Tickets that froze an older revision keep it: nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.calendars import (
    calendar_spec_normalized,
    calendar_spec_of,
    calendar_spec_problems,
)
from contracts.exceptions import CalendarRevisionInvalid
from contracts.models import BusinessCalendar
from contracts.selectors import calendar_revision_cache_clear


@transaction.atomic
def calendar_revise(
    *,
    calendar: BusinessCalendar,
    hours: Mapping[str, Sequence[Sequence[str]]],
    holiday_country: str,
    holiday_subdivision: str,
    holiday_categories: Iterable[str],
    extra_closures: Iterable[date | str],
    removals: Iterable[date | str],
    note: str,
    now: datetime,
    actor: User | None,
    holiday_remove_names: Iterable[str] | None = None,
) -> BusinessCalendar:
    """Add revision + 1 of `calendar` with the given hours and holiday source.

    `holiday_remove_names` None keeps the current revision's. Raises CalendarRevisionInvalid
    listing every problem; only the current revision can be revised."""
    if timezone.is_naive(now):
        raise ValueError("now must be an aware datetime (D2)")
    current = _current_locked(calendar)
    spec = _spec(
        current,
        hours=hours,
        holidays={
            "country": holiday_country.strip().upper(),
            "subdivision": holiday_subdivision.strip(),
            "categories": [c.strip() for c in holiday_categories if c.strip()],
            "remove_names": current.holiday_remove_names
            if holiday_remove_names is None
            else [n.strip() for n in holiday_remove_names if n.strip()],
            "extra_closures": list(extra_closures),
            "removals": list(removals),
        },
    )
    problems = [] if note.strip() else [_("a reason for the revision is required")]
    problems += calendar_spec_problems(spec)
    if problems:
        raise CalendarRevisionInvalid(problems)
    spec = calendar_spec_normalized(spec)
    if spec == calendar_spec_normalized(calendar_spec_of(current)):
        raise CalendarRevisionInvalid(
            [
                _("nothing changed: the values equal revision %(revision)s of %(code)s")
                % {"revision": current.revision, "code": current.code}
            ]
        )
    # The partial unique constraint allows one current revision: drop the flag first.
    BusinessCalendar.objects.filter(pk=current.pk).update(is_current_revision=False)
    revision = _revision_create(current, spec, note=note.strip(), now=now, actor=actor)
    calendar_revision_cache_clear()
    transaction.on_commit(calendar_revision_cache_clear)
    return revision


def _current_locked(calendar: BusinessCalendar) -> BusinessCalendar:
    current = (
        BusinessCalendar.objects.select_for_update()
        .filter(release_id=calendar.release_id, code=calendar.code, is_current_revision=True)
        .first()
    )
    if current is None or current.pk != calendar.pk:
        if current is None:
            problem = _(
                "revision %(revision)s of calendar %(code)s is no longer current "
                "(another revision is); old revisions are read-only, revise the current one"
            ) % {"revision": calendar.revision, "code": calendar.code}
        else:
            problem = _(
                "revision %(revision)s of calendar %(code)s is no longer current "
                "(revision %(latest)s is); old revisions are read-only, revise the current one"
            ) % {"revision": calendar.revision, "code": calendar.code, "latest": current.revision}
        raise CalendarRevisionInvalid([problem])
    return current


def _spec(
    current: BusinessCalendar, *, hours: Mapping[str, Any], holidays: dict[str, Any]
) -> dict[str, Any]:
    return {
        "code": current.code,
        "name": current.name,
        "timezone": current.timezone,
        "always_open": current.always_open,
        "hours": {key: [list(i) for i in intervals] for key, intervals in hours.items()},
        "holidays": holidays,
    }


def _revision_create(
    current: BusinessCalendar, spec: dict[str, Any], *, note: str, now: datetime, actor: Any
) -> BusinessCalendar:
    holidays = spec["holidays"]
    return BusinessCalendar.objects.create(
        release_id=current.release_id,
        code=current.code,
        name=current.name,
        timezone=current.timezone,
        always_open=current.always_open,
        hours=spec["hours"],
        holiday_country=holidays["country"],
        holiday_subdivision=holidays["subdivision"],
        holiday_categories=holidays["categories"],
        holiday_remove_names=holidays["remove_names"],
        extra_closures=holidays["extra_closures"],
        removals=holidays["removals"],
        revision=current.revision + 1,
        is_current_revision=True,
        revised_at=now,
        revised_by=actor,
        revision_note=note,
    )
