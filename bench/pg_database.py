"""Create a bench's PostgreSQL database when missing: for our benches and the peer harness alike
(standard library and psycopg only, so bench/peer/driver.py imports it under the peer's venv)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def postgres_database_ensure(url: str) -> None:
    """Create the PostgreSQL database of `url` when missing (connecting to `postgres`)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
