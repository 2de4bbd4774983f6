"""The receipt cap's count (intake.services.receipt, issue #16): a sender's automatic answers
(receipts and refusal notices) of the last hour, any case of the address, nothing else; the
same from the intake's one-query contact lookup and from the ORM's count. On PostgreSQL the
count reads the sender's rows of the hour, never every receipt key ever written: it stays flat
as the outbox grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from contracts.models import Contact
from intake.services.receipt import receipts_recent, sender_contacts_with_receipts
from notifications.models import OutboxEmail
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 11, 0, tzinfo=UTC)


def _mail(key: str, to: str, at: datetime) -> OutboxEmail:
    return OutboxEmail(
        key=key,
        message_id=f"<{key}@desk.example>",
        to_email=to,
        subject="s",
        body_text="t",
        body_html="h",
        created_at=at,
        send_after=at,
    )


@pytest.fixture
def anna() -> Contact:
    return ContactFactory(email="Anna@Klant-A.example", name="Anna")


def test_the_count_is_the_senders_automatic_answers_of_the_hour(anna: Contact) -> None:
    recent = NOW - timedelta(minutes=30)
    OutboxEmail.objects.bulk_create(
        [
            _mail("receipt:1", "anna@klant-a.example", recent),
            _mail("refusal:2", "ANNA@KLANT-A.EXAMPLE", recent),
            _mail("receipt:3", "anna@klant-a.example", NOW - timedelta(minutes=61)),  # too old
            _mail("reply:4", "anna@klant-a.example", recent),  # not an automatic answer
            _mail("xreceipt:5", "anna@klant-a.example", recent),  # the key only contains it
            _mail("receipt:6", "piet@klant-b.example", recent),  # another sender
        ]
    )
    assert receipts_recent("anna@klant-a.example", NOW) == 2
    [found] = sender_contacts_with_receipts("ANNA@klant-a.EXAMPLE", NOW)
    assert found.pk == anna.pk
    assert found.receipts_last_hour == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_count_never_reads_the_key_index(anna: Contact) -> None:
    """Thousands of receipts of other senders, not yet known to the planner's statistics (as
    after a burst of mail): the plan of the count never walks the key's index (which would read
    every receipt ever written, whoever it went to)."""
    # Anna had many replies this hour, hardly any receipt was ever written: by the statistics
    # her receipts are found fastest through the key.
    before = [_mail(f"reply:{n}", "anna@klant-a.example", NOW) for n in range(300)]
    OutboxEmail.objects.bulk_create(before)
    with connection.cursor() as cursor:  # statistics of an outbox with hardly any receipt
        cursor.execute(f"ANALYZE {OutboxEmail._meta.db_table}")
    others = [
        _mail(f"receipt:{n}", f"user{n % 50}@elders.example", NOW - timedelta(minutes=n % 90))
        for n in range(3000)
    ]
    OutboxEmail.objects.bulk_create(others, batch_size=1000)
    seen: list[tuple[str, object]] = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        sender_contacts_with_receipts("anna@klant-a.example", NOW)
        receipts_recent("anna@klant-a.example", NOW)
    assert len(seen) == 2
    key_indexes = [
        name
        for (name,) in connection.cursor().execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [OutboxEmail._meta.db_table, '%("key"%'],
        )
    ] or ["escalation_outboxemail_key"]
    for sql, params in seen:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert not any(name in plan for name in key_indexes), plan
