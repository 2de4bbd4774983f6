"""The read replica (issue #17 §1): with DATABASE_REPLICA_URL set, the review pack's figures are
read from the `replica` alias and nothing else is: no write, no other read. Here the alias points
at the test database itself (as the settings' TEST MIRROR does), so each connection's queries
can be counted; committed for real (transaction=True), so both connections see the rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from contracts.replica import REPLICA, ReplicaRouter, replica_reads
from reports.periods import period_parse
from reports.services.packs import review_pack_get
from tests.browser_support import _catalogue_back_after_the_last_flush, catalogue_reload
from tests.reports.world import AFTER, pack_world
from tests.tickets.helpers import ams, create_ticket

NOVEMBER = period_parse("2026-11")


def test_without_a_replica_every_read_and_write_uses_default() -> None:
    router = ReplicaRouter()
    assert REPLICA not in connections.settings
    with replica_reads():
        assert router.db_for_read(Contract) is None
        assert router.db_for_write(Contract) == "default"
    assert router.allow_migrate("default", "contracts")
    assert not router.allow_migrate(REPLICA, "contracts")


@pytest.fixture
def replica() -> Iterator[None]:
    """A `replica` alias on the test database, as DATABASE_REPLICA_URL makes one."""
    connections.settings[REPLICA] = {**connection.settings_dict}
    # Connected here: the test case allows connections only to the aliases it was set up with.
    connections[REPLICA].connect()
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures(_catalogue_back_after_the_last_flush.__name__, "replica")
def test_only_the_review_packs_figures_are_read_from_the_replica(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
    catalogue_reload()  # an earlier committing test's flush removed it
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Contract) == REPLICA
        assert router.db_for_write(Contract) == "default"
    assert router.db_for_read(Contract) is None

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        world = pack_world()
        contact = world.late.contact
        with CaptureQueriesContext(connection) as on_default:
            closed = review_pack_get(
                contract=world.contract, period=NOVEMBER, language="nl", now=AFTER
            )
        create_ticket(contact, ams("2026-12-16 09:00"), subject="Na de maand")

    assert closed.stored is not None  # built from the replica's figures, kept on default
    assert closed.data["contract"]["reference"] == "ONS-PACK-1"
    assert len(on_replica) >= 10
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in on_replica)
    # The pack's own rows (is one kept? keep it) on default; its figures not.
    writes = [q["sql"] for q in on_default if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert any("INSERT" in sql and "reports_reviewpack" in sql for sql in writes)
    assert len(on_default) < len(on_replica)
