"""Service review packs in and out (issue #15 §2): the query of a pack and the shape of its JSON
(reports.selectors.pack: figures as decimal strings, moments as ISO 8601 in Europe/Amsterdam),
and a contract's stored packs. Shapes only: the pack is the selector's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from reports.downloads import FORMATS
from reports.periods import Period, PeriodInvalid, period_parse

DECIMAL_TEXT: dict[str, Any] = {"allow_null": True, "help_text": _("A decimal number as text.")}


class PeriodField(serializers.CharField):
    """`2026-11`, `2026-Q3` or `2026-01-15..2026-03-01` (the last day not included)."""

    def to_internal_value(self, data: Any) -> Period:  # type: ignore[override]
        text = super().to_internal_value(data)
        try:
            return period_parse(text)
        except PeriodInvalid as exc:
            raise serializers.ValidationError(str(exc), code="period") from exc


class ReviewPackQuerySerializer(ApiSerializer):
    period = PeriodField(
        required=False,
        help_text=_(
            "A month (2026-11), a quarter (2026-Q3) or a range of days (2026-01-15..2026-03-01, "
            "the last day not included); last month when left out."
        ),
    )
    format = serializers.ChoiceField(
        choices=FORMATS, required=False, help_text=_("json (default), csv or pdf.")
    )
    language = serializers.ChoiceField(
        choices=("nl", "en"),
        required=False,
        help_text=_("The pack's language; the request's language (Accept-Language) when left out."),
    )


class PackTallySerializer(ApiSerializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    count = serializers.IntegerField()


class PackMetricFiguresSerializer(ApiSerializer):
    met = serializers.IntegerField()
    missed = serializers.IntegerField()
    excluded = serializers.IntegerField()
    percentage = serializers.CharField(**DECIMAL_TEXT)
    within_threshold = serializers.BooleanField(allow_null=True)


class PackComplianceLineSerializer(ApiSerializer):
    level = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    rank = serializers.IntegerField()
    threshold = serializers.CharField(**DECIMAL_TEXT)
    response = PackMetricFiguresSerializer(allow_null=True)
    resolution = PackMetricFiguresSerializer(allow_null=True)


class PackProblemRefSerializer(ApiSerializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    rca_due = serializers.CharField(allow_null=True)
    rca_delivered = serializers.CharField(allow_null=True)


class PackBreachSerializer(ApiSerializer):
    ticket = serializers.CharField()
    subject = serializers.CharField(allow_blank=True)
    priority = serializers.CharField(allow_blank=True)
    metric = serializers.CharField()
    metric_label = serializers.CharField()
    due = serializers.CharField()
    actual = serializers.CharField(allow_null=True)
    late_minutes = serializers.IntegerField()
    counted = serializers.BooleanField()
    cause = serializers.CharField(allow_blank=True)
    done = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    resolved = serializers.CharField(allow_null=True)
    problem = PackProblemRefSerializer(allow_null=True)


class PackVolumesSerializer(ApiSerializer):
    total = serializers.IntegerField()
    by_type = PackTallySerializer(many=True)
    by_priority = PackTallySerializer(many=True)
    by_channel = PackTallySerializer(many=True)


class PackEscalationItemSerializer(ApiSerializer):
    ticket = serializers.CharField()
    level = serializers.IntegerField()
    level_label = serializers.CharField()
    reason = serializers.CharField()
    raised = serializers.CharField()
    acknowledged = serializers.CharField(allow_null=True)
    resolved = serializers.CharField(allow_null=True)


class PackEscalationsSerializer(ApiSerializer):
    total = serializers.IntegerField()
    by_level = PackTallySerializer(many=True)
    items = PackEscalationItemSerializer(many=True)


class PackProblemItemSerializer(ApiSerializer):
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    origin_label = serializers.CharField()
    opened = serializers.CharField()
    incidents = serializers.IntegerField()
    rca_due = serializers.CharField(allow_null=True)
    rca_delivered = serializers.CharField(allow_null=True)
    overdue = serializers.BooleanField()


class PackCsatMonthSerializer(ApiSerializer):
    month = serializers.CharField()
    answers = serializers.IntegerField()
    average = serializers.CharField(**DECIMAL_TEXT)


class PackCsatSerializer(ApiSerializer):
    answers = serializers.IntegerField()
    average = serializers.CharField(**DECIMAL_TEXT)
    months = PackCsatMonthSerializer(many=True)


class PackUsageMonthSerializer(ApiSerializer):
    month = serializers.CharField()
    billable_minutes = serializers.CharField()
    amount = serializers.CharField()


class PackEntitlementSerializer(ApiSerializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    added = serializers.CharField()
    used = serializers.CharField()
    balance = serializers.CharField()


class PackFairUseMonthSerializer(ApiSerializer):
    month = serializers.CharField()
    minutes = serializers.IntegerField()
    licences = serializers.IntegerField()
    per_licence = serializers.CharField()
    threshold = serializers.CharField()
    flagged = serializers.BooleanField()


class PackUsageSerializer(ApiSerializer):
    months = PackUsageMonthSerializer(many=True)
    billable_minutes = serializers.CharField()
    amount = serializers.CharField()
    entitlements = PackEntitlementSerializer(many=True)
    fair_use = PackFairUseMonthSerializer(many=True)


class PackVendorItemSerializer(ApiSerializer):
    ticket = serializers.CharField()
    vendor = serializers.CharField()
    reference = serializers.CharField(allow_blank=True)
    escalated = serializers.CharField()
    last_update_shared = serializers.CharField(allow_null=True)
    closed = serializers.CharField(allow_null=True)


class PackVendorEscalationsSerializer(ApiSerializer):
    total = serializers.IntegerField()
    items = PackVendorItemSerializer(many=True)


class PackAvailabilityMonthSerializer(ApiSerializer):
    service = serializers.CharField()
    month = serializers.CharField()
    office_percent = serializers.CharField(**DECIMAL_TEXT)
    office_target = serializers.CharField(**DECIMAL_TEXT)
    office_met = serializers.BooleanField(allow_null=True)
    outside_percent = serializers.CharField(**DECIMAL_TEXT)
    outside_target = serializers.CharField(**DECIMAL_TEXT)
    outside_met = serializers.BooleanField(allow_null=True)
    down_minutes = serializers.IntegerField()
    interruptions = serializers.IntegerField()
    max_interruptions = serializers.IntegerField(allow_null=True)
    interruptions_met = serializers.BooleanField(allow_null=True)


class PackAvailabilityBreachSerializer(ApiSerializer):
    service = serializers.CharField()
    month = serializers.CharField()
    promise = serializers.CharField()
    promise_label = serializers.CharField()
    achieved = serializers.CharField()
    promised = serializers.CharField()
    down_minutes = serializers.IntegerField()
    outages = serializers.ListField(child=serializers.CharField())


class PackOutageItemSerializer(ApiSerializer):
    service = serializers.CharField()
    start = serializers.CharField()
    end = serializers.CharField(allow_null=True)
    planned = serializers.BooleanField()
    all_users = serializers.BooleanField()
    counted = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    tickets = serializers.ListField(child=serializers.CharField())


class PackMaintenanceItemSerializer(ApiSerializer):
    title = serializers.CharField()
    services = serializers.ListField(child=serializers.CharField())
    start = serializers.CharField()
    end = serializers.CharField()
    status_label = serializers.CharField()
    inside_window = serializers.BooleanField()
    notice_ok = serializers.BooleanField()


class PackAvailabilitySerializer(ApiSerializer):
    months = PackAvailabilityMonthSerializer(many=True)
    breaches = PackAvailabilityBreachSerializer(many=True)
    outages = PackOutageItemSerializer(many=True)
    maintenance = PackMaintenanceItemSerializer(many=True)


class PackPeriodFactsSerializer(ApiSerializer):
    text = serializers.CharField()
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text=_("The first day after the period."))
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class PackContractSerializer(ApiSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    customer = serializers.CharField()
    provider = serializers.CharField()
    package = serializers.CharField()


class ReviewPackOutputSerializer(ApiSerializer):
    version = serializers.IntegerField()
    contract = PackContractSerializer()
    period = PackPeriodFactsSerializer()
    previous_period = PackPeriodFactsSerializer()
    language = serializers.CharField()
    as_of = serializers.CharField()
    compliance = PackComplianceLineSerializer(many=True)
    breaches = PackBreachSerializer(many=True)
    previous_breaches = PackBreachSerializer(many=True)
    volumes = PackVolumesSerializer()
    escalations = PackEscalationsSerializer()
    problems = PackProblemItemSerializer(many=True)
    csat = PackCsatSerializer()
    usage = PackUsageSerializer(allow_null=True)
    vendor_escalations = PackVendorEscalationsSerializer()
    availability = PackAvailabilitySerializer(allow_null=True)


class StoredPackOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    period = PackPeriodFactsSerializer()
    language = serializers.CharField()
    created_at = serializers.DateTimeField()
    checksum = serializers.CharField(help_text=_("The SHA-256 of the stored PDF."))
