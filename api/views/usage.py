"""A contract in use (issue 14 §3, §4): its balances and month totals, its rates and its notice.

- `contracts/{id}/usage/`: what the portal's usage page shows the customer's support services
  manager (a named contact sees no balances there: 403 here), and staff whose role reads
  billing in the back-office: Microsoft credits and EDE hours, a CBG subscription's minutes
  against fair use, the contract's next deadline and the month's billed totals.
- `contracts/{id}/billing/`: the rates of the signed quote (staff reading billing; the
  coordinators set them through `contract_billing_set`).
- `contracts/{id}/notices/`: the notice that ends the contract, as a dated record (staff who
  read notices in the back-office; coordinators record one through `contract_notice_record`).
Another tenant's contract answers 404."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.scope import one_or_404
from api.serializers.usage import (
    ContractBillingSerializer,
    ContractUsageOutputSerializer,
    MonthField,
    NoticeInputSerializer,
    NoticeOutputSerializer,
)
from api.views.base import ApiView
from api.views.billing import READ, contract_rows_plain, staff_permission_check
from contracts.models import Contract, ContractNotice
from contracts.selectors_events import local_day
from contracts.selectors_terms import contract_next_deadline, deadline_kind_label
from contracts.services.notices import contract_notice_record
from tickets.selectors import contact_is_manager
from usage.models import ContractBilling
from usage.selectors import contract_month_totals
from usage.selectors_pages import ContractUsage, contracts_usage
from usage.services.rates import Rates, contract_billing_set

RATES_READ = "usage.view_contractbilling"
RATES_SET = "usage.change_contractbilling"
NOTICES_READ = "contracts.view_contractnotice"
NOTICE_RECORD = "contracts.add_contractnotice"


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()} if user else None


def balances_check(caller: Caller) -> None:
    """The portal shows balances to the support services manager only."""
    if caller.contact is not None and not contact_is_manager(caller.contact):
        raise PermissionDenied(
            _("Only the support services manager sees the organisation's balances."),
            code="manager_only",
        )
    staff_permission_check(caller, READ)


def usage_facts(row: ContractUsage, contract: Contract, month: date) -> dict[str, Any]:
    ms, fair = row.microsoft, row.fair_use
    deadline = contract_next_deadline(contract, local_day(timezone.now()))
    totals = contract_month_totals(contract=contract, month=month)
    return {
        "contract": {"id": contract.pk, "reference": contract.reference},
        "month": month,
        "microsoft": (
            {
                "credits_left": ms.credits_left,
                "ede_hours_purchased": ms.ede_purchased,
                "ede_hours_used": ms.ede_used,
                "ede_hours_left": ms.ede_left,
                "open_requests": ms.unused_requests,
                "request_deadline": ms.request_deadline,
                "days_to_request_deadline": ms.days_to_deadline,
            }
            if ms is not None
            else None
        ),
        "minutes": fair.minutes if fair is not None else row.minutes,
        "fair_use": (
            {
                "minutes": fair.minutes,
                "licences": fair.licences,
                "minutes_per_licence": fair.per_licence,
                "threshold": fair.threshold,
                "above_threshold": fair.flagged,
            }
            if fair is not None
            else None
        ),
        "next_deadline": (
            {
                "kind": deadline.kind.value,
                "on": deadline.on,
                "text": deadline_kind_label(deadline.kind),
            }
            if deadline is not None
            else None
        ),
        "totals": [{"category": key, "amount": value} for key, value in totals.items()],
        "total": sum(totals.values(), Decimal(0)),
    }


class ContractUsageApi(ApiView):
    @extend_schema(
        operation_id="contracts_usage",
        parameters=[
            OpenApiParameter(
                "month",
                OpenApiTypes.STR,
                description=gettext_lazy("The month as YYYY-MM; this month when left out."),
            )
        ],
        responses=ContractUsageOutputSerializer,
        description=gettext_lazy(
            "The contract's balances, as the portal shows them to the support services "
            "manager: Microsoft credits and EDE hours, a CBG subscription's minutes against "
            "fair use, the next deadline of its term and the month's billed totals."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        caller = self.caller
        contract = one_or_404(contract_rows_plain(caller), pk=contract_id)
        balances_check(caller)
        today = local_day(timezone.now())
        text = request.query_params.get("month")
        month = MonthField().run_validation(text) if text else today.replace(day=1)
        (row,) = contracts_usage(
            contracts=Contract.objects.filter(pk=contract.pk).select_related(
                "provider", "package", "customer"
            ),
            month=month,
            today=today,
        )
        facts = usage_facts(row, contract, month)
        return Response(ContractUsageOutputSerializer(facts).data)


# --- the rates of the quote --------------------------------------------------------------------


def rates_facts(billing: ContractBilling) -> dict[str, Any]:
    return {field.name: getattr(billing, field.name) for field in fields(Rates)}


class ContractBillingApi(ApiView):
    staff_only = True

    def _contract(self, contract_id: int) -> Contract:
        return one_or_404(contract_rows_plain(self.caller), pk=contract_id)

    @extend_schema(
        operation_id="contracts_billing_read",
        responses=ContractBillingSerializer,
        description=gettext_lazy(
            "The contract's rates from its signed quote (zero until they are entered)."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        contract = self._contract(contract_id)
        staff_permission_check(self.caller, RATES_READ)
        billing = ContractBilling.objects.filter(contract=contract).first()
        billing = billing or ContractBilling(contract=contract)
        return Response(ContractBillingSerializer(rates_facts(billing)).data)

    @extend_schema(
        operation_id="contracts_billing_set",
        request=ContractBillingSerializer,
        responses=ContractBillingSerializer,
        description=gettext_lazy(
            "A support coordinator sets the contract's rates as a whole; a negative rate is "
            "refused and nothing is written."
        ),
    )
    def put(self, request: Request, contract_id: int) -> Response:
        contract = self._contract(contract_id)
        staff_permission_check(self.caller, RATES_SET)
        serializer = ContractBillingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        billing = contract_billing_set(contract=contract, rates=Rates(**serializer.validated_data))
        return Response(ContractBillingSerializer(rates_facts(billing)).data)


# --- notices -----------------------------------------------------------------------------------


def notice_facts(notice: ContractNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "received_on": notice.received_on,
        "in_writing": notice.in_writing,
        "given_by": notice.given_by,
        "effective_end": notice.effective_end,
        "recorded_by": _person(notice.recorded_by),
        "recorded_at": notice.recorded_at,
        "note": notice.note,
    }


class ContractNoticesApi(ApiView):
    staff_only = True
    pagination_class = None

    def _contract(self, contract_id: int) -> Contract:
        return one_or_404(contract_rows_plain(self.caller), pk=contract_id)

    @extend_schema(
        operation_id="contracts_notices_list",
        responses=NoticeOutputSerializer(many=True),
        description=gettext_lazy(
            "The notice that ends the contract, if one was given (a contract has at most one)."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        contract = self._contract(contract_id)
        staff_permission_check(self.caller, NOTICES_READ)
        notices = ContractNotice.objects.filter(contract=contract).select_related("recorded_by")
        return Response(NoticeOutputSerializer([notice_facts(n) for n in notices], many=True).data)

    @extend_schema(
        operation_id="contracts_notices_record",
        request=NoticeInputSerializer,
        responses={201: NoticeOutputSerializer},
        description=gettext_lazy(
            "A support coordinator records a notice as received; the contract's end follows "
            "from its terms. A notice after the deadline, in the future or not in writing is "
            "refused with the reason, and nothing is written."
        ),
    )
    def post(self, request: Request, contract_id: int) -> Response:
        contract = self._contract(contract_id)
        staff_permission_check(self.caller, NOTICE_RECORD)
        serializer = NoticeInputSerializer(data=request.data)
        if not serializer.is_valid():
            raise serializers.ValidationError(serializer.errors)
        notice = contract_notice_record(
            contract=contract, by=self.caller.user, now=timezone.now(), **serializer.validated_data
        )
        return Response(
            NoticeOutputSerializer(notice_facts(notice)).data, status=status.HTTP_201_CREATED
        )
