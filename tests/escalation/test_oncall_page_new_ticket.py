"""Issue #16: a ticket that pages on call as it is registered writes its page at the first
step in one INSERT (it cannot have been paged before: nobody sees it until it commits), and
the page behaves as one opened by `oncall_page_open`: the sweep moves it on, a second reason
pages nobody twice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts import selectors
from contracts.models import OnCallShift
from escalation.models import OnCallPage, OnCallPageStep
from escalation.services.oncall import oncall_page_open, oncall_sweep
from escalation.tokens import oncall_ack_token_read
from notifications.models import OutboxEmail, StaffProfile
from notifications.services.recipients import line_members_cache_clear
from tests.escalation.oncall_world import (
    MONDAY_10AM,
    SATURDAY_3AM,
    SDM,
    oncall_mails,
    page_of,
    steps,
)
from tests.factories import UserFactory, named_contact
from tests.tickets.helpers import create_ticket

pytestmark = pytest.mark.django_db


def _queries(rota, now):
    rota.ticket(now)  # warm the per-process caches (calendar revision, engineers)
    with CaptureQueriesContext(connection) as ctx:
        ticket = rota.ticket(now)
    return ticket, [q["sql"] for q in ctx.captured_queries]


def test_the_first_step_is_written_with_the_page(rota, pager):
    ticket, _ = _queries(rota, SATURDAY_3AM)

    page = page_of(ticket)
    assert (page.step, page.rota_gap) == (1, False)
    assert page.next_step_at == SATURDAY_3AM + timedelta(minutes=15)
    assert steps(ticket) == [(1, "on_call", "Anna Jansen")]
    assert oncall_mails(ticket) == [rota.anna.email]

    oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=14))
    assert len(steps(ticket)) == 1
    oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=15))
    oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=15))
    assert steps(ticket)[-1] == (2, "on_call", "Bram Visser")
    assert len(steps(ticket)) == 2


def test_a_second_reason_while_the_first_waits_pages_nobody_again(rota, pager):
    ticket, _ = _queries(rota, SATURDAY_3AM)

    again = oncall_page_open(ticket=ticket, now=SATURDAY_3AM, reason="phone-line")

    assert again == page_of(ticket)
    assert OnCallPage.objects.filter(ticket=ticket).count() == 1
    assert len(steps(ticket)) == 1


def test_paging_adds_the_rota_and_the_rows_it_writes_and_no_look_back(rota, pager):
    """Paging costs the rota (which takes the keys of the page and its step along) and one
    statement writing the page, the step, the mail and the event (PostgreSQL; elsewhere an
    INSERT each); the
    acknowledgement wait is the cached policy's; no look for an earlier page, no savepoint,
    no read back."""
    _, office = _queries(rota, MONDAY_10AM)
    ticket, night = _queries(rota, SATURDAY_3AM)

    paging = len(night) - len(office)
    assert paging <= (2 if connection.vendor == "postgresql" else 5), night
    assert not [sql for sql in night if "SAVEPOINT" in sql.upper()]
    page_reads = [
        sql
        for sql in night
        if sql.startswith("SELECT") and "oncallpage" in sql and "nextval" not in sql
    ]
    assert page_reads == []
    page = page_of(ticket)
    assert page.next_step_at == SATURDAY_3AM + timedelta(minutes=15)
    assert steps(ticket) == [(1, "on_call", "Anna Jansen")]
    assert ticket.events.filter(kind="oncall_paged").count() == 1


def test_the_mail_written_with_the_page_links_to_its_own_step(rota, pager, client):
    """The mail is rendered before its step is written (the step's key is taken first): its
    link names that step, and following it acknowledges the page as Anna's."""
    ticket, _ = _queries(rota, SATURDAY_3AM)

    mail = OutboxEmail.objects.get(ticket=ticket, key__startswith="oncall:")
    step = OnCallPageStep.objects.get(page__ticket=ticket)
    assert mail.key == f"oncall:{step.page_id}:1:{rota.anna.email}"
    [path] = re.findall(r"/oncall/acknowledge/[^/\s\"]+/", mail.body_text)
    assert oncall_ack_token_read(path.split("/")[-2]) == step.pk

    client.post(path)
    assert page_of(ticket).acknowledged_by == rota.anna


def test_a_rota_gap_without_a_contact_costs_three_queries(rota, pager):
    """Nobody on call and no level-1 contact: the rota, the contacts, the page INSERT."""
    rota.contract.escalation_contacts.all().delete()
    _, office = _queries(rota, MONDAY_10AM)
    OnCallShift.objects.all().delete()
    ticket, night = _queries(rota, SATURDAY_3AM)

    assert len(night) - len(office) <= 3, night
    page = page_of(ticket)
    assert (page.step, page.rota_gap, page.next_step_at) == (1, True, None)
    assert steps(ticket) == []


def test_a_rota_gap_pages_the_contact_in_their_language_with_one_read_of_them(rota, pager):
    """Nobody on call: the level-1 contact is paged, and the contact's language (a staff
    member's own, found by address) comes in the same read as the contact (the rota, the
    contact, which takes the keys along, and the one statement on PostgreSQL)."""
    StaffProfile.objects.create(user=UserFactory(email=SDM.upper()), language="en")
    _, office = _queries(rota, MONDAY_10AM)
    OnCallShift.objects.all().delete()
    ticket, night = _queries(rota, SATURDAY_3AM)

    assert len(night) - len(office) <= (3 if connection.vendor == "postgresql" else 6), night
    assert steps(ticket) == [(1, "escalation_contact", "Sam de Vries")]
    assert page_of(ticket).rota_gap is True
    mail = OutboxEmail.objects.get(ticket=ticket, key__startswith="oncall:")
    assert (mail.to_email, mail.language) == (SDM, "en")
    assert "Nobody is on call right now (a gap in the on-call rota)" in mail.body_text


def test_a_contact_without_an_address_is_not_taken_for_staff_without_one(rota, pager):
    """A phone-only contact has no address: a staff member without one is not theirs."""
    rota.contract.escalation_contacts.update(email="")
    StaffProfile.objects.create(user=UserFactory(email=""), language="en")
    OnCallShift.objects.all().delete()
    ticket = rota.ticket(SATURDAY_3AM)

    step = OnCallPageStep.objects.get(page__ticket=ticket)
    assert (step.role, step.email, step.phone, step.language) == (
        "escalation_contact",
        "",
        "+31201234567",
        "nl",
    )


def test_a_paging_ticket_after_the_minute_reads_only_the_lines_members_again(rota, pager):
    """When this process's cached calendar revisions, policy and line members have expired (a
    quiet night), the ticket's contract read renews the first two: only the line's members are
    read again, one query over the warm count (8 at most on PostgreSQL, issue #16)."""
    _, warm = _queries(rota, SATURDAY_3AM)
    selectors._CURRENT_REVISIONS.clear()  # as when the minute is over
    selectors._POLICIES_CACHED.clear()
    line_members_cache_clear()

    contact = named_contact(rota.contract)  # the world's own writes, apart
    with CaptureQueriesContext(connection) as ctx:
        create_ticket(contact, SATURDAY_3AM, priority_level="critical", send_receipt=False)

    cold = [q["sql"] for q in ctx.captured_queries]
    assert len(cold) <= len(warm) + 1, cold
    if connection.vendor == "postgresql":
        assert len(cold) <= 8, cold
