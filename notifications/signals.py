"""What the outbox tells the layers above it, without importing them.

`outbox_refused` is sent (sender=OutboxEmail, outbox_id=..., now=...) after a row failed on a
permanent refusal; escalation connects to it to tell the next person in line."""

from django.dispatch import Signal

outbox_refused = Signal()
