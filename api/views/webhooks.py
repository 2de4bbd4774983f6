"""Webhook endpoints, their delivery log, send again, replay, and the events feed (issue #12 §4).

Who manages which endpoints: a provider's token its provider's; staff signed in on the site the
providers they work with; a customer's token its organisation's, and only the support services
manager's token (a named contact's answers 403). Another tenant's endpoint answers 404. Every
write goes through `notifications.services.webhooks.endpoints`.

The feed (`events?after=<id>`) lists the events of the tickets the caller may see, oldest first,
from the id after the one given: a client that missed deliveries catches up from the last id it
handled. A customer's caller never sees an internal event (an internal note, an assignment).

A signing secret is in two answers only: the one that registers the endpoint and the one that
rotates its secret. Neither is kept for an `Idempotency-Key`: a retry with the same key and
body answers the same status and endpoint, with `secret` null (api.idempotency)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, filter_parameters, page_parameters
from api.idempotency import secret_fields_mark
from api.scope import one_or_404, rows_for, tickets_for
from api.serializers.base import ApiSerializer
from api.serializers.webhooks import (
    WebhookDeliveryOutputSerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointOutputSerializer,
    WebhookEndpointPatchInputSerializer,
    WebhookEndpointSecretOutputSerializer,
    WebhookEventPageSerializer,
    WebhookReplayInputSerializer,
    WebhookReplayOutputSerializer,
    WebhookRotateInputSerializer,
)
from api.views.base import ApiView
from api.views.listing import list_response
from contracts.models import Provider
from notifications.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from notifications.services.webhooks.endpoints import (
    ReplayRange,
    WebhookEndpointChange,
    WebhookEndpointInput,
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_replay,
    webhook_secret_rotate,
)
from tickets.selectors import contact_is_manager

FEED_PAGE = 100


def _manager_check(caller: Caller) -> None:
    if caller.contact is not None and not contact_is_manager(caller.contact):
        raise PermissionDenied(
            _("Only the support services manager manages the organisation's webhooks."),
            code="manager_only",
        )


def endpoint_rows(caller: Caller) -> QuerySet[WebhookEndpoint]:
    """The endpoints the caller manages (module docstring); deleted ones are gone."""
    _manager_check(caller)
    rows = WebhookEndpoint.objects.filter(deleted_at__isnull=True)
    if caller.contact is not None:
        return rows.filter(customer_id=caller.contact.customer_id)
    return rows_for(
        caller, rows.filter(provider__isnull=False), customer="", provider="provider_id"
    )


def endpoint_etag(endpoint: WebhookEndpoint) -> str:
    return ApiView.etag_of(
        "webhook", endpoint.pk, endpoint.updated_at.isoformat(), endpoint.is_active
    )


def endpoint_response(
    endpoint: WebhookEndpoint, *, with_secret: bool = False, created: bool = False
) -> Response:
    serializer = (
        WebhookEndpointSecretOutputSerializer if with_secret else WebhookEndpointOutputSerializer
    )
    response = Response(
        serializer(endpoint).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )
    response["ETag"] = endpoint_etag(endpoint)
    if created:
        response["Location"] = reverse("api:webhook-detail", args=[endpoint.pk])
    if with_secret:
        secret_fields_mark(response, "secret")  # never kept for an Idempotency-Key's retry
    return response


def _provider_of(caller: Caller, named: int | None) -> Provider:
    """The provider a staff caller registers for: a token's own, else the one named (of the
    providers the staff member works with)."""
    providers = rows_for(caller, Provider.objects.all(), customer="", provider="pk")
    if caller.provider_id is not None:
        return one_or_404(providers, pk=caller.provider_id)
    if named is None:
        raise serializers.ValidationError({"provider": [_("Name the provider.")]})
    return one_or_404(providers, pk=named)


class WebhookCollectionApi(ApiView):
    @extend_schema(
        operation_id="webhooks_list",
        parameters=page_parameters(),
        responses=WebhookEndpointOutputSerializer(many=True),
        description=gettext_lazy(
            "The webhook endpoints the caller manages: a provider's token its provider's, the "
            "support services manager's token its organisation's."
        ),
    )
    def get(self, request: Request) -> Response:
        return list_response(self, endpoint_rows(self.caller), WebhookEndpointOutputSerializer)

    @extend_schema(
        operation_id="webhooks_create",
        request=WebhookEndpointInputSerializer,
        responses={201: WebhookEndpointSecretOutputSerializer},
        description=gettext_lazy(
            "Register an endpoint for the events chosen. The answer holds the signing secret, "
            "shown this once. Internal, loopback and private addresses are refused. Sent "
            "again with the same Idempotency-Key, the answer is the same endpoint with the "
            "secret null: it is never kept; rotate it if it was lost."
        ),
    )
    def post(self, request: Request) -> Response:
        """Register an endpoint; the answer shows its secret once. With an Idempotency-Key the
        answer is kept without the secret: a retry with the same key and body answers 201 with
        the same endpoint (no second one) and `secret` null."""
        caller = self.caller
        endpoint_rows(caller)  # the manager check
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        owner: dict[str, Any] = (
            {"customer": caller.contact.customer}
            if caller.contact is not None
            else {"provider": _provider_of(caller, fields.get("provider"))}
        )
        endpoint = webhook_endpoint_create(
            data=WebhookEndpointInput(
                url=fields["url"],
                events=fields["events"],
                description=fields.get("description", ""),
            ),
            now=timezone.now(),
            created_by=caller.user,
            **owner,
        )
        return endpoint_response(endpoint, with_secret=True, created=True)


class WebhookDetailApi(ApiView):
    @extend_schema(operation_id="webhooks_read", responses=WebhookEndpointOutputSerializer)
    def get(self, request: Request, webhook_id: int) -> Response:
        endpoint = one_or_404(endpoint_rows(self.caller), pk=webhook_id)
        etag = endpoint_etag(endpoint)
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return endpoint_response(endpoint)

    @extend_schema(
        operation_id="webhooks_update",
        request=WebhookEndpointPatchInputSerializer,
        responses=WebhookEndpointOutputSerializer,
        description=gettext_lazy(
            "Change the address, events, description, or turn the endpoint off or on. Send "
            "If-Match with the ETag you read: a stale write answers 412."
        ),
    )
    def patch(self, request: Request, webhook_id: int) -> Response:
        caller = self.caller
        data = WebhookEndpointPatchInputSerializer(data=request.data)
        with transaction.atomic():
            endpoint = one_or_404(endpoint_rows(caller).select_for_update(), pk=webhook_id)
            self.if_match_check(endpoint_etag(endpoint))
            data.is_valid(raise_exception=True)
            endpoint = webhook_endpoint_update(
                endpoint=endpoint,
                change=WebhookEndpointChange(**data.validated_data),
                now=timezone.now(),
            )
        return endpoint_response(endpoint)

    @extend_schema(
        operation_id="webhooks_delete",
        responses={204: None},
        description=gettext_lazy(
            "Delete the endpoint: nothing more is sent to it and it is no longer listed."
        ),
    )
    def delete(self, request: Request, webhook_id: int) -> Response:
        with transaction.atomic():
            endpoint = one_or_404(endpoint_rows(self.caller).select_for_update(), pk=webhook_id)
            self.if_match_check(endpoint_etag(endpoint))
            webhook_endpoint_delete(endpoint=endpoint, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretApi(ApiView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        request=WebhookRotateInputSerializer,
        responses=WebhookEndpointSecretOutputSerializer,
        description=gettext_lazy(
            "A new signing secret, shown this once. The old one keeps signing beside it (two "
            "signatures per delivery) for the grace period, a day unless you say otherwise. "
            "Sent again with the same Idempotency-Key, nothing is rotated a second time and "
            "the secret is null: it is never kept."
        ),
    )
    def post(self, request: Request, webhook_id: int) -> Response:
        """Rotate the secret; the answer shows the new one once. With an Idempotency-Key a
        retry with the same key and body does not rotate again (which would push out the
        secret just made) and answers the same endpoint with `secret` null."""
        endpoint = one_or_404(endpoint_rows(self.caller), pk=webhook_id)
        data = WebhookRotateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhook_secret_rotate(
            endpoint=endpoint,
            now=timezone.now(),
            grace_seconds=data.validated_data.get("grace_seconds"),
        )
        return endpoint_response(endpoint, with_secret=True)


class DeliveryFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=DeliveryStatus.choices)
    event = IdFilter(field_name="event_id")

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []


def delivery_rows(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("pk")))
    )


class WebhookDeliveriesApi(ApiView):
    @extend_schema(
        operation_id="webhooks_deliveries",
        parameters=[*filter_parameters(DeliveryFilter), *page_parameters()],
        responses=WebhookDeliveryOutputSerializer(many=True),
        description=gettext_lazy(
            "The endpoint's delivery log, newest first: each delivery's status, attempts, last "
            "status code and the start of the receiver's answer, with every attempt."
        ),
    )
    def get(self, request: Request, webhook_id: int) -> Response:
        endpoint = one_or_404(endpoint_rows(self.caller), pk=webhook_id)
        return list_response(
            self, delivery_rows(endpoint), WebhookDeliveryOutputSerializer, filterset=DeliveryFilter
        )


class WebhookDeliveryResendApi(ApiView):
    @extend_schema(
        operation_id="webhooks_delivery_resend",
        request=None,
        responses=WebhookDeliveryOutputSerializer,
        description=gettext_lazy(
            "Send the delivery again now (same event, same webhook-id), with a fresh series of "
            "attempts, whatever its status."
        ),
    )
    def post(self, request: Request, webhook_id: int, delivery_id: int) -> Response:
        endpoint = one_or_404(endpoint_rows(self.caller), pk=webhook_id)
        delivery = one_or_404(delivery_rows(endpoint), pk=delivery_id)
        webhook_delivery_resend(delivery=delivery, now=timezone.now())
        return Response(
            WebhookDeliveryOutputSerializer(delivery_rows(endpoint).get(pk=delivery.pk)).data
        )


class WebhookReplayApi(ApiView):
    @extend_schema(
        operation_id="webhooks_replay",
        request=WebhookReplayInputSerializer,
        responses={202: WebhookReplayOutputSerializer},
        description=gettext_lazy(
            "Send the endpoint the events of a range (ids after / before, or a time since / "
            "until) that it was never sent; events it was sent are left out (send those again "
            "from the delivery log)."
        ),
    )
    def post(self, request: Request, webhook_id: int) -> Response:
        endpoint = one_or_404(endpoint_rows(self.caller), pk=webhook_id)
        data = WebhookReplayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        queued = webhook_replay(
            endpoint=endpoint, span=ReplayRange(**data.validated_data), now=timezone.now()
        )
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)


def event_rows(caller: Caller) -> QuerySet[WebhookEvent]:
    """The events of the tickets the caller may see; never an internal one to a customer."""
    rows = WebhookEvent.objects.filter(ticket__in=tickets_for(caller).values("pk"))
    if caller.contact is not None:
        return rows.filter(customer_id=caller.contact.customer_id, internal=False)
    if caller.provider_id is not None:
        return rows.filter(provider_id=caller.provider_id)  # the (provider, id) index
    return rows


class EventFeedApi(ApiView):
    @extend_schema(
        operation_id="events_feed",
        parameters=[
            OpenApiParameter(
                "after",
                OpenApiTypes.INT,
                description=gettext_lazy("The last event id you handled (0: from the start)."),
            ),
            OpenApiParameter(
                "type",
                {"type": "array", "items": {"type": "string", "enum": WebhookEventType.values}},
                explode=True,
                description=gettext_lazy("Only events of these types."),
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=gettext_lazy("At most 100 a page.")
            ),
        ],
        responses=WebhookEventPageSerializer,
        description=gettext_lazy(
            "Every event of the tickets the caller may see, oldest first, after the id given: "
            "a client that missed deliveries catches up here, page by page."
        ),
    )
    def get(self, request: Request) -> Response:
        query = FeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        rows = event_rows(self.caller).filter(pk__gt=after)
        if types := query.validated_data.get("type"):
            rows = rows.filter(type__in=types)
        page = list(rows.order_by("pk")[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
        return Response(
            WebhookEventPageSerializer(
                {
                    "results": page,
                    "next_after": page[-1].pk if page else after,
                    "has_more": more,
                }
            ).data
        )


class FeedQuerySerializer(ApiSerializer):
    after = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=FEED_PAGE, default=FEED_PAGE)
    type = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices), required=False
    )
