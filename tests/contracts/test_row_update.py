"""`contracts.bulk_sql.row_update`: one row's update as QuerySet.update writes it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db.models.functions import Now

from contracts.bulk_sql import row_update
from intake.models import InboundMessage, Outcome

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 6, 7, 8, 0, tzinfo=UTC)


def _inbound(key: str) -> InboundMessage:
    return InboundMessage.objects.create(
        dedupe_key=key,
        message_id=key,
        sha256="0" * 64,
        size=3,
        raw=b"abc",
        transport="pipe",
        received_at=NOW,
    )


def _routed(subject: str) -> dict[str, object]:
    return {
        "outcome": Outcome.TRIAGE,
        "subject": subject,
        "body_text": "tekst\nmet regels",
        "defects": ["one", {"two": 2}],
        "ticket_id": None,
        "processed_at": NOW,
    }


def test_the_row_is_written_as_the_orms_update_writes_it() -> None:
    mine, theirs = _inbound("a"), _inbound("b")
    assert row_update(InboundMessage, mine.pk, _routed("x"), where={"outcome": "received"}) == 1
    InboundMessage.objects.filter(pk=theirs.pk, outcome="received").update(**_routed("x"))
    fields = ["outcome", "subject", "body_text", "defects", "ticket_id", "processed_at"]
    [written, expected] = [
        InboundMessage.objects.filter(pk=pk).values(*fields).get() for pk in (mine.pk, theirs.pk)
    ]
    assert written == expected


def test_a_row_that_no_longer_matches_is_not_written() -> None:
    inbound = _inbound("c")
    assert row_update(InboundMessage, inbound.pk, _routed("y"), where={"outcome": "ticket"}) == 0
    inbound.refresh_from_db()
    assert (inbound.outcome, inbound.subject) == ("received", "")


def test_an_expression_goes_to_the_orm() -> None:
    inbound = _inbound("d")
    assert row_update(InboundMessage, inbound.pk, {"processed_at": Now()}) == 1
    inbound.refresh_from_db()
    assert inbound.processed_at is not None
