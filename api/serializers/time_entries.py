"""Time on tickets in and out (issue 14 §1): entries, the coordinator's billable decision and
the running timer. Serializers only shape and check types; every rule is the service's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from api.serializers.calendars import AwareDateTimeField
from api.serializers.ticket_actions import PersonSerializer
from tickets.models import OVERRIDE_REASON_MAX, TimeCategory
from tickets.models.work import MINUTES_PER_ENTRY_MAX


class TimeEntryInputSerializer(ApiSerializer):
    started_at = AwareDateTimeField()
    minutes = serializers.IntegerField(min_value=1, max_value=MINUTES_PER_ENTRY_MAX)
    category = serializers.ChoiceField(choices=TimeCategory.choices)
    distance_km = serializers.IntegerField(
        required=False,
        default=None,
        allow_null=True,
        help_text=_("Kilometres travelled one way: required for travel, refused otherwise."),
    )
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class TimeEntryOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    user = PersonSerializer()
    started_at = serializers.DateTimeField()
    minutes = serializers.IntegerField()
    ended_at = serializers.DateTimeField()
    category = serializers.ChoiceField(choices=TimeCategory.choices)
    distance_km = serializers.IntegerField(allow_null=True)
    billable_override = serializers.BooleanField(
        allow_null=True,
        help_text=_(
            "Null: the contract's rules decide whether this time is billed; true or false: "
            "a coordinator decided so, for the reason given."
        ),
    )
    billable_override_reason = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class BillableOverrideInputSerializer(ApiSerializer):
    billable = serializers.BooleanField(
        allow_null=True,
        help_text=_("True or false: billed or not, whatever the rules; null: the rules decide."),
    )
    reason = serializers.CharField(max_length=OVERRIDE_REASON_MAX)


class TimerOutputSerializer(ApiSerializer):
    running = serializers.BooleanField()
    started_at = serializers.DateTimeField(allow_null=True)


class TimerStopInputSerializer(ApiSerializer):
    category = serializers.ChoiceField(choices=TimeCategory.choices)
    distance_km = serializers.IntegerField(
        required=False,
        default=None,
        allow_null=True,
        help_text=_("Kilometres travelled one way: required for travel, refused otherwise."),
    )
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
