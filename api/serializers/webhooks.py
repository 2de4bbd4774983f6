"""Webhook endpoints, their delivery log and the events feed, in and out (issue #12 §4).
Shapes only: every rule is in `notifications.services.webhooks` and answers as a domain error.

The signing secret is shown twice only: in the answer that creates the endpoint and in the
answer of a rotation (null when either is answered again for an Idempotency-Key)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from notifications.models import DeliveryStatus, DisabledReason, WebhookEventType


class WebhookEndpointInputSerializer(ApiSerializer):
    url = serializers.URLField(max_length=500, help_text=_("Where the events are posted."))
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        max_length=len(WebhookEventType.choices),
        help_text=_("The event types to receive (at least one)."),
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    provider = serializers.IntegerField(
        required=False,
        help_text=_("Staff signed in on the site name the provider; a token's is its own."),
    )


class WebhookEndpointPatchInputSerializer(ApiSerializer):
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        max_length=len(WebhookEventType.choices),
        required=False,
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(
        required=False,
        help_text=_("False turns the endpoint off (its pending deliveries stop); true, on again."),
    )


class WebhookEndpointOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEventType.choices))
    provider = serializers.IntegerField(source="provider_id", allow_null=True)
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    is_active = serializers.BooleanField()
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.ChoiceField(
        choices=[("", ""), *DisabledReason.choices], allow_blank=True
    )
    failing_since = serializers.DateTimeField(
        allow_null=True, help_text=_("The first failure since the last successful delivery.")
    )
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("After a rotation, the old secret also signs until this time."),
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class WebhookEndpointSecretOutputSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(
        allow_null=True,
        help_text=_(
            "The signing secret (Standard Webhooks, whsec_...). Shown this once: null in the "
            "answer to a retry with the same Idempotency-Key, as the secret is never kept."
        ),
    )


class WebhookRotateInputSerializer(ApiSerializer):
    grace_seconds = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=7 * 24 * 3600,
        help_text=_("How long the old secret keeps signing beside the new one (default a day)."),
    )


class WebhookEventRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    msg_id = serializers.CharField(source="public_id", help_text=_("The webhook-id header."))
    type = serializers.ChoiceField(choices=WebhookEventType.choices)
    created_at = serializers.DateTimeField()


class WebhookAttemptOutputSerializer(ApiSerializer):
    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    response = serializers.CharField(help_text=_("The first 2 KB of the receiver's answer."))
    error = serializers.CharField()
    succeeded = serializers.BooleanField()


class WebhookDeliveryOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    event = WebhookEventRefSerializer()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_response = serializers.CharField(help_text=_("The first 2 KB of the last answer."))
    last_error = serializers.CharField()
    succeeded_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    log = WebhookAttemptOutputSerializer(many=True, source="attempt_log.all")


class WebhookReplayInputSerializer(ApiSerializer):
    after_event_id = serializers.IntegerField(required=False, min_value=0)
    before_event_id = serializers.IntegerField(required=False, min_value=1)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class WebhookReplayOutputSerializer(ApiSerializer):
    queued = serializers.IntegerField(help_text=_("Deliveries created for events not yet sent."))


class WebhookEventOutputSerializer(ApiSerializer):
    id = serializers.IntegerField(help_text=_("The feed's cursor: ask for events?after=<id>."))
    msg_id = serializers.CharField(source="public_id")
    type = serializers.ChoiceField(choices=WebhookEventType.choices)
    timestamp = serializers.DateTimeField(source="created_at")
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True)
    # The declared field leaves the class (DRF's metaclass): `.data` is still the serializer's.
    data = serializers.JSONField(source="payload")  # type: ignore[assignment]


class WebhookEventPageSerializer(ApiSerializer):
    results = WebhookEventOutputSerializer(many=True)
    next_after = serializers.IntegerField(
        help_text=_("Ask for events?after=<this> next (the last id of this page).")
    )
    has_more = serializers.BooleanField()
