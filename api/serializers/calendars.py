"""Calendars in and out (issue #12 §2). The times a caller sends must say their offset from UTC:
a naive time is refused, never guessed (D2). Bounds keep every calculation short: times
between 1970 and 2100, budgets and ranges of at most ten years."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import EARLIEST, LATEST, RANGE_MESSAGE, ApiSerializer
from api.serializers.contracts import ProviderRefSerializer

# Ten years of 365.25 days: a bigger budget or range is refused, so no request walks the
# calendar for long (a 45-hour week takes about 0.3 s for the largest budget).
LONGEST = timedelta(days=3653)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time with its offset (`+02:00` or `Z`), between 1970 and 2100."""

    default_error_messages = {
        "naive": _(
            "Give the time with its offset from UTC, such as 2026-04-03T09:00:00+02:00 or "
            "2026-04-03T07:00:00Z: a time without one is ambiguous."
        ),
        "range": RANGE_MESSAGE,
    }

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # the field's own message says what is wrong
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        if isinstance(value, datetime) and value.utcoffset() is None:
            self.fail("naive")
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment < LATEST:
            self.fail("range")
        return moment


class OpeningSerializer(ApiSerializer):
    day = serializers.ChoiceField(choices=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    opens = serializers.CharField(help_text=_("Wall time in the calendar's zone, HH:MM."))
    closes = serializers.CharField(help_text=_("Wall time, HH:MM; 24:00 is midnight."))


class ClosedDaySerializer(ApiSerializer):
    date = serializers.DateField()
    name = serializers.CharField(help_text=_("The holiday's name, in the caller's language."))


class CalendarOutputSerializer(ApiSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    provider = ProviderRefSerializer()
    timezone = serializers.CharField()
    always_open = serializers.BooleanField(help_text=_("Day and night: real elapsed time."))
    revision = serializers.IntegerField(help_text=_("The current revision, used for new work."))
    opening_hours = OpeningSerializer(many=True)


class CalendarDetailOutputSerializer(CalendarOutputSerializer):
    closed_days = ClosedDaySerializer(
        many=True,
        help_text=_(
            "Closed days from today to the end of next year on which the weekly hours would open."
        ),
    )


class DeadlineInputSerializer(ApiSerializer):
    start = AwareDateTimeField()
    budget = serializers.IntegerField(
        min_value=0,
        max_value=int(LONGEST.total_seconds()),
        help_text=_(
            "Business time in whole seconds (4 hours: 14400), at most ten years. Zero gives the "
            "next opening."
        ),
    )


class DeadlineOutputSerializer(ApiSerializer):
    calendar = serializers.CharField()
    revision = serializers.IntegerField()
    start = serializers.DateTimeField()
    budget = serializers.IntegerField()
    due = serializers.DateTimeField(
        help_text=_("The earliest moment the budget is used up; at closing time if it fills then.")
    )


class BusinessTimeInputSerializer(ApiSerializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField(help_text=_("Not before the start, at most ten years after it."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end is before the start.")]})
        if attrs["end"] - attrs["start"] > LONGEST:
            raise serializers.ValidationError({"end": [_("Ask for at most ten years at a time.")]})
        return attrs


class BusinessTimeOutputSerializer(ApiSerializer):
    calendar = serializers.CharField()
    revision = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    seconds = serializers.FloatField(
        help_text=_("Business time between start and end, in seconds (to the microsecond).")
    )
