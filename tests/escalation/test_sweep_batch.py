"""A sweep fires its page's escalations together (issue #16): a constant number of queries
however many fire, and still exactly once when a batch fails, a ticket changes between the
claim and the firing, or another sweep fired first."""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

import escalation.services.firing as firing_module
import escalation.services.sweep as sweep_module
from escalation.models import Escalation, Level, Reason
from escalation.services.actions import escalation_acknowledge
from escalation.services.sweep import escalation_sweep
from notifications.models import OutboxEmail
from tests.escalation.helpers import coordinator, sweep
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket
from tickets.services import ticket_assign, ticket_reply

pytestmark = pytest.mark.django_db

REGISTERED = "2026-06-05 17:00"  # Friday: a Top response is due Monday 09:00
WARNING, BREACH, REMINDER = "2026-06-08 08:45", "2026-06-08 09:00", "2026-06-08 10:00"

# Queries of a sweep, whatever the number of tickets that fire (2 or 8): claim, load, one
# lock, one INSERT per table (escalations, mails, ticket events, webhook events), who is told
# (once per contract and level, assignee or line), the reminders' one compare-and-set, the
# next checks. A query per ticket or per mail (an N+1) breaks the bound for 8 tickets.
SWEEP_QUERIES = {WARNING: 23, BREACH: 24, REMINDER: 25}


def top_tickets(count: int) -> list[Ticket]:
    """`count` Top tickets, each of its own customer's ONS contract; every other one assigned
    to an engineer of its own, the others left to the first line (two engineers); a support
    coordinator."""
    coordinator()
    line = Group.objects.get_or_create(name="First line")[0]
    for n in range(2):
        UserFactory(username=f"line{n}").groups.add(line)
    tickets = []
    for n in range(count):
        contract = ContractFactory(provider_code="onitnow", package_code="ons")
        ticket = create_ticket(
            named_contact(contract),
            ams(REGISTERED),
            priority_level="top",
            send_receipt=False,
            subject=f"T{n}",
        )
        if n % 2:
            engineer = UserFactory(username=f"engineer{n}")
            ticket = ticket_assign(
                ticket=ticket, assignee=engineer, now=ams(REGISTERED), actor=engineer
            )
        tickets.append(ticket)
    assert sweep("2026-06-05 17:01") == 0  # the first check plans the warning
    return tickets


def sweep_queries(moment: str, fires: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert sweep(moment) == fires
    return len(queries)


@pytest.mark.parametrize("count", [2, 8])
def test_a_sweep_makes_as_many_queries_for_eight_firing_tickets_as_for_two(count: int) -> None:
    top_tickets(count)
    assert sweep_queries(WARNING, count) <= SWEEP_QUERIES[WARNING]
    assert sweep_queries(BREACH, count) <= SWEEP_QUERIES[BREACH]
    # Level 1 reminded, and level 2 (level 1 not acknowledged within a business hour).
    assert sweep_queries(REMINDER, count) <= SWEEP_QUERIES[REMINDER]
    assert Counter(Escalation.objects.values_list("level", flat=True)) == {
        Level.WARNING: count,
        Level.FIRST_LINE: count,
        Level.SECOND_LINE: count,
    }
    assert Escalation.objects.filter(level=Level.FIRST_LINE, notified_count=2).count() == count


def _mails_by_ticket() -> Counter[int]:
    """Escalation mails per ticket (not the new-ticket notices)."""
    mails = OutboxEmail.objects.filter(escalation__isnull=False)
    return Counter(mails.values_list("ticket_id", flat=True))


def test_a_batch_that_fails_fires_its_tickets_one_by_one_and_only_the_bad_one_waits(
    monkeypatch: Any,
) -> None:
    tickets = top_tickets(4)
    bad = tickets[2]
    real_email = firing_module.escalation_email

    def email_failing_for_the_bad_ticket(escalation: Escalation, *args: Any, **kw: Any) -> Any:
        if escalation.ticket_id == bad.pk:
            raise RuntimeError("a template that cannot render this ticket")
        return real_email(escalation, *args, **kw)

    monkeypatch.setattr(firing_module, "escalation_email", email_failing_for_the_bad_ticket)
    with pytest.raises(RuntimeError):
        escalation_sweep(now=ams(WARNING))
    good = [t for t in tickets if t.pk != bad.pk]
    assert sorted(Escalation.objects.values_list("ticket_id", flat=True)) == [t.pk for t in good]
    lease = ams(WARNING) + timedelta(seconds=django_settings.ESCALATION_SWEEP_LEASE_SECONDS)
    assert Ticket.objects.get(pk=bad.pk).next_check_at == lease  # it waits for the lease
    assert all(Ticket.objects.get(pk=t.pk).next_check_at > lease for t in good)
    mails = _mails_by_ticket()

    monkeypatch.setattr(firing_module, "escalation_email", real_email)
    assert sweep(WARNING) == 0  # the bad ticket still holds its lease
    assert escalation_sweep(now=lease).fired == 1  # then it fires, once
    assert Escalation.objects.count() == len(tickets)
    assert {pk: n for pk, n in _mails_by_ticket().items() if pk != bad.pk} == mails


def test_a_sweep_killed_after_firing_leaves_its_tickets_to_the_lease_and_nothing_fires_twice(
    monkeypatch: Any,
) -> None:
    tickets = top_tickets(4)

    def killed(*args: Any) -> None:  # the worker dies before writing the page's next checks
        raise SystemExit("SIGKILL")

    monkeypatch.setattr(sweep_module, "_write_replanned", killed)
    with pytest.raises(SystemExit):
        escalation_sweep(now=ams(WARNING))
    monkeypatch.undo()
    mails = _mails_by_ticket()
    assert sorted(mails) == sorted(t.pk for t in tickets)  # the batch had committed
    lease = ams(WARNING) + timedelta(seconds=django_settings.ESCALATION_SWEEP_LEASE_SECONDS)
    assert {Ticket.objects.get(pk=t.pk).next_check_at for t in tickets} == {lease}
    assert sweep(WARNING) == 0  # still leased
    result = escalation_sweep(now=lease)
    assert (result.checked, result.fired) == (len(tickets), 0)
    assert _mails_by_ticket() == mails
    assert Escalation.objects.count() == len(tickets)


def sweep_with_a_change_before_firing(moment: str, change: Callable[[], object]) -> int:
    """A sweep during which `change` happens after the claim and planning, before the firing."""
    real_fire_due = sweep_module._fire_due

    def change_then_fire(*args: Any) -> int:
        change()
        return int(real_fire_due(*args))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sweep_module, "_fire_due", change_then_fire)
        return sweep(moment)


def test_a_ticket_changed_after_the_claim_is_left_to_the_check_its_change_asked_for() -> None:
    tickets = top_tickets(3)
    changed = tickets[1]
    engineer = UserFactory(username="replier")

    def reply() -> None:  # the engineer answers the customer: the change asks for a check
        ticket_reply(ticket=changed, author_user=engineer, body="Wij kijken.", now=ams(WARNING))

    assert sweep_with_a_change_before_firing(WARNING, reply) == 2
    assert not Escalation.objects.filter(ticket=changed).exists()
    assert Ticket.objects.get(pk=changed.pk).next_check_at == ams(WARNING)  # its own check
    sweep(WARNING)  # answered in time: its warning is void, the others' are not repeated
    assert Escalation.objects.count() == 2


def test_an_escalation_another_sweep_fired_first_is_left_out_of_the_batch() -> None:
    tickets = top_tickets(3)
    first = tickets[0]

    def another_sweep_fires_first() -> None:
        Escalation.objects.create(
            ticket=first,
            level=Level.WARNING,
            reason=Reason.RESPONSE_WARNING,
            clock_version=first.clock_version,
            raised_at=ams(WARNING),
        )

    # The unique constraint decides: the first ticket's warning was not new.
    assert sweep_with_a_change_before_firing(WARNING, another_sweep_fires_first) == 2
    assert Escalation.objects.filter(ticket=first).count() == 1
    assert first.pk not in _mails_by_ticket()  # its mails were the other sweep's to write
    assert set(_mails_by_ticket()) == {t.pk for t in tickets[1:]}


def test_an_acknowledgement_after_the_claim_stops_the_reminder() -> None:
    tickets = top_tickets(2)
    sweep(WARNING)
    sweep(BREACH)
    acknowledged = Escalation.objects.get(ticket=tickets[0], level=Level.FIRST_LINE)
    sweep_with_a_change_before_firing(
        REMINDER,
        lambda: escalation_acknowledge(escalation=acknowledged, by="ssm", now=ams(REMINDER)),
    )
    reminded = Escalation.objects.filter(level=Level.FIRST_LINE, notified_count=2)
    assert list(reminded.values_list("ticket_id", flat=True)) == [tickets[1].pk]
    reminder_mails = OutboxEmail.objects.filter(key__regex=r"^escalation:\d+:1:")
    assert list(reminder_mails.values_list("ticket_id", flat=True)) == [tickets[1].pk]


def test_a_sweep_asks_the_workers_once_per_few_dozen_mails(
    monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    top_tickets(8)
    published: list[tuple[str, Any]] = []
    monkeypatch.setattr(
        "notifications.services.outbox.task_publish",
        lambda task, arg, what: published.append((task, arg)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep(WARNING)
    mails = OutboxEmail.objects.filter(created_at=ams(WARNING), send_after__lte=ams(WARNING))
    due = sorted(mails.values_list("pk", flat=True))
    assert len(due) > 8  # each warning tells the coordinator and who works the ticket
    assert [task for task, _ in published] == ["notifications.tasks.outbox_send_many_task"]
    assert sorted(published[0][1]) == due
