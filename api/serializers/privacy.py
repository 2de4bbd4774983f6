"""Data-subject requests in and out (issue #15 §3): counts, never the erased data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.filters import ID_MAX
from api.serializers.base import ApiSerializer
from api.serializers.calendars import AwareDateTimeField
from api.serializers.contracts import StaffRefSerializer
from privacy.models import ReceivedVia, RequestKind, RequestStatus


class SubjectRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text=_("After an erasure: the pseudonym."))
    email = serializers.CharField()


class CustomerRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DataSubjectRequestOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    subject = SubjectRefSerializer()
    customer = CustomerRefSerializer()
    received_at = serializers.DateTimeField()
    received_via = serializers.ChoiceField(choices=ReceivedVia.choices)
    note = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    recorded_by = StaffRefSerializer(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_by = StaffRefSerializer(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    result = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Per table, how many rows were erased or exported."),
    )
    export_available = serializers.BooleanField()
    export_expires_at = serializers.DateTimeField(allow_null=True)


class DataSubjectRequestCreateInputSerializer(ApiSerializer):
    contact = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    received_at = AwareDateTimeField()
    received_via = serializers.ChoiceField(choices=ReceivedVia.choices)
    note = serializers.CharField(max_length=10_000, required=False, default="", allow_blank=True)


class ErasureConfirmInputSerializer(ApiSerializer):
    reference = serializers.CharField(
        max_length=12, help_text=_("The request's reference, typed to confirm the erasure.")
    )
