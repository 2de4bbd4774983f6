"""Two redemptions racing for the last credits (issue #14, "Proof"): each thread on its own
PostgreSQL connection, released together; the work order's row lock lets one win and gives the
other the clear refusal, and the balance never goes below zero.

Commits for real (transaction=True); the flush empties every table, so the test brings the
catalogue back first and the module brings it back at its end (tests/browser_support.py)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils.translation import override

from contracts.models import ServiceRequest
from contracts.selectors import entitlement_balances
from tests.browser_support import _catalogue_back_after_the_last_flush, catalogue_reload
from tests.tickets.helpers import ams
from tests.usage.microsoft_helpers import WORKSHOP, buy, ms_contract, ms_service, rate
from usage.exceptions import RedemptionRefused
from usage.services.microsoft import credits_redeem

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(_catalogue_back_after_the_last_flush.__name__),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_redemptions_for_the_last_credits_one_wins_the_other_is_refused():
    catalogue_reload()
    contract = ms_contract()
    buy(contract, "proactive_credits", "10")
    rate(WORKSHOP, "8")  # one workshop fits, two do not
    service = ms_service(WORKSHOP)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def redeem() -> None:
        try:
            start.wait(timeout=30)
            with override("en"):
                credits_redeem(
                    contract=contract,
                    service=service,
                    requested_by=None,
                    first_delivery_date=date(2026, 7, 1),
                    now=ams("2026-06-01 10:00"),
                )
            outcomes.append("won")
        except RedemptionRefused as refused:
            outcomes.append(str(refused))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=redeem) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["Workshops costs 8 credits; only 2 are left.", "won"]
    assert ServiceRequest.objects.count() == 1
    assert entitlement_balances(contract)["proactive_credits"] == Decimal(2)
