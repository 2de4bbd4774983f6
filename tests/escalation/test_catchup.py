"""Catch-up after an outage (issue #10 §6): the relay sends each ticket's mails in level order
(warning, level 1, level 2; by the time written within a level), says how late a mail is, sends
a bounded number per run and never a row twice."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.core import mail

from escalation.services.sweep import escalation_sweep
from notifications.models import OutboxEmail, OutboxState
from notifications.services.outbox import (
    Email,
    _claim,
    outbox_enqueue,
    outbox_relay,
    outbox_relay_batch,
    outbox_send,
)
from tests.escalation.helpers import coordinator
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

# (level, reminder number) of each mail in the order it must be sent.
LEVEL_ORDER = [(0, 0), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1)]


@pytest.fixture
def outage() -> Ticket:
    """Top incident on ONS at Mon 08:30; the broker is down all morning (nothing is published in
    these tests), so the warning, level 1, its reminders and level 2 all wait in the outbox.
    Written in the order warning, level 1, then level 2 before each level-1 reminder."""
    coordinator()
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(
        named_contact(contract), ams("2026-06-08 08:30"), priority_level="top", send_receipt=False
    )
    for moment in ("09:16", "09:31", "10:31", "11:31"):
        escalation_sweep(now=ams(f"2026-06-08 {moment}"))
    return ticket


def _sent_order() -> list[tuple[int, int]]:
    rows = {r.message_id: r for r in OutboxEmail.objects.select_related("escalation")}
    sent = [rows[m.extra_headers["Message-ID"]] for m in mail.outbox]
    return [(r.escalation.level, int(r.key.split(":")[2])) for r in sent]


def test_catch_up_sends_each_tickets_mails_in_level_order(outage: Ticket) -> None:
    written = [
        (r.escalation.level, int(r.key.split(":")[2]))
        for r in OutboxEmail.objects.order_by("created_at", "pk").select_related("escalation")
    ]
    assert written != LEVEL_ORDER  # written out of level order (level 2 before a reminder)
    assert outbox_relay(now=ams("2026-06-08 12:00"), limit=50) == 6
    assert _sent_order() == LEVEL_ORDER


def test_catch_up_is_rate_limited_and_keeps_the_order_across_runs(
    outage: Ticket, settings: Any
) -> None:
    settings.OUTBOX_CATCHUP_PER_MINUTE = 2
    settings.OUTBOX_RELAY_SECONDS = 60
    assert outbox_relay_batch() == 2
    now = ams("2026-06-08 12:00")
    runs = [outbox_relay(now=now + timedelta(minutes=n)) for n in range(4)]
    assert runs == [2, 2, 2, 0]
    assert _sent_order() == LEVEL_ORDER


def test_catch_up_never_sends_a_row_twice(outage: Ticket) -> None:
    now = ams("2026-06-08 12:00")
    first = OutboxEmail.objects.order_by("pk").first()
    assert first is not None
    assert _claim(first.pk, now) is not None  # a worker holds this row (its lease runs)
    assert outbox_relay(now=now, limit=50) == 5
    assert outbox_relay(now=now + timedelta(seconds=1), limit=50) == 0
    later = now + timedelta(minutes=10)  # the worker died; its lease has passed
    assert outbox_relay(now=later, limit=50) == 1
    assert set(Counter(m.extra_headers["Message-ID"] for m in mail.outbox).values()) == {1}
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_a_relay_run_stops_starting_sends_when_its_time_is_up(outage: Ticket) -> None:
    ticks = count(step=10)  # every look at the clock: 10 seconds later
    sent = outbox_relay(
        now=ams("2026-06-08 12:00"), limit=50, budget_seconds=15, clock=lambda: next(ticks)
    )
    assert sent == 1
    assert OutboxEmail.objects.filter(state=OutboxState.PENDING).count() == 5


def test_a_mail_sent_long_after_it_was_written_says_how_late_it_is(outage: Ticket) -> None:
    outbox_relay(now=ams("2026-06-08 12:00"), limit=50)
    warning = mail.outbox[0]
    # Written 09:16 Amsterdam time, sent 12:00: late by 2 hours 44 minutes.
    note = warning.body.split("\n\n", 1)[0]
    assert "2026-06-08 09:16 (Europe/Amsterdam)" in note
    assert "2" in note
    assert "44" in note
    html, _type = warning.alternatives[0]
    assert '<p class="late-note">' in html
    row = OutboxEmail.objects.get(message_id=warning.extra_headers["Message-ID"])
    assert not row.body_text.startswith(note)  # the stored mail is unchanged


def test_a_mail_sent_on_time_has_no_late_note(settings: Any) -> None:
    settings.OUTBOX_LATE_NOTE_SECONDS = 300
    message = Email("ops@klant.example", "Ops", "nl", "[SD-1] onderwerp", "tekst\n", "<p>t</p>")
    written = ams("2026-06-08 10:00")
    on_time = outbox_enqueue(key="on-time", email=message, now=written)
    late = outbox_enqueue(key="late", email=message, now=written)
    assert on_time is not None
    assert late is not None
    outbox_relay(now=written + timedelta(minutes=5), limit=1)
    outbox_relay(now=written + timedelta(minutes=6), limit=1)
    bodies = {m.extra_headers["Message-ID"]: m.body for m in mail.outbox}
    assert bodies[on_time.message_id] == "tekst\n"
    assert bodies[late.message_id].endswith("\n\ntekst\n")
    assert bodies[late.message_id] != "tekst\n"


def test_a_mail_held_for_business_hours_is_not_late_when_it_goes_at_opening(
    settings: Any,
) -> None:
    message = Email("ops@klant.example", "Ops", "nl", "[SD-1] onderwerp", "tekst\n", "<p>t</p>")
    opening = ams("2026-06-08 08:30")
    row = outbox_enqueue(key="held", email=message, now=ams("2026-06-05 18:00"), send_after=opening)
    assert row is not None
    assert outbox_relay(now=opening + timedelta(minutes=1), limit=5) == 1
    assert mail.outbox[0].body == "tekst\n"


def test_a_mail_published_after_the_outage_waits_behind_its_tickets_late_mails(
    outage: Ticket,
) -> None:
    """The broker is back: a worker gets the level-2 mail first, but the ticket's late warning
    and level-1 mails are still waiting, so it leaves it to the relay, which sends in order."""
    now = ams("2026-06-08 12:00")
    level2 = OutboxEmail.objects.filter(escalation__level=2).order_by("created_at").first()
    assert level2 is not None
    assert not outbox_send(outbox_id=level2.pk, now=now)
    level2.refresh_from_db()
    assert (level2.state, level2.attempts) == (OutboxState.PENDING, 0)
    assert outbox_relay(now=now, limit=50) == 6
    assert _sent_order() == LEVEL_ORDER


def test_fresh_mails_of_one_ticket_do_not_wait_for_each_other() -> None:
    coordinator()
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(
        named_contact(contract), ams("2026-06-08 08:30"), priority_level="top", send_receipt=False
    )
    escalation_sweep(now=ams("2026-06-08 09:31"))  # level 1 (the warning's time has passed)
    escalation_sweep(now=ams("2026-06-08 10:31"))  # level 2 and a level-1 reminder
    level2 = OutboxEmail.objects.get(ticket=ticket, escalation__level=2)
    OutboxEmail.objects.filter(ticket=ticket).exclude(pk=level2.pk).update(
        created_at=ams("2026-06-08 10:31")
    )
    assert outbox_send(outbox_id=level2.pk, now=ams("2026-06-08 10:32"))
