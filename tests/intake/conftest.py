"""Fixtures of the intake proofs (issue #4 §3): the corpus, the customers who send it, a real
Dovecot on loopback, and the other processes' view of the test database.

Customer A (klant-a.example, onITnow ONS): Anna, Dutch. Customer B (klant-b.example, ONS):
Piet, English. Customer M (ms-klant.example, Microsoft Advanced): Nina is a named contact,
Otto is not. Corpus files name these addresses; `{{TICKET}}` and `{{MSGID}}` are filled in
with a ticket number and the Message-ID of an email the desk sent about that ticket.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import connection, connections
from pytest_django import DjangoDbBlocker

from contracts.models import Contact, Customer
from contracts.selectors import catalogue_cache_clear
from contracts.services.catalogue import catalogue_load, catalogue_paths
from intake.smtp import smtp_controller
from notifications.services.outbox import Email, outbox_enqueue
from tests.factories import (
    ContactFactory,
    ContractFactory,
    CustomerFactory,
    UserFactory,
    named_contact,
)
from tests.tickets.helpers import create_ticket
from tickets.models import Status, Ticket
from tickets.services import ticket_resolve, ticket_transition

CORPUS = Path(__file__).parent / "corpus"
NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
IN_CI = os.environ.get("CI") == "true"


def eml(name: str, **fill: str) -> bytes:
    """A corpus message with its `{{KEY}}` placeholders filled in."""
    raw = (CORPUS / name).read_bytes()
    for key, value in fill.items():
        raw = raw.replace(b"{{" + key.encode() + b"}}", value.encode())
    assert b"{{" not in raw, f"{name} still has a placeholder: give it {fill.keys()} and more"
    return raw


def require(available: bool, reason: str) -> None:
    """A missing service fails the run in CI and skips the test elsewhere."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return value


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Stored attachments go to the test's own directory, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Committed outbox rows (transaction tests) are not published to a shared broker."""
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)


# --- the senders -------------------------------------------------------------------------------


@dataclass
class Desk:
    anna: Contact
    piet: Contact
    nina: Contact
    otto: Contact
    customer_a: Customer
    customer_b: Customer
    customer_m: Customer
    tickets: dict[str, Ticket] = field(default_factory=dict)

    def thread(self, state: str) -> dict[str, str]:
        """Anna's earlier ticket in `state` and the desk's email about it: the placeholders."""
        ticket = create_ticket(self.anna, NOW - timedelta(days=1))
        sent = outbox_enqueue(
            key=f"test:update:{ticket.pk}",
            email=Email(self.anna.email, self.anna.name, "nl", "update", "update", "<p>u</p>"),
            now=NOW - timedelta(hours=2),
            ticket=ticket,
        )
        agent = UserFactory(username="agent-intake")
        earlier = NOW - timedelta(hours=1)
        if state == "waiting":
            ticket_transition(
                ticket=ticket, to_status=Status.WAITING_FOR_CUSTOMER, now=earlier, actor=agent
            )
        elif state == "closed":
            ticket_resolve(ticket=ticket, kind="fix", text="Opgelost.", now=earlier, actor=agent)
            ticket_transition(ticket=ticket, to_status=Status.CLOSED, now=earlier, actor=agent)
        self.tickets[state] = Ticket.objects.get(pk=ticket.pk)
        return {"TICKET": ticket.number, "MSGID": sent.message_id}


def desk_build() -> Desk:
    customers = [
        CustomerFactory(code=code, name=name, email_domains=[domain])
        for code, name, domain in (
            ("klant-a", "Klant A B.V.", "klant-a.example"),
            ("klant-b", "Klant B B.V.", "klant-b.example"),
            ("klant-m", "Klant M N.V.", "ms-klant.example"),
        )
    ]
    ContractFactory(customer=customers[0], provider_code="onitnow", package_code="ons")
    ContractFactory(customer=customers[1], provider_code="onitnow", package_code="ons")
    advanced = ContractFactory(
        customer=customers[2], provider_code="microsoft", package_code="advanced"
    )
    return Desk(
        anna=ContactFactory(
            customer=customers[0], email="anna@klant-a.example", name="Anna de Vries"
        ),
        piet=ContactFactory(
            customer=customers[1], email="piet@klant-b.example", name="Piet Jansen", language="en"
        ),
        nina=named_contact(advanced, email="nina@ms-klant.example", name="Nina Bakker"),
        otto=ContactFactory(customer=customers[2], email="otto@ms-klant.example", name="Otto"),
        customer_a=customers[0],
        customer_b=customers[1],
        customer_m=customers[2],
    )


@pytest.fixture
def desk(db: None) -> Desk:
    return desk_build()


# --- transaction tests: the flush empties the catalogue too ------------------------------------


def catalogue_reload() -> None:
    catalogue_load(
        paths=catalogue_paths(settings.CATALOGUE_DIR), now=datetime(2025, 1, 1, tzinfo=UTC)
    )
    catalogue_cache_clear()


@pytest.fixture
def live_desk(transactional_db: None) -> Desk:
    """The desk, committed, for other threads and processes (the catalogue loaded first)."""
    catalogue_reload()
    return desk_build()


@pytest.fixture(scope="module")
def catalogue_back_after_module(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Runs after the module's last flush: later tests find the catalogue again."""
    yield
    with django_db_blocker.unblock():
        catalogue_reload()


# --- the MTA pipe: another process on the test database ----------------------------------------


@dataclass
class PipeDb:
    """What `manage.py ingest_email` in another process uses, and how to read what it wrote.

    PostgreSQL: the test database itself. SQLite: pytest-django's test database lives in
    memory, so the committed data is copied to a file (VACUUM INTO) that the process uses."""

    url: str
    sqlite_file: Path | None = None

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite_file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return list(cursor.fetchall())
        with sqlite3.connect(self.sqlite_file) as db:
            return list(db.execute(sql).fetchall())


@pytest.fixture
def pipe_db(live_desk: Desk, tmp_path: Path) -> PipeDb:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return PipeDb(f"postgres://{auth}@{host}/{db['NAME']}")
    if "mode=memory" not in str(db["NAME"]):
        return PipeDb(f"sqlite:///{db['NAME']}", Path(db["NAME"]))
    copy = tmp_path / "pipe.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    return PipeDb(f"sqlite:///{copy}", copy)


@pytest.fixture
def pipe_env(pipe_db: PipeDb, tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DATABASE_", "DJANGO_SETTINGS", "INTAKE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
        DATABASE_URL=pipe_db.url,
        CELERY_BROKER_URL="memory://",
        SERVICEDESK_VAR_DIR=str(tmp_path / "var"),
        INTAKE_MAX_BYTES="8000",
        LOG_LEVEL="WARNING",
    )
    return env


# --- the SMTP listener, in this process --------------------------------------------------------


@pytest.fixture
def smtp_port(settings) -> Iterator[int]:
    """The intake listener on a free loopback port, with a small size limit (8000 bytes)."""
    settings.INTAKE_MAX_BYTES = 8000
    port = free_port()
    controller = smtp_controller("127.0.0.1", port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
        # The handler's database work ran in asgiref's single sync thread: close its connection
        # there, or PostgreSQL cannot drop the test database at the end.
        SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


# --- a real Dovecot on loopback ----------------------------------------------------------------

DOVECOT = "/usr/sbin/dovecot"
IMAP_USER, IMAP_PASSWORD = "desk", "geheim"


def _service_users() -> tuple[str, str, pwd.struct_passwd]:
    """(internal, login, mail owner): Dovecot refuses root for logins and mail, so as root the
    package's own users run them; otherwise everything runs as the current user."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.getuid())
        return me.pw_name, me.pw_name, me
    try:
        internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
    except KeyError:
        internal = login = pwd.getpwnam("nobody")
    return internal.pw_name, login.pw_name, internal


def _dovecot_conf(root: Path, port: int) -> str:
    internal, login, owner = _service_users()
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{root}/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={root}/home
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class Dovecot:
    port: int
    root: Path

    def url(self, folder: str = "INBOX", query: str = "") -> str:
        base = f"imap://{IMAP_USER}:{IMAP_PASSWORD}@127.0.0.1:{self.port}/{folder}"
        return base + (f"?{query}" if query else "")

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(IMAP_USER, IMAP_PASSWORD)
        return conn

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            return sock.recv(64).startswith(b"* OK")
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Our Dovecot master and its children (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _dovecot_root(tmp_path: Path) -> Path:
    """Its directory: as root a world-traversable one under /tmp (pytest's is 0700), with
    the mail store owned by the unprivileged mail user."""
    root = Path(tempfile.mkdtemp(prefix="intake-dovecot-")) if os.geteuid() == 0 else tmp_path
    root.chmod(0o755)
    for sub in ("run", "state", "Maildir", "home"):
        (root / sub).mkdir(parents=True)
    owner = _service_users()[2]
    for sub in ("Maildir", "home"):
        os.chown(root / sub, owner.pw_uid, owner.pw_gid)
    return root


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    require(
        shutil.which(DOVECOT) is not None, f"{DOVECOT} is missing (apt-get install dovecot-imapd)"
    )
    root, port = _dovecot_root(tmp_path), free_port()
    (root / "users").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
    (root / "dovecot.conf").write_text(_dovecot_conf(root, port))
    stderr = (root / "stderr.log").open("wb")
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    server = Dovecot(port, root)
    try:
        wait_for(lambda: process.poll() is not None or _accepts(port), "dovecot to listen")
        assert process.poll() is None, (root / "stderr.log").read_text() + server.log()
        yield server
    finally:
        _stop(process)
        stderr.close()
        if root != tmp_path:
            shutil.rmtree(root, ignore_errors=True)
