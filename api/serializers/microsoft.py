"""Microsoft work orders in use, in and out (issue 14 §2, D20): services requested against the
proactive credits, their cancellations and reschedulings with the fee, credit rates, exchanges
between services and between support locations. Shapes only: every rule is usage's services'."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from api.serializers.usage import RefSerializer
from contracts.models import LocationRole, RequestChangeKind, ServiceRequestStatus

CREDITS: dict[str, Any] = {"max_digits": 10, "decimal_places": 2}


class ServiceRefSerializer(ApiSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LocationRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    country = serializers.CharField()


class RequestChangeOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RequestChangeKind.choices)
    old_date = serializers.DateField()
    new_date = serializers.DateField(allow_null=True)
    chargeable = serializers.BooleanField(
        help_text=_("Less than 14 days before the first delivery day: Microsoft may charge.")
    )
    fee_max = serializers.DecimalField(allow_null=True, **CREDITS)
    fee = serializers.DecimalField(allow_null=True, **CREDITS)
    changed_at = serializers.DateTimeField()


class ServiceRequestOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    service = ServiceRefSerializer()
    location = LocationRefSerializer(allow_null=True)
    quantity = serializers.IntegerField()
    credits = serializers.DecimalField(**CREDITS)
    first_delivery_date = serializers.DateField()
    status = serializers.ChoiceField(choices=ServiceRequestStatus.choices)
    late = serializers.BooleanField(help_text=_("Requested after the request deadline."))
    requested_at = serializers.DateTimeField()
    changes = RequestChangeOutputSerializer(many=True)


class ServiceRequestInputSerializer(ApiSerializer):
    service = serializers.SlugField(max_length=60, help_text=_("The catalogue service's code."))
    quantity = serializers.IntegerField(required=False, default=1, max_value=2**31 - 1)
    first_delivery_date = serializers.DateField()
    location = serializers.IntegerField(
        required=False,
        default=None,
        allow_null=True,
        min_value=1,
        help_text=_("The support location whose credits are used (multinational work orders)."),
    )


class RescheduleInputSerializer(ApiSerializer):
    first_delivery_date = serializers.DateField()


class FeeInputSerializer(ApiSerializer):
    fee = serializers.DecimalField(**CREDITS)


class ServiceRateOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    service = ServiceRefSerializer()
    contract_only = serializers.BooleanField(
        help_text=_("True: this work order's own rate; false: the provider's for every one.")
    )
    credits_per_unit = serializers.DecimalField(**CREDITS)
    price = serializers.DecimalField(allow_null=True, **CREDITS)
    valid_from = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()


class ServiceRateInputSerializer(ApiSerializer):
    service = serializers.SlugField(max_length=60, help_text=_("The catalogue service's code."))
    credits_per_unit = serializers.DecimalField(**CREDITS)
    price = serializers.DecimalField(required=False, default=None, allow_null=True, **CREDITS)
    valid_from = serializers.DateTimeField()


class ServiceExchangeInputSerializer(ApiSerializer):
    from_service = serializers.SlugField(max_length=60)
    to_service = serializers.SlugField(max_length=60)
    value = serializers.DecimalField(**CREDITS)
    approver = serializers.IntegerField(
        required=False,
        default=None,
        allow_null=True,
        min_value=1,
        help_text=_("The staff member of Service Delivery who approved the exchange."),
    )
    approved_on = serializers.DateField()


class ServiceExchangeOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    from_service = ServiceRefSerializer()
    to_service = ServiceRefSerializer()
    value = serializers.DecimalField(**CREDITS)
    approver = RefSerializer()
    approved_on = serializers.DateField()
    recorded_at = serializers.DateTimeField()


class SupportLocationOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    country = serializers.CharField()
    role = serializers.ChoiceField(choices=LocationRole.choices)
    currency = serializers.CharField()
    credit_rate = serializers.DecimalField(max_digits=12, decimal_places=4)
    credits_left = serializers.DecimalField(**CREDITS)


class SupportLocationInputSerializer(ApiSerializer):
    country = serializers.CharField(max_length=10, help_text=_("ISO 3166 code, e.g. NL."))
    role = serializers.ChoiceField(choices=LocationRole.choices)
    credit_rate = serializers.DecimalField(max_digits=12, decimal_places=4)
    currency = serializers.CharField(max_length=3, required=False, default="EUR")


class LocationExchangeInputSerializer(ApiSerializer):
    from_location = serializers.IntegerField(min_value=1)
    to_location = serializers.IntegerField(min_value=1)
    credits = serializers.DecimalField(**CREDITS)


class LocationExchangeOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    from_location = LocationRefSerializer()
    to_location = LocationRefSerializer()
    credits_given = serializers.DecimalField(**CREDITS)
    credits_received = serializers.DecimalField(**CREDITS)
    recorded_at = serializers.DateTimeField()
