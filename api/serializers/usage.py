"""Usage and billing in and out (issue 14 §4): billable lines, a contract's usage (balances,
next deadline, month totals), closed billing months, a contract's rates and its notices.
Shapes only: the views gather the facts from usage's and contracts' selectors, and every rule
is the services'."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from contracts.models import NoticeParty
from contracts.terms import DeadlineKind
from usage.models import LineCategory, LineUnit
from usage.selectors_pages import month_from_text

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class MonthField(serializers.CharField):
    """A month as `YYYY-MM`, given to the view as its first day."""

    default_error_messages = {"month": _("Give the month as YYYY-MM.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("The month as YYYY-MM."))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> date:  # type: ignore[override]
        text = super().to_internal_value(data)
        month, ok = month_from_text(text[:8], default=date(1970, 1, 1))
        if not ok or not text.strip() or len(text.strip()) > 7:
            self.fail("month")
        return month

    def to_representation(self, value: Any) -> str:
        return f"{value:%Y-%m}" if isinstance(value, date) else str(value)


class RefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LineContractSerializer(ApiSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class LineTicketSerializer(ApiSerializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class BillingLineOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    contract = LineContractSerializer()
    customer = RefSerializer()
    month = MonthField()
    ticket = LineTicketSerializer(allow_null=True)
    category = serializers.ChoiceField(choices=LineCategory.choices)
    description = serializers.CharField(allow_blank=True)
    quantity = serializers.DecimalField(**MONEY)
    unit = serializers.ChoiceField(choices=LineUnit.choices)
    minutes = serializers.IntegerField(
        allow_null=True, help_text=_("The quantity in minutes; null for other units.")
    )
    rate = serializers.DecimalField(max_digits=12, decimal_places=4)
    amount = serializers.DecimalField(**MONEY)
    vat_code = serializers.CharField()
    corrects = serializers.IntegerField(
        allow_null=True, help_text=_("The line this one corrects; null for a line of its own.")
    )
    created_at = serializers.DateTimeField()


class MicrosoftBalancesSerializer(ApiSerializer):
    credits_left = serializers.DecimalField(**MONEY)
    ede_hours_purchased = serializers.DecimalField(**MONEY)
    ede_hours_used = serializers.DecimalField(**MONEY)
    ede_hours_left = serializers.DecimalField(**MONEY)
    open_requests = serializers.IntegerField(help_text=_("Requested services not yet delivered."))
    request_deadline = serializers.DateField(
        allow_null=True, help_text=_("The last day to request services: 60 days before the end.")
    )
    days_to_request_deadline = serializers.IntegerField(allow_null=True)


class FairUseSerializer(ApiSerializer):
    minutes = serializers.IntegerField()
    licences = serializers.IntegerField()
    minutes_per_licence = serializers.DecimalField(max_digits=12, decimal_places=1)
    threshold = serializers.DecimalField(
        max_digits=12,
        decimal_places=1,
        help_text=_("Twice the mean minutes per licence of the other organisations."),
    )
    above_threshold = serializers.BooleanField()


class DeadlineSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=[(kind.value, kind.value) for kind in DeadlineKind])
    on = serializers.DateField()
    text = serializers.CharField(help_text=_("What the deadline is, in the caller's language."))


class MonthTotalSerializer(ApiSerializer):
    category = serializers.ChoiceField(choices=LineCategory.choices)
    amount = serializers.DecimalField(**MONEY)


class ContractUsageOutputSerializer(ApiSerializer):
    contract = LineContractSerializer()
    month = MonthField()
    microsoft = MicrosoftBalancesSerializer(
        allow_null=True, help_text=_("A Microsoft work order's balances; null otherwise.")
    )
    minutes = serializers.IntegerField(
        allow_null=True,
        help_text=_("A CBG subscription's minutes of work this month; null otherwise."),
    )
    fair_use = FairUseSerializer(
        allow_null=True, help_text=_("A CBG subscription's minutes against fair use.")
    )
    next_deadline = DeadlineSerializer(allow_null=True)
    totals = MonthTotalSerializer(many=True)
    total = serializers.DecimalField(**MONEY)


class BillingMonthOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    provider = RefSerializer()
    month = MonthField()
    closed_at = serializers.DateTimeField()
    closed_by = RefSerializer(allow_null=True)


class BillingMonthCloseInputSerializer(ApiSerializer):
    provider = serializers.IntegerField(min_value=1, help_text=_("The provider's id."))
    month = MonthField()


class ContractBillingSerializer(ApiSerializer):
    """A contract's rates from its signed quote, in and out alike."""

    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    km_rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    licence_fee = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text=_("Monthly fee per licence.")
    )
    licence_count = serializers.IntegerField()
    new_licence_fee = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text=_("One-off fee per new licence.")
    )
    vat_code = serializers.CharField(max_length=20, allow_blank=True)


class NoticeOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    received_on = serializers.DateField()
    in_writing = serializers.BooleanField()
    given_by = serializers.ChoiceField(choices=NoticeParty.choices)
    effective_end = serializers.DateField(help_text=_("The day the notice ends the contract."))
    recorded_by = RefSerializer(allow_null=True)
    recorded_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class NoticeInputSerializer(ApiSerializer):
    received_on = serializers.DateField()
    given_by = serializers.ChoiceField(choices=NoticeParty.choices)
    in_writing = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
