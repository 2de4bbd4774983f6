"""Back-office registrations of the notifications app, one module per sub-domain: the outbox,
webhook endpoints and their delivery log."""

from notifications.admin import outbox, webhook_deliveries, webhooks

__all__ = ["outbox", "webhook_deliveries", "webhooks"]
