"""Azure Event Management events in and out (SPEC §2.7); the rules are the planning service's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.filters import ID_MAX
from api.serializers.base import ApiSerializer
from api.serializers.tickets import ContractRefSerializer
from contracts.models import AemEventStatus


class AemEventOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    contract = ContractRefSerializer()
    solution = serializers.CharField()
    is_retail = serializers.BooleanField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    confirmed_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=AemEventStatus.choices)
    short_notice = serializers.BooleanField()
    agreed_at = serializers.DateTimeField(allow_null=True)
    has_assessment = serializers.BooleanField()
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()
    summary_sent_at = serializers.DateTimeField(allow_null=True)


class AemEventCreateInputSerializer(ApiSerializer):
    contract = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    solution = serializers.CharField(max_length=200)
    is_retail = serializers.BooleanField(required=False, default=False)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    confirmed_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When the customer confirmed the event in writing; empty: now."),
    )
    notes = serializers.CharField(max_length=10_000, required=False, default="", allow_blank=True)


class AemCaseSerializer(ApiSerializer):
    ticket = serializers.IntegerField()
    number = serializers.CharField()
    subject = serializers.CharField()
    severity = serializers.CharField()
    opened_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    is_open = serializers.BooleanField()
    response_met = serializers.BooleanField(
        allow_null=True, help_text=_("Null: no response target, or still due.")
    )


class AemSummarySerializer(ApiSerializer):
    event = serializers.IntegerField()
    opened = serializers.IntegerField()
    still_open = serializers.IntegerField()
    response_met = serializers.IntegerField()
    response_missed = serializers.IntegerField()
    cases = AemCaseSerializer(many=True)
