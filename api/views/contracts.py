"""Contracts, customers and contacts (issue #12 §2): reads only, through `api.scope` and
`contracts.selectors`.

Who sees what, as the portal decides it (D15):
- contracts: a customer's caller every contract of its organisation (the portal's contract page
  shows them to every contact); a provider token its provider's contracts; staff output adds
  the provider's own fields (CSAM, renewal terms, hosting).
- customers: a customer's caller its own organisation only; a provider token the customers
  holding one of its contracts.
- contacts: the support services manager every contact of the organisation with their roles
  (the portal's organisation page); any other contact only itself (the organisation page is the
  manager's alone); a provider token the contacts of its customers, with the roles under its
  own contracts.
Another tenant's row answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, filter_parameters
from api.pagination import ApiCursorPagination
from api.scope import one_or_404, rows_for
from api.serializers.contracts import (
    ContactOutputSerializer,
    ContractDetailOutputSerializer,
    ContractOutputSerializer,
    CustomerOutputSerializer,
    StaffContactOutputSerializer,
    StaffContractDetailOutputSerializer,
    StaffContractOutputSerializer,
    StaffCustomerOutputSerializer,
)
from api.views.base import ApiView
from api.views.listing import list_response, shaped
from contracts.models import Contact, ContactRole, Contract, ContractStatus, Customer
from contracts.selectors import (
    contract_calendar,
    contracts_with_named_count,
    entitlement_balances,
    escalation_contacts_for,
    named_contact_cap,
    sla_policy_targets,
)
from tickets.selectors import contact_is_manager

ESCALATION_LEVELS = (1, 2, 3)


# --- contracts ---------------------------------------------------------------------------------


class ContractFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=ContractStatus.choices)
    customer = IdFilter(field_name="customer_id")
    reference = filters.CharFilter(field_name="reference")

    class Meta:
        model = Contract
        fields: list[str] = []


def contract_rows(caller: Caller) -> QuerySet[Contract]:
    rows = rows_for(caller, Contract.objects.all(), customer="customer_id", provider="provider_id")
    return contracts_with_named_count(rows).select_related(
        "customer", "provider", "package__default_calendar", "calendar", "csam"
    )


CONTRACT_FIELDS = (
    "id",
    "reference",
    "customer",
    "provider",
    "package",
    "status",
    "start_date",
    "go_live_date",
    "end_date",
    "renewal_date",
    "renewal_notice_deadline",
    "version",
    "auto_renew",
    "hosting",
    "tickets_shared_by_default",
)


def _staff_ref(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username(), "email": user.email}


def contract_facts(contract: Contract) -> dict[str, Any]:
    """What a contract list shows of one contract (the staff serializer reads more of it)."""
    calendar = contract_calendar(contract)
    return {
        **{field: getattr(contract, field) for field in CONTRACT_FIELDS},
        "calendar": calendar.code if calendar is not None else None,
        "named_contacts": {
            "count": contract.named_contact_count,  # type: ignore[attr-defined]
            "cap": named_contact_cap(contract),
        },
        "csam": _staff_ref(contract.csam),
        "named_contact_raise": contract.named_contact_cap,
    }


def contract_detail_facts(contract: Contract) -> dict[str, Any]:
    """The list's facts plus the targets, escalation contacts and entitlement balances."""
    policy = sla_policy_targets(contract=contract)
    return {
        **contract_facts(contract),
        "sla_policy": (
            {
                "code": policy.policy.code,
                "name": policy.policy.name,
                "resolution_start": policy.policy.resolution_start,
                "targets": policy.targets,
            }
            if policy is not None
            else None
        ),
        "escalation_contacts": [
            contact
            for level in ESCALATION_LEVELS
            for contact in escalation_contacts_for(contract=contract, level=level)
        ],
        "entitlements": [
            {"kind": kind, "balance": balance}
            for kind, balance in entitlement_balances(contract).items()
        ],
    }


class ContractCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="contracts_list",
        parameters=filter_parameters(ContractFilter),
        responses=StaffContractOutputSerializer(many=True),
        description=_(
            "The contracts the caller may see: a customer's its organisation's, a provider's its "
            "own. Staff see the fields of the staff schema besides; the targets, escalation "
            "contacts and entitlement balances are in the detail."
        ),
    )
    def get(self, request: Request) -> Response:
        serializer = shaped(self.caller, StaffContractOutputSerializer, ContractOutputSerializer)
        return list_response(
            self,
            contract_rows(self.caller),
            serializer,
            filterset=ContractFilter,
            prepare=contract_facts,
        )


class ContractDetailApi(ApiView):
    @extend_schema(
        operation_id="contracts_read",
        responses=StaffContractDetailOutputSerializer,
        description=_(
            "One contract with its package, dates, SLA targets per priority level, named "
            "contacts against the cap, escalation contacts per level and entitlement balances. "
            "A customer's caller gets the fields of the customer schema only."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        contract = one_or_404(contract_rows(self.caller), pk=contract_id)
        serializer = shaped(
            self.caller, StaffContractDetailOutputSerializer, ContractDetailOutputSerializer
        )
        return Response(serializer(contract_detail_facts(contract)).data)


# --- customers ---------------------------------------------------------------------------------


def customer_rows(caller: Caller) -> QuerySet[Customer]:
    return rows_for(
        caller, Customer.objects.all(), customer="pk", provider="contracts__provider_id"
    )


class CustomerCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="customers_list",
        responses=StaffCustomerOutputSerializer(many=True),
        description=_(
            "A customer's caller sees its own organisation; a provider's token the customers "
            "holding one of its contracts."
        ),
    )
    def get(self, request: Request) -> Response:
        serializer = shaped(self.caller, StaffCustomerOutputSerializer, CustomerOutputSerializer)
        return list_response(self, customer_rows(self.caller), serializer)


class CustomerDetailApi(ApiView):
    @extend_schema(operation_id="customers_read", responses=StaffCustomerOutputSerializer)
    def get(self, request: Request, customer_id: int) -> Response:
        customer = one_or_404(customer_rows(self.caller), pk=customer_id)
        serializer = shaped(self.caller, StaffCustomerOutputSerializer, CustomerOutputSerializer)
        return Response(serializer(customer).data)


# --- contacts ----------------------------------------------------------------------------------


class ContactFilter(filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    email = filters.CharFilter(field_name="email", lookup_expr="iexact", max_length=254)
    is_active = filters.BooleanFilter(field_name="is_active")

    class Meta:
        model = Contact
        fields: list[str] = []


def contact_rows(caller: Caller) -> QuerySet[Contact]:
    """The portal's rule: the manager sees the organisation's contacts, anyone else itself."""
    if caller.contact is not None and not contact_is_manager(caller.contact):
        rows = Contact.objects.filter(pk=caller.contact.pk)
    else:
        rows = rows_for(
            caller,
            Contact.objects.all(),
            customer="customer_id",
            provider="customer__contracts__provider_id",
        )
    roles = rows_for(
        caller,
        ContactRole.objects.all(),
        customer="contract__customer_id",
        provider="contract__provider_id",
    )
    return (
        rows.select_related("customer")
        .annotate(has_login=ExpressionWrapper(Q(user__isnull=False), output_field=BooleanField()))
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=roles.select_related("contract").order_by("contract__reference", "role"),
                to_attr="visible_roles",
            )
        )
    )


class ContactCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="contacts_list",
        parameters=filter_parameters(ContactFilter),
        responses=StaffContactOutputSerializer(many=True),
        description=_(
            "The support services manager sees every contact of the organisation with their "
            "roles, any other contact only itself; a provider's token the contacts of its "
            "customers."
        ),
    )
    def get(self, request: Request) -> Response:
        serializer = shaped(self.caller, StaffContactOutputSerializer, ContactOutputSerializer)
        return list_response(self, contact_rows(self.caller), serializer, filterset=ContactFilter)


class ContactDetailApi(ApiView):
    @extend_schema(operation_id="contacts_read", responses=StaffContactOutputSerializer)
    def get(self, request: Request, contact_id: int) -> Response:
        contact = one_or_404(contact_rows(self.caller), pk=contact_id)
        serializer = shaped(self.caller, StaffContactOutputSerializer, ContactOutputSerializer)
        return Response(serializer(contact).data)
