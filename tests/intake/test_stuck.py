"""A message stored but never routed (the router died) is routed later; one that keeps dying
ends quarantined so the messages behind it go on (issue #4 §2)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError

from intake.models import InboundMessage, Outcome
from intake.services.receive import MAX_ROUTING_ATTEMPTS, inbound_retry_stuck, inbound_store
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams

pytestmark = pytest.mark.django_db

MAIL = b"From: anna@klant-a.example\nSubject: Printer\nMessage-ID: <stuck-1@klant-a.example>\n\nx\n"


def test_a_message_the_router_never_finished_is_routed_later():
    named_contact(
        ContractFactory(provider_code="onitnow", package_code="ons"), email="anna@klant-a.example"
    )
    inbound, _ = inbound_store(raw=MAIL, transport="pipe", now=ams("2026-06-01 10:00"))
    assert inbound_retry_stuck(now=ams("2026-06-01 10:04")) == 0  # not stuck yet
    assert inbound_retry_stuck(now=ams("2026-06-01 10:06")) == 1
    inbound.refresh_from_db()
    assert (inbound.outcome, inbound.attempts) == (Outcome.TICKET, 1)


def test_a_message_whose_routing_never_finishes_ends_quarantined():
    inbound, _ = inbound_store(raw=MAIL, transport="pipe", now=ams("2026-06-01 10:00"))
    # Each attempt died before committing an outcome: only the counter moved.
    InboundMessage.objects.filter(pk=inbound.pk).update(attempts=MAX_ROUTING_ATTEMPTS)
    inbound_retry_stuck(now=ams("2026-06-01 10:00") + timedelta(minutes=10))
    inbound.refresh_from_db()
    assert inbound.outcome == Outcome.QUARANTINED
    assert "did not finish in 3 attempts" in inbound.error


def test_an_insert_refused_for_another_reason_than_a_duplicate_says_why(monkeypatch):
    def refused(**fields):
        raise IntegrityError('null value in column "raw_file" violates not-null constraint')

    monkeypatch.setattr("intake.services.receive._insert", refused)
    with pytest.raises(IntegrityError, match="not-null"):
        inbound_store(raw=MAIL, transport="pipe", now=ams("2026-06-01 10:00"))
