"""Two routers racing for one stored message (issue #16 "Rules": exactly once). Routing takes no
lock up front; the outcome is written only while the row still says "received", so the router
that comes second has all of its work rolled back: the reply is added once, with one outcome.

Each router on its own PostgreSQL connection, released together inside their transactions.
Commits for real (transaction=True); the module brings the catalogue back at its end."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from intake.models import InboundMessage, Outcome
from intake.parsing import parse_message
from intake.services.receive import inbound_process, inbound_receive, inbound_store
from tests.intake.conftest import NOW, Desk
from tests.intake.mail import message
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.usefixtures("catalogue_back_after_module")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_routers_of_one_reply_add_it_to_the_ticket_once(live_desk: Desk) -> None:
    # A reply has no unique key of its own (a new ticket's receipt has), so only the outcome's
    # condition keeps the second router from adding it again.
    fill = live_desk.thread("open")
    reply = message(
        subject=f"Re: [{fill['TICKET']}] update",
        body="Hallo,\n\nHet werkt nog steeds niet.\n\nAnna",
        message_id="<race-reply.1@mail.klant-a.example>",
        headers=(("In-Reply-To", fill["MSGID"]),),
    )
    inbound, _ = inbound_store(raw=reply, transport="pipe", now=NOW)
    both_inside = threading.Barrier(2)
    errors: list[BaseException] = []

    def parse_then_wait(*args: object, **kwargs: object) -> object:
        parsed = parse_message(*args, **kwargs)
        both_inside.wait(timeout=30)  # both routers are in their transactions now
        return parsed

    def route() -> None:
        try:
            inbound_process(inbound_id=inbound.pk, now=NOW)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    with mock.patch("intake.services.receive.parse_message", parse_then_wait):
        threads = [threading.Thread(target=route) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    row = InboundMessage.objects.get(pk=inbound.pk)
    assert (row.outcome, row.attempts) == (Outcome.REPLY, 2)
    ticket = live_desk.tickets.get("open") or Ticket.objects.get(number=fill["TICKET"])
    added = TicketMessage.objects.filter(ticket=ticket, body__contains="nog steeds niet")
    assert added.count() == 1
    assert row.ticket_message_id == added.get().pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's synchronous_commit")
def test_only_the_raw_store_skips_the_wait_for_the_disk_the_routing_commit_waits(
    live_desk: Desk,
) -> None:
    # The routing's synchronous commit flushes the log in order, raw store included, before
    # inbound_receive returns and the transport is told the message was taken.
    with CaptureQueriesContext(connection) as ctx:
        inbound, created = inbound_receive(raw=message(), transport="pipe", now=NOW)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert created
    assert inbound.outcome == Outcome.TICKET
    assert sql[0].startswith(
        'SET LOCAL synchronous_commit TO OFF; INSERT INTO "intake_inboundmessage"'
    )
    assert sum("synchronous_commit" in s for s in sql) == 1
    assert sql[-1] == "COMMIT"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
