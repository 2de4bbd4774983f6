"""What a database connection needs behind a connection pooler (issue #17 §1).

Behind PgBouncer in transaction pooling, one client connection is served by whichever server
connection is free for each transaction, so nothing may outlive a transaction on the server:

- no server-side cursors: Django's `.iterator()` declares a cursor WITH HOLD outside a
  transaction, which lives in one server session and would be fetched from another
  (DISABLE_SERVER_SIDE_CURSORS fetches in chunks from a client-side cursor instead);
- no named prepared statements: psycopg's client-side binding, Django's default, sends each
  query whole (`prepare_threshold` None, `server_side_binding` off, even if the URL asks);
- no session-level SET and no advisory locks: the project has neither. Its `SET LOCAL
  synchronous_commit TO OFF; <statement>` (contracts/bulk_sql.py, api/idempotency.py) is ONE
  simple-protocol message run outside a transaction block, which PostgreSQL runs as ONE
  implicit transaction: PgBouncer gives the server connection back only at its end, and the
  setting ends with it;
- the session parameters Django sets on connect (TimeZone) are tracked by PgBouncer and set
  again on whichever server connection serves the client; the role's `timezone` set to UTC
  spares even that (README).

The client connection itself may persist (CONN_MAX_AGE): it costs PgBouncer nothing, and the
health check at a request's start replaces one that a PgBouncer restart has closed.
"""

from __future__ import annotations

from typing import Any

POOLERS = ("", "pgbouncer")


def database_pooled(database: dict[str, Any], pooling: str) -> dict[str, Any]:
    """`database` (a DATABASES entry) as `pooling` needs it: unchanged when there is none."""
    if pooling not in POOLERS:
        raise ValueError(f"DATABASE_POOLING must be empty or pgbouncer, not {pooling!r}")
    if not pooling:
        return database
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("DATABASE_POOLING=pgbouncer needs a PostgreSQL DATABASE_URL")
    options = {**database.get("OPTIONS", {}), "prepare_threshold": None}
    options["server_side_binding"] = False
    return {
        **database,
        "OPTIONS": options,
        "DISABLE_SERVER_SIDE_CURSORS": True,
        "CONN_HEALTH_CHECKS": True,
    }
