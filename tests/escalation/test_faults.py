"""Faults of the outbox, the broker and the sweep (issue #10 §6, §5 last bullet, §2 formataddr).

A stalled broker never blocks a request; a sweep at another time is a dry run; a permanent
SMTP refusal fails at once and the escalation goes to the next person; a temporary one backs
off; a sweep that dies part-way gives its page back; Message-IDs are keyed; odd names are
quoted. SMTP is a real aiosmtpd server on 127.0.0.1 that refuses what a test tells it to.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.utils import getaddresses
from io import StringIO
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from contracts.models import ContactRoleKind
from escalation.models import Escalation, Level
from escalation.services import sweep as sweep_module
from escalation.services.sweep import escalation_sweep
from intake.models import InboundMessage
from intake.services.receive import inbound_receive
from notifications.models import OutboxEmail, OutboxState
from notifications.services.outbox import (
    Email,
    message_id_for,
    outbox_dispatch,
    outbox_enqueue,
    outbox_publish_pause_end,
    outbox_send,
    smtp_refusal_is_permanent,
)
from servicedesk.celery import app as celery_app
from tests.escalation.conftest import free_port
from tests.escalation.helpers import coordinator
from tests.factories import ContractFactory, named_contact
from tests.portal.conftest import client_for, contact_in_role
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.django_db

SSM = "j.blanke@onitnow.nl"  # ONS level 1
COO = "f.dejong@onitnow.nl"  # ONS level 2


# --- a real SMTP server that refuses on request -------------------------------------------------


class RefusingHandler:
    """Accepts everything except the addresses in `refuse` (answered with their reply)."""

    def __init__(self) -> None:
        self.refuse_rcpt: dict[str, str] = {}
        self.refuse_mail = ""
        self.refuse_data = ""
        self.received: list[email.message.EmailMessage] = []
        self.rcpt_tos: list[tuple[str, ...]] = []

    async def handle_MAIL(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_mail:
            return self.refuse_mail
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower() in self.refuse_rcpt:
            return self.refuse_rcpt[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse_data:
            return self.refuse_data
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(parsed)
        self.rcpt_tos.append(tuple(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings: Any) -> Iterator[RefusingHandler]:
    handler = RefusingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def top() -> Ticket:
    """Top incident on ONS registered Mon 8 Jun 08:30: response due 09:30 (level 1, the SSM)."""
    coordinator()
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    return create_ticket(
        named_contact(contract), ams("2026-06-08 08:30"), priority_level="top", send_receipt=False
    )


def _level1(top: Ticket) -> OutboxEmail:
    escalation_sweep(now=ams("2026-06-08 09:31"))
    return OutboxEmail.objects.get(escalation__level=Level.FIRST_LINE, to_email=SSM)


# --- 1. a stalled broker never blocks a request -----------------------------------------------


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the run) if the block takes longer than `seconds`."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def stalled_broker_port() -> Iterator[int]:
    """A 'Redis' on 127.0.0.1 that accepts connections and never answers a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(20)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


@pytest.fixture
def stalled_broker(stalled_broker_port: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app publishes to the stalled broker with the project's Redis transport options;
    its connection pools start afresh, and are reset again afterwards. Celery reads
    CELERY_BROKER_URL from the environment before its own setting (CI sets it), so both move."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options)
    stalled_url = f"redis://127.0.0.1:{stalled_broker_port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", stalled_url)
    conf.broker_url = stalled_url
    conf.broker_transport_options = django_settings.BROKER_REDIS_TRANSPORT_OPTIONS
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    outbox_publish_pause_end()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        outbox_publish_pause_end()


def test_a_customer_escalation_returns_while_the_broker_is_stalled(
    stalled_broker: None, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    manager = contact_in_role(contract, ContactRoleKind.SUPPORT_SERVICES_MANAGER)
    ticket = create_ticket(manager, ams("2026-06-08 09:00"), subject="Server plat")
    client = client_for(manager)
    data = {"action": "escalate", "escalate-reason": "Geen voortgang"}
    with within(15), django_capture_on_commit_callbacks(execute=True) as published:
        response = client.post(reverse("portal:ticket", args=[ticket.number]), data)
    assert response.status_code == 302
    assert published  # the publish was attempted, on commit of the request's transaction
    assert "broker unavailable" in caplog.text
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.level == Level.FIRST_LINE
    rows = OutboxEmail.objects.filter(ticket=ticket)
    assert rows.exists()
    assert set(rows.values_list("state", "attempts")) == {(OutboxState.PENDING, 0)}


def test_a_password_reset_returns_while_the_broker_is_stalled(
    stalled_broker: None, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    with within(15), django_capture_on_commit_callbacks(execute=True) as published:
        response = Client().post(reverse("portal:password_reset"), {"email": contact.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:password_reset_done")
    assert published
    assert "broker unavailable" in caplog.text
    row = OutboxEmail.objects.get(key__startswith=f"password-reset:{contact.pk}:")
    assert (row.state, row.attempts, row.to_email) == (OutboxState.PENDING, 0, contact.email)


def test_after_one_failed_publish_the_next_ones_do_not_wait_for_the_broker(
    stalled_broker: None, caplog: Any
) -> None:
    with within(15):
        for outbox_id in range(1, 6):
            outbox_dispatch(outbox_id)
    failures = [r.getMessage() for r in caplog.records if "broker unavailable" in r.message]
    assert len(failures) == 5
    assert "(paused)" not in failures[0]  # the one publish that waited for the broker
    assert all(message.endswith("(paused)") for message in failures[1:])


PUBLISH_ONE = """
import logging, django
django.setup()
from django.conf import settings
from notifications.services.outbox import outbox_dispatch
print("transport", sorted(settings.CELERY_BROKER_TRANSPORT_OPTIONS.items()))
outbox_dispatch(1)
outbox_dispatch(2)
print("returned")
"""


def test_a_redis_broker_url_from_the_environment_gets_the_bounded_publish(
    stalled_broker_port: int,
) -> None:
    """The settings themselves, in a fresh process: CELERY_BROKER_URL=redis://... is enough."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_SET"))}
    env.update(
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{stalled_broker_port}/0",
    )
    result = subprocess.run(
        [sys.executable, "-c", PUBLISH_ONE],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "('max_retries', 0)" in result.stdout
    assert "returned" in result.stdout
    # Published by the process's publisher thread (both rows in one message when queued
    # together), and flushed before the process exits: both rows are named, neither is lost.
    failures = [line for line in result.stderr.splitlines() if "broker unavailable" in line]
    assert 1 <= len(failures) <= 2, result.stderr
    named = " ".join(failures)
    assert ("[1, 2]" in named) or ("row 1 " in named and "row 2 " in named), result.stderr


# --- 2. a sweep at another time is a dry run --------------------------------------------------


def test_a_sweep_at_another_time_writes_nothing_and_prints_what_would_fire(top: Ticket) -> None:
    next_check = Ticket.objects.get(pk=top.pk).next_check_at
    out = StringIO()
    with time_machine.travel(ams("2026-06-08 08:40"), tick=False):
        call_command("escalation_sweep", "--now", ams("2026-06-08 10:00").isoformat(), stdout=out)
    assert f"would fire: {top.number} level 1 response_breach to {SSM}" in out.getvalue()
    assert "nothing is written" in out.getvalue()
    assert Escalation.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert Ticket.objects.get(pk=top.pk).next_check_at == next_check


def test_a_sweep_at_the_real_time_writes_and_sends(top: Ticket, settings: Any) -> None:
    out = StringIO()
    with time_machine.travel(ams("2026-06-08 09:31"), tick=False):
        call_command("escalation_sweep", "--send", stdout=out)
    assert "fired 1 escalations" in out.getvalue()  # level 1 (the warning is past)
    level1 = OutboxEmail.objects.get(escalation__level=Level.FIRST_LINE)
    assert (level1.to_email, level1.state) == (SSM, OutboxState.SENT)


def test_a_dry_run_does_not_hold_back_the_real_mail(top: Ticket) -> None:
    call_command(
        "escalation_sweep", "--now", ams("2026-06-09 12:00").isoformat(), stdout=StringIO()
    )
    escalation_sweep(now=ams("2026-06-08 09:31"))  # the real sweep, later, at its own time
    level1 = OutboxEmail.objects.get(escalation__level=Level.FIRST_LINE)
    assert level1.send_after == ams("2026-06-08 09:31")
    assert Escalation.objects.get(level=Level.FIRST_LINE).raised_at == ams("2026-06-08 09:31")


# --- 3. permanent and temporary SMTP refusals ---------------------------------------------------


def test_a_permanent_refusal_fails_at_once_and_the_escalation_goes_to_the_next_contact(
    top: Ticket, smtp: RefusingHandler
) -> None:
    smtp.refuse_rcpt[SSM] = "550 5.1.1 <j.blanke@onitnow.nl>: mailbox unavailable"
    row = _level1(top)
    now = ams("2026-06-08 09:32")
    assert not outbox_send(outbox_id=row.pk, now=now)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1)
    assert "550" in row.last_error
    assert "mailbox unavailable" in row.last_error
    escalation = row.escalation
    escalation.refresh_from_db()
    assert [(f["refused"], f["to"]) for f in escalation.fallbacks] == [(SSM, COO)]
    assert [r["email"] for r in escalation.recipients] == [COO]
    instead = OutboxEmail.objects.get(escalation=escalation, to_email=COO)
    assert instead.state == OutboxState.PENDING
    assert outbox_send(outbox_id=instead.pk, now=now)
    assert smtp.rcpt_tos == [(COO,)]
    assert top.events.filter(kind="escalation_fallback").count() == 1


def test_a_refusal_handled_once_is_not_handled_again(top: Ticket, smtp: RefusingHandler) -> None:
    from escalation.services.fallback import escalation_fallback

    smtp.refuse_rcpt[SSM] = "550 5.1.1 no such user"
    row = _level1(top)
    outbox_send(outbox_id=row.pk, now=ams("2026-06-08 09:32"))
    assert escalation_fallback(outbox_id=row.pk, now=ams("2026-06-08 09:33")) is None
    assert OutboxEmail.objects.filter(to_email=COO).count() == 1
    assert len(Escalation.objects.get(pk=row.escalation_id).fallbacks) == 1


def test_a_refused_data_phase_is_permanent_too(top: Ticket, smtp: RefusingHandler) -> None:
    smtp.refuse_data = "554 5.7.1 message rejected as spam"
    row = _level1(top)
    outbox_send(outbox_id=row.pk, now=ams("2026-06-08 09:32"))
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1)
    assert "554" in row.last_error


def test_a_refused_sender_is_permanent(top: Ticket, smtp: RefusingHandler) -> None:
    smtp.refuse_mail = "553 5.7.1 sender address rejected"
    row = _level1(top)
    outbox_send(outbox_id=row.pk, now=ams("2026-06-08 09:32"))
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1)
    assert row.last_error.startswith("553 5.7.1 sender address rejected")


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.example": (452, b"mailbox full")}), False),
        (smtplib.SMTPSenderRefused(553, b"rejected", "desk@x.example"), True),
        (smtplib.SMTPSenderRefused(451, b"try later", "desk@x.example"), False),
        (smtplib.SMTPDataError(554, b"spam"), True),
        (smtplib.SMTPDataError(421, b"closing"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError("down"), False),
        (TimeoutError("stalled"), False),
    ],
)
def test_only_a_5xx_answer_is_permanent(error: Exception, permanent: bool) -> None:
    assert smtp_refusal_is_permanent(error) is permanent


def test_a_temporary_refusal_backs_off_and_is_retried(top: Ticket, smtp: RefusingHandler) -> None:
    smtp.refuse_rcpt[SSM] = "451 4.3.0 try again later"
    row = _level1(top)
    now = ams("2026-06-08 09:32")
    assert not outbox_send(outbox_id=row.pk, now=now)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.send_after) == (
        OutboxState.PENDING,
        1,
        now + timedelta(seconds=30),
    )
    assert "451" in row.last_error
    assert Escalation.objects.get(pk=row.escalation_id).fallbacks == []
    del smtp.refuse_rcpt[SSM]
    assert outbox_send(outbox_id=row.pk, now=row.send_after)
    assert smtp.rcpt_tos == [(SSM,)]


def test_a_refusal_without_anyone_left_is_recorded(top: Ticket, smtp: RefusingHandler) -> None:
    for address in (SSM, COO, "coordinator@provider.example"):
        smtp.refuse_rcpt[address] = "550 5.1.1 no such user"
    row = _level1(top)
    now = ams("2026-06-08 09:32")
    outbox_send(outbox_id=row.pk, now=now)
    for _ in range(3):
        for pending in OutboxEmail.objects.filter(
            escalation_id=row.escalation_id, state=OutboxState.PENDING
        ):
            outbox_send(outbox_id=pending.pk, now=now)
    fallbacks = Escalation.objects.get(pk=row.escalation_id).fallbacks
    assert [(f["refused"], f["to"]) for f in fallbacks] == [
        (SSM, COO),
        (COO, "coordinator@provider.example"),
        ("coordinator@provider.example", ""),
    ]
    assert (
        not OutboxEmail.objects.filter(state=OutboxState.PENDING)
        .exclude(escalation_id=row.escalation_id)
        .filter(escalation__isnull=False)
        .exists()
    )


def test_the_failure_is_shown_on_the_escalations_page(top: Ticket, smtp: RefusingHandler) -> None:
    smtp.refuse_rcpt[SSM] = "550 5.1.1 mailbox unavailable"
    row = _level1(top)
    outbox_send(outbox_id=row.pk, now=ams("2026-06-08 09:32"))
    user = get_user_model().objects.create_superuser("desk-admin", "admin@provider.example", "x")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("backoffice:escalations"))
    assert page.status_code == 200
    assert "550 5.1.1 mailbox unavailable" in page.content.decode()


# --- 4. names and Message-IDs -----------------------------------------------------------------

ODD_NAMES = [
    'Jansen, Piet "IT" <boss@evil.example>',
    "Zoë Ørsted (beheer)",
    "Line\r\nBcc: victim@evil.example",
    "a" * 150 + ", b",
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_an_odd_name_is_quoted_and_reaches_only_its_address(
    name: str, smtp: RefusingHandler
) -> None:
    message = Email("ops@klant.example", name, "nl", "[SD-1] onderwerp", "tekst\n", "<p>t</p>")
    row = outbox_enqueue(key=f"odd:{name}", email=message, now=ams("2026-06-08 10:00"))
    assert row is not None
    assert outbox_send(outbox_id=row.pk, now=ams("2026-06-08 10:00"))
    (received,) = smtp.received
    assert smtp.rcpt_tos == [("ops@klant.example",)]
    assert [address for _, address in getaddresses([str(received["To"])])] == ["ops@klant.example"]
    assert received["Bcc"] is None


def test_a_subject_with_line_breaks_is_sent_on_one_line(smtp: RefusingHandler) -> None:
    subject = "[SD-1] Printer\r\nBcc: victim@evil.example\nstuk"
    message = Email("ops@klant.example", "Ops", "nl", subject, "tekst\n", "<p>t</p>")
    row = outbox_enqueue(key="odd-subject", email=message, now=ams("2026-06-08 10:00"))
    assert row is not None
    assert outbox_send(outbox_id=row.pk, now=ams("2026-06-08 10:00"))
    (received,) = smtp.received
    assert str(received["Subject"]) == "[SD-1] Printer Bcc: victim@evil.example stuk"
    assert received["Bcc"] is None
    assert smtp.rcpt_tos == [("ops@klant.example",)]


def test_message_ids_are_keyed_with_the_secret_key(settings: Any) -> None:
    key = "receipt:42"
    ours = message_id_for(key)
    guessable = hashlib.sha256(key.encode()).hexdigest()[:32]
    assert guessable not in ours
    assert ours == message_id_for(key)  # a re-send carries the same id
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert message_id_for(key) != ours
    assert message_id_for(key).endswith(f"@{settings.MESSAGE_ID_DOMAIN}>")


def test_a_reply_to_our_keyed_message_id_threads_into_the_ticket(monkeypatch: Any) -> None:
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    ticket = create_ticket(contact, ams("2026-06-08 10:00"), subject="Printer")
    message = Email(contact.email, contact.name, "nl", f"[{ticket.number}] x", "t\n", "<p>t</p>")
    row = outbox_enqueue(key="reply:1", email=message, now=ams("2026-06-08 10:05"), ticket=ticket)
    assert row is not None
    raw = (
        f"From: {contact.email}\r\nTo: servicedesk@localhost\r\n"
        "Subject: Re: uw bericht\r\nDate: Mon, 08 Jun 2026 10:30:00 +0200\r\n"
        f"Message-ID: <antwoord-1@klant.example>\r\nIn-Reply-To: {row.message_id}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHet werkt weer, dank.\r\n"
    ).encode()
    inbound, created = inbound_receive(raw=raw, transport="pipe", now=ams("2026-06-08 10:30"))
    assert created
    assert InboundMessage.objects.get(pk=inbound.pk).ticket_id == ticket.pk
    assert TicketMessage.objects.filter(ticket=ticket, body__contains="Het werkt weer").exists()


# --- 5. a sweep that dies part-way ------------------------------------------------------------


@pytest.fixture
def five_due() -> list[Ticket]:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    return [
        create_ticket(contact, ams("2026-06-08 09:00"), subject=f"T{n}", priority_level="laag")
        for n in range(5)
    ]


def _next_checks(tickets: list[Ticket]) -> list[Any]:
    return [Ticket.objects.get(pk=t.pk).next_check_at for t in tickets]


def test_a_sweep_failing_mid_page_gives_the_rest_of_its_page_back(
    five_due: list[Ticket], monkeypatch: Any
) -> None:
    now = ams("2026-06-08 09:10")
    real_check = sweep_module._check
    calls: list[int] = []

    def check_failing_on_the_third(ticket: Ticket, *args: Any) -> None:
        calls.append(ticket.pk)
        if len(calls) == 3:
            raise RuntimeError("worker lost its database connection")
        real_check(ticket, *args)

    monkeypatch.setattr(sweep_module, "_check", check_failing_on_the_third)
    with pytest.raises(RuntimeError):
        escalation_sweep(now=now)
    lease = now + timedelta(seconds=django_settings.ESCALATION_SWEEP_LEASE_SECONDS)
    by_pk = dict(zip([t.pk for t in five_due], _next_checks(five_due), strict=True))
    first, second, failing, *rest = calls + [t.pk for t in five_due if t.pk not in calls]
    assert by_pk[first] > lease  # checked: their next checks are planned
    assert by_pk[second] > lease
    assert by_pk[failing] == lease  # the ticket it failed on waits for the lease
    assert [by_pk[pk] for pk in rest] == [now, now]  # the unchecked ones are given back at once
    monkeypatch.setattr(sweep_module, "_check", real_check)
    assert escalation_sweep(now=now).checked == 2


def test_a_killed_sweeps_tickets_come_back_after_the_short_lease(
    five_due: list[Ticket], settings: Any
) -> None:
    settings.ESCALATION_SWEEP_LEASE_SECONDS = 60
    now = ams("2026-06-08 09:10")
    # The worker claimed its page and was killed (SIGKILL: no clean-up ran).
    sweep_module._claim(now, 50, now + timedelta(seconds=60))
    assert escalation_sweep(now=now + timedelta(seconds=30)).checked == 0
    assert escalation_sweep(now=now + timedelta(seconds=60)).checked == 5


def test_a_sweep_claims_small_pages(five_due: list[Ticket], settings: Any) -> None:
    settings.ESCALATION_SWEEP_PAGE = 2
    now = ams("2026-06-08 09:10")
    pages: list[int] = []
    real_claim = sweep_module._claim

    def claim(*args: Any) -> list[int]:
        ids = real_claim(*args)
        pages.append(len(ids))
        return ids

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sweep_module, "_claim", claim)
        assert escalation_sweep(now=now).checked == 5
    assert pages == [2, 2, 1]


def test_a_bounced_escalation_mail_can_fall_back_the_same_way(top: Ticket) -> None:
    """A delivery-status report is the same permanent refusal, reported later."""
    from escalation.services.fallback import escalation_fallback

    row = _level1(top)
    OutboxEmail.objects.filter(pk=row.pk).update(
        state=OutboxState.BOUNCED, bounce_reason="550 5.1.1 user unknown"
    )
    instead = escalation_fallback(outbox_id=row.pk, now=ams("2026-06-08 11:00"))
    assert instead is not None
    assert instead.to_email == COO
    fallbacks = Escalation.objects.get(pk=row.escalation_id).fallbacks
    assert [(f["refused"], f["to"], f["error"]) for f in fallbacks] == [
        (SSM, COO, "550 5.1.1 user unknown")
    ]
