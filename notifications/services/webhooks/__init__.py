"""Webhooks (issue #12 §4): events recorded with the change that caused them, deliveries sent
by Celery under a lease with back-off, Standard Webhooks signatures, the SSRF guard, and the
endpoints' management. The modules:

- `events`: `webhook_event_record` (the one writer of events and their deliveries) and the
  payload;
- `delivery`: the send (claim, POST, record), the relay and turning failing endpoints off;
- `endpoints`: register, change, delete, rotate the secret, send again, replay;
- `signing`: secrets, signatures and `webhook_signature_verify` (what a receiver does);
- `targets`: where the desk may post, and the POST itself;
- `notices`: the owner's mail when an endpoint is turned off.
"""
