"""Many mails at once (issue #16): one INSERT that leaves out the keys written before, one
publish per few dozen rows, and a worker that sends a published list still sends each row once."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError

import notifications.services.outbox as outbox_module
from notifications.models import OutboxEmail, OutboxState
from notifications.services.outbox import (
    SEND_CHUNK,
    SEND_MANY_TASK,
    SEND_TASK,
    Email,
    OutboxDraft,
    outbox_dispatch,
    outbox_enqueue_many,
    outbox_send,
    outbox_send_many,
    outbox_write,
)
from tests.tickets.helpers import ams

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-08 10:00")
SECOND = timedelta(seconds=1)


def email(to: str, subject: str = "[SD-1] onderwerp") -> Email:
    return Email(to, to.split("@")[0], "nl", subject, "tekst\n", "<p>tekst</p>")


def draft(
    key: str, to: str = "ops@klant.example", subject: str = "[SD-1] onderwerp", **kwargs: Any
) -> OutboxDraft:
    return OutboxDraft(key, email(to, subject), NOW, **kwargs)


def test_one_write_leaves_out_the_keys_written_before_and_writes_the_new_ones() -> None:
    outbox_write([draft("a")], now=NOW)
    written = outbox_write([draft("a"), draft("b"), draft("c"), draft("b")], now=NOW)
    assert [row.key for row in written] == ["b", "c"]
    assert all(row.pk for row in written)
    assert sorted(OutboxEmail.objects.values_list("key", flat=True)) == ["a", "b", "c"]


def test_a_draft_whose_key_was_written_before_sends_its_plain_copy_instead() -> None:
    outbox_write([draft("csam-critical:1:1", subject="critical ticket")], now=NOW)
    plain = draft("escalation:7:0:csam@provider.example", subject="level 1")
    combined = draft("csam-critical:1:1", subject="level 1 and critical ticket", instead=plain)
    written = outbox_write([combined, draft("other")], now=NOW)
    assert [(row.key, row.subject) for row in written] == [
        ("other", "[SD-1] onderwerp"),
        (plain.key, "level 1"),
    ]
    assert OutboxEmail.objects.get(key="csam-critical:1:1").subject == "critical ticket"
    new = outbox_write([draft("csam-critical:2:1", subject="both", instead=plain)], now=NOW)
    assert [row.key for row in new] == ["csam-critical:2:1"]  # a new key: no plain copy


def test_keys_that_must_be_new_raise_rather_than_send_twice() -> None:
    outbox_enqueue_many([("k", email("a@klant.example"))], now=NOW, send_after=NOW)
    with pytest.raises(IntegrityError):
        outbox_enqueue_many([("k", email("a@klant.example"))], now=NOW, send_after=NOW)


def test_the_due_rows_of_one_write_are_published_once_a_later_one_not_at_all(
    monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    published: list[tuple[str, Any]] = []
    monkeypatch.setattr(outbox_module, "task_publish", lambda t, a, w: published.append((t, a)))
    later = OutboxDraft("later", email("x@klant.example"), ams("2026-06-09 08:30"))
    with django_capture_on_commit_callbacks(execute=True):
        rows = outbox_write([draft("a"), draft("b"), later], now=NOW)
        single = outbox_write([draft("c")], now=NOW)
    assert published == [(SEND_MANY_TASK, [rows[0].pk, rows[1].pk]), (SEND_TASK, single[0].pk)]


def test_a_long_list_is_published_in_chunks(monkeypatch: Any) -> None:
    published: list[tuple[str, Any]] = []
    monkeypatch.setattr(outbox_module, "task_publish", lambda t, a, w: published.append((t, a)))
    ids = list(range(1, 2 * SEND_CHUNK + 2))
    outbox_dispatch(ids)
    assert [len(arg) for _, arg in published] == [SEND_CHUNK, SEND_CHUNK, 1]
    assert [pk for _, arg in published for pk in arg] == ids


def test_a_published_list_sends_each_row_once_even_when_delivered_twice() -> None:
    rows = outbox_write([draft("a", "a@klant.example"), draft("b", "b@klant.example")], now=NOW)
    ids = [row.pk for row in rows]
    assert outbox_send(outbox_id=ids[0], now=NOW)  # the relay was first for one of them
    assert outbox_send_many(outbox_ids=ids, now=NOW) == 1
    assert outbox_send_many(outbox_ids=ids, now=NOW) == 0  # a redelivered message
    assert sorted(m.to[0] for m in mail.outbox) == ["a <a@klant.example>", "b <b@klant.example>"]
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {OutboxState.SENT}


def test_a_published_list_starts_no_send_after_its_budget_and_leaves_the_rest_pending() -> None:
    rows = outbox_write([draft(k, f"{k}@klant.example") for k in "abc"], now=NOW)
    ticks = iter([0.0, 0.0, 5.0, 50.0])
    sent = outbox_send_many(
        outbox_ids=[r.pk for r in rows], now=NOW, budget_seconds=10, clock=lambda: next(ticks)
    )
    assert sent == 2
    states = dict(OutboxEmail.objects.values_list("key", "state"))
    assert states == {"a": OutboxState.SENT, "b": OutboxState.SENT, "c": OutboxState.PENDING}


def test_a_long_run_leases_each_row_from_when_it_is_claimed(
    monkeypatch: Any, settings: Any
) -> None:
    """A run whose sends take time claims each row at its own moment: a lease counted from the
    run's start had run out half a minute into a catch-up, and another worker sent the row
    again while this one held it (the drill: 959 mails sent twice)."""
    settings.OUTBOX_SEND_LEASE_SECONDS = 20
    rows = outbox_write([draft(k, f"{k}@klant.example") for k in "abc"], now=NOW - SECOND)
    OutboxEmail.objects.update(state=OutboxState.PENDING)  # written: now the relay's turn
    seen: list[tuple[str, Any, Any]] = []
    real = outbox_module._smtp_send

    def sending(row: OutboxEmail, now: Any) -> None:
        stored = OutboxEmail.objects.get(pk=row.pk)
        seen.append((row.key, now, stored.send_after))
        # Another worker looking now finds the row still held by this one.
        assert outbox_module._claim(row.pk, now + timedelta(seconds=19)) is None
        real(row, now)

    monkeypatch.setattr(outbox_module, "_smtp_send", sending)
    ticks = iter([0.0, 0.0, 30.0, 60.0])
    sent = outbox_send_many(
        outbox_ids=[r.pk for r in rows], now=NOW, budget_seconds=100, clock=lambda: next(ticks)
    )
    assert sent == 3
    assert [(key, at - NOW) for key, at, _ in seen] == [
        ("a", timedelta(0)),
        ("b", timedelta(seconds=30)),
        ("c", timedelta(seconds=60)),
    ]
    assert all(lease == at + timedelta(seconds=20) for _, at, lease in seen)


def test_the_same_words_to_many_people_are_rendered_once_and_addressed_to_each(
    monkeypatch: Any,
) -> None:
    from notifications.services import emails as emails_module
    from notifications.services.recipients import Recipient

    emails_module._bodies.cache_clear()
    rendered: list[str] = []
    real = emails_module.render_to_string

    def counting(name: str, context: dict[str, Any]) -> str:
        rendered.append(name)
        return real(name, context)

    monkeypatch.setattr(emails_module, "render_to_string", counting)
    words = {"language": "nl", "subject": "s", "heading": "h", "facts": [("Ticket", "SD-1")]}
    line = [Recipient("line", f"Engineer {n}", f"e{n}@provider.example") for n in range(3)]
    mails = [emails_module.render(recipient=r, intro="Waarschuwing", **words) for r in line]
    assert len(rendered) == 2  # the text and the HTML, once
    assert [m.to_email for m in mails] == [r.email for r in line]
    assert len({(m.body_text, m.body_html) for m in mails}) == 1
    other = emails_module.render(recipient=line[0], intro="Escalatie", **words)
    assert len(rendered) == 4
    assert "Escalatie" in other.body_text
    assert "Escalatie" not in mails[0].body_text
