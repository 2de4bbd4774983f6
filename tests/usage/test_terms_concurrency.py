"""Two contract-terms jobs at once (D18): each renewal and end happens once.

The threads run against the committed test database (transaction=True), each on its own
connection; the flush afterwards empties every table, so the catalogue and the role groups are
brought back (tests/browser_support.py)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import connections

from contracts.models import Contract, ContractStatus, ContractTermEvent, TermEventKind
from tests.api.test_idempotency_concurrency import threads_database
from tests.browser_support import _catalogue_back_after_the_last_flush, catalogue_reload
from tests.factories import ContractFactory
from usage.services.terms import TermsApplied, contract_terms_apply

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(_catalogue_back_after_the_last_flush.__name__),
]

RUNNERS = 4
TODAY = date(2026, 7, 1)


def _concurrently() -> list[TermsApplied | None]:
    start = threading.Barrier(RUNNERS)
    results: list[TermsApplied | None] = [None] * RUNNERS

    def apply(index: int) -> None:
        try:
            start.wait(timeout=30)
            results[index] = contract_terms_apply(
                today=TODAY, now=datetime(2026, 7, 1, 6, tzinfo=UTC)
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply, args=(i,)) for i in range(RUNNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_jobs_renew_and_end_each_contract_once(tmp_path: Path) -> None:
    catalogue_reload()  # an earlier committing test's flush removed it
    renewing = ContractFactory(
        provider_code="onitnow",
        package_code="ivx",
        start_date=date(2025, 7, 1),
        go_live_date=date(2025, 7, 1),
        renewal_date=date(2026, 7, 1),
        auto_renew=True,
    )
    ending = ContractFactory(
        provider_code="microsoft",
        package_code="core",
        start_date=date(2025, 7, 1),
        end_date=date(2026, 6, 30),
    )
    with threads_database(tmp_path):
        results = _concurrently()
        renewing.refresh_from_db()
        ending.refresh_from_db()
        events = sorted(ContractTermEvent.objects.values_list("contract_id", "kind"))

    assert sum(r.renewed for r in results if r) == 1
    assert sum(r.ended for r in results if r) == 1
    assert all(r is not None for r in results)
    assert renewing.renewal_date == date(2027, 7, 1)
    assert ending.status == ContractStatus.ENDED
    assert events == sorted(
        [(renewing.pk, TermEventKind.RENEWED), (ending.pk, TermEventKind.ENDED)]
    )
    assert Contract.objects.count() == 2
