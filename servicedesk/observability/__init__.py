"""What an operator sees of a running desk (issue #17 §1): liveness and readiness probes, the
Prometheus endpoint with its request-latency histogram and database gauges, and structured logs
that carry the request id and the Celery task id.

Config-level plumbing, so it lives under `servicedesk/` (the top layer): it reads the models of
tickets, notifications and intake and the client-address rule of portal.lockout."""
