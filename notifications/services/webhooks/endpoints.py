"""Managing webhook endpoints (issue #12 §4): register, change, turn off or delete, rotate the
secret, send a delivery again, and replay a range of events. Every write is here; the API only
parses and calls these.

Replay is idempotent: a delivery is unique per (endpoint, event), so replaying a range creates
deliveries only for the events the endpoint has not been sent; to send an event again that was
already delivered, "send again" that delivery (`webhook_delivery_resend`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from contracts.models import Customer, Provider
from notifications.exceptions import WebhookError, WebhookInvalid, WebhookTargetRefused
from notifications.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from notifications.services.webhooks.delivery import deliveries_cancel
from notifications.services.webhooks.events import (
    deliveries_create,
    endpoint_wants,
    webhook_dispatch,
)
from notifications.services.webhooks.signing import webhook_secret_generate
from notifications.services.webhooks.targets import url_parse, webhook_target

URL_MAX_LENGTH = 500
DESCRIPTION_MAX_LENGTH = 200
# One replay creates at most this many deliveries; a larger range is replayed in parts.
REPLAY_MAX_EVENTS = 1000


def webhook_url_check(url: str) -> str:
    """The address, stripped, if the desk may send to it; WebhookTargetRefused says why not.
    With WEBHOOK_ALLOW_PRIVATE_TARGETS the host is not resolved at registration."""
    url = url.strip()
    if len(url) > URL_MAX_LENGTH:
        raise WebhookInvalid(
            _("A webhook address has at most %(n)s characters.") % {"n": URL_MAX_LENGTH},
            field="url",
        )
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        url_parse(url)
    else:
        webhook_target(url)
    return url


def _events_check(events: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(events))
    if not wanted:
        raise WebhookInvalid(_("Choose at least one event to receive."), field="events")
    unknown = [e for e in wanted if e not in WebhookEventType.values]
    if unknown:
        raise WebhookInvalid(
            _("Unknown event type(s): %(types)s. Known types: %(known)s.")
            % {"types": ", ".join(unknown), "known": ", ".join(WebhookEventType.values)},
            field="events",
        )
    return wanted


def _description_check(description: str) -> str:
    description = description.strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise WebhookInvalid(
            _("A description has at most %(n)s characters.") % {"n": DESCRIPTION_MAX_LENGTH},
            field="description",
        )
    return description


@dataclass(frozen=True)
class WebhookEndpointInput:
    url: str
    events: Sequence[str]
    description: str = ""


@transaction.atomic
def webhook_endpoint_create(
    *,
    data: WebhookEndpointInput,
    now: datetime,
    provider: Provider | None = None,
    customer: Customer | None = None,
    created_by: User | None = None,
) -> WebhookEndpoint:
    """Register an endpoint of a provider or of a customer (exactly one); its secret is made
    here and shown to the caller once."""
    if (provider is None) == (customer is None):
        raise WebhookInvalid(_("A webhook endpoint belongs to a provider or to a customer."))
    return WebhookEndpoint.objects.create(
        provider=provider,
        customer=customer,
        url=webhook_url_check(data.url),
        events=_events_check(data.events),
        description=_description_check(data.description),
        secret=webhook_secret_generate(),
        created_at=now,
        updated_at=now,
        created_by=created_by,
    )


@dataclass(frozen=True)
class WebhookEndpointChange:
    """What a PATCH changes; None leaves a field as it is."""

    url: str | None = None
    events: Sequence[str] | None = None
    description: str | None = None
    is_active: bool | None = None


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, change: WebhookEndpointChange, now: datetime
) -> WebhookEndpoint:
    """Change an endpoint. Turning it off stops its pending deliveries; turning it on again
    starts afresh (the events it missed can be replayed)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.deleted_at is not None:
        raise WebhookError(_("This webhook endpoint was deleted."))
    if change.url is not None:
        endpoint.url = webhook_url_check(change.url)
    if change.events is not None:
        endpoint.events = _events_check(change.events)
    if change.description is not None:
        endpoint.description = _description_check(change.description)
    if change.is_active is True and not endpoint.is_active:
        endpoint.is_active = True
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
        endpoint.failing_since = None
    elif change.is_active is False and endpoint.is_active:
        endpoint.is_active = False
        endpoint.disabled_at = now
        endpoint.disabled_reason = DisabledReason.BY_OWNER
        deliveries_cancel(endpoint_id=endpoint.pk)
    endpoint.updated_at = now
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Delete an endpoint: it is turned off for good and no longer listed; its deliveries and
    their log are kept with it."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk, deleted_at__isnull=True).update(
        is_active=False,
        deleted_at=now,
        disabled_at=now,
        disabled_reason=DisabledReason.DELETED,
        updated_at=now,
    )
    deliveries_cancel(endpoint_id=endpoint.pk)


@transaction.atomic
def webhook_secret_rotate(
    *, endpoint: WebhookEndpoint, now: datetime, grace_seconds: int | None = None
) -> WebhookEndpoint:
    """A new secret; the old one keeps signing beside it for the grace period (default
    WEBHOOK_SECRET_GRACE_SECONDS), so receivers can switch without losing a delivery."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    grace = settings.WEBHOOK_SECRET_GRACE_SECONDS if grace_seconds is None else grace_seconds
    if grace < 0 or grace > 7 * 24 * 3600:
        raise WebhookInvalid(
            _("The old secret stays valid for 0 seconds to 7 days."), field="grace_seconds"
        )
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + timedelta(seconds=grace)
    endpoint.secret = webhook_secret_generate()
    endpoint.updated_at = now
    endpoint.save()
    return endpoint


def _active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise WebhookError(
            _("This webhook endpoint is turned off; turn it on before sending to it.")
        )


@transaction.atomic
def webhook_delivery_resend(*, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """ "Send again": a fresh series of attempts of an existing delivery, whatever its status,
    starting now (same event, same `webhook-id`). Refused while an attempt is under way."""
    row = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    _active(row.endpoint)
    if row.status == DeliveryStatus.SENDING and row.lease_until and row.lease_until > now:
        raise WebhookError(_("This delivery is being sent right now; try again in a minute."))
    row.status = DeliveryStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.lease_until = None
    row.save(update_fields=["status", "attempts", "next_attempt_at", "lease_until"])
    transaction.on_commit(functools.partial(webhook_dispatch, row.pk))
    return row


@dataclass(frozen=True)
class ReplayRange:
    """Events after / before an id (both exclusive), or since (inclusive) / until (exclusive)
    a time; at least one bound."""

    after_event_id: int | None = None
    before_event_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def q(self) -> Q:
        bounds = Q()
        if self.after_event_id is not None:
            bounds &= Q(pk__gt=self.after_event_id)
        if self.before_event_id is not None:
            bounds &= Q(pk__lt=self.before_event_id)
        if self.since is not None:
            bounds &= Q(created_at__gte=self.since)
        if self.until is not None:
            bounds &= Q(created_at__lt=self.until)
        return bounds


def endpoint_events(endpoint: WebhookEndpoint) -> Q:
    """The events `endpoint`'s owner may receive (the types asked for are checked apart)."""
    if endpoint.provider_id is not None:
        return Q(provider_id=endpoint.provider_id)
    return Q(customer_id=endpoint.customer_id, internal=False)


@transaction.atomic
def webhook_replay(*, endpoint: WebhookEndpoint, span: ReplayRange, now: datetime) -> int:
    """Queue the range's events the endpoint wants and was never sent; returns how many. The
    endpoint's row is locked, so two replays at once queue each event once."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    _active(endpoint)
    if span == ReplayRange():
        raise WebhookInvalid(_("Give the range of events to replay."), field="after_event_id")
    events = list(
        WebhookEvent.objects.filter(endpoint_events(endpoint), span.q(), type__in=endpoint.events)
        .exclude(deliveries__endpoint=endpoint)
        .order_by("pk")[: REPLAY_MAX_EVENTS + 1]
    )
    if len(events) > REPLAY_MAX_EVENTS:
        raise WebhookInvalid(
            _(
                "The range holds more than %(n)s events the endpoint was not sent; replay it "
                "in parts."
            )
            % {"n": REPLAY_MAX_EVENTS},
            field="before_event_id",
        )
    pairs = [(endpoint, event) for event in events if endpoint_wants(endpoint, event)]
    return len(deliveries_create(pairs, now))


__all__ = [
    "ReplayRange",
    "WebhookEndpointChange",
    "WebhookEndpointInput",
    "WebhookTargetRefused",
    "webhook_delivery_resend",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_update",
    "webhook_replay",
    "webhook_secret_rotate",
    "webhook_url_check",
]
