"""Recording what happened (issue #12 §4): one event row, and one delivery per endpoint that
wants it, written in the caller's transaction (a rollback leaves neither); the sends are asked
for on commit, and the relay sends whatever a lost publish left behind.

Who gets an event: the active endpoints of the ticket's provider, and those of the ticket's
customer unless the event is `internal` (an internal note, who works the ticket): a customer's
endpoint only ever hears of its own organisation's tickets, and only of what the portal shows.
The payload (Standard Webhooks: {"type", "timestamp", "data"}) is rendered here and nowhere else.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from contracts.inserts import insert_statement, mark_saved
from notifications.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from notifications.services.outbox import outbox_inserted, outbox_inserts_take, task_publish
from tickets.models import Ticket

SEND_TASK = "notifications.tasks.webhook_send_task"
# What deciding on an endpoint reads (`endpoint_wants`), in this order.
CANDIDATE_FIELDS = ["id", "provider_id", "customer_id", "events"]


def webhook_dispatch(delivery_id: int) -> None:
    """Ask a worker to send one delivery now; the relay sends it if the publish fails."""
    task_publish(SEND_TASK, delivery_id, "webhook delivery")


def iso(value: datetime | None) -> str | None:
    """UTC, ISO 8601 with a "Z", as Standard Webhooks writes times."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _public_id() -> str:
    return "msg_" + base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()


def ticket_api_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}/api/v1/tickets/{ticket.pk}/"


def webhook_event_data(ticket: Ticket, facts: dict[str, Any]) -> dict[str, Any]:
    """The event's `data`: the ticket as an integrator reads it, then the event's own facts."""
    return {
        "ticket": {
            "id": ticket.pk,
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority_level or None,
            "priority_rank": ticket.priority_rank,
            "customer": {"code": ticket.customer.code, "name": ticket.customer.name},
            "contract": ticket.contract.reference,
            "response_due_at": iso(ticket.response_due_at),
            "resolution_due_at": iso(ticket.resolution_due_at),
            "url": ticket_api_url(ticket),
        },
        **facts,
    }


def webhook_body(event: WebhookEvent) -> bytes:
    """The request body of every attempt of `event`, byte for byte the same each time."""
    document = {"type": event.type, "timestamp": iso(event.created_at), "data": event.payload}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def endpoint_wants(endpoint: WebhookEndpoint, event: WebhookEvent) -> bool:
    """Whether `endpoint` is one `event` goes to (its owner may see it, it asked for the type)."""
    if event.type not in endpoint.events:
        return False
    if endpoint.provider_id is not None:
        return endpoint.provider_id == event.provider_id
    return endpoint.customer_id == event.customer_id and not event.internal


def _candidates(events: list[WebhookEvent]) -> tuple[str, list[Any]]:
    """The active endpoints of the events' providers, and of their customers for the events
    that are not internal (every endpoint any of them may go to): plain SQL selecting
    CANDIDATE_FIELDS (built by the ORM it cost more than the database's answer, on every
    ticket change)."""
    table = WebhookEndpoint._meta.db_table
    providers = sorted({e.provider_id for e in events})
    customers = sorted({e.customer_id for e in events if not e.internal})
    owners, params = f"provider_id IN ({', '.join(['%s'] * len(providers))})", [*providers]
    if customers:
        owners = f"({owners} OR customer_id IN ({', '.join(['%s'] * len(customers))}))"
        params += customers
    sql = f"SELECT {', '.join(CANDIDATE_FIELDS)} FROM {table} WHERE is_active AND {owners}"
    return sql, params


def _events_insert(events: list[WebhookEvent]) -> list[tuple[WebhookEndpoint, WebhookEvent]]:
    """INSERT the events and return each with every endpoint that wants it. On PostgreSQL in
    one round trip (a data-modifying WITH: every ticket change writes an event, and most have
    no endpoint to go to); elsewhere one INSERT of the events, then one SELECT."""
    select_sql, select_params = _candidates(events)
    if connection.vendor != "postgresql":
        WebhookEvent.objects.bulk_create(events)
        with connection.cursor() as cursor:
            cursor.execute(select_sql, select_params)
            joined = [(None, *row) for row in cursor.fetchall()]
    else:
        insert_sql, insert_params = insert_statement(events)
        # The change's new mails, if they wait (outbox_inserts_carried): written by this same
        # statement, their keys an array column each.
        carried = outbox_inserts_take()
        mails = "".join(f"o{n} AS ({c.sql}), " for n, c in enumerate(carried))
        keys = "".join(
            f", (SELECT array_agg(id ORDER BY id) FROM o{n})" for n in range(len(carried))
        )
        with connection.cursor() as cursor:
            # The ids of one INSERT rise in the order of its rows: ORDER BY gives each event's.
            cursor.execute(
                f"WITH {mails}event AS ({insert_sql}) SELECT event.*, wanted.*{keys} FROM event "
                f"LEFT JOIN ({select_sql}) wanted ON true ORDER BY 1",
                [*(p for c in carried for p in c.params), *insert_params, *select_params],
            )
            joined = cursor.fetchall()
        for n, mail in enumerate(carried):
            outbox_inserted(mail, list(joined[0][5 + n]))
        joined = [row[:5] for row in joined]
        for event, pk in zip(events, sorted({row[0] for row in joined}), strict=True):
            mark_saved(event, pk)
    rows = {  # the backends hand JSON over as text: the field's own decoding, by hand
        pk: (pk, provider, customer, json.loads(wanted) if isinstance(wanted, str) else wanted)
        for _, pk, provider, customer, wanted in joined
        if pk is not None
    }
    candidates = [
        WebhookEndpoint.from_db(connection.alias, CANDIDATE_FIELDS, row) for row in rows.values()
    ]
    return [(ep, event) for event in events for ep in candidates if endpoint_wants(ep, event)]


def deliveries_create(
    endpoint_event_pairs: list[tuple[WebhookEndpoint, WebhookEvent]], now: datetime
) -> list[WebhookDelivery]:
    """New pending deliveries, due now, each sent on commit (the relay covers a lost publish)."""
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint, event in endpoint_event_pairs
    )
    for row in rows:
        transaction.on_commit(functools.partial(webhook_dispatch, row.pk))
    return rows


def webhook_event_build(
    *,
    event_type: str,
    ticket: Ticket,
    now: datetime,
    data: dict[str, Any] | None = None,
    internal: bool = False,
) -> WebhookEvent:
    """An event, not yet written (`webhook_events_write` writes it)."""
    return WebhookEvent(
        public_id=_public_id(),
        type=event_type,
        provider_id=ticket.provider_id,
        customer_id=ticket.customer_id,
        ticket=ticket,
        internal=internal,
        payload=webhook_event_data(ticket, data or {}),
        created_at=now,
    )


def webhook_events_write(events: list[WebhookEvent], now: datetime) -> list[WebhookEvent]:
    """Write events and their deliveries in the caller's transaction (module docstring): one
    round trip for the events and their endpoints (two off PostgreSQL), one INSERT of the
    deliveries if any endpoint wants them."""
    if not events:
        return events
    pairs = _events_insert(events)
    if pairs:
        deliveries_create(pairs, now)
    return events


def webhook_event_record(
    *,
    event_type: str,
    ticket: Ticket,
    now: datetime,
    data: dict[str, Any] | None = None,
    internal: bool = False,
) -> WebhookEvent:
    """Write the event and its deliveries in the caller's transaction (module docstring)."""
    event = webhook_event_build(
        event_type=event_type, ticket=ticket, now=now, data=data, internal=internal
    )
    return webhook_events_write([event], now)[0]
