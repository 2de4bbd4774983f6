"""The on-call rota and its pages out (issue #13 §1). Shapes only; staff only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from api.serializers.contracts import ProviderRefSerializer
from api.serializers.escalations import TicketRefSerializer
from api.serializers.tickets import PartySerializer
from escalation.models import StepRole


class OnCallShiftOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    provider = ProviderRefSerializer()
    package_code = serializers.CharField(help_text=_("Empty: all of the provider's packages."))
    user = PartySerializer()
    position = serializers.IntegerField(help_text=_("1 is paged first, then 2, and so on."))
    phone = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class OnCallStepOutputSerializer(ApiSerializer):
    number = serializers.IntegerField()
    role = serializers.ChoiceField(choices=StepRole.choices)
    user = PartySerializer(allow_null=True)
    name = serializers.CharField()
    email = serializers.CharField()
    paged_at = serializers.DateTimeField()
    pager_sent_at = serializers.DateTimeField(allow_null=True)


class OnCallPageOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    ticket = TicketRefSerializer()
    reason = serializers.CharField()
    opened_at = serializers.DateTimeField()
    step = serializers.IntegerField(help_text=_("The step paged last."))
    next_step_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the next person is paged if nobody acknowledges.")
    )
    rota_gap = serializers.BooleanField(help_text=_("Nobody was on the rota when paging."))
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = PartySerializer(allow_null=True)
    steps = OnCallStepOutputSerializer(many=True)
