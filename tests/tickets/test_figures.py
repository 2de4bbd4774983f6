"""The roll-up of the dashboard's months that are over (issue #16): what it holds is exactly
what the dashboard counts live, also after a late change to a month that is over; a late
change makes the month count live until the roll-up counts it again."""

import io
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from backoffice.dashboard import Dashboard, dashboard_figures, month_parse
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import AMS, ams, create_ticket
from tickets.figures import months_rolled
from tickets.figures_marks import months_touch
from tickets.models import FiguresMonth, FiguresMonthChange, MonthClockFigures, SlaClock, Status
from tickets.services import figures as figures_services
from tickets.services import (
    ticket_change_priority,
    ticket_reply,
    ticket_resolve,
    ticket_sla_exempt,
    ticket_survey_answer,
    ticket_transition,
)
from tickets.services.figures import figures_month_roll, figures_rollup

pytestmark = pytest.mark.django_db

NOW = ams("2026-07-15 12:00")  # June is over, July is this month
MAY, JUNE, JULY = date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agent():
    return UserFactory(username="figures-agent")


@pytest.fixture
def reader():
    return UserFactory(username="figures-reader")


@pytest.fixture
def world(clock, agent):
    """May and June on an ONS contract: met, late, unanswered, resolved and surveyed tickets;
    one ticket this month. Named so a scenario can pick the one it changes."""
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)

    def ticket(at, level="top", reply=None, resolve=None):
        made = create_ticket(contact, ams(at), priority_level=level)
        if reply:
            ticket_reply(ticket=made, body="Bezig", now=ams(reply), author_user=agent)
        if resolve:
            made = ticket_resolve(
                ticket=made, kind="fix", text="Opgelost", now=ams(resolve), actor=agent
            )
        return made

    tickets = {
        "may": ticket("2026-05-20 09:00", reply="2026-05-20 09:20"),
        "met": ticket("2026-06-10 09:00", reply="2026-06-10 09:30"),
        "late": ticket("2026-06-10 11:00", reply="2026-06-10 12:30"),
        "unanswered": ticket("2026-06-12 09:00"),
        "resolved": ticket(
            "2026-06-15 14:00", level="hoog", reply="2026-06-15 15:00", resolve="2026-06-16 10:00"
        ),
        "overdue": ticket("2026-06-25 09:00"),
        "quiet": ticket("2026-06-26 09:00", reply="2026-06-26 09:05", resolve="2026-06-26 11:00"),
        "july": ticket("2026-07-14 09:00", reply="2026-07-14 09:10"),
    }
    ticket_survey_answer(
        ticket=tickets["resolved"],
        contact=contact,
        score=4,
        comment="",
        now=ams("2026-06-18 08:00"),
    )
    return {"contact": contact, **tickets}


def _figures(user, month: str = "2026-06") -> Dashboard:
    return dashboard_figures(now=NOW, month=month_parse(month), zone=AMS, user=user)


def _live(user, month: str = "2026-06") -> Dashboard:
    """The figures counted without any roll-up: every roll-up removed, then put back."""
    with transaction.atomic():
        FiguresMonth.objects.all().delete()
        figures = _figures(user, month)
        transaction.set_rollback(True)
    return figures


def _fresh(month: date) -> bool:
    return month in months_rolled(months=[month], zone=AMS, now=NOW)


def test_the_months_that_are_over_are_rolled_up_and_read_as_counted(world, reader):
    live = _figures(reader)  # nothing rolled up yet: every month counted live
    rolled = figures_rollup(now=NOW)
    # The last thirteen months that are over, the latest first (the dashboard's twelve months
    # up to last month even before the first ticket).
    assert (rolled[:2], len(rolled), rolled[-1]) == ([JUNE, MAY], 13, date(2025, 6, 1))

    assert (_fresh(MAY), _fresh(JUNE), _fresh(JULY)) == (True, True, False)
    assert _figures(reader) == live
    assert _figures(reader, "2026-07") == _live(reader, "2026-07")
    assert figures_rollup(now=NOW) == []  # fresh: nothing to count again


def test_the_dashboard_reads_the_roll_up_and_not_the_tickets(world, reader):
    figures_rollup(now=NOW)
    row = MonthClockFigures.objects.filter(figures_month__month=JUNE, metric="response")
    row.filter(pk=row.order_by("pk").values("pk")[:1]).update(met=F("met") + 100)

    tampered = _figures(reader)
    assert tampered != _live(reader)
    months_touch([JUNE])  # as a late change would: June is counted live again
    assert _figures(reader) == _live(reader)


def test_a_change_made_while_june_is_counted_leaves_it_to_be_counted_again(world, monkeypatch):
    """The count removes only the changes it saw before it read the tickets: one that came
    while it counted (a concurrent transaction, here played in between) stays."""
    counted = figures_services.month_counted

    def counting_while_a_change_comes(**kwargs):
        months_touch([JUNE])
        return counted(**kwargs)

    monkeypatch.setattr(figures_services, "month_counted", counting_while_a_change_comes)
    assert figures_month_roll(month=JUNE, now=NOW) is True
    assert not _fresh(JUNE)
    monkeypatch.setattr(figures_services, "month_counted", counted)
    assert figures_month_roll(month=JUNE, now=NOW) is True
    assert _fresh(JUNE)


def test_a_month_is_rolled_up_only_after_it_ended_and_a_grace(world):
    assert figures_month_roll(month=JULY, now=NOW) is False
    assert figures_month_roll(month=JUNE, now=ams("2026-07-01 00:10")) is False
    assert figures_month_roll(month=JUNE, now=ams("2026-07-01 00:16")) is True


def _reply(world, agent):
    ticket_reply(ticket=world["unanswered"], body="Eindelijk", now=NOW, author_user=agent)


def _resolve(world, agent):
    ticket_resolve(ticket=world["unanswered"], kind="fix", text="Opgelost", now=NOW, actor=agent)


def _reopen(world, agent):
    ticket_transition(
        ticket=world["resolved"], to_status=Status.IN_PROGRESS, now=NOW, actor=agent, reason="terug"
    )


def _reprioritise(world, agent):
    ticket_change_priority(
        ticket=world["late"], level="hoog", reason="minder erg", now=NOW, actor=agent
    )


def _exempt(world, agent):
    with transaction.atomic():
        ticket_sla_exempt(
            ticket=world["late"], reason="geen toegang", vendor_owned=False, now=NOW, actor=agent
        )


def _cancel(world, agent):
    ticket_transition(
        ticket=world["overdue"], to_status=Status.CANCELLED, now=NOW, actor=agent, reason="dubbel"
    )


def _register_late(world, agent):
    # Phoned in on 30 June at 23:50, registered today: June's ticket.
    create_ticket(world["contact"], NOW, received_at=ams("2026-06-30 23:50"))


def _survey_dated_in_june(world, agent):
    # An answer given on paper on 30 June, entered today.
    ticket_survey_answer(
        ticket=world["quiet"],
        contact=world["contact"],
        score=2,
        comment="",
        now=ams("2026-06-30 17:00"),
    )


LATE_CHANGES: dict[str, Callable] = {
    "first reply today to June's unanswered ticket": _reply,
    "June's unanswered ticket resolved today": _resolve,
    "June's resolved ticket reopened today": _reopen,
    "June's late ticket re-prioritised today": _reprioritise,
    "June's late ticket exempted today": _exempt,
    "June's overdue ticket cancelled today": _cancel,
    "a ticket that came in on 30 June registered today": _register_late,
}


@pytest.mark.parametrize("change", list(LATE_CHANGES.values()), ids=list(LATE_CHANGES))
def test_a_late_change_to_june_shows_at_once_and_is_rolled_up_again(world, agent, reader, change):
    figures_rollup(now=NOW)
    before = _figures(reader)

    change(world, agent)

    assert not _fresh(JUNE)
    after = _figures(reader)
    assert after == _live(reader)
    assert after != before  # the change did change June's figures
    assert _figures(reader, "2026-07") == _live(reader, "2026-07")
    assert figures_rollup(now=NOW) == [JUNE]
    assert _fresh(JUNE)
    assert _figures(reader) == after


def test_a_survey_answer_dated_in_june_counts_in_june(world, agent, reader):
    figures_rollup(now=NOW)
    before = _figures(reader).csat

    _survey_dated_in_june(world, agent)

    after = _figures(reader)
    assert after == _live(reader)
    assert after.csat != before
    figures_rollup(now=NOW)
    assert _figures(reader) == after


def test_a_change_that_moves_nothing_in_june_leaves_its_roll_up_fresh(world, agent):
    figures_rollup(now=NOW)

    ticket_reply(ticket=world["met"], body="Nog een vraag?", now=NOW, author_user=agent)
    ticket_reply(ticket=world["july"], body="Bezig", now=NOW, author_user=agent)

    assert _fresh(JUNE)


def test_re_prioritising_this_months_ticket_reads_nothing_for_the_roll_up(world, agent):
    figures_rollup(now=NOW)
    with CaptureQueriesContext(connection) as ctx:
        ticket_change_priority(
            ticket=world["july"], level="hoog", reason="minder erg", now=NOW, actor=agent
        )

    assert not [q for q in ctx.captured_queries if "satisfactionsurvey" in q["sql"]]
    assert not FiguresMonthChange.objects.exists()
    june_ticket = world["late"]
    with CaptureQueriesContext(connection) as ctx:
        ticket_change_priority(ticket=june_ticket, level="hoog", reason="x", now=NOW, actor=agent)
    assert [q for q in ctx.captured_queries if "satisfactionsurvey" in q["sql"]]


def test_a_csam_reads_only_their_contracts_from_the_roll_up(world, agent):
    other = ContractFactory(provider_code="onitnow", package_code="ons")
    create_ticket(named_contact(other), ams("2026-06-03 09:00"))
    csam = UserFactory(username="figures-csam")
    csam.groups.add(Group.objects.get_or_create(name="Customer success account manager")[0])
    ContractFactory._meta.model.objects.filter(pk=world["met"].contract_id).update(csam=csam)
    figures_rollup(now=NOW)

    mine = _figures(csam)

    assert mine == _live(csam)
    assert {r.contract_id for r in mine.compliance} == {world["met"].contract_id}
    assert sum(p.opened for t in mine.trends for p in t.points) == 7  # May and June


def test_the_rolled_up_dashboard_costs_the_same_queries_for_more_contracts(
    world, agent, reader, django_assert_num_queries
):
    figures_rollup(now=NOW)
    _figures(reader)  # the reader's roles are cached on the user from here on
    with django_assert_num_queries(9):
        _figures(reader)
    for day in (2, 3):
        contract = ContractFactory(provider_code="onitnow", package_code="ons")
        create_ticket(named_contact(contract), ams(f"2026-06-{day:02d} 09:00"))
    figures_rollup(now=NOW)
    with django_assert_num_queries(9):
        _figures(reader)


def test_the_command_counts_every_month_again_after_a_change_the_services_did_not_see(
    world, reader
):
    figures_rollup(now=NOW)
    # A restore or a data migration: June's late ticket answered in time, behind the services.
    SlaClock.objects.filter(ticket=world["late"], metric="response").update(met=True)
    stale = _figures(reader)
    assert stale != _live(reader)

    out = io.StringIO()
    call_command("figures_rollup", "--again", stdout=out)

    assert "2026-05, 2026-06" in out.getvalue()
    assert _figures(reader) == _live(reader)
