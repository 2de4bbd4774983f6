"""Azure Event Management events (SPEC §2.7) through `api.scope`: a customer's caller sees and
plans the events of the contracts whose support services manager it is (as the portal's Events
page); provider staff those of their provider's contracts. The provider's agreement to a
short-notice event is staff's. Planning is `escalation.services.aem.aem_event_plan`, as in
the portal and the back-office."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.pagination import ApiCursorPagination
from api.scope import one_or_404, rows_for
from api.serializers.aem import (
    AemEventCreateInputSerializer,
    AemEventOutputSerializer,
    AemSummarySerializer,
)
from api.views.base import ApiView
from api.views.listing import list_response
from contracts.models import AemEvent, ContactRole, ContactRoleKind, Contract
from contracts.services.events import AemEventInput, aem_event_agree
from escalation.services.aem import AemEventRequest, aem_event_plan
from tickets.selectors_aem import aem_event_summary


def _contracts(caller: Caller) -> QuerySet[Contract]:
    rows = rows_for(caller, Contract.objects.all(), customer="customer_id", provider="provider_id")
    if caller.contact is not None:
        managed = ContactRole.objects.filter(
            contact=caller.contact, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
        ).values("contract_id")
        rows = rows.filter(pk__in=managed)
    return rows


def event_rows(caller: Caller) -> QuerySet[AemEvent]:
    return (
        AemEvent.objects.filter(contract__in=_contracts(caller))
        .select_related("contract")
        .order_by("-id")
    )


def event_facts(event: AemEvent) -> dict[str, Any]:
    facts = {field.name: getattr(event, field.name) for field in AemEvent._meta.fields}
    facts["contract"] = {"id": event.contract_id, "reference": event.contract.reference}
    facts["has_assessment"] = bool(event.assessment_file)
    return facts


class AemEventCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="aem_events_list",
        responses=AemEventOutputSerializer(many=True),
        description=gettext_lazy(
            "Azure Event Management events, newest first: a customer's caller those of the "
            "contracts it is the support services manager of."
        ),
    )
    def get(self, request: Request) -> Response:
        return list_response(
            self, event_rows(self.caller), AemEventOutputSerializer, prepare=event_facts
        )

    @extend_schema(
        operation_id="aem_events_create",
        request=AemEventCreateInputSerializer,
        responses={201: AemEventOutputSerializer},
        description=gettext_lazy(
            "Plan an event: one Azure solution, at most 5 consecutive days, confirmed in "
            "writing at least 8 weeks before it starts. At shorter notice it waits for the "
            "provider's agreement (status awaiting_agreement); a Retail event is refused (422)."
        ),
    )
    def post(self, request: Request) -> Response:
        data = AemEventCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        contract = one_or_404(_contracts(self.caller), pk=fields.pop("contract"))
        event = aem_event_plan(
            request=AemEventRequest(
                data=AemEventInput(contract=contract, **fields),
                requested_by_contact=self.caller.contact,
                requested_by_user=self.caller.user if self.caller.is_staff else None,
            ),
            now=timezone.now(),
        )
        event = one_or_404(event_rows(self.caller), pk=event.pk)
        body = AemEventOutputSerializer(event_facts(event)).data
        return Response(body, status=status.HTTP_201_CREATED)


class AemEventDetailApi(ApiView):
    @extend_schema(operation_id="aem_events_read", responses=AemEventOutputSerializer)
    def get(self, request: Request, aem_event_id: int) -> Response:
        event = one_or_404(event_rows(self.caller), pk=aem_event_id)
        return Response(AemEventOutputSerializer(event_facts(event)).data)


class AemEventAgreeApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="aem_events_agree",
        request=None,
        responses=AemEventOutputSerializer,
        description=gettext_lazy(
            "The provider agrees to an event confirmed at short notice: its targets apply. "
            "An event that does not wait for it: 422."
        ),
    )
    def post(self, request: Request, aem_event_id: int) -> Response:
        event = one_or_404(event_rows(self.caller), pk=aem_event_id)
        assert self.caller.user is not None  # staff_only
        event = aem_event_agree(event=event, user=self.caller.user, now=timezone.now())
        return Response(AemEventOutputSerializer(event_facts(event)).data)


class AemEventSummaryApi(ApiView):
    pagination_class = None

    @extend_schema(
        operation_id="aem_events_summary",
        responses=AemSummarySerializer,
        description=gettext_lazy(
            "The cases opened during the event under its targets: severity, opened, outcome "
            "and whether the first response was in time."
        ),
    )
    def get(self, request: Request, aem_event_id: int) -> Response:
        event = one_or_404(event_rows(self.caller), pk=aem_event_id)
        summary = aem_event_summary(event)
        english = (get_language() or "").startswith("en")
        body = {
            "event": event.pk,
            "opened": summary.opened,
            "still_open": summary.still_open,
            "response_met": summary.response_met,
            "response_missed": summary.response_missed,
            "cases": [
                {
                    "ticket": case.ticket_id,
                    "number": case.number,
                    "subject": case.subject,
                    "severity": case.severity(english=english),
                    "opened_at": case.opened_at,
                    "resolved_at": case.resolved_at,
                    "is_open": case.is_open,
                    "response_met": case.response_met,
                }
                for case in summary.cases
            ],
        }
        return Response(AemSummarySerializer(body).data)
