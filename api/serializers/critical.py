"""Serializers of a ticket's critical situation (SPEC §3.10, ESC-12, ESC-13, D8)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from api.serializers.ticket_actions import PersonSerializer
from escalation.services.executives import ExecutiveSide
from tickets.models import UpdateKind

BODY_MAX = 20_000


class CriticalResourceInputSerializer(ApiSerializer):
    user = serializers.IntegerField(
        help_text=_("The id of a staff member who may be assigned tickets.")
    )


class StatusUpdateInputSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=UpdateKind.choices)
    body = serializers.CharField(max_length=BODY_MAX)


class ExecutivesInputSerializer(ApiSerializer):
    side = serializers.ChoiceField(choices=ExecutiveSide.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ExecutiveNotificationSerializer(ApiSerializer):
    side = serializers.ChoiceField(choices=ExecutiveSide.choices)
    notified_at = serializers.DateTimeField()
    notified_by = PersonSerializer(allow_null=True)
    recipients = serializers.ListField(child=serializers.EmailField())


class CriticalSituationOutputSerializer(ApiSerializer):
    resource_offered = serializers.BooleanField()
    resource = PersonSerializer(allow_null=True)
    resource_assigned_at = serializers.DateTimeField(allow_null=True)
    effort_24x7_offered = serializers.BooleanField()
    effort_24x7_requested = serializers.BooleanField()
    executives_offered = serializers.ListField(
        child=serializers.ChoiceField(choices=ExecutiveSide.choices),
        help_text=_("Staff only (empty for a customer)."),
    )
    executives_notified = ExecutiveNotificationSerializer(
        many=True, help_text=_("Staff only (empty for a customer).")
    )
