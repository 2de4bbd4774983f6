"""Portal text helpers: durations in words in the page's language (issue #11 §5).

Plural forms are chosen here (one vs. more) with two msgids each, because the translation
workflow has no plural entries; Dutch and English both use the singular for exactly one.
"""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def _count(value: int, one: str, many: str) -> str:
    return (one if value == 1 else many) % {"count": value}


def _parts(total_minutes: int) -> list[str]:
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_count(days, _("%(count)s day"), _("%(count)s days")))
    if hours:
        parts.append(_count(hours, _("%(count)s hour"), _("%(count)s hours")))
    if minutes:
        parts.append(_count(minutes, _("%(count)s minute"), _("%(count)s minutes")))
    return parts


def duration_in_words(value: timedelta | None) -> str:
    """``timedelta(hours=2, minutes=5)`` -> "2 hours and 5 minutes" ("2 uur en 5 minuten").

    Whole minutes, rounded down; days, hours and minutes that are zero are left out."""
    seconds = int(value.total_seconds()) if value is not None else 0
    if seconds <= 0:
        return _("no time yet")
    if seconds < _MINUTE:
        return _("less than a minute")
    parts = _parts(seconds // _MINUTE)
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


@register.filter(name="duration_words")
def duration_words(value: timedelta | None) -> str:
    return duration_in_words(value)
