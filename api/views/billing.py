"""Billable lines, their month's CSV and closed billing months (issue 14 §4), through usage's
selectors and services, to exactly whom the portal and the back-office show them:

- a customer's support services manager reads the organisation's lines, a named contact only
  the lines of the tickets it raised (the portal's usage page, D15);
- provider staff read their provider's lines when their role reads billing in the back-office
  (`usage.view_billingline`; a CSAM only their own contracts' lines, `staff_rows`), download a
  month's CSV and list the closed months; closing a month is the coordinators'
  (`usage.add_billingmonth`, and the service checks the role again).
Another tenant's line answers 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, filter_parameters
from api.pagination import ApiCursorPagination
from api.scope import one_or_404, rows_for
from api.serializers.usage import (
    BillingLineOutputSerializer,
    BillingMonthCloseInputSerializer,
    BillingMonthOutputSerializer,
)
from api.views.base import ApiView
from api.views.listing import list_response
from contracts.models import Contract, Provider
from tickets.selectors import contact_is_manager
from usage.models import BillingLine, BillingMonth, LineCategory, LineUnit
from usage.selectors_pages import lines_of_own_tickets, month_csv_text, month_from_text
from usage.services.months import billing_month_close, display_zone

READ = "usage.view_billingline"
READ_MONTHS = "usage.view_billingmonth"
CLOSE = "usage.add_billingmonth"


def staff_permission_check(caller: Caller, permission: str) -> None:
    """A staff caller whose role lacks the back-office's permission is refused (403)."""
    if caller.is_staff and (caller.user is None or not caller.user.has_perm(permission)):
        raise PermissionDenied(
            _("Your role does not work with billing in the back-office."), code="billing_role"
        )


def billing_line_rows(caller: Caller) -> QuerySet[BillingLine]:
    rows = BillingLine.objects.select_related("contract__customer", "ticket")
    if caller.contact is not None:
        contact = caller.contact
        own = None if contact_is_manager(contact) else contact.pk
        rows = rows.filter(contract__customer_id=contact.customer_id)
        return lines_of_own_tickets(rows, own_tickets_of=own)
    return rows_for(
        caller, rows, customer="contract__customer_id", provider="contract__provider_id"
    )


class MonthFormField(forms.CharField):
    default_error_messages = {"month": gettext_lazy("Give the month as YYYY-MM.")}

    def clean(self, value: Any) -> date | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        month, ok = month_from_text(text, default=date(1970, 1, 1))
        if not ok:
            raise forms.ValidationError(self.error_messages["month"], code="month")
        return month


class MonthFilter(filters.Filter):
    field_class = MonthFormField


class BillingLineFilter(filters.FilterSet):
    contract = IdFilter(field_name="contract_id")
    customer = IdFilter(field_name="contract__customer_id")
    provider = IdFilter(field_name="contract__provider_id")
    ticket = IdFilter(field_name="ticket_id")
    category = filters.MultipleChoiceFilter(choices=LineCategory.choices)
    month = MonthFilter(
        field_name="month", help_text=gettext_lazy("The month invoiced, as YYYY-MM.")
    )

    class Meta:
        model = BillingLine
        fields: list[str] = []


def line_facts(line: BillingLine) -> dict[str, Any]:
    contract, ticket = line.contract, line.ticket
    return {
        "id": line.pk,
        "contract": {"id": contract.pk, "reference": contract.reference},
        "customer": {"id": contract.customer_id, "name": contract.customer.name},
        "month": line.month,
        "ticket": {"id": ticket.pk, "number": ticket.number} if ticket is not None else None,
        "category": line.category,
        "description": line.description,
        "quantity": line.quantity,
        "unit": line.unit,
        "minutes": int(line.quantity) if line.unit == LineUnit.MINUTES else None,
        "rate": line.rate,
        "amount": line.amount,
        "vat_code": line.vat_code,
        "corrects": line.corrects_id,
        "created_at": line.created_at,
    }


class ByMonthPagination(ApiCursorPagination):
    ordering = ("-month", "-id")


class BillingLineCollectionApi(ApiView):
    pagination_class = ByMonthPagination

    @extend_schema(
        operation_id="billing_lines_list",
        parameters=filter_parameters(BillingLineFilter),
        responses=BillingLineOutputSerializer(many=True),
        description=gettext_lazy(
            "Billable lines, newest month first. A customer's support services manager reads "
            "the organisation's lines, a named contact only those of its own tickets; provider "
            "staff whose role works with billing read their provider's lines. A line is never "
            "changed: a correction is a line of its own."
        ),
    )
    def get(self, request: Request) -> Response:
        caller = self.caller
        staff_permission_check(caller, READ)
        return list_response(
            self,
            billing_line_rows(caller),
            BillingLineOutputSerializer,
            filterset=BillingLineFilter,
            prepare=line_facts,
        )


class BillingLineDetailApi(ApiView):
    @extend_schema(
        operation_id="billing_lines_read",
        responses=BillingLineOutputSerializer,
        description=gettext_lazy("One billable line, to whoever may read it in the list."),
    )
    def get(self, request: Request, line_id: int) -> Response:
        caller = self.caller
        line = one_or_404(billing_line_rows(caller), pk=line_id)
        staff_permission_check(caller, READ)
        return Response(BillingLineOutputSerializer(line_facts(line)).data)


class CsvRenderer(BaseRenderer):
    """Lets a client ask for text/csv; the view answers the file itself, and a refusal is
    written as its problem's JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: Any = None, context: Any = None) -> bytes:
        return JSONRenderer().render(data)


class BillingLineCsvApi(ApiView):
    staff_only = True
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        operation_id="billing_lines_csv",
        parameters=[
            OpenApiParameter(
                "month",
                OpenApiTypes.STR,
                description=gettext_lazy(
                    "The month invoiced, as YYYY-MM; this month when left out."
                ),
            ),
            *[p for p in filter_parameters(BillingLineFilter) if p.name != "month"],
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description=gettext_lazy(
                    "One row per line for an invoicing system, as the back-office's download: "
                    "customer, contract, date, ticket, category, minutes, rate, amount, VAT code."
                ),
            )
        },
        description=gettext_lazy("A month's billable lines as CSV (provider staff)."),
    )
    def get(self, request: Request) -> HttpResponse:
        caller = self.caller
        staff_permission_check(caller, READ)
        query = request.query_params.copy()
        if not (query.get("month") or "").strip():  # this month, as in the back-office
            query["month"] = f"{timezone.now().astimezone(display_zone()):%Y-%m}"
        filtered = BillingLineFilter(query, queryset=billing_line_rows(caller), request=request)
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        lines = filtered.qs.select_related("contract__customer", "ticket").order_by(
            "contract__customer__name", "contract__reference", "created_at", "pk"
        )
        month = filtered.form.cleaned_data["month"]
        response = HttpResponse(month_csv_text(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="billing-{month:%Y-%m}.csv"'
        response["Cache-Control"] = "no-store"
        return response


# --- closed billing months ---------------------------------------------------------------------


def month_facts(row: BillingMonth) -> dict[str, Any]:
    by = row.closed_by
    return {
        "id": row.pk,
        "provider": {"id": row.provider_id, "name": row.provider.name},
        "month": row.month,
        "closed_at": row.closed_at,
        "closed_by": (
            {"id": by.pk, "name": by.get_full_name() or by.get_username()} if by else None
        ),
    }


def billing_month_rows(caller: Caller) -> QuerySet[BillingMonth]:
    rows = BillingMonth.objects.select_related("provider", "closed_by")
    return rows_for(caller, rows, customer="", provider="provider_id")


class BillingMonthFilter(filters.FilterSet):
    provider = IdFilter(field_name="provider_id")

    class Meta:
        model = BillingMonth
        fields: list[str] = []


class BillingMonthCollectionApi(ApiView):
    staff_only = True
    pagination_class = ByMonthPagination

    @extend_schema(
        operation_id="billing_months_list",
        parameters=filter_parameters(BillingMonthFilter),
        responses=BillingMonthOutputSerializer(many=True),
        description=gettext_lazy(
            "The months closed for invoicing, newest first: their lines are frozen, a later "
            "change lands in the next open month."
        ),
    )
    def get(self, request: Request) -> Response:
        caller = self.caller
        staff_permission_check(caller, READ_MONTHS)
        return list_response(
            self,
            billing_month_rows(caller),
            BillingMonthOutputSerializer,
            filterset=BillingMonthFilter,
            prepare=month_facts,
        )


class BillingMonthCloseApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="billing_months_close",
        request=BillingMonthCloseInputSerializer,
        responses={201: BillingMonthOutputSerializer},
        description=gettext_lazy(
            "A support coordinator closes a provider's month once it has ended; its lines are "
            "frozen from then on."
        ),
    )
    def post(self, request: Request) -> Response:
        caller = self.caller
        staff_permission_check(caller, CLOSE)
        serializer = BillingMonthCloseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        providers = rows_for(caller, Provider.objects.all(), customer="", provider="pk")
        provider = providers.filter(pk=data["provider"]).first()
        if provider is None:
            raise serializers.ValidationError({"provider": [_("No such provider.")]})
        assert caller.user is not None  # staff_permission_check passed
        row = billing_month_close(
            provider=provider, month=data["month"], by=caller.user, now=timezone.now()
        )
        row = billing_month_rows(caller).get(pk=row.pk)
        return Response(
            BillingMonthOutputSerializer(month_facts(row)).data, status=status.HTTP_201_CREATED
        )


def contract_rows_plain(caller: Caller) -> QuerySet[Contract]:
    rows = Contract.objects.select_related("customer", "provider", "package")
    return rows_for(caller, rows, customer="customer_id", provider="provider_id")
