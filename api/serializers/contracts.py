"""Contracts, customers and contacts out (issue #12 §2). Shapes only: the views gather the facts
from `contracts.selectors` and hand these serializers plain dicts and rows.

A customer's caller gets the plain serializers; provider staff get the `Staff…` ones, which add
what is the provider's own business: the customer success account manager, renewal terms,
hosting, the contract's own named-contact raise, login and mail-bounce state of contacts.
Those staff-only fields are `required=False`: one schema describes an answer to either caller,
and a customer's answer lacks them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from api.serializers.tickets import ContractRefSerializer, PartySerializer
from contracts.models import (
    ClockKind,
    ContactRoleKind,
    ContractStatus,
    EntitlementKind,
    Hosting,
    RequestType,
    ResolutionStart,
)


class ProviderRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PackageRefSerializer(ApiSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class NamedContactsSerializer(ApiSerializer):
    count = serializers.IntegerField(help_text=_("Contacts holding the named-contact role."))
    cap = serializers.IntegerField(allow_null=True, help_text=_("At most; null is no limit."))


class SlaTargetSerializer(ApiSerializer):
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    level = serializers.CharField(help_text=_("The provider's own priority level."))
    label_nl = serializers.CharField()
    label_en = serializers.CharField()
    rank = serializers.IntegerField(help_text=_("P1 (1) to P4 (4)."))
    response_seconds = serializers.IntegerField(
        allow_null=True, help_text=_("Business seconds to the first response; null: none.")
    )
    resolution_seconds = serializers.IntegerField(
        allow_null=True, help_text=_("Business seconds to the resolution; null: none.")
    )
    calendar = serializers.CharField(source="calendar.code", help_text=_("The calendar's code."))
    clock_kind = serializers.ChoiceField(choices=ClockKind.choices)


class SlaPolicySerializer(ApiSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    resolution_start = serializers.ChoiceField(choices=ResolutionStart.choices)
    targets = SlaTargetSerializer(many=True)


class EscalationContactSerializer(ApiSerializer):
    level = serializers.IntegerField()
    role = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class EntitlementBalanceSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=EntitlementKind.choices)
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)


class ContractOutputSerializer(ApiSerializer):
    """A contract as a list shows it; the detail adds targets, escalation contacts and
    entitlements (`ContractDetailOutputSerializer`)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    customer = PartySerializer()
    provider = ProviderRefSerializer()
    package = PackageRefSerializer()
    status = serializers.ChoiceField(choices=ContractStatus.choices)
    start_date = serializers.DateField()
    go_live_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    renewal_date = serializers.DateField(allow_null=True)
    renewal_notice_deadline = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()
    calendar = serializers.CharField(
        allow_null=True, help_text=_("Code of the calendar the contract's clocks use.")
    )
    named_contacts = NamedContactsSerializer()


class ContractDetailOutputSerializer(ContractOutputSerializer):
    sla_policy = SlaPolicySerializer(allow_null=True)
    escalation_contacts = EscalationContactSerializer(many=True)
    entitlements = EntitlementBalanceSerializer(many=True)


class StaffRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()


class StaffContractOutputSerializer(ContractOutputSerializer):
    csam = StaffRefSerializer(
        required=False, allow_null=True, help_text=_("The customer success account manager.")
    )
    auto_renew = serializers.BooleanField(required=False)
    hosting = serializers.ChoiceField(required=False, choices=Hosting.choices, allow_blank=True)
    tickets_shared_by_default = serializers.BooleanField(required=False)
    named_contact_raise = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("The contract's own raise of the package's cap."),
    )


class StaffContractDetailOutputSerializer(
    StaffContractOutputSerializer, ContractDetailOutputSerializer
):
    pass


class CustomerOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField()


class StaffCustomerOutputSerializer(CustomerOutputSerializer):
    is_active = serializers.BooleanField(required=False)
    licence_count = serializers.IntegerField(required=False, allow_null=True)
    email_domains = serializers.ListField(required=False, child=serializers.CharField())


class ContactRoleSerializer(ApiSerializer):
    contract = ContractRefSerializer()
    role = serializers.ChoiceField(choices=ContactRoleKind.choices)


class ContactOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    customer = PartySerializer()
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    language = serializers.CharField()
    is_active = serializers.BooleanField()
    roles = ContactRoleSerializer(many=True, source="visible_roles")


class StaffContactOutputSerializer(ContactOutputSerializer):
    has_login = serializers.BooleanField(required=False)
    email_bounced_at = serializers.DateTimeField(required=False, allow_null=True)
