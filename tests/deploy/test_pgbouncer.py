"""The desk through PgBouncer in transaction pooling (issue #17 §1): a private PgBouncer (Debian's
package) on a loopback port, in front of the test database, and the real services through it,
committing as in production: a ticket created, a customer's reply, an email received (the
`SET LOCAL` path of contracts/bulk_sql.py runs outside a transaction), a sweep, an `.iterator()`.

PgBouncer serves each transaction from whichever of its two server connections is free, so a
session setting that leaked out of a transaction would show on the next one. The connection
settings are those of DATABASE_POOLING=pgbouncer (servicedesk/databases.py), whose health check
also makes a PgBouncer restart cost no request.

Runs on PostgreSQL (DATABASE_URL); in CI (CI=true) a missing PgBouncer or a test database that is
not PostgreSQL fails it, elsewhere it skips."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from escalation.services.sweep import escalation_sweep
from intake.models import InboundMessage
from intake.services.receive import inbound_receive
from servicedesk.databases import database_pooled
from tests.browser_support import _catalogue_back_after_the_last_flush, catalogue_reload
from tests.deploy.support import free_port, require, wait_for
from tests.intake.conftest import NOW, desk_build, eml
from tests.tickets.helpers import create_ticket
from tickets.models import Ticket
from tickets.services import ticket_reply_customer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(_catalogue_back_after_the_last_flush.__name__),
]

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
CONFIG = """[databases]
* = host={host} port={port}{password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
admin_users = {user}
pool_mode = transaction
default_pool_size = 2
ignore_startup_parameters = extra_float_digits
"""


def _accepts(port: int, user: str) -> bool:
    try:
        with psycopg.connect(host="127.0.0.1", port=port, user=user, dbname="pgbouncer"):
            return True
    except psycopg.Error:
        return False


@dataclass
class Bouncer:
    """A PgBouncer of the test's own, as root run as nobody (it refuses to run as root)."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self, user: str) -> None:
        as_nobody = ["-u", "nobody"] if os.geteuid() == 0 else []
        log = (self.folder / "pgbouncer.log").open("ab")
        self.process = subprocess.Popen(
            [PGBOUNCER, *as_nobody, str(self.folder / "pgbouncer.ini")], stdout=log, stderr=log
        )
        wait_for(lambda: _accepts(self.port, user), "PgBouncer to listen", 15)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def pgbouncer() -> Iterator[Bouncer]:
    """A PgBouncer in transaction pooling in front of the test database's server."""
    require(connection.vendor == "postgresql", "the PgBouncer proof needs PostgreSQL")
    require(os.path.exists(PGBOUNCER), "PgBouncer is not installed (Debian package pgbouncer)")
    real = connection.settings_dict
    user = real["USER"] or "postgres"
    bouncer = Bouncer(folder=Path(tempfile.mkdtemp(prefix="pgbouncer-")), port=free_port())
    bouncer.folder.chmod(0o755)  # readable by nobody
    password = f" password={real['PASSWORD']}" if real["PASSWORD"] else ""
    (bouncer.folder / "pgbouncer.ini").write_text(
        CONFIG.format(
            host=real["HOST"] or "127.0.0.1",
            port=real["PORT"] or 5432,
            password=password,
            listen=bouncer.port,
            folder=bouncer.folder,
            user=user,
        )
    )
    (bouncer.folder / "userlist.txt").write_text(f'"{user}" ""\n')
    for name in ("pgbouncer.ini", "userlist.txt"):
        (bouncer.folder / name).chmod(0o644)
    try:
        bouncer.start(user)
        yield bouncer
    finally:
        bouncer.stop()
        shutil.rmtree(bouncer.folder, ignore_errors=True)


@pytest.fixture
def through_pgbouncer(pgbouncer: Bouncer, settings: Any, tmp_path: Path) -> Iterator[Bouncer]:
    """The default connection through PgBouncer, with DATABASE_POOLING=pgbouncer's settings."""
    settings.MEDIA_ROOT = tmp_path / "media"
    real = dict(connection.settings_dict)
    connection.close()
    pooled = database_pooled({**real, "HOST": "127.0.0.1", "PORT": pgbouncer.port}, "pgbouncer")
    connection.settings_dict.update(pooled)
    try:
        yield pgbouncer
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(real)


def _transactions_served(port: int, user: str) -> int:
    """PgBouncer's own count of the transactions it served for the test database."""
    with psycopg.connect(
        host="127.0.0.1", port=port, user=user, dbname="pgbouncer", autocommit=True
    ) as admin:
        cursor = admin.execute("SHOW STATS")
        names = [column.name for column in cursor.description or []]
        rows = cursor.fetchall()
    name = connection.settings_dict["NAME"]
    return sum(row[names.index("total_xact_count")] for row in rows if row[0] == name)


def test_the_services_work_through_pgbouncer_in_transaction_pooling(
    through_pgbouncer: Bouncer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Committed mails are not published to a shared broker.
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
    catalogue_reload()  # an earlier committing test's flush removed it
    desk = desk_build()
    connection.ensure_connection()
    assert connection.connection.info.port == through_pgbouncer.port

    ticket = create_ticket(desk.anna, NOW)
    reply = ticket_reply_customer(
        ticket=ticket, contact=desk.anna, body="Nog steeds stuk.", now=NOW, channel="portal"
    )
    inbound, created = inbound_receive(
        raw=eml("01_outlook_plain_nl.eml"), transport="pipe", now=NOW + timedelta(minutes=1)
    )
    swept = escalation_sweep(now=NOW + timedelta(days=3))
    numbers = [t.number for t in Ticket.objects.order_by("pk").iterator(chunk_size=1)]

    assert reply.outcome == "added"
    assert created
    assert InboundMessage.objects.get(pk=inbound.pk).ticket_id is not None
    assert swept.checked >= 2
    assert len(numbers) == Ticket.objects.count() >= 2
    assert ticket.number in numbers
    # Nothing outlived its transaction: every server connection is as it was configured.
    with connection.cursor() as cursor:
        for _ in range(4):
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)
            cursor.execute("SHOW TimeZone")  # Django's session setting, kept by PgBouncer
            assert cursor.fetchone() == ("UTC",)
    user = connection.settings_dict["USER"] or "postgres"
    assert _transactions_served(through_pgbouncer.port, user) >= 20


def test_a_pgbouncer_restart_fails_no_request(through_pgbouncer: Bouncer) -> None:
    """A persistent connection that a PgBouncer restart closed is replaced when the next
    request starts (the health check of DATABASE_POOLING), instead of failing that request."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    through_pgbouncer.stop()
    through_pgbouncer.start(connection.settings_dict["USER"] or "postgres")
    connection.close_if_unusable_or_obsolete()  # what Django does as a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
