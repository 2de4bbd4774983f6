"""Issue #3 §3: delivery proofs against real services (DECISIONS D10-D12).

PostgreSQL (the test database), a Redis of our own, real `celery -A servicedesk worker`
processes and an aiosmtpd server on loopback that records every message it receives. Workers
and sweeps are other processes, so these tests commit (transaction=True). The flush after each
such test empties every table, the catalogue too: each test loads it first, and the module
loads it again at its end for the tests that follow.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from contracts.models import Contact
from contracts.selectors import catalogue_cache_clear
from contracts.services.catalogue import catalogue_load, catalogue_paths
from escalation.models import Escalation
from notifications.models import OutboxEmail, OutboxState
from tests.escalation.conftest import (
    RedisServer,
    SmtpServer,
    Worker,
    stop_process,
    wait_for,
)
from tests.escalation.helpers import coordinator
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local
from tickets.models import Ticket
from tickets.services import ticket_assign

LIVE_DB = pytest.mark.django_db(transaction=True)
SSM = "j.blanke@onitnow.nl"  # onITnow level 1: Service Support Manager Jan Blanke
COO = "f.dejong@onitnow.nl"  # ONS level 2: COO Frank de Jong
CATALOGUE_LOADED_AT = datetime(2025, 1, 1, tzinfo=UTC)  # as tests/conftest.py loads it


def catalogue_reload() -> None:
    catalogue_load(paths=catalogue_paths(settings.CATALOGUE_DIR), now=CATALOGUE_LOADED_AT)
    catalogue_cache_clear()


@pytest.fixture(scope="module", autouse=True)
def _catalogue_back_after_the_last_flush(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Runs after the last test's flush: later tests find the catalogue again."""
    yield
    with django_db_blocker.unblock():
        catalogue_reload()


@dataclass
class Desk:
    contact: Contact
    assignee: User
    coordinator: User


@pytest.fixture
def desk() -> Desk:
    """An ONS contract without a CSAM, a named contact, an assignee and a support coordinator."""
    catalogue_reload()  # the previous test's flush removed it
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    assignee = UserFactory(username="assignee", email="assignee@provider.example")
    return Desk(named_contact(contract), assignee, coordinator())


def top_ticket(desk: Desk, created: str) -> Ticket:
    ticket = create_ticket(desk.contact, ams(created), priority_level="top", send_receipt=False)
    return ticket_assign(
        ticket=ticket, assignee=desk.assignee, now=ams(created), actor=desk.assignee
    )


# --- other processes --------------------------------------------------------------------------


def run(env: dict, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@dataclass(frozen=True)
class Swept:
    checked: int
    fired: int
    output: str


SWEEP_AT = """
import sys
from datetime import datetime
import django
django.setup()
from escalation.services.sweep import escalation_sweep
result = escalation_sweep(now=datetime.fromisoformat(sys.argv[1]))
print(f"checked {result.checked} tickets, fired {result.fired} escalations")
"""


def sweep(env: dict, when: str) -> Swept:
    """The sweep service at a given moment (Amsterdam wall-clock time), in its own process.
    (`manage.py escalation_sweep --now` is a dry run: only a sweep at the real now writes.)"""
    result = run(env, "-c", SWEEP_AT, ams(when).isoformat())
    found = re.search(r"checked (\d+) tickets, fired (\d+) escalations", result.stdout)
    assert found, result.stdout
    return Swept(int(found[1]), int(found[2]), result.stdout + result.stderr)


def relay(env: dict) -> None:
    """Publish outbox_relay_task to the broker; the worker re-dispatches what is pending."""
    run(env, "-m", "celery", "-A", "servicedesk", "call", "escalation.tasks.outbox_relay_task")


def relay_results(worker: Worker) -> list[int]:
    pattern = r"outbox_relay_task\[[^\]]+\] succeeded in [\d.]+s: (\d+)"
    return [int(n) for n in re.findall(pattern, worker.log())]


# --- the outbox and the SMTP server -----------------------------------------------------------


def wait_until_sent(rows: int, worker: Worker, relay_env: dict | None = None) -> list[OutboxEmail]:
    """Wait until there are `rows` outbox rows, all sent; then the SMTP record is final.

    With `relay_env`, the relay is published every few seconds meanwhile, as beat does: a mail
    written at a simulated past moment counts as late, and a late ticket's mails after the
    first are sent by the relay, in level order (catch-up), not by their own dispatch."""
    relayed_at = [0.0]

    def all_sent() -> bool:
        states = list(OutboxEmail.objects.values_list("state", flat=True))
        done = len(states) == rows and set(states) <= {OutboxState.SENT}
        if not done and relay_env is not None and time.monotonic() - relayed_at[0] > 3:
            relayed_at[0] = time.monotonic()
            relay(relay_env)
        return done

    wait_for(all_sent, what=f"{rows} outbox rows to be sent", diagnostics=worker.log)
    return list(OutboxEmail.objects.order_by("pk"))


def assert_each_received_once(smtp: SmtpServer, rows: list[OutboxEmail]) -> None:
    """Every row arrived exactly once (by Message-ID), to its recipient, with its subject."""
    assert smtp.handler.count_by_message_id() == Counter(r.message_id for r in rows)
    assert len({r.message_id for r in rows}) == len(rows)
    by_id = {r.message_id: r for r in rows}
    for message in smtp.handler.messages:
        row = by_id[message.message_id]
        assert message.rcpt_tos == (row.to_email,)
        assert row.to_email in message.to
        assert message.subject == row.subject


def row_lockable(pk: int) -> bool:
    """True once no other session holds the row lock (a killed sender's session has ended)."""
    with transaction.atomic():
        rows = OutboxEmail.objects.select_for_update(skip_locked=True).filter(pk=pk)
        return bool(list(rows.values_list("pk", flat=True)))


# --- 0. the wiring ----------------------------------------------------------------------------


@pytest.mark.django_db  # the test database must exist: its name is what is checked
def test_worker_processes_use_the_test_database_our_redis_and_our_smtp_server(
    service_env: dict, smtp_server: SmtpServer, redis_server: RedisServer
) -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL, "
        "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.CELERY_TASK_ALWAYS_EAGER]))"
    )
    name, broker, backend, host, port, eager = json.loads(run(service_env, "-c", code).stdout)
    assert name == connection.settings_dict["NAME"]
    assert name.startswith("test_")
    assert broker == redis_server.url
    assert (backend, host, port) == (
        "django.core.mail.backends.smtp.EmailBackend",
        "127.0.0.1",
        smtp_server.port,
    )
    assert eager is False


# --- 1. broker outage -------------------------------------------------------------------------


@LIVE_DB
def test_a_broker_outage_delays_mail_but_never_loses_or_doubles_it(
    service_env: dict,
    smtp_server: SmtpServer,
    redis_server: RedisServer,
    workers: Callable[[], Worker],
    desk: Desk,
) -> None:
    redis_server.start()
    redis_server.stop()  # the broker goes down before the tickets come in
    for _ in range(2):
        top_ticket(desk, "2026-06-01 09:00")  # Top: response due 10:00, warning at 09:45
    warned = sweep(service_env, "2026-06-01 09:50")  # warning: assignee + coordinator
    breached = sweep(service_env, "2026-06-01 10:30")  # level 1: the SSM; the assignee's notice
    assert (warned.fired, breached.fired) == (2, 2)
    assert "broker unavailable" in warned.output
    assert "broker unavailable" in breached.output
    pending = list(OutboxEmail.objects.all())
    assert len(pending) == 2 * 2 + 2 * 2
    assert {(r.state, r.attempts) for r in pending} == {(OutboxState.PENDING, 0)}
    assert smtp_server.handler.messages == []

    redis_server.start()  # the broker is back; a worker starts, the relay runs
    worker = workers()
    relay(service_env)
    sent = wait_until_sent(len(pending), worker)
    assert_each_received_once(smtp_server, sent)
    assert {r.to_email for r in sent} == {desk.assignee.email, desk.coordinator.email, SSM}
    wait_for(
        lambda: relay_results(worker) == [8], what="the relay's result", diagnostics=worker.log
    )


# --- 2. worker killed mid-send ----------------------------------------------------------------


@LIVE_DB
def test_a_worker_killed_during_a_send_leaves_the_row_to_the_relay(
    service_env: dict,
    smtp_server: SmtpServer,
    redis_server: RedisServer,
    workers: Callable[[], Worker],
    desk: Desk,
) -> None:
    smtp_server.handler.delay_first = 5.0  # hold the first message before replying 250
    redis_server.start()
    first = workers()
    # Nobody assigned and nobody in the line's group: level 1 is one email, to the SSM.
    create_ticket(desk.contact, ams("2026-06-01 09:00"), priority_level="top", send_receipt=False)
    assert sweep(service_env, "2026-06-01 10:30").fired == 1
    wait_for(
        smtp_server.handler.first_arrived.is_set,
        what="the email at the SMTP server",
        diagnostics=first.log,
    )
    first.kill()  # SIGKILL, main process and pool child, while it waits for the 250
    row = OutboxEmail.objects.get()
    # The attempt was counted before SMTP (so crashes alone end in "failed"); the row waits
    # for its 2-second send lease (OUTBOX_SEND_LEASE_SECONDS) before the relay takes it again.
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    wait_for(lambda: row_lockable(row.pk), what="PostgreSQL to end the killed worker's session")
    wait_for(lambda: row.send_after <= timezone.now(), what="the send lease to pass")

    second = workers()
    relay(service_env)
    [row] = wait_until_sent(1, second)
    copies = smtp_server.handler.messages
    # The server had the message when its sender died, so the relay's send is a duplicate:
    # D12's worst case, exactly one duplicate, with the same Message-ID.
    assert len(copies) == 2
    assert {c.message_id for c in copies} == {row.message_id}
    assert {c.rcpt_tos for c in copies} == {(SSM,)}
    assert (row.attempts, OutboxEmail.objects.filter(key=row.key).count()) == (2, 1)
    assert row.sent_at is not None


# --- 3. two sweeps at once --------------------------------------------------------------------

SWEEP_AT_THE_BARRIER = """
import sys, time
from datetime import datetime
from pathlib import Path
import django
django.setup()
from django.db import connection
from escalation.services.sweep import escalation_sweep
now, ready, gate = datetime.fromisoformat(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
connection.ensure_connection()
ready.touch()
deadline = time.monotonic() + 30
while not gate.exists() and time.monotonic() < deadline:
    time.sleep(0.001)
# Small pages: both sweeps keep coming back for more of the same due tickets.
print("fired", escalation_sweep(now=now, batch=5).fired)
"""


def sweeps_at_once(env: dict, when: str, workdir: Path) -> list[int]:
    """Two sweep processes, set up apart, released together; returns what each fired."""
    workdir.mkdir()
    gate = workdir / "go"
    ready = [workdir / "ready-a", workdir / "ready-b"]
    args = [ams(when).isoformat()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SWEEP_AT_THE_BARRIER, *args, str(flag), str(gate)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for flag in ready
    ]
    try:
        wait_for(lambda: all(f.exists() for f in ready), what="both sweeps at the barrier")
        gate.touch()
        outputs = [p.communicate(timeout=60) for p in processes]
    finally:
        for process in processes:
            stop_process(process)
    assert [p.returncode for p in processes] == [0, 0], outputs
    return [int(re.findall(r"^fired (\d+)$", out, re.M)[-1]) for out, _ in outputs]


@LIVE_DB
def test_two_sweeps_at_the_same_time_fire_and_mail_each_escalation_once(
    service_env: dict,
    smtp_server: SmtpServer,
    redis_server: RedisServer,
    workers: Callable[[], Worker],
    desk: Desk,
    tmp_path: Path,
) -> None:
    redis_server.start()
    worker = workers()
    tickets = [top_ticket(desk, "2026-06-01 09:00") for _ in range(20)]
    warned = sweeps_at_once(service_env, "2026-06-01 09:50", tmp_path / "warning")
    breached = sweeps_at_once(service_env, "2026-06-01 10:30", tmp_path / "level-1")
    assert (sum(warned), sum(breached)) == (20, 20)
    assert min(warned + breached) > 0, f"the sweeps did not overlap: {warned}, {breached}"

    triggers = Counter(Escalation.objects.values_list("ticket", "level", "reason"))
    expected = [(t.pk, 0, "response_warning") for t in tickets]
    expected += [(t.pk, 1, "response_breach") for t in tickets]
    assert triggers == Counter(expected)  # one record per trigger
    recipients = Counter(OutboxEmail.objects.values_list("escalation__level", "to_email"))
    assert recipients == {
        (0, desk.assignee.email): 20,
        (0, desk.coordinator.email): 20,
        (1, SSM): 20,
        (1, desk.assignee.email): 20,  # the assignee's notice of the escalation
    }  # one row per recipient of each record

    sent = wait_until_sent(80, worker)
    assert_each_received_once(smtp_server, sent)


# --- 4. end to end ----------------------------------------------------------------------------

# Top incident, Friday 5 June 2026 17:00, business hours 08:30-17:30, no response, nobody
# acknowledges. Response due Mon 09:00 (30 min Friday + 30 min Monday).
# (sweep time, [(recipient, level, reason, reminder number)]), each row hand-computed:
WARNING = (0, "response_warning")
LEVEL1 = (1, "response_breach")
LEVEL2_UNACKNOWLEDGED = (2, "level1_unacknowledged")
LEVEL2_UNRESOLVED = (2, "level1_unresolved")
ENGINEER = "engineer"  # the key part of an engineer's notice instead of a reminder number
MONDAY: list[tuple[str, list[tuple[object, ...]]]] = [
    ("2026-06-05 17:01", []),  # plans the warning for Monday 08:45
    ("2026-06-06 12:00", []),  # weekend: nothing is due
    ("2026-06-08 08:44", []),
    # 75 % of 1 bh = 45 min: 30 min on Friday + 15 min on Monday.
    ("2026-06-08 08:45", [("assignee", *WARNING, 0), ("coordinator", *WARNING, 0)]),
    # The assignee hears of each escalation once (ENGINEER), without reminders.
    ("2026-06-08 09:00", [("SSM", *LEVEL1, 0), ("assignee", *LEVEL1, ENGINEER)]),
    # Level 1 not acknowledged for 1 bh: level 2; level 1 is reminded once per business hour.
    (
        "2026-06-08 10:00",
        [
            ("COO", *LEVEL2_UNACKNOWLEDGED, 0),
            ("SSM", *LEVEL1, 1),
            ("assignee", *LEVEL2_UNACKNOWLEDGED, ENGINEER),
        ],
    ),
    # Unresolved 4 bh after level 1: level 2 again. No sweep ran at 11:00 or 12:00, so each
    # open escalation whose reminder fell due at 11:00 is reminded once, now.
    (
        "2026-06-08 13:00",
        [
            ("COO", *LEVEL2_UNRESOLVED, 0),
            ("SSM", *LEVEL1, 2),
            ("COO", *LEVEL2_UNACKNOWLEDGED, 1),
            ("assignee", *LEVEL2_UNRESOLVED, ENGINEER),
        ],
    ),
]


def describe(row: OutboxEmail, names: dict[str, str]) -> tuple[str, int, str, int | str]:
    """(recipient, level, reason, reminder number or ENGINEER) of an escalation email; key:
    escalation:<id>:<reminder>:<email> or escalation:<id>:engineer:<email>."""
    assert row.escalation is not None, row.key
    part = row.key.split(":")[2]
    return (
        names[row.to_email],
        row.escalation.level,
        row.escalation.reason,
        int(part) if part.isdigit() else part,
    )


def assert_well_formed(smtp: SmtpServer, ticket: Ticket) -> None:
    for message in smtp.handler.messages:
        assert f"[{ticket.number}]" in message.subject
        assert re.fullmatch(
            rf"<[0-9a-f]{{40}}@{re.escape(settings.MESSAGE_ID_DOMAIN)}>", message.message_id
        )
        assert {"text/plain", "text/html"} <= set(message.content_types)


@LIVE_DB
def test_a_top_incident_from_friday_evening_escalates_by_the_book_on_monday(
    service_env: dict,
    smtp_server: SmtpServer,
    redis_server: RedisServer,
    workers: Callable[[], Worker],
    desk: Desk,
) -> None:
    redis_server.start()
    worker = workers()
    ticket = top_ticket(desk, "2026-06-05 17:00")
    assert local(ticket.response_due_at) == "2026-06-08 09:00 +0200"
    names = {desk.assignee.email: "assignee", desk.coordinator.email: "coordinator"}
    names |= {SSM: "SSM", COO: "COO"}
    rows: list[OutboxEmail] = []
    for when, expected in MONDAY:
        sweep(service_env, when)
        new = list(OutboxEmail.objects.exclude(pk__in=[r.pk for r in rows]))
        assert sorted(describe(r, names) for r in new) == sorted(expected), when
        assert {r.created_at for r in new} <= {ams(when)}, when
        rows = wait_until_sent(len(rows) + len(new), worker, relay_env=service_env)
    assert_each_received_once(smtp_server, rows)
    assert_well_formed(smtp_server, ticket)
    raised = Escalation.objects.values_list("level", "reason", "raised_at")
    assert {(level, reason, local(at)) for level, reason, at in raised} == {
        (0, "response_warning", "2026-06-08 08:45 +0200"),
        (1, "response_breach", "2026-06-08 09:00 +0200"),
        (2, "level1_unacknowledged", "2026-06-08 10:00 +0200"),
        (2, "level1_unresolved", "2026-06-08 13:00 +0200"),
    }
