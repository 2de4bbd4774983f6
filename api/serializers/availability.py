"""Monitored services, outages, planned maintenance and availability figures in and out
(SPEC §6, D22); the rules are availability's services and selectors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.filters import ID_MAX
from api.serializers.base import ApiSerializer
from api.serializers.escalations import TicketRefSerializer
from api.serializers.tickets import ContractRefSerializer
from api.serializers.usage import MonthField
from availability.models import ExclusionReason, MaintenanceStatus, ServiceKind, TargetBasis
from contracts.models import Hosting


def _percent(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, allow_null=True, **kwargs
    )


def _id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


class MonitoredServiceRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MonitoredServiceOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    contract = ContractRefSerializer()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    hosting = serializers.CharField()
    office_target_percent = _percent()
    outside_target_percent = _percent()
    max_interruptions = serializers.IntegerField(allow_null=True)
    target_basis = serializers.ChoiceField(choices=TargetBasis.choices)
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class MonitoredServiceCreateInputSerializer(ApiSerializer):
    contract = _id()
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    hosting = serializers.ChoiceField(
        choices=Hosting.choices,
        required=False,
        allow_blank=True,
        help_text=_("Left out: the contract's hosting. The targets follow from it."),
    )


class MonitoredServiceUpdateInputSerializer(ApiSerializer):
    name = serializers.CharField(max_length=200, required=False)
    office_target_percent = _percent(required=False)
    outside_target_percent = _percent(required=False)
    max_interruptions = serializers.IntegerField(
        min_value=0, max_value=1000, allow_null=True, required=False
    )
    target_basis = serializers.ChoiceField(choices=TargetBasis.choices, required=False)
    is_active = serializers.BooleanField(required=False)


class OutageOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    service = MonitoredServiceRefSerializer()
    contract = ContractRefSerializer()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)
    planned = serializers.BooleanField()
    affects_all_users = serializers.BooleanField()
    exclusion_reason = serializers.CharField(
        help_text=_("Why it does not count against the promise; empty when it counts.")
    )
    description = serializers.CharField()
    maintenance = serializers.IntegerField(allow_null=True)
    # Provider staff only: a customer's caller does not get the incident tickets.
    tickets = TicketRefSerializer(many=True, required=False)
    recorded_at = serializers.DateTimeField(required=False)


class OutageCreateInputSerializer(ApiSerializer):
    service = _id()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(required=False, allow_null=True, default=None)
    planned = serializers.BooleanField(required=False, default=False)
    affects_all_users = serializers.BooleanField(required=False, default=True)
    exclusion_reason = serializers.ChoiceField(
        choices=ExclusionReason.choices, required=False, allow_blank=True, default=""
    )
    description = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, default=""
    )
    tickets = serializers.ListField(child=_id(), required=False, default=list, max_length=100)


class OutageUpdateInputSerializer(ApiSerializer):
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False, allow_null=True)
    planned = serializers.BooleanField(required=False)
    affects_all_users = serializers.BooleanField(required=False)
    exclusion_reason = serializers.ChoiceField(
        choices=ExclusionReason.choices, required=False, allow_blank=True
    )
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    tickets = serializers.ListField(
        child=_id(),
        required=False,
        max_length=100,
        help_text=_("The incident tickets, as a whole; left out: unchanged."),
    )


class OutageEndInputSerializer(ApiSerializer):
    end = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("Left out: now.")
    )


class OutageTicketsInputSerializer(ApiSerializer):
    tickets = serializers.ListField(child=_id(), min_length=1, max_length=100)


class TicketOutageInputSerializer(ApiSerializer):
    service = _id(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Left out: the contract's integration service (else its first service)."),
    )
    start = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Left out: when the ticket was registered."),
    )


class MaintenanceServiceSerializer(ApiSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    contract = ContractRefSerializer()


class MaintenanceOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    provider = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=MaintenanceStatus.choices)
    inside_window = serializers.BooleanField()
    notice_ok = serializers.BooleanField()
    announced_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    services = MaintenanceServiceSerializer(
        many=True, help_text=_("A customer's caller sees only its own services.")
    )
    # Provider staff only.
    override_reason = serializers.CharField(required=False)
    created_at = serializers.DateTimeField(required=False)


class MaintenanceCreateInputSerializer(ApiSerializer):
    services = serializers.ListField(child=_id(), min_length=1, max_length=200)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, default=""
    )
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    override_reason = serializers.CharField(
        max_length=2_000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Outside the maintenance window at less than 5 working days' notice: the "
            "coordinator's reason it cannot wait. The maintenance is then planned and flagged."
        ),
    )


class WindowSerializer(ApiSerializer):
    length_seconds = serializers.IntegerField()
    down_seconds = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class OutageLineSerializer(ApiSerializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)
    planned = serializers.BooleanField()
    reason = serializers.CharField()
    reason_label = serializers.CharField()


class ServiceMonthSerializer(ApiSerializer):
    month = MonthField()
    service = MonitoredServiceRefSerializer()
    office = WindowSerializer()
    outside = WindowSerializer()
    interruptions = serializers.IntegerField()
    max_interruptions = serializers.IntegerField(allow_null=True)
    interruptions_met = serializers.BooleanField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    counted = OutageLineSerializer(many=True)
    excluded = OutageLineSerializer(many=True)


class AvailabilityPromiseBrokenSerializer(ApiSerializer):
    month = MonthField()
    service = MonitoredServiceRefSerializer()
    kind = serializers.ChoiceField(choices=["office", "outside", "interruptions"])
    kind_label = serializers.CharField()
    achieved = serializers.CharField()
    promised = serializers.CharField()
    down_seconds = serializers.IntegerField()
    outages = serializers.ListField(child=serializers.IntegerField())


class MaintenancePerformedSerializer(ApiSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=MaintenanceStatus.choices)
    inside_window = serializers.BooleanField()
    services = serializers.ListField(child=serializers.CharField())


class ContractAvailabilitySerializer(ApiSerializer):
    contract = ContractRefSerializer()
    start = MonthField()
    end = MonthField(help_text=_("The last month, included."))
    services = ServiceMonthSerializer(many=True)
    breaches = AvailabilityPromiseBrokenSerializer(many=True)
    maintenance = MaintenancePerformedSerializer(many=True)
